//! Expanding command-line paths into the `.crmc` files of a unit.

use std::path::{Path, PathBuf};

/// Files named directly, plus every `.crmc` file below named directories
/// (sorted, skipping hidden directories and `target`). No paths: `.`.
pub fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let defaults = [PathBuf::from(".")];
    let paths = if paths.is_empty() {
        &defaults[..]
    } else {
        paths
    };
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

/// Groups of roots, one unit each: with `each`, every path is its own unit.
pub fn units(paths: &[PathBuf], each: bool) -> Result<Vec<Vec<PathBuf>>, String> {
    if each && !paths.is_empty() {
        paths
            .iter()
            .map(|p| expand(std::slice::from_ref(p)))
            .collect()
    } else {
        Ok(vec![expand(paths)?])
    }
}
