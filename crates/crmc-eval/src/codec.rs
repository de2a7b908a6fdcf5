//! The binary table format.
//!
//! ```text
//! offset  size  content
//! 0       4     magic "CRMC"
//! 4       2     format version, u16 little-endian (FORMAT_VERSION)
//! 6       n     compiler version: varint length + UTF-8
//! 6+n     8     checksum, u64 little-endian: FNV-1a 64 over the compiler
//!               version bytes (with their length) and the body
//! 14+n    ...   body: strings, objects, fields, ops, sets, contracts, index
//! ```
//!
//! The body is a hand-written encoding: unsigned integers as LEB128 varints,
//! signed ones zigzag + varint, `f64` as 8 little-endian bytes, strings and
//! lists length-prefixed, `Option` and enums a one-byte tag. Encoding is
//! deterministic: the same table always gives the same bytes.
//!
//! [`Table::from_bytes`] rejects a bad magic, a newer format, truncation,
//! trailing bytes, a checksum mismatch and any out-of-range index or
//! ill-formed condition program, so evaluation of a loaded table cannot panic
//! or loop.

use crate::table::*;
use std::fmt;

pub const MAGIC: &[u8; 4] = b"CRMC";
/// The format this crate writes and the newest it reads.
pub const FORMAT_VERSION: u16 = 2;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadError {
    BadMagic,
    NewerFormat {
        found: u16,
        supported: u16,
    },
    Truncated,
    ChecksumMismatch {
        stored: u64,
        computed: u64,
    },
    /// Bytes that do not decode (a bad tag, bad UTF-8, trailing bytes).
    Malformed(String),
    /// Decodes, but breaks an invariant (an index out of range, ...).
    Invalid(String),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::BadMagic => write!(f, "not a crmc decision table (bad magic bytes)"),
            LoadError::NewerFormat { found, supported } => write!(
                f,
                "table format version {found} is newer than this evaluator supports ({supported}); upgrade crmc-eval"
            ),
            LoadError::Truncated => write!(f, "table is truncated"),
            LoadError::ChecksumMismatch { stored, computed } => write!(
                f,
                "table checksum mismatch (stored {stored:016x}, computed {computed:016x}): the file is corrupted"
            ),
            LoadError::Malformed(m) => write!(f, "malformed table: {m}"),
            LoadError::Invalid(m) => write!(f, "invalid table: {m}"),
        }
    }
}

impl std::error::Error for LoadError {}

/// FNV-1a, 64 bits.
#[derive(Clone, Copy)]
pub struct Fnv64(u64);

impl Default for Fnv64 {
    fn default() -> Fnv64 {
        Fnv64(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv64 {
    pub fn update(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    pub fn finish(self) -> u64 {
        self.0
    }
}

// ---------------------------------------------------------------- wire

pub(crate) struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Result<u8, LoadError> {
        let b = *self.b.get(self.pos).ok_or(LoadError::Truncated)?;
        self.pos += 1;
        Ok(b)
    }
    fn take(&mut self, n: usize) -> Result<&'a [u8], LoadError> {
        let end = self.pos.checked_add(n).ok_or(LoadError::Truncated)?;
        let s = self.b.get(self.pos..end).ok_or(LoadError::Truncated)?;
        self.pos = end;
        Ok(s)
    }
    fn remaining(&self) -> usize {
        self.b.len().saturating_sub(self.pos)
    }
    fn varint(&mut self) -> Result<u64, LoadError> {
        let mut v: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            let bits = u64::from(b & 0x7f);
            if shift == 63 && bits > 1 {
                return Err(LoadError::Malformed("varint overflows 64 bits".into()));
            }
            v |= bits << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(LoadError::Malformed("varint too long".into()))
    }
}

fn put_varint(w: &mut Vec<u8>, mut v: u64) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            w.push(b);
            return;
        }
        w.push(b | 0x80);
    }
}

fn bad_tag(what: &str, tag: u8) -> LoadError {
    LoadError::Malformed(format!("unknown {what} tag {tag}"))
}

