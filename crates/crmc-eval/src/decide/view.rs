//! The complete decision, borrowed: [`DecisionView`], what
//! [`super::Evaluator::decide_full`] returns. Everything the owned
//! [`super::Decision`] carries (outcome; per field its outcome, contract,
//! rule and reasons; approvals; audit entries; rollback), with names and
//! values borrowed from the table and the mutation and the rendered text
//! (rule labels, reasons, approvers) in one reused buffer: nothing is
//! allocated per decision once the buffers have grown.
//! [`DecisionView::write_json`] writes the same bytes as serializing the
//! `Decision`.

use super::json::{audit_key, json_opt_str, json_str, json_u64};
use super::{Core, Need, Target, TargetKind};
use crate::mutation::{entries_get, Cause, In, J};
use crate::table::{AuditField, Event, Outcome, Table};

/// A JSON value of the mutation (an id, a record or proposed value),
/// borrowed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct JsonRef<'a>(pub(crate) J<'a>);

impl JsonRef<'_> {
    pub fn is_null(self) -> bool {
        self.0.is_null()
    }
    /// The owned value.
    pub fn to_value(self) -> serde_json::Value {
        self.0.to_value()
    }
    /// Appends the value's JSON (what `serde_json` writes for [`Self::to_value`]).
    pub fn write_json(self, out: &mut Vec<u8>) {
        self.0.write(out)
    }
}

/// Reasons (or any run of rendered strings) of a decision, in order.
#[derive(Clone, Debug)]
pub struct Texts<'a> {
    text: &'a str,
    spans: std::slice::Iter<'a, (u32, u32)>,
}

impl<'a> Iterator for Texts<'a> {
    type Item = &'a str;
    fn next(&mut self) -> Option<&'a str> {
        self.spans.next().map(|s| span(self.text, *s))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.spans.size_hint()
    }
}

impl ExactSizeIterator for Texts<'_> {}

fn span(text: &str, (s, e): (u32, u32)) -> &str {
    text.get(s as usize..e as usize).unwrap_or("")
}

/// One entry of the decision's `fields`.
#[derive(Clone, Debug)]
pub struct FieldView<'a> {
    pub name: &'a str,
    pub outcome: Outcome,
    /// The deciding contract; `None`: `null`.
    pub contract: Option<&'a str>,
    /// The deciding rule (`Field#n`, `*#n`); `None`: `null`.
    pub rule: Option<&'a str>,
    pub reasons: Texts<'a>,
}

/// One approval need.
#[derive(Clone, Copy)]
pub struct ApprovalView<'a> {
    /// `review`, `escalate` or `require`.
    pub level: &'static str,
    pub approver: Option<&'a str>,
    pub within_secs: Option<u64>,
    t: &'a Table,
    need: &'a Need,
    targets: &'a [Target<'a>],
}

impl<'a> ApprovalView<'a> {
    /// The contracts asking for it.
    pub fn contracts(&self) -> impl ExactSizeIterator<Item = &'a str> + 'a {
        let t = self.t;
        self.need.contracts.iter().map(move |c| t.str(*c))
    }
    /// The fields it is for.
    pub fn fields(&self) -> impl ExactSizeIterator<Item = &'a str> + 'a {
        let targets = self.targets;
        self.need
            .fields
            .iter()
            .map(move |ti| targets.get(*ti).map_or("", |t| t.name))
    }
}

