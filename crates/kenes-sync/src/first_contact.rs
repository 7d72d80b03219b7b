//! First contact: a data directory that holds only a member key receives a
//! federation by ticket over QUIC (issue 13, DESIGN §6b).
//!
//! The candidate cannot judge the serving node before it holds any of the
//! federation, so the session runs into a staging database beside the
//! others, under a name no command reads. Once the ops have arrived, the
//! serving node's key must have standing in them (the one it proved in
//! the handshake), and so must the candidate's (it was vouched for); only
//! then is the staging database linked into place, whole. Anything else
//! (a refused check, a failed session, a crash) leaves no database: the
//! staging files are removed at once, or by the next first contact once
//! the process that made them is gone.

use crate::admission::{self, AdmissionError};
use crate::net::{self, Endpoint, NetError, SyncStats, Ticket};
use kenes_core::SecretKey;
use kenes_store::datadir::DataDir;
use kenes_store::storekey::StoreKey;
use kenes_store::{Store, StoreError};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The prefix of staging databases in the federations folder.
const STAGING_PREFIX: &str = ".first-contact-";

/// Why a first contact left nothing behind.
#[derive(Debug, thiserror::Error)]
pub enum FirstContactError {
    /// The session failed or the serving node refused this key.
    #[error(transparent)]
    Net(#[from] NetError),
    /// The serving node's key has no standing in what it sent.
    #[error("the serving node is not a member of the federation it sent: nothing was kept")]
    NotAMember,
    /// This key has no standing in what the node sent.
    #[error("the federation the node sent does not vouch for this key: nothing was kept")]
    NotVouched,
    /// The federation is already here: sync normally.
    #[error("this data directory already holds that federation")]
    AlreadyHeld,
    /// The staging or final database could not be written.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A file operation failed.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl FirstContactError {
    /// Whether it is the user's situation to act on (the peer, the
    /// network, a path that cannot be written) rather than a failure of
    /// kenes or of the machine.
    pub fn is_user_error(&self) -> bool {
        match self {
            FirstContactError::Store(e) => e.is_user_error(),
            _ => true,
        }
    }
}

/// What a first contact brought.
pub struct Joined {
    /// The federation's database, now in place.
    pub store: Store,
    /// What the session did.
    pub stats: SyncStats,
}

/// Receives `ticket`'s federation into `data` as `key`'s member, from the
/// node the ticket names, over `endpoint`. See the module doc.
pub async fn first_contact(
    endpoint: &Endpoint,
    data: &DataDir,
    ticket: &Ticket,
    key: &SecretKey,
) -> Result<Joined, FirstContactError> {
    let dest = data.database(&ticket.federation);
    if dest.exists() {
        return Err(FirstContactError::AlreadyHeld);
    }
    let dir = data.federations_dir();
    remove_stale(&dir);
    let staging = dir.join(format!(
        "{STAGING_PREFIX}{}-{}.sqlite",
        std::process::id(),
        hex::encode(rand_nonce())
    ));
    let store_key = data.store_key()?;
    let result = stage(endpoint, &staging, &dest, ticket, key, store_key.as_ref()).await;
    remove(&staging);
    let stats = result?;
    let store = Store::open_keyed(&dest, store_key.as_ref())?;
    Ok(Joined { store, stats })
}

/// Runs the session into `staging`, checks it, links it to `dest`.
async fn stage(
    endpoint: &Endpoint,
    staging: &Path,
    dest: &Path,
    ticket: &Ticket,
    key: &SecretKey,
    store_key: Option<&StoreKey>,
) -> Result<SyncStats, FirstContactError> {
    let replica = Mutex::new(Store::create_keyed(
        staging,
        ticket.federation,
        &[],
        store_key,
    )?);
    let (stats, server) = net::sync_unjudged(endpoint, ticket, &replica, key).await?;
    let store = replica
        .into_inner()
        .map_err(|_| NetError::Io("poisoned".into()))?;
    let refused = match admission::check_standing(store.engine(), &server) {
        Ok(()) if store.engine().may_sync(&key.public()) => None,
        Ok(()) => Some(FirstContactError::NotVouched),
        Err(AdmissionError::NotAMember) => Some(FirstContactError::NotAMember),
        Err(e) => Some(NetError::Admission(e).into()),
    };
    if let Some(refused) = refused {
        // The staging copy is deleted next: it needs no read snapshot.
        store.close_without_snapshot();
        return Err(refused);
    }
    // Closing the only connection checkpoints the WAL into the file; a WAL
    // left over would mean the file alone is not the whole database.
    drop(store);
    let wal = PathBuf::from(format!("{}-wal", staging.display()));
    if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
        return Err(FirstContactError::Io {
            path: wal,
            source: std::io::Error::other("the write-ahead log was not checkpointed"),
        });
    }
    // A hard link never replaces a database that appeared meanwhile.
    match std::fs::hard_link(staging, dest) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(FirstContactError::AlreadyHeld);
        }
        Err(source) => {
            return Err(FirstContactError::Io {
                path: dest.to_path_buf(),
                source,
            });
        }
    }
    if let Some(d) = dest.parent().and_then(|d| std::fs::File::open(d).ok()) {
        let _ = d.sync_all();
    }
    Ok(stats)
}

fn rand_nonce() -> [u8; 8] {
    let mut bytes = [0u8; 8];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut bytes);
    bytes
}

/// Removes a staging database and its SQLite companions.
fn remove(staging: &Path) {
    for suffix in ["", "-journal", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", staging.display()));
    }
}

/// Removes staging files of first contacts whose process is gone.
fn remove_stale(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(STAGING_PREFIX)) else {
            continue;
        };
        let pid = rest.split('-').next().unwrap_or("");
        let alive = Path::new("/proc").exists() && Path::new("/proc").join(pid).exists();
        if !alive {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Whether `data` holds a staging database (tests use it to see that
/// nothing was left).
pub fn has_staging(data: &DataDir) -> bool {
    std::fs::read_dir(data.federations_dir()).is_ok_and(|entries| {
        entries.flatten().any(|e| {
            e.file_name()
                .to_str()
                .is_some_and(|n| n.starts_with(STAGING_PREFIX))
        })
    })
}
