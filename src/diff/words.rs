//! A region in words, one line per cube: each constrained variable's set
//! as the language would say it (`Industry is empty`, `0.6 <= confidence
//! < 0.9`, `Stage is "a" or "b"`), leaving out what every write of the
//! field has in common (the field is changed, on a create or an update).

use crate::analyze::algebra::num::{Interval, NumSet};
use crate::analyze::algebra::text::{PatKind, TextSet, Vals};
use crate::analyze::algebra::{Con, Cube, Dom, Var, EMPTY, F, T};
use crate::analyze::lower::{EV_CREATE, EV_DELETE, EV_UPDATE};
use crate::analyze::witness::{date_text, datetime_text};
use crate::check::model::{FieldId, FieldType};
use crate::decimal::Decimal;

/// The region's cubes in words, at most `max` of them, and how many more
/// there are.
pub fn region(dom: &Dom<'_>, cubes: &[Cube], decided: FieldId, max: usize) -> (Vec<String>, usize) {
    let cubes = simplify(dom, cubes);
    let mut lines: Vec<String> = Vec::new();
    for c in &cubes {
        let l = cube(dom, c, decided);
        if !lines.contains(&l) {
            lines.push(l);
        }
    }
    let more = lines.len().saturating_sub(max);
    lines.truncate(max);
    (lines, more)
}

/// The same region in fewer cubes, for reading: constraints that allow a
/// variable's whole domain dropped, cubes inside another dropped, and two
/// cubes that differ in one variable's set merged into one.
pub fn simplify(dom: &Dom<'_>, cubes: &[Cube]) -> Vec<Cube> {
    let mut cs: Vec<Cube> = cubes
        .iter()
        .map(|c| {
            let mut c = c.clone();
            c.cons.retain(|(v, con)| {
                let base = dom.base(v);
                con.intersect(&base) != base
            });
            c
        })
        .collect();
    let mut merged = true;
    // quadratic per round; regions shown are a few dozen cubes
    let mut rounds = 0;
    while merged && rounds < 64 && cs.len() <= 256 {
        merged = false;
        rounds += 1;
        'search: for i in 0..cs.len() {
            for j in 0..cs.len() {
                if i == j {
                    continue;
                }
                if within(&cs[i], &cs[j]) {
                    cs.remove(i);
                    merged = true;
                    break 'search;
                }
                if i < j {
                    if let Some(m) = merge(dom, &cs[i], &cs[j]) {
                        cs[i] = m;
                        cs.remove(j);
                        merged = true;
                        break 'search;
                    }
                }
            }
        }
    }
    cs
}

/// `a ⊆ b`, judged on constraints alone (no differences).
fn within(a: &Cube, b: &Cube) -> bool {
    if !a.diffs.is_empty() || !b.diffs.is_empty() {
        return a == b;
    }
    b.cons.iter().all(|(v, cb)| match a.get(v) {
        Some(ca) => ca.intersect(cb) == *ca,
        None => false,
    })
}

fn union(a: &Con, b: &Con) -> Option<Con> {
    match (a, b) {
        (Con::Bits(x), Con::Bits(y)) => Some(Con::Bits(x | y)),
        (Con::Num(x), Con::Num(y)) => Some(Con::Num(
            x.complement().intersect(&y.complement()).complement(),
        )),
        (Con::Text(x), Con::Text(y)) => Some(Con::Text(
            x.complement().intersect(&y.complement()).complement(),
        )),
        _ => None,
    }
}

/// One cube for `a ∪ b` when they differ in one variable's set only.
fn merge(dom: &Dom<'_>, a: &Cube, b: &Cube) -> Option<Cube> {
    if a.diffs != b.diffs || a.cons.len() != b.cons.len() {
        return None;
    }
    let mut at = None;
    for (k, ((va, ca), (vb, cb))) in a.cons.iter().zip(&b.cons).enumerate() {
        if va != vb {
            return None;
        }
        if ca != cb {
            if at.is_some() {
                return None;
            }
            at = Some(k);
        }
    }
    let k = at?;
    let mut out = a.clone();
    let u = union(&a.cons[k].1, &b.cons[k].1)?;
    let base = dom.base(&a.cons[k].0);
    if u.intersect(&base) == base {
        out.cons.remove(k);
    } else {
        out.cons[k].1 = u;
    }
    Some(out)
}

