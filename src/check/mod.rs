//! Stage 2: resolve names against the unit's schema and type-check every
//! condition, literal and test. Produces a [`model::CheckedUnit`].
//!
//! ```text
//! schema.rs      object / extend object blocks -> Schema (+ relations)
//! contracts.rs   named exclusions, contract clauses -> Contract
//! guardrails.rs  guardrail blocks -> Guardrail
//! conds.rs       Expr -> Cond (names, operators, literals)
//! values.rs      literal against a type -> Value / JSON
//! test_blocks.rs test blocks -> TestCase
//! errors.rs      CheckError -> Diagnostic (all user-facing text)
//! ```
//!
//! The checker collects every problem it can find; uses of a name whose
//! declaration was already reported broken are not reported again.

mod conds;
mod contracts;
pub mod errors;
mod guardrails;
pub mod model;
mod sample;
mod schema;
mod std_names;
mod test_blocks;
mod values;

use crate::diagnostics::{self, Diagnostic};
use crate::span::{FileId, Span};
use crate::syntax::ast;
use errors::CheckError;
use std::collections::BTreeMap;

pub use crate::diagnostics::suggest::suggest;
pub use crmc_eval::time::{parse_date, parse_datetime};
/// How a ref field names its relation (the language server follows it too).
pub use schema::relation_name;

/// All files of a unit, imports already resolved by the loader.
#[derive(Clone, Copy)]
pub struct CheckInput<'a> {
    pub files: &'a [(FileId, &'a ast::File)],
}

impl CheckInput<'_> {
    pub fn check(&self) -> (Option<model::CheckedUnit>, Vec<Diagnostic>) {
        check(self.files)
    }
}

/// Checks a unit. `Some(unit)` only when there are no errors; the
/// diagnostics (sorted by position) may hold warnings either way. The
/// result does not depend on the order of `files`.
pub fn check(files: &[(FileId, &ast::File)]) -> (Option<model::CheckedUnit>, Vec<Diagnostic>) {
    let mut errors = Vec::new();
    let unit = check_unit(files, &mut errors);
    let mut diags: Vec<Diagnostic> = errors
        .into_iter()
        .map(CheckError::into_diagnostic)
        .collect();
    diagnostics::sort(&mut diags);
    let failed = diags.iter().any(Diagnostic::is_error);
    (if failed { None } else { unit }, diags)
}

/// Reports a second definition of a name: `true` for the first (by
/// position), `false` (with an error) for a repeat.
fn first_definition(
    seen: &mut BTreeMap<String, Span>,
    name: &str,
    span: Span,
    dup: impl FnOnce(String, Span, Span) -> CheckError,
    errors: &mut Vec<CheckError>,
) -> bool {
    match seen.get(name) {
        Some(first) => {
            errors.push(dup(name.to_string(), *first, span));
            false
        }
        None => {
            seen.insert(name.to_string(), span);
            true
        }
    }
}

fn check_unit(
    files: &[(FileId, &ast::File)],
    errors: &mut Vec<CheckError>,
) -> Option<model::CheckedUnit> {
    let mut objects = Vec::new();
    let mut exclusions = Vec::new();
    let mut contracts = Vec::new();
    let mut guards = Vec::new();
    let mut tests = Vec::new();
    for (_, file) in files {
        for item in &file.items {
            match item {
                ast::Item::Import(_) => {}
                ast::Item::Schema(s) => objects.extend(s.objects.iter()),
                ast::Item::Object(o) => objects.push(o),
                ast::Item::Exclusion(e) => exclusions.push(e),
                ast::Item::Guardrail(g) => guards.push(g),
                ast::Item::Contract(c) => contracts.push(c),
                ast::Item::Test(t) => tests.push(t),
            }
        }
    }
    // Source order across files, whatever order the files came in.
    exclusions.sort_by_key(|e| e.span);
    contracts.sort_by_key(|c| c.span);
    guards.sort_by_key(|g| g.span);
    tests.sort_by_key(|t| t.span);

    let info = schema::build(&objects, errors);

    // Repeated definitions are reported and still checked (for their own
    // mistakes), but only the first one is kept.
    let mut seen = BTreeMap::new();
    let mut table = BTreeMap::new();
    for e in exclusions {
        let first = first_definition(
            &mut seen,
            &e.name.name,
            e.name.span,
            |name, first, second| CheckError::DuplicateExclusion {
                name,
                first,
                second,
            },
            errors,
        );
        let entry = contracts::check_exclusion(e, &info, errors);
        if first {
            table.insert(e.name.name.clone(), entry);
        }
    }

    let mut seen = BTreeMap::new();
    let mut checked = Vec::new();
    for c in contracts {
        let first = first_definition(
            &mut seen,
            &c.name.name,
            c.name.span,
            |name, first, second| CheckError::DuplicateContract {
                name,
                first,
                second,
            },
            errors,
        );
        let result = contracts::check_contract(c, &info, &table, errors);
        if let (true, Some(c)) = (first, result) {
            checked.push(c);
        }
    }
    checked.sort_by(|a, b| a.name.cmp(&b.name));

    let mut seen = BTreeMap::new();
    let mut guardrails = Vec::new();
    for g in guards {
        let first = first_definition(
            &mut seen,
            &g.name.name,
            g.name.span,
            |name, first, second| CheckError::DuplicateGuardrail {
                name,
                first,
                second,
            },
            errors,
        );
        let result = guardrails::check_guardrail(g, &info, errors);
        if let (true, Some(g)) = (first, result) {
            guardrails.push(g);
        }
    }
    guardrails.sort_by(|a, b| a.name.cmp(&b.name));

    let mut seen = BTreeMap::new();
    let mut cases = Vec::new();
    for t in tests {
        let first = first_definition(
            &mut seen,
            &t.name.value,
            t.name.span,
            |name, first, second| CheckError::DuplicateTest {
                name,
                first,
                second,
            },
            errors,
        );
        let result = test_blocks::check_test(t, &info, errors);
        if let (true, Some(t)) = (first, result) {
            cases.push(t);
        }
    }

    let named = table.into_values().filter_map(|e| e.checked).collect();
    Some(model::CheckedUnit {
        schema: info.schema,
        exclusions: named,
        contracts: checked,
        guardrails,
        tests: cases,
    })
}
