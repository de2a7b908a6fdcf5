//! Writes the imported objects as a `schema NAME { ... }` block: one field a
//! line, the type and attribute columns aligned, long picklists wrapped.

use super::{Attrs, Object, Ty};

/// Lines wrap (between picklist values) past this width.
const MAX_WIDTH: usize = 100;
/// Types wider than this do not widen the type column.
const MAX_TYPE_COLUMN: usize = 24;

pub(super) fn schema(name: &str, objects: &[Object]) -> String {
    let mut out = format!("schema {name} {{\n");
    for object in objects {
        if object.fields.is_empty() {
            out.push_str(&format!("  object {} {{}}\n", object.name));
            continue;
        }
        out.push_str(&format!("  object {} {{\n", object.name));
        let name_width = object
            .fields
            .iter()
            .map(|f| f.name.len() + 1)
            .max()
            .unwrap_or(0);
        let types: Vec<String> = object.fields.iter().map(|f| one_line(&f.ty)).collect();
        let type_width = types
            .iter()
            .map(String::len)
            .filter(|&w| w <= MAX_TYPE_COLUMN)
            .max()
            .unwrap_or(0);
        for (field, ty) in object.fields.iter().zip(types) {
            let mut line = format!("    {:<name_width$} ", format!("{}:", field.name));
            let type_column = line.len();
            let attrs = attrs(&field.attrs);
            if type_column + ty.len() + attrs.len() < MAX_WIDTH {
                line.push_str(&ty);
            } else {
                let tail = if attrs.is_empty() { 0 } else { attrs.len() + 1 };
                line.push_str(&wrapped(&field.ty, type_column, tail).unwrap_or(ty));
            }
            if !attrs.is_empty() {
                let last_line_len = line.len() - line.rfind('\n').map_or(0, |i| i + 1);
                let pad = if line.contains('\n') {
                    1
                } else {
                    (type_column + type_width + 1)
                        .saturating_sub(last_line_len)
                        .max(1)
                };
                line.push_str(&" ".repeat(pad));
                line.push_str(&attrs);
            }
            out.push_str(&line);
            out.push('\n');
        }
        out.push_str("  }\n");
    }
    out.push_str("}\n");
    out
}

fn attrs(attrs: &Attrs) -> String {
    let mut words = Vec::new();
    if attrs.readonly {
        words.push("readonly");
    }
    if attrs.protected {
        words.push("protected");
    }
    if attrs.sensitive {
        words.push("sensitive");
    }
    words.join(" ")
}

fn one_line(ty: &Ty) -> String {
    match ty {
        Ty::Id => "id".into(),
        Ty::String => "string".into(),
        Ty::Email => "email".into(),
        Ty::Phone => "phone".into(),
        Ty::Url => "url".into(),
        Ty::Bool => "bool".into(),
        Ty::Int => "int".into(),
        Ty::Number => "number".into(),
        Ty::Currency => "currency".into(),
        Ty::Percent => "percent".into(),
        Ty::Date => "date".into(),
        Ty::Datetime => "datetime".into(),
        Ty::Picklist(values) => format!("picklist({})", quoted(values).join(", ")),
        Ty::Multipicklist(values) => format!("multipicklist({})", quoted(values).join(", ")),
        Ty::Ref(targets) => format!("ref({})", targets.join(", ")),
    }
}

/// A picklist over several lines, values aligned after the `(`, leaving
/// `tail` columns after the last one (for the attributes); `None` for types
/// that do not wrap.
fn wrapped(ty: &Ty, column: usize, tail: usize) -> Option<String> {
    let (keyword, values) = match ty {
        Ty::Picklist(values) => ("picklist(", values),
        Ty::Multipicklist(values) => ("multipicklist(", values),
        _ => return None,
    };
    let indent = column + keyword.len();
    let mut out = keyword.to_string();
    let mut line_len = indent;
    let items = quoted(values);
    let count = items.len();
    for (i, item) in items.into_iter().enumerate() {
        let last = i + 1 == count;
        let piece = if last {
            format!("{item})")
        } else {
            format!("{item},")
        };
        let reserve = if last { tail } else { 0 };
        if i > 0 {
            if line_len + 1 + piece.len() + reserve > MAX_WIDTH {
                out.push('\n');
                out.push_str(&" ".repeat(indent));
                line_len = indent;
            } else {
                out.push(' ');
                line_len += 1;
            }
        }
        line_len += piece.len();
        out.push_str(&piece);
    }
    if count == 0 {
        out.push(')');
    }
    Some(out)
}

fn quoted(values: &[String]) -> Vec<String> {
    values.iter().map(|v| quote(v)).collect()
}

/// A string literal: `"` and `\` escaped, other characters as they are
/// (the language has no other escapes; [`super::clean_values`] has already
/// replaced control characters).
pub(super) fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
