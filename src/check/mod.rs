//! Stage 2: resolve names against the unit's schema and type-check every
//! condition, literal and test. Produces a [`model::CheckedUnit`].

pub mod model;
