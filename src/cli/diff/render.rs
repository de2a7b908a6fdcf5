//! `crmc diff` output: human (grouped, loosening first), JSON, and
//! markdown sized for a pull-request comment.

use crmc::check::model::duration_text;
use crmc::diff::side::Governance;
use crmc::diff::{Change, Diff, EndView, Kind, Level};
use serde_json::{json, Value};
use std::fmt::Write as _;

/// Rows a markdown comment lists before it only counts (GitHub caps a
/// comment at 65,536 characters).
const MARKDOWN_ROWS: usize = 40;

fn level(l: Level) -> String {
    match l {
        Level::Ungoverned => "never (no contract governs)".to_string(),
        Level::Governed(o) => o.as_str().to_string(),
    }
}

fn transition(c: &Change) -> String {
    if c.kind == Kind::Governance {
        format!("{} ({} changed)", level(c.new.level), c.aspects.join(", "))
    } else {
        format!("{} → {}", level(c.old.level), level(c.new.level))
    }
}

fn field(c: &Change) -> String {
    if c.stands_for_others {
        format!("{} (and every field like it no contract lists)", c.field)
    } else {
        c.field.clone()
    }
}

/// `inbound Industry#1 (auto, capped to review)`.
fn by(e: &EndView) -> String {
    let Some(contract) = &e.contract else {
        return match e.level {
            Level::Ungoverned => "no contract applies".to_string(),
            Level::Governed(o) => o.as_str().to_string(),
        };
    };
    let rule = e.rule.as_deref().unwrap_or("?");
    let decided = e.level.outcome();
    if let Some(g) = &e.guardrail {
        return format!(
            "{contract} {rule} (raised to {} by guardrail {g})",
            decided.as_str()
        );
    }
    match e.rule_outcome {
        Some(r) if r != decided => {
            format!(
                "{contract} {rule} ({}, capped to {})",
                r.as_str(),
                decided.as_str()
            )
        }
        _ => format!("{contract} {rule} ({})", decided.as_str()),
    }
}

fn governance(g: &Governance) -> String {
    let mut parts = Vec::new();
    if let Some((who, within)) = &g.route {
        let who = who
            .as_ref()
            .map_or("nobody named".to_string(), |a| a.to_string());
        match within {
            Some(s) => parts.push(format!("approval by {who} within {}", duration_text(*s))),
            None => parts.push(format!("approval by {who}")),
        }
    }
    let audit: Vec<&str> = g.audit.iter().map(|a| a.as_str()).collect();
    parts.push(format!("audit {}", audit.join(", ")));
    match g.keep {
        Some(k) => parts.push(format!("rollback keeps {}", duration_text(k))),
        None => parts.push("no rollback keep".to_string()),
    }
    if !g.notify.is_empty() {
        parts.push(format!("notify {}", g.notify.join(", ")));
    }
    parts.join("; ")
}

fn summary(d: &Diff) -> String {
    if d.changes.is_empty() {
        return "no change in behaviour".to_string();
    }
    format!(
        "{} loosened, {} tightened, {} with other approvals, audit or rollback",
        d.count(Kind::Loosened),
        d.count(Kind::Tightened),
        d.count(Kind::Governance)
    )
}

fn contracts_line(d: &Diff) -> Vec<String> {
    let c = &d.contracts;
    let mut out = Vec::new();
    let list = |v: &[String]| v.join(", ");
    if !c.added.is_empty() {
        out.push(format!("added: {}", list(&c.added)));
    }
    if !c.removed.is_empty() {
        out.push(format!("removed: {}", list(&c.removed)));
    }
    if !c.edited.is_empty() {
        out.push(format!("edited: {}", list(&c.edited)));
    }
    for (a, b) in &c.renamed {
        out.push(format!("renamed, same behaviour: {a} → {b}"));
    }
    for (n, a, b) in &c.versions {
        out.push(format!("version {a} → {b}, same behaviour: {n}"));
    }
    out
}

pub fn human(d: &Diff, old: &str, new: &str) {
    outln!("crmc diff {old} → {new}: {}", summary(d));
    for l in contracts_line(d) {
        outln!("  contracts {l}");
    }
    for c in &d.changes {
        outln!();
        outln!(
            "{:<10} {} · {} · {}: {}",
            c.kind.as_str().to_uppercase(),
            c.object,
            c.actor.text(),
            field(c),
            transition(c)
        );
        for (i, w) in c.conditions.iter().enumerate() {
            let lines = wrap(w, 88);
            for (k, l) in lines.iter().enumerate() {
                let head = match (i, k) {
                    (0, 0) => "where",
                    (_, 0) => "or",
                    _ => "",
                };
                outln!("  {head:<8} {l}");
            }
        }
        if c.more_conditions > 0 {
            outln!("  {:<8} … {} more", "or", c.more_conditions);
        }
        outln!("  {:<8} {}", "before", by(&c.old));
        outln!("  {:<8} {}", "after", by(&c.new));
        if c.kind == Kind::Governance {
            if let (Some(a), Some(b)) = (&c.old.governance, &c.new.governance) {
                outln!("  {:<8} {}", "was", governance(a));
                outln!("  {:<8} {}", "now", governance(b));
            }
        }
        match &c.witness {
            Some(w) => {
                outln!("  {:<8} {w}", "witness");
                if c.confirmed {
                    outln!("  {:<8} both tables decide the witness as above", "");
                } else {
                    outln!(
                        "  {:<8} NOT confirmed by the tables (please report this)",
                        ""
                    );
                }
            }
            None => outln!(
                "  {:<8} none found (a string or date search gave up); the region may be empty",
                "witness"
            ),
        }
    }
}

