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
//!   unknown on update/delete and empty on create; on create bare `F` reads
//!   the record as it would be created (`record` overlaid with `changes`,
//!   like `new F`); a parent the input lacks
//!   is unknown unless the record's ref field is empty (then it has no
//!   parent: its fields are empty); a parent field missing from a supplied
//!   parent, a missing `source` or `confidence` are unknown; a value of the
//!   wrong JSON type for its field is unknown (but *set*).
//! - Numbers compare as the 64-bit floats JSON parses to, as `crmc-eval`
//!   documents, so `-0.0` equals `0`.
//! - A rule whose condition is unknown contributes `max(review, outcome)` and
//!   the search goes on; the rule reported is the one that held unless an
//!   unknown rule raised the outcome above it; when no rule holds, the field
//!   is `never` and no rule is reported.
//! - Missing confidence with thresholds is below every threshold.
//! - A change to a name the schema lacks is `never`, contract `null`.
//! - A delete is decided by the `*` rules, as the pseudo-field `*`.
//! - Ties between contracts go to the first by name.
//! - Guardrails raise a governed target after combination ([`guard`]).
//! - `set by` / `source of` read the mutation's `history` by field name: a
//!   field it does not list is unknown on update and delete, never written
//!   on create; `null` is never written.

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

mod guard;
mod output;
mod sample;
mod triggers;
mod truth;
mod values;
mod world;

use output::*;
use truth::*;
use values::*;
use world::*;

// ---------------------------------------------------------------- deciding

fn word(o: Outcome) -> &'static str {
    o.as_str()
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
    /// The rule reported, for [`ContractTrace`]; `None` when an exclusion
    /// decided.
    hit: Option<RuleTrace>,
    /// A review sample raised `auto` to `review`.
    sampled: bool,
}

/// What decided inside one contract for one mutation: the §5.3 steps as
/// `crmc test --coverage` counts them. [`decide_traced`] fills it in the
/// same pass that decides, so it cannot disagree with [`decide`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContractTrace {
    pub contract: String,
    /// Object, actor and trigger matched, so `eligible` was read.
    pub triggered: bool,
    pub eligible: EligibleTrace,
    /// The exclusion that decided `never` (the first that held), by index.
    pub excluded: Option<usize>,
    /// The confidence threshold that capped the contract's outcomes.
    pub threshold: Option<Threshold>,
    /// Per decided target (changed field, or `*` on delete), in the order of
    /// the mutation: the rule the contract reports. Empty when the contract
    /// did not apply or an exclusion decided.
    pub rules: Vec<(String, RuleTrace)>,
}

/// The truth of a contract's `eligible`, when its trigger fired.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EligibleTrace {
    /// Not read: no `eligible`, or object, actor or trigger did not match.
    NotRead,
    Held,
    Failed,
    /// Unknown: the contract applied, at least `review`.
    Unknown,
}

/// A `confidence` threshold (`auto at least`, `review at least`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Threshold {
    Auto,
    Review,
}

/// The rule a contract reports for one target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleTrace {
    /// The field's own rule, by index in its line.
    Own(usize),
    /// A `*` rule, by index.
    Star(usize),
    /// No rule held: the default `never`.
    Default,
}

/// One applicable contract and its say on every target.
struct Governing<'u> {
    contract: &'u Contract,
    says: Vec<Say>,
}

/// Decides one mutation against a checked unit. Errs when the mutation names
/// an object the schema lacks.
pub fn decide(unit: &CheckedUnit, m: &Mutation) -> Result<Decision, EvalError> {
    decide_traced(unit, m).map(|(d, _)| d)
}

