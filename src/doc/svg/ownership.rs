//! The field-ownership matrix as a picture: fields down, actors across,
//! each cell coloured by the most permissive outcome the actor can get
//! (letter inside, details in its tooltip); contested rows (two actors can
//! write `auto`) are marked red.

use super::{color, text_width, ALERT};
use crate::doc::ownership::Ownership;
use maud::{html, Markup};

const CELL: i64 = 22;
const PAD: i64 = 10;

fn letter(o: crate::check::model::Outcome) -> &'static str {
    match o {
        crate::check::model::Outcome::Auto => "A",
        crate::check::model::Outcome::Review => "R",
        crate::check::model::Outcome::Escalate => "E",
        crate::check::model::Outcome::Suggest => "S",
        crate::check::model::Outcome::Never => "N",
    }
}

/// The picture, or `None` for a unit without contracts.
pub fn render(m: &Ownership) -> Option<Markup> {
    if m.rows.is_empty() || m.actors.is_empty() {
        return None;
    }
    let label_w = m
        .rows
        .iter()
        .map(|r| {
            text_width(&r.field)
                + if r.contested {
                    text_width(" (contested)")
                } else {
                    0
                }
        })
        .max()
        .unwrap_or(0)
        + 2 * PAD;
    // actor names are drawn at -45°: their height is about 0.71 of their length
    let head = m.actors.iter().map(|a| text_width(a)).max().unwrap_or(0) * 71 / 100 + 2 * PAD;
    let cols = m.actors.len() as i64;
    let width = label_w + cols * CELL + head + PAD;
    let height = head + m.rows.len() as i64 * CELL + PAD;
    let view = format!("0 0 {width} {height}");
    Some(html! {
        svg xmlns="http://www.w3.org/2000/svg" class="ownership" role="img" aria-label="field ownership matrix" viewBox=(view) width=(width) height=(height) {
            @for (k, a) in m.actors.iter().enumerate() {
                @let x = label_w + k as i64 * CELL + CELL / 2;
                @let rot = format!("rotate(-45 {x} {})", head - 6);
                text x=(x) y=(head - 6) transform=(rot) font-size="12" font-family="sans-serif" fill="#212121" { (a) }
            }
            @for (r, row) in m.rows.iter().enumerate() {
                @let y = head + r as i64 * CELL;
                text x=(PAD) y=(y + 15) font-size="12" font-family="sans-serif" fill=(if row.contested { ALERT } else { "#212121" }) {
                    (row.field) @if row.contested { " (contested)" }
                }
                @for (k, cell) in row.cells.iter().enumerate() {
                    @let x = label_w + k as i64 * CELL;
                    @match cell {
                        Some((o, contracts)) => {
                            g {
                                title { (m.actors[k]) " — " (row.field) ": " (o.as_str()) " (" (contracts.join(", ")) ")" }
                                rect x=(x + 1) y=(y + 1) width=(CELL - 2) height=(CELL - 2) fill=(color(*o)) stroke=(if row.contested && *o == crate::check::model::Outcome::Auto { ALERT } else { "none" }) stroke-width="2" {}
                                text x=(x + CELL / 2) y=(y + 15) text-anchor="middle" font-size="11" font-family="sans-serif" fill="#ffffff" { (letter(*o)) }
                            }
                        }
                        None => {
                            rect x=(x + 1) y=(y + 1) width=(CELL - 2) height=(CELL - 2) fill="#f5f5f5" {}
                        }
                    }
                }
            }
        }
    })
}
