//! Union-find over (contract, field) nodes: the default (not
//! `--all-witnesses`) output keeps only pairs that connect something new.

use crate::check::model::FieldId;
use std::collections::HashMap;

/// Connected components of (contract, field) nodes, growing as pairs are
/// found: a pair already connected adds no contract to any finding.
#[derive(Default)]
pub(super) struct Components {
    ids: HashMap<(usize, FieldId), usize>,
    parent: Vec<usize>,
}

impl Components {
    pub(super) fn id(&mut self, k: (usize, FieldId)) -> usize {
        let n = self.parent.len();
        let id = *self.ids.entry(k).or_insert(n);
        if id == n {
            self.parent.push(n);
        }
        id
    }

    pub(super) fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    pub(super) fn connected(&mut self, a: (usize, FieldId), b: (usize, FieldId)) -> bool {
        let (x, y) = (self.id(a), self.id(b));
        self.find(x) == self.find(y)
    }

    pub(super) fn union(&mut self, a: (usize, FieldId), b: (usize, FieldId)) {
        let (x, y) = (self.id(a), self.id(b));
        let (x, y) = (self.find(x), self.find(y));
        self.parent[x] = y;
    }
}

/// Union-find over the positions `0..n` of one field's entries: what
/// [`Components`] does, without hashing, for the dense pair loops.
pub(super) struct DenseUnion {
    parent: Vec<usize>,
    /// Components left (`n` at the start).
    count: usize,
}

impl DenseUnion {
    pub(super) fn new(n: usize) -> DenseUnion {
        DenseUnion {
            parent: (0..n).collect(),
            count: n,
        }
    }

    /// Every position is in one component: no pair can connect anything new.
    pub(super) fn is_one(&self) -> bool {
        self.count <= 1
    }

    fn find(&mut self, mut x: usize) -> usize {
        while let Some(&p) = self.parent.get(x) {
            if p == x {
                break;
            }
            let gp = self.parent.get(p).copied().unwrap_or(p);
            if let Some(slot) = self.parent.get_mut(x) {
                *slot = gp;
            }
            x = gp;
        }
        x
    }

    pub(super) fn connected(&mut self, a: usize, b: usize) -> bool {
        self.find(a) == self.find(b)
    }

    pub(super) fn union(&mut self, a: usize, b: usize) {
        let (x, y) = (self.find(a), self.find(b));
        if x == y {
            return;
        }
        if let Some(slot) = self.parent.get_mut(x) {
            *slot = y;
            self.count -= 1;
        }
    }
}
