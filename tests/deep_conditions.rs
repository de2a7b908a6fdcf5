//! Conditions that are very long or very deeply nested must not exhaust the
//! stack anywhere in the front end (parse, check, analyze, compile, the
//! reference interpreter, fmt). Each case runs on a thread with a small stack
//! so that recursion proportional to the input really fails the test.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use crmc::pipeline::{self, Depth};
use crmc::source::MemoryProvider;
use serde_json::json;
use std::path::PathBuf;

/// Far less than the 8 MB of a main thread: a walk that recurses once per
/// atom of a 6,000-atom chain does not fit.
const SMALL_STACK: usize = 256 * 1024;

fn unit(cond: &str) -> String {
    format!(
        r#"schema S {{
  object Lead {{
    Score: number
    Rating: string
  }}
}}

contract c {{
  object Lead
  actor integration "x"
  owner "a@b.example"
  mode conditional_write
  trigger on update
  eligible when {cond}
  fields {{
    Rating: auto
  }}
}}
"#
    )
}

/// What the front end made of `text`: the codes of its errors, and for a
/// clean unit the outcome the table and the reference give one mutation.
#[derive(Debug)]
struct Run {
    codes: Vec<String>,
    decisions: Option<(String, String)>,
    formatted: Result<String, Vec<String>>,
}

fn run(text: String) -> Run {
    std::thread::Builder::new()
        .stack_size(SMALL_STACK)
        .spawn(move || {
            let provider = MemoryProvider::new().with("unit.crmc", text.clone());
            let front =
                pipeline::run(&[PathBuf::from("unit.crmc")], &provider, Depth::Analyze).unwrap();
            let codes = front
                .diagnostics
                .iter()
                .filter(|d| d.severity == crmc::diagnostics::Severity::Error)
                .map(|d| d.code.to_string())
                .collect();
            let decisions = front.checked.as_ref().map(|unit| {
                let table = crmc::compile::compile(unit).expect("a checked unit compiles");
                let m = crmc_eval::Mutation::from_value(&json!({
                    "object": "Lead",
                    "event": "update",
                    "at": "2026-01-01T00:00:00Z",
                    "actor": {"kind": "integration", "name": "x"},
                    "record": {"Score": 7000, "Rating": "a"},
                    "changes": {"Rating": "b"}
                }))
                .unwrap();
                let got = table.decide(&m).unwrap();
                let want = crmc::reference::decide(unit, &m).unwrap();
                (format!("{:?}", got.outcome), format!("{:?}", want.outcome))
            });
            let formatted = crmc::fmt::format_source(&text)
                .map_err(|ds| ds.iter().map(|d| d.code.to_string()).collect());
            Run {
                codes,
                decisions,
                formatted,
            }
        })
        .unwrap()
        .join()
        .expect("the front end ran without overflowing its stack")
}

fn clean(cond: &str) {
    let r = run(unit(cond));
    assert_eq!(r.codes, Vec::<String>::new(), "{r:?}");
    let (table, reference) = r.decisions.expect("a clean unit is checked");
    assert_eq!(table, reference);
    let formatted = r.formatted.expect("formats");
    // Formatting is stable: the formatted text formats to itself.
    assert_eq!(run(formatted.clone()).formatted.unwrap(), formatted);
}

fn chain(op: &str) -> String {
    (0..6000)
        .map(|i| format!("Score > {i}"))
        .collect::<Vec<_>>()
        .join(&format!(" {op} "))
}

#[test]
fn a_6000_atom_and_chain_is_checked_compiled_and_formatted() {
    clean(&chain("and"));
}

#[test]
fn a_6000_atom_or_chain_is_checked_compiled_and_formatted() {
    clean(&chain("or"));
}

#[test]
fn a_chain_of_mixed_and_or_is_fine() {
    let cond = (0..6000)
        .map(|i| format!("Score > {i}"))
        .enumerate()
        .map(|(i, a)| {
            if i == 0 {
                a
            } else if i % 3 == 0 {
                format!(" or {a}")
            } else {
                format!(" and {a}")
            }
        })
        .collect::<String>();
    clean(&cond);
}

#[test]
fn a_few_nots_and_parentheses_are_fine() {
    clean("not not (not (Score > 1 and (Score < 10 or Rating == \"x\")))");
}

#[test]
fn six_thousand_nots_are_a_coded_error() {
    let r = run(unit(&format!("{}Score > 1", "not ".repeat(6000))));
    assert_eq!(r.codes, ["E0113"], "{r:?}");
    assert!(r.decisions.is_none());
    assert_eq!(r.formatted.unwrap_err(), ["E0113"]);
}

#[test]
fn nots_inside_parentheses_count_together() {
    // 60 `not`s and 10 parentheses: 70 levels. (Few parentheses, so the
    // grammar's own recursion stays well inside the small stack.)
    let cond = format!(
        "{}Score > 1{}",
        "not not not not not not (".repeat(10),
        ")".repeat(10)
    );
    let r = run(unit(&cond));
    assert_eq!(r.codes, ["E0113"], "{r:?}");
}

#[test]
fn six_thousand_nested_parentheses_are_a_coded_error() {
    let cond = format!("{}Score > 1{}", "(".repeat(6000), ")".repeat(6000));
    let r = run(unit(&cond));
    assert_eq!(r.codes, ["E0112"], "{r:?}");
    assert_eq!(r.formatted.unwrap_err(), ["E0112"]);
}

#[test]
fn six_thousand_nested_braces_are_a_coded_error() {
    let text = format!("{}{}", "{".repeat(6000), "}".repeat(6000));
    let r = run(text);
    assert_eq!(r.codes, ["E0112"], "{r:?}");
}

#[test]
fn a_6000_exclusion_chain_is_fine() {
    // A long `or` in a named exclusion is read by the analyzer negated.
    let text = unit("Score > 1").replace(
        "contract c {",
        &format!(
            "exclusion big on Lead when {}\n\ncontract c {{",
            chain("or")
        ),
    );
    let text = text.replace("  fields {", "  exclude big\n  fields {");
    let r = run(text);
    assert_eq!(r.codes, Vec::<String>::new(), "{r:?}");
}
