//! From counts to evidence: per contract and field the metrics the
//! playbooks name, each contract's `metric` clauses held against their
//! measured values, and promote / demote recommendations with the evidence
//! that makes them and the contract text change they imply.

use super::read::Feedback;
use super::tally::{ix, Counts, Group, Tally};
use crate::check::model::{CheckedUnit, Contract, Mode, Outcome, Rule};
use crate::source::SourceMap;
use std::collections::BTreeMap;

/// Thresholds of the recommendations (`crmc stats --help` documents the
/// defaults).
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// No recommendation from fewer decisions (with feedback, for promote;
    /// automatic writes, for demote).
    pub min_decisions: u64,
    /// Promote when at least this share of decisions with feedback were
    /// accepted unedited.
    pub promote_at: f64,
    /// Demote when more than this share of automatic writes were rolled back.
    pub demote_at: f64,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            min_decisions: 50,
            promote_at: 0.95,
            demote_at: 0.05,
        }
    }
}

/// `of` out of `n`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ratio {
    pub of: u64,
    pub n: u64,
}

impl Ratio {
    pub fn value(self) -> Option<f64> {
        (self.n > 0).then(|| self.of as f64 / self.n as f64)
    }
}

#[derive(Clone, Debug)]
pub struct Metrics {
    pub decisions: u64,
    pub outcomes: [u64; 5],
    /// Suggestions with feedback, accepted unedited.
    pub suggestion_acceptance: Ratio,
    /// Reviews and escalations with feedback, accepted unedited.
    pub review_acceptance: Ratio,
    /// Every decision with feedback, edited.
    pub edit_rate: Ratio,
    /// Automatic writes, rolled back.
    pub rollback_rate: Ratio,
    /// Decisions an exclusion blocked.
    pub exclusion_rate: Ratio,
}

const PROPOSALS: [Outcome; 3] = [Outcome::Review, Outcome::Escalate, Outcome::Suggest];

impl Metrics {
    pub fn of(c: &Counts) -> Metrics {
        let r = |outcomes: &[Outcome], k| {
            let (of, n) = c.share(outcomes, k);
            Ratio { of, n }
        };
        let (edited, with) = c.share(&Outcome::ALL, Feedback::Edited);
        Metrics {
            decisions: c.decisions,
            outcomes: c.outcomes,
            suggestion_acceptance: r(&[Outcome::Suggest], Feedback::Accepted),
            review_acceptance: r(&[Outcome::Review, Outcome::Escalate], Feedback::Accepted),
            edit_rate: Ratio {
                of: edited,
                n: with,
            },
            rollback_rate: Ratio {
                of: c.feedback[ix(Outcome::Auto)][Feedback::RolledBack as usize],
                n: c.outcomes[ix(Outcome::Auto)],
            },
            exclusion_rate: Ratio {
                of: c.excluded,
                n: c.decisions,
            },
        }
    }
}

/// One contract and field, over every rule that decided it.
#[derive(Clone, Debug)]
pub struct FieldReport {
    pub contract: Option<String>,
    pub field: String,
    pub metrics: Metrics,
}

