//! The engine's archive of op bytes (issue 18): the `ops` table, read
//! through a read-only connection of its own, so that a loaded engine
//! keeps no op's bytes in memory once they are committed.

use crate::db::{BUSY_TIMEOUT, StoreError, connect_read_only_as};
use crate::storekey::StoreKey;
use kenes_core::engine::{ArchiveError, OpArchive};
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};
use std::collections::HashMap;
use std::path::Path;

/// Reads committed ops' bytes by ordinal (the `ops` table's key, which
/// is the engine's ordinal: the store checks both agree when it loads).
pub(crate) struct StoreArchive {
    conn: Connection,
    /// Reads [`BATCH`] rows by key.
    batch_sql: String,
}

/// Rows one statement of [`OpArchive::read_many`] reads: one prepared
/// statement (a shorter request repeats its last key).
const BATCH: usize = 64;

impl StoreArchive {
    /// A read-only connection to the database at `path`. Fails where the
    /// file could only be read as immutable: such a connection would not
    /// see the rows committed after it opened.
    pub(crate) fn open(path: &Path, key: Option<&StoreKey>) -> Result<StoreArchive, StoreError> {
        let conn = connect_read_only_as(path, key, false)?;
        // A passing lock (WAL recovery by another process) is waited for,
        // as the main connection does, not taken for a failed read.
        conn.busy_timeout(BUSY_TIMEOUT)?;
        let keys = vec!["?"; BATCH].join(", ");
        Ok(StoreArchive {
            conn,
            batch_sql: format!("SELECT ord, bytes FROM ops WHERE ord IN ({keys})"),
        })
    }
}

impl OpArchive for StoreArchive {
    fn read(&self, ord: u32) -> Result<Vec<u8>, ArchiveError> {
        let failed = |reason: String| ArchiveError { ord, reason };
        self.conn
            .prepare_cached("SELECT bytes FROM ops WHERE ord = ?1")
            .and_then(|mut stmt| {
                stmt.query_row(params![ord], |row| row.get::<_, Vec<u8>>(0))
                    .optional()
            })
            .map_err(|e| failed(e.to_string()))?
            .ok_or_else(|| failed("no such row".into()))
    }

    fn read_many(&self, ords: &[u32]) -> Result<Vec<Vec<u8>>, ArchiveError> {
        let mut out = Vec::with_capacity(ords.len());
        for chunk in ords.chunks(BATCH) {
            let failed = |reason: String| ArchiveError {
                ord: chunk[0],
                reason,
            };
            let keys = (0..BATCH).map(|i| chunk[i.min(chunk.len() - 1)]);
            let mut rows: HashMap<u32, Vec<u8>> = self
                .conn
                .prepare_cached(&self.batch_sql)
                .and_then(|mut stmt| {
                    stmt.query_map(params_from_iter(keys), |row| Ok((row.get(0)?, row.get(1)?)))?
                        .collect()
                })
                .map_err(|e| failed(e.to_string()))?;
            for &ord in chunk {
                out.push(rows.remove(&ord).ok_or(ArchiveError {
                    ord,
                    reason: "no such row".into(),
                })?);
            }
        }
        Ok(out)
    }
}
