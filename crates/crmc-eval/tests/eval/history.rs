//! Provenance (`history`, `set by`, `source of`): a malformed history is an
//! error, a field the history does not list is unknown on update (at
//! least review, the reason says which history) and never written on
//! create; `within` counts back from `at`, inclusively; a last write with
//! no source leaves `source of` unknown.

use crate::fixture::*;
use crmc_eval::table::*;
use crmc_eval::{decide_line, Mutation, Table};
use serde_json::{json, Value};

/// A rule with no route.
fn rule(outcome: Outcome, when: Option<CondRange>, position: u32) -> RuleRow {
    RuleRow {
        outcome,
        route: None,
        when,
        position,
    }
}

/// The spec contract with `Industry: review when set by KIND [name]
/// [within N], auto` (and `Rating: review when source of Rating in
/// ("IMPORT"), auto`).
fn table(kind: ActorKind, name: Option<&str>, within: Option<i64>) -> Table {
    let mut fx = Fx::new();
    let mut c = fx.base("inbound_lead_enrichment");
    let industry = fx.f["Industry"];
    let rating = fx.f["Rating"];
    let name = name.map(|n| fx.b.intern(n));
    let set_by = fx.b.cond(vec![Op::SetBy {
        field: industry,
        kind,
        name,
        within,
    }]);
    let import = fx.b.intern("IMPORT");
    let set = fx.b.set(&[Const::Str(import)]);
    let from_import = fx.b.cond(vec![atom(
        Subject::HistSource(rating),
        Test::In {
            set,
            negated: false,
        },
    )]);
    for fr in &mut c.field_rules {
        if fr.field == industry {
            fr.rules = vec![
                rule(Outcome::Review, Some(set_by), 1),
                rule(Outcome::Auto, None, 2),
            ];
        }
        if fr.field == rating {
            fr.rules = vec![
                rule(Outcome::Review, Some(from_import), 1),
                rule(Outcome::Auto, None, 2),
            ];
        }
    }
    fx.finish(vec![c])
}

fn line(over: Value) -> String {
    mutation(over).to_string()
}

fn decided(t: &Table, over: Value) -> Value {
    serde_json::from_str(&decide_line(t, &line(over), 1)).unwrap()
}

fn industry(t: &Table, history: Value) -> (String, String) {
    let d = decided(t, json!({ "history": history }));
    let fd = &d["fields"]["Industry"];
    (
        fd["outcome"].as_str().unwrap_or("").to_string(),
        fd["reasons"].to_string(),
    )
}

fn by(kind: &str, name: &str, at: &str) -> Value {
    json!({"actor": {"kind": kind, "name": name}, "at": at, "source": "CRM_UI"})
}

#[test]
fn set_by_reads_the_last_write() {
    let t = table(ActorKind::Human, None, None);
    let human = json!({ "Industry": by("human", "jane", "2026-10-02T09:00:00Z") });
    assert_eq!(industry(&t, human).0, "review");
    let ai = json!({ "Industry": by("ai", "vera", "2026-10-02T09:00:00Z") });
    assert_eq!(industry(&t, ai).0, "auto");
    // never written
    assert_eq!(industry(&t, json!({ "Industry": null })).0, "auto");
    // not listed, on update: unknown, at least review, and the reason says
    let (o, why) = industry(&t, json!({}));
    assert_eq!(o, "review");
    assert!(why.contains("missing history of `Industry`"), "{why}");
    let no_key = decided(&t, json!({}));
    assert_eq!(no_key["fields"]["Industry"]["outcome"], "review");
    // on create there was no earlier write: never written
    let created = decided(&t, json!({ "event": "create" }));
    assert_eq!(
        created["fields"]["Industry"]["outcome"], "auto",
        "{created}"
    );
}

#[test]
fn a_name_and_a_window_narrow_it() {
    let named = table(ActorKind::Human, Some("jane"), None);
    assert_eq!(
        industry(
            &named,
            json!({ "Industry": by("human", "jane", "2026-10-02T09:00:00Z") })
        )
        .0,
        "review"
    );
    assert_eq!(
        industry(
            &named,
            json!({ "Industry": by("human", "bob", "2026-10-02T09:00:00Z") })
        )
        .0,
        "auto"
    );
    // within 1 day of `at` (2026-11-21T10:00:00Z), the edge included
    let recent = table(ActorKind::Human, None, Some(86_400));
    for (at, want) in [
        ("2026-11-20T10:00:00Z", "review"),
        ("2026-11-20T09:59:59Z", "auto"),
        ("2026-11-21T10:00:00Z", "review"),
        // a write the history dates after `at` counts as recent
        ("2026-11-22T00:00:00Z", "review"),
    ] {
        let h = json!({ "Industry": by("human", "jane", at) });
        assert_eq!(industry(&recent, h).0, want, "{at}");
    }
}

