//! First contact over real QUIC on loopback (issue 13): a data directory
//! holding only a key receives the federation from a member's node; a
//! node whose key has no standing in what it sends, or that does not
//! vouch for the candidate, leaves nothing behind.

use kenes_core::{Engine, SecretKey, Verify};
use kenes_store::Store;
use kenes_store::datadir::DataDir;
use kenes_sync::first_contact::{FirstContactError, first_contact, has_staging};
use kenes_sync::net::{self, NetError};
use std::sync::Mutex;

mod common;
use common::{federation, key};

/// What the candidate ends with when `server_key` serves `ops`.
fn contact(
    ops: &[Vec<u8>],
    server_key: SecretKey,
) -> (
    tempfile::TempDir,
    DataDir,
    Result<kenes_core::Hash, FirstContactError>,
) {
    let fed = kenes_core::Op::decode(&ops[0]).unwrap().id;
    let serving_dir = tempfile::tempdir().unwrap();
    let mut store = Store::create_empty(&serving_dir.path().join("f.sqlite"), fed).unwrap();
    store.ingest(ops, Verify::Signatures).unwrap();
    let serving = Mutex::new(store);
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir::new(dir.path().join("candidate"));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let result = runtime.block_on(async {
        let server = net::bind("127.0.0.1:0".parse().unwrap()).await.unwrap();
        let ticket = net::ticket(&server, fed);
        let serve = async {
            let conn = server.accept().await.unwrap().await.unwrap();
            let _ =
                net::serve_connection(&server, conn, &serving, &server_key, net::Limits::default())
                    .await;
        };
        let join = async {
            let client = net::bind("127.0.0.1:0".parse().unwrap()).await.unwrap();
            first_contact(&client, &data, &ticket, &key(3))
                .await
                .map(|joined| joined.store.engine().digest())
        };
        let ((), result) = tokio::join!(serve, join);
        result
    });
    let _ = serving_dir;
    (dir, data, result)
}

#[test]
fn a_vouched_key_receives_the_federation_from_a_members_node() {
    let ops = federation(Some(&key(3)));
    let mut reference = Engine::new(kenes_core::Op::decode(&ops[0]).unwrap().id);
    reference.ingest(&ops, Verify::Signatures);
    let (_dir, data, result) = contact(&ops, key(1));
    assert_eq!(result.unwrap(), reference.digest());
    assert_eq!(data.federations().unwrap(), vec![reference.federation()]);
    assert!(!has_staging(&data));
    // Reopened from disk, it holds every op.
    let store = Store::open(&data.database(&reference.federation())).unwrap();
    assert_eq!(store.engine().len(), ops.len());
}

#[test]
fn a_node_whose_key_has_no_standing_leaves_nothing_behind() {
    // Key 9 holds a true copy of the federation (which vouches for the
    // candidate, so it admits them) but is no member of it.
    let ops = federation(Some(&key(3)));
    let (_dir, data, result) = contact(&ops, key(9));
    assert!(
        matches!(result, Err(FirstContactError::NotAMember)),
        "{:?}",
        result.err()
    );
    assert!(data.federations().unwrap().is_empty());
    assert!(!has_staging(&data));
}

#[test]
fn a_key_nobody_vouched_for_is_refused_and_keeps_nothing() {
    let ops = federation(None);
    let (_dir, data, result) = contact(&ops, key(1));
    assert!(
        matches!(result, Err(FirstContactError::Net(NetError::Refused(_)))),
        "{:?}",
        result.err()
    );
    assert!(data.federations().unwrap().is_empty());
    assert!(!has_staging(&data));
}
