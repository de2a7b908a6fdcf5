//! What `crmc replay` counts, and its report: per (object, field, deciding
//! contract, old outcome → new outcome), the writes that change, with the
//! first few lines that show it.

use crmc_eval::Outcome;
use serde_json::{json, Value};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// One table's (or the log's) decision of one input.
pub enum Side<'a> {
    /// Not decided: the input is not a valid mutation, names an object the
    /// table lacks, or the logged answer was an error line.
    Error,
    Decided {
        outcome: Outcome,
        fields: Vec<FieldChange<'a>>,
    },
}

/// A changed field's decision.
pub struct FieldChange<'a> {
    pub name: Cow<'a, str>,
    pub outcome: Outcome,
    /// The deciding contract.
    pub contract: Option<Cow<'a, str>>,
}

/// Distinct transitions kept apart; past this (only a log of ever new
/// field names could get here) the rest are counted together.
const MAX_GROUPS: usize = 10_000;

#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    object: String,
    field: String,
    /// The new decision's deciding contract, else the old one's; `""`: none.
    contract: String,
    from: Outcome,
    to: Outcome,
}

#[derive(Default)]
struct Group {
    writes: u64,
    examples: Vec<Example>,
}

#[derive(Clone)]
struct Example {
    line: usize,
    id: Option<Value>,
}

impl Example {
    fn json(&self) -> Value {
        match &self.id {
            Some(id) => json!({"line": self.line, "id": id}),
            None => json!({"line": self.line}),
        }
    }

    fn words(&self) -> String {
        match &self.id {
            Some(id) => format!("line {} (id {id})", self.line),
            None => format!("line {}", self.line),
        }
    }
}

pub struct Tally {
    keep: usize,
    lines: u64,
    unreadable: Vec<Example>,
    unreadable_count: u64,
    both_errors: u64,
    /// Decided now, an error before; an error now, decided before.
    was_error: (u64, Vec<Example>),
    now_error: (u64, Vec<Example>),
    compared: u64,
    decisions_changed: u64,
    writes: u64,
    old_auto: u64,
    new_auto: u64,
    groups: BTreeMap<Key, Group>,
    /// Changed writes past [`MAX_GROUPS`], loosened and tightened.
    overflow: (u64, u64),
}

fn keep_example(list: &mut Vec<Example>, keep: usize, e: Example) {
    if list.len() < keep {
        list.push(e);
    }
}

fn loosens(from: Outcome, to: Outcome) -> bool {
    // `Outcome`'s order is restrictiveness (language-v1 §5.2).
    to < from
}

impl Tally {
    pub fn new(keep: usize) -> Tally {
        Tally {
            keep,
            lines: 0,
            unreadable: Vec::new(),
            unreadable_count: 0,
            both_errors: 0,
            was_error: (0, Vec::new()),
            now_error: (0, Vec::new()),
            compared: 0,
            decisions_changed: 0,
            writes: 0,
            old_auto: 0,
            new_auto: 0,
            groups: BTreeMap::new(),
            overflow: (0, 0),
        }
    }

    /// A line that is not UTF-8, blank, too long, or a log line without its input.
    pub fn unreadable(&mut self, line: usize) {
        self.lines += 1;
        self.unreadable_count += 1;
        keep_example(&mut self.unreadable, self.keep, Example { line, id: None });
    }

    pub fn record(
        &mut self,
        line: usize,
        id: Option<&Value>,
        object: &str,
        old: &Side<'_>,
        new: &Side<'_>,
    ) {
        self.lines += 1;
        let example = || Example {
            line,
            id: id.cloned(),
        };
        let (old_outcome, old_fields, new_outcome, new_fields) = match (old, new) {
            (Side::Error, Side::Error) => {
                self.both_errors += 1;
                return;
            }
            (Side::Error, Side::Decided { .. }) => {
                self.was_error.0 += 1;
                keep_example(&mut self.was_error.1, self.keep, example());
                return;
            }
            (Side::Decided { .. }, Side::Error) => {
                self.now_error.0 += 1;
                keep_example(&mut self.now_error.1, self.keep, example());
                return;
            }
            (
                Side::Decided {
                    outcome: o,
                    fields: of,
                },
                Side::Decided {
                    outcome: n,
                    fields: nf,
                },
            ) => (*o, of, *n, nf),
        };
        self.compared += 1;
        if old_outcome != new_outcome {
            self.decisions_changed += 1;
        }
        for nf in new_fields {
            let Some(of) = old_fields.iter().find(|f| f.name == nf.name) else {
                continue;
            };
            self.writes += 1;
            self.old_auto += u64::from(of.outcome == Outcome::Auto);
            self.new_auto += u64::from(nf.outcome == Outcome::Auto);
            if of.outcome == nf.outcome {
                continue;
            }
            let contract = nf.contract.as_ref().or(of.contract.as_ref());
            let key = Key {
                object: object.to_string(),
                field: nf.name.to_string(),
                contract: contract.map_or(String::new(), |c| c.to_string()),
                from: of.outcome,
                to: nf.outcome,
            };
            if !self.groups.contains_key(&key) && self.groups.len() >= MAX_GROUPS {
                if loosens(key.from, key.to) {
                    self.overflow.0 += 1;
                } else {
                    self.overflow.1 += 1;
                }
                continue;
            }
            let keep = self.keep;
            let g = self.groups.entry(key).or_default();
            g.writes += 1;
            keep_example(&mut g.examples, keep, example());
        }
    }

    /// Writes that would be decided less restrictively.
    pub fn loosened(&self) -> u64 {
        self.total(true) + self.overflow.0
    }

