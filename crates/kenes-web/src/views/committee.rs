//! A committee's page: members, candidates to vouch for, seats it holds,
//! proposals, demands, reports, and a form for each thing a member may do.

use super::{Page, action_form, committee_link, layout, member, select, text_input, when};
use crate::actions::{DEMAND_CATEGORIES, REPORT_KINDS, REPORT_STATUSES};
use crate::model::lower;
use kenes_core::governance::ProposalStatus;
use kenes_core::{Committee, Engine, Hash};
use maud::{Markup, html};

/// Members sorted by display name (then key), as people look for them.
fn by_name(
    state: &kenes_core::State,
    keys: &std::collections::BTreeSet<kenes_core::PublicKey>,
) -> Vec<kenes_core::PublicKey> {
    let mut sorted: Vec<_> = keys.iter().copied().collect();
    sorted.sort_by_key(|k| (state.name_of(k).unwrap_or("").to_lowercase(), *k));
    sorted
}

/// Whether `p.me` may act in `c`: a member, or for a council a seated
/// delegate or its convenor.
pub fn may_act(p: &Page, c: &Committee) -> bool {
    let Some(me) = p.me else { return false };
    c.members.contains(&me) || c.convenor == Some(me) || c.seats.values().any(|s| s.contains(&me))
}

fn proposals(p: &Page, c: &Committee) -> Markup {
    let mut list: Vec<(&Hash, &kenes_core::governance::ProposalRecord)> =
        c.proposals.iter().collect();
    list.sort_by_key(|(_, r)| std::cmp::Reverse(r.created));
    let (open, closed): (Vec<_>, Vec<_>) = list
        .into_iter()
        .partition(|(_, r)| matches!(r.status, ProposalStatus::Open));
    let row = |id: &Hash, r: &kenes_core::governance::ProposalRecord| {
        let verdict = match &r.status {
            ProposalStatus::Open => p.ta("closes-at", &[("when", when(r.closes_at).into())]),
            ProposalStatus::Closed(cl) if cl.result.passed() => p.t("passed"),
            ProposalStatus::Closed(_) => p.t("failed"),
        };
        html! {
            li {
                a href=(format!("/proposal/{}", id.to_hex())) { (r.title) }
                " " small { (p.t(&format!("pkind-{}", r.kind.label()))) " · " (verdict) }
            }
        }
    };
    html! {
        h3 { (p.t("open-proposals")) }
        @if open.is_empty() { p { (p.t("none")) } }
        ul { @for (id, r) in &open { (row(id, r)) } }
        h3 { (p.t("closed-proposals")) }
        @if closed.is_empty() { p { (p.t("none")) } }
        ul { @for (id, r) in &closed { (row(id, r)) } }
    }
}

fn propose_form(p: &Page, engine: &Engine, c: &Committee) -> Markup {
    let state = engine.state();
    let councils: Vec<(String, String)> = state
        .committees
        .values()
        .filter(|k| k.kind.is_council() && k.affiliates.contains(&c.id))
        .map(|k| (k.id.to_hex(), k.name.clone()))
        .collect();
    let mut kinds = vec![
        ("decision".to_string(), p.t("pkind-decision")),
        ("statement".to_string(), p.t("pkind-statement")),
    ];
    if !councils.is_empty() && !c.kind.is_council() {
        kinds.push(("election".into(), p.t("pkind-election")));
    }
    action_form(
        p,
        "propose",
        "card form",
        html! {
            h3 { (p.t("new-proposal")) }
            input type="hidden" name="committee" value=(c.id.to_hex());
            (select(&p.t("proposal-kind"), "kind", &kinds))
            (text_input(&p.t("title"), "title", true))
            p { label for="f-text" { (p.t("text")) } textarea id="f-text" name="text" rows="3" {} }
            p { label for="f-hours" { (p.t("voting-hours")) } input type="number" id="f-hours" name="hours" min="0" max="8760" value="24"; }
            @if !councils.is_empty() && !c.kind.is_council() {
                fieldset {
                    legend { (p.t("election-details")) }
                    (select(&p.t("council"), "council", &councils))
                    p { label for="f-seats" { (p.t("seats")) } input type="number" id="f-seats" name="seats" min="1" max="50" value="1"; }
                    p { (p.t("candidates")) }
                    ul.checks {
                        @for m in &c.members {
                            li { label { input type="checkbox" name="candidate" value=(m.to_hex()); " " (member(state, m)) } }
                        }
                    }
                }
            }
            button type="submit" { (p.t("propose")) }
        },
    )
}

