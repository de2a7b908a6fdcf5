//! The reference interpreter: language-v1 §5.3 evaluated directly on the
//! checked model, for differential testing against `crmc-eval`.
//!
//! Written for clarity, not speed. It walks [`Cond`] trees, looks fields up by
//! [`FieldId`] and reads the mutation's JSON by field name on every access. It
//! shares no evaluation code with `crmc-eval` (only the input and output
//! types: [`Mutation`] and [`Decision`]), so `tests/differential.rs` can
//! compare the two on random units and mutations.
//!
//! Semantics (the spec, plus the choices documented in the `crmc-eval` crate
//! doc where the spec is silent):
//! - Three-valued logic. `null` is empty; a record key the input lacks is
//!   unknown on update/delete and empty on create; a parent the input lacks
//!   is unknown unless the record's ref field is empty (then it has no
//!   parent: its fields are empty); a parent field missing from a supplied
//!   parent, a missing `source` or `confidence` are unknown; a value of the
//!   wrong JSON type for its field is unknown (but *set*).
//! - Numbers compare exactly (as decimals) when both sides are plain
//!   decimals, so `-0.0` equals `0`.
//! - A rule whose condition is unknown contributes `max(review, outcome)` and
//!   the search goes on; the rule reported is the one that held unless an
//!   unknown rule raised the outcome above it; when no rule holds, the field
//!   is `never` and no rule is reported.
//! - Missing confidence with thresholds is below every threshold.
//! - A change to a name the schema lacks is `never`, contract `null`.
//! - A delete is decided by the `*` rules, as the pseudo-field `*`.
//! - Ties between contracts go to the first by name.

use crate::check::model::{
    Actor, ActorKind, Approver, AuditField, CheckedUnit, CmpOp, Cond, Contract, Event, FieldId,
    FieldType, Mode, ObjectId, Outcome, Rule, Subject, Test, Trigger, Value as Const,
};
use crate::decimal::Decimal;
use crmc_eval::{
    ApprovalNeed, AuditEntry, Decision, EvalError, FieldDecision, Mutation, RollbackEntry,
};
use serde_json::Value as Json;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

const DAY: i64 = 86_400;

// ---------------------------------------------------------------- truth

/// Kleene truth.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Truth {
    No,
    Maybe,
    Yes,
}

impl Truth {
    fn of(b: bool) -> Truth {
        if b {
            Truth::Yes
        } else {
            Truth::No
        }
    }
}

fn all(ts: impl IntoIterator<Item = Truth>) -> Truth {
    let mut acc = Truth::Yes;
    for t in ts {
        acc = match (acc, t) {
            (Truth::No, _) | (_, Truth::No) => Truth::No,
            (Truth::Yes, Truth::Yes) => Truth::Yes,
            _ => Truth::Maybe,
        };
    }
    acc
}

fn any(ts: impl IntoIterator<Item = Truth>) -> Truth {
    let mut acc = Truth::No;
    for t in ts {
        acc = match (acc, t) {
            (Truth::Yes, _) | (_, Truth::Yes) => Truth::Yes,
            (Truth::No, Truth::No) => Truth::No,
            _ => Truth::Maybe,
        };
    }
    acc
}

fn not(t: Truth) -> Truth {
    match t {
        Truth::No => Truth::Yes,
        Truth::Maybe => Truth::Maybe,
        Truth::Yes => Truth::No,
    }
}

// ---------------------------------------------------------------- values

