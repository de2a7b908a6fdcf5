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
fn test_block(name: &str, actor: &str, event: &str, record: &str, change: &str, expect: &str) -> String {
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
        contract("a", "alim", "on update", "", "Industry: auto when empty, review"),
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
