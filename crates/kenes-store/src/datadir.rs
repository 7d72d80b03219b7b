//! Where kenes keeps its files: `--data-dir`, then `KENES_DATA_DIR`, then
//! the platform's data directory. Inside it:
//! - `key.json`: the member key file;
//! - `federations/<federation id>.sqlite`: one database per federation.

use kenes_core::Hash;
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use std::path::{Path, PathBuf};

/// Whether the database at `path` has no federation id and no ops.
fn is_unfinished(path: &Path) -> bool {
    let Ok(conn) = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY) else {
        return false;
    };
    let has = |sql: &str| -> Option<bool> {
        match conn.query_row(sql, [], |_| Ok(())).optional() {
            Ok(found) => Some(found.is_some()),
            // No such table: the schema was never written.
            Err(rusqlite::Error::SqliteFailure(_, Some(msg))) if msg.contains("no such table") => {
                Some(false)
            }
            Err(_) => None,
        }
    };
    matches!(
        (
            has("SELECT 1 FROM meta WHERE key = 'federation'"),
            has("SELECT 1 FROM ops LIMIT 1"),
            has("SELECT 1 FROM pending LIMIT 1"),
        ),
        (Some(false), Some(false), Some(false))
    )
}

/// A data directory.
#[derive(Clone, Debug)]
pub struct DataDir {
    root: PathBuf,
}

impl DataDir {
    /// The data directory at `root` (created on first write).
    pub fn new(root: impl Into<PathBuf>) -> DataDir {
        DataDir { root: root.into() }
    }

    /// Its root folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The member key file.
    pub fn key_file(&self) -> PathBuf {
        self.root.join("key.json")
    }

    /// The folder of federation databases.
    pub fn federations_dir(&self) -> PathBuf {
        self.root.join("federations")
    }

    /// The database of `federation`.
    pub fn database(&self, federation: &Hash) -> PathBuf {
        self.federations_dir().join(format!("{federation}.sqlite"))
    }

    /// Removes databases that an interrupted creation by an older kenes
    /// left without a federation id and without ops: every command
    /// refused them (issue 12). Databases are now created whole (see
    /// [`crate::Store::create_with`]), so this finds only such remnants.
    pub fn remove_unfinished(&self) {
        let Ok(entries) = std::fs::read_dir(self.federations_dir()) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let is_db = path
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_suffix(".sqlite"))
                .is_some_and(|stem| stem.parse::<Hash>().is_ok());
            // A remnant holds no ops, so it is small.
            if !is_db || entry.metadata().map_or(true, |m| m.len() > 1 << 20) {
                continue;
            }
            if is_unfinished(&path) {
                for suffix in ["-wal", "-shm", ""] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
        }
    }

    /// The federations that have a database here, sorted.
    pub fn federations(&self) -> std::io::Result<Vec<Hash>> {
        let dir = self.federations_dir();
        if !dir.exists() {
            return Ok(Vec::new());
        }
        let mut found = Vec::new();
        for entry in std::fs::read_dir(dir)? {
            let name = entry?.file_name();
            let name = name.to_string_lossy();
            if let Some(stem) = name.strip_suffix(".sqlite")
                && let Ok(id) = stem.parse::<Hash>()
            {
                found.push(id);
            }
        }
        found.sort();
        Ok(found)
    }
}
