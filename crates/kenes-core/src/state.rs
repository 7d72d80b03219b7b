//! The materialised state and the effects that fold ops into it.
//!
//! Every effect of a committee-level op reads and writes only that
//! committee. This locality is what lets the [`crate::engine`] fold each
//! committee on its own and rewind only the committee a late op touches,
//! while [`State::apply`] folds everything in one `(lamport, id)` pass; both
//! give the same state. The canonical [`digest`] covers the state and every
//! op's outcome.

use crate::body::{Body, CommitteeKind, DisplayName, Policy, ProposalKind, Text};
use crate::discussion::Discussion;
use crate::governance::EffectNote;
use crate::governance::{FoldContext, ProposalRecord, ProposalStatus, Statement};
use crate::op::Op;
use crate::outcome::Outcome;
use crate::platform::{DemandRecord, ReportRecord, ReportUpdate, would_cycle};
use crate::seal::{EncryptionKey, KeyBox};
use crate::tally::Choice;
use crate::types::{Hash, PublicKey};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// The federation's identity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Federation {
    /// The genesis op id.
    pub id: Hash,
    /// Its name.
    pub name: String,
    /// The genesis author.
    pub founder: PublicKey,
}

/// A member's display name and the op that set it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// Display name (pseudonym), clear or sealed per committee (issue
    /// 14): views read it through [`crate::keyring::Keyring::name`].
    pub name: DisplayName,
    /// `(lamport, id)` of the `Profile` op that set it; the latest wins.
    pub set_by: (u64, Hash),
}

/// A member's published encryption key and the op that set it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedKey {
    /// The X25519 public key.
    pub key: EncryptionKey,
    /// `(lamport, id)` of the `EncryptionKey` op that set it; the latest
    /// wins.
    pub set_by: (u64, Hash),
}

/// A committee as folded from its ops.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Committee {
    /// Its id: the id of its `CreateCommittee` op.
    pub id: Hash,
    /// Its name.
    pub name: String,
    /// Territorial, production, council or advisory.
    pub kind: CommitteeKind,
    /// Its rules.
    pub policy: Policy,
    /// Who created it.
    pub creator: PublicKey,
    /// A council's provisional convenor, until its first seat is filled;
    /// never again after that, even if every seat ends.
    pub convenor: Option<PublicKey>,
    /// Current members (for a council: none; membership is by seats).
    pub members: BTreeSet<PublicKey>,
    /// Candidates with the members who vouched for them since their last
    /// join. A join consumes the vouches that admitted it.
    pub candidates: BTreeMap<PublicKey, BTreeSet<PublicKey>>,
    /// Its proposals, open and closed, by id.
    pub proposals: BTreeMap<Hash, ProposalRecord>,
    /// Statements it adopted, by proposal id.
    pub statements: BTreeMap<Hash, Statement>,
    /// Councils this committee decided to affiliate to.
    pub affiliation_requests: BTreeSet<Hash>,
    /// A council's affiliated committees (requests it accepted).
    pub affiliates: BTreeSet<Hash>,
    /// A council's seats: the delegates each affiliated committee elected.
    pub seats: BTreeMap<Hash, BTreeSet<PublicKey>>,
    /// Mandates this committee gave its delegates, by council proposal.
    pub mandates: BTreeMap<Hash, Choice>,
    /// Demands this committee put forward.
    pub demands: BTreeMap<Hash, DemandRecord>,
    /// Demands this committee adopted (its own included).
    pub adopted: BTreeSet<Hash>,
    /// A council's merges of duplicate demands: `from → into`.
    pub merges: BTreeMap<Hash, Hash>,
    /// Action reports by this committee. Shared, not copied, when the
    /// committee is cloned for a checkpoint or a projection: reports are
    /// most of a committee's bulk and change one at a time.
    pub reports: BTreeMap<Hash, Arc<ReportRecord>>,
    /// Its threads, comments, suggestions and announcements, with their
    /// edits and retractions (DESIGN §9).
    pub discussion: Discussion,
    /// Posts hidden by a passed `HidePost` decision.
    pub hidden: BTreeSet<Hash>,
    /// Its epochs (sealing, issue 14) by the id of the `Rekey` op that
    /// started each. The one started last in fold order is current.
    pub epochs: BTreeMap<Hash, Epoch>,
}

