use crate::fixture::*;
use crmc_eval::table::*;
use crmc_eval::{decide_batch, decide_json, decide_line, Mutation};
use serde_json::{json, Value};

#[test]
fn spec_example_enriches_empty_industry_automatically() {
    let t = spec_table();
    let d = decide(&t, json!({}));
    assert_eq!(d.outcome, Outcome::Auto);
    let f = field(&d, "Industry");
    assert_eq!(f.outcome, Outcome::Auto);
    assert_eq!(f.contract.as_deref(), Some("inbound_lead_enrichment"));
    assert_eq!(f.rule.as_deref(), Some("Industry#1"));
    assert!(d.approvals.is_empty());
}

#[test]
fn overall_is_the_max_and_json_has_the_spec_shape() {
    let t = spec_table();
    let line = mutation(json!({"changes": {"Industry": "Technology", "Rating": "Hot"}}));
    let out: Value = serde_json::from_str(&decide_json(&t, &line.to_string()).unwrap()).unwrap();
    assert_eq!(out["outcome"], "suggest");
    assert_eq!(out["fields"]["Industry"]["outcome"], "auto");
    assert_eq!(out["fields"]["Rating"]["rule"], "Rating#1");
    assert!(out["fields"]["Rating"]["reasons"].is_array());
    assert!(out["approvals"].is_array());
    assert_eq!(out["audit"].as_array().unwrap().len(), 2);
    assert_eq!(out["audit"][0]["record_id"], "00Q1");
    assert_eq!(out["audit"][0]["field"], "Industry");
    assert_eq!(out["audit"][0]["old_value"], Value::Null);
    assert_eq!(out["audit"][0]["new_value"], "Technology");
    assert_eq!(out["audit"][0]["version"], 3);
    assert_eq!(
        out["audit"][0]["actor"],
        json!({"kind": "ai", "name": "alim"})
    );
    assert_eq!(
        out["rollback"],
        json!({"previous": {"Industry": null, "Rating": null}, "keep": "90d", "notify": ["record.owner"]})
    );
}

#[test]
fn first_matching_rule_decides_and_review_gets_the_contract_route() {
    let t = spec_table();
    let d = decide(&t, json!({"record": {"Industry": "Banking"}}));
    let f = field(&d, "Industry");
    assert_eq!(
        (f.outcome, f.rule.as_deref()),
        (Outcome::Review, Some("Industry#2"))
    );
    assert_eq!(d.approvals.len(), 1);
    let a = &d.approvals[0];
    assert_eq!(a.level, "review");
    assert_eq!(a.approver.as_deref(), Some("record.owner"));
    assert_eq!(a.within_secs, Some(86_400));
    assert_eq!(a.fields, vec!["Industry".to_string()]);
}

#[test]
fn unknown_rule_condition_raises_to_at_least_review() {
    let t = spec_table();
    // `Industry` key missing: `Industry is empty` is unknown.
    let d = decide(&t, json!({"record": {"Industry": "<absent>"}}));
    let f = field(&d, "Industry");
    assert_eq!(f.outcome, Outcome::Review);
    assert!(reasons(&d, "Industry").contains("record field `Industry`"));
    // Unknown rule outcome below following rules: the following rule counts.
    let d = decide(
        &t,
        json!({"record": {"NumberOfEmployees": "<absent>"}, "changes": {"NumberOfEmployees": 10}}),
    );
    assert_eq!(field(&d, "NumberOfEmployees").outcome, Outcome::Suggest);
    assert_eq!(
        field(&d, "NumberOfEmployees").rule.as_deref(),
        Some("NumberOfEmployees#2")
    );
}

#[test]
fn create_reads_the_record_as_it_would_be_created() {
    let t = spec_table();
    // A key in neither `record` nor `changes` is empty on create...
    let d = decide(
        &t,
        json!({"event": "create", "record": {"Industry": "<absent>"}, "changes": {"Rating": "Hot"}}),
    );
    assert_eq!(field(&d, "Rating").outcome, Outcome::Suggest);
    // ...and a changed field reads its proposed value: the created record
    // has an Industry, so `auto when empty` does not hold.
    let d = decide(
        &t,
        json!({"event": "create", "record": {"Industry": "<absent>"}}),
    );
    assert_eq!(field(&d, "Industry").outcome, Outcome::Review);
}

