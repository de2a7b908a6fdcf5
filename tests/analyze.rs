//! Analyzer tests: each finding kind positive and negative, witnesses held
//! against a direct interpreter, and a proptest against brute force.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "analyze_support/mod.rs"]
mod support;

use crmc::analyze::chain::RuleRef;
use crmc::analyze::findings::all_findings;
use crmc::analyze::{analyze, findings, Finding};
use crmc::check::model::*;
use crmc::diagnostics::Severity;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use support::*;

fn kinds(u: &CheckedUnit) -> Vec<&'static str> {
    analyze(u).iter().map(|d| d.kind()).collect()
}

fn stage_eq(s: &Schema, v: &str) -> Cond {
    atom(
        Subject::Field(fid(s, "Stage")),
        Test::Cmp(CmpOp::Eq, Value::Str(v.into())),
    )
}

fn num_cmp(s: &Schema, op: CmpOp, v: i64) -> Cond {
    atom(
        Subject::Field(fid(s, "Num")),
        Test::Cmp(op, Value::Num(Decimal::from_int(v))),
    )
}

use crmc::decimal::Decimal;

/// Two contracts for ai "x" on `Stage`: `a` auto, `b` review.
fn two(eligible_a: Option<Cond>, eligible_b: Option<Cond>) -> CheckedUnit {
    let s = schema(&[]);
    let mut sp = Spans(0);
    let stage = fid(&s, "Stage");
    let mut a = contract(&mut sp, "a");
    a.eligible = eligible_a;
    a.fields = vec![line(&mut sp, stage, vec![(Outcome::Auto, None)])];
    let mut b = contract(&mut sp, "b");
    b.eligible = eligible_b;
    b.fields = vec![line(&mut sp, stage, vec![(Outcome::Review, None)])];
    unit(s, vec![a, b])
}

/// What contract `k` decides for `field` where its rules say `o`, after
/// its review sample of the record `id`.
fn after_sample(
    u: &CheckedUnit,
    k: &Contract,
    field: FieldId,
    o: Outcome,
    id: Option<&str>,
) -> Outcome {
    let name = &u.schema.field(field).name;
    match k.sample.rate(Some(field)) {
        Some(r)
            if o == Outcome::Auto
                && crmc_eval::sample::sampled(id, &k.name, k.version, name, r.into()) =>
        {
            Outcome::Review
        }
        _ => o,
    }
}

fn check_conflict_witness(u: &CheckedUnit, f: &Finding) {
    let Finding::Conflict {
        a,
        b,
        field,
        a_outcome,
        b_outcome,
        witness,
        ..
    } = f
    else {
        panic!("not a conflict")
    };
    let Some(witness) = witness.as_ref() else {
        panic!("a confirmed conflict")
    };
    // the evaluator reads the witness as it is (its `history` included)
    crmc_eval::Mutation::from_value(witness).expect("a witness the evaluator reads");
    let m = parse_witness(&u.schema, witness);
    for c in [*a, *b] {
        assert!(u.contracts[c].actor.matches(m.kind, &m.name));
    }
    // an excluded contract applies and decides `never` (decisions 8)
    let id = witness["record"]["Zid"].as_str();
    let outcome = |c: usize| match run(&u.schema, &u.contracts[c], &m) {
        Applies::Live(x) => after_sample(u, &u.contracts[c], *field, x[field].0, id),
        Applies::Excluded => Outcome::Never,
        Applies::No => panic!("both must apply: {witness}"),
    };
    // then the guardrails for the witness's actor
    let outcome = |c: usize| raise(outcome(c), floor_at(u, &m, *field, Some(&m.name)));
    assert_eq!(outcome(*a), *a_outcome, "{witness}");
    assert_eq!(outcome(*b), *b_outcome, "{witness}");
    assert_ne!(a_outcome, b_outcome);
}

#[test]
fn conflict_found_with_witness() {
    let u = two(None, None);
    let fs = findings(&u);
    let c: Vec<&Finding> = fs
        .iter()
        .filter(|f| matches!(f, Finding::Conflict { .. }))
        .collect();
    assert_eq!(c.len(), 1);
    check_conflict_witness(&u, c[0]);
    let d = analyze(&u);
    let cd = d.iter().find(|d| d.kind() == "conflict").unwrap();
    assert_eq!(cd.code, "E0501");
    assert!(cd.is_error());
    assert!(cd.witness.is_some() && cd.help.is_some() && !cd.secondary.is_empty());
}

#[test]
fn no_conflict_when_eligible_regions_are_disjoint_or_actors_differ() {
    let s = schema(&[]);
    let u = two(
        Some(num_cmp(&s, CmpOp::Gt, 5)),
        Some(num_cmp(&s, CmpOp::Le, 5)),
    );
    assert!(!kinds(&u).contains(&"conflict"));
    // integers: > 5 and < 6 leave nothing
    let u = two(
        Some(num_cmp(&s, CmpOp::Gt, 5)),
        Some(num_cmp(&s, CmpOp::Lt, 6)),
    );
    assert!(!kinds(&u).contains(&"conflict"));
    let mut u = two(None, None);
    u.contracts[1].actor.name = Some("y".into());
    assert!(!kinds(&u).contains(&"conflict"));
    // `*` matches "x"
    u.contracts[1].actor.name = None;
    assert!(kinds(&u).contains(&"conflict"));
}

#[test]
fn conflict_witness_lands_on_the_right_side_of_a_confidence_threshold() {
    let mut u = two(None, None);
    // both say auto, but `b` caps below 0.9 to review
    u.contracts[1].fields[0].rules[0].outcome = Outcome::Auto;
    u.contracts[1].confidence.auto = Some((d("0.9"), Default::default()));
    let fs = findings(&u);
    let c: Vec<&Finding> = fs
        .iter()
        .filter(|f| matches!(f, Finding::Conflict { .. }))
        .collect();
    assert_eq!(c.len(), 1);
    check_conflict_witness(&u, c[0]);
    let Finding::Conflict { witness, .. } = c[0] else {
        unreachable!()
    };
    let conf = d(&witness.as_ref().unwrap()["confidence"].to_string());
    assert!(conf < d("0.9"));
}

#[test]
fn ownership_between_different_actors() {
    let mut u = two(None, None);
    u.contracts[1].actor.name = Some("y".into());
    u.contracts[1].fields[0].rules[0].outcome = Outcome::Auto;
    let fs = findings(&u);
    let o: Vec<&Finding> = fs
        .iter()
        .filter(|f| matches!(f, Finding::Ownership { .. }))
        .collect();
    assert_eq!(o.len(), 1);
    let Finding::Ownership {
        a,
        b,
        field,
        witness,
        other,
        ..
    } = o[0]
    else {
        unreachable!()
    };
    let ma = parse_witness(&u.schema, witness.as_ref().unwrap());
    let mb = parse_witness(&u.schema, other.as_ref().unwrap());
    assert_eq!(ma.record, mb.record);
    for (c, m) in [(*a, &ma), (*b, &mb)] {
        assert!(u.contracts[c].actor.matches(m.kind, &m.name));
        let Applies::Live(fs) = run(&u.schema, &u.contracts[c], m) else {
            panic!()
        };
        assert_eq!(fs[field].0, Outcome::Auto);
    }
    // different records: no finding
    let s = &u.schema;
    u.contracts[0].eligible = Some(stage_eq(s, "a"));
    u.contracts[1].eligible = Some(stage_eq(s, "b"));
    assert!(!kinds(&u).contains(&"ownership"));
}

