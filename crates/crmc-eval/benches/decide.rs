//! Decisions per second on generated tables, and table load time.
//!
//! `cargo bench -p crmc-eval --bench decide`

use crmc_eval::{Mutation, Table};
use serde_json::json;

fn main() {
    divan::main();
}

mod fixture;

/// Ten contracts that all apply, `rules` field rules between them.
fn table(rules: usize) -> Table {
    fixture::table(rules, 10)
}

fn mutation() -> Mutation {
    let v = json!({"object": "Lead", "event": "update", "actor": {"kind": "ai", "name": "a"},
        "confidence": 0.93, "source": "s", "at": "2026-11-21T10:00:00Z",
        "record": {"Status": "Open", "Zz": false, "F00000": null, "F00001": 5, "F00002": 500},
        "changes": {"F00000": 1, "F00001": 2, "F00002": 3}});
    Mutation::from_value(&v).unwrap_or_else(|e| unreachable!("{e}"))
}

/// The full owned [`crmc_eval::Decision`]: every reason, audit entry and
/// rollback value as `String`s and `Value`s.
#[divan::bench(args = [20, 200, 2_000])]
fn decide(bencher: divan::Bencher, rules: usize) {
    let t = table(rules);
    let m = mutation();
    bencher.bench(|| t.decide(divan::black_box(&m)).map(|d| d.outcome).ok());
}

/// The same decision written as its JSON line into a reused buffer.
#[divan::bench(args = [20, 200, 2_000])]
fn decide_json_into(bencher: divan::Bencher, rules: usize) {
    let t = table(rules);
    let m = mutation();
    let mut out = Vec::with_capacity(8192);
    bencher.bench_local(|| {
        out.clear();
        t.decide_json_into(divan::black_box(&m), &mut out).ok();
        out.len()
    });
}

/// The same decision down to its outcome (all rules, approvals and
/// rollback still decided), rendering no string.
#[divan::bench(args = [20, 200, 2_000])]
fn decide_outcome(bencher: divan::Bencher, rules: usize) {
    let t = table(rules);
    let m = mutation();
    bencher.bench(|| t.decide_outcome(divan::black_box(&m)).ok());
}

/// [`decide_outcome`] through a reused [`crmc_eval::Evaluator`]: no
/// allocation per decision.
#[divan::bench(args = [20, 200, 2_000])]
fn evaluator_outcome(bencher: divan::Bencher, rules: usize) {
    let t = table(rules);
    let m = mutation();
    let mut ev = crmc_eval::Evaluator::new(&t);
    bencher.bench_local(|| ev.decide_outcome(divan::black_box(&m)).ok());
}

/// A prepared mutation (names resolved, values decoded once) decided per
/// field (outcome, contract, rule) by a reused evaluator.
#[divan::bench(args = [20, 200, 2_000])]
fn evaluator_decide_fields(bencher: divan::Bencher, rules: usize) {
    let t = table(rules);
    let m = mutation();
    let mut ev = crmc_eval::Evaluator::new(&t);
    let Ok(p) = ev.prepare(&m) else { return };
    bencher.bench_local(|| ev.decide_fields(divan::black_box(&p)).0);
}

/// The decision's JSON through a reused evaluator.
#[divan::bench(args = [20, 200, 2_000])]
fn evaluator_json_into(bencher: divan::Bencher, rules: usize) {
    let t = table(rules);
    let m = mutation();
    let mut ev = crmc_eval::Evaluator::new(&t);
    let mut out = Vec::with_capacity(8192);
    bencher.bench_local(|| {
        out.clear();
        ev.decide_json_into(divan::black_box(&m), &mut out).ok();
        out.len()
    });
}

#[divan::bench]
fn decide_json_line(bencher: divan::Bencher) {
    let t = table(200);
    let line = r#"{"object":"Lead","event":"update","actor":{"kind":"ai","name":"a"},"confidence":0.93,"at":"2026-11-21T10:00:00Z","record":{"Status":"Open","Zz":false,"F00000":null},"changes":{"F00000":1}}"#;
    bencher.bench(|| crmc_eval::decide_line(&t, divan::black_box(line), 1));
}

#[divan::bench]
fn load_20000_rules(bencher: divan::Bencher) {
    let bytes = table(20_000).to_bytes();
    bencher.bench(|| {
        Table::from_bytes(divan::black_box(&bytes))
            .map(|t| t.contracts.len())
            .ok()
    });
}
