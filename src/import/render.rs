//! Writes the imported objects as a `schema NAME { ... }` block, laid out
//! exactly as `crmc fmt` lays it out (so formatting an imported schema is a
//! no-op): one field a line, names and types in aligned columns, a picklist
//! too long for the line filled over several, its values under the first.

use super::{Attrs, Object, Ty};

/// The formatter's line width.
const WIDTH: usize = 100;
/// Fields sit two levels deep.
const FIELD_INDENT: &str = "    ";

pub(super) fn schema(name: &str, objects: &[Object]) -> String {
    let mut out = format!("schema {name} {{\n");
    for object in objects {
        out.push_str(&format!("  object {} {{\n", object.name));
        let name_w = object
            .fields
            .iter()
            .map(|f| f.name.len() + 1)
            .max()
            .unwrap_or(0);
        let type_w = object
            .fields
            .iter()
            .filter(|f| !attrs(&f.attrs).is_empty())
            .map(|f| one_line(&f.ty).len())
            .max()
            .unwrap_or(0);
        for field in &object.fields {
            let name = format!("{:<name_w$} ", format!("{}:", field.name));
            let attrs = attrs(&field.attrs);
            let ty = one_line(&field.ty);
            let one = if attrs.is_empty() {
                format!("{name}{ty}")
            } else {
                format!("{name}{ty:<type_w$} {attrs}")
            };
            if FIELD_INDENT.len() + one.len() <= WIDTH {
                line(&mut out, one.trim_end());
            } else {
                wrapped(&mut out, &name, &field.ty, &attrs);
            }
        }
        out.push_str("  }\n");
    }
    out.push_str("}\n");
    out
}

fn line(out: &mut String, text: &str) {
    out.push_str(FIELD_INDENT);
    out.push_str(text);
    out.push('\n');
}

/// A field too long for one line: a picklist's values filled up to the
/// width, aligned under the first; any other type on one line regardless.
fn wrapped(out: &mut String, name: &str, ty: &Ty, attrs: &str) {
    let (head, values) = match ty {
        Ty::Picklist(values) => ("picklist(", values),
        Ty::Multipicklist(values) => ("multipicklist(", values),
        _ => {
            let text = format!("{name}{} {attrs}", one_line(ty));
            line(out, text.trim_end());
            return;
        }
    };
    let prefix = format!("{name}{head}");
    let tail = if attrs.is_empty() {
        ")".to_string()
    } else {
        format!(") {attrs}")
    };
    let pad = " ".repeat(prefix.chars().count());
    let mut current = prefix;
    let mut first_on_line = true;
    for (i, item) in values.iter().map(|v| quote(v)).enumerate() {
        let piece = if i + 1 == values.len() {
            format!("{item}{tail}")
        } else {
            format!("{item},")
        };
        if !first_on_line && FIELD_INDENT.len() + current.len() + 1 + piece.len() > WIDTH {
            line(out, current.trim_end());
            current = pad.clone();
            first_on_line = true;
        }
        if !first_on_line {
            current.push(' ');
        }
        current.push_str(&piece);
        first_on_line = false;
    }
    if values.is_empty() {
        current.push_str(&tail);
    }
    line(out, current.trim_end());
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
        Ty::Percent(scale) => format!("percent({})", scale.text()),
        Ty::Date => "date".into(),
        Ty::Datetime => "datetime".into(),
        Ty::Picklist(values) => format!("picklist({})", quoted(values).join(", ")),
        Ty::Multipicklist(values) => format!("multipicklist({})", quoted(values).join(", ")),
        Ty::Ref(targets) => format!("ref({})", targets.join(", ")),
    }
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
