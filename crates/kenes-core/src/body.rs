//! Op bodies: one variant per kind of change, plus the committee kinds and
//! the complete committee `Policy` (DESIGN §2), fixed now so that its
//! encoding never changes when governance starts using every field.
//!
//! On the wire a body is a kind number and a payload (see [`crate::op`]), so
//! that a build can store and forward kinds it does not know yet.

use crate::canonical::{encode, encodes_to};
use crate::seal::{EncryptionKey, KeyBox, SealedText};
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

/// Free text a member writes: a proposal's title and text, a thread's
/// opening text, a comment, a suggestion, a revision, an announcement
/// (DESIGN §9), in the clear or sealed to the committee (issue 14).
///
/// Views read it only through [`Text::readable`] (clear text) or a
/// keyring that opens sealed text; the fold never looks inside. A body
/// whose texts are all clear encodes exactly as before sealing existed
/// (each text as a `String`, under its original kind); a body with a
/// sealed text takes the sealed twin of its kind ([`kind::SEALED`]).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Text {
    /// Clear text, as typed.
    Plain(String),
    /// Sealed to a committee epoch.
    Sealed(SealedText),
}

impl Text {
    /// Plain text, as typed.
    pub fn plain(text: impl Into<String>) -> Text {
        Text::Plain(text.into())
    }

    /// The text if it is in the clear; `None` if it is sealed (a keyring
    /// opens it for those who hold the epoch key).
    pub fn readable(&self) -> Option<&str> {
        match self {
            Text::Plain(text) => Some(text),
            Text::Sealed(_) => None,
        }
    }

    /// The sealed form, if sealed.
    pub fn sealed(&self) -> Option<&SealedText> {
        match self {
            Text::Plain(_) => None,
            Text::Sealed(sealed) => Some(sealed),
        }
    }

    /// Its size in bytes (of the plain text a sealed one holds), for the
    /// size rules.
    pub fn len(&self) -> usize {
        match self {
            Text::Plain(text) => text.len(),
            Text::Sealed(sealed) => sealed.plain_len(),
        }
    }

    /// True if it has no bytes.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Text {
        Text::plain(text)
    }
}

impl From<String> for Text {
    fn from(text: String) -> Text {
        Text::Plain(text)
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

/// What a proposal asks its committee to decide.
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
    /// Hide a post (thread, comment, suggestion or announcement) of the
    /// committee from its views (DESIGN §9). Appended last so that every
    /// earlier kind keeps its encoding.
    HidePost {
        /// The post.
        post: Hash,
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
            ProposalKind::HidePost { .. } => "hide-post",
        }
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

/// What a demand is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum DemandCategory {
    /// Pay.
    Wages,
    /// Jobs and "optimisation" (lay-offs).
    Jobs,
    /// Working conditions.
    Conditions,
    /// Trade-union rights, the right to strike.
    UnionRights,
    /// Pensions, prices, housing and other social demands.
    Social,
    /// Political demands.
    Political,
    /// Anything else.
    Other,
}

/// The kind of an action report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ReportKind {
    /// A strike.
    Strike,
    /// A rally.
    Rally,
    /// A picket.
    Picket,
    /// A meeting.
    Meeting,
    /// An incident (arrests, violence, shutdowns).
    Incident,
}

/// Where an action stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ReportStatus {
    /// Called, not begun.
    Planned,
    /// Going on.
    Active,
    /// Paused.
    Suspended,
    /// Over.
    Ended,
}

