//! A request body → its items: a batch's NDJSON lines or JSON array
//! elements (each a text to decide, or the error it gets instead), split
//! as `crmc eval` splits its input.

use crmc_eval::{too_long, DEFAULT_MAX_LINE_BYTES};

/// The message `crmc eval` gives a line that is not UTF-8.
pub fn not_utf8(bytes: &[u8]) -> String {
    match serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
        Err(e) => format!("invalid JSON: {e}"),
        Ok(_) => "invalid JSON: not UTF-8".to_string(),
    }
}

/// One item of a body: its text, or the error message it gets instead.
pub enum Piece<'b> {
    Text(&'b str),
    Bad(String),
}

/// How a batch came: its answer is in the same shape.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// `/v1/decide`: one item, its answer line.
    Single,
    /// NDJSON in, NDJSON out.
    Lines,
    /// A JSON array in, a JSON array of the answers out.
    Array,
}

/// A batch body as items: a JSON array's elements, or NDJSON lines
/// (split as `crmc eval` splits its input: `\n` or `\r\n`, no item after
/// a final newline). A body that starts like an array but is not one
/// (invalid JSON, trailing text, nested deeper than serde_json's limit of
/// 128, the evaluator's) is refused whole.
pub fn split_batch(body: &[u8]) -> Result<(Shape, Vec<Piece<'_>>), String> {
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    if first == Some(&b'[') {
        let text = std::str::from_utf8(body).map_err(|_| not_utf8(body))?;
        let items: Vec<&serde_json::value::RawValue> =
            serde_json::from_str(text).map_err(|e| format!("invalid JSON array: {e}"))?;
        // serde_json reads raw elements without its depth limit; the
        // evaluator would refuse a too-deep element, the body is refused.
        if nesting(text) > MAX_ARRAY_DEPTH {
            return Err(format!(
                "invalid JSON array: nested deeper than {MAX_ARRAY_DEPTH} levels"
            ));
        }
        let pieces = items.into_iter().map(|r| Piece::Text(r.get())).collect();
        return Ok((Shape::Array, pieces));
    }
    let mut lines: Vec<&[u8]> = body.split(|b| *b == b'\n').collect();
    if body.ends_with(b"\n") || body.is_empty() {
        lines.pop();
    }
    let pieces = lines
        .into_iter()
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .map(|l| {
            if l.len() > DEFAULT_MAX_LINE_BYTES {
                Piece::Bad(too_long(l.len() as u64, DEFAULT_MAX_LINE_BYTES))
            } else {
                match std::str::from_utf8(l) {
                    Ok(t) => Piece::Text(t),
                    Err(_) => Piece::Bad(not_utf8(l)),
                }
            }
        })
        .collect();
    Ok((Shape::Lines, pieces))
}

/// The deepest a batch array may nest, itself counted: one more than the
/// deepest element the evaluator reads (serde_json's recursion limit).
const MAX_ARRAY_DEPTH: usize = 128;

/// How deep `text` (valid JSON) nests arrays and objects.
fn nesting(text: &str) -> usize {
    let (mut depth, mut max, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for b in text.bytes() {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The array limit is the evaluator's: the deepest element it reads
    /// fits in a batch array, one level more does not.
    #[test]
    fn an_array_nests_as_deep_as_the_evaluator_reads_and_no_deeper() {
        let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        let reads = |n: usize| {
            let e = serde_json::from_str::<serde_json::Value>(&nested(n));
            e.is_ok()
        };
        let deepest = (1..400).take_while(|n| reads(*n)).last().unwrap_or(0);
        assert!(deepest > 100, "{deepest}");
        let array = |n: usize| format!("[{}]", nested(n));
        assert!(split_batch(array(deepest).as_bytes()).is_ok());
        assert!(split_batch(array(deepest + 1).as_bytes()).is_err());
        assert_eq!(nesting(r#"[{"a":"[[[\\\"{{"}]"#), 2);
    }
}
