//! The store keeps exactly what the engine accepted, across reopening.

use kenes_core::body::{CommitteeKind, Policy};
use kenes_core::op::genesis;
use kenes_core::{Body, Engine, SecretKey, Verify};
use kenes_store::Store;

fn key(n: u8) -> SecretKey {
    SecretKey::from_bytes([n; 32])
}

#[test]
fn reopening_restores_state_outcomes_and_pending() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fed.sqlite");
    let g = genesis(&key(1), "Kazakhstan", 0);
    let mut author = Engine::new(g.id);
    author.ingest(std::slice::from_ref(&g.bytes), Verify::Signatures);
    let mut ops = vec![];
    let mut act = |author: &mut Engine, who: u8, body: Body| {
        let op = author.author(&key(who), body, 1);
        author.ingest(std::slice::from_ref(&op.bytes), Verify::Signatures);
        ops.push(op.clone());
        op
    };
    let c = act(
        &mut author,
        1,
        Body::CreateCommittee {
            name: "Zhanaozen".into(),
            kind: CommitteeKind::Territorial {
                area: "Kazakhstan/Mangystau/Zhanaozen".into(),
            },
            policy: Policy::default(),
        },
    )
    .id;
    act(
        &mut author,
        1,
        Body::Vouch {
            committee: c,
            candidate: key(2).public(),
        },
    );
    act(&mut author, 2, Body::Join { committee: c });
    act(&mut author, 2, Body::Leave { committee: c });
    act(&mut author, 2, Body::Leave { committee: c }); // rejected: no longer a member

    let mut store = Store::create(&path, &g).unwrap();
    // Everything but the first op after genesis: the rest waits.
    let later: Vec<Vec<u8>> = ops[1..].iter().map(|o| o.bytes.clone()).collect();
    let report = store.ingest(&later, Verify::Signatures).unwrap();
    assert_eq!(report.pending, 4);
    drop(store);

    let mut store = Store::open(&path).unwrap();
    assert_eq!(store.engine().pending_len(), 4);
    let report = store
        .ingest(&[ops[0].bytes.clone()], Verify::Signatures)
        .unwrap();
    assert_eq!(report.accepted.len(), 5);
    assert_eq!(store.engine().digest(), author.digest());
    drop(store);

    let store = Store::open(&path).unwrap();
    assert_eq!(store.engine().pending_len(), 0);
    assert_eq!(store.engine().digest(), author.digest());
    let conn = rusqlite::Connection::open(&path).unwrap();
    let rejected: i64 = conn
        .query_row("SELECT count(*) FROM rejections", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rejected, 1);
    let members: i64 = conn
        .query_row("SELECT count(*) FROM members", [], |r| r.get(0))
        .unwrap();
    assert_eq!(members, 1);
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn a_damaged_database_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fed.sqlite");
    let g = genesis(&key(1), "Kazakhstan", 0);
    let mut store = Store::create(&path, &g).unwrap();
    let op = store
        .engine()
        .author(&key(1), Body::Profile { name: "A".into() }, 1);
    store.ingest(&[op.bytes], Verify::Signatures).unwrap();
    drop(store);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute("UPDATE ops SET bytes = x'00' WHERE ord = 1", [])
        .unwrap();
    drop(conn);
    assert!(matches!(
        Store::open(&path),
        Err(kenes_store::StoreError::Damaged(_))
    ));
}
