//! `crmc replay -t NEW [--against OLD] LOG`: decide past writes again with a
//! new table and report what would now be decided differently.
//!
//! LOG is NDJSON: `crmc serve`'s decision log (each line holds the `input`
//! decided and the `answer` given then) or plain mutations (language-v1
//! §7). Each input is decided with NEW and compared with OLD's decision
//! (`--against OLD`) or, for a log line without `--against`, with the
//! answer logged. Lines are read one at a time into one reused buffer and
//! the tally holds a bounded number of groups, so memory stays constant
//! however long the log.

mod tally;

use super::fail_usage;
use crmc_eval::{Evaluator, Line, Mutation, Outcome, Table};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::ExitCode;
use tally::{FieldChange, Side, Tally};

#[derive(clap::Args)]
pub struct ReplayArgs {
    /// The new decision table (written by `crmc build`)
    #[arg(short, long = "table", value_name = "NEW")]
    pub table: PathBuf,
    /// Decide every input with this table too and compare with it, instead
    /// of with the answers a decision log holds (needed for plain mutations)
    #[arg(long, value_name = "OLD")]
    pub against: Option<PathBuf>,
    /// NDJSON log: `crmc serve --decision-log` lines or mutations; `-` or
    /// none: standard input
    pub log: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Example lines kept per transition
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub examples: usize,
    /// Exit 1 when some write would be decided less restrictively
    #[arg(long, value_enum, value_name = "WHAT")]
    pub deny: Option<Deny>,
    /// The longest log line read, in bytes: a longer one is counted as
    /// unreadable and skipped without being held in memory
    #[arg(long, value_name = "N", default_value_t = crmc_eval::DEFAULT_MAX_LINE_BYTES as u64,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub max_line_bytes: u64,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Deny {
    /// Some write moves to a less restrictive outcome (`review` → `auto`, …)
    Loosened,
}

pub fn run(args: ReplayArgs) -> ExitCode {
    let new = match super::eval::load_table(&args.table) {
        Ok(t) => t,
        Err(e) => return fail_usage(e),
    };
    let old = match args.against.as_deref().map(super::eval::load_table) {
        Some(Ok(t)) => Some(t),
        Some(Err(e)) => return fail_usage(e),
        None => None,
    };
    let input: Box<dyn Read> = match args.log.as_deref() {
        None => Box::new(std::io::stdin()),
        Some(p) if super::stdin_path(p) => Box::new(std::io::stdin()),
        Some(p) => match std::fs::File::open(p) {
            Ok(f) => Box::new(f),
            Err(e) => return fail_usage(format!("cannot read `{}`: {e}", p.display())),
        },
    };
    let mut replay = Replay {
        new: Evaluator::new(&new),
        old: old.as_ref().map(Evaluator::new),
        tally: Tally::new(args.examples),
    };
    let max = usize::try_from(args.max_line_bytes).unwrap_or(usize::MAX);
    if let Err(e) = replay.stream(BufReader::with_capacity(64 * 1024, input), max) {
        return fail_usage(e);
    }
    let tally = replay.tally;
    match args.format {
        Format::Human => tally.print_human(),
        Format::Json => outln!("{}", tally.to_json()),
    }
    if matches!(args.deny, Some(Deny::Loosened)) && tally.loosened() > 0 {
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

struct Replay<'t> {
    new: Evaluator<'t>,
    old: Option<Evaluator<'t>>,
    tally: Tally,
}

/// A line of `crmc serve --decision-log` (the other keys are not needed).
/// A key given twice is an error, so a doctored line is not decided.
#[derive(Deserialize)]
struct LogLine<'a> {
    #[serde(borrow)]
    input: Option<&'a RawValue>,
    input_text: Option<String>,
    /// Read as it is parsed: the answer is the larger part of a line.
    answer: Answer,
}