/// What an atom reads.
#[derive(Clone, Debug, PartialEq)]
enum Reading<'m> {
    /// The input does not carry it.
    Missing,
    /// `null` (or absent on create).
    Empty,
    /// Present but not a value of the field's type (the type's name).
    Invalid(&'static str),
    Known(Val<'m>),
}

#[derive(Clone, Debug, PartialEq)]
enum Val<'m> {
    Text(&'m str),
    Number(Num),
    Flag(bool),
    /// Days since the epoch.
    Day(i64),
    /// Seconds since the epoch.
    Instant(i64),
    Items(BTreeSet<&'m str>),
    Event(Event),
}

/// A JSON number. Numbers compare as the 64-bit floats JSON parses to, as
/// the evaluator documents (exact for integers up to 2^53 and for decimals
/// of up to 15 significant digits); literals likewise.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Num {
    float: f64,
}

impl Num {
    fn of_json(n: &serde_json::Number) -> Option<Num> {
        Some(Num { float: n.as_f64()? })
    }
    fn cmp_const(self, c: Decimal) -> Option<Ordering> {
        self.float.partial_cmp(&c.to_f64())
    }
}

fn items_of_text(s: &str) -> BTreeSet<&str> {
    s.split(';')
        .map(str::trim)
        .filter(|i| !i.is_empty())
        .collect()
}

/// `YYYY-MM-DD` to days since 1970-01-01.
fn date(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = s.get(r)?;
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let month_len = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if d < 1 || d > month_len {
        return None;
    }
    // Count days from 1970-01-01 by whole years, then months.
    let year_days = |y: i64| {
        if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 {
            366
        } else {
            365
        }
    };
    let mut days: i64 = 0;
    if y >= 1970 {
        for yy in 1970..y {
            days += year_days(yy);
        }
    } else {
        for yy in y..1970 {
            days -= year_days(yy);
        }
    }
    const CUM: [i64; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
    days += CUM[(m - 1) as usize] + if leap && m > 2 { 1 } else { 0 };
    Some(days + d - 1)
}

/// RFC 3339 (`T`, `t` or a space between date and time; `Z`, `z` or
/// `±HH:MM`; fractions dropped toward the past) to seconds since the epoch.
fn instant(s: &str) -> Option<i64> {
    let day = date(s.get(0..10)?)?;
    if !matches!(s.as_bytes().get(10), Some(b'T' | b't' | b' ')) {
        return None;
    }
    let rest = s.get(11..)?;
    let two = |t: &str| -> Option<i64> {
        if t.len() == 2 && t.bytes().all(|c| c.is_ascii_digit()) {
            t.parse().ok()
        } else {
            None
        }
    };
    let (h, mi, sec) = (
        two(rest.get(0..2)?)?,
        two(rest.get(3..5)?)?,
        two(rest.get(6..8)?)?,
    );
    if rest.get(2..3)? != ":" || rest.get(5..6)? != ":" || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let mut tail = rest.get(8..)?;
    if let Some(frac) = tail.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        tail = frac.get(n..)?;
    }
    let offset = if tail == "Z" || tail == "z" {
        0
    } else {
        let sign = match tail.get(0..1)? {
            "+" => 1,
            "-" => -1,
            _ => return None,
        };
        if tail.len() != 6 || tail.get(3..4)? != ":" {
            return None;
        }
        let (oh, om) = (two(tail.get(1..3)?)?, two(tail.get(4..6)?)?);
        if oh > 23 || om > 59 {
            return None;
        }
        sign * (oh * 3600 + om * 60)
    };
    Some(day * DAY + h * 3600 + mi * 60 + sec - offset)
}

/// Reads a JSON value as a value of a field of type `ty`.
fn read<'m>(ty: &FieldType, v: &'m Json) -> Reading<'m> {
    if v.is_null() {
        return Reading::Empty;
    }
    let val = match ty {
        FieldType::Bool => v.as_bool().map(Val::Flag),
        t if t.is_numeric() => match v {
            Json::Number(n) => Num::of_json(n).map(Val::Number),
            _ => None,
        },
        FieldType::Date => v
            .as_str()
            .and_then(|s| date(s).or_else(|| instant(s).map(|t| t.div_euclid(DAY))))
            .map(Val::Day),
        FieldType::Datetime => v
            .as_str()
            .and_then(|s| instant(s).or_else(|| date(s).map(|d| d * DAY)))
            .map(Val::Instant),
        FieldType::Multipicklist(_) => match v {
            Json::String(s) => Some(Val::Items(items_of_text(s))),
            Json::Array(xs) => xs
                .iter()
                .map(Json::as_str)
                .collect::<Option<BTreeSet<&str>>>()
                .map(Val::Items),
            _ => None,
        },
        // id, text, picklist, ref
        _ => v.as_str().map(Val::Text),
    };
    match val {
        Some(v) => Reading::Known(v),
        None => Reading::Invalid(ty.name()),
    }
}

/// Orders a value against a constant; `None` when they do not compare.
fn order(v: &Val<'_>, c: &Const) -> Option<Ordering> {
    match (v, c) {
        (Val::Text(a), Const::Str(b)) => Some((*a).cmp(b.as_str())),
        (Val::Number(a), Const::Num(b)) => a.cmp_const(*b),
        (Val::Flag(a), Const::Bool(b)) => Some(a.cmp(b)),
        (Val::Day(a), Const::Date(b)) => Some(a.cmp(b)),
        // A date is its day's midnight (UTC) against a datetime.
        (Val::Day(a), Const::Datetime(b)) => Some((a * DAY).cmp(b)),
        (Val::Instant(a), Const::Datetime(b)) => Some(a.cmp(b)),
        (Val::Instant(a), Const::Date(b)) => Some(a.div_euclid(DAY).cmp(b)),
        (Val::Event(a), Const::Event(b)) => Some(a.cmp(b)),
        _ => None,
    }
}

