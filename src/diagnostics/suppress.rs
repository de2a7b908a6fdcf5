//! Inline suppression: `// crmc: allow(CODE) reason` on a finding's line
//! (after code) or on its own line just above it suppresses that finding.
//!
//! A suppressed diagnostic stays in the list, marked with its
//! [`Suppression`]: human output hides it (the summary counts it), JSON and
//! SARIF report it as suppressed, and it counts for no exit status. Only
//! warnings (W03xx, W05xx) can be suppressed: an error is a reason `build`
//! refuses the unit (a type error, a conflict, an all-`auto` loop), and a
//! comment must not be a way to ship a table that loops or means something
//! else than it says. The comments
//! themselves are checked: no reason (W0701), nothing suppressed (W0702), an
//! unsuppressible code (W0703), a malformed directive or unknown code (W0704).

use super::{codes, Diagnostic, Suppression};
use crate::source::SourceMap;
use crate::span::{FileId, Span};

/// Which stages ran, so that an allow is called unused only when the stage
/// that reports its code had its say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StagesRan {
    /// The checker ran (E03xx/E04xx/W03xx could be reported).
    pub check: bool,
    /// The analyzer ran (E05xx/W05xx could be reported).
    pub analyze: bool,
}

/// One `// crmc: ...` comment.
struct Allow {
    file: FileId,
    /// 1-based line of the comment.
    line: usize,
    /// Nothing but whitespace before the comment on its line.
    own_line: bool,
    /// The comment, `//` to the end of its text.
    span: Span,
    /// Upper-cased codes, each with whether it suppressed something.
    codes: Vec<(String, bool)>,
    reason: Option<String>,
}

/// A directive that is not `allow(CODES) reason`.
struct Malformed {
    span: Span,
    why: String,
}

/// Whether a code may be suppressed at all.
fn suppressible(code: &str) -> bool {
    code.starts_with('W') && !code.starts_with("W07")
}

/// Applies every allow comment of `sources` to `diags` and appends the
/// diagnostics about the comments themselves.
pub fn apply(sources: &SourceMap, diags: &mut Vec<Diagnostic>, ran: StagesRan) {
    let (mut allows, malformed) = scan(sources);
    for d in diags.iter_mut() {
        let span = d.primary.span;
        let (line, _) = sources.line_col(span.file, span.start);
        for a in allows.iter_mut().filter(|a| {
            a.file == span.file && (a.line == line || (a.own_line && a.line + 1 == line))
        }) {
            let Some(entry) = a.codes.iter_mut().find(|(c, _)| c == d.code) else {
                continue;
            };
            if !suppressible(d.code) {
                d.notes.push(format!(
                    "the `crmc: allow({})` comment cannot suppress it: errors must be fixed \
(only warnings can be suppressed)",
                    d.code
                ));
                continue;
            }
            entry.1 = true;
            if d.suppressed.is_none() {
                if let Some(reason) = &a.reason {
                    d.suppressed = Some(Suppression {
                        reason: reason.clone(),
                        span: a.span,
                    });
                }
            }
        }
    }
    for m in malformed {
        diags.push(
            Diagnostic::new(
                "W0704",
                format!("malformed suppression comment: {}", m.why),
                m.span,
                "not a `crmc: allow(CODE) reason` comment",
            )
            .with_help("write `// crmc: allow(CODE) why the finding does not apply here`"),
        );
    }
    for a in &allows {
        diags.extend(comment_findings(a, ran));
    }
    super::sort(diags);
}

