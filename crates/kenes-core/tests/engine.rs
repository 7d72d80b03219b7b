//! Scenario tests of acceptance, authorisation and the fold, each checked
//! against the from-scratch reference evaluation.

use kenes_core::body::{CommitteeKind, CouncilScope, Policy};
use kenes_core::engine::DropReason;
use kenes_core::op::{UnsignedOp, genesis};
use kenes_core::{Body, Engine, Hash, Op, Outcome, RejectReason, Verify};

mod common;
use common::*;

#[test]
fn vouch_and_join_make_a_member() {
    let mut w = World::new();
    let c = w.committee(1, "Zhanaozen residents", 2);
    let vouch = w.act(
        1,
        Body::Vouch {
            committee: c,
            candidate: key(2).public(),
        },
    );
    assert_eq!(w.outcome(&vouch), Outcome::Applied);
    // One member: the requirement of 2 is clamped to 1.
    let join = w.act(2, Body::Join { committee: c });
    assert_eq!(w.outcome(&join), Outcome::Applied);
    assert!(
        w.engine.state().committees[&c]
            .members
            .contains(&key(2).public())
    );
    // Now two members: a third candidate needs two vouches.
    w.act(
        1,
        Body::Vouch {
            committee: c,
            candidate: key(3).public(),
        },
    );
    let early = w.act(3, Body::Join { committee: c });
    assert_eq!(
        w.outcome(&early),
        Outcome::Rejected(RejectReason::NotEnoughVouches { have: 1, need: 2 })
    );
    w.act(
        2,
        Body::Vouch {
            committee: c,
            candidate: key(3).public(),
        },
    );
    let join = w.act(3, Body::Join { committee: c });
    assert_eq!(w.outcome(&join), Outcome::Applied);
    w.check_reference();
}

#[test]
fn every_rejection_reason_of_the_membership_rules() {
    let mut w = World::new();
    let c = w.committee(1, "Aktau", 1);
    let ghost = Hash([7; 32]);
    let rejected = |w: &mut World, who: u8, body: Body, reason: RejectReason| {
        let op = w.act(who, body);
        assert_eq!(w.outcome(&op), Outcome::Rejected(reason));
    };
    rejected(
        &mut w,
        1,
        Body::Vouch {
            committee: ghost,
            candidate: key(2).public(),
        },
        RejectReason::NoSuchCommittee,
    );
    rejected(
        &mut w,
        1,
        Body::Vouch {
            committee: c,
            candidate: key(1).public(),
        },
        RejectReason::AlreadyMember,
    );
    w.act(
        1,
        Body::Vouch {
            committee: c,
            candidate: key(2).public(),
        },
    );
    rejected(
        &mut w,
        1,
        Body::Vouch {
            committee: c,
            candidate: key(2).public(),
        },
        RejectReason::AlreadyVouched,
    );
    // key 2 has standing now, but is not a member.
    rejected(
        &mut w,
        2,
        Body::Vouch {
            committee: c,
            candidate: key(3).public(),
        },
        RejectReason::NotMember,
    );
    rejected(
        &mut w,
        2,
        Body::Leave { committee: c },
        RejectReason::NotMember,
    );
    rejected(
        &mut w,
        2,
        Body::CreateCommittee {
            name: "x".into(),
            kind: CommitteeKind::Advisory,
            policy: Policy::default(),
        },
        RejectReason::NotFederationMember,
    );
    rejected(
        &mut w,
        1,
        Body::Join { committee: c },
        RejectReason::AlreadyMember,
    );
    rejected(
        &mut w,
        1,
        Body::CreateFederation {
            name: "again".into(),
        },
        RejectReason::GenesisOnly,
    );
    let council = w.act(
        1,
        Body::CreateCommittee {
            name: "Mangystau council".into(),
            kind: CommitteeKind::Council {
                scope: CouncilScope::Area("Kazakhstan/Mangystau".into()),
            },
            policy: Policy::default(),
        },
    );
    let k = council.id;
    rejected(
        &mut w,
        1,
        Body::Vouch {
            committee: k,
            candidate: key(2).public(),
        },
        RejectReason::CouncilMembershipIsBySeats,
    );
    rejected(
        &mut w,
        2,
        Body::Join { committee: k },
        RejectReason::CouncilMembershipIsBySeats,
    );
    rejected(
        &mut w,
        1,
        Body::Leave { committee: k },
        RejectReason::CouncilMembershipIsBySeats,
    );
    // The creator of a council is its convenor, not a member.
    let council_state = &w.engine.state().committees[&k];
    assert_eq!(council_state.convenor, Some(key(1).public()));
    assert!(council_state.members.is_empty());
    let join = w.act(2, Body::Join { committee: c });
    assert_eq!(w.outcome(&join), Outcome::Applied);
    let leave = w.act(2, Body::Leave { committee: c });
    assert_eq!(w.outcome(&leave), Outcome::Applied);
    assert!(
        !w.engine.state().committees[&c]
            .members
            .contains(&key(2).public())
    );
    w.check_reference();
}

