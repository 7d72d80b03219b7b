//! Deliberation pages (issue 15): the discussion under a proposal, demand,
//! report or post, and a committee's threads and announcements. Plain
//! forms post to `/act` and come back to the form's anchor; replies and
//! edits open in `<details>`, so nothing needs a script. Every list is
//! paginated: a committee with 100,000 comments renders one page of 50.

use super::{Page, action_form, committee_link, layout, member, text_area, text_input, when};
use crate::deliberation::{self, PAGE, Target, TargetKind};
use kenes_core::discussion::{PostKind, PostView};
use kenes_core::validate::{MAX_NAME_BYTES, MAX_TEXT_BYTES};
use kenes_core::{Committee, Engine, Hash};
use maud::{Markup, html};

/// Deepest indentation shown; deeper replies line up with it.
const MAX_INDENT: u32 = 6;

fn short(id: &Hash) -> String {
    id.to_hex()[..12].to_string()
}

/// The text of a post as shown: its current wording, a note that it is
/// sealed to a committee the reader is not in, or why there is none.
fn shown_text(p: &Page, engine: &Engine, view: &PostView) -> Markup {
    if view.hidden {
        return html! { p.sub.post-note { (p.t("post-hidden")) } };
    }
    if view.retracted.is_some() {
        return html! { p.sub.post-note { (p.t("post-retracted")) } };
    }
    match deliberation::shown_text(engine, &p.keyring, &view.current_text_op()) {
        Some(s) if !s.readable => html! { p.sub.post-note.sealed { (s.text) } },
        Some(s) => html! { p.post-text { (s.text) } },
        None => html! { p.sub.post-note { (p.t("post-unreadable")) } },
    }
}

/// One post with its reply, edit and retract forms.
fn post(p: &Page, engine: &Engine, view: &PostView, indent: bool) -> Markup {
    let state = engine.state();
    let id = short(&view.id);
    let mine = p.me == Some(view.post.author);
    let time = engine.op_by_id(&view.id).map(|op| op.fields.time);
    let depth = if indent {
        view.depth.clamp(1, MAX_INDENT)
    } else {
        0
    };
    let kind = deliberation::post_label(&view.post.kind);
    // The edit form starts from the current wording, never from the
    // notice shown for a text the reader cannot open.
    let current = deliberation::shown_text(engine, &p.keyring, &view.current_text_op())
        .filter(|s| s.readable)
        .map(|s| s.text)
        .unwrap_or_default();
    html! {
        article class=(format!("post depth-{depth} post-{kind}")) id=(format!("post-{id}")) {
            p.sub {
                (member(p, state, &view.post.author))
                @if let Some(t) = time { " · " (when(t)) }
                @if !view.edits.is_empty() { " · " (p.t("post-edited")) }
                @if matches!(view.post.kind, PostKind::Suggestion { .. }) { " · " (p.t("post-suggestion")) }
            }
            @if let Some(title) = deliberation::thread_title(engine, &p.keyring, &view.id) {
                h3 { a href=(format!("/discussion/{}", view.id.to_hex())) { (title) } }
            }
            (shown_text(p, engine, view))
            @if !view.edits.is_empty() && !view.hidden && view.retracted.is_none() {
                details.history {
                    summary { (p.t("post-history")) }
                    @for op in std::iter::once(view.id).chain(view.edits.iter().map(|(_, e)| *e)) {
                        p.post-text.sub { (deliberation::text_of_op(engine, &p.keyring, &op).unwrap_or_default()) }
                    }
                }
            }
            @if p.me.is_some() {
                details.reply {
                    summary { (p.t("post-reply")) }
                    (action_form(p, "comment", &format!("reply-{id}"), "form", html! {
                        input type="hidden" name="target" value=(view.id.to_hex());
                        (text_area(&format!("reply-{id}"), &p.t("post-your-reply"), "text", 3, MAX_TEXT_BYTES, ""))
                        button type="submit" { (p.t("post-send")) }
                    }))
                }
            }
            @if p.me.is_some() && !view.hidden {
                details.hide {
                    summary { (p.t("post-propose-hide")) }
                    (action_form(p, "hide_post", &format!("hide-{id}"), "form", html! {
                        input type="hidden" name="post" value=(view.id.to_hex());
                        p.sub { (p.t("post-hide-explain")) }
                        (text_area(&format!("hide-{id}"), &p.t("post-hide-reason"), "text", 2, MAX_TEXT_BYTES, ""))
                        button type="submit" class="secondary" { (p.t("post-propose-hide")) }
                    }))
                }
            }
            @if mine && view.retracted.is_none() && !view.hidden {
                details.edit {
                    summary { (p.t("post-edit")) }
                    (action_form(p, "edit_post", &format!("edit-{id}"), "form", html! {
                        input type="hidden" name="post" value=(view.id.to_hex());
                        (text_area(&format!("edit-{id}"), &p.t("post-new-wording"), "text", 3, MAX_TEXT_BYTES, &current))
                        button type="submit" { (p.t("post-save")) }
                    }))
                    (action_form(p, "retract_post", &format!("retract-{id}"), "form", html! {
                        input type="hidden" name="post" value=(view.id.to_hex());
                        button type="submit" class="secondary" { (p.t("post-retract")) }
                    }))
                }
            }
        }
    }
}

