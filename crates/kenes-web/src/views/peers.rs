//! Peers and sync: this node's ticket as text and QR code, adding a peer,
//! the last session with each, and bundle files through the browser.

use super::{Page, action_form, layout, when};
use kenes_store::peers::Peer;
use maud::{Markup, PreEscaped, html};

/// The ticket as an SVG QR code (generated here, so nothing leaves the
/// machine to draw it).
pub fn qr_svg(text: &str) -> Option<String> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    Some(
        code.render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(240, 240)
            .quiet_zone(true)
            .build(),
    )
}

/// Renders the peers page.
pub fn render(p: &Page, ticket: Option<&str>, peers: &[Peer], ops: usize) -> Markup {
    let title = p.t("peers-title");
    layout(
        p,
        &title,
        html! {
            h1 { (title) }
            section aria-labelledby="ticket-h" {
                h2 #ticket-h { (p.t("this-node")) }
                @match ticket {
                    Some(t) => {
                        p { (p.t("ticket-explain")) }
                        p { label for="ticket" { (p.t("ticket")) } textarea #ticket readonly rows="3" { (t) } }
                        @if let Some(svg) = qr_svg(t) { figure.qr aria-label=(p.t("ticket-qr")) { (PreEscaped(svg)) } }
                    }
                    None => p { (p.t("no-ticket")) },
                }
            }
            section aria-labelledby="add-h" {
                h2 #add-h { (p.t("add-peer")) }
                (action_form(p, "add_peer", "add-peer", "form", html! {
                    p { label for="f-ticket" { (p.t("peer-ticket")) } input type="text" id="f-ticket" name="ticket" required value=(p.scanned_for(crate::scan::PEER_TICKET)); }
                    button type="submit" { (p.t("add")) }
                }))
                (super::scan_form(p.t, &format!("/scan?csrf={}", p.csrf), crate::scan::PEER_TICKET, !p.scanned_for(crate::scan::PEER_TICKET).is_empty()))
            }
            section aria-labelledby="known-h" {
                h2 #known-h { (p.t("known-peers")) }
                @if peers.is_empty() { p { (p.t("no-peers")) } }
                @else {
                    table {
                        thead { tr { th scope="col" { (p.t("ticket")) } th scope="col" { (p.t("last-sync")) } th scope="col" { (p.t("result")) } } }
                        tbody {
                            @for peer in peers { tr {
                                td { code { (peer.ticket.get(..20).unwrap_or(&peer.ticket)) "…" } }
                                td { (peer.last.as_ref().map_or_else(|| p.t("never"), |l| when(l.at_ms))) }
                                td { @match &peer.last {
                                    None => { "—" }
                                    Some(l) if l.ok => { (p.ta("sync-figures", &[("sent", l.ops_sent.into()), ("received", l.ops_received.into()), ("bytesout", l.bytes_sent.into()), ("bytesin", l.bytes_received.into())])) }
                                    Some(l) => { (p.t("failed")) ": " (l.error.as_deref().unwrap_or("")) }
                                } }
                            } }
                        }
                    }
                }
            }
            section aria-labelledby="files-h" {
                h2 #files-h { (p.t("files")) }
                p { (p.t("files-explain")) }
                p { a.button href="/export" download="kenes.bundle" { (p.ta("export-bundle", &[("n", ops.into())])) } }
                form.form method="post" action=(format!("/import?csrf={}", p.csrf)) enctype="multipart/form-data" {
                    p { label for="f-bundle" { (p.t("bundle-file")) } input type="file" id="f-bundle" name="bundle" required; }
                    button type="submit" { (p.t("import")) }
                }
            }
        },
    )
}
