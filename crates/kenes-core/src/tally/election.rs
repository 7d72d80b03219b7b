//! Elections by the Schulze method with "winning votes" (DESIGN §4,
//! "Counting rules"), fast enough for national elections.
//!
//! The pairwise counts from the ballots are the hot part. A ballot that
//! ranks `p₀, p₁, …, pₘ₋₁` prefers each `pₜ` to every candidate outside
//! `{p₀, …, pₜ}`, so what a ballot adds depends only on each prefix's *set*
//! and its last candidate. With few candidates the weights are first summed
//! per (prefix set, last candidate), one addition per ranked name, and the
//! matrix is built once from those sums; with many, each ballot adds its
//! row segments directly from a position array. Both use flat arrays and
//! [`Count`], an exact counter that no sum of u128 weights can overflow.
//! The tie-break hash is computed only when two candidates tie.
//!
//! The result is the one of the plain definition (the tests below check it
//! against a naive count on random ballots), and `kenes-spec` checks it
//! against the design independently.

use crate::types::{Hash, PublicKey};
use serde::{Deserialize, Serialize};
use std::cmp::Reverse;

/// The result of a Schulze election.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElectionResult {
    /// Every candidate, best first.
    pub order: Vec<PublicKey>,
    /// For each candidate in `order`, how many others it beats in the
    /// strongest-path relation.
    pub wins: Vec<usize>,
    /// The first `seats` of `order`.
    pub elected: Vec<PublicKey>,
}

/// Up to this many candidates, ballots are summed per (prefix set, last
/// candidate) before the matrix is built: `2^12 · 12` counters, 1.5 MB.
const MAX_SET_CANDIDATES: usize = 12;

/// Elects `seats` of `candidates` by the Schulze method with "winning
/// votes" strengths.
///
/// Each ballot is a weight and a ranking, best first; candidates a ballot
/// does not rank come after all it ranks, equal among themselves, a name
/// ranked twice counts where it first appears, and names that are not
/// candidates are ignored. Candidates are ordered by how many others they
/// beat in the strongest-path relation, most first. Ties go to the lowest
/// `BLAKE3(sorted ids of the counted ballots ‖ candidate key)`, which the
/// proposer cannot choose in advance.
///
/// Counts are exact for any weights (no wrapping, no panic).
pub fn schulze(
    candidates: &[PublicKey],
    ballots: &[(u128, Vec<PublicKey>)],
    counted_ballot_ids: &[Hash],
    seats: usize,
) -> ElectionResult {
    let index = CandidateIndex::new(candidates);
    let n = index.keys.len();
    let by_sets = n <= MAX_SET_CANDIDATES && (1usize << n) <= ballots.len();
    let preferred = if by_sets {
        preferences_by_sets(&index, ballots)
    } else {
        preferences_by_positions(&index, ballots)
    };
    let wins = beaten_counts(n, &preferred);
    let order = order_by_wins(&index.keys, &wins, counted_ballot_ids);
    let order_keys: Vec<PublicKey> = order.iter().map(|&i| index.keys[i]).collect();
    ElectionResult {
        wins: order.iter().map(|&i| wins[i]).collect(),
        elected: order_keys.iter().take(seats).copied().collect(),
        order: order_keys,
    }
}

/// An exact sum of u128 weights: `carries · 2^128 + low`. Fewer than 2^64
/// additions (a slice cannot hold more ballots) cannot overflow it, and the
/// derived order (carries first) is the order of the numbers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
struct Count {
    carries: u64,
    low: u128,
}

impl Count {
    /// Adds one weight.
    fn add(&mut self, weight: u128) {
        let (low, carry) = self.low.overflowing_add(weight);
        self.low = low;
        self.carries += u64::from(carry);
    }

    /// Adds another sum.
    fn add_count(&mut self, other: Count) {
        self.add(other.low);
        self.carries += other.carries;
    }

    fn is_zero(&self) -> bool {
        *self == Count::default()
    }
}

