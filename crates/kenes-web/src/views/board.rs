//! The situation board, the home page: strikes and actions by area,
//! industry and day, a chart over time, the latest reports, and alerts.

use super::{Page, committee_link, layout, when};
use crate::model::lower;
use kenes_core::Engine;
use kenes_core::platform::{Grouping, SituationRow, situation};
use maud::{Markup, html};

/// How many reports the board lists.
const LATEST: usize = 12;

fn table(p: &Page, heading: &str, rows: &[SituationRow]) -> Markup {
    html! {
        table {
            thead { tr {
                th scope="col" { (heading) }
                th scope="col" { (p.t("strikes")) }
                th scope="col" { (p.t("participants")) }
                th scope="col" { (p.t("committees")) }
                th scope="col" { (p.t("reports")) }
            } }
            tbody {
                @for r in rows { tr {
                    th scope="row" { (r.key) }
                    td { (r.active_strikes) } td { (r.participants) } td { (r.committees) } td { (r.reports) }
                } }
            }
        }
    }
}

/// Bars: strikes per day; line: participants per day, on its own scale.
fn chart(p: &Page, days: &[SituationRow]) -> Markup {
    let (w, h, pad) = (640.0_f64, 220.0_f64, 36.0_f64);
    let n = days.len().max(1) as f64;
    let slot = (w - 2.0 * pad) / n;
    let max_strikes = days
        .iter()
        .map(|d| d.active_strikes)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let max_people = days
        .iter()
        .map(|d| d.participants)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let y = |v: f64, max: f64| h - pad - v / max * (h - 2.0 * pad);
    let line: Vec<String> = days
        .iter()
        .enumerate()
        .map(|(i, d)| {
            format!(
                "{:.1},{:.1}",
                pad + slot * (i as f64 + 0.5),
                y(d.participants as f64, max_people)
            )
        })
        .collect();
    let label = p.t("chart-label");
    html! {
        figure.chart {
            svg viewBox=(format!("0 0 {w} {h}")) role="img" aria-label=(label) {
                title { (label) }
                line x1=(pad) y1=(h - pad) x2=(w - pad) y2=(h - pad) class="axis" {}
                @for (i, d) in days.iter().enumerate() {
                    @let x = pad + slot * i as f64 + slot * 0.15;
                    @let top = y(d.active_strikes as f64, max_strikes);
                    rect class="bar" x=(format!("{x:.1}")) y=(format!("{top:.1}")) width=(format!("{:.1}", slot * 0.7)) height=(format!("{:.1}", h - pad - top)) {
                        title { (d.key) ": " (d.active_strikes) " " (p.t("strikes")) ", " (d.participants) " " (p.t("participants")) }
                    }
                    text x=(format!("{:.1}", pad + slot * (i as f64 + 0.5))) y=(format!("{:.1}", h - pad + 16.0)) text-anchor="middle" { (d.key.get(5..).unwrap_or(&d.key)) }
                    text class="value" x=(format!("{:.1}", pad + slot * (i as f64 + 0.5))) y=(format!("{:.1}", top - 4.0)) text-anchor="middle" { (d.active_strikes) }
                }
                polyline class="people" points=(line.join(" ")) {}
                text x=(pad) y="16" { (p.t("chart-max-people")) ": " (max_people as u64) }
            }
            figcaption {
                span.key-bar { "■" } " " (p.t("strikes")) "  "
                span.key-line { "—" } " " (p.t("participants"))
            }
        }
    }
}

/// Renders the board.
pub fn render(p: &Page, engine: &Engine) -> Markup {
    let state = engine.state();
    let by_area = situation(state, Grouping::Area);
    let by_industry = situation(state, Grouping::Industry);
    let by_day = situation(state, Grouping::Day);
    // Areas nest (a region's row includes its towns), industries do not:
    // the totals come from the industry rows, where each report counts once.
    let total_strikes: usize = by_industry.iter().map(|r| r.active_strikes).sum();
    let total_people: u64 = by_industry.iter().map(|r| r.participants).sum();
    let mut reports: Vec<_> = state
        .committees
        .values()
        .flat_map(|c| c.reports.iter().map(move |(id, r)| (c, id, r)))
        .collect();
    reports.sort_by_key(|(_, id, r)| {
        (
            std::cmp::Reverse(
                r.history
                    .last()
                    .map_or(r.starts_at, |u| u.time.max(r.starts_at)),
            ),
            **id,
        )
    });
    let forks = state.forks.len();
    let late = engine.arrived_late().len();
    let changed = crate::model::changed_after_close(state).count();
    let voided = engine.voided().len();
    let mine_rejected = p.me.map_or(0, |me| {
        crate::model::refused(engine)
            .filter(|e| e.op.fields.author == me)
            .count()
    });
    let title = p.t("board-title");
    layout(
        p,
        &title,
        html! {
            h1 { (title) }
            section.cards aria-label=(p.t("summary")) {
                div.card { strong { (total_strikes) } span { (p.t("active-strikes")) } }
                div.card { strong { (total_people) } span { (p.t("participants")) } }
                div.card { strong { (reports.len()) } span { (p.t("reports")) } }
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
            section aria-labelledby="time-h" {
                h2 #time-h { (p.t("over-time")) }
                @if by_day.is_empty() { p { (p.t("no-reports")) } } @else { (chart(p, &by_day)) }
            }
            section aria-labelledby="industry-h" { h2 #industry-h { (p.t("by-industry")) } (table(p, &p.t("industry"), &by_industry)) }
            section aria-labelledby="area-h" { h2 #area-h { (p.t("by-area")) } (table(p, &p.t("area"), &by_area)) }
            section aria-labelledby="latest-h" {
                h2 #latest-h { (p.t("latest-reports")) }
                @if reports.is_empty() { p { (p.t("no-reports")) } }
                ol.reports {
                    @for (c, _, r) in reports.iter().take(LATEST) {
                        li class=(format!("report {}", lower(r.status))) {
                            strong { (p.t(&format!("kind-{}", lower(r.kind)))) " · " (p.t(&format!("status-{}", lower(r.status)))) }
                            " " (r.area) " · " (p.ta("people", &[("n", r.participants.into())]))
                            br;
                            small { (when(r.starts_at)) " · " (committee_link(state, &c.id)) }
                            @if let Some(last) = r.history.last() { @if !last.text.is_empty() { p { (last.text) } } }
                        }
                    }
                }
            }
        },
    )
}
