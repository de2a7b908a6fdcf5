//! Deciding one mutation (language-v1 §5.3) and the decision's JSON (§7).

use crate::eval::{recycle, Ctx, CtxBufs, Tv};
use crate::mutation::{entries_get, EvalError, In, Mutation, J};
use crate::names::{Lookup, ObjNames};
use crate::table::{
    Approver, AuditField, CondRange, ContractIx, ContractRow, Event, FieldIx, Mode, ObjectIx,
    ObjectRow, Outcome, RuleRow, StrId, Table, Trigger, TypeTag,
};
use crate::values::{self, Misfit};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The decision for one mutation.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Decision {
    /// The most restrictive field outcome; `never` when nothing is written.
    pub outcome: Outcome,
    /// Per changed field (and `*` for a delete), by name.
    pub fields: BTreeMap<String, FieldDecision>,
    pub approvals: Vec<ApprovalNeed>,
    pub audit: Vec<AuditEntry>,
    pub rollback: RollbackEntry,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct FieldDecision {
    pub outcome: Outcome,
    /// The contract that decided; `null` when none governs the field.
    pub contract: Option<String>,
    /// The rule that decided (`Field#n`, `*#n`); `null` when no rule did.
    pub rule: Option<String>,
    pub reasons: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ApprovalNeed {
    /// `review`, `escalate`, or `require` (a `require` clause).
    pub level: String,
    /// `record.owner`, `role:NAME`, `user:NAME`, `queue:NAME`; `null` when
    /// the deciding contract names no route for the level.
    pub approver: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub within_secs: Option<u64>,
    pub contracts: Vec<String>,
    pub fields: Vec<String>,
}

/// One audit record: the deciding contract's audit fields, in its order.
#[derive(Clone, Debug, PartialEq)]
pub struct AuditEntry(pub Vec<(String, Value)>);

impl AuditEntry {
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

impl Serialize for AuditEntry {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct RollbackEntry {
    /// Current values of the changed fields (of the whole record for a delete).
    pub previous: BTreeMap<String, Value>,
    /// The longest `keep previous values for` among the deciding contracts.
    pub keep: Option<String>,
    pub notify: Vec<String>,
}

impl Decision {
    pub fn to_json_string(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| error_line(0, &e.to_string()))
    }
}

/// `{"error":{"line":N,"message":"..."}}`.
pub fn error_line(line: usize, message: &str) -> String {
    serde_json::json!({"error": {"line": line, "message": message}}).to_string()
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

/// Buffers kept between decisions, emptied and reused so a decision
/// allocates nothing once they have grown (stored at `'static`, retyped to
/// each decision's lifetimes by [`recycle`]).
#[derive(Default)]
struct Scratch {
    stack: Vec<Tv>,
    ctx: CtxBufs,
    targets: Vec<Target<'static>>,
    apps: Vec<Applicable<'static>>,
    verdicts: Vec<Verdict>,
    reasons: Vec<Reason>,
    decided: Vec<Decided>,
    record: Vec<(&'static str, J<'static>)>,
    changes: Vec<(&'static str, J<'static>)>,
    parents: Vec<(&'static str, Vec<(&'static str, J<'static>)>)>,
    /// Field-name indices by object, built for an object the second time
    /// this scratch space resolves a mutation of it (see [`ObjNames`]).
    names: Vec<Option<ObjNames>>,
    /// Per object: whether a mutation of it was resolved before.
    seen: Vec<bool>,
    write: WriteBufs,
    approvals: Vec<Need>,
    /// Approval needs kept for their buffers.
    spare_needs: Vec<Need>,
}

impl Scratch {
    /// Builds the name indices of `object` and its relations' targets the
    /// second time a mutation of `object` is resolved.
    fn index_names(&mut self, t: &Table, ix: ObjectIx, object: &ObjectRow) {
        let n = t.objects.len();
        if self.seen.len() != n {
            self.seen = vec![false; n];
            self.names = std::iter::repeat_with(|| None).take(n).collect();
        }
        let Some(seen) = self.seen.get_mut(ix.ix()) else {
            return;
        };
        if !*seen {
            *seen = true;
            return;
        }
        let targets = object.relations.iter().map(|r| r.target);
        for o in std::iter::once(ix).chain(targets) {
            if let (Some(slot @ None), Some(row)) = (self.names.get_mut(o.ix()), t.object(o)) {
                *slot = Some(ObjNames::build(t, row));
            }
        }
    }

    /// Takes a decision's buffers back.
    fn put(&mut self, core: Core<'_, '_, '_>) {
        self.apps = recycle(core.apps);
        self.verdicts = core.verdicts;
        self.reasons = core.reasons;
        self.decided = core.decided;
        let mut approvals = core.approvals;
        self.spare_needs.append(&mut approvals);
        self.approvals = approvals;
    }

    fn put_ctx(&mut self, ctx: Ctx<'_, '_>, targets: Vec<Target<'_>>) {
        self.ctx = ctx.into_bufs();
        self.targets = recycle(targets);
    }

    /// An empty input over the kept buffers.
    fn input<'m>(&mut self) -> In<'m> {
        In {
            record: recycle(std::mem::take(&mut self.record)),
            changes: recycle(std::mem::take(&mut self.changes)),
            parents: recycle(std::mem::take(&mut self.parents)),
            ..In::default()
        }
    }

    fn put_input(&mut self, i: In<'_>) {
        self.record = recycle(i.record);
        self.changes = recycle(i.changes);
        self.parents = recycle(i.parents);
    }
}

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
}

impl PreparedMutation<'_, '_> {
    /// The targets, in the order of [`Evaluator::decide_fields`]'s slice:
    /// the changed names in name order (then `*` for a delete).
    pub fn target_names(&self) -> impl Iterator<Item = &str> {
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
    s: Scratch,
    fields: Vec<FieldOutcome>,
}

impl<'t> Evaluator<'t> {
    pub fn new(table: &'t Table) -> Evaluator<'t> {
        Evaluator {
            table,
            s: Scratch::default(),
            fields: Vec::new(),
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
            let core = t.core(&ctx, &targets, false, &mut self.s);
            let o = core.outcome;
            self.s.put(core);
            self.s.put_ctx(ctx, targets);
            o
        });
        self.s.put_input(i);
        r
    }

    /// [`Table::decide_json_into`], reusing this evaluator's buffers.
    pub fn decide_json_into(&mut self, m: &Mutation, out: &mut Vec<u8>) -> Result<(), EvalError> {
        let mut i = self.s.input();
        fill_input(&mut i, m);
        let r = self.decide_in_json(&i, out);
        self.s.put_input(i);
        r
    }

    fn decide_in_json(&mut self, i: &In<'_>, out: &mut Vec<u8>) -> Result<(), EvalError> {
        let t = self.table;
        let (ctx, targets) = t.prepare_in(i, &mut self.s)?;
        let core = t.core(&ctx, &targets, true, &mut self.s);
        let names = self.s.names.get(ctx.obj_ix.ix()).and_then(Option::as_ref);
        t.write_json(i, &core, names, &mut self.s.write, out);
        self.s.put(core);
        self.s.put_ctx(ctx, targets);
        Ok(())
    }

    /// Resolves a mutation against the table once (object, field names,
    /// typed values); errs when its object is unknown.
    pub fn prepare<'m>(&self, m: &'m Mutation) -> Result<PreparedMutation<'t, 'm>, EvalError> {
        let i = In::from_mutation(m);
        let (ctx, targets) = self.table.prepare_in(&i, &mut Scratch::default())?;
        Ok(PreparedMutation { ctx, targets })
    }

    /// Decides a prepared mutation: the overall outcome and, per target
    /// (in [`PreparedMutation::target_names`] order), its outcome, deciding
    /// contract and rule — what the decision's `fields` say, as ids.
    /// Every applicable contract, exclusion, rule and cap is evaluated;
    /// approvals, audit, rollback and reasons are not rendered.
    pub fn decide_fields(&mut self, p: &PreparedMutation<'_, '_>) -> (Outcome, &[FieldOutcome]) {
        let core = self.table.core(&p.ctx, &p.targets, false, &mut self.s);
        self.fields.clear();
        for (ti, t) in p.targets.iter().enumerate() {
            let d = core.decided.get(ti).copied();
            let by = d.and_then(|d| d.by);
            let rule = by
                .and_then(|ai| core.verdict(ai, ti))
                .and_then(|v| v.rule)
                .map(|r| RuleId {
                    star: r.star,
                    position: r.position,
                });
            self.fields.push(FieldOutcome {
                field: match t.kind {
                    TargetKind::Field(f) => Some(f),
                    _ => None,
                },
                outcome: d.map_or(Outcome::Never, |d| d.outcome),
                contract: by.and_then(|ai| core.apps.get(ai)).map(|a| a.ix),
                rule,
            });
        }
        let o = core.outcome;
        self.s.put(core);
        (o, &self.fields)
    }

    /// [`Evaluator::decide_fields`], the overall outcome only.
    pub fn decide_prepared(&mut self, p: &PreparedMutation<'_, '_>) -> Outcome {
        let core = self.table.core(&p.ctx, &p.targets, false, &mut self.s);
        let o = core.outcome;
        self.s.put(core);
        o
    }

    /// Decides one line of §7 JSON into `out` (the decision's JSON, or an
    /// error message): exactly what `decide_json` gives, parsed without
    /// building `Value`s when the line is simple.
    fn decide_text(&mut self, text: &str, out: &mut Vec<u8>) -> Result<(), String> {
        let mut i = self.s.input();
        let r = if i.parse_fast(text) {
            self.decide_in_json(&i, out).map_err(|e| e.message)
        } else {
            match Mutation::from_json(text) {
                Ok(m) => self.decide_json_into(&m, out).map_err(|e| e.message),
                Err(e) => Err(e.message),
            }
        };
        self.s.put_input(i);
        r
    }
}

/// `i` (empty, over kept buffers) for `m`.
fn fill_input<'m>(i: &mut In<'m>, m: &'m Mutation) {
    let entries = |map: &'m serde_json::Map<String, Value>, e: &mut Vec<(&'m str, J<'m>)>| {
        e.extend(map.iter().map(|(k, v)| (k.as_str(), J::from_value(v))));
    };
    i.object = &m.object;
    i.event = Some(m.event);
    i.kind = Some(m.actor.kind);
    i.name = &m.actor.name;
    i.confidence = m.confidence;
    i.source = m.source.as_deref();
    i.at_text = &m.at_text;
    i.at = m.at;
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

/// Appends `x` as `serde_json` prints it as a number (`x` itself when
/// JSON has no such number).
fn push_num(out: &mut String, x: f64) {
    let _ = match serde_json::Number::from_f64(x) {
        Some(n) => write!(out, "{n}"),
        None => write!(out, "{x}"),
    };
}

/// `n` in decimal, written at the end of a 20-byte buffer: the digits.
fn digits(mut n: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        if let Some(d) = buf.get_mut(i) {
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || i == 0 {
            break;
        }
    }
    buf.get(i..).unwrap_or(&[])
}

/// Appends `n` in decimal.
fn push_u64(out: &mut String, n: u64) {
    let mut buf = [0u8; 20];
    out.push_str(std::str::from_utf8(digits(n, &mut buf)).unwrap_or("0"));
}

/// Appends what a condition lacks, `, `-separated.
fn push_missing(out: &mut String, ctx: &Ctx<'_, '_>, c: Option<CondRange>) {
    if let Some(c) = c {
        ctx.write_missing(c, out);
    }
}

fn needs(o: Outcome) -> bool {
    matches!(o, Outcome::Review | Outcome::Escalate)
}

/// Writes `s` as a JSON string.
fn json_str(out: &mut Vec<u8>, s: &str) {
    // What `serde_json` escapes: control characters, `"` and `\\`.
    if !needs_escape(s.as_bytes()) {
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        // Writing to a `Vec` cannot fail.
        let _ = serde_json::to_writer(&mut *out, s);
    }
}

/// Whether a string has a byte JSON escapes: a control character, `"` or
/// `\\` (eight bytes at a time).
fn needs_escape(s: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Whether some byte of `w` is zero / below 0x20 (exact, for n <= 0x80).
    let zero = |w: u64| w.wrapping_sub(ONES) & !w & HIGH != 0;
    let below = |w: u64, n: u64| w.wrapping_sub(ONES * n) & !w & HIGH != 0;
    let mut chunks = s.chunks_exact(8);
    for c in &mut chunks {
        let mut b = [0u8; 8];
        b.copy_from_slice(c);
        let w = u64::from_le_bytes(b);
        if below(w, 0x20)
            || zero(w ^ (ONES * u64::from(b'"')))
            || zero(w ^ (ONES * u64::from(b'\\')))
        {
            return true;
        }
    }
    chunks
        .remainder()
        .iter()
        .any(|&b| b < 0x20 || b == b'"' || b == b'\\')
}

fn json_opt_str(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => json_str(out, s),
        None => out.extend_from_slice(b"null"),
    }
}

fn json_u64(out: &mut Vec<u8>, n: u64) {
    let mut buf = [0u8; 20];
    out.extend_from_slice(digits(n, &mut buf));
}

impl Table {
    /// Decides one mutation. Errs only when the mutation names an object the
    /// table does not know.
    pub fn decide(&self, m: &Mutation) -> Result<Decision, EvalError> {
        let i = In::from_mutation(m);
        let mut s = Scratch::default();
        let (ctx, targets) = self.prepare_in(&i, &mut s)?;
        let core = self.core(&ctx, &targets, true, &mut s);
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

    /// Resolves a mutation against its object: the evaluation context and
    /// the targets (one per change, then `*` for a delete).
    fn prepare_in<'t, 'm>(
        &'t self,
        m: &In<'m>,
        s: &mut Scratch,
    ) -> Result<(Ctx<'t, 'm>, Vec<Target<'m>>), EvalError> {
        let obj_ix = self
            .object_by_name(m.object)
            .ok_or_else(|| EvalError::new(format!("unknown object `{}`", m.object)))?;
        let object = self
            .object(obj_ix)
            .ok_or_else(|| EvalError::new("corrupt table"))?;
        s.index_names(self, obj_ix, object);
        let bufs = std::mem::take(&mut s.ctx);
        let mut targets: Vec<Target<'m>> = recycle(std::mem::take(&mut s.targets));
        let lk = Lookup {
            t: self,
            object,
            index: s.names.get(obj_ix.ix()).and_then(Option::as_ref),
        };
        if m.event() == Event::Delete && !m.changes.is_empty() {
            return Err(EvalError::new(
                "a delete writes no field values: its `changes` must be `{}`",
            ));
        }
        targets.extend(m.changes.iter().map(|(k, v)| {
            let field = lk.local(k).map(|l| FieldIx(object.fields_start + l as u32));
            Target {
                name: k,
                kind: field.map_or(TargetKind::Unknown, TargetKind::Field),
                misfit: field
                    .and_then(|f| self.field(f))
                    .and_then(|row| values::check(self, row, *v).err())
                    .map(|why| (why, *v)),
            }
        }));
        let changes = targets
            .iter()
            .zip(&m.changes)
            .filter_map(|(t, (_, v))| match t.kind {
                TargetKind::Field(f) => object.local(f).map(|l| (l, *v)),
                _ => None,
            });
        let ctx = Ctx::new(self, m, obj_ix, object, bufs, &s.names, changes);
        if m.event() == Event::Delete {
            targets.push(Target {
                name: "*",
                kind: TargetKind::Record,
                misfit: None,
            });
        }
        Ok((ctx, targets))
    }

    /// `full`: also approvals and rollback.
    fn core<'c, 't, 'm>(
        &'t self,
        ctx: &'c Ctx<'t, 'm>,
        targets: &'c [Target<'m>],
        full: bool,
        s: &mut Scratch,
    ) -> Core<'c, 't, 'm> {
        let object = ctx.object;
        let obj_ix = ctx.obj_ix;
        let mut stack = std::mem::take(&mut s.stack);

        // 1. Applicable contracts.
        let candidates = self
            .index
            .get(obj_ix.ix())
            .and_then(|per_event| per_event.get(ctx.ev.ix()))
            .map_or(&[][..], Vec::as_slice);
        let mut apps: Vec<Applicable<'t>> = recycle(std::mem::take(&mut s.apps));
        let mut verdicts: Vec<Verdict> = std::mem::take(&mut s.verdicts);
        verdicts.clear();
        let mut reasons: Vec<Reason> = std::mem::take(&mut s.reasons);
        reasons.clear();
        let len = |r: &Vec<Reason>| r.len() as u32;
        for &cix in candidates {
            let Some(c) = self.contracts.get(cix.ix()) else {
                continue;
            };
            if c.object != obj_ix
                || c.actor_kind != ctx.kind
                || c.actor_name.is_some_and(|n| self.str(n) != ctx.name)
                || !c.triggers.iter().any(|t| self.trigger_matches(t, ctx))
            {
                continue;
            }
            let mut a = Applicable {
                c,
                ix: cix,
                floor: Outcome::Auto,
                floor_reasons: (len(&reasons), 0),
                excluded: None,
                cap: Outcome::Auto,
                cap_reasons: (0, 0),
            };
            if let Some(e) = c.eligible {
                match ctx.eval(e, &mut stack) {
                    Tv::False => {
                        reasons.truncate(a.floor_reasons.0 as usize);
                        continue;
                    }
                    Tv::True => {}
                    Tv::Unknown => {
                        a.floor = Outcome::Review;
                        reasons.push(Reason::EligibilityUnknown(e));
                    }
                }
            }
            // 2. Exclusions.
            for (i, x) in c.exclusions.iter().enumerate() {
                match ctx.eval(x.when, &mut stack) {
                    Tv::False => {}
                    Tv::True => {
                        if a.excluded.is_none() {
                            a.excluded = Some(i);
                        }
                    }
                    Tv::Unknown => {
                        a.floor = a.floor.max(Outcome::Review);
                        reasons.push(Reason::ExclusionUnknown(i));
                    }
                }
            }
            a.floor_reasons.1 = len(&reasons);
            a.cap_reasons = (len(&reasons), 0);
            // 4. Contract-wide caps: confidence and mode.
            if c.auto_at.is_some() || c.review_at.is_some() {
                match ctx.conf {
                    None => {
                        let o = if c.review_at.is_some() {
                            Outcome::Never
                        } else {
                            Outcome::Review
                        };
                        a.cap = a.cap.max(o);
                        reasons.push(Reason::ConfidenceMissing(o));
                    }
                    Some(conf) => {
                        // "Not at least the threshold", not `conf < t`: were a
                        // NaN ever to reach here it would count as below.
                        let below = |t: &f64| {
                            !matches!(
                                conf.partial_cmp(t),
                                Some(Ordering::Greater | Ordering::Equal)
                            )
                        };
                        if let Some(r) = c.review_at.filter(below) {
                            a.cap = Outcome::Never;
                            reasons.push(Reason::BelowReview(conf, r));
                        } else if let Some(t) = c.auto_at.filter(below) {
                            a.cap = a.cap.max(Outcome::Review);
                            reasons.push(Reason::BelowAuto(conf, t));
                        }
                    }
                }
            }
            let mode_cap = match c.mode {
                Mode::ReadOnly => Outcome::Suggest,
                Mode::Draft => Outcome::Review,
                Mode::ConditionalWrite | Mode::AutomatedWrite => Outcome::Auto,
            };
            if mode_cap > Outcome::Auto {
                a.cap = a.cap.max(mode_cap);
                reasons.push(Reason::Mode(c.mode, mode_cap));
            }
            a.cap_reasons.1 = len(&reasons);
            // 3. Field rules, per target.
            for t in targets {
                let v = self.verdict(c, &a, t, ctx, &mut stack, &mut reasons);
                verdicts.push(v);
            }
            apps.push(a);
        }

        // 5. Combination, per target.
        let nt = targets.len();
        let mut decided: Vec<Decided> = std::mem::take(&mut s.decided);
        decided.clear();
        for (ti, t) in targets.iter().enumerate() {
            let d = match t.kind {
                _ if t.misfit.is_some() => Decided {
                    by: None,
                    outcome: Outcome::Never,
                },
                TargetKind::Unknown => Decided {
                    by: None,
                    outcome: Outcome::Never,
                },
                _ => {
                    let mut best: Option<(usize, Outcome)> = None;
                    for ai in 0..apps.len() {
                        if let Some(v) = verdicts.get(ai * nt + ti) {
                            if best.is_none_or(|(_, b)| v.outcome > b) {
                                best = Some((ai, v.outcome));
                            }
                        }
                    }
                    match best {
                        Some((ai, o)) => Decided {
                            by: Some(ai),
                            outcome: o,
                        },
                        None => Decided {
                            by: None,
                            outcome: Outcome::Never,
                        },
                    }
                }
            };
            decided.push(d);
        }
        let outcome = decided
            .iter()
            .map(|d| d.outcome)
            .max()
            .unwrap_or(Outcome::Never);
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

    fn trigger_matches(&self, t: &Trigger, ctx: &Ctx<'_, '_>) -> bool {
        match (t, ctx.ev) {
            (Trigger::Create, Event::Create) | (Trigger::Delete, Event::Delete) => true,
            (Trigger::Update(None), Event::Update) => true,
            (Trigger::Update(Some(fs)), Event::Update) => fs.iter().any(|f| ctx.is_changed(*f)),
            _ => false,
        }
    }

    fn verdict(
        &self,
        c: &ContractRow,
        a: &Applicable<'_>,
        t: &Target<'_>,
        ctx: &Ctx<'_, '_>,
        stack: &mut Vec<Tv>,
        reasons: &mut Vec<Reason>,
    ) -> Verdict {
        let start = reasons.len() as u32;
        if a.excluded.is_some() {
            return Verdict {
                outcome: Outcome::Never,
                rule: None,
                rule_outcome: Outcome::Never,
                route: None,
                start,
                end: start,
                excluded: true,
                capped: false,
                schema: SchemaNote::Plain,
            };
        }
        let field = match t.kind {
            TargetKind::Field(f) => Some(f),
            _ => None,
        };
        let lines: [(bool, &[RuleRow]); 2] = [
            (false, field.and_then(|f| c.rules_for(f)).unwrap_or(&[])),
            (true, c.star.as_deref().unwrap_or(&[])),
        ];
        // The strongest rule whose condition was unknown, and the first that held.
        let mut pending: Option<(Outcome, RuleRef, Option<Approver>)> = None;
        let mut held: Option<(Outcome, RuleRef, Option<Approver>)> = None;
        'lines: for (star, rules) in lines {
            for r in rules {
                let rr = RuleRef {
                    star,
                    position: r.position,
                };
                let tv = r.when.map_or(Tv::True, |w| ctx.eval(w, stack));
                match tv {
                    Tv::False => {}
                    Tv::True => {
                        reasons.push(Reason::RuleHolds(rr, r.outcome));
                        held = Some((r.outcome, rr, r.route));
                        break 'lines;
                    }
                    Tv::Unknown => {
                        let o = r.outcome.max(Outcome::Review);
                        reasons.push(Reason::RuleUnknown(rr, r.when, o));
                        if pending.as_ref().is_none_or(|p| o > p.0) {
                            pending = Some((o, rr, r.route));
                        }
                    }
                }
            }
        }
        let (rule_outcome, rule, route) = match (held, pending) {
            (Some(h), Some(p)) if p.0 > h.0 => (p.0, Some(p.1), p.2),
            (Some(h), _) => (h.0, Some(h.1), h.2),
            // Nothing held: `never` by fall-through, decided by no rule (an
            // unknown rule cannot raise anything above `never`).
            (None, _) => {
                reasons.push(Reason::NoRule);
                (Outcome::Never, None, None)
            }
        };
        let mut outcome = rule_outcome;
        if a.floor > outcome {
            outcome = a.floor;
        }
        let capped = a.cap > Outcome::Auto;
        if capped {
            outcome = outcome.max(a.cap);
        }
        let mut schema = SchemaNote::Plain;
        if let Some(row) = field.and_then(|f| self.field(f)) {
            if row.readonly {
                outcome = Outcome::Never;
                schema = SchemaNote::Readonly;
            } else if row.protected && outcome < Outcome::Review {
                outcome = Outcome::Review;
                schema = SchemaNote::Protected;
            }
        }
        Verdict {
            outcome,
            rule,
            rule_outcome,
            route,
            start,
            end: reasons.len() as u32,
            excluded: false,
            capped,
            schema,
        }
    }

    fn exclusion_label(&self, c: &ContractRow, i: usize, out: &mut String) {
        match c.exclusions.get(i).and_then(|x| x.name) {
            Some(n) => {
                let _ = write!(out, "exclusion `{}`", self.str(n));
            }
            None => {
                let _ = write!(out, "exclusion #{}", i + 1);
            }
        }
    }

    fn rule_text(&self, rr: RuleRef, target: &str, out: &mut String) {
        out.push_str(if rr.star { "*" } else { target });
        out.push('#');
        push_u64(out, u64::from(rr.position));
    }

    fn render_reason(
        &self,
        ctx: &Ctx<'_, '_>,
        c: &ContractRow,
        target: &str,
        r: Reason,
        out: &mut String,
    ) {
        out.push_str("contract `");
        out.push_str(self.str(c.name));
        out.push_str("`: ");
        match r {
            Reason::EligibilityUnknown(e) => {
                out.push_str("eligibility unknown (missing ");
                push_missing(out, ctx, Some(e));
                out.push_str("), at least review");
            }
            Reason::ExclusionUnknown(i) => {
                self.exclusion_label(c, i, out);
                out.push_str(" unknown (missing ");
                push_missing(out, ctx, c.exclusions.get(i).map(|x| x.when));
                out.push_str("), at least review");
            }
            Reason::ConfidenceMissing(o) => {
                out.push_str("confidence missing, treated as below every threshold, ");
                out.push_str(if o == Outcome::Never {
                    "never"
                } else {
                    "at least review"
                });
            }
            Reason::BelowReview(conf, r) => {
                out.push_str("confidence ");
                push_num(out, conf);
                out.push_str(" below review threshold ");
                push_num(out, r);
                out.push_str(", never");
            }
            Reason::BelowAuto(conf, t) => {
                out.push_str("confidence ");
                push_num(out, conf);
                out.push_str(" below auto threshold ");
                push_num(out, t);
                out.push_str(", at least review");
            }
            Reason::Mode(mode, cap) => {
                out.push_str("mode ");
                out.push_str(mode.as_str());
                out.push_str(", at least ");
                out.push_str(cap.as_str());
            }
            Reason::RuleHolds(rr, o) => {
                out.push_str("rule `");
                self.rule_text(rr, target, out);
                out.push_str("` decides ");
                out.push_str(o.as_str());
            }
            Reason::RuleUnknown(rr, when, o) => {
                out.push_str("rule `");
                self.rule_text(rr, target, out);
                out.push_str("` unknown (missing ");
                push_missing(out, ctx, when);
                out.push_str("), at least ");
                out.push_str(o.as_str());
            }
            Reason::NoRule => {
                out.push_str("no rule for `");
                out.push_str(target);
                out.push_str("` holds");
                if c.star.is_none() {
                    out.push_str(" and there is no `*` rule");
                }
                out.push_str(", never");
            }
        }
    }

    /// Calls `f` with each of a target's reasons, in order.
    /// `buf` is scratch space.
    fn each_reason(
        &self,
        core: &Core<'_, '_, '_>,
        ti: usize,
        buf: &mut String,
        f: &mut dyn FnMut(&str),
    ) {
        let Some(t) = core.targets.get(ti) else {
            return;
        };
        buf.clear();
        let d = core.decided.get(ti).copied();
        let Some((ai, a)) = d
            .and_then(|d| d.by)
            .and_then(|ai| Some((ai, core.apps.get(ai)?)))
        else {
            if let Some((why, v)) = t.misfit {
                let _ = write!(
                    buf,
                    "proposed value of `{}` is not {}: ",
                    t.name,
                    why.expected()
                );
                let mut json = Vec::new();
                v.write(&mut json);
                buf.push_str(&String::from_utf8_lossy(&json));
                buf.push_str(", never");
                f(buf);
            } else if matches!(t.kind, TargetKind::Unknown) {
                let _ = write!(
                    buf,
                    "`{}` is not a field of `{}`, never",
                    t.name,
                    self.str(core.object.name)
                );
                f(buf);
            } else {
                f("no contract governs");
            }
            return;
        };
        let Some(v) = core.verdict(ai, ti) else {
            return;
        };
        let c = a.c;
        let mut emit = |r: Reason, buf: &mut String| {
            buf.clear();
            self.render_reason(core.ctx, c, t.name, r, buf);
            f(buf);
        };
        if v.excluded {
            let cname = self.str(c.name);
            let _ = write!(buf, "contract `{cname}`: ");
            self.exclusion_label(c, a.excluded.unwrap_or(0), buf);
            buf.push_str(" holds, never");
            f(buf);
            return;
        }
        let range = |(s, e): (u32, u32)| core.reasons.get(s as usize..e as usize).unwrap_or(&[]);
        for r in range((v.start, v.end)) {
            emit(*r, buf);
        }
        for r in range(a.floor_reasons) {
            emit(*r, buf);
        }
        if v.capped {
            for r in range(a.cap_reasons) {
                emit(*r, buf);
            }
        }
        buf.clear();
        match v.schema {
            SchemaNote::Plain => return,
            SchemaNote::Readonly => {
                let _ = write!(buf, "field `{}` is readonly, never", t.name);
            }
            SchemaNote::Protected => {
                let _ = write!(buf, "field `{}` is protected, at least review", t.name);
            }
        }
        f(buf);
    }

    /// Appends the deciding rule's label; `false` when no rule decided.
    fn rule_label(&self, core: &Core<'_, '_, '_>, ti: usize, out: &mut String) -> bool {
        let label = || {
            let ai = core.decided.get(ti)?.by?;
            Some((core.verdict(ai, ti)?.rule?, core.targets.get(ti)?.name))
        };
        match label() {
            Some((rr, name)) => {
                self.rule_text(rr, name, out);
                true
            }
            None => false,
        }
    }

    fn deciding_contract<'t>(&self, core: &Core<'_, 't, '_>, ti: usize) -> Option<&'t ContractRow> {
        let ai = core.decided.get(ti)?.by?;
        core.apps.get(ai).map(|a| a.c)
    }

    fn approver_eq(&self, a: Option<Approver>, b: Option<Approver>) -> bool {
        match (a, b) {
            (None, None) => true,
            (Some(Approver::RecordOwner), Some(Approver::RecordOwner)) => true,
            (Some(Approver::Role(x)), Some(Approver::Role(y)))
            | (Some(Approver::User(x)), Some(Approver::User(y)))
            | (Some(Approver::Queue(x)), Some(Approver::Queue(y))) => self.str(x) == self.str(y),
            _ => false,
        }
    }

    /// `out`: an empty vector to fill; `spare`: needs to reuse.
    fn approvals(
        &self,
        core: &Core<'_, '_, '_>,
        stack: &mut Vec<Tv>,
        mut out: Vec<Need>,
        spare: &mut Vec<Need>,
    ) -> Vec<Need> {
        let mut add =
            |level: &'static str,
             approver: Option<Approver>,
             within: Option<u64>,
             c: StrId,
             ti: usize| {
                let cname = self.str(c);
                let tname = core.targets.get(ti).map_or("", |t| t.name);
                match out
                    .iter_mut()
                    .find(|n| n.level == level && self.approver_eq(n.approver, approver))
                {
                    Some(n) => {
                        n.within = match (n.within, within) {
                            (Some(a), Some(b)) => Some(a.min(b)),
                            (a, b) => a.or(b),
                        };
                        if !n.contracts.iter().any(|x| *x == c || self.str(*x) == cname) {
                            n.contracts.push(c);
                        }
                        if !n.fields.iter().any(|x| {
                            *x == ti || core.targets.get(*x).is_some_and(|t| t.name == tname)
                        }) {
                            n.fields.push(ti);
                        }
                    }
                    None => {
                        let mut n = spare.pop().unwrap_or(Need {
                            level,
                            approver,
                            within,
                            contracts: Vec::new(),
                            fields: Vec::new(),
                        });
                        n.level = level;
                        n.approver = approver;
                        n.within = within;
                        n.contracts.clear();
                        n.contracts.push(c);
                        n.fields.clear();
                        n.fields.push(ti);
                        out.push(n);
                    }
                }
            };
        for (ti, d) in core.decided.iter().enumerate() {
            let outcome = d.outcome;
            if !needs(outcome) {
                continue;
            }
            let Some(ai) = d.by else { continue };
            let Some(a) = core.apps.get(ai) else {
                continue;
            };
            let c = a.c;
            let v = core.verdict(ai, ti);
            let rule_route = v
                .filter(|v| v.rule_outcome == outcome)
                .and_then(|v| v.route);
            let route = match outcome {
                Outcome::Review => c.review_route.as_ref(),
                _ => c.escalate_route.as_ref(),
            };
            let (approver, within) = match (rule_route, route) {
                (Some(r), _) => (Some(r), route.and_then(|r| r.within)),
                (None, Some(r)) => (Some(r.approver), r.within),
                (None, None) => (None, None),
            };
            add(outcome.as_str(), approver, within, c.name, ti);
            // `require` clauses of every applicable contract that itself
            // asked for an approval of this field; unknown counts as holding.
            for (aj, a) in core.apps.iter().enumerate() {
                if !core.verdict(aj, ti).is_some_and(|v| needs(v.outcome)) {
                    continue;
                }
                for req in &a.c.require {
                    if req
                        .when
                        .is_none_or(|w| core.ctx.eval(w, stack) != Tv::False)
                    {
                        add("require", Some(req.approver), None, a.c.name, ti);
                    }
                }
            }
        }
        out
    }

    /// `keep` and `notify` of the rollback entry.
    fn rollback_parts(&self, core: &mut Core<'_, '_, '_>) {
        let mut keep: Option<(u64, StrId)> = None;
        let mut notify: Vec<Approver> = Vec::new();
        for (i, ai) in core
            .decided
            .iter()
            .enumerate()
            .filter_map(|(i, d)| Some((i, d.by?)))
        {
            // Each deciding contract once.
            if core
                .decided
                .get(..i)
                .is_some_and(|before| before.iter().any(|d| d.by == Some(ai)))
            {
                continue;
            }
            let Some(rb) = core.apps.get(ai).and_then(|a| a.c.rollback.as_ref()) else {
                continue;
            };
            if let Some(text) = rb.keep_text {
                let secs = rb.keep_secs.unwrap_or(0);
                if keep.as_ref().is_none_or(|(k, _)| secs > *k) {
                    keep = Some((secs, text));
                }
            }
            for a in &rb.notify {
                if !notify.iter().any(|n| self.approver_eq(Some(*n), Some(*a))) {
                    notify.push(*a);
                }
            }
        }
        core.keep = keep.map(|k| k.1);
        core.notify = notify;
    }

    fn record_id<'m>(&self, m: &In<'m>, object: &ObjectRow) -> Option<J<'m>> {
        self.record_id_in(m, object, None)
    }

    /// [`Self::record_id`], with the id field from `names` when built.
    fn record_id_in<'m>(
        &self,
        m: &In<'m>,
        object: &ObjectRow,
        names: Option<&ObjNames>,
    ) -> Option<J<'m>> {
        let fields = self.object_fields(object);
        let id_field = match names {
            Some(ix) => ix
                .id_field
                .and_then(|l| fields.get(l as usize))
                .map(|f| self.str(f.name)),
            None => fields
                .iter()
                .filter(|f| f.ty == TypeTag::Id)
                .map(|f| self.str(f.name))
                .min_by_key(|n| *n != "Id"),
        };
        entries_get(&m.record, id_field.unwrap_or("Id"))
    }

    /// A target's audit fields, in output order.
    fn audit_list<'t>(
        &self,
        core: &Core<'_, 't, '_>,
        ti: usize,
    ) -> (Option<&'t ContractRow>, AuditList<'t>) {
        let contract = self.deciding_contract(core, ti);
        let list = match contract.and_then(|c| c.audit.as_ref()) {
            Some(list) => AuditList {
                field_first: !list.contains(&AuditField::Field),
                rest: list.as_slice(),
            },
            None if contract.is_some() => AuditList {
                field_first: true,
                rest: &[],
            },
            None => AuditList {
                field_first: true,
                rest: &[AuditField::Outcome, AuditField::Reasons],
            },
        };
        (contract, list)
    }

    fn is_sensitive(&self, t: &Target<'_>) -> bool {
        match t.kind {
            TargetKind::Field(f) => self.field(f).is_some_and(|r| r.sensitive),
            _ => false,
        }
    }

    /// The decision as owned data.
    fn materialize(&self, m: &In<'_>, core: &Core<'_, '_, '_>) -> Decision {
        let mut fields = BTreeMap::new();
        for (ti, t) in core.targets.iter().enumerate() {
            let mut reasons = Vec::new();
            self.each_reason(core, ti, &mut String::new(), &mut |r| {
                reasons.push(r.to_string())
            });
            let fd = FieldDecision {
                outcome: core.decided.get(ti).map_or(Outcome::Never, |d| d.outcome),
                contract: self
                    .deciding_contract(core, ti)
                    .map(|c| self.str(c.name).to_string()),
                rule: {
                    let mut s = String::new();
                    self.rule_label(core, ti, &mut s).then_some(s)
                },
                reasons,
            };
            fields.insert(t.name.to_string(), fd);
        }
        let approvals = core
            .approvals
            .iter()
            .map(|n| ApprovalNeed {
                level: n.level.to_string(),
                approver: n.approver.map(|a| self.approver_text(a)),
                within_secs: n.within,
                contracts: n
                    .contracts
                    .iter()
                    .map(|c| self.str(*c).to_string())
                    .collect(),
                fields: n
                    .fields
                    .iter()
                    .filter_map(|ti| core.targets.get(*ti))
                    .map(|t| t.name.to_string())
                    .collect(),
            })
            .collect();
        let audit = (0..core.targets.len())
            .map(|ti| self.audit_entry(m, core, ti, &fields))
            .collect();
        let mut previous: BTreeMap<String, Value> = BTreeMap::new();
        if m.event() == Event::Delete {
            for (k, v) in &m.record {
                previous.insert(k.to_string(), v.to_value());
            }
        }
        for k in m.changes.iter().map(|(k, _)| *k) {
            previous.insert(
                k.to_string(),
                entries_get(&m.record, k).map_or(Value::Null, J::to_value),
            );
        }
        Decision {
            outcome: core.outcome,
            fields,
            approvals,
            audit,
            rollback: RollbackEntry {
                previous,
                keep: core.keep.map(|k| self.str(k).to_string()),
                notify: core.notify.iter().map(|a| self.approver_text(*a)).collect(),
            },
        }
    }

    fn audit_entry(
        &self,
        m: &In<'_>,
        core: &Core<'_, '_, '_>,
        ti: usize,
        fields: &BTreeMap<String, FieldDecision>,
    ) -> AuditEntry {
        let Some(t) = core.targets.get(ti) else {
            return AuditEntry(Vec::new());
        };
        let outcome = core.decided.get(ti).map_or(Outcome::Never, |d| d.outcome);
        let (contract, list) = self.audit_list(core, ti);
        let sensitive = self.is_sensitive(t);
        let mask = |v: Value| {
            if sensitive && !v.is_null() {
                Value::String("***".to_string())
            } else {
                v
            }
        };
        let is_record = matches!(t.kind, TargetKind::Record);
        let entry = list
            .iter()
            .map(|af| {
                let v = match af {
                    AuditField::RecordId => self
                        .record_id(m, core.object)
                        .map_or(Value::Null, J::to_value),
                    AuditField::Contract => contract
                        .map_or(Value::Null, |c| Value::String(self.str(c.name).to_string())),
                    AuditField::Version => contract.map_or(Value::Null, |c| Value::from(c.version)),
                    AuditField::Trigger => Value::String(m.event().as_str().to_string()),
                    AuditField::Field => Value::String(t.name.to_string()),
                    AuditField::OldValue if is_record => Value::Null,
                    AuditField::OldValue => {
                        mask(entries_get(&m.record, t.name).map_or(Value::Null, J::to_value))
                    }
                    AuditField::NewValue if is_record => Value::Null,
                    AuditField::NewValue => {
                        mask(entries_get(&m.changes, t.name).map_or(Value::Null, J::to_value))
                    }
                    AuditField::Source => m
                        .source
                        .map_or(Value::Null, |s| Value::String(s.to_string())),
                    AuditField::Confidence => m
                        .confidence
                        .and_then(serde_json::Number::from_f64)
                        .map_or(Value::Null, Value::Number),
                    AuditField::Timestamp => Value::String(m.at_text.to_string()),
                    AuditField::Actor => serde_json::json!({
                        "kind": m.kind().as_str(),
                        "name": m.name,
                    }),
                    AuditField::Outcome => Value::String(outcome.as_str().to_string()),
                    AuditField::Reasons => fields.get(t.name).map_or(Value::Null, |fd| {
                        Value::Array(fd.reasons.iter().cloned().map(Value::String).collect())
                    }),
                };
                (af.as_str().to_string(), v)
            })
            .collect();
        AuditEntry(entry)
    }

    /// The decision's JSON, written directly: byte for byte what serializing
    /// [`Self::materialize`]'s `Decision` with `serde_json` gives. `names`:
    /// the object's name index, if built; `w`: reused buffers.
    fn write_json(
        &self,
        m: &In<'_>,
        core: &Core<'_, '_, '_>,
        names: Option<&ObjNames>,
        w: &mut WriteBufs,
        out: &mut Vec<u8>,
    ) {
        out.extend_from_slice(b"{\"outcome\":\"");
        out.extend_from_slice(core.outcome.as_str().as_bytes());
        out.extend_from_slice(b"\",\"fields\":{");
        let nt = core.targets.len();
        // `fields` is a map by name: sorted, the last target of a name wins.
        let order = &mut w.order;
        order.clear();
        order.extend(0..nt);
        let name = |ti: &usize| core.targets.get(*ti).map_or("", |t| t.name);
        if !order.is_sorted_by(|a, b| name(a) < name(b)) {
            order.sort_by(|a, b| name(a).cmp(name(b)));
        }
        // Where each target's reasons array was written, for the audit.
        let reasons_at = &mut w.reasons_at;
        reasons_at.clear();
        reasons_at.resize(nt, None);
        let buf = &mut w.buf;
        let mut first = true;
        for (i, ti) in order.iter().enumerate() {
            if order.get(i + 1).is_some_and(|n| name(n) == name(ti)) {
                continue;
            }
            if !first {
                out.push(b',');
            }
            first = false;
            json_str(out, name(ti));
            out.extend_from_slice(b":{\"outcome\":\"");
            let outcome = core.decided.get(*ti).map_or(Outcome::Never, |d| d.outcome);
            out.extend_from_slice(outcome.as_str().as_bytes());
            out.extend_from_slice(b"\",\"contract\":");
            json_opt_str(
                out,
                self.deciding_contract(core, *ti).map(|c| self.str(c.name)),
            );
            out.extend_from_slice(b",\"rule\":");
            buf.clear();
            if self.rule_label(core, *ti, buf) {
                json_str(out, buf);
            } else {
                out.extend_from_slice(b"null");
            }
            out.extend_from_slice(b",\"reasons\":");
            let start = out.len();
            self.write_reasons(core, *ti, buf, out);
            if let Some(r) = reasons_at.get_mut(*ti) {
                *r = Some((start, out.len()));
            }
            out.push(b'}');
        }
        out.extend_from_slice(b"},\"approvals\":[");
        for (i, n) in core.approvals.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(b"{\"level\":");
            json_str(out, n.level);
            out.extend_from_slice(b",\"approver\":");
            match n.approver {
                Some(a) => json_str(out, &self.approver_text(a)),
                None => out.extend_from_slice(b"null"),
            }
            if let Some(w) = n.within {
                out.extend_from_slice(b",\"within_secs\":");
                json_u64(out, w);
            }
            out.extend_from_slice(b",\"contracts\":[");
            for (j, c) in n.contracts.iter().enumerate() {
                if j > 0 {
                    out.push(b',');
                }
                json_str(out, self.str(*c));
            }
            out.extend_from_slice(b"],\"fields\":[");
            for (j, ti) in n.fields.iter().enumerate() {
                if j > 0 {
                    out.push(b',');
                }
                json_str(out, name(ti));
            }
            out.extend_from_slice(b"]}");
        }
        // The current value of each changed field (targets `0..changes.len()`
        // are the changes, in order), for the audit and the rollback.
        let mut olds: Vec<Option<J<'_>>> = recycle(std::mem::take(&mut w.olds));
        olds.extend(m.changes.iter().map(|(k, _)| entries_get(&m.record, k)));
        // What every audit entry of the line says alike.
        w.conf.clear();
        match m.confidence.and_then(serde_json::Number::from_f64) {
            Some(n) => {
                let _ = serde_json::to_writer(&mut w.conf, &n);
            }
            None => w.conf.extend_from_slice(b"null"),
        }
        w.actor.clear();
        w.actor.extend_from_slice(b"{\"kind\":");
        json_str(&mut w.actor, m.kind().as_str());
        w.actor.extend_from_slice(b",\"name\":");
        json_str(&mut w.actor, m.name);
        w.actor.push(b'}');
        out.extend_from_slice(b"],\"audit\":[");
        let mut record_id = None;
        for ti in 0..nt {
            if ti > 0 {
                out.push(b',');
            }
            let a = AuditCtx {
                m,
                names,
                olds: &olds,
                reasons_at: &w.reasons_at,
                conf: &w.conf,
                actor: &w.actor,
            };
            self.write_audit(&a, core, ti, &mut record_id, &mut w.buf, out);
        }
        out.extend_from_slice(b"],\"rollback\":{\"previous\":{");
        // `previous` is a map by name: sorted, the last value of a name wins.
        let mut prev: Vec<(&str, Option<J<'_>>)> = recycle(std::mem::take(&mut w.prev));
        if m.event() == Event::Delete {
            prev.extend(m.record.iter().map(|(k, v)| (*k, Some(*v))));
        }
        prev.extend(m.changes.iter().zip(&olds).map(|((k, _), v)| (*k, *v)));
        if !prev.is_sorted_by(|a, b| a.0 < b.0) {
            prev.sort_by(|a, b| a.0.cmp(b.0));
        }
        let mut first = true;
        for (i, (k, v)) in prev.iter().enumerate() {
            if prev.get(i + 1).is_some_and(|n| n.0 == *k) {
                continue;
            }
            if !first {
                out.push(b',');
            }
            first = false;
            json_str(out, k);
            out.push(b':');
            match v {
                Some(v) => v.write(out),
                None => out.extend_from_slice(b"null"),
            }
        }
        w.prev = recycle(prev);
        w.olds = recycle(olds);
        out.extend_from_slice(b"},\"keep\":");
        json_opt_str(out, core.keep.map(|k| self.str(k)));
        out.extend_from_slice(b",\"notify\":[");
        for (i, a) in core.notify.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            json_str(out, &self.approver_text(*a));
        }
        out.extend_from_slice(b"]}}");
    }

    fn write_reasons(
        &self,
        core: &Core<'_, '_, '_>,
        ti: usize,
        buf: &mut String,
        out: &mut Vec<u8>,
    ) {
        out.push(b'[');
        let mut first = true;
        self.each_reason(core, ti, buf, &mut |r| {
            if !first {
                out.push(b',');
            }
            first = false;
            json_str(out, r);
        });
        out.push(b']');
    }

    fn write_audit<'m>(
        &self,
        a: &AuditCtx<'_, 'm>,
        core: &Core<'_, '_, '_>,
        ti: usize,
        record_id: &mut Option<Option<J<'m>>>,
        buf: &mut String,
        out: &mut Vec<u8>,
    ) {
        let m = a.m;
        let Some(t) = core.targets.get(ti) else {
            out.extend_from_slice(b"{}");
            return;
        };
        let outcome = core.decided.get(ti).map_or(Outcome::Never, |d| d.outcome);
        let (contract, list) = self.audit_list(core, ti);
        let sensitive = self.is_sensitive(t);
        let is_record = matches!(t.kind, TargetKind::Record);
        let masked = |out: &mut Vec<u8>, v: Option<J<'_>>| match v {
            None => out.extend_from_slice(b"null"),
            Some(v) if v.is_null() => out.extend_from_slice(b"null"),
            Some(_) if sensitive => out.extend_from_slice(b"\"***\""),
            Some(v) => v.write(out),
        };
        out.push(b'{');
        for (i, af) in list.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(audit_key(af));
            match af {
                AuditField::RecordId => {
                    let id =
                        record_id.get_or_insert_with(|| self.record_id_in(m, core.object, a.names));
                    match id {
                        Some(v) => v.write(out),
                        None => out.extend_from_slice(b"null"),
                    }
                }
                AuditField::Contract => json_opt_str(out, contract.map(|c| self.str(c.name))),
                AuditField::Version => match contract {
                    Some(c) => json_u64(out, u64::from(c.version)),
                    None => out.extend_from_slice(b"null"),
                },
                AuditField::Trigger => json_str(out, m.event().as_str()),
                AuditField::Field => json_str(out, t.name),
                AuditField::OldValue | AuditField::NewValue if is_record => {
                    out.extend_from_slice(b"null")
                }
                // Targets `0..changes.len()` are the changes, in order.
                AuditField::OldValue => masked(
                    out,
                    match a.olds.get(ti) {
                        Some(v) => *v,
                        None => entries_get(&m.record, t.name),
                    },
                ),
                AuditField::NewValue => masked(
                    out,
                    match m.changes.get(ti) {
                        Some((_, v)) => Some(*v),
                        None => entries_get(&m.changes, t.name),
                    },
                ),
                AuditField::Source => json_opt_str(out, m.source),
                AuditField::Confidence => out.extend_from_slice(a.conf),
                AuditField::Timestamp => json_str(out, m.at_text),
                AuditField::Actor => out.extend_from_slice(a.actor),
                AuditField::Outcome => json_str(out, outcome.as_str()),
                AuditField::Reasons => {
                    let ft = core.field_target(ti);
                    match a.reasons_at.get(ft).copied().flatten() {
                        Some((start, end)) if end <= out.len() => {
                            out.extend_from_within(start..end)
                        }
                        _ => self.write_reasons(core, ft, buf, out),
                    }
                }
            }
        }
        out.push(b'}');
    }
}

