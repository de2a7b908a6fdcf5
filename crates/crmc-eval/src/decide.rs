//! Deciding one mutation (language-v1 §5.3) and the decision's JSON (§7).

use crate::eval::{Ctx, Tv};
use crate::mutation::{EvalError, Mutation};
use crate::table::{
    Approver, AuditField, ContractIx, ContractRow, Event, FieldIx, Mode, Outcome, RuleRow, Table,
    Trigger, TypeTag,
};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;
use std::collections::BTreeMap;

/// The decision for one mutation.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Decision {
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
    serde_json::json!({"error": {"line": line, "message": message}}).to_string()
}

/// What one change is about.
struct Target<'m> {
    name: &'m str,
    kind: TargetKind,
}

#[derive(Clone, Copy)]
enum TargetKind {
    Field(FieldIx),
    /// A change to a name the schema does not have.
    Unknown,
    /// Deleting the whole record, governed by `*` rules.
    Record,
}

/// One contract's verdict on one target.
#[derive(Clone, Debug)]
struct Verdict {
    outcome: Outcome,
    rule: Option<String>,
    /// The deciding rule's outcome and route.
    rule_outcome: Outcome,
    route: Option<Approver>,
    reasons: Vec<String>,
}

struct Applicable {
    ix: ContractIx,
    floor: Outcome,
    floor_reasons: Vec<String>,
    /// The exclusion that holds.
    excluded: Option<String>,
    cap: Outcome,
    cap_reasons: Vec<String>,
    verdicts: Vec<Verdict>,
}

fn rule_label(target: &str, r: &RuleRow) -> String {
    format!("{target}#{}", r.position)
}

fn fmt_num(x: f64) -> String {
    serde_json::Number::from_f64(x).map_or_else(|| x.to_string(), |n| n.to_string())
}

