//! Shared state of one analysis: the contracts' regions, their chains
//! computed on demand, and the chains' summaries for the whole-unit phases.

use crate::analyze::algebra::{Dom, Found, Region};
use crate::analyze::chain::{
    chain, fields_for, guard_regions, guarded, Chain, Guard, Info, RuleRef,
};
use crate::analyze::witness::Parts;
use crate::check::model::{CheckedUnit, Cond, Contract, FieldId, Outcome};
use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;
use std::sync::Arc;

/// What the whole-unit phases (ownership, loops) need of a chain.
#[derive(Clone)]
pub struct Summary {
    /// Some piece decides below `suggest` (the contract writes the field).
    pub writes: bool,
    /// Some piece decides `auto`.
    pub auto: bool,
    /// The `auto` pieces' cubes, in chain order.
    pub autos: Vec<(RuleRef, crate::analyze::algebra::Cube)>,
    /// `writes` (and `auto`, when set) is proven by a member; false only
    /// where a search gave up (a piece kept because it may be non-empty).
    pub sure: bool,
}

impl Summary {
    fn of(ch: &Chain, dom: &Dom<'_>) -> Summary {
        let writes = ch.fin.iter().any(|p| p.outcome < Outcome::Suggest);
        let auto = ch.fin.iter().any(|p| p.outcome == Outcome::Auto);
        // searches only give up where `gave_up` is set: skip the proof
        // otherwise (every kept piece is then exactly non-empty)
        let proven = |want: fn(Outcome) -> bool| {
            ch.fin.iter().filter(|p| want(p.outcome)).any(|p| {
                p.region
                    .iter()
                    .any(|c| matches!(dom.search(c), Found::Member(_)))
            })
        };
        let sure = !dom.gave_up.get().any()
            || (!writes || proven(|o| o < Outcome::Suggest))
                && (!auto || proven(|o| o == Outcome::Auto));
        Summary {
            writes,
            auto,
            sure,
            autos: ch
                .fin
                .iter()
                .filter(|p| p.outcome == Outcome::Auto)
                .flat_map(|p| p.region.iter().map(move |c| (p.rule, c.clone())))
                .collect(),
        }
    }
}

/// The unit's named exclusions by name, as [`Info::new`] reads them.
pub(super) fn named_exclusions(unit: &CheckedUnit) -> HashMap<&str, &Cond> {
    unit.exclusions
        .iter()
        .map(|e| (e.name.as_str(), &e.when))
        .collect()
}

/// Shared state: infos and chains, computed on demand. Full chains are kept
/// only while one contract's per-contract findings are made; after that,
/// [`Summary`]s.
pub struct Ctx<'u> {
    pub unit: &'u CheckedUnit,
    pub dom: Dom<'u>,
    pub infos: Vec<Arc<Info>>,
    /// Where each guardrail applies (its `when`), by index.
    pub guards: Vec<Region>,
    /// Fields a guardrail floors or reads (not stood in for by another).
    pub guard_fields: BTreeSet<FieldId>,
    chains: HashMap<(usize, FieldId), Rc<Chain>>,
    summaries: HashMap<(usize, FieldId), Arc<Summary>>,
}

/// The guardrails that apply to every write of contract `c` (`name`: the
/// actor name in effect for a `"*"` contract; `None`: a name no guardrail
/// names), with their regions.
pub fn guards_of<'a>(
    unit: &'a CheckedUnit,
    regions: &'a [Region],
    c: &Contract,
    name: Option<&str>,
) -> Vec<Guard<'a>> {
    unit.guardrails
        .iter()
        .zip(regions)
        .enumerate()
        .filter(|(_, (g, _))| g.object == c.object && g.covers(&c.actor, name))
        .map(|(i, (g, r))| (i, g, r))
        .collect()
}

/// Contract `c`'s chain of `field` after the guardrails that cover it.
pub fn guarded_chain(
    dom: &Dom<'_>,
    unit: &CheckedUnit,
    regions: &[Region],
    c: &Contract,
    info: &Info,
    field: FieldId,
    name: Option<&str>,
) -> Chain {
    let mut ch = chain(dom, c, info, field);
    let guards = guards_of(unit, regions, c, name);
    if !guards.is_empty() {
        ch.fin = guarded(dom, &ch.fin, field, &guards);
    }
    ch
}

