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
            Cond::Changed { field, .. } => *field = map(*field),
            Cond::Atom { subject, .. } => match subject {
                Subject::Field(f) | Subject::New(f) => *f = map(*f),
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
            if let Trigger::Update(Some(fs)) = t {
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
