//! kenes-spec: an independent, deliberately naive executable specification
//! of the kenes fold (DESIGN §3 acceptance and §4 the fold), written from
//! the design text alone, to be compared with the engine in tests.
//!
//! It uses `kenes-core` only for the op format, decoding, keys and the
//! outcome vocabulary. Authorisation ([`authority`]), counting
//! ([`tally`]), the state and its projection ([`model`]) and the layered
//! evaluation ([`evaluator`]) are its own.
#![deny(missing_docs)]

pub mod authority;
pub mod evaluator;
pub mod model;
pub mod opset;
pub mod tally;

pub use evaluator::{RemovalVerdict, SpecOutcome, SpecResult, SpecVoid, evaluate};
pub use model::{CommitteeView, EffectNote, FailureClass, Projection, ProposalView, ReportView};