impl Table {
    /// Decides one mutation. Errs only when the mutation names an object the
    /// table does not know.
    pub fn decide(&self, m: &Mutation) -> Result<Decision, EvalError> {
        let obj_ix = self
            .object_by_name(&m.object)
            .ok_or_else(|| EvalError::new(format!("unknown object `{}`", m.object)))?;
        let object = self
            .object(obj_ix)
            .ok_or_else(|| EvalError::new("corrupt table"))?;
        let ctx = Ctx::new(self, m, object);
        let mut stack = Vec::with_capacity(16);

        let mut targets: Vec<Target<'_>> = m
            .changes
            .keys()
            .map(|k| Target {
                name: k,
                kind: self
                    .field_by_name(object, k)
                    .map_or(TargetKind::Unknown, TargetKind::Field),
            })
            .collect();
        if m.event == Event::Delete {
            targets.push(Target {
                name: "*",
                kind: TargetKind::Record,
            });
        }

        // 1. Applicable contracts.
        let candidates = self
            .index
            .get(obj_ix.ix())
            .and_then(|per_event| per_event.get(m.event.ix()))
            .map_or(&[][..], Vec::as_slice);
        let mut applicable: Vec<Applicable> = Vec::new();
        for &cix in candidates {
            let Some(c) = self.contracts.get(cix.ix()) else {
                continue;
            };
            if c.object != obj_ix
                || c.actor_kind != m.actor.kind
                || c.actor_name.is_some_and(|n| self.str(n) != m.actor.name)
                || !c.triggers.iter().any(|t| self.trigger_matches(t, &ctx))
            {
                continue;
            }
            let cname = self.str(c.name);
            let mut a = Applicable {
                ix: cix,
                floor: Outcome::Auto,
                floor_reasons: Vec::new(),
                excluded: None,
                cap: Outcome::Auto,
                cap_reasons: Vec::new(),
                verdicts: Vec::new(),
            };
            if let Some(e) = c.eligible {
                match ctx.eval(e, &mut stack) {
                    Tv::False => continue,
                    Tv::True => {}
                    Tv::Unknown => {
                        a.floor = Outcome::Review;
                        a.floor_reasons.push(format!(
                            "contract `{cname}`: eligibility unknown (missing {}), at least review",
                            ctx.missing(e).join(", ")
                        ));
                    }
                }
            }
            // 2. Exclusions.
            for (i, x) in c.exclusions.iter().enumerate() {
                let label = match x.name {
                    Some(n) => format!("exclusion `{}`", self.str(n)),
                    None => format!("exclusion #{}", i + 1),
                };
                match ctx.eval(x.when, &mut stack) {
                    Tv::False => {}
                    Tv::True => {
                        if a.excluded.is_none() {
                            a.excluded = Some(format!("contract `{cname}`: {label} holds, never"));
                        }
                    }
                    Tv::Unknown => {
                        a.floor = a.floor.max(Outcome::Review);
                        a.floor_reasons.push(format!(
                            "contract `{cname}`: {label} unknown (missing {}), at least review",
                            ctx.missing(x.when).join(", ")
                        ));
                    }
                }
            }
            // 4. Contract-wide caps: confidence and mode.
            if c.auto_at.is_some() || c.review_at.is_some() {
                match m.confidence {
                    None => {
                        let o = if c.review_at.is_some() {
                            Outcome::Never
                        } else {
                            Outcome::Review
                        };
                        a.cap = a.cap.max(o);
                        a.cap_reasons.push(format!(
                            "contract `{cname}`: confidence missing, treated as below every threshold, {}",
                            if o == Outcome::Never { "never" } else { "at least review" }
                        ));
                    }
                    Some(conf) => {
                        if let Some(r) = c.review_at.filter(|r| conf < *r) {
                            a.cap = Outcome::Never;
                            a.cap_reasons.push(format!(
                                "contract `{cname}`: confidence {} below review threshold {}, never",
                                fmt_num(conf),
                                fmt_num(r)
                            ));
                        } else if let Some(t) = c.auto_at.filter(|t| conf < *t) {
                            a.cap = a.cap.max(Outcome::Review);
                            a.cap_reasons.push(format!(
                                "contract `{cname}`: confidence {} below auto threshold {}, at least review",
                                fmt_num(conf),
                                fmt_num(t)
                            ));
                        }
                    }
                }
            }
            let mode_cap = match c.mode {
                Mode::ReadOnly => Outcome::Suggest,
                Mode::Draft => Outcome::Review,
                Mode::ConditionalWrite | Mode::AutomatedWrite => Outcome::Auto,
            };
            if mode_cap > Outcome::Auto {
                a.cap = a.cap.max(mode_cap);
                a.cap_reasons.push(format!(
                    "contract `{cname}`: mode {}, at least {}",
                    c.mode.as_str(),
                    mode_cap.as_str()
                ));
            }
            // 3. Field rules, per target.
            a.verdicts = targets
                .iter()
                .map(|t| self.verdict(c, &a, t, &ctx, &mut stack))
                .collect();
            applicable.push(a);
        }

        // 5. Combination, per target.
        let mut fields = BTreeMap::new();
        // (target, deciding applicable index, final outcome)
        let mut decided: Vec<(usize, Option<usize>, Outcome)> = Vec::new();
        for (ti, t) in targets.iter().enumerate() {
            let (fd, by) = match t.kind {
                TargetKind::Unknown => (
                    FieldDecision {
                        outcome: Outcome::Never,
                        contract: None,
                        rule: None,
                        reasons: vec![format!(
                            "`{}` is not a field of `{}`, never",
                            t.name, m.object
                        )],
                    },
                    None,
                ),
                _ => {
                    let mut best: Option<(usize, &Verdict)> = None;
                    for (ai, a) in applicable.iter().enumerate() {
                        if let Some(v) = a.verdicts.get(ti) {
                            if best.is_none_or(|(_, b)| v.outcome > b.outcome) {
                                best = Some((ai, v));
                            }
                        }
                    }
                    match best {
                        Some((ai, v)) => (
                            FieldDecision {
                                outcome: v.outcome,
                                contract: applicable
                                    .get(ai)
                                    .and_then(|a| self.contracts.get(a.ix.ix()))
                                    .map(|c| self.str(c.name).to_string()),
                                rule: v.rule.clone(),
                                reasons: v.reasons.clone(),
                            },
                            Some(ai),
                        ),
                        None => (
                            FieldDecision {
                                outcome: Outcome::Never,
                                contract: None,
                                rule: None,
                                reasons: vec!["no contract governs".to_string()],
                            },
                            None,
                        ),
                    }
                }
            };
            decided.push((ti, by, fd.outcome));
            fields.insert(t.name.to_string(), fd);
        }

        // 6. Overall, approvals, audit, rollback.
        let outcome = decided.iter().map(|d| d.2).max().unwrap_or(Outcome::Never);
        let approvals = self.approvals(&targets, &decided, &applicable, &ctx, &mut stack);
        let audit = targets
            .iter()
            .zip(&decided)
            .map(|(t, d)| self.audit_entry(m, object, t, d, &applicable, &fields))
            .collect();
        let rollback = self.rollback(m, &decided, &applicable);
        Ok(Decision {
            outcome,
            fields,
            approvals,
            audit,
            rollback,
        })
    }

