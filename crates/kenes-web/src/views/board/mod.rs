//! The situation board, the home page. It leads with what needs this
//! member (votes, vouches, new alerts), then the figures now (strikes
//! apart from rallies, implausible figures flagged), the map beside the
//! areas as a tree, the chart by day, industries, the latest reports and
//! the federation's alerts.

mod areas;
pub mod chart;
pub mod figures;
mod map;
mod needs;

use super::{Page, committee_link, layout, when};
use crate::model::lower;
use figures::{Tally, count, is_plausible};
use kenes_core::Engine;
use maud::{Markup, html};

/// How many reports the board lists.
const LATEST: usize = 12;

/// A tally in words: "2 strikes, 6,000 people · 1 rally, 800 people".
pub fn tally_text(p: &Page, t: &Tally) -> String {
    let mut parts = Vec::new();
    if t.strikes > 0 {
        parts.push(p.ta(
            "tally-strikes",
            &[("n", t.strikes.into()), ("people", t.strikers.into())],
        ));
    }
    if t.rallies > 0 {
        parts.push(p.ta(
            "tally-rallies",
            &[("n", t.rallies.into()), ("people", t.at_rallies.into())],
        ));
    }
    if parts.is_empty() {
        parts.push(p.ta("tally-quiet", &[("n", t.reports.into())]));
    }
    parts.join(" · ")
}

/// [`tally_text`] as a small figure line.
pub fn tally_line(p: &Page, t: &Tally) -> Markup {
    html! { small.figures { (tally_text(p, t)) } }
}

fn industries(p: &Page, rows: &std::collections::BTreeMap<String, Tally>) -> Markup {
    let mut rows: Vec<_> = rows.iter().collect();
    rows.sort_by_key(|(name, t)| (std::cmp::Reverse(t.people()), name.to_string()));
    html! {
        table.figures-table {
            thead { tr {
                th scope="col" { (p.t("industry")) }
                th scope="col" class="num" { (p.t("strikes")) }
                th scope="col" class="num" { (p.t("col-on-strike")) }
                th scope="col" class="num" { (p.t("col-at-rallies")) }
            } }
            tbody {
                @for (name, t) in rows { tr {
                    th scope="row" { @if name.is_empty() { (p.t("territorial")) } @else { (name) } }
                    td.num { (p.t.num(t.strikes as u64)) }
                    td.num { (p.t.num(t.strikers)) }
                    td.num { (p.t.num(t.at_rallies)) }
                } }
            }
        }
    }
}

/// Renders the board; `seen` is the op count the alerts were last marked
/// seen at, `read` the announcements this member read on this node.
pub fn render(
    p: &Page,
    engine: &Engine,
    seen: usize,
    read: &std::collections::BTreeSet<kenes_core::Hash>,
) -> Markup {
    let state = engine.state();
    let figures = count(state);
    let mut attention = crate::attention::attention(engine, p.me, seen);
    if let Some(me) = p.me {
        attention.announcements = crate::deliberation::unread_announcements(engine, &me, read);
    }
    let forks = state.forks.len();
    let late = engine.arrived_late().len();
    let changed = crate::model::changed_after_close(state).count();
    let voided = engine.voided().len();
    let mine_rejected = p.me.map_or(0, |me| {
        crate::model::refused(engine)
            .into_iter()
            .filter(|&o| engine.author_at(o) == me)
            .count()
    });
    let now = &figures.now;
    let title = p.t("board-title");
    layout(
        p,
        &title,
        html! {
            h1 { (title) }
            (needs::render(p, engine, &attention))
            section.cards aria-label=(p.t("summary")) {
                div.card { strong.num { (p.t.num(now.strikes as u64)) } span { (p.ta("active-strikes", &[("n", now.strikes.into())])) } }
                div.card { strong.num { (p.t.num(now.strikers)) } span { (p.t("on-strike")) } }
                div.card { strong.num { (p.t.num(now.at_rallies)) } span { (p.t("at-rallies")) } }
                div.card { strong.num { (p.t.num(figures.reports.len() as u64)) } span { (p.t("reports")) } }
            }
            @if !figures.flagged.is_empty() {
                section.flagged role="note" aria-labelledby="flagged-h" {
                    h2 #flagged-h { (p.ta("flagged-title", &[("n", figures.flagged.len().into()), ("max", kenes_store::author::MAX_PARTICIPANTS.into())])) }
                    ul {
                        @for &i in &figures.flagged {
                            @let f = &figures.reports[i];
                            li { (committee_link(state, &f.committee.id)) ": " (p.t(&format!("kind-{}", lower(f.report.kind)))) " · " (f.report.area) " · " span.num { (p.t.num(f.report.participants)) } }
                        }
                    }
                }
            }
            section aria-labelledby="map-h" {
                h2 #map-h { (p.t("where")) }
                div.map-and-tree {
                    (map::render(p, &figures.by_area))
                    div { h3 { (p.t("by-area")) } (areas::render(p, &figures.by_area)) }
                }
            }
            section aria-labelledby="time-h" {
                h2 #time-h { (p.t("over-time")) }
                @if figures.by_day.is_empty() { p { (p.t("no-reports")) } } @else { (chart::render(p, &figures.by_day)) }
            }
            section aria-labelledby="industry-h" { h2 #industry-h { (p.t("by-industry")) } (industries(p, &figures.by_industry)) }
            section aria-labelledby="latest-h" {
                h2 #latest-h { (p.t("latest-reports")) }
                @if figures.reports.is_empty() { p { (p.t("no-reports")) } }
                ol.reports {
                    @for f in figures.reports.iter().take(LATEST) {
                        @let r = f.report;
                        li class=(format!("report {}", lower(r.status))) {
                            strong { (p.t(&format!("kind-{}", lower(r.kind)))) " · " (p.t(&format!("status-{}", lower(r.status)))) }
                            " " (r.area) " · "
                            @if is_plausible(r) { (p.ta("people", &[("n", r.participants.into())])) }
                            @else { span.flag { (p.ta("implausible", &[("n", r.participants.into())])) } }
                            br;
                            small { (p.t("updated")) " " (when(f.updated_at())) " · " (p.t("began")) " " (when(r.starts_at)) " · " (committee_link(state, &f.committee.id)) }
                            @if let Some(said) = r.history.iter().rev().find(|u| !u.text.is_empty()) { p { (crate::model::report_text(&p.keyring, f.committee.id, said)) } }
                        }
                    }
                }
            }
            @if forks + late + changed + voided + mine_rejected > 0 {
                section.alerts aria-labelledby="alerts-h" {
                    h2 #alerts-h { (p.t("alerts")) }
                    ul {
                        @if forks > 0 { li { a href="/audit" { (p.ta("alert-forks", &[("n", forks.into())])) } } }
                        @if changed > 0 { li { a href="/audit" { (p.ta("alert-changed", &[("n", changed.into())])) } } }
                        @if late > 0 { li { a href="/audit" { (p.ta("alert-late", &[("n", late.into())])) } } }
                        @if voided > 0 { li { a href="/audit" { (p.ta("alert-voided", &[("n", voided.into())])) } } }
                        @if mine_rejected > 0 { li { a href="/audit" { (p.ta("alert-mine", &[("n", mine_rejected.into())])) } } }
                    }
                }
            }
        },
    )
}
