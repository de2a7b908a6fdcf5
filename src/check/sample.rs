//! `sample N% [of F, ...] for review`: the rate (a percentage above 0% and
//! at most 100%, in hundredths of a percent), the outcome (`review` only),
//! and which fields each clause covers (a field in one clause at most, one
//! clause without `of`).

use super::conds::field_of;
use super::errors::CheckError;
use super::model::{ObjectId, Sample, SAMPLE_SCALE};
use super::schema::SchemaInfo;
use crate::syntax::ast::{self, ClauseKind, LitKind, Outcome};
use std::collections::BTreeMap;

/// The contract's `sample` clauses, in source order.
pub(super) fn sample(
    info: &SchemaInfo,
    object: ObjectId,
    clauses: &[&ast::Clause],
    errors: &mut Vec<CheckError>,
) -> Sample {
    let mut out = Sample::default();
    let mut all_span = None;
    let mut seen = BTreeMap::new();
    for clause in clauses {
        let ClauseKind::Sample {
            rate,
            fields,
            outcome,
        } = &clause.kind
        else {
            continue;
        };
        out.spans.push(clause.span);
        if outcome.node != Outcome::Review {
            errors.push(CheckError::SampleOutcome {
                outcome: outcome.node,
                span: outcome.span,
            });
        }
        let rate = rate_of(rate, errors);
        if fields.is_empty() {
            if let Some(first) = all_span {
                errors.push(CheckError::DuplicateSample {
                    field: None,
                    first,
                    second: clause.span,
                });
                continue;
            }
            all_span = Some(clause.span);
            out.all = rate;
        }
        for f in fields {
            let Some(id) = field_of(info, object, f, errors) else {
                continue;
            };
            if let Some(first) = seen.insert(id, f.span) {
                errors.push(CheckError::DuplicateSample {
                    field: Some(f.name.clone()),
                    first,
                    second: f.span,
                });
                continue;
            }
            if let Some(r) = rate {
                out.fields.push((id, r));
            }
        }
    }
    out
}

/// `5%` as 500; `None` (reported) for anything but a percentage in
/// (0%, 100%] with at most two decimals.
fn rate_of(lit: &ast::Literal, errors: &mut Vec<CheckError>) -> Option<u16> {
    let bp = match &lit.kind {
        LitKind::Percent(p) if p.scale() <= 2 => {
            let m = p.mantissa() * 10i128.pow(2 - p.scale());
            u16::try_from(m)
                .ok()
                .filter(|m| (1..=SAMPLE_SCALE).contains(m))
        }
        _ => None,
    };
    if bp.is_none() {
        errors.push(CheckError::InvalidSampleRate {
            found: super::values::found(lit),
            span: lit.span,
        });
    }
    bp
}
