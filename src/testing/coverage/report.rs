//! The coverage report: a listing of what no test reached, by file and
//! contract with `file:line` and the rule's text, and the JSON `coverage`
//! object. Pure: the command prints what these return.

use super::{ContractCoverage, Item};
use crate::testing::report::UnitReport;
use serde_json::{json, Value};
use std::fmt::Write as _;

/// Items reached and items in all, over every unit that has coverage.
pub fn counts(units: &[UnitReport<'_>]) -> (usize, usize) {
    units
        .iter()
        .filter_map(|u| u.coverage.as_ref())
        .fold((0, 0), |(r, t), c| {
            let (ur, ut) = c.counts();
            (r + ur, t + ut)
        })
}

/// The share reached, in percent; 100 when there is nothing to reach.
pub fn percent(reached: usize, total: usize) -> f64 {
    if total == 0 {
        return 100.0;
    }
    // Counts are far below 2^52: exact as floats.
    reached as f64 * 100.0 / total as f64
}

/// Whether the run's coverage is below `min` percent (exactly: no rounding
/// lets 79.96 % pass a gate of 80).
pub fn below(units: &[UnitReport<'_>], min: f64) -> bool {
    let (reached, total) = counts(units);
    (reached as f64) * 100.0 < min * total as f64
}

fn location(unit: &UnitReport<'_>, item_span: crate::span::Span) -> (String, usize) {
    let (line, _) = unit.sources.line_col(item_span.file, item_span.start);
    let file = unit
        .sources
        .get(item_span.file)
        .map_or_else(|| "?".to_string(), |f| f.name.clone());
    (file, line)
}

fn contract_line(c: &ContractCoverage) -> String {
    let (reached, total) = (c.reached(), c.items.len());
    let mut s = format!("contract {}: {reached}/{total} rules reached", c.contract);
    if reached < total {
        s.push_str("; not reached:");
    }
    s
}

/// The listing: per file, per contract, what no test reached; then one
/// summary line. Contracts that are fully covered take one line.
pub fn human(units: &[UnitReport<'_>], min: Option<f64>) -> String {
    let mut out =
        String::from("\ncoverage (a rule is reached when it decided some test's decision):\n");
    for unit in units {
        let Some(cov) = &unit.coverage else {
            continue;
        };
        let mut file_shown: Option<String> = None;
        for c in &cov.contracts {
            let (file, _) = location(unit, c.span);
            if file_shown.as_ref() != Some(&file) {
                let _ = writeln!(out, "{file}");
                file_shown = Some(file);
            }
            let _ = writeln!(out, "  {}", contract_line(c));
            for item in c.items.iter().filter(|i| i.tests.is_empty()) {
                let (file, line) = location(unit, item.span);
                let _ = writeln!(out, "    {file}:{line}: {}", item.text);
            }
        }
        for d in &cov.disagreements {
            let _ = writeln!(out, "warning: coverage may be off for test {d}");
        }
    }
    let filtered: usize = units.iter().map(|u| u.filtered).sum();
    if filtered > 0 {
        let _ = writeln!(
            out,
            "note: only the tests that ran count: --filter left out {filtered}"
        );
    }
    let (reached, total) = counts(units);
    let _ = write!(
        out,
        "crmc: coverage {:.1}% ({reached} of {total} rules reached)",
        percent(reached, total)
    );
    if let Some(min) = min {
        let verdict = if below(units, min) { "below" } else { "meets" };
        let _ = write!(out, ", {verdict} --min-coverage {min}%");
    }
    out.push('\n');
    out
}

fn item_json(unit: &UnitReport<'_>, item: &Item) -> Value {
    let (file, line) = location(unit, item.span);
    json!({
        "kind": item.key.kind(),
        "file": file,
        "line": line,
        "text": item.text,
        "reached": !item.tests.is_empty(),
        "tests": item.tests,
    })
}

/// The `coverage` object of `crmc test --format json`.
pub fn json(units: &[UnitReport<'_>], min: Option<f64>) -> Value {
    let contracts: Vec<Value> = units
        .iter()
        .flat_map(|u| {
            u.coverage.iter().flat_map(move |cov| {
                cov.contracts.iter().map(move |c| {
                    let (file, line) = location(u, c.span);
                    json!({
                        "unit": u.name,
                        "contract": c.contract,
                        "file": file,
                        "line": line,
                        "reached": c.reached(),
                        "total": c.items.len(),
                        "rules": c.items.iter().map(|i| item_json(u, i)).collect::<Vec<_>>(),
                    })
                })
            })
        })
        .collect();
    let disagreements: Vec<&String> = units
        .iter()
        .filter_map(|u| u.coverage.as_ref())
        .flat_map(|c| &c.disagreements)
        .collect();
    let (reached, total) = counts(units);
    json!({
        "reached": reached,
        "total": total,
        // Two decimals: `reached` and `total` carry the exact share.
        "percent": (percent(reached, total) * 100.0).round() / 100.0,
        "min_coverage": min,
        "below_min_coverage": min.is_some_and(|m| below(units, m)),
        "counted_by": "reference interpreter",
        "contracts": contracts,
        "disagreements": disagreements,
    })
}

/// JUnit `<properties>` for one unit's testsuite (JUnit has no coverage
/// element; CI systems show testsuite properties).
pub fn junit_properties(unit: &UnitReport<'_>) -> Option<String> {
    let (reached, total) = unit.coverage.as_ref()?.counts();
    Some(format!(
        "    <properties>\n      <property name=\"crmc.coverage.reached\" value=\"{reached}\"/>\n      <property name=\"crmc.coverage.total\" value=\"{total}\"/>\n      <property name=\"crmc.coverage.percent\" value=\"{:.1}\"/>\n    </properties>\n",
        percent(reached, total)
    ))
}
