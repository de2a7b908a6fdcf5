//! `crmc test --coverage` counts what the reference interpreter's trace
//! says decided; these properties hold the trace to the evaluator's own
//! decisions on random units and mutations: the contract that decided a
//! field names, in its trace, the rule the evaluator reports.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

mod support;

use crmc::compile::compile;
use crmc::reference;
use crmc::testing::coverage::trace_disagreement;
use crmc_eval::Mutation;
use proptest::prelude::*;
use support::*;

fn check_seed(seed: u64) -> usize {
    let unit = random_unit(seed);
    let table = compile(&unit).expect("compiles");
    let mut decided_by_rule = 0;
    for i in 0..16u64 {
        let json = random_mutation(seed.wrapping_mul(31).wrapping_add(i), &unit);
        let Ok(m) = Mutation::from_value(&json) else {
            continue;
        };
        let (Ok(evaluated), Ok((_, traces))) =
            (table.decide(&m), reference::decide_traced(&unit, &m))
        else {
            continue;
        };
        if let Some(d) = trace_disagreement(&unit, &evaluated, &traces) {
            panic!(
                "unit seed {seed}, mutation {i}: {d}\n{}\n{json}",
                show_unit(&unit)
            );
        }
        decided_by_rule += evaluated
            .fields
            .values()
            .filter(|f| f.rule.is_some())
            .count();
    }
    decided_by_rule
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]
    #[test]
    fn the_trace_names_the_rule_the_evaluator_reports(seed in any::<u64>()) {
        check_seed(seed);
    }
}

/// The property is not vacuous: random units do get fields decided by rules.
#[test]
fn random_units_have_fields_decided_by_rules() {
    let total: usize = (0..64).map(check_seed).sum();
    assert!(total > 50, "only {total} fields decided by a rule");
}
