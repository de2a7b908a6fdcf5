//! Expanding command-line paths into the `.crmc` files of a unit, and `-`
//! for standard input.

use crmc::source::{DiskProvider, SourceProvider};
use std::io::Read;
use std::path::{Path, PathBuf};

/// The name a unit's file read from standard input has in diagnostics.
/// Starting with `<`, it is no file on disk (SARIF gives it no location);
/// its imports resolve from the current directory.
pub const STDIN_NAME: &str = "<stdin>";

/// Files named directly, plus every `.crmc` file below named directories
/// (sorted, skipping hidden directories and `target`). No paths: `.`.
/// `-` is standard input (at most once).
pub fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let defaults = [PathBuf::from(".")];
    let paths = if paths.is_empty() {
        &defaults[..]
    } else {
        paths
    };
    let mut out = Vec::new();
    let mut stdin_seen = false;
    for p in paths {
        if super::stdin_path(p) {
            if stdin_seen {
                return Err("`-` (standard input) can be given only once".to_string());
            }
            stdin_seen = true;
            out.push(PathBuf::from(STDIN_NAME));
        } else {
            out.extend(crmc::load::files::expand(std::slice::from_ref(p))?);
        }
    }
    Ok(out)
}

/// The unit of `paths` (see [`expand`]), loaded and checked to `depth`.
pub fn front_end(
    paths: &[PathBuf],
    depth: crmc::pipeline::Depth,
) -> Result<crmc::pipeline::FrontEnd, String> {
    let roots = expand(paths)?;
    let provider = InputProvider::for_roots(&roots)?;
    crmc::pipeline::run(&roots, &provider, depth).map_err(|e| e.to_string())
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

/// Reads all of standard input as UTF-8 text.
pub fn read_stdin() -> Result<String, String> {
    let max = crmc::source::MAX_SOURCE_BYTES;
    let mut bytes = Vec::new();
    std::io::stdin()
        .take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read standard input: {e}"))?;
    if bytes.len() as u64 > max {
        let e = crmc_eval::file::too_long(max, "standard input");
        return Err(format!("cannot read standard input: {e}"));
    }
    String::from_utf8(bytes).map_err(|e| format!("standard input is not UTF-8: {e}"))
}

/// The disk, plus standard input under [`STDIN_NAME`] when a command line
/// named `-` (read once, before loading, so a unit sees one text).
pub struct InputProvider {
    stdin: Option<String>,
}

impl InputProvider {
    /// Reads standard input now if any of `roots` is `-`.
    pub fn for_roots<'a>(roots: impl IntoIterator<Item = &'a PathBuf>) -> Result<Self, String> {
        let wants_stdin = roots.into_iter().any(|r| r.as_os_str() == STDIN_NAME);
        let stdin = if wants_stdin {
            Some(read_stdin()?)
        } else {
            None
        };
        Ok(InputProvider { stdin })
    }
}

impl SourceProvider for InputProvider {
    fn read(&self, path: &Path) -> std::io::Result<String> {
        match &self.stdin {
            Some(text) if path.as_os_str() == STDIN_NAME => Ok(text.clone()),
            _ => DiskProvider.read(path),
        }
    }
    fn canonicalize(&self, path: &Path) -> PathBuf {
        if self.stdin.is_some() && path.as_os_str() == STDIN_NAME {
            return path.to_path_buf();
        }
        DiskProvider.canonicalize(path)
    }
}
