//! A dense index from (contract, field) to that contract's rules for the
//! field: one array read instead of a binary search over the contract's
//! field lines, so a target's rules cost the same at 2,000 rules as at 20
//! (the search's dependent loads were most of a small decision's time).
//!
//! Built by a reused evaluator the second time it decides (a one-shot
//! `Table::decide` never pays for it), and only when it is small next to
//! the table itself (a contract on an object of many fields with few rules
//! would make it large): otherwise lookups stay binary searches. Either way
//! the same rules are found.

use crate::table::{ContractIx, ContractRow, FieldIx, ObjectRow, RuleRow, Table};

/// The index's size bound: at most this many slots, or twice the table's
/// fields and rules, whichever is larger.
const MIN_SLOTS: usize = 1 << 16;

#[derive(Default)]
pub(super) struct RuleIndex {
    /// Per contract: where its row of `slots` starts (its object's local
    /// field indices follow). Empty: not built.
    start: Vec<u32>,
    /// Position in the contract's `field_rules` + 1; `0`: no line.
    slots: Vec<u32>,
    /// Decisions made before it was built (it is built at the second).
    uses: u8,
}

impl RuleIndex {
    /// Builds the index at the second call (see the module doc).
    #[inline]
    pub(super) fn warm(&mut self, t: &Table) {
        if self.uses >= 2 {
            return;
        }
        self.uses += 1;
        if self.uses == 2 {
            if let Some((start, slots)) = build(t) {
                self.start = start;
                self.slots = slots;
            }
        }
    }

    /// `c`'s rules for `f` (empty when it has no line for `f`).
    #[inline]
    pub(super) fn rules_for<'t>(
        &self,
        cix: ContractIx,
        c: &'t ContractRow,
        object: &ObjectRow,
        f: FieldIx,
    ) -> &'t [RuleRow] {
        let dense = self.start.get(cix.ix()).and_then(|s| {
            let l = object.local(f)?;
            let slot = *self.slots.get(*s as usize + l)?;
            Some(match slot.checked_sub(1) {
                Some(i) => c
                    .field_rules
                    .get(i as usize)
                    .map_or(&[][..], |fr| &fr.rules),
                None => &[][..],
            })
        });
        match dense {
            Some(rules) => rules,
            None => c.rules_for(f).unwrap_or(&[]),
        }
    }
}

/// The index, or `None` when it would be too large or the table breaks an
/// invariant it relies on (each contract's lines strictly sorted, on its
/// own object's fields; a validated table never does).
fn build(t: &Table) -> Option<(Vec<u32>, Vec<u32>)> {
    let rules: usize = t.contracts.iter().map(|c| c.field_rules.len()).sum();
    let bound = MIN_SLOTS.max(2 * (t.fields.len() + rules));
    let mut total = 0usize;
    for c in &t.contracts {
        total += t.object(c.object)?.fields_len as usize;
        if total > bound {
            return None;
        }
    }
    let mut start = Vec::with_capacity(t.contracts.len());
    let mut slots = vec![0u32; total];
    let mut at = 0usize;
    for c in &t.contracts {
        let object = t.object(c.object)?;
        start.push(u32::try_from(at).ok()?);
        let mut prev = None;
        for (i, fr) in c.field_rules.iter().enumerate() {
            if prev.is_some_and(|p| p >= fr.field) {
                return None;
            }
            prev = Some(fr.field);
            let slot = slots.get_mut(at + object.local(fr.field)?)?;
            *slot = u32::try_from(i + 1).ok()?;
        }
        at += object.fields_len as usize;
    }
    Some((start, slots))
}
