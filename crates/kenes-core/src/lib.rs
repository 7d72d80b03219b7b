//! kenes-core: the sans-IO heart of kenes.
//!
//! It owns the signed operation format ([`op`]), its stateless validation
//! ([`validate`]), the authorisation rules ([`auth`]), the materialised state
//! and its fold ([`state`]), and the [`engine`] that accepts ops and keeps the
//! state incrementally. [`reference`] evaluates the same definitions naively,
//! from scratch, as an executable specification for tests and benchmarks.
//!
//! Nothing here does I/O: bytes and ops go in, state and outcomes come out.
#![deny(missing_docs)]

pub mod auth;
pub mod body;
mod canonical;
pub mod discussion;
pub mod engine;
pub mod governance;
pub mod keyring;
pub mod keys;
pub mod layers;
pub mod op;
pub mod outcome;
pub mod platform;
pub mod prepare;
pub mod reference;
pub mod rng;
pub mod seal;
pub mod state;
pub mod tally;
pub mod types;
pub mod unseen;
pub mod validate;

pub use body::{Body, CommitteeKind, CouncilScope, CouncilWeighting, Policy, Ratio};
pub use engine::{Engine, Entry, IngestReport, Verify};
pub use keys::SecretKey;
pub use op::{Op, UnsignedOp};
pub use outcome::{Outcome, RejectReason, VoidReason};
pub use state::{Committee, State};
pub use types::{Hash, PublicKey, Signature};
