//! Assembling a [`Table`] piece by piece (used by the compiler and tests).
//! [`TableBuilder::finish`] sorts what must be sorted, builds the
//! object/event index and validates the result like a loaded table.

use crate::codec::{expected_index, validate, LoadError};
use crate::table::{
    CondRange, Const, ContractIx, ContractRow, FieldIx, FieldRow, InSet, ObjectIx, ObjectRow, Op,
    RelationRow, SetIx, StrId, Table, TypeTag,
};
use std::collections::HashMap;

/// A field declaration for [`TableBuilder::object`].
#[derive(Clone, Debug)]
pub struct FieldSpec {
    pub name: String,
    pub ty: TypeTag,
    pub readonly: bool,
    pub protected: bool,
    pub sensitive: bool,
    /// A picklist's or multipicklist's allowed values (any order); empty
    /// for other types, and for a list the schema does not enumerate.
    pub values: Vec<String>,
}

impl FieldSpec {
    pub fn new(name: &str, ty: TypeTag) -> FieldSpec {
        FieldSpec {
            name: name.to_string(),
            ty,
            readonly: false,
            protected: false,
            sensitive: false,
            values: Vec::new(),
        }
    }

    /// The field with these allowed values.
    pub fn with_values<S: AsRef<str>>(mut self, values: &[S]) -> FieldSpec {
        self.values = values.iter().map(|v| v.as_ref().to_string()).collect();
        self
    }
}

#[derive(Debug, Default)]
pub struct TableBuilder {
    table: Table,
    interned: HashMap<String, StrId>,
}

impl TableBuilder {
    pub fn new(compiler_version: &str) -> TableBuilder {
        TableBuilder {
            table: Table {
                compiler_version: compiler_version.to_string(),
                ..Table::default()
            },
            interned: HashMap::new(),
        }
    }

    pub fn intern(&mut self, s: &str) -> StrId {
        if let Some(id) = self.interned.get(s) {
            return *id;
        }
        let id = StrId(self.table.strings.len() as u32);
        self.table.strings.push(s.to_string());
        self.interned.insert(s.to_string(), id);
        id
    }

    /// Adds an object. Objects must be added in name order and fields given
    /// in name order (validated by [`TableBuilder::finish`]).
    pub fn object(&mut self, name: &str, fields: &[FieldSpec]) -> ObjectIx {
        let ix = ObjectIx(self.table.objects.len() as u32);
        let name = self.intern(name);
        let fields_start = self.table.fields.len() as u32;
        for f in fields {
            let fname = self.intern(&f.name);
            let mut values: Vec<StrId> = f.values.iter().map(|v| self.intern(v)).collect();
            values.sort_by(|a, b| self.table.str(*a).cmp(self.table.str(*b)));
            values.dedup();
            self.table.fields.push(FieldRow {
                object: ix,
                name: fname,
                ty: f.ty,
                readonly: f.readonly,
                protected: f.protected,
                sensitive: f.sensitive,
                values,
            });
        }
        self.table.objects.push(ObjectRow {
            name,
            fields_start,
            fields_len: fields.len() as u32,
            relations: Vec::new(),
        });
        ix
    }

    /// A field of an already added object, by name.
    pub fn field(&self, object: ObjectIx, name: &str) -> Option<FieldIx> {
        let o = self.table.objects.get(object.ix())?;
        self.table.field_by_name(o, name)
    }

    /// Adds a parent relation to `object`; returns its position.
    pub fn relation(
        &mut self,
        object: ObjectIx,
        name: &str,
        via: FieldIx,
        target: ObjectIx,
    ) -> u32 {
        let name = self.intern(name);
        match self.table.objects.get_mut(object.ix()) {
            Some(o) => {
                o.relations.push(RelationRow { name, via, target });
                o.relations.len() as u32 - 1
            }
            None => u32::MAX,
        }
    }

    /// Appends a postfix condition program.
    pub fn cond(&mut self, ops: Vec<Op>) -> CondRange {
        let start = self.table.ops.len() as u32;
        let len = ops.len() as u32;
        self.table.ops.extend(ops);
        CondRange { start, len }
    }

    /// Appends one op to the arena (for compilers emitting programs
    /// incrementally); pair with [`TableBuilder::ops_len`].
    pub fn push_op(&mut self, op: Op) {
        self.table.ops.push(op);
    }

    pub fn ops_len(&self) -> u32 {
        self.table.ops.len() as u32
    }

    /// Adds an `in (...)` set, sorting its constants.
    pub fn set(&mut self, consts: &[Const]) -> SetIx {
        let mut set = InSet::default();
        for c in consts {
            match c {
                Const::Str(s) => set.strs.push(*s),
                Const::Num(n) if !n.is_nan() => set.nums.push(*n),
                other => set.other.push(*other),
            }
        }
        let strings = &self.table.strings;
        let text = |id: &StrId| strings.get(id.ix()).map(String::as_str).unwrap_or("");
        set.strs.sort_by(|a, b| text(a).cmp(text(b)));
        set.strs.dedup_by(|a, b| text(a) == text(b));
        set.nums.sort_by(f64::total_cmp);
        set.nums.dedup();
        let ix = SetIx(self.table.sets.len() as u32);
        self.table.sets.push(set);
        ix
    }

    /// Adds a contract (its `field_rules` are sorted by field here).
    pub fn contract(&mut self, mut row: ContractRow) -> ContractIx {
        row.field_rules.sort_by_key(|f| f.field);
        let ix = ContractIx(self.table.contracts.len() as u32);
        self.table.contracts.push(row);
        ix
    }

    /// Adds a guardrail (floors sorted here; guardrails sorted by name at
    /// [`Builder::finish`]).
    pub fn guardrail(&mut self, mut row: crate::table::GuardrailRow) {
        row.floors.sort_by_key(|f| f.field);
        self.table.guardrails.push(row);
    }

    /// Builds the index and validates.
    pub fn finish(mut self) -> Result<Table, LoadError> {
        self.table.index = expected_index(&self.table);
        let strings = std::mem::take(&mut self.table.strings);
        self.table
            .guardrails
            .sort_by(|a, b| strings.get(a.name.ix()).cmp(&strings.get(b.name.ix())));
        self.table.strings = strings;
        validate(&self.table)?;
        Ok(self.table)
    }
}
