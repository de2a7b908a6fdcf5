//! `crmc test` as CI meets it: it refuses units that `check`/`build`
//! reject, explains "no contract governs" failures, and writes human, JSON
//! and JUnit reports with filters and rule coverage.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

#[path = "support/cli.rs"]
mod cli_support;

use cli_support::*;
use std::path::PathBuf;

const SCHEMA: &str = r#"schema demo {
  object Lead {
    Email:         email
    Industry:      picklist("Banking", "Technology", "Retail")
    Rating:        picklist("Hot", "Warm", "Cold")
    Status:        picklist("Open", "Closed")
    AnnualRevenue: currency
    OptOut:        bool
  }
}
"#;

/// A contract block for ai `actor` with the given trigger, eligible and fields.
fn contract(name: &str, actor: &str, trigger: &str, extra: &str, fields: &str) -> String {
    format!(
        r#"
contract {name} {{
  object Lead
  actor ai "{actor}"
  trigger {trigger}
  {extra}
  fields {{
    {fields}
  }}
  approval {{
    review   by record.owner within 24h
    escalate by role "Sales Manager" within 4h
  }}
  audit record_id, contract, version, trigger, field, old_value, new_value, source, confidence,
        timestamp, actor
  rollback {{
    keep previous values for 90d
    notify record.owner
  }}
}}
"#
    )
}

/// A test block by ai `actor` changing `change` (`Field to value`).
fn test_block(
    name: &str,
    actor: &str,
    event: &str,
    record: &str,
    change: &str,
    expect: &str,
) -> String {
    format!(
        r#"
test "{name}" {{
  actor ai "{actor}"
  event {event}
  record Lead {{ {record} }}
  change {change}
  expect {expect}
}}
"#
    )
}

#[test]
fn test_refuses_the_broken_example_like_build_does() {
    let root = repo_root();
    let out = crmc(&["test", "examples/broken"], root);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    let err = text(&out.stderr);
    assert!(err.contains("E0501"), "the conflict is printed: {err}");
    assert!(
        text(&out.stdout).contains("1 unit(s) refused for errors"),
        "{}{err}",
        text(&out.stdout)
    );
}

#[test]
fn test_refuses_a_unit_with_an_analysis_error_even_when_its_tests_pass() {
    // Two contracts for the same actor decide Industry differently: E0501.
    let source = format!(
        "{SCHEMA}{}{}{}",
        contract(
            "a",
            "alim",
            "on update",
            "",
            "Industry: auto when empty, review"
        ),
        contract("b", "alim", "on update", "", "Industry: review"),
        test_block(
            "industry",
            "alim",
            "update",
            "Industry: \"Banking\"",
            "Industry to \"Retail\"",
            "review"
        ),
    );
    let dir = unit_dir("conflict", &source);
    let out = crmc(&["test", "unit.crmc"], &dir);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    assert!(text(&out.stderr).contains("E0501"), "{}", text(&out.stderr));
    assert!(
        !text(&out.stdout).contains("ok      industry"),
        "no test runs on a refused unit: {}",
        text(&out.stdout)
    );
}

#[test]
fn test_still_runs_a_unit_with_only_warnings() {
    let source = format!(
        "{SCHEMA}{}{}",
        contract(
            "a",
            "alim",
            "on update",
            "",
            "Rating: review, auto when Rating is empty"
        ),
        test_block(
            "rating",
            "alim",
            "update",
            "Rating: \"Hot\"",
            "Rating to \"Warm\"",
            "review"
        ),
    );
    let dir = unit_dir("warnings", &source);
    let out = crmc(&["test", "unit.crmc"], &dir);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(text(&out.stdout).contains("1 passed, 0 failed"));
}

