//! The findings of analysis-v1, as data. [`super::render`] turns them into
//! diagnostics.

use super::algebra::{and, Cube, Dom, Region, Var};
use super::chain::{chain, fields_for, rule_of, Chain, Info, RuleRef};
use super::explain;
use super::witness::{mutation, pin_record, Parts};
use crate::check::model::{AuditField, CheckedUnit, Cond, Contract, FieldId, Outcome, Trigger};
use petgraph::graph::{DiGraph, NodeIndex};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;

/// One finding. Contracts are indexes into `CheckedUnit::contracts`.
#[derive(Clone, Debug)]
pub enum Finding {
    Conflict {
        a: usize,
        b: usize,
        field: FieldId,
        a_rule: RuleRef,
        b_rule: RuleRef,
        a_outcome: Outcome,
        b_outcome: Outcome,
        witness: Value,
        /// Neither contract lists or reads `field`: it stands for every
        /// such field of its kind, which their `*` rules decide alike.
        representative: bool,
    },
    Ownership {
        a: usize,
        b: usize,
        field: FieldId,
        a_rule: RuleRef,
        b_rule: RuleRef,
        /// `a`'s mutation; `other` is `b`'s on the same record.
        witness: Value,
        other: Value,
    },
    Shadowed {
        contract: usize,
        rule: RuleRef,
        /// The earlier rules that cover it (empty: the contract's eligible,
        /// not-excluded region leaves it nothing).
        by: Vec<RuleRef>,
    },
    DeadRule {
        contract: usize,
        rule: RuleRef,
        why: String,
    },
    DeadContract {
        contract: usize,
        why: String,
        /// It applies somewhere, but an exclusion holds wherever it does
        /// (it decides `never` there, decisions 8).
        all_excluded: bool,
    },
    Gap {
        contract: usize,
        line: usize,
        witness: Value,
    },
    /// One strongly connected component of the trigger graph.
    Loop {
        /// The headline cycle (an all-`auto` one when there is one):
        /// contract, then the field it writes that triggers the next one.
        cycle: Vec<(usize, FieldId)>,
        /// Some elementary cycle of the component has only `auto` edges
        /// (exact, whatever the enumeration bound).
        all_auto: bool,
        /// The component's other elementary cycles, each with whether all
        /// its edges are `auto`, up to [`MAX_CYCLES`] in all.
        others: Vec<(Vec<(usize, FieldId)>, bool)>,
        /// The enumeration stopped at the bound: there are more cycles.
        bounded: bool,
    },
    ThresholdOrder {
        contract: usize,
    },
    NoApprover {
        contract: usize,
        level: Outcome,
        /// The rules (with their field) that reach this level.
        rules: Vec<(FieldId, RuleRef)>,
    },
    UnsuppressedAutomation {
        contract: usize,
    },
    NoRollback {
        contract: usize,
    },
    ThinAudit {
        contract: usize,
        missing: Vec<AuditField>,
    },
}

/// What the whole-unit phases (ownership, loops) need of a chain.
pub struct Summary {
    /// Some piece decides below `suggest` (the contract writes the field).
    pub writes: bool,
    /// Some piece decides `auto`.
    pub auto: bool,
    /// The `auto` pieces' cubes, in chain order.
    pub autos: Vec<(RuleRef, super::algebra::Cube)>,
}

impl Summary {
    fn of(ch: &Chain) -> Summary {
        Summary {
            writes: ch.fin.iter().any(|p| p.outcome < Outcome::Suggest),
            auto: ch.fin.iter().any(|p| p.outcome == Outcome::Auto),
            autos: ch
                .fin
                .iter()
                .filter(|p| p.outcome == Outcome::Auto)
                .flat_map(|p| p.region.iter().map(move |c| (p.rule, c.clone())))
                .collect(),
        }
    }
}

/// Shared state: infos and chains, computed on demand. Full chains are kept
/// only while one contract's per-contract findings are made; after that,
/// [`Summary`]s.
pub struct Ctx<'u> {
    pub unit: &'u CheckedUnit,
    pub dom: Dom<'u>,
    pub infos: Vec<Info>,
    chains: HashMap<(usize, FieldId), Rc<Chain>>,
    summaries: HashMap<(usize, FieldId), Rc<Summary>>,
}

