//! Fixed-size byte types shared by every op: hashes, public keys, signatures.
//!
//! They serialise as plain byte tuples (no length prefix) so that the
//! postcard encoding of an op has exactly one form.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// Why a hex string could not be read as a fixed-size value.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum HexError {
    /// The text is not hexadecimal.
    #[error("not hexadecimal")]
    NotHex,
    /// The text has the wrong number of digits.
    #[error("expected {expected} hex digits, got {got}")]
    WrongLength {
        /// digits expected
        expected: usize,
        /// digits given
        got: usize,
    },
}

fn parse_hex<const N: usize>(text: &str) -> Result<[u8; N], HexError> {
    let text = text.trim();
    if text.len() != 2 * N {
        return Err(HexError::WrongLength {
            expected: 2 * N,
            got: text.len(),
        });
    }
    let mut out = [0u8; N];
    hex::decode_to_slice(text, &mut out).map_err(|_| HexError::NotHex)?;
    Ok(out)
}

macro_rules! byte_array_type {
    ($(#[$doc:meta])* $name:ident, $len:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub [u8; $len]);

        impl $name {
            /// The raw bytes.
            pub fn as_bytes(&self) -> &[u8; $len] {
                &self.0
            }
            /// Lowercase hex text.
            pub fn to_hex(&self) -> String {
                hex::encode(self.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&hex::encode(self.0))
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({}…)", stringify!($name), &hex::encode(&self.0[..4]))
            }
        }

        impl FromStr for $name {
            type Err = HexError;
            fn from_str(s: &str) -> Result<Self, HexError> {
                parse_hex::<$len>(s).map($name)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeTuple;
                // JSON and other text formats get hex; binary formats
                // (postcard) get the plain bytes.
                if serializer.is_human_readable() {
                    return serializer.serialize_str(&self.to_hex());
                }
                let mut tuple = serializer.serialize_tuple($len)?;
                for byte in &self.0 {
                    tuple.serialize_element(byte)?;
                }
                tuple.end()
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct ArrayVisitor;
                impl<'de> serde::de::Visitor<'de> for ArrayVisitor {
                    type Value = [u8; $len];
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        write!(f, "{} bytes", $len)
                    }
                    fn visit_seq<A: serde::de::SeqAccess<'de>>(
                        self,
                        mut seq: A,
                    ) -> Result<Self::Value, A::Error> {
                        let mut out = [0u8; $len];
                        for (i, slot) in out.iter_mut().enumerate() {
                            *slot = seq
                                .next_element()?
                                .ok_or_else(|| serde::de::Error::invalid_length(i, &self))?;
                        }
                        Ok(out)
                    }
                }
                if deserializer.is_human_readable() {
                    let text = String::deserialize(deserializer)?;
                    return text.parse().map_err(serde::de::Error::custom);
                }
                deserializer.deserialize_tuple($len, ArrayVisitor).map($name)
            }
        }
    };
}

byte_array_type!(
    /// A BLAKE3 hash: op ids, federation ids, committee ids.
    Hash,
    32
);
byte_array_type!(
    /// An Ed25519 public key: a member's identity.
    PublicKey,
    32
);
byte_array_type!(
    /// An Ed25519 signature.
    Signature,
    64
);

impl Hash {
    /// The all-zero hash, used as the federation field of a genesis op.
    pub const ZERO: Hash = Hash([0; 32]);

    /// BLAKE3 of `bytes`.
    pub fn of(bytes: &[u8]) -> Hash {
        Hash(*blake3::hash(bytes).as_bytes())
    }

    /// The first eight hex digits, for terminal output.
    pub fn short(&self) -> String {
        hex::encode(&self.0[..4])
    }
}

impl PublicKey {
    /// The first eight hex digits, for terminal output.
    pub fn short(&self) -> String {
        hex::encode(&self.0[..4])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip_and_errors() {
        let hash = Hash::of(b"kenes");
        assert_eq!(hash.to_hex().parse::<Hash>().unwrap(), hash);
        assert_eq!(
            "abc".parse::<Hash>(),
            Err(HexError::WrongLength {
                expected: 64,
                got: 3
            })
        );
        assert_eq!("zz".repeat(32).parse::<Hash>(), Err(HexError::NotHex));
    }

    #[test]
    fn arrays_encode_without_length_prefix() {
        let sig = Signature([7; 64]);
        let bytes = postcard::to_allocvec(&sig).unwrap();
        assert_eq!(bytes.len(), 64);
        assert_eq!(postcard::from_bytes::<Signature>(&bytes).unwrap(), sig);
    }
}
