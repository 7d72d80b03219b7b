//! The member key file, kept apart from every database.
//!
//! It holds the secret key, in the clear or encrypted with a passphrase
//! (Argon2id to derive a key, XChaCha20-Poly1305 to seal it), and, per
//! federation, the `(seq, id)` of the last op this member authored. A node
//! whose database is behind that record must not author: it would reuse a
//! seq and fork its own member (DESIGN §3). The file is replaced atomically
//! (write, fsync, rename) and readable by its owner only.

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use kenes_core::seal::EncryptionSecret;
use kenes_core::{Hash, PublicKey, SecretKey};
use rand_core::{OsRng, RngCore};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

/// Why a key file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// Reading or writing the file failed.
    #[error("key file: {0}")]
    Io(#[from] std::io::Error),
    /// The file is not a kenes key file.
    #[error("key file is malformed: {0}")]
    Malformed(String),
    /// The key is encrypted and no passphrase was given.
    #[error("key file is encrypted: a passphrase is needed")]
    NeedPassphrase,
    /// The passphrase does not open the key.
    #[error("wrong passphrase")]
    WrongPassphrase,
}

/// The last op a member authored in one federation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastOp {
    /// Its seq.
    pub seq: u64,
    /// Its id.
    pub id: Hash,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "form")]
enum Secret {
    Plain {
        key: String,
    },
    Encrypted {
        kdf: String,
        salt: String,
        m_cost: u32,
        t_cost: u32,
        p_cost: u32,
        nonce: String,
        ciphertext: String,
    },
}

/// The contents of `key.json`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct KeyFile {
    version: u32,
    /// The member's public key.
    pub public_key: PublicKey,
    /// The display name chosen at creation.
    pub name: String,
    secret: Secret,
    #[serde(default)]
    last: BTreeMap<Hash, LastOp>,
    /// X25519 encryption secrets, oldest first (version 2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    encryption: Vec<Secret>,
}

/// The key-file version this build writes.
const VERSION: u32 = 2;

/// An exclusive lock on `<path>.lock`, held until dropped: every writer
/// of the key file reads, changes and replaces it under this lock.
fn lock_beside(path: &Path) -> Result<std::fs::File, KeyError> {
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path.with_extension("lock"))?;
    lock.lock()?;
    Ok(lock)
}

pub(crate) fn kdf(
    passphrase: &str,
    salt: &[u8],
    m: u32,
    t: u32,
    p: u32,
) -> Result<[u8; 32], KeyError> {
    let params = Params::new(m, t, p, Some(32)).map_err(|e| KeyError::Malformed(e.to_string()))?;
    let mut out = [0u8; 32];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(passphrase.as_bytes(), salt, &mut out)
        .map_err(|e| KeyError::Malformed(e.to_string()))?;
    Ok(out)
}

impl Secret {
    /// 32 secret bytes, encrypted when `passphrase` is given.
    fn seal(bytes: [u8; 32], passphrase: Option<&str>) -> Result<Secret, KeyError> {
        Ok(match passphrase {
            None => Secret::Plain {
                key: hex::encode(bytes),
            },
            Some(passphrase) => {
                let (m, t, p) = (
                    Params::DEFAULT_M_COST,
                    Params::DEFAULT_T_COST,
                    Params::DEFAULT_P_COST,
                );
                let mut salt = [0u8; 16];
                OsRng.fill_bytes(&mut salt);
                let mut nonce = [0u8; 24];
                OsRng.fill_bytes(&mut nonce);
                let sealing = kdf(passphrase, &salt, m, t, p)?;
                let cipher = XChaCha20Poly1305::new((&sealing).into());
                let ciphertext = cipher
                    .encrypt(XNonce::from_slice(&nonce), bytes.as_slice())
                    .map_err(|_| KeyError::Malformed("encryption failed".into()))?;
                Secret::Encrypted {
                    kdf: "argon2id".into(),
                    salt: hex::encode(salt),
                    m_cost: m,
                    t_cost: t,
                    p_cost: p,
                    nonce: hex::encode(nonce),
                    ciphertext: hex::encode(ciphertext),
                }
            }
        })
    }

