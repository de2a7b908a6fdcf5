//! What `crmc serve` is told to do, independent of how it was told (the
//! CLI parses flags into a [`Config`]; tests build one directly).

use std::net::SocketAddr;
use std::path::PathBuf;

/// When a decision-log line is forced to disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fsync {
    /// `fsync` after every request's lines: durable across power loss.
    Always,
    /// Written to the OS (flushed) per request, no `fsync`: survives the
    /// process being killed, not the machine losing power.
    Never,
}

impl Fsync {
    /// The `--fsync` value that selects it.
    pub fn as_str(self) -> &'static str {
        match self {
            Fsync::Always => "always",
            Fsync::Never => "never",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Config {
    pub table: PathBuf,
    pub addr: SocketAddr,
    /// `--auth FILE`; without it only loopback addresses may be bound.
    pub auth: Option<PathBuf>,
    pub decision_log: Option<PathBuf>,
    pub fsync: Fsync,
    /// Reload when the table file's modification time or size changes.
    pub watch: bool,
    /// The furthest a supplied `at` may be from the server clock, seconds.
    pub max_skew_secs: i64,
    /// The largest request body read, bytes; a longer one is a 413.
    pub max_body: usize,
    /// The most items one batch may hold; more is a 413. The answer is
    /// held in memory until sent, and a 1 MiB body of blank lines would
    /// otherwise be a million error lines (about 60 MB) per request.
    pub max_batch: usize,
}

impl Config {
    /// The defaults of the issue: 127.0.0.1:8181, 5 minutes, 1 MiB; and
    /// batches of at most 10,000 items.
    pub fn new(table: PathBuf) -> Config {
        Config {
            table,
            addr: SocketAddr::from(([127, 0, 0, 1], 8181)),
            auth: None,
            decision_log: None,
            fsync: Fsync::Never,
            watch: false,
            max_skew_secs: 300,
            max_body: 1 << 20,
            max_batch: 10_000,
        }
    }
}

/// `300`, `90s`, `5m`, `2h`, `7d` → seconds.
pub fn parse_duration(s: &str) -> Result<i64, String> {
    let s = s.trim();
    let (digits, unit) = match s.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => s.split_at(i),
        None => (s, "s"),
    };
    let n: i64 = digits
        .parse()
        .map_err(|_| format!("`{s}` is not a duration (e.g. 300s, 5m, 2h, 1d)"))?;
    let mult = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(format!("`{s}`: unknown unit `{unit}` (use s, m, h or d)")),
    };
    n.checked_mul(mult)
        .ok_or_else(|| format!("`{s}` is too long a duration"))
}

#[cfg(test)]
mod tests {
    use super::parse_duration;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("300"), Ok(300));
        assert_eq!(parse_duration("5m"), Ok(300));
        assert_eq!(parse_duration("2h"), Ok(7200));
        assert_eq!(parse_duration("1d"), Ok(86_400));
        assert!(parse_duration("5w").is_err());
        assert!(parse_duration("m").is_err());
        assert!(parse_duration("99999999999999999999d").is_err());
    }
}
