//! The evaluator's input: one proposed write (language-v1 §7), parsed and
//! validated. Anything malformed is an [`EvalError`], never a decision.

//!
//! [`Mutation`] is the owned, validated form (parsed through `Value`s by
//! [`Mutation::from_json`], the path that says what is wrong with a line);
//! [`In`] is the borrowed form deciding reads, built from a `Mutation` or
//! parsed straight from simple lines by the fast path ([`fast`]).

mod borrowed;
mod cause;
mod fast;
pub mod history;

pub use cause::Cause;
pub use history::{History, LastWrite};

pub(crate) use borrowed::{entries_get, In, J};

use crate::table::{ActorKind, Event};
use crate::time;
use serde::de::{self, MapAccess, Visitor};
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
    /// What started the automation (`"trigger"`); `None`: the write itself.
    pub(crate) cause: Option<Cause>,
    /// Who last wrote each field (`"history"`); `None`: no history given.
    pub(crate) history: Option<History>,
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
                cause: None,
                history: None,
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
    /// What started the automation, when the input says (`"trigger"`);
    /// `None`: the write itself is its own cause.
    pub fn cause(&self) -> Option<&Cause> {
        self.cause.as_ref()
    }
    /// Who last wrote each field, when the input says (`"history"`).
    pub fn history(&self) -> Option<&History> {
        self.history.as_ref()
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
    /// What started the automation. A record event of the mutation's own
    /// object is kept without its object name, as the JSON parse keeps it.
    pub fn cause(mut self, cause: Cause) -> MutationBuilder {
        self.m.cause = Some(own_object(cause, &self.m.object));
        self
    }
    /// Who last wrote each field.
    pub fn history(mut self, history: History) -> MutationBuilder {
        self.m.history = Some(history);
        self
    }
    pub fn build(self) -> Mutation {
        self.m
    }
}

const KEYS: [&str; 12] = [
    "id",
    "trigger",
    "history",
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
        let cause = h.cause;
        let history = h.history;
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
            cause,
            history,
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
            cause: h.cause,
            history: h.history,
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
        let cause = match obj.get("trigger") {
            None => None,
            Some(v) => Some(own_object(Cause::from_value(v)?, object)),
        };
        let history = history::parse(obj.get("history"))?;
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
            cause,
            history,
        })
    }
}

/// A record event naming the mutation's own object says the same as one
/// naming none: one form, so matching and audit text never tell them apart.
fn own_object(cause: Cause, object: &str) -> Cause {
    match cause {
        Cause::Record {
            object: Some(o),
            event,
            fields,
        } if o == object => Cause::Record {
            object: None,
            event,
            fields,
        },
        c => c,
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
    cause: Option<Cause>,
    history: Option<History>,
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
    cause: Option<Cause>,
    history: Option<History>,
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
            cause: self.cause,
            history: self.history,
        }
    }
}