impl<'u> Ctx<'u> {
    pub fn new(unit: &'u CheckedUnit) -> Ctx<'u> {
        let dom = Dom::new(&unit.schema);
        let named: HashMap<&str, &Cond> = unit
            .exclusions
            .iter()
            .map(|e| (e.name.as_str(), &e.when))
            .collect();
        let infos = unit
            .contracts
            .iter()
            .map(|c| Info::new(&dom, c, &named))
            .collect();
        Ctx {
            unit,
            dom,
            infos,
            chains: HashMap::new(),
            summaries: HashMap::new(),
        }
    }

    /// Replaces the cached chains by their summaries.
    fn summarize(&mut self) {
        for (k, ch) in self.chains.drain() {
            self.summaries.insert(k, Rc::new(Summary::of(&ch)));
        }
    }

    pub fn summary(&mut self, c: usize, f: FieldId) -> Rc<Summary> {
        if let Some(s) = self.summaries.get(&(c, f)) {
            return s.clone();
        }
        let s = Rc::new(match self.chains.get(&(c, f)) {
            Some(ch) => Summary::of(ch),
            None => Summary::of(&chain(
                &self.dom,
                &self.unit.contracts[c],
                &self.infos[c],
                f,
            )),
        });
        self.summaries.insert((c, f), s.clone());
        s
    }

    pub fn chain(&mut self, c: usize, f: FieldId) -> Rc<Chain> {
        let unit = self.unit;
        let dom = &self.dom;
        let infos = &self.infos;
        self.chains
            .entry((c, f))
            .or_insert_with(|| Rc::new(chain(dom, &unit.contracts[c], &infos[c], f)))
            .clone()
    }

    fn parts(&self, cs: &[usize], decided: &[FieldId]) -> Parts<'_> {
        Parts {
            contracts: cs
                .iter()
                .map(|&i| (&self.unit.contracts[i], &self.infos[i]))
                .collect(),
            decided: decided.to_vec(),
        }
    }

    /// Fields a contract may decide for (listed, referenced, representatives).
    fn own_fields(&self, c: usize) -> Vec<FieldId> {
        let k = &self.unit.contracts[c];
        fields_for(&self.dom, k.object, &[(k, &self.infos[c])])
    }
}

pub fn compatible(a: &Contract, b: &Contract) -> bool {
    a.actor.kind == b.actor.kind
        && match (&a.actor.name, &b.actor.name) {
            (Some(x), Some(y)) => x == y,
            _ => true,
        }
}

/// Findings plus facts about their exactness.
pub struct Report {
    pub findings: Vec<Finding>,
    /// Some string-pattern question was not settled (treated as empty).
    pub gave_up: bool,
    /// Every overlapping pair has its own finding and witness.
    pub all_witnesses: bool,
}

/// What the analysis reports.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// One conflict/ownership finding (with witness) per overlapping pair of
    /// contracts. Off: only the pairs that connect a component of the
    /// overlap graph (at most N - 1 for N contracts), so output and memory
    /// stay linear in the contracts involved.
    pub all_witnesses: bool,
}

pub fn findings(unit: &CheckedUnit) -> Vec<Finding> {
    run(unit).findings
}

/// Every overlapping pair, with its witness (for tests that hold each one).
pub fn all_findings(unit: &CheckedUnit) -> Vec<Finding> {
    run_with(
        unit,
        Options {
            all_witnesses: true,
        },
    )
    .findings
}

pub fn run(unit: &CheckedUnit) -> Report {
    run_with(unit, Options::default())
}

/// Connected components of (contract, field) nodes, growing as pairs are
/// found: a pair already connected adds no contract to any finding.
#[derive(Default)]
struct Components {
    ids: HashMap<(usize, FieldId), usize>,
    parent: Vec<usize>,
}

impl Components {
    fn id(&mut self, k: (usize, FieldId)) -> usize {
        let n = self.parent.len();
        let id = *self.ids.entry(k).or_insert(n);
        if id == n {
            self.parent.push(n);
        }
        id
    }

    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    fn connected(&mut self, a: (usize, FieldId), b: (usize, FieldId)) -> bool {
        let (x, y) = (self.id(a), self.id(b));
        self.find(x) == self.find(y)
    }

    fn union(&mut self, a: (usize, FieldId), b: (usize, FieldId)) {
        let (x, y) = (self.id(a), self.id(b));
        let (x, y) = (self.find(x), self.find(y));
        self.parent[x] = y;
    }
}

pub fn run_with(unit: &CheckedUnit, opts: Options) -> Report {
    let mut t = super::Phases::new();
    let mut cx = Ctx::new(unit);
    t.mark("regions");
    let mut out = Vec::new();
    let mut dead = vec![false; unit.contracts.len()];
    for (i, c) in unit.contracts.iter().enumerate() {
        if let Some(f) = dead_contract(&cx, i) {
            dead[i] = true;
            out.push(f);
        }
        per_rule(&mut cx, i, dead[i], &mut out);
        hygiene(&mut cx, i, c, dead[i], &mut out);
        cx.summarize();
    }
    t.mark("per-contract");
    conflicts(&mut cx, opts, &mut out);
    cx.summarize();
    t.mark("conflicts");
    ownership(&mut cx, &dead, opts, &mut out);
    t.mark("ownership");
    loops(&mut cx, &dead, &mut out);
    t.mark("loops");
    Report {
        findings: out,
        gave_up: cx.dom.gave_up.get(),
        all_witnesses: opts.all_witnesses,
    }
}

fn dead_contract(cx: &Ctx<'_>, i: usize) -> Option<Finding> {
    if !cx.infos[i].live.is_empty() {
        return None;
    }
    let c = &cx.unit.contracts[i];
    Some(Finding::DeadContract {
        contract: i,
        why: explain::dead_contract(&cx.dom, cx.unit, c),
        all_excluded: !cx.infos[i].applicable.is_empty(),
    })
}

