//! The ops of T an op had not seen: `T ∖ past(X)`, as ranges of local
//! acceptance ordinals.
//!
//! Why this exists: validity is judged on `state(past(X))`, and storing
//! per-op vector clocks is too costly (DESIGN §4). Instead each op records
//! which accepted ops were *not* in its past when it arrived. Because ops
//! are accepted in causal order, for a parent p with ordinal o:
//!
//! `T ∖ ({p} ∪ past(p)) = unseen(p) ∪ {ordinals > o}`
//!
//! and `T ∖ past(X)` is the intersection of that over X's parents. Ops from
//! an up-to-date author get the empty set. The ordinals are local to one
//! node, but the set they denote is not.
//!
//! Why the ranges are kept in shared chunks: a batch is accepted in
//! `(lamport, id)` order, so the ops of two sides of a partition
//! interleave, and each op of one side has one more range than its parent
//! (the other side's op accepted between them). Flat vectors made that
//! quadratic: 1.2 GB of a 50,000-op ingest's 1.4 GB heap (issue 18). Here a
//! set derived by adding ranges after its parent's shares the parent's
//! chunks and copies only a short tail, so a chain of k such ops keeps
//! O(k log k) ranges in all rather than O(k²).

use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// Ranges a tail holds before they become a shared chunk.
const TAIL: usize = 16;

/// A set of acceptance ordinals as sorted, disjoint, non-adjacent ranges.
///
/// The ranges are the concatenation of `chunks` and then `tail`. Chunks
/// are immutable and shared between sets; their lengths strictly decrease
/// (as in a binary counter), so a set has at most log₂ of its range count
/// chunks, and appending copies at most `TAIL` ranges and those pointers.
/// The last range is always in `tail`, so that a range adjacent to it
/// extends it and the form stays canonical (equality and hashing depend
/// only on the set).
#[derive(Clone, Debug, Default)]
pub struct Unseen(Option<Box<Ranges>>);

/// The ranges of a non-empty [`Unseen`]. Boxed, because nearly every op
/// saw everything before it: an empty set is one null pointer in each of
/// the engine's entries, not two empty vectors (issue 18).
#[derive(Clone, Debug, Default)]
struct Ranges {
    chunks: Vec<Arc<[(u32, u32)]>>,
    tail: Vec<(u32, u32)>,
}

/// The ranges of the empty set.
static NO_RANGES: Ranges = Ranges {
    chunks: Vec::new(),
    tail: Vec::new(),
};

impl PartialEq for Unseen {
    fn eq(&self, other: &Unseen) -> bool {
        self.range_count() == other.range_count() && self.ranges().eq(other.ranges())
    }
}

impl Eq for Unseen {}

impl Hash for Unseen {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_usize(self.range_count());
        for r in self.ranges() {
            r.hash(state);
        }
    }
}

impl Unseen {
    /// The empty set.
    pub const EMPTY: Unseen = Unseen(None);

    /// A set of these chunks and tail (empty if both are).
    fn of(chunks: Vec<Arc<[(u32, u32)]>>, tail: Vec<(u32, u32)>) -> Unseen {
        if chunks.is_empty() && tail.is_empty() {
            Unseen(None)
        } else {
            Unseen(Some(Box::new(Ranges { chunks, tail })))
        }
    }

    /// The chunks and tail, empty ones for the empty set.
    fn parts(&self) -> &Ranges {
        self.0.as_deref().unwrap_or(&NO_RANGES)
    }

    /// Every ordinal from `from` on: as a complement, the set of ops
    /// accepted before `from`.
    pub fn from_ordinal(from: u32) -> Unseen {
        Unseen::of(Vec::new(), vec![(from, u32::MAX)])
    }

    /// The set of the given ordinals, which must be sorted ascending.
    pub fn from_sorted(ordinals: impl IntoIterator<Item = u32>) -> Unseen {
        let mut ranges: Vec<(u32, u32)> = Vec::new();
        for x in ordinals {
            match ranges.last_mut() {
                Some(last) if last.1 == x => last.1 += 1,
                _ => ranges.push((x, x + 1)),
            }
        }
        Unseen::from_ranges(ranges)
    }

    /// A set from canonical ranges: all but the last in one chunk.
    fn from_ranges(mut ranges: Vec<(u32, u32)>) -> Unseen {
        let Some(last) = ranges.pop() else {
            return Unseen::default();
        };
        let chunks = if ranges.is_empty() {
            Vec::new()
        } else {
            vec![Arc::from(ranges)]
        };
        Unseen::of(chunks, vec![last])
    }

