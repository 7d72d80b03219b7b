//! Counting rules (DESIGN §4, "Counting rules"): decisions with quorum,
//! thresholds and consensus blocks, and elections by the Schulze method.
//!
//! Pure functions over weighted ballots, with exact integer arithmetic.
//! Council weights that are rational (a committee's members divided by its
//! seats) are scaled to integers by the caller with [`scale_weights`]; every
//! rule here compares ratios, so scaling changes no result. The Schulze
//! count lives in its own module, re-exported here.

use crate::body::Ratio;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

mod election;
pub use election::{ElectionResult, schulze};

/// A ballot on a decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Choice {
    /// In favour.
    Yes,
    /// Against.
    No,
    /// Counts for turnout only.
    Abstain,
    /// Consensus mode: a single block fails an ordinary decision.
    Block,
}

/// Which threshold a decision needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Threshold {
    /// More than half of yes + no.
    Ordinary,
    /// Removal, recall and policy changes: at least two thirds of yes + no,
    /// and yes weight above half of the whole electorate's weight. Blocks
    /// are ignored.
    Strong,
}

/// Why a decision did not pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum Failure {
    /// Turnout below the quorum.
    #[error("turnout below quorum")]
    NoQuorum,
    /// No yes or no votes at all.
    #[error("no yes or no votes")]
    NoVotes,
    /// Yes did not reach the threshold.
    #[error("threshold not reached")]
    Threshold,
    /// Yes did not reach more than half of the electorate's weight.
    #[error("no absolute majority of the electorate")]
    NoAbsoluteMajority,
    /// Blocked in consensus mode.
    #[error("blocked")]
    Blocked,
    /// A removal that passed on its own but not once the ops of members
    /// removed before it were taken out (DESIGN §4, "The removal layer").
    #[error("passed only with ops of removed members")]
    RemovedProposer,
}

/// The count of a decision.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionCount {
    /// Weight of yes ballots.
    pub yes: u128,
    /// Weight of no ballots.
    pub no: u128,
    /// Weight of abstentions.
    pub abstain: u128,
    /// Weight of blocks.
    pub block: u128,
    /// Weight of election rankings.
    pub ranked: u128,
    /// Total weight of the electorate E(P).
    pub electorate: u128,
}

impl DecisionCount {
    /// Adds one counted ballot.
    pub fn add(&mut self, choice: Choice, weight: u128) {
        match choice {
            Choice::Yes => self.yes += weight,
            Choice::No => self.no += weight,
            Choice::Abstain => self.abstain += weight,
            Choice::Block => self.block += weight,
        }
    }

    /// Weight of every counted ballot, abstentions and blocks included.
    pub fn turnout(&self) -> u128 {
        self.yes + self.no + self.abstain + self.block + self.ranked
    }

    /// True if turnout reaches `quorum` of the electorate's weight.
    pub fn has_quorum(&self, quorum: Ratio) -> bool {
        let (n, d) = (u128::from(quorum.0), u128::from(quorum.1.max(1)));
        products_cmp(self.turnout(), d, n, self.electorate) != Ordering::Less
    }

    /// Decides: quorum first, then blocks (consensus, ordinary only), then
    /// the threshold, then (strong only) the absolute majority.
    pub fn decide(
        &self,
        threshold: Threshold,
        quorum: Ratio,
        consensus: bool,
    ) -> Result<(), Failure> {
        if !self.has_quorum(quorum) {
            return Err(Failure::NoQuorum);
        }
        if consensus && threshold == Threshold::Ordinary && self.block > 0 {
            return Err(Failure::Blocked);
        }
        let cast = self.yes + self.no;
        if cast == 0 {
            return Err(Failure::NoVotes);
        }
        match threshold {
            Threshold::Ordinary => {
                if products_cmp(self.yes, 2, cast, 1) != Ordering::Greater {
                    return Err(Failure::Threshold);
                }
            }
            Threshold::Strong => {
                if products_cmp(self.yes, 3, cast, 2) == Ordering::Less {
                    return Err(Failure::Threshold);
                }
                if products_cmp(self.yes, 2, self.electorate, 1) != Ordering::Greater {
                    return Err(Failure::NoAbsoluteMajority);
                }
            }
        }
        Ok(())
    }
}

/// `a·b` against `c·d`, exactly, for any u128 values: the products are
/// compared as 256-bit numbers, so no weight, however large, wraps or
/// panics. (No crate needed for one widening multiply.)
pub fn products_cmp(a: u128, b: u128, c: u128, d: u128) -> Ordering {
    wide_mul(a, b).cmp(&wide_mul(c, d))
}

/// The 256-bit product of two u128 values as `(high, low)` halves.
fn wide_mul(a: u128, b: u128) -> (u128, u128) {
    const HALF: u32 = 64;
    const MASK: u128 = (1 << HALF) - 1;
    let (a_hi, a_lo) = (a >> HALF, a & MASK);
    let (b_hi, b_lo) = (b >> HALF, b & MASK);
    let lo_lo = a_lo * b_lo;
    let hi_lo = a_hi * b_lo;
    let lo_hi = a_lo * b_hi;
    let hi_hi = a_hi * b_hi;
    // Middle terms, each < 2^128; their sum with the carry can take 129
    // bits, so add them in halves.
    let middle = (lo_lo >> HALF) + (hi_lo & MASK) + (lo_hi & MASK);
    let low = (middle << HALF) | (lo_lo & MASK);
    let high = hi_hi + (hi_lo >> HALF) + (lo_hi >> HALF) + (middle >> HALF);
    (high, low)
}

