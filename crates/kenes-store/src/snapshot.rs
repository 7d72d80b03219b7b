//! The folded state, persisted for read commands (issue 18): `kenes state`,
//! `committee`, `platform`, `situation`, `proposal`, `log` and `alerts`
//! answer from it instead of replaying the op log.
//!
//! Beside the state it holds what those commands read from the engine's
//! indexes: the live tally of every open proposal, the latest ballots on
//! every council proposal (for mandate reports), the outcome of every op
//! that is not applied (for the log, which reads the ops themselves from
//! the `ops` table) and the alerts' ops (rejected, voided, arrived late,
//! removals failed by their removed proposer).
//!
//! A snapshot is used only if it is provably the state of the ops stored
//! now, as this build folds them; otherwise the reader replays the log, as
//! before, and saves a fresh one. So a damaged or stale snapshot costs time
//! and never changes a result:
//! - every write transaction deletes it ([`invalidate`]), so one that is
//!   left names the op set stored now;
//! - it records the fold that made it (a hash of kenes-core's source and
//!   of this file, which defines its layout, set by `build.rs`), the
//!   federation, the number of ops and pending ops, and a BLAKE3 checksum
//!   of its bytes; each is checked before use.

use kenes_core::body::Ballot;
use kenes_core::engine::UnknownPending;
use kenes_core::governance::{ProposalResult, ProposalStatus};
use kenes_core::tally::Failure;
use kenes_core::{Engine, Hash, Op, Outcome, PublicKey, State, VoidReason};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The fold this build runs (see `build.rs`).
const FOLD_BUILD: &str = env!("KENES_FOLD_BUILD");

/// What a read command needs of a federation's fold.
#[derive(Clone, Debug)]
pub struct ReadView {
    /// The federation.
    pub federation: Hash,
    /// The folded state.
    pub state: State,
    /// The state digest, as [`Engine::digest`] gives it.
    pub digest: Hash,
    /// Accepted ops.
    pub ops: u64,
    /// Ops in the pending set.
    pub pending: u64,
    /// What authors unknown here parked in the pending set.
    pub pending_from_unknown: Vec<UnknownPending>,
    /// The live tally of every open proposal that has one
    /// ([`Engine::live_tally`]).
    pub live_tallies: BTreeMap<Hash, ProposalResult>,
    /// Each voter's latest applied ballot on every proposal of a council
    /// that has one ([`Engine::latest_ballots`]): what mandate reports
    /// compare with the mandates.
    pub council_ballots: BTreeMap<Hash, BTreeMap<PublicKey, Ballot>>,
    /// The outcome of every accepted op that is not applied, by op id.
    pub not_applied: BTreeMap<Hash, Outcome>,
    /// The ops the alerts show.
    pub alerts: Alerts,
    /// True if this came from a persisted snapshot, false if from a replay.
    pub from_snapshot: bool,
}

impl ReadView {
    /// The view of a loaded engine.
    pub fn of(engine: &Engine) -> ReadView {
        let state = engine.state();
        let mut live_tallies = BTreeMap::new();
        let mut council_ballots = BTreeMap::new();
        for committee in state.committees.values() {
            for (id, proposal) in &committee.proposals {
                if let ProposalStatus::Open = proposal.status
                    && let Some(tally) = engine.live_tally(id)
                {
                    live_tallies.insert(*id, tally);
                }
                if committee.kind.is_council() {
                    let ballots = engine.latest_ballots(id);
                    if !ballots.is_empty() {
                        council_ballots.insert(*id, ballots);
                    }
                }
            }
        }
        let not_applied = engine
            .outcomes()
            .filter(|(_, outcome)| !outcome.is_applied())
            .collect();
        ReadView {
            federation: engine.federation(),
            state: state.clone(),
            digest: engine.digest(),
            ops: engine.len() as u64,
            pending: engine.pending_len() as u64,
            pending_from_unknown: engine.pending_from_unknown(),
            live_tallies,
            council_ballots,
            not_applied,
            alerts: Alerts::of(engine),
            from_snapshot: false,
        }
    }
}

/// What a proposal's JSON needs of the fold beyond the state: a loaded
/// engine computes it, a [`ReadView`] holds it.
pub trait Tallies {
    /// The count of open proposal `proposal` as if it closed now.
    fn live_tally(&self, proposal: &Hash) -> Option<ProposalResult>;
    /// Each voter's latest applied ballot on council proposal `proposal`.
    fn latest_ballots(&self, proposal: &Hash) -> BTreeMap<PublicKey, Ballot>;
}

impl Tallies for Engine {
    fn live_tally(&self, proposal: &Hash) -> Option<ProposalResult> {
        Engine::live_tally(self, proposal)
    }