    /// Every range, ascending.
    fn ranges(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.parts()
            .chunks
            .iter()
            .flat_map(|c| c.iter())
            .chain(&self.parts().tail)
            .copied()
    }

    fn range_count(&self) -> usize {
        self.parts().chunks.iter().map(|c| c.len()).sum::<usize>() + self.parts().tail.len()
    }

    /// The end of the last range (one past the largest ordinal), if any.
    fn end(&self) -> Option<u32> {
        self.parts().tail.last().map(|r| r.1)
    }

    /// Appends `[from, to)`, which starts at or after the end of the set.
    fn push(&mut self, from: u32, to: u32) {
        if from >= to {
            return;
        }
        let this = self.0.get_or_insert_with(Box::default);
        if let Some(last) = this.tail.last_mut()
            && last.1 == from
        {
            last.1 = to;
            return;
        }
        if this.tail.len() >= TAIL {
            // Keep the last range in the tail so that it can still grow.
            let keep = this.tail.split_off(this.tail.len() - 1);
            let full = std::mem::replace(&mut this.tail, keep);
            this.chunks.push(Arc::from(full));
            while let [.., older, newer] = this.chunks.as_slice() {
                if newer.len() < older.len() {
                    break;
                }
                let merged: Vec<(u32, u32)> = older.iter().chain(newer.iter()).copied().collect();
                this.chunks.pop();
                this.chunks.pop();
                this.chunks.push(Arc::from(merged));
            }
        }
        this.tail.push((from, to));
    }

    /// The empty set: the op saw everything.
    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    /// Number of ordinals in the set.
    pub fn len(&self) -> u64 {
        self.ranges().map(|(a, b)| u64::from(b - a)).sum()
    }

    /// The smallest ordinal, if any.
    pub fn min(&self) -> Option<u32> {
        self.ranges().next().map(|r| r.0)
    }

