//! Member keys: Ed25519 signing with `ed25519-zebra` (ZIP-215 rules), and
//! the small-order check that ZIP-215 itself leaves to the application.
//!
//! ZIP-215 makes single and batch verification agree on every input, which
//! every replica needs to decide validity identically. It also accepts
//! small-order public keys, for which anyone can forge signatures, so
//! [`is_small_order`] rejects them before any signature is looked at.

use crate::types::{PublicKey, Signature};
use curve25519_dalek::edwards::CompressedEdwardsY;
use ed25519_zebra::{SigningKey, VerificationKey, VerificationKeyBytes};
use rand_core::OsRng;

/// A member's secret signing key. It never leaves the key file unencrypted
/// unless the user chose no passphrase.
#[derive(Clone)]
pub struct SecretKey(SigningKey);

impl SecretKey {
    /// A fresh key from the operating system's random source.
    pub fn generate() -> SecretKey {
        SecretKey(SigningKey::new(OsRng))
    }

    /// The key from its 32 secret bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> SecretKey {
        SecretKey(SigningKey::from(bytes))
    }

    /// The 32 secret bytes.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.into()
    }

    /// The matching public key.
    pub fn public(&self) -> PublicKey {
        let bytes: VerificationKeyBytes = VerificationKeyBytes::from(&self.0);
        PublicKey(bytes.into())
    }

    /// Signs `message`.
    pub fn sign(&self, message: &[u8]) -> Signature {
        Signature(self.0.sign(message).to_bytes())
    }
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretKey(for {})", self.public().short())
    }
}

/// True when `key` decodes to a point of small order (or does not decode at
/// all). Signatures under such keys can be forged by anyone.
///
/// Non-canonical encodings of small-order points are caught too, because
/// decompression reduces the y coordinate the same way ZIP-215 does.
pub fn is_small_order(key: &PublicKey) -> bool {
    match CompressedEdwardsY(key.0).decompress() {
        Some(point) => point.is_small_order(),
        None => true,
    }
}

/// Verifies one signature under ZIP-215 rules.
pub fn verify(key: &PublicKey, message: &[u8], signature: &Signature) -> bool {
    let Ok(vk) = VerificationKey::try_from(key.0) else {
        return false;
    };
    vk.verify(&ed25519_zebra::Signature::from_bytes(&signature.0), message)
        .is_ok()
}

/// Verifies many signatures at once. Returns, for each item, whether it is
/// valid. A batch that fails as a whole is re-checked one by one to find the
/// culprits; ZIP-215 guarantees both paths agree.
pub fn verify_many(items: &[(PublicKey, &[u8], Signature)]) -> Vec<bool> {
    let mut verifier = ed25519_zebra::batch::Verifier::new();
    for (key, message, signature) in items {
        verifier.queue((
            VerificationKeyBytes::from(key.0),
            ed25519_zebra::Signature::from_bytes(&signature.0),
            message,
        ));
    }
    if verifier.verify(OsRng).is_ok() {
        return vec![true; items.len()];
    }
    items
        .iter()
        .map(|(key, message, signature)| verify(key, message, signature))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_and_verify_single_and_batch() {
        let key = SecretKey::generate();
        let sig = key.sign(b"hello");
        assert!(verify(&key.public(), b"hello", &sig));
        assert!(!verify(&key.public(), b"hullo", &sig));
        let items = vec![
            (key.public(), &b"hello"[..], sig),
            (key.public(), &b"hullo"[..], sig),
        ];
        assert_eq!(verify_many(&items), vec![true, false]);
        assert_eq!(verify_many(&items[..1]), vec![true]);
    }

    #[test]
    fn small_order_keys_are_detected() {
        // The identity point (y = 1) has order 1.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert!(is_small_order(&PublicKey(identity)));
        // A non-canonical encoding of the identity: y = p + 1.
        let mut non_canonical = [0xffu8; 32];
        non_canonical[0] = 0xee;
        non_canonical[31] = 0x7f;
        assert!(is_small_order(&PublicKey(non_canonical)));
        // The point of order 2 (y = -1).
        let mut order_two = [0xffu8; 32];
        order_two[0] = 0xec;
        order_two[31] = 0x7f;
        assert!(is_small_order(&PublicKey(order_two)));
        assert!(!is_small_order(&SecretKey::generate().public()));
    }

    #[test]
    fn forged_signature_under_identity_key_would_verify_under_zip215() {
        // Why the small-order check exists: with the identity as the key and
        // R = identity, s = 0, ZIP-215 accepts the signature for any message.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        let mut sig = [0u8; 64];
        sig[0] = 1;
        assert!(verify(&PublicKey(identity), b"anything", &Signature(sig)));
    }
}
