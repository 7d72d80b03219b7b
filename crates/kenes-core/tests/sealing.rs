//! Sealing (issue 14) in the fold, with real HPKE and real ciphertext:
//! who reads what after rotations, removals and partitions, and that the
//! key ops converge like every other op.

mod common;

use common::{World, key, members, pass};
use kenes_core::body::{ProposalKind, Text};
use kenes_core::keyring::{self, Keyring, next_key_op};
use kenes_core::seal::EncryptionSecret;
use kenes_core::tally::Choice;
use kenes_core::{Body, Engine, Hash, Op, Outcome, Verify};

fn secret(n: u8) -> EncryptionSecret {
    EncryptionSecret::from_bytes([n.wrapping_add(100); 32])
}

fn keyring_of(engine: &Engine, n: u8) -> Keyring {
    Keyring::open(engine.state(), &key(n).public(), &[secret(n)])
}

/// A replica holding the given ops.
fn replica(federation: Hash, ops: &[Vec<u8>]) -> Engine {
    let mut engine = Engine::new(federation);
    engine.ingest(ops, Verify::Signatures);
    engine
}

/// One side of a partition: its replica and the ops made on it.
struct Side {
    engine: Engine,
    made: Vec<Vec<u8>>,
    clock: u64,
}

impl Side {
    fn of(w: &World) -> Side {
        Side {
            engine: replica(w.engine.federation(), &w.all),
            made: Vec::new(),
            clock: w.clock,
        }
    }

    fn act(&mut self, who: u8, body: Body) -> Op {
        self.clock += 1;
        let op = self.engine.author(&key(who), body, self.clock);
        let report = self
            .engine
            .ingest(std::slice::from_ref(&op.bytes), Verify::Signatures);
        assert_eq!(report.accepted.len(), 1, "{}", op.fields.body.label());
        self.made.push(op.bytes.clone());
        op
    }

    /// Delivers what this side made to `w`.
    fn deliver_to(&mut self, w: &mut World) {
        for op in std::mem::take(&mut self.made) {
            w.deliver(&Op::decode(&op).unwrap());
        }
    }

    /// `who` publishes their encryption key.
    fn publish_key(&mut self, who: u8) -> Op {
        self.act(
            who,
            Body::EncryptionKey {
                key: secret(who).public(),
            },
        )
    }

    /// `who` authors what sealing calls for, as the authoring path does.
    fn upkeep(&mut self, who: u8) -> Vec<Op> {
        let mut made = Vec::new();
        loop {
            let keyring = keyring_of(&self.engine, who);
            let Some(body) = next_key_op(
                self.engine.state(),
                &keyring,
                &key(who).public(),
                &secret(who).public(),
                None,
            ) else {
                return made;
            };
            made.push(self.act(who, body));
        }
    }

    /// `who` proposes, its title and text sealed as the authoring path
    /// seals them.
    fn propose_sealed(&mut self, who: u8, c: Hash, title: &str, text: &str) -> Op {
        let body = Body::Propose {
            committee: c,
            kind: ProposalKind::Decision,
            title: Text::plain(title),
            text: Text::plain(text),
            closes_at: self.clock + 100,
        };
        let sealed =
            keyring_of(&self.engine, who).seal(self.engine.state(), &key(who).public(), body);
        self.act(who, sealed)
    }
}

/// The words of proposal `p` of `c` that member `n` reads on `engine`.
fn reads(engine: &Engine, n: u8, c: Hash, p: &Op) -> Option<String> {
    let record = &engine.state().committees[&c].proposals[&p.id];
    keyring_of(engine, n)
        .read(&record.title, &keyring::proposal_title(c, record.proposer))
        .map(|t| t.into_owned())
}

/// Every op on fresh replicas in several orders: one digest.
fn one_digest(federation: Hash, ops: &[Vec<u8>]) -> Engine {
    let expected = replica(federation, ops);
    for seed in 0..4u64 {
        let mut order = ops.to_vec();
        let mut rng = kenes_core::rng::SplitMix64(seed);
        for i in (1..order.len()).rev() {
            order.swap(i, rng.below(i + 1));
        }
        let mut other = Engine::with_checkpoint_interval(federation, 1 + seed as usize);
        for op in &order {
            other.ingest(std::slice::from_ref(op), Verify::Signatures);
        }
        assert_eq!(other.digest(), expected.digest(), "order {seed}");
    }
    let reference = kenes_core::reference::evaluate(federation, ops);
    assert_eq!(reference.digest(), expected.digest());
    expected
}

