//! Test support for the analyzer: a builder for checked units and a tiny
//! direct interpreter of the model semantics (language-v1 §5.3) used as the
//! brute-force oracle and to check witnesses.
#![allow(dead_code, clippy::unwrap_used, clippy::panic, clippy::expect_used)]

use crmc::check::model::*;
use crmc::decimal::Decimal;
use crmc::span::{FileId, Span};
use std::collections::BTreeMap;

pub fn d(s: &str) -> Decimal {
    Decimal::parse(s).unwrap()
}

pub struct Spans(pub u32);
impl Spans {
    pub fn next(&mut self) -> Span {
        self.0 += 10;
        Span::new(FileId(0), self.0 as usize, self.0 as usize + 5)
    }
}

/// One object `Lead` with fields (sorted by name):
/// 0 Flag bool, 1 Num int, 2 Stage picklist(a,b,c) — plus optional extras.
pub fn schema(extra: &[(&str, FieldType, bool, bool)]) -> Schema {
    let mut fields = vec![
        field("Flag", FieldType::Bool, false, false),
        field("Num", FieldType::Int, false, false),
        field(
            "Stage",
            FieldType::Picklist(vec!["a".into(), "b".into(), "c".into()]),
            false,
            false,
        ),
    ];
    for (n, t, ro, pr) in extra {
        fields.push(field(n, t.clone(), *ro, *pr));
    }
    fields.sort_by(|a, b| a.name.cmp(&b.name));
    Schema {
        objects: vec![Object {
            name: "Lead".into(),
            fields,
            relations: vec![],
            span: Span::default(),
        }],
    }
}

fn field(name: &str, ty: FieldType, readonly: bool, protected: bool) -> Field {
    Field {
        name: name.into(),
        percent_scale: (ty == FieldType::Percent).then_some(crmc::check::model::PercentScale::One),
        ty,
        readonly,
        protected,
        sensitive: false,
        span: Span::default(),
    }
}

pub fn fid(schema: &Schema, name: &str) -> FieldId {
    schema.field_by_name(ObjectId(0), name).unwrap()
}

pub fn atom(subject: Subject, test: Test) -> Cond {
    Cond::Atom {
        subject,
        test,
        span: Span::default(),
    }
}

pub fn full_audit() -> Audit {
    Audit {
        fields: AuditField::REQUIRED.to_vec(),
        span: Span::default(),
    }
}

/// A contract with sensible defaults: actor ai "x", trigger update,
/// conditional_write, full audit, a rollback, an exclusion that never holds,
/// approval routes for review and escalate.
pub fn contract(sp: &mut Spans, name: &str) -> Contract {
    Contract {
        name: name.into(),
        name_span: sp.next(),
        span: sp.next(),
        version: 1,
        object: ObjectId(0),
        actor: Actor {
            kind: ActorKind::Ai,
            name: Some("x".into()),
            span: sp.next(),
        },
        owner: None,
        mode: Mode::ConditionalWrite,
        triggers: vec![Trigger::Update(None)],
        trigger_span: sp.next(),
        eligible: None,
        eligible_span: None,
        exclusions: vec![Exclusion {
            name: None,
            when: Cond::False,
            span: sp.next(),
        }],
        confidence: Thresholds::default(),
        fields: vec![],
        star: None,
        fields_span: sp.next(),
        approval: Approval {
            review: Some(Route {
                approver: Approver::RecordOwner,
                within: None,
                span: sp.next(),
            }),
            escalate: Some(Route {
                approver: Approver::Role("M".into()),
                within: None,
                span: sp.next(),
            }),
            require: vec![],
            span: None,
        },
        audit: Some(full_audit()),
        rollback: Some(Rollback {
            keep: None,
            keep_text: None,
            notify: vec![],
            span: sp.next(),
        }),
        metrics: vec![],
        sample: Default::default(),
    }
}

pub fn rule(sp: &mut Spans, outcome: Outcome, when: Option<Cond>, position: u32) -> Rule {
    Rule {
        outcome,
        route: None,
        when,
        position,
        span: sp.next(),
    }
}

