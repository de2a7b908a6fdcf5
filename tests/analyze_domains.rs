//! The analyzer's text domains are exactly the values the evaluator takes
//! (issue 9, decisions 3 and 5): a proposed multipicklist is a set of
//! declared items, a proposed email/url/phone/id has its shape, and record
//! values are spelled as the evaluator reads them. So every witness value
//! fits its field, and a region holding no fitting value has no finding.
//!
//! - `shape_fits_agrees_with_the_evaluator`: string by string over a small
//!   alphabet, [`Shape::fits`] of a proposed value is the evaluator's
//!   acceptance (for values already in their normal spelling);
//! - `*_brute_force`: [`text::solve`] against enumeration over small sets;
//! - the unit tests: witnesses fit, and misfit-only regions are empty.

#![allow(clippy::unwrap_used, clippy::panic, clippy::expect_used)]

#[path = "support/witness.rs"]
mod witness;

use crmc::analyze::algebra::shape::Shape;
use crmc::analyze::algebra::text::{self, holds, PatKind, PatReq, Solved, TextSet, Vals};
use crmc::analyze::{self, Finding};
use crmc::check::model::CheckedUnit;
use crmc::pipeline::{self, Depth};
use crmc::source::MemoryProvider;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use witness::{confirm, decide};

const SCHEMA: &str = r#"
schema demo {
  object Lead {
    Id:     id readonly
    Email:  email
    Site:   url
    Phone:  phone
    Ext:    id
    Name:   string
    Tags:   multipicklist("x", "y", "z")
    Rating: picklist("Hot", "Cold")
    OptOut: bool
  }
}
"#;

