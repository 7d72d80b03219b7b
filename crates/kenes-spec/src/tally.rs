//! Counting (§4, "Counting rules"): E(P) with its weights, decisions with
//! their thresholds, and elections by Schulze with winning votes.
//!
//! All arithmetic is on `u128` integers; ratios are compared by cross
//! multiplication, so nothing is rounded. Weights are small integers
//! (a committee's voters weigh one; a council's seats are scaled by the
//! least common multiple of the seat counts), far from overflow.

use kenes_core::body::{CouncilWeighting, ProposalKind, Ratio};
use kenes_core::tally::Choice;
use kenes_core::{Hash, PublicKey};
use std::collections::{BTreeMap, BTreeSet};

use crate::model::SpecState;

/// E(P) and the rules of its count, read in `state(past(P))`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Electorate {
    /// Voters and their weights.
    pub voters: BTreeMap<PublicKey, u128>,
    /// Sum of the weights.
    pub total: u128,
    /// Share of the weight that must take part.
    pub quorum: Ratio,
    /// Consensus mode.
    pub consensus: bool,
    /// Removal, recall and policy changes: ⅔ and an absolute majority.
    pub strong: bool,
}

fn gcd(a: u128, b: u128) -> u128 {
    if b == 0 { a } else { gcd(b, a % b) }
}

impl Electorate {
    /// E(P) for a proposal of `kind` in `committee`, in `state`.
    pub fn of(state: &SpecState, committee: &Hash, kind: &ProposalKind) -> Electorate {
        let mut voters = BTreeMap::new();
        let (quorum, consensus) = match state.committees.get(committee) {
            Some(c) => (c.policy.quorum, c.policy.consensus),
            None => (Ratio::HALF, false),
        };
        if let Some(c) = state.committees.get(committee) {
            if !c.is_council {
                for member in &c.members {
                    voters.insert(*member, 1u128);
                }
            } else if let Some(convenor) = c.active_convenor() {
                voters.insert(convenor, 1);
            } else {
                let seats = state.standing_seats(c);
                // Scale so each seat's weight (members ÷ seats) is an integer.
                let lcm = seats
                    .values()
                    .map(|d| d.len() as u128)
                    .fold(1u128, |acc, n| acc / gcd(acc, n) * n);
                for (electing, delegates) in &seats {
                    let weight = match c.policy.council_weighting {
                        CouncilWeighting::OnePerSeat => 1,
                        CouncilWeighting::RepresentedMembers => {
                            let represented = state
                                .committees
                                .get(electing)
                                .map_or(0, |e| e.members.len() as u128);
                            represented * lcm / delegates.len() as u128
                        }
                    };
                    for delegate in delegates {
                        *voters.entry(*delegate).or_insert(0) += weight;
                    }
                }
            }
        }
        if let Some(subject) = kind.subject() {
            voters.remove(&subject);
        }
        let strong = matches!(
            kind,
            ProposalKind::RemoveMember { .. }
                | ProposalKind::Recall { .. }
                | ProposalKind::PolicyChange { .. }
        );
        Electorate {
            total: voters.values().sum(),
            voters,
            quorum,
            consensus,
            strong,
        }
    }

    fn quorum_met(&self, turnout: u128) -> bool {
        turnout * u128::from(self.quorum.1) >= u128::from(self.quorum.0) * self.total
    }
}

/// Why a proposal failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// Turnout below quorum.
    NoQuorum,
    /// No yes or no weight (no ranked ballot, for an election).
    NoVotes,
    /// A block in consensus mode, on an ordinary decision.
    Blocked,
    /// Yes below the threshold.
    Threshold,
    /// Yes not above half of E(P)'s weight.
    NoAbsoluteMajority,
    /// Passed on its own, not in the removal layer.
    RemovedProposer,
}

/// The result of a count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tally {
    /// `None` if it passed.
    pub failure: Option<Failure>,
    /// An election's delegates, best first.
    pub elected: Vec<PublicKey>,
    /// Voters whose counted ballot was yes (for settled weights).
    pub yes_voters: BTreeSet<PublicKey>,
}

/// Counts a decision. Each ballot is a voter in E(P) and their choice.
pub fn count_decision(electorate: &Electorate, ballots: &[(PublicKey, Choice)]) -> Tally {
    let (mut yes, mut no, mut abstain, mut block) = (0u128, 0u128, 0u128, 0u128);
    let mut yes_voters = BTreeSet::new();
    for (voter, choice) in ballots {
        let weight = electorate.voters.get(voter).copied().unwrap_or(0);
        match choice {
            Choice::Yes => {
                yes += weight;
                yes_voters.insert(*voter);
            }
            Choice::No => no += weight,
            Choice::Abstain => abstain += weight,
            // A block outside consensus mode counts for nothing.
            Choice::Block if electorate.consensus => block += weight,
            Choice::Block => {}
        }
    }
    let turnout = yes + no + abstain + block;
    let failure = if !electorate.quorum_met(turnout) {
        Some(Failure::NoQuorum)
    } else if yes + no == 0 {
        Some(Failure::NoVotes)
    } else if electorate.strong {
        if yes * 3 < 2 * (yes + no) {
            Some(Failure::Threshold)
        } else if yes * 2 <= electorate.total {
            Some(Failure::NoAbsoluteMajority)
        } else {
            None
        }
    } else if electorate.consensus && block > 0 {
        Some(Failure::Blocked)
    } else if yes * 2 <= yes + no {
        Some(Failure::Threshold)
    } else {
        None
    };
    Tally {
        failure,
        elected: Vec::new(),
        yes_voters,
    }
}

