//! Deliberation (issue 15, DESIGN §9): threads, comments and replies,
//! edits and retractions, suggestions, revisions and announcements, judged
//! on each op's own past and folded in `(lamport, id)` order. Every
//! scenario is checked against the reference evaluator and shuffled
//! replicas.

mod common;

use common::*;
use kenes_core::body::{Ballot, DemandCategory, ProposalKind, Text};
use kenes_core::discussion::{self, PostKind};
use kenes_core::outcome::{RejectReason, VoidReason};
use kenes_core::tally::Choice;
use kenes_core::validate::{StatelessError, check_body};
use kenes_core::{Body, Hash, Op, Outcome};

fn text(s: &str) -> Text {
    Text::plain(s)
}

fn thread(w: &mut World, who: u8, c: Hash, title: &str) -> Op {
    w.act(
        who,
        Body::OpenThread {
            committee: c,
            title: title.into(),
            text: text("opening"),
        },
    )
}

fn comment(w: &mut World, who: u8, c: Hash, target: Hash, words: &str) -> Op {
    w.act(
        who,
        Body::Comment {
            committee: c,
            target,
            text: text(words),
        },
    )
}

fn rejected(reason: RejectReason) -> Outcome {
    Outcome::Rejected(reason)
}

/// The ids under `root`, depth first, with their depth.
fn shape(w: &World, c: Hash, root: Hash) -> Vec<(Hash, u32)> {
    let committee = &w.engine.state().committees[&c];
    discussion::tree(&committee.discussion, &committee.hidden, &root)
        .iter()
        .map(|p| (p.id, p.depth))
        .collect()
}

#[test]
fn members_discuss_and_replies_nest_in_fold_order() {
    let mut w = World::new();
    let c = w.committee(1, "Zhanaozen oil workers", 1);
    members(&mut w, c, &[2, 3]);
    let t = thread(&mut w, 1, c, "When do we strike?");
    let a = comment(&mut w, 2, c, t.id, "morning shift");
    let b = comment(&mut w, 3, c, t.id, "gate 4");
    let reply = comment(&mut w, 1, c, a.id, "agreed, 6:00");
    for op in [&t, &a, &b, &reply] {
        assert_eq!(w.outcome(op), Outcome::Applied);
    }
    assert_eq!(
        shape(&w, c, t.id),
        vec![(a.id, 1), (reply.id, 2), (b.id, 1)]
    );
    // Comments on a proposal, a demand and a report of the committee.
    let p = propose(&mut w, 1, c, ProposalKind::Decision, 100);
    let d = w.act(
        2,
        Body::Demand {
            committee: c,
            category: DemandCategory::Wages,
            title: "100% raise".into(),
            text: String::new(),
        },
    );
    let r = w.act(3, report(c, "strike at the depot"));
    for target in [&p, &d, &r] {
        let op = comment(&mut w, 2, c, target.id, "yes");
        assert_eq!(w.outcome(&op), Outcome::Applied);
        assert_eq!(shape(&w, c, target.id), vec![(op.id, 1)]);
    }
    let threads = discussion::roots(
        &w.engine.state().committees[&c].discussion,
        PostKind::Thread,
    );
    assert_eq!(threads, vec![(t.fields.lamport, t.id)]);
    assert_replicas_agree(&mut w);
}

#[test]
fn concurrent_replies_show_in_lamport_then_id_order_on_every_replica() {
    let mut w = World::new();
    let c = w.committee(1, "Aktau residents", 1);
    members(&mut w, c, &[2, 3, 4]);
    let t = thread(&mut w, 1, c, "Water supply");
    let seen = everything(&w);
    // Three members reply without having seen each other's replies.
    let replies: Vec<Op> = [2u8, 3, 4]
        .iter()
        .map(|&who| {
            let op = backdated(
                &w,
                who,
                &refs(&seen),
                Body::Comment {
                    committee: c,
                    target: t.id,
                    text: text("from my street"),
                },
            );
            inject(&mut w, &op);
            op
        })
        .collect();
    let mut expected: Vec<(u64, Hash)> = replies
        .iter()
        .map(|op| (op.fields.lamport, op.id))
        .collect();
    expected.sort();
    let got: Vec<Hash> = shape(&w, c, t.id).into_iter().map(|(id, _)| id).collect();
    assert_eq!(
        got,
        expected.into_iter().map(|(_, id)| id).collect::<Vec<_>>()
    );
    assert_replicas_agree(&mut w);
}

