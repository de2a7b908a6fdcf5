use super::CodeInfo;
use crate::diagnostics::Severity;

/// Analysis findings (analysis-v1). `src/analyze/render.rs` uses these codes.
pub static CODES: &[CodeInfo] = &[
    CodeInfo {
        code: "E0501",
        kind: "conflict",
        severity: Severity::Error,
        title: "two contracts for the same actor decide differently",
        explanation: "Two contracts govern the same object for actor patterns that can match the \
same actor, both apply to one mutation (triggers fire, both eligible, neither excluded), and \
they decide different outcomes for the same changed field after caps (confidence thresholds, \
mode, protected and readonly attributes). The evaluator then takes the most restrictive \
outcome, so the more permissive contract silently stops working for those records. The \
witness is such a mutation. Fix it by narrowing `eligible` of one contract so the two no \
longer overlap, by adding an `exclude`, or by making the field rules agree.",
    },
    CodeInfo {
        code: "W0502",
        kind: "ownership",
        severity: Severity::Warning,
        title: "two actors can both auto-write the same field",
        explanation: "Contracts for different actors can both decide `auto` for the same field \
of the same records: two automations fight over one value, and whichever writes last wins. \
The witness is a mutation by the first actor; a note shows the second actor's mutation on the \
same record. Fix it by giving the field one owner: demote one contract's rule to `review` or \
`suggest`, or split the records between them with `eligible`.",
    },
    CodeInfo {
        code: "W0503",
        kind: "shadowed_rule",
        severity: Severity::Warning,
        title: "a field rule never decides",
        explanation: "Within the contract's eligible and not-excluded records, the rules above \
this one in the same field line match every mutation this rule could match, so it never \
decides (the first matching rule wins). The finding names the covering rules. Fix it by \
moving the rule above the ones that cover it, narrowing the earlier rules, or deleting it.",
    },
    CodeInfo {
        code: "W0504",
        kind: "dead_rule",
        severity: Severity::Warning,
        title: "a rule's condition can never hold",
        explanation: "The rule's `when` condition is unsatisfiable on its own, for example \
`AnnualRevenue > 10 and AnnualRevenue < 5`, or a picklist compared with a value outside \
its set after other parts exclude it. The finding names the parts that contradict each \
other. Comparisons with an empty field are false, so `F != v` does not hold for an empty \
`F`. Fix the condition or delete the rule.",
    },
    CodeInfo {
        code: "W0505",
        kind: "dead_contract",
        severity: Severity::Warning,
        title: "a contract never applies",
        explanation: "No mutation can fire the contract's triggers, meet its `eligible` \
condition and escape all its exclusions at once, so the contract governs nothing. The \
finding names the clauses that contradict each other, for example an exclusion that holds \
on every eligible record. Fix the clauses or delete the contract.",
    },
    CodeInfo {
        code: "W0506",
        kind: "gap",
        severity: Severity::Note,
        title: "some changes of a listed field match no rule",
        explanation: "A field is listed in the contract, but some mutations that change it \
match none of its rules, and no `*` rule catches them, so they fall to `never`. That may be \
intended; if not, add a final rule without `when` (for example `review`) to the line, or a \
`*` rule. The witness is such a mutation.",
    },
    CodeInfo {
        code: "E0507",
        kind: "automation_loop",
        severity: Severity::Error,
        title: "contracts can trigger each other in a loop of automatic writes",
        explanation: "Contract A can auto-write a field whose change triggers contract B, \
which can auto-write a field whose change triggers A again, and every step of the cycle can \
be `auto`: the automations can keep rewriting each other without a person in between. The \
finding shows the cycle, contract -> field -> contract. Break it by narrowing a trigger \
(`update(F, ...)` without the written field) or demoting one write to `review`.",
    },
    CodeInfo {
        code: "W0508",
        kind: "automation_loop",
        severity: Severity::Warning,
        title: "contracts can trigger each other in a loop",
        explanation: "Contract A can write a field (any outcome below `suggest`) whose change \
triggers contract B, which can write a field whose change triggers A again. Some step needs \
an approval, so the loop cannot spin on its own, but each round asks people again. The \
finding shows the cycle, contract -> field -> contract. Narrow a trigger to break it.",
    },
    CodeInfo {
        code: "W0514",
        kind: "self_retrigger",
        severity: Severity::Warning,
        title: "an automation is re-triggered by its own writes",
        explanation: "A contract's trigger is the cause that starts the automation; the writes it \
then proposes are effects. When one of those writes (or a write of another contract of the same \
actor) is itself a change the contract's trigger matches, the automation starts again on its own \
output: the classic CRM recursion (an enrichment that triggers on any update, and updates). \
The finding shows the cycle, contract -> field -> contract.\n\nExample:\n  trigger on create, \
update\n  fields { Industry: auto }\n\nFix: let the trigger list the fields that start the work, \
not the ones it writes (`trigger on create, update(Email, Company)`). If the integration already \
skips changes it made itself (Salesforce's `changeOrigin`, HubSpot's `sourceId`), the loop cannot \
spin and the warning can be suppressed. A loop of `auto` writes between different automations \
is an error instead (E0507).",
    },
    CodeInfo {
        code: "E0509",
        kind: "threshold_order",
        severity: Severity::Error,
        title: "`auto at least` is below `review at least`",
        explanation: "In a `confidence` block, the threshold for `auto` must not be below the \
threshold for `review`: a confidence between the two would be allowed to write automatically \
while being too low to even review. Example: `auto at least 0.5` with `review at least 0.8`. \
Swap or fix the two values.",
    },
    CodeInfo {
        code: "E0510",
        kind: "no_approver",
        severity: Severity::Error,
        title: "a review or escalate outcome has no approver",
        explanation: "The contract can decide `review` or `escalate` (from a rule, or through a \
cap: a confidence below `auto at least`, mode `draft`, or a `protected` field), but neither \
the rule names an approver (`review by ...`, `escalate to ...`) nor does the `approval` block \
have a route for that level. The write would wait forever. Add an `approval` route such as \
`review by record.owner within 24h`.",
    },
    CodeInfo {
        code: "W0511",
        kind: "unsuppressed_automation",
        severity: Severity::Warning,
        title: "an automatic contract has no exclusion",
        explanation: "The contract can decide `auto` but has no `exclude` clause at all, so \
nothing stops it on records that should never be touched automatically (opted-out contacts, \
key accounts, records under legal hold). Add an `exclude` clause, for example \
`exclude when HasOptedOutOfEmail`.",
    },
    CodeInfo {
        code: "W0512",
        kind: "no_rollback",
        severity: Severity::Warning,
        title: "an automatic contract has no rollback",
        explanation: "The contract can decide `auto` but has no `rollback` block, so previous \
values of automatically written fields are not kept and nobody is notified. Add one, for \
example `rollback { keep previous values for 90d notify record.owner }`.",
    },
    CodeInfo {
        code: "W0513",
        kind: "thin_audit",
        severity: Severity::Warning,
        title: "the audit clause lacks required fields",
        explanation: "Every contract should audit record_id, contract, version, trigger, field, \
old_value, new_value, source, confidence, timestamp and actor, so that each decision can be \
traced and undone. This contract's `audit` clause misses some of them, or there is no `audit` \
clause at all. Add the missing names to the `audit` clause.",
    },
    CodeInfo {
        code: "W0515",
        kind: "capped_by_guardrail",
        severity: Severity::Warning,
        title: "a rule a guardrail always raises",
        explanation: "A guardrail raises what the contracts decide for its fields to at least its \
floor, wherever it applies. When it applies everywhere a rule decides, the rule's own outcome \
never happens: `Title: auto` under a guardrail `Title: at least review` for every AI actor \
always ends `review`. That is no conflict (guardrails exist to do it), but the contract now \
says something untrue about its writes; the witness is one write the rule decides.\n\n\
Example:\n  guardrail titles_by_people { object Lead  actor ai \"*\"  fields { Title: at least \
review } }\n  contract enrich { ... fields { Title: auto } }\n\nFix: write what happens \
(`Title: review`), narrow the guardrail, or delete the rule.",
    },
    CodeInfo {
        code: "W0516",
        kind: "dead_guardrail",
        severity: Severity::Warning,
        title: "a guardrail that never applies",
        explanation: "A guardrail raises the writes some contract governs; it never governs a \
write by itself. One that can never apply protects nothing: its `when` never holds, no \
contract governs writes of its actors to its object, or its `when` never holds where such a \
contract governs a change of a field it floors. This is usually a typo in the object or actor, \
or a guardrail left behind when its contracts were removed. The analysis is for complete \
records.\n\nExample:\n  guardrail g { object Lead  actor integration \"*\"  fields { \
OwnerId: never } }   // no integration contract on Lead\n\nFix: correct the object, actor or \
`when`, or delete the guardrail.",
    },
];
