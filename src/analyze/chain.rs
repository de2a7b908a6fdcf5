//! What one contract decides for one changed field, as regions: the
//! contract's live region (triggered, eligible, not excluded) with the field
//! changed, split by the rule that decides (first match, then `*`, then
//! `never`) and then by the caps (confidence bands, mode, schema attributes).

use super::algebra::num::{Bound, Interval, NumSet};
use super::algebra::{and, calendar, Con, Cube, Dom, Region, Var, T};
use super::cause::triggers;
use super::lower::{lower, uses, Uses};
use crate::check::model::{
    CheckedUnit, Cond, Contract, FieldId, Guardrail, Mode, Outcome, Rule, Subject,
};
use crate::decimal::Decimal;
use std::collections::{BTreeSet, HashMap};

/// Which rule decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RuleRef {
    /// `fields[line].rules[index]`.
    Line(usize, usize),
    /// `star.rules[index]`.
    Star(usize),
    /// No rule matched: `never`.
    Default,
    /// An exclusion holds: the contract applies and decides `never` for
    /// every changed field (decisions 8).
    Excluded,
}

#[derive(Clone, Debug)]
pub struct Piece {
    /// The outcome after caps (and, in [`guarded`] pieces, guardrails).
    pub outcome: Outcome,
    pub rule: RuleRef,
    pub region: Region,
    /// The guardrail (index into `CheckedUnit::guardrails`) that raised
    /// the outcome here, in [`guarded`] pieces.
    pub guard: Option<usize>,
}

/// A contract's regions, computed once.
#[derive(Clone)]
pub struct Info {
    pub applicable: Region,
    pub live: Region,
    /// What the contract's triggers match: a region of the cause variables
    /// alone (no condition reads them).
    pub cause: Region,
    /// `live` without its cause factor: `live` is `cause × core_live`, and
    /// both are empty when the triggers match nothing. Rule splits run on
    /// it (a quarter of the cubes for a four-trigger contract) and take the
    /// cause product at the end; an emptiness test on it is one on `live`.
    pub core_live: Region,
    /// Applicable but excluded: the contract decides `never` there.
    pub excluded: Region,
    /// Conditions of `fields[line].rules[i]`.
    pub lines: Vec<Vec<Region>>,
    pub star: Vec<Region>,
    pub uses: Uses,
    /// Fields the contract's conditions mention (current, new, changed),
    /// and parent relations it reads (a trigger's fields are the cause's,
    /// not the write's: they are not among them).
    pub referenced: BTreeSet<FieldId>,
    pub record_fields: BTreeSet<FieldId>,
    pub parents: BTreeSet<(String, FieldId)>,
    /// Fields whose last write (the mutation's `history`) a condition
    /// reads (`set by`, `source of`).
    pub history_fields: BTreeSet<FieldId>,
}

#[derive(Clone, Debug, Default)]
pub struct Chain {
    /// Before caps: which rule decides where (for shadowing).
    pub base: Vec<Piece>,
    /// After caps.
    pub fin: Vec<Piece>,
    /// Where no rule of the line nor `*` matched.
    pub gap: Region,
}

fn cond_region(dom: &Dom<'_>, c: Option<&Cond>) -> Region {
    c.map_or_else(super::algebra::top, |c| lower(dom, c, true))
}

fn walk(c: &Cond, info: &mut Info) {
    match c {
        Cond::And(cs) | Cond::Or(cs) => cs.iter().for_each(|c| walk(c, info)),
        Cond::Not(c) => walk(c, info),
        Cond::Changed { field, .. } => {
            info.referenced.insert(*field);
        }
        Cond::Atom { subject, .. } => match subject {
            Subject::Field(f) | Subject::New(f) => {
                info.referenced.insert(*f);
                info.record_fields.insert(*f);
            }
            Subject::Parent { relation, field } => {
                info.parents.insert((relation.clone(), *field));
            }
            Subject::HistSource(f) => {
                info.history_fields.insert(*f);
            }
            _ => {}
        },
        Cond::SetBy { field, .. } => {
            info.history_fields.insert(*field);
        }
        Cond::True | Cond::False => {}
    }
}

