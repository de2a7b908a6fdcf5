//! The site as data: which files, under which names. Contract pages are
//! `contracts/<name>.html`; names that differ only in case (one file on a
//! case-insensitive disk) get `-2`, `-3`, ... in contract order.

use super::pages;
use crate::analyze::Report;
use crate::check::model::CheckedUnit;
use crate::pipeline::FrontEnd;
use std::collections::BTreeMap;

/// One file of the site: a path relative to the output directory, with `/`.
pub struct SiteFile {
    pub path: String,
    pub contents: String,
}

pub struct Site {
    pub files: Vec<SiteFile>,
}

/// The stylesheet every page links.
pub const STYLESHEET: &str = "assets/style.css";
const CSS: &str = include_str!("assets/style.css");

/// Each contract's page, in contract order.
pub fn page_names(unit: Option<&CheckedUnit>) -> Vec<String> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    unit.map_or(&[][..], |u| u.contracts.as_slice())
        .iter()
        .map(|c| {
            // contract names are identifiers (ASCII letters, digits, `_`)
            let safe: String = c
                .name
                .chars()
                .map(|ch| {
                    if ch.is_ascii_alphanumeric() || ch == '_' {
                        ch
                    } else {
                        '_'
                    }
                })
                .collect();
            let n = seen.entry(safe.to_ascii_lowercase()).or_insert(0);
            *n += 1;
            if *n == 1 {
                format!("contracts/{safe}.html")
            } else {
                format!("contracts/{safe}-{n}.html")
            }
        })
        .collect()
}

/// The whole site of a unit taken through the front end (`report`: the
/// analyzer's findings as data, when it ran).
pub fn site(front: &FrontEnd, report: Option<&Report>) -> Site {
    let unit = front.checked.as_ref();
    let names = page_names(unit);
    let doc = super::model::build(&front.parsed.sources, unit, &front.diagnostics, &names);
    let mut files = Vec::with_capacity(doc.contracts.len() + 5);
    let pictures = unit.map(|u| {
        let g = super::graph::build(u, report);
        let own = super::ownership::build(u);
        (
            super::svg::graph::render(&g, u, &names, "").map(|m| m.into_string()),
            super::svg::ownership::render(&own).map(|m| m.into_string()),
            g,
            own,
        )
    });
    let (graph_svg, own_svg, loops) = match &pictures {
        Some((g, o, graph, _)) => (g.as_deref(), o.as_deref(), graph.loops.as_slice()),
        None => (None, None, &[][..]),
    };
    files.push(SiteFile {
        path: "index.html".to_string(),
        contents: pages::index::page(&doc, graph_svg, own_svg, loops).into_string(),
    });
    files.push(SiteFile {
        path: "findings.html".to_string(),
        contents: pages::findings::page(&doc).into_string(),
    });
    for c in &doc.contracts {
        files.push(SiteFile {
            path: c.page.clone(),
            contents: pages::contract::page(&doc, c).into_string(),
        });
    }
    if let Some(g) = graph_svg {
        files.push(SiteFile {
            path: "automation.svg".to_string(),
            contents: g.to_string(),
        });
    }
    if let Some(o) = own_svg {
        files.push(SiteFile {
            path: "ownership.svg".to_string(),
            contents: o.to_string(),
        });
    }
    files.push(SiteFile {
        path: STYLESHEET.to_string(),
        contents: CSS.to_string(),
    });
    Site { files }
}
