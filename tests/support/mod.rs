//! Shared test helpers: a seeded generator of random checked units and
//! random §7 mutations over them, plus small builders for hand-written units.
//!
//! Generation is driven by a 64-bit seed (SplitMix64), so a failing case is
//! reproduced from its seed alone; proptest supplies and persists the seeds.
#![allow(dead_code, clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use crmc::check::model::*;
use crmc::decimal::Decimal;
use crmc::span::Span;
use serde_json::{json, Map, Value as Json};

// ---------------------------------------------------------------- randomness

pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    /// True with probability `p` percent.
    pub fn pct(&mut self, p: u32) -> bool {
        self.below(100) < p as usize
    }
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
    pub fn shuffle<T>(&mut self, xs: &mut [T]) {
        for i in (1..xs.len()).rev() {
            let j = self.below(i + 1);
            xs.swap(i, j);
        }
    }
}

// ---------------------------------------------------------------- builders

pub fn sp() -> Span {
    Span::default()
}

pub fn dec(s: &str) -> Decimal {
    Decimal::parse(s).unwrap()
}

pub fn fid(object: u32, index: u32) -> FieldId {
    FieldId {
        object: ObjectId(object),
        index,
    }
}

pub fn field(name: &str, ty: FieldType) -> Field {
    Field {
        name: name.into(),
        percent_scale: (ty == FieldType::Percent).then_some(crmc::check::model::PercentScale::One),
        ty,
        readonly: false,
        protected: false,
        sensitive: false,
        span: sp(),
    }
}

pub fn atom(subject: Subject, test: Test) -> Cond {
    Cond::Atom {
        subject,
        test,
        span: sp(),
    }
}

pub fn rule(outcome: Outcome, when: Option<Cond>, position: u32) -> Rule {
    Rule {
        outcome,
        route: None,
        when,
        position,
        span: sp(),
    }
}

pub fn contract(name: &str, object: ObjectId, actor: Option<&str>) -> Contract {
    Contract {
        name: name.into(),
        name_span: sp(),
        span: sp(),
        version: 1,
        object,
        actor: Actor {
            kind: ActorKind::Ai,
            name: actor.map(str::to_string),
            span: sp(),
        },
        owner: None,
        mode: Mode::ConditionalWrite,
        triggers: vec![Trigger::Create, Trigger::Update(None), Trigger::Delete],
        trigger_span: sp(),
        eligible: None,
        eligible_span: None,
        exclusions: vec![],
        confidence: Thresholds::default(),
        fields: vec![],
        star: None,
        fields_span: sp(),
        approval: Approval::default(),
        audit: None,
        rollback: None,
        metrics: vec![],
        sample: Default::default(),
    }
}

// ---------------------------------------------------------------- the schema

pub const ACCOUNT: ObjectId = ObjectId(0);
pub const LEAD: ObjectId = ObjectId(1);

const INDUSTRIES: [&str; 3] = ["Banking", "Retail", "Tech"];
const TYPES: [&str; 3] = ["Customer", "Partner", "Prospect"];
const TAGS: [&str; 3] = ["A", "B", "C"];

/// The Lead fields in name order (the model may hold them in another order).
fn lead_fields() -> Vec<Field> {
    vec![
        field("AccountId", FieldType::Ref(vec!["Account".into()])),
        field("Amount", FieldType::Currency),
        field("Closed", FieldType::Date),
        field("Email", FieldType::Email),
        field("Headcount", FieldType::Int),
        field("Id", FieldType::Id),
        field(
            "Industry",
            FieldType::Picklist(INDUSTRIES.iter().map(|s| s.to_string()).collect()),
        ),
        field("OptOut", FieldType::Bool),
        field("Pct", FieldType::Percent),
        field("Score", FieldType::Number),
        field("Seen", FieldType::Datetime),
        field(
            "Tags",
            FieldType::Multipicklist(TAGS.iter().map(|s| s.to_string()).collect()),
        ),
    ]
}

fn account_fields() -> Vec<Field> {
    vec![
        field("Id", FieldType::Id),
        field("Revenue", FieldType::Currency),
        field(
            "Type",
            FieldType::Picklist(TYPES.iter().map(|s| s.to_string()).collect()),
        ),
    ]
}

/// Account (0) and Lead (1, with `Account` via `AccountId`); Lead's fields
/// shuffled and their attributes random when `rng` is given.
pub fn schema(rng: Option<&mut Rng>) -> Schema {
    let mut lead = lead_fields();
    let mut account = account_fields();
    if let Some(rng) = rng {
        rng.shuffle(&mut lead);
        for f in lead.iter_mut().chain(account.iter_mut()) {
            f.readonly = rng.pct(8);
            f.protected = rng.pct(15);
            f.sensitive = rng.pct(15);
        }
    }
    let via = lead.iter().position(|f| f.name == "AccountId").unwrap() as u32;
    Schema {
        objects: vec![
            Object {
                name: "Account".into(),
                fields: account,
                relations: vec![],
                span: sp(),
            },
            Object {
                name: "Lead".into(),
                fields: lead,
                relations: vec![Relation {
                    name: "Account".into(),
                    via: fid(1, via),
                    target: ACCOUNT,
                }],
                span: sp(),
            },
        ],
    }
}

