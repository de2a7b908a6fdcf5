//! What users of cargo-like tools expect: `-` for standard input on every
//! command that reads input, `--color`, `--quiet` and a summary line, and
//! shell completions.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

#[path = "support/cli.rs"]
mod cli_support;

use cli_support::*;

const BROKEN: &str = "schema s { object Lead { Status: picklist(\"Open\", \"Closed\") } }\n\
contract c {\n  object Lead\n  actor ai \"x\"\n  trigger on update\n  eligible when Status == \"Opne\"\n  fields { *: never }\n}\n";

/// `SMALL` with one passing test block.
fn tested() -> String {
    format!("{SMALL}{TEST_BLOCK}")
}

const TEST_BLOCK: &str = r#"
test "industry is enriched" {
  actor ai "alim"
  trigger update(Email)
  event update
  confidence 0.95
  record Lead { Industry: null, Email: "a@b.example" }
  change Industry to "Technology"
  expect Industry auto
}
"#;

fn has_ansi(bytes: &[u8]) -> bool {
    bytes.windows(2).any(|w| w == b"\x1b[")
}

#[test]
fn dash_reads_standard_input_for_check_build_and_test() {
    let dir = workdir("flags-stdin");
    // A unit on stdin imports relative to the current directory.
    std::fs::write(
        dir.join("extra.crmc"),
        "extend object Lead { Fit__c: number }\n",
    )
    .unwrap();
    let with_import = format!("import \"./extra.crmc\"\n{SMALL}");
    let out = crmc_stdin(&["check", "-"], &dir, with_import.as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("checked 2 files, 1 contract: no problems"),
        "{}",
        text(&out.stderr)
    );

    let out = crmc_stdin(&["check", "--format", "json", "-"], &dir, BROKEN.as_bytes());
    assert_eq!(out.status.code(), Some(1));
    let diags: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(diags[0]["file"], "<stdin>");

    let out = crmc_stdin(&["check", "-", "-"], &dir, SMALL.as_bytes());
    assert_eq!(out.status.code(), Some(2));

    let out = crmc_stdin(&["build", "-", "-o", "t.crmct"], &dir, SMALL.as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(dir.join("t.crmct").exists());

    let out = crmc_stdin(&["test", "-"], &dir, tested().as_bytes());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(text(&out.stdout).contains("1 passed, 0 failed"));

    let out = crmc_stdin(&["eval", "-t", "t.crmct", "-"], &dir, GOOD_LINE.as_bytes());
    assert_eq!(out.status.code(), Some(0));
    assert!(
        text(&out.stdout).starts_with("{\"outcome\":\"auto\""),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn dash_reads_standard_input_for_fmt_and_schema_import() {
    let dir = workdir("flags-stdin-fmt");
    let messy = "contract   a {\n object Lead\n  actor ai \"x\"\n trigger on create\n fields { *: never }\n}\n";
    let out = crmc_stdin(&["fmt", "-"], &dir, messy.as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let formatted = text(&out.stdout);
    assert!(formatted.starts_with("contract a {\n"), "{formatted}");
    // Formatted input comes back unchanged, and `--check` accepts it.
    let again = crmc_stdin(&["fmt", "-"], &dir, formatted.as_bytes());
    assert_eq!(text(&again.stdout), formatted);
    assert_eq!(
        crmc_stdin(&["fmt", "--check", "-"], &dir, formatted.as_bytes())
            .status
            .code(),
        Some(0)
    );
    let check = crmc_stdin(&["fmt", "--check", "-"], &dir, messy.as_bytes());
    assert_eq!(check.status.code(), Some(1));
    assert!(
        text(&check.stdout).contains("--- <stdin>"),
        "{}",
        text(&check.stdout)
    );

    let export =
        std::fs::read(repo_root().join("tests/fixtures/import/sf_lead.describe.json")).unwrap();
    let out = crmc_stdin(&["schema", "import", "salesforce", "-"], &dir, &export);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("object Lead"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn color_flag_and_no_color() {
    let dir = workdir("flags-color");
    std::fs::write(dir.join("bad.crmc"), BROKEN).unwrap();
    let always = crmc(&["--color", "always", "check", "bad.crmc"], &dir);
    assert!(has_ansi(&always.stderr), "{}", text(&always.stderr));
    // The flag also works after the subcommand, and an explicit `always`
    // wins over NO_COLOR (as a command-line flag should).
    let after = crmc_env(
        &["check", "bad.crmc", "--color=always"],
        &dir,
        &[("NO_COLOR", "1")],
    );
    assert!(has_ansi(&after.stderr));
    for args in [
        &["--color", "never", "check", "bad.crmc"][..],
        &["check", "bad.crmc"],
        &["--color", "auto", "check", "bad.crmc"],
    ] {
        let out = crmc(args, &dir);
        assert_eq!(out.status.code(), Some(1));
        assert!(
            !has_ansi(&out.stderr),
            "{args:?}: piped output has no colour"
        );
    }
    let bad = crmc(&["--color", "sometimes", "check", "bad.crmc"], &dir);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn quiet_and_the_summary_line() {
    let dir = workdir("flags-quiet");
    std::fs::write(dir.join("lead.crmc"), tested()).unwrap();
    let out = crmc(&["check", "lead.crmc"], &dir);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        text(&out.stderr),
        "crmc: checked 1 file, 1 contract: no problems\n"
    );
    let out = crmc(&["check", "--quiet", "lead.crmc"], &dir);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stderr), "");
    assert_eq!(text(&out.stdout), "");

    let out = crmc(&["build", "lead.crmc", "-o", "t.crmct"], &dir);
    assert!(
        text(&out.stderr).starts_with("crmc: wrote `t.crmct` (1 contract, "),
        "{}",
        text(&out.stderr)
    );
    let out = crmc(&["-q", "build", "lead.crmc", "-o", "t.crmct"], &dir);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stderr), "");

    let out = crmc(&["test", "-q", "lead.crmc"], &dir);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout), "crmc: 1 passed, 0 failed\n");

    // Failures are never quiet.
    std::fs::write(dir.join("bad.crmc"), BROKEN).unwrap();
    let out = crmc(&["check", "-q", "bad.crmc"], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("E0403"));
}

