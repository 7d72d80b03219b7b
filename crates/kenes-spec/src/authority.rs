//! "Who may do what" (§4) and the stateless acceptance checks (§3), read
//! from the design alone.
//!
//! [`authorise`] judges an op's body in `state(past(op))`: that is
//! `valid(X)`. Rejection reasons use the core's vocabulary; the tests
//! compare only the class (Rejected) because the design names no order
//! among the checks.

use crate::model::{ProposalView, SpecState, ballot_fits};
use kenes_core::body::{Body, CommitteeKind, CouncilScope, ProposalKind};
use kenes_core::op::{MAX_DEPS, VERSION};
use kenes_core::{Hash, Op, PublicKey, RejectReason};

/// `valid(X)`: Ok if `op`'s body is authorised in `state` (its past).
pub fn authorise(
    op: &Op,
    state: &SpecState,
    founder: Option<PublicKey>,
) -> Result<(), RejectReason> {
    let author = op.fields.author;
    let committee = |id: &Hash| {
        state
            .committees
            .get(id)
            .ok_or(RejectReason::NoSuchCommittee)
    };
    match &op.fields.body {
        Body::CreateFederation { .. } => Err(RejectReason::GenesisOnly),
        // A key nothing can be sealed to (issue 14: it would switch its
        // committees' sealing off) is invalid; rejected, not dropped, as
        // builds before the rule stored it.
        Body::EncryptionKey { key } if key.is_small_order() => {
            Err(RejectReason::SmallOrderEncryptionKey)
        }
        // Issue 14: publishing one's own encryption key needs standing only.
        Body::Profile { .. }
        | Body::SealedProfile { .. }
        | Body::EncryptionKey { .. }
        | Body::Unknown { .. } => Ok(()),
        Body::CreateCommittee { .. } => {
            if state.is_federation_member(&author, founder) {
                Ok(())
            } else {
                Err(RejectReason::NotFederationMember)
            }
        }
        Body::Vouch {
            committee: id,
            candidate,
        } => {
            let c = committee(id)?;
            if c.is_council {
                Err(RejectReason::CouncilMembershipIsBySeats)
            } else if !c.members.contains(&author) {
                Err(RejectReason::NotMember)
            } else if c.members.contains(candidate) {
                Err(RejectReason::AlreadyMember)
            } else if c
                .candidates
                .get(candidate)
                .is_some_and(|vouchers| vouchers.contains_key(&author))
            {
                Err(RejectReason::AlreadyVouched)
            } else {
                Ok(())
            }
        }
        Body::Join { committee: id } => {
            let c = committee(id)?;
            let have = c.candidates.get(&author).map_or(0, |v| v.len());
            let need = c.vouches_needed();
            if c.is_council {
                Err(RejectReason::CouncilMembershipIsBySeats)
            } else if c.members.contains(&author) {
                Err(RejectReason::AlreadyMember)
            } else if have < need {
                Err(RejectReason::NotEnoughVouches {
                    have: have as u32,
                    need: need as u32,
                })
            } else {
                Ok(())
            }
        }
        Body::Leave { committee: id } => {
            let c = committee(id)?;
            if c.is_council {
                Err(RejectReason::CouncilMembershipIsBySeats)
            } else if !c.members.contains(&author) {
                Err(RejectReason::NotMember)
            } else {
                Ok(())
            }
        }
        Body::Propose {
            committee: id,
            kind,
            ..
        } => {
            committee(id)?;
            if !state.may_act(id, &author) {
                return Err(RejectReason::NotMember);
            }
            authorise_proposal(state, id, kind)
        }
        Body::Vote {
            committee: id,
            proposal,
            ballot,
        } => {
            let c = committee(id)?;
            let record = c
                .proposals
                .get(proposal)
                .ok_or(RejectReason::NoSuchProposal)?;
            if !state.may_act(id, &author) {
                Err(RejectReason::NotMember)
            } else if record.status != ProposalView::Open {
                // Its close is in the vote's past: K(P) can never hold it.
                Err(RejectReason::NoSuchProposal)
            } else if !ballot_fits(record, ballot) {
                Err(RejectReason::WrongBallot)
            } else {
                Ok(())
            }
        }
        Body::Close {
            committee: id,
            proposal,
        } => {
            let c = committee(id)?;
            let record = c
                .proposals
                .get(proposal)
                .ok_or(RejectReason::NoSuchProposal)?;
            if record.proposer == author {
                Ok(())
            } else if !state.may_act(id, &author) {
                Err(RejectReason::NotMember)
            } else if op.fields.time < record.closes_at {
                Err(RejectReason::TooEarly)
            } else {
                Ok(())
            }
        }
        Body::Demand { committee: id, .. } | Body::Report { committee: id, .. } => {
            committee(id)?;
            if state.may_act(id, &author) {
                Ok(())
            } else {
                Err(RejectReason::NotMember)
            }
        }
        Body::Support {
            committee: id,
            demand,
        } => {
            let c = committee(id)?;
            let supporters = c.demands.get(demand).ok_or(RejectReason::NoSuchDemand)?;
            if !state.is_federation_member(&author, founder) {
                Err(RejectReason::NotFederationMember)
            } else if supporters.contains(&author) {
                Err(RejectReason::AlreadySupported)
            } else {
                Ok(())
            }
        }
        Body::UpdateReport {
            committee: id,
            report,
            ..
        } => {
            let c = committee(id)?;
            if !c.reports.contains_key(report) {
                Err(RejectReason::NoSuchReport)
            } else if !state.may_act(id, &author) {
                Err(RejectReason::NotMember)
            } else {
                Ok(())
            }
        }
        // §9: whoever may act in the committee (a member; in a council a
        // seated delegate) may post there.
        // Issue 14: any member (in a council, a seated delegate) may start
        // an epoch, like posting.
        Body::OpenThread { committee: id, .. }
        | Body::Announce { committee: id, .. }
        | Body::Rekey { committee: id, .. } => {
            committee(id)?;
            if state.may_act(id, &author) {
                Ok(())
            } else {
                Err(RejectReason::NotMember)
            }
        }
        // §9: a comment answers something of the same committee that is in
        // its past: a proposal, a demand, a report, or a post.
        Body::Comment {
            committee: id,
            target,
            ..
        } => {
            let c = committee(id)?;
            if !state.may_act(id, &author) {
                return Err(RejectReason::NotMember);
            }
            let answerable = c.posts.contains_key(target)
                || c.proposals.contains_key(target)
                || c.demands.contains_key(target)
                || c.reports.contains_key(target);
            if answerable {
                Ok(())
            } else {
                Err(RejectReason::NoSuchPost)
            }
        }
        // §9: only the author changes a post, and only while they may act.
        Body::EditPost {
            committee: id,
            post,
            ..
        }
        | Body::RetractPost {
            committee: id,
            post,
        } => {
            let c = committee(id)?;
            if !state.may_act(id, &author) {
                return Err(RejectReason::NotMember);
            }
            match c.posts.get(post) {
                None => Err(RejectReason::NoSuchPost),
                Some(p) if p.author != author => Err(RejectReason::NotPostAuthor),
                Some(_) => Ok(()),
            }
        }
        // Issue 14: a share names an epoch of the committee in its past.
        Body::ShareEpoch {
            committee: id,
            epoch,
            ..
        } => {
            let c = committee(id)?;
            if !state.may_act(id, &author) {
                return Err(RejectReason::NotMember);
            }
            if !c.epochs.contains(epoch) {
                return Err(RejectReason::NoSuchEpoch);
            }
            Ok(())
        }
        // §9: suggestions and revisions only on a proposal open in the
        // op's past; revisions only by the proposer.
        Body::Suggest {
            committee: id,
            proposal,
            ..
        }
        | Body::Revise {
            committee: id,
            proposal,
            ..
        } => {
            let c = committee(id)?;
            if !state.may_act(id, &author) {
                return Err(RejectReason::NotMember);
            }
            let record = c
                .proposals
                .get(proposal)
                .ok_or(RejectReason::NoSuchProposal)?;
            let revising = matches!(op.fields.body, Body::Revise { .. });
            if revising && record.proposer != author {
                Err(RejectReason::NotProposer)
            } else if record.status != ProposalView::Open {
                Err(RejectReason::ProposalClosed)
            } else {
                Ok(())
            }
        }
    }
}

