//! The analyzer and the evaluator agree (issue 9 §2): random units of 2–4
//! contracts, written as TEXT and taken through the user's path (parse,
//! check, compile), and boundary-dense mutations decided by `crmc-eval` as
//! ground truth — the unit's table and each contract's table alone.
//!
//! Asserted, on complete inputs (every record field and the parent present;
//! findings are about complete records, decisions 9):
//! - every conflict / ownership / gap witness decides as its finding claims;
//! - every sampled conflict, gap and ownership pair is reported;
//! - no rule reported shadowed or dead ever decides;
//! - no contract reported dead ever applies (an all-excluded one never
//!   lets a write through);
//! - every all-`auto` cycle of the sampled trigger graph is an error.
//!
//! Every atom of language-v1 §5.1 is generated, relative dates included:
//! their boundaries add `at` instants (the day and second around each one)
//! to the pool mutations draw from. `CRMC_ORACLE_UNITS=5000` for long runs.

// indexes are contract numbers: loops over them read better than zips
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::needless_range_loop
)]

mod support;
#[path = "support/witness.rs"]
mod witness;

use crmc::analyze::{self, findings::compatible, Finding};
use crmc::check::model::{CheckedUnit, Contract, FieldId, Trigger};
use crmc::pipeline::{self, Depth};
use crmc::source::MemoryProvider;
use crmc_eval::{Decision, Table};
use proptest::prelude::*;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::PathBuf;
use support::Rng;
use witness::{alone, confirm_where, decide, rule_name};

const SCHEMA: &str = r#"
schema oracle {
  object Account {
    Id:   id readonly
    Tier: picklist("Gold", "Silver")
    Size: int
  }
  object Lead {
    Id:        id readonly
    Stage:     picklist("a", "b", "c")
    Tags:      multipicklist("x", "y", "z")
    Score:     int
    Amount:    number
    Revenue:   currency
    Prob:      percent(0..1)
    Flag:      bool
    Name:      string
    Email:     email
    Due:       date
    Seen:      datetime
    AccountId: ref(Account)
    Locked:    string readonly
    Guarded:   int protected
  }
}
"#;

/// The Lead fields a contract may list, with their kind.
const WRITABLE: &[(&str, Kind)] = &[
    ("Stage", Kind::Pick),
    ("Tags", Kind::Multi),
    ("Score", Kind::Int),
    ("Amount", Kind::Num),
    ("Revenue", Kind::Num),
    ("Prob", Kind::Num),
    ("Flag", Kind::Bool),
    ("Name", Kind::Str),
    ("Email", Kind::Email),
    ("Due", Kind::Date),
    ("Seen", Kind::Datetime),
    ("Guarded", Kind::Int),
    ("Locked", Kind::Str),
];

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Pick,
    Multi,
    Int,
    Num,
    Bool,
    Str,
    Email,
    Date,
    Datetime,
}

