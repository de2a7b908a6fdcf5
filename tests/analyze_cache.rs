//! The analysis cache the language server keeps between edits
//! (`crmc::analyze::AnalysisCache`) changes how much is recomputed, never
//! what is reported: after any edit, an analysis that reuses the last one's
//! per-contract results gives exactly the findings (and diagnostics) of a
//! fresh analysis.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

mod support;

use crmc::analyze::{self, AnalysisCache, Options};
use crmc::check::model::{CheckedUnit, Outcome};
use crmc::load::load_text;
use crmc::pipeline::{self, Depth};
use proptest::prelude::*;
use support::random_unit;

/// The findings and the give-up facts, as comparable text.
fn report_text(r: &analyze::Report) -> String {
    format!("{:?}\n{:?}", r.findings, r.gave_up)
}

fn fresh(u: &CheckedUnit) -> String {
    report_text(&analyze::run(u))
}

fn cached(u: &CheckedUnit, cache: &mut AnalysisCache) -> String {
    report_text(&analyze::run_cached(u, Options::default(), cache))
}

/// One edit to a unit's contracts.
fn edit(u: &CheckedUnit, how: u64, at: usize) -> CheckedUnit {
    let mut u = u.clone();
    let n = u.contracts.len();
    let k = at % n;
    match how % 4 {
        // a rule's outcome changes
        0 => {
            let c = &mut u.contracts[k];
            if let Some(r) = c.fields.iter_mut().flat_map(|l| l.rules.iter_mut()).next() {
                r.outcome = match r.outcome {
                    Outcome::Auto => Outcome::Review,
                    _ => Outcome::Auto,
                };
            } else {
                c.confidence.auto = None;
            }
        }
        // a contract goes: every later one moves down an index
        1 if n > 1 => {
            u.contracts.remove(k);
        }
        // a contract is added (a copy under another name and actor)
        2 => {
            let mut c = u.contracts[k].clone();
            c.name = format!("{}_copy", c.name);
            c.actor.name = Some("copy".to_string());
            u.contracts.push(c);
            u.contracts.sort_by(|a, b| a.name.cmp(&b.name));
        }
        // a contract's text moves (its spans shift); nothing else changes
        _ => {
            let c = &mut u.contracts[k];
            c.span.start += 7;
            c.span.end += 7;
            c.name_span.start += 7;
            c.name_span.end += 7;
        }
    }
    u
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn a_cached_analysis_reports_what_a_fresh_one_does(
        seed in any::<u64>(),
        edits in proptest::collection::vec((any::<u64>(), any::<usize>()), 1..4),
        other in any::<u64>(),
    ) {
        let mut cache = AnalysisCache::new();
        let mut u = random_unit(seed);
        prop_assert_eq!(cached(&u, &mut cache), fresh(&u));
        prop_assert_eq!(cache.hits(), 0);
        // the same unit again: every contract from the cache
        prop_assert_eq!(cached(&u, &mut cache), fresh(&u));
        prop_assert_eq!(cache.hits(), u.contracts.len());
        for (how, at) in edits {
            u = edit(&u, how, at);
            prop_assert_eq!(cached(&u, &mut cache), fresh(&u));
        }
        // another unit, most likely over another schema
        let v = random_unit(other);
        prop_assert_eq!(cached(&v, &mut cache), fresh(&v));
    }
}

/// Diagnostics of a whole front end, as comparable text.
fn diagnostics_of(text: &str, cache: Option<&mut AnalysisCache>) -> String {
    let parsed = load_text("unit.crmc", text);
    let front = match cache {
        Some(c) => pipeline::finish_cached(parsed, Depth::Analyze, Options::default(), c).0,
        None => pipeline::finish(parsed, Depth::Analyze, Options::default()),
    };
    assert!(front.checked.is_some(), "the unit checks");
    format!("{:?}", front.diagnostics)
}

#[test]
fn source_edits_reuse_the_untouched_contracts_and_report_the_same() {
    let text = crmc::analyze::synth::synthetic_unit(40, 6, 3);
    let mut cache = AnalysisCache::new();
    let first = diagnostics_of(&text, Some(&mut cache));
    assert_eq!(first, diagnostics_of(&text, None));
    assert!(first.contains("code"), "the unit has findings: {first}");

    // Lines added at the top move every contract: all of them are reused,
    // and every diagnostic points at the moved text.
    let moved = text.replacen('\n', "\n// a comment\n\n", 1);
    assert_eq!(
        diagnostics_of(&moved, Some(&mut cache)),
        diagnostics_of(&moved, None)
    );
    assert_eq!(cache.hits(), 40);

    // One contract's threshold changes: only it is analyzed again.
    let at = moved.find("at least 0.").expect("a threshold");
    let mut changed = moved.clone();
    changed.replace_range(at..at + "at least 0.".len(), "at least 0.0");
    assert_ne!(changed, moved);
    assert_eq!(
        diagnostics_of(&changed, Some(&mut cache)),
        diagnostics_of(&changed, None)
    );
    assert_eq!(cache.hits(), 39);
}

#[test]
fn every_analysis_case_reports_the_same_from_the_cache() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui/analyze");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("crmc") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let parsed = load_text("case.crmc", &text);
        let fresh = pipeline::finish(parsed, Depth::Analyze, Options::default());
        if fresh.checked.is_none() {
            continue;
        }
        let mut cache = AnalysisCache::new();
        let shifted = format!("// moved\n{text}");
        for t in [&text, &text, &shifted] {
            let parsed = load_text("case.crmc", t);
            let again =
                pipeline::finish_cached(parsed, Depth::Analyze, Options::default(), &mut cache).0;
            let expect = pipeline::finish(
                load_text("case.crmc", t),
                Depth::Analyze,
                Options::default(),
            );
            assert_eq!(
                format!("{:?}", again.diagnostics),
                format!("{:?}", expect.diagnostics),
                "{}",
                path.display()
            );
        }
        seen += 1;
    }
    assert!(seen >= 10, "only {seen} cases ran");
}
