//! Syntax errors as data, and the one place their text is written.

use super::suggest::one_of;
use crate::diagnostics::Diagnostic;
use crate::span::Span;

/// Every kind of mistake the parser reports. Each becomes one [`Diagnostic`]
/// with an `E01xx` code (see `diagnostics/codes/syntax.rs`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyntaxError {
    /// E0101: something other than what the grammar allows here.
    Unexpected {
        span: Span,
        /// "a value", "`:`", "`when`" ...
        expected: String,
        /// The text found, or `None` at the end of a line or file.
        found: Option<String>,
        /// Where we were: "in the `trigger` clause", "in this condition".
        context: String,
        help: String,
    },
    /// E0101 with a message of its own.
    Other {
        span: Span,
        message: String,
        label: String,
        help: String,
    },
    /// E0102: `priority high` inside a contract.
    UnknownClause {
        span: Span,
        word: String,
        suggestion: Option<&'static str>,
    },
    /// E0103: a `{` without its `}`.
    UnclosedBlock { open: Span, at: Span, what: String },
    /// E0104
    BadNumber {
        span: Span,
        text: String,
        why: &'static str,
    },
    /// E0105
    UnterminatedString { span: Span },
    /// E0106
    BadDuration { span: Span, text: String },
    /// E0107
    UnknownOutcome {
        span: Span,
        word: String,
        suggestion: Option<&'static str>,
    },
    /// E0108
    BadEscape { span: Span, escape: String },
    /// E0109: a word that must be one of a few choices (mode, actor kind ...).
    UnknownWord {
        span: Span,
        word: String,
        /// "a mode", "an actor kind" ...
        what: &'static str,
        allowed: &'static [&'static str],
        suggestion: Option<&'static str>,
    },
    /// E0110
    BadOperator {
        span: Span,
        op: String,
        suggestion: Option<&'static str>,
    },
    /// E0111: `when` with nothing after it.
    MissingCondition { span: Span },
    /// E0112
    TooDeep { span: Span },
    /// E0113: a condition nests `not`s and parentheses too deeply.
    CondTooDeep { span: Span },
    /// E0114: `percent(0..50)`: a scale other than `0..100` or `0..1`.
    BadPercentScale { span: Span, text: String },
    /// E0115: an identifier with a character outside ASCII (`Industrie_é`).
    NonAsciiIdent {
        span: Span,
        word: String,
        /// The ASCII spelling, when every foreign character has an obvious one.
        ascii: Option<String>,
    },
    /// E0116: text in `'single'` or typographic quotes (`“Banking”`).
    WrongQuotes {
        span: Span,
        found: String,
        /// The same text in double quotes.
        fixed: String,
    },
}

pub const CLAUSE_KEYWORDS: &[&str] = &[
    "object",
    "actor",
    "owner",
    "mode",
    "version",
    "trigger",
    "eligible",
    "exclude",
    "confidence",
    "fields",
    "approval",
    "audit",
    "rollback",
    "metric",
    "sample",
];

pub const OUTCOMES: &[&str] = &["auto", "review", "escalate", "suggest", "never"];

fn did_you_mean(s: Option<&'static str>) -> String {
    s.map_or(String::new(), |s| format!("did you mean `{s}`? "))
}

