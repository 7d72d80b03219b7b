//! Tallies under adversarial timing (DESIGN §4, "Tallies"): each scenario
//! is checked on replicas that receive the ops in other orders and batches.

mod common;
use common::*;
use kenes_core::body::{Policy, ProposalKind};
use kenes_core::tally::{Choice, Failure};
use kenes_core::{Body, Outcome};

#[test]
fn a_vote_outside_every_close_does_not_count() {
    let mut w = World::new();
    let c = w.committee(1, "Aktau port workers", 1);
    members(&mut w, c, &[2, 3]);
    let p = propose(&mut w, 1, c, ProposalKind::Decision, 1_000);
    vote(&mut w, 1, c, &p, Choice::Yes);
    vote(&mut w, 3, c, &p, Choice::No);
    w.act(
        1,
        Body::Close {
            committee: c,
            proposal: p.id,
        },
    );
    // Cast after the close: in no close's past.
    let after = vote(&mut w, 2, c, &p, Choice::Yes);
    assert_eq!(w.outcome(&after), Outcome::Applied);
    let closing = closing(&w, c, &p).expect("closed");
    assert_eq!((closing.result.count.yes, closing.result.count.no), (1, 1));
    assert_eq!(closing.result.failure, Some(Failure::Threshold));
    assert_replicas_agree(&mut w);
}

#[test]
fn a_backdated_close_cannot_hide_the_votes_another_close_cites() {
    let mut w = World::new();
    // No quorum, so that the yes votes alone would carry it.
    let open = Policy {
        vouches_required: 1,
        quorum: kenes_core::body::Ratio(0, 1),
        ..Policy::default()
    };
    let c = committee_with(&mut w, 1, "Atyrau oil workers", open);
    members(&mut w, c, &[2, 3, 4, 5]);
    let p = propose(&mut w, 1, c, ProposalKind::Decision, 10);
    let closes_at = w.clock + 10;
    let y1 = vote(&mut w, 1, c, &p, Choice::Yes);
    let y2 = vote(&mut w, 2, c, &p, Choice::Yes);
    for no in [3, 4, 5] {
        vote(&mut w, no, c, &p, Choice::No);
    }
    // Member 2 closes citing only the yes votes, back-dated...
    let hiding = backdated_at(
        &w,
        2,
        &[&p, &y1, &y2],
        Body::Close {
            committee: c,
            proposal: p.id,
        },
        closes_at,
    );
    // ...while member 3 closes on everything it saw.
    w.clock = closes_at;
    let honest = w.act(
        3,
        Body::Close {
            committee: c,
            proposal: p.id,
        },
    );
    let report = w.deliver(&hiding);
    assert_eq!(report.accepted.len(), 1);
    assert_eq!(w.outcome(&hiding), Outcome::Applied);
    assert!(hiding.order_key() < honest.order_key());
    let closing = closing(&w, c, &p).expect("closed");
    // The effect sits at the first close, but the count is over both.
    assert_eq!(closing.first, hiding.order_key());
    assert_eq!((closing.result.count.yes, closing.result.count.no), (2, 3));
    assert!(!closing.result.passed());
    assert!(
        closing.changed_after_close,
        "the hiding close alone would have passed"
    );
    // It arrived after ops it sorts before.
    let ord = w
        .engine
        .entries()
        .iter()
        .position(|e| e.op.id == hiding.id)
        .unwrap() as u32;
    assert!(w.engine.arrived_late().contains(&ord));
    assert_replicas_agree(&mut w);
}

#[test]
fn a_backdated_join_does_not_enter_the_electorate() {
    let mut w = World::new();
    let c = w.committee(1, "Uralsk residents", 1);
    members(&mut w, c, &[2]);
    let v3 = w.act(
        1,
        Body::Vouch {
            committee: c,
            candidate: key(3).public(),
        },
    );
    let p = propose(&mut w, 1, c, ProposalKind::Decision, 1_000);
    // 3 joins citing only its vouch: concurrent with the proposal.
    let join = backdated(&w, 3, &[&v3], Body::Join { committee: c });
    w.deliver(&join);
    assert_eq!(w.outcome(&join), Outcome::Applied);
    assert!(join.order_key() < p.order_key() || join.fields.lamport <= p.fields.lamport);
    let record = &w.engine.state().committees[&c].proposals[&p.id];
    assert!(!record.electorate.voters.contains_key(&key(3).public()));
    assert_eq!(record.electorate.total, 2);
    vote(&mut w, 3, c, &p, Choice::Yes);
    vote(&mut w, 2, c, &p, Choice::No);
    w.act(
        1,
        Body::Close {
            committee: c,
            proposal: p.id,
        },
    );
    let closing = closing(&w, c, &p).expect("closed");
    assert_eq!((closing.result.count.yes, closing.result.count.no), (0, 1));
    assert_replicas_agree(&mut w);
}

