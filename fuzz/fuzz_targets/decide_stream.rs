//! Arbitrary bytes as an NDJSON stream through `crmc_eval::decide_stream`,
//! on tables compiled from two bundled examples (a Salesforce update
//! contract and a HubSpot create contract). Never a panic; the stream
//! writes what `decide_batch` writes; every input line, blank ones
//! included, gets exactly one output line, in order, carrying its line
//! number when it is an error; a line that is not a valid mutation never
//! yields `auto`.
#![no_main]

use crmc_eval::{Mutation, Table};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

const SOURCES: [(&str, &str); 2] = [
    (
        "inbound_lead_qualification.crmc",
        include_str!("../../examples/inbound_lead_qualification/inbound_lead_qualification.crmc"),
    ),
    (
        "outbound_lead_creation.crmc",
        include_str!("../../examples/outbound_lead_creation/outbound_lead_creation.crmc"),
    ),
];

/// The examples' tables, compiled once by the real front end.
fn tables() -> &'static [Table] {
    static TABLES: OnceLock<Vec<Table>> = OnceLock::new();
    TABLES.get_or_init(|| {
        SOURCES
            .iter()
            .map(|(name, text)| {
                let parsed = crmc::load::load_text(name, text);
                assert!(!parsed.has_errors(), "{name} does not parse");
                let (checked, diags) = crmc::check::check(&parsed.file_refs());
                let Some(unit) = checked else {
                    panic!("{name} does not check: {diags:?}");
                };
                match crmc::compile::compile(&unit) {
                    Ok(t) => t,
                    Err(e) => panic!("{name} does not compile: {e:?}"),
                }
            })
            .collect()
    })
}

/// The input split as `BufRead::read_until(b'\n')` splits it, each line
/// without its `\n` (and a `\r` before it).
fn input_lines(data: &[u8]) -> Vec<&[u8]> {
    let mut lines: Vec<&[u8]> = data.split(|&b| b == b'\n').collect();
    if data.is_empty() || data.ends_with(b"\n") {
        lines.pop();
    }
    lines
        .into_iter()
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .collect()
}

fn is_blank(line: &[u8]) -> bool {
    std::str::from_utf8(line).is_ok_and(|t| t.trim().is_empty())
}

fn check(table: &Table, data: &[u8]) {
    let mut out = Vec::new();
    let stats = match crmc_eval::decide_stream(table, data, &mut out) {
        Ok(s) => s,
        Err(e) => panic!("decide_stream failed on an in-memory stream: {e}"),
    };
    let Ok(text) = std::str::from_utf8(&out) else {
        panic!("output is not UTF-8");
    };
    let outputs: Vec<&str> = text.lines().collect();
    assert!(
        text.is_empty() || text.ends_with('\n'),
        "last output line unterminated"
    );
    let lines = input_lines(data);
    assert_eq!(stats.lines, lines.len(), "lines read");
    assert_eq!(
        stats.decisions + stats.errors,
        outputs.len(),
        "lines written"
    );

    // Every input line gets exactly one output line, in order; a blank or
    // whitespace-only line is an error line (README, `crmc eval`).
    assert_eq!(
        outputs.len(),
        lines.len(),
        "{} output lines for {} input lines",
        outputs.len(),
        lines.len()
    );

    for (i, (line, o)) in lines.iter().zip(&outputs).enumerate() {
        let v: serde_json::Value = match serde_json::from_str(o) {
            Ok(v) => v,
            Err(e) => panic!("line {}: output is not JSON ({e}): {o}", i + 1),
        };
        let is_error = v.get("error").is_some();
        assert!(
            is_error || v.get("outcome").is_some_and(serde_json::Value::is_string),
            "line {}: neither a decision nor an error: {o}",
            i + 1
        );
        if is_blank(line) {
            assert!(is_error, "line {}: a blank line decided: {o}", i + 1);
        }
        if is_error {
            assert_eq!(
                v["error"]["line"],
                i + 1,
                "line {}: error for another line: {o}",
                i + 1
            );
        }
        let parsed = std::str::from_utf8(line)
            .ok()
            .and_then(|t| Mutation::from_json(t).ok());
        // Both parse paths agree on the echoed `id`.
        if let Some(m) = &parsed {
            assert_eq!(
                v.get("id"),
                m.id(),
                "line {}: wrong `id` echoed: {o}",
                i + 1
            );
        }
        let valid = parsed.is_some();
        if !valid {
            assert!(is_error, "line {}: a malformed line decided: {o}", i + 1);
        }
    }

    // The streaming path writes what the batch path returns.
    if let Ok(input) = std::str::from_utf8(data) {
        let batch = crmc_eval::decide_batch(table, input);
        assert_eq!(batch, outputs, "decide_stream and decide_batch differ");
    }
}

fuzz_target!(|data: &[u8]| {
    crmc_fuzz::report_stack_overflows();
    for table in tables() {
        check(table, data);
    }
});