#[test]
fn eligibility_false_means_no_contract_governs() {
    let t = spec_table();
    let d = decide(&t, json!({"record": {"Status": "Closed - Converted"}}));
    assert_eq!(d.outcome, Outcome::Never);
    assert_eq!(field(&d, "Industry").contract, None);
    assert_eq!(
        field(&d, "Industry").reasons,
        vec!["no contract governs".to_string()]
    );
}

#[test]
fn eligibility_unknown_applies_at_least_review() {
    let t = spec_table();
    let d = decide(
        &t,
        json!({"record": {"Status": "<absent>"}, "changes": {"Industry": "X", "Rating": "Hot"}}),
    );
    assert_eq!(field(&d, "Industry").outcome, Outcome::Review);
    assert_eq!(field(&d, "Rating").outcome, Outcome::Suggest);
    assert!(reasons(&d, "Industry").contains("eligibility unknown (missing record field `Status`)"));
}

#[test]
fn exclusion_that_holds_decides_never_for_every_field() {
    let t = spec_table();
    let d = decide(
        &t,
        json!({"record": {"HasOptedOutOfEmail": true}, "changes": {"Industry": "X", "Rating": "Hot"}}),
    );
    for f in ["Industry", "Rating"] {
        assert_eq!(field(&d, f).outcome, Outcome::Never);
        assert!(
            reasons(&d, f).contains("exclusion `opted_out` holds"),
            "{f}"
        );
    }
    let d = decide(&t, json!({"record": {"Email": "x@competitor.example"}}));
    assert!(reasons(&d, "Industry").contains("exclusion #2 holds"));
}

#[test]
fn exclusion_on_a_missing_parent_is_at_least_review() {
    let t = spec_table();
    // The record has an account but the input does not carry it.
    let d = decide(&t, json!({"record": {"AccountId": "001A"}}));
    assert_eq!(field(&d, "Industry").outcome, Outcome::Review);
    assert!(reasons(&d, "Industry")
        .contains("exclusion `customers` unknown (missing parent `Account`)"));
    // Parent supplied.
    let d = decide(
        &t,
        json!({"record": {"AccountId": "001A"}, "parents": {"Account": {"Type": "Customer"}}}),
    );
    assert_eq!(field(&d, "Industry").outcome, Outcome::Never);
    let d = decide(
        &t,
        json!({"record": {"AccountId": "001A"}, "parents": {"Account": {"Type": "Prospect"}}}),
    );
    assert_eq!(field(&d, "Industry").outcome, Outcome::Auto);
    // Parent supplied without the field: unknown.
    let d = decide(
        &t,
        json!({"record": {"AccountId": "001A"}, "parents": {"Account": {}}}),
    );
    assert!(reasons(&d, "Industry").contains("parent field `Account.Type`"));
    assert_eq!(field(&d, "Industry").outcome, Outcome::Review);
    // No account at all (ref is null): parent fields are empty, comparison false.
    let d = decide(&t, json!({}));
    assert_eq!(field(&d, "Industry").outcome, Outcome::Auto);
}

#[test]
fn confidence_caps() {
    let t = spec_table();
    let at = |c: Value| field(&decide(&t, json!({ "confidence": c })), "Industry").outcome;
    assert_eq!(at(json!(0.9)), Outcome::Auto);
    assert_eq!(at(json!(0.89)), Outcome::Review);
    assert_eq!(at(json!(0.6)), Outcome::Review);
    assert_eq!(at(json!(0.59)), Outcome::Never);
    assert_eq!(at(Value::Null), Outcome::Never);
    let d = decide(&t, json!({"confidence": "<absent>"}));
    assert!(reasons(&d, "Industry").contains("confidence missing"));
    // Only an auto threshold: missing confidence is review.
    let mut fx = Fx::new();
    let mut c = fx.base("c");
    c.review_at = None;
    let t = fx.finish(vec![c]);
    assert_eq!(
        field(&decide(&t, json!({"confidence": "<absent>"})), "Industry").outcome,
        Outcome::Review
    );
}

#[test]
fn mode_caps() {
    for (mode, want) in [
        (Mode::ReadOnly, Outcome::Suggest),
        (Mode::Draft, Outcome::Review),
        (Mode::AutomatedWrite, Outcome::Auto),
    ] {
        let mut fx = Fx::new();
        let mut c = fx.base("c");
        c.mode = mode;
        let t = fx.finish(vec![c]);
        let d = decide(&t, json!({}));
        assert_eq!(field(&d, "Industry").outcome, want, "{mode:?}");
    }
}

