//! Contracts: clauses -> [`model::Contract`], and named exclusions.

use super::conds::{field_of, lower, RuleField, Scope};
use super::errors::CheckError;
use super::model::{self, Event, ObjectId};
use super::schema::SchemaInfo;
use super::values::unit_interval;
use crate::diagnostics::suggest::suggest;
use crate::span::Span;
use crate::syntax::ast::{self, ClauseKind, LitKind, Outcome};
use std::collections::BTreeMap;

/// A named exclusion after checking; `checked` is `None` when it had errors.
pub struct ExclusionEntry {
    pub object: Option<ObjectId>,
    pub object_name: String,
    pub decl_span: Span,
    pub checked: Option<model::NamedExclusion>,
}

/// Resolves an object name, reporting unknown ones (unless already reported).
pub fn object_of(
    info: &SchemaInfo,
    ident: &ast::Ident,
    errors: &mut Vec<CheckError>,
) -> Option<ObjectId> {
    if let Some(id) = info.schema.object_by_name(&ident.name) {
        return Some(id);
    }
    if !info.object_poisoned(&ident.name) {
        errors.push(CheckError::UnknownObject {
            name: ident.name.clone(),
            span: ident.span,
            suggestion: suggest(
                &ident.name,
                info.schema.objects.iter().map(|o| o.name.as_str()),
            ),
            std_module: super::std_names::object_module(&ident.name),
        });
    }
    None
}

pub fn check_exclusion(
    decl: &ast::ExclusionDecl,
    info: &SchemaInfo,
    errors: &mut Vec<CheckError>,
) -> ExclusionEntry {
    let object = object_of(info, &decl.object, errors);
    let checked = object.and_then(|object| {
        let scope = Scope {
            info,
            object,
            rule_field: RuleField::None,
        };
        let when = lower(scope, &decl.when, errors)?;
        Some(model::NamedExclusion {
            name: decl.name.name.clone(),
            object,
            when,
            span: decl.span,
        })
    });
    ExclusionEntry {
        object,
        object_name: decl.object.name.clone(),
        decl_span: decl.object.span,
        checked,
    }
}

/// `actor ai "alim"` (`"*"`: any name), as a contract or guardrail says it.
pub fn actor_of(a: &ast::ActorPattern, span: Span) -> model::Actor {
    model::Actor {
        kind: a.kind.node,
        name: (a.name.value != "*").then(|| a.name.value.clone()),
        span,
    }
}

pub fn approver(a: &ast::Approver) -> model::Approver {
    match &a.kind {
        ast::ApproverKind::RecordOwner => model::Approver::RecordOwner,
        ast::ApproverKind::Role(s) => model::Approver::Role(s.value.clone()),
        ast::ApproverKind::User(s) => model::Approver::User(s.value.clone()),
        ast::ApproverKind::Queue(s) => model::Approver::Queue(s.value.clone()),
    }
}

fn version(v: &ast::Spanned<u64>, errors: &mut Vec<CheckError>) -> Option<u32> {
    match u32::try_from(v.node) {
        Ok(n) if n >= 1 => Some(n),
        _ => {
            errors.push(CheckError::InvalidVersion {
                value: v.node,
                span: v.span,
            });
            None
        }
    }
}

/// Records the first span of each key; a repeat becomes a [`CheckError::DuplicateEntry`].
pub struct Once<K> {
    seen: BTreeMap<K, Span>,
    block: String,
}

impl<K: Ord> Once<K> {
    pub fn new(block: impl Into<String>) -> Self {
        Once {
            seen: BTreeMap::new(),
            block: block.into(),
        }
    }
    /// True the first time; a repeat reports an error and returns false.
    pub fn first(
        &mut self,
        key: K,
        what: impl FnOnce() -> String,
        span: Span,
        errors: &mut Vec<CheckError>,
    ) -> bool {
        if let Some(first) = self.seen.get(&key) {
            errors.push(CheckError::DuplicateEntry {
                what: what(),
                block: self.block.clone(),
                first: *first,
                second: span,
            });
            return false;
        }
        self.seen.insert(key, span);
        true
    }
}

