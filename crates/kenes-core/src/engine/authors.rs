//! The authors of accepted ops, numbered in order of first op: entries
//! name their author by number (4 bytes, not a 32-byte key), and each
//! author's ops are reached with one lookup by key.

use super::Engine;
use crate::types::PublicKey;

/// One author's ops here.
pub(super) struct AuthorOps {
    pub(super) key: PublicKey,
    /// Every op of theirs, by `(seq, ordinal)`.
    pub(super) log: Vec<u32>,
    /// Their op with the highest seq: its ordinal and seq (kept here so
    /// that the common `prev` check reads no entry). Meaningless while
    /// `log` is empty.
    pub(super) last: (u32, u64),
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
            });
        }
        number
    }

    /// `author`'s ops here, if they have any.
    pub(super) fn author_ops(&self, author: &PublicKey) -> Option<&AuthorOps> {
        let number = *self.author_numbers.get(author)?;
        Some(&self.authors[number as usize])
    }

    /// `author`'s ops here by `(seq, ordinal)` (none if they have none).
    pub(super) fn author_log(&self, author: &PublicKey) -> &[u32] {
        self.author_ops(author).map_or(&[], |a| a.log.as_slice())
    }
}
