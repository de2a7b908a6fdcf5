//! Every bundled example is a clean unit whose tests pass through its
//! compiled table; `examples/broken/` shows each kind of finding it promises.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use crmc::diagnostics::Severity;
use crmc::pipeline::{self, Depth};
use crmc::source::DiskProvider;
use std::path::{Path, PathBuf};

fn example_dirs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        // contract units only (`spark_replay` is a PySpark job)
        .filter(|p| !files(p).is_empty())
        .collect();
    dirs.sort();
    dirs
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "crmc"))
        .collect();
    out.sort();
    out
}

#[test]
fn every_example_checks_clean_and_its_tests_pass() {
    let dirs: Vec<PathBuf> = example_dirs()
        .into_iter()
        .filter(|d| !d.ends_with("broken"))
        .collect();
    assert!(dirs.len() >= 9, "the workflows of issue 5 are all here");
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        assert!(dir.join("README.md").exists(), "{name} has a README");
        let front = pipeline::run(&files(&dir), &DiskProvider, Depth::Analyze).unwrap();
        let loud: Vec<String> = front
            .diagnostics
            .iter()
            .filter(|d| d.severity >= Severity::Warning)
            .map(|d| format!("{} {}", d.code, d.message))
            .collect();
        assert!(
            loud.is_empty(),
            "{name}: `crmc check --deny warnings` would fail: {loud:#?}"
        );
        let unit = front.checked.as_ref().unwrap();
        assert!(unit.tests.len() >= 4, "{name} has tests");
        let table = crmc::compile::compile(unit).unwrap();
        for result in crmc::testing::run_tests(unit, &table) {
            assert!(
                result.passed(),
                "{name}: test `{}` failed: {:#?}",
                result.name,
                result.failures
            );
        }
    }
}

#[test]
fn the_broken_example_shows_each_finding() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/broken");
    let front = pipeline::run(&files(&dir), &DiskProvider, Depth::Analyze).unwrap();
    let kinds: Vec<&str> = front.diagnostics.iter().map(|d| d.kind()).collect();
    for kind in ["conflict", "shadowed_rule", "dead_rule", "automation_loop"] {
        assert!(
            kinds.contains(&kind),
            "examples/broken should show a `{kind}` finding; it shows {kinds:?}"
        );
    }
}
