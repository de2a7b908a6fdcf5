//! A hand-built table modelled on the spec's `inbound_lead_enrichment`.

use crmc_eval::builder::{FieldSpec, TableBuilder};
use crmc_eval::table::*;
use crmc_eval::{Decision, Mutation, Table};
use serde_json::{json, Value};
use std::collections::HashMap;

pub struct Fx {
    pub b: TableBuilder,
    pub lead: ObjectIx,
    pub f: HashMap<&'static str, FieldIx>,
    pub account_type: FieldIx,
}

fn spec(name: &str, ty: TypeTag, flags: &str) -> FieldSpec {
    FieldSpec {
        readonly: flags.contains('r'),
        protected: flags.contains('p'),
        sensitive: flags.contains('s'),
        ..FieldSpec::new(name, ty)
    }
}

pub fn atom(s: Subject, t: Test) -> Op {
    Op::Atom(s, t)
}

impl Fx {
    pub fn new() -> Fx {
        Fx::build(false)
    }

    /// [`Fx::new`] with enumerated picklists: `Rating` (Hot, Warm, Cold),
    /// `Interests__c` (A, B, C).
    pub fn strict() -> Fx {
        Fx::build(true)
    }

    fn build(enumerated: bool) -> Fx {
        let mut b = TableBuilder::new("test");
        let account = b.object(
            "Account",
            &[
                spec("Id", TypeTag::Id, "r"),
                spec("Type", TypeTag::Picklist, ""),
            ],
        );
        let lead_fields = [
            ("AccountId", TypeTag::Ref, ""),
            ("AnnualRevenue", TypeTag::Currency, ""),
            ("CreatedDate", TypeTag::Datetime, ""),
            ("Email", TypeTag::Email, ""),
            ("HasOptedOutOfEmail", TypeTag::Bool, "p"),
            ("Id", TypeTag::Id, "r"),
            ("Industry", TypeTag::Picklist, ""),
            ("Interests__c", TypeTag::Multipicklist, ""),
            ("LastActivityDate", TypeTag::Date, ""),
            ("NumberOfEmployees", TypeTag::Int, ""),
            ("OwnerId", TypeTag::Ref, "p"),
            ("Rating", TypeTag::Picklist, ""),
            ("SSN__c", TypeTag::String, "s"),
            ("Status", TypeTag::Picklist, ""),
        ];
        let specs: Vec<FieldSpec> = lead_fields
            .iter()
            .map(|(n, t, fl)| {
                let s = spec(n, *t, fl);
                match (*n, enumerated) {
                    ("Rating", true) => s.with_values(&["Hot", "Warm", "Cold"]),
                    ("Interests__c", true) => s.with_values(&["A", "B", "C"]),
                    _ => s,
                }
            })
            .collect();
        let lead = b.object("Lead", &specs);
        let mut f = HashMap::new();
        for (n, _, _) in lead_fields {
            f.insert(n, b.field(lead, n).unwrap());
        }
        let account_type = b.field(account, "Type").unwrap();
        b.relation(lead, "Account", f["AccountId"], account);
        Fx {
            b,
            lead,
            f,
            account_type,
        }
    }

    pub fn rule(&mut self, outcome: Outcome, when: Option<Vec<Op>>, position: u32) -> RuleRow {
        RuleRow {
            outcome,
            route: None,
            when: when.map(|w| self.b.cond(w)),
            position,
        }
    }

