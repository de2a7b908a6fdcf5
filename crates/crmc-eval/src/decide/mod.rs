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
//! 5. [`combine`]: the most restrictive verdict per target;
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
mod input;
mod json;
mod reasons;
mod rollback;
mod rules;
mod scratch;
mod stream;

pub use decision::{
    error_line, error_line_with_id, ApprovalNeed, AuditEntry, Decision, FieldDecision,
    RollbackEntry,
};
pub use evaluator::{Evaluator, FieldOutcome, PreparedMutation, RuleId};
pub use stream::{
    decide_batch, decide_json, decide_line, decide_stream, decide_stream_with_limit, Stats,
    DEFAULT_MAX_LINE_BYTES,
};

use crate::eval::{recycle, Ctx};
use crate::mutation::J;
use crate::table::{
    Approver, CondRange, ContractIx, ContractRow, FieldIx, Mode, ObjectRow, Outcome, StrId, Table,
};
use crate::values::Misfit;
use scratch::Scratch;

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
}

/// Everything a decision says, before any string is built.
struct Core<'c, 't, 'm> {
    ctx: &'c Ctx<'t, 'm>,
    object: &'t ObjectRow,
    targets: &'c [Target<'m>],
    apps: Vec<Applicable<'t>>,
    /// `verdicts[ai * targets.len() + ti]`.
    verdicts: Vec<Verdict>,
    reasons: Vec<Reason>,
    decided: Vec<Decided>,
    outcome: Outcome,
    approvals: Vec<Need>,
    keep: Option<StrId>,
    notify: Vec<Approver>,
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
    /// The steps of §5.3 for one resolved mutation, structured (no strings).
    /// `full`: also approvals and rollback.
    fn core<'c, 't, 'm>(
        &'t self,
        ctx: &'c Ctx<'t, 'm>,
        targets: &'c [Target<'m>],
        full: bool,
        s: &mut Scratch,
    ) -> Core<'c, 't, 'm> {
        let object = ctx.object;
        let mut stack = std::mem::take(&mut s.stack);
        let mut apps: Vec<Applicable<'t>> = recycle(std::mem::take(&mut s.apps));
        let mut verdicts: Vec<Verdict> = std::mem::take(&mut s.verdicts);
        verdicts.clear();
        let mut reasons: Vec<Reason> = std::mem::take(&mut s.reasons);
        reasons.clear();
        for &cix in self.candidates(ctx) {
            // 1. Applicable contracts.
            let Some(mut a) = self.applicable(cix, ctx, &mut stack, &mut reasons) else {
                continue;
            };
            // 2. Exclusions.
            self.exclusions(&mut a, ctx, &mut stack, &mut reasons);
            // 4. Contract-wide caps: confidence and mode (their reasons are
            // the contract's, recorded once for all its targets).
            self.contract_caps(&mut a, ctx, &mut reasons);
            // 3. Field rules, per target, then the field's caps.
            for t in targets {
                let v = self.verdict(a.c, &a, t, ctx, &mut stack, &mut reasons);
                verdicts.push(v);
            }
            apps.push(a);
        }

        // 5. Combination, per target.
        let mut decided: Vec<Decided> = std::mem::take(&mut s.decided);
        let outcome = combine::combine(targets, apps.len(), &verdicts, &mut decided);
        let mut core = Core {
            ctx,
            object,
            targets,
            apps,
            verdicts,
            reasons,
            decided,
            outcome,
            approvals: Vec::new(),
            keep: None,
            notify: Vec::new(),
        };
        // 6. Approvals and rollback.
        if full {
            let out = std::mem::take(&mut s.approvals);
            core.approvals = self.approvals(&core, &mut stack, out, &mut s.spare_needs);
            self.rollback_parts(&mut core);
        }
        s.stack = stack;
        core
    }
}
