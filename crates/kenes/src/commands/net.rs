//! `kenes serve`, `kenes ticket`, `kenes sync`: live sync over iroh QUIC.

use crate::context::{Context, PASSPHRASE_VAR};
use crate::error::user;
use crate::output::emit;
use anyhow::{Context as _, Result};
use kenes_core::{Engine, Verify};
use kenes_store::Store;
use kenes_sync::net::{self, NetError, Replica, Ticket};
use serde_json::json;
use std::net::SocketAddr;
use std::sync::Mutex;

/// The store as the sync session sees it.
struct StoreReplica(Store);

impl Replica for StoreReplica {
    fn engine(&self) -> &Engine {
        self.0.engine()
    }

    fn ingest(&mut self, ops: &[Vec<u8>]) -> Result<(), String> {
        self.0
            .ingest(ops, Verify::Signatures)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// A peer as `peers.json` in the data directory records it.
#[derive(serde::Serialize, serde::Deserialize, Clone, Debug)]
struct Peer {
    ticket: String,
    federation: String,
    last_sync_ms: Option<u64>,
    last_result: Option<String>,
}

fn peers_path(ctx: &Context) -> std::path::PathBuf {
    ctx.data.root().join("peers.json")
}

fn load_peers(ctx: &Context) -> Result<Vec<Peer>> {
    match std::fs::read_to_string(peers_path(ctx)) {
        Ok(text) => {
            serde_json::from_str(&text).map_err(|e| user(format!("peers.json is malformed: {e}")))
        }
        Err(_) => Ok(Vec::new()),
    }
}

fn save_peers(ctx: &Context, peers: &[Peer]) -> Result<()> {
    let path = peers_path(ctx);
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, serde_json::to_string_pretty(peers)?)?;
    std::fs::rename(&tmp, &path)?;
    Ok(())
}

pub fn peers(ctx: &Context, cmd: crate::cli::PeersCommand) -> Result<()> {
    match cmd {
        crate::cli::PeersCommand::Add { ticket } => {
            let parsed = Ticket::from_text(&ticket).map_err(net_error)?;
            let mut peers = load_peers(ctx)?;
            let text = parsed.to_text();
            if !peers.iter().any(|p| p.ticket == text) {
                peers.push(Peer {
                    ticket: text.clone(),
                    federation: parsed.federation.to_hex(),
                    last_sync_ms: None,
                    last_result: None,
                });
                save_peers(ctx, &peers)?;
            }
            emit(ctx.json, &json!({ "peers": peers.len() }), || {
                format!("{} known peers", peers.len())
            });
        }
        crate::cli::PeersCommand::List => {
            let peers = load_peers(ctx)?;
            emit(ctx.json, &peers, || {
                if peers.is_empty() {
                    return "no peers: kenes peers add TICKET".into();
                }
                peers
                    .iter()
                    .map(|p| {
                        format!(
                            "{}…  {}",
                            &p.ticket[..24.min(p.ticket.len())],
                            p.last_result.as_deref().unwrap_or("never synced")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
    }
    Ok(())
}

/// One round of outgoing sessions with every known peer of `federation`.
async fn sync_peers(
    ctx: &Context,
    endpoint: &net::Endpoint,
    replica: &Mutex<StoreReplica>,
    key: &kenes_core::SecretKey,
    federation: kenes_core::Hash,
) {
    let Ok(mut peers) = load_peers(ctx) else {
        return;
    };
    // What one peer brings, the peers already visited this round need too:
    // go round again while anything arrives (at most three rounds).
    for _ in 0..3 {
        let mut received = 0;
        for peer in peers
            .iter_mut()
            .filter(|p| p.federation == federation.to_hex())
        {
            let Ok(ticket) = Ticket::from_text(&peer.ticket) else {
                continue;
            };
            let result = net::sync_with(endpoint, &ticket, replica, key).await;
            peer.last_sync_ms = Some(crate::context::now_ms());
            peer.last_result = Some(match result {
                Ok(stats) => {
                    received += stats.ops_received;
                    format!(
                        "ok: {} ops sent, {} received",
                        stats.ops_sent, stats.ops_received
                    )
                }
                Err(e) => format!("failed: {e}"),
            });
        }
        if received == 0 {
            break;
        }
    }
    let _ = save_peers(ctx, &peers);
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the network runtime")
}

fn member_key(ctx: &Context) -> Result<kenes_core::SecretKey> {
    Ok(ctx
        .key_file()?
        .unlock(std::env::var(PASSPHRASE_VAR).ok().as_deref())?)
}

fn net_error(e: NetError) -> anyhow::Error {
    match e {
        NetError::Admission(_) | NetError::Refused(_) | NetError::BadTicket(_) => {
            user(e.to_string())
        }
        other => anyhow::anyhow!(other),
    }
}

pub fn serve(ctx: &Context, bind: SocketAddr) -> Result<()> {
    let key = member_key(ctx)?;
    let store = ctx.open()?;
    let federation = store.federation();
    let replica = Mutex::new(StoreReplica(store));
    runtime()?.block_on(async {
        let endpoint = net::bind(bind).await.map_err(net_error)?;
        let ticket = net::ticket(&endpoint, federation);
        let path = ctx.data.root().join("sync-ticket");
        std::fs::write(&path, ticket.to_text())
            .with_context(|| format!("cannot write {}", path.display()))?;
        emit(
            ctx.json,
            &json!({ "ticket": ticket.to_text(), "addrs": ticket.addrs }),
            || {
                format!(
                    "serving on {:?}\nticket: {}",
                    ticket.addrs,
                    ticket.to_text()
                )
            },
        );
        // Two loops on this thread, never blocking each other: serving
        // incoming sessions, and syncing with known peers every 30 s, soon
        // after local ops change, and after a session brought news.
        let news = tokio::sync::Notify::new();
        let serving = async {
            while let Some(incoming) = endpoint.accept().await {
                let conn = match incoming.await {
                    Ok(conn) => conn,
                    Err(e) => {
                        eprintln!("refused a connection: {e}");
                        continue;
                    }
                };
                // Ops other commands wrote to this data directory since:
                // this peer gets them now, the others soon.
                if let Ok(mut r) = replica.lock() {
                    match r.0.catch_up() {
                        Ok(0) => {}
                        Ok(_) => news.notify_one(),
                        Err(e) => eprintln!("cannot read new local ops: {e}"),
                    }
                }
                // One incoming session at a time: bounded work per peer.
                match net::serve_connection(&endpoint, conn, &replica, &key).await {
                    Ok(stats) => {
                        eprintln!(
                            "synced: {} ops sent, {} received, {} round trips",
                            stats.ops_sent, stats.ops_received, stats.round_trips
                        );
                        // Pass news on: a node in a line relays it.
                        if stats.ops_received > 0 {
                            news.notify_one();
                        }
                    }
                    Err(e) => eprintln!("session ended: {e}"),
                }
            }
        };
        let syncing = async {
            let mut every = tokio::time::interval(std::time::Duration::from_secs(30));
            let mut poll = tokio::time::interval(std::time::Duration::from_secs(2));
            loop {
                tokio::select! {
                    _ = every.tick() => {}
                    _ = news.notified() => {}
                    _ = poll.tick() => {
                        let changed = replica.lock().map(|mut r| r.0.catch_up().unwrap_or(0)).unwrap_or(0);
                        if changed == 0 {
                            continue;
                        }
                    }
                }
                sync_peers(ctx, &endpoint, &replica, &key, federation).await;
            }
        };
        tokio::select! {
            _ = serving => {}
            _ = syncing => {}
            _ = tokio::signal::ctrl_c() => {}
        }
        let _ = std::fs::remove_file(&path);
        endpoint.close().await;
        Ok(())
    })
}

pub fn ticket(ctx: &Context, qr: bool) -> Result<()> {
    let path = ctx.data.root().join("sync-ticket");
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
        println!(
            "{}",
            code.render::<qrcode::render::unicode::Dense1x2>()
                .quiet_zone(true)
                .build()
        );
    }
    emit(ctx.json, &json!({ "ticket": ticket.to_text() }), || {
        ticket.to_text()
    });
    Ok(())
}

pub fn sync(ctx: &Context, ticket: &str, bind: SocketAddr) -> Result<()> {
    let ticket = Ticket::from_text(ticket).map_err(net_error)?;
    let key = member_key(ctx)?;
    let path = ctx.data.database(&ticket.federation);
    let store = if path.exists() {
        Store::open(&path)?
    } else {
        return Err(user(
            "this node holds nothing of that federation yet: import a bundle from a member who vouched for you first",
        ));
    };
    let replica = Mutex::new(StoreReplica(store));
    let stats = runtime()?.block_on(async {
        let endpoint = net::bind(bind).await.map_err(net_error)?;
        let result = net::sync_with(&endpoint, &ticket, &replica, &key).await;
        endpoint.close().await;
        result.map_err(net_error)
    })?;
    emit(ctx.json, &stats, || {
        format!(
            "synced: {} ops sent, {} received; {} bytes sent, {} received; {} round trips in {} ms",
            stats.ops_sent,
            stats.ops_received,
            stats.bytes_sent,
            stats.bytes_received,
            stats.round_trips,
            stats.duration_ms
        )
    });
    Ok(())
}
