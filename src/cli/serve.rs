//! `crmc serve`: the decision server (crates/crmc-serve) with its flags.

use super::fail_usage;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum FsyncWhen {
    /// fsync the log before each response: durable across power loss
    Always,
    /// Write each request's lines before responding, without fsync:
    /// durable across a crash or kill of crmc, not a power loss
    Never,
}

#[derive(clap::Args)]
pub struct ServeArgs {
    /// The decision table written by `crmc build` (reloaded on SIGHUP)
    #[arg(short, long = "table", value_name = "TABLE")]
    pub table: PathBuf,
    /// Address to listen on; without --auth it must be a loopback address
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:8181")]
    pub addr: SocketAddr,
    /// Bearer tokens and the actors each may speak for: one JSON object a
    /// line, {"identity":..,"token_sha256":..,"actors":["ai:alim"],"may_read_log":false}
    #[arg(long, value_name = "FILE")]
    pub auth: Option<PathBuf>,
    /// Append one NDJSON line per decision (time, identity, input, answer,
    /// table checksum, contract versions), written before the answer is sent
    #[arg(long, value_name = "FILE")]
    pub decision_log: Option<PathBuf>,
    /// When the decision log is fsynced
    #[arg(long, value_enum, default_value = "never", value_name = "WHEN")]
    pub fsync: FsyncWhen,
    /// Also reload when the table file changes (checked every 500 ms)
    #[arg(long)]
    pub watch: bool,
    /// Refuse a supplied `at` further than this from the server clock
    /// (e.g. 300, 90s, 5m, 2h, 1d); a missing `at` is the server clock
    #[arg(long, value_name = "DURATION", default_value = "5m")]
    pub max_skew: String,
    /// The largest request body, in bytes; a longer one is a 413
    #[arg(long, value_name = "BYTES", default_value_t = 1 << 20,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub max_body: u64,
    /// The most items (lines or array elements) one batch may hold; more
    /// is a 413 (each answer is held in memory until it is sent)
    #[arg(long, value_name = "ITEMS", default_value_t = 10_000,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub max_batch: u64,
}

pub fn run(args: ServeArgs) -> ExitCode {
    let max_skew_secs = match crmc_serve::parse_duration(&args.max_skew) {
        Ok(s) => s,
        Err(e) => return fail_usage(format!("--max-skew: {e}")),
    };
    let mut config = crmc_serve::Config::new(args.table);
    config.addr = args.addr;
    config.auth = args.auth;
    config.decision_log = args.decision_log;
    config.fsync = match args.fsync {
        FsyncWhen::Always => crmc_serve::Fsync::Always,
        FsyncWhen::Never => crmc_serve::Fsync::Never,
    };
    config.watch = args.watch;
    config.max_skew_secs = max_skew_secs;
    config.max_body = usize::try_from(args.max_body).unwrap_or(usize::MAX);
    config.max_batch = usize::try_from(args.max_batch).unwrap_or(usize::MAX);
    match crmc_serve::run(config) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail_usage(e),
    }
}