pub fn cube(dom: &Dom<'_>, c: &Cube, decided: FieldId) -> String {
    let mut parts = Vec::new();
    for (var, con) in &c.cons {
        let base = dom.base(var);
        if *con == base || con.intersect(&base) == base {
            continue;
        }
        match (var, con) {
            (Var::Changed(f), _) if *f == decided => {}
            (Var::Event, Con::Bits(b)) if *b & 7 == EV_CREATE | EV_UPDATE => {}
            _ => parts.push(constraint(dom, var, con)),
        }
    }
    for d in &c.diffs {
        parts.push(format!(
            "{} - {} <= {}",
            name(dom, &d.x),
            name(dom, &d.y),
            d.c
        ));
    }
    if parts.is_empty() {
        "every such write".to_string()
    } else {
        parts.join(" and ")
    }
}

fn name(dom: &Dom<'_>, v: &Var) -> String {
    let field = |f: &FieldId| dom.schema.field(*f).name.clone();
    match v {
        Var::Changed(f) => format!("changed({})", field(f)),
        Var::Event => "event".into(),
        Var::Confidence => "confidence".into(),
        Var::Source => "source".into(),
        Var::At => "at".into(),
        Var::AtDay => "the day of at".into(),
        Var::Field(f) => field(f),
        Var::New(f) => format!("new {}", field(f)),
        Var::Parent(rel, f) => format!("{rel}.{}", field(f)),
        Var::Pat(base, ..) => name(dom, base),
        Var::Cause => "the trigger".into(),
        Var::CauseName => "the trigger's name".into(),
        Var::CauseField(f) => format!("the trigger's fields include {}", field(f)),
        Var::Sample(c, v, f) => format!(
            "the record's sample bucket for `{c}` version {v}, {} (0 to 9999; sampled below the rate)",
            field(f)
        ),
        Var::HistKind(f) => format!("who last wrote {}", field(f)),
        Var::HistName(f) => format!("the name of who last wrote {}", field(f)),
        Var::HistAt(f) => format!("when {} was last written", field(f)),
        Var::HistSource(f) => format!("source of {}", field(f)),
    }
}

fn constraint(dom: &Dom<'_>, var: &Var, con: &Con) -> String {
    let n = name(dom, var);
    // every value but the empty one: `X is set`, not a list of them all
    let with_empty = match con {
        Con::Num(s) => Con::Num(NumSet::new(s.intervals.clone(), true, s.integral)),
        Con::Text(t) => Con::Text(TextSet {
            vals: t.vals.clone(),
            empty: true,
        }),
        Con::Bits(b) => Con::Bits(b | EMPTY),
    };
    if !matches!(
        var,
        Var::Changed(_) | Var::Event | Var::Pat(..) | Var::CauseField(_)
    ) && with_empty == dom.base(var)
    {
        return format!("{n} is set");
    }
    match (var, con) {
        (Var::Changed(_) | Var::CauseField(_), Con::Bits(b)) => {
            if *b == T {
                n
            } else {
                format!("not {n}")
            }
        }
        (Var::Event, Con::Bits(b)) => {
            let evs: Vec<&str> = [
                (EV_CREATE, "create"),
                (EV_UPDATE, "update"),
                (EV_DELETE, "delete"),
            ]
            .into_iter()
            .filter(|(bit, _)| b & bit != 0)
            .map(|(_, s)| s)
            .collect();
            format!("event is {}", evs.join(" or "))
        }
        (Var::Pat(_, kind, text), Con::Bits(b)) => {
            let (yes, no) = match kind {
                PatKind::StartsWith => ("starts with", "does not start with"),
                PatKind::EndsWith => ("ends with", "does not end with"),
                PatKind::Contains => ("contains", "does not contain"),
            };
            format!("{n} {} {text:?}", if *b == T { yes } else { no })
        }
        (_, Con::Bits(b)) => {
            let mut vs = Vec::new();
            if b & T != 0 {
                vs.push("true");
            }
            if b & F != 0 {
                vs.push("false");
            }
            if b & EMPTY != 0 {
                vs.push("empty");
            }
            format!("{n} is {}", vs.join(" or "))
        }
        (_, Con::Num(s)) => {
            // a bound at the end of the variable's domain says nothing
            // (`confidence >= 0.9`, not `0.9 <= confidence <= 1`)
            let ends = match dom.base(var) {
                Con::Num(b) if b.intervals.len() == 1 => Some(b.intervals[0]),
                _ => None,
            };
            let trimmed = NumSet::new(
                s.intervals
                    .iter()
                    .map(|iv| match ends {
                        Some(e) => Interval {
                            lo: iv.lo.filter(|l| e.lo.is_none_or(|b| b != *l)),
                            hi: iv.hi.filter(|h| e.hi.is_none_or(|b| b != *h)),
                        },
                        None => *iv,
                    })
                    .collect(),
                s.empty,
                s.integral,
            );
            numbers(&n, &trimmed, dom.ty(var))
        }
        (_, Con::Text(t)) => texts(&n, t),
    }
}

