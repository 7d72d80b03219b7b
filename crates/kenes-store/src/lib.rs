//! kenes-store: everything kenes keeps on disk.
//!
//! - [`Store`]: one SQLite database per federation (WAL,
//!   `synchronous=FULL`, versioned migrations) holding ops as their exact
//!   bytes, their outcomes, the pending set and the materialised state. An
//!   ingest is one transaction.
//! - [`ReadView`]: the folded state persisted for read commands, used only
//!   when it provably matches the stored ops.
//! - [`keyfile`]: the member's secret key, apart from any database,
//!   optionally encrypted (Argon2id + XChaCha20-Poly1305), with the last op
//!   the member authored in each federation.
//! - [`bundle`]: the sneakernet file formats: op bundles and frontiers.
//! - [`sealed`]: those files sealed to the federation's members.
//! - [`author`]: authoring an op as this device's member, safely.
//! - [`peers`]: the peers a node syncs with.
//! - [`pool`]: the preparing pool: ops decoded and verified on every
//!   core while one thread folds and commits them in order.
//! - [`datadir`]: where those files live.
//! - [`storekey`]: the key the databases are encrypted with under a
//!   passphrase (SQLCipher).
#![deny(missing_docs)]

mod archive;
pub mod author;
pub mod bundle;
pub mod datadir;
mod db;
pub mod keyfile;
pub mod peers;
pub mod pool;
mod schema;
pub mod sealed;
mod snapshot;
pub mod storekey;

pub use db::{IMPORT_BATCH, IMPORT_BATCH_BYTES, ImportCounts, Store, StoreError, kind_detail};
pub use snapshot::{Alerts, LoggedOp, ReadView, Tallies};

/// Milliseconds since the Unix epoch, from this machine's clock: the time
/// stamped on authored ops and recorded with sync sessions.
pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}
