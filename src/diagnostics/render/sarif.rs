//! `--format sarif`: SARIF 2.1.0 as code-scanning consumers read it.
//!
//! - Columns and offsets count UTF-16 code units (`columnKind:
//!   utf16CodeUnits`, SARIF's default, which consumers that ignore
//!   `columnKind` assume too): `startColumn`, `endColumn`, `charOffset` and
//!   `charLength` all use that unit.
//! - A file below the root directory (the current directory, for the CLI)
//!   is a relative URI with `uriBaseId: %SRCROOT%`; any other disk file is a
//!   `file://` URI. Files that are no file in the user's repository (the
//!   embedded `std/…` modules, standard input) get no location: the
//!   result's message says where the text is instead.
//! - A run that could not start (a missing input, say) is still a valid log:
//!   the error is a `toolExecutionNotification` of a failed invocation.

use crate::diagnostics::{codes, Diagnostic, Label, Severity};
use crate::source::{SourceFile, SourceMap};
use crate::span::{FileId, Span};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::{Component, Path};

/// The base id of URIs relative to the root directory.
const SRCROOT: &str = "%SRCROOT%";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// A SARIF log with one run for one unit; paths are resolved without a root
/// directory (relative names stay relative, absolute ones become `file://`).
pub fn render_sarif(sources: &SourceMap, diagnostics: &[Diagnostic]) -> String {
    render_sarif_units(&[(sources, diagnostics)], None)
}

/// One SARIF log for several units (`crmc check --each`). `root`, an
/// absolute canonical directory, is what `%SRCROOT%` stands for.
pub fn render_sarif_units(units: &[(&SourceMap, &[Diagnostic])], root: Option<&Path>) -> String {
    let mut results = Vec::new();
    for (sources, diagnostics) in units {
        let mut files = Files::new(sources, root);
        results.extend(diagnostics.iter().map(|d| result_json(&mut files, d)));
    }
    log_json(results, json!({ "executionSuccessful": true }), root)
}

/// The log of a run that could not start: no results, and `message` as an
/// error notification of the failed invocation.
pub fn render_sarif_failure(message: &str, root: Option<&Path>) -> String {
    let invocation = json!({
        "executionSuccessful": false,
        "toolExecutionNotifications": [{
            "level": "error",
            "message": { "text": message },
        }],
    });
    log_json(Vec::new(), invocation, root)
}

fn log_json(results: Vec<Value>, invocation: Value, root: Option<&Path>) -> String {
    let rules: Vec<Value> = codes::all()
        .map(|c| {
            json!({
                "id": c.code,
                "name": c.kind,
                "shortDescription": { "text": c.title },
                "fullDescription": { "text": c.title },
                "help": { "text": c.explanation },
                "defaultConfiguration": { "level": level(c.severity) },
            })
        })
        .collect();
    let mut run = json!({
        "tool": { "driver": {
            "name": "crmc",
            "version": env!("CARGO_PKG_VERSION"),
            "rules": rules,
        }},
        "invocations": [invocation],
        "columnKind": "utf16CodeUnits",
        "results": results,
    });
    if let Some(root) = root {
        let mut uri = file_uri(root);
        if !uri.ends_with('/') {
            uri.push('/');
        }
        run["originalUriBaseIds"] = json!({ SRCROOT: { "uri": uri } });
    }
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    });
    serde_json::to_string_pretty(&log).unwrap_or_else(|_| "{}".to_string())
}

