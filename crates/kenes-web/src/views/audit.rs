//! The audit page: ops rejected or voided with their reasons, forked
//! members, ops that arrived late, outcomes changed after closing.

use super::{Page, layout, member, when};
use kenes_core::{Engine, VoidReason};
use maud::{Markup, html};

/// Renders the audit page.
pub fn render(p: &Page, engine: &Engine) -> Markup {
    let state = engine.state();
    let rejected = engine.rejected();
    let removed_proposers: Vec<u32> = engine
        .removal_verdicts()
        .iter()
        .filter(|(_, v)| v.result.failure == Some(kenes_core::tally::Failure::RemovedProposer))
        .map(|(&o, _)| o)
        .collect();
    let changed: Vec<_> = crate::model::changed_after_close(state).collect();
    let title = p.t("audit-title");
    layout(
        p,
        &title,
        html! {
            h1 { (title) }
            section aria-labelledby="forks-h" {
                h2 #forks-h { (p.t("forked-members")) }
                @if state.forks.is_empty() { p { (p.t("none")) } }
                ul { @for (k, seqs) in &state.forks { li { (member(p, state, k)) " " (p.ta("forked-at", &[("name", seqs.iter().map(u64::to_string).collect::<Vec<_>>().join(", ").into())])) } } }
            }
            section aria-labelledby="changed-h" {
                h2 #changed-h { (p.t("changed-title")) }
                @if changed.is_empty() { p { (p.t("none")) } }
                ul { @for (id, r) in &changed { li { a href=(format!("/proposal/{}", id.to_hex())) { (super::proposal_title(p, state, id, r)) } } } }
            }
            section aria-labelledby="late-h" {
                h2 #late-h { (p.t("late-title")) }
                @if engine.arrived_late().is_empty() { p { (p.t("none")) } }
                ul {
                    @for &o in engine.arrived_late() {
                        @let e = &engine.entries()[o as usize];
                        li { (crate::explain::op_kind(p.t, engine.decoded(e).fields.body.label())) " · " (member(p, state, &engine.author_of(e))) " · " (when(engine.decoded(e).fields.time)) }
                    }
                }
            }
            section aria-labelledby="voided-h" {
                h2 #voided-h { (p.t("voided-title")) }
                @if engine.voided().is_empty() { p { (p.t("none")) } }
                @else {
                    table {
                        thead { tr { th scope="col" { (p.t("op")) } th scope="col" { (p.t("author")) } th scope="col" { (p.t("kind")) } th scope="col" { (p.t("reason")) } } }
                        tbody {
                            @for (&o, reason) in engine.voided() {
                                @let e = &engine.entries()[o as usize];
                                tr {
                                    td { code { (e.id.short()) } }
                                    td { (member(p, state, &engine.author_of(e))) }
                                    td { (crate::explain::op_kind(p.t, engine.decoded(e).fields.body.label())) }
                                    td { (void_cause(p, state, &engine.author_of(e), reason)) }
                                }
                            }
                        }
                    }
                }
            }
            @if !removed_proposers.is_empty() {
                section aria-labelledby="removed-proposer-h" {
                    h2 #removed-proposer-h { (p.t("removed-proposer-title")) }
                    ul {
                        @for &o in &removed_proposers {
                            @let e = &engine.entries()[o as usize];
                            li { code { (e.id.short()) } " · " (member(p, state, &engine.author_of(e))) " · " (when(engine.decoded(e).fields.time)) }
                        }
                    }
                }
            }
            section aria-labelledby="rejected-h" {
                h2 #rejected-h { (p.t("rejected-title")) }
                @if rejected.is_empty() { p { (p.t("none")) } }
                @else {
                    table {
                        thead { tr { th scope="col" { (p.t("op")) } th scope="col" { (p.t("author")) } th scope="col" { (p.t("kind")) } th scope="col" { (p.t("reason")) } } }
                        tbody {
                            @for &o in &rejected { @let e = &engine.entries()[o as usize]; tr {
                                td { code { (e.id.short()) } }
                                td { (member(p, state, &engine.author_of(e))) }
                                td { (crate::explain::op_kind(p.t, engine.decoded(e).fields.body.label())) }
                                td { (crate::explain::outcome(p.t, &engine.outcome_at(o))) }
                            } }
                        }
                    }
                }
            }
        },
    )
}

/// What voided an op, in words, with a link to the removal.
fn void_cause(
    p: &Page,
    state: &kenes_core::State,
    author: &kenes_core::PublicKey,
    reason: &VoidReason,
) -> Markup {
    match reason {
        VoidReason::Removal { proposal } => {
            let (committee, title) = crate::model::removal_named(state, &p.keyring, proposal);
            let title = title.unwrap_or_else(|| proposal.short());
            let name = committee.map(|c| c.name.clone()).unwrap_or_default();
            html! {
                a href=(format!("/proposal/{}", proposal.to_hex())) {
                    (p.ta("voided-by-removal", &[("title", title.into()), ("committee", name.into())]))
                }
            }
        }
        VoidReason::Fork { author, seq } => html! {
            (p.ta("voided-by-fork", &[("name", crate::model::member_name(&p.keyring, state, author).into()), ("seq", (*seq).into())]))
        },
        VoidReason::VoidVouch { .. } => html! {
            (p.ta("voided-by-vouch", &[("name", crate::model::member_name(&p.keyring, state, author).into())]))
        },
    }
}
