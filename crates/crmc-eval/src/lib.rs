//! `crmc-eval`: load a compiled CRM write-contract decision table and decide
//! proposed writes, with nothing but `serde` and `serde_json` underneath.
//!
//! The compiler (`crmc build`) turns `.crmc` contracts into a [`Table`] and
//! writes it with [`Table::to_bytes`]. An application embeds the bytes, loads
//! them once with [`Table::from_bytes`] (which validates every index, so a
//! corrupted or crafted file is an error, never a panic), and asks for a
//! [`Decision`] before every write an automation proposes:
//!
//! ```
//! use crmc_eval::{builder::{FieldSpec, TableBuilder}, table::*, Outcome, Table};
//!
//! // A one-contract table, built by hand here; normally `crmc build` writes it.
//! let mut b = TableBuilder::new("doc");
//! let lead = b.object("Lead", &[FieldSpec::new("Industry", TypeTag::Picklist)]);
//! let industry = b.field(lead, "Industry").unwrap();
//! let empty = b.cond(vec![Op::Atom(Subject::Field(industry), Test::IsEmpty)]);
//! let name = b.intern("enrich");
//! b.contract(ContractRow {
//!     name, version: 1, object: lead, actor_kind: ActorKind::Ai, actor_name: None,
//!     mode: Mode::ConditionalWrite, triggers: vec![Trigger::Update(None)],
//!     eligible: None, exclusions: vec![], auto_at: None, review_at: None,
//!     field_rules: vec![FieldRules { field: industry, rules: vec![
//!         RuleRow { outcome: Outcome::Auto, route: None, when: Some(empty), position: 1 },
//!         RuleRow { outcome: Outcome::Review, route: None, when: None, position: 2 },
//!     ]}],
//!     star: None, review_route: None, escalate_route: None, require: vec![],
//!     audit: None, rollback: None, sample: Default::default(),
//! });
//! let bytes = b.finish().unwrap().to_bytes();
//!
//! // What an application does:
//! let table = Table::from_bytes(&bytes).unwrap();
//! let line = r#"{"object":"Lead","event":"update","actor":{"kind":"ai","name":"alim"},
//!     "at":"2026-11-21T10:00:00Z","record":{"Industry":null},
//!     "changes":{"Industry":"Banking"}}"#;
//! let decision = table.decide(&crmc_eval::Mutation::from_json(line).unwrap()).unwrap();
//! assert_eq!(decision.outcome, Outcome::Auto);
//! assert_eq!(decision.fields["Industry"].rule.as_deref(), Some("Industry#1"));
//! ```
//!
//! For NDJSON streams, [`decide_line`] and [`decide_batch`] turn each input
//! line into a decision line or an `{"error":{"line":N,"message":..}}` line;
//! [`decide_stream`] does the same from a reader to a writer in constant
//! memory: a line longer than [`DEFAULT_MAX_LINE_BYTES`] (or the limit given
//! to [`decide_stream_with_limit`]) is one error line, read past without
//! being held. A mutation's top-level `"id"` (a string or an integer) is
//! echoed as the first key of its decision line, and of its error line when
//! the line is a JSON object naming exactly one valid `id`. [`Table::decide_json_into`] writes a decision's JSON without
//! building a [`Decision`], [`Table::decide_outcome`] renders nothing.
//!
//! For many decisions on one thread, an [`Evaluator`] keeps its scratch
//! buffers between calls, so deciding allocates nothing once they have
//! grown; [`Evaluator::prepare`] resolves a mutation against the table once
//! (object, field names to indices, values decoded by field type) and
//! [`Evaluator::decide_fields`] then gives the outcome and, per changed
//! field, its outcome, deciding contract and rule ([`FieldOutcome`]);
//! [`Evaluator::decide_full`] gives the complete decision as a
//! [`DecisionView`] (everything a [`Decision`] carries, borrowed from the
//! table, the mutation and the evaluator's buffers; its
//! [`DecisionView::write_json`] is the decision's JSON line).
//! [`decide_stream`] parses each line straight into a borrowed mutation
//! (no `serde_json::Value`), falling back to the `Value` parse for lines
//! it does not take (escaped strings, array or object values, repeated
//! keys, anything invalid), so results and messages are the same.
//!
//! # Semantics (language-v1 §5.3)
//!
//! Conditions use Kleene three-valued logic; see [`eval`] for what is empty
//! and what is unknown. Choices where the spec is silent:
//! - a rule whose condition is unknown contributes `max(review, its outcome)`
//!   and evaluation goes on; the field's outcome is the max of that and what
//!   the later rules (then the `*` rules) decide. The rule reported is the
//!   one that held, unless an unknown rule raised the outcome above it;
//! - missing `confidence` with a `confidence` block present is below every
//!   threshold (`never` with a `review` threshold, else at least `review`);
//! - numbers compare as the 64-bit floats JSON parses to (exact for integers
//!   up to 2^53 and decimals of up to 15 significant digits; `-0` equals `0`);
//!   strings compare case-sensitively;
//! - a change to a name the schema lacks decides `never` (contract `null`);
//! - a `delete` is decided by the `*` rules as a pseudo-field `*`;
//!   a create/update without changes decides `never` with no fields;
//! - approvals: one per (level, approver), listing fields and contracts; the
//!   route is the deciding rule's own `by/to` when that rule's outcome is the
//!   final one, else the contract's route for the level (`null` if none);
//!   `require` entries come from every applicable contract that itself asked
//!   for approval of a field, when their condition is true or unknown;
//! - audit entries always carry `field`; without an `audit` clause only
//!   `field` (or `field`, `outcome`, `reasons` when no contract governs);
//!   sensitive fields' non-null old/new values are `"***"`;
//! - rollback `keep` is the longest among the deciding contracts, `notify`
//!   their union; `previous` is unmasked (it exists to restore values).

pub mod builder;
pub mod codec;
mod decide;
pub mod eval;
pub mod file;
mod mutation;
mod names;
pub mod sample;
pub mod strict_json;
pub mod table;
pub mod time;
mod values;

pub use codec::LoadError;
pub use decide::{
    decide_batch, decide_json, decide_line, decide_stream, decide_stream_with_limit, error_line,
    error_line_with_id, read_line, too_long, ApprovalNeed, ApprovalView, AuditEntry, AuditValue,
    Decision, DecisionView, Evaluator, FieldDecision, FieldOutcome, FieldView, JsonRef, Line,
    LineAnswer, PreparedMutation, RollbackEntry, RuleId, Stats, Texts, DEFAULT_MAX_LINE_BYTES,
    EMPTY_LINE,
};
pub use mutation::history;
pub use mutation::{Actor, Cause, EvalError, History, LastWrite, Mutation, MutationBuilder};
pub use table::{Outcome, Table};
