//! Witnesses held against the compiled tables: a change is confirmed when
//! deciding its witness with each side's table gives the outcome (and,
//! for a governance change, the differing approvals, audit or rollback)
//! the change claims.

use super::compare::{Delta, Kind};
use super::side::Level;
use crmc_eval::{Decision, Mutation, Table};
use serde_json::Value;

/// What a decision says about one field (the parts a diff compares).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldView {
    pub outcome: crmc_eval::table::Outcome,
    pub governed: bool,
    /// Approver and `within` of the need at the field's own level.
    pub route: Option<(Option<String>, Option<u64>)>,
    pub requires: Vec<String>,
    /// The keys of the field's audit entry, sorted (its configured fields).
    pub audit: Vec<String>,
    pub keep: Option<String>,
    pub notify: Vec<String>,
}

/// The view of `field` in `d` (`None` when the field was not decided).
pub fn view(d: &Decision, field: &str) -> Option<FieldView> {
    let fd = d.fields.get(field)?;
    let level = fd.outcome.as_str();
    let lists = |n: &crmc_eval::ApprovalNeed| n.fields.iter().any(|f| f == field);
    let route = d
        .approvals
        .iter()
        .find(|n| n.level == level && lists(n))
        .map(|n| (n.approver.clone(), n.within_secs));
    let mut requires: Vec<String> = d
        .approvals
        .iter()
        .filter(|n| n.level == "require" && lists(n))
        .filter_map(|n| n.approver.clone())
        .collect();
    requires.sort();
    let mut audit: Vec<String> = d
        .audit
        .iter()
        .find(|e| {
            e.0.iter()
                .any(|(k, v)| k == "field" && v.as_str() == Some(field))
        })
        // the configured fields: `sampled` and `guardrail` annotate the
        // outcome (an outcome change already says they moved)
        .map(|e| {
            e.0.iter()
                .map(|(k, _)| k.clone())
                .filter(|k| k != "sampled" && k != "guardrail")
                .collect()
        })
        .unwrap_or_default();
    audit.sort();
    let mut notify = d.rollback.notify.clone();
    notify.sort();
    Some(FieldView {
        outcome: fd.outcome,
        governed: fd.contract.is_some(),
        route,
        requires,
        audit,
        keep: d.rollback.keep.clone(),
        notify,
    })
}

/// Decides `w` with `t` and views `field`.
pub fn decide(t: &Table, w: &Value, field: &str) -> Option<FieldView> {
    let m = Mutation::from_value(w).ok()?;
    view(&t.decide(&m).ok()?, field)
}

/// Whether the two tables' decisions of the witness show the change.
/// Rollback is whole-decision: compared only when the witness changes
/// this field alone.
pub fn confirms(delta: &Delta, old: &FieldView, new: &FieldView, alone: bool) -> bool {
    let level_ok = |l: Level, v: &FieldView| {
        l.outcome() == v.outcome && (l == Level::Ungoverned) != v.governed
    };
    if !level_ok(delta.old.level, old) || !level_ok(delta.new.level, new) {
        return false;
    }
    if delta.kind != Kind::Governance {
        return true;
    }
    delta.aspects.iter().all(|a| match a.as_str() {
        "approval" => old.route != new.route,
        "audit" => old.audit != new.audit,
        "rollback" => !alone || old.keep != new.keep || old.notify != new.notify,
        _ if a.starts_with("require") => old.requires != new.requires,
        _ => false,
    })
}
