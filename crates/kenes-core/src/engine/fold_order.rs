//! One committee's applied ops in fold order, `(lamport, id)`, as
//! acceptance ordinals.
//!
//! Why not a `BTreeMap<(u64, Hash), u32>`: its 44-byte entries sit in
//! B-tree leaves that appends leave about half full, some 90 bytes per
//! op (issue 18), and every fold paid a tree insert. Here the ops are runs
//! of `(lamport, ordinal)`, 12 bytes each (packed), sorted within and across runs;
//! ops almost always arrive last and are pushed onto the last run. An op's
//! id, needed only to order ops of equal lamport, is read from its entry
//! through the `id_of` the caller passes. A late op is inserted into its
//! run, which is split in two beyond `RUN_MAX`, so no insert moves more
//! than `RUN_MAX` slots however large the committee.

use crate::types::Hash;
use std::cmp::Ordering;

/// Most slots in a run.
const RUN_MAX: usize = 512;

/// A committee's ops in fold order.
#[derive(Debug, Default)]
pub(super) struct FoldOrder {
    /// Non-empty, sorted runs; every slot of a run sorts before every slot
    /// of the next.
    runs: Vec<Vec<Slot>>,
}

/// 12 bytes, not 16: packed to 4-byte alignment (a committee's ops are
/// one of the engine's largest indexes, issue 18). Fields are only ever
/// read by value.
#[derive(Clone, Copy, Debug)]
#[repr(C, packed(4))]
struct Slot {
    lamport: u64,
    ord: u32,
}

impl Slot {
    fn cmp_key(self, key: &(u64, Hash), id_of: &impl Fn(u32) -> Hash) -> Ordering {
        let lamport = self.lamport;
        lamport
            .cmp(&key.0)
            .then_with(|| id_of(self.ord).cmp(&key.1))
    }
}

impl FoldOrder {
    /// Adds op `ord`, whose key is `key`, at its place. An op is added once.
    pub(super) fn insert(&mut self, key: (u64, Hash), ord: u32, id_of: impl Fn(u32) -> Hash) {
        let slot = Slot {
            lamport: key.0,
            ord,
        };
        let sorts_last = self
            .runs
            .last()
            .and_then(|run| run.last())
            .is_none_or(|&last| last.cmp_key(&key, &id_of) == Ordering::Less);
        if sorts_last {
            match self.runs.last_mut() {
                Some(run) if run.len() < RUN_MAX => run.push(slot),
                // A committee this large keeps growing: a full run's room
                // at once.
                Some(_) => self.runs.push(Vec::with_capacity(RUN_MAX)),
                None => self.runs.push(Vec::new()),
            }
            if let Some(run) = self.runs.last_mut()
                && run.is_empty()
            {
                run.push(slot);
            }
            return;
        }
        // The first run whose last op sorts after `key` (there is one:
        // the last run's).
        let r = self.runs.partition_point(|run| {
            run.last()
                .is_some_and(|&s| s.cmp_key(&key, &id_of) == Ordering::Less)
        });
        let run = &mut self.runs[r];
        let at = run.partition_point(|&s| s.cmp_key(&key, &id_of) == Ordering::Less);
        debug_assert!(
            run.get(at).is_none_or(|&s| s.ord != ord),
            "an op is added to a committee's order once"
        );
        run.insert(at, slot);
        if run.len() > RUN_MAX {
            let upper = run.split_off(run.len() / 2);
            // The insert doubled the run's buffer: the half kept here
            // gives the excess back.
            run.shrink_to_fit();
            self.runs.insert(r + 1, upper);
        }
    }

    /// The ordinal of the op that sorts last.
    pub(super) fn last(&self) -> Option<u32> {
        self.runs.last().and_then(|run| run.last()).map(|s| s.ord)
    }

    /// The ops whose keys sort after `start` (every op for `None`), in
    /// fold order.
    pub(super) fn after(
        &self,
        start: Option<(u64, Hash)>,
        id_of: impl Fn(u32) -> Hash,
    ) -> impl Iterator<Item = u32> + Clone + '_ {
        let (r, at) = match start {
            None => (0, 0),
            Some(key) => {
                let not_after = |s: &Slot| s.cmp_key(&key, &id_of) != Ordering::Greater;
                let r = self
                    .runs
                    .partition_point(|run| run.last().is_some_and(not_after));
                let at = self
                    .runs
                    .get(r)
                    .map_or(0, |run| run.partition_point(not_after));
                (r, at)
            }
        };
        let first: &[Slot] = self.runs.get(r).map_or(&[], |run| &run[at..]);
        let rest = self.runs.get(r + 1..).unwrap_or(&[]);
        first.iter().chain(rest.iter().flatten()).map(|s| s.ord)
    }

    /// Whether op `ord`, whose key is `key`, is here.
    pub(super) fn contains(&self, key: (u64, Hash), ord: u32, id_of: impl Fn(u32) -> Hash) -> bool {
        let r = self.runs.partition_point(|run| {
            run.last()
                .is_some_and(|&s| s.cmp_key(&key, &id_of) == Ordering::Less)
        });
        self.runs.get(r).is_some_and(|run| {
            let at = run.partition_point(|&s| s.cmp_key(&key, &id_of) == Ordering::Less);
            run.get(at).is_some_and(|s| s.ord == ord)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    fn id(ord: u32) -> Hash {
        // Few distinct ids per lamport would hide nothing: the ids are
        // scrambled so that ordinal order is not id order.
        let mut bytes = [0; 32];
        bytes[..4].copy_from_slice(&ord.wrapping_mul(2_654_435_761).to_be_bytes());
        Hash(bytes)
    }

    proptest! {
        /// Whatever the order ops arrive in, the runs hold what a sorted
        /// map of their keys holds, and answer every query as it does.
        #[test]
        fn fold_order_agrees_with_a_sorted_map(
            lamports in proptest::collection::vec(0u64..40, 0..3000),
            probes in proptest::collection::vec((0u64..41, any::<u32>()), 0..50),
        ) {
            let mut order = FoldOrder::default();
            let mut map = BTreeMap::new();
            for (ord, &lamport) in lamports.iter().enumerate() {
                let ord = ord as u32;
                order.insert((lamport, id(ord)), ord, id);
                map.insert((lamport, id(ord)), ord);
            }
            let all: Vec<u32> = order.after(None, id).collect();
            prop_assert_eq!(&all, &map.values().copied().collect::<Vec<_>>());
            prop_assert_eq!(order.last(), map.values().next_back().copied());
            prop_assert!(order.runs.iter().all(|run| !run.is_empty() && run.len() <= RUN_MAX));
            let held: Vec<((u64, Hash), u32)> = map.iter().map(|(&k, &o)| (k, o)).collect();
            let map_after = |key: (u64, Hash)| -> Vec<u32> {
                map.range((std::ops::Bound::Excluded(key), std::ops::Bound::Unbounded))
                    .map(|(_, &o)| o)
                    .collect()
            };
            for (lamport, pick) in probes {
                // A key between held ones, and a held one.
                let between = (lamport, id(pick));
                let after: Vec<u32> = order.after(Some(between), id).collect();
                prop_assert_eq!(after, map_after(between));
                if !held.is_empty() {
                    let (key, ord) = held[pick as usize % held.len()];
                    prop_assert!(order.contains(key, ord, id));
                    prop_assert!(!order.contains(key, ord.wrapping_add(1), id));
                    let after: Vec<u32> = order.after(Some(key), id).collect();
                    prop_assert_eq!(after, map_after(key));
                }
            }
        }
    }
}
