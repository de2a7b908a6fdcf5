//! zen and crmc decide every benchmark input alike.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use zen_compare::*;
use zen_engine::model::DecisionContent;
use zen_engine::DecisionEngine;

#[test]
fn same_outcomes() {
    for rules in [20, 200, 2_000] {
        let t = crmc_table(rules);
        let content: DecisionContent = serde_json::from_value(zen_jdm(rules)).unwrap();
        let mut d = DecisionEngine::default()
            .create_decision(Arc::new(content))
            .unwrap();
        d.compile();
        let count = 64;
        let mut seen = std::collections::BTreeSet::new();
        for k in 0..count {
            let m = crmc_input(rules, k, count).unwrap();
            let crmc = t.decide(&m).unwrap();
            let z =
                futures::executor::block_on(d.evaluate(zen_input(rules, k, count).into())).unwrap();
            let zo = serde_json::to_value(&z.result).unwrap();
            assert_eq!(
                zo["outcome"].as_str().unwrap(),
                crmc.outcome.as_str(),
                "rules {rules} input {k}: {:?}",
                zen_input(rules, k, count)
            );
            let (field, _, _, _) = input(rules, k, count);
            assert_eq!(
                zo["rule"].as_str(),
                crmc.fields[&field].rule.as_deref(),
                "rules {rules} input {k}"
            );
            let mut ev = crmc_eval::Evaluator::new(&t);
            let p = ev.prepare(&m).unwrap();
            let (o, fields) = ev.decide_fields(&p);
            assert_eq!(o, crmc.outcome);
            let f = fields[0];
            assert_eq!(f.outcome, crmc.outcome);
            let rule = f.rule.map(|r| {
                format!(
                    "{}#{}",
                    if r.star { "*" } else { field.as_str() },
                    r.position
                )
            });
            assert_eq!(rule, crmc.fields[&field].rule);
            let mut json = Vec::new();
            ev.decide_full(&p).write_json(&mut json);
            assert_eq!(String::from_utf8(json).unwrap(), crmc.to_json_string());
            seen.insert(crmc.outcome);
        }
        assert_eq!(seen.len(), 3, "inputs exercise auto, review and suggest");
    }
}
