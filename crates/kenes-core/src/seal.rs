//! Sealing committee content (DESIGN §7, docs/DESIGN.md "Sealing"): member
//! encryption keys, committee epoch keys sealed to members with HPKE, and
//! texts sealed under an epoch key.
//!
//! - A member's encryption key is X25519, separate from their Ed25519
//!   signing key so that it can be rotated; its public half is published
//!   in an [`crate::Body::EncryptionKey`] op.
//! - An epoch key is 32 random bytes. A [`crate::Body::Rekey`] op starts an
//!   epoch (its id is the op's id) and seals the key to each member with
//!   HPKE (RFC 9180 base mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256,
//!   ChaCha20-Poly1305); a [`crate::Body::ShareEpoch`] op seals an existing
//!   epoch's key to more members.
//! - A sealed text is XChaCha20-Poly1305 under an epoch key, with the
//!   committee, the author and the slot it fills bound as associated data,
//!   so nobody can lift it into another op and pass it off as theirs.
//!
//! Nothing here is read by the fold: it carries sealed boxes and texts as
//! opaque bytes, and only views open them.

use crate::types::{Hash, PublicKey};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hpke::{Deserializable, Kem as _, OpModeR, OpModeS, Serializable};
use rand_core::{OsRng, RngCore};
use serde::{Deserialize, Serialize};

type Kem = hpke::kem::X25519HkdfSha256;
type Kdf = hpke::kdf::HkdfSha256;
type BoxAead = hpke::aead::ChaCha20Poly1305;

/// Bytes of an HPKE-sealed epoch key: 32 bytes of key and a 16-byte tag.
pub const KEY_BOX_BYTES: usize = 32 + 16;
/// Bytes of an AEAD tag on a sealed text.
pub const TEXT_TAG_BYTES: usize = 16;

/// A member's public X25519 encryption key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct EncryptionKey(pub [u8; 32]);

impl EncryptionKey {
    /// Whether this X25519 key has small order (on the curve or its
    /// twist): every Diffie-Hellman with it gives the all-zero secret,
    /// which HPKE refuses, so nothing can ever be sealed to it. A member
    /// who published one would look keyed yet hold no box, and their
    /// committee would write clear (issue 14). A clamped scalar is a
    /// multiple of the cofactor 8, so it takes exactly the small-order
    /// points to zero, whichever scalar is used.
    pub fn is_small_order(&self) -> bool {
        const ANY_SCALAR: [u8; 32] = [0x5a; 32];
        curve25519_dalek::montgomery::MontgomeryPoint(self.0)
            .mul_clamped(ANY_SCALAR)
            .to_bytes()
            == [0; 32]
    }
}

/// A member's secret X25519 encryption key, kept as the 32 bytes of keying
/// material HPKE derives the key pair from (RFC 9180 `DeriveKeyPair`).
#[derive(Clone)]
pub struct EncryptionSecret([u8; 32]);

impl EncryptionSecret {
    /// A fresh secret from the operating system's random source.
    pub fn generate() -> EncryptionSecret {
        let mut ikm = [0u8; 32];
        OsRng.fill_bytes(&mut ikm);
        EncryptionSecret(ikm)
    }

    /// The secret from its 32 bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> EncryptionSecret {
        EncryptionSecret(bytes)
    }

    /// Its 32 bytes, for the key file.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0
    }

    fn pair(
        &self,
    ) -> (
        <Kem as hpke::Kem>::PrivateKey,
        <Kem as hpke::Kem>::PublicKey,
    ) {
        Kem::derive_keypair(&self.0)
    }

    /// The matching public key.
    pub fn public(&self) -> EncryptionKey {
        let mut out = [0u8; 32];
        out.copy_from_slice(&self.pair().1.to_bytes());
        EncryptionKey(out)
    }
}

impl std::fmt::Debug for EncryptionSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "EncryptionSecret(for {})",
            hex::encode(&self.public().0[..4])
        )
    }
}

