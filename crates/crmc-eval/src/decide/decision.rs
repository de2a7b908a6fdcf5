//! Step 6 of §5.3, the decision as owned data: [`Decision`] and its parts,
//! built from a decided core by [`Table::materialize`] (what
//! [`Table::decide`] returns; [`super::json`] writes the same JSON directly).

use super::{Core, TargetKind};
use crate::mutation::{entries_get, In, J};
use crate::table::{AuditField, Event, Outcome, Table};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;
use std::collections::BTreeMap;

/// The decision for one mutation.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Decision {
    /// The mutation's `id`, echoed (first in the JSON; absent without one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<Value>,
    /// The most restrictive field outcome; `never` when nothing is written.
    pub outcome: Outcome,
    /// Per changed field (and `*` for a delete), by name.
    pub fields: BTreeMap<String, FieldDecision>,
    pub approvals: Vec<ApprovalNeed>,
    pub audit: Vec<AuditEntry>,
    pub rollback: RollbackEntry,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct FieldDecision {
    pub outcome: Outcome,
    /// The contract that decided; `null` when none governs the field.
    pub contract: Option<String>,
    /// The rule that decided (`Field#n`, `*#n`); `null` when no rule did.
    pub rule: Option<String>,
    pub reasons: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ApprovalNeed {
    /// `review`, `escalate`, or `require` (a `require` clause).
    pub level: String,
    /// `record.owner`, `role:NAME`, `user:NAME`, `queue:NAME`; `null` when
    /// the deciding contract names no route for the level.
    pub approver: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub within_secs: Option<u64>,
    pub contracts: Vec<String>,
    pub fields: Vec<String>,
}

/// One audit record: the deciding contract's audit fields, in its order.
#[derive(Clone, Debug, PartialEq)]
pub struct AuditEntry(pub Vec<(String, Value)>);

impl AuditEntry {
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

impl Serialize for AuditEntry {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct RollbackEntry {
    /// Current values of the changed fields (of the whole record for a delete).
    pub previous: BTreeMap<String, Value>,
    /// The longest `keep previous values for` among the deciding contracts.
    pub keep: Option<String>,
    pub notify: Vec<String>,
}

impl Decision {
    pub fn to_json_string(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| error_line(0, &e.to_string()))
    }
}

/// `{"error":{"line":N,"message":"..."}}`.
pub fn error_line(line: usize, message: &str) -> String {
    error_line_with_id(line, None, message)
}

/// [`error_line`], with the mutation's `id` first when the line said one:
/// `{"id":..,"error":{"line":N,"message":"..."}}`.
pub fn error_line_with_id(line: usize, id: Option<&Value>, message: &str) -> String {
    let mut s = String::with_capacity(message.len() + 48);
    s.push('{');
    if let Some(id) = id {
        s.push_str("\"id\":");
        s.push_str(&id.to_string());
        s.push(',');
    }
    s.push_str("\"error\":");
    s.push_str(&serde_json::json!({"line": line, "message": message}).to_string());
    s.push('}');
    s
}

impl Table {
    /// The decision as owned data.
    pub(super) fn materialize(&self, m: &In<'_>, core: &Core<'_, '_, '_>) -> Decision {
        let mut fields = BTreeMap::new();
        for (ti, t) in core.targets.iter().enumerate() {
            let mut reasons = Vec::new();
            self.each_reason(core, ti, &mut String::new(), &mut |r| {
                reasons.push(r.to_string())
            });
            let fd = FieldDecision {
                outcome: core.decided.get(ti).map_or(Outcome::Never, |d| d.outcome),
                contract: self
                    .deciding_contract(core, ti)
                    .map(|c| self.str(c.name).to_string()),
                rule: {
                    let mut s = String::new();
                    self.rule_label(core, ti, &mut s).then_some(s)
                },
                reasons,
            };
            fields.insert(t.name.to_string(), fd);
        }
        let approvals = core
            .approvals
            .iter()
            .map(|n| ApprovalNeed {
                level: n.level.to_string(),
                approver: n.approver.map(|a| self.approver_text(a)),
                within_secs: n.within,
                contracts: n
                    .contracts
                    .iter()
                    .map(|c| self.str(*c).to_string())
                    .collect(),
                fields: n
                    .fields
                    .iter()
                    .filter_map(|ti| core.targets.get(*ti))
                    .map(|t| t.name.to_string())
                    .collect(),
            })
            .collect();
        let audit = (0..core.targets.len())
            .map(|ti| self.audit_entry(m, core, ti, &fields))
            .collect();
        let mut previous: BTreeMap<String, Value> = BTreeMap::new();
        if m.event() == Event::Delete {
            for (k, v) in &m.record {
                previous.insert(k.to_string(), v.to_value());
            }
        }
        for k in m.changes.iter().map(|(k, _)| *k) {
            previous.insert(
                k.to_string(),
                entries_get(&m.record, k).map_or(Value::Null, J::to_value),
            );
        }
        Decision {
            id: m.id.map(J::to_value),
            outcome: core.outcome,
            fields,
            approvals,
            audit,
            rollback: RollbackEntry {
                previous,
                keep: core.keep.map(|k| self.str(k).to_string()),
                notify: core.notify.iter().map(|a| self.approver_text(*a)).collect(),
            },
        }
    }

    fn audit_entry(
        &self,
        m: &In<'_>,
        core: &Core<'_, '_, '_>,
        ti: usize,
        fields: &BTreeMap<String, FieldDecision>,
    ) -> AuditEntry {
        let Some(t) = core.targets.get(ti) else {
            return AuditEntry(Vec::new());
        };
        let outcome = core.decided.get(ti).map_or(Outcome::Never, |d| d.outcome);
        let (contract, list) = self.audit_list(core, ti);
        let sensitive = self.is_sensitive(t);
        let mask = |v: Value| {
            if sensitive && !v.is_null() {
                Value::String("***".to_string())
            } else {
                v
            }
        };
        let is_record = matches!(t.kind, TargetKind::Record);
        let entry = list
            .iter()
            .map(|af| {
                let v = match af {
                    AuditField::RecordId => self
                        .record_id(m, core.object)
                        .map_or(Value::Null, J::to_value),
                    AuditField::Contract => contract
                        .map_or(Value::Null, |c| Value::String(self.str(c.name).to_string())),
                    AuditField::Version => contract.map_or(Value::Null, |c| Value::from(c.version)),
                    AuditField::Trigger => Value::String(
                        m.cause
                            .map_or_else(|| m.event().as_str().to_string(), ToString::to_string),
                    ),
                    AuditField::Field => Value::String(t.name.to_string()),
                    AuditField::OldValue if is_record => Value::Null,
                    AuditField::OldValue => {
                        mask(entries_get(&m.record, t.name).map_or(Value::Null, J::to_value))
                    }
                    AuditField::NewValue if is_record => Value::Null,
                    AuditField::NewValue => {
                        mask(entries_get(&m.changes, t.name).map_or(Value::Null, J::to_value))
                    }
                    AuditField::Source => m
                        .source
                        .map_or(Value::Null, |s| Value::String(s.to_string())),
                    AuditField::Confidence => m
                        .confidence
                        .and_then(serde_json::Number::from_f64)
                        .map_or(Value::Null, Value::Number),
                    AuditField::Timestamp => Value::String(m.at_text.to_string()),
                    AuditField::Actor => serde_json::json!({
                        "kind": m.kind().as_str(),
                        "name": m.name,
                    }),
                    AuditField::Outcome => Value::String(outcome.as_str().to_string()),
                    AuditField::Reasons => fields.get(t.name).map_or(Value::Null, |fd| {
                        Value::Array(fd.reasons.iter().cloned().map(Value::String).collect())
                    }),
                };
                (af.as_str().to_string(), v)
            })
            .chain(
                self.sampled(core, ti)
                    .then(|| ("sampled".to_string(), Value::Bool(true))),
            )
            .chain(
                self.guarded(core, ti)
                    .map(|g| ("guardrail".to_string(), Value::String(g.to_string()))),
            )
            .collect();
        AuditEntry(entry)
    }
}
