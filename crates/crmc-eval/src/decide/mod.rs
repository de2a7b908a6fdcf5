//! Deciding one mutation (language-v1 §5.3) and the decision's JSON (§7).
//!
//! The steps of §5.3, each in its own module, in the order [`Table::core`]
//! runs them:
//!
//! 0. [`input`]: the mutation resolved against its object (the targets:
//!    one per change, `*` for a delete; proposed values checked by type);
//! 1. [`applicable`]: which contracts apply (object, actor, trigger,
//!    `eligible`);
//! 2. [`exclusions`]: an applicable contract's exclusions;
//! 3. [`rules`]: each contract's field rules, per target;
//! 4. [`caps`]: confidence, mode and schema caps;
//! 5. [`combine`]: the most restrictive verdict per target, then
//!    [`guard`]: the guardrails' floors;
//! 6. [`approvals`], [`audit`], [`rollback`]: what the decision asks for.
//!
//! Deciding builds no strings: the steps record structured [`Reason`]s and
//! the decision is rendered afterwards, either as owned data ([`decision`])
//! or straight to JSON ([`json`]), with the reasons' text from [`reasons`].
//! [`evaluator`] holds the public entry points and the reused buffers
//! ([`scratch`]); [`stream`] the NDJSON line and stream functions.

mod applicable;
mod approvals;
mod audit;
mod caps;
mod combine;
mod decision;
mod evaluator;
mod exclusions;
mod guard;
mod input;
mod json;
mod reasons;
mod rollback;
mod rule_index;
mod rules;
mod scratch;
mod stream;
mod view;

pub use decision::{
    error_line, error_line_with_id, ApprovalNeed, AuditEntry, Decision, FieldDecision,
    RollbackEntry,
};
pub use evaluator::{Evaluator, FieldOutcome, PreparedMutation, RuleId};
pub use stream::{
    decide_batch, decide_json, decide_line, decide_stream, decide_stream_with_limit, read_line,
    too_long, Line, LineAnswer, Stats, DEFAULT_MAX_LINE_BYTES, EMPTY_LINE,
};
pub use view::{ApprovalView, AuditValue, DecisionView, FieldView, JsonRef, Texts};

use crate::eval::{Ctx, Tv};
use crate::mutation::J;
use crate::table::{
    Approver, CondRange, ContractIx, ContractRow, FieldIx, Mode, ObjectRow, Outcome, StrId, Table,
};
use crate::values::Misfit;
use scratch::Scratch;

/// Where the steps record their reasons: a `Vec` when the decision is
/// rendered, [`NoReasons`] when only outcomes are wanted
/// ([`Evaluator::decide_fields`] and the outcome-only entry points), so
/// those record nothing. Both run the same steps, monomorphized.
trait ReasonLog {
    fn push(&mut self, r: Reason);
    fn len(&self) -> u32;
    fn truncate(&mut self, len: u32);
}

impl ReasonLog for Vec<Reason> {
    #[inline]
    fn push(&mut self, r: Reason) {
        Vec::push(self, r);
    }
    #[inline]
    fn len(&self) -> u32 {
        Vec::len(self) as u32
    }
    #[inline]
    fn truncate(&mut self, len: u32) {
        Vec::truncate(self, len as usize);
    }
}

/// Reasons not recorded (the ranges of verdicts then are all empty).
struct NoReasons;

impl ReasonLog for NoReasons {
    #[inline]
    fn push(&mut self, _: Reason) {}
    #[inline]
    fn len(&self) -> u32 {
        0
    }
    #[inline]
    fn truncate(&mut self, _: u32) {}
}

/// What one change is about.
struct Target<'m> {
    name: &'m str,
    kind: TargetKind,
    /// The proposed value does not fit the field: the target decides `never`.
    misfit: Option<(Misfit, J<'m>)>,
}

#[derive(Clone, Copy)]
enum TargetKind {
    Field(FieldIx),
    /// A change to a name the schema does not have.
    Unknown,
    /// Deleting the whole record, governed by `*` rules.
    Record,
}

/// A rule as a decision names it: `Field#n`, or `*#n` for a `*` rule.
#[derive(Clone, Copy)]
struct RuleRef {
    star: bool,
    position: u32,
}