fn per_rule(cx: &mut Ctx<'_>, i: usize, dead: bool, out: &mut Vec<Finding>) {
    let unit = cx.unit;
    let c = &unit.contracts[i];
    // dead rules: the condition alone (with its field changed) never holds
    let mut dead_rules: BTreeSet<RuleRef> = BTreeSet::new();
    for (l, line) in c.fields.iter().enumerate() {
        for (r, rule) in line.rules.iter().enumerate() {
            let changed = [super::chain::changed(line.field)];
            let alone = and(&cx.infos[i].lines[l][r], &changed);
            if cx.dom.region_empty(&alone) {
                if let Some(w) = &rule.when {
                    dead_rules.insert(RuleRef::Line(l, r));
                    out.push(Finding::DeadRule {
                        contract: i,
                        rule: RuleRef::Line(l, r),
                        why: explain::dead_cond(&cx.dom, unit, w, Some(line.field)),
                    });
                }
            }
        }
    }
    if let Some(s) = &c.star {
        for (r, rule) in s.rules.iter().enumerate() {
            if cx.dom.region_empty(&cx.infos[i].star[r]) {
                if let Some(w) = &rule.when {
                    dead_rules.insert(RuleRef::Star(r));
                    out.push(Finding::DeadRule {
                        contract: i,
                        rule: RuleRef::Star(r),
                        why: explain::dead_cond(&cx.dom, unit, w, None),
                    });
                }
            }
        }
    }
    if dead {
        return;
    }
    // shadowing and gaps, from the chains
    let mut star_decides: BTreeSet<usize> = BTreeSet::new();
    for (l, line) in c.fields.iter().enumerate() {
        let ch = cx.chain(i, line.field);
        let deciding: BTreeSet<RuleRef> = ch.base.iter().map(|p| p.rule).collect();
        for p in &ch.base {
            if let RuleRef::Star(s) = p.rule {
                star_decides.insert(s);
            }
        }
        for r in 0..line.rules.len() {
            let rr = RuleRef::Line(l, r);
            if deciding.contains(&rr) || dead_rules.contains(&rr) {
                continue;
            }
            let by = covering(cx, i, line.field, l, r);
            out.push(Finding::Shadowed {
                contract: i,
                rule: rr,
                by,
            });
        }
        if !ch.gap.is_empty() {
            if let Some((_, a)) = cx.dom.first(&ch.gap) {
                let w = mutation(&cx.dom, &cx.parts(&[i], &[line.field]), &a);
                out.push(Finding::Gap {
                    contract: i,
                    line: l,
                    witness: w,
                });
            }
        }
    }
    if let Some(s) = &c.star {
        let listed: BTreeSet<FieldId> = c.fields.iter().map(|l| l.field).collect();
        for f in cx.own_fields(i) {
            if listed.contains(&f) {
                continue;
            }
            for p in &cx.chain(i, f).base {
                if let RuleRef::Star(s) = p.rule {
                    star_decides.insert(s);
                }
            }
        }
        // a delete changes no field: its one target, the record (`*`), is
        // decided by the `*` rules alone (the evaluator's record target)
        let mut del = Cube::single(
            Var::Event,
            super::algebra::Con::Bits(super::lower::EV_DELETE),
        );
        let fields = unit.schema.object(c.object).fields.len() as u32;
        for index in 0..fields {
            let f = FieldId {
                object: c.object,
                index,
            };
            let unchanged = Cube::single(
                Var::Changed(f),
                super::algebra::Con::Bits(super::algebra::F),
            );
            del = del.intersect(&unchanged).unwrap_or(del);
        }
        let del = [del];
        let mut rem = cx.dom.prune(and(&cx.infos[i].live, &del));
        for r in 0..s.rules.len() {
            if rem.is_empty() {
                break;
            }
            if !cx.dom.region_empty(&and(&rem, &cx.infos[i].star[r])) {
                star_decides.insert(r);
            }
            rem = cx.dom.prune(cx.dom.minus(&rem, &cx.infos[i].star[r]));
        }
        for r in 0..s.rules.len() {
            if star_decides.contains(&r) || dead_rules.contains(&RuleRef::Star(r)) {
                continue;
            }
            let mut by: Vec<RuleRef> = (0..r).map(RuleRef::Star).collect();
            by.retain(|b| {
                let RuleRef::Star(b) = *b else { return false };
                !cx.dom
                    .region_empty(&and(&cx.infos[i].star[b], &cx.infos[i].star[r]))
            });
            out.push(Finding::Shadowed {
                contract: i,
                rule: RuleRef::Star(r),
                by,
            });
        }
    }
}