fn authorise_proposal(
    state: &SpecState,
    id: &Hash,
    kind: &ProposalKind,
) -> Result<(), RejectReason> {
    let Some(c) = state.committees.get(id) else {
        return Err(RejectReason::NoSuchCommittee);
    };
    let council = |k: &Hash| {
        state
            .committees
            .get(k)
            .filter(|k_committee| k_committee.is_council && k != id)
            .ok_or(RejectReason::NotACouncil)
    };
    match kind {
        ProposalKind::Decision | ProposalKind::Statement { .. } => Ok(()),
        // §9: a hiding names a post of the proposing committee.
        ProposalKind::HidePost { post } => {
            if state
                .committees
                .get(id)
                .is_some_and(|c| c.posts.contains_key(post))
            {
                Ok(())
            } else {
                Err(RejectReason::NoSuchPost)
            }
        }
        ProposalKind::PolicyChange { .. } => Ok(()),
        ProposalKind::Election {
            council: k,
            candidates,
            ..
        } => {
            let k_committee = council(k)?;
            if !k_committee.affiliates.contains(id) {
                Err(RejectReason::NotAffiliated)
            } else if candidates.is_empty() || candidates.iter().any(|m| !c.members.contains(m)) {
                Err(RejectReason::CandidateNotMember)
            } else {
                Ok(())
            }
        }
        ProposalKind::Recall {
            council: k,
            delegate,
        } => {
            let k_committee = council(k)?;
            if state
                .standing_seats(k_committee)
                .get(id)
                .is_some_and(|delegates| delegates.contains(delegate))
            {
                Ok(())
            } else {
                Err(RejectReason::NotSeated)
            }
        }
        ProposalKind::Mandate {
            council_proposal, ..
        } => {
            let owner = state
                .committees
                .iter()
                .find(|(_, k)| k.is_council && k.proposals.contains_key(council_proposal));
            match owner {
                None => Err(RejectReason::NoSuchProposal),
                Some((_, k)) if !k.affiliates.contains(id) => Err(RejectReason::NotAffiliated),
                Some(_) => Ok(()),
            }
        }
        ProposalKind::Affiliate { council: k } => {
            let k_committee = council(k)?;
            // A request creates no link; only an acceptance can close a
            // cycle, so that is where the DAG is enforced.
            if k_committee.affiliates.contains(id) {
                Err(RejectReason::AlreadyAffiliated)
            } else {
                Ok(())
            }
        }
        ProposalKind::AcceptAffiliation { committee: d } => {
            if !c.is_council {
                return Err(RejectReason::NotACouncil);
            }
            let requested = state
                .committees
                .get(d)
                .is_some_and(|d_committee| d_committee.affiliation_requests.contains(id));
            if !requested {
                Err(RejectReason::NoAffiliationRequest)
            } else if c.affiliates.contains(d) {
                Err(RejectReason::AlreadyAffiliated)
            } else if state.affiliation_would_cycle(d, id) {
                Err(RejectReason::AffiliationCycle)
            } else {
                Ok(())
            }
        }
        ProposalKind::RemoveMember { member } => {
            if c.members.contains(member) {
                Ok(())
            } else {
                Err(RejectReason::SubjectNotMember)
            }
        }
        ProposalKind::AdoptDemand { demand } => {
            if !state.demand_exists(demand) {
                Err(RejectReason::NoSuchDemand)
            } else if c.adopted.contains(demand) {
                Err(RejectReason::AlreadyAdopted)
            } else {
                Ok(())
            }
        }
        ProposalKind::MergeDemands { from, into } => {
            if !c.is_council {
                Err(RejectReason::NotACouncil)
            } else if !state.demand_exists(from) || !state.demand_exists(into) {
                Err(RejectReason::NoSuchDemand)
            } else {
                Ok(())
            }
        }
    }
}

