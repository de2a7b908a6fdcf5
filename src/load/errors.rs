//! Loader errors and their diagnostics (codes E02xx).

use crate::diagnostics::Diagnostic;
use crate::span::Span;

/// A failure to read a file named on the command line (exit code 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadError {
    Io { path: String, message: String },
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Io { path, message } => write!(f, "cannot read `{path}`: {message}"),
        }
    }
}

impl std::error::Error for LoadError {}

/// A bad `import`, reported as a diagnostic at the import.
#[derive(Debug, Clone)]
pub(super) enum ImportError {
    Missing {
        span: Span,
        path: String,
        reason: String,
    },
    Cycle {
        span: Span,
        written: String,
        chain: Vec<String>,
    },
    UnknownStdlib {
        span: Span,
        name: String,
        suggestion: Option<String>,
    },
}

impl ImportError {
    pub(super) fn to_diagnostic(&self) -> Diagnostic {
        match self {
            ImportError::Missing { span, path, reason } => Diagnostic::new(
                "E0201",
                format!("cannot find the imported file `{path}`"),
                *span,
                format!("this file could not be read ({reason})"),
            )
            .with_help("import paths are relative to the importing file, e.g. `import \"./custom_fields.crmc\"`"),
            ImportError::Cycle { span, written, chain } => Diagnostic::new(
                "E0202",
                format!("import cycle: {}", chain.join(" → ")),
                *span,
                format!("importing `{written}` here closes the cycle"),
            )
            .with_help("move what both files need into a third file that both import"),
            ImportError::UnknownStdlib { span, name, suggestion } => {
                let help = match suggestion {
                    Some(s) => format!("did you mean `std/{s}`?"),
                    None => format!("the standard modules are {}", super::stdlib::list()),
                };
                Diagnostic::new("E0203", format!("there is no standard module `{name}`"), *span, "unknown module")
                    .with_help(help)
            }
        }
    }
}
