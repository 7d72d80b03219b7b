//! The chart over time: one row per day, dated in full in the page's
//! language, with the people on strike and at rallies as two bars on a
//! shared, labelled axis of people, and the count of each beside its bar.
//! Rows stack down the page, so the chart stays legible on a phone
//! however many days it covers.

use super::figures::Tally;
use crate::views::Page;
use maud::{Markup, html};
use std::collections::BTreeMap;

const WIDTH: f64 = 360.0;
const LEFT: f64 = 8.0;
const RIGHT: f64 = 8.0;
const ROW: f64 = 78.0;
const BAR: f64 = 9.0;
const AXIS: f64 = 40.0;

/// `YYYY-MM-DD` as "2 January 2022" in the page's language.
pub fn full_date(p: &Page, day: &str) -> String {
    let mut parts = day.split('-').map(|x| x.parse::<u32>().unwrap_or(0));
    let (year, month, date) = (
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    );
    p.ta(
        "date-full",
        &[
            ("day", date.to_string().into()),
            ("month", p.t(&format!("month-{month}")).into()),
            ("year", year.to_string().into()),
        ],
    )
}

/// A round upper bound for the axis: 1, 2 or 5 times a power of ten.
fn nice_ceiling(value: u64) -> u64 {
    let mut unit = 1u64;
    loop {
        for m in [1, 2, 5] {
            if value <= unit.saturating_mul(m) {
                return unit.saturating_mul(m);
            }
        }
        if unit > u64::MAX / 10 {
            return u64::MAX;
        }
        unit *= 10;
    }
}

/// The chart of `by_day`.
pub fn render(p: &Page, by_day: &BTreeMap<String, Tally>) -> Markup {
    let top = nice_ceiling(
        by_day
            .values()
            .map(|t| t.strikers.max(t.at_rallies))
            .max()
            .unwrap_or(0)
            .max(1),
    );
    let span = WIDTH - LEFT - RIGHT;
    let x = |people: u64| LEFT + span * people as f64 / top as f64;
    let height = ROW * by_day.len() as f64 + AXIS;
    let axis_y = ROW * by_day.len() as f64 + 4.0;
    let label = p.t("chart-label");
    html! {
        figure.chart {
            svg viewBox=(format!("0 0 {WIDTH} {height:.0}")) role="img" aria-label=(label) {
                title { (label) }
                @for (i, (day, t)) in by_day.iter().enumerate() {
                    @let y0 = ROW * i as f64;
                    g data-day=(day) {
                        text.day x=(LEFT) y=(format!("{:.1}", y0 + 15.0)) { (full_date(p, day)) }
                        text.value x=(LEFT) y=(format!("{:.1}", y0 + 32.0)) {
                            (p.ta("chart-strikes", &[("n", t.strikes.into()), ("people", t.strikers.into())]))
                        }
                        rect.strike x=(LEFT) y=(format!("{:.1}", y0 + 36.0)) width=(format!("{:.1}", (x(t.strikers) - LEFT).max(1.0))) height=(BAR) {}
                        text.value x=(LEFT) y=(format!("{:.1}", y0 + 59.0)) {
                            (p.ta("chart-rallies", &[("n", t.rallies.into()), ("people", t.at_rallies.into())]))
                        }
                        rect.rally x=(LEFT) y=(format!("{:.1}", y0 + 63.0)) width=(format!("{:.1}", (x(t.at_rallies) - LEFT).max(1.0))) height=(BAR) {}
                    }
                }
                line.axis x1=(LEFT) y1=(format!("{axis_y:.1}")) x2=(format!("{:.1}", WIDTH - RIGHT)) y2=(format!("{axis_y:.1}")) {}
                @for (value, anchor) in [(0, "start"), (top / 2, "middle"), (top, "end")] {
                    line.tick x1=(format!("{:.1}", x(value))) y1=(format!("{axis_y:.1}")) x2=(format!("{:.1}", x(value))) y2=(format!("{:.1}", axis_y + 5.0)) {}
                    text.tick x=(format!("{:.1}", x(value))) y=(format!("{:.1}", axis_y + 18.0)) text-anchor=(anchor) { (p.t.num(value)) }
                }
                text.axis-title x=(format!("{:.1}", WIDTH / 2.0)) y=(format!("{:.1}", axis_y + 34.0)) text-anchor="middle" { (p.t("chart-axis-people")) }
            }
            figcaption {
                span.swatch.strike aria-hidden="true" {} " " (p.t("chart-key-strikes")) "  "
                span.swatch.rally aria-hidden="true" {} " " (p.t("chart-key-rallies"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::nice_ceiling;

    #[test]
    fn the_axis_ends_on_a_round_number() {
        assert_eq!(nice_ceiling(1), 1);
        assert_eq!(nice_ceiling(7), 10);
        assert_eq!(nice_ceiling(14_500), 20_000);
        assert_eq!(nice_ceiling(65_800), 100_000);
        assert_eq!(nice_ceiling(u64::MAX), u64::MAX);
    }
}
