//! Determinism: the same unit always compiles to the same bytes, however its
//! fields are laid out in the checked model and in whatever order its files
//! are given.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

mod support;

use crmc::check::model::*;
use crmc::compile::compile;
use proptest::prelude::*;
use support::*;

/// The same unit with Lead's fields held in another order: every `FieldId`
/// of object 1 renumbered.
fn permuted(unit: &CheckedUnit, seed: u64) -> CheckedUnit {
    let mut rng = support::Rng::new(seed);
    let n = unit.schema.objects[1].fields.len();
    // new_pos[old index] = new index
    let mut order: Vec<usize> = (0..n).collect();
    rng.shuffle(&mut order);
    let mut new_pos = vec![0u32; n];
    for (new, old) in order.iter().enumerate() {
        new_pos[*old] = new as u32;
    }
    let map = |f: FieldId| -> FieldId {
        if f.object == LEAD {
            fid(1, new_pos[f.index as usize])
        } else {
            f
        }
    };
    let mut u = unit.clone();
    let old_fields = unit.schema.objects[1].fields.clone();
    for (old, f) in old_fields.into_iter().enumerate() {
        u.schema.objects[1].fields[new_pos[old] as usize] = f;
    }
    for r in &mut u.schema.objects[1].relations {
        r.via = map(r.via);
    }
    fn cond(c: &mut Cond, map: &dyn Fn(FieldId) -> FieldId) {
        match c {
            Cond::True | Cond::False => {}
            Cond::And(cs) | Cond::Or(cs) => cs.iter_mut().for_each(|c| cond(c, map)),
            Cond::Not(c) => cond(c, map),
            Cond::Changed { field, .. } | Cond::SetBy { field, .. } => *field = map(*field),
            Cond::Atom { subject, .. } => match subject {
                Subject::Field(f) | Subject::New(f) | Subject::HistSource(f) => *f = map(*f),
                Subject::Parent { field, .. } => *field = map(*field),
                Subject::Confidence | Subject::Source | Subject::Event => {}
            },
        }
    }
    let rules = |rs: &mut Vec<Rule>| {
        for r in rs {
            if let Some(w) = &mut r.when {
                cond(w, &map);
            }
        }
    };
    for c in &mut u.contracts {
        for t in &mut c.triggers {
            if let Trigger::Update(Some(fs))
            | Trigger::Of {
                fields: Some(fs), ..
            } = t
            {
                fs.iter_mut().for_each(|f| *f = map(*f));
            }
        }
        if let Some(e) = &mut c.eligible {
            cond(e, &map);
        }
        for x in &mut c.exclusions {
            cond(&mut x.when, &map);
        }
        for fr in &mut c.fields {
            fr.field = map(fr.field);
            rules(&mut fr.rules);
        }
        if let Some(s) = &mut c.star {
            rules(&mut s.rules);
        }
        for r in &mut c.approval.require {
            if let Some(w) = &mut r.when {
                cond(w, &map);
            }
        }
        for (f, _) in &mut c.sample.fields {
            *f = map(*f);
        }
    }
    for g in &mut u.guardrails {
        if let Some(w) = &mut g.when {
            cond(w, &map);
        }
        for (f, _, _) in &mut g.floors {
            *f = map(*f);
        }
    }
    u
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn same_unit_same_bytes(seed in any::<u64>()) {
        let unit = random_unit(seed);
        let a = compile(&unit).unwrap().to_bytes();
        let b = compile(&unit.clone()).unwrap().to_bytes();
        prop_assert_eq!(&a, &b);
        // Field layout in the model does not matter.
        let c = compile(&permuted(&unit, seed ^ 1)).unwrap().to_bytes();
        prop_assert!(a == c, "bytes differ after permuting Lead's fields (seed {})", seed);
    }
}

// ---------------------------------------------------------------- from files, in any order

const SCHEMA: &str = r#"schema acme {
  object Account { Type: picklist("Customer", "Partner", "Prospect") }
  object Lead {
    Id:        id readonly
    Email:     email
    Industry:  picklist("Banking", "Retail", "Technology")
    Score:     number
    OwnerId:   ref(User) protected
    AccountId: ref(Account)
    OptOut:    bool protected
  }
}
"#;

const EXCLUSIONS: &str = r#"import "./schema.crmc"

extend object Lead { Fit_Score__c: number sensitive }

exclusion opted_out on Lead when OptOut
exclusion customers on Lead when Account.Type == "Customer"
"#;

const CONTRACTS: &str = r#"import "./schema.crmc"
import "./exclusions.crmc"

contract zeta_enrich version 2 {
  object  Lead
  actor   ai "alim"
  trigger on create, update(Industry, Score)
  eligible when Score > 10 or Industry is empty
  exclude opted_out
  exclude customers
  confidence {
    auto   at least 0.90
    review at least 0.60
  }
  fields {
    Industry:     auto when empty, review
    Fit_Score__c: auto when confidence >= 0.95, suggest
    OwnerId:      escalate
    *:            never
  }
  approval {
    review   by record.owner within 24h
    escalate by role "Sales Manager" within 4h
    require  role "RevOps Lead" when Score > 1000
  }
  audit record_id, contract, version, trigger, field, old_value, new_value,
        source, confidence, timestamp, actor
  rollback {
    keep previous values for 90d
    notify record.owner
  }
}

contract alpha_sync {
  object  Lead
  actor   integration "*"
  mode    draft
  trigger on update, delete
  fields {
    Email: review when Email ends with "@acme.example", never
    *:     suggest
  }
}
"#;

fn bytes_for(roots: &[&str]) -> Vec<u8> {
    let provider = crmc::source::MemoryProvider::new()
        .with("schema.crmc", SCHEMA)
        .with("exclusions.crmc", EXCLUSIONS)
        .with("contracts.crmc", CONTRACTS);
    let roots: Vec<std::path::PathBuf> = roots.iter().map(std::path::PathBuf::from).collect();
    let parsed = crmc::load::load(&roots, &provider).unwrap();
    assert!(!parsed.has_errors(), "{:#?}", parsed.diagnostics);
    let (unit, diags) = crmc::check::check(&parsed.file_refs());
    let unit = unit.unwrap_or_else(|| panic!("check failed: {diags:#?}"));
    compile(&unit).unwrap().to_bytes()
}

#[test]
fn file_order_does_not_change_the_bytes() {
    let a = bytes_for(&["contracts.crmc"]);
    for roots in [
        &["contracts.crmc", "schema.crmc", "exclusions.crmc"][..],
        &["schema.crmc", "exclusions.crmc", "contracts.crmc"],
        &["exclusions.crmc", "contracts.crmc"],
        &["schema.crmc", "contracts.crmc"],
    ] {
        assert!(a == bytes_for(roots), "bytes differ for roots {roots:?}");
    }
    assert_eq!(a, bytes_for(&["contracts.crmc"]), "same roots, same bytes");
}
