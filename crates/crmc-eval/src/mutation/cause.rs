//! A mutation's cause: what started the automation that proposes the write
//! (`"trigger"` in §7 JSON). A contract applies when its `trigger` matches
//! the cause; without a `"trigger"` key the cause is the write itself (its
//! event, its object, and on update the fields it changes), as before
//! causes existed, so such inputs decide the same.

use super::EvalError;
use crate::table::Event;
use serde_json::{Map, Value};
use std::fmt::{self, Write as _};

/// What started the automation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cause {
    /// A record event: of `object` (`None`: the mutation's own object);
    /// on update, the fields whose change started it (never empty).
    Record {
        object: Option<String>,
        event: Event,
        fields: Vec<String>,
    },
    /// A named signal from outside the CRM (`prospect_sourced`).
    Signal(String),
    /// A scheduled run, optionally named (`nightly`).
    Schedule(Option<String>),
}

const KEYS: [&str; 4] = ["event", "object", "fields", "name"];

fn bad(message: impl Into<String>) -> EvalError {
    EvalError::new(format!("`trigger`: {}", message.into()))
}

fn name_of(obj: &Map<String, Value>, what: &str) -> Result<Option<String>, EvalError> {
    match obj.get("name") {
        None => Ok(None),
        Some(Value::String(s)) if !s.is_empty() => Ok(Some(s.clone())),
        Some(_) => Err(bad(format!("a {what}'s `name` must be a non-empty string"))),
    }
}

impl Cause {
    /// Validates the `"trigger"` value. Everything a cause does not say is
    /// an error, never a default: an update that names no fields, a key
    /// another kind of cause has, a `name` on a record event.
    pub fn from_value(v: &Value) -> Result<Cause, EvalError> {
        let Value::Object(obj) = v else {
            return Err(bad(
                "must be an object, like {\"event\":\"update\",\"fields\":[\"Email\"]}",
            ));
        };
        if let Some(k) = obj.keys().find(|k| !KEYS.contains(&k.as_str())) {
            return Err(bad(format!("unknown key `{k}`")));
        }
        let event = match obj.get("event") {
            Some(Value::String(s)) => s.as_str(),
            Some(_) => return Err(bad("`event` must be a string")),
            None => return Err(bad("missing `event`")),
        };
        let only = |allowed: &[&str], what: &str| -> Result<(), EvalError> {
            match obj
                .keys()
                .find(|k| *k != "event" && !allowed.contains(&k.as_str()))
            {
                Some(k) => Err(bad(format!("a {what} has no `{k}`"))),
                None => Ok(()),
            }
        };
        match event {
            "signal" => {
                only(&["name"], "signal")?;
                match name_of(obj, "signal")? {
                    Some(n) => Ok(Cause::Signal(n)),
                    None => Err(bad("a signal needs its `name`")),
                }
            }
            "schedule" => {
                only(&["name"], "schedule")?;
                Ok(Cause::Schedule(name_of(obj, "schedule")?))
            }
            _ => {
                let event = Event::parse(event).ok_or_else(|| {
                    bad(format!(
                        "unknown event `{event}` (expected create, update, delete, signal or schedule)"
                    ))
                })?;
                let object = match obj.get("object") {
                    None => None,
                    Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
                    Some(_) => return Err(bad("`object` must be a non-empty string")),
                };
                if obj.contains_key("name") {
                    return Err(bad(
                        "a record event has no `name` (signals and schedules do)",
                    ));
                }
                let fields = match (event, obj.get("fields")) {
                    (Event::Update, Some(Value::Array(a))) => {
                        let mut fields = Vec::with_capacity(a.len());
                        for f in a {
                            match f {
                                Value::String(s) if !s.is_empty() => fields.push(s.clone()),
                                _ => return Err(bad("`fields` must list field names (strings)")),
                            }
                        }
                        if fields.is_empty() {
                            return Err(bad(
                                "an update's `fields` must name the fields whose change started it",
                            ));
                        }
                        fields.sort();
                        fields.dedup();
                        fields
                    }
                    (Event::Update, Some(_)) => {
                        return Err(bad("`fields` must be an array of field names"))
                    }
                    (Event::Update, None) => {
                        return Err(bad("an update names the fields whose change started it: \
                             {\"event\":\"update\",\"fields\":[\"Email\"]}"))
                    }
                    (_, Some(_)) => {
                        return Err(bad(format!(
                            "a {} has no `fields` (only an update does)",
                            event.as_str()
                        )))
                    }
                    (_, None) => Vec::new(),
                };
                Ok(Cause::Record {
                    object,
                    event,
                    fields,
                })
            }
        }
    }

    /// The cause as JSON, as [`Cause::from_value`] reads it.
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        match self {
            Cause::Record {
                object,
                event,
                fields,
            } => {
                m.insert("event".into(), Value::from(event.as_str()));
                if let Some(o) = object {
                    m.insert("object".into(), Value::from(o.as_str()));
                }
                if *event == Event::Update {
                    m.insert("fields".into(), Value::from(fields.clone()));
                }
            }
            Cause::Signal(n) => {
                m.insert("event".into(), Value::from("signal"));
                m.insert("name".into(), Value::from(n.as_str()));
            }
            Cause::Schedule(n) => {
                m.insert("event".into(), Value::from("schedule"));
                if let Some(n) = n {
                    m.insert("name".into(), Value::from(n.as_str()));
                }
            }
        }
        Value::Object(m)
    }
}

/// The cause as a contract's `trigger on` says it (`update(Email, Company)`,
/// `create of Task`, `signal "prospect_sourced"`), what the audit entry's
/// `trigger` records.
impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let quoted = |f: &mut fmt::Formatter<'_>, s: &str| -> fmt::Result {
            f.write_char('"')?;
            for ch in s.chars() {
                match ch {
                    '"' => f.write_str("\\\"")?,
                    '\\' => f.write_str("\\\\")?,
                    c => f.write_char(c)?,
                }
            }
            f.write_char('"')
        };
        match self {
            Cause::Record {
                object,
                event,
                fields,
            } => {
                f.write_str(event.as_str())?;
                if !fields.is_empty() {
                    write!(f, "({})", fields.join(", "))?;
                }
                if let Some(o) = object {
                    write!(f, " of {o}")?;
                }
                Ok(())
            }
            Cause::Signal(n) => {
                f.write_str("signal ")?;
                quoted(f, n)
            }
            Cause::Schedule(None) => f.write_str("schedule"),
            Cause::Schedule(Some(n)) => {
                f.write_str("schedule ")?;
                quoted(f, n)
            }
        }
    }
}
