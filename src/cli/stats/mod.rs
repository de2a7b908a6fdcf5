//! `crmc stats [PATHS] --decisions LOG… --feedback LOG`: decisions joined
//! with what people did with them, per contract and field, against the
//! unit's `metric` clauses, with promote / demote recommendations (see
//! `crmc::stats`). Logs stream a line at a time; the join is [`join`]'s.

mod join;
mod render;

use super::{fail_usage, paths, report};
use crmc::pipeline::Depth;
use crmc::stats::{self, tally, Feedback, Group, Tally};
use crmc_eval::Line;
use join::{Rec, Sorter};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct StatsArgs {
    /// The contracts (files or directories; default: the current directory),
    /// for their `metric` clauses and the text of the changes recommended
    pub paths: Vec<PathBuf>,
    /// Decision logs: `crmc eval` output or `crmc serve --decision-log`
    /// lines (repeatable; `-` for standard input)
    #[arg(long = "decisions", value_name = "LOG", required = true)]
    pub decisions: Vec<PathBuf>,
    /// Feedback log: one line per decided field, `{"id":…,"field":…,"feedback":…}`
    /// or `{"record_id":…,"at":…,"field":…,"feedback":…}`, feedback one of
    /// accepted, edited, rejected, rolled_back
    #[arg(long, value_name = "LOG")]
    pub feedback: Option<PathBuf>,
    /// Count only decisions made at or after this time (RFC 3339)
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub since: Option<i64>,
    /// Count only decisions made before this time (RFC 3339)
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub until: Option<i64>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// No recommendation from fewer decisions than this (with feedback, to
    /// promote; automatic writes, to demote)
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub min_decisions: u64,
    /// Promote a rule when at least PCT of its decisions with feedback were
    /// accepted unedited
    #[arg(long, value_name = "PCT", default_value = "95", value_parser = super::test::parse_percent)]
    pub promote_at: f64,
    /// Demote an `auto` rule when more than PCT of its writes were rolled back
    #[arg(long, value_name = "PCT", default_value = "5", value_parser = super::test::parse_percent)]
    pub demote_at: f64,
    /// The longest log line read, in bytes (a longer one is counted
    /// unreadable and skipped without being held in memory)
    #[arg(long, value_name = "N", default_value_t = crmc_eval::DEFAULT_MAX_LINE_BYTES as u64,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub max_line_bytes: u64,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Markdown,
}

fn parse_time(s: &str) -> Result<i64, String> {
    crmc_eval::time::parse_datetime(s)
        .ok_or_else(|| format!("`{s}` is not an RFC 3339 time (e.g. 2026-11-01T00:00:00Z)"))
}

pub fn run(args: StatsArgs) -> ExitCode {
    let front = match paths::front_end(&args.paths, Depth::Check) {
        Ok(f) => f,
        Err(e) => return fail_usage(e),
    };
    let Some(unit) =
        report::checked_or_report(&front, "the contracts have errors; no statistics were made")
    else {
        return ExitCode::from(1);
    };
    let run = std::env::var("CRMC_STATS_RUN")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(join::DEFAULT_RUN);
    let mut j = Joiner {
        tally: Tally::default(),
        sorter: Sorter::new(run),
        seq: 0,
        since: args.since,
        until: args.until,
        max: usize::try_from(args.max_line_bytes).unwrap_or(usize::MAX),
    };
    let mut stdin_used = false;
    for p in &args.decisions {
        let r = match open(p, &mut stdin_used) {
            Ok(r) => r,
            Err(e) => return fail_usage(e),
        };
        if let Err(e) = j.decisions(r) {
            return fail_usage(format!("cannot read `{}`: {e}", p.display()));
        }
    }
    if let Some(p) = &args.feedback {
        let r = match open(p, &mut stdin_used) {
            Ok(r) => r,
            Err(e) => return fail_usage(e),
        };
        if let Err(e) = j.feedback(r) {
            return fail_usage(format!("cannot read `{}`: {e}", p.display()));
        }
    }
    let spilled = j.sorter.spilled();
    let tally = match j.finish() {
        Ok(t) => t,
        Err(e) => return fail_usage(format!("the join's temporary files: {e}")),
    };
    let opts = stats::Options {
        min_decisions: args.min_decisions,
        promote_at: args.promote_at / 100.0,
        demote_at: args.demote_at / 100.0,
    };
    let rep = stats::report(&tally, Some((unit, &front.parsed.sources)), opts);
    let ctx = render::Context {
        tally: &tally,
        opts,
        feedback: args.feedback.is_some(),
        spilled,
    };
    match args.format {
        Format::Human => render::human(&rep, &ctx),
        Format::Json => outln!("{}", render::json(&rep, &ctx)),
        Format::Markdown => out!("{}", render::markdown(&rep, &ctx)),
    }
    ExitCode::SUCCESS
}

fn open(p: &std::path::Path, stdin_used: &mut bool) -> Result<Box<dyn BufRead>, String> {
    if super::stdin_path(p) {
        if *stdin_used {
            return Err("`-` (standard input) can be given only once".into());
        }
        *stdin_used = true;
        return Ok(Box::new(BufReader::with_capacity(
            1 << 16,
            std::io::stdin(),
        )));
    }
    let f = std::fs::File::open(p).map_err(|e| format!("cannot read `{}`: {e}", p.display()))?;
    Ok(Box::new(BufReader::with_capacity(1 << 16, f)))
}

