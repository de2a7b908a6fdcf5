//! Error recovery: every `*_junk` token the grammar swallowed becomes one
//! friendly diagnostic. To say *what* was expected, the piece is parsed again
//! with the strict rule for its place (`strict_clause`, `strict_field_rules`,
//! ...) and pest's list of expected rules is turned into plain words.

use super::errors::{SyntaxError, CLAUSE_KEYWORDS, OUTCOMES};
use super::grammar::{CrmcParser, Rule};
use super::lexical::{first_word, open_string_start, token_at};
use super::lower::{Lower, P};
use super::suggest::{closest, one_of};
use pest::error::{ErrorVariant, InputLocation};
use pest::Parser;

/// Where a piece of junk was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Ctx {
    Top,
    Schema,
    Object,
    Contract,
    Confidence,
    Fields,
    Approval,
    Rollback,
    Test,
    Values,
    Guardrail,
    Floors,
}

const TOP_KEYWORDS: &[&str] = &[
    "contract",
    "schema",
    "exclusion",
    "guardrail",
    "test",
    "import",
    "extend",
    "object",
];

/// The items a `guardrail` block may hold.
const GUARD_KEYWORDS: &[&str] = &["object", "actor", "when", "fields", "reason"];

/// The items a `test` block may hold (also what the language server
/// completes there).
pub const TEST_KEYWORDS: &[&str] = &[
    "actor",
    "event",
    "trigger",
    "confidence",
    "source",
    "at",
    "record",
    "parent",
    "change",
    "history",
    "expect",
];

const RESERVED: &[&str] = &[
    "and", "or", "not", "in", "is", "empty", "set", "new", "changed", "true", "false", "null",
];

pub(super) fn is_junk(r: Rule) -> bool {
    matches!(
        r,
        Rule::top_junk
            | Rule::object_junk
            | Rule::clause_junk
            | Rule::block_junk
            | Rule::test_junk
            | Rule::value_junk
            | Rule::guard_junk
    )
}

impl Ctx {
    fn strict_rule(self) -> Rule {
        match self {
            Ctx::Top => Rule::strict_item,
            Ctx::Schema => Rule::strict_object,
            Ctx::Object => Rule::strict_field_decl,
            Ctx::Contract => Rule::strict_clause,
            Ctx::Confidence => Rule::strict_threshold,
            Ctx::Fields => Rule::strict_field_rules,
            Ctx::Approval => Rule::strict_approval,
            Ctx::Rollback => Rule::strict_rollback,
            Ctx::Test => Rule::strict_test_item,
            Ctx::Values => Rule::strict_value_pair,
            Ctx::Guardrail => Rule::strict_guard_item,
            Ctx::Floors => Rule::strict_floor,
        }
    }