#[test]
fn source_of_reads_where_the_last_write_came_from() {
    let t = table(ActorKind::Human, None, None);
    let rating = |history: Value| {
        let d = decided(
            &t,
            json!({ "changes": { "Rating": "Hot" }, "history": history }),
        );
        let fd = d["fields"]["Rating"].clone();
        (
            fd["outcome"].as_str().unwrap_or("").to_string(),
            fd["reasons"].to_string(),
        )
    };
    let import = json!({"actor": {"kind": "human", "name": "j"}, "at": "2026-10-02T09:00:00Z",
                        "source": "IMPORT"});
    assert_eq!(rating(json!({ "Rating": import })).0, "review");
    assert_eq!(
        rating(json!({ "Rating": by("human", "j", "2026-10-02T09:00:00Z") })).0,
        "auto"
    );
    assert_eq!(rating(json!({ "Rating": null })).0, "auto");
    // a last write without a source: unknown, and the reason says why
    let bare = json!({"actor": {"kind": "human", "name": "j"}, "at": "2026-10-02T09:00:00Z"});
    let (o, why) = rating(json!({ "Rating": bare }));
    assert_eq!(o, "review");
    assert!(
        why.contains("history of `Rating` (its last write has no `source`)"),
        "{why}"
    );
}

#[test]
fn a_malformed_history_is_an_error_never_a_decision() {
    let t = table(ActorKind::Human, None, None);
    let cases = [
        json!([]),
        json!("CRM_UI"),
        json!({ "Industry": "human" }),
        json!({ "Industry": {"actor": {"kind": "bot", "name": "x"}, "at": "2026-10-02T09:00:00Z"} }),
        json!({ "Industry": {"actor": {"kind": "human"}, "at": "2026-10-02T09:00:00Z"} }),
        json!({ "Industry": {"actor": {"kind": "human", "name": "x"}} }),
        json!({ "Industry": {"actor": {"kind": "human", "name": "x"}, "at": "yesterday"} }),
        json!({ "Industry": {"actor": {"kind": "human", "name": "x"}, "at": "2026-10-02T09:00:00Z",
                             "source": 7} }),
        json!({ "Industry": {"actor": {"kind": "human", "name": "x", "role": "admin"},
                             "at": "2026-10-02T09:00:00Z"} }),
        json!({ "Industry": {"actor": {"kind": "human", "name": "x"}, "at": "2026-10-02T09:00:00Z",
                             "by": "jane"} }),
        // a name the object lacks
        json!({ "Induststry": null }),
    ];
    for h in cases {
        let out: Value =
            serde_json::from_str(&decide_line(&t, &line(json!({ "history": h.clone() })), 1))
                .unwrap();
        assert!(out.get("error").is_some(), "{h} decided: {out}");
    }
    // and repeated keys inside it
    let text = line(json!({})).replacen(
        "\"object\"",
        "\"history\":{\"Industry\":null,\"Industry\":null},\"object\"",
        1,
    );
    assert!(Mutation::from_json(&text).is_err());
}

#[test]
fn both_parse_paths_decide_a_history_alike() {
    let t = table(ActorKind::Human, None, Some(90 * 86_400));
    let l = line(json!({ "history": { "Industry": by("human", "jane", "2026-10-02T09:00:00Z") } }));
    let m = Mutation::from_json(&l).unwrap();
    assert!(m.history().is_some());
    let slow = serde_json::to_string(&t.decide(&m).unwrap()).unwrap();
    assert_eq!(decide_line(&t, &l, 1), slow);
    assert!(slow.contains("\"outcome\":\"review\""), "{slow}");
}

