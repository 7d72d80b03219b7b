//! kenes-sync: how two nodes find out which ops each lacks.
//!
//! [`index`] keeps the ids of accepted ops sorted by `(lamport, id)` with
//! cached range fingerprints; [`reconcile`] is the range-based set
//! reconciliation protocol, wire-compatible with negentropy protocol v1, as
//! a sans-IO state machine: bytes in, bytes out. The transport (iroh QUIC),
//! admission and op transfer come with the rest of the sync work.
#![deny(missing_docs)]

pub mod index;
pub mod reconcile;

pub use index::SyncIndex;
pub use reconcile::{Reconciler, SyncError};
