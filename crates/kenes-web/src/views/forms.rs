//! A form for each kind of proposal and of committee (issue 13): one page
//! per kind, reached from a menu of links (no script needed), each showing
//! only the fields its kind needs. Whatever can be chosen (councils,
//! seats, demands, members, council proposals) is offered as a choice
//! built from the state, never typed as an id. The forms post to `/act`
//! like every other ([`crate::actions`]).

use super::{Page, action_form, layout, text_area, text_input};
use crate::kinds::PROPOSAL_KINDS;
use kenes_core::body::{CommitteeKind, CouncilScope, ProposalKind};
use kenes_core::governance::ProposalStatus;
use kenes_core::state::PastView;
use kenes_core::validate::{MAX_FIELD_BYTES, MAX_NAME_BYTES, MAX_TEXT_BYTES};
use kenes_core::{Committee, Hash, PublicKey, State};
use maud::{Markup, html};

/// A proposal kind's wire name and the name of its label (`pkind-…`,
/// shared with the rest of the UI).
fn kind_label(wire: &str) -> &'static str {
    match wire {
        "decision" => "pkind-decision",
        "statement" => "pkind-statement",
        "policy" => "pkind-policy",
        "remove" => "pkind-removal",
        "affiliate" => "pkind-affiliate",
        "accept" => "pkind-accept-affiliation",
        "elect" => "pkind-election",
        "recall" => "pkind-recall",
        "mandate" => "pkind-mandate",
        "adopt" => "pkind-adopt-demand",
        _ => "pkind-merge-demands",
    }
}

/// `(value, label)` options of a select.
type Options = Vec<(String, String)>;

/// A member's name with their key's start, as an option's label.
fn member_label(p: &Page, state: &State, key: &PublicKey) -> String {
    match p.name(state, key) {
        Some(name) => format!("{name} {}", key.short()),
        None => format!("{} ({})", key.short(), p.t("member-unnamed")),
    }
}

/// What can be chosen in each kind's form for committee `c`: empty means
/// the kind has nothing to act on here yet (no council, no seat…).
struct Choices {
    members: Options,
    councils_to_join: Options,
    applicants: Options,
    electing_councils: Options,
    seats: Options,
    council_proposals: Options,
    demands_to_adopt: Options,
    demands: Options,
}

impl Choices {
    fn of(p: &Page, state: &State, c: &Committee) -> Choices {
        let name = |id: &Hash| crate::model::committee_name(state, id);
        let mut members: Vec<PublicKey> = c.members.iter().copied().collect();
        members.sort_by_key(|k| (p.name(state, k).as_deref().unwrap_or("").to_lowercase(), *k));
        let members: Options = members
            .iter()
            .map(|k| (k.to_hex(), member_label(p, state, k)))
            .collect();
        let councils = || {
            state
                .committees
                .values()
                .filter(move |k| k.kind.is_council() && k.id != c.id)
        };
        let councils_to_join = councils()
            .filter(|k| !k.affiliates.contains(&c.id))
            .map(|k| (k.id.to_hex(), k.name.clone()))
            .collect();
        let applicants = if c.kind.is_council() {
            state
                .committees
                .values()
                .filter(|k| k.affiliation_requests.contains(&c.id) && !c.affiliates.contains(&k.id))
                .map(|k| (k.id.to_hex(), k.name.clone()))
                .collect()
        } else {
            Vec::new()
        };
        let electing_councils = if c.members.is_empty() {
            Vec::new()
        } else {
            councils()
                .filter(|k| k.affiliates.contains(&c.id))
                .map(|k| (k.id.to_hex(), k.name.clone()))
                .collect()
        };
        let seats = councils()
            .flat_map(|k| {
                k.seats
                    .get(&c.id)
                    .into_iter()
                    .flatten()
                    .map(move |d| (k, d))
            })
            .map(|(k, d)| {
                (
                    format!("{}:{}", k.id.to_hex(), d.to_hex()),
                    format!("{} — {}", member_label(p, state, d), k.name),
                )
            })
            .collect();
        let council_proposals = councils()
            .filter(|k| k.affiliates.contains(&c.id) && c.affiliation_requests.contains(&k.id))
            .flat_map(|k| {
                k.proposals
                    .iter()
                    .filter(|(_, r)| matches!(r.status, ProposalStatus::Open))
                    .map(move |(id, r)| {
                        (
                            id.to_hex(),
                            format!(
                                "{}: {}",
                                k.name,
                                // The council's own sealed titles are its delegates'.
                                r.title
                                    .readable()
                                    .unwrap_or(kenes_core::keyring::SEALED_NOTICE)
                            ),
                        )
                    })
            })
            .collect();
        let all_demands = || {
            state.committees.values().flat_map(|k| {
                k.demands
                    .iter()
                    .map(move |(id, d)| (*id, format!("{} ({})", d.title, name(&k.id))))
            })
        };
        let demands_to_adopt = all_demands()
            .filter(|(id, _)| !c.adopted.contains(id))
            .map(|(id, label)| (id.to_hex(), label))
            .collect();
        let demands = if c.kind.is_council() {
            all_demands()
                .map(|(id, label)| (id.to_hex(), label))
                .collect()
        } else {
            Vec::new()
        };
        Choices {
            members,
            councils_to_join,
            applicants,
            electing_councils,
            seats,
            council_proposals,
            demands_to_adopt,
            demands,
        }
    }

