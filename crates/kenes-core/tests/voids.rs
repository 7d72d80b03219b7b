//! Convergence under attack (issue 6; DESIGN §4, "Forks", "Strong removal"):
//! every scenario is checked against the reference evaluator and on
//! replicas that receive the ops in other orders and batches.

mod common;
use common::*;
use kenes_core::body::{Policy, ProposalKind, Ratio, ReportStatus};
use kenes_core::op::{Op, UnsignedOp, VERSION};
use kenes_core::tally::{Choice, Failure};
use kenes_core::{Body, Hash, Outcome, VoidReason};

/// An op by `who` at an explicit `seq` and `prev`, citing exactly `deps`:
/// how a second device with the same key (a thief) forks a log.
fn op_at(w: &World, who: u8, seq: u64, prev: Option<&Op>, deps: &[&Op], body: Body) -> Op {
    let mut dep_ids: Vec<Hash> = deps
        .iter()
        .map(|d| d.id)
        .filter(|d| Some(*d) != prev.map(|p| p.id))
        .collect();
    dep_ids.sort();
    dep_ids.dedup();
    let lamport = deps
        .iter()
        .chain(prev.iter())
        .map(|d| d.fields.lamport + 1)
        .max()
        .unwrap_or(0);
    UnsignedOp {
        version: VERSION,
        federation: w.engine.federation(),
        author: key(who).public(),
        seq,
        prev: prev.map(|p| p.id),
        deps: dep_ids,
        lamport,
        time: w.clock,
        body,
    }
    .sign(&key(who))
}

/// Where `who`'s next op goes, as a second device with the same key sees
/// it: the seq, the op it follows, and the heads it can cite.
fn next_place(w: &World, who: u8) -> (u64, Option<Op>, Vec<Op>) {
    let op_of = |id: &Hash| (*w.engine.op_by_id(id).unwrap()).clone();
    let (seq, prev) = w.engine.next_position(&key(who).public());
    let heads = w.engine.heads().iter().map(op_of).collect();
    (seq, prev.as_ref().map(op_of), heads)
}

fn removal(member: u8) -> ProposalKind {
    ProposalKind::RemoveMember {
        member: key(member).public(),
    }
}

/// One vouch to join, and no quorum: a few members decide.
fn open_policy() -> Policy {
    Policy {
        vouches_required: 1,
        quorum: Ratio(0, 1),
        ..Policy::default()
    }
}

/// A yes vote by `who` on `p` in `c`, citing exactly `deps`.
fn yes_vote(w: &World, who: u8, c: Hash, deps: &[&Op], p: &Op) -> Op {
    backdated(
        w,
        who,
        deps,
        Body::Vote {
            committee: c,
            proposal: p.id,
            ballot: kenes_core::body::Ballot::Choice(Choice::Yes),
        },
    )
}

/// `proposer` proposes in `c` to remove `member`, citing exactly `deps`;
/// each of `voters` votes yes having seen only the proposal, and the
/// proposer closes having seen the votes. Returns the proposal and the
/// close.
fn removal_passed_apart(
    w: &mut World,
    c: Hash,
    proposer: u8,
    member: u8,
    deps: &[&Op],
    voters: &[u8],
) -> (Op, Op) {
    let p = backdated(
        w,
        proposer,
        deps,
        Body::Propose {
            committee: c,
            kind: removal(member),
            title: format!("remove {member}").into(),
            text: String::new().into(),
            closes_at: w.clock + 1_000,
        },
    );
    inject(w, &p);
    let mut votes = Vec::new();
    for &v in voters {
        let vote = yes_vote(w, v, c, &[&p], &p);
        inject(w, &vote);
        votes.push(vote);
    }
    let closed = backdated(w, proposer, &refs(&votes), close(c, &p));
    inject(w, &closed);
    (p, closed)
}

fn close(c: Hash, p: &Op) -> Body {
    Body::Close {
        committee: c,
        proposal: p.id,
    }
}

fn voided_by(p: &Op) -> Outcome {
    Outcome::void(VoidReason::Removal { proposal: p.id })
}

/// The removal layer's verdict on removal `p`: `None` if it was accepted.
fn verdict_of(w: &World, p: &Op) -> Option<Failure> {
    let ord = w.engine.ordinal(&p.id).expect("accepted");
    let verdict = &w.engine.removal_verdicts()[&ord];
    assert_eq!(verdict.accepted, verdict.result.failure.is_none());
    verdict.result.failure
}

fn is_member(w: &World, c: Hash, who: u8) -> bool {
    w.engine.state().committees[&c]
        .members
        .contains(&key(who).public())
}

/// Every op of the world so far, as deps for a back-dated op.

#[test]
fn a_removed_members_concurrent_ops_are_void_unless_built_on() {
    let mut w = World::new();
    let c = w.committee(1, "Zhanaozen oil workers", 1);
    members(&mut w, c, &[2, 3, 4, 5]);
    let q = propose(&mut w, 2, c, ProposalKind::Decision, 1_000);
    let before = everything(&w);
    // The committee removes member 5.
    let p = propose(&mut w, 1, c, removal(5), 1_000);
    for v in [1, 2, 3, 4] {
        vote(&mut w, v, c, &p, Choice::Yes);
    }
    let closed = w.act(1, close(c, &p));
    assert!(!is_member(&w, c, 5));
    // Meanwhile, without having seen the removal, member 5 reported (and
    // member 2 updated that report before the removal reached it: that
    // one stands), then voted, vouched and reported again.
    let m_report2 = backdated(&w, 5, &refs(&before), report(c, "rally on the square"));
    inject(&mut w, &m_report2);
    let mut seen_by_2 = before.clone();
    seen_by_2.push(m_report2.clone());
    let built_on = backdated(
        &w,
        2,
        &refs(&seen_by_2),
        Body::UpdateReport {
            committee: c,
            report: m_report2.id,
            status: ReportStatus::Active,
            participants: 400,
            text: "we joined them".into(),
        },
    );
    inject(&mut w, &built_on);
    let m_vote = backdated(
        &w,
        5,
        &[&m_report2],
        Body::Vote {
            committee: c,
            proposal: q.id,
            ballot: kenes_core::body::Ballot::Choice(Choice::No),
        },
    );
    inject(&mut w, &m_vote);
    let m_vouch = backdated(
        &w,
        5,
        &[&m_vote],
        Body::Vouch {
            committee: c,
            candidate: key(9).public(),
        },
    );
    inject(&mut w, &m_vouch);
    let m_report = backdated(&w, 5, &[&m_vouch], report(c, "strike at the depot"));
    inject(&mut w, &m_report);
    for op in [&m_vote, &m_vouch, &m_report] {
        assert_eq!(w.outcome(op), voided_by(&p), "{}", op.fields.body.label());
    }
    assert_eq!(w.outcome(&m_report2), Outcome::Applied);
    assert_eq!(w.outcome(&built_on), Outcome::Applied);
    let reports = &w.engine.state().committees[&c].reports;
    assert!(reports.contains_key(&m_report2.id));
    assert!(!reports.contains_key(&m_report.id));
    assert!(
        !w.engine.state().committees[&c]
            .candidates
            .contains_key(&key(9).public())
    );
    assert_eq!(w.outcome(&closed), Outcome::Applied);
    assert!(
        w.engine
            .voided()
            .values()
            .all(|r| *r == VoidReason::Removal { proposal: p.id })
    );
    assert_replicas_agree(&mut w);
}

#[test]
fn a_removed_members_backdated_removal_of_others_fails() {
    let mut w = World::new();
    let c = w.committee(1, "Aktau port workers", 1);
    members(&mut w, c, &[2, 3, 4, 5, 6]);
    let before = everything(&w);
    // The committee removes member 5: yes 4 of an electorate of 5.
    let p = propose(&mut w, 1, c, removal(5), 1_000);
    for v in [1, 2, 3, 4] {
        vote(&mut w, v, c, &p, Choice::Yes);
    }
    w.act(1, close(c, &p));
    // Member 5, concurrently, proposes to remove member 2, with two others
    // voting yes before they heard of the removal of 5, and closes it.
    let p2 = backdated(
        &w,
        5,
        &refs(&before),
        Body::Propose {
            committee: c,
            kind: removal(2),
            title: "remove 2".into(),
            text: String::new().into(),
            closes_at: w.clock + 1_000,
        },
    );
    inject(&mut w, &p2);
    let mut yes = vec![];
    for v in [5, 6, 3] {
        let ballot = backdated(
            &w,
            v,
            &[&p2],
            Body::Vote {
                committee: c,
                proposal: p2.id,
                ballot: kenes_core::body::Ballot::Choice(Choice::Yes),
            },
        );
        inject(&mut w, &ballot);
        yes.push(ballot);
    }
    let c2 = backdated(&w, 5, &refs(&yes), close(c, &p2));
    inject(&mut w, &c2);
    // On its own, p2 passes (3 of 5); once 5's close is taken out, no
    // close that is not void remains: the layer records RemovedProposer,
    // and p2 stays open (DESIGN §4: P is closed once one of its counting
    // closes is not void).
    assert_eq!(verdict_of(&w, &p2), Some(Failure::RemovedProposer));
    assert!(closing(&w, c, &p2).is_none());
    assert!(is_member(&w, c, 2));
    assert!(!is_member(&w, c, 5));
    assert_eq!(w.outcome(&c2), voided_by(&p));
    // The proposal itself was acted on by 6 and 3: spared.
    assert_eq!(w.outcome(&p2), Outcome::Applied);
    assert_replicas_agree(&mut w);
}

