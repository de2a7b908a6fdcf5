//! Parser tests: the spec examples parse to the expected tree, mistakes are
//! each reported with the right code and span, and nothing panics.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test code: a failed expectation should stop the test"
)]

use crmc::decimal::Decimal;
use crmc::diagnostics::Diagnostic;
use crmc::span::{FileId, Span};
use crmc::syntax::ast::*;
use crmc::syntax::parse;
use proptest::prelude::*;

const SPEC_CONTRACT: &str = r#"contract inbound_lead_enrichment version 3 {
  object  Lead
  actor   ai "alim"                 // ai | integration | human, then a name; "*" = any name
  owner   "revops@acme.example"
  mode    conditional_write         // read_only | draft | conditional_write | automated_write

  trigger on create, update(Email, Company)   // create | update | update(F, ...) | delete

  eligible when Status in ("Open - Not Contacted", "Working - Contacted")
            and LeadSource != "Partner Referral"

  exclude opted_out
  exclude when Email ends with "@competitor.example"

  confidence {
    auto   at least 0.90
    review at least 0.60
  }

  fields {
    Industry:           auto when empty, review
    NumberOfEmployees:  auto when empty and confidence >= 0.95, suggest
    Rating:             suggest
    Status:             review
    OwnerId:            escalate
    HasOptedOutOfEmail: never
    *:                  never
  }

  approval {
    review   by record.owner within 24h
    escalate by role "Sales Manager" within 4h
    require role "RevOps Lead" when AnnualRevenue > 1000000
  }

  audit record_id, contract, version, trigger, field, old_value, new_value,
        source, confidence, timestamp, actor

  rollback {
    keep previous values for 90d
    notify record.owner
  }

  metric "suggestion acceptance" target 80%
}
"#;

const SPEC_SCHEMA: &str = r#"// line comment
import "std/salesforce"        // a stdlib module, embedded in the crmc binary
import "./acme_custom.crmc"    // a file, relative to the importing file

schema salesforce {
  object Lead {
    Id:                 id        readonly
    Email:              email
    Company:            string
    Industry:           picklist("Agriculture", "Banking", "Technology")
    AnnualRevenue:      currency
    NumberOfEmployees:  int
    Status:             picklist("Open - Not Contacted", "Working - Contacted",
                                 "Closed - Converted", "Closed - Not Converted")
    OwnerId:            ref(User) protected
    HasOptedOutOfEmail: bool      protected
    LastActivityDate:   date
  }
  object Account { Type: picklist("Prospect", "Customer", "Partner") }
}

extend object Lead { Fit_Score__c: number }   // custom fields, in any file

exclusion opted_out on Lead when HasOptedOutOfEmail
exclusion customers on Contact when Account.Type == "Customer"

test "empty industry is enriched automatically" {
  actor ai "alim"
  event update
  confidence 0.93
  record Lead { Status: "Working - Contacted", Industry: null, Email: "a@b.example" }
  change Industry to "Technology"
  expect auto
  expect Industry auto
}
"#;

// ---------------------------------------------------------------- helpers

fn parse_ok(text: &str) -> File {
    let (file, diags) = parse(FileId(0), text);
    assert!(diags.is_empty(), "unexpected diagnostics: {diags:#?}");
    file
}

fn errors(text: &str) -> Vec<Diagnostic> {
    parse(FileId(0), text).1
}

fn slice(text: &str, span: Span) -> &str {
    &text[span.range()]
}

fn dec(s: &str) -> Decimal {
    Decimal::parse(s).unwrap()
}

fn only_contract(file: &File) -> &Contract {
    match file.items.as_slice() {
        [Item::Contract(c)] => c,
        other => panic!("expected one contract, got {other:#?}"),
    }
}

fn clause<'a>(c: &'a Contract, keyword: &str) -> &'a ClauseKind {
    &c.clauses
        .iter()
        .find(|cl| cl.kind.keyword() == keyword)
        .unwrap_or_else(|| panic!("no `{keyword}` clause"))
        .kind
}

fn field_rules<'a>(c: &'a Contract, name: &str) -> &'a FieldRules {
    let ClauseKind::Fields(lines) = clause(c, "fields") else {
        unreachable!()
    };
    lines
        .iter()
        .find(|l| match &l.target {
            FieldTarget::Field(i) => i.name == name,
            FieldTarget::Star(_) => name == "*",
        })
        .unwrap_or_else(|| panic!("no field line for {name}"))
}

