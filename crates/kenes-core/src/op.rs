//! The signed operation (DESIGN §3) and its one canonical encoding.
//!
//! On the wire an op is the postcard encoding of its fields in order, with
//! the body as a kind number and a length-prefixed payload, and the 64-byte
//! signature last. So:
//! - the signed message is the encoding without its last 64 bytes;
//! - the id is BLAKE3 of the whole encoding;
//! - a decoder re-encodes what it read and rejects any difference, so every
//!   op has exactly one byte form and one id.
//!
//! The envelope (every field but the body's meaning) is the same for all
//! format versions, so an op of an unknown version can still be ordered,
//! stored and forwarded.

use crate::body::Body;
use crate::canonical::encodes_to;
use crate::keys::SecretKey;
use crate::types::{Hash, PublicKey, Signature};
use serde::{Deserialize, Serialize};

/// The op format version this build writes and understands.
pub const VERSION: u8 = 1;
/// Maximum encoded size of one op.
pub const MAX_OP_BYTES: usize = 64 * 1024;
/// Maximum number of deps.
pub const MAX_DEPS: usize = 32;

/// An op before it is signed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnsignedOp {
    /// Format version, 1 for now.
    pub version: u8,
    /// The federation's id (its genesis op id); zero in the genesis op.
    pub federation: Hash,
    /// The author's member key.
    pub author: PublicKey,
    /// Position in the author's own log, from 0.
    pub seq: u64,
    /// The author's previous op; `None` iff `seq == 0`.
    pub prev: Option<Hash>,
    /// Other ops this one follows; sorted, unique, at most 32.
    pub deps: Vec<Hash>,
    /// 1 + the maximum lamport over `prev` and `deps` (0 for the genesis).
    pub lamport: u64,
    /// The author's wall clock in ms since the epoch; advisory.
    pub time: u64,
    /// What the op changes.
    pub body: Body,
}

/// A signed op, with its id and exact bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Op {
    /// The signed fields.
    pub fields: UnsignedOp,
    /// Ed25519 signature over the encoding of `fields`.
    pub sig: Signature,
    /// BLAKE3 of `bytes`.
    pub id: Hash,
    /// The canonical encoding, exactly as stored and sent.
    pub bytes: Vec<u8>,
}

#[derive(Serialize)]
struct WireRef<'a> {
    version: u8,
    federation: &'a Hash,
    author: &'a PublicKey,
    seq: u64,
    prev: &'a Option<Hash>,
    deps: &'a [Hash],
    lamport: u64,
    time: u64,
    kind: u32,
    payload: &'a [u8],
}

/// An op's fields as read, the payload borrowed from the bytes (it is
/// decoded into the body, and copied only for an unknown version).
#[derive(Deserialize)]
struct WireRead<'a> {
    version: u8,
    federation: Hash,
    author: PublicKey,
    seq: u64,
    prev: Option<Hash>,
    deps: Vec<Hash>,
    lamport: u64,
    time: u64,
    kind: u32,
    payload: &'a [u8],
    sig: Signature,
}

/// Why bytes are not an op.
#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone)]
pub enum DecodeError {
    /// Larger than [`MAX_OP_BYTES`].
    #[error("op is {0} bytes, more than the 64 KiB limit")]
    TooLarge(usize),
    /// Not a postcard encoding of an op.
    #[error("op does not decode")]
    Malformed,
    /// Decodes, but is not in the one canonical byte form.
    #[error("op is not canonically encoded")]
    NotCanonical,
    /// A known body kind whose payload is malformed.
    #[error("op body does not decode")]
    BadBody,
}

impl UnsignedOp {
    /// The exact bytes the signature covers.
    pub fn signing_bytes(&self) -> Vec<u8> {
        let (kind, payload) = self.body.to_wire();
        let wire = self.wire(kind, &payload);
        // Room for the signature that follows, so that signing does not
        // move the bytes.
        let room = 128 + 32 * self.deps.len() + payload.len() + 64;
        postcard::to_extend(&wire, Vec::with_capacity(room)).unwrap_or_default()
    }

