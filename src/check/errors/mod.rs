//! The checker's problems as data. Their text is made in one place,
//! [`text`] ([`CheckError::into_diagnostic`]), so wording stays consistent.

mod text;

use crate::span::Span;
use crate::syntax::ast::Outcome;

/// What a literal should have been, for type mismatch messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expected {
    /// Quoted text (string, email, phone, url, id, ref).
    Text,
    /// A quoted value from the picklist.
    PicklistValue,
    /// A number (int, currency): no percentage.
    PlainNumber,
    /// A number or a percentage (number, percent, confidence, metric).
    NumberOrPercent,
    Bool,
    /// `"YYYY-MM-DD"`
    Date,
    /// `"2026-11-21T10:00:00Z"`
    Datetime,
}

impl Expected {
    fn describe(&self) -> &'static str {
        match self {
            Expected::Text => "a quoted text value",
            Expected::PicklistValue => "a quoted picklist value",
            Expected::PlainNumber => "a number",
            Expected::NumberOrPercent => "a number or a percentage",
            Expected::Bool => "`true` or `false`",
            Expected::Date => "a quoted date like \"2026-11-21\"",
            Expected::Datetime => "a quoted timestamp like \"2026-11-21T10:00:00Z\"",
        }
    }
}

/// What a literal was, for type mismatch messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Found {
    Text(String),
    Number(String),
    Percent(String),
    Bool(bool),
    Duration(String),
    Word(String),
    Null,
}

impl Found {
    fn describe(&self) -> String {
        match self {
            Found::Text(s) => format!("the text \"{s}\""),
            Found::Number(n) => format!("the number `{n}`"),
            Found::Percent(n) => format!("the percentage `{n}%`"),
            Found::Bool(b) => format!("`{b}`"),
            Found::Duration(d) => format!("the duration `{d}`"),
            Found::Word(w) => format!("the bare word `{w}`"),
            Found::Null => "`null`".to_string(),
        }
    }
}

/// Why a reference cannot be read where it is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Misuse {
    /// `new X` where X is not a field of the object.
    NewOnNonField,
    /// `changed(X)` where X is not a field of the object.
    ChangedOnNonField,
    /// `A.B.C`
    NestedLookup,
}