    /// What belongs here, for "expected ..." when pest has nothing better.
    fn expected(self) -> &'static str {
        match self {
            Ctx::Top => {
                "`contract`, `schema`, `object`, `extend object`, `exclusion`, `guardrail`, `test` or `import`"
            }
            Ctx::Schema => "an `object` block",
            Ctx::Object => "a field such as `Email: email`",
            Ctx::Contract => "a clause such as `fields` or `trigger`",
            Ctx::Confidence => "a threshold such as `auto at least 0.90`",
            Ctx::Fields => "a field line such as `Industry: auto`",
            Ctx::Approval => "an approval line such as `review by record.owner`",
            Ctx::Rollback => "`keep previous values for ...` or `notify ...`",
            Ctx::Test => "a test line such as `record`, `change` or `expect`",
            Ctx::Values => "a value such as `Status: \"Open\"`",
            Ctx::Guardrail => "`object`, `actor`, `when`, `fields` or `reason`",
            Ctx::Floors => "a floor such as `OwnerId: at least escalate`",
        }
    }

    fn context(self) -> &'static str {
        match self {
            Ctx::Top => "at the top level of the file",
            Ctx::Schema => "in this schema",
            Ctx::Object => "in this object",
            Ctx::Contract => "in this contract",
            Ctx::Confidence => "in the `confidence` block",
            Ctx::Fields => "in the `fields` block",
            Ctx::Approval => "in the `approval` block",
            Ctx::Rollback => "in the `rollback` block",
            Ctx::Test => "in this test",
            Ctx::Values => "in these values",
            Ctx::Guardrail => "in this guardrail",
            Ctx::Floors => "in the guardrail's `fields` block",
        }
    }

    fn help(self) -> &'static str {
        match self {
            Ctx::Top => "each top-level item starts with `contract`, `schema`, `object`, `extend object`, `exclusion`, `guardrail`, `test` or `import`",
            Ctx::Schema => "a schema holds object blocks, like `object Lead { Email: email }`",
            Ctx::Object => "write one field per line, like `Email: email` or `Status: picklist(\"Open\", \"Closed\") protected`",
            Ctx::Contract => "a contract holds clauses such as `object Lead`, `actor ai \"alim\"`, `trigger on create` and `fields { ... }`",
            Ctx::Confidence => "write thresholds like `auto at least 0.90` and `review at least 60%`",
            Ctx::Fields => "write one field per line, like `Industry: auto when empty, review` or `*: never`",
            Ctx::Approval => "write lines like `review by record.owner within 24h` or `require role \"RevOps Lead\" when AnnualRevenue > 1000000`",
            Ctx::Rollback => "write `keep previous values for 90d` and `notify record.owner`",
            Ctx::Test => "a test holds lines such as `actor ai \"alim\"`, `event update`, `record Lead { ... }`, `change Industry to \"Technology\"` and `expect auto`",
            Ctx::Values => "write values like `Status: \"Open\", Industry: null`",
            Ctx::Guardrail => "a guardrail holds `object Lead`, `actor ai \"*\"`, an optional `when` condition, `fields { HasOptedOutOfEmail: never  *: at least review }` and `reason \"...\"`",
            Ctx::Floors => "write one floor per field, like `HasOptedOutOfEmail: never`, `OwnerId: at least escalate` or `*: at least review`: a guardrail only raises outcomes",
        }
    }

    /// Could this junk be the start of a new entry (rather than the tail of
    /// a mistake already reported)?
    fn looks_like_entry(self, text: &str) -> bool {
        let word = first_word(text);
        let colon_after = |t: &str| {
            let rest =
                t.trim_start_matches(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '*');
            rest.trim_start().starts_with(':')
        };
        match self {
            Ctx::Object | Ctx::Fields | Ctx::Values | Ctx::Floors => colon_after(text),
            Ctx::Guardrail => word.is_some_and(|w| GUARD_KEYWORDS.contains(&w)),
            Ctx::Top => word.is_some_and(|w| TOP_KEYWORDS.contains(&w) && w != "object"),
            Ctx::Schema => word.is_some_and(|w| w == "object" || w == "extend"),
            Ctx::Confidence => word.is_some_and(|w| OUTCOMES.contains(&w)),
            Ctx::Approval => word.is_some_and(|w| OUTCOMES.contains(&w) || w == "require"),
            Ctx::Rollback => word.is_some_and(|w| w == "keep" || w == "notify"),
            Ctx::Test => word.is_some_and(|w| TEST_KEYWORDS.contains(&w)),
            Ctx::Contract => word.is_some_and(|w| CLAUSE_KEYWORDS.contains(&w)),
        }
    }
}