/// The earlier rules of the line that overlap rule `r` within the live region.
fn covering(cx: &Ctx<'_>, i: usize, field: FieldId, l: usize, r: usize) -> Vec<RuleRef> {
    let info = &cx.infos[i];
    let ctx = and(&info.live, &[super::chain::changed(field)]);
    let mine = and(&ctx, &info.lines[l][r]);
    (0..r)
        .filter(|&j| !cx.dom.region_empty(&and(&mine, &info.lines[l][j])))
        .map(|j| RuleRef::Line(l, j))
        .collect()
}

fn can_auto(cx: &mut Ctx<'_>, i: usize) -> bool {
    cx.own_fields(i).into_iter().any(|f| {
        cx.chain(i, f)
            .fin
            .iter()
            .any(|p| p.outcome == Outcome::Auto)
    })
}

fn hygiene(cx: &mut Ctx<'_>, i: usize, c: &Contract, dead: bool, out: &mut Vec<Finding>) {
    if let (Some((a, _)), Some((r, _))) = (&c.confidence.auto, &c.confidence.review) {
        if a < r {
            out.push(Finding::ThresholdOrder { contract: i });
        }
    }
    let missing: Vec<AuditField> = AuditField::REQUIRED
        .iter()
        .copied()
        .filter(|f| c.audit.as_ref().is_none_or(|a| !a.fields.contains(f)))
        .collect();
    if !missing.is_empty() {
        out.push(Finding::ThinAudit {
            contract: i,
            missing,
        });
    }
    if dead {
        return;
    }
    // no approver
    let mut need: BTreeMap<Outcome, Vec<(FieldId, RuleRef)>> = BTreeMap::new();
    for f in cx.own_fields(i) {
        let ch = cx.chain(i, f);
        for p in &ch.fin {
            if !matches!(p.outcome, Outcome::Review | Outcome::Escalate) {
                continue;
            }
            let routed_rule =
                rule_of(c, p.rule).is_some_and(|r| r.route.is_some() && r.outcome == p.outcome);
            let routed_level = match p.outcome {
                Outcome::Review => c.approval.review.is_some(),
                _ => c.approval.escalate.is_some(),
            };
            if !routed_rule && !routed_level {
                let v = need.entry(p.outcome).or_default();
                if !v.contains(&(f, p.rule)) {
                    v.push((f, p.rule));
                }
            }
        }
    }
    for (level, rules) in need {
        out.push(Finding::NoApprover {
            contract: i,
            level,
            rules,
        });
    }
    if can_auto(cx, i) {
        if c.exclusions.is_empty() {
            out.push(Finding::UnsuppressedAutomation { contract: i });
        }
        if c.rollback.is_none() {
            out.push(Finding::NoRollback { contract: i });
        }
    }
}

/// Groups of contracts on one object that may be the same actor.
fn actor_pairs(unit: &CheckedUnit, dead: &[bool], same: bool) -> Vec<(usize, usize)> {
    let mut by_object: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for (i, c) in unit.contracts.iter().enumerate() {
        if !dead[i] {
            by_object.entry(c.object.0).or_default().push(i);
        }
    }
    let mut out = Vec::new();
    for members in by_object.values() {
        if same {
            // index by (kind, name); `*` contracts pair with every name
            let mut named: BTreeMap<(u8, &str), Vec<usize>> = BTreeMap::new();
            let mut stars: BTreeMap<u8, Vec<usize>> = BTreeMap::new();
            for &i in members {
                let a = &unit.contracts[i].actor;
                let k = a.kind as u8;
                match &a.name {
                    Some(n) => named.entry((k, n.as_str())).or_default().push(i),
                    None => stars.entry(k).or_default().push(i),
                }
            }
            for (&(k, _), group) in &named {
                for (x, &a) in group.iter().enumerate() {
                    for &b in &group[x + 1..] {
                        out.push((a, b));
                    }
                    for &s in stars.get(&k).map_or(&[][..], |v| v) {
                        out.push((a.min(s), a.max(s)));
                    }
                }
            }
            for group in stars.values() {
                for (x, &a) in group.iter().enumerate() {
                    for &b in &group[x + 1..] {
                        out.push((a, b));
                    }
                }
            }
        } else {
            for (x, &a) in members.iter().enumerate() {
                for &b in &members[x + 1..] {
                    if !compatible(&unit.contracts[a], &unit.contracts[b]) {
                        out.push((a, b));
                    }
                }
            }
        }
    }
    out.sort();
    out
}

fn regions_meet(dom: &Dom<'_>, a: &Region, b: &Region) -> bool {
    a.iter().any(|x| {
        b.iter()
            .any(|y| x.intersect(y).is_some_and(|c| dom.sat(&c)))
    })
}