// ---------------------------------------------------------------- random units

pub struct Gen<'s> {
    pub rng: Rng,
    pub schema: &'s Schema,
}

/// Names of last writers in generated histories and `set by` conditions.
const WRITERS: [&str; 3] = ["jane@acme.example", "alim", "sync"];
/// Sources of last writes in generated histories.
const HIST_SOURCES: [&str; 3] = ["CRM_UI", "IMPORT", "API"];

const NUMS: [&str; 9] = ["0", "1", "0.5", "10", "50", "99.5", "1000", "-3", "9007"];
const CONFS: [&str; 6] = ["0", "0.5", "0.6", "0.75", "0.9", "0.95"];
const SOURCES: [&str; 3] = ["enrichment", "import", "web"];
const SIGNALS: [&str; 2] = ["prospect_sourced", "duplicate_found"];
const TEXTS: [&str; 4] = ["a@b.example", "@competitor.example", "zed", ""];
const DATES: [&str; 3] = ["2026-01-01", "2026-11-20", "2025-06-30"];
const DATETIMES: [&str; 3] = [
    "2026-11-21T10:00:00Z",
    "2026-11-20T23:59:59Z",
    "2025-01-01T00:00:00Z",
];

fn days(s: &str) -> i64 {
    crmc::check::parse_date(s).unwrap()
}

fn secs(s: &str) -> i64 {
    crmc::check::parse_datetime(s).unwrap()
}