/// A committee of `who` with every member's key published and a first
/// epoch sealed to them all.
fn sealed_committee(who: &[u8]) -> (World, Hash) {
    let mut w = World::new();
    let c = w.committee(who[0], "Ozenmunaigas workers", 1);
    members(&mut w, c, &who[1..]);
    let mut side = Side::of(&w);
    for n in who {
        side.publish_key(*n);
    }
    side.upkeep(who[0]);
    for op in std::mem::take(&mut side.made) {
        let op = Op::decode(&op).unwrap();
        w.clock = w.clock.max(op.fields.time);
        assert!(w.deliver(&op).accepted.len() == 1);
    }
    (w, c)
}

#[test]
fn every_member_reads_what_is_sealed_to_the_committee_and_an_outsider_does_not() {
    let (w, c) = sealed_committee(&[1, 2, 3]);
    let mut side = Side::of(&w);
    for n in [1, 2, 3] {
        assert!(side.upkeep(n).is_empty(), "member {n} has nothing to do");
    }
    let p = side.propose_sealed(2, c, "strike on Monday", "all shifts stop at 8");
    let Body::Propose { title, text, .. } = &p.fields.body else {
        unreachable!()
    };
    assert!(title.readable().is_none() && text.readable().is_none());
    assert!(!p.bytes.windows(6).any(|b| b == b"strike"));
    for n in [1, 2, 3] {
        assert_eq!(
            reads(&side.engine, n, c, &p).as_deref(),
            Some("strike on Monday")
        );
    }
    // Member 9 has a key of their own but was never sealed to.
    assert_eq!(reads(&side.engine, 9, c, &p), None);
    assert_eq!(
        Keyring::none().show(&title.clone(), &keyring::proposal_title(c, key(2).public())),
        keyring::SEALED_NOTICE
    );
}

#[test]
fn concurrent_rotations_on_two_sides_of_a_partition_merge_so_every_member_reads_both_sides() {
    let (w, c) = sealed_committee(&[1, 2, 3]);
    let (mut left, mut right) = (Side::of(&w), Side::of(&w));
    // Each side starts a new epoch on its own and seals a proposal to it.
    let rekey = |side: &mut Side, who: u8| {
        let readers = keyring::readers(side.engine.state(), &side.engine.state().committees[&c]);
        let key_ = kenes_core::seal::EpochKey::generate();
        let boxes = readers
            .iter()
            .map(|r| {
                let n = (1..=3u8).find(|n| key(*n).public() == *r).unwrap();
                key_.seal_to(&c, *r, &secret(n).public()).unwrap()
            })
            .collect();
        side.act(
            who,
            Body::Rekey {
                committee: c,
                boxes,
            },
        )
    };
    let left_epoch = rekey(&mut left, 1);
    let right_epoch = rekey(&mut right, 3);
    let on_left = left.propose_sealed(1, c, "left side plan", "meet at the gate");
    let on_right = right.propose_sealed(3, c, "right side plan", "meet at the depot");
    assert_eq!(on_left.fields.body.committee(), Some(c));
    let mut all = w.all.clone();
    all.extend(left.made.iter().cloned());
    all.extend(right.made.iter().cloned());
    let merged = one_digest(w.engine.federation(), &all);
    // Both epochs stay; the one that sorts last is current everywhere.
    let committee = &merged.state().committees[&c];
    assert!(committee.epochs.contains_key(&left_epoch.id));
    assert!(committee.epochs.contains_key(&right_epoch.id));
    let last = left_epoch.order_key().max(right_epoch.order_key());
    assert_eq!(committee.current_epoch().map(|(id, _)| *id), Some(last.1));
    for n in [1, 2, 3] {
        assert_eq!(
            reads(&merged, n, c, &on_left).as_deref(),
            Some("left side plan")
        );
        assert_eq!(
            reads(&merged, n, c, &on_right).as_deref(),
            Some("right side plan")
        );
    }
}