/// What [`Table::write_audit`] reads besides the decision.
struct AuditCtx<'a, 'm> {
    m: &'a In<'m>,
    names: Option<&'a ObjNames>,
    /// The current value of each change.
    olds: &'a [Option<J<'m>>],
    reasons_at: &'a [Option<(usize, usize)>],
    /// The line's `confidence` and `actor` JSON.
    conf: &'a [u8],
    actor: &'a [u8],
}

/// Buffers [`Table::write_json`] reuses between decisions.
#[derive(Default)]
struct WriteBufs {
    order: Vec<usize>,
    reasons_at: Vec<Option<(usize, usize)>>,
    olds: Vec<Option<J<'static>>>,
    prev: Vec<(&'static str, Option<J<'static>>)>,
    buf: String,
    conf: Vec<u8>,
    actor: Vec<u8>,
}

/// An audit field's key, quoted, with its colon.
fn audit_key(af: AuditField) -> &'static [u8] {
    match af {
        AuditField::RecordId => b"\"record_id\":",
        AuditField::Contract => b"\"contract\":",
        AuditField::Version => b"\"version\":",
        AuditField::Trigger => b"\"trigger\":",
        AuditField::Field => b"\"field\":",
        AuditField::OldValue => b"\"old_value\":",
        AuditField::NewValue => b"\"new_value\":",
        AuditField::Source => b"\"source\":",
        AuditField::Confidence => b"\"confidence\":",
        AuditField::Timestamp => b"\"timestamp\":",
        AuditField::Actor => b"\"actor\":",
        AuditField::Outcome => b"\"outcome\":",
        AuditField::Reasons => b"\"reasons\":",
    }
}

