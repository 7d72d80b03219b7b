//! Authorisation: "who may do what" (DESIGN §4). The one place that
//! decides it. Every check reads `state(past(X))` of the op X being judged,
//! through a [`PastView`], never the state at X's fold position.

use crate::body::{Ballot, Body, ProposalKind};
use crate::governance::Electorate;
use crate::op::Op;
use crate::outcome::RejectReason;
use crate::state::{Committee, PastView};
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
        // Standing (checked at acceptance) is enough to name oneself.
        Body::Profile { .. } | Body::Unknown { .. } => Ok(()),
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
            if !Electorate::may_act(&c, author) {
                return Err(RejectReason::NotMember);
            }
            match kind {
                ProposalKind::RemoveMember { member } if !c.members.contains(member) => {
                    Err(RejectReason::SubjectNotMember)
                }
                _ => Ok(()),
            }
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
            if !Electorate::may_act(&c, author) {
                return Err(RejectReason::NotMember);
            }
            let election = matches!(p.kind, ProposalKind::Election { .. });
            if election != matches!(ballot, Ballot::Ranking(_)) {
                return Err(RejectReason::WrongBallot);
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
            if !Electorate::may_act(&c, author) {
                return Err(RejectReason::NotMember);
            }
            if op.fields.time < p.closes_at {
                return Err(RejectReason::TooEarly);
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
