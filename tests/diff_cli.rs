//! `crmc diff` from the command line: output formats, exit codes, renamed
//! and re-versioned contracts, a schema change, broken units, `git:REV:PATH`
//! units, and the GitHub Actions recipe of docs/ci.md run as written.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

#[path = "support/cli.rs"]
mod cli_support;

use cli_support::*;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// The bundled qualification example: a real contract pair.
fn example() -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples/inbound_lead_qualification/inbound_lead_qualification.crmc"),
    )
    .unwrap()
}

/// The example with its `auto at least` lowered from 0.85 to 0.80.
fn lowered() -> String {
    let t = example();
    assert!(t.contains("auto   at least 0.85"));
    t.replace("auto   at least 0.85", "auto   at least 0.80")
}

fn write(dir: &Path, name: &str, text: &str) {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

#[test]
fn a_lowered_threshold_is_loosened_review_to_auto_with_witnesses_both_tables_confirm() {
    let dir = workdir("lowered");
    write(&dir, "old/u.crmc", &example());
    write(&dir, "new/u.crmc", &lowered());
    let human = crmc(&["diff", "old", "new"], &dir);
    assert_eq!(human.status.code(), Some(0), "{}", text(&human.stderr));
    let out = text(&human.stdout);
    assert!(out.contains("LOOSENED"), "{out}");
    assert!(out.contains("Industry: review → auto"), "{out}");
    assert!(out.contains("0.8 <= confidence < 0.85"), "{out}");
    assert!(!out.contains("NOT confirmed"), "{out}");

    let denied = crmc(&["diff", "old", "new", "--deny", "loosened"], &dir);
    assert_eq!(denied.status.code(), Some(1));
    assert!(text(&denied.stderr).contains("loosened"));

    // every witness, decided by each side's table through `crmc eval`,
    // gets the outcome the diff claims
    let json = crmc(&["diff", "old", "new", "--format", "json"], &dir);
    assert_eq!(json.status.code(), Some(0));
    let d: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(d["behaviour_changed"], true);
    assert_eq!(d["summary"]["loosened"], 7, "{d:#}");
    assert_eq!(d["summary"]["tightened"], 0);
    assert_eq!(d["contracts"]["edited"][0], "inbound_lead_qualification");
    for side in ["old", "new"] {
        let built = crmc(&["build", side, "-o", &format!("{side}.crmct")], &dir);
        assert_eq!(built.status.code(), Some(0), "{}", text(&built.stderr));
    }
    let changes = d["changes"].as_array().unwrap();
    let lines: String = changes
        .iter()
        .map(|c| format!("{}\n", c["witness"]))
        .collect();
    for side in ["old", "new"] {
        let out = crmc_stdin(
            &["eval", "-t", &format!("{side}.crmct")],
            &dir,
            lines.as_bytes(),
        );
        let decided: Vec<Value> = text(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(decided.len(), changes.len());
        for (c, dec) in changes.iter().zip(&decided) {
            assert_eq!(c["kind"], "loosened");
            assert_eq!(c["confirmed"], true);
            let field = c["field"].as_str().unwrap();
            assert_eq!(
                dec["fields"][field]["outcome"], c[side]["outcome"],
                "{side}: {c:#}\n{dec:#}"
            );
        }
    }

    let md = crmc(&["diff", "old", "new", "--format", "markdown"], &dir);
    let md = text(&md.stdout);
    assert!(md.starts_with("### ⚠️ crmc diff: 7 loosened"), "{md}");
    assert!(
        md.contains("| **loosened** | Lead | ai \"qualifier\" | Industry |"),
        "{md}"
    );
    assert!(md.contains("<details>") && md.contains("```json"), "{md}");
}

#[test]
fn a_rename_and_a_version_bump_are_no_change_in_behaviour() {
    let dir = workdir("rename");
    let old = example();
    let new = old
        .replacen(
            "contract inbound_lead_qualification version 2",
            "contract qualify_inbound version 3",
            1,
        )
        .replacen(
            "contract inbound_lead_qualification_unclear version 2",
            "contract inbound_lead_qualification_unclear version 5",
            1,
        );
    assert_ne!(old, new);
    write(&dir, "old.crmc", &old);
    write(&dir, "new.crmc", &new);
    let out = crmc(
        &["diff", "old.crmc", "new.crmc", "--deny", "loosened"],
        &dir,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    assert!(s.contains("no change in behaviour"), "{s}");
    assert!(
        s.contains("renamed, same behaviour: inbound_lead_qualification → qualify_inbound"),
        "{s}"
    );
    assert!(
        s.contains("version 2 → 5, same behaviour: inbound_lead_qualification_unclear"),
        "{s}"
    );
    let json = crmc(&["diff", "old.crmc", "new.crmc", "--format", "json"], &dir);
    let d: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(d["behaviour_changed"], false);
    assert_eq!(d["changes"].as_array().unwrap().len(), 0);
    assert_eq!(d["contracts"]["renamed"][0]["new"], "qualify_inbound");
}

#[test]
fn a_tightening_and_a_new_approver_are_told_apart_from_loosening() {
    let dir = workdir("tighten");
    write(&dir, "old.crmc", SMALL);
    let new = SMALL.replace("Industry: auto", "Industry: review").replace(
        "  fields {",
        "  approval {\n    review by role \"Data Steward\" within 8h\n  }\n  fields {",
    );
    write(&dir, "new.crmc", &new);
    let out = crmc(
        &[
            "diff", "old.crmc", "new.crmc", "--format", "json", "--deny", "loosened",
        ],
        &dir,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let d: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(d["summary"]["loosened"], 0, "{d:#}");
    let c = &d["changes"][0];
    assert_eq!(c["kind"], "tightened");
    assert_eq!(
        (c["old"]["outcome"].as_str(), c["new"]["outcome"].as_str()),
        (Some("auto"), Some("review"))
    );
    assert_eq!(
        c["new"]["governance"]["approval"]["approver"],
        "role:Data Steward"
    );
    // the other way round is a loosening, and --deny loosened fails
    let back = crmc(
        &["diff", "new.crmc", "old.crmc", "--deny", "loosened"],
        &dir,
    );
    assert_eq!(back.status.code(), Some(1));
    assert!(text(&back.stdout).contains("Industry: review → auto"));
}

#[test]
fn a_contract_newly_governing_an_actor_is_a_loosening_from_ungoverned() {
    let dir = workdir("newly");
    write(&dir, "old.crmc", "import \"std/salesforce\"\n");
    write(&dir, "new.crmc", SMALL);
    let out = crmc(&["diff", "old.crmc", "new.crmc", "--format", "json"], &dir);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let d: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(d["contracts"]["added"][0], "enrich");
    let industry = d["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["field"] == "Industry" && c["kind"] == "loosened")
        .unwrap_or_else(|| panic!("{d:#}"));
    assert_eq!(industry["old"]["governed"], false);
    assert_eq!(industry["new"]["outcome"], "auto");
}

#[test]
fn a_schema_change_or_a_broken_unit_is_refused_not_compared() {
    let dir = workdir("refused");
    write(&dir, "old.crmc", SMALL);
    write(
        &dir,
        "new.crmc",
        &SMALL.replace(
            "import \"std/salesforce\"",
            "import \"std/salesforce\"\nextend object Lead { Extra__c: string }",
        ),
    );
    let out = crmc(&["diff", "old.crmc", "new.crmc"], &dir);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("the schema changed (object Lead)"),
        "{}",
        text(&out.stderr)
    );

    write(
        &dir,
        "broken.crmc",
        &SMALL.replace("Industry: auto", "Industry: sometimes"),
    );
    let out = crmc(
        &["diff", "old.crmc", "broken.crmc", "--deny", "loosened"],
        &dir,
    );
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("`broken.crmc` has errors; nothing was compared"),
        "{err}"
    );
    assert!(out.stdout.is_empty());

    let out = crmc(&["diff", "old.crmc", "missing.crmc"], &dir);
    assert_eq!(out.status.code(), Some(2));
    let out = crmc(&["diff", "git:", "old.crmc"], &dir);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("expected `git:REV:PATH`"));
}

#[test]
fn a_named_exclusion_narrowed_in_another_file_loosens_the_contracts_using_it() {
    let dir = workdir("named");
    let unit = SMALL.replace(
        "  exclude when Email ends with \"@competitor.example\"",
        "  exclude rivals",
    );
    let unit = unit.replace(
        "import \"std/salesforce\"",
        "import \"std/salesforce\"\nimport \"rivals.crmc\"",
    );
    for (side, when) in [
        (
            "old",
            "Email ends with \"@competitor.example\" or Email ends with \"@rival.example\"",
        ),
        ("new", "Email ends with \"@competitor.example\""),
    ] {
        write(&dir, &format!("{side}/lead.crmc"), &unit);
        write(
            &dir,
            &format!("{side}/rivals.crmc"),
            &format!("import \"std/salesforce\"\nexclusion rivals on Lead when {when}\n"),
        );
    }
    // the contract file is the same on both sides: only the exclusion it
    // names changed, in another file
    let out = crmc(
        &[
            "diff", "old", "new", "--format", "json", "--deny", "loosened",
        ],
        &dir,
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let d: Value = serde_json::from_slice(&out.stdout).unwrap();
    let c = d["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["field"] == "Industry")
        .unwrap_or_else(|| panic!("{d:#}"));
    assert_eq!(c["kind"], "loosened");
    assert_eq!(
        (c["old"]["outcome"].as_str(), c["new"]["outcome"].as_str()),
        (Some("never"), Some("auto"))
    );
    assert_eq!(c["old"]["rule"], "excluded");
    assert!(
        c["witness"]["record"]["Email"]
            .as_str()
            .unwrap()
            .ends_with("@rival.example"),
        "{c:#}"
    );
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=crmc",
            "-c",
            "user.email=crmc@example.invalid",
        ])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", text(&out.stderr));
    text(&out.stdout).trim().to_string()
}

/// A repository with two commits: the example, then the example with a
/// lowered threshold. Returns the first commit.
fn repo(dir: &Path) -> String {
    git(dir, &["init", "-q"]);
    write(dir, "contracts/qualification.crmc", &example());
    git(dir, &["add", "."]);
    git(dir, &["commit", "-qm", "base"]);
    let base = git(dir, &["rev-parse", "HEAD"]);
    write(dir, "contracts/qualification.crmc", &lowered());
    git(dir, &["commit", "-qam", "lower the auto threshold"]);
    base
}

#[test]
fn a_git_revision_is_read_without_a_checkout() {
    let dir = workdir("git");
    let base = repo(&dir);
    let at_rev = crmc(
        &[
            "diff",
            &format!("git:{base}:contracts"),
            "git:HEAD:contracts",
            "--format",
            "json",
        ],
        &dir,
    );
    let from_tree = crmc(
        &[
            "diff",
            "git:HEAD~1:contracts",
            "contracts",
            "--format",
            "json",
        ],
        &dir,
    );
    for out in [&at_rev, &from_tree] {
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let d: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(d["summary"]["loosened"], 7);
    }
    // the same commit on both sides: nothing
    let same = crmc(&["diff", "git:HEAD:contracts", "contracts"], &dir);
    assert!(text(&same.stdout).contains("no change in behaviour"));
    let bad = crmc(&["diff", "git:no-such-rev:contracts", "contracts"], &dir);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        text(&bad.stderr).contains("no-such-rev"),
        "{}",
        text(&bad.stderr)
    );
}

#[test]
fn the_ci_recipe_runs_as_written() {
    let recipe =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/ci.md")).unwrap();
    let commands: Vec<&str> = recipe
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("crmc "))
        .collect();
    assert_eq!(commands.len(), 3, "{commands:?}");
    let dir = workdir("recipe");
    let base = repo(&dir);
    let bin = Path::new(env!("CARGO_BIN_EXE_crmc")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut codes = Vec::new();
    for c in &commands {
        let out = Command::new("sh")
            .args(["-c", c])
            .current_dir(&dir)
            .env("PATH", &path)
            .env("BASE", &base)
            .output()
            .unwrap();
        codes.push(out.status.code());
    }
    // check: clean (warnings do not fail it); test: passes; diff: loosened
    assert_eq!(codes, [Some(0), Some(0), Some(1)], "{commands:?}");
    let sarif: Value =
        serde_json::from_slice(&std::fs::read(dir.join("crmc.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let md = std::fs::read_to_string(dir.join("crmc-diff.md")).unwrap();
    assert!(md.contains("7 loosened"), "{md}");
    assert!(md.contains("| **loosened** |"), "{md}");
}

/// A guardrail added beside the example: the writes it raises are
/// tightened, each change names it, and both tables confirm the witnesses.
#[test]
fn an_added_guardrail_tightens_what_it_raises_and_is_named() {
    let dir = workdir("guardrail-added");
    write(&dir, "old/u.crmc", &example());
    let guard = "\nguardrail summaries_by_people {\n  object Lead\n  actor ai \"*\"\n  when AnnualRevenue > 1_000_000\n  fields {\n    AI_Summary__c: at least review\n  }\n  reason \"big leads' summaries are read first\"\n}\n";
    write(&dir, "new/u.crmc", &(example() + guard));
    let json = crmc(&["diff", "old", "new", "--format", "json"], &dir);
    assert_eq!(json.status.code(), Some(0), "{}", text(&json.stderr));
    let d: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(d["summary"]["loosened"], 0, "{d:#}");
    let changes = d["changes"].as_array().unwrap();
    assert!(!changes.is_empty(), "{d:#}");
    for c in changes {
        assert_eq!(c["kind"], "tightened", "{c:#}");
        assert_eq!(c["field"], "AI_Summary__c", "{c:#}");
        assert_eq!(c["new"]["guardrail"], "summaries_by_people", "{c:#}");
        assert!(c["old"]["guardrail"].is_null(), "{c:#}");
        assert_eq!(c["confirmed"], true, "{c:#}");
    }
    let human = crmc(&["diff", "old", "new"], &dir);
    let out = text(&human.stdout);
    assert!(out.contains("TIGHTENED"), "{out}");
    assert!(
        out.contains("raised to review by guardrail summaries_by_people"),
        "{out}"
    );
    // and removing it loosens the same writes back
    let back = crmc(&["diff", "new", "old", "--deny", "loosened"], &dir);
    assert_eq!(back.status.code(), Some(1), "{}", text(&back.stdout));
}
