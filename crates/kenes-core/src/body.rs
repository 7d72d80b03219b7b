//! Op bodies: one variant per kind of change, plus the committee kinds and
//! the complete committee `Policy` (DESIGN §2), fixed now so that its
//! encoding never changes when governance starts using every field.
//!
//! On the wire a body is a kind number and a payload (see [`crate::op`]), so
//! that a build can store and forward kinds it does not know yet.

use crate::tally::Choice;
use crate::types::{Hash, PublicKey};
use serde::{Deserialize, Serialize};

/// A rational number `numerator / denominator`, used for quorums. There are
/// no floats anywhere in ops or state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Ratio(pub u32, pub u32);

impl Ratio {
    /// One half, the default quorum.
    pub const HALF: Ratio = Ratio(1, 2);

    /// True when the ratio is a number in [0, 1].
    pub fn is_fraction(&self) -> bool {
        self.1 > 0 && self.0 <= self.1
    }
}

/// How a council weighs its seats in a tally.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum CouncilWeighting {
    /// Every seat counts one.
    OnePerSeat,
    /// Each seat weighs its committee's member count divided by that
    /// committee's seats in the council.
    RepresentedMembers,
}

/// A committee's rules. All fields exist from version 1 on.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Policy {
    /// Distinct vouches a candidate needs to join; at least 1, clamped to the
    /// current member count.
    pub vouches_required: u32,
    /// Share of the electorate's weight that must take part in a decision.
    pub quorum: Ratio,
    /// Consensus mode: a single block fails an ordinary decision.
    pub consensus: bool,
    /// How a council weighs its seats.
    pub council_weighting: CouncilWeighting,
}

impl Default for Policy {
    fn default() -> Policy {
        Policy {
            vouches_required: 2,
            quorum: Ratio::HALF,
            consensus: false,
            council_weighting: CouncilWeighting::RepresentedMembers,
        }
    }
}

/// What a council covers.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum CouncilScope {
    /// A territory, as an area path such as `Kazakhstan/Mangystau`.
    Area(String),
    /// An industry, such as `oil and gas`.
    Industry(String),
}

/// The basis on which a committee is organised.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum CommitteeKind {
    /// Residents of a district, city or region.
    Territorial {
        /// Area path, e.g. `Kazakhstan/Mangystau/Zhanaozen`.
        area: String,
    },
    /// Workers of an enterprise or site.
    Production {
        /// The enterprise, e.g. `Ozenmunaigas`.
        enterprise: String,
        /// The site within it; may be empty.
        site: String,
        /// The industry, e.g. `oil and gas`.
        industry: String,
        /// Area path of the site.
        area: String,
    },
    /// Delegates seated by affiliated committees.
    Council {
        /// The territory or industry it coordinates.
        scope: CouncilScope,
    },
    /// Deliberates and publishes statements; binds no one (e.g. elders).
    Advisory,
}

impl CommitteeKind {
    /// The short lowercase name used by the CLI and JSON.
    pub fn label(&self) -> &'static str {
        match self {
            CommitteeKind::Territorial { .. } => "territorial",
            CommitteeKind::Production { .. } => "production",
            CommitteeKind::Council { .. } => "council",
            CommitteeKind::Advisory => "advisory",
        }
    }

    /// True for councils, whose membership is seats only.
    pub fn is_council(&self) -> bool {
        matches!(self, CommitteeKind::Council { .. })
    }
}

