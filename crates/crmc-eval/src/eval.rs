//! Condition evaluation over one mutation, in three-valued (Kleene) logic.
//!
//! Before any condition runs, the mutation's JSON values are resolved once
//! into per-field slots (by field index, decoded by the field's type), so a
//! condition program reads slots by index and never looks a name up.
//!
//! - `null` is *empty*: every comparison, membership, string and date test on
//!   it is false; `is empty` true.
//! - On `create` there is no current record: conditions read `record`
//!   overlaid with `changes`, the record as it would be created; a field in
//!   neither is empty. Bare `F` and `new F` agree.
//! - `""` (after trimming, for every type but `string`) is empty, as `null`
//!   is; `F == ""` holds exactly when `F is empty`. Email and url values are
//!   lowercased (the compiler lowercases their literals), so
//!   `x@COMPETITOR.example` ends with `"@competitor.example"`.
//! - A value the input does not carry is *unknown*: a record field whose key
//!   is missing (on `update`/`delete`), a parent relation not in `parents`
//!   (unless the record's ref field is `null`: then there is no parent and
//!   its fields are empty), a parent field missing from a supplied parent, a
//!   missing `source` or `confidence`.
//! - The mutation's `history` says who last wrote each field: `set by`
//!   and `source of` read it. A field it does not list is unknown (on
//!   update and delete; a create's fields were never written), `null` is
//!   "never written".
//! - A value of the wrong JSON type for its field (a number for a date field,
//!   a malformed date, `5.5` for an `int`) is also unknown, and so never makes a write more
//!   permissive; `is empty` on it is false.

use crate::mutation::{Cause, In, J};
use crate::names::{Lookup, ObjNames};
use crate::table::{
    ActorKind, CmpOp, CondRange, Const, Event, FieldIx, ObjectIx, ObjectRow, Op, StrId, Subject,
    Table, Test, TypeTag,
};
use crate::time::{self, SECS_PER_DAY};
use crate::values;
use serde_json::Value;
use std::borrow::Cow;
use std::cmp::Ordering;

/// A Kleene truth value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tv {
    False,
    Unknown,
    True,
}

impl Tv {
    pub fn from_bool(b: bool) -> Tv {
        if b {
            Tv::True
        } else {
            Tv::False
        }
    }
    pub fn and(self, o: Tv) -> Tv {
        match (self, o) {
            (Tv::False, _) | (_, Tv::False) => Tv::False,
            (Tv::True, Tv::True) => Tv::True,
            _ => Tv::Unknown,
        }
    }
    pub fn or(self, o: Tv) -> Tv {
        match (self, o) {
            (Tv::True, _) | (_, Tv::True) => Tv::True,
            (Tv::False, Tv::False) => Tv::False,
            _ => Tv::Unknown,
        }
    }
    pub fn negate(self) -> Tv {
        match self {
            Tv::False => Tv::True,
            Tv::Unknown => Tv::Unknown,
            Tv::True => Tv::False,
        }
    }
}

