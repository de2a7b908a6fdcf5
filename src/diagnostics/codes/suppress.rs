//! Codes about inline suppression comments (`// crmc: allow(CODE) reason`),
//! W07xx. `crate::diagnostics::suppress` uses these codes.

use super::CodeInfo;
use crate::diagnostics::Severity;

pub static CODES: &[CodeInfo] = &[
    CodeInfo {
        code: "W0701",
        kind: "allow_without_reason",
        severity: Severity::Warning,
        title: "a suppression comment gives no reason",
        explanation: "A `// crmc: allow(CODE)` comment suppresses the finding CODE on its own \
line or on the line below it, but only with a reason after the closing parenthesis, for \
example `// crmc: allow(W0511) the importer never writes opted-out leads`. The reason is \
what a reviewer reads later, and it is kept in the JSON and SARIF output. Without one the \
comment suppresses nothing: the finding is still reported. Fix it by writing why the \
finding does not apply here after `allow(...)`.",
    },
    CodeInfo {
        code: "W0702",
        kind: "unused_allow",
        severity: Severity::Warning,
        title: "a suppression comment suppresses nothing",
        explanation: "A `// crmc: allow(CODE) reason` comment suppresses the finding CODE whose \
primary position is on the comment's line (a comment after code) or on the line just below \
it (a comment on its own line). No such finding was reported there, so the comment is stale \
(the finding was fixed) or in the wrong place. A stale suppression would silently hide the \
next finding of that code on the line, so delete the comment or move it to the finding's \
line.",
    },
    CodeInfo {
        code: "W0703",
        kind: "unsuppressible",
        severity: Severity::Warning,
        title: "this code cannot be suppressed",
        explanation: "Only warnings can be suppressed. An error (E01xx-E05xx) is a reason \
`crmc build` refuses the unit: a syntax or type error means the contract does not say what \
it seems to say, a conflict or an all-`auto` loop means the table would not govern writes as \
written, and a comment must not be a way to ship such a table. Neither can the W07xx \
warnings about suppression comments themselves be suppressed. The checker's warnings (W03xx) \
and the analyzer's warnings (W05xx) can. Fix the error instead and delete the comment.",
    },
    CodeInfo {
        code: "W0704",
        kind: "malformed_allow",
        severity: Severity::Warning,
        title: "a suppression comment is malformed or names an unknown code",
        explanation: "A comment that starts with `crmc:` is a directive to crmc. The only \
directive is `// crmc: allow(CODE) reason` (several codes may be listed, separated by \
commas: `allow(W0503, W0504)`), where each CODE is one `crmc explain` lists. This comment \
does not have that shape, or names a code crmc does not have, so it suppresses nothing. \
Fix the spelling, or start the comment with something other than `crmc:` if it is prose.",
    },
];