pub fn check_contract(
    c: &ast::Contract,
    info: &SchemaInfo,
    exclusions: &BTreeMap<String, ExclusionEntry>,
    errors: &mut Vec<CheckError>,
) -> Option<model::Contract> {
    let before = errors.len();
    let name = c.name.name.clone();

    // One clause of each kind (but `exclude`).
    let mut first: BTreeMap<&'static str, &ast::Clause> = BTreeMap::new();
    let mut excludes = Vec::new();
    let mut samples = Vec::new();
    for clause in &c.clauses {
        let kw = clause.kind.keyword();
        if kw == "exclude" {
            excludes.push(clause);
            continue;
        }
        if kw == "sample" {
            samples.push(clause);
            continue;
        }
        match first.get(kw) {
            Some(prev) => errors.push(CheckError::DuplicateClause {
                contract: name.clone(),
                clause: kw,
                first: prev.span,
                second: clause.span,
            }),
            None => {
                first.insert(kw, clause);
            }
        }
    }
    for required in ["object", "actor", "trigger", "fields"] {
        if !first.contains_key(required) {
            errors.push(CheckError::MissingClause {
                contract: name.clone(),
                clause: required,
                span: c.name.span,
            });
        }
    }
    let get = |kw: &str| first.get(kw).map(|c| (&c.kind, c.span));

    // version
    let mut ver = Some(1);
    if let Some((ClauseKind::Version(v), span)) = get("version") {
        if let Some(h) = &c.header_version {
            errors.push(CheckError::DuplicateVersion {
                header: h.span,
                clause: span,
            });
        }
        ver = version(v, errors);
    } else if let Some(h) = &c.header_version {
        ver = version(h, errors);
    }

    let object = match get("object") {
        Some((ClauseKind::Object(o), _)) => object_of(info, o, errors),
        _ => None,
    };
    let actor = match get("actor") {
        Some((ClauseKind::Actor(a), span)) => Some(actor_of(a, span)),
        _ => None,
    };
    let owner = match get("owner") {
        Some((ClauseKind::Owner(s), _)) => Some(s.value.clone()),
        _ => None,
    };
    let mode = match get("mode") {
        Some((ClauseKind::Mode(m), _)) => m.node,
        _ => ast::Mode::ConditionalWrite,
    };
    let confidence = match get("confidence") {
        Some((ClauseKind::Confidence(ts), _)) => thresholds(ts, errors),
        _ => model::Thresholds::default(),
    };
    let audit = match get("audit") {
        Some((ClauseKind::Audit(names), span)) => Some(audit(names, span, errors)),
        _ => None,
    };
    let rollback = match get("rollback") {
        Some((ClauseKind::Rollback(items), span)) => Some(rollback(items, span, errors)),
        _ => None,
    };
    let mut metrics = Vec::new();
    if let Some((ClauseKind::Metric { name, target }, span)) = get("metric") {
        let value = match &target.kind {
            LitKind::Number(n) => Some(*n),
            LitKind::Percent(n) => Some(n.percent()),
            _ => {
                errors.push(CheckError::InvalidMetricTarget {
                    found: super::values::found(target),
                    span: target.span,
                });
                None
            }
        };
        if let Some(target) = value {
            metrics.push(model::Metric {
                name: name.value.clone(),
                target,
                span,
            });
        }
    }

    // Everything below reads fields of the contract's object.
    let Some(object) = object else {
        // Still check what does not need the object, for the diagnostics.
        if let Some((ClauseKind::Approval(items), span)) = get("approval") {
            let _ = approval(items, span, None, errors);
        }
        if let Some((ClauseKind::Fields(lines), _)) = get("fields") {
            for line in lines {
                for rule in &line.rules {
                    check_route(rule, errors);
                }
            }
        }
        return None;
    };
    let scope = |rule_field| Scope {
        info,
        object,
        rule_field,
    };
    let object_name = &info.schema.object(object).name;

    let mut triggers = Vec::new();
    let mut trigger_span = c.name.span;
    if let Some((ClauseKind::Trigger(events), span)) = get("trigger") {
        trigger_span = span;
        for ev in events {
            if let Some(t) = trigger(info, object, ev, errors) {
                triggers.push(t);
            }
        }
    }

    let (eligible, eligible_span) = match get("eligible") {
        Some((ClauseKind::Eligible(e), span)) => {
            (lower(scope(RuleField::None), e, errors), Some(span))
        }
        _ => (None, None),
    };

    let mut excl = Vec::new();
    for clause in excludes {
        let ClauseKind::Exclude(target) = &clause.kind else {
            continue;
        };
        match target {
            ast::ExcludeTarget::When(e) => {
                if let Some(when) = lower(scope(RuleField::None), e, errors) {
                    excl.push(model::Exclusion {
                        name: None,
                        when,
                        span: clause.span,
                    });
                }
            }
            ast::ExcludeTarget::Named(n) => match exclusions.get(&n.name) {
                None => errors.push(CheckError::UnknownExclusion {
                    name: n.name.clone(),
                    span: n.span,
                    suggestion: suggest(&n.name, exclusions.keys().map(String::as_str)),
                    std_module: super::std_names::exclusion_module(&n.name),
                }),
                Some(entry) => {
                    if entry.object.is_some_and(|o| o != object) {
                        errors.push(CheckError::ExclusionObjectMismatch {
                            name: n.name.clone(),
                            exclusion_object: entry.object_name.clone(),
                            contract_object: object_name.clone(),
                            span: n.span,
                            decl_span: entry.decl_span,
                        });
                    } else if let Some(checked) = &entry.checked {
                        excl.push(model::Exclusion {
                            name: Some(checked.name.clone()),
                            when: checked.when.clone(),
                            span: clause.span,
                        });
                    }
                }
            },
        }
    }

    let mut fields = Vec::new();
    let mut star = None;
    let mut fields_span = c.name.span;
    if let Some((ClauseKind::Fields(lines), span)) = get("fields") {
        fields_span = span;
        let mut seen: BTreeMap<String, Span> = BTreeMap::new();
        for line in lines {
            let (key, key_span) = match &line.target {
                ast::FieldTarget::Field(f) => (f.name.clone(), f.span),
                ast::FieldTarget::Star(s) => ("*".to_string(), *s),
            };
            if let Some(first) = seen.get(&key) {
                errors.push(CheckError::DuplicateFieldRules {
                    field: key,
                    first: *first,
                    second: key_span,
                });
                continue;
            }
            seen.insert(key, key_span);
            match &line.target {
                ast::FieldTarget::Field(f) => {
                    let Some(fid) = field_of(info, object, f, errors) else {
                        for rule in &line.rules {
                            check_route(rule, errors);
                        }
                        continue;
                    };
                    let decl = info.schema.field(fid);
                    for rule in &line.rules {
                        let o = rule.outcome.node;
                        if decl.readonly && o != Outcome::Never {
                            errors.push(CheckError::ReadonlyWrite {
                                field: decl.name.clone(),
                                outcome: o,
                                span: rule.outcome.span,
                                decl: decl.span,
                            });
                        } else if decl.protected && o == Outcome::Auto {
                            errors.push(CheckError::ProtectedAuto {
                                field: decl.name.clone(),
                                span: rule.outcome.span,
                                decl: decl.span,
                            });
                        }
                    }
                    let rules = rules(&line.rules, scope(RuleField::Field(fid)), errors);
                    fields.push(model::FieldRules {
                        field: fid,
                        rules,
                        span: line.span,
                    });
                }
                ast::FieldTarget::Star(_) => {
                    star = Some(model::StarRules {
                        rules: rules(&line.rules, scope(RuleField::Star), errors),
                        span: line.span,
                    });
                }
            }
        }
    }

    let approval = match get("approval") {
        Some((ClauseKind::Approval(items), span)) => {
            approval(items, span, Some(scope(RuleField::None)), errors)
        }
        _ => model::Approval::default(),
    };
    let sample = super::sample::sample(info, object, &samples, errors);

    let failed = errors[before..].iter().any(|e| !e.is_warning());
    if failed {
        return None;
    }
    Some(model::Contract {
        name,
        name_span: c.name.span,
        span: c.span,
        version: ver?,
        object,
        actor: actor?,
        owner,
        mode,
        triggers,
        trigger_span,
        eligible,
        eligible_span,
        exclusions: excl,
        confidence,
        fields,
        star,
        fields_span,
        approval,
        audit,
        rollback,
        metrics,
        sample,
    })
}

