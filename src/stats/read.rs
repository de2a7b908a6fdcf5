//! Reading the two logs `crmc stats` joins: decision lines (`crmc eval`'s
//! output, or `crmc serve --decision-log` lines holding `input` and
//! `answer`) into one record per decided field, and feedback lines into
//! what happened to one decided field.
//!
//! A decision names itself by the `id` its mutation carried (echoed in the
//! decision) when there is one, else by its record id and time: the field's
//! audit entry's `record_id` and `timestamp`, else the logged input's
//! `record.Id` and `at`, else the log line's `time`. A feedback line names
//! the decision the same way, plus the field.

use crate::check::model::Outcome;
use serde_json::Value;
use std::hash::{Hash, Hasher};

/// What happened to a decided field, from least to most serious: when
/// several lines speak of one decision, the most serious counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Feedback {
    Accepted,
    Edited,
    Rejected,
    RolledBack,
}

impl Feedback {
    pub const ALL: [Feedback; 4] = [
        Feedback::Accepted,
        Feedback::Edited,
        Feedback::Rejected,
        Feedback::RolledBack,
    ];

    pub fn parse(s: &str) -> Option<Feedback> {
        Feedback::ALL.into_iter().find(|f| f.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Feedback::Accepted => "accepted",
            Feedback::Edited => "edited",
            Feedback::Rejected => "rejected",
            Feedback::RolledBack => "rolled_back",
        }
    }
}

/// A decision's name in both logs, hashed to 128 bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct JoinKey(pub u128);

fn key(parts: &[&str]) -> JoinKey {
    let half = |seed: u8| {
        let mut h = std::hash::DefaultHasher::new();
        seed.hash(&mut h);
        for p in parts {
            p.hash(&mut h);
        }
        h.finish()
    };
    JoinKey((u128::from(half(1)) << 64) | u128::from(half(2)))
}

/// By the mutation's `id` (its JSON text: `"7"` and `7` differ).
pub fn id_key(id: &Value, field: &str) -> JoinKey {
    key(&["id", &id.to_string(), field])
}

/// By record id and decision time (seconds, so every RFC 3339 spelling of
/// one instant names one decision).
pub fn record_key(record_id: &Value, at: i64, field: &str) -> JoinKey {
    let rid = match record_id {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    key(&["record", &rid, &at.to_string(), field])
}

/// One decided field of one decision line.
#[derive(Clone, Debug, PartialEq)]
pub struct DecidedField {
    /// `None`: the line says neither an id nor a record id and time.
    pub key: Option<JoinKey>,
    /// Seconds since the epoch, when the line says.
    pub at: Option<i64>,
    pub contract: Option<String>,
    pub rule: Option<String>,
    pub field: String,
    pub outcome: Outcome,
    pub confidence: Option<f64>,
    /// Decided `never` because an exclusion of its contract held.
    pub excluded: bool,
}

/// Why a line was not read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unread {
    /// Not a JSON object, a key repeated, or a value of the wrong type.
    Malformed,
    /// An `{"error":…}` line: a mutation that was not decided.
    ErrorLine,
}

fn outcome(v: &Value) -> Option<Outcome> {
    Outcome::ALL
        .into_iter()
        .find(|o| Some(o.as_str()) == v.as_str())
}

fn time(v: &Value) -> Option<i64> {
    v.as_str().and_then(crmc_eval::time::parse_datetime)
}