    fn trigger_matches(&self, t: &Trigger, ctx: &Ctx<'_, '_>) -> bool {
        match (t, ctx.m.event) {
            (Trigger::Create, Event::Create) | (Trigger::Delete, Event::Delete) => true,
            (Trigger::Update(None), Event::Update) => true,
            (Trigger::Update(Some(fs)), Event::Update) => fs.iter().any(|f| ctx.is_changed(*f)),
            _ => false,
        }
    }

    fn verdict(
        &self,
        c: &ContractRow,
        a: &Applicable,
        t: &Target<'_>,
        ctx: &Ctx<'_, '_>,
        stack: &mut Vec<Tv>,
    ) -> Verdict {
        let cname = self.str(c.name);
        if let Some(x) = &a.excluded {
            return Verdict {
                outcome: Outcome::Never,
                rule: None,
                rule_outcome: Outcome::Never,
                route: None,
                reasons: vec![x.clone()],
            };
        }
        let field = match t.kind {
            TargetKind::Field(f) => Some(f),
            _ => None,
        };
        let lines: [(&str, &[RuleRow]); 2] = [
            (t.name, field.and_then(|f| c.rules_for(f)).unwrap_or(&[])),
            ("*", c.star.as_deref().unwrap_or(&[])),
        ];
        let mut reasons = Vec::new();
        // The strongest rule whose condition was unknown, and the first that held.
        let mut pending: Option<(Outcome, String, Option<Approver>)> = None;
        let mut held: Option<(Outcome, String, Option<Approver>)> = None;
        'lines: for (label, rules) in lines {
            for r in rules {
                let tv = r.when.map_or(Tv::True, |w| ctx.eval(w, stack));
                match tv {
                    Tv::False => {}
                    Tv::True => {
                        reasons.push(format!(
                            "contract `{cname}`: rule `{}` decides {}",
                            rule_label(label, r),
                            r.outcome.as_str()
                        ));
                        held = Some((r.outcome, rule_label(label, r), r.route));
                        break 'lines;
                    }
                    Tv::Unknown => {
                        let o = r.outcome.max(Outcome::Review);
                        reasons.push(format!(
                            "contract `{cname}`: rule `{}` unknown (missing {}), at least {}",
                            rule_label(label, r),
                            r.when
                                .map(|w| ctx.missing(w).join(", "))
                                .unwrap_or_default(),
                            o.as_str()
                        ));
                        if pending.as_ref().is_none_or(|p| o > p.0) {
                            pending = Some((o, rule_label(label, r), r.route));
                        }
                    }
                }
            }
        }
        let (rule_outcome, rule, route) = match (held, pending) {
            (Some(h), Some(p)) if p.0 > h.0 => (p.0, Some(p.1), p.2),
            (Some(h), _) => (h.0, Some(h.1), h.2),
            (None, p) => {
                reasons.push(format!(
                    "contract `{cname}`: no rule for `{}` holds{}, never",
                    t.name,
                    if c.star.is_some() {
                        ""
                    } else {
                        " and there is no `*` rule"
                    }
                ));
                (Outcome::Never, p.map(|p| p.1), None)
            }
        };
        let mut outcome = rule_outcome;
        if a.floor > outcome {
            outcome = a.floor;
        }
        reasons.extend(a.floor_reasons.iter().cloned());
        if a.cap > Outcome::Auto {
            outcome = outcome.max(a.cap);
            reasons.extend(a.cap_reasons.iter().cloned());
        }
        if let Some(row) = field.and_then(|f| self.field(f)) {
            if row.readonly {
                outcome = Outcome::Never;
                reasons.push(format!("field `{}` is readonly, never", t.name));
            } else if row.protected && outcome < Outcome::Review {
                outcome = Outcome::Review;
                reasons.push(format!("field `{}` is protected, at least review", t.name));
            }
        }
        Verdict {
            outcome,
            rule,
            rule_outcome,
            route,
            reasons,
        }
    }

    fn approvals(
        &self,
        targets: &[Target<'_>],
        decided: &[(usize, Option<usize>, Outcome)],
        applicable: &[Applicable],
        ctx: &Ctx<'_, '_>,
        stack: &mut Vec<Tv>,
    ) -> Vec<ApprovalNeed> {
        let mut out: Vec<ApprovalNeed> = Vec::new();
        let mut add = |level: &str,
                       approver: Option<String>,
                       within: Option<u64>,
                       c: &str,
                       f: &str| {
            match out
                .iter_mut()
                .find(|n| n.level == level && n.approver == approver)
            {
                Some(n) => {
                    n.within_secs = match (n.within_secs, within) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    };
                    if !n.contracts.iter().any(|x| x == c) {
                        n.contracts.push(c.to_string());
                    }
                    if !n.fields.iter().any(|x| x == f) {
                        n.fields.push(f.to_string());
                    }
                }
                None => out.push(ApprovalNeed {
                    level: level.to_string(),
                    approver,
                    within_secs: within,
                    contracts: vec![c.to_string()],
                    fields: vec![f.to_string()],
                }),
            }
        };
        let needs = |o: Outcome| matches!(o, Outcome::Review | Outcome::Escalate);
        for &(ti, by, outcome) in decided {
            if !needs(outcome) {
                continue;
            }
            let Some(t) = targets.get(ti) else { continue };
            let Some(a) = by.and_then(|ai| applicable.get(ai)) else {
                continue;
            };
            let Some(c) = self.contracts.get(a.ix.ix()) else {
                continue;
            };
            let v = a.verdicts.get(ti);
            let rule_route = v
                .filter(|v| v.rule_outcome == outcome)
                .and_then(|v| v.route);
            let route = match outcome {
                Outcome::Review => c.review_route.as_ref(),
                _ => c.escalate_route.as_ref(),
            };
            let (approver, within) = match (rule_route, route) {
                (Some(r), _) => (Some(self.approver_text(r)), route.and_then(|r| r.within)),
                (None, Some(r)) => (Some(self.approver_text(r.approver)), r.within),
                (None, None) => (None, None),
            };
            add(outcome.as_str(), approver, within, self.str(c.name), t.name);
            // `require` clauses of every applicable contract that itself
            // asked for an approval of this field; unknown counts as holding.
            for a in applicable {
                let Some(c) = self.contracts.get(a.ix.ix()) else {
                    continue;
                };
                if !a.verdicts.get(ti).is_some_and(|v| needs(v.outcome)) {
                    continue;
                }
                for req in &c.require {
                    if req.when.is_none_or(|w| ctx.eval(w, stack) != Tv::False) {
                        add(
                            "require",
                            Some(self.approver_text(req.approver)),
                            None,
                            self.str(c.name),
                            t.name,
                        );
                    }
                }
            }
        }
        out
    }

    fn record_id(&self, m: &Mutation, object: &crate::table::ObjectRow) -> Value {
        let id_field = self
            .object_fields(object)
            .iter()
            .filter(|f| f.ty == TypeTag::Id)
            .map(|f| self.str(f.name))
            .min_by_key(|n| *n != "Id");
        m.record
            .get(id_field.unwrap_or("Id"))
            .cloned()
            .unwrap_or(Value::Null)
    }

    fn audit_entry(
        &self,
        m: &Mutation,
        object: &crate::table::ObjectRow,
        t: &Target<'_>,
        d: &(usize, Option<usize>, Outcome),
        applicable: &[Applicable],
        fields: &BTreeMap<String, FieldDecision>,
    ) -> AuditEntry {
        let fd = fields.get(t.name);
        let contract =
            d.1.and_then(|ai| applicable.get(ai))
                .and_then(|a| self.contracts.get(a.ix.ix()));
        let sensitive = match t.kind {
            TargetKind::Field(f) => self.field(f).is_some_and(|r| r.sensitive),
            _ => false,
        };
        let mask = |v: Value| {
            if sensitive && !v.is_null() {
                Value::String("***".to_string())
            } else {
                v
            }
        };
        let list: Vec<AuditField> = match contract.and_then(|c| c.audit.as_ref()) {
            Some(list) => {
                let mut l = Vec::with_capacity(list.len() + 1);
                if !list.contains(&AuditField::Field) {
                    l.push(AuditField::Field);
                }
                l.extend(list.iter().copied());
                l
            }
            None if contract.is_some() => vec![AuditField::Field],
            None => vec![AuditField::Field, AuditField::Outcome, AuditField::Reasons],
        };
        let is_record = matches!(t.kind, TargetKind::Record);
        let entry = list
            .into_iter()
            .map(|af| {
                let v = match af {
                    AuditField::RecordId => self.record_id(m, object),
                    AuditField::Contract => contract
                        .map_or(Value::Null, |c| Value::String(self.str(c.name).to_string())),
                    AuditField::Version => contract.map_or(Value::Null, |c| Value::from(c.version)),
                    AuditField::Trigger => Value::String(m.event.as_str().to_string()),
                    AuditField::Field => Value::String(t.name.to_string()),
                    AuditField::OldValue if is_record => Value::Null,
                    AuditField::OldValue => {
                        mask(m.record.get(t.name).cloned().unwrap_or(Value::Null))
                    }
                    AuditField::NewValue if is_record => Value::Null,
                    AuditField::NewValue => {
                        mask(m.changes.get(t.name).cloned().unwrap_or(Value::Null))
                    }
                    AuditField::Source => m.source.clone().map_or(Value::Null, Value::String),
                    AuditField::Confidence => m
                        .confidence
                        .and_then(serde_json::Number::from_f64)
                        .map_or(Value::Null, Value::Number),
                    AuditField::Timestamp => Value::String(m.at_text.clone()),
                    AuditField::Actor => serde_json::json!({
                        "kind": m.actor.kind.as_str(),
                        "name": m.actor.name,
                    }),
                    AuditField::Outcome => Value::String(d.2.as_str().to_string()),
                    AuditField::Reasons => fd.map_or(Value::Null, |fd| {
                        Value::Array(fd.reasons.iter().cloned().map(Value::String).collect())
                    }),
                };
                (af.as_str().to_string(), v)
            })
            .collect();
        AuditEntry(entry)
    }

    fn rollback(
        &self,
        m: &Mutation,
        decided: &[(usize, Option<usize>, Outcome)],
        applicable: &[Applicable],
    ) -> RollbackEntry {
        let mut previous: BTreeMap<String, Value> = BTreeMap::new();
        if m.event == Event::Delete {
            for (k, v) in &m.record {
                previous.insert(k.clone(), v.clone());
            }
        }
        for k in m.changes.keys() {
            previous.insert(k.clone(), m.record.get(k).cloned().unwrap_or(Value::Null));
        }
        let mut keep: Option<(u64, String)> = None;
        let mut notify: Vec<String> = Vec::new();
        let mut seen: Vec<usize> = Vec::new();
        for ai in decided.iter().filter_map(|d| d.1) {
            if seen.contains(&ai) {
                continue;
            }
            seen.push(ai);
            let Some(rb) = applicable
                .get(ai)
                .and_then(|a| self.contracts.get(a.ix.ix()))
                .and_then(|c| c.rollback.as_ref())
            else {
                continue;
            };
            if let Some(text) = rb.keep_text {
                let secs = rb.keep_secs.unwrap_or(0);
                if keep.as_ref().is_none_or(|(k, _)| secs > *k) {
                    keep = Some((secs, self.str(text).to_string()));
                }
            }
            for a in &rb.notify {
                let t = self.approver_text(*a);
                if !notify.contains(&t) {
                    notify.push(t);
                }
            }
        }
        RollbackEntry {
            previous,
            keep: keep.map(|k| k.1),
            notify,
        }
    }
}

/// Decides one line of §7 JSON; the decision's JSON line.
pub fn decide_json(table: &Table, line: &str) -> Result<String, EvalError> {
    let m = Mutation::from_json(line)?;
    Ok(table.decide(&m)?.to_json_string())
}

/// Decides one NDJSON line (1-based `line_no`): a decision line, or an
/// `{"error":...}` line. Never `auto` for malformed input.
pub fn decide_line(table: &Table, line: &str, line_no: usize) -> String {
    match decide_json(table, line) {
        Ok(s) => s,
        Err(e) => error_line(line_no, &e.message),
    }
}

/// Decides an NDJSON stream: one output line per non-blank input line, in
/// order (blank lines are skipped; error lines carry the input line number).
pub fn decide_batch(table: &Table, input: &str) -> Vec<String> {
    input
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| decide_line(table, l, i + 1))
        .collect()
}
