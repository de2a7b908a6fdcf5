//! Helpers for the tests that run the built `crmc` binary (tests/cli*.rs,
//! tests/test_cmd.rs): run it in a fresh directory, with or without
//! standard input, and a small clean unit to run it on.
//!
//! Included with `#[path = "support/cli.rs"] mod cli_support;`, apart from
//! `support/mod.rs` (the random-unit generator), which these tests do not use.
#![allow(dead_code, clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// `crmc` ready to run in `dir`, with `NO_COLOR` from the caller's
/// environment removed so that colour tests see what they set.
pub fn crmc_command(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_crmc"));
    cmd.current_dir(dir).env_remove("NO_COLOR");
    cmd
}

pub fn crmc(args: &[&str], dir: &Path) -> Output {
    crmc_env(args, dir, &[])
}

/// `crmc` with extra environment variables (`NO_COLOR`, say).
pub fn crmc_env(args: &[&str], dir: &Path, env: &[(&str, &str)]) -> Output {
    let mut cmd = crmc_command(dir);
    cmd.args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("crmc runs")
}

/// `crmc` with `input` on standard input (bytes: not necessarily UTF-8).
pub fn crmc_stdin(args: &[&str], dir: &Path, input: &[u8]) -> Output {
    use std::io::Write;
    let mut child = crmc_command(dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("crmc runs");
    // crmc may exit (on a bad table, say) before it reads its input; the
    // closed pipe is then expected, not a failure.
    let _ = child.stdin.take().unwrap().write_all(input);
    child.wait_with_output().unwrap()
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A fresh directory for one test, named after the test binary too, so
/// that two binaries running at once never share one.
pub fn workdir(name: &str) -> PathBuf {
    let dir =
        Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{}-{name}", env!("CARGO_CRATE_NAME")));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A fresh directory holding one file, `unit.crmc`, with `source`.
pub fn unit_dir(name: &str, source: &str) -> PathBuf {
    let dir = workdir(name);
    std::fs::write(dir.join("unit.crmc"), source).unwrap();
    dir
}

/// The repository's root (for `examples/`).
pub fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A small clean unit: one contract over `std/salesforce`'s Lead.
pub const SMALL: &str = r#"import "std/salesforce"

contract enrich {
  object Lead
  actor ai "alim"
  trigger on update(Email)
  exclude when Email ends with "@competitor.example"
  fields {
    Industry: auto
    *: never
  }
  audit record_id, contract, version, trigger, field, old_value, new_value,
        source, confidence, timestamp, actor
  rollback {
    keep previous values for 90d
    notify record.owner
  }
}
"#;

/// A mutation `SMALL` decides `auto`: its cause is a changed Email.
pub const GOOD_LINE: &str = r#"{"object":"Lead","event":"update","trigger":{"event":"update","fields":["Email"]},"actor":{"kind":"ai","name":"alim"},"confidence":0.95,"source":"enrichment","at":"2026-11-21T10:00:00Z","record":{"Id":"00Q1","Industry":null,"Email":"a@b.example"},"changes":{"Industry":"Technology"}}"#;

/// Writes `SMALL` into `dir` and builds it to `t.crmct`.
pub fn build_small(dir: &Path) {
    std::fs::write(dir.join("lead.crmc"), SMALL).unwrap();
    let built = crmc(&["build", "lead.crmc", "-o", "t.crmct"], dir);
    assert_eq!(built.status.code(), Some(0), "{}", text(&built.stderr));
}