#[test]
fn after_removal_the_removed_member_reads_nothing_of_the_new_epoch_even_when_concurrent() {
    // 4 is removed by 1, 2 and 3 on one side of a partition; on the other,
    // 5, who has not seen the removal, proposes to the epoch 4 still holds.
    let (w, c) = sealed_committee(&[1, 2, 3, 4, 5]);
    let (mut left, mut right) = (Side::of(&w), Side::of(&w));
    let removal = left.act(
        1,
        Body::Propose {
            committee: c,
            kind: ProposalKind::RemoveMember {
                member: key(4).public(),
            },
            title: Text::plain("remove 4"),
            text: Text::plain(""),
            closes_at: left.clock + 10,
        },
    );
    for n in [1, 2, 3] {
        let ballot = left.act(
            n,
            Body::Vote {
                committee: c,
                proposal: removal.id,
                ballot: kenes_core::body::Ballot::Choice(Choice::Yes),
            },
        );
        assert_eq!(
            left.engine.outcome_of(&ballot.id).unwrap(),
            Outcome::Applied
        );
    }
    left.act(
        1,
        Body::Close {
            committee: c,
            proposal: removal.id,
        },
    );
    assert!(
        !left.engine.state().committees[&c]
            .members
            .contains(&key(4).public())
    );
    // The member who closed it sees a reader gone and starts a new epoch,
    // sealed to 1, 2, 3 and 5 only.
    let rotation = left.upkeep(1);
    assert!(
        matches!(rotation.as_slice(), [op] if matches!(&op.fields.body, Body::Rekey { boxes, .. } if boxes.len() == 4))
    );
    let after = left.propose_sealed(2, c, "after the removal", "new plan");
    let concurrent = right.propose_sealed(5, c, "concurrent with the removal", "old epoch");

    let mut all = w.all.clone();
    all.extend(left.made.iter().cloned());
    all.extend(right.made.iter().cloned());
    let merged = one_digest(w.engine.federation(), &all);
    assert_eq!(reads(&merged, 4, c, &after), None);
    assert_eq!(
        reads(&merged, 2, c, &after).as_deref(),
        Some("after the removal")
    );
    assert_eq!(
        reads(&merged, 5, c, &after).as_deref(),
        Some("after the removal")
    );
    // What 5 sealed before seeing the removal went to the epoch 4 held:
    // 4 reads it. Sealing cannot take back a key already handed out.
    assert_eq!(
        reads(&merged, 4, c, &concurrent).as_deref(),
        Some("concurrent with the removal")
    );
    // Once 5 has merged, what 5 seals goes to the new epoch: closed to 4.
    let mut side = Side {
        engine: merged,
        made: Vec::new(),
        clock: left.clock.max(right.clock),
    };
    assert!(
        side.upkeep(5).is_empty(),
        "the new epoch is already current"
    );
    let later = side.propose_sealed(5, c, "after the merge", "closed to 4");
    assert_eq!(reads(&side.engine, 4, c, &later), None);
    assert_eq!(
        reads(&side.engine, 1, c, &later).as_deref(),
        Some("after the merge")
    );
}

#[test]
fn a_new_member_reads_from_a_new_epoch_on_and_not_what_was_sealed_before() {
    let (mut w, c) = sealed_committee(&[1, 2]);
    let mut side = Side::of(&w);
    let before = side.propose_sealed(1, c, "before 3 joined", "old plan");
    side.deliver_to(&mut w);
    members(&mut w, c, &[3]);
    let mut side = Side::of(&w);
    side.publish_key(3);
    // 3 cannot open the current epoch and has no box: any member who sees
    // the join starts a new one, sealed to 3 too.
    assert_eq!(side.upkeep(2).len(), 1);
    assert!(side.upkeep(3).is_empty());
    let after = side.propose_sealed(1, c, "after 3 joined", "new plan");
    assert_eq!(
        reads(&side.engine, 3, c, &after).as_deref(),
        Some("after 3 joined")
    );
    assert_eq!(reads(&side.engine, 3, c, &before), None);
    assert_eq!(
        reads(&side.engine, 2, c, &before).as_deref(),
        Some("before 3 joined")
    );
}

#[test]
fn a_share_names_an_epoch_of_the_committee_and_only_members_may_start_one() {
    let (mut w, c) = sealed_committee(&[1, 2]);
    let boxes = vec![
        kenes_core::seal::EpochKey::generate()
            .seal_to(&c, key(2).public(), &secret(2).public())
            .unwrap(),
    ];
    let share = w.act(
        1,
        Body::ShareEpoch {
            committee: c,
            epoch: Hash::of(b"no such epoch"),
            boxes: boxes.clone(),
        },
    );
    assert_eq!(
        w.outcome(&share),
        Outcome::Rejected(kenes_core::RejectReason::NoSuchEpoch)
    );
    let another = w.committee(1, "another", 1);
    members(&mut w, another, &[7]);
    let outsider = w.act(
        7,
        Body::Rekey {
            committee: c,
            boxes,
        },
    );
    assert_eq!(
        w.outcome(&outsider),
        Outcome::Rejected(kenes_core::RejectReason::NotMember)
    );
    common::assert_replicas_agree(&mut w);
}

