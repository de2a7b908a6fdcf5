//! `crmc._crmc`: the evaluator of `crmc-eval` for Python. A decision is
//! exactly the line `crmc eval` prints for the same mutation, handed back
//! as the Python data `json.loads` gives for that line; nothing here
//! decides anything itself.

mod batch;
mod to_json;
mod to_py;

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use std::sync::{Arc, Mutex};
use to_py::Strs;

create_exception!(
    crmc,
    CrmcError,
    PyException,
    "A table that cannot be loaded, or (from `Table.decide`) a mutation that cannot be decided; the message is the evaluator's."
);

/// A compiled decision table (`crmc build -o FILE`), validated on load.
#[pyclass(frozen, module = "crmc")]
struct Table {
    inner: Arc<crmc_eval::Table>,
    /// `json.loads`, looked up once (for what [`to_py`] leaves to it).
    loads: Py<PyAny>,
    /// The Python strings decisions share, kept across calls.
    strs: Mutex<Strs>,
}

impl Table {
    /// Runs `f` with the table's shared strings, or with a fresh set when
    /// they are in use. Never waits: the holder may be a thread that gave up
    /// the GIL (Python code, a finalizer, can run while objects are made),
    /// and waiting for it while holding the GIL would deadlock.
    fn with_strs<R>(&self, f: impl FnOnce(&mut Strs) -> R) -> R {
        match self.strs.try_lock() {
            Ok(mut s) => f(&mut s),
            Err(_) => f(&mut Strs::default()),
        }
    }
}

fn load(py: Python<'_>, bytes: &[u8], what: &str) -> PyResult<Table> {
    let inner = crmc_eval::Table::from_bytes(bytes)
        .map_err(|e| CrmcError::new_err(format!("{what} is not a usable decision table: {e}")))?;
    let loads = py.import("json")?.getattr("loads")?.unbind();
    Ok(Table {
        inner: Arc::new(inner),
        loads,
        strs: Mutex::new(Strs::default()),
    })
}

#[pymethods]
impl Table {
    /// Loads the table file at `path` (written by `crmc build -o FILE`).
    /// Raises `CrmcError` if it cannot be read or is not a valid table.
    #[staticmethod]
    fn load(py: Python<'_>, path: std::path::PathBuf) -> PyResult<Table> {
        let bytes = crmc_eval::file::read_table_file(&path)
            .map_err(|e| CrmcError::new_err(format!("cannot read `{}`: {e}", path.display())))?;
        load(py, &bytes, &format!("`{}`", path.display()))
    }

    /// Loads a table from the bytes of a table file. Raises `CrmcError` if
    /// they are not a valid table.
    #[staticmethod]
    fn from_bytes(py: Python<'_>, data: &[u8]) -> PyResult<Table> {
        load(py, data, "the data")
    }

    /// Decides one mutation (language-v1 §7), given as a dict or a JSON
    /// string. Returns the decision as plain Python data: what `json.loads`
    /// gives for the line `crmc eval` prints for it. Raises `CrmcError`
    /// when the mutation cannot be decided (invalid JSON, a value JSON
    /// cannot hold exactly, a missing or malformed key, an unknown object).
    fn decide(&self, py: Python<'_>, mutation: &Bound<'_, PyAny>) -> PyResult<PyObject> {
        let mut text = Vec::with_capacity(512);
        batch::push_text(mutation, &mut text).map_err(CrmcError::new_err)?;
        let text = String::from_utf8(text).map_err(|e| CrmcError::new_err(e.to_string()))?;
        let mut out = Vec::with_capacity(1024);
        batch::decide_one(&self.inner, &text, &mut out).map_err(CrmcError::new_err)?;
        let loads = self.loads.bind(py);
        self.with_strs(|strs| batch::to_python(py, strs, loads, &out).map(Bound::unbind))
    }

    /// Decides every mutation of `mutations` (an iterable of dicts and JSON
    /// strings), in order, releasing the GIL while deciding. Returns a list
    /// with one entry per item: its decision, or, for an item that cannot
    /// be decided, the error object `crmc eval` prints for such a line
    /// (`{"error": {"line": N, "message": ...}}`, N the item's 1-based
    /// position). Never raises for a bad item.
    fn decide_many(&self, py: Python<'_>, mutations: &Bound<'_, PyAny>) -> PyResult<Py<PyList>> {
        let loads = self.loads.bind(py);
        self.with_strs(|strs| {
            let emit = batch::Emit::Data(strs, loads);
            batch::decide_many(py, &self.inner, emit, mutations)
        })
    }

    /// `decide_many`, each answer given as its JSON text: exactly the line
    /// `crmc eval` prints for the item (without the newline; an error
    /// line's `line` is the item's 1-based position). For callers that
    /// store or forward decisions as JSON anyway: making Python dicts is
    /// most of what `decide_many` costs, and this makes one str per item.
    fn decide_many_json(
        &self,
        py: Python<'_>,
        mutations: &Bound<'_, PyAny>,
    ) -> PyResult<Py<PyList>> {
        batch::decide_many(py, &self.inner, batch::Emit::Text, mutations)
    }

    /// The contracts in the table, in table order: one dict per contract
    /// with `name`, `version`, `object` and `actor` (`{"kind", "name"}`,
    /// `name` None for any actor of that kind).
    #[getter]
    fn contracts(&self, py: Python<'_>) -> PyResult<Py<PyList>> {
        let t = &self.inner;
        let list = PyList::empty(py);
        for c in &t.contracts {
            let d = PyDict::new(py);
            d.set_item("name", t.str(c.name))?;
            d.set_item("version", c.version)?;
            d.set_item("object", t.object(c.object).map(|o| t.str(o.name)))?;
            let actor = PyDict::new(py);
            actor.set_item("kind", c.actor_kind.as_str())?;
            actor.set_item("name", c.actor_name.map(|n| t.str(n)))?;
            d.set_item("actor", actor)?;
            list.append(d)?;
        }
        Ok(list.unbind())
    }

    /// The version of the compiler that built the table.
    #[getter]
    fn compiler_version(&self) -> String {
        self.inner.compiler_version.clone()
    }

    fn __repr__(&self) -> String {
        format!(
            "<crmc.Table: {} contracts, built by crmc {}>",
            self.inner.contracts.len(),
            self.inner.compiler_version
        )
    }
}

#[pymodule]
fn _crmc(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Table>()?;
    m.add("CrmcError", m.py().get_type::<CrmcError>())?;
    Ok(())
}
