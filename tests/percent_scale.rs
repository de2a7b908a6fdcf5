//! Percent fields carry their CRM's scale (decision 6): `10%` compiles to 10
//! on `percent(0..100)` (Salesforce REST sends `Probability: 5` for 5 %) and
//! to 0.1 on `percent(0..1)` (HubSpot's deal probability). Checked through
//! the CLI: `eval` decides as the CRM means, the analyzer's witness is on the
//! field's scale, `crmc test` values are lowered the same way, and `fmt`
//! keeps the scale.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

// Own small helpers, so this file does not depend on where the shared CLI
// test support lives.
fn crmc(args: &[&str], dir: &Path) -> Output {
    crmc_stdin(args, dir, b"")
}

fn crmc_stdin(args: &[&str], dir: &Path, input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_crmc"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("crmc runs");
    // crmc may exit before it reads its input; the closed pipe is then expected.
    let _ = child.stdin.take().unwrap().write_all(input);
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn workdir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("percent-scale-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Builds `unit` in `dir` and evaluates one mutation per line.
fn decide(dir: &Path, unit: &str, lines: &[String]) -> Vec<String> {
    std::fs::write(dir.join("unit.crmc"), unit).unwrap();
    let built = crmc(&["build", "unit.crmc", "-o", "t.crmct"], dir);
    assert_eq!(built.status.code(), Some(0), "{}", text(&built.stderr));
    let input = lines.join("\n") + "\n";
    let out = crmc_stdin(&["eval", "-t", "t.crmct"], dir, input.as_bytes());
    text(&out.stdout)
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}"));
            v["outcome"].as_str().unwrap_or("?").to_string()
        })
        .collect()
}

fn opportunity(field: &str, value: &str) -> String {
    format!(
        r#"{{"object":"Opportunity","event":"update","actor":{{"kind":"ai","name":"forecaster"}},"confidence":0.95,"source":"s","at":"2026-11-21T10:00:00Z","record":{{"Id":"006A","{field}":{value},"NextStep":null}},"changes":{{"NextStep":"Call"}}}}"#
    )
}

fn sf_unit(condition: &str) -> String {
    format!(
        r#"import "std/salesforce"

contract forecast {{
  object Opportunity
  actor ai "forecaster"
  trigger on update
  eligible when {condition}
  fields {{
    NextStep: auto
    *: never
  }}
}}
"#
    )
}

/// Salesforce: `Probability: 5` is 5 %, under 10 %; 50 is not.
#[test]
fn salesforce_probability_is_0_to_100() {
    let dir = workdir("percent-sf");
    let got = decide(
        &dir,
        &sf_unit("Probability < 10%"),
        &[
            opportunity("Probability", "5"),
            opportunity("Probability", "50"),
        ],
    );
    assert_eq!(got, ["auto", "never"]);
}

/// A plain number on a percent field is on the field's scale: `< 10` on
/// `percent(0..100)` is the same as `< 10%`.
#[test]
fn plain_number_on_percent_field_is_on_its_scale() {
    let dir = workdir("percent-plain");
    let got = decide(
        &dir,
        &sf_unit("Probability < 10"),
        &[
            opportunity("Probability", "5"),
            opportunity("Probability", "50"),
        ],
    );
    assert_eq!(got, ["auto", "never"]);
}

/// A `%` literal on a `number` field keeps its language-wide meaning, the
/// fraction (10% = 0.1).
#[test]
fn percent_literal_on_number_field_is_a_fraction() {
    let dir = workdir("percent-number");
    let got = decide(
        &dir,
        &sf_unit("TotalOpportunityQuantity < 10%"),
        &[
            opportunity("TotalOpportunityQuantity", "0.05"),
            opportunity("TotalOpportunityQuantity", "5"),
        ],
    );
    assert_eq!(got, ["auto", "never"]);
}

