//! Step 6 of §5.3, rollback: `keep` is the longest among the deciding
//! contracts, `notify` their union (`previous`, the changed fields' current
//! values, is written with the decision).

use super::Core;
use crate::table::{Approver, StrId, Table};

impl Table {
    /// `keep` of the rollback entry; its `notify` into `notify` (empty).
    pub(super) fn rollback_parts(
        &self,
        core: &Core<'_, '_, '_>,
        notify: &mut Vec<Approver>,
    ) -> Option<StrId> {
        let mut keep: Option<(u64, StrId)> = None;
        for (i, ai) in core
            .decided
            .iter()
            .enumerate()
            .filter_map(|(i, d)| Some((i, d.by?)))
        {
            // Each deciding contract once.
            if core
                .decided
                .get(..i)
                .is_some_and(|before| before.iter().any(|d| d.by == Some(ai)))
            {
                continue;
            }
            let Some(rb) = core.apps.get(ai).and_then(|a| a.c.rollback.as_ref()) else {
                continue;
            };
            if let Some(text) = rb.keep_text {
                let secs = rb.keep_secs.unwrap_or(0);
                if keep.as_ref().is_none_or(|(k, _)| secs > *k) {
                    keep = Some((secs, text));
                }
            }
            for a in &rb.notify {
                if !notify.iter().any(|n| self.approver_eq(Some(*n), Some(*a))) {
                    notify.push(*a);
                }
            }
        }
        keep.map(|k| k.1)
    }
}
