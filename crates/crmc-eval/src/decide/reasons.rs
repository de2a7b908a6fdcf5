//! The reasons a decision gives, rendered from the structured [`Reason`]s
//! the steps recorded: per target, the deciding contract's rule reasons,
//! then its floor (unknown eligibility or exclusions), its caps, the
//! field's schema note and the guardrail that raised it; or why no
//! contract decided.

use super::json::digits;
use super::{Core, Reason, SchemaNote, TargetKind};
use crate::eval::Ctx;
use crate::table::{CondRange, ContractRow, Outcome, Table};
use std::fmt::Write as _;

/// Appends `x` as `serde_json` prints it as a number (`x` itself when
/// JSON has no such number).
fn push_num(out: &mut String, x: f64) {
    let _ = match serde_json::Number::from_f64(x) {
        Some(n) => write!(out, "{n}"),
        None => write!(out, "{x}"),
    };
}

/// Appends `n` in decimal.
pub(super) fn push_u64(out: &mut String, n: u64) {
    let mut buf = [0u8; 20];
    out.push_str(std::str::from_utf8(digits(n, &mut buf)).unwrap_or("0"));
}

/// Appends a rate in hundredths of a percent as a percentage (`5%`,
/// `2.5%`, `0.01%`).
fn push_percent(out: &mut String, rate: u32) {
    push_u64(out, u64::from(rate / 100));
    let frac = rate % 100;
    if frac != 0 {
        out.push('.');
        if frac < 10 {
            out.push('0');
        }
        push_u64(
            out,
            u64::from(if frac.is_multiple_of(10) {
                frac / 10
            } else {
                frac
            }),
        );
    }
    out.push('%');
}

/// Appends what a condition lacks, `, `-separated.
fn push_missing(out: &mut String, ctx: &Ctx<'_, '_>, c: Option<CondRange>) {
    if let Some(c) = c {
        ctx.write_missing(c, out);
    }
}

impl Table {
    fn render_reason(
        &self,
        ctx: &Ctx<'_, '_>,
        c: &ContractRow,
        target: &str,
        r: Reason,
        out: &mut String,
    ) {
        out.push_str("contract `");
        out.push_str(self.str(c.name));
        out.push_str("`: ");
        match r {
            Reason::EligibilityUnknown(e) => {
                out.push_str("eligibility unknown (missing ");
                push_missing(out, ctx, Some(e));
                out.push_str("), at least review");
            }
            Reason::ExclusionUnknown(i) => {
                self.exclusion_label(c, i, out);
                out.push_str(" unknown (missing ");
                push_missing(out, ctx, c.exclusions.get(i).map(|x| x.when));
                out.push_str("), at least review");
            }
            Reason::ConfidenceMissing(o) => {
                out.push_str("confidence missing, treated as below every threshold, ");
                out.push_str(if o == Outcome::Never {
                    "never"
                } else {
                    "at least review"
                });
            }
            Reason::BelowReview(conf, r) => {
                out.push_str("confidence ");
                push_num(out, conf);
                out.push_str(" below review threshold ");
                push_num(out, r);
                out.push_str(", never");
            }
            Reason::BelowAuto(conf, t) => {
                out.push_str("confidence ");
                push_num(out, conf);
                out.push_str(" below auto threshold ");
                push_num(out, t);
                out.push_str(", at least review");
            }
            Reason::Mode(mode, cap) => {
                out.push_str("mode ");
                out.push_str(mode.as_str());
                out.push_str(", at least ");
                out.push_str(cap.as_str());
            }
            Reason::RuleHolds(rr, o) => {
                out.push_str("rule `");
                self.rule_text(rr, target, out);
                out.push_str("` decides ");
                out.push_str(o.as_str());
            }
            Reason::RuleUnknown(rr, when, o) => {
                out.push_str("rule `");
                self.rule_text(rr, target, out);
                out.push_str("` unknown (missing ");
                push_missing(out, ctx, when);
                out.push_str("), at least ");
                out.push_str(o.as_str());
            }
            Reason::NoRule => {
                out.push_str("no rule for `");
                out.push_str(target);
                out.push_str("` holds");
                if c.star.is_none() {
                    out.push_str(" and there is no `*` rule");
                }
                out.push_str(", never");
            }
            Reason::Sampled(rate, with_id) => {
                out.push_str("sampled for review (");
                push_percent(out, rate);
                out.push_str(if with_id {
                    " of its automatic writes, chosen by record id), review"
                } else {
                    " of its automatic writes; the record has no id, so every such write is), review"
                });
            }
        }
    }

