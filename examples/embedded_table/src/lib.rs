//! The decision table compiled from `contracts/` at build time, and the one
//! call this program's automations make before every write.

use crmc_eval::{Evaluator, Table};

/// The table `build.rs` wrote from `contracts/`.
static TABLE_BYTES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/contracts.crmct"));

/// The embedded table, validated like any table read from a file: an
/// embedded table is still bytes, and bytes are checked before they decide.
pub fn table() -> Result<Table, String> {
    Table::from_bytes(TABLE_BYTES).map_err(|e| format!("the embedded table does not load: {e}"))
}

/// Decides one mutation (language-v1 §7 JSON) with the embedded table:
/// the decision line `crmc eval` would print for it, or its error line.
pub fn decide(table: &Table, mutation: &str) -> String {
    let mut out = Vec::new();
    Evaluator::new(table).decide_line_into(mutation, 1, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}