impl Info {
    pub fn new(dom: &Dom<'_>, c: &Contract, named: &HashMap<&str, &Cond>) -> Info {
        // The cause variables are read by the triggers alone, so every
        // region below is the product of `cause` and a region without them:
        // the splits run on the second factor.
        let cause = dom.prune(triggers(dom.schema, &c.triggers));
        let core_applicable = if cause.is_empty() {
            Vec::new()
        } else {
            dom.prune(cond_region(dom, c.eligible.as_ref()))
        };
        let mut live = core_applicable.clone();
        // applicable and some exclusion holds: the union of the exclusions
        // met with `applicable` (exact, and no complement of `live`, whose
        // DNF blows up: `applicable minus live` took 90 s on one contract)
        let mut excluded = Vec::new();
        for e in &c.exclusions {
            let when = e
                .name
                .as_deref()
                .and_then(|n| named.get(n).copied())
                .unwrap_or(&e.when);
            let when = lower(dom, when, true);
            excluded.extend(and(&core_applicable, &when));
            live = dom.minus(&live, &when);
        }
        let core_live = dom.prune(live);
        let excluded = dom.prune(excluded);
        let applicable = dom.prune(and(&cause, &core_applicable));
        let live = dom.prune(and(&cause, &core_live));
        let excluded = dom.prune(and(&cause, &excluded));
        let lines = c
            .fields
            .iter()
            .map(|l| {
                l.rules
                    .iter()
                    .map(|r| cond_region(dom, r.when.as_ref()))
                    .collect()
            })
            .collect();
        let star = c.star.as_ref().map_or_else(Vec::new, |s| {
            s.rules
                .iter()
                .map(|r| cond_region(dom, r.when.as_ref()))
                .collect()
        });
        let mut info = Info {
            applicable,
            live,
            cause,
            core_live,
            excluded,
            lines,
            star,
            uses: Uses::default(),
            referenced: BTreeSet::new(),
            record_fields: BTreeSet::new(),
            parents: BTreeSet::new(),
            history_fields: BTreeSet::new(),
        };
        let mut conds: Vec<&Cond> = Vec::new();
        conds.extend(c.eligible.as_ref());
        for e in &c.exclusions {
            conds.push(&e.when);
        }
        for l in &c.fields {
            info.record_fields.insert(l.field);
            conds.extend(l.rules.iter().filter_map(|r| r.when.as_ref()));
        }
        if let Some(s) = &c.star {
            conds.extend(s.rules.iter().filter_map(|r| r.when.as_ref()));
        }
        for r in &c.approval.require {
            conds.extend(r.when.as_ref());
        }
        let mut u = Uses::default();
        for cond in conds {
            walk(cond, &mut info);
            uses(cond, &mut u);
        }
        info.uses = u;
        info
    }
}

pub fn rule_of(c: &Contract, r: RuleRef) -> Option<&Rule> {
    match r {
        RuleRef::Line(l, i) => c.fields.get(l)?.rules.get(i),
        RuleRef::Star(i) => c.star.as_ref()?.rules.get(i),
        RuleRef::Default | RuleRef::Excluded => None,
    }
}

/// The confidence bands of a contract and the cap each imposes.
fn bands(c: &Contract) -> Vec<(Option<Con>, Outcome)> {
    let mut points: Vec<Decimal> = Vec::new();
    points.extend(c.confidence.auto.as_ref().map(|t| t.0));
    points.extend(c.confidence.review.as_ref().map(|t| t.0));
    points.sort();
    points.dedup();
    if points.is_empty() {
        return vec![(None, Outcome::Auto)];
    }
    let cap = |lo: Option<Decimal>| {
        // every c in the band is >= lo (or any c when lo is None)
        let below = |t: Option<&(Decimal, crate::span::Span)>| {
            t.is_some_and(|(th, _)| lo.is_none_or(|l| l < *th))
        };
        let mut o = Outcome::Auto;
        if below(c.confidence.auto.as_ref()) {
            o = o.max(Outcome::Review);
        }
        if below(c.confidence.review.as_ref()) {
            o = o.max(Outcome::Never);
        }
        o
    };
    let band = |lo: Option<Decimal>, hi: Option<Decimal>| {
        Some(Con::Num(NumSet::new(
            vec![Interval {
                lo: lo.map(|value| Bound {
                    value,
                    closed: true,
                }),
                hi: hi.map(|value| Bound {
                    value,
                    closed: false,
                }),
            }],
            false,
            false,
        )))
    };
    let mut out = Vec::new();
    let mut lo: Option<Decimal> = None;
    for p in &points {
        out.push((band(lo, Some(*p)), cap(lo)));
        lo = Some(*p);
    }
    out.push((band(lo, None), cap(lo)));
    out
}

/// `field` is changed: on a create or an update (a delete changes no field;
/// the evaluator refuses a delete with field values).
pub fn changed(field: FieldId) -> Cube {
    let ev = Cube::single(
        Var::Event,
        Con::Bits(super::lower::EV_CREATE | super::lower::EV_UPDATE),
    );
    Cube::single(Var::Changed(field), Con::Bits(T))
        .intersect(&ev)
        .unwrap_or_else(|| Cube::single(Var::Changed(field), Con::Bits(T)))
}

