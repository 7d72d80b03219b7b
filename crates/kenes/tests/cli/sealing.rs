//! Issue 14: committee content sealed to the committee. What an
//! infiltrator vouched into one committee holds and sees of another.

use super::issue12::{committee_named, http};
use super::{json, ok, public_key, serve, sync_all};
use std::path::{Path, PathBuf};

fn member(dir: &Path, name: &str) -> String {
    json(dir, &["id", "new", "--name", name])["public_key"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Every file under `dir`, recursively.
pub(super) fn files(dir: &Path) -> Vec<PathBuf> {
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
const B_THREAD_TITLE: &str = "B-thread-title-5150";
const B_THREAD_TEXT: &str = "B-thread-text-6262 the night shift";
const B_COMMENT: &str = "B-comment-8080 bring the banner";
const A_THREAD_TITLE: &str = "A-thread-title-3030";
const A_THREAD_TEXT: &str = "A-thread-text-4040";
const B_REPORT: &str = "B-report-1212 the union office meets at 9";
/// The display name of a member of B only.
const B_NAME: &str = "Nurlan-name-4747";

/// The id an authoring command printed.
fn id_of(dir: &Path, args: &[&str]) -> String {
    json(dir, args)["id"].as_str().unwrap().to_string()
}

/// Issue 14's first test: an infiltrator vouched into committee A syncs
/// the whole federation. Committee B's proposal title and text, and its
/// discussion (a thread's title and text, a comment), appear in no file
/// of their data directory (database, WAL, key file, bundles) and in
/// nothing the CLI shows them; A's they read; B's members read B's.
#[test]
fn issue_14_an_infiltrator_in_committee_a_reads_nothing_of_committee_b() {
    let tmp = tempfile::tempdir().unwrap();
    let (founder, b_member, infiltrator) = (
        tmp.path().join("founder"),
        tmp.path().join("b-member"),
        tmp.path().join("infiltrator"),
    );
    member(&founder, "Aigerim");
    let pb = member(&b_member, B_NAME);
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
    // Discussion in both committees, sealed by default.
    let b_thread = id_of(
        &b_member,
        &[
            "discuss",
            &committee_b,
            "--title",
            B_THREAD_TITLE,
            "--text",
            B_THREAD_TEXT,
        ],
    );
    sync_all(&all);
    let b_comment = id_of(&founder, &["comment", &b_thread, "--text", B_COMMENT]);
    let a_thread = id_of(
        &founder,
        &[
            "discuss",
            &committee_a,
            "--title",
            A_THREAD_TITLE,
            "--text",
            A_THREAD_TEXT,
        ],
    );
    // Reports: one marked committee only, one for the federation.
    let report = |text: &str, only: bool| {
        let mut args = vec![
            "report",
            "new",
            &committee_b,
            "--kind",
            "meeting",
            "--area",
            "Kazakhstan/Mangystau/Zhanaozen",
            "--participants",
            "35",
            "--text",
            text,
        ];
        if only {
            args.push("--committee-only");
        }
        id_of(&b_member, &args)
    };
    let b_report = report(B_REPORT, true);
    let federation_report = report("Federation-report-2323 rally at noon", false);
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
    let b_secrets = [
        B_TITLE,
        "B-secret-text-9902",
        "B-thread-title-5150",
        "B-thread-text-6262",
        "B-comment-8080",
        "B-report-1212",
        B_NAME,
    ];
    for secret in b_secrets {
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
        vec!["committee", "show", &committee_b],
        vec!["committee", "list", "--json"],
        vec!["alerts", "--json"],
        vec!["log"],
        vec!["thread", &committee_b],
        vec!["thread", &committee_b, "--json"],
        vec!["thread", &b_thread],
        vec!["thread", &b_thread, "--json"],
        vec!["thread", &b_comment, "--json"],
        vec!["report", "list"],
        vec!["report", "list", "--json"],
        vec!["situation", "--by", "area", "--json"],
    ] {
        let out = ok(&infiltrator, &args);
        for secret in b_secrets {
            assert!(!out.contains(secret), "{args:?}: {out}");
        }
    }
    // B's committee-only report: its figures for everyone, its text
    // sealed; the federation's report they read.
    let reports = json(&infiltrator, &["report", "list"]);
    let row = |id: &str| {
        reports
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .unwrap()
            .clone()
    };
    let sealed_report = row(&b_report);
    assert_eq!(sealed_report["participants"], 35);
    assert_eq!(sealed_report["committee_only"], true);
    assert_eq!(
        sealed_report["history"][0]["text"],
        kenes_core::keyring::SEALED_NOTICE
    );
    assert_eq!(sealed_report["history"][0]["readable"], false);
    assert_eq!(
        row(&federation_report)["history"][0]["text"],
        "Federation-report-2323 rally at noon"
    );
    // B's discussion shows as sealed to them, never as an error.
    let b_seen = json(&infiltrator, &["thread", &b_thread]);
    assert_eq!(b_seen["root"]["sealed"], true);
    assert_eq!(b_seen["root"]["readable"], false);
    assert_eq!(b_seen["root"]["title"], kenes_core::keyring::SEALED_NOTICE);
    assert_eq!(b_seen["root"]["text"], kenes_core::keyring::SEALED_NOTICE);
    assert_eq!(
        b_seen["posts"][0]["text"],
        kenes_core::keyring::SEALED_NOTICE
    );
    assert!(ok(&infiltrator, &["thread", &b_thread]).contains(kenes_core::keyring::SEALED_NOTICE));
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
        let b_read = json(reader, &["thread", &b_thread]);
        assert_eq!(b_read["root"]["title"], B_THREAD_TITLE);
        assert_eq!(b_read["root"]["text"], B_THREAD_TEXT);
        assert_eq!(b_read["root"]["sealed"], true);
        assert_eq!(b_read["root"]["readable"], true);
        assert_eq!(b_read["posts"][0]["text"], B_COMMENT);
        assert!(ok(reader, &["thread", &committee_b]).contains(B_THREAD_TITLE));
        let listed = json(reader, &["report", "list"]).to_string();
        assert!(listed.contains(B_REPORT), "{listed}");
    }
    // Names: B's member is a key to the infiltrator, who shares no
    // committee with them; the founder, who is in A too, they read by
    // name, and B's member reads the founder's, sealed to B.
    let names = |reader: &Path, committee: &str| {
        json(reader, &["committee", "show", committee])["member_names"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                (
                    m["public_key"].as_str().unwrap().to_string(),
                    m["name"].clone(),
                )
            })
            .collect::<std::collections::BTreeMap<_, _>>()
    };
    let pf = public_key(&founder);
    let seen_by_infiltrator = names(&infiltrator, &committee_b);
    assert_eq!(seen_by_infiltrator[&pb], serde_json::Value::Null);
    assert_eq!(seen_by_infiltrator[&pf], "Aigerim");
    assert_eq!(names(&b_member, &committee_b)[&pf], "Aigerim");
    assert_eq!(names(&b_member, &committee_b)[&pb], B_NAME);
    assert_eq!(names(&founder, &committee_b)[&pb], B_NAME);
    assert_eq!(names(&founder, &committee_a)[&pi], "Infiltrator");
    assert_eq!(
        names(&b_member, &committee_a)[&pi],
        serde_json::Value::Null,
        "B's member shares no committee with the infiltrator"
    );
    let a_read = json(&infiltrator, &["thread", &a_thread]);
    assert_eq!(a_read["root"]["title"], A_THREAD_TITLE);
    assert_eq!(a_read["root"]["text"], A_THREAD_TEXT);
    assert_eq!(a_read["root"]["sealed"], true, "A's thread is sealed to A");
    // A reader of B holds the words only in their own view, never on disk
    // either: the store keeps ciphertext.
    // Nor B's member's name, which only their own key file holds.
    assert_eq!(holding(&founder, B_NAME), Vec::<PathBuf>::new());
    for secret in [B_TITLE, "B-thread-title-5150", "B-comment-8080"] {
        assert_eq!(holding(&founder, secret), Vec::<PathBuf>::new());
        assert_eq!(holding(&b_member, secret), Vec::<PathBuf>::new());
    }
}

/// What the web UI and its JSON API of the node at `dir` (running
/// `kenes serve`) show at `paths`, each page's body with its path.
fn web_pages(dir: &Path, paths: &[String]) -> Vec<(String, String)> {
    let url = std::fs::read_to_string(dir.join("web-url")).unwrap();
    let rest = url.trim().strip_prefix("http://").unwrap();
    let (addr, query) = rest.split_once('/').unwrap();
    let token = query.rsplit('=').next().unwrap().to_string();
    paths
        .iter()
        .map(|path| (path.clone(), http(addr, "GET", path, &token, "", "")))
        .collect()
}

/// Issue 14, the infiltrator's own node served to their browser: B's
/// proposal and discussion texts appear in no page of the web UI and no
/// answer of its JSON API (every page and endpoint that names B's
/// committee, proposal, thread or comment, and the federation-wide ones);
/// what is sealed to A they read there decrypted. The pages are read over
/// HTTP and then in headless Chromium, as the infiltrator's browser shows
/// them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_14_an_infiltrator_in_committee_a_sees_nothing_of_committee_b_in_the_web_ui_or_api() {
    let tmp = tempfile::tempdir().unwrap();
    let (founder, infiltrator, b_member) = (
        tmp.path().join("founder"),
        tmp.path().join("infiltrator"),
        tmp.path().join("b-member"),
    );
    member(&founder, "Aigerim");
    let pi = member(&infiltrator, "Infiltrator");
    let pb = member(&b_member, B_NAME);
    json(
        &founder,
        &["federation", "create", "--name", "Kazakhstan 2022"],
    );
    let committee_a = committee_named(&founder, "Zhanaozen residents");
    let committee_b = committee_named(&founder, "Ozenmunaigas strike committee");
    ok(&founder, &["vouch", &committee_a, &pi]);
    ok(&founder, &["vouch", &committee_b, &pb]);
    let all = [founder.as_path(), infiltrator.as_path(), b_member.as_path()];
    sync_all(&all);
    ok(&infiltrator, &["join", &committee_a]);
    ok(&b_member, &["join", &committee_b]);
    sync_all(&all);
    let b_proposal = id_of(
        &founder,
        &[
            "propose",
            &committee_b,
            "--title",
            B_TITLE,
            "--text",
            B_TEXT,
            "decision",
        ],
    );
    let b_thread = id_of(
        &founder,
        &[
            "discuss",
            &committee_b,
            "--title",
            B_THREAD_TITLE,
            "--text",
            B_THREAD_TEXT,
        ],
    );
    let b_comment = id_of(&founder, &["comment", &b_thread, "--text", B_COMMENT]);
    ok(
        &founder,
        &[
            "announce",
            &committee_b,
            "--text",
            "B-announce-7171 police at gate 4",
        ],
    );
    ok(
        &founder,
        &[
            "report",
            "new",
            &committee_b,
            "--kind",
            "meeting",
            "--area",
            "Kazakhstan/Mangystau/Zhanaozen",
            "--text",
            B_REPORT,
            "--committee-only",
        ],
    );
    let a_proposal = id_of(
        &founder,
        &["propose", &committee_a, "--title", A_TITLE, "decision"],
    );
    let a_thread = id_of(
        &founder,
        &[
            "discuss",
            &committee_a,
            "--title",
            A_THREAD_TITLE,
            "--text",
            A_THREAD_TEXT,
        ],
    );
    sync_all(&all);
    sync_all(&all);

    let (_server, _ticket) = serve(&infiltrator);
    let mut paths: Vec<String> = [
        "/",
        "/structure",
        "/audit",
        "/platform",
        "/api/committees",
        "/api/proposals",
        "/api/attention",
        "/api/alerts",
        "/api/reports",
        "/api/demands",
        "/api/situation",
    ]
    .iter()
    .map(|p| p.to_string())
    .collect();
    for id in [&committee_b, &b_proposal, &b_thread, &b_comment] {
        paths.push(format!("/discussion/{id}"));
        paths.push(format!("/api/thread/{id}"));
    }
    paths.push(format!("/committee/{committee_b}"));
    paths.push(format!("/api/committees/{committee_b}"));
    paths.push(format!("/proposal/{b_proposal}"));
    paths.push(format!("/api/proposals/{b_proposal}"));
    let pages = web_pages(&infiltrator, &paths);
    for (path, body) in &pages {
        for secret in [
            B_TITLE,
            "B-secret-text-9902",
            "B-thread-title-5150",
            "B-thread-text-6262",
            "B-comment-8080",
            "B-announce-7171",
            "B-report-1212",
            B_NAME,
        ] {
            assert!(!body.contains(secret), "{path} shows {secret}: {body}");
        }
    }
    // B's texts show as sealed, never as an error.
    let shown = |path: String| {
        pages
            .iter()
            .find(|(p, _)| *p == path)
            .map(|(_, b)| b.clone())
            .unwrap()
    };
    let notice = kenes_core::keyring::SEALED_NOTICE;
    assert!(shown(format!("/proposal/{b_proposal}")).contains(notice));
    assert!(shown(format!("/discussion/{b_thread}")).contains(notice));
    let thread: serde_json::Value =
        serde_json::from_str(&shown(format!("/api/thread/{b_thread}"))).unwrap();
    assert_eq!(thread["root"]["readable"], false);
    assert_eq!(thread["root"]["sealed"], true);
    assert_eq!(thread["posts"][0]["text"], notice);
    // A's they read, decrypted.
    let a_pages = web_pages(
        &infiltrator,
        &[
            format!("/proposal/{a_proposal}"),
            format!("/discussion/{a_thread}"),
            format!("/api/thread/{a_thread}"),
        ],
    );
    assert!(a_pages[0].1.contains(A_TITLE), "{}", a_pages[0].1);
    assert!(a_pages[1].1.contains(A_THREAD_TITLE) && a_pages[1].1.contains(A_THREAD_TEXT));
    let a_thread_json: serde_json::Value = serde_json::from_str(&a_pages[2].1).unwrap();
    assert_eq!(a_thread_json["root"]["readable"], true);
    assert_eq!(a_thread_json["root"]["title"], A_THREAD_TITLE);

    // What the browser shows them: the same, as rendered.
    let url = std::fs::read_to_string(infiltrator.join("web-url")).unwrap();
    let url = url.trim().to_string();
    let (b_pages, a_pages) = (
        [
            format!("/committee/{committee_b}"),
            format!("/proposal/{b_proposal}"),
            format!("/discussion/{committee_b}"),
            format!("/discussion/{b_thread}"),
            "/".to_string(),
        ],
        [
            format!("/proposal/{a_proposal}"),
            format!("/discussion/{a_thread}"),
        ],
    );
    super::browser::in_browser(move |web| async move {
        use super::browser::text;
        let base = url.split("/?").next().unwrap().to_string();
        web.goto(&url).await?;
        for path in &b_pages {
            web.goto(&format!("{base}{path}")).await?;
            let shown = text(&web).await;
            for secret in [
                B_TITLE,
                "B-secret-text-9902",
                "B-thread-title-5150",
                "B-thread-text-6262",
                "B-comment-8080",
                "B-announce-7171",
                "B-report-1212",
                B_NAME,
            ] {
                assert!(!shown.contains(secret), "{path} shows {secret}: {shown}");
            }
        }
        web.goto(&format!("{base}{}", b_pages[3])).await?;
        assert!(text(&web).await.contains(notice));
        web.goto(&format!("{base}{}", a_pages[1])).await?;
        let shown = text(&web).await;
        assert!(
            shown.contains(A_THREAD_TITLE) && shown.contains(A_THREAD_TEXT),
            "{shown}"
        );
        web.goto(&format!("{base}{}", a_pages[0])).await?;
        assert!(text(&web).await.contains(A_TITLE));
        Ok(())
    })
    .await;
}
