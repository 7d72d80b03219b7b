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
    let (g, mut author, mut ops) = small_federation();
    let c = ops[0].id;
    // Leaves, then leaves again: rejected, no longer a member.
    for _ in 0..2 {
        let op = author.author(&key(2), Body::Leave { committee: c }, 1);
        author.ingest(std::slice::from_ref(&op.bytes), Verify::Signatures);
        ops.push(op);
    }

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

/// The upgrade trap: a build before the small-order rule for encryption
/// keys accepted and stored such an op, and the member went on acting.
/// This build rejects the op instead of dropping it, so the store opens,
/// and keeps both ops: the key has no effect, what followed it does.
#[test]
fn a_store_holding_a_small_order_encryption_key_from_an_older_build_opens() {
    use kenes_core::seal::EncryptionKey;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fed.sqlite");
    let (g, mut author, ops) = small_federation();
    let c = ops[0].id;
    let mut store = Store::create(&path, &g).unwrap();
    let bytes: Vec<Vec<u8>> = ops.iter().map(|o| o.bytes.clone()).collect();
    store.ingest(&bytes, Verify::Signatures).unwrap();
    drop(store);
    let bad_key = author.author(
        &key(2),
        Body::EncryptionKey {
            key: EncryptionKey([0; 32]),
        },
        2,
    );
    author.ingest(std::slice::from_ref(&bad_key.bytes), Verify::Signatures);
    let after = author.author(&key(2), Body::Leave { committee: c }, 3);
    author.ingest(std::slice::from_ref(&after.bytes), Verify::Signatures);
    // Written as the older build wrote them: accepted, applied.
    let conn = rusqlite::Connection::open(&path).unwrap();
    for op in [&bad_key, &after] {
        conn.execute(
            "INSERT INTO ops (ord, id, author, seq, lamport, time, kind, outcome, bytes)
             VALUES ((SELECT max(ord) + 1 FROM ops), ?1, ?2, ?3, ?4, ?5, ?6, 'applied', ?7)",
            rusqlite::params![
                op.id.0.to_vec(),
                op.fields.author.0.to_vec(),
                op.fields.seq as i64,
                op.fields.lamport as i64,
                op.fields.time as i64,
                op.fields.body.label(),
                op.bytes,
            ],
        )
        .unwrap();
    }
    drop(conn);

    let store = Store::open(&path).unwrap();
    let engine = store.engine();
    assert_eq!(
        engine.outcome_of(&bad_key.id),
        Some(kenes_core::Outcome::Rejected(
            kenes_core::RejectReason::SmallOrderEncryptionKey
        ))
    );
    assert!(engine.outcome_of(&after.id).is_some_and(|o| o.is_applied()));
    assert!(engine.state().encryption_keys.is_empty());
    assert!(
        !engine.state().committees[&c]
            .members
            .contains(&key(2).public())
    );
    assert_eq!(engine.digest(), author.digest());
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

/// Issue 12: two handles on one database (two processes, say `kenes serve`
/// and a command) author in turn; each loads what the other committed
/// under the write lock first, so neither collides with the other's
/// ordinals nor thinks itself behind the key file.
#[test]
fn two_handles_on_one_database_author_in_turn() {
    use kenes_store::author::author;
    use kenes_store::keyfile::KeyFile;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fed.sqlite");
    let key_path = dir.path().join("key.json");
    let me = key(1);
    KeyFile::new(&me, "Aigerim", None)
        .unwrap()
        .save(&key_path)
        .unwrap();
    let g = genesis(&me, "Kazakhstan", 0);
    let mut first = Store::create(&path, &g).unwrap();
    let mut second = Store::open(&path).unwrap();
    for i in 0..6 {
        let store = if i % 2 == 0 { &mut first } else { &mut second };
        author(
            store,
            &key_path,
            &me,
            Body::Profile {
                name: format!("name {i}"),
            },
            i,
        )
        .unwrap();
    }
    drop((first, second));
    let store = Store::open(&path).unwrap();
    assert_eq!(store.engine().len(), 7);
    assert!(store.engine().state().forks.is_empty());
}

/// Issue 12: a database is created whole; a temporary file left by a
/// killed creation is neither listed nor in the way.
#[test]
fn creation_is_atomic_and_leftovers_are_ignored() {
    use kenes_store::StoreError;
    let dir = tempfile::tempdir().unwrap();
    let g = genesis(&key(1), "Kazakhstan", 0);
    let data = kenes_store::datadir::DataDir::new(dir.path());
    let path = data.database(&g.id);
    std::fs::create_dir_all(data.federations_dir()).unwrap();
    let leftover = data
        .federations_dir()
        .join(format!(".{}.sqlite.creating-999999999-1", g.id));
    std::fs::write(&leftover, b"half a database").unwrap();
    assert!(data.federations().unwrap().is_empty());
    // A bad initial op leaves nothing.
    let bad = genesis(&key(2), "elsewhere", 0);
    assert!(Store::create_with(&path, g.id, &[bad.bytes.as_slice()]).is_err());
    assert!(!path.exists());
    let store = Store::create(&path, &g).unwrap();
    assert_eq!(store.engine().len(), 1);
    assert!(!leftover.exists(), "the dead process's file is cleared");
    assert!(matches!(
        Store::create(&path, &g),
        Err(StoreError::Exists(_))
    ));
    assert_eq!(data.federations().unwrap(), vec![g.id]);
}

/// Once committed, an op's bytes live in the database only: the engine
/// reads them back from there, and they are the bytes that were stored,
/// in a writing store and in one opened again.
#[test]
fn committed_ops_are_read_back_from_the_database() {
    let (_dir, path, store, author) = stored_small_federation();
    let sent: Vec<Vec<u8>> = author.accepted_bytes().map(|b| b.to_vec()).collect();
    for store in [store, Store::open(&path).unwrap()] {
        let engine = store.engine();
        assert_eq!(engine.archived() as usize, engine.len(), "all archived");
        let reads = engine.stats().archive_reads;
        let read: Vec<Vec<u8>> = engine.accepted_bytes().map(|b| b.to_vec()).collect();
        assert_eq!(read, sent);
        assert_eq!(
            engine.stats().archive_reads - reads,
            engine.len() as u64,
            "each read back from the database"
        );
        assert_eq!(engine.digest(), author.digest());
    }
}

/// A late op (from a member cut off meanwhile) rewinds its committee in a
/// reopened store, whose ops' bytes are archived: the rewind reads them
/// back from the database, many to a request, to the state of an engine
/// that kept them.
#[test]
fn a_late_op_rewinds_a_reopened_store_from_its_archived_ops() {
    let (_dir, path, mut store, mut author) = stored_small_federation();
    let so_far: Vec<Vec<u8>> = author.accepted_bytes().map(|b| b.to_vec()).collect();
    let mut cut_off = Engine::new(author.federation());
    cut_off.ingest(&so_far, Verify::Signatures);
    let c = *author.state().committees.keys().next().unwrap();
    let demand = |n: usize| Body::Demand {
        committee: c,
        category: kenes_core::body::DemandCategory::Wages,
        title: format!("Demand {n}"),
        text: "Pay what was promised".into(),
    };
    let mut more = Vec::new();
    for n in 0..150 {
        let op = author.author(&key(1), demand(n), 2);
        author.ingest(std::slice::from_ref(&op.bytes), Verify::Signatures);
        more.push(op.bytes);
    }
    store.ingest(&more, Verify::Signatures).unwrap();
    drop(store);
    let mut store = Store::open(&path).unwrap();
    let late = cut_off.author(&key(2), demand(999), 3);
    author.ingest(std::slice::from_ref(&late.bytes), Verify::Signatures);
    let before = store.engine().stats();
    let report = store.ingest(&[late.bytes], Verify::Signatures).unwrap();
    assert_eq!(report.accepted.len(), 1);
    let after = store.engine().stats();
    assert!(after.rewinds > before.rewinds, "the late op rewinds");
    assert!(
        after.archive_reads - before.archive_reads >= 150,
        "the rewind read the committee's ops back"
    );
    assert_eq!(store.engine().digest(), author.digest());
}

/// Builds before 2026-11-30 could leave a gap in the rows' `ord`. Such a
/// store still opens and reads every op right: the bytes of the ops from
/// the gap on stay in memory, since their rows are not at their ordinals.
#[test]
fn a_store_with_a_gap_in_its_ordinals_keeps_the_bytes_from_the_gap_on() {
    let (_dir, path, store, author) = stored_small_federation();
    drop(store);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "UPDATE ops SET ord = ord + 1000000 WHERE ord >= 3;
         UPDATE ops SET ord = ord - 1000000 + 2 WHERE ord >= 1000000;",
    )
    .unwrap();
    drop(conn);
    let store = Store::open(&path).unwrap();
    let engine = store.engine();
    assert_eq!(engine.archived(), 3, "archived up to the gap");
    let read: Vec<Vec<u8>> = engine.accepted_bytes().map(|b| b.to_vec()).collect();
    let sent: Vec<Vec<u8>> = author.accepted_bytes().map(|b| b.to_vec()).collect();
    assert_eq!(read, sent);
    assert_eq!(engine.digest(), author.digest());
}