#[test]
fn when_each_side_of_a_partition_removes_the_other_the_side_with_more_yes_weight_stays() {
    let mut w = World::new();
    let c = w.committee(1, "Mangystau council of elders", 1);
    members(&mut w, c, &[2, 3, 4, 5, 6]);
    let before = everything(&w);
    // Side A (1, 2, 3, and 4, who also votes on B's side) removes 5 and 6,
    // 4 yes each, of the same pre-partition electorate.
    // Member 4 votes on both of A's removals before either closes, so
    // that what 4 later signs on B's side shows no closed removal.
    let mut side_a = vec![];
    for subject in [5, 6] {
        let p = propose(&mut w, 1, c, removal(subject), 1_000);
        for v in [1, 2, 3, 4] {
            vote(&mut w, v, c, &p, Choice::Yes);
        }
        side_a.push(p);
    }
    for p in &side_a {
        w.act(1, close(c, p));
    }
    // Side B (5, 6 and 4), which never saw A's removals, removes 1 (3 yes
    // of 5: it passes on its own, with less settled weight than A's).
    let pb = backdated(
        &w,
        5,
        &refs(&before),
        Body::Propose {
            committee: c,
            kind: removal(1),
            title: "remove 1".into(),
            text: String::new().into(),
            closes_at: w.clock + 1_000,
        },
    );
    inject(&mut w, &pb);
    let mut ballots = vec![];
    for v in [5, 6, 4] {
        let b = backdated(
            &w,
            v,
            &[&pb],
            Body::Vote {
                committee: c,
                proposal: pb.id,
                ballot: kenes_core::body::Ballot::Choice(Choice::Yes),
            },
        );
        inject(&mut w, &b);
        ballots.push(b);
    }
    let close_b = backdated(&w, 5, &refs(&ballots), close(c, &pb));
    inject(&mut w, &close_b);
    for p in &side_a {
        let a = closing(&w, c, p).expect("closed");
        assert!(a.result.passed());
        assert_eq!(a.result.count.yes, 4);
    }
    // B's removal passed on its own with 3 yes (settled weight 3). A's
    // settled weight (4) goes first, removes 5 and 6, and B's recount fails: its
    // proposal stands (member 4 voted on it: spared), its only close is
    // 5's, void, so it records RemovedProposer and stays open.
    assert_eq!(w.outcome(&pb), Outcome::Applied);
    assert_eq!(w.outcome(&close_b), voided_by(&side_a[0]));
    assert!(closing(&w, c, &pb).is_none());
    let ord = w.engine.ordinal(&pb.id).unwrap();
    let verdict = &w.engine.removal_verdicts()[&ord];
    assert_eq!(verdict.result.failure, Some(Failure::RemovedProposer));
    assert!(!verdict.accepted);
    assert!(is_member(&w, c, 1));
    assert!(is_member(&w, c, 4));
    assert!(!is_member(&w, c, 5));
    assert!(!is_member(&w, c, 6));
    assert_replicas_agree(&mut w);
}

#[test]
fn cyclic_removals_follow_the_removal_layers_order() {
    let mut w = World::new();
    let c = w.committee(1, "Zhetybai bus drivers", 1);
    members(&mut w, c, &[2, 3, 4, 5, 6, 7]);
    let before = everything(&w);
    let deps = refs(&before);
    // 1 removes 2, 2 removes 3, 3 removes 1, all at once; members 4, 5 and
    // 6 vote yes on all three, member 7 only on the first.
    let cycle = [(1u8, 2u8), (2, 3), (3, 1)];
    let mut proposals = vec![];
    for (who, subject) in cycle {
        let p = backdated(
            &w,
            who,
            &deps,
            Body::Propose {
                committee: c,
                kind: removal(subject),
                title: format!("remove {subject}").into(),
                text: String::new().into(),
                closes_at: w.clock,
            },
        );
        inject(&mut w, &p);
        proposals.push(p);
    }
    let mut closes = vec![];
    for (i, (who, _)) in cycle.iter().enumerate() {
        let p = &proposals[i];
        let mut ballots = vec![];
        let extra: &[u8] = if i == 0 { &[7] } else { &[] };
        for &v in [*who, 4, 5, 6].iter().chain(extra) {
            let b = backdated(
                &w,
                v,
                &[p],
                Body::Vote {
                    committee: c,
                    proposal: p.id,
                    ballot: kenes_core::body::Ballot::Choice(Choice::Yes),
                },
            );
            inject(&mut w, &b);
            ballots.push(b);
        }
        let close = backdated(&w, *who, &refs(&ballots), close(c, p));
        inject(&mut w, &close);
        closes.push(close);
    }
    // Order: 1→2 (5 yes) first and accepted. 2→3 is recounted without
    // member 2's vote and close: no close that is not void remains, so it
    // records RemovedProposer and stays open. 3→1 (4 yes) then passes its
    // recount.
    let verdicts: Vec<Option<Failure>> = proposals.iter().map(|p| verdict_of(&w, p)).collect();
    assert!(closing(&w, c, &proposals[1]).is_none());
    assert_eq!(verdicts, vec![None, Some(Failure::RemovedProposer), None]);
    assert!(!is_member(&w, c, 2));
    assert!(is_member(&w, c, 3));
    assert!(!is_member(&w, c, 1));
    assert_replicas_agree(&mut w);
}

#[test]
fn ops_citing_only_a_failed_first_close_are_void_when_a_second_close_passes_it() {
    let mut w = World::new();
    let c = w.committee(1, "Kalamkas field crews", 1);
    members(&mut w, c, &[2, 3, 4, 5]);
    let p = propose(&mut w, 1, c, removal(5), 10);
    let closes_at = w.clock + 9;
    let y1 = vote(&mut w, 1, c, &p, Choice::Yes);
    let y2 = vote(&mut w, 2, c, &p, Choice::Yes);
    // The proposer closes early on two yes: not an absolute majority of 4.
    let first = backdated(&w, 1, &[&y1, &y2], close(c, &p));
    inject(&mut w, &first);
    assert!(!closing(&w, c, &p).unwrap().result.passed());
    // Member 5 sees the failed close and goes on.
    let m_op = backdated(&w, 5, &[&first], report(c, "still here"));
    inject(&mut w, &m_op);
    assert_eq!(w.outcome(&m_op), Outcome::Applied);
    // Members 3 and 4 had voted, and member 3 closes after the closing
    // time on every vote, without having seen the first close.
    let y3 = backdated(
        &w,
        3,
        &[&y2],
        Body::Vote {
            committee: c,
            proposal: p.id,
            ballot: kenes_core::body::Ballot::Choice(Choice::Yes),
        },
    );
    inject(&mut w, &y3);
    let y4 = backdated(
        &w,
        4,
        &[&y3],
        Body::Vote {
            committee: c,
            proposal: p.id,
            ballot: kenes_core::body::Ballot::Choice(Choice::Yes),
        },
    );
    inject(&mut w, &y4);
    let second = backdated_at(&w, 3, &[&y4], close(c, &p), closes_at);
    inject(&mut w, &second);
    assert!(first.order_key() < second.order_key());
    let closing = closing(&w, c, &p).unwrap();
    assert!(closing.result.passed());
    assert!(closing.changed_after_close);
    assert!(!is_member(&w, c, 5));
    assert_eq!(w.outcome(&m_op), voided_by(&p));
    assert_replicas_agree(&mut w);
}

/// A member's ops with a fork at `fork_seq`: `fork_seq` plain ops first
/// (profiles), then two conflicting branches.
struct Forked {
    branch_a: Op,
    branch_b: Op,
}

fn fork(w: &mut World, who: u8, c: Hash, fork_seq: u64) -> Forked {
    let author = key(who).public();
    while w.engine.next_position(&author).0 < fork_seq {
        w.act(
            who,
            Body::Profile {
                name: format!("member {who}"),
            },
        );
    }
    let (seq, prev, heads) = next_place(w, who);
    assert_eq!(seq, fork_seq);
    let branch_a = op_at(
        w,
        who,
        seq,
        prev.as_ref(),
        &refs(&heads),
        report(c, "branch a"),
    );
    let branch_b = op_at(
        w,
        who,
        seq,
        prev.as_ref(),
        &refs(&heads),
        report(c, "branch b"),
    );
    inject(w, &branch_a);
    inject(w, &branch_b);
    Forked { branch_a, branch_b }
}

fn fork_void(who: u8, seq: u64) -> Outcome {
    Outcome::void(VoidReason::Fork {
        author: key(who).public(),
        seq,
    })
}

#[test]
fn a_fork_at_seq_5_voids_only_unwitnessed_ops_after_it() {
    for witnessed in [false, true] {
        let mut w = World::new();
        let c = w.committee(1, "Uzen oil workers", 1);
        members(&mut w, c, &[2, 3, 4]);
        let f = fork(&mut w, 3, c, 5);
        if witnessed {
            // Member 4, a member before the fork, builds on branch a.
            let witness = backdated(&w, 4, &[&f.branch_a], report(c, "seen a"));
            inject(&mut w, &witness);
        }
        let expected_a = if witnessed {
            Outcome::Applied
        } else {
            fork_void(3, 5)
        };
        assert_eq!(w.outcome(&f.branch_a), expected_a);
        assert_eq!(w.outcome(&f.branch_b), fork_void(3, 5));
        // The fork voids nothing before it.
        let before: Vec<Outcome> = w
            .engine
            .entries()
            .iter()
            .filter(|e| w.engine.author_of(e) == key(3).public() && e.seq() < 5)
            .map(|e| w.engine.outcome_of(&e.id).expect("accepted"))
            .collect();
        assert!(before.iter().all(|o| *o == Outcome::Applied));
        assert!(is_member(&w, c, 3));
        assert_replicas_agree(&mut w);
    }
}

/// An op's outcome in T is computed from its validity and Void(T), not
/// stored: a rejected op a fork voids reads as void, and the list of
/// rejected ops (alerts, the audit page) drops it.
#[test]
fn a_rejected_op_a_fork_voids_is_void_and_no_longer_listed_as_rejected() {
    let mut w = World::new();
    let c = w.committee(1, "Uzen oil workers", 1);
    members(&mut w, c, &[2, 3, 4]);
    let (seq, prev, heads) = next_place(&w, 3);
    let vouch_for_a_member = Body::Vouch {
        candidate: key(2).public(),
        committee: c,
    };
    let rejected = op_at(&w, 3, seq, prev.as_ref(), &refs(&heads), vouch_for_a_member);
    inject(&mut w, &rejected);
    let ord = w.engine.ordinal(&rejected.id).expect("accepted");
    assert!(matches!(w.outcome(&rejected), Outcome::Rejected(_)));
    assert_eq!(w.engine.rejected(), vec![ord]);
    let other_branch = op_at(
        &w,
        3,
        seq,
        prev.as_ref(),
        &refs(&heads),
        report(c, "branch b"),
    );
    inject(&mut w, &other_branch);
    assert_eq!(w.outcome(&rejected), fork_void(3, seq));
    assert!(matches!(w.engine.validity_at(ord), Outcome::Rejected(_)));
    assert!(w.engine.rejected().is_empty());
    assert_replicas_agree(&mut w);
}

