//! The compiler as a library (issue 11 §4): `crmc::compile` refuses and
//! accepts exactly what `crmc build` does and builds the same bytes;
//! `crmc::check` reports what `crmc check` reports; every problem is a
//! `miette::Diagnostic` a caller's handler prints with its snippet.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use miette::{Diagnostic as _, GraphicalReportHandler, GraphicalTheme};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn crmc() -> Command {
    Command::new(env!("CARGO_BIN_EXE_crmc"))
}

fn example_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("examples")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir() && crmc::load::files::expand(std::slice::from_ref(p)).is_ok())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 8, "{dirs:?}");
    dirs
}

#[test]
fn compile_builds_the_bytes_crmc_build_builds_and_refuses_what_it_refuses() {
    let out = std::env::temp_dir().join(format!("crmc-api-{}.crmct", std::process::id()));
    let mut refused = 0;
    for dir in example_dirs() {
        let built = crmc()
            .args(["build", "--quiet", "-o"])
            .arg(&out)
            .arg(&dir)
            .output()
            .unwrap();
        let library = crmc::compile(&crmc::Sources::paths([&dir]));
        match (built.status.code(), library) {
            (Some(0), Ok(table)) => {
                assert_eq!(std::fs::read(&out).unwrap(), table.to_bytes(), "{dir:?}");
            }
            (Some(1), Err(crmc::Error::Invalid(problems))) => {
                refused += 1;
                assert!(problems.iter().any(crmc::Problem::is_error), "{dir:?}");
            }
            (code, library) => {
                panic!("{dir:?}: crmc build exited {code:?}, library gave {library:?}")
            }
        }
        let _ = std::fs::remove_file(&out);
    }
    // examples/broken parses and type-checks: only analysis refuses it.
    assert_eq!(refused, 1);
}

#[test]
fn an_analysis_error_alone_refuses_the_unit() {
    let broken = crmc::Sources::paths(["examples/broken"]);
    let err = crmc::compile(&broken).unwrap_err();
    let codes: Vec<&str> = err
        .problems()
        .iter()
        .filter(|p| p.is_error())
        .map(|p| p.code())
        .collect();
    assert!(codes.iter().all(|c| c.starts_with("E05")), "{codes:?}");
    assert!(
        codes.contains(&"E0501") && codes.contains(&"E0507"),
        "{codes:?}"
    );
    assert_eq!(
        err.to_string(),
        format!("the unit has {} errors; no table was built", codes.len())
    );
}

/// (code, file, start, end, message) of each diagnostic.
type Key = (String, String, u64, u64, String);