/// A change to the federation, signed inside an [`crate::Op`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    /// The genesis op: founds a federation. Its author is the first member.
    CreateFederation {
        /// The federation's name.
        name: String,
    },
    /// Sets the author's display name (a pseudonym), in the clear.
    Profile {
        /// Display name.
        name: String,
    },
    /// Sets the author's display name sealed to each committee they read
    /// for (issue 14), so that only those who share a committee with them
    /// read it. The sealed twin of [`Body::Profile`]; the latest of either
    /// wins.
    SealedProfile {
        /// The name, once per committee, in ascending committee order.
        names: Vec<SealedName>,
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
        title: Text,
        /// The full text.
        text: Text,
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
    /// A member puts forward a demand in their committee's name; the
    /// committee adopts it at once. Its id is this op's id.
    Demand {
        /// The committee.
        committee: Hash,
        /// What it is about.
        category: DemandCategory,
        /// The demand, short.
        title: String,
        /// Details.
        text: String,
    },
    /// A member's personal support for a demand.
    Support {
        /// The demand's committee of origin.
        committee: Hash,
        /// The demand.
        demand: Hash,
    },
    /// A report of an action. Its id is this op's id.
    Report {
        /// The reporting committee.
        committee: Hash,
        /// Strike, rally, picket, meeting or incident.
        kind: ReportKind,
        /// Planned, active, suspended or ended.
        status: ReportStatus,
        /// Where, as an area path.
        area: String,
        /// How many take part.
        participants: u32,
        /// When it starts (ms since the epoch).
        starts_at: u64,
        /// What happens: clear by default, for the whole federation, or
        /// sealed to the committee when marked "committee only" (issue 14).
        text: Text,
    },
    /// A new status of a reported action.
    UpdateReport {
        /// The reporting committee.
        committee: Hash,
        /// The report.
        report: Hash,
        /// The new status.
        status: ReportStatus,
        /// How many take part now.
        participants: u32,
        /// What changed: clear, or sealed to the committee as a report's.
        text: Text,
    },
    /// Opens a discussion thread in a committee or council. Its id is this
    /// op's id (DESIGN §9).
    OpenThread {
        /// The committee.
        committee: Hash,
        /// A short title (sealed with the text, issue 14).
        title: Text,
        /// The opening text.
        text: Text,
    },
    /// A comment on a proposal, demand, report or thread of the committee,
    /// or a reply to one of its posts. Its id is this op's id.
    Comment {
        /// The committee.
        committee: Hash,
        /// What it answers: a proposal, demand, report or post.
        target: Hash,
        /// The comment.
        text: Text,
    },
    /// The author's new wording of their own post; earlier ones stay.
    EditPost {
        /// The post's committee.
        committee: Hash,
        /// The post.
        post: Hash,
        /// The new wording.
        text: Text,
    },
    /// The author withdraws their own post: it stays in the tree, empty.
    RetractPost {
        /// The post's committee.
        committee: Hash,
        /// The post.
        post: Hash,
    },
    /// A suggested wording for an open proposal. Its id is this op's id.
    Suggest {
        /// The proposal's committee.
        committee: Hash,
        /// The proposal.
        proposal: Hash,
        /// The suggested wording.
        text: Text,
    },
    /// The proposer's new text of their open proposal; ballots are not
    /// moved (DESIGN §9, "Revisions").
    Revise {
        /// The proposal's committee.
        committee: Hash,
        /// The proposal.
        proposal: Hash,
        /// The new text.
        text: Text,
    },
    /// An urgent post to every member of the committee, pinned until read.
    /// Its id is this op's id.
    Announce {
        /// The committee.
        committee: Hash,
        /// The announcement.
        text: Text,
    },
    /// Publishes the author's X25519 encryption key (federation level);
    /// a later one replaces it. Epoch keys are sealed to it.
    EncryptionKey {
        /// The public key.
        key: EncryptionKey,
    },
    /// Starts a new epoch of the committee: a fresh epoch key sealed to
    /// each member named in `boxes`. The epoch's id is this op's id; the
    /// newest applied epoch in fold order is the committee's current one.
    Rekey {
        /// The committee.
        committee: Hash,
        /// The key sealed to each member, sorted by member.
        boxes: Vec<KeyBox>,
    },
    /// Seals an existing epoch's key to more members: a committee opening
    /// its past to a new member, or a member who published a key late.
    /// The authoring path does not issue it yet (a new member gets a new
    /// epoch instead; docs/DESIGN.md "Sealing").
    ShareEpoch {
        /// The committee.
        committee: Hash,
        /// The epoch: the id of the `Rekey` op that started it.
        epoch: Hash,
        /// The key sealed to each member, sorted by member.
        boxes: Vec<KeyBox>,
    },
    /// A body kind this build does not know: stored and forwarded, no effect.
    Unknown {
        /// Wire kind number.
        kind: u32,
        /// Undecoded payload.
        payload: Vec<u8>,
    },
}

