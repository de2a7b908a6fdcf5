//! The text of every checker problem: [`CheckError::into_diagnostic`] turns
//! the data of [`super`] into a coded diagnostic with labels and a hint a
//! RevOps user can act on.

use super::{CheckError, Expected, Found, Misuse};
use crate::diagnostics::Diagnostic;

fn did_you_mean(s: &Option<String>) -> Option<String> {
    s.as_ref().map(|s| format!("did you mean `{s}`?"))
}

fn list(values: &[String], max: usize) -> String {
    let mut out: Vec<String> = values
        .iter()
        .take(max)
        .map(|v| format!("\"{v}\""))
        .collect();
    if values.len() > max {
        out.push(format!("... ({} more)", values.len() - max));
    }
    out.join(", ")
}

/// "`X` is in `std/m`: add `import "std/m"`".
fn missing_import(name: &str, module: &str) -> String {
    format!("`{name}` is in `std/{module}`: add `import \"std/{module}\"` at the top of the file")
}

impl CheckError {
    pub fn into_diagnostic(self) -> Diagnostic {
        use CheckError as E;
        match self {
            E::UnknownType {
                name,
                span,
                suggestion,
            } => {
                let d = Diagnostic::new(
                    "E0312",
                    format!("unknown field type `{name}`"),
                    span,
                    "not a type of the language",
                );
                d.with_help(match suggestion {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "use one of: id, string, email, phone, url, bool, int, number, \
                             currency, percent(0..100), percent(0..1), date, datetime, picklist(...), \
                             multipicklist(...), ref(Object)"
                        .to_string(),
                })
            }
            E::FieldTypeConflict {
                object,
                field,
                first_ty,
                second_ty,
                first,
                second,
            } => {
                let message = if first_ty == second_ty {
                    format!("field `{object}.{field}` is declared twice with different {first_ty} values")
                } else {
                    format!("field `{object}.{field}` is declared as `{second_ty}` here but as `{first_ty}` elsewhere")
                };
                Diagnostic::new("E0309", message, second, format!("declared as `{second_ty}` here"))
                    .with_label(first, format!("first declared as `{first_ty}` here"))
                    .with_help("give both declarations the same type, or rename one of the fields")
            }
            E::ExtendUnknownObject {
                name,
                span,
                suggestion,
                std_module,
            } => Diagnostic::new(
                "E0310",
                format!("`extend object {name}` extends an object that is never declared"),
                span,
                "no `object` declaration with this name",
            )
            .with_help(match (std_module, suggestion) {
                (Some(m), _) => missing_import(&name, m),
                (None, Some(s)) => format!("did you mean `{s}`?"),
                (None, None) => format!(
                    "import the schema that declares `{name}`, or write `object {name} {{ ... }}` to declare it"
                ),
            }),
            E::UnknownRefTarget {
                object,
                field,
                target,
                span,
                suggestion,
            } => Diagnostic::new(
                "E0327",
                format!("field `{object}.{field}` refers to `{target}`, which is not a declared object"),
                span,
                format!("`{target}` is not declared, but `{suggestion}` is"),
            )
            .with_help(format!("did you mean `ref({suggestion})`? A typo here would silently turn off every `{suggestion}.Field` condition on `{object}`")),
            E::PercentWithoutScale {
                object,
                field,
                span,
            } => Diagnostic::new(
                "E0328",
                format!("percent field `{object}.{field}` does not say its scale"),
                span,
                "write `percent(0..100)` or `percent(0..1)`",
            )
            .with_help("Salesforce sends 5 % as 5: write `percent(0..100)`; HubSpot's deal probability sends 5 % as 0.05: write `percent(0..1)`. Check a value the CRM sends for this field"),
            E::DuplicateRelation {
                object,
                relation,
                first,
                second,
            } => Diagnostic::new(
                "E0323",
                format!("two reference fields of `{object}` both make the relation `{relation}`"),
                second,
                format!("this also makes `{relation}`"),
            )
            .with_label(first, format!("`{relation}` is first made here"))
            .with_help("remove or rename one of the reference fields so that parent lookups are unambiguous"),
            E::CauseWithoutFields { span } => Diagnostic::new(
                "E0336",
                "a test's update trigger names no fields",
                span,
                "which fields' change started the automation?",
            )
            .with_help("write `trigger update(Email, Company)`: an update cause lists the fields that changed"),
            E::InvalidSampleRate { found, span } => Diagnostic::new(
                "E0337",
                format!("{} is not a sample rate", found.describe()),
                span,
                "a sample rate is a percentage above 0% and at most 100%",
            )
            .with_help(match found {
                Found::Number(_) => "write the rate with a percent sign, like `sample 5% for review` (a plain number is ambiguous: 0.05 or 5%?)",
                _ => "write the share of automatic writes to review as a percentage with at most two decimals, like `sample 5% for review`",
            }),
            E::SampleOutcome { outcome, span } => Diagnostic::new(
                "E0338",
                format!("samples go to review, not `{}`", outcome.as_str()),
                span,
                "a sample is reviewed",
            )
            .with_help("write `for review`; to send every such write to someone else, use a rule like `escalate when ...`"),
            E::DuplicateSample {
                field,
                first,
                second,
            } => {
                let (title, help) = match &field {
                    Some(f) => (
                        format!("field `{f}` is sampled twice"),
                        format!("keep one rate for `{f}`: remove it from one of the `of` lists"),
                    ),
                    None => (
                        "two `sample` clauses for every field".to_string(),
                        "keep one `sample N% for review`; a different rate for some fields is `sample N% of F, ... for review`".to_string(),
                    ),
                };
                Diagnostic::new("E0339", title, second, "sampled again here")
                    .with_label(first, "first sampled here")
                    .with_help(help)
            }
            E::MissingGuardItem {
                guardrail,
                item,
                span,
            } => {
                let example = match item {
                    "object" => "object Lead",
                    "actor" => "actor ai \"*\"",
                    _ => "fields { HasOptedOutOfEmail: never  *: at least review }",
                };
                Diagnostic::new(
                    "E0340",
                    format!("guardrail `{guardrail}` has no `{item}`"),
                    span,
                    format!("`{item}` is required"),
                )
                .with_help(format!("add it to the guardrail, e.g. `{example}`"))
            }
            E::DuplicateGuardItem {
                guardrail,
                item,
                first,
                second,
            } => Diagnostic::new(
                "E0341",
                format!("guardrail `{guardrail}` has two `{item}` lines"),
                second,
                "second one",
            )
            .with_label(first, "first one")
            .with_help(format!(
                "keep one `{item}`; a guardrail for another object or actor is a guardrail of its own"
            )),
            E::GuardFloor { outcome, span } => {
                let o = outcome.as_str();
                let (title, label, help) = if outcome == crate::syntax::ast::Outcome::Auto {
                    (
                        "a guardrail floor of `auto` raises nothing".to_string(),
                        "every outcome is at least `auto`".to_string(),
                        "a guardrail only raises outcomes: write `at least review`, `at least escalate` or `never`, or remove the line".to_string(),
                    )
                } else {
                    (
                        format!("write `at least {o}`: a guardrail cannot set an outcome"),
                        format!("`{o}` here would read as exactly `{o}`"),
                        format!("a guardrail raises what the contracts decide to at least its floor and never lowers it; write `at least {o}`"),
                    )
                };
                Diagnostic::new("E0342", title, span, label).with_help(help)
            }
            E::DuplicateGuardrail { name, first, second } => Diagnostic::new(
                "E0343",
                format!("guardrail `{name}` is defined twice"),
                second,
                "second definition",
            )
            .with_label(first, "first defined here")
            .with_help("rename one of the guardrails, or merge them into one"),
            E::Provenance { problem, span } => {
                use super::ProvenanceProblem as P;
                let (title, label, help) = match problem {
                    P::ParentField { what, text } => (
                        format!("`{what}` reads the history of the record's own fields, not `{text}`"),
                        "a parent record's field".to_string(),
                        "the mutation's `history` lists the record's fields; write a field of the contract's object, like `Industry set by human`".to_string(),
                    ),
                    P::Bare { in_star } => (
                        "bare `set by` does not say which field it is about".to_string(),
                        if in_star {
                            "the `*` line covers many fields".to_string()
                        } else {
                            "not inside a field's rules".to_string()
                        },
                        "name the field: `Industry set by human`; bare `set by` only works in a named field's line".to_string(),
                    ),
                    P::EmptyName => (
                        "`set by` with an empty actor name".to_string(),
                        "no actor has this name".to_string(),
                        "write the actor's name, like `set by ai \"vera\"`, or leave the name out for any actor of the kind".to_string(),
                    ),
                    P::ZeroWindow => (
                        "`within 0` covers no time".to_string(),
                        "an empty window".to_string(),
                        "write how recent the last write must be, like `within 90d`".to_string(),
                    ),
                    P::LongWindow => (
                        "`within` is longer than a hundred years".to_string(),
                        "longer than any field history".to_string(),
                        "leave `within` out to mean \"ever\"".to_string(),
                    ),
                };
                Diagnostic::new("E0344", title, span, label).with_help(help)
            }
            E::EmptyCauseName { what, span } => Diagnostic::new(
                "E0335",
                format!("this {what} has no name"),
                span,
                "an empty name matches no cause",
            )
            .with_help(match what {
                "signal" => "write the signal the integration sends, like `signal \"prospect_sourced\"`",
                _ => "write the schedule's name, or `schedule` alone for any scheduled run",
            }),
            E::UnknownObject {
                name,
                span,
                suggestion,
                std_module,
            } => {
                let d = Diagnostic::new(
                    "E0301",
                    format!("unknown object `{name}`"),
                    span,
                    "not declared in the schema",
                );
                d.with_help(match std_module {
                    Some(m) => missing_import(&name, m),
                    None => did_you_mean(&suggestion).unwrap_or_else(|| {
                        format!("declare `object {name} {{ ... }}` or import the schema that has it")
                    }),
                })
            }
            E::UnknownField {
                object,
                name,
                span,
                suggestion,
            } => Diagnostic::new(
                "E0302",
                format!("`{object}` has no field `{name}`"),
                span,
                format!("not a field of `{object}`"),
            )
            .with_help(did_you_mean(&suggestion).unwrap_or_else(|| {
                format!("add it to the schema with `extend object {object} {{ {name}: TYPE }}`")
            })),
            E::UnknownRelation {
                object,
                name,
                span,
                suggestion,
                is_plain_field,
            } => {
                let help = if let Some(s) = did_you_mean(&suggestion) {
                    s
                } else if is_plain_field {
                    format!("the field behind `{name}` is not a reference to one object; parent lookups need a field like `{name}Id: ref(Object)`")
                } else {
                    format!("add a reference field to `{object}`, e.g. `{name}Id: ref({name})`, to read `{name}.Field`")
                };
                Diagnostic::new(
                    "E0303",
                    format!("`{object}` has no parent relation `{name}`"),
                    span,
                    format!("not a relation of `{object}`"),
                )
                .with_help(help)
            }
            E::UnknownExclusion {
                name,
                span,
                suggestion,
                std_module,
            } => Diagnostic::new(
                "E0304",
                format!("no exclusion named `{name}`"),
                span,
                "not declared",
            )
            .with_help(match std_module {
                Some(m) => missing_import(&name, m),
                None => did_you_mean(&suggestion).unwrap_or_else(|| {
                    format!("declare it with `exclusion {name} on OBJECT when CONDITION`, or write `exclude when CONDITION`")
                }),
            }),
            E::ExclusionObjectMismatch {
                name,
                exclusion_object,
                contract_object,
                span,
                decl_span,
            } => Diagnostic::new(
                "E0305",
                format!("exclusion `{name}` is defined on `{exclusion_object}`, but this contract governs `{contract_object}`"),
                span,
                format!("used on `{contract_object}` here"),
            )
            .with_label(decl_span, format!("defined on `{exclusion_object}` here"))
            .with_help(format!("declare an exclusion on `{contract_object}`, or write the condition inline with `exclude when ...`")),
            E::DuplicateContract { name, first, second } => Diagnostic::new(
                "E0306",
                format!("contract `{name}` is defined twice"),
                second,
                "second definition",
            )
            .with_label(first, "first defined here")
            .with_help("rename one of the contracts, or merge them into one"),
            E::DuplicateExclusion { name, first, second } => Diagnostic::new(
                "E0307",
                format!("exclusion `{name}` is defined twice"),
                second,
                "second definition",
            )
            .with_label(first, "first defined here")
            .with_help("rename one, or combine both conditions with `or` in one exclusion"),
            E::DuplicateTest { name, first, second } => Diagnostic::new(
                "E0321",
                format!("two tests are named \"{name}\""),
                second,
                "second test with this name",
            )
            .with_label(first, "first test with this name")
            .with_help("rename one of the tests so the name says what it checks"),
            E::DuplicateFieldRules { field, first, second } => Diagnostic::new(
                "E0308",
                format!("`{field}` has two lines in this `fields` block"),
                second,
                "second line",
            )
            .with_label(first, "first line")
            .with_help(format!("merge them into one line, rules separated by commas: `{field}: auto when empty, review`")),
            E::MissingClause {
                contract,
                clause,
                span,
            } => {
                let example = match clause {
                    "object" => "object Lead",
                    "actor" => "actor ai \"alim\"",
                    "trigger" => "trigger on create, update",
                    _ => "fields { *: never }",
                };
                Diagnostic::new(
                    "E0313",
                    format!("contract `{contract}` has no `{clause}` clause"),
                    span,
                    format!("`{clause}` is required"),
                )
                .with_help(format!("add it to the contract, e.g. `{example}`"))
            }
            E::DuplicateClause {
                contract,
                clause,
                first,
                second,
            } => Diagnostic::new(
                "E0314",
                format!("contract `{contract}` has two `{clause}` clauses"),
                second,
                "second clause",
            )
            .with_label(first, "first clause")
            .with_help(format!("keep one `{clause}` clause; only `exclude` may be repeated")),
            E::DuplicateVersion { header, clause } => Diagnostic::new(
                "E0315",
                "the version is given twice",
                clause,
                "version clause",
            )
            .with_label(header, "version in the contract header")
            .with_help("keep either the header's `version N` or the `version` clause"),
            E::DuplicateEntry {
                what,
                block,
                first,
                second,
            } => Diagnostic::new(
                "E0317",
                format!("{what} is given twice in the {block}"),
                second,
                "given again here",
            )
            .with_label(first, "first given here")
            .with_help("remove one of them"),
            E::UnknownAuditField {
                name,
                span,
                suggestion,
            } => Diagnostic::new(
                "E0316",
                format!("unknown audit field `{name}`"),
                span,
                "not an audit field",
            )
            .with_help(did_you_mean(&suggestion).unwrap_or_else(|| {
                "audit fields are: record_id, contract, version, trigger, field, old_value, \
                 new_value, source, confidence, timestamp, actor, outcome, reasons"
                    .to_string()
            })),
            E::DuplicateAuditField { name, first, second } => Diagnostic::new(
                "W0301",
                format!("audit field `{name}` is listed twice"),
                second,
                "listed again",
            )
            .with_label(first, "first listed here")
            .with_help("remove the repeated name"),
            E::BareEmpty {
                negated,
                in_star,
                span,
            } => {
                let word = if negated { "set" } else { "empty" };
                let label = if in_star {
                    "the `*` line covers many fields"
                } else {
                    "not inside a field's rules"
                };
                Diagnostic::new(
                    "E0318",
                    format!("bare `{word}` does not say which field it tests"),
                    span,
                    label,
                )
                .with_help(format!(
                    "name the field: `Industry is {word}`; bare `{word}` only works in a named field's line"
                ))
            }
            E::InvalidReference {
                misuse,
                text,
                object,
                span,
            } => match misuse {
                Misuse::NewOnNonField => Diagnostic::new(
                    "E0319",
                    format!("`new {text}` is not a field of `{object}`"),
                    span,
                    "`new` reads a proposed value",
                )
                .with_help(format!(
                    "`new` applies to fields of `{object}` only, the record being changed; write `{text}` without `new`"
                )),
                Misuse::ChangedOnNonField => Diagnostic::new(
                    "E0319",
                    format!("`changed({text})` does not name a field of `{object}`"),
                    span,
                    "the mutation only changes fields of the record",
                )
                .with_help(format!("`changed(F)` takes a field of `{object}`")),
                Misuse::NestedLookup => Diagnostic::new(
                    "E0319",
                    format!("`{text}` looks up through more than one relation"),
                    span,
                    "only one level of parent lookup",
                )
                .with_help("read a field of a direct parent, e.g. `Account.Type`"),
            },
            E::MissingTestItem {
                test,
                item,
                example,
                span,
            } => Diagnostic::new(
                "E0320",
                format!("test \"{test}\" has no {item}"),
                span,
                format!("needs {item}"),
            )
            .with_help(format!("add it, e.g. `{example}`")),
            E::ExpectUnchangedField { field, span } => Diagnostic::new(
                "E0322",
                format!("the test expects an outcome for `{field}`, but does not change it"),
                span,
                "only changed fields get a decision",
            )
            .with_help(format!("add `change {field} to VALUE`, or expect a field the test changes")),
            E::InvalidThresholdLevel { level, span } => Diagnostic::new(
                "E0324",
                format!("`{}` is not a confidence threshold level", level.as_str()),
                span,
                "only `auto` and `review` have thresholds",
            )
            .with_help("write `auto at least X` (below X: at least review) or `review at least X` (below X: never)"),
            E::InvalidRoute { outcome, span } => Diagnostic::new(
                "E0325",
                format!("`{}` takes no approver", outcome.as_str()),
                span,
                "only `review` and `escalate` wait for an approval",
            )
            .with_help("remove the approver, or use `review by ...` / `escalate to ...`"),
            E::InvalidVersion { value, span } => Diagnostic::new(
                "E0326",
                format!("`{value}` is not a valid contract version"),
                span,
                "versions run from 1",
            )
            .with_help("use a whole number from 1 to 4294967295"),
            E::InvalidOperator {
                subject,
                ty,
                op,
                valid,
                span,
            } => Diagnostic::new(
                "E0401",
                format!("`{op}` does not apply to `{subject}` ({ty})"),
                span,
                format!("not valid for {ty}"),
            )
            .with_help(valid),
            E::TypeMismatch {
                subject,
                ty,
                expected,
                found,
                span,
            } => {
                let help = match (&expected, &found) {
                    (Expected::Text | Expected::PicklistValue, Found::Word(w)) => {
                        format!("put the value in quotes: `\"{w}\"`")
                    }
                    (Expected::PlainNumber, Found::Percent(_)) => "percentages apply to percent and number fields only; write the amount as a number".to_string(),
                    (
                        Expected::PlainNumber | Expected::NumberOrPercent,
                        Found::Text(s),
                    ) if crate::decimal::Decimal::parse(s).is_some() => {
                        format!("remove the quotes: `{s}`")
                    }
                    _ => format!("`{subject}` is {ty}; write {}", expected.describe()),
                };
                Diagnostic::new(
                    "E0402",
                    format!(
                        "`{subject}` expects {}, found {}",
                        expected.describe(),
                        found.describe()
                    ),
                    span,
                    format!("expected {}", expected.describe()),
                )
                .with_help(help)
            }
            E::ValueNotAllowed {
                field,
                value,
                allowed,
                suggestion,
                span,
                decl,
            } => {
                let d = Diagnostic::new(
                    "E0403",
                    format!("\"{value}\" is not an allowed value of `{field}`"),
                    span,
                    "not in the picklist",
                );
                let d = match decl {
                    Some(decl) => d.with_label(decl, "allowed values declared here"),
                    None => d,
                };
                d.with_help(match suggestion {
                    Some(s) => format!("did you mean \"{s}\"?"),
                    None => format!("allowed values: {}", list(&allowed, 8)),
                })
            }
            E::NullComparison {
                subject,
                negated,
                span,
            } => {
                let test = if negated { "is set" } else { "is empty" };
                Diagnostic::new(
                    "E0404",
                    format!("`{subject}` is compared with `null`"),
                    span,
                    "comparing with an empty value is always false",
                )
                .with_help(format!("use `is empty` / `is set`: `{subject} {test}`"))
            }
            E::NotYesNo {
                subject,
                example,
                span,
            } => Diagnostic::new(
                "E0405",
                format!("`{subject}` is not a yes/no field; compare it, e.g. `{example}`"),
                span,
                "a bare name as a condition needs a bool field",
            )
            .with_help(format!("write a comparison such as `{example}`, or `{subject} is set`")),
            E::ExpectedInteger {
                subject,
                value,
                span,
            } => Diagnostic::new(
                "E0406",
                format!("`{subject}` holds whole numbers, but `{value}` has a fraction"),
                span,
                "expected a whole number",
            )
            .with_help("use a whole number"),
            E::OutOfRange { what, value, span } => Diagnostic::new(
                "E0407",
                format!("{what} must lie between 0 and 1, found `{value}`"),
                span,
                "out of range",
            )
            .with_help("write a fraction such as `0.9` or a percentage such as `90%`"),
            E::InvalidDate {
                subject,
                value,
                datetime,
                span,
            } => {
                let (what, example) = if datetime {
                    ("timestamp", "\"2026-11-21T10:00:00Z\" or \"2026-11-21\"")
                } else {
                    ("date", "\"2026-11-21\"")
                };
                Diagnostic::new(
                    "E0408",
                    format!("\"{value}\" is not a valid {what} for `{subject}`"),
                    span,
                    format!("expected a {what}"),
                )
                .with_help(format!("write a real calendar {what} like {example}"))
            }
            E::InvalidEventValue {
                found,
                suggestion,
                span,
            } => Diagnostic::new(
                "E0409",
                format!("`event` is compared with {}", found.describe()),
                span,
                "expected `create`, `update` or `delete`",
            )
            .with_help(match suggestion {
                Some(s) => format!("write the event without quotes: `event == {s}`"),
                None => "events are the words `create`, `update`, `delete`".to_string(),
            }),
            E::InvalidDays { value, span } => Diagnostic::new(
                "E0410",
                format!("`{value}` is not a number of days"),
                span,
                "expected a whole, non-negative number",
            )
            .with_help("write a whole number of days, e.g. `before 90 days ago`"),
            E::ProtectedAuto { field, span, decl } => Diagnostic::new(
                "E0411",
                format!("`{field}` is protected and cannot be written with `auto`"),
                span,
                "`auto` on a protected field",
            )
            .with_label(decl, "declared `protected` here")
            .with_help("use `review` (or a stricter outcome); protected fields are never written silently"),
            E::ReadonlyWrite {
                field,
                outcome,
                span,
                decl,
            } => Diagnostic::new(
                "E0412",
                format!("`{field}` is read-only, but this rule gives it `{}`", outcome.as_str()),
                span,
                "read-only fields can only be `never`",
            )
            .with_label(decl, "declared `readonly` here")
            .with_help(format!("write `{field}: never`, or remove the line (the default is `never`)")),
            E::InvalidMetricTarget { found, span } => Diagnostic::new(
                "E0413",
                format!("a metric target must be a number or a percentage, found {}", found.describe()),
                span,
                "expected a number or a percentage",
            )
            .with_help("write e.g. `target 80%` or `target 0.8`"),
            E::InvalidTimestamp { value, span } => Diagnostic::new(
                "E0414",
                format!("\"{value}\" is not an RFC 3339 timestamp"),
                span,
                "expected a timestamp",
            )
            .with_help("write e.g. `at \"2026-11-21T10:00:00Z\"`"),
        }
    }
}
