//! Lowering conditions (`or` < `and` < `not` < atoms).

use super::ast::{self, CmpOp, DateOp, Expr, ExprKind, Operand, StrOp};
use super::errors::SyntaxError;
use super::grammar::{CrmcParser, Rule};
use super::lower::{children, find, Lower, P};
use super::recover::Ctx;
use pest::Parser;

impl Lower<'_> {
    /// A `cond` pair: a well-formed expression, or the `bad_cond` rest of
    /// the line (explained here). `when` is the keyword before it.
    pub(super) fn cond(&mut self, p: &P<'_>, when: crate::span::Span) -> Option<Expr> {
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
            Rule::expr => self.fold(p, Rule::and_expr, ExprKind::Or),
            Rule::and_expr => self.fold(p, Rule::not_expr, ExprKind::And),
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
                let mut e = self.atom(&atom?)?;
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

    /// `a OP b OP c` -> `(a OP b) OP c`, for `or` and `and`.
    fn fold(
        &mut self,
        p: &P<'_>,
        part: Rule,
        make: fn(Box<Expr>, Box<Expr>) -> ExprKind,
    ) -> Option<Expr> {
        let parts: Vec<Option<Expr>> = children(p, part).map(|c| self.expr(&c)).collect();
        let mut parts = parts.into_iter();
        let mut acc = parts.next()??;
        for next in parts {
            let next = next?;
            let span = acc.span.to(next.span);
            acc = Expr {
                kind: make(Box::new(acc), Box::new(next)),
                span,
            };
        }
        Some(acc)
    }

    fn atom(&mut self, p: &P<'_>) -> Option<Expr> {
        let span = self.span(p);
        let kind = match p.as_rule() {
            Rule::paren => ExprKind::Paren(Box::new(self.expr(&find(p, Rule::expr)?)?)),
            Rule::changed => ExprKind::Changed(self.path(&find(p, Rule::path)?)),
            Rule::bare_empty => ExprKind::BareEmpty {
                negated: find(p, Rule::kw_set).is_some(),
            },
            Rule::predicate => return self.predicate(p),
            _ => return None,
        };
        Some(Expr { kind, span })
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