#[test]
fn schema_caps_protected_and_readonly() {
    let mut fx = Fx::new();
    let mut c = fx.base("c");
    let owner = fx.f["OwnerId"];
    let id = fx.f["Id"];
    let r1 = fx.rule(Outcome::Auto, None, 1);
    let r2 = fx.rule(Outcome::Auto, None, 1);
    c.field_rules.retain(|f| f.field != owner);
    c.field_rules.push(FieldRules {
        field: owner,
        rules: vec![r1],
    });
    c.field_rules.push(FieldRules {
        field: id,
        rules: vec![r2],
    });
    let t = fx.finish(vec![c]);
    let d = decide(&t, json!({"changes": {"OwnerId": "005B", "Id": "00Q2"}}));
    assert_eq!(field(&d, "OwnerId").outcome, Outcome::Review);
    assert!(reasons(&d, "OwnerId").contains("protected"));
    assert_eq!(field(&d, "Id").outcome, Outcome::Never);
    assert!(reasons(&d, "Id").contains("readonly"));
}

#[test]
fn star_rules_and_missing_star() {
    let t = spec_table();
    let d = decide(&t, json!({"changes": {"Email": "new@b.example"}}));
    assert_eq!(field(&d, "Email").rule.as_deref(), Some("*#1"));
    assert_eq!(field(&d, "Email").outcome, Outcome::Never);
    let mut fx = Fx::new();
    let mut c = fx.base("c");
    let star_auto = fx.rule(Outcome::Auto, None, 1);
    c.star = Some(vec![star_auto]);
    let t = fx.finish(vec![c.clone()]);
    let d = decide(&t, json!({"changes": {"Email": "new@b.example"}}));
    assert_eq!(field(&d, "Email").outcome, Outcome::Auto);
    c.star = None;
    let mut fx = Fx::new();
    let _ = fx.base("c");
    let t = fx.finish(vec![c]);
    let d = decide(&t, json!({"changes": {"Email": "new@b.example"}}));
    assert_eq!(field(&d, "Email").outcome, Outcome::Never);
    assert_eq!(field(&d, "Email").rule, None);
    assert!(reasons(&d, "Email").contains("no `*` rule"));
}

#[test]
fn unknown_field_fails_closed() {
    let t = spec_table();
    let d = decide(&t, json!({"changes": {"Industry": "X", "Nope__c": 1}}));
    assert_eq!(d.outcome, Outcome::Never);
    assert_eq!(field(&d, "Nope__c").outcome, Outcome::Never);
    assert_eq!(field(&d, "Nope__c").contract, None);
    assert!(reasons(&d, "Nope__c").contains("not a field of `Lead`"));
    assert_eq!(field(&d, "Industry").outcome, Outcome::Auto);
}

#[test]
fn actor_kind_and_name_must_match() {
    let t = spec_table();
    let d = decide(&t, json!({"actor": {"kind": "ai", "name": "other"}}));
    assert_eq!(
        field(&d, "Industry").reasons,
        vec!["no contract governs".to_string()]
    );
    let d = decide(&t, json!({"actor": {"kind": "human", "name": "alim"}}));
    assert_eq!(d.outcome, Outcome::Never);
    let mut fx = Fx::new();
    let mut c = fx.base("c");
    c.actor_name = None;
    let t = fx.finish(vec![c]);
    let d = decide(&t, json!({"actor": {"kind": "ai", "name": "anyone"}}));
    assert_eq!(d.outcome, Outcome::Auto);
}

#[test]
fn update_trigger_with_fields_matches_only_when_they_change() {
    let mut fx = Fx::new();
    let mut c = fx.base("c");
    c.triggers = vec![Trigger::Update(Some(vec![fx.f["Email"]]))];
    let t = fx.finish(vec![c]);
    assert_eq!(decide(&t, json!({})).outcome, Outcome::Never);
    let d = decide(
        &t,
        json!({"changes": {"Industry": "X", "Email": "n@b.example"}}),
    );
    assert_eq!(field(&d, "Industry").outcome, Outcome::Auto);
    // Not triggered on create.
    assert_eq!(
        decide(
            &t,
            json!({"event": "create", "changes": {"Email": "n@b.example"}})
        )
        .outcome,
        Outcome::Never
    );
}