/// A `metric` clause against what the logs measure.
#[derive(Clone, Debug)]
pub struct MetricCheck {
    pub contract: String,
    pub name: String,
    pub target: f64,
    /// What crmc measured for it (`None`: nothing in these logs measures
    /// it), how, and whether the target is met.
    pub measured: Option<(Ratio, &'static str, bool)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Promote,
    Demote,
}

#[derive(Clone, Debug)]
pub struct Recommendation {
    pub direction: Direction,
    pub contract: String,
    pub field: String,
    pub rule: String,
    pub from: Outcome,
    pub to: Outcome,
    /// The decisions the recommendation rests on.
    pub evidence: Ratio,
    pub evidence_text: String,
    /// For a promotion: the confidence from which the evidence holds.
    pub from_confidence: Option<f64>,
    /// The contract text before and after, when one rule's line changes.
    pub change: Option<(String, String)>,
    /// Why the change is not a one-line edit, when it is not.
    pub note: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Report {
    pub fields: Vec<FieldReport>,
    pub metrics: Vec<MetricCheck>,
    pub recommendations: Vec<Recommendation>,
    /// Fields of groups past the group limit, counted together.
    pub other: Option<Metrics>,
}

pub fn report(t: &Tally, unit: Option<(&CheckedUnit, &SourceMap)>, opts: Options) -> Report {
    let mut by_field: BTreeMap<(Option<String>, String), Counts> = BTreeMap::new();
    let mut by_contract: BTreeMap<String, Counts> = BTreeMap::new();
    for (g, c) in &t.groups {
        by_field
            .entry((g.contract.clone(), g.field.clone()))
            .or_default()
            .merge(c);
        if let Some(name) = &g.contract {
            by_contract.entry(name.clone()).or_default().merge(c);
        }
    }
    let fields = by_field
        .into_iter()
        .map(|((contract, field), c)| FieldReport {
            contract,
            field,
            metrics: Metrics::of(&c),
        })
        .collect();
    let mut metrics = Vec::new();
    let mut recommendations = Vec::new();
    if let Some((unit, sources)) = unit {
        for c in &unit.contracts {
            for m in &c.metrics {
                let counts = by_contract.get(&c.name).cloned().unwrap_or_default();
                metrics.push(check_metric(&c.name, &m.name, m.target.to_f64(), &counts));
            }
        }
        for (g, counts) in &t.groups {
            let Some(contract) = g
                .contract
                .as_ref()
                .and_then(|n| unit.contracts.iter().find(|c| &c.name == n))
            else {
                continue;
            };
            recommendations.extend(recommend(unit, sources, contract, g, counts, opts));
        }
    }
    Report {
        fields,
        metrics,
        recommendations,
        other: (t.other.decisions > 0).then(|| Metrics::of(&t.other)),
    }
}

/// The vocabulary of `metric` names crmc measures (matched on words, any
/// case): what each measures and whether higher is better.
fn measure(name: &str, c: &Counts) -> Option<(Ratio, &'static str, bool)> {
    let n = name.to_lowercase();
    let has = |w: &str| n.contains(w);
    let m = Metrics::of(c);
    let proposals = {
        let (of, n) = c.share(&PROPOSALS, Feedback::Accepted);
        Ratio { of, n }
    };
    let kept = Ratio {
        of: m.rollback_rate.n - m.rollback_rate.of,
        n: m.rollback_rate.n,
    };
    Some(if has("rollback") || has("rolled back") {
        (m.rollback_rate, "automatic writes rolled back", false)
    } else if has("kept") && !has("unedited") {
        (kept, "automatic writes not rolled back", true)
    } else if has("edit") && !has("without") && !has("unedited") && !has("no edit") {
        (m.edit_rate, "decisions with feedback edited", false)
    } else if has("suggest") && has("accept") {
        (
            m.suggestion_acceptance,
            "suggestions with feedback accepted unedited",
            true,
        )
    } else if has("review") && (has("accept") || has("approv")) {
        (
            m.review_acceptance,
            "reviews with feedback accepted unedited",
            true,
        )
    } else if has("accept") || has("unedited") || has("without edit") {
        (
            proposals,
            "proposals (review, escalate, suggest) with feedback accepted unedited",
            true,
        )
    } else {
        return None;
    })
}

fn check_metric(contract: &str, name: &str, target: f64, c: &Counts) -> MetricCheck {
    let measured = measure(name, c).map(|(r, how, higher)| {
        let met = r
            .value()
            .is_some_and(|v| if higher { v >= target } else { v <= target });
        (r, how, met)
    });
    MetricCheck {
        contract: contract.to_string(),
        name: name.to_string(),
        target,
        measured,
    }
}

/// The lowest confidence (hundredths) from which at least `min` decisions
/// with feedback were accepted at `at` or more: `(from, accepted, n)`.
fn threshold(by: &[(u64, u64)], min: u64, at: f64, floor: u8) -> Option<(u8, u64, u64)> {
    let (mut n, mut acc) = (0u64, 0u64);
    let mut best = None;
    // from the top down: every suffix that holds is a candidate; keep the lowest
    for b in (usize::from(floor)..=100).rev() {
        let (bn, ba) = by.get(b).copied().unwrap_or((0, 0));
        n += bn;
        acc += ba;
        if n >= min && acc as f64 >= at * n as f64 && bn > 0 {
            best = Some((b as u8, acc, n));
        }
    }
    best
}

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

fn recommend(
    unit: &CheckedUnit,
    sources: &SourceMap,
    c: &Contract,
    g: &Group,
    counts: &Counts,
    opts: Options,
) -> Vec<Recommendation> {
    let mut out = Vec::new();
    let Some(label) = &g.rule else { return out };
    let Some((rule, line)) = find_rule(unit, c, label) else {
        return out;
    };
    let field = unit.schema.field_by_name(c.object, &g.field);
    let protected = field.is_some_and(|f| unit.schema.field(f).protected);
    let readonly = field.is_some_and(|f| unit.schema.field(f).readonly);
    let base = Recommendation {
        direction: Direction::Promote,
        contract: c.name.clone(),
        field: g.field.clone(),
        rule: label.clone(),
        from: Outcome::Review,
        to: Outcome::Auto,
        evidence: Ratio { of: 0, n: 0 },
        evidence_text: String::new(),
        from_confidence: None,
        change: None,
        note: None,
    };
    // demote: automatic writes rolled back too often
    let autos = counts.outcomes[ix(Outcome::Auto)];
    let rolled = counts.feedback[ix(Outcome::Auto)][Feedback::RolledBack as usize];
    if autos >= opts.min_decisions && rolled as f64 > opts.demote_at * autos as f64 {
        let mut r = Recommendation {
            direction: Direction::Demote,
            from: Outcome::Auto,
            to: Outcome::Review,
            evidence: Ratio {
                of: rolled,
                n: autos,
            },
            evidence_text: format!(
                "{rolled} of {autos} automatic writes rolled back ({}, more than {})",
                pct(rolled as f64 / autos as f64),
                pct(opts.demote_at)
            ),
            ..base.clone()
        };
        r.change = edit_rule(sources, c, line, rule, Outcome::Review, None);
        out.push(r);
    }
    // promote: proposals accepted unedited often enough
    for (from, to, by) in [
        (Outcome::Review, Outcome::Auto, &counts.review_by_confidence),
        (
            Outcome::Suggest,
            Outcome::Review,
            &counts.suggest_by_confidence,
        ),
    ] {
        let fb: u64 = by.iter().map(|b| b.0).sum();
        if fb < opts.min_decisions {
            continue;
        }
        let all_acc: u64 = by.iter().map(|b| b.1).sum();
        // below `auto at least` an `auto` rule is capped to review anyway:
        // the evidence that counts is from the threshold up
        let floor = match (to, &c.confidence.auto) {
            (Outcome::Auto, Some((t, _))) => (t.to_f64() * 100.0).round().clamp(0.0, 100.0) as u8,
            _ => 0,
        };
        let found = if floor == 0 && all_acc as f64 >= opts.promote_at * fb as f64 {
            Some((None, all_acc, fb))
        } else {
            threshold(by, opts.min_decisions, opts.promote_at, floor)
                .map(|(b, acc, n)| (Some(b), acc, n))
        };
        let Some((from_conf, acc, n)) = found else {
            continue;
        };
        // the evidence may hold further down than the contract lets `auto` go
        let lower = (floor > 0)
            .then(|| threshold(by, opts.min_decisions, opts.promote_at, 0))
            .flatten()
            .filter(|(b, _, _)| *b < floor);
        let mut r = Recommendation {
            direction: Direction::Promote,
            from,
            to,
            evidence: Ratio { of: acc, n },
            evidence_text: format!(
                "{acc} of {n} {} with feedback accepted unedited ({}, at least {}){}",
                if from == Outcome::Review {
                    "reviews"
                } else {
                    "suggestions"
                },
                pct(acc as f64 / n as f64),
                pct(opts.promote_at),
                from_conf.map_or(String::new(), |b| format!(
                    " at confidence {:.2} and above",
                    f64::from(b) / 100.0
                ))
            ),
            from_confidence: from_conf.map(|b| f64::from(b) / 100.0),
            ..base.clone()
        };
        let capped = rule.outcome != from;
        if readonly || (protected && to == Outcome::Auto) {
            r.note = Some(format!(
                "`{}` is {} in the schema: at least {} whatever the contract says",
                g.field,
                if readonly { "readonly" } else { "protected" },
                if readonly { "never" } else { "review" }
            ));
        } else if to == Outcome::Auto && matches!(c.mode, Mode::Draft | Mode::ReadOnly) {
            r.note = Some(format!(
                "the contract's mode `{}` caps every field at {}: change the mode first",
                c.mode.as_str(),
                if c.mode == Mode::Draft {
                    "review"
                } else {
                    "suggest"
                }
            ));
        } else if capped {
            r.note = Some(format!(
                "`{label}` says {} but decided {}: a cap (confidence, mode or schema) lowers it, not the rule",
                rule.outcome.as_str(),
                from.as_str()
            ));
        } else {
            r.change = edit_rule(sources, c, line, rule, to, r.from_confidence);
            if let Some((b, acc, n)) = lower {
                r.note = Some(format!(
                    "the evidence holds from confidence {:.2} ({acc} of {n} accepted unedited), but below the \
contract's `auto at least` every `auto` is capped to review: lowering it changes every field \
(`crmc diff` shows what)",
                    f64::from(b) / 100.0
                ));
            }
        }
        out.push(r);
    }
    out
}

fn find_rule<'c>(
    unit: &CheckedUnit,
    c: &'c Contract,
    label: &str,
) -> Option<(&'c Rule, Option<usize>)> {
    let (name, pos) = label.rsplit_once('#')?;
    let pos: u32 = pos.parse().ok()?;
    if name == "*" {
        return c
            .star
            .as_ref()?
            .rules
            .iter()
            .find(|r| r.position == pos)
            .map(|r| (r, None));
    }
    let i = c
        .fields
        .iter()
        .position(|l| unit.schema.field(l.field).name == name)?;
    c.fields[i]
        .rules
        .iter()
        .find(|r| r.position == pos)
        .map(|r| (r, Some(i)))
}

/// The field line with `rule` decided `to` instead (from a confidence,
/// when given: a new rule inserted before it), as (before, after).
fn edit_rule(
    sources: &SourceMap,
    c: &Contract,
    line: Option<usize>,
    rule: &Rule,
    to: Outcome,
    from_conf: Option<f64>,
) -> Option<(String, String)> {
    let span = match line {
        Some(i) => c.fields.get(i)?.span,
        None => c.star.as_ref()?.span,
    };
    let text = sources.snippet(span);
    let r = sources.snippet(rule.span);
    let at = rule.span.start.checked_sub(span.start)? as usize;
    if text.get(at..at + r.len())? != r {
        return None;
    }
    let when = rule.when.as_ref().map(|_| {
        let w = r.find(" when ").map_or("", |i| &r[i + 6..]);
        w.to_string()
    });
    let new_rule = match (from_conf, when.as_deref()) {
        (Some(cf), Some(w)) => format!("{} when ({w}) and confidence >= {cf:.2}, {r}", to.as_str()),
        (Some(cf), None) => format!("{} when confidence >= {cf:.2}, {r}", to.as_str()),
        (None, _) => {
            let word = rule.outcome.as_str();
            let rest = r.strip_prefix(word)?;
            // a route (`review by role "X"`) does not fit another outcome
            let rest = match rest.find(" when ") {
                Some(i) => &rest[i..],
                None if rest.trim().is_empty() => "",
                None => "",
            };
            format!("{}{rest}", to.as_str())
        }
    };
    let after = format!("{}{new_rule}{}", &text[..at], &text[at + r.len()..]);
    Some((text.trim().to_string(), after.trim().to_string()))
}
