//! The open documents: their text as the editor has it, which overrides
//! the disk for every file of a unit ([`Overlay`]), and the parse cache
//! that lets a re-check re-parse only the files whose text changed.

use crate::diagnostics::Diagnostic;
use crate::load::ParseFile;
use crate::source::{DiskProvider, SourceProvider};
use crate::span::FileId;
use crate::syntax::{self, ast};
use lsp_types::Uri;
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// One open document.
#[derive(Clone, Debug)]
pub struct Document {
    pub uri: Uri,
    /// The file's canonical path (its key in units).
    pub path: PathBuf,
    pub text: String,
    pub version: i32,
}

/// Open documents by canonical path.
#[derive(Debug, Default)]
pub struct Documents {
    open: HashMap<PathBuf, Document>,
}

impl Documents {
    pub fn open(&mut self, doc: Document) {
        self.open.insert(doc.path.clone(), doc);
    }

    pub fn close(&mut self, path: &Path) -> Option<Document> {
        self.open.remove(path)
    }

    pub fn get(&self, path: &Path) -> Option<&Document> {
        self.open.get(path)
    }

    pub fn get_mut(&mut self, path: &Path) -> Option<&mut Document> {
        self.open.get_mut(path)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Document> {
        self.open.values()
    }
}

/// The disk, with open documents read from the editor instead.
pub struct Overlay<'a> {
    pub docs: &'a Documents,
}

impl SourceProvider for Overlay<'_> {
    fn read(&self, path: &Path) -> std::io::Result<String> {
        let key = self.canonicalize(path);
        match self.docs.get(&key) {
            Some(doc) => Ok(doc.text.clone()),
            None => DiskProvider.read(path),
        }
    }
    fn canonicalize(&self, path: &Path) -> PathBuf {
        // A new document may not be on disk yet: then its path as given.
        if self.docs.get(path).is_some() {
            return path.to_path_buf();
        }
        DiskProvider.canonicalize(path)
    }
}

/// One cached parse: valid while the file has the same text and the same
/// place in its unit (the file id is in every span).
struct Parsed {
    id: FileId,
    text: String,
    tree: ast::File,
    diagnostics: Vec<Diagnostic>,
}

/// Parses by file key, keeping the last parse of each file.
#[derive(Default)]
pub struct ParseCache {
    files: RefCell<HashMap<PathBuf, Parsed>>,
    /// Parses actually run (for tests and the benchmark).
    misses: RefCell<usize>,
}

impl ParseCache {
    /// How many files were parsed (not taken from the cache) so far.
    pub fn misses(&self) -> usize {
        *self.misses.borrow()
    }

    /// Forgets a file (closed, deleted).
    pub fn forget(&self, key: &Path) {
        self.files.borrow_mut().remove(key);
    }
}

impl ParseFile for ParseCache {
    fn parse(&self, id: FileId, key: &Path, text: &str) -> (ast::File, Vec<Diagnostic>) {
        if let Some(p) = self.files.borrow().get(key) {
            if p.id == id && p.text == text {
                return (p.tree.clone(), p.diagnostics.clone());
            }
        }
        *self.misses.borrow_mut() += 1;
        let (tree, diagnostics) = syntax::parse(id, text);
        self.files.borrow_mut().insert(
            key.to_path_buf(),
            Parsed {
                id,
                text: text.to_string(),
                tree: tree.clone(),
                diagnostics: diagnostics.clone(),
            },
        );
        (tree, diagnostics)
    }
}
