//! Kleene three-valued logic: what a condition is when data may be missing.

/// Kleene truth.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Truth {
    No,
    Maybe,
    Yes,
}

impl Truth {
    pub(super) fn of(b: bool) -> Truth {
        if b {
            Truth::Yes
        } else {
            Truth::No
        }
    }
}

pub(super) fn all(ts: impl IntoIterator<Item = Truth>) -> Truth {
    let mut acc = Truth::Yes;
    for t in ts {
        acc = match (acc, t) {
            (Truth::No, _) | (_, Truth::No) => Truth::No,
            (Truth::Yes, Truth::Yes) => Truth::Yes,
            _ => Truth::Maybe,
        };
    }
    acc
}

pub(super) fn any(ts: impl IntoIterator<Item = Truth>) -> Truth {
    let mut acc = Truth::No;
    for t in ts {
        acc = match (acc, t) {
            (Truth::Yes, _) | (_, Truth::Yes) => Truth::Yes,
            (Truth::No, Truth::No) => Truth::No,
            _ => Truth::Maybe,
        };
    }
    acc
}

pub(super) fn not(t: Truth) -> Truth {
    match t {
        Truth::No => Truth::Yes,
        Truth::Maybe => Truth::Maybe,
        Truth::Yes => Truth::No,
    }
}
