//! The driver: run the grammar over a whole file, then lower pest pairs to
//! the AST. Pest types stay in this module and its siblings; what leaves is
//! [`ast::File`] and [`SyntaxError`]s with our own spans.

use super::ast::{self, Ident, Item, StrLit};
use super::errors::SyntaxError;
use super::grammar::{CrmcParser, Rule};
use super::lexical;
use super::literals::{self, NumTok};
use super::recover::Ctx;
use crate::span::{FileId, Span};
use pest::Parser;

pub(super) type P<'i> = pest::iterators::Pair<'i, Rule>;

/// Parses one file into a (possibly partial) tree and every syntax error.
pub(super) fn parse_file(file: FileId, text: &str) -> (ast::File, Vec<SyntaxError>) {
    let comments = lexical::comments(file, text);
    let mut lw = Lower::new(file, text, &comments);
    let mut items = Vec::new();
    if let Some(pos) = lexical::too_deep(text, lexical::MAX_DEPTH) {
        let span = lw.raw(pos, pos + 1);
        lw.errors.push(SyntaxError::TooDeep { span });
    } else {
        match CrmcParser::parse(Rule::file, text) {
            Ok(mut pairs) => {
                if let Some(file_pair) = pairs.next() {
                    items = lw.file(file_pair);
                }
            }
            Err(err) => lw.pest_error(&err, 0, text.len(), Ctx::Top),
        }
    }
    // Foreign quotes and non-ASCII names get their own errors; what the
    // grammar said where they start only echoes them.
    let foreign = super::foreign::scan(file, text);
    if !foreign.is_empty() {
        let spans: Vec<Span> = foreign.iter().map(SyntaxError::span).collect();
        lw.errors.retain(|e| {
            let at = e.span().start;
            !spans.iter().any(|f| f.start <= at && at < f.end)
        });
        lw.errors.extend(foreign);
    }
    (ast::File { items, comments }, lw.errors)
}

pub(super) struct Lower<'t> {
    pub(super) file: FileId,
    pub(super) text: &'t str,
    /// `(end, start)` of every comment, sorted by end: used to trim spans.
    comment_bounds: Vec<(usize, usize)>,
    pub(super) errors: Vec<SyntaxError>,
    /// `not`s and parentheses around the part of a condition being lowered.
    pub(super) cond_depth: usize,
    /// Whether the current condition was already reported as too deep.
    pub(super) cond_too_deep: bool,
}