#[test]
fn a_fork_at_seq_0_can_only_be_witnessed_by_the_founder() {
    for witness_by in [None, Some(2u8), Some(1u8)] {
        let mut w = World::new();
        let c = w.committee(1, "Shetpe cement workers", 1);
        members(&mut w, c, &[2]);
        w.act(
            1,
            Body::Vouch {
                committee: c,
                candidate: key(7).public(),
            },
        );
        let (_, _, heads) = next_place(&w, 7);
        let join = op_at(&w, 7, 0, None, &refs(&heads), Body::Join { committee: c });
        let other = op_at(
            &w,
            7,
            0,
            None,
            &refs(&heads),
            Body::Profile {
                name: "thief".into(),
            },
        );
        inject(&mut w, &join);
        inject(&mut w, &other);
        if let Some(by) = witness_by {
            let witness = backdated(&w, by, &[&join], report(c, "welcome"));
            inject(&mut w, &witness);
        }
        let expected = if witness_by == Some(1) {
            Outcome::Applied
        } else {
            fork_void(7, 0)
        };
        assert_eq!(w.outcome(&join), expected, "witness {witness_by:?}");
        assert_eq!(w.outcome(&other), fork_void(7, 0));
        assert_eq!(is_member(&w, c, 7), witness_by == Some(1));
        assert_replicas_agree(&mut w);
    }
}

#[test]
fn a_sybil_vouched_in_on_a_fork_branch_cannot_witness_it() {
    let mut w = World::new();
    let c = w.committee(1, "Beineu rail workers", 1);
    members(&mut w, c, &[2, 3]);
    let author = key(3).public();
    while w.engine.next_position(&author).0 < 5 {
        w.act(3, Body::Profile { name: "3".into() });
    }
    let (seq, prev, heads) = next_place(&w, 3);
    let prev = prev.unwrap();
    let honest = op_at(&w, 3, seq, Some(&prev), &refs(&heads), report(c, "honest"));
    // The thief's branch vouches a sybil in, and the sybil builds on it.
    let vouch = op_at(
        &w,
        3,
        seq,
        Some(&prev),
        &refs(&heads),
        Body::Vouch {
            committee: c,
            candidate: key(9).public(),
        },
    );
    inject(&mut w, &honest);
    inject(&mut w, &vouch);
    let join = op_at(&w, 9, 0, None, &[&vouch], Body::Join { committee: c });
    inject(&mut w, &join);
    let sybil = op_at(&w, 9, 1, Some(&join), &[&join], report(c, "all is well"));
    inject(&mut w, &sybil);
    assert_eq!(w.outcome(&vouch), fork_void(3, 5));
    assert_eq!(w.outcome(&honest), fork_void(3, 5));
    // The sybil's membership rests on the thief's void vouch (Dependants):
    // the join and what the sybil did in the committee are void too.
    let void_vouch = Outcome::void(kenes_core::VoidReason::VoidVouch { join: join.id });
    assert_eq!(w.outcome(&join), void_vouch);
    assert_eq!(w.outcome(&sybil), void_vouch);
    assert!(!is_member(&w, c, 9));
    assert_replicas_agree(&mut w);
}

#[test]
fn two_conflicting_witnessed_ballots_count_for_nothing() {
    let mut w = World::new();
    let c = committee_with(&mut w, 1, "Aktau teachers", open_policy());
    // Both witnesses were members before member 3 joined (and forked).
    members(&mut w, c, &[2, 4, 3]);
    let p = propose(&mut w, 1, c, ProposalKind::Decision, 1_000);
    let y1 = vote(&mut w, 1, c, &p, Choice::Yes);
    let (seq, prev, _) = next_place(&w, 3);
    let prev = prev.unwrap();
    let ballot = |choice| Body::Vote {
        committee: c,
        proposal: p.id,
        ballot: kenes_core::body::Ballot::Choice(choice),
    };
    let yes = op_at(&w, 3, seq, Some(&prev), &[&y1], ballot(Choice::Yes));
    let no = op_at(&w, 3, seq, Some(&prev), &[&y1], ballot(Choice::No));
    inject(&mut w, &yes);
    inject(&mut w, &no);
    // Member 2 witnesses the yes, member 4 the no.
    let w2 = backdated(&w, 2, &[&yes], report(c, "saw yes"));
    let w4 = backdated(&w, 4, &[&no], report(c, "saw no"));
    inject(&mut w, &w2);
    inject(&mut w, &w4);
    assert_eq!(w.outcome(&yes), Outcome::Applied);
    assert_eq!(w.outcome(&no), Outcome::Applied);
    let closed = backdated(&w, 1, &[&w2, &w4], close(c, &p));
    inject(&mut w, &closed);
    let closing = closing(&w, c, &p).expect("closed");
    assert_eq!((closing.result.count.yes, closing.result.count.no), (1, 0));
    assert_replicas_agree(&mut w);
}

#[test]
fn a_stolen_key_forking_a_founder_cannot_erase_the_founders_past() {
    let mut w = World::new();
    let c = w.committee(1, "Zhanaozen strike committee", 1);
    members(&mut w, c, &[2, 3, 4]);
    let r = w.act(2, report(c, "general strike"));
    let founder = key(1).public();
    let (seq, prev, heads) = next_place(&w, 1);
    let prev = prev.unwrap();
    // The founder goes on; the thief, with a copy of the key, leaves the
    // committee in the founder's name and proposes to remove member 2.
    let honest = op_at(&w, 1, seq, Some(&prev), &refs(&heads), report(c, "day 2"));
    let leave = op_at(
        &w,
        1,
        seq,
        Some(&prev),
        &refs(&heads),
        Body::Leave { committee: c },
    );
    inject(&mut w, &honest);
    inject(&mut w, &leave);
    let removal = op_at(
        &w,
        1,
        seq + 1,
        Some(&leave),
        &[&leave],
        Body::Propose {
            committee: c,
            kind: removal(2),
            title: "remove 2".into(),
            text: String::new().into(),
            closes_at: w.clock,
        },
    );
    inject(&mut w, &removal);
    // Members build on the founder's honest branch.
    let witness = backdated(&w, 3, &[&honest], report(c, "day 2 too"));
    inject(&mut w, &witness);
    assert_eq!(w.outcome(&honest), Outcome::Applied);
    assert_eq!(w.outcome(&leave), fork_void(1, seq));
    assert_eq!(w.outcome(&removal), fork_void(1, seq));
    assert!(is_member(&w, c, 1));
    assert!(w.engine.state().committees[&c].reports.contains_key(&r.id));
    assert!(
        w.engine
            .forked()
            .get(&founder)
            .is_some_and(|s| s.contains(&seq))
    );
    assert_replicas_agree(&mut w);
}

#[test]
fn a_removed_member_with_no_other_membership_loses_standing_and_is_bounded() {
    use kenes_core::engine::DropReason;
    let mut w = World::new();
    let c = w.committee(1, "Zhanaozen oil workers", 1);
    members(&mut w, c, &[2, 3, 4]);
    let (seq, prev, heads) = next_place(&w, 4);
    let p = propose(&mut w, 1, c, removal(4), 1_000);
    for v in [1, 2, 3] {
        vote(&mut w, v, c, &p, Choice::Yes);
    }
    w.act(1, close(c, &p));
    assert!(!is_member(&w, c, 4));
    // After the removal, member 4 has no standing: an op that saw it is
    // dropped, and live sync refuses the key.
    let after = w.engine.author(&key(4), report(c, "still here"), w.clock);
    let dropped = w.deliver(&after).dropped;
    assert_eq!(dropped, vec![(Some(after.id), DropReason::NoStanding)]);
    assert!(!w.engine.may_sync(&key(4).public()));
    assert!(w.engine.may_sync(&key(2).public()));
    // Ops back-dated before the removal are accepted and void on arrival,
    // up to the node's bound; then they are dropped (and what follows a
    // dropped op waits for it).
    w.engine.set_void_arrival_limit(3);
    let mut prev = prev;
    let mut outcomes = Vec::new();
    let mut back_dated = Vec::new();
    for i in 0..5 {
        let op = op_at(
            &w,
            4,
            seq + i,
            prev.as_ref(),
            &refs(&heads),
            report(c, &format!("back-dated {i}")),
        );
        let report = w.deliver(&op);
        outcomes.push(match (report.dropped.first(), report.pending) {
            (Some((_, reason)), _) => format!("{reason}"),
            (None, 1) => "pending".to_string(),
            (None, _) => w.outcome(&op).describe(),
        });
        back_dated.push(op.clone());
        prev = Some(op);
    }
    let void = voided_by(&p).describe();
    let flood = DropReason::VoidFlood.to_string();
    assert_eq!(outcomes, [&void, &void, &void, &flood, "pending"]);

    // A member who built on the dropped op brings it in: their op waits
    // for it, and it is accepted when offered again.
    let dropped_op = &back_dated[3];
    let (member_seq, member_prev, member_heads) = next_place(&w, 2);
    let mut cited = refs(&member_heads);
    cited.push(dropped_op);
    let building = op_at(
        &w,
        2,
        member_seq,
        member_prev.as_ref(),
        &cited,
        report(c, "seen"),
    );
    assert_eq!(w.deliver(&building).pending, 1);
    let report = w.deliver(dropped_op);
    assert!(report.accepted.len() >= 2, "{report:?}");
    assert!(w.engine.contains(&dropped_op.id) && w.engine.contains(&building.id));

    // Reloaded in the order it was accepted (as a store reloads), every op
    // comes back at its ordinal, though the member's op now comes after
    // the one it brought in.
    let accepted: Vec<Vec<u8>> = w.engine.accepted_bytes().map(|b| b.to_vec()).collect();
    // One op at a time, so that each is judged on arrival as it was.
    let mut reloaded = kenes_core::Engine::new(w.engine.federation());
    reloaded.set_void_arrival_limit(3);
    for op in &accepted {
        let report =
            reloaded.ingest_in_order(std::slice::from_ref(op), kenes_core::Verify::Trusted);
        assert!(report.dropped.is_empty(), "{:?}", report.dropped);
    }
    for (ord, entry) in w.engine.entries().iter().enumerate() {
        assert_eq!(reloaded.ordinal(&entry.id), Some(ord as u32));
    }
    assert_eq!(reloaded.digest(), w.engine.digest());

    // The bound is lifted only for the ops replayed: a pending op they
    // release was never accepted, and is judged under it.
    let brought_in = w.engine.ordinal(&dropped_op.id).unwrap() as usize;
    let mut partial = kenes_core::Engine::new(w.engine.federation());
    partial.set_void_arrival_limit(3);
    for op in &accepted[..brought_in] {
        partial.ingest_in_order(std::slice::from_ref(op), kenes_core::Verify::Trusted);
    }
    let waiting = &back_dated[4];
    let report = partial.ingest(
        std::slice::from_ref(&waiting.bytes),
        kenes_core::Verify::Trusted,
    );
    assert_eq!(report.pending, 1);
    let report = partial.ingest_in_order(&accepted[brought_in..], kenes_core::Verify::Trusted);
    assert_eq!(
        report.dropped,
        vec![(Some(waiting.id), DropReason::VoidFlood)]
    );
}