impl Gen<'_> {
    fn fields_of(&self, o: ObjectId) -> Vec<FieldId> {
        (0..self.schema.object(o).fields.len() as u32)
            .map(|i| fid(o.0, i))
            .collect()
    }

    fn const_for(&mut self, ty: &FieldType) -> Value {
        let r = &mut self.rng;
        match ty {
            FieldType::Picklist(vs) => {
                if r.pct(10) {
                    Value::Str("Other".into())
                } else {
                    Value::Str(r.pick(vs).clone())
                }
            }
            FieldType::Multipicklist(_) => {
                Value::Str(r.pick(&["A", "B", "A;B", "B;C", "C"]).to_string())
            }
            FieldType::Bool => Value::Bool(r.pct(50)),
            t if t.is_numeric() => Value::Num(dec(r.pick::<&str>(&NUMS))),
            FieldType::Date => Value::Date(days(r.pick::<&str>(&DATES))),
            FieldType::Datetime => Value::Datetime(secs(r.pick::<&str>(&DATETIMES))),
            FieldType::Id | FieldType::Ref(_) => {
                Value::Str(r.pick(&["001A", "001B", "00Q1"]).to_string())
            }
            _ => Value::Str(r.pick(&TEXTS).to_string()),
        }
    }

    fn test_for(&mut self, ty: &FieldType) -> Test {
        let k = self.rng.below(10);
        if k == 0 {
            return if self.rng.pct(50) {
                Test::IsEmpty
            } else {
                Test::IsSet
            };
        }
        if k == 1 {
            let n = 1 + self.rng.below(3);
            let values = (0..n).map(|_| self.const_for(ty)).collect();
            return Test::In {
                values,
                negated: self.rng.pct(40),
            };
        }
        let ops = [
            CmpOp::Eq,
            CmpOp::Ne,
            CmpOp::Lt,
            CmpOp::Le,
            CmpOp::Gt,
            CmpOp::Ge,
        ];
        match ty {
            FieldType::Bool => {
                if self.rng.pct(60) {
                    Test::IsTrue
                } else {
                    Test::Cmp(*self.rng.pick(&ops[..2]), self.const_for(ty))
                }
            }
            t if t.is_numeric() => Test::Cmp(*self.rng.pick(&ops), self.const_for(ty)),
            FieldType::Date | FieldType::Datetime => match self.rng.below(3) {
                0 => Test::BeforeDaysAgo(*self.rng.pick(&[0, 1, 30, 400])),
                1 => Test::AfterDaysAgo(*self.rng.pick(&[0, 1, 30, 400])),
                _ => Test::Cmp(*self.rng.pick(&ops), self.const_for(ty)),
            },
            FieldType::Multipicklist(_) => {
                if self.rng.pct(60) {
                    Test::Contains(self.rng.pick(&TAGS).to_string())
                } else {
                    Test::Cmp(*self.rng.pick(&ops[..2]), self.const_for(ty))
                }
            }
            t if t.is_text() => {
                let s = self
                    .rng
                    .pick(&["a", "@competitor.example", "z", ""])
                    .to_string();
                match self.rng.below(4) {
                    0 => Test::StartsWith(s),
                    1 => Test::EndsWith(s),
                    2 => Test::Contains(s),
                    _ => Test::Cmp(*self.rng.pick(&ops[..2]), self.const_for(ty)),
                }
            }
            _ => Test::Cmp(*self.rng.pick(&ops[..2]), self.const_for(ty)),
        }
    }

    fn atom(&mut self, object: ObjectId) -> Cond {
        let fields = self.fields_of(object);
        match self.rng.below(16) {
            14 => Cond::SetBy {
                field: *self.rng.pick(&fields),
                kind: *self
                    .rng
                    .pick(&[ActorKind::Human, ActorKind::Ai, ActorKind::Integration]),
                name: self
                    .rng
                    .pct(40)
                    .then(|| self.rng.pick(&WRITERS).to_string()),
                within: self
                    .rng
                    .pct(40)
                    .then(|| *self.rng.pick(&[86_400_i64, 90 * 86_400, 3_600])),
                span: sp(),
            },
            15 => {
                let s = self.rng.pick(&HIST_SOURCES).to_string();
                let test = match self.rng.below(4) {
                    0 => Test::Cmp(CmpOp::Eq, Value::Str(s)),
                    1 => Test::StartsWith(s[..2].to_string()),
                    2 => Test::IsEmpty,
                    _ => Test::In {
                        values: vec![Value::Str(s), Value::Str("IMPORT".into())],
                        negated: self.rng.pct(50),
                    },
                };
                atom(Subject::HistSource(*self.rng.pick(&fields)), test)
            }
            0 => {
                let ops = [CmpOp::Lt, CmpOp::Ge, CmpOp::Gt, CmpOp::Le, CmpOp::Eq];
                let test = if self.rng.pct(15) {
                    Test::IsSet
                } else {
                    Test::Cmp(
                        *self.rng.pick(&ops),
                        Value::Num(dec(self.rng.pick::<&str>(&CONFS))),
                    )
                };
                atom(Subject::Confidence, test)
            }
            1 => {
                let s = self.rng.pick(&SOURCES).to_string();
                let test = match self.rng.below(4) {
                    0 => Test::Cmp(CmpOp::Eq, Value::Str(s)),
                    1 => Test::StartsWith(s[..2].to_string()),
                    2 => Test::IsEmpty,
                    _ => Test::In {
                        values: vec![Value::Str(s), Value::Str("web".into())],
                        negated: self.rng.pct(50),
                    },
                };
                atom(Subject::Source, test)
            }
            2 => {
                let evs = [Event::Create, Event::Update, Event::Delete];
                let test = if self.rng.pct(50) {
                    Test::Cmp(
                        *self.rng.pick(&[CmpOp::Eq, CmpOp::Ne]),
                        Value::Event(*self.rng.pick(&evs)),
                    )
                } else {
                    Test::In {
                        values: vec![
                            Value::Event(*self.rng.pick(&evs)),
                            Value::Event(*self.rng.pick(&evs)),
                        ],
                        negated: self.rng.pct(50),
                    }
                };
                atom(Subject::Event, test)
            }
            3 => Cond::Changed {
                field: *self.rng.pick(&fields),
                span: sp(),
            },
            4 | 5 if object == LEAD => {
                let parent_fields = self.fields_of(ACCOUNT);
                let pf = *self.rng.pick(&parent_fields);
                let ty = self.schema.field(pf).ty.clone();
                let test = self.test_for(&ty);
                atom(
                    Subject::Parent {
                        relation: "Account".into(),
                        field: pf,
                    },
                    test,
                )
            }
            k => {
                let f = *self.rng.pick(&fields);
                let ty = self.schema.field(f).ty.clone();
                let test = self.test_for(&ty);
                let subject = if k % 3 == 0 {
                    Subject::New(f)
                } else {
                    Subject::Field(f)
                };
                atom(subject, test)
            }
        }
    }

    pub fn cond(&mut self, object: ObjectId, depth: u32) -> Cond {
        let k = self.rng.below(if depth == 0 { 1 } else { 12 });
        match k {
            0..=6 => self.atom(object),
            7 | 8 => {
                let n = self.rng.below(4);
                let cs = (0..n).map(|_| self.cond(object, depth - 1)).collect();
                if k == 7 {
                    Cond::And(cs)
                } else {
                    Cond::Or(cs)
                }
            }
            9 => Cond::Not(Box::new(self.cond(object, depth - 1))),
            10 => Cond::True,
            _ => Cond::False,
        }
    }

    fn approver(&mut self) -> Approver {
        match self.rng.below(4) {
            0 => Approver::RecordOwner,
            1 => Approver::Role(self.rng.pick(&["Sales Manager", "RevOps"]).to_string()),
            2 => Approver::User("ana".into()),
            _ => Approver::Queue("triage".into()),
        }
    }

    fn outcome(&mut self) -> Outcome {
        *self.rng.pick(&Outcome::ALL)
    }

    fn rules(&mut self, object: ObjectId) -> Vec<Rule> {
        let n = 1 + self.rng.below(3);
        (0..n)
            .map(|i| {
                let outcome = self.outcome();
                let when = if i + 1 < n || self.rng.pct(40) {
                    Some(self.cond(object, 2))
                } else {
                    None
                };
                let route =
                    if matches!(outcome, Outcome::Review | Outcome::Escalate) && self.rng.pct(30) {
                        Some(self.approver())
                    } else {
                        None
                    };
                Rule {
                    outcome,
                    route,
                    when,
                    position: i as u32 + 1,
                    span: sp(),
                }
            })
            .collect()
    }

    fn route(&mut self) -> Option<Route> {
        self.rng.pct(60).then(|| Route {
            approver: self.approver(),
            within: if self.rng.pct(60) {
                Some(*self.rng.pick(&[3_600, 14_400, 86_400]))
            } else {
                None
            },
            span: sp(),
        })
    }

    pub fn contract(&mut self, name: &str) -> Contract {
        let object = if self.rng.pct(85) { LEAD } else { ACCOUNT };
        let fields = self.fields_of(object);
        let mut c = contract(name, object, None);
        c.version = 1 + self.rng.below(3) as u32;
        c.actor = Actor {
            kind: *self
                .rng
                .pick(&[ActorKind::Ai, ActorKind::Ai, ActorKind::Integration]),
            name: if self.rng.pct(40) {
                None
            } else {
                Some(self.rng.pick(&["alim", "bob"]).to_string())
            },
            span: sp(),
        };
        c.mode = *self.rng.pick(&[
            Mode::ConditionalWrite,
            Mode::ConditionalWrite,
            Mode::AutomatedWrite,
            Mode::Draft,
            Mode::ReadOnly,
        ]);
        let mut triggers = Vec::new();
        if self.rng.pct(50) {
            triggers.push(Trigger::Create);
        }
        match self.rng.below(3) {
            0 => triggers.push(Trigger::Update(None)),
            1 => {
                let n = 1 + self.rng.below(2);
                triggers.push(Trigger::Update(Some(
                    (0..n).map(|_| *self.rng.pick(&fields)).collect(),
                )));
            }
            _ => {}
        }
        if self.rng.pct(35) || triggers.is_empty() {
            triggers.push(Trigger::Delete);
        }
        // causes that are not the contract's own record events
        if self.rng.pct(25) {
            let other = if object == LEAD { ACCOUNT } else { LEAD };
            let of_fields = self.fields_of(other);
            let event = *self.rng.pick(&Event::ALL);
            let fields = (event == Event::Update && self.rng.pct(60))
                .then(|| vec![*self.rng.pick(&of_fields)]);
            triggers.push(Trigger::Of {
                object: other,
                event,
                fields,
            });
        }
        if self.rng.pct(20) {
            triggers.push(Trigger::Signal(self.rng.pick(&SIGNALS).to_string()));
        }
        if self.rng.pct(15) {
            triggers.push(Trigger::Schedule(
                self.rng.pct(50).then(|| "nightly".to_string()),
            ));
        }
        c.triggers = triggers;
        if self.rng.pct(40) {
            c.eligible = Some(self.cond(object, 2));
        }
        for _ in 0..self.rng.below(3).saturating_sub(self.rng.below(2)) {
            let name = self.rng.pct(50).then(|| "opted_out".to_string());
            let when = self.cond(object, 2);
            c.exclusions.push(Exclusion {
                name,
                when,
                span: sp(),
            });
        }
        if self.rng.pct(50) {
            let a = self
                .rng
                .pct(70)
                .then(|| (dec(self.rng.pick::<&str>(&CONFS)), sp()));
            let r = self
                .rng
                .pct(50)
                .then(|| (dec(self.rng.pick::<&str>(&CONFS)), sp()));
            c.confidence = Thresholds { auto: a, review: r };
        }
        let mut pool = fields.clone();
        self.rng.shuffle(&mut pool);
        let n = self.rng.below(pool.len().min(5) + 1);
        for f in pool.into_iter().take(n) {
            let rules = self.rules(object);
            c.fields.push(FieldRules {
                field: f,
                rules,
                span: sp(),
            });
        }
        if self.rng.pct(55) {
            let rules = self.rules(object);
            c.star = Some(StarRules { rules, span: sp() });
        }
        // review samples: every rate class (1 of 10 000, a half, all), for
        // all fields and for some (a delete samples under `*`)
        if self.rng.pct(35) {
            const RATES: [u16; 4] = [1, 2_500, 5_000, 10_000];
            if self.rng.pct(60) {
                c.sample.all = Some(*self.rng.pick(&RATES));
            }
            let mut pool = fields.clone();
            self.rng.shuffle(&mut pool);
            let n = self.rng.below(3);
            for f in pool.into_iter().take(n) {
                c.sample.fields.push((f, *self.rng.pick(&RATES)));
            }
        }
        c.approval.review = self.route();
        c.approval.escalate = self.route();
        for _ in 0..self.rng.below(3) {
            let approver = self.approver();
            let when = self.rng.pct(60).then(|| self.cond(object, 1));
            c.approval.require.push(Requirement {
                approver,
                when,
                span: sp(),
            });
        }
        if self.rng.pct(60) {
            let mut all = AuditField::ALL.to_vec();
            self.rng.shuffle(&mut all);
            let n = self.rng.below(all.len() + 1);
            all.truncate(n);
            c.audit = Some(Audit {
                fields: all,
                span: sp(),
            });
        }
        if self.rng.pct(50) {
            let (keep, text) = *self.rng.pick(&[
                (Some(90 * 86_400), Some("90d")),
                (Some(86_400), Some("24h")),
                (Some(7_776_000), Some("2160h")),
                (None, None),
            ]);
            let notify = (0..self.rng.below(3)).map(|_| self.approver()).collect();
            c.rollback = Some(Rollback {
                keep,
                keep_text: text.map(str::to_string),
                notify,
                span: sp(),
            });
        }
        c
    }
}

