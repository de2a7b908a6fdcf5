//! Conditions and literals as canonical text.

use crate::syntax::ast::*;

pub fn expr(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Or(parts) => join(parts, " or "),
        ExprKind::And(parts) => join(parts, " and "),
        ExprKind::Not(a) => format!("not {}", expr(a)),
        ExprKind::Paren(a) => format!("({})", expr(a)),
        ExprKind::Compare { lhs, op, rhs } => {
            format!("{} {} {}", operand(lhs), op.node.as_str(), literal(rhs))
        }
        ExprKind::In {
            lhs,
            negated,
            values,
        } => {
            let list: Vec<String> = values.iter().map(literal).collect();
            let op = if *negated { "not in" } else { "in" };
            format!("{} {op} ({})", operand(lhs), list.join(", "))
        }
        ExprKind::IsEmpty {
            operand: o,
            negated,
        } => {
            format!(
                "{} is {}",
                operand(o),
                if *negated { "set" } else { "empty" }
            )
        }
        ExprKind::BareEmpty { negated } => (if *negated { "set" } else { "empty" }).to_string(),
        ExprKind::Truthy(o) => operand(o),
        ExprKind::StrMatch {
            operand: o,
            op,
            pattern,
        } => {
            format!(
                "{} {} {}",
                operand(o),
                op.node.as_str(),
                string(&pattern.value)
            )
        }
        ExprKind::RelDate {
            operand: o,
            op,
            days,
        } => {
            let word = match op.node {
                DateOp::Before => "before",
                DateOp::After => "after",
            };
            format!("{} {word} {} days ago", operand(o), literal(days))
        }
        ExprKind::Changed(p) => format!("changed({})", p.dotted()),
        ExprKind::SetBy {
            field,
            kind,
            name,
            within,
        } => {
            let mut out = match field {
                Some(p) => format!("{} set by {}", p.dotted(), kind.node.as_str()),
                None => format!("set by {}", kind.node.as_str()),
            };
            if let Some(n) = name {
                out.push(' ');
                out.push_str(&string(&n.value));
            }
            if let Some(w) = within {
                out.push_str(&format!(" within {}", w.node));
            }
            out
        }
    }
}

/// The top-level `and`/`or` chain of an expression, for breaking long lines:
/// the operands and the operator joining them (`None` for a single atom).
pub fn chain(e: &Expr) -> (Vec<&Expr>, Option<&'static str>) {
    match &e.kind {
        ExprKind::Or(parts) => (parts.iter().collect(), Some("or")),
        ExprKind::And(parts) => (parts.iter().collect(), Some("and")),
        _ => (vec![e], None),
    }
}

fn join(parts: &[Expr], op: &str) -> String {
    parts.iter().map(expr).collect::<Vec<_>>().join(op)
}

pub fn operand(o: &Operand) -> String {
    if o.new {
        format!("new {}", o.path.dotted())
    } else if o.source_of {
        format!("source of {}", o.path.dotted())
    } else {
        o.path.dotted()
    }
}

pub fn literal(l: &Literal) -> String {
    match &l.kind {
        LitKind::String(s) => string(s),
        LitKind::Number(d) => number(*d),
        LitKind::Percent(d) => format!("{}%", number(*d)),
        LitKind::Bool(b) => b.to_string(),
        LitKind::Null => "null".to_string(),
        LitKind::Duration(d) => d.to_string(),
        LitKind::Word(w) => w.clone(),
    }
}

/// A number in canonical form: no trailing zeros, and `_` between groups of
/// three digits once the whole part has five or more (`1_000_000`).
pub fn number(d: crate::decimal::Decimal) -> String {
    let text = d.to_string();
    let (sign, body) = text
        .strip_prefix('-')
        .map_or(("", text.as_str()), |b| ("-", b));
    let (whole, frac) = body
        .split_once('.')
        .map_or((body, None), |(w, f)| (w, Some(f)));
    let grouped = if whole.len() >= 5 {
        let digits: Vec<char> = whole.chars().collect();
        let mut out = String::new();
        for (i, c) in digits.iter().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push('_');
            }
            out.push(*c);
        }
        out
    } else {
        whole.to_string()
    };
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub fn approver(a: &Approver) -> String {
    match &a.kind {
        ApproverKind::RecordOwner => "record.owner".to_string(),
        ApproverKind::Role(s) => format!("role {}", string(&s.value)),
        ApproverKind::User(s) => format!("user {}", string(&s.value)),
        ApproverKind::Queue(s) => format!("queue {}", string(&s.value)),
    }
}

#[cfg(test)]
mod tests {
    use super::number;
    use crate::decimal::Decimal;

    #[test]
    fn numbers_are_grouped_from_five_digits() {
        let show = |t: &str| number(Decimal::parse(t).unwrap());
        assert_eq!(show("1000"), "1000");
        assert_eq!(show("10000"), "10_000");
        assert_eq!(show("1_000_000"), "1_000_000");
        assert_eq!(show("-2500000.50"), "-2_500_000.5");
        assert_eq!(show("0.90"), "0.9");
    }
}
