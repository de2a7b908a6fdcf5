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

use crmc::analyze::{self, chain::RuleRef, Finding};
use crmc::check::model::{CheckedUnit, FieldId, Outcome};
use crmc::pipeline::{self, Depth};
use crmc::source::{DiskProvider, MemoryProvider};
use crmc_eval::{Decision, Mutation, Table};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The unit with only contract `i` (so its own decision is visible).
fn alone(unit: &CheckedUnit, i: usize) -> Table {
    let mut one = unit.clone();
    one.contracts = vec![unit.contracts[i].clone()];
    crmc::compile::compile(&one).unwrap()
}

fn decide(table: &Table, mutation: &Value) -> Decision {
    table
        .decide(
            &Mutation::from_value(mutation)
                .unwrap_or_else(|e| panic!("bad witness {mutation}: {e}")),
        )
        .unwrap()
}

fn outcome_str(o: Outcome) -> &'static str {
    o.as_str()
}

fn eval_outcome(d: &Decision, field: &str) -> (String, Option<String>, Option<String>) {
    let fd = d
        .fields
        .get(field)
        .unwrap_or_else(|| panic!("no decision for `{field}`: {d:?}"));
    let o = serde_json::to_value(fd.outcome)
        .unwrap()
        .as_str()
        .unwrap()
        .to_string();
    (o, fd.contract.clone(), fd.rule.clone())
}

fn rule_name(unit: &CheckedUnit, contract: usize, rule: &RuleRef) -> Option<String> {
    let c = &unit.contracts[contract];
    match *rule {
        RuleRef::Line(line, idx) => {
            let l = &c.fields[line];
            Some(format!(
                "{}#{}",
                unit.schema.field(l.field).name,
                l.rules[idx].position
            ))
        }
        RuleRef::Star(idx) => c
            .star
            .as_ref()
            .map(|s| format!("*#{}", s.rules[idx].position)),
        RuleRef::Default | RuleRef::Excluded => None,
    }
}

/// Confirms every witness of a unit; returns how many were confirmed.
fn confirm(name: &str, unit: &CheckedUnit) -> usize {
    let full = crmc::compile::compile(unit).unwrap();
    let field_name = |f: FieldId| unit.schema.field(f).name.clone();
    let mut confirmed = 0;
    for finding in analyze::findings(unit) {
        match finding {
            Finding::Conflict {
                a,
                b,
                field,
                a_rule,
                b_rule,
                a_outcome,
                b_outcome,
                witness,
            } => {
                let f = field_name(field);
                assert_ne!(
                    a_outcome, b_outcome,
                    "{name}: a conflict needs different outcomes"
                );
                for (i, rule, expected) in [(a, &a_rule, a_outcome), (b, &b_rule, b_outcome)] {
                    let contract = &unit.contracts[i].name;
                    let (got, by, rule_got) = eval_outcome(&decide(&alone(unit, i), &witness), &f);
                    assert_eq!(
                        by.as_deref(),
                        Some(contract.as_str()),
                        "{name}: `{contract}` must apply to {witness}"
                    );
                    assert_eq!(
                        got,
                        outcome_str(expected),
                        "{name}: `{contract}` on `{f}` for {witness}"
                    );
                    if let Some(r) = rule_name(unit, i, rule) {
                        assert_eq!(
                            rule_got.as_deref(),
                            Some(r.as_str()),
                            "{name}: deciding rule of `{contract}`"
                        );
                    }
                }
                let (combined, _, _) = eval_outcome(&decide(&full, &witness), &f);
                assert_eq!(
                    combined,
                    outcome_str(a_outcome.max(b_outcome)),
                    "{name}: the unit decides the stricter"
                );
                confirmed += 1;
            }
            Finding::Ownership {
                a,
                b,
                field,
                witness,
                other,
                ..
            } => {
                let f = field_name(field);
                // On create there is no current record: the fields either
                // mutation changes are the proposed values, not the record's.
                let unchanged = |m: &Value| -> Value {
                    let mut r = m["record"].clone();
                    if m["event"] == "create" {
                        if let Some(r) = r.as_object_mut() {
                            for m in [&witness, &other] {
                                for k in m["changes"].as_object().into_iter().flatten() {
                                    r.remove(k.0);
                                }
                            }
                        }
                    }
                    r
                };
                assert_eq!(
                    unchanged(&witness),
                    unchanged(&other),
                    "{name}: ownership is about one record"
                );
                for (i, m) in [(a, &witness), (b, &other)] {
                    let contract = &unit.contracts[i].name;
                    let (got, by, _) = eval_outcome(&decide(&alone(unit, i), m), &f);
                    assert_eq!(
                        got, "auto",
                        "{name}: `{contract}` must auto-write `{f}` for {m}"
                    );
                    assert_eq!(by.as_deref(), Some(contract.as_str()));
                }
                assert_ne!(
                    witness["actor"], other["actor"],
                    "{name}: two different automations"
                );
                confirmed += 1;
            }
            Finding::Gap {
                contract,
                line,
                witness,
            } => {
                let c = &unit.contracts[contract];
                let f = field_name(c.fields[line].field);
                let (got, by, rule) = eval_outcome(&decide(&alone(unit, contract), &witness), &f);
                assert_eq!(
                    by.as_deref(),
                    Some(c.name.as_str()),
                    "{name}: `{}` must govern {witness}",
                    c.name
                );
                assert_eq!(got, "never", "{name}: a gap falls to `never`");
                assert_eq!(rule, None, "{name}: no rule decides in a gap ({witness})");
                confirmed += 1;
            }
            _ => {}
        }
    }
    confirmed
}

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
