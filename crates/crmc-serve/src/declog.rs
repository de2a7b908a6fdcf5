//! `--decision-log FILE`: one NDJSON line per decided item, appended
//! before the answer is sent.
//!
//! A line is `{"time","identity","table","contracts","input"|"input_text","answer"}`:
//! the server time, the token identity that asked (`null` without
//! `--auth`), the table's SHA-256, the deciding contracts' versions, the
//! text decided (as JSON; as a string when it is not JSON) and the answer
//! line itself. Replaying `input` through `crmc eval` with the table of
//! that checksum gives `answer` again.
//!
//! Durability: a request's lines are written with one `write` to the file
//! (no user-space buffer) before the response is sent, so a line that was
//! answered survives the process being killed; with `--fsync always` the
//! file is also `fsync`ed before answering (survives power loss). A write
//! that fails is truncated away (no torn line stays in the file) and the
//! request gets a 503 instead of its decisions.

use crate::config::Fsync;
use serde_json::Value;
use std::fmt::Write as _;
use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::{Mutex, PoisonError};

pub struct DecisionLog {
    file: Mutex<File>,
    fsync: Fsync,
}

/// One item's record, before it is rendered.
pub struct Entry<'a> {
    pub input: &'a str,
    pub answer: &'a str,
}

impl DecisionLog {
    /// When lines are forced to disk (`/v1/table` and the banner say it).
    pub fn fsync(&self) -> Fsync {
        self.fsync
    }

    pub fn open(path: &Path, fsync: Fsync) -> Result<DecisionLog, String> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| format!("cannot open decision log `{}`: {e}", path.display()))?;
        Ok(DecisionLog {
            file: Mutex::new(file),
            fsync,
        })
    }

    /// Renders and appends one request's lines; an error means nothing of
    /// them is in the file.
    pub fn append(
        &self,
        time: &str,
        identity: Option<&str>,
        loaded: &crate::tables::Loaded,
        entries: &[Entry<'_>],
    ) -> std::io::Result<()> {
        let mut buf = String::with_capacity(entries.len() * 1024);
        for e in entries {
            render(&mut buf, time, identity, loaded, e);
        }
        let mut file = self.file.lock().unwrap_or_else(PoisonError::into_inner);
        let start = file.metadata()?.len();
        let result = file
            .write_all(buf.as_bytes())
            .and_then(|()| match self.fsync {
                Fsync::Always => file.sync_data(),
                Fsync::Never => Ok(()),
            });
        if result.is_err() {
            // Best effort: a torn line must not stay to corrupt the next one.
            let _ = file.set_len(start);
        }
        result
    }
}

fn render(
    buf: &mut String,
    time: &str,
    identity: Option<&str>,
    loaded: &crate::tables::Loaded,
    e: &Entry<'_>,
) {
    let q = |s: &str| Value::String(s.to_string()).to_string();
    let _ = write!(
        buf,
        "{{\"time\":{},\"identity\":{},\"table\":{},\"contracts\":{{",
        q(time),
        identity.map_or("null".to_string(), q),
        q(&loaded.checksum)
    );
    let mut names: Vec<String> = deciding_contracts(e.answer);
    names.sort_unstable();
    names.dedup();
    for (i, name) in names.iter().enumerate() {
        let version = loaded.versions.get(name.as_str()).copied().unwrap_or(0);
        let sep = if i == 0 { "" } else { "," };
        let _ = write!(buf, "{sep}{}:{version}", q(name));
    }
    buf.push_str("},");
    // A JSON text stays JSON with its line breaks made spaces (JSON strings
    // cannot hold raw ones), which keeps the log one record a line.
    if serde_json::from_str::<serde::de::IgnoredAny>(e.input).is_ok() {
        buf.push_str("\"input\":");
        buf.extend(e.input.chars().map(|c| match c {
            '\n' | '\r' => ' ',
            c => c,
        }));
    } else {
        buf.push_str("\"input_text\":");
        buf.push_str(&q(e.input));
    }
    buf.push_str(",\"answer\":");
    buf.push_str(e.answer);
    buf.push_str("}\n");
}

/// The contracts named in a decision line's `fields` (none for an error).
fn deciding_contracts(answer: &str) -> Vec<String> {
    let v: Value = match serde_json::from_str(answer) {
        Ok(v) => v,
        Err(_) => return Vec::new(),
    };
    v.get("fields")
        .and_then(Value::as_object)
        .map(|fields| {
            fields
                .values()
                .filter_map(|f| f.get("contract").and_then(Value::as_str))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}
