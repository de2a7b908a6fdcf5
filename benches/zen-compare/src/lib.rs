//! The same decision table for `crmc-eval` and for GoRules `zen-engine`.
//!
//! One contract on `Lead` (actor `ai`, trigger `update`, no eligibility,
//! exclusion, confidence threshold or mode cap, so the work is the field
//! rules, which is what a zen decision table does) with `rules` field rules:
//! `rules / 3` number fields `Fnnnnn`, each with, in order,
//!
//! ```text
//! Fnnnnn: auto when Fnnnnn is empty and confidence >= 0.9,
//!         review when new Fnnnnn < 100,
//!         suggest
//! *: never
//! ```
//!
//! The zen table (hit policy `first`) has one row per rule, in the same
//! order: input columns `field` (the changed field's name), `cur` (its
//! current value), `new` (the proposed value) and `confidence`; outputs
//! `outcome` and `rule` (the deciding rule, `Fnnnnn#n` or `*#1`). The `*`
//! rule is a last row with only outputs.
//!
//! Both sides produce the same information per input: the changed field's
//! outcome and the rule that decided it (crmc: [`crmc_eval::Evaluator::decide_fields`],
//! which also names the deciding contract and applies the contract-level
//! steps — applicability, caps, schema flags — that zen's table lacks).
//!
//! An input changes one field. For crmc it is a pre-parsed [`Mutation`]
//! (for `decide_fields`, a [`crmc_eval::PreparedMutation`]: the mutation
//! resolved once against the table, names to field indices, values decoded
//! by field type); for zen a pre-built `Variable` `{field, cur, new,
//! confidence}` (parsed once, as zen's own benchmarks do). Inputs
//! cycle over the fields in table order, so zen's first-hit scan reads half
//! the table on average while crmc finds the field's rules by binary search:
//! that difference is part of what is measured.

use crmc_eval::builder::{FieldSpec, TableBuilder};
use crmc_eval::table::*;
use crmc_eval::{Mutation, Table};
use serde_json::{json, Value};

pub fn field_name(i: usize) -> String {
    format!("F{i:05}")
}

pub fn fields_for(rules: usize) -> usize {
    (rules / 3).max(1)
}

/// The crmc table with `rules` field rules (and one `*` rule).
pub fn crmc_table(rules: usize) -> Table {
    let n = fields_for(rules);
    let mut b = TableBuilder::new("zen-compare");
    let specs: Vec<FieldSpec> = (0..n)
        .map(|i| FieldSpec::new(&field_name(i), TypeTag::Number))
        .collect();
    let o = b.object("Lead", &specs);
    let mut field_rules = Vec::new();
    for i in 0..n {
        let Some(f) = b.field(o, &field_name(i)) else {
            continue;
        };
        let w1 = b.cond(vec![
            Op::Atom(Subject::Field(f), Test::IsEmpty),
            Op::Atom(Subject::Confidence, Test::Cmp(CmpOp::Ge, Const::Num(0.9))),
            Op::And(2),
        ]);
        let w2 = b.cond(vec![Op::Atom(
            Subject::New(f),
            Test::Cmp(CmpOp::Lt, Const::Num(100.0)),
        )]);
        let rule = |outcome, when, position| RuleRow {
            outcome,
            route: None,
            when,
            position,
        };
        field_rules.push(FieldRules {
            field: f,
            rules: vec![
                rule(Outcome::Auto, Some(w1), 1),
                rule(Outcome::Review, Some(w2), 2),
                rule(Outcome::Suggest, None, 3),
            ],
        });
    }
    let name = b.intern("compare");
    b.contract(ContractRow {
        name,
        version: 1,
        object: o,
        actor_kind: ActorKind::Ai,
        actor_name: None,
        mode: Mode::ConditionalWrite,
        triggers: vec![Trigger::Update(None)],
        eligible: None,
        exclusions: vec![],
        auto_at: None,
        review_at: None,
        field_rules,
        star: Some(vec![RuleRow {
            outcome: Outcome::Never,
            route: None,
            when: None,
            position: 1,
        }]),
        review_route: None,
        escalate_route: None,
        require: vec![],
        audit: None,
        rollback: None,
        sample: Default::default(),
    });
    b.finish().unwrap_or_default()
}

/// The equivalent zen JDM graph: input node -> decision table -> output.
pub fn zen_jdm(rules: usize) -> Value {
    let n = fields_for(rules);
    let mut rows = Vec::with_capacity(3 * n + 1);
    for i in 0..n {
        let f = format!("'{}'", field_name(i));
        let rule = |n: u32| format!("'{}#{n}'", field_name(i));
        rows.push(
            json!({"_id": format!("r{i}a"), "i_field": f, "i_cur": "$ == null",
            "i_new": "", "i_conf": ">= 0.9", "o_outcome": "'auto'", "o_rule": rule(1)}),
        );
        rows.push(json!({"_id": format!("r{i}b"), "i_field": f, "i_cur": "",
            "i_new": "< 100", "i_conf": "", "o_outcome": "'review'", "o_rule": rule(2)}));
        rows.push(json!({"_id": format!("r{i}c"), "i_field": f, "i_cur": "",
            "i_new": "", "i_conf": "", "o_outcome": "'suggest'", "o_rule": rule(3)}));
    }
    rows.push(
        json!({"_id": "star", "i_field": "", "i_cur": "", "i_new": "", "i_conf": "",
        "o_outcome": "'never'", "o_rule": "'*#1'"}),
    );
    json!({
        "nodes": [
            {"id": "in", "name": "request", "type": "inputNode", "content": {}},
            {"id": "table", "name": "rules", "type": "decisionTableNode", "content": {
                "hitPolicy": "first",
                "inputs": [
                    {"id": "i_field", "name": "field", "field": "field"},
                    {"id": "i_cur", "name": "cur", "field": "cur"},
                    {"id": "i_new", "name": "new", "field": "new"},
                    {"id": "i_conf", "name": "confidence", "field": "confidence"}
                ],
                "outputs": [
                    {"id": "o_outcome", "name": "outcome", "field": "outcome"},
                    {"id": "o_rule", "name": "rule", "field": "rule"}
                ],
                "rules": rows
            }},
            {"id": "out", "name": "response", "type": "outputNode", "content": {}}
        ],
        "edges": [
            {"id": "e1", "sourceId": "in", "targetId": "table", "type": "edge"},
            {"id": "e2", "sourceId": "table", "targetId": "out", "type": "edge"}
        ]
    })
}

/// Input `k` of `count`: (changed field, current value, new value, confidence).
pub fn input(rules: usize, k: usize, count: usize) -> (String, Value, f64, f64) {
    let n = fields_for(rules);
    let field = field_name((k * n / count.max(1)) % n);
    let cur = if k.is_multiple_of(2) {
        Value::Null
    } else {
        json!(7)
    };
    let new = [5.0, 500.0][(k / 2) % 2];
    let conf = [0.95, 0.5, 0.93][k % 3];
    (field, cur, new, conf)
}

pub fn crmc_input(rules: usize, k: usize, count: usize) -> Option<Mutation> {
    let (field, cur, new, conf) = input(rules, k, count);
    let v = json!({"object": "Lead", "event": "update", "actor": {"kind": "ai", "name": "bench"},
        "confidence": conf, "at": "2026-11-21T10:00:00Z",
        "record": {field.clone(): cur}, "changes": {field: new}});
    Mutation::from_value(&v).ok()
}

pub fn zen_input(rules: usize, k: usize, count: usize) -> Value {
    let (field, cur, new, conf) = input(rules, k, count);
    json!({"field": field, "cur": cur, "new": new, "confidence": conf})
}