/// Committee C (members 1 to 4) removes 4 with the others' votes, on a
/// node that keeps at most 3 void ops of one author: C, the removal, and
/// where 4's next op went before the removal (see `next_place`).
fn four_removed_at_a_bound_of_three(w: &mut World) -> (Hash, Op, (u64, Option<Op>, Vec<Op>)) {
    let c = w.committee(1, "Zhanaozen oil workers", 1);
    members(w, c, &[2, 3, 4]);
    let place = next_place(w, 4);
    let removal = propose(w, 1, c, removal(4), 1_000);
    for v in [1, 2, 3] {
        vote(w, v, c, &removal, Choice::Yes);
    }
    w.act(1, close(c, &removal));
    w.engine.set_void_arrival_limit(3);
    (c, removal, place)
}

/// [`four_removed_at_a_bound_of_three`]; then 4 back-dates `count`
/// reports in C from before the removal, each delivered in turn.
struct BackDated {
    c: Hash,
    removal: Op,
    /// The ops 4's back-dated reports cite.
    heads: Vec<Op>,
    /// Each report, and whether the node dropped it.
    reports: Vec<(Op, bool)>,
}

fn removed_member_back_dates(w: &mut World, count: u64) -> BackDated {
    let (c, removal, (seq, mut prev, heads)) = four_removed_at_a_bound_of_three(w);
    let mut reports = Vec::new();
    for i in 0..count {
        let op = op_at(
            w,
            4,
            seq + i,
            prev.as_ref(),
            &refs(&heads),
            report(c, &format!("back-dated {i}")),
        );
        let dropped = !w.deliver(&op).dropped.is_empty();
        assert!(dropped || w.outcome(&op) == voided_by(&removal));
        reports.push((op.clone(), dropped));
        prev = Some(op);
    }
    BackDated {
        c,
        removal,
        heads,
        reports,
    }
}

/// A removed member who back-dated ops up to the node's bound sees their
/// removal, is vouched for again and joins: the join is not void, so the
/// bound on void ops does not drop it.
#[test]
fn a_removed_member_at_the_void_bound_who_is_vouched_in_again_joins() {
    let mut w = World::new();
    let flood = removed_member_back_dates(&mut w, 3);
    assert!(flood.reports.iter().all(|(_, dropped)| !dropped));
    w.act(
        2,
        Body::Vouch {
            committee: flood.c,
            candidate: key(4).public(),
        },
    );
    let join = w
        .engine
        .author(&key(4), Body::Join { committee: flood.c }, w.clock + 1);
    let report = w.deliver(&join);
    assert!(report.dropped.is_empty(), "{:?}", report.dropped);
    assert_eq!(w.outcome(&join), Outcome::Applied);
    assert!(is_member(&w, flood.c, 4));
    w.check_reference();
    assert_replicas_agree(&mut w);
}

/// Committees C and D both remove member 2, and C removes member 3. While
/// the removals are under way, 3 reports in C, and 2, having seen that
/// report, proposes in D to adopt a demand of C: in both committees'
/// scopes, and void under both removals (recorded under D's, the first by
/// id). Member 4 saw C remove 3 and 3's report; then, from a partition, 4
/// reports in C having seen 2's proposal but not C's removal of 2 pass.
/// That spares 2's proposal in C, which then spares 3's report. The report
/// is valid, though nothing 4's op saw first was recorded under C.
#[test]
fn an_op_void_under_two_committees_spared_in_the_second_frees_what_it_spares() {
    let mut w = World::new();
    let first = committee_with(&mut w, 1, "Zhanaozen oil workers", open_policy());
    let second = committee_with(&mut w, 1, "Aktau residents", open_policy());
    // D is the committee whose removal the void set records first.
    let (d, c) = (first.min(second), first.max(second));
    members(&mut w, c, &[2, 3, 4, 5, 6, 7]);
    members(&mut w, d, &[2, 5, 6, 7]);
    let demand = w.act(
        1,
        Body::Demand {
            committee: c,
            category: kenes_core::body::DemandCategory::Wages,
            title: "double the wages".into(),
            text: String::new(),
        },
    );
    let before = everything(&w);
    let report_of_3 = backdated(&w, 3, &refs(&before), report(c, "the gates are shut"));
    inject(&mut w, &report_of_3);
    let adoption = backdated(
        &w,
        2,
        &[&report_of_3],
        Body::Propose {
            committee: d,
            kind: ProposalKind::AdoptDemand { demand: demand.id },
            title: "adopt it".into(),
            text: String::new().into(),
            closes_at: w.clock + 1_000,
        },
    );
    inject(&mut w, &adoption);
    let voters = [1, 4, 5, 6, 7];
    let (remove_3, removed_3) = removal_passed_apart(&mut w, c, 1, 3, &refs(&before), &voters);
    let (remove_2, _) = removal_passed_apart(&mut w, c, 1, 2, &refs(&before), &voters);
    let (remove_2_from_d, _) = removal_passed_apart(&mut w, d, 1, 2, &refs(&before), &[1, 5, 6, 7]);
    let seen_removal = backdated(&w, 4, &[&report_of_3, &removed_3], report(c, "3 is out"));
    inject(&mut w, &seen_removal);
    assert_eq!(w.outcome(&report_of_3), voided_by(&remove_3));
    assert_eq!(w.outcome(&adoption), voided_by(&remove_2_from_d));
    assert_eq!(verdict_of(&w, &remove_2), None);
    let sparing = backdated(&w, 4, &[&adoption], report(c, "2 proposed to adopt it"));
    inject(&mut w, &sparing);
    assert_eq!(w.outcome(&report_of_3), Outcome::Applied);
    assert_eq!(w.outcome(&adoption), voided_by(&remove_2_from_d));
    w.check_reference();
    assert_replicas_agree(&mut w);
}

/// A removed member back-dates reports in C past the node's bound (the
/// last is dropped), is vouched for again, and joins from the same device:
/// the join follows the dropped report. It waits for it, and brings it in
/// when it is offered again, as a member's op would.
#[test]
fn a_removed_member_vouched_in_again_brings_in_their_dropped_op() {
    let mut w = World::new();
    let flood = removed_member_back_dates(&mut w, 4);
    let dropped: Vec<bool> = flood.reports.iter().map(|(_, d)| *d).collect();
    assert_eq!(dropped, [false, false, false, true]);
    let last = flood.reports[3].0.clone();
    let vouch = w.act(
        2,
        Body::Vouch {
            committee: flood.c,
            candidate: key(4).public(),
        },
    );
    let join = op_at(
        &w,
        4,
        last.fields.seq + 1,
        Some(&last),
        &[&vouch],
        Body::Join { committee: flood.c },
    );
    assert_eq!(w.deliver(&join).pending, 1);
    let report = w.deliver(&last);
    assert!(report.dropped.is_empty(), "{:?}", report.dropped);
    assert_eq!(w.outcome(&last), voided_by(&flood.removal));
    assert_eq!(w.outcome(&join), Outcome::Applied);
    assert!(is_member(&w, flood.c, 4));
    w.check_reference();
    assert_replicas_agree(&mut w);
}

/// A removed member back-dates reports in C past the node's bound (the
/// last is dropped), then a profile after it; a member's op builds on the
/// profile. Offered again, the dropped report is taken in, because an op
/// of someone with standing descends from it.
#[test]
fn a_members_op_built_on_a_dropped_ops_descendant_brings_it_in() {
    let mut w = World::new();
    let flood = removed_member_back_dates(&mut w, 4);
    let dropped: Vec<bool> = flood.reports.iter().map(|(_, d)| *d).collect();
    assert_eq!(dropped, [false, false, false, true]);
    let last = flood.reports[3].0.clone();
    let profile = op_at(
        &w,
        4,
        last.fields.seq + 1,
        Some(&last),
        &refs(&flood.heads),
        Body::Profile {
            name: "Aigerim".into(),
        },
    );
    assert_eq!(w.deliver(&profile).pending, 1);
    let (seq, prev, heads) = next_place(&w, 2);
    let mut cited = refs(&heads);
    cited.push(&profile);
    let building = op_at(&w, 2, seq, prev.as_ref(), &cited, report(flood.c, "seen"));
    assert_eq!(w.deliver(&building).pending, 1);
    let report = w.deliver(&last);
    assert!(report.dropped.is_empty(), "{:?}", report.dropped);
    assert_eq!(w.outcome(&last), voided_by(&flood.removal));
    assert_eq!(w.outcome(&profile), Outcome::Applied);
    assert_eq!(w.outcome(&building), Outcome::Applied);
    w.check_reference();
    assert_replicas_agree(&mut w);
}

/// A removed member back-dates a vouch for a fresh key of theirs (void,
/// like everything they back-date), then reports in C past the node's
/// bound (the last is dropped). The sybil's op built on the dropped report
/// does not bring it in: its only vouch is void.
#[test]
fn a_sybil_vouched_for_by_a_void_vouch_does_not_bring_in_a_dropped_op() {
    use kenes_core::engine::DropReason;
    let mut w = World::new();
    let (c, removal, (seq, prev, heads)) = four_removed_at_a_bound_of_three(&mut w);
    let vouch = op_at(
        &w,
        4,
        seq,
        prev.as_ref(),
        &refs(&heads),
        Body::Vouch {
            committee: c,
            candidate: key(9).public(),
        },
    );
    assert!(w.deliver(&vouch).dropped.is_empty());
    assert_eq!(w.outcome(&vouch), voided_by(&removal));
    let mut prev = vouch;
    for i in 1..4 {
        let op = op_at(
            &w,
            4,
            seq + i,
            Some(&prev),
            &refs(&heads),
            report(c, &format!("back-dated {i}")),
        );
        let dropped = w.deliver(&op).dropped;
        assert_eq!(dropped.is_empty(), i < 3, "{dropped:?}");
        prev = op;
    }
    let sybil = op_at(&w, 9, 0, None, &[&prev], report(c, "all is well"));
    assert_eq!(w.deliver(&sybil).pending, 1);
    assert_eq!(
        w.deliver(&prev).dropped,
        vec![(Some(prev.id), DropReason::VoidFlood)]
    );
    assert!(!w.engine.contains(&prev.id) && !w.engine.contains(&sybil.id));
}

