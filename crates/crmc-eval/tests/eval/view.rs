//! [`crmc_eval::Evaluator::decide_full`]'s borrowed [`crmc_eval::DecisionView`]
//! says exactly what the owned [`crmc_eval::Decision`] says: the same JSON,
//! and accessor by accessor, over the golden corpus and the spec table,
//! with one evaluator reused throughout (its buffers kept between
//! decisions).

use crate::fixture;
use crate::golden::{self, Lcg};
use crmc_eval::{AuditValue, Decision, DecisionView, Evaluator, Mutation, Table};
use serde_json::Value;

/// The view's audit value as the owned entry holds it.
fn audit_value(v: &AuditValue<'_>) -> Value {
    let mut out = Vec::new();
    v.write_json(&mut out);
    serde_json::from_slice(&out).unwrap()
}

/// Every accessor of `v` against `d`.
fn agree(v: &DecisionView<'_>, d: &Decision, what: &str) {
    assert_eq!(v.id().map(|i| i.to_value()), d.id, "{what}");
    assert_eq!(v.outcome(), d.outcome, "{what}");
    assert_eq!(v.fields().len(), d.fields.len(), "{what}");
    for (f, (name, fd)) in v.fields().zip(&d.fields) {
        assert_eq!(f.name, name, "{what}");
        assert_eq!(f.outcome, fd.outcome, "{what}");
        assert_eq!(f.contract, fd.contract.as_deref(), "{what}");
        assert_eq!(f.rule, fd.rule.as_deref(), "{what}");
        assert_eq!(f.reasons.collect::<Vec<_>>(), fd.reasons, "{what}");
    }
    assert_eq!(v.approvals().len(), d.approvals.len(), "{what}");
    for (a, ad) in v.approvals().zip(&d.approvals) {
        assert_eq!(a.level, ad.level, "{what}");
        assert_eq!(a.approver, ad.approver.as_deref(), "{what}");
        assert_eq!(a.within_secs, ad.within_secs, "{what}");
        assert_eq!(a.contracts().collect::<Vec<_>>(), ad.contracts, "{what}");
        assert_eq!(a.fields().collect::<Vec<_>>(), ad.fields, "{what}");
    }
    assert_eq!(v.audit().len(), d.audit.len(), "{what}");
    for (ti, (e, ed)) in v.audit().zip(&d.audit).enumerate() {
        let mut e: Vec<(String, Value)> = e
            .map(|(k, x)| (k.as_str().to_string(), audit_value(&x)))
            .collect();
        if v.audit_sampled(ti) {
            e.push(("sampled".to_string(), Value::Bool(true)));
        }
        assert_eq!(e, ed.0, "{what}");
    }
    let prev: Vec<(String, Value)> = v
        .rollback_previous()
        .map(|(k, x)| (k.to_string(), x.to_value()))
        .collect();
    let dprev: Vec<(String, Value)> = d.rollback.previous.clone().into_iter().collect();
    assert_eq!(prev, dprev, "{what}");
    assert_eq!(v.rollback_keep(), d.rollback.keep.as_deref(), "{what}");
    assert_eq!(
        v.rollback_notify().collect::<Vec<_>>(),
        d.rollback.notify,
        "{what}"
    );
    let mut out = Vec::new();
    v.write_json(&mut out);
    assert_eq!(
        String::from_utf8(out).unwrap(),
        d.to_json_string(),
        "{what}"
    );
}

/// [`Evaluator::decide_fields`] (decided without reasons or approvals)
/// names the outcome, contract and rule the owned decision names, per target.
fn fields_agree<'t>(
    t: &Table,
    ev: &mut Evaluator<'t>,
    p: &crmc_eval::PreparedMutation<'t, '_>,
    d: &Decision,
    what: &str,
) {
    let names: Vec<String> = p.target_names().map(str::to_string).collect();
    assert_eq!(ev.decide_prepared(p), d.outcome, "{what}");
    let (o, fields) = ev.decide_fields(p);
    let fields = fields.to_vec();
    assert_eq!(o, d.outcome, "{what}");
    assert_eq!(names.len(), fields.len(), "{what}");
    // The same without a prepared mutation (resolved on kept buffers).
    let m = Mutation::from_json(what).unwrap();
    let mut unprepared_names = Vec::new();
    let (o2, fields2) = ev.decide_fields_of(&m, &mut unprepared_names).unwrap();
    assert_eq!((o2, fields2), (o, &fields[..]), "{what}");
    assert_eq!(unprepared_names, names, "{what}");
    // `fields[name]` holds the last target of that name.
    for (name, f) in names.iter().zip(&fields).rev() {
        let fd = &d.fields[name];
        if names.iter().filter(|n| *n == name).count() > 1 {
            continue;
        }
        assert_eq!(f.outcome, fd.outcome, "{name}: {what}");
        let rule = f
            .rule
            .map(|r| format!("{}#{}", if r.star { "*" } else { name }, r.position));
        assert_eq!(rule, fd.rule, "{name}: {what}");
        let c = f
            .contract
            .map(|c| t.str(t.contracts[c.ix()].name).to_string());
        assert_eq!(c, fd.contract, "{name}: {what}");
    }
}

fn check_all(t: &Table, lines: &[String]) -> usize {
    let mut ev = Evaluator::new(t);
    let mut decided = 0;
    for line in lines {
        let Ok(m) = Mutation::from_json(line) else {
            continue;
        };
        let Ok(d) = t.decide(&m) else { continue };
        let p = ev.prepare(&m).unwrap();
        agree(&ev.decide_full(&p), &d, line);
        // Deciding again on kept buffers changes nothing.
        agree(&ev.decide_full(&p), &d, line);
        fields_agree(t, &mut ev, &p, &d, line);
        decided += 1;
    }
    decided
}

#[test]
fn view_agrees_with_the_owned_decision_over_the_golden_corpus() {
    let t = golden::table();
    let mut r = Lcg(11);
    let lines: Vec<String> = (0..3000)
        .map(|_| golden::mutation(&mut r).to_string())
        .collect();
    assert!(check_all(&t, &lines) > 2000);
}

#[test]
fn view_agrees_with_the_owned_decision_on_the_spec_table() {
    let t = fixture::spec_table();
    let mut r = Lcg(5);
    let lines: Vec<String> = (0..1000)
        .map(|_| golden::mutation(&mut r).to_string())
        .collect();
    assert!(check_all(&t, &lines) > 500);
}
