//! Command-line parsing and dispatch. Exit codes follow language-v1 §8:
//! 0 success, 1 findings or failures, 2 usage or I/O errors.

/// `println!` that never panics: a closed or failing standard output (e.g.
/// `crmc check --format json | head`) ends the run with exit 2, quietly on a
/// broken pipe. Never 0: a pipeline that lost the report must not pass.
macro_rules! outln {
    () => {
        $crate::cli::write_stdout(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::cli::write_stdout(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `print!` that never panics (see [`outln!`]).
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::write_stdout(format_args!($($arg)*))
    };
}

mod build;
mod check;
mod color;
mod completions;
mod diff;
mod doc;
mod eval;
mod explain;
mod fmt;
mod history;
mod inspect;
mod lsp;
mod paths;
mod replay;
mod report;
mod schema;
mod serve;
mod stats;
mod synth;
mod test;

use clap::{Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

#[derive(Parser)]
#[command(
    name = "crmc",
    version,
    about = "Compile, check and run CRM write contracts",
    long_about = "crmc checks CRM contracts (.crmc files) that govern what automations may write \
into Salesforce or HubSpot, compiles them to decision tables, and decides proposed writes.",
    after_help = "Examples:\n  crmc check contracts/\n  crmc explain E0301"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    /// When to colour output: auto (a terminal, unless NO_COLOR is set), always, never
    #[arg(long, value_enum, global = true, default_value_t = color::ColorWhen::Auto, value_name = "WHEN")]
    color: color::ColorWhen,
    /// Print only problems: no summary or progress lines on success
    #[arg(short, long, global = true)]
    quiet: bool,
}

static QUIET: AtomicBool = AtomicBool::new(false);

/// `--quiet`: leave out summary and progress lines.
pub fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

/// `N thing` / `N things`.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

#[derive(Subcommand)]
enum Command {
    /// Parse, type-check and analyze contracts; report every problem found
    #[command(
        after_help = "Exit status: 0 clean, 1 errors (or warnings with --deny warnings), 2 usage or I/O error.\n\n\
Examples:\n  crmc check contracts/\n  crmc check --format sarif contracts/ > crmc.sarif\n  crmc check --each examples/*/"
    )]
    Check(check::CheckArgs),
    /// Check a unit and compile it to a decision table
    #[command(
        after_help = "Standard output carries one document: the table (`--emit json`, or `-o -`) or the\n\
diagnostics (`--format json|sarif`), never both; give `-o FILE` to have both.\n\n\
Exit status: 0 built, 1 the unit has errors, 2 usage or I/O error.\n\n\
Examples:\n  crmc build contracts/ -o contracts.crmct\n  crmc build contracts/ --emit json > table.json"
    )]
    Build(build::BuildArgs),
    /// Decide NDJSON mutations with a compiled table (one decision line per input line)
    #[command(
        after_help = "A line that is not a valid mutation gets {\"error\":{\"line\":N,\"message\":...}} and the\n\
stream goes on. Exit status: 0 the stream was processed, 2 the table or input could not be read.\n\n\
Examples:\n  crmc eval -t contracts.crmct mutations.ndjson\n  producer | crmc eval -t contracts.crmct"
    )]
    Eval(eval::EvalArgs),
    /// What a change to a unit changes in its decisions: exact regions, each with a witness
    #[command(
        after_help = "OLD and NEW are files, directories, or git:REV:PATH (read with git show, no checkout).\n\n\
Examples:\n  crmc diff git:origin/main:contracts contracts\n  \
crmc diff old/ new/ --format markdown --deny loosened\n\n\
Exit codes: 0 compared, 1 a unit has errors or (with --deny loosened) some write is decided less\n\
restrictively, 2 usage or I/O error, or the schema changed"
    )]
    Diff(diff::DiffArgs),
    /// Earned write access: decisions joined with feedback, metrics, and promote/demote recommendations
    #[command(
        after_help = "Examples:\n  crmc stats contracts/ --decisions decisions.ndjson --feedback feedback.ndjson\n  \
crmc stats contracts/ --decisions decisions.ndjson --feedback feedback.ndjson --since 2026-11-01T00:00:00Z --format json\n\n\
Exit codes: 0 done, 1 the contracts have errors, 2 usage or I/O error"
    )]
    Stats(stats::StatsArgs),
    /// Decide past writes (a decision log or mutations) again with a new table: what would change
    #[command(
        after_help = "Examples:\n  crmc replay -t new.crmct decisions.ndjson        (a `crmc serve --decision-log`)\n  \
crmc replay -t new.crmct --against old.crmct mutations.ndjson --format json\n\n\
Exit codes: 0 done, 1 with --deny loosened when some write is decided less restrictively, 2 usage or I/O error"
    )]
    Replay(replay::ReplayArgs),
    /// Serve decisions over HTTP: the same answers as `crmc eval`, for any stack
    #[command(
        after_help = "Endpoints: POST /v1/decide (one mutation), POST /v1/decide/batch (NDJSON or a JSON array),\n\
GET /v1/table, /v1/log, /healthz, /readyz, /metrics. A mutation without `at` is decided at the\n\
server clock (response header crmc-now). SIGHUP reloads the table; SIGTERM drains and exits.\n\n\
Exit status: 0 stopped by a signal, 2 the table, auth file, log or address could not be used.\n\n\
Examples:\n  crmc serve -t contracts.crmct\n  crmc serve -t contracts.crmct --addr 0.0.0.0:8181 --auth tokens.jsonl --decision-log decisions.ndjson --watch"
    )]
    Serve(serve::ServeArgs),
    /// Run the `test` blocks of a unit through its compiled table
    #[command(
        after_help = "Exit status: 0 every test passed, 1 a test failed, the unit has errors or coverage is below --min-coverage, 2 usage or I/O error.\n\n\
Examples:\n  crmc test contracts/\n  crmc test --each examples/*/\n  crmc test --coverage contracts/\n  crmc test --min-coverage 80 --format junit contracts/ > junit.xml"
    )]
    Test(test::TestArgs),
    /// Show what a decision table holds (versions, contracts, sizes)
    Inspect(inspect::InspectArgs),
    /// Print the long explanation of a diagnostic code
    #[command(after_help = "Example:\n  crmc explain E0301\n\nWith no code, lists every code.")]
    Explain(explain::ExplainArgs),
    /// Write the governance report of a unit: a static HTML site
    #[command(
        after_help = "Writes index.html (overview, automation map, automation graph, field ownership),\n\
one page per contract, findings.html and assets/ into DIR; no JavaScript. The same unit gives\n\
the same bytes. A unit with errors still gets a report of them.\n\n\
Exit status: 0 written, 1 the unit has errors (the report lists them), 2 usage or I/O error.\n\n\
Examples:\n  crmc doc contracts/ -o report/\n  chromium report/index.html"
    )]
    Doc(doc::DocArgs),
    /// Rewrite files in the canonical layout (`--check`: only report)
    #[command(
        after_help = "Exit status: 0 formatted, 1 a file is not formatted (with --check) or does not parse, 2 I/O error.\n\n\
Examples:\n  crmc fmt contracts/\n  crmc fmt --check ."
    )]
    Fmt(fmt::FmtArgs),
    /// Work with CRM schemas (`crmc schema import ...`)
    #[command(subcommand)]
    Schema(schema::SchemaCommand),
    /// A mutation's `history` from a CRM's field history (`crmc history hubspot FILE`)
    #[command(subcommand)]
    History(history::HistoryCommand),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell)
    #[command(
        after_help = "Examples:\n  crmc completions bash > ~/.local/share/bash-completion/completions/crmc\n  \
crmc completions zsh > ~/.zfunc/_crmc\n  crmc completions fish > ~/.config/fish/completions/crmc.fish"
    )]
    Completions(completions::CompletionsArgs),
    /// Run the language server on stdin/stdout (editors start it)
    #[command(
        after_help = "Speaks the Language Server Protocol over stdio: diagnostics as `crmc check` gives them,\n\
hover, go to definition, completion, formatting, document symbols and quick fixes.\n\n\
Example (VS Code does this for you):\n  crmc lsp"
    )]
    Lsp(lsp::LspArgs),
    /// Print a synthetic unit (for benchmarks)
    #[command(hide = true)]
    Synth(synth::SynthArgs),
}

