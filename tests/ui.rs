//! Snapshot tests: every `tests/ui/**/*.crmc` file is checked as its own unit
//! and its rendered diagnostics are snapshotted (colour off). Cases under
//! `analyze/`, `json/` and `suppress/` also snapshot the JSON output. See tests/ui/README.md.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use codespan_reporting::term::termcolor::Buffer;
use crmc::diagnostics::render;
use crmc::pipeline::{self, Depth};
use crmc::source::DiskProvider;
use std::path::{Path, PathBuf};

fn relative(path: &Path) -> PathBuf {
    let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    path.strip_prefix(&tests)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

#[test]
fn ui_cases() {
    insta::glob!("ui/**/*.crmc", |path| {
        // Run from tests/ so file names in the output are short and stable.
        let rel = relative(path);
        let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
        let provider = RootedProvider { root: tests };
        let front = pipeline::run(std::slice::from_ref(&rel), &provider, Depth::Analyze)
            .expect("case file readable");
        let mut out = Buffer::no_color();
        render::render_human(&front.parsed.sources, &front.diagnostics, &mut out).expect("render");
        let mut text = String::from_utf8_lossy(out.as_slice()).into_owned();
        if let Some(summary) = render::summary_line(&front.diagnostics) {
            text.push_str(&format!("crmc: {summary}\n"));
        }
        insta::assert_snapshot!(text);
        let dir = rel
            .components()
            .nth(1)
            .and_then(|c| c.as_os_str().to_str())
            .unwrap_or("");
        if dir == "analyze" || dir == "json" || dir == "suppress" {
            insta::assert_snapshot!(
                format!(
                    "{}_json",
                    rel.file_stem().and_then(|s| s.to_str()).unwrap_or("case")
                ),
                render::render_json(&front.parsed.sources, &front.diagnostics)
            );
        }
    });
}

/// Reads case files relative to `tests/`, so diagnostics show `ui/...` paths.
struct RootedProvider {
    root: PathBuf,
}

impl crmc::source::SourceProvider for RootedProvider {
    fn read(&self, path: &Path) -> std::io::Result<String> {
        DiskProvider.read(&self.root.join(path))
    }
    fn canonicalize(&self, path: &Path) -> PathBuf {
        crmc::source::normalize(path)
    }
}
