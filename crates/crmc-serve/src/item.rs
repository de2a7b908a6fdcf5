//! One mutation of a request body → its answer line, exactly as
//! `crmc eval` would print it, after the checks only a server makes:
//! which actors the caller's token may speak for, and how far `at` may be
//! from the server clock (a missing `at` becomes the server's time).
//!
//! The text is decided by the request's one [`Evaluator`] with
//! `decide_line_into`, the call `crmc eval` makes per line, on the text
//! itself or, when `at` is missing, on the text with `"at":"<now>"`
//! inserted as its first key, so giving that line to `crmc eval` yields the
//! same answer byte for byte. Answers are appended to the request's one
//! output buffer: no String per item.

use crate::auth::Identity;
use crate::metrics::ErrorKind;
use crmc_eval::{error_line, error_line_with_id, Evaluator, LineAnswer, Outcome};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::Value;
use std::borrow::Cow;
use std::fmt;

/// The server-side context every item of a request is checked against.
pub struct Ctx<'a> {
    pub now: i64,
    /// `now` as RFC 3339: the `at` inserted when a mutation has none.
    pub now_text: &'a str,
    pub max_skew_secs: i64,
    /// `Some` with `--auth`: the identity of the request's token.
    pub identity: Option<&'a Identity>,
}

/// What an item got; its answer line (if any) is in the output buffer.
pub enum Verdict<'t> {
    /// A decision line; `input` is the text decided (with `at` inserted).
    Decided {
        outcome: Outcome,
        input: Cow<'t, str>,
    },
    /// An error line, in `crmc eval`'s shape.
    Error(ErrorKind),
    /// The token may not speak for this actor (`kind:name`); nothing was
    /// written.
    Forbidden { actor: String },
}

/// Decides `text` (item `line_no`, 1-based), appending its answer line
/// (without a newline) to `out`.
pub fn decide_item<'t>(
    ctx: &Ctx<'_>,
    ev: &mut Evaluator<'_>,
    text: &'t str,
    line_no: usize,
    out: &mut Vec<u8>,
) -> Verdict<'t> {
    // Not an object, invalid JSON, a repeated key, a blank line: the
    // evaluator's own error line says what is wrong (decisions.md 7 makes
    // repeats errors).
    let top = match serde_json::from_str::<Top<'t>>(text) {
        Ok(t) if !t.dup => t,
        _ => return evaluator_error(ev, text, line_no, out),
    };
    if let Some(identity) = ctx.identity {
        match &top.actor {
            Some(a) if a.dup => return evaluator_error(ev, text, line_no, out),
            Some(ActorScan {
                kind: Some(k),
                name: Some(n),
                ..
            }) => {
                let (Some(k), Some(n)) = (raw_str(k), raw_str(n)) else {
                    return evaluator_error(ev, text, line_no, out);
                };
                if !identity.allows(&k, &n) {
                    return Verdict::Forbidden {
                        actor: format!("{k}:{n}"),
                    };
                }
            }
            _ => return evaluator_error(ev, text, line_no, out),
        }
    }
    let input = match top.at.map(raw_str) {
        None => Cow::Owned(insert_at(text, ctx.now_text)),
        Some(Some(at)) => {
            if let Some(secs) = crmc_eval::time::parse_datetime(&at) {
                let skew = secs.abs_diff(ctx.now);
                if skew > ctx.max_skew_secs.unsigned_abs() {
                    let message = format!(
                        "`at` ({at}) is {skew} s from the server clock ({}); the limit is {} s (--max-skew)",
                        ctx.now_text, ctx.max_skew_secs
                    );
                    let id = top.id.and_then(scalar_id);
                    out.extend_from_slice(
                        error_line_with_id(line_no, id.as_ref(), &message).as_bytes(),
                    );
                    return Verdict::Error(ErrorKind::Skew);
                }
            }
            Cow::Borrowed(text)
        }
        // Not a string: the evaluator says what is wrong with it.
        Some(None) => Cow::Borrowed(text),
    };
    match ev.decide_line_into(&input, line_no, out) {
        LineAnswer::Decided(outcome) => Verdict::Decided { outcome, input },
        LineAnswer::Error => Verdict::Error(ErrorKind::Invalid),
    }
}

/// The evaluator's error line for `text`, which the scan found unusable.
/// Should the evaluator decide it after all, the answer is still an error:
/// the server's checks could not be made, so nothing is let through.
fn evaluator_error(
    ev: &mut Evaluator<'_>,
    text: &str,
    line_no: usize,
    out: &mut Vec<u8>,
) -> Verdict<'static> {
    let start = out.len();
    if let LineAnswer::Decided(_) = ev.decide_line_into(text, line_no, out) {
        out.truncate(start);
        let line = error_line(
            line_no,
            "not a JSON object with one `actor` {kind, name} and unique keys",
        );
        out.extend_from_slice(line.as_bytes());
    }
    Verdict::Error(ErrorKind::Invalid)
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

/// A raw JSON value's string, when it is one (borrowed unless escaped).
fn raw_str(raw: &RawValue) -> Option<Cow<'_, str>> {
    let text = raw.get();
    if !text.starts_with('"') {
        return None;
    }
    match serde_json::from_str::<&str>(text) {
        Ok(s) => Some(Cow::Borrowed(s)),
        Err(_) => serde_json::from_str::<String>(text).ok().map(Cow::Owned),
    }
}