/// An audit entry's value.
#[derive(Clone, Debug)]
pub enum AuditValue<'a> {
    Null,
    Str(&'a str),
    /// The contract's version.
    Int(u64),
    /// The mutation's confidence.
    Number(f64),
    /// A record id, old or new value.
    Json(JsonRef<'a>),
    /// A sensitive field's non-null value: `"***"`.
    Masked,
    Actor {
        kind: &'static str,
        name: &'a str,
    },
    Reasons(Texts<'a>),
    /// What started the automation (`trigger`), written as a contract's
    /// `trigger on` says it.
    Cause(&'a Cause),
}

impl AuditValue<'_> {
    /// Appends the value's JSON, as the owned audit entry serializes it.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        match self {
            AuditValue::Null => out.extend_from_slice(b"null"),
            AuditValue::Str(s) => json_str(out, s),
            AuditValue::Int(n) => json_u64(out, *n),
            AuditValue::Number(x) => match serde_json::Number::from_f64(*x) {
                Some(n) => {
                    let _ = serde_json::to_writer(&mut *out, &n);
                }
                None => out.extend_from_slice(b"null"),
            },
            AuditValue::Json(v) => v.write_json(out),
            AuditValue::Masked => out.extend_from_slice(b"\"***\""),
            AuditValue::Actor { kind, name } => {
                out.extend_from_slice(b"{\"kind\":");
                json_str(out, kind);
                out.extend_from_slice(b",\"name\":");
                json_str(out, name);
                out.push(b'}');
            }
            AuditValue::Reasons(r) => write_texts(out, r.clone()),
            AuditValue::Cause(c) => json_str(out, &c.to_string()),
        }
    }
}

fn write_texts<'a>(out: &mut Vec<u8>, texts: impl Iterator<Item = &'a str>) {
    out.push(b'[');
    for (i, s) in texts.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        json_str(out, s);
    }
    out.push(b']');
}

/// Where a rollback `previous` value comes from.
#[derive(Clone, Copy)]
enum Prev {
    /// The record's entry at this position (a delete).
    Record(u32),
    /// The change at this position: the record's current value of it.
    Change(u32),
}

#[derive(Clone, Copy)]
struct FieldSpans {
    ti: u32,
    rule: Option<(u32, u32)>,
    /// `spans[reasons.0 .. reasons.1]`.
    reasons: (u32, u32),
}

/// The buffers a [`DecisionView`] is rendered into, kept by the evaluator.
/// They hold positions, not borrows, so they need no retyping.
#[derive(Default)]
pub(super) struct ViewBufs {
    /// Rule labels, reasons and approvers, rendered.
    text: String,
    /// Spans of `text`.
    spans: Vec<(u32, u32)>,
    /// Target positions by name (stable).
    order: Vec<u32>,
    /// One per field name, in name order: the last target of the name.
    fields: Vec<FieldSpans>,
    /// Per target: its name's entry in `fields`.
    field_of: Vec<u32>,
    /// Per approval need: its approver's span.
    approvers: Vec<Option<(u32, u32)>>,
    notify: Vec<(u32, u32)>,
    /// Per change: the position of its current value in `record`.
    olds: Vec<Option<u32>>,
    /// Rollback `previous`, in name order, one per name.
    prev: Vec<Prev>,
    buf: String,
}

fn end(s: &str) -> u32 {
    s.len() as u32
}