/// A random unit: the two-object schema with shuffled Lead fields and random
/// attributes, and one to four contracts, sorted by name.
pub fn random_unit(seed: u64) -> CheckedUnit {
    let mut rng = Rng::new(seed);
    let schema = schema(Some(&mut rng));
    let mut g = Gen {
        rng,
        schema: &schema,
    };
    let n = 1 + g.rng.below(4);
    let names = ["alpha", "bravo", "charlie", "delta"];
    let contracts: Vec<Contract> = names[..n].iter().map(|name| g.contract(name)).collect();
    // drawn after the contracts, so a seed's contracts stay what they were
    let guards = g.rng.below(3);
    let guardrails = ["guard_a", "guard_b"][..guards]
        .iter()
        .map(|name| g.guardrail(name, &contracts))
        .collect();
    CheckedUnit {
        schema: schema.clone(),
        exclusions: vec![],
        contracts,
        guardrails,
        tests: vec![],
    }
}

impl Gen<'_> {
    /// A guardrail: mostly over one of `contracts` (its object and actor
    /// kind, any name or its own), a condition half the time, one to three
    /// field floors and sometimes a `*` floor.
    pub fn guardrail(&mut self, name: &str, contracts: &[Contract]) -> Guardrail {
        let aimed = (!contracts.is_empty() && self.rng.pct(75))
            .then(|| &contracts[self.rng.below(contracts.len())]);
        let object = match aimed {
            Some(c) => c.object,
            None if self.rng.pct(85) => LEAD,
            None => ACCOUNT,
        };
        let fields = self.fields_of(object);
        let kind = match aimed {
            Some(c) => c.actor.kind,
            None => *self
                .rng
                .pick(&[ActorKind::Ai, ActorKind::Ai, ActorKind::Integration]),
        };
        let actor_name = if self.rng.pct(60) {
            None
        } else {
            match aimed.and_then(|c| c.actor.name.clone()) {
                Some(n) => Some(n),
                None => Some(self.rng.pick(&["alim", "bob"]).to_string()),
            }
        };
        let when = self.rng.pct(50).then(|| self.cond(object, 1));
        let floors_of = [
            Outcome::Review,
            Outcome::Escalate,
            Outcome::Suggest,
            Outcome::Never,
        ];
        let mut floors = Vec::new();
        for _ in 0..1 + self.rng.below(4) {
            let f = *self.rng.pick(&fields);
            if floors.iter().any(|(g, _, _)| *g == f) {
                continue;
            }
            floors.push((f, *self.rng.pick(&floors_of), sp()));
        }
        let star = self.rng.pct(55).then(|| (*self.rng.pick(&floors_of), sp()));
        Guardrail {
            name: name.into(),
            name_span: sp(),
            span: sp(),
            object,
            actor: Actor {
                kind,
                name: actor_name,
                span: sp(),
            },
            when,
            floors,
            star,
            reason: self.rng.pct(50).then(|| format!("{name} says so")),
        }
    }
}