/// What a proposal asks its committee to decide. The whole list is fixed
/// now so the encoding never changes; a build that does not implement a
/// kind yet gives such proposals the outcome `Unknown`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ProposalKind {
    /// A plain decision.
    Decision,
    /// Elect `seats` delegates to `council` from `candidates` (members).
    Election {
        /// The council.
        council: Hash,
        /// How many delegates.
        seats: u32,
        /// The candidates, members of the committee.
        candidates: Vec<PublicKey>,
    },
    /// Recall a seated delegate from `council`.
    Recall {
        /// The council.
        council: Hash,
        /// The delegate.
        delegate: PublicKey,
    },
    /// Instruct the committee's delegates how to vote on a council proposal.
    Mandate {
        /// The council proposal.
        council_proposal: Hash,
        /// How to vote.
        choice: Choice,
    },
    /// Ask to affiliate to `council`.
    Affiliate {
        /// The council.
        council: Hash,
    },
    /// A council accepts `committee`'s affiliation request.
    AcceptAffiliation {
        /// The requesting committee.
        committee: Hash,
    },
    /// Replace the committee's policy.
    PolicyChange {
        /// The new policy.
        policy: Policy,
    },
    /// Remove a member.
    RemoveMember {
        /// Whom.
        member: PublicKey,
    },
    /// Adopt a demand.
    AdoptDemand {
        /// The demand.
        demand: Hash,
    },
    /// Merge demand `from` into demand `into` (councils).
    MergeDemands {
        /// The duplicate.
        from: Hash,
        /// The demand it joins.
        into: Hash,
    },
    /// Adopt the proposal's text as a statement.
    Statement {
        /// Whether it may be published outside the federation.
        public: bool,
    },
}

impl ProposalKind {
    /// A short lowercase name.
    pub fn label(&self) -> &'static str {
        match self {
            ProposalKind::Decision => "decision",
            ProposalKind::Election { .. } => "election",
            ProposalKind::Recall { .. } => "recall",
            ProposalKind::Mandate { .. } => "mandate",
            ProposalKind::Affiliate { .. } => "affiliate",
            ProposalKind::AcceptAffiliation { .. } => "accept-affiliation",
            ProposalKind::PolicyChange { .. } => "policy",
            ProposalKind::RemoveMember { .. } => "removal",
            ProposalKind::AdoptDemand { .. } => "adopt-demand",
            ProposalKind::MergeDemands { .. } => "merge-demands",
            ProposalKind::Statement { .. } => "statement",
        }
    }

    /// True for the kinds this build implements; the others are stored
    /// with the outcome `Unknown`.
    pub fn is_supported(&self) -> bool {
        !matches!(
            self,
            ProposalKind::AdoptDemand { .. } | ProposalKind::MergeDemands { .. }
        )
    }

    /// The council an election or recall acts on, besides its committee.
    pub fn council(&self) -> Option<Hash> {
        match self {
            ProposalKind::Election { council, .. } | ProposalKind::Recall { council, .. } => {
                Some(*council)
            }
            _ => None,
        }
    }

    /// Removal, recall and policy changes need the strong threshold.
    pub fn threshold(&self) -> crate::tally::Threshold {
        match self {
            ProposalKind::RemoveMember { .. }
            | ProposalKind::Recall { .. }
            | ProposalKind::PolicyChange { .. } => crate::tally::Threshold::Strong,
            _ => crate::tally::Threshold::Ordinary,
        }
    }

    /// The member a removal (or the delegate a recall) is about: never in
    /// the electorate.
    pub fn subject(&self) -> Option<PublicKey> {
        match self {
            ProposalKind::RemoveMember { member } => Some(*member),
            ProposalKind::Recall { delegate, .. } => Some(*delegate),
            _ => None,
        }
    }
}

/// A ballot.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Ballot {
    /// Yes, no, abstain or block, on anything but an election.
    Choice(Choice),
    /// An election ranking, best first.
    Ranking(Vec<PublicKey>),
}

