//! What the pages show, built once from the checked unit and its findings:
//! the per-contract facts in words and the automation map's row.

use super::findings::{findings, FindingDoc};
use super::matrix::{self, Row};
use crate::analyze::explain::describe;
use crate::check::model::{Approver, CheckedUnit, Contract, Mode, Outcome, Route, Schema, Trigger};
use crate::diagnostics::Diagnostic;
use crate::source::SourceMap;

/// The whole report.
pub struct UnitDoc {
    /// The unit's own files (not the embedded `std/...` modules).
    pub files: Vec<String>,
    /// Present when the unit checked (no syntax, name or type error).
    pub checked: bool,
    pub contracts: Vec<ContractDoc>,
    pub findings: Vec<FindingDoc>,
    /// Findings about no contract (schema, exclusions, tests, syntax).
    pub unit_findings: Vec<usize>,
    /// Unsuppressed findings by severity, as `crmc check` counts them.
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
    /// Findings a `// crmc: allow(...)` comment suppresses (shown, marked).
    pub suppressed: usize,
}

pub struct ContractDoc {
    pub name: String,
    /// The page's file name, relative to the site root.
    pub page: String,
    pub version: u32,
    pub object: String,
    /// `ai "qualifier"`, `integration *`.
    pub actor: String,
    pub owner: Option<String>,
    pub mode: &'static str,
    /// What the mode does to outcomes, in words.
    pub mode_words: &'static str,
    /// `create`, `update of Email, Company`, ...
    pub triggers: Vec<String>,
    /// `None`: every record.
    pub eligible: Option<String>,
    /// (named exclusion, its condition in words)
    pub exclusions: Vec<(Option<String>, String)>,
    pub confidence: Vec<String>,
    pub matrix: Vec<Row>,
    /// The approval block in words.
    pub approvals: Vec<String>,
    /// `None`: no audit clause.
    pub audit: Option<Vec<&'static str>>,
    pub rollback: Vec<String>,
    /// (name, target)
    pub metrics: Vec<(String, String)>,
    /// The review samples in words, most specific first.
    pub samples: Vec<String>,
    /// The guardrails that cover its writes (all of them, or some actor
    /// names'), in words.
    pub guardrails: Vec<String>,
    /// Findings (indexes into `UnitDoc::findings`) about it, then those
    /// that also point into it.
    pub findings: Vec<usize>,
    pub also_findings: Vec<usize>,
    /// The automation map: per outcome, the fields whose most permissive
    /// outcome it is (`*` for every other field).
    pub may_change: Vec<(Outcome, Vec<String>)>,
    /// The control rule: mode, eligibility, exclusions, confidence.
    pub control: Vec<String>,
    /// Where people take over.
    pub handoff: Vec<String>,
}

/// An approver in words.
pub fn approver(a: &Approver) -> String {
    match a {
        Approver::RecordOwner => "the record owner".to_string(),
        Approver::Role(r) => format!("role \"{r}\""),
        Approver::User(u) => format!("user \"{u}\""),
        Approver::Queue(q) => format!("queue \"{q}\""),
    }
}

use crate::check::model::duration_text as duration;

/// A metric target; a fraction is a percentage too (`80%` is 0.80).
fn target(t: crate::decimal::Decimal) -> String {
    let m = t.mantissa();
    let fraction = t.scale() > 0 && !t.is_integer() && m > 0 && t.to_f64() < 1.0;
    let hundred = if t.scale() >= 2 {
        Some(crate::decimal::Decimal::new(m, t.scale() - 2))
    } else {
        m.checked_mul(10i128.pow(2 - t.scale()))
            .map(|m| crate::decimal::Decimal::new(m, 0))
    };
    match hundred {
        Some(h) if fraction => format!("{t} ({h}%)"),
        _ => t.to_string(),
    }
}

fn route_words(level: &str, r: &Route) -> String {
    let within = r
        .within
        .map(|s| format!(" within {}", duration(s)))
        .unwrap_or_default();
    format!("{level} by {}{within}", approver(&r.approver))
}