#[test]
fn a_backdated_op_gains_nothing_its_author_lacked_in_its_past() {
    let mut w = World::new();
    let c = w.committee(1, "Tengiz oil workers", 2);
    w.act(
        1,
        Body::Vouch {
            committee: c,
            candidate: key(2).public(),
        },
    );
    let j2 = w.act(2, Body::Join { committee: c });
    // key 3 gets vouched by 1, so it has standing; 2 will vouch too.
    let v3 = w.act(
        1,
        Body::Vouch {
            committee: c,
            candidate: key(3).public(),
        },
    );
    // 2 vouches for 4, citing only its own join: valid (2 is a member there).
    let v4 = backdated(
        &w,
        2,
        &[&j2],
        Body::Vouch {
            committee: c,
            candidate: key(4).public(),
        },
    );
    w.deliver(&v4);
    assert_eq!(w.outcome(&v4), Outcome::Applied);
    // 3 joins citing only the vouch for it: at that past the committee had
    // two members, so one vouch is not enough, even though by fold time
    // 2 might have vouched too.
    w.act(
        2,
        Body::Vouch {
            committee: c,
            candidate: key(3).public(),
        },
    );
    let j3 = backdated(&w, 3, &[&v3], Body::Join { committee: c });
    w.deliver(&j3);
    assert_eq!(
        w.outcome(&j3),
        Outcome::Rejected(RejectReason::NotEnoughVouches { have: 1, need: 2 })
    );
    w.check_reference();
}

#[test]
fn acceptance_drops_what_breaks_the_rules() {
    let mut w = World::new();
    let c = w.committee(1, "Atyrau", 1);
    // No standing: key 9 was never vouched for.
    let stranger = w
        .engine
        .author(&key(9), Body::Profile { name: "spy".into() }, 1);
    let report = w
        .engine
        .ingest(std::slice::from_ref(&stranger.bytes), Verify::Signatures);
    assert_eq!(report.dropped[0].1, DropReason::NoStanding);
    assert!(!w.engine.contains(&stranger.id));
    // Wrong lamport.
    let mut fields = w
        .engine
        .author(&key(1), Body::Profile { name: "A".into() }, 1)
        .fields;
    fields.lamport += 5;
    let bad = fields.sign(&key(1));
    let report = w
        .engine
        .ingest(std::slice::from_ref(&bad.bytes), Verify::Signatures);
    assert!(matches!(report.dropped[0].1, DropReason::BadLamport { .. }));
    // A prev that is another author's op.
    let v = w.act(
        1,
        Body::Vouch {
            committee: c,
            candidate: key(2).public(),
        },
    );
    let mut fields = w
        .engine
        .author(&key(2), Body::Profile { name: "B".into() }, 1)
        .fields;
    fields.seq = 1;
    fields.prev = Some(v.id);
    fields.deps.retain(|d| *d != v.id);
    let bad = fields.sign(&key(2));
    let report = w
        .engine
        .ingest(std::slice::from_ref(&bad.bytes), Verify::Signatures);
    assert_eq!(report.dropped[0].1, DropReason::BadPrev);
    // From here on, nothing is accepted: the state must not move.
    let before = w.engine.digest();
    let accepted = w.engine.len();
    // Another federation's op.
    let other = genesis(&key(1), "elsewhere", 5);
    let report = w
        .engine
        .ingest(std::slice::from_ref(&other.bytes), Verify::Signatures);
    assert_eq!(report.dropped[0].1, DropReason::WrongFederation);
    // Garbage.
    let report = w.engine.ingest(&[vec![1, 2, 3]], Verify::Signatures);
    assert!(matches!(report.dropped[0].1, DropReason::Stateless(_)));
    // A flipped bit in the signature.
    let mut tampered = w
        .engine
        .author(&key(1), Body::Profile { name: "C".into() }, 1)
        .bytes;
    let last = tampered.len() - 1;
    tampered[last] ^= 0x40;
    let report = w.engine.ingest(&[tampered], Verify::Signatures);
    assert!(matches!(report.dropped[0].1, DropReason::Stateless(_)));
    assert_eq!(w.engine.len(), accepted);
    assert_eq!(before, w.engine.digest());
}

