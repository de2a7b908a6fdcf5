//! Turns diagnostics into text: human (codespan-reporting), JSON and SARIF.
