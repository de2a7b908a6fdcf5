//! The fast path: one line of §7 JSON parsed straight into an [`In`],
//! borrowing its strings, with no `Value`s. It takes only simple valid
//! mutations (no escapes, scalar values, no repeated or unknown keys) and
//! fails on anything else without saying why: the `Value` path then parses
//! the line and gives the message, so results never depend on this path.

use super::borrowed::{normalize, Entries, In, J};
use crate::table::{ActorKind, Event};
use serde::de::{self, DeserializeSeed, MapAccess, Visitor};
use std::fmt;

/// Any failure: the slow path will say what it is.
fn fail<E: de::Error>() -> E {
    E::custom("")
}

pub(super) struct TopVisitor<'a, 'm> {
    pub(super) into: &'a mut In<'m>,
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
