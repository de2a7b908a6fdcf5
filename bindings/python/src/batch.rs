//! Turning Python items into mutation lines and deciding them: one at a
//! time ([`decide_one`]) or in chunks through `decide_stream`, the code
//! `crmc eval` runs, with the GIL released while a chunk is decided.

use crate::to_json::{type_name, write_json};
use crmc_eval::{decide_line, decide_stream, error_line, Table, DEFAULT_MAX_LINE_BYTES};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use std::borrow::Cow;

/// Items gathered (holding the GIL) before a chunk is decided without it:
/// large enough that the GIL round trip is noise, small enough that a
/// generator's items are not all held at once.
const CHUNK: usize = 4096;

/// `crmc eval`'s message for a blank line (decisions.md 10).
const EMPTY_LINE: &str = "empty line: not a mutation";

/// What an item of `decide`/`decide_many` is as mutation text.
pub enum Text<'a> {
    Str(Cow<'a, str>),
    Owned(String),
    /// Neither a dict nor a JSON string, or a dict JSON cannot hold exactly.
    Bad(String),
}

pub fn to_text<'a>(obj: &'a Bound<'_, PyAny>) -> Text<'a> {
    if let Ok(s) = obj.downcast::<PyString>() {
        return match s.to_cow() {
            Ok(c) => Text::Str(c),
            Err(_) => Text::Bad("invalid JSON: the str holds a lone surrogate".to_string()),
        };
    }
    if obj.downcast::<PyDict>().is_ok() {
        let mut out = Vec::with_capacity(512);
        return match write_json(obj, &mut out).map(|()| String::from_utf8(out)) {
            Ok(Ok(s)) => Text::Owned(s),
            Ok(Err(e)) => Text::Bad(format!("not JSON: {e}")),
            Err(message) => Text::Bad(message),
        };
    }
    Text::Bad(format!(
        "not a mutation: expected a dict or a JSON string, got {}",
        type_name(obj)
    ))
}

/// The checks `crmc eval` makes on a line before parsing it.
fn precheck(line: &str) -> Result<(), String> {
    if line.len() > DEFAULT_MAX_LINE_BYTES {
        Err(format!(
            "line too long: {} bytes, the limit is {DEFAULT_MAX_LINE_BYTES}",
            line.len()
        ))
    } else if line.trim().is_empty() {
        Err(EMPTY_LINE.to_string())
    } else {
        Ok(())
    }
}

/// One mutation's decision line, or the message of its error.
pub fn decide_one(table: &Table, line: &str) -> Result<String, String> {
    precheck(line)?;
    crmc_eval::decide_json(table, line).map_err(|e| e.message)
}

/// How an item of a chunk is decided.
enum Slot {
    /// Its line is in the chunk's NDJSON.
    Stream,
    /// Text with a line break, which NDJSON cannot carry: decided on its
    /// own (a blank placeholder line holds its place in the NDJSON).
    Alone(String),
    /// Not decidable: this error message (placeholder line likewise).
    Error(String),
}

pub fn decide_many(
    py: Python<'_>,
    table: &Table,
    loads: &Bound<'_, PyAny>,
    items: &Bound<'_, PyAny>,
) -> PyResult<Py<PyList>> {
    // The cyclic GC would rescan the growing result list (every decision
    // is a few dicts) again and again while the batch is built: a batch
    // makes no cycles, so it is paused for the call and restored after.
    let gc = py.import("gc")?;
    let was_enabled = gc.call_method0("isenabled")?.is_truthy()?;
    if was_enabled {
        gc.call_method0("disable")?;
    }
    let r = decide_all(py, table, loads, items);
    if was_enabled {
        gc.call_method0("enable")?;
    }
    r
}

fn decide_all(
    py: Python<'_>,
    table: &Table,
    loads: &Bound<'_, PyAny>,
    items: &Bound<'_, PyAny>,
) -> PyResult<Py<PyList>> {
    let result = PyList::empty(py);
    let mut iter = items.try_iter()?;
    let mut done = 0usize;
    let mut ndjson: Vec<u8> = Vec::new();
    let mut slots: Vec<Slot> = Vec::with_capacity(CHUNK);
    loop {
        ndjson.clear();
        slots.clear();
        for item in iter.by_ref().take(CHUNK) {
            let item = item?;
            let slot = match to_text(&item) {
                Text::Str(s) => stream_or_alone(&s, &mut ndjson),
                Text::Owned(s) => stream_or_alone(&s, &mut ndjson),
                Text::Bad(message) => Slot::Error(message),
            };
            if !matches!(slot, Slot::Stream) {
                ndjson.push(b'\n');
            }
            slots.push(slot);
        }
        if slots.is_empty() {
            break;
        }
        let array = py.allow_threads(|| decide_chunk(table, &ndjson, &slots, done))?;
        let decided = loads.call1((PyString::new(py, &array),))?;
        for (i, d) in decided.try_iter()?.enumerate() {
            let d = d?;
            renumber(&d, done + i + 1)?;
            result.append(d)?;
        }
        done += slots.len();
    }
    Ok(result.unbind())
}

fn stream_or_alone(s: &str, ndjson: &mut Vec<u8>) -> Slot {
    if s.contains(['\n', '\r']) {
        Slot::Alone(s.to_string())
    } else {
        ndjson.extend_from_slice(s.as_bytes());
        ndjson.push(b'\n');
        Slot::Stream
    }
}

/// The chunk's decisions as one JSON array text (one `json.loads` call
/// for the chunk). `decide_stream` numbers error lines from 1 in each
/// chunk: [`renumber`] puts the item's position in afterwards.
fn decide_chunk(table: &Table, ndjson: &[u8], slots: &[Slot], base: usize) -> PyResult<String> {
    let mut out: Vec<u8> = Vec::with_capacity(ndjson.len() * 2 + 1024);
    decide_stream(table, ndjson, &mut out)?;
    let mut array = String::with_capacity(out.len() + 2);
    array.push('[');
    let lines = out.split(|b| *b == b'\n');
    let mut n = 0;
    for (i, (line, slot)) in lines.zip(slots).enumerate() {
        if i > 0 {
            array.push(',');
        }
        let no = base + i + 1;
        match slot {
            Slot::Stream => array.push_str(&String::from_utf8_lossy(line)),
            Slot::Alone(s) => match precheck(s) {
                Ok(()) => array.push_str(&decide_line(table, s, no)),
                Err(message) => array.push_str(&error_line(no, &message)),
            },
            Slot::Error(message) => array.push_str(&error_line(no, message)),
        }
        n += 1;
    }
    if n != slots.len() {
        // decide_stream writes one line per input line; if that ever
        // broke, answers would shift onto the wrong items.
        return Err(pyo3::exceptions::PyRuntimeError::new_err(format!(
            "internal error: {n} decisions for {} items",
            slots.len()
        )));
    }
    array.push(']');
    Ok(array)
}

/// An error object's `line` becomes the item's 1-based position.
fn renumber(d: &Bound<'_, PyAny>, no: usize) -> PyResult<()> {
    if let Ok(d) = d.downcast::<PyDict>() {
        if let Some(e) = d.get_item("error")? {
            if let Ok(e) = e.downcast::<PyDict>() {
                e.set_item("line", no)?;
            }
        }
    }
    Ok(())
}
