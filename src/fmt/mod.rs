//! `crmc fmt`: the canonical layout of a `.crmc` file. Formatting is a pure
//! function of the syntax tree and the original text (the text is read only
//! to keep comments and the author's blank lines between clauses).
//!
//! Guarantees, held by property tests: `format(format(x)) == format(x)`, and
//! `parse(format(x))` equals `parse(x)` except for spans.

mod exprs;
mod printer;

use crate::diagnostics::Diagnostic;
use crate::span::FileId;
use crate::syntax;

/// Formats a source text. Returns the syntax errors instead when the text
/// does not parse (a file is never reformatted from a partial tree).
pub fn format_source(text: &str) -> Result<String, Vec<Diagnostic>> {
    let (file, diags) = syntax::parse(FileId(0), text);
    if diags.iter().any(Diagnostic::is_error) {
        return Err(diags);
    }
    Ok(printer::print_file(&file, text))
}

/// A line diff of `old` → `new` (`-`/`+` lines with a little context), for
/// `crmc fmt --check`.
pub fn line_diff(name: &str, old: &str, new: &str) -> String {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    // Longest common subsequence table; files are small.
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut out = format!("--- {name}\n+++ {name} (formatted)\n");
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || lcs[i][j + 1] >= lcs[i + 1][j]) {
            out.push_str(&format!("{:>4} +{}\n", j + 1, b[j]));
            j += 1;
        } else {
            out.push_str(&format!("{:>4} -{}\n", i + 1, a[i]));
            i += 1;
        }
    }
    out
}