/// The shape of each top-level item, for help lines.
fn item_help(keyword: &str) -> &'static str {
    match keyword {
        "contract" => "a contract starts like `contract inbound_lead_enrichment version 3 {`",
        "schema" => "a schema looks like `schema salesforce { object Lead { Email: email } }`",
        "object" | "extend" => "an object looks like `object Lead { Email: email }` (or `extend object Lead { ... }` to add fields)",
        "exclusion" => "an exclusion looks like `exclusion opted_out on Lead when HasOptedOutOfEmail`",
        "guardrail" => "a guardrail looks like `guardrail opt_out_is_human { object Lead  actor ai \"*\"  fields { HasOptedOutOfEmail: never } }`",
        "test" => "a test looks like `test \"empty industry is enriched\" { ... }`",
        "import" => "an import looks like `import \"std/salesforce\"` or `import \"./custom.crmc\"`",
        _ => "each top-level item starts with `contract`, `schema`, `object`, `extend object`, `exclusion`, `guardrail`, `test` or `import`",
    }
}

/// The syntax of each clause, for help lines.
fn clause_help(keyword: &str) -> &'static str {
    match keyword {
        "object" => "write `object Lead`",
        "actor" => "write `actor ai \"alim\"`: the kind (`ai`, `integration` or `human`), then a name in quotes (`\"*\"` for any name)",
        "owner" => "write `owner \"revops@acme.example\"`",
        "mode" => "write `mode conditional_write` (or `read_only`, `draft`, `automated_write`)",
        "version" => "write `version 3`",
        "trigger" => "write `trigger on create, update(Email, Company), delete`",
        "eligible" => "write `eligible when` followed by a condition, like `eligible when Status == \"Open\"`",
        "exclude" => "write `exclude opted_out` (a named exclusion) or `exclude when` followed by a condition",
        "confidence" => "write `confidence { auto at least 0.90  review at least 0.60 }`",
        "fields" => "write `fields { Industry: auto when empty, review }`",
        "approval" => "write `approval { review by record.owner within 24h }`",
        "audit" => "write `audit record_id, field, old_value, new_value`",
        "rollback" => "write `rollback { keep previous values for 90d  notify record.owner }`",
        "metric" => "write `metric \"suggestion acceptance\" target 80%`",
        "sample" => "write `sample 5% for review` (or `sample 20% of Industry, Title for review`)",
        _ => "see the list of clauses in the language guide",
    }
}