/// An epoch key sealed to one member.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct KeyBox {
    /// The member it is for (their signing key, which names them).
    pub member: PublicKey,
    /// The HPKE encapsulated key.
    pub enc: [u8; 32],
    /// The sealed epoch key ([`KEY_BOX_BYTES`] bytes).
    pub ciphertext: Vec<u8>,
}

/// A committee epoch's symmetric key.
#[derive(Clone, PartialEq, Eq)]
pub struct EpochKey([u8; 32]);

impl std::fmt::Debug for EpochKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EpochKey(..)")
    }
}

/// HPKE `info` for a box: the committee and the member it is for, so a
/// box cannot be replayed into another committee or to another member.
fn box_info(committee: &Hash, member: &PublicKey) -> Vec<u8> {
    let mut info = b"kenes/epoch-key/v1".to_vec();
    info.extend_from_slice(&committee.0);
    info.extend_from_slice(&member.0);
    info
}

impl EpochKey {
    /// A fresh random key.
    pub fn generate() -> EpochKey {
        let mut key = [0u8; 32];
        OsRng.fill_bytes(&mut key);
        EpochKey(key)
    }

    /// Seals this key to `member`, whose published encryption key is
    /// `to`, for `committee`. `None` if `to` is no usable X25519 key.
    pub fn seal_to(
        &self,
        committee: &Hash,
        member: PublicKey,
        to: &EncryptionKey,
    ) -> Option<KeyBox> {
        let recipient = <Kem as hpke::Kem>::PublicKey::from_bytes(&to.0).ok()?;
        let (enc, ciphertext) = hpke::single_shot_seal::<BoxAead, Kdf, Kem, _>(
            &OpModeS::Base,
            &recipient,
            &box_info(committee, &member),
            &self.0,
            b"",
            &mut OsRng,
        )
        .ok()?;
        let mut enc_bytes = [0u8; 32];
        enc_bytes.copy_from_slice(&enc.to_bytes());
        Some(KeyBox {
            member,
            enc: enc_bytes,
            ciphertext,
        })
    }

    /// Opens `sealed` with `secret`; `None` if it was not sealed to it.
    pub fn open(committee: &Hash, sealed: &KeyBox, secret: &EncryptionSecret) -> Option<EpochKey> {
        let enc = <Kem as hpke::Kem>::EncappedKey::from_bytes(&sealed.enc).ok()?;
        let plain = hpke::single_shot_open::<BoxAead, Kdf, Kem>(
            &OpModeR::Base,
            &secret.pair().0,
            &enc,
            &box_info(committee, &sealed.member),
            &sealed.ciphertext,
            b"",
        )
        .ok()?;
        Some(EpochKey(plain.try_into().ok()?))
    }
}

/// HPKE `info` of a file key's boxes.
const FILE_KEY_INFO: &[u8] = b"kenes/file-key/v1";

/// The one-off key of a sealed file (a bundle or frontier carried by hand,
/// DESIGN §7b): 32 random bytes, sealed with HPKE to each recipient's
/// encryption key, boxes that name nobody.
#[derive(Clone, PartialEq, Eq)]
pub struct FileKey([u8; 32]);

impl std::fmt::Debug for FileKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FileKey(..)")
    }
}

impl FileKey {
    /// A fresh random key.
    pub fn generate() -> FileKey {
        let mut key = [0u8; 32];
        OsRng.fill_bytes(&mut key);
        FileKey(key)
    }

    /// Its bytes, to key the file's cipher.
    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Seals this key to `to`: the encapsulated key and [`KEY_BOX_BYTES`]
    /// of ciphertext. `None` if `to` is no usable X25519 key.
    pub fn seal_to(&self, to: &EncryptionKey) -> Option<([u8; 32], Vec<u8>)> {
        let recipient = <Kem as hpke::Kem>::PublicKey::from_bytes(&to.0).ok()?;
        let (enc, ciphertext) = hpke::single_shot_seal::<BoxAead, Kdf, Kem, _>(
            &OpModeS::Base,
            &recipient,
            FILE_KEY_INFO,
            &self.0,
            b"",
            &mut OsRng,
        )
        .ok()?;
        let mut enc_bytes = [0u8; 32];
        enc_bytes.copy_from_slice(&enc.to_bytes());
        Some((enc_bytes, ciphertext))
    }

