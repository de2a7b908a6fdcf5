//! The encoding of the table's rows: ids, enums (one-byte tags), structs
//! (their fields in order), conditions, approvers and triggers.

use super::wire::{bad_tag, Reader, Wire};
use super::LoadError;
use crate::table::*;

macro_rules! wire_id {
    ($($t:ident),*) => {$(
        impl Wire for $t {
            fn put(&self, w: &mut Vec<u8>) { self.0.put(w) }
            fn get(r: &mut Reader<'_>) -> Result<$t, LoadError> { Ok($t(u32::get(r)?)) }
        }
    )*};
}
wire_id!(StrId, ObjectIx, FieldIx, ContractIx, SetIx);

macro_rules! wire_struct {
    ($t:ident { $($f:ident),* $(,)? }) => {
        impl Wire for $t {
            fn put(&self, w: &mut Vec<u8>) { $(self.$f.put(w);)* }
            fn get(r: &mut Reader<'_>) -> Result<$t, LoadError> {
                Ok($t { $($f: Wire::get(r)?,)* })
            }
        }
    };
}

macro_rules! wire_unit_enum {
    ($t:ident, $what:literal, [$($v:ident),* $(,)?]) => {
        impl Wire for $t {
            fn put(&self, w: &mut Vec<u8>) { w.push(*self as u8) }
            fn get(r: &mut Reader<'_>) -> Result<$t, LoadError> {
                const ALL: &[$t] = &[$($t::$v),*];
                let tag = r.byte()?;
                ALL.get(usize::from(tag)).copied().ok_or_else(|| bad_tag($what, tag))
            }
        }
    };
}

wire_unit_enum!(Outcome, "outcome", [Auto, Review, Escalate, Suggest, Never]);
wire_unit_enum!(ActorKind, "actor kind", [Ai, Integration, Human]);
wire_unit_enum!(Event, "event", [Create, Update, Delete]);
wire_unit_enum!(
    Mode,
    "mode",
    [ReadOnly, Draft, ConditionalWrite, AutomatedWrite]
);
wire_unit_enum!(CmpOp, "comparison", [Eq, Ne, Lt, Le, Gt, Ge]);
wire_unit_enum!(
    TypeTag,
    "type",
    [
        Id,
        String,
        Email,
        Phone,
        Url,
        Bool,
        Int,
        Number,
        Currency,
        Percent,
        Date,
        Datetime,
        Picklist,
        Multipicklist,
        Ref
    ]
);
wire_unit_enum!(
    AuditField,
    "audit field",
    [
        RecordId, Contract, Version, Trigger, Field, OldValue, NewValue, Source, Confidence,
        Timestamp, Actor, Outcome, Reasons
    ]
);

wire_struct!(CondRange { start, len });
wire_struct!(ObjectRow {
    name,
    fields_start,
    fields_len,
    relations
});
wire_struct!(RelationRow { name, via, target });
wire_struct!(FieldRow {
    object,
    name,
    ty,
    readonly,
    protected,
    sensitive,
    values
});
wire_struct!(InSet { strs, nums, other });
wire_struct!(ExclusionRow { name, when });
wire_struct!(RuleRow {
    outcome,
    route,
    when,
    position
});
wire_struct!(FieldRules { field, rules });
wire_struct!(Route { approver, within });
wire_struct!(Requirement { approver, when });
wire_struct!(RollbackRow {
    keep_secs,
    keep_text,
    notify
});
wire_struct!(FieldSample { field, rate });
wire_struct!(SampleRow { all, fields });
wire_struct!(FieldFloor { field, outcome });
wire_struct!(GuardrailRow {
    name,
    object,
    actor_kind,
    actor_name,
    when,
    floors,
    star,
    reason
});
wire_struct!(ContractRow {
    name,
    version,
    object,
    actor_kind,
    actor_name,
    mode,
    triggers,
    eligible,
    exclusions,
    auto_at,
    review_at,
    field_rules,
    star,
    review_route,
    escalate_route,
    require,
    audit,
    rollback,
    sample
});

impl Wire for Const {
    fn put(&self, w: &mut Vec<u8>) {
        match self {
            Const::Str(s) => {
                w.push(0);
                s.put(w);
            }
            Const::Num(n) => {
                w.push(1);
                n.put(w);
            }
            Const::Bool(b) => {
                w.push(2);
                b.put(w);
            }
            Const::Date(d) => {
                w.push(3);
                d.put(w);
            }
            Const::Datetime(d) => {
                w.push(4);
                d.put(w);
            }
            Const::Event(e) => {
                w.push(5);
                e.put(w);
            }
        }
    }
    fn get(r: &mut Reader<'_>) -> Result<Const, LoadError> {
        Ok(match r.byte()? {
            0 => Const::Str(Wire::get(r)?),
            1 => Const::Num(Wire::get(r)?),
            2 => Const::Bool(Wire::get(r)?),
            3 => Const::Date(Wire::get(r)?),
            4 => Const::Datetime(Wire::get(r)?),
            5 => Const::Event(Wire::get(r)?),
            t => return Err(bad_tag("constant", t)),
        })
    }
}

impl Wire for Approver {
    fn put(&self, w: &mut Vec<u8>) {
        match self {
            Approver::RecordOwner => w.push(0),
            Approver::Role(s) => {
                w.push(1);
                s.put(w);
            }
            Approver::User(s) => {
                w.push(2);
                s.put(w);
            }
            Approver::Queue(s) => {
                w.push(3);
                s.put(w);
            }
        }
    }
    fn get(r: &mut Reader<'_>) -> Result<Approver, LoadError> {
        Ok(match r.byte()? {
            0 => Approver::RecordOwner,
            1 => Approver::Role(Wire::get(r)?),
            2 => Approver::User(Wire::get(r)?),
            3 => Approver::Queue(Wire::get(r)?),
            t => return Err(bad_tag("approver", t)),
        })
    }
}

impl Wire for Trigger {
    fn put(&self, w: &mut Vec<u8>) {
        match self {
            Trigger::Create => w.push(0),
            Trigger::Update(fs) => {
                w.push(1);
                fs.put(w);
            }
            Trigger::Delete => w.push(2),
            Trigger::Of {
                object,
                event,
                fields,
            } => {
                w.push(3);
                object.put(w);
                event.put(w);
                fields.put(w);
            }
            Trigger::Signal(s) => {
                w.push(4);
                s.put(w);
            }
            Trigger::Schedule(s) => {
                w.push(5);
                s.put(w);
            }
        }
    }
    fn get(r: &mut Reader<'_>) -> Result<Trigger, LoadError> {
        Ok(match r.byte()? {
            0 => Trigger::Create,
            1 => Trigger::Update(Wire::get(r)?),
            2 => Trigger::Delete,
            3 => Trigger::Of {
                object: Wire::get(r)?,
                event: Wire::get(r)?,
                fields: Wire::get(r)?,
            },
            4 => Trigger::Signal(Wire::get(r)?),
            5 => Trigger::Schedule(Wire::get(r)?),
            t => return Err(bad_tag("trigger", t)),
        })
    }
}

impl Wire for Subject {
    fn put(&self, w: &mut Vec<u8>) {
        match self {
            Subject::Field(f) => {
                w.push(0);
                f.put(w);
            }
            Subject::New(f) => {
                w.push(1);
                f.put(w);
            }
            Subject::Parent { relation, field } => {
                w.push(2);
                relation.put(w);
                field.put(w);
            }
            Subject::Confidence => w.push(3),
            Subject::Source => w.push(4),
            Subject::Event => w.push(5),
            Subject::HistSource(f) => {
                w.push(6);
                f.put(w);
            }
        }
    }
    fn get(r: &mut Reader<'_>) -> Result<Subject, LoadError> {
        Ok(match r.byte()? {
            0 => Subject::Field(Wire::get(r)?),
            1 => Subject::New(Wire::get(r)?),
            2 => Subject::Parent {
                relation: Wire::get(r)?,
                field: Wire::get(r)?,
            },
            3 => Subject::Confidence,
            4 => Subject::Source,
            5 => Subject::Event,
            6 => Subject::HistSource(Wire::get(r)?),
            t => return Err(bad_tag("subject", t)),
        })
    }
}

impl Wire for Test {
    fn put(&self, w: &mut Vec<u8>) {
        match self {
            Test::Cmp(op, c) => {
                w.push(0);
                op.put(w);
                c.put(w);
            }
            Test::In { set, negated } => {
                w.push(1);
                set.put(w);
                negated.put(w);
            }
            Test::IsEmpty => w.push(2),
            Test::IsSet => w.push(3),
            Test::IsTrue => w.push(4),
            Test::StartsWith(s) => {
                w.push(5);
                s.put(w);
            }
            Test::EndsWith(s) => {
                w.push(6);
                s.put(w);
            }
            Test::Contains(s) => {
                w.push(7);
                s.put(w);
            }
            Test::BeforeDaysAgo(n) => {
                w.push(8);
                n.put(w);
            }
            Test::AfterDaysAgo(n) => {
                w.push(9);
                n.put(w);
            }
        }
    }
    fn get(r: &mut Reader<'_>) -> Result<Test, LoadError> {
        Ok(match r.byte()? {
            0 => Test::Cmp(Wire::get(r)?, Wire::get(r)?),
            1 => Test::In {
                set: Wire::get(r)?,
                negated: Wire::get(r)?,
            },
            2 => Test::IsEmpty,
            3 => Test::IsSet,
            4 => Test::IsTrue,
            5 => Test::StartsWith(Wire::get(r)?),
            6 => Test::EndsWith(Wire::get(r)?),
            7 => Test::Contains(Wire::get(r)?),
            8 => Test::BeforeDaysAgo(Wire::get(r)?),
            9 => Test::AfterDaysAgo(Wire::get(r)?),
            t => return Err(bad_tag("test", t)),
        })
    }
}

impl Wire for Op {
    fn put(&self, w: &mut Vec<u8>) {
        match self {
            Op::True => w.push(0),
            Op::False => w.push(1),
            Op::And(n) => {
                w.push(2);
                n.put(w);
            }
            Op::Or(n) => {
                w.push(3);
                n.put(w);
            }
            Op::Not => w.push(4),
            Op::Changed(f) => {
                w.push(5);
                f.put(w);
            }
            Op::Atom(s, t) => {
                w.push(6);
                s.put(w);
                t.put(w);
            }
            Op::SetBy {
                field,
                kind,
                name,
                within,
            } => {
                w.push(7);
                field.put(w);
                kind.put(w);
                name.put(w);
                within.put(w);
            }
        }
    }
    fn get(r: &mut Reader<'_>) -> Result<Op, LoadError> {
        Ok(match r.byte()? {
            0 => Op::True,
            1 => Op::False,
            2 => Op::And(Wire::get(r)?),
            3 => Op::Or(Wire::get(r)?),
            4 => Op::Not,
            5 => Op::Changed(Wire::get(r)?),
            6 => Op::Atom(Wire::get(r)?, Wire::get(r)?),
            7 => Op::SetBy {
                field: Wire::get(r)?,
                kind: Wire::get(r)?,
                name: Wire::get(r)?,
                within: Wire::get(r)?,
            },
            t => return Err(bad_tag("op", t)),
        })
    }
}
