//! NDJSON: one line of §7 JSON in, one decision or error line out
//! ([`decide_json`], [`decide_line`]), and whole streams ([`decide_batch`],
//! [`decide_stream`]) with exactly one output line per input line.

use super::decision::error_line;
use super::evaluator::Evaluator;
use crate::mutation::EvalError;
use crate::table::Table;

/// Decides one line of §7 JSON; the decision's JSON line.
pub fn decide_json(table: &Table, line: &str) -> Result<String, EvalError> {
    let mut out = Vec::with_capacity(1024);
    Evaluator::new(table)
        .decide_text(line, &mut out)
        .map_err(EvalError::new)?;
    String::from_utf8(out).map_err(|e| EvalError::new(e.to_string()))
}

/// Decides one NDJSON line (1-based `line_no`): a decision line, or an
/// `{"error":...}` line. Never `auto` for malformed input.
pub fn decide_line(table: &Table, line: &str, line_no: usize) -> String {
    match decide_json(table, line) {
        Ok(s) => s,
        Err(e) => error_line(line_no, &e.message),
    }
}

/// Decides an NDJSON stream: one output line per input line, in order
/// (error lines carry the input line number; a blank line is one).
pub fn decide_batch(table: &Table, input: &str) -> Vec<String> {
    input
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if l.trim().is_empty() {
                error_line(i + 1, EMPTY_LINE)
            } else {
                decide_line(table, l, i + 1)
            }
        })
        .collect()
}

/// The message of a blank or whitespace-only input line (decisions.md 10).
const EMPTY_LINE: &str = "empty line: not a mutation";

/// What [`decide_stream`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Input lines read, blank ones included.
    pub lines: usize,
    /// Decision lines written.
    pub decisions: usize,
    /// Error lines written.
    pub errors: usize,
}

/// Decides an NDJSON stream line by line in constant memory (one line and
/// one output buffer, reused), writing exactly what [`decide_batch`] would:
/// one output line per input line, in order, a decision or an
/// `{"error":{"line":N,"message":..}}` line; the stream goes on after an
/// error. A blank or whitespace-only line (any Unicode whitespace) and a
/// line that is not UTF-8 are error lines, so every later answer stays on
/// the line of its mutation. Only I/O errors stop it.
pub fn decide_stream<R: std::io::BufRead, W: std::io::Write>(
    table: &Table,
    mut reader: R,
    mut writer: W,
) -> std::io::Result<Stats> {
    let mut stats = Stats::default();
    let mut ev = Evaluator::new(table);
    let mut line: Vec<u8> = Vec::with_capacity(4096);
    let mut out: Vec<u8> = Vec::with_capacity(4096);
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        stats.lines += 1;
        let mut bytes = line.as_slice();
        if let Some(b) = bytes.strip_suffix(b"\n") {
            bytes = b.strip_suffix(b"\r").unwrap_or(b);
        }
        out.clear();
        let text = match std::str::from_utf8(bytes) {
            Ok(t) if t.trim().is_empty() => Err(EMPTY_LINE.to_string()),
            Ok(t) => Ok(t),
            Err(_) => Err(
                match serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
                    Err(e) => format!("invalid JSON: {e}"),
                    Ok(_) => "invalid JSON: not UTF-8".to_string(),
                },
            ),
        };
        let result = text.and_then(|t| ev.decide_text(t, &mut out));
        match result {
            Ok(()) => stats.decisions += 1,
            Err(message) => {
                out.clear();
                out.extend_from_slice(error_line(stats.lines, &message).as_bytes());
                stats.errors += 1;
            }
        }
        out.push(b'\n');
        writer.write_all(&out)?;
    }
    writer.flush()?;
    Ok(stats)
}