impl ViewBufs {
    /// Renders what `core` decided for `m`.
    pub(super) fn fill(&mut self, t: &Table, m: &In<'_>, core: &Core<'_, '_, '_>) {
        let b = self;
        b.text.clear();
        b.spans.clear();
        b.fields.clear();
        let nt = core.targets.len();
        let name = |ti: u32| core.targets.get(ti as usize).map_or("", |t| t.name);
        b.order.clear();
        b.order.extend(0..nt as u32);
        if !b.order.is_sorted_by(|x, y| name(*x) < name(*y)) {
            b.order.sort_by(|x, y| name(*x).cmp(name(*y)));
        }
        b.field_of.clear();
        b.field_of.resize(nt, 0);
        // The last target of a name is the `fields` entry (a map by name);
        // the others of the name share it.
        for i in (0..b.order.len()).rev() {
            let ti = b.order.get(i).copied().unwrap_or(0);
            let next = b.order.get(i + 1).copied();
            let entry = match next {
                Some(n) if name(n) == name(ti) => b.field_of.get(n as usize).copied(),
                _ => None,
            };
            let entry = match entry {
                Some(e) => e,
                None => {
                    let start = end(&b.text);
                    let rule = t.rule_label(core, ti as usize, &mut b.text);
                    let rule = rule.then_some((start, end(&b.text)));
                    let r0 = b.spans.len() as u32;
                    let (text, spans) = (&mut b.text, &mut b.spans);
                    t.each_reason(core, ti as usize, &mut b.buf, &mut |r| {
                        let s = end(text);
                        text.push_str(r);
                        spans.push((s, end(text)));
                    });
                    b.fields.push(FieldSpans {
                        ti,
                        rule,
                        reasons: (r0, b.spans.len() as u32),
                    });
                    b.fields.len() as u32 - 1
                }
            };
            if let Some(f) = b.field_of.get_mut(ti as usize) {
                *f = entry;
            }
        }
        // Pushed from the last name back: name order is the reverse, and
        // the entries' positions in `field_of` are counted from the end.
        b.fields.reverse();
        let n = b.fields.len() as u32;
        for f in &mut b.field_of {
            *f = n - 1 - *f;
        }
        b.approvers.clear();
        for need in core.approvals {
            let a = need.approver.map(|a| {
                let s = end(&b.text);
                t.approver_into(a, &mut b.text);
                (s, end(&b.text))
            });
            b.approvers.push(a);
        }
        b.notify.clear();
        for a in core.notify {
            let s = end(&b.text);
            t.approver_into(*a, &mut b.text);
            b.notify.push((s, end(&b.text)));
        }
        let record_pos = |k: &str| m.record.binary_search_by(|(x, _)| (*x).cmp(k)).ok();
        b.olds.clear();
        b.olds.extend(
            m.changes
                .iter()
                .map(|(k, _)| record_pos(k).map(|i| i as u32)),
        );
        b.prev.clear();
        if m.event() == Event::Delete {
            b.prev.extend((0..m.record.len() as u32).map(Prev::Record));
        }
        b.prev.extend((0..m.changes.len() as u32).map(Prev::Change));
        let prev_name = |p: &Prev| match *p {
            Prev::Record(i) => m.record.get(i as usize).map_or("", |e| e.0),
            Prev::Change(i) => m.changes.get(i as usize).map_or("", |e| e.0),
        };
        if !b.prev.is_sorted_by(|x, y| prev_name(x) < prev_name(y)) {
            b.prev.sort_by(|x, y| prev_name(x).cmp(prev_name(y)));
        }
        // One per name, the last written wins.
        let mut w = 0;
        for r in 0..b.prev.len() {
            let last = b
                .prev
                .get(r + 1)
                .is_none_or(|n| prev_name(n) != b.prev.get(r).map_or("", prev_name));
            if last {
                b.prev.swap(w, r);
                w += 1;
            }
        }
        b.prev.truncate(w);
    }
}

/// A complete decision, borrowed from the evaluator, the table and the
/// prepared mutation (see the module doc). [`Self::write_json`] gives the
/// decision's JSON line.
#[derive(Clone, Copy)]
pub struct DecisionView<'v> {
    pub(super) t: &'v Table,
    pub(super) m: &'v In<'v>,
    pub(super) core: Core<'v, 'v, 'v>,
    pub(super) b: &'v ViewBufs,
    pub(super) record_id: Option<J<'v>>,
}

