//! A proposal's page: the question, the live or final tally against its
//! quorum and threshold, the vote (a choice, or a ranking by numbered
//! selects for elections: no dragging), closing, the result with its
//! reason, and for council proposals the mandate report.

use super::{Page, action_form, committee_link, layout, member, when};
use kenes_core::body::{Ballot, ProposalKind};
use kenes_core::governance::{ProposalRecord, ProposalResult, ProposalStatus};
use kenes_core::tally::Choice;
use kenes_core::{Committee, Engine, Hash};
use maud::{Markup, html};

fn tally(p: &Page, r: &ProposalResult, record: &ProposalRecord) -> Markup {
    let c = &r.count;
    let e = &record.electorate;
    html! {
        table.tally {
            tbody {
                tr { th scope="row" { (p.t("yes")) } td { (c.yes.to_string()) } }
                tr { th scope="row" { (p.t("no")) } td { (c.no.to_string()) } }
                tr { th scope="row" { (p.t("abstain")) } td { (c.abstain.to_string()) } }
                @if e.consensus { tr { th scope="row" { (p.t("block")) } td { (c.block.to_string()) } } }
                tr { th scope="row" { (p.t("electorate")) } td { (c.electorate.to_string()) } }
                tr { th scope="row" { (p.t("quorum")) } td { (e.quorum.0) "/" (e.quorum.1) } }
                tr { th scope="row" { (p.t("threshold")) } td { (p.t(&format!("threshold-{}", crate::model::lower(e.threshold)))) @if e.consensus { " · " (p.t("consensus")) } } }
            }
        }
    }
}

fn verdict(p: &Page, r: &ProposalResult, open: bool) -> Markup {
    let state_key = match (open, r.passed()) {
        (true, true) => "would-pass",
        (true, false) => "would-fail",
        (false, true) => "passed",
        (false, false) => "failed",
    };
    html! {
        p class=(if r.passed() { "verdict pass" } else { "verdict fail" }) role="status" {
            strong { (p.t(state_key)) }
            @if let Some(f) = r.failure { ": " (f.to_string()) }
        }
    }
}

fn vote_form(p: &Page, engine: &Engine, id: &Hash, record: &ProposalRecord) -> Markup {
    let state = engine.state();
    let mine =
        p.me.and_then(|me| engine.latest_ballots(id).get(&me).cloned());
    let hidden = html! { input type="hidden" name="proposal" value=(id.to_hex()); };
    match &record.kind {
        ProposalKind::Election {
            candidates, seats, ..
        } => action_form(
            p,
            "vote",
            "card form",
            html! {
                (hidden)
                fieldset {
                    legend { (p.ta("rank-candidates", &[("seats", (*seats).into())])) }
                    @for i in 0..candidates.len() {
                        @let chosen = match &mine { Some(Ballot::Ranking(r)) => r.get(i).copied(), _ => None };
                        p {
                            label for=(format!("rank-{i}")) { (p.ta("rank-n", &[("n", (i + 1).into())])) }
                            select id=(format!("rank-{i}")) name="rank" {
                                option value="" { "—" }
                                @for k in candidates {
                                    option value=(k.to_hex()) selected[chosen == Some(*k)] { (state.name_of(k).unwrap_or("?")) " (" (k.short()) ")" }
                                }
                            }
                        }
                    }
                }
                button type="submit" { (p.t("cast-vote")) }
            },
        ),
        _ => {
            let current = match &mine {
                Some(Ballot::Choice(c)) => Some(*c),
                _ => None,
            };
            let mut choices = vec![
                (Choice::Yes, "yes"),
                (Choice::No, "no"),
                (Choice::Abstain, "abstain"),
            ];
            if record.electorate.consensus {
                choices.push((Choice::Block, "block"));
            }
            action_form(
                p,
                "vote",
                "card form",
                html! {
                    (hidden)
                    fieldset.choices {
                        legend { (p.t("your-vote")) }
                        @for (choice, key) in &choices {
                            label { input type="radio" name="choice" value=(key) required checked[current == Some(*choice)]; " " (p.t(key)) }
                        }
                    }
                    button type="submit" { (p.t("cast-vote")) }
                },
            )
        }
    }
}

/// Renders the proposal page.
pub fn render(
    p: &Page,
    engine: &Engine,
    home: &Committee,
    id: &Hash,
    record: &ProposalRecord,
) -> Markup {
    let state = engine.state();
    let open = matches!(record.status, ProposalStatus::Open);
    let in_electorate =
        p.me.is_some_and(|me| record.electorate.voters.contains_key(&me));
    let live = if open { engine.live_tally(id) } else { None };
    let mandates = crate::model::mandate_report(state, engine, home, id);
    layout(
        p,
        &record.title,
        html! {
            p.sub { (committee_link(state, &home.id)) " · " (p.t(&format!("pkind-{}", record.kind.label()))) }
            h1 { (record.title) }
            @if !record.text.is_empty() { p.text { (record.text) } }
            p.sub { (p.t("proposed-by")) " " (member(state, &record.proposer)) " · " (p.ta("closes-at", &[("when", when(record.closes_at).into())])) }
            @if let ProposalKind::Election { candidates, seats, council } = &record.kind {
                p { (p.ta("election-for", &[("seats", (*seats).into())])) " " (committee_link(state, council)) ": "
                    @for (i, k) in candidates.iter().enumerate() { @if i > 0 { ", " } (member(state, k)) } }
            }
            section aria-labelledby="result-h" {
                @match &record.status {
                    ProposalStatus::Open => {
                        h2 #result-h { (p.t("live-tally")) }
                        @if let Some(r) = &live { (verdict(p, r, true)) (tally(p, r, record)) }
                    }
                    ProposalStatus::Closed(c) => {
                        h2 #result-h { (p.t("result")) }
                        (verdict(p, &c.result, false))
                        @if c.changed_after_close { p.warning role="alert" { (p.t("changed-after-close")) } }
                        @if !c.result.elected.is_empty() {
                            p { (p.t("elected")) ": " @for (i, k) in c.result.elected.iter().enumerate() { @if i > 0 { ", " } (member(state, k)) } }
                        }
                        (tally(p, &c.result, record))
                    }
                }
            }
            @if open && in_electorate { (vote_form(p, engine, id, record)) }
            @if open && p.me.is_some() {
                (action_form(p, "close", "card form", html! {
                    input type="hidden" name="proposal" value=(id.to_hex());
                    p { (p.t("close-explain")) }
                    button type="submit" class="secondary" { (p.t("close-proposal")) }
                }))
            }
            @if !mandates.is_empty() {
                section aria-labelledby="mandate-h" {
                    h2 #mandate-h { (p.t("mandate-report")) }
                    table {
                        thead { tr { th scope="col" { (p.t("committee")) } th scope="col" { (p.t("delegate")) } th scope="col" { (p.t("mandate")) } th scope="col" { (p.t("vote")) } } }
                        tbody {
                            @for row in &mandates { tr class=(if row["followed"] == false { "deviated" } else { "" }) {
                                td { (row["committee_name"].as_str().unwrap_or("")) }
                                td { (row["delegate_name"].as_str().unwrap_or("?")) }
                                td { (row["mandate"].as_str().map(|m| p.t(m)).unwrap_or_else(|| p.t("none"))) }
                                td { (row["vote"].as_str().map(|m| p.t(m)).unwrap_or_else(|| "—".into()))
                                     @if row["followed"] == false { " " strong { (p.t("deviated")) } } }
                            } }
                        }
                    }
                }
            }
        },
    )
}
