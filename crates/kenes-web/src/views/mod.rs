//! HTML views, server-rendered with maud. Each page module turns the
//! federation's state into markup; this module holds the layout and the
//! small pieces every page uses. No view changes anything: forms post to
//! `/act` (see [`crate::actions`]).

pub mod audit;
pub mod board;
pub mod committee;
pub mod discussion;
pub mod forms;
pub mod hub;
pub mod me;
pub mod onboarding;
pub mod peers;
pub mod platform;
pub mod proposal;
pub mod structure;

use crate::i18n::Lang;
use fluent_bundle::FluentValue;
use kenes_core::platform::day_of;
use kenes_core::{Hash, PublicKey, State};
use maud::{DOCTYPE, Markup, html};

/// What every page needs besides its data.
pub struct Page<'a> {
    /// The chosen language.
    pub t: &'a Lang,
    /// The CSRF token for forms.
    pub csrf: &'a str,
    /// The state's version (see `/api/version`), so the page knows when it
    /// is out of date.
    pub version: String,
    /// This device's member, once the key is unlocked.
    pub me: Option<PublicKey>,
    /// The path of this page, where forms come back to.
    pub path: String,
    /// The action just done (from `?done=`), confirmed in place.
    pub done: Option<Done>,
    /// Whether the node serves as a hub (its members' phones sign in).
    pub hub: bool,
    /// Whether a hub member's phone reads the page, not the laptop's owner:
    /// the laptop's own pages (its peers) are not offered to them.
    pub hub_member: bool,
    /// What the reader can open of sealed texts (issue 14).
    pub keyring: kenes_core::keyring::Keyring,
    /// Text just read from a photo of a QR code, and the id of the field
    /// it fills (see [`scan_form`]).
    pub scanned: Option<(String, String)>,
}

/// An action just done, as the redirect after it names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Done {
    /// The action (`vouch`, `report`…): its message is `done-{action}`.
    pub action: String,
    /// The id of the form it came from, where the confirmation shows
    /// (empty: at the top of the page).
    pub at: String,
}

impl Done {
    /// `?done=ACTION&at=FORM` from a query string; only plain names pass.
    pub fn from_query(query: Option<&str>) -> Option<Done> {
        let plain = |v: &str| {
            !v.is_empty()
                && v.len() <= 80
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        };
        let action = crate::security::query_param(query, "done").filter(|v| plain(v))?;
        let at = crate::security::query_param(query, "at")
            .filter(|v| plain(v))
            .unwrap_or("");
        Some(Done {
            action: action.to_string(),
            at: at.to_string(),
        })
    }
}

impl Page<'_> {
    /// A member's display name as this page's reader reads it (issue 14:
    /// sealed names open only to those who share a committee with them).
    pub fn name<'s>(&self, state: &'s State, key: &PublicKey) -> Option<std::borrow::Cow<'s, str>> {
        self.keyring.name(state, key)
    }

    /// The message `id`.
    pub fn t(&self, id: &str) -> String {
        self.t.t(id)
    }

    /// The message `id` with arguments.
    pub fn ta(&self, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        self.t.ta(id, args)
    }

    /// Where state-changing forms post.
    pub fn act_url(&self) -> String {
        format!("/act?csrf={}", self.csrf)
    }

    /// The text read from a photo for the field `id`, or "".
    pub fn scanned_for(&self, id: &str) -> &str {
        match &self.scanned {
            Some((field, text)) if field == id => text,
            _ => "",
        }
    }
}

/// `ms` since the epoch as `YYYY-MM-DD HH:MM` (UTC).
pub fn when(ms: u64) -> String {
    let minutes = (ms / 60_000) % (24 * 60);
    format!("{} {:02}:{:02}", day_of(ms), minutes / 60, minutes % 60)
}

