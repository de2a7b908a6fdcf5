//! Completion from the text around the cursor (so a file that does not
//! parse still gets it) and the unit's declared names: clause keywords,
//! the contract object's fields (in `fields { }`, conditions, tests'
//! `change`/`record`), picklist values after `==`/`in (`, outcomes,
//! `std/…` modules, exclusions, actor kinds, modes, guardrail lines and floors.

use super::names::{self, Names};
use crate::load::stdlib;
use crate::syntax::ast::{ActorKind, Mode, Outcome};
use crate::syntax::{CLAUSE_KEYWORDS, OUTCOMES};
use lsp_types::{CompletionItem, CompletionItemKind};

/// One proposal: what is shown, what kind, and the text replacing
/// `replace_from..cursor` (byte offset) when that is not just the word.
#[derive(Debug, Clone)]
pub struct Proposal {
    pub label: String,
    pub kind: CompletionItemKind,
    pub detail: Option<String>,
    /// Replace from this offset (e.g. an opening quote) instead of the word.
    pub replace_from: Option<usize>,
}

fn item(label: impl Into<String>, kind: CompletionItemKind) -> Proposal {
    Proposal {
        label: label.into(),
        kind,
        detail: None,
        replace_from: None,
    }
}

impl Proposal {
    pub fn into_item(self) -> CompletionItem {
        CompletionItem {
            label: self.label,
            kind: Some(self.kind),
            detail: self.detail,
            ..CompletionItem::default()
        }
    }
}

/// An open `{` block before the cursor: the words before its brace.
#[derive(Debug)]
struct Block {
    header: String,
    /// Byte offset of the header's start (for scanning the block's text).
    start: usize,
}

/// The blocks open at the end of `text`, outermost first. Strings and
/// comments are skipped; unbalanced `}` are ignored.
fn open_blocks(text: &str) -> Vec<Block> {
    let mut stack = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    let mut in_comment = false;
    let mut line_start = 0;
    let mut header_start = 0;
    for (i, c) in text.char_indices() {
        if in_comment {
            if c == '\n' {
                in_comment = false;
                line_start = i + 1;
                header_start = i + 1;
            }
            continue;
        }
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' | '\n' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '/' if text.get(i + 1..i + 2) == Some("/") => in_comment = true,
            '\n' => {
                line_start = i + 1;
                header_start = i + 1;
            }
            '{' => {
                let from = header_start.max(line_start);
                let header = text.get(from..i).unwrap_or("").trim().to_string();
                stack.push(Block {
                    header,
                    start: from,
                });
                header_start = i + 1;
            }
            '}' => {
                stack.pop();
                header_start = i + 1;
            }
            _ => {}
        }
    }
    stack
}

fn first_word(s: &str) -> &str {
    s.split_whitespace().next().unwrap_or("")
}

/// The object named by the first `KEYWORD Name` line in `text`.
fn named_after(text: &str, keyword: &str) -> Option<String> {
    text.lines().find_map(|l| {
        let mut words = l.split_whitespace();
        (words.next() == Some(keyword))
            .then(|| words.next())
            .flatten()
            .map(|w| w.trim_end_matches('{').to_string())
            .filter(|w| !w.is_empty() && w.chars().all(|c| c.is_alphanumeric() || c == '_'))
    })
}

/// The text of the top-level block starting at `start`: up to the next
/// top-level item, so an `object` clause after the cursor still counts.
fn item_text(text: &str, start: usize) -> &str {
    let rest = text.get(start..).unwrap_or("");
    let mut end = rest.len();
    let mut pos = 0;
    for (n, line) in rest.split_inclusive('\n').enumerate() {
        if n > 0 && !line.starts_with([' ', '\t', '}', '\n', '\r']) && !line.trim().is_empty() {
            end = pos;
            break;
        }
        pos += line.len();
    }
    rest.get(..end).unwrap_or(rest)
}

