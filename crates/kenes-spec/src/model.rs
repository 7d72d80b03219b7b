//! The state the spec folds (`state(T)`, DESIGN §4), the effects that fold
//! ops into it, and the canonical projection that both the spec and the
//! engine are compared in.
//!
//! The state keeps only what the design gives meaning to: membership,
//! candidates and their vouches, policies, councils (convenor, seats,
//! affiliations), proposals and their results, demands, reports.

use crate::tally::{Failure, Tally};
use kenes_core::body::{Ballot, Policy, ProposalKind, ReportStatus};
use kenes_core::tally::Choice;
use kenes_core::{Hash, PublicKey};
use std::collections::{BTreeMap, BTreeSet};

/// A proposal as the folded state holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecProposal {
    /// Who proposed it.
    pub proposer: PublicKey,
    /// What it asks.
    pub kind: ProposalKind,
    /// End of voting.
    pub closes_at: u64,
    /// Consensus mode, fixed with E(P) in `state(past(P))`.
    pub consensus: bool,
    /// Open, or how it closed.
    pub status: ProposalView,
    /// Why a passed proposal's effect was skipped.
    pub note: Option<EffectNote>,
    /// Ids of the proposer's revisions that took effect, in fold order
    /// (DESIGN §9: only while the proposal is open at the revision's place).
    pub revisions: Vec<Hash>,
}

/// A post (thread, comment, suggestion, announcement), DESIGN §9.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecPost {
    /// Who wrote it: the only one who may edit or retract it.
    pub author: PublicKey,
    /// What it hangs under: a comment's target, a suggestion's proposal.
    pub parent: Option<Hash>,
}

/// Where a proposal stands, in the comparison vocabulary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProposalView {
    /// No counting close that is not void.
    Open,
    /// Passed; for an election, the delegates elected, best first.
    Passed {
        /// Elected delegates (empty for anything but an election).
        elected: Vec<PublicKey>,
    },
    /// Failed, with the class of the reason.
    Failed(FailureClass),
}

/// The failure reasons the design names; the others are one class.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureClass {
    /// A removal that passed on its own but not in the removal layer.
    RemovedProposer,
    /// Any other failure (quorum, threshold, absolute majority, block).
    Other,
}

/// Why a passed proposal's effect was skipped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EffectNote {
    /// A merge that would close a cycle with an earlier one.
    MergeCycle,
}

/// A report's latest status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportView {
    /// Latest status.
    pub status: ReportStatus,
    /// Latest participants.
    pub participants: u32,
}

/// A committee as the spec folds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecCommittee {
    /// True for a council (membership by seats only).
    pub is_council: bool,
    /// Its creator (a council's convenor).
    pub creator: PublicKey,
    /// Its rules.
    pub policy: Policy,
    /// Members (none for a council).
    pub members: BTreeSet<PublicKey>,
    /// True once any election seated a delegate here: from then on the
    /// convenor never acts again (§4, "The electorate E(P)").
    pub ever_seated: bool,
    /// Candidates: voucher → ordinal of the vouch op, since their last join.
    pub candidates: BTreeMap<PublicKey, BTreeMap<PublicKey, usize>>,
    /// Proposals whose `Propose` op is Applied.
    pub proposals: BTreeMap<Hash, SpecProposal>,
    /// Councils this committee decided to affiliate to.
    pub affiliation_requests: BTreeSet<Hash>,
    /// A council's accepted affiliates.
    pub affiliates: BTreeSet<Hash>,
    /// A council's seats as elected, by electing committee (a seat stands
    /// while its delegate is a member of that committee).
    pub seats: BTreeMap<Hash, BTreeSet<PublicKey>>,
    /// Mandates given to this committee's delegates, by council proposal.
    pub mandates: BTreeMap<Hash, Choice>,
    /// Demands put forward here, with their personal supporters.
    pub demands: BTreeMap<Hash, BTreeSet<PublicKey>>,
    /// Demands adopted (its own included).
    pub adopted: BTreeSet<Hash>,
    /// A council's merges `from → into`.
    pub merges: BTreeMap<Hash, Hash>,
    /// Reports by this committee.
    pub reports: BTreeMap<Hash, ReportView>,
    /// Statements adopted, by proposal id.
    pub statements: BTreeSet<Hash>,
    /// Posts by id.
    pub posts: BTreeMap<Hash, SpecPost>,
    /// Edits (`false`) and retractions (`true`) by op id, with their post.
    pub post_changes: BTreeMap<Hash, (Hash, bool)>,
    /// Posts hidden by a passed hiding decision.
    pub hidden: BTreeSet<Hash>,
    /// Epochs started by an Applied `Rekey` (issue 14): what a
    /// `ShareEpoch` may name.
    pub epochs: BTreeSet<Hash>,
}

