//! Regression tests for the ways a write got past the evaluator (issue 8 §1):
//! each one tries the way in and asserts it is shut.

use crate::codec::reseal;
use crate::fixture::*;
use crmc_eval::table::*;
use crmc_eval::{decide_line, Actor, Decision, Mutation, Table};
use serde_json::{json, Value};

/// The spec contract over enumerated picklists, with `Rating` and
/// `Interests__c` decided `auto` so a bad value would show as a write.
fn strict_table() -> Table {
    let mut fx = Fx::strict();
    let mut c = fx.base("enrich");
    for field in ["Rating", "Interests__c"] {
        let f = fx.f[field];
        let rule = fx.rule(Outcome::Auto, None, 1);
        c.field_rules.retain(|fr| fr.field != f);
        c.field_rules.push(FieldRules {
            field: f,
            rules: vec![rule],
        });
    }
    fx.finish(vec![c])
}

fn line_out(t: &Table, line: &str) -> Value {
    serde_json::from_str(&decide_line(t, line, 1)).unwrap()
}

// ------------------------------------------------------------ create

#[test]
fn create_exclusions_read_the_proposed_values() {
    let t = spec_table();
    // Before: `Email` was absent from the (non-existent) record, read as
    // empty, the competitor exclusion was false and SSN__c came back auto.
    let d = decide(
        &t,
        json!({"event": "create",
               "record": {"Email": "<absent>", "Id": "<absent>"},
               "changes": {"Email": "x@competitor.example", "SSN__c": "1"}}),
    );
    assert_eq!(field(&d, "SSN__c").outcome, Outcome::Never, "{d:#?}");
    assert!(reasons(&d, "SSN__c").contains("exclusion #2 holds"));
    // Opting out in the same create is seen too.
    let d = decide(
        &t,
        json!({"event": "create", "record": {"HasOptedOutOfEmail": "<absent>"},
               "changes": {"HasOptedOutOfEmail": true, "SSN__c": "1"}}),
    );
    assert!(reasons(&d, "SSN__c").contains("exclusion `opted_out` holds"));
}

#[test]
fn create_bare_field_and_new_field_agree() {
    let t = spec_table();
    // `Industry: auto when empty`: the created record has an Industry.
    let d = decide(
        &t,
        json!({"event": "create", "changes": {"Industry": "Technology"}}),
    );
    assert_eq!(field(&d, "Industry").rule.as_deref(), Some("Industry#2"));
}

// ------------------------------------------------------------ strings

#[test]
fn email_matching_ignores_case_and_surrounding_spaces() {
    let t = spec_table();
    for email in [
        "x@COMPETITOR.example",
        "x@Competitor.Example",
        " x@competitor.example ",
    ] {
        let d = decide(
            &t,
            json!({"record": {"Email": email}, "changes": {"SSN__c": "1"}}),
        );
        assert_eq!(field(&d, "SSN__c").outcome, Outcome::Never, "{email}");
    }
}

#[test]
fn the_empty_string_is_empty() {
    let t = spec_table();
    let d = decide(&t, json!({"record": {"Industry": ""}}));
    assert_eq!(field(&d, "Industry").rule.as_deref(), Some("Industry#1"));
    let d = decide(&t, json!({"record": {"Industry": "  "}}));
    assert_eq!(field(&d, "Industry").rule.as_deref(), Some("Industry#1"));
}

// ------------------------------------------------------------ values

fn strict(changes: Value) -> Decision {
    let t = strict_table();
    let m =
        Mutation::from_value(&mutation(json!({"confidence": 0.97, "changes": changes}))).unwrap();
    t.decide(&m).unwrap()
}