/// A store in a fresh directory holding [`small_federation`]'s ops, and
/// the engine that authored them.
fn stored_small_federation() -> (tempfile::TempDir, std::path::PathBuf, Store, Engine) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fed.sqlite");
    let (g, author, ops) = small_federation();
    let mut store = Store::create(&path, &g).unwrap();
    let bytes: Vec<Vec<u8>> = ops.iter().map(|o| o.bytes.clone()).collect();
    store.ingest(&bytes, Verify::Signatures).unwrap();
    (dir, path, store, author)
}

/// A federation of one committee with a member who joined, authored in
/// `author`, and the ops in the order they were made.
fn small_federation() -> (kenes_core::Op, Engine, Vec<kenes_core::Op>) {
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
    (g, author, ops)
}

#[test]
fn a_read_view_comes_from_the_snapshot_only_while_it_matches_the_ops() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fed.sqlite");
    let (g, mut author, ops) = small_federation();
    let mut store = Store::create(&path, &g).unwrap();
    let first: Vec<Vec<u8>> = ops[..2].iter().map(|o| o.bytes.clone()).collect();
    store.ingest(&first, Verify::Signatures).unwrap();
    let expected = store.engine().digest();
    drop(store);

    // A writer leaves a snapshot of what it wrote when it closes.
    let read = Store::read_view(&path).unwrap();
    assert!(read.from_snapshot);
    assert_eq!(read.digest, expected);
    assert_eq!((read.ops, read.pending), (3, 0));

    // Without one (a writer killed after its commit), the first reader
    // replays and saves one; the next reads it.
    forget_snapshot(&path);
    let replayed = Store::read_view(&path).unwrap();
    assert!(!replayed.from_snapshot);
    assert_eq!(replayed.digest, expected);
    let read = Store::read_view(&path).unwrap();
    assert!(read.from_snapshot);
    assert_eq!(read.state, replayed.state);

    // Two writers: the one that closes first holds less than the database
    // (the other wrote since), so it leaves no snapshot; the other leaves
    // one of everything.
    let mut early = Store::open(&path).unwrap();
    let mut late = Store::open(&path).unwrap();
    early
        .ingest(&[ops[2].bytes.clone()], Verify::Signatures)
        .unwrap();
    let profile = author.author(
        &key(2),
        Body::Profile {
            name: "Roza".into(),
        },
        2,
    );
    author.ingest(std::slice::from_ref(&profile.bytes), Verify::Signatures);
    late.ingest(std::slice::from_ref(&profile.bytes), Verify::Signatures)
        .unwrap();
    // Caught up, it holds what the database holds, but it loaded the other
    // writer's ops outside a write of its own: it saves nothing either.
    early.catch_up().unwrap();
    assert_eq!(early.engine().digest(), author.digest());
    drop(early);
    assert_eq!(snapshots(&path), 0);
    drop(late);
    let read = Store::read_view(&path).unwrap();
    assert!(read.from_snapshot);
    assert_eq!(read.digest, author.digest());
    assert_eq!(read.ops, 5);
}