impl SpecCommittee {
    /// A new committee created by `creator`.
    pub fn new(creator: PublicKey, is_council: bool, policy: Policy) -> SpecCommittee {
        SpecCommittee {
            is_council,
            creator,
            policy,
            members: if is_council {
                BTreeSet::new()
            } else {
                BTreeSet::from([creator])
            },
            ever_seated: false,
            candidates: BTreeMap::new(),
            proposals: BTreeMap::new(),
            affiliation_requests: BTreeSet::new(),
            affiliates: BTreeSet::new(),
            seats: BTreeMap::new(),
            mandates: BTreeMap::new(),
            demands: BTreeMap::new(),
            adopted: BTreeSet::new(),
            merges: BTreeMap::new(),
            reports: BTreeMap::new(),
            statements: BTreeSet::new(),
            posts: BTreeMap::new(),
            post_changes: BTreeMap::new(),
            epochs: BTreeSet::new(),
            hidden: BTreeSet::new(),
        }
    }

    /// `vouches_required`, clamped to the member count and never below 1.
    pub fn vouches_needed(&self) -> usize {
        (self.policy.vouches_required as usize)
            .min(self.members.len())
            .max(1)
    }

    /// The council's convenor while it may still act: no seat ever filled.
    pub fn active_convenor(&self) -> Option<PublicKey> {
        (self.is_council && !self.ever_seated).then_some(self.creator)
    }
}

/// The folded state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SpecState {
    /// Display names, the latest in fold order.
    pub profiles: BTreeMap<PublicKey, kenes_core::body::DisplayName>,
    /// Committees by id.
    pub committees: BTreeMap<Hash, SpecCommittee>,
    /// Forked authors and the seqs at which they forked.
    pub forks: BTreeMap<PublicKey, BTreeSet<u64>>,
}

impl SpecState {
    /// True if `key` is a member of at least one committee.
    pub fn is_member_anywhere(&self, key: &PublicKey) -> bool {
        self.committees.values().any(|c| c.members.contains(key))
    }

    /// Federation membership (§2): the founder, a member of a committee,
    /// or a council's convenor while the convenor may act.
    pub fn is_federation_member(&self, key: &PublicKey, founder: Option<PublicKey>) -> bool {
        founder == Some(*key)
            || self.is_member_anywhere(key)
            || self
                .committees
                .values()
                .any(|c| c.active_convenor() == Some(*key))
    }

    /// A council's standing seats: elected delegates who are still members
    /// of the committee that elected them. Empty entries are left out.
    pub fn standing_seats(&self, council: &SpecCommittee) -> BTreeMap<Hash, BTreeSet<PublicKey>> {
        council
            .seats
            .iter()
            .filter_map(|(electing, delegates)| {
                let members = &self.committees.get(electing)?.members;
                let standing: BTreeSet<PublicKey> =
                    delegates.intersection(members).copied().collect();
                (!standing.is_empty()).then_some((*electing, standing))
            })
            .collect()
    }

    /// "Who may do what": propose, vote, close (after `closes_at`), report
    /// and put forward demands. A committee's members; a council's seated
    /// delegates, or its convenor while no seat was ever filled.
    pub fn may_act(&self, committee: &Hash, key: &PublicKey) -> bool {
        let Some(c) = self.committees.get(committee) else {
            return false;
        };
        if !c.is_council {
            return c.members.contains(key);
        }
        c.active_convenor() == Some(*key)
            || self
                .standing_seats(c)
                .values()
                .any(|delegates| delegates.contains(key))
    }

    /// Every council `from` is affiliated to, directly or through other
    /// councils.
    pub fn affiliated_upwards(&self, from: &Hash) -> BTreeSet<Hash> {
        let mut reached = BTreeSet::new();
        let mut frontier = vec![*from];
        while let Some(next) = frontier.pop() {
            for (id, c) in &self.committees {
                if c.affiliates.contains(&next) && reached.insert(*id) {
                    frontier.push(*id);
                }
            }
        }
        reached
    }

    /// True if affiliating `committee` to `council` would close a cycle.
    pub fn affiliation_would_cycle(&self, committee: &Hash, council: &Hash) -> bool {
        committee == council || self.affiliated_upwards(council).contains(committee)
    }