// ---------------------------------------------------------------- random mutations

fn json_value(rng: &mut Rng, ty: &FieldType) -> Json {
    // Sometimes null or a value of the wrong type.
    match rng.below(12) {
        0 => return Json::Null,
        1 => {
            return rng
                .pick(&[
                    json!(7),
                    json!("seven"),
                    json!(true),
                    json!(["A"]),
                    json!({}),
                    json!("2026-02-30"),
                    json!([1]),
                ])
                .clone()
        }
        _ => {}
    }
    match ty {
        FieldType::Picklist(vs) => {
            if rng.pct(15) {
                json!("Other")
            } else {
                json!(rng.pick(vs))
            }
        }
        FieldType::Multipicklist(_) => rng
            .pick(&[
                json!("A;B"),
                json!("B; A;"),
                json!(["B", "A"]),
                json!("C"),
                json!(""),
                json!([]),
                json!(["A", "A"]),
            ])
            .clone(),
        FieldType::Bool => json!(rng.pct(50)),
        t if t.is_numeric() => rng
            .pick(&[
                json!(0),
                json!(1),
                json!(0.5),
                json!(10),
                json!(50),
                json!(99.5),
                json!(1000),
                json!(-3),
                json!(49.999),
                json!(1e3),
                // Not -0.0 (D3) nor integers beyond 2^53 (D2): see
                // tests/differential.rs.
            ])
            .clone(),
        FieldType::Date => rng
            .pick(&[
                json!("2026-01-01"),
                json!("2026-11-20"),
                json!("2025-06-30"),
                json!("2026-11-21T10:00:00Z"),
                json!("2026-10-22"),
                json!("2026-11-22"),
            ])
            .clone(),
        FieldType::Datetime => rng
            .pick(&[
                json!("2026-11-21T10:00:00Z"),
                json!("2026-11-20T23:59:59Z"),
                json!("2025-01-01T00:00:00Z"),
                json!("2026-11-20T12:00:00+02:00"),
                json!("2026-11-20 10:00:00.75z"),
                json!("2026-11-20"),
                json!("2026-10-22T10:00:00Z"),
            ])
            .clone(),
        // several ids (review samples hash them) and an empty one
        FieldType::Id | FieldType::Ref(_) => {
            json!(rng.pick(&["001A", "001B", "00Q1", "00Q2", "00Q3", "00Q4", ""]))
        }
        _ => json!(rng.pick(&["a@b.example", "x@competitor.example", "zed", "", "a"])),
    }
}