/// A reason, kept structured until a decision is rendered: deciding builds
/// no strings, and only the reasons of the deciding verdicts are rendered.
#[derive(Clone, Copy)]
enum Reason {
    EligibilityUnknown(CondRange),
    /// By position in the contract's `exclusions`.
    ExclusionUnknown(usize),
    ConfidenceMissing(Outcome),
    BelowReview(f64, f64),
    BelowAuto(f64, f64),
    Mode(Mode, Outcome),
    RuleHolds(RuleRef, Outcome),
    RuleUnknown(RuleRef, Option<CondRange>, Outcome),
    NoRule,
    /// Sampled for review at this rate (hundredths of a percent); `false`:
    /// the record has no id, so every such write is.
    Sampled(u32, bool),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum SchemaNote {
    Plain,
    Readonly,
    Protected,
}

/// One contract's verdict on one target.
#[derive(Clone, Copy)]
struct Verdict {
    outcome: Outcome,
    rule: Option<RuleRef>,
    /// The deciding rule's outcome and route.
    rule_outcome: Outcome,
    route: Option<Approver>,
    /// The rules' reasons: `reasons[start..end]`.
    start: u32,
    end: u32,
    /// An exclusion holds: the exclusion is the only reason.
    excluded: bool,
    /// The contract's cap reasons apply.
    capped: bool,
    schema: SchemaNote,
    /// A review sample raised `auto` to `review` (the last reason says so).
    sampled: bool,
}

struct Applicable<'t> {
    c: &'t ContractRow,
    ix: ContractIx,
    floor: Outcome,
    floor_reasons: (u32, u32),
    /// The exclusion that holds, by position.
    excluded: Option<usize>,
    cap: Outcome,
    cap_reasons: (u32, u32),
}

/// An approval need, before rendering.
struct Need {
    level: &'static str,
    approver: Option<Approver>,
    within: Option<u64>,
    /// Contract names.
    contracts: Vec<StrId>,
    /// Target positions.
    fields: Vec<usize>,
}

/// A target's final outcome and the applicable contract that decided it.
#[derive(Clone, Copy)]
struct Decided {
    by: Option<usize>,
    outcome: Outcome,
    /// The deciding verdict's rule (`None` when no rule decided).
    rule: Option<RuleRef>,
    /// A guardrail raised the outcome (the verdict's is lower).
    guard: Option<Guard>,
}

/// The guardrail that raised a target.
#[derive(Clone, Copy)]
struct Guard {
    /// `Table::guardrails[ix]`.
    ix: u32,
    /// Its `when` was unknown (it applied, failing closed).
    unknown: bool,
}

/// Everything a decision says, before any string is built. Borrows the
/// [`Work`] buffers it was decided into (nothing is moved per decision).
#[derive(Clone, Copy)]
struct Core<'c, 't, 'm> {
    ctx: &'c Ctx<'t, 'm>,
    object: &'t ObjectRow,
    targets: &'c [Target<'m>],
    apps: &'c [Applicable<'t>],
    /// `verdicts[ai * targets.len() + ti]`.
    verdicts: &'c [Verdict],
    reasons: &'c [Reason],
    decided: &'c [Decided],
    outcome: Outcome,
    approvals: &'c [Need],
    keep: Option<StrId>,
    notify: &'c [Approver],
}

/// The buffers [`Table::core`] decides into, kept between decisions (their
/// contents borrow only the table, so they need no retyping).
#[derive(Default)]
pub(super) struct Work<'t> {
    stack: Vec<Tv>,
    apps: Vec<Applicable<'t>>,
    verdicts: Vec<Verdict>,
    reasons: Vec<Reason>,
    decided: Vec<Decided>,
    approvals: Vec<Need>,
    /// Approval needs kept for their buffers.
    spare_needs: Vec<Need>,
    notify: Vec<Approver>,
    rules: rule_index::RuleIndex,
}

impl Core<'_, '_, '_> {
    fn verdict(&self, ai: usize, ti: usize) -> Option<&Verdict> {
        self.verdicts.get(ai * self.targets.len() + ti)
    }

    /// The target whose decision `fields[name]` holds: the last of that name.
    fn field_target(&self, ti: usize) -> usize {
        let name = self.targets.get(ti).map_or("", |t| t.name);
        self.targets
            .iter()
            .rposition(|t| t.name == name)
            .unwrap_or(ti)
    }
}

