//! A committee's page: members, candidates to vouch for, seats it holds,
//! proposals, demands, reports, and a form for each thing a member may do.

use super::{
    Page, action_form, committee_link, layout, member, select, text_area, text_input, when,
};
use crate::actions::{DEMAND_CATEGORIES, REPORT_KINDS, REPORT_STATUSES};
use crate::model::lower;
use kenes_core::governance::ProposalStatus;
use kenes_core::validate::{MAX_FIELD_BYTES, MAX_NAME_BYTES, MAX_TEXT_BYTES};
use kenes_core::{Committee, Engine, Hash};
use kenes_store::author::MAX_PARTICIPANTS;
use maud::{Markup, html};

/// Members sorted by display name (then key), as people look for them.
fn by_name(
    p: &Page,
    state: &kenes_core::State,
    keys: &std::collections::BTreeSet<kenes_core::PublicKey>,
) -> Vec<kenes_core::PublicKey> {
    let mut sorted: Vec<_> = keys.iter().copied().collect();
    sorted.sort_by_key(|k| (p.name(state, k).as_deref().unwrap_or("").to_lowercase(), *k));
    sorted
}

/// Whether `p.me` may act in `c`: a member, or for a council a seated
/// delegate or its convenor.
pub fn may_act(p: &Page, c: &Committee) -> bool {
    let Some(me) = p.me else { return false };
    c.members.contains(&me) || c.convenor == Some(me) || c.seats.values().any(|s| s.contains(&me))
}

