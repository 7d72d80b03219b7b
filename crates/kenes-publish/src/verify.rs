//! Verifying a publication (DESIGN §8). Every byte is hostile: each check
//! returns the first failure as a [`VerifyError`], never panics.
//!
//! [`verify`] is what anyone can check alone: the manifest lists exactly
//! the files present with their hashes, every signature is valid, each
//! statement's proof holds, and the pages show exactly what the signed data
//! files say. [`against_node`] is what a member's node adds: the signers
//! have standing in the federation, and each item matches its own state.

use crate::data::{self, Data, Statement};
use crate::manifest::{self, FORMAT, Layout, Publication, short};
use crate::render;
use kenes_core::governance::ProposalStatus;
use kenes_core::{Engine, Hash, PublicKey};
use std::collections::{BTreeMap, BTreeSet};

/// Why a publication does not verify.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum VerifyError {
    /// A file the manifest lists (or the manifest itself) is absent.
    #[error("file {0} is missing")]
    MissingFile(String),
    /// A file that the manifest does not list.
    #[error("file {0} is not in the manifest")]
    ExtraFile(String),
    /// A file whose bytes are not the ones signed.
    #[error("file {0} was changed: its size or BLAKE3 hash differs from the manifest")]
    Changed(String),
    /// The manifest does not parse or breaks a rule.
    #[error("manifest.json is not a valid manifest: {0}")]
    BadManifest(String),
    /// The signatures file does not parse.
    #[error("signatures.json is not valid: {0}")]
    BadSignatures(String),
    /// Nobody signed.
    #[error("the manifest has no signature")]
    Unsigned,
    /// A signature that does not match the manifest.
    #[error("the signature by {0} does not match the manifest")]
    BadSignature(String),
    /// The same key signed twice.
    #[error("{0} signed twice")]
    SignedTwice(String),
    /// A key the reader asked for did not sign.
    #[error("not signed by {0}")]
    NotSignedBy(String),
    /// A data file does not parse.
    #[error("{0}")]
    BadData(String),
    /// A statement's proof does not hold.
    #[error("statement {id}: {why}")]
    BadProof {
        /// The statement's id (start).
        id: String,
        /// What failed.
        why: String,
    },
    /// A page that is not what the signed data renders to.
    #[error("{0} does not show what the signed data files say")]
    PageAltered(String),
    /// A file that is not a kenes publication.
    #[error("not a kenes publication (no manifest embedded)")]
    NotAPublication,
    /// A signer or op author with no standing in the federation.
    #[error("{0} is not a member of the federation on this node")]
    NotAMember(String),
    /// An item the node's own state contradicts.
    #[error("this node disagrees: {0}")]
    Disagrees(String),
}

/// What a standalone verification established.
#[derive(Clone, Debug)]
pub struct Verified {
    /// The federation the publication claims.
    pub federation: Hash,
    /// The council it is limited to, if any.
    pub council: Option<Hash>,
    /// The manifest's signers, in signing order.
    pub signers: Vec<PublicKey>,
    /// The authors of the proofs' ops.
    pub op_signers: BTreeSet<PublicKey>,
    /// The data, parsed.
    pub data: Data,
    /// Statements whose proof was checked.
    pub proved: usize,
    /// Things the reader should know that are not failures.
    pub notes: Vec<String>,
}

/// Files larger than this are refused before hashing (a page of a very
/// large federation is a few MB).
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;
/// At most this many files.
pub const MAX_FILES: usize = 64;

fn valid_name(path: &str) -> bool {
    !path.is_empty()
        && path.len() <= 64
        && !path.starts_with('.')
        && path
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
        && path != manifest::MANIFEST
        && path != manifest::SIGNATURES
}

fn check_manifest(p: &Publication) -> Result<(Hash, Option<Hash>), VerifyError> {
    let m = &p.manifest;
    let bad = |why: &str| VerifyError::BadManifest(why.into());
    if m.format != FORMAT {
        return Err(VerifyError::BadManifest(format!(
            "unknown format '{}'",
            short(&m.format)
        )));
    }
    let federation: Hash = m
        .federation
        .parse()
        .map_err(|_| bad("the federation id is not 64 hex digits"))?;
    data::check_languages(&m.languages).map_err(|e| VerifyError::BadManifest(e.to_string()))?;
    if m.council.is_some() != m.council_name.is_some() {
        return Err(bad("council and council_name go together"));
    }
    let council = match &m.council {
        Some(c) => Some(
            c.parse::<Hash>()
                .map_err(|_| bad("the council id is not 64 hex digits"))?,
        ),
        None => None,
    };
    if m.files.len() > MAX_FILES {
        return Err(bad("too many files"));
    }
    let mut last: Option<&str> = None;
    for f in &m.files {
        if !valid_name(&f.path) {
            return Err(VerifyError::BadManifest(format!(
                "'{}' is not a plain file name",
                short(&f.path)
            )));
        }
        if last.is_some_and(|l| l >= f.path.as_str()) {
            return Err(bad("files are not sorted, or repeated"));
        }
        last = Some(&f.path);
    }
    Ok((federation, council))
}

