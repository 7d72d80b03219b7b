//! Committees numbered in order of first mention, so that the per-author
//! indexes name them in 4 bytes rather than 32 (issue 18): who joined
//! what, and which of an author's ops name which committee.

use super::FastMap;
use crate::types::Hash;

/// Committee ids and their numbers. A number is given to any id an
/// accepted op names as its committee (valid or not), so there are at
/// most as many as accepted ops.
#[derive(Default)]
pub(super) struct Scopes {
    ids: Vec<Hash>,
    numbers: FastMap<Hash, u32>,
}

impl Scopes {
    /// The number of `id`, given now if it has none.
    pub(super) fn number(&mut self, id: Hash) -> u32 {
        let next = self.ids.len() as u32;
        let number = *self.numbers.entry(id).or_insert(next);
        if number == next {
            self.ids.push(id);
        }
        number
    }

    /// The number of `id`, if it has one.
    pub(super) fn get(&self, id: &Hash) -> Option<u32> {
        self.numbers.get(id).copied()
    }

    /// The id numbered `number`.
    pub(super) fn id(&self, number: u32) -> Hash {
        self.ids[number as usize]
    }
}

/// The key of an author's ops naming a committee, in one word: the
/// author's number and the committee's.
pub(super) fn naming_key(author: u32, scope: u32) -> u64 {
    (u64::from(author) << 32) | u64::from(scope)
}