#[test]
fn out_of_order_ops_wait_then_release() {
    let mut w = World::new();
    let c = w.committee(1, "Uralsk", 1);
    let v = w.engine.author(
        &key(1),
        Body::Vouch {
            committee: c,
            candidate: key(2).public(),
        },
        1,
    );
    let mut ahead = Engine::new(w.engine.federation());
    w.engine
        .ingest(std::slice::from_ref(&v.bytes), Verify::Signatures);
    let j = w.engine.author(&key(2), Body::Join { committee: c }, 2);
    w.engine
        .ingest(std::slice::from_ref(&j.bytes), Verify::Signatures);
    w.all.extend([v.bytes.clone(), j.bytes.clone()]);
    // Deliver newest first to a fresh replica.
    let mut reversed = w.all.clone();
    reversed.reverse();
    let report = ahead.ingest(&reversed[..2], Verify::Signatures);
    assert_eq!(report.pending, 2);
    assert_eq!(ahead.pending_len(), 2);
    let report = ahead.ingest(&reversed[2..], Verify::Signatures);
    assert_eq!(report.accepted.len(), 4);
    assert_eq!(ahead.pending_len(), 0);
    assert_eq!(ahead.digest(), w.engine.digest());
    // Duplicates are known.
    let report = ahead.ingest(&w.all, Verify::Signatures);
    assert_eq!(report.known, 4);
    assert!(report.accepted.is_empty());
}

#[test]
fn unknown_kinds_are_stored_with_no_effect() {
    let mut w = World::new();
    let op = w.act(
        1,
        Body::Unknown {
            kind: 4242,
            payload: vec![1, 2],
        },
    );
    assert_eq!(w.outcome(&op), Outcome::Unknown);
    w.check_reference();
}

#[test]
fn forks_are_flagged() {
    let mut w = World::new();
    let c = w.committee(1, "Aktobe", 1);
    let v = w.act(
        1,
        Body::Vouch {
            committee: c,
            candidate: key(2).public(),
        },
    );
    let a = w.act(
        2,
        Body::Profile {
            name: "first".into(),
        },
    );
    // Same seq 0 again, citing the same vouch.
    let b = UnsignedOp {
        body: Body::Profile {
            name: "second".into(),
        },
        ..a.fields.clone()
    }
    .sign(&key(2));
    assert_ne!(a.id, b.id);
    w.deliver(&b);
    assert!(w.engine.state().forks[&key(2).public()].contains(&0));
    let _ = v;
    w.check_reference();
}

#[test]
fn late_ops_rewind_only_their_committee() {
    let mut w = World::new();
    let c = w.committee(1, "Shymkent", 1);
    let d = w.committee(1, "Taraz", 1);
    let v = w.act(
        1,
        Body::Vouch {
            committee: c,
            candidate: key(2).public(),
        },
    );
    // 2 joins c on a branch the founder has not seen yet...
    let join = backdated(&w, 2, &[&v], Body::Join { committee: c });
    // ...while the founder goes on in both committees.
    w.act(1, report(c, "gate 4 at the morning shift"));
    for i in 0..5 {
        w.act(
            1,
            Body::Vouch {
                committee: d,
                candidate: key(10 + i).public(),
            },
        );
    }
    let leave_c = w.act(
        1,
        Body::Profile {
            name: "founder".into(),
        },
    );
    let rewinds = w.engine.stats().rewinds;
    let report = w.deliver(&join);
    assert_eq!(w.outcome(&join), Outcome::Applied);
    let _ = leave_c;
    assert!(
        w.engine.state().committees[&c]
            .members
            .contains(&key(2).public())
    );
    // One rewind, of c alone: d's fold did not move.
    assert_eq!(w.engine.stats().rewinds, rewinds + 1);
    assert_eq!(report.refolded, [c].into_iter().collect());
    w.check_reference();
}

