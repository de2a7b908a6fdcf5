//! Promote / demote recommendations for one (contract, field, rule) group,
//! with the evidence that makes each and the contract text change it
//! implies (or, where a cap decides and not the rule, why there is none).

use super::read::Feedback;
use super::report::{Options, Ratio};
use super::tally::{ix, Counts, Group};
use crate::check::model::{CheckedUnit, Contract, Mode, Outcome, Rule};
use crate::source::SourceMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Promote,
    Demote,
}

#[derive(Clone, Debug)]
pub struct Recommendation {
    pub direction: Direction,
    pub contract: String,
    pub field: String,
    pub rule: String,
    pub from: Outcome,
    pub to: Outcome,
    /// The decisions the recommendation rests on.
    pub evidence: Ratio,
    pub evidence_text: String,
    /// For a promotion: the confidence from which the evidence holds.
    pub from_confidence: Option<f64>,
    /// The contract text before and after, when one rule's line changes.
    pub change: Option<(String, String)>,
    /// Why the change is not a one-line edit, when it is not.
    pub note: Option<String>,
}

/// The lowest confidence (hundredths) from which at least `min` decisions
/// with feedback were accepted at `at` or more: `(from, accepted, n)`.
fn threshold(by: &[(u64, u64)], min: u64, at: f64, floor: u8) -> Option<(u8, u64, u64)> {
    let (mut n, mut acc) = (0u64, 0u64);
    let mut best = None;
    // from the top down: every suffix that holds is a candidate; keep the lowest
    for b in (usize::from(floor)..=100).rev() {
        let (bn, ba) = by.get(b).copied().unwrap_or((0, 0));
        n += bn;
        acc += ba;
        if n >= min && acc as f64 >= at * n as f64 && bn > 0 {
            best = Some((b as u8, acc, n));
        }
    }
    best
}

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

pub(super) fn recommend(
    unit: &CheckedUnit,
    sources: &SourceMap,
    c: &Contract,
    g: &Group,
    counts: &Counts,
    opts: Options,
) -> Vec<Recommendation> {
    let mut out = Vec::new();
    let Some(label) = &g.rule else { return out };
    let Some((rule, line)) = find_rule(unit, c, label) else {
        return out;
    };
    let field = unit.schema.field_by_name(c.object, &g.field);
    let protected = field.is_some_and(|f| unit.schema.field(f).protected);
    let readonly = field.is_some_and(|f| unit.schema.field(f).readonly);
    let base = Recommendation {
        direction: Direction::Promote,
        contract: c.name.clone(),
        field: g.field.clone(),
        rule: label.clone(),
        from: Outcome::Review,
        to: Outcome::Auto,
        evidence: Ratio { of: 0, n: 0 },
        evidence_text: String::new(),
        from_confidence: None,
        change: None,
        note: None,
    };
    // demote: automatic writes rolled back too often
    let autos = counts.outcomes[ix(Outcome::Auto)];
    let rolled = counts.feedback[ix(Outcome::Auto)][Feedback::RolledBack as usize];
    if autos >= opts.min_decisions && rolled as f64 > opts.demote_at * autos as f64 {
        let mut r = Recommendation {
            direction: Direction::Demote,
            from: Outcome::Auto,
            to: Outcome::Review,
            evidence: Ratio {
                of: rolled,
                n: autos,
            },
            evidence_text: format!(
                "{rolled} of {autos} automatic writes rolled back ({}, more than {})",
                pct(rolled as f64 / autos as f64),
                pct(opts.demote_at)
            ),
            ..base.clone()
        };
        r.change = edit_rule(sources, c, line, rule, Outcome::Review, None);
        out.push(r);
    }
    // promote: proposals accepted unedited often enough
    for (from, to, by) in [
        (Outcome::Review, Outcome::Auto, &counts.review_by_confidence),
        (
            Outcome::Suggest,
            Outcome::Review,
            &counts.suggest_by_confidence,
        ),
    ] {
        let fb: u64 = by.iter().map(|b| b.0).sum();
        if fb < opts.min_decisions {
            continue;
        }
        let all_acc: u64 = by.iter().map(|b| b.1).sum();
        // below `auto at least` an `auto` rule is capped to review anyway:
        // the evidence that counts is from the threshold up
        let floor = match (to, &c.confidence.auto) {
            (Outcome::Auto, Some((t, _))) => (t.to_f64() * 100.0).round().clamp(0.0, 100.0) as u8,
            _ => 0,
        };
        let found = if floor == 0 && all_acc as f64 >= opts.promote_at * fb as f64 {
            Some((None, all_acc, fb))
        } else {
            threshold(by, opts.min_decisions, opts.promote_at, floor)
                .map(|(b, acc, n)| (Some(b), acc, n))
        };
        let Some((from_conf, acc, n)) = found else {
            continue;
        };
        // the evidence may hold further down than the contract lets `auto` go
        let lower = (floor > 0)
            .then(|| threshold(by, opts.min_decisions, opts.promote_at, 0))
            .flatten()
            .filter(|(b, _, _)| *b < floor);
        let mut r = Recommendation {
            direction: Direction::Promote,
            from,
            to,
            evidence: Ratio { of: acc, n },
            evidence_text: format!(
                "{acc} of {n} {} with feedback accepted unedited ({}, at least {}){}",
                if from == Outcome::Review {
                    "reviews"
                } else {
                    "suggestions"
                },
                pct(acc as f64 / n as f64),
                pct(opts.promote_at),
                from_conf.map_or(String::new(), |b| format!(
                    " at confidence {:.2} and above",
                    f64::from(b) / 100.0
                ))
            ),
            from_confidence: from_conf.map(|b| f64::from(b) / 100.0),
            ..base.clone()
        };
        let capped = rule.outcome != from;
        if readonly || (protected && to == Outcome::Auto) {
            r.note = Some(format!(
                "`{}` is {} in the schema: at least {} whatever the contract says",
                g.field,
                if readonly { "readonly" } else { "protected" },
                if readonly { "never" } else { "review" }
            ));
        } else if to == Outcome::Auto && matches!(c.mode, Mode::Draft | Mode::ReadOnly) {
            r.note = Some(format!(
                "the contract's mode `{}` caps every field at {}: change the mode first",
                c.mode.as_str(),
                if c.mode == Mode::Draft {
                    "review"
                } else {
                    "suggest"
                }
            ));
        } else if capped {
            r.note = Some(format!(
                "`{label}` says {} but decided {}: a cap (confidence, mode or schema) lowers it, not the rule",
                rule.outcome.as_str(),
                from.as_str()
            ));
        } else {
            r.change = edit_rule(sources, c, line, rule, to, r.from_confidence);
            if let Some((b, acc, n)) = lower {
                r.note = Some(format!(
                    "the evidence holds from confidence {:.2} ({acc} of {n} accepted unedited), but below the \
contract's `auto at least` every `auto` is capped to review: lowering it changes every field \
(`crmc diff` shows what)",
                    f64::from(b) / 100.0
                ));
            }
        }
        out.push(r);
    }
    out
}

