//! Python data → JSON text, exactly: the text is then decided by the same
//! evaluator path as a `crmc eval` line, so a dict and its `json.dumps`
//! decide alike. Anything JSON cannot say exactly is refused rather than
//! coerced (NaN/inf, non-`str` keys, sets, bytes, custom objects), since a
//! silently changed value could change a decision.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde::Serialize;

/// Deeper than this is refused before recursing further, so a
/// self-referencing or absurdly nested dict cannot overflow the stack. The
/// evaluator's JSON parser refuses far shallower nesting (128) with its own
/// message, which is the one a caller normally sees.
const MAX_DEPTH: usize = 512;

/// Appends `obj` as JSON to `out`; `Err` says what could not be converted.
pub fn write_json(obj: &Bound<'_, PyAny>, out: &mut Vec<u8>) -> Result<(), String> {
    write_value(obj, out, 0)
}

fn write_value(obj: &Bound<'_, PyAny>, out: &mut Vec<u8>, depth: usize) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Err(format!("not JSON: nested deeper than {MAX_DEPTH} levels"));
    }
    if obj.is_none() {
        out.extend_from_slice(b"null");
    } else if let Ok(s) = obj.downcast::<PyString>() {
        write_str(s, out)?;
    } else if let Ok(b) = obj.downcast::<PyBool>() {
        // Before int: bool is a subclass of int.
        out.extend_from_slice(if b.is_true() { b"true" } else { b"false" });
    } else if let Ok(i) = obj.downcast::<PyInt>() {
        write_int(i, out)?;
    } else if let Ok(f) = obj.downcast::<PyFloat>() {
        let v = f.value();
        if !v.is_finite() {
            return Err(format!("not JSON: the float {v} has no JSON form"));
        }
        serialize(&v, out)?;
    } else if let Ok(d) = obj.downcast::<PyDict>() {
        out.push(b'{');
        for (n, (k, v)) in d.iter().enumerate() {
            if n > 0 {
                out.push(b',');
            }
            let key = k.downcast::<PyString>().map_err(|_| {
                format!("not JSON: a dict key must be a str, not {}", type_name(&k))
            })?;
            write_str(key, out)?;
            out.push(b':');
            write_value(&v, out, depth + 1)?;
        }
        out.push(b'}');
    } else if let Ok(l) = obj.downcast::<PyList>() {
        write_seq(l.iter(), out, depth)?;
    } else if let Ok(t) = obj.downcast::<PyTuple>() {
        write_seq(t.iter(), out, depth)?;
    } else {
        return Err(format!(
            "not JSON: a value of type {} has no JSON form",
            type_name(obj)
        ));
    }
    Ok(())
}

fn write_seq<'py>(
    items: impl Iterator<Item = Bound<'py, PyAny>>,
    out: &mut Vec<u8>,
    depth: usize,
) -> Result<(), String> {
    out.push(b'[');
    for (n, v) in items.enumerate() {
        if n > 0 {
            out.push(b',');
        }
        write_value(&v, out, depth + 1)?;
    }
    out.push(b']');
    Ok(())
}

fn write_str(s: &Bound<'_, PyString>, out: &mut Vec<u8>) -> Result<(), String> {
    // A lone surrogate is not UTF-8 and has no exact JSON text here.
    let text = s
        .to_cow()
        .map_err(|_| "not JSON: a str holds a lone surrogate".to_string())?;
    serialize(text.as_ref(), out)
}

fn write_int(i: &Bound<'_, PyInt>, out: &mut Vec<u8>) -> Result<(), String> {
    if let Ok(v) = i.extract::<i64>() {
        return serialize(&v, out);
    }
    // Beyond 64 bits: int's own decimal text (not str(), which an int
    // subclass such as an IntEnum may override), as `json.dumps` writes it.
    let text = i
        .py()
        .get_type::<PyInt>()
        .call_method1("__repr__", (i,))
        .and_then(|r| r.extract::<String>())
        .map_err(|e| format!("not JSON: {e}"))?;
    out.extend_from_slice(text.as_bytes());
    Ok(())
}

fn serialize<T: Serialize + ?Sized>(v: &T, out: &mut Vec<u8>) -> Result<(), String> {
    let mut ser = serde_json::Serializer::new(out);
    v.serialize(&mut ser).map_err(|e| format!("not JSON: {e}"))
}

pub fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".to_string())
}
