//! The federation's structure as a grouped tree: councils with their
//! affiliated committees and seated delegates, then committees by kind,
//! industry and area.

use super::{Page, committee_link, layout, member};
use kenes_core::body::{CommitteeKind, CouncilScope};
use kenes_core::{Committee, State};
use maud::{Markup, html};
use std::collections::BTreeMap;

fn place(c: &Committee) -> String {
    match &c.kind {
        CommitteeKind::Territorial { area } => area.clone(),
        CommitteeKind::Production { industry, area, .. } => format!("{industry} · {area}"),
        CommitteeKind::Council {
            scope: CouncilScope::Area(a),
        } => a.clone(),
        CommitteeKind::Council {
            scope: CouncilScope::Industry(i),
        } => i.clone(),
        CommitteeKind::Advisory => String::new(),
    }
}

fn group<'a>(state: &'a State, label: &str) -> BTreeMap<String, Vec<&'a Committee>> {
    let mut groups: BTreeMap<String, Vec<&Committee>> = BTreeMap::new();
    for c in state
        .committees
        .values()
        .filter(|c| c.kind.label() == label)
    {
        let key = match &c.kind {
            CommitteeKind::Production { industry, .. } => industry.clone(),
            CommitteeKind::Territorial { area } => area.clone(),
            _ => String::new(),
        };
        groups.entry(key).or_default().push(c);
    }
    groups
}

/// Renders the structure page.
pub fn render(p: &Page, state: &State) -> Markup {
    let councils: Vec<&Committee> = state
        .committees
        .values()
        .map(|c| &**c)
        .filter(|c| c.kind.is_council())
        .collect();
    let title = p.t("structure-title");
    layout(
        p,
        &title,
        html! {
            h1 { (title) }
            @if p.me.is_some_and(|me| kenes_core::state::PastView::is_federation_member(state, &me)) {
                p { a.button href="/committees/new" { (p.t("cform-link")) } }
            }
            section aria-labelledby="councils-h" {
                h2 #councils-h { (p.t("councils")) }
                @if councils.is_empty() { p { (p.t("no-councils")) } }
                ul.tree {
                    @for k in &councils {
                        li {
                            details open {
                                // A link inside a summary is a control inside a
                                // control: the council's link opens the list.
                                summary { strong { (k.name) } " " small { (place(k)) " · " (p.ta("affiliates-count", &[("n", k.affiliates.len().into())])) } }
                                p.council-link { (committee_link(state, &k.id)) }
                                ul {
                                    @for a in &k.affiliates {
                                        li {
                                            (committee_link(state, a))
                                            @if let Some(seated) = k.seats.get(a) {
                                                " — " (p.t("delegates")) ": "
                                                @for (i, d) in seated.iter().enumerate() {
                                                    @if i > 0 { ", " }
                                                    (member(p, state, d))
                                                }
                                            } @else { " — " em { (p.t("no-seat")) } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @for (label, heading) in [("production", "production-committees"), ("territorial", "territorial-committees"), ("advisory", "advisory-committees")] {
                @let groups = group(state, label);
                @if !groups.is_empty() {
                    section {
                        h2 { (p.t(heading)) }
                        ul.tree {
                            @for (key, members) in &groups {
                                li {
                                    details open {
                                        summary { @if key.is_empty() { (p.t(heading)) } @else { (key) } " " small { "(" (members.len()) ")" } }
                                        ul {
                                            @for c in members {
                                                li { (committee_link(state, &c.id)) " " small { (p.ta("members-count", &[("n", c.members.len().into())])) } }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}