#[test]
fn most_restrictive_contract_wins() {
    let mut fx = Fx::new();
    let a = fx.base("a_loose");
    let mut b = fx.base("b_strict");
    b.mode = Mode::Draft;
    let t = fx.finish(vec![a, b]);
    let d = decide(&t, json!({"changes": {"Industry": "X", "Rating": "Hot"}}));
    assert_eq!(field(&d, "Industry").outcome, Outcome::Review);
    assert_eq!(field(&d, "Industry").contract.as_deref(), Some("b_strict"));
    // Tie: the first contract in table order decides.
    assert_eq!(field(&d, "Rating").contract.as_deref(), Some("a_loose"));
}

#[test]
fn sensitive_values_are_masked_in_audit_only() {
    let t = spec_table();
    let d = decide(
        &t,
        json!({"record": {"SSN__c": "123"}, "changes": {"SSN__c": "456"}}),
    );
    let a = &d.audit[0];
    assert_eq!(a.get("old_value"), Some(&json!("***")));
    assert_eq!(a.get("new_value"), Some(&json!("***")));
    assert_eq!(d.rollback.previous["SSN__c"], json!("123"));
    let d = decide(
        &t,
        json!({"record": {"SSN__c": null}, "changes": {"SSN__c": "456"}}),
    );
    assert_eq!(d.audit[0].get("old_value"), Some(&Value::Null));
}

#[test]
fn require_approvals_hold_when_true_or_unknown() {
    let t = spec_table();
    let req = |over: Value| {
        decide(&t, over)
            .approvals
            .iter()
            .any(|a| a.level == "require" && a.approver.as_deref() == Some("role:RevOps Lead"))
    };
    let big = json!({"record": {"Industry": "Banking", "AnnualRevenue": 2_000_000}});
    assert!(req(big));
    assert!(!req(json!({"record": {"Industry": "Banking"}})));
    assert!(req(
        json!({"record": {"Industry": "Banking", "AnnualRevenue": "<absent>"}})
    ));
    // No approval needed at all: no require either.
    assert!(!req(json!({"record": {"AnnualRevenue": 2_000_000}})));
}

#[test]
fn escalate_uses_rule_route_over_contract_route() {
    let mut fx = Fx::new();
    let mut c = fx.base("c");
    let owner = fx.f["OwnerId"];
    let q = fx.b.intern("Ops");
    for fr in &mut c.field_rules {
        if fr.field == owner {
            fr.rules[0].route = Some(Approver::Queue(q));
        }
    }
    let t = fx.finish(vec![c]);
    let d = decide(&t, json!({"changes": {"OwnerId": "005X", "Rating": "Hot"}}));
    let a = d.approvals.iter().find(|a| a.level == "escalate").unwrap();
    assert_eq!(a.approver.as_deref(), Some("queue:Ops"));
    let t = spec_table();
    let d = decide(&t, json!({"changes": {"OwnerId": "005X"}}));
    let a = d.approvals.iter().find(|a| a.level == "escalate").unwrap();
    assert_eq!(a.approver.as_deref(), Some("role:Sales Manager"));
    assert_eq!(a.within_secs, Some(14_400));
}

fn one_rule_table(when: Vec<Op>) -> Table {
    let mut fx = Fx::new();
    let mut c = fx.base("c");
    let rating = fx.f["Rating"];
    let r = fx.rule(Outcome::Auto, Some(when), 1);
    let r2 = fx.rule(Outcome::Never, None, 2);
    for fr in &mut c.field_rules {
        if fr.field == rating {
            fr.rules = vec![r.clone(), r2.clone()];
        }
    }
    fx.finish(vec![c])
}

fn rating(t: &Table, record: Value) -> Outcome {
    let d = decide(t, json!({"record": record, "changes": {"Rating": "Hot"}}));
    field(&d, "Rating").outcome
}

