//! One unit taken through the front end for the editor: the same
//! [`pipeline`] `crmc check` runs (so the same diagnostics), from the
//! overlay of open documents and the parse cache, plus what the editor
//! features need to go from a file id to a URI and back.

use super::convert;
use super::documents::{Documents, Overlay, ParseCache};
use super::stdlib;
use crate::analyze::AnalysisCache;
use crate::load::{self, LoadError, ParsedUnit};
use crate::pipeline::{self, Depth, FrontEnd};
use crate::source::SourceFile;
use crate::span::{FileId, Span};
use crate::syntax::ast;
use lsp_types::{Location, Range, Uri};
use std::path::{Path, PathBuf};

/// A checked unit and the URI of each of its files.
pub struct Unit {
    pub front: FrontEnd,
    /// By file id; `None` for a file no URI can name.
    uris: Vec<Option<Uri>>,
}

/// Loads, checks and analyzes (at [`Depth::Analyze`]) the unit rooted at `roots`.
pub fn run(
    roots: &[PathBuf],
    docs: &Documents,
    cache: &ParseCache,
    depth: Depth,
) -> Result<Unit, LoadError> {
    let parsed = load(roots, docs, cache)?;
    let front = pipeline::finish(parsed, depth, crate::analyze::Options::default());
    Ok(with_uris(front, docs))
}

/// [`run`] at [`Depth::Analyze`], reusing the per-contract analysis results
/// `results` kept from the unit's last analysis (and updating them).
pub fn run_cached(
    roots: &[PathBuf],
    docs: &Documents,
    cache: &ParseCache,
    results: &mut AnalysisCache,
) -> Result<Unit, LoadError> {
    let parsed = load(roots, docs, cache)?;
    let opts = crate::analyze::Options::default();
    let front = pipeline::finish_cached(parsed, Depth::Analyze, opts, results).0;
    Ok(with_uris(front, docs))
}

/// Loads the unit rooted at `roots` (open documents over the disk, parses
/// from the cache where the text is unchanged).
pub fn load(
    roots: &[PathBuf],
    docs: &Documents,
    cache: &ParseCache,
) -> Result<ParsedUnit, LoadError> {
    load::load_with(roots, &Overlay { docs }, cache)
}

/// A front end's result with the URI of each of its files.
pub fn with_uris(front: FrontEnd, docs: &Documents) -> Unit {
    let uris = front
        .parsed
        .sources
        .files()
        .map(|(_, f)| uri_of_key(&f.key, docs))
        .collect();
    Unit { front, uris }
}

/// The URI of a file key: the open document's own URI when it is open
/// (the client's spelling), a written-out module for `std/…`.
fn uri_of_key(key: &Path, docs: &Documents) -> Option<Uri> {
    if let Some(doc) = docs.get(key) {
        return Some(doc.uri.clone());
    }
    match stdlib::module_of_key(key) {
        Some(module) => convert::path_to_uri(&stdlib::materialize(module)?),
        None => convert::path_to_uri(key),
    }
}

impl Unit {
    pub fn uri(&self, file: FileId) -> Option<&Uri> {
        self.uris.get(file.0 as usize).and_then(Option::as_ref)
    }

    pub fn source(&self, file: FileId) -> Option<&SourceFile> {
        self.front.parsed.sources.get(file)
    }

    /// The file whose key is `key`.
    pub fn file_of_key(&self, key: &Path) -> Option<FileId> {
        self.front.parsed.sources.find_key(key)
    }

    /// The syntax tree of a file.
    pub fn tree(&self, file: FileId) -> Option<&ast::File> {
        self.front
            .parsed
            .files
            .iter()
            .find(|(id, _)| *id == file)
            .map(|(_, f)| f)
    }

    /// The LSP range of a span.
    pub fn range(&self, span: Span) -> Option<Range> {
        let f = self.source(span.file)?;
        Some(convert::range(
            &f.text,
            f.line_starts(),
            span.start,
            span.end,
        ))
    }

    /// The LSP location of a span.
    pub fn location(&self, span: Span) -> Option<Location> {
        Some(Location {
            uri: self.uri(span.file)?.clone(),
            range: self.range(span)?,
        })
    }

    /// Every (file id, tree) of the unit.
    pub fn trees(&self) -> impl Iterator<Item = (FileId, &ast::File)> {
        self.front.parsed.files.iter().map(|(id, f)| (*id, f))
    }

    /// Whether a file is one of the user's (not a `std/…` module).
    pub fn is_user_file(&self, file: FileId) -> bool {
        self.source(file)
            .is_some_and(|f| stdlib::module_of_key(&f.key).is_none())
    }
}
