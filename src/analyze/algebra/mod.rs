//! The condition algebra: a condition is a union of [`Cube`]s (a
//! [`Region`]); a cube constrains each variable to a set of its values
//! (numbers: intervals; strings: finite or co-finite sets; booleans, events,
//! flags: bit sets), every set with or without the empty value. Intersection,
//! complement of one variable's set, and cube difference (a union of cubes)
//! are exact. A cube also carries difference constraints (`x − y ≤ c`)
//! between dates and the mutation's `at` (relative dates), decided by
//! zones ([`zone`]); the negation of one is one, so cube difference stays
//! exact. Satisfiability is exact except for string patterns over
//! co-finite sets (see [`text::solve`]) and a zone search past its budget.

pub mod calendar;
mod items;
pub mod num;
pub mod shape;
pub mod text;
pub mod zone;

use crate::check::model::{Event, FieldId, FieldType, Schema};
use crate::decimal::Decimal;
use calendar::span;
use num::{Bound, Interval, NumSet};
use shape::Shape;
use std::cell::Cell;
use std::collections::BTreeMap;
use text::{PatKind, PatReq, Solved, TextSet};
use zone::Diff;

/// A variable of a mutation.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Var {
    Changed(FieldId),
    Event,
    Confidence,
    Source,
    /// The mutation's `at`, in seconds since the epoch (UTC).
    At,
    /// The UTC day of `at`: `floor(At / 86400)`, what dates are compared with.
    AtDay,
    /// The record's current value.
    Field(FieldId),
    /// The proposed value (meaningful only when `Changed` holds).
    New(FieldId),
    /// A parent record's field, by relation name.
    Parent(String, FieldId),
    /// Whether a string variable has a pattern (false on the empty value).
    Pat(Box<Var>, PatKind, String),
    /// What started the automation: the kind of cause ([`crate::analyze::cause`]).
    Cause,
    /// A signal's or schedule's name.
    CauseName,
    /// On an update cause, whether this field's change started it.
    CauseField(FieldId),
    /// The review-sample bucket of a write of this field for contract
    /// (name, version), in `0..10000` ([`crmc_eval::sample`]): sampled at
    /// rate r when below r. A function of the record id, so every pattern
    /// of buckets has a record (the witness searches for one).
    Sample(String, u32, FieldId),
    /// Who last wrote the field (the mutation's `history`): `never`,
    /// `human`, `ai` or `integration`.
    HistKind(FieldId),
    /// The last writer's name (meaningful when written).
    HistName(FieldId),
    /// When the field was last written, in seconds since the epoch.
    HistAt(FieldId),
    /// Where the last write came from (`source of F`), when written.
    HistSource(FieldId),
}

/// The values of [`Var::HistKind`]: an actor kind, or never written.
pub const HIST_NEVER: &str = "never";
pub const HIST_KINDS: [&str; 4] = ["ai", "human", "integration", HIST_NEVER];

impl Var {
    /// The field whose type the variable has.
    pub fn field(&self) -> Option<FieldId> {
        match self {
            Var::Field(f) | Var::New(f) | Var::Parent(_, f) => Some(*f),
            _ => None,
        }
    }
}

/// The set of values one variable may take in a cube.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Con {
    Num(NumSet),
    Text(TextSet),
    /// Bools: 1 true, 2 false, 4 empty. Events: 1 create, 2 update, 4 delete.
    /// Flags (`Changed`, `Pat`): 1 true, 2 false.
    Bits(u8),
}

pub const T: u8 = 1;
pub const F: u8 = 2;
pub const EMPTY: u8 = 4;

impl Con {
    pub fn is_empty(&self) -> bool {
        match self {
            Con::Num(n) => n.is_empty(),
            Con::Text(t) => t.is_empty(),
            Con::Bits(b) => *b == 0,
        }
    }

    pub fn intersect(&self, other: &Con) -> Con {
        match (self, other) {
            (Con::Num(a), Con::Num(b)) => Con::Num(a.intersect(b)),
            (Con::Text(a), Con::Text(b)) => Con::Text(a.intersect(b)),
            (Con::Bits(a), Con::Bits(b)) => Con::Bits(a & b),
            // Mismatched kinds cannot arise from a checked unit; be safe.
            _ => Con::Bits(0),
        }
    }

