//! Issue 18: `kenes proposal list`/`show`, `kenes log` and `kenes alerts`
//! answer from the persisted read snapshot, and what they print from it is
//! exactly what they print after replaying the op log.

use super::{id_of, json, ok, pair, pass, public_key, sync_all, third_member};
use rusqlite::Connection;
use std::path::{Path, PathBuf};

/// The only federation database in data directory `dir`.
fn database(dir: &Path) -> PathBuf {
    let found: Vec<PathBuf> = std::fs::read_dir(dir.join("federations"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sqlite"))
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    found[0].clone()
}

/// The four read commands, text and `--json`, with `proposal show` for
/// each of `proposals`.
fn read_commands(proposals: &[String]) -> Vec<Vec<String>> {
    let mut commands = vec![
        vec!["log".to_string()],
        vec!["alerts".to_string()],
        vec!["proposal".to_string(), "list".to_string()],
    ];
    for p in proposals {
        commands.push(vec!["proposal".into(), "show".into(), p.clone()]);
    }
    let with_json: Vec<Vec<String>> = commands
        .iter()
        .map(|c| {
            let mut c = c.clone();
            c.push("--json".into());
            c
        })
        .collect();
    commands.extend(with_json);
    commands
}

/// Counts every snapshot saved from now on in table `saves`: a reader
/// saves one after each replay, and only then.
fn count_saves(db: &Path) {
    Connection::open(db)
        .unwrap()
        .execute_batch(
            "CREATE TABLE saves (n INTEGER NOT NULL);
             CREATE TRIGGER snapshot_saved AFTER INSERT ON snapshot
             BEGIN INSERT INTO saves (n) VALUES (1); END;",
        )
        .unwrap();
}

/// Snapshots saved since the last call, which forgets them.
fn saves(db: &Path) -> i64 {
    let conn = Connection::open(db).unwrap();
    let n = conn
        .query_row("SELECT count(*) FROM saves", [], |r| r.get(0))
        .unwrap();
    conn.execute_batch("DELETE FROM saves").unwrap();
    n
}

/// Runs each read command on `dir` with its snapshot current, then after
/// each way of losing it (deleted, damaged, cut short, made by another
/// fold), and checks every run prints the same, that each run after a
/// loss replayed (it saved a fresh snapshot) and that each run on a
/// current snapshot did not.
fn same_from_snapshot_and_replay(dir: &Path, proposals: &[String]) {
    let db = database(dir);
    count_saves(&db);
    let losses = [
        "DELETE FROM snapshot",
        "UPDATE snapshot SET bytes = CAST(zeroblob(length(bytes)) AS BLOB)",
        "UPDATE snapshot SET bytes = substr(bytes, 1, length(bytes) - 1)",
        "UPDATE snapshot SET build = 'another fold'",
    ];
    for command in read_commands(proposals) {
        let args: Vec<&str> = command.iter().map(String::as_str).collect();
        // Whatever ran before, a snapshot is current after one read.
        ok(dir, &args);
        saves(&db);
        let from_snapshot = ok(dir, &args);
        assert_eq!(saves(&db), 0, "{command:?} replayed");
        for loss in losses {
            Connection::open(&db).unwrap().execute_batch(loss).unwrap();
            let replayed = ok(dir, &args);
            assert_eq!(saves(&db), 1, "{command:?} after {loss}");
            assert_eq!(replayed, from_snapshot, "{command:?} after {loss}");
            let again = ok(dir, &args);
            assert_eq!(saves(&db), 0, "{command:?} replayed again after {loss}");
            assert_eq!(again, from_snapshot, "{command:?} after {loss}");
        }
    }
}

#[test]
fn issue_18_proposals_log_and_alerts_print_the_same_from_the_snapshot_as_after_a_replay() {
    // The demo: councils with mandate reports, closed proposals, sealed
    // titles; and an open proposal with a ballot on it.
    let tmp = tempfile::tempdir().unwrap();
    let demo = tmp.path().join("demo");
    json(&demo, &["demo", "--no-serve"]);
    let me = public_key(&demo);
    let mine = json(&demo, &["committee", "list"])
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["members"].as_array().unwrap().iter().any(|m| m == &me))
        .map(|c| c["id"].as_str().unwrap().to_string())
        .expect("the founder's committee");
    let open = id_of(json(
        &demo,
        &[
            "propose",
            &mine,
            "--title",
            "Hold out until Friday",
            "decision",
        ],
    ));
    ok(&demo, &["vote", &open, "yes"]);
    let all = json(&demo, &["proposal", "list"]);
    let all = all.as_array().unwrap();
    let mandated = all
        .iter()
        .find(|p| {
            p["mandate_report"]
                .as_array()
                .is_some_and(|r| !r.is_empty())
        })
        .expect("a proposal with a mandate report");
    let closed = all
        .iter()
        .find(|p| p["status"] == "closed")
        .expect("a closed proposal");
    let shown = json(&demo, &["proposal", "show", &open]);
    assert_eq!(shown["status"], "open");
    assert_eq!(shown["tally"]["yes"], "1", "{shown}");
    same_from_snapshot_and_replay(
        &demo,
        &[open, id_of(mandated.clone()), id_of(closed.clone())],
    );

    // Three members: Nurlan's proposal voided by his removal, which
    // passed and closed; an open proposal with two ballots.
    let p = pair();
    let (c, _) = third_member(&p);
    let nurlan = public_key(&p.b);
    let nodes = [p.a.as_path(), p.b.as_path(), c.as_path()];
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
    let removal = pass(
        &[p.a.as_path(), c.as_path()],
        &p.a,
        &[&p.committee, "--title", "Remove Nurlan", "remove", &nurlan],
    );
    sync_all(&nodes);
    let open = id_of(json(
        &p.a,
        &[
            "propose",
            &p.committee,
            "--title",
            "Strike on Monday",
            "decision",
        ],
    ));
    sync_all(&nodes);
    ok(&p.a, &["vote", &open, "yes"]);
    ok(&c, &["vote", &open, "no"]);
    sync_all(&nodes);
    let alerts = json(&p.a, &["alerts"]);
    assert!(
        alerts["voided"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["id"] == his.as_str()),
        "{alerts}"
    );
    assert!(ok(&p.a, &["log"]).contains("void: "));
    same_from_snapshot_and_replay(&p.a, &[removal, open]);
}
