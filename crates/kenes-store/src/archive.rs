//! The engine's archive of op bytes (issue 18): the `ops` table, read
//! through a read-only connection of its own, so that a loaded engine
//! keeps no op's bytes in memory once they are committed.

use crate::db::{StoreError, connect_read_only};
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
    /// A read-only connection to the database at `path`.
    pub(crate) fn open(path: &Path, key: Option<&StoreKey>) -> Result<StoreArchive, StoreError> {
        Ok(StoreArchive {
            conn: connect_read_only(path, key)?,
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
}
