//! `crmc test` reports: the human listing, one JSON document, and JUnit XML
//! (the `testsuites/testsuite/testcase/failure` shape CI systems read).
//! Pure: the command prints what these return.

use super::{explain_decision, TestResult};
use crate::diagnostics::{render, Diagnostic};
use crate::source::SourceMap;
use serde_json::{json, Value};
use std::fmt::Write as _;

/// One unit's run: its results, or the errors that refused it.
pub struct UnitReport<'a> {
    /// The unit's paths as given, for suite names.
    pub name: String,
    pub sources: &'a SourceMap,
    /// The tests that ran (after `--filter`).
    pub results: Vec<TestResult>,
    /// Non-empty when the unit has errors: then no test ran.
    pub errors: Vec<Diagnostic>,
    /// Tests left out by `--filter`.
    pub filtered: usize,
    /// The table could not be compiled (no test ran).
    pub compile_error: Option<String>,
    /// With `--coverage`: what the tests that ran reached (`None` for a
    /// refused unit, or without `--coverage`).
    pub coverage: Option<super::coverage::UnitCoverage>,
}

impl UnitReport<'_> {
    pub fn refused(&self) -> bool {
        !self.errors.is_empty() || self.compile_error.is_some()
    }

    /// The refusal, one line per error.
    fn refusal_lines(&self) -> Vec<String> {
        let mut lines: Vec<String> = self
            .errors
            .iter()
            .map(|d| {
                let span = d.primary.span;
                let (line, _) = self.sources.line_col(span.file, span.start);
                let file = self.sources.get(span.file).map_or("?", |f| f.name.as_str());
                format!(
                    "{file}:{line}: {}[{}]: {}",
                    d.severity.as_str(),
                    d.code,
                    d.message
                )
            })
            .collect();
        lines.extend(
            self.compile_error
                .iter()
                .map(|e| format!("the table could not be compiled: {e}")),
        );
        lines
    }

    fn location(&self, r: &TestResult) -> (String, usize) {
        let (line, _) = self.sources.line_col(r.span.file, r.span.start);
        let file = self
            .sources
            .get(r.span.file)
            .map_or_else(|| "?".to_string(), |f| f.name.clone());
        (file, line)
    }
}

/// The counts of a whole run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub passed: usize,
    pub failed: usize,
    pub filtered: usize,
    pub refused_units: usize,
}