/// The words member `n` reads of the text of op `op` (a post, edit or
/// revision) on `engine`.
fn reads_post(engine: &Engine, n: u8, op: &Op) -> Option<String> {
    let (text, slot) = keyring::post_text_of(&op.fields.body, op.fields.author)?;
    keyring_of(engine, n)
        .read(text, &slot)
        .map(|t| t.into_owned())
}

#[test]
fn discussion_texts_and_thread_titles_are_sealed_to_the_committee_by_the_authoring_rule() {
    let (w, c) = sealed_committee(&[1, 2, 3]);
    let mut side = Side::of(&w);
    let seal = |side: &Side, who: u8, body: Body| {
        keyring_of(&side.engine, who).seal(side.engine.state(), &key(who).public(), body)
    };
    let body = seal(
        &side,
        2,
        Body::OpenThread {
            committee: c,
            title: Text::plain("night shift plan"),
            text: Text::plain("who brings the banner"),
        },
    );
    let thread = side.act(2, body);
    let Body::OpenThread { title, text, .. } = &thread.fields.body else {
        unreachable!()
    };
    assert!(title.sealed().is_some() && text.sealed().is_some());
    assert_eq!(
        thread.fields.body.to_wire().0,
        kenes_core::body::kind::OPEN_THREAD_SEALED,
        "a sealed thread takes the sealed twin kind"
    );
    assert!(
        !thread
            .bytes
            .windows(5)
            .any(|b| b == b"night" || b == b"banne")
    );
    // Comments, suggestions, edits and announcements the same way.
    let comment = seal(
        &side,
        3,
        Body::Comment {
            committee: c,
            target: thread.id,
            text: Text::plain("I bring it"),
        },
    );
    let comment = side.act(3, comment);
    let edit = seal(
        &side,
        3,
        Body::EditPost {
            committee: c,
            post: comment.id,
            text: Text::plain("I bring two"),
        },
    );
    let edit = side.act(3, edit);
    let announce = seal(
        &side,
        1,
        Body::Announce {
            committee: c,
            text: Text::plain("police at gate 4"),
        },
    );
    let announce = side.act(1, announce);
    for (op, words) in [
        (&thread, "who brings the banner"),
        (&comment, "I bring it"),
        (&edit, "I bring two"),
        (&announce, "police at gate 4"),
    ] {
        let (text, _) = keyring::post_text_of(&op.fields.body, op.fields.author).unwrap();
        assert!(text.sealed().is_some(), "{}", op.fields.body.label());
        for n in [1, 2, 3] {
            assert_eq!(reads_post(&side.engine, n, op).as_deref(), Some(words));
        }
        assert_eq!(reads_post(&side.engine, 9, op), None);
    }
    let title_slot = keyring::thread_title(c, key(2).public());
    assert_eq!(
        keyring_of(&side.engine, 1)
            .read(title, &title_slot)
            .as_deref(),
        Some("night shift plan")
    );
    assert_eq!(keyring_of(&side.engine, 9).read(title, &title_slot), None);
    // The title's ciphertext cannot pass for the text: slots differ.
    let moved = Text::Sealed(title.sealed().unwrap().clone());
    assert_eq!(
        keyring_of(&side.engine, 1).read(&moved, &keyring::post_text(c, key(2).public())),
        None
    );
    // Every replica folds the sealed posts alike, in any order.
    let mut all = w.all.clone();
    all.extend(side.made.iter().cloned());
    let merged = one_digest(w.engine.federation(), &all);
    assert_eq!(merged.state().committees[&c].discussion.posts.len(), 3);
}