fn record(rng: &mut Rng, o: &Object, present: u32) -> Map<String, Json> {
    let mut m = Map::new();
    for f in &o.fields {
        if rng.pct(present) {
            m.insert(f.name.clone(), json_value(rng, &f.ty));
        }
    }
    m
}

/// A random mutation as §7 JSON (it may fail validation: the caller skips
/// those).
pub fn random_mutation(seed: u64, unit: &CheckedUnit) -> Json {
    let mut rng = Rng::new(seed.rotate_left(17) ^ 0xABCD);
    let r = &mut rng;
    let mut object = *r.pick(&[LEAD, LEAD, LEAD, ACCOUNT]);
    let mut event = *r.pick(&["create", "update", "update", "update", "delete"]);
    let mut kind = *r.pick(&["ai", "ai", "integration", "human"]);
    let mut name = *r.pick(&["alim", "bob", "carol"]);
    let mut aimed: Option<Trigger> = None;
    // Mostly aim at one of the unit's contracts, so that it applies.
    if !unit.contracts.is_empty() && r.pct(80) {
        let c = &unit.contracts[r.below(unit.contracts.len())];
        object = c.object;
        kind = c.actor.kind.as_str();
        if let Some(n) = &c.actor.name {
            name = if n == "alim" { "alim" } else { "bob" };
        }
        aimed = Some(r.pick(&c.triggers).clone());
        event = match &aimed {
            Some(Trigger::Create) => "create",
            Some(Trigger::Delete) => "delete",
            _ => "update",
        };
    }
    let o = unit.schema.object(object);
    let mut m = Map::new();
    m.insert(
        "object".into(),
        json!(if r.pct(3) { "Ghost" } else { &o.name }),
    );
    m.insert("event".into(), json!(event));
    m.insert("actor".into(), json!({"kind": kind, "name": name}));
    if r.pct(80) {
        m.insert(
            "confidence".into(),
            r.pick(&[
                json!(0),
                json!(0.3),
                json!(0.59),
                json!(0.6),
                json!(0.75),
                json!(0.9),
                json!(0.95),
                json!(1),
            ])
            .clone(),
        );
    }
    if r.pct(70) {
        m.insert("source".into(), json!(r.pick(&SOURCES)));
    }
    m.insert(
        "at".into(),
        json!(r.pick(&["2026-11-21T10:00:00Z", "2026-11-21T00:30:00+01:00"])),
    );
    let present = *r.pick(&[100, 80, 40]);
    let mut rec = record(r, o, present);
    if r.pct(10) {
        rec.insert("Ghost__c".into(), json!("boo"));
    }
    m.insert("record".into(), Json::Object(rec));
    if object == LEAD && r.pct(60) {
        let acc = unit.schema.object(ACCOUNT);
        let present = *r.pick(&[100, 60]);
        let p = record(r, acc, present);
        m.insert("parents".into(), json!({ "Account": p }));
    }
    let mut changes = Map::new();
    let n = r.below(4);
    for _ in 0..n {
        let f = r.pick(&o.fields);
        changes.insert(f.name.clone(), json_value(r, &f.ty));
    }
    if r.pct(8) {
        changes.insert("Ghost__c".into(), json!(1));
    }
    if event != "delete" || r.pct(50) {
        m.insert("changes".into(), Json::Object(changes));
    }
    if let Some(cause) = random_cause(r, unit, object, aimed.as_ref()) {
        m.insert("trigger".into(), cause);
    }
    // drawn last, so a seed's earlier draws stay what they were
    if r.pct(45) {
        m.insert("history".into(), random_history(r, o));
    }
    Json::Object(m)
}