    /// Opens a box with `secret`; `None` if it was not sealed to it.
    pub fn open(enc: &[u8; 32], ciphertext: &[u8], secret: &EncryptionSecret) -> Option<FileKey> {
        let enc = <Kem as hpke::Kem>::EncappedKey::from_bytes(enc).ok()?;
        let plain = hpke::single_shot_open::<BoxAead, Kdf, Kem>(
            &OpModeR::Base,
            &secret.pair().0,
            &enc,
            FILE_KEY_INFO,
            ciphertext,
            b"",
        )
        .ok()?;
        Some(FileKey(plain.try_into().ok()?))
    }
}

/// Where a sealed text sits: bound into its ciphertext as associated data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot {
    /// The committee it is sealed to.
    pub committee: Hash,
    /// Who wrote it (the op's author).
    pub author: PublicKey,
    /// Which text of which kind of op: see [`Slot::PROPOSAL_TITLE`] and
    /// its siblings.
    pub field: u32,
}

impl Slot {
    /// A proposal's title.
    pub const PROPOSAL_TITLE: u32 = 1;
    /// A proposal's text, as proposed or revised.
    pub const PROPOSAL_TEXT: u32 = 2;
    /// A discussion post's text (thread, comment, suggestion, edit,
    /// announcement).
    pub const POST_TEXT: u32 = 3;
    /// A discussion thread's title.
    pub const THREAD_TITLE: u32 = 4;
    /// An action report's text, or an update's, marked "committee only".
    pub const REPORT_TEXT: u32 = 5;
    /// A member's display name, sealed to one of their committees.
    pub const DISPLAY_NAME: u32 = 6;

    fn associated_data(&self, epoch: &Hash) -> Vec<u8> {
        let mut ad = b"kenes/sealed-text/v1".to_vec();
        ad.extend_from_slice(&self.committee.0);
        ad.extend_from_slice(&epoch.0);
        ad.extend_from_slice(&self.author.0);
        ad.extend_from_slice(&self.field.to_le_bytes());
        ad
    }
}

/// A text sealed to a committee epoch.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SealedText {
    /// The epoch: the id of the `Rekey` op that started it.
    pub epoch: Hash,
    /// XChaCha20-Poly1305 nonce.
    pub nonce: [u8; 24],
    /// The ciphertext with its tag.
    pub ciphertext: Vec<u8>,
}

