//! Lowering `contract` blocks and their clauses.

use super::ast::{self, ClauseKind, Outcome, Spanned};
use super::errors::{SyntaxError, OUTCOMES};
use super::grammar::Rule;
use super::lower::{children, find, Lower, P};
use super::recover::Ctx;
use super::suggest::closest;

const ACTOR_KINDS: &[&str] = &["ai", "integration", "human"];
const MODES: &[&str] = &["read_only", "draft", "conditional_write", "automated_write"];
const EVENTS: &[&str] = &["create", "update", "delete", "signal", "schedule"];
const APPROVERS: &[&str] = &["record.owner", "role", "user", "queue"];

impl Lower<'_> {
    pub(super) fn contract(&mut self, p: &P<'_>) -> Option<ast::Contract> {
        let name = self.ident(&find(p, Rule::ident)?);
        let header_version = find(p, Rule::header_version)
            .and_then(|h| find(&h, Rule::number_tok))
            .and_then(|n| self.whole_number(&n));
        if let Some(junk) = find(p, Rule::header_junk) {
            let span = self.span(&junk);
            self.errors.push(SyntaxError::Other {
                span,
                message: format!(
                    "unexpected `{}` after the contract name",
                    junk.as_str().trim()
                ),
                label: "expected `{` or `version N` here".into(),
                help: "a contract starts like `contract inbound_lead_enrichment version 3 {`"
                    .into(),
            });
        }
        let what = format!("contract `{}`", name.name);
        let clauses = self.block(p, &what, Ctx::Contract, |lw, child| {
            (child.as_rule() == Rule::clause)
                .then(|| lw.clause(&child))
                .flatten()
        });
        Some(ast::Contract {
            name,
            header_version,
            clauses,
            span: self.span(p),
        })
    }

    fn clause(&mut self, p: &P<'_>) -> Option<ast::Clause> {
        let span = self.span(p);
        let c = p.clone().into_inner().next()?;
        let kind = match c.as_rule() {
            Rule::c_object => ClauseKind::Object(self.ident(&find(&c, Rule::ident)?)),
            Rule::c_actor => ClauseKind::Actor(self.actor(&c)?),
            Rule::c_owner => ClauseKind::Owner(self.str_lit(&find(&c, Rule::str_lit)?)),
            Rule::c_mode => {
                let w = find(&c, Rule::word)?;
                let node = match w.as_str() {
                    "read_only" => ast::Mode::ReadOnly,
                    "draft" => ast::Mode::Draft,
                    "conditional_write" => ast::Mode::ConditionalWrite,
                    "automated_write" => ast::Mode::AutomatedWrite,
                    _ => return self.unknown_word(&w, "a mode", MODES),
                };
                ClauseKind::Mode(Spanned {
                    node,
                    span: self.span(&w),
                })
            }
            Rule::c_version => {
                ClauseKind::Version(self.whole_number(&find(&c, Rule::number_tok)?)?)
            }
            Rule::c_trigger => {
                let events: Vec<Option<ast::TriggerEvent>> = children(&c, Rule::trigger_event)
                    .map(|e| self.trigger_event(&e))
                    .collect();
                ClauseKind::Trigger(events.into_iter().collect::<Option<Vec<_>>>()?)
            }
            Rule::c_eligible => {
                let when = self.span(&find(&c, Rule::kw_when)?);
                ClauseKind::Eligible(self.cond(&find(&c, Rule::cond)?, when)?)
            }
            Rule::c_exclude => match find(&c, Rule::when_cond) {
                Some(w) => ClauseKind::Exclude(ast::ExcludeTarget::When(self.when_cond(&w)?)),
                None => ClauseKind::Exclude(ast::ExcludeTarget::Named(
                    self.ident(&find(&c, Rule::ident)?),
                )),
            },
            Rule::c_confidence => ClauseKind::Confidence(self.block(
                &c,
                "`confidence` block",
                Ctx::Confidence,
                |lw, t| lw.threshold(&t),
            )),
            Rule::c_fields => {
                ClauseKind::Fields(self.block(&c, "`fields` block", Ctx::Fields, |lw, f| {
                    lw.field_rules(&f)
                }))
            }
            Rule::c_approval => {
                ClauseKind::Approval(self.block(&c, "`approval` block", Ctx::Approval, |lw, a| {
                    lw.approval_item(&a)
                }))
            }
            Rule::c_audit => {
                ClauseKind::Audit(children(&c, Rule::ident).map(|i| self.ident(&i)).collect())
            }
            Rule::c_rollback => {
                ClauseKind::Rollback(self.block(&c, "`rollback` block", Ctx::Rollback, |lw, r| {
                    lw.rollback_item(&r)
                }))
            }
            Rule::c_metric => {
                let name = self.str_lit(&find(&c, Rule::str_lit)?);
                let target = self.literal(&find(&c, Rule::literal)?)?;
                ClauseKind::Metric { name, target }
            }
            Rule::c_sample => {
                let rate = self.literal(&find(&c, Rule::literal)?)?;
                let fields = find(&c, Rule::sample_of).map_or_else(Vec::new, |o| {
                    children(&o, Rule::ident).map(|i| self.ident(&i)).collect()
                });
                let outcome = self.outcome(&find(&c, Rule::word)?)?;
                ClauseKind::Sample {
                    rate,
                    fields,
                    outcome,
                }
            }
            _ => return None,
        };
        Some(ast::Clause { kind, span })
    }

    /// Reports a word that is not one of `allowed`; always `None`.
    pub(super) fn unknown_word<T>(
        &mut self,
        w: &P<'_>,
        what: &'static str,
        allowed: &'static [&'static str],
    ) -> Option<T> {
        let word = w.as_str();
        self.errors.push(SyntaxError::UnknownWord {
            span: self.span(w),
            word: word.to_string(),
            what,
            allowed,
            suggestion: closest(word, allowed),
        });
        None
    }

    /// `ai "alim"` (in a contract or a test).
    pub(super) fn actor(&mut self, p: &P<'_>) -> Option<ast::ActorPattern> {
        let w = find(p, Rule::word)?;
        let node = match w.as_str() {
            "ai" => ast::ActorKind::Ai,
            "integration" => ast::ActorKind::Integration,
            "human" => ast::ActorKind::Human,
            _ => return self.unknown_word(&w, "an actor kind", ACTOR_KINDS),
        };
        let name = self.str_lit(&find(p, Rule::str_lit)?);
        Some(ast::ActorPattern {
            kind: Spanned {
                node,
                span: self.span(&w),
            },
            name,
        })
    }

    pub(super) fn trigger_event(&mut self, p: &P<'_>) -> Option<ast::TriggerEvent> {
        let span = self.span(p);
        let w = find(p, Rule::word)?;
        let fields: Vec<ast::Ident> = children(p, Rule::ident).map(|i| self.ident(&i)).collect();
        let has_list = find(p, Rule::lparen).is_some();
        let name = find(p, Rule::str_lit).map(|s| self.str_lit(&s));
        let of = find(p, Rule::trigger_of)
            .and_then(|o| find(&o, Rule::ident))
            .map(|i| self.ident(&i));
        let word = w.as_str();
        let misplaced = |what: &str, help: String| SyntaxError::Other {
            span,
            message: format!("`{word}` does not take {what}"),
            label: format!("`{word}` takes no {what} here"),
            help,
        };
        match word {
            "signal" | "schedule" if has_list || of.is_some() => {
                self.errors.push(misplaced(
                    "fields or `of`",
                    format!("write `{word} \"name\"`: a {word} is not an event of a record"),
                ));
                None
            }
            "signal" => match name {
                Some(name) => Some(ast::TriggerEvent::Signal { name, span }),
                None => {
                    self.errors.push(SyntaxError::Other {
                        span,
                        message: "a `signal` trigger needs the signal's name".into(),
                        label: "which signal?".into(),
                        help: "write `signal \"prospect_sourced\"`: the name the integration sends as its cause".into(),
                    });
                    None
                }
            },
            "schedule" => Some(ast::TriggerEvent::Schedule { name, span }),
            _ if name.is_some() => {
                self.errors.push(misplaced(
                    "a name",
                    "only `signal \"name\"` and `schedule \"name\"` are named".into(),
                ));
                None
            }
            "update" => Some(ast::TriggerEvent::Update {
                fields: has_list.then_some(fields),
                of,
                span,
            }),
            "create" | "delete" if has_list => {
                self.errors.push(SyntaxError::Other {
                    span,
                    message: format!("`{word}` does not take a list of fields"),
                    label: "only `update(...)` lists fields".into(),
                    help: format!(
                        "write `{word}` alone, or `update(...)` to react to changes of some fields"
                    ),
                });
                None
            }
            "create" => Some(ast::TriggerEvent::Create { of, span }),
            "delete" => Some(ast::TriggerEvent::Delete { of, span }),
            _ => self.unknown_word(&w, "a trigger event", EVENTS),
        }
    }

    /// An outcome word (`auto`, `review`, ...).
    pub(super) fn outcome(&mut self, w: &P<'_>) -> Option<Spanned<Outcome>> {
        let span = self.span(w);
        let node = match w.as_str() {
            "auto" => Outcome::Auto,
            "review" => Outcome::Review,
            "escalate" => Outcome::Escalate,
            "suggest" => Outcome::Suggest,
            "never" => Outcome::Never,
            "when" => {
                self.errors.push(SyntaxError::Other {
                    span,
                    message: "missing outcome before `when`".into(),
                    label: "an outcome should come before this `when`".into(),
                    help: "start the rule with an outcome, like `auto when Industry is empty`"
                        .into(),
                });
                return None;
            }
            word => {
                self.errors.push(SyntaxError::UnknownOutcome {
                    span,
                    word: word.to_string(),
                    suggestion: closest(word, OUTCOMES),
                });
                return None;
            }
        };
        Some(Spanned { node, span })
    }

    fn threshold(&mut self, p: &P<'_>) -> Option<ast::Threshold> {
        let level = self.outcome(&find(p, Rule::word)?);
        let value = self.literal(&find(p, Rule::literal)?);
        Some(ast::Threshold {
            level: level?,
            value: value?,
            span: self.span(p),
        })
    }

    fn field_rules(&mut self, p: &P<'_>) -> Option<ast::FieldRules> {
        let target_pair = find(p, Rule::field_target)?;
        let first = target_pair.clone().into_inner().next()?;
        let target = match first.as_rule() {
            Rule::star => ast::FieldTarget::Star(self.span(&first)),
            _ => ast::FieldTarget::Field(self.ident(&first)),
        };
        let rules: Vec<Option<ast::Rule>> =
            children(p, Rule::rule).map(|r| self.rule(&r)).collect();
        Some(ast::FieldRules {
            target,
            rules: rules.into_iter().collect::<Option<Vec<_>>>()?,
            span: self.span(p),
        })
    }

    fn rule(&mut self, p: &P<'_>) -> Option<ast::Rule> {
        let outcome = self.outcome(&find(p, Rule::outcome_word)?);
        let route = match find(p, Rule::route) {
            Some(r) => Some(self.approver(&find(&r, Rule::approver)?)?),
            None => None,
        };
        let when = match find(p, Rule::when_cond) {
            Some(w) => Some(self.when_cond(&w)?),
            None => None,
        };
        Some(ast::Rule {
            outcome: outcome?,
            route,
            when,
            span: self.span(p),
        })
    }

    /// `when COND`
    pub(super) fn when_cond(&mut self, p: &P<'_>) -> Option<ast::Expr> {
        let when = self.span(&find(p, Rule::kw_when)?);
        self.cond(&find(p, Rule::cond)?, when)
    }

    pub(super) fn approver(&mut self, p: &P<'_>) -> Option<ast::Approver> {
        let span = self.span(p);
        let w = find(p, Rule::approver_word)?;
        let name = find(p, Rule::str_lit).map(|s| self.str_lit(&s));
        let kind = match (w.as_str(), name) {
            ("record.owner", None) => ast::ApproverKind::RecordOwner,
            ("role", Some(n)) => ast::ApproverKind::Role(n),
            ("user", Some(n)) => ast::ApproverKind::User(n),
            ("queue", Some(n)) => ast::ApproverKind::Queue(n),
            ("record.owner", Some(n)) => {
                self.errors.push(SyntaxError::Other {
                    span: n.span,
                    message: "`record.owner` does not take a name".into(),
                    label: "remove this".into(),
                    help: "write `record.owner` alone, or `user \"...\"` for a named person".into(),
                });
                return None;
            }
            (kw @ ("role" | "user" | "queue"), None) => {
                self.errors.push(SyntaxError::Other {
                    span,
                    message: format!("`{kw}` needs a name in quotes"),
                    label: "missing name".into(),
                    help: format!("write it like `{kw} \"Sales Manager\"`"),
                });
                return None;
            }
            _ => return self.unknown_word(&w, "an approver", APPROVERS),
        };
        Some(ast::Approver { kind, span })
    }

    fn approval_item(&mut self, p: &P<'_>) -> Option<ast::ApprovalItem> {
        let span = self.span(p);
        match p.as_rule() {
            Rule::a_require => {
                let approver = self.approver(&find(p, Rule::approver)?);
                let when = match find(p, Rule::when_cond) {
                    Some(w) => Some(self.when_cond(&w)?),
                    None => None,
                };
                Some(ast::ApprovalItem::Require {
                    approver: approver?,
                    when,
                    span,
                })
            }
            Rule::a_route => {
                let level = self.outcome(&find(p, Rule::word)?);
                let approver = self.approver(&find(p, Rule::approver)?);
                let within = match find(p, Rule::within) {
                    Some(w) => Some(self.duration(&find(&w, Rule::number_tok)?)?),
                    None => None,
                };
                Some(ast::ApprovalItem::Route {
                    level: level?,
                    approver: approver?,
                    within,
                    span,
                })
            }
            _ => None,
        }
    }

    fn rollback_item(&mut self, p: &P<'_>) -> Option<ast::RollbackItem> {
        let span = self.span(p);
        match p.as_rule() {
            Rule::r_keep => Some(ast::RollbackItem::Keep {
                for_: self.duration(&find(p, Rule::number_tok)?)?,
                span,
            }),
            Rule::r_notify => Some(ast::RollbackItem::Notify {
                who: self.approver(&find(p, Rule::approver)?)?,
                span,
            }),
            _ => None,
        }
    }
}
