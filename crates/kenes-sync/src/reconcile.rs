//! Range-based set reconciliation, wire-compatible with negentropy
//! protocol v1 (version byte `0x61`, 32-byte ids, 16-byte SHA-256
//! fingerprints of the modular sum of ids and their count).
//!
//! Sans-IO: the initiator calls [`Reconciler::initiate`], sends the bytes,
//! and feeds every reply to [`Reconciler::reconcile`], which returns the ids
//! it has that the peer lacks (`have`), the ids it needs (`need`), and the
//! next message, or `None` when the sets are reconciled. The other side
//! answers each message with [`Reconciler::respond`]. Every input is
//! treated as hostile: lengths are checked before anything is allocated,
//! and malformed messages are errors, never panics.
//!
//! Written from the protocol description; the `negentropy` crate is used
//! only in tests, as an oracle on both sides of the wire.

use crate::index::SyncIndex;

/// The protocol version byte this build speaks.
pub const PROTOCOL_VERSION: u8 = 0x61;
/// A range is split into this many buckets...
const BUCKETS: usize = 16;
/// ...unless it holds fewer items than this, when its ids are listed.
const LIST_BELOW: usize = 2 * BUCKETS;
/// Largest message this side accepts.
pub const MAX_MESSAGE_BYTES: usize = 96 * 1024 * 1024;

/// Why a message could not be processed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SyncError {
    /// The message ended in the middle of a field.
    #[error("reconciliation message is truncated")]
    Truncated,
    /// A varint longer than 64 bits, or a timestamp that overflows.
    #[error("reconciliation message has an oversized number")]
    Overflow,
    /// An empty message, or a version byte outside 0x60..=0x6F.
    #[error("not a reconciliation message")]
    NotReconciliation,
    /// The peer speaks another version of the protocol.
    #[error("peer speaks reconciliation protocol version {0:#x}, this node {PROTOCOL_VERSION:#x}")]
    UnsupportedVersion(u8),
    /// A mode this version does not know.
    #[error("unknown range mode {0}")]
    UnknownMode(u64),
    /// An id prefix longer than an id.
    #[error("bound prefix is longer than an id")]
    BadBound,
    /// Larger than [`MAX_MESSAGE_BYTES`].
    #[error("reconciliation message is too large")]
    TooLarge,
    /// `reconcile` before `initiate`, or `respond` after it.
    #[error("wrong side of the protocol")]
    WrongSide,
}

/// The protocol's varint: base 128, most significant digit first.
pub fn varint(n: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(10);
    push_varint(&mut out, n);
    out
}

/// Appends `n` as a varint without allocating.
pub fn push_varint(out: &mut Vec<u8>, n: u64) {
    let mut digits = [0u8; 10];
    let mut at = digits.len() - 1;
    digits[at] = (n & 0x7f) as u8;
    let mut rest = n >> 7;
    while rest > 0 {
        at -= 1;
        digits[at] = ((rest & 0x7f) as u8) | 0x80;
        rest >>= 7;
    }
    out.extend_from_slice(&digits[at..]);
}

type Bound = (u64, [u8; 32]);
const INFINITY: u64 = u64::MAX;

struct Reader<'m> {
    bytes: &'m [u8],
    last_timestamp: u64,
}

impl<'m> Reader<'m> {
    fn take(&mut self, n: usize) -> Result<&'m [u8], SyncError> {
        if self.bytes.len() < n {
            return Err(SyncError::Truncated);
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }

    fn varint(&mut self) -> Result<u64, SyncError> {
        let mut n: u64 = 0;
        for _ in 0..10 {
            let byte = self.take(1)?[0];
            n = n.checked_mul(128).ok_or(SyncError::Overflow)? | u64::from(byte & 0x7f);
            if byte & 0x80 == 0 {
                return Ok(n);
            }
        }
        Err(SyncError::Overflow)
    }

    fn bound(&mut self) -> Result<Bound, SyncError> {
        let encoded = self.varint()?;
        let timestamp = if encoded == 0 {
            INFINITY
        } else {
            let t = self
                .last_timestamp
                .checked_add(encoded - 1)
                .ok_or(SyncError::Overflow)?;
            self.last_timestamp = t;
            t
        };
        let len = self.varint()?;
        if len > 32 {
            return Err(SyncError::BadBound);
        }
        let mut id = [0u8; 32];
        id[..len as usize].copy_from_slice(self.take(len as usize)?);
        Ok((timestamp, id))
    }
}

struct Writer {
    bytes: Vec<u8>,
    last_timestamp: u64,
}

impl Writer {
    fn new() -> Writer {
        Writer {
            bytes: vec![PROTOCOL_VERSION],
            last_timestamp: 0,
        }
    }