fn result_json(files: &mut Files, d: &Diagnostic) -> Value {
    let mut text = d.message.clone();
    if let Some(help) = &d.help {
        text.push_str(&format!("\nhelp: {help}"));
    }
    // Labels in files become locations; the others are told in the text.
    let mut located: Vec<(&Label, Value)> = Vec::new();
    let mut primary = None;
    for (i, label) in std::iter::once(&d.primary).chain(&d.secondary).enumerate() {
        match files.physical_location(label.span) {
            Some(loc) if i == 0 => primary = Some(loc),
            Some(loc) => located.push((label, loc)),
            None => {
                let place = files.describe(label.span);
                text.push_str(&format!("\n{place}: {}", label.message));
            }
        }
    }
    // Consumers show a result at its location: when the primary span is in
    // no file, the first related location that is stands in for it.
    if primary.is_none() && !located.is_empty() {
        primary = Some(located.remove(0).1);
    }
    let related: Vec<Value> = located
        .into_iter()
        .enumerate()
        .map(|(i, (label, loc))| {
            json!({
                "id": i + 1,
                "physicalLocation": loc,
                "message": { "text": label.message },
            })
        })
        .collect();
    let mut result = json!({
        "ruleId": d.code,
        "level": level(d.severity),
        "message": { "text": text },
        "locations": primary.map(|p| vec![json!({ "physicalLocation": p })]).unwrap_or_default(),
        "relatedLocations": related,
        "properties": { "kind": d.kind() },
    });
    if let Some(index) = codes::all().position(|c| c.code == d.code) {
        result["ruleIndex"] = json!(index);
    }
    if let Some(w) = &d.witness {
        result["properties"]["witness"] = w.clone();
    }
    if let Some(sup) = &d.suppressed {
        let mut entry = json!({ "kind": "inSource", "justification": sup.reason });
        if let Some(loc) = files.physical_location(sup.span) {
            entry["location"] = json!({ "physicalLocation": loc });
        }
        result["suppressions"] = json!([entry]);
    }
    result
}

/// Where each file of a unit is, for SARIF, computed once per file.
struct Files<'s> {
    sources: &'s SourceMap,
    root: Option<&'s Path>,
    artifacts: HashMap<FileId, Option<Value>>,
    positions: HashMap<FileId, Utf16Index>,
}

impl<'s> Files<'s> {
    fn new(sources: &'s SourceMap, root: Option<&'s Path>) -> Files<'s> {
        Files {
            sources,
            root,
            artifacts: HashMap::new(),
            positions: HashMap::new(),
        }
    }

    /// `file:line:col` as people count (characters), for messages.
    fn describe(&self, span: Span) -> String {
        let name = self.sources.get(span.file).map_or("?", |f| f.name.as_str());
        let (line, col) = self.sources.line_col(span.file, span.start);
        format!("{name}:{line}:{col}")
    }

    fn physical_location(&mut self, span: Span) -> Option<Value> {
        let file = self.sources.get(span.file)?;
        let root = self.root;
        let artifact = self
            .artifacts
            .entry(span.file)
            .or_insert_with(|| artifact_location(file, root))
            .clone()?;
        let index = self
            .positions
            .entry(span.file)
            .or_insert_with(|| Utf16Index::new(&file.text));
        let (start_line, start_col, start) = index.position(&file.text, span.start);
        let (end_line, end_col, end) = index.position(&file.text, span.end.max(span.start));
        Some(json!({
            "artifactLocation": artifact,
            "region": {
                "startLine": start_line,
                "startColumn": start_col,
                "endLine": end_line,
                "endColumn": end_col,
                "charOffset": start,
                "charLength": end.saturating_sub(start),
            }
        }))
    }
}

/// The artifact location of a file, or `None` for text that is no file in
/// the user's repository (`std/…`, standard input: keys like `<std>/x`).
fn artifact_location(file: &SourceFile, root: Option<&Path>) -> Option<Value> {
    let key = file.key.as_path();
    if key.is_absolute() {
        if let Some(relative) = root.and_then(|r| key.strip_prefix(r).ok()) {
            return Some(json!({ "uri": encode_path(relative), "uriBaseId": SRCROOT }));
        }
        // Without a root, a name given relative (and not climbing out) is
        // still relative to where crmc ran.
        let name = Path::new(&file.name);
        if root.is_none() && name.is_relative() && !climbs(name) {
            return Some(json!({ "uri": encode_path(name), "uriBaseId": SRCROOT }));
        }
        return Some(json!({ "uri": file_uri(key) }));
    }
    if key.to_string_lossy().starts_with('<') {
        return None;
    }
    Some(json!({ "uri": encode_path(key), "uriBaseId": SRCROOT }))
}

