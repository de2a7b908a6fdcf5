//! `crmc serve` as a process: the bundled examples' mutations get the
//! lines `crmc eval` prints, SIGHUP reloads, SIGTERM drains and exits 0,
//! and a kill -9 while logging leaves every complete log line intact.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

#[path = "support/cli.rs"]
mod cli_support;
#[path = "../crates/crmc-serve/tests/support/client.rs"]
mod client;

use cli_support::*;
use client::*;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// Starts `crmc serve` on a free loopback port; its address from the banner.
fn serve(dir: &Path, args: &[&str]) -> (Child, SocketAddr) {
    let (child, addr, _) = serve_with_banner(dir, args);
    (child, addr)
}

/// [`serve`], also giving the banner line.
fn serve_with_banner(dir: &Path, args: &[&str]) -> (Child, SocketAddr, String) {
    let mut child = crmc_command(dir)
        .arg("serve")
        .args(["--addr", "127.0.0.1:0"])
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut banner = String::new();
    err.read_line(&mut banner).unwrap();
    let addr = banner
        .split("http://")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .unwrap_or_else(|| panic!("no address in {banner:?}"))
        .parse()
        .unwrap();
    // Keep draining stderr so the server never blocks on a full pipe.
    std::thread::spawn(move || std::io::copy(&mut err, &mut std::io::sink()));
    (child, addr, banner)
}