    /// Whether kind `wire` has something to act on in this committee.
    fn offers(&self, wire: &str) -> bool {
        match wire {
            "remove" => !self.members.is_empty(),
            "affiliate" => !self.councils_to_join.is_empty(),
            "accept" => !self.applicants.is_empty(),
            "elect" => !self.electing_councils.is_empty(),
            "recall" => !self.seats.is_empty(),
            "mandate" => !self.council_proposals.is_empty(),
            "adopt" => !self.demands_to_adopt.is_empty(),
            "merge" => self.demands.len() >= 2,
            _ => true,
        }
    }
}

/// A labelled, required select of form `form`, with `selected` chosen.
fn choice(
    form: &str,
    label: &str,
    name: &str,
    options: &[(String, String)],
    selected: Option<&str>,
) -> Markup {
    let id = format!("{form}-{name}");
    html! {
        p {
            label for=(id) { (label) }
            select id=(id) name=(name) required {
                @for (value, text) in options {
                    option value=(value) selected[selected == Some(value.as_str())] { (text) }
                }
            }
        }
    }
}

/// A labelled number input of form `form`.
fn number(form: &str, label: &str, name: &str, min: u64, max: u64, value: u64) -> Markup {
    let id = format!("{form}-{name}");
    html! {
        p {
            label for=(id) { (label) }
            input type="number" id=(id) name=(name) min=(min) max=(max) step="1" inputmode="numeric" value=(value) required;
        }
    }
}

/// The menu of kinds: a link to each kind's form, the current one marked.
fn menu(p: &Page, base: &str, items: &[(&str, String)], current: &str, label: &str) -> Markup {
    html! {
        nav.kinds aria-label=(label) {
            ul {
                @for (wire, text) in items {
                    li {
                        a href=(format!("{base}?kind={wire}")) aria-current=[(*wire == current).then_some("page")] { (text) }
                    }
                }
            }
        }
        @if current.is_empty() { p { (p.t("pform-choose")) } }
    }
}

