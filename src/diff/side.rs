//! One side of a diff, for one class and one field: a partition of the
//! compared region into cells, each the mutations one contract's piece
//! decides finally (after caps and combination, language-v1 §5.3 steps
//! 3–5), with what the decision then carries for the field: its approval
//! route, audit list and rollback ([`Governance`]).
//!
//! The deciding contract of a field is the first applicable one (table
//! order) with the most restrictive outcome (`crmc-eval`'s `combine`), so
//! contract `i`'s piece of outcome `a` decides where no earlier contract
//! decides `a` or more and no later one more than `a`.

use crate::analyze::algebra::{and, Dom, Region};
use crate::analyze::chain::{chain, guarded, rule_of, Guard, Info, Piece, RuleRef};
use crate::analyze::lower::lower;
use crate::check::model::{Approver, AuditField, Contract, FieldId, Outcome};
use std::collections::BTreeSet;

/// A field's final outcome, telling "no contract governs" apart from a
/// contract deciding `never` (the same outcome, a different audit entry).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Ungoverned,
    Governed(Outcome),
}

impl Level {
    pub fn outcome(self) -> Outcome {
        match self {
            Level::Ungoverned => Outcome::Never,
            Level::Governed(o) => o,
        }
    }
}

/// What a decision carries for one field besides its outcome, from the
/// deciding contract (`crmc-eval` `approvals`, `audit`, `rollback`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Governance {
    /// The route for a `review` or `escalate` outcome: approver, within.
    pub route: Option<(Option<Approver>, Option<u64>)>,
    /// The audit entry's fields, `field` included, sorted.
    pub audit: Vec<AuditField>,
    /// Rollback `keep` in seconds and `notify`, sorted by text.
    pub keep: Option<u64>,
    pub notify: Vec<String>,
}

impl Governance {
    /// The entry of a field no contract governs.
    pub fn ungoverned() -> Governance {
        Governance {
            route: None,
            audit: normal_audit(&[AuditField::Outcome, AuditField::Reasons]),
            keep: None,
            notify: Vec::new(),
        }
    }

    fn of(c: &Contract, rule: RuleRef, outcome: Outcome) -> Governance {
        let route = matches!(outcome, Outcome::Review | Outcome::Escalate).then(|| {
            let level = match outcome {
                Outcome::Review => c.approval.review.as_ref(),
                _ => c.approval.escalate.as_ref(),
            };
            // the rule's own `by/to` when its outcome is the final one
            let own = rule_of(c, rule)
                .filter(|r| r.outcome == outcome)
                .and_then(|r| r.route.clone());
            match own {
                Some(a) => (Some(a), level.and_then(|r| r.within)),
                None => (
                    level.map(|r| r.approver.clone()),
                    level.and_then(|r| r.within),
                ),
            }
        });
        let audit = c
            .audit
            .as_ref()
            .map_or_else(|| normal_audit(&[]), |a| normal_audit(&a.fields));
        let (keep, notify) = match &c.rollback {
            Some(r) => {
                let mut n: Vec<String> = r.notify.iter().map(|a| a.to_string()).collect();
                n.sort();
                n.dedup();
                (r.keep_text.as_ref().map(|_| r.keep.unwrap_or(0)), n)
            }
            None => (None, Vec::new()),
        };
        Governance {
            route,
            audit,
            keep,
            notify,
        }
    }

    /// Which parts differ: `approval`, `audit`, `rollback`.
    pub fn differences(&self, other: &Governance) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.route != other.route {
            out.push("approval");
        }
        if self.audit != other.audit {
            out.push("audit");
        }
        if self.keep != other.keep || self.notify != other.notify {
            out.push("rollback");
        }
        out
    }
}

/// An audit list as a set, `field` always in it.
pub fn normal_audit(fields: &[AuditField]) -> Vec<AuditField> {
    let mut s: BTreeSet<AuditField> = fields.iter().copied().collect();
    s.insert(AuditField::Field);
    s.into_iter().collect()
}

/// Who decides, and how, on one cell.
#[derive(Clone, Debug)]
pub struct Cell {
    pub level: Level,
    /// Index into the side's unit, and the deciding rule.
    pub by: Option<(usize, RuleRef)>,
    /// The guardrail that raised the outcome (its name).
    pub guard: Option<String>,
    pub governance: Governance,
    pub region: Region,
}