/// The object the text at `offset` is about, read from the text alone
/// (a broken file's tree may have lost the clause): the enclosing
/// contract's `object`, a test's (or its `record`/`parent` block's)
/// object, an exclusion line's `on` object.
pub fn object_at(text: &str, offset: usize) -> Option<String> {
    let before = text.get(..offset.min(text.len()))?;
    let line = before.rsplit('\n').next().unwrap_or("");
    let blocks = open_blocks(before);
    let Some(outer) = blocks.first() else {
        let mut words = line.split_whitespace();
        if words.next() != Some("exclusion") {
            return None;
        }
        return words.skip_while(|w| *w != "on").nth(1).map(str::to_string);
    };
    let body = item_text(text, outer.start);
    match first_word(&outer.header) {
        "contract" | "guardrail" => named_after(body, "object"),
        "test" => match blocks.get(1) {
            Some(b) if matches!(first_word(&b.header), "record" | "parent") => {
                b.header.split_whitespace().nth(1).map(str::to_string)
            }
            _ => named_after(body, "record"),
        },
        _ => None,
    }
}

/// The proposals at byte `offset` of `text`, in a unit whose names are `names`.
pub fn complete(text: &str, offset: usize, names: &Names<'_>) -> Vec<Proposal> {
    let offset = offset.min(text.len());
    let Some(before) = text.get(..offset) else {
        return Vec::new();
    };
    let line = before.rsplit('\n').next().unwrap_or("");
    let trimmed = line.trim_start();
    let blocks = open_blocks(before);
    // `import "` anywhere: the standard modules.
    if let Some(rest) = trimmed.strip_prefix("import") {
        let rest = rest.trim_start();
        if rest.starts_with('"') && !rest[1..].contains('"') {
            let quote = offset - rest.len();
            return stdlib::MODULES
                .iter()
                .map(|(n, _)| Proposal {
                    replace_from: Some(quote),
                    ..item(format!("\"std/{n}\""), CompletionItemKind::MODULE)
                })
                .collect();
        }
    }
    let Some(outer) = blocks.first() else {
        return top_level(trimmed);
    };
    let outer_kind = first_word(&outer.header);
    let item_body = item_text(text, outer.start);
    match outer_kind {
        "contract" => {
            let object = named_after(item_body, "object");
            let inner = blocks.get(1).map(|b| first_word(&b.header));
            in_contract(line, offset, inner, object.as_deref(), names)
        }
        "guardrail" => {
            let object = named_after(item_body, "object");
            let inner = blocks.get(1).map(|b| first_word(&b.header));
            in_guardrail(line, offset, inner, object.as_deref(), names)
        }
        "test" => {
            let object = named_after(item_body, "record");
            match blocks.get(1) {
                Some(b) if matches!(first_word(&b.header), "record" | "parent") => {
                    let of = b.header.split_whitespace().nth(1).map(str::to_string);
                    if line.contains(':') {
                        value_context(line, offset, of.as_deref(), names).unwrap_or_default()
                    } else {
                        fields(of.as_deref(), names)
                    }
                }
                _ => in_test(trimmed, line, offset, object.as_deref(), names),
            }
        }
        _ => Vec::new(),
    }
}

fn top_level(trimmed: &str) -> Vec<Proposal> {
    if trimmed.contains(' ') {
        return Vec::new();
    }
    [
        "contract",
        "test",
        "import",
        "exclusion",
        "guardrail",
        "object",
        "extend",
        "schema",
    ]
    .iter()
    .map(|k| item(*k, CompletionItemKind::KEYWORD))
    .collect()
}

fn outcomes() -> Vec<Proposal> {
    OUTCOMES
        .iter()
        .map(|o| item(*o, CompletionItemKind::ENUM_MEMBER))
        .collect()
}