fn path_of(op: &Operand) -> String {
    op.path.dotted()
}

/// Codes and the text under each primary span.
fn summary<'a>(text: &'a str, diags: &[Diagnostic]) -> Vec<(&'static str, &'a str)> {
    diags
        .iter()
        .map(|d| (d.code, slice(text, d.primary.span)))
        .collect()
}

fn assert_style(diags: &[Diagnostic]) {
    for d in diags {
        assert!(d.help.is_some(), "{} has no help: {}", d.code, d.message);
        assert!(!d.message.ends_with('.'), "{}", d.message);
        assert!(
            d.message.chars().next().is_some_and(|c| !c.is_uppercase()),
            "{}",
            d.message
        );
        assert!(
            crmc::diagnostics::codes::lookup(d.code).is_some(),
            "{}",
            d.code
        );
    }
}

// ---------------------------------------------------------------- well-formed

#[test]
fn spec_contract_parses_with_the_expected_shape() {
    let text = SPEC_CONTRACT;
    let file = parse_ok(text);
    let c = only_contract(&file);
    assert_eq!(c.name.name, "inbound_lead_enrichment");
    assert_eq!(c.header_version.as_ref().map(|v| v.node), Some(3));
    assert_eq!(slice(text, c.span), text.trim_end());

    let keywords: Vec<&str> = c.clauses.iter().map(|cl| cl.kind.keyword()).collect();
    assert_eq!(
        keywords,
        [
            "object",
            "actor",
            "owner",
            "mode",
            "trigger",
            "eligible",
            "exclude",
            "exclude",
            "confidence",
            "fields",
            "approval",
            "audit",
            "rollback",
            "metric"
        ]
    );
    // Clause spans cover exactly the clause (no trailing comment or blank).
    let spans: Vec<&str> = c.clauses.iter().map(|cl| slice(text, cl.span)).collect();
    assert_eq!(spans[1], "actor   ai \"alim\"");
    assert_eq!(spans[4], "trigger on create, update(Email, Company)");
    assert_eq!(spans[6], "exclude opted_out");
    assert!(spans[9].starts_with("fields {") && spans[9].ends_with('}'));
    assert_eq!(spans[13], "metric \"suggestion acceptance\" target 80%");

    let ClauseKind::Actor(actor) = clause(c, "actor") else {
        unreachable!()
    };
    assert_eq!(actor.kind.node, ActorKind::Ai);
    assert_eq!(actor.name.value, "alim");
    assert!(matches!(clause(c, "mode"), ClauseKind::Mode(m) if m.node == Mode::ConditionalWrite));

    let ClauseKind::Trigger(events) = clause(c, "trigger") else {
        unreachable!()
    };
    assert!(matches!(events[0], TriggerEvent::Create { of: None, .. }));
    let TriggerEvent::Update {
        fields: Some(fs), ..
    } = &events[1]
    else {
        panic!("{events:?}")
    };
    assert_eq!(
        fs.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(),
        ["Email", "Company"]
    );

    // eligible: (Status in (..)) and (LeadSource != "Partner Referral"), across lines.
    let ClauseKind::Eligible(e) = clause(c, "eligible") else {
        unreachable!()
    };
    let ExprKind::And(parts) = &e.kind else {
        panic!("{e:#?}")
    };
    let [l, r] = parts.as_slice() else {
        panic!("{parts:#?}")
    };
    let ExprKind::In {
        lhs,
        negated: false,
        values,
    } = &l.kind
    else {
        panic!("{l:#?}")
    };
    assert_eq!(path_of(lhs), "Status");
    assert_eq!(values.len(), 2);
    assert_eq!(
        values[1].kind,
        LitKind::String("Working - Contacted".into())
    );
    let ExprKind::Compare { lhs, op, rhs } = &r.kind else {
        panic!("{r:#?}")
    };
    assert_eq!((path_of(lhs).as_str(), op.node), ("LeadSource", CmpOp::Ne));
    assert_eq!(rhs.kind, LitKind::String("Partner Referral".into()));
    assert!(slice(text, e.span).starts_with("Status in ("));
    assert!(slice(text, e.span).ends_with("!= \"Partner Referral\""));

    let excludes: Vec<&ExcludeTarget> = c
        .clauses
        .iter()
        .filter_map(|cl| match &cl.kind {
            ClauseKind::Exclude(t) => Some(t),
            _ => None,
        })
        .collect();
    assert!(matches!(excludes[0], ExcludeTarget::Named(n) if n.name == "opted_out"));
    let ExcludeTarget::When(w) = excludes[1] else {
        unreachable!()
    };
    assert!(matches!(
        &w.kind,
        ExprKind::StrMatch { op, pattern, .. }
            if op.node == StrOp::EndsWith && pattern.value == "@competitor.example"
    ));

    let ClauseKind::Confidence(ts) = clause(c, "confidence") else {
        unreachable!()
    };
    assert_eq!(ts.len(), 2);
    assert_eq!(ts[0].level.node, Outcome::Auto);
    assert_eq!(ts[0].value.kind, LitKind::Number(dec("0.9")));
    assert_eq!(ts[1].level.node, Outcome::Review);

    let ClauseKind::Fields(lines) = clause(c, "fields") else {
        unreachable!()
    };
    assert_eq!(lines.len(), 7);
    let industry = field_rules(c, "Industry");
    assert_eq!(industry.rules.len(), 2);
    assert_eq!(industry.rules[0].outcome.node, Outcome::Auto);
    assert!(matches!(
        industry.rules[0].when.as_ref().map(|w| &w.kind),
        Some(ExprKind::BareEmpty { negated: false })
    ));
    assert_eq!(industry.rules[1].outcome.node, Outcome::Review);
    assert!(industry.rules[1].when.is_none());
    assert_eq!(
        slice(text, industry.span),
        "Industry:           auto when empty, review"
    );
    assert_eq!(slice(text, industry.rules[0].span), "auto when empty");

    let employees = field_rules(c, "NumberOfEmployees");
    let when = employees.rules[0].when.as_ref().unwrap();
    let ExprKind::And(parts) = &when.kind else {
        panic!("{when:#?}")
    };
    let [a, b] = parts.as_slice() else {
        panic!("{parts:#?}")
    };
    assert!(matches!(a.kind, ExprKind::BareEmpty { negated: false }));
    let ExprKind::Compare { lhs, op, rhs } = &b.kind else {
        panic!("{b:#?}")
    };
    assert_eq!(path_of(lhs), "confidence");
    assert_eq!(op.node, CmpOp::Ge);
    assert_eq!(rhs.kind, LitKind::Number(dec("0.95")));
    assert_eq!(slice(text, when.span), "empty and confidence >= 0.95");
    assert_eq!(employees.rules[1].outcome.node, Outcome::Suggest);
    assert!(matches!(field_rules(c, "*").target, FieldTarget::Star(_)));
    assert_eq!(field_rules(c, "*").rules[0].outcome.node, Outcome::Never);

    let ClauseKind::Approval(items) = clause(c, "approval") else {
        unreachable!()
    };
    assert_eq!(items.len(), 3);
    let ApprovalItem::Route {
        level,
        approver,
        within,
        ..
    } = &items[0]
    else {
        panic!()
    };
    assert_eq!(level.node, Outcome::Review);
    assert_eq!(approver.kind, ApproverKind::RecordOwner);
    assert_eq!(within.as_ref().unwrap().node.seconds(), 24 * 3600);
    let ApprovalItem::Route { approver, .. } = &items[1] else {
        panic!()
    };
    assert!(matches!(&approver.kind, ApproverKind::Role(r) if r.value == "Sales Manager"));
    assert_eq!(slice(text, approver.span), "role \"Sales Manager\"");
    let ApprovalItem::Require { approver, when, .. } = &items[2] else {
        panic!()
    };
    assert!(matches!(&approver.kind, ApproverKind::Role(r) if r.value == "RevOps Lead"));
    assert!(matches!(
        &when.as_ref().unwrap().kind,
        ExprKind::Compare { rhs, .. } if rhs.kind == LitKind::Number(dec("1000000"))
    ));

    let ClauseKind::Audit(names) = clause(c, "audit") else {
        unreachable!()
    };
    assert_eq!(names.len(), 11);
    assert_eq!(names[10].name, "actor");

    let ClauseKind::Rollback(items) = clause(c, "rollback") else {
        unreachable!()
    };
    assert!(matches!(&items[0], RollbackItem::Keep { for_, .. } if for_.node.to_string() == "90d"));
    assert!(
        matches!(&items[1], RollbackItem::Notify { who, .. } if who.kind == ApproverKind::RecordOwner)
    );

    let ClauseKind::Metric { name, target } = clause(c, "metric") else {
        unreachable!()
    };
    assert_eq!(name.value, "suggestion acceptance");
    assert_eq!(target.kind, LitKind::Percent(dec("80")));

    assert_eq!(file.comments.len(), 3);
    assert_eq!(
        file.comments[2].text,
        " create | update | update(F, ...) | delete"
    );
    assert_eq!(
        slice(text, file.comments[0].span),
        "// ai | integration | human, then a name; \"*\" = any name"
    );
}

