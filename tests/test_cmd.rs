//! `crmc test` as CI meets it: it refuses units that `check`/`build`
//! reject, explains "no contract governs" failures, and writes human, JSON
//! and JUnit reports with filters and rule coverage.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

#[path = "support/cli.rs"]
mod cli_support;

use cli_support::*;
use std::path::PathBuf;
use std::process::Output;

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

// ------------------------------------------------------------- coverage

/// Nine coverage items: `eligible` applied and not applied, one exclusion,
/// one threshold, three field rules, a conditional `*` rule and the default
/// `never`.
fn coverage_contract() -> String {
    contract(
        "enrich",
        "alim",
        "on update",
        "eligible when Status == \"Open\"\n  exclude when Email ends with \"@competitor.example\"\n  confidence { auto at least 0.8 }",
        "Industry: auto when empty, review\n    Rating: review\n    *: review when AnnualRevenue > 100",
    )
}

/// A passing test block by ai "alim" with a confidence.
fn coverage_case(name: &str, confidence: &str, record: &str, change: &str, expect: &str) -> String {
    format!(
        r#"
test "{name}" {{
  actor ai "alim"
  event update
  confidence {confidence}
  record Lead {{ {record} }}
  change {change}
  expect {expect}
}}
"#
    )
}

const OPEN: &str = "Status: \"Open\", Email: \"a@b.example\", Industry: null, AnnualRevenue: 50";

/// Only reaches `eligible` (applied) and `Industry: auto when empty`.
fn empty_industry_case() -> String {
    coverage_case(
        "empty industry",
        "0.9",
        OPEN,
        "Industry to \"Retail\"",
        "Industry auto",
    )
}

/// Every item but `Industry: review` and `Rating: review`.
fn all_but_two_cases() -> String {
    [
        empty_industry_case(),
        coverage_case(
            "competitor",
            "0.9",
            "Status: \"Open\", Email: \"x@competitor.example\", Industry: null",
            "Industry to \"Retail\"",
            "Industry never",
        ),
        coverage_case(
            "star rule",
            "0.9",
            "Status: \"Open\", Email: \"a@b.example\", AnnualRevenue: 200",
            "AnnualRevenue to 500",
            "AnnualRevenue review",
        ),
        coverage_case(
            "default never",
            "0.9",
            OPEN,
            "OptOut to true",
            "OptOut never",
        ),
        coverage_case(
            "low confidence",
            "0.5",
            OPEN,
            "Industry to \"Retail\"",
            "Industry review",
        ),
        coverage_case(
            "closed lead",
            "0.9",
            "Status: \"Closed\", Email: \"a@b.example\", Industry: null",
            "Industry to \"Retail\"",
            "Industry never",
        ),
    ]
    .concat()
}

/// The 1-based line of `source` that contains `needle`.
fn line_of(source: &str, needle: &str) -> usize {
    source.lines().position(|l| l.contains(needle)).unwrap() + 1
}

/// Writes the coverage contract with `cases` to a fresh `unit.crmc` and
/// runs `crmc test ARGS unit.crmc` on it.
fn run_coverage(name: &str, cases: &str, args: &[&str]) -> (String, PathBuf, Output) {
    let source = format!("{SCHEMA}{}{cases}", coverage_contract());
    let dir = unit_dir(name, &source);
    let args: Vec<&str> = ["test"]
        .iter()
        .chain(args)
        .chain(&["unit.crmc"])
        .copied()
        .collect();
    let out = crmc(&args, &dir);
    (source, dir, out)
}