#[derive(Clone, Debug, PartialEq)]
pub enum CheckError {
    // ------------------------------------------------------------ schema
    UnknownType {
        name: String,
        span: Span,
        suggestion: Option<String>,
    },
    FieldTypeConflict {
        object: String,
        field: String,
        first_ty: String,
        second_ty: String,
        first: Span,
        second: Span,
    },
    ExtendUnknownObject {
        name: String,
        span: Span,
        suggestion: Option<String>,
        /// The standard module that declares it (`salesforce`), not imported.
        std_module: Option<&'static str>,
    },
    UnknownRefTarget {
        object: String,
        field: String,
        target: String,
        span: Span,
        suggestion: String,
    },
    /// A bare `percent`: the scale (`0..100` or `0..1`) must be written.
    PercentWithoutScale {
        object: String,
        field: String,
        span: Span,
    },
    DuplicateRelation {
        object: String,
        relation: String,
        first: Span,
        second: Span,
    },
    // ------------------------------------------------------------ names
    /// A test's `trigger update` without the fields that changed.
    CauseWithoutFields {
        span: Span,
    },
    /// `sample 0%`, `sample 150%`, `sample 0.05`, `sample 2.555%`.
    InvalidSampleRate {
        found: Found,
        span: Span,
    },
    /// `sample 5% for escalate`: samples go to review.
    SampleOutcome {
        outcome: Outcome,
        span: Span,
    },
    /// A second `sample` clause for every field, or a field in two.
    DuplicateSample {
        /// The field's name, or `None` for a second clause without `of`.
        field: Option<String>,
        first: Span,
        second: Span,
    },
    /// A guardrail without `object`, `actor` or `fields` (or with an empty `fields`).
    MissingGuardItem {
        guardrail: String,
        item: &'static str,
        span: Span,
    },
    DuplicateGuardItem {
        guardrail: String,
        item: &'static str,
        first: Span,
        second: Span,
    },
    /// A floor that would not raise (`at least auto`) or that reads as an
    /// exact outcome (`Industry: review`).
    GuardFloor {
        outcome: Outcome,
        span: Span,
    },
    DuplicateGuardrail {
        name: String,
        first: Span,
        second: Span,
    },
    /// A `set by` / `source of` condition that cannot be read.
    Provenance {
        problem: ProvenanceProblem,
        span: Span,
    },
    /// `signal ""` / `schedule ""`.
    EmptyCauseName {
        what: &'static str,
        span: Span,
    },
    UnknownObject {
        name: String,
        span: Span,
        suggestion: Option<String>,
        /// The standard module that declares it (`salesforce`), not imported.
        std_module: Option<&'static str>,
    },
    UnknownField {
        object: String,
        name: String,
        span: Span,
        suggestion: Option<String>,
    },
    UnknownRelation {
        object: String,
        name: String,
        span: Span,
        suggestion: Option<String>,
        /// `name` is a field of the object, but not a usable reference.
        is_plain_field: bool,
    },
    UnknownExclusion {
        name: String,
        span: Span,
        suggestion: Option<String>,
        /// The standard module that declares it (`suppression`), not imported.
        std_module: Option<&'static str>,
    },
    ExclusionObjectMismatch {
        name: String,
        exclusion_object: String,
        contract_object: String,
        span: Span,
        decl_span: Span,
    },
    DuplicateContract {
        name: String,
        first: Span,
        second: Span,
    },
    DuplicateExclusion {
        name: String,
        first: Span,
        second: Span,
    },
    DuplicateTest {
        name: String,
        first: Span,
        second: Span,
    },
    DuplicateFieldRules {
        /// The field name, or `*`.
        field: String,
        first: Span,
        second: Span,
    },
    MissingClause {
        contract: String,
        clause: &'static str,
        span: Span,
    },
    DuplicateClause {
        contract: String,
        clause: &'static str,
        first: Span,
        second: Span,
    },
    DuplicateVersion {
        header: Span,
        clause: Span,
    },
    DuplicateEntry {
        /// What is repeated, already phrased: "`auto` threshold", "`event`".
        what: String,
        /// The block: "confidence block", "test \"x\"".
        block: String,
        first: Span,
        second: Span,
    },
    UnknownAuditField {
        name: String,
        span: Span,
        suggestion: Option<String>,
    },
    DuplicateAuditField {
        name: String,
        first: Span,
        second: Span,
    },
    BareEmpty {
        negated: bool,
        /// Inside a `*` line (rather than outside any field line).
        in_star: bool,
        span: Span,
    },
    InvalidReference {
        misuse: Misuse,
        text: String,
        object: String,
        span: Span,
    },
    MissingTestItem {
        test: String,
        /// The missing item, phrased: "a `record OBJECT { ... }`".
        item: &'static str,
        example: &'static str,
        span: Span,
    },
    ExpectUnchangedField {
        field: String,
        span: Span,
    },
    InvalidThresholdLevel {
        level: Outcome,
        span: Span,
    },
    InvalidRoute {
        outcome: Outcome,
        span: Span,
    },
    InvalidVersion {
        value: u64,
        span: Span,
    },
    // ------------------------------------------------------------ types
    InvalidOperator {
        /// What is read: `Company`, `confidence`, `Account.Type`.
        subject: String,
        /// Its type, for the message: "string", "picklist", "the mutation's source".
        ty: String,
        op: String,
        /// The operators that do apply, phrased.
        valid: String,
        span: Span,
    },
    TypeMismatch {
        subject: String,
        ty: String,
        expected: Expected,
        found: Found,
        span: Span,
    },
    ValueNotAllowed {
        field: String,
        value: String,
        allowed: Vec<String>,
        suggestion: Option<String>,
        span: Span,
        decl: Option<Span>,
    },
    NullComparison {
        subject: String,
        /// `!=` / `not in`: the user meant "is set".
        negated: bool,
        span: Span,
    },
    NotYesNo {
        subject: String,
        example: String,
        span: Span,
    },
    ExpectedInteger {
        subject: String,
        value: String,
        span: Span,
    },
    OutOfRange {
        what: String,
        value: String,
        span: Span,
    },
    InvalidDate {
        subject: String,
        value: String,
        datetime: bool,
        span: Span,
    },
    InvalidEventValue {
        found: Found,
        suggestion: Option<String>,
        span: Span,
    },
    InvalidDays {
        value: String,
        span: Span,
    },
    ProtectedAuto {
        field: String,
        span: Span,
        decl: Span,
    },
    ReadonlyWrite {
        field: String,
        outcome: Outcome,
        span: Span,
        decl: Span,
    },
    InvalidMetricTarget {
        found: Found,
        span: Span,
    },
    InvalidTimestamp {
        value: String,
        span: Span,
    },
}

impl CheckError {
    /// Warnings do not stop a unit from checking.
    pub fn is_warning(&self) -> bool {
        matches!(self, CheckError::DuplicateAuditField { .. })
    }
}

/// What is wrong with a provenance condition (`set by`, `source of`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProvenanceProblem {
    /// `Account.Industry set by human`: a parent's history is not in the
    /// mutation.
    ParentField { what: &'static str, text: String },
    /// A bare `set by` outside a field's rules (or in the `*` line).
    Bare { in_star: bool },
    /// `set by ai ""`.
    EmptyName,
    /// `within 0d`.
    ZeroWindow,
    /// `within` more than a hundred years.
    LongWindow,
}
