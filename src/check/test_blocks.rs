//! `test` blocks -> [`model::TestCase`]: a complete mutation whose values
//! fit the schema, and expectations about changed fields.

use super::conds::{field_of, relation_of};
use super::contracts::{object_of, trigger, Once};
use super::errors::{CheckError, Found};
use super::model::{self, Event, FieldId, ObjectId};
use super::schema::SchemaInfo;
use super::values::{json_value, unit_interval};
use crate::diagnostics::suggest::suggest;
use crate::span::Span;
use crate::syntax::ast::{self, Ident, Literal, TestItemKind};
use crmc_eval::time::parse_datetime;

type Values = Vec<(FieldId, serde_json::Value)>;

/// Field values of `object` (a record or a parent), each field once.
fn values(
    info: &SchemaInfo,
    object: ObjectId,
    block: &str,
    items: &[(Ident, Literal)],
    errors: &mut Vec<CheckError>,
) -> Option<Values> {
    let mut out = Vec::new();
    let mut ok = true;
    let mut once = Once::new(block);
    for (ident, lit) in items {
        let Some(fid) = field_of(info, object, ident, errors) else {
            ok = false;
            continue;
        };
        if !once.first(fid, || format!("`{}`", ident.name), ident.span, errors) {
            ok = false;
            continue;
        }
        match json_value(info.schema.field(fid), lit) {
            Ok(v) => out.push((fid, v)),
            Err(e) => {
                errors.push(e);
                ok = false;
            }
        }
    }
    ok.then_some(out)
}

fn event(ident: &Ident) -> Result<Event, CheckError> {
    match ident.name.as_str() {
        "create" => Ok(Event::Create),
        "update" => Ok(Event::Update),
        "delete" => Ok(Event::Delete),
        other => Err(CheckError::InvalidEventValue {
            found: Found::Word(other.to_string()),
            suggestion: suggest(&other.to_lowercase(), ["create", "update", "delete"]),
            span: ident.span,
        }),
    }
}

