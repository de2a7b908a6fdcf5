//! The syntax tree of one `.crmc` file, exactly as written. Every node keeps
//! its [`Span`]; nothing is resolved or checked here (that is `check`'s job).
//! Comments are kept on the side ([`File::comments`]) for the formatter.

use crate::decimal::Decimal;
use crate::span::Span;
/// Outcomes, actor kinds and modes are the table format's own types, so the
/// compiler and the evaluator cannot disagree on their order or spelling.
pub use crmc_eval::table::{ActorKind, Mode, Outcome};

/// A name as written, with where it was written.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A double-quoted string literal, with escapes already processed.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StrLit {
    pub value: String,
    pub span: Span,
}

/// A value with its span.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Spanned<T> {
    pub node: T,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct File {
    pub items: Vec<Item>,
    /// Every `// ...` comment of the file, in order (text without the `//`).
    pub comments: Vec<Comment>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    pub text: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    Import(Import),
    /// `schema NAME { object ... }`
    Schema(SchemaBlock),
    /// A top-level `object X { ... }` or `extend object X { ... }`.
    Object(ObjectDecl),
    Exclusion(ExclusionDecl),
    Guardrail(GuardrailDecl),
    Contract(Contract),
    Test(TestBlock),
}

impl Item {
    pub fn span(&self) -> Span {
        match self {
            Item::Import(i) => i.span,
            Item::Schema(s) => s.span,
            Item::Object(o) => o.span,
            Item::Exclusion(e) => e.span,
            Item::Guardrail(g) => g.span,
            Item::Contract(c) => c.span,
            Item::Test(t) => t.span,
        }
    }
}