/// How many read snapshots the database holds (0 or 1), read without
/// writing.
fn snapshots(path: &std::path::Path) -> i64 {
    rusqlite::Connection::open(path)
        .unwrap()
        .query_row("SELECT count(*) FROM snapshot", [], |row| row.get(0))
        .unwrap()
}

#[test]
fn a_writer_whose_pending_set_another_process_changed_leaves_no_snapshot() {
    // Issue 18 review: another process dropped the pending op this handle
    // holds and parked another, so the counts agree while the sets do not.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fed.sqlite");
    let (g, mut author, ops) = small_federation();
    let mut writer = Store::create(&path, &g).unwrap();
    let stored: Vec<Vec<u8>> = ops.iter().map(|o| o.bytes.clone()).collect();
    writer.ingest(&stored, Verify::Signatures).unwrap();
    // Ops of strangers on an op this database lacks: parked, pending.
    let unseen = author.author(
        &key(1),
        Body::Profile {
            name: "later".into(),
        },
        2,
    );
    author.ingest(std::slice::from_ref(&unseen.bytes), Verify::Signatures);
    let parked = author.author(&key(5), Body::Profile { name: "X".into() }, 3);
    let other = author.author(&key(6), Body::Profile { name: "Y".into() }, 3);
    writer
        .ingest(std::slice::from_ref(&parked.bytes), Verify::Signatures)
        .unwrap();
    assert!(writer.engine().pending_op(&parked.id).is_some());

    let mut clearing = Store::open(&path).unwrap();
    assert_eq!(clearing.clear_pending_from_unknown().unwrap(), 1);
    clearing
        .ingest(std::slice::from_ref(&other.bytes), Verify::Signatures)
        .unwrap();
    drop(clearing);
    // The writer writes again (nothing new): the counts agree, so it keeps
    // the op the other dropped, and must not leave a snapshot of it.
    writer
        .ingest(&[] as &[Vec<u8>], Verify::Signatures)
        .unwrap();
    drop(writer);
    let read = Store::read_view(&path).unwrap();
    assert!(!read.from_snapshot);
    let strangers: Vec<_> = read.pending_from_unknown.iter().map(|u| u.author).collect();
    assert_eq!(strangers, vec![key(6).public()]);
}