/// A change to the federation, signed inside an [`crate::Op`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    /// The genesis op: founds a federation. Its author is the first member.
    CreateFederation {
        /// The federation's name.
        name: String,
    },
    /// Sets the author's display name (a pseudonym).
    Profile {
        /// Display name.
        name: String,
    },
    /// Creates a committee; the author becomes its first member (its
    /// convenor, for a council). Its id is this op's id.
    CreateCommittee {
        /// Committee name.
        name: String,
        /// Territorial, production, council or advisory.
        kind: CommitteeKind,
        /// Its rules.
        policy: Policy,
    },
    /// A member vouches for a candidate to join their committee. It also
    /// gives the candidate standing in the federation.
    Vouch {
        /// The committee.
        committee: Hash,
        /// Whom the author vouches for.
        candidate: PublicKey,
    },
    /// A vouched candidate joins a committee.
    Join {
        /// The committee.
        committee: Hash,
    },
    /// A member leaves a committee.
    Leave {
        /// The committee.
        committee: Hash,
    },
    /// Puts a question to a committee. Its id is this op's id.
    Propose {
        /// The committee.
        committee: Hash,
        /// What kind of question.
        kind: ProposalKind,
        /// A short title.
        title: String,
        /// The full text.
        text: String,
        /// When voting ends (ms since the epoch); closes by anyone but the
        /// proposer may not come earlier.
        closes_at: u64,
    },
    /// A ballot on a proposal. A member may vote again; the latest counts.
    Vote {
        /// The proposal's committee.
        committee: Hash,
        /// The proposal.
        proposal: Hash,
        /// The ballot.
        ballot: Ballot,
    },
    /// Closes a proposal: its effect applies at the first counting close.
    Close {
        /// The proposal's committee.
        committee: Hash,
        /// The proposal.
        proposal: Hash,
    },
    /// A body kind this build does not know: stored and forwarded, no effect.
    Unknown {
        /// Wire kind number.
        kind: u32,
        /// Undecoded payload.
        payload: Vec<u8>,
    },
}

/// Wire kind numbers. They never change meaning once released.
pub mod kind {
    /// [`super::Body::CreateFederation`]
    pub const CREATE_FEDERATION: u32 = 0;
    /// [`super::Body::Profile`]
    pub const PROFILE: u32 = 1;
    /// [`super::Body::CreateCommittee`]
    pub const CREATE_COMMITTEE: u32 = 2;
    /// [`super::Body::Vouch`]
    pub const VOUCH: u32 = 3;
    /// [`super::Body::Join`]
    pub const JOIN: u32 = 4;
    /// [`super::Body::Leave`]
    pub const LEAVE: u32 = 5;
    /// [`super::Body::Propose`]
    pub const PROPOSE: u32 = 6;
    /// [`super::Body::Vote`]
    pub const VOTE: u32 = 7;
    /// [`super::Body::Close`]
    pub const CLOSE: u32 = 8;
}

#[derive(Serialize, Deserialize)]
struct NamePayload {
    name: String,
}

#[derive(Serialize, Deserialize)]
struct CreateCommitteePayload {
    name: String,
    kind: CommitteeKind,
    policy: Policy,
}

#[derive(Serialize, Deserialize)]
struct VouchPayload {
    committee: Hash,
    candidate: PublicKey,
}

#[derive(Serialize, Deserialize)]
struct CommitteePayload {
    committee: Hash,
}

#[derive(Serialize, Deserialize)]
struct ProposePayload {
    committee: Hash,
    kind: ProposalKind,
    title: String,
    text: String,
    closes_at: u64,
}

#[derive(Serialize, Deserialize)]
struct VotePayload {
    committee: Hash,
    proposal: Hash,
    ballot: Ballot,
}

#[derive(Serialize, Deserialize)]
struct ClosePayload {
    committee: Hash,
    proposal: Hash,
}

fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    // Encoding plain structs into a Vec cannot fail.
    postcard::to_allocvec(value).unwrap_or_default()
}

impl Body {
    /// The wire kind number and canonical payload.
    pub fn to_wire(&self) -> (u32, Vec<u8>) {
        match self {
            Body::CreateFederation { name } => (
                kind::CREATE_FEDERATION,
                encode(&NamePayload { name: name.clone() }),
            ),
            Body::Profile { name } => (kind::PROFILE, encode(&NamePayload { name: name.clone() })),
            Body::CreateCommittee { name, kind, policy } => (
                kind::CREATE_COMMITTEE,
                encode(&CreateCommitteePayload {
                    name: name.clone(),
                    kind: kind.clone(),
                    policy: policy.clone(),
                }),
            ),
            Body::Vouch {
                committee,
                candidate,
            } => (
                kind::VOUCH,
                encode(&VouchPayload {
                    committee: *committee,
                    candidate: *candidate,
                }),
            ),
            Body::Join { committee } => (
                kind::JOIN,
                encode(&CommitteePayload {
                    committee: *committee,
                }),
            ),
            Body::Leave { committee } => (
                kind::LEAVE,
                encode(&CommitteePayload {
                    committee: *committee,
                }),
            ),
            Body::Propose {
                committee,
                kind,
                title,
                text,
                closes_at,
            } => (
                kind::PROPOSE,
                encode(&ProposePayload {
                    committee: *committee,
                    kind: kind.clone(),
                    title: title.clone(),
                    text: text.clone(),
                    closes_at: *closes_at,
                }),
            ),
            Body::Vote {
                committee,
                proposal,
                ballot,
            } => (
                kind::VOTE,
                encode(&VotePayload {
                    committee: *committee,
                    proposal: *proposal,
                    ballot: ballot.clone(),
                }),
            ),
            Body::Close {
                committee,
                proposal,
            } => (
                kind::CLOSE,
                encode(&ClosePayload {
                    committee: *committee,
                    proposal: *proposal,
                }),
            ),
            Body::Unknown { kind, payload } => (*kind, payload.clone()),
        }
    }

