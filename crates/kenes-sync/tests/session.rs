//! Sync sessions on a deterministic in-memory network: two replicas with
//! different histories of one federation end with the same op set and
//! digest, whatever each lacked.

use kenes_core::body::{CommitteeKind, Policy};
use kenes_core::op::genesis;
use kenes_core::rng::SplitMix64;
use kenes_core::{Body, Engine, Verify};
use kenes_sync::session::{Initiator, Message, Responder};

mod common;
use common::key;

/// Runs one session; every message goes through its wire form.
fn sync(a: &mut Engine, b: &mut Engine) -> (usize, usize) {
    let mut initiator = Initiator::new(a);
    let mut responder = Responder::new(b);
    let mut to_b = vec![initiator.start()];
    let mut to_a: Vec<Message> = Vec::new();
    let mut rounds = 0;
    loop {
        rounds += 1;
        assert!(rounds < 100, "session does not end");
        for m in std::mem::take(&mut to_b) {
            let m = Message::decode(&m.encode()).unwrap();
            let out = responder.handle(b, m).unwrap();
            b.ingest(&out.ingest, Verify::Signatures);
            to_a.extend(out.send);
        }
        let mut done = false;
        for m in std::mem::take(&mut to_a) {
            let m = Message::decode(&m.encode()).unwrap();
            let out = initiator.handle(a, m).unwrap();
            a.ingest(&out.ingest, Verify::Signatures);
            to_b.extend(out.send);
            done |= out.done;
        }
        if done {
            return (initiator.sent, initiator.wanted);
        }
    }
}

#[test]
fn two_partitioned_replicas_converge_in_one_session() {
    let g = genesis(&key(1), "federation", 0);
    let mut a = Engine::new(g.id);
    a.ingest(std::slice::from_ref(&g.bytes), Verify::Signatures);
    let c = a.author(
        &key(1),
        Body::CreateCommittee {
            name: "Zhanaozen".into(),
            kind: CommitteeKind::Territorial {
                area: "Kazakhstan/Mangystau/Zhanaozen".into(),
            },
            policy: Policy {
                vouches_required: 1,
                ..Policy::default()
            },
        },
        1,
    );
    a.ingest(std::slice::from_ref(&c.bytes), Verify::Signatures);
    for m in 2..40u8 {
        let v = a.author(
            &key(1),
            Body::Vouch {
                committee: c.id,
                candidate: key(m).public(),
            },
            2,
        );
        a.ingest(std::slice::from_ref(&v.bytes), Verify::Signatures);
        let j = a.author(&key(m), Body::Join { committee: c.id }, 3);
        a.ingest(std::slice::from_ref(&j.bytes), Verify::Signatures);
    }
    // B starts from a copy of A, then each side works alone.
    let mut b = Engine::new(g.id);
    let all: Vec<Vec<u8>> = a.accepted_bytes().map(|b| b.to_vec()).collect();
    b.ingest(&all, Verify::Signatures);
    let mut rng = SplitMix64(7);
    for i in 0..200u64 {
        let who = 2 + rng.below(38) as u8;
        let engine = if i % 2 == 0 { &mut a } else { &mut b };
        let op = engine.author(
            &key(who),
            Body::Profile {
                name: format!("name {i}"),
            },
            10 + i,
        );
        if engine
            .ingest(std::slice::from_ref(&op.bytes), Verify::Signatures)
            .accepted
            .is_empty()
        {
            continue;
        }
    }
    assert_ne!(a.digest(), b.digest());
    let (sent, wanted) = sync(&mut a, &mut b);
    assert!(sent > 0 && wanted > 0);
    assert_eq!(a.len(), b.len());
    assert_eq!(a.digest(), b.digest());
    // A second session finds nothing to do.
    assert_eq!(sync(&mut a, &mut b), (0, 0));
}