fn find_rule<'c>(
    unit: &CheckedUnit,
    c: &'c Contract,
    label: &str,
) -> Option<(&'c Rule, Option<usize>)> {
    let (name, pos) = label.rsplit_once('#')?;
    let pos: u32 = pos.parse().ok()?;
    if name == "*" {
        return c
            .star
            .as_ref()?
            .rules
            .iter()
            .find(|r| r.position == pos)
            .map(|r| (r, None));
    }
    let i = c
        .fields
        .iter()
        .position(|l| unit.schema.field(l.field).name == name)?;
    c.fields[i]
        .rules
        .iter()
        .find(|r| r.position == pos)
        .map(|r| (r, Some(i)))
}

/// The field line with `rule` decided `to` instead (from a confidence,
/// when given: a new rule inserted before it), as (before, after).
fn edit_rule(
    sources: &SourceMap,
    c: &Contract,
    line: Option<usize>,
    rule: &Rule,
    to: Outcome,
    from_conf: Option<f64>,
) -> Option<(String, String)> {
    let span = match line {
        Some(i) => c.fields.get(i)?.span,
        None => c.star.as_ref()?.span,
    };
    let text = sources.snippet(span);
    let r = sources.snippet(rule.span);
    let at = rule.span.start.checked_sub(span.start)? as usize;
    if text.get(at..at + r.len())? != r {
        return None;
    }
    let when = rule.when.as_ref().map(|_| {
        let w = r.find(" when ").map_or("", |i| &r[i + 6..]);
        w.to_string()
    });
    let new_rule = match (from_conf, when.as_deref()) {
        (Some(cf), Some(w)) => format!("{} when ({w}) and confidence >= {cf:.2}, {r}", to.as_str()),
        (Some(cf), None) => format!("{} when confidence >= {cf:.2}, {r}", to.as_str()),
        (None, _) => {
            let word = rule.outcome.as_str();
            let rest = r.strip_prefix(word)?;
            // a route (`review by role "X"`) does not fit another outcome
            let rest = rest.find(" when ").map_or("", |i| &rest[i..]);
            format!("{}{rest}", to.as_str())
        }
    };
    let after = format!("{}{new_rule}{}", &text[..at], &text[at + r.len()..]);
    Some((text.trim().to_string(), after.trim().to_string()))
}
