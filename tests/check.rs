//! Structured tests of the checker: codes, spans (by slicing the text the
//! span points at), labels and the checked model.
//!
//! The trees are built by hand with [`B`], which writes every token it makes
//! into a text buffer so that spans can be sliced back to what they name.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crmc::check::{self, model};
use crmc::decimal::Decimal;
use crmc::diagnostics::{codes, Diagnostic};
use crmc::span::{FileId, Span};
use crmc::syntax::ast::*;

// ---------------------------------------------------------------- builder

struct B {
    file: FileId,
    text: String,
}

impl B {
    fn new() -> B {
        B::in_file(0)
    }
    fn in_file(n: u32) -> B {
        B {
            file: FileId(n),
            text: String::new(),
        }
    }
    fn tok(&mut self, s: &str) -> Span {
        let start = self.text.len();
        self.text.push_str(s);
        let span = Span::new(self.file, start, self.text.len());
        self.text.push(' ');
        span
    }
    fn at(&self, span: Span) -> &str {
        &self.text[span.range()]
    }
    fn id(&mut self, s: &str) -> Ident {
        Ident {
            name: s.to_string(),
            span: self.tok(s),
        }
    }
    fn str(&mut self, s: &str) -> StrLit {
        StrLit {
            value: s.to_string(),
            span: self.tok(&format!("\"{s}\"")),
        }
    }
    fn lit(&mut self, kind: LitKind) -> Literal {
        let shown = match &kind {
            LitKind::String(s) => format!("\"{s}\""),
            LitKind::Number(n) => n.to_string(),
            LitKind::Percent(n) => format!("{n}%"),
            LitKind::Bool(b) => b.to_string(),
            LitKind::Null => "null".into(),
            LitKind::Duration(d) => d.to_string(),
            LitKind::Word(w) => w.clone(),
        };
        Literal {
            kind,
            span: self.tok(&shown),
        }
    }
    fn s(&mut self, s: &str) -> Literal {
        self.lit(LitKind::String(s.into()))
    }
    fn n(&mut self, s: &str) -> Literal {
        self.lit(LitKind::Number(Decimal::parse(s).unwrap()))
    }
    fn pct(&mut self, s: &str) -> Literal {
        self.lit(LitKind::Percent(Decimal::parse(s).unwrap()))
    }
    fn word(&mut self, s: &str) -> Literal {
        self.lit(LitKind::Word(s.into()))
    }
    fn null(&mut self) -> Literal {
        self.lit(LitKind::Null)
    }
    fn path(&mut self, dotted: &str) -> Path {
        let segments: Vec<Ident> = dotted.split('.').map(|p| self.id(p)).collect();
        let span = segments[0].span.to(segments[segments.len() - 1].span);
        Path { segments, span }
    }
    fn operand(&mut self, dotted: &str) -> Operand {
        let (new, dotted) = match dotted.strip_prefix("new ") {
            Some(rest) => (true, rest),
            None => (false, dotted),
        };
        let start = if new { Some(self.tok("new")) } else { None };
        let path = self.path(dotted);
        let span = start.map_or(path.span, |s| s.to(path.span));
        Operand {
            new,
            source_of: false,
            path,
            span,
        }
    }
    fn expr(&mut self, kind: ExprKind, start: Span) -> Expr {
        let end = Span::new(
            self.file,
            self.text.len().saturating_sub(1),
            self.text.len().saturating_sub(1),
        );
        Expr {
            kind,
            span: start.to(end),
        }
    }
    fn cmp(&mut self, lhs: &str, op: CmpOp, rhs: impl FnOnce(&mut B) -> Literal) -> Expr {
        let lhs = self.operand(lhs);
        let start = lhs.span;
        let op = Spanned {
            node: op,
            span: self.tok(op.as_str()),
        };
        let rhs = rhs(self);
        self.expr(ExprKind::Compare { lhs, op, rhs }, start)
    }
    fn truthy(&mut self, name: &str) -> Expr {
        let o = self.operand(name);
        let start = o.span;
        self.expr(ExprKind::Truthy(o), start)
    }
    fn bare_empty(&mut self) -> Expr {
        let start = self.tok("empty");
        self.expr(ExprKind::BareEmpty { negated: false }, start)
    }
    fn strmatch(&mut self, name: &str, op: StrOp, pat: &str) -> Expr {
        let operand = self.operand(name);
        let start = operand.span;
        let op = Spanned {
            node: op,
            span: self.tok(op.as_str()),
        };
        let pattern = self.str(pat);
        self.expr(
            ExprKind::StrMatch {
                operand,
                op,
                pattern,
            },
            start,
        )
    }
    fn and(&mut self, a: Expr, b: Expr) -> Expr {
        let span = a.span.to(b.span);
        Expr {
            kind: ExprKind::And(vec![a, b]),
            span,
        }
    }
    fn field(&mut self, name: &str, kind: TypeKind, attrs: &[FieldAttr]) -> FieldDecl {
        let name = self.id(name);
        let ty = TypeExpr {
            kind,
            span: self.tok("TYPE"),
        };
        let attrs = attrs
            .iter()
            .map(|a| Spanned {
                node: *a,
                span: self.tok("attr"),
            })
            .collect();
        let span = name.span.to(ty.span);
        FieldDecl {
            name,
            ty,
            attrs,
            span,
        }
    }
    fn object(&mut self, extend: bool, name: &str, fields: Vec<FieldDecl>) -> ObjectDecl {
        let name = self.id(name);
        let span = fields.iter().fold(name.span, |s, f| s.to(f.span));
        ObjectDecl {
            extend,
            name,
            fields,
            span,
        }
    }
    fn clause(&mut self, kind: ClauseKind) -> Clause {
        let span = self.tok("CLAUSE");
        Clause { kind, span }
    }
    fn contract(&mut self, name: &str, clauses: Vec<Clause>) -> Item {
        let name = self.id(name);
        let span = clauses.iter().fold(name.span, |s, c| s.to(c.span));
        Item::Contract(Contract {
            name,
            header_version: None,
            clauses,
            span,
        })
    }
    fn rule(&mut self, outcome: Outcome, when: Option<Expr>) -> Rule {
        let span = self.tok(outcome.as_str());
        Rule {
            outcome: Spanned {
                node: outcome,
                span,
            },
            route: None,
            when,
            span,
        }
    }
    fn line(&mut self, field: &str, rules: Vec<Rule>) -> FieldRules {
        let target = if field == "*" {
            FieldTarget::Star(self.tok("*"))
        } else {
            FieldTarget::Field(self.id(field))
        };
        let span = self.tok("LINE");
        FieldRules {
            target,
            rules,
            span,
        }
    }
    fn actor(&mut self) -> ClauseKind {
        let kind = Spanned {
            node: ActorKind::Ai,
            span: self.tok("ai"),
        };
        ClauseKind::Actor(ActorPattern {
            kind,
            name: self.str("alim"),
        })
    }
    fn trigger_create(&mut self) -> ClauseKind {
        ClauseKind::Trigger(vec![TriggerEvent::Create {
            of: None,
            span: self.tok("create"),
        }])
    }
    fn test_item(&mut self, kind: TestItemKind) -> TestItem {
        let span = self.tok("ITEM");
        TestItem { kind, span }
    }
}

