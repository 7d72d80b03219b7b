//! The engine's archive of op bytes (issue 18): the `ops` table, read
//! through a read-only connection of its own, so that a loaded engine
//! keeps no op's bytes in memory once they are committed.

use crate::db::{BUSY_TIMEOUT, StoreError, connect_read_only_as};
use crate::storekey::StoreKey;
use kenes_core::engine::{ArchiveError, OpArchive};
use rusqlite::{Connection, OptionalExtension, params};
use std::path::Path;

/// Reads committed ops' bytes by ordinal (the `ops` table's key, which
/// is the engine's ordinal: the store checks both agree when it loads).
pub(crate) struct StoreArchive {
    conn: Connection,
}

impl StoreArchive {
    /// A read-only connection to the database at `path`. Fails where the
    /// file could only be read as immutable: such a connection would not
    /// see the rows committed after it opened.
    pub(crate) fn open(path: &Path, key: Option<&StoreKey>) -> Result<StoreArchive, StoreError> {
        let conn = connect_read_only_as(path, key, false)?;
        // A passing lock (WAL recovery by another process) is waited for,
        // as the main connection does, not taken for a failed read.
        conn.busy_timeout(BUSY_TIMEOUT)?;
        Ok(StoreArchive { conn })
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
}
