//! Table size and load time: the `decide` bench's tables (10 contracts) at
//! 20 to 20,000 field rules, written with `Table::to_bytes` and loaded with
//! `Table::from_bytes` (which validates every index).
//!
//! `cargo run --release -p crmc-eval --example table_size`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crmc_eval::builder::{FieldSpec, TableBuilder};
use crmc_eval::table::*;
use crmc_eval::Table;
use std::time::Instant;

/// The `decide` bench's table: `contracts` contracts on `Lead`, `rules /
/// contracts / 3` fields each with two conditional rules and a fallback, eligibility, an
/// exclusion, confidence thresholds and a full audit clause.
fn table(rules: usize, contracts: usize) -> Table {
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
    let status = b.field(o, "Status").unwrap();
    let zz = b.field(o, "Zz").unwrap();
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
            let f = b.field(o, &format!("F{i:05}")).unwrap();
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
    b.finish().unwrap()
}

fn main() {
    for rules in [20, 200, 2_000, 20_000] {
        let t = table(rules, 10);
        let bytes = t.to_bytes();
        let n = t.rule_count();
        let mut times: Vec<f64> = (0..51)
            .map(|_| {
                let start = Instant::now();
                let loaded = Table::from_bytes(std::hint::black_box(&bytes)).unwrap();
                let e = start.elapsed().as_secs_f64();
                assert_eq!(loaded.contracts.len(), 10);
                e
            })
            .collect();
        times.sort_by(f64::total_cmp);
        println!(
            "{n:>6} rules: {:>9} bytes, {:>5.1} bytes/rule, load median {:>8.3} ms (min {:.3} ms, 51 loads)",
            bytes.len(),
            bytes.len() as f64 / n as f64,
            times[25] * 1e3,
            times[0] * 1e3
        );
    }
}