#[test]
fn spec_schema_exclusions_and_test_parse() {
    let text = SPEC_SCHEMA;
    let file = parse_ok(text);
    assert_eq!(file.items.len(), 7);
    assert_eq!(file.comments.len(), 4);
    let Item::Import(i) = &file.items[0] else {
        panic!()
    };
    assert_eq!(i.path.value, "std/salesforce");
    assert_eq!(slice(text, i.span), "import \"std/salesforce\"");

    let Item::Schema(s) = &file.items[2] else {
        panic!()
    };
    assert_eq!(s.name.name, "salesforce");
    assert_eq!(s.objects.len(), 2);
    let lead = &s.objects[0];
    assert_eq!(lead.fields.len(), 10);
    assert_eq!(lead.fields[0].attrs[0].node, FieldAttr::Readonly);
    let status = &lead.fields[6];
    let TypeKind::Picklist(values) = &status.ty.kind else {
        panic!("{status:#?}")
    };
    assert_eq!(values.len(), 4);
    assert_eq!(values[3].value, "Closed - Not Converted");
    let owner = &lead.fields[7];
    assert!(matches!(&owner.ty.kind, TypeKind::Ref(t) if t[0].name == "User"));
    assert_eq!(owner.attrs[0].node, FieldAttr::Protected);
    assert_eq!(
        slice(text, owner.span),
        "OwnerId:            ref(User) protected"
    );
    assert_eq!(s.objects[1].fields[0].name.name, "Type");

    let Item::Object(ext) = &file.items[3] else {
        panic!()
    };
    assert!(ext.extend);
    assert_eq!(ext.fields[0].ty.kind, TypeKind::Number);
    assert_eq!(
        slice(text, ext.span),
        "extend object Lead { Fit_Score__c: number }"
    );

    let Item::Exclusion(e) = &file.items[4] else {
        panic!()
    };
    assert!(matches!(&e.when.kind, ExprKind::Truthy(o) if path_of(o) == "HasOptedOutOfEmail"));
    assert_eq!(
        slice(text, e.span),
        "exclusion opted_out on Lead when HasOptedOutOfEmail"
    );
    let Item::Exclusion(e) = &file.items[5] else {
        panic!()
    };
    assert_eq!(e.object.name, "Contact");
    assert!(
        matches!(&e.when.kind, ExprKind::Compare { lhs, .. } if path_of(lhs) == "Account.Type")
    );

    let Item::Test(t) = &file.items[6] else {
        panic!()
    };
    assert_eq!(t.name.value, "empty industry is enriched automatically");
    assert_eq!(t.items.len(), 7);
    let TestItemKind::Record { object, values } = &t.items[3].kind else {
        panic!()
    };
    assert_eq!(object.name, "Lead");
    assert_eq!(values.len(), 3);
    assert_eq!(values[1].0.name, "Industry");
    assert_eq!(values[1].1.kind, LitKind::Null);
    assert!(
        matches!(&t.items[4].kind, TestItemKind::Change { field, value }
        if field.name == "Industry" && value.kind == LitKind::String("Technology".into()))
    );
    assert!(
        matches!(&t.items[5].kind, TestItemKind::Expect { field: None, outcome } if outcome.node == Outcome::Auto)
    );
    assert!(
        matches!(&t.items[6].kind, TestItemKind::Expect { field: Some(f), .. } if f.name == "Industry")
    );
    assert_eq!(slice(text, t.items[6].span), "expect Industry auto");
}

