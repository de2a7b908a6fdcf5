//! "No contract governs": which contract came closest to deciding a failing
//! test's field, and why it did not apply.
//!
//! Applicability is language-v1 §5.3 step 1 (object, actor, trigger,
//! `eligible`), checked here clause by clause so that every mismatch can be
//! named; `eligible` is evaluated by the reference interpreter on the test's
//! own mutation. The contract on the test's object with the fewest
//! mismatches is the closest (the first in source order on a tie).

use crate::check::model::{CheckedUnit, Cond, Contract, Event, FieldId, TestCase, Trigger};
use crate::source::SourceMap;
use crate::span::Span;
use crmc_eval::Mutation;

/// One reason a contract did not decide the test's field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Miss {
    /// Actor, trigger or rule coverage, already in words.
    Text(String),
    /// `eligible` was false (`unknown` false) for the test's record: the
    /// top-level parts that were not true, each with its truth (`None`:
    /// unknown, the input lacks what it reads).
    Eligible { parts: Vec<(Span, Option<bool>)> },
}

/// The contract that came closest, and what kept it from deciding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Closest {
    pub contract: String,
    /// The contract's name in its declaration.
    pub span: Span,
    /// `ai "alim"`, `integration "*"`.
    pub actor: String,
    pub misses: Vec<Miss>,
}

impl Closest {
    /// `contract `x` (actor ai "alim") did not apply: its trigger is ...`.
    pub fn sentence(&self, sources: &SourceMap) -> String {
        let misses: Vec<String> = self.misses.iter().map(|m| miss_text(m, sources)).collect();
        format!(
            "contract `{}` (actor {}) did not apply: {}",
            self.contract,
            self.actor,
            misses.join("; ")
        )
    }
}

fn miss_text(miss: &Miss, sources: &SourceMap) -> String {
    match miss {
        Miss::Text(t) => t.clone(),
        Miss::Eligible { parts } => {
            let parts: Vec<String> = parts
                .iter()
                .map(|(span, truth)| {
                    let text = one_line(sources.snippet(widen(sources, *span)));
                    match truth {
                        Some(_) => format!("`{text}` is false"),
                        None => format!(
                            "`{text}` is unknown (the test's record lacks a field it reads)"
                        ),
                    }
                })
                .collect();
            format!("its `eligible` does not hold: {}", parts.join(", "))
        }
    }
}

/// Widens the span of a condition's atoms to the whole condition: a `not`
/// before it, and parentheses around it (the model keeps atom spans only).
fn widen(sources: &SourceMap, span: Span) -> Span {
    let Some(text) = sources.get(span.file).map(|f| f.text.as_str()) else {
        return span;
    };
    let (mut start, mut end) = (span.start as usize, span.end as usize);
    loop {
        let before = text.get(..start).unwrap_or("").trim_end();
        let after = text.get(end..).unwrap_or("");
        let after_trimmed = after.trim_start();
        if before.ends_with('(') && after_trimmed.starts_with(')') {
            start = before.len() - 1;
            end += after.len() - after_trimmed.len() + 1;
        } else if before.ends_with("not")
            && !before[..before.len() - 3].ends_with(|c: char| c.is_alphanumeric() || c == '_')
        {
            start = before.len() - 3;
        } else {
            break;
        }
    }
    Span {
        file: span.file,
        start: u32::try_from(start).unwrap_or(span.start),
        end: u32::try_from(end).unwrap_or(span.end),
    }
}

/// Source text on one line, runs of whitespace as one space.
pub(super) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The closest contract on the test's object, for the fields no contract
/// governed (`ungoverned`); `None` when no contract is about the object.
pub fn closest(
    unit: &CheckedUnit,
    test: &TestCase,
    mutation: &Mutation,
    ungoverned: &[FieldId],
) -> Option<Closest> {
    unit.contracts
        .iter()
        .filter(|c| c.object == test.object)
        .map(|c| Closest {
            contract: c.name.clone(),
            span: c.name_span,
            actor: actor_text(c),
            misses: misses(unit, c, test, mutation, ungoverned),
        })
        .min_by_key(|c| c.misses.len())
}