/// `review by ...` / `escalate to ...` only on those two outcomes.
fn check_route(rule: &ast::Rule, errors: &mut Vec<CheckError>) -> Option<model::Approver> {
    let route = rule.route.as_ref()?;
    if matches!(rule.outcome.node, Outcome::Review | Outcome::Escalate) {
        Some(approver(route))
    } else {
        errors.push(CheckError::InvalidRoute {
            outcome: rule.outcome.node,
            span: route.span,
        });
        None
    }
}

fn rules(rules: &[ast::Rule], scope: Scope<'_>, errors: &mut Vec<CheckError>) -> Vec<model::Rule> {
    let mut out = Vec::new();
    for (i, rule) in rules.iter().enumerate() {
        let route = check_route(rule, errors);
        let when = rule.when.as_ref().and_then(|w| lower(scope, w, errors));
        out.push(model::Rule {
            outcome: rule.outcome.node,
            route,
            when,
            position: u32::try_from(i + 1).unwrap_or(u32::MAX),
            span: rule.span,
        });
    }
    out
}

fn thresholds(ts: &[ast::Threshold], errors: &mut Vec<CheckError>) -> model::Thresholds {
    let mut out = model::Thresholds::default();
    let mut once = Once::new("confidence block");
    for t in ts {
        let level = t.level.node;
        if !matches!(level, Outcome::Auto | Outcome::Review) {
            errors.push(CheckError::InvalidThresholdLevel {
                level,
                span: t.level.span,
            });
            continue;
        }
        if !once.first(
            level,
            || format!("the `{}` threshold", level.as_str()),
            t.span,
            errors,
        ) {
            continue;
        }
        let Ok(v) = unit_interval("a confidence threshold", "confidence", &t.value)
            .map_err(|e| errors.push(e))
        else {
            continue;
        };
        if level == Outcome::Auto {
            out.auto = Some((v, t.span));
        } else {
            out.review = Some((v, t.span));
        }
    }
    out
}