/// [`decide`], and for every contract (by name) what decided inside it.
pub fn decide_traced(
    unit: &CheckedUnit,
    m: &Mutation,
) -> Result<(Decision, Vec<ContractTrace>), EvalError> {
    let object = unit
        .schema
        .object_by_name(m.object())
        .ok_or_else(|| EvalError::new(format!("unknown object `{}`", m.object())))?;
    let event = match m.event().as_str() {
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

    if event == Event::Delete && !m.changes().is_empty() {
        return Err(EvalError::new(
            "a delete writes no field values: its `changes` must be `{}`",
        ));
    }
    // A history entry for a name the object lacks.
    if let Some(f) = m.history().and_then(|h| {
        h.keys()
            .find(|k| unit.schema.field_by_name(object, k).is_none())
    }) {
        return Err(EvalError::new(format!(
            "`history`: `{f}` is not a field of `{}`",
            unit.schema.object(object).name
        )));
    }
    // A parent given beside an empty lookup field contradicts itself.
    for rel in &unit.schema.object(object).relations {
        if w.parent_given(&rel.name).is_some() && w.lookup_given_empty(rel.via) {
            let via = &unit.schema.field(rel.via).name;
            return Err(EvalError::new(format!(
                "`parents.{0}` is given but `{via}` is empty, so the record has no `{0}`: \
                 drop the parent or set `{via}`",
                rel.name
            )));
        }
    }
    // A cause naming a field its object (known to the schema) lacks.
    if let Some(crmc_eval::Cause::Record {
        object: of, fields, ..
    }) = m.cause()
    {
        let of = match of {
            None => Some(object),
            Some(name) => unit.schema.object_by_name(name),
        };
        if let Some(of) = of {
            if let Some(f) = fields
                .iter()
                .find(|f| unit.schema.field_by_name(of, f).is_none())
            {
                return Err(EvalError::new(format!(
                    "`trigger`: `{f}` is not a field of `{}`; an update cause lists the fields \
                     whose change started the automation",
                    unit.schema.object(of).name
                )));
            }
        }
    }
    let mut targets: Vec<(String, What)> = m
        .changes()
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
    let mut traces = Vec::new();
    for c in contracts {
        let mut trace = ContractTrace {
            contract: c.name.clone(),
            triggered: false,
            eligible: EligibleTrace::NotRead,
            excluded: None,
            threshold: None,
            rules: Vec::new(),
        };
        if let Some(g) = govern(&w, c, &targets, &mut trace) {
            governing.push(g);
        }
        traces.push(trace);
    }

    // Combination.
    let mut fields = BTreeMap::new();
    let mut decided: Vec<(Outcome, Option<usize>)> = Vec::new();
    let mut guarded: BTreeMap<usize, String> = BTreeMap::new();
    for (ti, (name, what)) in targets.iter().enumerate() {
        let misfit = match what {
            What::Field(f) => m
                .changes()
                .get(name)
                .and_then(|v| values::misfit(&unit.schema.field(*f).ty, v)),
            _ => None,
        };
        let (fd, by) = match what {
            _ if misfit.is_some() => (
                FieldDecision {
                    outcome: crmc_eval::Outcome::Never,
                    contract: None,
                    rule: None,
                    reasons: vec![format!(
                        "proposed value of `{name}` is not {}: {}, never",
                        misfit.unwrap_or_default(),
                        m.changes()
                            .get(name)
                            .map(Json::to_string)
                            .unwrap_or_default()
                    )],
                },
                None,
            ),
            What::Stranger => (
                FieldDecision {
                    outcome: crmc_eval::Outcome::Never,
                    contract: None,
                    rule: None,
                    reasons: vec![format!(
                        "`{name}` is not a field of `{}`, never",
                        m.object()
                    )],
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
                        let mut fd = FieldDecision {
                            outcome: s.outcome,
                            contract: Some(governing[gi].contract.name.clone()),
                            rule: s.rule.clone(),
                            reasons: s.reasons.clone(),
                        };
                        // Guardrails, after combination.
                        if let Some((g, to, why)) = guard::raise(&w, *what, s.outcome) {
                            fd.outcome = to;
                            fd.reasons.push(why);
                            guarded.insert(ti, g.name.clone());
                        }
                        (fd, Some(gi))
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
        .enumerate()
        .map(|(ti, ((name, what), (outcome, by)))| {
            audit_entry(
                &w,
                name,
                *what,
                *outcome,
                by.map(|gi| governing[gi].contract),
                Marks {
                    sampled: by.is_some_and(|gi| governing[gi].says[ti].sampled),
                    guardrail: guarded.get(&ti).map(String::as_str),
                },
                fields
                    .get(name)
                    .map(|f| f.reasons.as_slice())
                    .unwrap_or(&[]),
            )
        })
        .collect();
    let rollback = rollback(&w, &decided, &governing);
    let decision = Decision {
        id: m.id().cloned(),
        outcome: overall,
        fields,
        approvals,
        audit,
        rollback,
    };
    Ok((decision, traces))
}

fn actor_matches(a: &Actor, m: &Mutation) -> bool {
    a.matches(m.actor().kind, &m.actor().name)
}

/// Steps 1–4 for one contract: `None` when it does not apply.
fn govern<'u>(
    w: &World<'u, '_>,
    c: &'u Contract,
    targets: &[(String, What)],
    trace: &mut ContractTrace,
) -> Option<Governing<'u>> {
    // 1. Applicable?
    if c.object != w.object || !actor_matches(&c.actor, w.m) {
        return None;
    }
    let triggered = w.triggered(c);
    if !triggered {
        return None;
    }
    trace.triggered = true;
    let name = &c.name;
    // Reasons that raise every field to at least review.
    let mut floor = Outcome::Auto;
    let mut floor_reasons = Vec::new();
    if let Some(e) = &c.eligible {
        match w.truth(e) {
            Truth::No => {
                trace.eligible = EligibleTrace::Failed;
                return None;
            }
            Truth::Yes => trace.eligible = EligibleTrace::Held,
            Truth::Maybe => {
                trace.eligible = EligibleTrace::Unknown;
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
                    trace.excluded = Some(i);
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
                hit: None,
                sampled: false,
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
        match w.m.confidence() {
            None => {
                let o = if review_at.is_some() {
                    Outcome::Never
                } else {
                    Outcome::Review
                };
                cap = o;
                trace.threshold = Some(if review_at.is_some() {
                    Threshold::Review
                } else {
                    Threshold::Auto
                });
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
                    trace.threshold = Some(Threshold::Review);
                    cap_reasons.push(format!(
                        "contract `{name}`: confidence {} below review threshold {}, never",
                        number_text(conf),
                        number_text(t.to_f64())
                    ));
                } else if let Some(t) = auto_at.filter(|t| below(*t)) {
                    cap = Outcome::Review;
                    trace.threshold = Some(Threshold::Auto);
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
    let says: Vec<Say> = targets
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
            // Last, the review sample (of what would go through on its own).
            let sampled_as = match what {
                What::Field(f) => Some((c.sample.rate(Some(*f)), tname.as_str())),
                What::Record => Some((c.sample.rate(None), "*")),
                What::Stranger => None,
            };
            if let Some((Some(rate), key)) = sampled_as {
                let id = record_id(w);
                if say.outcome == Outcome::Auto
                    && sample::sampled(&id, name, c.version, key, rate)
                {
                    say.outcome = Outcome::Review;
                    say.sampled = true;
                    let pct = crate::check::model::Sample::percent_text(rate);
                    say.reasons.push(if matches!(&id, Json::String(s) if !s.is_empty()) {
                        format!("contract `{name}`: sampled for review ({pct} of its automatic writes, chosen by record id), review")
                    } else {
                        format!("contract `{name}`: sampled for review ({pct} of its automatic writes; the record has no id, so every such write is), review")
                    });
                }
            }
            say
        })
        .collect();
    trace.rules = targets
        .iter()
        .zip(&says)
        .filter_map(|((t, _), s)| Some((t.clone(), s.hit?)))
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
    let mut held: Option<(Outcome, String, Option<Approver>, RuleTrace)> = None;
    let mut unknown: Option<(Outcome, String, Option<Approver>, RuleTrace)> = None;
    'search: for (label, rules, is_star) in [(tname, own, false), ("*", star, true)] {
        for (i, r) in rules.iter().enumerate() {
            let side = if is_star {
                RuleTrace::Star
            } else {
                RuleTrace::Own
            };
            let rule_name = format!("{label}#{}", r.position);
            let t = r.when.as_ref().map_or(Truth::Yes, |c| w.truth(c));
            match t {
                Truth::No => {}
                Truth::Yes => {
                    reasons.push(format!(
                        "contract `{name}`: rule `{rule_name}` decides {}",
                        word(r.outcome)
                    ));
                    held = Some((r.outcome, rule_name, r.route.clone(), side(i)));
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
                        unknown = Some((o, rule_name, r.route.clone(), side(i)));
                    }
                }
            }
        }
    }
    let (rule_outcome, rule, route, hit) = match (held, unknown) {
        (Some(h), Some(u)) if u.0 > h.0 => (u.0, Some(u.1), u.2, u.3),
        (Some(h), _) => (h.0, Some(h.1), h.2, h.3),
        (None, _) => {
            reasons.push(format!(
                "contract `{name}`: no rule for `{tname}` holds{}, never",
                if c.star.is_some() {
                    ""
                } else {
                    " and there is no `*` rule"
                }
            ));
            (Outcome::Never, None, None, RuleTrace::Default)
        }
    };
    Say {
        outcome: rule_outcome,
        rule,
        rule_outcome,
        route,
        reasons,
        hit: Some(hit),
        sampled: false,
    }
}

/// The three-valued truth of one condition of `unit` on mutation `m`, read
/// exactly as [`decide`] reads it: `Some(true)`, `Some(false)`, or `None`
/// when the input lacks what it needs. `crmc test` uses it to say which part
/// of an `eligible` kept a contract from applying. `None` too when `m`
/// names an object the schema lacks.
pub fn truth_of(unit: &CheckedUnit, m: &Mutation, cond: &Cond) -> Option<bool> {
    let object = unit.schema.object_by_name(m.object())?;
    let event = match m.event().as_str() {
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
    match w.truth(cond) {
        Truth::Yes => Some(true),
        Truth::No => Some(false),
        Truth::Maybe => None,
    }
}