/// Equality of a value and a constant; a multipicklist equals `"A;B"` when
/// the item sets agree.
fn equals(v: &Val<'_>, c: &Const) -> Option<bool> {
    match (v, c) {
        (Val::Items(items), Const::Str(s)) => Some(*items == items_of_text(s)),
        _ => order(v, c).map(|o| o == Ordering::Equal),
    }
}

fn apply(test: &Test, r: &Reading<'_>, at: i64) -> Truth {
    let v = match r {
        Reading::Missing => return Truth::Maybe,
        Reading::Invalid(_) => {
            return match test {
                Test::IsEmpty => Truth::No,
                Test::IsSet => Truth::Yes,
                _ => Truth::Maybe,
            }
        }
        Reading::Empty => return Truth::of(*test == Test::IsEmpty),
        Reading::Known(v) => v,
    };
    match test {
        Test::IsEmpty => Truth::No,
        Test::IsSet => Truth::Yes,
        Test::IsTrue => match v {
            Val::Flag(b) => Truth::of(*b),
            _ => Truth::Maybe,
        },
        Test::Cmp(op, c) => {
            if let (Val::Items(_), CmpOp::Eq | CmpOp::Ne) = (v, op) {
                return match equals(v, c) {
                    Some(eq) => Truth::of(eq == (*op == CmpOp::Eq)),
                    None => Truth::Maybe,
                };
            }
            if matches!(v, Val::Items(_)) {
                return Truth::Maybe;
            }
            match order(v, c) {
                None => Truth::Maybe,
                Some(o) => Truth::of(match op {
                    CmpOp::Eq => o.is_eq(),
                    CmpOp::Ne => o.is_ne(),
                    CmpOp::Lt => o.is_lt(),
                    CmpOp::Le => o.is_le(),
                    CmpOp::Gt => o.is_gt(),
                    CmpOp::Ge => o.is_ge(),
                }),
            }
        }
        Test::In { values, negated } => {
            let found = values.iter().any(|c| equals(v, c) == Some(true));
            Truth::of(found != *negated)
        }
        Test::StartsWith(s) | Test::EndsWith(s) | Test::Contains(s) => match (v, test) {
            (Val::Text(x), Test::StartsWith(_)) => Truth::of(x.starts_with(s.as_str())),
            (Val::Text(x), Test::EndsWith(_)) => Truth::of(x.ends_with(s.as_str())),
            (Val::Text(x), _) => Truth::of(x.contains(s.as_str())),
            (Val::Items(items), Test::Contains(_)) => Truth::of(items.contains(s.as_str())),
            _ => Truth::Maybe,
        },
        Test::BeforeDaysAgo(n) | Test::AfterDaysAgo(n) => {
            let o = match v {
                Val::Day(d) => d.cmp(&(at.div_euclid(DAY) - n)),
                Val::Instant(t) => t.cmp(&(at - n * DAY)),
                _ => return Truth::Maybe,
            };
            Truth::of(if matches!(test, Test::BeforeDaysAgo(_)) {
                o.is_lt()
            } else {
                o.is_gt()
            })
        }
    }
}

// ---------------------------------------------------------------- the mutation against the schema

struct World<'u, 'm> {
    unit: &'u CheckedUnit,
    object: ObjectId,
    m: &'m Mutation,
    event: Event,
}