#[test]
fn condition_forms() {
    let text = r#"exclusion x on Lead when not (A == 1 or B != "b") and C in (1, 2.5, 80%) and D not in (true, null)
exclusion y on Lead when E is empty or F is set or G starts with "a\"b" or H contains "x" or I < -3
exclusion z on Lead when J before 90 days ago and K after 7 days ago and changed(Account.Type) and new L == create
exclusion w on Lead when M >= 1_000_000 and N <= 2 and O > 0 and P
"#;
    let file = parse_ok(text);
    let conds: Vec<&Expr> = file
        .items
        .iter()
        .map(|i| match i {
            Item::Exclusion(e) => &e.when,
            _ => panic!(),
        })
        .collect();
    // `and` binds tighter than `or`; `not` applies to the parenthesised group.
    let ExprKind::And(parts) = &conds[0].kind else {
        panic!("{:#?}", conds[0])
    };
    let [not, c, d] = parts.as_slice() else {
        panic!("{parts:#?}")
    };
    assert!(
        matches!(&d.kind, ExprKind::In { negated: true, values, .. } if values[0].kind == LitKind::Bool(true) && values[1].kind == LitKind::Null)
    );
    assert!(
        matches!(&c.kind, ExprKind::In { values, .. } if values[2].kind == LitKind::Percent(dec("80")))
    );
    let ExprKind::Not(inner) = &not.kind else {
        panic!()
    };
    assert!(matches!(&inner.kind, ExprKind::Paren(p) if matches!(p.kind, ExprKind::Or(..))));
    assert_eq!(slice(text, not.span), "not (A == 1 or B != \"b\")");

    // a or b or c or d or e: one node with five operands
    let ExprKind::Or(parts) = &conds[1].kind else {
        panic!()
    };
    let [e, f, g, h, last] = parts.as_slice() else {
        panic!("{parts:#?}")
    };
    assert!(
        matches!(&last.kind, ExprKind::Compare { rhs, .. } if rhs.kind == LitKind::Number(dec("-3")))
    );
    assert!(matches!(&h.kind, ExprKind::StrMatch { op, .. } if op.node == StrOp::Contains));
    assert!(matches!(&g.kind, ExprKind::StrMatch { pattern, .. } if pattern.value == "a\"b"));
    assert!(matches!(&e.kind, ExprKind::IsEmpty { negated: false, .. }));
    assert!(matches!(&f.kind, ExprKind::IsEmpty { negated: true, .. }));

    let mut atoms = Vec::new();
    flatten_and(conds[2], &mut atoms);
    assert!(
        matches!(&atoms[0].kind, ExprKind::RelDate { op, days, .. } if op.node == DateOp::Before && days.kind == LitKind::Number(dec("90")))
    );
    assert!(matches!(&atoms[1].kind, ExprKind::RelDate { op, .. } if op.node == DateOp::After));
    assert!(matches!(&atoms[2].kind, ExprKind::Changed(p) if p.dotted() == "Account.Type"));
    assert!(
        matches!(&atoms[3].kind, ExprKind::Compare { lhs, rhs, .. } if lhs.new && rhs.kind == LitKind::Word("create".into()))
    );

    let mut atoms = Vec::new();
    flatten_and(conds[3], &mut atoms);
    let ops: Vec<CmpOp> = atoms[..3]
        .iter()
        .map(|a| match &a.kind {
            ExprKind::Compare { op, .. } => op.node,
            _ => panic!(),
        })
        .collect();
    assert_eq!(ops, [CmpOp::Ge, CmpOp::Le, CmpOp::Gt]);
    assert!(matches!(&atoms[3].kind, ExprKind::Truthy(o) if path_of(o) == "P"));
}

