//! crmc: the compiler for CRM write contracts.
//!
//! The pipeline, one module a stage, each a pure function of the last
//! (no I/O: file text comes in through [`source::SourceProvider`]):
//!
//! ```text
//! load (imports, parse each file)  -> ParsedUnit
//! check (resolve names, types)     -> CheckedUnit
//! analyze (conflicts, gaps, loops) -> findings (Diagnostics)
//! compile (lower to a table)       -> crmc_eval::Table
//! ```
//!
//! The evaluator lives in the `crmc-eval` crate, which depends on none of this.

pub mod analyze;
mod api;
pub mod check;
pub mod compile;
pub mod decimal;
pub mod diagnostics;
pub mod diff;
#[cfg(feature = "doc")]
pub mod doc;
pub mod fmt;
pub mod import;
pub mod load;
#[cfg(feature = "lsp")]
pub mod lsp;
pub mod pipeline;
pub mod reference;
pub mod source;
pub mod span;
pub mod stats;
pub mod syntax;
pub mod testing;

pub use api::{check, compile, Error, Problem, Sources};
