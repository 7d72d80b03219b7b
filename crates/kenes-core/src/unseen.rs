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
//! an up-to-date author get the empty set; an op from a partition gets the
//! ops of the other side, which arrived in runs, so a few ranges suffice.
//! The ordinals are local to one node, but the set they denote is not.

/// A set of acceptance ordinals as sorted, disjoint, non-adjacent ranges.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Unseen {
    ranges: Vec<(u32, u32)>,
}

impl Unseen {
    /// Every ordinal from `from` on: as a complement, the set of ops
    /// accepted before `from`.
    pub fn from_ordinal(from: u32) -> Unseen {
        Unseen {
            ranges: vec![(from, u32::MAX)],
        }
    }

    /// The set of the given ordinals, which must be sorted ascending.
    pub fn from_sorted(ordinals: impl IntoIterator<Item = u32>) -> Unseen {
        let mut u = Unseen::default();
        for x in ordinals {
            match u.ranges.last_mut() {
                Some(last) if last.1 == x => last.1 += 1,
                _ => u.ranges.push((x, x + 1)),
            }
        }
        u
    }

    /// The empty set: the op saw everything.
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// Number of ordinals in the set.
    pub fn len(&self) -> u64 {
        self.ranges.iter().map(|(a, b)| u64::from(b - a)).sum()
    }

    /// The smallest ordinal, if any.
    pub fn min(&self) -> Option<u32> {
        self.ranges.first().map(|r| r.0)
    }

    /// The ordinals of the set below `limit`, ascending.
    pub fn iter_below(&self, limit: u32) -> impl Iterator<Item = u32> + '_ {
        self.ranges
            .iter()
            .take_while(move |r| r.0 < limit)
            .flat_map(move |&(a, b)| a..b.min(limit))
    }

    /// True if `ord` is in the set.
    pub fn contains(&self, ord: u32) -> bool {
        let i = self.ranges.partition_point(|r| r.1 <= ord);
        self.ranges.get(i).is_some_and(|r| r.0 <= ord)
    }

    /// `self ∪ [from, to)`, where every ordinal of `self` is below `to`.
    pub fn with_tail(&self, from: u32, to: u32) -> Unseen {
        let mut ranges: Vec<(u32, u32)> = Vec::with_capacity(self.ranges.len() + 1);
        let mut start = from;
        for &(a, b) in &self.ranges {
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
        Unseen { ranges }
    }

    /// `self ∩ other`.
    pub fn intersect(&self, other: &Unseen) -> Unseen {
        let (mut i, mut j) = (0, 0);
        let mut ranges = Vec::new();
        while i < self.ranges.len() && j < other.ranges.len() {
            let (a1, b1) = self.ranges[i];
            let (a2, b2) = other.ranges[j];
            let (a, b) = (a1.max(a2), b1.min(b2));
            if a < b {
                ranges.push((a, b));
            }
            if b1 < b2 {
                i += 1;
            } else {
                j += 1;
            }
        }
        Unseen { ranges }
    }

    /// `self ∪ other`: as complements, the intersection of two sets (the
    /// common past G(P) of concurrent removals).
    pub fn union(&self, other: &Unseen) -> Unseen {
        let mut all: Vec<(u32, u32)> = self.ranges.iter().chain(&other.ranges).copied().collect();
        all.sort_unstable();
        let mut ranges: Vec<(u32, u32)> = Vec::with_capacity(all.len());
        for (a, b) in all {
            match ranges.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => ranges.push((a, b)),
            }
        }
        Unseen { ranges }
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
    }
}
