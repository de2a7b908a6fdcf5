//! Literals against types: a literal that fits a field's type becomes a
//! [`Value`] (conditions) or a JSON value (tests); anything else an error.

use super::errors::{CheckError, Expected, Found};
use super::model::{Field, FieldType, Value};
use crate::decimal::Decimal;
use crate::diagnostics::suggest::suggest;
use crate::span::Span;
use crate::syntax::ast::{LitKind, Literal};
use crmc_eval::time::{parse_date, parse_datetime};
use std::collections::HashSet;

pub fn found(lit: &Literal) -> Found {
    match &lit.kind {
        LitKind::String(s) => Found::Text(s.clone()),
        LitKind::Number(n) => Found::Number(n.to_string()),
        LitKind::Percent(n) => Found::Percent(n.to_string()),
        LitKind::Bool(b) => Found::Bool(*b),
        LitKind::Null => Found::Null,
        LitKind::Duration(d) => Found::Duration(d.to_string()),
        LitKind::Word(w) => Found::Word(w.clone()),
    }
}

/// What a field of this type expects, for messages.
pub fn expected(ty: &FieldType) -> Expected {
    match ty {
        FieldType::Id
        | FieldType::String
        | FieldType::Email
        | FieldType::Phone
        | FieldType::Url
        | FieldType::Ref(_) => Expected::Text,
        FieldType::Picklist(_) | FieldType::Multipicklist(_) => Expected::PicklistValue,
        FieldType::Bool => Expected::Bool,
        FieldType::Int | FieldType::Currency => Expected::PlainNumber,
        FieldType::Number | FieldType::Percent => Expected::NumberOrPercent,
        FieldType::Date => Expected::Date,
        FieldType::Datetime => Expected::Datetime,
    }
}

/// "a string field", "an int field".
pub fn a_field(ty: &FieldType) -> String {
    let name = ty.name();
    let article = if name.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {name} field")
}

fn mismatch(subject: &str, ty: &FieldType, lit: &Literal) -> CheckError {
    CheckError::TypeMismatch {
        subject: subject.to_string(),
        ty: a_field(ty),
        expected: expected(ty),
        found: found(lit),
        span: lit.span,
    }
}

/// Checks that `value` is among `allowed` (case matters). `set` is the same
/// values as a set, when the caller has it (a lookup instead of a scan).
pub fn allowed_value(
    subject: &str,
    value: &str,
    allowed: &[String],
    set: Option<&HashSet<String>>,
    span: Span,
    decl: Option<Span>,
) -> Result<(), CheckError> {
    let found = match set {
        Some(set) => set.contains(value),
        None => allowed.iter().any(|a| a == value),
    };
    if found {
        return Ok(());
    }
    Err(CheckError::ValueNotAllowed {
        field: subject.to_string(),
        value: value.to_string(),
        allowed: allowed.to_vec(),
        suggestion: suggest(value, allowed.iter().map(String::as_str)),
        span,
        decl,
    })
}

/// The value of `lit` for a field of type `ty` (`subject` names it in
/// messages). `null` is the caller's business: here it is a mismatch.
pub fn field_value(subject: &str, field: &Field, lit: &Literal) -> Result<Value, CheckError> {
    field_value_in(subject, field, None, lit)
}