/// Deletes the read snapshot behind the store's back.
fn forget_snapshot(path: &std::path::Path) {
    rusqlite::Connection::open(path)
        .unwrap()
        .execute_batch("DELETE FROM snapshot")
        .unwrap();
}

#[test]
fn a_damaged_or_foreign_snapshot_is_replaced_by_a_replay() {
    let (_dir, path, store, author) = stored_small_federation();
    drop(store);
    assert!(Store::read_view(&path).unwrap().from_snapshot);

    let conn = rusqlite::Connection::open(&path).unwrap();
    let tamper = |sql: &str| {
        conn.execute_batch(sql).unwrap();
        let read = Store::read_view(&path).unwrap();
        assert!(!read.from_snapshot, "{sql}");
        assert_eq!(read.digest, author.digest(), "{sql}");
    };
    // A flipped byte fails the checksum.
    tamper("UPDATE snapshot SET bytes = CAST(zeroblob(length(bytes)) AS BLOB)");
    // A snapshot made by another fold is never used.
    tamper("UPDATE snapshot SET build = 'another fold'");
    // Ops removed behind the store's back make it stale.
    assert!(Store::read_view(&path).unwrap().from_snapshot);
    conn.execute_batch("DELETE FROM ops WHERE ord = (SELECT max(ord) FROM ops)")
        .unwrap();
    let read = Store::read_view(&path).unwrap();
    assert!(!read.from_snapshot);
    assert_eq!(read.ops, 3);
    assert_ne!(read.digest, author.digest());
}

#[test]
fn a_read_from_the_snapshot_holds_the_tallies_outcomes_alerts_and_log_of_a_replay() {
    use kenes_core::body::{Ballot, ProposalKind};
    use kenes_core::tally::Choice;
    use kenes_store::{LoggedOp, Tallies};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fed.sqlite");
    let (g, mut author, mut ops) = small_federation();
    let c = ops[0].id;
    let mut act = |author: &mut Engine, who: u8, body: Body| {
        let op = author.author(&key(who), body, 1);
        author.ingest(std::slice::from_ref(&op.bytes), Verify::Signatures);
        ops.push(op.clone());
        op.id
    };
    let proposal = act(
        &mut author,
        1,
        Body::Propose {
            committee: c,
            kind: ProposalKind::Decision,
            title: "Strike on Monday".into(),
            text: String::new().into(),
            closes_at: u64::MAX,
        },
    );
    for (who, choice) in [(1, Choice::Yes), (2, Choice::No)] {
        act(
            &mut author,
            who,
            Body::Vote {
                committee: c,
                proposal,
                ballot: Ballot::Choice(choice),
            },
        );
    }
    // Leaves, then leaves again: rejected, no longer a member.
    for _ in 0..2 {
        act(&mut author, 2, Body::Leave { committee: c });
    }
    let mut store = Store::create(&path, &g).unwrap();
    let all: Vec<Vec<u8>> = ops.iter().map(|o| o.bytes.clone()).collect();
    store.ingest(&all, Verify::Signatures).unwrap();
    drop(store);
    forget_snapshot(&path);

    let (replayed, replayed_log) = Store::read_log(&path).unwrap();
    assert!(!replayed.from_snapshot);
    let (read, read_log) = Store::read_log(&path).unwrap();
    assert!(read.from_snapshot);
    let live = read
        .live_tally(&proposal)
        .expect("an open proposal's tally");
    assert_eq!(Some(live), author.live_tally(&proposal));
    assert_eq!(read.live_tallies, replayed.live_tallies);
    assert_eq!(read.council_ballots, replayed.council_ballots);
    assert_eq!(read.not_applied.len(), 1);
    assert_eq!(read.not_applied, replayed.not_applied);
    assert_eq!(read.alerts.rejected.len(), 1);
    assert_eq!(read.alerts, replayed.alerts);
    let engine_log: Vec<LoggedOp> = (0..author.len() as u32)
        .map(|o| LoggedOp::of(&author, o))
        .collect();
    assert_eq!(replayed_log, engine_log);
    assert_eq!(read_log, engine_log);
    // A read view from the snapshot holds the same.
    let view = Store::read_view(&path).unwrap();
    assert!(view.from_snapshot);
    assert_eq!(view.alerts, replayed.alerts);
    assert_eq!(view.live_tallies, replayed.live_tallies);
}