#[test]
fn a_proposed_value_that_does_not_fit_its_field_is_never_written() {
    assert_eq!(
        field(&strict(json!({"Rating": "Hot"})), "Rating").outcome,
        Outcome::Auto
    );
    let cases = [
        ("Rating", json!("Scorching"), "allowed values"),
        ("Rating", json!(7), "a string"),
        ("Rating", json!({"a": 1}), "a string"),
        ("Interests__c", json!("A;Z"), "allowed values"),
        ("Interests__c", json!(["A", 1]), "list of strings"),
        ("NumberOfEmployees", json!("eighty"), "whole number"),
        ("NumberOfEmployees", json!([1, 2]), "whole number"),
        ("NumberOfEmployees", json!(5.5), "whole number"),
        ("AnnualRevenue", json!("5000"), "a number"),
        ("SSN__c", json!({"a": 1}), "a string"),
        ("SSN__c", json!(12), "a string"),
        ("Email", json!("not an email"), "email address"),
        ("LastActivityDate", json!("2026-13-01"), "a date"),
        ("LastActivityDate", json!("2026-11-21T10:00:00Z"), "a date"),
        ("CreatedDate", json!("2026-11-21"), "RFC 3339"),
        ("OwnerId", json!("005 x"), "an id"),
        ("HasOptedOutOfEmail", json!("false"), "`true` or `false`"),
    ];
    for (f, v, why) in cases {
        let d = strict(json!({ f: v.clone() }));
        let fd = field(&d, f);
        assert_eq!(fd.outcome, Outcome::Never, "{f} = {v}");
        assert_eq!(fd.contract, None, "{f} = {v}");
        let r = fd.reasons.join(" | ");
        assert!(
            r.contains("proposed value of") && r.contains(why),
            "{f} = {v}: {r}"
        );
        assert_eq!(d.outcome, Outcome::Never);
    }
    // Clearing a field fits every type.
    let d = strict(json!({"Rating": null, "Interests__c": ""}));
    assert_eq!(field(&d, "Rating").outcome, Outcome::Auto);
    assert_eq!(field(&d, "Interests__c").outcome, Outcome::Auto);
}

#[test]
fn both_parse_paths_and_the_api_refuse_misfits_alike() {
    let t = strict_table();
    let m = mutation(json!({"confidence": 0.97, "changes": {"Rating": "Scorching"}}));
    let fast = line_out(&t, &m.to_string());
    // An escape sends the line down the `Value` path.
    let slow_line = m.to_string().replace("Scorching", "Scorch\\u0069ng");
    let slow = line_out(&t, &slow_line);
    assert_eq!(fast["fields"]["Rating"]["outcome"], "never");
    assert_eq!(fast, slow);
    let api = t.decide(&Mutation::from_value(&m).unwrap()).unwrap();
    assert_eq!(serde_json::to_value(&api).unwrap(), fast);
}

// ------------------------------------------------------------ JSON shape

#[test]
fn a_repeated_key_at_any_level_is_an_error() {
    let t = spec_table();
    let base = mutation(json!({})).to_string();
    let cases = [
        // top level: a low confidence hidden behind a high one
        base.replacen(
            "\"confidence\":0.93",
            "\"confidence\":0.1,\"confidence\":0.97",
            1,
        ),
        base.replacen(
            "\"HasOptedOutOfEmail\":false",
            "\"HasOptedOutOfEmail\":true,\"HasOptedOutOfEmail\":false",
            1,
        ),
        base.replacen("\"kind\":\"ai\"", "\"kind\":\"human\",\"kind\":\"ai\"", 1),
        base.replacen("\"name\":\"alim\"", "\"name\":\"x\",\"name\":\"alim\"", 1),
        base.replacen("\"changes\":{", "\"changes\":{\"Industry\":\"A\",", 1),
        base.replacen(
            "\"record\":{",
            "\"parents\":{\"Account\":{\"Type\":\"Customer\",\"Type\":\"Prospect\"}},\"record\":{",
            1,
        ),
        base.replacen(
            "\"record\":{",
            "\"parents\":{\"Account\":{\"Type\":\"Customer\"},\"Account\":{}},\"record\":{",
            1,
        ),
        base.replacen(
            "\"object\":\"Lead\"",
            "\"object\":\"Lead\",\"object\":\"Lead\"",
            1,
        ),
    ];
    for line in cases {
        assert_ne!(line, base);
        let out = line_out(&t, &line);
        let msg = out["error"]["message"].as_str().unwrap_or_default();
        assert!(msg.contains("repeated key"), "{line}\n{out}");
        assert!(Mutation::from_json(&line).is_err());
    }
}