    /// The envelope as it is encoded, around the body's wire form.
    fn wire<'a>(&'a self, kind: u32, payload: &'a [u8]) -> WireRef<'a> {
        WireRef {
            version: self.version,
            federation: &self.federation,
            author: &self.author,
            seq: self.seq,
            prev: &self.prev,
            deps: &self.deps,
            lamport: self.lamport,
            time: self.time,
            kind,
            payload,
        }
    }

    /// Signs the op with `key` (whose public key must be `author`).
    pub fn sign(self, key: &SecretKey) -> Op {
        let mut bytes = self.signing_bytes();
        let sig = key.sign(&bytes);
        bytes.extend_from_slice(&sig.0);
        Op {
            id: Hash::of(&bytes),
            fields: self,
            sig,
            bytes,
        }
    }
}

/// Reads the fields and signature of `bytes`, without the checks that
/// make the envelope canonical; `trusted` (bytes that decoded strictly
/// before) skips the body's too.
fn parse(bytes: &[u8], trusted: bool) -> Result<(UnsignedOp, Signature), DecodeError> {
    let (wire, rest): (WireRead, _) =
        postcard::take_from_bytes(bytes).map_err(|_| DecodeError::Malformed)?;
    if !rest.is_empty() {
        return Err(DecodeError::NotCanonical);
    }
    let body = if wire.version == VERSION && trusted {
        Body::from_trusted_wire(wire.kind, wire.payload).ok_or(DecodeError::BadBody)?
    } else if wire.version == VERSION {
        Body::from_wire(wire.kind, wire.payload).ok_or(DecodeError::BadBody)?
    } else {
        Body::Unknown {
            kind: wire.kind,
            payload: wire.payload.to_vec(),
        }
    };
    let fields = UnsignedOp {
        version: wire.version,
        federation: wire.federation,
        author: wire.author,
        seq: wire.seq,
        prev: wire.prev,
        deps: wire.deps,
        lamport: wire.lamport,
        time: wire.time,
        body,
    };
    Ok((fields, wire.sig))
}

impl Op {
    /// Decodes `bytes` strictly: size limit, exact postcard form, no
    /// trailing bytes, and a canonical body for known kinds. Signatures are
    /// checked separately (see [`crate::validate`]), so they can be batched.
    pub fn decode(bytes: &[u8]) -> Result<Op, DecodeError> {
        if bytes.len() > MAX_OP_BYTES {
            return Err(DecodeError::TooLarge(bytes.len()));
        }
        let (fields, sig) = parse(bytes, false)?;
        // Canonical iff the fields encode again to every byte before the
        // signature, and the signature is what follows (compared as it is
        // encoded, without building the encoding).
        let (kind, payload) = fields.body.to_wire();
        let signed = bytes.len().checked_sub(64).map(|at| bytes.split_at(at));
        let canonical = signed.is_some_and(|(message, signature)| {
            signature == sig.0 && encodes_to(&fields.wire(kind, &payload), message)
        });
        if !canonical {
            return Err(DecodeError::NotCanonical);
        }
        Ok(Op {
            id: Hash::of(bytes),
            fields,
            sig,
            bytes: bytes.to_vec(),
        })
    }

    /// The bytes the signature covers: all but the trailing signature.
    pub fn signed_message(&self) -> &[u8] {
        &self.bytes[..self.bytes.len() - 64]
    }

    /// The op's parents: `prev` then `deps`.
    pub fn parents(&self) -> impl Iterator<Item = &Hash> {
        self.fields.prev.iter().chain(self.fields.deps.iter())
    }

    /// The key that orders ops totally: `(lamport, id)`.
    pub fn order_key(&self) -> (u64, Hash) {
        (self.fields.lamport, self.id)
    }

    /// True for a genesis op (seq 0 with no parents and a zero federation).
    pub fn is_genesis(&self) -> bool {
        matches!(self.fields.body, Body::CreateFederation { .. }) && self.fields.seq == 0
    }
}

