//! The frame of every page: head, stylesheet, navigation.

use crate::doc::site::STYLESHEET;
use maud::{html, Markup, DOCTYPE};

/// A page. `root` is the way back to the site's top (`""` or `"../"`).
pub fn page(title: &str, root: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="generator" content="crmc doc";
                title { (title) " — crmc governance report" }
                link rel="stylesheet" href={ (root) (STYLESHEET) };
            }
            body {
                header {
                    nav {
                        a href={ (root) "index.html" } { "Overview" }
                        " · "
                        a href={ (root) "index.html#automation-map" } { "Automation map" }
                        " · "
                        a href={ (root) "findings.html" } { "Findings" }
                    }
                }
                main { (body) }
                footer { p { "Written by " code { "crmc doc" } " from the unit's contracts and the findings of " code { "crmc check" } "." } }
            }
        }
    }
}
