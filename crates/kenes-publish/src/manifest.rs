//! The manifest (`manifest.json`): every file's size and BLAKE3 hash, and
//! what was published; and the members' Ed25519 signatures of its exact
//! bytes (`signatures.json`, DESIGN §8).
//!
//! A signature covers [`SIGNING_CONTEXT`] followed by the manifest's bytes,
//! so it can never be mistaken for an op's signature (an op's signed bytes
//! start with its version byte, 1). A folder holds the files beside
//! `manifest.json` and `signatures.json`; a single file embeds all of them
//! in one HTML page whose visible part is rendered from them.

use crate::PublishError;
use crate::render;
use crate::verify::VerifyError;
use kenes_core::{PublicKey, SecretKey, Signature};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The manifest format this build writes and reads.
pub const FORMAT: &str = "kenes-publication-1";
/// The signatures file's format.
pub const SIGNATURES_FORMAT: &str = "kenes-publication-signatures-1";
/// What every signature covers before the manifest's bytes.
pub const SIGNING_CONTEXT: &[u8] = b"kenes publication manifest v1\n";
/// The manifest's file name.
pub const MANIFEST: &str = "manifest.json";
/// The signatures' file name.
pub const SIGNATURES: &str = "signatures.json";
/// The verification page's file name.
pub const VERIFY_PAGE: &str = "verify.html";

/// This build, as the manifest names its generator: pages are re-rendered
/// and compared only when the same generator made them.
pub fn generator() -> String {
    format!("kenes {}", env!("CARGO_PKG_VERSION"))
}

/// A folder of files, or one HTML file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Layout {
    /// Pages and data files in a folder, with `verify.html`.
    Folder,
    /// One self-contained HTML file.
    SingleFile,
}

/// One file of the publication.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileEntry {
    /// Its name (no folders).
    pub path: String,
    /// Its size in bytes.
    pub size: u64,
    /// BLAKE3 of its bytes, in hex.
    pub blake3: String,
}

/// `manifest.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// [`FORMAT`].
    pub format: String,
    /// The kenes version that made it.
    pub generator: String,
    /// The federation's id (its genesis op's id).
    pub federation: String,
    /// The federation's name.
    pub federation_name: String,
    /// When it was published (ms since the epoch, the publisher's clock).
    pub published_at: u64,
    /// The council it is limited to, if any.
    pub council: Option<String>,
    /// That council's name.
    pub council_name: Option<String>,
    /// Page languages, the first the default.
    pub languages: Vec<String>,
    /// True when the statements carry no proofs (`--redact-signers`).
    pub redacted: bool,
    /// Folder or single file.
    pub layout: Layout,
    /// Every file but the manifest and the signatures, sorted by path.
    pub files: Vec<FileEntry>,
}

/// One member's signature of the manifest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignatureEntry {
    /// The member's public key, hex.
    pub key: String,
    /// Ed25519 over [`SIGNING_CONTEXT`] and the manifest's bytes, hex.
    pub signature: String,
}

/// `signatures.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignatureFile {
    /// [`SIGNATURES_FORMAT`].
    pub format: String,
    /// In signing order.
    pub signatures: Vec<SignatureEntry>,
}

/// The message a signature covers.
pub fn signed_message(manifest_bytes: &[u8]) -> Vec<u8> {
    [SIGNING_CONTEXT, manifest_bytes].concat()
}

/// The file name of a language's page: the first is `index.html`.
pub fn page_name(manifest: &Manifest, lang: &str) -> String {
    if manifest.languages.first().map(String::as_str) == Some(lang) {
        "index.html".into()
    } else {
        format!("index.{lang}.html")
    }
}

fn to_json(value: &impl Serialize) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// A publication before anyone signed it.
pub struct Unsigned {
    manifest: Manifest,
    manifest_bytes: Vec<u8>,
    files: BTreeMap<String, Vec<u8>>,
}

impl Unsigned {
    /// Adds the pages rendered from the data `files` (a folder's), hashes
    /// every file into `manifest` and fixes its bytes.
    pub fn new(
        mut manifest: Manifest,
        mut files: BTreeMap<String, Vec<u8>>,
    ) -> Result<Unsigned, PublishError> {
        if manifest.layout == Layout::Folder {
            let data = render::data_of(&files).map_err(PublishError::Bug)?;
            files.extend(render::folder_pages(&manifest, &data));
        }
        manifest.files = files
            .iter()
            .map(|(path, bytes)| FileEntry {
                path: path.clone(),
                size: bytes.len() as u64,
                blake3: blake3::hash(bytes).to_hex().to_string(),
            })
            .collect();
        Ok(Unsigned {
            manifest_bytes: to_json(&manifest),
            manifest,
            files,
        })
    }

    /// Signs it with `key`.
    pub fn sign(self, key: &SecretKey) -> Publication {
        let mut p = Publication {
            manifest: self.manifest,
            manifest_bytes: self.manifest_bytes,
            signatures: Vec::new(),
            files: self.files,
            original: None,
        };
        p.add_signature(key);
        p
    }
}

