//! The files a unit starts from: paths as a user names them (files, or
//! directories meaning every `.crmc` file below them), turned into the
//! loader's roots. Shared by the command line and the library API, so a
//! directory means the same unit to both.

use std::path::{Path, PathBuf};

/// Files named directly, plus every `.crmc` file below named directories
/// (sorted, skipping hidden directories and `target`). A named directory
/// with no `.crmc` file, or a path that does not exist, is an error: a
/// unit silently missing its contracts would govern nothing.
pub fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let before = out.len();
            walk(p, &mut out).map_err(|e| format!("cannot read `{}`: {e}", p.display()))?;
            if out.len() == before {
                return Err(format!("no .crmc files in `{}`", p.display()));
            }
        } else if p.exists() {
            out.push(p.clone());
        } else {
            return Err(format!("`{}` does not exist", p.display()));
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut seen = std::collections::BTreeSet::new();
    walk_from(dir, out, &mut seen)
}

/// Visits each real directory once: a symlink back up the tree (`a/b ->
/// ..`) would otherwise recurse until the stack overflows.
fn walk_from(
    dir: &Path,
    out: &mut Vec<PathBuf>,
    seen: &mut std::collections::BTreeSet<PathBuf>,
) -> std::io::Result<()> {
    if !seen.insert(std::fs::canonicalize(dir)?) {
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            if !name.starts_with('.') && name != "target" {
                walk_from(&path, out, seen)?;
            }
        } else if path.extension().is_some_and(|e| e == "crmc") {
            out.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_symlink_loop_is_walked_once() {
        let root = std::env::temp_dir().join(format!("crmc-files-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("a")).unwrap();
        std::fs::write(root.join("a/x.crmc"), "").unwrap();
        std::os::unix::fs::symlink("..", root.join("a/up")).unwrap();
        let files = expand(std::slice::from_ref(&root)).unwrap();
        std::fs::remove_dir_all(&root).unwrap();
        assert_eq!(files, vec![root.join("a/x.crmc")]);
    }
}