const ACTORS: &[&str] = &[r#"ai "x""#, r#"ai "y""#, r#"integration "x""#, r#"ai "*""#];
const OUTCOMES: &[&str] = &["auto", "review", "escalate", "suggest", "never"];

/// Boundary values per field, collected from the literals the generator
/// writes (plus null, `""`, every picklist value).
#[derive(Default)]
struct Pools(BTreeMap<&'static str, Vec<Value>>);

impl Pools {
    fn add(&mut self, f: &'static str, v: Value) {
        let e = self.0.entry(f).or_default();
        if !e.contains(&v) {
            e.push(v);
        }
    }
}

/// The pool key of the mutation's `at` instants (not a field name).
const AT: &str = "@at";

fn date(day: i64) -> String {
    // days after 2026-01-01, within January (the generator's range)
    format!("2026-01-{:02}", (day + 1).clamp(1, 28))
}

fn datetime(sec: i64) -> String {
    format!("2026-01-01T10:00:{:02}Z", sec.clamp(0, 59))
}

/// One atom about `f` (`prefix` is "", "new " or "Account."), adding its
/// boundary values to the pools.
fn atom(rng: &mut Rng, pools: &mut Pools, f: &'static str, kind: Kind, prefix: &str) -> String {
    let s = format!("{prefix}{f}");
    let r = rng.below(8);
    if r == 0 {
        return format!("{s} is {}", ["empty", "set"][rng.below(2)]);
    }
    match kind {
        Kind::Pick => {
            let vs = ["a", "b", "c"];
            let v = *rng.pick(&vs);
            match rng.below(4) {
                0 => format!("{s} == \"{v}\""),
                1 => format!("{s} != \"{v}\""),
                2 => format!("{s} in (\"{v}\", \"{}\")", rng.pick(&vs)),
                _ => format!("{s} not in (\"{v}\")"),
            }
        }
        Kind::Multi => {
            let vs = ["x", "y", "x;y", "y;x", "z;x"];
            let v = *rng.pick(&vs);
            match rng.below(3) {
                0 => format!("{s} == \"{v}\""),
                1 => format!("{s} != \"{v}\""),
                _ => format!("{s} in (\"{v}\", \"z\")"),
            }
        }
        Kind::Int | Kind::Num => {
            let ops = ["<", "<=", ">", ">=", "==", "!="];
            let op = *rng.pick(&ops);
            let n: i64 = [-1, 0, 1, 5, 10][rng.below(5)];
            let frac = kind == Kind::Num && rng.pct(40);
            let lit = if frac {
                format!("{n}.5")
            } else {
                n.to_string()
            };
            let base: f64 = lit.parse().unwrap();
            let step = if kind == Kind::Int { 1.0 } else { 0.01 };
            for d in [-1.0, -step, 0.0, step, 1.0] {
                let v = base + d;
                if kind == Kind::Int {
                    pools.add(f, json!(v as i64));
                } else {
                    pools.add(f, json!((v * 100.0).round() / 100.0));
                }
            }
            format!("{s} {op} {lit}")
        }
        Kind::Bool => {
            if rng.pct(50) {
                s
            } else {
                format!("not {s}")
            }
        }
        Kind::Str | Kind::Email => {
            let lits: &[&str] = if kind == Kind::Email {
                &["@x.example", "a@x.example", "@X.EXAMPLE"]
            } else {
                &["ab", "a", "b", ""]
            };
            let v = *rng.pick(lits);
            pools.add(f, json!(v));
            pools.add(f, json!(format!("{v}z")));
            pools.add(f, json!(format!("z{v}")));
            pools.add(f, json!(v.to_uppercase()));
            match rng.below(6) {
                0 => format!("{s} == \"{v}\""),
                1 => format!("{s} != \"{v}\""),
                2 => format!("{s} starts with \"{v}\""),
                3 => format!("{s} ends with \"{v}\""),
                4 => format!("{s} contains \"{v}\""),
                _ => format!("{s} in (\"{v}\", \"q\")"),
            }
        }
        Kind::Date | Kind::Datetime if rng.pct(35) => {
            // `F before N days ago`: the boundary is F = day(at) - N (date)
            // or F = at - N days (datetime); put values and instants around it
            let n = [1, 5, 10][rng.below(3)] as i64;
            let ago = [1, 5, 10][rng.below(3)] as i64;
            for d in [-1, 0, 1] {
                if kind == Kind::Date {
                    pools.add(f, json!(date(n + d)));
                    let day = (n + ago + d + 1).clamp(1, 28);
                    for time in ["00:00:00", "23:59:59"] {
                        pools.add(AT, json!(format!("2026-01-{day:02}T{time}Z")));
                    }
                } else {
                    pools.add(f, json!(datetime(n + d)));
                    let sec = (n + d).clamp(0, 59);
                    pools.add(AT, json!(format!("2026-01-{:02}T10:00:{sec:02}Z", 1 + ago)));
                }
            }
            let dir = ["before", "after"][rng.below(2)];
            format!("{s} {dir} {ago} days ago")
        }
        Kind::Date | Kind::Datetime => {
            let ops = ["<", "<=", ">", ">=", "==", "!="];
            let op = *rng.pick(&ops);
            let n = [1, 5, 10][rng.below(3)] as i64;
            let show = |k: i64| {
                if kind == Kind::Date {
                    date(k)
                } else {
                    datetime(k)
                }
            };
            for d in [-1, 0, 1] {
                pools.add(f, json!(show(n + d)));
            }
            format!("{s} {op} \"{}\"", show(n))
        }
    }
}

/// A condition of one to three atoms; `own`: the field whose rules it is in
/// (bare `empty`/`set` may stand for it).
fn cond(rng: &mut Rng, pools: &mut Pools, own: Option<&'static str>, depth: u32) -> String {
    if depth < 2 && rng.pct(35) {
        let a = cond(rng, pools, own, depth + 1);
        let b = cond(rng, pools, own, depth + 1);
        let op = ["and", "or"][rng.below(2)];
        let c = format!("({a} {op} {b})");
        return if rng.pct(20) { format!("not {c}") } else { c };
    }
    match rng.below(12) {
        0 => format!("confidence >= {}", ["0.5", "0.8", "0.95"][rng.below(3)]),
        1 => format!("source == \"{}\"", ["web", "import"][rng.below(2)]),
        2 => {
            let e = ["create", "update", "delete"][rng.below(3)];
            format!("event {} {e}", ["==", "!="][rng.below(2)])
        }
        3 => {
            let (f, _) = *rng.pick(WRITABLE);
            format!("changed({f})")
        }
        4 => {
            if rng.pct(50) {
                atom(rng, pools, "Tier", Kind::Pick, "Account.")
                    .replace("\"a\"", "\"Gold\"")
                    .replace("\"b\"", "\"Silver\"")
                    .replace("\"c\"", "\"Gold\"")
            } else {
                atom(rng, pools, "Size", Kind::Int, "Account.")
            }
        }
        5 if own.is_some() => ["empty", "set"][rng.below(2)].to_string(),
        _ => {
            let (f, k) = *rng.pick(WRITABLE);
            let prefix = if rng.pct(30) { "new " } else { "" };
            atom(rng, pools, f, k, prefix)
        }
    }
}

fn rules(rng: &mut Rng, pools: &mut Pools, own: Option<(&'static str, &'static str)>) -> String {
    let n = 1 + rng.below(3);
    let mut out = Vec::new();
    for i in 0..n {
        let o = match own.map(|o| o.0) {
            Some("Locked") => "never",
            Some("Guarded") => OUTCOMES[1 + rng.below(4)],
            // `auto` often: ownership and loops need automatic writes
            _ if rng.pct(35) => "auto",
            _ => *rng.pick(OUTCOMES),
        };
        let last = i + 1 == n;
        if last && rng.pct(50) {
            out.push(o.to_string());
        } else {
            out.push(format!(
                "{o} when {}",
                cond(rng, pools, own.map(|o| o.1), 0)
            ));
        }
    }
    out.join(", ")
}

fn contract(rng: &mut Rng, pools: &mut Pools, i: usize) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "contract c{i} {{\n  object Lead\n  actor {}",
        rng.pick(ACTORS)
    );
    if rng.pct(30) {
        let m = ["read_only", "draft", "conditional_write", "automated_write"][rng.below(4)];
        let _ = writeln!(s, "  mode {m}");
    }
    let mut trig: Vec<String> = Vec::new();
    for _ in 0..1 + rng.below(2) {
        let t = match rng.below(6) {
            0 => "create".to_string(),
            1 | 2 => "update".to_string(),
            3 => {
                let (a, _) = *rng.pick(WRITABLE);
                let (b, _) = *rng.pick(WRITABLE);
                if a == b {
                    format!("update({a})")
                } else {
                    format!("update({a}, {b})")
                }
            }
            4 => "delete".to_string(),
            // causes that are not the contract's own record events
            _ => [
                "signal \"sourced\"",
                "schedule",
                "create of Account",
                "update(Tier) of Account",
            ][rng.below(4)]
            .to_string(),
        };
        if !trig.contains(&t) {
            trig.push(t);
        }
    }
    let _ = writeln!(s, "  trigger on {}", trig.join(", "));
    if rng.pct(50) {
        let _ = writeln!(s, "  eligible when {}", cond(rng, pools, None, 0));
    }
    for _ in 0..rng.below(2) {
        let _ = writeln!(s, "  exclude when {}", cond(rng, pools, None, 0));
    }
    if rng.pct(35) {
        s.push_str("  confidence {\n");
        let both = rng.pct(50);
        if both || rng.pct(50) {
            s.push_str("    auto   at least 0.8\n");
        }
        if both || rng.pct(50) {
            s.push_str("    review at least 0.5\n");
        }
        s.push_str("  }\n");
    }
    s.push_str("  fields {\n");
    let mut listed: Vec<&'static str> = Vec::new();
    for _ in 0..1 + rng.below(3) {
        let (f, _) = *rng.pick(WRITABLE);
        if listed.contains(&f) {
            continue;
        }
        listed.push(f);
        let _ = writeln!(s, "    {f}: {}", rules(rng, pools, Some((f, f))));
    }
    if rng.pct(40) {
        let _ = writeln!(s, "    *: {}", rules(rng, pools, None));
    }
    s.push_str("  }\n");
    s.push_str(
        "  approval {\n    review   by record.owner within 24h\n    escalate by role \"M\" within 4h\n  }\n",
    );
    s.push_str("}\n");
    s
}

