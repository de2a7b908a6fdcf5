//! Findings to diagnostics: one place for the text. Overlap findings
//! (conflict, ownership) are grouped per connected component of the
//! rule-overlap graph: one broad rule overlapping twenty others reads as one
//! diagnostic with twenty labels and witnesses.

use super::chain::RuleRef;
use super::findings::{Finding, Report};
use super::lower::{uses, Uses};
use crate::check::model::{CheckedUnit, Contract, FieldId, Outcome};
use crate::diagnostics::{Diagnostic, Severity};
use crate::span::Span;
use petgraph::unionfind::UnionFind;
use std::collections::BTreeMap;

const CONFLICT: &str = "E0501";
const OWNERSHIP: &str = "W0502";
const SHADOWED_RULE: &str = "W0503";
const DEAD_RULE: &str = "W0504";
const DEAD_CONTRACT: &str = "W0505";
const GAP: &str = "W0506";
const LOOP_AUTO: &str = "E0507";
const LOOP: &str = "W0508";
const LOOP_SELF: &str = "W0514";
const THRESHOLD_ORDER: &str = "E0509";
const NO_APPROVER: &str = "E0510";
const UNSUPPRESSED_AUTOMATION: &str = "W0511";
const NO_ROLLBACK: &str = "W0512";
const THIN_AUDIT: &str = "W0513";
const CAPPED: &str = "W0515";
const DEAD_GUARDRAIL: &str = "W0516";

struct R<'u> {
    unit: &'u CheckedUnit,
    gave_up: crate::analyze::algebra::GaveUp,
    all_witnesses: bool,
}

impl R<'_> {
    fn c(&self, i: usize) -> &Contract {
        &self.unit.contracts[i]
    }
    fn field(&self, f: FieldId) -> &str {
        &self.unit.schema.field(f).name
    }
    /// The note on a finding about a field that neither contract names or
    /// reads: the analysis decides one field per kind for all of them.
    fn stands_for(&self, f: FieldId) -> String {
        let fd = self.unit.schema.field(f);
        let kind = if fd.readonly {
            "readonly "
        } else if fd.protected {
            "protected "
        } else {
            ""
        };
        format!(
            "neither contract lists or reads `{}`: it stands for every {kind}field of the object that they do not name, which their `*` rules decide alike",
            fd.name
        )
    }
    fn rule_name(&self, i: usize, r: RuleRef, f: FieldId) -> String {
        match r {
            RuleRef::Line(_, k) => format!("{}#{}", self.field(f), k + 1),
            RuleRef::Star(k) => format!("*#{}", k + 1),
            RuleRef::Default => {
                let c = self.c(i);
                if c.rules_for(f).is_some() {
                    format!("no rule of `{}` matches", self.field(f))
                } else {
                    format!("`{}` is not listed", self.field(f))
                }
            }
            RuleRef::Excluded => "an exclusion holds".to_string(),
        }
    }
    fn rule_span(&self, i: usize, r: RuleRef, f: FieldId) -> Span {
        let c = self.c(i);
        match r {
            RuleRef::Line(l, k) => c.fields[l].rules[k].span,
            RuleRef::Star(k) => c.star.as_ref().map_or(c.fields_span, |s| s.rules[k].span),
            RuleRef::Default => c.rules_for(f).map_or(c.fields_span, |l| l.span),
            RuleRef::Excluded => c.exclusions.first().map_or(c.name_span, |e| e.span),
        }
    }
    /// Notes on approximations for findings about these contracts.
    fn approx(&self, cs: &[usize]) -> Vec<String> {
        let mut u = Uses::default();
        for &i in cs {
            let c = self.c(i);
            let mut conds = Vec::new();
            conds.extend(c.eligible.as_ref());
            conds.extend(c.exclusions.iter().map(|e| &e.when));
            for l in &c.fields {
                conds.extend(l.rules.iter().filter_map(|r| r.when.as_ref()));
            }
            if let Some(s) = &c.star {
                conds.extend(s.rules.iter().filter_map(|r| r.when.as_ref()));
            }
            for cond in conds {
                uses(cond, &mut u);
            }
        }
        let mut out = Vec::new();
        // relative dates are exact (differences with `at`) unless a search
        // over excluded dates ran out of budget
        if u.relative_dates && self.gave_up.dates {
            out.push(
                "approximate: relative dates combined with many excluded dates were too many \
                 to search; a combination not settled counts as possible (a conflict, gap, \
                 ownership or loop there is reported unconfirmed, nothing is called dead or \
                 shadowed because of it)"
                    .to_string(),
            );
        }
        if u.patterns && self.gave_up.patterns {
            out.push(
                "approximate: string patterns are decided by constructing candidate strings; \
                 a combination with no candidate found counts as possible (a conflict, gap, \
                 ownership or loop there is reported unconfirmed, nothing is called dead or \
                 shadowed because of it)"
                    .to_string(),
            );
        }
        out
    }
}

