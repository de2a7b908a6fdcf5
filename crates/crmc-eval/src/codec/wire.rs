//! The encoding's primitives: a bounds-checked reader, LEB128 varints,
//! zigzag integers, little-endian floats, length-prefixed strings and
//! lists, one-byte tags for `Option`. Every read is checked, so truncated
//! or crafted bytes are an error, never a panic; a list reserves no more
//! than its remaining bytes can hold.

use super::LoadError;

pub(crate) struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// A reader of `b` starting at byte `pos`.
    pub(super) fn at(b: &'a [u8], pos: usize) -> Reader<'a> {
        Reader { b, pos }
    }

    /// Where the next read starts.
    pub(super) fn pos(&self) -> usize {
        self.pos
    }
    pub(super) fn byte(&mut self) -> Result<u8, LoadError> {
        let b = *self.b.get(self.pos).ok_or(LoadError::Truncated)?;
        self.pos += 1;
        Ok(b)
    }
    pub(super) fn take(&mut self, n: usize) -> Result<&'a [u8], LoadError> {
        let end = self.pos.checked_add(n).ok_or(LoadError::Truncated)?;
        let s = self.b.get(self.pos..end).ok_or(LoadError::Truncated)?;
        self.pos = end;
        Ok(s)
    }
    pub(super) fn remaining(&self) -> usize {
        self.b.len().saturating_sub(self.pos)
    }
    pub(super) fn varint(&mut self) -> Result<u64, LoadError> {
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

pub(super) fn bad_tag(what: &str, tag: u8) -> LoadError {
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

impl<T: Wire> Wire for [T; 4] {
    fn put(&self, w: &mut Vec<u8>) {
        for v in self {
            v.put(w);
        }
    }
    fn get(r: &mut Reader<'_>) -> Result<[T; 4], LoadError> {
        Ok([T::get(r)?, T::get(r)?, T::get(r)?, T::get(r)?])
    }
}

pub(super) trait GetLe: Sized {
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
