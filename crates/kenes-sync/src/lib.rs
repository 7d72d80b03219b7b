//! kenes-sync: how two nodes find out which ops each lacks.
//!
//! [`index`] keeps the ids of accepted ops sorted by `(lamport, id)` with
//! cached range fingerprints; [`reconcile`] is the range-based set
//! reconciliation protocol, wire-compatible with negentropy protocol v1, as
//! a sans-IO state machine: bytes in, bytes out; [`session`] runs one sync
//! session on top of it (reconcile ids, then send ops in causal order);
//! [`admission`] proves member keys inside the channel; [`net`] is the iroh
//! QUIC transport; [`first_contact`] receives a federation into a data
//! directory that holds only a key; [`node`] is the running node and
//! [`lan`] its optional mDNS discovery.
#![deny(missing_docs)]

pub mod admission;
pub mod first_contact;
pub mod index;
pub mod lan;
pub mod net;
pub mod node;
pub mod reconcile;
pub mod session;

pub use index::SyncIndex;
pub use reconcile::{Reconciler, SyncError};