#[test]
fn discussion_stays_clear_in_a_committee_with_a_reader_who_published_no_key() {
    let mut w = World::new();
    let c = w.committee(1, "Zhanaozen residents", 1);
    members(&mut w, c, &[2]);
    let mut side = Side::of(&w);
    // Member 1 publishes a key and keeps up; member 2 never does.
    side.publish_key(1);
    side.upkeep(1);
    let body = keyring_of(&side.engine, 1).seal(
        side.engine.state(),
        &key(1).public(),
        Body::OpenThread {
            committee: c,
            title: Text::plain("rally point"),
            text: Text::plain("the square"),
        },
    );
    let Body::OpenThread { title, text, .. } = &body else {
        unreachable!()
    };
    assert_eq!(title.readable(), Some("rally point"));
    assert_eq!(text.readable(), Some("the square"));
}

#[test]
fn a_report_marked_committee_only_seals_its_text_and_leaves_its_figures_to_everyone() {
    let (w, c) = sealed_committee(&[1, 2, 3]);
    let mut side = Side::of(&w);
    let body = keyring_of(&side.engine, 2)
        .seal_report(
            side.engine.state(),
            &key(2).public(),
            common::report(c, "40 drivers at gate 4, police nearby"),
        )
        .expect("every reader holds the epoch");
    let report = side.act(2, body);
    assert_eq!(
        report.fields.body.to_wire().0,
        kenes_core::body::kind::REPORT_SEALED
    );
    assert!(!report.bytes.windows(7).any(|b| b == b"drivers"));
    let record = side.engine.state().committees[&c].reports[&report.id].clone();
    assert!(record.committee_only());
    // Figures stay clear: the fold and the situation count them.
    assert_eq!(record.participants, 100);
    assert_eq!(record.area, "Kazakhstan/Mangystau/Zhanaozen");
    let situation =
        kenes_core::platform::situation(side.engine.state(), kenes_core::platform::Grouping::Area);
    assert!(
        situation
            .iter()
            .any(|r| r.participants == 100 && r.active_strikes == 1),
        "{situation:?}"
    );
    let said = &record.history[0];
    let slot = keyring::report_text(c, said.author);
    for n in [1, 2, 3] {
        assert_eq!(
            keyring_of(&side.engine, n)
                .read(&said.text, &slot)
                .as_deref(),
            Some("40 drivers at gate 4, police nearby")
        );
    }
    assert_eq!(keyring_of(&side.engine, 9).read(&said.text, &slot), None);
    // An update of it is sealed too, whoever writes it.
    let update = Body::UpdateReport {
        committee: c,
        report: report.id,
        status: kenes_core::body::ReportStatus::Ended,
        participants: 120,
        text: Text::plain("dispersed at 6"),
    };
    assert!(keyring::updates_committee_only_report(
        side.engine.state(),
        &update
    ));
    let update = keyring_of(&side.engine, 3)
        .seal_report(side.engine.state(), &key(3).public(), update)
        .unwrap();
    side.act(3, update);
    let record = &side.engine.state().committees[&c].reports[&report.id];
    assert_eq!(record.participants, 120);
    let said = &record.history[1];
    assert_eq!(
        keyring_of(&side.engine, 1)
            .read(&said.text, &keyring::report_text(c, key(3).public()))
            .as_deref(),
        Some("dispersed at 6")
    );
    // A clear report is no one's to seal by default.
    let clear = keyring_of(&side.engine, 1).seal(
        side.engine.state(),
        &key(1).public(),
        common::report(c, "rally at the square"),
    );
    let Body::Report { text, .. } = &clear else {
        unreachable!()
    };
    assert_eq!(text.readable(), Some("rally at the square"));
    let mut all = w.all.clone();
    all.extend(side.made.iter().cloned());
    one_digest(w.engine.federation(), &all);
}

#[test]
fn a_committee_only_report_cannot_be_sealed_where_a_reader_published_no_key() {
    let mut w = World::new();
    let c = w.committee(1, "Zhanaozen residents", 1);
    members(&mut w, c, &[2]);
    let mut side = Side::of(&w);
    side.publish_key(1);
    side.upkeep(1);
    assert!(
        keyring_of(&side.engine, 1)
            .seal_report(
                side.engine.state(),
                &key(1).public(),
                common::report(c, "for the committee"),
            )
            .is_none()
    );
}

