//! The live transport: iroh QUIC with ALPN `kenes/sync/1`, no relay, no
//! address lookup, no port mapping, DNS pointed at loopback only, and a new
//! ephemeral endpoint key per run (never derived from the member key).
//!
//! One session per connection, on one bidirectional stream: both sides say
//! hello, prove their member keys ([`crate::admission`]), then run a
//! [`crate::session`], each turn a counted list of length-prefixed frames.

use crate::admission::{self, AdmissionError, Hello};
use crate::session::{Initiator, Message, Responder};
pub use iroh::Endpoint;
use iroh::endpoint::{Connection, RecvStream, SendStream, presets};
use iroh::{EndpointAddr, NetReportConfig, RelayMode};
use kenes_core::{Engine, Hash, SecretKey, Signature};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// The protocol identifier in the QUIC handshake.
pub const ALPN: &[u8] = b"kenes/sync/1";
/// Largest frame accepted.
pub const MAX_FRAME_BYTES: u32 = 96 * 1024 * 1024;
/// Most frames in one turn.
pub const MAX_FRAMES_PER_TURN: u32 = 100_000;
/// Longest a whole session may take.
pub const SESSION_TIMEOUT: Duration = Duration::from_secs(300);
/// Longest a connection attempt may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Longest a peer may take to send its next turn.
pub const TURN_TIMEOUT: Duration = Duration::from_secs(30);

/// Time limits on a session this node serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Longest the peer may take to send its next turn (the handshake
    /// counts as one).
    pub turn: Duration,
    /// Longest the whole session may take.
    pub session: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            turn: TURN_TIMEOUT,
            session: SESSION_TIMEOUT,
        }
    }
}

/// Why a sync failed.
#[derive(Debug, thiserror::Error)]
pub enum NetError {
    /// Binding or connecting failed.
    #[error("network: {0}")]
    Io(String),
    /// The peer sent something malformed or too large.
    #[error("peer sent an invalid message: {0}")]
    Protocol(String),
    /// Admission failed.
    #[error(transparent)]
    Admission(#[from] AdmissionError),
    /// The peer refused us.
    #[error("peer refused this node: {0}")]
    Refused(String),
    /// The session took too long.
    #[error("sync session timed out")]
    Timeout,
    /// The ticket is malformed.
    #[error("invalid ticket: {0}")]
    BadTicket(String),
}

fn io(e: impl std::fmt::Display) -> NetError {
    NetError::Io(e.to_string())
}

/// What a node hands out so others can reach it: its endpoint id, direct
/// addresses and federation. As text: `kenes1` and hex.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    /// The endpoint id (ephemeral, per run).
    pub endpoint: [u8; 32],
    /// Direct socket addresses.
    pub addrs: Vec<SocketAddr>,
    /// The federation.
    pub federation: Hash,
}

impl Ticket {
    /// The text form.
    pub fn to_text(&self) -> String {
        format!(
            "kenes1{}",
            hex::encode(postcard::to_allocvec(self).unwrap_or_default())
        )
    }

    /// Reads the text form.
    pub fn from_text(text: &str) -> Result<Ticket, NetError> {
        let hex = text
            .trim()
            .strip_prefix("kenes1")
            .ok_or_else(|| NetError::BadTicket("does not start with kenes1".into()))?;
        if hex.len() > 8192 {
            return Err(NetError::BadTicket("too long".into()));
        }
        let bytes = hex::decode(hex).map_err(|_| NetError::BadTicket("not hex".into()))?;
        let ticket: Ticket =
            postcard::from_bytes(&bytes).map_err(|_| NetError::BadTicket("malformed".into()))?;
        if ticket.addrs.is_empty() || ticket.addrs.len() > 64 {
            return Err(NetError::BadTicket("no usable address".into()));
        }
        Ok(ticket)
    }