/// Issue 14: sealed keys come one per member, ascending, at most 1000,
/// each 48 bytes (a 32-byte key and its tag).
fn boxes_ok(boxes: &[kenes_core::seal::KeyBox]) -> bool {
    (1..=1000).contains(&boxes.len())
        && boxes.windows(2).all(|w| w[0].member < w[1].member)
        && boxes.iter().all(|b| b.ciphertext.len() == 48)
}

/// Issue 14: a display name sealed to 1 to 1,000 committees, each once,
/// in ascending order, each holding a name padded to 32, 64, … or 224
/// bytes behind its 16-byte tag.
fn sealed_names_ok(names: &[kenes_core::body::SealedName]) -> bool {
    (1..=1000).contains(&names.len())
        && names.windows(2).all(|w| w[0].committee < w[1].committee)
        && names
            .iter()
            .all(|n| [48, 80, 112, 144, 176, 208, 240].contains(&n.name.ciphertext.len()))
}

fn name_ok(name: &str) -> bool {
    (1..=200).contains(&name.len()) && !name.chars().any(char::is_control)
}

/// A thread's title: a name when clear; sealed (issue 14), by the size
/// of what it holds only.
fn title_ok(title: &kenes_core::body::Text) -> bool {
    match title.readable() {
        Some(plain) => name_ok(plain),
        None => (1..=200).contains(&title.len()),
    }
}

