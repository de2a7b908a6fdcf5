//! Ways around the evaluator through the NDJSON stream (issue 8 §6): a line
//! built from a mutation that decides `auto`, altered so that it is no
//! longer one valid mutation, must get an error line, never a decision, and
//! the lines after it must still be answered on their own line numbers.

use crate::fixture::*;
use crmc_eval::{decide_line, decide_stream, Mutation};
use serde_json::{json, Value};

/// The spec's mutation, which decides `auto`.
fn good() -> String {
    mutation(json!({})).to_string()
}

fn stream(input: &[u8]) -> Vec<Value> {
    let t = spec_table();
    let mut out = Vec::new();
    decide_stream(&t, input, &mut out).unwrap();
    String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect()
}

/// `bad` between two good lines: error, and the good lines decided.
fn assert_error_between_goods(what: &str, bad: &[u8]) -> Value {
    let g = good();
    let mut input = g.as_bytes().to_vec();
    input.push(b'\n');
    input.extend_from_slice(bad);
    input.push(b'\n');
    input.extend_from_slice(g.as_bytes());
    input.push(b'\n');
    let got = stream(&input);
    assert_eq!(got.len(), 3, "{what}: {got:?}");
    assert_eq!(got[0]["outcome"], "auto", "{what}");
    assert_eq!(got[2]["outcome"], "auto", "{what}");
    assert!(
        got[1].get("outcome").is_none(),
        "{what}: decided {}",
        got[1]
    );
    assert_eq!(got[1]["error"]["line"], 2, "{what}: {}", got[1]);
    got[1]["error"]["message"].clone()
}

#[test]
fn the_base_line_decides_auto() {
    let t = spec_table();
    let v: Value = serde_json::from_str(&decide_line(&t, &good(), 1)).unwrap();
    assert_eq!(v["outcome"], "auto");
}

#[test]
fn a_byte_order_mark_is_an_error_line_with_a_hint() {
    let g = good();
    // At the start of the stream (a file saved "with BOM") and mid-stream.
    let mut input = "\u{feff}".as_bytes().to_vec();
    input.extend_from_slice(g.as_bytes());
    input.push(b'\n');
    input.extend_from_slice(g.as_bytes());
    let got = stream(&input);
    assert_eq!(got.len(), 2);
    assert!(got[0].get("outcome").is_none(), "a BOM line decided");
    let m = got[0]["error"]["message"].as_str().unwrap();
    assert!(m.contains("byte order mark"), "{m}");
    assert_eq!(got[1]["outcome"], "auto");
    let m = assert_error_between_goods("BOM", format!("\u{feff}{g}").as_bytes());
    assert!(m.as_str().unwrap().contains("byte order mark"), "{m}");
}

#[test]
fn nul_bytes_anywhere_are_error_lines() {
    let g = good();
    let at_end = format!("{g}\0");
    let at_start = format!("\0{g}");
    let in_string = g.replace("Technology", "Tech\0nology");
    let in_key = g.replace(
        "\"Industry\":\"Technology\"",
        "\"Indus\0try\":\"Technology\"",
    );
    for (what, bad) in [
        ("nul after", at_end),
        ("nul before", at_start),
        ("nul in a string", in_string),
        ("nul in a key", in_key),
        ("only a nul", "\0".to_string()),
    ] {
        assert_error_between_goods(what, bad.as_bytes());
    }
}

#[test]
fn json_that_is_not_an_object_is_an_error_line() {
    let g = good();
    for bad in [
        format!("[{g}]"),
        format!("\"{}\"", g.replace('"', "\\\"")),
        "0".to_string(),
        "-1.5e3".to_string(),
        "true".to_string(),
        "null".to_string(),
        "\"\"".to_string(),
        "[]".to_string(),
        "{}".to_string(),
    ] {
        let m = assert_error_between_goods(&bad, bad.as_bytes());
        assert!(Mutation::from_json(&bad).is_err());
        let _ = m;
    }
}

#[test]
fn two_documents_or_trailing_bytes_on_one_line_are_an_error_line() {
    let g = good();
    for (what, bad) in [
        ("two objects", format!("{g}{g}")),
        ("two objects, space", format!("{g} {g}")),
        ("a bare CR between", format!("{g}\r{g}")),
        ("trailing comma", format!("{g},")),
        ("trailing NBSP", format!("{g}\u{a0}")),
        ("trailing VT", format!("{g}\u{b}")),
        ("trailing FF", format!("{g}\u{c}")),
        ("trailing LS", format!("{g}\u{2028}")),
        ("trailing comment", format!("{g} // ok")),
        ("truncated", g[..g.len() - 1].to_string()),
    ] {
        assert_error_between_goods(what, bad.as_bytes());
    }
}

#[test]
fn crlf_and_json_whitespace_around_a_line_still_decide_it() {
    // Not a way past: the same mutation, decided the same.
    let g = good();
    let input = format!(" \t{g} \t\r\n{g}\r\n");
    let got = stream(input.as_bytes());
    assert_eq!(got.len(), 2);
    assert_eq!(got[0], got[1]);
    assert_eq!(got[0]["outcome"], "auto");
}

#[test]
fn deep_nesting_is_an_error_line_not_a_stack_overflow() {
    let g = good();
    for depth in [129, 1_000, 400_000] {
        let deep = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        for (what, bad) in [
            (
                "in record",
                g.replace("\"Industry\":null", &format!("\"Industry\":{deep}")),
            ),
            ("in changes", g.replace("\"Technology\"", &deep)),
            (
                "in parents",
                g.replace(
                    "\"record\"",
                    &format!("\"parents\":{{\"Account\":{{\"Type\":{deep}}}}},\"record\""),
                ),
            ),
            ("in an id", format!("{{\"id\":{deep},{}", &g[1..])),
            (
                "unclosed",
                format!("{{\"id\":1,\"record\":{}", "{\"a\":".repeat(depth)),
            ),
        ] {
            let m = assert_error_between_goods(what, bad.as_bytes());
            let _ = m;
        }
    }
}