fn triggers(c: &Contract, schema: &Schema) -> Vec<String> {
    let names = |fs: &[crate::check::model::FieldId]| {
        fs.iter()
            .map(|f| schema.field(*f).name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    c.triggers
        .iter()
        .map(|t| match t {
            Trigger::Update(None) => "any update".to_string(),
            Trigger::Update(Some(fs)) => format!("update of {}", names(fs)),
            Trigger::Of {
                object,
                event,
                fields,
            } => {
                let o = &schema.object(*object).name;
                match fields {
                    Some(fs) => format!("update of {} on a {o}", names(fs)),
                    None => format!("{} of a {o}", event.as_str()),
                }
            }
            Trigger::Signal(n) => format!("the signal “{n}”"),
            Trigger::Schedule(None) => "any scheduled run".to_string(),
            Trigger::Schedule(Some(n)) => format!("the scheduled run “{n}”"),
            t => t.text(schema),
        })
        .collect()
}

fn mode_words(m: Mode) -> &'static str {
    match m {
        Mode::ReadOnly => "read only: every outcome is at least suggest (nothing is written)",
        Mode::Draft => "draft: every outcome is at least review (nothing is written unapproved)",
        Mode::ConditionalWrite => "conditional write: the rules decide",
        Mode::AutomatedWrite => "automated write: the rules decide",
    }
}

fn approvals(c: &Contract, schema: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(r) = &c.approval.review {
        out.push(route_words("review", r));
    }
    if let Some(r) = &c.approval.escalate {
        out.push(route_words("escalate", r));
    }
    for q in &c.approval.require {
        let when = q
            .when
            .as_ref()
            .map(|w| format!(" when {}", describe(w, schema)))
            .unwrap_or_default();
        out.push(format!(
            "also require {} whenever an approval is needed{when}",
            approver(&q.approver)
        ));
    }
    out
}

fn rollback(c: &Contract) -> Vec<String> {
    let Some(r) = &c.rollback else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(k) = r.keep_text.clone().or_else(|| r.keep.map(duration)) {
        out.push(format!("keep previous values for {k}"));
    }
    for n in &r.notify {
        out.push(format!("notify {}", approver(n)));
    }
    out
}

fn may_change(rows: &[Row]) -> Vec<(Outcome, Vec<String>)> {
    matrix::COLUMNS
        .iter()
        .map(|&o| {
            let fields: Vec<String> = rows
                .iter()
                .filter(|r| matrix::best(r) == o)
                .map(|r| {
                    if r.field == "*" {
                        "every other field".to_string()
                    } else {
                        r.field.clone()
                    }
                })
                .collect();
            (o, fields)
        })
        .filter(|(_, fs)| !fs.is_empty())
        .collect()
}

fn contract(c: &Contract, page: String, schema: &Schema, unit: &CheckedUnit) -> ContractDoc {
    let eligible = c.eligible.as_ref().map(|e| describe(e, schema));
    let exclusions: Vec<(Option<String>, String)> = c
        .exclusions
        .iter()
        .map(|e| {
            let when = e
                .name
                .as_deref()
                .and_then(|n| unit.exclusions.iter().find(|x| x.name == n))
                .map_or(&e.when, |x| &x.when);
            (e.name.clone(), describe(when, schema))
        })
        .collect();
    let mut confidence = Vec::new();
    if let Some((t, _)) = &c.confidence.auto {
        confidence.push(format!(
            "auto needs confidence at least {t} (below: review)"
        ));
    }
    if let Some((t, _)) = &c.confidence.review {
        confidence.push(format!(
            "any write needs confidence at least {t} (below: never)"
        ));
    }
    let rows = matrix::rows(c, schema);
    let mut control = vec![format!("mode {}", c.mode.as_str())];
    control.push(match &eligible {
        Some(e) => format!("eligible when {e}"),
        None => "every record eligible".to_string(),
    });
    for (name, when) in &exclusions {
        control.push(match name {
            Some(n) => format!("excluded by {n}: {when}"),
            None => format!("excluded when {when}"),
        });
    }
    control.extend(confidence.iter().cloned());
    let approvals = approvals(c, schema);
    let mut handoff = approvals.clone();
    let has = |o: Outcome| {
        rows.iter().any(|r| {
            r.cells
                .get(o as usize)
                .is_some_and(|cs| cs.iter().any(|c| c.unreachable.is_none()))
        })
    };
    if has(Outcome::Review) && c.approval.review.is_none() {
        handoff.push("review: no approver named in the approval block".to_string());
    }
    if has(Outcome::Escalate) && c.approval.escalate.is_none() {
        handoff.push("escalate: no approver named in the approval block".to_string());
    }
    if has(Outcome::Suggest) {
        handoff.push("suggestions are shown to the owner, never written".to_string());
    }
    handoff.extend(rollback(c));
    ContractDoc {
        name: c.name.clone(),
        page,
        version: c.version,
        object: schema.object(c.object).name.clone(),
        actor: format!(
            "{} {}",
            c.actor.kind.as_str(),
            c.actor
                .name
                .as_ref()
                .map_or_else(|| "*".to_string(), |n| format!("\"{n}\""))
        ),
        owner: c.owner.clone(),
        mode: c.mode.as_str(),
        mode_words: mode_words(c.mode),
        triggers: triggers(c, schema),
        eligible,
        exclusions,
        confidence,
        may_change: may_change(&rows),
        matrix: rows,
        approvals,
        audit: c
            .audit
            .as_ref()
            .map(|a| a.fields.iter().map(|f| f.as_str()).collect()),
        rollback: rollback(c),
        metrics: c
            .metrics
            .iter()
            .map(|m| (m.name.clone(), target(m.target)))
            .collect(),
        samples: samples(unit, c),
        guardrails: guardrails(unit, c),
        findings: Vec::new(),
        also_findings: Vec::new(),
        control,
        handoff,
    }
}

/// The report's model. `pages[i]` is contract `i`'s page name.
pub fn build(
    sources: &SourceMap,
    unit: Option<&CheckedUnit>,
    diags: &[Diagnostic],
    pages: &[String],
) -> UnitDoc {
    let files = sources
        .files()
        .filter(|(_, f)| !f.key.to_string_lossy().starts_with("<std>"))
        .map(|(_, f)| f.name.clone())
        .collect();
    let mut contracts: Vec<ContractDoc> = unit
        .map(|u| {
            u.contracts
                .iter()
                .zip(pages)
                .map(|(c, p)| contract(c, p.clone(), &u.schema, u))
                .collect()
        })
        .unwrap_or_default();
    let found = findings(sources, unit, diags);
    let mut unit_findings = Vec::new();
    for (k, f) in found.iter().enumerate() {
        match f.contract.and_then(|i| contracts.get_mut(i)) {
            Some(c) => c.findings.push(k),
            None => unit_findings.push(k),
        }
        for &i in &f.also {
            if let Some(c) = contracts.get_mut(i) {
                c.also_findings.push(k);
            }
        }
    }
    let count = |s: crate::diagnostics::Severity| {
        diags
            .iter()
            .filter(|d| d.severity == s && d.suppressed.is_none())
            .count()
    };
    UnitDoc {
        files,
        checked: unit.is_some(),
        contracts,
        findings: found,
        unit_findings,
        errors: count(crate::diagnostics::Severity::Error),
        warnings: count(crate::diagnostics::Severity::Warning),
        notes: count(crate::diagnostics::Severity::Note),
        suppressed: diags.iter().filter(|d| d.suppressed.is_some()).count(),
    }
}

/// The guardrails on a contract's object for its actor kind, in words:
/// "`opt_out_is_human` (every ai actor, where HasOptedOutOfEmail): at least
/// escalate for OwnerId, never for HasOptedOutOfEmail, at least review for
/// every other field — consent ...".
fn guardrails(unit: &CheckedUnit, c: &Contract) -> Vec<String> {
    unit.guardrails
        .iter()
        .filter(|g| {
            g.object == c.object
                && g.actor.kind == c.actor.kind
                && (g.actor.name.is_none()
                    || c.actor.name.is_none()
                    || g.actor.name == c.actor.name)
        })
        .map(|g| {
            let who = match &g.actor.name {
                Some(n) => format!("{} \"{n}\"", g.actor.kind.as_str()),
                None => format!("every {} actor", g.actor.kind.as_str()),
            };
            let floor = |o: Outcome| match o {
                Outcome::Never => "never".to_string(),
                o => format!("at least {}", o.as_str()),
            };
            let mut parts: Vec<String> = g
                .floors
                .iter()
                .map(|(f, o, _)| format!("{} for {}", floor(*o), unit.schema.field(*f).name))
                .collect();
            if let Some((o, _)) = g.star {
                let other = if parts.is_empty() { "" } else { " other" };
                parts.push(format!("{} for every{other} field", floor(o)));
            }
            let when = g
                .when
                .as_ref()
                .map(|w| format!(", where {}", describe(w, &unit.schema)))
                .unwrap_or_default();
            let why = g
                .reason
                .as_ref()
                .map(|r| format!(" — {r}"))
                .unwrap_or_default();
            format!("{} ({who}{when}): {}{why}", g.name, parts.join(", "))
        })
        .collect()
}

/// `sample` clauses in words: "10% of the automatic writes of Industry go
/// to review", then the rate for every other field.
fn samples(unit: &CheckedUnit, c: &Contract) -> Vec<String> {
    use crate::check::model::Sample;
    let mut out: Vec<String> = c
        .sample
        .fields
        .iter()
        .map(|(f, r)| {
            format!(
                "{} of the automatic writes of {} go to review",
                Sample::percent_text(*r),
                unit.schema.field(*f).name
            )
        })
        .collect();
    if let Some(r) = c.sample.all {
        let rest = if out.is_empty() { "" } else { " other" };
        out.push(format!(
            "{} of the automatic writes of every{rest} field go to review",
            Sample::percent_text(r)
        ));
    }
    out
}