#[test]
fn a_non_members_posts_are_rejected() {
    let mut w = World::new();
    let c = w.committee(1, "Zhanaozen oil workers", 1);
    members(&mut w, c, &[2]);
    // 7 has standing (a member of another committee) but not in c.
    let other = w.committee(1, "Aktau residents", 1);
    members(&mut w, other, &[7]);
    let t = thread(&mut w, 2, c, "Strike plan");
    let outsider_thread = thread(&mut w, 7, c, "I want in");
    let outsider_comment = comment(&mut w, 7, c, t.id, "hello");
    let outsider_announcement = w.act(
        7,
        Body::Announce {
            committee: c,
            text: text("strike tomorrow"),
        },
    );
    for op in [&outsider_thread, &outsider_comment, &outsider_announcement] {
        assert_eq!(w.outcome(op), rejected(RejectReason::NotMember));
    }
    // A comment on something that is not the committee's is rejected too.
    let elsewhere = thread(&mut w, 7, other, "our own thread");
    let stray = comment(&mut w, 2, c, elsewhere.id, "wrong place");
    assert_eq!(w.outcome(&stray), rejected(RejectReason::NoSuchPost));
    assert_eq!(shape(&w, c, t.id), vec![]);
    assert_replicas_agree(&mut w);
}

#[test]
fn only_its_author_edits_or_retracts_a_post_and_the_history_stays() {
    let mut w = World::new();
    let c = w.committee(1, "Zhanaozen oil workers", 1);
    members(&mut w, c, &[2]);
    let t = thread(&mut w, 1, c, "Demands");
    let a = comment(&mut w, 2, c, t.id, "100% raise");
    let by_other = w.act(
        1,
        Body::EditPost {
            committee: c,
            post: a.id,
            text: text("50% raise"),
        },
    );
    assert_eq!(w.outcome(&by_other), rejected(RejectReason::NotPostAuthor));
    let retract_other = w.act(
        1,
        Body::RetractPost {
            committee: c,
            post: a.id,
        },
    );
    assert_eq!(
        w.outcome(&retract_other),
        rejected(RejectReason::NotPostAuthor)
    );
    let first = w.act(
        2,
        Body::EditPost {
            committee: c,
            post: a.id,
            text: text("a 100% wage rise"),
        },
    );
    let second = w.act(
        2,
        Body::EditPost {
            committee: c,
            post: a.id,
            text: text("a 100% wage rise, backdated"),
        },
    );
    let committee = &w.engine.state().committees[&c];
    let view = &discussion::tree(&committee.discussion, &committee.hidden, &t.id)[0];
    assert_eq!(
        view.edits,
        vec![
            (first.fields.lamport, first.id),
            (second.fields.lamport, second.id)
        ]
    );
    assert_eq!(view.current_text_op(), second.id);
    assert_eq!(view.retracted, None);
    let retract = w.act(
        2,
        Body::RetractPost {
            committee: c,
            post: a.id,
        },
    );
    assert_eq!(w.outcome(&retract), Outcome::Applied);
    let committee = &w.engine.state().committees[&c];
    let view = &discussion::tree(&committee.discussion, &committee.hidden, &t.id)[0];
    assert_eq!(view.retracted, Some((retract.fields.lamport, retract.id)));
    assert_eq!(view.edits.len(), 2, "the history stays");
    assert_replicas_agree(&mut w);
}

