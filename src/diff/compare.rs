//! The regions where two sides' cells disagree: a different outcome
//! (loosened or tightened), or the same outcome carried differently
//! (approval route, audit list, rollback, required approvals).

use super::side::{Cell, Governance, Level, Requires};
use crate::analyze::algebra::{and, Dom, Region};
use crate::analyze::chain::RuleRef;
use crate::check::model::{Approver, Outcome};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// The new outcome is less restrictive.
    Loosened,
    Tightened,
    /// The same outcome, with other approvals, audit or rollback.
    Governance,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Loosened => "loosened",
            Kind::Tightened => "tightened",
            Kind::Governance => "governance",
        }
    }
}

/// One side's view of a region of change.
#[derive(Clone, Debug)]
pub struct End {
    pub level: Level,
    pub by: Option<(usize, RuleRef)>,
    /// The guardrail that raised the outcome.
    pub guard: Option<String>,
    pub governance: Option<Governance>,
}

/// A region of mutations whose decision of one field changed one way.
#[derive(Clone, Debug)]
pub struct Delta {
    pub kind: Kind,
    pub old: End,
    pub new: End,
    /// For a governance change: which parts differ (`approval`, `audit`,
    /// `rollback`, `require`).
    pub aspects: Vec<String>,
    pub region: Region,
}

fn end(c: &Cell) -> End {
    End {
        level: c.level,
        by: c.by,
        guard: c.guard.clone(),
        governance: Some(c.governance.clone()),
    }
}

/// Every region where `old` and `new` (partitions of one region) decide
/// the field differently.
pub fn deltas(
    dom: &Dom<'_>,
    old: &[Cell],
    new: &[Cell],
    old_req: &Requires,
    new_req: &Requires,
) -> Vec<Delta> {
    let mut out = Vec::new();
    for o in old {
        for n in new {
            let (oo, no) = (o.level.outcome(), n.level.outcome());
            let aspects: Vec<String> = if oo == no {
                o.governance
                    .differences(&n.governance)
                    .into_iter()
                    .map(str::to_string)
                    .collect()
            } else {
                Vec::new()
            };
            if oo == no && aspects.is_empty() {
                continue;
            }
            let region = dom.prune(and(&o.region, &n.region));
            if region.is_empty() {
                continue;
            }
            let kind = if no < oo {
                Kind::Loosened
            } else if no > oo {
                Kind::Tightened
            } else {
                Kind::Governance
            };
            out.push(Delta {
                kind,
                old: end(o),
                new: end(n),
                aspects,
                region,
            });
        }
    }
    requires(dom, old, new, old_req, new_req, &mut out);
    out
}

/// Required approvals that one side asks for and the other does not,
/// where both decide the same `review` or `escalate` outcome.
fn requires(
    dom: &Dom<'_>,
    old: &[Cell],
    new: &[Cell],
    old_req: &Requires,
    new_req: &Requires,
    out: &mut Vec<Delta>,
) {
    if old_req.is_empty() && new_req.is_empty() {
        return;
    }
    let needs = |cs: &[Cell], o: Outcome| -> Region {
        cs.iter()
            .filter(|c| c.level == Level::Governed(o))
            .flat_map(|c| c.region.iter().cloned())
            .collect()
    };
    let mut approvers: Vec<&Approver> = old_req.iter().chain(new_req).map(|(a, _)| a).collect();
    approvers.sort_by_key(|a| a.to_string());
    approvers.dedup();
    let get = |rs: &Requires, a: &Approver| -> Region {
        rs.iter()
            .find(|(x, _)| x == a)
            .map_or_else(Vec::new, |(_, r)| r.clone())
    };
    for o in [Outcome::Review, Outcome::Escalate] {
        let same = dom.prune(and(&needs(old, o), &needs(new, o)));
        if same.is_empty() {
            continue;
        }
        for a in &approvers {
            let (was, now) = (get(old_req, a), get(new_req, a));
            for (from, to, what) in [(&was, &now, "no longer requires"), (&now, &was, "requires")] {
                let r = dom.prune(and(&same, &dom.minus(from, to)));
                if r.is_empty() {
                    continue;
                }
                let e = End {
                    level: Level::Governed(o),
                    by: None,
                    guard: None,
                    governance: None,
                };
                out.push(Delta {
                    kind: Kind::Governance,
                    old: e.clone(),
                    new: e,
                    aspects: vec![format!("require: {what} {a}")],
                    region: r,
                });
            }
        }
    }
}
