//! Conditions: AST [`Expr`] -> [`Cond`], resolving every name and checking
//! every operator and literal against the type of what it reads.

use super::errors::{CheckError, Expected, Misuse};
use super::model::{Cond, Event, Field, FieldId, FieldType, ObjectId, Subject, Test, Value};
use super::schema::SchemaInfo;
use super::values::{allowed_value, field_value_in, found, unit_interval};
use crate::diagnostics::suggest::suggest;
use crate::syntax::ast::{
    CmpOp, DateOp, Expr, ExprKind, Ident, LitKind, Literal, Operand, Path, StrOp,
};

/// Which field bare `empty` / `set` mean.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleField {
    /// Not inside a `fields` line.
    None,
    /// Inside the `*` line.
    Star,
    Field(FieldId),
}

/// Where a condition is checked: the object its names resolve against.
#[derive(Clone, Copy)]
pub struct Scope<'a> {
    pub info: &'a SchemaInfo,
    pub object: ObjectId,
    pub rule_field: RuleField,
}

/// What an operand reads, with its type.
#[derive(Clone, Copy)]
enum Kind<'s> {
    Field(&'s Field),
    Confidence,
    Source,
    Event,
    /// `source of F`.
    HistSource,
}

impl Kind<'_> {
    fn type_name(&self) -> String {
        match self {
            Kind::Field(f) => super::values::a_field(&f.ty),
            Kind::Confidence => "the mutation's confidence".to_string(),
            Kind::Source => "the mutation's source".to_string(),
            Kind::Event => "the mutation's event".to_string(),
            Kind::HistSource => "where a field's last write came from".to_string(),
        }
    }

    /// The operators that do apply, as a help sentence.
    fn valid_ops(&self) -> String {
        let ops = match self {
            Kind::Field(f) => match &f.ty {
                t if t.is_text() => "`==`, `!=`, `in`, `starts with`, `ends with`, `contains`, `is empty`",
                t if t.is_numeric() => "`==`, `!=`, `<`, `<=`, `>`, `>=`, `in`, `is empty`",
                t if t.is_temporal() => {
                    "`==`, `!=`, `<`, `<=`, `>`, `>=`, `in`, `before N days ago`, `after N days ago`, `is empty`"
                }
                FieldType::Bool => "`==`, `!=`, `is empty`, or the bare field name (meaning `== true`)",
                FieldType::Picklist(_) => "`==`, `!=`, `in`, `not in`, `is empty`",
                FieldType::Multipicklist(_) => "`contains \"value\"`, `==`, `!=`, `in`, `is empty`",
                _ => "`==`, `!=`, `in`, `not in`, `is empty`",
            },
            Kind::Confidence => "`<`, `<=`, `>`, `>=`, `==`, `!=`, `in`",
            Kind::Source | Kind::HistSource => {
                "`==`, `!=`, `in`, `starts with`, `ends with`, `contains`, `is empty`"
            }
            Kind::Event => "`event == create`, `event != delete`, `event in (create, update)`",
        };
        format!("this takes {ops}")
    }
}

struct Resolved<'s> {
    subject: Subject,
    kind: Kind<'s>,
    /// As written, for messages (`Industry`, `Account.Type`, `confidence`).
    name: String,
}

fn context(name: &str) -> Option<(Subject, Kind<'static>)> {
    match name {
        "confidence" => Some((Subject::Confidence, Kind::Confidence)),
        "source" => Some((Subject::Source, Kind::Source)),
        "event" => Some((Subject::Event, Kind::Event)),
        _ => None,
    }
}

pub struct Lowerer<'a, 'e> {
    pub scope: Scope<'a>,
    pub errors: &'e mut Vec<CheckError>,
}

/// Lowers one condition; `None` when it had errors (all of them reported).
pub fn lower(scope: Scope<'_>, expr: &Expr, errors: &mut Vec<CheckError>) -> Option<Cond> {
    Lowerer { scope, errors }.expr(expr)
}