/// Whether `bytes` hold `needle` anywhere.
fn holds(bytes: &[u8], needle: &[u8]) -> bool {
    bytes.windows(needle.len()).any(|w| w == needle)
}

fn raw(path: &std::path::Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_default()
}

/// Issue 14, at rest: a keyed store's file and its WAL (read while the
/// store is open, so the WAL holds the latest transactions) show none of
/// the names, keys or texts stored, and its read snapshot still serves.
#[test]
fn an_encrypted_store_and_its_wal_hold_no_name_key_or_text_in_the_clear() {
    use kenes_store::storekey::StoreKey;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fed.sqlite");
    let wal = dir.path().join("fed.sqlite-wal");
    let (g, author, ops) = small_federation();
    let store_key = StoreKey::derive(dir.path(), "correct horse").unwrap();
    let mut store = Store::create_keyed(&path, g.id, &[&g.bytes], Some(&store_key)).unwrap();
    let bytes: Vec<Vec<u8>> = ops.iter().map(|o| o.bytes.clone()).collect();
    store.ingest(&bytes, Verify::Signatures).unwrap();
    assert_eq!(store.engine().digest(), author.digest());
    let (file, log) = (raw(&path), raw(&wal));
    assert!(!log.is_empty(), "the WAL holds the last transactions");
    let clear = Store::create(&dir.path().join("clear.sqlite"), &g).unwrap();
    drop(clear);
    assert!(holds(&raw(&dir.path().join("clear.sqlite")), b"Kazakhstan"));
    for secret in [
        b"Kazakhstan".as_slice(),
        b"Zhanaozen",
        b"Mangystau",
        b"SQLite format 3",
        key(1).public().0.as_slice(),
        key(2).public().0.as_slice(),
        key(1).public().to_hex().as_bytes(),
        g.id.0.as_slice(),
    ] {
        assert!(!holds(&file, secret), "{:?} in the database", secret);
        assert!(!holds(&log, secret), "{:?} in the WAL", secret);
    }
    // The snapshot the writer left on closing is encrypted too.
    drop(store);
    assert!(!holds(&raw(&path), b"Zhanaozen"));
    assert!(!holds(&raw(&wal), b"Zhanaozen"));
    let read = Store::read_view_keyed(&path, Some(&store_key)).unwrap();
    assert!(read.from_snapshot);
    assert_eq!(read.digest, author.digest());
}

/// A keyed store opened without its key, or with another, fails with its
/// own error before anything is written: the file is unchanged and opens
/// with the right key afterwards.
#[test]
fn an_encrypted_store_refuses_no_key_and_a_wrong_key_without_touching_the_file() {
    use kenes_store::StoreError;
    use kenes_store::storekey::StoreKey;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fed.sqlite");
    let (g, author, ops) = small_federation();
    let right = StoreKey::from_bytes([7; 32]);
    let mut store = Store::create_keyed(&path, g.id, &[&g.bytes], Some(&right)).unwrap();
    let bytes: Vec<Vec<u8>> = ops.iter().map(|o| o.bytes.clone()).collect();
    store.ingest(&bytes, Verify::Signatures).unwrap();
    drop(store);
    let before = raw(&path);
    let wrong = StoreKey::from_bytes([8; 32]);
    assert!(matches!(Store::open(&path), Err(StoreError::Locked)));
    assert!(matches!(Store::read_view(&path), Err(StoreError::Locked)));
    assert!(matches!(
        Store::open_keyed(&path, Some(&wrong)),
        Err(StoreError::WrongKey)
    ));
    assert!(matches!(
        Store::read_view_keyed(&path, Some(&wrong)),
        Err(StoreError::WrongKey)
    ));
    assert!(StoreError::WrongKey.is_user_error() && StoreError::Locked.is_user_error());
    assert_eq!(raw(&path), before, "a refused open writes nothing");
    let store = Store::open_keyed(&path, Some(&right)).unwrap();
    assert_eq!(store.engine().digest(), author.digest());
}

