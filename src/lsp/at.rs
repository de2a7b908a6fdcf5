//! What is under the cursor: the name, outcome or declaration of a syntax
//! tree at a byte offset, with the object it is read on. Hover and
//! go-to-definition both start here.

use crate::span::Span;
use crate::syntax::ast::{self, Ident};

/// A thing written at some place.
#[derive(Clone, Copy, Debug)]
pub enum Target<'a> {
    /// Segment `index` of a path read on `object` (`Account.Type`: the
    /// segments before the last are relations, the last a field).
    Path {
        object: Option<&'a str>,
        segments: &'a [Ident],
        index: usize,
    },
    /// A field name as a target (`fields { F: ... }`, `change F`, `update(F)`).
    Field {
        object: Option<&'a str>,
        ident: &'a Ident,
    },
    /// A field's own declaration in a schema.
    FieldDecl {
        object: &'a str,
        decl: &'a ast::FieldDecl,
    },
    Object(&'a Ident),
    Exclusion(&'a Ident),
    Outcome(ast::Outcome, Span),
    Contract(&'a ast::Contract),
    Import(&'a ast::Import),
}

fn inside(span: Span, offset: u32) -> bool {
    // The end counts: a cursor right after a name is on it.
    span.start <= offset && offset <= span.end
}

/// The most specific target at `offset` in `file`.
pub fn find(file: &ast::File, offset: u32) -> Option<Target<'_>> {
    let item = file.items.iter().find(|i| inside(i.span(), offset))?;
    match item {
        ast::Item::Import(i) => inside(i.path.span, offset).then_some(Target::Import(i)),
        ast::Item::Schema(s) => s.objects.iter().find_map(|o| in_object(o, offset)),
        ast::Item::Object(o) => in_object(o, offset),
        ast::Item::Exclusion(e) => {
            if inside(e.name.span, offset) {
                Some(Target::Exclusion(&e.name))
            } else if inside(e.object.span, offset) {
                Some(Target::Object(&e.object))
            } else {
                in_expr(&e.when, Some(&e.object.name), offset)
            }
        }
        ast::Item::Guardrail(g) => in_guardrail(g, offset),
        ast::Item::Contract(c) => in_contract(c, offset),
        ast::Item::Test(t) => in_test(t, offset),
    }
}

fn in_guardrail(g: &ast::GuardrailDecl, offset: u32) -> Option<Target<'_>> {
    let object = g.items.iter().find_map(|i| match &i.kind {
        ast::GuardItemKind::Object(o) => Some(o.name.as_str()),
        _ => None,
    });
    let item = g.items.iter().find(|i| inside(i.span, offset))?;
    match &item.kind {
        ast::GuardItemKind::Object(o) => inside(o.span, offset).then_some(Target::Object(o)),
        ast::GuardItemKind::When(e) => in_expr(e, object, offset),
        ast::GuardItemKind::Fields(floors) => {
            let f = floors.iter().find(|f| inside(f.span, offset))?;
            if let ast::FieldTarget::Field(ident) = &f.target {
                if inside(ident.span, offset) {
                    return Some(Target::Field { object, ident });
                }
            }
            inside(f.outcome.span, offset)
                .then_some(Target::Outcome(f.outcome.node, f.outcome.span))
        }
        _ => None,
    }
}

fn in_object(o: &ast::ObjectDecl, offset: u32) -> Option<Target<'_>> {
    if !inside(o.span, offset) {
        return None;
    }
    if inside(o.name.span, offset) {
        return Some(Target::Object(&o.name));
    }
    let f = o.fields.iter().find(|f| inside(f.span, offset))?;
    if inside(f.name.span, offset) {
        return Some(Target::FieldDecl {
            object: &o.name.name,
            decl: f,
        });
    }
    if let ast::TypeKind::Ref(targets) = &f.ty.kind {
        if let Some(t) = targets.iter().find(|t| inside(t.span, offset)) {
            return Some(Target::Object(t));
        }
    }
    None
}