fn fields(object: Option<&str>, names: &Names<'_>) -> Vec<Proposal> {
    let Some(obj) = object.and_then(|o| names.objects.get(o)) else {
        return Vec::new();
    };
    obj.fields
        .values()
        .map(|f| Proposal {
            detail: Some(names::type_name(&f.ty)),
            ..item(f.name.name.clone(), CompletionItemKind::FIELD)
        })
        .collect()
}

/// Every object of the unit.
fn objects(names: &Names<'_>) -> Vec<Proposal> {
    names
        .objects
        .keys()
        .map(|o| item(*o, CompletionItemKind::CLASS))
        .collect()
}

/// What a `fields` line starts with: a field of the object, or `*`.
fn field_targets(object: Option<&str>, names: &Names<'_>) -> Vec<Proposal> {
    let mut out = fields(object, names);
    out.push(item("*", CompletionItemKind::OPERATOR));
    out
}

fn in_contract(
    line: &str,
    offset: usize,
    inner: Option<&str>,
    object: Option<&str>,
    names: &Names<'_>,
) -> Vec<Proposal> {
    let trimmed = line.trim_start();
    match inner {
        Some("fields") => match trimmed.split_once(':') {
            None => field_targets(object, names),
            Some((_, rules)) => {
                if has_word(rules, "when") {
                    condition(line, offset, object, names)
                } else {
                    let mut out = outcomes();
                    out.push(item("when", CompletionItemKind::KEYWORD));
                    out
                }
            }
        },
        Some("confidence") => outcomes(),
        Some("approval") => ["review", "escalate", "require"]
            .iter()
            .map(|k| item(*k, CompletionItemKind::KEYWORD))
            .collect(),
        Some(_) => Vec::new(),
        None => {
            let keyword = first_word(trimmed);
            let after_keyword = trimmed.len() > keyword.len();
            if !after_keyword {
                return CLAUSE_KEYWORDS
                    .iter()
                    .map(|k| item(*k, CompletionItemKind::KEYWORD))
                    .collect();
            }
            match keyword {
                "object" => objects(names),
                "actor" => actor_kinds(),
                "mode" => [
                    Mode::ReadOnly,
                    Mode::Draft,
                    Mode::ConditionalWrite,
                    Mode::AutomatedWrite,
                ]
                .iter()
                .map(|m| item(m.as_str(), CompletionItemKind::ENUM_MEMBER))
                .collect(),
                "trigger" => trigger_events(trimmed, object, names, true),
                "exclude" if !has_word(trimmed, "when") => {
                    let mut out: Vec<Proposal> = names
                        .exclusions
                        .values()
                        .filter(|e| object.is_none_or(|o| e.object.name == o))
                        .map(|e| Proposal {
                            detail: Some(format!("on {}", e.object.name)),
                            ..item(e.name.name.clone(), CompletionItemKind::CONSTANT)
                        })
                        .collect();
                    out.push(item("when", CompletionItemKind::KEYWORD));
                    out
                }
                "eligible" | "exclude" => condition(line, offset, object, names),
                _ => Vec::new(),
            }
        }
    }
}

/// Inside a `guardrail` block: its lines, objects, actor kinds, a `when`
/// condition; in its `fields` block the fields, then `at least` and the
/// outcomes a floor can be.
fn in_guardrail(
    line: &str,
    offset: usize,
    inner: Option<&str>,
    object: Option<&str>,
    names: &Names<'_>,
) -> Vec<Proposal> {
    let trimmed = line.trim_start();
    let keywords = |ks: &[&str]| -> Vec<Proposal> {
        ks.iter()
            .map(|k| item(*k, CompletionItemKind::KEYWORD))
            .collect()
    };
    match inner {
        Some("fields") => match trimmed.split_once(':') {
            None => field_targets(object, names),
            Some((_, floor)) if has_word(floor, "least") => {
                ["review", "escalate", "suggest", "never"]
                    .iter()
                    .map(|o| item(*o, CompletionItemKind::ENUM_MEMBER))
                    .collect()
            }
            Some(_) => keywords(&["at least", "never"]),
        },
        Some(_) => Vec::new(),
        None => {
            let keyword = first_word(trimmed);
            if trimmed.len() <= keyword.len() {
                return keywords(&["object", "actor", "when", "fields", "reason"]);
            }
            match keyword {
                "object" => objects(names),
                "actor" => actor_kinds(),
                "when" => condition(line, offset, object, names),
                _ => Vec::new(),
            }
        }
    }
}

