//! `crmc lsp` driven over stdio, one recorded session per case file under
//! tests/lsp/cases/ (see tests/lsp/harness.rs for the syntax), each
//! transcript snapshotted; plus the check that the server's diagnostics
//! are `crmc check --format json`'s for the same files.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

#[path = "lsp/harness.rs"]
mod harness;

use harness::{markers, sections, Session};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A fresh directory for one case.
fn workspace(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("crmc-lsp-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::canonicalize(&dir).unwrap()
}

/// Paths of this run replaced by stable names.
fn normalise(text: &str, dir: &Path) -> String {
    let std_dir = std::env::temp_dir().join(format!("crmc-std-{}", env!("CARGO_PKG_VERSION")));
    let std_dir = std::fs::canonicalize(&std_dir).unwrap_or(std_dir);
    text.replace(&format!("file://{}", dir.display()), "file:///WORKSPACE")
        .replace(&format!("file://{}", std_dir.display()), "file:///STD")
        .replace(&dir.display().to_string(), "/WORKSPACE")
}

fn init(session: &mut Session) -> Value {
    let root = session.uri("");
    let root = root.trim_end_matches('/').to_string();
    let r = session.request(
        "initialize",
        json!({"processId": null, "rootUri": root, "capabilities": {},
               "workspaceFolders": [{"uri": root, "name": "ws"}]}),
    );
    session.notify("initialized", json!({}));
    r
}

struct Doc {
    text: String,
    marks: BTreeMap<String, (u32, u32)>,
    version: i32,
}

fn position(docs: &BTreeMap<String, Doc>, name: &str, mark: &str) -> Value {
    let doc = docs
        .get(name)
        .unwrap_or_else(|| panic!("no document {name}"));
    let (line, character) = *doc
        .marks
        .get(mark)
        .unwrap_or_else(|| panic!("no marker {mark} in {name}"));
    json!({"line": line, "character": character})
}

/// Runs one case; returns its transcript.
fn run_case(path: &Path) -> String {
    let case = std::fs::read_to_string(path).unwrap();
    let name = path.file_stem().unwrap().to_string_lossy().to_string();
    let dir = workspace(&name);
    let secs = sections(&case);
    let mut docs: BTreeMap<String, Doc> = BTreeMap::new();
    // Every file is on disk before the server starts (its workspace scan).
    for s in &secs {
        let mut words = s.head.split_whitespace();
        if let (Some("file" | "disk"), Some(file)) = (words.next(), words.next()) {
            let (text, marks) = markers(&s.body);
            let p = dir.join(file);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, &text).unwrap();
            docs.insert(
                file.to_string(),
                Doc {
                    text,
                    marks,
                    version: 1,
                },
            );
        }
    }
    let mut session = Session::start(&dir);
    let mut out = String::new();
    let caps = init(&mut session);
    out.push_str(&format!(
        "## initialize\n{}\n",
        serde_json::to_string_pretty(&caps["result"]["capabilities"]).unwrap()
    ));
    for s in &secs {
        let words: Vec<&str> = s.head.split_whitespace().collect();
        let file = words.get(1).copied().unwrap_or("");
        let mark = words.get(2).copied().unwrap_or("$0");
        let uri = session.uri(file);
        let doc_pos = |docs: &BTreeMap<String, Doc>| json!({"textDocument": {"uri": uri}, "position": position(docs, file, mark)});
        let step = words.first().copied().unwrap_or("");
        if !matches!(step, "file" | "disk" | "change" | "save" | "close" | "raw") {
            // Analysis runs in the background: wait for it, so the answer
            // does not depend on timing.
            session.request("crmc/settle", Value::Null);
        }
        let response = match step {
            "file" => {
                let text = docs[file].text.clone();
                session.notify(
                    "textDocument/didOpen",
                    json!({"textDocument": {"uri": uri, "languageId": "crmc", "version": 1, "text": text}}),
                );
                continue;
            }
            "disk" => continue,
            "change" => {
                let (text, marks) = markers(&s.body);
                let doc = docs.get_mut(file).unwrap();
                doc.version += 1;
                doc.text = text.clone();
                doc.marks = marks;
                let version = doc.version;
                session.notify(
                    "textDocument/didChange",
                    json!({"textDocument": {"uri": uri, "version": version},
                           "contentChanges": [{"text": text}]}),
                );
                continue;
            }
            "save" => {
                session.notify("textDocument/didSave", json!({"textDocument": {"uri": uri}}));
                continue;
            }
            "close" => {
                session.notify("textDocument/didClose", json!({"textDocument": {"uri": uri}}));
                continue;
            }
            "raw" => {
                session.send_raw(s.body.replace('\n', "\r\n").as_bytes());
                continue;
            }
            "hover" => session.request("textDocument/hover", doc_pos(&docs)),
            "definition" => session.request("textDocument/definition", doc_pos(&docs)),
            "completion" => {
                let mut r = session.request("textDocument/completion", doc_pos(&docs));
                // Labels only: the list is long; kinds and edits are
                // covered by the picklist case.
                if let Some(items) = r["result"].as_array() {
                    let labels: Vec<Value> = items
                        .iter()
                        .map(|i| {
                            let mut l = json!(i["label"]);
                            if let Some(edit) = i.get("textEdit") {
                                l = json!({"label": i["label"], "textEdit": edit});
                            }
                            l
                        })
                        .collect();
                    r["result"] = Value::Array(labels);
                }
                r
            }
            "formatting" => session.request(
                "textDocument/formatting",
                json!({"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
            ),
            "symbols" => session.request(
                "textDocument/documentSymbol",
                json!({"textDocument": {"uri": uri}}),
            ),
            "actions" => {
                let p = position(&docs, file, mark);
                session.request(
                    "textDocument/codeAction",
                    json!({"textDocument": {"uri": uri}, "range": {"start": p, "end": p},
                           "context": {"diagnostics": []}}),
                )
            }
            "request" => {
                let method = words.get(1).copied().unwrap_or("");
                let params: Value = serde_json::from_str(s.body.trim()).unwrap_or(Value::Null);
                session.request(method, params)
            }
            "diagnostics" => {
                let shown: BTreeMap<&String, &Value> = session.diagnostics.iter().collect();
                out.push_str(&format!(
                    "## diagnostics\n{}\n",
                    serde_json::to_string_pretty(&shown).unwrap()
                ));
                continue;
            }
            other => panic!("unknown step `{other}` in {}", path.display()),
        };
        let mut shown = response.clone();
        if let Some(obj) = shown.as_object_mut() {
            obj.remove("jsonrpc");
            obj.remove("id");
        }
        out.push_str(&format!(
            "## {}\n{}\n",
            s.head,
            serde_json::to_string_pretty(&shown).unwrap()
        ));
        for m in std::mem::take(&mut session.other) {
            out.push_str(&format!(
                "## (also sent)\n{}\n",
                serde_json::to_string_pretty(&m).unwrap()
            ));
        }
    }
    let (status, rest) = session.finish();
    for m in rest {
        out.push_str(&format!(
            "## (also sent)\n{}\n",
            serde_json::to_string_pretty(&m).unwrap()
        ));
    }
    out.push_str(&format!("## exit status {status:?}\n"));
    let text = normalise(&out, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    text
}

#[test]
fn lsp_cases() {
    insta::glob!("lsp/cases/*.txt", |path| {
        let transcript = run_case(path);
        insta::assert_snapshot!(transcript);
    });
}

/// (code, 1-based line, message) of each unsuppressed diagnostic `crmc
/// check --format json FILE` reports in FILE itself.
fn check_json(dir: &Path, file: &Path) -> Vec<(String, u64, String)> {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_crmc"))
        .args(["check", "--format", "json"])
        .arg(file)
        .current_dir(dir)
        .output()
        .unwrap();
    let all: Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let canonical = std::fs::canonicalize(dir.join(file)).unwrap();
    let mut got: Vec<(String, u64, String)> = all
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d.get("suppressed").is_none())
        .filter(|d| {
            std::fs::canonicalize(dir.join(d["file"].as_str().unwrap_or("")))
                .is_ok_and(|p| p == canonical)
        })
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["start"]["line"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    got.sort();
    got
}

/// The same triples from the server's published diagnostics (the message's
/// first line is `crmc check`'s message; help and notes follow it).
fn lsp_triples(diags: &Value) -> Vec<(String, u64, String)> {
    let mut got: Vec<(String, u64, String)> = diags
        .as_array()
        .map(|a| a.as_slice())
        .unwrap_or(&[])
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["range"]["start"]["line"].as_u64().unwrap() + 1,
                d["message"]
                    .as_str()
                    .unwrap()
                    .lines()
                    .next()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect();
    got.sort();
    got
}

/// Every single-file unit under `dir` (files of directories with relative
/// imports are left out: there a unit is more than one file).
fn single_file_units(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&d)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        let files: Vec<&PathBuf> = entries
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "crmc"))
            .collect();
        let relative = files.iter().any(|f| {
            let text = std::fs::read_to_string(f).unwrap_or_default();
            text.contains("import \"./") || text.contains("import \"../")
        });
        if !relative {
            out.extend(
                files
                    .into_iter()
                    .map(|f| f.strip_prefix(dir).unwrap().to_path_buf()),
            );
        }
        todo.extend(entries.iter().filter(|p| p.is_dir()).cloned());
    }
    out.sort();
    out
}

