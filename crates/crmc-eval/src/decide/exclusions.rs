//! Step 2 of §5.3, exclusions: an exclusion of an applicable contract that
//! holds makes that contract decide `never` for every target (decisions.md
//! 8: it still applies, so combination keeps the `never`); one that reads
//! data the input lacks raises the contract to at least `review`.

use super::{Applicable, Reason, ReasonLog, SchemaNote, Verdict};
use crate::eval::{Ctx, Tv};
use crate::table::{ContractRow, Outcome, Table};
use std::fmt::Write as _;

impl Table {
    /// Evaluates `a`'s exclusions: the first that holds, and the reasons of
    /// those that are unknown (which close `a`'s floor reasons).
    pub(super) fn exclusions(
        &self,
        a: &mut Applicable<'_>,
        ctx: &Ctx<'_, '_>,
        stack: &mut Vec<Tv>,
        reasons: &mut impl ReasonLog,
    ) {
        for (i, x) in a.c.exclusions.iter().enumerate() {
            match ctx.eval(x.when, stack) {
                Tv::False => {}
                Tv::True => {
                    if a.excluded.is_none() {
                        a.excluded = Some(i);
                    }
                }
                Tv::Unknown => {
                    a.floor = a.floor.max(Outcome::Review);
                    reasons.push(Reason::ExclusionUnknown(i));
                }
            }
        }
        a.floor_reasons.1 = reasons.len();
    }

    pub(super) fn exclusion_label(&self, c: &ContractRow, i: usize, out: &mut String) {
        match c.exclusions.get(i).and_then(|x| x.name) {
            Some(n) => {
                let _ = write!(out, "exclusion `{}`", self.str(n));
            }
            None => {
                let _ = write!(out, "exclusion #{}", i + 1);
            }
        }
    }
}

impl Verdict {
    /// An excluded contract's verdict on any target: `never`, by no rule.
    pub(super) fn excluded(start: u32) -> Verdict {
        Verdict {
            outcome: Outcome::Never,
            rule: None,
            rule_outcome: Outcome::Never,
            route: None,
            start,
            end: start,
            excluded: true,
            capped: false,
            schema: SchemaNote::Plain,
            sampled: false,
        }
    }
}
