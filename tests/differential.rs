//! Differential tests: the compiled table (`crmc-eval`) against the reference
//! interpreter (`crmc::reference`), which evaluates the checked model
//! directly. The whole decision is compared: outcome, per-field outcomes,
//! contract, rule, reasons, approvals, audit and rollback.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

mod support;

use crmc::check::model::*;
use crmc::compile::compile;
use crmc::reference;
use crmc_eval::{Decision, Mutation, Table};
use proptest::prelude::*;
use serde_json::{json, Value as Json};
use support::*;

/// Mutations tried against each random unit.
const MUTATIONS_PER_UNIT: u64 = 24;

fn pretty(d: &Result<Decision, crmc_eval::EvalError>) -> String {
    match d {
        Ok(d) => serde_json::to_string_pretty(d).unwrap(),
        Err(e) => format!("error: {e}"),
    }
}

/// Decides `m` with the table (directly and after a bytes round trip) and
/// with the reference; panics with both decisions when they differ. `line`
/// is `m` as the JSON text it was read from: every other way in to the
/// table (the NDJSON text path, fast or slow; the JSON writer; the
/// outcome-only path) must give the same decision, or a field of the input
/// (a cause, say) is lost on one of them.
fn agree(
    unit: &CheckedUnit,
    table: &Table,
    reloaded: &Table,
    m: &Mutation,
    line: &str,
    what: &str,
) {
    let got = table.decide(m);
    if let Ok(d) = &got {
        let json = serde_json::to_string(d).unwrap();
        let text = crmc_eval::decide_json(reloaded, line)
            .unwrap_or_else(|e| panic!("{what}: the text path refuses it: {e}"));
        assert_eq!(text, json, "{what}: the text path decides differently");
        let mut out = Vec::new();
        table.decide_json_into(m, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            json,
            "{what}: decide_json_into"
        );
        assert_eq!(
            table.decide_outcome(m).unwrap(),
            d.outcome,
            "{what}: decide_outcome"
        );
    }
    let want = reference::decide(unit, m);
    if got != want {
        panic!(
            "{what}: evaluator and reference disagree\n{}\n--- evaluator\n{}\n--- reference\n{}",
            show_unit(unit),
            pretty(&got),
            pretty(&want)
        );
    }
    let again = reloaded.decide(m);
    assert_eq!(again, got, "{what}: reloaded table decides differently");
}

fn check_seed(seed: u64) {
    let unit = random_unit(seed);
    let table = compile(&unit).expect("compiles");
    let reloaded = Table::from_bytes(&table.to_bytes()).expect("reloads");
    for i in 0..MUTATIONS_PER_UNIT {
        let json = random_mutation(seed.wrapping_mul(31).wrapping_add(i), &unit);
        let Ok(m) = Mutation::from_value(&json) else {
            continue;
        };
        agree(
            &unit,
            &table,
            &reloaded,
            &m,
            &json.to_string(),
            &format!("unit seed {seed}, mutation {i}: {json}"),
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 384, ..ProptestConfig::default() })]
    #[test]
    fn evaluator_agrees_with_reference(seed in any::<u64>()) {
        check_seed(seed);
    }
}

// ---------------------------------------------------------------- disagreements found once, kept as tests
//
// Each was a difference between the evaluator and the reference, settled
// (D1, D3: evaluator fixes; D2: documented float semantics for numbers).

/// A contract whose only Industry rule reads `Score > 10`.
fn one_rule(outcome: Outcome, test: Test, field: &str) -> CheckedUnit {
    let mut unit = CheckedUnit {
        schema: schema(None),
        ..CheckedUnit::default()
    };
    let industry = field_of(&unit, "Industry");
    let f = field_of(&unit, field);
    let mut c = contract("enrich", LEAD, None);
    c.fields.push(FieldRules {
        field: industry,
        rules: vec![rule(outcome, Some(atom(Subject::Field(f), test)), 1)],
        span: sp(),
    });
    unit.contracts.push(c);
    unit
}

fn strict(unit: &CheckedUnit, json: Json) -> (Decision, Decision) {
    let table = compile(unit).unwrap();
    let m = Mutation::from_value(&json).unwrap();
    (
        table.decide(&m).unwrap(),
        reference::decide(unit, &m).unwrap(),
    )
}