/// One counted election ballot: voter, vote op id, ranking.
pub type RankedBallot = (PublicKey, Hash, Vec<PublicKey>);

/// Counts an election of `seats` delegates from `candidates` by Schulze
/// (winning votes); candidates ordered by how many others they beat in the
/// strongest-path relation, ties by the lowest
/// `BLAKE3(sorted ids of counted ballots ‖ candidate key)`.
pub fn count_election(
    electorate: &Electorate,
    candidates: &[PublicKey],
    seats: u32,
    ballots: &[RankedBallot],
) -> Tally {
    let mut unique: Vec<PublicKey> = Vec::new();
    for candidate in candidates {
        if !unique.contains(candidate) {
            unique.push(*candidate);
        }
    }
    let turnout: u128 = ballots
        .iter()
        .map(|(voter, _, _)| electorate.voters.get(voter).copied().unwrap_or(0))
        .sum();
    let failure = if !electorate.quorum_met(turnout) {
        Some(Failure::NoQuorum)
    } else if ballots.is_empty() {
        Some(Failure::NoVotes)
    } else {
        None
    };
    if failure.is_some() {
        return Tally {
            failure,
            elected: Vec::new(),
            yes_voters: BTreeSet::new(),
        };
    }
    let n = unique.len();
    // d[a][b]: weight of ballots ranking a above b (unranked tie last).
    let mut preferred = vec![vec![0u128; n]; n];
    for (voter, _, ranking) in ballots {
        let weight = electorate.voters.get(voter).copied().unwrap_or(0);
        let position = |candidate: &PublicKey| {
            ranking
                .iter()
                .position(|ranked| ranked == candidate)
                .unwrap_or(usize::MAX)
        };
        for a in 0..n {
            for b in 0..n {
                if a != b && position(&unique[a]) < position(&unique[b]) {
                    preferred[a][b] += weight;
                }
            }
        }
    }
    let mut strength = vec![vec![0u128; n]; n];
    for a in 0..n {
        for b in 0..n {
            if a != b && preferred[a][b] > preferred[b][a] {
                strength[a][b] = preferred[a][b];
            }
        }
    }
    for via in 0..n {
        for a in 0..n {
            for b in 0..n {
                if a != b && a != via && b != via {
                    let through = strength[a][via].min(strength[via][b]);
                    if through > strength[a][b] {
                        strength[a][b] = through;
                    }
                }
            }
        }
    }
    let mut ids: Vec<Hash> = ballots.iter().map(|(_, id, _)| *id).collect();
    ids.sort();
    let tiebreak = |candidate: &PublicKey| {
        let mut hasher = blake3::Hasher::new();
        for id in &ids {
            hasher.update(&id.0);
        }
        hasher.update(&candidate.0);
        *hasher.finalize().as_bytes()
    };
    let mut order: Vec<(usize, [u8; 32], PublicKey)> = (0..n)
        .map(|a| {
            let beaten = (0..n)
                .filter(|&b| b != a && strength[a][b] > strength[b][a])
                .count();
            (beaten, tiebreak(&unique[a]), unique[a])
        })
        .collect();
    order.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
    Tally {
        failure: None,
        elected: order
            .into_iter()
            .take(seats as usize)
            .map(|(_, _, candidate)| candidate)
            .collect(),
        yes_voters: BTreeSet::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u8) -> PublicKey {
        PublicKey([n; 32])
    }

    fn electorate(n: u8, strong: bool) -> Electorate {
        Electorate {
            voters: (1..=n).map(|i| (key(i), 1)).collect(),
            total: u128::from(n),
            quorum: Ratio::HALF,
            consensus: false,
            strong,
        }
    }

    #[test]
    fn removal_needs_two_thirds_and_an_absolute_majority() {
        let e = electorate(9, true);
        let ballots = |yes: u8, no: u8| -> Vec<(PublicKey, Choice)> {
            (1..=yes)
                .map(|i| (key(i), Choice::Yes))
                .chain((yes + 1..=yes + no).map(|i| (key(i), Choice::No)))
                .collect()
        };
        assert_eq!(count_decision(&e, &ballots(5, 0)).failure, None);
        assert_eq!(
            count_decision(&e, &ballots(5, 3)).failure,
            Some(Failure::Threshold)
        );
        assert_eq!(
            count_decision(&e, &ballots(4, 1)).failure,
            Some(Failure::NoAbsoluteMajority)
        );
    }

    #[test]
    fn schulze_orders_by_beaten_count() {
        let e = electorate(3, false);
        let id = |n: u8| Hash([n; 32]);
        let ballots = vec![
            (key(1), id(1), vec![key(7), key(8), key(9)]),
            (key(2), id(2), vec![key(7), key(9), key(8)]),
            (key(3), id(3), vec![key(8), key(7)]),
        ];
        let tally = count_election(&e, &[key(9), key(8), key(7)], 2, &ballots);
        assert_eq!(tally.elected, vec![key(7), key(8)]);
    }
}
