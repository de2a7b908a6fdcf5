//! The checked unit: every name resolved, every literal typed. Code after the
//! checker (analyzer, compiler, reference interpreter, test runner) reads
//! only this and never re-checks. Invariant: a [`CheckedUnit`] exists only
//! when the checker reported no errors.
//!
//! Semantics shared by every consumer (language-v1 §5):
//! - A value is *empty* when it is `null` or absent. Any comparison,
//!   membership, string or date test on an empty value is false; only
//!   `IsEmpty` / `IsSet` ask about emptiness.
//! - `Subject::Field(f)` is the record's current value; `Subject::New(f)` is
//!   the proposed value when the mutation changes `f`, else the current value.
//! - `Cond::SetBy` and `Subject::HistSource` read the mutation's `history`
//!   (who last wrote a field, when, from where): unknown for a field it
//!   does not list, except on create (never written).
//! - Evaluators with incomplete input use three-valued logic (a record field
//!   or parent the input does not carry is *unknown*, as is a missing
//!   `source`); an unknown condition never makes a decision more permissive.
//!   The analyzer reasons about complete inputs only.

use crate::decimal::Decimal;
use crate::span::Span;
pub use crate::syntax::ast::{ActorKind, CmpOp, DurationUnit, Mode, Outcome};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct ObjectId(pub u32);

/// A field of an object: `schema.objects[object].fields[index]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct FieldId {
    pub object: ObjectId,
    pub index: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct ContractId(pub u32);

#[derive(Clone, Debug, Default)]
pub struct CheckedUnit {
    pub schema: Schema,
    /// Named exclusions, by name order.
    pub exclusions: Vec<NamedExclusion>,
    /// Contracts in a deterministic order (by name).
    pub contracts: Vec<Contract>,
    /// Guardrails by name.
    pub guardrails: Vec<Guardrail>,
    pub tests: Vec<TestCase>,
}

// ---------------------------------------------------------------- schema

#[derive(Clone, Debug, Default)]
pub struct Schema {
    /// Objects sorted by name; `ObjectId` indexes this.
    pub objects: Vec<Object>,
}

impl Schema {
    pub fn object(&self, id: ObjectId) -> &Object {
        &self.objects[id.0 as usize]
    }
    pub fn field(&self, id: FieldId) -> &Field {
        &self.object(id.object).fields[id.index as usize]
    }
    pub fn object_by_name(&self, name: &str) -> Option<ObjectId> {
        self.objects
            .iter()
            .position(|o| o.name == name)
            .map(|i| ObjectId(i as u32))
    }
    pub fn field_by_name(&self, object: ObjectId, name: &str) -> Option<FieldId> {
        self.object(object)
            .fields
            .iter()
            .position(|f| f.name == name)
            .map(|i| FieldId {
                object,
                index: i as u32,
            })
    }
    /// `Account.Type` style lookups: the parent relationships of an object.
    pub fn relation(&self, object: ObjectId, relation: &str) -> Option<&Relation> {
        self.object(object)
            .relations
            .iter()
            .find(|r| r.name == relation)
    }
}