/// An attacker's review found this: a member who publishes a small-order
/// X25519 key looks keyed but can hold no box (HPKE refuses the all-zero
/// shared secret), so every committee they are in would write clear. Such
/// a key is rejected on every replica: the op is kept (builds before the
/// rule stored it, and dropping it would leave their stores unable to
/// load, and their ops' descendants pending forever) but has no effect.
#[test]
fn a_small_order_encryption_key_is_rejected_so_nobody_can_switch_sealing_off() {
    use kenes_core::seal::EncryptionKey;
    let mut w = World::new();
    // u = 0 (order 2), u = 1 (order 4), and u = p + 1 (1 again, not reduced).
    let mut order_four = [0u8; 32];
    order_four[0] = 1;
    let mut unreduced_one = [0xff; 32];
    unreduced_one[0] = 0xee;
    unreduced_one[31] = 0x7f;
    for low in [[0u8; 32], order_four, unreduced_one] {
        assert!(EncryptionKey(low).is_small_order());
        w.clock += 1;
        let op = w.engine.author(
            &key(1),
            Body::EncryptionKey {
                key: EncryptionKey(low),
            },
            w.clock,
        );
        let report = w.deliver(&op);
        assert_eq!(report.accepted.len(), 1, "{low:?}");
        assert_eq!(
            w.outcome(&op),
            Outcome::Rejected(kenes_core::RejectReason::SmallOrderEncryptionKey)
        );
    }
    assert!(!secret(1).public().is_small_order());
    assert!(w.engine.state().encryption_keys.is_empty());
    w.check_reference();
    // A usable key is published as before.
    w.act(
        1,
        Body::EncryptionKey {
            key: secret(1).public(),
        },
    );
    assert_eq!(w.engine.state().encryption_keys.len(), 1);
    w.check_reference();
}

impl Side {
    /// `who` publishes their display name as the authoring path does:
    /// the epochs first, then the profile, if anything is out of date.
    fn keep_name_up(&mut self, who: u8, name: &str) -> Option<Op> {
        self.upkeep(who);
        let keyring = keyring_of(&self.engine, who);
        let body =
            keyring::next_profile_op(self.engine.state(), &keyring, &key(who).public(), name)?;
        Some(self.act(who, body))
    }
}

/// The display name of `whose` as member `reader` reads it on `engine`.
fn name_read(engine: &Engine, reader: u8, whose: u8) -> Option<String> {
    keyring_of(engine, reader)
        .name(engine.state(), &key(whose).public())
        .map(|n| n.into_owned())
}

#[test]
fn a_display_name_is_sealed_to_its_members_committees_and_only_those_who_share_one_read_it() {
    let (mut w, b) = sealed_committee(&[1, 2]);
    // Member 3 is in another committee with 1: they share one with 1 and
    // none with 2.
    let a = w.committee(1, "Zhanaozen residents", 1);
    members(&mut w, a, &[3]);
    let mut side = Side::of(&w);
    side.publish_key(3);
    let named = side
        .keep_name_up(2, "Nurlan of B")
        .expect("2 names themselves");
    let Body::SealedProfile { names } = &named.fields.body else {
        panic!("a sealed profile: {:?}", named.fields.body.label())
    };
    assert_eq!(
        names.iter().map(|n| n.committee).collect::<Vec<_>>(),
        vec![b]
    );
    assert!(!named.bytes.windows(6).any(|w| w == b"Nurlan"));
    side.keep_name_up(3, "Saule of A")
        .expect("3 names themselves");
    let founder = side.keep_name_up(1, "Aigerim").expect("1 names themselves");
    let Body::SealedProfile { names } = &founder.fields.body else {
        unreachable!()
    };
    assert_eq!(names.len(), 2, "sealed to both of the founder's committees");
    let e = &side.engine;
    assert_eq!(name_read(e, 1, 2).as_deref(), Some("Nurlan of B"));
    assert_eq!(name_read(e, 2, 2).as_deref(), Some("Nurlan of B"));
    assert_eq!(name_read(e, 3, 2), None, "3 shares no committee with 2");
    assert_eq!(name_read(e, 2, 3), None, "nor 2 with 3");
    assert_eq!(name_read(e, 1, 3).as_deref(), Some("Saule of A"));
    assert_eq!(name_read(e, 2, 1).as_deref(), Some("Aigerim"));
    assert_eq!(name_read(e, 3, 1).as_deref(), Some("Aigerim"));
    assert_eq!(Keyring::none().name(e.state(), &key(2).public()), None);
    // Up to date: nothing more to author, for anyone.
    for (n, name) in [(1, "Aigerim"), (2, "Nurlan of B"), (3, "Saule of A")] {
        assert!(side.keep_name_up(n, name).is_none(), "{n}");
    }
    // A rename is sealed again; replicas in any order agree.
    side.keep_name_up(2, "Nurlan").expect("a new name");
    assert_eq!(name_read(&side.engine, 1, 2).as_deref(), Some("Nurlan"));
    let mut all = w.all.clone();
    all.extend(side.made.iter().cloned());
    one_digest(w.engine.federation(), &all);
}