/// A removed member at the node's bound forks their key. The first fork
/// is taken (it makes their ops from there void); a further sibling at the
/// fork point, void and changing nothing, is dropped; a fork below the
/// fork point is taken again, since it moves the point.
#[test]
fn at_the_void_bound_only_a_fork_that_moves_the_fork_point_is_taken() {
    use kenes_core::engine::DropReason;
    let mut w = World::new();
    let flood = removed_member_back_dates(&mut w, 3);
    let [first, second, _] = [0, 1, 2].map(|i| flood.reports[i].0.clone());
    let sibling = |w: &World, of: &Op, prev: Option<&Op>, text: &str| {
        op_at(
            w,
            4,
            of.fields.seq,
            prev,
            &refs(&flood.heads),
            report(flood.c, text),
        )
    };
    let fork = sibling(&w, &second, Some(&first), "a second version");
    assert!(w.deliver(&fork).dropped.is_empty());
    let again = sibling(&w, &second, Some(&first), "a third version");
    assert_eq!(
        w.deliver(&again).dropped,
        vec![(Some(again.id), DropReason::VoidFlood)]
    );
    let before_first = first
        .fields
        .prev
        .map(|p| (*w.engine.op_by_id(&p).unwrap()).clone());
    let lower = sibling(&w, &first, before_first.as_ref(), "an earlier version");
    assert!(w.deliver(&lower).dropped.is_empty());
    assert!(w.engine.contains(&fork.id) && w.engine.contains(&lower.id));
}

/// A removed member back-dates reports in C up to the node's bound, then a
/// profile with the same past. The profile is in no committee's scope, so
/// nothing voids it: it is kept and applied, as on a node that took the
/// member's ops before the removal's close (where none was void on
/// arrival, and none counted toward the bound).
#[test]
fn a_removed_member_at_the_void_bound_keeps_a_back_dated_profile() {
    let mut w = World::new();
    let flood = removed_member_back_dates(&mut w, 3);
    assert!(flood.reports.iter().all(|(_, dropped)| !dropped));
    let last = &flood.reports[2].0;
    let profile = op_at(
        &w,
        4,
        last.fields.seq + 1,
        Some(last),
        &refs(&flood.heads),
        Body::Profile {
            name: "Aigerim".into(),
        },
    );
    let report = w.deliver(&profile);
    assert!(report.dropped.is_empty(), "{:?}", report.dropped);
    assert_eq!(w.outcome(&profile), Outcome::Applied);
    assert!(w.engine.state().profiles.contains_key(&key(4).public()));
    w.check_reference();
    assert_replicas_agree(&mut w);
}

/// Committee C (members 1 to 5, one vouch to join) and D (member 2); the
/// ops before the partition; and a decision proposal by 3 in C, made
/// during it.
fn committees_and_a_proposal_in_c(w: &mut World) -> (Hash, Hash, Vec<Op>, Op) {
    let c = committee_with(w, 1, "Zhanaozen oil workers", open_policy());
    let d = committee_with(w, 1, "Aktau residents", open_policy());
    members(w, c, &[2, 3, 4, 5]);
    members(w, d, &[2]);
    let before = everything(w);
    let proposal = backdated(
        w,
        3,
        &refs(&before),
        Body::Propose {
            committee: c,
            kind: ProposalKind::Decision,
            title: "a march on Friday".into(),
            text: String::new().into(),
            closes_at: w.clock + 1_000,
        },
    );
    (c, d, before, proposal)
}

/// `who`'s support in D of a "demand" that is in fact `proposal`, a
/// proposal of C: invalid, and naming a proposal of C.
fn support_in_d(w: &World, who: u8, d: Hash, proposal: &Op, deps: &[&Op]) -> Op {
    backdated(
        w,
        who,
        deps,
        Body::Support {
            committee: d,
            demand: proposal.id,
        },
    )
}

/// C removes 5 while 5 reports in C. Member 2, having seen the report but
/// not the removal, supports in D a "demand" that is in fact a proposal of
/// C: an invalid op, in C's scope only if that proposal is in its past
/// (docs/DESIGN.md §3). In C's scope, it spares the report. The proposal
/// reaches this node before 2's op or after it.
fn name_a_proposal(in_past: bool, named_first: bool) {
    let mut w = World::new();
    let (c, d, before, proposal) = committees_and_a_proposal_in_c(&mut w);
    let report_of_5 = backdated(&w, 5, &refs(&before), report(c, "the gates are shut"));
    inject(&mut w, &report_of_5);
    let (remove_5, _) = removal_passed_apart(&mut w, c, 1, 5, &refs(&before), &[1, 3, 4]);
    let mut deps = vec![&report_of_5];
    if in_past {
        deps.push(&proposal);
    }
    let support = support_in_d(&w, 2, d, &proposal, &deps);
    if named_first {
        inject(&mut w, &proposal);
        inject(&mut w, &support);
    } else {
        inject(&mut w, &support);
        inject(&mut w, &proposal);
    }
    assert!(matches!(w.outcome(&support), Outcome::Rejected(_)));
    let expected = if in_past {
        Outcome::Applied
    } else {
        voided_by(&remove_5)
    };
    assert_eq!(w.outcome(&report_of_5), expected);
    w.check_reference();
    assert_replicas_agree(&mut w);
}

#[test]
fn an_invalid_op_naming_a_proposal_in_its_past_spares_in_its_committee() {
    name_a_proposal(true, true);
}

#[test]
fn an_invalid_op_naming_a_proposal_outside_its_past_spares_nothing() {
    name_a_proposal(false, true);
}

#[test]
fn an_invalid_op_naming_a_proposal_that_arrives_after_it_spares_nothing() {
    name_a_proposal(false, false);
}

/// C removes 5 while 5 vouches 6 into C. 6 joins, then supports in D a
/// "demand" that is a proposal of C, which reaches this node after 6's op.
/// With the proposal in its past, 6's op is in C's scope, and void with
/// 6's join; without, it is only rejected.
fn dependant_names_a_proposal(in_past: bool) {
    let mut w = World::new();
    let (c, d, before, proposal) = committees_and_a_proposal_in_c(&mut w);
    let vouch = backdated(
        &w,
        5,
        &refs(&before),
        Body::Vouch {
            committee: c,
            candidate: key(6).public(),
        },
    );
    inject(&mut w, &vouch);
    let join = backdated(&w, 6, &[&vouch], Body::Join { committee: c });
    inject(&mut w, &join);
    removal_passed_apart(&mut w, c, 1, 5, &refs(&before), &[1, 2, 3, 4]);
    if in_past {
        inject(&mut w, &proposal);
    }
    let mut deps = vec![&join];
    if in_past {
        deps.push(&proposal);
    }
    let support = support_in_d(&w, 6, d, &proposal, &deps);
    inject(&mut w, &support);
    if !in_past {
        inject(&mut w, &proposal);
    }
    let void_join = Outcome::void(VoidReason::VoidVouch { join: join.id });
    assert_eq!(w.outcome(&join), void_join);
    if in_past {
        assert_eq!(w.outcome(&support), void_join);
    } else {
        assert!(matches!(w.outcome(&support), Outcome::Rejected(_)));
    }
    w.check_reference();
    assert_replicas_agree(&mut w);
}

#[test]
fn a_dependants_op_naming_a_proposal_in_its_past_is_void_with_the_join() {
    dependant_names_a_proposal(true);
}

#[test]
fn a_dependants_op_naming_a_proposal_outside_its_past_is_only_rejected() {
    dependant_names_a_proposal(false);
}

/// C removes 5 while 5 vouches 6 into C. Member 2, having seen the vouch,
/// supports in D a proposal of C it has not seen; 6 then joins having seen
/// the vouch, 2's op and the removal, but not the proposal. If a name
/// outside an op's past counted, 2's op would spare the vouch once the
/// proposal arrived, and whether the join was valid would depend on when
/// that was (found by review, fifteenth session). It is rejected either
/// way.
fn join_on_a_vouch_spared_by_a_name_outside_the_past(named_first: bool) {
    let mut w = World::new();
    let (c, d, before, proposal) = committees_and_a_proposal_in_c(&mut w);
    let vouch = backdated(
        &w,
        5,
        &refs(&before),
        Body::Vouch {
            committee: c,
            candidate: key(6).public(),
        },
    );
    inject(&mut w, &vouch);
    let (remove_5, removed) = removal_passed_apart(&mut w, c, 1, 5, &refs(&before), &[1, 3, 4]);
    let support = support_in_d(&w, 2, d, &proposal, &[&vouch]);
    if named_first {
        inject(&mut w, &proposal);
    }
    inject(&mut w, &support);
    let join = backdated(&w, 6, &[&support, &removed], Body::Join { committee: c });
    inject(&mut w, &join);
    if !named_first {
        inject(&mut w, &proposal);
    }
    assert_eq!(w.outcome(&vouch), voided_by(&remove_5));
    assert!(matches!(
        w.outcome(&join),
        Outcome::Rejected(kenes_core::RejectReason::NotEnoughVouches { .. })
    ));
    w.check_reference();
    assert_replicas_agree(&mut w);
}

#[test]
fn a_joins_validity_does_not_read_a_name_outside_a_sparers_past() {
    join_on_a_vouch_spared_by_a_name_outside_the_past(true);
}

#[test]
fn a_joins_validity_does_not_change_when_a_name_outside_a_sparers_past_arrives() {
    join_on_a_vouch_spared_by_a_name_outside_the_past(false);
}

/// Committee Y removes member 5 while 5 puts forward a demand that a
/// member of committee X, seeing it but not the removal, adopts and then
/// proposes to adopt again; the removal reaches this node before the
/// adoption or after it. The second proposal is judged in its own past,
/// where the demand was adopted.
fn adopt_a_demand_its_removal_voids(removal_first: bool) {
    let mut w = World::new();
    let y = w.committee(1, "Zhanaozen oil workers", 1);
    members(&mut w, y, &[2, 3, 4, 5]);
    let x = committee_with(&mut w, 1, "Aktau residents", open_policy());
    members(&mut w, x, &[6]);
    let before = everything(&w);
    // Y removes 5, having seen none of what follows.
    let remove = |w: &mut World| removal_passed_apart(w, y, 1, 5, &refs(&before), &[1, 2, 3, 4]).0;
    let removed = removal_first.then(|| remove(&mut w));
    // 5 puts forward a demand; 6, in X, adopts it.
    let demand = backdated(
        &w,
        5,
        &refs(&before),
        Body::Demand {
            committee: y,
            category: kenes_core::body::DemandCategory::Wages,
            title: "double the wages".into(),
            text: String::new(),
        },
    );
    inject(&mut w, &demand);
    let adopt = |w: &World, deps: &[&Op]| {
        backdated(
            w,
            6,
            deps,
            Body::Propose {
                committee: x,
                kind: ProposalKind::AdoptDemand { demand: demand.id },
                title: "adopt it".into(),
                text: String::new().into(),
                closes_at: w.clock + 1_000,
            },
        )
    };
    let first = adopt(&w, &[&demand]);
    inject(&mut w, &first);
    let vote = yes_vote(&w, 6, x, &[&first], &first);
    inject(&mut w, &vote);
    let closed = backdated(&w, 6, &[&vote], close(x, &first));
    inject(&mut w, &closed);
    let p = removed.unwrap_or_else(|| remove(&mut w));
    assert_eq!(w.outcome(&demand), voided_by(&p));
    // 6, still without the removal, proposes to adopt it again.
    let again = adopt(&w, &[&closed]);
    inject(&mut w, &again);
    assert_eq!(
        w.outcome(&again),
        Outcome::Rejected(kenes_core::RejectReason::AlreadyAdopted)
    );
    w.check_reference();
    assert_replicas_agree(&mut w);
}

