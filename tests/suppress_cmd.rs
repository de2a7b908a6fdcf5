//! `// crmc: allow(CODE) reason` through the command line: suppressed
//! findings count for no exit status, and JSON and SARIF report them.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output};

fn crmc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crmc"))
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests"))
        .output()
        .expect("crmc runs")
}

const ALLOWED: &str = "ui/suppress/allowed_findings.crmc";
const BARE: &str = "ui/suppress/allow_without_reason.crmc";

#[test]
fn suppressed_warnings_do_not_fail_deny_warnings() {
    let out = crmc(&["check", "--deny", "warnings", ALLOWED]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !err.contains("W0511"),
        "suppressed findings are not shown: {err}"
    );
    assert!(err.contains("crmc: 2 suppressed"), "{err}");
    // Without a reason nothing is suppressed: the same findings fail.
    let bare = crmc(&["check", "--deny", "warnings", BARE]);
    assert_eq!(bare.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bare.stderr).contains("W0701"));
}

#[test]
fn json_and_sarif_report_suppressed_findings() {
    let json = crmc(&["check", "--format", "json", ALLOWED]);
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let w0511 = doc
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "W0511")
        .expect("reported in JSON");
    assert_eq!(
        w0511["suppressed"]["reason"],
        "the importer filters opted-out leads before they reach this contract"
    );

    let sarif = crmc(&["check", "--format", "sarif", ALLOWED]);
    assert_eq!(sarif.status.code(), Some(0));
    let log: serde_json::Value = serde_json::from_slice(&sarif.stdout).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    for r in results {
        let s = &r["suppressions"][0];
        assert_eq!(s["kind"], "inSource", "{r}");
        assert!(
            s["justification"].as_str().is_some_and(|j| !j.is_empty()),
            "{r}"
        );
    }
}

/// An analysis error with a reasoned allow no longer stops `build`/`test`;
/// an unsuppressible type error still does.
#[test]
fn no_comment_lets_a_unit_with_errors_build() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("suppress-conflict");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let conflict = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui/analyze/conflict.crmc"),
    )
    .unwrap();
    let file = dir.join("unit.crmc");
    std::fs::write(&file, &conflict).unwrap();
    let path = file.to_str().unwrap();
    assert_eq!(
        crmc(&["test", path]).status.code(),
        Some(1),
        "the conflict refuses the unit"
    );

    let check = crmc(&["check", "--format", "json", path]);
    let doc: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    let line = doc
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "E0501")
        .map(|d| d["start"]["line"].as_u64().unwrap() as usize)
        .expect("a conflict");
    let mut lines: Vec<String> = conflict.lines().map(String::from).collect();
    lines.insert(
        line - 1,
        "// crmc: allow(E0501) enrich_b's review is the intended outcome".to_string(),
    );
    std::fs::write(&file, lines.join("\n")).unwrap();
    // An error cannot be allowed away: the conflict still refuses the unit.
    let test = crmc(&["test", path]);
    assert_eq!(
        test.status.code(),
        Some(1),
        "{}{}",
        String::from_utf8_lossy(&test.stdout),
        String::from_utf8_lossy(&test.stderr)
    );

    let out = crmc(&["check", "ui/suppress/unsuppressible.crmc"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("W0703") && err.contains("cannot suppress it"),
        "{err}"
    );
}