    /// Whether `self` and `other` share a value: `!intersect().is_empty()`,
    /// without building bit sets.
    pub fn meets(&self, other: &Con) -> bool {
        match (self, other) {
            (Con::Bits(a), Con::Bits(b)) => a & b != 0,
            _ => !self.intersect(other).is_empty(),
        }
    }

    /// `base` minus `self`.
    pub fn complement_in(&self, base: &Con) -> Con {
        match (self, base) {
            (Con::Num(a), Con::Num(b)) => Con::Num(b.intersect(&a.complement())),
            (Con::Text(a), Con::Text(b)) => Con::Text(b.intersect(&a.complement())),
            (Con::Bits(a), Con::Bits(b)) => Con::Bits(b & !a),
            _ => Con::Bits(0),
        }
    }
}

/// A conjunction of per-variable constraints, sorted by variable; absent
/// variables range over their whole domain. `diffs` (sorted, one per pair)
/// constrain pairs of integer variables; a variable in a difference is set,
/// and its entry in `cons` says so (the lowering keeps that invariant, so
/// cube difference handles the empty value through `cons`).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Cube {
    pub cons: Vec<(Var, Con)>,
    pub diffs: Vec<Diff>,
}

impl Cube {
    pub fn top() -> Cube {
        Cube::default()
    }

    pub fn single(var: Var, con: Con) -> Cube {
        Cube {
            cons: vec![(var, con)],
            diffs: Vec::new(),
        }
    }

    /// `var` in `con` (which must exclude the empty value) and `diff`.
    pub fn with_diff(var: Var, con: Con, diff: Diff) -> Cube {
        Cube {
            cons: vec![(var, con)],
            diffs: vec![diff],
        }
    }

    fn add_diff(&mut self, d: Diff) {
        self.diffs.push(d);
        zone::normalize(&mut self.diffs);
    }

    pub fn get(&self, var: &Var) -> Option<&Con> {
        self.cons
            .binary_search_by(|(v, _)| v.cmp(var))
            .ok()
            .map(|i| &self.cons[i].1)
    }

    fn set(&mut self, var: Var, con: Con) {
        match self.cons.binary_search_by(|(v, _)| v.cmp(&var)) {
            Ok(i) => self.cons[i].1 = con,
            Err(i) => self.cons.insert(i, (var, con)),
        }
    }

    /// `None` when some variable has no value left (or two differences
    /// contradict each other outright; a longer cycle is found by solving).
    pub fn intersect(&self, other: &Cube) -> Option<Cube> {
        let diffs = if other.diffs.is_empty() {
            self.diffs.clone()
        } else if self.diffs.is_empty() {
            other.diffs.clone()
        } else {
            if zone::clash(&self.diffs, &other.diffs) {
                return None;
            }
            let mut d: Vec<Diff> = self.diffs.iter().chain(&other.diffs).cloned().collect();
            zone::normalize(&mut d);
            d
        };
        let mut out = Vec::with_capacity(self.cons.len() + other.cons.len());
        let (mut i, mut j) = (0, 0);
        while i < self.cons.len() || j < other.cons.len() {
            let ord = match (self.cons.get(i), other.cons.get(j)) {
                (Some(a), Some(b)) => a.0.cmp(&b.0),
                (Some(_), None) => std::cmp::Ordering::Less,
                _ => std::cmp::Ordering::Greater,
            };
            match ord {
                std::cmp::Ordering::Less => {
                    out.push(self.cons[i].clone());
                    i += 1;
                }
                std::cmp::Ordering::Greater => {
                    out.push(other.cons[j].clone());
                    j += 1;
                }
                std::cmp::Ordering::Equal => {
                    let c = self.cons[i].1.intersect(&other.cons[j].1);
                    if c.is_empty() {
                        return None;
                    }
                    out.push((self.cons[i].0.clone(), c));
                    i += 1;
                    j += 1;
                }
            }
        }
        Some(Cube { cons: out, diffs })
    }

