//! Per-contract hygiene findings: threshold order, levels with no
//! approver, unsuppressed automation, no rollback, thin audit.

use super::{Ctx, Finding};
use crate::analyze::chain::{rule_of, RuleRef};
use crate::check::model::{AuditField, Contract, FieldId, Outcome};
use std::collections::BTreeMap;

pub(super) fn can_auto(cx: &mut Ctx<'_>, i: usize) -> bool {
    cx.own_fields(i).into_iter().any(|f| {
        cx.chain(i, f)
            .fin
            .iter()
            .any(|p| p.outcome == Outcome::Auto)
    })
}

pub(super) fn hygiene(
    cx: &mut Ctx<'_>,
    i: usize,
    c: &Contract,
    dead: bool,
    out: &mut Vec<Finding>,
) {
    if let (Some((a, _)), Some((r, _))) = (&c.confidence.auto, &c.confidence.review) {
        if a < r {
            out.push(Finding::ThresholdOrder { contract: i });
        }
    }
    let missing: Vec<AuditField> = AuditField::REQUIRED
        .iter()
        .copied()
        .filter(|f| c.audit.as_ref().is_none_or(|a| !a.fields.contains(f)))
        .collect();
    if !missing.is_empty() {
        out.push(Finding::ThinAudit {
            contract: i,
            missing,
        });
    }
    if dead {
        return;
    }
    // no approver
    let mut need: BTreeMap<Outcome, Vec<(FieldId, RuleRef)>> = BTreeMap::new();
    for f in cx.own_fields(i) {
        let ch = cx.chain(i, f);
        for p in &ch.fin {
            if !matches!(p.outcome, Outcome::Review | Outcome::Escalate) {
                continue;
            }
            let routed_rule =
                rule_of(c, p.rule).is_some_and(|r| r.route.is_some() && r.outcome == p.outcome);
            let routed_level = match p.outcome {
                Outcome::Review => c.approval.review.is_some(),
                _ => c.approval.escalate.is_some(),
            };
            if !routed_rule && !routed_level {
                let v = need.entry(p.outcome).or_default();
                if !v.contains(&(f, p.rule)) {
                    v.push((f, p.rule));
                }
            }
        }
    }
    for (level, rules) in need {
        out.push(Finding::NoApprover {
            contract: i,
            level,
            rules,
        });
    }
    if can_auto(cx, i) {
        if c.exclusions.is_empty() {
            out.push(Finding::UnsuppressedAutomation { contract: i });
        }
        if c.rollback.is_none() {
            out.push(Finding::NoRollback { contract: i });
        }
    }
}
