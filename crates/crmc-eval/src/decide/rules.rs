//! Step 3 of §5.3, field rules: for each target, a contract's rules for
//! that field in order, then its `*` rules; the first whose condition holds
//! decides (a rule without `when` always holds), none: `never`. A rule
//! whose condition is unknown contributes `max(review, its outcome)` and
//! the walk goes on (lib.rs, "Semantics"). The verdict then takes the
//! contract's and the field's caps ([`super::caps`]).

use super::reasons::push_u64;
use super::rule_index::RuleIndex;
use super::{Applicable, Core, Reason, ReasonLog, RuleRef, Target, TargetKind, Verdict};
use crate::eval::{Ctx, Tv};
use crate::table::{Approver, ContractRow, Outcome, RuleRow, Table};

impl Table {
    /// Contract `c`'s verdict on target `t`; pushes the rules' reasons.
    pub(super) fn verdict(
        &self,
        a: &Applicable<'_>,
        t: &Target<'_>,
        ctx: &Ctx<'_, '_>,
        index: &RuleIndex,
        stack: &mut Vec<Tv>,
        reasons: &mut impl ReasonLog,
    ) -> Verdict {
        let start = reasons.len();
        if a.excluded.is_some() {
            return Verdict::excluded(start);
        }
        let field = match t.kind {
            TargetKind::Field(f) => Some(f),
            _ => None,
        };
        let c = a.c;
        let rules = field.map_or(&[][..], |f| index.rules_for(a.ix, c, ctx.object, f));
        let (rule_outcome, rule, route) = self.rule_walk(c, rules, stack, ctx, reasons);
        let (mut outcome, capped, schema) = self.field_caps(a, field, rule_outcome);
        // Last, the review sample: of the writes this contract lets through
        // on its own, a stable share goes to review.
        let mut sampled = false;
        if outcome == Outcome::Auto && !matches!(t.kind, TargetKind::Unknown) {
            if let Some(rate) = c.sample.rate(field) {
                let key = match t.kind {
                    TargetKind::Field(_) => t.name,
                    _ => crate::sample::RECORD,
                };
                if crate::sample::sampled(ctx.record_id, self.str(c.name), c.version, key, rate) {
                    outcome = Outcome::Review;
                    sampled = true;
                    reasons.push(Reason::Sampled(rate, ctx.record_id.is_some()));
                }
            }
        }
        Verdict {
            outcome,
            rule,
            rule_outcome,
            route,
            start,
            end: reasons.len(),
            excluded: false,
            capped,
            schema,
            sampled,
        }
    }

    /// The deciding rule's outcome, the rule and its route (`never` and no
    /// rule when none holds).
    /// `rules`: the contract's rules for the target's field.
    fn rule_walk(
        &self,
        c: &ContractRow,
        rules: &[RuleRow],
        stack: &mut Vec<Tv>,
        ctx: &Ctx<'_, '_>,
        reasons: &mut impl ReasonLog,
    ) -> (Outcome, Option<RuleRef>, Option<Approver>) {
        let lines: [(bool, &[RuleRow]); 2] =
            [(false, rules), (true, c.star.as_deref().unwrap_or(&[]))];
        // The strongest rule whose condition was unknown, and the first that held.
        let mut pending: Option<(Outcome, RuleRef, Option<Approver>)> = None;
        let mut held: Option<(Outcome, RuleRef, Option<Approver>)> = None;
        'lines: for (star, rules) in lines {
            for r in rules {
                let rr = RuleRef {
                    star,
                    position: r.position,
                };
                let tv = r.when.map_or(Tv::True, |w| ctx.eval(w, stack));
                match tv {
                    Tv::False => {}
                    Tv::True => {
                        reasons.push(Reason::RuleHolds(rr, r.outcome));
                        held = Some((r.outcome, rr, r.route));
                        break 'lines;
                    }
                    Tv::Unknown => {
                        let o = r.outcome.max(Outcome::Review);
                        reasons.push(Reason::RuleUnknown(rr, r.when, o));
                        if pending.as_ref().is_none_or(|p| o > p.0) {
                            pending = Some((o, rr, r.route));
                        }
                    }
                }
            }
        }
        match (held, pending) {
            (Some(h), Some(p)) if p.0 > h.0 => (p.0, Some(p.1), p.2),
            (Some(h), _) => (h.0, Some(h.1), h.2),
            // Nothing held: `never` by fall-through, decided by no rule (an
            // unknown rule cannot raise anything above `never`).
            (None, _) => {
                reasons.push(Reason::NoRule);
                (Outcome::Never, None, None)
            }
        }
    }

    pub(super) fn rule_text(&self, rr: RuleRef, target: &str, out: &mut String) {
        out.push_str(if rr.star { "*" } else { target });
        out.push('#');
        push_u64(out, u64::from(rr.position));
    }

    /// Appends the deciding rule's label; `false` when no rule decided.
    pub(super) fn rule_label(&self, core: &Core<'_, '_, '_>, ti: usize, out: &mut String) -> bool {
        let label = || {
            let ai = core.decided.get(ti)?.by?;
            Some((core.verdict(ai, ti)?.rule?, core.targets.get(ti)?.name))
        };
        match label() {
            Some((rr, name)) => {
                self.rule_text(rr, name, out);
                true
            }
            None => false,
        }
    }
}
