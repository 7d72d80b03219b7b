//! The authors of accepted ops, numbered in order of first op: entries
//! name their author by number (4 bytes, not a 32-byte key), and each
//! author's ops, joins and vouches are reached with one lookup by key.

use super::Engine;
use crate::types::{Hash, PublicKey};
use smallvec::SmallVec;

/// A few ordinals or numbers, inline up to four (most authors' joins and
/// vouches): no heap block for them.
pub(super) type Few = SmallVec<[u32; 4]>;

/// One author's ops here.
pub(super) struct AuthorOps {
    pub(super) key: PublicKey,
    /// Every op of theirs, by `(seq, ordinal)`.
    pub(super) log: Vec<u32>,
    /// Their op with the highest seq: its ordinal and seq (kept here so
    /// that the common `prev` check reads no entry). Meaningless while
    /// `log` is empty.
    pub(super) last: (u32, u64),
    /// Committees they created or joined by a valid op, by number (see
    /// [`super::scopes`]), ascending.
    pub(super) joined: Few,
    /// Their valid joins, in acceptance order.
    pub(super) joins: Few,
    /// Their valid vouches, in acceptance order: whose memberships rest on
    /// them.
    pub(super) vouches: Few,
}

impl AuthorOps {
    /// Records that they created or joined committee number `scope`.
    pub(super) fn record_joined(&mut self, scope: u32) {
        if let Err(at) = self.joined.binary_search(&scope) {
            self.joined.insert(at, scope);
        }
    }
}

impl Engine {
    /// The author of accepted op `ord`.
    pub fn author_at(&self, ord: u32) -> PublicKey {
        self.author_of(&self.entries[ord as usize])
    }

    /// The author of an entry's op.
    pub fn author_of(&self, entry: &super::Entry) -> PublicKey {
        self.authors[entry.author_number() as usize].key
    }

    /// The number of `author` in the table of authors, added if new.
    pub(super) fn author_number(&mut self, author: PublicKey) -> u32 {
        let next = self.authors.len() as u32;
        let number = *self.author_numbers.entry(author).or_insert(next);
        if number == next {
            self.authors.push(AuthorOps {
                key: author,
                log: Vec::new(),
                last: (0, 0),
                joined: Few::new(),
                joins: Few::new(),
                vouches: Few::new(),
            });
        }
        number
    }

    /// `author`'s ops here, if they have any.
    pub(super) fn author_ops(&self, author: &PublicKey) -> Option<&AuthorOps> {
        let number = *self.author_numbers.get(author)?;
        Some(&self.authors[number as usize])
    }

    /// The record of `author`, who has an accepted op.
    pub(super) fn author_record(&mut self, author: &PublicKey) -> &mut AuthorOps {
        let number = self.author_numbers[author];
        &mut self.authors[number as usize]
    }

    /// `author`'s ops naming `committee`, its proposals or demands, in
    /// acceptance order.
    pub(super) fn naming_ops_of(&self, author: &PublicKey, committee: &Hash) -> &[u32] {
        let (Some(&author), Some(scope)) =
            (self.author_numbers.get(author), self.scopes.get(committee))
        else {
            return &[];
        };
        self.naming_ops
            .get(&super::scopes::naming_key(author, scope))
            .map_or(&[], |ops| ops.as_slice())
    }

    /// `author`'s ops here by `(seq, ordinal)` (none if they have none).
    pub(super) fn author_log(&self, author: &PublicKey) -> &[u32] {
        self.author_ops(author).map_or(&[], |a| a.log.as_slice())
    }
}