struct Joiner {
    tally: Tally,
    sorter: Sorter,
    seq: u64,
    since: Option<i64>,
    until: Option<i64>,
    max: usize,
}

/// Each line of `r`, parsed strictly (a repeated key is no JSON here), or
/// `None` for one that is unreadable.
fn lines(
    mut r: impl BufRead,
    max: usize,
    mut f: impl FnMut(Option<serde_json::Value>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut buf = Vec::with_capacity(4096);
    loop {
        match crmc_eval::read_line(&mut r, &mut buf, max)? {
            Line::End => return Ok(()),
            Line::TooLong(_) => f(None)?,
            Line::Read => {
                if buf.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                let v = std::str::from_utf8(&buf)
                    .ok()
                    .and_then(|t| crmc_eval::strict_json::parse(t).ok());
                f(v)?;
            }
        }
    }
}

impl Joiner {
    fn in_window(&self, at: Option<i64>) -> bool {
        if self.since.is_none() && self.until.is_none() {
            return true;
        }
        at.is_some_and(|t| self.since.is_none_or(|s| t >= s) && self.until.is_none_or(|u| t < u))
    }

    fn decisions(&mut self, r: impl BufRead) -> std::io::Result<()> {
        let max = self.max;
        lines(r, max, |v| {
            self.tally.decision_lines += 1;
            let read = v.as_ref().map(stats::decision_line);
            match read {
                None | Some(Err(stats::read::Unread::Malformed)) => {
                    self.tally.unreadable_decision_lines += 1;
                }
                Some(Err(stats::read::Unread::ErrorLine)) => self.tally.error_lines += 1,
                Some(Ok(fields)) => {
                    for d in fields {
                        if !self.in_window(d.at) {
                            self.tally.outside_window += 1;
                            continue;
                        }
                        let group = self.tally.intern(Group {
                            contract: d.contract,
                            field: d.field,
                            rule: d.rule,
                        });
                        let bucket = tally::bucket(d.confidence);
                        match d.key {
                            None => {
                                self.tally.unnamed += 1;
                                self.tally.add(group, d.outcome, bucket, d.excluded, None);
                            }
                            Some(k) => {
                                self.seq += 1;
                                self.sorter.push(Rec {
                                    key: k.0,
                                    side: 0,
                                    seq: self.seq,
                                    group: group.unwrap_or(u32::MAX),
                                    outcome: d.outcome as u8,
                                    bucket,
                                    excluded: u8::from(d.excluded),
                                    feedback: 0,
                                })?;
                            }
                        }
                    }
                }
            }
            Ok(())
        })
    }

    fn feedback(&mut self, r: impl BufRead) -> std::io::Result<()> {
        let max = self.max;
        lines(r, max, |v| {
            self.tally.feedback_lines += 1;
            match v.as_ref().map(stats::feedback_line) {
                Some(Ok(fb)) => {
                    self.seq += 1;
                    self.sorter.push(Rec {
                        key: fb.key.0,
                        side: 1,
                        seq: self.seq,
                        group: 0,
                        outcome: 0,
                        bucket: 0,
                        excluded: 0,
                        feedback: fb.feedback as u8,
                    })?;
                }
                _ => self.tally.unreadable_feedback_lines += 1,
            }
            Ok(())
        })
    }

    /// Merges the sorted records: each decision once, with the most
    /// serious feedback about it.
    fn finish(self) -> std::io::Result<Tally> {
        let mut tally = self.tally;
        let mut cur: Option<u128> = None;
        let mut decision: Option<Rec> = None;
        let mut worst: Option<Feedback> = None;
        let mut feedback_lines = 0u64;
        let flush = |t: &mut Tally, d: Option<Rec>, w: Option<Feedback>, n: u64| match d {
            Some(d) => {
                let group = (d.group != u32::MAX).then_some(d.group);
                let outcome = crmc_eval::Outcome::ALL[usize::from(d.outcome).min(4)];
                t.add(group, outcome, d.bucket, d.excluded == 1, w);
                t.repeated_feedback += n.saturating_sub(1);
            }
            None => t.unmatched_feedback += n,
        };
        self.sorter.drain(|r| {
            if cur != Some(r.key) {
                if cur.is_some() {
                    flush(&mut tally, decision.take(), worst.take(), feedback_lines);
                }
                cur = Some(r.key);
                feedback_lines = 0;
            }
            if r.side == 0 {
                if decision.is_none() {
                    decision = Some(r);
                } else {
                    tally.duplicates += 1;
                }
            } else {
                feedback_lines += 1;
                let fb = Feedback::ALL[usize::from(r.feedback).min(3)];
                worst = Some(worst.map_or(fb, |w| w.max(fb)));
            }
        })?;
        if cur.is_some() {
            flush(&mut tally, decision.take(), worst.take(), feedback_lines);
        }
        Ok(tally)
    }
}
