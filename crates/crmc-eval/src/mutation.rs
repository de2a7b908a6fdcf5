//! The evaluator's input: one proposed write (language-v1 §7), parsed and
//! validated. Anything malformed is an [`EvalError`], never a decision.

use crate::table::{ActorKind, Event};
use crate::time;
use serde_json::{Map, Value};
use std::fmt;

/// Why a line is not a valid mutation (or cannot be decided against a table).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvalError {
    pub message: String,
}

impl EvalError {
    pub fn new(message: impl Into<String>) -> EvalError {
        EvalError {
            message: message.into(),
        }
    }
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for EvalError {}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub kind: ActorKind,
    pub name: String,
}

/// One proposed write, validated: parse §7 JSON with
/// [`Mutation::from_json`] / [`Mutation::from_value`], or build one with
/// [`Mutation::builder`]. The fields are private so that every `Mutation`
/// holds what those checks allow (a confidence in `0..=1`, never NaN; `at`
/// parsed from the text it echoes; parents that are objects).
#[derive(Clone, Debug, PartialEq)]
pub struct Mutation {
    /// The caller's id for this mutation (a string or an integer), echoed
    /// first in its decision and error lines.
    pub(crate) id: Option<Value>,
    pub(crate) object: String,
    pub(crate) event: Event,
    pub(crate) actor: Actor,
    /// In `0..=1`; `None` when the input carries none.
    pub(crate) confidence: Option<f64>,
    pub(crate) source: Option<String>,
    /// `at` as written (RFC 3339), echoed in audit output.
    pub(crate) at_text: String,
    /// `at` in seconds since the epoch, parsed from `at_text`.
    pub(crate) at: i64,
    /// Current values. A key missing here is *unknown* (except on create);
    /// a `null` value is *empty*.
    pub(crate) record: Map<String, Value>,
    /// Parent records by relation name (`Account`); each an object.
    pub(crate) parents: Map<String, Value>,
    /// Proposed values.
    pub(crate) changes: Map<String, Value>,
}

impl Mutation {
    /// Starts a mutation: `at` must be an RFC 3339 timestamp.
    pub fn builder(
        object: impl Into<String>,
        event: Event,
        actor: Actor,
        at: &str,
    ) -> Result<MutationBuilder, EvalError> {
        let secs = time::parse_datetime(at)
            .ok_or_else(|| EvalError::new(format!("`at` is not an RFC 3339 timestamp: `{at}`")))?;
        Ok(MutationBuilder {
            m: Mutation {
                id: None,
                object: object.into(),
                event,
                actor,
                confidence: None,
                source: None,
                at_text: at.to_string(),
                at: secs,
                record: Map::new(),
                parents: Map::new(),
                changes: Map::new(),
            },
        })
    }

    /// The caller's id: a string or an integer (`Value::String` or a
    /// `Value::Number` that is an `i64` or `u64`).
    pub fn id(&self) -> Option<&Value> {
        self.id.as_ref()
    }
    pub fn object(&self) -> &str {
        &self.object
    }
    pub fn event(&self) -> Event {
        self.event
    }
    pub fn actor(&self) -> &Actor {
        &self.actor
    }
    /// In `0..=1`, never NaN.
    pub fn confidence(&self) -> Option<f64> {
        self.confidence
    }
    pub fn source(&self) -> Option<&str> {
        self.source.as_deref()
    }
    /// `at` as written.
    pub fn at_text(&self) -> &str {
        &self.at_text
    }
    /// `at` in seconds since the epoch.
    pub fn at(&self) -> i64 {
        self.at
    }
    pub fn record(&self) -> &Map<String, Value> {
        &self.record
    }
    pub fn parents(&self) -> &Map<String, Value> {
        &self.parents
    }
    pub fn changes(&self) -> &Map<String, Value> {
        &self.changes
    }
}

/// Builds a [`Mutation`] from parts, validating each as the JSON parse does.
#[derive(Clone, Debug)]
pub struct MutationBuilder {
    m: Mutation,
}

