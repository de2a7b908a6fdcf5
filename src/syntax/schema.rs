//! Lowering `schema`, `object` and `extend object` blocks.

use super::ast::{self, FieldAttr, PercentScale, TypeKind};
use super::errors::SyntaxError;
use super::grammar::Rule;
use super::lower::{children, find, Lower, P};
use super::recover::Ctx;
use super::suggest::closest;

const ATTRS: &[&str] = &["readonly", "protected", "sensitive"];

impl Lower<'_> {
    pub(super) fn schema(&mut self, p: &P<'_>) -> Option<ast::SchemaBlock> {
        let name = self.ident(&find(p, Rule::ident)?);
        let objects = self.block(p, "schema block", Ctx::Schema, |lw, child| {
            (child.as_rule() == Rule::object_decl)
                .then(|| lw.object_decl(&child))
                .flatten()
        });
        Some(ast::SchemaBlock {
            name,
            objects,
            span: self.span(p),
        })
    }

    pub(super) fn object_decl(&mut self, p: &P<'_>) -> Option<ast::ObjectDecl> {
        let extend = find(p, Rule::kw_extend).is_some();
        let name = self.ident(&find(p, Rule::ident)?);
        let what = format!("`{}` object block", name.name);
        let fields = self.block(p, &what, Ctx::Object, |lw, child| {
            (child.as_rule() == Rule::field_decl)
                .then(|| lw.field_decl(&child))
                .flatten()
        });
        Some(ast::ObjectDecl {
            extend,
            name,
            fields,
            span: self.span(p),
        })
    }

    fn field_decl(&mut self, p: &P<'_>) -> Option<ast::FieldDecl> {
        let name = self.ident(&find(p, Rule::ident)?);
        let ty = self.type_expr(&find(p, Rule::type_expr)?)?;
        let mut attrs = Vec::new();
        for a in children(p, Rule::attr) {
            let span = self.span(&a);
            let node = match a.as_str() {
                "readonly" => FieldAttr::Readonly,
                "protected" => FieldAttr::Protected,
                "sensitive" => FieldAttr::Sensitive,
                other => {
                    self.errors.push(SyntaxError::UnknownWord {
                        span,
                        word: other.to_string(),
                        what: "a field attribute",
                        allowed: ATTRS,
                        suggestion: closest(other, ATTRS),
                    });
                    continue;
                }
            };
            attrs.push(ast::Spanned { node, span });
        }
        Some(ast::FieldDecl {
            name,
            ty,
            attrs,
            span: self.span(p),
        })
    }

    fn type_expr(&mut self, p: &P<'_>) -> Option<ast::TypeExpr> {
        let span = self.span(p);
        let inner = p.clone().into_inner().next()?;
        let kind = match inner.as_rule() {
            Rule::list_type => {
                let values: Vec<ast::StrLit> = children(&inner, Rule::str_lit)
                    .map(|s| self.str_lit(&s))
                    .collect();
                let multi = find(&inner, Rule::list_kw)?.as_str() == "multipicklist";
                if multi {
                    TypeKind::Multipicklist(values)
                } else {
                    TypeKind::Picklist(values)
                }
            }
            Rule::ref_type => TypeKind::Ref(
                children(&inner, Rule::ident)
                    .map(|i| self.ident(&i))
                    .collect(),
            ),
            Rule::percent_type => {
                let scale = find(&inner, Rule::percent_scale)?;
                let text: String = scale.as_str().split_whitespace().collect();
                match text.as_str() {
                    "0..100" => TypeKind::Percent(Some(PercentScale::Hundred)),
                    "0..1" => TypeKind::Percent(Some(PercentScale::One)),
                    _ => {
                        let at = self.span(&scale);
                        let span = if at.start == at.end { span } else { at };
                        self.errors.push(SyntaxError::BadPercentScale {
                            span,
                            text: text.clone(),
                        });
                        // Reported: the checker never sees a file with errors.
                        TypeKind::Percent(Some(PercentScale::Hundred))
                    }
                }
            }
            Rule::type_word => match inner.as_str() {
                "id" => TypeKind::Id,
                "string" => TypeKind::String,
                "email" => TypeKind::Email,
                "phone" => TypeKind::Phone,
                "url" => TypeKind::Url,
                "bool" => TypeKind::Bool,
                "int" => TypeKind::Int,
                "number" => TypeKind::Number,
                "currency" => TypeKind::Currency,
                "percent" => TypeKind::Percent(None),
                "date" => TypeKind::Date,
                "datetime" => TypeKind::Datetime,
                _ => TypeKind::Unknown(self.ident(&inner)),
            },
            _ => return None,
        };
        Some(ast::TypeExpr { kind, span })
    }
}
