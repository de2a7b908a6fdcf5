use super::CodeInfo;
#[allow(unused_imports)]
use crate::diagnostics::Severity;

pub static CODES: &[CodeInfo] = &[];