#[test]
fn shadowed_and_dead_rules() {
    let s = schema(&[]);
    let mut sp = Spans(0);
    let num = fid(&s, "Num");
    let mut a = contract(&mut sp, "a");
    a.fields = vec![line(
        &mut sp,
        num,
        vec![
            (Outcome::Review, Some(num_cmp(&s, CmpOp::Gt, 3))),
            (Outcome::Suggest, Some(num_cmp(&s, CmpOp::Le, 3))),
            (Outcome::Auto, Some(num_cmp(&s, CmpOp::Eq, 2))),
            (
                Outcome::Auto,
                Some(Cond::And(vec![
                    num_cmp(&s, CmpOp::Gt, 10),
                    num_cmp(&s, CmpOp::Lt, 5),
                ])),
            ),
        ],
    )];
    let u = unit(s, vec![a]);
    let fs = findings(&u);
    let shadowed: Vec<_> = fs
        .iter()
        .filter_map(|f| match f {
            Finding::Shadowed { rule, by, .. } => Some((*rule, by.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(
        shadowed,
        vec![(RuleRef::Line(0, 2), vec![RuleRef::Line(0, 1)])]
    );
    let dead: Vec<_> = fs
        .iter()
        .filter_map(|f| match f {
            Finding::DeadRule { rule, why, .. } => Some((*rule, why.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].0, RuleRef::Line(0, 3));
    assert!(dead[0].1.contains("Num > 10") && dead[0].1.contains("Num < 5"));
    // no gap: the first two rules cover every non-empty Num, but empty falls through
    assert!(fs.iter().any(|f| matches!(f, Finding::Gap { .. })));
}

#[test]
fn gap_has_witness_and_no_gap_with_catch_all() {
    let s = schema(&[]);
    let mut sp = Spans(0);
    let stage = fid(&s, "Stage");
    let mut a = contract(&mut sp, "a");
    a.fields = vec![line(
        &mut sp,
        stage,
        vec![(Outcome::Auto, Some(stage_eq(&s, "a")))],
    )];
    let mut u = unit(s, vec![a]);
    let fs = findings(&u);
    let g: Vec<_> = fs
        .iter()
        .filter_map(|f| match f {
            Finding::Gap { witness, .. } => witness.clone(),
            _ => None,
        })
        .collect();
    assert_eq!(g.len(), 1);
    let m = parse_witness(&u.schema, &g[0]);
    let Applies::Live(out) = run(&u.schema, &u.contracts[0], &m) else {
        panic!()
    };
    assert_eq!(out[&stage], (Outcome::Never, None));
    let d = analyze(&u);
    let gd = d.iter().find(|d| d.kind() == "gap").unwrap();
    assert_eq!(gd.severity, Severity::Note);
    u.contracts[0].star = Some(star(&mut sp, vec![(Outcome::Suggest, None)]));
    assert!(!kinds(&u).contains(&"gap"));
}

#[test]
fn dead_contract_names_the_contradiction() {
    let s = schema(&[]);
    let mut sp = Spans(0);
    let stage = fid(&s, "Stage");
    let mut a = contract(&mut sp, "a");
    a.eligible = Some(stage_eq(&s, "a"));
    a.exclusions[0].when = atom(
        Subject::Field(stage),
        Test::In {
            values: vec![Value::Str("a".into()), Value::Str("b".into())],
            negated: false,
        },
    );
    a.fields = vec![line(&mut sp, stage, vec![(Outcome::Auto, None)])];
    let mut u = unit(s, vec![a]);
    let fs = findings(&u);
    let why = fs
        .iter()
        .find_map(|f| match f {
            Finding::DeadContract { why, .. } => Some(why.clone()),
            _ => None,
        })
        .unwrap();
    assert!(why.contains("Stage == \"a\""), "{why}");
    u.contracts[0].exclusions[0].when = Cond::False;
    assert!(!kinds(&u).contains(&"dead_contract"));
}

fn loop_unit(auto_b: bool) -> CheckedUnit {
    let s = schema(&[]);
    let mut sp = Spans(0);
    let (stage, num) = (fid(&s, "Stage"), fid(&s, "Num"));
    let mut a = contract(&mut sp, "a");
    a.triggers = vec![Trigger::Update(Some(vec![num]))];
    a.fields = vec![line(&mut sp, stage, vec![(Outcome::Auto, None)])];
    let mut b = contract(&mut sp, "b");
    b.actor.name = Some("y".into());
    b.triggers = vec![Trigger::Update(Some(vec![stage]))];
    b.fields = vec![line(
        &mut sp,
        num,
        vec![(
            if auto_b {
                Outcome::Auto
            } else {
                Outcome::Review
            },
            None,
        )],
    )];
    unit(s, vec![a, b])
}

#[test]
fn automation_loops() {
    let d = analyze(&loop_unit(true));
    let l = d.iter().find(|d| d.kind() == "automation_loop").unwrap();
    assert!(l.is_error());
    assert!(
        l.message.contains("a → Stage → b → Num → a"),
        "{}",
        l.message
    );
    let d = analyze(&loop_unit(false));
    let l = d.iter().find(|d| d.kind() == "automation_loop").unwrap();
    assert_eq!(l.severity, Severity::Warning);
    let mut u = loop_unit(true);
    u.contracts[1].triggers = vec![Trigger::Create];
    assert!(!kinds(&u).contains(&"automation_loop"));
}

#[test]
fn threshold_order_and_no_approver() {
    let mut u = two(None, None);
    u.contracts[0].confidence.auto = Some((d("0.5"), Default::default()));
    u.contracts[0].confidence.review = Some((d("0.8"), Default::default()));
    assert!(kinds(&u).contains(&"threshold_order"));
    u.contracts[0].confidence.review = Some((d("0.4"), Default::default()));
    assert!(!kinds(&u).contains(&"threshold_order"));
    // review reachable through the confidence cap, no route
    assert!(!kinds(&u).contains(&"no_approver"));
    u.contracts[0].approval.review = None;
    let d = analyze(&u);
    assert!(d.iter().any(|d| d.kind() == "no_approver" && d.is_error()));
    // a rule route suffices for a rule's own outcome
    let mut u = two(None, None);
    u.contracts[1].approval.review = None;
    assert!(kinds(&u).contains(&"no_approver"));
    u.contracts[1].fields[0].rules[0].route = Some(Approver::RecordOwner);
    assert!(!kinds(&u).contains(&"no_approver"));
    // draft mode caps auto to review
    let mut u = two(None, None);
    u.contracts[0].mode = Mode::Draft;
    u.contracts[0].approval.review = None;
    assert!(kinds(&u).contains(&"no_approver"));
}

#[test]
fn hygiene_findings() {
    let mut u = two(None, None);
    let k = kinds(&u);
    for kind in ["unsuppressed_automation", "no_rollback", "thin_audit"] {
        assert!(!k.contains(&kind), "{kind}");
    }
    u.contracts[0].exclusions.clear();
    u.contracts[0].rollback = None;
    u.contracts[0].audit = None;
    u.contracts[1].exclusions.clear();
    u.contracts[1].rollback = None;
    u.contracts[1].audit.as_mut().unwrap().fields.pop();
    let k = kinds(&u);
    // only `a` can auto
    assert_eq!(
        k.iter()
            .filter(|k| **k == "unsuppressed_automation")
            .count(),
        1
    );
    assert_eq!(k.iter().filter(|k| **k == "no_rollback").count(), 1);
    assert_eq!(k.iter().filter(|k| **k == "thin_audit").count(), 2);
}

#[test]
fn overlap_findings_group_per_component() {
    let s = schema(&[]);
    let mut sp = Spans(0);
    let stage = fid(&s, "Stage");
    let mut cs = Vec::new();
    let mut broad = contract(&mut sp, "broad");
    broad.fields = vec![line(&mut sp, stage, vec![(Outcome::Auto, None)])];
    cs.push(broad);
    for i in 0..5 {
        let mut c = contract(&mut sp, &format!("narrow{i}"));
        c.eligible = Some(num_cmp(&s, CmpOp::Eq, i));
        c.fields = vec![line(&mut sp, stage, vec![(Outcome::Review, None)])];
        cs.push(c);
    }
    let u = unit(s, cs);
    let fs = findings(&u);
    assert_eq!(
        fs.iter()
            .filter(|f| matches!(f, Finding::Conflict { .. }))
            .count(),
        5
    );
    for f in fs.iter().filter(|f| matches!(f, Finding::Conflict { .. })) {
        check_conflict_witness(&u, f);
    }
    // one diagnostic, one label per contract rule, one witness
    let d = analyze(&u);
    let conflicts: Vec<_> = d.iter().filter(|d| d.kind() == "conflict").collect();
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].secondary.len(), 5);
    assert!(conflicts[0].notes.iter().all(|n| !n.starts_with("also")));
    assert!(
        conflicts[0]
            .notes
            .iter()
            .any(|n| n.starts_with("6 contracts overlap here")),
        "{:?}",
        conflicts[0].notes
    );
    // with every witness: one note per further pair
    let d = crmc::analyze::analyze_with(
        &u,
        crmc::analyze::Options {
            all_witnesses: true,
        },
    );
    let conflicts: Vec<_> = d.iter().filter(|d| d.kind() == "conflict").collect();
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].secondary.len(), 5);
    assert_eq!(
        conflicts[0]
            .notes
            .iter()
            .filter(|n| n.starts_with("also"))
            .count(),
        4
    );
}

#[test]
fn new_value_and_changed_are_exact() {
    let s = schema(&[]);
    let mut sp = Spans(0);
    let (stage, flag) = (fid(&s, "Stage"), fid(&s, "Flag"));
    let new_stage_a = atom(
        Subject::New(stage),
        Test::Cmp(CmpOp::Eq, Value::Str("a".into())),
    );
    let mut a = contract(&mut sp, "a");
    // Flag is decided; new Stage == "a" with Stage unchanged reads the current value
    a.fields = vec![line(
        &mut sp,
        flag,
        vec![
            (Outcome::Auto, Some(new_stage_a.clone())),
            (Outcome::Review, Some(Cond::Not(Box::new(new_stage_a)))),
        ],
    )];
    let u = unit(s, vec![a]);
    let k = kinds(&u);
    assert!(!k.contains(&"gap") && !k.contains(&"shadowed_rule") && !k.contains(&"dead_rule"));
}

// ------------------------------------------------------------ brute force

const STAGES: [&str; 3] = ["a", "b", "c"];

/// An atom. With `history`: provenance of Stage (`set by`, `source of`),
/// `changed`, confidence and event only, so the brute force can leave the
/// record's values out and enumerate Stage's last write instead.
fn arb_atom(history: bool) -> BoxedStrategy<Cond> {
    if !history {
        return arb_plain_atom().boxed();
    }
    let s = schema(&[]);
    let (flag, num, stage) = (fid(&s, "Flag"), fid(&s, "Num"), fid(&s, "Stage"));
    let set_by = (0usize..2, any::<bool>(), any::<bool>()).prop_map(move |(k, n, w)| Cond::SetBy {
        field: stage,
        kind: [ActorKind::Human, ActorKind::Ai][k],
        name: n.then(|| "jane".to_string()),
        within: w.then_some(90 * 86_400),
        span: Default::default(),
    });
    let source = (0usize..4).prop_map(move |t| {
        let test = match t {
            0 => Test::Cmp(CmpOp::Eq, Value::Str("CRM_UI".into())),
            1 => Test::In {
                values: vec![Value::Str("CRM_UI".into())],
                negated: true,
            },
            2 => Test::StartsWith("CRM".into()),
            _ => Test::IsEmpty,
        };
        atom(Subject::HistSource(stage), test)
    });
    let changed = (0usize..3).prop_map(move |f| Cond::Changed {
        field: [flag, num, stage][f],
        span: Default::default(),
    });
    let conf = (0usize..2).prop_map(|t| {
        atom(
            Subject::Confidence,
            Test::Cmp(CmpOp::Ge, Value::Num(d(["0.5", "0.8"][t]))),
        )
    });
    let event = (0usize..3).prop_map(|e| {
        atom(
            Subject::Event,
            Test::Cmp(
                CmpOp::Eq,
                Value::Event([Event::Create, Event::Update, Event::Delete][e]),
            ),
        )
    });
    prop_oneof![3 => set_by, 2 => source, 1 => changed, 1 => conf, 1 => event].boxed()
}

fn arb_plain_atom() -> impl Strategy<Value = Cond> {
    let s = schema(&[]);
    let (flag, num, stage) = (fid(&s, "Flag"), fid(&s, "Num"), fid(&s, "Stage"));
    let subj = move |which: u8, f: FieldId| {
        if which == 0 {
            Subject::New(f)
        } else {
            Subject::Field(f)
        }
    };
    prop_oneof![
        (0u8..3, 0usize..3).prop_map(move |(w, v)| atom(
            subj(w, stage),
            Test::Cmp(CmpOp::Eq, Value::Str(STAGES[v].into()))
        )),
        (
            0u8..3,
            proptest::collection::btree_set(0usize..3, 1..3),
            any::<bool>()
        )
            .prop_map(move |(w, vs, neg)| atom(
                subj(w, stage),
                Test::In {
                    values: vs
                        .into_iter()
                        .map(|v| Value::Str(STAGES[v].into()))
                        .collect(),
                    negated: neg
                }
            )),
        (0u8..3).prop_map(move |w| atom(subj(w, stage), Test::IsEmpty)),
        (0u8..3).prop_map(move |w| atom(subj(w, flag), Test::IsTrue)),
        (0u8..3).prop_map(move |w| atom(subj(w, flag), Test::IsSet)),
        (0u8..3, 0usize..6, 0i64..3).prop_map(move |(w, op, v)| atom(
            subj(w, num),
            Test::Cmp(
                [
                    CmpOp::Eq,
                    CmpOp::Ne,
                    CmpOp::Lt,
                    CmpOp::Le,
                    CmpOp::Gt,
                    CmpOp::Ge
                ][op],
                Value::Num(Decimal::from_int(v))
            )
        )),
        (0usize..3).prop_map(move |f| Cond::Changed {
            field: [flag, num, stage][f],
            span: Default::default()
        }),
        (0usize..2).prop_map(|t| atom(
            Subject::Confidence,
            Test::Cmp(CmpOp::Ge, Value::Num(d(["0.5", "0.8"][t])))
        )),
        (0usize..2, 0usize..3).prop_map(|(op, e)| atom(
            Subject::Event,
            Test::Cmp(
                [CmpOp::Eq, CmpOp::Ne][op],
                Value::Event([Event::Create, Event::Update, Event::Delete][e])
            )
        )),
        (0usize..3, any::<bool>()).prop_map(|(e, negated)| atom(
            Subject::Event,
            Test::In {
                values: vec![Value::Event(
                    [Event::Create, Event::Update, Event::Delete][e]
                )],
                negated
            }
        )),
    ]
}

fn arb_cond(history: bool) -> impl Strategy<Value = Cond> {
    arb_atom(history).prop_recursive(2, 6, 3, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 2..3).prop_map(Cond::And),
            proptest::collection::vec(inner.clone(), 2..3).prop_map(Cond::Or),
            inner.prop_map(|c| Cond::Not(Box::new(c))),
        ]
    })
}

