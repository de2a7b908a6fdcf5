//! Step 0 of §5.3, the input: a mutation resolved against its object. Each
//! change becomes a target (a field of the schema, or a name it lacks),
//! its proposed value checked against the field's type (decisions.md 5: a
//! misfit decides `never`); a delete gets the `*` pseudo-field.

use super::{Scratch, Target, TargetKind};
use crate::eval::{recycle, Ctx};
use crate::mutation::{Cause, EvalError, In, J};
use crate::names::Lookup;
use crate::table::{Event, FieldIx, ObjectRow, Table};
use crate::values;

impl Table {
    /// Resolves a mutation against its object: the evaluation context and
    /// the targets (one per change, then `*` for a delete).
    pub(super) fn prepare_in<'t, 'm>(
        &'t self,
        m: &In<'m>,
        s: &mut Scratch<'_>,
    ) -> Result<(Ctx<'t, 'm>, Vec<Target<'m>>), EvalError> {
        let obj_ix = self
            .object_by_name(m.object)
            .ok_or_else(|| EvalError::new(format!("unknown object `{}`", m.object)))?;
        let object = self
            .object(obj_ix)
            .ok_or_else(|| EvalError::new("corrupt table"))?;
        s.index_names(self, obj_ix, object);
        let bufs = std::mem::take(&mut s.ctx);
        let mut targets: Vec<Target<'m>> = recycle(std::mem::take(&mut s.targets));
        let lk = Lookup {
            t: self,
            object,
            index: s.names.get(obj_ix.ix()).and_then(Option::as_ref),
        };
        if m.event() == Event::Delete && !m.changes.is_empty() {
            return Err(EvalError::new(
                "a delete writes no field values: its `changes` must be `{}`",
            ));
        }
        // A history entry for a name the object lacks: a misspelt field
        // would leave the real one's history unknown, or be taken as it.
        if let Some(f) = m
            .history
            .and_then(|h| h.keys().find(|k| lk.local(k).is_none()))
        {
            return Err(EvalError::new(unknown_history_field(
                f,
                self.str(object.name),
            )));
        }
        targets.extend(m.changes.iter().map(|(k, v)| {
            let field = lk.local(k).map(|l| FieldIx(object.fields_start + l as u32));
            Target {
                name: k,
                kind: field.map_or(TargetKind::Unknown, TargetKind::Field),
                misfit: field
                    .and_then(|f| self.field(f))
                    .and_then(|row| values::check(self, row, *v).err())
                    .map(|why| (why, *v)),
            }
        }));
        let changes = targets
            .iter()
            .zip(&m.changes)
            .filter_map(|(t, (_, v))| match t.kind {
                TargetKind::Field(f) => object.local(f).map(|l| (l, *v)),
                _ => None,
            });
        let mut ctx = Ctx::new(self, m, obj_ix, object, bufs, &s.names, changes);
        let names = s.names.get(obj_ix.ix()).and_then(Option::as_ref);
        ctx.record_id = match self.record_id_in(m, object, names) {
            // an empty id is no id (it is sampled, and the reason says so)
            Some(J::Str(id)) if !id.is_empty() => Some(id),
            _ => None,
        };
        if let Some((relation, via)) = ctx.contradicted_parent() {
            return Err(EvalError::new(contradicted_parent(relation, via)));
        }
        if let Some((field, of)) = self.unknown_cause_field(object, m.cause) {
            return Err(EvalError::new(unknown_cause_field(field, of)));
        }
        if m.event() == Event::Delete {
            targets.push(Target {
                name: "*",
                kind: TargetKind::Record,
                misfit: None,
            });
        }
        Ok((ctx, targets))
    }
}

impl Table {
    /// A field the cause says changed that its object (the mutation's own,
    /// or the one it names, when the table has it) does not have, with that
    /// object's name. Such a cause is an error: read as given it would stop
    /// a `trigger on update(Status)` contract from applying (a misspelt
    /// `Statsu`) while a broader `trigger on update` one still applies, a
    /// looser decision than the complete input gets. A cause of an object
    /// the table lacks matches no trigger at all, so its fields are not read.
    fn unknown_cause_field<'c>(
        &self,
        own: &ObjectRow,
        cause: Option<&'c Cause>,
    ) -> Option<(&'c str, &str)> {
        let Some(Cause::Record { object, fields, .. }) = cause else {
            return None;
        };
        let row = match object {
            None => own,
            Some(o) => self.object(self.object_by_name(o)?)?,
        };
        let missing = fields
            .iter()
            .find(|f| self.field_by_name(row, f).is_none())?;
        Some((missing.as_str(), self.str(row.name)))
    }
}

/// The error for a cause naming a field its object lacks (the reference
/// interpreter words it the same).
fn unknown_cause_field(field: &str, object: &str) -> String {
    format!(
        "`trigger`: `{field}` is not a field of `{object}`; an update cause lists the fields \
         whose change started the automation"
    )
}

/// The error for a history entry naming a field the object lacks (the
/// reference interpreter words it the same).
fn unknown_history_field(field: &str, object: &str) -> String {
    format!("`history`: `{field}` is not a field of `{object}`")
}

/// The error for a parent given beside an empty lookup field (the
/// reference interpreter words it the same; the differential tests compare).
fn contradicted_parent(relation: &str, via: &str) -> String {
    format!(
        "`parents.{relation}` is given but `{via}` is empty, so the record has no `{relation}`: \
         drop the parent or set `{via}`"
    )
}
