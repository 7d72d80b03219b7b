//! Stateless validation: rules an op must meet on its own, before anything
//! about the federation is known. One function per rule; each documents the
//! invariant it enforces. An op that fails any of them is dropped, never
//! stored, and every node drops it alike because nothing here reads state.
//!
//! Size and canonical form are enforced by [`crate::Op::decode`]; they are
//! listed here as [`check_size`] and [`check_canonical`] so that the rule set
//! reads as one list.

use crate::body::{Ballot, Body, CommitteeKind, CouncilScope, Policy, ProposalKind};
use crate::keys;
use crate::op::{DecodeError, MAX_DEPS, MAX_OP_BYTES, Op};
use crate::types::Hash;

/// Longest display, committee or federation name, in bytes.
pub const MAX_NAME_BYTES: usize = 200;
/// A sealed display name is padded to a multiple of this many bytes.
pub const NAME_PAD_BYTES: usize = 32;
/// The longest padded name: [`MAX_NAME_BYTES`] rounded up.
pub const MAX_PADDED_NAME: usize = MAX_NAME_BYTES.div_ceil(NAME_PAD_BYTES) * NAME_PAD_BYTES;
/// Longest area path, enterprise, site or industry, in bytes.
pub const MAX_FIELD_BYTES: usize = 512;
/// Longest proposal text, in bytes.
pub const MAX_TEXT_BYTES: usize = 16 * 1024;
/// Most candidates or ranked names in one op.
pub const MAX_LIST: usize = 1000;