fn climbs(path: &Path) -> bool {
    path.components().any(|c| c == Component::ParentDir)
}

/// A relative path as a URI reference: `/`-separated, `.` segments dropped,
/// every byte outside RFC 3986's unreserved set percent-encoded.
fn encode_path(path: &Path) -> String {
    let segments: Vec<String> = path
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(percent_encode(&s.to_string_lossy())),
            Component::ParentDir => Some("..".to_string()),
            _ => None,
        })
        .collect();
    segments.join("/")
}

/// `file:///…` for an absolute path (on Windows, `file:///C:/…`).
fn file_uri(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let text = text.strip_prefix("//?/").unwrap_or(&text);
    let encoded: Vec<String> = text
        .split('/')
        .enumerate()
        .map(|(i, seg)| {
            // Keep a drive letter's colon (`C:`) readable.
            if i == 0 && seg.len() == 2 && seg.ends_with(':') {
                seg.to_string()
            } else {
                percent_encode(seg)
            }
        })
        .collect();
    let joined = encoded.join("/");
    if joined.starts_with('/') {
        format!("file://{joined}")
    } else {
        format!("file:///{joined}")
    }
}

fn percent_encode(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Byte offset → (line, UTF-16 column, UTF-16 offset) in time bounded by
/// the checkpoint spacing, not by the file or line length (a unit with
/// thousands of findings on one long line stays linear).
struct Utf16Index {
    line_starts: Vec<u32>,
    /// (byte offset, UTF-16 offset) at a character boundary every
    /// `CHECKPOINT` bytes or so.
    checkpoints: Vec<(usize, usize)>,
}

const CHECKPOINT: usize = 256;

impl Utf16Index {
    fn new(text: &str) -> Utf16Index {
        let mut line_starts = vec![0u32];
        let mut checkpoints = vec![(0, 0)];
        let mut utf16 = 0usize;
        for (i, c) in text.char_indices() {
            if i >= checkpoints.last().map_or(0, |c| c.0) + CHECKPOINT {
                checkpoints.push((i, utf16));
            }
            if c == '\n' {
                line_starts.push(u32::try_from(i + 1).unwrap_or(u32::MAX));
            }
            utf16 += c.len_utf16();
        }
        Utf16Index {
            line_starts,
            checkpoints,
        }
    }

    fn utf16_offset(&self, text: &str, byte: usize) -> usize {
        let at = self.checkpoints.partition_point(|c| c.0 <= byte).max(1) - 1;
        let (from, units) = self.checkpoints.get(at).copied().unwrap_or((0, 0));
        units + text.get(from..byte).map_or(0, |s| s.encode_utf16().count())
    }

    /// 1-based line, 1-based UTF-16 column, 0-based UTF-16 offset.
    fn position(&self, text: &str, byte: u32) -> (usize, usize, usize) {
        let mut byte = (byte as usize).min(text.len());
        while !text.is_char_boundary(byte) {
            byte -= 1;
        }
        let line = self
            .line_starts
            .partition_point(|&s| s as usize <= byte)
            .max(1);
        let line_start = self.line_starts.get(line - 1).map_or(0, |&s| s as usize);
        let offset = self.utf16_offset(text, byte);
        let column = offset - self.utf16_offset(text, line_start) + 1;
        (line, column, offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_positions_agree_with_a_direct_count() {
        let mut text = String::new();
        for i in 0..2000 {
            text.push_str(["a", "é", "’", "😀", "\n", "日"][i % 6]);
        }
        let index = Utf16Index::new(&text);
        for (byte, _) in text.char_indices().step_by(7) {
            let before = &text[..byte];
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            let expected = (
                before.matches('\n').count() + 1,
                text[line_start..byte].encode_utf16().count() + 1,
                before.encode_utf16().count(),
            );
            assert_eq!(index.position(&text, byte as u32), expected, "{byte}");
        }
    }

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(encode_path(Path::new("./a b/c:d.crmc")), "a%20b/c%3Ad.crmc");
        assert_eq!(file_uri(Path::new("/x/ü y")), "file:///x/%C3%BC%20y");
    }
}
