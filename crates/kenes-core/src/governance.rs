//! Proposals, votes and closes (DESIGN §4, "Tallies"): who is in a
//! proposal's electorate, which ballots count, and the record a proposal
//! leaves in its committee's state.
//!
//! What is fixed when the proposal is accepted (its electorate E(P), read
//! in `state(past(P))`, with the policy's quorum and consensus mode) is an
//! [`Electorate`]. What depends on the set of ops (the counting closes, the
//! counted cut K(P) and so the result) is asked of a [`FoldContext`], which
//! the engine answers incrementally and the reference evaluator naively.

use crate::body::{Ballot, CouncilWeighting, ProposalKind, Ratio, Text};
use crate::state::{Committee, PastView};
use crate::tally::{DecisionCount, Failure, Threshold, scale_weights, schulze};
use crate::types::{Hash, PublicKey};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// E(P) and the rules of its count, fixed by `state(past(P))`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Electorate {
    /// Voters and their weights.
    pub voters: BTreeMap<PublicKey, u128>,
    /// Sum of the weights.
    pub total: u128,
    /// Share of the weight that must take part.
    pub quorum: Ratio,
    /// Consensus mode.
    pub consensus: bool,
    /// Ordinary or strong threshold.
    pub threshold: Threshold,
}

impl Electorate {
    /// E(P) for a proposal of `kind` in `committee` as it stands in the
    /// proposal's past: a committee's members, or a council's seats (its
    /// convenor before any seat was filled), never the subject of a removal or
    /// recall.
    pub fn of(past: &impl PastView, committee: &Committee, kind: &ProposalKind) -> Electorate {
        let subject = kind.subject();
        let mut voters = if committee.kind.is_council() {
            council_voters(past, committee)
        } else {
            committee.members.iter().map(|k| (*k, 1)).collect()
        };
        if let Some(subject) = subject {
            voters.remove(&subject);
        }
        Electorate {
            total: voters.values().sum(),
            voters,
            quorum: committee.policy.quorum,
            consensus: committee.policy.consensus,
            threshold: kind.threshold(),
        }
    }

    /// True if `key` may propose, vote or close in `committee` as it stands
    /// in the past: a member; in a council, a seated delegate, or its
    /// convenor before any seat was filled.
    pub fn may_act(past: &impl PastView, committee: &Committee, key: &PublicKey) -> bool {
        if committee.kind.is_council() {
            council_voters(past, committee).contains_key(key)
        } else {
            committee.members.contains(key)
        }
    }
}

/// A council's seats that stand in the past (the delegate is still a member
/// of the committee that elected them), and their weights by the council's
/// policy; summed per delegate. Before any seat was ever filled: the
/// convenor alone. After every seat ended: nobody, until an affiliate
/// elects a delegate.
pub fn council_voters(past: &impl PastView, council: &Committee) -> BTreeMap<PublicKey, u128> {
    let mut seats: Vec<(PublicKey, u64, u64)> = Vec::new();
    for (committee, delegates) in &council.seats {
        let Some(electing) = past.committee(committee) else {
            continue;
        };
        let standing: Vec<&PublicKey> = delegates
            .iter()
            .filter(|d| electing.members.contains(d))
            .collect();
        for d in &standing {
            seats.push((**d, electing.members.len() as u64, standing.len() as u64));
        }
    }
    if seats.is_empty() {
        return council.convenor.iter().map(|k| (*k, 1)).collect();
    }
    let weights = match council.policy.council_weighting {
        CouncilWeighting::OnePerSeat => vec![1; seats.len()],
        CouncilWeighting::RepresentedMembers => scale_weights(
            &seats
                .iter()
                .map(|&(_, members, n)| (members, n))
                .collect::<Vec<_>>(),
        ),
    };
    let mut voters: BTreeMap<PublicKey, u128> = BTreeMap::new();
    for ((delegate, _, _), weight) in seats.iter().zip(weights) {
        *voters.entry(*delegate).or_default() += weight;
    }
    voters
}

/// A valid vote inside K(P), as the count needs it.
#[derive(Clone, Debug)]
pub struct CastVote {
    /// Who voted.
    pub voter: PublicKey,
    /// `(seq, id)` of the vote: the highest counts.
    pub position: (u64, Hash),
    /// The vote's own time.
    pub time: u64,
    /// The ballot.
    pub ballot: Ballot,
}

/// Counts the ballots of E(P) among `votes` (valid votes in K(P)): for
/// each voter, the vote with the highest seq whose time is not after
/// `closes_at`. Decisions are decided by threshold, quorum and blocks;
/// elections by quorum, then Schulze over the counted rankings, ties broken
/// by the ids of the counted ballots.
pub fn tally(
    electorate: &Electorate,
    kind: &ProposalKind,
    closes_at: u64,
    votes: impl IntoIterator<Item = CastVote>,
) -> ProposalResult {
    let latest = counted_ballots(electorate, closes_at, votes);
    let mut count = DecisionCount {
        electorate: electorate.total,
        ..DecisionCount::default()
    };
    if let ProposalKind::Election {
        seats, candidates, ..
    } = kind
    {
        let mut rankings = Vec::new();
        let mut ids = Vec::new();
        for (voter, ((_, id), ballot)) in &latest {
            if let Ballot::Ranking(ranking) = ballot {
                let weight = electorate.voters[voter];
                count.ranked += weight;
                rankings.push((weight, ranking.clone()));
                ids.push(*id);
            }
        }
        let failure = if !count.has_quorum(electorate.quorum) {
            Some(Failure::NoQuorum)
        } else if rankings.is_empty() {
            Some(Failure::NoVotes)
        } else {
            None
        };
        let elected = match failure {
            None => schulze(candidates, &rankings, &ids, *seats as usize).elected,
            Some(_) => Vec::new(),
        };
        return ProposalResult {
            count,
            failure,
            elected,
        };
    }
    for (voter, (_, ballot)) in &latest {
        if let Ballot::Choice(choice) = ballot {
            count.add(*choice, electorate.voters[voter]);
        }
    }
    let failure = count
        .decide(
            electorate.threshold,
            electorate.quorum,
            electorate.consensus,
        )
        .err();
    ProposalResult {
        count,
        failure,
        elected: Vec::new(),
    }
}