fn arb_outcome() -> impl Strategy<Value = Outcome> {
    (0usize..5).prop_map(|i| Outcome::ALL[i])
}

type Rules = Vec<(Outcome, Option<Cond>)>;

#[derive(Clone, Debug)]
struct Spec {
    name: usize,
    trigger: usize,
    eligible: Option<Cond>,
    exclude: Option<Cond>,
    thresholds: (Option<usize>, Option<usize>),
    lines: Vec<(usize, Rules)>,
    star: Option<Rules>,
    /// `sample` at rate [50%, 100%][.0], for every field (`.1`) or for
    /// field `.2` alone.
    sample: Option<(usize, bool, usize)>,
}

/// A guardrail of the property test: for actor `x`, `y` or `*`, a
/// condition, floors on fields by position, a `*` floor.
#[derive(Clone, Debug)]
struct GSpec {
    name: usize,
    when: Option<Cond>,
    floors: BTreeMap<usize, Outcome>,
    star: Option<Outcome>,
}

fn arb_floor() -> impl Strategy<Value = Outcome> {
    prop_oneof![
        Just(Outcome::Review),
        Just(Outcome::Escalate),
        Just(Outcome::Suggest),
        Just(Outcome::Never),
    ]
}

fn arb_guard(history: bool) -> impl Strategy<Value = GSpec> {
    (
        0usize..3,
        proptest::option::weighted(0.5, arb_cond(history)),
        proptest::collection::btree_map(0usize..3, arb_floor(), 0..3),
        proptest::option::weighted(0.4, arb_floor()),
    )
        .prop_map(|(name, when, floors, star)| GSpec {
            name,
            when,
            star: star.or(floors.is_empty().then_some(Outcome::Review)),
            floors,
        })
}

