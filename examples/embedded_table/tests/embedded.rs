//! The embedded table decides as `contracts/` says, and as `crmc build`'s
//! table of the same directory does.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;

fn decide(line: &str) -> Value {
    let table = crmc_embedded_table::table().unwrap();
    serde_json::from_str(&crmc_embedded_table::decide(&table, line)).unwrap()
}

/// A new lead (the cause) gets its Industry filled in (the write).
const ENRICH: &str = r#"{"object":"Lead","event":"update","trigger":{"event":"create"},"actor":{"kind":"ai","name":"enricher"},"at":"2026-11-21T10:00:00Z","confidence":0.95,"record":{"HasOptedOutOfEmail":false,"Industry":null},"changes":{"Industry":"Energy"}}"#;

#[test]
fn the_embedded_contract_decides() {
    assert_eq!(decide(ENRICH)["outcome"], "auto");
    let opted_out = ENRICH.replace(
        r#""HasOptedOutOfEmail":false"#,
        r#""HasOptedOutOfEmail":true"#,
    );
    assert_eq!(decide(&opted_out)["outcome"], "never");
    let email = ENRICH.replace(r#""Industry":"Energy""#, r#""Email":"x@acme.example""#);
    assert_eq!(decide(&email)["outcome"], "never");
}

#[test]
fn malformed_input_is_an_error_line_never_a_decision() {
    let repeated = ENRICH.replace(
        r#""confidence":0.95,"#,
        r#""confidence":0.95,"confidence":0.1,"#,
    );
    for line in ["", "{", &repeated, r#"{"object":"Lead"}"#] {
        let answer = decide(line);
        assert!(
            answer.get("error").is_some() && answer.get("outcome").is_none(),
            "{line:?}: {answer}"
        );
    }
}
