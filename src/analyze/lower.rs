//! Lowering conditions to regions. `not` is pushed to the atoms (De Morgan),
//! and a negated atom is the complement of its set within the variable's
//! domain, so `not (F == v)` includes the empty value. `new F` splits on
//! `changed(F)`: changed, it reads the proposed value; unchanged, the
//! current one. A relative date (`F before N days ago`) is a difference
//! constraint between `F` and the mutation's `at` ([`Var::At`] for a
//! datetime, its UTC day [`Var::AtDay`] for a date), exactly as the
//! evaluator compares them, so the analysis holds at every mutation time.

use super::algebra::num::{Bound, Interval, NumSet};
use super::algebra::text::{PatKind, TextSet};
use super::algebra::zone::{Diff, SECS_PER_DAY};
use super::algebra::{and, Con, Cube, Dom, Region, Var, EMPTY, F, HIST_KINDS, HIST_NEVER, T};
use crate::check::model::{CmpOp, Cond, Event, FieldId, FieldType, Subject, Test, Value};
use crate::decimal::Decimal;

/// The `at` of a witness whose conditions do not read it
/// ([`super::algebra::calendar::AT_SECS`]).
pub const AT_TEXT: &str = "2026-01-01T00:00:00Z";

/// The event bits of `Var::Event` (an event is never empty).
pub const EV_CREATE: u8 = 1;
pub const EV_UPDATE: u8 = 2;
pub const EV_DELETE: u8 = 4;
const EV_ALL: u8 = EV_CREATE | EV_UPDATE | EV_DELETE;

pub fn lower(dom: &Dom<'_>, cond: &Cond, pos: bool) -> Region {
    match cond {
        Cond::True => {
            if pos {
                vec![Cube::top()]
            } else {
                vec![]
            }
        }
        Cond::False => {
            if pos {
                vec![]
            } else {
                vec![Cube::top()]
            }
        }
        Cond::Not(c) => lower(dom, c, !pos),
        Cond::And(cs) | Cond::Or(cs) => {
            let conj = matches!(cond, Cond::And(_)) == pos;
            if conj {
                let mut acc = vec![Cube::top()];
                for c in cs {
                    let r = lower(dom, c, pos);
                    acc = super::algebra::and(&acc, &r);
                    if acc.is_empty() {
                        break;
                    }
                    if acc.len() > 32 {
                        acc = dom.prune(acc);
                    }
                }
                acc
            } else {
                cs.iter().flat_map(|c| lower(dom, c, pos)).collect()
            }
        }
        Cond::Changed { field, .. } => changed(*field, pos),
        Cond::Atom { subject, test, .. } => atom(dom, subject, test, pos),
        Cond::SetBy {
            field,
            kind,
            name,
            within,
            ..
        } => set_by(dom, *field, kind.as_str(), name.as_deref(), *within, pos),
    }
}

/// `HistKind(f)` within `kinds`.
fn kind_in(f: FieldId, kinds: &[&str]) -> Cube {
    Cube::single(
        Var::HistKind(f),
        Con::Text(TextSet::of(kinds.iter().map(|k| k.to_string()))),
    )
}

/// The kinds of a written field (every value of `HistKind` but never).
const WRITTEN: [&str; 3] = ["ai", "human", "integration"];