/// The decided fields of one decision line (already parsed strictly).
pub fn decision_line(v: &Value) -> Result<Vec<DecidedField>, Unread> {
    let obj = v.as_object().ok_or(Unread::Malformed)?;
    // a `crmc serve` log line, or a decision itself
    let (answer, input, logged_at) = match obj.get("answer") {
        Some(a) => (a, obj.get("input"), obj.get("time").and_then(time)),
        None => (v, None, None),
    };
    let answer = answer.as_object().ok_or(Unread::Malformed)?;
    if answer.contains_key("error") {
        return Err(Unread::ErrorLine);
    }
    let fields = answer
        .get("fields")
        .and_then(Value::as_object)
        .ok_or(Unread::Malformed)?;
    let audit = answer.get("audit").and_then(Value::as_array);
    let id = answer
        .get("id")
        .or_else(|| input.and_then(|i| i.get("id")))
        .filter(|v| v.is_string() || v.is_u64() || v.is_i64());
    let input_record_id = input
        .and_then(|i| i.get("record")?.get("Id"))
        .filter(|v| !v.is_null());
    let input_at = input.and_then(|i| i.get("at")).and_then(time);
    let input_conf = input
        .and_then(|i| i.get("confidence"))
        .and_then(Value::as_f64);
    let mut out = Vec::with_capacity(fields.len());
    for (name, fd) in fields {
        let fd = fd.as_object().ok_or(Unread::Malformed)?;
        let outcome = fd
            .get("outcome")
            .and_then(outcome)
            .ok_or(Unread::Malformed)?;
        let text = |k: &str| -> Result<Option<String>, Unread> {
            match fd.get(k) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(Unread::Malformed),
            }
        };
        let (contract, rule) = (text("contract")?, text("rule")?);
        let entry = audit.and_then(|a| {
            a.iter()
                .find(|e| e.get("field").and_then(Value::as_str) == Some(name))
        });
        let record_id = entry
            .and_then(|e| e.get("record_id"))
            .filter(|v| !v.is_null())
            .or(input_record_id);
        let at = entry
            .and_then(|e| e.get("timestamp"))
            .and_then(time)
            .or(input_at)
            .or(logged_at);
        let key = match (id, record_id, at) {
            (Some(id), _, _) => Some(id_key(id, name)),
            (None, Some(r), Some(t)) => Some(record_key(r, t, name)),
            _ => None,
        };
        let confidence = entry
            .and_then(|e| e.get("confidence"))
            .and_then(Value::as_f64)
            .or(input_conf);
        let excluded = outcome == Outcome::Never
            && fd
                .get("reasons")
                .and_then(Value::as_array)
                .is_some_and(|rs| {
                    rs.iter().filter_map(Value::as_str).any(|r| {
                        r.starts_with("contract `")
                            && r.contains("`: exclusion")
                            && r.ends_with(" holds, never")
                    })
                });
        out.push(DecidedField {
            key,
            at,
            contract,
            rule,
            field: name.clone(),
            outcome,
            confidence,
            excluded,
        });
    }
    Ok(out)
}

/// One feedback line: which decided field, and what happened to it.
#[derive(Clone, Debug, PartialEq)]
pub struct FeedbackLine {
    pub key: JoinKey,
    pub feedback: Feedback,
}

/// `{"id":…,"field":"Industry","feedback":"accepted"}` or
/// `{"record_id":"00Q1","at":"2026-11-21T10:00:00Z","field":"Industry","feedback":"rolled_back"}`.
pub fn feedback_line(v: &Value) -> Result<FeedbackLine, String> {
    let obj = v.as_object().ok_or("not a JSON object")?;
    let field = obj
        .get("field")
        .and_then(Value::as_str)
        .ok_or("no `field` (the decided field the feedback is about)")?;
    let fb = obj
        .get("feedback")
        .and_then(Value::as_str)
        .ok_or("no `feedback`")?;
    let feedback = Feedback::parse(fb).ok_or_else(|| {
        format!("`feedback` is {fb:?}: expected accepted, edited, rejected or rolled_back")
    })?;
    let key = match (obj.get("id"), obj.get("record_id"), obj.get("at")) {
        (Some(id), None, _) if id.is_string() || id.is_u64() || id.is_i64() => id_key(id, field),
        (None, Some(r), Some(at)) if !r.is_null() => {
            let t = time(at).ok_or("`at` is not an RFC 3339 time")?;
            record_key(r, t, field)
        }
        (Some(_), Some(_), _) => {
            return Err("both `id` and `record_id`: name the decision one way".into())
        }
        _ => return Err("no `id`, nor `record_id` and `at`, naming the decision".into()),
    };
    Ok(FeedbackLine { key, feedback })
}