#[test]
fn keys_that_differ_only_by_escapes_are_the_same_key() {
    let g = good();
    for (what, bad) in [
        (
            "record key",
            g.replace(
                "\"Industry\":null",
                "\"Industry\":null,\"Indus\\u0074ry\":\"Banking\"",
            ),
        ),
        (
            "changes key",
            g.replace(
                "\"Industry\":\"Technology\"",
                "\"Industry\":\"Technology\",\"\\u0049ndustry\":\"Banking\"",
            ),
        ),
        (
            "top-level key",
            g.replace(
                "\"confidence\":0.93",
                "\"confidence\":0.93,\"confidenc\\u0065\":0.99",
            ),
        ),
        ("id", format!("{{\"id\":1,\"\\u0069d\":2,{}", &g[1..])),
    ] {
        let m = assert_error_between_goods(what, bad.as_bytes());
        assert!(m.as_str().unwrap().contains("repeated key"), "{what}: {m}");
    }
    // An escaped key alone is that key.
    let escaped = format!("{{\"\\u0069d\":\"e\",{}", &g[1..]);
    let got = stream(escaped.as_bytes());
    assert_eq!(got[0]["id"], "e");
    assert_eq!(got[0]["outcome"], "auto");
}

#[test]
fn non_json_numbers_and_bad_escapes_are_error_lines() {
    let g = good();
    for (what, bad) in [
        ("NaN", g.replace("0.93", "NaN")),
        ("Infinity", g.replace("0.93", "Infinity")),
        ("overflow", g.replace("0.93", "1e400")),
        ("hex", g.replace("0.93", "0x1")),
        ("leading zero", g.replace("0.93", "00.93")),
        ("lone surrogate", g.replace("Technology", "Tech\\ud800")),
        ("bad escape", g.replace("Technology", "Tech\\x41")),
        ("single quotes", g.replace("\"Technology\"", "'Technology'")),
    ] {
        assert_error_between_goods(what, bad.as_bytes());
    }
}

/// A line of many changes (names the schema lacks, each `never` with no
/// contract, whose audit entries carry their reasons): the JSON writer
/// says what the owned decision says. The writer once searched all the
/// targets per audit entry (quadratic: 76 s for one 650 KB line of 60,000
/// changes in a debug build, 0.9 s now); this pins its output.
#[test]
fn a_line_of_many_changes_decides_as_the_owned_decision_says() {
    let t = spec_table();
    let mut changes = serde_json::Map::new();
    for i in 0..20_000 {
        changes.insert(format!("k{i}"), json!(i));
    }
    changes.insert("Industry".into(), json!("Technology"));
    let line = mutation(json!({ "changes": changes })).to_string();
    let out = decide_line(&t, &line, 1);
    let d = t.decide(&Mutation::from_json(&line).unwrap()).unwrap();
    assert_eq!(out, serde_json::to_string(&d).unwrap());
    assert_eq!(d.audit.len(), 20_001);
    let k7 = d
        .audit
        .iter()
        .find(|a| a.get("field") == Some(&json!("k7")))
        .unwrap();
    assert_eq!(
        k7.get("reasons"),
        Some(&json!(["`k7` is not a field of `Lead`, never"]))
    );
}

/// One kept [`Evaluator`] answering line by line (what `crmc serve` and the
/// Python package do) writes exactly `decide_stream`'s lines, whatever came
/// before on its buffers: decisions, error lines, blank and too-long lines.
#[test]
fn decide_line_into_on_one_evaluator_answers_as_decide_stream() {
    use crmc_eval::{Evaluator, LineAnswer};
    let table = crate::golden::table();
    let mut r = crate::golden::Lcg(23);
    let mut lines: Vec<String> = (0..1500)
        .map(|_| crate::golden::mutation(&mut r).to_string())
        .collect();
    let bad = [
        String::new(),
        "\u{3000}".to_string(),
        "{\"id\":7,\"object\":\"Nope\"}".to_string(),
        "{\"object\":\"Lead\",\"object\":\"Lead\"}".to_string(),
        "x".repeat(crmc_eval::DEFAULT_MAX_LINE_BYTES + 1),
        "[1]".to_string(),
    ];
    for (i, b) in bad.iter().enumerate() {
        lines.insert(i * 211, b.clone());
    }
    let input = lines.join("\n") + "\n";
    let mut want = Vec::new();
    crmc_eval::decide_stream(&table, input.as_bytes(), &mut want).unwrap();
    let want: Vec<&[u8]> = want.split(|b| *b == b'\n').collect();
    let mut ev = Evaluator::new(&table);
    let mut out = b"kept".to_vec();
    let (mut decided, mut errors) = (0, 0);
    for (i, line) in lines.iter().enumerate() {
        out.truncate(4);
        let answer = ev.decide_line_into(line, i + 1, &mut out);
        assert_eq!(&out[..4], b"kept", "appends, never clears");
        assert_eq!(&out[4..], want[i], "line {}", i + 1);
        let v: Value = serde_json::from_slice(&out[4..]).unwrap();
        match answer {
            LineAnswer::Decided(o) => {
                assert_eq!(v["outcome"], o.as_str(), "line {}", i + 1);
                decided += 1;
            }
            LineAnswer::Error => {
                assert!(v.get("error").is_some(), "line {}", i + 1);
                errors += 1;
            }
        }
    }
    assert!(decided > 1000, "{decided}");
    assert!(errors >= bad.len(), "{errors}");
}