#[test]
fn an_adoption_of_a_demand_void_in_t_is_projected_with_the_demand_as_its_past_saw_it() {
    // Found by a read-only review (2026-12-02, "B1"): a committee's fold
    // reads whether another committee's demand is void, which is decided
    // in T, not in the past of the op being judged.
    adopt_a_demand_its_removal_voids(true);
}

#[test]
fn a_removal_voiding_an_adopted_demand_after_the_adoption_leaves_its_past_unchanged() {
    adopt_a_demand_its_removal_voids(false);
}

/// Committee Y, affiliated to council K, removes member 5 while 5 proposes
/// an election for K that 6, who joined Y concurrently with the removal
/// (so outside its electorate, and sparing nothing), votes on and closes;
/// the removal reaches this node before the election or after it. The
/// election is void in T, so K seats nobody. The delegate it elected, not
/// having seen the removal, then proposes in K: in its past they hold the
/// seat, so the proposal is valid, and being cast through a seat held for
/// Y it is in Y's scope and spares the election.
fn elect_a_delegate_the_proposers_removal_voids(removal_first: bool) {
    let mut w = World::new();
    let y = committee_with(&mut w, 1, "Zhanaozen oil workers", open_policy());
    members(&mut w, y, &[2, 3, 4, 5]);
    let k = council(&mut w, "Mangystau council", "Kazakhstan/Mangystau");
    pass(
        &mut w,
        y,
        1,
        &[1, 2, 3, 4, 5],
        ProposalKind::Affiliate { council: k },
    );
    pass(
        &mut w,
        k,
        1,
        &[1],
        ProposalKind::AcceptAffiliation { committee: y },
    );
    let before = everything(&w);
    let remove = |w: &mut World| removal_passed_apart(w, y, 1, 5, &refs(&before), &[1, 2, 3, 4]).0;
    let removed = removal_first.then(|| remove(&mut w));
    // 3 vouches for 6, who joins; 5 proposes to elect 2, 6 votes and
    // closes. None of them has seen the removal's close.
    let vouch = backdated(
        &w,
        3,
        &refs(&before),
        Body::Vouch {
            committee: y,
            candidate: key(6).public(),
        },
    );
    inject(&mut w, &vouch);
    let join = backdated(&w, 6, &[&vouch], Body::Join { committee: y });
    inject(&mut w, &join);
    let election = backdated(
        &w,
        5,
        &[&join],
        Body::Propose {
            committee: y,
            kind: ProposalKind::Election {
                council: k,
                seats: 1,
                candidates: vec![key(2).public()],
            },
            title: "our delegate".into(),
            text: String::new().into(),
            closes_at: w.clock + 1_000,
        },
    );
    inject(&mut w, &election);
    let ballot = backdated(
        &w,
        6,
        &[&election],
        Body::Vote {
            committee: y,
            proposal: election.id,
            ballot: kenes_core::body::Ballot::Ranking(vec![key(2).public()]),
        },
    );
    inject(&mut w, &ballot);
    // (Only the proposer may close before `closes_at`.)
    let closed = backdated_at(&w, 6, &[&ballot], close(y, &election), w.clock + 1_000);
    inject(&mut w, &closed);
    assert_eq!(w.outcome(&closed), Outcome::Applied);
    if !removal_first {
        assert!(closing(&w, y, &election).expect("closed").result.passed());
        assert!(w.engine.state().committees[&k].seats[&y].contains(&key(2).public()));
    }
    let p = removed.unwrap_or_else(|| remove(&mut w));
    assert_eq!(w.outcome(&election), voided_by(&p));
    let seats = &w.engine.state().committees[&k].seats;
    assert!(seats.get(&y).is_none_or(|s| s.is_empty()));
    // 2, elected in a past without the removal's close, proposes in K.
    let by_delegate = backdated(
        &w,
        2,
        &[&closed],
        Body::Propose {
            committee: k,
            kind: ProposalKind::Decision,
            title: "a general strike".into(),
            text: String::new().into(),
            closes_at: w.clock + 1_000,
        },
    );
    inject(&mut w, &by_delegate);
    w.check_reference();
    assert_eq!(w.outcome(&by_delegate), Outcome::Applied);
    assert_eq!(w.outcome(&election), Outcome::Applied);
    assert!(w.engine.state().committees[&k].seats[&y].contains(&key(2).public()));
    assert_replicas_agree(&mut w);
}

#[test]
fn an_election_its_proposers_removal_voids_seats_nobody_in_t_but_in_its_past() {
    // Suspected by a read-only review (2026-12-02, "B2"): a council's fold
    // reads whether an election held in another committee's log is void.
    elect_a_delegate_the_proposers_removal_voids(true);
}

#[test]
fn a_removal_voiding_an_election_after_its_close_unseats_the_delegate() {
    elect_a_delegate_the_proposers_removal_voids(false);
}

/// Crossing acceptances of councils `low` and `high`: `high`'s first close
/// is void by a fork of its convenor and its second one counts; `low`'s
/// only close, arriving late, sorts between them, so `low`'s links the
/// councils. With `fork_the_late_close`, `low`'s convenor then forks
/// before that close, unwitnessed, and `high`'s links them instead.
fn cross_a_close_void_by_a_fork(fork_the_late_close: bool) {
    let mut w = World::new();
    // 3, a member before the fork below, will witness one branch of it.
    let d = w.committee(1, "Aktau residents", 1);
    members(&mut w, d, &[3]);
    let (low, high) = councils_asking_to_join_each_other(&mut w);
    let before = everything(&w);
    let closes_at = w.clock + 1_000;
    let accept = |c: Hash, committee: Hash| Body::Propose {
        committee: c,
        kind: ProposalKind::AcceptAffiliation { committee },
        title: "accept".into(),
        text: String::new().into(),
        closes_at,
    };
    let yes = |c: Hash, p: &Op| Body::Vote {
        committee: c,
        proposal: p.id,
        ballot: kenes_core::body::Ballot::Choice(Choice::Yes),
    };
    let profile = |name: &str| Body::Profile { name: name.into() };
    // The regional council's convenor, 2, proposes to accept the city
    // council and votes yes; then 2's key forks. One branch closes at once
    // and nobody builds on it; the other closes two ops later, and 3 builds
    // on that.
    let accept_low = w.act(2, accept(high, low));
    w.act(2, yes(high, &accept_low));
    let (seq, prev, _) = next_place(&w, 2);
    let void_close = op_at(&w, 2, seq, prev.as_ref(), &[], close(high, &accept_low));
    let y0 = op_at(&w, 2, seq, prev.as_ref(), &[], profile("y0"));
    let y1 = op_at(&w, 2, seq + 1, Some(&y0), &[], profile("y1"));
    let counting_close = op_at(&w, 2, seq + 2, Some(&y1), &[], close(high, &accept_low));
    for op in [&void_close, &y0, &y1, &counting_close] {
        inject(&mut w, op);
    }
    let witness = backdated(&w, 3, &[&counting_close], profile("seen"));
    inject(&mut w, &witness);
    assert_eq!(w.outcome(&void_close), fork_void(2, seq));
    assert_eq!(w.outcome(&counting_close), Outcome::Applied);
    assert!(w.engine.state().committees[&high].affiliates.contains(&low));
    // The city council's convenor, having seen none of it, accepts the
    // regional council; the close sorts between the two closes above.
    let accept_high = backdated(&w, 1, &refs(&before), accept(low, high));
    inject(&mut w, &accept_high);
    let vote_high = backdated(&w, 1, &[&accept_high], yes(low, &accept_high));
    inject(&mut w, &vote_high);
    let pad = backdated(&w, 1, &[&vote_high], profile("city convenor"));
    inject(&mut w, &pad);
    let late_close = backdated(&w, 1, &[&pad], close(low, &accept_high));
    assert!(void_close.order_key() < late_close.order_key());
    assert!(late_close.order_key() < counting_close.order_key());
    inject(&mut w, &late_close);
    // The city council's acceptance now first closed first: it links the
    // councils, and the regional one's would close a cycle.
    let state = w.engine.state();
    assert!(state.committees[&low].affiliates.contains(&high));
    assert!(!state.committees[&high].affiliates.contains(&low));
    if fork_the_late_close {
        let fork = op_at(
            &w,
            1,
            vote_high.fields.seq,
            Some(&accept_high),
            &[],
            profile("second device"),
        );
        inject(&mut w, &fork);
        assert_eq!(w.outcome(&late_close), fork_void(1, vote_high.fields.seq));
        let state = w.engine.state();
        assert!(!state.committees[&low].affiliates.contains(&high));
        assert!(state.committees[&high].affiliates.contains(&low));
    }
    w.check_reference();
    assert_replicas_agree(&mut w);
}

#[test]
fn a_late_acceptance_refolds_a_crossing_one_whose_first_close_is_void_by_a_fork() {
    // Suspected by a read-only review (2026-12-02, "B3"): a late close of
    // one acceptance refolded the crossing acceptance's council only if
    // that one's first close, void or not, came after it.
    cross_a_close_void_by_a_fork(false);
}

#[test]
fn a_fork_voiding_a_late_acceptance_refolds_a_crossing_one_whose_first_close_is_void() {
    // The same, when the late close's voidness changes instead.
    cross_a_close_void_by_a_fork(true);
}

