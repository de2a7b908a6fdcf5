//! The mutation seen through the schema: current, proposed and parent values.

use super::*;

pub(super) struct World<'u, 'm> {
    pub(super) unit: &'u CheckedUnit,
    pub(super) object: ObjectId,
    pub(super) m: &'m Mutation,
    pub(super) event: Event,
}

impl<'u, 'm> World<'u, 'm> {
    pub(super) fn name(&self, f: FieldId) -> &'u str {
        &self.unit.schema.field(f).name
    }

    /// On create, the record as it would be created: `record` overlaid
    /// with `changes`, a field in neither empty.
    pub(super) fn current(&self, f: FieldId) -> Reading<'m> {
        let ty = &self.unit.schema.field(f).ty;
        if self.event == Event::Create {
            if let Some(v) = self.m.changes().get(self.name(f)) {
                return read_field(ty, v);
            }
        }
        match self.m.record().get(self.name(f)) {
            Some(v) => read_field(ty, v),
            None if self.event == Event::Create => Reading::Empty,
            None => Reading::Missing,
        }
    }

    pub(super) fn changed(&self, f: FieldId) -> bool {
        self.m.changes().contains_key(self.name(f))
    }

    pub(super) fn proposed(&self, f: FieldId) -> Reading<'m> {
        match self.m.changes().get(self.name(f)) {
            Some(v) => read_field(&self.unit.schema.field(f).ty, v),
            None => self.current(f),
        }
    }

    pub(super) fn parent_given(&self, relation: &str) -> Option<&'m serde_json::Map<String, Json>> {
        self.m.parents().get(relation).and_then(Json::as_object)
    }

    pub(super) fn parent(&self, relation: &str, f: FieldId) -> Reading<'m> {
        if let Some(p) = self.parent_given(relation) {
            return match p.get(self.name(f)) {
                Some(v) => read_field(&self.unit.schema.field(f).ty, v),
                None => Reading::Missing,
            };
        }
        match self.unit.schema.relation(self.object, relation) {
            Some(rel) if self.lookup_given_empty(rel.via) => Reading::Empty,
            _ => Reading::Missing,
        }
    }

    /// Whether the input gives the lookup field `via` as empty: only that
    /// means "no parent". A create that leaves it out may have it derived
    /// by the CRM (Salesforce's Task.AccountId): its parent is unknown.
    pub(super) fn lookup_given_empty(&self, via: FieldId) -> bool {
        let given = self.m.record().contains_key(self.name(via))
            || (self.event == Event::Create && self.m.changes().contains_key(self.name(via)));
        given && self.subject(&Subject::Field(via)) == Reading::Empty
    }

    /// What the mutation's `history` says of field `f`'s last write:
    /// `None` unknown (not listed, on update or delete), `Some(None)` never
    /// written (`null`, or not listed on create), else the write.
    pub(super) fn last_write(&self, f: FieldId) -> Option<Option<&'m crmc_eval::LastWrite>> {
        match self.m.history().and_then(|h| h.get(self.name(f))) {
            Some(w) => Some(w.as_ref()),
            None if self.event == Event::Create => Some(None),
            None => None,
        }
    }

    /// `F set by KIND ["name"] [within N]`.
    fn set_by(
        &self,
        f: FieldId,
        kind: ActorKind,
        name: Option<&str>,
        within: Option<i64>,
    ) -> Truth {
        match self.last_write(f) {
            None => Truth::Maybe,
            Some(None) => Truth::No,
            Some(Some(w)) => Truth::of(
                w.actor.kind == kind
                    && name.is_none_or(|n| n == w.actor.name)
                    && within.is_none_or(|n| w.at >= self.m.at().saturating_sub(n)),
            ),
        }
    }

    pub(super) fn subject(&self, s: &Subject) -> Reading<'m> {
        match s {
            // On create there is no current record: conditions read the
            // record as it would be created (decisions 1).
            Subject::Field(f) if self.event == Event::Create => self.proposed(*f),
            Subject::Field(f) => self.current(*f),
            Subject::New(f) => self.proposed(*f),
            Subject::Parent { relation, field } => self.parent(relation, *field),
            Subject::Confidence => match self.m.confidence() {
                Some(c) => match serde_json::Number::from_f64(c).and_then(|n| Num::of_json(&n)) {
                    Some(n) => Reading::Known(Val::Number(n)),
                    None => Reading::Missing,
                },
                None => Reading::Missing,
            },
            Subject::Source => match &self.m.source() {
                Some(s) => Reading::Known(Val::Text((*s).into())),
                None => Reading::Missing,
            },
            Subject::Event => Reading::Known(Val::Event(self.event)),
            Subject::HistSource(f) => match self.last_write(*f) {
                None => Reading::Missing,
                Some(None) => Reading::Empty,
                Some(Some(w)) => match &w.source {
                    Some(s) => Reading::Known(Val::Text(s.as_str().into())),
                    None => Reading::Missing,
                },
            },
        }
    }

    pub(super) fn truth(&self, c: &Cond) -> Truth {
        match c {
            Cond::True => Truth::Yes,
            Cond::False => Truth::No,
            Cond::And(cs) => all(cs.iter().map(|c| self.truth(c))),
            Cond::Or(cs) => any(cs.iter().map(|c| self.truth(c))),
            Cond::Not(c) => not(self.truth(c)),
            Cond::Changed { field, .. } => Truth::of(self.changed(*field)),
            Cond::SetBy {
                field,
                kind,
                name,
                within,
                ..
            } => self.set_by(*field, *kind, name.as_deref(), *within),
            Cond::Atom { subject, test, .. } => apply(
                &self.folded(subject, test),
                &self.subject(subject),
                self.m.at(),
            ),
        }
    }

    /// The test as it applies to the subject: email and url literals
    /// lowercased, as their values are.
    fn folded(&self, s: &Subject, test: &Test) -> Test {
        let f = match s {
            Subject::Field(f) | Subject::New(f) | Subject::Parent { field: f, .. } => *f,
            _ => return test.clone(),
        };
        if !folds_case(&self.unit.schema.field(f).ty) {
            return test.clone();
        }
        let low = |c: &Const| match c {
            Const::Str(s) => Const::Str(s.to_lowercase()),
            other => other.clone(),
        };
        match test {
            Test::Cmp(op, c) => Test::Cmp(*op, low(c)),
            Test::In { values, negated } => Test::In {
                values: values.iter().map(low).collect(),
                negated: *negated,
            },
            Test::StartsWith(x) => Test::StartsWith(x.to_lowercase()),
            Test::EndsWith(x) => Test::EndsWith(x.to_lowercase()),
            Test::Contains(x) => Test::Contains(x.to_lowercase()),
            other => other.clone(),
        }
    }

    /// What the input lacks: one phrase per unknown atom, in source order.
    pub(super) fn lacking(&self, c: &Cond, out: &mut Vec<String>) {
        match c {
            Cond::And(cs) | Cond::Or(cs) => cs.iter().for_each(|c| self.lacking(c, out)),
            Cond::Not(c) => self.lacking(c, out),
            Cond::Atom { subject, test, .. } => {
                let r = self.subject(subject);
                if apply(&self.folded(subject, test), &r, self.m.at()) == Truth::Maybe {
                    let invalid = match r {
                        Reading::Invalid("picklist" | "multipicklist") => {
                            " (not one of the field's declared values)".to_string()
                        }
                        Reading::Invalid(t) => format!(" (not a valid {t})"),
                        _ => String::new(),
                    };
                    let phrase = match subject {
                        Subject::Field(f) => format!("record field `{}`{invalid}", self.name(*f)),
                        Subject::New(f) => format!("new value of `{}`{invalid}", self.name(*f)),
                        Subject::Parent { relation, field } => {
                            if self.parent_given(relation).is_some() {
                                format!("parent field `{relation}.{}`{invalid}", self.name(*field))
                            } else {
                                format!("parent `{relation}`")
                            }
                        }
                        Subject::Confidence => "`confidence`".to_string(),
                        Subject::Source => "`source`".to_string(),
                        Subject::Event => "`event`".to_string(),
                        Subject::HistSource(f) => match self.last_write(*f) {
                            Some(Some(_)) => format!(
                                "history of `{}` (its last write has no `source`)",
                                self.name(*f)
                            ),
                            _ => format!("history of `{}`", self.name(*f)),
                        },
                    };
                    if !out.contains(&phrase) {
                        out.push(phrase);
                    }
                }
            }
            Cond::SetBy {
                field,
                kind,
                name,
                within,
                ..
            } => {
                if self.set_by(*field, *kind, name.as_deref(), *within) == Truth::Maybe {
                    let phrase = format!("history of `{}`", self.name(*field));
                    if !out.contains(&phrase) {
                        out.push(phrase);
                    }
                }
            }
            Cond::True | Cond::False | Cond::Changed { .. } => {}
        }
    }

    pub(super) fn missing(&self, c: &Cond) -> String {
        let mut out = Vec::new();
        self.lacking(c, &mut out);
        out.join(", ")
    }
}