    /// True if some committee holds the demand.
    pub fn demand_exists(&self, demand: &Hash) -> bool {
        self.committees
            .values()
            .any(|c| c.demands.contains_key(demand))
    }

    /// Applies the closing of proposal `proposal` of `committee` with
    /// `tally` (and, if it passed, its effect), at the fold position of its
    /// first counting close.
    pub fn apply_closing(&mut self, committee: &Hash, proposal: &Hash, tally: &Tally) {
        let Some(record) = self
            .committees
            .get(committee)
            .and_then(|c| c.proposals.get(proposal))
        else {
            return;
        };
        let kind = record.kind.clone();
        let status = match tally.failure {
            None => ProposalView::Passed {
                elected: tally.elected.clone(),
            },
            Some(Failure::RemovedProposer) => ProposalView::Failed(FailureClass::RemovedProposer),
            Some(_) => ProposalView::Failed(FailureClass::Other),
        };
        let mut note = None;
        if tally.failure.is_none() {
            note = self.apply_effect(committee, proposal, &kind, &tally.elected);
        }
        if let Some(record) = self
            .committees
            .get_mut(committee)
            .and_then(|c| c.proposals.get_mut(proposal))
        {
            record.status = status;
            record.note = note;
        }
    }

    fn apply_effect(
        &mut self,
        committee: &Hash,
        proposal: &Hash,
        kind: &ProposalKind,
        elected: &[PublicKey],
    ) -> Option<EffectNote> {
        match kind {
            ProposalKind::Decision => {}
            ProposalKind::Election { council, .. } => {
                if let Some(k) = self.committees.get_mut(council).filter(|k| k.is_council) {
                    k.seats
                        .insert(*committee, elected.iter().copied().collect());
                    if !elected.is_empty() {
                        k.ever_seated = true;
                    }
                }
            }
            ProposalKind::Recall { council, delegate } => {
                if let Some(seats) = self
                    .committees
                    .get_mut(council)
                    .and_then(|k| k.seats.get_mut(committee))
                {
                    seats.remove(delegate);
                }
            }
            ProposalKind::Mandate {
                council_proposal,
                choice,
            } => {
                if let Some(c) = self.committees.get_mut(committee) {
                    c.mandates.insert(*council_proposal, *choice);
                }
            }
            ProposalKind::Affiliate { council } => {
                if let Some(c) = self.committees.get_mut(committee) {
                    c.affiliation_requests.insert(*council);
                }
            }
            ProposalKind::AcceptAffiliation {
                committee: requester,
            } => {
                // The graph stays a DAG: of concurrent acceptances that
                // would close a cycle, the first in fold order stands.
                if !self.affiliation_would_cycle(requester, committee)
                    && let Some(c) = self.committees.get_mut(committee)
                {
                    c.affiliates.insert(*requester);
                }
            }
            ProposalKind::PolicyChange { policy } => {
                if let Some(c) = self.committees.get_mut(committee) {
                    c.policy = policy.clone();
                }
            }
            ProposalKind::RemoveMember { member } => {
                if let Some(c) = self.committees.get_mut(committee) {
                    c.members.remove(member);
                }
            }
            ProposalKind::AdoptDemand { demand } => {
                // A demand whose committee (or whose own op) is void in
                // this set does not exist: adopting it has no effect.
                if self.demand_exists(demand)
                    && let Some(c) = self.committees.get_mut(committee)
                {
                    c.adopted.insert(*demand);
                }
            }
            ProposalKind::MergeDemands { from, into } => {
                if !(self.demand_exists(from) && self.demand_exists(into)) {
                    return None;
                }
                let c = self.committees.get_mut(committee)?;
                if merge_would_cycle(&c.merges, from, into) {
                    return Some(EffectNote::MergeCycle);
                }
                c.merges.insert(*from, *into);
            }
            ProposalKind::Statement { .. } => {
                if let Some(c) = self.committees.get_mut(committee) {
                    c.statements.insert(*proposal);
                }
            }
            ProposalKind::HidePost { post } => {
                if let Some(c) = self.committees.get_mut(committee) {
                    c.hidden.insert(*post);
                }
            }
        }
        None
    }
}

/// True if merging `from` into `into` would close a cycle of merges.
pub fn merge_would_cycle(merges: &BTreeMap<Hash, Hash>, from: &Hash, into: &Hash) -> bool {
    let mut current = *into;
    for _ in 0..=merges.len() {
        if current == *from {
            return true;
        }
        match merges.get(&current) {
            Some(next) => current = *next,
            None => return false,
        }
    }
    true
}

