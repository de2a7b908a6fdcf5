//! The decision table: the compiled, flat form of a unit's contracts.
//!
//! Everything is addressed by small newtype ids into `Vec`s owned by
//! [`Table`]; no pointers, no names at evaluation time. Strings are interned
//! in [`Table::strings`]. Conditions are postfix programs in one arena
//! ([`Table::ops`]), each named by a [`CondRange`].
//!
//! Invariants (checked by [`crate::codec`] on load, upheld by the compiler):
//! - objects are sorted by name, unique; each object's fields are the
//!   contiguous, name-sorted run `fields[fields_start .. fields_start + fields_len]`;
//! - every id is in range, every condition program is well formed (it never
//!   pops more than it pushed and leaves exactly one value);
//! - `index[o][k]` lists, in table order, exactly the contracts on object `o`
//!   with a trigger for cause kind `k` ([`CauseKind`]); a contract's
//!   `field_rules` are sorted by field;
//! - confidence thresholds are numbers in `0..=1` (never NaN); numeric
//!   constants are finite; string constants compared with email and url
//!   fields are lowercase; allowed picklist values are sorted and unique.

use serde::Serialize;

macro_rules! id {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(transparent)]
        pub struct $name(pub u32);

        impl $name {
            pub fn ix(self) -> usize {
                self.0 as usize
            }
        }
    };
}

id!(
    /// An interned string: `Table::strings[id]`.
    StrId
);
id!(
    /// An object: `Table::objects[id]`.
    ObjectIx
);
id!(
    /// A field, global across objects: `Table::fields[id]`.
    FieldIx
);
id!(
    /// A contract: `Table::contracts[id]`.
    ContractIx
);
id!(
    /// An `in (...)` set: `Table::sets[id]`.
    SetIx
);

/// A condition: the postfix program `Table::ops[start .. start + len]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct CondRange {
    pub start: u32,
    pub len: u32,
}

/// The five outcomes; `Ord` follows language-v1 §5.2.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Auto,
    Review,
    Escalate,
    Suggest,
    Never,
}

impl Outcome {
    pub const ALL: [Outcome; 5] = [
        Outcome::Auto,
        Outcome::Review,
        Outcome::Escalate,
        Outcome::Suggest,
        Outcome::Never,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Auto => "auto",
            Outcome::Review => "review",
            Outcome::Escalate => "escalate",
            Outcome::Suggest => "suggest",
            Outcome::Never => "never",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActorKind {
    Ai,
    Integration,
    Human,
}

impl ActorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ActorKind::Ai => "ai",
            ActorKind::Integration => "integration",
            ActorKind::Human => "human",
        }
    }
    pub fn parse(s: &str) -> Option<ActorKind> {
        match s {
            "ai" => Some(ActorKind::Ai),
            "integration" => Some(ActorKind::Integration),
            "human" => Some(ActorKind::Human),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    Create,
    Update,
    Delete,
}

impl Event {
    pub const ALL: [Event; 3] = [Event::Create, Event::Update, Event::Delete];
    pub fn as_str(self) -> &'static str {
        match self {
            Event::Create => "create",
            Event::Update => "update",
            Event::Delete => "delete",
        }
    }
    pub fn parse(s: &str) -> Option<Event> {
        match s {
            "create" => Some(Event::Create),
            "update" => Some(Event::Update),
            "delete" => Some(Event::Delete),
            _ => None,
        }
    }
    pub fn ix(self) -> usize {
        self as usize
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    ReadOnly,
    Draft,
    ConditionalWrite,
    AutomatedWrite,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::ReadOnly => "read_only",
            Mode::Draft => "draft",
            Mode::ConditionalWrite => "conditional_write",
            Mode::AutomatedWrite => "automated_write",
        }
    }
}

/// A field's type, as far as evaluation needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TypeTag {
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
    Ref,
}

