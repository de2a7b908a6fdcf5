//! `crmc diff` at scale (issue 12 §1): two versions of a 1,000-contract,
//! 20,000-rule unit (`crmc synth`) that differ in 50 contracts (their
//! `auto at least` lowered from 0.9 to 0.8). `diff_only` compares checked
//! units; `load_check_diff` also loads, parses and checks both, one after
//! the other (the CLI loads them on two threads).
//!
//! `cargo bench --bench diff`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crmc::check::model::CheckedUnit;
use crmc::pipeline::{self, Depth};
use crmc::source::MemoryProvider;
use divan::Bencher;
use std::path::PathBuf;

fn main() {
    divan::main();
}

/// The unit and its edited copy, as text.
fn texts() -> (String, String) {
    let old = crmc::analyze::synth::synthetic_unit(1_000, 20, 1);
    let mut parts = old.split("contract synth_");
    let mut new = parts.next().unwrap_or_default().to_string();
    for (i, p) in parts.enumerate() {
        new.push_str("contract synth_");
        if i % 20 == 0 {
            new.push_str(&p.replacen("auto at least 0.9", "auto at least 0.8", 1));
        } else {
            new.push_str(p);
        }
    }
    (old, new)
}

fn checked(text: &str) -> CheckedUnit {
    let provider = MemoryProvider::new().with("u.crmc", text.to_string());
    let front = pipeline::run(&[PathBuf::from("u.crmc")], &provider, Depth::Check).unwrap();
    front.checked.expect("checks")
}

#[divan::bench(sample_count = 10, sample_size = 1)]
fn diff_only(b: Bencher) {
    let (old, new) = texts();
    let (old, new) = (checked(&old), checked(&new));
    b.bench(|| {
        let d = crmc::diff::diff(&old, &new, crmc::diff::Options::default()).unwrap();
        assert_eq!(d.contracts.edited.len(), 50);
        d.changes.len()
    });
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn load_check_diff(b: Bencher) {
    let (old, new) = texts();
    b.bench(|| {
        let (o, n) = (checked(&old), checked(&new));
        crmc::diff::diff(&o, &n, crmc::diff::Options::default())
            .unwrap()
            .changes
            .len()
    });
}
