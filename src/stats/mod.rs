//! `crmc stats`: earned write access. Decision logs joined with a feedback
//! log (what people did with each decided field) give, per contract and
//! field, the metrics the playbooks name, each contract's `metric` clauses
//! against their measured values, and promote / demote recommendations.
//!
//! ```text
//! read        log lines -> decided fields, feedback (and the names that join them)
//! tally       counts per (contract, field, rule), bounded
//! report      metrics, metric clauses
//! recommend   promote / demote, with evidence and the text change
//! ```
//!
//! The join itself (sorting both logs by decision name, spilling to disk so
//! memory stays bounded) is the CLI's (`src/cli/stats/`): stages here touch
//! no file.

pub mod read;
pub mod recommend;
pub mod report;
pub mod tally;

pub use read::{decision_line, feedback_line, DecidedField, Feedback, FeedbackLine, JoinKey};
pub use recommend::{Direction, Recommendation};
pub use report::{report, Options, Report};
pub use tally::{Group, Tally};