    /// The spec's example contract.
    pub fn base(&mut self, name: &str) -> ContractRow {
        let f = self.f.clone();
        let s_open = self.b.intern("Open - Not Contacted");
        let s_working = self.b.intern("Working - Contacted");
        let set = self.b.set(&[Const::Str(s_open), Const::Str(s_working)]);
        let eligible = self.b.cond(vec![atom(
            Subject::Field(f["Status"]),
            Test::In {
                set,
                negated: false,
            },
        )]);
        let opted = self.b.cond(vec![atom(
            Subject::Field(f["HasOptedOutOfEmail"]),
            Test::IsTrue,
        )]);
        let comp = self.b.intern("@competitor.example");
        let competitor = self
            .b
            .cond(vec![atom(Subject::Field(f["Email"]), Test::EndsWith(comp))]);
        let customer = self.b.intern("Customer");
        let customers = self.b.cond(vec![atom(
            Subject::Parent {
                relation: 0,
                field: self.account_type,
            },
            Test::Cmp(CmpOp::Eq, Const::Str(customer)),
        )]);
        let industry = vec![
            self.rule(
                Outcome::Auto,
                Some(vec![atom(Subject::Field(f["Industry"]), Test::IsEmpty)]),
                1,
            ),
            self.rule(Outcome::Review, None, 2),
        ];
        let employees = vec![
            self.rule(
                Outcome::Auto,
                Some(vec![
                    atom(Subject::Field(f["NumberOfEmployees"]), Test::IsEmpty),
                    atom(Subject::Confidence, Test::Cmp(CmpOp::Ge, Const::Num(0.95))),
                    Op::And(2),
                ]),
                1,
            ),
            self.rule(Outcome::Suggest, None, 2),
        ];
        let simple = |fx: &mut Fx, o| vec![fx.rule(o, None, 1)];
        let field_rules = vec![
            FieldRules {
                field: f["Industry"],
                rules: industry,
            },
            FieldRules {
                field: f["NumberOfEmployees"],
                rules: employees,
            },
            FieldRules {
                field: f["Rating"],
                rules: simple(self, Outcome::Suggest),
            },
            FieldRules {
                field: f["Status"],
                rules: simple(self, Outcome::Review),
            },
            FieldRules {
                field: f["OwnerId"],
                rules: simple(self, Outcome::Escalate),
            },
            FieldRules {
                field: f["HasOptedOutOfEmail"],
                rules: simple(self, Outcome::Never),
            },
            FieldRules {
                field: f["SSN__c"],
                rules: simple(self, Outcome::Auto),
            },
        ];
        let star = Some(vec![self.rule(Outcome::Never, None, 1)]);
        let sales = self.b.intern("Sales Manager");
        let revops = self.b.intern("RevOps Lead");
        let big = self.b.cond(vec![atom(
            Subject::Field(f["AnnualRevenue"]),
            Test::Cmp(CmpOp::Gt, Const::Num(1_000_000.0)),
        )]);
        let keep = self.b.intern("90d");
        let opted_name = self.b.intern("opted_out");
        let customers_name = self.b.intern("customers");
        let name = self.b.intern(name);
        let alim = self.b.intern("alim");
        ContractRow {
            name,
            version: 3,
            object: self.lead,
            actor_kind: ActorKind::Ai,
            actor_name: Some(alim),
            mode: Mode::ConditionalWrite,
            triggers: vec![Trigger::Create, Trigger::Update(None)],
            eligible: Some(eligible),
            exclusions: vec![
                ExclusionRow {
                    name: Some(opted_name),
                    when: opted,
                },
                ExclusionRow {
                    name: None,
                    when: competitor,
                },
                ExclusionRow {
                    name: Some(customers_name),
                    when: customers,
                },
            ],
            auto_at: Some(0.90),
            review_at: Some(0.60),
            field_rules,
            star,
            review_route: Some(Route {
                approver: Approver::RecordOwner,
                within: Some(86_400),
            }),
            escalate_route: Some(Route {
                approver: Approver::Role(sales),
                within: Some(14_400),
            }),
            require: vec![Requirement {
                approver: Approver::Role(revops),
                when: Some(big),
            }],
            audit: Some(vec![
                AuditField::RecordId,
                AuditField::Contract,
                AuditField::Version,
                AuditField::Trigger,
                AuditField::Field,
                AuditField::OldValue,
                AuditField::NewValue,
                AuditField::Source,
                AuditField::Confidence,
                AuditField::Timestamp,
                AuditField::Actor,
                AuditField::Outcome,
            ]),
            rollback: Some(RollbackRow {
                keep_secs: Some(90 * 86_400),
                keep_text: Some(keep),
                notify: vec![Approver::RecordOwner],
            }),
            sample: Default::default(),
        }
    }

    pub fn finish(mut self, contracts: Vec<ContractRow>) -> Table {
        for c in contracts {
            self.b.contract(c);
        }
        self.b.finish().unwrap()
    }
}

/// The spec's table with its one contract.
pub fn spec_table() -> Table {
    let mut fx = Fx::new();
    let c = fx.base("inbound_lead_enrichment");
    fx.finish(vec![c])
}

/// A §7 mutation: the spec's example, with `over` merged in at top level
/// (and `record` merged key by key; `null` removes a key).
pub fn mutation(over: Value) -> Value {
    let mut m = json!({
        "object": "Lead", "event": "update",
        "actor": {"kind": "ai", "name": "alim"},
        "confidence": 0.93, "source": "enrichment", "at": "2026-11-21T10:00:00Z",
        "record": {"Id": "00Q1", "Status": "Working - Contacted", "Industry": null,
                   "HasOptedOutOfEmail": false, "Email": "a@b.example",
                   "AccountId": null, "NumberOfEmployees": null, "AnnualRevenue": 5000},
        "changes": {"Industry": "Technology"}
    });
    if let (Value::Object(base), Value::Object(over)) = (&mut m, over) {
        for (k, v) in over {
            if k == "record" && v.is_object() {
                if let (Some(Value::Object(r)), Value::Object(o)) = (base.get_mut("record"), v) {
                    for (rk, rv) in o {
                        if rv == json!("<absent>") {
                            r.remove(&rk);
                        } else {
                            r.insert(rk, rv);
                        }
                    }
                }
            } else if v == json!("<absent>") {
                base.remove(&k);
            } else {
                base.insert(k, v);
            }
        }
    }
    m
}

pub fn decide(t: &Table, over: Value) -> Decision {
    let m = Mutation::from_value(&mutation(over)).unwrap();
    t.decide(&m).unwrap()
}

pub fn field<'d>(d: &'d Decision, f: &str) -> &'d crmc_eval::FieldDecision {
    d.fields
        .get(f)
        .unwrap_or_else(|| panic!("no field {f} in {d:#?}"))
}

pub fn reasons(d: &Decision, f: &str) -> String {
    field(d, f).reasons.join(" | ")
}
