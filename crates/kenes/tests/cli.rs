//! Integration tests that drive the real `kenes` binary. Regression tests
//! are named after the issue they come from.

use kenes_core::body::{CommitteeKind, Policy};
use kenes_core::{Body, Engine, SecretKey, Verify};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

#[path = "cli/at_rest.rs"]
mod at_rest;
#[path = "cli/board.rs"]
mod board;
#[path = "cli/browser.rs"]
mod browser;
#[path = "cli/courier.rs"]
mod courier;
#[path = "cli/deliberation.rs"]
mod deliberation;
#[path = "cli/forms.rs"]
mod forms;
#[path = "cli/hub.rs"]
mod hub;
#[path = "cli/hub_tls.rs"]
mod hub_tls;
#[path = "cli/issue12.rs"]
mod issue12;
#[path = "cli/meeting.rs"]
mod meeting;
#[path = "cli/publish.rs"]
mod publish;
#[path = "cli/reads.rs"]
mod reads;
#[path = "cli/sealing.rs"]
mod sealing;

fn kenes(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kenes"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("KENES_PASSPHRASE")
        .output()
        .expect("run kenes")
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let out = kenes(dir, args);
    assert!(
        out.status.success(),
        "kenes {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

fn json(dir: &Path, args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.push("--json");
    serde_json::from_str(&ok(dir, &all)).expect("json output")
}

fn user_error(dir: &Path, args: &[&str]) -> String {
    let out = kenes(dir, args);
    assert_eq!(
        out.status.code(),
        Some(1),
        "kenes {args:?} should fail with 1"
    );
    let stderr = String::from_utf8(out.stderr).expect("utf-8");
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    stderr
}

fn digest(dir: &Path) -> String {
    json(dir, &["state", "--digest"])["digest"]
        .as_str()
        .unwrap()
        .to_string()
}

struct Pair {
    _tmp: tempfile::TempDir,
    a: std::path::PathBuf,
    b: std::path::PathBuf,
    committee: String,
}

/// Founder A with a committee; B vouched in and joined, carried by bundles
/// both ways.
fn pair() -> Pair {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    let pa = json(&a, &["id", "new", "--name", "Aigerim"])["public_key"]
        .as_str()
        .unwrap()
        .to_string();
    let pb = json(&b, &["id", "new", "--name", "Nurlan"])["public_key"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(pa.len(), 64);
    json(&a, &["federation", "create", "--name", "Kazakhstan 2022"]);
    let committee = json(
        &a,
        &[
            "committee",
            "create",
            "--kind",
            "production",
            "--name",
            "Ozenmunaigas workers",
            "--enterprise",
            "Ozenmunaigas",
            "--industry",
            "oil and gas",
            "--area",
            "Kazakhstan/Mangystau/Zhanaozen",
        ],
    )["id"]
        .as_str()
        .unwrap()
        .to_string();
    ok(&a, &["vouch", &committee, &pb]);
    // B holds only a key, published nowhere yet: the first bundle goes
    // unsealed (issue 14).
    let to_b = a.join("to-b.bundle");
    ok(&a, &["export", "--clear", to_b.to_str().unwrap()]);
    let counts = json(&b, &["import", to_b.to_str().unwrap()]);
    // Genesis, A's encryption key, committee, its first epoch and A's name
    // sealed to it (issue 14), vouch.
    assert_eq!(counts["new"], 6);
    assert_eq!(counts["rejected"], 0);
    ok(&b, &["join", &committee]);
    // Back to A: only what A lacks, by A's frontier (unsealed: B's key
    // has not reached A yet). B's bundle is sealed to A and B.
    let frontier = a.join("a.frontier");
    ok(&a, &["frontier", "--clear", frontier.to_str().unwrap()]);
    let to_a = b.join("to-a.bundle");
    let exported = json(
        &b,
        &[
            "export",
            to_a.to_str().unwrap(),
            "--for",
            frontier.to_str().unwrap(),
        ],
    );
    assert_eq!(
        exported["ops"], 4,
        "B's encryption key, join, the epoch they hold and their name sealed to it"
    );
    let counts = json(&a, &["import", to_a.to_str().unwrap()]);
    assert_eq!(
        (counts["new"].as_u64(), counts["known"].as_u64()),
        (Some(4), Some(0))
    );
    let shown = json(&a, &["committee", "show", &committee]);
    assert_eq!(shown["members"].as_array().unwrap().len(), 2);
    assert!(
        shown["members"]
            .as_array()
            .unwrap()
            .contains(&Value::String(pb.clone()))
    );
    assert_eq!(shown["kind"], "production");
    Pair {
        _tmp: tmp,
        a,
        b,
        committee,
    }
}

#[test]
fn issue_2_two_nodes_converge_by_bundles_both_ways() {
    let p = pair();
    assert_eq!(digest(&p.a), digest(&p.b));
    // Importing again is idempotent.
    let again = p.a.join("again.bundle");
    ok(&p.b, &["export", again.to_str().unwrap()]);
    let counts = json(&p.a, &["import", again.to_str().unwrap()]);
    assert_eq!(counts["new"], 0);
    // Issue 14: each member's encryption key, each one's epoch of the
    // committee and each one's sealed name.
    assert_eq!(counts["known"], 10);
    assert_eq!(digest(&p.a), digest(&p.b));
    let list = json(&p.b, &["committee", "list"]);
    assert_eq!(list[0]["id"], Value::String(p.committee.clone()));
    let log = json(&p.a, &["log"]);
    assert_eq!(log.as_array().unwrap().len(), 10);
}

#[test]
fn issue_2_corrupted_bundle_exits_1_and_changes_nothing() {
    let p = pair();
    let good = p.b.join("good.bundle");
    ok(&p.b, &["export", good.to_str().unwrap()]);
    let bytes = std::fs::read(&good).unwrap();
    let before = digest(&p.a);
    let bad = p.a.join("bad.bundle");
    // A flipped byte inside an op, a truncation, and plain garbage.
    let mut flipped = bytes.clone();
    flipped[bytes.len() / 2] ^= 0x10;
    for (case, content) in [
        ("flipped", flipped),
        ("truncated", bytes[..bytes.len() - 40].to_vec()),
        ("garbage", b"this is not a bundle".to_vec()),
    ] {
        std::fs::write(&bad, content).unwrap();
        let message = user_error(&p.a, &["import", bad.to_str().unwrap()]);
        assert!(message.starts_with("error: "), "{case}: {message}");
    }
    assert!(user_error(&p.a, &["import", "/nonexistent/file"]).contains("cannot open"));
    assert_eq!(digest(&p.a), before);
    assert_eq!(json(&p.a, &["state"])["ops"], 10);
}

#[test]
fn issue_2_bad_input_gets_one_line_and_exit_1() {
    let p = pair();
    user_error(&p.a, &["vouch", &p.committee, "not-a-key"]);
    user_error(&p.a, &["vouch", "ffffffff", &"ab".repeat(32)]);
    user_error(&p.a, &["committee", "show", "xyz"]);
    user_error(
        &p.a,
        &[
            "committee",
            "create",
            "--kind",
            "territorial",
            "--name",
            "no area",
        ],
    );
    user_error(
        &p.a,
        &["committee", "create", "--kind", "council", "--name", "c"],
    );
    user_error(
        &p.a,
        &[
            "committee",
            "create",
            "--kind",
            "territorial",
            "--name",
            "x",
            "--area",
            "a//b",
        ],
    );
    user_error(&p.a, &["id", "new", "--name", "again"]);
    user_error(&p.a, &["join", &p.committee]);
    user_error(&p.a, &["no-such-command"]);
    let stranger = p.a.parent().unwrap().join("stranger");
    user_error(&stranger, &["state"]);
    user_error(&stranger, &["vouch", &p.committee, &"ab".repeat(32)]);
    // A frontier file is not a bundle, and vice versa.
    let frontier = p.a.join("f");
    ok(&p.a, &["frontier", frontier.to_str().unwrap()]);
    user_error(&p.a, &["import", frontier.to_str().unwrap()]);
    let bundle = p.a.join("b");
    ok(&p.a, &["export", bundle.to_str().unwrap()]);
    user_error(&p.a, &["export", "out", "--for", bundle.to_str().unwrap()]);
}

#[test]
fn issue_2_refuses_to_author_on_a_database_behind_the_key_file() {
    let p = pair();
    let fed = json(&p.a, &["state"])["federation"]
        .as_str()
        .unwrap()
        .to_string();
    let db = p.a.join("federations").join(format!("{fed}.sqlite"));
    // Copy the database aside (checkpointing the WAL first), author once
    // more, then put the old database back.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
        .unwrap();
    drop(conn);
    let old = std::fs::read(&db).unwrap();
    ok(&p.a, &["profile", "--name", "Aigerim B."]);
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    std::fs::write(&db, old).unwrap();
    let message = user_error(&p.a, &["profile", "--name", "again"]);
    assert!(message.contains("behind your key file"), "{message}");
}

#[test]
fn issue_2_encrypted_key_needs_its_passphrase() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let run = |pass: Option<&str>, args: &[&str]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_kenes"));
        cmd.arg("--data-dir")
            .arg(dir)
            .args(args)
            .env_remove("KENES_PASSPHRASE");
        if let Some(pass) = pass {
            cmd.env("KENES_PASSPHRASE", pass);
        }
        cmd.output().unwrap()
    };
    assert!(
        run(Some("s3cret"), &["id", "new", "--name", "Dana"])
            .status
            .success()
    );
    let key = std::fs::read_to_string(dir.join("key.json")).unwrap();
    assert!(key.contains("\"encrypted\""));
    let out = run(None, &["federation", "create", "--name", "f"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("passphrase"));
    assert_eq!(
        run(Some("wrong"), &["federation", "create", "--name", "f"])
            .status
            .code(),
        Some(1)
    );
    assert!(
        run(Some("s3cret"), &["federation", "create", "--name", "f"])
            .status
            .success()
    );
}

/// Builds a bundle of `n` valid ops (a founder vouching many members in,
/// who then join) with the library, as a peer would have made them.
fn large_bundle(path: &Path, n: usize) -> String {
    let founder = SecretKey::from_bytes([1; 32]);
    let genesis = kenes_core::op::genesis(&founder, "large", 0);
    let mut engine = Engine::new(genesis.id);
    engine.ingest(&[&genesis.bytes], Verify::Trusted);
    let mut ops = vec![genesis.bytes.clone()];
    let emit = |engine: &mut Engine, ops: &mut Vec<Vec<u8>>, key: &SecretKey, body: Body| {
        let op = engine.author(key, body, 0);
        engine.ingest(&[&op.bytes], Verify::Trusted);
        ops.push(op.bytes.clone());
        op.id
    };
    let committee = emit(
        &mut engine,
        &mut ops,
        &founder,
        Body::CreateCommittee {
            name: "big".into(),
            kind: CommitteeKind::Advisory,
            policy: Policy {
                vouches_required: 1,
                ..Policy::default()
            },
        },
    );
    let mut i: u32 = 0;
    while ops.len() < n {
        i += 1;
        let member = SecretKey::from_bytes(*blake3::hash(&i.to_le_bytes()).as_bytes());
        emit(
            &mut engine,
            &mut ops,
            &founder,
            Body::Vouch {
                committee,
                candidate: member.public(),
            },
        );
        emit(&mut engine, &mut ops, &member, Body::Join { committee });
    }
    let refs: Vec<&[u8]> = ops.iter().map(|o| o.as_slice()).collect();
    let file = std::fs::File::create(path).unwrap();
    kenes_store::bundle::write_bundle(std::io::BufWriter::new(file), genesis.id, &refs, || {})
        .unwrap();
    genesis.id.to_hex()
}

#[test]
fn issue_2_import_killed_mid_way_leaves_a_consistent_prefix() {
    let tmp = tempfile::tempdir().unwrap();
    let bundle = tmp.path().join("large.bundle");
    let total = 60_000;
    let fed = large_bundle(&bundle, total);
    let dir = tmp.path().join("node");
    let db = dir.join("federations").join(format!("{fed}.sqlite"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_kenes"))
        .arg("--data-dir")
        .arg(&dir)
        .args(["import", bundle.to_str().unwrap()])
        .spawn()
        .unwrap();
    // Kill it as soon as some, but not all, batches are committed.
    let mut seen = 0i64;
    for _ in 0..20_000 {
        if db.exists()
            && let Ok(conn) = rusqlite::Connection::open_with_flags(
                &db,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
            )
            && let Ok(n) = conn.query_row("SELECT count(*) FROM ops", [], |r| r.get::<_, i64>(0))
        {
            seen = n;
            if n > 0 {
                break;
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(seen > 0, "the import committed nothing before the kill");

    let conn = rusqlite::Connection::open(&db).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let stored: i64 = conn
        .query_row("SELECT count(*) FROM ops", [], |r| r.get(0))
        .unwrap();
    assert!(
        stored > 0 && (stored as usize) < total,
        "killed mid-way: {stored} of {total}"
    );
    // A prefix: every stored op's ordinal is dense from 0.
    let max_ord: i64 = conn
        .query_row("SELECT max(ord) FROM ops", [], |r| r.get(0))
        .unwrap();
    assert_eq!(max_ord + 1, stored);
    let members: i64 = conn
        .query_row("SELECT count(*) FROM members", [], |r| r.get(0))
        .unwrap();
    drop(conn);
    // The database reopens, and its materialised members match the fold.
    let shown = json(&dir, &["committee", "list"]);
    assert_eq!(
        shown[0]["members"].as_array().unwrap().len() as i64,
        members
    );
    let counts = json(&dir, &["import", bundle.to_str().unwrap()]);
    assert_eq!(
        counts["new"].as_u64().unwrap() + counts["known"].as_u64().unwrap(),
        total as u64
    );
    assert_eq!(counts["rejected"], 0);
    assert_eq!(json(&dir, &["state"])["ops"], total);
}

#[test]
fn issue_3_a_decision_voted_on_two_nodes_and_closed() {
    let p = pair();
    let proposal = json(
        &p.a,
        &[
            "propose",
            &p.committee,
            "--title",
            "Strike from 4 January",
            "--text",
            "Join the general strike.",
            "decision",
        ],
    )["id"]
        .as_str()
        .unwrap()
        .to_string();
    ok(&p.a, &["vote", &proposal, "yes"]);
    // Carry the proposal to B, who votes yes too, and back.
    let to_b = p.a.join("p.bundle");
    ok(&p.a, &["export", to_b.to_str().unwrap()]);
    ok(&p.b, &["import", to_b.to_str().unwrap()]);
    let live = json(&p.b, &["proposal", "show", &proposal]);
    assert_eq!(live["status"], "open");
    assert_eq!(live["tally"]["yes"], "1");
    ok(&p.b, &["vote", &proposal, "yes"]);
    // B may not close early: only the proposer may.
    assert!(user_error(&p.b, &["close", &proposal]).contains("proposer"));
    let to_a = p.b.join("v.bundle");
    ok(&p.b, &["export", to_a.to_str().unwrap()]);
    ok(&p.a, &["import", to_a.to_str().unwrap()]);
    let closed = json(&p.a, &["close", &proposal]);
    assert_eq!(closed["proposal"]["status"], "closed");
    assert_eq!(closed["proposal"]["tally"]["yes"], "2");
    assert_eq!(closed["proposal"]["tally"]["passed"], true);
    let listed = json(&p.a, &["proposal", "list"]);
    assert_eq!(listed.as_array().unwrap().len(), 1);
    user_error(&p.a, &["vote", &proposal, "maybe"]);
    user_error(&p.a, &["vote", "ffffffff", "yes"]);
    user_error(
        &p.a,
        &[
            "propose",
            &p.committee,
            "--title",
            "q",
            "policy",
            "--quorum",
            "3/2",
        ],
    );
    // Carried back, both nodes agree on the result.
    let again = p.a.join("c.bundle");
    ok(&p.a, &["export", again.to_str().unwrap()]);
    ok(&p.b, &["import", again.to_str().unwrap()]);
    assert_eq!(digest(&p.a), digest(&p.b));
}

/// Carries to `to` what it lacks from `from`, by frontier and bundle,
/// sealed (issue 14); unsealed where the reader's key has not reached the
/// writer yet (a newcomer, a member who joined since), as a courier
/// would be told to.
fn sync(from: &Path, to: &Path) {
    let frontier = to.join("sync.frontier");
    let bundle = to.join("sync.bundle");
    let path = |p: &Path| p.to_str().unwrap().to_string();
    if json(to, &["federation", "list"])
        .as_array()
        .unwrap()
        .is_empty()
    {
        ok(from, &["export", "--clear", &path(&bundle)]);
    } else {
        ok(to, &["frontier", &path(&frontier)]);
        let export = ["export", &path(&bundle), "--for", &path(&frontier)];
        if !kenes(from, &export).status.success() {
            ok(to, &["frontier", "--clear", &path(&frontier)]);
            ok(from, &export);
        }
    }
    if !kenes(to, &["import", &path(&bundle)]).status.success() {
        ok(from, &["export", "--clear", &path(&bundle)]);
        ok(to, &["import", &path(&bundle)]);
    }
}

fn sync_all(nodes: &[&Path]) {
    for from in nodes {
        for to in nodes {
            if from != to {
                sync(from, to);
            }
        }
    }
}

/// The member key of the node at `dir`, in hex.
fn public_key(dir: &Path) -> String {
    json(dir, &["id", "show"])["public_key"]
        .as_str()
        .unwrap()
        .to_string()
}

fn id_of(v: Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

/// A third member, Gulnar, vouched in by A and B, joined, and carried to
/// all three nodes. Returns her data directory and public key.
fn third_member(p: &Pair) -> (std::path::PathBuf, String) {
    let c = p.a.parent().unwrap().join("c");
    let pc = json(&c, &["id", "new", "--name", "Gulnar"])["public_key"]
        .as_str()
        .unwrap()
        .to_string();
    ok(&p.a, &["vouch", &p.committee, &pc]);
    sync(&p.a, &p.b);
    ok(&p.b, &["vouch", &p.committee, &pc]);
    sync(&p.b, &p.a);
    sync(&p.a, &c);
    ok(&c, &["join", &p.committee]);
    sync_all(&[p.a.as_path(), p.b.as_path(), c.as_path()]);
    (c, pc)
}

/// Proposes on `proposer`, has every node vote yes, closes on the proposer.
fn pass(nodes: &[&Path], proposer: &Path, args: &[&str]) -> String {
    let mut all = vec!["propose"];
    all.extend_from_slice(args);
    let p = id_of(json(proposer, &all));
    sync_all(nodes);
    for n in nodes {
        ok(n, &["vote", &p, "yes"]);
    }
    sync_all(nodes);
    let closed = json(proposer, &["close", &p]);
    assert_eq!(closed["proposal"]["tally"]["passed"], true, "{closed}");
    sync_all(nodes);
    p
}

#[test]
fn issue_3_delegates_elected_mandated_and_recalled() {
    let p = pair();
    let (c, pc) = third_member(&p);
    let pb = public_key(&p.b);
    let pa = public_key(&p.a);
    let nodes = [p.a.as_path(), p.b.as_path(), c.as_path()];
    let council = id_of(json(
        &p.a,
        &[
            "committee",
            "create",
            "--kind",
            "council",
            "--name",
            "Mangystau council",
            "--area",
            "Kazakhstan/Mangystau",
        ],
    ));
    sync_all(&nodes);
    pass(&nodes, &p.a, &[&p.committee, "affiliate", &council]);
    // The convenor accepts alone: the council has no seats yet.
    let accept = id_of(json(&p.a, &["propose", &council, "accept", &p.committee]));
    ok(&p.a, &["vote", &accept, "yes"]);
    ok(&p.a, &["close", &accept]);
    sync_all(&nodes);
    // 1. The committee elects two delegates: Nurlan and Gulnar.
    let candidates = format!("{pb},{pc}");
    let election = id_of(json(
        &p.a,
        &[
            "propose",
            &p.committee,
            "elect",
            "--council",
            &council,
            "--seats",
            "2",
            "--candidates",
            &candidates,
        ],
    ));
    sync_all(&nodes);
    ok(
        &p.a,
        &[
            "vote",
            &election,
            "--rank",
            &format!("{},{}", &pb[..8], &pc[..8]),
        ],
    );
    ok(&p.b, &["vote", &election, "--rank", &format!("{pb},{pc}")]);
    ok(&c, &["vote", &election, "--rank", &format!("{pc},{pb}")]);
    user_error(&c, &["vote", &election, "yes"]);
    sync_all(&nodes);
    let closed = json(&p.a, &["close", &election]);
    assert_eq!(
        closed["proposal"]["tally"]["elected"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    sync_all(&nodes);
    let seats = json(&p.a, &["seats", &council]);
    let seated: Vec<&str> = seats["voters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["delegate"].as_str().unwrap())
        .collect();
    assert_eq!(seated.len(), 2);
    assert!(seated.contains(&pb.as_str()) && seated.contains(&pc.as_str()));
    assert!(
        !seated.contains(&pa.as_str()),
        "the convenor no longer sits"
    );
    // A council proposal by a delegate; 2. the committee mandates yes.
    let question = id_of(json(
        &p.b,
        &[
            "propose",
            &council,
            "--title",
            "Call a general strike",
            "decision",
        ],
    ));
    sync_all(&nodes);
    pass(
        &nodes,
        &p.a,
        &[
            &p.committee,
            "mandate",
            "--proposal",
            &question,
            "--choice",
            "yes",
        ],
    );
    // 3. Nurlan follows the mandate; Gulnar votes against it.
    ok(&p.b, &["vote", &question, "yes"]);
    ok(&c, &["vote", &question, "no"]);
    sync_all(&nodes);
    // 4. The mandate report shows it.
    let shown = json(&p.a, &["proposal", "show", &question]);
    let report = shown["mandate_report"].as_array().unwrap();
    assert_eq!(report.len(), 2);
    let gulnar = report
        .iter()
        .find(|r| r["delegate"] == pc.as_str())
        .unwrap();
    assert_eq!(
        (
            gulnar["mandate"].as_str(),
            gulnar["vote"].as_str(),
            gulnar["followed"].as_bool()
        ),
        (Some("yes"), Some("no"), Some(false))
    );
    let nurlan = report
        .iter()
        .find(|r| r["delegate"] == pb.as_str())
        .unwrap();
    assert_eq!(nurlan["followed"], true);
    let text = ok(&p.a, &["proposal", "show", &question]);
    assert!(text.contains("DEVIATED"), "{text}");
    // 5. The committee recalls Gulnar (she does not vote on it); her seat ends.
    let recall = id_of(json(
        &p.a,
        &[
            "propose",
            &p.committee,
            "recall",
            "--council",
            &council,
            "--delegate",
            &pc[..10],
        ],
    ));
    sync_all(&nodes);
    ok(&p.a, &["vote", &recall, "yes"]);
    ok(&p.b, &["vote", &recall, "yes"]);
    sync_all(&nodes);
    let closed = json(&p.a, &["close", &recall]);
    assert_eq!(closed["proposal"]["tally"]["passed"], true);
    sync_all(&nodes);
    let seats = json(&c, &["seats", &council]);
    let seated: Vec<&str> = seats["voters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["delegate"].as_str().unwrap())
        .collect();
    assert_eq!(seated, vec![pb.as_str()]);
    assert!(
        user_error(&c, &["propose", &council, "--title", "x", "decision"]).contains("not a member")
    );
    assert_eq!(digest(&p.a), digest(&p.b));
    assert_eq!(digest(&p.a), digest(&c));
}

#[test]
fn issue_6_a_removed_members_concurrent_ops_are_voided_and_alerted() {
    let p = pair();
    let (c, _) = third_member(&p);
    let nurlan = public_key(&p.b);
    // Nurlan, offline, proposes to call off the strike while A and C
    // remove him.
    let his = id_of(json(
        &p.b,
        &[
            "propose",
            &p.committee,
            "--title",
            "Call off the strike",
            "decision",
        ],
    ));
    pass(
        &[p.a.as_path(), c.as_path()],
        &p.a,
        &[&p.committee, "--title", "Remove Nurlan", "remove", &nurlan],
    );
    sync_all(&[p.a.as_path(), p.b.as_path(), c.as_path()]);
    assert_eq!(digest(&p.a), digest(&p.b));
    assert_eq!(digest(&p.a), digest(&c));
    for node in [&p.a, &p.b] {
        let alerts = json(node, &["alerts"]);
        let voided = alerts["voided"].as_array().unwrap();
        let entry = voided
            .iter()
            .find(|v| v["id"] == his.as_str())
            .unwrap_or_else(|| panic!("{alerts}"));
        assert_eq!(entry["voided_by"]["kind"], "removal");
        assert_eq!(entry["voided_by"]["title"], "Remove Nurlan");
        let text = ok(node, &["alerts"]);
        assert!(
            text.contains("VOID") && text.contains("Remove Nurlan"),
            "{text}"
        );
    }
    // The old name still works.
    assert!(ok(&p.a, &["rejections"]).contains("VOID"));
    let shown = json(&p.b, &["committee", "show", &p.committee]);
    assert!(
        !shown["members"]
            .as_array()
            .unwrap()
            .contains(&Value::String(nurlan))
    );
}

#[test]
fn issue_3_demo_builds_the_january_2022_scenario() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    let summary = json(&dir, &["demo", "--no-serve"]);
    let n = |k: &str| {
        summary[k]
            .as_u64()
            .unwrap_or_else(|| panic!("{k} in {summary}"))
    };
    assert!(
        n("production") + n("territorial") + n("advisory") >= 25,
        "{summary}"
    );
    assert!(n("councils") >= 4);
    assert!(n("advisory") >= 1);
    assert!(n("members") >= 300);
    assert!(n("seats") > 0 && n("elections") > 0);
    assert!(n("recalls") >= 1);
    assert!(n("merges") >= 1);
    assert!(n("demands") >= 8);
    let days: Vec<&str> = summary["report_days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap())
        .collect();
    assert_eq!(days.first(), Some(&"2022-01-02"));
    assert!(
        days.iter()
            .all(|d| ("2022-01-02"..="2022-01-06").contains(d))
    );
    assert!(n("active_strikes") >= 5);
    assert!(!summary["platform"].as_array().unwrap().is_empty());
    // Issue 14: two committees seal; a member of each reads their own
    // committee's sealed proposal and sees the other's as sealed.
    let views = summary["sealed_views"].as_array().unwrap();
    assert_eq!(views.len(), 2, "{summary}");
    let notice = kenes_core::keyring::SEALED_NOTICE;
    let mut titles = std::collections::BTreeSet::new();
    for view in views {
        let reads = view["reads"].as_array().unwrap();
        assert_eq!(reads.len(), 2, "{view}");
        let own: Vec<_> = reads.iter().filter(|r| r["readable"] == true).collect();
        assert_eq!(own.len(), 1, "{view}");
        assert_eq!(own[0]["committee"], view["committee"]);
        assert_ne!(own[0]["title"], notice);
        titles.insert(own[0]["title"].as_str().unwrap().to_string());
        let other: Vec<_> = reads.iter().filter(|r| r["readable"] == false).collect();
        assert_eq!(other[0]["title"], notice, "{view}");
    }
    assert_eq!(titles.len(), 2);
    // The founder, the data directory's member, reads their committee's.
    let sealed = json(&dir, &["proposal", "list"]).to_string();
    assert!(sealed.contains("Hold the gate on Monday night"), "{sealed}");
    assert!(!sealed.contains("Send a delegation to Zhanaozen"));
    // The user acts as the founder in the demo federation.
    ok(&dir, &["id", "show"]);
    let situation = json(&dir, &["situation", "--by", "area"]);
    assert!(
        situation
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["key"] == "Kazakhstan/Mangystau/Zhanaozen")
    );
    // The materialised tables agree with the fold.
    let fed = summary["federation"].as_str().unwrap();
    let conn =
        rusqlite::Connection::open(dir.join("federations").join(format!("{fed}.sqlite"))).unwrap();
    let rows = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap() as u64;
    assert_eq!(rows("SELECT count(*) FROM seats"), n("seats"));
    assert_eq!(rows("SELECT count(*) FROM proposals"), n("proposals"));
    assert_eq!(rows("SELECT count(*) FROM reports"), n("reports"));
    assert_eq!(rows("SELECT count(*) FROM demands"), n("demands"));
    // It refuses to build over an existing data directory.
    assert!(user_error(&dir, &["demo", "--no-serve"]).contains("fresh"));
}

/// A `kenes serve` child process, killed when dropped.
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn issue_4_sync_over_quic_on_loopback_admits_members_only() {
    let p = pair();
    // A makes ops B has not seen.
    for i in 0..5 {
        ok(
            &p.a,
            &[
                "propose",
                &p.committee,
                "--title",
                &format!("question {i}"),
                "decision",
            ],
        );
    }
    let (_server, ticket) = serve(&p.a);
    assert!(ticket.starts_with("kenes1"));
    let drawn = ok(&p.a, &["ticket", "--qr"]);
    assert!(
        drawn.contains('█') && drawn.trim_end().ends_with(&ticket),
        "a QR code, then the ticket"
    );
    let stats = json(&p.b, &["sync", &ticket, "--bind", "127.0.0.1:0"]);
    // With the committee's first epoch (issue 14).
    assert_eq!(stats["ops_received"], 6);
    assert_eq!(digest(&p.a), digest(&p.b));
    // B's new ops travel the other way in the next session.
    ok(&p.b, &["profile", "--name", "Nurlan B."]);
    let stats = json(&p.b, &["sync", &ticket, "--bind", "127.0.0.1:0"]);
    assert_eq!(stats["ops_sent"], 1);
    assert_eq!(digest(&p.a), digest(&p.b));
    // Someone the federation never vouched for is refused.
    let stranger = p.a.parent().unwrap().join("stranger");
    json(&stranger, &["id", "new", "--name", "spy"]);
    let bundle = p.a.join("all.bundle");
    ok(&p.a, &["export", "--clear", bundle.to_str().unwrap()]);
    ok(&stranger, &["import", bundle.to_str().unwrap()]);
    let refused = user_error(&stranger, &["sync", &ticket, "--bind", "127.0.0.1:0"]);
    assert!(refused.contains("refused"), "{refused}");
    user_error(&p.b, &["sync", "kenes1nothex", "--bind", "127.0.0.1:0"]);
}

#[test]
fn issue_4_a_running_node_serves_ops_written_by_other_commands() {
    let p = pair();
    let (_server, ticket) = serve(&p.a);
    // Written by another process while the node runs.
    ok(
        &p.a,
        &[
            "propose",
            &p.committee,
            "--title",
            "after start",
            "decision",
        ],
    );
    let stats = json(&p.b, &["sync", &ticket, "--bind", "127.0.0.1:0"]);
    // The proposal and the committee's first epoch (issue 14).
    assert_eq!(stats["ops_received"], 2);
    // And ops the node received land in the database others read.
    ok(
        &p.b,
        &["propose", &p.committee, "--title", "from B", "decision"],
    );
    json(&p.b, &["sync", &ticket, "--bind", "127.0.0.1:0"]);
    ok(
        &p.a,
        &["propose", &p.committee, "--title", "after sync", "decision"],
    );
    assert_eq!(
        json(&p.a, &["proposal", "list"]).as_array().unwrap().len(),
        3
    );
    json(&p.b, &["sync", &ticket, "--bind", "127.0.0.1:0"]);
    assert_eq!(digest(&p.a), digest(&p.b));
}

fn serve(dir: &Path) -> (Server, String) {
    let ticket_file = dir.join("sync-ticket");
    let _ = std::fs::remove_file(&ticket_file);
    let server = Server(
        Command::new(env!("CARGO_BIN_EXE_kenes"))
            .arg("--data-dir")
            .arg(dir)
            .args(["serve", "--bind", "127.0.0.1:0", "--web", "127.0.0.1:0"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    for _ in 0..200 {
        if ticket_file.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let ticket = ok(dir, &["ticket"]).trim().to_string();
    (server, ticket)
}

#[test]
fn issue_4_a_node_syncs_its_peers_after_local_changes() {
    let p = pair();
    let (_a, ticket_a) = serve(&p.a);
    json(&p.b, &["peers", "add", &ticket_a]);
    assert_eq!(json(&p.b, &["peers", "list"]).as_array().unwrap().len(), 1);
    let (_b, _) = serve(&p.b);
    // A change on B reaches A without anyone running `kenes sync`.
    ok(
        &p.b,
        &[
            "propose",
            &p.committee,
            "--title",
            "pushed by B's node",
            "decision",
        ],
    );
    let mut arrived = false;
    for _ in 0..300 {
        if json(&p.a, &["proposal", "list"]).as_array().unwrap().len() == 1 {
            arrived = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(arrived, "B's node did not sync its change to A");
    let peers = json(&p.b, &["peers", "list"]);
    assert_eq!(peers[0]["last"]["ok"], true, "{peers}");
    assert!(
        peers[0]["last"]["ops_sent"].as_u64().unwrap() >= 1,
        "{peers}"
    );
}

/// Waits until every node reports the same digest.
fn converge(nodes: &[&Path]) -> bool {
    for _ in 0..300 {
        let digests: Vec<String> = nodes.iter().map(|n| digest(n)).collect();
        if digests.windows(2).all(|w| w[0] == w[1]) {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    false
}

#[test]
fn issue_4_three_nodes_in_a_line_converge_and_again_after_a_restart() {
    let p = pair();
    let (c, _) = third_member(&p);
    let (a, b, cc) = (p.a.as_path(), p.b.as_path(), c.as_path());
    let (_sa, ta) = serve(a);
    let (_sc, tc) = serve(cc);
    // The line A – B – C: B knows both ends, the ends know B.
    json(b, &["peers", "add", &ta]);
    json(b, &["peers", "add", &tc]);
    let (sb, tb) = serve(b);
    json(a, &["peers", "add", &tb]);
    json(cc, &["peers", "add", &tb]);
    for (n, title) in [(a, "from A"), (b, "from B"), (cc, "from C")] {
        ok(n, &["propose", &p.committee, "--title", title, "decision"]);
    }
    assert!(converge(&[a, b, cc]), "the line did not converge");
    assert_eq!(json(cc, &["proposal", "list"]).as_array().unwrap().len(), 3);
    // Stop B, change both ends, start B again.
    drop(sb);
    ok(
        a,
        &[
            "propose",
            &p.committee,
            "--title",
            "while B was down (A)",
            "decision",
        ],
    );
    ok(
        cc,
        &[
            "propose",
            &p.committee,
            "--title",
            "while B was down (C)",
            "decision",
        ],
    );
    let (_sb, _) = serve(b);
    assert!(converge(&[a, b, cc]), "no convergence after B restarted");
    assert_eq!(json(a, &["proposal", "list"]).as_array().unwrap().len(), 5);
}

#[test]
fn issue_4_the_client_refuses_a_server_without_standing() {
    let p = pair();
    // The stranger holds a copy of the federation, but nobody vouched for
    // its key: members must not sync with it (it could be a honeypot).
    let stranger = p.a.parent().unwrap().join("honeypot");
    json(&stranger, &["id", "new", "--name", "honeypot"]);
    let bundle = p.a.join("all.bundle");
    ok(&p.a, &["export", "--clear", bundle.to_str().unwrap()]);
    ok(&stranger, &["import", bundle.to_str().unwrap()]);
    let (_server, ticket) = serve(&stranger);
    let refused = user_error(&p.b, &["sync", &ticket, "--bind", "127.0.0.1:0"]);
    assert!(refused.contains("neither a member"), "{refused}");
}

/// Relays UDP between one client and `server` on loopback, recording every
/// datagram, like an observer on the network path.
fn udp_tap(
    server: std::net::SocketAddr,
) -> (
    std::net::SocketAddr,
    std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
    std::sync::Arc<std::sync::atomic::AtomicBool>,
) {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    socket
        .set_read_timeout(Some(std::time::Duration::from_millis(100)))
        .unwrap();
    let addr = socket.local_addr().unwrap();
    let captured = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let (c, s) = (captured.clone(), stop.clone());
    std::thread::spawn(move || {
        let mut client = None;
        let mut buf = vec![0u8; 65_536];
        while !s.load(Ordering::Relaxed) {
            let Ok((n, from)) = socket.recv_from(&mut buf) else {
                continue;
            };
            c.lock().unwrap().extend_from_slice(&buf[..n]);
            if from == server {
                if let Some(to) = client {
                    let _ = socket.send_to(&buf[..n], to);
                }
            } else {
                client = Some(from);
                let _ = socket.send_to(&buf[..n], server);
            }
        }
    });
    (addr, captured, stop)
}

#[test]
fn issue_4_a_capture_of_the_handshake_does_not_contain_member_keys() {
    use kenes_sync::net::Ticket;
    let p = pair();
    ok(
        &p.a,
        &[
            "propose",
            &p.committee,
            "--title",
            "seen through the tap",
            "decision",
        ],
    );
    let (_server, ticket) = serve(&p.a);
    let real = Ticket::from_text(&ticket).unwrap();
    let (tap, captured, stop) = udp_tap(real.addrs[0]);
    let tapped = Ticket {
        addrs: vec![tap],
        ..real
    };
    let stats = json(&p.b, &["sync", &tapped.to_text(), "--bind", "127.0.0.1:0"]);
    // The proposal and the committee's first epoch (issue 14).
    assert_eq!(stats["ops_received"], 2);
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let capture = captured.lock().unwrap().clone();
    assert!(capture.len() > 1_000, "the tap saw the session");
    for dir in [&p.a, &p.b] {
        let key = public_key(dir);
        let bytes: Vec<u8> = (0..32)
            .map(|i| u8::from_str_radix(&key[2 * i..2 * i + 2], 16).unwrap())
            .collect();
        assert!(
            !capture.windows(32).any(|w| w == bytes.as_slice()),
            "a member key crossed the wire in the clear"
        );
        assert!(
            !String::from_utf8_lossy(&capture).contains(&key),
            "a member key crossed the wire as hex"
        );
    }
}