impl MutationBuilder {
    /// Rejects an id that is not a string or an integer.
    pub fn id(mut self, id: Value) -> Result<MutationBuilder, EvalError> {
        check_id(&id)?;
        self.m.id = Some(id);
        Ok(self)
    }
    /// Rejects anything outside `0..=1`, NaN included.
    pub fn confidence(mut self, c: f64) -> Result<MutationBuilder, EvalError> {
        if !(0.0..=1.0).contains(&c) {
            return Err(EvalError::new(format!(
                "`confidence` must be between 0 and 1, got {c}"
            )));
        }
        self.m.confidence = Some(c);
        Ok(self)
    }
    pub fn source(mut self, s: impl Into<String>) -> MutationBuilder {
        self.m.source = Some(s.into());
        self
    }
    pub fn record(mut self, record: Map<String, Value>) -> MutationBuilder {
        self.m.record = record;
        self
    }
    pub fn parent(
        mut self,
        relation: impl Into<String>,
        record: Map<String, Value>,
    ) -> MutationBuilder {
        self.m
            .parents
            .insert(relation.into(), Value::Object(record));
        self
    }
    pub fn changes(mut self, changes: Map<String, Value>) -> MutationBuilder {
        self.m.changes = changes;
        self
    }
    pub fn build(self) -> Mutation {
        self.m
    }
}

const KEYS: [&str; 10] = [
    "id",
    "object",
    "event",
    "actor",
    "confidence",
    "source",
    "at",
    "record",
    "parents",
    "changes",
];

/// An `id` is a string or an integer: what a caller can match on exactly
/// (a float would not round-trip, an object or array is not an id).
fn check_id(id: &Value) -> Result<(), EvalError> {
    match id {
        Value::String(_) => Ok(()),
        Value::Number(n) if n.is_u64() || n.is_i64() => Ok(()),
        _ => Err(EvalError::new("`id` must be a string or an integer")),
    }
}

/// The top-level `id` of a line that is a JSON object naming exactly one
/// valid `id`, for its error line; `None` when the line is not JSON, not an
/// object, has no valid `id`, or has more than one (an error line never
/// guesses which). Other values are skipped, repeated keys among them
/// included (the line's error says what is wrong with them).
pub(crate) fn line_id(text: &str) -> Option<Value> {
    struct Top;
    impl<'de> Visitor<'de> for Top {
        type Value = Option<Value>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<Value>, A::Error> {
            let mut id: Option<Value> = None;
            let mut repeated = false;
            while let Some(k) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                if k == "id" {
                    let v: Value = map.next_value()?;
                    repeated |= id.is_some();
                    id = Some(v);
                } else {
                    map.next_value::<de::IgnoredAny>()?;
                }
            }
            Ok(id.filter(|v| !repeated && check_id(v).is_ok()))
        }
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let id = serde::Deserializer::deserialize_map(&mut de, Top).ok()?;
    de.end().ok()?;
    id
}

fn required_str<'a>(obj: &'a Map<String, Value>, key: &str) -> Result<&'a str, EvalError> {
    match obj.get(key) {
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(EvalError::new(format!("`{key}` must be a string"))),
        None => Err(EvalError::new(format!("missing `{key}`"))),
    }
}

fn object_of(obj: &Map<String, Value>, key: &str) -> Result<Map<String, Value>, EvalError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(Map::new()),
        Some(Value::Object(m)) => Ok(m.clone()),
        Some(_) => Err(EvalError::new(format!("`{key}` must be an object"))),
    }
}

/// Why `changes` is not an object: a mutation must say what it writes.
fn changes_error(v: Option<&Value>) -> EvalError {
    match v {
        None => EvalError::new(
            "missing `changes` (a mutation must say what it writes; `{}` for nothing)",
        ),
        Some(_) => EvalError::new("`changes` must be an object"),
    }
}

/// [`object_of`], moving the map out of an owned object.
fn take_object(obj: &mut Map<String, Value>, key: &str) -> Result<Map<String, Value>, EvalError> {
    match obj.remove(key) {
        None | Some(Value::Null) => Ok(Map::new()),
        Some(Value::Object(m)) => Ok(m),
        Some(_) => Err(EvalError::new(format!("`{key}` must be an object"))),
    }
}

impl Mutation {
    /// Parses one line of §7 JSON.
    /// A key repeated in any object of the line is an error, never
    /// "the last one wins".
    pub fn from_json(text: &str) -> Result<Mutation, EvalError> {
        // JSON has no byte order mark: say so rather than "expected value".
        if text.starts_with('\u{feff}') {
            return Err(EvalError::new(
                "invalid JSON: the line starts with a byte order mark (U+FEFF); \
                 write the input as UTF-8 without a BOM",
            ));
        }
        let value = crate::strict_json::parse(text)
            .map_err(|e| EvalError::new(format!("invalid JSON: {e}")))?;
        Mutation::from_owned_value(value)
    }

