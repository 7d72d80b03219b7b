//! The joint platform: demands ranked by adopting committees, members and
//! supporters, with their origins and merges; exports as Markdown and JSON.

use super::{Page, committee_link, layout};
use crate::model::lower;
use kenes_core::platform::platform;
use kenes_core::{Hash, State};
use maud::{Markup, html};

/// The platform as Markdown, for leaflets and messages.
pub fn markdown(state: &State, council: Option<&Hash>, heading: &str) -> String {
    let mut out = format!("# {heading}\n\n");
    for (i, e) in platform(state, council).iter().enumerate() {
        out.push_str(&format!(
            "{}. **{}** ({}): {} committees, {} members, {} supporters; from {}\n",
            i + 1,
            e.title,
            lower(e.category),
            e.adopting.len(),
            e.members,
            e.supporters,
            crate::model::committee_name(state, &e.origin)
        ));
    }
    out
}

/// Renders the platform page.
pub fn render(p: &Page, state: &State, council: Option<&Hash>) -> Markup {
    let list = platform(state, council);
    let councils: Vec<(Hash, &str)> = state
        .committees
        .values()
        .filter(|c| c.kind.is_council())
        .map(|c| (c.id, c.name.as_str()))
        .collect();
    let query = council.map_or(String::new(), |c| format!("?council={}", c.to_hex()));
    let title = match council {
        Some(c) => p.ta(
            "platform-of",
            &[("name", crate::model::committee_name(state, c).into())],
        ),
        None => p.t("platform-title"),
    };
    layout(
        p,
        &title,
        html! {
            h1 { (title) }
            form.inline method="get" action="/platform" {
                label for="f-council" { (p.t("council")) }
                select id="f-council" name="council" {
                    option value="" { (p.t("whole-federation")) }
                    @for (id, name) in &councils { option value=(id.to_hex()) selected[council == Some(id)] { (name) } }
                }
                button type="submit" { (p.t("show")) }
            }
            p.exports {
                a href=(format!("/platform.md{query}")) download="platform.md" { (p.t("export-markdown")) }
                " · "
                a href=(format!("/api/platform{query}")) { (p.t("export-json")) }
            }
            @if list.is_empty() { p { (p.t("platform-empty")) } }
            ol.platform {
                @for e in &list {
                    li {
                        h2 { (e.title) }
                        p {
                            (p.t(&format!("cat-{}", lower(e.category)))) " · "
                            (p.ta("committees-count", &[("n", e.adopting.len().into())])) " · "
                            (p.ta("members-count", &[("n", e.members.into())])) " · "
                            (p.ta("supporters-count", &[("n", e.supporters.into())]))
                        }
                        p.sub { (p.t("origin")) ": " (committee_link(state, &e.origin))
                            @if !e.merged.is_empty() { " · " (p.ta("merged-count", &[("n", e.merged.len().into())])) } }
                        details {
                            summary { (p.t("adopted-by")) }
                            ul { @for c in &e.adopting { li { (committee_link(state, c)) } } }
                        }
                    }
                }
            }
        },
    )
}
