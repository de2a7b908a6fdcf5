//! `crmc test`: every `test` block becomes a mutation, is decided by the
//! compiled table through the evaluator (exactly what production does),
//! and its expectations are compared with the decision.

mod closest;
pub mod coverage;
pub mod report;

pub use closest::{Closest, Miss};

use crate::check::model::{CheckedUnit, FieldId, TestCase};
use crate::source::SourceMap;
use crate::span::Span;
use crmc_eval::{Decision, Mutation, Table};
use serde_json::{json, Map, Value};

/// The reason the evaluator gives a field no contract decides.
const UNGOVERNED: &str = "no contract governs";

/// When a test does not say `at`, it is decided at this fixed instant, so
/// results never depend on the day the tests run.
pub const DEFAULT_AT: &str = "2026-01-01T00:00:00Z";

/// The result of one test block.
#[derive(Debug)]
pub struct TestResult {
    pub name: String,
    pub span: Span,
    /// Empty when the test passed.
    pub failures: Vec<String>,
    /// The evaluator's decision (absent if the mutation was rejected).
    pub decision: Option<Decision>,
    /// The mutation, as the evaluator's JSON.
    pub mutation: Value,
    /// Every `expect` line, passed or not, in source order.
    pub expectations: Vec<Expectation>,
    /// For a failing test with a field no contract governs: the contract
    /// that came closest and why it did not apply.
    pub closest: Option<Closest>,
    /// Fields of a failing test that no contract governs.
    pub ungoverned: Vec<String>,
}

/// One `expect` line and what the decision said.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expectation {
    /// `None` for the whole write (`expect auto`).
    pub field: Option<String>,
    pub expected: &'static str,
    /// `None` when the decision has nothing for the field.
    pub actual: Option<&'static str>,
}

impl Expectation {
    pub fn passed(&self) -> bool {
        self.actual == Some(self.expected)
    }
}

impl TestResult {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }

    /// For a failure where no contract governs a field: which contract came
    /// closest and why it did not apply (or that none is about the object).
    pub fn closest_text(&self, sources: &SourceMap) -> Option<String> {
        if self.ungoverned.is_empty() {
            return None;
        }
        Some(match &self.closest {
            Some(c) => format!("closest: {}", c.sentence(sources)),
            None => format!(
                "no contract is about the test's object `{}`",
                self.mutation["object"].as_str().unwrap_or("?")
            ),
        })
    }
}

/// Runs every test of the unit against `table` (compiled from the same unit).
pub fn run_tests(unit: &CheckedUnit, table: &Table) -> Vec<TestResult> {
    unit.tests
        .iter()
        .map(|t| run_test(unit, table, t))
        .collect()
}

/// Runs one test of the unit against `table` (compiled from the same unit).
pub fn run_test(unit: &CheckedUnit, table: &Table, test: &TestCase) -> TestResult {
    let mutation = mutation_json(unit, test);
    let mut result = TestResult {
        name: test.name.clone(),
        span: test.span,
        failures: Vec::new(),
        decision: None,
        mutation,
        expectations: Vec::new(),
        closest: None,
        ungoverned: Vec::new(),
    };
    let decided =
        Mutation::from_value(&result.mutation).and_then(|m| table.decide(&m).map(|d| (m, d)));
    let (parsed, decision) = match decided {
        Ok(d) => d,
        Err(e) => {
            result
                .failures
                .push(format!("the evaluator rejected the test's mutation: {e}"));
            return result;
        }
    };
    if let Some((expected, _)) = test.expect_overall {
        let got = decision.outcome.as_str();
        if got != expected.as_str() {
            result.failures.push(format!(
                "expected the write to be `{}`, the decision is `{got}`",
                expected.as_str()
            ));
        }
        result.expectations.push(Expectation {
            field: None,
            expected: expected.as_str(),
            actual: Some(got),
        });
    }
    for (field, expected, _) in &test.expect_fields {
        let name = &unit.schema.field(*field).name;
        let actual = decision.fields.get(name).map(|fd| fd.outcome.as_str());
        match actual {
            Some(got) => {
                if got != expected.as_str() {
                    result.failures.push(format!(
                        "expected `{name}` to be `{}`, it is `{got}`",
                        expected.as_str()
                    ));
                }
            }
            None => result.failures.push(format!(
                "expected a decision for `{name}`, the decision has none"
            )),
        }
        result.expectations.push(Expectation {
            field: Some(name.clone()),
            expected: expected.as_str(),
            actual,
        });
    }
    if !result.failures.is_empty() {
        let ungoverned: Vec<FieldId> = decision
            .fields
            .iter()
            .filter(|(_, fd)| fd.contract.is_none() && fd.reasons.iter().any(|r| r == UNGOVERNED))
            .filter_map(|(name, _)| unit.schema.field_by_name(test.object, name))
            .collect();
        result.ungoverned = ungoverned
            .iter()
            .map(|f| unit.schema.field(*f).name.clone())
            .collect();
        if !ungoverned.is_empty() {
            result.closest = closest::closest(unit, test, &parsed, &ungoverned);
        }
    }
    result.decision = Some(decision);
    result
}

/// The test block as a language-v1 §7 mutation.
pub fn mutation_json(unit: &CheckedUnit, test: &TestCase) -> Value {
    let object = unit.schema.object(test.object);
    let values = |pairs: &[(FieldId, Value)]| -> Map<String, Value> {
        pairs
            .iter()
            .map(|(f, v)| (unit.schema.field(*f).name.clone(), v.clone()))
            .collect()
    };
    let parents: Map<String, Value> = test
        .parents
        .iter()
        .map(|(rel, pairs)| (rel.clone(), Value::Object(values(pairs))))
        .collect();
    let mut m = json!({
        "object": object.name,
        "event": test.event.as_str(),
        "actor": { "kind": test.actor_kind.as_str(), "name": test.actor_name },
        "at": test.at.clone().unwrap_or_else(|| DEFAULT_AT.to_string()),
        "record": Value::Object(values(&test.record)),
        "parents": Value::Object(parents),
        "changes": Value::Object(values(&test.changes)),
    });
    if let Some(c) = test.confidence {
        m["confidence"] = c.to_json();
    }
    if let Some(s) = &test.source {
        m["source"] = json!(s);
    }
    if let Some(c) = &test.cause {
        m["trigger"] = c.clone();
    }
    if !test.history.is_empty() {
        let at = m["at"].clone();
        let h: Map<String, Value> = test
            .history
            .iter()
            .map(|(f, e)| {
                let v = match e {
                    None => Value::Null,
                    Some(e) => {
                        let mut w = json!({
                            "actor": { "kind": e.kind.as_str(), "name": e.name },
                            "at": e.at.as_ref().map_or_else(|| at.clone(), |a| json!(a)),
                        });
                        if let Some(s) = &e.source {
                            w["source"] = json!(s);
                        }
                        w
                    }
                };
                (unit.schema.field(*f).name.clone(), v)
            })
            .collect();
        m["history"] = Value::Object(h);
    }
    m
}

/// Why a test's decision came out as it did, one line a field, for failures.
pub fn explain_decision(decision: &Decision) -> Vec<String> {
    decision
        .fields
        .iter()
        .map(|(name, fd)| {
            let by = match (&fd.contract, &fd.rule) {
                (Some(c), Some(r)) => format!(" (contract `{c}`, rule {r})"),
                (Some(c), None) => format!(" (contract `{c}`)"),
                _ => String::new(),
            };
            format!(
                "{name}: {}{by}: {}",
                fd.outcome.as_str(),
                fd.reasons.join("; ")
            )
        })
        .collect()
}
