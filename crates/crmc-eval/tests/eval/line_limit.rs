//! `decide_stream` bounds the length of a line: an over-long line gets one
//! error line and reading resumes at the next line, so one output line per
//! input line still holds and a huge line is never held in memory.

use crate::fixture::*;
use crmc_eval::{decide_batch, decide_stream, decide_stream_with_limit, DEFAULT_MAX_LINE_BYTES};
use serde_json::{json, Value};

fn good() -> String {
    mutation(json!({})).to_string()
}

fn run(input: &[u8], limit: usize) -> Vec<Value> {
    let t = spec_table();
    let mut out = Vec::new();
    let stats = decide_stream_with_limit(&t, input, &mut out, limit).unwrap();
    let lines: Vec<Value> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(stats.lines, lines.len(), "one output line per input line");
    lines
}

fn too_long(n: usize, limit: usize) -> String {
    format!("line too long: {n} bytes, the limit is {limit}")
}

#[test]
fn a_5_mb_line_between_two_valid_lines_is_one_error_line() {
    let big = "x".repeat(5_000_000);
    let input = format!("{}\n{big}\n{}\n", good(), good());
    let t = spec_table();
    let mut out = Vec::new();
    decide_stream(&t, input.as_bytes(), &mut out).unwrap();
    let got: Vec<Value> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(got.len(), 3);
    assert!(got[0]["outcome"].is_string(), "{}", got[0]);
    assert_eq!(
        got[1],
        json!({"error": {"line": 2, "message": too_long(5_000_000, DEFAULT_MAX_LINE_BYTES)}})
    );
    assert_eq!(got[2], got[0]);
    // The batch API says the same.
    let batch: Vec<Value> = decide_batch(&t, &input)
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(batch, got);
}

#[test]
fn the_limit_counts_the_line_without_its_terminator() {
    let g = good();
    let n = g.len();
    for end in ["\n", "\r\n", ""] {
        // Without a terminator: one last line (two would be one long line).
        let input = if end.is_empty() {
            g.clone()
        } else {
            format!("{g}{end}{g}{end}")
        };
        // Exactly at the limit: decided.
        let at = run(input.as_bytes(), n);
        assert!(
            at.iter().all(|v| v["outcome"].is_string()),
            "{end:?}: {at:?}"
        );
        // One byte over: an error per line, each on its own line number.
        let over = run(input.as_bytes(), n - 1);
        let lines = if end.is_empty() { 1 } else { 2 };
        assert_eq!(over.len(), lines, "{end:?}");
        for (i, v) in over.iter().enumerate() {
            let want = json!({"error": {"line": i + 1, "message": too_long(n, n - 1)}});
            assert_eq!(*v, want, "{end:?}");
        }
    }
}

#[test]
fn reading_resumes_after_any_number_of_long_lines() {
    let g = good();
    // Long lines of every shape: no newline at the end of the input, one
    // that is mostly `\r`, one of multibyte text cut anywhere, a blank one.
    let lines = [
        g.clone(),
        "é".repeat(40_000),
        g.clone(),
        "\r".repeat(70_000),
        " ".repeat(65_537),
        g.clone(),
        format!("{g}{}", " ".repeat(100_000)),
        "{".repeat(200_000),
    ];
    let input = lines.join("\n");
    let got = run(input.as_bytes(), 65_536);
    assert_eq!(got.len(), lines.len());
    for (i, (l, v)) in lines.iter().zip(&got).enumerate() {
        if l.len() > 65_536 {
            let n = l.len() - usize::from(l.ends_with('\r') && i + 1 < lines.len());
            assert_eq!(
                v["error"]["message"],
                json!(too_long(n, 65_536)),
                "line {}",
                i + 1
            );
            assert_eq!(v["error"]["line"], json!(i + 1));
        } else {
            assert!(v["outcome"].is_string(), "line {}: {v}", i + 1);
        }
    }
}
