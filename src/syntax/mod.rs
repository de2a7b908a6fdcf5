//! Stage 1: text -> [`ast::File`]. The parser recovers from errors, so one
//! file with several mistakes reports each of them.
//!
//! - `grammar/crmc.pest` describes the language, plus catch-all `*_junk`
//!   tokens at every block level so the parse itself never fails;
//! - [`lower`] drives pest and turns pairs into the AST ([`schema`],
//!   [`clauses`], [`guardrails`], [`exprs`], [`testblock`]), checking words such as outcomes
//!   and modes and reading literals ([`literals`]);
//! - [`recover`] explains each junk token by re-parsing it strictly;
//! - [`errors`] is the one place where the text of a syntax error is written.

pub mod ast;
mod clauses;
mod errors;
mod exprs;
mod foreign;
mod grammar;
mod guardrails;
mod lexical;
mod literals;
mod lower;
mod recover;
mod schema;
mod suggest;
mod testblock;

pub use errors::SyntaxError;
/// The words the language server completes, spelled where the parser spells them.
pub use errors::{CLAUSE_KEYWORDS, OUTCOMES};
pub use recover::TEST_KEYWORDS;

use crate::diagnostics::Diagnostic;
use crate::span::FileId;

/// Parses one file. Always returns a tree (possibly partial) and every
/// syntax error found, sorted by position. Never panics.
pub fn parse(file: FileId, text: &str) -> (ast::File, Vec<Diagnostic>) {
    let (tree, errors) = parse_errors(file, text);
    let mut diags: Vec<Diagnostic> = errors
        .into_iter()
        .map(SyntaxError::into_diagnostic)
        .collect();
    crate::diagnostics::sort(&mut diags);
    (tree, diags)
}

/// Like [`parse`], with the errors as data.
pub fn parse_errors(file: FileId, text: &str) -> (ast::File, Vec<SyntaxError>) {
    lower::parse_file(file, text)
}
