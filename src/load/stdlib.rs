//! The standard library, embedded in the binary so `import "std/..."` works
//! from any directory.

/// (name, source) of every standard module.
pub static MODULES: &[(&str, &str)] = &[
    ("salesforce", include_str!("../../stdlib/salesforce.crmc")),
    ("hubspot", include_str!("../../stdlib/hubspot.crmc")),
    ("suppression", include_str!("../../stdlib/suppression.crmc")),
    ("guardrails", include_str!("../../stdlib/guardrails.crmc")),
];

pub fn module(name: &str) -> Option<&'static str> {
    MODULES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}

/// `std/a`, `std/b`, ... for messages.
pub fn list() -> String {
    MODULES
        .iter()
        .map(|(n, _)| format!("`std/{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The module name closest to a misspelled one.
pub fn closest(name: &str) -> Option<String> {
    crate::diagnostics::suggest::suggest(name, MODULES.iter().map(|(n, _)| *n))
}