    /// Whether `intersect` would give `Some`, without building the cube.
    pub fn meets(&self, other: &Cube) -> bool {
        if !self.diffs.is_empty()
            && !other.diffs.is_empty()
            && zone::clash(&self.diffs, &other.diffs)
        {
            return false;
        }
        let (mut i, mut j) = (0, 0);
        while i < self.cons.len() && j < other.cons.len() {
            let (a, b) = (&self.cons[i], &other.cons[j]);
            match a.0.cmp(&b.0) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    if !a.1.meets(&b.1) {
                        return false;
                    }
                    i += 1;
                    j += 1;
                }
            }
        }
        true
    }

    /// `self` minus `other`, as disjoint cubes.
    pub fn minus(&self, other: &Cube, dom: &Dom<'_>) -> Vec<Cube> {
        let mut out = Vec::new();
        let mut cur = self.clone();
        for (var, con) in &other.cons {
            let base = dom.base(var);
            let have = cur.get(var).cloned().unwrap_or_else(|| base.clone());
            let outside = have.intersect(&con.complement_in(&base));
            let inside = have.intersect(con);
            if !outside.is_empty() {
                let mut piece = cur.clone();
                piece.set(var.clone(), outside);
                out.push(piece);
            }
            if inside.is_empty() {
                return out;
            }
            cur.set(var.clone(), inside);
        }
        // `cur` now has every variable of `other`'s differences set, so the
        // rest of `self` outside a difference is its negation
        for d in &other.diffs {
            let implied = cur
                .diffs
                .iter()
                .any(|e| e.x == d.x && e.y == d.y && e.c <= d.c);
            if implied {
                continue;
            }
            let mut piece = cur.clone();
            piece.add_diff(d.negate());
            out.push(piece);
            cur.add_diff(d.clone());
        }
        out
    }

    /// Keeps only the variables `keep` accepts (projection). Differences
    /// through a dropped variable become the differences they imply between
    /// kept ones (closure), so the projection of differences is exact; the
    /// result may still be a superset where a dropped variable's own bounds
    /// mattered.
    pub fn project(&self, keep: impl Fn(&Var) -> bool) -> Cube {
        Cube {
            cons: self.cons.iter().filter(|(v, _)| keep(v)).cloned().collect(),
            diffs: zone::project(&self.diffs, &keep),
        }
    }
}

/// A union of cubes.
pub type Region = Vec<Cube>;

pub fn top() -> Region {
    vec![Cube::top()]
}

pub fn and(a: &[Cube], b: &[Cube]) -> Region {
    let mut out = Vec::new();
    for x in a {
        for y in b {
            if let Some(c) = x.intersect(y) {
                out.push(c);
            }
        }
    }
    out
}

/// A chosen value of one variable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Val {
    Empty,
    Num(Decimal),
    Str(String),
    Bool(bool),
    Event(Event),
}

/// A value for every variable a cube constrains (and its pattern bases).
pub type Assignment = BTreeMap<Var, Val>;

/// What a search for a member found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Found<T = Assignment> {
    Member(T),
    /// Proven to have none.
    Empty,
    /// The search gave up (a pattern with no candidate over a co-finite
    /// set, or the zone search's budget): there may be one.
    Unknown,
}

/// The searches that gave up on some question in one analysis: each makes
/// its own findings approximate, and says so in its own words.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GaveUp {
    /// A string-pattern question had no candidate ([`text::solve`]).
    pub patterns: bool,
    /// Relative dates over many excluded dates ran out of budget ([`zone::solve`]).
    pub dates: bool,
}

impl GaveUp {
    pub fn any(self) -> bool {
        self.patterns || self.dates
    }

    /// Either's searches gave up.
    pub fn or(self, o: GaveUp) -> GaveUp {
        GaveUp {
            patterns: self.patterns || o.patterns,
            dates: self.dates || o.dates,
        }
    }
}

/// Domains of variables, from the schema.
pub struct Dom<'a> {
    pub schema: &'a Schema,
    /// Which searches could not settle a question (approximation).
    pub gave_up: Cell<GaveUp>,
    texts: text::SolveCache<'a>,
}

impl<'a> Dom<'a> {
    pub fn new(schema: &'a Schema) -> Dom<'a> {
        Dom {
            schema,
            gave_up: Cell::new(GaveUp::default()),
            texts: text::SolveCache::default(),
        }
    }

    pub fn ty(&self, var: &Var) -> Option<&'a FieldType> {
        var.field().map(|f| &self.schema.field(f).ty)
    }

