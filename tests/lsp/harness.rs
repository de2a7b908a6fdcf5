//! A recorded-session harness for `crmc lsp`, after nickel's lsp-harness:
//! a case file holds the documents (with cursor markers `$0`…`$9`) and
//! the steps; the real binary is driven over stdio and every answer is
//! written into a transcript, with the workspace's paths normalised.
//!
//! Case syntax, one section per `### ` line:
//!
//! - `### file NAME` / `### disk NAME`: a document (opened / only on disk);
//! - `### change NAME`: the document's new full text (didChange);
//! - `### save NAME`, `### close NAME`;
//! - `### hover NAME $N`, `### definition NAME $N`, `### completion NAME $N`;
//! - `### formatting NAME`, `### symbols NAME`, `### actions NAME $N`;
//! - `### request METHOD` + a JSON params body;
//! - `### raw`: the body sent to stdin byte for byte (`\r\n` for `\n`);
//! - `### diagnostics`: the diagnostics shown now, per file.

use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// How long to wait for one message before calling the server hung (a
/// guard against a hanging test, not a speed assertion).
const HANG: Duration = Duration::from_secs(120);

pub struct Section {
    pub head: String,
    pub body: String,
}

pub fn sections(text: &str) -> Vec<Section> {
    let mut out: Vec<Section> = Vec::new();
    for line in text.split_inclusive('\n') {
        if let Some(head) = line.strip_prefix("### ") {
            out.push(Section {
                head: head.trim().to_string(),
                body: String::new(),
            });
        } else if let Some(last) = out.last_mut() {
            last.body.push_str(line);
        }
    }
    out
}

/// The text without markers, and each marker's (line, UTF-16 column).
pub fn markers(text: &str) -> (String, BTreeMap<String, (u32, u32)>) {
    let mut clean = String::new();
    let mut found = BTreeMap::new();
    let (mut line, mut col) = (0u32, 0u32);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(|d| d.is_ascii_digit()) {
            let d = chars.next().unwrap_or('0');
            found.insert(format!("${d}"), (line, col));
            continue;
        }
        clean.push(c);
        if c == '\n' {
            line += 1;
            col = 0;
        } else {
            col += c.len_utf16() as u32;
        }
    }
    (clean, found)
}

pub struct Session {
    child: Child,
    stdin: Option<ChildStdin>,
    rx: mpsc::Receiver<Option<Value>>,
    next_id: i64,
    pub dir: PathBuf,
    /// The latest diagnostics per URI.
    pub diagnostics: BTreeMap<String, Value>,
    /// Messages that were neither the awaited response nor diagnostics.
    pub other: Vec<Value>,
}

fn read_frame(r: &mut dyn BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            length = v.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    r.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

impl Session {
    pub fn start(dir: &Path) -> Session {
        let mut child = Command::new(env!("CARGO_BIN_EXE_crmc"))
            .arg("lsp")
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("crmc lsp starts");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let msg = read_frame(&mut r);
                let end = msg.is_none();
                if tx.send(msg).is_err() || end {
                    return;
                }
            }
        });
        let stdin = child.stdin.take();
        Session {
            child,
            stdin,
            rx,
            next_id: 0,
            dir: dir.to_path_buf(),
            diagnostics: BTreeMap::new(),
            other: Vec::new(),
        }
    }

    pub fn uri(&self, name: &str) -> String {
        format!("file://{}", self.dir.join(name).display())
    }

    pub fn send_raw(&mut self, bytes: &[u8]) {
        if let Some(stdin) = self.stdin.as_mut() {
            stdin.write_all(bytes).expect("write to the server");
            stdin.flush().expect("flush");
        }
    }

    pub fn send(&mut self, msg: &Value) {
        let body = msg.to_string();
        let frame = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        self.send_raw(frame.as_bytes());
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and waits for its response (recording what else
    /// comes meanwhile).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait_for(id)
    }

    fn wait_for(&mut self, id: i64) -> Value {
        loop {
            let msg = self
                .rx
                .recv_timeout(HANG)
                .expect("the server answers")
                .expect("the server is still running");
            if msg.get("id") == Some(&json!(id)) {
                return msg;
            }
            self.record(msg);
        }
    }

    fn record(&mut self, msg: Value) {
        if msg.get("method") == Some(&json!("textDocument/publishDiagnostics")) {
            let uri = msg["params"]["uri"].as_str().unwrap_or("").to_string();
            self.diagnostics
                .insert(uri, msg["params"]["diagnostics"].clone());
        } else {
            self.other.push(msg);
        }
    }

    /// shutdown + exit; the exit status.
    pub fn finish(mut self) -> (Option<i32>, Vec<Value>) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        self.stdin = None;
        while let Ok(Some(msg)) = self.rx.recv_timeout(HANG) {
            self.record(msg);
        }
        let status = self.child.wait().expect("the server exits");
        (status.code(), self.other)
    }
}
