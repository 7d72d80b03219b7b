//! Sets of ops as plain bitsets over the evaluator's ordinals.
//!
//! Ordinals are positions in the `(lamport, id)` order of every delivered
//! op, so iterating a set visits its ops in fold order. A set is a value:
//! equal sets compare and hash equal, which is what lets the evaluator
//! memoise `state(T)` and `Void(T)` per set.

/// A set of op ordinals.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OpSet {
    words: Vec<u64>,
}

impl OpSet {
    /// The empty set over `universe` ordinals.
    pub fn empty(universe: usize) -> OpSet {
        OpSet {
            words: vec![0; universe.div_ceil(64)],
        }
    }

    /// True if `ordinal` is in the set.
    pub fn contains(&self, ordinal: usize) -> bool {
        self.words
            .get(ordinal / 64)
            .is_some_and(|word| word & (1 << (ordinal % 64)) != 0)
    }

    /// Adds `ordinal`.
    pub fn insert(&mut self, ordinal: usize) {
        if let Some(word) = self.words.get_mut(ordinal / 64) {
            *word |= 1 << (ordinal % 64);
        }
    }

    /// Adds every member of `other`.
    pub fn union_with(&mut self, other: &OpSet) {
        for (mine, theirs) in self.words.iter_mut().zip(&other.words) {
            *mine |= theirs;
        }
    }

    /// Keeps only the members also in `other`.
    pub fn intersect_with(&mut self, other: &OpSet) {
        for (mine, theirs) in self.words.iter_mut().zip(&other.words) {
            *mine &= theirs;
        }
    }

    /// The members in ascending order (fold order).
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(index, word)| {
            (0..64).filter_map(move |bit| (word & (1 << bit) != 0).then_some(index * 64 + bit))
        })
    }

    /// How many members.
    pub fn len(&self) -> usize {
        self.words
            .iter()
            .map(|word| word.count_ones() as usize)
            .sum()
    }

    /// True if the set has no member.
    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|word| *word == 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_contains_iterate_and_combine() {
        let mut a = OpSet::empty(130);
        a.insert(0);
        a.insert(64);
        a.insert(129);
        assert!(a.contains(64) && !a.contains(63));
        assert_eq!(a.iter().collect::<Vec<_>>(), vec![0, 64, 129]);
        let mut b = OpSet::empty(130);
        b.insert(64);
        b.insert(5);
        let mut union = a.clone();
        union.union_with(&b);
        assert_eq!(union.len(), 4);
        a.intersect_with(&b);
        assert_eq!(a.iter().collect::<Vec<_>>(), vec![64]);
        assert!(OpSet::empty(3).is_empty());
    }
}
