//! `crmc stats` output: human, JSON, and markdown.

use crmc::check::model::Outcome;
use crmc::stats::report::{FieldReport, Metrics, Ratio};
use crmc::stats::Recommendation;
use crmc::stats::{Direction, Options, Report, Tally};
use serde_json::{json, Value};
use std::fmt::Write as _;

pub struct Context<'a> {
    pub tally: &'a Tally,
    pub opts: Options,
    pub feedback: bool,
    /// Runs the join wrote to disk.
    pub spilled: usize,
}

/// `12,345`.
fn n(x: u64) -> String {
    let s = x.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

fn ratio(r: Ratio) -> String {
    match r.value() {
        Some(v) => format!("{} ({} of {})", pct(v), n(r.of), n(r.n)),
        None => "no data".to_string(),
    }
}

fn outcomes(m: &Metrics) -> String {
    Outcome::ALL
        .iter()
        .map(|o| {
            let share = if m.decisions == 0 {
                0.0
            } else {
                m.outcomes[*o as usize] as f64 / m.decisions as f64
            };
            format!("{} {}", o.as_str(), pct(share))
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

fn title(f: &FieldReport) -> String {
    format!(
        "{} · {}",
        f.contract.as_deref().unwrap_or("(no contract governs)"),
        f.field
    )
}

fn summary_lines(c: &Context<'_>) -> Vec<String> {
    let t = c.tally;
    let mut out = vec![format!(
        "{} decision lines, {} feedback lines",
        n(t.decision_lines),
        n(t.feedback_lines)
    )];
    let joined: u64 = t
        .groups
        .iter()
        .map(|(_, c)| c.feedback.iter().flatten().sum::<u64>())
        .sum::<u64>()
        + t.other.feedback.iter().flatten().sum::<u64>();
    if c.feedback {
        out.push(format!(
            "joined: {} decided fields with feedback; {} feedback lines name no decision; {} repeat feedback already counted (the most serious counts)",
            n(joined),
            n(t.unmatched_feedback),
            n(t.repeated_feedback)
        ));
    }
    out.push(format!(
        "not counted: {} unreadable decision lines, {} unreadable feedback lines, {} decided fields logged twice, {} outside the window",
        n(t.unreadable_decision_lines),
        n(t.unreadable_feedback_lines),
        n(t.duplicates),
        n(t.outside_window)
    ));
    if t.error_lines > 0 || t.unnamed > 0 {
        out.push(format!(
            "also: {} error lines (mutations not decided); {} decided fields without an id, record id or time (counted, never joined)",
            n(t.error_lines),
            n(t.unnamed)
        ));
    }
    out
}

fn rec_head(r: &Recommendation) -> String {
    let dir = match r.direction {
        Direction::Promote => "PROMOTE",
        Direction::Demote => "DEMOTE",
    };
    let from = r
        .from_confidence
        .map_or(String::new(), |c| format!(" from confidence {c:.2}"));
    format!(
        "{dir} {} · {}: {} → {}{from}",
        r.contract,
        r.rule,
        r.from.as_str(),
        r.to.as_str()
    )
}

pub fn human(rep: &Report, c: &Context<'_>) {
    let mut lines = summary_lines(c).into_iter();
    if let Some(first) = lines.next() {
        outln!("crmc stats: {first}");
    }
    for l in lines {
        outln!("  {l}");
    }
    for f in &rep.fields {
        let m = &f.metrics;
        outln!();
        outln!("{}: {} decisions", title(f), n(m.decisions));
        outln!("  {:<12} {}", "outcomes", outcomes(m));
        outln!("  {:<12} {}", "exclusions", ratio(m.exclusion_rate));
        if c.feedback {
            outln!(
                "  {:<12} accepted unedited {}",
                "reviews",
                ratio(m.review_acceptance)
            );
            outln!(
                "  {:<12} accepted unedited {}",
                "suggestions",
                ratio(m.suggestion_acceptance)
            );
            outln!("  {:<12} {}", "edited", ratio(m.edit_rate));
            outln!(
                "  {:<12} {} of automatic writes",
                "rolled back",
                ratio(m.rollback_rate)
            );
        }
    }
    if let Some(m) = &rep.other {
        outln!();
        outln!(
            "(other groups past the limit): {} decisions",
            n(m.decisions)
        );
    }
    if !rep.metrics.is_empty() {
        outln!();
        outln!("metrics");
        for mc in &rep.metrics {
            let got = match &mc.measured {
                Some((r, how, met)) => match r.value() {
                    Some(_) => format!(
                        "{} {} ({how})",
                        ratio(*r),
                        if *met { "met" } else { "MISSED" }
                    ),
                    None => format!("no data yet ({how})"),
                },
                None => "not measured: decision and feedback logs do not say".to_string(),
            };
            outln!(
                "  {} {:?} target {}: {got}",
                mc.contract,
                mc.name,
                pct(mc.target)
            );
        }
    }
    outln!();
    outln!(
        "recommendations (from at least {} decisions; promote at {} accepted unedited or more, demote above {} rolled back)",
        c.opts.min_decisions,
        pct(c.opts.promote_at),
        pct(c.opts.demote_at)
    );
    if rep.recommendations.is_empty() {
        outln!("  none");
    }
    for r in &rep.recommendations {
        outln!("  {}", rec_head(r));
        outln!("    {:<8} {}", "evidence", r.evidence_text);
        if let Some((before, after)) = &r.change {
            outln!("    {:<8} {before}", "change");
            outln!("    {:<8} {after}", "to");
        }
        if let Some(note) = &r.note {
            outln!("    {:<8} {note}", "note");
        }
    }
}

fn ratio_json(r: Ratio) -> Value {
    json!({"of": r.of, "n": r.n, "rate": r.value()})
}

fn metrics_json(m: &Metrics) -> Value {
    let mut outcomes = serde_json::Map::new();
    for o in Outcome::ALL {
        outcomes.insert(o.as_str().into(), json!(m.outcomes[o as usize]));
    }
    json!({
        "decisions": m.decisions,
        "outcomes": outcomes,
        "exclusion_block_rate": ratio_json(m.exclusion_rate),
        "review_acceptance": ratio_json(m.review_acceptance),
        "suggestion_acceptance": ratio_json(m.suggestion_acceptance),
        "edit_rate": ratio_json(m.edit_rate),
        "rollback_rate": ratio_json(m.rollback_rate),
    })
}

pub fn json(rep: &Report, c: &Context<'_>) -> Value {
    let t = c.tally;
    json!({
        "lines": {
            "decision_lines": t.decision_lines,
            "feedback_lines": t.feedback_lines,
            "unreadable_decision_lines": t.unreadable_decision_lines,
            "unreadable_feedback_lines": t.unreadable_feedback_lines,
            "error_lines": t.error_lines,
            "duplicate_decisions": t.duplicates,
            "outside_window": t.outside_window,
            "unnamed_decisions": t.unnamed,
            "unmatched_feedback": t.unmatched_feedback,
            "repeated_feedback": t.repeated_feedback,
            "join_runs_spilled": c.spilled,
        },
        "options": {
            "min_decisions": c.opts.min_decisions,
            "promote_at": c.opts.promote_at,
            "demote_at": c.opts.demote_at,
        },
        "fields": rep.fields.iter().map(|f| json!({
            "contract": f.contract,
            "field": f.field,
            "metrics": metrics_json(&f.metrics),
        })).collect::<Vec<_>>(),
        "other": rep.other.as_ref().map(metrics_json),
        "metrics": rep.metrics.iter().map(|m| json!({
            "contract": m.contract,
            "name": m.name,
            "target": m.target,
            "measured": m.measured.as_ref().map(|(r, how, _)| json!({"value": r.value(), "of": r.of, "n": r.n, "what": how})),
            "met": m.measured.as_ref().and_then(|(r, _, met)| r.value().map(|_| *met)),
        })).collect::<Vec<_>>(),
        "recommendations": rep.recommendations.iter().map(|r| json!({
            "direction": match r.direction { Direction::Promote => "promote", Direction::Demote => "demote" },
            "contract": r.contract,
            "field": r.field,
            "rule": r.rule,
            "from": r.from.as_str(),
            "to": r.to.as_str(),
            "from_confidence": r.from_confidence,
            "evidence": ratio_json(r.evidence),
            "evidence_text": r.evidence_text,
            "change": r.change.as_ref().map(|(b, a)| json!({"before": b, "after": a})),
            "note": r.note,
        })).collect::<Vec<_>>(),
    })
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

pub fn markdown(rep: &Report, c: &Context<'_>) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "### crmc stats\n");
    for l in summary_lines(c) {
        let _ = writeln!(s, "- {}", cell(&l));
    }
    let _ = writeln!(
        s,
        "\n| contract | field | decisions | auto | review | suggest | never | reviews accepted | suggestions accepted | edited | rolled back |"
    );
    let _ = writeln!(s, "|---|---|---|---|---|---|---|---|---|---|---|");
    let share = |m: &Metrics, o: Outcome| {
        if m.decisions == 0 {
            "–".to_string()
        } else {
            pct(m.outcomes[o as usize] as f64 / m.decisions as f64)
        }
    };
    let r = |x: Ratio| x.value().map_or("–".to_string(), pct);
    for f in &rep.fields {
        let m = &f.metrics;
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            cell(f.contract.as_deref().unwrap_or("(none)")),
            cell(&f.field),
            n(m.decisions),
            share(m, Outcome::Auto),
            share(m, Outcome::Review),
            share(m, Outcome::Suggest),
            share(m, Outcome::Never),
            r(m.review_acceptance),
            r(m.suggestion_acceptance),
            r(m.edit_rate),
            r(m.rollback_rate)
        );
    }
    if !rep.metrics.is_empty() {
        let _ = writeln!(
            s,
            "\n| contract | metric | target | measured | |\n|---|---|---|---|---|"
        );
        for m in &rep.metrics {
            let (v, met) = match &m.measured {
                Some((x, _, met)) => (
                    r(*x),
                    if x.value().is_some() {
                        if *met {
                            "met"
                        } else {
                            "**missed**"
                        }
                    } else {
                        ""
                    },
                ),
                None => ("not measured".to_string(), ""),
            };
            let _ = writeln!(
                s,
                "| {} | {} | {} | {v} | {met} |",
                cell(&m.contract),
                cell(&m.name),
                pct(m.target)
            );
        }
    }
    let _ = writeln!(s, "\n#### Recommendations\n");
    if rep.recommendations.is_empty() {
        let _ = writeln!(s, "None.");
    }
    for rc in &rep.recommendations {
        let _ = writeln!(
            s,
            "- **{}** — {}",
            cell(&rec_head(rc)),
            cell(&rc.evidence_text)
        );
        if let Some((b, a)) = &rc.change {
            let _ = writeln!(s, "  ```diff\n  - {b}\n  + {a}\n  ```");
        }
        if let Some(note) = &rc.note {
            let _ = writeln!(s, "  ({})", cell(note));
        }
    }
    s
}
