//! Whether a proposed value fits its field (language-v1 §9: "a proposed
//! value must fit its field's type"). A change that does not fit decides
//! `never` for its field, with a reason saying what was wrong: a write the
//! CRM would reject, or store as something other than what the contract
//! reasoned about, is never let through.
//!
//! A value read for a condition that does not fit its field — from the
//! record, a parent or `changes` — is *unknown* to conditions ([`read`]),
//! which raises a decision to at least `review`.

use crate::eval::{decode_j, Slot, Val};
use crate::mutation::J;
use crate::table::{FieldRow, Table, TypeTag};
use crate::time;

/// How a proposed value fails its field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Misfit {
    /// Not a value of the field's type at all (`"eighty"` for a number).
    Type(TypeTag),
    /// A picklist or multipicklist value the schema does not list.
    NotAllowed,
}

impl Misfit {
    /// What the value should have been, for the reason text.
    pub fn expected(self) -> &'static str {
        match self {
            Misfit::NotAllowed => "one of the field's allowed values",
            Misfit::Type(ty) => match ty {
                TypeTag::Id | TypeTag::Ref => "an id (letters, digits, `-` and `_`)",
                TypeTag::String => "a string",
                TypeTag::Email => "an email address (`name@domain.example`)",
                TypeTag::Phone => "a phone number (digits, spaces, `+ - ( ) . / x`)",
                TypeTag::Url => "a URL without spaces",
                TypeTag::Bool => "`true` or `false`",
                TypeTag::Int => "a whole number",
                TypeTag::Number | TypeTag::Currency | TypeTag::Percent => "a number",
                TypeTag::Date => "a date (`YYYY-MM-DD`)",
                TypeTag::Datetime => "an RFC 3339 timestamp (`2026-11-21T10:00:00Z`)",
                TypeTag::Picklist => "a string",
                TypeTag::Multipicklist => "a `;`-separated string or a list of strings",
            },
        }
    }
}

/// Checks a proposed value against its field. `null` (and `""`, which is
/// empty) fits every field: it clears the value.
pub(crate) fn check(t: &Table, field: &FieldRow, v: J<'_>) -> Result<(), Misfit> {
    let ty = field.ty;
    let val = match decode_j(ty, v) {
        Slot::Null | Slot::Absent => return Ok(()),
        Slot::Bad(_) => return Err(Misfit::Type(ty)),
        Slot::Val(val) => val,
    };
    fits(t, field, &val)?;
    let ok = match (&val, ty) {
        // Reading is lenient (a datetime for a date field reads as its
        // day); a write must be exactly the field's format.
        (Val::Day(_), TypeTag::Date) => raw_str(v).is_some_and(|s| time::parse_date(s).is_some()),
        (Val::Sec(_), TypeTag::Datetime) => {
            raw_str(v).is_some_and(|s| time::parse_datetime(s).is_some())
        }
        _ => true,
    };
    if ok {
        Ok(())
    } else {
        Err(Misfit::Type(ty))
    }
}

/// A value read for a condition, from the record, a parent or `changes`:
/// one that does not fit its field (a picklist value the schema does not
/// declare, an address that is no address) is *unknown*, never text to
/// compare. Otherwise `Status == "Closed"` would be false for `"closed"`
/// or an undeclared `"Closed Won"`, and an exclusion written against the
/// declared values would let the write through.
pub(crate) fn read<'m>(t: &Table, field: &FieldRow, v: J<'m>) -> Slot<'m> {
    match decode_j(field.ty, v) {
        Slot::Val(val) if fits(t, field, &val).is_err() => Slot::Bad(field.ty),
        slot => slot,
    }
}

/// Whether a decoded value is one of its field's: declared picklist
/// values, and the shapes of email, url, phone and id.
fn fits(t: &Table, field: &FieldRow, val: &Val<'_>) -> Result<(), Misfit> {
    let ty = field.ty;
    let allowed = |s: &str| {
        field.values.is_empty()
            || field
                .values
                .binary_search_by(|id| t.str(*id).cmp(s))
                .is_ok()
    };
    let ok = match (val, ty) {
        (Val::Str(s), TypeTag::Picklist) => {
            if !allowed(s) {
                return Err(Misfit::NotAllowed);
            }
            true
        }
        (Val::Items(items), TypeTag::Multipicklist) => {
            if !items.iter().all(|i| allowed(i)) {
                return Err(Misfit::NotAllowed);
            }
            true
        }
        (Val::Str(s), TypeTag::Email) => email_shape(s),
        (Val::Str(s), TypeTag::Url) => !s.chars().any(|c| c.is_whitespace() || c.is_control()),
        (Val::Str(s), TypeTag::Phone) => phone_shape(s),
        (Val::Str(s), TypeTag::Id | TypeTag::Ref) => s
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        _ => true,
    };
    if ok {
        Ok(())
    } else {
        Err(Misfit::Type(ty))
    }
}

/// The trimmed text of a string value.
fn raw_str<'m>(v: J<'m>) -> Option<&'m str> {
    match v {
        J::Str(s) => Some(s.trim()),
        J::Value(serde_json::Value::String(s)) => Some(s.trim()),
        _ => None,
    }
}

/// `local@domain.tld`: one `@`, a non-empty local part, a domain of
/// non-empty dot-separated labels with at least one dot, no spaces or
/// control characters; at most 254 characters (RFC 5321's path limit).
fn email_shape(s: &str) -> bool {
    if s.len() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && local.len() <= 64
        && !domain.contains('@')
        && domain.contains('.')
        && domain.split('.').all(|l| !l.is_empty())
}

/// Free text as both CRMs store phones, limited to what a number is written
/// with, holding at least one digit; at most 40 characters (Salesforce's limit).
fn phone_shape(s: &str) -> bool {
    s.len() <= 40
        && s.bytes().any(|b| b.is_ascii_digit())
        && s.bytes()
            .all(|b| b.is_ascii_digit() || b" +-().,/#*xXeEtT".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::{email_shape, phone_shape};

    #[test]
    fn shapes() {
        assert!(email_shape("a@b.example"));
        for bad in [
            "a",
            "a@b",
            "@b.example",
            "a@@b.example",
            "a b@c.example",
            "a@b..example",
        ] {
            assert!(!email_shape(bad), "{bad}");
        }
        assert!(phone_shape("+1 (415) 555-0100 ext. 12"));
        for bad in ["", "call me", "555\n0100"] {
            assert!(!phone_shape(bad), "{bad}");
        }
    }
}