    fn bound(&mut self, timestamp: u64, prefix: &[u8]) {
        if timestamp == INFINITY {
            push_varint(&mut self.bytes, 0);
            self.last_timestamp = INFINITY;
        } else {
            self.bytes
                .extend(varint(timestamp.saturating_sub(self.last_timestamp) + 1));
            self.last_timestamp = timestamp;
        }
        push_varint(&mut self.bytes, prefix.len() as u64);
        self.bytes.extend_from_slice(prefix);
    }

    fn full_bound(&mut self, bound: &Bound) {
        // Trailing zero bytes of a received bound carry no information.
        let len = 32 - bound.1.iter().rev().take_while(|b| **b == 0).count();
        self.bound(bound.0, &bound.1[..len]);
    }
}

/// One side of a reconciliation session over a sealed [`SyncIndex`].
pub struct Reconciler<'a> {
    index: &'a SyncIndex,
    initiator: bool,
}

impl<'a> Reconciler<'a> {
    /// A session over `index`, which must be sealed.
    pub fn new(index: &'a SyncIndex) -> Reconciler<'a> {
        Reconciler {
            index,
            initiator: false,
        }
    }

    /// The initiator's side of a session whose first message was already
    /// sent (the reconciler keeps no other state between rounds).
    pub fn resume_as_initiator(index: &'a SyncIndex) -> Reconciler<'a> {
        Reconciler {
            index,
            initiator: true,
        }
    }

    /// The initiator's first message, covering everything.
    pub fn initiate(&mut self) -> Vec<u8> {
        self.initiator = true;
        let mut out = Writer::new();
        self.split(&mut out, 0, self.index.len(), &(INFINITY, [0; 32]));
        out.bytes
    }

    /// The responder's answer to `message`.
    pub fn respond(&mut self, message: &[u8]) -> Result<Vec<u8>, SyncError> {
        if self.initiator {
            return Err(SyncError::WrongSide);
        }
        let mut have = Vec::new();
        let mut need = Vec::new();
        self.process(message, &mut have, &mut need)
    }

    /// The initiator's step: adds to `have` the ids only this side holds and
    /// to `need` the ids only the peer holds; returns the next message, or
    /// `None` when reconciliation is complete.
    pub fn reconcile(
        &mut self,
        message: &[u8],
        have: &mut Vec<[u8; 32]>,
        need: &mut Vec<[u8; 32]>,
    ) -> Result<Option<Vec<u8>>, SyncError> {
        if !self.initiator {
            return Err(SyncError::WrongSide);
        }
        let out = self.process(message, have, need)?;
        Ok((out.len() > 1).then_some(out))
    }

    fn minimal_bound(&self, before: usize, at: usize) -> (u64, Vec<u8>) {
        let (t0, id0) = self.index.get(before);
        let (t1, id1) = self.index.get(at);
        if t0 != t1 {
            return (t1, Vec::new());
        }
        let shared = id0
            .iter()
            .zip(id1.iter())
            .take_while(|(a, b)| a == b)
            .count();
        (t1, id1[..(shared + 1).min(32)].to_vec())
    }

    /// Describes items `lo..hi` (ending at `upper`): their ids if few, else
    /// fingerprints of 16 buckets.
    fn split(&self, out: &mut Writer, lo: usize, hi: usize, upper: &Bound) {
        let n = hi - lo;
        if n < LIST_BELOW {
            out.full_bound(upper);
            push_varint(&mut out.bytes, 2);
            push_varint(&mut out.bytes, n as u64);
            for i in lo..hi {
                out.bytes.extend_from_slice(&self.index.get(i).1);
            }
            return;
        }
        let per = n / BUCKETS;
        let extra = n % BUCKETS;
        let mut at = lo;
        for bucket in 0..BUCKETS {
            let size = per + usize::from(bucket < extra);
            let fingerprint = self.index.fingerprint(at, at + size);
            at += size;
            if at == hi {
                out.full_bound(upper);
            } else {
                let (t, prefix) = self.minimal_bound(at - 1, at);
                out.bound(t, &prefix);
            }
            push_varint(&mut out.bytes, 1);
            out.bytes.extend_from_slice(&fingerprint);
        }
    }

    fn process(
        &self,
        message: &[u8],
        have: &mut Vec<[u8; 32]>,
        need: &mut Vec<[u8; 32]>,
    ) -> Result<Vec<u8>, SyncError> {
        if message.len() > MAX_MESSAGE_BYTES {
            return Err(SyncError::TooLarge);
        }
        let (&version, rest) = message.split_first().ok_or(SyncError::NotReconciliation)?;
        if !(0x60..=0x6f).contains(&version) {
            return Err(SyncError::NotReconciliation);
        }
        if version != PROTOCOL_VERSION {
            if self.initiator {
                return Err(SyncError::UnsupportedVersion(version));
            }
            // Tell the initiator which version this side speaks.
            return Ok(vec![PROTOCOL_VERSION]);
        }
        let mut input = Reader {
            bytes: rest,
            last_timestamp: 0,
        };
        let mut out = Writer::new();
        let len = self.index.len();
        let mut prev_index = 0;
        let mut prev_bound: Bound = (0, [0; 32]);
        let mut skipping = false;
        while !input.bytes.is_empty() {
            let bound = input.bound()?;
            let mode = input.varint()?;
            let lower = prev_index;
            let upper = self.index.lower_bound(prev_index, len, &bound).max(lower);
            let flush_skip = |out: &mut Writer, skipping: &mut bool| {
                if std::mem::take(skipping) {
                    out.full_bound(&prev_bound);
                    push_varint(&mut out.bytes, 0);
                }
            };
            match mode {
                0 => skipping = true,
                1 => {
                    let theirs = input.take(16)?;
                    if self.index.fingerprint(lower, upper) == theirs {
                        skipping = true;
                    } else {
                        flush_skip(&mut out, &mut skipping);
                        self.split(&mut out, lower, upper, &bound);
                    }
                }
                2 => {
                    let count = input.varint()?;
                    let bytes = usize::try_from(count)
                        .ok()
                        .and_then(|c| c.checked_mul(32))
                        .ok_or(SyncError::Overflow)?;
                    let ids = input.take(bytes)?;
                    if self.initiator {
                        // Both lists sorted, then one merge: no per-id
                        // allocation.
                        let mut theirs: Vec<&[u8]> = ids.chunks(32).collect();
                        theirs.sort_unstable();
                        theirs.dedup();
                        let mut ours: Vec<[u8; 32]> =
                            (lower..upper).map(|i| self.index.get(i).1).collect();
                        ours.sort_unstable();
                        let (mut i, mut j) = (0, 0);
                        loop {
                            match (ours.get(i), theirs.get(j)) {
                                (Some(a), Some(b)) if a.as_slice() == *b => {
                                    i += 1;
                                    j += 1;
                                }
                                (Some(a), Some(b)) if a.as_slice() < *b => {
                                    have.push(*a);
                                    i += 1;
                                }
                                (Some(a), None) => {
                                    have.push(*a);
                                    i += 1;
                                }
                                (_, Some(b)) => {
                                    let mut id = [0u8; 32];
                                    id.copy_from_slice(b);
                                    need.push(id);
                                    j += 1;
                                }
                                (None, None) => break,
                            }
                        }
                        skipping = true;
                    } else {
                        flush_skip(&mut out, &mut skipping);
                        out.full_bound(&bound);
                        push_varint(&mut out.bytes, 2);
                        push_varint(&mut out.bytes, (upper - lower) as u64);
                        for i in lower..upper {
                            out.bytes.extend_from_slice(&self.index.get(i).1);
                        }
                    }
                }
                other => return Err(SyncError::UnknownMode(other)),
            }
            prev_index = upper;
            prev_bound = bound;
        }
        Ok(out.bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_are_most_significant_digit_first() {
        assert_eq!(varint(0), vec![0]);
        assert_eq!(varint(127), vec![0x7f]);
        assert_eq!(varint(128), vec![0x81, 0x00]);
        assert_eq!(varint(300), vec![0x82, 0x2c]);
        for n in [0, 1, 127, 128, 16_383, 16_384, u64::MAX] {
            let mut r = Reader {
                bytes: &varint(n),
                last_timestamp: 0,
            };
            assert_eq!(r.varint(), Ok(n));
        }
    }

    #[test]
    fn hostile_messages_are_errors() {
        let index = SyncIndex::new();
        let mut server = Reconciler::new(&index);
        assert_eq!(server.respond(&[]), Err(SyncError::NotReconciliation));
        assert_eq!(server.respond(&[0x61, 0x01]), Err(SyncError::Truncated));
        assert_eq!(
            server.respond(&[0x61, 0x00, 0x21]),
            Err(SyncError::BadBound)
        );
        assert_eq!(
            server.respond(&[0x61, 0x00, 0x00, 0x03]),
            Err(SyncError::UnknownMode(3))
        );
        let mut huge = vec![0x61, 0x00, 0x00, 0x02];
        huge.extend(varint(u64::MAX));
        assert!(server.respond(&huge).is_err());
        assert_eq!(
            server.respond(&[
                0x61, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f
            ]),
            Err(SyncError::Overflow)
        );
        // Another version: the responder answers with its own.
        assert_eq!(server.respond(&[0x62]), Ok(vec![0x61]));
    }
}