#[test]
fn d1_fall_through_reports_no_rule() {
    // `Industry: auto when Score > 10`, Score unknown: never by fall-through.
    let unit = one_rule(
        Outcome::Auto,
        Test::Cmp(CmpOp::Gt, Value::Num(dec("10"))),
        "Score",
    );
    let (got, want) = strict(
        &unit,
        mutation("update", json!({}), json!({"Industry": "Tech"})),
    );
    assert_eq!(want.fields["Industry"].rule, None);
    assert_eq!(got, want);
}

#[test]
fn d2_numbers_compare_as_json_doubles() {
    // Documented: a JSON number is the double it parses to, so 2^53 + 1 reads
    // as 2^53 and is not above it — in the evaluator and the reference alike.
    let unit = one_rule(
        Outcome::Auto,
        Test::Cmp(CmpOp::Gt, Value::Num(dec("9007199254740992"))),
        "Headcount",
    );
    let (got, want) = strict(
        &unit,
        mutation(
            "update",
            json!({"Headcount": 9_007_199_254_740_993_u64}),
            json!({"Industry": "Tech"}),
        ),
    );
    assert_eq!(want.outcome, O::Never);
    assert_eq!(got, want);
}

#[test]
fn d3_negative_zero_is_in_zero() {
    let unit = one_rule(
        Outcome::Auto,
        Test::In {
            values: vec![Value::Num(dec("0"))],
            negated: false,
        },
        "Amount",
    );
    let m = mutation(
        "update",
        json!({"Amount": -0.0}),
        json!({"Industry": "Tech"}),
    );
    let (got, want) = strict(&unit, m.clone());
    assert_eq!(want.outcome, O::Auto);
    // The evaluator itself finds -0.0 == 0:
    let eq = one_rule(
        Outcome::Auto,
        Test::Cmp(CmpOp::Eq, Value::Num(dec("0"))),
        "Amount",
    );
    assert_eq!(strict(&eq, m).0.outcome, O::Auto);
    assert_eq!(got, want);
}

// ---------------------------------------------------------------- hand-written cases, one or more per §5.3 step

/// Decides with both and returns the (agreed) decision.
fn both(unit: &CheckedUnit, json: Json) -> Decision {
    let table = compile(unit).unwrap();
    let m = Mutation::from_value(&json).unwrap();
    agree(
        unit,
        &table,
        &table,
        &m,
        &json.to_string(),
        &json.to_string(),
    );
    table.decide(&m).unwrap()
}

fn field_of(unit: &CheckedUnit, name: &str) -> FieldId {
    unit.schema.field_by_name(LEAD, name).unwrap()
}

fn mutation(event: &str, record: Json, changes: Json) -> Json {
    json!({"object": "Lead", "event": event, "actor": {"kind": "ai", "name": "alim"},
           "confidence": 0.95, "source": "enrichment", "at": "2026-11-21T10:00:00Z",
           "record": record, "changes": changes})
}

fn ind(unit: &CheckedUnit) -> Subject {
    Subject::Field(field_of(unit, "Industry"))
}

/// One contract on Lead: `Industry: auto when empty, review`, `*: never`.
fn base() -> CheckedUnit {
    let schema = schema(None);
    let mut unit = CheckedUnit {
        schema,
        ..CheckedUnit::default()
    };
    let industry = field_of(&unit, "Industry");
    let mut c = contract("enrich", LEAD, Some("alim"));
    c.fields.push(FieldRules {
        field: industry,
        rules: vec![
            rule(
                Outcome::Auto,
                Some(atom(Subject::Field(industry), Test::IsEmpty)),
                1,
            ),
            rule(Outcome::Review, None, 2),
        ],
        span: sp(),
    });
    c.star = Some(StarRules {
        rules: vec![rule(Outcome::Never, None, 1)],
        span: sp(),
    });
    unit.contracts.push(c);
    unit
}

fn outcome_of(d: &Decision, f: &str) -> crmc_eval::Outcome {
    d.fields[f].outcome
}

use crmc_eval::Outcome as O;

