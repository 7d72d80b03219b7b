//! A running node: one federation's store, shared by the sync endpoint,
//! the loop that syncs with known peers, and whatever else serves the
//! member (the web UI).
//!
//! The store sits behind one mutex that nobody holds across an `.await`:
//! sessions lock it per turn, the web UI per request.

use crate::net::{self, Endpoint, Limits, NetError, Ticket};
use kenes_core::SecretKey;
use kenes_core::seal::EncryptionSecret;
use kenes_store::Store;
use kenes_store::datadir::DataDir;
use kenes_store::peers::{LastSync, PeerBook};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{Notify, watch};

/// How often the node syncs with its peers when nothing happens.
pub const PEER_INTERVAL: Duration = Duration::from_secs(30);
/// How often it looks for ops other processes wrote to the data directory.
pub const LOCAL_POLL: Duration = Duration::from_secs(2);
/// Sessions one remote address may open per minute; more are refused
/// before any work is done for them.
pub const SESSIONS_PER_MINUTE: usize = 30;
/// Sessions served at once: a peer that stalls holds one slot until its
/// turn times out, never the node.
pub const CONCURRENT_SESSIONS: usize = 8;

/// The name of the file in the data directory holding the running node's
/// ticket.
pub const TICKET_FILE: &str = "sync-ticket";

/// A node's shared parts.
pub struct Node {
    /// Its data directory.
    pub data: DataDir,
    /// The federation's database.
    pub store: Mutex<Store>,
    news: Notify,
    key: watch::Sender<Option<SecretKey>>,
    ticket: Mutex<Option<Ticket>>,
    limits: Limits,
    mdns: std::sync::atomic::AtomicBool,
    lan_peers: Mutex<Vec<Ticket>>,
    /// The member's X25519 secrets, for views that open sealed text.
    secrets: Mutex<Vec<EncryptionSecret>>,
}

/// Counts sessions per remote address over a sliding minute.
#[derive(Default)]
struct RateLimit {
    recent: HashMap<IpAddr, Vec<Instant>>,
}

impl RateLimit {
    /// Records a session from `ip` now; false when it is one too many.
    fn admit(&mut self, ip: IpAddr, now: Instant) -> bool {
        let window = Duration::from_secs(60);
        self.recent
            .retain(|_, times| times.last().is_some_and(|t| now - *t < window));
        let times = self.recent.entry(ip).or_default();
        times.retain(|t| now - *t < window);
        if times.len() >= SESSIONS_PER_MINUTE {
            return false;
        }
        times.push(now);
        true
    }
}

impl Node {
    /// A node over `store`; `key` is the member key when it is already
    /// unlocked (sync waits for it otherwise, see [`Node::unlock`]).
    pub fn new(data: DataDir, store: Store, key: Option<SecretKey>) -> Arc<Node> {
        Node::with_limits(data, store, key, Limits::default())
    }

    /// [`Node::new`] with other time limits on the sessions it serves
    /// (tests use short ones).
    pub fn with_limits(
        data: DataDir,
        store: Store,
        key: Option<SecretKey>,
        limits: Limits,
    ) -> Arc<Node> {
        Arc::new(Node {
            data,
            store: Mutex::new(store),
            news: Notify::new(),
            key: watch::Sender::new(key),
            ticket: Mutex::new(None),
            limits,
            mdns: std::sync::atomic::AtomicBool::new(false),
            lan_peers: Mutex::new(Vec::new()),
            secrets: Mutex::new(Vec::new()),
        })
    }

    /// Announces this node and finds others of its federation on the LAN
    /// by mDNS once it runs (see [`crate::lan`]). Off unless called.
    pub fn enable_mdns(&self) {
        self.mdns.store(true, std::sync::atomic::Ordering::Relaxed);
    }

    /// The member key, once unlocked.
    pub fn member_key(&self) -> Option<SecretKey> {
        self.key.borrow().clone()
    }

