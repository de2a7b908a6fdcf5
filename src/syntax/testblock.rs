//! Lowering `test "name" { ... }` blocks.

use super::ast::{self, TestItemKind};
use super::grammar::Rule;
use super::lower::{find, Lower, P};
use super::recover::Ctx;

const EVENTS: &[&str] = &["create", "update", "delete"];

impl Lower<'_> {
    pub(super) fn test_block(&mut self, p: &P<'_>) -> Option<ast::TestBlock> {
        let name = self.str_lit(&find(p, Rule::str_lit)?);
        let what = format!("test \"{}\"", name.value);
        let items = self.block(p, &what, Ctx::Test, |lw, item| lw.test_item(&item));
        Some(ast::TestBlock {
            name,
            items,
            span: self.span(p),
        })
    }

    fn test_item(&mut self, p: &P<'_>) -> Option<ast::TestItem> {
        let kind = match p.as_rule() {
            Rule::t_actor => TestItemKind::Actor(self.actor(p)?),
            Rule::t_event => {
                let w = find(p, Rule::word)?;
                if !EVENTS.contains(&w.as_str()) {
                    return self.unknown_word(&w, "an event", EVENTS);
                }
                TestItemKind::Event(self.ident(&w))
            }
            Rule::t_trigger => {
                TestItemKind::Trigger(self.trigger_event(&find(p, Rule::trigger_event)?)?)
            }
            Rule::t_confidence => TestItemKind::Confidence(self.literal(&find(p, Rule::literal)?)?),
            Rule::t_source => TestItemKind::Source(self.str_lit(&find(p, Rule::str_lit)?)),
            Rule::t_at => TestItemKind::At(self.str_lit(&find(p, Rule::str_lit)?)),
            Rule::t_record | Rule::t_parent => {
                let object = self.ident(&find(p, Rule::ident)?);
                let values_pair = find(p, Rule::values)?;
                let what = format!("`{}` values block", object.name);
                let values = self.block(&values_pair, &what, Ctx::Values, |lw, v| {
                    let name = lw.ident(&find(&v, Rule::ident)?);
                    Some((name, lw.literal(&find(&v, Rule::literal)?)?))
                });
                if p.as_rule() == Rule::t_record {
                    TestItemKind::Record { object, values }
                } else {
                    TestItemKind::Parent { object, values }
                }
            }
            Rule::t_change => TestItemKind::Change {
                field: self.ident(&find(p, Rule::ident)?),
                value: self.literal(&find(p, Rule::literal)?)?,
            },
            Rule::t_history => {
                let field = self.ident(&find(p, Rule::ident)?);
                let write = match find(p, Rule::history_by) {
                    Some(b) => Some(ast::HistoryWrite {
                        actor: self.actor(&b)?,
                        at: find(&b, Rule::history_at)
                            .and_then(|a| find(&a, Rule::str_lit))
                            .map(|s| self.str_lit(&s)),
                        source: find(&b, Rule::history_from)
                            .and_then(|a| find(&a, Rule::str_lit))
                            .map(|s| self.str_lit(&s)),
                    }),
                    None => {
                        let w = find(p, Rule::word)?;
                        if w.as_str() != "never" {
                            return self.unknown_word(&w, "`by` or `never`", &["by", "never"]);
                        }
                        None
                    }
                };
                TestItemKind::History { field, write }
            }
            Rule::t_expect => {
                let field = find(p, Rule::ident).map(|i| self.ident(&i));
                let word = find(p, Rule::expect_outcome).or_else(|| find(p, Rule::outcome_word))?;
                TestItemKind::Expect {
                    field,
                    outcome: self.outcome(&word)?,
                }
            }
            _ => return None,
        };
        Some(ast::TestItem {
            kind,
            span: self.span(p),
        })
    }
}