impl<'v> DecisionView<'v> {
    /// The mutation's `id`, if it gave one.
    pub fn id(&self) -> Option<JsonRef<'v>> {
        self.m.id.map(JsonRef)
    }

    pub fn outcome(&self) -> Outcome {
        self.core.outcome
    }

    fn texts(&self, (s, e): (u32, u32)) -> Texts<'v> {
        let spans = self.b.spans.get(s as usize..e as usize).unwrap_or(&[]);
        Texts {
            text: &self.b.text,
            spans: spans.iter(),
        }
    }

    fn target_name(&self, ti: usize) -> &'v str {
        self.core.targets.get(ti).map_or("", |t| t.name)
    }

    /// The decision's `fields`, in name order (one per name).
    pub fn fields(&self) -> impl ExactSizeIterator<Item = FieldView<'v>> + '_ {
        self.b.fields.iter().map(|f| {
            let ti = f.ti as usize;
            FieldView {
                name: self.target_name(ti),
                outcome: self.target_outcome(ti),
                contract: self
                    .t
                    .deciding_contract(&self.core, ti)
                    .map(|c| self.t.str(c.name)),
                rule: f.rule.map(|s| span(&self.b.text, s)),
                reasons: self.texts(f.reasons),
            }
        })
    }

    fn target_outcome(&self, ti: usize) -> Outcome {
        self.core
            .decided
            .get(ti)
            .map_or(Outcome::Never, |d| d.outcome)
    }

    pub fn approvals(&self) -> impl ExactSizeIterator<Item = ApprovalView<'v>> + '_ {
        let t = self.t;
        self.core
            .approvals
            .iter()
            .zip(&self.b.approvers)
            .map(move |(n, a)| ApprovalView {
                level: n.level,
                approver: a.map(|a| span(&self.b.text, a)),
                within_secs: n.within,
                t,
                need: n,
                targets: self.core.targets,
            })
    }

    /// The audit entries, one per target, in target order: each its
    /// fields in output order.
    pub fn audit(
        &self,
    ) -> impl ExactSizeIterator<Item = impl Iterator<Item = (AuditField, AuditValue<'v>)> + '_> + '_
    {
        (0..self.core.targets.len()).map(move |ti| self.audit_entry(ti))
    }

    /// Whether target `ti`'s audit entry ends with `"sampled": true`: a
    /// review sample decided it (language section "Review samples").
    pub fn audit_sampled(&self, ti: usize) -> bool {
        self.t.sampled(&self.core, ti)
    }

    /// The guardrail target `ti`'s audit entry names (`"guardrail":
    /// NAME`): one raised its outcome (language section "Guardrails").
    pub fn audit_guardrail(&self, ti: usize) -> Option<&'v str> {
        self.t.guarded(&self.core, ti)
    }

    fn audit_entry(&self, ti: usize) -> impl Iterator<Item = (AuditField, AuditValue<'v>)> + '_ {
        let (t, m, core) = (self.t, self.m, &self.core);
        let target = core.targets.get(ti);
        let (contract, list) = t.audit_list(core, ti);
        let sensitive = target.is_some_and(|x| t.is_sensitive(x));
        let is_record = target.is_some_and(|x| matches!(x.kind, TargetKind::Record));
        let name = target.map_or("", |x| x.name);
        let masked = move |v: Option<J<'v>>| match v {
            None => AuditValue::Null,
            Some(v) if sensitive && !v.is_null() => AuditValue::Masked,
            Some(v) => AuditValue::Json(JsonRef(v)),
        };
        let reasons = self
            .b
            .field_of
            .get(ti)
            .and_then(|f| self.b.fields.get(*f as usize))
            .map(|f| f.reasons);
        let rows = target.map(|_| list.into_fields()).into_iter().flatten();
        rows.map(move |af| {
            let v = match af {
                AuditField::RecordId => self
                    .record_id
                    .map_or(AuditValue::Null, |v| AuditValue::Json(JsonRef(v))),
                AuditField::Contract => {
                    contract.map_or(AuditValue::Null, |c| AuditValue::Str(t.str(c.name)))
                }
                AuditField::Version => {
                    contract.map_or(AuditValue::Null, |c| AuditValue::Int(u64::from(c.version)))
                }
                AuditField::Trigger => m
                    .cause
                    .map_or(AuditValue::Str(m.event().as_str()), AuditValue::Cause),
                AuditField::Field => AuditValue::Str(name),
                AuditField::OldValue | AuditField::NewValue if is_record => AuditValue::Null,
                // Targets `0..changes.len()` are the changes, in order.
                AuditField::OldValue => masked(match self.b.olds.get(ti) {
                    Some(p) => p.and_then(|i| m.record.get(i as usize)).map(|e| e.1),
                    None => entries_get(&m.record, name),
                }),
                AuditField::NewValue => masked(match m.changes.get(ti) {
                    Some((_, v)) => Some(*v),
                    None => entries_get(&m.changes, name),
                }),
                AuditField::Source => m.source.map_or(AuditValue::Null, AuditValue::Str),
                AuditField::Confidence => m
                    .confidence
                    .filter(|c| c.is_finite())
                    .map_or(AuditValue::Null, AuditValue::Number),
                AuditField::Timestamp => AuditValue::Str(m.at_text),
                AuditField::Actor => AuditValue::Actor {
                    kind: m.kind().as_str(),
                    name: m.name,
                },
                AuditField::Outcome => AuditValue::Str(self.target_outcome(ti).as_str()),
                AuditField::Reasons => {
                    reasons.map_or(AuditValue::Null, |r| AuditValue::Reasons(self.texts(r)))
                }
            };
            (af, v)
        })
    }

    /// Rollback `previous`: the changed fields' current values (the whole
    /// record's for a delete), in name order; `null` when the record
    /// lacks one.
    pub fn rollback_previous(&self) -> impl ExactSizeIterator<Item = (&'v str, JsonRef<'v>)> + '_ {
        let m = self.m;
        self.b.prev.iter().map(move |p| match *p {
            Prev::Record(i) => m
                .record
                .get(i as usize)
                .map_or(("", JsonRef(J::Null)), |e| (e.0, JsonRef(e.1))),
            Prev::Change(i) => {
                let k = m.changes.get(i as usize).map_or("", |e| e.0);
                let v = self
                    .b
                    .olds
                    .get(i as usize)
                    .copied()
                    .flatten()
                    .and_then(|r| m.record.get(r as usize))
                    .map_or(J::Null, |e| e.1);
                (k, JsonRef(v))
            }
        })
    }

    /// Rollback `keep`: the longest among the deciding contracts.
    pub fn rollback_keep(&self) -> Option<&'v str> {
        self.core.keep.map(|k| self.t.str(k))
    }

    /// Rollback `notify`.
    pub fn rollback_notify(&self) -> Texts<'v> {
        Texts {
            text: &self.b.text,
            spans: self.b.notify.iter(),
        }
    }

    /// Appends the decision's JSON: byte for byte what serializing the
    /// owned [`super::Decision`] with `serde_json` gives.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        out.push(b'{');
        if let Some(id) = self.id() {
            out.extend_from_slice(b"\"id\":");
            id.write_json(out);
            out.push(b',');
        }
        out.extend_from_slice(b"\"outcome\":\"");
        out.extend_from_slice(self.outcome().as_str().as_bytes());
        out.extend_from_slice(b"\",\"fields\":{");
        for (i, f) in self.fields().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            json_str(out, f.name);
            out.extend_from_slice(b":{\"outcome\":\"");
            out.extend_from_slice(f.outcome.as_str().as_bytes());
            out.extend_from_slice(b"\",\"contract\":");
            json_opt_str(out, f.contract);
            out.extend_from_slice(b",\"rule\":");
            json_opt_str(out, f.rule);
            out.extend_from_slice(b",\"reasons\":");
            write_texts(out, f.reasons);
            out.push(b'}');
        }
        out.extend_from_slice(b"},\"approvals\":[");
        for (i, a) in self.approvals().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(b"{\"level\":");
            json_str(out, a.level);
            out.extend_from_slice(b",\"approver\":");
            json_opt_str(out, a.approver);
            if let Some(w) = a.within_secs {
                out.extend_from_slice(b",\"within_secs\":");
                json_u64(out, w);
            }
            out.extend_from_slice(b",\"contracts\":");
            write_texts(out, a.contracts());
            out.extend_from_slice(b",\"fields\":");
            write_texts(out, a.fields());
            out.push(b'}');
        }
        out.extend_from_slice(b"],\"audit\":[");
        for (i, entry) in self.audit().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.push(b'{');
            let mut first = true;
            for (k, v) in entry {
                if !first {
                    out.push(b',');
                }
                first = false;
                out.extend_from_slice(audit_key(k));
                v.write_json(out);
            }
            if self.audit_sampled(i) {
                if !first {
                    out.push(b',');
                }
                first = false;
                out.extend_from_slice(b"\"sampled\":true");
            }
            if let Some(g) = self.audit_guardrail(i) {
                if !first {
                    out.push(b',');
                }
                out.extend_from_slice(b"\"guardrail\":");
                json_str(out, g);
            }
            out.push(b'}');
        }
        out.extend_from_slice(b"],\"rollback\":{\"previous\":{");
        for (i, (k, v)) in self.rollback_previous().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            json_str(out, k);
            out.push(b':');
            v.write_json(out);
        }
        out.extend_from_slice(b"},\"keep\":");
        json_opt_str(out, self.rollback_keep());
        out.extend_from_slice(b",\"notify\":");
        write_texts(out, self.rollback_notify());
        out.extend_from_slice(b"}}");
    }
}