/// The fields kind `wire` needs, besides the title, text and voting time.
fn kind_fields(p: &Page, c: &Committee, choices: &Choices, f: &str, wire: &str) -> Markup {
    let choices_of_vote: Options = ["yes", "no", "abstain", "block"]
        .iter()
        .map(|v| (v.to_string(), p.t(v)))
        .collect();
    match wire {
        "statement" => html! {
            p.checks { label { input type="checkbox" name="public" value="on"; " " (p.t("pform-public")) } }
        },
        "policy" => {
            let policy = &c.policy;
            let current = format!("{}/{}", policy.quorum.0, policy.quorum.1);
            let mut quorums: Options = ["1/4", "1/3", "1/2", "2/3", "3/4", "1/1"]
                .iter()
                .map(|q| (q.to_string(), q.to_string()))
                .collect();
            if !quorums.iter().any(|(q, _)| *q == current) {
                quorums.push((current.clone(), current.clone()));
            }
            let consensus: Options = [("yes", p.t("yes")), ("no", p.t("no"))]
                .into_iter()
                .map(|(v, t)| (v.to_string(), t))
                .collect();
            html! {
                (number(f, &p.t("pform-vouches"), "vouches_required", 1, crate::actions::MAX_VOUCHES, policy.vouches_required.into()))
                (choice(f, &p.t("pform-quorum"), "quorum", &quorums, Some(&current)))
                (choice(f, &p.t("pform-consensus"), "consensus", &consensus, Some(if policy.consensus { "yes" } else { "no" })))
            }
        }
        "remove" => choice(f, &p.t("pform-member"), "member", &choices.members, None),
        "affiliate" => choice(
            f,
            &p.t("council"),
            "council",
            &choices.councils_to_join,
            None,
        ),
        "accept" => choice(
            f,
            &p.t("pform-applicant"),
            "applicant",
            &choices.applicants,
            None,
        ),
        "elect" => html! {
            (choice(f, &p.t("council"), "council", &choices.electing_councils, None))
            (number(f, &p.t("pform-seats"), "seats", 1, crate::actions::MAX_SEATS, 1))
            fieldset {
                legend { (p.t("candidates")) }
                ul.checks {
                    @for (key, label) in &choices.members {
                        li { label { input type="checkbox" name="candidate" value=(key); " " (label) } }
                    }
                }
            }
        },
        "recall" => choice(f, &p.t("pform-seat"), "seat", &choices.seats, None),
        "mandate" => html! {
            (choice(f, &p.t("pform-council-proposal"), "council_proposal", &choices.council_proposals, None))
            (choice(f, &p.t("pform-choice"), "choice", &choices_of_vote, None))
        },
        "adopt" => choice(
            f,
            &p.t("pform-demand"),
            "demand",
            &choices.demands_to_adopt,
            None,
        ),
        "merge" => html! {
            (choice(f, &p.t("pform-from"), "from", &choices.demands, None))
            (choice(f, &p.t("pform-into"), "into", &choices.demands, choices.demands.get(1).map(|(v, _)| v.as_str())))
        },
        _ => html! {},
    }
}

/// The committee page's "new proposal" menu: a link to the form of each
/// kind that has something to act on in `c` now.
pub fn proposal_menu(p: &Page, state: &State, c: &Committee) -> Markup {
    let choices = Choices::of(p, state, c);
    let offered: Vec<(&str, String)> = PROPOSAL_KINDS
        .iter()
        .filter(|w| choices.offers(w))
        .map(|w| (*w, p.t(kind_label(w))))
        .collect();
    let base = format!("/committee/{}/propose", c.id.to_hex());
    html! {
        nav.kinds #new-proposal aria-label=(p.t("new-proposal")) {
            ul {
                @for (wire, text) in &offered {
                    li { a href=(format!("{base}?kind={wire}")) { (text) } }
                }
            }
        }
    }
}

/// `/committee/{id}/propose?kind=KIND`: the menu of kinds this committee
/// can decide on now, and the form of the chosen one.
pub fn propose(p: &Page, state: &State, c: &Committee, kind: &str) -> Markup {
    let title = p.ta("pform-title", &[("name", c.name.clone().into())]);
    let choices = Choices::of(p, state, c);
    let offered: Vec<(&str, String)> = PROPOSAL_KINDS
        .iter()
        .filter(|w| choices.offers(w))
        .map(|w| (*w, p.t(kind_label(w))))
        .collect();
    let chosen = offered
        .iter()
        .find(|(w, _)| *w == kind)
        .map_or("", |(w, _)| *w);
    let base = format!("/committee/{}/propose", c.id.to_hex());
    let acting = super::committee::may_act(p, c);
    let f = format!("propose-{chosen}");
    let titled = matches!(chosen, "decision" | "statement");
    layout(
        p,
        &title,
        html! {
            h1 { (title) }
            p { a href=(format!("/committee/{}", c.id.to_hex())) { "← " (c.name) } }
            @if !acting {
                p.warning { (p.t("pform-not-member")) }
            } @else {
                (menu(p, &base, &offered, chosen, &p.t("new-proposal")))
                @if !kind.is_empty() && chosen.is_empty() {
                    p.warning role="alert" { (p.t("pform-nothing")) }
                }
                @if !chosen.is_empty() {
                    (action_form(p, "propose", &f, "card form", html! {
                        h2 { (p.t(kind_label(chosen))) }
                        p.hint { (p.t(&format!("pform-about-{chosen}"))) }
                        input type="hidden" name="committee" value=(c.id.to_hex());
                        input type="hidden" name="kind" value=(chosen);
                        (kind_fields(p, c, &choices, &f, chosen))
                        @if titled {
                            (text_input(p, &f, &p.t("title"), "title", true, MAX_NAME_BYTES))
                        } @else {
                            (text_input(p, &f, &p.t("pform-title-optional"), "title", false, MAX_NAME_BYTES))
                        }
                        (text_area(&f, &p.t("text"), "text", 3, MAX_TEXT_BYTES, ""))
                        (number(&f, &p.t("voting-hours"), "hours", 0, crate::actions::MAX_HOURS, 24))
                        button type="submit" { (p.t("propose")) }
                    }))
                }
            }
        },
    )
}