impl TypeTag {
    pub const ALL: [TypeTag; 15] = [
        TypeTag::Id,
        TypeTag::String,
        TypeTag::Email,
        TypeTag::Phone,
        TypeTag::Url,
        TypeTag::Bool,
        TypeTag::Int,
        TypeTag::Number,
        TypeTag::Currency,
        TypeTag::Percent,
        TypeTag::Date,
        TypeTag::Datetime,
        TypeTag::Picklist,
        TypeTag::Multipicklist,
        TypeTag::Ref,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            TypeTag::Id => "id",
            TypeTag::String => "string",
            TypeTag::Email => "email",
            TypeTag::Phone => "phone",
            TypeTag::Url => "url",
            TypeTag::Bool => "bool",
            TypeTag::Int => "int",
            TypeTag::Number => "number",
            TypeTag::Currency => "currency",
            TypeTag::Percent => "percent",
            TypeTag::Date => "date",
            TypeTag::Datetime => "datetime",
            TypeTag::Picklist => "picklist",
            TypeTag::Multipicklist => "multipicklist",
            TypeTag::Ref => "ref",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// The fixed vocabulary of audit fields, in the order the spec lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditField {
    RecordId,
    Contract,
    Version,
    Trigger,
    Field,
    OldValue,
    NewValue,
    Source,
    Confidence,
    Timestamp,
    Actor,
    Outcome,
    Reasons,
}

impl AuditField {
    pub const ALL: [AuditField; 13] = [
        AuditField::RecordId,
        AuditField::Contract,
        AuditField::Version,
        AuditField::Trigger,
        AuditField::Field,
        AuditField::OldValue,
        AuditField::NewValue,
        AuditField::Source,
        AuditField::Confidence,
        AuditField::Timestamp,
        AuditField::Actor,
        AuditField::Outcome,
        AuditField::Reasons,
    ];
    /// The fields analysis-v1 requires for an audit not to be "thin".
    pub const REQUIRED: [AuditField; 11] = [
        AuditField::RecordId,
        AuditField::Contract,
        AuditField::Version,
        AuditField::Trigger,
        AuditField::Field,
        AuditField::OldValue,
        AuditField::NewValue,
        AuditField::Source,
        AuditField::Confidence,
        AuditField::Timestamp,
        AuditField::Actor,
    ];

    /// The audit field a name in an `audit` clause stands for.
    pub fn parse(name: &str) -> Option<AuditField> {
        AuditField::ALL.into_iter().find(|f| f.as_str() == name)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AuditField::RecordId => "record_id",
            AuditField::Contract => "contract",
            AuditField::Version => "version",
            AuditField::Trigger => "trigger",
            AuditField::Field => "field",
            AuditField::OldValue => "old_value",
            AuditField::NewValue => "new_value",
            AuditField::Source => "source",
            AuditField::Confidence => "confidence",
            AuditField::Timestamp => "timestamp",
            AuditField::Actor => "actor",
            AuditField::Outcome => "outcome",
            AuditField::Reasons => "reasons",
        }
    }
}

// ---------------------------------------------------------------- schema

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ObjectRow {
    pub name: StrId,
    /// This object's fields: `fields[fields_start .. fields_start + fields_len]`.
    pub fields_start: u32,
    pub fields_len: u32,
    /// Parent lookups, addressed by position in this list.
    pub relations: Vec<RelationRow>,
}