/// A link to a committee by its name.
pub fn committee_link(state: &State, id: &Hash) -> Markup {
    html! { a href=(format!("/committee/{}", id.to_hex())) { (crate::model::committee_name(state, id)) } }
}

/// A proposal's title; an election's or recall's names its council, so
/// two "Elect two delegates" read apart.
/// A sealed title reads as [`kenes_core::keyring::SEALED_NOTICE`] to whom
/// cannot open it.
pub fn proposal_title(
    p: &Page,
    state: &State,
    id: &Hash,
    record: &kenes_core::governance::ProposalRecord,
) -> String {
    let committee = crate::model::committee_of_proposal(state, id).map_or(Hash::ZERO, |c| c.id);
    let title = crate::model::proposal_title(&p.keyring, committee, record);
    match record.kind.council() {
        Some(council) => {
            let name = crate::model::committee_name(state, &council);
            if title.contains(&name) {
                title
            } else {
                format!("{title} — {name}")
            }
        }
        None => title,
    }
}

/// A member's name with their key's start, for telling namesakes apart.
pub fn member(p: &Page, state: &State, key: &PublicKey) -> Markup {
    html! {
        span.member title=(key.to_hex()) {
            @match p.name(state, key) {
                Some(name) => { (name) " " small.key { (key.short()) } }
                // Sealed to committees the reader is not in (issue 14),
                // or never set: the key alone, said plainly.
                None => { small.key { (key.short()) } " " small.unnamed { "(" (p.t("member-unnamed")) ")" } }
            }
        }
    }
}

/// The confirmation of the action just done, if it came from form `id`.
fn confirmation(p: &Page, id: &str) -> Option<Markup> {
    let done = p.done.as_ref().filter(|d| d.at == id)?;
    Some(html! { p.done role="status" { "✓ " (p.t(&format!("done-{}", done.action))) } })
}

/// A form posting `action` to `/act`, with the id `id` (unique on the
/// page), coming back to this page where it was, and confirming there.
pub fn action_form(p: &Page, action: &str, id: &str, class: &str, fields: Markup) -> Markup {
    html! {
        form #(id) method="post" action=(p.act_url()) class=(class) {
            @if let Some(done) = confirmation(p, id) { (done) }
            input type="hidden" name="action" value=(action);
            input type="hidden" name="back" value=(p.path);
            input type="hidden" name="at" value=(id);
            (fields)
        }
    }
}

/// A labelled text input of form `form`, at most `max` bytes (the op's
/// bound; the hint says so before anyone hits it).
pub fn text_input(
    p: &Page,
    form: &str,
    label: &str,
    name: &str,
    required: bool,
    max: usize,
) -> Markup {
    let id = format!("{form}-{name}");
    let hint = format!("{id}-hint");
    html! {
        p {
            label for=(id) { (label) }
            input type="text" id=(id) name=(name) required[required] maxlength=(max) data-maxbytes=(max) data-over=(p.ta("limit-bytes", &[("max", max.into()), ("letters", (max / 2).into())])) aria-describedby=(hint);
            small.hint #(hint) { (p.ta("limit-bytes", &[("max", max.into()), ("letters", (max / 2).into())])) }
        }
    }
}

/// A labelled, required input of form `form` for a public key: 64 hex
/// digits, checked by the browser's pattern; no length-in-letters hint,
/// which is for text.
pub fn key_input(form: &str, label: &str, name: &str) -> Markup {
    let id = format!("{form}-{name}");
    html! {
        p {
            label for=(id) { (label) }
            input type="text" id=(id) name=(name) required maxlength="64" pattern="[0-9a-fA-F]{64}" autocomplete="off" autocapitalize="off" spellcheck="false";
        }
    }
}

/// A labelled text area of form `form`, at most `max` bytes.
pub fn text_area(
    form: &str,
    label: &str,
    name: &str,
    rows: u32,
    max: usize,
    value: &str,
) -> Markup {
    let id = format!("{form}-{name}");
    html! {
        p {
            label for=(id) { (label) }
            textarea id=(id) name=(name) rows=(rows) data-maxbytes=(max) { (value) }
        }
    }
}

