//! Positions and names between crmc and LSP: byte offsets ↔ LSP positions
//! (0-based lines, columns in UTF-16 code units, the protocol's default
//! encoding), and `file:` URIs ↔ paths.

use lsp_types::{Position, Range, Uri};
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// Byte offsets where each line of `text` starts.
pub fn line_starts(text: &str) -> Vec<u32> {
    std::iter::once(0)
        .chain(
            text.match_indices('\n')
                .map(|(i, _)| u32::try_from(i + 1).unwrap_or(u32::MAX)),
        )
        .collect()
}

/// The LSP position of a byte offset (clamped into the text; an offset
/// inside a character counts as its start).
pub fn position(text: &str, starts: &[u32], offset: u32) -> Position {
    let offset = (offset as usize).min(text.len());
    let line = starts
        .partition_point(|&s| s as usize <= offset)
        .saturating_sub(1);
    let line_start = starts.get(line).map_or(0, |&s| s as usize);
    let character: usize = text
        .get(line_start..)
        .unwrap_or("")
        .char_indices()
        .take_while(|(i, _)| line_start + i < offset)
        .map(|(_, c)| c.len_utf16())
        .sum();
    Position {
        line: u32::try_from(line).unwrap_or(u32::MAX),
        character: u32::try_from(character).unwrap_or(u32::MAX),
    }
}

/// The LSP range of a byte range.
pub fn range(text: &str, starts: &[u32], start: u32, end: u32) -> Range {
    Range {
        start: position(text, starts, start),
        end: position(text, starts, end.max(start)),
    }
}

/// The byte offset of an LSP position: a line past the end is the end of
/// the text, a column past the line's end is the line's end (before `\n`),
/// a column inside a surrogate pair is the character's start.
pub fn offset(text: &str, starts: &[u32], pos: Position) -> usize {
    let Some(&line_start) = starts.get(pos.line as usize) else {
        return text.len();
    };
    let line_start = line_start as usize;
    let line = text.get(line_start..).unwrap_or("");
    let line = line.split('\n').next().unwrap_or("");
    let mut units = 0usize;
    for (i, c) in line.char_indices() {
        if units >= pos.character as usize {
            return line_start + i;
        }
        units += c.len_utf16();
        if units > pos.character as usize {
            return line_start + i;
        }
    }
    // A `\r` before the `\n` belongs to the line break, not the line.
    line_start + line.strip_suffix('\r').unwrap_or(line).len()
}

/// The path a `file:` URI names (percent-decoded), if it is one.
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // `file:///p` (empty host) or `file://localhost/p`.
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    if !rest.starts_with('/') {
        return None;
    }
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let bytes = percent_decode(rest)?;
    String::from_utf8(bytes).ok().map(PathBuf::from)
}

fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    Some(out)
}

/// The `file:` URI of an absolute path (relative paths are taken from the
/// current directory); bytes outside the unreserved set are percent-encoded.
pub fn path_to_uri(path: &Path) -> Option<Uri> {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(path)
    };
    let text = abs.to_str()?;
    let mut out = String::from("file://");
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    Uri::from_str(&out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    #[test]
    fn columns_count_utf16_units() {
        // `é` is one UTF-16 unit (two bytes), `𝒳` two units (four bytes).
        let text = "aé𝒳b\nx";
        let starts = line_starts(text);
        assert_eq!(position(text, &starts, 0), pos(0, 0));
        assert_eq!(position(text, &starts, 1), pos(0, 1));
        assert_eq!(position(text, &starts, 3), pos(0, 2));
        assert_eq!(position(text, &starts, 7), pos(0, 4));
        assert_eq!(position(text, &starts, 9), pos(1, 0));
        assert_eq!(offset(text, &starts, pos(0, 4)), 7);
        assert_eq!(offset(text, &starts, pos(0, 3)), 3, "inside a pair");
        assert_eq!(offset(text, &starts, pos(0, 99)), 8, "end of line");
        assert_eq!(offset(text, &starts, pos(9, 0)), text.len());
    }

    #[test]
    fn crlf_lines_end_before_the_break() {
        let text = "ab\r\ncd";
        let starts = line_starts(text);
        assert_eq!(offset(text, &starts, pos(0, 9)), 2);
        assert_eq!(position(text, &starts, 4), pos(1, 0));
    }

    #[test]
    fn uris_round_trip_with_escapes() {
        let path = Path::new("/tmp/a dir/ç.crmc");
        let uri = path_to_uri(path).unwrap();
        assert_eq!(uri.as_str(), "file:///tmp/a%20dir/%C3%A7.crmc");
        assert_eq!(uri_to_path(&uri).unwrap(), path);
        let other = Uri::from_str("untitled:Untitled-1").unwrap();
        assert_eq!(uri_to_path(&other), None);
        let remote = Uri::from_str("file://server/share/a.crmc").unwrap();
        assert_eq!(
            uri_to_path(&remote),
            None,
            "another host's file is not ours"
        );
    }
}
