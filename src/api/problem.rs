//! Diagnostics for library callers: each [`Problem`] carries its file's
//! text, so it implements [`miette::Diagnostic`] and a caller's miette
//! handler can print it with its snippet. The data is the same
//! [`Diagnostic`] `crmc check` renders; only the packaging differs.

use crate::diagnostics::{Diagnostic, Severity};
use crate::source::SourceMap;
use crate::span::Span;
use miette::{LabeledSpan, NamedSource, SourceCode};
use std::fmt;
use std::sync::Arc;

/// One problem found in a unit, with the source it points into.
#[derive(Debug, Clone)]
pub struct Problem {
    diagnostic: Diagnostic,
    /// The file of the primary label (`None` only for an unknown span).
    source: Option<NamedSource<Arc<str>>>,
    /// `help`, then the notes and the witness, as `crmc check` prints them.
    help: Option<String>,
    /// Secondary labels in other files, as problems of their own (miette
    /// draws the labels of one diagnostic in one source).
    elsewhere: Vec<Problem>,
}

impl Problem {
    /// Packages `diagnostic` with the text of the files its labels point at.
    pub(crate) fn new(diagnostic: Diagnostic, files: &Files) -> Problem {
        let file = diagnostic.primary.span.file;
        let elsewhere = diagnostic
            .secondary
            .iter()
            .filter(|l| l.span.file != file)
            .map(|l| {
                let mut note = Diagnostic::new(diagnostic.code, l.message.clone(), l.span, "")
                    .with_severity(Severity::Note);
                note.primary.message.clear();
                Problem {
                    source: files.named(l.span),
                    help: None,
                    elsewhere: Vec::new(),
                    diagnostic: note,
                }
            })
            .collect();
        let mut help: Vec<String> = diagnostic.help.iter().cloned().collect();
        help.extend(diagnostic.notes.iter().map(|n| format!("note: {n}")));
        if let Some(w) = &diagnostic.witness {
            help.push(format!("witness: {w}"));
        }
        Problem {
            source: files.named(diagnostic.primary.span),
            help: (!help.is_empty()).then(|| help.join("\n")),
            elsewhere,
            diagnostic,
        }
    }

    /// The diagnostic as `crmc check --format json` reports it.
    pub fn diagnostic(&self) -> &Diagnostic {
        &self.diagnostic
    }
    /// The stable code, such as `E0301` (`crmc explain CODE` says more).
    pub fn code(&self) -> &'static str {
        self.diagnostic.code
    }
    pub fn severity(&self) -> Severity {
        self.diagnostic.severity
    }
    pub fn is_error(&self) -> bool {
        self.diagnostic.severity == Severity::Error
    }
    /// The file the problem is in, as it was named.
    pub fn file_name(&self) -> Option<&str> {
        self.source.as_ref().map(NamedSource::name)
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::error::Error for Problem {}

impl miette::Diagnostic for Problem {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.diagnostic.code))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        })
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        let d = &self.diagnostic;
        let label = |text: &str| (!text.is_empty()).then(|| text.to_string());
        let primary = LabeledSpan::new_primary_with_span(
            label(&d.primary.message),
            span_range(d.primary.span),
        );
        let same_file = d
            .secondary
            .iter()
            .filter(move |l| l.span.file == d.primary.span.file)
            .map(move |l| LabeledSpan::new_with_span(label(&l.message), span_range(l.span)));
        Some(Box::new(std::iter::once(primary).chain(same_file)))
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.elsewhere.is_empty() {
            return None;
        }
        Some(Box::new(
            self.elsewhere.iter().map(|p| p as &dyn miette::Diagnostic),
        ))
    }
}

fn span_range(span: Span) -> (usize, usize) {
    let start = span.start as usize;
    (start, (span.end as usize).saturating_sub(start))
}

/// The unit's file texts, shared by every problem that points into them.
pub(crate) struct Files {
    /// Indexed by [`crate::span::FileId`], which numbers a map's files densely.
    texts: Vec<(String, Arc<str>)>,
}

impl Files {
    pub(crate) fn new(sources: &SourceMap) -> Files {
        let texts = sources
            .files()
            .map(|(_, file)| (file.name.clone(), Arc::from(file.text.as_str())))
            .collect();
        Files { texts }
    }

    fn named(&self, span: Span) -> Option<NamedSource<Arc<str>>> {
        let (name, text) = self.texts.get(span.file.0 as usize)?;
        Some(NamedSource::new(name, Arc::clone(text)).with_language("crmc"))
    }
}