impl<'u> Ctx<'u> {
    /// A context over regions already computed (`infos[i]` for contract `i`).
    pub(super) fn from_parts(
        unit: &'u CheckedUnit,
        dom: Dom<'u>,
        infos: Vec<Arc<Info>>,
    ) -> Ctx<'u> {
        let (guards, guard_fields) = guard_regions(&dom, unit);
        Ctx {
            unit,
            dom,
            infos,
            guards,
            guard_fields,
            chains: HashMap::new(),
            summaries: HashMap::new(),
        }
    }

    /// [`Ctx::summarize`], giving contract `c`'s new summaries by field
    /// (the per-contract phase makes chains of `c` only).
    pub(super) fn summarize_contract(&mut self, c: usize) -> Vec<(FieldId, Arc<Summary>)> {
        let mut out = Vec::new();
        for (k, ch) in self.chains.drain() {
            let s = Arc::new(Summary::of(&ch, &self.dom));
            if k.0 == c {
                out.push((k.1, Arc::clone(&s)));
            }
            self.summaries.insert(k, s);
        }
        out.sort_by_key(|(f, _)| *f);
        out
    }

    /// Takes contract `c`'s summaries from an earlier analysis.
    pub(super) fn put_summaries(&mut self, c: usize, summaries: &[(FieldId, Arc<Summary>)]) {
        for (f, s) in summaries {
            self.summaries.insert((c, *f), Arc::clone(s));
        }
    }

    /// Replaces the cached chains by their summaries.
    pub(super) fn summarize(&mut self) {
        for (k, ch) in self.chains.drain() {
            self.summaries
                .insert(k, Arc::new(Summary::of(&ch, &self.dom)));
        }
    }

    pub fn summary(&mut self, c: usize, f: FieldId) -> Arc<Summary> {
        if let Some(s) = self.summaries.get(&(c, f)) {
            return s.clone();
        }
        let s = Arc::new(match self.chains.get(&(c, f)) {
            Some(ch) => Summary::of(ch, &self.dom),
            None => Summary::of(
                &guarded_chain(
                    &self.dom,
                    self.unit,
                    &self.guards,
                    &self.unit.contracts[c],
                    &self.infos[c],
                    f,
                    None,
                ),
                &self.dom,
            ),
        });
        self.summaries.insert((c, f), s.clone());
        s
    }

    /// Contract `c`'s chain of `f`, its final pieces after the guardrails
    /// that cover every write it may make.
    pub fn chain(&mut self, c: usize, f: FieldId) -> Rc<Chain> {
        let unit = self.unit;
        let dom = &self.dom;
        let infos = &self.infos;
        let guards = &self.guards;
        self.chains
            .entry((c, f))
            .or_insert_with(|| {
                Rc::new(guarded_chain(
                    dom,
                    unit,
                    guards,
                    &unit.contracts[c],
                    &infos[c],
                    f,
                    None,
                ))
            })
            .clone()
    }

    /// [`Ctx::chain`] for a `"*"` contract when the actor is `name`: a
    /// guardrail for that name alone covers it too (not cached; the pair
    /// phases ask for it only when such a guardrail exists).
    pub fn chain_as(&mut self, c: usize, f: FieldId, name: Option<&str>) -> Rc<Chain> {
        let k = &self.unit.contracts[c];
        if name.is_none() || k.actor.name.is_some() || !self.names_guarded(k, name) {
            return self.chain(c, f);
        }
        Rc::new(guarded_chain(
            &self.dom,
            self.unit,
            &self.guards,
            k,
            &self.infos[c],
            f,
            name,
        ))
    }

    /// Whether some guardrail of `k`'s object and actor kind names `name`.
    fn names_guarded(&self, k: &Contract, name: Option<&str>) -> bool {
        self.unit.guardrails.iter().any(|g| {
            g.object == k.object && g.actor.kind == k.actor.kind && g.actor.name.as_deref() == name
        })
    }

    /// The actor names under which a pair of `"*"` contracts of one kind
    /// may be guarded differently: `None` (a name no guardrail names) and
    /// each name a guardrail of their object and kind names.
    pub fn guarded_names(&self, k: &Contract) -> Vec<Option<String>> {
        let mut out: Vec<Option<String>> = vec![None];
        for g in &self.unit.guardrails {
            if g.object == k.object && g.actor.kind == k.actor.kind {
                if let Some(n) = &g.actor.name {
                    if !out.contains(&Some(n.clone())) {
                        out.push(Some(n.clone()));
                    }
                }
            }
        }
        out
    }

    pub(super) fn parts(&self, cs: &[usize], decided: &[FieldId]) -> Parts<'_> {
        self.parts_as(cs, decided, None)
    }

    /// [`Ctx::parts`] for a witness whose actor is `name` (`None`: the
    /// contracts' own name, or one no guardrail names).
    pub(super) fn parts_as(
        &self,
        cs: &[usize],
        decided: &[FieldId],
        name: Option<&str>,
    ) -> Parts<'_> {
        let named = cs
            .iter()
            .any(|&i| self.unit.contracts[i].actor.name.is_some());
        let actor = match name {
            Some(n) => Some(n.to_string()),
            None if named => None,
            // "any", unless a guardrail names it
            None => {
                let taken = |n: &str| {
                    self.unit
                        .guardrails
                        .iter()
                        .any(|g| g.actor.name.as_deref() == Some(n))
                };
                let mut n = "any".to_string();
                let mut k = 1;
                while taken(&n) {
                    n = format!("any{k}");
                    k += 1;
                }
                Some(n)
            }
        };
        Parts {
            contracts: cs
                .iter()
                .map(|&i| (&self.unit.contracts[i], &*self.infos[i]))
                .collect(),
            decided: decided.to_vec(),
            actor,
        }
    }

    /// Fields a contract may decide for (listed, referenced, representatives).
    pub(super) fn own_fields(&self, c: usize) -> Vec<FieldId> {
        let k = &self.unit.contracts[c];
        fields_for(
            &self.dom,
            k.object,
            &[(k, &self.infos[c])],
            &self.guard_fields,
        )
    }
}
