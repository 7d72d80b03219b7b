//! kenes-publish: a signed, static public site of what a federation
//! decided (DESIGN §8), for solidarity committees, unions and journalists
//! outside it, and its verification.
//!
//! Sans-IO: [`build`] turns an [`kenes_core::Engine`]'s state into the
//! site's files as bytes; [`Publication`] signs, cosigns, reads back and
//! verifies them; the `kenes` binary reads and writes the disk.
//!
//! - [`data`]: the published items and their JSON files, with each
//!   statement's proof (its proposal and passing close ops, no votes);
//! - [`render`]: the HTML pages, a pure function of the JSON files;
//! - [`manifest`]: every file's BLAKE3 hash, and members' signatures of it;
//! - [`verify`]: what anyone can check alone, and what a member's node
//!   checks against its own state.
#![deny(missing_docs)]

pub mod data;
pub mod manifest;
pub mod render;
pub mod verify;

pub use data::{Options, build};
pub use manifest::{Layout, Manifest, Publication};
pub use verify::{NodeReport, Verified, VerifyError};

/// Why a publication cannot be made.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PublishError {
    /// A language the UI does not speak.
    #[error("unknown language '{0}': use en, ru or kk")]
    UnknownLanguage(String),
    /// No language, or one given twice.
    #[error("give each language once, at least one")]
    Languages,
    /// `--council` names a committee that is not a council.
    #[error("{0} is not a council")]
    NotACouncil(String),
    /// The federation's genesis is not here yet.
    #[error("this node does not hold the federation's founding op")]
    NoFederation,
    /// The member already signed this publication.
    #[error("already signed by {0}")]
    AlreadySigned(String),
    /// The data files this build made do not read back: a bug.
    #[error("internal error: {0}")]
    Bug(String),
}