/// The server's diagnostics are `crmc check`'s: same codes, lines and
/// messages, for every single-file case of tests/ui and every example.
fn same_as_check(dir: &Path) {
    let dir = std::fs::canonicalize(dir).unwrap();
    let files = single_file_units(&dir);
    assert!(files.len() > 5, "{}: too few cases", dir.display());
    let mut session = Session::start(&dir);
    init(&mut session);
    let mut compared = 0;
    for file in &files {
        let uri = session.uri(&file.display().to_string());
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        session.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "crmc", "version": 1, "text": text}}),
        );
        // The file's diagnostics, analysis included, are out before this answer.
        session.request("crmc/settle", Value::Null);
        let expected = check_json(&dir, file);
        let got = lsp_triples(session.diagnostics.get(&uri).unwrap_or(&Value::Null));
        assert_eq!(got, expected, "{}", file.display());
        compared += expected.len();
        session.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri}}),
        );
    }
    assert!(
        compared > 0,
        "no diagnostics compared under {}",
        dir.display()
    );
    let (status, _) = session.finish();
    assert_eq!(status, Some(0));
}

#[test]
fn diagnostics_are_crmc_checks_for_the_ui_cases() {
    same_as_check(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui"));
}

#[test]
fn diagnostics_are_crmc_checks_for_the_examples() {
    same_as_check(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples"));
}

/// Every quick fix removes the diagnostic it is for: applying the edit and
/// checking again leaves no diagnostic of that code at that place.
#[test]
fn quick_fixes_fix_what_they_are_for() {
    use crmc::pipeline::{self, Depth};
    use crmc::source::MemoryProvider;
    let cases = [
        "import \"std/salesforse\"\n",
        "import \"std/salesforce\"\ncontract a {\n  objec Lead\n}\n",
        "import \"std/salesforce\"\ncontract a {\n  object Lead\n  actor ai \"x\"\n  trigger on create\n  fields {\n    Ratng: review\n  }\n}\n",
        "import \"std/salesforce\"\ncontract a {\n  object Lead\n  actor ai \"x\"\n  trigger on create\n  eligible when Rating == \"Hott\"\n  fields {\n    Rating: review\n  }\n}\n",
        "import \"std/salesforce\"\ncontract a {\n  object Lead\n  actor ai \"x\"\n  trigger on create\n  fields {\n    Rating: reviw\n  }\n}\n",
        "import \"std/salesforce\"\ncontract a {\n  object Laed\n  actor ai \"x\"\n  trigger on create\n}\n",
        "import \"std/salesforce\"\nimport \"std/suppression\"\ncontract a {\n  object Lead\n  actor ai \"x\"\n  trigger on create\n  exclude sf_lead_opted_ot\n  fields {\n    Rating: review\n  }\n}\n",
        "import \"std/salesforce\"\ncontract a {\n  object Contact\n  actor ai \"x\"\n  trigger on create\n  eligible when Acount.Name is set\n  fields {\n    Title: review\n  }\n}\n",
        "object Lead { Owner: ref(Usr) }\nobject User { Name: string }\n",
    ];
    let mut fixed = 0;
    for text in cases {
        let run = |text: &str| {
            let p = MemoryProvider::new().with("m.crmc", text);
            pipeline::run(&[PathBuf::from("m.crmc")], &p, Depth::Analyze).unwrap()
        };
        let front = run(text);
        let mut any = false;
        for d in &front.diagnostics {
            let span = d.primary.span;
            let Some(new) = crmc::lsp::actions::fix(d, &text[span.range()]) else {
                continue;
            };
            any = true;
            let mut edited = text.to_string();
            edited.replace_range(span.range(), &new);
            let after = run(&edited);
            let line = front.parsed.sources.line_col(span.file, span.start).0;
            let still = after.diagnostics.iter().any(|e| {
                e.code == d.code
                    && after
                        .parsed
                        .sources
                        .line_col(e.primary.span.file, e.primary.span.start)
                        .0
                        == line
            });
            assert!(
                !still,
                "{text}: fixing {} with `{new}` left it:\n{edited}",
                d.code
            );
            fixed += 1;
        }
        assert!(any, "no quick fix for:\n{text}\n{:#?}", front.diagnostics);
    }
    assert!(fixed >= cases.len());
}

/// After edits, the server's findings (which reuse the last analysis's
/// per-contract results) are still `crmc check`'s for the edited text:
/// for every analysis case, a line added at the top (every contract moves)
/// and then a changed threshold or outcome (one contract changes).
#[test]
fn diagnostics_after_edits_are_crmc_checks_of_the_edited_text() {
    let cases = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui/analyze");
    let dir = workspace("edits");
    let mut session = Session::start(&dir);
    init(&mut session);
    let mut compared = 0;
    for file in single_file_units(&cases) {
        let original = std::fs::read_to_string(cases.join(&file)).unwrap();
        let path = dir.join(&file);
        std::fs::write(&path, &original).unwrap();
        let uri = session.uri(&file.display().to_string());
        session.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "crmc", "version": 1, "text": original}}),
        );
        session.request("crmc/settle", Value::Null);
        let moved = format!("// moved\n\n{original}");
        let changed = moved
            .replacen("at least 0.9", "at least 0.8", 1)
            .replacen(": auto", ": review", 1);
        for (version, text) in [(2, &moved), (3, &changed)] {
            std::fs::write(&path, text).unwrap();
            session.notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": uri, "version": version},
                       "contentChanges": [{"text": text}]}),
            );
            session.request("crmc/settle", Value::Null);
            let expected = check_json(&dir, &file);
            let got = lsp_triples(session.diagnostics.get(&uri).unwrap_or(&Value::Null));
            assert_eq!(got, expected, "{} at version {version}", file.display());
            compared += expected.len();
        }
        // deleted, then closed: its unit's analysis results are dropped
        std::fs::remove_file(&path).unwrap();
        session.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri}}),
        );
        let settled = session.request("crmc/settle", Value::Null);
        assert_eq!(settled["result"]["units_kept"], 0, "{settled}");
    }
    assert!(compared > 10, "only {compared} diagnostics compared");
    let (status, _) = session.finish();
    assert_eq!(status, Some(0));
}
