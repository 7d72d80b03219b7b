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
            let rows: HashMap<u32, Vec<u8>> = self
                .conn
                .prepare_cached(&self.batch_sql)
                .and_then(|mut stmt| {
                    stmt.query_map(params_from_iter(keys), |row| Ok((row.get(0)?, row.get(1)?)))?
                        .collect()
                })
                .map_err(|e| failed(e.to_string()))?;
            for &ord in chunk {
                out.push(rows.get(&ord).cloned().ok_or_else(|| ArchiveError {
                    ord,
                    reason: "no such row".into(),
                })?);
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;
    use kenes_core::op::genesis;
    use kenes_core::{Body, Engine, SecretKey, Verify};

    /// A store holding a genesis and `n` profile ops, and every op's
    /// bytes by ordinal.
    fn store_of(n: usize) -> (tempfile::TempDir, std::path::PathBuf, Vec<Vec<u8>>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fed.sqlite");
        let key = SecretKey::from_bytes([1; 32]);
        let g = genesis(&key, "Kazakhstan", 0);
        let mut author = Engine::new(g.id);
        author.ingest(std::slice::from_ref(&g.bytes), Verify::Signatures);
        let mut ops = Vec::new();
        for i in 0..n {
            let name = format!("Aigerim {i}");
            let op = author.author(&key, Body::Profile { name }, 1);
            author.ingest(std::slice::from_ref(&op.bytes), Verify::Signatures);
            ops.push(op.bytes);
        }
        let mut store = Store::create(&path, &g).unwrap();
        store.ingest(&ops, Verify::Signatures).unwrap();
        let all = author.accepted_bytes().map(|b| b.to_vec()).collect();
        (dir, path, all)
    }

    #[test]
    fn rows_read_many_at_a_time_come_back_in_the_order_asked() {
        let (_dir, path, all) = store_of(140);
        let archive = StoreArchive::open(&path, None).unwrap();
        let expected = |ords: &[u32]| -> Vec<Vec<u8>> {
            ords.iter().map(|&o| all[o as usize].clone()).collect()
        };
        // Around a statement's 64 rows, descending: not the table's order.
        for count in [1u32, 63, 64, 65, 130, 141] {
            let ords: Vec<u32> = (0..count).rev().collect();
            assert_eq!(
                archive.read_many(&ords).unwrap(),
                expected(&ords),
                "{count} rows"
            );
        }
        // 37 and 141 are coprime: every row once, scattered.
        let scattered: Vec<u32> = (0..141).map(|i| i * 37 % 141).collect();
        assert_eq!(archive.read_many(&scattered).unwrap(), expected(&scattered));
        assert_eq!(archive.read(7).unwrap(), all[7]);
        let missing = archive.read_many(&[3, 141, 5]).unwrap_err();
        assert_eq!(missing.ord, 141, "the row that is not there");
        assert!(archive.read(141).is_err());
    }
}
