//! The server loop: one thread reads frames from stdin ([`transport`]),
//! the main thread handles them in order. Document changes only mark
//! units dirty; a unit is re-checked once the queue is empty or before a
//! request needs it, so a burst of keystrokes costs one check, not one
//! each. Nothing a client sends can panic the loop: bad JSON, bad params,
//! unknown methods and requests out of order all get error responses.
//!
//! Diagnostics come in two steps, because analysis is slow on a large
//! unit (seconds for 1,000 contracts) and parsing and checking are not
//! (tens of milliseconds): after an edit the syntax and type diagnostics
//! go out at once (with the unchanged files' earlier findings kept), and
//! the analyzer runs on a background thread; its findings go out when it
//! is done, unless a newer edit made them stale (then it runs again, at
//! most one run per unit at a time). `crmc/settle` waits for them. That
//! scheduling and the publishing are in [`super::publish`].

use super::documents::{Document, Documents, Overlay, ParseCache};
use super::publish::Step;
use super::unit::{self, Unit};
use super::workspace::Workspace;
use super::{convert, requests, transport};
use crate::analyze::AnalysisCache;
use crate::pipeline::FrontEnd;
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types as lsp;
use lsp_types::notification::Notification as _;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{self, Write};
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::{mpsc, Arc, Mutex};

/// What the loop waits for: a frame from the client, or a finished analysis.
pub enum Event {
    Frame(transport::Frame),
    Analyzed {
        unit: PathBuf,
        generation: u64,
        front: Box<FrontEnd>,
    },
    /// The analyzer panicked on a unit (its findings stay out).
    Failed {
        unit: PathBuf,
    },
}

/// Where the server's state lives between messages.
pub struct Server {
    pub(super) out: Box<dyn Write>,
    pub(super) docs: Documents,
    pub(super) cache: ParseCache,
    pub(super) workspace: Workspace,
    /// The last checked unit of each file (by canonical path).
    pub(super) units: HashMap<PathBuf, Rc<Unit>>,
    /// The files each unit (by its first root) last published.
    pub(super) published_by: HashMap<PathBuf, BTreeSet<String>>,
    /// Files with diagnostics showing now, by URI text.
    pub(super) showing: BTreeSet<String>,
    /// Files whose unit must be re-checked.
    pub(super) dirty: BTreeSet<PathBuf>,
    pub(super) initialized: bool,
    pub(super) shutdown: bool,
    /// Sends finished analyses to the loop (set while serving).
    pub(super) events: Option<mpsc::Sender<Event>>,
    /// Bumped at each check of a unit (by its first root): an analysis of
    /// an older generation is stale.
    pub(super) generation: HashMap<PathBuf, u64>,
    /// Units to analyze, by first root: their roots.
    pub(super) wanted: BTreeMap<PathBuf, Vec<PathBuf>>,
    /// Units being analyzed in the background.
    pub(super) running: BTreeMap<PathBuf, Vec<PathBuf>>,
    /// The analysis findings last published for each file (by URI text),
    /// with the text they were found in.
    pub(super) findings: HashMap<String, (String, Vec<lsp::Diagnostic>)>,
    /// Per unit (by first root): the per-contract analysis results of its
    /// last analysis, so an edit re-analyzes only the contracts it changed.
    pub(super) analyses: HashMap<PathBuf, Arc<Mutex<AnalysisCache>>>,
}

/// How the loop ended: `exit` after `shutdown` is a clean stop.
#[derive(Debug, PartialEq, Eq)]
pub enum Ending {
    Clean,
    /// `exit` without `shutdown`, or end of input.
    Unclean,
}

impl Server {
    pub fn new(out: Box<dyn Write>) -> Server {
        Server {
            out,
            docs: Documents::default(),
            cache: ParseCache::default(),
            workspace: Workspace::default(),
            units: HashMap::new(),
            published_by: HashMap::new(),
            showing: BTreeSet::new(),
            dirty: BTreeSet::new(),
            initialized: false,
            shutdown: false,
            events: None,
            generation: HashMap::new(),
            wanted: BTreeMap::new(),
            running: BTreeMap::new(),
            findings: HashMap::new(),
            analyses: HashMap::new(),
        }
    }

    /// Serves `input` until `exit` or its end.
    pub fn serve(mut self, input: Box<dyn io::BufRead + Send>) -> io::Result<Ending> {
        let (tx, rx) = mpsc::channel::<Event>();
        self.events = Some(tx.clone());
        // The reader thread ends at end of input or when the loop is gone.
        std::thread::spawn(move || {
            let mut input = input;
            loop {
                let frame = match transport::read(&mut *input) {
                    Ok(f) => f,
                    Err(_) => transport::Frame::Eof,
                };
                let eof = frame == transport::Frame::Eof;
                if tx.send(Event::Frame(frame)).is_err() || eof {
                    return;
                }
            }
        });
        loop {
            let Ok(event) = rx.recv() else {
                return Ok(Ending::Unclean);
            };
            if let Some(end) = self.event(event)? {
                return Ok(end);
            }
            // Take what else has arrived before checking: only the last
            // text of a document matters.
            while let Ok(event) = rx.try_recv() {
                if let Some(end) = self.event(event)? {
                    return Ok(end);
                }
            }
            self.flush()?;
        }
    }

