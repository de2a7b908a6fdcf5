//! A generator of large units for benchmarks: `contracts` contracts with
//! `rules_per_contract` field rules each over `std/salesforce`. Contracts
//! come in pairs per actor with disjoint `eligible` revenue bands, rules mix
//! comparisons, picklist membership, emptiness and confidence, so every
//! analysis pass has real work. Deterministic for a seed.
//!
//! Like a real org, the automations are spread over territories (revenue
//! ranges): sixteen actors share one, so different actors' automations meet on
//! some records (ownership findings) but not every actor meets every other
//! one, and a minority of contracts re-trigger on updates of fields others
//! write (loops). The number of findings grows with the number of contracts,
//! not with its square; a pairwise analysis still faces every pair.

use std::fmt::Write;

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next() % n
        }
    }
}

const OBJECTS: [&str; 2] = ["Lead", "Account"];
/// Fields both objects have, with a condition-friendly kind.
const FIELDS: [(&str, char); 7] = [
    ("Industry", 'p'),
    ("Rating", 'r'),
    ("AnnualRevenue", 'n'),
    ("NumberOfEmployees", 'n'),
    ("Description", 's'),
    ("Website", 's'),
    ("Phone", 's'),
];
const INDUSTRIES: [&str; 6] = [
    "Banking",
    "Technology",
    "Retail",
    "Energy",
    "Healthcare",
    "Education",
];
const RATINGS: [&str; 3] = ["Hot", "Warm", "Cold"];
const OUTCOMES: [&str; 4] = ["review", "suggest", "escalate", "auto"];

/// Width of one territory's revenue range: two bands of 1,000,000.
const TERRITORY: u64 = 2_000_000;
/// Actors (of four contracts each) working one territory.
const ACTORS_PER_TERRITORY: usize = 16;

fn cond(rng: &mut Rng, territory: u64) -> String {
    match rng.below(6) {
        0 => format!("Industry == \"{}\"", INDUSTRIES[rng.below(6) as usize]),
        1 => format!(
            "Rating in (\"{}\", \"{}\")",
            RATINGS[rng.below(3) as usize],
            RATINGS[rng.below(3) as usize]
        ),
        2 => format!("NumberOfEmployees > {}", rng.below(50) * 10),
        3 => format!("confidence >= 0.{}", 50 + rng.below(49)),
        4 => format!("{} is empty", FIELDS[rng.below(7) as usize].0),
        _ => format!(
            "AnnualRevenue < {} and Industry != \"{}\"",
            territory * TERRITORY + rng.below(2000) * 1000,
            INDUSTRIES[rng.below(6) as usize]
        ),
    }
}

/// `.crmc` source text of a unit importing `std/salesforce`.
pub fn synthetic_unit(contracts: usize, rules_per_contract: usize, seed: u64) -> String {
    let mut rng = Rng(seed);
    let mut out = String::from("import \"std/salesforce\"\n\n");
    let lines = FIELDS.len().min(rules_per_contract.max(1));
    for i in 0..contracts {
        let object = OBJECTS[i % 2];
        // two contracts per (object, actor), on disjoint revenue bands of
        // the actor's territory
        let actor = i / 4;
        let territory = (actor / ACTORS_PER_TERRITORY) as u64;
        let band = ((i / 2) % 2) as u64;
        let lo = territory * TERRITORY + band * 1_000_000;
        let hi = lo + 1_000_000;
        let _ = writeln!(out, "contract synth_{i} version 1 {{");
        let _ = writeln!(out, "  object {object}");
        let _ = writeln!(out, "  actor ai \"bot{actor}\"");
        let _ = writeln!(out, "  mode conditional_write");
        // most contracts run on create; some re-run when a field changes
        let trigger = match rng.below(10) {
            0 => format!("create, update({})", FIELDS[rng.below(2) as usize].0),
            1 | 2 => "create, update(Status)"
                .replace("Status", if object == "Lead" { "Status" } else { "Type" }),
            _ => "create".to_string(),
        };
        let _ = writeln!(out, "  trigger on {trigger}");
        let _ = writeln!(
            out,
            "  eligible when AnnualRevenue >= {lo} and AnnualRevenue < {hi}"
        );
        let _ = writeln!(out, "  exclude when Description starts with \"DNC\"");
        let _ = writeln!(
            out,
            "  confidence {{\n    auto at least 0.9\n    review at least 0.5\n  }}"
        );
        let _ = writeln!(out, "  fields {{");
        for l in 0..lines {
            let (field, _) = FIELDS[(l + i) % FIELDS.len()];
            let n = rules_per_contract / lines + usize::from(l < rules_per_contract % lines);
            let mut rules = Vec::new();
            for r in 0..n {
                let mut o = OUTCOMES[rng.below(3) as usize];
                // a little automation, on empty values only
                if rng.below(8) == 0 {
                    o = "auto";
                }
                if r + 1 == n {
                    rules.push(o.to_string());
                } else if o == "auto" {
                    rules.push(format!(
                        "auto when {field} is empty and {}",
                        cond(&mut rng, territory)
                    ));
                } else {
                    rules.push(format!("{o} when {}", cond(&mut rng, territory)));
                }
            }
            let _ = writeln!(out, "    {field}: {}", rules.join(", "));
        }
        let _ = writeln!(out, "    *: never\n  }}");
        let _ = writeln!(
            out,
            "  approval {{\n    review by record.owner within 24h\n    escalate by role \"Sales Manager\" within 4h\n  }}"
        );
        let _ = writeln!(
            out,
            "  audit record_id, contract, version, trigger, field, old_value, new_value,\n        source, confidence, timestamp, actor"
        );
        let _ = writeln!(
            out,
            "  rollback {{\n    keep previous values for 90d\n    notify record.owner\n  }}\n}}\n"
        );
    }
    out
}

