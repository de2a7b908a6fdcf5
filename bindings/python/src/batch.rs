//! Turning Python items into mutation text and deciding them: one at a
//! time ([`decide_one`]) or in chunks on one kept [`Evaluator`], answering
//! each item as `crmc eval` answers a line ([`Evaluator::decide_line_into`]).
//! A chunk is decided without the GIL (on a worker thread once there is
//! more than one chunk, while the previous chunk's Python data is built,
//! [`crate::to_py`]).

use crate::to_json::{type_name, write_json};
use crate::to_py::{build, Build, Strs};
use crmc_eval::{error_line, too_long, Evaluator, Table, DEFAULT_MAX_LINE_BYTES, EMPTY_LINE};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyIterator, PyList, PyString};
use std::ops::Range;
use std::sync::mpsc::{sync_channel, SyncSender};

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
    let mut first = Chunk::default();
    first.gather(&mut iter, 0)?;
    if first.items.len() < CHUNK {
        // All of it in one chunk: decided here, no thread to start.
        decide_here(py, table, first, &mut iter, &mut emit, &result)?;
        return Ok(result.unbind());
    }
    // More: a worker thread decides chunk k+1 (no GIL) while this one
    // builds chunk k's Python data (GIL), so deciding costs no time here.
    std::thread::scope(|scope| {
        let (to_worker, work) = sync_channel::<Chunk>(1);
        let (to_main, mut decided) = sync_channel::<Chunk>(1);
        let worker = std::thread::Builder::new()
            .name("crmc-decide".to_string())
            .spawn_scoped(scope, move || {
                let mut ev = Evaluator::new(table);
                for mut c in work {
                    c.decide(&mut ev);
                    if to_main.send(c).is_err() {
                        break;
                    }
                }
            });
        if worker.is_err() {
            // No thread to be had: every chunk is decided here instead.
            decide_here(py, table, first, &mut iter, &mut emit, &result)?;
            return Ok(result.unbind());
        }
        let mut base = first.items.len();
        let mut in_flight = 1usize;
        send(&to_worker, first)?;
        let mut spare = Some(Chunk::default());
        let mut more = true;
        while in_flight > 0 {
            if more {
                if let Some(mut c) = spare.take() {
                    c.gather(&mut iter, base)?;
                    if c.items.is_empty() {
                        more = false;
                    } else {
                        base += c.items.len();
                        in_flight += 1;
                        send(&to_worker, c)?;
                        continue;
                    }
                }
            }
            // The receiver is not Sync: it goes into the GIL-free closure
            // and comes back out.
            let (rx, got) = py.allow_threads(move || {
                let got = decided.recv();
                (decided, got)
            });
            decided = rx;
            let c = got.map_err(|_| worker_gone())?;
            in_flight -= 1;
            c.build(py, &mut emit, &result)?;
            spare = Some(c);
        }
        Ok(result.unbind())
    })
}

/// Decides `c` and every later chunk on this thread, one after the other
/// (the GIL released while each is decided).
fn decide_here<'py>(
    py: Python<'py>,
    table: &Table,
    mut c: Chunk,
    iter: &mut Bound<'py, PyIterator>,
    emit: &mut Emit<'_, 'py>,
    result: &Bound<'py, PyList>,
) -> PyResult<()> {
    let mut ev = Evaluator::new(table);
    loop {
        py.allow_threads(|| c.decide(&mut ev));
        c.build(py, emit, result)?;
        if c.items.len() < CHUNK {
            // A short chunk: the iterator is exhausted.
            return Ok(());
        }
        let base = c.base + c.items.len();
        c.gather(iter, base)?;
        if c.items.is_empty() {
            return Ok(());
        }
    }
}

fn send(to: &SyncSender<Chunk>, c: Chunk) -> PyResult<()> {
    to.send(c).map_err(|_| worker_gone())
}

fn worker_gone() -> PyErr {
    pyo3::exceptions::PyRuntimeError::new_err("internal error: the deciding thread stopped")
}

/// A chunk of items: their texts (held), then their answer lines.
#[derive(Default)]
struct Chunk {
    /// Items before this chunk.
    base: usize,
    texts: Vec<u8>,
    items: Vec<Item>,
    out: Vec<u8>,
    lines: Vec<Range<usize>>,
}

impl Chunk {
    /// Takes up to [`CHUNK`] items (holding the GIL).
    fn gather(&mut self, iter: &mut Bound<'_, PyIterator>, base: usize) -> PyResult<()> {
        self.base = base;
        self.texts.clear();
        self.items.clear();
        for item in iter.by_ref().take(CHUNK) {
            let start = self.texts.len();
            self.items.push(match push_text(&item?, &mut self.texts) {
                Ok(()) => Item::Text(start..self.texts.len()),
                Err(message) => Item::Bad(message),
            });
        }
        Ok(())
    }

    fn decide(&mut self, ev: &mut Evaluator<'_>) {
        decide_chunk(
            ev,
            &self.texts,
            &self.items,
            self.base,
            &mut self.out,
            &mut self.lines,
        );
    }

    /// Appends the answers' Python values to `result` (holding the GIL).
    fn build<'py>(
        &self,
        py: Python<'py>,
        emit: &mut Emit<'_, 'py>,
        result: &Bound<'py, PyList>,
    ) -> PyResult<()> {
        for r in &self.lines {
            let line = self.out.get(r.clone()).unwrap_or_default();
            result.append(emit.emit(py, line)?)?;
        }
        Ok(())
    }
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