#[test]
fn dates_relative_to_at() {
    // at = 2026-11-21T10:00:00Z
    let fx = Fx::new();
    let f = fx.f.clone();
    let t = one_rule_table(vec![Op::Atom(
        Subject::Field(f["LastActivityDate"]),
        Test::BeforeDaysAgo(30),
    )]);
    // 30 days before 2026-11-21 is 2026-10-22.
    assert_eq!(
        rating(&t, json!({"LastActivityDate": "2026-10-22"})),
        Outcome::Never
    );
    assert_eq!(
        rating(&t, json!({"LastActivityDate": "2026-10-21"})),
        Outcome::Auto
    );
    assert_eq!(
        rating(&t, json!({"LastActivityDate": null})),
        Outcome::Never
    );
    // Malformed date: unknown, so at least review rather than auto/never-by-rule.
    assert_eq!(
        rating(&t, json!({"LastActivityDate": "yesterday"})),
        Outcome::Never
    );
    let t = one_rule_table(vec![Op::Atom(
        Subject::Field(f["CreatedDate"]),
        Test::AfterDaysAgo(1),
    )]);
    assert_eq!(
        rating(&t, json!({"CreatedDate": "2026-11-20T10:00:01Z"})),
        Outcome::Auto
    );
    assert_eq!(
        rating(&t, json!({"CreatedDate": "2026-11-20T10:00:00Z"})),
        Outcome::Never
    );
}

#[test]
fn empty_values_make_comparisons_false_and_kleene_logic_holds() {
    let fx = Fx::new();
    let f = fx.f.clone();
    let rev = Subject::Field(f["AnnualRevenue"]);
    // `AnnualRevenue != 5` on null is false; `not (AnnualRevenue == 5)` on null is true.
    let t = one_rule_table(vec![Op::Atom(rev, Test::Cmp(CmpOp::Ne, Const::Num(5.0)))]);
    assert_eq!(rating(&t, json!({"AnnualRevenue": null})), Outcome::Never);
    assert_eq!(rating(&t, json!({"AnnualRevenue": 6})), Outcome::Auto);
    let t = one_rule_table(vec![
        Op::Atom(rev, Test::Cmp(CmpOp::Eq, Const::Num(5.0))),
        Op::Not,
    ]);
    assert_eq!(rating(&t, json!({"AnnualRevenue": null})), Outcome::Auto);
    // Unknown OR true is true; unknown AND false is false.
    let t = one_rule_table(vec![Op::Atom(rev, Test::IsEmpty), Op::True, Op::Or(2)]);
    assert_eq!(
        rating(&t, json!({"AnnualRevenue": "<absent>"})),
        Outcome::Auto
    );
    let t = one_rule_table(vec![Op::Atom(rev, Test::IsEmpty), Op::False, Op::And(2)]);
    assert_eq!(
        rating(&t, json!({"AnnualRevenue": "<absent>"})),
        Outcome::Never
    );
    // not unknown is unknown: at least review, here max(review, auto, never) = never.
    let t = one_rule_table(vec![Op::Atom(rev, Test::IsEmpty), Op::Not]);
    let d = decide(
        &t,
        json!({"record": {"AnnualRevenue": "<absent>"}, "changes": {"Rating": "Hot"}}),
    );
    assert_eq!(field(&d, "Rating").outcome, Outcome::Never);
    assert!(reasons(&d, "Rating").contains("unknown"));
}

#[test]
fn new_values_changed_and_strings() {
    let fx = Fx::new();
    let f = fx.f.clone();
    let mut b = Fx::new();
    let acme = b.b.intern("acme");
    let t = {
        let mut c = b.base("c");
        let rating = b.f["Rating"];
        let r = b.rule(
            Outcome::Auto,
            Some(vec![
                Op::Atom(Subject::New(f["Email"]), Test::Contains(acme)),
                Op::Changed(f["Email"]),
                Op::And(2),
            ]),
            1,
        );
        for fr in &mut c.field_rules {
            if fr.field == rating {
                fr.rules = vec![r.clone()];
            }
        }
        b.finish(vec![c])
    };
    let d = decide(
        &t,
        json!({"changes": {"Rating": "Hot", "Email": "x@acme.example"}}),
    );
    assert_eq!(field(&d, "Rating").outcome, Outcome::Auto);
    let d = decide(
        &t,
        json!({"record": {"Email": "x@acme.example"}, "changes": {"Rating": "Hot"}}),
    );
    assert_eq!(field(&d, "Rating").outcome, Outcome::Never);
}

