//! Stage 4: lower a [`CheckedUnit`] to a [`crmc_eval::Table`].
//!
//! Pure and deterministic: the same unit always gives the same table, and so
//! the same bytes from [`Table::to_bytes`]. Objects and fields are laid out in
//! byte order of their names (re-sorted here, so the table's binary search
//! does not depend on how the checker sorted); strings are interned in order
//! of first use; each condition becomes a postfix program in the table's op
//! arena; every `in (...)` list becomes a sorted set.

use crate::check::model::{self, CheckedUnit, Cond, FieldId, ObjectId};
use crmc_eval::builder::{FieldSpec, TableBuilder};
use crmc_eval::table::{self as t, CondRange, FieldIx, ObjectIx, Op, Table};
use std::fmt;

/// The compiler version recorded in every table.
pub const COMPILER_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Lowering fails only on a unit that breaks the checker's invariants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompileError {
    pub message: String,
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "internal compiler error: {}", self.message)
    }
}

impl std::error::Error for CompileError {}

fn err(message: impl Into<String>) -> CompileError {
    CompileError {
        message: message.into(),
    }
}

struct Lower<'u> {
    unit: &'u CheckedUnit,
    b: TableBuilder,
    objects: Vec<ObjectIx>,
    /// `fields[model object][model index]`.
    fields: Vec<Vec<FieldIx>>,
}

/// Lowers a checked unit to a decision table.
pub fn compile(unit: &CheckedUnit) -> Result<Table, CompileError> {
    let schema = &unit.schema;
    let mut b = TableBuilder::new(COMPILER_VERSION);
    let mut obj_order: Vec<usize> = (0..schema.objects.len()).collect();
    obj_order.sort_by(|x, y| {
        let name = |i: &usize| schema.objects.get(*i).map(|o| o.name.as_str());
        name(x).cmp(&name(y))
    });
    let mut objects = vec![ObjectIx(u32::MAX); schema.objects.len()];
    let mut fields: Vec<Vec<FieldIx>> = vec![Vec::new(); schema.objects.len()];
    for &mi in &obj_order {
        let Some(o) = schema.objects.get(mi) else {
            continue;
        };
        let mut order: Vec<usize> = (0..o.fields.len()).collect();
        order.sort_by(|x, y| {
            let name = |i: &usize| o.fields.get(*i).map(|f| f.name.as_str());
            name(x).cmp(&name(y))
        });
        let specs: Vec<FieldSpec> = order
            .iter()
            .filter_map(|i| o.fields.get(*i))
            .map(|f| FieldSpec {
                name: f.name.clone(),
                ty: type_tag(&f.ty),
                readonly: f.readonly,
                protected: f.protected,
                sensitive: f.sensitive,
                values: match &f.ty {
                    model::FieldType::Picklist(v) | model::FieldType::Multipicklist(v) => v.clone(),
                    _ => Vec::new(),
                },
            })
            .collect();
        let ox = b.object(&o.name, &specs);
        if let Some(slot) = objects.get_mut(mi) {
            *slot = ox;
        }
        let mut map = vec![FieldIx(u32::MAX); o.fields.len()];
        for (pos, &fi) in order.iter().enumerate() {
            if let Some(slot) = map.get_mut(fi) {
                *slot = b
                    .field(
                        ox,
                        &specs.get(pos).map(|s| s.name.clone()).unwrap_or_default(),
                    )
                    .ok_or_else(|| err("field layout"))?;
            }
        }
        if let Some(slot) = fields.get_mut(mi) {
            *slot = map;
        }
    }
    let mut l = Lower {
        unit,
        b,
        objects,
        fields,
    };
    for &mi in &obj_order {
        let Some(o) = schema.objects.get(mi) else {
            continue;
        };
        let ox = l.object(ObjectId(mi as u32))?;
        for r in &o.relations {
            let via = l.field(r.via)?;
            let target = l.object(r.target)?;
            l.b.relation(ox, &r.name, via, target);
        }
    }
    for c in &unit.contracts {
        let row = l.contract(c)?;
        l.b.contract(row);
    }
    for g in &unit.guardrails {
        let row = l.guardrail(g)?;
        l.b.guardrail(row);
    }
    l.b.finish().map_err(|e| err(e.to_string()))
}