impl ObjectRow {
    /// Whether `f` is one of this object's fields; its local index if so.
    pub fn local(&self, f: FieldIx) -> Option<usize> {
        let l = f.0.checked_sub(self.fields_start)?;
        (l < self.fields_len).then_some(l as usize)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RelationRow {
    /// `Account` (from `AccountId: ref(Account)`).
    pub name: StrId,
    /// The ref field on the child.
    pub via: FieldIx,
    pub target: ObjectIx,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldRow {
    pub object: ObjectIx,
    pub name: StrId,
    pub ty: TypeTag,
    pub readonly: bool,
    pub protected: bool,
    pub sensitive: bool,
    /// A picklist's or multipicklist's allowed values, sorted by content;
    /// empty when the schema does not enumerate them (any value fits).
    pub values: Vec<StrId>,
}

// ---------------------------------------------------------------- conditions

/// One instruction of a postfix condition program. Evaluation keeps a stack
/// of three-valued truth values.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// Push true / false.
    True,
    False,
    /// Pop `n`, push their Kleene conjunction (`n = 0` pushes true).
    And(u32),
    /// Pop `n`, push their Kleene disjunction (`n = 0` pushes false).
    Or(u32),
    /// Pop one, push its negation.
    Not,
    /// Push whether the mutation changes the field.
    Changed(FieldIx),
    /// Push the test's value on the subject.
    Atom(Subject, Test),
    /// Push whether the field's last write (the mutation's `history`) was
    /// by an actor of `kind` (named `name`, when given), at most `within`
    /// seconds before `at` (when given). Unknown when the history does not
    /// say (format 6).
    SetBy {
        field: FieldIx,
        kind: ActorKind,
        name: Option<StrId>,
        within: Option<i64>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    /// The record's current value.
    Field(FieldIx),
    /// The proposed value if changed, else the current value.
    New(FieldIx),
    /// A parent's field; `relation` indexes the object's `relations`.
    Parent {
        relation: u32,
        field: FieldIx,
    },
    Confidence,
    Source,
    Event,
    /// Where the field's last write came from (`source of F`: the
    /// history's `source`; format 6).
    HistSource(FieldIx),
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Test {
    Cmp(CmpOp, Const),
    In {
        set: SetIx,
        negated: bool,
    },
    IsEmpty,
    IsSet,
    IsTrue,
    StartsWith(StrId),
    EndsWith(StrId),
    Contains(StrId),
    /// Value < at − N days.
    BeforeDaysAgo(i64),
    /// Value > at − N days.
    AfterDaysAgo(i64),
}

/// A pre-parsed constant.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Const {
    Str(StrId),
    Num(f64),
    Bool(bool),
    /// Days since 1970-01-01.
    Date(i64),
    /// Seconds since 1970-01-01T00:00:00Z.
    Datetime(i64),
    Event(Event),
}

/// The constants of an `in (...)` list, split by kind; `strs` sorted by
/// content and `nums` ascending so membership is a binary search.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct InSet {
    pub strs: Vec<StrId>,
    pub nums: Vec<f64>,
    /// Anything else (bools, dates, datetimes, events), unordered.
    pub other: Vec<Const>,
}

// ---------------------------------------------------------------- contracts

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    Create,
    /// `None`: any update; else an update touching one of these fields.
    Update(Option<Vec<FieldIx>>),
    Delete,
    /// An event of another object (`create of Task`, `update(Status) of
    /// Task`); `fields` only on update, as for [`Trigger::Update`].
    Of {
        object: ObjectIx,
        event: Event,
        fields: Option<Vec<FieldIx>>,
    },
    /// A named signal from outside the CRM.
    Signal(StrId),
    /// A scheduled run: any (`None`) or the one named.
    Schedule(Option<StrId>),
}

impl Trigger {
    /// The index slot of the causes this trigger can match.
    pub fn kind(&self) -> CauseKind {
        match self {
            Trigger::Create => CauseKind::Create,
            Trigger::Update(_) => CauseKind::Update,
            Trigger::Delete => CauseKind::Delete,
            Trigger::Of { .. } | Trigger::Signal(_) | Trigger::Schedule(_) => CauseKind::Other,
        }
    }
}

/// How the contract index groups causes: a record event of the mutation's
/// own object, by event, or anything else (another object's event, a
/// signal, a schedule).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CauseKind {
    Create,
    Update,
    Delete,
    Other,
}