/// A `history` for some of the object's fields: never written, or a last
/// write by one of [`WRITERS`] a moment, a day or months before `at` (or
/// after it), with a source most of the time; now and then a name the
/// object lacks or an entry that is not one (errors on both sides).
fn random_history(r: &mut Rng, o: &Object) -> Json {
    let mut h = Map::new();
    for f in &o.fields {
        if !r.pct(50) {
            continue;
        }
        let v = if r.pct(15) {
            Json::Null
        } else {
            let kind = *r.pick(&["human", "ai", "integration"]);
            let at = *r.pick(&[
                "2026-11-21T09:30:00Z",
                "2026-11-20T10:00:00Z",
                "2026-06-01T00:00:00Z",
                "2026-11-22T00:00:00Z",
            ]);
            let mut w = json!({"actor": {"kind": kind, "name": r.pick(&WRITERS)}, "at": at});
            if r.pct(70) {
                w["source"] = json!(r.pick(&HIST_SOURCES));
            }
            w
        };
        h.insert(f.name.clone(), v);
    }
    if r.pct(3) {
        h.insert("Ghost__c".into(), Json::Null);
    }
    if r.pct(2) {
        h.insert(
            o.fields[0].name.clone(),
            json!({"actor": {"kind": "bot", "name": "x"}, "at": "2026-11-20T10:00:00Z"}),
        );
    }
    Json::Object(h)
}

/// A `"trigger"` for a mutation on `object`, or none (the write is its own
/// cause): often the aimed trigger's cause, sometimes another or a
/// malformed one (the caller skips lines that fail validation).
fn random_cause(
    r: &mut Rng,
    unit: &CheckedUnit,
    object: ObjectId,
    aimed: Option<&Trigger>,
) -> Option<Json> {
    let schema = &unit.schema;
    let names = |r: &mut Rng, o: ObjectId, listed: &Option<Vec<FieldId>>| -> Vec<String> {
        let obj = schema.object(o);
        let mut out: Vec<String> = Vec::new();
        if let Some(fs) = listed {
            if r.pct(70) {
                out.push(schema.field(*r.pick(fs)).name.clone());
            }
        }
        for _ in 0..r.below(3) {
            out.push(r.pick(&obj.fields).name.clone());
        }
        if r.pct(10) {
            out.push("Ghost__c".into());
        }
        if out.is_empty() {
            out.push(r.pick(&obj.fields).name.clone());
        }
        out
    };
    if r.pct(45) {
        return None;
    }
    let other = if object == LEAD { ACCOUNT } else { LEAD };
    let pick = if r.pct(70) { aimed.cloned() } else { None };
    let t = pick.unwrap_or_else(|| match r.below(6) {
        0 => Trigger::Create,
        1 => Trigger::Update(None),
        2 => Trigger::Of {
            object: other,
            event: *r.pick(&Event::ALL),
            fields: None,
        },
        3 => Trigger::Signal(r.pick(&["prospect_sourced", "other_signal"]).to_string()),
        4 => Trigger::Schedule(r.pct(50).then(|| "nightly".to_string())),
        _ => Trigger::Delete,
    });
    let cause = match &t {
        Trigger::Create => json!({"event": "create"}),
        Trigger::Delete => json!({"event": "delete"}),
        Trigger::Update(fs) => json!({"event": "update", "fields": names(r, object, fs)}),
        Trigger::Of {
            object: o,
            event,
            fields,
        } => {
            let mut c = json!({"event": event.as_str(), "object": schema.object(*o).name});
            if *event == Event::Update {
                c["fields"] = json!(names(r, *o, fields));
            }
            c
        }
        Trigger::Signal(n) => json!({"event": "signal", "name": n}),
        Trigger::Schedule(None) => json!({"event": "schedule"}),
        Trigger::Schedule(Some(n)) => json!({"event": "schedule", "name": n}),
    };
    // the own object named explicitly means the same as unnamed
    let mut cause = cause;
    if r.pct(10) && cause.get("object").is_none() && cause.get("name").is_none() {
        cause["object"] = json!(schema.object(object).name);
    }
    // malformed causes: each must be refused, never decided
    if r.pct(4) {
        cause = r
            .pick(&[
                json!({"event": "update"}),
                json!({"event": "update", "fields": []}),
                json!({"event": "signal"}),
                json!({"event": "create", "fields": ["Email"]}),
                json!({"event": "launch"}),
                json!("update"),
                json!({"event": "schedule", "name": ""}),
            ])
            .clone();
    }
    Some(cause)
}

