//! Guardrails, after combination: each guardrail of the mutation's object
//! whose actor matches and whose `when` is not false raises a governed
//! target to its floor; the first by name to reach the highest floor is
//! the one named.

use super::truth::Truth;
use super::world::World;
use super::{word, What};
use crate::check::model::{Guardrail, Outcome};

/// The guardrail that raises a target decided `outcome`, the outcome it
/// raises it to, and its reason; `None`: none raises it.
pub(super) fn raise<'u>(
    w: &World<'u, '_>,
    what: What,
    outcome: Outcome,
) -> Option<(&'u Guardrail, Outcome, String)> {
    let field = match what {
        What::Field(f) => Some(f),
        What::Record => None,
        What::Stranger => return None,
    };
    let mut guards: Vec<&Guardrail> = w.unit.guardrails.iter().collect();
    guards.sort_by(|a, b| a.name.cmp(&b.name));
    let mut best: Option<(&Guardrail, Outcome, bool)> = None;
    let mut current = outcome;
    for g in guards {
        if g.object != w.object || !g.actor.matches(w.m.actor().kind, &w.m.actor().name) {
            continue;
        }
        let truth = g.when.as_ref().map_or(Truth::Yes, |c| w.truth(c));
        if truth == Truth::No {
            continue;
        }
        if let Some(floor) = g.floor(field) {
            if floor > current {
                current = floor;
                best = Some((g, floor, truth == Truth::Maybe));
            }
        }
    }
    let (g, to, unknown) = best?;
    let mut text = format!("guardrail `{}`", g.name);
    if unknown {
        let missing = g.when.as_ref().map(|c| w.missing(c)).unwrap_or_default();
        text.push_str(&format!(" (its condition unknown: missing {missing})"));
    }
    text.push_str(": ");
    if let Some(r) = &g.reason {
        text.push_str(r);
        text.push_str(", ");
    }
    if to == Outcome::Never {
        text.push_str("never");
    } else {
        text.push_str("at least ");
        text.push_str(word(to));
    }
    Some((g, to, text))
}
