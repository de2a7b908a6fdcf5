//! Step 1 of §5.3, applicable contracts: object O, actor (kind, and name
//! or `"*"`), trigger matching the mutation's cause (what started the
//! automation: its `"trigger"`, else the write itself; an `update(F, ...)`
//! trigger when the cause's changed fields include a listed one), and
//! `eligible` holding. An unknown `eligible` applies the contract at least
//! `review` (missing data never makes a write more permissive).

use super::{Applicable, Reason, ReasonLog};
use crate::eval::{Ctx, Tv};
use crate::mutation::Cause;
use crate::table::{CauseKind, ContractIx, Event, FieldIx, Outcome, Table, Trigger};

impl Table {
    /// The contracts indexed for the mutation's object and cause.
    pub(super) fn candidates(&self, ctx: &Ctx<'_, '_>) -> &[ContractIx] {
        let kind = match ctx.cause {
            None => CauseKind::of_event(ctx.ev),
            Some(Cause::Record {
                object: None,
                event,
                ..
            }) => CauseKind::of_event(*event),
            Some(_) => CauseKind::Other,
        };
        self.index
            .get(ctx.obj_ix.ix())
            .and_then(|per_kind| per_kind.get(kind.ix()))
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
        // a cause's field list, sorted and unique, by name
        let listed = |names: &[String], fs: &[FieldIx]| {
            fs.iter().any(|f| {
                names
                    .binary_search_by(|n| n.as_str().cmp(self.field_name(*f)))
                    .is_ok()
            })
        };
        match (t, ctx.cause) {
            (_, None) => match (t, ctx.ev) {
                (Trigger::Create, Event::Create) | (Trigger::Delete, Event::Delete) => true,
                (Trigger::Update(None), Event::Update) => true,
                (Trigger::Update(Some(fs)), Event::Update) => fs.iter().any(|f| ctx.is_changed(*f)),
                _ => false,
            },
            (
                _,
                Some(Cause::Record {
                    object: None,
                    event,
                    fields,
                }),
            ) => match (t, event) {
                (Trigger::Create, Event::Create) | (Trigger::Delete, Event::Delete) => true,
                (Trigger::Update(None), Event::Update) => true,
                (Trigger::Update(Some(fs)), Event::Update) => listed(fields, fs),
                _ => false,
            },
            (
                Trigger::Of {
                    object,
                    event,
                    fields,
                },
                Some(Cause::Record {
                    object: Some(o),
                    event: e,
                    fields: names,
                }),
            ) => {
                let named = self
                    .object(*object)
                    .is_some_and(|row| self.str(row.name) == o.as_str());
                named && event == e && fields.as_ref().is_none_or(|fs| listed(names, fs))
            }
            (Trigger::Signal(s), Some(Cause::Signal(n))) => self.str(*s) == n.as_str(),
            (Trigger::Schedule(None), Some(Cause::Schedule(_))) => true,
            (Trigger::Schedule(Some(s)), Some(Cause::Schedule(Some(n)))) => {
                self.str(*s) == n.as_str()
            }
            _ => false,
        }
    }
}
