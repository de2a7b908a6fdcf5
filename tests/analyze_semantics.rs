//! The analyzer models the evaluator's semantics decisions (create reads the
//! record as it would be created, `event != X`, `""` is empty, multipicklist
//! sets, integral ints, case-insensitive email/url, exclusions decide
//! `never`): each test a unit in the language whose findings depend on one
//! of them.

#![allow(clippy::unwrap_used, clippy::panic, clippy::expect_used)]

use crmc::analyze::{self, chain::RuleRef, Finding};
use crmc::check::model::CheckedUnit;
use crmc::pipeline::{self, Depth};
use crmc::source::MemoryProvider;
use std::path::PathBuf;

const SCHEMA: &str = r#"
schema demo {
  object Lead {
    Id:        id readonly
    Email:     email
    Site:      url
    Name:      string
    Industry:  picklist("Banking", "Technology", "Retail")
    Rating:    picklist("Hot", "Warm", "Cold")
    Tags:      multipicklist("x", "y", "z")
    Score:     int
    Revenue:   currency
    OptOut:    bool
  }
}
"#;

/// A contract with everything hygiene wants, around `body`.
pub fn contract(name: &str, actor: &str, body: &str) -> String {
    format!(
        r#"
contract {name} {{
  object Lead
  actor {actor}
  {body}
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

pub fn checked(contracts: &[String]) -> CheckedUnit {
    let text = format!("{SCHEMA}{}", contracts.concat());
    let provider = MemoryProvider::new().with("u.crmc", text.clone());
    let front = pipeline::run(&[PathBuf::from("u.crmc")], &provider, Depth::Check).unwrap();
    front
        .checked
        .unwrap_or_else(|| panic!("unit checks: {:?}\n{text}", front.diagnostics))
}

fn kinds(u: &CheckedUnit) -> Vec<&'static str> {
    analyze::analyze(u).iter().map(|d| d.kind()).collect()
}

fn conflicts(u: &CheckedUnit) -> usize {
    analyze::findings(u)
        .iter()
        .filter(|f| matches!(f, Finding::Conflict { .. }))
        .count()
}

fn never_decides(u: &CheckedUnit, contract: usize, rule: RuleRef) -> bool {
    analyze::findings(u).iter().any(|f| match f {
        Finding::Shadowed {
            contract: c,
            rule: r,
            ..
        }
        | Finding::DeadRule {
            contract: c,
            rule: r,
            ..
        } => *c == contract && *r == rule,
        _ => false,
    })
}

// ------------------------------------------------------------ create

#[test]
fn on_create_bare_and_new_read_the_proposed_value() {
    // On create the current value *is* the proposed one: "empty now and Hot
    // after" cannot hold, so the first rule never decides. (The trigger is
    // the cause; `event == create` pins the write itself to a create.)
    let u = checked(&[contract(
        "rate",
        r#"ai "r""#,
        r#"trigger on create
  exclude when OptOut
  fields {
    Rating: auto when event == create and Rating is empty and new Rating == "Hot", review
  }"#,
    )]);
    assert!(never_decides(&u, 0, RuleRef::Line(0, 0)), "{:?}", kinds(&u));
}

#[test]
fn on_create_a_changed_field_is_not_its_record_value() {
    // a: create, Rating changed to Hot reads Hot (not the record's Cold):
    // eligible `Rating == "Cold"` and the rule `new Rating == "Hot"` exclude
    // each other on a create write, so the rule never decides.
    let u = checked(&[contract(
        "a",
        r#"ai "r""#,
        r#"trigger on create
  eligible when Rating == "Cold" or Rating is empty
  exclude when OptOut
  fields {
    Rating: auto when event == create and new Rating == "Hot", review
  }"#,
    )]);
    assert!(never_decides(&u, 0, RuleRef::Line(0, 0)), "{:?}", kinds(&u));
}

// ------------------------------------------------------------ event

#[test]
fn event_not_equal_keeps_delete() {
    // issue 9: on delete, `event != create` holds, so both decide never on
    // a delete write (and agree that a create write is auto): were delete
    // dropped from `!= create`, a would say auto where b says never.
    let a = contract(
        "a",
        r#"ai "r""#,
        r#"trigger on delete
  exclude when OptOut
  fields {
    Rating: never when event != create, auto
  }"#,
    );
    let b = contract(
        "b",
        r#"ai "r""#,
        r#"trigger on delete
  exclude when OptOut
  fields {
    Rating: auto when event == create, never
  }"#,
    );
    let u = checked(&[a, b]);
    assert_eq!(conflicts(&u), 0, "{:?}", kinds(&u));
}

#[test]
fn event_not_in_keeps_delete() {
    let a = contract(
        "a",
        r#"ai "r""#,
        r#"trigger on delete
  exclude when OptOut
  fields {
    Rating: never when event not in (create, update), auto
  }"#,
    );
    let b = contract(
        "b",
        r#"ai "r""#,
        r#"trigger on delete
  exclude when OptOut
  fields {
    Rating: auto when event in (create, update), never
  }"#,
    );
    let u = checked(&[a, b]);
    assert_eq!(conflicts(&u), 0, "{:?}", kinds(&u));
}

// ------------------------------------------------------------ values

fn one_line(line: &str) -> CheckedUnit {
    checked(&[contract(
        "a",
        r#"ai "r""#,
        &format!("trigger on update\n  exclude when OptOut\n  fields {{\n    {line}\n  }}"),
    )])
}

fn shadowed(u: &CheckedUnit, rule: RuleRef) -> bool {
    analyze::findings(u)
        .iter()
        .any(|f| matches!(f, Finding::Shadowed { contract: 0, rule: r, .. } if *r == rule))
}

fn dead(u: &CheckedUnit, rule: RuleRef) -> bool {
    analyze::findings(u)
        .iter()
        .any(|f| matches!(f, Finding::DeadRule { contract: 0, rule: r, .. } if *r == rule))
}

#[test]
fn multipicklist_equality_ignores_item_order() {
    let u = one_line(r#"Tags: auto when new Tags == "x;y", never when new Tags == "y;x", review"#);
    assert!(shadowed(&u, RuleRef::Line(0, 1)), "{:?}", kinds(&u));
    let u = one_line(
        r#"Tags: auto when new Tags in ("z", "x;y"), never when new Tags == "y;x;x", review"#,
    );
    assert!(shadowed(&u, RuleRef::Line(0, 1)), "{:?}", kinds(&u));
}

#[test]
fn the_empty_string_is_empty() {
    let u = one_line(r#"Rating: auto when Name == "", review when Name is empty, never"#);
    assert!(!dead(&u, RuleRef::Line(0, 0)), "{:?}", kinds(&u));
    assert!(shadowed(&u, RuleRef::Line(0, 1)), "{:?}", kinds(&u));
    let u = one_line(r#"Rating: auto when Name != "", review when Name is set, never"#);
    assert!(shadowed(&u, RuleRef::Line(0, 1)), "{:?}", kinds(&u));
    let u = one_line(
        r#"Rating: auto when Email in ("", "a@b.example"), review when Email is empty, never"#,
    );
    assert!(shadowed(&u, RuleRef::Line(0, 1)), "{:?}", kinds(&u));
    let u = one_line(r#"Rating: auto when Email not in (""), review when Email is set, never"#);
    assert!(shadowed(&u, RuleRef::Line(0, 1)), "{:?}", kinds(&u));
}

#[test]
fn email_and_url_literals_compare_case_insensitively() {
    let u = one_line(
        r#"Rating: never when Email ends with "@X.example", auto when Email ends with "@x.example", review"#,
    );
    assert!(shadowed(&u, RuleRef::Line(0, 1)), "{:?}", kinds(&u));
    let u = one_line(
        r#"Rating: never when Email == " A@B.example ", auto when Email == "a@b.example", review"#,
    );
    assert!(shadowed(&u, RuleRef::Line(0, 1)), "{:?}", kinds(&u));
    let u = one_line(
        r#"Rating: never when Site starts with "HTTPS://", auto when Site starts with "https://", review"#,
    );
    assert!(shadowed(&u, RuleRef::Line(0, 1)), "{:?}", kinds(&u));
    // strings stay exact
    let u =
        one_line(r#"Rating: never when Name ends with "X", auto when Name ends with "x", review"#);
    assert!(!shadowed(&u, RuleRef::Line(0, 1)), "{:?}", kinds(&u));
}

#[test]
fn int_fields_hold_integers() {
    let u = one_line(r#"Rating: auto when Score > 5 and Score < 6, review"#);
    assert!(dead(&u, RuleRef::Line(0, 0)), "{:?}", kinds(&u));
    // (a fractional literal for an int field is a type error, E0406)
    let u = one_line(r#"Rating: auto when Score > 5, review when Score >= 6, never"#);
    assert!(shadowed(&u, RuleRef::Line(0, 1)), "{:?}", kinds(&u));
}

// ------------------------------------------------------------ loops

fn loop_diags(u: &CheckedUnit) -> Vec<crmc::diagnostics::Diagnostic> {
    analyze::analyze(u)
        .into_iter()
        .filter(|d| d.kind() == "automation_loop")
        .collect()
}

#[test]
fn an_all_auto_cycle_is_an_error_even_beside_a_reviewed_one() {
    // a -> b -> a is all auto; a -> b -> c -> a has a reviewed step. One
    // component, one finding, and it is an error listing both cycles.
    let a = contract(
        "a",
        r#"ai "a""#,
        "trigger on update(Score)\n  exclude when OptOut\n  fields {\n    Rating: auto\n  }",
    );
    let b = contract(
        "b",
        r#"ai "b""#,
        "trigger on update(Rating)\n  exclude when OptOut\n  fields {\n    Score: auto\n    Industry: review\n  }",
    );
    let c = contract(
        "c",
        r#"ai "c""#,
        "trigger on update(Industry)\n  exclude when OptOut\n  fields {\n    Score: auto\n  }",
    );
    let u = checked(&[a, b, c]);
    let ds = loop_diags(&u);
    assert_eq!(ds.len(), 1, "{ds:?}");
    assert_eq!(ds[0].severity, crmc::diagnostics::Severity::Error, "{ds:?}");
    let text = format!("{} {}", ds[0].message, ds[0].notes.join(" "));
    assert!(text.contains("a → Rating → b → Score → a"), "{text}");
    assert!(
        text.contains("c"),
        "the reviewed cycle is listed too: {text}"
    );
}

#[test]
fn a_component_whose_every_cycle_has_a_reviewed_step_is_a_warning() {
    let a = contract(
        "a",
        r#"ai "a""#,
        "trigger on update(Score)\n  exclude when OptOut\n  fields {\n    Rating: auto\n  }",
    );
    let b = contract(
        "b",
        r#"ai "b""#,
        "trigger on update(Rating)\n  exclude when OptOut\n  fields {\n    Score: review\n  }",
    );
    let ds = loop_diags(&checked(&[a, b]));
    assert_eq!(ds.len(), 1, "{ds:?}");
    assert_eq!(ds[0].severity, crmc::diagnostics::Severity::Warning);
}

#[test]
fn a_dense_component_lists_a_bounded_number_of_cycles_and_says_so() {
    let cs: Vec<String> = (0..7)
        .map(|i| {
            contract(
                &format!("k{i}"),
                &format!(r#"ai "k{i}""#),
                "trigger on update\n  exclude when OptOut\n  fields {\n    Rating: auto\n  }",
            )
        })
        .collect();
    let ds = loop_diags(&checked(&cs));
    assert_eq!(ds.len(), 1, "one component, one finding");
    assert_eq!(ds[0].severity, crmc::diagnostics::Severity::Error);
    let notes = ds[0].notes.join("\n");
    assert!(notes.contains("more cycles than"), "{notes}");
    assert_eq!(
        ds[0].notes.iter().filter(|n| n.starts_with("also")).count(),
        crmc::analyze::findings::MAX_CYCLES - 1
    );
}

/// 1,500 actors, each auto-writing `Rating` on any update: a complete
/// trigger graph, whose depth-first search goes 1,500 contracts deep. The
/// component search must not recurse (a recursive Tarjan overflowed a small
/// stack here), and the unit gets one loop finding.
#[test]
fn a_dense_trigger_graph_is_searched_without_deep_recursion() {
    let cs: Vec<String> = (0..1500)
        .map(|i| {
            contract(
                &format!("k{i}"),
                &format!(r#"ai "k{i}""#),
                "trigger on update\n  fields {\n    Rating: auto\n  }",
            )
        })
        .collect();
    let u = checked(&cs);
    let found = std::thread::Builder::new()
        .stack_size(192 * 1024)
        .spawn(move || loop_diags(&u).len())
        .unwrap()
        .join()
        .expect("no stack overflow");
    assert_eq!(found, 1, "one component, one finding");
}

// ------------------------------------------------------------ exclusions

#[test]
fn an_excluded_contract_decides_never_and_conflicts_with_an_auto_one() {
    // decisions 8: `a` applies to opted-out leads and decides never; `b`
    // would auto-write: the unit blocks the write, and the check says so.
    let a = contract(
        "a",
        r#"ai "r""#,
        "trigger on update\n  exclude when OptOut\n  fields {\n    Rating: auto\n  }",
    );
    let b = contract(
        "b",
        r#"ai "r""#,
        "trigger on update\n  exclude when Score > 100\n  fields {\n    Rating: auto\n  }",
    );
    let u = checked(&[a, b]);
    let found = analyze::findings(&u);
    assert!(
        found.iter().any(|f| matches!(
            f,
            Finding::Conflict {
                a_rule: RuleRef::Excluded,
                ..
            } | Finding::Conflict {
                b_rule: RuleRef::Excluded,
                ..
            }
        )),
        "{found:?}"
    );
}

#[test]
fn a_star_conflict_on_an_unnamed_field_says_it_stands_for_the_others() {
    // Neither contract names any field: the analysis decides one stand-in
    // per kind of field, and the finding must say the stand-in speaks for
    // every unnamed field (the oracle found the case on `Tags` reported on
    // another field, with nothing saying why).
    let a = contract(
        "a",
        r#"ai "r""#,
        "trigger on update\n  fields {\n    *: auto\n  }",
    );
    let b = contract(
        "b",
        r#"ai "r""#,
        "trigger on update\n  fields {\n    *: review\n  }",
    );
    let u = checked(&[a, b]);
    let found = analyze::findings(&u);
    let Some(Finding::Conflict {
        field,
        representative,
        ..
    }) = found.iter().find(|f| matches!(f, Finding::Conflict { .. }))
    else {
        panic!("no conflict: {found:?}")
    };
    assert!(*representative, "{found:?}");
    let name = &u.schema.field(*field).name;
    let diags = analyze::analyze(&u);
    let d = diags.iter().find(|d| d.kind() == "conflict").unwrap();
    assert!(
        d.notes.iter().any(|n| n.starts_with(&format!(
            "neither contract lists or reads `{name}`: it stands for every field"
        ))),
        "{:?}",
        d.notes
    );
    // a field one of them names is about itself, with no such note
    let a = contract(
        "a",
        r#"ai "r""#,
        "trigger on update\n  fields {\n    Rating: auto\n    *: never\n  }",
    );
    let b = contract(
        "b",
        r#"ai "r""#,
        "trigger on update\n  fields {\n    *: review\n  }",
    );
    let u = checked(&[a, b]);
    let found = analyze::findings(&u);
    let rating = found.iter().find_map(|f| match f {
        Finding::Conflict {
            field,
            representative,
            ..
        } if u.schema.field(*field).name == "Rating" => Some(*representative),
        _ => None,
    });
    assert_eq!(rating, Some(false), "{found:?}");
}

// ------------------------------------------------------------ output size

fn synth_unit(text: String) -> CheckedUnit {
    let provider = MemoryProvider::new().with("s.crmc", text);
    let front = pipeline::run(&[PathBuf::from("s.crmc")], &provider, Depth::Check).unwrap();
    front.checked.unwrap()
}

#[test]
fn mutually_conflicting_contracts_are_one_finding_of_linear_size() {
    let n = 40;
    let u = synth_unit(crmc::analyze::synth::conflict_unit(n));
    let pairs = |fs: &[Finding]| {
        fs.iter()
            .filter(|f| matches!(f, Finding::Conflict { .. }))
            .count()
    };
    // every auto/review pair conflicts, but a spanning set of pairs names
    // every contract
    assert_eq!(pairs(&crmc::analyze::findings::all_findings(&u)), n * n / 4);
    assert!(pairs(&analyze::findings(&u)) < n);
    let ds: Vec<_> = analyze::analyze(&u)
        .into_iter()
        .filter(|d| d.kind() == "conflict")
        .collect();
    assert_eq!(ds.len(), 1);
    assert_eq!(ds[0].secondary.len(), n - 1, "one label per contract");
    assert!(ds[0].notes.len() <= 2, "{:?}", ds[0].notes);
}

#[test]
fn many_actors_on_the_same_fields_are_one_finding_per_field() {
    let (actors, fields) = (30, 12);
    let u = synth_unit(crmc::analyze::synth::ownership_unit(actors, fields));
    let own = |fs: &[Finding]| {
        fs.iter()
            .filter(|f| matches!(f, Finding::Ownership { .. }))
            .count()
    };
    assert!(own(&analyze::findings(&u)) <= fields * (actors - 1));
    let ds: Vec<_> = analyze::analyze(&u)
        .into_iter()
        .filter(|d| d.kind() == "ownership")
        .collect();
    assert_eq!(ds.len(), fields);
    for d in &ds {
        assert_eq!(d.secondary.len(), actors - 1);
        assert!(d.notes.len() <= 3, "{:?}", d.notes);
    }
}

#[test]
fn every_auto_part_of_a_bounded_component_gets_an_all_auto_cycle() {
    // k0..k6 re-trigger each other through reviewed writes (more cycles
    // than the bound, all found first); p <-> q and r <-> s are two
    // separate all-auto cycles in the same component. Both are listed.
    let mut cs: Vec<String> = (0..7)
        .map(|i| {
            contract(
                &format!("k{i}"),
                &format!(r#"ai "k{i}""#),
                "trigger on update\n  exclude when OptOut\n  fields {\n    Rating: review\n    Name: review\n  }",
            )
        })
        .collect();
    let pair = |x: &str, trig: &str, writes: &str| {
        contract(
            x,
            &format!(r#"ai "{x}""#),
            &format!("trigger on update({trig})\n  exclude when OptOut\n  fields {{\n    {writes}: auto\n  }}"),
        )
    };
    cs.push(pair("p", "Score", "Rating"));
    cs.push(pair("q", "Rating", "Score"));
    cs.push(pair("r", "Name", "Revenue"));
    cs.push(pair("s", "Revenue", "Name"));
    let ds = loop_diags(&checked(&cs));
    assert_eq!(ds.len(), 1, "one component, one finding: {ds:?}");
    assert_eq!(ds[0].severity, crmc::diagnostics::Severity::Error);
    let text = format!("{} {}", ds[0].message, ds[0].notes.join(" "));
    assert!(text.contains("more cycles than"), "{text}");
    assert!(text.contains("p → Rating → q → Score → p"), "{text}");
    assert!(text.contains("r → Revenue → s → Name → r"), "{text}");
}