/// A unit whose one test is decided by no contract, with `contracts` on Lead.
fn ungoverned_output(name: &str, contracts: &str, test: &str) -> String {
    let source = format!("{SCHEMA}{contracts}{test}");
    let dir = unit_dir(name, &source);
    let out = crmc(&["test", "unit.crmc"], &dir);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

#[test]
fn ungoverned_failure_names_a_trigger_that_lists_other_fields() {
    let out = ungoverned_output(
        "closest-trigger",
        &contract("enrich", "alim", "on update(Email)", "", "Industry: auto"),
        &test_block(
            "industry",
            "alim",
            "update",
            "Industry: null",
            "Industry to \"Retail\"",
            "auto",
        ),
    );
    assert!(
        out.contains(
            "closest: contract `enrich` (actor ai \"alim\") did not apply: its trigger is `on update(Email)`, the test changes Industry"
        ),
        "{out}"
    );
}

#[test]
fn ungoverned_failure_names_the_actor_mismatch_and_picks_the_fewest_mismatches() {
    // `far` misses on actor kind and trigger; `near` only on the actor's name.
    let far = contract("far", "x", "on create", "", "Industry: auto")
        .replace("ai \"x\"", "integration \"x\"");
    let near = contract("near", "other", "on update", "", "Industry: auto");
    let out = ungoverned_output(
        "closest-actor",
        &format!("{far}{near}"),
        &test_block(
            "industry",
            "alim",
            "update",
            "Industry: null",
            "Industry to \"Retail\"",
            "auto",
        ),
    );
    assert!(
        out.contains(
            "closest: contract `near` (actor ai \"other\") did not apply: it is for actor ai \"other\", the test's actor is ai \"alim\""
        ),
        "{out}"
    );
}

#[test]
fn ungoverned_failure_names_the_eligible_parts_that_do_not_hold() {
    let out = ungoverned_output(
        "closest-eligible",
        &contract(
            "enrich",
            "alim",
            "on update",
            "eligible when Status == \"Open\" and not OptOut and AnnualRevenue > 10",
            "Industry: auto",
        ),
        &test_block(
            "industry",
            "alim",
            "update",
            "Status: \"Closed\", OptOut: true, Industry: null",
            "Industry to \"Retail\"",
            "auto",
        ),
    );
    assert!(
        out.contains(
            "its `eligible` does not hold: `Status == \"Open\"` is false, `not OptOut` is false, `AnnualRevenue > 10` is unknown"
        ),
        "{out}"
    );
}

#[test]
fn ungoverned_failure_names_the_event_and_a_missing_rule() {
    let create_only = contract("on_create", "alim", "on create", "", "Rating: auto");
    let out = ungoverned_output(
        "closest-event",
        &create_only,
        &test_block(
            "industry",
            "alim",
            "update",
            "Industry: null",
            "Industry to \"Retail\"",
            "auto",
        ),
    );
    assert!(
        out.contains(
            "did not apply: its trigger is `on create`, the test's event is update; it has no rule for `Industry` and no `*` rule"
        ),
        "{out}"
    );
}

/// One passing and one failing test; the failing one's name needs escaping.
fn two_tests_unit(name: &str) -> PathBuf {
    let source = format!(
        "{SCHEMA}{}{}{}",
        contract(
            "enrich",
            "alim",
            "on update",
            "",
            "Industry: auto when empty, review"
        ),
        test_block(
            "empty industry is auto",
            "alim",
            "update",
            "Industry: null",
            "Industry to \"Retail\"",
            "Industry auto"
        ),
        test_block(
            "set industry <is> \\\"auto\\\" & 'wrong'",
            "alim",
            "update",
            "Industry: \"Banking\"",
            "Industry to \"Retail\"",
            "Industry auto"
        ),
    );
    unit_dir(name, &source)
}

#[test]
fn json_report_is_one_document_with_expected_and_actual() {
    let dir = two_tests_unit("json");
    let out = crmc(&["test", "--format", "json", "unit.crmc"], &dir);
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(doc["summary"]["passed"], 1);
    assert_eq!(doc["summary"]["failed"], 1);
    let tests = doc["tests"].as_array().unwrap();
    assert_eq!(tests.len(), 2);
    assert_eq!(tests[0]["status"], "passed");
    let failed = &tests[1];
    assert_eq!(failed["status"], "failed");
    assert_eq!(failed["name"], "set industry <is> \"auto\" & 'wrong'");
    assert_eq!(failed["file"], "unit.crmc");
    assert!(failed["line"].as_u64().unwrap() > 1);
    let e = &failed["expectations"][0];
    assert_eq!(
        (
            e["field"].as_str(),
            e["expected"].as_str(),
            e["actual"].as_str()
        ),
        (Some("Industry"), Some("auto"), Some("review"))
    );
    assert_eq!(failed["fields"]["Industry"]["contract"], "enrich");
    assert_eq!(failed["fields"]["Industry"]["rule"], "Industry#2");
    assert!(failed["fields"]["Industry"]["reasons"].as_array().is_some());
}

/// A minimal XML well-formedness check: tags nest, attribute values and text
/// hold no raw `<` or unescaped `&`.
fn assert_well_formed_xml(xml: &str) {
    let body = xml
        .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        .expect("declaration");
    let mut stack: Vec<String> = Vec::new();
    let mut rest = body;
    let entity_ok = |text: &str| {
        text.match_indices('&').all(|(i, _)| {
            let tail = &text[i..];
            ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"]
                .iter()
                .any(|e| tail.starts_with(e))
                || (tail.starts_with("&#")
                    && tail[2..]
                        .find(';')
                        .is_some_and(|j| tail[2..2 + j].chars().all(|c| c.is_ascii_digit())))
        })
    };
    while let Some(open) = rest.find('<') {
        let text = &rest[..open];
        assert!(entity_ok(text), "bad text {text:?}");
        let close = rest[open..].find('>').expect("tag closes") + open;
        let tag = &rest[open + 1..close];
        assert!(!tag.contains('<'), "raw < in tag {tag:?}");
        let quoted: Vec<&str> = tag.split('"').collect();
        assert!(quoted.len() % 2 == 1, "unbalanced quotes in {tag:?}");
        for v in quoted.iter().skip(1).step_by(2) {
            assert!(entity_ok(v), "bad attribute {v:?}");
        }
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop().as_deref(), Some(name), "mismatched </{name}>");
        } else if !tag.ends_with('/') {
            stack.push(tag.split_whitespace().next().unwrap().to_string());
        }
        rest = &rest[close + 1..];
    }
    assert!(stack.is_empty(), "unclosed {stack:?}");
    assert!(rest.trim().is_empty());
}