struct Generated {
    text: String,
    /// Each contract's own text, to see which fields it names.
    contracts: Vec<String>,
    pools: Pools,
}

fn generate(seed: u64) -> Generated {
    let mut rng = Rng::new(seed);
    let mut pools = Pools::default();
    let n = 2 + rng.below(3);
    let mut text = SCHEMA.to_string();
    let mut contracts = Vec::new();
    for i in 0..n {
        let c = contract(&mut rng, &mut pools, i);
        text.push_str(&c);
        contracts.push(c);
    }
    for (f, k) in WRITABLE {
        pools.add(f, Value::Null);
        match k {
            Kind::Pick => ["a", "b", "c"].iter().for_each(|v| pools.add(f, json!(v))),
            Kind::Multi => ["x", "x;y", "y;x", "x;y;z", "z"]
                .iter()
                .for_each(|v| pools.add(f, json!(v))),
            Kind::Bool => [true, false].iter().for_each(|v| pools.add(f, json!(v))),
            Kind::Str | Kind::Email => {
                pools.add(f, json!(""));
                pools.add(f, json!("q"));
            }
            Kind::Int | Kind::Num => pools.add(f, json!(0)),
            Kind::Date => pools.add(f, json!(date(0))),
            Kind::Datetime => pools.add(f, json!(datetime(0))),
        }
    }
    pools.add("Tier", json!("Gold"));
    pools.add("Tier", json!("Silver"));
    pools.add("Tier", Value::Null);
    pools.add("Size", Value::Null);
    for v in [0, 10] {
        pools.add("Size", json!(v));
    }
    Generated {
        text,
        contracts,
        pools,
    }
}

