//! Stage 0: gather the files of a compilation unit — the roots named on the
//! command line plus everything they import, each file once — and parse
//! them. `import "std/..."` names a module embedded in the binary;
//! any other import path is relative to the importing file's real
//! location (symlinks resolved), whatever the working directory.

mod errors;
pub mod files;
pub mod stdlib;

use crate::diagnostics::Diagnostic;
use crate::source::{normalize, SourceMap, SourceProvider};
use crate::span::{FileId, Span};
use crate::syntax::{self, ast};
use errors::ImportError;
pub use errors::LoadError;
use std::path::{Path, PathBuf};

/// The parsed files of a unit, with every syntax and import diagnostic.
/// Invariant: each file appears once; imports are not yet checked for meaning.
#[derive(Debug, Default)]
pub struct ParsedUnit {
    pub sources: SourceMap,
    pub files: Vec<(FileId, ast::File)>,
    pub diagnostics: Vec<Diagnostic>,
}

impl ParsedUnit {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The files as the checker takes them.
    pub fn file_refs(&self) -> Vec<(FileId, &ast::File)> {
        self.files.iter().map(|(id, f)| (*id, f)).collect()
    }
}

/// How the loader turns one file's text into a tree: [`syntax::parse`], or
/// a cache of earlier parses (the language server re-parses only the file
/// that changed). `id` is part of the answer: every span carries it.
pub trait ParseFile {
    fn parse(&self, id: FileId, key: &Path, text: &str) -> (ast::File, Vec<Diagnostic>);
}

/// Parses every file afresh.
struct Fresh;

impl ParseFile for Fresh {
    fn parse(&self, id: FileId, _key: &Path, text: &str) -> (ast::File, Vec<Diagnostic>) {
        syntax::parse(id, text)
    }
}

/// Loads and parses the unit rooted at `roots`. A root that cannot be read is
/// an I/O error (the command line was wrong); a bad import is a diagnostic.
pub fn load(roots: &[PathBuf], provider: &dyn SourceProvider) -> Result<ParsedUnit, LoadError> {
    load_with(roots, provider, &Fresh)
}

/// [`load`] with the parses coming from `parser`.
pub fn load_with(
    roots: &[PathBuf],
    provider: &dyn SourceProvider,
    parser: &dyn ParseFile,
) -> Result<ParsedUnit, LoadError> {
    let mut loader = Loader {
        provider,
        parser,
        unit: ParsedUnit::default(),
        in_progress: Vec::new(),
    };
    for root in roots {
        let key = provider.canonicalize(root);
        if loader.unit.sources.find_key(&key).is_some() {
            continue;
        }
        let text = provider.read(root).map_err(|e| LoadError::Io {
            path: root.display().to_string(),
            message: e.to_string(),
        })?;
        // Imports resolve against the file's real location (its canonical
        // key), not the path as written: `crmc check a.crmc` from inside a
        // directory has the parent `""`, from which `../..` goes nowhere.
        let dir = key.parent().map(Path::to_path_buf);
        loader.visit(root.display().to_string(), key, text, dir);
    }
    crate::diagnostics::sort(&mut loader.unit.diagnostics);
    Ok(loader.unit)
}

/// Loads a unit from one in-memory text (tests, fuzzing, the language server).
pub fn load_text(name: &str, text: &str) -> ParsedUnit {
    let provider = crate::source::MemoryProvider::new().with(name, text);
    load(&[PathBuf::from(name)], &provider).unwrap_or_default()
}

struct Loader<'p> {
    provider: &'p dyn SourceProvider,
    parser: &'p dyn ParseFile,
    unit: ParsedUnit,
    /// The chain of files being loaded (for naming import cycles).
    in_progress: Vec<(PathBuf, String)>,
}