impl Table {
    /// The steps of §5.3 for one resolved mutation, structured (no strings),
    /// decided into `w`. `full`: also approvals and rollback.
    fn core<'c, 't, 'm>(
        &'t self,
        ctx: &'c Ctx<'t, 'm>,
        targets: &'c [Target<'m>],
        full: bool,
        w: &'c mut Work<'t>,
    ) -> Core<'c, 't, 'm> {
        let object = ctx.object;
        w.apps.clear();
        w.verdicts.clear();
        w.reasons.clear();
        w.rules.warm(self);
        if full {
            // The buffer is moved out for the steps, which also borrow `w`.
            let mut reasons = std::mem::take(&mut w.reasons);
            self.steps(ctx, targets, w, &mut reasons);
            w.reasons = reasons;
        } else {
            self.steps(ctx, targets, w, &mut NoReasons);
        }

        // 5. Combination, per target, then the guardrails.
        let outcome = combine::combine(targets, w.apps.len(), &w.verdicts, &mut w.decided);
        let outcome = self.guard(ctx, targets, &mut w.decided, &mut w.stack, outcome);
        w.spare_needs.append(&mut w.approvals);
        w.notify.clear();
        let mut keep = None;
        // 6. Approvals and rollback.
        if full {
            let core = Core {
                ctx,
                object,
                targets,
                apps: &w.apps,
                verdicts: &w.verdicts,
                reasons: &w.reasons,
                decided: &w.decided,
                outcome,
                approvals: &[],
                keep: None,
                notify: &[],
            };
            self.approvals(&core, &mut w.stack, &mut w.approvals, &mut w.spare_needs);
            keep = self.rollback_parts(&core, &mut w.notify);
        }
        Core {
            ctx,
            object,
            targets,
            apps: &w.apps,
            verdicts: &w.verdicts,
            reasons: &w.reasons,
            decided: &w.decided,
            outcome,
            approvals: &w.approvals,
            keep,
            notify: &w.notify,
        }
    }
}

impl Table {
    /// Steps 1 to 5 with nothing rendered, straight into `out` (one per
    /// target): what [`Evaluator::decide_fields`] gives, without the
    /// intermediate [`Core`]. The overall outcome.
    fn core_fields<'t>(
        &'t self,
        ctx: &Ctx<'t, '_>,
        targets: &[Target<'_>],
        w: &mut Work<'t>,
        out: &mut Vec<FieldOutcome>,
    ) -> Outcome {
        w.apps.clear();
        w.verdicts.clear();
        w.rules.warm(self);
        self.steps(ctx, targets, w, &mut NoReasons);
        out.clear();
        let overall = combine::combine(targets, w.apps.len(), &w.verdicts, &mut w.decided);
        let overall = self.guard(ctx, targets, &mut w.decided, &mut w.stack, overall);
        for (t, d) in targets.iter().zip(&w.decided) {
            out.push(FieldOutcome {
                field: match t.kind {
                    TargetKind::Field(f) => Some(f),
                    _ => None,
                },
                outcome: d.outcome,
                contract: d.by.and_then(|ai| w.apps.get(ai)).map(|a| a.ix),
                rule: d.rule.map(|r| RuleId {
                    star: r.star,
                    position: r.position,
                }),
            });
        }
        overall
    }

    /// Steps 1 to 4 for every candidate contract, into `w`'s applicable
    /// contracts and verdicts, reasons into `reasons`.
    #[inline]
    fn steps<'t, R: ReasonLog>(
        &'t self,
        ctx: &Ctx<'t, '_>,
        targets: &[Target<'_>],
        w: &mut Work<'t>,
        reasons: &mut R,
    ) {
        let stack = &mut w.stack;
        for &cix in self.candidates(ctx) {
            // 1. Applicable contracts.
            let Some(mut a) = self.applicable(cix, ctx, stack, reasons) else {
                continue;
            };
            // 2. Exclusions.
            self.exclusions(&mut a, ctx, stack, reasons);
            // 4. Contract-wide caps: confidence and mode (their reasons are
            // the contract's, recorded once for all its targets).
            self.contract_caps(&mut a, ctx, reasons);
            // 3. Field rules, per target, then the field's caps.
            for t in targets {
                let v = self.verdict(&a, t, ctx, &w.rules, stack, reasons);
                w.verdicts.push(v);
            }
            w.apps.push(a);
        }
    }
}
