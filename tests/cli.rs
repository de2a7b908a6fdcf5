//! The `crmc` command as users and CI meet it: exit codes (language-v1 §8),
//! output formats, and the build → eval → test round trip.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

#[path = "support/cli.rs"]
mod cli_support;

use cli_support::*;

/// A unit using every clause of language-v1 §5, with tests.
const GOOD: &str = r#"import "std/salesforce"
import "std/suppression"

extend object Lead { Fit_Score__c: number }

contract inbound_lead_enrichment version 3 {
  object  Lead
  actor   ai "alim"
  owner   "revops@acme.example"
  mode    conditional_write
  trigger on create, update(Email, Company)
  eligible when Status in ("Open - Not Contacted", "Working - Contacted")
            and LeadSource != "Partner Referral"
  exclude sf_lead_opted_out
  exclude when Email ends with "@competitor.example"
  confidence {
    auto   at least 0.90
    review at least 0.60
  }
  fields {
    Industry:          auto when empty, review
    NumberOfEmployees: auto when empty and confidence >= 0.95, suggest
    Rating:            suggest
    Status:            review
    OwnerId:           escalate
    *:                 never
  }
  approval {
    review   by record.owner within 24h
    escalate by role "Sales Manager" within 4h
    require  role "RevOps Lead" when AnnualRevenue > 1000000
  }
  audit record_id, contract, version, trigger, field, old_value, new_value,
        source, confidence, timestamp, actor
  rollback {
    keep previous values for 90d
    notify record.owner
  }
  metric "suggestion acceptance" target 80%
}

test "empty industry is enriched automatically" {
  actor ai "alim"
  trigger create
  event update
  confidence 0.93
  source "enrichment"
  record Lead { Status: "Working - Contacted", LeadSource: "Web", Industry: null, Email: "a@b.example", HasOptedOutOfEmail: false, AnnualRevenue: 5000 }
  change Industry to "Technology"
  expect auto
  expect Industry auto
}

test "low confidence goes to review" {
  actor ai "alim"
  trigger create
  event update
  confidence 0.7
  source "enrichment"
  record Lead { Status: "Working - Contacted", LeadSource: "Web", Industry: null, Email: "a@b.example", HasOptedOutOfEmail: false, AnnualRevenue: 5000 }
  change Industry to "Technology"
  expect Industry review
}
"#;

const BROKEN: &str = r#"schema s {
  object Lead {
    Status:   picklist("Open", "Closed")
    Industry: string
    OwnerId:  string protected
  }
}

contract c {
  object Lead
  actor ai "x"
  trigger on update
  eligible when Status == "Opne"
  fields {
    Industsry: review
    OwnerId:   auto
  }
}
"#;

#[test]
fn check_is_silent_and_succeeds_on_a_good_unit() {
    let dir = workdir("good");
    std::fs::write(dir.join("lead.crmc"), GOOD).unwrap();
    let out = crmc(&["check", "--deny", "warnings", "lead.crmc"], &dir);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // One summary line, nothing else (`--quiet` drops it: tests/cli_flags.rs).
    assert_eq!(
        text(&out.stderr),
        "crmc: checked 1 file, 1 contract: no problems\n"
    );
}

#[test]
fn check_reports_every_mistake_in_every_format() {
    let dir = workdir("broken");
    std::fs::write(dir.join("bad.crmc"), BROKEN).unwrap();
    let human = crmc(&["check", "bad.crmc"], &dir);
    assert_eq!(human.status.code(), Some(1));
    let stderr = text(&human.stderr);
    for needle in [
        "E0403",
        "E0302",
        "E0411",
        "bad.crmc:13:27",
        "did you mean \"Open\"?",
        "did you mean `Industry`?",
    ] {
        assert!(stderr.contains(needle), "missing {needle} in:\n{stderr}");
    }

    let json = crmc(&["check", "--format", "json", "bad.crmc"], &dir);
    assert_eq!(json.status.code(), Some(1));
    let diags: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let diags = diags.as_array().unwrap();
    assert_eq!(diags.len(), 3);
    let first = &diags[0];
    assert_eq!(first["code"], "E0403");
    assert_eq!(first["kind"], "value_not_allowed");
    assert_eq!(first["level"], "error");
    assert_eq!(first["file"], "bad.crmc");
    assert_eq!(first["start"]["line"], 13);
    assert_eq!(first["start"]["column"], 27);
    assert!(first["help"].as_str().unwrap().contains("Open"));

    let sarif = crmc(&["check", "--format", "sarif", "bad.crmc"], &dir);
    assert_eq!(sarif.status.code(), Some(1));
    let log: serde_json::Value = serde_json::from_slice(&sarif.stdout).unwrap();
    assert_eq!(log["version"], "2.1.0");
    assert!(log["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    assert_eq!(
        results.len(),
        diags.len(),
        "SARIF and JSON carry the same diagnostics"
    );
    for (r, d) in results.iter().zip(diags) {
        assert_eq!(r["ruleId"], d["code"]);
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            rules[index]["id"], d["code"],
            "ruleIndex points at the rule"
        );
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert_eq!(region["startLine"], d["start"]["line"]);
        assert_eq!(region["startColumn"], d["start"]["column"]);
        assert_eq!(
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "bad.crmc"
        );
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
    }
    for rule in rules {
        assert!(rule["shortDescription"]["text"]
            .as_str()
            .is_some_and(|t| !t.is_empty()));
        assert!(rule["help"]["text"].as_str().is_some_and(|t| !t.is_empty()));
    }
}

