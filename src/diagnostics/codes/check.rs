//! Codes of the checker (`crate::check`): E03xx names, schema and clauses,
//! E04xx types and values, W03xx checker warnings.

use super::CodeInfo;
use crate::diagnostics::Severity;

pub static CODES: &[CodeInfo] = &[
    // ------------------------------------------------------------ E03xx names
    CodeInfo {
        code: "E0301",
        kind: "unknown_object",
        severity: Severity::Error,
        title: "unknown object",
        explanation: "An object name (in `object X`, `exclusion ... on X`, or a test's `record X`) \
is not declared in the unit's schema. Objects come from `schema` blocks, top-level `object` \
blocks and imported files.\n\nExample:\n  contract c { object Leed ... }\n\nFix: correct the \
spelling (the message suggests the closest declared object), or import the schema that \
declares the object (`import \"std/salesforce\"`). When a standard module declares the \
object (`Lead` is in `std/salesforce`, `deals` in `std/hubspot`), the message names the \
import to add.",
    },
    CodeInfo {
        code: "E0302",
        kind: "unknown_field",
        severity: Severity::Error,
        title: "unknown field",
        explanation: "A field name is not a field of the object it is read from: the contract's \
object in conditions, `fields` lines and `update(...)` triggers, the exclusion's object, or the \
record object of a test.\n\nExample:\n  object Lead { Industry: string }\n  eligible when \
Industsry == \"Banking\"\n\nFix: correct the spelling (the message suggests the closest field), \
or add the field to the schema with `extend object Lead { Industsry: string }`.",
    },
    CodeInfo {
        code: "E0303",
        kind: "unknown_relation",
        severity: Severity::Error,
        title: "unknown parent relation",
        explanation: "A parent lookup `X.Field` (or a test's `parent X { ... }`) names something \
that is not a relation of the object. A relation comes from a `ref(Target)` field: the field \
`AccountId: ref(Account)` makes the relation `Account`, so conditions may read `Account.Type`.\n\n\
Example:\n  object Contact { Email: email }\n  exclusion c on Contact when Account.Type == \"Customer\"\n\n\
Fix: add the reference field (`AccountId: ref(Account)`) to the object, or use the relation \
name the message suggests.",
    },
    CodeInfo {
        code: "E0304",
        kind: "unknown_exclusion",
        severity: Severity::Error,
        title: "unknown named exclusion",
        explanation: "`exclude NAME` refers to a named exclusion that is not declared anywhere \
in the unit.\n\nExample:\n  exclusion opted_out on Lead when HasOptedOutOfEmail\n  contract c { \
... exclude opted_uot ... }\n\nFix: correct the name, or declare the exclusion with \
`exclusion NAME on OBJECT when CONDITION`. For a one-off condition write `exclude when CONDITION`.\n\n\
The standard exclusions (`sf_lead_opted_out`, `hs_contact_opted_out`, ...) live in \
`std/suppression`: when the name is one of them the message says so, and the fix is \
`import \"std/suppression\"` at the top of the file (it brings `std/salesforce` and \
`std/hubspot` with it).",
    },
    CodeInfo {
        code: "E0305",
        kind: "exclusion_object_mismatch",
        severity: Severity::Error,
        title: "exclusion is defined on another object",
        explanation: "A contract uses a named exclusion declared on a different object than the \
contract's own. The exclusion's condition reads fields of its object, so it cannot be applied \
to records of another object.\n\nExample:\n  exclusion customers on Contact when ...\n  contract c \
{ object Lead  exclude customers ... }\n\nFix: declare a separate exclusion on the contract's \
object, or write the condition inline with `exclude when ...`.",
    },
    CodeInfo {
        code: "E0306",
        kind: "duplicate_contract",
        severity: Severity::Error,
        title: "two contracts with the same name",
        explanation: "Contract names identify contracts in decisions, audit entries and rule \
names, so each must be unique within a compilation unit (across all files and imports).\n\n\
Example:\n  contract lead_enrichment { ... }\n  contract lead_enrichment { ... }\n\nFix: rename one \
of them, or merge them into one contract.",
    },
    CodeInfo {
        code: "E0307",
        kind: "duplicate_exclusion",
        severity: Severity::Error,
        title: "two named exclusions with the same name",
        explanation: "Named exclusions are referred to by name (`exclude NAME`), so each name may \
be declared only once in a unit.\n\nExample:\n  exclusion opted_out on Lead when HasOptedOutOfEmail\n\
  exclusion opted_out on Lead when DoNotCall\n\nFix: rename one, or combine the conditions with \
`or` in one exclusion.",
    },
    CodeInfo {
        code: "E0308",
        kind: "duplicate_field_rules",
        severity: Severity::Error,
        title: "a field has two lines in one `fields` block",
        explanation: "Each field (and `*`) may have only one line in a contract's `fields` \
block; the rules of a line are tried in order, so a second line would never be reached or \
would be ambiguous.\n\nExample:\n  fields {\n    Industry: auto when empty\n    Industry: review\n  }\n\n\
Fix: merge the lines, separating rules with commas: `Industry: auto when empty, review`.",
    },
    CodeInfo {
        code: "E0309",
        kind: "field_type_conflict",
        severity: Severity::Error,
        title: "a field is declared with two different types",
        explanation: "The unit's schema is the union of every `object` and `extend object` \
block. The same field may be declared more than once only with the same type (attributes are \
combined).\n\nExample:\n  object Lead { Score: int }\n  extend object Lead { Score: number }\n\n\
Fix: give both declarations the same type, or rename one of the fields.",
    },
    CodeInfo {
        code: "E0310",
        kind: "extend_unknown_object",
        severity: Severity::Error,
        title: "`extend object` of an object that is never declared",
        explanation: "`extend object X { ... }` adds fields to an object declared elsewhere with \
`object X { ... }`. No such declaration exists in the unit, which usually means a typo or a \
missing import.\n\nExample:\n  extend object Leed { Fit_Score__c: number }\n\nFix: correct the \
object name, import the schema that declares it, or write `object X { ... }` to declare it.",
    },
    CodeInfo {
        code: "E0327",
        kind: "unknown_ref_target",
        severity: Severity::Error,
        title: "a reference names an undeclared object that looks like a typo",
        explanation: "A `ref(X)` field type names an object that the schema does not declare, and \
whose name is close to one it does.\n\n\
Example:\n  object Account { Type: picklist(\"Customer\") }\n  object Contact { AccountId: ref(Acount) }   // did you mean `Account`?\n\n\
Parent lookups such as `Account.Type` only work when the ref names a declared object, so a \
typo here would quietly cut the link between the two objects. crmc refuses it.\n\n\
References to objects the schema does not model at all are still allowed (a Salesforce \
export of Lead refers to User, Group, Campaign...; the values are just ids): only a name \
within a typo or two of a declared object is this error.\n\n\
Fix: correct the name (`ref(Account)`), or declare the object if it really is a different one.",
    },
    CodeInfo {
        code: "E0328",
        kind: "percent_without_scale",
        severity: Severity::Error,
        title: "a percent field without its scale",
        explanation: "CRMs store percentages on two different scales, so a percent field says \
which one its CRM uses:\n\n    Probability: percent(0..100)              // Salesforce: 5 % is sent as 5\n    \
hs_deal_stage_probability: percent(0..1)  // HubSpot: 5 % is sent as 0.05\n\nA bare `percent` is refused rather than guessed: with the wrong scale, \
`exclude when Probability < 10%` would compare 5 (meaning 5 %) with 0.10, never fire, and \
let through writes the contract means to stop.\n\n\
A percentage literal compared with (or set on) a percent field is converted to the field's \
scale: `10%` is 10 on `percent(0..100)` and 0.1 on `percent(0..1)`. A plain number is \
taken as written, on the field's scale: `Probability < 10` on `percent(0..100)` is 10 %, \
`hs_deal_stage_probability < 0.1` on `percent(0..1)` is 10 %. On a `number` field `10%` \
keeps its usual meaning, 0.1.\n\n\
Fix: look at a value the CRM sends for the field and write `percent(0..100)` or \
`percent(0..1)`. Salesforce `percent` fields (Probability, custom `Percent` fields) are \
0..100; `crmc import` writes the scale for you.",
    },
    CodeInfo {
        code: "E0312",
        kind: "unknown_type",
        severity: Severity::Error,
        title: "unknown field type",
        explanation: "A field's type is not one of the types of the language: id, string, email, \
phone, url, bool, int, number, currency, percent(0..100), percent(0..1), date, datetime, \
picklist(...), multipicklist(...), ref(Object).\n\nExample:\n  object Lead { Company: strng }\n\nFix: use one \
of the listed types (the message suggests the closest one).",
    },
    CodeInfo {
        code: "E0313",
        kind: "missing_clause",
        severity: Severity::Error,
        title: "a required contract clause is missing",
        explanation: "Every contract must say which object it governs (`object`), whose writes \
it governs (`actor`), on which events (`trigger`) and what each field may receive (`fields`). \
Without them the contract could not be applied safely.\n\nExample:\n  contract c { object Lead  \
actor ai \"alim\"  fields { *: never } }   // no trigger\n\nFix: add the clause, e.g. \
`trigger on create, update`.",
    },
    CodeInfo {
        code: "E0314",
        kind: "duplicate_clause",
        severity: Severity::Error,
        title: "a contract clause is written twice",
        explanation: "Each clause of a contract may appear at most once, except `exclude`. Two \
`actor` or two `fields` clauses would leave it unclear which one applies.\n\nExample:\n  \
contract c { object Lead  object Contact ... }\n\nFix: remove one of the clauses, or merge them \
(for conditions, combine with `and` / `or`). For a second actor, write a second contract.",
    },
    CodeInfo {
        code: "E0315",
        kind: "duplicate_version",
        severity: Severity::Error,
        title: "version given in the header and as a clause",
        explanation: "A contract's version may be written in its header (`contract c version 3 \
{ ... }`) or as a clause (`version 3`), but not both.\n\nExample:\n  contract c version 2 { \
version 3 ... }\n\nFix: keep one of them.",
    },
    CodeInfo {
        code: "E0316",
        kind: "unknown_audit_field",
        severity: Severity::Error,
        title: "unknown audit field",
        explanation: "The `audit` clause lists fields from a fixed vocabulary: record_id, \
contract, version, trigger, field, old_value, new_value, source, confidence, timestamp, actor, \
outcome, reasons.\n\nExample:\n  audit record_id, old_vale\n\nFix: use the names of the \
vocabulary (the message suggests the closest one).",
    },
    CodeInfo {
        code: "E0317",
        kind: "duplicate_entry",
        severity: Severity::Error,
        title: "an entry is given twice in one block",
        explanation: "Some entries may be given at most once in their block: each threshold \
level in `confidence`, `review by` and `escalate to` in `approval`, `keep previous values` in \
`rollback`, and in a test: `actor`, `event`, `record`, `confidence`, `source`, `at`, each \
`parent`, each field of a record, each `change` and each `expect`.\n\nExample:\n  confidence { \
auto at least 0.9  auto at least 0.8 }\n\nFix: remove one of them.",
    },
    CodeInfo {
        code: "E0318",
        kind: "bare_empty_outside_field_rule",
        severity: Severity::Error,
        title: "bare `empty`/`set` outside a field's rules",
        explanation: "Bare `empty` and `set` are short for `F is empty` / `F is set` where F is \
the field of the `fields` line the rule belongs to. Elsewhere (eligible, exclude, approval, and \
the `*` line, which covers many fields) there is no such field.\n\nExample:\n  eligible when \
empty\n\nFix: name the field: `Industry is empty`.",
    },
    CodeInfo {
        code: "E0319",
        kind: "invalid_reference",
        severity: Severity::Error,
        title: "this cannot be read here",
        explanation: "`changed(F)` and `new F` apply to fields of the contract's own object only \
(the mutation changes only that record), not to parent fields (`Account.Type`) or context \
values (`confidence`, `source`, `event`). Parent lookups go one level deep: `Account.Type`, \
not `Account.Owner.Name`.\n\nExample:\n  changed(Account.Type)\n\nFix: read a field of the \
contract's object, or drop `new` / `changed`.",
    },
    CodeInfo {
        code: "E0320",
        kind: "invalid_test",
        severity: Severity::Error,
        title: "a test is incomplete",
        explanation: "A `test` block describes one complete mutation and what must be decided. \
It needs `record OBJECT { ... }`, `actor KIND \"name\"`, `event create|update|delete`, at least \
one `change F to VALUE` (except for `event delete`) and at least one `expect`.\n\nExample:\n  \
test \"t\" { actor ai \"alim\"  event update  record Lead {}  expect auto }   // no change\n\n\
Fix: add the missing item.",
    },
    CodeInfo {
        code: "E0321",
        kind: "duplicate_test",
        severity: Severity::Error,
        title: "two tests with the same name",
        explanation: "`crmc test` reports results by test name, so every test in a unit must \
have a distinct name.\n\nExample:\n  test \"enriches\" { ... }\n  test \"enriches\" { ... }\n\n\
Fix: rename one of the tests so the name says what it checks.",
    },
    CodeInfo {
        code: "E0322",
        kind: "expect_unchanged_field",
        severity: Severity::Error,
        title: "a test expects an outcome for a field it does not change",
        explanation: "`expect F OUTCOME` checks the decision for the field F, but decisions are \
made only for the fields the mutation changes. A field without a `change F to ...` line gets no \
decision.\n\nExample:\n  change Industry to \"Banking\"\n  expect Rating auto\n\nFix: add \
`change F to VALUE`, or expect the outcome of a field that is changed.",
    },
    CodeInfo {
        code: "E0323",
        kind: "duplicate_relation",
        severity: Severity::Error,
        title: "two reference fields make the same relation",
        explanation: "A relation name is the ref field's name without a trailing `Id`, so \
`AccountId: ref(Account)` and `Account: ref(Account)` both make the relation `Account`, and \
`Account.Type` would be ambiguous.\n\nExample:\n  object Contact { AccountId: ref(Account)  \
Account: ref(Account) }\n\nFix: remove or rename one of the reference fields.",
    },
    CodeInfo {
        code: "E0324",
        kind: "invalid_threshold",
        severity: Severity::Error,
        title: "invalid confidence threshold level",
        explanation: "A `confidence` block has two levels only: `auto at least X` (below X the \
outcome becomes at least `review`) and `review at least X` (below X the write is blocked).\n\n\
Example:\n  confidence { suggest at least 0.5 }\n\nFix: use `auto` or `review`.",
    },
    CodeInfo {
        code: "E0325",
        kind: "invalid_route",
        severity: Severity::Error,
        title: "an approver on an outcome that has no approval",
        explanation: "Only `review` and `escalate` wait for an approval, so only they take an \
approver (`review by record.owner`, `escalate to role \"Sales Manager\"`). `auto` executes at \
once, `suggest` and `never` never execute.\n\nExample:\n  Industry: auto by record.owner\n\n\
Fix: remove the approver, or change the outcome to `review` or `escalate`.",
    },
    CodeInfo {
        code: "E0326",
        kind: "invalid_version",
        severity: Severity::Error,
        title: "invalid contract version",
        explanation: "A contract version is a whole number from 1 to 4294967295. It is recorded \
in every audit entry so reviewers know which contract text decided.\n\nExample:\n  contract c \
version 0 { ... }\n\nFix: use a positive version number, and raise it whenever the contract \
changes.",
    },
    // ------------------------------------------------------------ E04xx types
    CodeInfo {
        code: "E0401",
        kind: "invalid_operator",
        severity: Severity::Error,
        title: "operator not valid for this type",
        explanation: "Each operator applies to some types only: `<` `<=` `>` `>=` to int, \
number, currency, percent, date and datetime; `==` `!=` to every type; `in` / `not in` to all \
but bool; `starts with` / `ends with` / `contains` to text (string, email, phone, url) and \
`source`, and `contains` to multipicklists; `before` / `after N days ago` to dates and \
datetimes.\n\nExample:\n  Company < \"M\"\n\nFix: use an operator of the field's type, e.g. \
`Company starts with \"M\"`.",
    },
    CodeInfo {
        code: "E0402",
        kind: "type_mismatch",
        severity: Severity::Error,
        title: "value of the wrong type",
        explanation: "Every literal must fit the type of what it is compared with: numbers for \
int, number, currency and percent fields (percentages like `80%` only for percent and number \
fields and `confidence`; on a percent field `80%` means 80 % on the field's scale, on a \
number field the fraction 0.8), quoted text for text, id, ref and picklist fields, `true` / `false` \
for bool fields, quoted dates for date fields.\n\nExample:\n  AnnualRevenue > \"1000000\"\n\n\
Fix: write the value in the field's type: `AnnualRevenue > 1000000`.",
    },
    CodeInfo {
        code: "E0403",
        kind: "value_not_allowed",
        severity: Severity::Error,
        title: "picklist value not allowed",
        explanation: "A picklist (or multipicklist) field takes only the values listed in its \
declaration, exactly as written (case matters). A comparison with any other value could \
never hold, which usually means a typo.\n\nExample:\n  Industry: picklist(\"Banking\", \
\"Technology\")\n  Industry == \"Tech\"\n\nFix: use one of the allowed values, or add the value to \
the picklist in the schema.",
    },
    CodeInfo {
        code: "E0404",
        kind: "null_comparison",
        severity: Severity::Error,
        title: "comparison with `null`",
        explanation: "Comparing with an empty value is always false (language-v1 §5.1), so \
`F == null` would never hold. Emptiness has its own test.\n\nExample:\n  Industry == null\n\n\
Fix: write `Industry is empty` (or `Industry is set` for `!= null`); inside the field's own \
rules bare `empty` / `set` work too.",
    },
    CodeInfo {
        code: "E0405",
        kind: "not_yes_no",
        severity: Severity::Error,
        title: "a field used as a condition is not a yes/no field",
        explanation: "A bare field name as a condition means `F == true`, which is only \
meaningful for `bool` fields.\n\nExample:\n  exclude when Industry\n\nFix: compare the field \
with a value (`Industry == \"Banking\"`) or test it with `is empty` / `is set`.",
    },
    CodeInfo {
        code: "E0406",
        kind: "expected_integer",
        severity: Severity::Error,
        title: "whole number expected",
        explanation: "An `int` field holds whole numbers only, so comparing it with a fraction \
would be misleading; the same holds for the day count of `before N days ago`.\n\nExample:\n  \
NumberOfEmployees > 10.5\n\nFix: use a whole number (`NumberOfEmployees > 10`), or change the \
field's type to `number`.",
    },
    CodeInfo {
        code: "E0407",
        kind: "out_of_range",
        severity: Severity::Error,
        title: "value out of range",
        explanation: "Confidence is a number from 0 to 1 (or a percentage from 0% to 100%): \
comparisons with `confidence`, `confidence` thresholds and the confidence of a test must lie \
in that range, otherwise they always or never hold.\n\nExample:\n  confidence { auto at least \
95 }\n\nFix: write a fraction or a percentage: `auto at least 0.95` or `auto at least 95%`.",
    },
    CodeInfo {
        code: "E0408",
        kind: "invalid_date",
        severity: Severity::Error,
        title: "invalid date or datetime",
        explanation: "Dates are written as quoted `\"YYYY-MM-DD\"` strings and datetimes as RFC \
3339 strings such as `\"2026-11-21T10:00:00Z\"` (a date alone means midnight UTC). The value \
must be a real calendar date.\n\nExample:\n  LastActivityDate < \"2026-02-30\"\n\nFix: write a \
valid date in the expected form.",
    },
    CodeInfo {
        code: "E0409",
        kind: "invalid_event_value",
        severity: Severity::Error,
        title: "`event` compared with something that is not an event",
        explanation: "The context value `event` is one of the words `create`, `update`, \
`delete`, written without quotes.\n\nExample:\n  event == \"update\"\n\nFix: write `event == \
update`.",
    },
    CodeInfo {
        code: "E0410",
        kind: "invalid_days",
        severity: Severity::Error,
        title: "invalid day count",
        explanation: "`F before N days ago` and `F after N days ago` take a whole, non-negative \
number of days N.\n\nExample:\n  LastActivityDate before -3 days ago\n\nFix: write a whole \
number of days such as `90`.",
    },
    CodeInfo {
        code: "E0411",
        kind: "protected_field",
        severity: Severity::Error,
        title: "`auto` on a protected field",
        explanation: "A `protected` field is never written silently: the evaluator raises any \
outcome below `review` to `review`. A rule granting `auto` would promise something that never \
happens.\n\nExample:\n  OwnerId: ref(User) protected\n  fields { OwnerId: auto }\n\nFix: use \
`review` (or a stricter outcome), or remove `protected` from the field if silent writes are \
acceptable.",
    },
    CodeInfo {
        code: "E0412",
        kind: "readonly_field",
        severity: Severity::Error,
        title: "a read-only field is given a writable outcome",
        explanation: "No contract may write a `readonly` field; the evaluator always decides \
`never` for it. Any other outcome in a rule is a mistake.\n\nExample:\n  Id: id readonly\n  \
fields { Id: review }\n\nFix: write `never` for the field or remove its line (the default is \
`never`).",
    },
    CodeInfo {
        code: "E0413",
        kind: "invalid_metric_target",
        severity: Severity::Error,
        title: "invalid metric target",
        explanation: "A `metric` target is a number or a percentage (`target 80%`, `target \
0.8`, `target 120`).\n\nExample:\n  metric \"acceptance\" target \"high\"\n\nFix: write the target \
as a number or a percentage.",
    },
    CodeInfo {
        code: "E0414",
        kind: "invalid_timestamp",
        severity: Severity::Error,
        title: "invalid test timestamp",
        explanation: "A test's `at` is an RFC 3339 timestamp such as `\"2026-11-21T10:00:00Z\"` \
(a date with a time and a time zone). The evaluator uses it as the time of the mutation for \
`before` / `after N days ago`.\n\nExample:\n  at \"yesterday\"\n\nFix: write a full timestamp.",
    },
    CodeInfo {
        code: "E0335",
        kind: "empty_cause_name",
        severity: Severity::Error,
        title: "a signal or schedule without a name",
        explanation: "A `signal` trigger names the cause an integration sends when something \
outside the CRM starts the automation (`trigger on signal \"prospect_sourced\"`); a named \
`schedule` names one scheduled run (`trigger on schedule \"nightly\"`). The mutation's \
`\"trigger\": {\"event\": \"signal\", \"name\": \"prospect_sourced\"}` is matched against that \
name exactly, so an empty name would match nothing an integration can send.\n\nExample:\n  \
trigger on signal \"\"\n\nFix: write the name the integration sends, or `schedule` alone for \
any scheduled run.",
    },
    CodeInfo {
        code: "E0336",
        kind: "cause_without_fields",
        severity: Severity::Error,
        title: "a test's update trigger names no fields",
        explanation: "A test's `trigger` line is the cause the mutation carries (its \
`\"trigger\"` key): what started the automation. An update cause says which fields changed, \
since a contract's `trigger on update(Email)` matches only when one of those is among them; \
a bare `trigger update` cannot say that.\n\nExample:\n  trigger update\n\nFix: list the fields \
that changed, `trigger update(Email, Company)`, or leave the line out to let the test's write \
be its own cause.",
    },
    CodeInfo {
        code: "E0337",
        kind: "invalid_sample_rate",
        severity: Severity::Error,
        title: "invalid sample rate",
        explanation: "`sample N% for review` sends that share of the writes a contract would \
decide `auto` to review instead, so a person checks a sample before the automation scales. The \
rate is a percentage above 0% and at most 100%, with at most two decimals (`0.01%` is the \
smallest step). Which writes are sampled is decided from the record id, the contract, its \
version and the field, so a replay samples the same writes.\n\nExample:\n  sample 0.05 for \
review\n  sample 0% for review\n\nFix: write the rate as a percentage, like `sample 5% for \
review`; to stop sampling, remove the clause.",
    },
    CodeInfo {
        code: "E0338",
        kind: "sample_outcome",
        severity: Severity::Error,
        title: "a sample that does not go to review",
        explanation: "A sample is a share of the automatic writes that a person reviews: \
`sample 5% for review`. The reviewer is the contract's `approval { review by ... }` route. \
Other outcomes are not sampling: a write that must always be escalated or refused is a rule \
(`Industry: escalate when ...`).\n\nExample:\n  sample 5% for escalate\n\nFix: write \
`for review`.",
    },
    CodeInfo {
        code: "E0339",
        kind: "duplicate_sample",
        severity: Severity::Error,
        title: "a field sampled twice",
        explanation: "A contract may have one `sample N% for review` for all its fields, and \
`sample N% of F, ... for review` clauses for fields that need another rate. Each field has one \
rate: a field listed in two `of` lists, or two clauses without `of`, leave it unclear which \
rate holds.\n\nExample:\n  sample 5% for review\n  sample 10% for review\n\nFix: keep one \
rate per field.",
    },
    CodeInfo {
        code: "E0340",
        kind: "guardrail_missing_item",
        severity: Severity::Error,
        title: "a guardrail without object, actor or fields",
        explanation: "A guardrail is a floor under what the contracts decide for one object and \
one kind of actor: `object Lead`, `actor ai \"*\"` (every AI actor, or one name) and a \
`fields { ... }` block of floors are required; `when` (where it applies) and `reason` (what \
the decision says) are optional.\n\nExample:\n  guardrail opt_out_is_human {\n    object Lead\n    \
fields { HasOptedOutOfEmail: never }\n  }\n\nFix: add the missing line, like `actor ai \"*\"`.",
    },
    CodeInfo {
        code: "E0341",
        kind: "duplicate_guardrail_item",
        severity: Severity::Error,
        title: "a guardrail line given twice",
        explanation: "Each guardrail has one `object`, one `actor`, one `when`, one `fields` \
block and one `reason`. Two of a kind leave it unclear which holds; rules for another object \
or another actor are a guardrail of their own.\n\nExample:\n  actor ai \"*\"\n  actor \
integration \"*\"\n\nFix: keep one, and write a second guardrail for the other actor.",
    },
    CodeInfo {
        code: "E0342",
        kind: "guardrail_floor",
        severity: Severity::Error,
        title: "a guardrail floor that does not raise",
        explanation: "A guardrail raises the outcome the contracts decide for a field to at least \
its floor, after they combine; it never lowers one and never governs a write no contract \
governs. So a floor is `never` or `at least review`, `at least escalate`, `at least suggest`, \
`at least never`: a bare `review` would read as \"exactly review\", which a guardrail cannot \
do, and `at least auto` raises nothing.\n\nExample:\n  fields { OwnerId: review  Title: at \
least auto }\n\nFix: write `OwnerId: at least review`, and remove the `auto` line.",
    },
    CodeInfo {
        code: "E0343",
        kind: "duplicate_guardrail",
        severity: Severity::Error,
        title: "duplicate guardrail",
        explanation: "Decisions name a guardrail in their reasons, so each name is defined once.\n\n\
Example:\n  guardrail opt_out_is_human { ... }\n  guardrail opt_out_is_human { ... }\n\nFix: \
rename one, or merge them.",
    },
    CodeInfo {
        code: "E0344",
        kind: "invalid_provenance",
        severity: Severity::Error,
        title: "a provenance condition that cannot be read",
        explanation: "`set by` and `source of` read the mutation's `history`: who last wrote a \
field of the record, when and through what (`Industry set by human`, `set by ai \"vera\" \
within 90d`, `source of Industry in (\"CRM_UI\", \"IMPORT\")`). They are about the record's \
own fields (a parent's history is not in the input); a bare `set by` means the field of the \
line it is in, so it is not allowed in a `*` line or outside `fields`; an actor name is not \
empty; `within` is a window above zero and at most a hundred years.\n\nExample:\n  *: review \
when set by human\n  Industry: review when Account.Industry set by human\n\nFix: name one of the \
record's fields, like `Industry set by human`.",
    },
    // ------------------------------------------------------------ W03xx
    CodeInfo {
        code: "W0301",
        kind: "duplicate_audit_field",
        severity: Severity::Warning,
        title: "an audit field is listed twice",
        explanation: "An `audit` clause lists each audit field once; a repeated name has no \
effect and is usually a leftover from editing.\n\nExample:\n  audit record_id, field, \
record_id\n\nFix: remove the repeated name.",
    },
];