fn picklist(b: &mut B, values: &[&str]) -> TypeKind {
    TypeKind::Picklist(values.iter().map(|v| b.str(v)).collect())
}

/// `object Lead { Id, Email, Company, Industry, Status, AnnualRevenue,
/// NumberOfEmployees, OwnerId (protected), HasOptedOutOfEmail (protected),
/// LastActivityDate, AccountId: ref(Account) }` and `object Account { Type }`.
fn schema(b: &mut B) -> Item {
    let lead_fields = vec![
        b.field("Id", TypeKind::Id, &[FieldAttr::Readonly]),
        b.field("Email", TypeKind::Email, &[]),
        b.field("Company", TypeKind::String, &[]),
        {
            let k = picklist(b, &["Agriculture", "Banking", "Technology"]);
            b.field("Industry", k, &[])
        },
        {
            let k = picklist(b, &["Open", "Working", "Closed"]);
            b.field("Status", k, &[])
        },
        b.field("AnnualRevenue", TypeKind::Currency, &[]),
        b.field("NumberOfEmployees", TypeKind::Int, &[]),
        {
            let t = b.id("Account");
            b.field("AccountId", TypeKind::Ref(vec![t]), &[])
        },
        b.field(
            "HasOptedOutOfEmail",
            TypeKind::Bool,
            &[FieldAttr::Protected],
        ),
        b.field("LastActivityDate", TypeKind::Date, &[]),
    ];
    let lead = b.object(false, "Lead", lead_fields);
    let account_fields = vec![{
        let k = picklist(b, &["Prospect", "Customer", "Partner"]);
        b.field("Type", k, &[])
    }];
    let account = b.object(false, "Account", account_fields);
    let name = b.id("s");
    let span = name.span.to(account.span);
    Item::Schema(SchemaBlock {
        name,
        objects: vec![lead, account],
        span,
    })
}

