//! Decisions per second on generated tables, and table load time.
//!
//! `cargo bench -p crmc-eval --bench decide`

use crmc_eval::builder::{FieldSpec, TableBuilder};
use crmc_eval::table::*;
use crmc_eval::{Mutation, Table};
use serde_json::json;

fn main() {
    divan::main();
}

/// A table with `rules` field rules: 10 contracts on one object with
/// `rules / 10` fields each, every field with two conditional rules and a
/// fallback, plus eligibility and an exclusion per contract.
fn table(rules: usize) -> Table {
    let contracts = 10;
    let per = (rules / contracts / 3).max(1);
    let fields = per + 2;
    let mut b = TableBuilder::new("bench");
    let specs: Vec<FieldSpec> = (0..fields)
        .map(|i| FieldSpec::new(&format!("F{i:05}"), TypeTag::Number))
        .chain([
            FieldSpec::new("Status", TypeTag::Picklist),
            FieldSpec::new("Zz", TypeTag::Bool),
        ])
        .collect();
    let o = b.object("Lead", &specs);
    let status = b.field(o, "Status").unwrap_or(FieldIx(0));
    let zz = b.field(o, "Zz").unwrap_or(FieldIx(0));
    let open = b.intern("Open");
    let working = b.intern("Working");
    for c in 0..contracts {
        let set = b.set(&[Const::Str(open), Const::Str(working)]);
        let eligible = b.cond(vec![Op::Atom(
            Subject::Field(status),
            Test::In {
                set,
                negated: false,
            },
        )]);
        let excl = b.cond(vec![Op::Atom(Subject::Field(zz), Test::IsTrue)]);
        let mut field_rules = Vec::new();
        for i in 0..per {
            let f = b.field(o, &format!("F{i:05}")).unwrap_or(FieldIx(0));
            let w1 = b.cond(vec![
                Op::Atom(Subject::Field(f), Test::IsEmpty),
                Op::Atom(Subject::Confidence, Test::Cmp(CmpOp::Ge, Const::Num(0.9))),
                Op::And(2),
            ]);
            let w2 = b.cond(vec![Op::Atom(
                Subject::New(f),
                Test::Cmp(CmpOp::Lt, Const::Num(100.0)),
            )]);
            field_rules.push(FieldRules {
                field: f,
                rules: vec![
                    RuleRow {
                        outcome: Outcome::Auto,
                        route: None,
                        when: Some(w1),
                        position: 1,
                    },
                    RuleRow {
                        outcome: Outcome::Review,
                        route: None,
                        when: Some(w2),
                        position: 2,
                    },
                    RuleRow {
                        outcome: Outcome::Suggest,
                        route: None,
                        when: None,
                        position: 3,
                    },
                ],
            });
        }
        let name = b.intern(&format!("c{c:03}"));
        b.contract(ContractRow {
            name,
            version: 1,
            object: o,
            actor_kind: ActorKind::Ai,
            actor_name: None,
            mode: Mode::ConditionalWrite,
            triggers: vec![Trigger::Update(None)],
            eligible: Some(eligible),
            exclusions: vec![ExclusionRow {
                name: None,
                when: excl,
            }],
            auto_at: Some(0.8),
            review_at: Some(0.5),
            field_rules,
            star: Some(vec![RuleRow {
                outcome: Outcome::Never,
                route: None,
                when: None,
                position: 1,
            }]),
            review_route: Some(Route {
                approver: Approver::RecordOwner,
                within: Some(3600),
            }),
            escalate_route: None,
            require: vec![],
            audit: Some(AuditField::ALL.to_vec()),
            rollback: None,
        });
    }
    b.finish().unwrap_or_default()
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