/// `F set by KIND ["name"] [within N]` (or its negation), exactly: the
/// kind, then the name, then `at - N <= HistAt` (a difference with the
/// clock, as relative dates are).
fn set_by(
    dom: &Dom<'_>,
    f: FieldId,
    kind: &str,
    name: Option<&str>,
    within: Option<i64>,
    pos: bool,
) -> Region {
    let name_is = |n: &str, yes: bool| {
        let set = Con::Text(TextSet::of([n.to_string()]));
        let con = if yes {
            set
        } else {
            set.complement_in(&dom.base(&Var::HistName(f)))
        };
        Cube::single(Var::HistName(f), con)
    };
    let recent = |yes: bool| {
        let at = dom.base(&Var::HistAt(f));
        let n = i128::from(within.unwrap_or(0));
        // at - HistAt <= N, or its negation HistAt - at <= -N - 1
        let d = if yes {
            Diff::new(Var::At, Var::HistAt(f), n)
        } else {
            Diff::new(Var::HistAt(f), Var::At, -n - 1)
        };
        Cube::with_diff(Var::HistAt(f), at, d)
    };
    let this = kind_in(f, &[kind]);
    if pos {
        let mut c = this;
        if let Some(n) = name {
            c = c.intersect(&name_is(n, true)).unwrap_or_default();
        }
        if within.is_some() {
            c = c.intersect(&recent(true)).unwrap_or_default();
        }
        return vec![c];
    }
    let others: Vec<&str> = HIST_KINDS.iter().copied().filter(|k| *k != kind).collect();
    let mut out = vec![kind_in(f, &others)];
    let mut named = this;
    if let Some(n) = name {
        out.extend(named.intersect(&name_is(n, false)));
        named = named.intersect(&name_is(n, true)).unwrap_or_default();
    }
    if within.is_some() {
        out.extend(named.intersect(&recent(false)));
    }
    out
}

/// `changed(F)` (or its negation): F is in `changes` of a create or an
/// update. A delete changes no field (the evaluator refuses a delete with
/// field values), so on a delete `changed(F)` is false and `new F` reads
/// the current value, whatever the free `Changed` variable says.
pub fn changed(f: FieldId, pos: bool) -> Region {
    if pos {
        let write = Cube::single(Var::Event, Con::Bits(EV_CREATE | EV_UPDATE));
        Cube::single(Var::Changed(f), Con::Bits(T))
            .intersect(&write)
            .into_iter()
            .collect()
    } else {
        vec![
            Cube::single(Var::Changed(f), Con::Bits(F)),
            Cube::single(Var::Event, Con::Bits(EV_DELETE)),
        ]
    }
}

fn atom(dom: &Dom<'_>, subject: &Subject, test: &Test, pos: bool) -> Region {
    let direct = |var: Var| -> Region {
        if let Some(r) = relative(dom, &var, test, pos) {
            return r;
        }
        vec![match pattern(test) {
            Some((kind, text)) => {
                let text = pattern_text(dom, &var, text);
                Cube::single(
                    Var::Pat(Box::new(var), kind, text),
                    Con::Bits(if pos { T } else { F }),
                )
            }
            None => {
                let base = dom.base(&var);
                let set = test_set(dom, &var, test);
                let con = if pos {
                    set.intersect(&base)
                } else {
                    set.complement_in(&base)
                };
                Cube::single(var, con)
            }
        }]
    };
    // On create there is no current record: the record as it would be
    // created is `record` overlaid with `changes`, so bare `F` reads like
    // `new F` (decisions 1). Update and delete read the current value.
    let proposed = |f: FieldId| -> Region {
        let mut out = and(&changed(f, true), &direct(Var::New(f)));
        out.extend(and(&changed(f, false), &direct(Var::Field(f))));
        out
    };
    match subject {
        Subject::Field(f) => {
            let create = [Cube::single(Var::Event, Con::Bits(EV_CREATE))];
            let other = [Cube::single(Var::Event, Con::Bits(EV_UPDATE | EV_DELETE))];
            let mut out = and(&proposed(*f), &create);
            out.extend(and(&other, &direct(Var::Field(*f))));
            out
        }
        Subject::Parent { relation, field } => direct(Var::Parent(relation.clone(), *field)),
        Subject::Confidence => direct(Var::Confidence),
        Subject::Source => direct(Var::Source),
        Subject::Event => direct(Var::Event),
        Subject::New(f) => proposed(*f),
        // written: the test on the source; never written: the test on the
        // empty value, which only `is empty` passes
        Subject::HistSource(f) => {
            let mut out = and(&[kind_in(*f, &WRITTEN)], &direct(Var::HistSource(*f)));
            if (*test == Test::IsEmpty) == pos {
                out.push(kind_in(*f, &[HIST_NEVER]));
            }
            out
        }
    }
}

