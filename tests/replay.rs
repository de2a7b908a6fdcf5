//! `crmc replay`: past writes decided again with a new table, against an
//! old table or against the answers a decision log holds.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

#[path = "support/cli.rs"]
mod cli_support;

use cli_support::*;
use serde_json::{json, Value};
use std::path::Path;

/// `SMALL` with Industry decided `review` instead of `auto`.
fn old_unit() -> String {
    SMALL.replace("Industry: auto", "Industry: review by record.owner")
}

/// Builds `SMALL` to `new.crmct` and `old_unit()` to `old.crmct` in `dir`.
fn tables(dir: &Path) {
    std::fs::write(dir.join("new.crmc"), SMALL).unwrap();
    std::fs::write(dir.join("old.crmc"), old_unit()).unwrap();
    for name in ["new", "old"] {
        let out = crmc(
            &[
                "build",
                &format!("{name}.crmc"),
                "-o",
                &format!("{name}.crmct"),
            ],
            dir,
        );
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    }
}

/// Mutations: an Industry write (review before, auto now), an Email write
/// (never in both), a line that is not JSON, and an unknown object.
fn mutations() -> Vec<String> {
    let with_id = |id: &str, line: &str| line.replacen('{', &format!("{{\"id\":\"{id}\","), 1);
    vec![
        with_id("a", GOOD_LINE),
        with_id(
            "b",
            &GOOD_LINE.replace(
                r#""changes":{"Industry":"Technology"}"#,
                r#""changes":{"Email":"x@y.example"}"#,
            ),
        ),
        "{not json".to_string(),
        GOOD_LINE.replace(r#""object":"Lead""#, r#""object":"Nope""#),
    ]
}

fn json_of(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", text(&out.stdout), text(&out.stderr)))
}

/// `crmc replay ARGS --format json` in `dir`, which must exit 0: its report.
fn replay_json(dir: &Path, args: &[&str]) -> Value {
    let out = crmc(
        &[&["replay"][..], args, &["--format", "json"]].concat(),
        dir,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    json_of(&out)
}

/// The report's counts and transitions, what both modes must agree on.
fn essentials(v: &Value) -> Value {
    json!({
        "lines": v["lines"], "compared": v["compared"], "writes": v["writes"],
        "decisions_changed": v["decisions_changed"],
        "writes_loosened": v["writes_loosened"], "writes_tightened": v["writes_tightened"],
        "without_a_person": v["without_a_person"], "transitions": v["transitions"],
    })
}

#[test]
fn replay_against_an_old_table_lists_each_loosened_write() {
    let dir = workdir("replay-against");
    tables(&dir);
    std::fs::write(dir.join("m.ndjson"), mutations().join("\n") + "\n").unwrap();
    let v = replay_json(
        &dir,
        &["-t", "new.crmct", "--against", "old.crmct", "m.ndjson"],
    );
    assert_eq!(v["lines"], 4);
    assert_eq!(v["compared"], 2);
    assert_eq!(v["errors"]["both"], 2, "{v}");
    assert_eq!(v["decisions_changed"], 1);
    assert_eq!(v["writes"], 2);
    assert_eq!(v["writes_loosened"], 1);
    assert_eq!(v["writes_tightened"], 0);
    assert_eq!(v["without_a_person"], json!({"old": 0.0, "new": 0.5}));
    assert_eq!(
        v["transitions"],
        json!([{
            "direction": "loosened", "from": "review", "to": "auto",
            "object": "Lead", "field": "Industry", "contract": "enrich",
            "writes": 1, "examples": [{"line": 1, "id": "a"}],
        }])
    );

    // the human report says the same
    let human = crmc(
        &[
            "replay",
            "-t",
            "new.crmct",
            "--against",
            "old.crmct",
            "m.ndjson",
        ],
        &dir,
    );
    let h = text(&human.stdout);
    assert!(
        h.contains("review -> auto: 1 write on Lead.Industry (enrich): line 1 (id \"a\")"),
        "{h}"
    );
    assert!(
        h.contains("writes without a person: 0.0% -> 50.0% (of 2 writes)"),
        "{h}"
    );

    // a CI gate: loosening fails it, tightening does not
    let deny = ["--deny", "loosened", "m.ndjson"];
    let loose = crmc(
        &[
            &["replay", "-t", "new.crmct", "--against", "old.crmct"][..],
            &deny,
        ]
        .concat(),
        &dir,
    );
    assert_eq!(loose.status.code(), Some(1), "{}", text(&loose.stderr));
    let tight = crmc(
        &[
            &[
                "replay",
                "-t",
                "old.crmct",
                "--against",
                "new.crmct",
                "--format",
                "json",
            ][..],
            &deny,
        ]
        .concat(),
        &dir,
    );
    assert_eq!(tight.status.code(), Some(0), "{}", text(&tight.stderr));
    let t = json_of(&tight);
    assert_eq!(t["writes_tightened"], 1);
    assert_eq!(t["transitions"][0]["direction"], "tightened");
}

/// A decision-log line as `crmc serve --decision-log` writes it.
fn log_line(input: &str, answer: &str) -> String {
    let input = if serde_json::from_str::<serde::de::IgnoredAny>(input).is_ok() {
        format!("\"input\":{input}")
    } else {
        format!("\"input_text\":{}", Value::String(input.to_string()))
    };
    format!(
        "{{\"time\":\"2026-11-21T10:00:00Z\",\"identity\":null,\"table\":\"00\",\"contracts\":{{}},{input},\"answer\":{answer}}}"
    )
}

#[test]
fn replay_of_a_decision_log_compares_with_the_answers_logged() {
    let dir = workdir("replay-log");
    tables(&dir);
    let lines = mutations();
    let answers = crmc_stdin(
        &["eval", "-t", "old.crmct"],
        &dir,
        (lines.join("\n") + "\n").as_bytes(),
    );
    let answers = text(&answers.stdout);
    let log: Vec<String> = lines
        .iter()
        .zip(answers.lines())
        .map(|(m, a)| log_line(m, a))
        .collect();
    std::fs::write(dir.join("log.ndjson"), log.join("\n") + "\n").unwrap();
    let from_log = replay_json(&dir, &["-t", "new.crmct", "log.ndjson"]);
    std::fs::write(dir.join("m.ndjson"), lines.join("\n") + "\n").unwrap();
    let against = replay_json(
        &dir,
        &["-t", "new.crmct", "--against", "old.crmct", "m.ndjson"],
    );
    assert_eq!(essentials(&from_log), essentials(&against));

    // plain mutations need a table to compare with
    let bare = crmc(&["replay", "-t", "new.crmct", "m.ndjson"], &dir);
    assert_eq!(bare.status.code(), Some(2));
    assert!(
        text(&bare.stderr).contains("--against OLD"),
        "{}",
        text(&bare.stderr)
    );
}

/// A doctored log never yields a decision: an input with a key given twice
/// (which a JSON parser that keeps the last would read as an `Industry`
/// write), a line with two answers, a blank line, an over-long one and one
/// without its input are counted, not compared.
#[test]
fn a_doctored_log_line_is_counted_never_decided() {
    let dir = workdir("replay-doctored");
    tables(&dir);
    let good = mutations().remove(0);
    let answer = text(
        &crmc_stdin(
            &["eval", "-t", "old.crmct"],
            &dir,
            format!("{good}\n").as_bytes(),
        )
        .stdout,
    );
    let answer = answer.trim();
    let twice = good.replacen(
        r#""changes":{"Industry":"Technology"}"#,
        r#""changes":{"Email":"x@y.example"},"changes":{"Industry":"Technology"}"#,
        1,
    );
    let two_answers = log_line(&good, answer).replacen(
        "\"answer\":",
        &format!("\"answer\":{answer},\"answer\":"),
        1,
    );
    let long = log_line(&good.replace("Technology", &"T".repeat(5000)), answer);
    let no_input = format!("{{\"time\":\"2026-11-21T10:00:00Z\",\"answer\":{answer}}}");
    let log = [
        log_line(&twice, answer),
        two_answers,
        String::new(),
        long,
        no_input,
    ]
    .join("\n")
        + "\n";
    std::fs::write(dir.join("log.ndjson"), log).unwrap();
    let v = replay_json(
        &dir,
        &["-t", "new.crmct", "log.ndjson", "--max-line-bytes", "2000"],
    );
    assert_eq!(v["lines"], 5);
    assert_eq!(v["compared"], 0, "{v}");
    assert_eq!(v["transitions"], json!([]));
    assert_eq!(v["errors"]["now_an_error"]["lines"], 1, "{v}");
    assert_eq!(v["unreadable"]["lines"], 4, "{v}");
}
