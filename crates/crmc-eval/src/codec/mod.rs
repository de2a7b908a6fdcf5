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

mod rows;
mod validate;
mod wire;

pub use validate::{expected_index, validate};
pub(crate) use wire::Reader;

use crate::table::Table;
use std::fmt;
use wire::{GetLe, Wire};

pub const MAGIC: &[u8; 4] = b"CRMC";
/// The format this crate writes and the newest it reads.
/// 3: triggers are causes (signal, schedule and other-object triggers; the
/// contract index per cause kind). 4: `sample N% for review` (a
/// contract's sample rates). 5: guardrails. 6: provenance conditions
/// (`set by`, `source of`).
pub const FORMAT_VERSION: u16 = 6;

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
        self.guardrails.put(&mut body);
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
        let mut r = Reader::at(bytes, 4);
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
        let cv_start = r.pos();
        let compiler_version = String::get(&mut r)?;
        let cv_end = r.pos();
        let stored = u64::get_le(&mut r)?;
        let mut h = Fnv64::default();
        h.update(bytes.get(cv_start..cv_end).unwrap_or(&[]));
        h.update(bytes.get(r.pos()..).unwrap_or(&[]));
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
            guardrails: Wire::get(&mut r)?,
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
