//! Buffers kept between decisions so a decision allocates nothing once
//! they have grown.

use super::json::WriteBufs;
use super::{Target, Work};
use crate::eval::{recycle, Ctx, CtxBufs};
use crate::mutation::{In, J};
use crate::names::ObjNames;
use crate::table::{ObjectIx, ObjectRow, Table};

/// Buffers kept between decisions, emptied and reused so a decision
/// allocates nothing once they have grown (those holding the mutation's
/// data stored at `'static`, retyped to each decision's lifetimes by
/// [`recycle`]).
#[derive(Default)]
pub(super) struct Scratch<'t> {
    /// What [`Table::core`](super) decides into.
    pub(super) work: Work<'t>,
    pub(super) ctx: CtxBufs,
    pub(super) targets: Vec<Target<'static>>,
    pub(super) record: Vec<(&'static str, J<'static>)>,
    pub(super) changes: Vec<(&'static str, J<'static>)>,
    pub(super) parents: Vec<(&'static str, Vec<(&'static str, J<'static>)>)>,
    /// Field-name indices by object, built for an object the second time
    /// this scratch space resolves a mutation of it (see [`ObjNames`]).
    pub(super) names: Vec<Option<ObjNames>>,
    /// Per object: whether a mutation of it was resolved before.
    seen: Vec<bool>,
    pub(super) write: WriteBufs,
}

impl Scratch<'_> {
    /// Builds the name indices of `object` and its relations' targets the
    /// second time a mutation of `object` is resolved.
    pub(super) fn index_names(&mut self, t: &Table, ix: ObjectIx, object: &ObjectRow) {
        let n = t.objects.len();
        if self.seen.len() != n {
            self.seen = vec![false; n];
            self.names = std::iter::repeat_with(|| None).take(n).collect();
        }
        let Some(seen) = self.seen.get_mut(ix.ix()) else {
            return;
        };
        if !*seen {
            *seen = true;
            return;
        }
        let targets = object.relations.iter().map(|r| r.target);
        for o in std::iter::once(ix).chain(targets) {
            if let (Some(slot @ None), Some(row)) = (self.names.get_mut(o.ix()), t.object(o)) {
                *slot = Some(ObjNames::build(t, row));
            }
        }
    }

    pub(super) fn put_ctx(&mut self, ctx: Ctx<'_, '_>, targets: Vec<Target<'_>>) {
        self.ctx = ctx.into_bufs();
        self.targets = recycle(targets);
    }

    /// An empty input over the kept buffers.
    pub(super) fn input<'m>(&mut self) -> In<'m> {
        In {
            record: recycle(std::mem::take(&mut self.record)),
            changes: recycle(std::mem::take(&mut self.changes)),
            parents: recycle(std::mem::take(&mut self.parents)),
            ..In::default()
        }
    }

    pub(super) fn put_input(&mut self, i: In<'_>) {
        self.record = recycle(i.record);
        self.changes = recycle(i.changes);
        self.parents = recycle(i.parents);
    }
}