fn with_notes(mut d: Diagnostic, notes: Vec<String>) -> Diagnostic {
    for n in notes {
        d = d.with_note(n);
    }
    d
}

/// The scope of dead and shadowed findings (decisions 9): they hold for
/// complete inputs only; with a value missing the evaluator reads the
/// condition as unknown and still lets the rule or contract decide, never
/// below `review`.
const RULE_SCOPE: &str = "for complete records (every field and parent record the contract reads \
is present): where one is missing, this rule can still decide, at `review` or stricter";
const CONTRACT_SCOPE: &str = "for complete records (every field and parent record the contract \
reads is present): where one is missing, the contract can still apply, at `review` or stricter";

/// A finding whose search for a witness gave up (decided by
/// [`super::algebra::Dom::sat`] to err toward reporting, analysis-v1
/// "Exactness"): it may not hold, and it says so.
const GUARD_SCOPE: &str = "for complete records (every field the guardrail and the contracts \
read is present): where one its `when` reads is missing, it applies, failing closed";
const UNCONFIRMED: &str =
    "could not be confirmed: the search for a witness gave up (a string-pattern \
or relative-date combination too large to settle), so this is reported without one; it may not \
occur";
const UNCONFIRMED_SHORT: &str = "(no witness: not confirmed)";
const UNCONFIRMED_LOOP: &str = "could not be confirmed: a step of this cycle is a write whose \
search gave up (a string-pattern or relative-date combination too large to settle); it is \
reported in case it occurs";

trait Witnessed {
    fn with_witness_or_unconfirmed(self, w: Option<&serde_json::Value>) -> Self;
}

impl Witnessed for Diagnostic {
    fn with_witness_or_unconfirmed(self, w: Option<&serde_json::Value>) -> Diagnostic {
        match w {
            Some(w) => self.with_witness(w.clone()),
            None => self.with_note(UNCONFIRMED),
        }
    }
}