impl CauseKind {
    pub const ALL: [CauseKind; 4] = [
        CauseKind::Create,
        CauseKind::Update,
        CauseKind::Delete,
        CauseKind::Other,
    ];
    pub fn ix(self) -> usize {
        self as usize
    }
    pub fn of_event(e: Event) -> CauseKind {
        match e {
            Event::Create => CauseKind::Create,
            Event::Update => CauseKind::Update,
            Event::Delete => CauseKind::Delete,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExclusionRow {
    /// The named exclusion, `None` for an inline `exclude when`.
    pub name: Option<StrId>,
    pub when: CondRange,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Approver {
    RecordOwner,
    Role(StrId),
    User(StrId),
    Queue(StrId),
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RuleRow {
    pub outcome: Outcome,
    /// `review by WHO` / `escalate to WHO`.
    pub route: Option<Approver>,
    /// `None`: always holds.
    pub when: Option<CondRange>,
    /// 1-based position in its line (`Field#n`).
    pub position: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldRules {
    pub field: FieldIx,
    pub rules: Vec<RuleRow>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Route {
    pub approver: Approver,
    /// Seconds.
    pub within: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Requirement {
    pub approver: Approver,
    pub when: Option<CondRange>,
}

/// A contract's `sample` clauses: the share of its `auto` writes decided
/// `review` instead, in hundredths of a percent (1 to
/// [`crate::sample::SCALE`]); see [`crate::sample`].
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SampleRow {
    /// Every field `fields` does not list, and a delete.
    pub all: Option<u32>,
    /// Sorted by field, one entry per field.
    pub fields: Vec<FieldSample>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldSample {
    pub field: FieldIx,
    pub rate: u32,
}

impl SampleRow {
    /// The rate for a changed field (`None`: the record, on a delete).
    pub fn rate(&self, field: Option<FieldIx>) -> Option<u32> {
        field
            .and_then(|f| {
                self.fields
                    .binary_search_by(|s| s.field.cmp(&f))
                    .ok()
                    .and_then(|i| self.fields.get(i))
            })
            .map(|s| s.rate)
            .or(self.all)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RollbackRow {
    pub keep_secs: Option<u64>,
    /// As written (`90d`).
    pub keep_text: Option<StrId>,
    pub notify: Vec<Approver>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ContractRow {
    pub name: StrId,
    pub version: u32,
    pub object: ObjectIx,
    pub actor_kind: ActorKind,
    /// `None`: any name (`"*"`).
    pub actor_name: Option<StrId>,
    pub mode: Mode,
    pub triggers: Vec<Trigger>,
    /// `None`: every record.
    pub eligible: Option<CondRange>,
    pub exclusions: Vec<ExclusionRow>,
    /// `auto at least X`.
    pub auto_at: Option<f64>,
    /// `review at least X`.
    pub review_at: Option<f64>,
    /// Sorted by field, one entry per field line.
    pub field_rules: Vec<FieldRules>,
    /// The `*` line, if any.
    pub star: Option<Vec<RuleRow>>,
    pub review_route: Option<Route>,
    pub escalate_route: Option<Route>,
    pub require: Vec<Requirement>,
    /// `None`: no `audit` clause. Declared order.
    pub audit: Option<Vec<AuditField>>,
    pub rollback: Option<RollbackRow>,
    /// `sample N% for review` (format 4).
    pub sample: SampleRow,
}

impl ContractRow {
    pub fn rules_for(&self, field: FieldIx) -> Option<&[RuleRow]> {
        self.field_rules
            .binary_search_by(|fr| fr.field.cmp(&field))
            .ok()
            .and_then(|i| self.field_rules.get(i))
            .map(|fr| fr.rules.as_slice())
    }
}

/// A guardrail (format 5): wherever it applies (its object, an actor it
/// matches, `when` not false), each target some contract governs ends at
/// least at its floor, after the contracts combine.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GuardrailRow {
    pub name: StrId,
    pub object: ObjectIx,
    pub actor_kind: ActorKind,
    /// `None`: any name (`"*"`).
    pub actor_name: Option<StrId>,
    /// `None`: wherever object and actor match.
    pub when: Option<CondRange>,
    /// Sorted by field, one entry per field; never `auto`.
    pub floors: Vec<FieldFloor>,
    /// `*: at least X`: every other field, and the record on a delete.
    pub star: Option<Outcome>,
    pub reason: Option<StrId>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldFloor {
    pub field: FieldIx,
    pub outcome: Outcome,
}

impl GuardrailRow {
    /// The floor for a target (`None`: the record, on a delete).
    pub fn floor(&self, field: Option<FieldIx>) -> Option<Outcome> {
        field
            .and_then(|f| {
                self.floors
                    .binary_search_by(|s| s.field.cmp(&f))
                    .ok()
                    .and_then(|i| self.floors.get(i))
            })
            .map(|s| s.outcome)
            .or(self.star)
    }
}

// ---------------------------------------------------------------- the table

/// A compiled decision table. Build one with the compiler (`crmc build`) or
/// load one with [`Table::from_bytes`]; then call [`Table::decide`].
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Table {
    /// The version of the compiler that built the table.
    pub compiler_version: String,
    pub strings: Vec<String>,
    pub objects: Vec<ObjectRow>,
    pub fields: Vec<FieldRow>,
    pub ops: Vec<Op>,
    pub sets: Vec<InSet>,
    pub contracts: Vec<ContractRow>,
    /// Per object, per cause kind ([`CauseKind`]: `create`, `update`,
    /// `delete` of the object itself, then any other cause): the contracts
    /// with a trigger of that kind, in table order.
    pub index: Vec<[Vec<ContractIx>; 4]>,
    /// Guardrails by name (format 5).
    pub guardrails: Vec<GuardrailRow>,
}

impl Table {
    /// An interned string; `""` for an out-of-range id (never on a validated table).
    pub fn str(&self, id: StrId) -> &str {
        self.strings.get(id.ix()).map(String::as_str).unwrap_or("")
    }

    pub fn object_by_name(&self, name: &str) -> Option<ObjectIx> {
        self.objects
            .binary_search_by(|o| self.str(o.name).cmp(name))
            .ok()
            .map(|i| ObjectIx(i as u32))
    }

    pub fn object(&self, o: ObjectIx) -> Option<&ObjectRow> {
        self.objects.get(o.ix())
    }

    pub fn field(&self, f: FieldIx) -> Option<&FieldRow> {
        self.fields.get(f.ix())
    }

    pub fn field_name(&self, f: FieldIx) -> &str {
        self.field(f).map(|r| self.str(r.name)).unwrap_or("")
    }

    /// The fields of an object, in name order.
    pub fn object_fields(&self, o: &ObjectRow) -> &[FieldRow] {
        let start = o.fields_start as usize;
        let end = start.saturating_add(o.fields_len as usize);
        self.fields.get(start..end).unwrap_or(&[])
    }

    /// A field of `o` by name (binary search over the sorted run).
    pub fn field_by_name(&self, o: &ObjectRow, name: &str) -> Option<FieldIx> {
        self.object_fields(o)
            .binary_search_by(|f| self.str(f.name).cmp(name))
            .ok()
            .map(|i| FieldIx(o.fields_start + i as u32))
    }

    pub fn cond(&self, c: CondRange) -> &[Op] {
        let start = c.start as usize;
        let end = start.saturating_add(c.len as usize);
        self.ops.get(start..end).unwrap_or(&[])
    }

    pub fn approver_text(&self, a: Approver) -> String {
        match a {
            Approver::RecordOwner => "record.owner".to_string(),
            Approver::Role(s) => format!("role:{}", self.str(s)),
            Approver::User(s) => format!("user:{}", self.str(s)),
            Approver::Queue(s) => format!("queue:{}", self.str(s)),
        }
    }

    /// How many field and `*` rules the table holds.
    pub fn rule_count(&self) -> usize {
        self.contracts
            .iter()
            .map(|c| {
                c.field_rules.iter().map(|f| f.rules.len()).sum::<usize>()
                    + c.star.as_ref().map_or(0, Vec::len)
            })
            .sum()
    }
}