impl SealedText {
    /// Seals `plain` under `key` of `epoch`, bound to `slot`.
    pub fn seal(key: &EpochKey, epoch: Hash, slot: &Slot, plain: &str) -> SealedText {
        let mut nonce = [0u8; 24];
        OsRng.fill_bytes(&mut nonce);
        let ciphertext = XChaCha20Poly1305::new((&key.0).into())
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plain.as_bytes(),
                    aad: &slot.associated_data(&epoch),
                },
            )
            // Encryption of an in-memory buffer under a valid key and a
            // 24-byte nonce does not fail.
            .unwrap_or_default();
        SealedText {
            epoch,
            nonce,
            ciphertext,
        }
    }

    /// Opens the text with `key`; `None` if the key, the slot or the bytes
    /// do not match.
    pub fn open(&self, key: &EpochKey, slot: &Slot) -> Option<String> {
        let plain = XChaCha20Poly1305::new((&key.0).into())
            .decrypt(
                XNonce::from_slice(&self.nonce),
                Payload {
                    msg: &self.ciphertext,
                    aad: &slot.associated_data(&self.epoch),
                },
            )
            .ok()?;
        String::from_utf8(plain).ok()
    }

    /// The length of the plain text it holds.
    pub fn plain_len(&self) -> usize {
        self.ciphertext.len().saturating_sub(TEXT_TAG_BYTES)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SecretKey;

    #[test]
    fn an_epoch_key_opens_only_for_the_member_it_was_sealed_to() {
        let committee = Hash::of(b"committee");
        let (alice, bob) = (
            SecretKey::generate().public(),
            SecretKey::generate().public(),
        );
        let (alice_secret, bob_secret) =
            (EncryptionSecret::generate(), EncryptionSecret::generate());
        let key = EpochKey::generate();
        let sealed = key
            .seal_to(&committee, alice, &alice_secret.public())
            .unwrap();
        assert_eq!(sealed.ciphertext.len(), KEY_BOX_BYTES);
        assert_eq!(
            EpochKey::open(&committee, &sealed, &alice_secret),
            Some(key.clone())
        );
        assert_eq!(EpochKey::open(&committee, &sealed, &bob_secret), None);
        // Replayed into another committee, or relabelled for Bob, it opens
        // for nobody.
        assert_eq!(
            EpochKey::open(&Hash::of(b"other"), &sealed, &alice_secret),
            None
        );
        let relabelled = KeyBox {
            member: bob,
            ..sealed
        };
        assert_eq!(EpochKey::open(&committee, &relabelled, &alice_secret), None);
    }

    #[test]
    fn a_rekey_to_the_most_readers_fits_in_one_op_with_the_most_deps() {
        let author = SecretKey::generate();
        let committee = Hash::of(b"committee");
        let key = EpochKey::generate();
        let boxes: Vec<KeyBox> = (0..crate::keyring::MAX_SEALED_READERS)
            .map(|_| {
                let member = SecretKey::generate().public();
                key.seal_to(&committee, member, &EncryptionSecret::generate().public())
                    .unwrap()
            })
            .collect();
        let op = crate::op::UnsignedOp {
            version: 1,
            federation: Hash::of(b"federation"),
            author: author.public(),
            seq: u64::MAX,
            prev: Some(Hash::of(b"prev")),
            deps: (0..crate::op::MAX_DEPS as u64)
                .map(|i| Hash::of(&i.to_le_bytes()))
                .collect(),
            lamport: u64::MAX,
            time: u64::MAX,
            body: crate::Body::Rekey { committee, boxes },
        }
        .sign(&author);
        assert!(
            op.bytes.len() <= crate::op::MAX_OP_BYTES,
            "{} bytes",
            op.bytes.len()
        );
        assert!(crate::Op::decode(&op.bytes).is_ok());
    }

    #[test]
    fn a_sealed_text_opens_only_with_its_key_and_in_its_slot() {
        let key = EpochKey::generate();
        let epoch = Hash::of(b"epoch");
        let slot = Slot {
            committee: Hash::of(b"c"),
            author: SecretKey::generate().public(),
            field: Slot::PROPOSAL_TEXT,
        };
        let sealed = SealedText::seal(&key, epoch, &slot, "strike on Monday");
        assert!(!sealed.ciphertext.windows(6).any(|w| w == b"strike"));
        assert_eq!(sealed.plain_len(), "strike on Monday".len());
        assert_eq!(
            sealed.open(&key, &slot).as_deref(),
            Some("strike on Monday")
        );
        assert_eq!(sealed.open(&EpochKey::generate(), &slot), None);
        let moved = Slot {
            field: Slot::PROPOSAL_TITLE,
            ..slot
        };
        assert_eq!(sealed.open(&key, &moved), None);
        let mut tampered = sealed.clone();
        tampered.ciphertext[0] ^= 1;
        assert_eq!(tampered.open(&key, &slot), None);
    }

    #[test]
    fn the_public_key_is_a_function_of_the_secret() {
        let secret = EncryptionSecret::generate();
        let again = EncryptionSecret::from_bytes(secret.to_bytes());
        assert_eq!(secret.public(), again.public());
        assert_ne!(secret.public(), EncryptionSecret::generate().public());
    }
}
