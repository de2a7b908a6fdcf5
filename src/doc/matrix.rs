//! A contract's field-permission matrix: one row per field line (and one for
//! `*`), one column per outcome; each rule sits in the column of the outcome
//! it yields after the caps that hold whatever the mutation (mode,
//! `protected`, `readonly`), with its condition in words (the analyzer's
//! [`describe`]) and the confidence caps beside it. A line whose rules may
//! all fail falls through to the `*` rules (language-v1 §5.3 step 3), and
//! the row says so.

use crate::analyze::explain::describe;
use crate::check::model::{Contract, Field, Mode, Outcome, Rule, Schema};

/// The outcomes in the order of the matrix's columns (language-v1 §5.2).
pub const COLUMNS: [Outcome; 5] = Outcome::ALL;

/// One rule in a cell.
pub struct Cell {
    /// `Industry#1`, `*#2`.
    pub rule: String,
    /// `when ...` in words, or `always`.
    pub when: String,
    /// The outcome as written, when a cap changed it.
    pub written: Option<Outcome>,
    /// The caps in words (mode, protected, readonly, confidence).
    pub caps: Vec<String>,
    /// `review by ...` / `escalate to ...` on the rule itself.
    pub route: Option<String>,
    /// A `*` rule reached when none of the line's own rules holds.
    pub via_star: bool,
    /// Comes after a rule that always holds: it never decides.
    pub unreachable: Option<String>,
}

pub struct Row {
    /// The field's name, or `*`.
    pub field: String,
    /// Type and attributes (`picklist`, `protected`, ...).
    pub about: String,
    /// Cells per column of [`COLUMNS`].
    pub cells: [Vec<Cell>; 5],
    /// The line falls through (to `*` or to `never`): a note in words.
    pub otherwise: Option<String>,
}

/// The rules that can decide: up to the first that always holds (the
/// rules after it are never reached, whatever their conditions).
pub fn reachable(rules: &[Rule]) -> &[Rule] {
    match rules.iter().position(|r| r.when.is_none()) {
        Some(k) => rules.get(..=k).unwrap_or(rules),
        None => rules,
    }
}

/// The outcome a rule yields after the caps that do not depend on the
/// mutation, and those caps in words; then the confidence caps (which do).
pub fn capped(c: &Contract, field: Option<&Field>, written: Outcome) -> (Outcome, Vec<String>) {
    let mut o = written;
    let mut caps = Vec::new();
    match c.mode {
        Mode::ReadOnly if o < Outcome::Suggest => {
            o = Outcome::Suggest;
            caps.push("mode read_only: at least suggest".to_string());
        }
        Mode::Draft if o < Outcome::Review => {
            o = Outcome::Review;
            caps.push("mode draft: at least review".to_string());
        }
        _ => {}
    }
    if let Some(f) = field {
        if f.readonly && o < Outcome::Never {
            o = Outcome::Never;
            caps.push(format!("`{}` is readonly: never", f.name));
        } else if f.protected && o < Outcome::Review {
            o = Outcome::Review;
            caps.push(format!("`{}` is protected: at least review", f.name));
        }
    }
    if o == Outcome::Auto {
        if let Some((t, _)) = &c.confidence.auto {
            caps.push(format!("confidence below {t}: review"));
        }
    }
    if o < Outcome::Never {
        if let Some((t, _)) = &c.confidence.review {
            caps.push(format!("confidence below {t}: never"));
        }
    }
    (o, caps)
}

fn route(r: &Rule) -> Option<String> {
    let a = r.route.as_ref()?;
    Some(match r.outcome {
        Outcome::Escalate => format!("escalate to {}", super::model::approver(a)),
        _ => format!("review by {}", super::model::approver(a)),
    })
}

/// Places each of `rules` in its column; those after one that always holds
/// are marked unreachable and kept out of the caps.
fn push_all(
    cells: &mut [Vec<Cell>; 5],
    c: &Contract,
    schema: &Schema,
    field: Option<&Field>,
    label: &str,
    rules: &[Rule],
    via_star: bool,
) {
    let mut total: Option<String> = None;
    for r in rules {
        push(cells, c, schema, field, label, r, via_star, total.clone());
        if total.is_none() && r.when.is_none() {
            total = Some(format!(
                "never reached: `{label}#{}` always holds before it",
                r.position
            ));
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn push(
    cells: &mut [Vec<Cell>; 5],
    c: &Contract,
    schema: &Schema,
    field: Option<&Field>,
    label: &str,
    r: &Rule,
    via_star: bool,
    unreachable: Option<String>,
) {
    let (o, caps) = if unreachable.is_some() {
        (r.outcome, Vec::new())
    } else {
        capped(c, field, r.outcome)
    };
    let cell = Cell {
        rule: format!("{label}#{}", r.position),
        when: r.when.as_ref().map_or_else(
            || "always".to_string(),
            |w| format!("when {}", describe(w, schema)),
        ),
        written: (o != r.outcome).then_some(r.outcome),
        caps,
        route: route(r),
        via_star,
        unreachable,
    };
    if let Some(slot) = cells.get_mut(o as usize) {
        slot.push(cell);
    }
}

fn about(f: &Field) -> String {
    let mut parts = vec![f.ty.name().to_string()];
    for (on, word) in [
        (f.protected, "protected"),
        (f.readonly, "readonly"),
        (f.sensitive, "sensitive"),
    ] {
        if on {
            parts.push(word.to_string());
        }
    }
    parts.join(", ")
}

/// Whether some rule of `rules` always holds (no `when`).
fn total(rules: &[Rule]) -> bool {
    rules.iter().any(|r| r.when.is_none())
}

pub fn rows(c: &Contract, schema: &Schema) -> Vec<Row> {
    let star: &[Rule] = c.star.as_ref().map_or(&[], |s| s.rules.as_slice());
    let mut out = Vec::with_capacity(c.fields.len() + 1);
    for line in &c.fields {
        let f = schema.field(line.field);
        let mut cells: [Vec<Cell>; 5] = Default::default();
        push_all(&mut cells, c, schema, Some(f), &f.name, &line.rules, false);
        let mut otherwise = None;
        if !total(&line.rules) {
            push_all(&mut cells, c, schema, Some(f), "*", star, true);
            otherwise = Some(if star.is_empty() {
                "when no rule holds: never".to_string()
            } else if total(star) {
                "when no rule holds: the `*` rules decide".to_string()
            } else {
                "when no rule holds: the `*` rules, then never".to_string()
            });
        }
        out.push(Row {
            field: f.name.clone(),
            about: about(f),
            cells,
            otherwise,
        });
    }
    let mut cells: [Vec<Cell>; 5] = Default::default();
    push_all(&mut cells, c, schema, None, "*", star, false);
    let n_other = schema
        .object(c.object)
        .fields
        .len()
        .saturating_sub(c.fields.len());
    out.push(Row {
        field: "*".to_string(),
        about: format!(
            "every other field of {} ({n_other}); protected ones: at least review, readonly ones: never",
            schema.object(c.object).name
        ),
        cells,
        otherwise: (!total(star)).then(|| "when no `*` rule holds: never".to_string()),
    });
    out
}

/// The most permissive outcome a field line (or `*`) can yield, ignoring
/// the rules' conditions: what the automation map lists it under.
pub fn best(row: &Row) -> Outcome {
    COLUMNS
        .iter()
        .zip(&row.cells)
        .find(|(_, cells)| cells.iter().any(|c| c.unreachable.is_none()))
        .map_or(Outcome::Never, |(o, _)| *o)
}