/// `import "std/salesforce"` or `import "./x.crmc"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Import {
    pub path: StrLit,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaBlock {
    pub name: Ident,
    pub objects: Vec<ObjectDecl>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectDecl {
    /// `true` for `extend object X { ... }`.
    pub extend: bool,
    pub name: Ident,
    pub fields: Vec<FieldDecl>,
    pub span: Span,
}

/// `Name: type attr...`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldDecl {
    pub name: Ident,
    pub ty: TypeExpr,
    pub attrs: Vec<Spanned<FieldAttr>>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypeExpr {
    pub kind: TypeKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeKind {
    Id,
    String,
    Email,
    Phone,
    Url,
    Bool,
    Int,
    Number,
    Currency,
    /// `percent(0..100)` / `percent(0..1)`; `None` for a bare `percent`,
    /// which the checker refuses (the scale must be said, not guessed).
    Percent(Option<PercentScale>),
    Date,
    Datetime,
    Picklist(Vec<StrLit>),
    Multipicklist(Vec<StrLit>),
    /// `ref(User)`, or polymorphic `ref(Group, User)`.
    Ref(Vec<Ident>),
    /// A type name the parser does not know (`strng`); the checker reports it.
    Unknown(Ident),
}

/// How a percent field's values are stored in the CRM.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PercentScale {
    /// `0..100`: 5 means 5 % (Salesforce `percent` fields, `Probability`).
    Hundred,
    /// `0..1`: 0.05 means 5 % (HubSpot `hs_deal_stage_probability`).
    One,
}

impl PercentScale {
    /// The written form, `0..100` or `0..1`.
    pub fn text(self) -> &'static str {
        match self {
            PercentScale::Hundred => "0..100",
            PercentScale::One => "0..1",
        }
    }
    /// The stored value of `n%` on this scale: `10%` is 10 or 0.1.
    pub fn of_percent(self, n: Decimal) -> Decimal {
        match self {
            PercentScale::Hundred => n,
            PercentScale::One => n.percent(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FieldAttr {
    Readonly,
    Protected,
    Sensitive,
}

/// `exclusion NAME on OBJECT when COND`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExclusionDecl {
    pub name: Ident,
    pub object: Ident,
    pub when: Expr,
    pub span: Span,
}

/// `guardrail NAME { object ...  actor ...  when ...  fields { ... }  reason "..." }`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GuardrailDecl {
    pub name: Ident,
    /// Items in source order (the checker rejects repeats).
    pub items: Vec<GuardItem>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GuardItem {
    pub kind: GuardItemKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GuardItemKind {
    Object(Ident),
    Actor(ActorPattern),
    When(Expr),
    Fields(Vec<Floor>),
    Reason(StrLit),
}

impl GuardItemKind {
    /// The keyword that starts the item, for messages.
    pub fn keyword(&self) -> &'static str {
        match self {
            GuardItemKind::Object(_) => "object",
            GuardItemKind::Actor(_) => "actor",
            GuardItemKind::When(_) => "when",
            GuardItemKind::Fields(_) => "fields",
            GuardItemKind::Reason(_) => "reason",
        }
    }
}

/// One line of a guardrail's `fields` block: `OwnerId: at least escalate`
/// (`at_least`), or a bare `HasOptedOutOfEmail: never`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Floor {
    pub target: FieldTarget,
    pub at_least: bool,
    pub outcome: Spanned<Outcome>,
    pub span: Span,
}

/// `contract NAME [version N] { clause* }`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contract {
    pub name: Ident,
    /// `version N` written in the header.
    pub header_version: Option<Spanned<u64>>,
    /// Clauses in source order (the checker rejects repeats, except `exclude`).
    pub clauses: Vec<Clause>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Clause {
    pub kind: ClauseKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClauseKind {
    Object(Ident),
    Actor(ActorPattern),
    Owner(StrLit),
    Mode(Spanned<Mode>),
    Version(Spanned<u64>),
    Trigger(Vec<TriggerEvent>),
    Eligible(Expr),
    Exclude(ExcludeTarget),
    Confidence(Vec<Threshold>),
    Fields(Vec<FieldRules>),
    Approval(Vec<ApprovalItem>),
    Audit(Vec<Ident>),
    Rollback(Vec<RollbackItem>),
    Metric {
        name: StrLit,
        target: Literal,
    },
    /// `sample 5% [of F, ...] for review`: that share of the contract's
    /// `auto` writes (of the listed fields, or of every field) goes to review.
    Sample {
        rate: Literal,
        fields: Vec<Ident>,
        outcome: Spanned<Outcome>,
    },
}

impl ClauseKind {
    /// The keyword that starts the clause, for messages.
    pub fn keyword(&self) -> &'static str {
        match self {
            ClauseKind::Object(_) => "object",
            ClauseKind::Actor(_) => "actor",
            ClauseKind::Owner(_) => "owner",
            ClauseKind::Mode(_) => "mode",
            ClauseKind::Version(_) => "version",
            ClauseKind::Trigger(_) => "trigger",
            ClauseKind::Eligible(_) => "eligible",
            ClauseKind::Exclude(_) => "exclude",
            ClauseKind::Confidence(_) => "confidence",
            ClauseKind::Fields(_) => "fields",
            ClauseKind::Approval(_) => "approval",
            ClauseKind::Audit(_) => "audit",
            ClauseKind::Rollback(_) => "rollback",
            ClauseKind::Metric { .. } => "metric",
            ClauseKind::Sample { .. } => "sample",
        }
    }
}

/// `actor ai "alim"`; the name `"*"` matches any name of that kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActorPattern {
    pub kind: Spanned<ActorKind>,
    pub name: StrLit,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TriggerEvent {
    /// `create`, or `create of Task` (`of`: another object's event).
    Create {
        of: Option<Ident>,
        span: Span,
    },
    /// `update` (any field) or `update(F, ...)`, optionally `of OBJECT`.
    Update {
        fields: Option<Vec<Ident>>,
        of: Option<Ident>,
        span: Span,
    },
    Delete {
        of: Option<Ident>,
        span: Span,
    },
    /// `signal "prospect_sourced"`: a named cause from outside the CRM.
    Signal {
        name: StrLit,
        span: Span,
    },
    /// `schedule` (any scheduled run) or `schedule "nightly"`.
    Schedule {
        name: Option<StrLit>,
        span: Span,
    },
}

impl TriggerEvent {
    pub fn span(&self) -> Span {
        match self {
            TriggerEvent::Create { span, .. }
            | TriggerEvent::Update { span, .. }
            | TriggerEvent::Delete { span, .. }
            | TriggerEvent::Signal { span, .. }
            | TriggerEvent::Schedule { span, .. } => *span,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExcludeTarget {
    /// `exclude opted_out` (a named exclusion).
    Named(Ident),
    /// `exclude when COND`.
    When(Expr),
}

/// `auto at least 0.90` / `review at least 60%` in a `confidence` block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Threshold {
    pub level: Spanned<Outcome>,
    pub value: Literal,
    pub span: Span,
}

/// One line of a `fields` block: `Industry: auto when empty, review`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldRules {
    pub target: FieldTarget,
    /// The rules in order; the first whose condition holds decides.
    pub rules: Vec<Rule>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldTarget {
    Field(Ident),
    /// `*`: every changed field without a line of its own.
    Star(Span),
}

/// `review by role "X" when COND`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub outcome: Spanned<Outcome>,
    /// `review by WHO` / `escalate to WHO`.
    pub route: Option<Approver>,
    pub when: Option<Expr>,
    pub span: Span,
}

/// Who approves or is notified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Approver {
    pub kind: ApproverKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApproverKind {
    /// `record.owner`
    RecordOwner,
    /// `role "Sales Manager"`
    Role(StrLit),
    /// `user "jane@acme.example"`
    User(StrLit),
    /// `queue "RevOps"`
    Queue(StrLit),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApprovalItem {
    /// `review by record.owner within 24h` / `escalate by role "X" within 4h`.
    Route {
        level: Spanned<Outcome>,
        approver: Approver,
        within: Option<Spanned<Duration>>,
        span: Span,
    },
    /// `require role "RevOps Lead" when COND`.
    Require {
        approver: Approver,
        when: Option<Expr>,
        span: Span,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DurationUnit {
    Minutes,
    Hours,
    Days,
}

/// `30m`, `24h`, `90d`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Duration {
    pub amount: u64,
    pub unit: DurationUnit,
}

impl Duration {
    pub fn seconds(self) -> u64 {
        let per = match self.unit {
            DurationUnit::Minutes => 60,
            DurationUnit::Hours => 3_600,
            DurationUnit::Days => 86_400,
        };
        self.amount.saturating_mul(per)
    }
}

impl std::fmt::Display for Duration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let unit = match self.unit {
            DurationUnit::Minutes => "m",
            DurationUnit::Hours => "h",
            DurationUnit::Days => "d",
        };
        write!(f, "{}{}", self.amount, unit)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RollbackItem {
    /// `keep previous values for 90d`
    Keep { for_: Spanned<Duration>, span: Span },
    /// `notify record.owner`
    Notify { who: Approver, span: Span },
}

// ---------------------------------------------------------------- conditions

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExprKind {
    /// `a or b or ...`: one node per chain (two or more operands), so a long
    /// chain is wide, never deep.
    Or(Vec<Expr>),
    /// `a and b and ...`, like [`ExprKind::Or`].
    And(Vec<Expr>),
    Not(Box<Expr>),
    /// `( e )`, kept so the formatter can print what was written.
    Paren(Box<Expr>),
    /// `F == v`, `F < v`, ...
    Compare {
        lhs: Operand,
        op: Spanned<CmpOp>,
        rhs: Literal,
    },
    /// `F in (a, b)` / `F not in (a, b)`
    In {
        lhs: Operand,
        negated: bool,
        values: Vec<Literal>,
    },
    /// `F is empty` (negated: `F is set`).
    IsEmpty {
        operand: Operand,
        negated: bool,
    },
    /// Bare `empty` / `set` inside a field's rules: that field.
    BareEmpty {
        negated: bool,
    },
    /// A bare operand: `HasOptedOutOfEmail` means `HasOptedOutOfEmail == true`.
    Truthy(Operand),
    /// `F starts with "s"`, `F ends with "s"`, `F contains "s"`
    StrMatch {
        operand: Operand,
        op: Spanned<StrOp>,
        pattern: StrLit,
    },
    /// `F before 90 days ago`, `F after 7 days ago`
    RelDate {
        operand: Operand,
        op: Spanned<DateOp>,
        days: Literal,
    },
    /// `changed(F)`
    Changed(Path),
    /// `F set by human`, `set by ai "vera" within 90d` (bare, inside a
    /// field's rules: that field): who last wrote the field.
    SetBy {
        field: Option<Path>,
        kind: Spanned<ActorKind>,
        /// `None`: any name of that kind.
        name: Option<StrLit>,
        within: Option<Spanned<Duration>>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StrOp {
    StartsWith,
    EndsWith,
    Contains,
}

impl StrOp {
    pub fn as_str(self) -> &'static str {
        match self {
            StrOp::StartsWith => "starts with",
            StrOp::EndsWith => "ends with",
            StrOp::Contains => "contains",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DateOp {
    Before,
    After,
}

/// What a condition reads: `F`, `new F`, `Account.Type`, or a context name
/// (`confidence`, `source`, `event` — told apart from fields by the checker).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operand {
    /// `new F`: the proposed value rather than the current one.
    pub new: bool,
    /// `source of F`: where the field's last write came from (the
    /// mutation's `history`).
    pub source_of: bool,
    pub path: Path,
    pub span: Span,
}

/// `Industry` or `Account.Type`: one or more dot-separated names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Path {
    pub segments: Vec<Ident>,
    pub span: Span,
}

impl Path {
    pub fn dotted(&self) -> String {
        self.segments
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join(".")
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Literal {
    pub kind: LitKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LitKind {
    String(String),
    Number(Decimal),
    /// `80%`, stored as written (80); its value is `0.80`.
    Percent(Decimal),
    Bool(bool),
    Null,
    Duration(Duration),
    /// An identifier used as a value (`event == create`).
    Word(String),
}

// ---------------------------------------------------------------- tests

/// `test "name" { ... }`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestBlock {
    pub name: StrLit,
    pub items: Vec<TestItem>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestItem {
    pub kind: TestItemKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TestItemKind {
    Actor(ActorPattern),
    /// `event create|update|delete`
    Event(Ident),
    /// `trigger update(Email)`: what started the automation (the
    /// mutation's `"trigger"`); without it the write is its own cause.
    Trigger(TriggerEvent),
    Confidence(Literal),
    Source(StrLit),
    /// `at "2026-11-21T10:00:00Z"`
    At(StrLit),
    /// `record Lead { Field: value, ... }`
    Record {
        object: Ident,
        values: Vec<(Ident, Literal)>,
    },
    /// `parent Account { Field: value, ... }`
    Parent {
        object: Ident,
        values: Vec<(Ident, Literal)>,
    },
    /// `change F to v`
    Change {
        field: Ident,
        value: Literal,
    },
    /// `history F by KIND "name" [at "..."] [source "..."]`, or
    /// `history F never` (`write: None`): the field's last write.
    History {
        field: Ident,
        write: Option<HistoryWrite>,
    },
    /// `expect OUTCOME` or `expect F OUTCOME`
    Expect {
        field: Option<Ident>,
        outcome: Spanned<Outcome>,
    },
}

/// A test's `history F by ...`: who last wrote the field, when, from where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryWrite {
    pub actor: ActorPattern,
    pub at: Option<StrLit>,
    pub source: Option<StrLit>,
}
