//! A proposal's page: the question, the live or final tally against its
//! quorum and threshold (in words and numbers), the vote (a choice, or a
//! ranking by numbered selects for elections: no dragging), closing (with
//! a confirmation step), the result with its reason, and for council
//! proposals the mandate report. Elections show the Schulze ranking, the
//! pairwise table and the turnout (`election`).

mod election;

use super::{Page, action_form, committee_link, layout, member, proposal_title, when};
use crate::explain;
use kenes_core::body::{Ballot, ProposalKind};
use kenes_core::governance::{ProposalRecord, ProposalResult, ProposalStatus};
use kenes_core::tally::{Choice, Threshold};
use kenes_core::{Committee, Engine, Hash};
use maud::{Markup, html};

/// `part` of `whole` as a whole percentage (rounded down).
fn percent(part: u128, whole: u128) -> u128 {
    part.saturating_mul(100).checked_div(whole).unwrap_or(0)
}

/// The weight the quorum asks for: ⌈n/d · electorate⌉.
fn quorum_needed(r: &ProposalResult, record: &ProposalRecord) -> u128 {
    let (n, d) = (
        u128::from(record.electorate.quorum.0),
        u128::from(record.electorate.quorum.1.max(1)),
    );
    r.count
        .electorate
        .checked_mul(n)
        .map_or(r.count.electorate, |x| x.div_ceil(d))
}

/// A u128 weight in the page's language (weights beyond u64 are printed
/// as they are).
fn weight(p: &Page, w: u128) -> String {
    u64::try_from(w).map_or_else(|_| w.to_string(), |w| p.t.num(w))
}

/// Turnout, quorum and threshold, each in words and numbers.
fn rules(p: &Page, r: &ProposalResult, record: &ProposalRecord) -> Markup {
    let c = &r.count;
    let e = &record.electorate;
    let turnout = c.turnout();
    let needed = quorum_needed(r, record);
    let threshold = match e.threshold {
        Threshold::Ordinary => p.t("threshold-ordinary-words"),
        Threshold::Strong => p.t("threshold-strong-words"),
    };
    html! {
        dl.rules {
            dt { (p.t("turnout")) }
            dd { (p.ta("turnout-words", &[("cast", weight(p, turnout).into()), ("of", weight(p, c.electorate).into()), ("percent", weight(p, percent(turnout, c.electorate)).into())])) }
            dt { (p.t("quorum")) }
            dd {
                (p.ta("quorum-words", &[("needed", weight(p, needed).into()), ("of", weight(p, c.electorate).into()), ("cast", weight(p, turnout).into())]))
                @if turnout >= needed { " ✓" }
            }
            @if !matches!(record.kind, ProposalKind::Election { .. }) {
                dt { (p.t("threshold")) }
                dd { (threshold) @if e.consensus { " " (p.t("consensus")) } }
            }
        }
    }
}

fn tally(p: &Page, r: &ProposalResult, record: &ProposalRecord) -> Markup {
    let c = &r.count;
    html! {
        table.tally {
            tbody {
                tr { th scope="row" { (p.t("yes")) } td.num { (weight(p, c.yes)) } }
                tr { th scope="row" { (p.t("no")) } td.num { (weight(p, c.no)) } }
                tr { th scope="row" { (p.t("abstain")) } td.num { (weight(p, c.abstain)) } }
                @if record.electorate.consensus { tr { th scope="row" { (p.t("block")) } td.num { (weight(p, c.block)) } } }
                tr { th scope="row" { (p.t("electorate")) } td.num { (weight(p, c.electorate)) } }
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
            @if let Some(f) = r.failure { ": " (explain::failure(p.t, f)) }
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
                                    option value=(k.to_hex()) selected[chosen == Some(*k)] { (p.name(state, k).as_deref().unwrap_or("?")) " (" (k.short()) ")" }
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

/// Closing, behind a checkbox that says what closing does.
fn close_form(p: &Page, id: &Hash) -> Markup {
    action_form(
        p,
        "close",
        "close",
        "card form",
        html! {
            input type="hidden" name="proposal" value=(id.to_hex());
            p { (p.t("close-explain")) }
            p.confirm {
                input type="checkbox" id="close-confirm" name="confirm" value="yes" required;
                " " label for="close-confirm" { (p.t("close-confirm")) }
            }
            button type="submit" class="secondary" { (p.t("close-proposal")) }
        },
    )
}

/// When voting ends or ended: the closing time while open, the first
/// counting close once closed (a proposer may close early).
fn timing(p: &Page, engine: &Engine, record: &ProposalRecord) -> String {
    match &record.status {
        ProposalStatus::Open => p.ta("closes-at", &[("when", when(record.closes_at).into())]),
        ProposalStatus::Closed(c) => {
            let closed = engine
                .entry(&c.first.1)
                .map_or(record.closes_at, |e| engine.decoded(e).fields.time);
            p.ta("closed-at", &[("when", when(closed).into())])
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
    let result = match &record.status {
        ProposalStatus::Open => live.as_ref(),
        ProposalStatus::Closed(c) => Some(&c.result),
    };
    let is_election = matches!(record.kind, ProposalKind::Election { .. });
    let mandates = crate::model::mandate_report(state, engine, &p.keyring, home, id);
    let title = proposal_title(p, state, id, record);
    let text = crate::model::proposal_text(&p.keyring, home.id, record);
    // The suggest and revise forms start from the words, never from the
    // notice shown to a reader who cannot open them.
    let editable = p
        .keyring
        .read(
            &record.text,
            &kenes_core::keyring::proposal_text(home.id, record.proposer),
        )
        .unwrap_or_default();
    layout(
        p,
        &title,
        html! {
            p.sub { (committee_link(state, &home.id)) " · " (p.t(&format!("pkind-{}", record.kind.label()))) }
            h1 { (title) }
            @if !text.is_empty() { p.text { (text) } }
            (super::discussion::revision_note(p, engine, id, record))
            p.sub { (p.t("proposed-by")) " " (member(p, state, &record.proposer)) " · " (timing(p, engine, record)) }
            @if let Some(does) = super::forms::what_it_does(p, state, &record.kind) { (does) }
            @if let ProposalKind::Election { candidates, seats, council } = &record.kind {
                p { (p.ta("election-for", &[("seats", (*seats).into()), ("council", crate::model::committee_name(state, council).into())])) " "
                    @for (i, k) in candidates.iter().enumerate() { @if i > 0 { ", " } (member(p, state, k)) } }
            }
            section aria-labelledby="result-h" {
                h2 #result-h { @if open { (p.t("live-tally")) } @else { (p.t("result")) } }
                @if let Some(r) = result {
                    (verdict(p, r, open))
                    @if let ProposalStatus::Closed(c) = &record.status {
                        @if c.changed_after_close { p.warning role="alert" { (p.t("changed-after-close")) } }
                    }
                    @if !r.elected.is_empty() {
                        p { (p.t("elected")) ": " @for (i, k) in r.elected.iter().enumerate() { @if i > 0 { ", " } (member(p, state, k)) } }
                    }
                    (rules(p, r, record))
                    @if is_election { (election::render(p, engine, id, record, r)) } @else { (tally(p, r, record)) }
                }
            }
            @if open && in_electorate { (vote_form(p, engine, id, record)) }
            @if open && p.me.is_some() { (close_form(p, id)) }
            @if open { (super::discussion::proposal_forms(p, id, p.me == Some(record.proposer), &editable)) }
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
            (super::discussion::section(p, engine, home, id, 0, &format!("/discussion/{}", id.to_hex())))
        },
    )
}