/// How diagnostics are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// Source snippets with labels and help (for people)
    #[default]
    Human,
    /// An array of diagnostic objects (for scripts)
    Json,
    /// SARIF 2.1.0 (for code scanning, e.g. GitHub)
    Sarif,
}

impl Format {
    /// The name as given on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Json => "json",
            Format::Sarif => "sarif",
        }
    }
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    color::set(cli.color);
    QUIET.store(cli.quiet, Ordering::Relaxed);
    match cli.command {
        Command::Check(args) => check::run(args),
        Command::Build(args) => build::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Replay(args) => replay::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Stats(args) => stats::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Test(args) => test::run(args),
        Command::Inspect(args) => inspect::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Doc(args) => doc::run(args),
        Command::Fmt(args) => fmt::run(args),
        Command::Schema(command) => schema::run(command),
        Command::History(command) => history::run(command),
        Command::Completions(args) => completions::run(args),
        Command::Lsp(args) => lsp::run(args),
        Command::Synth(args) => synth::run(args),
    }
}

/// `-` names standard input (or output) wherever a command takes a file.
pub fn stdin_path(path: &std::path::Path) -> bool {
    path.as_os_str() == "-"
}

/// The directory SARIF URIs are relative to: the current one, canonical.
pub fn sarif_root() -> Option<std::path::PathBuf> {
    std::env::current_dir().and_then(std::fs::canonicalize).ok()
}

/// A problem that stops a command before it has results: with `--format
/// sarif`, stdout still gets a valid log carrying the error; the message
/// goes to stderr and the exit code is 2, as for [`fail_usage`].
pub fn fail_run(format: Format, message: impl std::fmt::Display) -> ExitCode {
    if format == Format::Sarif {
        let root = sarif_root();
        outln!(
            "{}",
            crmc::diagnostics::render::render_sarif_failure(&message.to_string(), root.as_deref())
        );
    }
    fail_usage(message)
}

/// Prints an I/O or usage problem and returns exit code 2.
pub fn fail_usage(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

/// Writes to standard output; on failure exits 2 (see [`outln!`]).
pub(crate) fn write_stdout(args: std::fmt::Arguments<'_>) {
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout.write_fmt(args).and_then(|()| stdout.flush()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("crmc: cannot write to standard output: {e}");
        }
        std::process::exit(2);
    }
}