#[test]
fn one_batch_of_interleaved_late_and_current_ops_rewinds_once() {
    // A committee with a long history, then a batch where each up-to-date
    // op has seen the back-dated op before it: ten late ops, ten current.
    let mut w = World::new();
    let c = w.committee(1, "Zhanaozen oil workers", 1);
    members(&mut w, c, &[2]);
    let fork_point = w.all.len();
    for i in 0..40 {
        w.act(1, report(c, &format!("shift {i}")));
    }
    let mut replica = Engine::with_checkpoint_interval(w.engine.federation(), 8);
    replica.ingest(&w.all, Verify::Signatures);
    // Member 2 writes ten reports on a branch that saw only the start.
    let base: Vec<Op> = w.all[..fork_point]
        .iter()
        .map(|b| Op::decode(b).expect("valid"))
        .collect();
    // The founder, up to date, answers each one as it arrives.
    let mut batch = Vec::new();
    let mut late: Option<Op> = None;
    for i in 0..10 {
        let text = format!("late {i}");
        let op = match &late {
            None => backdated(&w, 2, &refs(&base), report(c, &text)),
            Some(prev) => backdated(&w, 2, &[prev], report(c, &text)),
        };
        inject(&mut w, &op);
        batch.push(op.bytes.clone());
        let answer = w.act(1, report(c, "answer"));
        batch.push(answer.bytes.clone());
        late = Some(op);
    }
    let rewinds = replica.stats().rewinds;
    let report = replica.ingest(&batch, Verify::Signatures);
    assert_eq!(report.accepted.len(), 20);
    assert_eq!(
        replica.stats().rewinds,
        rewinds + 1,
        "{:?}",
        replica.stats()
    );
    assert_eq!(replica.digest(), w.engine.digest());
}

#[test]
fn a_partitions_late_ops_are_projected_from_one_split_checkpoint_with_the_same_result() {
    // A long history, a branch that forked from its middle, and the
    // branch's ops merged in one batch: each late op's past lacks the same
    // ops, so they share one checkpoint at the split instead of each
    // refolding the history.
    let mut w = World::new();
    let c = w.committee(1, "Mangystau teachers", 1);
    members(&mut w, c, &[2]);
    for i in 0..60 {
        w.act(1, report(c, &format!("before the cut {i}")));
    }
    let fork_point = w.all.len();
    for i in 0..20 {
        w.act(1, report(c, &format!("after the cut {i}")));
    }
    let mut replica = Engine::with_checkpoint_interval(w.engine.federation(), 64);
    replica.ingest(&w.all, Verify::Signatures);
    let cut = Op::decode(&w.all[fork_point - 1]).expect("valid");
    let mut batch = Vec::new();
    let mut late: Option<Op> = None;
    for i in 0..10 {
        let text = format!("from the cut-off town {i}");
        let op = match &late {
            None => backdated(&w, 2, &[&cut], report(c, &text)),
            Some(prev) => backdated(&w, 2, &[prev], report(c, &text)),
        };
        inject(&mut w, &op);
        batch.push(op.bytes.clone());
        late = Some(op);
    }
    let before = replica.stats();
    let report = replica.ingest(&batch, Verify::Signatures);
    assert_eq!(report.accepted.len(), 10);
    let after = replica.stats();
    assert_eq!(after.projected - before.projected, 10);
    assert!(
        after.split_checkpoints > before.split_checkpoints,
        "{after:?}"
    );
    // Each projection folds only the branch's own ops after the split.
    assert!(
        after.projection_folds - before.projection_folds <= 10 * 10,
        "{after:?}"
    );
    assert_eq!(replica.digest(), w.engine.digest());
    for op in &batch {
        let id = Op::decode(op).expect("valid").id;
        assert_eq!(replica.outcome_of(&id), Some(Outcome::Applied));
    }
    w.check_reference();
}