// ---------------------------------------------------------------- showing units

pub fn show_cond(s: &Schema, c: &Cond) -> String {
    let name = |f: &FieldId| s.field(*f).name.clone();
    match c {
        Cond::True => "true".into(),
        Cond::False => "false".into(),
        Cond::And(cs) => format!(
            "and({})",
            cs.iter()
                .map(|c| show_cond(s, c))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Cond::Or(cs) => format!(
            "or({})",
            cs.iter()
                .map(|c| show_cond(s, c))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Cond::Not(c) => format!("not {}", show_cond(s, c)),
        Cond::Changed { field, .. } => format!("changed({})", name(field)),
        Cond::SetBy {
            field,
            kind,
            name: who,
            within,
            ..
        } => format!("{} set by {kind:?} {who:?} within {within:?}", name(field)),
        Cond::Atom { subject, test, .. } => {
            let subj = match subject {
                Subject::Field(f) => name(f),
                Subject::New(f) => format!("new {}", name(f)),
                Subject::Parent { relation, field } => format!("{relation}.{}", name(field)),
                Subject::Confidence => "confidence".into(),
                Subject::Source => "source".into(),
                Subject::Event => "event".into(),
                Subject::HistSource(f) => format!("source of {}", name(f)),
            };
            format!("{subj} {test:?}")
        }
    }
}

/// A unit's contracts, readably.
pub fn show_unit(u: &CheckedUnit) -> String {
    let s = &u.schema;
    let mut out = String::new();
    for o in &s.objects {
        out += &format!("object {}:", o.name);
        for f in &o.fields {
            let attrs: String = [
                (f.readonly, " readonly"),
                (f.protected, " protected"),
                (f.sensitive, " sensitive"),
            ]
            .iter()
            .filter(|a| a.0)
            .map(|a| a.1)
            .collect();
            out += &format!(" {}: {}{attrs};", f.name, f.ty.name());
        }
        out += "\n";
    }
    for c in &u.contracts {
        out += &format!(
            "contract {} v{} on {} actor {:?} {:?} mode {:?} triggers {:?}\n",
            c.name,
            c.version,
            s.object(c.object).name,
            c.actor.kind,
            c.actor.name,
            c.mode,
            c.triggers
        );
        if let Some(e) = &c.eligible {
            out += &format!("  eligible {}\n", show_cond(s, e));
        }
        for x in &c.exclusions {
            out += &format!("  exclude {:?} {}\n", x.name, show_cond(s, &x.when));
        }
        out += &format!(
            "  confidence auto {:?} review {:?}\n",
            c.confidence.auto.map(|t| t.0.to_string()),
            c.confidence.review.map(|t| t.0.to_string())
        );
        if !c.sample.is_empty() {
            let fields: Vec<(String, u16)> = c
                .sample
                .fields
                .iter()
                .map(|(f, r)| (name_of(s, *f), *r))
                .collect();
            out += &format!("  sample all {:?} fields {fields:?}\n", c.sample.all);
        }
        let lines = c
            .fields
            .iter()
            .map(|fr| (name_of(s, fr.field), &fr.rules))
            .chain(c.star.iter().map(|st| ("*".to_string(), &st.rules)));
        for (f, rules) in lines {
            for r in rules {
                out += &format!(
                    "  {f}#{}: {:?} {:?} when {}\n",
                    r.position,
                    r.outcome,
                    r.route,
                    r.when.as_ref().map_or("-".into(), |w| show_cond(s, w))
                );
            }
        }
        out += &format!(
            "  approval {:?} / {:?} require {:?}\n",
            c.approval.review.as_ref().map(|r| (&r.approver, r.within)),
            c.approval
                .escalate
                .as_ref()
                .map(|r| (&r.approver, r.within)),
            c.approval
                .require
                .iter()
                .map(|r| (
                    r.approver.to_string(),
                    r.when.as_ref().map(|w| show_cond(s, w))
                ))
                .collect::<Vec<_>>()
        );
        out += &format!(
            "  audit {:?} rollback {:?}\n",
            c.audit.as_ref().map(|a| &a.fields),
            c.rollback.as_ref().map(|r| (&r.keep_text, &r.notify))
        );
    }
    for g in &u.guardrails {
        let floors: Vec<(String, Outcome)> = g
            .floors
            .iter()
            .map(|(f, o, _)| (name_of(s, *f), *o))
            .collect();
        out += &format!(
            "guardrail {} on {} actor {:?} {:?} when {} floors {floors:?} star {:?}\n",
            g.name,
            s.object(g.object).name,
            g.actor.kind,
            g.actor.name,
            g.when.as_ref().map_or("-".into(), |w| show_cond(s, w)),
            g.star.map(|x| x.0)
        );
    }
    out
}

fn name_of(s: &Schema, f: FieldId) -> String {
    s.field(f).name.clone()
}
