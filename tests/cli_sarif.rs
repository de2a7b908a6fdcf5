//! `--format sarif` against the SARIF 2.1.0 schema and what code-scanning
//! consumers read: offsets in the unit `columnKind` names, repo-relative
//! URIs, no locations in files the repository does not have, and a valid
//! log even when crmc cannot start.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

#[path = "support/cli.rs"]
mod cli_support;
#[path = "support/json_schema.rs"]
mod json_schema;

use cli_support::*;
use serde_json::Value;

fn schema() -> Value {
    serde_json::from_str(include_str!("fixtures/sarif/sarif-2.1.0-rtm.5.json")).unwrap()
}

/// Parses a SARIF log and checks it against the official schema.
fn valid_log(stdout: &[u8]) -> Value {
    let log: Value = serde_json::from_slice(stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(stdout)));
    let errors = json_schema::validate(&schema(), &log);
    assert!(
        errors.is_empty(),
        "schema violations:\n{}",
        errors.join("\n")
    );
    log
}

/// Every artifact URI of a log, with its base id.
fn uris(log: &Value) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    fn walk(v: &Value, out: &mut Vec<(String, Option<String>)>) {
        match v {
            Value::Object(o) => {
                if let Some(a) = o.get("artifactLocation") {
                    out.push((
                        a["uri"].as_str().unwrap().to_string(),
                        a.get("uriBaseId").map(|b| b.as_str().unwrap().to_string()),
                    ));
                }
                o.values().for_each(|x| walk(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    walk(log, &mut out);
    out
}

/// Text before the error, on its line and above, that is not ASCII: one
/// 2-byte, one 3-byte and one 4-byte (2 UTF-16 units) character each.
const UNICODE: &str = "// Émile’s contract 😀\nschema s { object Lead { Status: picklist(\"Open\", \"Closed\") } }\ncontract c { object Lead actor ai \"é😀\" trigger on update eligible when Status == \"Opne\" fields { *: never } }\n";

fn utf16_len(s: &str) -> u64 {
    s.encode_utf16().count() as u64
}

#[test]
fn sarif_regions_count_in_the_column_kind_unit() {
    let dir = workdir("sarif-unicode");
    std::fs::write(dir.join("u.crmc"), UNICODE).unwrap();
    let out = crmc(&["check", "--format", "sarif", "u.crmc"], &dir);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let log = valid_log(&out.stdout);
    let run = &log["runs"][0];
    assert_eq!(run["columnKind"], "utf16CodeUnits");
    let result = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "E0403")
        .unwrap_or_else(|| panic!("no E0403 in {}", text(&out.stdout)));
    let region = &result["locations"][0]["physicalLocation"]["region"];
    let byte = UNICODE.find("\"Opne\"").unwrap();
    let line_start = UNICODE[..byte].rfind('\n').unwrap() + 1;
    assert_eq!(region["charOffset"], utf16_len(&UNICODE[..byte]));
    assert_eq!(region["charLength"], utf16_len("\"Opne\""));
    assert_eq!(region["startLine"], 3);
    assert_eq!(
        region["startColumn"],
        utf16_len(&UNICODE[line_start..byte]) + 1
    );
    assert_eq!(
        region["endColumn"],
        utf16_len(&UNICODE[line_start..byte + "\"Opne\"".len()]) + 1
    );
    // The offsets select exactly the span's text in UTF-16.
    let units: Vec<u16> = UNICODE.encode_utf16().collect();
    let at = region["charOffset"].as_u64().unwrap() as usize;
    let len = region["charLength"].as_u64().unwrap() as usize;
    assert_eq!(
        String::from_utf16(&units[at..at + len]).unwrap(),
        "\"Opne\""
    );
}

#[test]
fn sarif_uris_are_relative_to_a_base_or_file_uris() {
    let root = workdir("sarif-uris");
    let dir = root.join("repo");
    std::fs::create_dir_all(dir.join("sub dir")).unwrap();
    std::fs::create_dir_all(root.join("outside")).unwrap();
    std::fs::write(dir.join("sub dir/a.crmc"), UNICODE).unwrap();
    std::fs::write(root.join("outside/b.crmc"), UNICODE).unwrap();
    let abs = dir.join("sub dir/a.crmc").display().to_string();
    for arg in ["sub dir/a.crmc", "./sub dir/a.crmc", abs.as_str()] {
        let out = crmc(&["check", "--format", "sarif", arg], &dir);
        let log = valid_log(&out.stdout);
        let all = uris(&log);
        assert!(!all.is_empty());
        for (uri, base) in &all {
            assert_eq!(uri, "sub%20dir/a.crmc", "{arg}");
            assert_eq!(base.as_deref(), Some("%SRCROOT%"), "{arg}");
        }
        let base = log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
            .as_str()
            .unwrap();
        assert!(
            base.starts_with("file:///") && base.ends_with("/repo/"),
            "{base}"
        );
    }
    let out = crmc(&["check", "--format", "sarif", "../outside/b.crmc"], &dir);
    let log = valid_log(&out.stdout);
    for (uri, base) in uris(&log) {
        assert!(
            uri.starts_with("file:///") && uri.ends_with("/outside/b.crmc"),
            "{uri}"
        );
        assert_eq!(base, None);
    }
}

/// A finding whose primary or related span is in the embedded stdlib: no
/// location names `std/…` as a file; its place is told in the message.
#[test]
fn sarif_has_no_locations_in_the_embedded_stdlib() {
    let dir = workdir("sarif-std");
    std::fs::write(
        dir.join("a.crmc"),
        "import \"std/salesforce\"\n\nextend object Lead { Industry: string }\n",
    )
    .unwrap();
    let out = crmc(&["check", "--format", "sarif", "a.crmc"], &dir);
    let log = valid_log(&out.stdout);
    for (uri, _) in uris(&log) {
        assert_eq!(uri, "a.crmc");
    }
    let results = log["runs"][0]["results"].as_array().unwrap();
    let conflict = results
        .iter()
        .find(|r| {
            r["message"]["text"]
                .as_str()
                .unwrap()
                .contains("Lead.Industry")
        })
        .unwrap_or_else(|| panic!("{}", text(&out.stdout)));
    assert!(conflict["message"]["text"]
        .as_str()
        .unwrap()
        .contains("std/salesforce:"));
    assert_eq!(
        conflict["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "a.crmc"
    );
}

#[test]
fn sarif_log_is_written_when_an_input_is_missing() {
    let dir = workdir("sarif-missing");
    let out = crmc(&["check", "--format", "sarif", "nope.crmc"], &dir);
    assert_eq!(out.status.code(), Some(2));
    let log = valid_log(&out.stdout);
    let inv = &log["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    let note = &inv["toolExecutionNotifications"][0];
    assert_eq!(note["level"], "error");
    assert!(
        note["message"]["text"]
            .as_str()
            .unwrap()
            .contains("nope.crmc"),
        "{note}"
    );
    assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
    assert!(text(&out.stderr).contains("nope.crmc"));

    std::fs::write(dir.join("lead.crmc"), SMALL).unwrap();
    let built = crmc(
        &[
            "build",
            "missing.crmc",
            "--format",
            "sarif",
            "-o",
            "t.crmct",
        ],
        &dir,
    );
    assert_eq!(built.status.code(), Some(2));
    valid_log(&built.stdout);
}

#[test]
fn sarif_is_schema_valid_and_names_no_foreign_domain() {
    let dir = workdir("sarif-clean");
    std::fs::write(dir.join("lead.crmc"), SMALL).unwrap();
    for args in [
        &["check", "--format", "sarif", "lead.crmc"][..],
        &["build", "--format", "sarif", "lead.crmc", "-o", "t.crmct"],
    ] {
        let out = crmc(args, &dir);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            text(&out.stderr)
        );
        let log = valid_log(&out.stdout);
        let s = log.to_string();
        assert!(
            !s.contains("helpUri") && !s.contains("crmc.dev"),
            "{args:?}"
        );
        assert_eq!(
            log["runs"][0]["invocations"][0]["executionSuccessful"],
            true
        );
    }
}