/// The highest floor of the unit's guardrails that apply to `m`'s write of
/// `f` by an `ai` actor named `name` (`None`: a name no guardrail names).
fn floor_at(u: &CheckedUnit, m: &Mut, f: FieldId, name: Option<&str>) -> Option<Outcome> {
    u.guardrails
        .iter()
        .filter(|g| g.actor.name.is_none() || g.actor.name.as_deref() == name)
        .filter(|g| g.when.as_ref().is_none_or(|w| eval(w, m)))
        .filter_map(|g| g.floor(Some(f)))
        .max()
}

fn raise(o: Outcome, floor: Option<Outcome>) -> Outcome {
    floor.map_or(o, |x| o.max(x))
}

fn arb_rules(history: bool) -> impl Strategy<Value = Vec<(Outcome, Option<Cond>)>> {
    proptest::collection::vec(
        (
            arb_outcome(),
            proptest::option::weighted(0.8, arb_cond(history)),
        ),
        1..4,
    )
}

fn arb_spec(history: bool) -> impl Strategy<Value = Spec> {
    (
        0usize..3,
        0usize..6,
        proptest::option::weighted(0.5, arb_cond(history)),
        proptest::option::weighted(0.3, arb_cond(history)),
        (
            proptest::option::of(0usize..2),
            proptest::option::of(0usize..2),
        ),
        proptest::collection::btree_map(0usize..3, arb_rules(history), 1..3),
        proptest::option::weighted(0.3, arb_rules(history)),
        proptest::option::weighted(0.3, (0usize..2, any::<bool>(), 0usize..3)),
    )
        .prop_map(
            |(name, trigger, eligible, exclude, thresholds, lines, star, sample)| Spec {
                name,
                trigger,
                eligible,
                exclude,
                thresholds,
                lines: lines.into_iter().collect(),
                star,
                sample,
            },
        )
}

fn build_guarded(specs: &[Spec], guards: &[GSpec]) -> CheckedUnit {
    let mut u = build(specs);
    let fields = [
        fid(&u.schema, "Flag"),
        fid(&u.schema, "Num"),
        fid(&u.schema, "Stage"),
    ];
    let mut sp = Spans(10_000);
    for (i, g) in guards.iter().enumerate() {
        u.guardrails.push(Guardrail {
            name: format!("g{i}"),
            name_span: sp.next(),
            span: sp.next(),
            object: ObjectId(0),
            actor: Actor {
                kind: ActorKind::Ai,
                name: [Some("x".to_string()), Some("y".to_string()), None][g.name].clone(),
                span: sp.next(),
            },
            when: g.when.clone(),
            floors: g
                .floors
                .iter()
                .map(|(f, o)| (fields[*f], *o, sp.next()))
                .collect(),
            star: g.star.map(|o| (o, sp.next())),
            reason: None,
        });
    }
    u
}