/// The distinct candidates, sorted, and a fast exact lookup from key to
/// index: a binary search over the keys' first eight bytes, confirmed on
/// the whole key.
struct CandidateIndex {
    keys: Vec<PublicKey>,
    prefixes: Vec<u64>,
}

impl CandidateIndex {
    fn new(candidates: &[PublicKey]) -> Self {
        let mut keys = candidates.to_vec();
        keys.sort();
        keys.dedup();
        let prefixes = keys.iter().map(prefix).collect();
        CandidateIndex { keys, prefixes }
    }

    /// The index of `key`, if it is a candidate.
    fn get(&self, key: &PublicKey) -> Option<usize> {
        let wanted = prefix(key);
        let start = self.prefixes.partition_point(|&p| p < wanted);
        (start..self.keys.len())
            .take_while(|&i| self.prefixes[i] == wanted)
            .find(|&i| self.keys[i] == *key)
    }
}

/// The first eight bytes of a key, big-endian, so that prefixes sort as
/// the keys do.
fn prefix(key: &PublicKey) -> u64 {
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&key.0[..8]);
    u64::from_be_bytes(bytes)
}

/// `d[i·n + j]`, the weight of ballots ranking `i` above `j`, summed per
/// (prefix set, last candidate) first: one addition per ranked name, then
/// `n` per non-empty sum. Needs `n ≤ MAX_SET_CANDIDATES`.
fn preferences_by_sets(index: &CandidateIndex, ballots: &[(u128, Vec<PublicKey>)]) -> Vec<Count> {
    let n = index.keys.len();
    // sums[set · n + last]: weight of ballots whose ranking has a prefix
    // made of the candidates in `set` that ends with `last`.
    let mut sums = vec![Count::default(); (1usize << n) * n];
    for (weight, ranking) in ballots {
        let mut set = 0usize;
        for key in ranking {
            if let Some(i) = index.get(key)
                && set & (1 << i) == 0
            {
                set |= 1 << i;
                sums[set * n + i].add(*weight);
            }
        }
    }
    let mut d = vec![Count::default(); n * n];
    for set in 1..(1usize << n) {
        for last in (0..n).filter(|&i| set & (1 << i) != 0) {
            let sum = sums[set * n + last];
            if sum.is_zero() {
                continue;
            }
            for other in (0..n).filter(|&j| set & (1 << j) == 0) {
                d[last * n + other].add_count(sum);
            }
        }
    }
    d
}

/// `d[i·n + j]` as [`preferences_by_sets`], for any number of candidates:
/// each ranked name adds the ballot's weight against every candidate not
/// ranked at or before it.
fn preferences_by_positions(
    index: &CandidateIndex,
    ballots: &[(u128, Vec<PublicKey>)],
) -> Vec<Count> {
    let n = index.keys.len();
    let mut d = vec![Count::default(); n * n];
    let mut placed = vec![false; n];
    let mut ranked = Vec::with_capacity(n);
    for (weight, ranking) in ballots {
        for key in ranking {
            let Some(i) = index.get(key) else { continue };
            if placed[i] {
                continue;
            }
            placed[i] = true;
            ranked.push(i);
            let row = &mut d[i * n..(i + 1) * n];
            for (count, _) in row.iter_mut().zip(&placed).filter(|(_, p)| !**p) {
                count.add(*weight);
            }
        }
        for i in ranked.drain(..) {
            placed[i] = false;
        }
    }
    d
}