impl SyntaxError {
    /// Where the mistake is.
    pub fn span(&self) -> Span {
        match self {
            SyntaxError::Unexpected { span, .. }
            | SyntaxError::Other { span, .. }
            | SyntaxError::UnknownClause { span, .. }
            | SyntaxError::BadNumber { span, .. }
            | SyntaxError::UnterminatedString { span }
            | SyntaxError::BadDuration { span, .. }
            | SyntaxError::UnknownOutcome { span, .. }
            | SyntaxError::BadEscape { span, .. }
            | SyntaxError::UnknownWord { span, .. }
            | SyntaxError::BadOperator { span, .. }
            | SyntaxError::MissingCondition { span }
            | SyntaxError::TooDeep { span }
            | SyntaxError::CondTooDeep { span }
            | SyntaxError::BadPercentScale { span, .. }
            | SyntaxError::NonAsciiIdent { span, .. }
            | SyntaxError::WrongQuotes { span, .. } => *span,
            SyntaxError::UnclosedBlock { at, .. } => *at,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            SyntaxError::Unexpected { .. } | SyntaxError::Other { .. } => "E0101",
            SyntaxError::UnknownClause { .. } => "E0102",
            SyntaxError::UnclosedBlock { .. } => "E0103",
            SyntaxError::BadNumber { .. } => "E0104",
            SyntaxError::UnterminatedString { .. } => "E0105",
            SyntaxError::BadDuration { .. } => "E0106",
            SyntaxError::UnknownOutcome { .. } => "E0107",
            SyntaxError::BadEscape { .. } => "E0108",
            SyntaxError::UnknownWord { .. } => "E0109",
            SyntaxError::BadOperator { .. } => "E0110",
            SyntaxError::MissingCondition { .. } => "E0111",
            SyntaxError::TooDeep { .. } => "E0112",
            SyntaxError::CondTooDeep { .. } => "E0113",
            SyntaxError::BadPercentScale { .. } => "E0114",
            SyntaxError::NonAsciiIdent { .. } => "E0115",
            SyntaxError::WrongQuotes { .. } => "E0116",
        }
    }

