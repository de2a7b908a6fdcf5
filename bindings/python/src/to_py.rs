//! A decision line (the JSON text `crmc eval` prints) → Python data,
//! without `json.loads`: the same dicts, lists, str, int, float, bool and
//! None, keys in text order. Parsing the text in Rust and creating each
//! object directly is several times faster than `json.loads` plus the
//! round trip through a Python str, and a decision's keys and most of its
//! short strings repeat from one decision to the next, so they are made
//! once and shared ([`Strs`]).
//!
//! Exactness comes first: anything this builder does not reproduce exactly
//! as `json.loads` would (an integer beyond 64 bits, a lone surrogate
//! escape, `NaN`, nesting deeper than [`MAX_DEPTH`], any malformed text) is
//! [`Build::Fallback`], and the caller hands that line to `json.loads`.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyList, PyString};

/// Deeper than this goes to `json.loads` (a decision is a few levels deep).
const MAX_DEPTH: usize = 64;
/// Strings at most this long are shared; longer ones (mostly reasons,
/// which vary with the mutation) are made fresh.
const SHARED_MAX_LEN: usize = 48;
/// [`Strs`] has 2^SLOT_BITS slots.
const SLOT_BITS: u32 = 11;
const SLOTS: usize = 1 << SLOT_BITS;

/// Why a line was not built.
pub enum Build {
    /// Not reproduced exactly here: decode it with `json.loads`.
    Fallback,
    /// Python raised (memory): propagate.
    Py(PyErr),
}

impl From<PyErr> for Build {
    fn from(e: PyErr) -> Build {
        Build::Py(e)
    }
}

/// Python strings made once and shared across decisions: keys, outcomes,
/// contract and field names, approvers. A direct-mapped cache: a string
/// goes to one slot (by its length and first and last bytes), a miss
/// replaces what was there. Lookups are a few instructions and the memory
/// is bounded by [`SLOTS`] × [`SHARED_MAX_LEN`], whatever strings the
/// mutations echo.
pub struct Strs {
    slots: Vec<Option<(Box<str>, Py<PyString>)>>,
}

impl Default for Strs {
    fn default() -> Strs {
        Strs {
            slots: std::iter::repeat_with(|| None).take(SLOTS).collect(),
        }
    }
}

impl Strs {
    fn get<'py>(&mut self, py: Python<'py>, s: &str) -> Bound<'py, PyString> {
        if s.len() > SHARED_MAX_LEN || s.is_empty() {
            return PyString::new(py, s);
        }
        let slot = self.slots.get_mut(slot_of(s.as_bytes()));
        match slot {
            Some(Some((k, v))) if **k == *s => v.bind(py).clone(),
            Some(slot) => {
                let p = PyString::new(py, s);
                *slot = Some((s.into(), p.clone().unbind()));
                p
            }
            None => PyString::new(py, s),
        }
    }
}

/// The slot of a non-empty string of at most [`SHARED_MAX_LEN`] bytes.
fn slot_of(b: &[u8]) -> usize {
    let mut head = [0u8; 8];
    let mut tail = [0u8; 8];
    let n = b.len().min(8);
    head[..n].copy_from_slice(&b[..n]);
    tail[..n].copy_from_slice(&b[b.len() - n..]);
    let h = (u64::from_le_bytes(head) ^ u64::from_le_bytes(tail).rotate_left(29) ^ b.len() as u64)
        .wrapping_mul(0x9e37_79b9_7f4a_7c15);
    (h >> (64 - SLOT_BITS)) as usize
}

/// Builds the Python value of the JSON text `line`.
pub fn build<'py>(
    py: Python<'py>,
    strs: &mut Strs,
    line: &[u8],
) -> Result<Bound<'py, PyAny>, Build> {
    // Checked once here, so that every string is a plain slice of it.
    let text = std::str::from_utf8(line).map_err(|_| Build::Fallback)?;
    let mut p = Parser {
        py,
        strs,
        text,
        s: line,
        i: 0,
        buf: String::new(),
    };
    p.ws();
    let v = p.value(0)?;
    p.ws();
    if p.i != line.len() {
        return Err(Build::Fallback);
    }
    Ok(v)
}

struct Parser<'a, 'py> {
    py: Python<'py>,
    strs: &'a mut Strs,
    text: &'a str,
    /// `text`'s bytes.
    s: &'a [u8],
    i: usize,
    /// Unescaped text of a string with escapes.
    buf: String,
}

