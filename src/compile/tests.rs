#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::compile;
use crate::check::model::*;
use crate::decimal::Decimal;
use crate::span::Span;
use crmc_eval::{Mutation, Table};
use serde_json::json;

fn field(name: &str, ty: FieldType, protected: bool) -> Field {
    Field {
        name: name.into(),
        percent_scale: (ty == FieldType::Percent).then_some(crate::check::model::PercentScale::One),
        ty,
        readonly: false,
        protected,
        sensitive: false,
        span: Span::default(),
    }
}

fn fid(object: u32, index: u32) -> FieldId {
    FieldId {
        object: ObjectId(object),
        index,
    }
}

fn atom(subject: Subject, test: Test) -> Cond {
    Cond::Atom {
        subject,
        test,
        span: Span::default(),
    }
}

fn rule(outcome: Outcome, when: Option<Cond>, position: u32) -> Rule {
    Rule {
        outcome,
        route: None,
        when,
        position,
        span: Span::default(),
    }
}

/// Objects: 0 = Account {Type}, 1 = Lead {AccountId, Industry, OwnerId, Status}.
/// Lead's fields are deliberately *not* in name order, to check that the
/// compiler lays them out itself.
fn unit() -> CheckedUnit {
    let account = Object {
        name: "Account".into(),
        fields: vec![field(
            "Type",
            FieldType::Picklist(vec!["Customer".into(), "Prospect".into()]),
            false,
        )],
        relations: vec![],
        span: Span::default(),
    };
    let lead = Object {
        name: "Lead".into(),
        fields: vec![
            field(
                "Status",
                FieldType::Picklist(vec!["Open".into(), "Closed".into()]),
                false,
            ),
            field("AccountId", FieldType::Ref(vec!["Account".into()]), false),
            field(
                "Industry",
                FieldType::Picklist(vec!["Banking".into()]),
                false,
            ),
            field("OwnerId", FieldType::Ref(vec!["User".into()]), true),
        ],
        relations: vec![Relation {
            name: "Account".into(),
            via: fid(1, 1),
            target: ObjectId(0),
        }],
        span: Span::default(),
    };
    let customers = atom(
        Subject::Parent {
            relation: "Account".into(),
            field: fid(0, 0),
        },
        Test::Cmp(CmpOp::Eq, Value::Str("Customer".into())),
    );
    let contract = Contract {
        name: "enrich".into(),
        name_span: Span::default(),
        span: Span::default(),
        version: 2,
        object: ObjectId(1),
        actor: Actor {
            kind: ActorKind::Ai,
            name: Some("alim".into()),
            span: Span::default(),
        },
        owner: None,
        mode: Mode::ConditionalWrite,
        triggers: vec![Trigger::Update(Some(vec![fid(1, 2), fid(1, 3)]))],
        trigger_span: Span::default(),
        eligible: Some(atom(
            Subject::Field(fid(1, 0)),
            Test::In {
                values: vec![Value::Str("Open".into()), Value::Str("Working".into())],
                negated: false,
            },
        )),
        eligible_span: None,
        exclusions: vec![Exclusion {
            name: Some("customers".into()),
            when: customers,
            span: Span::default(),
        }],
        confidence: Thresholds {
            auto: Some((Decimal::parse("0.9").unwrap(), Span::default())),
            review: Some((Decimal::parse("0.6").unwrap(), Span::default())),
        },
        fields: vec![
            FieldRules {
                field: fid(1, 2),
                rules: vec![
                    rule(
                        Outcome::Auto,
                        Some(Cond::And(vec![
                            atom(Subject::Field(fid(1, 2)), Test::IsEmpty),
                            Cond::Not(Box::new(atom(
                                Subject::Source,
                                Test::Cmp(CmpOp::Eq, Value::Str("manual".into())),
                            ))),
                        ])),
                        1,
                    ),
                    rule(Outcome::Review, None, 2),
                ],
                span: Span::default(),
            },
            FieldRules {
                field: fid(1, 3),
                rules: vec![Rule {
                    route: Some(Approver::Queue("Ops".into())),
                    ..rule(Outcome::Escalate, None, 1)
                }],
                span: Span::default(),
            },
        ],
        star: Some(StarRules {
            rules: vec![rule(Outcome::Never, None, 1)],
            span: Span::default(),
        }),
        fields_span: Span::default(),
        approval: Approval {
            review: Some(Route {
                approver: Approver::RecordOwner,
                within: Some(86_400),
                span: Span::default(),
            }),
            escalate: None,
            require: vec![],
            span: None,
        },
        audit: Some(Audit {
            fields: vec![
                AuditField::RecordId,
                AuditField::Field,
                AuditField::NewValue,
            ],
            span: Span::default(),
        }),
        rollback: Some(Rollback {
            keep: Some(90 * 86_400),
            keep_text: Some("90d".into()),
            notify: vec![Approver::RecordOwner],
            span: Span::default(),
        }),
        metrics: vec![],
        sample: Default::default(),
    };
    CheckedUnit {
        schema: Schema {
            objects: vec![account, lead],
        },
        exclusions: vec![],
        contracts: vec![contract],
        guardrails: vec![],
        tests: vec![],
    }
}

