//! Wire compatibility with negentropy protocol v1: kenes's reconciler
//! against the `negentropy` crate on the other side, in both roles, over
//! random sets with random overlaps. The difference found must be exact.

use kenes_core::Hash;
use kenes_sync::{Reconciler, SyncIndex};
use negentropy::{Id, Negentropy, NegentropyStorageVector};
use proptest::prelude::*;
use std::collections::BTreeSet;

type Item = (u64, Hash);

fn oracle_storage(items: &[Item]) -> NegentropyStorageVector {
    let mut storage = NegentropyStorageVector::new();
    for (t, id) in items {
        storage.insert(*t, Id::from_byte_array(id.0)).unwrap();
    }
    storage.seal().unwrap();
    storage
}

fn expected(ours: &[Item], theirs: &[Item]) -> (BTreeSet<[u8; 32]>, BTreeSet<[u8; 32]>) {
    let a: BTreeSet<[u8; 32]> = ours.iter().map(|(_, id)| id.0).collect();
    let b: BTreeSet<[u8; 32]> = theirs.iter().map(|(_, id)| id.0).collect();
    (
        a.difference(&b).copied().collect(),
        b.difference(&a).copied().collect(),
    )
}

/// kenes initiates; the negentropy crate responds.
fn kenes_client(
    ours: &[Item],
    theirs: &[Item],
) -> (BTreeSet<[u8; 32]>, BTreeSet<[u8; 32]>, usize, usize) {
    let index = SyncIndex::from_items(ours.to_vec());
    let mut client = Reconciler::new(&index);
    let mut server = Negentropy::owned(oracle_storage(theirs), 0).unwrap();
    let mut message = client.initiate();
    let (mut have, mut need) = (Vec::new(), Vec::new());
    let mut rounds = 0;
    let mut bytes = 0;
    loop {
        rounds += 1;
        assert!(rounds < 50, "reconciliation does not terminate");
        let reply = server.reconcile(&message).unwrap();
        bytes += message.len() + reply.len();
        match client.reconcile(&reply, &mut have, &mut need).unwrap() {
            Some(next) => message = next,
            None => break,
        }
    }
    (
        have.into_iter().collect(),
        need.into_iter().collect(),
        rounds,
        bytes,
    )
}

/// The negentropy crate initiates; kenes responds.
fn kenes_server(ours: &[Item], theirs: &[Item]) -> (BTreeSet<[u8; 32]>, BTreeSet<[u8; 32]>) {
    let index = SyncIndex::from_items(ours.to_vec());
    let mut server = Reconciler::new(&index);
    let mut client = Negentropy::owned(oracle_storage(theirs), 0).unwrap();
    let mut message = client.initiate().unwrap();
    let (mut have, mut need): (Vec<Id>, Vec<Id>) = (Vec::new(), Vec::new());
    for _ in 0..50 {
        let reply = server.respond(&message).unwrap();
        match client
            .reconcile_with_ids(&reply, &mut have, &mut need)
            .unwrap()
        {
            Some(next) => message = next,
            None => {
                // From the oracle client's side: have = theirs only.
                return (
                    need.iter().map(|id| **id).collect(),
                    have.iter().map(|id| **id).collect(),
                );
            }
        }
    }
    panic!("reconciliation does not terminate");
}

fn sets() -> impl Strategy<Value = (Vec<Item>, Vec<Item>)> {
    // A shared core and private parts; timestamps collide often so that id
    // prefixes in bounds matter.
    (
        proptest::collection::vec((0u64..40, any::<[u8; 32]>()), 0..300),
        proptest::collection::vec((0u64..40, any::<[u8; 32]>()), 0..40),
        proptest::collection::vec((0u64..40, any::<[u8; 32]>()), 0..40),
    )
        .prop_map(|(shared, a, b)| {
            let lift = |v: Vec<(u64, [u8; 32])>| {
                v.into_iter()
                    .map(|(t, id)| (t, Hash(id)))
                    .collect::<Vec<_>>()
            };
            let (shared, a, b) = (lift(shared), lift(a), lift(b));
            let mut ours = shared.clone();
            ours.extend(a);
            let mut theirs = shared;
            theirs.extend(b);
            (ours, theirs)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn kenes_initiator_finds_the_exact_difference((ours, theirs) in sets()) {
        let (have, need, _, _) = kenes_client(&ours, &theirs);
        prop_assert_eq!((have, need), expected(&ours, &theirs));
    }

    #[test]
    fn the_first_message_is_byte_for_byte_the_oracle_s((ours, _) in sets()) {
        let index = SyncIndex::from_items(ours.clone());
        let mut storage_items = ours.clone();
        storage_items.sort();
        storage_items.dedup();
        let mut oracle = Negentropy::owned(oracle_storage(&storage_items), 0).unwrap();
        prop_assert_eq!(Reconciler::new(&index).initiate(), oracle.initiate().unwrap());
    }

    #[test]
    fn kenes_responder_serves_a_negentropy_initiator((ours, theirs) in sets()) {
        let (have, need) = kenes_server(&ours, &theirs);
        prop_assert_eq!((have, need), expected(&ours, &theirs));
    }
}

#[test]
fn large_sets_with_few_differences_take_few_rounds() {
    let shared: Vec<Item> = (0..100_000u64)
        .map(|i| (i / 3, Hash::of(&i.to_le_bytes())))
        .collect();
    let mut ours = shared.clone();
    ours.push((77, Hash::of(b"only ours")));
    let mut theirs = shared;
    theirs.push((50_000, Hash::of(b"only theirs")));
    let (have, need, rounds, bytes) = kenes_client(&ours, &theirs);
    assert_eq!((have, need), expected(&ours, &theirs));
    // 100,000 items in buckets of 16: a handful of rounds, not thousands,
    // and kilobytes, not the 3 MB of every id (fingerprints must match).
    assert!(rounds <= 6, "{rounds} rounds");
    assert!(bytes < 32 * 1024, "{bytes} bytes");
}

#[test]
fn sets_converge_with_0_1_1000_and_100000_differences_both_ways() {
    let item = |i: u64| (i / 7, Hash::of(&i.to_le_bytes()));
    let shared: Vec<Item> = (0..20_000u64).map(item).collect();
    for d in [0u64, 1, 1_000, 100_000] {
        // Half the differences on each side (all on one side for d = 1).
        let mut ours = shared.clone();
        let mut theirs = shared.clone();
        for i in 0..d {
            let extra = item(1_000_000 + i);
            if i % 2 == 0 {
                ours.push(extra)
            } else {
                theirs.push(extra)
            }
        }
        let (have, need, _, _) = kenes_client(&ours, &theirs);
        assert_eq!(
            (have, need),
            expected(&ours, &theirs),
            "kenes initiating, d = {d}"
        );
        let (have, need) = kenes_server(&ours, &theirs);
        assert_eq!(
            (have, need),
            expected(&ours, &theirs),
            "kenes responding, d = {d}"
        );
    }
}