impl<'a> Lowerer<'a, '_> {
    fn object_name(&self) -> &'a str {
        &self.scope.info.schema.object(self.scope.object).name
    }

    /// A field of the scope's object, or an error (unless already reported).
    pub fn field(&mut self, ident: &Ident) -> Option<FieldId> {
        field_of(self.scope.info, self.scope.object, ident, self.errors)
    }

    fn resolve(&mut self, operand: &Operand) -> Option<Resolved<'a>> {
        let info = self.scope.info;
        let schema = &info.schema;
        let name = operand.path.dotted();
        if operand.source_of {
            let field = self.history_field(&operand.path, "source of")?;
            return Some(Resolved {
                subject: Subject::HistSource(field),
                kind: Kind::HistSource,
                name: format!("source of {name}"),
            });
        }
        match operand.path.segments.as_slice() {
            [one] => {
                // A context name is the context unless it is `new X` and the
                // object has a field X.
                if let Some((subject, kind)) = context(&one.name) {
                    if !operand.new {
                        return Some(Resolved {
                            subject,
                            kind,
                            name,
                        });
                    }
                    if schema.field_by_name(self.scope.object, &one.name).is_none() {
                        self.errors.push(CheckError::InvalidReference {
                            misuse: Misuse::NewOnNonField,
                            text: name,
                            object: self.object_name().to_string(),
                            span: operand.span,
                        });
                        return None;
                    }
                }
                let fid = self.field(one)?;
                Some(Resolved {
                    subject: if operand.new {
                        Subject::New(fid)
                    } else {
                        Subject::Field(fid)
                    },
                    kind: Kind::Field(schema.field(fid)),
                    name,
                })
            }
            [rel, fname] => {
                if operand.new {
                    self.errors.push(CheckError::InvalidReference {
                        misuse: Misuse::NewOnNonField,
                        text: name,
                        object: self.object_name().to_string(),
                        span: operand.span,
                    });
                    return None;
                }
                let relation = self.relation(rel)?;
                let fid = field_of(info, relation.target, fname, self.errors)?;
                Some(Resolved {
                    subject: Subject::Parent {
                        relation: relation.name.clone(),
                        field: fid,
                    },
                    kind: Kind::Field(schema.field(fid)),
                    name,
                })
            }
            _ => {
                self.errors.push(CheckError::InvalidReference {
                    misuse: Misuse::NestedLookup,
                    text: name,
                    object: self.object_name().to_string(),
                    span: operand.path.span,
                });
                None
            }
        }
    }

    /// The allowed values of the (multi)picklist field `r` reads, as a set.
    fn choices(&self, r: &Resolved<'_>) -> Option<&'a std::collections::HashSet<String>> {
        let info: &'a SchemaInfo = self.scope.info;
        match &r.subject {
            Subject::Field(f) | Subject::New(f) | Subject::Parent { field: f, .. } => {
                info.choices(*f)
            }
            _ => None,
        }
    }

    fn relation(&mut self, rel: &Ident) -> Option<&'a super::model::Relation> {
        relation_of(self.scope.info, self.scope.object, rel, self.errors)
    }

    pub fn expr(&mut self, e: &Expr) -> Option<Cond> {
        match &e.kind {
            ExprKind::Or(parts) | ExprKind::And(parts) => {
                // Check every part (to report each mistake) before giving up.
                let parts: Vec<Option<Cond>> = parts.iter().map(|p| self.expr(p)).collect();
                let parts = parts.into_iter().collect::<Option<Vec<Cond>>>()?;
                Some(flatten(parts, matches!(e.kind, ExprKind::And(_))))
            }
            ExprKind::Not(inner) => Some(Cond::Not(Box::new(self.expr(inner)?))),
            ExprKind::Paren(inner) => self.expr(inner),
            ExprKind::Compare { lhs, op, rhs } => {
                let r = self.resolve(lhs)?;
                let test = self.compare(&r, op.node, op.span, rhs)?;
                Some(atom(r.subject, test, e))
            }
            ExprKind::In {
                lhs,
                negated,
                values,
            } => {
                let r = self.resolve(lhs)?;
                if let Kind::Field(f) = r.kind {
                    if f.ty == FieldType::Bool {
                        let op = if *negated { "not in" } else { "in" };
                        self.errors.push(CheckError::InvalidOperator {
                            subject: r.name.clone(),
                            ty: r.kind.type_name(),
                            op: op.to_string(),
                            valid: "compare a yes/no field with `==` / `!=`, or use its bare name"
                                .to_string(),
                            span: e.span,
                        });
                        return None;
                    }
                }
                let mut out = Vec::new();
                let mut ok = true;
                for v in values {
                    match self.value(&r, v, *negated) {
                        Some(v) => out.push(v),
                        None => ok = false,
                    }
                }
                ok.then(|| {
                    atom(
                        r.subject,
                        Test::In {
                            values: out,
                            negated: *negated,
                        },
                        e,
                    )
                })
            }
            ExprKind::IsEmpty { operand, negated } => {
                let r = self.resolve(operand)?;
                let test = if *negated { Test::IsSet } else { Test::IsEmpty };
                Some(atom(r.subject, test, e))
            }
            ExprKind::BareEmpty { negated } => {
                let test = if *negated { Test::IsSet } else { Test::IsEmpty };
                match self.scope.rule_field {
                    RuleField::Field(f) => Some(atom(Subject::Field(f), test, e)),
                    RuleField::Star | RuleField::None => {
                        self.errors.push(CheckError::BareEmpty {
                            negated: *negated,
                            in_star: self.scope.rule_field == RuleField::Star,
                            span: e.span,
                        });
                        None
                    }
                }
            }
            ExprKind::Truthy(operand) => {
                let r = self.resolve(operand)?;
                if let Kind::Field(f) = r.kind {
                    if f.ty == FieldType::Bool {
                        return Some(atom(r.subject, Test::IsTrue, e));
                    }
                }
                self.errors.push(CheckError::NotYesNo {
                    example: example(&r),
                    subject: r.name,
                    span: e.span,
                });
                None
            }
            ExprKind::StrMatch {
                operand,
                op,
                pattern,
            } => {
                let r = self.resolve(operand)?;
                let text_like = match r.kind {
                    Kind::Field(f) => f.ty.is_text(),
                    Kind::Source | Kind::HistSource => true,
                    _ => false,
                };
                if let (Kind::Field(f), StrOp::Contains) = (r.kind, op.node) {
                    if let FieldType::Multipicklist(allowed) = &f.ty {
                        if let Err(err) = allowed_value(
                            &r.name,
                            &pattern.value,
                            allowed,
                            self.choices(&r),
                            pattern.span,
                            Some(f.span),
                        ) {
                            self.errors.push(err);
                            return None;
                        }
                        return Some(atom(r.subject, Test::Contains(pattern.value.clone()), e));
                    }
                }
                if !text_like {
                    self.errors.push(CheckError::InvalidOperator {
                        subject: r.name.clone(),
                        ty: r.kind.type_name(),
                        op: op.node.as_str().to_string(),
                        valid: r.kind.valid_ops(),
                        span: op.span,
                    });
                    return None;
                }
                let s = pattern.value.clone();
                let test = match op.node {
                    StrOp::StartsWith => Test::StartsWith(s),
                    StrOp::EndsWith => Test::EndsWith(s),
                    StrOp::Contains => Test::Contains(s),
                };
                Some(atom(r.subject, test, e))
            }
            ExprKind::RelDate { operand, op, days } => {
                let r = self.resolve(operand)?;
                let temporal = matches!(r.kind, Kind::Field(f) if f.ty.is_temporal());
                if !temporal {
                    let word = match op.node {
                        DateOp::Before => "before",
                        DateOp::After => "after",
                    };
                    self.errors.push(CheckError::InvalidOperator {
                        subject: r.name.clone(),
                        ty: r.kind.type_name(),
                        op: format!("{word} ... days ago"),
                        valid: r.kind.valid_ops(),
                        span: op.span,
                    });
                    return None;
                }
                let n = match &days.kind {
                    LitKind::Number(n) if *n >= crate::decimal::Decimal::ZERO => n.to_i64(),
                    _ => None,
                };
                let Some(n) = n else {
                    self.errors.push(CheckError::InvalidDays {
                        value: literal_text(days),
                        span: days.span,
                    });
                    return None;
                };
                let test = match op.node {
                    DateOp::Before => Test::BeforeDaysAgo(n),
                    DateOp::After => Test::AfterDaysAgo(n),
                };
                Some(atom(r.subject, test, e))
            }
            ExprKind::Changed(path) => {
                let field = self.changed_field(path)?;
                Some(Cond::Changed {
                    field,
                    span: e.span,
                })
            }
            ExprKind::SetBy {
                field,
                kind,
                name,
                within,
            } => self.set_by(e, field.as_ref(), kind.node, name.as_ref(), within.as_ref()),
        }
    }

    /// The field a provenance condition (`set by`, `source of`) is about:
    /// one of the record's own (a parent's history is not in the input).
    fn history_field(&mut self, path: &Path, what: &'static str) -> Option<FieldId> {
        match path.segments.as_slice() {
            [one] => self.field(one),
            _ => {
                self.errors.push(CheckError::Provenance {
                    problem: super::errors::ProvenanceProblem::ParentField {
                        what,
                        text: path.dotted(),
                    },
                    span: path.span,
                });
                None
            }
        }
    }

    /// `F set by KIND ["name"] [within N]`; bare inside a field's rules.
    fn set_by(
        &mut self,
        e: &Expr,
        field: Option<&Path>,
        kind: crate::syntax::ast::ActorKind,
        name: Option<&crate::syntax::ast::StrLit>,
        within: Option<&crate::syntax::ast::Spanned<crate::syntax::ast::Duration>>,
    ) -> Option<Cond> {
        use super::errors::ProvenanceProblem as P;
        let field = match field {
            Some(p) => self.history_field(p, "set by"),
            None => match self.scope.rule_field {
                RuleField::Field(f) => Some(f),
                RuleField::Star | RuleField::None => {
                    self.errors.push(CheckError::Provenance {
                        problem: P::Bare {
                            in_star: self.scope.rule_field == RuleField::Star,
                        },
                        span: e.span,
                    });
                    None
                }
            },
        };
        let mut ok = field.is_some();
        let name = match name {
            Some(s) if s.value.is_empty() => {
                self.errors.push(CheckError::Provenance {
                    problem: P::EmptyName,
                    span: s.span,
                });
                ok = false;
                None
            }
            Some(s) if s.value == "*" => None,
            Some(s) => Some(s.value.clone()),
            None => None,
        };
        let within = match within {
            Some(w) if w.node.amount == 0 => {
                self.errors.push(CheckError::Provenance {
                    problem: P::ZeroWindow,
                    span: w.span,
                });
                ok = false;
                None
            }
            Some(w) if w.node.seconds() > 100 * 365 * 86_400 => {
                self.errors.push(CheckError::Provenance {
                    problem: P::LongWindow,
                    span: w.span,
                });
                ok = false;
                None
            }
            Some(w) => i64::try_from(w.node.seconds()).ok(),
            None => None,
        };
        if !ok {
            return None;
        }
        Some(Cond::SetBy {
            field: field?,
            kind,
            name,
            within,
            span: e.span,
        })
    }

    fn changed_field(&mut self, path: &Path) -> Option<FieldId> {
        let misuse = |text: String, object: &str| CheckError::InvalidReference {
            misuse: Misuse::ChangedOnNonField,
            text,
            object: object.to_string(),
            span: path.span,
        };
        match path.segments.as_slice() {
            [one] => {
                let own = self
                    .scope
                    .info
                    .schema
                    .field_by_name(self.scope.object, &one.name);
                if own.is_none() && context(&one.name).is_some() {
                    let err = misuse(one.name.clone(), self.object_name());
                    self.errors.push(err);
                    return None;
                }
                self.field(one)
            }
            _ => {
                let err = misuse(path.dotted(), self.object_name());
                self.errors.push(err);
                None
            }
        }
    }

    /// The test of `subject OP literal`.
    fn compare(
        &mut self,
        r: &Resolved<'_>,
        op: CmpOp,
        op_span: crate::span::Span,
        rhs: &Literal,
    ) -> Option<Test> {
        let ordering = matches!(op, CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge);
        let orderable = match r.kind {
            Kind::Field(f) => f.ty.is_numeric() || f.ty.is_temporal(),
            Kind::Confidence => true,
            Kind::Source | Kind::Event | Kind::HistSource => false,
        };
        if ordering && !orderable {
            self.errors.push(CheckError::InvalidOperator {
                subject: r.name.clone(),
                ty: r.kind.type_name(),
                op: op.as_str().to_string(),
                valid: r.kind.valid_ops(),
                span: op_span,
            });
            return None;
        }
        let value = self.value(r, rhs, op == CmpOp::Ne)?;
        Some(Test::Cmp(op, value))
    }

    /// One literal compared with `r` (`negated`: for the `null` help).
    fn value(&mut self, r: &Resolved<'_>, lit: &Literal, negated: bool) -> Option<Value> {
        if lit.kind == LitKind::Null {
            self.errors.push(CheckError::NullComparison {
                subject: r.name.clone(),
                negated,
                span: lit.span,
            });
            return None;
        }
        let result = match r.kind {
            Kind::Field(f) => field_value_in(&r.name, f, self.choices(r), lit),
            Kind::Confidence => unit_interval("a confidence", "confidence", lit).map(Value::Num),
            Kind::Source | Kind::HistSource => match &lit.kind {
                LitKind::String(s) => Ok(Value::Str(s.clone())),
                _ => Err(CheckError::TypeMismatch {
                    subject: r.name.clone(),
                    ty: r.kind.type_name(),
                    expected: Expected::Text,
                    found: found(lit),
                    span: lit.span,
                }),
            },
            Kind::Event => event_value(lit),
        };
        match result {
            Ok(v) => Some(v),
            Err(err) => {
                self.errors.push(err);
                None
            }
        }
    }
}