#[test]
fn step1_actor_trigger_and_eligibility() {
    let mut unit = base();
    let d = both(
        &unit,
        mutation(
            "update",
            json!({"Industry": null}),
            json!({"Industry": "Tech"}),
        ),
    );
    assert_eq!(d.outcome, O::Auto);
    // Another actor name: no contract governs.
    let mut m = mutation(
        "update",
        json!({"Industry": null}),
        json!({"Industry": "Tech"}),
    );
    m["actor"]["name"] = json!("bob");
    let d = both(&unit, m);
    assert_eq!(d.fields["Industry"].reasons, vec!["no contract governs"]);
    // update(Email) does not fire on an Industry change.
    let email = field_of(&unit, "Email");
    unit.contracts[0].triggers = vec![Trigger::Update(Some(vec![email]))];
    let d = both(
        &unit,
        mutation(
            "update",
            json!({"Industry": null}),
            json!({"Industry": "Tech"}),
        ),
    );
    assert_eq!(d.fields["Industry"].contract, None);
    // ...but does when Email changes too.
    let d = both(
        &unit,
        mutation(
            "update",
            json!({"Industry": null}),
            json!({"Industry": "Tech", "Email": "a@b.example"}),
        ),
    );
    assert_eq!(outcome_of(&d, "Industry"), O::Auto);
    assert_eq!(outcome_of(&d, "Email"), O::Never);
    // Eligibility false: not applicable; unknown: at least review.
    unit.contracts[0].triggers = vec![Trigger::Update(None)];
    let score = field_of(&unit, "Score");
    unit.contracts[0].eligible = Some(atom(
        Subject::Field(score),
        Test::Cmp(CmpOp::Gt, Value::Num(dec("10"))),
    ));
    let d = both(
        &unit,
        mutation(
            "update",
            json!({"Industry": null, "Score": 5}),
            json!({"Industry": "Tech"}),
        ),
    );
    assert_eq!(d.fields["Industry"].contract, None);
    let d = both(
        &unit,
        mutation(
            "update",
            json!({"Industry": null}),
            json!({"Industry": "Tech"}),
        ),
    );
    assert_eq!(outcome_of(&d, "Industry"), O::Review);
}

#[test]
fn step2_exclusions_and_missing_parents() {
    let mut unit = base();
    let ty = unit.schema.field_by_name(ACCOUNT, "Type").unwrap();
    unit.contracts[0].exclusions.push(Exclusion {
        name: Some("customers".into()),
        when: atom(
            Subject::Parent {
                relation: "Account".into(),
                field: ty,
            },
            Test::Cmp(CmpOp::Eq, Value::Str("Customer".into())),
        ),
        span: sp(),
    });
    let mut m = mutation(
        "update",
        json!({"Industry": null, "AccountId": "001A"}),
        json!({"Industry": "Tech"}),
    );
    // Parent missing: at least review.
    let d = both(&unit, m.clone());
    assert_eq!(outcome_of(&d, "Industry"), O::Review);
    // Parent a customer: never.
    m["parents"] = json!({"Account": {"Type": "Customer"}});
    let d = both(&unit, m.clone());
    assert_eq!(outcome_of(&d, "Industry"), O::Never);
    // A prospect: auto.
    m["parents"] = json!({"Account": {"Type": "Prospect"}});
    assert_eq!(both(&unit, m.clone()).outcome, O::Auto);
    // No parent at all (AccountId null): its fields are empty, auto.
    m["record"]["AccountId"] = Json::Null;
    m.as_object_mut().unwrap().remove("parents");
    assert_eq!(both(&unit, m).outcome, O::Auto);
}

