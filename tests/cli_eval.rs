//! `crmc eval` in pipelines: one output line per input line, in order, and
//! each answer written before crmc waits for more input.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

#[path = "support/cli.rs"]
mod cli_support;

use cli_support::*;
use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;
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
