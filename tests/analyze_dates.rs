//! Relative dates are analysed at every mutation time, not at one fixed
//! instant: `F before N days ago` is a difference constraint between the
//! record's date and the mutation's `at`, decided exactly. Each answer here
//! is held against the real evaluator: witnesses decide as claimed, and a
//! boundary-dense grid of record dates and `at` instants (several days around
//! every boundary, several times of day) agrees with the analyzer's conflict,
//! dead and shadowed answers.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use crmc::analyze::{self, chain::RuleRef, Finding};
use crmc::check::model::CheckedUnit;
use crmc::pipeline::{self, Depth};
use crmc::source::MemoryProvider;
use crmc_eval::{Decision, Mutation, Table};
use serde_json::{json, Value};
use std::path::PathBuf;

const SCHEMA: &str = r#"
schema demo {
  object Lead {
    Id:       id        readonly
    Seen:     date
    Touched:  datetime
    Rating:   picklist("Hot", "Warm", "Cold")
  }
}
"#;

/// A contract for ai "alim" with every hygiene block, so the only findings
/// are about its conditions.
fn contract(name: &str, eligible: Option<&str>, rules: &str) -> String {
    let eligible = eligible.map_or(String::new(), |e| format!("  eligible when {e}\n"));
    format!(
        r#"
contract {name} {{
  object Lead
  actor ai "alim"
  trigger on update
{eligible}  exclude when Rating == "Cold"
  fields {{
    Rating: {rules}
  }}
  approval {{
    review   by record.owner within 24h
    escalate by role "Sales Manager" within 4h
  }}
  audit record_id, contract, version, trigger, field, old_value, new_value, source, confidence,
        timestamp, actor
  rollback {{
    keep previous values for 90d
    notify record.owner
  }}
}}
"#
    )
}

fn unit(contracts: &[String]) -> CheckedUnit {
    let text = format!("{SCHEMA}{}", contracts.concat());
    let provider = MemoryProvider::new().with("dates.crmc", text.clone());
    let front = pipeline::run(&[PathBuf::from("dates.crmc")], &provider, Depth::Check).unwrap();
    front
        .checked
        .unwrap_or_else(|| panic!("unit checks: {:?}\n{text}", front.diagnostics))
}

/// The unit with only contract `i`, compiled.
fn alone(unit: &CheckedUnit, i: usize) -> Table {
    let mut one = unit.clone();
    one.contracts = vec![unit.contracts[i].clone()];
    crmc::compile::compile(&one).unwrap()
}

fn decide(table: &Table, m: &Value) -> Decision {
    table
        .decide(&Mutation::from_value(m).unwrap_or_else(|e| panic!("bad mutation {m}: {e}")))
        .unwrap()
}

/// `(outcome, deciding contract, deciding rule)` for `Rating`.
fn rating(d: &Decision) -> (String, Option<String>, Option<String>) {
    let fd = d.fields.get("Rating").expect("a decision for Rating");
    let o = serde_json::to_value(fd.outcome).unwrap();
    (
        o.as_str().unwrap().to_string(),
        fd.contract.clone(),
        fd.rule.clone(),
    )
}

/// An update of `Rating` from "Warm" to "Hot" on a record with these dates.
fn mutation(seen: Option<&str>, touched: Option<&str>, at: &str) -> Value {
    json!({
        "object": "Lead",
        "event": "update",
        "actor": {"kind": "ai", "name": "alim"},
        "confidence": 1,
        "source": "test",
        "at": at,
        "record": {"Id": "W0000000000001", "Seen": seen, "Touched": touched, "Rating": "Warm"},
        "parents": {},
        "changes": {"Rating": "Hot"},
    })
}