/// Committee `c` elects `candidate` to `council`, member 1 proposing and
/// closing, every one of `voters` ranking the candidate first.
fn elect(w: &mut World, c: Hash, council: Hash, candidate: u8, voters: &[u8]) {
    let election = propose(
        w,
        1,
        c,
        ProposalKind::Election {
            council,
            seats: 1,
            candidates: vec![key(candidate).public()],
        },
        1_000,
    );
    for &v in voters {
        w.act(
            v,
            Body::Vote {
                committee: c,
                proposal: election.id,
                ballot: kenes_core::body::Ballot::Ranking(vec![key(candidate).public()]),
            },
        );
    }
    w.act(1, close(c, &election));
    let seats = &w.engine.state().committees[&council].seats[&c];
    assert!(seats.contains(&key(candidate).public()));
}

/// Councils `low` (convened by 2) and `high` (with delegates 4, for
/// committee E, and 5, for F) ask to join each other. 4 proposes in
/// `high` to accept `low`, and 5 passes it, while E removes 4; `low`
/// accepts `high` concurrently, its close sorting after `high`'s. In T,
/// `high`'s acceptance is void, so `low`'s links the councils (accepting
/// `high` again would be `AlreadyAffiliated`); in the past of `low`'s
/// convenor, who saw both acceptances but not the removal, `high`'s came
/// first, so accepting `high` would close a cycle. The removal reaches
/// this node before the acceptances or after them.
fn accept_across_councils_while_the_proposer_is_removed(removal_first: bool) {
    let mut w = World::new();
    let e = committee_with(&mut w, 1, "Ozenmunaigas workers", open_policy());
    members(&mut w, e, &[3, 4, 6]);
    let f = committee_with(&mut w, 1, "Aktau residents", open_policy());
    members(&mut w, f, &[2, 5, 7, 8]);
    let high = council(&mut w, "Mangystau regional council", "Kazakhstan/Mangystau");
    for c in [e, f] {
        pass(
            &mut w,
            c,
            1,
            &[1],
            ProposalKind::Affiliate { council: high },
        );
        pass(
            &mut w,
            high,
            1,
            &[1],
            ProposalKind::AcceptAffiliation { committee: c },
        );
    }
    elect(&mut w, e, high, 4, &[1, 3, 4, 6]);
    elect(&mut w, f, high, 5, &[1, 2, 5]);
    let low = w
        .act(
            2,
            Body::CreateCommittee {
                name: "Zhanaozen city council".into(),
                kind: kenes_core::body::CommitteeKind::Council {
                    scope: kenes_core::body::CouncilScope::Area(
                        "Kazakhstan/Mangystau/Zhanaozen".into(),
                    ),
                },
                policy: Policy::default(),
            },
        )
        .id;
    pass(
        &mut w,
        low,
        2,
        &[2],
        ProposalKind::Affiliate { council: high },
    );
    pass(
        &mut w,
        high,
        4,
        &[4, 5],
        ProposalKind::Affiliate { council: low },
    );
    let (_, _, before) = next_place(&w, 1);
    let closes_at = w.clock + 1_000;
    let accept = |c: Hash, committee: Hash| Body::Propose {
        committee: c,
        kind: ProposalKind::AcceptAffiliation { committee },
        title: "accept".into(),
        text: String::new().into(),
        closes_at,
    };
    let yes = |c: Hash, p: &Op| Body::Vote {
        committee: c,
        proposal: p.id,
        ballot: kenes_core::body::Ballot::Choice(Choice::Yes),
    };
    let remove = |w: &mut World| removal_passed_apart(w, e, 1, 4, &refs(&before), &[1, 3, 6]).0;
    let removed = removal_first.then(|| remove(&mut w));
    // 4 proposes to accept the city council; 5 votes yes (F's seat weighs
    // 5 of 9, a quorum alone) and closes when voting ends. 5 holds F's
    // seat, so nothing 5 casts spares 4's acts in E's scope, and the
    // proposal is the only op the removal voids that the acceptance reads.
    let accept_low = backdated(&w, 4, &refs(&before), accept(high, low));
    inject(&mut w, &accept_low);
    let vote = backdated(&w, 5, &[&accept_low], yes(high, &accept_low));
    inject(&mut w, &vote);
    let high_close = backdated_at(&w, 5, &[&vote], close(high, &accept_low), closes_at);
    inject(&mut w, &high_close);
    // The city council's convenor, seeing none of it, accepts the regional
    // council; two profile changes make its close sort after 5's.
    let accept_high = backdated(&w, 2, &refs(&before), accept(low, high));
    inject(&mut w, &accept_high);
    let mut last = backdated(&w, 2, &[&accept_high], yes(low, &accept_high));
    inject(&mut w, &last);
    for name in ["city convenor", "city council convenor"] {
        last = backdated(&w, 2, &[&last], Body::Profile { name: name.into() });
        inject(&mut w, &last);
    }
    let low_close = backdated(&w, 2, &[&last], close(low, &accept_high));
    assert!(high_close.order_key() < low_close.order_key());
    inject(&mut w, &low_close);
    let p = removed.unwrap_or_else(|| remove(&mut w));
    assert_eq!(w.outcome(&accept_low), voided_by(&p));
    let state = w.engine.state();
    assert!(state.committees[&low].affiliates.contains(&high));
    assert!(!state.committees[&high].affiliates.contains(&low));
    // The city council's convenor, having seen both acceptances but not
    // the removal, proposes to accept the regional council again.
    let again = backdated(&w, 2, &[&low_close, &high_close], accept(low, high));
    inject(&mut w, &again);
    w.check_reference();
    assert_eq!(
        w.outcome(&again),
        Outcome::Rejected(kenes_core::RejectReason::AffiliationCycle)
    );
    assert_replicas_agree(&mut w);
}

#[test]
fn an_acceptance_void_in_t_still_closes_a_cycle_in_the_past_that_saw_it_valid() {
    // Suspected by a read-only review (2026-12-02, "B2"): every council's
    // fold reads whether acceptances in other councils are void.
    accept_across_councils_while_the_proposer_is_removed(true);
}

#[test]
fn a_removal_voiding_an_acceptance_refolds_the_crossing_council() {
    accept_across_councils_while_the_proposer_is_removed(false);
}

#[test]
fn a_close_void_by_a_removal_in_the_past_but_spared_in_t_leaves_its_proposal_open_there() {
    // Found by a read-only review (2026-12-02): a projection took the
    // current fold when each sensitive op took part in both folds alike,
    // but a close voided by a removal takes part (it widens the cut)
    // without closing its proposal.
    let mut w = World::new();
    let y = w.committee(1, "Zhanaozen oil workers", 1);
    members(&mut w, y, &[2, 3, 4, 5]);
    let q = propose(&mut w, 5, y, ProposalKind::Decision, 1_000);
    let r = propose(&mut w, 1, y, ProposalKind::Decision, 1_000);
    let before = everything(&w);
    // Y removes 5, having seen none of what follows.
    let (_, removed) = removal_passed_apart(&mut w, y, 1, 5, &refs(&before), &[1, 2, 3, 4]);
    // Meanwhile 5 closes Q (a proposer may close early).
    let closed_q = backdated(&w, 5, &refs(&before), close(y, &q));
    inject(&mut w, &closed_q);
    // 3, seeing that close but not the removal's, votes on R: that spares
    // the close in T.
    let spares = backdated(
        &w,
        3,
        &[&closed_q],
        Body::Vote {
            committee: y,
            proposal: r.id,
            ballot: kenes_core::body::Ballot::Choice(Choice::Yes),
        },
    );
    inject(&mut w, &spares);
    assert_eq!(w.outcome(&spares), Outcome::Applied);
    assert_eq!(w.outcome(&closed_q), Outcome::Applied);
    // 2, seeing Q's close and the removal's but not 3's vote, suggests a
    // wording for Q: in that past the close is void and Q is open.
    let suggestion = backdated(
        &w,
        2,
        &[&closed_q, &removed],
        Body::Suggest {
            committee: y,
            proposal: q.id,
            text: "shorter".to_string().into(),
        },
    );
    inject(&mut w, &suggestion);
    w.check_reference();
    assert_eq!(w.outcome(&suggestion), Outcome::Applied);
    assert_replicas_agree(&mut w);
}

#[test]
fn a_second_close_void_by_a_fork_in_the_past_changes_the_result_at_the_first_close() {
    // Found by reasoning (2026-12-02): a close widens its proposal's cut,
    // whose result applies at the first close, which may sort before it;
    // keyed at its own place, a checkpoint between the two was taken to
    // hold in a past where it is void by a fork.
    let mut w = World::new();
    let y = w.committee(1, "Zhanaozen oil workers", 1);
    members(&mut w, y, &[2, 3, 4, 5]);
    // 1 vouches for 6, who has not joined yet.
    let vouch = w.act(
        1,
        Body::Vouch {
            committee: y,
            candidate: key(6).public(),
        },
    );
    let three_vouches = Policy {
        vouches_required: 3,
        ..Policy::default()
    };
    let p = propose(
        &mut w,
        1,
        y,
        ProposalKind::PolicyChange {
            policy: three_vouches,
        },
        10,
    );
    let closes_at = w.clock + 10;
    // 1 closes at once, with no vote in its past: alone, it fails. 2,
    // having gathered three yes votes, closes concurrently when voting
    // ends: the cut of both passes, from 1's close on.
    let first_close = backdated(&w, 1, &[&p], close(y, &p));
    let mut votes = Vec::new();
    for v in [3, 4, 5] {
        let vote = backdated(
            &w,
            v,
            &[&p],
            Body::Vote {
                committee: y,
                proposal: p.id,
                ballot: kenes_core::body::Ballot::Choice(Choice::Yes),
            },
        );
        inject(&mut w, &vote);
        votes.push(vote);
    }
    inject(&mut w, &first_close);
    let second_close = backdated_at(&w, 2, &refs(&votes), close(y, &p), closes_at);
    inject(&mut w, &second_close);
    assert!(first_close.order_key() < second_close.order_key());
    assert!(closing(&w, y, &p).expect("closed").result.passed());
    // 1 (a member before 2 joined) builds on the second close; then 2's
    // key forks at it.
    let witness = backdated(
        &w,
        1,
        &[&second_close],
        Body::Profile {
            name: "seen".into(),
        },
    );
    inject(&mut w, &witness);
    let before_close = w
        .engine
        .op_by_id(&second_close.fields.prev.expect("2 acted before"))
        .unwrap();
    let fork = op_at(
        &w,
        2,
        second_close.fields.seq,
        Some(&before_close),
        &[],
        Body::Profile {
            name: "second device".into(),
        },
    );
    inject(&mut w, &fork);
    assert_eq!(w.outcome(&second_close), Outcome::Applied);
    // 6 joins, having seen both closes and the fork but not the witness:
    // there the second close is void, the change failed, and one vouch is
    // enough.
    let join = backdated(
        &w,
        6,
        &[&vouch, &first_close, &second_close, &fork],
        Body::Join { committee: y },
    );
    inject(&mut w, &join);
    w.check_reference();
    assert_eq!(w.outcome(&join), Outcome::Applied);
    // A replica checkpointing after every op, given the ops in this order,
    // holds a checkpoint between the two closes when the join arrives.
    let mut replica = kenes_core::Engine::with_checkpoint_interval(w.engine.federation(), 1);
    for bytes in &w.all {
        replica.ingest(std::slice::from_ref(bytes), kenes_core::Verify::Signatures);
    }
    assert_eq!(replica.outcome_of(&join.id), Some(Outcome::Applied));
    assert_eq!(replica.digest(), w.engine.digest());
    assert_replicas_agree(&mut w);
}

