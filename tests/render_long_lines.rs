//! Human rendering shows a window of a long line, not the whole line: each
//! diagnostic's snippet stays short however long the line is (400 errors on
//! one 100 KB line once printed the line 400 times).
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use codespan_reporting::term::termcolor::Buffer;
use crmc::diagnostics::{render, Diagnostic};
use crmc::source::SourceMap;
use crmc::span::Span;

fn render(text: &str, spans: &[(usize, usize)]) -> String {
    let mut sources = SourceMap::new();
    let id = sources.add("long.crmc", "long.crmc", text);
    let diags: Vec<Diagnostic> = spans
        .iter()
        .map(|&(a, b)| Diagnostic::new("E0302", "no such field", Span::new(id, a, b), "here"))
        .collect();
    let mut out = Buffer::no_color();
    render::render_human(&sources, &diags, &mut out).unwrap();
    String::from_utf8(out.into_inner()).unwrap()
}

#[test]
fn a_label_in_a_100_kb_line_shows_a_short_window_with_the_real_column() {
    let mut text = String::from("first line\n");
    let line: String = (0..10_000).map(|i| format!("A{i:05} and ")).collect();
    text.push_str(&line);
    text.push_str("\nlast line\n");
    let at = text.find("A05000").unwrap();
    let out = render(&text, &[(at, at + 6)]);
    assert!(out.len() < 600, "{} bytes:\n{out}", out.len());
    let col = at - "first line\n".len() + 1;
    assert!(out.contains(&format!("long.crmc:2:{col}")), "{out}");
    // The label sits under the name it points at.
    let lines: Vec<&str> = out.lines().collect();
    let src = lines.iter().position(|l| l.contains("A05000")).unwrap();
    let caret = lines[src + 1].find('^').unwrap();
    let name = lines[src].find("A05000").unwrap();
    assert_eq!(
        lines[src][..name].chars().count(),
        lines[src + 1][..caret].chars().count(),
        "{out}"
    );
    assert!(lines[src].contains('…'), "{out}");
}

#[test]
fn many_labels_on_one_long_line_cost_what_their_snippets_do() {
    let line: String = (0..10_000).map(|i| format!("A{i:05} and ")).collect();
    let spans: Vec<(usize, usize)> = (0..400).map(|i| (i * 250, i * 250 + 6)).collect();
    let out = render(&line, &spans);
    assert!(out.len() < 400 * 600, "{} bytes", out.len());
}

#[test]
fn a_label_across_lines_and_a_short_line_render_as_before() {
    let text = "short\nline two here\nthree\n";
    let out = render(text, &[(0, 14)]);
    assert!(out.contains("long.crmc:1:1"), "{out}");
    assert!(out.contains("short") && out.contains("line two"), "{out}");
    assert!(!out.contains('…'), "{out}");
}
