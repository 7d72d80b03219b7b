//! The canonical outcome of an accepted op (DESIGN §4, "Outcomes"). The
//! reasons are a closed enum so that outcomes hash the same everywhere.

use crate::types::{Hash, PublicKey};
use serde::{Deserialize, Serialize};

/// What an accepted op did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    /// Valid in its own past: its effect is folded in.
    Applied,
    /// Not authorised in its own past: kept for convergence, no effect.
    Rejected(RejectReason),
    /// Voided by a fork or a strong removal (DESIGN §4): it has no effect,
    /// whatever its validity ([`crate::layers`]). Boxed: a void op is
    /// rare, and outcomes are listed per op (issue 18: an outcome is 16
    /// bytes, not 48). Encoded as the reason itself.
    Void(Box<VoidReason>),
    /// A body kind or format version this build does not know.
    Unknown,
}

impl Outcome {
    /// True for [`Outcome::Applied`].
    pub fn is_applied(&self) -> bool {
        matches!(self, Outcome::Applied)
    }

    /// [`Outcome::Void`] for `reason`.
    pub fn void(reason: VoidReason) -> Outcome {
        Outcome::Void(Box::new(reason))
    }

    /// A one-line human description.
    pub fn describe(&self) -> String {
        match self {
            Outcome::Applied => "applied".into(),
            Outcome::Rejected(reason) => format!("rejected: {reason}"),
            Outcome::Void(reason) => format!("void: {reason}"),
            Outcome::Unknown => "unknown kind (stored and forwarded)".into(),
        }
    }
}

/// Why an op is not authorised in its own past.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum RejectReason {
    /// `CreateFederation` anywhere but as the genesis op.
    #[error("a federation can only be created by its genesis op")]
    GenesisOnly,
    /// The author is not a member of any committee of the federation.
    #[error("author is not a member of the federation")]
    NotFederationMember,
    /// The committee does not exist in the op's past.
    #[error("no such committee")]
    NoSuchCommittee,
    /// The author is not a member of the committee.
    #[error("author is not a member of the committee")]
    NotMember,
    /// The subject is already a member.
    #[error("already a member of the committee")]
    AlreadyMember,
    /// The author already vouched for this candidate in this committee.
    #[error("already vouched for this candidate")]
    AlreadyVouched,
    /// Too few distinct vouches to join.
    #[error("needs {need} vouches, has {have}")]
    NotEnoughVouches {
        /// Distinct applied vouches found.
        have: u32,
        /// Vouches required by the policy, clamped to the member count.
        need: u32,
    },
    /// The proposal is not Applied in the op's past (unknown, rejected,
    /// or not seen).
    #[error("no such proposal in this committee")]
    NoSuchProposal,
    /// A removal of someone who is not a member.
    #[error("the member to remove is not a member")]
    SubjectNotMember,
    /// A ranking on a decision, or a choice on an election.
    #[error("wrong kind of ballot for this proposal")]
    WrongBallot,
    /// A close by someone other than the proposer before `closes_at`.
    #[error("only the proposer may close before the closing time")]
    TooEarly,
    /// The named committee is not a council (or is the proposing one).
    #[error("not a council")]
    NotACouncil,
    /// The committee is not affiliated to the council.
    #[error("the committee is not affiliated to that council")]
    NotAffiliated,
    /// An election candidate who is not a member.
    #[error("every candidate must be a member of the committee")]
    CandidateNotMember,
    /// A recall of someone who holds no seat for the committee.
    #[error("no such delegate seated for this committee")]
    NotSeated,
    /// Accepting an affiliation the committee never asked for.
    #[error("that committee has not asked to affiliate")]
    NoAffiliationRequest,
    /// Affiliating twice.
    #[error("already affiliated")]
    AlreadyAffiliated,
    /// The demand is not in the op's past.
    #[error("no such demand")]
    NoSuchDemand,
    /// The committee already adopted the demand.
    #[error("demand already adopted")]
    AlreadyAdopted,
    /// The member already supports the demand.
    #[error("already supported")]
    AlreadySupported,
    /// The report is not in the committee.
    #[error("no such report in this committee")]
    NoSuchReport,
    /// Vouch, join or leave on a council: council membership is seats only.
    #[error("council membership is by seats only")]
    CouncilMembershipIsBySeats,
    /// A vote on a proposal whose close is in the vote's past: it can
    /// never be counted.
    #[error("the proposal was already closed")]
    ProposalClosed,
    /// A block ballot in a committee that does not decide by consensus.
    #[error("blocks count only in consensus mode")]
    BlockOutsideConsensus,
    /// Accepting an affiliation that would close a cycle of councils.
    #[error("that affiliation would close a cycle of councils")]
    AffiliationCycle,
    /// A comment, edit, retraction or hiding that names no proposal,
    /// demand, report or post of the committee in the op's past.
    #[error("no such post in this committee")]
    NoSuchPost,
    /// An edit or retraction of someone else's post.
    #[error("only its author may change a post")]
    NotPostAuthor,
    /// A revision by someone other than the proposer.
    #[error("only the proposer may revise a proposal")]
    NotProposer,
    /// A share of an epoch key that names no epoch of the committee in
    /// the op's past.
    #[error("no such epoch in this committee")]
    NoSuchEpoch,
    /// A published encryption key of small order: nothing can be sealed
    /// to it, so its author would look keyed yet hold no box (see
    /// [`crate::seal::EncryptionKey::is_small_order`]). Rejected rather than
    /// dropped: builds before the rule accepted and stored such an op, and
    /// a drop would leave every one of their stores unable to load.
    #[error("encryption key has small order")]
    SmallOrderEncryptionKey,
}

/// Why a valid op was voided (DESIGN §4, "Forks" and "Strong removal").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum VoidReason {
    /// The author forked at `seq` and no witness saw this op.
    #[error("unwitnessed op after a fork of {author} at seq {seq}")]
    Fork {
        /// The forked author.
        author: PublicKey,
        /// The fork point.
        seq: u64,
    },
    /// Concurrent with the author's accepted removal by `proposal`.
    #[error("concurrent with the author's removal by {proposal}")]
    Removal {
        /// The removal proposal.
        proposal: Hash,
    },
    /// The author's membership rests on a void vouch: their join `join`
    /// no longer has enough vouches once void ops are taken out
    /// (DESIGN §4, "Dependants").
    #[error("the membership rests on a void vouch (join {join})")]
    VoidVouch {
        /// The author's join that lost its vouches.
        join: Hash,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The layout before the reason was boxed: encodings must not change
    /// (outcomes are hashed and kept in snapshots).
    #[derive(Serialize)]
    enum Unboxed {
        #[allow(dead_code)]
        Applied,
        #[allow(dead_code)]
        Rejected(RejectReason),
        Void(VoidReason),
    }

    #[test]
    fn a_void_outcome_is_small_and_encodes_as_before_it_was_boxed() {
        assert!(std::mem::size_of::<Outcome>() <= 16);
        for reason in [
            VoidReason::Fork {
                author: PublicKey([7; 32]),
                seq: 300,
            },
            VoidReason::Removal {
                proposal: Hash([8; 32]),
            },
            VoidReason::VoidVouch {
                join: Hash([9; 32]),
            },
        ] {
            let outcome = Outcome::void(reason.clone());
            let boxed = postcard::to_allocvec(&outcome).unwrap();
            let unboxed = postcard::to_allocvec(&Unboxed::Void(reason)).unwrap();
            assert_eq!(boxed, unboxed);
            assert_eq!(postcard::from_bytes::<Outcome>(&unboxed).unwrap(), outcome);
        }
    }
}