fn cli_keys(dir: &Path) -> Vec<Key> {
    let out = crmc()
        .args(["check", "--format", "json"])
        .arg(dir)
        .output()
        .unwrap();
    let all: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    all.iter()
        .filter(|d| d.get("suppressed").is_none_or(Value::is_null))
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
                d["range"]["start"].as_u64().unwrap(),
                d["range"]["end"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn check_reports_what_crmc_check_reports() {
    let mut seen = 0;
    for dir in example_dirs() {
        let problems = crmc::check(&crmc::Sources::paths([&dir])).unwrap();
        let keys: Vec<Key> = problems
            .iter()
            .map(|p| {
                let d = p.diagnostic();
                (
                    d.code.to_string(),
                    p.file_name().unwrap().to_string(),
                    u64::from(d.primary.span.start),
                    u64::from(d.primary.span.end),
                    d.message.clone(),
                )
            })
            .collect();
        assert_eq!(keys, cli_keys(&dir), "{dir:?}");
        seen += keys.len();
    }
    assert!(seen >= 6, "the examples report {seen} problems");
}

fn render(diagnostic: &dyn miette::Diagnostic) -> String {
    let mut out = String::new();
    GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
        .with_width(100)
        .render_report(&mut out, diagnostic)
        .unwrap();
    out
}

const SCHEMA_AND_TYPO: &str = "import \"std/salesforce\"\n\ncontract c version 1 {\n  object Lead\n  actor ai \"x\"\n  mode draft\n  trigger on update\n  fields { Indstry: auto }\n}\n";

#[test]
fn a_miette_handler_prints_code_snippet_label_and_hint() {
    let sources = crmc::Sources::in_memory().file("typo.crmc", SCHEMA_AND_TYPO);
    let err = crmc::compile(&sources).unwrap_err();
    let typo = &err.problems()[0];
    assert_eq!(typo.severity(), crmc::diagnostics::Severity::Error);
    assert_eq!(typo.code().to_string(), "E0302");
    let text = render(typo);
    for needle in [
        "E0302",
        "`Lead` has no field `Indstry`",
        "typo.crmc:8:12",
        "fields { Indstry: auto }",
        "not a field of `Lead`",
        "did you mean `Industry`?",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from\n{text}");
    }
    // The unit's error prints every problem under it.
    let whole = render(&err);
    assert!(
        whole.contains("the unit has 1 error;") && whole.contains("Indstry"),
        "{whole}"
    );
    assert_eq!(err.related().unwrap().count(), 1);
}

#[test]
fn witness_and_notes_are_in_the_help_and_labels_in_other_files_are_related() {
    let problems = crmc::check(&crmc::Sources::paths(["examples/broken"])).unwrap();
    let conflict = problems.iter().find(|p| p.code() == "E0501").unwrap();
    let help = conflict.help().unwrap().to_string();
    assert!(
        help.contains("narrow `eligible`") && help.contains("witness: {"),
        "{help}"
    );
    assert_eq!(conflict.labels().unwrap().count(), 2);

    // The same conflict with each contract in its own file: the other
    // contract's label is drawn as a related note in its own source.
    let text = std::fs::read_to_string("examples/broken/broken.crmc").unwrap();
    let contract = |name: &str| {
        let start = text.find(&format!("contract {name} {{")).unwrap();
        let len = text[start..].find("\n}\n").unwrap() + 3;
        text[start..start + len].to_string()
    };
    let head = "import \"std/salesforce\"\nimport \"std/suppression\"\n";
    let sources = crmc::Sources::in_memory()
        .file(
            "one.crmc",
            format!(
                "{head}extend object Lead {{ Segment__c: string }}\n{}",
                contract("enrich_leads_v2")
            ),
        )
        .file(
            "two.crmc",
            format!(
                "{head}\n{}",
                contract("enrich_leads").replace("auto when empty, review", "auto")
            ),
        );
    let problems = crmc::check(&sources).unwrap();
    let conflict = problems
        .iter()
        .find(|p| p.code() == "E0501")
        .unwrap_or_else(|| panic!("{problems:?}"));
    let related: Vec<_> = conflict.related().unwrap().collect();
    assert_eq!(related.len(), 1);
    let rendered = render(conflict);
    assert!(
        rendered.contains("one.crmc") && rendered.contains("two.crmc"),
        "{rendered}"
    );
}

#[test]
fn suppressed_findings_are_left_out_as_crmc_check_hides_them() {
    let text = "import \"std/salesforce\"\n\n// crmc: allow(W0513) audited by the caller\ncontract c version 1 {\n  object Lead\n  actor ai \"x\"\n  mode draft\n  trigger on update\n  fields { Industry: suggest }\n}\n";
    let plain = text.replace("// crmc: allow(W0513) audited by the caller\n", "");
    let codes = |t: &str| -> Vec<&'static str> {
        crmc::check(&crmc::Sources::in_memory().file("s.crmc", t))
            .unwrap()
            .iter()
            .map(crmc::Problem::code)
            .collect()
    };
    assert!(codes(&plain).contains(&"W0513"), "{:?}", codes(&plain));
    assert!(!codes(text).contains(&"W0513"), "{:?}", codes(text));
}

#[test]
fn unreadable_units_are_load_errors_never_an_empty_table() {
    let cases = [
        crmc::Sources::paths(["no/such/dir"]),
        crmc::Sources::paths(["tests/snapshots"]),
        crmc::Sources::paths(Vec::<PathBuf>::new()),
        crmc::Sources::in_memory(),
    ];
    for sources in cases {
        let err = crmc::compile(&sources).unwrap_err();
        assert!(matches!(err, crmc::Error::Load(_)), "{err:?}");
        assert!(matches!(crmc::check(&sources), Err(crmc::Error::Load(_))));
    }
    // A missing import is a problem at the import, as in `crmc check`.
    let sources = crmc::Sources::in_memory().file("a.crmc", "import \"./b.crmc\"\n");
    let err = crmc::compile(&sources).unwrap_err();
    assert_eq!(err.problems()[0].code(), "E0201");
}

#[test]
fn a_text_in_memory_replaces_its_file_on_disk_wherever_it_is_reached_from() {
    let path = "examples/broken/broken.crmc";
    let text = std::fs::read_to_string(path).unwrap();
    // the edited buffer: the conflicting contract's rule made to agree
    let fixed = text.replace(
        "    Industry: review\n",
        "    Industry: auto when empty, review\n",
    );
    assert_ne!(fixed, text);
    let codes = |sources: &crmc::Sources| -> Vec<&'static str> {
        crmc::check(sources)
            .unwrap()
            .iter()
            .map(crmc::Problem::code)
            .collect()
    };
    let on_disk = codes(&crmc::Sources::paths(["examples/broken"]));
    // named as a file, or reached through its directory: the memory text wins
    for sources in [
        crmc::Sources::paths(["examples/broken"]).file(path, fixed.clone()),
        crmc::Sources::paths(Vec::<PathBuf>::new()).file(path, fixed.clone()),
        crmc::Sources::paths(["examples/broken/"])
            .file("./examples/broken/../broken/broken.crmc", fixed.clone()),
    ] {
        let edited = codes(&sources);
        let conflicts = |c: &[&str]| c.iter().filter(|c| **c == "E0501").count();
        assert_eq!(
            conflicts(&edited) + 1,
            conflicts(&on_disk),
            "{edited:?} vs {on_disk:?}"
        );
    }
    // an in-memory unit never reads the disk, even for a path that exists there
    let sources =
        crmc::Sources::in_memory().file("a.crmc", "import \"./examples/broken/broken.crmc\"\n");
    assert_eq!(
        crmc::compile(&sources).unwrap_err().problems()[0].code(),
        "E0201"
    );
}