impl Lower<'_> {
    /// Explains one junk token. `prev_error`: the previous entry of the same
    /// block was already wrong, so a tail that does not look like a new entry
    /// is part of that mistake and not reported again.
    pub(super) fn junk(&mut self, p: &P<'_>, ctx: Ctx, prev_error: bool) {
        let start = p.as_span().start();
        let span = self.span(p);
        let end = span.end as usize;
        let text = p.as_str();
        let word = first_word(text);
        if let Some(quote) = open_string_start(text) {
            // An unterminated string swallows the rest of its line, which is
            // usually why the piece did not parse: say that, not "expected".
            let at = start + quote;
            self.errors.push(SyntaxError::UnterminatedString {
                span: self.raw(at, end.max(at)),
            });
            return;
        }
        match ctx {
            Ctx::Contract => {
                if let Some(w) = word {
                    if CLAUSE_KEYWORDS.contains(&w) {
                        let context = format!("in the `{w}` clause");
                        self.explain(Ctx::Contract, start, end, &context, clause_help(w));
                        return;
                    }
                    let lower_case = w.starts_with(|c: char| c.is_ascii_lowercase());
                    if !RESERVED.contains(&w) && (lower_case || !prev_error) {
                        self.errors.push(SyntaxError::UnknownClause {
                            span: self.raw(start, start + w.len()),
                            word: w.to_string(),
                            suggestion: closest(w, CLAUSE_KEYWORDS),
                        });
                        return;
                    }
                }
                if !prev_error {
                    self.explain(ctx, start, end, ctx.context(), ctx.help());
                }
            }
            Ctx::Top => {
                let column0 = start == 0 || self.text[..start].ends_with('\n');
                let keyword = word.is_some_and(|w| {
                    TOP_KEYWORDS.contains(&w) && (w != "object" || column0 || !prev_error)
                });
                match word {
                    Some(w) if keyword => {
                        let context = format!("in this `{w}`");
                        self.explain(ctx, start, end, &context, item_help(w));
                    }
                    _ if !prev_error => self.explain(ctx, start, end, ctx.context(), ctx.help()),
                    _ => {}
                }
            }
            Ctx::Fields if word.is_some_and(|w| OUTCOMES.contains(&w)) && !prev_error => {
                self.errors.push(SyntaxError::Other {
                    span: self.raw(start, start + word.map_or(0, str::len)),
                    message: format!("missing `,` before `{}`", word.unwrap_or_default()),
                    label: "this looks like a second rule for the same field".into(),
                    help: "separate the rules of one field with commas, like `Industry: auto when empty, review`".into(),
                });
            }
            _ => {
                // In a test, a misspelled keyword (`chnage`) is a new line
                // even right after another mistake.
                let test_word = ctx == Ctx::Test
                    && word.is_some_and(|w| {
                        w.starts_with(|c: char| c.is_ascii_lowercase()) && !RESERVED.contains(&w)
                    });
                if !prev_error || test_word || ctx.looks_like_entry(text) {
                    self.explain(ctx, start, end, ctx.context(), ctx.help());
                }
            }
        }
    }

    /// Re-parses `text[start..]` with the strict rule for `ctx` and reports
    /// what it expected where it stopped (at most at `end`, the end of the junk).
    fn explain(&mut self, ctx: Ctx, start: usize, end: usize, context: &str, help: &str) {
        let slice = self.text.get(start..).unwrap_or("");
        match CrmcParser::parse(ctx.strict_rule(), slice) {
            Err(err) => self.pest_error(&err, start, end, ctx),
            Ok(_) => {
                let found = token_at(self.text, start);
                let tok_end = found.as_ref().map_or(start, |(_, e)| *e);
                self.errors.push(SyntaxError::Unexpected {
                    span: self.raw(start, tok_end),
                    expected: ctx.expected().to_string(),
                    found: found.map(|(t, _)| t),
                    context: context.to_string(),
                    help: help.to_string(),
                });
            }
        }
        // A clause-specific context/help replaces the generic one.
        if let Some(SyntaxError::Unexpected {
            context: c,
            help: h,
            ..
        }) = self.errors.last_mut()
        {
            *c = context.to_string();
            *h = help.to_string();
        }
    }

    /// Turns a pest error (positions relative to `offset`) into a diagnostic.
    pub(super) fn pest_error(
        &mut self,
        err: &pest::error::Error<Rule>,
        offset: usize,
        limit: usize,
        ctx: Ctx,
    ) {
        let rel = match err.location {
            InputLocation::Pos(p) => p,
            InputLocation::Span((s, _)) => s,
        };
        let mut pos = offset.saturating_add(rel).min(self.text.len());
        let mut found = token_at(self.text, pos);
        if pos > limit {
            // The strict parse ran past this piece (onto the next line): say
            // what was missing at its end instead.
            pos = limit.min(self.text.len());
            found = None;
        }
        let tok_end = found.as_ref().map_or(pos, |(_, e)| *e);
        let expected = match &err.variant {
            ErrorVariant::ParsingError { positives, .. } => describe_all(positives),
            ErrorVariant::CustomError { .. } => None,
        }
        .unwrap_or_else(|| ctx.expected().to_string());
        self.errors.push(SyntaxError::Unexpected {
            span: self.raw(pos, tok_end),
            expected,
            found: found.map(|(t, _)| t),
            context: ctx.context().to_string(),
            help: ctx.help().to_string(),
        });
    }
}