#[test]
fn a_revision_after_votes_is_flagged_and_moves_no_ballot() {
    let mut w = World::new();
    let c = w.committee(1, "Zhanaozen oil workers", 1);
    members(&mut w, c, &[2, 3, 4]);
    let p = propose(&mut w, 1, c, ProposalKind::Decision, 1_000);
    let suggestion = w.act(
        2,
        Body::Suggest {
            committee: c,
            proposal: p.id,
            text: text("say 'morning shift'"),
        },
    );
    assert_eq!(w.outcome(&suggestion), Outcome::Applied);
    vote(&mut w, 2, c, &p, Choice::Yes);
    vote(&mut w, 3, c, &p, Choice::No);
    let before = w.engine.live_tally(&p.id);
    let not_mine = w.act(
        2,
        Body::Revise {
            committee: c,
            proposal: p.id,
            text: text("my text instead"),
        },
    );
    assert_eq!(w.outcome(&not_mine), rejected(RejectReason::NotProposer));
    let revision = w.act(
        1,
        Body::Revise {
            committee: c,
            proposal: p.id,
            text: text("strike from the morning shift"),
        },
    );
    assert_eq!(w.outcome(&revision), Outcome::Applied);
    assert_eq!(w.engine.live_tally(&p.id), before, "the tally is unchanged");
    let record = &w.engine.state().committees[&c].proposals[&p.id];
    assert_eq!(record.text, "strike from the morning shift".into());
    assert_eq!(record.revisions, vec![revision.order_key()]);
    // 4 votes after seeing the revision.
    vote(&mut w, 4, c, &p, Choice::Yes);
    let record = w.engine.state().committees[&c].proposals[&p.id].clone();
    let ballots = discussion::ballots_seen(&w.engine, w.engine.voided(), &p.id, &record.revisions);
    let seen: Vec<(u8, u32)> = [2u8, 3, 4]
        .iter()
        .map(|&k| (k, ballots[&key(k).public()].revision))
        .collect();
    assert_eq!(seen, vec![(2, 0), (3, 0), (4, 1)]);
    assert_eq!(
        ballots[&key(2).public()].ballot,
        Ballot::Choice(Choice::Yes)
    );
    assert!(discussion::revised_after_votes(
        &ballots,
        record.revisions.len()
    ));
    // A ballot cast again on the new text clears that voter's flag.
    vote(&mut w, 2, c, &p, Choice::Yes);
    vote(&mut w, 3, c, &p, Choice::Yes);
    let ballots = discussion::ballots_seen(&w.engine, w.engine.voided(), &p.id, &record.revisions);
    assert!(!discussion::revised_after_votes(
        &ballots,
        record.revisions.len()
    ));
    w.act(
        1,
        Body::Close {
            committee: c,
            proposal: p.id,
        },
    );
    assert!(closing(&w, c, &p).is_some_and(|cl| cl.result.passed()));
    let late = w.act(
        1,
        Body::Revise {
            committee: c,
            proposal: p.id,
            text: text("too late"),
        },
    );
    assert_eq!(w.outcome(&late), rejected(RejectReason::ProposalClosed));
    let late_suggestion = w.act(
        3,
        Body::Suggest {
            committee: c,
            proposal: p.id,
            text: text("too late"),
        },
    );
    assert_eq!(
        w.outcome(&late_suggestion),
        rejected(RejectReason::ProposalClosed)
    );
    assert_replicas_agree(&mut w);
}

#[test]
fn a_revision_concurrent_with_the_close_that_sorts_after_it_changes_nothing() {
    let mut w = World::new();
    let c = w.committee(1, "Zhanaozen oil workers", 1);
    members(&mut w, c, &[2, 3]);
    let p = propose(&mut w, 1, c, ProposalKind::Statement { public: true }, 100);
    let open = everything(&w);
    for v in [1, 2, 3] {
        vote(&mut w, v, c, &p, Choice::Yes);
    }
    w.clock += 200;
    let close = w.act(
        2,
        Body::Close {
            committee: c,
            proposal: p.id,
        },
    );
    // The proposer revises on a replica that never saw the close; with
    // more lamport history behind it, it sorts after the close.
    let mut seen = open.clone();
    for _ in 0..6 {
        let op = backdated(
            &w,
            1,
            &refs(&seen),
            Body::Profile {
                name: "Aigerim".into(),
            },
        );
        inject(&mut w, &op);
        seen = vec![op];
    }
    let revision = backdated(
        &w,
        1,
        &refs(&seen),
        Body::Revise {
            committee: c,
            proposal: p.id,
            text: text("a different statement"),
        },
    );
    inject(&mut w, &revision);
    assert!(revision.order_key() > close.order_key());
    assert_eq!(w.outcome(&revision), Outcome::Applied);
    let committee = &w.engine.state().committees[&c];
    assert!(committee.proposals[&p.id].revisions.is_empty());
    assert_eq!(committee.statements[&p.id].text, "".into());
    assert_replicas_agree(&mut w);
}

