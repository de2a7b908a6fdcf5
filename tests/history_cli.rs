//! `crmc history hubspot|salesforce`: a mutation's `history` from the
//! CRMs' own field histories (fixtures written from their documented
//! shapes), and the converted history deciding the human-verified-fields
//! example as its tests say.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

#[path = "support/cli.rs"]
mod cli_support;

use cli_support::*;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/field_history")
        .join(name)
}

fn json_out(out: &std::process::Output) -> Value {
    serde_json::from_str(text(&out.stdout).trim()).unwrap()
}

#[test]
fn hubspot_newest_versions_become_the_last_writes() {
    let dir = workdir("history-hubspot");
    let out = crmc(
        &[
            "history",
            "hubspot",
            fixture("contact.json").to_str().unwrap(),
        ],
        &dir,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        json_out(&out),
        json!({
            // the newest of two versions, by a person in the UI
            "industry": {"actor": {"kind": "human", "name": "user:9001"},
                         "at": "2026-10-02T09:00:00Z", "source": "CRM_UI"},
            // an app, named by its sourceId
            "jobtitle": {"actor": {"kind": "integration", "name": "enrichment-app"},
                         "at": "2026-03-01T09:00:00Z", "source": "API"},
            // an import someone ran
            "company": {"actor": {"kind": "human", "name": "user:9001"},
                        "at": "2026-09-14T12:00:00Z", "source": "IMPORT"},
            // no versions: never written
            "website": null
        })
    );
}

#[test]
fn an_unmapped_source_type_is_an_error_until_mapped() {
    let dir = workdir("history-batch");
    let batch = fixture("batch.json");
    let batch = batch.to_str().unwrap();
    let out = crmc(&["history", "hubspot", batch], &dir);
    assert_eq!(out.status.code(), Some(1));
    // all or nothing: the good object is not printed either
    assert!(text(&out.stdout).is_empty(), "{}", text(&out.stdout));
    assert!(
        text(&out.stderr).contains("VERA_AGENT"),
        "{}",
        text(&out.stderr)
    );
    let out = crmc(
        &["history", "hubspot", batch, "--kind", "VERA_AGENT=ai"],
        &dir,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let lines: Vec<Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1]["id"], "513");
    // epoch milliseconds read as such
    assert_eq!(
        lines[1]["history"]["industry"],
        json!({"actor": {"kind": "ai", "name": "vera"}, "at": "2026-09-21T14:13:20Z",
               "source": "VERA_AGENT"})
    );
    let bad = crmc(
        &["history", "hubspot", batch, "--kind", "VERA_AGENT=robot"],
        &dir,
    );
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn salesforce_rows_by_user_with_integration_users_named() {
    let dir = workdir("history-salesforce");
    let f = fixture("lead_history.json");
    let out = crmc(
        &[
            "history",
            "salesforce",
            f.to_str().unwrap(),
            "--integration-user",
            "005000000000INTAAA",
        ],
        &dir,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        json_out(&out),
        json!({
            "Industry": {"actor": {"kind": "human", "name": "005000000000002AAA"},
                         "at": "2026-10-02T09:00:00Z"},
            "Title": {"actor": {"kind": "integration", "name": "005000000000INTAAA"},
                      "at": "2026-11-01T12:30:00Z"}
        })
    );
    let not = crmc(
        &[
            "history",
            "salesforce",
            fixture("contact.json").to_str().unwrap(),
        ],
        &dir,
    );
    assert_eq!(not.status.code(), Some(1));
}

/// The converted HubSpot history, in a mutation, decides the example's
/// contract as its `test` blocks say: the industry a person set is
/// reviewed; without the history, at least review too; with the field
/// never written, the empty industry is filled on its own.
#[test]
fn a_converted_history_decides_the_example() {
    let dir = workdir("history-example");
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/human_verified_fields");
    let built = crmc(&["build", example.to_str().unwrap(), "-o", "t.crmct"], &dir);
    assert_eq!(built.status.code(), Some(0), "{}", text(&built.stderr));
    let history = json_out(&crmc(
        &[
            "history",
            "hubspot",
            fixture("contact.json").to_str().unwrap(),
        ],
        &dir,
    ));
    let mutation = |history: Option<Value>, industry: Value| {
        let mut m = json!({
            "object": "contacts", "event": "update",
            "trigger": {"event": "signal", "name": "enrichment_ready"},
            "actor": {"kind": "ai", "name": "vera"}, "confidence": 0.95,
            "at": "2026-11-21T10:00:00Z",
            "record": {"hs_object_id": "512", "hs_email_optout": false, "industry": industry},
            "changes": {"industry": "Computer Software"}
        });
        if let Some(h) = history {
            m["history"] = h;
        }
        m.to_string()
    };
    let never = json!({"industry": null});
    let lines = [
        mutation(Some(history), json!("Retail")),
        mutation(None, json!(null)),
        mutation(Some(never), json!(null)),
    ]
    .join("\n");
    let out = crmc_stdin(&["eval", "-t", "t.crmct"], &dir, lines.as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let got: Vec<(String, String)> = text(&out.stdout)
        .lines()
        .map(|l| {
            let d: Value = serde_json::from_str(l).unwrap();
            let fd = &d["fields"]["industry"];
            (
                fd["outcome"].as_str().unwrap().to_string(),
                fd["reasons"].to_string(),
            )
        })
        .collect();
    assert_eq!(got[0].0, "review", "{got:?}");
    assert!(got[0].1.contains("`industry#1` decides review"), "{got:?}");
    assert_eq!(got[1].0, "review", "{got:?}");
    assert!(
        got[1].1.contains("missing history of `industry`"),
        "{got:?}"
    );
    assert_eq!(got[2].0, "auto", "{got:?}");
}