    /// The whole domain of a variable.
    pub fn base(&self, var: &Var) -> Con {
        match var {
            Var::Changed(_) | Var::Pat(..) | Var::CauseField(_) => Con::Bits(T | F),
            Var::Cause | Var::CauseName => Con::Text(TextSet::any(false)),
            Var::Event => Con::Bits(7),
            Var::Confidence => Con::Num(NumSet::new(
                vec![Interval {
                    lo: Some(Bound {
                        value: Decimal::ZERO,
                        closed: true,
                    }),
                    hi: Some(Bound {
                        value: Decimal::ONE,
                        closed: true,
                    }),
                }],
                false,
                false,
            )),
            Var::Source => Con::Text(TextSet::any(false)),
            Var::HistKind(_) => Con::Text(TextSet::of(HIST_KINDS.iter().map(|k| k.to_string()))),
            Var::HistName(_) | Var::HistSource(_) => Con::Text(TextSet::any(false)),
            Var::HistAt(_) => span(calendar::SECS_MIN, calendar::SECS_MAX, false),
            Var::Sample(..) => span(0, i64::from(crmc_eval::sample::SCALE) - 1, false),
            Var::At => span(calendar::SECS_MIN, calendar::SECS_MAX, false),
            Var::AtDay => span(calendar::DAY_MIN - 1, calendar::DAY_MAX + 1, false),
            // a proposed date must be exactly `YYYY-MM-DD` (decisions 5)
            Var::New(f) if self.schema.field(*f).ty == FieldType::Date => {
                span(calendar::DAY_MIN, calendar::DAY_MAX, true)
            }
            Var::Field(f) | Var::New(f) | Var::Parent(_, f) => base_of(&self.schema.field(*f).ty),
        }
    }