impl<'u, 'm> World<'u, 'm> {
    fn name(&self, f: FieldId) -> &'u str {
        &self.unit.schema.field(f).name
    }

    fn current(&self, f: FieldId) -> Reading<'m> {
        match self.m.record.get(self.name(f)) {
            Some(v) => read(&self.unit.schema.field(f).ty, v),
            None if self.event == Event::Create => Reading::Empty,
            None => Reading::Missing,
        }
    }

    fn changed(&self, f: FieldId) -> bool {
        self.m.changes.contains_key(self.name(f))
    }

    fn proposed(&self, f: FieldId) -> Reading<'m> {
        match self.m.changes.get(self.name(f)) {
            Some(v) => read(&self.unit.schema.field(f).ty, v),
            None => self.current(f),
        }
    }

    fn parent_given(&self, relation: &str) -> Option<&'m serde_json::Map<String, Json>> {
        self.m.parents.get(relation).and_then(Json::as_object)
    }

    fn parent(&self, relation: &str, f: FieldId) -> Reading<'m> {
        if let Some(p) = self.parent_given(relation) {
            return match p.get(self.name(f)) {
                Some(v) => read(&self.unit.schema.field(f).ty, v),
                None => Reading::Missing,
            };
        }
        match self.unit.schema.relation(self.object, relation) {
            Some(rel) if self.current(rel.via) == Reading::Empty => Reading::Empty,
            _ => Reading::Missing,
        }
    }

    fn subject(&self, s: &Subject) -> Reading<'m> {
        match s {
            Subject::Field(f) => self.current(*f),
            Subject::New(f) => self.proposed(*f),
            Subject::Parent { relation, field } => self.parent(relation, *field),
            Subject::Confidence => match self.m.confidence {
                Some(c) => match serde_json::Number::from_f64(c).and_then(|n| Num::of_json(&n)) {
                    Some(n) => Reading::Known(Val::Number(n)),
                    None => Reading::Missing,
                },
                None => Reading::Missing,
            },
            Subject::Source => match &self.m.source {
                Some(s) => Reading::Known(Val::Text(s)),
                None => Reading::Missing,
            },
            Subject::Event => Reading::Known(Val::Event(self.event)),
        }
    }

    fn truth(&self, c: &Cond) -> Truth {
        match c {
            Cond::True => Truth::Yes,
            Cond::False => Truth::No,
            Cond::And(cs) => all(cs.iter().map(|c| self.truth(c))),
            Cond::Or(cs) => any(cs.iter().map(|c| self.truth(c))),
            Cond::Not(c) => not(self.truth(c)),
            Cond::Changed { field, .. } => Truth::of(self.changed(*field)),
            Cond::Atom { subject, test, .. } => apply(test, &self.subject(subject), self.m.at),
        }
    }

    /// What the input lacks: one phrase per unknown atom, in source order.
    fn lacking(&self, c: &Cond, out: &mut Vec<String>) {
        match c {
            Cond::And(cs) | Cond::Or(cs) => cs.iter().for_each(|c| self.lacking(c, out)),
            Cond::Not(c) => self.lacking(c, out),
            Cond::Atom { subject, test, .. } => {
                let r = self.subject(subject);
                if apply(test, &r, self.m.at) == Truth::Maybe {
                    let invalid = match r {
                        Reading::Invalid(t) => format!(" (not a valid {t})"),
                        _ => String::new(),
                    };
                    let phrase = match subject {
                        Subject::Field(f) => format!("record field `{}`{invalid}", self.name(*f)),
                        Subject::New(f) => format!("new value of `{}`{invalid}", self.name(*f)),
                        Subject::Parent { relation, field } => {
                            if self.parent_given(relation).is_some() {
                                format!("parent field `{relation}.{}`{invalid}", self.name(*field))
                            } else {
                                format!("parent `{relation}`")
                            }
                        }
                        Subject::Confidence => "`confidence`".to_string(),
                        Subject::Source => "`source`".to_string(),
                        Subject::Event => "`event`".to_string(),
                    };
                    if !out.contains(&phrase) {
                        out.push(phrase);
                    }
                }
            }
            Cond::True | Cond::False | Cond::Changed { .. } => {}
        }
    }

    fn missing(&self, c: &Cond) -> String {
        let mut out = Vec::new();
        self.lacking(c, &mut out);
        out.join(", ")
    }
}

// ---------------------------------------------------------------- deciding

fn to_eval(o: Outcome) -> crmc_eval::Outcome {
    match o {
        Outcome::Auto => crmc_eval::Outcome::Auto,
        Outcome::Review => crmc_eval::Outcome::Review,
        Outcome::Escalate => crmc_eval::Outcome::Escalate,
        Outcome::Suggest => crmc_eval::Outcome::Suggest,
        Outcome::Never => crmc_eval::Outcome::Never,
    }
}

fn word(o: Outcome) -> &'static str {
    to_eval(o).as_str()
}

/// A number as the evaluator's JSON prints it.
fn number_text(x: f64) -> String {
    serde_json::Number::from_f64(x).map_or_else(|| x.to_string(), |n| n.to_string())
}

/// What one change is about.
#[derive(Clone, Copy)]
enum What {
    Field(FieldId),
    /// A name the object lacks.
    Stranger,
    /// The whole record, on delete.
    Record,
}

/// One contract's say on one target.
struct Say {
    outcome: Outcome,
    rule: Option<String>,
    /// Outcome and route of the rule reported.
    rule_outcome: Outcome,
    route: Option<Approver>,
    reasons: Vec<String>,
}

/// One applicable contract and its say on every target.
struct Governing<'u> {
    contract: &'u Contract,
    says: Vec<Say>,
}

