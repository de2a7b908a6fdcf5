//! Whether a contract's trigger matches the mutation's cause: the
//! `"trigger"` it carries, else the write itself (its event, and on update
//! the fields it changes). Written from language-v1 §5.3 step 1 and the
//! README's causes section, not from the evaluator's index.

use super::*;
use crmc_eval::Cause;

impl World<'_, '_> {
    pub(super) fn triggered(&self, c: &Contract) -> bool {
        c.triggers.iter().any(|t| self.matches(c.object, t))
    }

    fn matches(&self, own: ObjectId, t: &Trigger) -> bool {
        let schema = &self.unit.schema;
        let cause = self.m.cause();
        // the cause as (object, event, changed field names)
        let (object, event, fields): (&str, Event, Vec<&str>) = match cause {
            None => (
                &schema.object(own).name,
                self.event,
                self.m.changes().keys().map(String::as_str).collect(),
            ),
            Some(Cause::Record {
                object,
                event,
                fields,
            }) => (
                object.as_deref().unwrap_or(&schema.object(own).name),
                *event,
                fields.iter().map(String::as_str).collect(),
            ),
            Some(Cause::Signal(n)) => return matches!(t, Trigger::Signal(s) if s == n),
            Some(Cause::Schedule(n)) => {
                return match t {
                    Trigger::Schedule(None) => true,
                    Trigger::Schedule(Some(s)) => n.as_deref() == Some(s.as_str()),
                    _ => false,
                }
            }
        };
        let lists = |fs: &Option<Vec<FieldId>>| match fs {
            None => true,
            Some(fs) => fs
                .iter()
                .any(|f| fields.contains(&schema.field(*f).name.as_str())),
        };
        let (t_object, t_event, t_fields) = match t {
            Trigger::Create => (own, Event::Create, &None),
            Trigger::Delete => (own, Event::Delete, &None),
            Trigger::Update(fs) => (own, Event::Update, fs),
            Trigger::Of {
                object,
                event,
                fields,
            } => (*object, *event, fields),
            Trigger::Signal(_) | Trigger::Schedule(_) => return false,
        };
        schema.object(t_object).name == object && t_event == event && lists(t_fields)
    }
}