/// A target's audit fields: `field` first unless the contract lists it.
struct AuditList<'t> {
    field_first: bool,
    rest: &'t [AuditField],
}

impl AuditList<'_> {
    fn iter(&self) -> impl Iterator<Item = AuditField> + '_ {
        self.field_first
            .then_some(AuditField::Field)
            .into_iter()
            .chain(self.rest.iter().copied())
    }
}

/// Decides one line of §7 JSON; the decision's JSON line.
pub fn decide_json(table: &Table, line: &str) -> Result<String, EvalError> {
    let mut out = Vec::with_capacity(1024);
    Evaluator::new(table)
        .decide_text(line, &mut out)
        .map_err(EvalError::new)?;
    String::from_utf8(out).map_err(|e| EvalError::new(e.to_string()))
}

/// Decides one NDJSON line (1-based `line_no`): a decision line, or an
/// `{"error":...}` line. Never `auto` for malformed input.
pub fn decide_line(table: &Table, line: &str, line_no: usize) -> String {
    match decide_json(table, line) {
        Ok(s) => s,
        Err(e) => error_line(line_no, &e.message),
    }
}

/// Decides an NDJSON stream: one output line per input line, in order
/// (error lines carry the input line number; a blank line is one).
pub fn decide_batch(table: &Table, input: &str) -> Vec<String> {
    input
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if l.trim().is_empty() {
                error_line(i + 1, EMPTY_LINE)
            } else {
                decide_line(table, l, i + 1)
            }
        })
        .collect()
}

