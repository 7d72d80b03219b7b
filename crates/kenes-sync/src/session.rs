//! One sync session between two nodes, sans-IO: the initiator and the
//! responder exchange [`Message`]s until each holds what the other had.
//!
//! 1. The ids of accepted ops are reconciled ([`crate::reconcile`]).
//! 2. The initiator sends the ops only it has and asks for the ops only the
//!    responder has; the responder sends those, then `Done`.
//!
//! Ops travel in the sender's acceptance order, which is causal, so the
//! receiver's normal validated ingest accepts them without waiting. The
//! driver (a transport, or a test's in-memory network) moves messages and
//! ingests the ops each [`Output`] hands it; nothing here trusts the peer.

use crate::index::SyncIndex;
use crate::reconcile::{Reconciler, SyncError};
use kenes_core::{Engine, Hash};
use serde::{Deserialize, Serialize};

/// Most ops in one [`Message::Ops`].
pub const OPS_PER_MESSAGE: usize = 1024;
/// Most ids in one [`Message::Want`].
pub const MAX_WANTED: usize = 1_000_000;
/// Largest encoded message accepted.
pub const MAX_MESSAGE_BYTES: usize = 80 * 1024 * 1024;

/// What the two sides say to each other.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Message {
    /// A reconciliation message (negentropy v1 bytes).
    Reconcile(Vec<u8>),
    /// Ops, in the sender's causal order.
    Ops(Vec<Vec<u8>>),
    /// The ids the initiator lacks.
    Want(Vec<Hash>),
    /// The responder sent everything asked for.
    Done,
}

impl Message {
    /// The wire form.
    pub fn encode(&self) -> Vec<u8> {
        postcard::to_allocvec(self).unwrap_or_default()
    }

    /// Reads a message, refusing oversized or malformed input.
    pub fn decode(bytes: &[u8]) -> Result<Message, SyncError> {
        if bytes.len() > MAX_MESSAGE_BYTES {
            return Err(SyncError::TooLarge);
        }
        let message: Message = postcard::from_bytes(bytes).map_err(|_| SyncError::Truncated)?;
        if let Message::Want(ids) = &message
            && ids.len() > MAX_WANTED
        {
            return Err(SyncError::TooLarge);
        }
        Ok(message)
    }
}

/// What the driver must do after a step.
#[derive(Debug, Default)]
pub struct Output {
    /// Messages to send, in order.
    pub send: Vec<Message>,
    /// Ops to ingest (validated by the engine like any other input).
    pub ingest: Vec<Vec<u8>>,
    /// The session is over on this side.
    pub done: bool,
}

/// The index of an engine's accepted ops (pending ops never count).
pub fn index_of(engine: &Engine) -> SyncIndex {
    SyncIndex::from_items(
        engine
            .entries()
            .iter()
            .map(|e| (e.lamport(), e.id))
            .collect(),
    )
}

/// The bytes of the ops with these ids that `engine` holds, in acceptance
/// (causal) order, as messages of at most [`OPS_PER_MESSAGE`] ops.
fn ops_for(engine: &Engine, ids: impl IntoIterator<Item = Hash>) -> Vec<Message> {
    let mut ords: Vec<u32> = ids
        .into_iter()
        .filter_map(|id| engine.ordinal(&id))
        .collect();
    ords.sort_unstable();
    ords.chunks(OPS_PER_MESSAGE)
        .map(|chunk| {
            Message::Ops(
                chunk
                    .iter()
                    .map(|&o| engine.bytes_at(o).into_owned())
                    .collect(),
            )
        })
        .collect()
}

/// The side that starts the session.
pub struct Initiator {
    index: SyncIndex,
    started: bool,
    reconciling: bool,
    /// Ids this side had and the peer lacked.
    pub sent: usize,
    /// Ids the peer had and this side lacked.
    pub wanted: usize,
}

impl Initiator {
    /// A session over `engine`'s accepted ops.
    pub fn new(engine: &Engine) -> Initiator {
        Initiator {
            index: index_of(engine),
            started: false,
            reconciling: true,
            sent: 0,
            wanted: 0,
        }
    }

    /// The first message.
    pub fn start(&mut self) -> Message {
        self.started = true;
        Message::Reconcile(Reconciler::new(&self.index).initiate())
    }

    /// Handles one message from the responder.
    pub fn handle(&mut self, engine: &Engine, message: Message) -> Result<Output, SyncError> {
        let mut out = Output::default();
        match message {
            Message::Reconcile(bytes) if self.started && self.reconciling => {
                let mut reconciler = Reconciler::resume_as_initiator(&self.index);
                let (mut have, mut need) = (Vec::new(), Vec::new());
                match reconciler.reconcile(&bytes, &mut have, &mut need)? {
                    Some(next) => out.send.push(Message::Reconcile(next)),
                    None => self.reconciling = false,
                }
                self.sent += have.len();
                self.wanted += need.len();
                out.send.extend(ops_for(engine, have.into_iter().map(Hash)));
                if !need.is_empty() {
                    out.send
                        .push(Message::Want(need.into_iter().map(Hash).collect()));
                }
                if !self.reconciling {
                    // Ask for nothing more: the responder answers with Done.
                    out.send.push(Message::Want(Vec::new()));
                }
            }
            Message::Ops(ops) => out.ingest = ops,
            Message::Done if !self.reconciling => out.done = true,
            _ => return Err(SyncError::WrongSide),
        }
        Ok(out)
    }
}

/// The side that answers.
pub struct Responder {
    index: SyncIndex,
    /// Ops sent to the initiator.
    pub sent: usize,
}

impl Responder {
    /// A session over `engine`'s accepted ops.
    pub fn new(engine: &Engine) -> Responder {
        Responder {
            index: index_of(engine),
            sent: 0,
        }
    }

    /// Handles one message from the initiator.
    pub fn handle(&mut self, engine: &Engine, message: Message) -> Result<Output, SyncError> {
        let mut out = Output::default();
        match message {
            Message::Reconcile(bytes) => {
                out.send.push(Message::Reconcile(
                    Reconciler::new(&self.index).respond(&bytes)?,
                ));
            }
            Message::Ops(ops) => out.ingest = ops,
            Message::Want(ids) if ids.is_empty() => {
                out.send.push(Message::Done);
                out.done = true;
            }
            Message::Want(ids) => {
                let messages = ops_for(engine, ids);
                self.sent += messages
                    .iter()
                    .map(|m| if let Message::Ops(o) = m { o.len() } else { 0 })
                    .sum::<usize>();
                out.send.extend(messages);
            }
            Message::Done => return Err(SyncError::WrongSide),
        }
        Ok(out)
    }
}