    fn addr(&self) -> Result<EndpointAddr, NetError> {
        let id = iroh::EndpointId::from_bytes(&self.endpoint)
            .map_err(|_| NetError::BadTicket("bad endpoint id".into()))?;
        let mut addr = EndpointAddr::new(id);
        for a in &self.addrs {
            addr = addr.with_ip_addr(*a);
        }
        Ok(addr)
    }
}

/// Binds an endpoint on `bind` with everything that would reach beyond the
/// given addresses turned off.
pub async fn bind(bind: SocketAddr) -> Result<Endpoint, NetError> {
    let loopback_dns = SocketAddr::from(([127, 0, 0, 1], 53));
    Endpoint::builder(presets::Minimal)
        .relay_mode(RelayMode::Disabled)
        .clear_address_lookup()
        .net_report_config(NetReportConfig::minimal())
        .dns_resolver(iroh::dns::DnsResolver::with_nameserver(loopback_dns))
        .alpns(vec![ALPN.to_vec()])
        .clear_ip_transports()
        .bind_addr(bind)
        .map_err(io)?
        .bind()
        .await
        .map_err(io)
}

/// A node's ticket: its endpoint id and bound addresses.
pub fn ticket(endpoint: &Endpoint, federation: Hash) -> Ticket {
    Ticket {
        endpoint: *endpoint.id().as_bytes(),
        addrs: endpoint.bound_sockets(),
        federation,
    }
}

/// The store a session reads and fills.
pub trait Replica {
    /// The engine, to read.
    fn engine(&self) -> &Engine;
    /// Ingests ops received from the peer (verified like any input).
    fn ingest(&mut self, ops: &[Vec<u8>]) -> Result<(), String>;
    /// Returns to a consistent state after a thread panicked holding it.
    fn recover(&mut self) -> Result<(), String> {
        Ok(())
    }
}

/// Locks `replica`. A thread that panicked holding it (a bug, an archived
/// op that could not be read) may have left it half-changed: it recovers
/// (a store reloads its last commit) before anyone reads it again, instead
/// of every later session and page failing on the poisoned lock.
pub fn lock_replica<R: Replica>(replica: &Mutex<R>) -> Result<MutexGuard<'_, R>, NetError> {
    match replica.lock() {
        Ok(guard) => Ok(guard),
        Err(poisoned) => {
            let mut guard = poisoned.into_inner();
            guard.recover().map_err(io)?;
            tracing::warn!("recovered the store after a panic: reloaded its last commit");
            replica.clear_poison();
            Ok(guard)
        }
    }
}

/// A node's database is a replica: what it receives goes through the
/// store's validated, transactional ingest.
impl Replica for kenes_store::Store {
    fn engine(&self) -> &Engine {
        kenes_store::Store::engine(self)
    }