/// A value read for a condition that does not fit its field is unknown (at
/// least review), never text that slips past an exclusion written against
/// the declared values: an undeclared picklist value (`"customer"`,
/// `"Customer "` is trimmed and fits), an address that is no address
/// (`x@competitor.example.`), in the record, a parent and `changes`.
#[test]
fn step2_a_read_value_that_does_not_fit_its_field_is_unknown() {
    let mut unit = base();
    let ty = unit.schema.field_by_name(ACCOUNT, "Type").unwrap();
    let email = field_of(&unit, "Email");
    unit.contracts[0].exclusions.push(Exclusion {
        name: Some("customers".into()),
        when: atom(
            Subject::Parent {
                relation: "Account".into(),
                field: ty,
            },
            Test::Cmp(CmpOp::Eq, Value::Str("Customer".into())),
        ),
        span: sp(),
    });
    unit.contracts[0].exclusions.push(Exclusion {
        name: Some("competitors".into()),
        when: atom(
            Subject::Field(email),
            Test::EndsWith("@competitor.example".into()),
        ),
        span: sp(),
    });
    let m = |account_type: &str, email: &str| {
        let mut m = mutation(
            "update",
            json!({"Industry": null, "AccountId": "001A", "Email": email}),
            json!({"Industry": "Tech"}),
        );
        m["parents"] = json!({"Account": {"Type": account_type}});
        m
    };
    assert_eq!(both(&unit, m("Prospect", "a@b.example")).outcome, O::Auto);
    assert_eq!(both(&unit, m("Customer ", "a@b.example")).outcome, O::Never);
    for (account_type, address) in [
        ("customer", "a@b.example"),
        ("Former Customer", "a@b.example"),
        ("Prospect", "x@competitor.example."),
        ("Prospect", "x@competitor.example@"),
        ("Prospect", "n/a"),
    ] {
        let d = both(&unit, m(account_type, address));
        assert_eq!(
            outcome_of(&d, "Industry"),
            O::Review,
            "{account_type} / {address}: {d:?}"
        );
    }
    // The reason names what did not fit.
    let d = both(&unit, m("customer", "a@b.example"));
    let reasons = d.fields["Industry"].reasons.join("; ");
    assert!(
        reasons.contains("not one of the field's declared values"),
        "{reasons}"
    );
    // A condition on the proposed value: an undeclared `new Industry` is
    // unknown too (and the write itself is `never`).
    let mut rated = base();
    let industry = field_of(&rated, "Industry");
    let score = field_of(&rated, "Score");
    rated.contracts[0].fields.push(FieldRules {
        field: score,
        rules: vec![
            rule(
                Outcome::Auto,
                Some(atom(
                    Subject::New(industry),
                    Test::Cmp(CmpOp::Ne, Value::Str("Banking".into())),
                )),
                1,
            ),
            rule(Outcome::Never, None, 2),
        ],
        span: sp(),
    });
    let d = both(
        &rated,
        mutation(
            "update",
            json!({"Industry": null}),
            json!({"Industry": "banking", "Score": 5}),
        ),
    );
    assert_eq!(outcome_of(&d, "Industry"), O::Never, "{d:?}");
    assert_ne!(outcome_of(&d, "Score"), O::Auto, "{d:?}");
}

#[test]
fn step3_rules_star_and_unknown_rules() {
    let unit = base();
    // Industry set: rule 2, review.
    let d = both(
        &unit,
        mutation(
            "update",
            json!({"Industry": "Tech"}),
            json!({"Industry": "Retail"}),
        ),
    );
    assert_eq!(d.fields["Industry"].rule.as_deref(), Some("Industry#2"));
    // Industry unknown (no key): rule 1 unknown -> review, then rule 2 review.
    let d = both(
        &unit,
        mutation("update", json!({}), json!({"Industry": "Retail"})),
    );
    assert_eq!(outcome_of(&d, "Industry"), O::Review);
    // Another field: the `*` rule.
    let d = both(&unit, mutation("update", json!({}), json!({"Score": 3})));
    assert_eq!(d.fields["Score"].rule.as_deref(), Some("*#1"));
    // Delete: the `*` rules decide the pseudo-field `*`.
    let d = both(&unit, mutation("delete", json!({"Id": "00Q1"}), json!({})));
    assert_eq!(d.fields["*"].outcome, O::Never);
    // No changes: never, no fields.
    let d = both(&unit, mutation("update", json!({}), json!({})));
    assert_eq!(d.outcome, O::Never);
    assert!(d.fields.is_empty());
    // A name the schema lacks.
    let d = both(&unit, mutation("update", json!({}), json!({"Nope": 1})));
    assert_eq!(d.fields["Nope"].contract, None);
}