/// The part of a logged answer the comparison reads.
#[derive(Deserialize)]
struct Answer {
    outcome: Option<Outcome>,
    #[serde(default)]
    fields: std::collections::BTreeMap<String, AnswerField>,
    error: Option<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
struct AnswerField {
    outcome: Outcome,
    contract: Option<String>,
}

impl Replay<'_> {
    fn stream(&mut self, mut reader: impl BufRead, max: usize) -> Result<(), String> {
        let mut line = Vec::with_capacity(4096);
        let mut line_no = 0usize;
        loop {
            let read = crmc_eval::read_line(&mut reader, &mut line, max)
                .map_err(|e| format!("cannot read the log: {e}"))?;
            line_no += 1;
            let text = match read {
                Line::End => return Ok(()),
                Line::TooLong(_) => None,
                Line::Read => std::str::from_utf8(&line)
                    .ok()
                    .filter(|t| !t.trim().is_empty()),
            };
            match text {
                Some(t) => self.line(line_no, t)?,
                None => self.tally.unreadable(line_no),
            }
        }
    }

    fn line(&mut self, line_no: usize, text: &str) -> Result<(), String> {
        // A decision-log line names its answer; anything else is a mutation.
        let logged = if text.contains("\"answer\"") {
            match serde_json::from_str::<LogLine<'_>>(text) {
                Ok(l) => Some(l),
                // Not a log line after all: a mutation, when there is a
                // table to decide it with; else a log line gone bad.
                Err(_) if self.old.is_some() => None,
                Err(_) => {
                    self.tally.unreadable(line_no);
                    return Ok(());
                }
            }
        } else {
            None
        };
        let (input, answer) = match logged {
            Some(l) => match (l.input, l.input_text) {
                (Some(raw), None) => (Cow::Borrowed(raw.get()), Some(l.answer)),
                (None, Some(s)) => (Cow::Owned(s), Some(l.answer)),
                _ => {
                    self.tally.unreadable(line_no);
                    return Ok(());
                }
            },
            None => (Cow::Borrowed(text), None),
        };
        let mutation = Mutation::from_json(&input).ok();
        let new = decide(&mut self.new, mutation.as_ref());
        let old = match (&mut self.old, answer) {
            (Some(ev), _) => decide(ev, mutation.as_ref()),
            (None, Some(a)) => logged_side(a),
            (None, None) => {
                return Err(format!(
                    "line {line_no} is a mutation, not a decision-log line: give --against OLD \
                     to decide it with the old table too"
                ))
            }
        };
        let (object, id) = match &mutation {
            Some(m) => (m.object(), m.id()),
            None => ("", None),
        };
        self.tally.record(line_no, id, object, &old, &new);
        Ok(())
    }
}

/// The decision of `m` by one table (an error when it cannot be decided),
/// borrowing names from the mutation and the table.
fn decide<'t: 'm, 'm>(ev: &mut Evaluator<'t>, m: Option<&'m Mutation>) -> Side<'m> {
    let Some(m) = m else {
        return Side::Error;
    };
    let table: &'t Table = ev.table();
    let mut names: Vec<&'m str> = Vec::new();
    let Ok((outcome, fields)) = ev.decide_fields_of(m, &mut names) else {
        return Side::Error;
    };
    let fields = names
        .into_iter()
        .zip(fields)
        .map(|(name, f)| FieldChange {
            name: Cow::Borrowed(name),
            outcome: f.outcome,
            contract: f
                .contract
                .and_then(|c| table.contracts.get(c.ix()))
                .map(|c| Cow::Borrowed(table.str(c.name))),
        })
        .collect();
    Side::Decided { outcome, fields }
}

/// The decision a log line records.
fn logged_side(answer: Answer) -> Side<'static> {
    match answer {
        Answer {
            outcome: Some(outcome),
            fields,
            error: None,
        } => Side::Decided {
            outcome,
            fields: fields
                .into_iter()
                .map(|(name, f)| FieldChange {
                    name: Cow::Owned(name),
                    outcome: f.outcome,
                    contract: f.contract.map(Cow::Owned),
                })
                .collect(),
        },
        _ => Side::Error,
    }
}