    /// The first value tried for a string variable nothing pins down:
    /// shaped like its type, so a witness's proposed value is one the
    /// evaluator accepts (decisions 5).
    pub fn hint(&self, var: &Var) -> &'static str {
        match (var, self.ty(var)) {
            (Var::Source, _) => "analysis",
            (Var::HistKind(_), _) => HIST_NEVER,
            (Var::HistName(_), _) => "analysis",
            (Var::HistSource(_), _) => "CRM_UI",
            (Var::Cause, _) => crate::analyze::cause::UNNAMED_KIND,
            (Var::CauseName, _) => crate::analyze::cause::NAME_HINT,
            (_, Some(FieldType::Email)) => "w@w.example",
            (_, Some(FieldType::Url)) => "https://w.example",
            (_, Some(FieldType::Phone)) => "+15550100",
            (_, Some(FieldType::Id | FieldType::Ref(_))) => "W0000000000002",
            _ => "w",
        }
    }

    /// The shape of a text variable's values: what the evaluator reads as
    /// that very value. Record, parent and proposed values alike: a value
    /// read by a condition that does not fit its field is unknown to the
    /// evaluator (`crmc-eval` `values::read`), outside the analysis's
    /// complete inputs, and a proposed one decides `never` (decisions 5).
    pub fn shape(&self, var: &Var) -> Shape<'a> {
        match self.ty(var) {
            None | Some(FieldType::String) => Shape::Text,
            Some(FieldType::Multipicklist(items)) => Shape::Items(Some(items)),
            Some(FieldType::Email) => Shape::Email,
            Some(FieldType::Url) => Shape::Url,
            Some(FieldType::Phone) => Shape::Phone,
            Some(FieldType::Id | FieldType::Ref(_)) => Shape::Id,
            _ => Shape::Trimmed,
        }
    }

    /// A value for every constrained variable, or `None` when the cube is
    /// empty or its search gave up (see [`Dom::search`]).
    pub fn solve(&self, cube: &Cube) -> Option<Assignment> {
        match self.search(cube) {
            Found::Member(a) => Some(a),
            Found::Empty | Found::Unknown => None,
        }
    }

    /// A member of the cube, proof that it has none, or neither (a pattern
    /// or zone search gave up; `gave_up` is set).
    pub fn search(&self, cube: &Cube) -> Found {
        let mut out = Assignment::new();
        let mut pats: BTreeMap<&Var, Vec<PatReq<'_>>> = BTreeMap::new();
        for (var, con) in &cube.cons {
            if let Var::Pat(base, kind, text) = var {
                let want = match con {
                    Con::Bits(b) if *b == T => Some(true),
                    Con::Bits(b) if *b == F => Some(false),
                    _ => None,
                };
                if let Some(want) = want {
                    pats.entry(base).or_default().push(PatReq {
                        kind: *kind,
                        text,
                        want,
                    });
                } else {
                    // either truth is allowed: nothing to meet
                    pats.entry(base).or_default();
                }
            }
        }
        if !cube.diffs.is_empty() {
            match self.solve_zone(cube) {
                Found::Member(vals) => {
                    for (var, v) in vals {
                        out.insert(var, Val::Num(Decimal::from_int(v)));
                    }
                }
                Found::Empty => return Found::Empty,
                Found::Unknown => return Found::Unknown,
            }
        }
        for (var, con) in &cube.cons {
            if matches!(var, Var::Pat(..)) || pats.contains_key(var) || out.contains_key(var) {
                continue;
            }
            match pick(var, con, self) {
                Some(v) => out.insert(var.clone(), v),
                None => return Found::Empty,
            };
        }
        for (base, reqs) in pats {
            let set = match cube.get(base).cloned().unwrap_or_else(|| self.base(base)) {
                Con::Text(t) => t,
                _ => return Found::Empty,
            };
            match self
                .texts
                .solve(&set, &reqs, self.shape(base), self.hint(base))
            {
                Solved::Value(v) => {
                    out.insert(base.clone(), v.map_or(Val::Empty, Val::Str));
                }
                Solved::Impossible => return Found::Empty,
                Solved::GaveUp => {
                    self.gave_up.set(GaveUp {
                        patterns: true,
                        ..self.gave_up.get()
                    });
                    return Found::Unknown;
                }
            }
        }
        Found::Member(out)
    }

    /// Values of the variables of `cube`'s differences and of both clocks,
    /// or proof that they have none, or neither (see [`zone::solve`]).
    fn solve_zone(&self, cube: &Cube) -> Found<Vec<(Var, i64)>> {
        let mut vars: Vec<Var> = vec![Var::At, Var::AtDay];
        vars.extend(cube.diffs.iter().flat_map(|d| [d.x.clone(), d.y.clone()]));
        vars.sort();
        vars.dedup();
        let mut slots = Vec::with_capacity(vars.len());
        for var in vars {
            let base = self.base(&var);
            let have = cube
                .get(&var)
                .map_or_else(|| base.clone(), |c| c.intersect(&base));
            let Con::Num(n) = have else {
                return Found::Empty;
            };
            let intervals: Vec<(i64, i64)> = n.intervals.iter().filter_map(int_bounds).collect();
            let prefer = match var {
                Var::At => calendar::AT_SECS,
                Var::AtDay => calendar::AT_SECS.div_euclid(zone::SECS_PER_DAY),
                _ => 0,
            };
            slots.push(zone::Slot {
                var,
                intervals,
                prefer,
            });
        }
        let at = slots.iter().position(|s| s.var == Var::At);
        let day = slots.iter().position(|s| s.var == Var::AtDay);
        match zone::solve(&slots, &cube.diffs, at, day) {
            zone::Solved::Values(v) => {
                Found::Member(slots.into_iter().map(|s| s.var).zip(v).collect())
            }
            zone::Solved::Impossible => Found::Empty,
            zone::Solved::GaveUp => {
                self.gave_up.set(GaveUp {
                    dates: true,
                    ..self.gave_up.get()
                });
                Found::Unknown
            }
        }
    }

    /// Whether the cube may have a member: a search that gave up counts
    /// as one, so what is built on `sat` (chains, regions, emptiness
    /// claims) errs toward reporting (analysis-v1 "Exactness"); the
    /// findings' witnesses say where they could not be confirmed. Builds
    /// no assignment unless patterns or differences are involved.
    pub fn sat(&self, cube: &Cube) -> bool {
        if !cube.diffs.is_empty() || cube.cons.iter().any(|(v, _)| matches!(v, Var::Pat(..))) {
            return !matches!(self.search(cube), Found::Empty);
        }
        cube.cons.iter().all(|(var, con)| match con {
            Con::Num(n) => n.pick().is_some(),
            Con::Text(t) => text::has_member(t, self.shape(var), self.hint(var)),
            Con::Bits(b) => match var {
                Var::Event => b & 7 != 0,
                _ => b & (T | F | EMPTY) != 0,
            },
        })
    }

    pub fn region_empty(&self, r: &[Cube]) -> bool {
        !r.iter().any(|c| self.sat(c))
    }

    pub fn first(&self, r: &[Cube]) -> Option<(usize, Assignment)> {
        r.iter()
            .enumerate()
            .find_map(|(i, c)| self.solve(c).map(|a| (i, a)))
    }

    /// A member of the region: the first found, else `Unknown` when some
    /// cube's search gave up, else `Empty`.
    pub fn witness(&self, r: &[Cube]) -> Found {
        let mut unknown = false;
        for c in r {
            match self.search(c) {
                Found::Member(a) => return Found::Member(a),
                Found::Unknown => unknown = true,
                Found::Empty => {}
            }
        }
        if unknown {
            Found::Unknown
        } else {
            Found::Empty
        }
    }

    /// `a` minus `b`.
    pub fn minus(&self, a: &[Cube], b: &[Cube]) -> Region {
        let mut cur: Region = a.to_vec();
        for sub in b {
            let mut next = Vec::with_capacity(cur.len());
            for c in cur {
                if !c.meets(sub) {
                    next.push(c);
                } else {
                    next.extend(c.minus(sub, self));
                }
            }
            if next.len() > 64 {
                next.retain(|c| self.sat(c));
            }
            cur = next;
            if cur.is_empty() {
                break;
            }
        }
        cur
    }

    /// Drops cubes with no member.
    pub fn prune(&self, r: Region) -> Region {
        r.into_iter().filter(|c| self.sat(c)).collect()
    }
}

