//! The hub's pages (issue 13): sign up or sign in on a phone, a member's
//! wait for a vouch, a member's own session, and the owner's list of the
//! hub's members beside the QR code of the hub's URL. See [`crate::hub`].

use super::onboarding::{language_switch, my_key};
use super::peers::qr_svg;
use super::{Page, layout};
use crate::hub::{MIN_PASSPHRASE_CHARS, MemberRow};
use crate::i18n::Lang;
use kenes_core::validate::MAX_NAME_BYTES;
use kenes_core::{PublicKey, State};
use maud::{DOCTYPE, Markup, PreEscaped, html};

/// A page of its own for visitors without a session.
fn bare(t: &Lang, title: &str, version: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(t.code) {
            (super::head(title))
            body data-version=(version) {
                header {
                    nav aria-label=(t.t("nav-label")) { strong.brand { "kenes" } }
                    (language_switch(t, "/"))
                }
                main #main { (body) }
                footer { (t.t("footer")) }
            }
        }
    }
}

/// Sign up (name, passphrase twice) or sign in (name, passphrase), with
/// `error` said first.
pub fn welcome(t: &Lang, csrf: &str, error: Option<&str>) -> Markup {
    let title = t.t("hub-welcome-title");
    let min = MIN_PASSPHRASE_CHARS.to_string();
    bare(
        t,
        &title,
        "hub",
        html! {
            h1 { (title) }
            @if let Some(error) = error { p.error role="alert" { (error) } }
            p { (t.t("hub-welcome-intro")) }
            form.form #signup method="post" action=(format!("/hub/signup?csrf={csrf}")) {
                h2 { (t.t("hub-signup")) }
                p {
                    label for="signup-name" { (t.t("onboard-name")) }
                    input type="text" id="signup-name" name="name" required maxlength=(MAX_NAME_BYTES) autocomplete="nickname";
                }
                p {
                    label for="signup-passphrase" { (t.t("passphrase")) }
                    input type="password" id="signup-passphrase" name="passphrase" required minlength=(min) autocomplete="new-password" aria-describedby="signup-passphrase-hint";
                    small.hint #signup-passphrase-hint { (t.ta("hub-passphrase-hint", &[("min", MIN_PASSPHRASE_CHARS.into())])) }
                }
                p {
                    label for="signup-again" { (t.t("hub-passphrase-again")) }
                    input type="password" id="signup-again" name="passphrase_again" required minlength=(min) autocomplete="new-password";
                }
                button type="submit" { (t.t("hub-signup-button")) }
            }
            form.form #login method="post" action=(format!("/hub/login?csrf={csrf}")) {
                h2 { (t.t("hub-login")) }
                p {
                    label for="login-name" { (t.t("onboard-name")) }
                    input type="text" id="login-name" name="name" required maxlength=(MAX_NAME_BYTES) autocomplete="username";
                }
                p {
                    label for="login-passphrase" { (t.t("passphrase")) }
                    input type="password" id="login-passphrase" name="passphrase" required autocomplete="current-password";
                }
                button type="submit" { (t.t("hub-login-button")) }
            }
        },
    )
}

fn logout(t: &Lang, csrf: &str) -> Markup {
    html! {
        form.inline #logout method="post" action=(format!("/hub/logout?csrf={csrf}")) {
            button type="submit" { (t.t("hub-logout")) }
        }
    }
}

/// A member without standing yet: their key, for whoever vouches.
pub fn waiting(t: &Lang, csrf: &str, name: &str, me: &PublicKey, version: &str) -> Markup {
    let title = t.t("hub-waiting-title");
    bare(
        t,
        &title,
        version,
        html! {
            h1 { (title) }
            p { (t.ta("hub-hello", &[("name", name.into())])) }
            p #waiting { (t.t("hub-waiting-text")) }
            (my_key(t, &me.to_hex()))
            p { a href="/" { (t.t("hub-check-again")) } }
            (logout(t, csrf))
        },
    )
}

/// `/hub` for a member: who they are here, and ending the session.
pub fn session(p: &Page, state: &State, expires_in_s: u64) -> Markup {
    let title = t_title(p);
    let hours = expires_in_s / 3600;
    let minutes = (expires_in_s % 3600) / 60;
    layout(
        p,
        &title,
        html! {
            h1 { (title) }
            @if let Some(me) = p.me {
                p { (p.name(state, &me).as_deref().unwrap_or("?")) " · " code { (me.short()) } }
            }
            p { (p.ta("hub-session-ends", &[("hours", hours.into()), ("minutes", minutes.into())])) }
            p { (p.t("hub-session-explain")) }
            (logout(p.t, p.csrf))
            form.inline #logout-everywhere method="post" action=(format!("/hub/logout?csrf={}", p.csrf)) {
                input type="hidden" name="everywhere" value="1";
                button type="submit" { (p.t("hub-logout-everywhere")) }
            }
        },
    )
}

fn t_title(p: &Page) -> String {
    p.t("hub-title")
}

/// `/hub` for the owner: the hub's URL as QR code and text, and its
/// members, each with a way to end their sessions.
pub fn members(
    p: &Page,
    urls: &[String],
    fingerprint: Option<&str>,
    members: &[MemberRow],
) -> Markup {
    let title = t_title(p);
    layout(
        p,
        &title,
        html! {
            h1 { (title) }
            @if p.done.as_ref().is_some_and(|d| d.action == "hub-end") {
                p.done role="status" { (p.t("hub-ended")) }
            }
            @if p.done.as_ref().is_some_and(|d| d.action == "hub-remove") {
                p.done role="status" { (p.t("hub-removed")) }
            }
            section aria-labelledby="hub-url-h" {
                h2 #hub-url-h { (p.t("hub-url")) }
                p { (p.t("hub-url-explain")) }
                @if let Some(first) = urls.first() {
                    @if let Some(svg) = qr_svg(first) {
                        figure.qr aria-label=(p.t("hub-url-qr")) { (PreEscaped(svg)) }
                    }
                }
                @for url in urls {
                    p { code.hub-url { (url) } }
                }
                @if let Some(fingerprint) = fingerprint {
                    h3 #hub-fingerprint-h { (p.t("hub-fingerprint")) }
                    p { code #hub-fingerprint.fingerprint { (fingerprint) } }
                    p { (p.t("hub-fingerprint-explain")) }
                }
            }
            section aria-labelledby="hub-members-h" {
                h2 #hub-members-h { (p.t("hub-members")) }
                p { (p.t("hub-members-explain")) }
                @if members.is_empty() {
                    p { (p.t("hub-members-none")) }
                } @else {
                    ul.hub-members {
                        @for m in members {
                            li {
                                strong { (m.name) } " "
                                code { (m.public_key.short()) } " · "
                                (p.ta("hub-sessions", &[("n", m.sessions.into())]))
                                @if m.sessions > 0 {
                                    form.inline method="post" action=(format!("/hub/end?csrf={}", p.csrf)) {
                                        input type="hidden" name="member" value=(m.public_key.to_hex());
                                        button type="submit" { (p.t("hub-end")) }
                                    }
                                }
                                @if !m.standing {
                                    " · " (p.t("hub-not-vouched")) " "
                                    form.inline method="post" action=(format!("/hub/remove?csrf={}", p.csrf)) {
                                        input type="hidden" name="member" value=(m.public_key.to_hex());
                                        button type="submit" aria-label=(format!("{} {}", p.t("hub-remove"), m.name)) { (p.t("hub-remove")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}
