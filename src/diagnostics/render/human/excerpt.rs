//! The part of a file one diagnostic shows: only the lines its labels touch
//! (and the few codespan prints around them), each long line cut to a window
//! around the labels. So a diagnostic costs the size of its snippet, not of
//! the file or the line (400 errors on one 100 KB line stay fast and short).
//!
//! codespan asks for lines by index and slices `source()` by byte ranges;
//! this keeps real line indices (so numbers and gaps are right) over a small
//! synthetic text, and reports real columns.

use crate::source::SourceFile;
use codespan_reporting::files::{Error, Files};
use std::collections::BTreeMap;
use std::ops::Range;

/// Lines longer than this (bytes) are shown as a window.
const MAX_LINE: usize = 160;
/// Bytes shown before the first and after the last label point of a line.
const CONTEXT: usize = 60;
/// Lines shown after a multi-line label starts, and before it ends
/// (codespan's defaults), and one more for its one-line gaps.
const AROUND: usize = 3;
const ELLIPSIS: &str = "…";

/// One shown line: where it is in the real file and in the synthetic text.
struct Shown {
    /// Window of the real line, as real byte offsets.
    window: Range<usize>,
    /// Start of this line in the synthetic text, and the length of the
    /// ellipsis put before the window (0 or `ELLIPSIS.len()`).
    start: usize,
    prefix: usize,
    /// Characters of the real line before the window (for columns).
    chars_before: usize,
}

pub(super) struct Excerpt {
    name: String,
    text: String,
    /// Real line index -> shown line.
    lines: BTreeMap<usize, Shown>,
}

impl Excerpt {
    /// The excerpt of `file` for labels with these real byte ranges.
    pub(super) fn new(file: &SourceFile, ranges: &[Range<usize>]) -> Excerpt {
        let len = file.text.len();
        let starts = file.line_starts();
        let line_of = |o: usize| starts.partition_point(|&s| s as usize <= o.min(len)).max(1) - 1;
        let last = starts.len().saturating_sub(1);
        // Label points per line; lines to show.
        let mut points: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        let mut wanted = std::collections::BTreeSet::new();
        for r in ranges {
            let (a, b) = (r.start.min(len), r.end.min(len));
            let (la, lb) = (line_of(a), line_of(b));
            points.entry(la).or_default().push(a);
            points.entry(lb).or_default().push(b);
            for l in [la, lb] {
                wanted.insert(l);
                wanted.insert((l + 1).min(last));
            }
            for l in (la + 1..=la + AROUND).take_while(|&l| l < lb) {
                wanted.insert(l);
            }
            for l in lb.saturating_sub(AROUND).max(la + 1)..lb {
                wanted.insert(l);
            }
        }
        let mut text = String::new();
        let mut lines = BTreeMap::new();
        for l in wanted {
            let line_start = starts.get(l).map_or(len, |&s| s as usize);
            let line_end = starts
                .get(l + 1)
                .map_or(len, |&s| s as usize)
                .max(line_start);
            let full = &file.text[line_start..line_end];
            let content_end = line_start + full.trim_end_matches(['\n', '\r']).len();
            let (mut ws, mut we) = (line_start, content_end);
            if content_end - line_start > MAX_LINE {
                let ps = points.get(&l).map(Vec::as_slice).unwrap_or(&[]);
                let lo = ps.iter().min().copied().unwrap_or(line_start);
                let hi = ps.iter().max().copied().unwrap_or(line_start);
                ws = lo.saturating_sub(CONTEXT).max(line_start);
                we = (hi + CONTEXT)
                    .min(content_end)
                    .min(ws + MAX_LINE + 2 * CONTEXT);
                ws = floor_char(&file.text, ws);
                we = floor_char(&file.text, we.max(ws));
            }
            let prefix = if ws > line_start { ELLIPSIS.len() } else { 0 };
            let start = text.len();
            if prefix > 0 {
                text.push_str(ELLIPSIS);
            }
            text.push_str(&file.text[ws..we]);
            if we < content_end {
                text.push_str(ELLIPSIS);
            }
            text.push('\n');
            lines.insert(
                l,
                Shown {
                    window: ws..we,
                    start,
                    prefix,
                    chars_before: file.text[line_start..ws].chars().count(),
                },
            );
        }
        Excerpt {
            name: file.name.clone(),
            text,
            lines,
        }
    }

    /// A real byte offset as an offset of the synthetic text (clamped into
    /// its line's window).
    pub(super) fn map(&self, file: &SourceFile, offset: usize) -> usize {
        let starts = file.line_starts();
        let o = offset.min(file.text.len());
        let l = starts.partition_point(|&s| s as usize <= o).max(1) - 1;
        match self.lines.get(&l) {
            Some(s) => {
                let o = o.clamp(s.window.start, s.window.end);
                s.start + s.prefix + (o - s.window.start)
            }
            None => 0,
        }
    }

    fn shown_at(&self, byte: usize) -> Option<(usize, &Shown)> {
        self.lines
            .iter()
            .rev()
            .find(|(_, s)| s.start <= byte)
            .map(|(l, s)| (*l, s))
    }
}

/// The largest char boundary at or below `i`.
fn floor_char(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The excerpts of one diagnostic, indexed by codespan file id.
pub(super) struct Excerpts(pub(super) Vec<Excerpt>);

impl<'a> Files<'a> for Excerpts {
    type FileId = usize;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: usize) -> Result<&'a str, Error> {
        Ok(&self.get(id)?.name)
    }

    fn source(&'a self, id: usize) -> Result<&'a str, Error> {
        Ok(&self.get(id)?.text)
    }

    fn line_index(&'a self, id: usize, byte_index: usize) -> Result<usize, Error> {
        Ok(self.get(id)?.shown_at(byte_index).map_or(0, |(l, _)| l))
    }

    fn line_range(&'a self, id: usize, line_index: usize) -> Result<Range<usize>, Error> {
        let e = self.get(id)?;
        let Some(s) = e.lines.get(&line_index) else {
            // A line inside a multi-line label that codespan does not print.
            return Ok(0..0);
        };
        let end = e
            .lines
            .range(line_index + 1..)
            .next()
            .map_or(e.text.len(), |(_, n)| n.start);
        Ok(s.start..end)
    }

    fn column_number(
        &'a self,
        id: usize,
        line_index: usize,
        byte_index: usize,
    ) -> Result<usize, Error> {
        let e = self.get(id)?;
        let Some(s) = e.lines.get(&line_index) else {
            return Ok(1);
        };
        let from = (s.start + s.prefix).min(byte_index);
        let within = e
            .text
            .get(from..byte_index)
            .map_or(0, |t| t.chars().count());
        Ok(s.chars_before + within + 1)
    }
}

impl Excerpts {
    fn get(&self, id: usize) -> Result<&Excerpt, Error> {
        self.0.get(id).ok_or(Error::FileMissing)
    }
}