    fn tightened(&self) -> u64 {
        self.total(false) + self.overflow.1
    }

    /// The listed writes of one direction.
    fn total(&self, loosened: bool) -> u64 {
        self.groups
            .iter()
            .filter(|(k, _)| loosens(k.from, k.to) == loosened)
            .map(|(_, g)| g.writes)
            .sum()
    }

    /// The groups of one direction, most writes first.
    fn sorted(&self, loosened: bool) -> Vec<(&Key, &Group)> {
        let mut v: Vec<(&Key, &Group)> = self
            .groups
            .iter()
            .filter(|(k, _)| loosens(k.from, k.to) == loosened)
            .collect();
        v.sort_by(|a, b| b.1.writes.cmp(&a.1.writes).then_with(|| a.0.cmp(b.0)));
        v
    }

    fn share(&self, n: u64) -> f64 {
        if self.writes == 0 {
            0.0
        } else {
            n as f64 / self.writes as f64
        }
    }

    pub fn to_json(&self) -> Value {
        let transitions: Vec<Value> = [true, false]
            .into_iter()
            .flat_map(|l| self.sorted(l))
            .map(|(k, g)| {
                json!({
                    "direction": if loosens(k.from, k.to) { "loosened" } else { "tightened" },
                    "from": k.from,
                    "to": k.to,
                    "object": k.object,
                    "field": k.field,
                    "contract": if k.contract.is_empty() { Value::Null } else { json!(k.contract) },
                    "writes": g.writes,
                    "examples": g.examples.iter().map(Example::json).collect::<Vec<_>>(),
                })
            })
            .collect();
        let examples = |v: &[Example]| v.iter().map(Example::json).collect::<Vec<_>>();
        json!({
            "lines": self.lines,
            "compared": self.compared,
            "unreadable": {"lines": self.unreadable_count, "examples": examples(&self.unreadable)},
            "errors": {
                "both": self.both_errors,
                "now_decided": {"lines": self.was_error.0, "examples": examples(&self.was_error.1)},
                "now_an_error": {"lines": self.now_error.0, "examples": examples(&self.now_error.1)},
            },
            "decisions_changed": self.decisions_changed,
            "writes": self.writes,
            "writes_loosened": self.loosened(),
            "writes_tightened": self.tightened(),
            "without_a_person": {"old": self.share(self.old_auto), "new": self.share(self.new_auto)},
            "transitions": transitions,
            "transitions_not_listed": {"loosened": self.overflow.0, "tightened": self.overflow.1},
        })
    }

    pub fn print_human(&self) {
        outln!(
            "replayed {}: {} decided by both",
            if self.lines == 1 {
                "1 line".to_string()
            } else {
                format!("{} lines", thousands(self.lines))
            },
            thousands(self.compared)
        );
        outln!(
            "  decisions that change: {} of {}",
            thousands(self.decisions_changed),
            thousands(self.compared)
        );
        outln!(
            "  writes without a person: {:.1}% -> {:.1}% (of {} writes)",
            100.0 * self.share(self.old_auto),
            100.0 * self.share(self.new_auto),
            thousands(self.writes)
        );
        let lists = [
            ("now an error", &self.now_error),
            ("now decided (an error before)", &self.was_error),
        ];
        for (what, (n, ex)) in lists {
            if *n > 0 {
                outln!("  {what}: {} ({})", thousands(*n), words(ex));
            }
        }
        if self.both_errors > 0 {
            outln!(
                "  not decided by either (not a mutation, or an unknown object): {}",
                thousands(self.both_errors)
            );
        }
        if self.unreadable_count > 0 {
            outln!(
                "  unreadable lines (blank, not UTF-8, too long, or no input): {} ({})",
                thousands(self.unreadable_count),
                words(&self.unreadable)
            );
        }
        for (loosened, title, total) in [
            (true, "loosened (less restrictive now)", self.loosened()),
            (false, "tightened (more restrictive now)", self.tightened()),
        ] {
            let groups = self.sorted(loosened);
            if total == 0 {
                continue;
            }
            outln!("{title}: {}", plural_writes(total));
            for (k, g) in groups {
                let by = if k.contract.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", k.contract)
                };
                outln!(
                    "  {} -> {}: {} on {}.{}{by}: {}",
                    name(k.from),
                    name(k.to),
                    plural_writes(g.writes),
                    k.object,
                    k.field,
                    words(&g.examples)
                );
            }
            let more = if loosened {
                self.overflow.0
            } else {
                self.overflow.1
            };
            if more > 0 {
                outln!(
                    "  and {} more in transitions not listed",
                    plural_writes(more)
                );
            }
        }
    }
}

fn words(ex: &[Example]) -> String {
    ex.iter().map(Example::words).collect::<Vec<_>>().join(", ")
}

fn name(o: Outcome) -> &'static str {
    match o {
        Outcome::Auto => "auto",
        Outcome::Review => "review",
        Outcome::Escalate => "escalate",
        Outcome::Suggest => "suggest",
        Outcome::Never => "never",
    }
}

fn plural_writes(n: u64) -> String {
    if n == 1 {
        "1 write".to_string()
    } else {
        format!("{} writes", thousands(n))
    }
}

/// `1204` → `1,204`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1204), "1,204");
        assert_eq!(thousands(1234567), "1,234,567");
    }

    #[test]
    fn only_a_less_restrictive_outcome_loosens() {
        assert!(loosens(Outcome::Review, Outcome::Auto));
        assert!(loosens(Outcome::Never, Outcome::Suggest));
        assert!(!loosens(Outcome::Auto, Outcome::Review));
        assert!(!loosens(Outcome::Review, Outcome::Review));
    }
}