fn check_files(p: &Publication) -> Result<(), VerifyError> {
    for f in &p.manifest.files {
        let bytes = p
            .files
            .get(&f.path)
            .ok_or_else(|| VerifyError::MissingFile(f.path.clone()))?;
        if bytes.len() as u64 != f.size || blake3::hash(bytes).to_hex().as_str() != f.blake3 {
            return Err(VerifyError::Changed(f.path.clone()));
        }
    }
    let listed: BTreeSet<&str> = p.manifest.files.iter().map(|f| f.path.as_str()).collect();
    if let Some(extra) = p.files.keys().find(|k| !listed.contains(k.as_str())) {
        return Err(VerifyError::ExtraFile(short(extra)));
    }
    Ok(())
}

fn check_signatures(
    p: &Publication,
    required: &[PublicKey],
) -> Result<Vec<PublicKey>, VerifyError> {
    if p.signatures.is_empty() {
        return Err(VerifyError::Unsigned);
    }
    let mut signers = Vec::new();
    for entry in &p.signatures {
        let key = manifest::check_signature(entry, &p.manifest_bytes)?;
        if signers.contains(&key) {
            return Err(VerifyError::SignedTwice(key.short()));
        }
        signers.push(key);
    }
    if let Some(missing) = required.iter().find(|k| !signers.contains(k)) {
        return Err(VerifyError::NotSignedBy(missing.to_hex()));
    }
    Ok(signers)
}

fn file<'a>(p: &'a Publication, name: &str) -> Result<&'a [u8], VerifyError> {
    if !p.manifest.files.iter().any(|f| f.path == name) {
        return Err(VerifyError::MissingFile(name.into()));
    }
    p.files
        .get(name)
        .map(Vec::as_slice)
        .ok_or_else(|| VerifyError::MissingFile(name.into()))
}

fn bad_statement(s: &Statement, why: impl Into<String>) -> VerifyError {
    VerifyError::BadProof {
        id: short(&s.id),
        why: why.into(),
    }
}

/// Verifies `p` on its own, requiring a signature by each of `required`.
pub fn verify(p: &Publication, required: &[PublicKey]) -> Result<Verified, VerifyError> {
    let (federation, council) = check_manifest(p)?;
    check_files(p)?;
    let signers = check_signatures(p, required)?;
    let data = data::parse(
        file(p, data::PLATFORM)?,
        file(p, data::STATEMENTS)?,
        file(p, data::SITUATION)?,
    )
    .map_err(VerifyError::BadData)?;
    let mut op_signers = BTreeSet::new();
    let mut proved = 0;
    let mut seen = BTreeSet::new();
    for s in &data.statements {
        if !seen.insert(&s.id) {
            return Err(bad_statement(s, "it is listed twice"));
        }
        if !s.tally.passed {
            return Err(bad_statement(s, "its tally says it did not pass"));
        }
        match (&s.proof, p.manifest.redacted) {
            (None, true) => continue,
            (None, false) => {
                return Err(bad_statement(
                    s,
                    "it has no proof, and the manifest does not say proofs were withheld",
                ));
            }
            (Some(_), true) => {
                return Err(bad_statement(
                    s,
                    "it carries a proof, but the manifest says proofs were withheld",
                ));
            }
            (Some(_), false) => {}
        }
        let (proposal, close) =
            data::check_proof(s, &federation).map_err(|why| bad_statement(s, why))?;
        op_signers.insert(proposal.fields.author);
        op_signers.insert(close.fields.author);
        proved += 1;
    }
    let mut notes = Vec::new();
    if p.manifest.generator == manifest::generator() {
        check_pages(p, &data)?;
    } else {
        notes.push(format!(
            "the pages were made by {}, so they were not re-rendered (their hashes are signed)",
            short(&p.manifest.generator)
        ));
    }
    Ok(Verified {
        federation,
        council,
        signers,
        op_signers,
        data,
        proved,
        notes,
    })
}