/// A display name sealed to one committee's epoch, in the slot
/// [`crate::keyring::display_name`] of its author.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SealedName {
    /// The committee whose readers may read it.
    pub committee: Hash,
    /// The name, sealed to an epoch of that committee.
    pub name: SealedText,
}

/// A member's display name as the state keeps it: clear, or sealed per
/// committee. The fold never opens it; views read it through a keyring.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum DisplayName {
    /// Set by a [`Body::Profile`].
    Plain(String),
    /// Set by a [`Body::SealedProfile`].
    Sealed(Vec<SealedName>),
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
    /// [`super::Body::Demand`]
    pub const DEMAND: u32 = 9;
    /// [`super::Body::Support`]
    pub const SUPPORT: u32 = 10;
    /// [`super::Body::Report`]
    pub const REPORT: u32 = 11;
    /// [`super::Body::UpdateReport`]
    pub const UPDATE_REPORT: u32 = 12;
    /// [`super::Body::OpenThread`]
    pub const OPEN_THREAD: u32 = 13;
    /// [`super::Body::Comment`]
    pub const COMMENT: u32 = 14;
    /// [`super::Body::EditPost`]
    pub const EDIT_POST: u32 = 15;
    /// [`super::Body::RetractPost`]
    pub const RETRACT_POST: u32 = 16;
    /// [`super::Body::Suggest`]
    pub const SUGGEST: u32 = 17;
    /// [`super::Body::Revise`]
    pub const REVISE: u32 = 18;
    /// [`super::Body::Announce`]
    pub const ANNOUNCE: u32 = 19;
    /// [`super::Body::EncryptionKey`]
    pub const ENCRYPTION_KEY: u32 = 20;
    /// [`super::Body::Rekey`]
    pub const REKEY: u32 = 21;
    /// [`super::Body::ShareEpoch`]
    pub const SHARE_EPOCH: u32 = 22;
    /// Added to the kind of a body that holds at least one sealed
    /// [`super::Text`]: its payload then encodes each text as a `Text`
    /// rather than a `String`. A build without sealing stores and
    /// forwards such ops as unknown kinds.
    pub const SEALED: u32 = 1 << 8;
    /// [`super::Body::Propose`] with sealed text.
    pub const PROPOSE_SEALED: u32 = PROPOSE | SEALED;
    /// [`super::Body::OpenThread`] with a sealed title or text (both are
    /// a `Text` in its payload).
    pub const OPEN_THREAD_SEALED: u32 = OPEN_THREAD | SEALED;
    /// [`super::Body::Comment`] with sealed text.
    pub const COMMENT_SEALED: u32 = COMMENT | SEALED;
    /// [`super::Body::EditPost`] with sealed text.
    pub const EDIT_POST_SEALED: u32 = EDIT_POST | SEALED;
    /// [`super::Body::Suggest`] with sealed text.
    pub const SUGGEST_SEALED: u32 = SUGGEST | SEALED;
    /// [`super::Body::Revise`] with sealed text.
    pub const REVISE_SEALED: u32 = REVISE | SEALED;
    /// [`super::Body::Announce`] with sealed text.
    pub const ANNOUNCE_SEALED: u32 = ANNOUNCE | SEALED;
    /// [`super::Body::SealedProfile`]: the display name sealed per
    /// committee.
    pub const PROFILE_SEALED: u32 = PROFILE | SEALED;
    /// [`super::Body::Report`] with its text sealed ("committee only").
    pub const REPORT_SEALED: u32 = REPORT | SEALED;
    /// [`super::Body::UpdateReport`] with its text sealed.
    pub const UPDATE_REPORT_SEALED: u32 = UPDATE_REPORT | SEALED;
}