fn build(specs: &[Spec]) -> CheckedUnit {
    // an id, so that a witness names the record its samples are drawn
    // from (sorted last: the conditions name fields by position)
    let s = schema(&[("Zid", FieldType::Id, true, false)]);
    let mut sp = Spans(0);
    let fields = [fid(&s, "Flag"), fid(&s, "Num"), fid(&s, "Stage")];
    let mut cs = Vec::new();
    for (i, spec) in specs.iter().enumerate() {
        let mut c = contract(&mut sp, &format!("c{i}"));
        c.actor.name = [Some("x".to_string()), Some("y".to_string()), None][spec.name].clone();
        c.triggers = match spec.trigger {
            0 => vec![Trigger::Update(None)],
            1 => vec![Trigger::Create, Trigger::Update(Some(vec![fields[2]]))],
            2 => vec![Trigger::Update(Some(vec![fields[0], fields[1]]))],
            3 => vec![Trigger::Create, Trigger::Delete],
            4 => vec![Trigger::Signal("s1".into())],
            _ => vec![
                Trigger::Schedule(None),
                Trigger::Update(Some(vec![fields[0]])),
            ],
        };
        c.eligible = spec.eligible.clone();
        c.exclusions[0].when = spec.exclude.clone().unwrap_or(Cond::False);
        let th = ["0.5", "0.8"];
        c.confidence.auto = spec.thresholds.0.map(|t| (d(th[t]), Default::default()));
        c.confidence.review = spec.thresholds.1.map(|t| (d(th[t]), Default::default()));
        c.fields = spec
            .lines
            .iter()
            .map(|(f, rules)| line(&mut sp, fields[*f], rules.clone()))
            .collect();
        c.star = spec.star.clone().map(|r| star(&mut sp, r));
        if let Some((rate, all, f)) = spec.sample {
            let rate = [5_000, 10_000][rate];
            if all {
                c.sample.all = Some(rate);
            } else {
                c.sample.fields = vec![(fields[f], rate)];
            }
        }
        cs.push(c);
    }
    unit(s, cs)
}

/// One cause per class of causes the unit's triggers tell apart (the
/// decision reads a cause only through which contracts it triggers, and
/// an explicit cause triggers the same contracts whatever the write): every
/// pattern of the test triggers' field lists ({Stage}, {Flag, Num},
/// {Flag}), the record events, a signal and a schedule.
fn cause_classes(u: &CheckedUnit) -> Vec<crmc_eval::Cause> {
    use crmc_eval::Cause;
    let update = |fs: &[&str]| Cause::Record {
        object: None,
        event: Event::Update,
        fields: fs.iter().map(|f| f.to_string()).collect(),
    };
    let record = |event| Cause::Record {
        object: None,
        event,
        fields: vec![],
    };
    let all = [
        record(Event::Create),
        record(Event::Delete),
        update(&["Ghost"]),
        update(&["Stage"]),
        update(&["Num"]),
        update(&["Flag"]),
        update(&["Num", "Stage"]),
        update(&["Flag", "Stage"]),
        Cause::Signal("s1".into()),
        Cause::Signal("s2".into()),
        Cause::Schedule(None),
    ];
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for c in all {
        let probe = Mut {
            event: Event::Update,
            kind: ActorKind::Ai,
            name: "x".into(),
            confidence: d("1"),
            source: "s".into(),
            record: Default::default(),
            changes: Default::default(),
            cause: Some(c.clone()),
            at: AT_SECS,
            history: Default::default(),
        };
        let key: Vec<bool> = u
            .contracts
            .iter()
            .map(|k| triggered(&u.schema, k, &probe))
            .collect();
        if seen.insert(key) {
            out.push(c);
        }
    }
    out
}

