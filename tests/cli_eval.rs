//! `crmc eval` in pipelines: one output line per input line, in order, and
//! each answer written before crmc waits for more input.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

#[path = "support/cli.rs"]
mod cli_support;

use cli_support::*;
use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

fn lines(out: &[u8]) -> Vec<Value> {
    text(out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect()
}

/// Request/response over a pipe: the decision for a line arrives while
/// stdin is still open (before, it sat in a 64 KiB buffer until EOF).
#[test]
fn eval_answers_each_line_before_stdin_closes() {
    let dir = workdir("eval-pipe");
    build_small(&dir);
    let mut child = crmc_command(&dir)
        .args(["eval", "-t", "t.crmct"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut r = BufReader::new(stdout);
        loop {
            let mut line = String::new();
            if r.read_line(&mut line).unwrap_or(0) == 0 {
                break;
            }
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    for round in 0..3 {
        stdin.write_all(GOOD_LINE.as_bytes()).unwrap();
        stdin.write_all(b"\n").unwrap();
        stdin.flush().unwrap();
        // A guard against hanging, not a speed requirement: without the
        // flush the answer never comes while stdin is open.
        let answer = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(a) => a,
            Err(_) => {
                let _ = child.kill();
                panic!("round {round}: no decision while stdin is open");
            }
        };
        let v: Value = serde_json::from_str(&answer).unwrap();
        assert_eq!(v["outcome"], "auto", "{answer}");
    }
    drop(stdin);
    assert_eq!(child.wait().unwrap().code(), Some(0));
    reader.join().unwrap();
}

/// decisions.md 10: a blank or whitespace-only line (any Unicode
/// whitespace) gets an error line, so later answers stay on their lines.
#[test]
fn eval_gives_blank_and_whitespace_lines_an_error_line() {
    let dir = workdir("eval-blank");
    build_small(&dir);
    let blanks = [
        "", " ", "\t", "\u{a0}", "\u{2028}", "\u{3000}", "\u{b}", "\u{c}", "\r", " \r",
    ];
    let mut input = String::new();
    for b in blanks {
        input.push_str(b);
        input.push('\n');
        input.push_str(GOOD_LINE);
        input.push('\n');
    }
    let out = crmc_stdin(&["eval", "-t", "t.crmct"], &dir, input.as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let got = lines(&out.stdout);
    assert_eq!(got.len(), 2 * blanks.len(), "one line out per line in");
    for (i, b) in blanks.iter().enumerate() {
        let err = &got[2 * i]["error"];
        assert_eq!(err["line"], 2 * i + 1, "{b:?}");
        assert_eq!(err["message"], "empty line: not a mutation", "{b:?}");
        assert_eq!(got[2 * i + 1]["outcome"], "auto", "{b:?}");
    }
}

/// CRLF endings, a last line without a newline, and a line that is not
/// UTF-8 (an error line; the stream goes on).
#[test]
fn eval_handles_crlf_missing_final_newline_and_bad_utf8() {
    let dir = workdir("eval-edges");
    build_small(&dir);

    let crlf = format!("{GOOD_LINE}\r\n\r\n{GOOD_LINE}\r\n");
    let got = lines(&crmc_stdin(&["eval", "-t", "t.crmct"], &dir, crlf.as_bytes()).stdout);
    assert_eq!(got.len(), 3);
    assert_eq!(got[0]["outcome"], "auto");
    assert_eq!(got[1]["error"]["line"], 2);
    assert_eq!(got[2]["outcome"], "auto");

    let unterminated = format!("{GOOD_LINE}\n{GOOD_LINE}");
    let got = lines(&crmc_stdin(&["eval", "-t", "t.crmct"], &dir, unterminated.as_bytes()).stdout);
    assert_eq!(got.len(), 2);
    assert_eq!(got[1]["outcome"], "auto");

    let mut bad = GOOD_LINE.replace("Technology", "Tech\u{1}").into_bytes();
    let at = bad.iter().position(|&b| b == 1).unwrap();
    bad[at] = 0xff;
    let mut input = bad.clone();
    input.push(b'\n');
    input.push(0xc3); // a lone lead byte, blank otherwise
    input.push(b'\n');
    input.extend_from_slice(GOOD_LINE.as_bytes());
    input.push(b'\n');
    let out = crmc_stdin(&["eval", "-t", "t.crmct"], &dir, &input);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let got = lines(&out.stdout);
    assert_eq!(got.len(), 3, "{}", text(&out.stdout));
    assert_eq!(got[0]["error"]["line"], 1);
    assert_eq!(got[1]["error"]["line"], 2);
    assert_eq!(got[2]["outcome"], "auto");

    // Same from a file as from a pipe.
    std::fs::write(dir.join("in.ndjson"), &input).unwrap();
    let from_file = crmc(&["eval", "-t", "t.crmct", "in.ndjson"], &dir);
    assert_eq!(from_file.stdout, out.stdout);
}

/// A mutation's `id` comes back first on its decision line, and on its
/// error line when the line is JSON naming one valid `id`.
#[test]
fn eval_echoes_the_mutation_id() {
    let dir = workdir("eval-id");
    build_small(&dir);
    let with = |id: &str| format!("{{\"id\":{id},{}", &GOOD_LINE[1..]);
    let input = [
        with("\"req-1\""),
        with("2"),
        with("\"req-3\"").replace("\"Lead\"", "\"Nope\""),
        with("4.5"),
        "not json".to_string(),
    ]
    .join("\n");
    let out = crmc_stdin(&["eval", "-t", "t.crmct"], &dir, input.as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let raw: Vec<&str> = stdout.lines().collect();
    assert_eq!(raw.len(), 5, "{stdout}");
    assert!(
        raw[0].starts_with(r#"{"id":"req-1","outcome":"auto""#),
        "{}",
        raw[0]
    );
    assert!(
        raw[1].starts_with(r#"{"id":2,"outcome":"auto""#),
        "{}",
        raw[1]
    );
    assert!(
        raw[2].starts_with(r#"{"id":"req-3","error":"#),
        "{}",
        raw[2]
    );
    let got = lines(&out.stdout);
    assert_eq!(
        got[3]["error"]["message"],
        "`id` must be a string or an integer"
    );
    assert_eq!(got[3].get("id"), None);
    assert_eq!(got[4].get("id"), None);
}

/// A line over the limit is one error line and the next line is decided:
/// decision, error, decision, for the default limit and `--max-line-bytes`.
#[test]
fn eval_answers_an_over_long_line_with_one_error_line() {
    let dir = workdir("eval-long");
    build_small(&dir);
    let big = "y".repeat(5_000_000);
    let input = format!("{GOOD_LINE}\n{big}\n{GOOD_LINE}\n");
    let out = crmc_stdin(&["eval", "-t", "t.crmct"], &dir, input.as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let got = lines(&out.stdout);
    assert_eq!(got.len(), 3);
    assert_eq!(got[0]["outcome"], "auto");
    assert_eq!(got[1]["error"]["line"], 2);
    assert_eq!(
        got[1]["error"]["message"],
        "line too long: 5000000 bytes, the limit is 1048576"
    );
    assert_eq!(got[2]["outcome"], "auto");

    let n = GOOD_LINE.len();
    let two = format!("{GOOD_LINE}\n{GOOD_LINE}\n");
    let limit = (n - 1).to_string();
    let out = crmc_stdin(
        &["eval", "-t", "t.crmct", "--max-line-bytes", &limit],
        &dir,
        two.as_bytes(),
    );
    let got = lines(&out.stdout);
    assert_eq!(got.len(), 2);
    for (i, g) in got.iter().enumerate() {
        assert_eq!(g["error"]["line"], i + 1);
        assert_eq!(
            g["error"]["message"],
            format!("line too long: {n} bytes, the limit is {}", n - 1)
        );
    }
    let exact = n.to_string();
    let out = crmc_stdin(
        &["eval", "-t", "t.crmct", "--max-line-bytes", &exact],
        &dir,
        two.as_bytes(),
    );
    assert!(lines(&out.stdout).iter().all(|g| g["outcome"] == "auto"));
    let zero = crmc_stdin(
        &["eval", "-t", "t.crmct", "--max-line-bytes", "0"],
        &dir,
        b"",
    );
    assert_eq!(zero.status.code(), Some(2), "0 is no limit anyone means");
}

/// A 200 MB line from a pipe, with `crmc eval` under a 256 MiB address
/// space limit (`ulimit -v`): before the bound the line was read whole and
/// the allocation failed; now it is read past in chunks.
#[test]
fn eval_reads_past_a_200_mb_line_in_bounded_memory() {
    let dir = workdir("eval-huge");
    build_small(&dir);
    let script = format!(
        "ulimit -v 262144 && exec '{}' eval -t t.crmct",
        env!("CARGO_BIN_EXE_crmc")
    );
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(script)
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || -> std::io::Result<()> {
        stdin.write_all(GOOD_LINE.as_bytes())?;
        stdin.write_all(b"\n")?;
        let chunk = vec![b'z'; 1 << 20];
        for _ in 0..200 {
            stdin.write_all(&chunk)?;
        }
        stdin.write_all(b"\n")?;
        stdin.write_all(GOOD_LINE.as_bytes())?;
        stdin.write_all(b"\n")
    });
    let out = child.wait_with_output().unwrap();
    let wrote = writer.join().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "crmc eval under 256 MiB: {}",
        text(&out.stderr)
    );
    assert!(wrote.is_ok(), "crmc stopped reading: {wrote:?}");
    let got = lines(&out.stdout);
    assert_eq!(got.len(), 3, "{}", text(&out.stdout));
    assert_eq!(got[0]["outcome"], "auto");
    assert_eq!(
        got[1]["error"]["message"],
        "line too long: 209715200 bytes, the limit is 1048576"
    );
    assert_eq!(got[2]["outcome"], "auto");
}

/// A file saved "with BOM": the first line is an error line that says so
/// (never a decision), and the rest of the file is decided.
#[test]
fn eval_refuses_a_byte_order_mark_with_a_hint() {
    let dir = workdir("eval-bom");
    build_small(&dir);
    let input = format!("\u{feff}{GOOD_LINE}\n{GOOD_LINE}\n");
    std::fs::write(dir.join("bom.ndjson"), input).unwrap();
    let out = crmc(&["eval", "-t", "t.crmct", "bom.ndjson"], &dir);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let got = lines(&out.stdout);
    assert_eq!(got.len(), 2);
    assert_eq!(got[0]["error"]["line"], 1);
    let m = got[0]["error"]["message"].as_str().unwrap();
    assert!(m.contains("byte order mark"), "{m}");
    assert_eq!(got[1]["outcome"], "auto");
}