#[test]
fn a_new_member_reads_each_name_once_its_owner_acts_after_the_join() {
    let (w, c) = sealed_committee(&[1, 2]);
    let mut side = Side::of(&w);
    side.keep_name_up(1, "Aigerim");
    side.keep_name_up(2, "Nurlan");
    let mut w = w;
    side.deliver_to(&mut w);
    members(&mut w, c, &[3]);
    let mut side = Side::of(&w);
    side.publish_key(3);
    // 3's first act as a member starts an epoch they hold and names them.
    let named = side.keep_name_up(3, "Saule").expect("3 names themselves");
    assert!(matches!(named.fields.body, Body::SealedProfile { .. }));
    assert_eq!(name_read(&side.engine, 1, 3).as_deref(), Some("Saule"));
    // 1's name is sealed to an epoch from before 3 joined: closed to 3
    // until 1 acts again, and then re-sealed without being asked.
    assert_eq!(name_read(&side.engine, 3, 1), None);
    side.keep_name_up(1, "Aigerim")
        .expect("1 re-seals for the new member");
    assert_eq!(name_read(&side.engine, 3, 1).as_deref(), Some("Aigerim"));
}

#[test]
fn a_candidate_or_a_member_of_a_committee_that_cannot_seal_publishes_no_name() {
    let (mut w, c) = sealed_committee(&[1, 2]);
    // 4 is vouched for, in no committee yet: nobody to seal a name to.
    w.act(
        1,
        Body::Vouch {
            committee: c,
            candidate: key(4).public(),
        },
    );
    let mut side = Side::of(&w);
    side.publish_key(4);
    assert!(side.keep_name_up(4, "Candidate").is_none());
    // 1 founds a committee with 6, who never published a key: it cannot
    // seal, so neither does a name go out clear.
    let mut w2 = World::new();
    let d = w2.committee(1, "Old builds", 1);
    members(&mut w2, d, &[6]);
    let mut side = Side::of(&w2);
    side.publish_key(1);
    assert!(side.keep_name_up(1, "One").is_none());
    assert!(!side.engine.state().profiles.contains_key(&key(1).public()));
}

#[test]
fn a_sealed_name_that_opens_to_control_characters_is_shown_as_no_name() {
    let (w, c) = sealed_committee(&[1, 2]);
    let mut side = Side::of(&w);
    // Member 2 seals a name by hand that no clear profile could carry (a
    // line break, to forge a line in a terminal listing).
    let state = side.engine.state();
    let (epoch, _) = state.committees[&c].current_epoch().unwrap();
    let epoch_key = keyring_of(&side.engine, 2)
        .epoch_key(&c, epoch)
        .unwrap()
        .clone();
    let sealed = kenes_core::seal::SealedText::seal(
        &epoch_key,
        *epoch,
        &keyring::display_name(c, key(2).public()),
        &keyring::padded_name("Nurlan\nforked-member 1"),
    );
    side.act(
        2,
        Body::SealedProfile {
            names: vec![kenes_core::body::SealedName {
                committee: c,
                name: sealed,
            }],
        },
    );
    assert_eq!(name_read(&side.engine, 1, 2), None);
}

#[test]
fn a_sealed_profile_out_of_order_duplicated_or_oversized_is_dropped() {
    let (w, c) = sealed_committee(&[1, 2]);
    let side = Side::of(&w);
    let state = side.engine.state();
    let (epoch, _) = state.committees[&c].current_epoch().unwrap();
    let epoch_key = keyring_of(&side.engine, 2)
        .epoch_key(&c, epoch)
        .unwrap()
        .clone();
    let seal = |committee: Hash, words: &str| kenes_core::body::SealedName {
        committee,
        name: kenes_core::seal::SealedText::seal(
            &epoch_key,
            *epoch,
            &keyring::display_name(committee, key(2).public()),
            &keyring::padded_name(words),
        ),
    };
    let other = Hash([0xff; 32]);
    for names in [
        vec![],
        vec![seal(c, "Nurlan"), seal(c, "Nurlan")],
        vec![seal(other, "Nurlan"), seal(c, "Nurlan")],
        vec![seal(
            c,
            &"n".repeat(kenes_core::validate::MAX_PADDED_NAME + 1),
        )],
        // Not padded: its size would give the name's length away.
        vec![kenes_core::body::SealedName {
            committee: c,
            name: kenes_core::seal::SealedText::seal(
                &epoch_key,
                *epoch,
                &keyring::display_name(c, key(2).public()),
                "Nurlan",
            ),
        }],
    ] {
        let body = Body::SealedProfile { names };
        assert!(kenes_core::validate::check_body(&body).is_err());
    }
    assert!(c < other);
    assert!(
        kenes_core::validate::check_body(&Body::SealedProfile {
            names: vec![seal(c, "Nurlan"), seal(other, "Nurlan")],
        })
        .is_ok()
    );
}