#[test]
fn a_passed_decision_hides_a_post() {
    let mut w = World::new();
    let c = w.committee(1, "Zhanaozen oil workers", 1);
    members(&mut w, c, &[2, 3]);
    let t = thread(&mut w, 1, c, "Strike plan");
    let bad = comment(&mut w, 3, c, t.id, "the plan, with names and addresses");
    let nothing = propose(
        &mut w,
        1,
        c,
        ProposalKind::HidePost {
            post: Hash::of(b"no such post"),
        },
        1_000,
    );
    assert_eq!(w.outcome(&nothing), rejected(RejectReason::NoSuchPost));
    let p = propose(&mut w, 1, c, ProposalKind::HidePost { post: bad.id }, 1_000);
    for v in [1, 2] {
        vote(&mut w, v, c, &p, Choice::Yes);
    }
    let committee = &w.engine.state().committees[&c];
    assert!(!discussion::tree(&committee.discussion, &committee.hidden, &t.id)[0].hidden);
    w.act(
        1,
        Body::Close {
            committee: c,
            proposal: p.id,
        },
    );
    let committee = &w.engine.state().committees[&c];
    assert!(committee.hidden.contains(&bad.id));
    assert!(discussion::tree(&committee.discussion, &committee.hidden, &t.id)[0].hidden);
    assert_replicas_agree(&mut w);
}

#[test]
fn a_removed_members_concurrent_posts_fall_under_strong_removal() {
    let mut w = World::new();
    let c = w.committee(1, "Zhanaozen oil workers", 1);
    members(&mut w, c, &[2, 3, 4, 5]);
    let t = thread(&mut w, 2, c, "Strike plan");
    let before = everything(&w);
    let p = propose(
        &mut w,
        1,
        c,
        ProposalKind::RemoveMember {
            member: key(5).public(),
        },
        1_000,
    );
    for v in [1, 2, 3, 4] {
        vote(&mut w, v, c, &p, Choice::Yes);
    }
    w.act(
        1,
        Body::Close {
            committee: c,
            proposal: p.id,
        },
    );
    // Member 5, not having seen the removal, comments, opens a thread and
    // announces.
    let m_comment = backdated(
        &w,
        5,
        &refs(&before),
        Body::Comment {
            committee: c,
            target: t.id,
            text: text("the strike is off"),
        },
    );
    inject(&mut w, &m_comment);
    let m_announce = backdated(
        &w,
        5,
        &[&m_comment],
        Body::Announce {
            committee: c,
            text: text("strike cancelled, stay home"),
        },
    );
    inject(&mut w, &m_announce);
    let voided = Outcome::void(VoidReason::Removal { proposal: p.id });
    assert_eq!(w.outcome(&m_comment), voided);
    assert_eq!(w.outcome(&m_announce), voided);
    let committee = &w.engine.state().committees[&c];
    assert!(!committee.discussion.posts.contains(&m_comment.id));
    assert!(discussion::roots(&committee.discussion, PostKind::Announcement).is_empty());
    assert_replicas_agree(&mut w);
}

#[test]
fn deliberation_kinds_round_trip_and_refuse_bad_text() {
    let c = Hash::of(b"c");
    let x = Hash::of(b"x");
    let bodies = [
        Body::OpenThread {
            committee: c,
            title: "t".into(),
            text: text("line one\nline two"),
        },
        Body::Comment {
            committee: c,
            target: x,
            text: text("c"),
        },
        Body::EditPost {
            committee: c,
            post: x,
            text: text("e"),
        },
        Body::RetractPost {
            committee: c,
            post: x,
        },
        Body::Suggest {
            committee: c,
            proposal: x,
            text: text("s"),
        },
        Body::Revise {
            committee: c,
            proposal: x,
            text: text("r"),
        },
        Body::Announce {
            committee: c,
            text: text("a"),
        },
    ];
    for (i, body) in bodies.iter().enumerate() {
        let (kind, payload) = body.to_wire();
        assert_eq!(kind, 13 + i as u32, "kind numbers follow the old ones");
        assert_eq!(Body::from_wire(kind, &payload).as_ref(), Some(body));
        assert_eq!(check_body(body), Ok(()));
        assert_eq!(body.committee(), Some(c));
    }
    for bad in ["", "  \n ", "escape \u{1b}[2J", &"x".repeat(16 * 1024 + 1)] {
        assert_eq!(
            check_body(&Body::Comment {
                committee: c,
                target: x,
                text: text(bad),
            }),
            Err(StatelessError::BadField("text")),
            "{bad:?}"
        );
    }
}