#[test]
fn step4_caps() {
    let mut unit = base();
    unit.contracts[0].confidence = Thresholds {
        auto: Some((dec("0.9"), sp())),
        review: Some((dec("0.6"), sp())),
    };
    let mut m = mutation(
        "update",
        json!({"Industry": null}),
        json!({"Industry": "Tech"}),
    );
    assert_eq!(both(&unit, m.clone()).outcome, O::Auto);
    m["confidence"] = json!(0.75);
    assert_eq!(both(&unit, m.clone()).outcome, O::Review);
    m["confidence"] = json!(0.5);
    assert_eq!(both(&unit, m.clone()).outcome, O::Never);
    m.as_object_mut().unwrap().remove("confidence");
    assert_eq!(both(&unit, m.clone()).outcome, O::Never);
    m["confidence"] = json!(0.95);
    unit.contracts[0].mode = Mode::ReadOnly;
    assert_eq!(both(&unit, m.clone()).outcome, O::Suggest);
    unit.contracts[0].mode = Mode::Draft;
    assert_eq!(both(&unit, m.clone()).outcome, O::Review);
    unit.contracts[0].mode = Mode::AutomatedWrite;
    let industry = field_of(&unit, "Industry");
    let f = industry.index as usize;
    unit.schema.objects[1].fields[f].protected = true;
    assert_eq!(both(&unit, m.clone()).outcome, O::Review);
    unit.schema.objects[1].fields[f].readonly = true;
    assert_eq!(both(&unit, m).outcome, O::Never);
}

#[test]
fn step5_combination_most_restrictive_ties_first_by_name() {
    let mut unit = base();
    let mut other = unit.contracts[0].clone();
    other.name = "another".into();
    unit.contracts.insert(0, other);
    let m = mutation(
        "update",
        json!({"Industry": null}),
        json!({"Industry": "Tech"}),
    );
    let d = both(&unit, m.clone());
    assert_eq!(d.fields["Industry"].contract.as_deref(), Some("another"));
    unit.contracts[1].mode = Mode::Draft;
    let d = both(&unit, m);
    assert_eq!(d.fields["Industry"].contract.as_deref(), Some("enrich"));
    assert_eq!(d.outcome, O::Review);
}

#[test]
fn step6_approvals_audit_rollback() {
    let mut unit = base();
    let industry = field_of(&unit, "Industry");
    let f = industry.index as usize;
    unit.schema.objects[1].fields[f].sensitive = true;
    let c = &mut unit.contracts[0];
    c.approval.review = Some(Route {
        approver: Approver::RecordOwner,
        within: Some(86_400),
        span: sp(),
    });
    c.approval.require.push(Requirement {
        approver: Approver::Role("RevOps Lead".into()),
        when: None,
        span: sp(),
    });
    c.audit = Some(Audit {
        fields: vec![
            AuditField::RecordId,
            AuditField::OldValue,
            AuditField::NewValue,
            AuditField::Confidence,
        ],
        span: sp(),
    });
    c.rollback = Some(Rollback {
        keep: Some(90 * 86_400),
        keep_text: Some("90d".into()),
        notify: vec![Approver::RecordOwner],
        span: sp(),
    });
    let d = both(
        &unit,
        mutation(
            "update",
            json!({"Id": "00Q1", "Industry": "Tech"}),
            json!({"Industry": "Retail"}),
        ),
    );
    assert_eq!(d.approvals.len(), 2);
    assert_eq!(d.approvals[0].approver.as_deref(), Some("record.owner"));
    assert_eq!(d.approvals[1].level, "require");
    assert_eq!(d.audit[0].get("old_value"), Some(&json!("***")));
    assert_eq!(d.audit[0].get("record_id"), Some(&json!("00Q1")));
    assert_eq!(d.rollback.previous["Industry"], json!("Tech"));
    assert_eq!(d.rollback.keep.as_deref(), Some("90d"));
}

#[test]
fn values_of_every_kind() {
    let unit = base();
    let industry = ind(&unit);
    let _ = industry;
    // Wrong JSON types, dates in both forms, multipicklists in both forms:
    // whatever they decide, both sides must agree.
    for (k, v) in [
        ("Closed", json!("2026-11-21T23:00:00-02:00")),
        ("Seen", json!("2026-11-20")),
        ("Tags", json!(["B", "A"])),
        ("Tags", json!("A;;B ")),
        ("Score", json!("12")),
        ("OptOut", json!(1)),
        ("Amount", json!(-0.0)),
    ] {
        both(
            &unit,
            mutation("update", json!({ k: v.clone() }), json!({ k: v })),
        );
    }
}

