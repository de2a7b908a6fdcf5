//! `crmc test --coverage`: which rules of each contract no test reached.
//!
//! A rule is *reached* when some test's decision was decided by it, inside
//! its contract: for a field, the rule its contract reports (the first
//! whose condition held, language-v1 §5.3 step 3), or the default `never`
//! when none held; the exclusion that decided `never` (the first that
//! held); the `eligible` clause once applied (true) and once not applied
//! (false); a confidence threshold when it capped the contract. A contract
//! outvoted by a stricter one still counts: its rule decided its say.
//!
//! The compiled table's decision names only the rule of the contract that
//! won each field, and says nothing structured about `eligible`,
//! exclusions or thresholds. So the counting is done by the reference
//! interpreter (`crate::reference`), on each test's own mutation, in the
//! same pass that decides; `tests/differential.rs` holds the reference
//! equal to the evaluator, and each test's two decisions are compared here
//! as well: a difference is reported, never silently counted.

pub mod report;

use super::closest::one_line;
use super::TestResult;
use crate::check::model::{CheckedUnit, Contract, Rule};
use crate::reference::{self, ContractTrace, EligibleTrace, RuleTrace, Threshold};
use crate::source::SourceMap;
use crate::span::Span;
use crmc_eval::{Decision, Mutation};

/// What one coverage item is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    /// `eligible` true (`true`) or false (`false`) for some test.
    Eligible(bool),
    Exclusion(usize),
    Threshold(Threshold),
    /// A field's rule: the field line's index in the contract, the rule's in its line.
    Rule(usize, usize),
    Star(usize),
    /// No rule held for a changed field: the default `never`.
    Default,
}

impl Key {
    /// The name in the JSON report.
    pub fn kind(self) -> &'static str {
        match self {
            Key::Eligible(true) => "eligible_applied",
            Key::Eligible(false) => "eligible_not_applied",
            Key::Exclusion(_) => "exclusion",
            Key::Threshold(Threshold::Auto) => "confidence_auto",
            Key::Threshold(Threshold::Review) => "confidence_review",
            Key::Rule(..) => "rule",
            Key::Star(_) => "star_rule",
            Key::Default => "default_never",
        }
    }
}

