//! Lowering conditions (`or` < `and` < `not` < atoms).

use super::ast::{self, CmpOp, DateOp, Expr, ExprKind, Operand, StrOp};
use super::errors::SyntaxError;
use super::grammar::{CrmcParser, Rule};
use super::lower::{children, find, Lower, P};
use super::recover::Ctx;
use pest::Parser;

/// How many `not`s and parentheses a condition may nest. Real conditions use
/// a handful; the bound keeps every recursive walk of the tree (check,
/// analysis, compile, fmt) far from the end of the stack.
pub(super) const MAX_COND_DEPTH: usize = 64;

impl Lower<'_> {
    /// A `cond` pair: a well-formed expression, or the `bad_cond` rest of
    /// the line (explained here). `when` is the keyword before it.
    pub(super) fn cond(&mut self, p: &P<'_>, when: crate::span::Span) -> Option<Expr> {
        self.cond_depth = 0;
        self.cond_too_deep = false;
        let inner = p.clone().into_inner().next();
        match inner {
            Some(e) if e.as_rule() == Rule::expr => self.expr(&e),
            Some(bad) => {
                let start = bad.as_span().start();
                let end = self.span(&bad).end as usize;
                if start == end {
                    self.errors
                        .push(SyntaxError::MissingCondition { span: when });
                    return None;
                }
                let text = self.text.get(start..end).unwrap_or("");
                match CrmcParser::parse(Rule::strict_expr, text) {
                    Err(err) => {
                        self.pest_error(&err, start, end, Ctx::Contract);
                        if let Some(SyntaxError::Unexpected { context, help, .. }) =
                            self.errors.last_mut()
                        {
                            *context = "in this condition".into();
                            *help = CONDITION_HELP.into();
                        }
                    }
                    Ok(_) => self.errors.push(SyntaxError::Other {
                        span: self.raw(start, end),
                        message: "this condition could not be read".into(),
                        label: "unreadable condition".into(),
                        help: CONDITION_HELP.into(),
                    }),
                }
                None
            }
            None => {
                self.errors
                    .push(SyntaxError::MissingCondition { span: when });
                None
            }
        }
    }

    pub(super) fn expr(&mut self, p: &P<'_>) -> Option<Expr> {
        match p.as_rule() {
            Rule::expr => self.chain(p, Rule::and_expr, ExprKind::Or),
            Rule::and_expr => self.chain(p, Rule::not_expr, ExprKind::And),
            Rule::not_expr => {
                let mut nots = Vec::new();
                let mut atom = None;
                for c in p.clone().into_inner() {
                    if c.as_rule() == Rule::kw_not {
                        nots.push(self.span(&c));
                    } else {
                        atom = Some(c);
                    }
                }
                let atom = atom?;
                // Each `not` is one level of the tree every later stage walks
                // recursively: bound them together with the parentheses.
                if let Some(&first) = nots.first() {
                    if self.cond_depth + nots.len() > MAX_COND_DEPTH {
                        self.too_deep_cond(first.to(self.span(&atom)));
                        return None;
                    }
                }
                self.cond_depth += nots.len();
                let e = self.atom(&atom);
                self.cond_depth -= nots.len();
                let mut e = e?;
                for not in nots.into_iter().rev() {
                    let span = not.to(e.span);
                    e = Expr {
                        kind: ExprKind::Not(Box::new(e)),
                        span,
                    };
                }
                Some(e)
            }
            _ => self.atom(p),
        }
    }

    /// `a OP b OP c` -> one n-ary node, for `or` and `and`: the chain's
    /// length never becomes the tree's depth.
    fn chain(&mut self, p: &P<'_>, part: Rule, make: fn(Vec<Expr>) -> ExprKind) -> Option<Expr> {
        let parts: Vec<Option<Expr>> = children(p, part).map(|c| self.expr(&c)).collect();
        let mut parts = parts.into_iter().collect::<Option<Vec<Expr>>>()?;
        if parts.len() == 1 {
            return parts.pop();
        }
        let span = parts.first()?.span.to(parts.last()?.span);
        Some(Expr {
            kind: make(parts),
            span,
        })
    }

    /// Reports a condition nested deeper than [`MAX_COND_DEPTH`] once per
    /// condition (the inner levels would repeat it).
    fn too_deep_cond(&mut self, span: crate::span::Span) {
        if !self.cond_too_deep {
            self.cond_too_deep = true;
            self.errors.push(SyntaxError::CondTooDeep { span });
        }
    }

    fn atom(&mut self, p: &P<'_>) -> Option<Expr> {
        let span = self.span(p);
        let kind = match p.as_rule() {
            Rule::paren => {
                if self.cond_depth >= MAX_COND_DEPTH {
                    self.too_deep_cond(span);
                    return None;
                }
                self.cond_depth += 1;
                let inner = find(p, Rule::expr).and_then(|e| self.expr(&e));
                self.cond_depth -= 1;
                ExprKind::Paren(Box::new(inner?))
            }
            Rule::changed => ExprKind::Changed(self.path(&find(p, Rule::path)?)),
            Rule::bare_empty => ExprKind::BareEmpty {
                negated: find(p, Rule::kw_set).is_some(),
            },
            Rule::set_by => self.set_by(p, None)?,
            Rule::predicate => return self.predicate(p),
            _ => return None,
        };
        Some(Expr { kind, span })
    }

    /// `set by KIND ["name"] [within N]`, of `field` (`None`: bare).
    fn set_by(&mut self, p: &P<'_>, field: Option<ast::Path>) -> Option<ExprKind> {
        let w = find(p, Rule::word)?;
        let kind = match w.as_str() {
            "ai" => ast::ActorKind::Ai,
            "integration" => ast::ActorKind::Integration,
            "human" => ast::ActorKind::Human,
            _ => return self.unknown_word(&w, "an actor kind", &["ai", "integration", "human"]),
        };
        let name = find(p, Rule::str_lit).map(|s| self.str_lit(&s));
        let within = match find(p, Rule::set_within) {
            Some(x) => Some(self.duration(&find(&x, Rule::number_tok)?)?),
            None => None,
        };
        Some(ExprKind::SetBy {
            field,
            kind: ast::Spanned {
                node: kind,
                span: self.span(&w),
            },
            name,
            within,
        })
    }

    fn predicate(&mut self, p: &P<'_>) -> Option<Expr> {
        let span = self.span(p);
        let mut inner = p.clone().into_inner();
        let lhs = self.operand(&inner.next()?)?;
        let Some(tail) = inner.next() else {
            return Some(Expr {
                kind: ExprKind::Truthy(lhs),
                span,
            });
        };
        let kind = match tail.as_rule() {
            Rule::compare => {
                let op_pair = find(&tail, Rule::op_tok)?;
                let op = self.cmp_op(&op_pair);
                let rhs = self.literal(&find(&tail, Rule::literal)?);
                ExprKind::Compare {
                    lhs,
                    op: op?,
                    rhs: rhs?,
                }
            }
            Rule::not_in | Rule::in_list => {
                let list = find(&tail, Rule::lit_list)?;
                let values: Vec<Option<ast::Literal>> = children(&list, Rule::literal)
                    .map(|l| self.literal(&l))
                    .collect();
                ExprKind::In {
                    lhs,
                    negated: tail.as_rule() == Rule::not_in,
                    values: values.into_iter().collect::<Option<Vec<_>>>()?,
                }
            }
            Rule::is_check => ExprKind::IsEmpty {
                operand: lhs,
                negated: find(&tail, Rule::kw_set).is_some(),
            },
            Rule::str_match => {
                let op_pair = find(&tail, Rule::str_op)?;
                let node = match op_pair.clone().into_inner().next()?.as_rule() {
                    Rule::kw_starts => StrOp::StartsWith,
                    Rule::kw_ends => StrOp::EndsWith,
                    _ => StrOp::Contains,
                };
                ExprKind::StrMatch {
                    operand: lhs,
                    op: ast::Spanned {
                        node,
                        span: self.span(&op_pair),
                    },
                    pattern: self.str_lit(&find(&tail, Rule::str_lit)?),
                }
            }
            Rule::set_by => {
                if lhs.new || lhs.source_of {
                    self.errors.push(SyntaxError::Other {
                        span: lhs.span,
                        message: "`set by` is about a field's last write, not a value".into(),
                        label: "write the field's name alone here".into(),
                        help: "write `Industry set by human` (who last wrote Industry)".into(),
                    });
                    return None;
                }
                self.set_by(&tail, Some(lhs.path))?
            }
            Rule::rel_date => {
                let kw = tail.clone().into_inner().next()?;
                let node = if kw.as_rule() == Rule::kw_before {
                    DateOp::Before
                } else {
                    DateOp::After
                };
                ExprKind::RelDate {
                    operand: lhs,
                    op: ast::Spanned {
                        node,
                        span: self.span(&kw),
                    },
                    days: self.literal(&find(&tail, Rule::literal)?)?,
                }
            }
            _ => return None,
        };
        Some(Expr { kind, span })
    }

    fn cmp_op(&mut self, p: &P<'_>) -> Option<ast::Spanned<CmpOp>> {
        let span = self.span(p);
        let node = match p.as_str() {
            "==" => CmpOp::Eq,
            "!=" => CmpOp::Ne,
            "<" => CmpOp::Lt,
            "<=" => CmpOp::Le,
            ">" => CmpOp::Gt,
            ">=" => CmpOp::Ge,
            other => {
                let suggestion = match other {
                    "=" | "===" => Some("=="),
                    "=>" => Some(">="),
                    "=<" => Some("<="),
                    "<>" | "!==" | "=!" | "!" => Some("!="),
                    _ => None,
                };
                self.errors.push(SyntaxError::BadOperator {
                    span,
                    op: other.to_string(),
                    suggestion,
                });
                return None;
            }
        };
        Some(ast::Spanned { node, span })
    }

    fn operand(&mut self, p: &P<'_>) -> Option<Operand> {
        Some(Operand {
            new: find(p, Rule::kw_new).is_some(),
            source_of: find(p, Rule::source_of).is_some(),
            path: self.path(&find(p, Rule::path)?),
            span: self.span(p),
        })
    }

    fn path(&mut self, p: &P<'_>) -> ast::Path {
        ast::Path {
            segments: children(p, Rule::ident).map(|i| self.ident(&i)).collect(),
            span: self.span(p),
        }
    }
}

const CONDITION_HELP: &str = "conditions look like `Status == \"Open\"`, `Industry is empty`, `Email ends with \"@acme.example\"` or `AnnualRevenue > 1000000`, joined with `and` / `or`";
