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
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Deeper than this goes to `json.loads` (a decision is a few levels deep).
const MAX_DEPTH: usize = 64;
/// Strings at most this long are shared; longer ones (mostly reasons,
/// which vary with the mutation) are made fresh.
const SHARED_MAX_LEN: usize = 48;
/// At most this many shared strings, so mutation-chosen values (echoed in
/// audit entries) cannot grow the cache without bound.
const SHARED_MAX: usize = 4096;

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

/// FxHash (rustc's): the shared strings are short and not adversarial in
/// any way that matters (a collision costs a comparison, the cache is
/// capped), so SipHash's cost buys nothing here.
#[derive(Default)]
pub struct Fx(u64);

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut w = [0u8; 8];
            w[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// Python strings made once and shared across decisions: keys, outcomes,
/// contract and field names, approvers.
#[derive(Default)]
pub struct Strs {
    map: HashMap<Box<str>, Py<PyString>, BuildHasherDefault<Fx>>,
}

impl Strs {
    fn get<'py>(&mut self, py: Python<'py>, s: &str) -> Bound<'py, PyString> {
        if s.len() > SHARED_MAX_LEN {
            return PyString::new(py, s);
        }
        if let Some(p) = self.map.get(s) {
            return p.bind(py).clone();
        }
        let p = PyString::new(py, s);
        if self.map.len() < SHARED_MAX {
            self.map.insert(s.into(), p.clone().unbind());
        }
        p
    }
}

/// Builds the Python value of the JSON text `line`.
pub fn build<'py>(
    py: Python<'py>,
    strs: &mut Strs,
    line: &[u8],
) -> Result<Bound<'py, PyAny>, Build> {
    let mut p = Parser {
        py,
        strs,
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
        let text = self
            .s
            .get(start..self.i)
            .and_then(|t| std::str::from_utf8(t).ok())
            .ok_or(Build::Fallback)?;
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
        loop {
            match self.peek() {
                Some(b'"') => {
                    let raw = self.s.get(start..self.i).ok_or(Build::Fallback)?;
                    self.i += 1;
                    let text = std::str::from_utf8(raw).map_err(|_| Build::Fallback)?;
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
        let raw = self.s.get(from..self.i).ok_or(Build::Fallback)?;
        buf.push_str(std::str::from_utf8(raw).map_err(|_| Build::Fallback)?);
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
        let h = self.s.get(self.i..self.i + 4).ok_or(Build::Fallback)?;
        let h = std::str::from_utf8(h).map_err(|_| Build::Fallback)?;
        if !h.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Build::Fallback);
        }
        let v = u32::from_str_radix(h, 16).map_err(|_| Build::Fallback)?;
        self.i += 4;
        Ok(v)
    }
}
