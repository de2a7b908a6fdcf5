//! Diagnostics are data. Every stage reports its problems as its own error
//! enum and turns each into a [`Diagnostic`] (code, message, labels, help);
//! the text for users is made in the `render` module only.

pub mod codes;
pub mod render;
pub mod suggest;
pub mod suppress;

use crate::span::Span;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

/// A span with a short explanation shown next to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

impl Label {
    pub fn new(span: Span, message: impl Into<String>) -> Label {
        Label {
            span,
            message: message.into(),
        }
    }
}

/// One problem found in a unit.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// A stable code from [`codes::all`], such as `E0301`.
    pub code: &'static str,
    pub severity: Severity,
    /// One line, lowercase, no final period, user names in backticks.
    pub message: String,
    /// Where the problem is.
    pub primary: Label,
    /// Other places that explain it (the earlier declaration, the other rule).
    pub secondary: Vec<Label>,
    /// How to fix it.
    pub help: Option<String>,
    /// Further facts (e.g. "this finding is approximate because ...").
    pub notes: Vec<String>,
    /// For analysis findings: a mutation (language-v1 §7 JSON) that shows it.
    pub witness: Option<serde_json::Value>,
    /// Set when a `// crmc: allow(CODE) reason` comment suppresses it
    /// ([`suppress`]): then it is hidden from human output and counts for
    /// no exit status, but JSON and SARIF still report it, as suppressed.
    pub suppressed: Option<Suppression>,
}

/// Why and where a finding was suppressed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    /// The comment's text after `allow(...)`.
    pub reason: String,
    /// The comment.
    pub span: Span,
}

impl Diagnostic {
    /// A diagnostic with the severity registered for `code`.
    pub fn new(
        code: &'static str,
        message: impl Into<String>,
        span: Span,
        label: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            code,
            severity: codes::lookup(code).map_or(Severity::Error, |c| c.severity),
            message: message.into(),
            primary: Label::new(span, label),
            secondary: Vec::new(),
            help: None,
            notes: Vec::new(),
            witness: None,
            suppressed: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.secondary.push(Label::new(span, message));
        self
    }

    /// [`Diagnostic::with_note`] when `cond` holds (the note built only then).
    pub fn with_note_if(self, cond: bool, note: impl FnOnce() -> String) -> Diagnostic {
        if cond {
            self.with_note(note())
        } else {
            self
        }
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    pub fn with_witness(mut self, witness: serde_json::Value) -> Diagnostic {
        self.witness = Some(witness);
        self
    }

    pub fn with_severity(mut self, severity: Severity) -> Diagnostic {
        self.severity = severity;
        self
    }

    /// The registered `kind` name (`syntax_error`, `conflict`, ...).
    pub fn kind(&self) -> &'static str {
        codes::lookup(self.code).map_or("unknown", |c| c.kind)
    }

    /// An error that stops the unit: of error severity and not suppressed.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error && self.suppressed.is_none()
    }

    /// A warning that `--deny warnings` fails on: not suppressed.
    pub fn is_warning(&self) -> bool {
        self.severity == Severity::Warning && self.suppressed.is_none()
    }
}

/// Sorts diagnostics by file and position, errors first at equal positions.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (
            a.primary.span.file,
            a.primary.span.start,
            std::cmp::Reverse(a.severity),
            a.code,
        )
            .cmp(&(
                b.primary.span.file,
                b.primary.span.start,
                std::cmp::Reverse(b.severity),
                b.code,
            ))
    });
}