#[derive(Serialize, Deserialize)]
struct NamePayload {
    name: String,
}

#[derive(Serialize, Deserialize)]
struct SealedProfilePayload {
    names: Vec<SealedName>,
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

/// `T` is `String` for the clear encoding and [`Text`] for the sealed twin.
#[derive(Serialize, Deserialize)]
struct ProposePayload<T> {
    committee: Hash,
    kind: ProposalKind,
    title: T,
    text: T,
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

#[derive(Serialize, Deserialize)]
struct DemandPayload {
    committee: Hash,
    category: DemandCategory,
    title: String,
    text: String,
}

#[derive(Serialize, Deserialize)]
struct SupportPayload {
    committee: Hash,
    demand: Hash,
}

#[derive(Serialize, Deserialize)]
struct ReportPayload<T> {
    committee: Hash,
    kind: ReportKind,
    status: ReportStatus,
    area: String,
    participants: u32,
    starts_at: u64,
    text: T,
}

#[derive(Serialize, Deserialize)]
struct UpdateReportPayload<T> {
    committee: Hash,
    report: Hash,
    status: ReportStatus,
    participants: u32,
    text: T,
}

#[derive(Serialize, Deserialize)]
struct OpenThreadPayload<T> {
    committee: Hash,
    title: T,
    text: T,
}

/// Comment, edit, suggestion and revision: a committee, the item the
/// text is about, and the text.
#[derive(Serialize, Deserialize)]
struct TextOnPayload<T> {
    committee: Hash,
    about: Hash,
    text: T,
}

#[derive(Serialize, Deserialize)]
struct RetractPayload {
    committee: Hash,
    post: Hash,
}

#[derive(Serialize, Deserialize)]
struct AnnouncePayload<T> {
    committee: Hash,
    text: T,
}

#[derive(Serialize, Deserialize)]
struct EncryptionKeyPayload {
    key: EncryptionKey,
}

#[derive(Serialize, Deserialize)]
struct RekeyPayload {
    committee: Hash,
    boxes: Vec<KeyBox>,
}

#[derive(Serialize, Deserialize)]
struct ShareEpochPayload {
    committee: Hash,
    epoch: Hash,
    boxes: Vec<KeyBox>,
}

fn text_on(base: u32, committee: &Hash, about: &Hash, text: &Text) -> (u32, Vec<u8>) {
    match text.readable() {
        Some(plain) => (
            base,
            encode(&TextOnPayload {
                committee: *committee,
                about: *about,
                text: plain,
            }),
        ),
        None => (
            base | kind::SEALED,
            encode(&TextOnPayload {
                committee: *committee,
                about: *about,
                text,
            }),
        ),
    }
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
            Body::SealedProfile { names } => (
                kind::PROFILE_SEALED,
                encode(&SealedProfilePayload {
                    names: names.clone(),
                }),
            ),
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
            } => match (title.readable(), text.readable()) {
                (Some(title), Some(text)) => (
                    kind::PROPOSE,
                    encode(&ProposePayload {
                        committee: *committee,
                        kind: kind.clone(),
                        title,
                        text,
                        closes_at: *closes_at,
                    }),
                ),
                _ => (
                    kind::PROPOSE_SEALED,
                    encode(&ProposePayload {
                        committee: *committee,
                        kind: kind.clone(),
                        title,
                        text,
                        closes_at: *closes_at,
                    }),
                ),
            },
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
            Body::Demand {
                committee,
                category,
                title,
                text,
            } => (
                kind::DEMAND,
                encode(&DemandPayload {
                    committee: *committee,
                    category: *category,
                    title: title.clone(),
                    text: text.clone(),
                }),
            ),
            Body::Support { committee, demand } => (
                kind::SUPPORT,
                encode(&SupportPayload {
                    committee: *committee,
                    demand: *demand,
                }),
            ),
            Body::Report {
                committee,
                kind: report_kind,
                status,
                area,
                participants,
                starts_at,
                text,
            } => match text.readable() {
                Some(plain) => (
                    kind::REPORT,
                    encode(&ReportPayload {
                        committee: *committee,
                        kind: *report_kind,
                        status: *status,
                        area: area.clone(),
                        participants: *participants,
                        starts_at: *starts_at,
                        text: plain,
                    }),
                ),
                None => (
                    kind::REPORT_SEALED,
                    encode(&ReportPayload {
                        committee: *committee,
                        kind: *report_kind,
                        status: *status,
                        area: area.clone(),
                        participants: *participants,
                        starts_at: *starts_at,
                        text,
                    }),
                ),
            },
            Body::UpdateReport {
                committee,
                report,
                status,
                participants,
                text,
            } => match text.readable() {
                Some(plain) => (
                    kind::UPDATE_REPORT,
                    encode(&UpdateReportPayload {
                        committee: *committee,
                        report: *report,
                        status: *status,
                        participants: *participants,
                        text: plain,
                    }),
                ),
                None => (
                    kind::UPDATE_REPORT_SEALED,
                    encode(&UpdateReportPayload {
                        committee: *committee,
                        report: *report,
                        status: *status,
                        participants: *participants,
                        text,
                    }),
                ),
            },
            Body::OpenThread {
                committee,
                title,
                text,
            } => match (title.readable(), text.readable()) {
                (Some(title), Some(text)) => (
                    kind::OPEN_THREAD,
                    encode(&OpenThreadPayload {
                        committee: *committee,
                        title,
                        text,
                    }),
                ),
                _ => (
                    kind::OPEN_THREAD_SEALED,
                    encode(&OpenThreadPayload {
                        committee: *committee,
                        title,
                        text,
                    }),
                ),
            },
            Body::Comment {
                committee,
                target: about,
                text,
            } => text_on(kind::COMMENT, committee, about, text),
            Body::EditPost {
                committee,
                post: about,
                text,
            } => text_on(kind::EDIT_POST, committee, about, text),
            Body::Suggest {
                committee,
                proposal: about,
                text,
            } => text_on(kind::SUGGEST, committee, about, text),
            Body::Revise {
                committee,
                proposal: about,
                text,
            } => text_on(kind::REVISE, committee, about, text),
            Body::RetractPost { committee, post } => (
                kind::RETRACT_POST,
                encode(&RetractPayload {
                    committee: *committee,
                    post: *post,
                }),
            ),
            Body::Announce { committee, text } => match text.readable() {
                Some(plain) => (
                    kind::ANNOUNCE,
                    encode(&AnnouncePayload {
                        committee: *committee,
                        text: plain,
                    }),
                ),
                None => (
                    kind::ANNOUNCE_SEALED,
                    encode(&AnnouncePayload {
                        committee: *committee,
                        text,
                    }),
                ),
            },
            Body::EncryptionKey { key } => (
                kind::ENCRYPTION_KEY,
                encode(&EncryptionKeyPayload { key: *key }),
            ),
            Body::Rekey { committee, boxes } => (
                kind::REKEY,
                encode(&RekeyPayload {
                    committee: *committee,
                    boxes: boxes.clone(),
                }),
            ),
            Body::ShareEpoch {
                committee,
                epoch,
                boxes,
            } => (
                kind::SHARE_EPOCH,
                encode(&ShareEpochPayload {
                    committee: *committee,
                    epoch: *epoch,
                    boxes: boxes.clone(),
                }),
            ),
            Body::Unknown { kind, payload } => (*kind, payload.clone()),
        }
    }

    /// Reads a body of a known `kind` from its payload. Unknown kinds become
    /// [`Body::Unknown`]. `None` means a known kind whose payload does not
    /// decode canonically: the op is malformed.
    pub fn from_wire(kind: u32, payload: &[u8]) -> Option<Body> {
        Body::read_wire(kind, payload, true)
    }

    /// Reads a body from a payload that decoded strictly before (an
    /// accepted op's, read again): the canonical re-encoding is skipped.
    pub(crate) fn from_trusted_wire(kind: u32, payload: &[u8]) -> Option<Body> {
        Body::read_wire(kind, payload, false)
    }

    /// [`Body::from_wire`], checking the canonical form only if `check`.
    fn read_wire(kind: u32, payload: &[u8], check: bool) -> Option<Body> {
        fn strict<'a, T: Serialize + Deserialize<'a>>(payload: &'a [u8], check: bool) -> Option<T> {
            let value: T = postcard::from_bytes(payload).ok()?;
            (!check || encodes_to(&value, payload)).then_some(value)
        }
        Some(match kind {
            kind::CREATE_FEDERATION => Body::CreateFederation {
                name: strict::<NamePayload>(payload, check)?.name,
            },
            kind::PROFILE => Body::Profile {
                name: strict::<NamePayload>(payload, check)?.name,
            },
            kind::PROFILE_SEALED => Body::SealedProfile {
                names: strict::<SealedProfilePayload>(payload, check)?.names,
            },
            kind::CREATE_COMMITTEE => {
                let p: CreateCommitteePayload = strict(payload, check)?;
                Body::CreateCommittee {
                    name: p.name,
                    kind: p.kind,
                    policy: p.policy,
                }
            }
            kind::VOUCH => {
                let p: VouchPayload = strict(payload, check)?;
                Body::Vouch {
                    committee: p.committee,
                    candidate: p.candidate,
                }
            }
            kind::JOIN => Body::Join {
                committee: strict::<CommitteePayload>(payload, check)?.committee,
            },
            kind::LEAVE => Body::Leave {
                committee: strict::<CommitteePayload>(payload, check)?.committee,
            },
            kind::PROPOSE => {
                let p: ProposePayload<String> = strict(payload, check)?;
                Body::Propose {
                    committee: p.committee,
                    kind: p.kind,
                    title: Text::Plain(p.title),
                    text: Text::Plain(p.text),
                    closes_at: p.closes_at,
                }
            }
            kind::PROPOSE_SEALED => {
                let p: ProposePayload<Text> = strict(payload, check)?;
                Body::Propose {
                    committee: p.committee,
                    kind: p.kind,
                    title: p.title,
                    text: p.text,
                    closes_at: p.closes_at,
                }
            }
            kind::VOTE => {
                let p: VotePayload = strict(payload, check)?;
                Body::Vote {
                    committee: p.committee,
                    proposal: p.proposal,
                    ballot: p.ballot,
                }
            }
            kind::CLOSE => {
                let p: ClosePayload = strict(payload, check)?;
                Body::Close {
                    committee: p.committee,
                    proposal: p.proposal,
                }
            }
            kind::DEMAND => {
                let p: DemandPayload = strict(payload, check)?;
                Body::Demand {
                    committee: p.committee,
                    category: p.category,
                    title: p.title,
                    text: p.text,
                }
            }
            kind::SUPPORT => {
                let p: SupportPayload = strict(payload, check)?;
                Body::Support {
                    committee: p.committee,
                    demand: p.demand,
                }
            }
            kind::REPORT | kind::REPORT_SEALED => {
                let p: ReportPayload<Text> = if kind == kind::REPORT {
                    let p: ReportPayload<String> = strict(payload, check)?;
                    ReportPayload {
                        committee: p.committee,
                        kind: p.kind,
                        status: p.status,
                        area: p.area,
                        participants: p.participants,
                        starts_at: p.starts_at,
                        text: Text::Plain(p.text),
                    }
                } else {
                    strict(payload, check)?
                };
                Body::Report {
                    committee: p.committee,
                    kind: p.kind,
                    status: p.status,
                    area: p.area,
                    participants: p.participants,
                    starts_at: p.starts_at,
                    text: p.text,
                }
            }
            kind::UPDATE_REPORT | kind::UPDATE_REPORT_SEALED => {
                let p: UpdateReportPayload<Text> = if kind == kind::UPDATE_REPORT {
                    let p: UpdateReportPayload<String> = strict(payload, check)?;
                    UpdateReportPayload {
                        committee: p.committee,
                        report: p.report,
                        status: p.status,
                        participants: p.participants,
                        text: Text::Plain(p.text),
                    }
                } else {
                    strict(payload, check)?
                };
                Body::UpdateReport {
                    committee: p.committee,
                    report: p.report,
                    status: p.status,
                    participants: p.participants,
                    text: p.text,
                }
            }
            kind::OPEN_THREAD | kind::OPEN_THREAD_SEALED => {
                let (committee, title, text) = if kind == kind::OPEN_THREAD {
                    let p: OpenThreadPayload<String> = strict(payload, check)?;
                    (p.committee, Text::Plain(p.title), Text::Plain(p.text))
                } else {
                    let p: OpenThreadPayload<Text> = strict(payload, check)?;
                    (p.committee, p.title, p.text)
                };
                Body::OpenThread {
                    committee,
                    title,
                    text,
                }
            }
            kind::COMMENT
            | kind::EDIT_POST
            | kind::SUGGEST
            | kind::REVISE
            | kind::COMMENT_SEALED
            | kind::EDIT_POST_SEALED
            | kind::SUGGEST_SEALED
            | kind::REVISE_SEALED => {
                let (committee, about, text) = if kind & kind::SEALED == 0 {
                    let p: TextOnPayload<String> = strict(payload, check)?;
                    (p.committee, p.about, Text::Plain(p.text))
                } else {
                    let p: TextOnPayload<Text> = strict(payload, check)?;
                    (p.committee, p.about, p.text)
                };
                match kind & !kind::SEALED {
                    kind::COMMENT => Body::Comment {
                        committee,
                        target: about,
                        text,
                    },
                    kind::EDIT_POST => Body::EditPost {
                        committee,
                        post: about,
                        text,
                    },
                    kind::SUGGEST => Body::Suggest {
                        committee,
                        proposal: about,
                        text,
                    },
                    _ => Body::Revise {
                        committee,
                        proposal: about,
                        text,
                    },
                }
            }
            kind::RETRACT_POST => {
                let p: RetractPayload = strict(payload, check)?;
                Body::RetractPost {
                    committee: p.committee,
                    post: p.post,
                }
            }
            kind::ANNOUNCE => {
                let p: AnnouncePayload<String> = strict(payload, check)?;
                Body::Announce {
                    committee: p.committee,
                    text: Text::Plain(p.text),
                }
            }
            kind::ANNOUNCE_SEALED => {
                let p: AnnouncePayload<Text> = strict(payload, check)?;
                Body::Announce {
                    committee: p.committee,
                    text: p.text,
                }
            }
            kind::ENCRYPTION_KEY => Body::EncryptionKey {
                key: strict::<EncryptionKeyPayload>(payload, check)?.key,
            },
            kind::REKEY => {
                let p: RekeyPayload = strict(payload, check)?;
                Body::Rekey {
                    committee: p.committee,
                    boxes: p.boxes,
                }
            }
            kind::SHARE_EPOCH => {
                let p: ShareEpochPayload = strict(payload, check)?;
                Body::ShareEpoch {
                    committee: p.committee,
                    epoch: p.epoch,
                    boxes: p.boxes,
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
            | Body::Close { committee, .. }
            | Body::Demand { committee, .. }
            | Body::Support { committee, .. }
            | Body::Report { committee, .. }
            | Body::UpdateReport { committee, .. }
            | Body::OpenThread { committee, .. }
            | Body::Comment { committee, .. }
            | Body::EditPost { committee, .. }
            | Body::RetractPost { committee, .. }
            | Body::Suggest { committee, .. }
            | Body::Revise { committee, .. }
            | Body::Announce { committee, .. }
            | Body::Rekey { committee, .. }
            | Body::ShareEpoch { committee, .. } => Some(*committee),
            _ => None,
        }
    }

    /// Every committee, proposal, demand or report this body names: what
    /// the scope of a committee (DESIGN §4, "Strong removal") is read from.
    pub fn named(&self) -> Vec<Hash> {
        let mut named: Vec<Hash> = self.committee().into_iter().collect();
        match self {
            Body::Propose { kind, .. } => match kind {
                ProposalKind::Election { council, .. }
                | ProposalKind::Recall { council, .. }
                | ProposalKind::Affiliate { council } => named.push(*council),
                ProposalKind::Mandate {
                    council_proposal, ..
                } => named.push(*council_proposal),
                ProposalKind::AcceptAffiliation { committee } => named.push(*committee),
                ProposalKind::AdoptDemand { demand } => named.push(*demand),
                ProposalKind::MergeDemands { from, into } => named.extend([*from, *into]),
                ProposalKind::HidePost { post } => named.push(*post),
                ProposalKind::Decision
                | ProposalKind::PolicyChange { .. }
                | ProposalKind::RemoveMember { .. }
                | ProposalKind::Statement { .. } => {}
            },
            Body::Vote { proposal, .. } | Body::Close { proposal, .. } => named.push(*proposal),
            Body::Support { demand, .. } => named.push(*demand),
            Body::UpdateReport { report, .. } => named.push(*report),
            Body::Comment { target, .. } => named.push(*target),
            Body::EditPost { post, .. } | Body::RetractPost { post, .. } => named.push(*post),
            Body::Suggest { proposal, .. } | Body::Revise { proposal, .. } => named.push(*proposal),
            _ => {}
        }
        named
    }

    /// The committee an op that creates a proposal, demand, report or post
    /// puts it in: whose scope an op naming that item is in.
    pub fn owning_committee(&self) -> Option<Hash> {
        match self {
            Body::Propose { committee, .. }
            | Body::Demand { committee, .. }
            | Body::Report { committee, .. }
            | Body::OpenThread { committee, .. }
            | Body::Comment { committee, .. }
            | Body::Suggest { committee, .. }
            | Body::Announce { committee, .. } => Some(*committee),
            _ => None,
        }
    }

    /// True for a body whose text is its committee's own, sealed when its
    /// author holds the committee's key (issue 14): proposals (public
    /// statements aside), revisions of their text, and discussion (threads
    /// with their titles, comments, edits, suggestions, announcements).
    pub fn carries_committee_text(&self) -> bool {
        match self {
            Body::Propose { kind, .. } => !matches!(kind, ProposalKind::Statement { public: true }),
            Body::Revise { .. }
            | Body::OpenThread { .. }
            | Body::Comment { .. }
            | Body::EditPost { .. }
            | Body::Suggest { .. }
            | Body::Announce { .. } => true,
            _ => false,
        }
    }

    /// A short lowercase name of the kind, for logs.
    pub fn label(&self) -> &'static str {
        match self {
            Body::CreateFederation { .. } => "create-federation",
            Body::Profile { .. } | Body::SealedProfile { .. } => "profile",
            Body::CreateCommittee { .. } => "create-committee",
            Body::Vouch { .. } => "vouch",
            Body::Join { .. } => "join",
            Body::Leave { .. } => "leave",
            Body::Propose { .. } => "propose",
            Body::Vote { .. } => "vote",
            Body::Close { .. } => "close",
            Body::Demand { .. } => "demand",
            Body::Support { .. } => "support",
            Body::Report { .. } => "report",
            Body::UpdateReport { .. } => "update-report",
            Body::OpenThread { .. } => "open-thread",
            Body::Comment { .. } => "comment",
            Body::EditPost { .. } => "edit-post",
            Body::RetractPost { .. } => "retract-post",
            Body::Suggest { .. } => "suggest",
            Body::Revise { .. } => "revise",
            Body::Announce { .. } => "announce",
            Body::EncryptionKey { .. } => "encryption-key",
            Body::Rekey { .. } => "rekey",
            Body::ShareEpoch { .. } => "share-epoch",
            Body::Unknown { .. } => "unknown",
        }
    }
}
