//! One mutation of a request body → its answer line, exactly as
//! `crmc eval` would print it, after the checks only a server makes:
//! which actors the caller's token may speak for, and how far `at` may be
//! from the server clock (a missing `at` becomes the server's time).
//!
//! The text is decided by `crmc_eval::decide_json` / `decide_line`, the
//! functions `crmc eval` runs, on the text itself or, when `at` is missing,
//! on the text with `"at":"<now>"` inserted as its first key, so giving
//! that line to `crmc eval` yields the same answer byte for byte.

use crate::auth::Identity;
use crate::metrics::ErrorKind;
use crate::tables::Loaded;
use crmc_eval::{decide_json, decide_line, error_line, error_line_with_id, Outcome};
use serde::de::{self, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;
use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

/// The server-side context every item of a request is checked against.
pub struct Ctx<'a> {
    pub loaded: &'a Loaded,
    pub now: i64,
    /// `now` as RFC 3339: the `at` inserted when a mutation has none.
    pub now_text: &'a str,
    pub max_skew_secs: i64,
    /// `Some` with `--auth`: the identity of the request's token.
    pub identity: Option<&'a Identity>,
}

pub enum Answer<'t> {
    /// A decision line; `input` is the text decided (with `at` inserted).
    Decided {
        line: String,
        outcome: Outcome,
        input: Cow<'t, str>,
    },
    /// An error line, in `crmc eval`'s shape.
    Error { line: String, kind: ErrorKind },
    /// The token may not speak for this actor (`kind:name`).
    Forbidden { actor: String },
}

pub fn decide_item<'t>(ctx: &Ctx<'_>, text: &'t str, line_no: usize) -> Answer<'t> {
    let table = &ctx.loaded.table;
    if text.trim().is_empty() {
        return Answer::Error {
            line: error_line(line_no, "empty line: not a mutation"),
            kind: ErrorKind::Invalid,
        };
    }
    // Not an object, invalid JSON, a repeated key: the evaluator's own
    // error line says what is wrong (decisions.md 7 makes repeats errors).
    let top = match serde_json::from_str::<Top>(text) {
        Ok(t) if !t.dup => t,
        _ => return evaluator_error(ctx, text, line_no),
    };
    if let Some(identity) = ctx.identity {
        match &top.actor {
            Some(a) if a.dup => return evaluator_error(ctx, text, line_no),
            Some(ActorScan {
                kind: Some(k),
                name: Some(n),
                ..
            }) => {
                if !identity.allows(k, n) {
                    return Answer::Forbidden {
                        actor: format!("{k}:{n}"),
                    };
                }
            }
            _ => return evaluator_error(ctx, text, line_no),
        }
    }
    let input = match &top.at {
        None => Cow::Owned(insert_at(text, ctx.now_text)),
        Some(Value::String(at)) => {
            if let Some(secs) = crmc_eval::time::parse_datetime(at) {
                let skew = secs.abs_diff(ctx.now);
                if skew > ctx.max_skew_secs.unsigned_abs() {
                    let message = format!(
                        "`at` ({at}) is {skew} s from the server clock ({}); the limit is {} s (--max-skew)",
                        ctx.now_text, ctx.max_skew_secs
                    );
                    return Answer::Error {
                        line: error_line_with_id(line_no, top.id.as_ref(), &message),
                        kind: ErrorKind::Skew,
                    };
                }
            }
            Cow::Borrowed(text)
        }
        Some(_) => Cow::Borrowed(text),
    };
    match decide_json(table, &input) {
        Ok(line) => {
            let outcome = outcome_of(&line);
            Answer::Decided {
                line,
                outcome,
                input,
            }
        }
        Err(_) => Answer::Error {
            line: decide_line(table, &input, line_no),
            kind: ErrorKind::Invalid,
        },
    }
}