/// Decides one mutation against a checked unit. Errs when the mutation names
/// an object the schema lacks.
pub fn decide(unit: &CheckedUnit, m: &Mutation) -> Result<Decision, EvalError> {
    let object = unit
        .schema
        .object_by_name(&m.object)
        .ok_or_else(|| EvalError::new(format!("unknown object `{}`", m.object)))?;
    let event = match m.event.as_str() {
        "create" => Event::Create,
        "update" => Event::Update,
        _ => Event::Delete,
    };
    let w = World {
        unit,
        object,
        m,
        event,
    };

    let mut targets: Vec<(String, What)> = m
        .changes
        .keys()
        .map(|k| {
            let what = unit
                .schema
                .field_by_name(object, k)
                .map_or(What::Stranger, What::Field);
            (k.clone(), what)
        })
        .collect();
    if event == Event::Delete {
        targets.push(("*".to_string(), What::Record));
    }

    // Contracts by name, so that ties go to the first by name.
    let mut contracts: Vec<&Contract> = unit.contracts.iter().collect();
    contracts.sort_by(|a, b| a.name.cmp(&b.name));

    let mut governing: Vec<Governing<'_>> = Vec::new();
    for c in contracts {
        if let Some(g) = govern(&w, c, &targets) {
            governing.push(g);
        }
    }

    // Combination.
    let mut fields = BTreeMap::new();
    let mut decided: Vec<(Outcome, Option<usize>)> = Vec::new();
    for (ti, (name, what)) in targets.iter().enumerate() {
        let (fd, by) = match what {
            What::Stranger => (
                FieldDecision {
                    outcome: crmc_eval::Outcome::Never,
                    contract: None,
                    rule: None,
                    reasons: vec![format!("`{name}` is not a field of `{}`, never", m.object)],
                },
                None,
            ),
            _ => {
                let mut best: Option<usize> = None;
                for (gi, g) in governing.iter().enumerate() {
                    let stricter = match best {
                        None => true,
                        Some(b) => g.says[ti].outcome > governing[b].says[ti].outcome,
                    };
                    if stricter {
                        best = Some(gi);
                    }
                }
                match best {
                    Some(gi) => {
                        let s = &governing[gi].says[ti];
                        (
                            FieldDecision {
                                outcome: to_eval(s.outcome),
                                contract: Some(governing[gi].contract.name.clone()),
                                rule: s.rule.clone(),
                                reasons: s.reasons.clone(),
                            },
                            Some(gi),
                        )
                    }
                    None => (
                        FieldDecision {
                            outcome: crmc_eval::Outcome::Never,
                            contract: None,
                            rule: None,
                            reasons: vec!["no contract governs".to_string()],
                        },
                        None,
                    ),
                }
            }
        };
        let outcome = match fd.outcome {
            crmc_eval::Outcome::Auto => Outcome::Auto,
            crmc_eval::Outcome::Review => Outcome::Review,
            crmc_eval::Outcome::Escalate => Outcome::Escalate,
            crmc_eval::Outcome::Suggest => Outcome::Suggest,
            crmc_eval::Outcome::Never => Outcome::Never,
        };
        decided.push((outcome, by));
        fields.insert(name.clone(), fd);
    }

    let overall = decided.iter().map(|d| d.0).max().unwrap_or(Outcome::Never);
    let approvals = approvals(&w, &targets, &decided, &governing);
    let audit = targets
        .iter()
        .zip(&decided)
        .map(|((name, what), (outcome, by))| {
            audit_entry(
                &w,
                name,
                *what,
                *outcome,
                by.map(|gi| governing[gi].contract),
                fields
                    .get(name)
                    .map(|f| f.reasons.as_slice())
                    .unwrap_or(&[]),
            )
        })
        .collect();
    let rollback = rollback(&w, &decided, &governing);
    Ok(Decision {
        outcome: to_eval(overall),
        fields,
        approvals,
        audit,
        rollback,
    })
}

fn actor_kind(k: crmc_eval::table::ActorKind) -> ActorKind {
    match k {
        crmc_eval::table::ActorKind::Ai => ActorKind::Ai,
        crmc_eval::table::ActorKind::Integration => ActorKind::Integration,
        crmc_eval::table::ActorKind::Human => ActorKind::Human,
    }
}

fn actor_matches(a: &Actor, m: &Mutation) -> bool {
    a.matches(actor_kind(m.actor.kind), &m.actor.name)
}