fn flatten_and<'a>(e: &'a Expr, out: &mut Vec<&'a Expr>) {
    match &e.kind {
        ExprKind::And(parts) => parts.iter().for_each(|p| flatten_and(p, out)),
        _ => out.push(e),
    }
}

#[test]
fn conditions_end_at_the_next_clause() {
    let text = "contract c {\n  eligible when A == 1\n  exclude x\n  eligible when HasOptedOut\n  fields { F: auto when B\n G: never }\n}\n";
    let file = parse_ok(text);
    let c = only_contract(&file);
    assert_eq!(c.clauses.len(), 4);
    assert_eq!(slice(text, c.clauses[0].span), "eligible when A == 1");
    assert!(
        matches!(&c.clauses[1].kind, ClauseKind::Exclude(ExcludeTarget::Named(n)) if n.name == "x")
    );
    assert_eq!(slice(text, c.clauses[2].span), "eligible when HasOptedOut");
    assert_eq!(field_rules(c, "F").rules.len(), 1);
    assert_eq!(field_rules(c, "G").rules[0].outcome.node, Outcome::Never);
}

#[test]
fn other_forms() {
    let text = r#"contract c {
  actor integration "*"
  mode read_only
  version 7
  trigger on delete, update
  fields { A: review by queue "Ops" when x, escalate to user "j@a.example", never }
  approval { escalate to record.owner }
  rollback { notify role "RevOps" }
}
object Deal {
  Stage: multipicklist("a",
    "b",)
  Owner: ref(Group, User) readonly sensitive, Amount: currency
}
"#;
    let file = parse_ok(text);
    let Item::Contract(c) = &file.items[0] else {
        panic!()
    };
    assert!(
        matches!(clause(c, "actor"), ClauseKind::Actor(a) if a.kind.node == ActorKind::Integration && a.name.value == "*")
    );
    assert!(matches!(clause(c, "version"), ClauseKind::Version(v) if v.node == 7));
    assert!(
        matches!(clause(c, "trigger"), ClauseKind::Trigger(t) if matches!(t[1], TriggerEvent::Update { fields: None, .. }))
    );
    let a = field_rules(c, "A");
    assert_eq!(a.rules.len(), 3);
    assert!(
        matches!(&a.rules[0].route, Some(Approver { kind: ApproverKind::Queue(q), .. }) if q.value == "Ops")
    );
    assert!(matches!(
        &a.rules[1].route,
        Some(Approver {
            kind: ApproverKind::User(_),
            ..
        })
    ));
    let Item::Object(o) = &file.items[1] else {
        panic!()
    };
    assert!(!o.extend);
    assert_eq!(o.fields.len(), 3);
    assert!(matches!(&o.fields[0].ty.kind, TypeKind::Multipicklist(v) if v.len() == 2));
    assert!(matches!(&o.fields[1].ty.kind, TypeKind::Ref(v) if v.len() == 2));
    assert_eq!(o.fields[1].attrs.len(), 2);
}