/// `F before N days ago` / `F after N days ago` on a date or datetime
/// variable, as the evaluator decides it: a date against the UTC day of
/// `at` minus N, a datetime against `at` minus N·86400 seconds; strict
/// both ways, false on the empty value. Its negation is "empty, or the
/// negated difference". `None` for any other test (or a non-temporal
/// variable, which the checker rejects).
fn relative(dom: &Dom<'_>, var: &Var, test: &Test, pos: bool) -> Option<Region> {
    let (before, n) = match test {
        Test::BeforeDaysAgo(n) => (true, *n),
        Test::AfterDaysAgo(n) => (false, *n),
        _ => return None,
    };
    let (clock, unit) = match dom.ty(var) {
        Some(FieldType::Date) => (Var::AtDay, 1),
        Some(FieldType::Datetime) => (Var::At, i128::from(SECS_PER_DAY)),
        _ => return None,
    };
    // the evaluator saturates `at - N days`; every value here is bounded,
    // so exact (clamped) arithmetic gives the same answers
    let edge = i128::from(n) * unit;
    let diff = if before {
        // F < clock - edge
        Diff::new(var.clone(), clock, -edge - 1)
    } else {
        // F > clock - edge
        Diff::new(clock, var.clone(), edge - 1)
    };
    let base = dom.base(var);
    let set = test_set(dom, var, &Test::IsSet).intersect(&base);
    Some(if pos {
        vec![Cube::with_diff(var.clone(), set, diff)]
    } else {
        let empty = test_set(dom, var, &Test::IsEmpty).intersect(&base);
        vec![
            Cube::single(var.clone(), empty),
            Cube::with_diff(var.clone(), set, diff.negate()),
        ]
    })
}

fn pattern(test: &Test) -> Option<(PatKind, &str)> {
    match test {
        Test::StartsWith(s) => Some((PatKind::StartsWith, s)),
        Test::EndsWith(s) => Some((PatKind::EndsWith, s)),
        Test::Contains(s) => Some((PatKind::Contains, s)),
        _ => None,
    }
}

/// A string literal as the evaluator compares it (decisions 2, 3): email
/// and url lowercased; email, url, phone, id, ref, picklist trimmed; a
/// multipicklist's items trimmed, deduplicated and sorted (it is a set);
/// `string` exact. `None`: the literal is the empty value.
fn literal(dom: &Dom<'_>, var: &Var, s: &str) -> Option<String> {
    let out = match dom.ty(var) {
        Some(FieldType::String) | None => s.to_string(),
        Some(FieldType::Email | FieldType::Url) => s.trim().to_lowercase(),
        Some(FieldType::Multipicklist(_)) => {
            let mut items: Vec<&str> = s
                .split(';')
                .map(str::trim)
                .filter(|i| !i.is_empty())
                .collect();
            items.sort_unstable();
            items.dedup();
            items.join(";")
        }
        Some(_) => s.trim().to_string(),
    };
    (!out.is_empty()).then_some(out)
}

/// A pattern's text as the evaluator matches it: lowercased for email and
/// url (their values are lowercased), as written otherwise (a pattern is
/// part of a value, so it is not trimmed).
fn pattern_text(dom: &Dom<'_>, var: &Var, s: &str) -> String {
    match dom.ty(var) {
        Some(FieldType::Email | FieldType::Url) => s.to_lowercase(),
        _ => s.to_string(),
    }
}

fn num(v: &Value) -> Option<Decimal> {
    match v {
        Value::Num(d) => Some(*d),
        Value::Date(d) | Value::Datetime(d) => Some(Decimal::from_int(*d)),
        _ => None,
    }
}

fn bound(v: Decimal, closed: bool) -> Option<Bound> {
    Some(Bound { value: v, closed })
}