/// The integers of a (bounded) interval as `(lo, hi)`; `None` when there
/// are none or a bound is infinite.
fn int_bounds(iv: &Interval) -> Option<(i64, i64)> {
    let (lo, hi) = (iv.lo?, iv.hi?);
    let f = lo.value.floor();
    let lo = if f == lo.value && lo.closed {
        f.to_i64()?
    } else {
        f.to_i64()?.checked_add(1)?
    };
    let g = hi.value.floor();
    let hi = if g == hi.value && !hi.closed {
        g.to_i64()?.checked_sub(1)?
    } else {
        g.to_i64()?
    };
    (lo <= hi).then_some((lo, hi))
}

pub fn base_of(ty: &FieldType) -> Con {
    match ty {
        FieldType::Bool => Con::Bits(T | F | EMPTY),
        FieldType::Int => Con::Num(NumSet::new(vec![Interval::ALL], true, true)),
        FieldType::Date => span(calendar::DAY_MIN - 1, calendar::DAY_MAX + 1, true),
        FieldType::Datetime => span(calendar::SECS_MIN, calendar::SECS_MAX, true),
        FieldType::Number | FieldType::Currency | FieldType::Percent => {
            Con::Num(NumSet::new(vec![Interval::ALL], true, false))
        }
        FieldType::Picklist(vals) => Con::Text(TextSet {
            vals: text::Vals::In(std::sync::Arc::new(vals.iter().cloned().collect())),
            empty: true,
        }),
        _ => Con::Text(TextSet::any(true)),
    }
}

fn pick(var: &Var, con: &Con, dom: &Dom<'_>) -> Option<Val> {
    Some(match con {
        Con::Num(n) => match n.pick()? {
            Some(v) => Val::Num(v),
            None => Val::Empty,
        },
        Con::Text(t) => match text::solve(t, &[], dom.shape(var), dom.hint(var)) {
            Solved::Value(Some(v)) => Val::Str(v),
            Solved::Value(None) => Val::Empty,
            _ => return None,
        },
        Con::Bits(b) => {
            let b = *b;
            match var {
                Var::Event => {
                    if b & 2 != 0 {
                        Val::Event(Event::Update)
                    } else if b & 1 != 0 {
                        Val::Event(Event::Create)
                    } else if b & 4 != 0 {
                        Val::Event(Event::Delete)
                    } else {
                        return None;
                    }
                }
                _ if b & T != 0 => Val::Bool(true),
                _ if b & F != 0 => Val::Bool(false),
                _ if b & EMPTY != 0 => Val::Empty,
                _ => return None,
            }
        }
    })
}
