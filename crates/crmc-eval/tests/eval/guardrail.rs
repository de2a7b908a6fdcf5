//! Guardrails: a floor applied after the contracts combine. It raises a
//! governed target, names itself in the reasons and the audit entry,
//! applies when its condition is unknown (failing closed), never governs a
//! write no contract governs, and a crafted guardrail is a load error.

use crate::fixture::*;
use crmc_eval::table::*;
use crmc_eval::{decide_line, Table};
use serde_json::{json, Value};

/// The spec contract plus one guardrail on Lead for `ai` actors named
/// `name` (`None`: any), with `Industry: at least review` and, when
/// `star`, `*: never`.
fn guarded(name: Option<&str>, when: Option<Vec<Op>>, star: bool) -> Table {
    let mut fx = Fx::new();
    let c = fx.base("inbound_lead_enrichment");
    let g = GuardrailRow {
        name: fx.b.intern("people_pick_industries"),
        object: fx.lead,
        actor_kind: ActorKind::Ai,
        actor_name: name.map(|n| fx.b.intern(n)),
        when: when.map(|w| fx.b.cond(w)),
        floors: vec![FieldFloor {
            field: fx.f["Industry"],
            outcome: Outcome::Review,
        }],
        star: star.then_some(Outcome::Never),
        reason: Some(fx.b.intern("industry is chosen by a person")),
    };
    fx.b.guardrail(g);
    fx.finish(vec![c])
}

fn decide_json(t: &Table, over: Value) -> Value {
    let line = mutation(over).to_string();
    serde_json::from_str(&decide_line(t, &line, 1)).unwrap()
}

fn entry<'v>(out: &'v Value, field: &str) -> &'v Value {
    out["audit"]
        .as_array()
        .and_then(|a| a.iter().find(|e| e["field"] == field))
        .unwrap_or(&Value::Null)
}

#[test]
fn a_guardrail_raises_a_governed_write_and_says_so() {
    // without it, the spec's enrichment of an empty Industry is `auto`
    let plain = decide_json(&spec_table(), json!({}));
    assert_eq!(plain["fields"]["Industry"]["outcome"], "auto", "{plain}");
    for name in [None, Some("alim")] {
        let out = decide_json(&guarded(name, None, false), json!({}));
        let fd = &out["fields"]["Industry"];
        assert_eq!(fd["outcome"], "review", "{out}");
        // the contract and rule that decided are still named
        assert_eq!(fd["contract"], "inbound_lead_enrichment");
        assert_eq!(fd["rule"], "Industry#1");
        let reasons = fd["reasons"].to_string();
        assert!(
            reasons.contains(
                "guardrail `people_pick_industries`: industry is chosen by a person, at least review"
            ),
            "{reasons}"
        );
        assert_eq!(
            entry(&out, "Industry")["guardrail"],
            "people_pick_industries"
        );
        assert_eq!(out["outcome"], "review");
        // a person is asked: the contract's review route
        assert!(!out["approvals"].as_array().unwrap().is_empty(), "{out}");
    }
}

#[test]
fn another_actor_name_is_not_guarded() {
    let out = decide_json(&guarded(Some("bob"), None, false), json!({}));
    assert_eq!(out["fields"]["Industry"]["outcome"], "auto", "{out}");
    assert!(entry(&out, "Industry").get("guardrail").is_none());
}

#[test]
fn an_unknown_condition_applies_the_guardrail() {
    // `LastActivityDate is set`: the record does not carry it (unknown)
    let when = vec![atom(
        Subject::Field(Fx::new().f["LastActivityDate"]),
        Test::IsSet,
    )];
    let t = guarded(None, Some(when.clone()), false);
    let out = decide_json(&t, json!({}));
    let fd = &out["fields"]["Industry"];
    assert_eq!(fd["outcome"], "review", "{out}");
    assert!(
        fd["reasons"]
            .to_string()
            .contains("(its condition unknown: missing record field `LastActivityDate`)"),
        "{fd}"
    );
    // known and false: it does not apply
    let out = decide_json(&t, json!({ "record": { "LastActivityDate": null } }));
    assert_eq!(out["fields"]["Industry"]["outcome"], "auto", "{out}");
}