/// The message of a blank or whitespace-only input line (decisions.md 10).
const EMPTY_LINE: &str = "empty line: not a mutation";

/// What [`decide_stream`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Input lines read, blank ones included.
    pub lines: usize,
    /// Decision lines written.
    pub decisions: usize,
    /// Error lines written.
    pub errors: usize,
}

/// Decides an NDJSON stream line by line in constant memory (one line and
/// one output buffer, reused), writing exactly what [`decide_batch`] would:
/// one output line per input line, in order, a decision or an
/// `{"error":{"line":N,"message":..}}` line; the stream goes on after an
/// error. A blank or whitespace-only line (any Unicode whitespace) and a
/// line that is not UTF-8 are error lines, so every later answer stays on
/// the line of its mutation. Only I/O errors stop it.
pub fn decide_stream<R: std::io::BufRead, W: std::io::Write>(
    table: &Table,
    mut reader: R,
    mut writer: W,
) -> std::io::Result<Stats> {
    let mut stats = Stats::default();
    let mut ev = Evaluator::new(table);
    let mut line: Vec<u8> = Vec::with_capacity(4096);
    let mut out: Vec<u8> = Vec::with_capacity(4096);
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        stats.lines += 1;
        let mut bytes = line.as_slice();
        if let Some(b) = bytes.strip_suffix(b"\n") {
            bytes = b.strip_suffix(b"\r").unwrap_or(b);
        }
        out.clear();
        let text = match std::str::from_utf8(bytes) {
            Ok(t) if t.trim().is_empty() => Err(EMPTY_LINE.to_string()),
            Ok(t) => Ok(t),
            Err(_) => Err(
                match serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
                    Err(e) => format!("invalid JSON: {e}"),
                    Ok(_) => "invalid JSON: not UTF-8".to_string(),
                },
            ),
        };
        let result = text.and_then(|t| ev.decide_text(t, &mut out));
        match result {
            Ok(()) => stats.decisions += 1,
            Err(message) => {
                out.clear();
                out.extend_from_slice(error_line(stats.lines, &message).as_bytes());
                stats.errors += 1;
            }
        }
        out.push(b'\n');
        writer.write_all(&out)?;
    }
    writer.flush()?;
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_str_writes_what_serde_json_writes() {
        for len in 0..20 {
            for pos in 0..len.max(1) {
                for b in 0u8..=0x7f {
                    let mut bytes = vec![b'a'; len];
                    if let Some(x) = bytes.get_mut(pos) {
                        *x = b;
                    }
                    let s = String::from_utf8(bytes).unwrap();
                    let mut out = Vec::new();
                    json_str(&mut out, &s);
                    assert_eq!(out, serde_json::to_vec(&s).unwrap(), "{s:?}");
                }
            }
        }
        for s in ["é\"x", "ééééééééé\u{1}", "\u{7f}\u{80}\u{ffff}abcdefgh\\"] {
            let mut out = Vec::new();
            json_str(&mut out, s);
            assert_eq!(out, serde_json::to_vec(s).unwrap(), "{s:?}");
        }
    }
}