/// The ballot that counts for each voter of E(P) among `votes`: the one
/// with the highest `(seq, id)` whose time is not after `closes_at`.
pub fn counted_ballots(
    electorate: &Electorate,
    closes_at: u64,
    votes: impl IntoIterator<Item = CastVote>,
) -> BTreeMap<PublicKey, ((u64, Hash), Ballot)> {
    let mut latest: BTreeMap<PublicKey, ((u64, Hash), Ballot)> = BTreeMap::new();
    for vote in votes {
        if vote.time > closes_at || !electorate.voters.contains_key(&vote.voter) {
            continue;
        }
        let newer = latest
            .get(&vote.voter)
            .is_none_or(|(position, _)| *position < vote.position);
        if newer {
            latest.insert(vote.voter, (vote.position, vote.ballot));
        }
    }
    latest
}

/// The result of a count.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalResult {
    /// The weights counted.
    pub count: DecisionCount,
    /// `None` if it passed, else why not.
    pub failure: Option<Failure>,
    /// For an election that passed: the delegates elected, best first.
    pub elected: Vec<PublicKey>,
}

impl ProposalResult {
    /// True if it passed.
    pub fn passed(&self) -> bool {
        self.failure.is_none()
    }
}

/// How a proposal closed, as the fold sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closing {
    /// `(lamport, id)` of the first counting close: where the effect
    /// applies.
    pub first: (u64, Hash),
    /// The result over K(P): the union of past(C) over the counting closes
    /// C with no other counting close of P in their past.
    pub result: ProposalResult,
    /// True if the first close alone gave a different verdict.
    pub changed_after_close: bool,
}

/// What the fold asks about proposals; answered for one set of ops.
pub trait FoldContext {
    /// E(P), fixed when P was accepted.
    fn electorate(&self, proposal: &Hash) -> Option<Electorate>;
    /// P's committee and kind.
    fn proposal(&self, proposal: &Hash) -> Option<(Hash, ProposalKind)>;
    /// The key of P's first counting close in the set, if any.
    fn first_close(&self, proposal: &Hash) -> Option<(u64, Hash)>;
    /// How P closed in the set, if it has a counting close.
    fn closing(&self, proposal: &Hash) -> Option<Closing>;
    /// True if the demand is in the set and neither it nor its committee's
    /// creation is void there.
    fn demand_exists(&self, demand: &Hash) -> bool;
    /// True if accepting the affiliation of passed proposal `proposal`
    /// would close a cycle with affiliations accepted before it in fold
    /// order (concurrent acceptances): its effect is then skipped.
    fn affiliation_closes_cycle(&self, proposal: &Hash) -> bool;
}

/// Where a proposal stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProposalStatus {
    /// No counting close yet.
    Open,
    /// Closed; the effect (if it passed) applied at the first close.
    Closed(Closing),
}

/// A proposal as its committee's state holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalRecord {
    /// Who proposed it.
    pub proposer: PublicKey,
    /// What it asks.
    pub kind: ProposalKind,
    /// Title, clear or sealed.
    pub title: Text,
    /// Text, clear or sealed.
    pub text: Text,
    /// End of voting.
    pub closes_at: u64,
    /// `(lamport, id)` of the proposal.
    pub created: (u64, Hash),
    /// E(P).
    pub electorate: Electorate,
    /// Open or closed.
    pub status: ProposalStatus,
    /// Why a passed proposal's effect was skipped, if it was.
    pub note: Option<EffectNote>,
    /// `(lamport, id)` of each revision of its text by the proposer, in
    /// fold order; `text` is the last one's (DESIGN §9, "Revisions").
    pub revisions: Vec<(u64, Hash)>,
}

/// Why the effect of a passed proposal was skipped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EffectNote {
    /// A merge that would have closed a cycle with an earlier one.
    MergeCycle,
}

/// A statement a committee adopted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    /// Title, clear or sealed.
    pub title: Text,
    /// Text, clear or sealed.
    pub text: Text,
    /// May be published outside the federation.
    pub public: bool,
}

/// A context for folds that never see a proposal (tests, tools).
pub struct NoProposals;

impl FoldContext for NoProposals {
    fn electorate(&self, _: &Hash) -> Option<Electorate> {
        None
    }
    fn proposal(&self, _: &Hash) -> Option<(Hash, ProposalKind)> {
        None
    }
    fn first_close(&self, _: &Hash) -> Option<(u64, Hash)> {
        None
    }
    fn closing(&self, _: &Hash) -> Option<Closing> {
        None
    }
    fn demand_exists(&self, _: &Hash) -> bool {
        false
    }
    fn affiliation_closes_cycle(&self, _: &Hash) -> bool {
        false
    }
}