    /// The 32 secret bytes, decrypted with `passphrase` if encrypted.
    fn open(&self, passphrase: Option<&str>) -> Result<[u8; 32], KeyError> {
        let bytes: Vec<u8> = match self {
            Secret::Plain { key } => {
                hex::decode(key).map_err(|_| KeyError::Malformed("secret key is not hex".into()))?
            }
            Secret::Encrypted {
                kdf: name,
                salt,
                m_cost,
                t_cost,
                p_cost,
                nonce,
                ciphertext,
            } => {
                if name != "argon2id" {
                    return Err(KeyError::Malformed(format!("unknown kdf {name}")));
                }
                let passphrase = passphrase.ok_or(KeyError::NeedPassphrase)?;
                let hex = |s: &str| {
                    hex::decode(s).map_err(|_| KeyError::Malformed("field is not hex".into()))
                };
                let nonce = hex(nonce)?;
                if nonce.len() != 24 {
                    return Err(KeyError::Malformed("nonce must be 24 bytes".into()));
                }
                let sealing = kdf(passphrase, &hex(salt)?, *m_cost, *t_cost, *p_cost)?;
                XChaCha20Poly1305::new((&sealing).into())
                    .decrypt(XNonce::from_slice(&nonce), hex(ciphertext)?.as_slice())
                    .map_err(|_| KeyError::WrongPassphrase)?
            }
        };
        bytes
            .try_into()
            .map_err(|_| KeyError::Malformed("secret key must be 32 bytes".into()))
    }
}

impl KeyFile {
    /// A key file for `key`, with a fresh encryption secret, both
    /// encrypted when `passphrase` is given.
    pub fn new(key: &SecretKey, name: &str, passphrase: Option<&str>) -> Result<KeyFile, KeyError> {
        KeyFile::with_encryption(key, &EncryptionSecret::generate(), name, passphrase)
    }

    /// A key file for `key` and the encryption secret `encryption`, both
    /// encrypted when `passphrase` is given: for a caller that keeps the
    /// secret in use (a hub session) without opening the file again.
    pub fn with_encryption(
        key: &SecretKey,
        encryption: &EncryptionSecret,
        name: &str,
        passphrase: Option<&str>,
    ) -> Result<KeyFile, KeyError> {
        Ok(KeyFile {
            version: VERSION,
            public_key: key.public(),
            name: name.into(),
            secret: Secret::seal(key.to_bytes(), passphrase)?,
            last: BTreeMap::new(),
            encryption: vec![Secret::seal(encryption.to_bytes(), passphrase)?],
        })
    }

    /// The member's encryption secrets, oldest first (the last is the one
    /// to publish); none in a version 1 file.
    pub fn encryption_secrets(
        &self,
        passphrase: Option<&str>,
    ) -> Result<Vec<EncryptionSecret>, KeyError> {
        self.encryption
            .iter()
            .map(|s| s.open(passphrase).map(EncryptionSecret::from_bytes))
            .collect()
    }

    /// The encryption secrets of the key file at `path`; if it has none
    /// (a version 1 file), generates one, seals it under the same
    /// passphrase as the signing key and saves the file as version 2,
    /// under the same lock as [`KeyFile::record_last`].
    pub fn encryption_secrets_or_new(
        path: &Path,
        passphrase: Option<&str>,
    ) -> Result<Vec<EncryptionSecret>, KeyError> {
        let lock = lock_beside(path)?;
        let mut file = KeyFile::load(path)?;
        if file.encryption.is_empty() {
            // Proves the passphrase first: a new secret must be sealed
            // under the one the signing key is.
            file.unlock(passphrase)?;
            let pass = if file.is_encrypted() {
                passphrase
            } else {
                None
            };
            file.encryption
                .push(Secret::seal(EncryptionSecret::generate().to_bytes(), pass)?);
            file.version = VERSION;
            file.save(path)?;
        }
        drop(lock);
        file.encryption_secrets(passphrase)
    }

    /// True when the secret is encrypted.
    pub fn is_encrypted(&self) -> bool {
        matches!(self.secret, Secret::Encrypted { .. })
    }

    /// The secret key, decrypted with `passphrase` if it is encrypted.
    pub fn unlock(&self, passphrase: Option<&str>) -> Result<SecretKey, KeyError> {
        let key = SecretKey::from_bytes(self.secret.open(passphrase)?);
        if key.public() != self.public_key {
            return Err(KeyError::Malformed(
                "secret and public key do not match".into(),
            ));
        }
        Ok(key)
    }

    /// The last op recorded for `federation`.
    pub fn last(&self, federation: &Hash) -> Option<LastOp> {
        self.last.get(federation).copied()
    }

    /// Records an op just authored (and already persisted) in `federation`.
    pub fn record(&mut self, federation: Hash, seq: u64, id: Hash) {
        self.last.insert(federation, LastOp { seq, id });
    }

    /// Records an op just authored in the key file at `path`, unless it
    /// already records a later one (another process may have authored
    /// meanwhile): reads, updates and replaces the file under an exclusive
    /// lock on `<path>.lock`, so concurrent writers never lose each
    /// other's records.
    pub fn record_last(path: &Path, federation: Hash, seq: u64, id: Hash) -> Result<(), KeyError> {
        let _lock = lock_beside(path)?;
        let mut file = KeyFile::load(path)?;
        if file.last(&federation).is_none_or(|last| last.seq < seq) {
            file.record(federation, seq, id);
            file.save(path)?;
        }
        Ok(())
    }