#[test]
fn coverage_lists_the_rules_no_test_reached_with_file_line_and_text() {
    let (source, dir, out) =
        run_coverage("coverage-listing", &empty_industry_case(), &["--coverage"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("ok      empty industry"), "{stdout}");
    let listing = &stdout[stdout.find("coverage (").expect("a coverage listing")..];
    assert!(
        listing.contains("contract enrich: 2/9 rules reached; not reached:"),
        "{listing}"
    );
    let industry = line_of(&source, "Industry: auto when empty");
    for (line, text) in [
        (industry, "`Industry: review`"),
        (line_of(&source, "Rating: review"), "`Rating: review`"),
        (
            line_of(&source, "*: review when"),
            "`*: review when AnnualRevenue > 100`",
        ),
        (
            line_of(&source, "exclude when"),
            "`exclude when Email ends with \"@competitor.example\"`",
        ),
        (
            line_of(&source, "eligible when"),
            "`eligible when Status == \"Open\"` not applied",
        ),
        (
            line_of(&source, "auto at least"),
            "`confidence auto at least 0.8` never capped",
        ),
        (
            line_of(&source, "fields {"),
            "the default `never` (a changed field no rule holds for)",
        ),
    ] {
        let want = format!("    unit.crmc:{line}: {text}\n");
        assert!(listing.contains(&want), "missing {want:?} in\n{listing}");
    }
    // Reached items are not listed.
    assert!(!listing.contains("auto when empty`"), "{listing}");
    assert!(!listing.contains("` applied"), "{listing}");
    assert!(
        listing.ends_with("crmc: coverage 22.2% (2 of 9 rules reached)\n"),
        "{listing}"
    );

    // `--quiet` keeps the gaps; `--filter` says what it left out.
    let both = format!(
        "{source}{}",
        all_but_two_cases().replace("\"empty industry\"", "\"again\"")
    );
    std::fs::write(dir.join("unit.crmc"), both).unwrap();
    let out = crmc(
        &["test", "-q", "--coverage", "--filter", "again", "unit.crmc"],
        &dir,
    );
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(!stdout.contains("ok "), "{stdout}");
    assert!(stdout.contains("`Industry: review`"), "{stdout}");
    assert!(
        stdout.contains("note: only the tests that ran count: --filter left out 6"),
        "{stdout}"
    );
    assert!(
        stdout.contains("crmc: coverage 22.2% (2 of 9 rules reached)"),
        "{stdout}"
    );
}

#[test]
fn coverage_counts_star_rules_exclusions_eligible_thresholds_and_the_default() {
    let (_, dir, out) = run_coverage(
        "coverage-kinds",
        &all_but_two_cases(),
        &["--coverage", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["summary"]["passed"], 6);
    let cov = &doc["coverage"];
    assert_eq!(
        (cov["reached"].as_u64(), cov["total"].as_u64()),
        (Some(7), Some(9))
    );
    assert_eq!(cov["counted_by"], "reference interpreter");
    assert_eq!(cov["disagreements"].as_array().map(Vec::len), Some(0));
    let contract = &cov["contracts"][0];
    assert_eq!(contract["contract"], "enrich");
    assert_eq!(contract["file"], "unit.crmc");
    let rules: Vec<(String, String, Vec<String>)> = contract["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let tests = r["tests"].as_array().unwrap().iter();
            (
                r["kind"].as_str().unwrap().to_string(),
                r["text"].as_str().unwrap().to_string(),
                tests.map(|t| t.as_str().unwrap().to_string()).collect(),
            )
        })
        .collect();
    let reached_by = |text: &str| -> Vec<String> {
        rules
            .iter()
            .find(|r| r.1.contains(text))
            .unwrap_or_else(|| panic!("no item {text}: {rules:?}"))
            .2
            .clone()
    };
    assert_eq!(reached_by("`*: review when"), ["star rule"]);
    assert_eq!(reached_by("`exclude when"), ["competitor"]);
    assert_eq!(reached_by("default `never`"), ["default never"]);
    assert_eq!(reached_by("` not applied"), ["closed lead"]);
    assert_eq!(reached_by("confidence auto"), ["low confidence"]);
    // The excluded test reached no rule: an exclusion decides before them.
    assert_eq!(
        reached_by("`Industry: auto when empty`"),
        ["empty industry", "low confidence"]
    );
    assert!(reached_by("`Industry: review`").is_empty());
    assert!(reached_by("`Rating: review`").is_empty());
    let kinds: Vec<&str> = rules.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "eligible_applied",
            "eligible_not_applied",
            "exclusion",
            "confidence_auto",
            "default_never",
            "rule",
            "rule",
            "rule",
            "star_rule"
        ]
    );

    assert_eq!(cov["percent"], 77.78);

    // Without --coverage the report has no coverage object.
    let plain = crmc(&["test", "--format", "json", "unit.crmc"], &dir);
    let doc: serde_json::Value = serde_json::from_slice(&plain.stdout).unwrap();
    assert!(doc.get("coverage").is_none(), "{doc}");
}

