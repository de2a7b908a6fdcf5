//! A mutation's top-level `id` (a string or an integer) is echoed as the
//! first key of its decision line, and of its error line when the line is
//! JSON that says which `id` it carries (issue 8 §3: a caller matches
//! answers to requests by id, not only by line). Both parse paths (the
//! borrowed fast path and the `Value` path) must say the same.

use crate::fixture::*;
use crmc_eval::{decide_batch, decide_json, decide_line, decide_stream, Mutation, Table};
use serde_json::{json, Value};

/// A spec mutation with `id` set to the given JSON text (spliced in as
/// text, so that escapes, repeats and non-JSON survive).
fn with_id(id_json: &str) -> String {
    let m = mutation(json!({})).to_string();
    format!("{{\"id\":{id_json},{}", m.trim_start_matches('{'))
}

/// The `Value` path only: parse into a `Mutation`, decide, serialize.
fn slow(t: &Table, line: &str) -> Result<String, String> {
    let m = Mutation::from_json(line).map_err(|e| e.message)?;
    let d = t.decide(&m).map_err(|e| e.message)?;
    Ok(serde_json::to_string(&d).unwrap())
}

#[test]
fn a_decision_echoes_the_id_first() {
    let t = spec_table();
    for (id, echoed) in [
        (r#""m-1""#, json!("m-1")),
        ("42", json!(42)),
        ("-7", json!(-7)),
        ("18446744073709551615", json!(u64::MAX)),
        // An escaped string is for the `Value` path: both must agree.
        (r#""m\u002d2 \"q\"""#, json!("m-2 \"q\"")),
        (r#""""#, json!("")),
    ] {
        let line = with_id(id);
        let out = decide_line(&t, &line, 1);
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["id"], echoed, "{line}\n{out}");
        let first_key = format!("{{\"id\":{}", serde_json::to_string(&echoed).unwrap());
        assert!(
            out.starts_with(&first_key),
            "id is not the first key: {out}"
        );
        assert!(v.get("outcome").is_some(), "{out}");
        // The same decision without an id, plus the id.
        let plain = decide_line(&t, &mutation(json!({})).to_string(), 1);
        let mut without: Value = v.clone();
        without.as_object_mut().unwrap().remove("id");
        assert_eq!(without, serde_json::from_str::<Value>(&plain).unwrap());
        // Fast path, `Value` path and the owned `Decision` agree.
        assert_eq!(slow(&t, &line), Ok(out.clone()), "{line}");
        let m = Mutation::from_json(&line).unwrap();
        assert_eq!(m.id(), Some(&echoed));
        assert_eq!(t.decide(&m).unwrap().id, Some(echoed));
    }
}

#[test]
fn without_an_id_nothing_changes() {
    let t = spec_table();
    let line = mutation(json!({})).to_string();
    let out = decide_line(&t, &line, 1);
    assert!(out.starts_with(r#"{"outcome":"#), "{out}");
    let m = Mutation::from_json(&line).unwrap();
    assert_eq!(m.id(), None);
    assert_eq!(t.decide(&m).unwrap().id, None);
}

#[test]
fn an_id_that_is_not_a_string_or_an_integer_is_an_input_error() {
    let t = spec_table();
    for id in ["1.5", "1.0", "1e3", "null", "true", "[1]", r#"{"a":1}"#] {
        let line = with_id(id);
        let out = decide_line(&t, &line, 3);
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(
            v,
            json!({"error": {"line": 3, "message": "`id` must be a string or an integer"}}),
            "{line}"
        );
        assert!(Mutation::from_json(&line).is_err());
        assert!(decide_json(&t, &line).is_err());
    }
}

#[test]
fn a_repeated_id_is_an_input_error_without_an_id() {
    let t = spec_table();
    for ids in [r#""a","id":"a""#, r#""a","id":"b""#, r#"1,"id":2"#] {
        let line = with_id(ids);
        let out = decide_line(&t, &line, 2);
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v.get("id"), None, "an ambiguous id was echoed: {out}");
        let message = v["error"]["message"].as_str().unwrap();
        assert!(message.contains("repeated key `id`"), "{out}");
        assert_eq!(v["error"]["line"], json!(2));
    }
}

#[test]
fn an_error_line_echoes_the_id_when_the_line_says_it() {
    let t = spec_table();
    let m = |over: Value| {
        let mut v = mutation(over);
        v["id"] = json!("req-9");
        v.to_string()
    };
    let cases = [
        (m(json!({"object": "Nope"})), "unknown object `Nope`"),
        (m(json!({"changes": "<absent>"})), "missing `changes`"),
        (m(json!({"confidence": 3})), "`confidence` must be between"),
        (m(json!({"bogus": 1})), "unknown key `bogus`"),
        // A repeated key elsewhere: the line is JSON and its id is clear.
        (
            m(json!({})).replace(
                r#""Industry":"Technology""#,
                r#""Industry":"A","Industry":"B""#,
            ),
            "repeated key `Industry`",
        ),
    ];
    for (line, message) in &cases {
        let out = decide_line(&t, line, 5);
        assert!(
            out.starts_with(r#"{"id":"req-9","error":"#),
            "{line}\n{out}"
        );
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["error"]["line"], json!(5));
        let got = v["error"]["message"].as_str().unwrap();
        assert!(got.contains(message), "{got} lacks {message}");
    }
    // Not JSON (or not an object): no id to echo.
    for line in [
        r#"{"id":"req-9","object":"Lead""#.to_string(),
        r#"["id","req-9"]"#.to_string(),
        r#""req-9""#.to_string(),
        format!("{} trailing", m(json!({}))),
    ] {
        let out = decide_line(&t, &line, 1);
        assert!(out.starts_with(r#"{"error":"#), "{line}\n{out}");
    }
}

#[test]
fn streams_echo_ids_on_both_paths() {
    let t = spec_table();
    let lines = [
        with_id(r#""a""#),
        with_id(r#""b\u0062""#),
        with_id("1.5"),
        "not json".to_string(),
        with_id("3").replace("\"Lead\"", "\"Nope\""),
    ];
    let input = lines.join("\n") + "\n";
    let mut out = Vec::new();
    decide_stream(&t, input.as_bytes(), &mut out).unwrap();
    let out = String::from_utf8(out).unwrap();
    assert_eq!(out.lines().collect::<Vec<_>>(), decide_batch(&t, &input));
    let ids: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["id"].clone())
        .collect();
    assert_eq!(
        ids,
        [json!("a"), json!("bb"), Value::Null, Value::Null, json!(3)]
    );
}

#[test]
fn the_builder_takes_a_valid_id_only() {
    let base = || {
        Mutation::builder(
            "Lead",
            crmc_eval::table::Event::Update,
            crmc_eval::Actor {
                kind: crmc_eval::table::ActorKind::Ai,
                name: "alim".into(),
            },
            "2026-11-21T10:00:00Z",
        )
        .unwrap()
    };
    assert_eq!(
        base().id(json!("x")).unwrap().build().id(),
        Some(&json!("x"))
    );
    assert_eq!(base().id(json!(5)).unwrap().build().id(), Some(&json!(5)));
    for bad in [json!(1.5), json!(null), json!([1]), json!({})] {
        assert!(base().id(bad).is_err());
    }
}
