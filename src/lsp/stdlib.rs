//! The `std/…` modules as documents an editor can open. They live in the
//! binary, not on disk, so go-to-definition into one needs a file: each
//! module is written once, read-only, under the temporary directory
//! (`crmc-std-VERSION/NAME.crmc`), which every client can open without a
//! custom URI scheme. `crmc/stdSource` also serves the text by name.

use crate::load::stdlib;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The key the loader gives a standard module (`<std>/salesforce`).
pub fn module_of_key(key: &Path) -> Option<&str> {
    key.to_str()?.strip_prefix("<std>/")
}

/// The directory the modules are written to.
fn dir() -> PathBuf {
    std::env::temp_dir().join(format!("crmc-std-{}", env!("CARGO_PKG_VERSION")))
}

/// The path of module `name` on disk, written there the first time it is
/// asked for (then remembered: a re-check must not re-read it). `None` when
/// the module does not exist or the temporary directory cannot be written.
pub fn materialize(name: &str) -> Option<PathBuf> {
    static WRITTEN: OnceLock<Vec<(&'static str, Option<PathBuf>)>> = OnceLock::new();
    let written = WRITTEN.get_or_init(|| {
        stdlib::MODULES
            .iter()
            .map(|(n, text)| (*n, write(n, text)))
            .collect()
    });
    written
        .iter()
        .find(|(n, _)| *n == name)
        .and_then(|(_, p)| p.clone())
}

fn write(name: &str, text: &str) -> Option<PathBuf> {
    let dir = dir();
    std::fs::create_dir_all(&dir).ok()?;
    let path = dir.join(format!("{name}.crmc"));
    if std::fs::read_to_string(&path).ok().as_deref() != Some(text) {
        // A read-only file from an earlier write must be replaceable.
        let _ = std::fs::remove_file(&path);
        std::fs::write(&path, text).ok()?;
        if let Ok(meta) = std::fs::metadata(&path) {
            let mut perms = meta.permissions();
            perms.set_readonly(true);
            let _ = std::fs::set_permissions(&path, perms);
        }
    }
    Some(std::fs::canonicalize(&path).unwrap_or(path))
}