impl<'t> Lower<'t> {
    fn new(file: FileId, text: &'t str, comments: &[ast::Comment]) -> Lower<'t> {
        let mut comment_bounds: Vec<(usize, usize)> = comments
            .iter()
            .map(|c| (c.span.end as usize, c.span.start as usize))
            .collect();
        comment_bounds.sort_unstable();
        Lower {
            file,
            text,
            comment_bounds,
            errors: Vec::new(),
            cond_depth: 0,
            cond_too_deep: false,
        }
    }

    pub(super) fn raw(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    /// The span of a pair, without the whitespace and comments pest leaves
    /// at the end of a rule that ends in an unmatched `?` or `*`.
    pub(super) fn span(&self, p: &P<'_>) -> Span {
        let s = p.as_span();
        let start = s.start();
        let end = self.trim_end(start, s.end());
        self.raw(start, end)
    }

    fn trim_end(&self, start: usize, mut end: usize) -> usize {
        loop {
            let Some(piece) = self.text.get(start..end) else {
                return end;
            };
            end = start
                + piece
                    .trim_end_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
                    .len();
            match self.comment_bounds.binary_search_by_key(&end, |&(e, _)| e) {
                Ok(i) if self.comment_bounds[i].1 >= start && self.comment_bounds[i].1 < end => {
                    end = self.comment_bounds[i].1;
                }
                _ => return end,
            }
        }
    }

    pub(super) fn ident(&self, p: &P<'_>) -> Ident {
        Ident {
            name: p.as_str().to_string(),
            span: self.span(p),
        }
    }

    /// A `str_lit` pair (closed or not). Always gives a value; problems are
    /// reported.
    pub(super) fn str_lit(&mut self, p: &P<'_>) -> StrLit {
        let span = self.span(p);
        let token = p.as_str();
        let closed = p
            .clone()
            .into_inner()
            .next()
            .is_none_or(|inner| inner.as_rule() == Rule::string);
        if !closed {
            self.errors.push(SyntaxError::UnterminatedString { span });
        }
        let (value, bad) = literals::unescape(token, closed);
        for b in bad {
            let at = span.start as usize + b.offset;
            let len = b.text.len();
            self.errors.push(SyntaxError::BadEscape {
                span: self.raw(at, at + len),
                escape: b.text,
            });
        }
        StrLit { value, span }
    }

    /// A `number_tok` pair read as a whole number (versions).
    pub(super) fn whole_number(&mut self, p: &P<'_>) -> Option<ast::Spanned<u64>> {
        let span = self.span(p);
        let text = p.as_str();
        let value = match literals::classify(text) {
            NumTok::Number(d) if d.scale() == 0 => u64::try_from(d.mantissa()).ok(),
            _ => None,
        };
        if value.is_none() {
            self.errors.push(SyntaxError::BadNumber {
                span,
                text: text.to_string(),
                why: "a version is a whole number such as `3`",
            });
        }
        value.map(|node| ast::Spanned { node, span })
    }

    /// A `number_tok` pair read as a duration (`within 24h`, `for 90d`).
    pub(super) fn duration(&mut self, p: &P<'_>) -> Option<ast::Spanned<ast::Duration>> {
        let span = self.span(p);
        let text = p.as_str();
        match literals::classify(text) {
            NumTok::Duration(node) => Some(ast::Spanned { node, span }),
            NumTok::BadNumber(why) => {
                self.errors.push(SyntaxError::BadNumber {
                    span,
                    text: text.to_string(),
                    why,
                });
                None
            }
            _ => {
                self.errors.push(SyntaxError::BadDuration {
                    span,
                    text: text.to_string(),
                });
                None
            }
        }
    }

    /// A `literal` pair.
    pub(super) fn literal(&mut self, p: &P<'_>) -> Option<ast::Literal> {
        let span = self.span(p);
        let inner = p.clone().into_inner().next()?;
        let kind = match inner.as_rule() {
            Rule::str_lit => ast::LitKind::String(self.str_lit(&inner).value),
            Rule::kw_true => ast::LitKind::Bool(true),
            Rule::kw_false => ast::LitKind::Bool(false),
            Rule::kw_null => ast::LitKind::Null,
            Rule::word_lit => ast::LitKind::Word(inner.as_str().to_string()),
            Rule::number_tok => {
                let text = inner.as_str();
                match literals::classify(text) {
                    NumTok::Number(d) => ast::LitKind::Number(d),
                    NumTok::Percent(d) => ast::LitKind::Percent(d),
                    NumTok::Duration(d) => ast::LitKind::Duration(d),
                    NumTok::BadNumber(why) => {
                        self.errors.push(SyntaxError::BadNumber {
                            span,
                            text: text.to_string(),
                            why,
                        });
                        return None;
                    }
                    NumTok::BadDuration => {
                        self.errors.push(SyntaxError::BadDuration {
                            span,
                            text: text.to_string(),
                        });
                        return None;
                    }
                }
            }
            _ => return None,
        };
        Some(ast::Literal { kind, span })
    }

    /// Walks the children of a pair that holds a `{ ... }` block: `each` for
    /// every real entry after the `{`, junk explained (or absorbed when it
    /// follows another mistake), and a missing `}` reported.
    pub(super) fn block<'i, T>(
        &mut self,
        owner: &P<'i>,
        what: &str,
        ctx: Ctx,
        mut each: impl FnMut(&mut Self, P<'i>) -> Option<T>,
    ) -> Vec<T> {
        let mut out = Vec::new();
        let mut open = None;
        let mut closed = false;
        let mut prev_error = false;
        for child in owner.clone().into_inner() {
            match child.as_rule() {
                Rule::block_open => open = Some(self.span(&child)),
                Rule::block_close => closed = true,
                _ if open.is_none() => {}
                r if super::recover::is_junk(r) => {
                    self.junk(&child, ctx, prev_error);
                    prev_error = true;
                }
                _ => {
                    let before = self.errors.len();
                    if let Some(v) = each(self, child) {
                        out.push(v);
                    }
                    prev_error = self.errors.len() > before;
                }
            }
        }
        if let (Some(open), false) = (open, closed) {
            let end = self.span(owner).end as usize;
            self.errors.push(SyntaxError::UnclosedBlock {
                open,
                at: self.raw(end, end),
                what: what.to_string(),
            });
        }
        out
    }

    fn file(&mut self, p: P<'_>) -> Vec<Item> {
        let mut items = Vec::new();
        let mut prev_error = false;
        for child in p.into_inner() {
            match child.as_rule() {
                Rule::EOI => {}
                Rule::top_junk => {
                    self.junk(&child, Ctx::Top, prev_error);
                    prev_error = true;
                }
                _ => {
                    if let Some(item) = self.item(child) {
                        items.push(item);
                    }
                    // Mistakes inside an item do not hide junk after it.
                    prev_error = false;
                }
            }
        }
        items
    }

    fn item(&mut self, p: P<'_>) -> Option<Item> {
        match p.as_rule() {
            Rule::import => {
                let path = find(&p, Rule::str_lit)?;
                Some(Item::Import(ast::Import {
                    path: self.str_lit(&path),
                    span: self.span(&p),
                }))
            }
            Rule::schema => self.schema(&p).map(Item::Schema),
            Rule::object_decl => self.object_decl(&p).map(Item::Object),
            Rule::exclusion => self.exclusion(&p).map(Item::Exclusion),
            Rule::guardrail => self.guardrail(&p).map(Item::Guardrail),
            Rule::contract => self.contract(&p).map(Item::Contract),
            Rule::test_block => self.test_block(&p).map(Item::Test),
            _ => None,
        }
    }

    fn exclusion(&mut self, p: &P<'_>) -> Option<ast::ExclusionDecl> {
        let mut names = children(p, Rule::ident);
        let name = self.ident(&names.next()?);
        let object = self.ident(&names.next()?);
        let when_kw = find(p, Rule::kw_when)?;
        let when = self.cond(&find(p, Rule::cond)?, self.span(&when_kw))?;
        Some(ast::ExclusionDecl {
            name,
            object,
            when,
            span: self.span(p),
        })
    }
}

/// The first child of `p` with rule `r`.
pub(super) fn find<'i>(p: &P<'i>, r: Rule) -> Option<P<'i>> {
    p.clone().into_inner().find(|c| c.as_rule() == r)
}

/// Every child of `p` with rule `r`.
pub(super) fn children<'i>(p: &P<'i>, r: Rule) -> impl Iterator<Item = P<'i>> {
    p.clone().into_inner().filter(move |c| c.as_rule() == r)
}
