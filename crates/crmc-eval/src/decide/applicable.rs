//! Step 1 of §5.3, applicable contracts: object O, actor (kind, and name
//! or `"*"`), trigger matching the event (an `update(F, ...)` trigger when
//! the changes touch a listed field), and `eligible` holding. An unknown
//! `eligible` applies the contract at least `review` (missing data never
//! makes a write more permissive).

use super::{Applicable, Reason, ReasonLog};
use crate::eval::{Ctx, Tv};
use crate::table::{ContractIx, Event, Outcome, Table, Trigger};

impl Table {
    /// The contracts indexed for the mutation's object and event.
    pub(super) fn candidates(&self, ctx: &Ctx<'_, '_>) -> &[ContractIx] {
        self.index
            .get(ctx.obj_ix.ix())
            .and_then(|per_event| per_event.get(ctx.ev.ix()))
            .map_or(&[][..], Vec::as_slice)
    }

    /// The contract `cix` as it applies to the mutation, or `None` when it
    /// does not. Pushes the eligibility reason, if any.
    pub(super) fn applicable<'t>(
        &'t self,
        cix: ContractIx,
        ctx: &Ctx<'_, '_>,
        stack: &mut Vec<Tv>,
        reasons: &mut impl ReasonLog,
    ) -> Option<Applicable<'t>> {
        let c = self.contracts.get(cix.ix())?;
        if c.object != ctx.obj_ix
            || c.actor_kind != ctx.kind
            || c.actor_name.is_some_and(|n| self.str(n) != ctx.name)
            || !c.triggers.iter().any(|t| self.trigger_matches(t, ctx))
        {
            return None;
        }
        let mut a = Applicable {
            c,
            ix: cix,
            floor: Outcome::Auto,
            floor_reasons: (reasons.len(), 0),
            excluded: None,
            cap: Outcome::Auto,
            cap_reasons: (0, 0),
        };
        if let Some(e) = c.eligible {
            match ctx.eval(e, stack) {
                Tv::False => {
                    reasons.truncate(a.floor_reasons.0);
                    return None;
                }
                Tv::True => {}
                Tv::Unknown => {
                    a.floor = Outcome::Review;
                    reasons.push(Reason::EligibilityUnknown(e));
                }
            }
        }
        Some(a)
    }

    fn trigger_matches(&self, t: &Trigger, ctx: &Ctx<'_, '_>) -> bool {
        match (t, ctx.ev) {
            (Trigger::Create, Event::Create) | (Trigger::Delete, Event::Delete) => true,
            (Trigger::Update(None), Event::Update) => true,
            (Trigger::Update(Some(fs)), Event::Update) => fs.iter().any(|f| ctx.is_changed(*f)),
            _ => false,
        }
    }
}