#[test]
fn a_merge_folds_again_only_the_ops_since_the_newest_sliding_checkpoint() {
    // A committee more than a hundred ops past its last regular
    // checkpoint, and a member whose branch missed only its last two ops:
    // the late op's projection and the rewind that merges it start from
    // the sliding checkpoint at most an eighth of the interval back, not
    // from the regular one.
    let mut w = World::new();
    let c = w.committee(1, "Zhetybai drivers", 1);
    members(&mut w, c, &[2]);
    let interval = 128;
    for i in 0..interval + 120 {
        w.act(1, report(c, &format!("shift {i}")));
    }
    let fork_point = w.all.len() - 1;
    w.act(1, report(c, "the last shift"));
    let mut replica = Engine::with_checkpoint_interval(w.engine.federation(), interval);
    replica.ingest(&w.all, Verify::Signatures);
    let cut = Op::decode(&w.all[fork_point - 1]).expect("valid");
    let late = backdated(&w, 2, &[&cut], report(c, "from the cut-off town"));
    inject(&mut w, &late);
    let before = replica.stats();
    let merged = replica.ingest(std::slice::from_ref(&late.bytes), Verify::Signatures);
    assert_eq!(merged.accepted.len(), 1);
    let after = replica.stats();
    assert_eq!(after.rewinds, before.rewinds + 1, "{after:?}");
    // The split checkpoint folds at most a sliding interval, the rewind
    // the two ops the branch missed and the late op.
    let sliding = interval / kenes_core::engine::SLIDING_SHARE;
    let folded = (after.rewind_folds - before.rewind_folds)
        + (after.projection_folds - before.projection_folds);
    assert!(folded <= sliding as u64 + 4, "{after:?}");
    assert_eq!(replica.digest(), w.engine.digest());
    assert_eq!(replica.outcome_of(&late.id), Some(Outcome::Applied));
    w.check_reference();
}

#[test]
fn a_late_op_that_missed_the_newest_sliding_checkpoint_starts_from_the_one_before() {
    // A committee more than a hundred ops past its last regular
    // checkpoint. Cut off at each of a whole sliding interval of lengths,
    // a member's op that missed only the committee's last two ops is
    // merged: wherever the newest sliding checkpoint fell, among those two
    // or before them, the merge folds from a sliding checkpoint, never
    // from the regular one.
    let mut w = World::new();
    let c = w.committee(1, "Zhetybai drivers", 1);
    members(&mut w, c, &[2]);
    let interval = 128;
    let sliding = interval / kenes_core::engine::SLIDING_SHARE;
    let shifts: Vec<Op> = (0..interval + 100 + sliding)
        .map(|i| w.act(1, report(c, &format!("shift {i}"))))
        .collect();
    let fed = w.engine.federation();
    let mut checkpoints = Vec::new();
    for end in shifts.len() - sliding..shifts.len() {
        let held = w.all.len() - (shifts.len() - end) + 1;
        let mut replica = Engine::with_checkpoint_interval(fed, interval);
        replica.ingest(&w.all[..held], Verify::Signatures);
        checkpoints.push(replica.checkpoints_held());
        let late = backdated(
            &w,
            2,
            &[&shifts[end - 2]],
            report(c, "from the cut-off town"),
        );
        let before = replica.stats();
        replica.ingest(std::slice::from_ref(&late.bytes), Verify::Signatures);
        let after = replica.stats();
        let folded = (after.rewind_folds - before.rewind_folds)
            + (after.projection_folds - before.projection_folds);
        assert!(folded <= 2 * sliding as u64 + 4, "cut at {end}: {after:?}");
        assert_eq!(replica.outcome_of(&late.id), Some(Outcome::Applied));
        let mut at_once = Engine::with_checkpoint_interval(fed, 1);
        at_once.ingest(&w.all[..held], Verify::Signatures);
        at_once.ingest(std::slice::from_ref(&late.bytes), Verify::Signatures);
        assert_eq!(replica.digest(), at_once.digest(), "cut at {end}");
    }
    // The one before the newest is kept for the first quarter of each
    // sliding interval, and only then.
    let fewest = *checkpoints.iter().min().expect("lengths");
    let two_sliding = checkpoints.iter().filter(|&&n| n == fewest + 1).count();
    assert_eq!(
        two_sliding,
        sliding / kenes_core::engine::SLIDING_RETIREMENT,
        "{checkpoints:?}"
    );
    assert!(
        checkpoints.iter().all(|&n| n <= fewest + 1),
        "{checkpoints:?}"
    );
    w.check_reference();
}

