//! Arbitrary bytes through `Table::from_bytes`: never a panic. A table that
//! loads must decide a fixed mutation without panicking either.
#![no_main]

use libfuzzer_sys::fuzz_target;

const MUTATION: &str = r#"{"object":"Lead","event":"update","actor":{"kind":"ai","name":"alim"},
 "confidence":0.93,"source":"enrichment","at":"2026-11-21T10:00:00Z",
 "record":{"Id":"00Q1","Status":"Working - Contacted","Industry":null},
 "parents":{"Account":{"Type":"Prospect"}},
 "changes":{"Industry":"Technology","Rating":"Hot"}}"#;

fuzz_target!(|data: &[u8]| {
    crmc_fuzz::report_stack_overflows();
    if let Ok(table) = crmc_eval::Table::from_bytes(data) {
        if let Ok(m) = crmc_eval::Mutation::from_json(MUTATION) {
            if let Ok(d) = table.decide(&m) {
                let _ = d.to_json_string();
            }
        }
        let _ = crmc_eval::decide_batch(&table, MUTATION);
    }
});
