//! `kenes serve`, `kenes ticket`, `kenes sync`: live sync over iroh QUIC.

use crate::context::Context;
use crate::error::user;
use crate::output::emit;
use anyhow::{Context as _, Result};
use kenes_store::Store;
use kenes_store::peers::PeerBook;
use kenes_sync::net::{self, NetError, Ticket};
use kenes_sync::node::{Node, TICKET_FILE};
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

fn net_error(e: NetError) -> anyhow::Error {
    match e {
        NetError::Admission(_) | NetError::Refused(_) | NetError::BadTicket(_) => {
            user(e.to_string())
        }
        other => anyhow::anyhow!(other),
    }
}

pub fn serve(ctx: &Context, bind: SocketAddr) -> Result<()> {
    let key = ctx.member_key()?;
    let node = Node::new(ctx.data.clone(), ctx.open()?, Some(key));
    runtime()?.block_on(async {
        let stop = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        node.run(bind, stop, |ticket| {
            emit(
                ctx.json,
                &json!({ "ticket": ticket.to_text(), "addrs": ticket.addrs }),
                || format!("serving on {:?}\nticket: {}", ticket.addrs, ticket.to_text()),
            )
        })
        .await
        .map_err(net_error)
    })
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
    let key = ctx.member_key()?;
    let path = ctx.data.database(&ticket.federation);
    let store = if path.exists() {
        Store::open(&path)?
    } else {
        return Err(user(
            "this node holds nothing of that federation yet: import a bundle from a member who vouched for you first",
        ));
    };
    let replica = Mutex::new(store);
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