/// The generated cases reach every outcome, ungoverned and governed fields,
/// unknown data, approvals and rollback: otherwise agreement proves little.
#[test]
fn generated_cases_cover_every_kind_of_decision() {
    use std::collections::BTreeSet;
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for seed in 0..200u64 {
        let unit = random_unit(seed);
        let table = compile(&unit).unwrap();
        for i in 0..MUTATIONS_PER_UNIT {
            let json = random_mutation(seed.wrapping_mul(31).wrapping_add(i), &unit);
            let Ok(m) = Mutation::from_value(&json) else {
                continue;
            };
            let Ok(d) = table.decide(&m) else { continue };
            for fd in d.fields.values() {
                seen.insert(format!("field {}", fd.outcome.as_str()));
                seen.insert(format!("governed {}", fd.contract.is_some()));
                if fd.reasons.iter().any(|r| r.contains("unknown")) {
                    seen.insert("unknown data".into());
                }
                if fd.reasons.iter().any(|r| r.contains("missing history of")) {
                    seen.insert("history unknown".into());
                }
            }
            if !d.approvals.is_empty() {
                seen.insert("approvals".into());
            }
            // a provenance rule held or failed on a history the line gave
            let reads_history = format!("{:?}", unit.contracts).contains("SetBy");
            if reads_history && m.history().is_some() {
                seen.insert("history given".into());
            }
            if d.rollback.keep.is_some() {
                seen.insert("rollback".into());
            }
            for e in &d.audit {
                if let Some(g) = e.get("guardrail") {
                    let fd = e
                        .get("field")
                        .and_then(|f| d.fields.get(f.as_str().unwrap_or("")));
                    let unknown = fd.is_some_and(|fd| {
                        fd.reasons
                            .iter()
                            .any(|r| r.contains("its condition unknown"))
                    });
                    seen.insert(format!("guardrail raised, condition unknown {unknown}"));
                    assert!(g.is_string());
                }
                if e.get("sampled").is_some() {
                    let with_id = e.get("field").is_some_and(|f| {
                        d.fields.get(f.as_str().unwrap_or("")).is_some_and(|fd| {
                            fd.reasons.iter().any(|r| r.contains("chosen by record id"))
                        })
                    });
                    seen.insert(format!("sampled with id {with_id}"));
                }
            }
            // a guardrail on a write no contract governs leaves it so
            if !unit.guardrails.is_empty() && d.fields.values().any(|fd| fd.contract.is_none()) {
                seen.insert("guardrail beside an ungoverned write".into());
            }
            let unit_samples = unit.contracts.iter().any(|c| !c.sample.is_empty());
            if unit_samples
                && d.fields
                    .values()
                    .any(|fd| fd.outcome == crmc_eval::Outcome::Auto)
            {
                seen.insert("auto beside a sample".into());
            }
        }
    }
    for kind in [
        "field auto",
        "field review",
        "field escalate",
        "field suggest",
        "field never",
        "governed true",
        "governed false",
        "unknown data",
        "approvals",
        "rollback",
        "sampled with id true",
        "sampled with id false",
        "auto beside a sample",
        "guardrail raised, condition unknown true",
        "guardrail raised, condition unknown false",
        "guardrail beside an ungoverned write",
        "history unknown",
        "history given",
    ] {
        assert!(
            seen.contains(kind),
            "the generator never produced: {kind} (saw {seen:?})"
        );
    }
}

// ---------------------------------------------------------------- a unit the checker built

const PARSED: &str = r#"schema acme {
  object Account { Type: picklist("Customer", "Partner", "Prospect") }
  object Lead {
    Id:        id readonly
    Email:     email
    Industry:  picklist("Banking", "Retail", "Technology")
    Score:     number
    OwnerId:   ref(User) protected
    AccountId: ref(Account)
    OptOut:    bool protected
  }
}

extend object Lead { Fit_Score__c: number sensitive }

exclusion opted_out on Lead when OptOut
exclusion customers on Lead when Account.Type == "Customer"

