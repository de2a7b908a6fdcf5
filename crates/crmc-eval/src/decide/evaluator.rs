//! The public entry points: [`Table::decide`] and its siblings, the
//! [`Evaluator`] that reuses its buffers between decisions, and prepared
//! mutations.

use super::decision::Decision;
use super::scratch::Scratch;
use super::view::{DecisionView, ViewBufs};
use super::Target;
use crate::eval::Ctx;
use crate::mutation::{EvalError, In, Mutation, J};
use crate::table::{ContractIx, FieldIx, Outcome, Table};
use serde_json::Value;

/// How one target of a decision came out: what a decision's `fields` entry
/// says, without strings. See [`Evaluator::decide_fields`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldOutcome {
    /// The changed field (`None`: a name the schema lacks, or the `*`
    /// pseudo-field of a delete).
    pub field: Option<FieldIx>,
    pub outcome: Outcome,
    /// The deciding contract (`null` `contract` in the JSON when `None`).
    pub contract: Option<ContractIx>,
    /// The deciding rule (`null` `rule` when `None`).
    pub rule: Option<RuleId>,
}

/// A rule as a decision names it: `Field#position`, or `*#position`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleId {
    pub star: bool,
    pub position: u32,
}

/// A mutation resolved once against a table: its object found, its field
/// names resolved to field indices and its values decoded by field type.
/// The analogue of an engine's pre-parsed input; decide it (any number of
/// times) with [`Evaluator::decide_prepared`].
pub struct PreparedMutation<'t, 'm> {
    ctx: Ctx<'t, 'm>,
    targets: Vec<Target<'m>>,
    /// The mutation, borrowed, for the audit and rollback of
    /// [`Evaluator::decide_full`].
    input: In<'m>,
    /// The record's id (the value of its object's id field), resolved once
    /// like the other names.
    record_id: Option<J<'m>>,
}

impl<'m> PreparedMutation<'_, 'm> {
    /// The targets, in the order of [`Evaluator::decide_fields`]'s slice:
    /// the changed names in name order (then `*` for a delete), borrowed
    /// from the mutation.
    pub fn target_names(&self) -> impl Iterator<Item = &'m str> + '_ {
        self.targets.iter().map(|t| t.name)
    }
}

/// A table with reusable scratch space: decides mutations without
/// allocating once its buffers have grown (the [`Table`] methods build a
/// fresh one per call). One per thread; it borrows the table.
///
/// ```
/// # use crmc_eval::{Evaluator, Table, Mutation};
/// # fn f(table: &Table, mutations: &[Mutation]) -> Result<(), crmc_eval::EvalError> {
/// let mut ev = Evaluator::new(table);
/// for m in mutations {
///     let outcome = ev.decide_outcome(m)?;           // resolves names per call
///     let p = ev.prepare(m)?;                        // or resolve once...
///     let (o, fields) = ev.decide_fields(&p);        // ...and decide per field
///     assert_eq!(o, outcome);
///     # let _ = fields;
/// }
/// # Ok(()) }
/// ```
pub struct Evaluator<'t> {
    table: &'t Table,
    s: Scratch<'t>,
    fields: Vec<FieldOutcome>,
    view: ViewBufs,
}

impl<'t> Evaluator<'t> {
    pub fn new(table: &'t Table) -> Evaluator<'t> {
        Evaluator {
            table,
            s: Scratch::default(),
            fields: Vec::new(),
            view: ViewBufs::default(),
        }
    }

    pub fn table(&self) -> &'t Table {
        self.table
    }

    /// [`Table::decide_outcome`], without allocating.
    pub fn decide_outcome(&mut self, m: &Mutation) -> Result<Outcome, EvalError> {
        let t = self.table;
        let mut i = self.s.input();
        fill_input(&mut i, m);
        let r = t.prepare_in(&i, &mut self.s).map(|(ctx, targets)| {
            let o = t.core(&ctx, &targets, false, &mut self.s.work).outcome;
            self.s.put_ctx(ctx, targets);
            o
        });
        self.s.put_input(i);
        r
    }