fn compact(v: &serde_json::Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

pub fn render(unit: &CheckedUnit, report: &Report) -> Vec<Diagnostic> {
    let r = R {
        unit,
        gave_up: report.gave_up,
        all_witnesses: report.all_witnesses,
    };
    let mut out = Vec::new();
    let mut overlaps: Vec<&Finding> = Vec::new();
    for f in &report.findings {
        match f {
            Finding::Conflict { .. } | Finding::Ownership { .. } => overlaps.push(f),
            _ => out.push(single(&r, f)),
        }
    }
    out.extend(grouped(&r, &overlaps));
    out
}

fn single(r: &R<'_>, f: &Finding) -> Diagnostic {
    match f {
        Finding::Shadowed { contract, rule, by } => {
            let c = r.c(*contract);
            let field = field_of(c, *rule);
            let name = rule_name_any(r, *contract, *rule, field);
            let span = rule_span_any(r, *contract, *rule, field);
            let mut d = if by.is_empty() {
                Diagnostic::new(
                    SHADOWED_RULE,
                    format!("rule `{name}` of `{}` never decides", c.name),
                    span,
                    "its condition never holds on the contract's eligible, not-excluded records",
                )
                .with_label(
                    c.eligible_span.unwrap_or(c.trigger_span),
                    "this leaves the rule no records",
                )
                .with_help("widen `eligible`, fix the condition, or delete the rule")
            } else {
                let names: Vec<String> = by
                    .iter()
                    .map(|b| format!("`{}`", rule_name_any(r, *contract, *b, field)))
                    .collect();
                let mut d = Diagnostic::new(
                    SHADOWED_RULE,
                    format!(
                        "rule `{name}` of `{}` is shadowed by {}",
                        c.name,
                        names.join(", ")
                    ),
                    span,
                    "this rule never decides",
                );
                for b in by {
                    d = d.with_label(
                        rule_span_any(r, *contract, *b, field),
                        "covers every mutation the later rule could match",
                    );
                }
                d.with_help(
                    "move the rule above the rules that cover it, narrow them, or delete it",
                )
            };
            d = with_notes(d.with_note(RULE_SCOPE), r.approx(&[*contract]));
            d
        }
        Finding::DeadRule {
            contract,
            rule,
            why,
        } => {
            let c = r.c(*contract);
            let field = field_of(c, *rule);
            let name = rule_name_any(r, *contract, *rule, field);
            with_notes(
                Diagnostic::new(
                    DEAD_RULE,
                    format!(
                        "the condition of rule `{name}` of `{}` can never hold",
                        c.name
                    ),
                    rule_span_any(r, *contract, *rule, field),
                    why.clone(),
                )
                .with_help("fix the condition or delete the rule")
                .with_note(RULE_SCOPE),
                r.approx(&[*contract]),
            )
        }
        Finding::DeadContract {
            contract,
            why,
            all_excluded,
        } => {
            let c = r.c(*contract);
            let message = if *all_excluded {
                format!(
                    "contract `{}` never lets a write through: an exclusion holds wherever it applies",
                    c.name
                )
            } else {
                format!("contract `{}` never applies", c.name)
            };
            let mut d = Diagnostic::new(DEAD_CONTRACT, message, c.name_span, why.clone())
                .with_note(CONTRACT_SCOPE);
            if let Some(s) = c.eligible_span {
                d = d.with_label(s, "eligible records");
            }
            for e in &c.exclusions {
                d = d.with_label(e.span, "exclusion");
            }
            with_notes(
                d.with_help(
                    "fix the `eligible`, `trigger` or `exclude` clauses, or delete the contract",
                ),
                r.approx(&[*contract]),
            )
        }
        Finding::Gap {
            contract,
            line,
            witness,
        } => {
            let c = r.c(*contract);
            let l = &c.fields[*line];
            with_notes(
                Diagnostic::new(
                    GAP,
                    format!(
                        "some changes of `{}` match no rule of `{}` and fall to `never`",
                        r.field(l.field),
                        c.name
                    ),
                    l.span,
                    "no rule matches the witness",
                )
                .with_help(format!(
                    "add a final rule without `when` to `{}`, or a `*` rule, if `never` is not intended",
                    r.field(l.field)
                ))
                .with_witness_or_unconfirmed(witness.as_ref()),
                r.approx(&[*contract]),
            )
        }
        Finding::Loop {
            cycle,
            all_auto,
            one_automation,
            others,
            bounded,
            unconfirmed,
        } => {
            let path_of = |cycle: &[(usize, FieldId)]| {
                let mut text = Vec::new();
                for (c, f) in cycle {
                    text.push(format!("{} → {}", r.c(*c).name, r.field(*f)));
                }
                if let Some((c0, _)) = cycle.first() {
                    text.push(r.c(*c0).name.clone());
                }
                text.join(" → ")
            };
            let path = path_of(cycle);
            let first = cycle.first().map_or(0, |x| x.0);
            let own = *one_automation && !*all_auto;
            let code = match (*all_auto, own) {
                (true, _) => LOOP_AUTO,
                (false, true) => LOOP_SELF,
                (false, false) => LOOP,
            };
            let title = if own {
                let a = &r.c(first).actor;
                let who = format!(
                    "{} {}",
                    a.kind.as_str(),
                    a.name
                        .as_deref()
                        .map_or("\"*\"".to_string(), |n| format!("\"{n}\""))
                );
                format!("automation re-triggered by its own writes ({who}): {path}")
            } else {
                format!("automation loop: {path}")
            };
            let mut d = Diagnostic::new(
                code,
                title,
                r.c(first).trigger_span,
                format!(
                    "`{}` is triggered by the last write of the cycle",
                    r.c(first).name
                ),
            );
            for (k, (c, f)) in cycle.iter().enumerate() {
                let next = cycle.get(k + 1).map_or(first, |x| x.0);
                let span = r
                    .c(*c)
                    .rules_for(*f)
                    .map_or(r.c(*c).fields_span, |l| l.span);
                d = d.with_label(
                    span,
                    format!(
                        "`{}` can write `{}`, which triggers `{}`",
                        r.c(*c).name,
                        r.field(*f),
                        r.c(next).name
                    ),
                );
            }
            // the severity is per cycle: one all-auto cycle makes it an error
            d = d.with_severity(if *all_auto {
                Severity::Error
            } else {
                Severity::Warning
            });
            for (other, auto) in others {
                d = d.with_note(format!(
                    "also in this component: {}{}",
                    path_of(other),
                    if *auto {
                        " (every step `auto`)"
                    } else {
                        " (a step needs review)"
                    }
                ));
            }
            if *bounded {
                d = d.with_note(format!(
                    "the component has more cycles than the {} searched; \
                     the severity is exact",
                    super::findings::MAX_CYCLES
                ));
            }
            if *unconfirmed {
                d = d.with_note(UNCONFIRMED_LOOP);
            }
            if own {
                return d.with_help(
                    "make the trigger list the fields that start the work, not the ones it writes \
                     (`trigger on create, update(Email, Company)`), or have the integration skip \
                     changes it made itself (Salesforce `changeOrigin`, HubSpot `sourceId`)",
                );
            }
            d.with_help("narrow a trigger to `update(...)` without the written field, or demote one write to `review`")
        }
        Finding::ThresholdOrder { contract } => {
            let c = r.c(*contract);
            let (a, asp) = c
                .confidence
                .auto
                .unwrap_or((crate::decimal::Decimal::ZERO, c.span));
            let (v, vsp) = c
                .confidence
                .review
                .unwrap_or((crate::decimal::Decimal::ZERO, c.span));
            Diagnostic::new(
                THRESHOLD_ORDER,
                format!(
                    "`auto at least {a}` is below `review at least {v}` in `{}`",
                    c.name
                ),
                asp,
                "the auto threshold",
            )
            .with_label(vsp, "is below this review threshold")
            .with_help("make `auto at least` at or above `review at least`")
        }
        Finding::NoApprover {
            contract,
            level,
            rules,
        } => {
            let c = r.c(*contract);
            let lv = level.as_str();
            let (f0, r0) = rules.first().copied().unwrap_or((
                FieldId {
                    object: c.object,
                    index: 0,
                },
                RuleRef::Default,
            ));
            let mut d = Diagnostic::new(
                NO_APPROVER,
                format!(
                    "`{}` can decide `{lv}` but has no approval route for it",
                    c.name
                ),
                r.rule_span(*contract, r0, f0),
                format!(
                    "`{}` can end in `{lv}` here",
                    r.rule_name(*contract, r0, f0)
                ),
            );
            for (f, rr) in rules.iter().skip(1).take(20) {
                d = d.with_label(
                    r.rule_span(*contract, *rr, *f),
                    format!("and `{}`", r.rule_name(*contract, *rr, *f)),
                );
            }
            if *level == Outcome::Review
                && (c.confidence.auto.is_some() || c.mode == crate::check::model::Mode::Draft)
            {
                d = d.with_note("caps count: a confidence below `auto at least`, mode `draft` and `protected` fields raise outcomes to `review`");
            }
            let who = if *level == Outcome::Review {
                "review by record.owner within 24h"
            } else {
                "escalate by role \"Sales Manager\" within 4h"
            };
            d.with_help(format!("add an approval route: `approval {{ {who} }}`"))
        }
        Finding::UnsuppressedAutomation { contract } => {
            let c = r.c(*contract);
            Diagnostic::new(
                UNSUPPRESSED_AUTOMATION,
                format!("`{}` can decide `auto` but has no exclusion", c.name),
                c.name_span,
                "automatic writes with nothing excluded",
            )
            .with_help("add an `exclude` clause (for example `exclude when HasOptedOutOfEmail`)")
        }
        Finding::NoRollback { contract } => {
            let c = r.c(*contract);
            Diagnostic::new(
                NO_ROLLBACK,
                format!("`{}` can decide `auto` but has no `rollback` block", c.name),
                c.name_span,
                "automatic writes that cannot be rolled back",
            )
            .with_help("add `rollback { keep previous values for 90d notify record.owner }`")
        }
        Finding::ThinAudit { contract, missing } => {
            let c = r.c(*contract);
            let names: Vec<&str> = missing.iter().map(|m| m.as_str()).collect();
            match &c.audit {
                Some(a) => Diagnostic::new(
                    THIN_AUDIT,
                    format!("the audit of `{}` lacks {}", c.name, names.join(", ")),
                    a.span,
                    "missing required audit fields",
                ),
                None => Diagnostic::new(
                    THIN_AUDIT,
                    format!("`{}` has no `audit` clause", c.name),
                    c.name_span,
                    "decisions of this contract are not audited",
                ),
            }
            .with_help(format!("audit {}", names.join(", ")))
        }
        Finding::Capped {
            contract,
            rule,
            field,
            guard,
            outcome,
            witness,
        } => {
            let c = r.c(*contract);
            let g = &r.unit.guardrails[*guard];
            let name = rule_name_any(r, *contract, *rule, Some(*field));
            let said =
                crate::analyze::chain::rule_of(c, *rule).map_or(Outcome::Never, |x| x.outcome);
            let ends = format!("`{}`", outcome.as_str());
            with_notes(
                Diagnostic::new(
                    CAPPED,
                    format!(
                        "rule `{name}` of `{}` says `{}`, but guardrail `{}` raises every write it decides",
                        c.name,
                        said.as_str(),
                        g.name
                    ),
                    rule_span_any(r, *contract, *rule, Some(*field)),
                    format!("never `{}`: the witness ends {ends}", said.as_str()),
                )
                .with_label(g.name_span, "raises it wherever the rule decides")
                .with_help(format!(
                    "write what happens (`{}`), narrow the guardrail's `when` or `fields`, or delete the rule",
                    outcome.as_str()
                ))
                .with_note(RULE_SCOPE)
                .with_witness_or_unconfirmed(witness.as_ref()),
                r.approx(&[*contract]),
            )
        }
        Finding::DeadGuardrail { guard, why } => {
            let g = &r.unit.guardrails[*guard];
            Diagnostic::new(
                DEAD_GUARDRAIL,
                format!("guardrail `{}` never applies", g.name),
                g.name_span,
                why.clone(),
            )
            .with_label(g.actor.span, "for these actors")
            .with_help("fix its `object`, `actor`, `when` or `fields`, or delete it")
            .with_note(GUARD_SCOPE)
        }
        Finding::Conflict { .. } | Finding::Ownership { .. } => grouped(r, &[f]).remove(0),
    }
}

fn field_of(c: &Contract, r: RuleRef) -> Option<FieldId> {
    match r {
        RuleRef::Line(l, _) => c.fields.get(l).map(|l| l.field),
        _ => None,
    }
}

fn rule_name_any(r: &R<'_>, i: usize, rr: RuleRef, f: Option<FieldId>) -> String {
    match (rr, f) {
        (RuleRef::Star(k), _) => format!("*#{}", k + 1),
        (_, Some(f)) => r.rule_name(i, rr, f),
        _ => "?".to_string(),
    }
}

fn rule_span_any(r: &R<'_>, i: usize, rr: RuleRef, f: Option<FieldId>) -> Span {
    match (rr, f) {
        (RuleRef::Star(k), _) => r
            .c(i)
            .star
            .as_ref()
            .map_or(r.c(i).fields_span, |s| s.rules[k].span),
        (_, Some(f)) => r.rule_span(i, rr, f),
        _ => r.c(i).fields_span,
    }
}

/// Conflicts and ownership findings, one diagnostic per connected component
/// of the overlap graph (nodes: a contract's decision for a field).
fn grouped(r: &R<'_>, fs: &[&Finding]) -> Vec<Diagnostic> {
    let mut ids: BTreeMap<(bool, usize, FieldId), usize> = BTreeMap::new();
    let mut edges = Vec::new();
    for (k, f) in fs.iter().enumerate() {
        let (own, a, b, field) = match f {
            Finding::Conflict { a, b, field, .. } => (false, *a, *b, *field),
            Finding::Ownership { a, b, field, .. } => (true, *a, *b, *field),
            _ => continue,
        };
        let n = ids.len();
        let x = *ids.entry((own, a, field)).or_insert(n);
        let n = ids.len();
        let y = *ids.entry((own, b, field)).or_insert(n);
        edges.push((k, x, y));
    }
    let mut uf: UnionFind<usize> = UnionFind::new(ids.len());
    for &(_, x, y) in &edges {
        uf.union(x, y);
    }
    let mut comps: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for &(k, x, _) in &edges {
        comps.entry(uf.find(x)).or_default().push(k);
    }
    let mut out = Vec::new();
    for members in comps.values() {
        let mut d: Option<Diagnostic> = None;
        let mut involved = Vec::new();
        // one label per contract rule, however many pairs it is in
        let mut labeled: std::collections::HashSet<(usize, RuleRef)> = Default::default();
        for &k in members {
            match fs[k] {
                Finding::Conflict {
                    a,
                    b,
                    field,
                    a_rule,
                    b_rule,
                    a_outcome,
                    b_outcome,
                    witness,
                    representative,
                } => {
                    involved.extend([*a, *b]);
                    let (ca, cb) = (r.c(*a), r.c(*b));
                    let la = format!(
                        "`{}` decides `{}` ({}{})",
                        ca.name,
                        a_outcome.as_str(),
                        r.rule_name(*a, *a_rule, *field),
                        sampled_note(r.unit, *a, *a_rule, *field, *a_outcome, witness.as_ref())
                    );
                    let lb = format!(
                        "`{}` decides `{}` ({}{})",
                        cb.name,
                        b_outcome.as_str(),
                        r.rule_name(*b, *b_rule, *field),
                        sampled_note(r.unit, *b, *b_rule, *field, *b_outcome, witness.as_ref())
                    );
                    d = Some(match d {
                        None => Diagnostic::new(
                            CONFLICT,
                            format!(
                                "`{}` and `{}` decide different outcomes for `{}`",
                                ca.name,
                                cb.name,
                                r.field(*field)
                            ),
                            r.rule_span(*a, *a_rule, *field),
                            la,
                        )
                        .with_label(r.rule_span(*b, *b_rule, *field), lb)
                        .with_help(format!(
                            "narrow `eligible` of `{}` or `{}` so they do not overlap, add an `exclude`, or make their rules for `{}` agree",
                            ca.name, cb.name, r.field(*field)
                        ))
                        .with_witness_or_unconfirmed(witness.as_ref())
                        .with_note_if(*representative, || r.stands_for(*field)),
                        Some(mut d) => {
                            if labeled.insert((*a, *a_rule)) {
                                d = d.with_label(r.rule_span(*a, *a_rule, *field), la);
                            }
                            if labeled.insert((*b, *b_rule)) {
                                d = d.with_label(r.rule_span(*b, *b_rule, *field), lb);
                            }
                            if r.all_witnesses {
                                d = d.with_note(format!(
                                    "also `{}` vs `{}`: {}",
                                    ca.name,
                                    cb.name,
                                    witness.as_ref().map_or_else(|| UNCONFIRMED_SHORT.to_string(), compact)
                                ));
                            }
                            d
                        }
                    });
                    labeled.insert((*a, *a_rule));
                    labeled.insert((*b, *b_rule));
                }
                Finding::Ownership {
                    a,
                    b,
                    field,
                    a_rule,
                    b_rule,
                    witness,
                    other,
                } => {
                    involved.extend([*a, *b]);
                    let (ca, cb) = (r.c(*a), r.c(*b));
                    let la = format!("`{}` ({}) can auto-write it", ca.name, actor(ca));
                    let lb = format!("`{}` ({}) can auto-write it too", cb.name, actor(cb));
                    d = Some(match d {
                        None => Diagnostic::new(
                            OWNERSHIP,
                            format!(
                                "`{}` and `{}` can both auto-write `{}` of the same records",
                                ca.name,
                                cb.name,
                                r.field(*field)
                            ),
                            r.rule_span(*a, *a_rule, *field),
                            la,
                        )
                        .with_label(r.rule_span(*b, *b_rule, *field), lb)
                        .with_help(format!(
                            "give `{}` one owner: demote one rule to `review` or `suggest`, or split the records with `eligible`",
                            r.field(*field)
                        ))
                        .with_witness_or_unconfirmed(witness.as_ref())
                        .with_note_if(other.is_some(), || {
                            format!(
                                "`{}` on the same record: {}",
                                cb.name,
                                other.as_ref().map(compact).unwrap_or_default()
                            )
                        }),
                        Some(mut d) => {
                            if labeled.insert((*a, *a_rule)) {
                                d = d.with_label(r.rule_span(*a, *a_rule, *field), la);
                            }
                            if labeled.insert((*b, *b_rule)) {
                                d = d.with_label(r.rule_span(*b, *b_rule, *field), lb);
                            }
                            if r.all_witnesses {
                                d = d.with_note(format!(
                                    "also `{}` vs `{}`: {} and {}",
                                    ca.name,
                                    cb.name,
                                    witness.as_ref().map_or_else(|| UNCONFIRMED_SHORT.to_string(), compact),
                                    other.as_ref().map_or_else(|| UNCONFIRMED_SHORT.to_string(), compact)
                                ));
                            }
                            d
                        }
                    });
                    labeled.insert((*a, *a_rule));
                    labeled.insert((*b, *b_rule));
                }
                _ => {}
            }
        }
        if let Some(mut d) = d {
            involved.sort();
            involved.dedup();
            if involved.len() > 2 {
                d.message = format!("{} (and {} more contracts)", d.message, involved.len() - 2);
                let names: Vec<String> = involved
                    .iter()
                    .map(|&i| format!("`{}`", r.c(i).name))
                    .collect();
                d = d.with_note(format!(
                    "{} contracts overlap here: {}{}",
                    involved.len(),
                    names.join(", "),
                    if r.all_witnesses {
                        ""
                    } else {
                        " (one witness; `--all-witnesses` gives one per overlapping pair)"
                    }
                ));
            }
            out.push(with_notes(d, r.approx(&involved)));
        }
    }
    out
}

fn actor(c: &Contract) -> String {
    format!(
        "{} {}",
        c.actor.kind.as_str(),
        c.actor.name.as_deref().unwrap_or("*")
    )
}

/// `, sampled for review` when a review sample is what made the contract's
/// outcome `review` for the witness (its rule says `auto`, nothing else
/// caps it there, and the witness's record id is in the sample), so the
/// label does not contradict the `auto` it points at.
fn sampled_note(
    unit: &CheckedUnit,
    k: usize,
    rule: RuleRef,
    field: crate::check::model::FieldId,
    outcome: crate::check::model::Outcome,
    witness: Option<&serde_json::Value>,
) -> &'static str {
    use crate::check::model::{Mode, Outcome};
    let c = &unit.contracts[k];
    let fd = unit.schema.field(field);
    let (Some(rate), Some(w)) = (c.sample.rate(Some(field)), witness) else {
        return "";
    };
    let rule_auto =
        crate::analyze::chain::rule_of(c, rule).is_some_and(|r| r.outcome == Outcome::Auto);
    let uncapped_mode = matches!(c.mode, Mode::ConditionalWrite | Mode::AutomatedWrite);
    let conf = w["confidence"].as_f64().unwrap_or(0.0);
    let above = |t: &Option<(crate::decimal::Decimal, crate::span::Span)>| {
        t.as_ref().is_none_or(|(d, _)| conf >= d.to_f64())
    };
    let confident = above(&c.confidence.auto) && above(&c.confidence.review);
    let id = crate::analyze::witness::id_field(&unit.schema, c.object)
        .and_then(|f| w["record"][&unit.schema.field(f).name].as_str());
    let sampled = crmc_eval::sample::sampled(id, &c.name, c.version, &fd.name, rate.into());
    if outcome == Outcome::Review
        && rule_auto
        && uncapped_mode
        && confident
        && !fd.protected
        && !fd.readonly
        && sampled
    {
        ", sampled for review"
    } else {
        ""
    }
}
