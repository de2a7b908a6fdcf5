//! Small scans of the raw text that do not need the grammar: comments (kept
//! for the formatter) and a nesting guard (so no input can exhaust the stack).

use super::ast::Comment;
use crate::span::{FileId, Span};

/// Deeper nesting of `(` or `{` than this is refused before parsing.
pub(super) const MAX_DEPTH: usize = 64;

/// Every `// ...` comment outside string literals, in order. Strings never
/// span lines, so a line-by-line scan agrees with the grammar.
pub(super) fn comments(file: FileId, text: &str) -> Vec<Comment> {
    let mut out = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        if let Some(start) = comment_start(line) {
            let body = &line[start + 2..];
            let line_len = body.find(['\r', '\n']).unwrap_or(body.len());
            // Trailing blanks are not part of a comment: the formatter drops
            // them, so keeping them would make `fmt` change the tree.
            let body_len = body[..line_len].trim_end_matches([' ', '\t']).len();
            out.push(Comment {
                text: body[..body_len].to_string(),
                span: Span::new(file, line_start + start, line_start + start + 2 + body_len),
            });
        }
        line_start += line.len();
    }
    out
}

/// Byte offset of the `//` that starts a comment on this line, if any.
pub(super) fn comment_start(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut in_string = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                b'\\' if bytes.get(i + 1).is_some_and(|n| *n != b'\n' && *n != b'\r') => i += 1,
                b'"' | b'\r' => in_string = false,
                _ => {}
            }
        } else if b == b'"' {
            in_string = true;
        } else if b == b'/' && bytes.get(i + 1) == Some(&b'/') {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// The offset of the first `(` or `{` nested deeper than `limit` (outside
/// strings and comments), if any.
pub(super) fn too_deep(text: &str, limit: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let end = comment_start(line).unwrap_or(line.len());
        let bytes = &line.as_bytes()[..end];
        let mut in_string = false;
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if in_string {
                match b {
                    b'\\' => i += 1,
                    b'"' => in_string = false,
                    _ => {}
                }
            } else {
                match b {
                    b'"' => in_string = true,
                    b'(' | b'{' => {
                        depth += 1;
                        if depth > limit {
                            return Some(line_start + i);
                        }
                    }
                    b')' | b'}' => depth = depth.saturating_sub(1),
                    _ => {}
                }
            }
            i += 1;
        }
        line_start += line.len();
    }
    None
}

/// The token that starts at `pos`, as a user would name it, and its end.
/// `None` at the end of a line or of the file.
pub(super) fn token_at(text: &str, pos: usize) -> Option<(String, usize)> {
    let rest = text.get(pos..)?;
    let first = rest.chars().next()?;
    let len = match first {
        '\n' | '\r' => return None,
        '"' => {
            let mut escaped = false;
            let mut end = rest.len();
            for (i, c) in rest.char_indices().skip(1) {
                if c == '\n' || c == '\r' {
                    end = i;
                    break;
                }
                if !escaped && c == '"' {
                    end = i + 1;
                    break;
                }
                escaped = !escaped && c == '\\';
            }
            end
        }
        c if c.is_ascii_alphanumeric() || c == '_' || c == '-' => rest
            .char_indices()
            .skip(1)
            .find(|(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '%')))
            .map_or(rest.len(), |(i, _)| i),
        '=' | '!' | '<' | '>' => rest
            .char_indices()
            .find(|(_, c)| !matches!(c, '=' | '!' | '<' | '>'))
            .map_or(rest.len(), |(i, _)| i),
        c => c.len_utf8(),
    };
    let shown: String = rest[..len].chars().take(40).collect();
    Some((shown, pos + len))
}

/// The offset of a `"` on the first line of `text` that is never closed.
pub(super) fn open_string_start(text: &str) -> Option<usize> {
    let line = &text[..text.find(['\n', '\r']).unwrap_or(text.len())];
    let bytes = line.as_bytes();
    let mut open = None;
    let mut i = 0;
    while i < bytes.len() {
        match (bytes[i], open) {
            (b'\\', Some(_)) => i += 1,
            (b'"', Some(_)) => open = None,
            (b'"', None) => open = Some(i),
            (b'/', None) if bytes.get(i + 1) == Some(&b'/') => break,
            _ => {}
        }
        i += 1;
    }
    open
}

/// The first word of a piece of text (letters, digits, `_`), if it starts with one.
pub(super) fn first_word(text: &str) -> Option<&str> {
    let end = text
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_'))
        .map_or(text.len(), |(i, _)| i);
    let word = &text[..end];
    let starts_alpha = word
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    starts_alpha.then_some(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_comments_outside_strings() {
        let text = "a \"x // y\" // real\n// two\r\nb";
        let cs = comments(FileId(0), text);
        assert_eq!(cs.len(), 2);
        assert_eq!(cs[0].text, " real");
        assert_eq!(&text[cs[0].span.range()], "// real");
        assert_eq!(cs[1].text, " two");
    }

    #[test]
    fn trailing_blanks_are_not_part_of_a_comment() {
        // Found by fuzzing fmt_roundtrip: `fmt` drops trailing blanks, so a
        // comment that kept them changed the tree on formatting.
        let text = "// spelled   id \t \n";
        let cs = comments(FileId(0), text);
        assert_eq!(cs[0].text, " spelled   id");
        assert_eq!(&text[cs[0].span.range()], "// spelled   id");
    }

    #[test]
    fn depth_guard() {
        assert_eq!(too_deep("((a))", 2), None);
        assert_eq!(too_deep("(((a)))", 2), Some(2));
        assert_eq!(too_deep("\"(((\" ((", 2), None);
    }

    #[test]
    fn tokens() {
        assert_eq!(token_at("a == 1", 2), Some(("==".into(), 4)));
        assert_eq!(token_at("x 0.9.1 y", 2), Some(("0.9.1".into(), 7)));
        assert_eq!(token_at("x\n", 1), None);
        assert_eq!(token_at("\"ab c\" d", 0), Some(("\"ab c\"".into(), 6)));
    }
}