impl Loader<'_> {
    /// Parses one file and, depth first, everything it imports.
    fn visit(&mut self, name: String, key: PathBuf, text: String, dir: Option<PathBuf>) {
        // Parse before the text moves into the source map: no copy of it.
        let id = self.unit.sources.next_id();
        let (file, diags) = self.parser.parse(id, &key, &text);
        self.unit.sources.add(name.clone(), key.clone(), text);
        self.unit.diagnostics.extend(diags);
        let imports: Vec<ast::Import> = file
            .items
            .iter()
            .filter_map(|item| match item {
                ast::Item::Import(i) => Some(i.clone()),
                _ => None,
            })
            .collect();
        self.unit.files.push((id, file));
        self.in_progress.push((key, name));
        for import in imports {
            if let Err(e) = self.follow(&import, dir.as_deref()) {
                self.unit.diagnostics.push(e.to_diagnostic());
            }
        }
        self.in_progress.pop();
    }

    fn follow(&mut self, import: &ast::Import, dir: Option<&Path>) -> Result<(), ImportError> {
        let written = import.path.value.as_str();
        let span = import.path.span;
        let (display, key, text, next_dir) = if let Some(module) = written.strip_prefix("std/") {
            let key = PathBuf::from(format!("<std>/{module}"));
            if self.already_loaded(&key, written, span)? {
                return Ok(());
            }
            let text = stdlib::module(module).ok_or_else(|| ImportError::UnknownStdlib {
                span,
                name: written.to_string(),
                suggestion: stdlib::closest(module),
            })?;
            (written.to_string(), key, text.to_string(), None)
        } else {
            let joined = match dir {
                Some(d) => d.join(written),
                None => PathBuf::from(written),
            };
            let path = normalize(&joined);
            let key = self.provider.canonicalize(&path);
            if self.already_loaded(&key, written, span)? {
                return Ok(());
            }
            let text = self
                .provider
                .read(&path)
                .map_err(|e| ImportError::Missing {
                    span,
                    path: path.display().to_string(),
                    reason: e.to_string(),
                })?;
            let next_dir = key.parent().map(Path::to_path_buf);
            (path.display().to_string(), key, text, next_dir)
        };
        self.visit(display, key, text, next_dir);
        Ok(())
    }

    /// True when the file is loaded already; an error when importing it
    /// would close a cycle.
    fn already_loaded(&self, key: &Path, written: &str, span: Span) -> Result<bool, ImportError> {
        if let Some(pos) = self.in_progress.iter().position(|(k, _)| k == key) {
            let mut chain: Vec<String> = self.in_progress[pos..]
                .iter()
                .map(|(_, n)| n.clone())
                .collect();
            chain.push(self.in_progress[pos].1.clone());
            return Err(ImportError::Cycle {
                span,
                written: written.to_string(),
                chain,
            });
        }
        Ok(self.unit.sources.find_key(key).is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::MemoryProvider;

    fn codes(unit: &ParsedUnit) -> Vec<&'static str> {
        unit.diagnostics.iter().map(|d| d.code).collect()
    }

    #[test]
    fn loads_each_file_once_and_follows_relative_imports() {
        let p = MemoryProvider::new()
            .with(
                "a/main.crmc",
                "import \"./lib/b.crmc\"\nimport \"./lib/c.crmc\"\n",
            )
            .with("a/lib/b.crmc", "import \"./c.crmc\"\n")
            .with("a/lib/c.crmc", "// leaf\n");
        let unit = load(&[PathBuf::from("a/main.crmc")], &p).unwrap();
        assert_eq!(unit.files.len(), 3);
        assert!(unit.diagnostics.is_empty(), "{:?}", unit.diagnostics);
    }

    #[test]
    fn names_the_cycle() {
        let p = MemoryProvider::new()
            .with("a.crmc", "import \"./b.crmc\"\n")
            .with("b.crmc", "import \"./a.crmc\"\n");
        let unit = load(&[PathBuf::from("a.crmc")], &p).unwrap();
        assert_eq!(codes(&unit), vec!["E0202"]);
        assert!(
            unit.diagnostics[0]
                .message
                .contains("a.crmc → b.crmc → a.crmc"),
            "{}",
            unit.diagnostics[0].message
        );
    }

    #[test]
    fn missing_import_is_reported_at_the_import() {
        let text = "import \"./nope.crmc\"\n";
        let p = MemoryProvider::new().with("m.crmc", text);
        let unit = load(&[PathBuf::from("m.crmc")], &p).unwrap();
        assert_eq!(codes(&unit), vec!["E0201"]);
        let span = unit.diagnostics[0].primary.span;
        assert_eq!(&text[span.range()], "\"./nope.crmc\"");
    }

    #[test]
    fn unknown_stdlib_module_suggests_one() {
        let unit = load_text("m.crmc", "import \"std/salesforse\"\n");
        assert_eq!(codes(&unit), vec!["E0203"]);
        assert_eq!(
            unit.diagnostics[0]
                .help
                .as_deref()
                .map(|h| h.contains("std/salesforce")),
            Some(true)
        );
    }

    #[test]
    fn unreadable_root_is_an_io_error() {
        let p = MemoryProvider::new();
        assert!(matches!(
            load(&[PathBuf::from("x.crmc")], &p),
            Err(LoadError::Io { .. })
        ));
    }
}