#[test]
fn junit_report_is_well_formed_and_escapes_names() {
    let dir = two_tests_unit("junit");
    let out = crmc(&["test", "--format", "junit", "unit.crmc"], &dir);
    assert_eq!(out.status.code(), Some(1));
    let xml = text(&out.stdout);
    assert_well_formed_xml(&xml);
    assert!(
        xml.contains("<testsuites name=\"crmc\" tests=\"2\" failures=\"1\" errors=\"0\""),
        "{xml}"
    );
    assert!(
        xml.contains("<testcase name=\"empty industry is auto\" classname=\"unit.crmc\""),
        "{xml}"
    );
    assert!(
        xml.contains("name=\"set industry &lt;is&gt; &quot;auto&quot; &amp; &apos;wrong&apos;\""),
        "{xml}"
    );
    assert!(
        xml.contains("<failure message=\"expected `Industry` to be `auto`, it is `review`\" type=\"expectation\">"),
        "{xml}"
    );
}

#[test]
fn junit_report_shows_a_refused_unit_as_an_error() {
    let root = repo_root();
    let out = crmc(&["test", "--format", "junit", "examples/broken"], root);
    assert_eq!(out.status.code(), Some(1));
    let xml = text(&out.stdout);
    assert_well_formed_xml(&xml);
    assert!(xml.contains("errors=\"1\""), "{xml}");
    assert!(
        xml.contains("<error message=\"the unit has errors, so its tests did not run\""),
        "{xml}"
    );
    assert!(xml.contains("error[E0501]"), "{xml}");
}

#[test]
fn filter_runs_only_matching_tests_and_counts_the_rest() {
    let dir = two_tests_unit("filter");
    let out = crmc(&["test", "--filter", "empty", "unit.crmc"], &dir);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("ok      empty industry is auto"),
        "{stdout}"
    );
    assert!(!stdout.contains("set industry"), "{stdout}");
    assert!(
        stdout.contains("crmc: 1 passed, 0 failed, 1 filtered out"),
        "{stdout}"
    );

    let json = crmc(
        &[
            "test",
            "--filter",
            "nothing matches",
            "--format",
            "json",
            "unit.crmc",
        ],
        &dir,
    );
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(doc["summary"]["filtered"], 2);
    assert_eq!(doc["tests"].as_array().map(Vec::len), Some(0));
}