/// A contract on Lead with the required clauses plus the given field lines
/// and extra clauses.
fn contract(b: &mut B, name: &str, lines: Vec<FieldRules>, extra: Vec<Clause>) -> Item {
    let lead = b.id("Lead");
    let mut clauses = vec![b.clause(ClauseKind::Object(lead))];
    let actor = b.actor();
    clauses.push(b.clause(actor));
    let trig = b.trigger_create();
    clauses.push(b.clause(trig));
    clauses.push(b.clause(ClauseKind::Fields(lines)));
    clauses.extend(extra);
    b.contract(name, clauses)
}

fn run(b: &B, items: Vec<Item>) -> (Option<model::CheckedUnit>, Vec<Diagnostic>) {
    let file = File {
        items,
        comments: Vec::new(),
    };
    let _ = b;
    check::check(&[(FileId(0), &file)])
}

fn codes_of(diags: &[Diagnostic]) -> Vec<&'static str> {
    diags.iter().map(|d| d.code).collect()
}

fn only<'d>(diags: &'d [Diagnostic], code: &str) -> &'d Diagnostic {
    let found: Vec<_> = diags.iter().filter(|d| d.code == code).collect();
    assert_eq!(found.len(), 1, "expected one {code} in {diags:#?}");
    found[0]
}

// ---------------------------------------------------------------- tests

#[test]
fn valid_contract_checks_with_defaults() {
    let mut b = B::new();
    let s = schema(&mut b);
    let r1 = {
        let e = b.bare_empty();
        b.rule(Outcome::Auto, Some(e))
    };
    let r2 = b.rule(Outcome::Review, None);
    let l1 = b.line("Industry", vec![r1, r2]);
    let r3 = b.rule(Outcome::Never, None);
    let l2 = b.line("*", vec![r3]);
    let elig = b.cmp("Account.Type", CmpOp::Ne, |b| b.s("Customer"));
    let elig = b.clause(ClauseKind::Eligible(elig));
    let excl = b.truthy("HasOptedOutOfEmail");
    let excl = b.clause(ClauseKind::Exclude(ExcludeTarget::When(excl)));
    let c = contract(&mut b, "enrich", vec![l1, l2], vec![elig, excl]);
    let (unit, diags) = run(&b, vec![s, c]);
    assert!(diags.is_empty(), "{diags:#?}");
    let unit = unit.expect("checked");
    assert_eq!(
        unit.schema
            .objects
            .iter()
            .map(|o| o.name.as_str())
            .collect::<Vec<_>>(),
        ["Account", "Lead"]
    );
    let lead = unit.schema.object_by_name("Lead").unwrap();
    let rel = unit
        .schema
        .relation(lead, "Account")
        .expect("relation from AccountId");
    assert_eq!(unit.schema.object(rel.target).name, "Account");
    let names: Vec<_> = unit
        .schema
        .object(lead)
        .fields
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "fields sorted by name");

    let c = &unit.contracts[0];
    assert_eq!(c.version, 1);
    assert_eq!(c.mode, Mode::ConditionalWrite);
    assert_eq!(c.fields.len(), 1);
    assert_eq!(c.fields[0].rules[1].position, 2);
    let industry = unit.schema.field_by_name(lead, "Industry").unwrap();
    assert!(matches!(
        &c.fields[0].rules[0].when,
        Some(model::Cond::Atom { subject: model::Subject::Field(f), test: model::Test::IsEmpty, .. }) if *f == industry
    ));
    assert!(c.star.is_some());
    assert!(matches!(
        &c.eligible,
        Some(model::Cond::Atom { subject: model::Subject::Parent { relation, .. }, test: model::Test::Cmp(CmpOp::Ne, model::Value::Str(v)), .. })
            if relation == "Account" && v == "Customer"
    ));
    assert_eq!(c.exclusions.len(), 1);
}