/// The pages must be exactly what this build renders from the data files.
fn check_pages(p: &Publication, data: &Data) -> Result<(), VerifyError> {
    match p.manifest.layout {
        Layout::Folder => {
            for (name, bytes) in render::folder_pages(&p.manifest, data) {
                if p.files.get(&name) != Some(&bytes) {
                    return Err(VerifyError::PageAltered(name));
                }
            }
            let data_files = [data::PLATFORM, data::STATEMENTS, data::SITUATION];
            let pages = render::folder_pages(&p.manifest, data);
            if let Some(extra) = p
                .files
                .keys()
                .find(|k| !data_files.contains(&k.as_str()) && !pages.contains_key(*k))
            {
                return Err(VerifyError::ExtraFile(short(extra)));
            }
        }
        Layout::SingleFile => {
            let Some(original) = &p.original else {
                return Err(VerifyError::NotAPublication);
            };
            if p.files.len() != 3 {
                return Err(VerifyError::BadManifest(
                    "a single file holds only the three data files".into(),
                ));
            }
            if render::single_file(p, data) != *original {
                return Err(VerifyError::PageAltered("the page".into()));
            }
        }
    }
    Ok(())
}

/// What a member's node found beyond the standalone checks.
#[derive(Clone, Debug, Default)]
pub struct NodeReport {
    /// Differences that are not failures (the federation moved on since).
    pub notes: Vec<String>,
}

/// Checks a verified publication against `engine`'s state: every manifest
/// signer and op author has standing; every statement is a public
/// statement of its committee here, passed by the same close with the same
/// tally; every platform demand exists here with the same title. Counts
/// that changed since are notes, not failures.
pub fn against_node(v: &Verified, engine: &Engine) -> Result<NodeReport, VerifyError> {
    if engine.federation() != v.federation {
        return Err(VerifyError::Disagrees(
            "the publication is of another federation".into(),
        ));
    }
    for key in v.signers.iter().chain(v.op_signers.iter()) {
        if !engine.may_sync(key) {
            return Err(VerifyError::NotAMember(key.to_hex()));
        }
    }
    let state = engine.state();
    let scope = v.council;
    let ours = data::statements(engine, scope.as_ref(), true);
    for s in &v.data.statements {
        let disagree =
            |why: &str| VerifyError::Disagrees(format!("statement '{}': {why}", short(&s.title)));
        let id: Hash = s.id.parse().map_err(|_| disagree("its id is not an id"))?;
        let committee = s
            .committee
            .parse::<Hash>()
            .ok()
            .and_then(|c| state.committees.get(&c))
            .ok_or_else(|| disagree("its committee is unknown here"))?;
        let known = committee
            .statements
            .get(&id)
            .ok_or_else(|| disagree("it is not a statement this committee adopted"))?;
        if !known.public
            || known.title.readable() != Some(s.title.as_str())
            || known.text.readable() != Some(s.text.as_str())
        {
            return Err(disagree("its text or public flag differs"));
        }
        if committee.name != s.committee_name {
            return Err(disagree("its committee's name differs"));
        }
        let Some(record) = committee.proposals.get(&id) else {
            return Err(disagree("its proposal is unknown here"));
        };
        let ProposalStatus::Closed(closing) = &record.status else {
            return Err(disagree("it is still open here"));
        };
        if closing.first.1.to_hex() != s.close {
            return Err(disagree("another close passed it here"));
        }
        if ours.iter().find(|o| o.id == s.id).map(|o| &o.tally) != Some(&s.tally) {
            return Err(disagree("its tally differs"));
        }
    }
    let known_demands: BTreeMap<String, &str> = state
        .committees
        .values()
        .flat_map(|c| c.demands.iter())
        .map(|(id, d)| (id.to_hex(), d.title.as_str()))
        .collect();
    for row in &v.data.platform {
        if known_demands.get(&row.demand) != Some(&row.title.as_str()) {
            return Err(VerifyError::Disagrees(format!(
                "demand '{}' is not one this node knows",
                short(&row.title)
            )));
        }
    }
    let mut notes = Vec::new();
    let now = crate::data::parse(
        &crate::data::platform_json(state, scope.as_ref()),
        b"[]",
        &crate::data::situation_json(state),
    );
    if let Ok(now) = now {
        if now.platform != v.data.platform {
            notes.push("the platform's ranks or counts differ from this node's state now".into());
        }
        if now.situation != v.data.situation {
            notes.push("the situation differs from this node's state now".into());
        }
    }
    let missing = ours
        .iter()
        .filter(|o| !v.data.statements.iter().any(|s| s.id == o.id))
        .count();
    if missing > 0 {
        notes.push(format!(
            "this node holds {missing} public statement(s) in scope that the publication leaves out"
        ));
    }
    Ok(NodeReport { notes })
}