#[test]
fn a_rewind_past_two_sliding_checkpoints_leaves_at_most_the_newest() {
    // A committee holding two sliding checkpoints (the newest made two of
    // its ops ago) merges a late op that missed those two, in one batch
    // with newer ops. A short rewind carries it past the point where the
    // older one retires; a longer one passes its 256th op and makes a
    // regular checkpoint, which replaces both. Either way the committee
    // is left with its regular checkpoints and at most the newest sliding
    // one: an older one kept would stay for good (before a regular one,
    // nothing drops or thins it).
    let mut w = World::new();
    let c = w.committee(1, "Kalamkas field", 1);
    members(&mut w, c, &[2]);
    let interval = 128;
    // Its creation, vouch and join are its first three ops, so shift i is
    // its op 4 + i: a regular checkpoint at shift 124, sliding ones every
    // 16 ops from shift 140, the newest two at shifts 220 and 236.
    let shifts: Vec<Op> = (0..260)
        .map(|i| w.act(1, report(c, &format!("shift {i}"))))
        .collect();
    let fed = w.engine.federation();
    let first_shift = w.all.len() - shifts.len();
    let held = first_shift + 239;
    for (newer, expected) in [(7, 2), (21, 2)] {
        let mut replica = Engine::with_checkpoint_interval(fed, interval);
        replica.ingest(&w.all[..held], Verify::Signatures);
        assert_eq!(replica.checkpoints_held(), 3, "one regular, two sliding");
        let late = backdated(&w, 2, &[&shifts[236]], report(c, "from the field"));
        let mut batch = vec![late.bytes.clone()];
        batch.extend_from_slice(&w.all[held..held + newer]);
        let rewinds = replica.stats().rewinds;
        replica.ingest(&batch, Verify::Signatures);
        assert_eq!(replica.stats().rewinds, rewinds + 1);
        assert_eq!(replica.checkpoints_held(), expected, "{newer} newer ops");
        assert_eq!(replica.outcome_of(&late.id), Some(Outcome::Applied));
        let mut at_once = Engine::with_checkpoint_interval(fed, 1);
        at_once.ingest(&w.all[..held + newer], Verify::Signatures);
        at_once.ingest(std::slice::from_ref(&late.bytes), Verify::Signatures);
        assert_eq!(replica.digest(), at_once.digest());
    }
    w.check_reference();
}

#[test]
fn after_a_deep_rewind_the_next_late_op_starts_from_the_rewinds_end() {
    // A member's op concurrent with all but the first ops of a committee
    // rewinds it far; the rewind ends with a sliding checkpoint, so the
    // member's next op, concurrent only with the newest op, folds from
    // there and not from the rewind's last regular checkpoint.
    let mut w = World::new();
    let c = w.committee(1, "Kalamkas field", 1);
    members(&mut w, c, &[2]);
    let mut shifts = Vec::new();
    for i in 0..150 {
        shifts.push(w.act(1, report(c, &format!("shift {i}"))));
    }
    let mut replica = Engine::with_checkpoint_interval(w.engine.federation(), 64);
    replica.ingest(&w.all, Verify::Signatures);
    let deep = backdated(&w, 2, &[&shifts[10]], report(c, "from the field"));
    inject(&mut w, &deep);
    replica.ingest(std::slice::from_ref(&deep.bytes), Verify::Signatures);
    let newest = w.act(1, report(c, "the newest shift"));
    replica.ingest(std::slice::from_ref(&newest.bytes), Verify::Signatures);
    let next = backdated(&w, 2, &[&deep, &shifts[149]], report(c, "again"));
    inject(&mut w, &next);
    let before = replica.stats();
    replica.ingest(std::slice::from_ref(&next.bytes), Verify::Signatures);
    let after = replica.stats();
    let folded = (after.rewind_folds - before.rewind_folds)
        + (after.projection_folds - before.projection_folds);
    assert!(folded <= 4, "{folded}: {before:?} {after:?}");
    assert_eq!(replica.outcome_of(&next.id), Some(Outcome::Applied));
    assert_eq!(replica.digest(), w.engine.digest());
    w.check_reference();
}

#[test]
fn slightly_late_ops_in_every_batch_still_leave_regular_checkpoints() {
    // The founder's report, then a member's report that missed it: about
    // one in two sorts first and rewinds the committee
    // from its sliding checkpoint. The count of ops since the regular
    // checkpoint goes on through those rewinds, so regular checkpoints
    // keep coming (restarting it at each rewind kept only the first).
    let mut w = World::new();
    let c = w.committee(1, "Aktau port", 1);
    members(&mut w, c, &[2]);
    let mut replica = Engine::with_checkpoint_interval(w.engine.federation(), 16);
    replica.ingest(&w.all, Verify::Signatures);
    let rewinds = replica.stats().rewinds;
    for i in 0..150 {
        let before_last = Op::decode(w.all.last().expect("ops")).expect("valid");
        let on_time = w.act(1, report(c, &format!("shift {i}")));
        let late = backdated(&w, 2, &[&before_last], report(c, &format!("late {i}")));
        inject(&mut w, &late);
        replica.ingest(std::slice::from_ref(&on_time.bytes), Verify::Signatures);
        replica.ingest(std::slice::from_ref(&late.bytes), Verify::Signatures);
    }
    let rewound = replica.stats().rewinds - rewinds;
    assert!(rewound >= 30, "{rewound} rewinds");
    // 300 ops at one checkpoint every 16: thinned, yet more than the first
    // regular one and a sliding one.
    let held = replica.checkpoints_held();
    assert!(held >= 5, "{held} checkpoints");
    assert_eq!(replica.digest(), w.engine.digest());
    w.check_reference();
}