impl Totals {
    pub fn of(units: &[UnitReport<'_>]) -> Totals {
        let mut t = Totals::default();
        for u in units {
            let passed = u.results.iter().filter(|r| r.passed()).count();
            t.passed += passed;
            t.failed += u.results.len() - passed;
            t.filtered += u.filtered;
            t.refused_units += usize::from(u.refused());
        }
        t
    }

    pub fn success(&self) -> bool {
        self.failed == 0 && self.refused_units == 0
    }

    /// `2 passed, 1 failed, 3 filtered out`.
    pub fn line(&self) -> String {
        let mut s = format!("{} passed, {} failed", self.passed, self.failed);
        if self.filtered > 0 {
            let _ = write!(s, ", {} filtered out", self.filtered);
        }
        if self.refused_units > 0 {
            let _ = write!(
                s,
                ", {} unit(s) refused for errors (their tests did not run)",
                self.refused_units
            );
        }
        s
    }
}

/// Why a failing test failed, line by line: expectations, the closest
/// contract, the decision's reasons and the mutation.
fn failure_lines(unit: &UnitReport<'_>, r: &TestResult) -> Vec<String> {
    let mut lines = r.failures.clone();
    if let Some(line) = r.closest_text(unit.sources) {
        lines.push(line);
    }
    if let Some(d) = &r.decision {
        lines.push("the decision, field by field:".to_string());
        lines.extend(explain_decision(d).into_iter().map(|l| format!("  {l}")));
    }
    lines.push(format!("mutation: {}", r.mutation));
    lines
}

/// The listing for people: `ok`/`FAILED` per test, reasons under failures.
pub fn human(units: &[UnitReport<'_>]) -> String {
    let mut out = String::new();
    for unit in units {
        for r in &unit.results {
            let (file, line) = unit.location(r);
            if r.passed() {
                let _ = writeln!(out, "ok      {} ({file}:{line})", r.name);
            } else {
                let _ = writeln!(out, "FAILED  {} ({file}:{line})", r.name);
                for l in failure_lines(unit, r) {
                    let _ = writeln!(out, "        {l}");
                }
            }
        }
    }
    let _ = write!(out, "\ncrmc: {}\n", Totals::of(units).line());
    out
}

/// One test as JSON: where it is, its status, expected vs actual, reasons.
fn test_json(unit: &UnitReport<'_>, r: &TestResult) -> Value {
    let (file, line) = unit.location(r);
    let expectations: Vec<Value> = r
        .expectations
        .iter()
        .map(|e| {
            json!({
                "field": e.field,
                "expected": e.expected,
                "actual": e.actual,
                "passed": e.passed(),
            })
        })
        .collect();
    let reasons: Value = r.decision.as_ref().map_or(Value::Null, |d| {
        d.fields
            .iter()
            .map(|(name, fd)| {
                (
                    name.clone(),
                    json!({
                        "outcome": fd.outcome.as_str(),
                        "contract": fd.contract,
                        "rule": fd.rule,
                        "reasons": fd.reasons,
                    }),
                )
            })
            .collect::<serde_json::Map<String, Value>>()
            .into()
    });
    json!({
        "name": r.name,
        "file": file,
        "line": line,
        "status": if r.passed() { "passed" } else { "failed" },
        "outcome": r.decision.as_ref().map(|d| d.outcome.as_str()),
        "expectations": expectations,
        "failures": r.failures,
        "fields": reasons,
        "closest": r.closest_text(unit.sources),
        "mutation": r.mutation,
    })
}

/// The whole run as one JSON document; `extra` adds top-level keys
/// (`coverage`).
pub fn json(units: &[UnitReport<'_>], extra: Vec<(&str, Value)>) -> String {
    let totals = Totals::of(units);
    let tests: Vec<Value> = units
        .iter()
        .flat_map(|u| u.results.iter().map(move |r| test_json(u, r)))
        .collect();
    let refused: Vec<Value> = units
        .iter()
        .filter(|u| u.refused())
        .map(|u| {
            json!({
                "unit": u.name,
                "compile_error": u.compile_error,
                "diagnostics": u.errors.iter().map(|d| render::diagnostic_json(u.sources, d)).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut doc = json!({
        "summary": {
            "passed": totals.passed,
            "failed": totals.failed,
            "filtered": totals.filtered,
            "refused_units": totals.refused_units,
        },
        "tests": tests,
        "refused_units": refused,
    });
    for (k, v) in extra {
        doc[k] = v;
    }
    serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".to_string())
}

/// Text as XML 1.0 character data or an attribute value: the five markup
/// characters escaped, and characters XML 1.0 cannot hold at all (control
/// characters other than tab, newline and carriage return) replaced by
/// U+FFFD, so the document always parses.
pub fn xml_escape(text: &str) -> String {
    escape(text, true)
}

/// Like [`xml_escape`], for element content: newlines and tabs stay as they
/// are, so the report reads well as a file too.
fn xml_text(text: &str) -> String {
    escape(text, false)
}

fn escape(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '\n' | '\t' if !attribute => out.push(ch),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Attribute values normalise raw newlines and tabs to spaces;
            // character references keep them.
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                out.push('\u{FFFD}');
            }
            c => out.push(c),
        }
    }
    out
}

/// JUnit XML: one `testsuite` per unit, one `testcase` per test; a failing
/// test has a `failure`, a refused unit one `testcase` with an `error`.
pub fn junit(units: &[UnitReport<'_>]) -> String {
    let totals = Totals::of(units);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"crmc\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
        totals.passed + totals.failed + totals.refused_units,
        totals.failed,
        totals.refused_units,
        totals.filtered,
    );
    for unit in units {
        let failures = unit.results.iter().filter(|r| !r.passed()).count();
        let errors = usize::from(unit.refused());
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{}\">",
            xml_escape(&unit.name),
            unit.results.len() + errors,
            unit.filtered,
        );
        if let Some(p) = super::coverage::report::junit_properties(unit) {
            out.push_str(&p);
        }
        if errors > 0 {
            let text = unit.refusal_lines();
            let _ = writeln!(
                out,
                "    <testcase name=\"(unit check)\" classname=\"{}\">\n      <error message=\"{}\" type=\"unit_error\">{}</error>\n    </testcase>",
                xml_escape(&unit.name),
                xml_escape("the unit has errors, so its tests did not run"),
                xml_text(&text.join("\n")),
            );
        }
        for r in &unit.results {
            let (file, line) = unit.location(r);
            let _ = write!(
                out,
                "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{line}\"",
                xml_escape(&r.name),
                xml_escape(&file),
                xml_escape(&file),
            );
            if r.passed() {
                out.push_str("/>\n");
                continue;
            }
            let message = r.failures.first().map_or("", String::as_str);
            let _ = writeln!(
                out,
                ">\n      <failure message=\"{}\" type=\"expectation\">{}</failure>\n    </testcase>",
                xml_escape(message),
                xml_text(&failure_lines(unit, r).join("\n")),
            );
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::xml_escape;

    #[test]
    fn xml_escape_escapes_markup_and_drops_what_xml_cannot_hold() {
        assert_eq!(
            xml_escape("a<b>&\"c\"'d'"),
            "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;"
        );
        assert_eq!(xml_escape("x\u{1}y\u{FFFF}"), "x\u{FFFD}y\u{FFFD}");
        assert_eq!(xml_escape("l1\nl2\tz"), "l1&#10;l2&#9;z");
        assert_eq!(super::xml_text("l1\nl2\t<z"), "l1\nl2\t&lt;z");
    }
}