    /// [`Table::decide_json_into`], reusing this evaluator's buffers.
    pub fn decide_json_into(&mut self, m: &Mutation, out: &mut Vec<u8>) -> Result<(), EvalError> {
        self.decide_mutation_json(m, out).map(|_| ())
    }

    fn decide_mutation_json(
        &mut self,
        m: &Mutation,
        out: &mut Vec<u8>,
    ) -> Result<Outcome, EvalError> {
        let mut i = self.s.input();
        fill_input(&mut i, m);
        let r = self.decide_in_json(&i, out);
        self.s.put_input(i);
        r
    }

    /// Writes the decision of `i` to `out`; its overall outcome.
    fn decide_in_json(&mut self, i: &In<'_>, out: &mut Vec<u8>) -> Result<Outcome, EvalError> {
        let t = self.table;
        let (ctx, targets) = t.prepare_in(i, &mut self.s)?;
        let s = &mut self.s;
        let core = t.core(&ctx, &targets, true, &mut s.work);
        let names = s.names.get(ctx.obj_ix.ix()).and_then(Option::as_ref);
        t.write_json(i, &core, names, &mut s.write, out);
        let outcome = core.outcome;
        self.s.put_ctx(ctx, targets);
        Ok(outcome)
    }

    /// Resolves a mutation against the table once (object, field names,
    /// typed values); errs when its object is unknown.
    pub fn prepare<'m>(&self, m: &'m Mutation) -> Result<PreparedMutation<'t, 'm>, EvalError> {
        let input = In::from_mutation(m);
        let (ctx, targets) = self.table.prepare_in(&input, &mut Scratch::default())?;
        let record_id = self.table.record_id(&input, ctx.object);
        Ok(PreparedMutation {
            ctx,
            targets,
            input,
            record_id,
        })
    }

    /// Decides a prepared mutation completely: everything the owned
    /// [`Decision`] (and its JSON line) says, borrowed from the table, the
    /// mutation and this evaluator's buffers ([`DecisionView`]); nothing is
    /// allocated once the buffers have grown.
    pub fn decide_full<'e>(&'e mut self, p: &'e PreparedMutation<'t, '_>) -> DecisionView<'e> {
        let t = self.table;
        let core = t.core(&p.ctx, &p.targets, true, &mut self.s.work);
        self.view.fill(t, &p.input, &core);
        DecisionView {
            t,
            m: &p.input,
            core,
            b: &self.view,
            record_id: p.record_id,
        }
    }

    /// Decides a prepared mutation: the overall outcome and, per target
    /// (in [`PreparedMutation::target_names`] order), its outcome, deciding
    /// contract and rule — what the decision's `fields` say, as ids.
    /// Every applicable contract, exclusion, rule and cap is evaluated;
    /// approvals, audit, rollback and reasons are not rendered.
    pub fn decide_fields(&mut self, p: &PreparedMutation<'t, '_>) -> (Outcome, &[FieldOutcome]) {
        let t = self.table;
        let outcome = t.core_fields(&p.ctx, &p.targets, &mut self.s.work, &mut self.fields);
        (outcome, &self.fields)
    }

    /// [`Evaluator::decide_fields`] for a mutation not prepared (resolved
    /// with this evaluator's buffers and name indices, so nothing is
    /// allocated once they have grown); `names` gets the targets' names.
    /// Errs when the mutation's object is unknown.
    pub fn decide_fields_of<'m>(
        &mut self,
        m: &'m Mutation,
        names: &mut Vec<&'m str>,
    ) -> Result<(Outcome, &[FieldOutcome]), EvalError> {
        let t = self.table;
        let mut i = self.s.input();
        fill_input(&mut i, m);
        let r = t.prepare_in(&i, &mut self.s).map(|(ctx, targets)| {
            let o = t.core_fields(&ctx, &targets, &mut self.s.work, &mut self.fields);
            names.extend(targets.iter().map(|t| t.name));
            self.s.put_ctx(ctx, targets);
            o
        });
        self.s.put_input(i);
        r.map(|o| (o, &self.fields[..]))
    }

    /// [`Evaluator::decide_fields`], the overall outcome only.
    pub fn decide_prepared(&mut self, p: &PreparedMutation<'t, '_>) -> Outcome {
        self.table
            .core(&p.ctx, &p.targets, false, &mut self.s.work)
            .outcome
    }

    /// Decides one mutation given as §7 JSON text and appends the decision's
    /// JSON to `out`: exactly what [`crate::decide_json`] returns, but with
    /// this evaluator's buffers, and parsed without building `Value`s when
    /// the text is simple. On an error nothing is appended. For a line of an
    /// NDJSON stream (error lines, blank lines, the length limit) use
    /// [`Evaluator::decide_line_into`].
    pub fn decide_text(&mut self, text: &str, out: &mut Vec<u8>) -> Result<(), EvalError> {
        self.decide_text_outcome(text, out).map(|_| ())
    }

    /// [`Evaluator::decide_text`], also giving the decision's outcome.
    pub(super) fn decide_text_outcome(
        &mut self,
        text: &str,
        out: &mut Vec<u8>,
    ) -> Result<Outcome, EvalError> {
        let start = out.len();
        let mut i = self.s.input();
        let r = if i.parse_fast(text) {
            self.decide_in_json(&i, out)
        } else {
            match Mutation::from_json(text) {
                Ok(m) => self.decide_mutation_json(&m, out),
                Err(e) => Err(e),
            }
        };
        self.s.put_input(i);
        if r.is_err() {
            out.truncate(start);
        }
        r
    }
}

