//! The files of a unit for library callers: paths on disk, texts in
//! memory, or both (an editor's unsaved buffer over its file on disk).

use super::Error;
use crate::load::LoadError;
use crate::pipeline::{self, Depth};
use crate::source::{normalize, DiskProvider, SourceProvider};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The files of one unit: paths on disk (a directory means every `.crmc`
/// file below it, as on the command line) and texts held in memory, which
/// take the place of the disk file at the same path. Imports resolve from
/// each file's location; `std/…` modules are built in.
#[derive(Debug, Clone)]
pub struct Sources {
    /// Paths as given: expanded (directories to files) when read from disk.
    roots: Vec<PathBuf>,
    /// In-memory texts by key ([`Overlay::key`]).
    memory: BTreeMap<PathBuf, String>,
    /// Whether paths not in `memory` are read from disk.
    disk: bool,
}

impl Sources {
    /// The unit made of `paths` (files or directories), read when checked.
    pub fn paths<P: Into<PathBuf>>(paths: impl IntoIterator<Item = P>) -> Sources {
        Sources {
            roots: paths.into_iter().map(Into::into).collect(),
            memory: BTreeMap::new(),
            disk: true,
        }
    }

    /// An empty unit that reads nothing from disk; add files with
    /// [`Sources::file`].
    pub fn in_memory() -> Sources {
        Sources {
            roots: Vec::new(),
            memory: BTreeMap::new(),
            disk: false,
        }
    }

    /// Adds a file held in memory, as a root of the unit and importable by
    /// the others under its path. On a unit read from disk it replaces the
    /// disk file at that path, wherever it is reached from (a root, a
    /// directory, an import).
    pub fn file(mut self, path: impl Into<PathBuf>, text: impl Into<String>) -> Sources {
        let path = path.into();
        let key = self.overlay().key(&path);
        self.memory.insert(key, text.into());
        self.roots.push(path);
        self
    }

    fn overlay(&self) -> Overlay<'_> {
        Overlay {
            memory: &self.memory,
            disk: self.disk,
        }
    }

    /// Loads, checks and analyzes the unit.
    pub(super) fn run(&self) -> Result<pipeline::FrontEnd, Error> {
        if self.roots.is_empty() {
            return Err(Error::Load("the unit has no files".to_string()));
        }
        let overlay = self.overlay();
        let mut roots = Vec::new();
        for root in &self.roots {
            if overlay.memory.contains_key(&overlay.key(root)) {
                roots.push(root.clone());
            } else if self.disk {
                roots.extend(
                    crate::load::files::expand(std::slice::from_ref(root)).map_err(Error::Load)?,
                );
            } else {
                return Err(Error::Load(format!(
                    "`{}` is not a file of this unit",
                    root.display()
                )));
            }
        }
        pipeline::run(&roots, &overlay, Depth::Analyze)
            .map_err(|e: LoadError| Error::Load(e.to_string()))
    }
}

/// Memory first, then (for a unit on disk) the disk.
struct Overlay<'s> {
    memory: &'s BTreeMap<PathBuf, String>,
    disk: bool,
}

impl Overlay<'_> {
    /// Where a path's in-memory text is kept: on a unit on disk, the path
    /// as the loader canonicalizes a disk file (symlinks resolved; absolute
    /// for a file not on disk), so an import from a disk file finds it;
    /// else the path with `.` and `..` resolved.
    fn key(&self, path: &Path) -> PathBuf {
        if !self.disk {
            return normalize(path);
        }
        std::fs::canonicalize(path).unwrap_or_else(|_| {
            std::path::absolute(path).map_or_else(|_| normalize(path), |p| normalize(&p))
        })
    }
}

impl SourceProvider for Overlay<'_> {
    fn read(&self, path: &Path) -> std::io::Result<String> {
        if let Some(text) = self.memory.get(&self.key(path)) {
            return Ok(text.clone());
        }
        if self.disk {
            return DiskProvider.read(path);
        }
        Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "no such file in this unit",
        ))
    }

    fn canonicalize(&self, path: &Path) -> PathBuf {
        self.key(path)
    }
}