#[test]
fn completions_for_each_shell() {
    let dir = workdir("flags-completions");
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = crmc(&["completions", shell], &dir);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = text(&out.stdout);
        for word in ["check", "build", "eval", "fmt", "color"] {
            assert!(script.contains(word), "{shell}: no `{word}`");
        }
    }
    assert_eq!(crmc(&["completions", "tcsh"], &dir).status.code(), Some(2));
}

/// `fmt --check` prints a unified diff with `@@` hunks, coloured only when
/// asked (piped output is plain; NO_COLOR keeps `auto` plain too).
#[test]
fn fmt_check_prints_a_unified_diff() {
    let dir = workdir("flags-fmt-diff");
    let messy = "contract   a {\n object Lead\n  actor ai \"x\"\n trigger on create\n fields { *: never }\n}\n";
    std::fs::write(dir.join("a.crmc"), messy).unwrap();
    let out = crmc(&["fmt", "--check", "a.crmc"], &dir);
    assert_eq!(out.status.code(), Some(1));
    let diff = text(&out.stdout);
    assert!(
        diff.starts_with("--- a.crmc\n+++ a.crmc (formatted)\n@@ -1,"),
        "{diff}"
    );
    assert!(diff.contains("\n-contract   a {\n"), "{diff}");
    assert!(diff.contains("\n+contract a {\n"), "{diff}");
    assert!(!has_ansi(&out.stdout));
    let plain = crmc_env(&["fmt", "--check", "a.crmc"], &dir, &[("NO_COLOR", "1")]);
    assert!(!has_ansi(&plain.stdout));
    let coloured = crmc(&["--color", "always", "fmt", "--check", "a.crmc"], &dir);
    assert!(has_ansi(&coloured.stdout));
}