/// Why an op fails stateless validation.
#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone)]
pub enum StatelessError {
    /// The bytes are not a canonical op.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// The author key has small order: anyone could sign as it.
    #[error("author key has small order")]
    SmallOrderKey,
    /// The signature does not verify.
    #[error("invalid signature")]
    BadSignature,
    /// `prev` is present with seq 0, or absent with seq > 0.
    #[error("prev must be absent exactly when seq is 0")]
    SeqPrevMismatch,
    /// More than 32 deps.
    #[error("more than 32 deps")]
    TooManyDeps,
    /// Deps not strictly ascending (unsorted or duplicated).
    #[error("deps are not sorted and unique")]
    DepsNotSorted,
    /// A dep repeats `prev`.
    #[error("deps repeat prev")]
    DepRepeatsPrev,
    /// A non-genesis op with neither `prev` nor deps.
    #[error("op has no prev and no deps")]
    NoParents,
    /// A genesis op with a federation, parents or lamport that are not zero.
    #[error("malformed genesis op")]
    BadGenesis,
    /// A non-genesis op with the zero federation id.
    #[error("op names no federation")]
    NoFederation,
    /// A field of the body is empty, too long or out of range.
    #[error("invalid body field: {0}")]
    BadField(&'static str),
}

/// Size: an op's encoding is at most 64 KiB. Checked before decoding, so a
/// peer cannot make us parse more than that per op.
pub fn check_size(bytes: &[u8]) -> Result<(), StatelessError> {
    if bytes.len() > MAX_OP_BYTES {
        return Err(DecodeError::TooLarge(bytes.len()).into());
    }
    Ok(())
}

/// Canonical bytes: the bytes decode, and re-encoding the decoded op gives
/// the same bytes. Hence one op has one id.
pub fn check_canonical(bytes: &[u8]) -> Result<Op, StatelessError> {
    check_size(bytes)?;
    Ok(Op::decode(bytes)?)
}

/// Author key: never of small order (ZIP-215 would accept forgeries).
pub fn check_author_key(op: &Op) -> Result<(), StatelessError> {
    if keys::is_small_order(&op.fields.author) {
        return Err(StatelessError::SmallOrderKey);
    }
    Ok(())
}

/// Signature: valid under ZIP-215 for the author key over all fields but the
/// signature. Batch verification ([`crate::keys::verify_many`]) decides the
/// same, so ingest may use either.
pub fn check_signature(op: &Op) -> Result<(), StatelessError> {
    if !keys::verify(&op.fields.author, op.signed_message(), &op.sig) {
        return Err(StatelessError::BadSignature);
    }
    Ok(())
}

/// Seq and prev: `prev` is `None` iff `seq == 0`. (That `prev` is the
/// author's own op at `seq - 1` needs the prev op, so acceptance checks it.)
pub fn check_seq_prev(op: &Op) -> Result<(), StatelessError> {
    if op.fields.prev.is_some() != (op.fields.seq > 0) {
        return Err(StatelessError::SeqPrevMismatch);
    }
    Ok(())
}

/// Deps: at most 32, strictly ascending (so sorted and unique), and none
/// equal to `prev`. Bounds the work and gives deps one canonical order.
pub fn check_deps(op: &Op) -> Result<(), StatelessError> {
    let deps = &op.fields.deps;
    if deps.len() > MAX_DEPS {
        return Err(StatelessError::TooManyDeps);
    }
    if deps.windows(2).any(|pair| pair[0] >= pair[1]) {
        return Err(StatelessError::DepsNotSorted);
    }
    if let Some(prev) = &op.fields.prev
        && deps.contains(prev)
    {
        return Err(StatelessError::DepRepeatsPrev);
    }
    Ok(())
}

/// Parents: every op but a genesis has a `prev` or at least one dep, so
/// every op is causally tied to the federation's genesis.
pub fn check_has_parent(op: &Op) -> Result<(), StatelessError> {
    if !op.is_genesis() && op.fields.prev.is_none() && op.fields.deps.is_empty() {
        return Err(StatelessError::NoParents);
    }
    Ok(())
}

/// Genesis shape: a genesis op has the zero federation, no parents and
/// lamport 0; every other op names a non-zero federation.
pub fn check_genesis_shape(op: &Op) -> Result<(), StatelessError> {
    let f = &op.fields;
    if op.is_genesis() {
        if f.federation != Hash::ZERO || f.prev.is_some() || !f.deps.is_empty() || f.lamport != 0 {
            return Err(StatelessError::BadGenesis);
        }
    } else if f.federation == Hash::ZERO {
        return Err(StatelessError::NoFederation);
    }
    Ok(())
}

fn check_text(text: &str, max: usize, what: &'static str) -> Result<(), StatelessError> {
    if text.trim().is_empty() || text.len() > max || text.chars().any(char::is_control) {
        return Err(StatelessError::BadField(what));
    }
    Ok(())
}

fn check_optional_text(text: &str, max: usize, what: &'static str) -> Result<(), StatelessError> {
    if text.is_empty() {
        return Ok(());
    }
    check_text(text, max, what)
}

/// An area path: segments separated by `/`, none empty, e.g.
/// `Kazakhstan/Mangystau/Zhanaozen`.
pub fn check_area(area: &str) -> Result<(), StatelessError> {
    check_text(area, MAX_FIELD_BYTES, "area")?;
    if area.split('/').any(|segment| segment.trim().is_empty()) {
        return Err(StatelessError::BadField("area"));
    }
    Ok(())
}

/// A policy: `vouches_required ≥ 1` and a quorum in [0, 1].
pub fn check_policy(policy: &Policy) -> Result<(), StatelessError> {
    if policy.vouches_required == 0 {
        return Err(StatelessError::BadField("vouches_required"));
    }
    if !policy.quorum.is_fraction() {
        return Err(StatelessError::BadField("quorum"));
    }
    Ok(())
}

/// Body fields: names non-empty, bounded and free of control characters;
/// area paths well formed; policy in range.
pub fn check_body_fields(op: &Op) -> Result<(), StatelessError> {
    if op.fields.version != crate::op::VERSION {
        return Ok(());
    }
    check_body(&op.fields.body)
}

/// The body-field rules of [`check_body_fields`] on a bare body, so that
/// the CLI can refuse bad input before authoring anything.
pub fn check_body(body: &Body) -> Result<(), StatelessError> {
    match body {
        Body::CreateFederation { name } | Body::Profile { name } => {
            check_text(name, MAX_NAME_BYTES, "name")
        }
        Body::SealedProfile { names } => check_sealed_names(names),
        Body::CreateCommittee { name, kind, policy } => {
            check_text(name, MAX_NAME_BYTES, "name")?;
            check_policy(policy)?;
            match kind {
                CommitteeKind::Territorial { area } => check_area(area),
                CommitteeKind::Production {
                    enterprise,
                    site,
                    industry,
                    area,
                } => {
                    check_text(enterprise, MAX_FIELD_BYTES, "enterprise")?;
                    check_optional_text(site, MAX_FIELD_BYTES, "site")?;
                    check_text(industry, MAX_FIELD_BYTES, "industry")?;
                    check_area(area)
                }
                CommitteeKind::Council {
                    scope: CouncilScope::Area(area),
                } => check_area(area),
                CommitteeKind::Council {
                    scope: CouncilScope::Industry(industry),
                } => check_text(industry, MAX_FIELD_BYTES, "industry"),
                CommitteeKind::Advisory => Ok(()),
            }
        }
        Body::Propose {
            kind, title, text, ..
        } => {
            check_title(title)?;
            if text.len() > MAX_TEXT_BYTES {
                return Err(StatelessError::BadField("text"));
            }
            check_proposal_kind(kind)
        }
        Body::Vote {
            ballot: Ballot::Ranking(ranking),
            ..
        } => check_unique_keys(ranking, "ranking"),
        Body::Demand { title, text, .. } => {
            check_text(title, MAX_NAME_BYTES, "title")?;
            check_long_text(text)
        }
        Body::Report { area, text, .. } => {
            check_area(area)?;
            check_report_text(text)
        }
        Body::UpdateReport { text, .. } => check_report_text(text),
        Body::OpenThread { title, text, .. } => {
            check_title(title)?;
            check_post_text(text)
        }
        Body::Comment { text, .. }
        | Body::EditPost { text, .. }
        | Body::Suggest { text, .. }
        | Body::Revise { text, .. }
        | Body::Announce { text, .. } => check_post_text(text),
        Body::RetractPost { .. }
        | Body::Support { .. }
        | Body::Vote { .. }
        | Body::Close { .. }
        | Body::Vouch { .. }
        | Body::Join { .. }
        | Body::Leave { .. }
        | Body::Unknown { .. } => Ok(()),
        // A small-order key is not dropped here but rejected (see
        // `RejectReason::SmallOrderEncryptionKey`): older builds accepted it.
        Body::EncryptionKey { .. } => Ok(()),
        Body::Rekey { boxes, .. } | Body::ShareEpoch { boxes, .. } => check_key_boxes(boxes),
    }
}

/// A title that may be sealed: a clear one as any name; a sealed one by
/// the size of the text it holds (its words are nobody's to check but its
/// readers').
pub fn check_title(title: &crate::body::Text) -> Result<(), StatelessError> {
    match title.readable() {
        Some(plain) => check_text(plain, MAX_NAME_BYTES, "title"),
        None if title.is_empty() || title.len() > MAX_NAME_BYTES => {
            Err(StatelessError::BadField("title"))
        }
        None => Ok(()),
    }
}

/// A sealed display name: sealed to at least one committee and at most
/// [`MAX_LIST`], once each, in ascending committee order (one canonical
/// form), each ciphertext a padded name ([`crate::keyring::padded_name`]:
/// a multiple of [`NAME_PAD_BYTES`] up to [`MAX_PADDED_NAME`]) with its
/// tag, so its size tells nobody the name's length. What it says is
/// checked by its readers only.
pub fn check_sealed_names(names: &[crate::body::SealedName]) -> Result<(), StatelessError> {
    if names.is_empty() || names.len() > MAX_LIST {
        return Err(StatelessError::BadField("names"));
    }
    if names
        .windows(2)
        .any(|pair| pair[0].committee >= pair[1].committee)
    {
        return Err(StatelessError::BadField("names"));
    }
    let padded = |len: usize| {
        len.checked_sub(crate::seal::TEXT_TAG_BYTES)
            .is_some_and(|plain| {
                plain > 0 && plain % NAME_PAD_BYTES == 0 && plain <= MAX_PADDED_NAME
            })
    };
    if names.iter().any(|n| !padded(n.name.ciphertext.len())) {
        return Err(StatelessError::BadField("name"));
    }
    Ok(())
}

/// Sealed epoch keys: at least one, at most [`MAX_LIST`], one per member
/// in ascending order (one canonical form), each exactly one sealed key.
pub fn check_key_boxes(boxes: &[crate::seal::KeyBox]) -> Result<(), StatelessError> {
    if boxes.is_empty() || boxes.len() > MAX_LIST {
        return Err(StatelessError::BadField("boxes"));
    }
    if boxes
        .windows(2)
        .any(|pair| pair[0].member >= pair[1].member)
    {
        return Err(StatelessError::BadField("boxes"));
    }
    if boxes
        .iter()
        .any(|b| b.ciphertext.len() != crate::seal::KEY_BOX_BYTES)
    {
        return Err(StatelessError::BadField("boxes"));
    }
    Ok(())
}

/// Deliberation text: not blank, at most [`MAX_TEXT_BYTES`], and no control
/// characters but line breaks and tabs (paragraphs are allowed; terminal
/// escapes are not).
pub fn check_post_text(text: &crate::body::Text) -> Result<(), StatelessError> {
    // Sealed text is checked by size only: its words are its readers'.
    let Some(plain) = text.readable() else {
        if text.is_empty() || text.len() > MAX_TEXT_BYTES {
            return Err(StatelessError::BadField("text"));
        }
        return Ok(());
    };
    let bad = |c: char| c.is_control() && !matches!(c, '\n' | '\r' | '\t');
    if plain.trim().is_empty() || plain.len() > MAX_TEXT_BYTES || plain.chars().any(bad) {
        return Err(StatelessError::BadField("text"));
    }
    Ok(())
}

/// A report's text: clear, any text up to [`MAX_TEXT_BYTES`] (it may be
/// empty); sealed ("committee only", issue 14), by the size of what it
/// holds, not empty (an empty text has nothing to seal).
fn check_report_text(text: &crate::body::Text) -> Result<(), StatelessError> {
    match text.readable() {
        Some(plain) => check_long_text(plain),
        None if text.is_empty() || text.len() > MAX_TEXT_BYTES => {
            Err(StatelessError::BadField("text"))
        }
        None => Ok(()),
    }
}

fn check_long_text(text: &str) -> Result<(), StatelessError> {
    if text.len() > MAX_TEXT_BYTES {
        return Err(StatelessError::BadField("text"));
    }
    Ok(())
}

fn check_unique_keys(
    keys: &[crate::types::PublicKey],
    what: &'static str,
) -> Result<(), StatelessError> {
    let unique: std::collections::BTreeSet<_> = keys.iter().collect();
    if keys.len() > MAX_LIST || unique.len() != keys.len() {
        return Err(StatelessError::BadField(what));
    }
    Ok(())
}

/// A proposal kind: a valid policy, an election of at least one seat from
/// distinct candidates.
pub fn check_proposal_kind(kind: &ProposalKind) -> Result<(), StatelessError> {
    match kind {
        ProposalKind::PolicyChange { policy } => check_policy(policy),
        ProposalKind::Election {
            seats, candidates, ..
        } => {
            if *seats == 0 || candidates.is_empty() {
                return Err(StatelessError::BadField("seats"));
            }
            check_unique_keys(candidates, "candidates")
        }
        ProposalKind::MergeDemands { from, into } if from == into => {
            Err(StatelessError::BadField("merge"))
        }
        _ => Ok(()),
    }
}

/// Every stateless rule except the signature, which ingest verifies in
/// batches.
pub fn check_all_but_signature(op: &Op) -> Result<(), StatelessError> {
    check_author_key(op)?;
    check_seq_prev(op)?;
    check_deps(op)?;
    check_has_parent(op)?;
    check_genesis_shape(op)?;
    check_body_fields(op)
}

/// Decodes `bytes` and applies every stateless rule, signature included.
pub fn check_stateless(bytes: &[u8]) -> Result<Op, StatelessError> {
    let op = check_canonical(bytes)?;
    check_all_but_signature(&op)?;
    check_signature(&op)?;
    Ok(op)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::body::Ratio;
    use crate::keys::SecretKey;
    use crate::op::{UnsignedOp, VERSION};
    use crate::types::PublicKey;

    fn key() -> SecretKey {
        SecretKey::from_bytes([9; 32])
    }

    fn op_with(edit: impl FnOnce(&mut UnsignedOp)) -> Op {
        let mut fields = UnsignedOp {
            version: VERSION,
            federation: Hash::of(b"fed"),
            author: key().public(),
            seq: 1,
            prev: Some(Hash::of(b"p")),
            deps: vec![],
            lamport: 2,
            time: 0,
            body: Body::Profile {
                name: "Aigerim".into(),
            },
        };
        edit(&mut fields);
        fields.sign(&key())
    }

    #[test]
    fn a_well_formed_op_passes_every_rule() {
        let op = op_with(|_| {});
        assert_eq!(check_stateless(&op.bytes), Ok(op));
    }

    #[test]
    fn size_rule() {
        assert!(matches!(
            check_size(&vec![0; MAX_OP_BYTES + 1]),
            Err(StatelessError::Decode(DecodeError::TooLarge(_)))
        ));
        assert!(check_size(&[0; 10]).is_ok());
    }

    #[test]
    fn canonical_rule() {
        let op = op_with(|_| {});
        let mut bytes = op.bytes.clone();
        bytes.push(1);
        assert_eq!(
            check_canonical(&bytes),
            Err(StatelessError::Decode(DecodeError::NotCanonical))
        );
    }

    #[test]
    fn signature_rule() {
        let op = op_with(|_| {});
        let mut bytes = op.bytes.clone();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        assert_eq!(check_stateless(&bytes), Err(StatelessError::BadSignature));
        // A signature by another key does not verify either.
        let mut forged = op.clone();
        forged.sig = SecretKey::from_bytes([1; 32]).sign(op.signed_message());
        assert_eq!(check_signature(&forged), Err(StatelessError::BadSignature));
    }

    #[test]
    fn small_order_author_rule() {
        let mut identity = [0u8; 32];
        identity[0] = 1;
        let op = op_with(|f| f.author = PublicKey(identity));
        assert_eq!(check_author_key(&op), Err(StatelessError::SmallOrderKey));
    }

    #[test]
    fn seq_prev_rule() {
        let op = op_with(|f| f.seq = 0);
        assert_eq!(check_seq_prev(&op), Err(StatelessError::SeqPrevMismatch));
        let op = op_with(|f| f.prev = None);
        assert_eq!(check_seq_prev(&op), Err(StatelessError::SeqPrevMismatch));
    }

    #[test]
    fn deps_rules() {
        let mut many: Vec<Hash> = (0..33u8).map(|i| Hash([i; 32])).collect();
        many.sort();
        let op = op_with(|f| f.deps = many.clone());
        assert_eq!(check_deps(&op), Err(StatelessError::TooManyDeps));
        let op = op_with(|f| f.deps = vec![Hash([2; 32]), Hash([1; 32])]);
        assert_eq!(check_deps(&op), Err(StatelessError::DepsNotSorted));
        let op = op_with(|f| f.deps = vec![Hash([1; 32]), Hash([1; 32])]);
        assert_eq!(check_deps(&op), Err(StatelessError::DepsNotSorted));
        let op = op_with(|f| f.deps = vec![Hash::of(b"p")]);
        assert_eq!(check_deps(&op), Err(StatelessError::DepRepeatsPrev));
        let op = op_with(|f| f.deps = many[..32].to_vec());
        assert_eq!(check_deps(&op), Ok(()));
    }

    #[test]
    fn parent_rule() {
        let op = op_with(|f| {
            f.seq = 0;
            f.prev = None;
        });
        assert_eq!(check_has_parent(&op), Err(StatelessError::NoParents));
    }

    #[test]
    fn genesis_rules() {
        let genesis = |edit: fn(&mut UnsignedOp)| {
            op_with(|f| {
                f.seq = 0;
                f.prev = None;
                f.lamport = 0;
                f.federation = Hash::ZERO;
                f.body = Body::CreateFederation {
                    name: "Kazakhstan".into(),
                };
                edit(f);
            })
        };
        assert_eq!(check_all_but_signature(&genesis(|_| {})), Ok(()));
        assert_eq!(
            check_genesis_shape(&genesis(|f| f.lamport = 1)),
            Err(StatelessError::BadGenesis)
        );
        assert_eq!(
            check_genesis_shape(&genesis(|f| f.federation = Hash([1; 32]))),
            Err(StatelessError::BadGenesis)
        );
        let op = op_with(|f| f.federation = Hash::ZERO);
        assert_eq!(check_genesis_shape(&op), Err(StatelessError::NoFederation));
    }

    #[test]
    fn body_field_rules() {
        let op = op_with(|f| f.body = Body::Profile { name: " ".into() });
        assert_eq!(
            check_body_fields(&op),
            Err(StatelessError::BadField("name"))
        );
        let op = op_with(|f| {
            f.body = Body::Profile {
                name: "x".repeat(MAX_NAME_BYTES + 1),
            }
        });
        assert_eq!(
            check_body_fields(&op),
            Err(StatelessError::BadField("name"))
        );
        let committee = |kind: CommitteeKind, policy: Policy| {
            op_with(|f| {
                f.body = Body::CreateCommittee {
                    name: "c".into(),
                    kind,
                    policy,
                }
            })
        };
        let area = |a: &str| CommitteeKind::Territorial { area: a.into() };
        assert_eq!(
            check_body_fields(&committee(area("Kazakhstan//Aktau"), Policy::default())),
            Err(StatelessError::BadField("area"))
        );
        assert_eq!(
            check_body_fields(&committee(
                area("Kazakhstan"),
                Policy {
                    vouches_required: 0,
                    ..Policy::default()
                }
            )),
            Err(StatelessError::BadField("vouches_required"))
        );
        assert_eq!(
            check_body_fields(&committee(
                area("Kazakhstan"),
                Policy {
                    quorum: Ratio(3, 2),
                    ..Policy::default()
                }
            )),
            Err(StatelessError::BadField("quorum"))
        );
        assert_eq!(
            check_body_fields(&committee(area("Kazakhstan/Aktau"), Policy::default())),
            Ok(())
        );
    }
}