/// A conjunction in lines of about `width`, broken before an `and`.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for (i, part) in text.split(" and ").enumerate() {
        let piece = if i == 0 {
            part.to_string()
        } else {
            format!("and {part}")
        };
        match lines.last_mut() {
            Some(l) if l.chars().count() + 1 + piece.chars().count() <= width => {
                l.push(' ');
                l.push_str(&piece);
            }
            _ => lines.push(piece),
        }
    }
    for l in lines.iter_mut().skip(1) {
        l.insert_str(0, "  ");
    }
    lines
}

fn end_json(e: &EndView) -> Value {
    json!({
        "outcome": e.level.outcome().as_str(),
        "governed": e.level != Level::Ungoverned,
        "contract": e.contract,
        "rule": e.rule,
        "rule_outcome": e.rule_outcome.map(|o| o.as_str()),
        "guardrail": e.guardrail,
        "governance": e.governance.as_ref().map(|g| json!({
            "approval": g.route.as_ref().map(|(who, within)| json!({
                "approver": who.as_ref().map(|a| a.to_string()),
                "within_secs": within,
            })),
            "audit": g.audit.iter().map(|a| a.as_str()).collect::<Vec<_>>(),
            "rollback_keep_secs": g.keep,
            "notify": g.notify,
        })),
    })
}

pub fn json(d: &Diff, old: &str, new: &str) -> Value {
    let c = &d.contracts;
    json!({
        "old": old,
        "new": new,
        "behaviour_changed": !d.changes.is_empty(),
        "summary": {
            "loosened": d.count(Kind::Loosened),
            "tightened": d.count(Kind::Tightened),
            "governance": d.count(Kind::Governance),
            "compared": d.compared.len(),
        },
        "contracts": {
            "added": c.added,
            "removed": c.removed,
            "edited": c.edited,
            "renamed": c.renamed.iter().map(|(a, b)| json!({"old": a, "new": b})).collect::<Vec<_>>(),
            "versions": c.versions.iter().map(|(n, a, b)| json!({"contract": n, "old": a, "new": b})).collect::<Vec<_>>(),
        },
        "changes": d.changes.iter().map(|ch| json!({
            "kind": ch.kind.as_str(),
            "object": ch.object,
            "actor": {"kind": ch.actor.kind.as_str(), "name": ch.actor.name},
            "field": ch.field,
            "stands_for_others": ch.stands_for_others,
            "old": end_json(&ch.old),
            "new": end_json(&ch.new),
            "aspects": ch.aspects,
            "where": ch.conditions,
            "more_conditions": ch.more_conditions,
            "witness": ch.witness,
            "confirmed": ch.confirmed,
        })).collect::<Vec<_>>(),
    })
}

/// `|` and newlines would break a table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

pub fn markdown(d: &Diff, old: &str, new: &str) -> String {
    let mut s = String::new();
    let icon = if d.count(Kind::Loosened) > 0 {
        "⚠️ "
    } else {
        ""
    };
    let _ = writeln!(s, "### {icon}crmc diff: {}\n", summary(d));
    let _ = writeln!(s, "`{}` → `{}`\n", cell(old), cell(new));
    for l in contracts_line(d) {
        let _ = writeln!(s, "- contracts {}", cell(&l));
    }
    if d.changes.is_empty() {
        let _ = writeln!(s, "\nNo write is decided differently.");
        return s;
    }
    let _ = writeln!(
        s,
        "\n| change | object | actor | field | before | after | where |"
    );
    let _ = writeln!(s, "|---|---|---|---|---|---|---|");
    for c in d.changes.iter().take(MARKDOWN_ROWS) {
        let mut wh = c.conditions.first().cloned().unwrap_or_default();
        let more = c.conditions.len().saturating_sub(1) + c.more_conditions;
        if more > 0 {
            let _ = write!(wh, " (+{more} more)");
        }
        let kind = match c.kind {
            Kind::Loosened => "**loosened**".to_string(),
            Kind::Governance => format!("{} changed", c.aspects.join(", ")),
            k => k.as_str().to_string(),
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | `{}` |",
            cell(&kind),
            cell(&c.object),
            cell(&c.actor.text()),
            cell(&field(c)),
            cell(&by(&c.old)),
            cell(&by(&c.new)),
            cell(&wh).replace('`', "'"),
        );
    }
    if d.changes.len() > MARKDOWN_ROWS {
        let _ = writeln!(
            s,
            "\n… and {} more: run `crmc diff` locally for all of them.",
            d.changes.len() - MARKDOWN_ROWS
        );
    }
    let _ = writeln!(
        s,
        "\n<details><summary>Witnesses (each decided by both tables)</summary>\n"
    );
    for c in d.changes.iter().take(MARKDOWN_ROWS) {
        if let Some(w) = &c.witness {
            let _ = writeln!(
                s,
                "{} · {} · {}: {}\n```json\n{w}\n```",
                cell(&c.object),
                cell(&c.actor.text()),
                cell(&c.field),
                cell(&transition(c))
            );
        }
    }
    let _ = writeln!(s, "</details>");
    s
}
