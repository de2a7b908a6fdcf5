//! The parts of a decision after the outcomes: approvals, audit, rollback.

use super::*;

pub(super) fn approver_text(a: &Approver) -> String {
    a.to_string()
}

pub(super) fn approvals(
    w: &World<'_, '_>,
    targets: &[(String, What)],
    decided: &[(Outcome, Option<usize>)],
    governing: &[Governing<'_>],
) -> Vec<ApprovalNeed> {
    let mut out: Vec<ApprovalNeed> = Vec::new();
    let mut add = |level: &str,
                   approver: Option<String>,
                   within: Option<u64>,
                   contract: &str,
                   field: &str| {
        if let Some(n) = out
            .iter_mut()
            .find(|n| n.level == level && n.approver == approver)
        {
            n.within_secs = match (n.within_secs, within) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            if !n.contracts.iter().any(|c| c == contract) {
                n.contracts.push(contract.to_string());
            }
            if !n.fields.iter().any(|f| f == field) {
                n.fields.push(field.to_string());
            }
        } else {
            out.push(ApprovalNeed {
                level: level.to_string(),
                approver,
                within_secs: within,
                contracts: vec![contract.to_string()],
                fields: vec![field.to_string()],
            });
        }
    };
    let asks = |o: Outcome| matches!(o, Outcome::Review | Outcome::Escalate);
    for (ti, (outcome, by)) in decided.iter().enumerate() {
        let (Some(gi), true) = (by, asks(*outcome)) else {
            continue;
        };
        let tname = &targets[ti].0;
        let g = &governing[*gi];
        let c = g.contract;
        let say = &g.says[ti];
        let level_route = if *outcome == Outcome::Review {
            c.approval.review.as_ref()
        } else {
            c.approval.escalate.as_ref()
        };
        let rule_route = say.route.as_ref().filter(|_| say.rule_outcome == *outcome);
        let (approver, within) = match (rule_route, level_route) {
            (Some(a), r) => (Some(approver_text(a)), r.and_then(|r| r.within)),
            (None, Some(r)) => (Some(approver_text(&r.approver)), r.within),
            (None, None) => (None, None),
        };
        add(word(*outcome), approver, within, &c.name, tname);
        for g in governing {
            if !asks(g.says[ti].outcome) {
                continue;
            }
            for req in &g.contract.approval.require {
                let holds = req.when.as_ref().map_or(Truth::Yes, |c| w.truth(c));
                if holds != Truth::No {
                    add(
                        "require",
                        Some(approver_text(&req.approver)),
                        None,
                        &g.contract.name,
                        tname,
                    );
                }
            }
        }
    }
    out
}

/// What an audit entry ends with, beside its configured fields.
pub(super) struct Marks<'a> {
    /// A review sample decided the target.
    pub sampled: bool,
    /// The guardrail that raised it.
    pub guardrail: Option<&'a str>,
}

