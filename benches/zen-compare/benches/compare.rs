//! crmc-eval against zen-engine on equivalent tables (see `src/lib.rs`),
//! single thread, inputs pre-parsed, tables loaded/compiled once.
//!
//! `cargo bench` (in `benches/zen-compare`)

use std::sync::Arc;
use zen_compare::*;
use zen_engine::model::DecisionContent;
use zen_engine::DecisionEngine;

fn main() {
    divan::main();
}

const SIZES: [usize; 3] = [20, 200, 2_000];

/// Steps `k` to the next of `n` inputs, cycling: a compare, not a `%` (a
/// 64-bit division costs about as much as a small crmc decision). Every
/// bench, zen's too, cycles its inputs with it.
fn next(k: &mut usize, n: usize) {
    *k += 1;
    if *k >= n {
        *k = 0;
    }
}
const INPUTS: usize = 64;

fn crmc_inputs(rules: usize) -> Vec<crmc_eval::Mutation> {
    (0..INPUTS)
        .filter_map(|k| crmc_input(rules, k, INPUTS))
        .collect()
}

/// crmc: the full owned `Decision` (reasons, audit, rollback as strings).
#[divan::bench(args = SIZES, sample_size = 256)]
fn crmc_decide(bencher: divan::Bencher, rules: usize) {
    let t = crmc_table(rules);
    let inputs = crmc_inputs(rules);
    let mut k = 0;
    bencher.bench_local(|| {
        next(&mut k, inputs.len());
        t.decide(divan::black_box(&inputs[k]))
            .map(|d| d.outcome)
            .ok()
    });
}

/// crmc: the decision's JSON line into a reused buffer.
#[divan::bench(args = SIZES, sample_size = 256)]
fn crmc_decide_json(bencher: divan::Bencher, rules: usize) {
    let t = crmc_table(rules);
    let inputs = crmc_inputs(rules);
    let mut out = Vec::with_capacity(4096);
    let mut k = 0;
    bencher.bench_local(|| {
        next(&mut k, inputs.len());
        out.clear();
        t.decide_json_into(divan::black_box(&inputs[k]), &mut out)
            .ok();
        out.len()
    });
}

/// crmc: decided in full, nothing rendered; only the outcome returned.
#[divan::bench(args = SIZES, sample_size = 256)]
fn crmc_decide_outcome(bencher: divan::Bencher, rules: usize) {
    let t = crmc_table(rules);
    let inputs = crmc_inputs(rules);
    let mut k = 0;
    bencher.bench_local(|| {
        next(&mut k, inputs.len());
        t.decide_outcome(divan::black_box(&inputs[k])).ok()
    });
}

/// crmc: an [`crmc_eval::Evaluator`] (reused scratch, no allocation per
/// decision) on prepared mutations; returns the outcome and the changed
/// field's outcome and deciding rule, as zen's table output does.
#[divan::bench(args = SIZES, sample_size = 256)]
fn crmc_decide_fields(bencher: divan::Bencher, rules: usize) {
    let t = crmc_table(rules);
    let inputs = crmc_inputs(rules);
    let mut ev = crmc_eval::Evaluator::new(&t);
    let prepared: Vec<_> = inputs.iter().filter_map(|m| ev.prepare(m).ok()).collect();
    let mut k = 0;
    bencher.bench_local(|| {
        next(&mut k, prepared.len());
        let (o, fields) = ev.decide_fields(divan::black_box(&prepared[k]));
        (o, fields.first().map(|f| (f.outcome, f.rule)))
    });
}