#[test]
fn changes_is_required_and_must_be_an_object() {
    let t = spec_table();
    let mut m = mutation(json!({}));
    m.as_object_mut().unwrap().remove("changes");
    let out = line_out(&t, &m.to_string());
    assert!(out["error"]["message"]
        .as_str()
        .unwrap()
        .contains("missing `changes`"));
    let out = line_out(&t, &mutation(json!({"changes": null})).to_string());
    assert!(out["error"].is_object(), "{out}");
    let out = line_out(&t, &mutation(json!({"changes": {}})).to_string());
    assert_eq!(out["outcome"], "never");
}

#[test]
fn a_delete_carries_no_changes() {
    let t = spec_table();
    for changes in [json!({"*": "x"}), json!({"Industry": "A"})] {
        let out = line_out(
            &t,
            &mutation(json!({"event": "delete", "changes": changes})).to_string(),
        );
        assert!(
            out["error"]["message"]
                .as_str()
                .unwrap()
                .contains("a delete writes no field values"),
            "{out}"
        );
    }
    let out = line_out(
        &t,
        &mutation(json!({"event": "delete", "changes": {}})).to_string(),
    );
    assert_eq!(out["fields"].as_object().unwrap().len(), 1);
    assert_eq!(out["audit"].as_array().unwrap().len(), 1);
}

// ------------------------------------------------------------ the Rust API

#[test]
fn the_builder_refuses_what_the_json_parse_refuses() {
    let actor = Actor {
        kind: ActorKind::Ai,
        name: "alim".into(),
    };
    let b = || Mutation::builder("Lead", Event::Update, actor.clone(), "2026-11-21T10:00:00Z");
    for c in [f64::NAN, 7.0, -0.1, f64::INFINITY] {
        assert!(b().unwrap().confidence(c).is_err(), "{c}");
    }
    assert!(Mutation::builder("Lead", Event::Update, actor.clone(), "yesterday").is_err());
    let m = b().unwrap().confidence(0.95).unwrap().build();
    assert_eq!(m.at_text(), "2026-11-21T10:00:00Z");
    assert_eq!(m.at(), 1_795_255_200);
    // Built and parsed mutations are the same thing.
    let mut changes = serde_json::Map::new();
    changes.insert("Industry".into(), json!("Technology"));
    let built = b()
        .unwrap()
        .confidence(0.93)
        .unwrap()
        .source("enrichment")
        .changes(changes)
        .build();
    let parsed = Mutation::from_value(&json!({"object": "Lead", "event": "update",
        "actor": {"kind": "ai", "name": "alim"}, "confidence": 0.93, "source": "enrichment",
        "at": "2026-11-21T10:00:00Z", "changes": {"Industry": "Technology"}}))
    .unwrap();
    assert_eq!(built, parsed);
}

// ------------------------------------------------------------ crafted tables

fn tampered(edit: impl FnOnce(&mut Table)) -> Result<Table, crmc_eval::LoadError> {
    let mut t = spec_table();
    edit(&mut t);
    let mut bytes = t.to_bytes();
    reseal(&mut bytes);
    Table::from_bytes(&bytes)
}

