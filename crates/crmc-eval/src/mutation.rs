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

/// One proposed write. Build it directly, or parse §7 JSON with
/// [`Mutation::from_json`] / [`Mutation::from_value`].
#[derive(Clone, Debug, PartialEq)]
pub struct Mutation {
    pub object: String,
    pub event: Event,
    pub actor: Actor,
    /// In `0..=1`; `None` when the input carries none.
    pub confidence: Option<f64>,
    pub source: Option<String>,
    /// `at` as written (RFC 3339), echoed in audit output.
    pub at_text: String,
    /// `at` in seconds since the epoch.
    pub at: i64,
    /// Current values. A key missing here is *unknown* (except on create);
    /// a `null` value is *empty*.
    pub record: Map<String, Value>,
    /// Parent records by relation name (`Account`).
    pub parents: Map<String, Value>,
    /// Proposed values.
    pub changes: Map<String, Value>,
}

const KEYS: [&str; 9] = [
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
    pub fn from_json(text: &str) -> Result<Mutation, EvalError> {
        let value: Value =
            serde_json::from_str(text).map_err(|e| EvalError::new(format!("invalid JSON: {e}")))?;
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
        let changes = object_of(obj, "changes")?;
        Ok(head.with(record, parents, changes))
    }

    /// [`Mutation::from_value`], moving the maps out of the value instead of
    /// copying them.
    pub fn from_owned_value(value: Value) -> Result<Mutation, EvalError> {
        let Value::Object(mut obj) = value else {
            return Err(EvalError::new("a mutation must be a JSON object"));
        };
        let h = Mutation::head_ref(&obj)?;
        let (event, kind, confidence, at, has_source) =
            (h.event, h.kind, h.confidence, h.at, h.source.is_some());
        // Validated: move the strings out instead of copying them.
        let name = match obj.get_mut("actor") {
            Some(Value::Object(a)) => take_string(a, "name"),
            _ => String::new(),
        };
        let head = Head {
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
        let changes = take_object(&mut obj, "changes")?;
        Ok(head.with(record, parents, changes))
    }

    /// Everything but the three maps, validated in the order the messages
    /// promise (unknown keys first, then each key in turn).
    fn head(obj: &Map<String, Value>) -> Result<Head, EvalError> {
        let h = Mutation::head_ref(obj)?;
        Ok(Head {
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