fn actor_text(c: &Contract) -> String {
    format!(
        "{} \"{}\"",
        c.actor.kind.as_str(),
        c.actor.name.as_deref().unwrap_or("*")
    )
}

fn misses(
    unit: &CheckedUnit,
    c: &Contract,
    test: &TestCase,
    mutation: &Mutation,
    ungoverned: &[FieldId],
) -> Vec<Miss> {
    let mut out = Vec::new();
    let test_actor = format!("{} \"{}\"", test.actor_kind.as_str(), test.actor_name);
    if c.actor.kind != test.actor_kind {
        out.push(Miss::Text(format!(
            "it is for {} actors, the test's actor is {test_actor}",
            c.actor.kind.as_str()
        )));
    } else if !c.actor.matches(test.actor_kind, &test.actor_name) {
        out.push(Miss::Text(format!(
            "it is for actor {}, the test's actor is {test_actor}",
            actor_text(c)
        )));
    }
    if !c.triggers.iter().any(|t| fires(t, test)) {
        out.push(Miss::Text(trigger_miss(unit, c, test)));
    }
    if let Some(e) = &c.eligible {
        if crate::reference::truth_of(unit, mutation, e) != Some(true) {
            out.push(Miss::Eligible {
                parts: not_true_parts(unit, mutation, e),
            });
        }
    }
    let name = |f: &FieldId| format!("`{}`", unit.schema.field(*f).name);
    let unlisted: Vec<String> = ungoverned
        .iter()
        .filter(|f| c.star.is_none() && c.rules_for(**f).is_none())
        .map(name)
        .collect();
    if !unlisted.is_empty() {
        out.push(Miss::Text(format!(
            "it has no rule for {} and no `*` rule",
            unlisted.join(", ")
        )));
    }
    out
}

fn fires(t: &Trigger, test: &TestCase) -> bool {
    match (t, test.event) {
        (Trigger::Create, Event::Create) | (Trigger::Delete, Event::Delete) => true,
        (Trigger::Update(None), Event::Update) => true,
        (Trigger::Update(Some(fs)), Event::Update) => {
            fs.iter().any(|f| test.changes.iter().any(|(g, _)| g == f))
        }
        _ => false,
    }
}

fn trigger_miss(unit: &CheckedUnit, c: &Contract, test: &TestCase) -> String {
    let name = |f: &FieldId| unit.schema.field(*f).name.clone();
    let triggers: Vec<String> = c.triggers.iter().map(|t| t.text(&unit.schema)).collect();
    let listed_updates = c
        .triggers
        .iter()
        .any(|t| matches!(t, Trigger::Update(Some(_))));
    let what = if test.event == Event::Update && listed_updates {
        let changed: Vec<String> = test.changes.iter().map(|(f, _)| name(f)).collect();
        if changed.is_empty() {
            "the test changes no field".to_string()
        } else {
            format!("the test changes {}", changed.join(", "))
        }
    } else {
        format!("the test's event is {}", test.event.as_str())
    };
    format!("its trigger is `on {}`, {what}", triggers.join(", "))
}

/// The top-level conjuncts of `e` that are not true on the mutation (all of
/// `e` when it is not a conjunction).
fn not_true_parts(unit: &CheckedUnit, m: &Mutation, e: &Cond) -> Vec<(Span, Option<bool>)> {
    let parts: Vec<&Cond> = match e {
        Cond::And(cs) => cs.iter().collect(),
        other => vec![other],
    };
    parts
        .into_iter()
        .filter_map(|p| {
            let truth = crate::reference::truth_of(unit, m, p);
            if truth == Some(true) {
                return None;
            }
            Some((cover(p)?, truth))
        })
        .collect()
}

/// The source span of a condition: its own, or the one covering its atoms.
fn cover(c: &Cond) -> Option<Span> {
    match c {
        Cond::Atom { span, .. } | Cond::Changed { span, .. } | Cond::SetBy { span, .. } => {
            Some(*span)
        }
        Cond::Not(inner) => cover(inner),
        Cond::And(cs) | Cond::Or(cs) => cs.iter().filter_map(cover).reduce(|a, b| Span {
            file: a.file,
            start: a.start.min(b.start),
            end: a.end.max(b.end),
        }),
        Cond::True | Cond::False => None,
    }
}