/// Days since the epoch of `YYYY-MM-DD`, and back.
fn days(s: &str) -> i64 {
    let (y, rest) = s.split_at(4);
    let y: i64 = y.parse().unwrap();
    let m: i64 = rest[1..3].parse().unwrap();
    let d: i64 = rest[4..6].parse().unwrap();
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn date_text(days: i64) -> String {
    analyze::witness::date_text(days)
}

fn secs_text(secs: i64) -> String {
    analyze::witness::datetime_text(secs)
}

/// `at` of a witness, in seconds (the analyzer writes `...Z`).
fn at_secs(w: &Value) -> i64 {
    let at = w["at"].as_str().expect("a witness has `at`");
    let day = days(&at[0..10]);
    let h: i64 = at[11..13].parse().unwrap();
    let m: i64 = at[14..16].parse().unwrap();
    let s: i64 = at[17..19].parse().unwrap();
    assert!(at.ends_with('Z'), "{at}");
    day * 86_400 + h * 3600 + m * 60 + s
}

/// Checks a conflict witness against the evaluator: both contracts apply,
/// each decides its claimed outcome, the unit decides the stricter.
fn confirm_conflict(unit: &CheckedUnit, f: &Finding) {
    let Finding::Conflict {
        a,
        b,
        a_outcome,
        b_outcome,
        witness,
        ..
    } = f
    else {
        panic!("not a conflict: {f:?}");
    };
    let witness = witness.as_ref().expect("a confirmed conflict");
    for (i, o) in [(*a, *a_outcome), (*b, *b_outcome)] {
        let (got, by, _) = rating(&decide(&alone(unit, i), witness));
        assert_eq!(
            by.as_deref(),
            Some(unit.contracts[i].name.as_str()),
            "{witness}"
        );
        assert_eq!(got, o.as_str(), "{witness}");
    }
    let full = crmc::compile::compile(unit).unwrap();
    let (got, _, _) = rating(&decide(&full, witness));
    assert_eq!(got, a_outcome.max(b_outcome).as_str(), "{witness}");
}

fn conflicts(unit: &CheckedUnit) -> Vec<Finding> {
    analyze::findings(unit)
        .into_iter()
        .filter(|f| matches!(f, Finding::Conflict { .. }))
        .collect()
}

#[test]
fn before_30_days_ago_meets_a_fixed_date_when_at_is_after_july() {
    let u = unit(&[
        contract("stale", Some("Seen before 30 days ago"), "auto"),
        contract("recent", Some(r#"Seen > "2026-06-01""#), "review"),
    ]);
    let found = conflicts(&u);
    assert_eq!(found.len(), 1, "{found:?}");
    confirm_conflict(&u, &found[0]);
    let Finding::Conflict {
        witness: Some(witness),
        ..
    } = &found[0]
    else {
        unreachable!()
    };
    // Seen > 2026-06-01 and Seen < day(at) - 30: day(at) >= 2026-07-03
    assert!(
        at_secs(witness) >= days("2026-07-03") * 86_400,
        "the witness's `at` is after July: {witness}"
    );
    // exact now: no "approximate" note on the rendered finding
    let text = format!("{:?}", analyze::analyze(&u));
    assert!(!text.contains("approximate"), "{text}");
}

#[test]
fn a_datetime_boundary_at_a_later_time_is_a_conflict() {
    let u = unit(&[
        contract("old", Some("Touched before 1 days ago"), "auto"),
        contract(
            "late",
            Some(r#"Touched > "2026-06-01T12:00:00Z""#),
            "review",
        ),
    ]);
    let found = conflicts(&u);
    assert_eq!(found.len(), 1, "{found:?}");
    confirm_conflict(&u, &found[0]);
}

#[test]
fn pairs_disjoint_at_every_instant_are_not_reported() {
    for (x, y) in [
        ("Seen before 30 days ago", "Seen after 30 days ago"),
        ("Seen before 30 days ago", "Seen after 31 days ago"),
        ("Touched before 1 days ago", "Touched after 1 days ago"),
        (
            // day(at) > 2026-06-01 but at < 2026-06-01T23:00: the two clocks
            // are one instant
            r#"Seen == "2026-06-01" and Seen before 0 days ago"#,
            r#"Touched == "2026-06-01T23:00:00Z" and Touched after 0 days ago"#,
        ),
    ] {
        let u = unit(&[
            contract("a", Some(x), "auto"),
            contract("b", Some(y), "review"),
        ]);
        assert!(conflicts(&u).is_empty(), "{x} vs {y}: {:?}", conflicts(&u));
    }
    // the same pair one hour later does meet, at 2026-06-02T00:xx
    let u = unit(&[
        contract(
            "a",
            Some(r#"Seen == "2026-06-01" and Seen before 0 days ago"#),
            "auto",
        ),
        contract(
            "b",
            Some(r#"Touched == "2026-06-02T01:00:00Z" and Touched after 0 days ago"#),
            "review",
        ),
    ]);
    let found = conflicts(&u);
    assert_eq!(found.len(), 1, "{found:?}");
    confirm_conflict(&u, &found[0]);
    let Finding::Conflict {
        witness: Some(witness),
        ..
    } = &found[0]
    else {
        unreachable!()
    };
    let at = at_secs(witness);
    assert!(at >= days("2026-06-02") * 86_400 && at < days("2026-06-02") * 86_400 + 3600);
}

fn shadowed(unit: &CheckedUnit) -> Vec<RuleRef> {
    analyze::findings(unit)
        .into_iter()
        .filter_map(|f| match f {
            Finding::Shadowed { rule, .. } => Some(rule),
            _ => None,
        })
        .collect()
}

fn dead_rules(unit: &CheckedUnit) -> Vec<RuleRef> {
    analyze::findings(unit)
        .into_iter()
        .filter_map(|f| match f {
            Finding::DeadRule { rule, .. } => Some(rule),
            _ => None,
        })
        .collect()
}

#[test]
fn shadowing_holds_only_when_it_holds_at_every_instant() {
    // at 2026-01-01 `before 30 days ago` covers `< 2025-11-01`; at
    // 2025-11-15 it does not (Seen 2025-10-20 is before Nov 1, not before
    // Oct 16), so the second rule decides there
    let u = unit(&[contract(
        "a",
        None,
        r#"auto when Seen before 30 days ago, review when Seen < "2025-11-01""#,
    )]);
    assert!(shadowed(&u).is_empty(), "{:?}", shadowed(&u));
    let m = mutation(Some("2025-10-20"), None, "2025-11-15T12:00:00Z");
    let (_, _, rule) = rating(&decide(&alone(&u, 0), &m));
    assert_eq!(rule.as_deref(), Some("Rating#2"));
    // `before 60 days ago` implies `before 30 days ago` at every instant
    let u = unit(&[contract(
        "a",
        None,
        "auto when Seen before 30 days ago, review when Seen before 60 days ago",
    )]);
    assert_eq!(shadowed(&u), vec![RuleRef::Line(0, 1)]);
}

#[test]
fn dead_rules_are_dead_at_every_instant_and_only_then() {
    // dead at 2026-01-01, alive once at is after July
    let u = unit(&[contract(
        "a",
        None,
        r#"auto when Seen before 30 days ago and Seen > "2026-06-01", review"#,
    )]);
    assert!(dead_rules(&u).is_empty(), "{:?}", dead_rules(&u));
    // never: Seen < day(at) - 30 and Seen > day(at) - 29
    let u = unit(&[contract(
        "a",
        None,
        "auto when Seen before 30 days ago and Seen after 29 days ago, review",
    )]);
    assert_eq!(dead_rules(&u), vec![RuleRef::Line(0, 0)]);
    // beyond the calendar the evaluator reads: never
    let u = unit(&[contract(
        "a",
        None,
        "auto when Seen before 4000000 days ago, review",
    )]);
    assert_eq!(dead_rules(&u), vec![RuleRef::Line(0, 0)]);
}

/// The conditions the grid combines: relative and absolute, on a date and
/// a datetime, negated, mixed, dead at every instant, dead at one.
const CONDS: &[&str] = &[
    "Seen before 30 days ago",
    "Seen after 30 days ago",
    "Seen before 0 days ago",
    "Seen after 1 days ago",
    r#"Seen > "2026-06-01""#,
    r#"Seen <= "2026-06-05""#,
    r#"Seen == "2026-06-03""#,
    "not (Seen before 3 days ago)",
    "Touched before 1 days ago",
    "Touched after 0 days ago",
    r#"Touched > "2026-06-01T12:00:00Z""#,
    r#"Touched < "2026-06-03T00:00:00Z""#,
    "Seen after 2 days ago and Touched before 1 days ago",
    r#"Seen before 30 days ago and Seen > "2026-06-01""#,
    "Seen before 30 days ago and Seen after 29 days ago",
];

/// The boundaries a set of conditions has: per field, the `N` of its
/// relative dates and its constants (days for `Seen`, seconds for
/// `Touched`).
#[derive(Default)]
struct Marks {
    seen_n: Vec<i64>,
    touched_n: Vec<i64>,
    seen_c: Vec<i64>,
    touched_c: Vec<i64>,
}

fn secs(s: &str) -> i64 {
    let h: i64 = s[11..13].parse().unwrap();
    let m: i64 = s[14..16].parse().unwrap();
    let x: i64 = s[17..19].parse().unwrap();
    days(&s[0..10]) * 86_400 + h * 3600 + m * 60 + x
}

fn marks(conds: &[&str]) -> Marks {
    let mut m = Marks::default();
    for c in conds {
        let text = c.replace(['(', ')'], " ");
        let t: Vec<&str> = text.split_whitespace().collect();
        for (i, tok) in t.iter().enumerate() {
            if *tok == "days" && i >= 3 {
                let n: i64 = t[i - 1].parse().unwrap();
                match t[i - 3] {
                    "Seen" => m.seen_n.push(n),
                    _ => m.touched_n.push(n),
                }
            } else if let Some(v) = tok.strip_prefix('"') {
                let v = v.trim_end_matches('"');
                match t[i - 2] {
                    "Seen" => m.seen_c.push(days(v)),
                    _ => m.touched_c.push(secs(v)),
                }
            }
        }
    }
    m
}

/// `at` instants around every boundary: days `c + N + k` for each constant
/// `c` (and a reference day), each `N` (and 0), `k` in -2..=2; at the
/// first, second and last seconds of the day and around noon (the
/// datetime constants are at midnight and noon).
fn ats(m: &Marks) -> Vec<i64> {
    let mut cs: Vec<i64> = vec![days("2026-06-01")];
    cs.extend(&m.seen_c);
    cs.extend(m.touched_c.iter().map(|s| s.div_euclid(86_400)));
    let mut ns: Vec<i64> = vec![0];
    ns.extend(&m.seen_n);
    ns.extend(&m.touched_n);
    let mut ds: Vec<i64> = Vec::new();
    for c in &cs {
        for n in &ns {
            ds.extend((-2..=2).map(|k| c + n + k));
        }
    }
    ds.sort_unstable();
    ds.dedup();
    let mut out = Vec::new();
    for d in ds {
        for t in [0, 1, 43_199, 43_200, 43_201, 86_399] {
            out.push(d * 86_400 + t);
        }
    }
    out
}

/// Record values dense at every boundary for one `at`: dates at each
/// constant ±1 and at `day(at) - N` ±1, datetimes at each constant ±1 s and
/// at `at - N days` ±1 s, and empty; a field not read stays empty.
fn values(
    m: &Marks,
    at: i64,
    reads_seen: bool,
    reads_touched: bool,
) -> Vec<(Option<String>, Option<String>)> {
    let at_day = at.div_euclid(86_400);
    let mut seens: Vec<Option<String>> = vec![None];
    if reads_seen {
        let mut v: Vec<i64> = Vec::new();
        for c in &m.seen_c {
            v.extend([-1, 0, 1].map(|k| c + k));
        }
        for n in &m.seen_n {
            v.extend([-1, 0, 1].map(|k| at_day - n + k));
        }
        v.sort_unstable();
        v.dedup();
        seens.extend(v.into_iter().map(|x| Some(date_text(x))));
    }
    let mut toucheds: Vec<Option<String>> = vec![None];
    if reads_touched {
        let mut v: Vec<i64> = Vec::new();
        for c in &m.touched_c {
            v.extend([-1, 0, 1].map(|k| c + k));
        }
        for n in &m.touched_n {
            v.extend([-1, 0, 1].map(|k| at - n * 86_400 + k));
        }
        v.sort_unstable();
        v.dedup();
        toucheds.extend(v.into_iter().map(|x| Some(secs_text(x))));
    }
    let mut out = Vec::new();
    for s in &seens {
        for t in &toucheds {
            out.push((s.clone(), t.clone()));
        }
    }
    out
}

fn reads(cond: &str) -> (bool, bool) {
    (cond.contains("Seen"), cond.contains("Touched"))
}

/// The grid points (for one `at`) where the contract applies, over the
/// fields its condition reads.
fn applying(t: &Table, m: &Marks, cond: &str, at: i64) -> Vec<(Option<String>, Option<String>)> {
    let (rs, rt) = reads(cond);
    values(m, at, rs, rt)
        .into_iter()
        .filter(|(s, tt)| {
            let w = mutation(s.as_deref(), tt.as_deref(), &secs_text(at));
            rating(&decide(t, &w)).1.is_some()
        })
        .collect()
}

#[test]
fn conflicts_and_dead_contracts_agree_with_the_evaluator_on_a_boundary_grid() {
    let mut checked = 0;
    for (i, x) in CONDS.iter().enumerate() {
        for y in &CONDS[i..] {
            let u = unit(&[
                contract("a", Some(x), "auto"),
                contract("b", Some(y), "review"),
            ]);
            let (ta, tb) = (alone(&u, 0), alone(&u, 1));
            let findings = analyze::findings(&u);
            let reported = findings
                .iter()
                .find(|f| matches!(f, Finding::Conflict { .. }));
            if let Some(f) = reported {
                confirm_conflict(&u, f);
            }
            let dead = |k: usize| {
                findings
                    .iter()
                    .any(|f| matches!(f, Finding::DeadContract { contract, .. } if *contract == k))
            };
            let ((xs, xt), (ys, yt)) = (reads(x), reads(y));
            let (mut a_applies, mut b_applies) = (false, false);
            let mk = marks(&[x, y]);
            for at in ats(&mk) {
                let pa = applying(&ta, &mk, x, at);
                let pb = applying(&tb, &mk, y, at);
                a_applies |= !pa.is_empty();
                b_applies |= !pb.is_empty();
                checked += 1;
                // one record both apply to: the fields both read agree
                let meet = pa.iter().find_map(|p| {
                    pb.iter()
                        .find(|q| (!(xs && ys) || p.0 == q.0) && (!(xt && yt) || p.1 == q.1))
                        .map(|q| (p.0.clone().or(q.0.clone()), p.1.clone().or(q.1.clone())))
                });
                if let Some((s, t)) = meet {
                    let m = mutation(s.as_deref(), t.as_deref(), &secs_text(at));
                    assert!(
                        rating(&decide(&ta, &m)).1.is_some()
                            && rating(&decide(&tb, &m)).1.is_some()
                    );
                    assert!(
                        reported.is_some(),
                        "`{x}` vs `{y}`: both apply to {m} but no conflict is reported"
                    );
                }
            }
            assert!(!(a_applies && dead(0)), "`{x}` reported dead but applies");
            assert!(!(b_applies && dead(1)), "`{y}` reported dead but applies");
        }
    }
    assert!(checked > 5_000, "{checked} instants");
}

#[test]
fn shadowed_and_dead_rules_agree_with_the_evaluator_on_a_boundary_grid() {
    // pairs over one field each (the grid is a product over fields read)
    for x in CONDS {
        for y in CONDS {
            if reads(x) != reads(y) {
                continue;
            }
            let u = unit(&[contract(
                "a",
                None,
                &format!("auto when {x}, review when {y}, never"),
            )]);
            let t = alone(&u, 0);
            let (rs, rt) = reads(x);
            let (shadow, dead) = (shadowed(&u), dead_rules(&u));
            let mut decided = [false, false];
            let mk = marks(&[x, y]);
            for at in ats(&mk) {
                for (s, tt) in values(&mk, at, rs, rt) {
                    let m = mutation(s.as_deref(), tt.as_deref(), &secs_text(at));
                    match rating(&decide(&t, &m)).2.as_deref() {
                        Some("Rating#1") => decided[0] = true,
                        Some("Rating#2") => decided[1] = true,
                        _ => {}
                    }
                }
            }
            for (k, d) in decided.iter().enumerate() {
                let r = RuleRef::Line(0, k);
                assert!(
                    !(*d && (shadow.contains(&r) || dead.contains(&r))),
                    "`{x}` then `{y}`: rule {} decides but is reported shadowed/dead",
                    k + 1
                );
            }
            // the grid is dense enough to see every rule that can decide
            let r2 = RuleRef::Line(0, 1);
            assert!(
                decided[1] || shadow.contains(&r2) || dead.contains(&r2),
                "`{x}` then `{y}`: rule 2 never decides on the grid and is not reported"
            );
        }
    }
}

#[test]
fn the_calendar_ends_where_the_evaluators_parsers_end() {
    // `at` reaches 9999-12-31T23:59:60-23:59 (day 2932897) and a record's
    // date 0000-01-01T11:59:00+23:59 (day -719529): `before N days ago` on a
    // date can hold up to N = 3652425, on a datetime up to N = 3652426
    for (cond, alive) in [
        ("Seen before 3652000 days ago", true),
        ("Seen before 3652425 days ago", true),
        ("Seen before 3652426 days ago", false),
        ("Touched before 3652426 days ago", true),
        ("Touched before 3652427 days ago", false),
    ] {
        let u = unit(&[
            contract("edge", Some(cond), "auto"),
            contract("all", None, "review"),
        ]);
        let edge = u.contracts.iter().position(|c| c.name == "edge").unwrap();
        let found = analyze::findings(&u);
        let dead = found
            .iter()
            .any(|f| matches!(f, Finding::DeadContract { contract, .. } if *contract == edge));
        assert_eq!(dead, !alive, "{cond}: {found:?}");
        let conflict = found.iter().find(|f| matches!(f, Finding::Conflict { .. }));
        assert_eq!(conflict.is_some(), alive, "{cond}");
        if let Some(f) = conflict {
            confirm_conflict(&u, f);
        }
    }
}

#[test]
fn a_loop_through_a_contract_live_only_at_later_times_is_found() {
    // at 2026-01-01 `late` could never apply; once `at` is after July it
    // auto-writes Rating, which re-triggers `other`, which re-triggers it
    let u = unit(&[
        contract(
            "late",
            Some(r#"Seen before 30 days ago and Seen > "2026-06-01""#),
            "auto",
        ),
        contract("other", None, "auto").replace("ai \"alim\"", "ai \"other\""),
    ]);
    let loops: Vec<bool> = analyze::findings(&u)
        .into_iter()
        .filter_map(|f| match f {
            Finding::Loop { all_auto, .. } => Some(all_auto),
            _ => None,
        })
        .collect();
    assert_eq!(loops, vec![true]);
}