impl<'py> Parser<'_, 'py> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn lit(&mut self, word: &[u8]) -> Result<(), Build> {
        if self.s.get(self.i..self.i + word.len()) == Some(word) {
            self.i += word.len();
            Ok(())
        } else {
            Err(Build::Fallback)
        }
    }

    fn value(&mut self, depth: usize) -> Result<Bound<'py, PyAny>, Build> {
        if depth > MAX_DEPTH {
            return Err(Build::Fallback);
        }
        let py = self.py;
        match self.peek() {
            Some(b'{') => {
                self.i += 1;
                let d = PyDict::new(py);
                self.ws();
                if self.eat(b'}') {
                    return Ok(d.into_any());
                }
                loop {
                    self.ws();
                    if !self.eat(b'"') {
                        return Err(Build::Fallback);
                    }
                    let k = self.string()?;
                    self.ws();
                    if !self.eat(b':') {
                        return Err(Build::Fallback);
                    }
                    self.ws();
                    let v = self.value(depth + 1)?;
                    // A repeated key: json.loads keeps the first position
                    // and the last value, and so does set_item.
                    d.set_item(k, v)?;
                    self.ws();
                    if self.eat(b'}') {
                        return Ok(d.into_any());
                    }
                    if !self.eat(b',') {
                        return Err(Build::Fallback);
                    }
                }
            }
            Some(b'[') => {
                self.i += 1;
                let l = PyList::empty(py);
                self.ws();
                if self.eat(b']') {
                    return Ok(l.into_any());
                }
                loop {
                    self.ws();
                    l.append(self.value(depth + 1)?)?;
                    self.ws();
                    if self.eat(b']') {
                        return Ok(l.into_any());
                    }
                    if !self.eat(b',') {
                        return Err(Build::Fallback);
                    }
                }
            }
            Some(b'"') => {
                self.i += 1;
                Ok(self.string()?.into_any())
            }
            Some(b't') => {
                self.lit(b"true")?;
                Ok(PyBool::new(py, true).to_owned().into_any())
            }
            Some(b'f') => {
                self.lit(b"false")?;
                Ok(PyBool::new(py, false).to_owned().into_any())
            }
            Some(b'n') => {
                self.lit(b"null")?;
                Ok(py.None().into_bound(py))
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(Build::Fallback),
        }
    }

    /// A number as json.loads reads it: an int when it has neither a
    /// fraction nor an exponent, else a float. Both parsers round
    /// correctly, so the float is the same double; an int beyond i64 is a
    /// fallback.
    fn number(&mut self) -> Result<Bound<'py, PyAny>, Build> {
        let start = self.i;
        self.eat(b'-');
        match self.peek() {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(Build::Fallback),
        }
        let mut float = false;
        if self.eat(b'.') {
            float = true;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(Build::Fallback);
            }
            self.digits();
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            float = true;
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(Build::Fallback);
            }
            self.digits();
        }
        let text = self.text.get(start..self.i).ok_or(Build::Fallback)?;
        if float {
            let v: f64 = text.parse().map_err(|_| Build::Fallback)?;
            Ok(PyFloat::new(self.py, v).into_any())
        } else {
            let v: i64 = text.parse().map_err(|_| Build::Fallback)?;
            let Ok(v) = v.into_pyobject(self.py);
            Ok(v.into_any())
        }
    }

    fn digits(&mut self) {
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.i += 1;
        }
    }

    /// The string whose opening quote was just read.
    fn string(&mut self) -> Result<Bound<'py, PyString>, Build> {
        let start = self.i;
        // Straight to the first byte that is not plain string content.
        let rest = self.s.get(self.i..).unwrap_or_default();
        self.i += rest
            .iter()
            .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
            .unwrap_or(rest.len());
        loop {
            match self.peek() {
                Some(b'"') => {
                    // Quotes are ASCII: always on a character boundary.
                    let text = self.text.get(start..self.i).ok_or(Build::Fallback)?;
                    self.i += 1;
                    return Ok(self.strs.get(self.py, text));
                }
                Some(b'\\') => break,
                // A raw control character: json.loads (strict) refuses it.
                Some(0..=0x1f) | None => return Err(Build::Fallback),
                Some(_) => self.i += 1,
            }
        }
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        let r = self.escaped(start, &mut buf);
        let out = r.map(|()| self.strs.get(self.py, &buf));
        self.buf = buf;
        out
    }

    /// The rest of a string with escapes, from `start`, unescaped into `buf`.
    fn escaped(&mut self, start: usize, buf: &mut String) -> Result<(), Build> {
        let mut run = start;
        loop {
            match self.peek() {
                Some(b'"') => {
                    self.push_raw(run, buf)?;
                    self.i += 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    self.push_raw(run, buf)?;
                    self.i += 1;
                    let e = self.peek().ok_or(Build::Fallback)?;
                    self.i += 1;
                    let c = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode()?,
                        _ => return Err(Build::Fallback),
                    };
                    buf.push(c);
                    run = self.i;
                }
                Some(0..=0x1f) | None => return Err(Build::Fallback),
                Some(_) => self.i += 1,
            }
        }
    }

    fn push_raw(&self, from: usize, buf: &mut String) -> Result<(), Build> {
        buf.push_str(self.text.get(from..self.i).ok_or(Build::Fallback)?);
        Ok(())
    }

    /// The character of a `\\u` escape whose `u` was just read; a surrogate
    /// pair is one character. A lone surrogate (which json.loads keeps as
    /// such in a str, and UTF-8 cannot hold) is a fallback.
    fn unicode(&mut self) -> Result<char, Build> {
        let hi = self.hex4()?;
        let code = match hi {
            0xD800..=0xDBFF => {
                self.lit(b"\\u")?;
                let lo = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&lo) {
                    return Err(Build::Fallback);
                }
                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(Build::Fallback),
            c => c,
        };
        char::from_u32(code).ok_or(Build::Fallback)
    }

    fn hex4(&mut self) -> Result<u32, Build> {
        let h = self.text.get(self.i..self.i + 4).ok_or(Build::Fallback)?;
        if !h.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Build::Fallback);
        }
        let v = u32::from_str_radix(h, 16).map_err(|_| Build::Fallback)?;
        self.i += 4;
        Ok(v)
    }
}