/// `i` (empty, over kept buffers) for `m`.
fn fill_input<'m>(i: &mut In<'m>, m: &'m Mutation) {
    let entries = |map: &'m serde_json::Map<String, Value>, e: &mut Vec<(&'m str, J<'m>)>| {
        e.extend(map.iter().map(|(k, v)| (k.as_str(), J::from_value(v))));
    };
    i.id = m.id.as_ref().map(J::from_value);
    i.object = &m.object;
    i.event = Some(m.event);
    i.kind = Some(m.actor.kind);
    i.name = &m.actor.name;
    i.confidence = m.confidence;
    i.source = m.source.as_deref();
    i.at_text = &m.at_text;
    i.at = m.at;
    i.cause = m.cause.as_ref();
    i.history = m.history.as_ref();
    entries(&m.record, &mut i.record);
    entries(&m.changes, &mut i.changes);
    i.parents.extend(m.parents.iter().map(|(k, v)| {
        let mut e = Vec::new();
        if let Value::Object(p) = v {
            entries(p, &mut e);
        }
        (k.as_str(), e)
    }));
}

impl Table {
    /// Decides one mutation. Errs only when the mutation names an object the
    /// table does not know.
    pub fn decide(&self, m: &Mutation) -> Result<Decision, EvalError> {
        let i = In::from_mutation(m);
        let mut s = Scratch::default();
        let (ctx, targets) = self.prepare_in(&i, &mut s)?;
        let core = self.core(&ctx, &targets, true, &mut s.work);
        Ok(self.materialize(&i, &core))
    }

    /// Decides one mutation and appends the decision's JSON (exactly
    /// `serde_json::to_string(&self.decide(m)?)`) to `out`, without
    /// building a [`Decision`].
    pub fn decide_json_into(&self, m: &Mutation, out: &mut Vec<u8>) -> Result<(), EvalError> {
        Evaluator::new(self).decide_json_into(m, out)
    }

    /// Decides one mutation down to its overall outcome (the `outcome` of
    /// [`Table::decide`]): every applicable contract, exclusion, rule and cap
    /// is evaluated, but no approval, audit or rollback is worked out and no
    /// string is rendered. [`Evaluator::decide_outcome`] does the same
    /// without allocating.
    pub fn decide_outcome(&self, m: &Mutation) -> Result<Outcome, EvalError> {
        Evaluator::new(self).decide_outcome(m)
    }
}
