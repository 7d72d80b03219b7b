//! Where kenes keeps its files: `--data-dir`, then `KENES_DATA_DIR`, then
//! the platform's data directory. Inside it:
//! - `key.json`: the member key file;
//! - `store.json`: the salt of the databases' key, when they are encrypted;
//! - `federations/<federation id>.sqlite`: one database per federation.
//!
//! **Encryption at rest** (issue 14). When the key file has a passphrase,
//! every database here is encrypted (SQLCipher) with the key derived from
//! that passphrase ([`StoreKey::derive`]): every command that opens one,
//! reading ones too, needs the passphrase ([`DataDir::set_passphrase`]),
//! and a clear database found then is encrypted in place on first open. A
//! data directory without a key file, or with a key file without a
//! passphrase, keeps clear databases.

use crate::keyfile::KeyFile;
use crate::storekey::StoreKey;
use crate::{LoggedOp, ReadView, Store, StoreError};
use kenes_core::Hash;
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

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

/// The passphrase given for a data directory, and the store key derived
/// from it once needed.
#[derive(Default)]
struct Unlock {
    passphrase: Option<String>,
    key: Option<StoreKey>,
}

impl std::fmt::Debug for Unlock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.passphrase.is_some() {
            "Unlock(passphrase)"
        } else {
            "Unlock(none)"
        })
    }
}

/// A data directory. Clones share the passphrase given to any of them.
#[derive(Clone, Debug)]
pub struct DataDir {
    root: PathBuf,
    unlock: Arc<Mutex<Unlock>>,
}

impl DataDir {
    /// The data directory at `root` (created on first write).
    pub fn new(root: impl Into<PathBuf>) -> DataDir {
        DataDir {
            root: root.into(),
            unlock: Arc::default(),
        }
    }

    /// Gives the passphrase of the key file, which also opens the
    /// databases when they are encrypted. An empty one counts as none.
    pub fn set_passphrase(&self, passphrase: Option<&str>) {
        if let Ok(mut unlock) = self.unlock.lock() {
            unlock.passphrase = passphrase.filter(|p| !p.is_empty()).map(str::to_string);
            unlock.key = None;
        }
    }

    /// The key the databases here are encrypted with: none when the key
    /// file has no passphrase (or there is no key file); otherwise derived
    /// from the passphrase given, once it opens the key file.
    /// [`StoreError::Locked`] without a passphrase, a key error with a
    /// wrong one: so a database is never created or encrypted under a
    /// mistyped passphrase.
    pub fn store_key(&self) -> Result<Option<StoreKey>, StoreError> {
        let path = self.key_file();
        if !path.exists() {
            return Ok(None);
        }
        let file = KeyFile::load(&path)?;
        if !file.is_encrypted() {
            return Ok(None);
        }
        let mut unlock = self
            .unlock
            .lock()
            .map_err(|_| StoreError::io(&path, std::io::Error::other("poisoned lock")))?;
        if let Some(key) = &unlock.key {
            return Ok(Some(key.clone()));
        }
        let passphrase = unlock.passphrase.clone().ok_or(StoreError::Locked)?;
        file.unlock(Some(&passphrase))?;
        let key = StoreKey::derive(&self.root, &passphrase)?;
        unlock.key = Some(key.clone());
        Ok(Some(key))
    }

    /// Opens the database of `federation`, with the store key.
    pub fn open(&self, federation: &Hash) -> Result<Store, StoreError> {
        let key = self.store_key()?;
        Store::open_keyed(&self.database(federation), key.as_ref())
    }

    /// The read view of `federation` (see [`Store::read_view`]), with the
    /// store key.
    pub fn read_view(&self, federation: &Hash) -> Result<ReadView, StoreError> {
        let key = self.store_key()?;
        Store::read_view_keyed(&self.database(federation), key.as_ref())
    }

    /// The read view of `federation` with every accepted op as the log
    /// shows it (see [`Store::read_log`]), with the store key.
    pub fn read_log(&self, federation: &Hash) -> Result<(ReadView, Vec<LoggedOp>), StoreError> {
        let key = self.store_key()?;
        Store::read_log_keyed(&self.database(federation), key.as_ref())
    }

    /// Creates the database of `federation` holding `initial` (see
    /// [`Store::create_with`]), encrypted when the store is.
    pub fn create(&self, federation: Hash, initial: &[&[u8]]) -> Result<Store, StoreError> {
        let key = self.store_key()?;
        Store::create_keyed(
            &self.database(&federation),
            federation,
            initial,
            key.as_ref(),
        )
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