/// W0701/W0703/W0704/W0702 for one allow comment.
fn comment_findings(a: &Allow, ran: StagesRan) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if a.reason.is_none() {
        out.push(
            Diagnostic::new(
                "W0701",
                "this suppression comment gives no reason, so it suppresses nothing",
                a.span,
                "no reason after `allow(...)`",
            )
            .with_help(format!(
                "say why the finding does not apply here: `// crmc: allow({}) REASON`",
                a.codes
                    .iter()
                    .map(|(c, _)| c.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        );
    }
    for (code, used) in &a.codes {
        if codes::lookup(code).is_none() {
            out.push(
                Diagnostic::new(
                    "W0704",
                    format!("`{code}` is not a crmc diagnostic code"),
                    a.span,
                    "unknown code",
                )
                .with_help("`crmc explain` lists every code"),
            );
        } else if !suppressible(code) {
            out.push(
                Diagnostic::new(
                    "W0703",
                    format!("`{code}` cannot be suppressed"),
                    a.span,
                    "this comment has no effect",
                )
                .with_help(
                    "errors, and the W07xx warnings about these comments, must be fixed; \
only warnings (W03xx, W05xx) can be suppressed; delete the comment",
                ),
            );
        } else if !used && a.reason.is_some() && stage_ran(code, ran) {
            out.push(
                Diagnostic::new(
                    "W0702",
                    format!("this `allow({code})` suppresses nothing"),
                    a.span,
                    format!("no `{code}` finding on this line or the next"),
                )
                .with_help(
                    "delete the comment, or move it onto the finding's line or the line above it",
                ),
            );
        }
    }
    out
}

fn stage_ran(code: &str, ran: StagesRan) -> bool {
    if code.starts_with("E05") || code.starts_with("W05") {
        ran.analyze
    } else {
        ran.check
    }
}

/// Every `// crmc:` comment of every file. Strings never span lines, so a
/// per-line scan that skips string literals finds exactly the comments.
fn scan(sources: &SourceMap) -> (Vec<Allow>, Vec<Malformed>) {
    let (mut allows, mut malformed) = (Vec::new(), Vec::new());
    for (file, source) in sources.files() {
        let mut offset = 0usize;
        for (i, line) in source.text.split('\n').enumerate() {
            if let Some(col) = comment_start(line) {
                let comment = line[col..].trim_end();
                let span = Span {
                    file,
                    start: to_u32(offset + col),
                    end: to_u32(offset + col + comment.len()),
                };
                match parse(comment) {
                    Directive::None => {}
                    Directive::Allow { codes, reason } => allows.push(Allow {
                        file,
                        line: i + 1,
                        own_line: line[..col].trim().is_empty(),
                        span,
                        codes: codes.into_iter().map(|c| (c, false)).collect(),
                        reason,
                    }),
                    Directive::Malformed(why) => malformed.push(Malformed { span, why }),
                }
            }
            offset += line.len() + 1;
        }
    }
    (allows, malformed)
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The byte column of the line's `//` comment, outside string literals.
fn comment_start(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let (mut in_string, mut i) = (false, 0);
    while i < bytes.len() {
        match (in_string, bytes[i]) {
            (true, b'\\') => i += 1,
            (_, b'"') => in_string = !in_string,
            (false, b'/') if bytes.get(i + 1) == Some(&b'/') => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

enum Directive {
    /// An ordinary comment.
    None,
    Allow {
        codes: Vec<String>,
        reason: Option<String>,
    },
    Malformed(String),
}

/// `// crmc: allow(W0511, W0503) reason` → codes and reason.
fn parse(comment: &str) -> Directive {
    let body = comment.trim_start_matches('/').trim_start();
    let Some(rest) = body.strip_prefix("crmc:") else {
        return Directive::None;
    };
    let rest = rest.trim_start();
    let Some(args) = rest.strip_prefix("allow") else {
        return Directive::Malformed("the only directive is `allow(CODE)`".to_string());
    };
    let Some(args) = args.trim_start().strip_prefix('(') else {
        return Directive::Malformed("`allow` needs the codes in parentheses".to_string());
    };
    let Some((list, reason)) = args.split_once(')') else {
        return Directive::Malformed("`allow(` is not closed".to_string());
    };
    let codes: Vec<String> = list
        .split(',')
        .map(|c| c.trim().to_ascii_uppercase())
        .filter(|c| !c.is_empty())
        .collect();
    if codes.is_empty() {
        return Directive::Malformed("`allow()` names no code".to_string());
    }
    let reason = reason.trim();
    Directive::Allow {
        codes,
        reason: (!reason.is_empty()).then(|| reason.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_found_outside_strings_only() {
        assert_eq!(comment_start("a // b"), Some(2));
        assert_eq!(comment_start("x == \"http://a\" // c"), Some(16));
        assert_eq!(comment_start("x == \"a\\\"//\""), None);
        assert_eq!(comment_start("no comment"), None);
    }

    #[test]
    fn directives_parse() {
        match parse("// crmc: allow(w0511, W0503) because") {
            Directive::Allow { codes, reason } => {
                assert_eq!(codes, ["W0511", "W0503"]);
                assert_eq!(reason.as_deref(), Some("because"));
            }
            _ => panic!("not an allow"),
        }
        assert!(matches!(
            parse("// crmc: allow(W0511)"),
            Directive::Allow { reason: None, .. }
        ));
        assert!(matches!(
            parse("// crmc: deny(W0511) x"),
            Directive::Malformed(_)
        ));
        assert!(matches!(
            parse("// crmc: allow(W0511 x"),
            Directive::Malformed(_)
        ));
        assert!(matches!(parse("// plain comment"), Directive::None));
    }
}