    /// Reads a body of a known `kind` from its payload. Unknown kinds become
    /// [`Body::Unknown`]. `None` means a known kind whose payload does not
    /// decode canonically: the op is malformed.
    pub fn from_wire(kind: u32, payload: &[u8]) -> Option<Body> {
        fn strict<'a, T: Serialize + Deserialize<'a>>(payload: &'a [u8]) -> Option<T> {
            let value: T = postcard::from_bytes(payload).ok()?;
            (encode(&value) == payload).then_some(value)
        }
        Some(match kind {
            kind::CREATE_FEDERATION => Body::CreateFederation {
                name: strict::<NamePayload>(payload)?.name,
            },
            kind::PROFILE => Body::Profile {
                name: strict::<NamePayload>(payload)?.name,
            },
            kind::CREATE_COMMITTEE => {
                let p: CreateCommitteePayload = strict(payload)?;
                Body::CreateCommittee {
                    name: p.name,
                    kind: p.kind,
                    policy: p.policy,
                }
            }
            kind::VOUCH => {
                let p: VouchPayload = strict(payload)?;
                Body::Vouch {
                    committee: p.committee,
                    candidate: p.candidate,
                }
            }
            kind::JOIN => Body::Join {
                committee: strict::<CommitteePayload>(payload)?.committee,
            },
            kind::LEAVE => Body::Leave {
                committee: strict::<CommitteePayload>(payload)?.committee,
            },
            kind::PROPOSE => {
                let p: ProposePayload = strict(payload)?;
                Body::Propose {
                    committee: p.committee,
                    kind: p.kind,
                    title: p.title,
                    text: p.text,
                    closes_at: p.closes_at,
                }
            }
            kind::VOTE => {
                let p: VotePayload = strict(payload)?;
                Body::Vote {
                    committee: p.committee,
                    proposal: p.proposal,
                    ballot: p.ballot,
                }
            }
            kind::CLOSE => {
                let p: ClosePayload = strict(payload)?;
                Body::Close {
                    committee: p.committee,
                    proposal: p.proposal,
                }
            }
            other => Body::Unknown {
                kind: other,
                payload: payload.to_vec(),
            },
        })
    }

    /// The committee this body names, if any. Its effect touches only that
    /// committee, which is what lets the fold run per committee.
    pub fn committee(&self) -> Option<Hash> {
        match self {
            Body::Vouch { committee, .. }
            | Body::Join { committee }
            | Body::Leave { committee }
            | Body::Propose { committee, .. }
            | Body::Vote { committee, .. }
            | Body::Close { committee, .. } => Some(*committee),
            _ => None,
        }
    }

    /// A short lowercase name of the kind, for logs.
    pub fn label(&self) -> &'static str {
        match self {
            Body::CreateFederation { .. } => "create-federation",
            Body::Profile { .. } => "profile",
            Body::CreateCommittee { .. } => "create-committee",
            Body::Vouch { .. } => "vouch",
            Body::Join { .. } => "join",
            Body::Leave { .. } => "leave",
            Body::Propose { .. } => "propose",
            Body::Vote { .. } => "vote",
            Body::Close { .. } => "close",
            Body::Unknown { .. } => "unknown",
        }
    }
}