/// A decoded value.
// `repr(u8)`: a tag byte, read with one load (the niche layout costs a
// chain of compares on every test).
#[derive(Clone, Debug, PartialEq)]
#[repr(u8)]
pub(crate) enum Val<'m> {
    Num(f64),
    /// Trimmed (but for `string` fields), lowercased for email and url;
    /// never empty (`""` is empty, a [`Slot::Null`]).
    Str(Cow<'m, str>),
    Bool(bool),
    /// Days since the epoch.
    Day(i64),
    /// Seconds since the epoch.
    Sec(i64),
    /// A multipicklist's items, sorted and deduplicated.
    Items(Vec<&'m str>),
    Ev(Event),
}

#[derive(Clone, Debug, PartialEq)]
#[repr(u8)]
pub(crate) enum Slot<'m> {
    /// Not carried by the input: unknown.
    Absent,
    /// `null`: empty.
    Null,
    /// Present but not a valid value of this type: unknown, not empty.
    Bad(TypeTag),
    Val(Val<'m>),
}

fn items(s: &str) -> Vec<&str> {
    let mut v: Vec<&str> = s
        .split(';')
        .map(str::trim)
        .filter(|i| !i.is_empty())
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// A JSON string as a value of a field of type `ty` (`None`: it does not
/// fit; `Some(None)`: it is empty). Shared by both input paths so they
/// cannot decode differently. Every type but `string` is trimmed, and `""`
/// (after trimming) is empty, as `null` is: Salesforce sends `null` for a
/// blank field where HubSpot sends `""`, and both mean "no value".
fn decode_str(ty: TypeTag, s: &str) -> Option<Option<Val<'_>>> {
    let t = if ty == TypeTag::String { s } else { s.trim() };
    if t.is_empty() {
        return Some(None);
    }
    let v = match ty {
        TypeTag::Date => time::parse_date(t)
            .or_else(|| time::parse_datetime(t).map(|x| x.div_euclid(SECS_PER_DAY)))
            .map(Val::Day)?,
        TypeTag::Datetime => time::parse_datetime(t)
            .or_else(|| time::parse_date(t).map(|d| d.saturating_mul(SECS_PER_DAY)))
            .map(Val::Sec)?,
        TypeTag::Multipicklist => {
            let items = items(t);
            if items.is_empty() {
                return Some(None);
            }
            Val::Items(items)
        }
        // Domains are case-insensitive, and CRMs match addresses so.
        TypeTag::Email | TypeTag::Url => Val::Str(lowercase(t)),
        TypeTag::Id | TypeTag::String | TypeTag::Phone | TypeTag::Picklist | TypeTag::Ref => {
            Val::Str(Cow::Borrowed(t))
        }
        _ => return None,
    };
    Some(Some(v))
}

/// `s` lowercased, borrowed when it already is.
pub(crate) fn lowercase(s: &str) -> Cow<'_, str> {
    if s.chars().any(char::is_uppercase) {
        Cow::Owned(s.to_lowercase())
    } else {
        Cow::Borrowed(s)
    }
}

/// A JSON number as a value of a numeric field: `int` takes only whole numbers.
fn decode_num(ty: TypeTag, n: f64) -> Option<Val<'static>> {
    let fits = match ty {
        TypeTag::Int => n.is_finite() && n.fract() == 0.0,
        TypeTag::Number | TypeTag::Currency | TypeTag::Percent => n.is_finite(),
        _ => false,
    };
    fits.then_some(Val::Num(n))
}

/// A decoded string's slot.
fn str_slot(ty: TypeTag, s: &str) -> Slot<'_> {
    match decode_str(ty, s) {
        Some(Some(v)) => Slot::Val(v),
        Some(None) => Slot::Null,
        None => Slot::Bad(ty),
    }
}

/// Decodes a borrowed JSON value as a value of a field of type `ty`.
pub(crate) fn decode_j(ty: TypeTag, v: J<'_>) -> Slot<'_> {
    let val = match (ty, v) {
        (_, J::Value(v)) => return decode(ty, v),
        (_, J::Null) => return Slot::Null,
        (_, J::Str(s)) => return str_slot(ty, s),
        (TypeTag::Bool, J::Bool(b)) => Some(Val::Bool(b)),
        (_, J::U(u)) => decode_num(ty, u as f64),
        (_, J::I(i)) => decode_num(ty, i as f64),
        (_, J::F(f)) => decode_num(ty, f),
        _ => None,
    };
    match val {
        Some(v) => Slot::Val(v),
        None => Slot::Bad(ty),
    }
}

/// Decodes a JSON value as a value of a field of type `ty`.
pub(crate) fn decode(ty: TypeTag, v: &Value) -> Slot<'_> {
    let val = match (ty, v) {
        (_, Value::Null) => return Slot::Null,
        (_, Value::String(s)) => return str_slot(ty, s),
        (TypeTag::Bool, Value::Bool(b)) => Some(Val::Bool(*b)),
        (_, Value::Number(n)) => n.as_f64().and_then(|n| decode_num(ty, n)),
        (TypeTag::Multipicklist, Value::Array(a)) => {
            let mut v = Vec::with_capacity(a.len());
            for x in a {
                match x {
                    Value::String(s) => match s.trim() {
                        "" => {}
                        item => v.push(item),
                    },
                    _ => return Slot::Bad(ty),
                }
            }
            if v.is_empty() {
                return Slot::Null;
            }
            v.sort_unstable();
            v.dedup();
            Some(Val::Items(v))
        }
        _ => None,
    };
    match val {
        Some(v) => Slot::Val(v),
        None => Slot::Bad(ty),
    }
}