fn approval(
    items: &[ast::ApprovalItem],
    span: Span,
    scope: Option<Scope<'_>>,
    errors: &mut Vec<CheckError>,
) -> model::Approval {
    let mut out = model::Approval {
        span: Some(span),
        ..model::Approval::default()
    };
    let mut once = Once::new("approval block");
    for item in items {
        match item {
            ast::ApprovalItem::Route {
                level,
                approver: who,
                within,
                span,
            } => {
                let slot = match level.node {
                    Outcome::Review => &mut out.review,
                    Outcome::Escalate => &mut out.escalate,
                    other => {
                        errors.push(CheckError::InvalidRoute {
                            outcome: other,
                            span: level.span,
                        });
                        continue;
                    }
                };
                let word = if level.node == Outcome::Review {
                    "review by"
                } else {
                    "escalate to"
                };
                if !once.first(level.node, || format!("`{word}`"), *span, errors) {
                    continue;
                }
                *slot = Some(model::Route {
                    approver: approver(who),
                    within: within.as_ref().map(|w| w.node.seconds()),
                    span: *span,
                });
            }
            ast::ApprovalItem::Require {
                approver: who,
                when,
                span,
            } => {
                let when = match (when, scope) {
                    (Some(w), Some(scope)) => match lower(scope, w, errors) {
                        Some(c) => Some(c),
                        None => continue,
                    },
                    (Some(_), None) => continue,
                    (None, _) => None,
                };
                out.require.push(model::Requirement {
                    approver: approver(who),
                    when,
                    span: *span,
                });
            }
        }
    }
    out
}