fn type_tag(ty: &model::FieldType) -> t::TypeTag {
    use model::FieldType as F;
    match ty {
        F::Id => t::TypeTag::Id,
        F::String => t::TypeTag::String,
        F::Email => t::TypeTag::Email,
        F::Phone => t::TypeTag::Phone,
        F::Url => t::TypeTag::Url,
        F::Bool => t::TypeTag::Bool,
        F::Int => t::TypeTag::Int,
        F::Number => t::TypeTag::Number,
        F::Currency => t::TypeTag::Currency,
        F::Percent => t::TypeTag::Percent,
        F::Date => t::TypeTag::Date,
        F::Datetime => t::TypeTag::Datetime,
        F::Picklist(_) => t::TypeTag::Picklist,
        F::Multipicklist(_) => t::TypeTag::Multipicklist,
        F::Ref(_) => t::TypeTag::Ref,
    }
}

fn cmp_op(op: model::CmpOp) -> t::CmpOp {
    match op {
        model::CmpOp::Eq => t::CmpOp::Eq,
        model::CmpOp::Ne => t::CmpOp::Ne,
        model::CmpOp::Lt => t::CmpOp::Lt,
        model::CmpOp::Le => t::CmpOp::Le,
        model::CmpOp::Gt => t::CmpOp::Gt,
        model::CmpOp::Ge => t::CmpOp::Ge,
    }
}

