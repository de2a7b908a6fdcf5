//! `crmc test` as CI meets it: it refuses units that `check`/`build`
//! reject, explains "no contract governs" failures, and writes human, JSON
//! and JUnit reports with filters and rule coverage.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn crmc(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crmc"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("crmc runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A fresh directory holding one file `unit.crmc` with `source`.
fn unit_dir(name: &str, source: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("test-cmd-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("unit.crmc"), source).unwrap();
    dir
}

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
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
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