    /// Calls `f` with each of a target's reasons, in order.
    /// `buf` is scratch space.
    pub(super) fn each_reason(
        &self,
        core: &Core<'_, '_, '_>,
        ti: usize,
        buf: &mut String,
        f: &mut dyn FnMut(&str),
    ) {
        let Some(t) = core.targets.get(ti) else {
            return;
        };
        buf.clear();
        let d = core.decided.get(ti).copied();
        let Some((ai, a)) = d
            .and_then(|d| d.by)
            .and_then(|ai| Some((ai, core.apps.get(ai)?)))
        else {
            if let Some((why, v)) = t.misfit {
                let _ = write!(
                    buf,
                    "proposed value of `{}` is not {}: ",
                    t.name,
                    why.expected()
                );
                // The value's JSON straight into `buf`'s bytes (no buffer
                // per reason); JSON text is UTF-8.
                let mut bytes = std::mem::take(buf).into_bytes();
                v.write(&mut bytes);
                *buf = String::from_utf8(bytes)
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
                buf.push_str(", never");
                f(buf);
            } else if matches!(t.kind, TargetKind::Unknown) {
                let _ = write!(
                    buf,
                    "`{}` is not a field of `{}`, never",
                    t.name,
                    self.str(core.object.name)
                );
                f(buf);
            } else {
                f("no contract governs");
            }
            return;
        };
        let Some(v) = core.verdict(ai, ti) else {
            return;
        };
        let c = a.c;
        let mut emit = |r: Reason, buf: &mut String| {
            buf.clear();
            self.render_reason(core.ctx, c, t.name, r, buf);
            f(buf);
        };
        if v.excluded {
            let cname = self.str(c.name);
            let _ = write!(buf, "contract `{cname}`: ");
            self.exclusion_label(c, a.excluded.unwrap_or(0), buf);
            buf.push_str(" holds, never");
            f(buf);
            return;
        }
        let range = |(s, e): (u32, u32)| core.reasons.get(s as usize..e as usize).unwrap_or(&[]);
        for r in range((v.start, v.end)) {
            emit(*r, buf);
        }
        for r in range(a.floor_reasons) {
            emit(*r, buf);
        }
        if v.capped {
            for r in range(a.cap_reasons) {
                emit(*r, buf);
            }
        }
        buf.clear();
        match v.schema {
            SchemaNote::Plain => {}
            SchemaNote::Readonly => {
                let _ = write!(buf, "field `{}` is readonly, never", t.name);
                f(buf);
            }
            SchemaNote::Protected => {
                let _ = write!(buf, "field `{}` is protected, at least review", t.name);
                f(buf);
            }
        }
        if let Some((g, outcome)) = d.and_then(|d| Some((d.guard?, d.outcome))) {
            buf.clear();
            self.guard_reason(core, g, outcome, buf);
            f(buf);
        }
    }

    /// `guardrail `NAME`: REASON, at least O` (with what its condition
    /// lacked when it applied because that was unknown).
    fn guard_reason(
        &self,
        core: &Core<'_, '_, '_>,
        g: super::Guard,
        outcome: Outcome,
        buf: &mut String,
    ) {
        let Some(row) = self.guardrails.get(g.ix as usize) else {
            return;
        };
        buf.push_str("guardrail `");
        buf.push_str(self.str(row.name));
        buf.push('`');
        if g.unknown {
            buf.push_str(" (its condition unknown: missing ");
            push_missing(buf, core.ctx, row.when);
            buf.push(')');
        }
        buf.push_str(": ");
        if let Some(r) = row.reason {
            buf.push_str(self.str(r));
            buf.push_str(", ");
        }
        if outcome == Outcome::Never {
            buf.push_str("never");
        } else {
            buf.push_str("at least ");
            buf.push_str(outcome.as_str());
        }
    }
}