/// In a `trigger` line (a contract's `trigger on ...`, or a test's cause):
/// objects after `of`, the changed fields inside `update(`, else the causes.
/// The fields are those of the `of` object when the line names one.
fn trigger_events(
    trimmed: &str,
    object: Option<&str>,
    names: &Names<'_>,
    in_contract: bool,
) -> Vec<Proposal> {
    let words: Vec<&str> = trimmed
        .split(|c: char| !c.is_alphanumeric() && c != '_')
        .filter(|w| !w.is_empty())
        .collect();
    let last_complete = if trimmed.ends_with(|c: char| c.is_alphanumeric() || c == '_') {
        words.len().checked_sub(2).and_then(|i| words.get(i))
    } else {
        words.last()
    };
    if last_complete == Some(&"of") {
        return names
            .objects
            .keys()
            .map(|o| item(*o, CompletionItemKind::CLASS))
            .collect();
    }
    let open = trimmed.rfind('(');
    if open.is_some_and(|i| !trimmed[i..].contains(')')) {
        let of = words
            .iter()
            .position(|w| *w == "of")
            .and_then(|i| words.get(i + 1))
            .copied();
        return fields(of.or(object), names);
    }
    let mut words = vec!["create", "update", "delete", "signal", "schedule", "of"];
    if in_contract && !has_word(trimmed, "on") {
        words.insert(0, "on");
    }
    words
        .iter()
        .map(|k| item(*k, CompletionItemKind::KEYWORD))
        .collect()
}

fn actor_kinds() -> Vec<Proposal> {
    [ActorKind::Ai, ActorKind::Integration, ActorKind::Human]
        .iter()
        .map(|k| item(k.as_str(), CompletionItemKind::ENUM_MEMBER))
        .collect()
}

fn has_word(s: &str, word: &str) -> bool {
    s.split(|c: char| !c.is_alphanumeric() && c != '_')
        .any(|w| w == word)
}

fn in_test(
    trimmed: &str,
    line: &str,
    offset: usize,
    object: Option<&str>,
    names: &Names<'_>,
) -> Vec<Proposal> {
    let keyword = first_word(trimmed);
    if trimmed.len() == keyword.len() {
        return crate::syntax::TEST_KEYWORDS
            .iter()
            .map(|k| item(*k, CompletionItemKind::KEYWORD))
            .collect();
    }
    match keyword {
        "change" => {
            if has_word(trimmed, "to") {
                // `change F to "`: F's picklist values.
                let field = trimmed.split_whitespace().nth(1);
                field
                    .and_then(|f| picklist(f, line, offset, object, names))
                    .unwrap_or_default()
            } else {
                fields(object, names)
            }
        }
        "expect" => {
            let mut out = outcomes();
            out.extend(fields(object, names));
            out
        }
        "event" => ["create", "update", "delete"]
            .iter()
            .map(|k| item(*k, CompletionItemKind::ENUM_MEMBER))
            .collect(),
        "trigger" => trigger_events(trimmed, object, names, false),
        "actor" => actor_kinds(),
        "record" | "parent" => names
            .objects
            .keys()
            .map(|o| item(*o, CompletionItemKind::CLASS))
            .collect(),
        _ => Vec::new(),
    }
}