/// A field of `object` by name, or an error (unless already reported).
pub fn field_of(
    info: &SchemaInfo,
    object: ObjectId,
    ident: &Ident,
    errors: &mut Vec<CheckError>,
) -> Option<FieldId> {
    let schema = &info.schema;
    if let Some(f) = schema.field_by_name(object, &ident.name) {
        return Some(f);
    }
    let obj = schema.object(object);
    if !info.member_poisoned(&obj.name, &ident.name) {
        errors.push(CheckError::UnknownField {
            object: obj.name.clone(),
            name: ident.name.clone(),
            span: ident.span,
            suggestion: suggest(&ident.name, obj.fields.iter().map(|f| f.name.as_str())),
        });
    }
    None
}

/// A parent relation of `object` by name, or an error (unless already reported).
pub fn relation_of<'s>(
    info: &'s SchemaInfo,
    object: ObjectId,
    rel: &Ident,
    errors: &mut Vec<CheckError>,
) -> Option<&'s super::model::Relation> {
    let schema = &info.schema;
    if let Some(r) = schema.relation(object, &rel.name) {
        return Some(r);
    }
    let obj = schema.object(object);
    if !info.member_poisoned(&obj.name, &rel.name) {
        let is_plain_field = obj
            .fields
            .iter()
            .any(|f| f.name == rel.name || f.name == format!("{}Id", rel.name));
        errors.push(CheckError::UnknownRelation {
            object: obj.name.clone(),
            name: rel.name.clone(),
            span: rel.span,
            suggestion: suggest(&rel.name, obj.relations.iter().map(|r| r.name.as_str())),
            is_plain_field,
        });
    }
    None
}

