//! The files of a compilation unit. The library never touches the file
//! system itself: callers hand text in through [`SourceProvider`].

use crate::span::{FileId, Span};
use std::path::{Path, PathBuf};

/// One loaded file.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// What users see in diagnostics: a path as given, or `std/salesforce`.
    pub name: String,
    /// Canonical identity used to load each file once (a path, or `std/...`).
    pub key: PathBuf,
    pub text: String,
    /// Byte offset where each line starts (line 1 at index 0).
    line_starts: Vec<u32>,
}

impl SourceFile {
    fn new(name: String, key: PathBuf, text: String) -> SourceFile {
        let line_starts = std::iter::once(0)
            .chain(
                text.match_indices('\n')
                    .map(|(i, _)| u32::try_from(i + 1).unwrap_or(u32::MAX)),
            )
            .collect();
        SourceFile {
            name,
            key,
            text,
            line_starts,
        }
    }

    /// Byte offset where each line starts (line 1 at index 0).
    pub fn line_starts(&self) -> &[u32] {
        &self.line_starts
    }
}

/// All files of a unit, indexed by [`FileId`].
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    pub fn add(
        &mut self,
        name: impl Into<String>,
        key: impl Into<PathBuf>,
        text: impl Into<String>,
    ) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files
            .push(SourceFile::new(name.into(), key.into(), text.into()));
        id
    }

    /// The id the next added file will get.
    pub fn next_id(&self) -> FileId {
        FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX))
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    pub fn find_key(&self, key: &Path) -> Option<FileId> {
        self.files
            .iter()
            .position(|f| f.key == key)
            .map(|i| FileId(i as u32))
    }

    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    /// The text a span covers (empty if the span is out of range).
    pub fn snippet(&self, span: Span) -> &str {
        self.get(span.file)
            .and_then(|f| f.text.get(span.range()))
            .unwrap_or("")
    }

    /// 1-based (line, column) of a byte offset; columns count characters.
    pub fn line_col(&self, file: FileId, offset: u32) -> (usize, usize) {
        let Some(f) = self.get(file) else {
            return (1, 1);
        };
        let offset = offset.min(u32::try_from(f.text.len()).unwrap_or(u32::MAX));
        // The last line starting at or before the offset.
        let line = f
            .line_starts
            .partition_point(|&start| start <= offset)
            .max(1);
        let line_start = f.line_starts.get(line - 1).copied().unwrap_or(0) as usize;
        let col = f
            .text
            .get(line_start..offset as usize)
            .map_or(0, |s| s.chars().count())
            + 1;
        (line, col)
    }
}

/// Where file text comes from. The CLI reads the disk; tests use memory.
pub trait SourceProvider {
    /// Read a file given the path as resolved by the loader.
    fn read(&self, path: &Path) -> std::io::Result<String>;
    /// A canonical form of the path, so one file is loaded once.
    fn canonicalize(&self, path: &Path) -> PathBuf {
        path.to_path_buf()
    }
}

/// The largest `.crmc` or schema file crmc reads (and the most it reads
/// from standard input): far past any real unit (a 1,000-contract unit is
/// a few MiB), small enough that a wrong path cannot exhaust memory.
pub const MAX_SOURCE_BYTES: u64 = 64 * 1024 * 1024;

/// Reads files from the disk, each at most [`MAX_SOURCE_BYTES`].
pub struct DiskProvider;

impl SourceProvider for DiskProvider {
    fn read(&self, path: &Path) -> std::io::Result<String> {
        let bytes = crmc_eval::file::read_bounded(path, MAX_SOURCE_BYTES, "a source file")?;
        // The same wording as `fs::read_to_string`, which this replaced.
        String::from_utf8(bytes).map_err(|_| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "stream did not contain valid UTF-8",
            )
        })
    }
    fn canonicalize(&self, path: &Path) -> PathBuf {
        std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
    }
}

/// In-memory files, for tests, fuzzing and embedding.
#[derive(Default, Clone, Debug)]
pub struct MemoryProvider {
    pub files: std::collections::BTreeMap<PathBuf, String>,
}

impl MemoryProvider {
    pub fn new() -> MemoryProvider {
        MemoryProvider::default()
    }
    pub fn with(mut self, path: impl Into<PathBuf>, text: impl Into<String>) -> MemoryProvider {
        self.files.insert(path.into(), text.into());
        self
    }
}

impl SourceProvider for MemoryProvider {
    fn read(&self, path: &Path) -> std::io::Result<String> {
        self.files
            .get(&normalize(path))
            .cloned()
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"))
    }
    fn canonicalize(&self, path: &Path) -> PathBuf {
        normalize(path)
    }
}

/// Removes `.` and resolves `..` lexically (for in-memory paths).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based_and_count_characters() {
        let mut map = SourceMap::new();
        let f = map.add("a", "a", "ab\nçd\n\nx");
        assert_eq!(map.line_col(f, 0), (1, 1));
        assert_eq!(map.line_col(f, 2), (1, 3));
        assert_eq!(map.line_col(f, 3), (2, 1));
        assert_eq!(map.line_col(f, 5), (2, 2), "ç is one column");
        assert_eq!(map.line_col(f, 7), (3, 1));
        assert_eq!(map.line_col(f, 8), (4, 1));
        assert_eq!(map.line_col(f, 99), (4, 2), "past the end clamps");
    }
}