#[test]
fn a_table_breaking_an_evaluator_invariant_does_not_load() {
    assert!(tampered(|_| {}).is_ok());
    type Edit = Box<dyn FnOnce(&mut Table)>;
    let cases: Vec<(&str, Edit)> = vec![
        (
            "NaN auto threshold",
            Box::new(|t| t.contracts[0].auto_at = Some(f64::NAN)),
        ),
        (
            "NaN review threshold",
            Box::new(|t| t.contracts[0].review_at = Some(f64::NAN)),
        ),
        (
            "negative threshold",
            Box::new(|t| t.contracts[0].auto_at = Some(-1.0)),
        ),
        (
            "threshold above 1",
            Box::new(|t| t.contracts[0].review_at = Some(1.5)),
        ),
        ("emptied index", Box::new(|t| t.index[1][1].clear())),
        (
            "index missing an event",
            Box::new(|t| t.index[1][0].clear()),
        ),
        (
            "index listing a contract for an event it has no trigger for",
            Box::new(|t| t.index[1][2].push(ContractIx(0))),
        ),
        (
            "uppercase email constant",
            Box::new(|t| {
                for s in &mut t.strings {
                    if s == "@competitor.example" {
                        *s = "@COMPETITOR.example".into();
                    }
                }
            }),
        ),
        (
            "infinite number",
            Box::new(|t| {
                for op in &mut t.ops {
                    if let Op::Atom(_, Test::Cmp(_, Const::Num(n))) = op {
                        *n = f64::INFINITY;
                    }
                }
            }),
        ),
        (
            "allowed values on a number field",
            Box::new(|t| {
                let s = t.fields[0].name;
                for f in &mut t.fields {
                    if f.ty == TypeTag::Int {
                        f.values = vec![s];
                    }
                }
            }),
        ),
    ];
    for (what, edit) in cases {
        assert!(tampered(edit).is_err(), "{what} loaded");
    }
}

#[test]
fn both_parse_paths_agree_on_a_lone_surrogate_in_an_ignored_key() {
    // Found by `cargo fuzz run decide_json`: the fast path skipped the
    // actor's extra key without decoding it; the `Value` parse refuses it.
    let t = spec_table();
    let line = mutation(json!({})).to_string().replacen(
        "\"kind\":\"ai\"",
        "\"kind\":\"ai\",\"x\":\"\\ud800\"",
        1,
    );
    assert!(line.contains("\\ud800"), "{line}");
    assert!(Mutation::from_json(&line).is_err());
    let out = line_out(&t, &line);
    assert!(out["error"].is_object(), "{out}");
}

/// Found by a long run of `removing_data_never_loosens`: a create with
/// `parents.Account` a customer (excluded, `never`) but no `AccountId` was
/// `auto` once the parent was dropped, since an empty lookup means "no
/// parent". A parent given beside an empty lookup contradicts itself: an
/// error line, on every event; with the lookup set it is decided.
#[test]
fn a_parent_beside_an_empty_lookup_is_an_error() {
    let t = spec_table();
    let customer = json!({"Account": {"Type": "Customer"}});
    for (event, record, changes) in [
        ("create", json!({}), json!({"Industry": null})),
        (
            "update",
            json!({"AccountId": null}),
            json!({"Industry": null}),
        ),
        (
            "update",
            json!({"AccountId": "  "}),
            json!({"Industry": null}),
        ),
        (
            "create",
            json!({"AccountId": "001A"}),
            json!({"AccountId": null}),
        ),
    ] {
        let m = mutation(json!({"event": event, "record": record, "changes": changes,
                                "parents": customer}));
        let out = line_out(&t, &m.to_string());
        let msg = out["error"]["message"].as_str().unwrap_or_default();
        assert!(
            msg.contains("`parents.Account` is given but `AccountId` is empty"),
            "{event} {record}: {out}"
        );
    }
    // The lookup set (in the record, or in a create's changes): decided.
    for (event, record, changes) in [
        (
            "update",
            json!({"AccountId": "001A"}),
            json!({"Industry": null}),
        ),
        (
            "create",
            json!({}),
            json!({"AccountId": "001A", "Industry": null}),
        ),
    ] {
        let m = mutation(json!({"event": event, "record": record, "changes": changes,
                                "parents": customer}));
        let out = line_out(&t, &m.to_string());
        assert_eq!(out["outcome"], "never", "{event}: {out}");
    }
    // A create that leaves the lookup out (Salesforce derives Task.AccountId
    // from WhatId): the given parent decides; without it the parent is
    // unknown (at least review), not "no parent".
    let mut m = mutation(json!({"event": "create", "changes": {"Industry": null},
                                "parents": customer}));
    m["record"].as_object_mut().unwrap().remove("AccountId");
    assert_eq!(line_out(&t, &m.to_string())["outcome"], "never");
    m.as_object_mut().unwrap().remove("parents");
    let out = line_out(&t, &m.to_string());
    assert_eq!(out["fields"]["Industry"]["outcome"], "review", "{out}");
}