    /// Sets the display name in the key file at `path`: the name the
    /// authoring path seals to the member's committees (issue 14).
    pub fn rename(path: &Path, name: &str) -> Result<(), KeyError> {
        let _lock = lock_beside(path)?;
        let mut file = KeyFile::load(path)?;
        if file.name != name {
            file.name = name.to_string();
            file.save(path)?;
        }
        Ok(())
    }

    /// Reads a key file.
    pub fn load(path: &Path) -> Result<KeyFile, KeyError> {
        let text = std::fs::read_to_string(path)?;
        let file: KeyFile =
            serde_json::from_str(&text).map_err(|e| KeyError::Malformed(e.to_string()))?;
        if !(1..=VERSION).contains(&file.version) {
            return Err(KeyError::Malformed(format!(
                "unknown version {}",
                file.version
            )));
        }
        Ok(file)
    }

    /// Writes the key file atomically, readable by its owner only.
    pub fn save(&self, path: &Path) -> Result<(), KeyError> {
        let text =
            serde_json::to_string_pretty(self).map_err(|e| KeyError::Malformed(e.to_string()))?;
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        // A name of this process's own, created afresh: two processes
        // saving at once never write into one file.
        let nonce = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let tmp = path.with_extension(format!("json.{}-{nonce}.tmp", std::process::id()));
        write_new_private(&tmp, text.as_bytes())?;
        std::fs::rename(&tmp, path)?;
        if let Ok(dir) = std::fs::File::open(dir) {
            let _ = dir.sync_all();
        }
        Ok(())
    }
}

/// Writes `bytes` to a new file at `path`, readable by its owner only
/// (0600), and syncs it: the first step of replacing a secret's file
/// atomically. Fails if `path` exists.
pub(crate) fn write_new_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_and_encrypted_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key.json");
        let key = SecretKey::generate();
        let mut file = KeyFile::new(&key, "Aigerim", None).unwrap();
        file.record(Hash([1; 32]), 4, Hash([2; 32]));
        file.save(&path).unwrap();
        let back = KeyFile::load(&path).unwrap();
        assert_eq!(back.unlock(None).unwrap().public(), key.public());
        assert_eq!(
            back.last(&Hash([1; 32])),
            Some(LastOp {
                seq: 4,
                id: Hash([2; 32])
            })
        );

        let sealed = KeyFile::new(&key, "Aigerim", Some("correct horse")).unwrap();
        sealed.save(&path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains(&hex::encode(key.to_bytes())));
        let back = KeyFile::load(&path).unwrap();
        assert!(back.is_encrypted());
        assert!(matches!(back.unlock(None), Err(KeyError::NeedPassphrase)));
        assert!(matches!(
            back.unlock(Some("wrong")),
            Err(KeyError::WrongPassphrase)
        ));
        assert_eq!(
            back.unlock(Some("correct horse")).unwrap().public(),
            key.public()
        );
    }

    #[test]
    fn a_version_1_file_gets_an_encryption_secret_under_its_passphrase_on_first_use() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key.json");
        let key = SecretKey::generate();
        let mut old = KeyFile::new(&key, "Aigerim", Some("pass")).unwrap();
        old.version = 1;
        old.encryption.clear();
        old.save(&path).unwrap();
        assert!(
            !std::fs::read_to_string(&path)
                .unwrap()
                .contains("encryption")
        );
        assert!(matches!(
            KeyFile::encryption_secrets_or_new(&path, Some("wrong")),
            Err(KeyError::WrongPassphrase)
        ));
        let secrets = KeyFile::encryption_secrets_or_new(&path, Some("pass")).unwrap();
        assert_eq!(secrets.len(), 1);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains(&hex::encode(secrets[0].to_bytes())));
        let again = KeyFile::load(&path).unwrap();
        assert_eq!(again.version, 2);
        assert_eq!(again.unlock(Some("pass")).unwrap().public(), key.public());
        let reread = KeyFile::encryption_secrets_or_new(&path, Some("pass")).unwrap();
        assert_eq!(reread[0].public(), secrets[0].public());
        assert!(matches!(
            again.encryption_secrets(None),
            Err(KeyError::NeedPassphrase)
        ));
    }

    #[test]
    fn garbage_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key.json");
        std::fs::write(&path, "{not json").unwrap();
        assert!(matches!(KeyFile::load(&path), Err(KeyError::Malformed(_))));
    }
}
