//! The HTML pages, as maud templates: checked at compile time, and every
//! `(value)` splice is HTML-escaped, so a name or string literal from a unit
//! (even `<script>`) comes out as text. The only markup passed through
//! unescaped is the SVG pictures, which maud itself wrote (see `svg/`).

pub mod contract;
pub mod findings;
pub mod index;
mod layout;
mod parts;
