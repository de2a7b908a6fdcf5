//! Hover: what a name is (a field's type, attributes and picklist values;
//! an object; an exclusion's definition; a contract's summary; an import),
//! what an outcome means, and the `crmc explain` text of a diagnostic code
//! under the cursor (in a diagnostic's range or a `// crmc: allow(...)`).

use super::at::{self, Target};
use super::names::{self, Names, PathEnd};
use super::unit::Unit;
use crate::diagnostics::codes;
use crate::span::{FileId, Span};
use crate::syntax::ast;
use std::fmt::Write;

/// The markdown shown at `offset` of `file`, and the range it is about.
pub fn hover(unit: &Unit, file: FileId, offset: u32) -> Option<(String, Option<Span>)> {
    let mut parts: Vec<String> = Vec::new();
    let mut about = None;
    let names = Names::of(unit);
    let found = unit
        .tree(file)
        .and_then(|tree| at::find(tree, offset))
        .and_then(|target| describe(unit, &names, &target))
        .or_else(|| by_word(unit, &names, file, offset));
    if let Some((text, span)) = found {
        parts.push(text);
        about = Some(span);
    }
    for code in codes_at(unit, file, offset) {
        if let Some(info) = codes::lookup(code) {
            parts.push(format!(
                "**{}** ({}): {}\n\n{}",
                info.code,
                info.severity.as_str(),
                info.title,
                info.explanation.trim_end()
            ));
        }
    }
    if parts.is_empty() {
        None
    } else {
        Some((parts.join("\n\n---\n\n"), about))
    }
}

/// The codes of the diagnostics whose range holds `offset`, and a code
/// written in a `// crmc: allow(...)` comment under it.
fn codes_at(unit: &Unit, file: FileId, offset: u32) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for d in &unit.front.diagnostics {
        let s = d.primary.span;
        if d.suppressed.is_none()
            && s.file == file
            && s.start <= offset
            && offset <= s.end
            && !out.contains(&d.code)
        {
            out.push(d.code);
        }
    }
    if let Some(code) = code_in_comment(unit, file, offset) {
        if !out.contains(&code) {
            out.push(code);
        }
    }
    out
}

fn code_in_comment(unit: &Unit, file: FileId, offset: u32) -> Option<&'static str> {
    let tree = unit.tree(file)?;
    let comment = tree
        .comments
        .iter()
        .find(|c| c.span.start <= offset && offset <= c.span.end)?;
    let text = unit.front.parsed.sources.snippet(comment.span);
    let at = (offset - comment.span.start) as usize;
    // The word under the cursor.
    let is_word = |c: char| c.is_ascii_alphanumeric();
    let start = text
        .get(..at)?
        .rfind(|c: char| !is_word(c))
        .map_or(0, |i| i + 1);
    let end = text
        .get(at..)?
        .find(|c: char| !is_word(c))
        .map_or(text.len(), |i| at + i);
    let word = text.get(start..end)?;
    codes::lookup(word).map(|c| c.code)
}

/// For text the parser could not make a tree of: the word under the
/// cursor, read as an outcome, an exclusion, a field of the object the
/// text around it is about, or an object.
fn by_word(unit: &Unit, names: &Names<'_>, file: FileId, offset: u32) -> Option<(String, Span)> {
    let text = &unit.source(file)?.text;
    let at = (offset as usize).min(text.len());
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let start = text
        .get(..at)?
        .rfind(|c: char| !is_word(c))
        .map_or(0, |i| i + 1);
    let end = text
        .get(at..)?
        .find(|c: char| !is_word(c))
        .map_or(text.len(), |i| at + i);
    let word = text.get(start..end)?;
    if word.is_empty() {
        return None;
    }
    let span = Span::new(file, start, end);
    let outcome = [
        ast::Outcome::Auto,
        ast::Outcome::Review,
        ast::Outcome::Escalate,
        ast::Outcome::Suggest,
        ast::Outcome::Never,
    ]
    .into_iter()
    .find(|o| o.as_str() == word);
    if let Some(o) = outcome {
        return Some((outcome_text(o), span));
    }
    if names.exclusions.contains_key(word) {
        let ident = ast::Ident {
            name: word.to_string(),
            span,
        };
        return describe(unit, names, &Target::Exclusion(&ident));
    }
    if let Some(object) = super::completion::object_at(text, start) {
        if let Some(decl) = names.field(&object, word) {
            return Some((field_text(unit, &object, decl), span));
        }
    }
    names
        .objects
        .contains_key(word)
        .then(|| object_text(unit, names, word))
        .flatten()
        .map(|t| (t, span))
}

fn snippet(unit: &Unit, span: Span) -> String {
    unit.front.parsed.sources.snippet(span).to_string()
}

fn file_name(unit: &Unit, span: Span) -> String {
    unit.source(span.file)
        .map(|f| f.name.clone())
        .unwrap_or_default()
}