/// A clear database opened with a key is encrypted in place, whole; one
/// that another connection holds open is refused instead, unchanged.
#[test]
fn a_clear_store_opened_with_a_key_is_encrypted_in_place_unless_in_use() {
    use kenes_store::StoreError;
    use kenes_store::storekey::StoreKey;
    let (dir, path, store, author) = stored_small_federation();
    let key = StoreKey::from_bytes([9; 32]);
    // Still open here: encrypting would pull the file from under it.
    assert!(matches!(
        Store::open_keyed(&path, Some(&key)),
        Err(StoreError::InUse(_))
    ));
    assert!(holds(&raw(&path), b"SQLite format 3"));
    drop(store);
    let store = Store::open_keyed(&path, Some(&key)).unwrap();
    assert_eq!(store.engine().digest(), author.digest());
    drop(store);
    let file = raw(&path);
    assert!(!file.starts_with(b"SQLite format 3"), "encrypted");
    assert!(!holds(&file, b"Zhanaozen"), "no name in the clear");
    assert!(matches!(Store::open(&path), Err(StoreError::Locked)));
    let again = Store::open_keyed(&path, Some(&key)).unwrap();
    assert_eq!(again.engine().digest(), author.digest());
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with('.'))
        .collect();
    assert_eq!(left, Vec::<String>::new(), "no temporary file is left");
}