#[test]
fn unknown_field_suggests_the_closest_name() {
    let mut b = B::new();
    let s = schema(&mut b);
    let e = b.cmp("Industsry", CmpOp::Eq, |b| b.s("Banking"));
    let elig = b.clause(ClauseKind::Eligible(e));
    let r = b.rule(Outcome::Never, None);
    let l = b.line("Indstry", vec![r]);
    let c = contract(&mut b, "c", vec![l], vec![elig]);
    let (unit, diags) = run(&b, vec![s, c]);
    assert!(unit.is_none());
    assert_eq!(codes_of(&diags), ["E0302", "E0302"], "both reported");
    for d in &diags {
        assert_eq!(d.help.as_deref(), Some("did you mean `Industry`?"));
        assert_eq!(d.severity, crmc::diagnostics::Severity::Error);
    }
    let spans: Vec<_> = diags.iter().map(|d| b.at(d.primary.span)).collect();
    assert!(
        spans.contains(&"Industsry") && spans.contains(&"Indstry"),
        "{spans:?}"
    );
    assert!(diags[0].message.contains("`Lead` has no field"));
}

#[test]
fn picklist_value_must_be_allowed() {
    let mut b = B::new();
    let s = schema(&mut b);
    let e = b.cmp("Industry", CmpOp::Eq, |b| b.s("Tecnology"));
    let elig = b.clause(ClauseKind::Eligible(e));
    let r = b.rule(Outcome::Never, None);
    let l = b.line("*", vec![r]);
    let c = contract(&mut b, "c", vec![l], vec![elig]);
    let (_, diags) = run(&b, vec![s, c]);
    let d = only(&diags, "E0403");
    assert_eq!(b.at(d.primary.span), "\"Tecnology\"");
    assert_eq!(d.help.as_deref(), Some("did you mean \"Technology\"?"));
    assert!(
        b.at(d.secondary[0].span).starts_with("Industry"),
        "points at the declaration"
    );
}

#[test]
fn protected_auto_and_readonly_write_point_at_the_schema() {
    let mut b = B::new();
    let s = schema(&mut b);
    let r1 = b.rule(Outcome::Auto, None);
    let l1 = b.line("HasOptedOutOfEmail", vec![r1]);
    let r2 = b.rule(Outcome::Review, None);
    let l2 = b.line("Id", vec![r2]);
    let r3 = b.rule(Outcome::Never, None);
    let l3 = b.line("*", vec![r3]);
    let c = contract(&mut b, "c", vec![l1, l2, l3], vec![]);
    let (unit, diags) = run(&b, vec![s, c]);
    assert!(unit.is_none());
    let p = only(&diags, "E0411");
    assert_eq!(b.at(p.primary.span), "auto");
    assert_eq!(
        b.at(p.secondary[0].span).split(' ').next(),
        Some("HasOptedOutOfEmail")
    );
    assert!(p.help.is_some());
    let r = only(&diags, "E0412");
    assert_eq!(b.at(r.primary.span), "review");
    assert_eq!(b.at(r.secondary[0].span).split(' ').next(), Some("Id"));
}

#[test]
fn operators_must_fit_the_type() {
    let mut b = B::new();
    let s = schema(&mut b);
    let lt = b.cmp("Company", CmpOp::Lt, |b| b.s("M"));
    let sw = b.strmatch("AnnualRevenue", StrOp::StartsWith, "1");
    let e = b.and(lt, sw);
    let elig = b.clause(ClauseKind::Eligible(e));
    let r = b.rule(Outcome::Never, None);
    let l = b.line("*", vec![r]);
    let c = contract(&mut b, "c", vec![l], vec![elig]);
    let (_, diags) = run(&b, vec![s, c]);
    assert_eq!(codes_of(&diags), ["E0401", "E0401"]);
    assert_eq!(b.at(diags[0].primary.span), "<");
    assert_eq!(b.at(diags[1].primary.span), "starts with");
    assert!(diags[0].message.contains("`Company`"));
}