fn pick_value(rng: &mut Rng, pools: &Pools, f: &str) -> Value {
    pools
        .0
        .get(f)
        .map_or(Value::Null, |vs| rng.pick(vs).clone())
}

/// `local@domain.tld` as the evaluator reads an email (trimmed).
fn is_email(s: &str) -> bool {
    let s = s.trim();
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && domain.split('.').all(|l| !l.is_empty())
                && !s.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

/// A complete record (every Lead field) and its parent.
fn record(rng: &mut Rng, pools: &Pools) -> (Value, Value) {
    let mut record = Map::new();
    record.insert("Id".into(), json!("L1"));
    record.insert("AccountId".into(), json!("A1"));
    for (f, k) in WRITABLE {
        let mut v = pick_value(rng, pools, f);
        // A record value read by a condition must fit its field, or it is
        // unknown (at least `review`): not a complete record. The pools
        // hold the contracts' literals, some of which are no addresses.
        if *k == Kind::Email
            && v.as_str()
                .is_some_and(|s| !s.trim().is_empty() && !is_email(s))
        {
            v = json!("a@x.example");
        }
        record.insert((*f).into(), v);
    }
    let (tier, size) = (
        pick_value(rng, pools, "Tier"),
        pick_value(rng, pools, "Size"),
    );
    let parents = json!({"Account": {"Id": "A1", "Tier": tier, "Size": size}});
    (Value::Object(record), parents)
}

/// A complete mutation of one of `records` without its actor; the actor is
/// set per contract. Few records, so that ownership pairs meet on one.
fn mutation(
    rng: &mut Rng,
    pools: &Pools,
    records: &[(Value, Value)],
    listed: &[&'static str],
) -> Value {
    let event = ["create", "update", "update", "delete"][rng.below(4)];
    let (record, parents) = rng.pick(records).clone();
    let mut changes = Map::new();
    if event != "delete" {
        for _ in 0..1 + rng.below(3) {
            // mostly fields some contract lists
            let f = if !listed.is_empty() && rng.pct(70) {
                *rng.pick(listed)
            } else {
                rng.pick(WRITABLE).0
            };
            changes.insert(f.into(), pick_value(rng, pools, f));
        }
    }
    let source = ["web", "import"][rng.below(2)];
    let conf = [
        "0.49", "0.5", "0.51", "0.79", "0.8", "0.81", "0.94", "0.95", "1",
    ][rng.below(9)];
    // what started the automation: often the write itself (no key)
    let cause = match rng.below(10) {
        0 => Some(json!({"event": "create"})),
        1 => Some(json!({"event": "update", "fields": [rng.pick(WRITABLE).0]})),
        2 => Some(json!({"event": "signal", "name": "sourced"})),
        3 => Some(json!({"event": "schedule"})),
        4 => Some(json!({"event": "create", "object": "Account"})),
        5 => Some(json!({"event": "update", "object": "Account", "fields": ["Tier"]})),
        _ => None,
    };
    let mut m = json!({
        "object": "Lead",
        "event": event,
        "actor": {"kind": "ai", "name": "x"},
        "confidence": conf.parse::<f64>().unwrap(),
        "source": source,
        "at": match pools.0.get(AT) {
            Some(ats) if rng.pct(80) => rng.pick(ats).clone(),
            _ => json!("2026-01-15T00:00:00Z"),
        },
        "record": record,
        "parents": parents,
        "changes": changes,
    });
    if let Some(c) = cause {
        m["trigger"] = c;
    }
    m
}

/// The mutation with an actor every contract in `cs` matches.
fn with_actor(m: &Value, cs: &[&Contract]) -> Value {
    let mut m = m.clone();
    let kind = cs[0].actor.kind.as_str();
    let name = cs
        .iter()
        .find_map(|c| c.actor.name.clone())
        .unwrap_or_else(|| "z".into());
    m["actor"] = json!({"kind": kind, "name": name});
    m
}

struct Facts {
    conflicts: BTreeSet<(usize, usize, FieldId)>,
    ownership: BTreeSet<(usize, usize, FieldId)>,
    gaps: BTreeSet<(usize, usize)>,
    never_decide: BTreeSet<(usize, String)>,
    dead: BTreeMap<usize, bool>,
    auto_loops: Vec<BTreeSet<usize>>,
    warned_loops: Vec<BTreeSet<usize>>,
}

fn facts(u: &CheckedUnit) -> Facts {
    let mut f = Facts {
        conflicts: BTreeSet::new(),
        ownership: BTreeSet::new(),
        gaps: BTreeSet::new(),
        never_decide: BTreeSet::new(),
        dead: BTreeMap::new(),
        auto_loops: Vec::new(),
        warned_loops: Vec::new(),
    };
    for x in analyze::findings::all_findings(u) {
        match x {
            Finding::Conflict { a, b, field, .. } => {
                f.conflicts.insert((a.min(b), a.max(b), field));
            }
            Finding::Ownership { a, b, field, .. } => {
                f.ownership.insert((a.min(b), a.max(b), field));
            }
            Finding::Gap { contract, line, .. } => {
                f.gaps.insert((contract, line));
            }
            Finding::Shadowed { contract, rule, .. } | Finding::DeadRule { contract, rule, .. } => {
                if let Some(n) = rule_name(u, contract, &rule) {
                    f.never_decide.insert((contract, n));
                }
            }
            Finding::DeadContract {
                contract,
                all_excluded,
                ..
            } => {
                f.dead.insert(contract, all_excluded);
            }
            Finding::Loop {
                cycle,
                all_auto,
                others,
                ..
            } => {
                let mut s: BTreeSet<usize> = cycle.iter().map(|(c, _)| *c).collect();
                for (c, _) in &others {
                    s.extend(c.iter().map(|(c, _)| *c));
                }
                if all_auto {
                    f.auto_loops.push(s);
                } else {
                    f.warned_loops.push(s);
                }
            }
            _ => {}
        }
    }
    f
}

/// Counts over a run, reported at the end.
#[derive(Default, Debug)]
struct Counts {
    units: usize,
    rejected: usize,
    mutations: usize,
    witnesses: usize,
    conflicts: usize,
    ownership: usize,
    gaps: usize,
    cycles: usize,
    incomplete: usize,
    /// Mutations skipped by the complete-input checks: a change whose
    /// value does not fit its field.
    misfit_changes: usize,
    /// Units with a relative date (`… days ago`).
    relative_dates: usize,
}

fn field_decision<'d>(d: &'d Decision, f: &str) -> Option<&'d crmc_eval::FieldDecision> {
    d.fields.get(f)
}