fn signal(child: &Child, sig: &str) {
    let ok = Command::new("kill")
        .args([sig, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(ok.success());
}

#[test]
fn serve_answers_the_examples_as_eval_does() {
    let root = repo_root();
    let dir = workdir("serve-examples");
    let mut units = 0;
    for entry in std::fs::read_dir(root.join("examples")).unwrap() {
        let unit = entry.unwrap().path();
        if !unit.is_dir() || unit.ends_with("broken") {
            continue;
        }
        // contract units only (`spark_replay` is a PySpark job)
        let has_crmc = std::fs::read_dir(&unit)
            .unwrap()
            .flatten()
            .any(|e| e.path().extension().is_some_and(|x| x == "crmc"));
        if !has_crmc {
            continue;
        }
        let name = unit.file_name().unwrap().to_string_lossy().to_string();
        let table = dir.join(format!("{name}.crmct"));
        let out = crmc(
            &[
                "build",
                unit.to_str().unwrap(),
                "-o",
                table.to_str().unwrap(),
            ],
            &dir,
        );
        assert!(out.status.success(), "{name}: {}", text(&out.stderr));
        let report = crmc(&["test", "--format", "json", unit.to_str().unwrap()], &dir);
        let report: Value = serde_json::from_slice(&report.stdout).unwrap();
        let mutations: Vec<String> = report["tests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["mutation"].to_string())
            .collect();
        assert!(!mutations.is_empty(), "{name}");
        let ndjson = mutations.join("\n") + "\n";
        let eval = crmc_stdin(
            &["eval", "-t", table.to_str().unwrap()],
            &dir,
            ndjson.as_bytes(),
        );
        let expected = text(&eval.stdout);
        let (mut child, addr) = serve(
            &dir,
            &["-t", table.to_str().unwrap(), "--max-skew", "36500d"],
        );
        let mut c = Client::connect(addr);
        let singles: String = mutations
            .iter()
            .map(|m| c.send("POST", "/v1/decide", &[], m.as_bytes()).body)
            .collect();
        assert_eq!(singles, expected, "{name}");
        let batch = c.send("POST", "/v1/decide/batch", &[], ndjson.as_bytes());
        assert_eq!(batch.body, expected, "{name}");
        signal(&child, "-TERM");
        assert!(
            child.wait().unwrap().success(),
            "{name}: SIGTERM is a clean exit"
        );
        units += 1;
    }
    assert!(units >= 5, "only {units} example units found");
}

#[test]
fn sighup_reloads_and_a_bad_file_keeps_serving() {
    let dir = workdir("serve-hup");
    build_small(&dir);
    let (child, addr) = serve(&dir, &["-t", "t.crmct", "--max-skew", "36500d"]);
    let info = |addr| -> Value {
        serde_json::from_str(&request(addr, "GET", "/v1/table", &[], b"").body).unwrap()
    };
    let first = info(addr)["checksum"].clone();
    std::fs::write(dir.join("t.crmct"), b"not a table").unwrap();
    signal(&child, "-HUP");
    // The reload happens off the request path: poll until it is reported.
    let mut tries = 0;
    while info(addr)["last_reload_error"].is_null() {
        tries += 1;
        assert!(tries < 100_000, "SIGHUP was never acted on");
        std::thread::yield_now();
    }
    assert_eq!(info(addr)["checksum"], first);
    let r = request(addr, "POST", "/v1/decide", &[], GOOD_LINE.as_bytes());
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("crmc-table"), first.as_str());
    // A good table is taken on the next SIGHUP.
    std::fs::write(dir.join("t.crmct"), b"").unwrap();
    build_small(&dir);
    let table = std::fs::read(dir.join("t.crmct")).unwrap();
    assert_eq!(
        first.as_str(),
        Some(crmc_serve::sha256_hex(&table).as_str())
    );
    signal(&child, "-HUP");
    let mut tries = 0;
    while !info(addr)["last_reload_error"].is_null() {
        tries += 1;
        assert!(tries < 100_000, "the second SIGHUP was never acted on");
        std::thread::yield_now();
    }
    let mut child = child;
    signal(&child, "-TERM");
    assert!(child.wait().unwrap().success());
}

#[test]
fn kill_9_while_logging_leaves_every_complete_line_intact() {
    let dir = workdir("serve-kill9");
    build_small(&dir);
    let log = dir.join("decisions.ndjson");
    let (mut child, addr) = serve(
        &dir,
        &[
            "-t",
            "t.crmct",
            "--decision-log",
            log.to_str().unwrap(),
            "--max-skew",
            "36500d",
        ],
    );
    let batch: String = (0..50).map(|_| format!("{GOOD_LINE}\n")).collect();
    let writers: Vec<_> = (0..2)
        .map(|_| {
            let batch = batch.clone();
            std::thread::spawn(move || {
                let mut c = Client::connect(addr);
                // Runs until the server dies under it (a read error ends it).
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || loop {
                    c.send("POST", "/v1/decide/batch", &[], batch.as_bytes());
                }));
            })
        })
        .collect();
    // Kill once the log holds some lines: mid-stream, not after it.
    while std::fs::metadata(&log).map(|m| m.len()).unwrap_or(0) < 200_000 {
        std::thread::yield_now();
    }
    child.kill().unwrap();
    child.wait().unwrap();
    for w in writers {
        let _ = w.join();
    }
    let bytes = std::fs::read(&log).unwrap();
    let complete = match bytes.iter().rposition(|b| *b == b'\n') {
        Some(i) => &bytes[..=i],
        None => &bytes[..0],
    };
    let mut n = 0;
    for line in complete.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
        let v: Value = serde_json::from_slice(line)
            .unwrap_or_else(|e| panic!("torn log line ({e}): {}", String::from_utf8_lossy(line)));
        assert!(v["answer"]["outcome"].is_string(), "{v}");
        n += 1;
    }
    assert!(n >= 50, "{n} lines");
}

