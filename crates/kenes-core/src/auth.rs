//! Authorisation: "who may do what" (DESIGN §4). The one place that
//! decides it. Every check reads `state(past(X))` of the op X being judged,
//! through a [`PastView`], never the state at X's fold position.

use crate::body::{Ballot, Body, ProposalKind};
use crate::governance::{Electorate, ProposalStatus};
use crate::op::Op;
use crate::outcome::RejectReason;
use crate::state::{Committee, PastView};
use crate::tally::Choice;
use crate::types::Hash;
use std::borrow::Cow;

/// Decides whether `op`'s body is authorised in its own past, `past`.
/// Votes and closes name a proposal that must be in their committee's
/// state in their past, which means it is in their past and Applied.
/// `Ok` means valid(X); the genesis op is handled by acceptance and is
/// always valid there, so `CreateFederation` reaching this is rejected.
///
/// Invariants:
/// - reads nothing but `past`, so validity is intrinsic and computed once;
/// - a back-dated op gains nothing its author did not hold in its past.
pub fn authorise(past: &impl PastView, op: &Op) -> Result<(), RejectReason> {
    let author = &op.fields.author;
    match &op.fields.body {
        Body::CreateFederation { .. } => Err(RejectReason::GenesisOnly),
        Body::EncryptionKey { key } if key.is_small_order() => {
            Err(RejectReason::SmallOrderEncryptionKey)
        }
        // Standing (checked at acceptance) is enough to name oneself.
        Body::Profile { .. }
        | Body::SealedProfile { .. }
        | Body::EncryptionKey { .. }
        | Body::Unknown { .. } => Ok(()),
        Body::CreateCommittee { .. } => {
            if past.is_federation_member(author) {
                Ok(())
            } else {
                Err(RejectReason::NotFederationMember)
            }
        }
        Body::Vouch {
            committee,
            candidate,
        } => {
            let c = membership_committee(past, committee)?;
            if !c.members.contains(author) {
                return Err(RejectReason::NotMember);
            }
            if c.members.contains(candidate) {
                return Err(RejectReason::AlreadyMember);
            }
            if c.candidates
                .get(candidate)
                .is_some_and(|v| v.contains(author))
            {
                return Err(RejectReason::AlreadyVouched);
            }
            Ok(())
        }
        Body::Join { committee } => {
            let c = membership_committee(past, committee)?;
            if c.members.contains(author) {
                return Err(RejectReason::AlreadyMember);
            }
            let have = c
                .candidates
                .get(author)
                .map_or(0, |v| u32::try_from(v.len()).unwrap_or(u32::MAX));
            let need = c.vouches_needed();
            if have < need {
                return Err(RejectReason::NotEnoughVouches { have, need });
            }
            Ok(())
        }
        Body::Propose {
            committee, kind, ..
        } => {
            let c = past
                .committee(committee)
                .ok_or(RejectReason::NoSuchCommittee)?;
            if !Electorate::may_act(past, &c, author) {
                return Err(RejectReason::NotMember);
            }
            authorise_kind(past, &c, kind)
        }
        Body::Vote {
            committee,
            proposal,
            ballot,
        } => {
            let c = past
                .committee(committee)
                .ok_or(RejectReason::NoSuchCommittee)?;
            let p = c
                .proposals
                .get(proposal)
                .ok_or(RejectReason::NoSuchProposal)?;
            if !Electorate::may_act(past, &c, author) {
                return Err(RejectReason::NotMember);
            }
            let election = matches!(p.kind, ProposalKind::Election { .. });
            if election != matches!(ballot, Ballot::Ranking(_)) {
                return Err(RejectReason::WrongBallot);
            }
            // Ballots that can never count are refused, not applied: one
            // cast after a close the voter had seen (K(P) cannot hold it),
            // and a block where blocks mean nothing.
            if matches!(p.status, ProposalStatus::Closed(_)) {
                return Err(RejectReason::ProposalClosed);
            }
            if *ballot == Ballot::Choice(Choice::Block) && !p.electorate.consensus {
                return Err(RejectReason::BlockOutsideConsensus);
            }
            Ok(())
        }
        Body::Close {
            committee,
            proposal,
        } => {
            let c = past
                .committee(committee)
                .ok_or(RejectReason::NoSuchCommittee)?;
            let p = c
                .proposals
                .get(proposal)
                .ok_or(RejectReason::NoSuchProposal)?;
            if p.proposer == *author {
                return Ok(());
            }
            if !Electorate::may_act(past, &c, author) {
                return Err(RejectReason::NotMember);
            }
            if op.fields.time < p.closes_at {
                return Err(RejectReason::TooEarly);
            }
            Ok(())
        }
        Body::Demand { committee, .. } | Body::Report { committee, .. } => {
            let c = past
                .committee(committee)
                .ok_or(RejectReason::NoSuchCommittee)?;
            if !Electorate::may_act(past, &c, author) {
                return Err(RejectReason::NotMember);
            }
            Ok(())
        }
        Body::Support { committee, demand } => {
            let c = past
                .committee(committee)
                .ok_or(RejectReason::NoSuchCommittee)?;
            let d = c.demands.get(demand).ok_or(RejectReason::NoSuchDemand)?;
            if !past.is_federation_member(author) {
                return Err(RejectReason::NotFederationMember);
            }
            if d.supporters.contains(author) {
                return Err(RejectReason::AlreadySupported);
            }
            Ok(())
        }
        Body::UpdateReport {
            committee, report, ..
        } => {
            let c = past
                .committee(committee)
                .ok_or(RejectReason::NoSuchCommittee)?;
            if !c.reports.contains_key(report) {
                return Err(RejectReason::NoSuchReport);
            }
            if !Electorate::may_act(past, &c, author) {
                return Err(RejectReason::NotMember);
            }
            Ok(())
        }
        // Any member may start an epoch or share one: sealing to the
        // committee is every member's to keep up (docs/DESIGN.md "Sealing").
        Body::OpenThread { committee, .. }
        | Body::Announce { committee, .. }
        | Body::Rekey { committee, .. } => acting_in(past, committee, author).map(|_| ()),
        Body::ShareEpoch {
            committee, epoch, ..
        } => {
            let c = acting_in(past, committee, author)?;
            if !c.epochs.contains_key(epoch) {
                return Err(RejectReason::NoSuchEpoch);
            }
            Ok(())
        }
        Body::Comment {
            committee, target, ..
        } => {
            let c = acting_in(past, committee, author)?;
            let known = c.proposals.contains_key(target)
                || c.demands.contains_key(target)
                || c.reports.contains_key(target)
                || c.discussion.posts.contains(target);
            if !known {
                return Err(RejectReason::NoSuchPost);
            }
            Ok(())
        }
        Body::EditPost {
            committee, post, ..
        }
        | Body::RetractPost { committee, post } => {
            let c = acting_in(past, committee, author)?;
            let p = c
                .discussion
                .posts
                .get(post)
                .ok_or(RejectReason::NoSuchPost)?;
            if p.author != *author {
                return Err(RejectReason::NotPostAuthor);
            }
            Ok(())
        }
        Body::Suggest {
            committee,
            proposal,
            ..
        }
        | Body::Revise {
            committee,
            proposal,
            ..
        } => {
            let c = acting_in(past, committee, author)?;
            let p = c
                .proposals
                .get(proposal)
                .ok_or(RejectReason::NoSuchProposal)?;
            if matches!(op.fields.body, Body::Revise { .. }) && p.proposer != *author {
                return Err(RejectReason::NotProposer);
            }
            if matches!(p.status, ProposalStatus::Closed(_)) {
                return Err(RejectReason::ProposalClosed);
            }
            Ok(())
        }
        Body::Leave { committee } => {
            let c = membership_committee(past, committee)?;
            if !c.members.contains(author) {
                return Err(RejectReason::NotMember);
            }
            Ok(())
        }
    }
}