    fn event(&mut self, event: Event) -> io::Result<Option<Ending>> {
        match event {
            Event::Frame(frame) => self.frame(frame),
            Event::Analyzed {
                unit,
                generation,
                front,
            } => {
                self.running.remove(&unit);
                if self.generation.get(&unit) == Some(&generation) {
                    let u = Rc::new(unit::with_uris(*front, &self.docs));
                    self.remember(&u);
                    self.publish(&unit, &u, Step::Analyzed)?;
                }
                self.start_analyses();
                Ok(None)
            }
            Event::Failed { unit } => {
                self.running.remove(&unit);
                self.log(&format!(
                    "crmc: the analyzer failed on the unit of `{}`; please report it",
                    unit.display()
                ))?;
                Ok(None)
            }
        }
    }

    pub(super) fn send(&mut self, msg: Message) -> io::Result<()> {
        msg.write(&mut self.out)
    }

    /// An error response to a message that has no usable id.
    fn send_error_null(&mut self, code: ErrorCode, message: &str) -> io::Result<()> {
        let body = json!({
            "jsonrpc": "2.0",
            "id": Value::Null,
            "error": { "code": code as i32, "message": message },
        });
        transport::write(&mut self.out, body.to_string().as_bytes())
    }

    /// Handles one frame; `Some` when the server is to stop.
    fn frame(&mut self, frame: transport::Frame) -> io::Result<Option<Ending>> {
        let body = match frame {
            transport::Frame::Eof => return Ok(Some(Ending::Unclean)),
            transport::Frame::Refused(why) => {
                self.send_error_null(ErrorCode::InvalidRequest, &why)?;
                return Ok(None);
            }
            transport::Frame::Body(b) => b,
        };
        let value: Value = match serde_json::from_slice(&body) {
            Ok(v) => v,
            Err(e) => {
                self.send_error_null(ErrorCode::ParseError, &format!("not JSON: {e}"))?;
                return Ok(None);
            }
        };
        let id = value.get("id").cloned();
        match serde_json::from_value::<Message>(value) {
            Ok(Message::Request(req)) => self.request(req).map(|()| None),
            Ok(Message::Notification(n)) => self.notification(n),
            // Answers to requests we never send: nothing to do.
            Ok(Message::Response(_)) => Ok(None),
            Err(e) => {
                let message = format!("not a JSON-RPC message: {e}");
                match id.and_then(|id| serde_json::from_value::<RequestId>(id).ok()) {
                    Some(id) => self.send(Message::Response(Response::new_err(
                        id,
                        ErrorCode::InvalidRequest as i32,
                        message,
                    )))?,
                    None => self.send_error_null(ErrorCode::InvalidRequest, &message)?,
                }
                Ok(None)
            }
        }
    }

    fn request(&mut self, req: Request) -> io::Result<()> {
        let id = req.id.clone();
        let response = if req.method == "initialize" {
            if self.initialized {
                Response::new_err(
                    id,
                    ErrorCode::InvalidRequest as i32,
                    "initialize was already called".into(),
                )
            } else {
                self.initialize(id, req.params)
            }
        } else if !self.initialized {
            Response::new_err(
                id,
                ErrorCode::ServerNotInitialized as i32,
                "initialize first".into(),
            )
        } else if self.shutdown {
            Response::new_err(
                id,
                ErrorCode::InvalidRequest as i32,
                "the server is shutting down".into(),
            )
        } else {
            // Answers come from the documents as they are now (and every
            // change before a request has its diagnostics out before it).
            self.flush()?;
            if req.method == "shutdown" {
                self.shutdown = true;
                Response::new_ok(id, Value::Null)
            } else {
                requests::handle(self, req)
            }
        };
        self.send(Message::Response(response))
    }

    fn initialize(&mut self, id: RequestId, params: Value) -> Response {
        let params: lsp::InitializeParams = match serde_json::from_value(params) {
            Ok(p) => p,
            Err(e) => return Response::new_err(id, ErrorCode::InvalidParams as i32, e.to_string()),
        };
        let root = root_of(&params);
        self.workspace = Workspace::new(root);
        self.workspace.rescan(&Overlay { docs: &self.docs });
        self.initialized = true;
        Response::new_ok(id, requests::initialize_result())
    }