pub(crate) enum Parent<'t, 'm> {
    /// Not supplied: its fields are unknown.
    Missing,
    /// The record's ref field is `null`: no parent, its fields are empty.
    None,
    Given {
        object: &'t ObjectRow,
        /// Sparse, sorted by local field index; a field not here is absent.
        slots: Vec<(u32, Slot<'m>)>,
    },
}

/// Looks a local field index up in a sparse, sorted slot list.
#[inline]
fn sparse<'a, 'm>(slots: &'a [(u32, Slot<'m>)], l: usize) -> Option<&'a Slot<'m>> {
    let l = u32::try_from(l).ok()?;
    if slots.len() <= 8 {
        return slots.iter().find(|(k, _)| *k == l).map(|(_, s)| s);
    }
    slots
        .binary_search_by_key(&l, |(k, _)| *k)
        .ok()
        .and_then(|i| slots.get(i))
        .map(|(_, s)| s)
}

/// Resolves a JSON object's keys against an object's fields: one decoded
/// slot per known field, sorted by local index (names the schema lacks are
/// skipped).
pub(crate) fn resolve<'m>(
    lk: Lookup<'_, '_>,
    map: &[(&'m str, J<'m>)],
    out: &mut Vec<(u32, Slot<'m>)>,
) {
    let fields = lk.t.object_fields(lk.object);
    out.clear();
    for (k, v) in map {
        if let Some(l) = lk.local(k) {
            if let Some(row) = fields.get(l) {
                out.push((l as u32, values::read(lk.t, row, *v)));
            }
        }
    }
    if !out.is_sorted_by_key(|(l, _)| *l) {
        out.sort_by_key(|(l, _)| *l);
    }
}