/// For each candidate, how many others it beats in the strongest-path
/// relation: winning-votes link strengths, then widest paths
/// (Floyd–Warshall) on a flat `n × n` array.
fn beaten_counts(n: usize, d: &[Count]) -> Vec<usize> {
    let mut p = vec![Count::default(); n * n];
    for i in 0..n {
        for j in 0..n {
            if i != j && d[i * n + j] > d[j * n + i] {
                p[i * n + j] = d[i * n + j];
            }
        }
    }
    for k in 0..n {
        for i in 0..n {
            if i == k {
                continue;
            }
            let via = p[i * n + k];
            if via.is_zero() {
                continue;
            }
            for j in 0..n {
                if j != i && j != k {
                    let through = via.min(p[k * n + j]);
                    if through > p[i * n + j] {
                        p[i * n + j] = through;
                    }
                }
            }
        }
    }
    (0..n)
        .map(|i| {
            (0..n)
                .filter(|&j| j != i && p[i * n + j] > p[j * n + i])
                .count()
        })
        .collect()
}

/// Indices of `keys`, most wins first; equal wins by the lowest
/// `BLAKE3(sorted ids ‖ key)`, hashed only if two candidates tie.
fn order_by_wins(keys: &[PublicKey], wins: &[usize], counted_ballot_ids: &[Hash]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_by_key(|&i| Reverse(wins[i]));
    if order.windows(2).all(|w| wins[w[0]] != wins[w[1]]) {
        return order;
    }
    let mut ids = counted_ballot_ids.to_vec();
    ids.sort_unstable();
    let mut ballots_hasher = blake3::Hasher::new();
    for id in &ids {
        ballots_hasher.update(&id.0);
    }
    let tie_keys: Vec<[u8; 32]> = keys
        .iter()
        .map(|key| {
            let mut hasher = ballots_hasher.clone();
            hasher.update(&key.0);
            *hasher.finalize().as_bytes()
        })
        .collect();
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_by_key(|&i| (Reverse(wins[i]), tie_keys[i]));
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn k(c: char) -> PublicKey {
        PublicKey([c as u8; 32])
    }

    fn ballots(spec: &[(u128, &str)]) -> Vec<(u128, Vec<PublicKey>)> {
        spec.iter()
            .map(|(w, r)| (*w, r.chars().map(k).collect()))
            .collect()
    }

    #[test]
    fn schulze_45_voter_example() {
        // Schulze (2011), the 45-voter example: E wins, E > A > C > B > D.
        let b = ballots(&[
            (5, "ACBED"),
            (5, "ADECB"),
            (8, "BEDAC"),
            (3, "CABED"),
            (7, "CAEBD"),
            (2, "CBADE"),
            (7, "DCEBA"),
            (8, "EBADC"),
        ]);
        let result = schulze(&"ABCDE".chars().map(k).collect::<Vec<_>>(), &b, &[], 1);
        assert_eq!(result.order, "EACBD".chars().map(k).collect::<Vec<_>>());
        assert_eq!(result.elected, vec![k('E')]);
        assert_eq!(result.wins, vec![4, 3, 2, 1, 0]);
    }

    #[test]
    fn schulze_21_voter_example_with_a_cycle() {
        // Schulze (2011), the first example: 21 voters, no Condorcet
        // winner (A > C > D > B > A...), D wins on beat-paths.
        let b = ballots(&[
            (8, "ACDB"),
            (2, "BADC"),
            (4, "CDBA"),
            (4, "DBAC"),
            (3, "DCBA"),
        ]);
        let result = schulze(&"ABCD".chars().map(k).collect::<Vec<_>>(), &b, &[], 2);
        assert_eq!(result.elected[0], k('D'));
        assert_eq!(result.wins[0], 3);
    }

    #[test]
    fn ties_break_by_ballot_hash_not_by_key_order() {
        let b = ballots(&[(1, "AB"), (1, "BA")]);
        let cands = vec![k('A'), k('B')];
        let one = schulze(&cands, &b, &[Hash([1; 32])], 1);
        assert_eq!(one.wins, vec![0, 0]);
        // The winner follows the hash of the counted ballots; across many
        // ballot sets both candidates must win sometimes.
        let winners: std::collections::BTreeSet<PublicKey> = (0..32u8)
            .map(|i| schulze(&cands, &b, &[Hash([i; 32])], 1).elected[0])
            .collect();
        assert_eq!(winners.len(), 2);
    }

    fn arb_ballots() -> impl Strategy<Value = Vec<(u128, Vec<u8>)>> {
        proptest::collection::vec(
            (1u128..5, Just((0u8..5).collect::<Vec<u8>>()).prop_shuffle()),
            1..30,
        )
    }

    proptest! {
        #[test]
        fn a_condorcet_winner_always_wins(raw in arb_ballots()) {
            let cands: Vec<PublicKey> = (0..5u8).map(|i| PublicKey([i + 1; 32])).collect();
            let b: Vec<(u128, Vec<PublicKey>)> = raw
                .iter()
                .map(|(w, r)| (*w, r.iter().map(|&i| cands[i as usize]).collect()))
                .collect();
            let prefers = |x: usize, y: usize| -> u128 {
                raw.iter()
                    .filter(|(_, r)| r.iter().position(|&c| c as usize == x) < r.iter().position(|&c| c as usize == y))
                    .map(|(w, _)| *w)
                    .sum()
            };
            let condorcet = (0..5).find(|&x| (0..5).all(|y| y == x || prefers(x, y) > prefers(y, x)));
            let result = schulze(&cands, &b, &[], 1);
            if let Some(x) = condorcet {
                prop_assert_eq!(result.elected[0], cands[x]);
                prop_assert_eq!(result.wins[0], 4);
            }
        }
    }

    /// Schulze as written in the definition, with nothing clever: positions
    /// by linear search, a nested matrix, every tie key hashed in full.
    fn naive_preferences(
        candidates: &[PublicKey],
        ballots: &[(u128, Vec<PublicKey>)],
    ) -> Vec<Vec<u128>> {
        let n = candidates.len();
        let mut d = vec![vec![0u128; n]; n];
        for (weight, ranking) in ballots {
            let position =
                |c: &PublicKey| ranking.iter().position(|r| r == c).unwrap_or(usize::MAX);
            for i in 0..n {
                for j in 0..n {
                    if i != j && position(&candidates[i]) < position(&candidates[j]) {
                        d[i][j] += weight;
                    }
                }
            }
        }
        d
    }

    fn naive_schulze(
        candidates: &[PublicKey],
        ballots: &[(u128, Vec<PublicKey>)],
        ids: &[Hash],
        seats: usize,
    ) -> ElectionResult {
        let mut unique = candidates.to_vec();
        unique.sort();
        unique.dedup();
        let n = unique.len();
        let d = naive_preferences(&unique, ballots);
        let mut p = vec![vec![0u128; n]; n];
        for i in 0..n {
            for j in 0..n {
                if d[i][j] > d[j][i] {
                    p[i][j] = d[i][j];
                }
            }
        }
        for k in 0..n {
            for i in 0..n {
                for j in 0..n {
                    if i != j && i != k && j != k {
                        p[i][j] = p[i][j].max(p[i][k].min(p[k][j]));
                    }
                }
            }
        }
        let wins: Vec<usize> = (0..n)
            .map(|i| (0..n).filter(|&j| p[i][j] > p[j][i]).count())
            .collect();
        let mut sorted_ids = ids.to_vec();
        sorted_ids.sort();
        let tie_key = |key: &PublicKey| {
            let mut bytes = Vec::new();
            for id in &sorted_ids {
                bytes.extend_from_slice(&id.0);
            }
            bytes.extend_from_slice(&key.0);
            *blake3::hash(&bytes).as_bytes()
        };
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| {
            wins[b]
                .cmp(&wins[a])
                .then(tie_key(&unique[a]).cmp(&tie_key(&unique[b])))
        });
        let order_keys: Vec<PublicKey> = order.iter().map(|&i| unique[i]).collect();
        ElectionResult {
            wins: order.iter().map(|&i| wins[i]).collect(),
            elected: order_keys.iter().take(seats).copied().collect(),
            order: order_keys,
        }
    }

    /// Candidates, weighted rankings, counted ballot ids and seats.
    type Election = (
        Vec<PublicKey>,
        Vec<(u128, Vec<PublicKey>)>,
        Vec<Hash>,
        usize,
    );

    /// Name `j` of the pool: names 2m and 2m + 1 share their first eight
    /// bytes, so the index must confirm the whole key.
    fn name(j: u8) -> PublicKey {
        let mut key = [0u8; 32];
        key[7] = j / 2;
        key[31] = j;
        PublicKey(key)
    }

    /// An election: candidates (in any order, maybe repeated), and ballots
    /// drawn with repetition from a few distinct rankings. Rankings are
    /// partial, may repeat a name and may name non-candidates (the pool has
    /// two names more than there are candidates).
    fn arb_election() -> impl Strategy<Value = Election> {
        (0u8..=14).prop_flat_map(|n| {
            let pool = n + 2;
            let ranking = proptest::collection::vec(0..pool, 0..=usize::from(n) + 3);
            (
                Just((0..n).map(name).collect::<Vec<_>>()).prop_shuffle(),
                proptest::collection::vec(0..pool, 0..3),
                proptest::collection::vec((1u128..6, ranking), 1..12),
                proptest::collection::vec(any::<prop::sample::Index>(), 0..400),
                proptest::collection::vec(any::<[u8; 4]>(), 0..6),
                0..=usize::from(n),
            )
                .prop_map(|(mut candidates, extra, distinct, picks, ids, seats)| {
                    // A name listed twice, or a non-candidate listed, is
                    // one more candidate once.
                    candidates.extend(extra.into_iter().map(name));
                    let ballots = picks
                        .iter()
                        .map(|pick| {
                            let (w, r) = &distinct[pick.index(distinct.len())];
                            (*w, r.iter().copied().map(name).collect())
                        })
                        .collect();
                    let ids = ids.iter().map(|b| Hash::of(b)).collect();
                    (candidates, ballots, ids, seats)
                })
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 600, ..ProptestConfig::default() })]

        /// Both ways of summing the ballots give the naive pairwise counts,
        /// and the whole election gives the naive result.
        #[test]
        fn schulze_matches_a_naive_count((candidates, ballots, ids, seats) in arb_election()) {
            let index = CandidateIndex::new(&candidates);
            let n = index.keys.len();
            let naive: Vec<Count> = naive_preferences(&index.keys, &ballots)
                .into_iter()
                .flatten()
                .map(|low| Count { carries: 0, low })
                .collect();
            prop_assert_eq!(&preferences_by_positions(&index, &ballots), &naive);
            if n <= MAX_SET_CANDIDATES {
                prop_assert_eq!(&preferences_by_sets(&index, &ballots), &naive);
            }
            prop_assert_eq!(
                schulze(&candidates, &ballots, &ids, seats),
                naive_schulze(&candidates, &ballots, &ids, seats)
            );
        }

        /// Multiplying every weight by the same factor changes nothing,
        /// even when the counts go far past u128.
        #[test]
        fn weights_past_u128_count_exactly(
            (candidates, ballots, ids, seats) in arb_election(),
            factor in (u128::MAX / 8)..=(u128::MAX / 5),
        ) {
            let scaled: Vec<(u128, Vec<PublicKey>)> = ballots
                .iter()
                .map(|(w, r)| (w * factor, r.clone()))
                .collect();
            prop_assert_eq!(
                schulze(&candidates, &scaled, &ids, seats),
                naive_schulze(&candidates, &ballots, &ids, seats)
            );
        }
    }

    #[test]
    fn a_count_carries_past_u128() {
        let mut count = Count::default();
        count.add(u128::MAX);
        count.add(2);
        assert_eq!(count, Count { carries: 1, low: 1 });
        let mut other = Count {
            carries: 0,
            low: u128::MAX,
        };
        other.add_count(count);
        assert_eq!(other, Count { carries: 2, low: 0 });
        assert!(
            other
                > Count {
                    carries: 1,
                    low: u128::MAX
                }
        );
    }
}
