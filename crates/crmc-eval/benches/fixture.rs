//! The benchmark table shared by `benches/decide.rs`,
//! `examples/stream_bench.rs` and `examples/table_size.rs` (included with
//! `#[path]`), so every figure is measured on the same kind of table.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use crmc_eval::builder::{FieldSpec, TableBuilder};
use crmc_eval::table::*;
use crmc_eval::Table;

/// The `decide` bench's table: `contracts` contracts on `Lead`, `rules /
/// contracts / 3` fields each with two conditional rules and a fallback, eligibility, an
/// exclusion, confidence thresholds and a full audit clause.
pub fn table(rules: usize, contracts: usize) -> Table {
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
            sample: Default::default(),
        });
    }
    b.finish().unwrap()
}