pub(crate) trait Wire: Sized {
    fn put(&self, w: &mut Vec<u8>);
    fn get(r: &mut Reader<'_>) -> Result<Self, LoadError>;
}

impl Wire for u64 {
    fn put(&self, w: &mut Vec<u8>) {
        put_varint(w, *self);
    }
    fn get(r: &mut Reader<'_>) -> Result<u64, LoadError> {
        r.varint()
    }
}

impl Wire for u32 {
    fn put(&self, w: &mut Vec<u8>) {
        put_varint(w, u64::from(*self));
    }
    fn get(r: &mut Reader<'_>) -> Result<u32, LoadError> {
        u32::try_from(r.varint()?).map_err(|_| LoadError::Malformed("u32 out of range".into()))
    }
}

impl Wire for i64 {
    fn put(&self, w: &mut Vec<u8>) {
        put_varint(w, ((*self << 1) ^ (*self >> 63)) as u64);
    }
    fn get(r: &mut Reader<'_>) -> Result<i64, LoadError> {
        let u = r.varint()?;
        Ok(((u >> 1) as i64) ^ -((u & 1) as i64))
    }
}

impl Wire for f64 {
    fn put(&self, w: &mut Vec<u8>) {
        w.extend_from_slice(&self.to_bits().to_le_bytes());
    }
    fn get(r: &mut Reader<'_>) -> Result<f64, LoadError> {
        let b = r.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(f64::from_bits(u64::from_le_bytes(a)))
    }
}

impl Wire for bool {
    fn put(&self, w: &mut Vec<u8>) {
        w.push(u8::from(*self));
    }
    fn get(r: &mut Reader<'_>) -> Result<bool, LoadError> {
        match r.byte()? {
            0 => Ok(false),
            1 => Ok(true),
            t => Err(bad_tag("bool", t)),
        }
    }
}

impl Wire for String {
    fn put(&self, w: &mut Vec<u8>) {
        put_varint(w, self.len() as u64);
        w.extend_from_slice(self.as_bytes());
    }
    fn get(r: &mut Reader<'_>) -> Result<String, LoadError> {
        let n = usize::try_from(r.varint()?).map_err(|_| LoadError::Truncated)?;
        let b = r.take(n)?;
        String::from_utf8(b.to_vec())
            .map_err(|_| LoadError::Malformed("string is not UTF-8".into()))
    }
}

impl<T: Wire> Wire for Option<T> {
    fn put(&self, w: &mut Vec<u8>) {
        match self {
            None => w.push(0),
            Some(v) => {
                w.push(1);
                v.put(w);
            }
        }
    }
    fn get(r: &mut Reader<'_>) -> Result<Option<T>, LoadError> {
        match r.byte()? {
            0 => Ok(None),
            1 => Ok(Some(T::get(r)?)),
            t => Err(bad_tag("option", t)),
        }
    }
}

impl<T: Wire> Wire for Vec<T> {
    fn put(&self, w: &mut Vec<u8>) {
        put_varint(w, self.len() as u64);
        for v in self {
            v.put(w);
        }
    }
    fn get(r: &mut Reader<'_>) -> Result<Vec<T>, LoadError> {
        let n = usize::try_from(r.varint()?).map_err(|_| LoadError::Truncated)?;
        // Every element takes at least one byte.
        if n > r.remaining() {
            return Err(LoadError::Truncated);
        }
        // Reserve by what the bytes can hold, not by the count they claim:
        // an element may decode to far more memory than its one byte.
        let mut v = Vec::with_capacity(n.min(r.remaining() / 8).min(1 << 16));
        for _ in 0..n {
            v.push(T::get(r)?);
        }
        Ok(v)
    }
}

impl<T: Wire> Wire for [T; 3] {
    fn put(&self, w: &mut Vec<u8>) {
        for v in self {
            v.put(w);
        }
    }
    fn get(r: &mut Reader<'_>) -> Result<[T; 3], LoadError> {
        Ok([T::get(r)?, T::get(r)?, T::get(r)?])
    }
}

macro_rules! wire_id {
    ($($t:ident),*) => {$(
        impl Wire for $t {
            fn put(&self, w: &mut Vec<u8>) { self.0.put(w) }
            fn get(r: &mut Reader<'_>) -> Result<$t, LoadError> { Ok($t(u32::get(r)?)) }
        }
    )*};
}
wire_id!(StrId, ObjectIx, FieldIx, ContractIx, SetIx);

macro_rules! wire_struct {
    ($t:ident { $($f:ident),* $(,)? }) => {
        impl Wire for $t {
            fn put(&self, w: &mut Vec<u8>) { $(self.$f.put(w);)* }
            fn get(r: &mut Reader<'_>) -> Result<$t, LoadError> {
                Ok($t { $($f: Wire::get(r)?,)* })
            }
        }
    };
}

macro_rules! wire_unit_enum {
    ($t:ident, $what:literal, [$($v:ident),* $(,)?]) => {
        impl Wire for $t {
            fn put(&self, w: &mut Vec<u8>) { w.push(*self as u8) }
            fn get(r: &mut Reader<'_>) -> Result<$t, LoadError> {
                const ALL: &[$t] = &[$($t::$v),*];
                let tag = r.byte()?;
                ALL.get(usize::from(tag)).copied().ok_or_else(|| bad_tag($what, tag))
            }
        }
    };
}

wire_unit_enum!(Outcome, "outcome", [Auto, Review, Escalate, Suggest, Never]);
wire_unit_enum!(ActorKind, "actor kind", [Ai, Integration, Human]);
wire_unit_enum!(Event, "event", [Create, Update, Delete]);
wire_unit_enum!(
    Mode,
    "mode",
    [ReadOnly, Draft, ConditionalWrite, AutomatedWrite]
);
wire_unit_enum!(CmpOp, "comparison", [Eq, Ne, Lt, Le, Gt, Ge]);
wire_unit_enum!(
    TypeTag,
    "type",
    [
        Id,
        String,
        Email,
        Phone,
        Url,
        Bool,
        Int,
        Number,
        Currency,
        Percent,
        Date,
        Datetime,
        Picklist,
        Multipicklist,
        Ref
    ]
);
wire_unit_enum!(
    AuditField,
    "audit field",
    [
        RecordId, Contract, Version, Trigger, Field, OldValue, NewValue, Source, Confidence,
        Timestamp, Actor, Outcome, Reasons
    ]
);

wire_struct!(CondRange { start, len });
wire_struct!(ObjectRow {
    name,
    fields_start,
    fields_len,
    relations
});
wire_struct!(RelationRow { name, via, target });
wire_struct!(FieldRow {
    object,
    name,
    ty,
    readonly,
    protected,
    sensitive,
    values
});
wire_struct!(InSet { strs, nums, other });
wire_struct!(ExclusionRow { name, when });
wire_struct!(RuleRow {
    outcome,
    route,
    when,
    position
});
wire_struct!(FieldRules { field, rules });
wire_struct!(Route { approver, within });
wire_struct!(Requirement { approver, when });
wire_struct!(RollbackRow {
    keep_secs,
    keep_text,
    notify
});
wire_struct!(ContractRow {
    name,
    version,
    object,
    actor_kind,
    actor_name,
    mode,
    triggers,
    eligible,
    exclusions,
    auto_at,
    review_at,
    field_rules,
    star,
    review_route,
    escalate_route,
    require,
    audit,
    rollback
});

impl Wire for Const {
    fn put(&self, w: &mut Vec<u8>) {
        match self {
            Const::Str(s) => {
                w.push(0);
                s.put(w);
            }
            Const::Num(n) => {
                w.push(1);
                n.put(w);
            }
            Const::Bool(b) => {
                w.push(2);
                b.put(w);
            }
            Const::Date(d) => {
                w.push(3);
                d.put(w);
            }
            Const::Datetime(d) => {
                w.push(4);
                d.put(w);
            }
            Const::Event(e) => {
                w.push(5);
                e.put(w);
            }
        }
    }
    fn get(r: &mut Reader<'_>) -> Result<Const, LoadError> {
        Ok(match r.byte()? {
            0 => Const::Str(Wire::get(r)?),
            1 => Const::Num(Wire::get(r)?),
            2 => Const::Bool(Wire::get(r)?),
            3 => Const::Date(Wire::get(r)?),
            4 => Const::Datetime(Wire::get(r)?),
            5 => Const::Event(Wire::get(r)?),
            t => return Err(bad_tag("constant", t)),
        })
    }
}

impl Wire for Approver {
    fn put(&self, w: &mut Vec<u8>) {
        match self {
            Approver::RecordOwner => w.push(0),
            Approver::Role(s) => {
                w.push(1);
                s.put(w);
            }
            Approver::User(s) => {
                w.push(2);
                s.put(w);
            }
            Approver::Queue(s) => {
                w.push(3);
                s.put(w);
            }
        }
    }
    fn get(r: &mut Reader<'_>) -> Result<Approver, LoadError> {
        Ok(match r.byte()? {
            0 => Approver::RecordOwner,
            1 => Approver::Role(Wire::get(r)?),
            2 => Approver::User(Wire::get(r)?),
            3 => Approver::Queue(Wire::get(r)?),
            t => return Err(bad_tag("approver", t)),
        })
    }
}

impl Wire for Trigger {
    fn put(&self, w: &mut Vec<u8>) {
        match self {
            Trigger::Create => w.push(0),
            Trigger::Update(fs) => {
                w.push(1);
                fs.put(w);
            }
            Trigger::Delete => w.push(2),
        }
    }
    fn get(r: &mut Reader<'_>) -> Result<Trigger, LoadError> {
        Ok(match r.byte()? {
            0 => Trigger::Create,
            1 => Trigger::Update(Wire::get(r)?),
            2 => Trigger::Delete,
            t => return Err(bad_tag("trigger", t)),
        })
    }
}

impl Wire for Subject {
    fn put(&self, w: &mut Vec<u8>) {
        match self {
            Subject::Field(f) => {
                w.push(0);
                f.put(w);
            }
            Subject::New(f) => {
                w.push(1);
                f.put(w);
            }
            Subject::Parent { relation, field } => {
                w.push(2);
                relation.put(w);
                field.put(w);
            }
            Subject::Confidence => w.push(3),
            Subject::Source => w.push(4),
            Subject::Event => w.push(5),
        }
    }
    fn get(r: &mut Reader<'_>) -> Result<Subject, LoadError> {
        Ok(match r.byte()? {
            0 => Subject::Field(Wire::get(r)?),
            1 => Subject::New(Wire::get(r)?),
            2 => Subject::Parent {
                relation: Wire::get(r)?,
                field: Wire::get(r)?,
            },
            3 => Subject::Confidence,
            4 => Subject::Source,
            5 => Subject::Event,
            t => return Err(bad_tag("subject", t)),
        })
    }
}

impl Wire for Test {
    fn put(&self, w: &mut Vec<u8>) {
        match self {
            Test::Cmp(op, c) => {
                w.push(0);
                op.put(w);
                c.put(w);
            }
            Test::In { set, negated } => {
                w.push(1);
                set.put(w);
                negated.put(w);
            }
            Test::IsEmpty => w.push(2),
            Test::IsSet => w.push(3),
            Test::IsTrue => w.push(4),
            Test::StartsWith(s) => {
                w.push(5);
                s.put(w);
            }
            Test::EndsWith(s) => {
                w.push(6);
                s.put(w);
            }
            Test::Contains(s) => {
                w.push(7);
                s.put(w);
            }
            Test::BeforeDaysAgo(n) => {
                w.push(8);
                n.put(w);
            }
            Test::AfterDaysAgo(n) => {
                w.push(9);
                n.put(w);
            }
        }
    }
    fn get(r: &mut Reader<'_>) -> Result<Test, LoadError> {
        Ok(match r.byte()? {
            0 => Test::Cmp(Wire::get(r)?, Wire::get(r)?),
            1 => Test::In {
                set: Wire::get(r)?,
                negated: Wire::get(r)?,
            },
            2 => Test::IsEmpty,
            3 => Test::IsSet,
            4 => Test::IsTrue,
            5 => Test::StartsWith(Wire::get(r)?),
            6 => Test::EndsWith(Wire::get(r)?),
            7 => Test::Contains(Wire::get(r)?),
            8 => Test::BeforeDaysAgo(Wire::get(r)?),
            9 => Test::AfterDaysAgo(Wire::get(r)?),
            t => return Err(bad_tag("test", t)),
        })
    }
}

impl Wire for Op {
    fn put(&self, w: &mut Vec<u8>) {
        match self {
            Op::True => w.push(0),
            Op::False => w.push(1),
            Op::And(n) => {
                w.push(2);
                n.put(w);
            }
            Op::Or(n) => {
                w.push(3);
                n.put(w);
            }
            Op::Not => w.push(4),
            Op::Changed(f) => {
                w.push(5);
                f.put(w);
            }
            Op::Atom(s, t) => {
                w.push(6);
                s.put(w);
                t.put(w);
            }
        }
    }
    fn get(r: &mut Reader<'_>) -> Result<Op, LoadError> {
        Ok(match r.byte()? {
            0 => Op::True,
            1 => Op::False,
            2 => Op::And(Wire::get(r)?),
            3 => Op::Or(Wire::get(r)?),
            4 => Op::Not,
            5 => Op::Changed(Wire::get(r)?),
            6 => Op::Atom(Wire::get(r)?, Wire::get(r)?),
            t => return Err(bad_tag("op", t)),
        })
    }
}

// ---------------------------------------------------------------- table

impl Table {
    /// The binary form (deterministic).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut body = Vec::new();
        self.strings.put(&mut body);
        self.objects.put(&mut body);
        self.fields.put(&mut body);
        self.ops.put(&mut body);
        self.sets.put(&mut body);
        self.contracts.put(&mut body);
        self.index.put(&mut body);
        let mut cv = Vec::new();
        self.compiler_version.put(&mut cv);
        let mut h = Fnv64::default();
        h.update(&cv);
        h.update(&body);
        let mut out = Vec::with_capacity(14 + cv.len() + body.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&cv);
        out.extend_from_slice(&h.finish().to_le_bytes());
        out.extend_from_slice(&body);
        out
    }

    /// Loads and validates a table written by [`Table::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Table, LoadError> {
        match bytes.get(0..4) {
            Some(m) if m == MAGIC => {}
            Some(_) => return Err(LoadError::BadMagic),
            None if MAGIC.starts_with(bytes) => return Err(LoadError::Truncated),
            None => return Err(LoadError::BadMagic),
        }
        let mut r = Reader { b: bytes, pos: 4 };
        let v = r.take(2)?;
        let version = u16::from_le_bytes([
            v.first().copied().unwrap_or(0),
            v.get(1).copied().unwrap_or(0),
        ]);
        if version > FORMAT_VERSION {
            return Err(LoadError::NewerFormat {
                found: version,
                supported: FORMAT_VERSION,
            });
        }
        if version < FORMAT_VERSION {
            return Err(LoadError::Malformed(format!(
                "format version {version} is older than this evaluator reads ({FORMAT_VERSION}); rebuild the table with `crmc build`"
            )));
        }
        let cv_start = r.pos;
        let compiler_version = String::get(&mut r)?;
        let cv_end = r.pos;
        let stored = u64::get_le(&mut r)?;
        let mut h = Fnv64::default();
        h.update(bytes.get(cv_start..cv_end).unwrap_or(&[]));
        h.update(bytes.get(r.pos..).unwrap_or(&[]));
        let computed = h.finish();
        if stored != computed {
            return Err(LoadError::ChecksumMismatch { stored, computed });
        }
        let table = Table {
            compiler_version,
            strings: Wire::get(&mut r)?,
            objects: Wire::get(&mut r)?,
            fields: Wire::get(&mut r)?,
            ops: Wire::get(&mut r)?,
            sets: Wire::get(&mut r)?,
            contracts: Wire::get(&mut r)?,
            index: Wire::get(&mut r)?,
        };
        if r.remaining() != 0 {
            return Err(LoadError::Malformed(format!(
                "{} trailing bytes",
                r.remaining()
            )));
        }
        validate(&table)?;
        Ok(table)
    }
}