impl Lower<'_> {
    fn object(&self, o: ObjectId) -> Result<ObjectIx, CompileError> {
        self.objects
            .get(o.0 as usize)
            .copied()
            .ok_or_else(|| err(format!("object id {} out of range", o.0)))
    }

    fn field(&self, f: FieldId) -> Result<FieldIx, CompileError> {
        self.fields
            .get(f.object.0 as usize)
            .and_then(|m| m.get(f.index as usize))
            .copied()
            .ok_or_else(|| err(format!("field id {}.{} out of range", f.object.0, f.index)))
    }

    /// Whether a field's values compare case-insensitively (email, url).
    fn is_case_folded(&self, f: FieldId) -> bool {
        self.unit
            .schema
            .objects
            .get(f.object.0 as usize)
            .and_then(|o| o.fields.get(f.index as usize))
            .is_some_and(|fd| matches!(fd.ty, model::FieldType::Email | model::FieldType::Url))
    }

    fn approver(&mut self, a: &model::Approver) -> t::Approver {
        match a {
            model::Approver::RecordOwner => t::Approver::RecordOwner,
            model::Approver::Role(s) => t::Approver::Role(self.b.intern(s)),
            model::Approver::User(s) => t::Approver::User(self.b.intern(s)),
            model::Approver::Queue(s) => t::Approver::Queue(self.b.intern(s)),
        }
    }

    fn value(&mut self, v: &model::Value) -> t::Const {
        match v {
            model::Value::Str(s) => t::Const::Str(self.b.intern(s)),
            model::Value::Num(d) => t::Const::Num(d.to_f64()),
            model::Value::Bool(b) => t::Const::Bool(*b),
            model::Value::Date(d) => t::Const::Date(*d),
            model::Value::Datetime(s) => t::Const::Datetime(*s),
            model::Value::Event(e) => t::Const::Event(*e),
        }
    }

    /// Lowers a condition on `object` to a postfix program.
    fn cond(&mut self, c: &Cond, object: ObjectId) -> Result<CondRange, CompileError> {
        let start = self.b.ops_len();
        self.emit(c, object)?;
        Ok(CondRange {
            start,
            len: self.b.ops_len() - start,
        })
    }

    fn emit(&mut self, c: &Cond, object: ObjectId) -> Result<(), CompileError> {
        match c {
            Cond::True => self.b.push_op(Op::True),
            Cond::False => self.b.push_op(Op::False),
            Cond::And(cs) | Cond::Or(cs) => {
                for x in cs {
                    self.emit(x, object)?;
                }
                let n = cs.len() as u32;
                self.b.push_op(if matches!(c, Cond::And(_)) {
                    Op::And(n)
                } else {
                    Op::Or(n)
                });
            }
            Cond::Not(x) => {
                self.emit(x, object)?;
                self.b.push_op(Op::Not);
            }
            Cond::Changed { field, .. } => {
                let f = self.field(*field)?;
                self.b.push_op(Op::Changed(f));
            }
            Cond::SetBy {
                field,
                kind,
                name,
                within,
                ..
            } => {
                let field = self.field(*field)?;
                let name = name.as_ref().map(|n| self.b.intern(n));
                self.b.push_op(Op::SetBy {
                    field,
                    kind: *kind,
                    name,
                    within: *within,
                });
            }
            Cond::Atom { subject, test, .. } => {
                // The evaluator lowercases email and url values; their
                // literals are lowercased here to match (case-insensitive).
                let folded = match subject {
                    model::Subject::Field(f)
                    | model::Subject::New(f)
                    | model::Subject::Parent { field: f, .. } => self.is_case_folded(*f),
                    _ => false,
                };
                let subject = match subject {
                    model::Subject::Field(f) => t::Subject::Field(self.field(*f)?),
                    model::Subject::New(f) => t::Subject::New(self.field(*f)?),
                    model::Subject::Parent { relation, field } => {
                        let rels = &self
                            .unit
                            .schema
                            .objects
                            .get(object.0 as usize)
                            .ok_or_else(|| err("object out of range"))?
                            .relations;
                        let pos = rels
                            .iter()
                            .position(|r| &r.name == relation)
                            .ok_or_else(|| err(format!("unknown relation `{relation}`")))?;
                        t::Subject::Parent {
                            relation: pos as u32,
                            field: self.field(*field)?,
                        }
                    }
                    model::Subject::Confidence => t::Subject::Confidence,
                    model::Subject::Source => t::Subject::Source,
                    model::Subject::Event => t::Subject::Event,
                    model::Subject::HistSource(f) => t::Subject::HistSource(self.field(*f)?),
                };
                let fold = |s: &String| if folded { s.to_lowercase() } else { s.clone() };
                let fold_value = |v: &model::Value| match v {
                    model::Value::Str(s) => model::Value::Str(fold(s)),
                    other => other.clone(),
                };
                let test = match test {
                    model::Test::Cmp(op, v) => {
                        let v = fold_value(v);
                        t::Test::Cmp(cmp_op(*op), self.value(&v))
                    }
                    model::Test::In { values, negated } => {
                        let consts: Vec<t::Const> = values
                            .iter()
                            .map(|v| {
                                let v = fold_value(v);
                                self.value(&v)
                            })
                            .collect();
                        t::Test::In {
                            set: self.b.set(&consts),
                            negated: *negated,
                        }
                    }
                    model::Test::IsEmpty => t::Test::IsEmpty,
                    model::Test::IsSet => t::Test::IsSet,
                    model::Test::IsTrue => t::Test::IsTrue,
                    model::Test::StartsWith(s) => t::Test::StartsWith(self.b.intern(&fold(s))),
                    model::Test::EndsWith(s) => t::Test::EndsWith(self.b.intern(&fold(s))),
                    model::Test::Contains(s) => t::Test::Contains(self.b.intern(&fold(s))),
                    model::Test::BeforeDaysAgo(n) => t::Test::BeforeDaysAgo(*n),
                    model::Test::AfterDaysAgo(n) => t::Test::AfterDaysAgo(*n),
                };
                self.b.push_op(Op::Atom(subject, test));
            }
        }
        Ok(())
    }

    fn rules(
        &mut self,
        rules: &[model::Rule],
        object: ObjectId,
    ) -> Result<Vec<t::RuleRow>, CompileError> {
        rules
            .iter()
            .map(|r| {
                Ok(t::RuleRow {
                    outcome: r.outcome,
                    route: r.route.as_ref().map(|a| self.approver(a)),
                    when: r.when.as_ref().map(|w| self.cond(w, object)).transpose()?,
                    position: r.position,
                })
            })
            .collect()
    }

    fn route(&mut self, r: &Option<model::Route>) -> Option<t::Route> {
        r.as_ref().map(|r| t::Route {
            approver: self.approver(&r.approver),
            within: r.within,
        })
    }

    fn guardrail(&mut self, g: &model::Guardrail) -> Result<t::GuardrailRow, CompileError> {
        let floors = g
            .floors
            .iter()
            .map(|(f, outcome, _)| {
                Ok(t::FieldFloor {
                    field: self.field(*f)?,
                    outcome: *outcome,
                })
            })
            .collect::<Result<Vec<_>, CompileError>>()?;
        Ok(t::GuardrailRow {
            name: self.b.intern(&g.name),
            object: self.object(g.object)?,
            actor_kind: g.actor.kind,
            actor_name: g.actor.name.as_ref().map(|n| self.b.intern(n)),
            when: g
                .when
                .as_ref()
                .map(|w| self.cond(w, g.object))
                .transpose()?,
            floors,
            star: g.star.map(|(o, _)| o),
            reason: g.reason.as_ref().map(|r| self.b.intern(r)),
        })
    }

    fn contract(&mut self, c: &model::Contract) -> Result<t::ContractRow, CompileError> {
        let o = c.object;
        let name = self.b.intern(&c.name);
        let actor_name = c.actor.name.as_ref().map(|n| self.b.intern(n));
        let triggers = c
            .triggers
            .iter()
            .map(|tr| {
                Ok(match tr {
                    model::Trigger::Create => t::Trigger::Create,
                    model::Trigger::Delete => t::Trigger::Delete,
                    model::Trigger::Update(None) => t::Trigger::Update(None),
                    model::Trigger::Update(Some(fs)) => t::Trigger::Update(Some(
                        fs.iter()
                            .map(|f| self.field(*f))
                            .collect::<Result<_, _>>()?,
                    )),
                    model::Trigger::Of {
                        object,
                        event,
                        fields,
                    } => t::Trigger::Of {
                        object: self.object(*object)?,
                        event: *event,
                        fields: fields
                            .as_ref()
                            .map(|fs| fs.iter().map(|f| self.field(*f)).collect())
                            .transpose()?,
                    },
                    model::Trigger::Signal(n) => t::Trigger::Signal(self.b.intern(n)),
                    model::Trigger::Schedule(n) => {
                        t::Trigger::Schedule(n.as_ref().map(|n| self.b.intern(n)))
                    }
                })
            })
            .collect::<Result<_, CompileError>>()?;
        let eligible = c.eligible.as_ref().map(|e| self.cond(e, o)).transpose()?;
        let exclusions = c
            .exclusions
            .iter()
            .map(|x| {
                Ok(t::ExclusionRow {
                    name: x.name.as_ref().map(|n| self.b.intern(n)),
                    when: self.cond(&x.when, o)?,
                })
            })
            .collect::<Result<_, CompileError>>()?;
        let field_rules = c
            .fields
            .iter()
            .map(|fr| {
                Ok(t::FieldRules {
                    field: self.field(fr.field)?,
                    rules: self.rules(&fr.rules, o)?,
                })
            })
            .collect::<Result<_, CompileError>>()?;
        let star = c
            .star
            .as_ref()
            .map(|s| self.rules(&s.rules, o))
            .transpose()?;
        let review_route = self.route(&c.approval.review);
        let escalate_route = self.route(&c.approval.escalate);
        let require = c
            .approval
            .require
            .iter()
            .map(|r| {
                Ok(t::Requirement {
                    approver: self.approver(&r.approver),
                    when: r.when.as_ref().map(|w| self.cond(w, o)).transpose()?,
                })
            })
            .collect::<Result<_, CompileError>>()?;
        let rollback = c.rollback.as_ref().map(|rb| t::RollbackRow {
            keep_secs: rb.keep,
            keep_text: rb.keep_text.as_ref().map(|k| self.b.intern(k)),
            notify: rb.notify.iter().map(|a| self.approver(a)).collect(),
        });
        let mut sample_fields = c
            .sample
            .fields
            .iter()
            .map(|(f, rate)| {
                Ok(t::FieldSample {
                    field: self.field(*f)?,
                    rate: u32::from(*rate),
                })
            })
            .collect::<Result<Vec<_>, CompileError>>()?;
        sample_fields.sort_by_key(|s| s.field);
        let sample = t::SampleRow {
            all: c.sample.all.map(u32::from),
            fields: sample_fields,
        };
        Ok(t::ContractRow {
            name,
            version: c.version,
            object: self.object(o)?,
            actor_kind: c.actor.kind,
            actor_name,
            mode: c.mode,
            triggers,
            eligible,
            exclusions,
            auto_at: c.confidence.auto.map(|(d, _)| d.to_f64()),
            review_at: c.confidence.review.map(|(d, _)| d.to_f64()),
            field_rules,
            star,
            review_route,
            escalate_route,
            require,
            audit: c.audit.as_ref().map(|a| a.fields.clone()),
            rollback,
            sample,
        })
    }
}

#[cfg(test)]
mod tests;