/// Select options for a table of wire names, labelled by the translation
/// `{prefix}-{name}`.
fn options<T>(p: &Page, table: &[(&str, T)], prefix: &str) -> Vec<(String, String)> {
    table
        .iter()
        .map(|(name, _)| (name.to_string(), p.t(&format!("{prefix}-{name}"))))
        .collect()
}

fn demand_form(p: &Page, c: &Committee) -> Markup {
    let categories = options(p, &DEMAND_CATEGORIES, "cat");
    action_form(
        p,
        "demand",
        "card form",
        html! {
            h3 { (p.t("new-demand")) }
            input type="hidden" name="committee" value=(c.id.to_hex());
            (text_input(&p.t("title"), "title", true))
            (select(&p.t("category"), "category", &categories))
            p { label for="f-dtext" { (p.t("text")) } textarea id="f-dtext" name="text" rows="2" {} }
            button type="submit" { (p.t("put-forward")) }
        },
    )
}

fn report_form(p: &Page, c: &Committee) -> Markup {
    let kinds = options(p, &REPORT_KINDS, "kind");
    let statuses = options(p, &REPORT_STATUSES, "status");
    action_form(
        p,
        "report",
        "card form",
        html! {
            h3 { (p.t("new-report")) }
            input type="hidden" name="committee" value=(c.id.to_hex());
            (select(&p.t("report-kind"), "kind", &kinds))
            (select(&p.t("status"), "status", &statuses))
            (text_input(&p.t("area"), "area", true))
            p { label for="f-participants" { (p.t("participants")) } input type="number" id="f-participants" name="participants" min="0" value="0"; }
            p { label for="f-rtext" { (p.t("text")) } textarea id="f-rtext" name="text" rows="2" {} }
            button type="submit" { (p.t("report")) }
        },
    )
}

/// A report's status and participants, updated in place.
fn update_report_form(p: &Page, id: &Hash, r: &kenes_core::platform::ReportRecord) -> Markup {
    let (status_id, people_id) = (format!("st-{}", id.short()), format!("pp-{}", id.short()));
    action_form(
        p,
        "update_report",
        "inline",
        html! {
            input type="hidden" name="report" value=(id.to_hex());
            label for=(status_id) { (p.t("status")) }
            select id=(status_id) name="status" {
                @for (k, status) in REPORT_STATUSES {
                    option value=(k) selected[r.status == status] { (p.t(&format!("status-{k}"))) }
                }
            }
            label for=(people_id) { (p.t("participants")) }
            input type="number" id=(people_id) name="participants" min="0" value=(r.participants);
            button type="submit" class="secondary" { (p.t("update")) }
        },
    )
}

