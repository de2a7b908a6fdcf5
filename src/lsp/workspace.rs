//! Which unit a file belongs to. `crmc check DIR` takes every `.crmc` file
//! below DIR as one unit; an editor's workspace often holds several units
//! (one directory per example). A file's unit here is its connected part of
//! the workspace's import graph: the file, what it imports, what imports it,
//! and what those import (`std/…` modules join no parts: every unit may
//! import them). For files that import one another that is the unit
//! `crmc check` sees when given those files.

use super::documents::Overlay;
use crate::source::{normalize, SourceProvider};
use crate::span::FileId;
use crate::syntax::{self, ast};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// The most files a workspace scan visits (a huge folder is not a unit).
const MAX_FILES: usize = 20_000;

/// The relative imports of each `.crmc` file of the workspace, resolved to
/// canonical paths; cached by text so a rescan parses only changed files.
#[derive(Default)]
pub struct Workspace {
    root: Option<PathBuf>,
    files: BTreeMap<PathBuf, Vec<PathBuf>>,
    /// (text hash, imports) of the last parse of each file.
    parsed: HashMap<PathBuf, (u64, Vec<PathBuf>)>,
}

fn hash(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

impl Workspace {
    pub fn new(root: Option<PathBuf>) -> Workspace {
        Workspace {
            root,
            ..Workspace::default()
        }
    }

    /// Re-reads the file list from disk (plus the open documents) and the
    /// imports of each file.
    pub fn rescan(&mut self, overlay: &Overlay<'_>) {
        let mut paths = Vec::new();
        if let Some(root) = &self.root {
            walk(root, &mut paths);
        }
        let mut files = BTreeMap::new();
        for p in paths {
            let key = overlay.canonicalize(&p);
            files.insert(key, Vec::new());
        }
        for doc in overlay.docs.iter() {
            files.insert(doc.path.clone(), Vec::new());
        }
        self.files = files;
        let keys: Vec<PathBuf> = self.files.keys().cloned().collect();
        for key in keys {
            self.update(&key, overlay);
        }
        let files = &self.files;
        self.parsed.retain(|k, _| files.contains_key(k));
    }

    /// Re-reads one file's imports (after an edit).
    pub fn update(&mut self, key: &Path, overlay: &Overlay<'_>) {
        let Ok(text) = overlay.read(key) else {
            self.files.remove(key);
            return;
        };
        let h = hash(&text);
        let imports = match self.parsed.get(key) {
            Some((old, imports)) if *old == h => imports.clone(),
            _ => {
                let imports = relative_imports(key, &text, overlay);
                self.parsed.insert(key.to_path_buf(), (h, imports.clone()));
                imports
            }
        };
        self.files.insert(key.to_path_buf(), imports);
    }

    /// The roots of `key`'s unit, sorted (always holding `key`).
    pub fn unit_roots(&self, key: &Path) -> Vec<PathBuf> {
        // Undirected edges: imports and imported-by.
        let mut edges: HashMap<&Path, Vec<&Path>> = HashMap::new();
        for (file, imports) in &self.files {
            for imp in imports {
                edges.entry(file).or_default().push(imp);
                edges.entry(imp).or_default().push(file);
            }
        }
        let mut seen: BTreeSet<PathBuf> = BTreeSet::new();
        let mut todo = vec![key];
        while let Some(f) = todo.pop() {
            if !seen.insert(f.to_path_buf()) {
                continue;
            }
            if let Some(next) = edges.get(f) {
                todo.extend(next.iter().copied());
            }
        }
        // Only files that exist in the workspace are roots; the loader
        // reports a missing import itself.
        seen.into_iter()
            .filter(|p| p == key || self.files.contains_key(p))
            .collect()
    }
}

/// The relative imports of a file, as canonical paths.
fn relative_imports(key: &Path, text: &str, provider: &dyn SourceProvider) -> Vec<PathBuf> {
    let (tree, _) = syntax::parse(FileId(0), text);
    let dir = key.parent().map(Path::to_path_buf).unwrap_or_default();
    tree.items
        .iter()
        .filter_map(|item| match item {
            ast::Item::Import(i) if !i.path.value.starts_with("std/") => {
                Some(provider.canonicalize(&normalize(&dir.join(&i.path.value))))
            }
            _ => None,
        })
        .collect()
}

/// Every `.crmc` file below `dir` (skipping hidden directories and
/// `target`, as `crmc check DIR` does), at most [`MAX_FILES`].
fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut todo = vec![dir.to_path_buf()];
    // Each directory once, by its real path: a symlink back up the tree
    // must not make the scan endless.
    let mut seen: BTreeSet<PathBuf> = BTreeSet::new();
    while let Some(d) = todo.pop() {
        let real = std::fs::canonicalize(&d).unwrap_or_else(|_| d.clone());
        if !seen.insert(real) || seen.len() > MAX_FILES {
            continue;
        }
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        entries.sort();
        for path in entries {
            if out.len() >= MAX_FILES {
                return;
            }
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if path.is_dir() {
                if !name.starts_with('.') && name != "target" {
                    todo.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "crmc") {
                out.push(path);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lsp::documents::{Document, Documents};
    use std::str::FromStr;

    fn doc(docs: &mut Documents, path: &str, text: &str) {
        docs.open(Document {
            uri: lsp_types::Uri::from_str(&format!("file://{path}")).unwrap(),
            path: PathBuf::from(path),
            text: text.to_string(),
            version: 1,
        });
    }

    #[test]
    fn a_unit_is_the_files_joined_by_imports() {
        let mut docs = Documents::default();
        doc(
            &mut docs,
            "/w/a.crmc",
            "import \"./lib/schema.crmc\"\nimport \"std/salesforce\"\n",
        );
        doc(&mut docs, "/w/lib/schema.crmc", "object X { A: string }\n");
        doc(&mut docs, "/w/c.crmc", "import \"./lib/schema.crmc\"\n");
        doc(&mut docs, "/w/d.crmc", "import \"std/salesforce\"\n");
        let mut ws = Workspace::new(None);
        ws.rescan(&Overlay { docs: &docs });
        let paths = |v: Vec<PathBuf>| -> Vec<String> {
            v.iter().map(|p| p.display().to_string()).collect()
        };
        let abc = vec!["/w/a.crmc", "/w/c.crmc", "/w/lib/schema.crmc"];
        assert_eq!(paths(ws.unit_roots(Path::new("/w/c.crmc"))), abc);
        assert_eq!(paths(ws.unit_roots(Path::new("/w/lib/schema.crmc"))), abc);
        assert_eq!(
            paths(ws.unit_roots(Path::new("/w/d.crmc"))),
            vec!["/w/d.crmc"]
        );
        // An edit that drops the import splits the unit.
        docs.get_mut(Path::new("/w/c.crmc")).unwrap().text = "// alone\n".into();
        ws.update(Path::new("/w/c.crmc"), &Overlay { docs: &docs });
        assert_eq!(
            paths(ws.unit_roots(Path::new("/w/c.crmc"))),
            vec!["/w/c.crmc"]
        );
    }
}