#[test]
fn literals_must_fit_the_type() {
    let mut b = B::new();
    let s = schema(&mut b);
    let cases = [
        b.cmp("AnnualRevenue", CmpOp::Gt, |b| b.s("1000")),
        b.cmp("NumberOfEmployees", CmpOp::Gt, |b| b.n("10.5")),
        b.cmp("Industry", CmpOp::Eq, |b| b.null()),
        b.cmp("Industry", CmpOp::Eq, |b| b.word("Banking")),
        b.cmp("AnnualRevenue", CmpOp::Gt, |b| b.pct("80")),
        b.cmp("LastActivityDate", CmpOp::Lt, |b| b.s("2026-02-30")),
        b.cmp("confidence", CmpOp::Ge, |b| b.n("95")),
        b.cmp("event", CmpOp::Eq, |b| b.s("update")),
        b.truthy("Industry"),
    ];
    let e = cases.into_iter().reduce(|a, c| b.and(a, c)).unwrap();
    let elig = b.clause(ClauseKind::Eligible(e));
    let r = b.rule(Outcome::Never, None);
    let l = b.line("*", vec![r]);
    let c = contract(&mut b, "c", vec![l], vec![elig]);
    let (_, diags) = run(&b, vec![s, c]);
    assert_eq!(
        codes_of(&diags),
        ["E0402", "E0406", "E0404", "E0402", "E0402", "E0408", "E0407", "E0409", "E0405"]
    );
    assert_eq!(diags[0].help.as_deref(), Some("remove the quotes: `1000`"));
    assert_eq!(
        diags[2].help.as_deref(),
        Some("use `is empty` / `is set`: `Industry is empty`")
    );
    assert_eq!(
        diags[3].help.as_deref(),
        Some("put the value in quotes: `\"Banking\"`")
    );
    assert_eq!(
        diags[7].help.as_deref(),
        Some("write the event without quotes: `event == update`")
    );
    assert_eq!(
        diags[8].message,
        "`Industry` is not a yes/no field; compare it, e.g. `Industry == \"Agriculture\"`"
    );
}

#[test]
fn bare_empty_needs_a_named_field_line() {
    let mut b = B::new();
    let s = schema(&mut b);
    let e = b.bare_empty();
    let r = b.rule(Outcome::Review, Some(e));
    let l = b.line("*", vec![r]);
    let e2 = b.bare_empty();
    let elig = b.clause(ClauseKind::Eligible(e2));
    let c = contract(&mut b, "c", vec![l], vec![elig]);
    let (_, diags) = run(&b, vec![s, c]);
    assert_eq!(codes_of(&diags), ["E0318", "E0318"]);
    assert_eq!(diags[0].primary.message, "the `*` line covers many fields");
}

#[test]
fn clauses_are_required_and_unique() {
    let mut b = B::new();
    let s = schema(&mut b);
    let lead = b.id("Lead");
    let o1 = b.clause(ClauseKind::Object(lead));
    let lead2 = b.id("Lead");
    let o2 = b.clause(ClauseKind::Object(lead2));
    let c = b.contract("bare", vec![o1, o2]);
    let (_, diags) = run(&b, vec![s, c]);
    // (the builder writes the contract's name after its clauses)
    assert_eq!(codes_of(&diags), ["E0314", "E0313", "E0313", "E0313"]);
    assert_eq!(b.at(diags[1].primary.span), "bare");
    let dup = only(&diags, "E0314");
    assert_eq!(dup.secondary.len(), 1, "points at the first clause");
}

#[test]
fn schema_conflicts_and_bad_extends() {
    let mut b = B::new();
    let f1 = b.field("Score", TypeKind::Int, &[]);
    let lead = b.object(false, "Lead", vec![f1]);
    let f2 = b.field("Score", TypeKind::Number, &[]);
    let ext = b.object(true, "Lead", vec![f2]);
    let f3 = b.field("X", TypeKind::Int, &[]);
    let bad = b.object(true, "Leed", vec![f3]);
    // A ref to an object outside the schema is fine (it holds ids); one
    // that looks like a typo of a declared object is an error.
    let user = b.id("User");
    let f6 = b.field("OwnerId", TypeKind::Ref(vec![user]), &[]);
    let t = b.id("Leads");
    let f4 = b.field("ParentLeadId", TypeKind::Ref(vec![t]), &[]);
    let lead2 = b.object(false, "Lead", vec![f6, f4]);
    let unknown_ty = b.id("strng");
    let f5 = b.field("Company", TypeKind::Unknown(unknown_ty), &[]);
    let lead3 = b.object(true, "Lead", vec![f5]);
    let items = vec![
        Item::Object(lead),
        Item::Object(ext),
        Item::Object(bad),
        Item::Object(lead2),
        Item::Object(lead3),
    ];
    let (_, diags) = run(&b, items);
    assert_eq!(codes_of(&diags), ["E0309", "E0310", "E0327", "E0312"]);
    assert_eq!(diags[1].help.as_deref(), Some("did you mean `Lead`?"));
    assert_eq!(diags[3].help.as_deref(), Some("did you mean `string`?"));
    assert_eq!(b.at(diags[2].primary.span), "Leads");
}