fn decide(t: &Table, over: serde_json::Value) -> crmc_eval::Decision {
    let mut m = json!({"object": "Lead", "event": "update",
        "actor": {"kind": "ai", "name": "alim"}, "confidence": 0.95, "source": "enrichment",
        "at": "2026-11-21T10:00:00Z",
        "record": {"Status": "Open", "Industry": null, "AccountId": null},
        "changes": {"Industry": "Banking"}});
    for (k, v) in over.as_object().unwrap() {
        m[k] = v.clone();
    }
    t.decide(&Mutation::from_value(&m).unwrap()).unwrap()
}

#[test]
fn lowers_to_a_valid_deterministic_table() {
    let t = compile(&unit()).unwrap();
    let bytes = t.to_bytes();
    assert_eq!(Table::from_bytes(&bytes).unwrap(), t);
    assert_eq!(compile(&unit()).unwrap().to_bytes(), bytes);
    assert_eq!(t.compiler_version, super::COMPILER_VERSION);
    // Lead's fields are laid out in name order.
    let lead = t.object(t.object_by_name("Lead").unwrap()).unwrap();
    let names: Vec<&str> = t
        .object_fields(lead)
        .iter()
        .map(|f| t.str(f.name))
        .collect();
    assert_eq!(names, ["AccountId", "Industry", "OwnerId", "Status"]);
}

#[test]
fn lowered_rules_decide_like_the_source() {
    let t = compile(&unit()).unwrap();
    let d = decide(&t, json!({}));
    assert_eq!(d.outcome, crmc_eval::Outcome::Auto);
    assert_eq!(d.fields["Industry"].rule.as_deref(), Some("Industry#1"));
    assert_eq!(d.audit[0].get("new_value"), Some(&json!("Banking")));
    assert_eq!(d.rollback.keep.as_deref(), Some("90d"));
    // not (source == "manual") with source "manual": falls to rule 2.
    let d = decide(&t, json!({"source": "manual"}));
    assert_eq!(d.fields["Industry"].rule.as_deref(), Some("Industry#2"));
    // Missing source: unknown, at least review.
    let d = decide(&t, json!({"source": null}));
    assert_eq!(d.fields["Industry"].outcome, crmc_eval::Outcome::Review);
    // Eligibility: `Status in (...)`.
    let d = decide(
        &t,
        json!({"record": {"Status": "Closed", "Industry": null}}),
    );
    assert_eq!(d.fields["Industry"].reasons, ["no contract governs"]);
    // A value the picklist does not declare is unknown: at least review.
    let d = decide(
        &t,
        json!({"record": {"Status": "closed", "Industry": null}}),
    );
    assert_eq!(d.fields["Industry"].outcome, crmc_eval::Outcome::Review);
    // Protected field with a rule route.
    let d = decide(&t, json!({"changes": {"OwnerId": "005X"}}));
    assert_eq!(d.fields["OwnerId"].outcome, crmc_eval::Outcome::Escalate);
    assert_eq!(d.approvals[0].approver.as_deref(), Some("queue:Ops"));
    // Trigger update(Industry, OwnerId) only: a Status-only change is ungoverned.
    let d = decide(&t, json!({"changes": {"Status": "Open"}}));
    assert_eq!(d.fields["Status"].contract, None);
}

#[test]
fn lowered_parent_lookups_and_exclusions() {
    let t = compile(&unit()).unwrap();
    let rec = json!({"Status": "Open", "Industry": null, "AccountId": "001"});
    let d = decide(
        &t,
        json!({"record": rec, "parents": {"Account": {"Type": "Customer"}}}),
    );
    assert_eq!(d.fields["Industry"].outcome, crmc_eval::Outcome::Never);
    assert!(d.fields["Industry"].reasons[0].contains("exclusion `customers` holds"));
    let d = decide(&t, json!({"record": rec}));
    assert_eq!(d.fields["Industry"].outcome, crmc_eval::Outcome::Review);
    let d = decide(
        &t,
        json!({"record": rec, "parents": {"Account": {"Type": "Prospect"}}}),
    );
    assert_eq!(d.fields["Industry"].outcome, crmc_eval::Outcome::Auto);
}

#[test]
fn confidence_thresholds_are_lowered() {
    let t = compile(&unit()).unwrap();
    let c = &t.contracts[0];
    assert_eq!((c.auto_at, c.review_at), (Some(0.9), Some(0.6)));
    let d = decide(&t, json!({"confidence": 0.7}));
    assert_eq!(d.fields["Industry"].outcome, crmc_eval::Outcome::Review);
}
