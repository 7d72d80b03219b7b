//! The key a data directory's databases are encrypted with (issue 14).
//!
//! When the member key file has a passphrase, every database in the data
//! directory is a SQLCipher database keyed with a raw 256-bit key derived
//! from that passphrase by Argon2id, with a salt of its own kept in
//! `store.json` beside the key file. The salt is not the key file's: each
//! secret there has its own salt, and the database key must never equal
//! the key that seals one of them. `store.json` holds no secret (salt and
//! Argon2 costs only) and is written once, whole, never replaced: two
//! processes that make it at once agree on the first one linked.
//!
//! Losing `store.json` loses the databases: it is part of the data
//! directory, to be backed up with it.

use crate::keyfile::{KeyError, kdf};
use argon2::Params;
use rand_core::{OsRng, RngCore};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The file beside the key file holding the store key's salt.
pub const STORE_KDF_FILE: &str = "store.json";

/// A raw SQLCipher key.
#[derive(Clone)]
pub struct StoreKey([u8; 32]);

impl std::fmt::Debug for StoreKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoreKey(..)")
    }
}

impl Drop for StoreKey {
    fn drop(&mut self) {
        // Best effort: the key does not outlive its use in this copy.
        self.0 = [0; 32];
        std::hint::black_box(&self.0);
    }
}

impl StoreKey {
    /// A key from raw bytes (tests and benchmarks).
    pub fn from_bytes(bytes: [u8; 32]) -> StoreKey {
        StoreKey(bytes)
    }

    /// The `PRAGMA key` statement for this key (raw key form, so SQLCipher
    /// runs no KDF of its own).
    pub(crate) fn pragma(&self) -> String {
        format!("PRAGMA key = \"x'{}'\"", hex::encode(self.0))
    }

    /// The `KEY` clause value of an `ATTACH`.
    pub(crate) fn attach_value(&self) -> String {
        format!("x'{}'", hex::encode(self.0))
    }

    /// The key of the data directory at `root` for `passphrase`: Argon2id
    /// over the passphrase with the salt in `store.json`, made on first use.
    pub fn derive(root: &Path, passphrase: &str) -> Result<StoreKey, KeyError> {
        let kdf_file = load_or_make(root)?;
        let salt = hex::decode(&kdf_file.salt)
            .map_err(|_| KeyError::Malformed("salt is not hex".into()))?;
        if kdf_file.kdf != "argon2id" || salt.len() < 16 {
            return Err(KeyError::Malformed(format!(
                "{STORE_KDF_FILE}: unknown kdf or short salt"
            )));
        }
        Ok(StoreKey(kdf(
            passphrase,
            &salt,
            kdf_file.m_cost,
            kdf_file.t_cost,
            kdf_file.p_cost,
        )?))
    }
}

/// The contents of `store.json`.
#[derive(Serialize, Deserialize)]
struct KdfFile {
    kdf: String,
    salt: String,
    m_cost: u32,
    t_cost: u32,
    p_cost: u32,
}

fn load_or_make(root: &Path) -> Result<KdfFile, KeyError> {
    let path = root.join(STORE_KDF_FILE);
    let load = |path: &Path| -> Result<KdfFile, KeyError> {
        let text = std::fs::read_to_string(path)?;
        serde_json::from_str(&text)
            .map_err(|e| KeyError::Malformed(format!("{STORE_KDF_FILE}: {e}")))
    };
    if path.exists() {
        return load(&path);
    }
    let mut salt = [0u8; 16];
    OsRng.fill_bytes(&mut salt);
    let made = KdfFile {
        kdf: "argon2id".into(),
        salt: hex::encode(salt),
        m_cost: Params::DEFAULT_M_COST,
        t_cost: Params::DEFAULT_T_COST,
        p_cost: Params::DEFAULT_P_COST,
    };
    let text =
        serde_json::to_string_pretty(&made).map_err(|e| KeyError::Malformed(e.to_string()))?;
    std::fs::create_dir_all(root)?;
    let tmp = root.join(format!(
        ".{STORE_KDF_FILE}.{}-{}.tmp",
        std::process::id(),
        hex::encode(salt)
    ));
    crate::keyfile::write_new_private(&tmp, text.as_bytes())?;
    // A link never replaces a salt another process made first: both then
    // use that one.
    let linked = std::fs::hard_link(&tmp, &path);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => {
            if let Ok(dir) = std::fs::File::open(root) {
                let _ = dir.sync_all();
            }
            Ok(made)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => load(&path),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_passphrase_gives_one_key_per_data_directory_and_another_elsewhere() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let first = StoreKey::derive(a.path(), "pass").unwrap();
        assert_eq!(first.0, StoreKey::derive(a.path(), "pass").unwrap().0);
        assert_ne!(first.0, StoreKey::derive(a.path(), "other").unwrap().0);
        assert_ne!(first.0, StoreKey::derive(b.path(), "pass").unwrap().0);
        let text = std::fs::read_to_string(a.path().join(STORE_KDF_FILE)).unwrap();
        assert!(!text.contains(&hex::encode(first.0)));
    }
}
