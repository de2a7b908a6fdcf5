//! Step 5 of §5.3, combination: per target, the most restrictive verdict
//! of the applicable contracts decides (the first contract of that outcome
//! is the deciding one); no applicable contract, a name the schema lacks,
//! or a proposed value that does not fit its field → `never`. The overall
//! outcome is the most restrictive target's (`never` with no targets).

use super::{Core, Decided, Target, TargetKind, Verdict};
use crate::table::{ContractRow, Outcome, Table};

/// Fills `decided` (one per target) from the verdicts of `napps` applicable
/// contracts (`verdicts[ai * targets.len() + ti]`); the overall outcome.
#[inline]
pub(super) fn combine(
    targets: &[Target<'_>],
    napps: usize,
    verdicts: &[Verdict],
    decided: &mut Vec<Decided>,
) -> Outcome {
    decided.clear();
    // The overall outcome is gathered in the same pass; `never` with no targets.
    let mut overall: Option<Outcome> = None;
    for ti in 0..targets.len() {
        let d = decide_target(targets, ti, napps, verdicts);
        overall = Some(overall.map_or(d.outcome, |o| o.max(d.outcome)));
        decided.push(d);
    }
    overall.unwrap_or(Outcome::Never)
}

/// Target `ti`'s final outcome and deciding verdict (see [`combine`]).
#[inline]
pub(super) fn decide_target(
    targets: &[Target<'_>],
    ti: usize,
    napps: usize,
    verdicts: &[Verdict],
) -> Decided {
    const NONE: Decided = Decided {
        by: None,
        outcome: Outcome::Never,
        rule: None,
        guard: None,
    };
    let Some(t) = targets.get(ti) else {
        return NONE;
    };
    match t.kind {
        _ if t.misfit.is_some() => NONE,
        TargetKind::Unknown => NONE,
        _ => {
            // Verdicts of one target are `targets.len()` apart.
            let mut best: Option<(usize, &Verdict)> = None;
            for (ai, v) in verdicts
                .iter()
                .skip(ti)
                .step_by(targets.len().max(1))
                .take(napps)
                .enumerate()
            {
                if best.is_none_or(|(_, b)| v.outcome > b.outcome) {
                    best = Some((ai, v));
                }
            }
            match best {
                Some((ai, v)) => Decided {
                    by: Some(ai),
                    outcome: v.outcome,
                    rule: v.rule,
                    guard: None,
                },
                None => NONE,
            }
        }
    }
}

impl Table {
    pub(super) fn deciding_contract<'t>(
        &self,
        core: &Core<'_, 't, '_>,
        ti: usize,
    ) -> Option<&'t ContractRow> {
        let ai = core.decided.get(ti)?.by?;
        core.apps.get(ai).map(|a| a.c)
    }
}
