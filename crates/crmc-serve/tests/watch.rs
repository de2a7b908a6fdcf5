//! `--watch` (the table file is polled; a new valid file is taken, a bad
//! one is reported and the old table keeps serving) and `--fsync always`
//! (every answered decision is a complete log line on disk when its
//! response arrives; the policy is reported).
//!
//! The watcher polls every 500 ms: the tests poll the server until the
//! change shows (a bounded count of short pauses, so a broken watcher fails
//! instead of hanging), and assert what changed, never how fast.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use serde_json::Value;
use std::path::Path;
use std::time::Duration;
use support::*;

/// Polls `done` every 20 ms, at most 1500 times (30 s), then fails.
fn poll_until(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..1500 {
        if done() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("--watch never showed: {what}");
}

fn info(srv: &Running) -> Value {
    serde_json::from_str(&request(srv.addr, "GET", "/v1/table", &[], b"").body).unwrap()
}

fn outcome(srv: &Running) -> (String, Option<String>) {
    let r = request(
        srv.addr,
        "POST",
        "/v1/decide",
        &[],
        mutation(None, "null").as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let v: Value = serde_json::from_str(&r.body).unwrap();
    let table = r.header("crmc-table").map(str::to_string);
    (v["outcome"].as_str().unwrap().to_string(), table)
}

/// Replaces `path` by a rename, as a deploy tool would.
fn replace(path: &Path, bytes: &[u8]) {
    let tmp = path.with_extension("new");
    std::fs::write(&tmp, bytes).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

#[test]
fn watch_takes_a_new_table_and_keeps_the_old_one_on_garbage() {
    let dir = workdir("watch");
    let mut config = config_with_table(&dir, &table_bytes(1, false));
    config.watch = true;
    let path = config.table.clone();
    let srv = start(config).unwrap();
    let old_sum = crmc_serve::sha256_hex(&table_bytes(1, false));
    assert_eq!(outcome(&srv), ("auto".to_string(), Some(old_sum.clone())));

    // A different valid table: its answers arrive without any signal.
    let strict = table_bytes(2, true);
    let new_sum = crmc_serve::sha256_hex(&strict);
    replace(&path, &strict);
    poll_until("the new table", || outcome(&srv).0 == "never");
    assert_eq!(outcome(&srv), ("never".to_string(), Some(new_sum.clone())));
    let i = info(&srv);
    assert_eq!(i["checksum"], new_sum.as_str());
    assert_eq!(i["contracts"][0]["version"], 2);
    assert!(i["last_reload_error"].is_null(), "{i}");

    // Garbage written in place: reported, and the new table keeps serving.
    std::fs::write(&path, b"this is not a decision table").unwrap();
    poll_until("the failed reload", || {
        !info(&srv)["last_reload_error"].is_null()
    });
    let i = info(&srv);
    assert_eq!(i["checksum"], new_sum.as_str());
    assert!(
        i["last_reload_error"]["message"]
            .as_str()
            .unwrap()
            .contains("not a usable decision table"),
        "{i}"
    );
    assert_eq!(outcome(&srv), ("never".to_string(), Some(new_sum)));
    let m = request(srv.addr, "GET", "/metrics", &[], b"").body;
    assert!(m.contains("crmc_table_reloads_total 1\n"), "{m}");
    assert!(m.contains("crmc_table_reload_failures_total 1\n"), "{m}");
    assert!(m.contains("crmc_table_last_reload_failed 1\n"), "{m}");
    assert_eq!(request(srv.addr, "GET", "/readyz", &[], b"").status, 200);

    // The old table back in place clears the failure.
    replace(&path, &table_bytes(1, false));
    poll_until("the table restored", || outcome(&srv).0 == "auto");
    assert_eq!(outcome(&srv), ("auto".to_string(), Some(old_sum)));
    assert!(info(&srv)["last_reload_error"].is_null());
    srv.stop().unwrap();
}

/// A table replaced after the server loaded its table but before the
/// watcher first ran is still taken (the watcher once took its first look
/// when it was scheduled, saw the new file as the baseline, and served the
/// old table for ever — a CI run caught it under load).
#[test]
fn watch_sees_a_table_replaced_before_its_first_poll() {
    let dir = workdir("watch-early");
    let mut config = config_with_table(&dir, &table_bytes(1, false));
    config.watch = true;
    let path = config.table.clone();
    let strict = table_bytes(2, true);
    let new_sum = crmc_serve::sha256_hex(&strict);
    let srv = start_after_bind(config, move || replace(&path, &strict)).unwrap();
    poll_until("the table replaced before serving", || {
        outcome(&srv).0 == "never"
    });
    assert_eq!(outcome(&srv), ("never".to_string(), Some(new_sum)));
    srv.stop().unwrap();
}

#[test]
fn fsync_always_has_each_answered_decision_complete_on_disk() {
    let dir = workdir("fsync");
    let mut config = config_with_table(&dir, &table_bytes(3, false));
    let log = dir.join("decisions.ndjson");
    config.decision_log = Some(log.clone());
    config.fsync = crmc_serve::Fsync::Always;
    let srv = start(config).unwrap();
    let i = info(&srv);
    assert_eq!(i["decision_log"]["fsync"], "always", "{i}");
    assert_eq!(
        i["decision_log"]["path"],
        log.display().to_string().as_str()
    );

    let mut c = Client::connect(srv.addr);
    let mut expected = 0;
    for round in 0..5 {
        let single = mutation(
            None,
            if round % 2 == 0 {
                "null"
            } else {
                r#""Retail""#
            },
        );
        let r = c.send("POST", "/v1/decide", &[], single.as_bytes());
        assert_eq!(r.status, 200, "{}", r.body);
        expected += 1;
        let answers = vec![serde_json::from_str::<Value>(&r.body).unwrap()];
        check_log(&log, expected, &answers);

        let batch = format!("{single}\n{{bad\n{single}\n");
        let r = c.send("POST", "/v1/decide/batch", &[], batch.as_bytes());
        assert_eq!(r.status, 200, "{}", r.body);
        expected += 3;
        let answers: Vec<Value> = r
            .body
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        check_log(&log, expected, &answers);
    }
    srv.stop().unwrap();
}

/// The log on disk, read when the response is in hand: exactly `n`
/// complete lines, the last ones holding `answers`.
fn check_log(log: &Path, n: usize, answers: &[Value]) {
    let bytes = std::fs::read(log).unwrap();
    assert!(bytes.ends_with(b"\n"), "a torn last line");
    let lines: Vec<Value> = bytes
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect();
    assert_eq!(lines.len(), n);
    let tail = &lines[n - answers.len()..];
    for (line, answer) in tail.iter().zip(answers) {
        assert_eq!(&line["answer"], answer);
    }
}
