//! Provenance (`history`, `set by`, `source of`): a malformed history is an
//! error, a field the history does not list is unknown on update (at
//! least review, the reason says which history) and never written on
//! create; `within` counts back from `at`, inclusively; a last write with
//! no source leaves `source of` unknown.

use crate::fixture::*;
use crmc_eval::table::*;
use crmc_eval::{decide_line, Mutation, Table};
use serde_json::{json, Value};

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
    let rule = |o, when, position| RuleRow {
        outcome: o,
        route: None,
        when,
        position,
    };
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