#[test]
fn usage_and_io_errors_exit_2() {
    let dir = workdir("usage");
    assert_eq!(
        crmc(&["check", "missing.crmc"], &dir).status.code(),
        Some(2)
    );
    assert_eq!(
        crmc(&["check", "--format", "xml"], &dir).status.code(),
        Some(2)
    );
    assert_eq!(crmc(&["explain", "E9999"], &dir).status.code(), Some(2));
    assert_eq!(
        crmc(&["eval", "-t", "nope.crmct"], &dir).status.code(),
        Some(2)
    );
}

#[test]
fn explain_knows_every_code() {
    let dir = workdir("explain");
    for code in crmc::diagnostics::codes::all() {
        let out = crmc(&["explain", &code.code.to_lowercase()], &dir);
        assert_eq!(out.status.code(), Some(0), "{}", code.code);
        assert!(
            text(&out.stdout).contains(code.explanation.lines().next().unwrap_or("")),
            "{}",
            code.code
        );
    }
    let list = crmc(&["explain"], &dir);
    assert_eq!(list.status.code(), Some(0));
    assert_eq!(
        text(&list.stdout).lines().count(),
        crmc::diagnostics::codes::all().count()
    );
}

#[test]
fn build_then_eval_decides_and_rejects_bad_tables() {
    let dir = workdir("build");
    std::fs::write(dir.join("lead.crmc"), GOOD).unwrap();
    let built = crmc(&["build", "lead.crmc", "-o", "t.crmct"], &dir);
    assert_eq!(built.status.code(), Some(0), "{}", text(&built.stderr));

    // a new lead (the cause) has its industry filled in (the write)
    let good = r#"{"object":"Lead","event":"update","trigger":{"event":"create"},"actor":{"kind":"ai","name":"alim"},"confidence":0.93,"source":"enrichment","at":"2026-11-21T10:00:00Z","record":{"Id":"00Q1","Status":"Working - Contacted","LeadSource":"Web","Industry":null,"Email":"a@b.example","HasOptedOutOfEmail":false,"AnnualRevenue":5000},"changes":{"Industry":"Technology"}}"#;
    let input = format!("{good}\nnot json at all\n\n{good}\n");
    let out = crmc_stdin(&["eval", "-t", "t.crmct"], &dir, input.as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let lines: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4, "one line out per line in");
    assert_eq!(lines[0]["outcome"], "auto");
    assert_eq!(lines[0]["fields"]["Industry"]["rule"], "Industry#1");
    assert_eq!(lines[1]["error"]["line"], 2);
    assert_eq!(lines[2]["error"]["line"], 3);
    assert_eq!(lines[3]["outcome"], "auto");

    // Corrupted and truncated tables are refused with a message, never a decision.
    let bytes = std::fs::read(dir.join("t.crmct")).unwrap();
    let mut flipped = bytes.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0x40;
    std::fs::write(dir.join("flipped.crmct"), &flipped).unwrap();
    std::fs::write(dir.join("short.crmct"), &bytes[..bytes.len() - 7]).unwrap();
    for bad in ["flipped.crmct", "short.crmct"] {
        let out = crmc_stdin(&["eval", "-t", bad], &dir, good.as_bytes());
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(out.stdout.is_empty(), "{bad}: no decision from a bad table");
        assert!(
            text(&out.stderr).contains("not a usable decision table"),
            "{bad}: {}",
            text(&out.stderr)
        );
    }

    let inspect = crmc(&["inspect", "t.crmct"], &dir);
    assert_eq!(inspect.status.code(), Some(0));
    assert!(text(&inspect.stdout).contains("inbound_lead_enrichment"));

    let json = crmc(&["build", "lead.crmc", "--emit", "json"], &dir);
    assert_eq!(json.status.code(), Some(0));
    assert!(serde_json::from_slice::<serde_json::Value>(&json.stdout).is_ok());

    // A unit with errors builds nothing.
    std::fs::write(dir.join("bad.crmc"), BROKEN).unwrap();
    let refused = crmc(&["build", "bad.crmc", "-o", "bad.crmct"], &dir);
    assert_eq!(refused.status.code(), Some(1));
    assert!(!dir.join("bad.crmct").exists());
}