#[test]
fn min_coverage_fails_a_passing_run_below_the_gate() {
    // 7 of 9 rules: 77.8 %.
    let cases = all_but_two_cases();
    let run = |pct: &str, format: &str| {
        let args = ["--min-coverage", pct, "--format", format];
        run_coverage("coverage-gate", &cases, &args).2
    };

    let met = run("77", "human");
    let stdout = text(&met.stdout);
    assert_eq!(met.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("crmc: coverage 77.8% (7 of 9 rules reached), meets --min-coverage 77%"),
        "{stdout}"
    );

    for pct in ["78", "80%", "100"] {
        let below = run(pct, "human");
        let stdout = text(&below.stdout);
        assert_eq!(below.status.code(), Some(1), "{pct}: {stdout}");
        assert!(stdout.contains("6 passed, 0 failed"), "{stdout}");
        assert!(stdout.contains(", below --min-coverage"), "{stdout}");
        assert!(
            stdout.contains("`Industry: review`"),
            "the gap is listed: {stdout}"
        );
    }

    let json = run("80", "json");
    assert_eq!(json.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(doc["coverage"]["below_min_coverage"], true);
    assert_eq!(doc["coverage"]["min_coverage"], 80.0);
    assert!(
        text(&json.stderr)
            .contains("coverage 77.8% (7 of 9 rules reached) is below --min-coverage 80%"),
        "{}",
        text(&json.stderr)
    );

    for bad in ["101", "100.5", "eighty", "NaN", "inf"] {
        let out = run(bad, "human");
        assert_eq!(out.status.code(), Some(2), "{bad}: {}", text(&out.stderr));
        assert!(text(&out.stderr).contains("is not a percentage from 0 to 100"));
    }
}

#[test]
fn coverage_with_junit_keeps_stdout_xml_and_lists_the_gaps_on_stderr() {
    let (_, _, out) = run_coverage(
        "coverage-junit",
        &empty_industry_case(),
        &["--coverage", "--format", "junit"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let xml = text(&out.stdout);
    assert_well_formed_xml(&xml);
    assert!(
        xml.contains("<property name=\"crmc.coverage.reached\" value=\"2\"/>")
            && xml.contains("<property name=\"crmc.coverage.total\" value=\"9\"/>")
            && xml.contains("<property name=\"crmc.coverage.percent\" value=\"22.2\"/>"),
        "{xml}"
    );
    let err = text(&out.stderr);
    assert!(
        err.contains("contract enrich: 2/9 rules reached; not reached:"),
        "{err}"
    );
    assert!(err.contains("`Industry: review`"), "{err}");

    // The gate holds with junit too, and says so where people look.
    let (_, _, gated) = run_coverage(
        "coverage-junit-gate",
        &empty_industry_case(),
        &["--min-coverage", "50", "--format", "junit"],
    );
    assert_eq!(gated.status.code(), Some(1));
    assert_well_formed_xml(&text(&gated.stdout));
    let err = text(&gated.stderr);
    assert!(
        err.ends_with("crmc: coverage 22.2% (2 of 9 rules reached), below --min-coverage 50%\n"),
        "{err}"
    );
}
