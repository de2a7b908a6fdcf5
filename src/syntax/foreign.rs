//! Characters from outside the language, found before the grammar sees them:
//! text in `'single'` or typographic quotes (`“Banking”`, pasted from a
//! document) and names with a character outside ASCII (`Industrie_é`).
//! The grammar would only say "unexpected `“`"; these get their own codes
//! (E0115, E0116) with the fixed spelling, and the parser's own errors at
//! the same place are dropped as echoes.

use super::errors::SyntaxError;
use super::lexical::comment_start;
use crate::span::{FileId, Span};

/// Every foreign quote pair and non-ASCII name in `text`, outside string
/// literals and comments. Linear in the text's length.
pub(super) fn scan(file: FileId, text: &str) -> Vec<SyntaxError> {
    let mut out = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let end = comment_start(line).unwrap_or(line.len());
        scan_line(file, &line[..end], line_start, &mut out);
        line_start += line.len();
    }
    out
}

/// The characters that may close text opened with `open`, when `open`
/// opens text outside the language's double quotes.
fn closers(open: char) -> Option<&'static [char]> {
    Some(match open {
        '\'' => &['\''],
        '\u{201c}' => &['\u{201d}', '\u{201c}', '"'], // “ (English ”, German-style “)
        '\u{201d}' => &['\u{201d}'],                  // ” (Swedish ”...”)
        '\u{201e}' => &['\u{201c}', '\u{201d}'],      // „
        '\u{2018}' => &['\u{2019}', '\u{2018}'],      // ‘
        '\u{2019}' => &['\u{2019}'],                  // ’...’
        '\u{201a}' => &['\u{2018}', '\u{2019}'],      // ‚
        '\u{ab}' => &['\u{bb}'],                      // «
        '\u{bb}' => &['\u{ab}'],                      // »
        '\u{2039}' => &['\u{203a}'],                  // ‹
        _ => return None,
    })
}

/// Typographic characters that turn up inside names typed in a word
/// processor, and what they become in ASCII.
fn joiner(c: char) -> Option<&'static str> {
    match c {
        '\u{2019}' | '\u{2018}' | '\u{b4}' | '\u{2bc}' => Some(""),
        '\u{2010}' | '\u{2011}' | '\u{2013}' | '\u{2014}' => Some("_"),
        _ => None,
    }
}

/// Whether `c` can be part of a name as a user would write it (so that a
/// foreign one is reported as a name, not left to the grammar).
fn name_like(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || c == '_'
        || (!c.is_ascii() && c.is_alphabetic())
        || joiner(c).is_some()
}

fn scan_line(file: FileId, line: &str, offset: usize, out: &mut Vec<SyntaxError>) {
    let span = |s: usize, e: usize| Span::new(file, offset + s, offset + e);
    let mut in_string = false;
    let mut escaped = false;
    // The run of name-like characters being read: (start, has foreign, has a letter).
    let mut run: Option<(usize, bool, bool)> = None;
    // Opening quotes already known to have no closer on the rest of the line
    // (so a line of unmatched quotes stays linear).
    let mut unclosed: Vec<char> = Vec::new();
    let mut skip_to = 0;
    for (i, c) in line.char_indices() {
        if i < skip_to {
            continue;
        }
        if in_string {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => in_string = false,
                _ => escaped = false,
            }
            continue;
        }
        if let Some(close) = closers(c).filter(|_| !unclosed.contains(&c)) {
            let body_start = i + c.len_utf8();
            match line[body_start..].find(close) {
                Some(j) => {
                    end_run(file, line, offset, &mut run, i, out);
                    let body = &line[body_start..body_start + j];
                    let close_len = line[body_start + j..]
                        .chars()
                        .next()
                        .map_or(1, char::len_utf8);
                    let end = body_start + j + close_len;
                    out.push(SyntaxError::WrongQuotes {
                        span: span(i, end),
                        found: line[i..end].to_string(),
                        fixed: format!("\"{}\"", body.replace('\\', "\\\\").replace('"', "\\\"")),
                    });
                    skip_to = end;
                    continue;
                }
                None => unclosed.push(c),
            }
        }
        if c == '"' {
            end_run(file, line, offset, &mut run, i, out);
            in_string = true;
            continue;
        }
        if name_like(c) {
            let foreign = !c.is_ascii();
            let letter = c.is_alphabetic();
            run = Some(match run {
                Some((s, f, l)) => (s, f || foreign, l || letter),
                None => (i, foreign, letter),
            });
        } else {
            end_run(file, line, offset, &mut run, i, out);
        }
    }
    end_run(file, line, offset, &mut run, line.len(), out);
}