fn proposals(p: &Page, p_state: &kenes_core::State, c: &Committee) -> Markup {
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
                a href=(format!("/proposal/{}", id.to_hex())) { (super::proposal_title(p, p_state, id, r)) }
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

/// The "new proposal" menu (a form per kind, see [`super::forms`]) and,
/// for the most common kind, a decision form right here.
fn propose_form(p: &Page, engine: &Engine, c: &Committee) -> Markup {
    let f = "propose";
    html! {
        h3 { (p.t("new-proposal")) }
        (super::forms::proposal_menu(p, engine.state(), c))
        (action_form(
            p,
            "propose",
            f,
            "card form",
            html! {
                h4 { (p.t("pkind-decision")) }
                input type="hidden" name="committee" value=(c.id.to_hex());
                input type="hidden" name="kind" value="decision";
                (text_input(p, f, &p.t("title"), "title", true, MAX_NAME_BYTES))
                (text_area(f, &p.t("text"), "text", 3, MAX_TEXT_BYTES, ""))
                p { label for="propose-hours" { (p.t("voting-hours")) } input type="number" id="propose-hours" name="hours" min="0" max=(crate::actions::MAX_HOURS) value="24"; }
                button type="submit" { (p.t("propose")) }
            },
        ))
    }
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
    let f = "demand";
    action_form(
        p,
        "demand",
        f,
        "card form",
        html! {
            h3 { (p.t("new-demand")) }
            input type="hidden" name="committee" value=(c.id.to_hex());
            (text_input(p, f, &p.t("title"), "title", true, MAX_NAME_BYTES))
            (select(f, &p.t("category"), "category", &categories))
            (text_area(f, &p.t("text"), "text", 2, MAX_TEXT_BYTES, ""))
            button type="submit" { (p.t("put-forward")) }
        },
    )
}

/// The areas a report may name: the committee's own first, then every
/// area already reported or held by a committee (free text still works).
fn known_areas(state: &kenes_core::State, c: &Committee) -> Vec<String> {
    let own = committee_area(c);
    let mut known: std::collections::BTreeSet<String> = state
        .committees
        .values()
        .flat_map(|k| {
            k.reports
                .values()
                .map(|r| r.area.clone())
                .chain(committee_area(k))
        })
        .collect();
    let mut list: Vec<String> = own.clone().into_iter().collect();
    if let Some(own) = &own {
        known.remove(own);
    }
    list.extend(known);
    list
}

fn committee_area(c: &Committee) -> Option<String> {
    match &c.kind {
        kenes_core::body::CommitteeKind::Territorial { area }
        | kenes_core::body::CommitteeKind::Production { area, .. } => Some(area.clone()),
        kenes_core::body::CommitteeKind::Council {
            scope: kenes_core::body::CouncilScope::Area(area),
        } => Some(area.clone()),
        _ => None,
    }
}

/// A participants field: a whole number up to the authoring bound.
fn participants_input(p: &Page, id: &str, value: u32) -> Markup {
    html! {
        label for=(id) { (p.t("participants")) }
        input type="number" id=(id) name="participants" min="0" max=(MAX_PARTICIPANTS) step="1" inputmode="numeric" value=(value);
    }
}

fn report_form(p: &Page, state: &kenes_core::State, c: &Committee) -> Markup {
    let kinds = options(p, &REPORT_KINDS, "kind");
    let statuses = options(p, &REPORT_STATUSES, "status");
    let areas = known_areas(state, c);
    let f = "report";
    action_form(
        p,
        "report",
        f,
        "card form",
        html! {
            h3 { (p.t("new-report")) }
            input type="hidden" name="committee" value=(c.id.to_hex());
            (select(f, &p.t("report-kind"), "kind", &kinds))
            (select(f, &p.t("status"), "status", &statuses))
            p {
                label for="report-area" { (p.t("area")) }
                input type="text" id="report-area" name="area" required list="known-areas" maxlength=(MAX_FIELD_BYTES) data-maxbytes=(MAX_FIELD_BYTES) value=(areas.first().map(String::as_str).unwrap_or("")) aria-describedby="report-area-hint";
                small.hint #report-area-hint { (p.t("area-hint")) }
                datalist #known-areas { @for a in &areas { option value=(a) {} } }
            }
            p { (participants_input(p, "report-participants", 0)) small.hint { (p.ta("participants-hint", &[("max", MAX_PARTICIPANTS.into())])) } }
            (text_area(f, &p.t("text"), "text", 2, MAX_TEXT_BYTES, ""))
            (select(f, &p.t("report-reach"), "reach", &[
                ("federation".to_string(), p.t("report-reach-federation")),
                ("committee".to_string(), p.t("report-reach-committee")),
            ]))
            button type="submit" { (p.t("report")) }
        },
    )
}

/// A report's status, participants and text, updated in place; the text
/// field holds what was last said, to keep or edit.
fn update_report_form(
    p: &Page,
    committee: &Hash,
    id: &Hash,
    r: &kenes_core::platform::ReportRecord,
) -> Markup {
    let form = format!("update-{}", id.short());
    // What was last said, as this reader reads it; never the notice of a
    // sealed text they cannot open.
    let said = r
        .history
        .iter()
        .rev()
        .find(|u| !u.text.is_empty())
        .and_then(|u| {
            p.keyring
                .read(
                    &u.text,
                    &kenes_core::keyring::report_text(*committee, u.author),
                )
                .map(|t| t.into_owned())
        })
        .unwrap_or_default();
    action_form(
        p,
        "update_report",
        &form,
        "form compact",
        html! {
            input type="hidden" name="report" value=(id.to_hex());
            p {
                label for=(format!("{form}-status")) { (p.t("status")) }
                select id=(format!("{form}-status")) name="status" {
                    @for (k, status) in REPORT_STATUSES {
                        option value=(k) selected[r.status == status] { (p.t(&format!("status-{k}"))) }
                    }
                }
            }
            p { (participants_input(p, &format!("{form}-participants"), r.participants)) }
            (text_area(&form, &p.t("text"), "text", 2, MAX_TEXT_BYTES, &said))
            @if r.committee_only() { p.sub { (p.t("report-committee-only-kept")) } }
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
        .filter_map(|k| k.seats.get(&c.id).map(|s| (&**k, s)))
        .collect();
    let detail = kenes_store::kind_detail(&c.kind);
    let discussed = kenes_core::discussion::reply_counts(&c.discussion);
    layout(
        p,
        &c.name,
        html! {
            h1 { (c.name) }
            (super::discussion::committee_line(p, c))
            p.sub {
                (p.t(&format!("ckind-{}", c.kind.label())))
                @if let Some(obj) = detail.as_object() {
                    @for (k, v) in obj { @if let Some(s) = v.as_str() { @if k != "kind" && !s.is_empty() { " · " (s) } } }
                }
                " · " (p.ta("members-count", &[("n", c.members.len().into())]))
            }
            div.actions {
                @if is_member {
                    (action_form(p, "leave", "leave", "inline", html! {
                        input type="hidden" name="committee" value=(c.id.to_hex());
                        button type="submit" class="secondary" { (p.t("leave")) }
                    }))
                } @else if is_candidate {
                    (action_form(p, "join", "join", "inline", html! {
                        input type="hidden" name="committee" value=(c.id.to_hex());
                        button type="submit" { (p.t("join")) }
                    }))
                }
            }
            div.columns {
                section aria-labelledby="members-h" {
                    h2 #members-h { (p.t("members")) }
                    @if let Some(convenor) = &c.convenor { p { (p.t("convenor")) ": " (member(p, state, convenor)) } }
                    ul { @for m in &by_name(p, state, &c.members) { li { (member(p, state, m)) } } }
                    @if !c.candidates.is_empty() {
                        h3 { (p.ta("candidates-need", &[("n", c.vouches_needed().into())])) }
                        ul {
                            @for (k, vouchers) in &c.candidates {
                                li {
                                    (member(p, state, k)) " " small { (p.ta("vouches-count", &[("n", vouchers.len().into())])) }
                                    @if is_member && p.me.is_some_and(|me| !vouchers.contains(&me)) {
                                        (action_form(p, "vouch", &format!("vouch-{}", k.short()), "inline", html! {
                                            input type="hidden" name="committee" value=(c.id.to_hex());
                                            input type="hidden" name="pubkey" value=(k.to_hex());
                                            button type="submit" aria-label=(format!("{} {}", p.t("vouch"), p.name(state, k).as_deref().unwrap_or(""))) { (p.t("vouch")) }
                                        }))
                                    }
                                }
                            }
                        }
                    }
                    @if is_member {
                        (action_form(p, "vouch", "vouch-key", "form", html! {
                            input type="hidden" name="committee" value=(c.id.to_hex());
                            (super::key_input("vouch-key", &p.t("vouch-key"), "pubkey"))
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
                                    td { @for d in c.seats.get(a).into_iter().flatten() { (member(p, state, d)) " " } }
                                } }
                            }
                        }
                    } @else {
                        @if held.is_empty() { p { (p.t("no-seats-held")) } }
                        ul { @for (k, s) in &held { li { (committee_link(state, &k.id)) ": " @for d in s.iter() { (member(p, state, d)) " " } } } }
                    }
                }
            }
            section aria-labelledby="proposals-h" {
                h2 #proposals-h { (p.t("proposals")) }
                (proposals(p, state, c))
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
                            " · " (super::discussion::link(p, id, &discussed))
                            @if p.me.is_some_and(|me| !d.supporters.contains(&me)) {
                                (action_form(p, "support", &format!("support-{}", id.short()), "inline", html! {
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
                            " " (r.area) " · "
                            @if super::board::figures::is_plausible(r) { (p.ta("people", &[("n", r.participants.into())])) }
                            @else { span.flag { (p.ta("implausible", &[("n", r.participants.into())])) } }
                            " · " small { (when(r.starts_at)) }
                            " · " (super::discussion::link(p, id, &discussed))
                            @if acting && !c.kind.is_council() { (update_report_form(p, &c.id, id, r)) }
                        }
                    }
                }
                @if acting && !c.kind.is_council() { (report_form(p, state, c)) }
            }
        },
    )
}