/// One epoch of a committee's sealing key: who it was sealed to. The fold
/// keeps the sealed boxes as opaque bytes; only a keyring opens them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Epoch {
    /// `(lamport, id)` of the `Rekey` op that started it.
    pub started: (u64, Hash),
    /// The members its key was sealed to, each with every box sealed to
    /// them (by the `Rekey`, then by `ShareEpoch`s, in fold order).
    pub boxes: BTreeMap<PublicKey, Vec<KeyBox>>,
}

impl Epoch {
    /// Keeps `boxes`, each under the member it is sealed to.
    fn hold(&mut self, boxes: &[KeyBox]) {
        for sealed in boxes {
            self.boxes
                .entry(sealed.member)
                .or_default()
                .push(sealed.clone());
        }
    }
}

impl Committee {
    /// The committee created by `op`, if `op` is a `CreateCommittee`.
    pub fn created_by(op: &Op) -> Option<Committee> {
        let Body::CreateCommittee { name, kind, policy } = &op.fields.body else {
            return None;
        };
        let author = op.fields.author;
        let council = kind.is_council();
        Some(Committee {
            id: op.id,
            name: name.clone(),
            kind: kind.clone(),
            policy: policy.clone(),
            creator: author,
            convenor: council.then_some(author),
            members: if council {
                BTreeSet::new()
            } else {
                BTreeSet::from([author])
            },
            candidates: BTreeMap::new(),
            proposals: BTreeMap::new(),
            statements: BTreeMap::new(),
            affiliation_requests: BTreeSet::new(),
            affiliates: BTreeSet::new(),
            seats: BTreeMap::new(),
            mandates: BTreeMap::new(),
            demands: BTreeMap::new(),
            adopted: BTreeSet::new(),
            merges: BTreeMap::new(),
            reports: BTreeMap::new(),
            discussion: Discussion::default(),
            hidden: BTreeSet::new(),
            epochs: BTreeMap::new(),
        })
    }