pub fn line(sp: &mut Spans, field: FieldId, rules: Vec<(Outcome, Option<Cond>)>) -> FieldRules {
    FieldRules {
        field,
        rules: rules
            .into_iter()
            .enumerate()
            .map(|(i, (o, w))| rule(sp, o, w, i as u32 + 1))
            .collect(),
        span: sp.next(),
    }
}

pub fn star(sp: &mut Spans, rules: Vec<(Outcome, Option<Cond>)>) -> StarRules {
    StarRules {
        rules: rules
            .into_iter()
            .enumerate()
            .map(|(i, (o, w))| rule(sp, o, w, i as u32 + 1))
            .collect(),
        span: sp.next(),
    }
}

pub fn unit(schema: Schema, contracts: Vec<Contract>) -> CheckedUnit {
    CheckedUnit {
        schema,
        exclusions: vec![],
        contracts,
        guardrails: vec![],
        tests: vec![],
    }
}

// ------------------------------------------------------------ interpreter

#[derive(Clone, Debug, PartialEq)]
pub enum V {
    Null,
    Num(Decimal),
    Str(String),
    Bool(bool),
}

#[derive(Clone, Debug)]
pub struct Mut {
    pub event: Event,
    pub kind: ActorKind,
    pub name: String,
    pub confidence: Decimal,
    pub source: String,
    pub record: BTreeMap<FieldId, V>,
    pub changes: BTreeMap<FieldId, V>,
    /// What started the automation; `None`: the write itself.
    pub cause: Option<crmc_eval::Cause>,
    /// `at`, seconds since the epoch.
    pub at: i64,
    /// Last writes by field (`None`: never written); a field not listed
    /// has never been written either (complete inputs list every field a
    /// condition reads).
    pub history: BTreeMap<FieldId, Option<LastW>>,
}

/// One field's last write.
#[derive(Clone, Debug, PartialEq)]
pub struct LastW {
    pub kind: ActorKind,
    pub name: String,
    pub at: i64,
    pub source: String,
}

/// The analysis's default `at`: 2026-01-01T00:00:00Z.
pub const AT_SECS: i64 = 1_767_225_600;

impl Mut {
    fn get(&self, s: &Subject) -> V {
        match s {
            // on create, the record as it would be created (decisions 1)
            Subject::Field(f) if self.event == Event::Create => self
                .changes
                .get(f)
                .or_else(|| self.record.get(f))
                .cloned()
                .unwrap_or(V::Null),
            Subject::Field(f) => self.record.get(f).cloned().unwrap_or(V::Null),
            Subject::New(f) => self
                .changes
                .get(f)
                .or_else(|| self.record.get(f))
                .cloned()
                .unwrap_or(V::Null),
            Subject::Confidence => V::Num(self.confidence),
            Subject::Source => V::Str(self.source.clone()),
            Subject::Event => V::Str(self.event.as_str().into()),
            Subject::Parent { .. } => V::Null,
            Subject::HistSource(f) => match self.history.get(f) {
                Some(Some(w)) => V::Str(w.source.clone()),
                _ => V::Null,
            },
        }
    }
}

fn lit(v: &Value) -> V {
    match v {
        Value::Str(s) => V::Str(s.clone()),
        Value::Num(d) => V::Num(*d),
        Value::Bool(b) => V::Bool(*b),
        Value::Date(x) | Value::Datetime(x) => V::Num(Decimal::from_int(*x)),
        Value::Event(e) => V::Str(e.as_str().into()),
    }
}