#[test]
fn unknown_type_is_kept_for_the_checker() {
    let file = parse_ok("object Lead { Name: strng readonly }");
    let Item::Object(o) = &file.items[0] else {
        panic!()
    };
    assert!(matches!(&o.fields[0].ty.kind, TypeKind::Unknown(i) if i.name == "strng"));
    assert_eq!(o.fields[0].attrs.len(), 1);
}

// ---------------------------------------------------------------- errors

#[test]
fn unknown_clauses_are_each_reported_and_parsing_goes_on() {
    let text =
        "contract c {\n  object Lead\n  owners \"x\"\n  priority high\n  fields { A: auto }\n}\n";
    let (file, diags) = parse(FileId(0), text);
    assert_eq!(
        summary(text, &diags),
        [("E0102", "owners"), ("E0102", "priority")]
    );
    assert!(diags[0]
        .help
        .as_deref()
        .unwrap()
        .contains("did you mean `owner`?"));
    assert_eq!(diags[1].message, "unknown clause `priority`");
    let c = only_contract(&file);
    assert_eq!(c.clauses.len(), 2, "object and fields survive");
    assert_style(&diags);
}

#[test]
fn missing_brace_is_reported_with_the_opening_brace() {
    let text = "contract c {\n  object Lead\n  fields {\n    A: auto\n  approval { review by record.owner }\n}\n";
    let (file, diags) = parse(FileId(0), text);
    assert_eq!(summary(text, &diags), [("E0103", "")]);
    let d = &diags[0];
    assert_eq!(
        d.primary.span.start as usize,
        text.find("A: auto").unwrap() + 7
    );
    assert_eq!(d.secondary.len(), 1);
    assert_eq!(slice(text, d.secondary[0].span), "{");
    assert_eq!(
        d.secondary[0].span.start as usize,
        text.find("fields {").unwrap() + 7
    );
    assert_eq!(d.message, "`fields` block is missing its closing `}`");
    // The approval clause after it is still read.
    assert_eq!(only_contract(&file).clauses.len(), 3);

    let text = "contract a {\n  object Lead\n\ncontract b {\n  object Lead\n}\n";
    let (file, diags) = parse(FileId(0), text);
    assert_eq!(summary(text, &diags), [("E0103", "")]);
    assert!(diags[0].message.contains("contract `a`"));
    assert_eq!(file.items.len(), 2);
}

