//! Issue 14: committee content sealed to the committee. What an
//! infiltrator vouched into one committee holds and sees of another.

use super::issue12::committee_named;
use super::{json, ok, sync_all};
use std::path::{Path, PathBuf};

fn member(dir: &Path, name: &str) -> String {
    json(dir, &["id", "new", "--name", name])["public_key"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Every file under `dir`, recursively.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// The files under `dir` whose raw bytes hold `needle`.
fn holding(dir: &Path, needle: &str) -> Vec<PathBuf> {
    files(dir)
        .into_iter()
        .filter(|f| {
            let bytes = std::fs::read(f).unwrap_or_default();
            bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
        })
        .collect()
}

const B_TITLE: &str = "B-secret-title-4417";
const B_TEXT: &str = "B-secret-text-9902 meet at the depot";
const A_TITLE: &str = "A-open-title-7731";

/// Issue 14's first test: an infiltrator vouched into committee A syncs
/// the whole federation. Committee B's proposal title and text appear in
/// no file of their data directory (database, WAL, key file, bundles)
/// and in nothing the CLI shows them; A's they read; B's members read B's.
#[test]
fn issue_14_an_infiltrator_in_committee_a_reads_nothing_of_committee_b() {
    let tmp = tempfile::tempdir().unwrap();
    let (founder, b_member, infiltrator) = (
        tmp.path().join("founder"),
        tmp.path().join("b-member"),
        tmp.path().join("infiltrator"),
    );
    member(&founder, "Aigerim");
    let pb = member(&b_member, "Nurlan");
    let pi = member(&infiltrator, "Infiltrator");
    json(
        &founder,
        &["federation", "create", "--name", "Kazakhstan 2022"],
    );
    let committee_a = committee_named(&founder, "Zhanaozen residents");
    let committee_b = committee_named(&founder, "Ozenmunaigas strike committee");
    ok(&founder, &["vouch", &committee_b, &pb]);
    ok(&founder, &["vouch", &committee_a, &pi]);
    let all = [founder.as_path(), b_member.as_path(), infiltrator.as_path()];
    sync_all(&all);
    ok(&b_member, &["join", &committee_b]);
    ok(&infiltrator, &["join", &committee_a]);
    sync_all(&all);

    let b_proposal = json(
        &b_member,
        &[
            "propose",
            &committee_b,
            "--title",
            B_TITLE,
            "--text",
            B_TEXT,
            "decision",
        ],
    )["id"]
        .as_str()
        .unwrap()
        .to_string();
    sync_all(&all);
    let a_proposal = json(
        &founder,
        &["propose", &committee_a, "--title", A_TITLE, "decision"],
    )["id"]
        .as_str()
        .unwrap()
        .to_string();
    // The infiltrator acts too (their key and a vote), then everyone
    // syncs everything, twice, so each holds every op.
    sync_all(&all);
    ok(&infiltrator, &["vote", &a_proposal, "yes"]);
    sync_all(&all);
    sync_all(&all);

    // Every replica holds the same ops and state.
    let digests: Vec<String> = all.iter().map(|d| super::digest(d)).collect();
    assert!(digests.windows(2).all(|w| w[0] == w[1]), "{digests:?}");

    // Nowhere in the infiltrator's files, the SQLite database and its WAL
    // included.
    assert!(
        files(&infiltrator)
            .iter()
            .any(|f| f.to_string_lossy().ends_with(".sqlite"))
    );
    for secret in [B_TITLE, "B-secret-text-9902"] {
        assert_eq!(
            holding(&infiltrator, secret),
            Vec::<PathBuf>::new(),
            "{secret}"
        );
    }
    // Nor in what the CLI shows them.
    let shown = ok(&infiltrator, &["proposal", "show", &b_proposal]);
    assert!(
        shown.contains(kenes_core::keyring::SEALED_NOTICE),
        "{shown}"
    );
    for args in [
        vec!["proposal", "list", "--json"],
        vec!["proposal", "list"],
        vec!["proposal", "show", &b_proposal, "--json"],
        vec!["log", "--json"],
        vec!["state", "--json"],
        vec!["committee", "show", &committee_b, "--json"],
    ] {
        let out = ok(&infiltrator, &args);
        assert!(
            !out.contains(B_TITLE) && !out.contains("B-secret-text"),
            "{args:?}: {out}"
        );
    }
    let listed = super::json(&infiltrator, &["proposal", "show", &b_proposal]);
    assert_eq!(listed["sealed"], true);
    assert_eq!(listed["title"], kenes_core::keyring::SEALED_NOTICE);

    // What is theirs they read; B's member reads B's, and so does the
    // founder, who is in B.
    let a_shown = json(&infiltrator, &["proposal", "show", &a_proposal]);
    assert_eq!(a_shown["title"], A_TITLE);
    assert_eq!(a_shown["sealed"], true, "A's proposal is sealed to A");
    for reader in [&b_member, &founder] {
        let b_shown = json(reader, &["proposal", "show", &b_proposal]);
        assert_eq!(b_shown["title"], B_TITLE);
        assert_eq!(b_shown["text"], B_TEXT);
    }
    // A reader of B holds the words only in their own view, never on disk
    // either: the store keeps ciphertext.
    assert_eq!(holding(&founder, B_TITLE), Vec::<PathBuf>::new());
    assert_eq!(holding(&b_member, B_TITLE), Vec::<PathBuf>::new());
}
