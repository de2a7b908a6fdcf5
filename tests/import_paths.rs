//! Imports resolve against the importing file's real location, whatever the
//! working directory and however the path was written (issue 9 §3).

#![allow(clippy::unwrap_used, clippy::panic, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

const SCHEMA: &str = "schema demo {\n  object Lead {\n    Id: id readonly\n    Rating: picklist(\"Hot\", \"Cold\")\n  }\n}\n";
const UNIT: &str = "import \"../../schema.crmc\"\n";

/// A fresh directory `root/d1/d2` with `root/schema.crmc` and `d1/d2/a.crmc`.
fn tree(tag: &str) -> PathBuf {
    let root = std::env::temp_dir().join(format!("crmc-import-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("d1/d2")).unwrap();
    std::fs::write(root.join("schema.crmc"), SCHEMA).unwrap();
    std::fs::write(root.join("d1/d2/a.crmc"), UNIT).unwrap();
    root
}

fn check(args: &[&str], dir: &Path) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_crmc"))
        .arg("check")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn a_parent_relative_import_works_from_the_files_own_directory() {
    let root = tree("own");
    let (code, text) = check(&["a.crmc"], &root.join("d1/d2"));
    assert_eq!(code, 0, "{text}");
    let (code, text) = check(&["./a.crmc"], &root.join("d1/d2"));
    assert_eq!(code, 0, "{text}");
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn the_same_import_works_from_any_working_directory() {
    let root = tree("any");
    for (cwd, arg) in [
        (root.clone(), "d1/d2/a.crmc".to_string()),
        (root.join("d1"), "d2/a.crmc".to_string()),
        (root.join("d1"), "../d1/d2/../d2/a.crmc".to_string()),
        (
            std::env::temp_dir(),
            root.join("d1/d2/a.crmc").display().to_string(),
        ),
    ] {
        let (code, text) = check(&[&arg], &cwd);
        assert_eq!(code, 0, "{arg} from {}: {text}", cwd.display());
    }
    std::fs::remove_dir_all(&root).unwrap();
}

#[cfg(unix)]
#[test]
fn a_symlinked_file_imports_from_where_it_really_is() {
    let root = tree("link");
    let elsewhere = root.join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::os::unix::fs::symlink(root.join("d1/d2/a.crmc"), elsewhere.join("a.crmc")).unwrap();
    let (code, text) = check(&["a.crmc"], &elsewhere);
    assert_eq!(code, 0, "{text}");
    std::fs::remove_dir_all(&root).unwrap();
}