#[test]
fn tests_are_checked_and_converted() {
    let mut b = B::new();
    let s = schema(&mut b);
    let name = b.str("enriches");
    let mut items = Vec::new();
    let kind = Spanned {
        node: ActorKind::Ai,
        span: b.tok("ai"),
    };
    let actor = ActorPattern {
        kind,
        name: b.str("alim"),
    };
    items.push(b.test_item(TestItemKind::Actor(actor)));
    let ev = b.id("update");
    items.push(b.test_item(TestItemKind::Event(ev)));
    let conf = b.pct("93");
    items.push(b.test_item(TestItemKind::Confidence(conf)));
    let obj = b.id("Lead");
    let values = vec![
        (b.id("Industry"), b.null()),
        (b.id("AnnualRevenue"), b.n("1_000")),
        (b.id("LastActivityDate"), b.s("2026-01-02")),
    ];
    items.push(b.test_item(TestItemKind::Record {
        object: obj,
        values,
    }));
    let acc = b.id("Account");
    let pvals = vec![(b.id("Type"), b.s("Customer"))];
    items.push(b.test_item(TestItemKind::Parent {
        object: acc,
        values: pvals,
    }));
    let f = b.id("Industry");
    let v = b.s("Technology");
    items.push(b.test_item(TestItemKind::Change { field: f, value: v }));
    let o = Spanned {
        node: Outcome::Auto,
        span: b.tok("auto"),
    };
    let f = b.id("Industry");
    items.push(b.test_item(TestItemKind::Expect {
        field: Some(f),
        outcome: o,
    }));
    let span = name.span;
    let t = Item::Test(TestBlock { name, items, span });
    let (unit, diags) = run(&b, vec![s, t]);
    assert!(diags.is_empty(), "{diags:#?}");
    let unit = unit.unwrap();
    let tc = &unit.tests[0];
    assert_eq!(tc.event, model::Event::Update);
    assert_eq!(
        tc.confidence.map(|d| d.to_string()).as_deref(),
        Some("0.93")
    );
    let json: Vec<String> = tc.record.iter().map(|(_, v)| v.to_string()).collect();
    assert_eq!(json, ["null", "1000", "\"2026-01-02\""]);
    assert_eq!(tc.parents[0].0, "Account");
    assert_eq!(tc.changes[0].1, serde_json::json!("Technology"));
    assert_eq!(tc.expect_fields.len(), 1);
}

#[test]
fn incomplete_tests_report_every_missing_item() {
    let mut b = B::new();
    let s = schema(&mut b);
    let name = b.str("empty");
    let f = b.id("Rating");
    let o = Spanned {
        node: Outcome::Auto,
        span: b.tok("auto"),
    };
    let items = vec![b.test_item(TestItemKind::Expect {
        field: Some(f),
        outcome: o,
    })];
    let span = name.span;
    let t = Item::Test(TestBlock { name, items, span });
    let (unit, diags) = run(&b, vec![s, t]);
    assert!(unit.is_none());
    assert_eq!(codes_of(&diags), ["E0320"; 4]);
    let msgs: Vec<_> = diags.iter().map(|d| d.message.as_str()).collect();
    assert!(msgs.contains(&"test \"empty\" has no `change`"), "{msgs:?}");
}

#[test]
fn output_does_not_depend_on_file_order() {
    let build = |first: u32| {
        let mut a = B::in_file(first);
        let s = schema(&mut a);
        let mut b = B::in_file(1 - first);
        let r = b.rule(Outcome::Never, None);
        let l = b.line("*", vec![r]);
        let c1 = contract(&mut b, "zeta", vec![l], vec![]);
        let r = b.rule(Outcome::Never, None);
        let l = b.line("*", vec![r]);
        let c2 = contract(&mut b, "alpha", vec![l], vec![]);
        (
            File {
                items: vec![s],
                comments: vec![],
            },
            File {
                items: vec![c1, c2],
                comments: vec![],
            },
        )
    };
    let (s0, c1) = build(0);
    let (u1, d1) = check::check(&[(FileId(0), &s0), (FileId(1), &c1)]);
    let (u2, d2) = check::check(&[(FileId(1), &c1), (FileId(0), &s0)]);
    assert!(d1.is_empty() && d2.is_empty());
    let names = |u: &model::CheckedUnit| {
        u.contracts
            .iter()
            .map(|c| c.name.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&u1.unwrap()), ["alpha", "zeta"]);
    assert_eq!(names(&u2.unwrap()), ["alpha", "zeta"]);
}

