//! Issue 15 from the command line: threads, comments and replies by id
//! prefix, edits, suggestions, revisions after votes and announcements,
//! carried between two nodes by bundles; hostile input refused.

use super::*;

fn posts(v: &Value) -> Vec<(String, u64)> {
    v["posts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["id"].as_str().unwrap().to_string(),
                p["depth"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn issue_15_a_thread_discussed_on_two_nodes_shows_the_same_tree() {
    let p = pair();
    let thread = id_of(json(
        &p.a,
        &[
            "discuss",
            &p.committee,
            "--title",
            "When do we strike?",
            "--text",
            "Morning shift or night shift?",
        ],
    ));
    sync(&p.a, &p.b);
    // B answers by a prefix of the thread's id; A replies to B.
    let answer = id_of(json(
        &p.b,
        &[
            "comment",
            &thread[..10],
            "--text",
            "The morning shift, gate 4.",
        ],
    ));
    sync(&p.b, &p.a);
    let reply = id_of(json(
        &p.a,
        &["comment", &answer, "--text", "Agreed: 6:00 at gate 4."],
    ));
    let second = id_of(json(&p.a, &["comment", &thread, "--text", "Bring water."]));
    sync_all(&[p.a.as_path(), p.b.as_path()]);
    let on_a = json(&p.a, &["thread", &thread]);
    let on_b = json(&p.b, &["thread", &thread]);
    assert_eq!(posts(&on_a), posts(&on_b));
    assert_eq!(
        posts(&on_a),
        vec![(answer.clone(), 1), (reply.clone(), 2), (second, 1)]
    );
    assert_eq!(on_a["root"]["title"], "When do we strike?");
    assert_eq!(on_a["posts"][0]["author_name"], "Nurlan");
    let text = ok(&p.b, &["thread", &thread]);
    assert!(text.contains("The morning shift, gate 4."), "{text}");
    assert!(text.contains("Agreed: 6:00 at gate 4."), "{text}");
    // B edits their answer; the history stays. A may not edit it.
    ok(
        &p.b,
        &[
            "edit",
            &answer,
            "--text",
            "The morning shift, gate 4, 6:00.",
        ],
    );
    assert!(user_error(&p.a, &["edit", &answer, "--text", "night"]).contains("author"));
    ok(&p.a, &["retract", &reply]);
    sync_all(&[p.a.as_path(), p.b.as_path()]);
    let shown = json(&p.a, &["thread", &thread]);
    assert_eq!(
        shown["posts"][0]["text"],
        "The morning shift, gate 4, 6:00."
    );
    assert_eq!(shown["posts"][0]["history"].as_array().unwrap().len(), 2);
    assert_eq!(shown["posts"][1]["retracted"], true);
    assert_eq!(shown["posts"][1]["text"], Value::Null);
    // The committee lists its threads and announcements.
    let announced = id_of(json(
        &p.a,
        &[
            "announce",
            &p.committee,
            "--text",
            "Strike starts 6:00, gate 4.",
        ],
    ));
    let listed = json(&p.a, &["thread", &p.committee]);
    assert_eq!(listed["threads"][0]["id"], Value::String(thread.clone()));
    assert_eq!(listed["threads"][0]["replies"], 3);
    assert_eq!(listed["announcements"][0]["id"], Value::String(announced));
    assert_eq!(digest(&p.a), {
        sync(&p.a, &p.b);
        digest(&p.b)
    });
}

#[test]
fn issue_15_a_revision_after_votes_is_flagged_and_keeps_the_ballots() {
    let p = pair();
    let proposal = id_of(json(
        &p.a,
        &[
            "propose",
            &p.committee,
            "--title",
            "Strike",
            "--text",
            "Strike from 4 January.",
            "decision",
        ],
    ));
    sync(&p.a, &p.b);
    let suggestion = id_of(json(
        &p.b,
        &[
            "suggest",
            &proposal,
            "--text",
            "Say: from the morning shift.",
        ],
    ));
    ok(&p.b, &["vote", &proposal, "yes"]);
    // Only the proposer revises.
    assert!(user_error(&p.b, &["revise", &proposal, "--text", "mine"]).contains("proposer"));
    sync(&p.b, &p.a);
    let before = json(&p.a, &["proposal", "show", &proposal])["tally"].clone();
    ok(
        &p.a,
        &[
            "revise",
            &proposal,
            "--text",
            "Strike from 4 January, morning shift.",
        ],
    );
    let after = json(&p.a, &["proposal", "show", &proposal])["tally"].clone();
    assert_eq!(before, after, "a revision moves no ballot");
    let shown = json(&p.a, &["thread", &proposal]);
    assert_eq!(shown["revision"]["revised_after_votes"], true);
    assert_eq!(shown["revision"]["ballots"][0]["revision_seen"], 0);
    assert_eq!(shown["posts"][0]["id"], Value::String(suggestion));
    assert_eq!(shown["posts"][0]["kind"], "suggestion");
    assert!(ok(&p.a, &["thread", &proposal]).contains("revised after votes"));
    // B reads the new text and votes again: the flag clears.
    sync(&p.a, &p.b);
    ok(&p.b, &["vote", &proposal, "yes"]);
    let shown = json(&p.b, &["thread", &proposal]);
    assert_eq!(shown["revision"]["revised_after_votes"], false);
    assert_eq!(shown["revision"]["ballots"][0]["revision_seen"], 1);
}

#[test]
fn issue_15_a_post_hidden_by_a_passed_decision_shows_no_text() {
    let p = pair();
    let thread = id_of(json(
        &p.a,
        &[
            "discuss",
            &p.committee,
            "--title",
            "Plan",
            "--text",
            "The plan.",
        ],
    ));
    let post = id_of(json(
        &p.a,
        &[
            "comment",
            &thread,
            "--text",
            "Names and addresses of everyone.",
        ],
    ));
    user_error(&p.a, &["hide", &post, "--hours", "0"]);
    user_error(&p.a, &["hide", &thread[..0], "--text", "x"]);
    let proposal = id_of(json(
        &p.a,
        &["hide", &post, "--text", "It puts people in danger."],
    ));
    assert_eq!(
        json(&p.a, &["proposal", "show", &proposal])["kind"],
        "hide-post"
    );
    sync(&p.a, &p.b);
    ok(&p.a, &["vote", &proposal, "yes"]);
    ok(&p.b, &["vote", &proposal, "yes"]);
    sync(&p.b, &p.a);
    ok(&p.a, &["close", &proposal]);
    let shown = json(&p.a, &["thread", &thread]);
    assert_eq!(shown["posts"][0]["hidden"], true);
    assert_eq!(shown["posts"][0]["text"], Value::Null);
    let text = ok(&p.a, &["thread", &thread]);
    assert!(
        text.contains("[hidden by a decision of the committee]"),
        "{text}"
    );
    assert!(!text.contains("Names and addresses"), "{text}");
}

#[test]
fn issue_15_hostile_deliberation_input_gets_one_line_and_exit_1() {
    let p = pair();
    let before = digest(&p.a);
    let thread_args = |title: &'static str, text: &'static str| {
        vec!["discuss", "COMMITTEE", "--title", title, "--text", text]
    };
    for (title, text) in [
        ("", "text"),
        ("title", ""),
        ("title", "   "),
        ("title", "clear \u{1b}[2J screen"),
    ] {
        let mut args = thread_args(title, text);
        args[1] = &p.committee;
        user_error(&p.a, &args);
    }
    let long = "x".repeat(16 * 1024 + 1);
    user_error(&p.a, &["announce", &p.committee, "--text", &long]);
    user_error(&p.a, &["comment", "ffffffff", "--text", "hello"]);
    user_error(&p.a, &["comment", "zz", "--text", "hello"]);
    user_error(&p.a, &["comment", &p.committee, "--text", "hello"]);
    user_error(&p.a, &["thread", "xyz"]);
    user_error(&p.a, &["edit", &p.committee, "--text", "x"]);
    user_error(&p.a, &["revise", &p.committee, "--text", "x"]);
    assert_eq!(digest(&p.a), before, "nothing was written");
}

/// In headless Chromium: a thread under a proposal at 360 px in English,
/// Russian and Kazakh (nothing wider than the screen), a reply posted from
/// its in-place form; then an announcement by a third member pinned on two
/// other members' boards, each clearing it by reading it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_15_a_thread_and_an_announcement_in_a_real_browser() {
    use super::browser::{in_browser, published, submit, text, text_with};
    use thirtyfour::prelude::*;
    let p = pair();
    let (c, _) = third_member(&p);
    let proposal = id_of(json(
        &p.a,
        &[
            "propose",
            &p.committee,
            "--title",
            "General strike from 4 January",
            "--text",
            "Join the general strike.",
            "decision",
        ],
    ));
    let comment = id_of(json(
        &p.a,
        &["comment", &proposal, "--text", "Which shift starts it?"],
    ));
    sync_all(&[p.a.as_path(), p.b.as_path(), c.as_path()]);
    ok(
        &p.b,
        &[
            "comment",
            &comment,
            "--text",
            "The morning shift, at gate 4.",
        ],
    );
    ok(
        &c,
        &[
            "announce",
            &p.committee,
            "--text",
            "Strike starts 6:00, gate 4.",
        ],
    );
    sync_all(&[p.a.as_path(), p.b.as_path(), c.as_path()]);
    let _ = std::fs::remove_file(p.a.join("web-url"));
    let _ = std::fs::remove_file(p.b.join("web-url"));
    let (_node_a, _) = serve(&p.a);
    let (_node_b, _) = serve(&p.b);
    let url_a = published(&p.a, "web-url");
    let url_b = published(&p.b, "web-url");
    in_browser(move |web| async move {
        let base = url_a.split("/?").next().unwrap().to_string();
        web.goto(&url_a).await?;
        web.set_window_rect(0, 0, 360, 900).await?;
        for (lang, heading) in [
            ("en", "Discussion: 2 posts"),
            ("ru", "Обсуждение: 2 записи"),
            ("kk", "Талқылау: 2 жазба"),
        ] {
            web.goto(&format!(
                "{base}/lang?code={lang}&back=/proposal/{proposal}"
            ))
            .await?;
            let page = text_with(&web, heading).await;
            assert!(page.contains("Which shift starts it?"), "{lang}: {page}");
            assert!(page.contains("The morning shift, at gate 4."), "{lang}");
            let wide: f64 = web
                .execute("return document.documentElement.scrollWidth;", vec![])
                .await?
                .convert()?;
            assert!(wide <= 360.0, "{lang}: {wide} px wide at 360");
        }
        // A reply from the form that opens in place, back at the post.
        web.goto(&format!("{base}/lang?code=en&back=/proposal/{proposal}"))
            .await?;
        let form = format!("reply-{}", &comment[..12]);
        web.find(By::Css(format!(
            "#post-{} details.reply summary",
            &comment[..12]
        )))
        .await?
        .click()
        .await?;
        web.find(By::Css(format!("#{form}-text")))
            .await?
            .send_keys("Agreed, 6:00.")
            .await?;
        submit(&web, &format!("#{form} button")).await;
        let page = text_with(&web, "Agreed, 6:00.").await;
        assert!(page.contains("Discussion: 3 posts"), "{page}");
        // The announcement is pinned on A's board until A reads it.
        web.goto(&format!("{base}/")).await?;
        let board = text_with(&web, "Strike starts 6:00, gate 4.").await;
        assert!(board.contains("1 announcement"), "{board}");
        submit(&web, "#needs .announcement-pinned button").await;
        let mut cleared = false;
        for _ in 0..100 {
            if !text(&web).await.contains("Strike starts 6:00, gate 4.") {
                cleared = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(cleared, "A read it");
        // And on B's board, separately.
        let base_b = url_b.split("/?").next().unwrap().to_string();
        web.goto(&url_b).await?;
        web.goto(&format!("{base_b}/")).await?;
        text_with(&web, "Strike starts 6:00, gate 4.").await;
        submit(&web, "#needs .announcement-pinned button").await;
        let mut cleared = false;
        for _ in 0..100 {
            if !text(&web).await.contains("Strike starts 6:00, gate 4.") {
                cleared = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(cleared, "B read it");
        Ok(())
    })
    .await;
}