/// §9: deliberation text is not blank, at most 16 KiB, and holds no
/// control characters other than line breaks and tabs.
/// A sealed text (issue 14) by the size of what it holds only.
fn post_text_ok(text: &kenes_core::body::Text) -> bool {
    if text.readable().is_none() {
        return (1..=16 * 1024).contains(&text.len());
    }
    text.readable().is_none_or(|t| {
        !t.trim().is_empty()
            && t.len() <= 16 * 1024
            && t.chars()
                .all(|c| !c.is_control() || c == '\n' || c == '\r' || c == '\t')
    })
}

fn area_ok(area: &str) -> bool {
    !area.is_empty() && area.split('/').all(|segment| !segment.is_empty())
}

/// The stateless acceptance checks (§3 and the project's decisions): a
/// signed, canonical op by a key that is not of small order, with a well
/// formed envelope and body. Signature and key checks use the core's
/// `keys` module (the signing primitives, not the engine's logic).
pub fn stateless_ok(op: &Op) -> bool {
    let fields = &op.fields;
    let decoded_same = Op::decode(&op.bytes).is_ok_and(|again| again == *op);
    let key_ok = !kenes_core::keys::is_small_order(&fields.author);
    let sig_ok = kenes_core::keys::verify(&fields.author, op.signed_message(), &op.sig);
    let prev_ok = fields.prev.is_some() == (fields.seq > 0);
    let deps_ok = fields.deps.len() <= MAX_DEPS
        && fields.deps.windows(2).all(|pair| pair[0] < pair[1])
        && fields.prev.is_none_or(|prev| !fields.deps.contains(&prev));
    let genesis_shape = matches!(fields.body, Body::CreateFederation { .. })
        && fields.seq == 0
        && fields.prev.is_none()
        && fields.deps.is_empty();
    let has_parent = fields.prev.is_some() || !fields.deps.is_empty();
    let genesis_ok = if genesis_shape {
        fields.federation == Hash::ZERO && fields.lamport == 0
    } else {
        has_parent
    };
    decoded_same && key_ok && sig_ok && prev_ok && deps_ok && genesis_ok && body_ok(op)
}

fn body_ok(op: &Op) -> bool {
    if op.fields.version != VERSION {
        return true;
    }
    match &op.fields.body {
        Body::CreateFederation { name } | Body::Profile { name } => name_ok(name),
        Body::SealedProfile { names } => sealed_names_ok(names),
        Body::CreateCommittee { name, kind, policy } => {
            let kind_ok = match kind {
                CommitteeKind::Territorial { area } => area_ok(area),
                CommitteeKind::Production { area, .. } => area_ok(area),
                CommitteeKind::Council {
                    scope: CouncilScope::Area(area),
                } => area_ok(area),
                CommitteeKind::Council {
                    scope: CouncilScope::Industry(_),
                }
                | CommitteeKind::Advisory => true,
            };
            name_ok(name) && kind_ok && policy.vouches_required >= 1 && policy.quorum.is_fraction()
        }
        Body::Propose {
            kind: ProposalKind::PolicyChange { policy },
            ..
        } => policy.vouches_required >= 1 && policy.quorum.is_fraction(),
        Body::OpenThread { title, text, .. } => title_ok(title) && post_text_ok(text),
        Body::Comment { text, .. }
        | Body::EditPost { text, .. }
        | Body::Suggest { text, .. }
        | Body::Revise { text, .. }
        | Body::Announce { text, .. } => post_text_ok(text),
        Body::Rekey { boxes, .. } | Body::ShareEpoch { boxes, .. } => boxes_ok(boxes),
        _ => true,
    }
}
