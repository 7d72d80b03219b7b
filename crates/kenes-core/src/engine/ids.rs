//! The ordinal of each accepted op, found by its id.
//!
//! Why not a `HashMap<Hash, u32>`: every op's id is already in its entry,
//! and a map keeps a second copy of it in buckets that are at most 7/8
//! full: about 60 to 80 bytes per op at a million ops (issue 18). This
//! table keeps only the ordinal (5 bytes a bucket with its control byte)
//! and compares a candidate's id in its entry.

use super::Entry;
use crate::types::Hash;
use std::hash::BuildHasher;

/// Ordinals of accepted ops, keyed by the ids in their entries.
#[derive(Default)]
pub(super) struct IdIndex {
    table: hashbrown::HashTable<u32>,
    /// Seeded per process: ids are chosen by whoever signs an op, so a
    /// fixed hash would let them be ground into one bucket.
    hasher: foldhash::fast::RandomState,
}

impl IdIndex {
    /// The ordinal of the op with id `id`, if one was inserted.
    pub(super) fn get(&self, id: &Hash, entries: &[Entry]) -> Option<u32> {
        self.table
            .find(self.hasher.hash_one(id), |&o| entries[o as usize].id == *id)
            .copied()
    }

    /// Records that op `id` has ordinal `ord`. The ops already inserted
    /// must have their entries in `entries` (a resize rehashes them);
    /// `ord`'s own entry need not be there yet. The caller inserts an id
    /// once.
    pub(super) fn insert(&mut self, id: &Hash, ord: u32, entries: &[Entry]) {
        let hasher = &self.hasher;
        self.table.insert_unique(hasher.hash_one(id), ord, |&o| {
            hasher.hash_one(entries[o as usize].id)
        });
    }
}