fn value(v: Decimal, ty: Option<&FieldType>, at: bool) -> String {
    match (ty, v.to_i64()) {
        (Some(FieldType::Date), Some(d)) => date_text(d),
        (Some(FieldType::Datetime), Some(s)) => datetime_text(s),
        (None, Some(s)) if at => datetime_text(s),
        _ => v.to_string(),
    }
}

fn numbers(n: &str, s: &NumSet, ty: Option<&FieldType>) -> String {
    let at = n == "at";
    let mut alts: Vec<String> = s
        .intervals
        .iter()
        .map(|iv| interval(n, iv, ty, at))
        .collect();
    if s.empty {
        alts.push(format!("{n} is empty"));
    }
    if alts.is_empty() {
        return format!("{n} is nothing");
    }
    if alts.len() == 1 {
        return alts.remove(0);
    }
    format!("({})", alts.join(" or "))
}

fn interval(n: &str, iv: &Interval, ty: Option<&FieldType>, at: bool) -> String {
    let v = |d: Decimal| value(d, ty, at);
    match (iv.lo, iv.hi) {
        (Some(l), Some(h)) if l.value == h.value => format!("{n} == {}", v(l.value)),
        (Some(l), Some(h)) => format!(
            "{} {} {n} {} {}",
            v(l.value),
            if l.closed { "<=" } else { "<" },
            if h.closed { "<=" } else { "<" },
            v(h.value)
        ),
        (Some(l), None) => format!("{n} {} {}", if l.closed { ">=" } else { ">" }, v(l.value)),
        (None, Some(h)) => format!("{n} {} {}", if h.closed { "<=" } else { "<" }, v(h.value)),
        (None, None) => format!("{n} is set"),
    }
}

fn texts(n: &str, t: &TextSet) -> String {
    let list = |s: &std::collections::BTreeSet<String>| {
        s.iter()
            .map(|x| format!("{x:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let main = match &t.vals {
        Vals::In(s) if s.is_empty() => None,
        Vals::In(s) if s.len() == 1 => Some(format!("{n} == {}", list(s))),
        Vals::In(s) => Some(format!("{n} in ({})", list(s))),
        Vals::NotIn(s) if s.is_empty() => Some(format!("{n} is set")),
        Vals::NotIn(s) => Some(format!("{n} not in ({})", list(s))),
    };
    match (main, t.empty) {
        (Some(m), false) => m,
        (Some(m), true) => format!("({m} or {n} is empty)"),
        (None, true) => format!("{n} is empty"),
        (None, false) => format!("{n} is nothing"),
    }
}
