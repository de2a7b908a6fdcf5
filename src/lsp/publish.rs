//! Checking, analyzing and publishing: a dirty unit is checked at once
//! and its syntax and type diagnostics published (the findings of files
//! whose text did not change are kept until new ones come); its analysis
//! runs on a background thread, one run per unit at a time, and its
//! result is published unless a newer check made it stale. Each publish
//! clears the files that no longer have diagnostics, or left the unit.

use super::diagnostics;
use super::server::{Event, Server};
use super::unit::{self, Unit};
use crate::analyze::AnalysisCache;
use crate::pipeline::{self, Depth};
use lsp_server::{Message, Notification};
use lsp_types as lsp;
use lsp_types::notification::Notification as _;
use std::collections::{BTreeSet, HashMap};
use std::io;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::{Arc, Mutex, MutexGuard};

/// Which step a publish is for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Step {
    /// Syntax and types (analysis findings follow, or never come).
    Checked,
    /// Everything `crmc check` reports.
    Analyzed,
}

impl Server {
    /// Re-checks every dirty file's unit, publishes its diagnostics, and
    /// queues its analysis.
    pub(super) fn flush(&mut self) -> io::Result<()> {
        let dirty = std::mem::take(&mut self.dirty);
        let mut done: BTreeSet<PathBuf> = BTreeSet::new();
        for key in dirty {
            if done.contains(&key) {
                continue;
            }
            let roots = self.workspace.unit_roots(&key);
            let id = roots.first().cloned().unwrap_or_else(|| key.clone());
            match unit::run(&roots, &self.docs, &self.cache, Depth::Check) {
                Ok(u) => {
                    let u = Rc::new(u);
                    done.extend(u.front.parsed.sources.files().map(|(_, f)| f.key.clone()));
                    self.remember(&u);
                    *self.generation.entry(id.clone()).or_default() += 1;
                    if u.front.checked.is_some() {
                        self.wanted.insert(id.clone(), roots);
                    } else {
                        // Errors stop the analyzer: no findings will come.
                        self.wanted.remove(&id);
                    }
                    self.publish(&id, &u, Step::Checked)?;
                }
                Err(e) => {
                    // A root that cannot be read (deleted under us).
                    self.units.remove(&key);
                    self.log(&format!("crmc: cannot check `{}`: {e}", key.display()))?;
                }
            }
        }
        self.start_analyses();
        Ok(())
    }

    /// The unit is the latest for each of its files.
    pub(super) fn remember(&mut self, u: &Rc<Unit>) {
        for (_, f) in u.front.parsed.sources.files() {
            self.units.insert(f.key.clone(), Rc::clone(u));
        }
    }

