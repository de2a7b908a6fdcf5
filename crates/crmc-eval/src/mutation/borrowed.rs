//! The borrowed input: [`J`] values, sorted [`Entries`] and [`In`], what
//! deciding reads, from a [`Mutation`] or from the fast parse of a line.

use super::fast::TopVisitor;
use super::{Cause, Mutation};
use crate::table::{ActorKind, Event};
use crate::time;
use serde_json::{Map, Value};

/// A JSON value of a record, change or parent field, borrowed: scalars
/// inline, anything else (arrays, objects) as the parsed `Value`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum J<'m> {
    Null,
    Bool(bool),
    /// Numbers exactly as `serde_json` holds them (so they print alike).
    U(u64),
    I(i64),
    F(f64),
    Str(&'m str),
    Value(&'m Value),
}

impl<'m> J<'m> {
    pub fn from_value(v: &'m Value) -> J<'m> {
        match v {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Number(n) => match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => J::U(u),
                (None, Some(i)) => J::I(i),
                _ => J::F(n.as_f64().unwrap_or(0.0)),
            },
            Value::String(s) => J::Str(s),
            _ => J::Value(v),
        }
    }

    pub fn is_null(self) -> bool {
        matches!(self, J::Null) || matches!(self, J::Value(Value::Null))
    }

    /// The owned `Value` this stands for.
    pub fn to_value(self) -> Value {
        match self {
            J::Null => Value::Null,
            J::Bool(b) => Value::Bool(b),
            J::U(u) => Value::from(u),
            J::I(i) => Value::from(i),
            J::F(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
            J::Str(s) => Value::String(s.to_string()),
            J::Value(v) => v.clone(),
        }
    }

    /// Appends the value's JSON, exactly as `serde_json` writes [`Self::to_value`].
    pub fn write(self, out: &mut Vec<u8>) {
        // Writing to a `Vec` cannot fail.
        let _ = match self {
            J::Null => {
                out.extend_from_slice(b"null");
                Ok(())
            }
            J::Bool(b) => {
                out.extend_from_slice(if b { b"true" } else { b"false" });
                Ok(())
            }
            J::U(u) => serde_json::to_writer(&mut *out, &u),
            J::I(i) => serde_json::to_writer(&mut *out, &i),
            J::F(f) if f.is_finite() => serde_json::to_writer(&mut *out, &f),
            J::F(_) => {
                out.extend_from_slice(b"null");
                Ok(())
            }
            J::Str(s) => serde_json::to_writer(&mut *out, s),
            J::Value(v) => serde_json::to_writer(&mut *out, v),
        };
    }
}

/// Entries of a JSON object: sorted by key, one per key (the last one
/// written wins), as a `serde_json::Map` holds them.
pub(crate) type Entries<'m> = Vec<(&'m str, J<'m>)>;

pub(crate) fn entries_get<'m>(e: &[(&'m str, J<'m>)], key: &str) -> Option<J<'m>> {
    e.binary_search_by(|(k, _)| (*k).cmp(key))
        .ok()
        .and_then(|i| e.get(i))
        .map(|(_, v)| *v)
}

/// Sorts entries by key; `false` when a key is repeated (the slow path
/// then reports it: a repeated key is an error, never "the last wins").
#[must_use]
pub(super) fn normalize(e: &mut Entries<'_>) -> bool {
    if e.is_sorted_by(|a, b| a.0 < b.0) {
        return true;
    }
    e.sort_by(|a, b| a.0.cmp(b.0));
    !e.windows(2)
        .any(|w| w.first().map(|x| x.0) == w.get(1).map(|x| x.0))
}

/// A validated mutation, borrowed: what deciding reads. Built from a
/// [`Mutation`] or parsed straight from a line without building `Value`s.
#[derive(Clone, Debug, Default)]
pub(crate) struct In<'m> {
    /// `J::Str`, `J::U` or `J::I` (a validated `id`).
    pub id: Option<J<'m>>,
    pub object: &'m str,
    pub event: Option<Event>,
    pub kind: Option<ActorKind>,
    pub name: &'m str,
    pub confidence: Option<f64>,
    pub source: Option<&'m str>,
    pub at_text: &'m str,
    pub at: i64,
    pub record: Entries<'m>,
    pub changes: Entries<'m>,
    /// Sorted by relation name.
    pub parents: Vec<(&'m str, Entries<'m>)>,
    /// What started the automation; `None`: the write itself (the fast
    /// path leaves a line with a `"trigger"` to the slow one).
    pub cause: Option<&'m Cause>,
    /// Who last wrote each field (the fast path leaves a line with a
    /// `"history"` to the slow one).
    pub history: Option<&'m super::History>,
}

impl<'m> In<'m> {
    pub fn event(&self) -> Event {
        self.event.unwrap_or(Event::Update)
    }
    pub fn kind(&self) -> ActorKind {
        self.kind.unwrap_or(ActorKind::Human)
    }

    pub fn from_mutation(m: &'m Mutation) -> In<'m> {
        let entries = |map: &'m Map<String, Value>| -> Entries<'m> {
            map.iter()
                .map(|(k, v)| (k.as_str(), J::from_value(v)))
                .collect()
        };
        In {
            id: m.id.as_ref().map(J::from_value),
            object: &m.object,
            event: Some(m.event),
            kind: Some(m.actor.kind),
            name: &m.actor.name,
            confidence: m.confidence,
            source: m.source.as_deref(),
            at_text: &m.at_text,
            at: m.at,
            record: entries(&m.record),
            changes: entries(&m.changes),
            parents: m
                .parents
                .iter()
                .map(|(k, v)| {
                    let e = match v {
                        Value::Object(p) => entries(p),
                        _ => Vec::new(),
                    };
                    (k.as_str(), e)
                })
                .collect(),
            cause: m.cause.as_ref(),
            history: m.history.as_ref(),
        }
    }

    pub fn parent(&self, name: &str) -> Option<&Entries<'m>> {
        self.parents
            .binary_search_by(|(k, _)| (*k).cmp(name))
            .ok()
            .and_then(|i| self.parents.get(i))
            .map(|(_, e)| e)
    }

    /// Parses and validates one line of §7 JSON into `self` (reusing its
    /// buffers) without building `Value`s. `false` when the line is not a
    /// simple valid mutation (malformed, an escaped string, an array or
    /// object value, a repeated top-level key): [`Mutation::from_json`]
    /// then decides what it is and says what is wrong, so messages and
    /// results never depend on this path.
    pub fn parse_fast(&mut self, text: &'m str) -> bool {
        self.record.clear();
        self.changes.clear();
        self.parents.clear();
        self.id = None;
        self.object = "";
        self.event = None;
        self.kind = None;
        self.name = "";
        self.confidence = None;
        self.source = None;
        self.cause = None;
        self.history = None;
        self.at_text = "";
        let mut de = serde_json::Deserializer::from_str(text);
        let ok = serde::Deserializer::deserialize_map(&mut de, TopVisitor { into: self }).is_ok()
            && de.end().is_ok();
        if !ok {
            return false;
        }
        let (Some(_), Some(_)) = (self.event, self.kind) else {
            return false;
        };
        match time::parse_datetime(self.at_text) {
            Some(at) => self.at = at,
            None => return false,
        }
        normalize(&mut self.record) && normalize(&mut self.changes)
    }
}