    /// Validates a parsed JSON value as a mutation.
    pub fn from_value(value: &Value) -> Result<Mutation, EvalError> {
        let Value::Object(obj) = value else {
            return Err(EvalError::new("a mutation must be a JSON object"));
        };
        let head = Mutation::head(obj)?;
        let record = object_of(obj, "record")?;
        let parents = object_of(obj, "parents")?;
        check_parents(&parents)?;
        let changes = match obj.get("changes") {
            Some(Value::Object(m)) => m.clone(),
            _ => return Err(changes_error(obj.get("changes"))),
        };
        Ok(head.with(record, parents, changes))
    }

    /// [`Mutation::from_value`], moving the maps out of the value instead of
    /// copying them.
    pub fn from_owned_value(value: Value) -> Result<Mutation, EvalError> {
        let Value::Object(mut obj) = value else {
            return Err(EvalError::new("a mutation must be a JSON object"));
        };
        let h = Mutation::head_ref(&obj)?;
        let (event, kind, confidence, at, has_source, has_id) = (
            h.event,
            h.kind,
            h.confidence,
            h.at,
            h.source.is_some(),
            h.id.is_some(),
        );
        // Validated: move the strings out instead of copying them.
        let name = match obj.get_mut("actor") {
            Some(Value::Object(a)) => take_string(a, "name"),
            _ => String::new(),
        };
        let head = Head {
            id: if has_id { obj.remove("id") } else { None },
            object: take_string(&mut obj, "object"),
            event,
            actor: Actor { kind, name },
            confidence,
            source: has_source.then(|| take_string(&mut obj, "source")),
            at_text: take_string(&mut obj, "at"),
            at,
        };
        let record = take_object(&mut obj, "record")?;
        let parents = take_object(&mut obj, "parents")?;
        check_parents(&parents)?;
        let changes = match obj.remove("changes") {
            Some(Value::Object(m)) => m,
            other => return Err(changes_error(other.as_ref())),
        };
        Ok(head.with(record, parents, changes))
    }

    /// Everything but the three maps, validated in the order the messages
    /// promise (unknown keys first, then each key in turn).
    fn head(obj: &Map<String, Value>) -> Result<Head, EvalError> {
        let h = Mutation::head_ref(obj)?;
        Ok(Head {
            id: h.id.cloned(),
            object: h.object.to_string(),
            event: h.event,
            actor: Actor {
                kind: h.kind,
                name: h.name.to_string(),
            },
            confidence: h.confidence,
            source: h.source.map(str::to_string),
            at_text: h.at_text.to_string(),
            at: h.at,
        })
    }

    fn head_ref(obj: &Map<String, Value>) -> Result<HeadRef<'_>, EvalError> {
        if let Some(k) = obj.keys().find(|k| !KEYS.contains(&k.as_str())) {
            return Err(EvalError::new(format!("unknown key `{k}`")));
        }
        let id = obj.get("id");
        if let Some(id) = id {
            check_id(id)?;
        }
        let object = required_str(obj, "object")?;
        let event_text = required_str(obj, "event")?;
        let event = Event::parse(event_text).ok_or_else(|| {
            EvalError::new(format!(
                "unknown event `{event_text}` (expected create, update or delete)"
            ))
        })?;
        let (kind, name) = match obj.get("actor") {
            Some(Value::Object(a)) => {
                let kind_text =
                    required_str(a, "kind").map_err(|e| EvalError::new(format!("actor: {e}")))?;
                let kind = ActorKind::parse(kind_text).ok_or_else(|| {
                    EvalError::new(format!(
                        "unknown actor kind `{kind_text}` (expected ai, integration or human)"
                    ))
                })?;
                let name =
                    required_str(a, "name").map_err(|e| EvalError::new(format!("actor: {e}")))?;
                (kind, name)
            }
            Some(_) => return Err(EvalError::new("`actor` must be an object")),
            None => return Err(EvalError::new("missing `actor`")),
        };
        let confidence = match obj.get("confidence") {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => match n.as_f64() {
                Some(c) if (0.0..=1.0).contains(&c) => Some(c),
                _ => {
                    return Err(EvalError::new(format!(
                        "`confidence` must be between 0 and 1, got {n}"
                    )))
                }
            },
            Some(_) => return Err(EvalError::new("`confidence` must be a number")),
        };
        let source = match obj.get("source") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.as_str()),
            Some(_) => return Err(EvalError::new("`source` must be a string")),
        };
        let at_text = required_str(obj, "at")?;
        let at = time::parse_datetime(at_text).ok_or_else(|| {
            EvalError::new(format!("`at` is not an RFC 3339 timestamp: `{at_text}`"))
        })?;
        Ok(HeadRef {
            id,
            object,
            event,
            kind,
            name,
            confidence,
            source,
            at_text,
            at,
        })
    }
}