#[derive(Clone, Debug)]
pub struct Object {
    pub name: String,
    /// Fields sorted by name; `FieldId::index` indexes this.
    pub fields: Vec<Field>,
    /// Parent lookups usable in conditions (`Account` from `AccountId: ref(Account)`).
    pub relations: Vec<Relation>,
    /// Where the object was first declared.
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Field {
    pub name: String,
    pub ty: FieldType,
    /// A percent field's scale (`Some` exactly when `ty` is `Percent`): how
    /// the CRM stores 5 %, as 5 or as 0.05. Literals are lowered to it.
    pub percent_scale: Option<PercentScale>,
    pub readonly: bool,
    pub protected: bool,
    pub sensitive: bool,
    pub span: Span,
}

/// A parent relationship: conditions may read `name.Field` from `target`.
#[derive(Clone, Debug)]
pub struct Relation {
    /// `Account` (the ref field's name without a trailing `Id`).
    pub name: String,
    /// The ref field on the child (`AccountId`).
    pub via: FieldId,
    pub target: ObjectId,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldType {
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
    Picklist(Vec<String>),
    Multipicklist(Vec<String>),
    /// Target object names (several for polymorphic refs); values are ids.
    Ref(Vec<String>),
}

impl FieldType {
    /// Values compared as text (`starts with` etc. apply to these).
    pub fn is_text(&self) -> bool {
        matches!(
            self,
            FieldType::String | FieldType::Email | FieldType::Phone | FieldType::Url
        )
    }
    pub fn is_numeric(&self) -> bool {
        matches!(
            self,
            FieldType::Int | FieldType::Number | FieldType::Currency | FieldType::Percent
        )
    }
    pub fn is_temporal(&self) -> bool {
        matches!(self, FieldType::Date | FieldType::Datetime)
    }
    pub fn name(&self) -> &'static str {
        match self {
            FieldType::Id => "id",
            FieldType::String => "string",
            FieldType::Email => "email",
            FieldType::Phone => "phone",
            FieldType::Url => "url",
            FieldType::Bool => "bool",
            FieldType::Int => "int",
            FieldType::Number => "number",
            FieldType::Currency => "currency",
            FieldType::Percent => "percent",
            FieldType::Date => "date",
            FieldType::Datetime => "datetime",
            FieldType::Picklist(_) => "picklist",
            FieldType::Multipicklist(_) => "multipicklist",
            FieldType::Ref(_) => "ref",
        }
    }
}

// ---------------------------------------------------------------- values and conditions

/// A typed constant from the source.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Value {
    /// Text of a string, email, phone, url, id, ref or picklist field.
    Str(String),
    /// int, number, currency, percent (a percent on its field's scale: `80%`
    /// is 80 on `percent(0..100)`, 0.8 on `percent(0..1)` and on `number`).
    Num(Decimal),
    Bool(bool),
    /// A date, as days since 1970-01-01.
    Date(i64),
    /// A datetime, as seconds since 1970-01-01T00:00:00Z.
    Datetime(i64),
    /// The value of `event`.
    Event(Event),
}

pub use crate::syntax::ast::PercentScale;

/// The mutation's event (the table format's type).
pub use crmc_eval::table::Event;

/// What an atom reads.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Subject {
    /// The record's current value of a field.
    Field(FieldId),
    /// `new F`: the proposed value if changed, else the current value.
    New(FieldId),
    /// `Account.Type`: a field of a parent record reached through `relation`
    /// (a relation name of the contract's object).
    Parent { relation: String, field: FieldId },
    /// The mutation's confidence, a number in 0..=1.
    Confidence,
    /// The mutation's source string.
    Source,
    /// The mutation's event.
    Event,
    /// `source of F`: where the field's last write came from (the
    /// mutation's `history`).
    HistSource(FieldId),
}

/// A test on one subject.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Test {
    Cmp(CmpOp, Value),
    /// `in (...)` (negated: `not in`); false on an empty value either way.
    In {
        values: Vec<Value>,
        negated: bool,
    },
    IsEmpty,
    IsSet,
    /// A bare bool: `F == true`.
    IsTrue,
    StartsWith(String),
    EndsWith(String),
    /// On text: substring. On a multipicklist: has that item.
    Contains(String),
    /// `F before N days ago`: F < at - N days.
    BeforeDaysAgo(i64),
    /// `F after N days ago`: F > at - N days.
    AfterDaysAgo(i64),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Cond {
    True,
    False,
    And(Vec<Cond>),
    Or(Vec<Cond>),
    Not(Box<Cond>),
    Atom {
        subject: Subject,
        test: Test,
        span: Span,
    },
    /// `changed(F)`: the mutation's changes include F.
    Changed {
        field: FieldId,
        span: Span,
    },
    /// `F set by KIND ["name"] [within N]`: the field's last write (the
    /// mutation's `history`) was by such an actor, at most `within`
    /// seconds before the mutation's `at`. Unknown when the history does
    /// not say (on update and delete); false when the field was never
    /// written.
    SetBy {
        field: FieldId,
        kind: ActorKind,
        /// `None`: any name of the kind.
        name: Option<String>,
        within: Option<i64>,
        span: Span,
    },
}

