//! `crmc eval`: NDJSON mutations in, NDJSON decisions out, in order.
//!
//! Output is flushed whenever crmc is about to wait for more input, so a
//! producer that writes one mutation and waits for its decision (a pipe or
//! terminal used request/response) gets it at once, while a bulk stream is
//! still written in large blocks (one flush per 64 KiB read, not per line).

use super::{fail_usage, stdin_path};
use crmc_eval::Table;
use std::cell::RefCell;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::rc::Rc;

#[derive(clap::Args)]
pub struct EvalArgs {
    /// The decision table written by `crmc build`
    #[arg(short, long = "table", value_name = "TABLE")]
    pub table: PathBuf,
    /// NDJSON file of mutations (one JSON object a line); `-` or none: standard input
    pub input: Option<PathBuf>,
    /// The longest input line read, in bytes (its newline not counted): a
    /// longer line gets one error line and is skipped without being held
    /// in memory
    #[arg(long, value_name = "N", default_value_t = crmc_eval::DEFAULT_MAX_LINE_BYTES as u64,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub max_line_bytes: u64,
}

/// Loads a table file, with a message that says what is wrong with it.
pub fn load_table(path: &Path) -> Result<Table, String> {
    let bytes = crmc_eval::file::read_table_file(path)
        .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    Table::from_bytes(&bytes)
        .map_err(|e| format!("`{}` is not a usable decision table: {e}", path.display()))
}

/// The output, shared between the writer `decide_stream` writes to and the
/// input that flushes it before each read.
type Shared = Rc<RefCell<BufWriter<std::io::StdoutLock<'static>>>>;

struct SharedOut(Shared);

impl Write for SharedOut {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .try_borrow_mut()
            .map_err(std::io::Error::other)?
            .write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.0
            .try_borrow_mut()
            .map_err(std::io::Error::other)?
            .write_all(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0
            .try_borrow_mut()
            .map_err(std::io::Error::other)?
            .flush()
    }
}

/// Input that flushes the output before every read: the `BufReader` above
/// it reads only when its buffer is empty, i.e. only when crmc has decided
/// everything it was given and would otherwise wait with answers unsent.
struct FlushBeforeRead<R> {
    input: R,
    out: Shared,
}

impl<R: Read> Read for FlushBeforeRead<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.out
            .try_borrow_mut()
            .map_err(std::io::Error::other)?
            .flush()?;
        self.input.read(buf)
    }
}

pub fn run(args: EvalArgs) -> ExitCode {
    let table = match load_table(&args.table) {
        Ok(t) => t,
        Err(e) => return fail_usage(e),
    };
    let input: Box<dyn Read> = match args.input.as_deref().filter(|p| !stdin_path(p)) {
        Some(path) => match std::fs::File::open(path) {
            Ok(f) => Box::new(f),
            Err(e) => return fail_usage(format!("cannot read `{}`: {e}", path.display())),
        },
        None => Box::new(std::io::stdin().lock()),
    };
    let out: Shared = Rc::new(RefCell::new(BufWriter::with_capacity(
        1 << 16,
        std::io::stdout().lock(),
    )));
    let reader = BufReader::with_capacity(
        1 << 16,
        FlushBeforeRead {
            input,
            out: Rc::clone(&out),
        },
    );
    // One output line per input line, in order, in memory bounded by the
    // line limit whatever the input.
    let max = usize::try_from(args.max_line_bytes).unwrap_or(usize::MAX);
    match crmc_eval::decide_stream_with_limit(&table, reader, SharedOut(out), max) {
        Ok(_) => ExitCode::SUCCESS,
        // A closed pipe (e.g. `| head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => fail_usage(e),
    }
}