/// The contracts of one class on one side, with their regions.
pub struct Members<'a> {
    pub contracts: Vec<(usize, &'a Contract, &'a Info)>,
    /// The side's guardrails that cover the class, with where they apply.
    pub guards: Vec<Guard<'a>>,
    /// `within[k]`: contract `k` applies only inside the compared region
    /// (a changed contract: the region is made of theirs), so its pieces
    /// need no restricting.
    pub within: Vec<bool>,
}

/// Approvals `require`d on one side: per approver, where some applicable
/// contract that itself asks for an approval of the field requires it.
pub type Requires = Vec<(Approver, Region)>;

/// The cells of `field` within `ctx` (a region where the field is
/// changed), and the `require` regions.
pub fn cells(
    dom: &Dom<'_>,
    m: &Members<'_>,
    field: FieldId,
    ctx: &Region,
) -> (Vec<Cell>, Requires) {
    // each contract's final pieces, within ctx
    let pieces: Vec<Vec<(Outcome, RuleRef, Region)>> = m
        .contracts
        .iter()
        .zip(&m.within)
        .map(|((_, c, info), &within)| {
            if !within && dom.region_empty(&and(&info.applicable, ctx)) {
                return Vec::new();
            }
            chain(dom, c, info, field)
                .fin
                .into_iter()
                .filter_map(|p| {
                    let r = if within {
                        p.region
                    } else {
                        dom.prune(and(&p.region, ctx))
                    };
                    (!r.is_empty()).then_some((p.outcome, p.rule, r))
                })
                .collect()
        })
        .collect();
    let at_least = |j: usize, o: Outcome, strict: bool| -> Region {
        pieces[j]
            .iter()
            .filter(|(po, _, _)| if strict { *po > o } else { *po >= o })
            .flat_map(|(_, _, r)| r.iter().cloned())
            .collect()
    };
    let mut out = Vec::new();
    for (i, ps) in pieces.iter().enumerate() {
        let (ci, c, _) = m.contracts[i];
        for (o, rule, region) in ps {
            let mut r = region.clone();
            for j in 0..pieces.len() {
                if j == i || r.is_empty() {
                    continue;
                }
                r = dom.prune(dom.minus(&r, &at_least(j, *o, j > i)));
            }
            if !r.is_empty() {
                // then the guardrails: where one applies, at least its floor
                let cell = Piece {
                    outcome: *o,
                    rule: *rule,
                    region: r,
                    guard: None,
                };
                for p in guarded(dom, &[cell], field, &m.guards) {
                    let guard = p.guard.and_then(|ix| {
                        m.guards
                            .iter()
                            .find(|(i, _, _)| *i == ix)
                            .map(|(_, g, _)| g.name.clone())
                    });
                    out.push(Cell {
                        level: Level::Governed(p.outcome),
                        by: Some((ci, *rule)),
                        guard,
                        governance: Governance::of(c, *rule, p.outcome),
                        region: p.region,
                    });
                }
            }
        }
    }
    let mut ungoverned = ctx.clone();
    for (_, _, info) in &m.contracts {
        if ungoverned.is_empty() {
            break;
        }
        ungoverned = dom.prune(dom.minus(&ungoverned, &info.applicable));
    }
    if !ungoverned.is_empty() {
        out.push(Cell {
            level: Level::Ungoverned,
            by: None,
            guard: None,
            governance: Governance::ungoverned(),
            region: ungoverned,
        });
    }
    (out, requires(dom, m, &pieces))
}

fn requires(
    dom: &Dom<'_>,
    m: &Members<'_>,
    pieces: &[Vec<(Outcome, RuleRef, Region)>],
) -> Requires {
    let mut out: Requires = Vec::new();
    for (i, (_, c, _)) in m.contracts.iter().enumerate() {
        if c.approval.require.is_empty() {
            continue;
        }
        let asks: Region = pieces[i]
            .iter()
            .filter(|(o, _, _)| matches!(o, Outcome::Review | Outcome::Escalate))
            .flat_map(|(_, _, r)| r.iter().cloned())
            .collect();
        if asks.is_empty() {
            continue;
        }
        for req in &c.approval.require {
            let r = match &req.when {
                Some(w) => dom.prune(and(&asks, &lower(dom, w, true))),
                None => asks.clone(),
            };
            match out.iter_mut().find(|(a, _)| *a == req.approver) {
                Some((_, have)) => have.extend(r),
                None => out.push((req.approver.clone(), r)),
            }
        }
    }
    out
}