fn outcome_of(fd: &crmc_eval::FieldDecision) -> String {
    serde_json::to_value(fd.outcome)
        .unwrap()
        .as_str()
        .unwrap()
        .to_string()
}

fn triggered_by(c: &Contract, f: FieldId) -> bool {
    c.triggers.iter().any(|t| match t {
        Trigger::Update(None) => true,
        Trigger::Update(Some(fs)) => fs.contains(&f),
        _ => false,
    })
}

/// Whether contract text `c` names field `f` outside its `trigger` line
/// (a trigger's fields are the cause's, not the write's: they do not set a
/// field apart from the ones a `*` rule decides alike).
fn names(c: &str, f: &str) -> bool {
    c.lines()
        .filter(|l| !l.trim_start().starts_with("trigger "))
        .flat_map(|l| l.split(|ch: char| !ch.is_ascii_alphanumeric() && ch != '_'))
        .any(|w| w == f)
}

/// The fields a pair finding about `f` may be reported on: `f`, or — when
/// neither contract names `f` — any field neither names with the same
/// readonly/protected attributes (a `*` rule decides those alike; the
/// analyzer reports one representative of the class).
fn stand_ins(u: &CheckedUnit, texts: [&str; 2], f: FieldId) -> Vec<FieldId> {
    let name = |g: FieldId| u.schema.field(g).name.clone();
    let unnamed = |g: FieldId| texts.iter().all(|t| !names(t, &name(g)));
    if !unnamed(f) {
        return vec![f];
    }
    let fd = u.schema.field(f);
    let obj = u.schema.object(f.object);
    (0..obj.fields.len() as u32)
        .map(|index| FieldId {
            object: f.object,
            index,
        })
        .filter(|&g| {
            let gd = u.schema.field(g);
            unnamed(g) && gd.readonly == fd.readonly && gd.protected == fd.protected
        })
        .collect()
}