fn in_contract(c: &ast::Contract, offset: u32) -> Option<Target<'_>> {
    if inside(c.name.span, offset) {
        return Some(Target::Contract(c));
    }
    let object = super::names::contract_object(c).map(|i| i.name.as_str());
    let clause = c.clauses.iter().find(|cl| inside(cl.span, offset))?;
    use ast::ClauseKind as K;
    match &clause.kind {
        K::Object(o) => inside(o.span, offset).then_some(Target::Object(o)),
        K::Eligible(e) | K::Exclude(ast::ExcludeTarget::When(e)) => in_expr(e, object, offset),
        K::Exclude(ast::ExcludeTarget::Named(n)) => {
            inside(n.span, offset).then_some(Target::Exclusion(n))
        }
        K::Trigger(events) => events.iter().find_map(|ev| match ev {
            ast::TriggerEvent::Update {
                fields: Some(fields),
                ..
            } => fields
                .iter()
                .find(|f| inside(f.span, offset))
                .map(|ident| Target::Field { object, ident }),
            _ => None,
        }),
        K::Confidence(ts) => ts
            .iter()
            .find(|t| inside(t.level.span, offset))
            .map(|t| Target::Outcome(t.level.node, t.level.span)),
        K::Fields(lines) => {
            let line = lines.iter().find(|l| inside(l.span, offset))?;
            if let ast::FieldTarget::Field(ident) = &line.target {
                if inside(ident.span, offset) {
                    return Some(Target::Field { object, ident });
                }
            }
            let rule = line.rules.iter().find(|r| inside(r.span, offset))?;
            if inside(rule.outcome.span, offset) {
                return Some(Target::Outcome(rule.outcome.node, rule.outcome.span));
            }
            rule.when.as_ref().and_then(|e| in_expr(e, object, offset))
        }
        K::Approval(items) => items.iter().find_map(|item| match item {
            ast::ApprovalItem::Route { level, .. } if inside(level.span, offset) => {
                Some(Target::Outcome(level.node, level.span))
            }
            ast::ApprovalItem::Require {
                when: Some(e),
                span,
                ..
            } if inside(*span, offset) => in_expr(e, object, offset),
            _ => None,
        }),
        _ => None,
    }
}

fn in_expr<'a>(e: &'a ast::Expr, object: Option<&'a str>, offset: u32) -> Option<Target<'a>> {
    if !inside(e.span, offset) {
        return None;
    }
    use ast::ExprKind as K;
    // Conditions nest: walk down without recursion (a deep condition must
    // not overflow the stack).
    let mut todo: Vec<&ast::Expr> = vec![e];
    while let Some(e) = todo.pop() {
        if !inside(e.span, offset) {
            continue;
        }
        let path = match &e.kind {
            K::Or(es) | K::And(es) => {
                todo.extend(es);
                continue;
            }
            K::Not(inner) | K::Paren(inner) => {
                todo.push(inner);
                continue;
            }
            K::Compare { lhs, .. } | K::In { lhs, .. } => &lhs.path,
            K::IsEmpty { operand, .. }
            | K::Truthy(operand)
            | K::StrMatch { operand, .. }
            | K::RelDate { operand, .. } => &operand.path,
            K::Changed(p) | K::SetBy { field: Some(p), .. } => p,
            K::BareEmpty { .. } | K::SetBy { field: None, .. } => continue,
        };
        if let Some(index) = path.segments.iter().position(|s| inside(s.span, offset)) {
            return Some(Target::Path {
                object,
                segments: &path.segments,
                index,
            });
        }
    }
    None
}

/// The object a test's record is of.
pub fn test_object(t: &ast::TestBlock) -> Option<&str> {
    t.items.iter().find_map(|i| match &i.kind {
        ast::TestItemKind::Record { object, .. } => Some(object.name.as_str()),
        _ => None,
    })
}

fn in_test(t: &ast::TestBlock, offset: u32) -> Option<Target<'_>> {
    let item = t.items.iter().find(|i| inside(i.span, offset))?;
    let record = test_object(t);
    use ast::TestItemKind as K;
    match &item.kind {
        K::Record { object, values } | K::Parent { object, values } => {
            if inside(object.span, offset) {
                return Some(Target::Object(object));
            }
            values
                .iter()
                .find(|(f, _)| inside(f.span, offset))
                .map(|(ident, _)| Target::Field {
                    object: Some(&object.name),
                    ident,
                })
        }
        K::Change { field, .. } => inside(field.span, offset).then_some(Target::Field {
            object: record,
            ident: field,
        }),
        K::Expect { field, outcome } => {
            if inside(outcome.span, offset) {
                return Some(Target::Outcome(outcome.node, outcome.span));
            }
            field
                .as_ref()
                .filter(|f| inside(f.span, offset))
                .map(|ident| Target::Field {
                    object: record,
                    ident,
                })
        }
        _ => None,
    }
}