/// The non-empty values (or the empty value) that pass `test`.
fn test_set(dom: &Dom<'_>, var: &Var, test: &Test) -> Con {
    let base = dom.base(var);
    let integral = matches!(&base, Con::Num(n) if n.integral);
    let none = match &base {
        Con::Num(_) => Con::Num(NumSet::new(vec![], false, integral)),
        Con::Text(_) => Con::Text(TextSet::of(Vec::<String>::new())),
        Con::Bits(_) => Con::Bits(0),
    };
    if *var == Var::Event {
        return Con::Bits(event_set(var, test));
    }
    match test {
        Test::IsEmpty => match &base {
            Con::Num(_) => Con::Num(NumSet::new(vec![], true, integral)),
            Con::Text(_) => Con::Text(TextSet {
                vals: super::algebra::text::Vals::In(Default::default()),
                empty: true,
            }),
            Con::Bits(_) => Con::Bits(EMPTY),
        },
        Test::IsSet => match &base {
            Con::Num(_) => Con::Num(NumSet::new(vec![Interval::ALL], false, integral)),
            Con::Text(_) => Con::Text(TextSet::any(false)),
            Con::Bits(b) => Con::Bits(b & !EMPTY),
        },
        Test::IsTrue => Con::Bits(T),
        Test::Cmp(op, v) => match (&base, v) {
            (Con::Num(_), _) => {
                let Some(d) = num(v) else { return none };
                let iv = match op {
                    CmpOp::Eq => vec![Interval::point(d)],
                    CmpOp::Ne => vec![
                        Interval {
                            lo: None,
                            hi: bound(d, false),
                        },
                        Interval {
                            lo: bound(d, false),
                            hi: None,
                        },
                    ],
                    CmpOp::Lt => vec![Interval {
                        lo: None,
                        hi: bound(d, false),
                    }],
                    CmpOp::Le => vec![Interval {
                        lo: None,
                        hi: bound(d, true),
                    }],
                    CmpOp::Gt => vec![Interval {
                        lo: bound(d, false),
                        hi: None,
                    }],
                    CmpOp::Ge => vec![Interval {
                        lo: bound(d, true),
                        hi: None,
                    }],
                };
                Con::Num(NumSet::new(iv, false, integral))
            }
            (Con::Text(_), Value::Str(s)) => match (op, literal(dom, var, s)) {
                // `F == ""` is `F is empty`, `F != ""` is `F is set`
                (CmpOp::Eq, None) => test_set(dom, var, &Test::IsEmpty),
                (CmpOp::Ne, None) => test_set(dom, var, &Test::IsSet),
                (CmpOp::Eq, Some(s)) => Con::Text(TextSet::of([s])),
                (CmpOp::Ne, Some(s)) => Con::Text(TextSet {
                    vals: super::algebra::text::Vals::NotIn(std::sync::Arc::new([s].into())),
                    empty: false,
                }),
                // ordering on strings is not in the language; all non-empty
                _ => Con::Text(TextSet::any(false)),
            },
            (Con::Bits(_), _) => {
                let bit = bits_of(var, v);
                match op {
                    CmpOp::Eq => Con::Bits(bit),
                    _ => Con::Bits(!bit & !EMPTY & 7),
                }
            }
            _ => none,
        },
        Test::In { values, negated } => {
            let set = match &base {
                Con::Num(_) => Con::Num(NumSet::new(
                    values.iter().filter_map(num).map(Interval::point).collect(),
                    false,
                    integral,
                )),
                Con::Text(_) => {
                    let strs: Vec<Option<String>> = values
                        .iter()
                        .filter_map(|v| match v {
                            Value::Str(s) => Some(literal(dom, var, s)),
                            _ => None,
                        })
                        .collect();
                    // `""` in the list is the empty value (decisions 2);
                    // `not in` is "set and none of these" either way
                    let has_empty = strs.iter().any(Option::is_none);
                    let mut t = TextSet::of(strs.into_iter().flatten());
                    t.empty = has_empty && !*negated;
                    Con::Text(t)
                }
                Con::Bits(_) => Con::Bits(values.iter().fold(0, |b, v| b | bits_of(var, v))),
            };
            if *negated {
                // non-empty and not in the list
                let non_empty = test_set(dom, var, &Test::IsSet);
                set.complement_in(&non_empty)
            } else {
                set
            }
        }
        // relative dates on dates and datetimes are differences
        // ([`relative`]); on anything else nothing passes
        Test::BeforeDaysAgo(_) | Test::AfterDaysAgo(_) => none,
        // patterns are handled as pattern variables
        Test::StartsWith(_) | Test::EndsWith(_) | Test::Contains(_) => none,
    }
}

