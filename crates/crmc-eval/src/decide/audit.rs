//! Step 6 of §5.3, audit: which fields a target's audit entry carries (the
//! deciding contract's `audit` list, `field` always), the record id, and
//! which values are masked. The entries themselves are written by
//! [`super::decision`] (owned) and [`super::json`] (JSON).

use super::{Core, Target, TargetKind};
use crate::mutation::{entries_get, In, J};
use crate::names::ObjNames;
use crate::table::{AuditField, ContractRow, ObjectRow, Table, TypeTag};

impl Table {
    pub(super) fn record_id<'m>(&self, m: &In<'m>, object: &ObjectRow) -> Option<J<'m>> {
        self.record_id_in(m, object, None)
    }

    /// [`Self::record_id`], with the id field from `names` when built.
    pub(super) fn record_id_in<'m>(
        &self,
        m: &In<'m>,
        object: &ObjectRow,
        names: Option<&ObjNames>,
    ) -> Option<J<'m>> {
        let fields = self.object_fields(object);
        let id_field = match names {
            Some(ix) => ix
                .id_field
                .and_then(|l| fields.get(l as usize))
                .map(|f| self.str(f.name)),
            None => fields
                .iter()
                .filter(|f| f.ty == TypeTag::Id)
                .map(|f| self.str(f.name))
                .min_by_key(|n| *n != "Id"),
        };
        entries_get(&m.record, id_field.unwrap_or("Id"))
    }

    /// Whether a review sample decided the target (its entry says
    /// `"sampled": true`): the deciding verdict was raised by one.
    pub(super) fn sampled(&self, core: &Core<'_, '_, '_>, ti: usize) -> bool {
        core.decided
            .get(ti)
            .and_then(|d| d.by)
            .and_then(|ai| core.verdict(ai, ti))
            .is_some_and(|v| v.sampled)
    }

    /// The guardrail that raised the target (its entry says
    /// `"guardrail": NAME`).
    pub(super) fn guarded(&self, core: &Core<'_, '_, '_>, ti: usize) -> Option<&str> {
        let g = core.decided.get(ti)?.guard?;
        self.guardrails.get(g.ix as usize).map(|g| self.str(g.name))
    }

    /// A target's audit fields, in output order.
    pub(super) fn audit_list<'t>(
        &self,
        core: &Core<'_, 't, '_>,
        ti: usize,
    ) -> (Option<&'t ContractRow>, AuditList<'t>) {
        let contract = self.deciding_contract(core, ti);
        let list = match contract.and_then(|c| c.audit.as_ref()) {
            Some(list) => AuditList {
                field_first: !list.contains(&AuditField::Field),
                rest: list.as_slice(),
            },
            None if contract.is_some() => AuditList {
                field_first: true,
                rest: &[],
            },
            None => AuditList {
                field_first: true,
                rest: &[AuditField::Outcome, AuditField::Reasons],
            },
        };
        (contract, list)
    }

    pub(super) fn is_sensitive(&self, t: &Target<'_>) -> bool {
        match t.kind {
            TargetKind::Field(f) => self.field(f).is_some_and(|r| r.sensitive),
            _ => false,
        }
    }
}

/// A target's audit fields: `field` first unless the contract lists it.
pub(super) struct AuditList<'t> {
    field_first: bool,
    rest: &'t [AuditField],
}

impl<'t> AuditList<'t> {
    /// [`Self::iter`], owning the list.
    pub(super) fn into_fields(self) -> impl Iterator<Item = AuditField> + 't {
        self.field_first
            .then_some(AuditField::Field)
            .into_iter()
            .chain(self.rest.iter().copied())
    }

    pub(super) fn iter(&self) -> impl Iterator<Item = AuditField> + '_ {
        self.field_first
            .then_some(AuditField::Field)
            .into_iter()
            .chain(self.rest.iter().copied())
    }
}
