//! Lowering `guardrail` blocks: a floor under what the contracts decide
//! for every matching automation.

use super::ast::{self, GuardItemKind};
use super::grammar::Rule;
use super::lower::{find, Lower, P};
use super::recover::Ctx;

impl Lower<'_> {
    pub(super) fn guardrail(&mut self, p: &P<'_>) -> Option<ast::GuardrailDecl> {
        let name = self.ident(&find(p, Rule::ident)?);
        let what = format!("guardrail `{}`", name.name);
        let items = self.block(p, &what, Ctx::Guardrail, |lw, child| {
            (child.as_rule() == Rule::guard_item)
                .then(|| lw.guard_item(&child))
                .flatten()
        });
        Some(ast::GuardrailDecl {
            name,
            items,
            span: self.span(p),
        })
    }

    fn guard_item(&mut self, p: &P<'_>) -> Option<ast::GuardItem> {
        let span = self.span(p);
        let c = p.clone().into_inner().next()?;
        let kind = match c.as_rule() {
            Rule::c_object => GuardItemKind::Object(self.ident(&find(&c, Rule::ident)?)),
            Rule::c_actor => GuardItemKind::Actor(self.actor(&c)?),
            Rule::g_when => {
                let when = self.span(&find(&c, Rule::kw_when)?);
                GuardItemKind::When(self.cond(&find(&c, Rule::cond)?, when)?)
            }
            Rule::g_fields => {
                GuardItemKind::Fields(self.block(&c, "`fields` block", Ctx::Floors, |lw, f| {
                    (f.as_rule() == Rule::g_floor)
                        .then(|| lw.floor(&f))
                        .flatten()
                }))
            }
            Rule::g_reason => GuardItemKind::Reason(self.str_lit(&find(&c, Rule::str_lit)?)),
            _ => return None,
        };
        Some(ast::GuardItem { kind, span })
    }

    fn floor(&mut self, p: &P<'_>) -> Option<ast::Floor> {
        let first = find(p, Rule::field_target)?.into_inner().next()?;
        let target = match first.as_rule() {
            Rule::star => ast::FieldTarget::Star(self.span(&first)),
            _ => ast::FieldTarget::Field(self.ident(&first)),
        };
        let outcome = self.outcome(&find(p, Rule::outcome_word)?)?;
        Some(ast::Floor {
            target,
            at_least: find(p, Rule::at_least).is_some(),
            outcome,
            span: self.span(p),
        })
    }
}
