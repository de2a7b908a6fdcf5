//! JSON-RPC framing over a byte stream (`Content-Length: N\r\n\r\n` + N
//! bytes), bounded. lsp-server's own reader allocates whatever length a
//! header claims and stops the server at the first malformed header; here a
//! header line is at most [`MAX_HEADER_LINE`] bytes, a body at most
//! [`MAX_BODY`] (a larger one is read past and refused), and garbage between
//! messages is skipped, so no input on stdin can exhaust memory or end the
//! server short of end of file.

use std::io::{self, BufRead, Read, Write};

/// The longest header line kept; a longer one is garbage.
pub const MAX_HEADER_LINE: usize = 1024;
/// The largest message body taken (a whole document travels in one).
pub const MAX_BODY: usize = 64 << 20;

/// What one read from the stream gave.
#[derive(Debug, PartialEq)]
pub enum Frame {
    /// A message body (not yet parsed as JSON).
    Body(Vec<u8>),
    /// A message that was read past: too large, or with a broken header.
    Refused(String),
    /// End of the stream.
    Eof,
}

/// Reads a header line of at most [`MAX_HEADER_LINE`] bytes; the rest of
/// a longer line is consumed and dropped. `None` at end of stream.
fn header_line(inp: &mut dyn BufRead) -> io::Result<Option<(Vec<u8>, bool)>> {
    let mut line = Vec::new();
    let mut too_long = false;
    loop {
        let buf = inp.fill_buf()?;
        if buf.is_empty() {
            return Ok(if line.is_empty() && !too_long {
                None
            } else {
                Some((line, too_long))
            });
        }
        let (chunk, done) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (&buf[..=i], true),
            None => (buf, false),
        };
        let n = chunk.len();
        if line.len() + n <= MAX_HEADER_LINE {
            line.extend_from_slice(chunk);
        } else {
            too_long = true;
        }
        inp.consume(n);
        if done {
            return Ok(Some((line, too_long)));
        }
    }
}

/// Reads the next message.
pub fn read(inp: &mut dyn BufRead) -> io::Result<Frame> {
    let mut length: Option<usize> = None;
    let mut broken: Option<String> = None;
    let mut seen_header = false;
    loop {
        let Some((line, too_long)) = header_line(inp)? else {
            return Ok(Frame::Eof);
        };
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if too_long {
            broken = Some("a header line is too long".into());
            continue;
        }
        if text.is_empty() {
            if !seen_header {
                // Blank lines between messages: skip.
                continue;
            }
            break;
        }
        let Some((name, value)) = text.split_once(':') else {
            // Not a header: garbage before a message, skipped.
            broken = Some(format!("not a header: {:?}", truncate(text)));
            continue;
        };
        seen_header = true;
        if name.trim().eq_ignore_ascii_case("content-length") {
            match value.trim().parse::<usize>() {
                Ok(n) => length = Some(n),
                Err(_) => broken = Some(format!("bad Content-Length {:?}", truncate(value))),
            }
        }
    }
    let Some(length) = length else {
        return Ok(Frame::Refused(
            broken.unwrap_or_else(|| "a message without Content-Length".into()),
        ));
    };
    if length > MAX_BODY {
        // Read past the body without keeping it.
        let skipped = io::copy(&mut inp.take(length as u64), &mut io::sink())?;
        if (skipped as usize) < length {
            return Ok(Frame::Eof);
        }
        return Ok(Frame::Refused(format!(
            "a message of {length} bytes is larger than the limit of {MAX_BODY}"
        )));
    }
    let mut body = Vec::new();
    inp.take(length as u64).read_to_end(&mut body)?;
    if body.len() < length {
        return Ok(Frame::Eof);
    }
    Ok(Frame::Body(body))
}

fn truncate(s: &str) -> String {
    s.chars().take(60).collect()
}

/// Writes one message.
pub fn write(out: &mut dyn Write, body: &[u8]) -> io::Result<()> {
    write!(out, "Content-Length: {}\r\n\r\n", body.len())?;
    out.write_all(body)?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &[u8]) -> Vec<Frame> {
        let mut r = io::BufReader::new(input);
        let mut out = Vec::new();
        loop {
            let f = read(&mut r).unwrap();
            if f == Frame::Eof {
                return out;
            }
            out.push(f);
        }
    }

    #[test]
    fn reads_messages_and_skips_garbage() {
        let got = frames(
            b"junk line\r\n\r\nContent-Length: 2\r\n\r\n{}Content-Length: 3\r\nX: y\r\n\r\n[1]",
        );
        assert_eq!(
            got,
            vec![Frame::Body(b"{}".to_vec()), Frame::Body(b"[1]".to_vec())]
        );
    }

    #[test]
    fn refuses_what_it_cannot_take() {
        let big = format!("Content-Length: {}\r\n\r\n", MAX_BODY + 1);
        let mut input = big.into_bytes();
        input.extend(std::iter::repeat_n(b' ', MAX_BODY + 1));
        input.extend_from_slice(b"Content-Length: 2\r\n\r\n{}");
        let got = frames(&input);
        assert!(matches!(got[0], Frame::Refused(_)), "{got:?}");
        assert_eq!(got[1], Frame::Body(b"{}".to_vec()));
        let got =
            frames(b"Content-Length: x\r\n\r\nContent-Length: 99999999999999999999999\r\n\r\n");
        assert!(matches!(got[0], Frame::Refused(_)));
        assert!(matches!(got[1], Frame::Refused(_)));
    }

    #[test]
    fn a_huge_header_line_is_dropped_not_kept() {
        let mut input = vec![b'a'; 10 * MAX_HEADER_LINE];
        input.extend_from_slice(b"\r\nContent-Length: 2\r\n\r\n{}");
        let got = frames(&input);
        assert_eq!(got, vec![Frame::Body(b"{}".to_vec())]);
    }

    #[test]
    fn a_short_body_is_end_of_stream() {
        assert!(frames(b"Content-Length: 10\r\n\r\n{}").is_empty());
    }
}