fn conflicts(cx: &mut Ctx<'_>, opts: Options, out: &mut Vec<Finding>) {
    let unit = cx.unit;
    let mut comps = Components::default();
    // An excluded contract still applies and decides `never` (decisions 8),
    // so conflicts are over the applicable regions, exclusions included.
    let inapplicable: Vec<bool> = cx.infos.iter().map(|i| i.applicable.is_empty()).collect();
    for (a, b) in actor_pairs(unit, &inapplicable, true) {
        if !regions_meet(&cx.dom, &cx.infos[a].applicable, &cx.infos[b].applicable) {
            continue;
        }
        let (ca, cb) = (&unit.contracts[a], &unit.contracts[b]);
        let fields = fields_for(
            &cx.dom,
            ca.object,
            &[(ca, &cx.infos[a]), (cb, &cx.infos[b])],
        );
        for f in fields {
            let listed = ca.rules_for(f).is_some() || cb.rules_for(f).is_some();
            if !listed && ca.star.is_none() && cb.star.is_none() {
                continue;
            }
            if !opts.all_witnesses && comps.connected((a, f), (b, f)) {
                continue;
            }
            let ca_f = cx.chain(a, f);
            let cb_f = cx.chain(b, f);
            'pairs: for x in &ca_f.fin {
                for y in &cb_f.fin {
                    if x.outcome == y.outcome {
                        continue;
                    }
                    for cxa in &x.region {
                        for cyb in &y.region {
                            let Some(m) = cxa.intersect(cyb) else {
                                continue;
                            };
                            if let Some(asg) = cx.dom.solve(&m) {
                                let w = mutation(&cx.dom, &cx.parts(&[a, b], &[f]), &asg);
                                comps.union((a, f), (b, f));
                                out.push(Finding::Conflict {
                                    a,
                                    b,
                                    field: f,
                                    a_rule: x.rule,
                                    b_rule: y.rule,
                                    a_outcome: x.outcome,
                                    b_outcome: y.outcome,
                                    witness: w,
                                    representative: !listed
                                        && !cx.infos[a].referenced.contains(&f)
                                        && !cx.infos[b].referenced.contains(&f),
                                });
                                break 'pairs;
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Record variables: what two different actors' mutations can share.
fn is_record_var(v: &Var) -> bool {
    match v {
        Var::Field(_) | Var::Parent(..) => true,
        Var::Pat(base, ..) => is_record_var(base),
        _ => false,
    }
}

/// An auto-deciding cube, with its projection on the record variables.
type AutoCube = (RuleRef, Cube, Cube);

/// Whether any rule (syntactically) could make contract `c` decide `auto`
/// for `f` (listed: its line or `*`; unlisted: `*`).
fn may_auto(c: &Contract, f: FieldId) -> bool {
    let star = c
        .star
        .as_ref()
        .is_some_and(|s| s.rules.iter().any(|r| r.outcome == Outcome::Auto));
    let line = c
        .rules_for(f)
        .is_some_and(|l| l.rules.iter().any(|r| r.outcome == Outcome::Auto));
    line || star
}

fn ownership(cx: &mut Ctx<'_>, dead: &[bool], opts: Options, out: &mut Vec<Finding>) {
    let unit = cx.unit;
    let mut comps = Components::default();
    // index: (object) -> field -> contracts that can auto it, with their cubes
    let mut by_object: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for (i, c) in unit.contracts.iter().enumerate() {
        if !dead[i] {
            by_object.entry(c.object.0).or_default().push(i);
        }
    }
    for members in by_object.values() {
        let Some(&first) = members.first() else {
            continue;
        };
        let object = unit.contracts[first].object;
        let group: Vec<(&Contract, &Info)> = members
            .iter()
            .map(|&i| (&unit.contracts[i], &cx.infos[i]))
            .collect();
        let universe = fields_for(&cx.dom, object, &group);
        for f in universe {
            let mut autos: Vec<(usize, Vec<AutoCube>)> = Vec::new();
            for &k in members {
                if !may_auto(&unit.contracts[k], f) {
                    continue;
                }
                let v: Vec<AutoCube> = cx
                    .summary(k, f)
                    .autos
                    .iter()
                    .map(|(r, c)| (*r, c.clone(), c.project(is_record_var)))
                    .collect();
                if !v.is_empty() {
                    autos.push((k, v));
                }
            }
            for (x, y) in overlapping(&autos) {
                let ((a, xa), (b, xb)) = (&autos[x], &autos[y]);
                if compatible(&unit.contracts[*a], &unit.contracts[*b]) {
                    continue;
                }
                if !opts.all_witnesses && comps.connected((*a, f), (*b, f)) {
                    continue;
                }
                if ownership_pair(cx, *a, *b, f, xa, xb, out) {
                    comps.union((*a, f), (*b, f));
                }
            }
        }
    }
}

/// The pairs `(x, y)`, `x < y`, of `autos` whose auto cubes may meet on
/// the record, in order: a sweep over the hulls of one numeric record
/// variable (the one most cubes constrain, typically an `eligible` band)
/// instead of every pair. Entries the variable does not bound (or that
/// allow its empty value) pair with every entry. A superset of the pairs
/// with meeting cubes; [`ownership_pair`] decides exactly.
fn overlapping(autos: &[(usize, Vec<AutoCube>)]) -> Vec<(usize, usize)> {
    use super::algebra::Con;
    // the numeric record variable constrained by the most cubes
    let mut counts: BTreeMap<&Var, usize> = BTreeMap::new();
    for (_, cubes) in autos {
        for (_, _, p) in cubes {
            for (v, c) in &p.cons {
                if matches!(v, Var::Field(_)) && matches!(c, Con::Num(_)) {
                    *counts.entry(v).or_default() += 1;
                }
            }
        }
    }
    let Some(var) = counts
        .iter()
        .max_by_key(|(v, n)| (**n, std::cmp::Reverse(**v)))
        .map(|(v, _)| (*v).clone())
    else {
        return all_pairs(autos.len());
    };
    type Hull = (
        Option<crate::decimal::Decimal>,
        Option<crate::decimal::Decimal>,
    );
    // per entry: the hull of its cubes on `var`, or None (unbounded/empty)
    let hull = |cubes: &[AutoCube]| -> Option<Hull> {
        let mut acc: Option<Hull> = None;
        for (_, _, p) in cubes {
            let Some(Con::Num(n)) = p.get(&var) else {
                return None;
            };
            if n.empty {
                return None;
            }
            let (Some(first), Some(last)) = (n.intervals.first(), n.intervals.last()) else {
                continue;
            };
            let (lo, hi) = (first.lo.map(|b| b.value), last.hi.map(|b| b.value));
            acc = Some(match acc {
                None => (lo, hi),
                Some((alo, ahi)) => (
                    alo.zip(lo).map(|(a, b)| a.min(b)),
                    ahi.zip(hi).map(|(a, b)| a.max(b)),
                ),
            });
        }
        Some(acc.unwrap_or((None, None)))
    };
    let mut wide: Vec<usize> = Vec::new();
    let mut narrow: Vec<(Hull, usize)> = Vec::new();
    for (x, (_, cubes)) in autos.iter().enumerate() {
        match hull(cubes) {
            Some(h) => narrow.push((h, x)),
            None => wide.push(x),
        }
    }
    // sort by lower end (None first)
    narrow.sort_by(|a, b| a.0 .0.cmp(&b.0 .0).then(a.1.cmp(&b.1)));
    let mut out: Vec<(usize, usize)> = Vec::new();
    let pair = |x: usize, y: usize| (x.min(y), x.max(y));
    for (k, &((_, hi), x)) in narrow.iter().enumerate() {
        for &((lo2, _), y) in &narrow[k + 1..] {
            // sorted by lower end: once one starts after `hi`, all do
            if let (Some(h), Some(l)) = (hi, lo2) {
                if l > h {
                    break;
                }
            }
            out.push(pair(x, y));
        }
    }
    for (k, &x) in wide.iter().enumerate() {
        for &y in &wide[k + 1..] {
            out.push(pair(x, y));
        }
        for &(_, y) in &narrow {
            out.push(pair(x, y));
        }
    }
    out.sort_unstable();
    out
}

fn all_pairs(n: usize) -> Vec<(usize, usize)> {
    (0..n)
        .flat_map(|x| (x + 1..n).map(move |y| (x, y)))
        .collect()
}

fn ownership_pair(
    cx: &Ctx<'_>,
    a: usize,
    b: usize,
    f: FieldId,
    xa: &[AutoCube],
    xb: &[AutoCube],
    out: &mut Vec<Finding>,
) -> bool {
    let unit = cx.unit;
    {
        {
            for (ra, qa, pa) in xa {
                for (rb, qb, pb) in xb {
                    // cheap test on the record variables first
                    if !pa.meets(pb) {
                        continue;
                    }
                    let Some(m) = qa.intersect(pb) else {
                        continue;
                    };
                    let Some(asg_a) = cx.dom.solve(&m) else {
                        continue;
                    };
                    let pin = pin_record(&asg_a, qb);
                    let Some(mb) = qb.intersect(&pin) else {
                        continue;
                    };
                    let Some(mut asg_b) = cx.dom.solve(&mb) else {
                        continue;
                    };
                    for (v, val) in &asg_a {
                        if is_record_var(v) && !matches!(v, Var::Pat(..)) {
                            asg_b.insert(v.clone(), val.clone());
                        }
                    }
                    // both mutations carry the fields either contract reads
                    let parts = cx.parts(&[a, b], &[f]);
                    let mut wa = mutation(&cx.dom, &parts, &asg_a);
                    let parts_b = cx.parts(&[b, a], &[f]);
                    let wb = mutation(&cx.dom, &parts_b, &asg_b);
                    // actor names: each its own
                    set_actor(&mut wa, &unit.contracts[a]);
                    let mut wb = wb;
                    set_actor(&mut wb, &unit.contracts[b]);
                    out.push(Finding::Ownership {
                        a,
                        b,
                        field: f,
                        a_rule: *ra,
                        b_rule: *rb,
                        witness: wa,
                        other: wb,
                    });
                    return true;
                }
            }
        }
    }
    false
}

fn set_actor(w: &mut Value, c: &Contract) {
    if let Some(actor) = w.get_mut("actor") {
        *actor = serde_json::json!({
            "kind": c.actor.kind.as_str(),
            "name": c.actor.name.clone().unwrap_or_else(|| "any".to_string()),
        });
    }
}

fn loops(cx: &mut Ctx<'_>, dead: &[bool], out: &mut Vec<Finding>) {
    let unit = cx.unit;
    let n = unit.contracts.len();
    let mut g: DiGraph<usize, (FieldId, bool)> = DiGraph::new();
    let nodes: Vec<NodeIndex> = (0..n).map(|i| g.add_node(i)).collect();
    // index triggers: (object, field) -> contracts; and "any update"
    let mut by_field: BTreeMap<FieldId, Vec<usize>> = BTreeMap::new();
    let mut any_update: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for (i, c) in unit.contracts.iter().enumerate() {
        if dead[i] {
            continue;
        }
        for t in &c.triggers {
            match t {
                Trigger::Update(None) => any_update.entry(c.object.0).or_default().push(i),
                Trigger::Update(Some(fs)) => {
                    for f in fs {
                        by_field.entry(*f).or_default().push(i);
                    }
                }
                _ => {}
            }
        }
    }
    for a in 0..n {
        if dead[a] {
            continue;
        }
        let ca = &unit.contracts[a];
        // fields a can write, with whether it can auto them
        let mut writes: BTreeMap<FieldId, bool> = BTreeMap::new();
        for f in cx.own_fields(a) {
            let s = cx.summary(a, f);
            if s.writes {
                writes.insert(f, s.auto);
            }
        }
        // a `*` rule writes every unlisted field like its representative
        let star_class: Vec<(FieldId, bool)> = writes
            .iter()
            .filter(|(f, _)| ca.rules_for(**f).is_none() && !cx.infos[a].referenced.contains(f))
            .map(|(f, w)| (*f, *w))
            .collect();
        let mut edges: BTreeMap<usize, (FieldId, bool)> = BTreeMap::new();
        let mut add = |b: usize, f: FieldId, auto: bool| {
            // A loop is two automations re-triggering each other. The
            // contracts of one actor govern that one automation (split by
            // `eligible`), and its own writes matching its own `trigger` is
            // what governing them means, not a second automation starting.
            let same_automation = unit
                .contracts
                .get(b)
                .is_some_and(|cb| cb.actor.kind == ca.actor.kind && cb.actor.name == ca.actor.name);
            if b == a || same_automation {
                return;
            }
            let e = edges.entry(b).or_insert((f, auto));
            if auto && !e.1 {
                *e = (f, auto);
            }
        };
        for (&f, &auto) in &writes {
            for &b in by_field.get(&f).map_or(&[][..], |v| v) {
                add(b, f, auto);
            }
            for &b in any_update.get(&ca.object.0).map_or(&[][..], |v| v) {
                add(b, f, auto);
            }
        }
        if !star_class.is_empty() {
            // triggers listing fields a writes only through `*`
            for (&tf, bs) in &by_field {
                if tf.object != ca.object || writes.contains_key(&tf) || ca.rules_for(tf).is_some()
                {
                    continue;
                }
                if cx.infos[a].referenced.contains(&tf) {
                    continue;
                }
                let fd = cx.dom.schema.field(tf);
                for &(rep, auto) in &star_class {
                    let rd = cx.dom.schema.field(rep);
                    if rd.readonly == fd.readonly && rd.protected == fd.protected {
                        for &b in bs {
                            add(b, tf, auto);
                        }
                    }
                }
            }
        }
        for (b, (f, auto)) in edges {
            g.add_edge(nodes[a], nodes[b], (f, auto));
        }
    }
    for scc in petgraph::algo::tarjan_scc(&g) {
        if scc.len() < 2 {
            continue;
        }
        let members: BTreeSet<NodeIndex> = scc.iter().copied().collect();
        // Exact: an all-auto elementary cycle exists iff the component's
        // auto edges alone close a cycle; each such auto component gets
        // one all-auto cycle listed even when the enumeration was bounded.
        let auto_parts = auto_cycle_parts(&g, &members);
        let (mut cycles, bounded) = elementary_cycles(&g, &members);
        for part in &auto_parts {
            let listed = cycles.iter().any(|(c, auto)| {
                *auto && c.iter().any(|(i, _)| part.contains(&NodeIndex::new(*i)))
            });
            if listed {
                continue;
            }
            if let Some(&start) = part.iter().min_by_key(|n| g[**n]) {
                if let Some(c) = cycle_through(&g, start, part, true) {
                    cycles.push((c, true));
                }
            }
        }
        // headline: the first all-auto cycle, else the shortest
        let head = cycles
            .iter()
            .position(|(_, auto)| *auto)
            .or_else(|| (0..cycles.len()).min_by_key(|&k| (cycles[k].0.len(), k)));
        let Some(head) = head else { continue };
        let (cycle, _) = cycles.remove(head);
        out.push(Finding::Loop {
            cycle,
            all_auto: !auto_parts.is_empty(),
            others: cycles,
            bounded,
        });
    }
}

/// How many elementary cycles one loop finding lists at most.
pub const MAX_CYCLES: usize = 16;
/// Search steps spent enumerating one component's cycles at most.
const MAX_CYCLE_STEPS: usize = 100_000;

/// The strongly connected parts of `members` over `auto` edges alone that
/// close a cycle (none: no all-`auto` cycle). There are no self-loops: a
/// contract's own writes never make an edge.
fn auto_cycle_parts(
    g: &DiGraph<usize, (FieldId, bool)>,
    members: &BTreeSet<NodeIndex>,
) -> Vec<BTreeSet<NodeIndex>> {
    let sub = g.filter_map(
        |n, w| members.contains(&n).then_some(*w),
        |_, w| w.1.then_some(*w),
    );
    // `sub` renumbers its nodes; its node weights are contract indexes, and
    // node `i` of `g` is contract `i` (added in order), so map back by weight
    petgraph::algo::tarjan_scc(&sub)
        .into_iter()
        .filter(|scc| scc.len() >= 2)
        .map(|scc| scc.iter().map(|n| NodeIndex::new(sub[*n])).collect())
        .collect()
}

type Cycle = Vec<(usize, FieldId)>;
/// A search frame: the node, its out-edges (target, field, auto), the next.
type Frame = (NodeIndex, Vec<(NodeIndex, FieldId, bool)>, usize);

/// The elementary cycles of one component, each rooted at its smallest
/// node, in search order, with whether every edge is `auto`; at most
/// [`MAX_CYCLES`] and [`MAX_CYCLE_STEPS`] search steps (then `true`).
fn elementary_cycles(
    g: &DiGraph<usize, (FieldId, bool)>,
    members: &BTreeSet<NodeIndex>,
) -> (Vec<(Cycle, bool)>, bool) {
    use petgraph::visit::EdgeRef;
    let mut out: Vec<(Cycle, bool)> = Vec::new();
    let mut steps = 0usize;
    let order: Vec<NodeIndex> = members.iter().copied().collect();
    for (k, &root) in order.iter().enumerate() {
        // cycles through `root` using only nodes after it in `order`
        let allowed: BTreeSet<NodeIndex> = order[k..].iter().copied().collect();
        let mut path: Vec<(NodeIndex, FieldId, bool)> = Vec::new();
        let mut on_path: BTreeSet<NodeIndex> = BTreeSet::from([root]);
        // explicit stack of (node, its out-edges, next edge index)
        let mut stack: Vec<Frame> = Vec::new();
        let edges_of = |n: NodeIndex| -> Vec<(NodeIndex, FieldId, bool)> {
            g.edges(n)
                .filter(|e| allowed.contains(&e.target()))
                .map(|e| (e.target(), e.weight().0, e.weight().1))
                .collect()
        };
        stack.push((root, edges_of(root), 0));
        while let Some(top) = stack.last_mut() {
            steps += 1;
            if steps > MAX_CYCLE_STEPS || out.len() >= MAX_CYCLES {
                return (out, true);
            }
            let node = top.0;
            let Some(&(next, f, auto)) = top.1.get(top.2) else {
                stack.pop();
                on_path.remove(&node);
                if node != root {
                    path.pop();
                }
                continue;
            };
            top.2 += 1;
            if next == root {
                // path holds the edges root -> ... -> node; add node -> root
                let mut cycle: Cycle = Vec::with_capacity(path.len() + 1);
                let mut from = root;
                let mut all = true;
                for &(to, fe, a) in &path {
                    cycle.push((g[from], fe));
                    all &= a;
                    from = to;
                }
                cycle.push((g[from], f));
                all &= auto;
                out.push((cycle, all));
                continue;
            }
            if on_path.contains(&next) {
                continue;
            }
            on_path.insert(next);
            path.push((next, f, auto));
            stack.push((next, edges_of(next), 0));
        }
    }
    (out, false)
}

/// A shortest cycle through `start` inside `members` (BFS), over `auto`
/// edges only when `only_auto`.
fn cycle_through(
    g: &DiGraph<usize, (FieldId, bool)>,
    start: NodeIndex,
    members: &BTreeSet<NodeIndex>,
    only_auto: bool,
) -> Option<Vec<(usize, FieldId)>> {
    use petgraph::visit::EdgeRef;
    let mut prev: HashMap<NodeIndex, (NodeIndex, FieldId)> = HashMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(n) = queue.pop_front() {
        for e in g.edges(n) {
            let t = e.target();
            if !members.contains(&t) || (only_auto && !e.weight().1) {
                continue;
            }
            if t == start {
                let mut path = vec![(g[n], e.weight().0)];
                let mut cur = n;
                while cur != start {
                    let (p, f) = *prev.get(&cur)?;
                    path.push((g[p], f));
                    cur = p;
                }
                path.reverse();
                return Some(path);
            }
            if let std::collections::hash_map::Entry::Vacant(v) = prev.entry(t) {
                v.insert((n, e.weight().0));
                queue.push_back(t);
            }
        }
    }
    None
}