/// Computes the chain of `field` for contract `c`.
pub fn chain(dom: &Dom<'_>, c: &Contract, info: &Info, field: FieldId) -> Chain {
    let chain = core_chain(dom, c, info, field);
    // each piece times the causes: the factors share no variable, so every
    // product of two non-empty cubes is non-empty
    let times = |pieces: Vec<Piece>| -> Vec<Piece> {
        pieces
            .into_iter()
            .map(|p| Piece {
                region: and(&info.cause, &p.region),
                ..p
            })
            .collect()
    };
    let mut fin = times(chain.fin);
    // where an exclusion holds the contract still applies, deciding `never`
    // (`excluded` has its cause factor already)
    let excluded = dom.prune(and(&info.excluded, &[changed(field)]));
    if !excluded.is_empty() {
        fin.push(Piece {
            outcome: Outcome::Never,
            rule: RuleRef::Excluded,
            region: excluded,
            guard: None,
        });
    }
    Chain {
        base: times(chain.base),
        fin,
        gap: and(&info.cause, &chain.gap),
    }
}

/// [`chain`] over `core_live`: the same pieces without their cause factor
/// (and without the excluded piece, which [`chain`] adds).
fn core_chain(dom: &Dom<'_>, c: &Contract, info: &Info, field: FieldId) -> Chain {
    let ctx = and(&info.core_live, &[changed(field)]);
    let mut order: Vec<(RuleRef, &Region, Outcome)> = Vec::new();
    if let Some(l) = c.fields.iter().position(|l| l.field == field) {
        for (i, r) in c.fields[l].rules.iter().enumerate() {
            order.push((RuleRef::Line(l, i), &info.lines[l][i], r.outcome));
        }
    }
    if let Some(s) = &c.star {
        for (i, r) in s.rules.iter().enumerate() {
            order.push((RuleRef::Star(i), &info.star[i], r.outcome));
        }
    }
    let mut base = Vec::new();
    let mut rem = ctx;
    for (rule, cond, outcome) in order {
        if rem.is_empty() {
            break;
        }
        let m = dom.prune(and(&rem, cond));
        if !m.is_empty() {
            base.push((rule, outcome, m));
        }
        rem = dom.prune(dom.minus(&rem, cond));
    }
    let gap = rem.clone();
    if !rem.is_empty() {
        base.push((RuleRef::Default, Outcome::Never, rem));
    }
    let f = dom.schema.field(field);
    let mut fixed = match c.mode {
        Mode::ReadOnly => Outcome::Suggest,
        Mode::Draft => Outcome::Review,
        _ => Outcome::Auto,
    };
    if f.protected {
        fixed = fixed.max(Outcome::Review);
    }
    if f.readonly {
        fixed = Outcome::Never;
    }
    let bands = bands(c);
    let sample = c.sample.rate(Some(field));
    let mut fin = Vec::new();
    for (rule, outcome, region) in &base {
        for (band, cap) in &bands {
            let o = (*outcome).max(fixed).max(*cap);
            let r = match band {
                None => region.clone(),
                Some(b) => dom.prune(and(region, &[Cube::single(Var::Confidence, b.clone())])),
            };
            if r.is_empty() {
                continue;
            }
            // Last, the review sample: where it would be `auto`, the sampled
            // buckets decide `review`.
            for (o, r) in sampled(dom, c, field, sample.filter(|_| o == Outcome::Auto), o, r) {
                if !r.is_empty() {
                    fin.push(Piece {
                        outcome: o,
                        rule: *rule,
                        region: r,
                        guard: None,
                    });
                }
            }
        }
    }
    Chain {
        base: base
            .into_iter()
            .map(|(rule, outcome, region)| Piece {
                outcome,
                rule,
                region,
                guard: None,
            })
            .collect(),
        fin,
        gap,
    }
}

/// A guardrail as chains read it: its index in `CheckedUnit::guardrails`,
/// the guardrail, and where it applies (its `when`; object and actor are
/// matched by whoever picks the guardrails for a contract).
pub type Guard<'a> = (usize, &'a Guardrail, &'a Region);

/// The regions of a unit's guardrails, by index, and the fields they
/// floor or read.
pub fn guard_regions(dom: &Dom<'_>, unit: &CheckedUnit) -> (Vec<Region>, BTreeSet<FieldId>) {
    let mut fields = BTreeSet::new();
    let regions = unit
        .guardrails
        .iter()
        .map(|g| {
            fields.extend(g.floors.iter().map(|(f, _, _)| *f));
            match &g.when {
                Some(w) => {
                    super::lower::fields_read(w, &mut fields);
                    dom.prune(lower(dom, w, true))
                }
                None => super::algebra::top(),
            }
        })
        .collect();
    (regions, fields)
}

