//! NDJSON: one line of §7 JSON in, one decision or error line out
//! ([`decide_json`], [`decide_line`]), and whole streams ([`decide_batch`],
//! [`decide_stream`]) with exactly one output line per input line.

use super::decision::error_line_with_id;
use super::evaluator::Evaluator;
use crate::mutation::line_id;
use crate::mutation::EvalError;
use crate::table::{Outcome, Table};

/// Decides one line of §7 JSON; the decision's JSON line. Builds a fresh
/// [`Evaluator`] per call: for many lines, keep one and call
/// [`Evaluator::decide_text`] or [`Evaluator::decide_line_into`].
pub fn decide_json(table: &Table, line: &str) -> Result<String, EvalError> {
    let mut out = Vec::with_capacity(1024);
    Evaluator::new(table).decide_text(line, &mut out)?;
    String::from_utf8(out).map_err(|e| EvalError::new(e.to_string()))
}

/// What one line of an NDJSON stream was answered with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineAnswer {
    /// A decision line with this overall outcome.
    Decided(Outcome),
    /// An `{"error":...}` line.
    Error,
}

impl Evaluator<'_> {
    /// Answers one line of an NDJSON stream (1-based `line_no`, the text
    /// without its terminator) as [`decide_stream`] does, appending the
    /// answer without a newline to `out`: the decision line, or an
    /// `{"error":{"line":N,"message":..}}` line (with the line's `id` when
    /// it names one) for a blank or whitespace-only line, a line longer
    /// than [`DEFAULT_MAX_LINE_BYTES`] or a line that is no valid mutation.
    /// Never a decision for malformed input.
    pub fn decide_line_into(
        &mut self,
        text: &str,
        line_no: usize,
        out: &mut Vec<u8>,
    ) -> LineAnswer {
        let checked = if text.len() > DEFAULT_MAX_LINE_BYTES {
            Err(too_long(text.len() as u64, DEFAULT_MAX_LINE_BYTES))
        } else if text.trim().is_empty() {
            Err(EMPTY_LINE.to_string())
        } else {
            Ok(text)
        };
        self.answer(checked, line_no, out)
    }

    /// The answer for a line already read and checked (`Err`: why it cannot
    /// be decided), appended to `out`.
    fn answer(
        &mut self,
        checked: Result<&str, String>,
        line_no: usize,
        out: &mut Vec<u8>,
    ) -> LineAnswer {
        let start = out.len();
        let result = match checked {
            Ok(t) => self
                .decide_text_outcome(t, out)
                .map_err(|e| (e.message, line_id(t))),
            Err(e) => Err((e, None)),
        };
        match result {
            Ok(outcome) => LineAnswer::Decided(outcome),
            Err((message, id)) => {
                out.truncate(start);
                let e = error_line_with_id(line_no, id.as_ref(), &message);
                out.extend_from_slice(e.as_bytes());
                LineAnswer::Error
            }
        }
    }
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
    let mut ev = Evaluator::new(table);
    input
        .lines()
        .enumerate()
        .map(|(i, l)| {
            let mut out = Vec::new();
            ev.decide_line_into(l, i + 1, &mut out);
            String::from_utf8(out).unwrap_or_default()
        })
        .collect()
}

/// The longest line [`decide_stream`] reads (1 MiB, its terminator not
/// counted): a longer one is an error line, read past without being held.
pub const DEFAULT_MAX_LINE_BYTES: usize = 1 << 20;

/// The message of a line over the limit (`n` bytes, `max` allowed).
pub fn too_long(n: u64, max: usize) -> String {
    format!("line too long: {n} bytes, the limit is {max}")
}

/// The message of a blank or whitespace-only input line (decisions.md 10).
pub const EMPTY_LINE: &str = "empty line: not a mutation";

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
        match ev.answer(text, stats.lines, &mut out) {
            LineAnswer::Decided(_) => stats.decisions += 1,
            LineAnswer::Error => stats.errors += 1,
        }
        out.push(b'\n');
        writer.write_all(&out)?;
    }
    writer.flush()?;
    Ok(stats)
}

/// What [`read_line`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Line {
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
/// chunk up to its newline and only counted. The line reader of
/// [`decide_stream`], for other tools that read NDJSON in constant memory
/// (`crmc replay`).
pub fn read_line<R: std::io::BufRead>(
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
