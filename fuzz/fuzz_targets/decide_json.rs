//! Arbitrary text through `decide_line` / `decide_json` on a small fixed
//! table: never a panic, and a line that is not a valid mutation never
//! yields `auto`.
#![no_main]

use crmc_eval::builder::{FieldSpec, TableBuilder};
use crmc_eval::table::*;
use crmc_eval::{Mutation, Outcome, Table};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

/// `enrich` on Lead, started by any write or the signal `prospect_sourced`:
/// `Industry: auto when empty, review`; `*: suggest`; `sample 50% for
/// review`; and a guardrail for every AI actor: `Industry: at least
/// escalate` where `Score > 50`.
fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut b = TableBuilder::new("fuzz");
        let account = b.object("Account", &[FieldSpec::new("Type", TypeTag::Picklist)]);
        let lead = b.object(
            "Lead",
            &[
                FieldSpec::new("AccountId", TypeTag::Ref),
                FieldSpec::new("Id", TypeTag::Id),
                FieldSpec::new("Industry", TypeTag::Picklist),
                FieldSpec::new("Score", TypeTag::Number),
            ],
        );
        let account_id = b.field(lead, "AccountId").unwrap_or(FieldIx(0));
        let industry = b.field(lead, "Industry").unwrap_or(FieldIx(0));
        let score = b.field(lead, "Score").unwrap_or(FieldIx(0));
        let ty = b.field(account, "Type").unwrap_or(FieldIx(0));
        b.relation(lead, "Account", account_id, account);
        let empty = b.cond(vec![Op::Atom(Subject::Field(industry), Test::IsEmpty)]);
        let customer = b.intern("Customer");
        let excl = b.cond(vec![Op::Atom(
            Subject::Parent {
                relation: 0,
                field: ty,
            },
            Test::Cmp(CmpOp::Eq, Const::Str(customer)),
        )]);
        let high = b.cond(vec![Op::Atom(
            Subject::Field(score),
            Test::Cmp(CmpOp::Gt, Const::Num(50.0)),
        )]);
        let name = b.intern("enrich");
        let sourced = b.intern("prospect_sourced");
        b.contract(ContractRow {
            name,
            version: 1,
            object: lead,
            actor_kind: ActorKind::Ai,
            actor_name: None,
            mode: Mode::ConditionalWrite,
            triggers: vec![
                Trigger::Create,
                Trigger::Update(None),
                Trigger::Delete,
                Trigger::Signal(sourced),
            ],
            eligible: None,
            exclusions: vec![ExclusionRow {
                name: None,
                when: excl,
            }],
            auto_at: Some(0.9),
            review_at: Some(0.5),
            field_rules: vec![FieldRules {
                field: industry,
                rules: vec![
                    RuleRow {
                        outcome: Outcome::Auto,
                        route: None,
                        when: Some(empty),
                        position: 1,
                    },
                    RuleRow {
                        outcome: Outcome::Review,
                        route: None,
                        when: Some(high),
                        position: 2,
                    },
                ],
            }],
            star: Some(vec![RuleRow {
                outcome: Outcome::Suggest,
                route: None,
                when: None,
                position: 1,
            }]),
            review_route: None,
            escalate_route: None,
            require: vec![],
            audit: None,
            rollback: None,
            sample: SampleRow {
                all: Some(5_000),
                fields: vec![],
            },
        });
        let guard = b.intern("big_scores_by_people");
        b.guardrail(GuardrailRow {
            name: guard,
            object: lead,
            actor_kind: ActorKind::Ai,
            actor_name: None,
            when: Some(high),
            floors: vec![FieldFloor {
                field: industry,
                outcome: Outcome::Escalate,
            }],
            star: None,
            reason: None,
        });
        match b.finish() {
            Ok(t) => t,
            Err(e) => panic!("fixed fuzz table is invalid: {e}"),
        }
    })
}

fuzz_target!(|data: &[u8]| {
    crmc_fuzz::report_stack_overflows();
    let Ok(line) = std::str::from_utf8(data) else {
        return;
    };
    let t = table();
    let out = crmc_eval::decide_line(t, line, 1);
    // A decision serializes `outcome` first, an error line `error` first,
    // either after the mutation's `id` when it has one.
    let v: serde_json::Value = match serde_json::from_str(&out) {
        Ok(v) => v,
        Err(e) => panic!("output is not JSON ({e}): {out}"),
    };
    let body = match out.strip_prefix(r#"{"id":"#) {
        Some(rest) => match v.get("id") {
            Some(id) => {
                assert!(
                    id.is_string() || id.is_i64() || id.is_u64(),
                    "echoed an id that is not a string or an integer: {out}"
                );
                let id_json = id.to_string();
                match rest
                    .strip_prefix(id_json.as_str())
                    .and_then(|r| r.strip_prefix(','))
                {
                    Some(r) => format!("{{{r}"),
                    None => panic!("`id` is not the first key: {out}"),
                }
            }
            None => panic!("output starts with an id it does not have: {out}"),
        },
        None => out.clone(),
    };
    let is_error = body.starts_with(r#"{"error":"#);
    let is_auto = body.starts_with(r#"{"outcome":"auto""#);
    assert!(
        is_error || body.starts_with(r#"{"outcome":""#),
        "neither a decision nor an error: {out}"
    );
    let parsed = Mutation::from_json(line);
    let valid = parsed.is_ok();
    match crmc_eval::decide_json(t, line) {
        Ok(s) => assert_eq!(s, out, "decide_json and decide_line differ"),
        Err(_) => assert!(is_error, "a failed line must be an error line: {out}"),
    }
    if !valid {
        assert!(is_error, "a malformed line decided: {out}");
    }
    if is_auto {
        assert!(
            valid,
            "auto for a line that is not a valid mutation: {line}"
        );
    }
    // An `auto` Industry is outside the review sample: its record has a
    // text id whose bucket is not below 50%.
    if v["fields"]["Industry"]["outcome"] == "auto" {
        let line_v: serde_json::Value = serde_json::from_str(line).unwrap_or_default();
        let id = line_v["record"]["Id"].as_str();
        assert!(
            !crmc_eval::sample::sampled(id, "enrich", 1, "Industry", 5_000),
            "a sampled write decided auto: {line}"
        );
    }
    // An `auto` Industry is outside the guardrail: the record's Score is
    // known (on update; empty on create) and not above 50.
    if v["fields"]["Industry"]["outcome"] == "auto" {
        let line_v: serde_json::Value = serde_json::from_str(line).unwrap_or_default();
        let score = &line_v["record"]["Score"];
        assert!(
            !score.as_f64().is_some_and(|s| s > 50.0),
            "a guarded write decided auto: {line}"
        );
        if line_v["event"] == "update" {
            assert!(
                score.is_number() || score.is_null(),
                "a write whose guardrail condition is unknown decided auto: {line}"
            );
        }
    }
    // The fast path (`decide_line` parses simple lines without `Value`s)
    // says what the `Value` path says: the same decision, the same `id`.
    if let Ok(m) = parsed {
        assert_eq!(v.get("id"), m.id(), "the two parse paths disagree on `id`");
        if let Ok(d) = t.decide(&m) {
            let slow = serde_json::to_string(&d).unwrap_or_default();
            assert_eq!(out, slow, "fast and `Value` paths decide differently");
            let mut buf = Vec::new();
            if t.decide_json_into(&m, &mut buf).is_ok() {
                assert_eq!(buf, slow.as_bytes(), "decide_json_into differs from decide");
            }
        }
    }
});