#[test]
fn a_council_seals_to_its_seated_delegates_and_a_seat_that_ends_rotates() {
    let mut w = World::new();
    let a = w.committee(1, "Ozenmunaigas workers", 1);
    members(&mut w, a, &[2, 3, 4]);
    let k = common::council(&mut w, "Mangystau council", "Kazakhstan/Mangystau");
    pass(
        &mut w,
        a,
        1,
        &[1, 2, 3],
        ProposalKind::Affiliate { council: k },
    );
    pass(
        &mut w,
        k,
        1,
        &[1],
        ProposalKind::AcceptAffiliation { committee: a },
    );
    let election = common::propose(
        &mut w,
        1,
        a,
        ProposalKind::Election {
            council: k,
            seats: 2,
            candidates: vec![key(2).public(), key(3).public()],
        },
        1_000,
    );
    for who in [1, 2, 3, 4] {
        let ranking = vec![key(2).public(), key(3).public()];
        w.act(
            who,
            Body::Vote {
                committee: a,
                proposal: election.id,
                ballot: kenes_core::body::Ballot::Ranking(ranking),
            },
        );
    }
    w.act(
        1,
        Body::Close {
            committee: a,
            proposal: election.id,
        },
    );
    let mut side = Side::of(&w);
    for n in [1, 2, 3, 4] {
        side.publish_key(n);
    }
    let seated: Vec<_> = side.engine.state().committees[&k].seats[&a]
        .iter()
        .copied()
        .collect();
    assert_eq!(seated.len(), 2, "two delegates seated");
    // The council's readers are its seated delegates: its first epoch is
    // sealed to them, not to the convenor or the other members.
    assert_eq!(
        side.upkeep(2)
            .iter()
            .filter(|op| matches!(op.fields.body, Body::Rekey { .. }))
            .count(),
        2,
        "A's and the council's first epochs"
    );
    let before = side.propose_sealed(2, k, "council before the recall", "");
    let delegates: Vec<u8> = [2, 3]
        .into_iter()
        .filter(|n| seated.contains(&key(*n).public()))
        .collect();
    for n in &delegates {
        assert_eq!(
            reads(&side.engine, *n, k, &before).as_deref(),
            Some("council before the recall")
        );
    }
    assert_eq!(
        reads(&side.engine, 4, k, &before),
        None,
        "a member of A without a seat"
    );
    // A recalls delegate 3: their seat ends, and the next delegate to seal
    // starts a new epoch closed to them.
    side.deliver_to(&mut w);
    pass(
        &mut w,
        a,
        1,
        &[1, 2, 4],
        ProposalKind::Recall {
            council: k,
            delegate: key(3).public(),
        },
    );
    assert!(!w.engine.state().committees[&k].seats[&a].contains(&key(3).public()));
    let mut side = Side::of(&w);
    let rotated = side.upkeep(2);
    let Some(Body::Rekey { boxes, .. }) = rotated
        .iter()
        .map(|op| &op.fields.body)
        .find(|b| matches!(b, Body::Rekey { committee, .. } if *committee == k))
    else {
        panic!("the council rotates after a seat ends")
    };
    assert!(boxes.iter().all(|b| b.member != key(3).public()));
    let after = side.propose_sealed(2, k, "council after the recall", "");
    assert_eq!(
        reads(&side.engine, 2, k, &after).as_deref(),
        Some("council after the recall")
    );
    assert_eq!(
        reads(&side.engine, 3, k, &after),
        None,
        "the recalled delegate"
    );
    let mut all = w.all.clone();
    all.extend(side.made.iter().cloned());
    one_digest(w.engine.federation(), &all);
}
