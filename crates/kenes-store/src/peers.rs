//! The peers a node syncs with, kept in `peers.json` in the data directory,
//! with the figures of the last session with each.
//!
//! Tickets are stored as text: parsing them belongs to the transport, and
//! a ticket this build cannot read is kept, not lost.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Why the peer list could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum PeersError {
    /// The file is not a peer list.
    #[error("peers.json is malformed: {0}")]
    Malformed(String),
    /// Reading or writing failed.
    #[error("cannot write peers.json: {0}")]
    Io(#[from] std::io::Error),
}

/// The last session with a peer.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct LastSync {
    /// When it ended, in milliseconds since the Unix epoch.
    pub at_ms: u64,
    /// Whether it completed.
    pub ok: bool,
    /// Ops sent.
    pub ops_sent: u64,
    /// Ops received.
    pub ops_received: u64,
    /// Bytes sent.
    pub bytes_sent: u64,
    /// Bytes received.
    pub bytes_received: u64,
    /// Why it failed, when it did.
    pub error: Option<String>,
}

/// A known peer.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Peer {
    /// Its ticket, as text.
    pub ticket: String,
    /// The federation the ticket names, as hex.
    pub federation: String,
    /// The last session, if any.
    #[serde(default)]
    pub last: Option<LastSync>,
}

impl Peer {
    /// One line on the last session, for people.
    pub fn summary(&self) -> String {
        match &self.last {
            None => "never synced".into(),
            Some(l) if l.ok => format!("ok: {} ops sent, {} received", l.ops_sent, l.ops_received),
            Some(l) => format!("failed: {}", l.error.as_deref().unwrap_or("unknown")),
        }
    }
}

/// The peer list of a data directory.
#[derive(Clone, Debug)]
pub struct PeerBook {
    path: PathBuf,
    /// The peers, in the order they were added.
    pub peers: Vec<Peer>,
}

impl PeerBook {
    /// Reads the list in `data_root` (empty when there is none yet).
    pub fn load(data_root: &Path) -> Result<PeerBook, PeersError> {
        let path = data_root.join("peers.json");
        let peers = match std::fs::read_to_string(&path) {
            Ok(text) => {
                serde_json::from_str(&text).map_err(|e| PeersError::Malformed(e.to_string()))?
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(e.into()),
        };
        Ok(PeerBook { path, peers })
    }

    /// Adds a peer unless its ticket is known; says whether it was new.
    pub fn add(&mut self, ticket: String, federation: String) -> bool {
        if self.peers.iter().any(|p| p.ticket == ticket) {
            return false;
        }
        self.peers.push(Peer {
            ticket,
            federation,
            last: None,
        });
        true
    }

    /// Writes the list atomically (a crash leaves the old or the new one).
    pub fn save(&self) -> Result<(), PeersError> {
        let tmp = self.path.with_extension("json.tmp");
        let text = serde_json::to_string_pretty(&self.peers)
            .map_err(|e| PeersError::Malformed(e.to_string()))?;
        std::fs::write(&tmp, text)?;
        std::fs::rename(&tmp, &self.path)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_ignores_duplicates() {
        let dir = tempfile::tempdir().unwrap();
        let mut book = PeerBook::load(dir.path()).unwrap();
        assert!(book.add("kenes1abc".into(), "00".into()));
        assert!(!book.add("kenes1abc".into(), "00".into()));
        book.peers[0].last = Some(LastSync {
            ok: true,
            ops_sent: 3,
            ..LastSync::default()
        });
        book.save().unwrap();
        let again = PeerBook::load(dir.path()).unwrap();
        assert_eq!(again.peers, book.peers);
        assert_eq!(again.peers[0].summary(), "ok: 3 ops sent, 0 received");
    }

    #[test]
    fn malformed_file_is_an_error_not_an_empty_list() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("peers.json"), "{not json").unwrap();
        assert!(matches!(
            PeerBook::load(dir.path()),
            Err(PeersError::Malformed(_))
        ));
    }
}