contract zeta_enrich version 2 {
  object  Lead
  actor   ai "alim"
  trigger on create, update(Industry, Score)
  eligible when Score > 10 or Industry is empty
  exclude opted_out
  exclude customers
  confidence {
    auto   at least 0.90
    review at least 0.60
  }
  fields {
    Industry:     auto when empty, review
    Fit_Score__c: auto when confidence >= 0.95, suggest
    OwnerId:      escalate
    *:            never
  }
  approval {
    review   by record.owner within 24h
    escalate by role "Sales Manager" within 4h
    require  role "RevOps Lead" when Score > 1000
  }
  audit record_id, contract, version, trigger, field, old_value, new_value,
        source, confidence, timestamp, actor
  rollback {
    keep previous values for 90d
    notify record.owner
  }
}

contract alpha_sync {
  object  Lead
  actor   integration "*"
  mode    draft
  trigger on update, delete
  fields {
    Email: review when Email ends with "@acme.example", never
    *:     suggest
  }
}
"#;

/// The same comparison on a unit from the parser and checker (not built by
/// hand), with random mutations.
#[test]
fn checked_unit_from_source_agrees() {
    let parsed = crmc::load::load_text("unit.crmc", PARSED);
    assert!(!parsed.has_errors(), "{:#?}", parsed.diagnostics);
    let (unit, diags) = crmc::check::check(&parsed.file_refs());
    let unit = unit.unwrap_or_else(|| panic!("check failed: {diags:#?}"));
    let table = compile(&unit).unwrap();
    let mut decided = 0;
    for seed in 0..2_000u64 {
        let json = random_mutation(seed, &unit);
        let Ok(m) = Mutation::from_value(&json) else {
            continue;
        };
        agree(
            &unit,
            &table,
            &table,
            &m,
            &json.to_string(),
            &format!("mutation {seed}: {json}"),
        );
        decided += 1;
    }
    assert!(decided > 1_000);
}

/// A cause naming a field its object lacks: the evaluator and the reference
/// refuse it with the same error (the random mutations name only real
/// fields, so this is the case that compares them).
#[test]
fn a_cause_with_an_unknown_field_is_refused_alike() {
    let unit = base();
    let table = compile(&unit).unwrap();
    for cause in [
        json!({"event": "update", "fields": ["Statsu"]}),
        json!({"event": "update", "object": "Lead", "fields": ["Industry", "Nope"]}),
    ] {
        let mut m = mutation(
            "update",
            json!({"Id": "00Q1", "Industry": null}),
            json!({"Industry": "Retail"}),
        );
        m["trigger"] = cause.clone();
        let parsed = Mutation::from_value(&m).unwrap();
        let got = table.decide(&parsed);
        assert!(got.is_err(), "{cause}: {got:?}");
        assert_eq!(got, reference::decide(&unit, &parsed), "{cause}");
        assert!(
            crmc_eval::decide_json(&table, &m.to_string()).is_err(),
            "{cause}"
        );
    }
}

// ---------------------------------------------------------------- guardrails only raise

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// The promise of a guardrail: with it, every target ends at least where
    /// it ended without it, a target no contract governs stays so (`never`,
    /// no contract), and the deciding contract and rule do not change.
    #[test]
    fn guardrails_only_raise(seed in any::<u64>()) {
        let unit = random_unit(seed);
        let mut bare = unit.clone();
        bare.guardrails.clear();
        let (with, without) = (compile(&unit).unwrap(), compile(&bare).unwrap());
        for i in 0..MUTATIONS_PER_UNIT {
            let json = random_mutation(seed.wrapping_add(i), &unit);
            let Ok(m) = Mutation::from_value(&json) else { continue };
            let (Ok(a), Ok(b)) = (with.decide(&m), without.decide(&m)) else { continue };
            prop_assert!(a.outcome >= b.outcome);
            for (name, fb) in &b.fields {
                let fa = &a.fields[name];
                prop_assert!(fa.outcome >= fb.outcome, "{name}: {:?} < {:?}", fa.outcome, fb.outcome);
                prop_assert_eq!(&fa.contract, &fb.contract);
                prop_assert_eq!(&fa.rule, &fb.rule);
                if fb.contract.is_none() {
                    prop_assert_eq!(fa.outcome, O::Never);
                    prop_assert_eq!(&fa.reasons, &fb.reasons);
                }
            }
        }
    }
}
