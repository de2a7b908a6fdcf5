//! What a text value of a variable must look like for the evaluator to read
//! it as exactly that value (records, parents) or to accept it as a
//! proposed change (decisions 3 and 5). The analyzer's text domains are
//! these shapes, so every witness value fits its field, and a region whose
//! only values misfit is empty: such a write decides `never`, it applies no
//! rule.
//!
//! The rules mirror `crates/crmc-eval/src/values.rs` (`check`, `email_shape`,
//! `phone_shape`) and `eval.rs` (`decode_str`: trimming, lowercasing,
//! multipicklist items). A test holds them to the evaluator string by string
//! (tests/analyze_domains.rs).

/// The shape of one text variable's values (the empty value aside).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Shape<'a> {
    /// `string` (and the mutation's `source`): any non-empty text, exact.
    Text,
    /// Read trimmed (phone, id, ref, picklist on records): no surrounding
    /// whitespace.
    Trimmed,
    /// Read trimmed and lowercased (email, url on records).
    Lower,
    /// A multipicklist value: distinct trimmed items, sorted, joined by `;`
    /// (the evaluator compares sets, so this is the one spelling of each).
    /// `Some(items)`: a proposed value, each item one of the declared ones.
    Items(Option<&'a [String]>),
    /// A proposed email: lowercase, `local@domain.tld` (see [`email`]).
    Email,
    /// A proposed url: lowercase, no whitespace or control characters.
    Url,
    /// A proposed phone number (see [`phone`]).
    Phone,
    /// A proposed id or ref: letters, digits, `-` and `_`.
    Id,
}

/// Longest proposed email the evaluator accepts (RFC 5321's path limit).
const EMAIL_MAX: usize = 254;
/// Longest local part of an email.
const LOCAL_MAX: usize = 64;
/// Longest proposed phone (Salesforce's limit).
const PHONE_MAX: usize = 40;

impl Shape<'_> {
    pub fn is_multi(self) -> bool {
        matches!(self, Shape::Items(_))
    }

    /// Whether `v` (non-empty) is a value of this shape.
    pub fn fits(self, v: &str) -> bool {
        if v.is_empty() {
            return false;
        }
        let trimmed = v.trim() == v;
        let lower = trimmed && !v.chars().any(char::is_uppercase);
        match self {
            Shape::Text => true,
            Shape::Trimmed => trimmed,
            Shape::Lower => lower,
            Shape::Items(decl) => canonical_items(v, decl),
            Shape::Email => lower && email(v),
            Shape::Url => lower && !v.chars().any(|c| c.is_whitespace() || c.is_control()),
            Shape::Phone => trimmed && phone(v),
            Shape::Id => v
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        }
    }

    /// Whether no value of this shape contains `part` (a required pattern
    /// text): exact reasons only, each a character or length no value
    /// of the shape can hold.
    pub fn excludes_part(self, part: &str) -> bool {
        let bad_char = |c: char| match self {
            Shape::Text | Shape::Trimmed | Shape::Items(_) => false,
            Shape::Lower => c.is_uppercase(),
            Shape::Email | Shape::Url => c.is_uppercase() || c.is_whitespace() || c.is_control(),
            Shape::Phone => !(c.is_ascii_digit() || " +-().,/#*xXeEtT".contains(c)),
            Shape::Id => !(c.is_ascii_alphanumeric() || c == '-' || c == '_'),
        };
        let too_long = match self {
            Shape::Email => part.len() > EMAIL_MAX || part.matches('@').count() > 1,
            Shape::Phone => part.len() > PHONE_MAX,
            _ => false,
        };
        too_long || part.chars().any(bad_char)
    }

    /// Whether no value of this shape starts (ends) with `text`, for a
    /// reason in where the text sits: a proposed email's local part and
    /// domain labels are never empty, so it neither starts with `@` nor
    /// ends with `@` or `.`.
    pub fn excludes_affix(self, kind: super::text::PatKind, text: &str) -> bool {
        use super::text::PatKind;
        match (self, kind) {
            (Shape::Email, PatKind::StartsWith) => text.starts_with('@'),
            (Shape::Email, PatKind::EndsWith) => text.ends_with('@') || text.ends_with('.'),
            _ => false,
        }
    }

    /// Text to put around and between the required parts of a value when
    /// building candidates (the shape's separators and a filler of each
    /// kind it needs).
    pub fn glue(self) -> &'static [&'static str] {
        match self {
            Shape::Email => &[
                "",
                "w",
                "w@",
                "@",
                "@w.example",
                "w.example",
                ".example",
                "example",
                "w@w.example",
                "w@w.",
                "@w.",
                "w@w",
                ".w",
                "w.",
                ".",
            ],
            Shape::Phone => &["", "0", "+1", "0 "],
            Shape::Id => &["", "w", "0"],
            _ => &[""],
        }
    }
}

/// `local@domain.tld`, as the evaluator checks a proposed email.
fn email(s: &str) -> bool {
    if s.len() > EMAIL_MAX || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && local.len() <= LOCAL_MAX
        && !domain.contains('@')
        && domain.contains('.')
        && domain.split('.').all(|l| !l.is_empty())
}

/// Digits and what numbers are written with, at least one digit.
fn phone(s: &str) -> bool {
    s.len() <= PHONE_MAX
        && s.bytes().any(|b| b.is_ascii_digit())
        && s.bytes()
            .all(|b| b.is_ascii_digit() || b" +-().,/#*xXeEtT".contains(&b))
}

/// `v` is distinct trimmed non-empty items in ascending order, joined by
/// `;`, each one of `decl` when given (an empty list allows any item, as
/// the evaluator does).
fn canonical_items(v: &str, decl: Option<&[String]>) -> bool {
    let mut prev: Option<&str> = None;
    for item in v.split(';') {
        if item.is_empty() || item.trim() != item || prev.is_some_and(|p| p >= item) {
            return false;
        }
        if let Some(d) = decl {
            if !d.is_empty() && !d.iter().any(|x| x == item) {
                return false;
            }
        }
        prev = Some(item);
    }
    true
}

/// The one spelling of a set of items.
pub fn join_items<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let set: std::collections::BTreeSet<&str> = items.into_iter().collect();
    set.into_iter().collect::<Vec<_>>().join(";")
}