/// `Industry: auto when set by ai, review` and the spec's other rules: a
/// rule that lets a write through on provenance.
fn permissive() -> Table {
    let mut fx = Fx::new();
    let mut c = fx.base("inbound_lead_enrichment");
    let industry = fx.f["Industry"];
    let by_ai = fx.b.cond(vec![Op::SetBy {
        field: industry,
        kind: ActorKind::Ai,
        name: None,
        within: Some(30 * 86_400),
    }]);
    for fr in &mut c.field_rules {
        if fr.field == industry {
            fr.rules = vec![
                rule(Outcome::Auto, Some(by_ai), 1),
                rule(Outcome::Review, None, 2),
            ];
        }
    }
    fx.finish(vec![c])
}

fn last_write() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        (
            prop_oneof![Just("human"), Just("ai"), Just("integration")],
            prop_oneof![Just("2026-11-20T10:00:00Z"), Just("2026-06-01T00:00:00Z")],
            proptest::option::of(prop_oneof![Just("IMPORT"), Just("CRM_UI")]),
        )
            .prop_map(|(kind, at, source)| {
                let mut w = json!({"actor": {"kind": kind, "name": "x"}, "at": at});
                if let Some(s) = source {
                    w["source"] = json!(s);
                }
                w
            }),
    ]
}

use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Removing a field's entry from the history (or its `source`, or the
    /// whole history) never makes an update or a delete more permissive.
    #[test]
    fn less_history_is_never_more_permissive(
        industry in last_write(),
        rating in last_write(),
        event in prop_oneof![Just("update"), Just("delete")],
        which in 0usize..4,
    ) {
        let changes = if event == "delete" { json!({}) } else {
            json!({ "Industry": "Technology", "Rating": "Hot" })
        };
        let complete = json!({ "Industry": industry, "Rating": rating });
        let mut damaged = complete.clone();
        match which {
            0 => { damaged.as_object_mut().unwrap().remove("Industry"); }
            1 => { damaged.as_object_mut().unwrap().remove("Rating"); }
            2 => {
                if let Some(w) = damaged["Rating"].as_object_mut() { w.remove("source"); }
            }
            _ => damaged = Value::Null,
        }
        for t in [table(ActorKind::Human, None, None), permissive()] {
            let over = |h: &Value| json!({ "event": event, "changes": changes, "history": h });
            let a = decided(&t, over(&complete));
            let b = decided(&t, over(&damaged));
            prop_assert!(a.get("error").is_none() && b.get("error").is_none(), "{a}\n{b}");
            for (f, fa) in a["fields"].as_object().unwrap() {
                let rank = |v: &Value| ["auto", "review", "escalate", "suggest", "never"]
                    .iter()
                    .position(|o| v["outcome"] == *o)
                    .unwrap();
                let (ra, rb) = (rank(fa), rank(&b["fields"][f]));
                prop_assert!(rb != 0 || ra == 0, "{f}: auto only without history\n{a}\n{b}");
                prop_assert!(rb >= ra.min(1), "{f}: below review without history\n{a}\n{b}");
            }
        }
    }
}

/// A rewrite of a table's provenance op.
type Rewrite<'a> = dyn Fn(&mut Op) + 'a;

#[test]
fn a_crafted_provenance_op_is_a_load_error() {
    let t = permissive();
    let craft = |f: &Rewrite<'_>| {
        let mut t = t.clone();
        for op in &mut t.ops {
            if matches!(op, Op::SetBy { .. }) {
                f(op);
            }
        }
        Table::from_bytes(&t.to_bytes())
    };
    assert!(craft(&|_| {}).is_ok());
    let account_field = {
        let o = t.object(t.object_by_name("Account").unwrap()).unwrap();
        FieldIx(o.fields_start)
    };
    let cases: [(&str, &Rewrite<'_>); 4] = [
        ("another object's field", &|op| {
            if let Op::SetBy { field, .. } = op {
                *field = account_field;
            }
        }),
        ("a name out of range", &|op| {
            if let Op::SetBy { name, .. } = op {
                *name = Some(StrId(1 << 30));
            }
        }),
        ("a zero window", &|op| {
            if let Op::SetBy { within, .. } = op {
                *within = Some(0);
            }
        }),
        ("a negative window", &|op| {
            if let Op::SetBy { within, .. } = op {
                *within = Some(-86_400);
            }
        }),
    ];
    for (what, f) in cases {
        assert!(craft(f).is_err(), "{what} loaded");
    }
}