fn audit(names: &[ast::Ident], span: Span, errors: &mut Vec<CheckError>) -> model::Audit {
    let mut fields = Vec::new();
    let mut seen: BTreeMap<model::AuditField, Span> = BTreeMap::new();
    for n in names {
        match model::AuditField::parse(&n.name) {
            None => errors.push(CheckError::UnknownAuditField {
                name: n.name.clone(),
                span: n.span,
                suggestion: suggest(&n.name, model::AuditField::ALL.map(|f| f.as_str())),
            }),
            Some(f) => match seen.get(&f) {
                Some(first) => errors.push(CheckError::DuplicateAuditField {
                    name: n.name.clone(),
                    first: *first,
                    second: n.span,
                }),
                None => {
                    seen.insert(f, n.span);
                    fields.push(f);
                }
            },
        }
    }
    model::Audit { fields, span }
}

fn rollback(
    items: &[ast::RollbackItem],
    span: Span,
    errors: &mut Vec<CheckError>,
) -> model::Rollback {
    let mut out = model::Rollback {
        keep: None,
        keep_text: None,
        notify: Vec::new(),
        span,
    };
    let mut once = Once::new("rollback block");
    for item in items {
        match item {
            ast::RollbackItem::Keep { for_, span } => {
                if once.first((), || "`keep previous values`".to_string(), *span, errors) {
                    out.keep = Some(for_.node.seconds());
                    out.keep_text = Some(for_.node.to_string());
                }
            }
            ast::RollbackItem::Notify { who, .. } => {
                let a = approver(who);
                if !out.notify.contains(&a) {
                    out.notify.push(a);
                }
            }
        }
    }
    out
}

/// One `trigger on` event, resolved: an `of` naming the contract's own
/// object is the plain event (one form, so matching never tells them apart).
pub(super) fn trigger(
    info: &SchemaInfo,
    object: ObjectId,
    ev: &ast::TriggerEvent,
    errors: &mut Vec<CheckError>,
) -> Option<model::Trigger> {
    use ast::TriggerEvent as T;
    let (event, fields, of) = match ev {
        T::Signal { name, .. } => {
            return named(name, "signal", errors).map(model::Trigger::Signal);
        }
        T::Schedule { name: None, .. } => return Some(model::Trigger::Schedule(None)),
        T::Schedule {
            name: Some(name), ..
        } => {
            return named(name, "schedule", errors).map(|n| model::Trigger::Schedule(Some(n)));
        }
        T::Create { of, .. } => (Event::Create, None, of),
        T::Delete { of, .. } => (Event::Delete, None, of),
        T::Update { fields, of, .. } => (Event::Update, fields.as_ref(), of),
    };
    let target = match of {
        Some(o) => object_of(info, o, errors)?,
        None => object,
    };
    let fields = fields.map(|fs| {
        fs.iter()
            .filter_map(|f| field_of(info, target, f, errors))
            .collect::<Vec<_>>()
    });
    Some(match (target == object, event) {
        (true, Event::Create) => model::Trigger::Create,
        (true, Event::Delete) => model::Trigger::Delete,
        (true, Event::Update) => model::Trigger::Update(fields),
        (false, event) => model::Trigger::Of {
            object: target,
            event,
            fields,
        },
    })
}

/// A signal's or schedule's name: not empty.
fn named(name: &ast::StrLit, what: &'static str, errors: &mut Vec<CheckError>) -> Option<String> {
    if name.value.trim().is_empty() {
        errors.push(CheckError::EmptyCauseName {
            what,
            span: name.span,
        });
        return None;
    }
    Some(name.value.clone())
}