fn contract(name: &str, body: &str) -> String {
    format!(
        r#"
contract {name} {{
  object Lead
  actor ai "r"
  trigger on update
  exclude when OptOut
  fields {{
    {body}
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

fn checked(contracts: &[String]) -> CheckedUnit {
    let text = format!("{SCHEMA}{}", contracts.concat());
    let provider = MemoryProvider::new().with("u.crmc", text.clone());
    let front = pipeline::run(&[PathBuf::from("u.crmc")], &provider, Depth::Check).unwrap();
    front
        .checked
        .unwrap_or_else(|| panic!("unit checks: {:?}\n{text}", front.diagnostics))
}

/// Whether the evaluator refuses some proposed value of `w` as a misfit.
fn misfits(table: &crmc_eval::Table, w: &Value) -> Vec<String> {
    let d = decide(table, w);
    d.fields
        .iter()
        .filter(|(_, fd)| {
            fd.reasons
                .iter()
                .any(|r| r.starts_with("proposed value of `"))
        })
        .map(|(n, _)| n.clone())
        .collect()
}

fn witnesses(u: &CheckedUnit) -> Vec<Value> {
    analyze::findings::all_findings(u)
        .into_iter()
        .flat_map(|f| match f {
            Finding::Conflict { witness, .. } | Finding::Gap { witness, .. } => {
                witness.into_iter().collect()
            }
            Finding::Ownership { witness, other, .. } => witness.into_iter().chain(other).collect(),
            _ => vec![],
        })
        .collect()
}

fn conflicts(u: &CheckedUnit) -> usize {
    analyze::findings(u)
        .iter()
        .filter(|f| matches!(f, Finding::Conflict { .. }))
        .count()
}

/// `line` (`auto` where its condition holds, else `never`) against
/// `Field: never`, for one actor: they conflict only where it holds.
fn against_never(field: &str, line: &str) -> CheckedUnit {
    checked(&[
        contract("a", line),
        contract("b", &format!("{field}: never")),
    ])
}

#[test]
fn every_witness_value_fits_its_field() {
    let lines = [
        (
            "Tags",
            r#"Tags: auto when new Tags is set and new Tags != "x", never"#,
        ),
        (
            "Tags",
            r#"Tags: auto when not (new Tags contains "x"), never"#,
        ),
        (
            "Tags",
            r#"Tags: auto when new Tags contains "y" and new Tags != "y", never"#,
        ),
        (
            "Email",
            r#"Email: auto when new Email contains "sales", never"#,
        ),
        (
            "Email",
            r#"Email: auto when new Email ends with "@acme.example", never"#,
        ),
        (
            "Email",
            r#"Email: auto when new Email starts with "ceo", never"#,
        ),
        (
            "Email",
            r#"Email: auto when new Email != "a@b.example", never"#,
        ),
        (
            "Site",
            r#"Site: auto when new Site starts with "https://", never"#,
        ),
        (
            "Phone",
            r#"Phone: auto when new Phone ends with "x", never"#,
        ),
        (
            "Phone",
            r#"Phone: auto when new Phone starts with "+44", never"#,
        ),
        (
            "Ext",
            r#"Ext: auto when new Ext is set and new Ext != "W0000000000002", never"#,
        ),
    ];
    let mut seen = 0;
    for (field, line) in lines {
        let u = against_never(field, line);
        let table = crmc::compile::compile(&u).unwrap();
        let ws = witnesses(&u);
        assert!(!ws.is_empty(), "{line}: a conflict with a witness");
        for w in &ws {
            assert!(misfits(&table, w).is_empty(), "{line}: misfit witness {w}");
        }
        seen += confirm(line, &u);
    }
    assert!(seen >= lines.len(), "{seen} witnesses confirmed");
}

#[test]
fn a_region_of_misfits_only_has_no_finding() {
    // no proposed email is `not an email`: the rule never decides, so it
    // conflicts with nothing and is dead
    let u = against_never(
        "Email",
        r#"Email: auto when new Email == "not an email", never"#,
    );
    assert_eq!(conflicts(&u), 0, "{:?}", witnesses(&u));
    // every proposed set of declared items, excluded one by one
    let u = against_never(
        "Tags",
        r#"Tags: auto when new Tags is set and new Tags not in ("x", "y", "z", "x;y", "x;z", "y;z", "x;y;z"), never"#,
    );
    assert_eq!(conflicts(&u), 0, "{:?}", witnesses(&u));
    let dead = analyze::findings(&u)
        .iter()
        .any(|f| matches!(f, Finding::DeadRule { contract: 0, .. }));
    assert!(dead, "the rule is dead");
    // a phone without a digit does not exist
    let u = against_never("Phone", r#"Phone: auto when new Phone == "call me", never"#);
    assert_eq!(conflicts(&u), 0, "{:?}", witnesses(&u));
    // one set left: it is the witness
    let u = against_never(
        "Tags",
        r#"Tags: auto when new Tags is set and new Tags not in ("x", "y", "z", "x;y", "x;z", "y;z"), never"#,
    );
    let ws = witnesses(&u);
    assert_eq!(ws.len(), 1, "{ws:?}");
    assert_eq!(ws[0]["changes"]["Tags"], json!("x;y;z"), "{}", ws[0]);
}

// ------------------------------------------------------------ brute force

/// The evaluator's acceptance of `v` as a proposed value of `field`.
fn accepts(table: &crmc_eval::Table, field: &str, v: &str) -> bool {
    let w = json!({
        "object": "Lead",
        "event": "update",
        "actor": {"kind": "ai", "name": "r"},
        "confidence": 0.5,
        "source": "t",
        "at": "2026-01-15T00:00:00Z",
        "record": {"Id": "L1", "OptOut": false},
        "parents": {},
        "changes": {field: v},
    });
    misfits(table, &w).is_empty()
}

/// Every string over `alphabet` of length 1 to `n`.
fn strings(alphabet: &[char], n: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut layer = vec![String::new()];
    for _ in 0..n {
        let mut next = Vec::new();
        for s in &layer {
            for c in alphabet {
                next.push(format!("{s}{c}"));
            }
        }
        out.extend(next.iter().cloned());
        layer = next;
    }
    out
}

#[test]
fn shape_fits_agrees_with_the_evaluator() {
    let u = checked(&[contract(
        "a",
        "Email: review\n    Site: review\n    Phone: review\n    Ext: review\n    Tags: review",
    )]);
    let table = crmc::compile::compile(&u).unwrap();
    let decl: Vec<String> = ["x", "y", "z"].iter().map(|s| s.to_string()).collect();
    let cases: [(&str, Shape<'_>, &[char]); 5] = [
        ("Email", Shape::Email, &['a', 'A', '@', '.', ' ']),
        ("Site", Shape::Url, &['a', 'A', '/', ' ', '\t']),
        ("Phone", Shape::Phone, &['1', '+', 'a', 'x', ' ']),
        ("Ext", Shape::Id, &['a', '1', '-', '_', '.', ' ']),
        (
            "Tags",
            Shape::Items(Some(&decl)),
            &['x', 'y', 'w', ';', ' '],
        ),
    ];
    let mut checked_values = 0;
    for (field, shape, alphabet) in cases {
        for v in strings(alphabet, 4) {
            // the evaluator trims, lowercases email/url and reads items as
            // a set; only a value already spelled so is the analyzer's
            let normal = match shape {
                Shape::Email | Shape::Url => v.trim() == v && !v.chars().any(char::is_uppercase),
                Shape::Items(_) => {
                    let items: BTreeSet<&str> = v.split(';').map(str::trim).collect();
                    items.into_iter().collect::<Vec<_>>().join(";") == v && !v.contains(";;")
                }
                _ => v.trim() == v,
            };
            let eval = accepts(&table, field, &v);
            if normal && !v.split(';').any(str::is_empty) {
                assert_eq!(shape.fits(&v), eval, "{field} {v:?}");
                checked_values += 1;
            } else {
                assert!(!shape.fits(&v), "{field} {v:?} is not normal");
            }
        }
    }
    assert!(checked_values > 500, "{checked_values}");
}

/// Tiny deterministic generator (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pct(&mut self, p: u64) -> bool {
        self.next() % 100 < p
    }
}

fn meets(v: &str, set: &TextSet, reqs: &[PatReq<'_>], shape: Shape<'_>) -> bool {
    shape.fits(v)
        && set.contains(v)
        && reqs
            .iter()
            .all(|r| holds(r.kind, r.text, v, shape.is_multi()) == r.want)
}

/// Checks one solve against the brute-force `universe` (which holds every
/// value of the shape when `complete`): a value it gives meets everything;
/// a member of the universe means it is not `Impossible`, nor `GaveUp`
/// when `found_if_any`; `complete` and no member mean it finds none.
fn check_solve(
    set: &TextSet,
    reqs: &[PatReq<'_>],
    shape: Shape<'_>,
    universe: &[String],
    complete: bool,
    found_if_any: bool,
) {
    // the analyzer's hint for each shape (`Dom::hint`)
    let hint = match shape {
        Shape::Email => "w@w.example",
        Shape::Phone => "+15550100",
        Shape::Id => "W0000000000002",
        _ => "w",
    };
    let brute = universe.iter().find(|v| meets(v, set, reqs, shape));
    let empty_ok = set.empty && reqs.iter().all(|r| !r.want);
    let what = || {
        format!(
            "{set:?} {:?}",
            reqs.iter()
                .map(|r| (r.kind, r.text, r.want))
                .collect::<Vec<_>>()
        )
    };
    let answer = text::solve(set, reqs, shape, hint);
    // the analysis asks through its cache: asked twice, the same answer
    let cache = text::SolveCache::default();
    for _ in 0..2 {
        let cached = cache.solve(set, reqs, shape, hint);
        assert_eq!(
            format!("{cached:?}"),
            format!("{answer:?}"),
            "cached answer for {}",
            what()
        );
    }
    match answer {
        Solved::Value(Some(v)) => assert!(meets(&v, set, reqs, shape), "{v:?} misfits {}", what()),
        Solved::Value(None) => {
            assert!(empty_ok, "empty value given for {}", what());
        }
        Solved::Impossible => {
            assert!(
                brute.is_none() && !empty_ok,
                "{brute:?} exists for {}",
                what()
            );
        }
        Solved::GaveUp => {
            assert!(
                !(found_if_any && (brute.is_some() || empty_ok)),
                "gave up though {brute:?} fits {}",
                what()
            );
            assert!(!complete, "gave up on a finite shape: {}", what());
        }
    }
}

fn req(kind: PatKind, text: &str, want: bool) -> PatReq<'_> {
    PatReq { kind, text, want }
}

#[test]
fn multipicklist_solving_brute_force() {
    let decl: Vec<String> = ["x", "y", "z"].iter().map(|s| s.to_string()).collect();
    // every spelling over the items, canonical or not, and an undeclared one
    let universe: Vec<String> = strings(&['x', 'y', 'z', 'w', ';'], 5);
    let pats = ["x", "y", "z", "w", "x;y"];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..1_500 {
        let mut some: BTreeSet<String> = BTreeSet::new();
        for _ in 0..rng.below(8) {
            some.insert(universe[rng.below(universe.len())].clone());
        }
        for _ in 0..rng.below(4) {
            some.insert(["x", "y;z", "x;y;z", "x;z"][rng.below(4)].to_string());
        }
        let set = TextSet {
            vals: if rng.pct(50) {
                Vals::In(Arc::new(some))
            } else {
                Vals::NotIn(Arc::new(some))
            },
            empty: rng.pct(30),
        };
        let reqs: Vec<PatReq<'_>> = (0..rng.below(4))
            .map(|_| req(PatKind::Contains, pats[rng.below(pats.len())], rng.pct(50)))
            .collect();
        // proposed: the universe holds every set of declared items
        check_solve(
            &set,
            &reqs,
            Shape::Items(Some(&decl)),
            &universe,
            true,
            true,
        );
        // records: any item
        check_solve(&set, &reqs, Shape::Items(None), &universe, false, true);
    }
}

#[test]
fn shaped_text_solving_brute_force() {
    let cases: [(Shape<'_>, &[char], &[&str]); 4] = [
        (
            Shape::Email,
            &['a', '@', '.'],
            &[
                "a", "@", "a@", "@a", ".a", "a.", "a.a", "@a.a", "..", "@@", " ",
            ],
        ),
        (
            Shape::Phone,
            &['1', '+', 'x'],
            &["1", "+", "x", "+1", "1x", "a"],
        ),
        (Shape::Id, &['a', '1', '-'], &["a", "-", "a-", "1", "."]),
        (Shape::Lower, &['a', 'b', ' '], &["a", "b", " a", "ab"]),
    ];
    let kinds = [PatKind::StartsWith, PatKind::EndsWith, PatKind::Contains];
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    for (shape, alphabet, pats) in cases {
        let universe = strings(alphabet, 6);
        for _ in 0..600 {
            let some: BTreeSet<String> = (0..rng.below(6))
                .map(|_| universe[rng.below(universe.len())].clone())
                .collect();
            let set = TextSet {
                vals: if rng.pct(30) {
                    Vals::In(Arc::new(some))
                } else {
                    Vals::NotIn(Arc::new(some))
                },
                empty: rng.pct(30),
            };
            let reqs: Vec<PatReq<'_>> = (0..rng.below(3))
                .map(|_| {
                    req(
                        kinds[rng.below(3)],
                        pats[rng.below(pats.len())],
                        rng.pct(60),
                    )
                })
                .collect();
            // a witness of up to 6 characters exists: the solver finds one
            check_solve(&set, &reqs, shape, &universe, false, true);
        }
    }
}

/// A pattern question the region algebra asks of many cubes (a wildcard
/// rule over every field of a create contract, a relative date beside an
/// impossible email prefix) once took `crmc check` 45 s in a release build
/// on these 20 lines: each ask built thousands of candidate emails and gave
/// up. Now it is answered once per analysis, and exactly: a proposed email
/// never starts with `@` (its local part is not empty), so the rule is dead.
#[test]
fn a_pattern_question_asked_of_many_cubes_is_settled_once_and_exactly() {
    let text = r#"
schema slow {
  object Lead {
    Id:      id readonly
    Score:   int
    Revenue: currency
    Prob:    percent(0..1)
    Name:    string
    Email:   email
    Due:     date
    Seen:    datetime
    Guarded: int protected
  }
}
contract c1 {
  object Lead
  actor ai "x"
  mode conditional_write
  trigger on create
  eligible when new Prob < 10
  fields {
    Due: escalate
    Revenue: auto
    *: auto when (not (Revenue is empty or new Score is empty) or Guarded < 1), never when (Email starts with "@x.example" and Seen before 10 days ago)
  }
  approval {
    review by record.owner within 24h
  }
}
"#;
    let provider = MemoryProvider::new().with("slow.crmc", text);
    let front = pipeline::run(&[PathBuf::from("slow.crmc")], &provider, Depth::Check).unwrap();
    let u = front.checked.expect("the unit checks");
    let findings = analyze::analyze(&u);
    let dead: Vec<_> = findings.iter().filter(|d| d.code == "W0504").collect();
    assert!(!dead.is_empty(), "{findings:#?}");
    for d in &findings {
        assert!(
            d.notes.iter().all(|n| !n.starts_with("approximate")),
            "nothing here needs a give-up: {d:#?}"
        );
    }
}

// ------------------------------------------------------------ give-ups

/// The unit of tests/ui/check/unconfirmed_pattern_conflict.crmc.
fn pattern_give_up() -> CheckedUnit {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let path = root.join("tests/ui/check/unconfirmed_pattern_conflict.crmc");
    let front = pipeline::run(&[path], &crmc::source::DiskProvider, Depth::Check).unwrap();
    front.checked.expect("the case checks")
}

#[test]
fn a_give_up_reports_the_conflict_unconfirmed() {
    let u = pattern_give_up();
    let fs = analyze::findings(&u);
    // the existence finding is there, without a witness
    let conflict = fs.iter().find(|f| matches!(f, Finding::Conflict { .. }));
    assert!(
        matches!(conflict, Some(Finding::Conflict { witness: None, .. })),
        "{fs:?}"
    );
    // and no emptiness claim rests on the give-up
    assert!(
        !fs.iter()
            .any(|f| matches!(f, Finding::DeadRule { .. } | Finding::Shadowed { .. })),
        "{fs:?}"
    );
    let d = analyze::analyze(&u);
    let conflict = d.iter().find(|d| d.code == "E0501").expect("a conflict");
    assert!(conflict.witness.is_none());
    assert!(
        conflict
            .notes
            .iter()
            .any(|n| n.starts_with("could not be confirmed")),
        "{:?}",
        conflict.notes
    );
    // the write it is about does exist: "aba" meets the rule
    let table = crmc::compile::compile(&u).unwrap();
    let w = json!({
        "object": "Lead",
        "event": "update",
        "actor": {"kind": "ai", "name": "r"},
        "confidence": 1,
        "source": "t",
        "at": "2026-01-15T00:00:00Z",
        "record": {"Id": "L1", "Name": "aba", "OptOut": false},
        "parents": {},
        "changes": {"Rating": "Hot"},
        "trigger": {"event": "update", "fields": ["Name"]},
    });
    let rater = u
        .contracts
        .iter()
        .position(|c| c.name == "pattern_rater")
        .unwrap();
    let alone = witness::alone(&u, rater);
    let (o, _, _) = witness::eval_outcome(&decide(&alone, &w), "Rating");
    assert_eq!(o, "auto", "the rule decides for {w}");
    let (o, _, _) = witness::eval_outcome(&decide(&table, &w), "Rating");
    assert_eq!(o, "never");
}

/// A loop whose step is a write only a give-up keeps (the pattern rule of
/// [`pattern_give_up`]'s unit, auto-writing `Rating`): the loop is still
/// reported, as unconfirmed, and says why.
#[test]
fn a_loop_through_a_given_up_write_is_reported_unconfirmed() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let case =
        std::fs::read_to_string(root.join("tests/ui/check/unconfirmed_pattern_conflict.crmc"))
            .unwrap();
    // drop `freeze` (the conflict), add another automation: it starts on
    // Rating and auto-writes Name, which starts pattern_rater again
    let cut = case.find("contract freeze").unwrap();
    let echo = r#"
contract echo {
  object Lead
  actor ai "e"
  trigger on update(Rating)
  exclude when OptOut
  fields {
    Name: auto
  }
  approval {
    review   by record.owner within 24h
    escalate by role "Sales Manager" within 4h
  }
  audit record_id, contract, version, trigger, field, old_value, new_value, source, confidence,
        timestamp, actor
  rollback {
    keep previous values for 90d
    notify record.owner
  }
}
"#;
    let text = format!("{}{echo}", &case[..cut]);
    let provider = MemoryProvider::new().with("u.crmc", text);
    let front = pipeline::run(&[PathBuf::from("u.crmc")], &provider, Depth::Check).unwrap();
    let u = front.checked.expect("the unit checks");
    let fs = analyze::findings(&u);
    let loops: Vec<&Finding> = fs
        .iter()
        .filter(|f| matches!(f, Finding::Loop { .. }))
        .collect();
    assert_eq!(loops.len(), 1, "{fs:?}");
    assert!(
        matches!(
            loops[0],
            Finding::Loop {
                unconfirmed: true,
                all_auto: true,
                ..
            }
        ),
        "{:?}",
        loops[0]
    );
    let d = analyze::analyze(&u);
    let lp = d
        .iter()
        .find(|d| d.kind() == "automation_loop")
        .expect("a loop");
    assert!(
        lp.notes
            .iter()
            .any(|n| n.starts_with("could not be confirmed")),
        "{:?}",
        lp.notes
    );
}