fn check_parents(parents: &Map<String, Value>) -> Result<(), EvalError> {
    match parents.iter().find(|(_, v)| !v.is_object()) {
        Some((k, _)) => Err(EvalError::new(format!("parent `{k}` must be an object"))),
        None => Ok(()),
    }
}

/// A validated mutation's scalar part, borrowed.
struct HeadRef<'a> {
    id: Option<&'a Value>,
    object: &'a str,
    event: Event,
    kind: ActorKind,
    name: &'a str,
    confidence: Option<f64>,
    source: Option<&'a str>,
    at_text: &'a str,
    at: i64,
}

/// Moves a string value out (empty if it is not one: never, once validated).
fn take_string(obj: &mut Map<String, Value>, key: &str) -> String {
    match obj.remove(key) {
        Some(Value::String(s)) => s,
        _ => String::new(),
    }
}

/// A mutation's scalar part.
struct Head {
    id: Option<Value>,
    object: String,
    event: Event,
    actor: Actor,
    confidence: Option<f64>,
    source: Option<String>,
    at_text: String,
    at: i64,
}

impl Head {
    fn with(
        self,
        record: Map<String, Value>,
        parents: Map<String, Value>,
        changes: Map<String, Value>,
    ) -> Mutation {
        Mutation {
            id: self.id,
            object: self.object,
            event: self.event,
            actor: self.actor,
            confidence: self.confidence,
            source: self.source,
            at_text: self.at_text,
            at: self.at,
            record,
            parents,
            changes,
        }
    }
}

