//! `crmc eval`: NDJSON mutations in, NDJSON decisions out, in order.

use super::fail_usage;
use crmc_eval::Table;
use std::io::{BufRead, BufReader, BufWriter};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct EvalArgs {
    /// The decision table written by `crmc build`
    #[arg(short, long = "table", value_name = "TABLE")]
    pub table: PathBuf,
    /// NDJSON file of mutations (one JSON object a line); default: standard input
    pub input: Option<PathBuf>,
}

/// Loads a table file, with a message that says what is wrong with it.
pub fn load_table(path: &PathBuf) -> Result<Table, String> {
    let bytes =
        std::fs::read(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    Table::from_bytes(&bytes)
        .map_err(|e| format!("`{}` is not a usable decision table: {e}", path.display()))
}

pub fn run(args: EvalArgs) -> ExitCode {
    let table = match load_table(&args.table) {
        Ok(t) => t,
        Err(e) => return fail_usage(e),
    };
    let reader: Box<dyn BufRead> = match &args.input {
        Some(path) => match std::fs::File::open(path) {
            Ok(f) => Box::new(BufReader::with_capacity(1 << 16, f)),
            Err(e) => return fail_usage(format!("cannot read `{}`: {e}", path.display())),
        },
        None => Box::new(BufReader::with_capacity(1 << 16, std::io::stdin().lock())),
    };
    let out = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    // One output line per non-blank input line, in order, in constant memory.
    match crmc_eval::decide_stream(&table, reader, out) {
        Ok(_) => ExitCode::SUCCESS,
        // A closed pipe (e.g. `| head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => fail_usage(e),
    }
}