    /// The ordinals of the set below `limit`, ascending.
    pub fn iter_below(&self, limit: u32) -> impl Iterator<Item = u32> + '_ {
        self.ranges()
            .take_while(move |r| r.0 < limit)
            .flat_map(move |(a, b)| a..b.min(limit))
    }

    /// True if `ord` is in the set.
    pub fn contains(&self, ord: u32) -> bool {
        let i = self
            .parts()
            .chunks
            .partition_point(|c| c[c.len() - 1].1 <= ord);
        let slice: &[(u32, u32)] = match self.parts().chunks.get(i) {
            Some(chunk) => chunk,
            None => &self.parts().tail,
        };
        let j = slice.partition_point(|r| r.1 <= ord);
        slice.get(j).is_some_and(|r| r.0 <= ord)
    }

    /// `self ∪ [from, to)`, where every ordinal of `self` is below `to`.
    pub fn with_tail(&self, from: u32, to: u32) -> Unseen {
        if self.end().is_none_or(|end| end <= from) {
            // The common case (a child's set from its parent's): share.
            let mut grown = self.clone();
            grown.push(from, to);
            return grown;
        }
        let mut ranges: Vec<(u32, u32)> = Vec::with_capacity(self.range_count() + 1);
        let mut start = from;
        for (a, b) in self.ranges() {
            if b < from {
                ranges.push((a, b));
            } else {
                start = start.min(a);
                break;
            }
        }
        if start < to {
            ranges.push((start, to));
        }
        Unseen::from_ranges(ranges)
    }

    /// True if every ordinal of `self` is in `other`.
    fn is_subset(&self, other: &Unseen) -> bool {
        let mut theirs = other.ranges().peekable();
        self.ranges().all(|(a, b)| {
            while theirs.next_if(|&(_, end)| end <= a).is_some() {}
            theirs
                .peek()
                .is_some_and(|&(start, end)| start <= a && b <= end)
        })
    }

    /// `self ∩ other`. When one contains the other, as the sets of an
    /// op's parents do when one parent saw the other, the result shares
    /// the smaller one's chunks.
    pub fn intersect(&self, other: &Unseen) -> Unseen {
        if self.is_subset(other) {
            return self.clone();
        }
        if other.is_subset(self) {
            return other.clone();
        }
        let mut left = self.ranges().peekable();
        let mut right = other.ranges().peekable();
        let mut ranges = Vec::new();
        while let (Some(&(a1, b1)), Some(&(a2, b2))) = (left.peek(), right.peek()) {
            let (a, b) = (a1.max(a2), b1.min(b2));
            if a < b {
                ranges.push((a, b));
            }
            if b1 < b2 {
                left.next();
            } else {
                right.next();
            }
        }
        Unseen::from_ranges(ranges)
    }

    /// `self ∪ other`: as complements, the intersection of two sets (the
    /// common past G(P) of concurrent removals).
    pub fn union(&self, other: &Unseen) -> Unseen {
        let mut all: Vec<(u32, u32)> = self.ranges().chain(other.ranges()).collect();
        all.sort_unstable();
        let mut ranges: Vec<(u32, u32)> = Vec::with_capacity(all.len());
        for (a, b) in all {
            match ranges.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => ranges.push((a, b)),
            }
        }
        Unseen::from_ranges(ranges)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    fn from_set(set: &BTreeSet<u32>) -> Unseen {
        Unseen::from_sorted(set.iter().copied())
    }

    fn hash_of(u: &Unseen) -> u64 {
        use std::hash::BuildHasher;
        std::hash::BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default()
            .hash_one(u)
    }

    proptest! {
        #[test]
        fn matches_a_plain_set(
            a in proptest::collection::btree_set(0u32..60, 0..30),
            b in proptest::collection::btree_set(0u32..60, 0..30),
            from in 0u32..70,
        ) {
            let (ua, ub) = (from_set(&a), from_set(&b));
            let inter: BTreeSet<u32> = a.intersection(&b).copied().collect();
            prop_assert_eq!(ua.intersect(&ub), from_set(&inter));
            let union: BTreeSet<u32> = a.union(&b).copied().collect();
            prop_assert_eq!(ua.union(&ub), from_set(&union));
            let mut tail = a.clone();
            tail.extend(from..70);
            prop_assert_eq!(ua.with_tail(from, 70), from_set(&tail));
            for x in 0..70 {
                prop_assert_eq!(ua.contains(x), a.contains(&x));
            }
            prop_assert_eq!(ua.len(), a.len() as u64);
            prop_assert_eq!(ua.min(), a.first().copied());
        }

        /// Sets grown one range at a time, as a chain of ops in a
        /// partition grows them, share chunks; they must still behave,
        /// compare and hash as the plain set they denote.
        #[test]
        fn grown_sets_match_a_plain_set(
            gaps in proptest::collection::vec((0u32..3, 1u32..4), 0..200),
            other in proptest::collection::btree_set(0u32..900, 0..40),
        ) {
            let mut grown = Unseen::default();
            let mut plain = BTreeSet::new();
            let mut next = 0u32;
            let mut chain = Vec::new();
            for (gap, width) in gaps {
                let from = next + gap;
                grown = grown.with_tail(from, from + width);
                plain.extend(from..from + width);
                next = from + width;
                chain.push((grown.clone(), plain.clone()));
            }
            let uo = from_set(&other);
            for pair in chain.windows(2) {
                let ((earlier, pe), (later, pl)) = (&pair[0], &pair[1]);
                let both: BTreeSet<u32> = pe.intersection(pl).copied().collect();
                prop_assert_eq!(later.intersect(earlier), from_set(&both));
                prop_assert_eq!(earlier.intersect(later), from_set(&both));
            }
            for (g, p) in &chain {
                let flat = from_set(p);
                prop_assert_eq!(g, &flat);
                prop_assert_eq!(hash_of(g), hash_of(&flat));
                for x in (0..next + 2).step_by(7) {
                    prop_assert_eq!(g.contains(x), p.contains(&x));
                }
                let below: Vec<u32> = g.iter_below(next / 2).collect();
                let expected: Vec<u32> = p.iter().copied().filter(|&x| x < next / 2).collect();
                prop_assert_eq!(below, expected);
                let inter: BTreeSet<u32> = p.intersection(&other).copied().collect();
                prop_assert_eq!(g.intersect(&uo), from_set(&inter));
                let union: BTreeSet<u32> = p.union(&other).copied().collect();
                prop_assert_eq!(g.union(&uo), from_set(&union));
                prop_assert_eq!(g.len(), p.len() as u64);
                prop_assert!(g.parts().chunks.len() <= 1 + (usize::BITS - g.range_count().leading_zeros()) as usize);
            }
        }
    }
}
