//! NDJSON: one line of §7 JSON in, one decision or error line out
//! ([`decide_json`], [`decide_line`]), and whole streams ([`decide_batch`],
//! [`decide_stream`]) with exactly one output line per input line.

use super::decision::{error_line, error_line_with_id};
use super::evaluator::Evaluator;
use crate::mutation::line_id;
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
        Err(e) => error_line_with_id(line_no, line_id(line).as_ref(), &e.message),
    }
}

/// Decides an NDJSON stream: one output line per input line, in order
/// (error lines carry the input line number; a blank line is one, and so
/// is a line longer than [`DEFAULT_MAX_LINE_BYTES`], as in [`decide_stream`]).
pub fn decide_batch(table: &Table, input: &str) -> Vec<String> {
    input
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if l.len() > DEFAULT_MAX_LINE_BYTES {
                error_line(i + 1, &too_long(l.len() as u64, DEFAULT_MAX_LINE_BYTES))
            } else if l.trim().is_empty() {
                error_line(i + 1, EMPTY_LINE)
            } else {
                decide_line(table, l, i + 1)
            }
        })
        .collect()
}

/// The longest line [`decide_stream`] reads (1 MiB, its terminator not
/// counted): a longer one is an error line, read past without being held.
pub const DEFAULT_MAX_LINE_BYTES: usize = 1 << 20;

fn too_long(n: u64, max: usize) -> String {
    format!("line too long: {n} bytes, the limit is {max}")
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

/// Decides an NDJSON stream line by line in constant memory (one line of
/// at most [`DEFAULT_MAX_LINE_BYTES`] and one output buffer, reused),
/// writing exactly what [`decide_batch`] would: one output line per input
/// line, in order, a decision or an `{"error":{"line":N,"message":..}}`
/// line; the stream goes on after an error. A blank or whitespace-only line
/// (any Unicode whitespace), a line that is not UTF-8 and a line over the
/// limit are error lines, so every later answer stays on the line of its
/// mutation. Only I/O errors stop it.
pub fn decide_stream<R: std::io::BufRead, W: std::io::Write>(
    table: &Table,
    reader: R,
    writer: W,
) -> std::io::Result<Stats> {
    decide_stream_with_limit(table, reader, writer, DEFAULT_MAX_LINE_BYTES)
}

/// [`decide_stream`] with lines of up to `max_line_bytes` (a line's
/// terminator, `\n` or `\r\n`, not counted). The rest of a longer line
/// is read in the reader's chunks and discarded up to its newline: memory
/// stays bounded by the limit, whatever the input.
pub fn decide_stream_with_limit<R: std::io::BufRead, W: std::io::Write>(
    table: &Table,
    mut reader: R,
    mut writer: W,
    max_line_bytes: usize,
) -> std::io::Result<Stats> {
    let mut stats = Stats::default();
    let mut ev = Evaluator::new(table);
    let mut line: Vec<u8> = Vec::with_capacity(4096);
    let mut out: Vec<u8> = Vec::with_capacity(4096);
    loop {
        let read = read_line(&mut reader, &mut line, max_line_bytes)?;
        let text = match read {
            Line::End => break,
            Line::TooLong(n) => Err(too_long(n, max_line_bytes)),
            Line::Read => match std::str::from_utf8(&line) {
                Ok(t) if t.trim().is_empty() => Err(EMPTY_LINE.to_string()),
                Ok(t) => Ok(t),
                Err(_) => Err(
                    match serde_json::from_slice::<serde::de::IgnoredAny>(&line) {
                        Err(e) => format!("invalid JSON: {e}"),
                        Ok(_) => "invalid JSON: not UTF-8".to_string(),
                    },
                ),
            },
        };
        stats.lines += 1;
        out.clear();
        let result = match text {
            Ok(t) => ev.decide_text(t, &mut out).map_err(|e| (e, line_id(t))),
            Err(e) => Err((e, None)),
        };
        match result {
            Ok(()) => stats.decisions += 1,
            Err((message, id)) => {
                out.clear();
                let e = error_line_with_id(stats.lines, id.as_ref(), &message);
                out.extend_from_slice(e.as_bytes());
                stats.errors += 1;
            }
        }
        out.push(b'\n');
        writer.write_all(&out)?;
    }
    writer.flush()?;
    Ok(stats)
}

/// What [`read_line`] found.
enum Line {
    /// No more input.
    End,
    /// A line, in the buffer without its terminator.
    Read,
    /// A line of this many bytes (terminator not counted), over the limit:
    /// read past, not kept.
    TooLong(u64),
}

/// Reads one line into `line` (cleared first; without its `\n`, and the
/// `\r` before it) as `read_until(b'\n')` splits lines, keeping at most
/// `max + 1` bytes: once a line is longer, the rest is consumed chunk by
/// chunk up to its newline and only counted.
fn read_line<R: std::io::BufRead>(
    r: &mut R,
    line: &mut Vec<u8>,
    max: usize,
) -> std::io::Result<Line> {
    line.clear();
    let mut total: u64 = 0;
    let mut any = false;
    let mut over = false;
    let mut last: Option<u8> = None;
    let newline = loop {
        let buf = match r.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            if !any {
                return Ok(Line::End);
            }
            break false;
        }
        any = true;
        let (chunk, found) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (buf.get(..i).unwrap_or(&[]), true),
            None => (buf, false),
        };
        let n = chunk.len();
        total += n as u64;
        if let Some(&b) = chunk.last() {
            last = Some(b);
        }
        if !over {
            // `max + 1`: room for the `\r` of a line of exactly `max` bytes.
            if line.len() + n <= max.saturating_add(1) {
                line.extend_from_slice(chunk);
            } else {
                over = true;
                line.clear();
            }
        }
        r.consume(n + usize::from(found));
        if found {
            break true;
        }
    };
    // Only a `\r` before a newline belongs to the terminator.
    let cr = newline && last == Some(b'\r');
    if cr && !over {
        line.pop();
    }
    let len = total - u64::from(cr);
    if over || len > max as u64 {
        line.clear();
        return Ok(Line::TooLong(len));
    }
    Ok(Line::Read)
}