/// The events that pass `test`. Events have no empty value, so `!=` and
/// `not in` are plain complements (the bool encoding's empty bit is
/// `delete` here).
fn event_set(var: &Var, test: &Test) -> u8 {
    match test {
        Test::IsEmpty => 0,
        Test::IsSet => EV_ALL,
        Test::Cmp(CmpOp::Eq, v) => bits_of(var, v),
        Test::Cmp(CmpOp::Ne, v) => EV_ALL & !bits_of(var, v),
        Test::In { values, negated } => {
            let b = values.iter().fold(0, |b, v| b | bits_of(var, v));
            if *negated {
                EV_ALL & !b
            } else {
                b
            }
        }
        // no ordering, patterns or dates on events: nothing passes
        _ => 0,
    }
}

fn bits_of(var: &Var, v: &Value) -> u8 {
    match (var, v) {
        (_, Value::Bool(true)) => T,
        (_, Value::Bool(false)) => F,
        (Var::Event, Value::Event(e)) => match e {
            Event::Create => EV_CREATE,
            Event::Update => EV_UPDATE,
            Event::Delete => EV_DELETE,
        },
        _ => 0,
    }
}

/// Whether a condition reads relative dates, absolute dates, or patterns
/// (for notes on approximate findings).
#[derive(Default, Clone, Copy, Debug)]
pub struct Uses {
    pub relative_dates: bool,
    pub absolute_dates: bool,
    pub patterns: bool,
}

pub fn uses(cond: &Cond, acc: &mut Uses) {
    match cond {
        Cond::And(cs) | Cond::Or(cs) => cs.iter().for_each(|c| uses(c, acc)),
        Cond::Not(c) => uses(c, acc),
        Cond::SetBy {
            within: Some(_), ..
        } => acc.relative_dates = true,
        Cond::Atom { test, .. } => match test {
            Test::BeforeDaysAgo(_) | Test::AfterDaysAgo(_) => acc.relative_dates = true,
            Test::StartsWith(_) | Test::EndsWith(_) => acc.patterns = true,
            Test::Contains(_) => acc.patterns = true,
            Test::Cmp(_, Value::Date(_) | Value::Datetime(_)) => acc.absolute_dates = true,
            Test::In { values, .. }
                if values
                    .iter()
                    .any(|v| matches!(v, Value::Date(_) | Value::Datetime(_))) =>
            {
                acc.absolute_dates = true
            }
            _ => {}
        },
        _ => {}
    }
}

/// Adds the fields of the condition's own object it reads (current or
/// new value, or `changed`) to `acc`.
pub fn fields_read(cond: &Cond, acc: &mut std::collections::BTreeSet<FieldId>) {
    match cond {
        Cond::And(cs) | Cond::Or(cs) => cs.iter().for_each(|c| fields_read(c, acc)),
        Cond::Not(c) => fields_read(c, acc),
        Cond::Changed { field, .. } => {
            acc.insert(*field);
        }
        Cond::Atom {
            subject: Subject::Field(f) | Subject::New(f),
            ..
        } => {
            acc.insert(*f);
        }
        Cond::Atom { .. } | Cond::SetBy { .. } | Cond::True | Cond::False => {}
    }
}