    fn ingest(&mut self, ops: &[Vec<u8>]) -> Result<(), String> {
        kenes_store::Store::ingest(self, ops, kenes_core::Verify::Signatures)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    fn recover(&mut self) -> Result<(), String> {
        kenes_store::Store::recover(self).map_err(|e| e.to_string())
    }
}

/// What one session did.
#[derive(Clone, Debug, Default, Serialize)]
pub struct SyncStats {
    /// Ops this side sent.
    pub ops_sent: usize,
    /// Ops this side received.
    pub ops_received: usize,
    /// Bytes written.
    pub bytes_sent: usize,
    /// Bytes read.
    pub bytes_received: usize,
    /// Turns (request and reply).
    pub round_trips: usize,
    /// Wall-clock duration in ms.
    pub duration_ms: u128,
}

async fn write_frame(
    send: &mut SendStream,
    bytes: &[u8],
    stats: &mut SyncStats,
) -> Result<(), NetError> {
    let len =
        u32::try_from(bytes.len()).map_err(|_| NetError::Protocol("frame too large".into()))?;
    send.write_all(&len.to_le_bytes()).await.map_err(io)?;
    send.write_all(bytes).await.map_err(io)?;
    stats.bytes_sent += 4 + bytes.len();
    Ok(())
}

async fn read_frame(recv: &mut RecvStream, stats: &mut SyncStats) -> Result<Vec<u8>, NetError> {
    let mut len = [0u8; 4];
    recv.read_exact(&mut len).await.map_err(io)?;
    let len = u32::from_le_bytes(len);
    if len > MAX_FRAME_BYTES {
        return Err(NetError::Protocol(format!("frame of {len} bytes")));
    }
    let mut bytes = vec![0u8; len as usize];
    recv.read_exact(&mut bytes).await.map_err(io)?;
    stats.bytes_received += 4 + bytes.len();
    Ok(bytes)
}

async fn send_turn(
    send: &mut SendStream,
    messages: &[Message],
    stats: &mut SyncStats,
) -> Result<(), NetError> {
    write_frame(send, &(messages.len() as u32).to_le_bytes(), stats).await?;
    for m in messages {
        if let Message::Ops(ops) = m {
            stats.ops_sent += ops.len();
        }
        write_frame(send, &m.encode(), stats).await?;
    }
    Ok(())
}

async fn read_turn(
    recv: &mut RecvStream,
    stats: &mut SyncStats,
    limit: Duration,
) -> Result<Vec<Message>, NetError> {
    // A peer that stops mid-session (say, claims ops it never sends) is
    // timed out turn by turn, not only at the end of the session.
    tokio::time::timeout(limit, read_turn_now(recv, stats))
        .await
        .map_err(|_| NetError::Timeout)?
}

async fn read_turn_now(
    recv: &mut RecvStream,
    stats: &mut SyncStats,
) -> Result<Vec<Message>, NetError> {
    let count = read_frame(recv, stats).await?;
    let count: [u8; 4] = count
        .try_into()
        .map_err(|_| NetError::Protocol("bad turn header".into()))?;
    let count = u32::from_le_bytes(count);
    if count > MAX_FRAMES_PER_TURN {
        return Err(NetError::Protocol("too many frames".into()));
    }
    let mut messages = Vec::with_capacity(count.min(1024) as usize);
    for _ in 0..count {
        let m = Message::decode(&read_frame(recv, stats).await?)
            .map_err(|e| NetError::Protocol(e.to_string()))?;
        if let Message::Ops(ops) = &m {
            stats.ops_received += ops.len();
        }
        messages.push(m);
    }
    Ok(messages)
}

fn decode<T: for<'de> Deserialize<'de>>(bytes: &[u8]) -> Result<T, NetError> {
    postcard::from_bytes(bytes).map_err(|_| NetError::Protocol("malformed handshake".into()))
}

/// Hello and proofs, both ways. `judge` decides on the peer's hello and
/// proof (bound to `challenge`); returns the peer's hello once admitted.
#[allow(clippy::too_many_arguments)]
async fn handshake(
    send: &mut SendStream,
    recv: &mut RecvStream,
    federation: Hash,
    judge: impl FnOnce(&Hello, &Signature, &[u8]) -> Result<(), NetError>,
    key: &SecretKey,
    endpoints: ([u8; 32], [u8; 32]),
    client: bool,
    stats: &mut SyncStats,
) -> Result<Hello, NetError> {
    let mine = Hello::new(federation, key.public());
    write_frame(
        send,
        &postcard::to_allocvec(&mine).unwrap_or_default(),
        stats,
    )
    .await?;
    let theirs: Hello = decode(&read_frame(recv, stats).await?)?;
    let (c, s) = if client {
        (&mine, &theirs)
    } else {
        (&theirs, &mine)
    };
    let challenge = admission::challenge(&endpoints.0, &endpoints.1, c, s);
    write_frame(send, &admission::prove(key, &challenge).0, stats).await?;
    let proof = read_frame(recv, stats).await?;
    let proof: [u8; 64] = proof
        .try_into()
        .map_err(|_| NetError::Protocol("bad proof".into()))?;
    judge(&theirs, &Signature(proof), &challenge)?;
    // Each side says it admitted the other; a side that was refused learns
    // it here, when the connection closes instead.
    write_frame(send, &[1], stats).await?;
    match read_frame(recv, stats).await {
        Ok(ok) if ok == [1] => Ok(theirs),
        Ok(_) => Err(NetError::Protocol("bad admission verdict".into())),
        Err(_) => Err(NetError::Refused(
            "neither a member nor a vouched candidate there".into(),
        )),
    }
}

/// The judge of a side that holds the federation: the peer's proof and
/// standing in `replica`.
fn admit_by(
    replica: &std::sync::Mutex<impl Replica>,
) -> impl FnOnce(&Hello, &Signature, &[u8]) -> Result<(), NetError> {
    move |hello, proof, challenge| {
        let guard = lock_replica(replica)?;
        Ok(admission::admit(guard.engine(), hello, proof, challenge)?)
    }
}

/// Handles one turn of the peer's messages on this side: ingests what they
/// carry and collects the replies. Returns the replies and whether the
/// session is over. The replica is locked for the turn, never across I/O.
fn apply_turn(
    replica: &std::sync::Mutex<impl Replica>,
    incoming: Vec<Message>,
    mut handle: impl FnMut(
        &Engine,
        Message,
    ) -> Result<crate::session::Output, crate::reconcile::SyncError>,
) -> Result<(Vec<Message>, bool), NetError> {
    let mut guard = lock_replica(replica)?;
    let mut outgoing = Vec::new();
    let mut done = false;
    for m in incoming {
        let out = handle(guard.engine(), m).map_err(|e| NetError::Protocol(e.to_string()))?;
        if !out.ingest.is_empty() {
            guard.ingest(&out.ingest).map_err(NetError::Io)?;
        }
        outgoing.extend(out.send);
        done |= out.done;
    }
    Ok((outgoing, done))
}

/// Connects to `ticket` and runs one session as the initiator.
pub async fn sync_with(
    endpoint: &Endpoint,
    ticket: &Ticket,
    replica: &std::sync::Mutex<impl Replica>,
    key: &SecretKey,
) -> Result<SyncStats, NetError> {
    let federation = lock_replica(replica)?.engine().federation();
    initiate(
        endpoint,
        ticket,
        federation,
        admit_by(replica),
        replica,
        key,
    )
    .await
    .map(|(stats, _)| stats)
}

/// First contact: runs one session as the initiator into `replica`, which
/// holds nothing of `ticket`'s federation yet, so the peer's standing
/// cannot be judged before its ops arrive. Only its proof is checked here;
/// the caller must check the returned hello's standing with
/// [`admission::check_standing`] in what arrived, and throw it all away if
/// that fails (see [`crate::first_contact`]).
pub async fn sync_unjudged(
    endpoint: &Endpoint,
    ticket: &Ticket,
    replica: &std::sync::Mutex<impl Replica>,
    key: &SecretKey,
) -> Result<(SyncStats, Hello), NetError> {
    let federation = ticket.federation;
    let judge = move |hello: &Hello, proof: &Signature, challenge: &[u8]| {
        Ok(admission::verify_proof(
            federation, hello, proof, challenge,
        )?)
    };
    initiate(endpoint, ticket, federation, judge, replica, key).await
}

async fn initiate(
    endpoint: &Endpoint,
    ticket: &Ticket,
    federation: Hash,
    judge: impl FnOnce(&Hello, &Signature, &[u8]) -> Result<(), NetError>,
    replica: &std::sync::Mutex<impl Replica>,
    key: &SecretKey,
) -> Result<(SyncStats, Hello), NetError> {
    if ticket.federation != federation {
        return Err(NetError::BadTicket("it is for another federation".into()));
    }
    let started = Instant::now();
    let run = async {
        let mut stats = SyncStats::default();
        // A peer that is gone must not hold this node up for long.
        let conn: Connection =
            tokio::time::timeout(CONNECT_TIMEOUT, endpoint.connect(ticket.addr()?, ALPN))
                .await
                .map_err(|_| NetError::Io("peer unreachable".into()))?
                .map_err(|e| {
                    NetError::Refused(format!(
                        "the peer did not take the connection ({e}): it may be stopped, or limiting sessions from this address to {} a minute; try again later",
                        crate::node::SESSIONS_PER_MINUTE
                    ))
                })?;
        let (mut send, mut recv) = conn.open_bi().await.map_err(io)?;
        let endpoints = (*endpoint.id().as_bytes(), *conn.remote_id().as_bytes());
        let peer = tokio::time::timeout(
            TURN_TIMEOUT,
            handshake(
                &mut send, &mut recv, federation, judge, key, endpoints, true, &mut stats,
            ),
        )
        .await
        .unwrap_or(Err(NetError::Timeout))
        .map_err(|e| match e {
            NetError::Io(reason) => NetError::Refused(reason),
            other => other,
        })?;
        let mut initiator = Initiator::new(lock_replica(replica)?.engine());
        let mut outgoing = vec![initiator.start()];
        loop {
            send_turn(&mut send, &outgoing, &mut stats).await?;
            stats.round_trips += 1;
            let incoming = read_turn(&mut recv, &mut stats, TURN_TIMEOUT).await?;
            let done;
            (outgoing, done) =
                apply_turn(replica, incoming, |engine, m| initiator.handle(engine, m))?;
            if done {
                break;
            }
        }
        send.finish().map_err(io)?;
        conn.close(0u32.into(), b"done");
        Ok::<_, NetError>((stats, peer))
    };
    let (mut stats, peer) = tokio::time::timeout(SESSION_TIMEOUT, run)
        .await
        .map_err(|_| NetError::Timeout)??;
    stats.duration_ms = started.elapsed().as_millis();
    Ok((stats, peer))
}

/// Serves one incoming connection as the responder.
pub async fn serve_connection(
    endpoint: &Endpoint,
    conn: Connection,
    replica: &std::sync::Mutex<impl Replica>,
    key: &SecretKey,
    limits: Limits,
) -> Result<SyncStats, NetError> {
    let started = Instant::now();
    let run = async {
        let mut stats = SyncStats::default();
        let (mut send, mut recv) = conn.accept_bi().await.map_err(io)?;
        let endpoints = (*conn.remote_id().as_bytes(), *endpoint.id().as_bytes());
        // A peer that stalls in the handshake is dropped after one turn's
        // time, so it cannot hold the node.
        let federation = lock_replica(replica)?.engine().federation();
        let admitted = tokio::time::timeout(
            limits.turn,
            handshake(
                &mut send,
                &mut recv,
                federation,
                admit_by(replica),
                key,
                endpoints,
                false,
                &mut stats,
            ),
        )
        .await
        .unwrap_or(Err(NetError::Timeout));
        if let Err(e) = admitted {
            conn.close(1u32.into(), b"not admitted");
            return Err(e);
        }
        let mut responder = Responder::new(lock_replica(replica)?.engine());
        loop {
            let incoming = read_turn(&mut recv, &mut stats, limits.turn).await?;
            stats.round_trips += 1;
            let (outgoing, done) =
                apply_turn(replica, incoming, |engine, m| responder.handle(engine, m))?;
            send_turn(&mut send, &outgoing, &mut stats).await?;
            if done {
                break;
            }
        }
        send.finish().map_err(io)?;
        // Let the peer read the last turn before the connection goes.
        let _ = tokio::time::timeout(Duration::from_secs(5), conn.closed()).await;
        Ok::<SyncStats, NetError>(stats)
    };
    let mut stats = tokio::time::timeout(limits.session, run)
        .await
        .map_err(|_| NetError::Timeout)??;
    stats.duration_ms = started.elapsed().as_millis();
    Ok(stats)
}