/// Links to the other pages of a list of `total` at `offset`.
fn pages(p: &Page, base: &str, total: usize, offset: usize, anchor: &str) -> Markup {
    let count = total.div_ceil(PAGE);
    let current = offset / PAGE + 1;
    html! {
        @if count > 1 {
            nav.pages aria-label=(p.t("pages")) {
                @if current > 1 { a href=(format!("{base}?page={}#{anchor}", current - 1)) { (p.t("page-previous")) } " " }
                span { (p.ta("page-of", &[("page", current.into()), ("pages", count.into())])) }
                @if current < count { " " a href=(format!("{base}?page={}#{anchor}", current + 1)) { (p.t("page-next")) } }
            }
        }
    }
}

/// The discussion under `target`, one page from `offset`: embedded under a
/// proposal, and the body of a post's or demand's own page.
pub fn section(
    p: &Page,
    engine: &Engine,
    committee: &Committee,
    target: &Hash,
    offset: usize,
    base: &str,
) -> Markup {
    let all = deliberation::tree(committee, target);
    let total = all.len();
    html! {
        section.discussion id="discussion" {
            h2 { (p.ta("discussion-count", &[("n", total.into())])) }
            @if p.me.is_some() {
                (action_form(p, "comment", "comment", "card form", html! {
                    input type="hidden" name="target" value=(target.to_hex());
                    (text_area("comment", &p.t("post-your-comment"), "text", 3, MAX_TEXT_BYTES, ""))
                    button type="submit" { (p.t("post-send")) }
                }))
            }
            @for view in all.iter().skip(offset).take(PAGE) { (post(p, engine, view, true)) }
            (pages(p, base, total, offset, "discussion"))
        }
    }
}

/// Suggesting a wording and, for its proposer, revising: under an open
/// proposal.
pub fn proposal_forms(p: &Page, id: &Hash, proposer: bool, text: &str) -> Markup {
    html! {
        @if p.me.is_some() {
            details.suggest {
                summary { (p.t("suggest-wording")) }
                (action_form(p, "suggest", "suggest", "form", html! {
                    input type="hidden" name="proposal" value=(id.to_hex());
                    (text_area("suggest", &p.t("suggest-your-wording"), "text", 4, MAX_TEXT_BYTES, text))
                    button type="submit" { (p.t("post-send")) }
                }))
            }
        }
        @if proposer {
            details.revise {
                summary { (p.t("revise-proposal")) }
                (action_form(p, "revise", "revise", "form", html! {
                    input type="hidden" name="proposal" value=(id.to_hex());
                    p.sub { (p.t("revise-explain")) }
                    (text_area("revise", &p.t("revise-new-text"), "text", 6, MAX_TEXT_BYTES, text))
                    button type="submit" { (p.t("revise-save")) }
                }))
            }
        }
    }
}

