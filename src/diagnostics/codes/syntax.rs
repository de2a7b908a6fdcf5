//! E01xx: syntax errors, reported by `crate::syntax` while reading a file.

use super::CodeInfo;
use crate::diagnostics::Severity;

pub static CODES: &[CodeInfo] = &[
    CodeInfo {
        code: "E0101",
        kind: "syntax_error",
        severity: Severity::Error,
        title: "unexpected text",
        explanation: "The file contains text that does not fit where it was written, so crmc \
cannot read that part. The message says what was expected at that point and what was found \
instead.\n\nExample:\n\n    trigger create          // `on` is missing\n\nFix: write the line the \
way the language expects it, here `trigger on create`. The help line under the error shows the \
shape of the clause or line in question. After an error crmc skips to the next line it \
understands, so later errors are still reported.",
    },
    CodeInfo {
        code: "E0102",
        kind: "unknown_clause",
        severity: Severity::Error,
        title: "unknown clause in a contract",
        explanation: "A line inside a `contract { ... }` block starts with a word that is not a \
contract clause.\n\nExample:\n\n    contract enrich {\n      owners \"revops@acme.example\"   // \
should be `owner`\n      priority high                 // no such clause\n    }\n\nThe clauses \
are: object, actor, owner, mode, version, trigger, eligible, exclude, confidence, fields, \
approval, audit, rollback, metric. Fix the spelling (the help line suggests the closest \
clause), or remove the line.",
    },
    CodeInfo {
        code: "E0103",
        kind: "unclosed_block",
        severity: Severity::Error,
        title: "block is missing its closing brace",
        explanation: "A block opened with `{` (a contract, a schema, an object, a `fields`, \
`confidence`, `approval` or `rollback` block, a test, or the values of a test record) has no \
matching `}`.\n\nExample:\n\n    fields {\n      Industry: auto\n    approval {     // the \
`fields` block was never closed\n\nFix: add `}` after the last line of the block. The error \
points where the `}` was expected and also marks the `{` that opened the block.",
    },
    CodeInfo {
        code: "E0104",
        kind: "bad_number",
        severity: Severity::Error,
        title: "malformed number",
        explanation: "A value that starts with a digit is not a valid number.\n\nExamples of \
mistakes: `1..5`, `0.9.1`, `1__000`, `5.`.\n\nNumbers are written `42`, `-3`, `0.95` or \
`1_000_000` (underscores may separate digits), and percentages as `80%` (0.80; on a \
percent field, 80 % on the field's scale: 80 on `percent(0..100)`). \
Versions must be whole numbers such as `3`. Fix the number so it has at most one decimal \
point and digits on both sides of it.",
    },
    CodeInfo {
        code: "E0105",
        kind: "unterminated_string",
        severity: Severity::Error,
        title: "text without a closing quote",
        explanation: "A piece of text in double quotes is not closed on the same line.\n\n\
Example:\n\n    owner \"revops@acme.example\n\nText in quotes must open and close on one \
line. Fix: add the missing `\"` at the end of the text. To put a quote inside text, write \
`\\\"`; for a backslash write `\\\\`.",
    },
    CodeInfo {
        code: "E0106",
        kind: "bad_duration",
        severity: Severity::Error,
        title: "malformed duration",
        explanation: "A duration (used by `within` in approvals and by `keep previous values \
for` in rollback) is not written correctly.\n\nExamples of mistakes: `12x`, `24hours`, \
`2.5h`, or a number with no unit such as `24`.\n\nA duration is a whole number followed by \
one unit letter: `m` for minutes, `h` for hours, `d` for days, as in `30m`, `24h`, `90d`.",
    },
    CodeInfo {
        code: "E0107",
        kind: "unknown_outcome",
        severity: Severity::Error,
        title: "unknown outcome",
        explanation: "A rule, threshold, approval line or test expectation names an outcome \
that does not exist.\n\nExample:\n\n    fields {\n      Industry: automatic when empty   // \
should be `auto`\n    }\n\nThe five outcomes, from most to least permissive, are `auto` (the \
write happens now), `review` (after approval), `escalate` (after a senior approval), \
`suggest` (shown to the owner, never written) and `never` (blocked).",
    },
    CodeInfo {
        code: "E0108",
        kind: "bad_escape",
        severity: Severity::Error,
        title: "unknown escape in text",
        explanation: "Inside double quotes a backslash starts an escape, and this one is not \
known.\n\nExample:\n\n    owner \"ops\\team\"      // `\\t` is a tab, but `\\q` would be \
unknown\n\nThe escapes are `\\\"` (a quote), `\\\\` (a backslash), `\\n` (a new line) and \
`\\t` (a tab). To write a plain backslash, double it.",
    },
    CodeInfo {
        code: "E0109",
        kind: "unknown_keyword",
        severity: Severity::Error,
        title: "word is not one of the allowed choices",
        explanation: "At this place only a few words are allowed, and the word written is not \
one of them. This covers the contract `mode` (read_only, draft, conditional_write, \
automated_write), the actor kind (ai, integration, human), trigger and test events (create, \
update, delete), field attributes (readonly, protected, sensitive) and approvers \
(record.owner, role \"...\", user \"...\", queue \"...\").\n\nExample:\n\n    mode \
conditional        // should be `conditional_write`\n\nThe help line lists the allowed words \
and suggests the closest one.",
    },
    CodeInfo {
        code: "E0110",
        kind: "bad_operator",
        severity: Severity::Error,
        title: "unknown comparison operator",
        explanation: "A condition compares with an operator that does not exist.\n\n\
Example:\n\n    eligible when AnnualRevenue => 1000000    // should be `>=`\n    eligible when \
Status = \"Open\"              // should be `==`\n\nThe comparison operators are `==`, `!=`, \
`<`, `<=`, `>` and `>=`. Other tests are written with words: `in (...)`, `not in (...)`, \
`is empty`, `is set`, `starts with`, `ends with`, `contains`.",
    },
    CodeInfo {
        code: "E0111",
        kind: "missing_condition",
        severity: Severity::Error,
        title: "`when` without a condition",
        explanation: "The keyword `when` must be followed by a condition, but nothing (or only \
the next line) follows it.\n\nExample:\n\n    fields {\n      Industry: auto when\n      \
Rating: suggest\n    }\n\nFix: write the condition after `when`, such as `auto when \
Industry is empty`, or remove `when` so the rule always applies.",
    },
    CodeInfo {
        code: "E0112",
        kind: "nesting_too_deep",
        severity: Severity::Error,
        title: "nesting too deep",
        explanation: "Parentheses or braces are nested more deeply than crmc reads (64 \
levels). Real contracts never need this; it usually means a run of unbalanced `(` or `{`.\n\n\
Fix: check that every `(` has its `)` and every `{` its `}`, and split very long conditions \
into simpler parts (for example several rules, or a named `exclusion`).",
    },
    CodeInfo {
        code: "E0113",
        kind: "condition_too_deep",
        severity: Severity::Error,
        title: "condition nested too deeply",
        explanation: "A condition nests `not` and parentheses more than 64 levels deep (each \
`not` and each `(` is one level). crmc refuses it rather than risk running out of stack \
while checking, analysing or compiling it; no real contract needs this.\n\nExample:\n\n    \
eligible when not not not not ... Score > 80\n\nFix: remove pairs of `not` (`not not X` \
means `X`), and split long conditions into named exclusions (`exclusion name on Object when \
...`, then `exclude name`) or several simpler field rules. Long flat chains of `and` / `or` \
are fine: only nesting counts.",
    },
    CodeInfo {
        code: "E0114",
        kind: "bad_percent_scale",
        severity: Severity::Error,
        title: "unknown percent scale",
        explanation: "A percent field's scale says how the CRM stores a percentage, and only two \
scales exist:\n\n    Probability: percent(0..100)             // Salesforce: 5 % is sent as 5\n    \
hs_deal_stage_probability: percent(0..1) // HubSpot: 5 % is sent as 0.05\n\nAnything else \
inside the parentheses (`percent(0..50)`, `percent(100)`) is this error. Fix: look at a \
value the CRM sends for the field (Salesforce REST sends `\"Probability\": 5` for 5 %) and \
write the scale that matches it.",
    },
    CodeInfo {
        code: "E0115",
        kind: "non_ascii_name",
        severity: Severity::Error,
        title: "name with a character outside ASCII",
        explanation: "Names of fields, objects, contracts, exclusions and relations are made of \
ASCII letters (`a`-`z`, `A`-`Z`), digits and `_`, and start with a letter or `_`. A name \
with an accented letter, a typographic apostrophe or dash, or any other character outside \
ASCII is this error.\n\nExample:\n\n    Industrie_\u{e9}: string\n\nCRMs give every field an \
ASCII API name even when its label is not (Salesforce `Industrie_e__c`, HubSpot \
`industrie_e`); write that API name. Fix: use the ASCII spelling the help suggests \
(accents dropped, `\u{df}` as `ss`), or copy the API name from the CRM's export (`crmc import`).",
    },
    CodeInfo {
        code: "E0116",
        kind: "wrong_quotes",
        severity: Severity::Error,
        title: "text in single or typographic quotes",
        explanation: "Text is written in straight double quotes: `\"Banking\"`. Single quotes \
(`'Banking'`) and the curly quotes word processors put in (`\u{201c}Banking\u{201d}`, \
`\u{2018}Banking\u{2019}`, `\u{201e}Banking\u{201c}`) are not quotes in crmc.\n\nExample:\n\n    \
eligible when Industry == 'Banking'\n\nFix: write `Industry == \"Banking\"`. When \
copying from a document or a chat, check that the editor did not turn `\"` into curly \
quotes.",
    },
];