/// Every row of `table`, each as its columns' debug forms, sorted.
fn dump(path: &std::path::Path, table: &str) -> Vec<Vec<String>> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn.prepare(&format!("SELECT * FROM {table}")).unwrap();
    let columns = stmt.column_count();
    let mut rows: Vec<Vec<String>> = stmt
        .query_map([], |row| {
            (0..columns)
                .map(|i| Ok(format!("{:?}", row.get_ref(i)?)))
                .collect()
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    rows.sort();
    rows
}

/// A federation whose committee's governance rows change op by op:
/// proposals open and close, a demand gains a supporter, reports are
/// filed, and a fork voids a member's demand (its row must go).
fn governance_scenario() -> (kenes_core::Op, Engine, Vec<kenes_core::Op>) {
    use kenes_core::body::{Ballot, DemandCategory, ProposalKind, ReportKind, ReportStatus};
    use kenes_core::tally::Choice;
    let (g, mut author, mut ops) = small_federation();
    let c = ops[0].id;
    let act = |author: &mut Engine, ops: &mut Vec<kenes_core::Op>, who: u8, body: Body| {
        let op = author.author(&key(who), body, 10 + ops.len() as u64);
        author.ingest(std::slice::from_ref(&op.bytes), Verify::Signatures);
        ops.push(op.clone());
        op
    };
    let propose = |title: &str| Body::Propose {
        committee: c,
        kind: ProposalKind::Decision,
        title: title.into(),
        text: "".into(),
        closes_at: 0,
    };
    let decided = act(&mut author, &mut ops, 1, propose("Strike on Monday"));
    let open = act(&mut author, &mut ops, 2, propose("March to the akimat"));
    for who in [1, 2] {
        let ballot = Ballot::Choice(Choice::Yes);
        let body = Body::Vote {
            committee: c,
            proposal: decided.id,
            ballot,
        };
        act(&mut author, &mut ops, who, body);
    }
    act(
        &mut author,
        &mut ops,
        1,
        Body::Close {
            committee: c,
            proposal: decided.id,
        },
    );
    let demand = |title: &str| Body::Demand {
        committee: c,
        category: DemandCategory::Wages,
        title: title.into(),
        text: "".into(),
    };
    let wages = act(&mut author, &mut ops, 1, demand("Double the wages"));
    act(
        &mut author,
        &mut ops,
        2,
        Body::Support {
            committee: c,
            demand: wages.id,
        },
    );
    let report = |participants: u32, status: ReportStatus| Body::Report {
        committee: c,
        kind: ReportKind::Strike,
        status,
        area: "Kazakhstan/Mangystau/Zhanaozen".into(),
        participants,
        starts_at: 1_641_081_600_000,
        text: "".into(),
    };
    act(&mut author, &mut ops, 1, report(300, ReportStatus::Active));
    act(
        &mut author,
        &mut ops,
        2,
        report(2_000, ReportStatus::Planned),
    );
    // Member 2 forks: a second op at the seq of their demand. Both are
    // void unless witnessed, so the demand's row must go.
    let jobs = act(&mut author, &mut ops, 2, demand("Jobs for the young"));
    let mut fork = jobs.fields.clone();
    fork.body = demand("Jobs for everyone");
    let fork = fork.sign(&key(2));
    author.ingest(std::slice::from_ref(&fork.bytes), Verify::Signatures);
    ops.push(fork);
    assert!(!author.state().committees[&c].demands.contains_key(&jobs.id));
    assert!(
        author.state().committees[&c]
            .proposals
            .contains_key(&open.id)
    );
    (g, author, ops)
}

/// Every materialised table of the store at `written` holds what one
/// commit of all of `ops` writes into a fresh store at `at_once`.
fn rows_equal_one_commit_of(
    written: &std::path::Path,
    at_once: &std::path::Path,
    g: &kenes_core::Op,
    ops: &[kenes_core::Op],
) {
    let mut store = Store::create(at_once, g).unwrap();
    let all: Vec<Vec<u8>> = ops.iter().map(|o| o.bytes.clone()).collect();
    store.ingest(&all, Verify::Signatures).unwrap();
    drop(store);
    for table in [
        "committees",
        "members",
        "candidates",
        "seats",
        "proposals",
        "demands",
        "adoptions",
        "reports",
    ] {
        assert_eq!(dump(written, table), dump(at_once, table), "{table}");
    }
}

/// A commit writes only the governance rows that changed since this
/// process last wrote them (issue 18). After commits of one op each, in
/// which proposals open and close, a demand gains a supporter, reports
/// are filed and a fork voids a member's demands (their rows go), every
/// materialised table holds exactly what one commit of all the ops writes.
#[test]
fn materialised_rows_written_commit_by_commit_equal_one_commit_of_everything() {
    let (g, author, ops) = governance_scenario();
    let dir = tempfile::tempdir().unwrap();
    let stepwise = dir.path().join("stepwise.sqlite");
    let at_once = dir.path().join("at_once.sqlite");
    let mut store = Store::create(&stepwise, &g).unwrap();
    for op in &ops {
        store
            .ingest(std::slice::from_ref(&op.bytes), Verify::Signatures)
            .unwrap();
    }
    assert_eq!(store.engine().digest(), author.digest());
    drop(store);
    rows_equal_one_commit_of(&stepwise, &at_once, &g, &ops);
    assert_eq!(dump(&at_once, "proposals").len(), 2);
    assert_eq!(dump(&at_once, "demands").len(), 1);
    assert_eq!(dump(&at_once, "reports").len(), 2);
}

/// Two handles on one database (`kenes serve` beside one-shot commands)
/// take turns committing one committee's governance changes: each must
/// forget what it wrote once the other has written, or it would skip rows
/// the other changed.
#[test]
fn two_handles_taking_turns_write_the_materialised_rows_of_one_commit() {
    let (g, _, ops) = governance_scenario();
    let dir = tempfile::tempdir().unwrap();
    let shared = dir.path().join("shared.sqlite");
    let at_once = dir.path().join("at_once.sqlite");
    let mut first = Store::create(&shared, &g).unwrap();
    let mut second = Store::open(&shared).unwrap();
    for (i, op) in ops.iter().enumerate() {
        let store = if i % 2 == 0 { &mut first } else { &mut second };
        store
            .ingest(std::slice::from_ref(&op.bytes), Verify::Signatures)
            .unwrap();
    }
    drop((first, second));
    rows_equal_one_commit_of(&shared, &at_once, &g, &ops);
}

/// Schema 4 drops the unique index on op ids (issue 18). A store written
/// by a build before it (its `ops` table with the index, schema 3) is
/// migrated when it is next opened, keeping every op and outcome.
#[test]
fn a_store_from_before_schema_4_loses_its_id_index_and_keeps_every_op() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fed.sqlite");
    let (g, mut author, mut ops) = small_federation();
    let c = ops[0].id;
    let leave = author.author(&key(2), Body::Leave { committee: c }, 2);
    author.ingest(std::slice::from_ref(&leave.bytes), Verify::Signatures);
    let again = author.author(&key(2), Body::Leave { committee: c }, 3);
    author.ingest(std::slice::from_ref(&again.bytes), Verify::Signatures);
    ops.extend([leave, again]);
    let mut store = Store::create(&path, &g).unwrap();
    let bytes: Vec<Vec<u8>> = ops.iter().map(|o| o.bytes.clone()).collect();
    store.ingest(&bytes, Verify::Signatures).unwrap();
    drop(store);
    let id_indexes = |conn: &rusqlite::Connection| -> i64 {
        conn.query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'ops'",
            [],
            |r| r.get(0),
        )
        .unwrap()
    };
    // Back to schema 3's layout, as an older build left it.
    let conn = rusqlite::Connection::open(&path).unwrap();
    assert_eq!(id_indexes(&conn), 0);
    conn.execute_batch(
        "BEGIN;
         DROP VIEW rejections;
         CREATE TABLE old_ops (
             ord INTEGER PRIMARY KEY, id BLOB NOT NULL UNIQUE, author BLOB NOT NULL,
             seq INTEGER NOT NULL, lamport INTEGER NOT NULL, time INTEGER NOT NULL,
             kind TEXT NOT NULL, outcome TEXT NOT NULL, bytes BLOB NOT NULL);
         INSERT INTO old_ops SELECT * FROM ops;
         DROP TABLE ops;
         ALTER TABLE old_ops RENAME TO ops;
         CREATE VIEW rejections AS SELECT ord, id, author, seq, kind, outcome FROM ops
             WHERE outcome LIKE 'rejected%' OR outcome LIKE 'void%';
         DROP TABLE outcomes_unchecked;
         PRAGMA user_version = 3;
         COMMIT;",
    )
    .unwrap();
    assert_eq!(id_indexes(&conn), 1);
    let before = dump(&path, "ops");
    drop(conn);

    let store = Store::open(&path).unwrap();
    assert_eq!(store.engine().digest(), author.digest());
    drop(store);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 5);
    assert_eq!(id_indexes(&conn), 0);
    let rejected: i64 = conn
        .query_row("SELECT count(*) FROM rejections", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rejected, 1);
    drop(conn);
    assert_eq!(dump(&path, "ops"), before);
}