/// The evaluator's error line for `text`, which the scan found unusable.
/// Should the evaluator decide it after all, the answer is still an error:
/// the server's checks could not be made, so nothing is let through.
fn evaluator_error(ctx: &Ctx<'_>, text: &str, line_no: usize) -> Answer<'static> {
    let table = &ctx.loaded.table;
    let line = match decide_json(table, text) {
        Err(_) => decide_line(table, text, line_no),
        Ok(_) => error_line(
            line_no,
            "not a JSON object with one `actor` {kind, name} and unique keys",
        ),
    };
    Answer::Error {
        line,
        kind: ErrorKind::Invalid,
    }
}

/// `text` (a JSON object) with `"at":"<now>"` as its first key.
fn insert_at(text: &str, now: &str) -> String {
    let open = text.find('{').unwrap_or(0);
    let (head, rest) = text.split_at(open + 1);
    let sep = if rest.trim_start().starts_with('}') {
        ""
    } else {
        ","
    };
    format!("{head}\"at\":\"{now}\"{sep}{rest}")
}

/// The overall outcome of a decision line: its first `"outcome"` key (the
/// decision's own; an echoed `id` string cannot contain it unescaped).
fn outcome_of(line: &str) -> Outcome {
    let key = "\"outcome\":\"";
    line.find(key)
        .and_then(|i| line.get(i + key.len()..))
        .and_then(|rest| {
            Outcome::ALL
                .into_iter()
                .find(|o| rest.starts_with(o.as_str()) && rest[o.as_str().len()..].starts_with('"'))
        })
        // Unreachable for the evaluator's lines; counted as the strictest.
        .unwrap_or(Outcome::Never)
}

/// The top-level keys the server checks, read without building the rest.
#[derive(Default)]
struct Top {
    at: Option<Value>,
    actor: Option<ActorScan>,
    id: Option<Value>,
    dup: bool,
}

#[derive(Default)]
struct ActorScan {
    kind: Option<String>,
    name: Option<String>,
    dup: bool,
}

impl<'de> de::Deserialize<'de> for Top {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Top, D::Error> {
        d.deserialize_map(TopVisitor)
    }
}

struct TopVisitor;

impl<'de> Visitor<'de> for TopVisitor {
    type Value = Top;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a mutation object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Top, A::Error> {
        let mut top = Top::default();
        let mut seen = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "at" => top.at = Some(map.next_value()?),
                "id" => {
                    let v: Value = map.next_value()?;
                    top.id = (v.is_string() || v.is_i64() || v.is_u64()).then_some(v);
                }
                "actor" => top.actor = Some(map.next_value()?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            if !seen.insert(key) {
                top.dup = true;
            }
        }
        Ok(top)
    }
}

impl<'de> de::Deserialize<'de> for ActorScan {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<ActorScan, D::Error> {
        d.deserialize_any(ActorVisitor)
    }
}

struct ActorVisitor;

impl<'de> Visitor<'de> for ActorVisitor {
    type Value = ActorScan;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an actor")
    }
    // Anything but an object: no kind or name, so never authorised.
    fn visit_bool<E>(self, _: bool) -> Result<ActorScan, E> {
        Ok(ActorScan::default())
    }
    fn visit_i64<E>(self, _: i64) -> Result<ActorScan, E> {
        Ok(ActorScan::default())
    }
    fn visit_u64<E>(self, _: u64) -> Result<ActorScan, E> {
        Ok(ActorScan::default())
    }
    fn visit_f64<E>(self, _: f64) -> Result<ActorScan, E> {
        Ok(ActorScan::default())
    }
    fn visit_str<E>(self, _: &str) -> Result<ActorScan, E> {
        Ok(ActorScan::default())
    }
    fn visit_unit<E>(self) -> Result<ActorScan, E> {
        Ok(ActorScan::default())
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<ActorScan, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(ActorScan::default())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ActorScan, A::Error> {
        let mut a = ActorScan::default();
        let mut seen = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            let v: Value = map.next_value()?;
            let s = v.as_str().map(str::to_string);
            match key.as_str() {
                "kind" => a.kind = s,
                "name" => a.name = s,
                _ => {}
            }
            if !seen.insert(key) {
                a.dup = true;
            }
        }
        Ok(a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_goes_first_even_in_an_empty_object() {
        let now = "2026-01-01T00:00:00Z";
        assert_eq!(insert_at("{}", now), r#"{"at":"2026-01-01T00:00:00Z"}"#);
        assert_eq!(
            insert_at(r#" {"a":1}"#, now),
            r#" {"at":"2026-01-01T00:00:00Z","a":1}"#
        );
    }

    #[test]
    fn the_outcome_is_the_decisions_own() {
        assert_eq!(
            outcome_of(r#"{"id":"\"outcome\":\"auto","outcome":"review"}"#),
            Outcome::Review
        );
        assert_eq!(
            outcome_of(r#"{"outcome":"auto","fields":{}}"#),
            Outcome::Auto
        );
        assert_eq!(outcome_of("{}"), Outcome::Never);
    }
}