/// Accepted op `id`, decoded again from its bytes: they decoded when the
/// op was accepted, and are never changed since.
pub(crate) fn decode_accepted(id: Hash, bytes: &[u8]) -> Op {
    let (fields, sig) = parse(bytes, true).expect("an accepted op's bytes decode");
    Op {
        id,
        fields,
        sig,
        bytes: bytes.to_vec(),
    }
}

/// An accepted op's body, decoded from its bytes.
pub(crate) fn accepted_body(bytes: &[u8]) -> Body {
    parse(bytes, true)
        .expect("an accepted op's bytes decode")
        .0
        .body
}

/// The genesis op of a new federation named `name`, founded by `key`'s
/// member. The federation's id is this op's id.
pub fn genesis(key: &SecretKey, name: &str, time: u64) -> Op {
    UnsignedOp {
        version: VERSION,
        federation: Hash::ZERO,
        author: key.public(),
        seq: 0,
        prev: None,
        deps: vec![],
        lamport: 0,
        time,
        body: Body::CreateFederation { name: name.into() },
    }
    .sign(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::body::{CommitteeKind, Policy};
    use proptest::prelude::*;

    fn sample(body: Body) -> UnsignedOp {
        UnsignedOp {
            version: VERSION,
            federation: Hash::of(b"fed"),
            author: SecretKey::from_bytes([3; 32]).public(),
            seq: 4,
            prev: Some(Hash::of(b"prev")),
            deps: vec![Hash::of(b"a"), Hash::of(b"b")],
            lamport: 9,
            time: 1_641_081_600_000,
            body,
        }
    }

    #[test]
    fn round_trip_keeps_bytes_and_id() {
        let key = SecretKey::from_bytes([3; 32]);
        let op = sample(Body::CreateCommittee {
            name: "Ozenmunaigas workers".into(),
            kind: CommitteeKind::Production {
                enterprise: "Ozenmunaigas".into(),
                site: "".into(),
                industry: "oil and gas".into(),
                area: "Kazakhstan/Mangystau/Zhanaozen".into(),
            },
            policy: Policy::default(),
        })
        .sign(&key);
        let decoded = Op::decode(&op.bytes).unwrap();
        assert_eq!(decoded, op);
        assert_eq!(decoded.id, Hash::of(&op.bytes));
    }

    #[test]
    fn trailing_bytes_are_not_canonical() {
        let op = sample(Body::Profile { name: "A".into() }).sign(&SecretKey::from_bytes([3; 32]));
        let mut bytes = op.bytes.clone();
        bytes.push(0);
        assert_eq!(Op::decode(&bytes), Err(DecodeError::NotCanonical));
    }

    #[test]
    fn overlong_varint_is_not_canonical() {
        // seq = 4 encoded as the two-byte varint 0x84 0x00 instead of 0x04.
        let op = sample(Body::Profile { name: "A".into() }).sign(&SecretKey::from_bytes([3; 32]));
        let seq_at = 1 + 32 + 32;
        assert_eq!(op.bytes[seq_at], 4);
        let mut bytes = op.bytes[..seq_at].to_vec();
        bytes.extend_from_slice(&[0x84, 0x00]);
        bytes.extend_from_slice(&op.bytes[seq_at + 1..]);
        assert!(Op::decode(&bytes).is_err());
    }

    #[test]
    fn an_overlong_payload_length_is_not_canonical_in_any_version() {
        // The payload is read borrowed from the bytes: its length prefix
        // must still be the one shortest varint, whether the body is known
        // (version 1) or carried as unknown (a later version).
        for version in [VERSION, VERSION + 1] {
            let mut fields = sample(Body::Profile { name: "A".into() });
            fields.version = version;
            let (_, payload) = fields.body.to_wire();
            let op = fields.sign(&SecretKey::from_bytes([3; 32]));
            let len_at = op.bytes.len() - 64 - payload.len() - 1;
            assert_eq!(op.bytes[len_at] as usize, payload.len());
            let mut bytes = op.bytes[..len_at].to_vec();
            bytes.extend_from_slice(&[0x80 | payload.len() as u8, 0x00]);
            bytes.extend_from_slice(&op.bytes[len_at + 1..]);
            assert_eq!(
                Op::decode(&bytes),
                Err(DecodeError::NotCanonical),
                "version {version}"
            );
            assert!(Op::decode(&op.bytes).is_ok());
        }
    }

    #[test]
    fn oversized_ops_are_refused_before_decoding() {
        assert_eq!(
            Op::decode(&vec![0; MAX_OP_BYTES + 1]),
            Err(DecodeError::TooLarge(MAX_OP_BYTES + 1))
        );
    }

    #[test]
    fn unknown_kinds_and_versions_survive_a_round_trip() {
        let key = SecretKey::from_bytes([3; 32]);
        let op = sample(Body::Unknown {
            kind: 999,
            payload: vec![1, 2, 3],
        })
        .sign(&key);
        assert_eq!(Op::decode(&op.bytes).unwrap(), op);
        let mut future = sample(Body::Unknown {
            kind: 0,
            payload: vec![42],
        });
        future.version = 2;
        let op = future.sign(&key);
        assert_eq!(Op::decode(&op.bytes).unwrap(), op);
        // A resident op decodes again from its bytes, whatever the version.
        assert_eq!(decode_accepted(op.id, &op.bytes), op);
    }

    #[test]
    fn malformed_known_body_is_refused() {
        let key = SecretKey::from_bytes([3; 32]);
        let op = sample(Body::Unknown {
            kind: crate::body::kind::JOIN,
            payload: vec![1, 2, 3],
        })
        .sign(&key);
        assert_eq!(Op::decode(&op.bytes), Err(DecodeError::BadBody));
    }

    fn arb_hash() -> impl Strategy<Value = Hash> {
        any::<[u8; 32]>().prop_map(Hash)
    }

    fn arb_body() -> impl Strategy<Value = Body> {
        prop_oneof![
            ".{0,40}".prop_map(|name| Body::Profile { name }),
            ".{0,40}".prop_map(|name| Body::CreateFederation { name }),
            (".{0,20}", ".{0,20}", 1u32..10, any::<bool>()).prop_map(|(name, area, v, c)| {
                Body::CreateCommittee {
                    name,
                    kind: CommitteeKind::Territorial { area },
                    policy: Policy {
                        vouches_required: v,
                        consensus: c,
                        ..Policy::default()
                    },
                }
            }),
            (arb_hash(), any::<[u8; 32]>()).prop_map(|(committee, c)| Body::Vouch {
                committee,
                candidate: PublicKey(c)
            }),
            arb_hash().prop_map(|committee| Body::Join { committee }),
            arb_hash().prop_map(|committee| Body::Leave { committee }),
            (
                // Kinds no build knows yet: past the sealed twins (256 + k)
                // of the known ones.
                prop_oneof![100u32..256, 512u32..10_000],
                proptest::collection::vec(any::<u8>(), 0..64)
            )
                .prop_map(|(kind, payload)| Body::Unknown { kind, payload }),
        ]
    }

    proptest! {
        #[test]
        fn every_op_round_trips(
            seq in any::<u64>(),
            lamport in any::<u64>(),
            time in any::<u64>(),
            prev in proptest::option::of(arb_hash()),
            deps in proptest::collection::vec(arb_hash(), 0..5),
            body in arb_body(),
        ) {
            let key = SecretKey::from_bytes([5; 32]);
            let op = UnsignedOp {
                version: VERSION,
                federation: Hash::of(b"f"),
                author: key.public(),
                seq, prev, deps, lamport, time, body,
            }.sign(&key);
            let decoded = Op::decode(&op.bytes).unwrap();
            prop_assert_eq!(&decoded, &op);
            prop_assert!(crate::keys::verify(&op.fields.author, op.signed_message(), &op.sig));
            prop_assert_eq!(&decode_accepted(op.id, &op.bytes), &op);
            prop_assert_eq!(accepted_body(&op.bytes), op.fields.body.clone());
        }

        #[test]
        fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = Op::decode(&bytes);
        }
    }
}