/// An op's row: its ordinal, id and stored outcome.
type OpRow = (i64, Vec<u8>, String);

fn ops_with_outcomes(conn: &rusqlite::Connection) -> Vec<OpRow> {
    conn.prepare("SELECT ord, id, outcome FROM ops ORDER BY ord")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// A reopened store's engine gives every op the ordinal its row is keyed
/// by, though a late op from a partition sorts before ops stored ahead of
/// it: an outcome that a later op changes (here a fork voids the late op)
/// is written to that op's own row. (Reloading in key order once gave the
/// late op another ordinal, and the update landed on another op's row.)
#[test]
fn outcomes_changed_after_reopening_are_written_to_their_own_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fed.sqlite");
    let (g, mut ahead, ops) = small_federation();
    // The other side of a partition, from the same ops.
    let mut behind = Engine::new(g.id);
    behind.ingest(std::slice::from_ref(&g.bytes), Verify::Signatures);
    let shared: Vec<Vec<u8>> = ops.iter().map(|o| o.bytes.clone()).collect();
    behind.ingest(&shared, Verify::Signatures);
    let mut ahead_ops = vec![];
    for i in 0..5 {
        let op = ahead.author(
            &key(1),
            Body::Profile {
                name: format!("a{i}"),
            },
            1,
        );
        ahead.ingest(std::slice::from_ref(&op.bytes), Verify::Signatures);
        ahead_ops.push(op.bytes.clone());
    }
    let late = behind.author(&key(2), Body::Profile { name: "b".into() }, 1);
    // The same seq again: a fork, which voids the late op.
    let fork = behind.author(&key(2), Body::Profile { name: "c".into() }, 1);

    let mut store = Store::create(&path, &g).unwrap();
    store.ingest(&shared, Verify::Signatures).unwrap();
    store.ingest(&ahead_ops, Verify::Signatures).unwrap();
    store
        .ingest(std::slice::from_ref(&late.bytes), Verify::Signatures)
        .unwrap();
    drop(store);
    let mut store = Store::open(&path).unwrap();
    let report = store
        .ingest(std::slice::from_ref(&fork.bytes), Verify::Signatures)
        .unwrap();
    assert!(
        !report.changed.is_empty(),
        "the fork changes the late op's outcome"
    );

    let conn = rusqlite::Connection::open(&path).unwrap();
    let rows = ops_with_outcomes(&conn);
    assert_eq!(rows.len(), store.engine().len());
    let rows_agree = |store: &Store, rows: Vec<OpRow>| {
        for (ord, id, outcome) in rows {
            let id = kenes_core::Hash(id.try_into().unwrap());
            assert_eq!(
                store.engine().ordinal(&id),
                Some(ord as u32),
                "op at ord {ord}"
            );
            let stored = store.engine().outcome_of(&id).unwrap();
            assert_eq!(outcome, stored.describe(), "op at ord {ord}");
        }
    };
    rows_agree(&store, rows.clone());
    drop(store);

    // A column an older build got wrong (the void outcome on its
    // neighbour's row) is rewritten at the next writable open, once.
    let (ord, _, void) = rows.iter().find(|r| r.2.starts_with("void")).unwrap();
    conn.execute_batch(&format!(
        "UPDATE ops SET outcome = 'applied' WHERE ord = {ord};
         UPDATE ops SET outcome = '{void}' WHERE ord = {ord} - 1;
         INSERT OR IGNORE INTO outcomes_unchecked VALUES (1);"
    ))
    .unwrap();
    let store = Store::open(&path).unwrap();
    let rechecked = ops_with_outcomes(&conn);
    assert_eq!(rechecked, rows);
    rows_agree(&store, rechecked);
    let unchecked: i64 = conn
        .query_row("SELECT count(*) FROM outcomes_unchecked", [], |r| r.get(0))
        .unwrap();
    assert_eq!(unchecked, 0);
}