/// Integer weights proportional to `members / seats` for each seat, for
/// `RepresentedMembers` council weighting: each is multiplied by the least
/// common multiple of the seat counts. Input: per seat, its committee's
/// `(members, seats in the council)`.
///
/// The outcome is defined for any input: if the multiple, a weight or
/// their sum would not fit in a u128 (thousands of committees with
/// distinct seat counts), every seat weighs 1, as with `OnePerSeat`.
pub fn scale_weights(seats: &[(u64, u64)]) -> Vec<u128> {
    fn gcd(a: u128, b: u128) -> u128 {
        if b == 0 { a } else { gcd(b, a % b) }
    }
    let scaled = || -> Option<Vec<u128>> {
        let lcm = seats
            .iter()
            .map(|&(_, s)| u128::from(s.max(1)))
            .try_fold(1u128, |acc, s| (acc / gcd(acc, s)).checked_mul(s))?;
        let weights = seats
            .iter()
            .map(|&(members, s)| u128::from(members).checked_mul(lcm / u128::from(s.max(1))))
            .collect::<Option<Vec<u128>>>()?;
        weights
            .iter()
            .try_fold(0u128, |sum, w| sum.checked_add(*w))?;
        Some(weights)
    };
    scaled().unwrap_or_else(|| vec![1; seats.len()])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn products_compare_as_exact_integers(a: u64, b: u64, c: u64, d: u64, shift in 0u32..64) {
            let (a, b, c, d) = (u128::from(a), u128::from(b), u128::from(c), u128::from(d));
            prop_assert_eq!(products_cmp(a, b, c, d), (a * b).cmp(&(c * d)));
            // Scaling both sides by the same powers of two keeps the order,
            // with products far past u128.
            let (b2, d2) = (b << shift, d << shift);
            prop_assert_eq!(products_cmp(a << 64, b2, c << 64, d2), (a * b).cmp(&(c * d)));
        }
    }

    #[test]
    fn huge_weights_decide_without_wrapping() {
        let count = DecisionCount {
            yes: u128::MAX / 2 + 1,
            no: u128::MAX / 2 - 1,
            electorate: u128::MAX,
            ..DecisionCount::default()
        };
        assert_eq!(
            count.decide(Threshold::Ordinary, Ratio(1, 2), false),
            Ok(())
        );
        assert_eq!(
            count.decide(Threshold::Strong, Ratio(1, 2), false),
            Err(Failure::Threshold)
        );
    }

    #[test]
    fn weights_that_cannot_fit_fall_back_to_one_per_seat() {
        // The least common multiple of 1..=120 is far beyond u128.
        let seats: Vec<(u64, u64)> = (1..=120).map(|s| (u64::MAX, s)).collect();
        assert_eq!(scale_weights(&seats), vec![1; 120]);
        assert_eq!(scale_weights(&[(10, 2), (9, 3)]), vec![30, 18]);
    }

    #[test]
    fn decisions_follow_the_thresholds_exactly() {
        let count = |yes, no, abstain, block, electorate| DecisionCount {
            yes,
            no,
            abstain,
            block,
            electorate,
            ranked: 0,
        };
        let half = Ratio(1, 2);
        // Ordinary: more than half of yes + no.
        assert_eq!(
            count(3, 2, 0, 0, 5).decide(Threshold::Ordinary, half, false),
            Ok(())
        );
        assert_eq!(
            count(2, 2, 1, 0, 5).decide(Threshold::Ordinary, half, false),
            Err(Failure::Threshold)
        );
        assert_eq!(
            count(0, 0, 5, 0, 5).decide(Threshold::Ordinary, half, false),
            Err(Failure::NoVotes)
        );
        // Quorum: turnout 2 of 5 is below one half; 3 of 6 reaches it.
        assert_eq!(
            count(2, 0, 0, 0, 5).decide(Threshold::Ordinary, half, false),
            Err(Failure::NoQuorum)
        );
        assert_eq!(
            count(3, 0, 0, 0, 6).decide(Threshold::Ordinary, half, false),
            Ok(())
        );
        // Consensus: one block fails an ordinary decision, not a strong one.
        assert_eq!(
            count(9, 0, 0, 1, 10).decide(Threshold::Ordinary, half, true),
            Err(Failure::Blocked)
        );
        assert_eq!(
            count(9, 0, 0, 1, 10).decide(Threshold::Strong, half, true),
            Ok(())
        );
        // Strong: two thirds of yes + no exactly is enough...
        assert_eq!(
            count(4, 2, 0, 0, 6).decide(Threshold::Strong, half, false),
            Ok(())
        );
        assert_eq!(
            count(3, 2, 0, 0, 5).decide(Threshold::Strong, half, false),
            Err(Failure::Threshold)
        );
        // ...but not without more than half of the whole electorate.
        assert_eq!(
            count(4, 2, 0, 0, 10).decide(Threshold::Strong, Ratio(0, 1), false),
            Err(Failure::NoAbsoluteMajority)
        );
        assert_eq!(
            count(5, 0, 0, 0, 10).decide(Threshold::Strong, Ratio(0, 1), false),
            Err(Failure::NoAbsoluteMajority)
        );
    }

    #[test]
    fn represented_members_weights_are_exact() {
        // Committee X: 10 members, 2 seats; Y: 9 members, 3 seats.
        let w = scale_weights(&[(10, 2), (10, 2), (9, 3), (9, 3), (9, 3)]);
        // 5 : 5 : 3 : 3 : 3, scaled by lcm(2, 3) = 6.
        assert_eq!(w, vec![30, 30, 18, 18, 18]);
    }
}