/// Ends the current run at `end`; reports it when it is a name with a
/// foreign character.
fn end_run(
    file: FileId,
    line: &str,
    offset: usize,
    run: &mut Option<(usize, bool, bool)>,
    end: usize,
    out: &mut Vec<SyntaxError>,
) {
    let Some((start, foreign, letter)) = run.take() else {
        return;
    };
    if !(foreign && letter) {
        return;
    }
    let word = &line[start..end];
    out.push(SyntaxError::NonAsciiIdent {
        span: Span::new(file, offset + start, offset + end),
        word: word.to_string(),
        ascii: ascii_spelling(word),
    });
}

/// The obvious ASCII spelling of `word` (accents dropped, `ß` as `ss`,
/// typographic apostrophes dropped, dashes as `_`), if every character has
/// one and the result is a name.
fn ascii_spelling(word: &str) -> Option<String> {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        if c.is_ascii() {
            out.push(c);
        } else if let Some(s) = joiner(c).or_else(|| latin(c)) {
            out.push_str(s);
        } else {
            return None;
        }
    }
    let first = out.chars().next()?;
    (first.is_ascii_alphabetic() || first == '_').then_some(out)
}

/// Latin letters with diacritics (Latin-1 and the common Latin Extended-A).
fn latin(c: char) -> Option<&'static str> {
    const TABLE: &[(&str, &str)] = &[
        ("àáâãäåāăą", "a"),
        ("ÀÁÂÃÄÅĀĂĄ", "A"),
        ("çćĉċč", "c"),
        ("ÇĆĈĊČ", "C"),
        ("ďđ", "d"),
        ("ĎĐ", "D"),
        ("èéêëēĕėęě", "e"),
        ("ÈÉÊËĒĔĖĘĚ", "E"),
        ("ĝğġģ", "g"),
        ("ĜĞĠĢ", "G"),
        ("ìíîïĩīĭįı", "i"),
        ("ÌÍÎÏĨĪĬĮİ", "I"),
        ("ľĺļł", "l"),
        ("ĽĹĻŁ", "L"),
        ("ñńņňŉ", "n"),
        ("ÑŃŅŇ", "N"),
        ("òóôõöøōŏő", "o"),
        ("ÒÓÔÕÖØŌŎŐ", "O"),
        ("ŕŗř", "r"),
        ("ŔŖŘ", "R"),
        ("śŝşš", "s"),
        ("ŚŜŞŠ", "S"),
        ("ţťŧ", "t"),
        ("ŢŤŦ", "T"),
        ("ùúûüũūŭůűų", "u"),
        ("ÙÚÛÜŨŪŬŮŰŲ", "U"),
        ("ýÿŷ", "y"),
        ("ÝŸŶ", "Y"),
        ("źżž", "z"),
        ("ŹŻŽ", "Z"),
        ("ß", "ss"),
        ("æ", "ae"),
        ("Æ", "AE"),
        ("œ", "oe"),
        ("Œ", "OE"),
    ];
    TABLE
        .iter()
        .find(|(from, _)| from.contains(c))
        .map(|(_, to)| *to)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(text: &str) -> Vec<(String, String)> {
        scan(FileId(0), text)
            .into_iter()
            .map(|e| {
                let s = e.span();
                let what = match e {
                    SyntaxError::NonAsciiIdent { ascii, .. } => ascii.unwrap_or_default(),
                    SyntaxError::WrongQuotes { fixed, .. } => fixed,
                    _ => String::new(),
                };
                (text[s.range()].to_string(), what)
            })
            .collect()
    }

    #[test]
    fn names_and_quotes() {
        assert_eq!(
            codes("Industrie_é: string"),
            [("Industrie_é".into(), "Industrie_e".into())]
        );
        assert_eq!(codes("Größe__c"), [("Größe__c".into(), "Grosse__c".into())]);
        assert_eq!(
            codes("Owner’s_Score"),
            [("Owner’s_Score".into(), "Owners_Score".into())]
        );
        assert_eq!(codes("Name_日本"), [("Name_日本".into(), String::new())]);
        assert_eq!(
            codes("x == 'Banking'"),
            [("'Banking'".into(), "\"Banking\"".into())]
        );
        assert_eq!(
            codes("x == “Banking”"),
            [("“Banking”".into(), "\"Banking\"".into())]
        );
        assert_eq!(
            codes("x == „Bank\"ing“"),
            [("„Bank\"ing“".into(), "\"Bank\\\"ing\"".into())]
        );
    }

    #[test]
    fn leaves_strings_comments_and_operators_alone() {
        assert!(codes("x == \"Café ‘ok’\" // Größe 'x'").is_empty());
        assert!(codes("Score ≥ 80 and a – b").is_empty());
        assert!(codes("it's").is_empty());
    }

    #[test]
    fn unmatched_quotes_stay_linear() {
        // Quadratic here would be 2 * 10^10 steps: the test would not end.
        let line = "„".repeat(200_000);
        assert_eq!(scan(FileId(0), &line).len(), 0);
        // Quotes that close each other pair up.
        assert_eq!(scan(FileId(0), &"‘".repeat(10)).len(), 5);
    }
}
