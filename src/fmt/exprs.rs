//! Conditions and literals as canonical text.

use crate::syntax::ast::*;

pub fn expr(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Or(a, b) => format!("{} or {}", expr(a), expr(b)),
        ExprKind::And(a, b) => format!("{} and {}", expr(a), expr(b)),
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
    }
}

/// The top-level `and`/`or` chain of an expression, for breaking long lines:
/// the operands and the operator joining them (`None` for a single atom).
pub fn chain(e: &Expr) -> (Vec<&Expr>, Option<&'static str>) {
    fn collect<'e>(e: &'e Expr, or: bool, out: &mut Vec<&'e Expr>) {
        match (&e.kind, or) {
            (ExprKind::Or(a, b), true) | (ExprKind::And(a, b), false) => {
                collect(a, or, out);
                collect(b, or, out);
            }
            _ => out.push(e),
        }
    }
    let mut out = Vec::new();
    match &e.kind {
        ExprKind::Or(..) => {
            collect(e, true, &mut out);
            (out, Some("or"))
        }
        ExprKind::And(..) => {
            collect(e, false, &mut out);
            (out, Some("and"))
        }
        _ => (vec![e], None),
    }
}

pub fn operand(o: &Operand) -> String {
    if o.new {
        format!("new {}", o.path.dotted())
    } else {
        o.path.dotted()
    }
}

pub fn literal(l: &Literal) -> String {
    match &l.kind {
        LitKind::String(s) => string(s),
        LitKind::Number(d) => d.to_string(),
        LitKind::Percent(d) => format!("{d}%"),
        LitKind::Bool(b) => b.to_string(),
        LitKind::Null => "null".to_string(),
        LitKind::Duration(d) => d.to_string(),
        LitKind::Word(w) => w.clone(),
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
