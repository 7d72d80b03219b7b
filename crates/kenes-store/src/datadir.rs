//! Where kenes keeps its files: `--data-dir`, then `KENES_DATA_DIR`, then
//! the platform's data directory. Inside it:
//! - `key.json`: the member key file;
//! - `federations/<federation id>.sqlite`: one database per federation.

use kenes_core::Hash;
use std::path::{Path, PathBuf};

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