#[test]
fn test_command_reports_failures_with_reasons() {
    let dir = workdir("test");
    std::fs::write(dir.join("lead.crmc"), GOOD).unwrap();
    let ok = crmc(&["test", "lead.crmc"], &dir);
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}{}",
        text(&ok.stdout),
        text(&ok.stderr)
    );
    assert!(text(&ok.stdout).contains("2 passed, 0 failed"));

    let wrong = GOOD.replace("expect Industry review", "expect Industry auto");
    std::fs::write(dir.join("lead.crmc"), wrong).unwrap();
    let failed = crmc(&["test", "lead.crmc"], &dir);
    assert_eq!(failed.status.code(), Some(1));
    let out = text(&failed.stdout);
    assert!(
        out.contains("FAILED  low confidence goes to review"),
        "{out}"
    );
    assert!(
        out.contains("expected `Industry` to be `auto`, it is `review`"),
        "{out}"
    );
    assert!(
        out.contains("inbound_lead_enrichment"),
        "the decision's reasons are shown: {out}"
    );
}

#[test]
fn fmt_check_reports_unformatted_files() {
    let dir = workdir("fmt");
    std::fs::write(dir.join("a.crmc"), "contract   a {\n object Lead\n  actor ai \"x\"\n trigger on create\n fields { *: never }\n}\n").unwrap();
    let check = crmc(&["fmt", "--check", "a.crmc"], &dir);
    assert_eq!(check.status.code(), Some(1));
    assert!(text(&check.stdout).contains("+contract a {"));
    assert_eq!(crmc(&["fmt", "a.crmc"], &dir).status.code(), Some(0));
    assert_eq!(
        crmc(&["fmt", "--check", "a.crmc"], &dir).status.code(),
        Some(0)
    );
}

/// The contract in the README's tour checks clean and its test passes.
#[test]
fn the_readme_tour_is_a_clean_unit() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let start = readme
        .find("```crmc\n")
        .expect("the README has a crmc block")
        + "```crmc\n".len();
    let end = start + readme[start..].find("```").unwrap();
    let dir = workdir("readme");
    std::fs::write(dir.join("tour.crmc"), &readme[start..end]).unwrap();
    let check = crmc(&["check", "--deny", "warnings", "tour.crmc"], &dir);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));
    let test = crmc(&["test", "tour.crmc"], &dir);
    assert_eq!(test.status.code(), Some(0), "{}", text(&test.stdout));
}

/// `crmc synth … | head -c 10`: the reader goes away while crmc writes. That
/// is exit 2 with no panic, never a panic message nor exit 0 (a pipeline
/// that lost the report must not pass). Completions too: clap_complete's
/// own writer panics on a closed pipe.
#[test]
fn a_closed_standard_output_is_exit_2_not_a_panic() {
    use std::process::Stdio;
    let dir = workdir("closed_stdout");
    let commands: [&[&str]; 3] = [
        &["synth", "--contracts", "3000"],
        &["completions", "bash"],
        &["completions", "zsh"],
    ];
    for args in commands {
        // The read end is closed before crmc starts, so its first write
        // fails with EPIPE whatever the timing (a pipe closed after spawn
        // races with a script small enough to fit in the pipe's buffer).
        let (reader, writer) = std::io::pipe().expect("a pipe");
        drop(reader);
        let child = crmc_command(&dir)
            .args(args)
            .stdout(Stdio::from(writer))
            .stderr(Stdio::piped())
            .spawn()
            .expect("crmc starts");
        let out = child.wait_with_output().expect("crmc ends");
        let err = text(&out.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    }
}

/// A path that names an endless device (or stdin fed from one) is an error
/// with a limit in it, not a read until the machine runs out of memory.
/// Each command runs under a 1 GiB address-space limit, so a read without a
/// ceiling dies with an allocation failure instead of passing.
#[cfg(target_os = "linux")]
#[test]
fn endless_input_is_refused_at_a_limit_not_read_until_memory_runs_out() {
    use std::process::{Command, Stdio};
    let dir = workdir("endless-input");
    let limited = |args: &[&str], stdin_zero: bool| {
        let mut cmd = Command::new("sh");
        cmd.current_dir(&dir)
            .arg("-c")
            .arg("ulimit -v 1048576; exec \"$0\" \"$@\"")
            .arg(env!("CARGO_BIN_EXE_crmc"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if stdin_zero {
            cmd.stdin(std::fs::File::open("/dev/zero").unwrap());
        } else {
            cmd.stdin(Stdio::null());
        }
        cmd.output().unwrap()
    };
    let cases: &[(&[&str], bool)] = &[
        (&["check", "/dev/zero"], false),
        (&["build", "/dev/zero", "-o", "t.crmt"], false),
        (&["fmt", "--check", "/dev/zero"], false),
        (&["schema", "import", "salesforce", "/dev/zero"], false),
        (&["eval", "-t", "/dev/zero"], false),
        (
            &["serve", "-t", "/dev/zero", "--addr", "127.0.0.1:0"],
            false,
        ),
        (&["check", "-"], true),
        (&["fmt", "-"], true),
    ];
    for (args, stdin_zero) in cases {
        let out = limited(args, *stdin_zero);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "crmc {args:?}: {err}");
        assert!(err.contains("longer than"), "crmc {args:?}: {err}");
        assert!(out.stdout.is_empty() || !text(&out.stdout).contains("\"auto\""));
    }
}
