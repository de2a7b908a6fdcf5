//! Counters for `GET /metrics`, written as Prometheus text by hand (a few
//! atomics do not need a metrics library).

use crmc_eval::Outcome;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;

/// Why a request or item did not get a decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// Malformed JSON or not a valid mutation (the evaluator's error).
    Invalid,
    /// `at` further from the server clock than `--max-skew`.
    Skew,
    /// No or an unknown bearer token.
    Unauthorized,
    /// The token may not speak for the mutation's actor.
    Forbidden,
    TooLarge,
    NotFound,
    MethodNotAllowed,
    /// The decision log could not be written: nothing was decided.
    LogWrite,
}

impl ErrorKind {
    const ALL: [ErrorKind; 8] = [
        ErrorKind::Invalid,
        ErrorKind::Skew,
        ErrorKind::Unauthorized,
        ErrorKind::Forbidden,
        ErrorKind::TooLarge,
        ErrorKind::NotFound,
        ErrorKind::MethodNotAllowed,
        ErrorKind::LogWrite,
    ];
    fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Invalid => "invalid_input",
            ErrorKind::Skew => "clock_skew",
            ErrorKind::Unauthorized => "unauthorized",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::TooLarge => "body_too_large",
            ErrorKind::NotFound => "not_found",
            ErrorKind::MethodNotAllowed => "method_not_allowed",
            ErrorKind::LogWrite => "decision_log_write",
        }
    }
}

/// Upper bounds of the latency histogram, in microseconds.
const BUCKETS_US: [u64; 10] = [25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 100_000];

#[derive(Default)]
pub struct Metrics {
    decisions: [AtomicU64; 5],
    errors: [AtomicU64; 8],
    /// Cumulative counts are computed at render time; these are per bucket
    /// (the last one is +Inf).
    latency: [AtomicU64; BUCKETS_US.len() + 1],
    latency_sum_ns: AtomicU64,
    latency_count: AtomicU64,
    pub reloads: AtomicU64,
    pub reload_failures: AtomicU64,
    /// Decide requests whose head was read and whose answer is not sent.
    pub in_flight: AtomicU64,
}

impl Metrics {
    pub fn decision(&self, outcome: Outcome) {
        let i = Outcome::ALL.iter().position(|o| *o == outcome).unwrap_or(0);
        self.decisions[i].fetch_add(1, Relaxed);
    }

    pub fn error(&self, kind: ErrorKind) {
        let i = ErrorKind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
        self.errors[i].fetch_add(1, Relaxed);
    }

    /// One request's decide time (a batch is one observation).
    pub fn latency(&self, d: Duration) {
        let us = u64::try_from(d.as_micros()).unwrap_or(u64::MAX);
        let i = BUCKETS_US
            .iter()
            .position(|b| us <= *b)
            .unwrap_or(BUCKETS_US.len());
        self.latency[i].fetch_add(1, Relaxed);
        let ns = u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
        self.latency_sum_ns.fetch_add(ns, Relaxed);
        self.latency_count.fetch_add(1, Relaxed);
    }

    /// The text format, version 0.0.4. `reload_failed` is whether the
    /// last reload failed (the old table still serving).
    pub fn render(&self, reload_failed: bool, checksum: &str) -> String {
        let mut s = String::with_capacity(2048);
        s.push_str("# HELP crmc_decisions_total Decisions made, by overall outcome.\n");
        s.push_str("# TYPE crmc_decisions_total counter\n");
        for (o, c) in Outcome::ALL.iter().zip(&self.decisions) {
            let _ = writeln!(
                s,
                "crmc_decisions_total{{outcome=\"{}\"}} {}",
                o.as_str(),
                c.load(Relaxed)
            );
        }
        s.push_str(
            "# HELP crmc_errors_total Requests or batch items answered with an error, by kind.\n",
        );
        s.push_str("# TYPE crmc_errors_total counter\n");
        for (k, c) in ErrorKind::ALL.iter().zip(&self.errors) {
            let _ = writeln!(
                s,
                "crmc_errors_total{{kind=\"{}\"}} {}",
                k.as_str(),
                c.load(Relaxed)
            );
        }
        s.push_str("# HELP crmc_decision_duration_seconds Time to decide one request's body (all items of a batch).\n");
        s.push_str("# TYPE crmc_decision_duration_seconds histogram\n");
        let mut cumulative = 0;
        for (i, c) in self.latency.iter().enumerate() {
            cumulative += c.load(Relaxed);
            let le = match BUCKETS_US.get(i) {
                Some(us) => format!("{}", *us as f64 / 1e6),
                None => "+Inf".to_string(),
            };
            let _ = writeln!(
                s,
                "crmc_decision_duration_seconds_bucket{{le=\"{le}\"}} {cumulative}"
            );
        }
        let sum = self.latency_sum_ns.load(Relaxed) as f64 / 1e9;
        let _ = writeln!(s, "crmc_decision_duration_seconds_sum {sum}");
        let _ = writeln!(
            s,
            "crmc_decision_duration_seconds_count {}",
            self.latency_count.load(Relaxed)
        );
        s.push_str("# HELP crmc_table_reloads_total Successful table reloads.\n");
        s.push_str("# TYPE crmc_table_reloads_total counter\n");
        let _ = writeln!(s, "crmc_table_reloads_total {}", self.reloads.load(Relaxed));
        s.push_str("# HELP crmc_table_reload_failures_total Reloads refused (the old table kept serving).\n");
        s.push_str("# TYPE crmc_table_reload_failures_total counter\n");
        let _ = writeln!(
            s,
            "crmc_table_reload_failures_total {}",
            self.reload_failures.load(Relaxed)
        );
        s.push_str(
            "# HELP crmc_table_last_reload_failed 1 while the last reload attempt failed.\n",
        );
        s.push_str("# TYPE crmc_table_last_reload_failed gauge\n");
        let _ = writeln!(
            s,
            "crmc_table_last_reload_failed {}",
            u8::from(reload_failed)
        );
        s.push_str(
            "# HELP crmc_decide_requests_in_flight Decide requests being read or answered.\n",
        );
        s.push_str("# TYPE crmc_decide_requests_in_flight gauge\n");
        let _ = writeln!(
            s,
            "crmc_decide_requests_in_flight {}",
            self.in_flight.load(Relaxed)
        );
        s.push_str("# HELP crmc_table_info The table being served.\n");
        s.push_str("# TYPE crmc_table_info gauge\n");
        let _ = writeln!(s, "crmc_table_info{{checksum=\"{checksum}\"}} 1");
        s
    }
}