#[test]
fn a_projection_never_starts_from_a_checkpoint_a_late_op_made_stale() {
    let mut w = World::new();
    let c = w.committee(1, "Karaganda miners", 1);
    w.act(
        1,
        Body::Vouch {
            committee: c,
            candidate: key(2).public(),
        },
    );
    let join_m = w.act(2, Body::Join { committee: c });
    let mut chain = Vec::new();
    for i in 0..5 {
        chain.push(w.act(
            1,
            Body::Vouch {
                committee: c,
                candidate: key(20 + i).public(),
            },
        ));
    }
    let tip = chain.last().unwrap().clone();
    // An op the joiner below never sees, accepted after the chain.
    w.act(
        1,
        Body::Profile {
            name: "founder".into(),
        },
    );
    // M vouches for Z on a branch that saw only M's join: it sorts before
    // the chain, so it arrives late.
    let late_vouch = backdated(
        &w,
        2,
        &[&join_m],
        Body::Vouch {
            committee: c,
            candidate: key(9).public(),
        },
    );
    w.deliver(&late_vouch);
    // Z joins, citing that vouch and the chain's tip, not the profile.
    let join_z = backdated(&w, 9, &[&late_vouch, &tip], Body::Join { committee: c });
    w.deliver(&join_z);
    assert_eq!(w.outcome(&join_z), Outcome::Applied);
    // A fresh replica checkpointing every op gets the late pair in one batch.
    let mut replica = Engine::with_checkpoint_interval(w.engine.federation(), 1);
    let (late, early): (Vec<Vec<u8>>, Vec<Vec<u8>>) = w
        .all
        .iter()
        .cloned()
        .partition(|b| *b == late_vouch.bytes || *b == join_z.bytes);
    replica.ingest(&early, Verify::Signatures);
    replica.ingest(&late, Verify::Signatures);
    assert_eq!(replica.outcome_of(&join_z.id).unwrap(), Outcome::Applied);
    assert_eq!(replica.digest(), w.engine.digest());
    w.check_reference();
}

#[test]
fn the_pending_set_is_bounded() {
    let mut w = World::new();
    let c = w.committee(1, "Ekibastuz", 1);
    let mut chain = Vec::new();
    for i in 0..4 {
        chain.push(w.act(
            1,
            Body::Vouch {
                committee: c,
                candidate: key(30 + i).public(),
            },
        ));
    }
    let mut replica = Engine::new(w.engine.federation());
    replica.set_pending_limit(2);
    // Without the genesis, every op waits; the third one finds no room.
    let tail: Vec<Vec<u8>> = chain.iter().map(|op| op.bytes.clone()).collect();
    let report = replica.ingest(&tail, Verify::Signatures);
    assert_eq!(report.pending, 2);
    assert_eq!(
        report
            .dropped
            .iter()
            .filter(|(_, r)| *r == DropReason::PendingFull)
            .count(),
        2
    );
    assert_eq!(replica.pending_len(), 2);
    assert!(replica.is_empty());
}

#[test]
fn a_statement_passes_at_its_first_close() {
    use kenes_core::body::ProposalKind;
    use kenes_core::governance::ProposalStatus;
    use kenes_core::tally::Choice;
    let mut w = World::new();
    let c = w.committee(1, "Zhanaozen oil workers", 1);
    members(&mut w, c, &[2, 3]);
    let p = propose(&mut w, 1, c, ProposalKind::Statement { public: true }, 100);
    assert_eq!(w.outcome(&p), Outcome::Applied);
    assert_eq!(status(&w, c, &p), ProposalStatus::Open);
    vote(&mut w, 1, c, &p, Choice::Yes);
    vote(&mut w, 2, c, &p, Choice::Yes);
    vote(&mut w, 3, c, &p, Choice::No);
    // A member may not close before the closing time; the proposer may.
    let early = w.act(
        2,
        Body::Close {
            committee: c,
            proposal: p.id,
        },
    );
    assert_eq!(w.outcome(&early), Outcome::Rejected(RejectReason::TooEarly));
    let close = w.act(
        1,
        Body::Close {
            committee: c,
            proposal: p.id,
        },
    );
    assert_eq!(w.outcome(&close), Outcome::Applied);
    let ProposalStatus::Closed(closing) = status(&w, c, &p) else {
        panic!("closed")
    };
    assert!(closing.result.passed());
    assert_eq!((closing.result.count.yes, closing.result.count.no), (2, 1));
    assert!(
        w.engine.state().committees[&c]
            .statements
            .contains_key(&p.id)
    );
    w.check_reference();
}

