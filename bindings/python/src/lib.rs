//! `crmc._crmc`: the evaluator of `crmc-eval` for Python. A decision is
//! exactly the line `crmc eval` prints for the same mutation, handed back
//! as `json.loads` of that line; nothing here decides anything itself.

mod batch;
mod to_json;

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use std::sync::Arc;

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
    /// `json.loads`, looked up once.
    loads: Py<PyAny>,
}

fn load(py: Python<'_>, bytes: &[u8], what: &str) -> PyResult<Table> {
    let inner = crmc_eval::Table::from_bytes(bytes)
        .map_err(|e| CrmcError::new_err(format!("{what} is not a usable decision table: {e}")))?;
    let loads = py.import("json")?.getattr("loads")?.unbind();
    Ok(Table {
        inner: Arc::new(inner),
        loads,
    })
}

#[pymethods]
impl Table {
    /// Loads the table file at `path` (written by `crmc build -o FILE`).
    /// Raises `CrmcError` if it cannot be read or is not a valid table.
    #[staticmethod]
    fn load(py: Python<'_>, path: std::path::PathBuf) -> PyResult<Table> {
        let bytes = std::fs::read(&path)
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
        let line = match batch::to_text(mutation) {
            batch::Text::Str(s) => s,
            batch::Text::Owned(s) => std::borrow::Cow::Owned(s),
            batch::Text::Bad(message) => return Err(CrmcError::new_err(message)),
        };
        let decided = batch::decide_one(&self.inner, &line).map_err(CrmcError::new_err)?;
        self.loads.call1(py, (PyString::new(py, &decided),))
    }

    /// Decides every mutation of `mutations` (an iterable of dicts and JSON
    /// strings), in order, releasing the GIL while deciding. Returns a list
    /// with one entry per item: its decision, or, for an item that cannot
    /// be decided, the error object `crmc eval` prints for such a line
    /// (`{"error": {"line": N, "message": ...}}`, N the item's 1-based
    /// position). Never raises for a bad item.
    fn decide_many(&self, py: Python<'_>, mutations: &Bound<'_, PyAny>) -> PyResult<Py<PyList>> {
        batch::decide_many(py, &self.inner, self.loads.bind(py), mutations)
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