pub fn eval(c: &Cond, m: &Mut) -> bool {
    match c {
        Cond::True => true,
        Cond::False => false,
        Cond::And(cs) => cs.iter().all(|c| eval(c, m)),
        Cond::Or(cs) => cs.iter().any(|c| eval(c, m)),
        Cond::Not(c) => !eval(c, m),
        Cond::Changed { field, .. } => m.changes.contains_key(field),
        Cond::SetBy {
            field,
            kind,
            name,
            within,
            ..
        } => match m.history.get(field) {
            Some(Some(w)) => {
                w.kind == *kind
                    && name.as_ref().is_none_or(|n| *n == w.name)
                    && within.is_none_or(|n| w.at >= m.at - n)
            }
            _ => false,
        },
        Cond::Atom { subject, test, .. } => {
            let v = m.get(subject);
            if matches!(test, Test::IsEmpty) {
                return v == V::Null;
            }
            if matches!(test, Test::IsSet) {
                return v != V::Null;
            }
            if v == V::Null {
                return false;
            }
            match test {
                Test::IsTrue => v == V::Bool(true),
                Test::Cmp(op, x) => {
                    let x = lit(x);
                    match (op, &v, &x) {
                        (CmpOp::Eq, _, _) => v == x,
                        (CmpOp::Ne, _, _) => v != x,
                        (op, V::Num(a), V::Num(b)) => match op {
                            CmpOp::Lt => a < b,
                            CmpOp::Le => a <= b,
                            CmpOp::Gt => a > b,
                            CmpOp::Ge => a >= b,
                            _ => false,
                        },
                        _ => false,
                    }
                }
                Test::In { values, negated } => values.iter().any(|x| lit(x) == v) != *negated,
                Test::StartsWith(p) => matches!(&v, V::Str(s) if s.starts_with(p.as_str())),
                Test::EndsWith(p) => matches!(&v, V::Str(s) if s.ends_with(p.as_str())),
                Test::Contains(p) => matches!(&v, V::Str(s) if s.contains(p.as_str())),
                _ => false,
            }
        }
    }
}

/// What a contract does with a mutation.
#[derive(Clone, Debug, PartialEq)]
pub enum Applies {
    No,
    Excluded,
    /// Per changed field: the outcome and the deciding rule
    /// (`Some((line, index))`, `Some((usize::MAX, i))` for `*`, `None`: no rule).
    Live(BTreeMap<FieldId, (Outcome, Option<(usize, usize)>)>),
}

pub fn triggered(schema: &Schema, c: &Contract, m: &Mut) -> bool {
    use crmc_eval::Cause;
    let named = |fs: &[FieldId], names: &[String]| {
        fs.iter().any(|f| names.contains(&schema.field(*f).name))
    };
    c.triggers.iter().any(|t| match (&m.cause, t) {
        (None, Trigger::Create) => m.event == Event::Create,
        (None, Trigger::Delete) => m.event == Event::Delete,
        (None, Trigger::Update(None)) => m.event == Event::Update,
        (None, Trigger::Update(Some(fs))) => {
            m.event == Event::Update && fs.iter().any(|f| m.changes.contains_key(f))
        }
        (
            Some(Cause::Record {
                object: None,
                event,
                fields,
            }),
            _,
        ) => match t {
            Trigger::Create => *event == Event::Create,
            Trigger::Delete => *event == Event::Delete,
            Trigger::Update(None) => *event == Event::Update,
            Trigger::Update(Some(fs)) => *event == Event::Update && named(fs, fields),
            _ => false,
        },
        (
            Some(Cause::Record {
                object: Some(o),
                event,
                fields,
            }),
            Trigger::Of {
                object,
                event: e,
                fields: fs,
            },
        ) => {
            &schema.object(*object).name == o
                && event == e
                && fs.as_ref().is_none_or(|fs| named(fs, fields))
        }
        (Some(Cause::Signal(n)), Trigger::Signal(s)) => n == s,
        (Some(Cause::Schedule(_)), Trigger::Schedule(None)) => true,
        (Some(Cause::Schedule(Some(n))), Trigger::Schedule(Some(s))) => n == s,
        _ => false,
    })
}