trait GetLe: Sized {
    fn get_le(r: &mut Reader<'_>) -> Result<Self, LoadError>;
}

impl GetLe for u64 {
    fn get_le(r: &mut Reader<'_>) -> Result<u64, LoadError> {
        let b = r.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }
}

// ---------------------------------------------------------------- validation

fn invalid(m: impl Into<String>) -> LoadError {
    LoadError::Invalid(m.into())
}

struct V<'a> {
    t: &'a Table,
}

impl V<'_> {
    fn str(&self, s: StrId) -> Result<&str, LoadError> {
        self.t
            .strings
            .get(s.ix())
            .map(String::as_str)
            .ok_or_else(|| invalid(format!("string id {} out of range", s.0)))
    }
    fn field(&self, f: FieldIx) -> Result<&FieldRow, LoadError> {
        self.t
            .fields
            .get(f.ix())
            .ok_or_else(|| invalid(format!("field id {} out of range", f.0)))
    }
    fn field_of(&self, f: FieldIx, o: ObjectIx, what: &str) -> Result<(), LoadError> {
        if self.field(f)?.object != o {
            return Err(invalid(format!(
                "{what}: field {} is not on object {}",
                f.0, o.0
            )));
        }
        Ok(())
    }
    fn object(&self, o: ObjectIx) -> Result<&ObjectRow, LoadError> {
        self.t
            .objects
            .get(o.ix())
            .ok_or_else(|| invalid(format!("object id {} out of range", o.0)))
    }
    fn approver(&self, a: &Approver) -> Result<(), LoadError> {
        match a {
            Approver::RecordOwner => Ok(()),
            Approver::Role(s) | Approver::User(s) | Approver::Queue(s) => self.str(*s).map(|_| ()),
        }
    }
    /// A condition program on object `o`: in range, every index valid, and
    /// its stack never underflows and ends with exactly one value.
    fn cond(&self, c: CondRange, o: ObjectIx, what: &str) -> Result<(), LoadError> {
        let start = c.start as usize;
        let end = start
            .checked_add(c.len as usize)
            .filter(|e| *e <= self.t.ops.len())
            .ok_or_else(|| invalid(format!("{what}: condition range out of bounds")))?;
        let ops = self.t.ops.get(start..end).unwrap_or(&[]);
        let obj = self.object(o)?;
        let mut depth: usize = 0;
        for op in ops {
            let pops = match op {
                Op::True | Op::False | Op::Changed(_) | Op::Atom(..) => 0,
                Op::And(n) | Op::Or(n) => *n as usize,
                Op::Not => 1,
            };
            depth = depth
                .checked_sub(pops)
                .ok_or_else(|| invalid(format!("{what}: condition program underflows")))?
                + 1;
            match op {
                Op::Changed(f) => self.field_of(*f, o, what)?,
                Op::Atom(s, t) => {
                    match s {
                        Subject::Field(f) | Subject::New(f) => self.field_of(*f, o, what)?,
                        Subject::Parent { relation, field } => {
                            let rel = obj.relations.get(*relation as usize).ok_or_else(|| {
                                invalid(format!("{what}: relation {relation} out of range"))
                            })?;
                            self.field_of(*field, rel.target, what)?;
                        }
                        Subject::Confidence | Subject::Source | Subject::Event => {}
                    }
                    self.test(s, t, what)?;
                }
                _ => {}
            }
        }
        if depth != 1 {
            return Err(invalid(format!(
                "{what}: condition program leaves {depth} values, not 1"
            )));
        }
        Ok(())
    }
    /// An atom's test: ids in range, numbers finite, and the constants an
    /// email or url field is compared with lowercase (the evaluator
    /// lowercases those values; an uppercase constant could never match, and
    /// an exclusion written with one would silently never fire).
    fn test(&self, s: &Subject, t: &Test, what: &str) -> Result<(), LoadError> {
        let folded = match s {
            Subject::Field(f) | Subject::New(f) | Subject::Parent { field: f, .. } => {
                matches!(self.field(*f)?.ty, TypeTag::Email | TypeTag::Url)
            }
            _ => false,
        };
        let lower = |id: StrId| -> Result<(), LoadError> {
            let x = self.str(id)?;
            if folded && x.chars().any(char::is_uppercase) {
                return Err(invalid(format!(
                    "{what}: email/url constant `{x}` is not lowercase"
                )));
            }
            Ok(())
        };
        match t {
            Test::Cmp(_, Const::Str(id))
            | Test::StartsWith(id)
            | Test::EndsWith(id)
            | Test::Contains(id) => lower(*id)?,
            Test::Cmp(_, Const::Num(n)) if !n.is_finite() => {
                return Err(invalid(format!("{what}: a numeric constant is not finite")));
            }
            Test::In { set, .. } => {
                let set = self
                    .t
                    .sets
                    .get(set.ix())
                    .ok_or_else(|| invalid(format!("{what}: set {} out of range", set.0)))?;
                for id in &set.strs {
                    lower(*id)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn rules(&self, rules: &[RuleRow], o: ObjectIx, what: &str) -> Result<(), LoadError> {
        for r in rules {
            if let Some(a) = &r.route {
                self.approver(a)?;
            }
            if let Some(w) = r.when {
                self.cond(w, o, what)?;
            }
        }
        Ok(())
    }
}

/// `index[o][e]`: in table order, the contracts on object `o` with a trigger
/// for event `e` (what the compiler writes and the evaluator relies on).
pub fn expected_index(t: &Table) -> Vec<[Vec<ContractIx>; 3]> {
    let mut index: Vec<[Vec<ContractIx>; 3]> =
        (0..t.objects.len()).map(|_| Default::default()).collect();
    for (ci, c) in t.contracts.iter().enumerate() {
        let Some(per_event) = index.get_mut(c.object.ix()) else {
            continue;
        };
        for e in Event::ALL {
            let fires = c.triggers.iter().any(|tr| {
                matches!(
                    (tr, e),
                    (Trigger::Create, Event::Create)
                        | (Trigger::Update(_), Event::Update)
                        | (Trigger::Delete, Event::Delete)
                )
            });
            if let (true, Some(list)) = (fires, per_event.get_mut(e.ix())) {
                list.push(ContractIx(ci as u32));
            }
        }
    }
    index
}

/// Checks every invariant documented on [`Table`].
pub fn validate(t: &Table) -> Result<(), LoadError> {
    let v = V { t };
    let mut prev: Option<&str> = None;
    for (oi, o) in t.objects.iter().enumerate() {
        let name = v.str(o.name)?;
        if prev.is_some_and(|p| p >= name) {
            return Err(invalid(format!("objects not sorted by name at `{name}`")));
        }
        prev = Some(name);
        let end = (o.fields_start as usize).checked_add(o.fields_len as usize);
        if end.is_none_or(|e| e > t.fields.len()) {
            return Err(invalid(format!(
                "object `{name}`: field range out of bounds"
            )));
        }
        let mut prev_f: Option<&str> = None;
        for f in t.object_fields(o) {
            let fname = v.str(f.name)?;
            if f.object.ix() != oi {
                return Err(invalid(format!(
                    "field `{fname}` listed under the wrong object"
                )));
            }
            if prev_f.is_some_and(|p| p >= fname) {
                return Err(invalid(format!(
                    "object `{name}`: fields not sorted at `{fname}`"
                )));
            }
            prev_f = Some(fname);
        }
        for r in &o.relations {
            v.str(r.name)?;
            v.field_of(r.via, ObjectIx(oi as u32), "relation")?;
            v.object(r.target)?;
        }
    }
    for (ix, f) in t.fields.iter().enumerate() {
        let fname = v.str(f.name)?;
        let o = v.object(f.object)?;
        if o.local(FieldIx(ix as u32)).is_none() {
            return Err(invalid("a field lies outside its object's range"));
        }
        if !f.values.is_empty() && !matches!(f.ty, TypeTag::Picklist | TypeTag::Multipicklist) {
            return Err(invalid(format!(
                "field `{fname}`: allowed values on a {} field",
                f.ty.as_str()
            )));
        }
        let mut prev: Option<&str> = None;
        for id in &f.values {
            let x = v.str(*id)?;
            if prev.is_some_and(|p| p >= x) {
                return Err(invalid(format!(
                    "field `{fname}`: allowed values not sorted and unique"
                )));
            }
            prev = Some(x);
        }
    }
    for set in &t.sets {
        let mut prev: Option<&str> = None;
        for s in &set.strs {
            let x = v.str(*s)?;
            if prev.is_some_and(|p| p >= x) {
                return Err(invalid("set strings not sorted"));
            }
            prev = Some(x);
        }
        if set.nums.iter().any(|n| !n.is_finite())
            || set.nums.windows(2).any(|w| matches!(w, [a, b] if a >= b))
        {
            return Err(invalid("set numbers not sorted"));
        }
    }
    for c in &t.contracts {
        let cname = v.str(c.name)?;
        let what = format!("contract `{cname}`");
        let o = c.object;
        v.object(o)?;
        if let Some(n) = c.actor_name {
            v.str(n)?;
        }
        for tr in &c.triggers {
            if let Trigger::Update(Some(fs)) = tr {
                for f in fs {
                    v.field_of(*f, o, &what)?;
                }
            }
        }
        for x in [c.auto_at, c.review_at].into_iter().flatten() {
            if !(0.0..=1.0).contains(&x) {
                return Err(invalid(format!(
                    "{what}: confidence threshold {x} is not between 0 and 1"
                )));
            }
        }
        if let Some(e) = c.eligible {
            v.cond(e, o, &what)?;
        }
        for x in &c.exclusions {
            if let Some(n) = x.name {
                v.str(n)?;
            }
            v.cond(x.when, o, &what)?;
        }
        let mut prev: Option<FieldIx> = None;
        for fr in &c.field_rules {
            v.field_of(fr.field, o, &what)?;
            if prev.is_some_and(|p| p >= fr.field) {
                return Err(invalid(format!("{what}: field rules not sorted")));
            }
            prev = Some(fr.field);
            v.rules(&fr.rules, o, &what)?;
        }
        if let Some(star) = &c.star {
            v.rules(star, o, &what)?;
        }
        for r in c.review_route.iter().chain(c.escalate_route.iter()) {
            v.approver(&r.approver)?;
        }
        for req in &c.require {
            v.approver(&req.approver)?;
            if let Some(w) = req.when {
                v.cond(w, o, &what)?;
            }
        }
        if let Some(rb) = &c.rollback {
            if let Some(k) = rb.keep_text {
                v.str(k)?;
            }
            for a in &rb.notify {
                v.approver(a)?;
            }
        }
    }
    // The evaluator only looks at the contracts the index lists: an index
    // that dropped one would silently drop its exclusions and caps.
    if t.index != expected_index(t) {
        return Err(invalid(
            "the per-event contract index does not match the contracts' objects and triggers",
        ));
    }
    Ok(())
}
