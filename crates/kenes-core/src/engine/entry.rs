//! The resident form of each accepted op (issue 18), and what the engine
//! keeps beside it for the few ops that need more.
//!
//! An [`Entry`] is 48 bytes: the fields every index reads (id, seq,
//! lamport), the author's number, and two bytes of flags. Seq and lamport
//! are kept in 4 bytes each (they are 8 in the op): an accepted op's
//! lamport is exactly one more than its highest parent's and its seq one
//! more than its prev's, so neither exceeds the number of ops accepted
//! before it, which an ordinal (4 bytes) already bounds. What only some
//! ops have lives in side tables keyed by ordinal, so the million ops that
//! have none of it do not pay for it:
//! - a rejected op's reason (`RejectReason`, with its counts);
//! - a non-empty unseen set (an op that had not seen every op before it);
//! - the canonical bytes, until they are archived (see [`super::archive`]);
//! - a void op's reason, in Void(T) itself.
//!
//! An op's outcome in T is therefore computed, never stored twice: its
//! reason in Void(T) if it is void, else its validity.

use super::Engine;
use crate::op::Op;
use crate::outcome::Outcome;
use crate::types::Hash;
use crate::unseen::Unseen;

/// One accepted op, resident.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// BLAKE3 of the op's bytes.
    pub id: Hash,
    /// Position in the author's own log (see the module's note on its
    /// size).
    seq: u32,
    /// The op's lamport.
    lamport: u32,
    /// The author's number in the engine's table of authors.
    author: u32,
    validity: Validity,
    /// Its unseen set is not empty (and is in the engine's table of them).
    concurrent: bool,
}

/// valid(X) without a rejection's reason: one byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Validity {
    Applied,
    Rejected,
    Unknown,
}

impl Entry {
    /// The key that orders ops totally: `(lamport, id)`.
    pub fn order_key(&self) -> (u64, Hash) {
        (self.lamport(), self.id)
    }

    /// Position in the author's own log.
    pub fn seq(&self) -> u64 {
        u64::from(self.seq)
    }

    /// The op's lamport.
    pub fn lamport(&self) -> u64 {
        u64::from(self.lamport)
    }

    /// True if the op was valid in its own past (valid(X) is Applied):
    /// whether it takes part, unless it is void.
    pub fn is_valid(&self) -> bool {
        self.validity == Validity::Applied
    }

    /// The author's number in the engine's table of authors.
    pub(super) fn author_number(&self) -> u32 {
        self.author
    }
}

impl Engine {
    /// Appends the entry of accepted op `op`, by author number `author`,
    /// with its unseen set and validity (never a void: void is in T, not
    /// in X's past). Its bytes move into the engine, leaving `op` without
    /// them, unless accepted ops stay decoded (then they are copied): the
    /// fold reads only its fields and body.
    pub(super) fn push_entry(
        &mut self,
        op: &mut Op,
        author: u32,
        unseen: Unseen,
        validity: Outcome,
    ) {
        let ord = self.len_u32();
        let validity = match validity {
            Outcome::Applied => Validity::Applied,
            Outcome::Unknown => Validity::Unknown,
            Outcome::Rejected(reason) => {
                self.rejections.insert(ord, reason);
                Validity::Rejected
            }
            Outcome::Void(_) => unreachable!("validity is decided in the op's past"),
        };
        let concurrent = !unseen.is_empty();
        if concurrent {
            self.unseen_sets.insert(ord, unseen);
        }
        let bytes: Box<[u8]> = if self.keep_accepted_decoded {
            op.bytes.as_slice().into()
        } else {
            std::mem::take(&mut op.bytes).into_boxed_slice()
        };
        self.resident.push_back(bytes);
        // Both checked against the ops before it on acceptance, so within
        // an ordinal's range (see the module's note).
        let narrow =
            |n: u64| u32::try_from(n).expect("an accepted op's seq and lamport fit an ordinal");
        self.entries.push(Entry {
            id: op.id,
            seq: narrow(op.fields.seq),
            lamport: narrow(op.fields.lamport),
            author,
            validity,
            concurrent,
        });
    }

    /// valid(X) of accepted op `ord`: Applied, Rejected (with its reason)
    /// or Unknown.
    pub fn validity_at(&self, ord: u32) -> Outcome {
        match self.entries[ord as usize].validity {
            Validity::Applied => Outcome::Applied,
            Validity::Unknown => Outcome::Unknown,
            Validity::Rejected => Outcome::Rejected(
                self.rejections
                    .get(&ord)
                    .expect("a rejected op's reason is kept")
                    .clone(),
            ),
        }
    }

    /// The outcome of accepted op `ord` in T: void if Void(T) holds it,
    /// else its validity.
    pub fn outcome_at(&self, ord: u32) -> Outcome {
        match self.void.get(&ord) {
            Some(reason) => Outcome::void(reason.clone()),
            None => self.validity_at(ord),
        }
    }

    /// The outcome in T of the accepted op with this id.
    pub fn outcome_of(&self, id: &Hash) -> Option<Outcome> {
        self.ordinal(id).map(|ord| self.outcome_at(ord))
    }

    /// True if accepted op `ord` takes part in T: valid and not void.
    pub fn is_applied_at(&self, ord: u32) -> bool {
        self.entries[ord as usize].is_valid() && !self.void.contains_key(&ord)
    }

    /// Every accepted op's id and outcome in T, in acceptance order.
    pub fn outcomes(&self) -> impl ExactSizeIterator<Item = (Hash, Outcome)> + '_ {
        (0..self.len_u32()).map(|o| (self.entries[o as usize].id, self.outcome_at(o)))
    }

    /// Accepted ops whose outcome in T is Rejected (not valid in their own
    /// past, and not void), ascending: from their table, not from every
    /// entry.
    pub fn rejected(&self) -> Vec<u32> {
        let mut ords: Vec<u32> = self
            .rejections
            .keys()
            .copied()
            .filter(|o| !self.void.contains_key(o))
            .collect();
        ords.sort_unstable();
        ords
    }

    /// Accepted op `ord`'s unseen set: `T ∖ past(X)` when it arrived.
    pub(crate) fn unseen_at(&self, ord: u32) -> &Unseen {
        static EMPTY: Unseen = Unseen::EMPTY;
        if self.entries[ord as usize].concurrent {
            &self.unseen_sets[&ord]
        } else {
            &EMPTY
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a national federation's laptop holds per op starts here: the
    /// side tables only cost something for the ops that use them.
    #[test]
    fn an_entry_is_forty_eight_bytes() {
        assert_eq!(std::mem::size_of::<Entry>(), 48);
    }
}