/// Steps 1–4 for one contract: `None` when it does not apply.
fn govern<'u>(
    w: &World<'u, '_>,
    c: &'u Contract,
    targets: &[(String, What)],
) -> Option<Governing<'u>> {
    // 1. Applicable?
    if c.object != w.object || !actor_matches(&c.actor, w.m) {
        return None;
    }
    let triggered = c.triggers.iter().any(|t| match (t, w.event) {
        (Trigger::Create, Event::Create) | (Trigger::Delete, Event::Delete) => true,
        (Trigger::Update(None), Event::Update) => true,
        (Trigger::Update(Some(fs)), Event::Update) => fs.iter().any(|f| w.changed(*f)),
        _ => false,
    });
    if !triggered {
        return None;
    }
    let name = &c.name;
    // Reasons that raise every field to at least review.
    let mut floor = Outcome::Auto;
    let mut floor_reasons = Vec::new();
    if let Some(e) = &c.eligible {
        match w.truth(e) {
            Truth::No => return None,
            Truth::Yes => {}
            Truth::Maybe => {
                floor = Outcome::Review;
                floor_reasons.push(format!(
                    "contract `{name}`: eligibility unknown (missing {}), at least review",
                    w.missing(e)
                ));
            }
        }
    }

    // 2. Exclusions.
    let mut excluded: Option<String> = None;
    for (i, x) in c.exclusions.iter().enumerate() {
        let label = match &x.name {
            Some(n) => format!("exclusion `{n}`"),
            None => format!("exclusion #{}", i + 1),
        };
        match w.truth(&x.when) {
            Truth::No => {}
            Truth::Yes => {
                if excluded.is_none() {
                    excluded = Some(format!("contract `{name}`: {label} holds, never"));
                }
            }
            Truth::Maybe => {
                floor = Outcome::Review;
                floor_reasons.push(format!(
                    "contract `{name}`: {label} unknown (missing {}), at least review",
                    w.missing(&x.when)
                ));
            }
        }
    }
    if let Some(reason) = excluded {
        let says = targets
            .iter()
            .map(|_| Say {
                outcome: Outcome::Never,
                rule: None,
                rule_outcome: Outcome::Never,
                route: None,
                reasons: vec![reason.clone()],
            })
            .collect();
        return Some(Governing { contract: c, says });
    }

    // 4 (contract-wide). Confidence and mode caps.
    let mut cap = Outcome::Auto;
    let mut cap_reasons = Vec::new();
    let (auto_at, review_at) = (
        c.confidence.auto.map(|t| t.0),
        c.confidence.review.map(|t| t.0),
    );
    if auto_at.is_some() || review_at.is_some() {
        match w.m.confidence {
            None => {
                let o = if review_at.is_some() {
                    Outcome::Never
                } else {
                    Outcome::Review
                };
                cap = o;
                cap_reasons.push(format!(
                    "contract `{name}`: confidence missing, treated as below every threshold, {}",
                    if o == Outcome::Never {
                        "never"
                    } else {
                        "at least review"
                    }
                ));
            }
            Some(conf) => {
                let below = |t: Decimal| match Decimal::from_f64(conf) {
                    Some(d) => d < t,
                    None => conf < t.to_f64(),
                };
                if let Some(t) = review_at.filter(|t| below(*t)) {
                    cap = Outcome::Never;
                    cap_reasons.push(format!(
                        "contract `{name}`: confidence {} below review threshold {}, never",
                        number_text(conf),
                        number_text(t.to_f64())
                    ));
                } else if let Some(t) = auto_at.filter(|t| below(*t)) {
                    cap = Outcome::Review;
                    cap_reasons.push(format!(
                        "contract `{name}`: confidence {} below auto threshold {}, at least review",
                        number_text(conf),
                        number_text(t.to_f64())
                    ));
                }
            }
        }
    }
    let mode_floor = match c.mode {
        Mode::ReadOnly => Outcome::Suggest,
        Mode::Draft => Outcome::Review,
        Mode::ConditionalWrite | Mode::AutomatedWrite => Outcome::Auto,
    };
    if mode_floor > Outcome::Auto {
        cap = cap.max(mode_floor);
        cap_reasons.push(format!(
            "contract `{name}`: mode {}, at least {}",
            c.mode.as_str(),
            word(mode_floor)
        ));
    }

    // 3. Field rules, then the caps.
    let says = targets
        .iter()
        .map(|(tname, what)| {
            let mut say = rules_say(w, c, tname, *what);
            say.outcome = say.outcome.max(floor);
            say.reasons.extend(floor_reasons.iter().cloned());
            say.outcome = say.outcome.max(cap);
            say.reasons.extend(cap_reasons.iter().cloned());
            if let What::Field(f) = what {
                let field = w.unit.schema.field(*f);
                if field.readonly {
                    say.outcome = Outcome::Never;
                    say.reasons
                        .push(format!("field `{tname}` is readonly, never"));
                } else if field.protected && say.outcome < Outcome::Review {
                    say.outcome = Outcome::Review;
                    say.reasons
                        .push(format!("field `{tname}` is protected, at least review"));
                }
            }
            say
        })
        .collect();
    Some(Governing { contract: c, says })
}

