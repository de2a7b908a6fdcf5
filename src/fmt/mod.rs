//! `crmc fmt`: the canonical layout of a `.crmc` file. Formatting is a pure
//! function of the syntax tree and the original text (the text is read only
//! to keep comments and the author's blank lines between clauses).
//!
//! Guarantees, held by property tests: `format(format(x)) == format(x)`, and
//! `parse(format(x))` equals `parse(x)` except for spans.

pub(crate) mod exprs;
mod printer;

use crate::diagnostics::Diagnostic;
use crate::span::FileId;
use crate::syntax;

/// Formats a source text. Returns the syntax errors instead when the text
/// does not parse (a file is never reformatted from a partial tree).
pub fn format_source(text: &str) -> Result<String, Vec<Diagnostic>> {
    let (file, diags) = syntax::parse(FileId(0), text);
    if diags.iter().any(Diagnostic::is_error) {
        return Err(diags);
    }
    Ok(printer::print_file(&file, text))
}

/// A unified diff of `old` → `new` (`---`/`+++` headers, `@@` hunks with
/// three lines of context), for `crmc fmt --check`; with `color`, ANSI
/// colours as `git diff` uses them.
///
/// Memory is linear in the input (Myers' algorithm in its linear-space
/// form, from `similar`); time is O((N+M)·D) for D differing lines, so a
/// deadline bounds it: past it the rest is shown as one coarser hunk,
/// still a correct diff, just not a minimal one.
pub fn unified_diff(name: &str, old: &str, new: &str, color: bool) -> String {
    let diff = similar::TextDiff::configure()
        .algorithm(similar::Algorithm::Myers)
        .timeout(std::time::Duration::from_secs(2))
        .diff_lines(old, new);
    let text = diff
        .unified_diff()
        .context_radius(3)
        .header(name, &format!("{name} (formatted)"))
        .to_string();
    if !color {
        return text;
    }
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut in_header = true;
    for line in text.split_inclusive('\n') {
        let code = if line.starts_with("@@") {
            in_header = false;
            "\x1b[36m"
        } else if in_header {
            "\x1b[1m"
        } else if line.starts_with('+') {
            "\x1b[32m"
        } else if line.starts_with('-') {
            "\x1b[31m"
        } else {
            ""
        };
        if code.is_empty() {
            out.push_str(line);
        } else {
            let body = line.strip_suffix('\n');
            out.push_str(code);
            out.push_str(body.unwrap_or(line));
            out.push_str("\x1b[0m");
            if body.is_some() {
                out.push('\n');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::unified_diff;

    #[test]
    fn unified_diff_has_hunks_and_optional_colour() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\ni\n";
        let new = "a\nb\nc\nD\ne\nf\ng\nh\ni\n";
        let plain = unified_diff("x.crmc", old, new, false);
        assert_eq!(
            plain,
            "--- x.crmc\n+++ x.crmc (formatted)\n@@ -1,7 +1,7 @@\n a\n b\n c\n-d\n+D\n e\n f\n g\n"
        );
        let coloured = unified_diff("x.crmc", old, new, true);
        assert!(coloured.contains("\x1b[31m-d\x1b[0m\n\x1b[32m+D\x1b[0m\n"));
        assert!(!plain.contains('\x1b'));
    }
}