/// An `id` the error line may echo: a string or an integer.
fn scalar_id(raw: &RawValue) -> Option<Value> {
    let v: Value = serde_json::from_str(raw.get()).ok()?;
    (v.is_string() || v.is_i64() || v.is_u64()).then_some(v)
}

/// The top-level keys the server checks, read without building the rest
/// (values kept as borrowed raw text, keys borrowed unless escaped).
#[derive(Default)]
struct Top<'de> {
    at: Option<&'de RawValue>,
    actor: Option<ActorScan<'de>>,
    id: Option<&'de RawValue>,
    dup: bool,
}

#[derive(Default)]
struct ActorScan<'de> {
    kind: Option<&'de RawValue>,
    name: Option<&'de RawValue>,
    dup: bool,
}

/// An object's keys, to tell whether one repeats. A mutation has about
/// ten top-level keys: comparing each pair is cheaper than hashing them
/// (this runs once per item); past a few dozen they are sorted instead,
/// so a body of many keys stays O(n log n).
#[derive(Default)]
struct Keys<'de>(Vec<Cow<'de, str>>);

impl<'de> Keys<'de> {
    fn push(&mut self, key: Cow<'de, str>) {
        self.0.push(key);
    }

    fn repeats(mut self) -> bool {
        let keys = &mut self.0;
        if keys.len() <= 32 {
            return keys
                .iter()
                .enumerate()
                .any(|(i, k)| keys.get(i + 1..).is_some_and(|rest| rest.contains(k)));
        }
        keys.sort_unstable();
        keys.windows(2).any(|w| w.first() == w.last())
    }
}

/// A map key, borrowed from the text when it has no escapes.
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Cow<'de, str>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Cow<'de, str>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(v))
    }
}

impl<'de> de::Deserialize<'de> for Top<'de> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Top<'de>, D::Error> {
        d.deserialize_map(TopVisitor)
    }
}

struct TopVisitor;

impl<'de> Visitor<'de> for TopVisitor {
    type Value = Top<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a mutation object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Top<'de>, A::Error> {
        let mut top = Top::default();
        let mut seen = Keys::default();
        while let Some(key) = map.next_key_seed(Key)? {
            match key.as_ref() {
                "at" => top.at = Some(map.next_value()?),
                "id" => top.id = Some(map.next_value()?),
                "actor" => top.actor = Some(map.next_value()?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            seen.push(key);
        }
        top.dup = seen.repeats();
        Ok(top)
    }
}

impl<'de> de::Deserialize<'de> for ActorScan<'de> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<ActorScan<'de>, D::Error> {
        d.deserialize_any(ActorVisitor)
    }
}

struct ActorVisitor;

impl<'de> Visitor<'de> for ActorVisitor {
    type Value = ActorScan<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an actor")
    }
    // Anything but an object: no kind or name, so never authorised.
    fn visit_bool<E>(self, _: bool) -> Result<ActorScan<'de>, E> {
        Ok(ActorScan::default())
    }
    fn visit_i64<E>(self, _: i64) -> Result<ActorScan<'de>, E> {
        Ok(ActorScan::default())
    }
    fn visit_u64<E>(self, _: u64) -> Result<ActorScan<'de>, E> {
        Ok(ActorScan::default())
    }
    fn visit_f64<E>(self, _: f64) -> Result<ActorScan<'de>, E> {
        Ok(ActorScan::default())
    }
    fn visit_str<E>(self, _: &str) -> Result<ActorScan<'de>, E> {
        Ok(ActorScan::default())
    }
    fn visit_unit<E>(self) -> Result<ActorScan<'de>, E> {
        Ok(ActorScan::default())
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<ActorScan<'de>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(ActorScan::default())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ActorScan<'de>, A::Error> {
        let mut a = ActorScan::default();
        let mut seen = Keys::default();
        while let Some(key) = map.next_key_seed(Key)? {
            let v: &'de RawValue = map.next_value()?;
            match key.as_ref() {
                "kind" => a.kind = Some(v),
                "name" => a.name = Some(v),
                _ => {}
            }
            seen.push(key);
        }
        a.dup = seen.repeats();
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
    fn repeated_keys_are_found_few_or_many() {
        let keys = |names: &[String]| {
            let mut k = Keys::default();
            for n in names {
                k.push(Cow::Owned(n.clone()));
            }
            k.repeats()
        };
        for n in [2, 10, 32, 33, 500] {
            let mut names: Vec<String> = (0..n).map(|i| format!("k{i}")).collect();
            assert!(!keys(&names), "{n}");
            names.push(format!("k{}", n / 2));
            assert!(keys(&names), "{n}");
        }
        assert!(!keys(&[]));
    }

    #[test]
    fn raw_strings_unescape_and_others_are_none() {
        let raw = |s: &str| serde_json::from_str::<Box<RawValue>>(s).ok();
        let plain = raw(r#""ai""#);
        let escaped = raw(r#""a\u0069""#);
        let number = raw("1");
        assert_eq!(plain.as_deref().and_then(raw_str).as_deref(), Some("ai"));
        assert_eq!(escaped.as_deref().and_then(raw_str).as_deref(), Some("ai"));
        assert_eq!(number.as_deref().and_then(raw_str), None);
    }
}
