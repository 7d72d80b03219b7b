//! The folded state, persisted for read commands (issue 18): `kenes state`,
//! `committee`, `platform` and `situation` answer from it instead of
//! replaying the op log.
//!
//! A snapshot is used only if it is provably the state of the ops stored
//! now, as this build folds them; otherwise the reader replays the log, as
//! before, and saves a fresh one. So a damaged or stale snapshot costs time
//! and never changes a result:
//! - every write transaction deletes it ([`invalidate`]), so one that is
//!   left names the op set stored now;
//! - it records the fold that made it (a hash of kenes-core's source, set
//!   by `build.rs`), the federation, the number of ops and pending ops,
//!   and a BLAKE3 checksum of its bytes; each is checked before use.

use kenes_core::engine::UnknownPending;
use kenes_core::{Engine, Hash, PublicKey, State};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

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
    /// True if this came from a persisted snapshot, false if from a replay.
    pub from_snapshot: bool,
}

impl ReadView {
    /// The view of a loaded engine.
    pub fn of(engine: &Engine) -> ReadView {
        ReadView {
            federation: engine.federation(),
            state: engine.state().clone(),
            digest: engine.digest(),
            ops: engine.len() as u64,
            pending: engine.pending_len() as u64,
            pending_from_unknown: engine.pending_from_unknown(),
            from_snapshot: false,
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
        from_snapshot: true,
    })
}

/// Saves `view` as the snapshot if the database still holds exactly the
/// ops it was made from. Returns whether it was saved.
pub(crate) fn save(conn: &Connection, view: &ReadView) -> rusqlite::Result<bool> {
    let saved = Saved {
        federation: view.federation,
        state: view.state.clone(),
        digest: view.digest,
        ops: view.ops,
        pending: view.pending,
        unknown: view
            .pending_from_unknown
            .iter()
            .map(|u| (u.author, u.ops as u64, u.bytes as u64))
            .collect(),
    };
    let Ok(bytes) = postcard::to_allocvec(&saved) else {
        return Ok(false);
    };
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let result = (|| {
        if counts(conn)? != (view.ops, view.pending) {
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
