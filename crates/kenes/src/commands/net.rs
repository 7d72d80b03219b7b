//! `kenes serve`, `kenes ticket`, `kenes sync`: live sync over iroh QUIC.

use crate::context::Context;
use crate::error::user;
use crate::output::emit;
use anyhow::{Context as _, Result};
use kenes_store::peers::PeerBook;
use kenes_sync::first_contact::first_contact;
use kenes_sync::net::{self, NetError, Ticket};
use kenes_sync::node::{Node, TICKET_FILE};
use kenes_web::hub::{HUB_URL_FILE, Hub};
use kenes_web::onboarding::Shell;
use kenes_web::{App, WEB_URL_FILE};
use serde_json::json;
use std::net::SocketAddr;
use std::sync::Mutex;

fn peer_book(ctx: &Context) -> Result<PeerBook> {
    PeerBook::load(ctx.data.root()).map_err(|e| user(e.to_string()))
}

pub fn peers(ctx: &Context, cmd: crate::cli::PeersCommand) -> Result<()> {
    let mut book = peer_book(ctx)?;
    match cmd {
        crate::cli::PeersCommand::Add { ticket } => {
            let parsed = Ticket::from_text(&ticket).map_err(net_error)?;
            if book.add(parsed.to_text(), parsed.federation.to_hex()) {
                book.save()?;
            }
            let count = book.peers.len();
            emit(ctx.json, &json!({ "peers": count }), || {
                format!("{count} known peers")
            });
        }
        crate::cli::PeersCommand::List => {
            emit(ctx.json, &book.peers, || {
                if book.peers.is_empty() {
                    return "no peers: kenes peers add TICKET".into();
                }
                book.peers
                    .iter()
                    .map(|p| format!("{}…  {}", &p.ticket[..24.min(p.ticket.len())], p.summary()))
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
    }
    Ok(())
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the network runtime")
}

/// Every way a sync can fail is the user's situation (the peer is down,
/// refuses or limits us, the network is cut, the ticket is stale), not a
/// bug of this node: exit 1 with the reason (issue 12).
fn net_error(e: NetError) -> anyhow::Error {
    user(e.to_string())
}

/// Runs the node: sync on `bind`, the web UI on `web` unless `None`, and
/// LAN discovery by mDNS if `mdns`.
/// With an encrypted key and no `$KENES_PASSPHRASE`, the web UI asks for
/// the passphrase and sync starts once it is given. On a data directory
/// without a key or a federation, the web UI onboards (issue 13): sync
/// starts once a federation was founded or joined there.
pub fn serve(ctx: &Context, bind: SocketAddr, web: Option<SocketAddr>, mdns: bool) -> Result<()> {
    serve_with(ctx, bind, web, mdns, None)
}

/// How `kenes serve --hub` runs the hub.
pub struct HubOptions {
    /// How long a member's session lasts.
    pub lifetime: std::time::Duration,
    /// Serve HTTPS with the hub's own certificate (`--tls`).
    pub tls: bool,
}

/// [`serve`], as the meeting's hub when `hub` is given (issue 13): the
/// web UI answers members' phones on this machine's addresses, each
/// signed in as themselves (see [`kenes_web::hub`]); its URL with the hub
/// token is printed, drawn as a QR code and written to `hub-url`. With
/// `tls`, the UI speaks HTTPS only, and the certificate's fingerprint is
/// printed beside the code.
pub fn serve_with(
    ctx: &Context,
    bind: SocketAddr,
    web: Option<SocketAddr>,
    mdns: bool,
    hub: Option<HubOptions>,
) -> Result<()> {
    let has_key = ctx.data.key_file().exists();
    let held = ctx.federations()?;
    let mut onboarding = web.is_some() && (!has_key || held.is_empty());
    let key = match ctx.member_key() {
        Ok(key) => Some(key),
        Err(_) if onboarding && !has_key => None,
        Err(e) if web.is_some() && is_locked(&e) => None,
        Err(e) => return Err(e),
    };
    // A locked key file locks the databases too (issue 14): no node can
    // run before the passphrase is given, so the web UI asks for it first
    // and opens the federation then.
    let mut resume = None;
    if !onboarding
        && key.is_none()
        && matches!(ctx.data.store_key(), Err(kenes_store::StoreError::Locked))
    {
        resume = Some(ctx.federation_id()?);
        onboarding = true;
    }
    let node = if onboarding {
        None
    } else {
        let node = Node::new(ctx.data.clone(), ctx.open()?, key.clone());
        if key.is_some() {
            node.unlock_secrets(ctx.encryption_secrets()?);
        }
        Some(node)
    };
    runtime()?.block_on(async {
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let stopped = move || {
            let mut rx = stop_rx.clone();
            async move {
                let _ = rx.wait_for(|stop| *stop).await;
            }
        };
        let mut shell = None;
        let web_server = match web {
            Some(addr) => {
                let listener = tokio::net::TcpListener::bind(addr)
                    .await
                    .map_err(|e| user(format!("cannot serve the web UI on {addr}: {e} (choose another with --web)")))?;
                let bound = listener.local_addr()?;
                std::fs::create_dir_all(ctx.data.root())
                    .with_context(|| format!("cannot create {}", ctx.data.root().display()))?;
                let addresses = hub_addresses(bound);
                let identity = match &hub {
                    Some(HubOptions { tls: true, .. }) => Some(certificate(ctx, bound, &addresses)?),
                    _ => None,
                };
                let acceptor = match &identity {
                    Some(identity) => Some(identity.acceptor().context("cannot serve HTTPS")?),
                    None => None,
                };
                let fingerprint = identity.as_ref().map(|i| i.fingerprint().to_string());
                let hub = match hub {
                    Some(options) => Some(
                        Hub::serving(ctx.data.root(), options.lifetime, &addresses, fingerprint)
                            .with_context(|| format!("cannot keep the hub's members in {}", ctx.data.root().display()))?,
                    ),
                    None => None,
                };
                let guard = if acceptor.is_some() {
                    kenes_web::security::Guard::new(bound).over_tls()
                } else {
                    kenes_web::security::Guard::new(bound)
                };
                let (router, url) = match (&node, &hub) {
                    (Some(node), Some(hub)) => {
                        let app = App::with_hub(node.clone(), bound, guard, hub.clone());
                        (kenes_web::router(app.clone()), app.url())
                    }
                    (Some(node), None) => {
                        let app = App::new(node.clone(), bound);
                        (kenes_web::router(app.clone()), app.url())
                    }
                    (None, _) => {
                        let s = Shell::with_guard(ctx.data.clone(), bound, bind.ip(), key.clone(), guard);
                        if let Some(hub) = &hub {
                            s.serve_as_hub(hub.clone());
                        }
                        if let Some(federation) = resume {
                            s.resume_after_unlock(federation);
                        }
                        shell = Some(s.clone());
                        (kenes_web::onboarding::router(s.clone()), s.url())
                    }
                };
                let path = ctx.data.root().join(WEB_URL_FILE);
                std::fs::write(&path, &url)
                    .with_context(|| format!("cannot write {}", path.display()))?;
                if ctx.json {
                    crate::output::line(json!({ "web_url": url }));
                } else {
                    crate::output::line(&url);
                }
                if resume.is_some() {
                    eprintln!("the key file and the database are encrypted: enter the passphrase in the web UI to open the federation and start syncing");
                } else if shell.is_some() {
                    eprintln!("no federation here yet: open the web UI to create your identity, then found or join one");
                } else if key.is_none() {
                    eprintln!("the key file is encrypted: enter the passphrase in the web UI to start syncing");
                }
                let hub_path = match &hub {
                    Some(hub) => Some(announce_hub(ctx, hub)?),
                    None => None,
                };
                Some((listener, router, path, hub_path, acceptor))
            }
            None => None,
        };
        let web_path = web_server.as_ref().map(|(_, _, path, _, _)| path.clone());
        let hub_path = web_server.as_ref().and_then(|(_, _, _, path, _)| path.clone());
        let web_task = async {
            match web_server {
                Some((listener, router, _, _, Some(acceptor))) => {
                    kenes_web::hub::serve_tls(listener, acceptor, router, stopped()).await
                }
                Some((listener, router, _, Some(_), None)) => {
                    kenes_web::hub::serve(listener, router, stopped()).await
                }
                Some((listener, router, _, None, None)) => {
                    kenes_web::serve_router(listener, router, stopped()).await
                }
                None => {
                    stopped().await;
                    Ok(())
                }
            }
        };
        let sync_task = async {
            let node = match (node, shell) {
                (Some(node), _) => node,
                (None, Some(shell)) => tokio::select! {
                    node = shell.ready() => match node {
                        Some(node) => node,
                        None => return Ok(()),
                    },
                    _ = stopped() => return Ok(()),
                },
                (None, None) => return Ok(()),
            };
            if mdns {
                node.enable_mdns();
            }
            node.run(bind, stopped(), |ticket| {
                emit(
                    ctx.json,
                    &json!({ "ticket": ticket.to_text(), "addrs": ticket.addrs }),
                    || format!("sync on {:?}, ticket: {}", ticket.addrs, ticket.to_text()),
                )
            })
            .await
        };
        let interrupt = async {
            let _ = tokio::signal::ctrl_c().await;
            let _ = stop_tx.send(true);
        };
        let (web_result, sync_result, ()) = tokio::join!(web_task, sync_task, interrupt);
        for path in web_path.into_iter().chain(hub_path) {
            let _ = std::fs::remove_file(path);
        }
        web_result.context("web UI failed")?;
        sync_result.map_err(net_error)
    })
}

/// The addresses phones reach the hub bound to `bound` on: `bound`
/// itself, or when it is every interface, each of this machine's IPv4
/// addresses that is not loopback (loopback when there is none).
fn hub_addresses(bound: SocketAddr) -> Vec<SocketAddr> {
    if !bound.ip().is_unspecified() {
        return vec![bound];
    }
    let mut found: Vec<SocketAddr> = if_addrs::get_if_addrs()
        .unwrap_or_default()
        .into_iter()
        .map(|i| i.ip())
        .filter(|ip| ip.is_ipv4() && !ip.is_loopback())
        .map(|ip| SocketAddr::new(ip, bound.port()))
        .collect();
    found.sort();
    found.dedup();
    if found.is_empty() {
        found.push(SocketAddr::from(([127, 0, 0, 1], bound.port())));
    }
    found
}

/// The hub's certificate for `addresses` and loopback (the owner's URL),
/// kept in the data directory's `hub/`.
fn certificate(
    ctx: &Context,
    bound: SocketAddr,
    addresses: &[SocketAddr],
) -> Result<kenes_web::tls::Identity> {
    let mut ips: Vec<std::net::IpAddr> = addresses.iter().map(SocketAddr::ip).collect();
    ips.push(std::net::Ipv4Addr::LOCALHOST.into());
    if !bound.ip().is_unspecified() {
        ips.push(bound.ip());
    }
    let dir = ctx.data.root().join("hub");
    let identity =
        kenes_web::tls::Identity::load_or_make(&dir, &ips).map_err(|e| user(e.to_string()))?;
    if identity.is_new() {
        eprintln!(
            "made a certificate for these addresses: a fingerprint put up at an earlier meeting no longer holds"
        );
    }
    Ok(identity)
}

/// Prints the hub's URLs (and its certificate's fingerprint under
/// `--tls`), draws the first URL as a QR code on stderr, and writes it
/// to `hub-url`; returns that file's path.
fn announce_hub(ctx: &Context, hub: &Hub) -> Result<std::path::PathBuf> {
    let urls = hub.urls();
    let path = ctx.data.root().join(HUB_URL_FILE);
    let first = urls.first().cloned().unwrap_or_default();
    std::fs::write(&path, &first).with_context(|| format!("cannot write {}", path.display()))?;
    if ctx.json {
        crate::output::line(json!({ "hub_urls": urls, "fingerprint": hub.fingerprint() }));
    } else {
        for url in urls {
            crate::output::line(format!("hub: {url}"));
        }
        if let Some(fingerprint) = hub.fingerprint() {
            crate::output::line(format!("hub certificate SHA-256: {fingerprint}"));
        }
    }
    if let Ok(code) = qrcode::QrCode::new(first.as_bytes()) {
        eprintln!(
            "{}\nmembers' phones scan this code to sign up and take part (the laptop's owner sees the hub's members at /hub)",
            code.render::<qrcode::render::unicode::Dense1x2>()
                .quiet_zone(true)
                .build()
        );
        if let Some(fingerprint) = hub.fingerprint() {
            eprintln!(
                "the phone's browser warns about this laptop's own certificate: members who check it compare its SHA-256 fingerprint with\n  {fingerprint}"
            );
        }
    }
    Ok(path)
}

/// Whether `e` is "the key file needs a passphrase".
fn is_locked(e: &anyhow::Error) -> bool {
    matches!(
        e.downcast_ref::<kenes_store::keyfile::KeyError>(),
        Some(
            kenes_store::keyfile::KeyError::NeedPassphrase
                | kenes_store::keyfile::KeyError::WrongPassphrase
        )
    )
}

pub fn ticket(ctx: &Context, qr: bool) -> Result<()> {
    let path = ctx.data.root().join(TICKET_FILE);
    let text = std::fs::read_to_string(&path).map_err(|_| {
        user(format!(
            "no node is serving on {}: run `kenes serve`",
            ctx.data.root().display()
        ))
    })?;
    let ticket = Ticket::from_text(&text).map_err(net_error)?;
    if qr && !ctx.json {
        let code =
            qrcode::QrCode::new(ticket.to_text().as_bytes()).context("cannot draw the ticket")?;
        crate::output::line(
            code.render::<qrcode::render::unicode::Dense1x2>()
                .quiet_zone(true)
                .build(),
        );
    }
    emit(ctx.json, &json!({ "ticket": ticket.to_text() }), || {
        ticket.to_text()
    });
    Ok(())
}

/// One session with the node of `ticket`. With nothing of its federation
/// here yet, a first contact: the federation arrives whole, or nothing is
/// kept (see [`kenes_sync::first_contact`]).
pub fn sync(ctx: &Context, ticket: &str, bind: SocketAddr) -> Result<()> {
    let ticket = Ticket::from_text(ticket).map_err(net_error)?;
    let key = ctx.member_key()?;
    let path = ctx.data.database(&ticket.federation);
    let first = !path.exists();
    let stats = runtime()?.block_on(async {
        let endpoint = net::bind(bind).await.map_err(net_error)?;
        let result = if first {
            first_contact(&endpoint, &ctx.data, &ticket, &key)
                .await
                .map(|joined| joined.stats)
                .map_err(|e| {
                    if e.is_user_error() {
                        user(e.to_string())
                    } else {
                        anyhow::anyhow!(e)
                    }
                })
        } else {
            match ctx
                .data
                .open(&ticket.federation)
                .map_err(crate::context::store_error)
            {
                Ok(store) => net::sync_with(&endpoint, &ticket, &Mutex::new(store), &key)
                    .await
                    .map_err(net_error),
                Err(e) => Err(e),
            }
        };
        endpoint.close().await;
        result
    })?;
    emit(ctx.json, &stats, || {
        let line = format!(
            "synced: {} ops sent, {} received; {} bytes sent, {} received; {} round trips in {} ms",
            stats.ops_sent,
            stats.ops_received,
            stats.bytes_sent,
            stats.bytes_received,
            stats.round_trips,
            stats.duration_ms
        );
        if first {
            format!(
                "{line}\nfederation {} is here now: `kenes committee list`, then `kenes join COMMITTEE` where you were vouched for",
                ticket.federation.short()
            )
        } else {
            line
        }
    });
    Ok(())
}
