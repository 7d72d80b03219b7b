//! The map: Kazakhstan's outline and a circle for each area with an
//! active strike or rally, placed by the gazetteer, sized and coloured by
//! the people taking part. Drawn as SVG on the node: no tiles, no network.

use super::figures::Tally;
use crate::geo::{MAP_WIDTH, atlas, map_height, project};
use crate::views::Page;
use maud::{Markup, html};
use std::collections::BTreeMap;

/// Upper bounds of the colour steps, in people.
const STEPS: [u64; 3] = [1_000, 10_000, 50_000];

fn step(people: u64) -> usize {
    STEPS.iter().take_while(|&&s| people >= s).count()
}

fn outline() -> String {
    let mut d = String::new();
    for ring in &atlas().outline {
        for (i, (lon, lat)) in ring.iter().enumerate() {
            let (x, y) = project(*lon, *lat);
            d.push_str(&format!("{}{x:.1},{y:.1}", if i == 0 { "M" } else { "L" }));
        }
        d.push('Z');
    }
    d
}

/// The map of the active areas the gazetteer knows.
pub fn render(p: &Page, by_area: &BTreeMap<String, Tally>) -> Markup {
    let atlas = atlas();
    let mut drawn: Vec<(&String, &Tally, (f64, f64))> = by_area
        .iter()
        .filter(|(_, t)| t.is_active())
        .filter_map(|(area, t)| {
            atlas
                .locate(area)
                .map(|place| (area, t, project(place.lon, place.lat)))
        })
        .collect();
    // The biggest first, so smaller circles are drawn on top of them.
    drawn.sort_by_key(|(area, t, _)| (std::cmp::Reverse(t.people()), *area));
    let most = drawn
        .iter()
        .map(|(_, t, _)| t.people())
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let height = map_height();
    let label = p.t("map-label");
    let named: Vec<&String> = drawn.iter().take(6).map(|(a, _, _)| *a).collect();
    html! {
        figure.map {
            svg viewBox=(format!("0 0 {MAP_WIDTH} {height:.0}")) role="img" aria-label=(label) {
                title { (label) }
                path.country d=(outline()) {}
                @for (area, t, (x, y)) in &drawn {
                    @let r = 3.0 + 16.0 * (t.people() as f64 / most).sqrt();
                    g.place data-area=(area) {
                        circle class=(format!("step-{}", step(t.people()))) cx=(format!("{x:.1}")) cy=(format!("{y:.1}")) r=(format!("{r:.1}")) {
                            title { (area) ": " (super::tally_text(p, t)) }
                        }
                        @if named.contains(area) {
                            text x=(format!("{:.1}", x + r + 2.0)) y=(format!("{:.1}", y + 4.0)) {
                                (area.rsplit('/').next().unwrap_or(area))
                            }
                        }
                    }
                }
            }
            figcaption {
                (p.t("map-legend")) " "
                @for (i, bound) in STEPS.iter().enumerate() {
                    span class=(format!("swatch step-{i}")) aria-hidden="true" {} " < " span.num { (p.t.num(*bound)) } " "
                }
                span class="swatch step-3" aria-hidden="true" {} " ≥ " span.num { (p.t.num(STEPS[2])) }
                br;
                small { (p.t("map-source")) }
            }
        }
    }
}
