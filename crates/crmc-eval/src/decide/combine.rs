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
    let nt = targets.len();
    decided.clear();
    const NONE: Decided = Decided {
        by: None,
        outcome: Outcome::Never,
        rule: None,
    };
    // The overall outcome is gathered in the same pass; `never` with no targets.
    let mut overall: Option<Outcome> = None;
    for (ti, t) in targets.iter().enumerate() {
        let d = match t.kind {
            _ if t.misfit.is_some() => NONE,
            TargetKind::Unknown => NONE,
            _ => {
                // Verdicts of one target are `nt` apart.
                let mut best: Option<(usize, &Verdict)> = None;
                for (ai, v) in verdicts
                    .iter()
                    .skip(ti)
                    .step_by(nt.max(1))
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
                    },
                    None => NONE,
                }
            }
        };
        overall = Some(overall.map_or(d.outcome, |o| o.max(d.outcome)));
        decided.push(d);
    }
    overall.unwrap_or(Outcome::Never)
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