/// One rule (in the wide sense above) and the tests that reached it.
#[derive(Clone, Debug)]
pub struct Item {
    pub key: Key,
    pub span: Span,
    /// What a person reads: the rule's source text, one line.
    pub text: String,
    /// The names of the tests that reached it, in run order.
    pub tests: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct ContractCoverage {
    pub contract: String,
    /// The contract's name in its declaration.
    pub span: Span,
    /// In source order.
    pub items: Vec<Item>,
}

impl ContractCoverage {
    pub fn reached(&self) -> usize {
        self.items.iter().filter(|i| !i.tests.is_empty()).count()
    }
}

/// One unit's coverage over the tests that ran.
#[derive(Clone, Debug, Default)]
pub struct UnitCoverage {
    /// In source order.
    pub contracts: Vec<ContractCoverage>,
    /// Tests whose reference decision differs from the evaluator's: their
    /// counts may be off (`test name: field ...`).
    pub disagreements: Vec<String>,
}

impl UnitCoverage {
    pub fn counts(&self) -> (usize, usize) {
        self.contracts
            .iter()
            .fold((0, 0), |(r, t), c| (r + c.reached(), t + c.items.len()))
    }
}

/// The coverage of `unit`'s contracts by `results` (the tests that ran).
pub fn coverage(unit: &CheckedUnit, sources: &SourceMap, results: &[TestResult]) -> UnitCoverage {
    let mut cov = UnitCoverage {
        contracts: unit
            .contracts
            .iter()
            .map(|c| ContractCoverage {
                contract: c.name.clone(),
                span: c.name_span,
                items: items(unit, sources, c),
            })
            .collect(),
        disagreements: Vec::new(),
    };
    cov.contracts.sort_by_key(|c| (c.span.file, c.span.start));
    for r in results {
        // A mutation the evaluator rejected was decided by no rule.
        let Some(decision) = &r.decision else {
            continue;
        };
        let traced =
            Mutation::from_value(&r.mutation).and_then(|m| reference::decide_traced(unit, &m));
        let (reference_decision, traces) = match traced {
            Ok(t) => t,
            Err(e) => {
                cov.disagreements.push(format!(
                    "{}: the reference interpreter rejected the mutation: {e}",
                    r.name
                ));
                continue;
            }
        };
        let differs = disagreement(decision, &reference_decision)
            .or_else(|| trace_disagreement(unit, decision, &traces));
        if let Some(d) = differs {
            cov.disagreements.push(format!("{}: {d}", r.name));
        }
        for trace in &traces {
            let Some(c) = unit.contracts.iter().find(|c| c.name == trace.contract) else {
                continue;
            };
            let Some(cc) = cov.contracts.iter_mut().find(|cc| cc.contract == c.name) else {
                continue;
            };
            for key in reached(unit, c, trace, &reference_decision) {
                if let Some(item) = cc.items.iter_mut().find(|i| i.key == key) {
                    if item.tests.last() != Some(&r.name) {
                        item.tests.push(r.name.clone());
                    }
                }
            }
        }
    }
    cov
}

/// Every item of one contract, in source order.
fn items(unit: &CheckedUnit, sources: &SourceMap, c: &Contract) -> Vec<Item> {
    let item = |key, span: Span, text: String| Item {
        key,
        span,
        text,
        tests: Vec::new(),
    };
    let code = |span: Span| one_line(sources.snippet(span));
    let mut out = Vec::new();
    if let (Some(_), Some(span)) = (&c.eligible, c.eligible_span) {
        let text = code(span);
        out.push(item(Key::Eligible(true), span, format!("`{text}` applied")));
        out.push(item(
            Key::Eligible(false),
            span,
            format!("`{text}` not applied"),
        ));
    }
    for (i, x) in c.exclusions.iter().enumerate() {
        out.push(item(
            Key::Exclusion(i),
            x.span,
            format!("`{}`", code(x.span)),
        ));
    }
    for (t, threshold) in [
        (Threshold::Auto, &c.confidence.auto),
        (Threshold::Review, &c.confidence.review),
    ] {
        if let Some((_, span)) = threshold {
            out.push(item(
                Key::Threshold(t),
                *span,
                format!("`confidence {}` never capped", code(*span)),
            ));
        }
    }
    let rule_text = |label: &str, r: &Rule| format!("`{label}: {}`", code(r.span));
    for (li, line) in c.fields.iter().enumerate() {
        let name = &unit.schema.field(line.field).name;
        for (ri, r) in line.rules.iter().enumerate() {
            out.push(item(Key::Rule(li, ri), r.span, rule_text(name, r)));
        }
    }
    let star = c.star.as_ref().map_or(&[][..], |s| s.rules.as_slice());
    for (ri, r) in star.iter().enumerate() {
        out.push(item(Key::Star(ri), r.span, rule_text("*", r)));
    }
    // With an unconditional `*` rule, every field falls to it, never to
    // the default.
    if !star.iter().any(|r| r.when.is_none()) {
        out.push(item(
            Key::Default,
            c.fields_span,
            "the default `never` (a changed field no rule holds for)".to_string(),
        ));
    }
    out.sort_by_key(|i| (i.span.file, i.span.start));
    out
}

/// The items one contract's trace reached on one test.
fn reached(unit: &CheckedUnit, c: &Contract, trace: &ContractTrace, d: &Decision) -> Vec<Key> {
    let mut keys = Vec::new();
    match trace.eligible {
        EligibleTrace::Held => keys.push(Key::Eligible(true)),
        EligibleTrace::Failed => keys.push(Key::Eligible(false)),
        EligibleTrace::NotRead | EligibleTrace::Unknown => {}
    }
    keys.extend(trace.excluded.map(Key::Exclusion));
    keys.extend(trace.threshold.map(Key::Threshold));
    for (target, hit) in &trace.rules {
        // A field no contract decides (a value that does not fit the field,
        // a name the object lacks) was decided by no rule.
        if d.fields.get(target).is_none_or(|f| f.contract.is_none()) {
            continue;
        }
        let line = unit
            .schema
            .field_by_name(c.object, target)
            .and_then(|f| c.fields.iter().position(|l| l.field == f));
        match (hit, line) {
            (RuleTrace::Own(ri), Some(li)) => keys.push(Key::Rule(li, *ri)),
            (RuleTrace::Own(_), None) => {}
            (RuleTrace::Star(ri), _) => keys.push(Key::Star(*ri)),
            (RuleTrace::Default, _) => keys.push(Key::Default),
        }
    }
    keys
}

/// Where the evaluator's decision and the reference's differ (outcome,
/// deciding contract or rule of a field), in words.
fn disagreement(evaluator: &Decision, reference: &Decision) -> Option<String> {
    let view = |d: &Decision| -> Vec<(String, &'static str, Option<String>, Option<String>)> {
        d.fields
            .iter()
            .map(|(n, f)| {
                (
                    n.clone(),
                    f.outcome.as_str(),
                    f.contract.clone(),
                    f.rule.clone(),
                )
            })
            .collect()
    };
    let (e, r) = (view(evaluator), view(reference));
    (e != r).then(|| {
        format!("the evaluator decided {e:?}, the reference interpreter {r:?}; please report this")
    })
}

/// Where the traces disagree with `decision` on which rule decided a
/// field: for each field a contract decided, the deciding contract's trace
/// must name the rule the decision names (none when an exclusion or the
/// default `never` decided). `None` when they agree.
pub fn trace_disagreement(
    unit: &CheckedUnit,
    decision: &Decision,
    traces: &[ContractTrace],
) -> Option<String> {
    for (field, fd) in &decision.fields {
        let Some(name) = &fd.contract else {
            continue;
        };
        let trace = traces.iter().find(|t| &t.contract == name);
        let c = unit.contracts.iter().find(|c| &c.name == name);
        let (Some(trace), Some(c)) = (trace, c) else {
            return Some(format!(
                "no trace of contract `{name}`, which decided `{field}`"
            ));
        };
        let named = match trace.rules.iter().find(|(t, _)| t == field) {
            _ if trace.excluded.is_some() => None,
            None => {
                return Some(format!(
                    "the trace of `{name}` has no rule for `{field}`, which it decided"
                ))
            }
            Some((_, RuleTrace::Default)) => None,
            Some((_, RuleTrace::Star(i))) => c
                .star
                .as_ref()
                .and_then(|s| s.rules.get(*i))
                .map(|r| format!("*#{}", r.position)),
            Some((_, RuleTrace::Own(i))) => unit
                .schema
                .field_by_name(c.object, field)
                .and_then(|f| c.rules_for(f))
                .and_then(|l| l.rules.get(*i))
                .map(|r| format!("{field}#{}", r.position)),
        };
        if named != fd.rule {
            return Some(format!(
                "`{field}`: the decision names rule {:?} of `{name}`, its trace {named:?}",
                fd.rule
            ));
        }
    }
    None
}