    fn notification(&mut self, n: Notification) -> io::Result<Option<Ending>> {
        use lsp::notification as N;
        if n.method == N::Exit::METHOD {
            return Ok(Some(if self.shutdown {
                Ending::Clean
            } else {
                Ending::Unclean
            }));
        }
        if !self.initialized {
            return Ok(None);
        }
        // A notification with bad params is dropped (there is no one to
        // answer); the next good one repairs the state.
        match n.method.as_str() {
            N::DidOpenTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp::DidOpenTextDocumentParams>(n.params) {
                    let doc = p.text_document;
                    if let Some(path) = self.key_of(&doc.uri) {
                        self.docs.open(Document {
                            uri: doc.uri,
                            path: path.clone(),
                            text: doc.text,
                            version: doc.version,
                        });
                        self.workspace.update(&path, &Overlay { docs: &self.docs });
                        self.dirty.insert(path);
                    }
                }
            }
            N::DidChangeTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp::DidChangeTextDocumentParams>(n.params)
                {
                    self.change(p);
                }
            }
            N::DidSaveTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp::DidSaveTextDocumentParams>(n.params) {
                    // A save may have made files appear: look again.
                    self.workspace.rescan(&Overlay { docs: &self.docs });
                    if let Some(path) = self.key_of(&p.text_document.uri) {
                        self.dirty.insert(path);
                    }
                }
            }
            N::DidCloseTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp::DidCloseTextDocumentParams>(n.params) {
                    if let Some(path) = self.key_of(&p.text_document.uri) {
                        self.docs.close(&path);
                        self.cache.forget(&path);
                        self.workspace.update(&path, &Overlay { docs: &self.docs });
                        // Back to the disk's text (or gone).
                        if path.exists() {
                            self.dirty.insert(path);
                        } else {
                            self.units.remove(&path);
                            self.clear_for(&path)?;
                            self.prune_analyses();
                        }
                    }
                }
            }
            N::DidChangeWatchedFiles::METHOD => {
                self.workspace.rescan(&Overlay { docs: &self.docs });
                let open: Vec<PathBuf> = self.docs.iter().map(|d| d.path.clone()).collect();
                self.dirty.extend(open);
            }
            _ => {}
        }
        Ok(None)
    }

    fn change(&mut self, p: lsp::DidChangeTextDocumentParams) {
        let Some(path) = self.key_of(&p.text_document.uri) else {
            return;
        };
        let Some(doc) = self.docs.get_mut(&path) else {
            return;
        };
        for change in p.content_changes {
            match change.range {
                // Full sync is what we ask for; a ranged edit still applies.
                Some(range) => {
                    let starts = convert::line_starts(&doc.text);
                    let a = convert::offset(&doc.text, &starts, range.start);
                    let b = convert::offset(&doc.text, &starts, range.end).max(a);
                    if doc.text.is_char_boundary(a) && doc.text.is_char_boundary(b) {
                        doc.text.replace_range(a..b, &change.text);
                    }
                }
                None => doc.text = change.text,
            }
        }
        doc.version = p.text_document.version;
        self.workspace.update(&path, &Overlay { docs: &self.docs });
        self.dirty.insert(path);
    }

    /// The canonical path of a document URI (a URI that names no file is
    /// taken as a path of its own text, so untitled documents still work).
    fn key_of(&self, uri: &lsp::Uri) -> Option<PathBuf> {
        if let Some(doc) = self.docs.iter().find(|d| &d.uri == uri) {
            return Some(doc.path.clone());
        }
        match convert::uri_to_path(uri) {
            Some(p) => Some(std::fs::canonicalize(&p).unwrap_or(p)),
            None => Some(PathBuf::from(uri.as_str())),
        }
    }

    pub(super) fn key_of_uri(&self, uri: &lsp::Uri) -> Option<PathBuf> {
        self.key_of(uri)
    }

    pub(super) fn log(&mut self, message: &str) -> io::Result<()> {
        let params = lsp::LogMessageParams {
            typ: lsp::MessageType::WARNING,
            message: message.to_string(),
        };
        self.send(Message::Notification(Notification::new(
            lsp::notification::LogMessage::METHOD.to_string(),
            params,
        )))
    }
}

/// The workspace folder: the first folder, else the root URI or path, else
/// the current directory (the VS Code client starts the server there).
#[allow(deprecated)] // root_uri and root_path are what older clients send
fn root_of(params: &lsp::InitializeParams) -> Option<PathBuf> {
    let from_folder = params
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .and_then(|f| convert::uri_to_path(&f.uri));
    from_folder
        .or_else(|| params.root_uri.as_ref().and_then(convert::uri_to_path))
        .or_else(|| params.root_path.as_ref().map(PathBuf::from))
        .or_else(|| std::env::current_dir().ok())
        .map(|p| std::fs::canonicalize(&p).unwrap_or(p))
}
