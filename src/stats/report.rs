//! From counts to evidence: per contract and field the metrics the
//! playbooks name, each contract's `metric` clauses held against their
//! measured values, and the recommendations ([`super::recommend`]).

use super::read::Feedback;
use super::recommend::{recommend, Recommendation};
use super::tally::{ix, Counts, Tally};
use crate::check::model::{CheckedUnit, Outcome};
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