fn event_value(lit: &Literal) -> Result<Value, CheckError> {
    let word = |w: &str| match w {
        "create" => Some(Event::Create),
        "update" => Some(Event::Update),
        "delete" => Some(Event::Delete),
        _ => None,
    };
    if let LitKind::Word(w) = &lit.kind {
        if let Some(ev) = word(w) {
            return Ok(Value::Event(ev));
        }
    }
    let suggestion = match &lit.kind {
        LitKind::Word(w) | LitKind::String(w) => word(&w.to_lowercase())
            .map(|e| e.as_str().to_string())
            .or_else(|| suggest(w, ["create", "update", "delete"])),
        _ => None,
    };
    Err(CheckError::InvalidEventValue {
        found: found(lit),
        suggestion,
        span: lit.span,
    })
}

fn atom(subject: Subject, test: Test, e: &Expr) -> Cond {
    Cond::Atom {
        subject,
        test,
        span: e.span,
    }
}

/// `a and b and ...` with nested `and`s (or `or`s, from parentheses) flattened.
fn flatten(parts: Vec<Cond>, and: bool) -> Cond {
    let mut items = Vec::with_capacity(parts.len());
    for c in parts {
        match (c, and) {
            (Cond::And(v), true) | (Cond::Or(v), false) => items.extend(v),
            (c, _) => items.push(c),
        }
    }
    if and {
        Cond::And(items)
    } else {
        Cond::Or(items)
    }
}