/// crmc: the complete decision ([`crmc_eval::Evaluator::decide_full`]:
/// outcome, per-field outcome, contract, rule and reasons, approvals,
/// audit entries, rollback) on prepared mutations, every part of it read.
#[divan::bench(args = SIZES, sample_size = 256)]
fn crmc_decide_full(bencher: divan::Bencher, rules: usize) {
    let t = crmc_table(rules);
    let inputs = crmc_inputs(rules);
    let mut ev = crmc_eval::Evaluator::new(&t);
    let prepared: Vec<_> = inputs.iter().filter_map(|m| ev.prepare(m).ok()).collect();
    let mut k = 0;
    bencher.bench_local(|| {
        next(&mut k, prepared.len());
        let v = ev.decide_full(divan::black_box(&prepared[k]));
        consume(&v)
    });
}

/// Reads every part of a decision view (black-boxed, so none is skipped).
fn consume(v: &crmc_eval::DecisionView<'_>) -> crmc_eval::Outcome {
    use divan::black_box as bb;
    bb(v.id());
    for f in v.fields() {
        bb((f.name, f.outcome, f.contract, f.rule));
        f.reasons.for_each(|r| {
            bb(r);
        });
    }
    for a in v.approvals() {
        bb((a.level, a.approver, a.within_secs));
        a.contracts().for_each(|c| {
            bb(c);
        });
        a.fields().for_each(|f| {
            bb(f);
        });
    }
    for entry in v.audit() {
        for (k, x) in entry {
            bb((k, &x));
            if let crmc_eval::AuditValue::Reasons(r) = x {
                r.for_each(|r| {
                    bb(r);
                });
            }
        }
    }
    for p in v.rollback_previous() {
        bb(p);
    }
    bb(v.rollback_keep());
    v.rollback_notify().for_each(|n| {
        bb(n);
    });
    v.outcome()
}

/// crmc: the decision's JSON line through a reused evaluator's
/// [`crmc_eval::DecisionView`] on prepared mutations, into a reused buffer.
#[divan::bench(args = SIZES, sample_size = 256)]
fn crmc_decide_full_json(bencher: divan::Bencher, rules: usize) {
    let t = crmc_table(rules);
    let inputs = crmc_inputs(rules);
    let mut ev = crmc_eval::Evaluator::new(&t);
    let prepared: Vec<_> = inputs.iter().filter_map(|m| ev.prepare(m).ok()).collect();
    let mut out = Vec::with_capacity(4096);
    let mut k = 0;
    bencher.bench_local(|| {
        next(&mut k, prepared.len());
        out.clear();
        ev.decide_full(divan::black_box(&prepared[k]))
            .write_json(&mut out);
        out.len()
    });
}

/// crmc: an [`crmc_eval::Evaluator`] on the unprepared mutations (names
/// resolved and values decoded per decision); the outcome only.
#[divan::bench(args = SIZES, sample_size = 256)]
fn crmc_evaluator_outcome(bencher: divan::Bencher, rules: usize) {
    let t = crmc_table(rules);
    let inputs = crmc_inputs(rules);
    let mut ev = crmc_eval::Evaluator::new(&t);
    let mut k = 0;
    bencher.bench_local(|| {
        next(&mut k, inputs.len());
        ev.decide_outcome(divan::black_box(&inputs[k])).ok()
    });
}

/// zen-engine: `Decision::evaluate` on a decision created and compiled once.
#[divan::bench(args = SIZES, sample_size = 256)]
fn zen_evaluate(bencher: divan::Bencher, rules: usize) {
    let Ok(content) = serde_json::from_value::<DecisionContent>(zen_jdm(rules)) else {
        return;
    };
    let Ok(mut decision) = DecisionEngine::default().create_decision(Arc::new(content)) else {
        return;
    };
    decision.compile();
    let inputs: Vec<zen_engine::Variable> = (0..INPUTS)
        .map(|k| zen_input(rules, k, INPUTS).into())
        .collect();
    let mut k = 0;
    bencher.bench_local(|| {
        next(&mut k, inputs.len());
        let input = inputs[k].clone();
        futures::executor::block_on(decision.evaluate(divan::black_box(input)))
            .map(|r| r.result)
            .ok()
    });
}
