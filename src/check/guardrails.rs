//! `guardrail` blocks -> [`model::Guardrail`]: one `object`, `actor` and
//! `fields` each (required), an optional `when` and `reason`; floors name
//! fields of the object (or `*`) once each, and only raise: `never`, or
//! `at least` an outcome above `auto`.

use super::conds::{field_of, lower, RuleField, Scope};
use super::contracts::{actor_of, object_of, Once};
use super::errors::CheckError;
use super::model::{self, ObjectId};
use super::schema::SchemaInfo;
use crate::syntax::ast::{self, GuardItemKind, Outcome};
use std::collections::BTreeMap;

pub(super) fn check_guardrail(
    g: &ast::GuardrailDecl,
    info: &SchemaInfo,
    errors: &mut Vec<CheckError>,
) -> Option<model::Guardrail> {
    let before = errors.len();
    let name = g.name.name.clone();
    let mut first: BTreeMap<&'static str, &ast::GuardItem> = BTreeMap::new();
    for item in &g.items {
        let kw = item.kind.keyword();
        match first.get(kw) {
            Some(prev) => errors.push(CheckError::DuplicateGuardItem {
                guardrail: name.clone(),
                item: kw,
                first: prev.span,
                second: item.span,
            }),
            None => {
                first.insert(kw, item);
            }
        }
    }
    for required in ["object", "actor", "fields"] {
        if !first.contains_key(required) {
            errors.push(CheckError::MissingGuardItem {
                guardrail: name.clone(),
                item: required,
                span: g.name.span,
            });
        }
    }
    let get = |kw: &str| first.get(kw).map(|i| (&i.kind, i.span));
    let object = match get("object") {
        Some((GuardItemKind::Object(o), _)) => object_of(info, o, errors),
        _ => None,
    };
    let actor = match get("actor") {
        Some((GuardItemKind::Actor(a), span)) => Some(actor_of(a, span)),
        _ => None,
    };
    let reason = match get("reason") {
        Some((GuardItemKind::Reason(s), _)) => Some(s.value.clone()),
        _ => None,
    };
    let object = object?;
    let when = match get("when") {
        Some((GuardItemKind::When(e), _)) => {
            let scope = Scope {
                info,
                object,
                rule_field: RuleField::None,
            };
            Some(lower(scope, e, errors)?)
        }
        _ => None,
    };
    let (floors, star) = match get("fields") {
        Some((GuardItemKind::Fields(fs), span)) => {
            let out = floors(info, object, fs, errors);
            if out.0.is_empty() && out.1.is_none() && errors.len() == before {
                errors.push(CheckError::MissingGuardItem {
                    guardrail: name.clone(),
                    item: "fields",
                    span,
                });
            }
            out
        }
        _ => (Vec::new(), None),
    };
    if errors.len() > before {
        return None;
    }
    Some(model::Guardrail {
        name,
        name_span: g.name.span,
        span: g.span,
        object,
        actor: actor?,
        when,
        floors,
        star,
        reason,
    })
}

type Floors = (
    Vec<(model::FieldId, Outcome, crate::span::Span)>,
    Option<(Outcome, crate::span::Span)>,
);

fn floors(
    info: &SchemaInfo,
    object: ObjectId,
    lines: &[ast::Floor],
    errors: &mut Vec<CheckError>,
) -> Floors {
    let mut once = Once::new("guardrail's `fields` block");
    let mut out = Vec::new();
    let mut star = None;
    for l in lines {
        let raises = match (l.at_least, l.outcome.node) {
            (_, Outcome::Auto)
            | (false, Outcome::Review | Outcome::Escalate | Outcome::Suggest) => {
                errors.push(CheckError::GuardFloor {
                    outcome: l.outcome.node,
                    span: l.outcome.span,
                });
                false
            }
            _ => true,
        };
        match &l.target {
            ast::FieldTarget::Star(span) => {
                if once.first(None, || "`*`".to_string(), *span, errors) && raises {
                    star = Some((l.outcome.node, l.span));
                }
            }
            ast::FieldTarget::Field(id) => {
                let Some(f) = field_of(info, object, id, errors) else {
                    continue;
                };
                let what = || format!("field `{}`", id.name);
                if once.first(Some(f), what, id.span, errors) && raises {
                    out.push((f, l.outcome.node, l.span));
                }
            }
        }
    }
    (out, star)
}
