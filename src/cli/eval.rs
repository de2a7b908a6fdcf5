//! `crmc eval`: NDJSON mutations in, NDJSON decisions out, in order.

use super::fail_usage;
use crmc_eval::Table;
use std::io::{BufRead, BufReader, BufWriter, Write};
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
    let mut out = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    match stream(&table, reader, &mut out) {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (e.g. `| head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => fail_usage(e),
    }
}

/// One output line per non-blank input line, in order; memory stays
/// constant whatever the input's length.
fn stream(
    table: &Table,
    mut reader: Box<dyn BufRead>,
    out: &mut impl Write,
) -> std::io::Result<()> {
    let mut line = String::new();
    let mut line_no = 0usize;
    loop {
        line.clear();
        let read = match reader.read_line(&mut line) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                line_no += 1;
                writeln!(
                    out,
                    "{}",
                    crmc_eval::error_line(line_no, "the line is not valid UTF-8")
                )?;
                // Skip the rest of the bad line.
                let mut junk = Vec::new();
                reader.read_until(b'\n', &mut junk)?;
                continue;
            }
            Err(e) => return Err(e),
        };
        if read == 0 {
            break;
        }
        line_no += 1;
        if line.trim().is_empty() {
            continue;
        }
        writeln!(
            out,
            "{}",
            crmc_eval::decide_line(table, line.trim_end(), line_no)
        )?;
    }
    out.flush()
}
