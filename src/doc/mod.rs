//! `crmc doc`: the governance report. A unit (and its findings) in, a static
//! site out: `index.html` (overview, automation map, the automation graph
//! and the field-ownership matrix as inline SVG), one page per contract,
//! `findings.html`, one stylesheet. Pure like every stage: [`site`] returns
//! the files as data; the CLI writes them.
//!
//! ```text
//! findings  Diagnostic -> FindingDoc, each placed beside its contract
//! matrix    a contract's field x outcome permission matrix, caps applied
//! model     what the pages show: UnitDoc, ContractDoc (built once)
//! graph     contracts -> fields they auto-write -> contracts they trigger
//! ownership field x actor: the most permissive outcome each actor can get
//! svg/      the two pictures (layered graph, matrix), through maud
//! pages/    the HTML pages (maud: compile-time checked, auto-escaped)
//! site      page names and the list of files
//! ```
//!
//! Every text from the unit (names, string literals, messages) reaches the
//! output through maud's escaping splice; nothing is pasted in raw except
//! the stylesheet, a constant of this crate.

mod findings;
mod graph;
mod matrix;
mod model;
mod ownership;
mod pages;
mod site;
mod svg;

pub use site::{site, Site, SiteFile};
