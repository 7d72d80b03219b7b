//! Issue 14, at rest: with a passphrase on the key file, every database in
//! the data directory is encrypted (SQLCipher). What a seized laptop,
//! switched off, shows of it; and that the passphrase opens it, no
//! passphrase or a wrong one fails in one line and changes nothing.

use super::issue12::committee_named;
use super::public_key;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const PASS: &str = "correct horse battery staple";
const MEMBER: &str = "Aigerim-Name-5521";
const FEDERATION: &str = "Fed-Name-8812";
const COMMITTEE: &str = "Committee-Name-3349";
const TITLE: &str = "Title-Words-7710";
const TEXT: &str = "Text-Words-6602 meet at the depot";

/// `kenes` in `dir` with `pass` as `$KENES_PASSPHRASE` (none if `None`).
fn run(dir: &Path, pass: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kenes"));
    cmd.arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("KENES_PASSPHRASE");
    if let Some(pass) = pass {
        cmd.env("KENES_PASSPHRASE", pass);
    }
    cmd.output().expect("run kenes")
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let out = run(dir, Some(PASS), args);
    assert!(
        out.status.success(),
        "kenes {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn json(dir: &Path, args: &[&str]) -> serde_json::Value {
    let mut all = args.to_vec();
    all.push("--json");
    serde_json::from_str(&ok(dir, &all)).unwrap()
}

/// Fails with exit 1 and one line on stderr, which it returns.
fn refused(dir: &Path, pass: Option<&str>, args: &[&str]) -> String {
    let out = run(dir, pass, args);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    stderr
}

/// The federation databases of `dir` and whatever lies beside them (WAL,
/// shared memory), as raw bytes.
fn database_files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(dir.join("federations"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect();
    out.sort();
    out
}

/// [`database_files`] less SQLite's shared-memory index (`-shm`), which
/// any process that looks at a WAL database may rebuild, and an empty WAL
/// (a reader makes one): the database and its WAL, what holds data.
fn persistent_of(files: Vec<(PathBuf, Vec<u8>)>) -> Vec<(PathBuf, Vec<u8>)> {
    files
        .into_iter()
        .filter(|(p, b)| !p.to_string_lossy().ends_with("-shm") && !b.is_empty())
        .collect()
}

fn persistent(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    persistent_of(database_files(dir))
}

fn holds(bytes: &[u8], needle: &[u8]) -> bool {
    bytes.windows(needle.len()).any(|w| w == needle)
}

/// Everything secret in `dir`: names, texts, the member's key (hex and
/// raw), the federation id.
fn secrets(dir: &Path, federation: &str) -> Vec<Vec<u8>> {
    let key = public_key(dir);
    let mut all: Vec<Vec<u8>> = [MEMBER, FEDERATION, COMMITTEE, TITLE, "Text-Words-6602"]
        .iter()
        .map(|s| s.as_bytes().to_vec())
        .collect();
    all.push(key.as_bytes().to_vec());
    all.push(hex::decode(&key).unwrap());
    all.push(hex::decode(federation).unwrap());
    all.push(b"SQLite format 3".to_vec());
    all
}

/// Issue 14: a seized laptop, switched off. With a passphrase, the
/// database (and its WAL, kept by a `kenes serve` running against it)
/// holds none of the member's name, the federation's or committee's
/// names, a proposal's title or text, or a key, in any form; without the
/// passphrase, or with a wrong one, every command, reading ones too,
/// fails in one line and leaves the files as they were; with it, all
/// reads as before.
#[test]
fn issue_14_with_a_passphrase_the_database_and_its_wal_show_no_name_key_or_text() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("laptop");
    ok(&dir, &["id", "new", "--name", MEMBER]);
    let federation = json(&dir, &["federation", "create", "--name", FEDERATION])["id"]
        .as_str()
        .unwrap()
        .to_string();
    let committee = committee_named_with_passphrase(&dir, COMMITTEE);
    json(
        &dir,
        &[
            "propose", &committee, "--title", TITLE, "--text", TEXT, "decision",
        ],
    );
    assert!(
        dir.join(kenes_store::storekey::STORE_KDF_FILE).exists(),
        "the salt is kept beside the key file"
    );

    // A node running against the database keeps its WAL.
    let mut serve = super::Server(
        Command::new(env!("CARGO_BIN_EXE_kenes"))
            .arg("--data-dir")
            .arg(&dir)
            .args(["serve", "--bind", "127.0.0.1:0", "--no-web"])
            .env("KENES_PASSPHRASE", PASS)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(serve.0.stdout.as_mut().unwrap()),
        &mut line,
    )
    .unwrap();
    // A write while it runs: the WAL holds it (and the read snapshot the
    // writer leaves) until the node closes.
    json(
        &dir,
        &[
            "propose", &committee, "--title", TITLE, "--text", TEXT, "decision",
        ],
    );
    let digest = json(&dir, &["state", "--digest"])["digest"].clone();
    let files = database_files(&dir);
    drop(serve);
    assert!(
        files
            .iter()
            .any(|(p, b)| p.to_string_lossy().ends_with("-wal") && !b.is_empty()),
        "a WAL to look into: {:?}",
        files.iter().map(|(p, _)| p).collect::<Vec<_>>()
    );
    let secrets = secrets(&dir, &federation);
    for (path, bytes) in database_files(&dir).iter().chain(files.iter()) {
        for secret in &secrets {
            assert!(
                !holds(bytes, secret),
                "{} holds {:?}",
                path.display(),
                String::from_utf8_lossy(secret)
            );
        }
    }

    // Without the passphrase, or with a wrong one: one line, nothing
    // changed.
    let before = database_files(&dir);
    assert!(!persistent_of(before.clone()).is_empty());
    for args in [
        vec!["state"],
        vec!["proposal", "list"],
        vec!["federation", "list"],
        vec!["committee", "list"],
        vec!["profile", "--name", "x"],
    ] {
        let message = refused(&dir, None, &args);
        assert!(message.contains("KENES_PASSPHRASE"), "{args:?}: {message}");
        let message = refused(&dir, Some("a wrong guess"), &args);
        assert!(message.contains("passphrase"), "{args:?}: {message}");
    }
    assert!(
        persistent(&dir) == persistent_of(before),
        "refusals write nothing"
    );

    // With it, everything reads as before.
    assert_eq!(json(&dir, &["state", "--digest"])["digest"], digest);
    assert!(ok(&dir, &["proposal", "list"]).contains(TITLE));
}

/// [`committee_named`] under the passphrase.
fn committee_named_with_passphrase(dir: &Path, name: &str) -> String {
    super::issue12::committee_named_by(json, dir, name)
}

/// A federation received before the member set a passphrase is stored
/// clear; the first command given the passphrase encrypts it in place,
/// keeping every op. Until then, commands without the passphrase refuse
/// it rather than read it clear.
#[test]
fn issue_14_a_clear_database_is_encrypted_once_the_key_file_has_a_passphrase() {
    let tmp = tempfile::tempdir().unwrap();
    let founder = tmp.path().join("founder");
    let laptop = tmp.path().join("laptop");
    super::ok(&founder, &["id", "new", "--name", "Founder"]);
    super::ok(&founder, &["federation", "create", "--name", FEDERATION]);
    committee_named(&founder, COMMITTEE);
    let bundle = tmp.path().join("all.bundle");
    super::ok(&founder, &["export", "--clear", bundle.to_str().unwrap()]);
    // Imported before the member has a key: clear.
    super::ok(&laptop, &["import", bundle.to_str().unwrap()]);
    let digest = super::digest(&laptop);
    let clear = database_files(&laptop);
    assert!(clear.iter().any(|(_, b)| holds(b, COMMITTEE.as_bytes())));
    ok(&laptop, &["id", "new", "--name", MEMBER]);
    let message = refused(&laptop, None, &["state"]);
    assert!(message.contains("KENES_PASSPHRASE"), "{message}");
    assert!(
        persistent(&laptop) == persistent_of(clear),
        "refused, untouched"
    );
    assert_eq!(json(&laptop, &["state", "--digest"])["digest"], digest);
    for (path, bytes) in database_files(&laptop) {
        assert!(!holds(&bytes, COMMITTEE.as_bytes()), "{}", path.display());
        assert!(!holds(&bytes, b"SQLite format 3"), "{}", path.display());
    }
}