/// "`:`, a value or `when`"; `None` when nothing useful can be said.
fn describe_all(rules: &[Rule]) -> Option<String> {
    let mut seen: Vec<String> = Vec::new();
    for r in rules {
        if let Some(d) = describe(*r) {
            if !seen.contains(&d) {
                seen.push(d);
            }
        }
    }
    // Keywords first, "the end of ..." last.
    seen.sort_by_key(|d| (!d.starts_with('`'), d.starts_with("the end")));
    if seen.is_empty() || seen.len() > 9 {
        return None;
    }
    let refs: Vec<&str> = seen.iter().map(String::as_str).collect();
    Some(one_of(&refs))
}

fn describe(r: Rule) -> Option<String> {
    let name = format!("{r:?}");
    if let Some(kw) = name.strip_prefix("kw_") {
        return Some(format!("`{kw}`"));
    }
    let text = match r {
        Rule::ident | Rule::path | Rule::operand | Rule::field_target => "a name",
        Rule::word | Rule::outcome_word | Rule::expect_outcome => "a word",
        Rule::literal
        | Rule::number_tok
        | Rule::word_lit
        | Rule::str_lit
        | Rule::string
        | Rule::open_string => "a value",
        Rule::op_tok => "a comparison such as `==`",
        Rule::colon => "`:`",
        Rule::lparen => "`(`",
        Rule::rparen => "`)`",
        Rule::block_open => "`{`",
        Rule::block_close => "`}`",
        Rule::star => "`*`",
        Rule::EOI => "the end of the condition",
        Rule::expr
        | Rule::and_expr
        | Rule::not_expr
        | Rule::predicate
        | Rule::paren
        | Rule::changed
        | Rule::bare_empty
        | Rule::cond => "a condition",
        Rule::compare
        | Rule::not_in
        | Rule::in_list
        | Rule::is_check
        | Rule::str_match
        | Rule::str_op
        | Rule::rel_date => "an operator such as `==`, `in` or `is empty`",
        Rule::lit_list => "a list of values in parentheses",
        Rule::type_expr | Rule::type_word | Rule::list_type | Rule::ref_type | Rule::list_kw => {
            "a field type such as `string`"
        }
        Rule::attr => "an attribute",
        Rule::trigger_event => "an event (`create`, `update` or `delete`)",
        Rule::approver | Rule::approver_word => {
            "an approver such as `record.owner` or `role \"Sales Manager\"`"
        }
        Rule::rule => "an outcome such as `auto` or `review`",
        Rule::field_decl => "a field such as `Email: email`",
        Rule::field_rules => "a field line such as `Industry: auto`",
        Rule::clause => "a clause",
        Rule::threshold => "a threshold such as `auto at least 0.90`",
        Rule::a_route | Rule::a_require => "an approval line",
        Rule::r_keep | Rule::r_notify => "`keep` or `notify`",
        Rule::values => "`{`",
        Rule::value_pair => "a value such as `Status: \"Open\"`",
        Rule::header_version => "`version`",
        Rule::within => "`within`",
        Rule::route => "`by` or `to`",
        Rule::when_cond => "`when`",
        Rule::import => "`import`",
        Rule::schema => "`schema`",
        Rule::object_decl => "`object`",
        Rule::exclusion => "`exclusion`",
        Rule::guardrail => "`guardrail`",
        Rule::guard_item => "`object`, `actor`, `when`, `fields` or `reason`",
        Rule::g_floor => "a floor such as `OwnerId: at least escalate`",
        Rule::at_least => "`at least`",
        Rule::contract => "`contract`",
        Rule::test_block => "`test`",
        Rule::t_actor => "`actor`",
        Rule::t_event => "`event`",
        Rule::t_trigger => "`trigger`",
        Rule::t_confidence => "`confidence`",
        Rule::t_source => "`source`",
        Rule::t_at => "`at`",
        Rule::t_record => "`record`",
        Rule::t_parent => "`parent`",
        Rule::t_change => "`change`",
        Rule::t_history => "`history`",
        Rule::t_expect => "`expect`",
        _ => return None,
    };
    Some(text.to_string())
}
