//! The security boundary: every invariant the evaluator relies on, checked
//! once at load ([`validate`]), so that deciding with a loaded table never
//! indexes out of range, never loops and never reads a value of the wrong
//! kind — a crafted or corrupted table is an error, not a more permissive
//! decision.

use super::LoadError;
use crate::table::*;

fn invalid(m: impl Into<String>) -> LoadError {
    LoadError::Invalid(m.into())
}

struct V<'a> {
    t: &'a Table,
}

impl V<'_> {
    fn str(&self, s: StrId) -> Result<&str, LoadError> {
        self.t
            .strings
            .get(s.ix())
            .map(String::as_str)
            .ok_or_else(|| invalid(format!("string id {} out of range", s.0)))
    }
    fn field(&self, f: FieldIx) -> Result<&FieldRow, LoadError> {
        self.t
            .fields
            .get(f.ix())
            .ok_or_else(|| invalid(format!("field id {} out of range", f.0)))
    }
    fn field_of(&self, f: FieldIx, o: ObjectIx, what: &str) -> Result<(), LoadError> {
        if self.field(f)?.object != o {
            return Err(invalid(format!(
                "{what}: field {} is not on object {}",
                f.0, o.0
            )));
        }
        Ok(())
    }
    fn object(&self, o: ObjectIx) -> Result<&ObjectRow, LoadError> {
        self.t
            .objects
            .get(o.ix())
            .ok_or_else(|| invalid(format!("object id {} out of range", o.0)))
    }
    fn approver(&self, a: &Approver) -> Result<(), LoadError> {
        match a {
            Approver::RecordOwner => Ok(()),
            Approver::Role(s) | Approver::User(s) | Approver::Queue(s) => self.str(*s).map(|_| ()),
        }
    }
    /// A condition program on object `o`: in range, every index valid, and
    /// its stack never underflows and ends with exactly one value.
    fn cond(&self, c: CondRange, o: ObjectIx, what: &str) -> Result<(), LoadError> {
        let start = c.start as usize;
        let end = start
            .checked_add(c.len as usize)
            .filter(|e| *e <= self.t.ops.len())
            .ok_or_else(|| invalid(format!("{what}: condition range out of bounds")))?;
        let ops = self.t.ops.get(start..end).unwrap_or(&[]);
        let obj = self.object(o)?;
        let mut depth: usize = 0;
        for op in ops {
            let pops = match op {
                Op::True | Op::False | Op::Changed(_) | Op::Atom(..) | Op::SetBy { .. } => 0,
                Op::And(n) | Op::Or(n) => *n as usize,
                Op::Not => 1,
            };
            depth = depth
                .checked_sub(pops)
                .ok_or_else(|| invalid(format!("{what}: condition program underflows")))?
                + 1;
            match op {
                Op::Changed(f) => self.field_of(*f, o, what)?,
                Op::SetBy {
                    field,
                    name,
                    within,
                    ..
                } => {
                    self.field_of(*field, o, what)?;
                    if let Some(n) = name {
                        self.str(*n)?;
                    }
                    // a window is a positive number of seconds no
                    // compiler exceeds (`within` at most 100 years)
                    if within.is_some_and(|w| !(1..=100 * 366 * 86_400).contains(&w)) {
                        return Err(invalid(format!("{what}: `within` out of range")));
                    }
                }
                Op::Atom(s, t) => {
                    match s {
                        Subject::Field(f) | Subject::New(f) => self.field_of(*f, o, what)?,
                        Subject::Parent { relation, field } => {
                            let rel = obj.relations.get(*relation as usize).ok_or_else(|| {
                                invalid(format!("{what}: relation {relation} out of range"))
                            })?;
                            self.field_of(*field, rel.target, what)?;
                        }
                        Subject::HistSource(f) => self.field_of(*f, o, what)?,
                        Subject::Confidence | Subject::Source | Subject::Event => {}
                    }
                    self.test(s, t, what)?;
                }
                _ => {}
            }
        }
        if depth != 1 {
            return Err(invalid(format!(
                "{what}: condition program leaves {depth} values, not 1"
            )));
        }
        Ok(())
    }
    /// An atom's test: ids in range, numbers finite, and the constants an
    /// email or url field is compared with lowercase (the evaluator
    /// lowercases those values; an uppercase constant could never match, and
    /// an exclusion written with one would silently never fire).
    fn test(&self, s: &Subject, t: &Test, what: &str) -> Result<(), LoadError> {
        let folded = match s {
            Subject::Field(f) | Subject::New(f) | Subject::Parent { field: f, .. } => {
                matches!(self.field(*f)?.ty, TypeTag::Email | TypeTag::Url)
            }
            _ => false,
        };
        let lower = |id: StrId| -> Result<(), LoadError> {
            let x = self.str(id)?;
            if folded && x.chars().any(char::is_uppercase) {
                return Err(invalid(format!(
                    "{what}: email/url constant `{x}` is not lowercase"
                )));
            }
            Ok(())
        };
        match t {
            Test::Cmp(_, Const::Str(id))
            | Test::StartsWith(id)
            | Test::EndsWith(id)
            | Test::Contains(id) => lower(*id)?,
            Test::Cmp(_, Const::Num(n)) if !n.is_finite() => {
                return Err(invalid(format!("{what}: a numeric constant is not finite")));
            }
            Test::In { set, .. } => {
                let set = self
                    .t
                    .sets
                    .get(set.ix())
                    .ok_or_else(|| invalid(format!("{what}: set {} out of range", set.0)))?;
                for id in &set.strs {
                    lower(*id)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn rules(&self, rules: &[RuleRow], o: ObjectIx, what: &str) -> Result<(), LoadError> {
        for r in rules {
            if let Some(a) = &r.route {
                self.approver(a)?;
            }
            if let Some(w) = r.when {
                self.cond(w, o, what)?;
            }
        }
        Ok(())
    }
}

/// `index[o][k]`: in table order, the contracts on object `o` with a trigger
/// of cause kind `k` (what the compiler writes and the evaluator relies on).
pub fn expected_index(t: &Table) -> Vec<[Vec<ContractIx>; 4]> {
    let mut index: Vec<[Vec<ContractIx>; 4]> =
        (0..t.objects.len()).map(|_| Default::default()).collect();
    for (ci, c) in t.contracts.iter().enumerate() {
        let Some(per_kind) = index.get_mut(c.object.ix()) else {
            continue;
        };
        for k in CauseKind::ALL {
            let fires = c.triggers.iter().any(|tr| tr.kind() == k);
            if let (true, Some(list)) = (fires, per_kind.get_mut(k.ix())) {
                list.push(ContractIx(ci as u32));
            }
        }
    }
    index
}

/// Checks every invariant documented on [`Table`].
pub fn validate(t: &Table) -> Result<(), LoadError> {
    let v = V { t };
    let mut prev: Option<&str> = None;
    for (oi, o) in t.objects.iter().enumerate() {
        let name = v.str(o.name)?;
        if prev.is_some_and(|p| p >= name) {
            return Err(invalid(format!("objects not sorted by name at `{name}`")));
        }
        prev = Some(name);
        let end = (o.fields_start as usize).checked_add(o.fields_len as usize);
        if end.is_none_or(|e| e > t.fields.len()) {
            return Err(invalid(format!(
                "object `{name}`: field range out of bounds"
            )));
        }
        let mut prev_f: Option<&str> = None;
        for f in t.object_fields(o) {
            let fname = v.str(f.name)?;
            if f.object.ix() != oi {
                return Err(invalid(format!(
                    "field `{fname}` listed under the wrong object"
                )));
            }
            if prev_f.is_some_and(|p| p >= fname) {
                return Err(invalid(format!(
                    "object `{name}`: fields not sorted at `{fname}`"
                )));
            }
            prev_f = Some(fname);
        }
        for r in &o.relations {
            v.str(r.name)?;
            v.field_of(r.via, ObjectIx(oi as u32), "relation")?;
            v.object(r.target)?;
        }
    }
    for (ix, f) in t.fields.iter().enumerate() {
        let fname = v.str(f.name)?;
        let o = v.object(f.object)?;
        if o.local(FieldIx(ix as u32)).is_none() {
            return Err(invalid("a field lies outside its object's range"));
        }
        if !f.values.is_empty() && !matches!(f.ty, TypeTag::Picklist | TypeTag::Multipicklist) {
            return Err(invalid(format!(
                "field `{fname}`: allowed values on a {} field",
                f.ty.as_str()
            )));
        }
        let mut prev: Option<&str> = None;
        for id in &f.values {
            let x = v.str(*id)?;
            if prev.is_some_and(|p| p >= x) {
                return Err(invalid(format!(
                    "field `{fname}`: allowed values not sorted and unique"
                )));
            }
            prev = Some(x);
        }
    }
    for set in &t.sets {
        let mut prev: Option<&str> = None;
        for s in &set.strs {
            let x = v.str(*s)?;
            if prev.is_some_and(|p| p >= x) {
                return Err(invalid("set strings not sorted"));
            }
            prev = Some(x);
        }
        if set.nums.iter().any(|n| !n.is_finite())
            || set.nums.windows(2).any(|w| matches!(w, [a, b] if a >= b))
        {
            return Err(invalid("set numbers not sorted"));
        }
    }
    for c in &t.contracts {
        let cname = v.str(c.name)?;
        let what = format!("contract `{cname}`");
        let o = c.object;
        v.object(o)?;
        if let Some(n) = c.actor_name {
            v.str(n)?;
        }
        for tr in &c.triggers {
            match tr {
                Trigger::Update(Some(fs)) => {
                    for f in fs {
                        v.field_of(*f, o, &what)?;
                    }
                }
                Trigger::Of {
                    object,
                    event,
                    fields,
                } => {
                    v.object(*object)?;
                    // the compiler writes the contract's own object's events
                    // as `create`/`update`/`delete`: a cause naming it never
                    // matches an `of` trigger, so such a row is crafted
                    if *object == o {
                        return Err(invalid(format!(
                            "{what}: an `of` trigger names the contract's own object"
                        )));
                    }
                    match (event, fields) {
                        (_, None) => {}
                        (Event::Update, Some(fs)) if !fs.is_empty() => {
                            for f in fs {
                                v.field_of(*f, *object, &what)?;
                            }
                        }
                        _ => {
                            return Err(invalid(format!(
                                "{what}: an `of` trigger lists fields but is not a non-empty update"
                            )))
                        }
                    }
                }
                Trigger::Signal(s) => {
                    v.str(*s)?;
                }
                Trigger::Schedule(s) => {
                    if let Some(s) = s {
                        v.str(*s)?;
                    }
                }
                Trigger::Create | Trigger::Delete | Trigger::Update(None) => {}
            }
        }
        for x in [c.auto_at, c.review_at].into_iter().flatten() {
            if !(0.0..=1.0).contains(&x) {
                return Err(invalid(format!(
                    "{what}: confidence threshold {x} is not between 0 and 1"
                )));
            }
        }
        if let Some(e) = c.eligible {
            v.cond(e, o, &what)?;
        }
        for x in &c.exclusions {
            if let Some(n) = x.name {
                v.str(n)?;
            }
            v.cond(x.when, o, &what)?;
        }
        let mut prev: Option<FieldIx> = None;
        for fr in &c.field_rules {
            v.field_of(fr.field, o, &what)?;
            if prev.is_some_and(|p| p >= fr.field) {
                return Err(invalid(format!("{what}: field rules not sorted")));
            }
            prev = Some(fr.field);
            v.rules(&fr.rules, o, &what)?;
        }
        if let Some(star) = &c.star {
            v.rules(star, o, &what)?;
        }
        for r in c.review_route.iter().chain(c.escalate_route.iter()) {
            v.approver(&r.approver)?;
        }
        for req in &c.require {
            v.approver(&req.approver)?;
            if let Some(w) = req.when {
                v.cond(w, o, &what)?;
            }
        }
        if let Some(rb) = &c.rollback {
            if let Some(k) = rb.keep_text {
                v.str(k)?;
            }
            for a in &rb.notify {
                v.approver(a)?;
            }
        }
        // A crafted rate of 0 (or above 100%) would be a sample clause that
        // samples nothing, or a number no compiler writes.
        let rates = c
            .sample
            .all
            .iter()
            .chain(c.sample.fields.iter().map(|s| &s.rate));
        for &r in rates {
            if !(1..=crate::sample::SCALE).contains(&r) {
                return Err(invalid(format!(
                    "{what}: sample rate {r} is not between 1 and {} (hundredths of a percent)",
                    crate::sample::SCALE
                )));
            }
        }
        let mut prev: Option<FieldIx> = None;
        for s in &c.sample.fields {
            v.field_of(s.field, o, &what)?;
            if prev.is_some_and(|p| p >= s.field) {
                return Err(invalid(format!("{what}: sampled fields not sorted")));
            }
            prev = Some(s.field);
        }
    }
    guardrails(&v)?;
    // The evaluator only looks at the contracts the index lists: an index
    // that dropped one would silently drop its exclusions and caps.
    if t.index != expected_index(t) {
        return Err(invalid(
            "the per-event contract index does not match the contracts' objects and triggers",
        ));
    }
    Ok(())
}

/// Guardrails: names unique and sorted, ids in range, conditions on the
/// guardrail's object, floors sorted by field and unique, fields of that
/// object, and no floor of `auto` (a floor that raises nothing is no row a
/// compiler writes).
fn guardrails(v: &V<'_>) -> Result<(), LoadError> {
    let mut prev: Option<&str> = None;
    for g in &v.t.guardrails {
        let name = v.str(g.name)?;
        if prev.is_some_and(|p| p >= name) {
            return Err(invalid(format!(
                "guardrails not sorted by name at `{name}`"
            )));
        }
        prev = Some(name);
        let what = format!("guardrail `{name}`");
        v.object(g.object)?;
        if let Some(n) = g.actor_name {
            v.str(n)?;
        }
        if let Some(r) = g.reason {
            v.str(r)?;
        }
        if let Some(w) = g.when {
            v.cond(w, g.object, &what)?;
        }
        let mut prev_f: Option<FieldIx> = None;
        for f in &g.floors {
            v.field_of(f.field, g.object, &what)?;
            if prev_f.is_some_and(|p| p >= f.field) {
                return Err(invalid(format!("{what}: floors not sorted by field")));
            }
            prev_f = Some(f.field);
        }
        let outcomes = g.floors.iter().map(|f| f.outcome).chain(g.star);
        if outcomes.clone().any(|o| o == Outcome::Auto) {
            return Err(invalid(format!("{what}: a floor of `auto`")));
        }
        if g.floors.is_empty() && g.star.is_none() {
            return Err(invalid(format!("{what}: no floors")));
        }
    }
    Ok(())
}