#[test]
fn bad_literals() {
    let text = r#"exclusion a on Lead when X > 1..5
exclusion b on Lead when X == 0.9.1
exclusion c on Lead when X == 12x
exclusion d on Lead when X == "open
exclusion e on Lead when X == "a\qb"
contract k { approval { review by record.owner within 24 } rollback { keep previous values for 2.5h } }
"#;
    let (file, diags) = parse(FileId(0), text);
    assert_eq!(
        summary(text, &diags),
        [
            ("E0104", "1..5"),
            ("E0104", "0.9.1"),
            ("E0106", "12x"),
            ("E0105", "\"open"),
            ("E0108", "\\q"),
            ("E0106", "24"),
            ("E0106", "2.5h"),
        ]
    );
    // The file goes on: the last exclusion (bad escape only) and the contract exist.
    assert!(file.items.len() >= 2);
    assert_style(&diags);
}

#[test]
fn words_that_must_be_one_of_a_few() {
    let text = r#"contract c {
  actor robot "x"
  mode conditional
  trigger on create, updte
  fields { A: automatic, B: reveiw when C = 1, D: auto by team "x" }
}
object O { F: string protectd }
test "t" { event upsert  expect Industry autoo }
"#;
    let diags = errors(text);
    assert_eq!(
        summary(text, &diags),
        [
            ("E0109", "robot"),
            ("E0109", "conditional"),
            ("E0109", "updte"),
            ("E0107", "automatic"),
            ("E0107", "reveiw"),
            ("E0110", "="),
            ("E0109", "team"),
            ("E0109", "protectd"),
            ("E0109", "upsert"),
            ("E0107", "autoo"),
        ]
    );
    assert!(diags[1]
        .help
        .as_deref()
        .unwrap()
        .contains("did you mean `conditional_write`?"));
    assert!(diags[5]
        .help
        .as_deref()
        .unwrap()
        .contains("did you mean `==`?"));
    assert_style(&diags);
}

#[test]
fn conditions_with_mistakes() {
    let text = "contract c {\n  fields {\n    A: auto when\n    B: auto when X === 2\n    C: auto when X in 1, review\n    D: review when X == 1 2\n    E: auto\n  }\n}\n";
    let (file, diags) = parse(FileId(0), text);
    assert_eq!(
        summary(text, &diags),
        [
            ("E0111", "when"),
            ("E0110", "==="),
            ("E0101", "1"),
            ("E0101", "2"),
        ]
    );
    assert!(diags[2].message.starts_with("expected "));
    assert!(
        diags[2].message.contains("found `1`"),
        "{}",
        diags[2].message
    );
    assert!(diags[3].message.contains("`and`"), "{}", diags[3].message);
    // `E: auto` is still there.
    assert!(field_rules(only_contract(&file), "E").rules.len() == 1);
    assert_style(&diags);
}

#[test]
fn broken_clause_keeps_its_keyword_in_the_message() {
    let text = "contract c {\n  trigger create\n  eligible Status == 1\n  object Lead\n}\n";
    let (file, diags) = parse(FileId(0), text);
    assert_eq!(
        summary(text, &diags),
        [("E0101", "create"), ("E0101", "Status")]
    );
    assert_eq!(
        diags[0].message,
        "expected `on` in the `trigger` clause, found `create`"
    );
    assert!(diags[1].message.contains("`when`"));
    assert_eq!(only_contract(&file).clauses.len(), 1);
}

