//! Review samples (`sample N% for review`): the share is the documented
//! hash, a write without a record id is sampled, the sample only ever
//! raises `auto` to `review`, and a crafted rate is a load error.

use crate::fixture::*;
use crmc_eval::sample::{bucket, sampled};
use crmc_eval::table::*;
use crmc_eval::{decide_line, Table};
use serde_json::{json, Value};

/// The spec contract (`Industry: auto when empty`, ...) sampling `rate`
/// of every field.
fn sampled_table(rate: u32) -> Table {
    let mut fx = Fx::new();
    let mut c = fx.base("inbound_lead_enrichment");
    c.sample = SampleRow {
        all: Some(rate),
        fields: vec![],
    };
    fx.finish(vec![c])
}

fn industry(t: &Table, record: Value) -> (Outcome, Value) {
    let line = mutation(json!({ "record": record })).to_string();
    let out: Value = serde_json::from_str(&decide_line(t, &line, 1)).unwrap();
    let o = match out["fields"]["Industry"]["outcome"].as_str() {
        Some("auto") => Outcome::Auto,
        Some("review") => Outcome::Review,
        other => panic!("Industry decided {other:?}: {out}"),
    };
    let entry = out["audit"]
        .as_array()
        .and_then(|a| a.iter().find(|e| e["field"] == "Industry").cloned())
        .unwrap_or(Value::Null);
    (o, entry)
}

#[test]
fn the_share_sampled_is_the_hash_of_the_record_id() {
    let t = sampled_table(2_500);
    let mut seen = [0usize; 2];
    for n in 0..400 {
        let id = format!("00Q{n:05}");
        // the fixture's contract is version 3
        let want = bucket(&id, "inbound_lead_enrichment", 3, "Industry") < 2_500;
        let (o, entry) = industry(&t, json!({ "Id": id }));
        assert_eq!(o == Outcome::Review, want, "{id}");
        assert_eq!(
            entry.get("sampled") == Some(&json!(true)),
            want,
            "{id}: {entry}"
        );
        seen[usize::from(want)] += 1;
    }
    // both sides of a 25% sample occur among 400 ids
    assert!(seen[0] > 200 && seen[1] > 50, "{seen:?}");
}

#[test]
fn a_write_without_a_text_record_id_is_sampled() {
    // at 0.01% practically every record with an id goes through
    let t = sampled_table(1);
    let (o, entry) = industry(&t, json!({ "Id": "00Q1" }));
    assert_eq!(o, Outcome::Auto, "{entry}");
    assert!(entry.get("sampled").is_none());
    for id in [
        json!("<absent>"),
        json!(""),
        json!(null),
        json!(17),
        json!(["00Q1"]),
    ] {
        let line = mutation(json!({ "record": { "Id": id } })).to_string();
        let out: Value = serde_json::from_str(&decide_line(&t, &line, 1)).unwrap();
        // refused outright is as strict; a decision must review
        if out.get("error").is_some() {
            continue;
        }
        assert_eq!(
            out["fields"]["Industry"]["outcome"], "review",
            "{id}: {out}"
        );
        let why = out["fields"]["Industry"]["reasons"].to_string();
        assert!(why.contains("the record has no id"), "{why}");
    }
}

#[test]
fn a_sample_never_lowers_and_never_touches_a_stricter_outcome() {
    // Industry already set: `Industry: auto when empty` falls to its later
    // rules, which do not decide auto; the sample changes nothing there.
    let plain = spec_table();
    let all = sampled_table(10_000);
    for record in [
        json!({ "Industry": "Retail" }),
        json!({ "Id": "<absent>", "Industry": "Retail" }),
        json!({ "HasOptedOutOfEmail": true }),
    ] {
        let line = mutation(json!({ "record": record })).to_string();
        let a: Value = serde_json::from_str(&decide_line(&plain, &line, 1)).unwrap();
        let b: Value = serde_json::from_str(&decide_line(&all, &line, 1)).unwrap();
        for (f, d) in a["fields"].as_object().unwrap() {
            let (x, y) = (&d["outcome"], &b["fields"][f]["outcome"]);
            if x == "auto" {
                assert_eq!(y, "review", "{f}: {b}");
            } else {
                assert_eq!(x, y, "{f}: {b}");
            }
        }
    }
    assert!(sampled(None, "c", 1, "F", 1));
}

#[test]
fn a_crafted_sample_rate_is_a_load_error() {
    let good = sampled_table(500);
    let lead_field = good.contracts[0].field_rules[0].field;
    let crafted: [fn(&mut SampleRow, FieldIx); 4] = [
        |s, _| s.all = Some(0),
        |s, _| s.all = Some(10_001),
        |s, f| {
            s.fields = vec![
                FieldSample { field: f, rate: 5 },
                FieldSample { field: f, rate: 6 },
            ]
        },
        |s, _| {
            s.fields = vec![FieldSample {
                field: FieldIx(u32::MAX),
                rate: 5,
            }]
        },
    ];
    for (i, craft) in crafted.iter().enumerate() {
        let mut t = good.clone();
        craft(&mut t.contracts[0].sample, lead_field);
        let err = Table::from_bytes(&t.to_bytes()).expect_err("a crafted table loads");
        assert!(
            err.to_string().contains("sample") || err.to_string().contains("field"),
            "{i}: {err}"
        );
    }
    assert!(Table::from_bytes(&good.to_bytes()).is_ok());
}