/// The committee `id` as it stands in the past, if `author` may act in it
/// there (a member; in a council, a seated delegate): the first check of
/// every deliberation op.
fn acting_in<'a>(
    past: &'a impl PastView,
    id: &Hash,
    author: &crate::types::PublicKey,
) -> Result<Cow<'a, Committee>, RejectReason> {
    let c = past.committee(id).ok_or(RejectReason::NoSuchCommittee)?;
    if !Electorate::may_act(past, &c, author) {
        return Err(RejectReason::NotMember);
    }
    Ok(c)
}

/// A committee whose membership is personal (not a council), as it stands
/// in the past: the common first check of vouch, join and leave.
fn membership_committee<'a>(
    past: &'a impl PastView,
    id: &Hash,
) -> Result<Cow<'a, Committee>, RejectReason> {
    let c = past.committee(id).ok_or(RejectReason::NoSuchCommittee)?;
    if c.kind.is_council() {
        return Err(RejectReason::CouncilMembershipIsBySeats);
    }
    Ok(c)
}

/// What each kind of proposal requires of its committee `c` in the past.
fn authorise_kind(
    past: &impl PastView,
    c: &Committee,
    kind: &ProposalKind,
) -> Result<(), RejectReason> {
    let council = |id: &Hash| -> Result<Cow<'_, Committee>, RejectReason> {
        let k = past.committee(id).ok_or(RejectReason::NoSuchCommittee)?;
        if !k.kind.is_council() || k.id == c.id {
            return Err(RejectReason::NotACouncil);
        }
        Ok(k)
    };
    match kind {
        ProposalKind::Decision
        | ProposalKind::PolicyChange { .. }
        | ProposalKind::Statement { .. } => Ok(()),
        ProposalKind::HidePost { post } => {
            if c.discussion.posts.contains(post) {
                Ok(())
            } else {
                Err(RejectReason::NoSuchPost)
            }
        }
        ProposalKind::RemoveMember { member } => {
            if c.members.contains(member) {
                Ok(())
            } else {
                Err(RejectReason::SubjectNotMember)
            }
        }
        ProposalKind::Election {
            council: k,
            candidates,
            ..
        } => {
            if !council(k)?.affiliates.contains(&c.id) {
                return Err(RejectReason::NotAffiliated);
            }
            if candidates.iter().any(|m| !c.members.contains(m)) {
                return Err(RejectReason::CandidateNotMember);
            }
            Ok(())
        }
        ProposalKind::Recall {
            council: k,
            delegate,
        } => {
            let k = council(k)?;
            // A seat stands only while its delegate is a member of the
            // committee that elected them (DESIGN §1 "Seat": it ends by
            // their removal or leaving): an ended seat cannot be recalled.
            if c.members.contains(delegate)
                && k.seats.get(&c.id).is_some_and(|s| s.contains(delegate))
            {
                Ok(())
            } else {
                Err(RejectReason::NotSeated)
            }
        }
        ProposalKind::Affiliate { council: k } => {
            if council(k)?.affiliates.contains(&c.id) {
                return Err(RejectReason::AlreadyAffiliated);
            }
            Ok(())
        }
        ProposalKind::AcceptAffiliation { committee } => {
            if !c.kind.is_council() {
                return Err(RejectReason::NotACouncil);
            }
            let asking = past
                .committee(committee)
                .ok_or(RejectReason::NoSuchCommittee)?;
            if c.affiliates.contains(committee) {
                return Err(RejectReason::AlreadyAffiliated);
            }
            if !asking.affiliation_requests.contains(&c.id) {
                return Err(RejectReason::NoAffiliationRequest);
            }
            if affiliated_upwards(past, c, committee) {
                return Err(RejectReason::AffiliationCycle);
            }
            Ok(())
        }
        ProposalKind::Mandate {
            council_proposal, ..
        } => {
            let found = c.affiliation_requests.iter().any(|k| {
                past.committee(k).is_some_and(|k| {
                    k.affiliates.contains(&c.id) && k.proposals.contains_key(council_proposal)
                })
            });
            if found {
                Ok(())
            } else {
                Err(RejectReason::NoSuchProposal)
            }
        }
        ProposalKind::AdoptDemand { demand } => {
            if !past.demand_exists(demand) {
                return Err(RejectReason::NoSuchDemand);
            }
            if c.adopted.contains(demand) {
                return Err(RejectReason::AlreadyAdopted);
            }
            Ok(())
        }
        ProposalKind::MergeDemands { from, into } => {
            if !c.kind.is_council() {
                return Err(RejectReason::NotACouncil);
            }
            if !past.demand_exists(from) || !past.demand_exists(into) {
                return Err(RejectReason::NoSuchDemand);
            }
            Ok(())
        }
    }
}

/// True if `council` is affiliated, directly or through other councils, to
/// `target` in the past: accepting `target` into `council` would then
/// close a cycle, and affiliation must stay a DAG.
fn affiliated_upwards(past: &impl PastView, council: &Committee, target: &Hash) -> bool {
    let mut seen: std::collections::BTreeSet<Hash> = std::collections::BTreeSet::new();
    let mut stack: Vec<(Hash, Vec<Hash>)> = vec![(
        council.id,
        council.affiliation_requests.iter().copied().collect(),
    )];
    while let Some((below, above)) = stack.pop() {
        for k in above {
            let Some(k) = past.committee(&k) else {
                continue;
            };
            if !k.affiliates.contains(&below) {
                continue;
            }
            if k.id == *target {
                return true;
            }
            if seen.insert(k.id) {
                stack.push((k.id, k.affiliation_requests.iter().copied().collect()));
            }
        }
    }
    false
}