/// A signed publication, as made or as read back (not yet verified: see
/// [`crate::verify::verify`]).
#[derive(Clone, Debug)]
pub struct Publication {
    /// The manifest, parsed.
    pub manifest: Manifest,
    /// Its exact bytes, which the signatures cover.
    pub manifest_bytes: Vec<u8>,
    /// The signatures.
    pub signatures: Vec<SignatureEntry>,
    /// The files the manifest lists (as found: maybe more or fewer).
    pub files: BTreeMap<String, Vec<u8>>,
    /// A single file as read, to compare with its re-rendering.
    pub original: Option<Vec<u8>>,
}

impl Publication {
    fn add_signature(&mut self, key: &SecretKey) {
        let signature = key.sign(&signed_message(&self.manifest_bytes));
        self.signatures.push(SignatureEntry {
            key: key.public().to_hex(),
            signature: hex::encode(signature.0),
        });
    }

    /// Adds `key`'s signature (the caller verifies the publication first).
    pub fn cosign(&mut self, key: &SecretKey) -> Result<(), PublishError> {
        let me = key.public().to_hex();
        if self.signatures.iter().any(|s| s.key == me) {
            return Err(PublishError::AlreadySigned(key.public().short()));
        }
        self.add_signature(key);
        self.original = None;
        Ok(())
    }

    /// `signatures.json`'s bytes.
    pub fn signatures_bytes(&self) -> Vec<u8> {
        to_json(&SignatureFile {
            format: SIGNATURES_FORMAT.into(),
            signatures: self.signatures.clone(),
        })
    }

    /// The signers' keys as written (hex), in signing order.
    pub fn signer_keys(&self) -> Vec<String> {
        self.signatures.iter().map(|s| s.key.clone()).collect()
    }

    /// The folder's files: every listed file, the manifest and signatures.
    pub fn to_folder(&self) -> BTreeMap<String, Vec<u8>> {
        let mut out = self.files.clone();
        out.insert(MANIFEST.into(), self.manifest_bytes.clone());
        out.insert(SIGNATURES.into(), self.signatures_bytes());
        out
    }

    /// The single HTML file.
    pub fn to_single_file(&self) -> Result<Vec<u8>, PublishError> {
        let data = render::data_of(&self.files).map_err(PublishError::Bug)?;
        Ok(render::single_file(self, &data))
    }

    /// Reads a folder's files (name → bytes). The manifest and signatures
    /// must parse; the rest is checked by [`crate::verify::verify`].
    pub fn from_folder(mut files: BTreeMap<String, Vec<u8>>) -> Result<Publication, VerifyError> {
        let manifest_bytes = files
            .remove(MANIFEST)
            .ok_or_else(|| VerifyError::MissingFile(MANIFEST.into()))?;
        let signatures = files
            .remove(SIGNATURES)
            .ok_or_else(|| VerifyError::MissingFile(SIGNATURES.into()))?;
        Publication::from_parts(manifest_bytes, &signatures, files, None)
    }

    /// Reads a single HTML file: its embedded manifest, signatures and
    /// data files.
    pub fn from_single_file(bytes: &[u8]) -> Result<Publication, VerifyError> {
        let embedded = render::embedded(bytes).ok_or(VerifyError::NotAPublication)?;
        let parsed: render::Embedded =
            serde_json::from_str(embedded).map_err(|_| VerifyError::NotAPublication)?;
        let files = parsed
            .files
            .into_iter()
            .map(|(k, v)| (k, v.into_bytes()))
            .collect();
        Publication::from_parts(
            parsed.manifest.into_bytes(),
            parsed.signatures.as_bytes(),
            files,
            Some(bytes.to_vec()),
        )
    }

    fn from_parts(
        manifest_bytes: Vec<u8>,
        signatures: &[u8],
        files: BTreeMap<String, Vec<u8>>,
        original: Option<Vec<u8>>,
    ) -> Result<Publication, VerifyError> {
        let manifest: Manifest = serde_json::from_slice(&manifest_bytes)
            .map_err(|e| VerifyError::BadManifest(e.to_string()))?;
        let sigs: SignatureFile = serde_json::from_slice(signatures)
            .map_err(|e| VerifyError::BadSignatures(e.to_string()))?;
        if sigs.format != SIGNATURES_FORMAT {
            return Err(VerifyError::BadSignatures(format!(
                "unknown format '{}'",
                sigs.format
            )));
        }
        Ok(Publication {
            manifest,
            manifest_bytes,
            signatures: sigs.signatures,
            files,
            original,
        })
    }
}

/// Parses and checks one signature entry: a key that is not of small
/// order, and a valid signature of `manifest_bytes`.
pub fn check_signature(
    entry: &SignatureEntry,
    manifest_bytes: &[u8],
) -> Result<PublicKey, VerifyError> {
    let key: PublicKey = entry
        .key
        .parse()
        .map_err(|_| VerifyError::BadSignatures(format!("'{}' is not a key", short(&entry.key))))?;
    let mut sig = [0u8; 64];
    hex::decode_to_slice(&entry.signature, &mut sig)
        .map_err(|_| VerifyError::BadSignatures("a signature is not 128 hex digits".into()))?;
    if kenes_core::keys::is_small_order(&key)
        || !kenes_core::keys::verify(&key, &signed_message(manifest_bytes), &Signature(sig))
    {
        return Err(VerifyError::BadSignature(key.short()));
    }
    Ok(key)
}

/// The first 16 characters of `text`, for messages about hostile input.
pub fn short(text: &str) -> String {
    text.chars().take(16).collect()
}