    /// Starts a background analysis of each wanted unit not being analyzed.
    pub(super) fn start_analyses(&mut self) {
        let Some(tx) = self.events.clone() else {
            return;
        };
        let ready: Vec<PathBuf> = self
            .wanted
            .keys()
            .filter(|id| !self.running.contains_key(*id))
            .cloned()
            .collect();
        for id in ready {
            let Some(roots) = self.wanted.remove(&id) else {
                continue;
            };
            // Loaded here (the cache is this thread's), analyzed there.
            let Ok(parsed) = unit::load(&roots, &self.docs, &self.cache) else {
                continue;
            };
            let generation = self.generation.get(&id).copied().unwrap_or_default();
            let tx = tx.clone();
            let unit = id.clone();
            let results = self.analysis_cache(&id);
            std::thread::spawn(move || {
                // A bug in the analyzer must not leave the unit marked as
                // running for ever: a panic is reported as a failed run.
                let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    let mut results = lock_fresh(&results);
                    let opts = Default::default();
                    pipeline::finish_cached(parsed, Depth::Analyze, opts, &mut results).0
                }));
                let _ = tx.send(match run {
                    Ok(front) => Event::Analyzed {
                        unit,
                        generation,
                        front: Box::new(front),
                    },
                    Err(_) => Event::Failed { unit },
                });
            });
            self.running.insert(id, roots);
        }
    }

    /// Drops the analysis results of units the server no longer knows (a
    /// file deleted, a unit re-rooted by an import): kept for every unit
    /// ever analyzed, a long session would only grow. Units still in the
    /// workspace keep theirs, so a re-analysis reuses them.
    pub(super) fn prune_analyses(&mut self) {
        let mut live: std::collections::HashSet<PathBuf> = self.running.keys().cloned().collect();
        live.extend(self.wanted.keys().cloned());
        for key in self.units.keys() {
            let roots = self.workspace.unit_roots(key);
            live.insert(roots.first().cloned().unwrap_or_else(|| key.clone()));
        }
        self.analyses.retain(|id, _| live.contains(id));
    }

    /// Units whose analysis results are kept (`crmc/settle` says).
    pub(super) fn units_kept(&self) -> usize {
        self.analyses.len()
    }

    /// The analysis results kept for the unit `id`.
    fn analysis_cache(&mut self, id: &Path) -> Arc<Mutex<AnalysisCache>> {
        Arc::clone(self.analyses.entry(id.to_path_buf()).or_default())
    }

    /// `crmc/settle`: checks what is dirty and analyzes every unit whose
    /// findings are not out yet, here and now; then every diagnostic is
    /// `crmc check`'s for the current text.
    pub(super) fn settle(&mut self) -> io::Result<()> {
        self.flush()?;
        let mut pending = std::mem::take(&mut self.wanted);
        pending.extend(std::mem::take(&mut self.running));
        for (id, roots) in pending {
            // A background run of it is stale from now on.
            *self.generation.entry(id.clone()).or_default() += 1;
            let results = self.analysis_cache(&id);
            let mut results = lock_fresh(&results);
            if let Ok(u) = unit::run_cached(&roots, &self.docs, &self.cache, &mut results) {
                let u = Rc::new(u);
                self.remember(&u);
                self.publish(&id, &u, Step::Analyzed)?;
            }
        }
        Ok(())
    }

    pub(super) fn publish(&mut self, key: &Path, unit: &Unit, step: Step) -> io::Result<()> {
        let mut by_file = diagnostics::by_file(unit);
        let texts: HashMap<String, &str> = unit
            .front
            .parsed
            .sources
            .files()
            .filter_map(|(id, f)| Some((unit.uri(id)?.as_str().to_string(), f.text.as_str())))
            .collect();
        let analysis_follows = unit.front.checked.is_some();
        for (uri_text, (_, diags)) in by_file.iter_mut() {
            let text = texts.get(uri_text).copied().unwrap_or("");
            match step {
                Step::Analyzed => {
                    let found: Vec<lsp::Diagnostic> = diags
                        .iter()
                        .filter(|d| diagnostics::is_analysis(d))
                        .cloned()
                        .collect();
                    self.findings
                        .insert(uri_text.clone(), (text.to_string(), found));
                }
                // Until the analyzer is done, a file whose text did not
                // change keeps its findings (no flicker on every edit).
                Step::Checked if analysis_follows => {
                    if let Some((old_text, found)) = self.findings.get(uri_text) {
                        if old_text == text {
                            diags.extend(found.iter().cloned());
                        }
                    }
                }
                Step::Checked => {
                    self.findings.remove(uri_text);
                }
            }
        }
        let now: BTreeSet<String> = by_file.keys().cloned().collect();
        let before = self
            .published_by
            .insert(key.to_path_buf(), now.clone())
            .unwrap_or_default();
        for (text, (uri, diags)) in by_file {
            let empty = diags.is_empty();
            if empty && !self.showing.contains(&text) {
                continue;
            }
            self.publish_one(uri, diags)?;
            if empty {
                self.showing.remove(&text);
            } else {
                self.showing.insert(text);
            }
        }
        // Files the unit no longer holds (an import was removed).
        for gone in before.difference(&now) {
            self.findings.remove(gone);
            if self.showing.remove(gone) {
                if let Ok(uri) = gone.parse::<lsp::Uri>() {
                    self.publish_one(uri, Vec::new())?;
                }
            }
        }
        Ok(())
    }

    pub(super) fn clear_for(&mut self, key: &Path) -> io::Result<()> {
        for text in self.published_by.remove(key).unwrap_or_default() {
            if self.showing.remove(&text) {
                if let Ok(uri) = text.parse::<lsp::Uri>() {
                    self.publish_one(uri, Vec::new())?;
                }
            }
        }
        Ok(())
    }

    pub(super) fn publish_one(
        &mut self,
        uri: lsp::Uri,
        diagnostics: Vec<lsp::Diagnostic>,
    ) -> io::Result<()> {
        let version = self.docs.iter().find(|d| d.uri == uri).map(|d| d.version);
        let params = lsp::PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        self.send(Message::Notification(Notification::new(
            lsp::notification::PublishDiagnostics::METHOD.to_string(),
            params,
        )))
    }
}

/// The cache behind `m`, emptied if an analysis panicked while holding it
/// (its entries are then not to be trusted).
fn lock_fresh(m: &Mutex<AnalysisCache>) -> MutexGuard<'_, AnalysisCache> {
    match m.lock() {
        Ok(g) => g,
        Err(poisoned) => {
            let mut g = poisoned.into_inner();
            *g = AnalysisCache::new();
            g
        }
    }
}