/// A committee's checkpoints thin out as it grows (at most three per
/// level, not one per interval), and late ops that rewind it into the
/// thinned middle of its history, from the sparse checkpoints there, give
/// what a replica that folded everything at once gives.
#[test]
fn a_long_committees_checkpoints_thin_out_and_rewinds_still_agree() {
    let mut w = World::new();
    let c = w.committee(1, "Zhanaozen oil workers", 1);
    let v = w.act(
        1,
        Body::Vouch {
            committee: c,
            candidate: key(2).public(),
        },
    );
    let reports = 600;
    let mut shifts = Vec::new();
    for i in 0..reports {
        shifts.push(w.act(1, report(c, &format!("shift {i}"))));
    }
    // 2 joins on a branch that saw the first 300 reports, then reports
    // on it: both sort among the later reports.
    let fed = w.engine.federation();
    let mut every_op = Engine::with_checkpoint_interval(fed, 1);
    every_op.ingest(&w.all, Verify::Signatures);
    // Every eighth op, with a sliding checkpoint every second one: the
    // sliding one stays outside the thinning, and never adds up.
    let mut sliding = Engine::with_checkpoint_interval(fed, 8);
    sliding.ingest(&w.all, Verify::Signatures);
    let join = backdated(&w, 2, &[&v, &shifts[299]], Body::Join { committee: c });
    w.deliver(&join);
    let after_join = backdated(&w, 2, &[&join], report(c, "shift 300, gate 4"));
    w.deliver(&after_join);
    // One interval per op: about 600 checkpoints without thinning; at most
    // three per level over fewer than ten levels with it.
    let held = every_op.checkpoints_held();
    assert!((3..=24).contains(&held), "{held} checkpoints");
    let held_sliding = sliding.checkpoints_held();
    assert!(held_sliding <= 19, "{held_sliding} checkpoints");
    for late in [&join, &after_join] {
        for engine in [&mut every_op, &mut sliding] {
            let rewinds = engine.stats().rewinds;
            engine.ingest(std::slice::from_ref(&late.bytes), Verify::Signatures);
            assert_eq!(engine.stats().rewinds, rewinds + 1);
        }
        assert!(every_op.checkpoints_held() <= 24);
        assert!(sliding.checkpoints_held() <= 19);
        assert_eq!(w.outcome(late), Outcome::Applied);
    }
    let mut at_once = Engine::with_checkpoint_interval(fed, 1);
    at_once.ingest(&w.all, Verify::Signatures);
    assert_eq!(every_op.digest(), at_once.digest());
    assert_eq!(sliding.digest(), at_once.digest());
    assert_eq!(every_op.digest(), w.engine.digest());
    w.check_reference();
}

#[test]
fn a_late_op_with_hundreds_of_ops_it_did_not_see_is_judged_in_its_own_past() {
    let mut w = World::new();
    let c = w.committee(1, "Zhanaozen residents", 1);
    members(&mut w, c, &[2]);
    let before = w.engine.op_at(w.engine.len() as u32 - 1).as_ref().clone();
    // Meanwhile 5 joins, and more ops follow than a projection scans one
    // by one for the committee's (it then checks the log instead).
    members(&mut w, c, &[5]);
    for i in 0..300 {
        w.act(
            1,
            Body::Profile {
                name: format!("Aigerim {i}"),
            },
        );
    }
    // 2 vouches for 5, having seen none of it: in its past 5 is no member.
    let vouch = backdated(
        &w,
        2,
        &[&before],
        Body::Vouch {
            committee: c,
            candidate: key(5).public(),
        },
    );
    w.deliver(&vouch);
    assert_eq!(w.outcome(&vouch), Outcome::Applied);
    w.check_reference();
}
