//! Sync sessions on a deterministic in-memory network: two replicas with
//! different histories of one federation end with the same op set and
//! digest, whatever each lacked.

use kenes_core::body::{CommitteeKind, Policy};
use kenes_core::op::genesis;
use kenes_core::rng::SplitMix64;
use kenes_core::{Body, Engine, SecretKey, Verify};
use kenes_sync::session::{Initiator, Message, Responder};

fn key(n: u8) -> SecretKey {
    SecretKey::from_bytes([n; 32])
}

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
    let all: Vec<Vec<u8>> = a.entries().iter().map(|e| e.op.bytes.clone()).collect();
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