#[test]
fn multipicklists_and_in_sets() {
    let mut fx = Fx::new();
    let f = fx.f.clone();
    let a = fx.b.intern("A");
    let t = {
        let mut c = fx.base("c");
        let r = fx.rule(
            Outcome::Auto,
            Some(vec![Op::Atom(
                Subject::Field(f["Interests__c"]),
                Test::Contains(a),
            )]),
            1,
        );
        for fr in &mut c.field_rules {
            if fr.field == f["Rating"] {
                fr.rules = vec![r.clone()];
            }
        }
        fx.finish(vec![c])
    };
    assert_eq!(rating(&t, json!({"Interests__c": "B;A"})), Outcome::Auto);
    assert_eq!(rating(&t, json!({"Interests__c": ["A"]})), Outcome::Auto);
    assert_eq!(rating(&t, json!({"Interests__c": "B"})), Outcome::Never);
    // The `Status in (...)` eligibility of the base contract: a binary search.
    let t = spec_table();
    let d = decide(&t, json!({"record": {"Status": "Open - Not Contacted"}}));
    assert_eq!(d.outcome, Outcome::Auto);
}

#[test]
fn delete_is_decided_by_star_rules_and_no_changes_is_never() {
    let t = spec_table();
    let d = decide(&t, json!({"event": "delete", "changes": {}}));
    assert_eq!(d.outcome, Outcome::Never);
    let mut fx = Fx::new();
    let mut c = fx.base("c");
    c.triggers.push(Trigger::Delete);
    let r = fx.rule(Outcome::Review, None, 1);
    c.star = Some(vec![r]);
    let t = fx.finish(vec![c]);
    let d = decide(&t, json!({"event": "delete", "changes": {}}));
    assert_eq!(d.outcome, Outcome::Review);
    assert_eq!(field(&d, "*").rule.as_deref(), Some("*#1"));
    assert_eq!(d.rollback.previous["Id"], json!("00Q1"));
    let d = decide(&t, json!({"changes": {}}));
    assert_eq!(d.outcome, Outcome::Never);
    assert!(d.fields.is_empty());
}

#[test]
fn malformed_input_is_an_error_never_a_decision() {
    let t = spec_table();
    let bad: Vec<String> = vec![
        "not json".into(),
        "[]".into(),
        mutation(json!({"object": "Nope"})).to_string(),
        mutation(json!({"at": "yesterday"})).to_string(),
        mutation(json!({"at": "<absent>"})).to_string(),
        mutation(json!({"record": [1]})).to_string(),
        mutation(json!({"confidence": 1.5})).to_string(),
        mutation(json!({"confidence": -0.1})).to_string(),
        mutation(json!({"confidence": "0.9"})).to_string(),
        mutation(json!({"actor": {"kind": "robot", "name": "x"}})).to_string(),
        mutation(json!({"actor": {"kind": "ai"}})).to_string(),
        mutation(json!({"event": "upsert"})).to_string(),
        mutation(json!({"changes": "Industry"})).to_string(),
        mutation(json!({"parents": {"Account": 1}})).to_string(),
        mutation(json!({"extra": 1})).to_string(),
    ];
    for (i, line) in bad.iter().enumerate() {
        assert!(decide_json(&t, line).is_err(), "{line}");
        let out: Value = serde_json::from_str(&decide_line(&t, line, i + 1)).unwrap();
        assert_eq!(out["error"]["line"], i + 1, "{line}");
        assert!(out["error"]["message"].is_string());
        assert!(out.get("outcome").is_none());
    }
    assert!(
        Mutation::from_json(&bad[2]).is_ok(),
        "unknown object is a table-level error"
    );
}

#[test]
fn batches_keep_order_and_line_numbers() {
    let t = spec_table();
    let good = mutation(json!({})).to_string();
    let input = format!("{good}\n\nnot json\n{good}\n");
    let out = decide_batch(&t, &input);
    // decisions.md 10: the blank line gets its own error line.
    assert_eq!(out.len(), 4);
    assert!(out[0].contains("\"outcome\":\"auto\""));
    assert!(out[1].starts_with("{\"error\":{\"line\":2"));
    assert!(out[1].contains("empty line: not a mutation"));
    assert!(out[2].starts_with("{\"error\":{\"line\":3"));
    assert!(out[3].contains("\"outcome\":\"auto\""));
}