    fn latest_ballots(&self, proposal: &Hash) -> BTreeMap<PublicKey, Ballot> {
        Engine::latest_ballots(self, proposal)
    }
}

/// Holds tallies of open proposals and ballots on council proposals only:
/// the ones read commands ask for.
impl Tallies for ReadView {
    fn live_tally(&self, proposal: &Hash) -> Option<ProposalResult> {
        self.live_tallies.get(proposal).cloned()
    }

    fn latest_ballots(&self, proposal: &Hash) -> BTreeMap<PublicKey, Ballot> {
        self.council_ballots
            .get(proposal)
            .cloned()
            .unwrap_or_default()
    }
}

/// An accepted op as the log and the alerts show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoggedOp {
    /// The op's id.
    pub id: Hash,
    /// Its author.
    pub author: PublicKey,
    /// The author's sequence number.
    pub seq: u64,
    /// Its Lamport clock.
    pub lamport: u64,
    /// The author's clock, in milliseconds.
    pub time: u64,
    /// Its body's kind ([`kenes_core::Body::label`]).
    pub kind: String,
    /// Its outcome.
    pub outcome: Outcome,
}

impl LoggedOp {
    /// `op`, with `outcome`.
    pub fn new(op: &Op, outcome: Outcome) -> LoggedOp {
        let f = &op.fields;
        LoggedOp {
            id: op.id,
            author: f.author,
            seq: f.seq,
            lamport: f.lamport,
            time: f.time,
            kind: f.body.label().to_string(),
            outcome,
        }
    }

    /// An engine's accepted op `ord`.
    pub fn of(engine: &Engine, ord: u32) -> LoggedOp {
        LoggedOp::new(&engine.op_at(ord), engine.outcome_at(ord))
    }

    /// The log's order, [`Op::order_key`].
    pub fn order_key(&self) -> (u64, Hash) {
        (self.lamport, self.id)
    }
}

/// What the alerts show of the ops: each list in acceptance order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alerts {
    /// Ops not authorised in their own past.
    pub rejected: Vec<LoggedOp>,
    /// Ops voided by a fork or a strong removal, with what voided them.
    pub voided: Vec<(LoggedOp, VoidReason)>,
    /// Proposals and closes that arrived after ops they sort before.
    pub arrived_late: Vec<LoggedOp>,
    /// Removals that passed on their own but failed once the ops of
    /// members removed before them were taken out, with their count.
    pub removed_proposers: Vec<(LoggedOp, ProposalResult)>,
}

impl Alerts {
    /// The alerts of a loaded engine.
    pub fn of(engine: &Engine) -> Alerts {
        let entry = |o: u32| LoggedOp::of(engine, o);
        let mut removed: Vec<(u32, ProposalResult)> = engine
            .removal_verdicts()
            .iter()
            .filter(|(_, v)| v.result.failure == Some(Failure::RemovedProposer))
            .map(|(&o, v)| (o, v.result.clone()))
            .collect();
        removed.sort_by_key(|(o, _)| *o);
        Alerts {
            rejected: engine.rejected().into_iter().map(entry).collect(),
            voided: engine
                .voided()
                .iter()
                .map(|(&o, reason)| (entry(o), reason.clone()))
                .collect(),
            arrived_late: engine.arrived_late().iter().map(|&o| entry(o)).collect(),
            removed_proposers: removed
                .into_iter()
                .map(|(o, result)| (entry(o), result))
                .collect(),
        }
    }
}

/// The persisted form. Its layout is part of the fold build's hash.
#[derive(Serialize, Deserialize)]
struct Saved {
    federation: Hash,
    state: State,
    digest: Hash,
    ops: u64,
    pending: u64,
    unknown: Vec<(PublicKey, u64, u64)>,
    live_tallies: BTreeMap<Hash, ProposalResult>,
    council_ballots: BTreeMap<Hash, BTreeMap<PublicKey, Ballot>>,
    not_applied: BTreeMap<Hash, Outcome>,
    alerts: Alerts,
}

/// [`Saved`] by reference, field for field (postcard writes a reference as
/// what it refers to): a save does not copy the state again.
#[derive(Serialize)]
struct SavedRef<'a> {
    federation: &'a Hash,
    state: &'a State,
    digest: &'a Hash,
    ops: u64,
    pending: u64,
    unknown: &'a [(PublicKey, u64, u64)],
    live_tallies: &'a BTreeMap<Hash, ProposalResult>,
    council_ballots: &'a BTreeMap<Hash, BTreeMap<PublicKey, Ballot>>,
    not_applied: &'a BTreeMap<Hash, Outcome>,
    alerts: &'a Alerts,
}

