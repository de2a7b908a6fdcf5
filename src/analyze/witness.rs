//! Witnesses: a solved cube as a mutation in language-v1 §7 JSON.

use super::algebra::num::{Interval, NumSet};
use super::algebra::text::TextSet;
use super::algebra::{calendar, Assignment, Con, Cube, Dom, Val, Var, EMPTY, F, HIST_NEVER, T};
use super::chain::Info;
use super::lower::AT_TEXT;
use crate::check::model::{Contract, Event, FieldId, FieldType, Trigger};
use crate::decimal::Decimal;
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;

/// `YYYY-MM-DD` from days since 1970-01-01.
pub fn date_text(days: i64) -> String {
    let (y, m, d) = crmc_eval::time::civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// RFC 3339 text of seconds since the epoch: UTC inside the four-digit
/// years, and past either end (the evaluator's calendar reaches 23:59
/// further, see [`calendar`]) a local time with the offset that brings it
/// back inside.
pub fn datetime_text(secs: i64) -> String {
    let first = calendar::DAY_MIN * 86_400;
    let end = (calendar::DAY_MAX + 1) * 86_400;
    let (local, offset) = if secs < first {
        (secs + 86_340, "+23:59")
    } else if secs >= end {
        (secs - 86_340, "-23:59")
    } else {
        (secs, "Z")
    };
    if local >= end {
        // a leap second at the very end
        return format!("{}T23:59:60{offset}", date_text(calendar::DAY_MAX));
    }
    let days = local.div_euclid(86_400);
    let rem = local.rem_euclid(86_400);
    format!(
        "{}T{:02}:{:02}:{:02}{offset}",
        date_text(days),
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Text of a date value: `YYYY-MM-DD`, or for the day before year 0 or
/// after 9999 (which a record reads from a datetime with an offset) noon of
/// that day as such a datetime.
fn date_value_text(days: i64) -> String {
    if (calendar::DAY_MIN..=calendar::DAY_MAX).contains(&days) {
        date_text(days)
    } else {
        datetime_text(days * 86_400 + 43_200)
    }
}

fn json_of(ty: Option<&FieldType>, v: &Val) -> Value {
    match v {
        Val::Empty => Value::Null,
        Val::Bool(b) => Value::Bool(*b),
        Val::Str(s) => Value::String(s.clone()),
        Val::Event(e) => Value::String(e.as_str().to_string()),
        Val::Num(d) => match ty {
            Some(FieldType::Date) => d
                .to_i64()
                .map_or(Value::Null, |x| date_value_text(x).into()),
            Some(FieldType::Datetime) => {
                d.to_i64().map_or(Value::Null, |x| datetime_text(x).into())
            }
            _ => d.to_json(),
        },
    }
}

/// A non-empty value of a type, for proposed values nothing constrains.
fn some_value(dom: &Dom<'_>, var: &Var) -> Val {
    if var.field().is_none() {
        return Val::Empty;
    }
    let con = dom.base(var);
    let non_empty = match con {
        Con::Num(n) => Con::Num(n.intersect(&NumSet::new(vec![Interval::ALL], false, n.integral))),
        Con::Text(t) => Con::Text(t.intersect(&TextSet::any(false))),
        Con::Bits(b) => Con::Bits(b & !EMPTY),
    };
    dom.solve(&Cube::single(var.clone(), non_empty))
        .and_then(|a| a.get(var).cloned())
        .unwrap_or(Val::Empty)
}

/// Everything a witness needs besides the cube.
pub struct Parts<'a> {
    pub contracts: Vec<(&'a Contract, &'a Info)>,
    /// Fields that must be in `changes` (the field under decision).
    pub decided: Vec<FieldId>,
    /// The actor's name, when the finding holds for that name only (a
    /// guardrail for it applies); `None`: a contract's own name, or a name
    /// no contract or guardrail names.
    pub actor: Option<String>,
}

/// The mutation for a satisfiable cube.
pub fn mutation(dom: &Dom<'_>, parts: &Parts<'_>, assign: &Assignment) -> Value {
    let Some((first, _)) = parts.contracts.first() else {
        return Value::Null;
    };
    let schema = dom.schema;
    let object = schema.object(first.object);
    let name = parts
        .actor
        .clone()
        .or_else(|| {
            parts
                .contracts
                .iter()
                .find_map(|(c, _)| c.actor.name.clone())
        })
        .unwrap_or_else(|| "any".to_string());
    let event = match assign.get(&Var::Event) {
        Some(Val::Event(e)) => *e,
        _ => Event::Update,
    };
    let confidence = match assign.get(&Var::Confidence) {
        Some(Val::Num(d)) => *d,
        _ => Decimal::ONE,
    };
    // the instant the solver chose, when the conditions read it
    let at_secs = match assign.get(&Var::At) {
        Some(Val::Num(d)) => d.to_i64(),
        _ => None,
    };
    let at = match at_secs {
        Some(s) => datetime_text(s).into(),
        None => Value::from(AT_TEXT),
    };
    let at_secs = at_secs.unwrap_or(calendar::AT_SECS);
    let source = match assign.get(&Var::Source) {
        Some(Val::Str(s)) => s.clone(),
        _ => "analysis".to_string(),
    };
    let mut record_fields: BTreeSet<FieldId> = BTreeSet::new();
    let mut parent_fields: BTreeSet<(String, FieldId)> = BTreeSet::new();
    for (_, info) in &parts.contracts {
        record_fields.extend(info.record_fields.iter().copied());
        parent_fields.extend(info.parents.iter().cloned());
    }
    record_fields.extend(parts.decided.iter().copied());
    // and every record or parent value the solver chose: a guardrail's
    // condition reads fields no contract of the witness reads (left out,
    // such a field would be missing, and missing reads as unknown, or as
    // empty on create)
    for var in assign.keys() {
        match var {
            Var::Field(f) if f.object == first.object => {
                record_fields.insert(*f);
            }
            Var::Parent(rel, f) => {
                parent_fields.insert((rel.clone(), *f));
            }
            _ => {}
        }
    }
    let mut record = Map::new();
    if let Some(id) = id_field(schema, first.object) {
        let v = assign.get(&Var::Field(id)).map_or_else(
            || json!(sample_id(dom, parts, assign)),
            |v| json_of(None, v),
        );
        record.insert(schema.field(id).name.clone(), v);
    }
    for f in &record_fields {
        let fd = schema.field(*f);
        let v = assign
            .get(&Var::Field(*f))
            .map_or(Value::Null, |v| json_of(Some(&fd.ty), v));
        record.insert(fd.name.clone(), v);
    }
    let mut parents = Map::new();
    for (rel, f) in &parent_fields {
        let fd = schema.field(*f);
        let v = assign
            .get(&Var::Parent(rel.clone(), *f))
            .map_or(Value::Null, |v| json_of(Some(&fd.ty), v));
        let entry = parents
            .entry(rel.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(m) = entry {
            m.insert(fd.name.clone(), v);
        }
    }
    // the relation's ref field must be set for the parent to exist
    for rel in parent_fields.iter().map(|(r, _)| r) {
        if let Some(r) = schema.relation(first.object, rel) {
            let via = schema.field(r.via);
            let set = record.get(&via.name).is_some_and(|v| !v.is_null());
            if !set && !assign.contains_key(&Var::Field(r.via)) {
                record.insert(via.name.clone(), json!(format!("W{}0001", r.name)));
            }
        }
    }
    let mut changed: BTreeSet<FieldId> = parts.decided.iter().copied().collect();
    for (var, val) in assign {
        if let (Var::Changed(f), Val::Bool(true)) = (var, val) {
            changed.insert(*f);
        }
    }
    let changed_fields = changed.clone();
    let mut changes = Map::new();
    for f in changed {
        let fd = schema.field(f);
        let var = Var::New(f);
        let v = assign
            .get(&var)
            .cloned()
            .unwrap_or_else(|| some_value(dom, &var));
        let j = json_of(Some(&fd.ty), &v);
        // On create the record as it would be created is `record` overlaid
        // with `changes`; a changed field's record value is never read.
        // Writing the proposed value there too keeps the witness's meaning
        // the same for an evaluator that reads `record` alone on create.
        if event == Event::Create {
            record.insert(fd.name.clone(), j.clone());
        }
        changes.insert(fd.name.clone(), j);
    }
    let listed_by_triggers: BTreeSet<FieldId> = parts
        .contracts
        .iter()
        .flat_map(|(c, _)| &c.triggers)
        .flat_map(|t| match t {
            Trigger::Update(Some(fs)) => fs.clone(),
            Trigger::Of {
                fields: Some(fs), ..
            } => fs.clone(),
            _ => Vec::new(),
        })
        .collect();
    let cause = super::cause::json(
        schema,
        first.object,
        event,
        &changed_fields,
        assign,
        &listed_by_triggers,
    );
    let mut m = json!({
        "object": object.name,
        "event": event.as_str(),
        "actor": {"kind": first.actor.kind.as_str(), "name": name},
        "confidence": confidence.to_json(),
        "source": source,
        "at": at,
        "record": Value::Object(record),
        "parents": Value::Object(parents),
        "changes": Value::Object(changes),
    });
    if let (Some(c), Value::Object(m)) = (cause, &mut m) {
        m.insert("trigger".to_string(), c);
    }
    if let (Some(h), Value::Object(m)) = (history(schema, parts, assign, at_secs), &mut m) {
        m.insert("history".to_string(), h);
    }
    m
}

/// The witness's `history`: an entry for every field whose last write a
/// condition of `parts` reads or the solver chose one for (a field left
/// out would be unknown), as the assignment says; a field nothing pins is
/// never written. `None` when no field's history matters.
fn history(
    schema: &crate::check::model::Schema,
    parts: &Parts<'_>,
    assign: &Assignment,
    at: i64,
) -> Option<Value> {
    let mut fields: BTreeSet<FieldId> = BTreeSet::new();
    for (_, info) in &parts.contracts {
        fields.extend(info.history_fields.iter().copied());
    }
    for var in assign.keys() {
        if let Var::HistKind(f) | Var::HistName(f) | Var::HistAt(f) | Var::HistSource(f) = var {
            fields.insert(*f);
        }
    }
    if fields.is_empty() {
        return None;
    }
    let text = |var: Var| match assign.get(&var) {
        Some(Val::Str(s)) => Some(s.clone()),
        _ => None,
    };
    let mut out = Map::new();
    for f in fields {
        let kind = text(Var::HistKind(f)).unwrap_or_else(|| HIST_NEVER.to_string());
        let entry = if kind == HIST_NEVER {
            Value::Null
        } else {
            let when = match assign.get(&Var::HistAt(f)) {
                Some(Val::Num(d)) => d.to_i64().unwrap_or(at),
                _ => at,
            };
            json!({
                "actor": {
                    "kind": kind,
                    "name": text(Var::HistName(f)).unwrap_or_else(|| "analysis".to_string()),
                },
                "at": datetime_text(when),
                "source": text(Var::HistSource(f)).unwrap_or_else(|| "CRM_UI".to_string()),
            })
        };
        out.insert(schema.field(f).name.clone(), entry);
    }
    Some(Value::Object(out))
}

/// The field the evaluator reads a record's id from: the object's `id`
/// field named `Id`, else its first `id` field by name.
pub fn id_field(
    schema: &crate::check::model::Schema,
    object: crate::check::model::ObjectId,
) -> Option<FieldId> {
    let fields = &schema.object(object).fields;
    let mut ids: Vec<(usize, &str)> = fields
        .iter()
        .enumerate()
        .filter(|(_, f)| f.ty == FieldType::Id)
        .map(|(i, f)| (i, f.name.as_str()))
        .collect();
    ids.sort_by_key(|(_, n)| (*n != "Id", *n));
    ids.first().map(|(i, _)| FieldId {
        object,
        index: *i as u32,
    })
}

/// How many record ids [`sample_id`] tries before it settles for the
/// first: two samples at 1% each take 10 000 tries on average.
const SAMPLE_TRIES: u32 = 2_000_000;

/// A record id whose review-sample buckets fall where `assign` put them:
/// for every [`Var::Sample`] and every rate the contracts of `parts` with
/// that name and version sample its field at, on the same side of that
/// rate. `W0000000000001` when no sample is involved, and the first id if
/// none is found.
fn sample_id(dom: &Dom<'_>, parts: &Parts<'_>, assign: &Assignment) -> String {
    let id = |n: u32| format!("W{n:013}");
    // (contract, version, field name, rate, sampled)
    let mut wanted: Vec<(&str, u32, &str, u32, bool)> = Vec::new();
    for (var, val) in assign {
        let (Var::Sample(name, version, field), Val::Num(b)) = (var, val) else {
            continue;
        };
        let bucket = b.to_i64().unwrap_or(0);
        for (c, _) in &parts.contracts {
            if c.name != *name || c.version != *version {
                continue;
            }
            if let Some(rate) = c.sample.rate(Some(*field)) {
                let fname = dom.schema.field(*field).name.as_str();
                wanted.push((
                    &c.name,
                    c.version,
                    fname,
                    rate.into(),
                    bucket < i64::from(rate),
                ));
            }
        }
    }
    if wanted.is_empty() {
        return id(1);
    }
    (1..=SAMPLE_TRIES)
        .map(id)
        .find(|s| {
            wanted.iter().all(|(c, v, f, rate, yes)| {
                crmc_eval::sample::sampled(Some(s), c, *v, f, *rate) == *yes
            })
        })
        .unwrap_or_else(|| id(1))
}

/// A cube pinning the record variables (current values, parents, and their
/// patterns) of `assign`, to solve a second mutation on the same record.
pub fn pin_record(assign: &Assignment, cube: &Cube) -> Cube {
    let mut out = Cube::top();
    for (var, val) in assign {
        if !matches!(
            var,
            Var::Field(_)
                | Var::Parent(..)
                | Var::HistKind(_)
                | Var::HistName(_)
                | Var::HistAt(_)
                | Var::HistSource(_)
        ) {
            continue;
        }
        let Some(have) = cube.get(var) else { continue };
        let con = match (val, have) {
            (Val::Empty, Con::Num(n)) => Con::Num(NumSet::new(vec![], true, n.integral)),
            (Val::Empty, Con::Text(_)) => Con::Text(TextSet {
                vals: super::algebra::text::Vals::In(Default::default()),
                empty: true,
            }),
            (Val::Empty, Con::Bits(_)) => Con::Bits(EMPTY),
            (Val::Num(d), Con::Num(n)) => {
                Con::Num(NumSet::new(vec![Interval::point(*d)], false, n.integral))
            }
            (Val::Str(s), _) => Con::Text(TextSet::of([s.clone()])),
            (Val::Bool(b), _) => Con::Bits(if *b { T } else { F }),
            _ => continue,
        };
        if let Some(c) = out.intersect(&Cube::single(var.clone(), con)) {
            out = c;
        }
    }
    out
}
