//! `crmc schema import`: snapshot tests over small fixtures in every format
//! the importer reads, structured checks on its warnings and errors, and (when
//! the shared folder of real exports is present) a run over real exports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use crmc::import::{import, Crm, ImportError, ImportInput, ImportOptions, ImportOutput};

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn run(crm: Crm, files: &[&str], options: &ImportOptions) -> ImportOutput {
    let texts: Vec<(String, String)> = files.iter().map(|f| (f.to_string(), fixture(f))).collect();
    let inputs: Vec<ImportInput<'_>> = texts
        .iter()
        .map(|(name, json)| ImportInput { name, json })
        .collect();
    import(crm, &inputs, options).unwrap_or_else(|e| panic!("import failed: {e}"))
}

fn run_default(crm: Crm, files: &[&str]) -> ImportOutput {
    run(crm, files, &ImportOptions::default())
}

/// `object.field: message` lines, for readable assertions.
fn warnings(out: &ImportOutput) -> Vec<String> {
    out.warnings
        .iter()
        .map(|w| format!("{}.{}: {}", w.object, w.field, w.message))
        .collect()
}

fn has_warning(out: &ImportOutput, object: &str, field: &str, needle: &str) -> bool {
    out.warnings
        .iter()
        .any(|w| w.object == object && w.field == field && w.message.contains(needle))
}

fn assert_parses(name: &str, text: &str) {
    let (_file, diagnostics) = crmc::syntax::parse(crmc::span::FileId(0), text);
    assert!(
        diagnostics.is_empty(),
        "{name}: the imported schema does not parse: {:#?}",
        diagnostics.iter().map(|d| &d.message).collect::<Vec<_>>()
    );
}

// ---------------------------------------------------------------------------
// Real exports (shared folder; never committed)

fn shared_exports() -> Option<PathBuf> {
    let path = PathBuf::from("/work/shared/crm-exports");
    path.exists().then_some(path)
}

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            json_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

#[test]
fn real_exports_import_and_parse() {
    let Some(root) = shared_exports() else {
        return;
    };
    let mut files = Vec::new();
    json_files(&root, &mut files);
    assert!(!files.is_empty());
    let mut table = String::from("| file | object | fields | warnings |\n|---|---|---|---|\n");
    for path in &files {
        let rel = path.strip_prefix(&root).unwrap().display().to_string();
        let crm = if rel.starts_with("salesforce") {
            Crm::Salesforce
        } else {
            Crm::Hubspot
        };
        let json = std::fs::read_to_string(path).unwrap();
        let out = import(
            crm,
            &[ImportInput {
                name: &rel,
                json: &json,
            }],
            &ImportOptions::default(),
        )
        .unwrap_or_else(|e| panic!("{rel}: {e}"));
        assert_parses(&rel, &out.text);
        // Every field of the export is in the output.
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        let exported = match &value {
            serde_json::Value::Array(a) => a.len(),
            v => v
                .get("fields")
                .or_else(|| v.get("properties"))
                .or_else(|| v.get("results"))
                .and_then(|f| f.as_array())
                .map_or(0, Vec::len),
        };
        let (object, count) = out.field_counts.first().cloned().unwrap();
        assert_eq!(out.field_counts.len(), 1, "{rel}");
        assert_eq!(count, exported, "{rel}: fields dropped");
        table.push_str(&format!(
            "| {rel} | {object} | {count} | {} |\n",
            out.warnings.len()
        ));
        if std::env::var_os("CRMC_IMPORT_DUMP").is_some() {
            let dump = Path::new(env!("CARGO_TARGET_TMPDIR")).join(rel.replace('/', "__"));
            std::fs::write(dump.with_extension("crmc"), &out.text).unwrap();
            let w: Vec<String> = out.warnings.iter().map(|w| w.to_string()).collect();
            std::fs::write(dump.with_extension("warnings"), w.join("\n")).unwrap();
        }
    }
    println!("{table}");
}