/// What a proposal of `kind` does, in the reader's language, with the
/// names it acts on (its title may be a default one in English): shown on
/// the proposal's page above the vote. `None` for a decision, whose
/// title and text say it all, and for an election, shown apart.
pub fn what_it_does(p: &Page, state: &State, kind: &ProposalKind) -> Option<Markup> {
    let committee = |id: &Hash| crate::model::committee_name(state, id);
    let who = |k: &PublicKey| member_label(p, state, k);
    let demand = |id: &Hash| {
        state
            .committees
            .values()
            .find_map(|c| c.demands.get(id))
            .map_or_else(|| id.short(), |d| d.title.clone())
    };
    let text = match kind {
        ProposalKind::Decision | ProposalKind::Election { .. } => return None,
        ProposalKind::Statement { public: false } => return None,
        ProposalKind::Statement { public: true } => p.t("pdo-statement-public"),
        ProposalKind::PolicyChange { policy } => p.ta(
            "pdo-policy",
            &[
                ("vouches", policy.vouches_required.into()),
                (
                    "quorum",
                    format!("{}/{}", policy.quorum.0, policy.quorum.1).into(),
                ),
                (
                    "consensus",
                    p.t(if policy.consensus { "yes" } else { "no" }).into(),
                ),
            ],
        ),
        ProposalKind::RemoveMember { member } => {
            p.ta("pdo-remove", &[("member", who(member).into())])
        }
        ProposalKind::Affiliate { council } => {
            p.ta("pdo-affiliate", &[("council", committee(council).into())])
        }
        ProposalKind::AcceptAffiliation { committee: asking } => {
            p.ta("pdo-accept", &[("committee", committee(asking).into())])
        }
        ProposalKind::Recall { council, delegate } => p.ta(
            "pdo-recall",
            &[
                ("member", who(delegate).into()),
                ("council", committee(council).into()),
            ],
        ),
        ProposalKind::Mandate {
            council_proposal,
            choice,
        } => {
            let title = state
                .committees
                .values()
                .find_map(|c| Some((c.id, c.proposals.get(council_proposal)?)))
                .map_or_else(
                    || council_proposal.short(),
                    |(c, r)| crate::model::proposal_title(&p.keyring, c, r),
                );
            let choice = format!("{choice:?}").to_lowercase();
            p.ta(
                "pdo-mandate",
                &[("choice", p.t(&choice).into()), ("proposal", title.into())],
            )
        }
        ProposalKind::AdoptDemand { demand: d } => {
            p.ta("pdo-adopt", &[("demand", demand(d).into())])
        }
        ProposalKind::MergeDemands { from, into } => p.ta(
            "pdo-merge",
            &[("from", demand(from).into()), ("into", demand(into).into())],
        ),
        // Hiding a post (issue 15) says what it does in its own thread.
        _ => return None,
    };
    Some(html! { p.does { (text) } })
}

/// The kinds of committee the creation page offers: a council's two
/// scopes are two forms, each with its one field.
pub const COMMITTEE_FORMS: [&str; 5] = [
    "territorial",
    "production",
    "council-area",
    "council-industry",
    "advisory",
];

/// The fields a committee form shows.
struct CommitteeForm {
    /// The `kind` it sends.
    wire: &'static str,
    area: bool,
    enterprise: bool,
    industry: bool,
    /// A council's members are its seats, so it asks no vouches.
    vouches: bool,
}