#[test]
fn the_subject_of_a_removal_cannot_vote_or_block() {
    let mut w = World::new();
    let consensus = Policy {
        vouches_required: 1,
        consensus: true,
        ..Policy::default()
    };
    let c = committee_with(&mut w, 1, "Tengiz camp", consensus);
    members(&mut w, c, &[2, 3, 4]);
    let p = propose(
        &mut w,
        1,
        c,
        ProposalKind::RemoveMember {
            member: key(4).public(),
        },
        1_000,
    );
    let record = &w.engine.state().committees[&c].proposals[&p.id];
    assert!(!record.electorate.voters.contains_key(&key(4).public()));
    for yes in [1, 2, 3] {
        vote(&mut w, yes, c, &p, Choice::Yes);
    }
    vote(&mut w, 4, c, &p, Choice::Block);
    w.act(
        1,
        Body::Close {
            committee: c,
            proposal: p.id,
        },
    );
    let closing = closing(&w, c, &p).expect("closed");
    assert_eq!(closing.result.count.block, 0);
    assert!(closing.result.passed());
    assert!(
        !w.engine.state().committees[&c]
            .members
            .contains(&key(4).public())
    );
    assert_replicas_agree(&mut w);
}

#[test]
fn a_removal_without_an_absolute_majority_fails() {
    let mut w = World::new();
    let c = w.committee(1, "Shymkent refinery", 1);
    members(&mut w, c, &[2, 3, 4, 5, 6]);
    let p = propose(
        &mut w,
        1,
        c,
        ProposalKind::RemoveMember {
            member: key(6).public(),
        },
        1_000,
    );
    // Two thirds of the votes cast (2 of 3), but 2 of an electorate of 5.
    vote(&mut w, 1, c, &p, Choice::Yes);
    vote(&mut w, 2, c, &p, Choice::Yes);
    vote(&mut w, 3, c, &p, Choice::No);
    w.act(
        1,
        Body::Close {
            committee: c,
            proposal: p.id,
        },
    );
    let closing = closing(&w, c, &p).expect("closed");
    assert_eq!(closing.result.failure, Some(Failure::NoAbsoluteMajority));
    assert!(
        w.engine.state().committees[&c]
            .members
            .contains(&key(6).public())
    );
    assert_replicas_agree(&mut w);
}

#[test]
fn a_policy_change_needs_the_strong_threshold_and_then_applies() {
    let mut w = World::new();
    let c = w.committee(1, "Temirtau miners", 1);
    members(&mut w, c, &[2, 3]);
    let stricter = Policy {
        vouches_required: 3,
        ..Policy::default()
    };
    let p = propose(
        &mut w,
        1,
        c,
        ProposalKind::PolicyChange {
            policy: stricter.clone(),
        },
        1_000,
    );
    for yes in [1, 2, 3] {
        vote(&mut w, yes, c, &p, Choice::Yes);
    }
    let early = w.act(
        2,
        Body::Close {
            committee: c,
            proposal: p.id,
        },
    );
    assert_eq!(
        w.outcome(&early),
        Outcome::Rejected(kenes_core::RejectReason::TooEarly)
    );
    w.act(
        1,
        Body::Close {
            committee: c,
            proposal: p.id,
        },
    );
    assert_eq!(w.engine.state().committees[&c].policy, stricter);
    // A vote on a proposal the voter never saw is rejected.
    let ghost = w.act(
        1,
        Body::Vote {
            committee: c,
            proposal: kenes_core::Hash([9; 32]),
            ballot: kenes_core::body::Ballot::Choice(Choice::Yes),
        },
    );
    assert_eq!(
        w.outcome(&ghost),
        Outcome::Rejected(kenes_core::RejectReason::NoSuchProposal)
    );
    // A ranking on a decision is the wrong ballot.
    let wrong = w.act(
        1,
        Body::Vote {
            committee: c,
            proposal: p.id,
            ballot: kenes_core::body::Ballot::Ranking(vec![key(1).public()]),
        },
    );
    assert_eq!(
        w.outcome(&wrong),
        Outcome::Rejected(kenes_core::RejectReason::WrongBallot)
    );
    assert_replicas_agree(&mut w);
}