#[test]
fn a_removal_accepted_in_t_by_a_sparing_vote_the_past_lacks_is_not_accepted_there() {
    // Found by a read-only review (2026-12-02): the removal layer recounts
    // a removal without the ops void under those it accepted before, and
    // whether an op is spared depends on the set. An op void in both sets,
    // for different removals, leaves its void class alike while the
    // verdict it feeds differs.
    let mut w = World::new();
    let c = w.committee(1, "Zhanaozen oil workers", 1);
    members(&mut w, c, &[2, 3, 4, 5, 6, 7]);
    let base: Vec<Op> = next_place(&w, 1).2;
    let propose_removal = |w: &World, who: u8, deps: &[&Op], member: u8| {
        backdated(
            w,
            who,
            deps,
            Body::Propose {
                committee: c,
                kind: removal(member),
                title: format!("remove {member}").into(),
                text: String::new().into(),
                closes_at: w.clock + 10,
            },
        )
    };
    let yes = |w: &World, who: u8, deps: &[&Op], p: &Op| yes_vote(w, who, c, deps, p);
    let let_in = |w: &mut World, voucher: u8, who: u8| -> Op {
        let vouch = backdated(
            w,
            voucher,
            &refs(&base),
            Body::Vouch {
                committee: c,
                candidate: key(who).public(),
            },
        );
        inject(w, &vouch);
        let join = backdated(w, who, &[&vouch], Body::Join { committee: c });
        inject(w, &join);
        join
    };
    // 9 and 10 join; 2, having seen them, proposes to remove 6 (R). From
    // the same base, 1 proposes to remove 6 (Q) and 3 to remove 7 (P).
    let joined_9 = let_in(&mut w, 4, 9);
    let joined_10 = let_in(&mut w, 4, 10);
    let r = propose_removal(&w, 2, &[&joined_9, &joined_10], 6);
    inject(&mut w, &r);
    let q = propose_removal(&w, 1, &refs(&base), 6);
    inject(&mut w, &q);
    let p = propose_removal(&w, 3, &refs(&base), 7);
    inject(&mut w, &p);
    // 8 joins too, concurrently with the removals' proposals.
    let joined_8 = let_in(&mut w, 5, 8);
    // R first (its voters must not have seen Q's close): five yes of
    // nine, two of them joined after the partition (settled 3).
    let mut r_votes = Vec::new();
    for v in [1, 2, 3, 9, 10] {
        let vote = yes(&w, v, &[&r], &r);
        inject(&mut w, &vote);
        r_votes.push(vote);
    }
    let r_closed = backdated(&w, 2, &refs(&r_votes), close(c, &r));
    inject(&mut w, &r_closed);
    // Q: five yes of seven, all members before the partition (settled 5).
    let mut q_votes = Vec::new();
    for v in [1, 2, 3, 4, 5] {
        let vote = yes(&w, v, &[&q], &q);
        inject(&mut w, &vote);
        q_votes.push(vote);
    }
    let q_closed = backdated(&w, 1, &refs(&q_votes), close(c, &q));
    inject(&mut w, &q_closed);
    // P: 3, 4, 5 and 6 (the subject of Q and R): four of seven, passing
    // only with 6's vote (settled 4).
    let mut p_votes = Vec::new();
    for v in [3, 4, 5, 6] {
        let vote = yes(&w, v, &[&p], &p);
        inject(&mut w, &vote);
        p_votes.push(vote);
    }
    let vote_of_6 = p_votes.last().unwrap().clone();
    // 8, outside every removal's electorate, closes P when voting ends.
    let mut deps = refs(&p_votes);
    deps.push(&joined_8);
    let p_closed = backdated_at(&w, 8, &deps, close(c, &p), w.clock + 10);
    inject(&mut w, &p_closed);
    // 2, having seen 6's vote and R's close but not Q's, votes on P: that
    // spares 6's vote under Q, though not under R.
    let spares = yes(&w, 2, &[&vote_of_6, &r_closed], &p);
    inject(&mut w, &spares);
    assert!(matches!(w.outcome(&vote_of_6), Outcome::Void(_)));
    assert!(!is_member(&w, c, 7), "P is accepted in T");
    // 1, seeing everything but 2's vote on P, vouches for 7: in that past
    // P recounts without 6's vote and fails, so 7 is still a member.
    let mut seen = next_place(&w, 1).2;
    seen.retain(|op| op.id != spares.id);
    for op in [&vote_of_6, &r_closed] {
        if !seen.iter().any(|s| s.id == op.id) {
            seen.push(op.clone());
        }
    }
    let vouch = backdated(
        &w,
        1,
        &refs(&seen),
        Body::Vouch {
            committee: c,
            candidate: key(7).public(),
        },
    );
    inject(&mut w, &vouch);
    w.check_reference();
    assert_eq!(
        w.outcome(&vouch),
        Outcome::Rejected(kenes_core::RejectReason::AlreadyMember)
    );
    assert_replicas_agree(&mut w);
}

#[test]
fn a_late_unclosed_removal_reorders_the_layer_by_settled_weight() {
    // Found by a read-only review (2026-12-02): settled weight counts the
    // members of G(P), the past P shares with every concurrent removal,
    // closed or not, so a removal that arrives late with no close can
    // reverse the layer's order; nothing recomputed the layer for it.
    let mut w = World::new();
    let c = w.committee(1, "Mangystau council of elders", 1);
    members(&mut w, c, &[7, 5, 6]);
    // 7, having seen only that far, proposes to remove 6, and falls
    // silent: nobody sees it until the end.
    let (_, _, early) = next_place(&w, 7);
    let silent = backdated(
        &w,
        7,
        &refs(&early),
        Body::Propose {
            committee: c,
            kind: removal(6),
            title: "remove 6".into(),
            text: String::new().into(),
            closes_at: w.clock + 1_000,
        },
    );
    members(&mut w, c, &[2, 3, 4]);
    let before = everything(&w);
    // Side A: 1 proposes to remove 5; 2, 3, 4 and 1 vote yes; 1 closes.
    let p = propose(&mut w, 1, c, removal(5), 1_000);
    for v in [2, 3, 4, 1] {
        vote(&mut w, v, c, &p, Choice::Yes);
    }
    w.act(1, close(c, &p));
    // Side B, from before A acted: 5 vouches for 8, who joins; 5 proposes
    // to remove 1; 6, 4, 8 and 5 vote yes; 5 closes.
    let vouch = backdated(
        &w,
        5,
        &refs(&before),
        Body::Vouch {
            committee: c,
            candidate: key(8).public(),
        },
    );
    inject(&mut w, &vouch);
    let join = backdated(&w, 8, &[&vouch], Body::Join { committee: c });
    inject(&mut w, &join);
    let pb = backdated(
        &w,
        5,
        &[&join],
        Body::Propose {
            committee: c,
            kind: removal(1),
            title: "remove 1".into(),
            text: String::new().into(),
            closes_at: w.clock + 1_000,
        },
    );
    inject(&mut w, &pb);
    let mut ballots = Vec::new();
    for v in [6, 4, 8, 5] {
        let ballot = yes_vote(&w, v, c, &[&pb], &pb);
        inject(&mut w, &ballot);
        ballots.push(ballot);
    }
    let close_b = backdated(&w, 5, &refs(&ballots), close(c, &pb));
    inject(&mut w, &close_b);
    // Settled on the members before the partition, A's removal (4) goes
    // first and B's (3: 8 joined after) fails.
    assert!(!is_member(&w, c, 5));
    assert!(is_member(&w, c, 1));
    // The silent removal arrives: the pasts all removals share now end
    // before 2, 3 and 4 joined, so B's (2: 6 and 5) outweighs A's (1).
    inject(&mut w, &silent);
    w.check_reference();
    assert!(is_member(&w, c, 5));
    assert!(!is_member(&w, c, 1));
    assert_replicas_agree(&mut w);
}

#[test]
fn a_removal_is_taken_only_after_the_removals_in_its_past() {
    // Found by a read-only review (2026-12-02): the layer sorted removals
    // by settled weight alone, while DESIGN §4 (and kenes-spec) takes a
    // removal only after every removal in its past.
    let mut w = World::new();
    let c = w.committee(1, "Uzen oil workers", 1);
    members(&mut w, c, &[2, 3, 4, 5, 6]);
    // 1 proposes to remove 6; 1, 2, 3 and 4 vote yes (settled 4).
    let q = propose(&mut w, 1, c, removal(6), 1_000);
    let mut q_votes = Vec::new();
    for v in [1, 2, 3, 4] {
        q_votes.push(vote(&mut w, v, c, &q, Choice::Yes));
    }
    // 6, having seen that, proposes to remove 1; 6, 5, 2, 3 and 4 vote yes
    // (settled 5) and 6 closes.
    let p = propose(&mut w, 6, c, removal(1), 1_000);
    for v in [6, 5, 2, 3, 4] {
        vote(&mut w, v, c, &p, Choice::Yes);
    }
    w.act(6, close(c, &p));
    // 1 closes the first removal, not having seen the second.
    let q_closed = backdated(&w, 1, &refs(&q_votes), close(c, &q));
    inject(&mut w, &q_closed);
    // The first removal is in the second's past: it is taken first,
    // removes 6, and the second's only close (6's) is void under it.
    assert!(!is_member(&w, c, 6));
    assert!(is_member(&w, c, 1));
    let ord = w.engine.ordinal(&p.id).unwrap();
    let verdict = &w.engine.removal_verdicts()[&ord];
    assert_eq!(verdict.result.failure, Some(Failure::RemovedProposer));
    assert_replicas_agree(&mut w);
}
