//! `crmc check` at scale (analysis-v1 §Scale): load, parse, type-check and
//! analyze synthetic units of 100, 1,000 and 10,000 contracts with 20 field
//! rules each over `std/salesforce` (`crmc synth` generates the same units).
//!
//! `every_clause` is tests/ui/check/valid_every_clause.crmc (every clause,
//! operator and test item; its exclusions once took 90 s to analyze).
//!
//! `cargo bench --bench check`. The 10,000-contract unit takes seconds per
//! run, so it runs a few samples only.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crmc::pipeline::{self, Depth};
use crmc::source::MemoryProvider;
use divan::Bencher;
use std::path::PathBuf;

fn main() {
    divan::main();
}

fn check(b: Bencher, contracts: usize) {
    let text = crmc::analyze::synth::synthetic_unit(contracts, 20, 1);
    let provider = MemoryProvider::new().with("synth.crmc", text);
    let roots = [PathBuf::from("synth.crmc")];
    b.bench(|| {
        let front = pipeline::run(&roots, &provider, Depth::Analyze).expect("loads");
        assert!(front.checked.is_some());
        front.diagnostics.len()
    });
}

#[divan::bench(sample_count = 10)]
fn check_100(b: Bencher) {
    check(b, 100);
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn check_1000(b: Bencher) {
    check(b, 1_000);
}

#[divan::bench(sample_count = 2, sample_size = 1)]
fn check_10000(b: Bencher) {
    check(b, 10_000);
}

fn check_text(b: Bencher, text: String) {
    let provider = MemoryProvider::new().with("synth.crmc", text);
    let roots = [PathBuf::from("synth.crmc")];
    b.bench(|| {
        let front = pipeline::run(&roots, &provider, Depth::Analyze).expect("loads");
        assert!(front.checked.is_some());
        front.diagnostics.len()
    });
}

/// 400 actors auto-writing the same 12 fields: every pair overlaps (issue 8).
#[divan::bench(sample_count = 3, sample_size = 1)]
fn ownership_400x12(b: Bencher) {
    check_text(b, crmc::analyze::synth::ownership_unit(400, 12));
}

/// 1,000 contracts of one actor, half auto and half review for one field.
#[divan::bench(sample_count = 3, sample_size = 1)]
fn conflict_1000(b: Bencher) {
    check_text(b, crmc::analyze::synth::conflict_unit(1_000));
}

/// tests/ui/check/valid_every_clause.crmc: one unit with every clause; its
/// excluded regions once blew up (90 s, now well under a second).
#[divan::bench(sample_count = 5, sample_size = 1)]
fn every_clause(b: Bencher) {
    let text = include_str!("../tests/ui/check/valid_every_clause.crmc").to_string();
    check_text(b, text);
}