impl CommitteeForm {
    fn of(form: &str) -> Option<CommitteeForm> {
        let (wire, area, enterprise, industry, vouches) = match form {
            "territorial" => ("territorial", true, false, false, true),
            "production" => ("production", true, true, true, true),
            "council-area" => ("council", true, false, false, false),
            "council-industry" => ("council", false, false, true, false),
            "advisory" => ("advisory", false, false, false, true),
            _ => return None,
        };
        Some(CommitteeForm {
            wire,
            area,
            enterprise,
            industry,
            vouches,
        })
    }
}

/// Every area and industry already named in the federation, offered as
/// suggestions (a new committee may name a new one).
fn known_places(state: &State) -> (Vec<String>, Vec<String>) {
    let mut areas = std::collections::BTreeSet::new();
    let mut industries = std::collections::BTreeSet::new();
    for c in state.committees.values() {
        match &c.kind {
            CommitteeKind::Territorial { area }
            | CommitteeKind::Council {
                scope: CouncilScope::Area(area),
            } => {
                areas.insert(area.clone());
            }
            CommitteeKind::Production { industry, area, .. } => {
                areas.insert(area.clone());
                industries.insert(industry.clone());
            }
            CommitteeKind::Council {
                scope: CouncilScope::Industry(industry),
            } => {
                industries.insert(industry.clone());
            }
            CommitteeKind::Advisory => {}
        }
    }
    (
        areas.into_iter().collect(),
        industries.into_iter().collect(),
    )
}

/// A text input with suggestions from `known` (`list` names the datalist).
fn suggested(f: &str, label: &str, name: &str, known: &[String], hint: Option<&str>) -> Markup {
    let id = format!("{f}-{name}");
    let list = format!("{id}-known");
    let hint_id = format!("{id}-hint");
    html! {
        p {
            label for=(id) { (label) }
            input type="text" id=(id) name=(name) required list=(list) maxlength=(MAX_FIELD_BYTES) data-maxbytes=(MAX_FIELD_BYTES) aria-describedby=[hint.map(|_| hint_id.as_str())];
            @if let Some(hint) = hint { small.hint #(hint_id) { (hint) } }
            datalist #(list) { @for v in known { option value=(v) {} } }
        }
    }
}

/// `/committees/new?kind=KIND`: the menu of committee kinds and the form
/// of the chosen one.
pub fn new_committee(p: &Page, state: &State, kind: &str) -> Markup {
    let title = p.t("cform-title");
    let items: Vec<(&str, String)> = COMMITTEE_FORMS
        .iter()
        .map(|k| (*k, p.t(&format!("cform-kind-{k}"))))
        .collect();
    let chosen = COMMITTEE_FORMS
        .iter()
        .find(|k| **k == kind)
        .copied()
        .unwrap_or("");
    let member = p.me.is_some_and(|me| state.is_federation_member(&me));
    let (areas, industries) = known_places(state);
    let form = CommitteeForm::of(chosen);
    let f = format!("create-{chosen}");
    layout(
        p,
        &title,
        html! {
            h1 { (title) }
            @if !member {
                p.warning { (p.t("cform-not-member")) }
            } @else {
                (menu(p, "/committees/new", &items, chosen, &title))
                @if let Some(form) = form {
                    (action_form(p, "create_committee", &f, "card form", html! {
                        h2 { (p.t(&format!("cform-kind-{chosen}"))) }
                        p.hint { (p.t(&format!("cform-about-{chosen}"))) }
                        input type="hidden" name="kind" value=(form.wire);
                        (text_input(p, &f, &p.t("cform-name"), "name", true, MAX_NAME_BYTES))
                        @if form.enterprise {
                            (suggested(&f, &p.t("cform-enterprise"), "enterprise", &[], None))
                            p {
                                label for=(format!("{f}-site")) { (p.t("cform-site")) }
                                input type="text" id=(format!("{f}-site")) name="site" maxlength=(MAX_FIELD_BYTES) data-maxbytes=(MAX_FIELD_BYTES);
                            }
                        }
                        @if form.industry {
                            (suggested(&f, &p.t("cform-industry"), "industry", &industries, None))
                        }
                        @if form.area {
                            (suggested(&f, &p.t("area"), "area", &areas, Some(&p.t("area-hint"))))
                        }
                        @if form.vouches {
                            (number(&f, &p.t("pform-vouches"), "vouches_required", 1, crate::actions::MAX_VOUCHES, kenes_core::body::Policy::default().vouches_required.into()))
                        }
                        button type="submit" { (p.t("cform-create")) }
                    }))
                }
            }
        },
    )
}
