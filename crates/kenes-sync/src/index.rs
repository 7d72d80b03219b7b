//! The items reconciliation works on: `(lamport, id)` of every accepted op,
//! sorted, with prefix sums of the ids so that any range's fingerprint costs
//! O(1) and finding a bound O(log N).
//!
//! Why prefix sums work: a negentropy fingerprint is built from the sum of
//! the range's ids modulo 2^256 and their count, and modular sums subtract:
//! `sum[lo..hi] = prefix[hi] − prefix[lo]`. New ops almost always sort last
//! (their lamport is the highest), which appends in O(1); an op that sorts
//! before others invalidates the sums from its position, rebuilt lazily on
//! the next query.

use kenes_core::Hash;
use sha2::{Digest, Sha256};

/// A 256-bit little-endian number modulo 2^256.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sum256([u64; 4]);

impl Sum256 {
    /// The id as a number.
    pub fn of(id: &[u8; 32]) -> Sum256 {
        let mut limbs = [0u64; 4];
        for (i, limb) in limbs.iter_mut().enumerate() {
            let mut bytes = [0u8; 8];
            bytes.copy_from_slice(&id[i * 8..i * 8 + 8]);
            *limb = u64::from_le_bytes(bytes);
        }
        Sum256(limbs)
    }

    /// `self + other` modulo 2^256.
    pub fn wrapping_add(self, other: Sum256) -> Sum256 {
        let mut out = [0u64; 4];
        let mut carry = false;
        for (i, limb) in out.iter_mut().enumerate() {
            let (s1, c1) = self.0[i].overflowing_add(other.0[i]);
            let (s2, c2) = s1.overflowing_add(u64::from(carry));
            *limb = s2;
            carry = c1 || c2;
        }
        Sum256(out)
    }

    /// `self − other` modulo 2^256.
    pub fn wrapping_sub(self, other: Sum256) -> Sum256 {
        let mut out = [0u64; 4];
        let mut borrow = false;
        for (i, limb) in out.iter_mut().enumerate() {
            let (d1, b1) = self.0[i].overflowing_sub(other.0[i]);
            let (d2, b2) = d1.overflowing_sub(u64::from(borrow));
            *limb = d2;
            borrow = b1 || b2;
        }
        Sum256(out)
    }

    /// The 32 little-endian bytes.
    pub fn to_bytes(self) -> [u8; 32] {
        let mut out = [0u8; 32];
        for (i, limb) in self.0.iter().enumerate() {
            out[i * 8..i * 8 + 8].copy_from_slice(&limb.to_le_bytes());
        }
        out
    }
}

/// A negentropy v1 fingerprint: the first 16 bytes of
/// `SHA-256(sum of ids mod 2^256 ‖ varint(count))`.
pub fn fingerprint(sum: Sum256, count: u64) -> [u8; 16] {
    let mut hasher = Sha256::new();
    hasher.update(sum.to_bytes());
    hasher.update(crate::reconcile::varint(count));
    let digest = hasher.finalize();
    let mut out = [0u8; 16];
    out.copy_from_slice(&digest[..16]);
    out
}

/// Sorted `(lamport, id)` items with cached prefix sums.
#[derive(Clone, Debug, Default)]
pub struct SyncIndex {
    items: Vec<(u64, [u8; 32])>,
    /// `prefix[i]` is the sum of the first `i` ids; valid up to `valid`.
    prefix: Vec<Sum256>,
    valid: usize,
}

impl SyncIndex {
    /// An empty index.
    pub fn new() -> SyncIndex {
        SyncIndex {
            items: Vec::new(),
            prefix: vec![Sum256::default()],
            valid: 0,
        }
    }

    /// An index of `items` (any order, no duplicates expected).
    pub fn from_items(mut items: Vec<(u64, Hash)>) -> SyncIndex {
        items.sort();
        items.dedup();
        let mut index = SyncIndex::new();
        index.items = items.into_iter().map(|(t, id)| (t, id.0)).collect();
        index.rebuild();
        index
    }

    /// Adds an accepted op. Appending (the usual case) is O(1).
    pub fn insert(&mut self, lamport: u64, id: Hash) {
        let item = (lamport, id.0);
        match self.items.last() {
            Some(last) if *last >= item => {
                let at = self.items.partition_point(|x| *x < item);
                if self.items.get(at) == Some(&item) {
                    return;
                }
                self.items.insert(at, item);
                self.valid = self.valid.min(at);
            }
            _ => {
                self.items.push(item);
                if self.valid + 1 == self.items.len() {
                    let next = self.prefix[self.valid].wrapping_add(Sum256::of(&id.0));
                    self.prefix.truncate(self.valid + 1);
                    self.prefix.push(next);
                    self.valid += 1;
                }
            }
        }
    }

    fn rebuild(&mut self) {
        self.prefix.truncate(self.valid + 1);
        for i in self.valid..self.items.len() {
            let next = self.prefix[i].wrapping_add(Sum256::of(&self.items[i].1));
            self.prefix.push(next);
        }
        self.valid = self.items.len();
    }

    /// Makes the cached sums current (after inserts that sorted early).
    pub fn seal(&mut self) {
        if self.valid < self.items.len() {
            self.rebuild();
        }
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The item at `i`.
    pub fn get(&self, i: usize) -> (u64, [u8; 32]) {
        self.items[i]
    }

    /// The fingerprint of items `lo..hi`. Requires a sealed index.
    pub fn fingerprint(&self, lo: usize, hi: usize) -> [u8; 16] {
        fingerprint(
            self.prefix[hi].wrapping_sub(self.prefix[lo]),
            (hi - lo) as u64,
        )
    }

    /// The first position in `from..to` whose item is not below `bound`.
    pub fn lower_bound(&self, from: usize, to: usize, bound: &(u64, [u8; 32])) -> usize {
        from + self.items[from..to].partition_point(|item| item < bound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_add_and_subtract_modulo_2_256() {
        let max = Sum256([u64::MAX; 4]);
        let one = Sum256([1, 0, 0, 0]);
        assert_eq!(max.wrapping_add(one), Sum256::default());
        assert_eq!(Sum256::default().wrapping_sub(one), max);
        let a = Sum256::of(&[7; 32]);
        let b = Sum256::of(&[200; 32]);
        assert_eq!(a.wrapping_add(b).wrapping_sub(b), a);
    }

    #[test]
    fn out_of_order_inserts_keep_sums_right() {
        let mut index = SyncIndex::new();
        let ids: Vec<Hash> = (0..20u8).map(|i| Hash::of(&[i])).collect();
        for (i, id) in ids.iter().enumerate().rev() {
            index.insert(i as u64 % 5, *id);
        }
        index.insert(1, ids[1]);
        index.seal();
        let fresh = SyncIndex::from_items(
            ids.iter()
                .enumerate()
                .map(|(i, id)| (i as u64 % 5, *id))
                .collect(),
        );
        assert_eq!(index.len(), 20);
        for lo in 0..20 {
            for hi in lo..=20 {
                assert_eq!(index.fingerprint(lo, hi), fresh.fingerprint(lo, hi));
            }
        }
    }
}