pub fn run(schema: &Schema, c: &Contract, m: &Mut) -> Applies {
    if !(triggered(schema, c, m) && c.eligible.as_ref().is_none_or(|e| eval(e, m))) {
        return Applies::No;
    }
    if c.exclusions.iter().any(|e| eval(&e.when, m)) {
        return Applies::Excluded;
    }
    let mut out = BTreeMap::new();
    for f in m.changes.keys() {
        let mut decided: Option<(Outcome, Option<(usize, usize)>)> = None;
        if let Some(l) = c.fields.iter().position(|l| l.field == *f) {
            if let Some(i) = c.fields[l]
                .rules
                .iter()
                .position(|r| r.when.as_ref().is_none_or(|w| eval(w, m)))
            {
                decided = Some((c.fields[l].rules[i].outcome, Some((l, i))));
            }
        }
        if decided.is_none() {
            if let Some(s) = &c.star {
                if let Some(i) = s
                    .rules
                    .iter()
                    .position(|r| r.when.as_ref().is_none_or(|w| eval(w, m)))
                {
                    decided = Some((s.rules[i].outcome, Some((usize::MAX, i))));
                }
            }
        }
        let (mut o, rule) = decided.unwrap_or((Outcome::Never, None));
        if let Some((t, _)) = c.confidence.auto {
            if m.confidence < t {
                o = o.max(Outcome::Review);
            }
        }
        if let Some((t, _)) = c.confidence.review {
            if m.confidence < t {
                o = Outcome::Never;
            }
        }
        match c.mode {
            Mode::ReadOnly => o = o.max(Outcome::Suggest),
            Mode::Draft => o = o.max(Outcome::Review),
            _ => {}
        }
        let fd = schema.field(*f);
        if fd.protected {
            o = o.max(Outcome::Review);
        }
        if fd.readonly {
            o = Outcome::Never;
        }
        out.insert(*f, (o, rule));
    }
    Applies::Live(out)
}

/// A witness (§7 JSON) back into a mutation.
pub fn parse_witness(schema: &Schema, w: &serde_json::Value) -> Mut {
    let obj = ObjectId(0);
    let val = |f: FieldId, j: &serde_json::Value| -> V {
        match j {
            serde_json::Value::Null => V::Null,
            serde_json::Value::Bool(b) => V::Bool(*b),
            serde_json::Value::Number(n) => V::Num(d(&n.to_string())),
            serde_json::Value::String(s) => match schema.field(f).ty {
                FieldType::Date | FieldType::Datetime => panic!("dates not in tests"),
                _ => V::Str(s.clone()),
            },
            _ => panic!("bad value"),
        }
    };
    let fields = |k: &str| -> BTreeMap<FieldId, V> {
        w[k].as_object()
            .unwrap()
            .iter()
            .map(|(n, j)| {
                let f = schema.field_by_name(obj, n).unwrap();
                (f, val(f, j))
            })
            .collect()
    };
    Mut {
        event: match w["event"].as_str().unwrap() {
            "create" => Event::Create,
            "update" => Event::Update,
            _ => Event::Delete,
        },
        kind: match w["actor"]["kind"].as_str().unwrap() {
            "ai" => ActorKind::Ai,
            "integration" => ActorKind::Integration,
            _ => ActorKind::Human,
        },
        name: w["actor"]["name"].as_str().unwrap().into(),
        confidence: d(&w["confidence"].to_string()),
        source: w["source"].as_str().unwrap().into(),
        record: fields("record"),
        changes: fields("changes"),
        cause: w
            .get("trigger")
            .map(|t| crmc_eval::Cause::from_value(t).unwrap()),
        at: crmc_eval::time::parse_datetime(w["at"].as_str().unwrap()).unwrap(),
        history: w["history"]
            .as_object()
            .map(|h| {
                h.iter()
                    .map(|(n, e)| {
                        let f = schema.field_by_name(obj, n).unwrap();
                        let e = (!e.is_null()).then(|| LastW {
                            kind: match e["actor"]["kind"].as_str().unwrap() {
                                "ai" => ActorKind::Ai,
                                "integration" => ActorKind::Integration,
                                _ => ActorKind::Human,
                            },
                            name: e["actor"]["name"].as_str().unwrap().into(),
                            at: crmc_eval::time::parse_datetime(e["at"].as_str().unwrap()).unwrap(),
                            source: e["source"].as_str().unwrap().into(),
                        });
                        (f, e)
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}