/// Plain writable Lead fields of `std/salesforce`, for the overlap shapes.
const LEAD_FIELDS: [&str; 12] = [
    "FirstName",
    "LastName",
    "Title",
    "Company",
    "Website",
    "Description",
    "City",
    "State",
    "Country",
    "PostalCode",
    "Street",
    "Rating",
];

/// The rest of a contract that hygiene wants (exclusion, approval, audit,
/// rollback), then the closing brace.
fn tail(out: &mut String) {
    let _ = writeln!(
        out,
        "  approval {{\n    review by record.owner within 24h\n    escalate by role \"Sales Manager\" within 4h\n  }}"
    );
    let _ = writeln!(
        out,
        "  audit record_id, contract, version, trigger, field, old_value, new_value,\n        source, confidence, timestamp, actor"
    );
    let _ = writeln!(
        out,
        "  rollback {{\n    keep previous values for 90d\n    notify record.owner\n  }}\n}}\n"
    );
}

/// Ownership at scale (issue 8 §2): `actors` different automations, each
/// auto-writing the same `fields` (at most 12) Lead fields on every record.
/// Every pair of actors overlaps on every field.
pub fn ownership_unit(actors: usize, fields: usize) -> String {
    let mut out = String::from("import \"std/salesforce\"\n\n");
    for i in 0..actors {
        let _ = writeln!(out, "contract owner_{i} version 1 {{");
        let _ = writeln!(
            out,
            "  object Lead\n  actor ai \"bot{i}\"\n  trigger on update"
        );
        let _ = writeln!(out, "  exclude when Description starts with \"DNC\"");
        let _ = writeln!(out, "  fields {{");
        for f in LEAD_FIELDS.iter().take(fields.min(LEAD_FIELDS.len())) {
            let _ = writeln!(out, "    {f}: auto");
        }
        let _ = writeln!(out, "  }}");
        tail(&mut out);
    }
    out
}

/// Conflicts at scale (issue 8 §2): `contracts` contracts of one actor on
/// every Lead, alternately `auto` and `review` for one field, so every
/// `auto` contract conflicts with every `review` one.
pub fn conflict_unit(contracts: usize) -> String {
    let mut out = String::from("import \"std/salesforce\"\n\n");
    for i in 0..contracts {
        let o = if i % 2 == 0 { "auto" } else { "review" };
        let _ = writeln!(out, "contract conflict_{i} version 1 {{");
        let _ = writeln!(
            out,
            "  object Lead\n  actor ai \"bot\"\n  trigger on update"
        );
        let _ = writeln!(out, "  exclude when Description starts with \"DNC\"");
        let _ = writeln!(out, "  fields {{\n    Rating: {o}\n  }}");
        tail(&mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_sized() {
        let a = synthetic_unit(10, 20, 7);
        assert_eq!(a, synthetic_unit(10, 20, 7));
        assert_eq!(a.matches("contract synth_").count(), 10);
        let rules: usize = ["review", "suggest", "escalate", "auto"]
            .iter()
            .map(|o| a.matches(&format!(": {o}")).count() + a.matches(&format!(", {o}")).count())
            .sum();
        assert_eq!(rules, 200);
    }
}