/// Step 3 for one target: its own rules, then the `*` rules.
fn rules_say(w: &World<'_, '_>, c: &Contract, tname: &str, what: What) -> Say {
    let name = &c.name;
    let own: &[Rule] = match what {
        What::Field(f) => c.rules_for(f).map_or(&[], |fr| fr.rules.as_slice()),
        _ => &[],
    };
    let star: &[Rule] = c.star.as_ref().map_or(&[], |s| s.rules.as_slice());
    let mut reasons = Vec::new();
    // The first rule that held, and the strongest unknown one before it.
    let mut held: Option<(Outcome, String, Option<Approver>)> = None;
    let mut unknown: Option<(Outcome, String, Option<Approver>)> = None;
    'search: for (label, rules) in [(tname, own), ("*", star)] {
        for r in rules {
            let rule_name = format!("{label}#{}", r.position);
            let t = r.when.as_ref().map_or(Truth::Yes, |c| w.truth(c));
            match t {
                Truth::No => {}
                Truth::Yes => {
                    reasons.push(format!(
                        "contract `{name}`: rule `{rule_name}` decides {}",
                        word(r.outcome)
                    ));
                    held = Some((r.outcome, rule_name, r.route.clone()));
                    break 'search;
                }
                Truth::Maybe => {
                    let o = r.outcome.max(Outcome::Review);
                    reasons.push(format!(
                        "contract `{name}`: rule `{rule_name}` unknown (missing {}), at least {}",
                        r.when.as_ref().map(|c| w.missing(c)).unwrap_or_default(),
                        word(o)
                    ));
                    if unknown.as_ref().is_none_or(|u| o > u.0) {
                        unknown = Some((o, rule_name, r.route.clone()));
                    }
                }
            }
        }
    }
    let (rule_outcome, rule, route) = match (held, unknown) {
        (Some(h), Some(u)) if u.0 > h.0 => (u.0, Some(u.1), u.2),
        (Some(h), _) => (h.0, Some(h.1), h.2),
        (None, _) => {
            reasons.push(format!(
                "contract `{name}`: no rule for `{tname}` holds{}, never",
                if c.star.is_some() {
                    ""
                } else {
                    " and there is no `*` rule"
                }
            ));
            (Outcome::Never, None, None)
        }
    };
    Say {
        outcome: rule_outcome,
        rule,
        rule_outcome,
        route,
        reasons,
    }
}

fn approver_text(a: &Approver) -> String {
    a.to_string()
}