    /// Folds in the effect of an applied op that names this committee.
    /// `ctx` answers for the set of ops being folded: E(P) of proposals and
    /// how they closed.
    pub fn apply(&mut self, op: &Op, ctx: &impl FoldContext) {
        let author = op.fields.author;
        match &op.fields.body {
            Body::Vouch { candidate, .. } if !self.members.contains(candidate) => {
                self.candidates
                    .entry(*candidate)
                    .or_default()
                    .insert(author);
            }
            Body::Join { .. } => {
                self.candidates.remove(&author);
                self.members.insert(author);
            }
            Body::Leave { .. } => {
                self.members.remove(&author);
            }
            Body::Propose {
                kind,
                title,
                text,
                closes_at,
                ..
            } => {
                if let Some(electorate) = ctx.electorate(&op.id) {
                    self.proposals.insert(
                        op.id,
                        ProposalRecord {
                            proposer: author,
                            kind: kind.clone(),
                            title: title.clone(),
                            text: text.clone(),
                            closes_at: *closes_at,
                            created: op.order_key(),
                            electorate,
                            status: ProposalStatus::Open,
                            note: None,
                            revisions: Vec::new(),
                        },
                    );
                }
            }
            Body::Demand {
                category,
                title,
                text,
                ..
            } => {
                self.demands.insert(
                    op.id,
                    DemandRecord {
                        category: *category,
                        title: title.clone(),
                        text: text.clone(),
                        author,
                        supporters: BTreeSet::new(),
                    },
                );
                self.adopted.insert(op.id);
            }
            Body::Support { demand, .. } => {
                if let Some(d) = self.demands.get_mut(demand) {
                    d.supporters.insert(author);
                }
            }
            Body::Report {
                kind,
                status,
                area,
                participants,
                starts_at,
                text,
                ..
            } => {
                self.reports.insert(
                    op.id,
                    Arc::new(ReportRecord {
                        kind: *kind,
                        area: area.clone(),
                        starts_at: *starts_at,
                        author,
                        status: *status,
                        participants: *participants,
                        history: vec![ReportUpdate {
                            at: op.order_key(),
                            time: op.fields.time,
                            status: *status,
                            participants: *participants,
                            author,
                            text: text.clone(),
                        }],
                    }),
                );
            }
            Body::UpdateReport {
                report,
                status,
                participants,
                text,
                ..
            } => {
                if let Some(r) = self.reports.get_mut(report) {
                    let r = Arc::make_mut(r);
                    r.status = *status;
                    r.participants = *participants;
                    r.history.push(ReportUpdate {
                        at: op.order_key(),
                        time: op.fields.time,
                        status: *status,
                        participants: *participants,
                        author,
                        text: text.clone(),
                    });
                }
            }
            Body::OpenThread { .. }
            | Body::Comment { .. }
            | Body::Suggest { .. }
            | Body::Announce { .. }
            | Body::EditPost { .. }
            | Body::RetractPost { .. } => {
                self.discussion
                    .apply(op.id, author, op.fields.lamport, &op.fields.body);
            }
            Body::Rekey { boxes, .. } => {
                let mut epoch = Epoch {
                    started: op.order_key(),
                    boxes: BTreeMap::new(),
                };
                epoch.hold(boxes);
                self.epochs.insert(op.id, epoch);
            }
            Body::ShareEpoch { epoch, boxes, .. } => {
                if let Some(epoch) = self.epochs.get_mut(epoch) {
                    epoch.hold(boxes);
                }
            }
            Body::Revise { proposal, text, .. } => {
                // A revision concurrent with the close may sort after it:
                // a closed proposal's text no longer changes.
                if let Some(record) = self.proposals.get_mut(proposal)
                    && record.status == ProposalStatus::Open
                {
                    record.text = text.clone();
                    record.revisions.push(op.order_key());
                }
            }
            Body::Close {
                proposal,
                committee,
            } => {
                if ctx.first_close(proposal) != Some(op.order_key()) {
                    return;
                }
                let Some(closing) = ctx.closing(proposal) else {
                    return;
                };
                let passed = closing.result.passed();
                if *committee != self.id {
                    // A council seeing the close of an election or recall
                    // held in an affiliated committee.
                    if passed && let Some((_, kind)) = ctx.proposal(proposal) {
                        self.enact_as_council(*committee, &kind, &closing.result.elected);
                    }
                    return;
                }
                let Some(record) = self.proposals.get_mut(proposal) else {
                    return;
                };
                record.status = ProposalStatus::Closed(closing);
                if passed {
                    let (kind, title, text) = (
                        record.kind.clone(),
                        record.title.clone(),
                        record.text.clone(),
                    );
                    self.enact(*proposal, &kind, title, text, ctx);
                }
            }
            _ => {}
        }
    }

    /// The effect on this council of an election or recall that passed in
    /// `electing`.
    fn enact_as_council(&mut self, electing: Hash, kind: &ProposalKind, elected: &[PublicKey]) {
        match kind {
            ProposalKind::Election { council, .. } if *council == self.id => {
                // Once a seat has existed, the convenor never gets sole
                // power back (DESIGN §4, "The electorate E(P)").
                if !elected.is_empty() {
                    self.convenor = None;
                }
                self.seats
                    .insert(electing, elected.iter().copied().collect());
            }
            ProposalKind::Recall { council, delegate } if *council == self.id => {
                if let Some(seats) = self.seats.get_mut(&electing) {
                    seats.remove(delegate);
                }
            }
            _ => {}
        }
    }