#[test]
fn stray_text_at_top_level() {
    let text = "hello world\nobject Lead { A: string }\n}\ncontract { }\n";
    let (file, diags) = parse(FileId(0), text);
    assert_eq!(
        summary(text, &diags),
        [("E0101", "hello"), ("E0101", "}"), ("E0101", "{")]
    );
    assert!(diags[2].message.contains("a name"), "{}", diags[2].message);
    assert_eq!(file.items.len(), 1);
    assert_style(&diags);
}

#[test]
fn several_errors_in_one_file_are_all_reported() {
    let text = r#"object Lead { Status: string  Amount: currency }

contract first {
  object Lead
  priority high
  eligible when Amount > 1..5
  fields {
    Status: autoo
  }
  metric "open target 80%
}

contract second {
  object Lead
  fields { Amount: review
"#;
    let diags = errors(text);
    let codes: Vec<&str> = diags.iter().map(|d| d.code).collect();
    assert_eq!(
        codes,
        ["E0102", "E0104", "E0107", "E0105", "E0103", "E0103"]
    );
    assert_style(&diags);
}

#[test]
fn too_deep_nesting_is_refused_not_overflowed() {
    let text = format!(
        "exclusion a on L when {}A{}",
        "(".repeat(500),
        ")".repeat(500)
    );
    let diags = errors(&text);
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].code, "E0112");
    let text = format!("exclusion a on L when {}A", "not ".repeat(5000));
    let _ = errors(&text);
}

#[test]
fn diagnostics_are_sorted() {
    let text = "contract c {\n zzz 1\n}\ncontract d {\n yyy 2\n}\n";
    let diags = errors(text);
    assert_eq!(summary(text, &diags), [("E0102", "zzz"), ("E0102", "yyy")]);
}

#[test]
fn empty_and_comment_only_files() {
    assert!(parse_ok("").items.is_empty());
    let f = parse_ok("// just a comment\n\n   // another\r\n");
    assert_eq!(f.comments.len(), 2);
}

// ---------------------------------------------------------------- never panics

fn check_spans(text: &str, diags: &[Diagnostic]) {
    for d in diags {
        for l in std::iter::once(&d.primary).chain(&d.secondary) {
            let r = l.span.range();
            assert!(r.start <= r.end && r.end <= text.len(), "{d:?}");
            assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
        }
        assert!(d.help.is_some());
    }
}

proptest! {
    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,300}") {
        let (_, diags) = parse(FileId(0), &text);
        check_spans(&text, &diags);
    }

    #[test]
    fn crmc_like_tokens_never_panic(parts in proptest::collection::vec(
        prop_oneof![
            Just("contract"), Just("object"), Just("fields"), Just("{"), Just("}"), Just("("),
            Just(")"), Just(":"), Just(","), Just("when"), Just("and"), Just("or"), Just("not"),
            Just("\""), Just("A"), Just("1.5"), Just("=="), Just("\n"), Just(" "), Just("//"),
            Just("in"), Just("is"), Just("empty"), Just("auto"), Just("review"), Just("*"),
            Just("test"), Just("record"), Just("24h"), Just("80%"), Just("by"), Just("exclusion"),
        ],
        0..80,
    )) {
        let text: String = parts.concat();
        let (_, diags) = parse(FileId(0), &text);
        check_spans(&text, &diags);
    }

    #[test]
    fn mutated_contracts_never_panic(
        edits in proptest::collection::vec((any::<proptest::sample::Index>(), 0u8..4, "\\PC{0,3}"), 1..6)
    ) {
        let mut text = SPEC_CONTRACT.to_string();
        for (at, kind, insert) in edits {
            let mut pos = at.index(text.len() + 1);
            while !text.is_char_boundary(pos) {
                pos -= 1;
            }
            match kind {
                0 => text.insert_str(pos, &insert),
                1 => {
                    let mut end = (pos + insert.len() + 1).min(text.len());
                    while !text.is_char_boundary(end) {
                        end -= 1;
                    }
                    text.replace_range(pos..end, "");
                }
                2 => text.truncate(pos),
                _ => text.insert(pos, ['{', '}', '"', '(', ')', '\n'][pos % 6]),
            }
        }
        let (_, diags) = parse(FileId(0), &text);
        check_spans(&text, &diags);
    }
}