/// A form that sends a photo of a QR code to `action` (the node decodes
/// it, see [`crate::scan`]) and comes back with its text in the field
/// `field`, for the member to check and submit. `scanned` says a photo was
/// just read into it.
pub fn scan_form(t: &Lang, action: &str, field: &str, scanned: bool) -> Markup {
    let id = format!("{field}-photo");
    html! {
        form.form.scan method="post" action=(action) enctype="multipart/form-data" {
            input type="hidden" name="field" value=(field);
            p {
                label for=(id) { (t.t("scan-photo")) }
                input type="file" id=(id) name="photo" accept="image/*" required;
            }
            button type="submit" { (t.t("scan-read")) }
            @if scanned { p.done role="status" { (t.t("scan-done")) } }
        }
    }
}

/// A labelled select of form `form` with `(value, label)` options.
pub fn select(form: &str, label: &str, name: &str, options: &[(String, String)]) -> Markup {
    let id = format!("{form}-{name}");
    html! {
        p {
            label for=(id) { (label) }
            select id=(id) name=(name) {
                @for (value, text) in options { option value=(value) { (text) } }
            }
        }
    }
}

/// Every page's `<head>`: the stylesheet and the script from this node.
pub fn head(title: &str) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            title { (title) " · kenes" }
            link rel="stylesheet" href="/assets/style.css";
            script src="/assets/app.js" defer {}
        }
    }
}

/// The page around `body`: navigation, language switch, live updates.
pub fn layout(p: &Page, title: &str, body: Markup) -> Markup {
    let nav = [
        ("/", "nav-board"),
        ("/structure", "nav-structure"),
        ("/platform", "nav-platform"),
        ("/audit", "nav-audit"),
        ("/peers", "nav-peers"),
        ("/me", "nav-me"),
    ];
    html! {
        (DOCTYPE)
        html lang=(p.t.code) {
            (head(title))
            body data-version=(p.version) {
                a.skip href="#main" { (p.t("skip-to-content")) }
                header {
                    nav aria-label=(p.t("nav-label")) {
                        strong.brand { "kenes" }
                        ul {
                            @for (href, key) in nav.into_iter().filter(|(href, _)| !(p.hub_member && *href == "/peers")) {
                                li { a href=(href) aria-current=[(p.path == href).then_some("page")] { (p.t(key)) } }
                            }
                            @if p.hub {
                                li { a href="/hub" aria-current=[(p.path == "/hub").then_some("page")] { (p.t("nav-hub")) } }
                            }
                        }
                    }
                    (onboarding::language_switch(p.t, &p.path))
                }
                @if p.me.is_none() {
                    section.banner role="alert" {
                        h2 { (p.t("locked-title")) }
                        p { (p.t("locked-text")) }
                        (action_form(p, "unlock", "unlock", "inline", html! {
                            label for="unlock-passphrase" { (p.t("passphrase")) }
                            input type="password" id="unlock-passphrase" name="passphrase" required autocomplete="current-password";
                            button type="submit" { (p.t("unlock")) }
                        }))
                    }
                }
                div #live.live role="status" aria-live="polite" hidden { (p.t("live-news")) " " a href=(p.path) { (p.t("reload")) } }
                @if let Some(done) = confirmation(p, "") { div.top-done { (done) } }
                main #main { (body) }
                footer { (p.t("footer")) }
            }
        }
    }
}

/// A page that says what went wrong, with a way back.
pub fn error_page(p: &Page, message: &str, back: &str) -> Markup {
    layout(
        p,
        &p.t("error-title"),
        html! {
            h1 { (p.t("error-title")) }
            p.error role="alert" { (message) }
            p { a href=(back) { (p.t("go-back")) } }
        },
    )
}
