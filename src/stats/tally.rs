//! Counts per deciding contract, field and rule: how often each outcome was
//! decided, how often an exclusion blocked, and what people did with the
//! decisions (by outcome, and for proposals by confidence), in memory
//! bounded by the number of groups (at most [`MAX_GROUPS`]; the rest are
//! counted together).

use super::read::Feedback;
use crate::check::model::Outcome;
use std::collections::HashMap;

/// Distinct (contract, field, rule) groups counted apart.
pub const MAX_GROUPS: usize = 10_000;

/// Confidence in hundredths: 0..=100, and one bucket for "not said".
pub const BUCKETS: usize = 102;
pub const NO_CONFIDENCE: u8 = 101;

/// The hundredths bucket of a confidence (clamped to 0..=1).
pub fn bucket(c: Option<f64>) -> u8 {
    match c {
        Some(c) if c.is_finite() => (c.clamp(0.0, 1.0) * 100.0 + 1e-9).floor() as u8,
        _ => NO_CONFIDENCE,
    }
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Group {
    pub contract: Option<String>,
    pub field: String,
    pub rule: Option<String>,
}

pub fn ix(o: Outcome) -> usize {
    o as usize
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Counts {
    pub decisions: u64,
    pub outcomes: [u64; 5],
    pub excluded: u64,
    /// `feedback[outcome][kind]`.
    pub feedback: [[u64; 4]; 5],
    /// Per outcome (review, suggest) and confidence bucket: (decisions with
    /// feedback, of them accepted).
    pub review_by_confidence: Vec<(u64, u64)>,
    pub suggest_by_confidence: Vec<(u64, u64)>,
}

impl Default for Counts {
    fn default() -> Counts {
        Counts {
            decisions: 0,
            outcomes: [0; 5],
            excluded: 0,
            feedback: [[0; 4]; 5],
            review_by_confidence: vec![(0, 0); BUCKETS],
            suggest_by_confidence: vec![(0, 0); BUCKETS],
        }
    }
}

impl Counts {
    pub fn add(&mut self, outcome: Outcome, bucket: u8, excluded: bool, fb: Option<Feedback>) {
        self.decisions += 1;
        self.outcomes[ix(outcome)] += 1;
        self.excluded += u64::from(excluded);
        let Some(fb) = fb else { return };
        self.feedback[ix(outcome)][fb as usize] += 1;
        let by = match outcome {
            Outcome::Review => &mut self.review_by_confidence,
            Outcome::Suggest => &mut self.suggest_by_confidence,
            _ => return,
        };
        if let Some(b) = by.get_mut(usize::from(bucket)) {
            b.0 += 1;
            b.1 += u64::from(fb == Feedback::Accepted);
        }
    }

    pub fn merge(&mut self, o: &Counts) {
        self.decisions += o.decisions;
        self.excluded += o.excluded;
        for i in 0..5 {
            self.outcomes[i] += o.outcomes[i];
            for k in 0..4 {
                self.feedback[i][k] += o.feedback[i][k];
            }
        }
        for (a, b) in self
            .review_by_confidence
            .iter_mut()
            .zip(&o.review_by_confidence)
        {
            a.0 += b.0;
            a.1 += b.1;
        }
        for (a, b) in self
            .suggest_by_confidence
            .iter_mut()
            .zip(&o.suggest_by_confidence)
        {
            a.0 += b.0;
            a.1 += b.1;
        }
    }

    /// Decisions of these outcomes that got feedback, and of them `kind`.
    pub fn share(&self, outcomes: &[Outcome], kind: Feedback) -> (u64, u64) {
        let mut with = 0;
        let mut of = 0;
        for o in outcomes {
            let f = &self.feedback[ix(*o)];
            with += f.iter().sum::<u64>();
            of += f[kind as usize];
        }
        (of, with)
    }
}

/// Every group's counts, and how the logs read.
#[derive(Debug, Default)]
pub struct Tally {
    ids: HashMap<Group, u32>,
    pub groups: Vec<(Group, Counts)>,
    /// Decisions of groups past [`MAX_GROUPS`].
    pub other: Counts,
    pub decision_lines: u64,
    pub error_lines: u64,
    pub unreadable_decision_lines: u64,
    pub feedback_lines: u64,
    pub unreadable_feedback_lines: u64,
    /// Decided fields with neither an id nor a record id and time: counted,
    /// never joined.
    pub unnamed: u64,
    /// Decided fields named like one already counted (a line logged twice).
    pub duplicates: u64,
    /// Outside `--since`/`--until`, or without a time when a window is set.
    pub outside_window: u64,
    /// Feedback lines that name no decision of the logs (in the window).
    pub unmatched_feedback: u64,
    /// Feedback lines about a decision another line spoke of already (the
    /// most serious counts).
    pub repeated_feedback: u64,
}

impl Tally {
    /// The group's number, or `None` past [`MAX_GROUPS`].
    pub fn intern(&mut self, g: Group) -> Option<u32> {
        if let Some(&i) = self.ids.get(&g) {
            return Some(i);
        }
        if self.groups.len() >= MAX_GROUPS {
            return None;
        }
        let i = self.groups.len() as u32;
        self.ids.insert(g.clone(), i);
        self.groups.push((g, Counts::default()));
        Some(i)
    }

    pub fn add(
        &mut self,
        group: Option<u32>,
        outcome: Outcome,
        bucket: u8,
        excluded: bool,
        fb: Option<Feedback>,
    ) {
        let c = match group.and_then(|g| self.groups.get_mut(g as usize)) {
            Some((_, c)) => c,
            None => &mut self.other,
        };
        c.add(outcome, bucket, excluded, fb);
    }
}