/// True if `ballot` is an option of the proposal: a ranking for an
/// election; yes, no or abstain for anything else, plus block in consensus
/// mode ("Counting rules": block is an option only there).
pub fn ballot_fits(proposal: &SpecProposal, ballot: &Ballot) -> bool {
    match (&proposal.kind, ballot) {
        (ProposalKind::Election { .. }, Ballot::Ranking(_)) => true,
        (ProposalKind::Election { .. }, Ballot::Choice(_)) => false,
        (_, Ballot::Ranking(_)) => false,
        (_, Ballot::Choice(Choice::Block)) => proposal.consensus,
        (_, Ballot::Choice(_)) => true,
    }
}

/// One committee in the comparison format.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommitteeView {
    /// Its rules.
    pub policy: Policy,
    /// Members.
    pub members: BTreeSet<PublicKey>,
    /// For a council: the convenor may still act (no seat ever filled).
    pub convenor_active: bool,
    /// Candidates and who vouched for them since their last join.
    pub candidates: BTreeMap<PublicKey, BTreeSet<PublicKey>>,
    /// Affiliation requests made.
    pub affiliation_requests: BTreeSet<Hash>,
    /// Accepted affiliates.
    pub affiliates: BTreeSet<Hash>,
    /// Standing seats by electing committee (non-empty only).
    pub seats: BTreeMap<Hash, BTreeSet<PublicKey>>,
    /// Proposals: status and effect note.
    pub proposals: BTreeMap<Hash, (ProposalView, Option<EffectNote>)>,
    /// Mandates.
    pub mandates: BTreeMap<Hash, Choice>,
    /// Demands put forward here, with supporters.
    pub demands: BTreeMap<Hash, BTreeSet<PublicKey>>,
    /// Demands adopted.
    pub adopted: BTreeSet<Hash>,
    /// Merges.
    pub merges: BTreeMap<Hash, Hash>,
    /// Reports' latest status.
    pub reports: BTreeMap<Hash, ReportView>,
    /// Statements.
    pub statements: BTreeSet<Hash>,
    /// Posts: author and what each hangs under.
    pub posts: BTreeMap<Hash, (PublicKey, Option<Hash>)>,
    /// Edits and retractions: the post and whether it is a retraction.
    pub post_changes: BTreeMap<Hash, (Hash, bool)>,
    /// Hidden posts.
    pub hidden: BTreeSet<Hash>,
    /// Revisions that took effect, by proposal (non-empty only).
    pub revisions: BTreeMap<Hash, Vec<Hash>>,
}

/// The state in the comparison format.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Projection {
    /// Committees by id.
    pub committees: BTreeMap<Hash, CommitteeView>,
    /// Forked authors and their fork seqs.
    pub forks: BTreeMap<PublicKey, BTreeSet<u64>>,
    /// Display names.
    pub profiles: BTreeMap<PublicKey, kenes_core::body::DisplayName>,
}

impl SpecState {
    /// The canonical projection of this state.
    pub fn project(&self) -> Projection {
        let committees = self
            .committees
            .iter()
            .map(|(id, c)| {
                let view = CommitteeView {
                    policy: c.policy.clone(),
                    members: c.members.clone(),
                    convenor_active: c.active_convenor().is_some(),
                    candidates: c
                        .candidates
                        .iter()
                        .filter(|(_, vouchers)| !vouchers.is_empty())
                        .map(|(k, vouchers)| (*k, vouchers.keys().copied().collect()))
                        .collect(),
                    affiliation_requests: c.affiliation_requests.clone(),
                    affiliates: c.affiliates.clone(),
                    seats: self.standing_seats(c),
                    proposals: c
                        .proposals
                        .iter()
                        .map(|(p, r)| (*p, (r.status.clone(), r.note)))
                        .collect(),
                    mandates: c.mandates.clone(),
                    demands: c.demands.clone(),
                    adopted: c.adopted.clone(),
                    merges: c.merges.clone(),
                    reports: c.reports.clone(),
                    statements: c.statements.clone(),
                    posts: c
                        .posts
                        .iter()
                        .map(|(id, post)| (*id, (post.author, post.parent)))
                        .collect(),
                    post_changes: c.post_changes.clone(),
                    hidden: c.hidden.clone(),
                    revisions: c
                        .proposals
                        .iter()
                        .filter(|(_, r)| !r.revisions.is_empty())
                        .map(|(p, r)| (*p, r.revisions.clone()))
                        .collect(),
                };
                (*id, view)
            })
            .collect();
        Projection {
            committees,
            forks: self.forks.clone(),
            profiles: self.profiles.clone(),
        }
    }
}
