//! Per-object field-name indices for an [`crate::Evaluator`]: one hash and,
//! almost always, one string comparison per name instead of a binary search
//! over the object's sorted field names. Built for an object the first time
//! a reused evaluator meets it again (a one-shot evaluator never builds one).

use crate::table::{ObjectRow, Table, TypeTag};

/// Open addressing over an object's local field indices.
pub(crate) struct ObjNames {
    /// Local field index + 1; `0` is empty. Power-of-two length.
    slots: Vec<u32>,
    /// The local index of the field `record_id` reads (an `Id` field named
    /// `Id` if any, else the first `Id` field).
    pub id_field: Option<u32>,
}

/// FxHash-like, eight bytes at a time, with a final mix.
fn hash(s: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h = (s.len() as u64).wrapping_mul(K);
    let mut chunks = s.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let w = rest
            .iter()
            .rev()
            .fold(0u64, |w, b| (w << 8) | u64::from(*b));
        h = (h.rotate_left(5) ^ w).wrapping_mul(K);
    }
    // Mix the high bits down: the low bits of a product depend only on
    // the low bits of its factors (names often differ only at the end).
    let h = (h ^ (h >> 33)).wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^ (h >> 33)
}

impl ObjNames {
    pub fn build(t: &Table, o: &ObjectRow) -> ObjNames {
        let fields = t.object_fields(o);
        let cap = (fields.len() * 2).max(4).next_power_of_two();
        let mut slots = vec![0u32; cap];
        let mask = cap - 1;
        for (l, f) in fields.iter().enumerate() {
            let mut i = hash(t.str(f.name).as_bytes()) as usize & mask;
            while slots.get(i).is_some_and(|s| *s != 0) {
                i = (i + 1) & mask;
            }
            if let Some(s) = slots.get_mut(i) {
                *s = l as u32 + 1;
            }
        }
        let id_field = fields
            .iter()
            .enumerate()
            .filter(|(_, f)| f.ty == TypeTag::Id)
            .min_by_key(|(_, f)| t.str(f.name) != "Id")
            .map(|(l, _)| l as u32);
        ObjNames { slots, id_field }
    }

    /// The local index of `o`'s field `name`.
    pub fn get(&self, t: &Table, o: &ObjectRow, name: &str) -> Option<usize> {
        let fields = t.object_fields(o);
        let mask = self.slots.len().wrapping_sub(1);
        let mut i = hash(name.as_bytes()) as usize & mask;
        loop {
            let s = *self.slots.get(i)?;
            if s == 0 {
                return None;
            }
            let l = (s - 1) as usize;
            if fields.get(l).is_some_and(|f| t.str(f.name) == name) {
                return Some(l);
            }
            i = (i + 1) & mask;
        }
    }
}

/// Field lookup for one object: by index when one is built, else by binary
/// search.
#[derive(Clone, Copy)]
pub(crate) struct Lookup<'a, 't> {
    pub t: &'t Table,
    pub object: &'t ObjectRow,
    pub index: Option<&'a ObjNames>,
}

impl Lookup<'_, '_> {
    /// The local index of the field `name`.
    pub fn local(&self, name: &str) -> Option<usize> {
        match self.index {
            Some(ix) => ix.get(self.t, self.object, name),
            None => self
                .t
                .field_by_name(self.object, name)
                .and_then(|f| self.object.local(f)),
        }
    }
}