// ------------------------------------------------------------ cause

/// A `"trigger"` that does not say what started the automation is an
/// error, never a decision: read as the write itself (or as matching
/// nothing) it could leave out a contract the complete cause brings in.
#[test]
fn a_malformed_cause_is_an_error_never_a_decision() {
    let t = spec_table();
    let good = decide(
        &t,
        json!({"trigger": {"event": "update", "fields": ["Email"]}}),
    );
    assert_eq!(field(&good, "Industry").outcome, Outcome::Auto, "{good:#?}");
    for bad in [
        json!(null),
        json!("update"),
        json!([]),
        json!({}),
        json!({"event": 1}),
        json!({"event": "Update", "fields": ["Email"]}),
        json!({"event": "update"}),
        json!({"event": "update", "fields": []}),
        json!({"event": "update", "fields": "Email"}),
        json!({"event": "update", "fields": [""]}),
        json!({"event": "update", "fields": [7]}),
        json!({"event": "create", "fields": ["Email"]}),
        json!({"event": "create", "name": "x"}),
        json!({"event": "create", "object": ""}),
        json!({"event": "signal"}),
        json!({"event": "signal", "name": ""}),
        json!({"event": "signal", "name": "x", "fields": ["Email"]}),
        json!({"event": "schedule", "name": 3}),
        json!({"event": "create", "extra": true}),
    ] {
        let m = mutation(json!({ "trigger": bad }));
        assert!(Mutation::from_value(&m).is_err(), "{bad} was accepted");
        let out = line_out(&t, &m.to_string());
        assert!(out["error"].is_object(), "{bad}: {out}");
        assert!(out.get("outcome").is_none(), "{bad}: {out}");
    }
}

/// A misspelt changed field in a cause is an error: read as given, a
/// `trigger on update(Status)` contract would not apply while a `trigger
/// on update` one still does, a looser decision than the right spelling's.
#[test]
fn a_cause_naming_a_field_its_object_lacks_is_an_error() {
    let mut fx = Fx::new();
    let broad = fx.base("broad");
    let mut narrow = fx.base("narrow");
    let (status, industry) = (fx.f["Status"], fx.f["Industry"]);
    narrow.triggers = vec![Trigger::Update(Some(vec![status]))];
    narrow.field_rules.retain(|fr| fr.field != industry);
    narrow.field_rules.push(FieldRules {
        field: industry,
        rules: vec![fx.rule(Outcome::Review, None, 1)],
    });
    let t = fx.finish(vec![broad, narrow]);

    let right = decide(
        &t,
        json!({"trigger": {"event": "update", "fields": ["Status"]}}),
    );
    assert_eq!(
        field(&right, "Industry").outcome,
        Outcome::Review,
        "{right:#?}"
    );
    for cause in [
        json!({"event": "update", "fields": ["Statsu"]}),
        json!({"event": "update", "fields": ["Status", "Statsu"]}),
        json!({"event": "update", "object": "Lead", "fields": ["Statsu"]}),
        json!({"event": "update", "object": "Account", "fields": ["Tpye"]}),
    ] {
        let line = mutation(json!({ "trigger": cause })).to_string();
        let out = line_out(&t, &line);
        let msg = out["error"]["message"].as_str().unwrap_or_default();
        assert!(msg.contains("is not a field of"), "{cause}: {out}");
        let m = Mutation::from_json(&line).unwrap();
        assert!(t.decide(&m).is_err(), "{cause}");
    }
    // A cause of an object the table does not have matches no trigger: no
    // contract governs, and nothing is written.
    let other = decide(
        &t,
        json!({"trigger": {"event": "update", "object": "Task", "fields": ["Statsu"]}}),
    );
    assert_eq!(
        field(&other, "Industry").outcome,
        Outcome::Never,
        "{other:#?}"
    );
}