    /// The effect of a passed proposal on this committee.
    fn enact(
        &mut self,
        proposal: Hash,
        kind: &ProposalKind,
        title: Text,
        text: Text,
        ctx: &impl FoldContext,
    ) {
        // A demand that is void in the set, or whose committee is, cannot
        // be adopted or merged: the effect is skipped (the audit shows the
        // demand's void).
        let gone = match kind {
            ProposalKind::AdoptDemand { demand } => !ctx.demand_exists(demand),
            ProposalKind::MergeDemands { from, into } => {
                !ctx.demand_exists(from) || !ctx.demand_exists(into)
            }
            // Affiliation stays a DAG: of concurrent acceptances that would
            // close a cycle, the first in fold order applies.
            ProposalKind::AcceptAffiliation { .. } => ctx.affiliation_closes_cycle(&proposal),
            _ => false,
        };
        if gone {
            return;
        }
        match kind {
            ProposalKind::PolicyChange { policy } => self.policy = policy.clone(),
            ProposalKind::RemoveMember { member } => {
                self.members.remove(member);
                self.candidates.remove(member);
            }
            ProposalKind::Affiliate { council } => {
                self.affiliation_requests.insert(*council);
            }
            ProposalKind::AcceptAffiliation { committee } => {
                self.affiliates.insert(*committee);
            }
            ProposalKind::Mandate {
                council_proposal,
                choice,
            } => {
                self.mandates.insert(*council_proposal, *choice);
            }
            ProposalKind::AdoptDemand { demand } => {
                self.adopted.insert(*demand);
            }
            ProposalKind::MergeDemands { from, into } => {
                // Of merges that would form a cycle, the first in fold
                // order applies; the later one records why it did not.
                if would_cycle(&self.merges, *from, *into) {
                    if let Some(record) = self.proposals.get_mut(&proposal) {
                        record.note = Some(EffectNote::MergeCycle);
                    }
                } else {
                    self.merges.insert(*from, *into);
                }
            }
            ProposalKind::HidePost { post } => {
                self.hidden.insert(*post);
            }
            ProposalKind::Statement { public } => {
                self.statements.insert(
                    proposal,
                    Statement {
                        title,
                        text,
                        public: *public,
                    },
                );
            }
            _ => {}
        }
    }

    /// True if `key` is a member, or the convenor of a council.
    pub fn includes(&self, key: &PublicKey) -> bool {
        self.members.contains(key) || self.convenor.as_ref() == Some(key)
    }

    /// The current epoch: the one whose `Rekey` sorts last in fold order,
    /// so every replica agrees on it whatever the order ops arrived in.
    pub fn current_epoch(&self) -> Option<(&Hash, &Epoch)> {
        self.epochs.iter().max_by_key(|(_, e)| e.started)
    }

    /// Vouches a candidate needs now: the policy's figure clamped to the
    /// member count, and never below 1.
    pub fn vouches_needed(&self) -> u32 {
        let members = u32::try_from(self.members.len()).unwrap_or(u32::MAX);
        self.policy.vouches_required.min(members).max(1)
    }
}

/// Everything the fold produces.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    /// The federation, once its genesis is applied.
    pub federation: Option<Federation>,
    /// Display names by member key.
    pub profiles: BTreeMap<PublicKey, Profile>,
    /// Published X25519 encryption keys by member key (issue 14).
    pub encryption_keys: BTreeMap<PublicKey, PublishedKey>,
    /// Committees by id.
    pub committees: BTreeMap<Hash, Box<Committee>>,
    /// Forked authors and the seqs at which they forked (what their fork
    /// voids is in the outcomes).
    pub forks: BTreeMap<PublicKey, BTreeSet<u64>>,
}

impl State {
    /// Folds in the effect of an applied op. Ops must come in `(lamport, id)`
    /// order, and `ctx` must answer for the same set, for the result to be
    /// `state(T)`.
    pub fn apply(&mut self, op: &Op, ctx: &impl FoldContext) {
        match &op.fields.body {
            Body::CreateFederation { name } => {
                self.federation = Some(Federation {
                    id: op.id,
                    name: name.clone(),
                    founder: op.fields.author,
                });
            }
            Body::Profile { .. } | Body::SealedProfile { .. } | Body::EncryptionKey { .. } => {
                self.apply_profile(op)
            }
            Body::CreateCommittee { .. } => {
                if let Some(committee) = Committee::created_by(op) {
                    self.committees.insert(committee.id, Box::new(committee));
                }
            }
            Body::Close {
                committee,
                proposal,
            } => {
                // The proposal's committee, then the council an election or
                // recall acts on.
                let target = self
                    .committees
                    .get(committee)
                    .and_then(|c| c.proposals.get(proposal))
                    .and_then(|p| p.kind.council());
                for c in std::iter::once(*committee).chain(target) {
                    if let Some(c) = self.committees.get_mut(&c) {
                        c.apply(op, ctx);
                    }
                }
            }
            body => {
                if let Some(committee) = body.committee().and_then(|c| self.committees.get_mut(&c))
                {
                    committee.apply(op, ctx);
                }
            }
        }
    }