// ---------------------------------------------------------------- borrowed input

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
fn normalize(e: &mut Entries<'_>) -> bool {
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

use serde::de::{self, DeserializeSeed, MapAccess, Visitor};

/// Any failure: the slow path will say what it is.
fn fail<E: de::Error>() -> E {
    E::custom("")
}

struct TopVisitor<'a, 'm> {
    into: &'a mut In<'m>,
}

/// A string borrowed from the input (no escapes).
struct BStr;

impl<'de> Visitor<'de> for BStr {
    type Value = &'de str;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<&'de str, E> {
        Ok(v)
    }
}

impl<'de> DeserializeSeed<'de> for BStr {
    type Value = &'de str;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<&'de str, D::Error> {
        d.deserialize_str(BStr)
    }
}

/// A scalar value, or `null` for an optional one.
struct JSeed;

impl<'de> Visitor<'de> for JSeed {
    type Value = J<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a scalar")
    }
    fn visit_unit<E: de::Error>(self) -> Result<J<'de>, E> {
        Ok(J::Null)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<J<'de>, E> {
        Ok(J::Bool(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<J<'de>, E> {
        Ok(J::U(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<J<'de>, E> {
        Ok(J::I(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<J<'de>, E> {
        Ok(J::F(v))
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<J<'de>, E> {
        Ok(J::Str(v))
    }
}

impl<'de> DeserializeSeed<'de> for JSeed {
    type Value = J<'de>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<J<'de>, D::Error> {
        d.deserialize_any(JSeed)
    }
}

/// An object of scalars appended to a vector (`null` appends nothing).
struct EntriesSeed<'a, 'm> {
    into: &'a mut Entries<'m>,
}

impl<'de> Visitor<'de> for EntriesSeed<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(k) = map.next_key_seed(BStr)? {
            let v = map.next_value_seed(JSeed)?;
            self.into.push((k, v));
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for EntriesSeed<'_, 'de> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

/// `parents`: an object of objects.
struct ParentsSeed<'a, 'm> {
    into: &'a mut Vec<(&'m str, Entries<'m>)>,
}

impl<'de> Visitor<'de> for ParentsSeed<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(k) = map.next_key_seed(BStr)? {
            let mut e = Vec::new();
            map.next_value_seed(ObjectSeed { into: &mut e })?;
            if !normalize(&mut e) {
                return Err(fail());
            }
            self.into.push((k, e));
        }
        let p = &mut *self.into;
        if !p.is_sorted_by(|a, b| a.0 < b.0) {
            // Repeated relation names: leave them to the slow path.
            p.sort_by(|a, b| a.0.cmp(b.0));
            if p.windows(2)
                .any(|w| w.first().map(|x| x.0) == w.get(1).map(|x| x.0))
            {
                return Err(fail());
            }
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for ParentsSeed<'_, 'de> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

/// A parent: an object (not `null`).
struct ObjectSeed<'a, 'm> {
    into: &'a mut Entries<'m>,
}

impl<'de> DeserializeSeed<'de> for ObjectSeed<'_, 'de> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(EntriesSeed { into: self.into })
    }
}

/// `actor`: `kind` and `name` strings; other keys ignored.
struct ActorSeed<'a, 'm> {
    into: &'a mut In<'m>,
}

impl<'de> Visitor<'de> for ActorSeed<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut name = None;
        let mut kind = None;
        while let Some(k) = map.next_key_seed(BStr)? {
            match k {
                // A repeated `kind` or `name` is for the slow path to refuse.
                "kind" if kind.is_none() => {
                    kind = Some(ActorKind::parse(map.next_value_seed(BStr)?).ok_or_else(fail)?)
                }
                "name" if name.is_none() => name = Some(map.next_value_seed(BStr)?),
                // Other keys: the slow path validates what skipping would not
                // (a lone surrogate escape, found by fuzzing `decide_json`).
                _ => return Err(fail()),
            }
        }
        self.into.name = name.ok_or_else(fail)?;
        self.into.kind = Some(kind.ok_or_else(fail)?);
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for ActorSeed<'_, 'de> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for TopVisitor<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a mutation")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let m = self.into;
        let mut seen = 0u16;
        while let Some(k) = map.next_key_seed(BStr)? {
            // The key's position in `KEYS`.
            let bit = match k {
                "object" => 0,
                "event" => 1,
                "actor" => 2,
                "confidence" => 3,
                "source" => 4,
                "at" => 5,
                "record" => 6,
                "parents" => 7,
                "changes" => 8,
                "id" => 9,
                _ => return Err(fail()),
            };
            if seen & (1 << bit) != 0 {
                return Err(fail());
            }
            seen |= 1 << bit;
            match bit {
                0 => m.object = map.next_value_seed(BStr)?,
                1 => m.event = Some(Event::parse(map.next_value_seed(BStr)?).ok_or_else(fail)?),
                2 => map.next_value_seed(ActorSeed { into: &mut *m })?,
                3 => {
                    m.confidence = match map.next_value_seed(JSeed)? {
                        J::Null => None,
                        J::U(u) => Some(u as f64),
                        J::I(i) => Some(i as f64),
                        J::F(f) => Some(f),
                        _ => return Err(fail()),
                    };
                    if m.confidence.is_some_and(|c| !(0.0..=1.0).contains(&c)) {
                        return Err(fail());
                    }
                }
                4 => {
                    m.source = match map.next_value_seed(JSeed)? {
                        J::Null => None,
                        J::Str(s) => Some(s),
                        _ => return Err(fail()),
                    }
                }
                5 => m.at_text = map.next_value_seed(BStr)?,
                // An unescaped string or an integer; anything else (an
                // escaped string, a float, `null`) is the slow path's.
                9 => {
                    m.id = match map.next_value_seed(JSeed)? {
                        j @ (J::Str(_) | J::U(_) | J::I(_)) => Some(j),
                        _ => return Err(fail()),
                    }
                }
                6 => map.next_value_seed(EntriesSeed {
                    into: &mut m.record,
                })?,
                // `changes` must be an object (`null` is the slow path's error).
                8 => map.next_value_seed(ObjectSeed {
                    into: &mut m.changes,
                })?,
                _ => map.next_value_seed(ParentsSeed {
                    into: &mut m.parents,
                })?,
            }
        }
        // `object`, `event`, `actor` (kind checked above), `at` and
        // `changes` are required.
        let required = [0usize, 1, 2, 5, 8];
        if required.iter().any(|b| seen & (1 << b) == 0) {
            return Err(fail());
        }
        Ok(())
    }
}