#[test]
fn a_guardrail_never_governs_an_ungoverned_write() {
    let t = guarded(None, None, true);
    // carol has no contract: nothing governs her write, the guardrail
    // does not make it governed (it stays `never`, for the same reason)
    let out = decide_json(&t, json!({ "actor": { "kind": "ai", "name": "carol" } }));
    let fd = &out["fields"]["Industry"];
    assert_eq!(fd["outcome"], "never", "{out}");
    assert!(fd["contract"].is_null());
    assert_eq!(fd["reasons"], json!(["no contract governs"]));
    assert!(entry(&out, "Industry").get("guardrail").is_none());
    // a field the schema lacks stays refused as such
    let out = decide_json(&t, json!({ "changes": { "Ghost__c": 1 } }));
    assert!(
        out["fields"]["Ghost__c"]["reasons"]
            .to_string()
            .contains("is not a field"),
        "{out}"
    );
}

#[test]
fn the_star_floor_covers_the_other_fields() {
    let t = guarded(None, None, true);
    let changes =
        json!({ "changes": { "Industry": "Technology", "Status": "Open - Not Contacted" } });
    // the contract reviews a Status change; `*: never` raises it
    let plain = decide_json(&spec_table(), changes.clone());
    assert_eq!(plain["fields"]["Status"]["outcome"], "review", "{plain}");
    let out = decide_json(&t, changes);
    assert_eq!(out["fields"]["Industry"]["outcome"], "review", "{out}");
    assert_eq!(out["fields"]["Status"]["outcome"], "never", "{out}");
    assert!(out["fields"]["Status"]["reasons"]
        .to_string()
        .contains("guardrail `people_pick_industries`: industry is chosen by a person, never"));
    assert_eq!(out["outcome"], "never");
}

/// A rewrite of a table's guardrail (the table as built beside it).
type Craft = dyn FnOnce(&mut GuardrailRow, &Table);

/// A table with its guardrail rewritten by `f`, through the bytes.
fn crafted(
    f: impl FnOnce(&mut GuardrailRow, &Table),
) -> Result<Table, crmc_eval::codec::LoadError> {
    let mut t = guarded(None, None, false);
    let snapshot = t.clone();
    f(&mut t.guardrails[0], &snapshot);
    Table::from_bytes(&t.to_bytes())
}

#[test]
fn a_crafted_guardrail_is_a_load_error() {
    assert!(crafted(|_, _| {}).is_ok());
    let cases: Vec<(&str, Box<Craft>)> = vec![
        ("auto", Box::new(|g, _| g.floors[0].outcome = Outcome::Auto)),
        ("star auto", Box::new(|g, _| g.star = Some(Outcome::Auto))),
        ("no floors", Box::new(|g, _| g.floors.clear())),
        (
            "field of another object",
            Box::new(|g, t| {
                let account = t.object_by_name("Account").unwrap();
                let o = t.object(account).unwrap();
                g.floors[0].field = FieldIx(o.fields_start);
            }),
        ),
        (
            "unsorted",
            Box::new(|g, _| {
                let f = g.floors[0].clone();
                g.floors.insert(
                    0,
                    FieldFloor {
                        field: FieldIx(f.field.0 + 1),
                        ..f
                    },
                );
            }),
        ),
        (
            "object out of range",
            Box::new(|g, _| g.object = ObjectIx(99)),
        ),
        (
            "reason out of range",
            Box::new(|g, _| g.reason = Some(StrId(1 << 30))),
        ),
        (
            "condition out of range",
            Box::new(|g, _| {
                g.when = Some(CondRange {
                    start: 1 << 30,
                    len: 1,
                })
            }),
        ),
    ];
    for (what, f) in cases {
        assert!(crafted(f).is_err(), "{what} loaded");
    }
}