/// Renders the committee page.
pub fn render(p: &Page, engine: &Engine, c: &Committee) -> Markup {
    let state = engine.state();
    let acting = may_act(p, c);
    let is_member = p.me.is_some_and(|me| c.members.contains(&me));
    let is_candidate = p.me.is_some_and(|me| c.candidates.contains_key(&me));
    let held: Vec<(
        &Committee,
        &std::collections::BTreeSet<kenes_core::PublicKey>,
    )> = state
        .committees
        .values()
        .filter_map(|k| k.seats.get(&c.id).map(|s| (k, s)))
        .collect();
    let detail = kenes_store::kind_detail(&c.kind);
    layout(
        p,
        &c.name,
        html! {
            h1 { (c.name) }
            p.sub {
                (p.t(&format!("ckind-{}", c.kind.label())))
                @if let Some(obj) = detail.as_object() {
                    @for (k, v) in obj { @if let Some(s) = v.as_str() { @if k != "kind" && !s.is_empty() { " · " (s) } } }
                }
                " · " (p.ta("members-count", &[("n", c.members.len().into())]))
            }
            div.actions {
                @if is_member {
                    (action_form(p, "leave", "inline", html! {
                        input type="hidden" name="committee" value=(c.id.to_hex());
                        button type="submit" class="secondary" { (p.t("leave")) }
                    }))
                } @else if is_candidate {
                    (action_form(p, "join", "inline", html! {
                        input type="hidden" name="committee" value=(c.id.to_hex());
                        button type="submit" { (p.t("join")) }
                    }))
                }
            }
            div.columns {
                section aria-labelledby="members-h" {
                    h2 #members-h { (p.t("members")) }
                    @if let Some(convenor) = &c.convenor { p { (p.t("convenor")) ": " (member(state, convenor)) } }
                    ul { @for m in &by_name(state, &c.members) { li { (member(state, m)) } } }
                    @if !c.candidates.is_empty() {
                        h3 { (p.ta("candidates-need", &[("n", c.vouches_needed().into())])) }
                        ul {
                            @for (k, vouchers) in &c.candidates {
                                li {
                                    (member(state, k)) " " small { (p.ta("vouches-count", &[("n", vouchers.len().into())])) }
                                    @if is_member && p.me.is_some_and(|me| !vouchers.contains(&me)) {
                                        (action_form(p, "vouch", "inline", html! {
                                            input type="hidden" name="committee" value=(c.id.to_hex());
                                            input type="hidden" name="pubkey" value=(k.to_hex());
                                            button type="submit" aria-label=(format!("{} {}", p.t("vouch"), state.name_of(k).unwrap_or(""))) { (p.t("vouch")) }
                                        }))
                                    }
                                }
                            }
                        }
                    }
                    @if is_member {
                        (action_form(p, "vouch", "form", html! {
                            input type="hidden" name="committee" value=(c.id.to_hex());
                            (text_input(&p.t("vouch-key"), "pubkey", true))
                            button type="submit" { (p.t("vouch")) }
                        }))
                    }
                }
                section aria-labelledby="seats-h" {
                    h2 #seats-h { (p.t("seats")) }
                    @if c.kind.is_council() {
                        @if c.seats.is_empty() { p { (p.t("no-seats")) } }
                        table {
                            thead { tr { th scope="col" { (p.t("committee")) } th scope="col" { (p.t("delegates")) } } }
                            tbody {
                                @for a in &c.affiliates { tr {
                                    td { (committee_link(state, a)) }
                                    td { @for d in c.seats.get(a).into_iter().flatten() { (member(state, d)) " " } }
                                } }
                            }
                        }
                    } @else {
                        @if held.is_empty() { p { (p.t("no-seats-held")) } }
                        ul { @for (k, s) in &held { li { (committee_link(state, &k.id)) ": " @for d in s.iter() { (member(state, d)) " " } } } }
                    }
                }
            }
            section aria-labelledby="proposals-h" {
                h2 #proposals-h { (p.t("proposals")) }
                (proposals(p, c))
                @if acting { (propose_form(p, engine, c)) }
            }
            section aria-labelledby="demands-h" {
                h2 #demands-h { (p.t("demands")) }
                @if c.demands.is_empty() { p { (p.t("none")) } }
                ul {
                    @for (id, d) in &c.demands {
                        li {
                            strong { (d.title) } " " small { (p.t(&format!("cat-{}", lower(d.category)))) " · " (p.ta("supporters-count", &[("n", d.supporters.len().into())])) }
                            @if c.adopted.contains(id) { " · " (p.t("adopted")) }
                            @if p.me.is_some_and(|me| !d.supporters.contains(&me)) {
                                (action_form(p, "support", "inline", html! {
                                    input type="hidden" name="demand" value=(id.to_hex());
                                    button type="submit" class="secondary" { (p.t("support")) }
                                }))
                            }
                        }
                    }
                }
                @if acting && !c.kind.is_council() { (demand_form(p, c)) }
            }
            section aria-labelledby="reports-h" {
                h2 #reports-h { (p.t("reports")) }
                @if c.reports.is_empty() { p { (p.t("none")) } }
                ul {
                    @for (id, r) in &c.reports {
                        li {
                            strong { (p.t(&format!("kind-{}", lower(r.kind)))) " · " (p.t(&format!("status-{}", lower(r.status)))) }
                            " " (r.area) " · " (p.ta("people", &[("n", r.participants.into())])) " · " small { (when(r.starts_at)) }
                            @if acting && !c.kind.is_council() { (update_report_form(p, id, r)) }
                        }
                    }
                }
                @if acting && !c.kind.is_council() { (report_form(p, c)) }
            }
        },
    )
}