#[test]
fn a_fresh_replica_gets_everything_and_garbage_is_refused() {
    let g = genesis(&key(1), "federation", 0);
    let mut a = Engine::new(g.id);
    a.ingest(std::slice::from_ref(&g.bytes), Verify::Signatures);
    for i in 0..3000u64 {
        let op = a.author(
            &key(1),
            Body::Profile {
                name: format!("n{i}"),
            },
            i,
        );
        a.ingest(std::slice::from_ref(&op.bytes), Verify::Signatures);
    }
    let mut fresh = Engine::new(g.id);
    let (_, wanted) = sync(&mut fresh, &mut a);
    assert_eq!(wanted, 3001);
    assert_eq!(fresh.digest(), a.digest());
    assert!(Message::decode(&[0xff, 0xff, 0xff]).is_err());
    let mut responder = Responder::new(&a);
    assert!(
        responder
            .handle(&a, Message::Reconcile(vec![0x61, 0x00]))
            .is_err()
    );
    assert!(responder.handle(&a, Message::Done).is_err());
}

/// Five replicas, seeded: random partitions and heals, concurrent ops on
/// every side; after healing every replica has the same digest.
#[test]
fn five_replicas_with_partitions_converge() {
    for seed in 0..4u64 {
        let mut rng = SplitMix64(seed);
        let g = genesis(&key(1), "federation", 0);
        let mut founder = Engine::new(g.id);
        founder.ingest(std::slice::from_ref(&g.bytes), Verify::Signatures);
        let c = founder.author(
            &key(1),
            Body::CreateCommittee {
                name: "c".into(),
                kind: CommitteeKind::Advisory,
                policy: Policy {
                    vouches_required: 1,
                    ..Policy::default()
                },
            },
            1,
        );
        founder.ingest(std::slice::from_ref(&c.bytes), Verify::Signatures);
        for m in 2..=5u8 {
            let v = founder.author(
                &key(1),
                Body::Vouch {
                    committee: c.id,
                    candidate: key(m).public(),
                },
                2,
            );
            founder.ingest(std::slice::from_ref(&v.bytes), Verify::Signatures);
            let j = founder.author(&key(m), Body::Join { committee: c.id }, 3);
            founder.ingest(std::slice::from_ref(&j.bytes), Verify::Signatures);
        }
        let base: Vec<Vec<u8>> = founder.accepted_bytes().map(|b| b.to_vec()).collect();
        let mut nodes: Vec<Engine> = (0..5)
            .map(|_| {
                let mut e = Engine::new(g.id);
                e.ingest(&base, Verify::Signatures);
                e
            })
            .collect();
        let mut side = [0u8; 5];
        for step in 0..300u64 {
            if step % 40 == 0 {
                // A new partition: each replica on side 0 or 1.
                for s in side.iter_mut() {
                    *s = rng.below(2) as u8;
                }
            }
            let i = rng.below(5);
            if rng.below(3) == 0 {
                let j = rng.below(5);
                if i != j && side[i] == side[j] {
                    let (a, b) = pair_mut(&mut nodes, i, j);
                    sync(a, b);
                }
            } else {
                let who = 1 + i as u8;
                let body = match rng.below(3) {
                    0 => Body::Profile {
                        name: format!("{step}"),
                    },
                    _ => Body::Propose {
                        committee: c.id,
                        kind: kenes_core::body::ProposalKind::Decision,
                        title: format!("q{step}").into(),
                        text: String::new().into(),
                        closes_at: step + 100,
                    },
                };
                let op = nodes[i].author(&key(who), body, step);
                nodes[i].ingest(std::slice::from_ref(&op.bytes), Verify::Signatures);
            }
        }
        // Heal: a ring of sessions, twice round.
        for _ in 0..2 {
            for i in 0..5 {
                let (a, b) = pair_mut(&mut nodes, i, (i + 1) % 5);
                sync(a, b);
            }
        }
        let digest = nodes[0].digest();
        assert!(nodes.iter().all(|n| n.digest() == digest), "seed {seed}");
        assert!(nodes[0].len() > base.len() + 100);
    }
}

fn pair_mut(nodes: &mut [Engine], i: usize, j: usize) -> (&mut Engine, &mut Engine) {
    if i < j {
        let (left, right) = nodes.split_at_mut(j);
        (&mut left[i], &mut right[0])
    } else {
        let (left, right) = nodes.split_at_mut(i);
        (&mut right[0], &mut left[j])
    }
}
