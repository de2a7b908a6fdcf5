//! Every witness the analyzer prints is true: fed to the evaluator with the
//! compiled table, it shows exactly what the finding claims.
//!
//! - conflict: each of the two contracts, compiled alone, applies to the
//!   witness and decides the claimed, different outcomes for the field; the
//!   whole unit decides the stricter of the two;
//! - ownership: each contract, alone, auto-writes the field for its own
//!   actor on the same record;
//! - gap: the contract, alone, governs the witness and no rule decides the
//!   field (`never` by fall-through).

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

#[path = "support/witness.rs"]
mod witness;

use crmc::pipeline::{self, Depth};
use crmc::source::{DiskProvider, MemoryProvider};
use std::path::{Path, PathBuf};
use witness::confirm;

#[test]
fn witnesses_of_the_ui_cases_and_the_broken_example_hold() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut total = 0;
    let mut cases: Vec<PathBuf> = std::fs::read_dir(root.join("tests/ui/analyze"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "crmc"))
        .collect();
    cases.sort();
    for case in &cases {
        let front = pipeline::run(std::slice::from_ref(case), &DiskProvider, Depth::Check).unwrap();
        if let Some(unit) = &front.checked {
            total += confirm(&case.display().to_string(), unit);
        }
    }
    let broken: Vec<PathBuf> = std::fs::read_dir(root.join("examples/broken"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "crmc"))
        .collect();
    let front = pipeline::run(&broken, &DiskProvider, Depth::Check).unwrap();
    total += confirm("examples/broken", front.checked.as_ref().unwrap());
    assert!(
        total >= 6,
        "the cases carry witnesses of every kind ({total} confirmed)"
    );
}

#[test]
fn witnesses_of_generated_units_hold() {
    let mut total = 0;
    for seed in 0..10u64 {
        let text = crmc::analyze::synth::synthetic_unit(40, 8, seed);
        let provider = MemoryProvider::new().with("synth.crmc", text);
        let front = pipeline::run(&[PathBuf::from("synth.crmc")], &provider, Depth::Check).unwrap();
        let unit = front
            .checked
            .unwrap_or_else(|| panic!("synthetic unit {seed} checks: {:?}", front.diagnostics));
        total += confirm(&format!("synthetic unit {seed}"), &unit);
    }
    assert!(
        total >= 100,
        "generated units carry many witnesses ({total} confirmed)"
    );
}
