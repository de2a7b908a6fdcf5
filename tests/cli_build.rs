//! `crmc build` output streams: standard output carries one document.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

#[path = "support/cli.rs"]
mod cli_support;

use cli_support::*;

/// `--emit json` without `-o` puts the table on stdout; machine-format
/// diagnostics would be a second document there, so the combination is a
/// usage error (exit 2) that says what to do, and nothing is written.
#[test]
fn build_refuses_two_documents_on_stdout() {
    let dir = workdir("build-two-docs");
    std::fs::write(dir.join("lead.crmc"), SMALL).unwrap();
    for format in ["json", "sarif"] {
        let out = crmc(
            &["build", "lead.crmc", "--emit", "json", "--format", format],
            &dir,
        );
        assert_eq!(out.status.code(), Some(2), "{format}");
        assert!(out.stdout.is_empty(), "{format}: {}", text(&out.stdout));
        let err = text(&out.stderr);
        assert!(err.contains("-o FILE"), "{format}: {err}");
        // With `-o` each stream has one document: the table in the file,
        // the diagnostics on stdout.
        let out = crmc(
            &[
                "build",
                "lead.crmc",
                "--emit",
                "json",
                "--format",
                format,
                "-o",
                "t.json",
            ],
            &dir,
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "{format}: {}",
            text(&out.stderr)
        );
        let diags: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(diags.is_array() || diags["runs"].is_array(), "{format}");
        let table: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("t.json")).unwrap()).unwrap();
        assert!(table.is_object());
    }
    // `-o -` is standard output too.
    let out = crmc(
        &[
            "build",
            "lead.crmc",
            "--emit",
            "json",
            "--format",
            "json",
            "-o",
            "-",
        ],
        &dir,
    );
    assert_eq!(out.status.code(), Some(2));
    // Human diagnostics go to stderr, so the table alone is on stdout.
    let out = crmc(&["build", "lead.crmc", "--emit", "json", "-o", "-"], &dir);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(serde_json::from_slice::<serde_json::Value>(&out.stdout).is_ok());
}