/// [`field_value`], with a (multi)picklist's values as a set (`choices`).
///
/// Percent fields: `10%` becomes the field's stored value (10 on
/// `percent(0..100)`, 0.1 on `percent(0..1)`), so the analyzer, the compiler
/// and the reference interpreter all see the value the CRM sends; a plain
/// number is taken as already on the field's scale. On a `number` field `10%`
/// keeps its language-wide meaning, the fraction 0.1.
pub fn field_value_in(
    subject: &str,
    field: &Field,
    choices: Option<&HashSet<String>>,
    lit: &Literal,
) -> Result<Value, CheckError> {
    let ty = &field.ty;
    let decl = Some(field.span);
    match (ty, &lit.kind) {
        (
            FieldType::Id
            | FieldType::String
            | FieldType::Email
            | FieldType::Phone
            | FieldType::Url
            | FieldType::Ref(_),
            LitKind::String(s),
        ) => Ok(Value::Str(s.clone())),
        (FieldType::Picklist(allowed), LitKind::String(s)) => {
            allowed_value(subject, s, allowed, choices, lit.span, decl)?;
            Ok(Value::Str(s.clone()))
        }
        (FieldType::Multipicklist(allowed), LitKind::String(s)) => {
            for item in s.split(';') {
                allowed_value(subject, item, allowed, choices, lit.span, decl)?;
            }
            Ok(Value::Str(s.clone()))
        }
        (FieldType::Bool, LitKind::Bool(b)) => Ok(Value::Bool(*b)),
        (FieldType::Int, LitKind::Number(n)) => {
            if n.is_integer() {
                Ok(Value::Num(*n))
            } else {
                Err(CheckError::ExpectedInteger {
                    subject: subject.to_string(),
                    value: n.to_string(),
                    span: lit.span,
                })
            }
        }
        (FieldType::Number | FieldType::Currency | FieldType::Percent, LitKind::Number(n)) => {
            Ok(Value::Num(*n))
        }
        (FieldType::Number, LitKind::Percent(n)) => Ok(Value::Num(n.percent())),
        (FieldType::Percent, LitKind::Percent(n)) => match field.percent_scale {
            Some(scale) => Ok(Value::Num(scale.of_percent(*n))),
            // Not reachable: a scale-less percent field is refused (E0327)
            // before any literal meets it. Refuse rather than guess.
            None => Err(mismatch(subject, ty, lit)),
        },
        (FieldType::Date, LitKind::String(s)) => match parse_date(s) {
            Some(d) => Ok(Value::Date(d)),
            None => Err(CheckError::InvalidDate {
                subject: subject.to_string(),
                value: s.clone(),
                datetime: false,
                span: lit.span,
            }),
        },
        (FieldType::Datetime, LitKind::String(s)) => {
            match parse_datetime(s).or_else(|| parse_date(s).map(|d| d * 86_400)) {
                Some(t) => Ok(Value::Datetime(t)),
                None => Err(CheckError::InvalidDate {
                    subject: subject.to_string(),
                    value: s.clone(),
                    datetime: true,
                    span: lit.span,
                }),
            }
        }
        _ => Err(mismatch(subject, ty, lit)),
    }
}

/// A value in 0..=1 given as a number or a percentage (`confidence`).
pub fn unit_interval(what: &str, subject: &str, lit: &Literal) -> Result<Decimal, CheckError> {
    let v = match &lit.kind {
        LitKind::Number(n) => *n,
        LitKind::Percent(n) => n.percent(),
        _ => {
            return Err(CheckError::TypeMismatch {
                subject: subject.to_string(),
                ty: "a confidence from 0 to 1".to_string(),
                expected: Expected::NumberOrPercent,
                found: found(lit),
                span: lit.span,
            })
        }
    };
    if v < Decimal::ZERO || v > Decimal::ONE {
        let shown = match &lit.kind {
            LitKind::Percent(n) => format!("{n}%"),
            _ => v.to_string(),
        };
        return Err(CheckError::OutOfRange {
            what: what.to_string(),
            value: shown,
            span: lit.span,
        });
    }
    Ok(v)
}

/// A test's record, parent or change value as the evaluator receives it:
/// strings, numbers, bools, `null`; dates as their strings.
pub fn json_value(field: &Field, lit: &Literal) -> Result<serde_json::Value, CheckError> {
    if lit.kind == LitKind::Null {
        return Ok(serde_json::Value::Null);
    }
    let value = field_value(&field.name, field, lit)?;
    Ok(match (value, &lit.kind) {
        (Value::Num(n), _) => n.to_json(),
        (Value::Bool(b), _) => serde_json::Value::Bool(b),
        (_, LitKind::String(s)) => serde_json::Value::String(s.clone()),
        (Value::Str(s), _) => serde_json::Value::String(s),
        (Value::Date(_) | Value::Datetime(_) | Value::Event(_), _) => serde_json::Value::Null,
    })
}
