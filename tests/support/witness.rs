//! Confirming analyzer witnesses with the evaluator: the compiled table of
//! the unit, and of each contract alone, decides each witness as its
//! finding claims. Shared by tests/witnesses.rs and tests/oracle.rs.
#![allow(dead_code, clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use crmc::analyze::{self, chain::RuleRef, Finding};
use crmc::check::model::{CheckedUnit, FieldId, Outcome};
use crmc_eval::{Decision, Mutation, Table};
use serde_json::Value;

/// The unit with only contract `i` (so its own decision is visible).
pub fn alone(unit: &CheckedUnit, i: usize) -> Table {
    let mut one = unit.clone();
    one.contracts = vec![unit.contracts[i].clone()];
    crmc::compile::compile(&one).unwrap()
}

pub fn decide(table: &Table, mutation: &Value) -> Decision {
    table
        .decide(
            &Mutation::from_value(mutation)
                .unwrap_or_else(|e| panic!("bad witness {mutation}: {e}")),
        )
        .unwrap_or_else(|e| panic!("not decided: {mutation}: {e}"))
}

pub fn outcome_str(o: Outcome) -> &'static str {
    o.as_str()
}

pub fn eval_outcome(d: &Decision, field: &str) -> (String, Option<String>, Option<String>) {
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

pub fn rule_name(unit: &CheckedUnit, contract: usize, rule: &RuleRef) -> Option<String> {
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
pub fn confirm(name: &str, unit: &CheckedUnit) -> usize {
    confirm_where(name, unit, |_| true)
}

/// [`confirm`] for the findings whose witness `keep` accepts.
pub fn confirm_where(name: &str, unit: &CheckedUnit, keep: impl Fn(&Value) -> bool) -> usize {
    let full = crmc::compile::compile(unit).unwrap();
    let field_name = |f: FieldId| unit.schema.field(f).name.clone();
    let mut confirmed = 0;
    for finding in analyze::findings(unit) {
        let ws: Vec<&Value> = match &finding {
            // an unconfirmed finding (its search gave up) has none
            Finding::Conflict { witness, .. } | Finding::Gap { witness, .. } => {
                witness.iter().collect()
            }
            Finding::Ownership { witness, other, .. } => witness.iter().chain(other).collect(),
            _ => vec![],
        };
        if !ws.iter().all(|w| keep(w)) {
            continue;
        }
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
                ..
            } => {
                let Some(witness) = witness else { continue };
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
                // a third contract applying may make the unit stricter still
                let (combined, _, _) = eval_outcome(&decide(&full, &witness), &f);
                let rank = |o: &str| {
                    ["auto", "review", "escalate", "suggest", "never"]
                        .iter()
                        .position(|x| *x == o)
                };
                assert!(
                    rank(&combined) >= rank(outcome_str(a_outcome.max(b_outcome))),
                    "{name}: the unit decides at least the stricter of the two, got {combined} for {witness}"
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
                let (Some(witness), Some(other)) = (witness, other) else {
                    continue;
                };
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
                // one record: a key both witnesses carry has one value (a
                // witness leaves out fields its contract does not read)
                let (ra, rb) = (unchanged(&witness), unchanged(&other));
                for (k, v) in ra.as_object().into_iter().flatten() {
                    if let Some(w) = rb.get(k) {
                        assert_eq!(v, w, "{name}: ownership is about one record ({k})");
                    }
                }
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
                let Some(witness) = witness else { continue };
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