fn check_unit(seed: u64, muts: usize, counts: &mut Counts) {
    let g = generate(seed);
    if seed_from_env() == Some(seed) {
        eprintln!("oracle: the unit of seed {seed}:\n{}", g.text);
    }
    let provider = MemoryProvider::new().with("u.crmc", g.text.clone());
    let front = pipeline::run(&[PathBuf::from("u.crmc")], &provider, Depth::Check).unwrap();
    let Some(u) = front.checked else {
        counts.rejected += 1;
        return;
    };
    counts.units += 1;
    let text = &g.text;
    if text.contains(" days ago") {
        counts.relative_dates += 1;
    }
    // Every witness value fits its field (the analyzer's domains are the
    // evaluator's, decisions 5): a misfit proposed value decides `never`
    // without any contract, so such a witness shows nothing it claims.
    let full = crmc::compile::compile(&u).unwrap();
    let fits = |w: &Value| {
        let d = decide(&full, w);
        for (name, fd) in &d.fields {
            let misfit = fd
                .reasons
                .iter()
                .find(|r| r.starts_with("proposed value of `"));
            assert!(
                misfit.is_none(),
                "witness value of `{name}` does not fit its field: {misfit:?}\n{w}\n{text}"
            );
        }
        true
    };
    counts.witnesses += confirm_where(text, &u, fits);
    let facts = facts(&u);
    let tables: Vec<Table> = (0..u.contracts.len()).map(|i| alone(&u, i)).collect();
    let n = u.contracts.len();
    let lead = u.contracts[0].object;
    let fid = |name: &str| u.schema.field_by_name(lead, name).unwrap();
    let mut rng = Rng::new(seed ^ 0x5eed);
    // (record, field) -> contracts auto-writing it for their own actor
    let mut autos: BTreeMap<(String, FieldId), BTreeSet<usize>> = BTreeMap::new();
    let mut auto_writes: BTreeSet<(usize, FieldId)> = BTreeSet::new();
    let listed: Vec<&'static str> = WRITABLE
        .iter()
        .map(|(f, _)| *f)
        .filter(|f| {
            g.contracts
                .iter()
                .any(|c| c.contains(&format!("    {f}: ")))
        })
        .collect();
    let records: Vec<(Value, Value)> = (0..6).map(|_| record(&mut rng, &g.pools)).collect();
    for _ in 0..muts {
        let base = mutation(&mut rng, &g.pools, &records, &listed);
        counts.mutations += 1;
        // A proposed value that does not fit its field is never written,
        // and conditions reading it see an unknown (at least `review`): not
        // a complete input, which findings are about (decisions 9).
        let probe = decide(&full, &with_actor(&base, &[&u.contracts[0]]));
        if probe.fields.values().any(|fd| {
            fd.reasons
                .iter()
                .any(|r| r.starts_with("proposed value of `"))
        }) {
            counts.misfit_changes += 1;
            continue;
        }
        let changed: Vec<String> = base["changes"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        for i in 0..n {
            let c = &u.contracts[i];
            let m = with_actor(&base, &[c]);
            let d = decide(&tables[i], &m);
            let here = |fd: &crmc_eval::FieldDecision| fd.contract.as_deref() == Some(&c.name);
            for (name, fd) in &d.fields {
                if let Some(all_excluded) = facts.dead.get(&i) {
                    if *all_excluded {
                        assert_eq!(
                            outcome_of(fd),
                            "never",
                            "`{}` reported all-excluded lets `{name}` through\n{text}\n{m}",
                            c.name
                        );
                    } else {
                        assert!(!here(fd), "`{}` reported dead applies\n{text}\n{m}", c.name);
                    }
                }
                if let Some(r) = &fd.rule {
                    assert!(
                        !facts.never_decide.contains(&(i, r.clone())),
                        "rule `{r}` of `{}` reported shadowed/dead decides `{name}`\n{text}\n{m}",
                        c.name
                    );
                }
            }
            for name in &changed {
                let Some(fd) = field_decision(&d, name) else {
                    continue;
                };
                if !here(fd) {
                    continue;
                }
                let f = fid(name);
                let excluded = fd.reasons.iter().any(|r| r.contains("exclusion"));
                if let Some(line) = c.fields.iter().position(|l| l.field == f) {
                    if fd.rule.is_none() && !excluded {
                        counts.gaps += 1;
                        assert!(
                            facts.gaps.contains(&(i, line)),
                            "gap missed: `{}` on `{name}`\n{text}\n{m}",
                            c.name
                        );
                    }
                }
                if outcome_of(fd) == "auto" {
                    auto_writes.insert((i, f));
                    if base["event"] == "update" {
                        let key = format!("{}{}", base["record"], base["parents"]);
                        autos.entry((key, f)).or_default().insert(i);
                    }
                }
            }
        }
        // the scope notes' claim (decisions 9): without the parent record a
        // decision is the complete one's or at least `review`
        {
            let m = with_actor(&base, &[&u.contracts[0]]);
            let mut bare = m.clone();
            bare["parents"] = json!({});
            let rank = |d: &Decision| {
                ["auto", "review", "escalate", "suggest", "never"]
                    .iter()
                    .position(|o| serde_json::to_value(d.outcome).unwrap() == *o)
                    .unwrap()
            };
            let (whole, part) = (decide(&full, &m), decide(&full, &bare));
            counts.incomplete += 1;
            assert!(
                rank(&part) >= rank(&whole).min(1),
                "without its parent the unit decides more permissively\n{text}\n{m}"
            );
        }
        // conflicts: two contracts one actor can meet, deciding differently
        for a in 0..n {
            for b in a + 1..n {
                let (ca, cb) = (&u.contracts[a], &u.contracts[b]);
                if !compatible(ca, cb) {
                    continue;
                }
                let m = with_actor(&base, &[ca, cb]);
                let (da, db) = (decide(&tables[a], &m), decide(&tables[b], &m));
                for name in &changed {
                    let (Some(x), Some(y)) = (field_decision(&da, name), field_decision(&db, name))
                    else {
                        continue;
                    };
                    let applies = x.contract.as_deref() == Some(&ca.name)
                        && y.contract.as_deref() == Some(&cb.name);
                    if applies && x.outcome != y.outcome {
                        counts.conflicts += 1;
                        let texts = [g.contracts[a].as_str(), g.contracts[b].as_str()];
                        assert!(
                            stand_ins(&u, texts, fid(name))
                                .iter()
                                .any(|h| facts.conflicts.contains(&(a, b, *h))),
                            "conflict missed: `{}` {} vs `{}` {} on `{name}`\n{text}\n{m}",
                            ca.name,
                            outcome_of(x),
                            cb.name,
                            outcome_of(y)
                        );
                    }
                }
            }
        }
    }
    // ownership: two automations auto-writing one field of one record
    for ((_, f), cs) in &autos {
        let cs: Vec<usize> = cs.iter().copied().collect();
        for (k, &a) in cs.iter().enumerate() {
            for &b in &cs[k + 1..] {
                if compatible(&u.contracts[a], &u.contracts[b]) {
                    continue;
                }
                counts.ownership += 1;
                let texts = [g.contracts[a].as_str(), g.contracts[b].as_str()];
                assert!(
                    stand_ins(&u, texts, *f)
                        .iter()
                        .any(|h| facts.ownership.contains(&(a, b, *h))),
                    "ownership missed: `{}` and `{}` both auto-write `{}`\n{text}",
                    u.contracts[a].name,
                    u.contracts[b].name,
                    u.schema.field(*f).name
                );
            }
        }
    }
    // loops: the sampled trigger graph (a auto-wrote f, b starts on f)
    let same =
        |a: &Contract, b: &Contract| a.actor.kind == b.actor.kind && a.actor.name == b.actor.name;
    let mut reach = vec![vec![false; n]; n];
    for &(a, f) in &auto_writes {
        for (b, cb) in u.contracts.iter().enumerate() {
            let ca = &u.contracts[a];
            if a != b && !same(ca, cb) && triggered_by(cb, f) && !facts.dead.contains_key(&b) {
                reach[a][b] = true;
            }
        }
    }
    for k in 0..n {
        for i in 0..n {
            for j in 0..n {
                if reach[i][k] && reach[k][j] {
                    reach[i][j] = true;
                }
            }
        }
    }
    for a in 0..n {
        if reach[a][a] {
            counts.cycles += 1;
            let scc: BTreeSet<usize> = (0..n).filter(|&b| reach[a][b] && reach[b][a]).collect();
            assert!(
                facts.auto_loops.iter().any(|l| scc.is_subset(l)),
                "all-auto cycle through `{}` not an error (warned: {:?})\n{text}",
                u.contracts[a].name,
                facts.warned_loops
            );
        }
    }
}

static TOTAL: std::sync::Mutex<Option<Counts>> = std::sync::Mutex::new(None);

/// Mutations per unit.
const MUTATIONS: usize = 40;

/// `CRMC_ORACLE_SEED=S` reruns the one unit of seed S.
fn seed_from_env() -> Option<u64> {
    std::env::var("CRMC_ORACLE_SEED").ok()?.parse().ok()
}

fn units() -> u32 {
    if seed_from_env().is_some() {
        return 1;
    }
    std::env::var("CRMC_ORACLE_UNITS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(120)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: units(), max_shrink_iters: 0, ..ProptestConfig::default() })]
    #[test]
    fn analyzer_agrees_with_the_evaluator(seed in any::<u64>()) {
        let mut total = TOTAL.lock().unwrap();
        let counts = total.get_or_insert_with(Counts::default);
        let seed = seed_from_env().unwrap_or(seed);
        let started = std::time::Instant::now();
        check_unit(seed, MUTATIONS, counts);
        // A slow unit is a finding in itself (analysis time is a resource
        // an input can exhaust): name its seed so it can be rerun alone.
        let took = started.elapsed();
        if took.as_secs() >= 5 {
            eprintln!("oracle: seed {seed} took {took:?} (rerun: CRMC_ORACLE_SEED={seed})");
        }
        let done = (counts.units + counts.rejected) as u32;
        if done.is_multiple_of(500) || done == units() {
            eprintln!("oracle: {counts:?}");
        }
    }
}

/// The generator makes units the checker accepts and samples that reach
/// every kind of assertion (so the property above cannot pass vacuously).
#[test]
fn the_oracle_reaches_every_assertion() {
    let mut counts = Counts::default();
    for seed in 0..40u64 {
        check_unit(seed, MUTATIONS, &mut counts);
    }
    eprintln!("oracle counts: {counts:?}");
    assert!(counts.units >= 30, "{counts:?}");
    assert!(counts.witnesses > 0 && counts.conflicts > 0, "{counts:?}");
    assert!(counts.gaps > 0 && counts.ownership > 0, "{counts:?}");
    assert!(counts.relative_dates > 0, "{counts:?}");
}