/// The page `/discussion/{id}`.
pub fn render(p: &Page, engine: &Engine, target: &Target, offset: usize) -> Markup {
    let state = engine.state();
    let Some(committee) = state.committees.get(&target.committee) else {
        return html! {};
    };
    let base = format!("/discussion/{}", target.id.to_hex());
    match target.kind {
        TargetKind::Committee => committee_page(p, engine, committee, offset, &base),
        _ => {
            let head = match target.kind {
                TargetKind::Post(_) => deliberation::root_post(committee, &target.id)
                    .map(|v| post(p, engine, &v, false)),
                _ => None,
            };
            let up = match target.kind {
                TargetKind::Proposal => Some(format!("/proposal/{}", target.id.to_hex())),
                TargetKind::Post(kind) => kind.parent().map(|parent| {
                    if committee.proposals.contains_key(&parent) {
                        format!("/proposal/{}", parent.to_hex())
                    } else {
                        format!("/discussion/{}", parent.to_hex())
                    }
                }),
                _ => None,
            };
            let title = deliberation::thread_title(engine, &p.keyring, &target.id)
                .unwrap_or_else(|| p.t(&format!("discussion-of-{}", target.kind.label())));
            layout(
                p,
                &title,
                html! {
                    p.sub {
                        (committee_link(state, &committee.id)) " · "
                        a href=(format!("/discussion/{}", committee.id.to_hex())) { (p.t("discussions")) }
                        @if let Some(up) = &up { " · " a href=(up) { (p.t("discussion-up")) } }
                    }
                    h1 { (title) }
                    @if let Some(head) = head { (head) }
                    (section(p, engine, committee, &target.id, offset, &base))
                },
            )
        }
    }
}

/// A committee's announcements, new-thread form and threads, newest first.
fn committee_page(
    p: &Page,
    engine: &Engine,
    committee: &Committee,
    offset: usize,
    base: &str,
) -> Markup {
    let state = engine.state();
    let counts = kenes_core::discussion::reply_counts(&committee.discussion);
    let threads = kenes_core::discussion::roots(&committee.discussion, PostKind::Thread);
    let announcements =
        kenes_core::discussion::roots(&committee.discussion, PostKind::Announcement);
    let title = p.ta(
        "discussions-of",
        &[("committee", committee.name.as_str().into())],
    );
    let view = |id: &Hash| deliberation::root_post(committee, id);
    html! {
        (layout(p, &title, html! {
            p.sub { (committee_link(state, &committee.id)) }
            h1 { (title) }
            @if !announcements.is_empty() {
                section.announcements id="announcements" {
                    h2 { (p.t("announcements")) }
                    @for (_, id) in announcements.iter().rev().take(PAGE) {
                        @if let Some(v) = view(id) { (post(p, engine, &v, false)) }
                    }
                }
            }
            @if p.me.is_some() {
                details.new-thread open {
                    summary { (p.t("thread-new")) }
                    (action_form(p, "discuss", "discuss", "card form", html! {
                        input type="hidden" name="committee" value=(committee.id.to_hex());
                        (text_input(p, "discuss", &p.t("thread-title"), "title", true, MAX_NAME_BYTES))
                        (text_area("discuss", &p.t("thread-text"), "text", 4, MAX_TEXT_BYTES, ""))
                        button type="submit" { (p.t("thread-open")) }
                    }))
                }
                details.announce {
                    summary { (p.t("announce-new")) }
                    (action_form(p, "announce", "announce", "card form", html! {
                        input type="hidden" name="committee" value=(committee.id.to_hex());
                        p.sub { (p.t("announce-explain")) }
                        (text_area("announce", &p.t("announce-text"), "text", 3, MAX_TEXT_BYTES, ""))
                        button type="submit" { (p.t("announce-send")) }
                    }))
                }
            }
            section.threads id="threads" {
                h2 { (p.ta("threads-count", &[("n", threads.len().into())])) }
                @for (_, id) in threads.iter().rev().skip(offset).take(PAGE) {
                    @if let Some(v) = view(id) {
                        div.thread-row {
                            h3 { a href=(format!("/discussion/{}", id.to_hex())) { (deliberation::thread_title(engine, &p.keyring, id).unwrap_or_default()) } }
                            p.sub {
                                (member(p, state, &v.post.author)) " · "
                                (p.ta("replies-count", &[("n", counts.get(id).copied().unwrap_or(0).into())]))
                            }
                        }
                    }
                }
                (pages(p, base, threads.len(), offset, "threads"))
            }
        }))
    }
}