/// Deletes the snapshot: called at the start of every write transaction.
pub(crate) fn invalidate(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM snapshot", []).map(|_| ())
}

/// The snapshot, if there is one and it passes every check.
pub(crate) fn load(conn: &Connection, federation: Hash) -> Option<ReadView> {
    let (build, checksum, bytes): (String, Vec<u8>, Vec<u8>) = conn
        .query_row(
            "SELECT build, checksum, bytes FROM snapshot WHERE id = 1",
            [],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .optional()
        .ok()??;
    if build != FOLD_BUILD || checksum != blake3::hash(&bytes).as_bytes() {
        return None;
    }
    let saved: Saved = postcard::from_bytes(&bytes).ok()?;
    let (ops, pending) = counts(conn).ok()?;
    if saved.federation != federation || saved.ops != ops || saved.pending != pending {
        return None;
    }
    Some(ReadView {
        federation,
        state: saved.state,
        digest: saved.digest,
        ops,
        pending,
        pending_from_unknown: saved
            .unknown
            .into_iter()
            .map(|(author, ops, bytes)| UnknownPending {
                author,
                ops: ops as usize,
                bytes: bytes as usize,
            })
            .collect(),
        live_tallies: saved.live_tallies,
        council_ballots: saved.council_ballots,
        not_applied: saved.not_applied,
        alerts: saved.alerts,
        from_snapshot: true,
    })
}

/// Saves `view` as the snapshot if the database still holds exactly the
/// ops it was made from. Returns whether it was saved.
pub(crate) fn save(
    conn: &Connection,
    view: &ReadView,
    in_step: impl FnOnce(&Connection) -> rusqlite::Result<bool>,
) -> rusqlite::Result<bool> {
    let unknown: Vec<(PublicKey, u64, u64)> = view
        .pending_from_unknown
        .iter()
        .map(|u| (u.author, u.ops as u64, u.bytes as u64))
        .collect();
    let saved = SavedRef {
        federation: &view.federation,
        state: &view.state,
        digest: &view.digest,
        ops: view.ops,
        pending: view.pending,
        unknown: &unknown,
        live_tallies: &view.live_tallies,
        council_ballots: &view.council_ballots,
        not_applied: &view.not_applied,
        alerts: &view.alerts,
    };
    let Ok(bytes) = postcard::to_allocvec(&saved) else {
        return Ok(false);
    };
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let result = (|| {
        if counts(conn)? != (view.ops, view.pending) || !in_step(conn)? {
            return Ok(false);
        }
        conn.execute(
            "INSERT OR REPLACE INTO snapshot (id, build, checksum, bytes) VALUES (1, ?1, ?2, ?3)",
            params![FOLD_BUILD, blake3::hash(&bytes).as_bytes().to_vec(), bytes],
        )?;
        Ok(true)
    })();
    match result {
        Ok(saved) => conn.execute_batch("COMMIT").map(|()| saved),
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}

/// Accepted ops (their ordinals are dense from 0) and pending ops stored.
fn counts(conn: &Connection) -> rusqlite::Result<(u64, u64)> {
    let newest: Option<i64> = conn.query_row("SELECT max(ord) FROM ops", [], |r| r.get(0))?;
    let pending: i64 = conn.query_row("SELECT count(*) FROM pending", [], |r| r.get(0))?;
    Ok((newest.map_or(0, |n| n as u64 + 1), pending as u64))
}

/// Every accepted op stored, as the log shows it, with the outcomes of
/// `view` (a snapshot read in the same transaction); `None` if an op's
/// bytes do not decode to the op stored under its id, so that the caller
/// replays instead.
pub(crate) fn logged_ops(conn: &Connection, view: &ReadView) -> Option<Vec<LoggedOp>> {
    let mut stmt = conn
        .prepare("SELECT id, bytes FROM ops ORDER BY ord")
        .ok()?;
    let mut rows = stmt.query([]).ok()?;
    let mut logged = Vec::with_capacity(usize::try_from(view.ops).unwrap_or(0));
    while let Some(row) = rows.next().ok()? {
        let id: Vec<u8> = row.get(0).ok()?;
        let bytes: Vec<u8> = row.get(1).ok()?;
        let op = Op::decode(&bytes).ok()?;
        if op.id.0.as_slice() != id.as_slice() {
            return None;
        }
        let outcome = view
            .not_applied
            .get(&op.id)
            .cloned()
            .unwrap_or(Outcome::Applied);
        logged.push(LoggedOp::new(&op, outcome));
    }
    Some(logged)
}