#[test]
fn every_code_the_checker_uses_is_registered() {
    let ids: Vec<_> = codes::all()
        .filter(|c| {
            c.code.starts_with("E03") || c.code.starts_with("E04") || c.code.starts_with("W03")
        })
        .collect();
    assert!(ids.len() >= 30, "{}", ids.len());
}

// ---------------------------------------------------------------- end to end (parsed)

/// Parses and checks one source; `None` while the parser is still the stub
/// (it returns an empty file), so these tests wait for it instead of failing.
fn check_src(src: &str) -> Option<(Option<model::CheckedUnit>, Vec<Diagnostic>)> {
    let (file, syntax) = crmc::syntax::parse(FileId(0), src);
    if file.items.is_empty() {
        return None;
    }
    assert!(syntax.is_empty(), "syntax errors: {syntax:#?}");
    Some(check::check(&[(FileId(0), &file)]))
}

const SPEC_UNIT: &str = r#"
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
    LeadSource:         picklist("Web", "Partner Referral")
    Rating:             picklist("Hot", "Warm", "Cold")
    OwnerId:            ref(User) protected
    HasOptedOutOfEmail: bool      protected
    LastActivityDate:   date
    LastModifiedDate:   datetime
  }
  object Account { Type: picklist("Prospect", "Customer", "Partner") }
  object Contact { AccountId: ref(Account) }
  object User { Email: email }
}

extend object Lead { Fit_Score__c: number }

exclusion opted_out on Lead when HasOptedOutOfEmail
exclusion customers on Contact when Account.Type == "Customer"

