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
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            if !name.starts_with('.') && name != "target" {
                walk(&path, out)?;
            }
        } else if path.extension().is_some_and(|e| e == "crmc") {
            out.push(path);
        }
    }
    Ok(())
}