#[test]
fn fsync_always_and_watch_are_accepted_and_reported() {
    let dir = workdir("serve-fsync");
    build_small(&dir);
    let log = dir.join("decisions.ndjson");
    let (mut child, addr, banner) = serve_with_banner(
        &dir,
        &[
            "-t",
            "t.crmct",
            "--decision-log",
            log.to_str().unwrap(),
            "--fsync",
            "always",
            "--watch",
            "--max-skew",
            "36500d",
        ],
    );
    assert!(banner.contains("(fsync always)"), "{banner}");
    assert!(banner.contains("--watch"), "{banner}");
    let info: Value =
        serde_json::from_str(&request(addr, "GET", "/v1/table", &[], b"").body).unwrap();
    assert_eq!(info["decision_log"]["fsync"], "always", "{info}");
    let r = request(addr, "POST", "/v1/decide", &[], GOOD_LINE.as_bytes());
    assert_eq!(r.status, 200, "{}", r.body);
    // On disk, complete, when the answer is in hand.
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(logged.ends_with('\n'), "{logged}");
    let line: Value = serde_json::from_str(logged.trim_end()).unwrap();
    assert_eq!(
        line["answer"],
        serde_json::from_str::<Value>(&r.body).unwrap()
    );
    signal(&child, "-TERM");
    assert!(child.wait().unwrap().success());

    let bad = crmc(&["serve", "-t", "t.crmct", "--fsync", "sometimes"], &dir);
    assert_eq!(bad.status.code(), Some(2), "{}", text(&bad.stderr));
}

/// A decision log the server wrote is what `crmc replay` reads: with the
/// same table nothing changes; with a table that sends Industry to review,
/// exactly the logged Industry writes are tightened, each one named.
#[test]
fn a_decision_log_replays_through_crmc_replay() {
    let dir = workdir("serve-replay");
    build_small(&dir);
    let tight = SMALL.replace("Industry: auto", "Industry: review by record.owner");
    std::fs::write(dir.join("tight.crmc"), tight).unwrap();
    let built = crmc(&["build", "tight.crmc", "-o", "tight.crmct"], &dir);
    assert_eq!(built.status.code(), Some(0), "{}", text(&built.stderr));
    let log = dir.join("decisions.ndjson");
    let (child, addr) = serve(
        &dir,
        &[
            "-t",
            "t.crmct",
            "--decision-log",
            log.to_str().unwrap(),
            "--max-skew",
            "36500d",
        ],
    );
    // Two Industry writes (one without `at`: the server supplies its clock),
    // an Email write, and a line that is not a mutation.
    let no_at = GOOD_LINE.replace(r#""at":"2026-11-21T10:00:00Z","#, "");
    let email = GOOD_LINE.replace(
        r#""changes":{"Industry":"Technology"}"#,
        r#""changes":{"Email":"x@y.example"}"#,
    );
    let batch = format!("{GOOD_LINE}\n{no_at}\n{email}\n{{not json\n");
    let r = request(addr, "POST", "/v1/decide/batch", &[], batch.as_bytes());
    assert_eq!(r.status, 200, "{}", r.body);
    signal(&child, "-TERM");
    let mut child = child;
    assert!(child.wait().unwrap().success());

    let same = crmc(
        &[
            "replay",
            "-t",
            "t.crmct",
            "decisions.ndjson",
            "--format",
            "json",
        ],
        &dir,
    );
    assert_eq!(same.status.code(), Some(0), "{}", text(&same.stderr));
    let v: Value = serde_json::from_slice(&same.stdout).unwrap();
    assert_eq!(v["lines"], 4, "{v}");
    assert_eq!(v["compared"], 3, "{v}");
    assert_eq!(v["errors"]["both"], 1, "{v}");
    assert_eq!(v["decisions_changed"], 0, "{v}");
    assert_eq!(v["transitions"], serde_json::json!([]), "{v}");

    let tightened = crmc(
        &[
            "replay",
            "-t",
            "tight.crmct",
            "decisions.ndjson",
            "--format",
            "json",
        ],
        &dir,
    );
    let v: Value = serde_json::from_slice(&tightened.stdout).unwrap();
    assert_eq!(v["writes_tightened"], 2, "{v}");
    assert_eq!(v["writes_loosened"], 0, "{v}");
    let t = &v["transitions"][0];
    assert_eq!(
        (&t["from"], &t["to"], &t["field"]),
        (&"auto".into(), &"review".into(), &"Industry".into()),
        "{v}"
    );
    let lines: Vec<u64> = t["examples"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [1, 2], "{v}");
}
