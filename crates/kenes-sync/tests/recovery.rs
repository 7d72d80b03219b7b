//! A panic while a thread holds the node's store (a bug, an archived op
//! that could not be read) must neither leave every later session and page
//! failing on the poisoned lock nor let anyone read what the panicking
//! write half did: the next user finds the database's last commit.

use kenes_core::Verify;
use kenes_store::{Store, StoreError};
use kenes_sync::net;
use std::sync::Mutex;

mod common;
use common::{federation, key};

#[test]
fn a_panic_in_a_write_leaves_the_next_user_the_last_commit() {
    // Genesis, a committee, and a vouch for key 2.
    let ops = federation(Some(&key(2)));
    let fed = kenes_core::Op::decode(&ops[0]).unwrap().id;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.sqlite");
    let mut store = Store::create_empty(&path, fed).unwrap();
    store.ingest(&ops[..2], Verify::Signatures).unwrap();
    let committed = store.engine().digest();
    let replica = Mutex::new(store);

    let panicked = std::thread::scope(|s| {
        s.spawn(|| {
            let mut store = replica.lock().unwrap();
            let _ = store.locked(|s| -> Result<(), StoreError> {
                s.ingest(&ops[2..], Verify::Signatures)?;
                panic!("a bug in the middle of a write");
            });
        })
        .join()
    });
    assert!(panicked.is_err());
    assert!(replica.is_poisoned());

    let store = net::lock_replica(&replica).unwrap();
    assert_eq!(store.engine().len(), 2);
    assert_eq!(store.engine().digest(), committed);
    drop(store);
    assert!(!replica.is_poisoned());

    // The next write goes through, and the database holds it.
    net::lock_replica(&replica)
        .unwrap()
        .ingest(&ops[2..], Verify::Signatures)
        .unwrap();
    drop(replica);
    assert_eq!(Store::open(&path).unwrap().engine().len(), 3);
}
