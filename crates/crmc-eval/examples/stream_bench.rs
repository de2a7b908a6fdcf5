//! NDJSON throughput: [`crmc_eval::decide_stream`] against a program that
//! only parses the same lines with `serde_json`.
//!
//! `cargo run --release -p crmc-eval --example stream_bench -- [LINES] [RULES] [CONTRACTS]`
//!
//! Writes LINES (default 1,000,000) generated mutations to a temporary file,
//! then, single-threaded, reads the file back three times through a 64 KiB
//! `BufReader`, line by line into one reused buffer:
//! - `parse_value`: `serde_json::from_slice::<serde_json::Value>` per line;
//! - `parse_mutation`: `Mutation::from_json` per line (parse + validate);
//! - `decide_stream`: parse, validate, decide against a RULES-rule table
//!   (default 200, spread over CONTRACTS contracts, default 10, all of which
//!   apply to every line) and write every decision line to a `BufWriter` on
//!   a file.
//!
//! Prints lines per second for each and the process's peak resident set
//! (`VmHWM`) after each phase: constant memory means it does not grow with
//! LINES.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::time::Instant;

#[path = "../benches/fixture.rs"]
mod fixture;
use fixture::table;

/// Line `i`: an update of 1–3 fields with varying record values and
/// confidence; every 1000th line is malformed.
fn line(i: usize, fields: usize, out: &mut String) {
    use std::fmt::Write as _;
    out.clear();
    if i % 1000 == 999 {
        out.push_str("{\"object\":\"Lead\",\"event\":\"upsert\"}");
        return;
    }
    let f = |k: usize| format!("F{:05}", (i * 7 + k * 13) % fields);
    let conf = [0.93, 0.85, 0.4, 0.99][i % 4];
    let status = ["Open", "Working", "Closed"][i % 3];
    let _ = write!(
        out,
        "{{\"object\":\"Lead\",\"event\":\"update\",\"actor\":{{\"kind\":\"ai\",\"name\":\"enricher-{}\"}},\
         \"confidence\":{conf},\"source\":\"enrichment\",\"at\":\"2026-11-21T10:00:00Z\",\
         \"record\":{{\"Id\":\"00Q{i:06}\",\"Status\":\"{status}\",\"Zz\":{},\"{}\":null,\"{}\":{}}},\
         \"changes\":{{",
        i % 5,
        i.is_multiple_of(17),
        f(0),
        f(1),
        i % 500
    );
    for k in 0..(1 + i % 3) {
        if k > 0 {
            out.push(',');
        }
        let _ = write!(out, "\"{}\":{}", f(k), (i + k) % 250);
    }
    out.push_str("}}");
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// Reads `path` line by line into one reused buffer, calling `f` per line.
fn each_line(path: &std::path::Path, mut f: impl FnMut(&[u8])) -> usize {
    let mut r = BufReader::with_capacity(1 << 16, std::fs::File::open(path).unwrap());
    let mut buf = Vec::with_capacity(4096);
    let mut n = 0;
    loop {
        buf.clear();
        if r.read_until(b'\n', &mut buf).unwrap() == 0 {
            return n;
        }
        n += 1;
        f(buf.strip_suffix(b"\n").unwrap_or(&buf));
    }
}

fn report(name: &str, lines: usize, secs: f64, base: Option<f64>) -> f64 {
    let lps = lines as f64 / secs;
    let rel = base.map_or(String::new(), |b| {
        format!("  ({:.0}% of parse_value)", 100.0 * lps / b)
    });
    println!(
        "{name:<16} {lines} lines in {secs:.3} s: {:>10.0} lines/s, {:>7.0} ns/line, peak RSS {} KiB{rel}",
        lps,
        1e9 * secs / lines as f64,
        peak_rss_kib()
    );
    lps
}

fn main() {
    let mut args = std::env::args().skip(1);
    let lines: usize = args.next().map_or(1_000_000, |a| a.parse().unwrap());
    let rules: usize = args.next().map_or(200, |a| a.parse().unwrap());
    let contracts: usize = args.next().map_or(10, |a| a.parse().unwrap());
    let t = table(rules, contracts);
    let fields = (rules / contracts / 3).max(1);
    let dir = std::env::temp_dir().join(format!("crmc-stream-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("in.ndjson");
    {
        let mut w = BufWriter::new(std::fs::File::create(&input).unwrap());
        let mut s = String::new();
        for i in 0..lines {
            line(i, fields, &mut s);
            w.write_all(s.as_bytes()).unwrap();
            w.write_all(b"\n").unwrap();
        }
        w.flush().unwrap();
    }
    let size = std::fs::metadata(&input).unwrap().len();
    println!(
        "input: {lines} lines, {size} bytes ({:.0} B/line), table of {} rules in {contracts} contracts; peak RSS {} KiB",
        size as f64 / lines as f64,
        t.rule_count(),
        peak_rss_kib()
    );

    // `STREAM_ONLY=1`: only `decide_stream` (for profiling).
    let only = std::env::var_os("STREAM_ONLY").is_some();
    let start = Instant::now();
    let mut ok = 0usize;
    let n = each_line(&input, |l| {
        ok += usize::from(!only && serde_json::from_slice::<serde_json::Value>(l).is_ok());
    });
    let base = report("parse_value", n, start.elapsed().as_secs_f64(), None);
    std::hint::black_box(ok);

    let start = Instant::now();
    let mut ok = 0usize;
    let n = each_line(&input, |l| {
        let s = std::str::from_utf8(l).unwrap_or("");
        ok += usize::from(!only && crmc_eval::Mutation::from_json(s).is_ok());
    });
    report(
        "parse_mutation",
        n,
        start.elapsed().as_secs_f64(),
        Some(base),
    );
    std::hint::black_box(ok);

    let output = dir.join("out.ndjson");
    let start = Instant::now();
    let r = BufReader::with_capacity(1 << 16, std::fs::File::open(&input).unwrap());
    let w = BufWriter::with_capacity(1 << 16, std::fs::File::create(&output).unwrap());
    let stats = crmc_eval::decide_stream(&t, r, w).unwrap();
    report(
        "decide_stream",
        stats.lines,
        start.elapsed().as_secs_f64(),
        Some(base),
    );
    println!(
        "decide_stream: {} decisions, {} errors, {} bytes out",
        stats.decisions,
        stats.errors,
        std::fs::metadata(&output).unwrap().len()
    );
    std::fs::remove_dir_all(&dir).ok();
}