/// HubSpot: `hs_deal_stage_probability` is 0..1, so 0.05 is 5 %.
#[test]
fn hubspot_deal_probability_is_0_to_1() {
    let dir = workdir("percent-hs");
    let unit = r#"import "std/hubspot"

contract forecast {
  object deals
  actor ai "forecaster"
  trigger on update
  eligible when hs_deal_stage_probability < 10%
  fields {
    hs_next_step: auto
    *: never
  }
}
"#;
    let deal = |p: &str| {
        format!(
            r#"{{"object":"deals","event":"update","actor":{{"kind":"ai","name":"forecaster"}},"confidence":0.95,"source":"s","at":"2026-11-21T10:00:00Z","record":{{"hs_object_id":"1","hs_deal_stage_probability":{p},"hs_next_step":null}},"changes":{{"hs_next_step":"Call"}}}}"#
        )
    };
    let got = decide(&dir, unit, &[deal("0.05"), deal("0.5"), deal("5")]);
    assert_eq!(got, ["auto", "never", "never"]);
}

/// The analyzer's witness for a percent field shows the value as the CRM
/// would send it: between 90 and 95 for `Probability > 90% and < 95%`.
#[test]
fn witness_is_on_the_fields_scale() {
    let dir = workdir("percent-witness");
    let contract = |name: &str, outcome: &str| {
        format!(
            "contract {name} {{\n  object Opportunity\n  actor ai \"forecaster\"\n  trigger on update\n  \
             eligible when Probability > 90% and Probability < 95%\n  fields {{\n    NextStep: {outcome}\n    *: never\n  }}\n}}\n"
        )
    };
    let unit = format!(
        "import \"std/salesforce\"\n\n{}\n{}",
        contract("band_review", "review"),
        contract("band_auto", "auto")
    );
    std::fs::write(dir.join("unit.crmc"), unit).unwrap();
    let out = crmc(&["check", "unit.crmc", "--format", "json"], &dir);
    let findings: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", text(&out.stdout)));
    let conflict = findings
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "E0501")
        .unwrap_or_else(|| panic!("no conflict: {findings:#}"));
    let witness: Value = match &conflict["witness"] {
        Value::String(s) => serde_json::from_str(s).unwrap(),
        other => other.clone(),
    };
    let p = witness["record"]["Probability"]
        .as_f64()
        .unwrap_or_else(|| panic!("no Probability in {witness:#}"));
    assert!(p > 90.0 && p < 95.0, "witness Probability {p}: {witness:#}");
}

/// `change F to 15%` in a test block is lowered like a condition's literal:
/// 15 on `percent(0..100)`, so `new F < 20%` holds for it and not for 25%.
#[test]
fn test_block_values_use_the_fields_scale() {
    let dir = workdir("percent-test-block");
    let unit = r#"import "std/salesforce"

extend object Opportunity {
  Win_Chance__c: percent(0..100)
}

contract win_chance {
  object Opportunity
  actor ai "forecaster"
  trigger on update
  fields {
    Win_Chance__c: auto when new Win_Chance__c < 20%
    *: never
  }
}

test "15 % is under 20 %" {
  actor ai "forecaster"
  event update
  record Opportunity { Id: "006A", Win_Chance__c: 10 }
  change Win_Chance__c to 15%
  expect Win_Chance__c auto
}

test "25 % is not" {
  actor ai "forecaster"
  event update
  record Opportunity { Id: "006A", Win_Chance__c: 10 }
  change Win_Chance__c to 25%
  expect Win_Chance__c never
}
"#;
    std::fs::write(dir.join("unit.crmc"), unit).unwrap();
    let out = crmc(&["test", "unit.crmc"], &dir);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

/// `fmt` prints the scale back.
#[test]
fn fmt_keeps_the_scale() {
    let dir = workdir("percent-fmt");
    let src = "schema s {\n  object Opportunity {\n    Id: id\n    Probability: percent( 0..100 )\n    p: percent(0..1)\n  }\n}\n";
    let out = crmc_stdin(&["fmt", "-"], &dir, src.as_bytes());
    let formatted = text(&out.stdout);
    assert!(
        formatted.contains("Probability: percent(0..100)"),
        "{formatted}"
    );
    assert!(
        formatted.contains("p:           percent(0..1)"),
        "{formatted}"
    );
}
