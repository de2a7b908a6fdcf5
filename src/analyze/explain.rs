//! Contradictions in words: which parts of a condition (or of a contract's
//! eligible, trigger and exclusion clauses) cannot hold together.

use super::algebra::{and, Con, Cube, Dom, Region, Var, T};
use super::cause::triggers;
use super::lower::lower;
use crate::check::model::{CheckedUnit, Cond, Contract, Schema, Subject, Test, Value};

fn value(v: &Value) -> String {
    match v {
        Value::Str(s) => format!("{s:?}"),
        Value::Num(d) => d.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Date(d) => super::witness::date_text(*d),
        Value::Datetime(s) => super::witness::datetime_text(*s),
        Value::Event(e) => e.as_str().to_string(),
    }
}

fn subject(s: &Subject, schema: &Schema) -> String {
    match s {
        Subject::Field(f) => schema.field(*f).name.clone(),
        Subject::New(f) => format!("new {}", schema.field(*f).name),
        Subject::Parent { relation, field } => {
            format!("{relation}.{}", schema.field(*field).name)
        }
        Subject::Confidence => "confidence".into(),
        Subject::Source => "source".into(),
        Subject::Event => "event".into(),
        Subject::HistSource(f) => format!("source of {}", schema.field(*f).name),
    }
}

/// `Industry set by human "jane" within 90d`.
pub fn set_by_text(
    schema: &Schema,
    field: crate::check::model::FieldId,
    kind: crate::check::model::ActorKind,
    name: Option<&str>,
    within: Option<i64>,
) -> String {
    let mut out = format!("{} set by {}", schema.field(field).name, kind.as_str());
    if let Some(n) = name {
        out.push_str(&format!(" {n:?}"));
    }
    if let Some(w) = within {
        out.push_str(&format!(
            " within {}",
            crate::check::model::duration_text(w.unsigned_abs())
        ));
    }
    out
}

/// A condition as source-like text.
pub fn describe(c: &Cond, schema: &Schema) -> String {
    match c {
        Cond::True => "true".into(),
        Cond::False => "false".into(),
        Cond::And(cs) => cs
            .iter()
            .map(|c| paren(c, schema))
            .collect::<Vec<_>>()
            .join(" and "),
        Cond::Or(cs) => cs
            .iter()
            .map(|c| paren(c, schema))
            .collect::<Vec<_>>()
            .join(" or "),
        Cond::Not(c) => format!("not {}", paren(c, schema)),
        Cond::Changed { field, .. } => format!("changed({})", schema.field(*field).name),
        Cond::SetBy {
            field,
            kind,
            name,
            within,
            ..
        } => set_by_text(schema, *field, *kind, name.as_deref(), *within),
        Cond::Atom {
            subject: s, test, ..
        } => {
            let s = subject(s, schema);
            match test {
                Test::Cmp(op, v) => format!("{s} {} {}", op.as_str(), value(v)),
                Test::In { values, negated } => format!(
                    "{s} {}in ({})",
                    if *negated { "not " } else { "" },
                    values.iter().map(value).collect::<Vec<_>>().join(", ")
                ),
                Test::IsEmpty => format!("{s} is empty"),
                Test::IsSet => format!("{s} is set"),
                Test::IsTrue => s,
                Test::StartsWith(p) => format!("{s} starts with {p:?}"),
                Test::EndsWith(p) => format!("{s} ends with {p:?}"),
                Test::Contains(p) => format!("{s} contains {p:?}"),
                Test::BeforeDaysAgo(n) => format!("{s} before {n} days ago"),
                Test::AfterDaysAgo(n) => format!("{s} after {n} days ago"),
            }
        }
    }
}

fn paren(c: &Cond, schema: &Schema) -> String {
    match c {
        Cond::And(_) | Cond::Or(_) => format!("({})", describe(c, schema)),
        _ => describe(c, schema),
    }
}

fn conjuncts(c: &Cond) -> Vec<&Cond> {
    match c {
        Cond::And(cs) => cs.iter().flat_map(conjuncts).collect(),
        _ => vec![c],
    }
}

/// Finds one part, or two, that cannot hold (together); `base` is always in force.
fn smallest_core(dom: &Dom<'_>, base: &Region, parts: &[(String, Region)]) -> String {
    for (text, r) in parts {
        if dom.region_empty(&and(base, r)) {
            return format!("{text} can never hold");
        }
    }
    for (i, (ta, ra)) in parts.iter().enumerate() {
        for (tb, rb) in &parts[i + 1..] {
            if dom.region_empty(&and(&and(base, ra), rb)) {
                return format!("{ta} and {tb} cannot both hold");
            }
        }
    }
    let all: Vec<&str> = parts.iter().map(|(t, _)| t.as_str()).collect();
    format!("{} cannot all hold together", all.join(", "))
}

/// Why a rule condition never holds (the rule's field is always changed).
pub fn dead_cond(
    dom: &Dom<'_>,
    unit: &CheckedUnit,
    cond: &Cond,
    field: Option<crate::check::model::FieldId>,
) -> String {
    let base = field.map_or_else(super::algebra::top, |f| {
        vec![Cube::single(Var::Changed(f), Con::Bits(T))]
    });
    let parts: Vec<(String, Region)> = conjuncts(cond)
        .into_iter()
        .map(|c| {
            (
                format!("`{}`", describe(c, &unit.schema)),
                lower(dom, c, true),
            )
        })
        .collect();
    smallest_core(dom, &base, &parts)
}

fn trigger_text(c: &Contract, schema: &Schema) -> String {
    let ts: Vec<String> = c.triggers.iter().map(|t| t.text(schema)).collect();
    format!("`trigger on {}`", ts.join(", "))
}

/// Why a contract's eligible, not-excluded region is empty.
pub fn dead_contract(dom: &Dom<'_>, unit: &CheckedUnit, c: &Contract) -> String {
    let schema = &unit.schema;
    let mut parts: Vec<(String, Region)> =
        vec![(trigger_text(c, schema), triggers(schema, &c.triggers))];
    if let Some(e) = &c.eligible {
        for part in conjuncts(e) {
            parts.push((
                format!("eligible `{}`", describe(part, schema)),
                lower(dom, part, true),
            ));
        }
    }
    for e in &c.exclusions {
        let when = e
            .name
            .as_deref()
            .and_then(|n| unit.exclusions.iter().find(|x| x.name == n))
            .map_or(&e.when, |x| &x.when);
        let text = match &e.name {
            Some(n) => format!("not excluded by `{n}` (`{}`)", describe(when, schema)),
            None => format!("not `{}`", describe(when, schema)),
        };
        parts.push((text, lower(dom, when, false)));
    }
    smallest_core(dom, &super::algebra::top(), &parts)
}