fn literal_text(lit: &Literal) -> String {
    match &lit.kind {
        LitKind::String(s) => format!("\"{s}\""),
        LitKind::Number(n) => n.to_string(),
        LitKind::Percent(n) => format!("{n}%"),
        LitKind::Bool(b) => b.to_string(),
        LitKind::Null => "null".to_string(),
        LitKind::Duration(d) => d.to_string(),
        LitKind::Word(w) => w.clone(),
    }
}

/// A comparison that fits what `r` is, for "not a yes/no field" help.
fn example(r: &Resolved<'_>) -> String {
    let n = &r.name;
    match r.kind {
        Kind::Field(f) => match &f.ty {
            FieldType::Picklist(v) => format!(
                "{n} == \"{}\"",
                v.first().map(String::as_str).unwrap_or("...")
            ),
            FieldType::Multipicklist(v) => format!(
                "{n} contains \"{}\"",
                v.first().map(String::as_str).unwrap_or("...")
            ),
            t if t.is_numeric() => format!("{n} > 0"),
            t if t.is_temporal() => format!("{n} after 30 days ago"),
            _ => format!("{n} == \"...\""),
        },
        Kind::Confidence => "confidence >= 0.9".to_string(),
        Kind::Source => "source == \"enrichment\"".to_string(),
        Kind::Event => "event == update".to_string(),
        Kind::HistSource => format!("{n} == \"CRM_UI\""),
    }
}
