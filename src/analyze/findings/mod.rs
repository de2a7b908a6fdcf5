//! The findings of analysis-v1, as data. [`super::render`] turns them into
//! diagnostics.
//!
//! ```text
//! ctx         shared state: regions, chains on demand, their summaries
//! cache       per-contract results kept between analyses (the editor)
//! rules       per contract: dead contract, dead and shadowed rules, gaps
//! hygiene     per contract: thresholds, approvers, suppression, rollback, audit
//! conflicts   pairs of one actor deciding a field differently
//! ownership   pairs of different actors both automating a field
//! guards      rules a guardrail caps everywhere, guardrails that never apply
//! loops       cycles of the trigger graph
//! components  which (contract, field) pairs are already connected
//! ```

pub mod cache;
mod components;
mod conflicts;
mod ctx;
mod guards;
mod hygiene;
mod loops;
mod ownership;
mod rules;
mod trigger_graph;

use crate::analyze::algebra::{Dom, GaveUp};
use crate::analyze::chain::{Info, RuleRef};
use crate::check::model::{AuditField, CheckedUnit, Contract, FieldId, Outcome};
use serde_json::Value;
use std::sync::Arc;

pub(crate) use cache::without_spans;
pub use cache::AnalysisCache;
pub use ctx::{Ctx, Summary};
pub use loops::MAX_CYCLES;

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
        /// `None`: the search for one gave up (a string-pattern or
        /// relative-date question it could not settle); the finding is
        /// reported unconfirmed, since approximation errs toward reporting.
        witness: Option<Value>,
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
        /// `a`'s mutation; `other` is `b`'s on the same record (`None`,
        /// both: unconfirmed, as for conflicts).
        witness: Option<Value>,
        other: Option<Value>,
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
        /// `None`: unconfirmed, as for conflicts.
        witness: Option<Value>,
    },
    /// One strongly connected component of the trigger graph.
    Loop {
        /// The headline cycle (an all-`auto` one when there is one):
        /// contract, then the field it writes that triggers the next one.
        cycle: Vec<(usize, FieldId)>,
        /// Some elementary cycle of the component between two automations
        /// has only `auto` edges (exact, whatever the enumeration bound):
        /// an error.
        all_auto: bool,
        /// The headline cycle stays within one automation (one contract
        /// re-triggered by its own writes, or contracts of one actor): a
        /// warning, since the integration can filter its own writes.
        one_automation: bool,
        /// The component's other elementary cycles, each with whether all
        /// its edges are `auto`, up to [`MAX_CYCLES`] in all.
        others: Vec<(Vec<(usize, FieldId)>, bool)>,
        /// The enumeration stopped at the bound: there are more cycles.
        bounded: bool,
        /// Some edge of the headline cycle is a write a search could not
        /// confirm (kept, since approximation errs toward reporting).
        unconfirmed: bool,
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
    /// A rule a guardrail raises wherever it decides: what it says never
    /// happens (the witness is one such write, of `field`).
    Capped {
        contract: usize,
        rule: RuleRef,
        field: FieldId,
        /// Index into `CheckedUnit::guardrails`.
        guard: usize,
        /// What the witness's write ends at.
        outcome: Outcome,
        witness: Option<Value>,
    },
    /// A guardrail that applies to no write any contract governs.
    DeadGuardrail {
        guard: usize,
        why: String,
    },
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
    /// Which searches left some question unsettled (counted as possible).
    pub gave_up: crate::analyze::algebra::GaveUp,
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

pub fn run_with(unit: &CheckedUnit, opts: Options) -> Report {
    analyze_unit(unit, opts, None)
}

/// [`run_with`], taking each contract whose text, schema and exclusions are
/// unchanged since the last analysis with `cache` from it (see [`cache`]);
/// the findings are the same as without it.
pub fn run_cached(unit: &CheckedUnit, opts: Options, cache: &mut AnalysisCache) -> Report {
    analyze_unit(unit, opts, Some(cache))
}

/// The analysis; with a cache, each contract's results are taken from it
/// or put in it (without one, nothing is kept: `crmc check` runs once).
fn analyze_unit(
    unit: &CheckedUnit,
    opts: Options,
    mut cache: Option<&mut AnalysisCache>,
) -> Report {
    let mut t = crate::analyze::Phases::new();
    let keys = cache.as_deref_mut().map(|c| c.keys(unit));
    let mut entries: Vec<Option<Arc<cache::Entry>>> = match (&cache, &keys) {
        (Some(c), Some(k)) => k.iter().map(|k| c.get(k)).collect(),
        _ => vec![None; unit.contracts.len()],
    };
    let hits = entries.iter().flatten().count();
    t.mark("cache keys");
    let dom = Dom::new(&unit.schema);
    let named = ctx::named_exclusions(unit);
    // Each contract's searches that gave up, kept apart: a contract's chain
    // summaries read only its own, so they are the same in every run.
    let mut info_gave_up = Vec::with_capacity(unit.contracts.len());
    let infos: Vec<Arc<Info>> = unit
        .contracts
        .iter()
        .zip(&entries)
        .map(|(c, e)| match e {
            Some(e) => {
                info_gave_up.push(e.info_gave_up);
                Arc::clone(&e.info)
            }
            None => {
                dom.gave_up.set(GaveUp::default());
                let info = Info::new(&dom, c, &named);
                info_gave_up.push(dom.gave_up.get());
                Arc::new(info)
            }
        })
        .collect();
    let mut cx = Ctx::from_parts(unit, dom, infos);
    t.mark("regions");
    let mut out = Vec::new();
    let mut dead = vec![false; unit.contracts.len()];
    let mut gave_up = GaveUp::default();
    for (i, c) in unit.contracts.iter().enumerate() {
        if let Some(e) = &entries[i] {
            out.extend(e.findings.iter().map(|f| f.for_contract(i)));
            dead[i] = e.dead;
            cx.put_summaries(i, &e.summaries);
            gave_up = gave_up.or(e.gave_up);
            continue;
        }
        cx.dom.gave_up.set(info_gave_up[i]);
        let start = out.len();
        if let Some(f) = rules::dead_contract(&cx, i) {
            dead[i] = true;
            out.push(f);
        }
        rules::per_rule(&mut cx, i, dead[i], &mut out);
        hygiene::hygiene(&mut cx, i, c, dead[i], &mut out);
        guards::capped(&mut cx, i, dead[i], &mut out);
        let summaries = cx.summarize_contract(i);
        let mine = cx.dom.gave_up.get();
        gave_up = gave_up.or(mine);
        if cache.is_some() {
            entries[i] = Some(Arc::new(cache::Entry {
                info: Arc::clone(&cx.infos[i]),
                info_gave_up: info_gave_up[i],
                dead: dead[i],
                findings: out[start..].iter().map(|f| f.for_contract(0)).collect(),
                summaries,
                gave_up: mine,
            }));
        }
    }
    cx.dom.gave_up.set(gave_up);
    if let (Some(cache), Some(keys)) = (cache, keys) {
        cache.replace(keys, entries.into_iter().flatten().collect(), hits);
    }
    t.mark("per-contract");
    conflicts::conflicts(&mut cx, opts, &mut out);
    cx.summarize();
    t.mark("conflicts");
    ownership::ownership(&mut cx, &dead, opts, &mut out);
    t.mark("ownership");
    loops::loops(&mut cx, &dead, &mut out);
    t.mark("loops");
    guards::dead_guardrails(&mut cx, &mut out);
    Report {
        findings: out,
        gave_up: cx.dom.gave_up.get(),
        all_witnesses: opts.all_witnesses,
    }
}