/// `pieces` (a contract's final pieces for `field`) after the guardrails
/// that cover the contract: where one applies, the outcome is at least its
/// floor for the field. Exact: each piece is split by each guardrail's
/// region in turn (the raise is a maximum, so the order does not change
/// the outcomes); the guardrail named is the first, by name, to reach the
/// highest floor, as the evaluator names it. A guardrail applies only
/// where the contract governs, which every piece is.
pub fn guarded(
    dom: &Dom<'_>,
    pieces: &[Piece],
    field: FieldId,
    guards: &[Guard<'_>],
) -> Vec<Piece> {
    let mut out: Vec<Piece> = pieces.to_vec();
    for &(ix, g, region) in guards {
        let Some(floor) = g.floor(Some(field)) else {
            continue;
        };
        let mut next = Vec::with_capacity(out.len());
        for p in out {
            if floor <= p.outcome {
                next.push(p);
                continue;
            }
            let inside = dom.prune(and(&p.region, region));
            if inside.is_empty() {
                next.push(p);
                continue;
            }
            let outside = dom.prune(dom.minus(&p.region, region));
            if !outside.is_empty() {
                next.push(Piece {
                    region: outside,
                    ..p.clone()
                });
            }
            next.push(Piece {
                outcome: floor,
                region: inside,
                guard: Some(ix),
                ..p
            });
        }
        out = next;
    }
    out
}

/// A piece deciding `outcome` over `region`, split by a review sample at
/// `rate` (hundredths of a percent): the buckets below it `review`, the
/// rest `outcome`. No rate: the piece as it is.
fn sampled(
    dom: &Dom<'_>,
    c: &Contract,
    field: FieldId,
    rate: Option<u16>,
    outcome: Outcome,
    region: Region,
) -> Vec<(Outcome, Region)> {
    let Some(rate) = rate else {
        return vec![(outcome, region)];
    };
    let var = Var::Sample(c.name.clone(), c.version, field);
    let top = i64::from(crmc_eval::sample::SCALE) - 1;
    let rate = i64::from(rate);
    let within = |lo: i64, hi: i64| {
        let band = [Cube::single(var.clone(), calendar::span(lo, hi, false))];
        dom.prune(and(&region, &band))
    };
    if rate > top {
        return vec![(Outcome::Review, region)];
    }
    vec![
        (Outcome::Review, within(0, rate - 1)),
        (outcome, within(rate, top)),
    ]
}

/// Fields worth analysing for a group of contracts on one object: every
/// listed or referenced field (by the contracts or by a guardrail), plus
/// one unmentioned field per attribute class (plain, protected, readonly)
/// standing for all the others (their outcomes cannot differ).
pub fn fields_for(
    dom: &Dom<'_>,
    object: crate::check::model::ObjectId,
    group: &[(&Contract, &Info)],
    guard_fields: &BTreeSet<FieldId>,
) -> Vec<FieldId> {
    let mut set: BTreeSet<FieldId> = BTreeSet::new();
    // a field a guardrail floors or reads is told apart from the others
    set.extend(guard_fields.iter().copied().filter(|f| f.object == object));
    let mut any_star = false;
    for (c, i) in group {
        set.extend(c.fields.iter().map(|l| l.field));
        set.extend(i.referenced.iter().copied().filter(|f| f.object == object));
        any_star |= c.star.is_some();
    }
    if any_star {
        let extra = stand_ins(dom, object, &set);
        set.extend(extra);
    }
    set.into_iter().collect()
}

/// One field of `object` per attribute class (plain, protected, readonly)
/// that `mentioned` lacks: each stands for every unmentioned field of its
/// class (nothing in the contracts tells them apart).
pub fn stand_ins(
    dom: &Dom<'_>,
    object: crate::check::model::ObjectId,
    mentioned: &BTreeSet<FieldId>,
) -> Vec<FieldId> {
    let mut out = Vec::new();
    let mut classes = [false; 3];
    for (idx, fd) in dom.schema.object(object).fields.iter().enumerate() {
        let id = FieldId {
            object,
            index: idx as u32,
        };
        let class = if fd.readonly {
            2
        } else if fd.protected {
            1
        } else {
            0
        };
        if !mentioned.contains(&id) && !classes[class] {
            classes[class] = true;
            out.push(id);
        }
    }
    out
}
