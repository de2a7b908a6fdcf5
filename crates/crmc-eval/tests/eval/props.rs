use crate::codec::reseal;
use crate::fixture::*;
use crmc_eval::{decide_line, Mutation, Outcome, Table};
use proptest::prelude::*;
use serde_json::{json, Value};

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(|i| json!(i)),
        (-2.0f64..2.0).prop_map(|f| json!(f)),
        prop_oneof![
            Just("Lead".to_string()),
            Just("update".to_string()),
            Just("ai".to_string()),
            Just("2026-11-21T10:00:00Z".to_string()),
            Just("Industry".to_string()),
            "[a-zA-Z0-9 :-]{0,12}",
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("object".to_string()),
                    Just("event".to_string()),
                    Just("actor".to_string()),
                    Just("kind".to_string()),
                    Just("name".to_string()),
                    Just("confidence".to_string()),
                    Just("at".to_string()),
                    Just("record".to_string()),
                    Just("changes".to_string()),
                    Just("parents".to_string()),
                    Just("Industry".to_string()),
                    "[a-z]{1,6}",
                ],
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// `CRMC_PROPS_CASES` raises the case count for long runs.
fn cases() -> u32 {
    std::env::var("CRMC_PROPS_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(256)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn random_bytes_never_panic_the_loader(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = Table::from_bytes(&bytes);
        let mut b = b"CRMC\x01\x00".to_vec();
        b.extend_from_slice(&bytes);
        let _ = Table::from_bytes(&b);
    }

    /// A forged table (body bytes changed, checksum recomputed) either fails
    /// to load or decides without panicking.
    #[test]
    fn forged_tables_load_or_fail_without_panicking(
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4)
    ) {
        let mut bytes = spec_table().to_bytes();
        let body_start = 7 + bytes[6] as usize + 8;
        for (ix, b) in edits {
            let i = body_start + ix.index(bytes.len() - body_start);
            bytes[i] = b;
        }
        reseal(&mut bytes);
        if let Ok(t) = Table::from_bytes(&bytes) {
            let _ = decide_line(&t, &mutation(json!({})).to_string(), 1);
        }
    }

    #[test]
    fn random_json_never_panics_and_never_auto_when_malformed(v in json_value()) {
        let t = spec_table();
        let line = v.to_string();
        let out: Value = serde_json::from_str(&decide_line(&t, &line, 7)).unwrap();
        if Mutation::from_json(&line).is_err() {
            prop_assert_eq!(&out["error"]["line"], &json!(7));
            prop_assert!(out.get("outcome").is_none());
        }
    }

    /// Valid mutations with random record/changes values: never panics,
    /// and dropping a record key never makes a decision more permissive.
    #[test]
    fn missing_data_never_loosens(
        record in prop::collection::btree_map(
            prop::sample::select(vec!["Industry", "Status", "Email", "HasOptedOutOfEmail",
                "AccountId", "NumberOfEmployees", "AnnualRevenue", "LastActivityDate"]),
            json_value(), 0..8),
        drop in prop::sample::select(vec!["Industry", "Status", "Email", "HasOptedOutOfEmail",
            "AccountId", "NumberOfEmployees"]),
        conf in prop::option::of(0.0f64..=1.0),
    ) {
        let t = spec_table();
        let mut rec: serde_json::Map<String, Value> =
            record.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        rec.insert(drop.to_string(), Value::Null);
        let full = json!({"object": "Lead", "event": "update",
            "actor": {"kind": "ai", "name": "alim"}, "confidence": conf,
            "at": "2026-11-21T10:00:00Z", "record": rec.clone(),
            "changes": {"Industry": "X", "NumberOfEmployees": 3, "Rating": "Hot"}});
        let mut partial = full.clone();
        partial["record"].as_object_mut().unwrap().remove(drop);
        let a = t.decide(&Mutation::from_value(&full).unwrap()).unwrap();
        let b = t.decide(&Mutation::from_value(&partial).unwrap()).unwrap();
        for (f, fd) in &a.fields {
            prop_assert!(b.fields[f].outcome >= fd.outcome.min(Outcome::Review),
                "{f}: full {:?} partial {:?}", fd.outcome, b.fields[f].outcome);
            if fd.outcome == Outcome::Auto || b.fields[f].outcome == Outcome::Auto {
                // Unknown data never yields auto unless full data does too.
                prop_assert!(b.fields[f].outcome != Outcome::Auto || fd.outcome == Outcome::Auto);
            }
        }
    }
}