/// Whether the input gives the lookup field `via` as empty. Only that means
/// "no parent": a lookup a create leaves out may be derived by the CRM
/// (Salesforce's Task.AccountId), so its parent is unknown, not absent.
fn lookup_given_empty(object: &ObjectRow, cur: &[(u32, Slot<'_>)], via: FieldIx) -> bool {
    object
        .local(via)
        .and_then(|l| sparse(cur, l))
        .is_some_and(|s| *s == Slot::Null)
}

/// On create there is no current record: conditions read the record as it
/// would be created, `record` overlaid with `changes` (so an exclusion on
/// `Email` sees the proposed address, and bare `F` agrees with `new F`).
fn overlay<'m>(cur: &mut Vec<(u32, Slot<'m>)>, new: &[(u32, Slot<'m>)]) {
    for (l, v) in new {
        match cur.binary_search_by_key(l, |(k, _)| *k) {
            Ok(i) => {
                if let Some(e) = cur.get_mut(i) {
                    e.1 = v.clone();
                }
            }
            Err(i) => cur.insert(i, (*l, v.clone())),
        }
    }
}

/// Reuses a vector's allocation for another element type of the same
/// layout (in practice: the same type at another lifetime). Safe: the
/// vector is emptied, and the standard library's in-place collection keeps
/// the buffer when the layouts agree (else it allocates, which is correct
/// too).
pub(crate) fn recycle<T, U>(mut v: Vec<T>) -> Vec<U> {
    v.clear();
    v.into_iter().filter_map(|_| None).collect()
}

/// The buffers a [`Ctx`] resolves a mutation into, kept between decisions.
#[derive(Default)]
pub(crate) struct CtxBufs {
    cur: Vec<(u32, Slot<'static>)>,
    new: Vec<(u32, Slot<'static>)>,
    parents: Vec<Parent<'static, 'static>>,
}

/// A mutation resolved against one object of a table.
pub(crate) struct Ctx<'t, 'm> {
    pub t: &'t Table,
    pub object: &'t ObjectRow,
    pub obj_ix: ObjectIx,
    pub ev: Event,
    /// What started the automation; `None`: the write itself.
    pub cause: Option<&'m Cause>,
    /// The record's id as text, what review samples key on (`None`: none,
    /// or not text); set by the decide step.
    pub record_id: Option<&'m str>,
    pub kind: ActorKind,
    pub name: &'m str,
    pub conf: Option<f64>,
    /// `at`, seconds since the epoch.
    pub at: i64,
    /// Current values, sparse by local field index; a field not listed is
    /// `missing`.
    cur: Vec<(u32, Slot<'m>)>,
    /// What a field the record does not list holds: empty on create,
    /// unknown otherwise.
    missing: Slot<'static>,
    /// Proposed values, sparse by local field index.
    new: Vec<(u32, Slot<'m>)>,
    /// By relation position in `object.relations`.
    pub parents: Vec<Parent<'t, 'm>>,
    pub confidence: Slot<'m>,
    pub source: Slot<'m>,
    pub event: Slot<'m>,
    pub at_day: i64,
    /// The history's entries, sparse by local field index, each with its
    /// `source` as a slot (what `source of F` reads).
    hist: Vec<(u32, Hist<'m>, Slot<'m>)>,
    /// What a field the history does not list holds: never written on
    /// create, unknown otherwise.
    hist_missing: Hist<'m>,
}

/// One field's last write, as the mutation's `history` tells it.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Hist<'m> {
    /// The history does not say: unknown.
    Absent,
    /// `null` (or a create): never written.
    Never,
    Set(&'m crate::mutation::LastWrite),
}

impl<'t, 'm> Ctx<'t, 'm> {
    /// `changes`: the changed fields the object has, as (local index,
    /// value); `names`: field-name indices by object, where built.
    pub fn new(
        t: &'t Table,
        m: &In<'m>,
        obj_ix: ObjectIx,
        object: &'t ObjectRow,
        bufs: CtxBufs,
        names: &[Option<ObjNames>],
        changes: impl Iterator<Item = (usize, J<'m>)>,
    ) -> Ctx<'t, 'm> {
        let lookup = |o: ObjectIx, object: &'t ObjectRow| Lookup {
            t,
            object,
            index: names.get(o.ix()).and_then(Option::as_ref),
        };
        let missing = if m.event() == Event::Create {
            Slot::Null
        } else {
            Slot::Absent
        };
        let mut cur = recycle(bufs.cur);
        resolve(lookup(obj_ix, object), &m.record, &mut cur);
        let mut new: Vec<(u32, Slot<'m>)> = recycle(bufs.new);
        let fields = t.object_fields(object);
        new.extend(changes.filter_map(|(l, v)| {
            let row = fields.get(l)?;
            Some((l as u32, values::read(t, row, v)))
        }));
        if !new.is_sorted_by_key(|(l, _)| *l) {
            new.sort_by_key(|(l, _)| *l);
        }
        if m.event() == Event::Create {
            overlay(&mut cur, &new);
        }
        let mut parents: Vec<Parent<'t, 'm>> = recycle(bufs.parents);
        parents.extend(object.relations.iter().map(|r| {
            let target = t.object(r.target);
            match (m.parent(t.str(r.name)), target) {
                (Some(p), Some(target)) => {
                    let mut slots = Vec::new();
                    resolve(lookup(r.target, target), p, &mut slots);
                    Parent::Given {
                        object: target,
                        slots,
                    }
                }
                _ => {
                    if lookup_given_empty(object, &cur, r.via) {
                        Parent::None
                    } else {
                        Parent::Missing
                    }
                }
            }
        }));
        let hist_missing = if m.event() == Event::Create {
            Hist::Never
        } else {
            Hist::Absent
        };
        let mut hist: Vec<(u32, Hist<'m>, Slot<'m>)> = Vec::new();
        if let Some(h) = m.history {
            let lk = lookup(obj_ix, object);
            for (name, w) in h {
                // a name the object lacks is refused before deciding
                let Some(l) = lk.local(name) else { continue };
                let (entry, source) = match w {
                    None => (Hist::Never, Slot::Null),
                    Some(w) => (
                        Hist::Set(w),
                        w.source
                            .as_deref()
                            .map_or(Slot::Absent, |s| Slot::Val(Val::Str(Cow::Borrowed(s)))),
                    ),
                };
                hist.push((l as u32, entry, source));
            }
            hist.sort_by_key(|(l, _, _)| *l);
        }
        Ctx {
            t,
            object,
            obj_ix,
            ev: m.event(),
            cause: m.cause,
            record_id: None,
            kind: m.kind(),
            name: m.name,
            conf: m.confidence,
            at: m.at,
            cur,
            missing,
            new,
            parents,
            confidence: m
                .confidence
                .map_or(Slot::Absent, |c| Slot::Val(Val::Num(c))),
            source: m
                .source
                .map_or(Slot::Absent, |s| Slot::Val(Val::Str(Cow::Borrowed(s)))),
            event: Slot::Val(Val::Ev(m.event())),
            at_day: m.at.div_euclid(SECS_PER_DAY),
            hist,
            hist_missing,
        }
    }

    /// The history's entry for local field `l`, and its source slot.
    fn hist_of(&self, l: usize) -> (Hist<'m>, &Slot<'m>) {
        const ABSENT: &Slot<'static> = &Slot::Absent;
        const NULL: &Slot<'static> = &Slot::Null;
        match self.hist.binary_search_by_key(&(l as u32), |(k, _, _)| *k) {
            Ok(i) => match self.hist.get(i) {
                Some((_, h, s)) => (*h, s),
                None => (Hist::Absent, ABSENT),
            },
            Err(_) => match self.hist_missing {
                Hist::Never => (Hist::Never, NULL),
                h => (h, ABSENT),
            },
        }
    }

    /// `F set by KIND ["name"] [within N]`.
    fn set_by(&self, f: FieldIx, kind: ActorKind, name: Option<StrId>, within: Option<i64>) -> Tv {
        let Some(l) = self.object.local(f) else {
            return Tv::Unknown;
        };
        match self.hist_of(l).0 {
            Hist::Absent => Tv::Unknown,
            Hist::Never => Tv::False,
            Hist::Set(w) => Tv::from_bool(
                w.actor.kind == kind
                    && name.is_none_or(|n| self.t.str(n) == w.actor.name)
                    // within N: written at or after `at` - N (a write the
                    // history dates after `at` counts as within)
                    && within.is_none_or(|n| w.at >= self.at.saturating_sub(n)),
            ),
        }
    }

    /// A parent the input gives although it gives the record's lookup field
    /// to it as empty (`parents.Account` with `AccountId: null`), as (relation,
    /// lookup field) names. Such a line contradicts itself: deciding it
    /// with the parent would make dropping the parent loosen the decision
    /// (an empty lookup means "no parent", whose fields are empty).
    pub fn contradicted_parent(&self) -> Option<(&'t str, &'t str)> {
        let t = self.t;
        self.object
            .relations
            .iter()
            .zip(&self.parents)
            .find_map(|(r, p)| {
                let given = matches!(p, Parent::Given { .. });
                (given && lookup_given_empty(self.object, &self.cur, r.via))
                    .then(|| (t.str(r.name), t.field_name(r.via)))
            })
    }

    /// The buffers back, for the next decision.
    pub fn into_bufs(self) -> CtxBufs {
        CtxBufs {
            cur: recycle(self.cur),
            new: recycle(self.new),
            parents: recycle(self.parents),
        }
    }

    pub fn is_changed(&self, f: FieldIx) -> bool {
        self.object
            .local(f)
            .is_some_and(|l| sparse(&self.new, l).is_some())
    }

    #[inline]
    fn cur_slot(&self, l: usize) -> &Slot<'m> {
        if l >= self.object.fields_len as usize {
            return &Slot::Absent;
        }
        sparse(&self.cur, l).unwrap_or(&self.missing)
    }

    #[inline]
    fn subject(&self, s: &Subject) -> &Slot<'m> {
        const ABSENT: &Slot<'static> = &Slot::Absent;
        const NULL: &Slot<'static> = &Slot::Null;
        match s {
            Subject::Field(f) => match self.object.local(*f) {
                Some(l) => self.cur_slot(l),
                None => ABSENT,
            },
            Subject::New(f) => match self.object.local(*f) {
                Some(l) => match sparse(&self.new, l) {
                    Some(v) => v,
                    None => self.cur_slot(l),
                },
                None => ABSENT,
            },
            Subject::Parent { relation, field } => match self.parents.get(*relation as usize) {
                Some(Parent::Given { object, slots }) => object
                    .local(*field)
                    .and_then(|l| sparse(slots, l))
                    .unwrap_or(ABSENT),
                Some(Parent::None) => NULL,
                _ => ABSENT,
            },
            Subject::Confidence => &self.confidence,
            Subject::Source => &self.source,
            Subject::Event => &self.event,
            Subject::HistSource(f) => match self.object.local(*f) {
                Some(l) => self.hist_of(l).1,
                None => ABSENT,
            },
        }
    }

    /// Evaluates a condition program. `stack` is scratch space.
    #[inline]
    pub fn eval(&self, c: CondRange, stack: &mut Vec<Tv>) -> Tv {
        let ops = self.t.cond(c);
        // The common one-atom and two-atom conditions need no stack (and
        // are inlined into the rule walk; longer programs are not).
        match ops {
            [Op::Atom(s, t)] => self.test(self.subject(s), t),
            // Two atoms joined by `and`, the next most common shape,
            // short-circuiting (atoms have no effects).
            [Op::Atom(s1, t1), Op::Atom(s2, t2), Op::And(2)] => {
                match self.test(self.subject(s1), t1) {
                    Tv::False => Tv::False,
                    a => a.and(self.test(self.subject(s2), t2)),
                }
            }
            _ => self.eval_ops(ops, stack),
        }
    }

    #[inline(never)]
    fn eval_ops(&self, ops: &[Op], stack: &mut Vec<Tv>) -> Tv {
        match ops {
            [Op::Atom(s, t)] => return self.test(self.subject(s), t),
            // Two atoms joined, short-circuiting (atoms have no effects).
            [Op::Atom(s1, t1), Op::Atom(s2, t2), Op::And(2)] => {
                return match self.test(self.subject(s1), t1) {
                    Tv::False => Tv::False,
                    a => a.and(self.test(self.subject(s2), t2)),
                };
            }
            [Op::Atom(s1, t1), Op::Atom(s2, t2), Op::Or(2)] => {
                return match self.test(self.subject(s1), t1) {
                    Tv::True => Tv::True,
                    a => a.or(self.test(self.subject(s2), t2)),
                };
            }
            _ => {}
        }
        stack.clear();
        for op in ops {
            let v = match op {
                Op::True => Tv::True,
                Op::False => Tv::False,
                Op::And(n) => {
                    let start = stack.len().saturating_sub(*n as usize);
                    let v = stack
                        .get(start..)
                        .unwrap_or(&[])
                        .iter()
                        .fold(Tv::True, |a, b| a.and(*b));
                    stack.truncate(start);
                    v
                }
                Op::Or(n) => {
                    let start = stack.len().saturating_sub(*n as usize);
                    let v = stack
                        .get(start..)
                        .unwrap_or(&[])
                        .iter()
                        .fold(Tv::False, |a, b| a.or(*b));
                    stack.truncate(start);
                    v
                }
                Op::Not => stack.pop().unwrap_or(Tv::Unknown).negate(),
                Op::Changed(f) => Tv::from_bool(self.is_changed(*f)),
                Op::Atom(s, t) => self.test(self.subject(s), t),
                Op::SetBy {
                    field,
                    kind,
                    name,
                    within,
                } => self.set_by(*field, *kind, *name, *within),
            };
            stack.push(v);
        }
        // A validated program leaves exactly one value; anything else is unknown.
        match stack.as_slice() {
            [v] => *v,
            _ => Tv::Unknown,
        }
    }

    /// Appends what the input lacks for a condition to be decided: one
    /// phrase per atom that evaluates to unknown, deduplicated, in program
    /// order, `, `-separated.
    pub fn write_missing(&self, c: CondRange, out: &mut String) {
        let base = out.len();
        // Where each phrase written so far starts and ends (the first few
        // without allocating).
        let mut first = [(0usize, 0usize); 4];
        let mut n = 0;
        let mut more: Vec<(usize, usize)> = Vec::new();
        for op in self.t.cond(c) {
            let unknown = match op {
                Op::Atom(s, t) => self.test(self.subject(s), t) == Tv::Unknown,
                Op::SetBy {
                    field,
                    kind,
                    name,
                    within,
                } => self.set_by(*field, *kind, *name, *within) == Tv::Unknown,
                _ => false,
            };
            if unknown {
                {
                    let mark = out.len();
                    if mark > base {
                        out.push_str(", ");
                    }
                    let start = out.len();
                    match op {
                        Op::SetBy { field, .. } => self.describe_history(*field, out),
                        Op::Atom(s, _) => self.describe(s, out),
                        _ => {}
                    }
                    let d = out.get(start..).unwrap_or("");
                    let mut seen = first.get(..n).unwrap_or(&[]).iter().chain(&more);
                    if seen.any(|(a, b)| out.get(*a..*b) == Some(d)) {
                        out.truncate(mark);
                    } else if let Some(f) = first.get_mut(n) {
                        *f = (start, out.len());
                        n += 1;
                    } else {
                        more.push((start, out.len()));
                    }
                }
            }
        }
    }

    /// `history of `Industry`` (what a provenance condition lacked).
    fn describe_history(&self, f: FieldIx, out: &mut String) {
        out.push_str("history of `");
        out.push_str(self.t.field_name(f));
        out.push('`');
    }

    fn describe(&self, s: &Subject, out: &mut String) {
        let t = self.t;
        let slot = self.subject(s);
        match s {
            Subject::HistSource(f) => {
                self.describe_history(*f, out);
                if let Some(l) = self.object.local(*f) {
                    if matches!(self.hist_of(l).0, Hist::Set(_)) {
                        out.push_str(" (its last write has no `source`)");
                    }
                }
                return;
            }
            Subject::Field(f) => {
                out.push_str("record field `");
                out.push_str(t.field_name(*f));
                out.push('`');
            }
            Subject::New(f) => {
                out.push_str("new value of `");
                out.push_str(t.field_name(*f));
                out.push('`');
            }
            Subject::Parent { relation, field } => {
                let rel = self
                    .object
                    .relations
                    .get(*relation as usize)
                    .map_or("", |r| t.str(r.name));
                match self.parents.get(*relation as usize) {
                    Some(Parent::Given { .. }) => {
                        out.push_str("parent field `");
                        out.push_str(rel);
                        out.push('.');
                        out.push_str(t.field_name(*field));
                        out.push('`');
                    }
                    _ => {
                        out.push_str("parent `");
                        out.push_str(rel);
                        out.push('`');
                        return;
                    }
                }
            }
            Subject::Confidence => return out.push_str("`confidence`"),
            Subject::Source => return out.push_str("`source`"),
            Subject::Event => return out.push_str("`event`"),
        }
        match slot {
            Slot::Bad(TypeTag::Picklist | TypeTag::Multipicklist) => {
                out.push_str(" (not one of the field's declared values)");
            }
            Slot::Bad(ty) => {
                out.push_str(" (not a valid ");
                out.push_str(ty.as_str());
                out.push(')');
            }
            _ => {}
        }
    }

    fn test(&self, slot: &Slot<'_>, test: &Test) -> Tv {
        let v = match slot {
            Slot::Absent => return Tv::Unknown,
            Slot::Bad(_) => {
                return match test {
                    Test::IsEmpty => Tv::False,
                    Test::IsSet => Tv::True,
                    _ => Tv::Unknown,
                }
            }
            Slot::Null => return self.test_empty(test),
            Slot::Val(v) => v,
        };
        let t = self.t;
        match test {
            Test::IsEmpty => Tv::False,
            Test::IsSet => Tv::True,
            Test::IsTrue => match v {
                Val::Bool(b) => Tv::from_bool(*b),
                _ => Tv::Unknown,
            },
            // A multipicklist equals a constant `"A;B"` when the item sets
            // agree; it has no order.
            Test::Cmp(op, Const::Str(c)) if matches!(v, Val::Items(_)) => {
                let eq = items_equal(t, v, *c);
                match op {
                    CmpOp::Eq => Tv::from_bool(eq),
                    CmpOp::Ne => Tv::from_bool(!eq),
                    _ => Tv::Unknown,
                }
            }
            Test::Cmp(op, c) => match compare(t, v, c) {
                Some(ord) => Tv::from_bool(match op {
                    CmpOp::Eq => ord == Ordering::Equal,
                    CmpOp::Ne => ord != Ordering::Equal,
                    CmpOp::Lt => ord == Ordering::Less,
                    CmpOp::Le => ord != Ordering::Greater,
                    CmpOp::Gt => ord == Ordering::Greater,
                    CmpOp::Ge => ord != Ordering::Less,
                }),
                None => Tv::Unknown,
            },
            Test::In { set, negated } => {
                let Some(set) = t.sets.get(set.ix()) else {
                    return Tv::Unknown;
                };
                let found = match v {
                    Val::Str(s) => set
                        .strs
                        .binary_search_by(|id| t.str(*id).cmp(s.as_ref()))
                        .is_ok(),
                    Val::Num(n) => {
                        // `-0.0 == 0.0`, as with `==`; the set holds `0.0`.
                        let n = if *n == 0.0 { 0.0 } else { *n };
                        set.nums.binary_search_by(|x| x.total_cmp(&n)).is_ok()
                    }
                    Val::Items(_) => set.strs.iter().any(|id| items_equal(t, v, *id)),
                    _ => set
                        .other
                        .iter()
                        .any(|c| compare(t, v, c) == Some(Ordering::Equal)),
                };
                Tv::from_bool(found != *negated)
            }
            Test::StartsWith(s) | Test::EndsWith(s) | Test::Contains(s) => {
                let needle = t.str(*s);
                match (v, test) {
                    (Val::Str(x), Test::StartsWith(_)) => Tv::from_bool(x.starts_with(needle)),
                    (Val::Str(x), Test::EndsWith(_)) => Tv::from_bool(x.ends_with(needle)),
                    (Val::Str(x), _) => Tv::from_bool(x.contains(needle)),
                    (Val::Items(items), Test::Contains(_)) => {
                        Tv::from_bool(items.binary_search(&needle).is_ok())
                    }
                    _ => Tv::Unknown,
                }
            }
            Test::BeforeDaysAgo(n) | Test::AfterDaysAgo(n) => {
                let ord = match v {
                    Val::Day(d) => d.cmp(&self.at_day.saturating_sub(*n)),
                    Val::Sec(s) => s.cmp(&self.at.saturating_sub(n.saturating_mul(SECS_PER_DAY))),
                    _ => return Tv::Unknown,
                };
                Tv::from_bool(if matches!(test, Test::BeforeDaysAgo(_)) {
                    ord == Ordering::Less
                } else {
                    ord == Ordering::Greater
                })
            }
        }
    }
}

impl Ctx<'_, '_> {
    /// A test on an empty value: `is empty` holds, and so do `== ""` and
    /// `in (.., "", ..)` (`""` is empty); every other comparison is false.
    fn test_empty(&self, test: &Test) -> Tv {
        let t = self.t;
        let blank = |c: &crate::table::StrId| t.str(*c).trim().is_empty();
        Tv::from_bool(match test {
            Test::IsEmpty => true,
            Test::Cmp(CmpOp::Eq, Const::Str(c)) => blank(c),
            Test::In {
                set,
                negated: false,
            } => t
                .sets
                .get(set.ix())
                .is_some_and(|s| s.strs.iter().any(blank)),
            _ => false,
        })
    }
}

fn items_equal(t: &Table, v: &Val<'_>, c: crate::table::StrId) -> bool {
    matches!(v, Val::Items(a) if *a == items(t.str(c)))
}

/// Orders a value against a constant of the matching kind; `None` when the
/// kinds do not match (a malformed table or value), which reads as unknown.
#[inline]
fn compare(t: &Table, v: &Val<'_>, c: &Const) -> Option<Ordering> {
    match (v, c) {
        (Val::Num(a), Const::Num(b)) => a.partial_cmp(b),
        (Val::Str(a), Const::Str(b)) => Some(a.as_ref().cmp(t.str(*b))),
        (Val::Bool(a), Const::Bool(b)) => Some(a.cmp(b)),
        (Val::Day(a), Const::Date(b)) => Some(a.cmp(b)),
        (Val::Day(a), Const::Datetime(b)) => Some(a.saturating_mul(SECS_PER_DAY).cmp(b)),
        (Val::Sec(a), Const::Datetime(b)) => Some(a.cmp(b)),
        (Val::Sec(a), Const::Date(b)) => Some(a.div_euclid(SECS_PER_DAY).cmp(b)),
        (Val::Ev(a), Const::Event(b)) => Some(a.cmp(b)),
        _ => None,
    }
}
