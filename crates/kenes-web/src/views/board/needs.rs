//! "Needs you", at the top of the board: open proposals waiting for this
//! member's vote, candidates waiting for their vouch (with the vouch
//! button in place), and alerts since they last marked them seen.

use crate::attention::{Alert, Attention};
use crate::explain;
use crate::views::{Page, action_form, committee_link, member, when};
use kenes_core::Engine;
use maud::{Markup, html};

/// How many alerts are listed before "and N more".
const SHOWN_ALERTS: usize = 8;

fn alert(p: &Page, engine: &Engine, a: &Alert) -> Markup {
    let state = engine.state();
    match a {
        Alert::Refused { kind, reason, .. } => html! {
            a href="/audit" { (p.ta("needs-refused", &[("kind", explain::op_kind(p.t, kind).into()), ("reason", explain::reject(p.t, reason).into())])) }
        },
        Alert::Voided { kind, .. } => html! {
            a href="/audit" { (p.ta("needs-voided", &[("kind", explain::op_kind(p.t, kind).into())])) }
        },
        Alert::Forked { member: key } => html! {
            a href="/audit" { (p.t("needs-forked")) } " " (member(p, state, key))
        },
        Alert::Late { kind, .. } => html! {
            a href="/audit" { (p.ta("needs-late", &[("kind", explain::op_kind(p.t, kind).into())])) }
        },
        Alert::RevisedAfterVote { proposal } => html! {
            a href=(format!("/proposal/{}", proposal.to_hex())) { (p.t("needs-revised")) }
        },
        Alert::ChangedAfterClose { proposal } => html! {
            a href=(format!("/proposal/{}", proposal.to_hex())) { (p.t("needs-changed")) }
        },
    }
}

/// The section.
pub fn render(p: &Page, engine: &Engine, a: &Attention) -> Markup {
    let state = engine.state();
    html! {
        section.needs #needs aria-labelledby="needs-h" {
            h2 #needs-h { (p.t("needs-you")) }
            @if p.me.is_none() {
                p { (p.t("needs-locked")) }
            } @else if a.is_empty() {
                p.calm { (p.t("needs-nothing")) }
            }
            @if !a.announcements.is_empty() {
                h3 { (p.ta("needs-announcements", &[("n", a.announcements.len().into())])) }
                (crate::views::discussion::pinned(p, engine, &a.announcements))
            }
            @if !a.open_votes.is_empty() {
                h3 { (p.ta("needs-votes", &[("n", a.open_votes.len().into())])) }
                ul.needs-list {
                    @for v in &a.open_votes {
                        li {
                            a.big href=(format!("/proposal/{}", v.id.to_hex())) { (crate::views::proposal_title(p, state, &v.id, v.record)) }
                            br;
                            small { (committee_link(state, &v.committee.id)) " · " (p.ta("closes-at", &[("when", when(v.record.closes_at).into())])) }
                        }
                    }
                }
            }
            @if !a.candidates.is_empty() {
                h3 { (p.ta("needs-vouches", &[("n", a.candidates.len().into())])) }
                ul.needs-list {
                    @for w in &a.candidates {
                        li {
                            (member(p, state, &w.candidate)) " → " (committee_link(state, &w.committee.id))
                            " " small { (p.ta("vouches-of", &[("n", w.vouches.into()), ("need", w.needed.into())])) }
                            (action_form(p, "vouch", &format!("vouch-{}-{}", w.committee.id.short(), w.candidate.short()), "inline", html! {
                                input type="hidden" name="committee" value=(w.committee.id.to_hex());
                                input type="hidden" name="pubkey" value=(w.candidate.to_hex());
                                button type="submit" aria-label=(format!("{} {}", p.t("vouch"), p.name(state, &w.candidate).as_deref().unwrap_or(""))) { (p.t("vouch")) }
                            }))
                        }
                    }
                }
            }
            @if !a.alerts.is_empty() {
                h3 { (p.ta("needs-alerts", &[("n", a.alerts.len().into())])) }
                ul.needs-list {
                    @for x in a.alerts.iter().take(SHOWN_ALERTS) { li { (alert(p, engine, x)) } }
                    @if a.alerts.len() > SHOWN_ALERTS {
                        li { a href="/audit" { (p.ta("and-more", &[("n", (a.alerts.len() - SHOWN_ALERTS).into())])) } }
                    }
                }
                (action_form(p, "mark_seen", "mark-seen", "inline", html! {
                    button type="submit" class="secondary" { (p.t("mark-seen")) }
                }))
            }
        }
    }
}
