//! Step 5b of §5.3, guardrails: after the contracts combine, each
//! guardrail on the mutation's object whose actor matches and whose `when`
//! is not false (unknown counts as holding: applying only raises) raises
//! every target some contract governs to at least its floor. It never
//! governs a target no contract governs (that stays `never`, "no contract
//! governs") and never lowers one. Of several, the first (by name) to
//! reach the highest floor is the one a decision names.

use super::{Decided, Guard, Target, TargetKind};
use crate::eval::{Ctx, Tv};
use crate::table::{Outcome, Table};

impl Table {
    /// Raises `decided` (one per target) by the guardrails that apply; the
    /// overall outcome after them (`overall`: before).
    pub(super) fn guard(
        &self,
        ctx: &Ctx<'_, '_>,
        targets: &[Target<'_>],
        decided: &mut [Decided],
        stack: &mut Vec<crate::eval::Tv>,
        overall: Outcome,
    ) -> Outcome {
        if self.guardrails.is_empty() {
            return overall;
        }
        let mut raised = false;
        for (gi, g) in self.guardrails.iter().enumerate() {
            if g.object != ctx.obj_ix
                || g.actor_kind != ctx.kind
                || g.actor_name.is_some_and(|n| self.str(n) != ctx.name)
            {
                continue;
            }
            let tv = g.when.map_or(Tv::True, |w| ctx.eval(w, stack));
            if tv == Tv::False {
                continue;
            }
            for (t, d) in targets.iter().zip(decided.iter_mut()) {
                // governed targets only: a misfit or an unknown name decides
                // `never` with no contract, and so does an ungoverned one
                if d.by.is_none() || t.misfit.is_some() {
                    continue;
                }
                let field = match t.kind {
                    TargetKind::Field(f) => Some(f),
                    TargetKind::Record => None,
                    TargetKind::Unknown => continue,
                };
                let Some(floor) = g.floor(field) else {
                    continue;
                };
                if floor > d.outcome {
                    d.outcome = floor;
                    d.guard = Some(Guard {
                        ix: gi as u32,
                        unknown: tv == Tv::Unknown,
                    });
                    raised = true;
                }
            }
        }
        if !raised {
            return overall;
        }
        decided
            .iter()
            .map(|d| d.outcome)
            .max()
            .unwrap_or(Outcome::Never)
    }
}