    pub fn into_diagnostic(self) -> Diagnostic {
        let code = self.code();
        match self {
            SyntaxError::Unexpected {
                span,
                expected,
                found,
                context,
                help,
            } => {
                let found_text = found
                    .as_deref()
                    .map_or("the end of the line".to_string(), |f| format!("`{f}`"));
                let sep = if context.is_empty() { "" } else { " " };
                let label = if expected.len() > 48 {
                    match &found {
                        Some(f) => format!("`{f}` is not expected here"),
                        None => "something is missing here".to_string(),
                    }
                } else {
                    format!("expected {expected} here")
                };
                Diagnostic::new(
                    code,
                    format!("expected {expected}{sep}{context}, found {found_text}"),
                    span,
                    label,
                )
                .with_help(help)
            }
            SyntaxError::Other {
                span,
                message,
                label,
                help,
            } => Diagnostic::new(code, message, span, label).with_help(help),
            SyntaxError::UnknownClause {
                span,
                word,
                suggestion,
            } => Diagnostic::new(
                code,
                format!("unknown clause `{word}`"),
                span,
                "not a contract clause",
            )
            .with_help(format!(
                "{}a contract clause starts with one of: {}",
                did_you_mean(suggestion),
                CLAUSE_KEYWORDS.join(", ")
            )),
            SyntaxError::UnclosedBlock { open, at, what } => Diagnostic::new(
                code,
                format!("{what} is missing its closing `}}`"),
                at,
                "expected `}` here",
            )
            .with_label(open, "this `{` is never closed")
            .with_help(format!(
                "add a `}}` after the last line of the {what}"
            )),
            SyntaxError::BadNumber { span, text, why } => Diagnostic::new(
                code,
                format!("`{text}` is not a valid number"),
                span,
                why,
            )
            .with_help("write numbers like `42`, `0.95`, `1_000_000` or `80%`"),
            SyntaxError::UnterminatedString { span } => Diagnostic::new(
                code,
                "this text is missing its closing quote",
                span,
                "the text starts here and runs to the end of the line",
            )
            .with_help("add a `\"` where the text ends; text in quotes must fit on one line"),
            SyntaxError::BadDuration { span, text } => Diagnostic::new(
                code,
                format!("`{text}` is not a valid duration"),
                span,
                "not a duration",
            )
            .with_help(
                "write a whole number followed by `m` (minutes), `h` (hours) or `d` (days), like `30m`, `24h` or `90d`",
            ),
            SyntaxError::UnknownOutcome {
                span,
                word,
                suggestion,
            } => Diagnostic::new(
                code,
                format!("`{word}` is not an outcome"),
                span,
                "unknown outcome",
            )
            .with_help(format!(
                "{}the outcomes are {}",
                did_you_mean(suggestion),
                one_of(OUTCOMES).replace(" or ", " and ")
            )),
            SyntaxError::BadEscape { span, escape } => Diagnostic::new(
                code,
                format!("unknown escape `{escape}` in text"),
                span,
                "unknown escape",
            )
            .with_help(
                "inside quotes write `\\\"` for a quote, `\\\\` for a backslash, `\\n` for a new line and `\\t` for a tab",
            ),
            SyntaxError::UnknownWord {
                span,
                word,
                what,
                allowed,
                suggestion,
            } => Diagnostic::new(
                code,
                format!("`{word}` is not {what}"),
                span,
                format!("unknown {}", what.trim_start_matches("an ").trim_start_matches("a ")),
            )
            .with_help(format!(
                "{}use one of: {}",
                did_you_mean(suggestion),
                allowed.join(", ")
            )),
            SyntaxError::BadOperator {
                span,
                op,
                suggestion,
            } => Diagnostic::new(
                code,
                format!("`{op}` is not a comparison operator"),
                span,
                "unknown operator",
            )
            .with_help(format!(
                "{}compare with `==`, `!=`, `<`, `<=`, `>` or `>=`",
                did_you_mean(suggestion)
            )),
            SyntaxError::MissingCondition { span } => Diagnostic::new(
                code,
                "missing condition after `when`",
                span,
                "a condition should follow this `when`",
            )
            .with_help("write a condition such as `when Industry is empty`, or remove the `when`"),
            SyntaxError::TooDeep { span } => Diagnostic::new(
                code,
                format!(
                    "parentheses or braces are nested more than {} levels deep",
                    super::lexical::MAX_DEPTH
                ),
                span,
                "nested too deeply",
            )
            .with_help("split the condition into simpler parts; the file was not read past this point"),
            SyntaxError::CondTooDeep { span } => Diagnostic::new(
                code,
                format!(
                    "this condition nests `not` and parentheses more than {} levels deep",
                    super::exprs::MAX_COND_DEPTH
                ),
                span,
                "nested too deeply",
            )
            .with_help("split the condition into named exclusions or simpler rules; `not not X` is just `X`"),
            SyntaxError::BadPercentScale { span, text } => Diagnostic::new(
                code,
                if text.is_empty() {
                    "`percent()` needs a scale".to_string()
                } else {
                    format!("`{text}` is not a percent scale")
                },
                span,
                "expected `0..100` or `0..1`",
            )
            .with_help(
                "write `percent(0..100)` when the CRM stores 5 % as 5 (Salesforce), \
                 or `percent(0..1)` when it stores 5 % as 0.05 (HubSpot deal probability)",
            ),
            SyntaxError::NonAsciiIdent { span, word, ascii } => {
                let help = match &ascii {
                    Some(a) => format!(
                        "write `{a}` (names are ASCII letters, digits and `_`); for a CRM \
                         field, use its API name exactly as the CRM's export shows it"
                    ),
                    None => "names are ASCII letters, digits and `_`: for a CRM field, use \
                             its API name exactly as the CRM's export shows it (`crmc import` \
                             writes them)"
                        .to_string(),
                };
                Diagnostic::new(
                    code,
                    format!("`{word}` is not a valid name: it has a character outside ASCII"),
                    span,
                    "only ASCII letters, digits and `_` are allowed in names",
                )
                .with_help(help)
            }
            SyntaxError::WrongQuotes { span, found, fixed } => Diagnostic::new(
                code,
                "strings use double quotes",
                span,
                format!("`{found}` is not in straight double quotes"),
            )
            .with_help(format!("write `{fixed}`")),
        }
    }
}
