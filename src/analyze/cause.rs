//! A mutation's cause in the algebra: what started the automation is
//! [`Var::Cause`] (a text: the kind of cause), [`Var::CauseName`] (a
//! signal's or schedule's name) and [`Var::CauseField`] (on an update,
//! whether the field's change is among the ones that started it).
//!
//! The kinds are `create`, `update`, `delete` (the contract's own object),
//! `create of Task` and so on (another object), `signal` and `schedule`.
//! Any other text stands for a cause no trigger of the unit names (a record
//! event of an object the table does not have). Every point of the space is
//! a cause a mutation can carry with its `"trigger"` key, so lowering
//! triggers here is exact; a mutation without the key (the write as its own
//! cause) is one of those points.

use super::algebra::text::TextSet;
use super::algebra::{Assignment, Con, Cube, Region, Val, Var, T};
use crate::check::model::{Event, FieldId, ObjectId, Schema, Trigger};
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// What the solver tries first for a cause kind nothing pins down: no
/// object is named so (names are identifiers), so it stands for a cause no
/// trigger matches.
pub const UNNAMED_KIND: &str = "(no trigger)";
/// The name tried first for a signal or a schedule.
pub const NAME_HINT: &str = "analysis";

/// The cause kind of a record event of another object.
fn of_key(event: Event, object: &str) -> String {
    format!("{} of {object}", event.as_str())
}

fn kind(key: String) -> Cube {
    Cube::single(Var::Cause, Con::Text(TextSet::of([key])))
}

fn with(cube: Cube, var: Var, con: Con) -> Option<Cube> {
    cube.intersect(&Cube::single(var, con))
}

/// The region of causes a contract's triggers match.
pub fn triggers(schema: &Schema, triggers: &[Trigger]) -> Region {
    let mut out = Vec::new();
    let update_of = |out: &mut Region, base: Cube, fields: &Option<Vec<FieldId>>| match fields {
        None => out.push(base),
        Some(fs) => out.extend(
            fs.iter()
                .filter_map(|f| with(base.clone(), Var::CauseField(*f), Con::Bits(T))),
        ),
    };
    for t in triggers {
        match t {
            Trigger::Create => out.push(kind("create".into())),
            Trigger::Delete => out.push(kind("delete".into())),
            Trigger::Update(fs) => update_of(&mut out, kind("update".into()), fs),
            Trigger::Of {
                object,
                event,
                fields,
            } => {
                let base = kind(of_key(*event, &schema.object(*object).name));
                update_of(&mut out, base, fields);
            }
            Trigger::Signal(n) => out.extend(with(
                kind("signal".into()),
                Var::CauseName,
                Con::Text(TextSet::of([n.clone()])),
            )),
            Trigger::Schedule(None) => out.push(kind("schedule".into())),
            Trigger::Schedule(Some(n)) => out.extend(with(
                kind("schedule".into()),
                Var::CauseName,
                Con::Text(TextSet::of([n.clone()])),
            )),
        }
    }
    out
}

/// The `"trigger"` of a witness on `own`'s records whose assignment is
/// `assign` and whose write changes `changed` (`avoid`: fields the
/// triggers of the finding's contracts list); `None` when the write
/// itself is that cause (or no cause was constrained), so witnesses only
/// carry the key where it matters.
pub fn json(
    schema: &Schema,
    own: ObjectId,
    event: Event,
    changed: &BTreeSet<FieldId>,
    assign: &Assignment,
    avoid: &BTreeSet<FieldId>,
) -> Option<Value> {
    let Some(Val::Str(key)) = assign.get(&Var::Cause) else {
        return None;
    };
    let name = match assign.get(&Var::CauseName) {
        Some(Val::Str(n)) if !n.is_empty() => n.clone(),
        _ => NAME_HINT.to_string(),
    };
    // the fields whose change started it, as the assignment says
    let fields_of = |object: ObjectId| -> Vec<String> {
        let obj = schema.object(object);
        let mut names: Vec<String> = assign
            .iter()
            .filter_map(|(v, val)| match (v, val) {
                (Var::CauseField(f), Val::Bool(true)) if f.object == object => {
                    Some(schema.field(*f).name.clone())
                }
                _ => None,
            })
            .collect();
        if names.is_empty() {
            // an update names at least one field: one no trigger lists
            let listed: BTreeSet<&str> = assign
                .keys()
                .filter_map(|v| match v {
                    Var::CauseField(f) if f.object == object => {
                        Some(schema.field(*f).name.as_str())
                    }
                    _ => None,
                })
                .collect();
            // a real field (the evaluator refuses a cause naming a field
            // its object lacks) that neither the assignment nor a trigger
            // of the finding's contracts reads; a made-up name only when
            // every field is listed (no input reaches that point)
            let free = obj.fields.iter().enumerate().find(|(i, f)| {
                let id = FieldId {
                    object,
                    index: *i as u32,
                };
                !listed.contains(f.name.as_str()) && !avoid.contains(&id)
            });
            if let Some((_, f)) = free {
                names.push(f.name.clone());
            } else {
                let mut other = "OtherField".to_string();
                while listed.contains(other.as_str()) || obj.fields.iter().any(|f| f.name == other)
                {
                    other.push('_');
                }
                names.push(other);
            }
        }
        names
    };
    Some(match key.as_str() {
        "create" | "delete" => {
            let e = if key == "create" {
                Event::Create
            } else {
                Event::Delete
            };
            if e == event {
                return None;
            }
            json!({"event": key})
        }
        "update" => {
            let fields = fields_of(own);
            let implicit: Vec<String> = changed
                .iter()
                .map(|f| schema.field(*f).name.clone())
                .collect();
            let mut sorted = fields.clone();
            sorted.sort();
            if event == Event::Update && sorted == implicit {
                return None;
            }
            json!({"event": "update", "fields": fields})
        }
        "signal" => json!({"event": "signal", "name": name}),
        "schedule" => json!({"event": "schedule", "name": name}),
        other => {
            let of = Event::ALL.into_iter().find_map(|e| {
                let rest = other.strip_prefix(e.as_str())?.strip_prefix(" of ")?;
                let o = schema.object_by_name(rest)?;
                (o != own).then_some((e, o))
            });
            match of {
                Some((Event::Update, o)) => {
                    json!({"event": "update", "object": schema.object(o).name, "fields": fields_of(o)})
                }
                Some((e, o)) => json!({"event": e.as_str(), "object": schema.object(o).name}),
                // a kind no trigger names: an event of an object the table
                // does not have (never one it has: that kind is `create of X`)
                None if schema.object_by_name(other).is_none() => {
                    json!({"event": "create", "object": other})
                }
                None => json!({"event": "create", "object": UNNAMED_KIND}),
            }
        }
    })
}