    /// The member's X25519 encryption secrets, once unlocked (issue 14).
    pub fn encryption_secrets(&self) -> Vec<EncryptionSecret> {
        self.secrets.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Hands the node the member's unlocked encryption secrets, so that
    /// its views open what is sealed to the member.
    pub fn unlock_secrets(&self, secrets: Vec<EncryptionSecret>) {
        if let Ok(mut held) = self.secrets.lock() {
            *held = secrets;
        }
    }

    /// Hands the node the unlocked member key; sync starts then.
    pub fn unlock(&self, key: SecretKey) {
        self.key.send_replace(Some(key));
    }

    /// Says that local ops changed: peers are synced with soon.
    pub fn changed(&self) {
        self.news.notify_one();
    }

    /// This node's ticket, once its endpoint is bound.
    pub fn ticket(&self) -> Option<Ticket> {
        self.ticket.lock().ok().and_then(|t| t.clone())
    }

    /// The store, locked; recovered first if a thread panicked holding it
    /// (see [`crate::net::lock_replica`]).
    pub fn lock_store(&self) -> Result<std::sync::MutexGuard<'_, Store>, NetError> {
        net::lock_replica(&self.store)
    }

    /// Reads ops other processes wrote to the database; true if any.
    fn catch_up(&self) -> bool {
        match self.lock_store().map(|mut s| s.catch_up()) {
            Ok(Ok(n)) => n > 0,
            Ok(Err(e)) => {
                tracing::warn!("cannot read new local ops: {e}");
                false
            }
            Err(_) => false,
        }
    }

    /// Binds the sync endpoint on `bind` once the member key is unlocked,
    /// publishes the ticket (in [`TICKET_FILE`] too, and to `on_ticket`),
    /// then serves sessions and syncs with known peers until `stop`
    /// resolves.
    pub async fn run(
        self: &Arc<Self>,
        bind: SocketAddr,
        stop: impl std::future::Future<Output = ()>,
        on_ticket: impl FnOnce(&Ticket),
    ) -> Result<(), NetError> {
        tokio::pin!(stop);
        let mut key_rx = self.key.subscribe();
        let key = tokio::select! {
            key = key_rx.wait_for(Option::is_some) => match key.ok().and_then(|k| k.clone()) {
                Some(key) => key,
                None => return Ok(()),
            },
            _ = &mut stop => return Ok(()),
        };
        let endpoint = net::bind(bind).await?;
        let ticket = net::ticket(&endpoint, self.federation());
        let path = self.data.root().join(TICKET_FILE);
        std::fs::write(&path, ticket.to_text())
            .map_err(|e| NetError::Io(format!("cannot write {}: {e}", path.display())))?;
        if let Ok(mut slot) = self.ticket.lock() {
            *slot = Some(ticket.clone());
        }
        on_ticket(&ticket);
        let _lan = if self.mdns.load(std::sync::atomic::Ordering::Relaxed) {
            let node = self.clone();
            match crate::lan::start(&ticket, move |found| node.found_on_lan(found)) {
                Ok(lan) => Some(lan),
                Err(e) => {
                    tracing::warn!("LAN discovery is off: {e}");
                    None
                }
            }
        } else {
            None
        };
        tokio::select! {
            _ = self.serve_sessions(&endpoint, &key) => {}
            _ = self.sync_loop(&endpoint, &key) => {}
            _ = &mut stop => {}
        }
        let _ = std::fs::remove_file(&path);
        endpoint.close().await;
        Ok(())
    }

    /// A node of this federation announced itself on the LAN.
    fn found_on_lan(&self, ticket: Ticket) {
        let Ok(mut peers) = self.lan_peers.lock() else {
            return;
        };
        // Its latest announcement replaces any earlier one of the same run.
        peers.retain(|p| p.endpoint != ticket.endpoint);
        if peers.len() < 64 {
            tracing::info!(
                "found a node of this federation on the LAN: {:?}",
                ticket.addrs
            );
            peers.push(ticket);
            drop(peers);
            self.changed();
        }
    }

    fn federation(&self) -> kenes_core::Hash {
        match self.store.lock() {
            // The federation is fixed when the store opens: a panic cannot
            // have changed it.
            Ok(store) => store.federation(),
            Err(poisoned) => poisoned.into_inner().federation(),
        }
    }