fn describe(unit: &Unit, names: &Names<'_>, target: &Target<'_>) -> Option<(String, Span)> {
    match *target {
        Target::Path {
            object,
            segments,
            index,
        } => {
            let span = segments.get(index)?.span;
            match names.resolve_path(object?, segments, index)? {
                // A relation: describe the parent object.
                PathEnd::Parent(parent) => Some((object_text(unit, names, parent)?, span)),
                PathEnd::Field { owner, decl } => Some((field_text(unit, owner, decl), span)),
            }
        }
        Target::Field { object, ident } => {
            let decl = names.field(object?, &ident.name)?;
            Some((field_text(unit, object?, decl), ident.span))
        }
        Target::FieldDecl { object, decl } => {
            Some((field_text(unit, object, decl), decl.name.span))
        }
        Target::Object(ident) => Some((object_text(unit, names, &ident.name)?, ident.span)),
        Target::Exclusion(ident) => {
            let decl = names.exclusions.get(ident.name.as_str())?;
            Some((
                format!(
                    "```crmc\n{}\n```\nexclusion, declared in `{}`: while it holds for a record, a contract that excludes it decides `never` for every field",
                    snippet(unit, decl.span),
                    file_name(unit, decl.span)
                ),
                ident.span,
            ))
        }
        Target::Outcome(o, span) => Some((outcome_text(o), span)),
        Target::Contract(c) => Some((contract_text(unit, c), c.name.span)),
        Target::Import(i) => {
            let text = match i.path.value.strip_prefix("std/") {
                Some(m) => format!(
                    "standard module `std/{m}`, built into crmc (go to definition opens it)"
                ),
                None => format!("imports `{}`, relative to this file", i.path.value),
            };
            Some((text, i.path.span))
        }
    }
}

fn field_text(unit: &Unit, object: &str, decl: &ast::FieldDecl) -> String {
    let mut text = format!(
        "`{object}.{}`: `{}`",
        decl.name.name,
        names::type_name(&decl.ty)
    );
    let attrs: Vec<&str> = decl
        .attrs
        .iter()
        .map(|a| names::attr_name(a.node))
        .collect();
    if !attrs.is_empty() {
        let _ = write!(text, " · {}", attrs.join(", "));
    }
    for a in &decl.attrs {
        let meaning = match a.node {
            ast::FieldAttr::Protected => "protected: always at least `review`, never `auto`",
            ast::FieldAttr::Readonly => "readonly: no contract may write it (`never`)",
            ast::FieldAttr::Sensitive => "sensitive: masked as \"***\" in audit output",
        };
        let _ = write!(text, "\n- {meaning}");
    }
    let values = names::picklist_values(&decl.ty);
    if !values.is_empty() {
        const MAX: usize = 40;
        let shown: Vec<String> = values
            .iter()
            .take(MAX)
            .map(|v| format!("`\"{}\"`", v.value))
            .collect();
        let _ = write!(text, "\n\nvalues: {}", shown.join(", "));
        if values.len() > MAX {
            let _ = write!(text, " … ({} more)", values.len() - MAX);
        }
    }
    let _ = write!(text, "\n\ndeclared in `{}`", file_name(unit, decl.span));
    text
}

fn object_text(unit: &Unit, names: &Names<'_>, object: &str) -> Option<String> {
    let info = names.objects.get(object)?;
    let span = info.span()?;
    Some(format!(
        "object `{object}`: {} fields, declared in `{}`",
        info.fields.len(),
        file_name(unit, span)
    ))
}

/// language-v1 §5.2.
pub fn outcome_meaning(o: ast::Outcome) -> &'static str {
    match o {
        ast::Outcome::Auto => "the write executes now",
        ast::Outcome::Review => "the write executes after approval",
        ast::Outcome::Escalate => "the write executes after a senior approval",
        ast::Outcome::Suggest => "the write never executes; a suggestion is shown to the owner",
        ast::Outcome::Never => "blocked; not even suggested",
    }
}

fn outcome_text(o: ast::Outcome) -> String {
    format!(
        "outcome `{}`: {}\n\n(`auto` < `review` < `escalate` < `suggest` < `never`; several contracts: the most restrictive wins)",
        o.as_str(),
        outcome_meaning(o)
    )
}

fn contract_text(unit: &Unit, c: &ast::Contract) -> String {
    let mut text = format!("**contract** `{}`", c.name.name);
    if let Some(v) = &c.header_version {
        let _ = write!(text, " version {}", v.node);
    }
    let one_line = |s: String| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut excluded = Vec::new();
    for cl in &c.clauses {
        use ast::ClauseKind as K;
        let keyword = cl.kind.keyword();
        let body = || {
            let s = snippet(unit, cl.span);
            one_line(s.strip_prefix(keyword).unwrap_or(&s).trim().to_string())
        };
        match &cl.kind {
            K::Object(_)
            | K::Actor(_)
            | K::Owner(_)
            | K::Mode(_)
            | K::Version(_)
            | K::Trigger(_) => {
                let _ = write!(text, "\n- {keyword}: `{}`", body());
            }
            K::Eligible(_) => {
                let _ = write!(text, "\n- eligible: `{}`", body());
            }
            K::Confidence(ts) => {
                let ts: Vec<String> = ts.iter().map(|t| one_line(snippet(unit, t.span))).collect();
                let _ = write!(text, "\n- thresholds: {}", ts.join("; "));
            }
            K::Exclude(target) => excluded.push(match target {
                ast::ExcludeTarget::Named(n) => format!("`{}`", n.name),
                ast::ExcludeTarget::When(_) => format!("`{}`", body()),
            }),
            K::Fields(lines) => {
                let _ = write!(text, "\n- fields: {} lines", lines.len());
            }
            _ => {}
        }
    }
    if !excluded.is_empty() {
        let _ = write!(text, "\n- exclude: {}", excluded.join(", "));
    }
    text
}
