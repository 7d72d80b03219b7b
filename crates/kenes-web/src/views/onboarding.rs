//! The onboarding page (issue 13): create or unlock my identity, then
//! found a federation or join one with a ticket, my key shown as text and
//! QR code for whoever vouches for me. See [`crate::onboarding`].

use super::peers::qr_svg;
use crate::i18n::{LANGUAGES, Lang};
use crate::onboarding::Stage;
use kenes_core::validate::MAX_NAME_BYTES;
use maud::{DOCTYPE, Markup, PreEscaped, html};

/// Renders the page for `stage`, with `error` said first.
/// `ticket` fills the join form: the text just read from a photo.
pub fn render(t: &Lang, csrf: &str, stage: &Stage, error: Option<&str>, ticket: &str) -> Markup {
    let post = |path: &str| format!("{path}?csrf={csrf}");
    let title = t.t("onboard-title");
    html! {
        (DOCTYPE)
        html lang=(t.code) {
            (super::head(&title))
            body data-version="onboarding" {
                header {
                    nav aria-label=(t.t("nav-label")) { strong.brand { "kenes" } }
                    (language_switch(t, "/"))
                }
                main #main {
                    h1 { (title) }
                    @if let Some(error) = error { p.error role="alert" { (error) } }
                    @match stage {
                        Stage::NoKey => {
                            p { (t.t("onboard-intro")) }
                            form.form #identity method="post" action=(post("/onboard/identity")) {
                                h2 { (t.t("onboard-identity")) }
                                p {
                                    label for="identity-name" { (t.t("onboard-name")) }
                                    input type="text" id="identity-name" name="name" required maxlength=(MAX_NAME_BYTES) autocomplete="nickname";
                                }
                                p {
                                    label for="identity-passphrase" { (t.t("onboard-passphrase")) }
                                    input type="password" id="identity-passphrase" name="passphrase" autocomplete="new-password";
                                    small.hint { (t.t("onboard-passphrase-hint")) }
                                }
                                button type="submit" { (t.t("onboard-create-identity")) }
                            }
                        }
                        Stage::Locked => {
                            form.form #unlock method="post" action=(post("/onboard/unlock")) {
                                h2 { (t.t("locked-title")) }
                                p {
                                    label for="unlock-passphrase" { (t.t("passphrase")) }
                                    input type="password" id="unlock-passphrase" name="passphrase" required autocomplete="current-password";
                                }
                                button type="submit" { (t.t("unlock")) }
                            }
                        }
                        Stage::Key(me, name) => {
                            p { (t.ta("onboard-hello", &[("name", name.as_str().into())])) }
                            section aria-labelledby="join-h" {
                                h2 #join-h { (t.t("onboard-join")) }
                                p { (t.t("onboard-join-explain")) }
                                (my_key(t, &me.to_hex()))
                                form.form #join method="post" action=(post("/onboard/join")) {
                                    p {
                                        label for="join-ticket" { (t.t("onboard-ticket")) }
                                        textarea id="join-ticket" name="ticket" rows="3" required { (ticket) }
                                    }
                                    button type="submit" { (t.t("onboard-join-button")) }
                                }
                                (super::scan_form(t, &post("/onboard/scan"), crate::scan::JOIN_TICKET, !ticket.is_empty()))
                            }
                            section aria-labelledby="found-h" {
                                h2 #found-h { (t.t("onboard-found")) }
                                p { (t.t("onboard-found-explain")) }
                                form.form #found method="post" action=(post("/onboard/found")) {
                                    p {
                                        label for="found-name" { (t.t("onboard-federation-name")) }
                                        input type="text" id="found-name" name="name" required maxlength=(MAX_NAME_BYTES);
                                    }
                                    button type="submit" { (t.t("onboard-found-button")) }
                                }
                            }
                        }
                    }
                }
                footer { (t.t("footer")) }
            }
        }
    }
}

/// My public key as text to copy and as a QR code to scan.
pub fn my_key(t: &Lang, hex: &str) -> Markup {
    html! {
        p {
            label for="my-key" { (t.t("onboard-my-key")) }
            textarea #my-key readonly rows="2" { (hex) }
        }
        @if let Some(svg) = qr_svg(hex) { figure.qr aria-label=(t.t("onboard-my-key-qr")) { (PreEscaped(svg)) } }
    }
}

/// The language switch, coming back to `back`.
pub fn language_switch(t: &Lang, back: &str) -> Markup {
    html! {
        form.lang method="get" action="/lang" {
            input type="hidden" name="back" value=(back);
            label for="lang-switch" { (t.t("language")) }
            select id="lang-switch" name="code" {
                @for (code, name) in LANGUAGES {
                    option value=(code) selected[code == t.code] { (name) }
                }
            }
            button type="submit" { (t.t("switch")) }
        }
    }
}
