//! `crmc lsp` latency: one edit in a 1,000-contract unit → its diagnostics
//! computed, as the server does it (overlay of open documents, parse
//! cache, the `crmc check` pipeline, conversion to LSP diagnostics).
//!
//! The unit is `crmc::analyze::synth::synthetic_unit(1000, 20, 1)` split
//! into 20 files of 50 contracts, every file open in the editor; each
//! iteration changes the text of one of them (so that file, and only that
//! one, is re-parsed).
//!
//! `cargo bench --bench lsp`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crmc::analyze::AnalysisCache;
use crmc::lsp::documents::{Document, Documents, ParseCache};
use crmc::lsp::{diagnostics, unit};
use crmc::pipeline::Depth;
use divan::Bencher;
use std::path::{Path, PathBuf};
use std::str::FromStr;

fn main() {
    divan::main();
}

const FILES: usize = 20;

/// The synthetic unit's contracts in `FILES` files, each importing `std/salesforce`.
fn split(contracts: usize) -> Vec<String> {
    let text = crmc::analyze::synth::synthetic_unit(contracts, 20, 1);
    let body = text.strip_prefix("import \"std/salesforce\"\n\n").unwrap();
    let mut parts: Vec<String> = Vec::new();
    let per = contracts.div_ceil(FILES);
    let mut current = String::new();
    let mut count = 0;
    for chunk in body.split_inclusive("}\n\n") {
        current.push_str(chunk);
        if chunk.trim_start().starts_with("contract ") {
            count += 1;
        }
        if count == per {
            parts.push(std::mem::take(&mut current));
            count = 0;
        }
    }
    if !current.trim().is_empty() {
        parts.push(current);
    }
    parts
        .into_iter()
        .map(|p| format!("import \"std/salesforce\"\n\n{p}"))
        .collect()
}

fn open(docs: &mut Documents, path: &Path, text: String) {
    let uri = lsp_types::Uri::from_str(&format!("file://{}", path.display())).unwrap();
    docs.open(Document {
        uri,
        path: path.to_path_buf(),
        text,
        version: 1,
    });
}

/// How the unit is taken through the pipeline after each edit.
#[derive(Clone, Copy)]
enum Run {
    /// Syntax and types only (what the server publishes at once).
    Check,
    /// Analysis from scratch.
    Analyze,
    /// Analysis reusing the last one's per-contract results, as the
    /// server's background analysis does.
    AnalyzeCached,
}

fn edit(b: Bencher, how: Run) {
    let parts = split(1_000);
    let roots: Vec<PathBuf> = (0..parts.len())
        .map(|i| PathBuf::from(format!("/bench/part_{i:02}.crmc")))
        .collect();
    let mut docs = Documents::default();
    for (path, text) in roots.iter().zip(&parts) {
        open(&mut docs, path, text.clone());
    }
    let cache = ParseCache::default();
    let mut results = AnalysisCache::new();
    let run = |docs: &Documents, results: &mut AnalysisCache| match how {
        Run::Check => unit::run(&roots, docs, &cache, Depth::Check),
        Run::Analyze => unit::run(&roots, docs, &cache, Depth::Analyze),
        Run::AnalyzeCached => unit::run_cached(&roots, docs, &cache, results),
    };
    // The first check parses everything; the edits re-parse one file.
    let first = run(&docs, &mut results).unwrap();
    assert!(first.front.checked.is_some(), "the unit checks");
    let edited = &roots[FILES / 2];
    // The edit a person makes: one contract's threshold, in the middle of
    // the file, so the contracts after it in the file move.
    let original = parts[FILES / 2].clone();
    let middle = original.len() / 2;
    let at = middle + original[middle..].find("auto at least 0.9").unwrap();
    let mut changed = original.clone();
    changed.replace_range(at..at + "auto at least 0.9".len(), "auto at least 0.95");
    let texts = [original, changed];
    let mut n = 0usize;
    b.bench_local(|| {
        n += 1;
        docs.get_mut(edited).unwrap().text = texts[n % 2].clone();
        let misses = cache.misses();
        let u = run(&docs, &mut results).unwrap();
        assert_eq!(cache.misses(), misses + 1, "only the edited file is parsed");
        if let Run::AnalyzeCached = how {
            assert_eq!(results.hits(), 999, "one contract is analyzed again");
        }
        diagnostics::by_file(&u).len()
    });
}

/// Parse (one file) + check + analyze + LSP conversion.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn edit_1000_analyze(b: Bencher) {
    edit(b, Run::Analyze);
}

/// Parse (one file) + check + analyze reusing the last analysis + LSP conversion.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn edit_1000_analyze_cached(b: Bencher) {
    edit(b, Run::AnalyzeCached);
}

/// Parse (one file) + check + LSP conversion, no analysis.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn edit_1000_check(b: Bencher) {
    edit(b, Run::Check);
}
