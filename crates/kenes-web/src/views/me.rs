//! My page (issue 13): my public key as text and QR code (for whoever
//! vouches for me), my display name, and vouching for a key someone hands
//! me, with the warning that a vouch grants read access.

use super::onboarding::my_key;
use super::{Page, action_form, layout, text_input};
use kenes_core::State;
use kenes_core::validate::MAX_NAME_BYTES;
use maud::{Markup, html};

/// Renders `/me`.
/// `own_name` is the reader's name as their key file holds it.
pub fn render(p: &Page, state: &State, own_name: Option<&str>) -> Markup {
    let title = p.t("me-title");
    let mine: Vec<(String, String)> = p.me.map_or_else(Vec::new, |me| {
        state
            .committees
            .values()
            .filter(|c| c.members.contains(&me))
            .map(|c| (c.id.to_hex(), c.name.clone()))
            .collect()
    });
    layout(
        p,
        &title,
        html! {
            h1 { (title) }
            @if let Some(me) = p.me {
                section aria-labelledby="key-h" {
                    h2 #key-h { (p.name(state, &me).as_deref().or(own_name).unwrap_or("?")) }
                    (my_key(p.t, &me.to_hex()))
                    p { (p.t("me-key-explain")) }
                }
                section aria-labelledby="name-h" {
                    h2 #name-h { (p.t("me-name")) }
                    (action_form(p, "profile", "profile", "form", html! {
                        (text_input(p, "profile", &p.t("onboard-name"), "name", true, MAX_NAME_BYTES))
                        button type="submit" { (p.t("me-name-button")) }
                    }))
                }
                section aria-labelledby="vouch-h" {
                    h2 #vouch-h { (p.t("me-vouch")) }
                    p.warning { (p.t("me-vouch-warning")) }
                    @if mine.is_empty() {
                        p { (p.t("me-vouch-none")) }
                    } @else {
                        (action_form(p, "vouch", "vouch-key", "form", html! {
                            (super::select("vouch-key", &p.t("me-vouch-committee"), "committee", &mine))
                            (super::text_area("vouch-key", &p.t("me-vouch-key"), "pubkey", 2, 200, p.scanned_for(crate::scan::VOUCH_KEY)))
                            button type="submit" { (p.t("vouch")) }
                        }))
                        (super::scan_form(p.t, &format!("/scan?csrf={}", p.csrf), crate::scan::VOUCH_KEY, !p.scanned_for(crate::scan::VOUCH_KEY).is_empty()))
                    }
                }
            }
        },
    )
}
