//! What every command needs: the data directory, the member key, the
//! chosen federation, and authoring an op safely.
//!

use crate::error::user;
use anyhow::{Context as _, Result};
use kenes_core::keyring::Keyring;
use kenes_core::seal::EncryptionSecret;
use kenes_core::{Body, Hash, Op, SecretKey, State};
use kenes_store::datadir::DataDir;
use kenes_store::keyfile::KeyFile;
use kenes_store::{Store, StoreError, author};

/// The environment variable holding the key passphrase.
pub const PASSPHRASE_VAR: &str = "KENES_PASSPHRASE";

/// Shared command context.
pub struct Context {
    /// The data directory.
    pub data: DataDir,
    /// `--federation`, if given.
    pub federation: Option<String>,
    /// `--json`.
    pub json: bool,
}

pub use kenes_store::now_ms;

/// A store error, with what to do about a locked or wrongly unlocked
/// encrypted store.
pub fn store_error(e: StoreError) -> anyhow::Error {
    match e {
        StoreError::Locked => user(format!(
            "the data directory is encrypted (the key file has a passphrase): set ${PASSPHRASE_VAR}"
        )),
        StoreError::WrongKey | StoreError::Key(kenes_store::keyfile::KeyError::WrongPassphrase) => {
            user(format!(
                "wrong passphrase in ${PASSPHRASE_VAR}: it opens neither the key file nor the database"
            ))
        }
        e => e.into(),
    }
}

/// Resolves `text` (full hex or a unique prefix of at least 4 digits)
/// among `ids`; `what` names the kind of thing for error messages.
pub fn resolve_id(text: &str, ids: impl IntoIterator<Item = Hash>, what: &str) -> Result<Hash> {
    let text = text.trim().to_ascii_lowercase();
    if text.len() < 4 || !text.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(user(format!(
            "'{text}' is not a {what} id (hex, at least 4 digits)"
        )));
    }
    let found: Vec<Hash> = ids
        .into_iter()
        .filter(|id| id.to_hex().starts_with(&text))
        .collect();
    match found.as_slice() {
        [one] => Ok(*one),
        [] => Err(user(format!("no {what} with id {text}"))),
        _ => Err(user(format!(
            "{text} matches {} {what}s: give more digits",
            found.len()
        ))),
    }
}

impl Context {
    /// Loads the key file, or explains how to make one.
    pub fn key_file(&self) -> Result<KeyFile> {
        let path = self.data.key_file();
        if !path.exists() {
            return Err(user(format!(
                "no member key in {}: run `kenes id new --name NAME` first",
                self.data.root().display()
            )));
        }
        Ok(KeyFile::load(&path)?)
    }

    /// The federation to use: `--federation`, or the only one here.
    pub fn federation_id(&self) -> Result<Hash> {
        let all = self.federations()?;
        match (&self.federation, all.as_slice()) {
            (Some(text), _) => resolve_id(text, all.iter().copied(), "federation"),
            (None, []) => Err(user(
                "no federation here: run `kenes federation create --name NAME` or `kenes import BUNDLE`",
            )),
            (None, [one]) => Ok(*one),
            (None, many) => Err(user(format!(
                "{} federations here: choose one with --federation ID",
                many.len()
            ))),
        }
    }

    /// The federations held here. A data directory that is not a
    /// directory, or cannot be read, is the user's to fix.
    pub fn federations(&self) -> Result<Vec<Hash>> {
        let root = self.data.root();
        if root.exists() && !root.is_dir() {
            return Err(user(format!(
                "the data directory {} is not a directory",
                root.display()
            )));
        }
        self.data.remove_unfinished();
        self.data.federations().map_err(|e| {
            user(format!(
                "cannot read the data directory {}: {e}",
                root.display()
            ))
        })
    }

    /// Opens the chosen federation's database.
    pub fn open(&self) -> Result<Store> {
        let id = self.federation_id()?;
        self.data
            .open(&id)
            .map_err(store_error)
            .with_context(|| format!("cannot open federation {}", id.short()))
    }

    /// The federation's folded state for a read command: from the
    /// persisted snapshot when it is current, without replaying the log
    /// (see [`Store::read_view`]).
    pub fn read(&self) -> Result<kenes_store::ReadView> {
        let id = self.federation_id()?;
        self.data
            .read_view(&id)
            .map_err(store_error)
            .with_context(|| format!("cannot open federation {}", id.short()))
    }

    /// [`Context::read`] with every accepted op as `kenes log` shows it
    /// (see [`Store::read_log`]).
    pub fn read_log(&self) -> Result<(kenes_store::ReadView, Vec<kenes_store::LoggedOp>)> {
        let id = self.federation_id()?;
        self.data
            .read_log(&id)
            .map_err(store_error)
            .with_context(|| format!("cannot open federation {}", id.short()))
    }

    /// Unlocks the member key with `$KENES_PASSPHRASE` when it is encrypted.
    pub fn member_key(&self) -> Result<SecretKey> {
        Ok(self
            .key_file()?
            .unlock(std::env::var(PASSPHRASE_VAR).ok().as_deref())?)
    }

    /// The member's X25519 encryption secrets, newest last; a key file
    /// from before sealing gets one now (issue 14).
    pub fn encryption_secrets(&self) -> Result<Vec<EncryptionSecret>> {
        self.key_file()?;
        Ok(KeyFile::encryption_secrets_or_new(
            &self.data.key_file(),
            std::env::var(PASSPHRASE_VAR).ok().as_deref(),
        )?)
    }

    /// What this device's member can read in `state`: the epoch keys sealed
    /// to them. Without a key file, or with a locked one, clear text only.
    pub fn keyring(&self, state: &State) -> Keyring {
        match (self.key_file(), self.encryption_secrets()) {
            (Ok(file), Ok(secrets)) => Keyring::open(state, &file.public_key, &secrets),
            _ => Keyring::none(),
        }
    }

    /// Authors `body` as this device's member in `store`'s federation,
    /// its committee texts sealed and the key ops the state calls for
    /// issued with it (see [`kenes_store::author::author_sealed`]).
    pub fn author(&self, store: &mut Store, body: Body) -> Result<Op> {
        self.author_reaching(store, body, author::Reach::Default)
    }

    /// Sets the display name in the key file and publishes it sealed to
    /// this member's committees ([`kenes_store::author::keep_name_up`]);
    /// `None` when they read for none yet.
    pub fn rename(&self, store: &mut Store, name: &str) -> Result<Option<Op>> {
        let key = self.member_key()?;
        let secrets = self.encryption_secrets()?;
        let key_file = self.data.key_file();
        KeyFile::rename(&key_file, name)?;
        author::keep_name_up(store, &key_file, &key, &secrets, now_ms()).map_err(|e| {
            if e.is_user_error() {
                user(e.to_string())
            } else {
                anyhow::anyhow!(e)
            }
        })
    }

    /// [`Context::author`], for whom `reach` says (a report marked
    /// committee only: see [`kenes_store::author::author_reaching`]).
    pub fn author_reaching(
        &self,
        store: &mut Store,
        body: Body,
        reach: author::Reach,
    ) -> Result<Op> {
        let key = self.member_key()?;
        let secrets = self.encryption_secrets()?;
        let key_file = self.data.key_file();
        author::author_reaching(store, &key_file, &key, &secrets, body, reach, now_ms()).map_err(
            |e| {
                if e.is_user_error() {
                    user(e.to_string())
                } else {
                    anyhow::anyhow!(e)
                }
            },
        )
    }
}