contract inbound_lead_enrichment version 3 {
  object  Lead
  actor   ai "alim"
  owner   "revops@acme.example"
  mode    conditional_write

  trigger on create, update(Email, Company)

  eligible when Status in ("Open - Not Contacted", "Working - Contacted")
            and LeadSource != "Partner Referral"

  exclude opted_out
  exclude when Email ends with "@competitor.example"

  confidence {
    auto   at least 0.90
    review at least 60%
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

#[test]
fn spec_example_checks_into_the_model() {
    let Some((unit, diags)) = check_src(SPEC_UNIT) else {
        return;
    };
    assert!(diags.is_empty(), "{diags:#?}");
    let unit = unit.unwrap();
    let s = &unit.schema;
    let lead = s.object_by_name("Lead").unwrap();
    let f = |n: &str| s.field_by_name(lead, n).unwrap();
    assert!(s.field(f("Fit_Score__c")).ty == model::FieldType::Number);
    let contact = s.object_by_name("Contact").unwrap();
    assert!(s.relation(contact, "Account").is_some());
    assert_eq!(
        unit.exclusions
            .iter()
            .map(|e| e.name.as_str())
            .collect::<Vec<_>>(),
        ["customers", "opted_out"]
    );

    let c = &unit.contracts[0];
    assert_eq!(c.version, 3);
    assert_eq!(c.owner.as_deref(), Some("revops@acme.example"));
    assert_eq!(
        c.triggers,
        [
            model::Trigger::Create,
            model::Trigger::Update(Some(vec![f("Email"), f("Company")]))
        ]
    );
    assert!(matches!(&c.eligible, Some(model::Cond::And(v)) if v.len() == 2));
    assert_eq!(c.exclusions.len(), 2);
    assert_eq!(c.exclusions[0].name.as_deref(), Some("opted_out"));
    assert_eq!(
        c.confidence.auto.map(|t| t.0.to_string()).as_deref(),
        Some("0.9")
    );
    assert_eq!(
        c.confidence.review.map(|t| t.0.to_string()).as_deref(),
        Some("0.6")
    );
    assert_eq!(c.fields.len(), 6);
    let nemp = c.rules_for(f("NumberOfEmployees")).unwrap();
    assert_eq!(nemp.rules[1].position, 2);
    assert_eq!(nemp.rules[1].outcome, Outcome::Suggest);
    assert!(c.star.is_some());
    let review = c.approval.review.as_ref().unwrap();
    assert_eq!(review.approver, model::Approver::RecordOwner);
    assert_eq!(review.within, Some(86_400));
    assert_eq!(c.approval.escalate.as_ref().unwrap().within, Some(14_400));
    assert_eq!(c.approval.require.len(), 1);
    assert_eq!(c.audit.as_ref().unwrap().fields.len(), 11);
    let rb = c.rollback.as_ref().unwrap();
    assert_eq!(rb.keep, Some(90 * 86_400));
    assert_eq!(rb.keep_text.as_deref(), Some("90d"));
    assert_eq!(rb.notify, [model::Approver::RecordOwner]);
    assert_eq!(c.metrics[0].target.to_string(), "0.8");

    let t = &unit.tests[0];
    assert_eq!(t.record.len(), 3);
    assert_eq!(t.expect_overall.map(|e| e.0), Some(Outcome::Auto));
    assert_eq!(t.expect_fields[0].0, f("Industry"));
}

#[test]
fn parsed_mistakes_are_all_reported_with_exact_spans() {
    let src = SPEC_UNIT.replace(
        "and LeadSource != \"Partner Referral\"",
        "and LeadSorce != \"Partner Referral\" and Company < \"M\" and Rating == \"hot\"",
    );
    let Some((unit, diags)) = check_src(&src) else {
        return;
    };
    assert!(unit.is_none());
    let got: Vec<_> = diags
        .iter()
        .map(|d| (d.code, &src[d.primary.span.range()]))
        .collect();
    assert_eq!(
        got,
        [("E0302", "LeadSorce"), ("E0401", "<"), ("E0403", "\"hot\""),]
    );
    assert_eq!(diags[0].help.as_deref(), Some("did you mean `LeadSource`?"));
    assert_eq!(diags[2].help.as_deref(), Some("did you mean \"Hot\"?"));
}

#[test]
fn dates_percentages_and_context_values_are_typed() {
    let src = SPEC_UNIT.replace(
        "and LeadSource != \"Partner Referral\"",
        "and LastActivityDate < \"1970-01-11\" and LastModifiedDate >= \"1970-01-02\" \
         and confidence > 80% and event != delete and source starts with \"enrich\"",
    );
    let Some((unit, diags)) = check_src(&src) else {
        return;
    };
    assert!(diags.is_empty(), "{diags:#?}");
    let unit = unit.unwrap();
    let Some(model::Cond::And(atoms)) = &unit.contracts[0].eligible else {
        panic!("an and")
    };
    let tests: Vec<_> = atoms
        .iter()
        .filter_map(|a| match a {
            model::Cond::Atom { test, .. } => Some(test.clone()),
            _ => None,
        })
        .collect();
    use model::{Test, Value};
    assert_eq!(tests[1], Test::Cmp(CmpOp::Lt, Value::Date(10)));
    assert_eq!(tests[2], Test::Cmp(CmpOp::Ge, Value::Datetime(86_400)));
    assert_eq!(
        tests[3],
        Test::Cmp(CmpOp::Gt, Value::Num(Decimal::parse("0.8").unwrap()))
    );
    assert_eq!(
        tests[4],
        Test::Cmp(CmpOp::Ne, Value::Event(model::Event::Delete))
    );
    assert_eq!(tests[5], Test::StartsWith("enrich".into()));
}

/// Every UI case with any one line removed, and with any one word
/// doubled: whatever the parser recovers to, the checker must not panic,
/// and it returns a unit exactly when it reports no error.
#[test]
fn never_panics_on_damaged_sources() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui/check");
    let mut sources = vec![SPEC_UNIT.to_string()];
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "crmc") {
            sources.push(std::fs::read_to_string(path).unwrap());
        }
    }
    for src in &sources {
        let lines: Vec<&str> = src.lines().collect();
        for i in 0..lines.len() {
            let mut without = lines.clone();
            without.remove(i);
            let mut doubled = lines.clone();
            let word = lines[i].split_whitespace().next().unwrap_or("");
            let dup = format!("{word} {}", lines[i]);
            doubled[i] = &dup;
            for text in [without.join("\n"), doubled.join("\n")] {
                let (file, _) = crmc::syntax::parse(FileId(0), &text);
                let (unit, diags) = check::check(&[(FileId(0), &file)]);
                assert_eq!(unit.is_some(), !diags.iter().any(|d| d.is_error()));
                for d in &diags {
                    assert!(codes::lookup(d.code).is_some(), "{} unregistered", d.code);
                }
            }
        }
    }
}