/// Under a revised proposal's text: how often it was revised and, when
/// some counted ballot was cast on an earlier text, who voted on which.
pub fn revision_note(
    p: &Page,
    engine: &Engine,
    id: &Hash,
    record: &kenes_core::governance::ProposalRecord,
) -> Markup {
    let revisions = record.revisions.len();
    if revisions == 0 {
        return html! {};
    }
    let ballots =
        kenes_core::discussion::ballots_seen(engine, engine.voided(), id, &record.revisions);
    let earlier: Vec<_> = ballots
        .iter()
        .filter(|(_, b)| (b.revision as usize) < revisions)
        .collect();
    let state = engine.state();
    html! {
        p.sub { (p.ta("revised-times", &[("n", revisions.into())])) }
        @if !earlier.is_empty() {
            div.card.warning id="revised-after-votes" {
                p { strong { (p.t("revised-after-votes")) } }
                ul {
                    @for (voter, b) in &earlier {
                        li { (member(p, state, voter)) " · " (p.ta("voted-on-revision", &[("n", b.revision.into())])) }
                    }
                }
            }
        }
    }
}

/// Unread announcements, pinned at the top of "Needs you" until the
/// member marks each read (read state is this node's, not an op).
pub fn pinned(p: &Page, engine: &Engine, unread: &[(Hash, Hash)]) -> Markup {
    let state = engine.state();
    html! {
        ul.needs-list.pinned {
            @for (id, committee) in unread {
                @let entry = engine.entry(id);
                @let form = format!("read-{}", short(id));
                li.announcement-pinned id=(format!("announcement-{}", short(id))) {
                    p.post-text { strong { (deliberation::text_of_op(engine, &p.keyring, id).unwrap_or_else(|| p.t("post-unreadable"))) } }
                    small {
                        (committee_link(state, committee))
                        @if let Some(e) = entry { " · " (member(p, state, &engine.author_of(e))) " · " (when(engine.decoded(e).fields.time)) }
                        " · " a href=(format!("/discussion/{}", id.to_hex())) { (p.t("post-reply")) }
                    }
                    form #(form) method="post" action=(format!("/read?csrf={}", p.csrf)) class="inline" {
                        input type="hidden" name="post" value=(id.to_hex());
                        input type="hidden" name="back" value=(p.path);
                        button type="submit" class="secondary" { (p.t("announcement-read")) }
                    }
                }
            }
        }
    }
}

/// "Discussion (n)": the link from a demand or report to the posts under
/// it; `counts` from `discussion::reply_counts`.
pub fn link(p: &Page, id: &Hash, counts: &std::collections::BTreeMap<Hash, u32>) -> Markup {
    let n = counts.get(id).copied().unwrap_or(0);
    html! {
        a href=(format!("/discussion/{}", id.to_hex())) { (p.ta("discussion-link", &[("n", n.into())])) }
    }
}

/// The committee page's link to its threads and announcements.
pub fn committee_line(p: &Page, c: &Committee) -> Markup {
    let threads = kenes_core::discussion::roots(&c.discussion, PostKind::Thread).len();
    html! {
        p.discussions {
            a href=(format!("/discussion/{}", c.id.to_hex())) { (p.t("discussions")) }
            " · " (p.ta("threads-count", &[("n", threads.into())]))
        }
    }
}