// ---------------------------------------------------------------- contracts

#[derive(Clone, Debug)]
pub struct NamedExclusion {
    pub name: String,
    pub object: ObjectId,
    pub when: Cond,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Contract {
    pub name: String,
    pub name_span: Span,
    /// The whole `contract ... { }` block.
    pub span: Span,
    pub version: u32,
    pub object: ObjectId,
    pub actor: Actor,
    pub owner: Option<String>,
    pub mode: Mode,
    pub triggers: Vec<Trigger>,
    pub trigger_span: Span,
    /// `None`: every record is eligible.
    pub eligible: Option<Cond>,
    pub eligible_span: Option<Span>,
    pub exclusions: Vec<Exclusion>,
    pub confidence: Thresholds,
    /// Field lines in source order (never `*`; that is [`Contract::star`]).
    pub fields: Vec<FieldRules>,
    pub star: Option<StarRules>,
    pub fields_span: Span,
    pub approval: Approval,
    /// `None`: no `audit` clause.
    pub audit: Option<Audit>,
    pub rollback: Option<Rollback>,
    pub metrics: Vec<Metric>,
    pub sample: Sample,
}

impl Contract {
    pub fn rules_for(&self, field: FieldId) -> Option<&FieldRules> {
        self.fields.iter().find(|f| f.field == field)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub kind: ActorKind,
    /// `None` for `"*"` (any name).
    pub name: Option<String>,
    pub span: Span,
}

impl Actor {
    pub fn matches(&self, kind: ActorKind, name: &str) -> bool {
        self.kind == kind && self.name.as_deref().is_none_or(|n| n == name)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Trigger {
    Create,
    /// `update` (any change) or `update(F, ...)` (a change to one of these).
    Update(Option<Vec<FieldId>>),
    Delete,
    /// An event of another object (`create of Task`, `update(Status) of
    /// Task`): `fields` only on update, fields of `object`. A trigger
    /// naming the contract's own object is one of the three above.
    Of {
        object: ObjectId,
        event: Event,
        fields: Option<Vec<FieldId>>,
    },
    /// `signal "prospect_sourced"`.
    Signal(String),
    /// `schedule` (any scheduled run) or `schedule "nightly"`.
    Schedule(Option<String>),
}

impl Trigger {
    /// The trigger as `trigger on` writes it (`update(Email, Company)`,
    /// `create of Task`, `signal "prospect_sourced"`).
    pub fn text(&self, schema: &Schema) -> String {
        let list = |fs: &Option<Vec<FieldId>>| match fs {
            None => String::new(),
            Some(fs) => format!(
                "({})",
                fs.iter()
                    .map(|f| schema.field(*f).name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let quoted = crate::fmt::exprs::string;
        match self {
            Trigger::Create => "create".into(),
            Trigger::Delete => "delete".into(),
            Trigger::Update(fs) => format!("update{}", list(fs)),
            Trigger::Of {
                object,
                event,
                fields,
            } => format!(
                "{}{} of {}",
                event.as_str(),
                list(fields),
                schema.object(*object).name
            ),
            Trigger::Signal(n) => format!("signal {}", quoted(n)),
            Trigger::Schedule(None) => "schedule".into(),
            Trigger::Schedule(Some(n)) => format!("schedule {}", quoted(n)),
        }
    }

    /// Whether a write of the contract's own object can start it (a
    /// record event of that object, not another object's, a signal or a
    /// schedule).
    pub fn own_event(&self) -> bool {
        matches!(self, Trigger::Create | Trigger::Update(_) | Trigger::Delete)
    }
}

#[derive(Clone, Debug)]
pub struct Exclusion {
    /// The named exclusion used, or `None` for an inline `exclude when`.
    pub name: Option<String>,
    pub when: Cond,
    /// The `exclude ...` clause.
    pub span: Span,
}

#[derive(Clone, Debug, Default)]
pub struct Thresholds {
    /// `auto at least X`: below it, at least `review`.
    pub auto: Option<(Decimal, Span)>,
    /// `review at least X`: below it, `never`.
    pub review: Option<(Decimal, Span)>,
}

#[derive(Clone, Debug)]
pub struct FieldRules {
    pub field: FieldId,
    pub rules: Vec<Rule>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct StarRules {
    pub rules: Vec<Rule>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Rule {
    pub outcome: Outcome,
    /// `review by WHO` / `escalate to WHO`, overriding the approval block.
    pub route: Option<Approver>,
    /// `None`: always holds.
    pub when: Option<Cond>,
    /// 1-based position in its line; rules are named `Field#n` (`*#n`).
    pub position: u32,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Approver {
    RecordOwner,
    Role(String),
    User(String),
    Queue(String),
}

impl std::fmt::Display for Approver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Approver::RecordOwner => write!(f, "record.owner"),
            Approver::Role(r) => write!(f, "role:{r}"),
            Approver::User(u) => write!(f, "user:{u}"),
            Approver::Queue(q) => write!(f, "queue:{q}"),
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Approval {
    /// Route for `review` outcomes.
    pub review: Option<Route>,
    /// Route for `escalate` outcomes.
    pub escalate: Option<Route>,
    /// Extra approvals required whenever the write needs any approval and `when` holds.
    pub require: Vec<Requirement>,
    pub span: Option<Span>,
}

/// Seconds as the largest whole unit the language writes (`48h`, `90d`).
/// Hours below a week, as approval deadlines are written (`24h`, `48h`).
pub fn duration_text(secs: u64) -> String {
    let week = 7 * 86_400;
    if secs >= week && secs.is_multiple_of(86_400) {
        return format!("{}d", secs / 86_400);
    }
    for (per, unit) in [(3_600, "h"), (60, "m")] {
        if secs >= per && secs.is_multiple_of(per) {
            return format!("{}{unit}", secs / per);
        }
    }
    format!("{secs}s")
}

#[derive(Clone, Debug)]
pub struct Route {
    pub approver: Approver,
    /// Seconds.
    pub within: Option<u64>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Requirement {
    pub approver: Approver,
    pub when: Option<Cond>,
    pub span: Span,
}

/// The fixed vocabulary of audit fields (shared with the table format).
pub use crmc_eval::table::AuditField;

#[derive(Clone, Debug)]
pub struct Audit {
    pub fields: Vec<AuditField>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Rollback {
    /// Seconds to keep previous values.
    pub keep: Option<u64>,
    /// As written (`90d`), for output.
    pub keep_text: Option<String>,
    pub notify: Vec<Approver>,
    pub span: Span,
}

/// A contract's `sample` clauses: the share of its `auto` writes that goes
/// to review, in hundredths of a percent (`5%` is 500; 1 to
/// [`SAMPLE_SCALE`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sample {
    /// `sample N% for review`: every field no `of` list names, and a delete.
    pub all: Option<u16>,
    /// `sample N% of F, ... for review`, one entry per field.
    pub fields: Vec<(FieldId, u16)>,
    /// The clauses, in source order.
    pub spans: Vec<Span>,
}

/// A sample rate's unit: 10 000 is 100%.
pub const SAMPLE_SCALE: u16 = 10_000;

impl Sample {
    /// The rate for a changed field (`None`: the record, on a delete).
    pub fn rate(&self, field: Option<FieldId>) -> Option<u16> {
        field
            .and_then(|f| self.fields.iter().find(|(g, _)| *g == f).map(|(_, r)| *r))
            .or(self.all)
    }

    pub fn is_empty(&self) -> bool {
        self.all.is_none() && self.fields.is_empty()
    }

    /// `5%`, `2.5%`, `0.01%`.
    pub fn percent_text(rate: u16) -> String {
        let (whole, frac) = (rate / 100, rate % 100);
        match frac {
            0 => format!("{whole}%"),
            f if f.is_multiple_of(10) => format!("{whole}.{}%", f / 10),
            f => format!("{whole}.{f:02}%"),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Metric {
    pub name: String,
    pub target: Decimal,
    pub span: Span,
}

// ---------------------------------------------------------------- guardrails

/// `guardrail NAME { ... }`: wherever it applies (its object, an actor it
/// matches, `when` not false), each changed field a contract governs ends
/// at least at the field's floor. It never governs a write no contract
/// governs and never lowers an outcome.
#[derive(Clone, Debug)]
pub struct Guardrail {
    pub name: String,
    pub name_span: Span,
    /// The whole block.
    pub span: Span,
    pub object: ObjectId,
    pub actor: Actor,
    /// `None`: wherever object and actor match.
    pub when: Option<Cond>,
    /// One floor per listed field (never `auto`), in source order.
    pub floors: Vec<(FieldId, Outcome, Span)>,
    /// `*: at least X`: every other field, and the record on a delete.
    pub star: Option<(Outcome, Span)>,
    pub reason: Option<String>,
}

impl Guardrail {
    /// The floor for a changed field (`None`: the record, on a delete).
    pub fn floor(&self, field: Option<FieldId>) -> Option<Outcome> {
        field
            .and_then(|f| self.floors.iter().find(|(g, _, _)| *g == f))
            .map(|(_, o, _)| *o)
            .or(self.star.map(|(o, _)| o))
    }

    /// Whether it applies to every write contract actor `a` may make:
    /// its kind, and `"*"` or the contract's own name (`name`: the name
    /// in effect for a `"*"` contract, `None` for a name no guardrail uses).
    pub fn covers(&self, a: &Actor, name: Option<&str>) -> bool {
        self.actor.kind == a.kind
            && match &self.actor.name {
                None => true,
                Some(n) => a.name.as_deref().or(name) == Some(n.as_str()),
            }
    }
}

// ---------------------------------------------------------------- tests

/// A checked `test` block: a complete mutation plus expectations.
#[derive(Clone, Debug)]
pub struct TestCase {
    pub name: String,
    pub span: Span,
    pub object: ObjectId,
    pub event: Event,
    pub actor_kind: ActorKind,
    pub actor_name: String,
    pub confidence: Option<Decimal>,
    pub source: Option<String>,
    /// RFC 3339 timestamp; the test runner supplies a fixed default when absent.
    pub at: Option<String>,
    /// Current record values (JSON values: null, bool, number, string).
    pub record: Vec<(FieldId, serde_json::Value)>,
    /// Parent records by relation name.
    pub parents: Vec<(String, Vec<(FieldId, serde_json::Value)>)>,
    pub changes: Vec<(FieldId, serde_json::Value)>,
    /// What started the automation, as the mutation's `"trigger"`; `None`:
    /// the write itself.
    pub cause: Option<serde_json::Value>,
    /// `history F ...` lines: the mutation's `"history"` (`None`: never
    /// written); empty: no history key.
    pub history: Vec<(FieldId, Option<HistoryEntry>)>,
    pub expect_overall: Option<(Outcome, Span)>,
    pub expect_fields: Vec<(FieldId, Outcome, Span)>,
}

/// A test's `history F by ...` line: the field's last write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryEntry {
    pub kind: ActorKind,
    pub name: String,
    /// RFC 3339; `None`: the mutation's own `at` (just before it).
    pub at: Option<String>,
    pub source: Option<String>,
}
