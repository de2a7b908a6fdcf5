//! `crmc lsp`: the language server, over stdio. It runs the same front end
//! as `crmc check` ([`crate::pipeline`]) on the unit each open document
//! belongs to, with the editor's text overriding the disk, and answers
//! hover, definition, completion, formatting, symbols and quick fixes from
//! the last check.
//!
//! - [`transport`]: bounded JSON-RPC framing;
//! - [`server`]: the loop and document sync;
//! - [`publish`]: checking, background analysis, publishing diagnostics;
//! - [`requests`]: one function per request;
//! - [`documents`]: open documents, the overlay, the parse cache;
//! - [`workspace`]: which files make a file's unit;
//! - [`unit`]: a checked unit with a URI per file;
//! - [`convert`]: byte offsets ↔ UTF-16 positions, paths ↔ URIs;
//! - [`diagnostics`], [`hover`], [`definition`], [`completion`],
//!   [`symbols`], [`actions`]: the features; [`at`] and [`names`] find
//!   what is under the cursor and what the unit declares;
//! - [`stdlib`]: `std/…` modules as files an editor can open.

pub mod actions;
pub mod at;
pub mod completion;
pub mod convert;
pub mod definition;
pub mod diagnostics;
pub mod documents;
pub mod hover;
pub mod names;
pub mod publish;
pub mod requests;
pub mod server;
pub mod stdlib;
pub mod symbols;
pub mod transport;
pub mod unit;
pub mod workspace;

pub use server::{Ending, Server};

/// Serves the protocol on stdin/stdout until `exit` or end of input.
pub fn run_stdio() -> std::io::Result<Ending> {
    let server = Server::new(Box::new(std::io::stdout()));
    server.serve(Box::new(std::io::BufReader::new(std::io::stdin())))
}
