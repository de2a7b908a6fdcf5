use super::CodeInfo;
use crate::diagnostics::Severity;

pub static CODES: &[CodeInfo] = &[
    CodeInfo {
        code: "E0201",
        kind: "missing_import",
        severity: Severity::Error,
        title: "an imported file cannot be found",
        explanation: "An `import` names a file that cannot be read.\n\n\
Import paths other than `std/...` are relative to the file that contains the\n\
import, not to the directory crmc runs in:\n\n\
    // contracts/leads.crmc\n\
    import \"./custom_fields.crmc\"   // reads contracts/custom_fields.crmc\n\n\
Fix: correct the path, or create the file.",
    },
    CodeInfo {
        code: "E0202",
        kind: "import_cycle",
        severity: Severity::Error,
        title: "files import each other in a cycle",
        explanation: "File A imports file B, which (directly or through other files) imports A\n\
again. crmc loads each file once and needs a clear order, so a cycle is an\n\
error; the message lists every file in the cycle.\n\n\
    // a.crmc\n    import \"./b.crmc\"\n    // b.crmc\n    import \"./a.crmc\"   // error: a.crmc → b.crmc → a.crmc\n\n\
Fix: move what both files need (usually schema extensions or named\n\
exclusions) into a third file that both import.",
    },
    CodeInfo {
        code: "E0203",
        kind: "unknown_stdlib_module",
        severity: Severity::Error,
        title: "an import names a standard module that does not exist",
        explanation: "`import \"std/NAME\"` loads a module built into crmc. The modules are\n\
`std/salesforce` (Lead, Contact, Account, Opportunity, User, Task),\n\
`std/hubspot` (contacts, companies, deals) and `std/suppression` (named\n\
exclusions for opted-out people, customers and the like).\n\n\
Fix: use one of those names, or import your own file with a relative path\n\
such as `import \"./schema.crmc\"`.",
    },
];