    /// A profile is last-writer-wins in fold order, which is the same as
    /// keeping the `Profile` op with the greatest `(lamport, id)`; that form
    /// needs no rewind when a late profile arrives.
    /// A published encryption key is kept the same way.
    pub fn apply_profile(&mut self, op: &Op) {
        let (author, set_by) = (op.fields.author, op.order_key());
        match &op.fields.body {
            Body::EncryptionKey { key } => keep_latest(
                &mut self.encryption_keys,
                author,
                set_by,
                |p| p.set_by,
                || PublishedKey { key: *key, set_by },
            ),
            Body::Profile { name } => keep_latest(
                &mut self.profiles,
                author,
                set_by,
                |p| p.set_by,
                || Profile {
                    name: DisplayName::Plain(name.clone()),
                    set_by,
                },
            ),
            Body::SealedProfile { names } => keep_latest(
                &mut self.profiles,
                author,
                set_by,
                |p| p.set_by,
                || Profile {
                    name: DisplayName::Sealed(names.clone()),
                    set_by,
                },
            ),
            _ => {}
        }
    }
}

/// What authorisation may read of `state(past(X))`. The engine answers it
/// from projections; [`State`] answers it directly.
pub trait PastView {
    /// The founder of the federation.
    fn founder(&self) -> Option<PublicKey>;
    /// The committee `id` as it stands in the past.
    fn committee(&self, id: &Hash) -> Option<Cow<'_, Committee>>;
    /// True if `key` is the founder or belongs to some committee.
    fn is_federation_member(&self, key: &PublicKey) -> bool;
    /// True if the demand `id` was put forward in the past.
    fn demand_exists(&self, id: &Hash) -> bool;
}

impl PastView for State {
    fn founder(&self) -> Option<PublicKey> {
        self.federation.as_ref().map(|f| f.founder)
    }

    fn committee(&self, id: &Hash) -> Option<Cow<'_, Committee>> {
        self.committees.get(id).map(|c| Cow::Borrowed(&**c))
    }

    fn is_federation_member(&self, key: &PublicKey) -> bool {
        self.founder().as_ref() == Some(key) || self.committees.values().any(|c| c.includes(key))
    }

    fn demand_exists(&self, id: &Hash) -> bool {
        self.committees.values().any(|c| c.demands.contains_key(id))
    }
}

/// The canonical state digest: BLAKE3 over the postcard encoding of the
/// state, then every `(op id, outcome)` in id order.
pub fn digest<'a>(
    state: &State,
    outcomes: impl IntoIterator<Item = (&'a Hash, &'a Outcome)>,
) -> Hash {
    let mut sorted: Vec<(&Hash, &Outcome)> = outcomes.into_iter().collect();
    sorted.sort_by_key(|(id, _)| **id);
    digest_in_id_order(
        state,
        sorted.into_iter().map(|(id, outcome)| (*id, outcome)),
    )
}

/// [`digest`] of outcomes already in id order, read one at a time: the
/// engine's outcomes are computed per op, not kept in a list.
pub fn digest_in_id_order<O: std::borrow::Borrow<Outcome>>(
    state: &State,
    outcomes: impl IntoIterator<Item = (Hash, O)>,
) -> Hash {
    let mut hasher = blake3::Hasher::new();
    hasher.update(b"kenes/digest/v1");
    hasher.update(&postcard::to_allocvec(state).unwrap_or_default());
    for (id, outcome) in outcomes {
        hasher.update(&id.0);
        hasher.update(&postcard::to_allocvec(outcome.borrow()).unwrap_or_default());
    }
    Hash(*hasher.finalize().as_bytes())
}

/// Keeps `value` for `author` unless the value kept was set by an op that
/// sorts after `set_by`: last writer wins in fold order.
fn keep_latest<T>(
    map: &mut BTreeMap<PublicKey, T>,
    author: PublicKey,
    set_by: (u64, Hash),
    set_by_of: impl Fn(&T) -> (u64, Hash),
    value: impl FnOnce() -> T,
) {
    if map.get(&author).is_none_or(|kept| set_by_of(kept) < set_by) {
        map.insert(author, value());
    }
}