fn approvals(
    w: &World<'_, '_>,
    targets: &[(String, What)],
    decided: &[(Outcome, Option<usize>)],
    governing: &[Governing<'_>],
) -> Vec<ApprovalNeed> {
    let mut out: Vec<ApprovalNeed> = Vec::new();
    let mut add = |level: &str,
                   approver: Option<String>,
                   within: Option<u64>,
                   contract: &str,
                   field: &str| {
        if let Some(n) = out
            .iter_mut()
            .find(|n| n.level == level && n.approver == approver)
        {
            n.within_secs = match (n.within_secs, within) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            if !n.contracts.iter().any(|c| c == contract) {
                n.contracts.push(contract.to_string());
            }
            if !n.fields.iter().any(|f| f == field) {
                n.fields.push(field.to_string());
            }
        } else {
            out.push(ApprovalNeed {
                level: level.to_string(),
                approver,
                within_secs: within,
                contracts: vec![contract.to_string()],
                fields: vec![field.to_string()],
            });
        }
    };
    let asks = |o: Outcome| matches!(o, Outcome::Review | Outcome::Escalate);
    for (ti, (outcome, by)) in decided.iter().enumerate() {
        let (Some(gi), true) = (by, asks(*outcome)) else {
            continue;
        };
        let tname = &targets[ti].0;
        let g = &governing[*gi];
        let c = g.contract;
        let say = &g.says[ti];
        let level_route = if *outcome == Outcome::Review {
            c.approval.review.as_ref()
        } else {
            c.approval.escalate.as_ref()
        };
        let rule_route = say.route.as_ref().filter(|_| say.rule_outcome == *outcome);
        let (approver, within) = match (rule_route, level_route) {
            (Some(a), r) => (Some(approver_text(a)), r.and_then(|r| r.within)),
            (None, Some(r)) => (Some(approver_text(&r.approver)), r.within),
            (None, None) => (None, None),
        };
        add(word(*outcome), approver, within, &c.name, tname);
        for g in governing {
            if !asks(g.says[ti].outcome) {
                continue;
            }
            for req in &g.contract.approval.require {
                let holds = req.when.as_ref().map_or(Truth::Yes, |c| w.truth(c));
                if holds != Truth::No {
                    add(
                        "require",
                        Some(approver_text(&req.approver)),
                        None,
                        &g.contract.name,
                        tname,
                    );
                }
            }
        }
    }
    out
}

fn audit_entry(
    w: &World<'_, '_>,
    tname: &str,
    what: What,
    outcome: Outcome,
    contract: Option<&Contract>,
    reasons: &[String],
) -> AuditEntry {
    let m = w.m;
    let sensitive = match what {
        What::Field(f) => w.unit.schema.field(f).sensitive,
        _ => false,
    };
    let shown = |v: Option<&Json>| match v {
        None | Some(Json::Null) => Json::Null,
        Some(_) if sensitive => Json::String("***".to_string()),
        Some(v) => v.clone(),
    };
    let list: Vec<AuditField> = match contract {
        Some(c) => match &c.audit {
            Some(a) => {
                let mut l = Vec::new();
                if !a.fields.contains(&AuditField::Field) {
                    l.push(AuditField::Field);
                }
                l.extend(a.fields.iter().copied());
                l
            }
            None => vec![AuditField::Field],
        },
        None => vec![AuditField::Field, AuditField::Outcome, AuditField::Reasons],
    };
    let record = matches!(what, What::Record);
    let entry = list
        .into_iter()
        .map(|af| {
            let v = match af {
                AuditField::RecordId => record_id(w),
                AuditField::Contract => contract.map_or(Json::Null, |c| c.name.clone().into()),
                AuditField::Version => contract.map_or(Json::Null, |c| c.version.into()),
                AuditField::Trigger => m.event.as_str().into(),
                AuditField::Field => tname.into(),
                AuditField::OldValue if record => Json::Null,
                AuditField::NewValue if record => Json::Null,
                AuditField::OldValue => shown(m.record.get(tname)),
                AuditField::NewValue => shown(m.changes.get(tname)),
                AuditField::Source => m.source.clone().map_or(Json::Null, Json::String),
                AuditField::Confidence => m
                    .confidence
                    .and_then(serde_json::Number::from_f64)
                    .map_or(Json::Null, Json::Number),
                AuditField::Timestamp => m.at_text.clone().into(),
                AuditField::Actor => serde_json::json!({
                    "kind": m.actor.kind.as_str(),
                    "name": m.actor.name,
                }),
                AuditField::Outcome => word(outcome).into(),
                AuditField::Reasons => {
                    Json::Array(reasons.iter().map(|r| Json::String(r.clone())).collect())
                }
            };
            (af.as_str().to_string(), v)
        })
        .collect();
    AuditEntry(entry)
}

/// The record's id: its `id` field named `Id`, else its first `id` field by
/// name, else the key `Id`.
fn record_id(w: &World<'_, '_>) -> Json {
    let obj = w.unit.schema.object(w.object);
    let mut ids: Vec<&str> = obj
        .fields
        .iter()
        .filter(|f| f.ty == FieldType::Id)
        .map(|f| f.name.as_str())
        .collect();
    ids.sort_unstable();
    let key = if ids.contains(&"Id") {
        "Id"
    } else {
        ids.first().copied().unwrap_or("Id")
    };
    w.m.record.get(key).cloned().unwrap_or(Json::Null)
}

fn rollback(
    w: &World<'_, '_>,
    decided: &[(Outcome, Option<usize>)],
    governing: &[Governing<'_>],
) -> RollbackEntry {
    let m = w.m;
    let mut previous = BTreeMap::new();
    if w.event == Event::Delete {
        previous.extend(m.record.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    for k in m.changes.keys() {
        previous.insert(k.clone(), m.record.get(k).cloned().unwrap_or(Json::Null));
    }
    let mut deciding: Vec<usize> = Vec::new();
    for gi in decided.iter().filter_map(|d| d.1) {
        if !deciding.contains(&gi) {
            deciding.push(gi);
        }
    }
    let mut keep: Option<(u64, &str)> = None;
    let mut notify: Vec<String> = Vec::new();
    for gi in deciding {
        let Some(rb) = &governing[gi].contract.rollback else {
            continue;
        };
        if let Some(text) = &rb.keep_text {
            let secs = rb.keep.unwrap_or(0);
            if keep.is_none_or(|(k, _)| secs > k) {
                keep = Some((secs, text));
            }
        }
        for a in &rb.notify {
            let t = approver_text(a);
            if !notify.contains(&t) {
                notify.push(t);
            }
        }
    }
    RollbackEntry {
        previous,
        keep: keep.map(|k| k.1.to_string()),
        notify,
    }
}
