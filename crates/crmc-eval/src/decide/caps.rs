//! Step 4 of §5.3, caps: confidence below `auto at least` → at least
//! `review`, below `review at least` → `never` (missing confidence is below
//! every threshold); mode `read_only` → at least `suggest`, `draft` → at
//! least `review`; schema `protected` → at least `review`, `readonly` →
//! `never`. The contract-wide caps are worked out once per contract, the
//! field's when its verdict is; the floor from unknown eligibility or
//! exclusions (steps 1 and 2) is applied here too.

use super::{Applicable, Reason, ReasonLog, SchemaNote};
use crate::eval::Ctx;
use crate::table::{FieldIx, Mode, Outcome, Table};
use std::cmp::Ordering;

impl Table {
    /// `a`'s confidence and mode caps, and their reasons.
    pub(super) fn contract_caps(
        &self,
        a: &mut Applicable<'_>,
        ctx: &Ctx<'_, '_>,
        reasons: &mut impl ReasonLog,
    ) {
        let c = a.c;
        a.cap_reasons = (reasons.len(), 0);
        if c.auto_at.is_some() || c.review_at.is_some() {
            match ctx.conf {
                None => {
                    let o = if c.review_at.is_some() {
                        Outcome::Never
                    } else {
                        Outcome::Review
                    };
                    a.cap = a.cap.max(o);
                    reasons.push(Reason::ConfidenceMissing(o));
                }
                Some(conf) => {
                    // "Not at least the threshold", not `conf < t`: were a
                    // NaN ever to reach here it would count as below.
                    let below = |t: &f64| {
                        !matches!(
                            conf.partial_cmp(t),
                            Some(Ordering::Greater | Ordering::Equal)
                        )
                    };
                    if let Some(r) = c.review_at.filter(below) {
                        a.cap = Outcome::Never;
                        reasons.push(Reason::BelowReview(conf, r));
                    } else if let Some(t) = c.auto_at.filter(below) {
                        a.cap = a.cap.max(Outcome::Review);
                        reasons.push(Reason::BelowAuto(conf, t));
                    }
                }
            }
        }
        let mode_cap = match c.mode {
            Mode::ReadOnly => Outcome::Suggest,
            Mode::Draft => Outcome::Review,
            Mode::ConditionalWrite | Mode::AutomatedWrite => Outcome::Auto,
        };
        if mode_cap > Outcome::Auto {
            a.cap = a.cap.max(mode_cap);
            reasons.push(Reason::Mode(c.mode, mode_cap));
        }
        a.cap_reasons.1 = reasons.len();
    }

    /// A rule outcome raised by `a`'s floor and caps and by the field's
    /// schema flags: the outcome, whether `a`'s caps raised it, and the
    /// schema note.
    pub(super) fn field_caps(
        &self,
        a: &Applicable<'_>,
        field: Option<FieldIx>,
        rule_outcome: Outcome,
    ) -> (Outcome, bool, SchemaNote) {
        let mut outcome = rule_outcome;
        if a.floor > outcome {
            outcome = a.floor;
        }
        let capped = a.cap > Outcome::Auto;
        if capped {
            outcome = outcome.max(a.cap);
        }
        let mut schema = SchemaNote::Plain;
        if let Some(row) = field.and_then(|f| self.field(f)) {
            if row.readonly {
                outcome = Outcome::Never;
                schema = SchemaNote::Readonly;
            } else if row.protected && outcome < Outcome::Review {
                outcome = Outcome::Review;
                schema = SchemaNote::Protected;
            }
        }
        (outcome, capped, schema)
    }
}