/// In a condition: picklist values after `F ==` / `F in (`, else fields,
/// parent relations and the condition words.
fn condition(line: &str, offset: usize, object: Option<&str>, names: &Names<'_>) -> Vec<Proposal> {
    if let Some(values) = value_context(line, offset, object, names) {
        return values;
    }
    let mut out = fields(object, names);
    if let Some(obj) = object.and_then(|o| names.objects.get(o)) {
        for f in obj.fields.values() {
            if let crate::syntax::ast::TypeKind::Ref(t) = &f.ty.kind {
                if let [one] = t.as_slice() {
                    if let Some(rel) = crate::check::relation_name(&f.name.name, &one.name) {
                        out.push(Proposal {
                            detail: Some(format!("parent {}", one.name)),
                            ..item(rel, CompletionItemKind::MODULE)
                        });
                    }
                }
            }
        }
    }
    for w in [
        "and",
        "or",
        "not",
        "is",
        "empty",
        "set",
        "in",
        "changed",
        "new",
        "confidence",
        "source",
        "event",
    ] {
        out.push(item(w, CompletionItemKind::KEYWORD));
    }
    out
}

/// Picklist values when the cursor is after `F ==`, `F !=`, `F in (` (or
/// a `F: ` in a test record).
fn value_context(
    line: &str,
    offset: usize,
    object: Option<&str>,
    names: &Names<'_>,
) -> Option<Vec<Proposal>> {
    // The operator nearest before the cursor.
    let candidates = ["==", "!=", " in (", ":"];
    let (pos, op) = candidates
        .iter()
        .filter_map(|op| line.rfind(op).map(|p| (p, *op)))
        .max_by_key(|(p, _)| *p)?;
    let after = line.get(pos + op.len()..)?;
    if op == " in (" {
        if after.contains(')') {
            return None;
        }
    } else if after
        .trim_start()
        .trim_start_matches('"')
        .contains(['"', ' '])
    {
        // A finished value: not in the value any more.
        return None;
    }
    let lhs = line.get(..pos)?.trim_end();
    let field = lhs
        .rsplit(|c: char| c.is_whitespace() || c == '(' || c == ',')
        .next()?;
    picklist(field, line, offset, object, names)
}

fn picklist(
    field: &str,
    line: &str,
    offset: usize,
    object: Option<&str>,
    names: &Names<'_>,
) -> Option<Vec<Proposal>> {
    let field = field.strip_prefix("new ").unwrap_or(field);
    let mut segments: Vec<&str> = field.split('.').collect();
    let last = segments.pop()?;
    let mut at = object?;
    for r in segments {
        at = names.relation(at, r)?;
    }
    let decl = names.field(at, last)?;
    let values = names::picklist_values(&decl.ty);
    if values.is_empty() {
        return None;
    }
    // Inside an open string, replace from its quote.
    let quotes = line.matches('"').count();
    let from = if quotes % 2 == 1 {
        line.rfind('"').map(|q| offset - (line.len() - q))
    } else {
        None
    };
    Some(
        values
            .iter()
            .map(|v| Proposal {
                replace_from: from,
                ..item(format!("\"{}\"", v.value), CompletionItemKind::ENUM_MEMBER)
            })
            .collect(),
    )
}

/// A word list of outcomes as the table format spells them (for tests).
pub fn outcome_names() -> Vec<&'static str> {
    [
        Outcome::Auto,
        Outcome::Review,
        Outcome::Escalate,
        Outcome::Suggest,
        Outcome::Never,
    ]
    .iter()
    .map(|o| o.as_str())
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_blocks_skip_strings_and_comments() {
        let text = "contract a {\n  owner \"{\" // {\n  fields {\n    X: auto\n  }\n  confidence {";
        let blocks = open_blocks(text);
        let headers: Vec<&str> = blocks.iter().map(|b| b.header.as_str()).collect();
        assert_eq!(headers, vec!["contract a", "confidence"]);
    }

    #[test]
    fn outcomes_agree_with_the_table_format() {
        assert_eq!(outcome_names(), OUTCOMES.to_vec());
    }
}
