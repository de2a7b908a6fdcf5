//! Who may ask, which table answers, and what is logged: `--auth`, hot
//! reload (atomic, a bad file keeps the old table) and the decision log
//! (a write error is a 503, never a silent loss).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use crmc_eval::{decide_line, Table};
use serde_json::Value;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use support::*;

fn with_auth(dir: &std::path::Path) -> crmc_serve::Config {
    let mut c = config_with_table(dir, &table_bytes(1, false));
    let auth = dir.join("tokens.jsonl");
    let line = |id: &str, token: &str, actors: &str, log: bool| {
        format!(
            r#"{{"identity":"{id}","token_sha256":"{}","actors":{actors},"may_read_log":{log}}}"#,
            crmc_serve::sha256_hex(token.as_bytes())
        )
    };
    std::fs::write(
        &auth,
        format!(
            "{}\n{}\n",
            line("alim-agent", "tok-alim", r#"["ai:alim"]"#, false),
            line("auditor", "tok-audit", r#"["integration:*"]"#, true)
        ),
    )
    .unwrap();
    c.auth = Some(auth);
    c
}

#[test]
fn a_token_may_only_speak_for_its_actors() {
    let dir = workdir("auth");
    let mut config = with_auth(&dir);
    config.decision_log = Some(dir.join("log.ndjson"));
    let srv = start(config).unwrap();
    let body = mutation(None, "null");
    let decide = |headers: &[(&str, &str)], body: &str| {
        request(srv.addr, "POST", "/v1/decide", headers, body.as_bytes())
    };
    assert_eq!(decide(&[], &body).status, 401);
    assert_eq!(
        decide(&[("authorization", "Bearer nope")], &body).status,
        401
    );
    assert_eq!(decide(&[("authorization", "tok-alim")], &body).status, 401);
    let ok = decide(&[("authorization", "Bearer tok-alim")], &body);
    assert_eq!(ok.status, 200, "{}", ok.body);
    // The auditor's token may not claim the AI actor (whose contract is
    // the most permissive one): 403, and nothing decided.
    let r = decide(&[("authorization", "Bearer tok-audit")], &body);
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(!r.body.contains("outcome"));
    // One foreign item refuses the whole batch.
    let other = body.replace(r#""name":"alim""#, r#""name":"other""#);
    let batch = format!("{body}\n{other}\n");
    let r = request(
        srv.addr,
        "POST",
        "/v1/decide/batch",
        &[("authorization", "Bearer tok-alim")],
        batch.as_bytes(),
    );
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.body.contains("item 2"), "{}", r.body);
    // A repeated actor key cannot smuggle a second actor past the check.
    let twice = body.replace(
        r#""actor":{"kind":"ai","name":"alim"}"#,
        r#""actor":{"kind":"ai","name":"alim","name":"other"}"#,
    );
    let r = decide(&[("authorization", "Bearer tok-alim")], &twice);
    assert_eq!(r.status, 400, "{}", r.body);
    // The log: only for tokens that may read it; it names the identity,
    // never the token.
    let h = |t: &'static str| [("authorization", t)];
    assert_eq!(request(srv.addr, "GET", "/v1/log", &[], b"").status, 401);
    assert_eq!(
        request(srv.addr, "GET", "/v1/log", &h("Bearer tok-alim"), b"").status,
        403
    );
    let log = request(srv.addr, "GET", "/v1/log", &h("Bearer tok-audit"), b"");
    assert_eq!(log.status, 200);
    assert!(
        log.body.contains(r#""identity":"alim-agent""#),
        "{}",
        log.body
    );
    assert!(!log.body.contains("tok-"), "{}", log.body);
    srv.stop().unwrap();
}

#[test]
fn the_log_has_one_replayable_line_per_decision() {
    let dir = workdir("log");
    let bytes = table_bytes(7, false);
    let table = Table::from_bytes(&bytes).unwrap();
    let mut config = config_with_table(&dir, &bytes);
    let path = dir.join("log.ndjson");
    config.decision_log = Some(path.clone());
    let srv = start(config).unwrap();
    let batch = format!("{}\n{{oops\n", mutation(None, "null"));
    let r = request(srv.addr, "POST", "/v1/decide/batch", &[], batch.as_bytes());
    assert_eq!(r.status, 200);
    // Pretty-printed single body: still one log line.
    let pretty = mutation(None, r#""Retail""#).replace(',', ",\n  ");
    assert_eq!(
        request(srv.addr, "POST", "/v1/decide", &[], pretty.as_bytes()).status,
        200
    );
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "{text}");
    let checksum = crmc_serve::sha256_hex(&bytes);
    for l in &lines {
        assert_eq!(l["table"], Value::String(checksum.clone()));
        assert!(l["time"].is_string() && l["identity"].is_null());
    }
    assert_eq!(lines[0]["contracts"]["enrich"], 7);
    // Replay: the logged input decides to the logged answer.
    let input = lines[0]["input"].to_string();
    let replayed: Value = serde_json::from_str(&decide_line(&table, &input, 1)).unwrap();
    assert_eq!(replayed, lines[0]["answer"]);
    assert_eq!(lines[1]["input_text"], "{oops");
    assert!(lines[1]["answer"]["error"].is_object());
    srv.stop().unwrap();
}

#[test]
fn a_log_write_error_is_503_never_a_silent_decision() {
    let dir = workdir("log-full");
    let mut config = config_with_table(&dir, &table_bytes(1, false));
    // Every write to /dev/full fails with "no space left on device".
    config.decision_log = Some("/dev/full".into());
    let srv = start(config).unwrap();
    let r = request(
        srv.addr,
        "POST",
        "/v1/decide",
        &[],
        mutation(None, "null").as_bytes(),
    );
    assert_eq!(r.status, 503, "{}", r.body);
    assert!(!r.body.contains("outcome"), "{}", r.body);
    let m = request(srv.addr, "GET", "/metrics", &[], b"").body;
    assert!(
        m.contains(r#"crmc_errors_total{kind="decision_log_write"} 1"#),
        "{m}"
    );
    srv.stop().unwrap();
}

#[test]
fn a_corrupt_table_on_reload_keeps_the_old_one() {
    let dir = workdir("corrupt");
    let bytes = table_bytes(1, false);
    let config = config_with_table(&dir, &bytes);
    let path = config.table.clone();
    let srv = start(config).unwrap();
    let before = request(
        srv.addr,
        "POST",
        "/v1/decide",
        &[],
        mutation(None, "null").as_bytes(),
    );
    let mut bad = bytes.clone();
    let last = bad.len() - 1;
    bad[last] ^= 0xff;
    std::fs::write(&path, &bad).unwrap();
    let err = srv.reload().unwrap_err();
    assert!(err.contains("not a usable decision table"), "{err}");
    let after = request(
        srv.addr,
        "POST",
        "/v1/decide",
        &[],
        mutation(None, "null").as_bytes(),
    );
    assert_eq!(after.status, 200);
    assert_eq!(after.header("crmc-table"), before.header("crmc-table"));
    let info: Value =
        serde_json::from_str(&request(srv.addr, "GET", "/v1/table", &[], b"").body).unwrap();
    assert_eq!(info["checksum"], crmc_serve::sha256_hex(&bytes));
    assert!(
        info["last_reload_error"]["message"]
            .as_str()
            .unwrap()
            .contains("checksum"),
        "{info}"
    );
    assert_eq!(info["contracts"][0]["name"], "enrich");
    assert_eq!(info["contracts"][0]["actor"], "ai:alim");
    let m = request(srv.addr, "GET", "/metrics", &[], b"").body;
    assert!(m.contains("crmc_table_reload_failures_total 1"), "{m}");
    assert!(m.contains("crmc_table_last_reload_failed 1"), "{m}");
    assert_eq!(request(srv.addr, "GET", "/readyz", &[], b"").status, 200);
    // A good file afterwards is taken and clears the failure.
    std::fs::write(&path, table_bytes(2, true)).unwrap();
    srv.reload().unwrap();
    let info: Value =
        serde_json::from_str(&request(srv.addr, "GET", "/v1/table", &[], b"").body).unwrap();
    assert!(info["last_reload_error"].is_null());
    assert_eq!(info["contracts"][0]["version"], 2);
    srv.stop().unwrap();
}

#[test]
fn reload_under_load_fails_no_request_and_never_mixes_tables() {
    let dir = workdir("reload-load");
    let (a, b) = (table_bytes(1, false), table_bytes(2, true));
    let mut config = config_with_table(&dir, &a);
    config.max_skew_secs = 36_500 * 86_400;
    let path = config.table.clone();
    let srv = start(config).unwrap();
    // A batch of the same mutation twice: both answers come from one table.
    let m = mutation(Some("2026-01-01T00:00:00Z"), "null");
    let body = format!("{m}\n{m}\n");
    let answer = |t: &[u8]| {
        let t = Table::from_bytes(t).unwrap();
        let l = decide_line(&t, &m, 1);
        format!("{l}\n{l}\n")
    };
    let (ans_a, ans_b) = (answer(&a), answer(&b));
    assert_ne!(ans_a, ans_b);
    let stop = Arc::new(AtomicBool::new(false));
    let seen_b = Arc::new(AtomicBool::new(false));
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let (stop, seen_b) = (Arc::clone(&stop), Arc::clone(&seen_b));
            let (addr, body, ans_a, ans_b) = (srv.addr, body.clone(), ans_a.clone(), ans_b.clone());
            std::thread::spawn(move || {
                let mut c = Client::connect(addr);
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) || n < 50 {
                    let r = c.send("POST", "/v1/decide/batch", &[], body.as_bytes());
                    assert_eq!(r.status, 200, "{}", r.body);
                    assert!(
                        r.body == ans_a || r.body == ans_b,
                        "mixed or wrong: {}",
                        r.body
                    );
                    if r.body == ans_b {
                        seen_b.store(true, Ordering::Relaxed);
                    }
                    n += 1;
                }
                n
            })
        })
        .collect();
    for i in 0..20 {
        std::fs::write(&path, if i % 2 == 0 { &b } else { &a }).unwrap();
        srv.reload().unwrap();
    }
    std::fs::write(&path, &b).unwrap();
    srv.reload().unwrap();
    // Every worker's requests after the last swap see table b.
    let after = request(srv.addr, "POST", "/v1/decide/batch", &[], body.as_bytes());
    assert_eq!(after.body, ans_b);
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        assert!(w.join().unwrap() >= 50);
    }
    let m = request(srv.addr, "GET", "/metrics", &[], b"").body;
    assert!(m.contains("crmc_table_reloads_total 21"), "{m}");
    srv.stop().unwrap();
}
