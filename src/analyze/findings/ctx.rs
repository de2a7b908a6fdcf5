//! Shared state of one analysis: the contracts' regions, their chains
//! computed on demand, and the chains' summaries for the whole-unit phases.

use crate::analyze::algebra::{Dom, Found};
use crate::analyze::chain::{chain, fields_for, Chain, Info, RuleRef};
use crate::analyze::witness::Parts;
use crate::check::model::{CheckedUnit, Cond, FieldId, Outcome};
use std::collections::HashMap;
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
    chains: HashMap<(usize, FieldId), Rc<Chain>>,
    summaries: HashMap<(usize, FieldId), Arc<Summary>>,
}

impl<'u> Ctx<'u> {
    /// A context over regions already computed (`infos[i]` for contract `i`).
    pub(super) fn from_parts(
        unit: &'u CheckedUnit,
        dom: Dom<'u>,
        infos: Vec<Arc<Info>>,
    ) -> Ctx<'u> {
        Ctx {
            unit,
            dom,
            infos,
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
                &chain(&self.dom, &self.unit.contracts[c], &self.infos[c], f),
                &self.dom,
            ),
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

    pub(super) fn parts(&self, cs: &[usize], decided: &[FieldId]) -> Parts<'_> {
        Parts {
            contracts: cs
                .iter()
                .map(|&i| (&self.unit.contracts[i], &*self.infos[i]))
                .collect(),
            decided: decided.to_vec(),
        }
    }

    /// Fields a contract may decide for (listed, referenced, representatives).
    pub(super) fn own_fields(&self, c: usize) -> Vec<FieldId> {
        let k = &self.unit.contracts[c];
        fields_for(&self.dom, k.object, &[(k, &self.infos[c])])
    }
}