pub(super) fn audit_entry(
    w: &World<'_, '_>,
    tname: &str,
    what: What,
    outcome: Outcome,
    contract: Option<&Contract>,
    marks: Marks<'_>,
    reasons: &[String],
) -> AuditEntry {
    let m = w.m;
    let sensitive = match what {
        What::Field(f) => w.unit.schema.field(f).sensitive,
        _ => false,
    };
    let shown = |v: Option<&Json>| match v {
        None | Some(Json::Null) => Json::Null,
        Some(_) if sensitive => Json::String("***".to_string()),
        Some(v) => v.clone(),
    };
    let list: Vec<AuditField> = match contract {
        Some(c) => match &c.audit {
            Some(a) => {
                let mut l = Vec::new();
                if !a.fields.contains(&AuditField::Field) {
                    l.push(AuditField::Field);
                }
                l.extend(a.fields.iter().copied());
                l
            }
            None => vec![AuditField::Field],
        },
        None => vec![AuditField::Field, AuditField::Outcome, AuditField::Reasons],
    };
    let record = matches!(what, What::Record);
    let entry = list
        .into_iter()
        .map(|af| {
            let v = match af {
                AuditField::RecordId => record_id(w),
                AuditField::Contract => contract.map_or(Json::Null, |c| c.name.clone().into()),
                AuditField::Version => contract.map_or(Json::Null, |c| c.version.into()),
                // the cause as `trigger on` writes it; the write's event
                // when the write is its own cause
                AuditField::Trigger => match m.cause() {
                    Some(c) => c.to_string().into(),
                    None => m.event().as_str().into(),
                },
                AuditField::Field => tname.into(),
                AuditField::OldValue if record => Json::Null,
                AuditField::NewValue if record => Json::Null,
                AuditField::OldValue => shown(m.record().get(tname)),
                AuditField::NewValue => shown(m.changes().get(tname)),
                AuditField::Source => m
                    .source()
                    .map_or(Json::Null, |s| Json::String(s.to_string())),
                AuditField::Confidence => m
                    .confidence()
                    .and_then(serde_json::Number::from_f64)
                    .map_or(Json::Null, Json::Number),
                AuditField::Timestamp => m.at_text().into(),
                AuditField::Actor => serde_json::json!({
                    "kind": m.actor().kind.as_str(),
                    "name": m.actor().name,
                }),
                AuditField::Outcome => word(outcome).into(),
                AuditField::Reasons => {
                    Json::Array(reasons.iter().map(|r| Json::String(r.clone())).collect())
                }
            };
            (af.as_str().to_string(), v)
        })
        .chain(
            marks
                .sampled
                .then(|| ("sampled".to_string(), Json::Bool(true))),
        )
        .chain(
            marks
                .guardrail
                .map(|g| ("guardrail".to_string(), Json::String(g.to_string()))),
        )
        .collect();
    AuditEntry(entry)
}

/// The record's id: its `id` field named `Id`, else its first `id` field by
/// name, else the key `Id`.
pub(super) fn record_id(w: &World<'_, '_>) -> Json {
    let obj = w.unit.schema.object(w.object);
    let mut ids: Vec<&str> = obj
        .fields
        .iter()
        .filter(|f| f.ty == FieldType::Id)
        .map(|f| f.name.as_str())
        .collect();
    ids.sort_unstable();
    let key = if ids.contains(&"Id") {
        "Id"
    } else {
        ids.first().copied().unwrap_or("Id")
    };
    w.m.record().get(key).cloned().unwrap_or(Json::Null)
}

pub(super) fn rollback(
    w: &World<'_, '_>,
    decided: &[(Outcome, Option<usize>)],
    governing: &[Governing<'_>],
) -> RollbackEntry {
    let m = w.m;
    let mut previous = BTreeMap::new();
    if w.event == Event::Delete {
        previous.extend(m.record().iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    for k in m.changes().keys() {
        previous.insert(k.clone(), m.record().get(k).cloned().unwrap_or(Json::Null));
    }
    let mut deciding: Vec<usize> = Vec::new();
    for gi in decided.iter().filter_map(|d| d.1) {
        if !deciding.contains(&gi) {
            deciding.push(gi);
        }
    }
    let mut keep: Option<(u64, &str)> = None;
    let mut notify: Vec<String> = Vec::new();
    for gi in deciding {
        let Some(rb) = &governing[gi].contract.rollback else {
            continue;
        };
        if let Some(text) = &rb.keep_text {
            let secs = rb.keep.unwrap_or(0);
            if keep.is_none_or(|(k, _)| secs > k) {
                keep = Some((secs, text));
            }
        }
        for a in &rb.notify {
            let t = approver_text(a);
            if !notify.contains(&t) {
                notify.push(t);
            }
        }
    }
    RollbackEntry {
        previous,
        keep: keep.map(|k| k.1.to_string()),
        notify,
    }
}