    /// Accepts sessions, at most [`CONCURRENT_SESSIONS`] at once.
    async fn serve_sessions(self: &Arc<Self>, endpoint: &Endpoint, key: &SecretKey) {
        let mut limit = RateLimit::default();
        let slots = Arc::new(tokio::sync::Semaphore::new(CONCURRENT_SESSIONS));
        while let Some(incoming) = endpoint.accept().await {
            if let iroh::endpoint::IncomingAddr::Ip(from) = incoming.remote_addr()
                && !limit.admit(from.ip(), Instant::now())
            {
                tracing::warn!(
                    "refused a session from {from}: more than {SESSIONS_PER_MINUTE} a minute"
                );
                incoming.refuse();
                continue;
            }
            let Ok(slot) = slots.clone().acquire_owned().await else {
                return;
            };
            let (node, endpoint, key) = (self.clone(), endpoint.clone(), key.clone());
            tokio::spawn(async move {
                let _slot = slot;
                let conn = match incoming.await {
                    Ok(conn) => conn,
                    Err(e) => {
                        tracing::warn!("refused a connection: {e}");
                        return;
                    }
                };
                // Ops other commands wrote to this data directory since:
                // this peer gets them now, the others soon.
                if node.catch_up() {
                    node.changed();
                }
                match net::serve_connection(&endpoint, conn, &node.store, &key, node.limits).await {
                    Ok(stats) => {
                        tracing::info!(
                            "synced: {} ops sent, {} received, {} round trips",
                            stats.ops_sent,
                            stats.ops_received,
                            stats.round_trips
                        );
                        // Pass news on: a node in a line relays it.
                        if stats.ops_received > 0 {
                            node.changed();
                        }
                    }
                    Err(e) => tracing::warn!("session ended: {e}"),
                }
            });
        }
    }

    /// Syncs with known peers every [`PEER_INTERVAL`], soon after local ops
    /// change, and after a session brought news.
    async fn sync_loop(&self, endpoint: &Endpoint, key: &SecretKey) {
        let mut every = tokio::time::interval(PEER_INTERVAL);
        let mut poll = tokio::time::interval(LOCAL_POLL);
        loop {
            tokio::select! {
                _ = every.tick() => {}
                _ = self.news.notified() => {}
                _ = poll.tick() => {
                    if !self.catch_up() {
                        continue;
                    }
                }
            }
            self.sync_peers(endpoint, key).await;
        }
    }

    /// One round of outgoing sessions with every known peer of this
    /// federation.
    async fn sync_peers(&self, endpoint: &Endpoint, key: &SecretKey) {
        let federation = self.federation().to_hex();
        let book = match PeerBook::load(self.data.root()) {
            Ok(book) => book,
            Err(e) => {
                tracing::warn!("{e}");
                return;
            }
        };
        let mut synced = Vec::new();
        let lan: Vec<Ticket> = self.lan_peers.lock().map(|p| p.clone()).unwrap_or_default();
        for ticket in &lan {
            if let Err(e) = net::sync_with(endpoint, ticket, &self.store, key).await {
                tracing::warn!("sync with a LAN node failed: {e}");
            }
        }
        // What one peer brings, the peers already visited this round need
        // too: go round again while anything arrives (at most three rounds).
        for _ in 0..3 {
            let mut received = 0;
            for peer in book.peers.iter().filter(|p| p.federation == federation) {
                let Ok(ticket) = Ticket::from_text(&peer.ticket) else {
                    continue;
                };
                let result = net::sync_with(endpoint, &ticket, &self.store, key).await;
                let last = match result {
                    Ok(stats) => {
                        received += stats.ops_received;
                        LastSync {
                            at_ms: kenes_store::now_ms(),
                            ok: true,
                            ops_sent: stats.ops_sent as u64,
                            ops_received: stats.ops_received as u64,
                            bytes_sent: stats.bytes_sent as u64,
                            bytes_received: stats.bytes_received as u64,
                            error: None,
                        }
                    }
                    Err(e) => LastSync {
                        at_ms: kenes_store::now_ms(),
                        error: Some(e.to_string()),
                        ..LastSync::default()
                    },
                };
                synced.push((peer.ticket.clone(), last));
            }
            if received == 0 {
                break;
            }
        }
        // Peers added meanwhile (by the web UI or `kenes peers add`) are
        // kept: re-read the book and record the results into it.
        if let Ok(mut book) = PeerBook::load(self.data.root()) {
            for (ticket, last) in synced {
                if let Some(peer) = book.peers.iter_mut().find(|p| p.ticket == ticket) {
                    peer.last = Some(last);
                }
            }
            if let Err(e) = book.save() {
                tracing::warn!("{e}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limit_counts_per_address_over_a_minute() {
        let mut limit = RateLimit::default();
        let start = Instant::now();
        let a: IpAddr = [127, 0, 0, 1].into();
        let b: IpAddr = [127, 0, 0, 2].into();
        for _ in 0..SESSIONS_PER_MINUTE {
            assert!(limit.admit(a, start));
        }
        assert!(!limit.admit(a, start), "one too many from the same address");
        assert!(limit.admit(b, start), "another address is not affected");
        assert!(
            limit.admit(a, start + Duration::from_secs(61)),
            "the window slides"
        );
    }
}
