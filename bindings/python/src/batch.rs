//! Turning Python items into mutation text and deciding them: one at a
//! time ([`decide_one`]) or in chunks on one kept [`Evaluator`], answering
//! each item as `crmc eval` answers a line ([`Evaluator::decide_line_into`]),
//! with the GIL released while a chunk is decided and the chunk's Python
//! data built afterwards ([`crate::to_py`]).

use crate::to_json::{type_name, write_json};
use crate::to_py::{build, Build, Strs};
use crmc_eval::{error_line, too_long, Evaluator, Table, DEFAULT_MAX_LINE_BYTES, EMPTY_LINE};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use std::ops::Range;

/// Items gathered (holding the GIL) before a chunk is decided without it:
/// large enough that the GIL round trip is noise, small enough that a
/// generator's items are not all held at once.
const CHUNK: usize = 4096;

/// Appends the mutation text of `obj` (a JSON str, or a dict written as
/// JSON) to `out`; `Err` is why it is not a mutation, with `out` as before.
pub fn push_text(obj: &Bound<'_, PyAny>, out: &mut Vec<u8>) -> Result<(), String> {
    let start = out.len();
    let r = if let Ok(s) = obj.downcast::<PyString>() {
        match s.to_cow() {
            Ok(c) => {
                out.extend_from_slice(c.as_bytes());
                Ok(())
            }
            Err(_) => Err("invalid JSON: the str holds a lone surrogate".to_string()),
        }
    } else if obj.downcast::<PyDict>().is_ok() {
        write_json(obj, out)
    } else {
        Err(format!(
            "not a mutation: expected a dict or a JSON string, got {}",
            type_name(obj)
        ))
    };
    if r.is_err() {
        out.truncate(start);
    }
    r
}

/// The checks `crmc eval` makes on a line before parsing it.
fn precheck(line: &str) -> Result<(), String> {
    if line.len() > DEFAULT_MAX_LINE_BYTES {
        Err(too_long(line.len() as u64, DEFAULT_MAX_LINE_BYTES))
    } else if line.trim().is_empty() {
        Err(EMPTY_LINE.to_string())
    } else {
        Ok(())
    }
}

/// One mutation's decision line appended to `out`, or the message of its
/// error (nothing appended).
pub fn decide_one(table: &Table, text: &str, out: &mut Vec<u8>) -> Result<(), String> {
    precheck(text)?;
    Evaluator::new(table)
        .decide_text(text, out)
        .map_err(|e| e.message)
}

/// The Python value of a decision or error line: built directly, or by
/// `json.loads` for what the builder leaves to it.
pub fn to_python<'py>(
    py: Python<'py>,
    strs: &mut Strs,
    loads: &Bound<'py, PyAny>,
    line: &[u8],
) -> PyResult<Bound<'py, PyAny>> {
    match build(py, strs, line) {
        Ok(v) => Ok(v),
        Err(Build::Py(e)) => Err(e),
        Err(Build::Fallback) => loads.call1((PyString::new(py, &String::from_utf8_lossy(line)),)),
    }
}

/// An item of a chunk: where its text is, or why it has none.
enum Item {
    Text(Range<usize>),
    Bad(String),
}

/// What each answer line becomes in the result list.
pub enum Emit<'a, 'py> {
    /// The decision as Python data (as `json.loads` of the line).
    Data(&'a mut Strs, &'a Bound<'py, PyAny>),
    /// The line itself, as a str.
    Text,
}

impl<'py> Emit<'_, 'py> {
    fn emit(&mut self, py: Python<'py>, line: &[u8]) -> PyResult<Bound<'py, PyAny>> {
        match self {
            Emit::Data(strs, loads) => to_python(py, strs, loads, line),
            Emit::Text => Ok(PyString::new(py, &String::from_utf8_lossy(line)).into_any()),
        }
    }
}

pub fn decide_many<'py>(
    py: Python<'py>,
    table: &Table,
    emit: Emit<'_, 'py>,
    items: &Bound<'py, PyAny>,
) -> PyResult<Py<PyList>> {
    // The cyclic GC would rescan the growing result list (every decision
    // is a few dicts) again and again while the batch is built: a batch
    // makes no cycles, so it is paused for the call and restored after.
    let gc = py.import("gc")?;
    let was_enabled = gc.call_method0("isenabled")?.is_truthy()?;
    if was_enabled {
        gc.call_method0("disable")?;
    }
    let r = decide_all(py, table, emit, items);
    if was_enabled {
        gc.call_method0("enable")?;
    }
    r
}

fn decide_all<'py>(
    py: Python<'py>,
    table: &Table,
    mut emit: Emit<'_, 'py>,
    items: &Bound<'py, PyAny>,
) -> PyResult<Py<PyList>> {
    let result = PyList::empty(py);
    let mut iter = items.try_iter()?;
    let mut ev = Evaluator::new(table);
    let mut done = 0usize;
    let mut texts: Vec<u8> = Vec::new();
    let mut chunk: Vec<Item> = Vec::with_capacity(CHUNK);
    let mut out: Vec<u8> = Vec::new();
    let mut lines: Vec<Range<usize>> = Vec::with_capacity(CHUNK);
    loop {
        texts.clear();
        chunk.clear();
        for item in iter.by_ref().take(CHUNK) {
            let start = texts.len();
            chunk.push(match push_text(&item?, &mut texts) {
                Ok(()) => Item::Text(start..texts.len()),
                Err(message) => Item::Bad(message),
            });
        }
        if chunk.is_empty() {
            break;
        }
        py.allow_threads(|| decide_chunk(&mut ev, &texts, &chunk, done, &mut out, &mut lines));
        for r in &lines {
            let line = out.get(r.clone()).unwrap_or_default();
            result.append(emit.emit(py, line)?)?;
        }
        done += chunk.len();
    }
    Ok(result.unbind())
}

/// Answers the chunk's items (1-based positions after `base`) into `out`,
/// one line each, `lines` saying where each is.
fn decide_chunk(
    ev: &mut Evaluator<'_>,
    texts: &[u8],
    chunk: &[Item],
    base: usize,
    out: &mut Vec<u8>,
    lines: &mut Vec<Range<usize>>,
) {
    out.clear();
    lines.clear();
    for (i, item) in chunk.iter().enumerate() {
        let no = base + i + 1;
        let start = out.len();
        match item {
            Item::Text(r) => {
                // Every text is whole UTF-8 (a str's or JSON written here).
                match std::str::from_utf8(texts.get(r.clone()).unwrap_or_default()) {
                    Ok(text) => {
                        ev.decide_line_into(text, no, out);
                    }
                    Err(e) => out.extend_from_slice(error_line(no, &e.to_string()).as_bytes()),
                }
            }
            Item::Bad(message) => out.extend_from_slice(error_line(no, message).as_bytes()),
        }
        lines.push(start..out.len());
    }
}
