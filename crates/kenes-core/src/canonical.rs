//! The canonical-form check of decoded wire values, without allocation.
//!
//! Every op has exactly one byte form (DESIGN §3): a decoder encodes what
//! it read again and rejects any difference. Encoding into a fresh vector
//! and comparing costs allocations on every op that arrives or is read
//! back; [`encodes_to`] instead feeds the encoder's output straight into a
//! comparison with the bytes that were read, and stops at the first
//! difference. postcard has no such flavor of its own.

use postcard::ser_flavors::Flavor;
use serde::Serialize;

/// Encodes `value` (a plain struct, whose encoding cannot fail).
pub(crate) fn encode<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    // Most payloads fit: one allocation instead of a doubling series.
    postcard::to_extend(value, Vec::with_capacity(128)).unwrap_or_default()
}

/// True iff encoding `value` gives exactly `expected`.
pub(crate) fn encodes_to<T: Serialize + ?Sized>(value: &T, expected: &[u8]) -> bool {
    postcard::serialize_with_flavor(value, Matches { expected, at: 0 }).unwrap_or(false)
}

/// A postcard output that compares instead of storing.
struct Matches<'a> {
    expected: &'a [u8],
    at: usize,
}

impl Flavor for Matches<'_> {
    /// Whether the encoding ended exactly where `expected` does.
    type Output = bool;

    fn try_extend(&mut self, data: &[u8]) -> postcard::Result<()> {
        let end = self.at + data.len();
        if self.expected.get(self.at..end) != Some(data) {
            // Any error stops the encoder; `encodes_to` reads it as false.
            return Err(postcard::Error::SerializeBufferFull);
        }
        self.at = end;
        Ok(())
    }

    fn try_push(&mut self, byte: u8) -> postcard::Result<()> {
        self.try_extend(&[byte])
    }

    fn finalize(self) -> postcard::Result<bool> {
        Ok(self.at == self.expected.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Sample {
        name: String,
        n: u64,
        list: Vec<u32>,
    }

    #[test]
    fn encodes_to_agrees_with_encoding_and_comparing() {
        let value = Sample {
            name: "Zhanaozen".into(),
            n: 300,
            list: vec![1, 70_000],
        };
        let bytes = encode(&value);
        assert!(encodes_to(&value, &bytes));
        // Longer, shorter, or one byte different: not its encoding.
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(!encodes_to(&value, &longer));
        assert!(!encodes_to(&value, &bytes[..bytes.len() - 1]));
        for i in 0..bytes.len() {
            let mut changed = bytes.clone();
            changed[i] ^= 1;
            assert!(!encodes_to(&value, &changed), "byte {i} changed");
        }
        assert!(!encodes_to(&value, &[]));
    }
}