fn all_mutations(s: &Schema, causes: &[crmc_eval::Cause]) -> Vec<Mut> {
    let (flag, num, stage) = (fid(s, "Flag"), fid(s, "Num"), fid(s, "Stage"));
    let flags = [V::Null, V::Bool(true), V::Bool(false)];
    let nums: Vec<V> = std::iter::once(V::Null)
        .chain((-1..=3).map(|i| V::Num(Decimal::from_int(i))))
        .collect();
    let stages: Vec<V> = std::iter::once(V::Null)
        .chain(STAGES.iter().map(|s| V::Str(s.to_string())))
        .collect();
    let opt = |vs: &[V]| -> Vec<Option<V>> {
        std::iter::once(None)
            .chain(vs.iter().cloned().map(Some))
            .collect()
    };
    let mut out = Vec::new();
    for rf in &flags {
        for rn in &nums {
            for rs in &stages {
                for cf in opt(&flags) {
                    for cn in opt(&nums) {
                        for cs in opt(&stages) {
                            for event in [Event::Create, Event::Update, Event::Delete] {
                                for conf in ["0.3", "0.5", "0.8"] {
                                    let mut m = Mut {
                                        event,
                                        kind: ActorKind::Ai,
                                        name: "x".into(),
                                        confidence: d(conf),
                                        source: "s".into(),
                                        record: [
                                            (flag, rf.clone()),
                                            (num, rn.clone()),
                                            (stage, rs.clone()),
                                        ]
                                        .into(),
                                        changes: Default::default(),
                                        cause: None,
                                        at: AT_SECS,
                                        history: Default::default(),
                                    };
                                    for (f, v) in [(flag, &cf), (num, &cn), (stage, &cs)] {
                                        if let Some(v) = v {
                                            m.changes.insert(f, v.clone());
                                        }
                                    }
                                    // a delete changes no field (the
                                    // evaluator refuses one that does)
                                    if event == Event::Delete && !m.changes.is_empty() {
                                        continue;
                                    }
                                    for c in causes {
                                        let mut m = m.clone();
                                        m.cause = Some(c.clone());
                                        out.push(m);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    out
}

/// Every mutation the history property tells apart: record values left
/// empty (no condition reads them), each field (the id included) changed
/// or not, every
/// event, confidence and cause class, and one last write of Stage per
/// class its conditions tell apart: never written, or each of kind
/// (human, ai, integration) × name (`jane`, another) × age (a day, 200
/// days) × source (`CRM_UI`, another `CRM…`, `IMPORT`).
fn history_mutations(s: &Schema, causes: &[crmc_eval::Cause]) -> Vec<Mut> {
    let (flag, num, stage) = (fid(s, "Flag"), fid(s, "Num"), fid(s, "Stage"));
    let at = AT_SECS;
    let mut writes: Vec<Option<LastW>> = vec![None];
    for kind in [ActorKind::Human, ActorKind::Ai, ActorKind::Integration] {
        for name in ["jane", "bob"] {
            for age in [86_400, 200 * 86_400] {
                for source in ["CRM_UI", "CRM_API", "IMPORT"] {
                    writes.push(Some(LastW {
                        kind,
                        name: name.into(),
                        at: at - age,
                        source: source.into(),
                    }));
                }
            }
        }
    }
    // the id too: a `*` rule decides its change like any other field's
    // (the analyzer's stand-in for unlisted readonly fields)
    let zid = fid(s, "Zid");
    let values = [
        (flag, V::Bool(true)),
        (num, V::Num(Decimal::from_int(1))),
        (stage, V::Str("a".into())),
        (zid, V::Str("W0000000000009".into())),
    ];
    let mut out = Vec::new();
    for mask in 0..16u8 {
        for event in [Event::Create, Event::Update, Event::Delete] {
            if event == Event::Delete && mask != 0 {
                continue;
            }
            for conf in ["0.3", "0.5", "0.8"] {
                for c in causes {
                    for w in &writes {
                        let mut m = Mut {
                            event,
                            kind: ActorKind::Ai,
                            name: "x".into(),
                            confidence: d(conf),
                            source: "s".into(),
                            record: values.iter().map(|(f, _)| (*f, V::Null)).collect(),
                            changes: Default::default(),
                            cause: Some(c.clone()),
                            at,
                            history: [(stage, w.clone())].into(),
                        };
                        for (i, (f, v)) in values.iter().enumerate() {
                            if mask & (1 << i) != 0 {
                                m.changes.insert(*f, v.clone());
                            }
                        }
                        out.push(m);
                    }
                }
            }
        }
    }
    out
}

#[derive(Debug, Default, PartialEq)]
struct Facts {
    dead_contracts: BTreeSet<usize>,
    dead_rules: BTreeSet<(usize, RuleRef)>,
    shadowed: BTreeSet<(usize, RuleRef)>,
    gaps: BTreeSet<(usize, usize)>,
    conflicts: BTreeSet<(usize, usize)>,
    capped: BTreeSet<(usize, RuleRef)>,
    dead_guards: BTreeSet<usize>,
}

/// What contract `c` may decide for `f` where its rules and caps say `o`:
/// a review sample below 100% makes `auto` either; at 100%, `review`.
fn possible(c: &Contract, f: FieldId, o: Outcome) -> Vec<Outcome> {
    match c.sample.rate(Some(f)) {
        Some(r) if o == Outcome::Auto && r >= 10_000 => vec![Outcome::Review],
        Some(_) if o == Outcome::Auto => vec![Outcome::Auto, Outcome::Review],
        _ => vec![o],
    }
}

fn brute(u: &CheckedUnit, muts: &[Mut]) -> Facts {
    let n = u.contracts.len();
    let mut live = vec![false; n];
    let mut rule_holds: BTreeSet<(usize, RuleRef)> = BTreeSet::new();
    let mut decides: BTreeSet<(usize, RuleRef)> = BTreeSet::new();
    let mut gaps = BTreeSet::new();
    let mut conflicts = BTreeSet::new();
    let (mut raised, mut free, mut guard_live) =
        (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
    for m in muts {
        let runs: Vec<Applies> = u.contracts.iter().map(|c| run(&u.schema, c, m)).collect();
        for (i, c) in u.contracts.iter().enumerate() {
            for (l, ln) in c.fields.iter().enumerate() {
                if m.changes.contains_key(&ln.field) {
                    for (r, rule) in ln.rules.iter().enumerate() {
                        if rule.when.as_ref().is_some_and(|w| eval(w, m)) {
                            rule_holds.insert((i, RuleRef::Line(l, r)));
                        }
                    }
                }
            }
            if let Some(st) = &c.star {
                for (r, rule) in st.rules.iter().enumerate() {
                    if rule.when.as_ref().is_some_and(|w| eval(w, m)) {
                        rule_holds.insert((i, RuleRef::Star(r)));
                    }
                }
            }
            // guardrails: which rules a guardrail raised, which ones let
            // a write below `never` through unraised; which guardrails apply
            if let Applies::Live(out) = &runs[i] {
                for (f, (o, rule)) in out {
                    let Some((l, r)) = rule else { continue };
                    let rr = if *l == usize::MAX {
                        RuleRef::Star(*r)
                    } else {
                        RuleRef::Line(*l, *r)
                    };
                    let fl = floor_at(u, m, *f, c.actor.name.as_deref());
                    for p in possible(c, *f, *o) {
                        if fl.is_some_and(|x| x > p) {
                            raised.insert((i, rr));
                        } else if p < Outcome::Never {
                            free.insert((i, rr));
                        }
                    }
                }
            }
            if !matches!(runs[i], Applies::No) {
                for (gi, g) in u.guardrails.iter().enumerate() {
                    let covers = g.actor.name.is_none()
                        || c.actor.name.is_none()
                        || c.actor.name == g.actor.name;
                    let target = m.changes.keys().any(|f| g.floor(Some(*f)).is_some())
                        || (m.event == Event::Delete && g.star.is_some());
                    if covers && target && g.when.as_ref().is_none_or(|w| eval(w, m)) {
                        guard_live.insert(gi);
                    }
                }
            }
            if let Applies::Live(out) = &runs[i] {
                live[i] = true;
                // a delete's one target is the record: the `*` rules decide it
                if m.event == Event::Delete {
                    if let Some(st) = &c.star {
                        if let Some(r) = st
                            .rules
                            .iter()
                            .position(|r| r.when.as_ref().is_none_or(|w| eval(w, m)))
                        {
                            decides.insert((i, RuleRef::Star(r)));
                        }
                    }
                }
                for (f, (_, rule)) in out {
                    match rule {
                        Some((usize::MAX, r)) => {
                            decides.insert((i, RuleRef::Star(*r)));
                        }
                        Some((l, r)) => {
                            decides.insert((i, RuleRef::Line(*l, *r)));
                        }
                        None => {}
                    }
                    if rule.is_none_or(|(l, _)| l == usize::MAX) && c.star.is_none() {
                        if let Some(l) = c.fields.iter().position(|x| x.field == *f) {
                            gaps.insert((i, l));
                        }
                    }
                    if rule.is_none() && c.star.is_some() {
                        if let Some(l) = c.fields.iter().position(|x| x.field == *f) {
                            gaps.insert((i, l));
                        }
                    }
                }
            }
        }
        for a in 0..n {
            for b in a + 1..n {
                let (ca, cb) = (&u.contracts[a], &u.contracts[b]);
                if ca.actor.kind != cb.actor.kind
                    || matches!((&ca.actor.name, &cb.actor.name), (Some(x), Some(y)) if x != y)
                {
                    continue;
                }
                // an excluded contract applies and decides `never` for
                // every changed field (decisions 8)
                // the outcomes each may decide: a sampled `auto` is `auto`
                // or `review` (every bucket pattern has a record id)
                let decided =
                    |c: &Contract, r: &Applies| -> Option<BTreeMap<FieldId, Vec<Outcome>>> {
                        match r {
                            Applies::No => None,
                            Applies::Excluded => Some(
                                m.changes
                                    .keys()
                                    .map(|f| (*f, vec![Outcome::Never]))
                                    .collect(),
                            ),
                            Applies::Live(x) => Some(
                                x.iter()
                                    .map(|(f, (o, _))| (*f, possible(c, *f, *o)))
                                    .collect(),
                            ),
                        }
                    };
                if let (Some(x), Some(y)) = (decided(ca, &runs[a]), decided(cb, &runs[b])) {
                    let differ =
                        |p: &[Outcome], q: &[Outcome]| p.iter().any(|o| q.iter().any(|r| r != o));
                    // the names both may be: a named one's, or any name
                    // (the guardrails tell `x`, `y` and the rest apart)
                    let names: Vec<Option<&str>> = match (&ca.actor.name, &cb.actor.name) {
                        (Some(n), _) | (None, Some(n)) => vec![Some(n.as_str())],
                        (None, None) => vec![None, Some("x"), Some("y")],
                    };
                    for name in names {
                        let up = |f: &FieldId, os: &[Outcome]| -> Vec<Outcome> {
                            let fl = floor_at(u, m, *f, name);
                            os.iter().map(|o| raise(*o, fl)).collect()
                        };
                        if x.iter().any(|(f, o)| differ(&up(f, o), &up(f, &y[f]))) {
                            conflicts.insert((a, b));
                        }
                    }
                }
            }
        }
    }
    let mut facts = Facts {
        gaps,
        conflicts,
        capped: raised.difference(&free).copied().collect(),
        dead_guards: (0..u.guardrails.len())
            .filter(|g| !guard_live.contains(g))
            .collect(),
        ..Default::default()
    };
    for (i, c) in u.contracts.iter().enumerate() {
        if !live[i] {
            facts.dead_contracts.insert(i);
        }
        let mut refs = Vec::new();
        for (l, ln) in c.fields.iter().enumerate() {
            for (r, rule) in ln.rules.iter().enumerate() {
                refs.push((RuleRef::Line(l, r), rule.when.is_some()));
            }
        }
        if let Some(st) = &c.star {
            for (r, rule) in st.rules.iter().enumerate() {
                refs.push((RuleRef::Star(r), rule.when.is_some()));
            }
        }
        for (rr, has_when) in refs {
            let dead = has_when && !rule_holds.contains(&(i, rr));
            if dead {
                facts.dead_rules.insert((i, rr));
            } else if live[i] && !decides.contains(&(i, rr)) {
                facts.shadowed.insert((i, rr));
            }
        }
    }
    facts
}

fn analyzed(u: &CheckedUnit, fs: &[Finding]) -> Facts {
    let mut f = Facts::default();
    for x in fs {
        match x {
            Finding::DeadContract { contract, .. } => {
                f.dead_contracts.insert(*contract);
            }
            Finding::DeadRule { contract, rule, .. } => {
                f.dead_rules.insert((*contract, *rule));
            }
            Finding::Shadowed { contract, rule, .. } => {
                f.shadowed.insert((*contract, *rule));
            }
            Finding::Gap { contract, line, .. } => {
                f.gaps.insert((*contract, *line));
            }
            Finding::Conflict { a, b, .. } => {
                f.conflicts.insert((*a, *b));
                check_conflict_witness(u, x);
            }
            Finding::Capped {
                contract,
                rule,
                field,
                outcome,
                witness,
                ..
            } => {
                f.capped.insert((*contract, *rule));
                check_capped_witness(u, *contract, *field, *outcome, witness.as_ref());
            }
            Finding::DeadGuardrail { guard, .. } => {
                f.dead_guards.insert(*guard);
            }
            _ => {}
        }
    }
    f
}

/// A capped rule's witness: the contract decides the field below what the
/// guardrails raise it to, and they raise it to the reported outcome.
fn check_capped_witness(
    u: &CheckedUnit,
    c: usize,
    field: FieldId,
    outcome: Outcome,
    witness: Option<&serde_json::Value>,
) {
    let Some(w) = witness else {
        panic!("a confirmed capped rule")
    };
    let m = parse_witness(&u.schema, w);
    let k = &u.contracts[c];
    assert!(k.actor.matches(m.kind, &m.name), "{w}");
    let Applies::Live(x) = run(&u.schema, k, &m) else {
        panic!("the contract must decide: {w}")
    };
    let id = w["record"]["Zid"].as_str();
    let o = after_sample(u, k, field, x[&field].0, id);
    let fl = floor_at(u, &m, field, Some(&m.name));
    assert!(fl.is_some_and(|f| f > o), "not raised: {w}");
    assert_eq!(raise(o, fl), outcome, "{w}");
}

fn n_of(u: &CheckedUnit) -> usize {
    u.contracts.len()
}

/// Each contract's smallest connected contract, over the given pairs.
fn components(n: usize, pairs: &BTreeSet<(usize, usize)>) -> Vec<usize> {
    let mut rep: Vec<usize> = (0..n).collect();
    for _ in 0..n {
        for &(a, b) in pairs {
            let m = rep[a].min(rep[b]);
            rep[a] = m;
            rep[b] = m;
        }
    }
    rep
}

/// One property case: the analyzer's facts are the brute force's.
fn analyzer_agrees(specs: &[Spec], guards: &[GSpec], history: bool) -> Result<(), TestCaseError> {
    let u = build_guarded(specs, guards);
    let causes = cause_classes(&u);
    let muts = if history {
        history_mutations(&u.schema, &causes)
    } else {
        all_mutations(&u.schema, &causes)
    };
    let want = brute(&u, &muts);
    let got = analyzed(&u, &all_findings(&u));
    // the default (linear) output names a subset of the pairs that
    // connects the same contracts
    let linear = analyzed(&u, &findings(&u));
    prop_assert!(linear.conflicts.is_subset(&got.conflicts));
    prop_assert_eq!(
        components(n_of(&u), &linear.conflicts),
        components(n_of(&u), &got.conflicts)
    );
    prop_assert_eq!(got, want);
    Ok(())
}

// Two tests rather than one of 32 cases: a case takes seconds (the brute
// force runs every mutation of the space), and the harness runs the two on
// both cores; a three-contract case costs about twice a two-contract one.
proptest! {
    #![proptest_config(ProptestConfig { cases: 20, ..ProptestConfig::default() })]
    #[test]
    fn analyzer_matches_brute_force_on_two_contracts(
        specs in proptest::collection::vec(arb_spec(false), 2),
        guards in proptest::collection::vec(arb_guard(false), 0..3),
    ) {
        analyzer_agrees(&specs, &guards, false)?;
    }

}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]
    #[test]
    fn analyzer_matches_brute_force_on_three_contracts(
        specs in proptest::collection::vec(arb_spec(false), 3),
        guards in proptest::collection::vec(arb_guard(false), 0..2),
    ) {
        analyzer_agrees(&specs, &guards, false)?;
    }
}

// ---------------------------------------------------------------- guardrails

/// A guardrail for ai actors named `name` (`None`: any) with `floors`.
fn guard(
    s: &Schema,
    name: Option<&str>,
    when: Option<Cond>,
    floors: &[(&str, Outcome)],
    star: Option<Outcome>,
) -> Guardrail {
    let mut sp = Spans(50_000);
    Guardrail {
        name: "g".into(),
        name_span: sp.next(),
        span: sp.next(),
        object: ObjectId(0),
        actor: Actor {
            kind: ActorKind::Ai,
            name: name.map(str::to_string),
            span: sp.next(),
        },
        when,
        floors: floors
            .iter()
            .map(|(f, o)| (fid(s, f), *o, sp.next()))
            .collect(),
        star: star.map(|o| (o, sp.next())),
        reason: None,
    }
}

#[test]
fn a_guardrail_settles_a_conflict_it_raises_both_sides_of() {
    // `a` auto, `b` review on Stage: a conflict
    let mut u = two(None, None);
    assert!(kinds(&u).contains(&"conflict"));
    // raised to review everywhere: both decide review, no conflict, and
    // `a`'s rule is capped (what it says never happens)
    u.guardrails = vec![guard(
        &u.schema,
        None,
        None,
        &[("Stage", Outcome::Review)],
        None,
    )];
    let fs = all_findings(&u);
    assert!(
        !fs.iter().any(|f| matches!(f, Finding::Conflict { .. })),
        "{fs:?}"
    );
    let capped: Vec<_> = fs
        .iter()
        .filter_map(|f| match f {
            Finding::Capped {
                contract,
                rule,
                outcome,
                ..
            } => Some((*contract, *rule, *outcome)),
            _ => None,
        })
        .collect();
    assert_eq!(capped, vec![(0, RuleRef::Line(0, 0), Outcome::Review)]);
    // only where Flag holds: the conflict stays where it does not (its
    // witness has Flag false), and nothing is capped
    let flag = Cond::Atom {
        subject: Subject::Field(fid(&u.schema, "Flag")),
        test: Test::IsTrue,
        span: Default::default(),
    };
    u.guardrails = vec![guard(
        &u.schema,
        None,
        Some(flag),
        &[("Stage", Outcome::Review)],
        None,
    )];
    let fs = all_findings(&u);
    let c: Vec<&Finding> = fs
        .iter()
        .filter(|f| matches!(f, Finding::Conflict { .. }))
        .collect();
    assert_eq!(c.len(), 1, "{fs:?}");
    check_conflict_witness(&u, c[0]);
    assert!(!fs.iter().any(|f| matches!(f, Finding::Capped { .. })));
}

#[test]
fn a_guardrail_for_one_name_covers_a_star_contract_only_for_that_name() {
    // `a` for any ai actor, `b` for "x": they meet for "x" alone
    let mut u = two(None, None);
    u.contracts[0].actor.name = None;
    u.contracts[1].actor.name = Some("x".into());
    u.guardrails = vec![guard(
        &u.schema,
        Some("x"),
        None,
        &[("Stage", Outcome::Review)],
        None,
    )];
    let fs = all_findings(&u);
    // for "x" both end review: no conflict
    assert!(
        !fs.iter().any(|f| matches!(f, Finding::Conflict { .. })),
        "{fs:?}"
    );
    // `a` still writes automatically for every other name: not capped
    assert!(
        !fs.iter().any(|f| matches!(f, Finding::Capped { .. })),
        "{fs:?}"
    );
    // two `*` contracts: they conflict for every name but "x"; the witness
    // names another actor
    u.contracts[1].actor.name = None;
    let fs = all_findings(&u);
    let c: Vec<&Finding> = fs
        .iter()
        .filter(|f| matches!(f, Finding::Conflict { .. }))
        .collect();
    assert_eq!(c.len(), 1, "{fs:?}");
    check_conflict_witness(&u, c[0]);
    let Finding::Conflict { witness, .. } = c[0] else {
        unreachable!()
    };
    assert_ne!(witness.as_ref().unwrap()["actor"]["name"], "x");
}

#[test]
fn a_guardrail_breaks_an_automatic_loop_and_an_ownership_race() {
    let mut u = loop_unit(true);
    let s = u.schema.clone();
    u.guardrails = vec![guard(
        &s,
        Some("y"),
        None,
        &[("Num", Outcome::Review)],
        None,
    )];
    let d = analyze(&u);
    let l = d.iter().find(|d| d.kind() == "automation_loop").unwrap();
    // `b` no longer writes Num on its own: a loop through a person, a warning
    assert_eq!(l.severity, Severity::Warning, "{}", l.message);
    // ownership: x and y both auto Stage; raising y's removes the race
    let mut u = two(None, None);
    u.contracts[1].actor.name = Some("y".into());
    u.contracts[1].fields[0].rules[0].outcome = Outcome::Auto;
    assert!(kinds(&u).contains(&"ownership"));
    u.guardrails = vec![guard(
        &u.schema,
        Some("y"),
        None,
        &[],
        Some(Outcome::Escalate),
    )];
    assert!(!kinds(&u).contains(&"ownership"), "{:?}", kinds(&u));
}

#[test]
fn a_guardrail_that_never_applies_is_reported() {
    let mut u = two(None, None);
    let s = u.schema.clone();
    let dead = |u: &CheckedUnit| {
        findings(u)
            .iter()
            .filter_map(|f| match f {
                Finding::DeadGuardrail { why, .. } => Some(why.clone()),
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    // no contract for "z"
    u.guardrails = vec![guard(
        &s,
        Some("z"),
        None,
        &[("Stage", Outcome::Never)],
        None,
    )];
    assert_eq!(dead(&u).len(), 1);
    assert!(
        dead(&u)[0].contains("no contract governs"),
        "{:?}",
        dead(&u)
    );
    // a condition that never holds
    let never = Cond::And(vec![
        Cond::Atom {
            subject: Subject::Field(fid(&s, "Flag")),
            test: Test::IsTrue,
            span: Default::default(),
        },
        Cond::Atom {
            subject: Subject::Field(fid(&s, "Flag")),
            test: Test::IsEmpty,
            span: Default::default(),
        },
    ]);
    u.guardrails = vec![guard(
        &s,
        None,
        Some(never),
        &[("Stage", Outcome::Never)],
        None,
    )];
    assert!(dead(&u)[0].contains("never holds"), "{:?}", dead(&u));
    // it holds only where the contracts do not apply
    u.contracts[0].eligible = Some(stage_eq(&s, "a"));
    u.contracts[1].eligible = Some(stage_eq(&s, "a"));
    u.guardrails = vec![guard(
        &s,
        None,
        Some(stage_eq(&s, "b")),
        &[("Stage", Outcome::Never)],
        None,
    )];
    assert_eq!(dead(&u).len(), 1);
    // alive where they do
    u.guardrails = vec![guard(
        &s,
        None,
        Some(stage_eq(&s, "a")),
        &[("Stage", Outcome::Never)],
        None,
    )];
    assert!(dead(&u).is_empty());
}

// Provenance: `set by` and `source of` on Stage, the brute force running
// every mutation once per last write of Stage it tells apart.
proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
    #[test]
    fn analyzer_matches_brute_force_with_history(
        specs in proptest::collection::vec(arb_spec(true), 2),
        guards in proptest::collection::vec(arb_guard(true), 0..2),
    ) {
        analyzer_agrees(&specs, &guards, true)?;
    }
}

/// Two actors contend for a field only on one record: its last write is
/// the record's, so rules on who last wrote it tell records apart.
#[test]
fn ownership_shares_the_record_history() {
    let s = schema(&[]);
    let stage = fid(&s, "Stage");
    let by_human = Cond::SetBy {
        field: stage,
        kind: ActorKind::Human,
        name: None,
        within: None,
        span: Default::default(),
    };
    let mk = |other: Cond| {
        let mut u = two(None, None);
        u.contracts[1].actor.name = Some("y".into());
        u.contracts[0].fields[0].rules[0].when = Some(by_human.clone());
        u.contracts[1].fields[0].rules[0].outcome = Outcome::Auto;
        u.contracts[1].fields[0].rules[0].when = Some(other);
        u
    };
    let u = mk(Cond::Not(Box::new(by_human.clone())));
    assert!(!kinds(&u).contains(&"ownership"), "{:?}", kinds(&u));
    let u = mk(by_human.clone());
    let fs = findings(&u);
    let Some(Finding::Ownership {
        witness: Some(w),
        other: Some(o),
        ..
    }) = fs.iter().find(|f| matches!(f, Finding::Ownership { .. }))
    else {
        panic!("an ownership finding with witnesses: {fs:?}")
    };
    assert_eq!(w["history"], o["history"], "{w}\n{o}");
    assert_eq!(w["history"]["Stage"]["actor"]["kind"], "human", "{w}");
}