pub fn check_test(
    t: &ast::TestBlock,
    info: &SchemaInfo,
    errors: &mut Vec<CheckError>,
) -> Option<model::TestCase> {
    let before = errors.len();
    let name = t.name.value.clone();
    let block = format!("test \"{name}\"");
    let mut once: Once<&'static str> = Once::new(block.clone());
    let mut first = |key: &'static str, span: Span, errors: &mut Vec<CheckError>| {
        once.first(key, || format!("`{key}`"), span, errors)
    };

    let mut actor = None;
    let mut ev = None;
    let mut ev_seen = false;
    let mut confidence = None;
    let mut source = None;
    let mut at = None;
    let mut record: Option<(&Ident, &[(Ident, Literal)])> = None;
    for item in &t.items {
        match &item.kind {
            TestItemKind::Actor(a) if first("actor", item.span, errors) => {
                actor = Some((a.kind.node, a.name.value.clone()));
            }
            TestItemKind::Event(e) if first("event", item.span, errors) => {
                ev_seen = true;
                match event(e) {
                    Ok(e) => ev = Some(e),
                    Err(err) => errors.push(err),
                }
            }
            TestItemKind::Confidence(lit) if first("confidence", item.span, errors) => {
                match unit_interval("a test's confidence", "confidence", lit) {
                    Ok(v) => confidence = Some(v),
                    Err(err) => errors.push(err),
                }
            }
            TestItemKind::Source(s) if first("source", item.span, errors) => {
                source = Some(s.value.clone());
            }
            TestItemKind::At(s) if first("at", item.span, errors) => {
                if parse_datetime(&s.value).is_some() {
                    at = Some(s.value.clone());
                } else {
                    errors.push(CheckError::InvalidTimestamp {
                        value: s.value.clone(),
                        span: s.span,
                    });
                }
            }
            TestItemKind::Record { object, values } if first("record", item.span, errors) => {
                record = Some((object, values));
            }
            _ => {}
        }
    }

    let missing = |item, example, errors: &mut Vec<CheckError>| {
        errors.push(CheckError::MissingTestItem {
            test: name.clone(),
            item,
            example,
            span: t.name.span,
        });
    };
    if record.is_none() {
        missing("`record`", "record Lead { Status: \"Open\" }", errors);
    }
    if actor.is_none() {
        missing("`actor`", "actor ai \"alim\"", errors);
    }
    if !ev_seen {
        missing("`event`", "event update", errors);
    }
    let has = |f: fn(&TestItemKind) -> bool| t.items.iter().any(|i| f(&i.kind));
    if ev != Some(Event::Delete) && !has(|k| matches!(k, TestItemKind::Change { .. })) {
        missing("`change`", "change Industry to \"Banking\"", errors);
    }
    if !has(|k| matches!(k, TestItemKind::Expect { .. })) {
        missing("`expect`", "expect auto", errors);
    }

    // Everything else is about the record's object.
    let object = record.and_then(|(o, _)| object_of(info, o, errors));
    let mut record_values = None;
    let mut parents = Vec::new();
    let mut changes = Vec::new();
    let mut expect_overall = None;
    let mut expect_fields = Vec::new();
    let mut cause = None;
    let mut history = Vec::new();
    if let (Some(object), Some((_, vals))) = (object, record) {
        let mut trigger_once = Once::new(block.clone());
        for item in &t.items {
            if let TestItemKind::Trigger(ev) = &item.kind {
                if trigger_once.first((), || "`trigger`".to_string(), item.span, errors) {
                    cause = trigger(info, object, ev, errors)
                        .and_then(|t| cause_json(info, &t, ev.span(), errors));
                }
            }
        }
        record_values = values(info, object, "record", vals, errors);
        let mut parent_once = Once::new(block.clone());
        let mut change_once = Once::new(block.clone());
        let mut history_once = Once::new(block.clone());
        for item in &t.items {
            match &item.kind {
                TestItemKind::Parent {
                    object: rel,
                    values: vals,
                } => {
                    let Some(relation) = relation_of(info, object, rel, errors) else {
                        continue;
                    };
                    if !parent_once.first(
                        relation.name.clone(),
                        || format!("`parent {}`", rel.name),
                        item.span,
                        errors,
                    ) {
                        continue;
                    }
                    let block = format!("parent `{}`", rel.name);
                    if let Some(v) = values(info, relation.target, &block, vals, errors) {
                        parents.push((relation.name.clone(), v));
                    }
                }
                TestItemKind::Change { field, value } => {
                    let Some(fid) = field_of(info, object, field, errors) else {
                        continue;
                    };
                    if !change_once.first(
                        fid,
                        || format!("`change {}`", field.name),
                        item.span,
                        errors,
                    ) {
                        continue;
                    }
                    match json_value(info.schema.field(fid), value) {
                        Ok(v) => changes.push((fid, v)),
                        Err(e) => errors.push(e),
                    }
                }
                TestItemKind::History { field, write } => {
                    let Some(fid) = field_of(info, object, field, errors) else {
                        continue;
                    };
                    if !history_once.first(
                        fid,
                        || format!("`history {}`", field.name),
                        item.span,
                        errors,
                    ) {
                        continue;
                    }
                    let entry = match write {
                        None => None,
                        Some(w) => {
                            let at = match &w.at {
                                Some(s) if parse_datetime(&s.value).is_none() => {
                                    errors.push(CheckError::InvalidTimestamp {
                                        value: s.value.clone(),
                                        span: s.span,
                                    });
                                    continue;
                                }
                                Some(s) => Some(s.value.clone()),
                                None => None,
                            };
                            Some(model::HistoryEntry {
                                kind: w.actor.kind.node,
                                name: w.actor.name.value.clone(),
                                at,
                                source: w.source.as_ref().map(|s| s.value.clone()),
                            })
                        }
                    };
                    history.push((fid, entry));
                }
                _ => {}
            }
        }
        let changed: Vec<FieldId> = t
            .items
            .iter()
            .filter_map(|i| match &i.kind {
                TestItemKind::Change { field, .. } => {
                    info.schema.field_by_name(object, &field.name)
                }
                _ => None,
            })
            .collect();
        let mut expect_once: Once<Option<FieldId>> = Once::new(block.clone());
        for item in &t.items {
            let TestItemKind::Expect { field, outcome } = &item.kind else {
                continue;
            };
            match field {
                None => {
                    if expect_once.first(None, || "`expect`".to_string(), item.span, errors) {
                        expect_overall = Some((outcome.node, item.span));
                    }
                }
                Some(f) => {
                    let Some(fid) = field_of(info, object, f, errors) else {
                        continue;
                    };
                    if !changed.contains(&fid) {
                        errors.push(CheckError::ExpectUnchangedField {
                            field: f.name.clone(),
                            span: f.span,
                        });
                        continue;
                    }
                    if expect_once.first(
                        Some(fid),
                        || format!("`expect {}`", f.name),
                        item.span,
                        errors,
                    ) {
                        expect_fields.push((fid, outcome.node, item.span));
                    }
                }
            }
        }
    }

    if errors[before..].iter().any(|e| !e.is_warning()) {
        return None;
    }
    let (actor_kind, actor_name) = actor?;
    parents.sort_by(|a, b| a.0.cmp(&b.0));
    Some(model::TestCase {
        name,
        span: t.span,
        object: object?,
        event: ev?,
        actor_kind,
        actor_name,
        confidence,
        source,
        at,
        record: record_values?,
        parents,
        changes,
        cause,
        history,
        expect_overall,
        expect_fields,
    })
}

/// A test's `trigger` as the mutation's `"trigger"`: an update names the
/// fields whose change started the automation (a cause always says so).
fn cause_json(
    info: &SchemaInfo,
    t: &model::Trigger,
    span: Span,
    errors: &mut Vec<CheckError>,
) -> Option<serde_json::Value> {
    use serde_json::json;
    let names = |fs: &[FieldId]| -> Vec<String> {
        fs.iter()
            .map(|f| info.schema.field(*f).name.clone())
            .collect()
    };
    Some(match t {
        model::Trigger::Create => json!({"event": "create"}),
        model::Trigger::Delete => json!({"event": "delete"}),
        model::Trigger::Update(Some(fs)) => json!({"event": "update", "fields": names(fs)}),
        model::Trigger::Of {
            object,
            event,
            fields,
        } => {
            let mut c =
                json!({"event": event.as_str(), "object": info.schema.object(*object).name});
            match (event, fields) {
                (Event::Update, Some(fs)) => c["fields"] = json!(names(fs)),
                (Event::Update, None) => {
                    errors.push(CheckError::CauseWithoutFields { span });
                    return None;
                }
                _ => {}
            }
            c
        }
        model::Trigger::Update(None) => {
            errors.push(CheckError::CauseWithoutFields { span });
            return None;
        }
        model::Trigger::Signal(n) => json!({"event": "signal", "name": n}),
        model::Trigger::Schedule(None) => json!({"event": "schedule"}),
        model::Trigger::Schedule(Some(n)) => json!({"event": "schedule", "name": n}),
    })
}
