//! Issue 15 over HTTP (in process, through the real router and store):
//! threads, comments, replies, edits, retractions, suggestions and
//! revisions through forms and `/api/act`; `/api/thread/ID` and the
//! `/discussion/ID` page, paginated; hostile input answered with a 4xx and
//! nothing written.

use axum::body::Body;
use axum::http::{StatusCode, header};
use kenes_core::body::Text;
use kenes_core::{Body as OpBody, Hash, SecretKey};
use kenes_store::Store;
use kenes_store::keyfile::KeyFile;
use serde_json::Value;

mod common;
use common::*;

impl Fixture {
    async fn json(&self, path: &str) -> Value {
        let r = self.get(path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
        serde_json::from_str(&r.body).unwrap()
    }

    async fn post_form(&self, fields: &[(&str, &str)]) -> Reply {
        let body = serde_urlencoded::to_string(fields).unwrap();
        let request = self
            .signed("POST", &format!("/act?csrf={}", self.app.csrf()))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.send(request).await
    }

    async fn post_json(&self, json: Value) -> Reply {
        let request = self
            .signed("POST", "/api/act")
            .header("x-csrf-token", self.app.csrf())
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(json.to_string()))
            .unwrap();
        self.send(request).await
    }

    /// Posts through `/api/act` and returns the new op's id.
    async fn act(&self, json: Value) -> String {
        let r = self.post_json(json).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let v: Value = serde_json::from_str(&r.body).unwrap();
        v["op"].as_str().unwrap().to_string()
    }
}

fn ids(thread: &Value) -> Vec<(String, u64)> {
    thread["posts"]
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

#[tokio::test]
async fn issue_15_a_thread_through_forms_and_json_with_replies_and_edits() {
    let f = fixture();
    let c = f.committee.to_hex();
    let thread = f
        .act(serde_json::json!({
            "action": "discuss", "committee": c,
            "title": "When do we strike?", "text": "Morning or night shift?",
        }))
        .await;
    // A comment through the form, with a line break, comes back to the
    // form's anchor on the page it was sent from.
    let back = format!("/discussion/{thread}");
    let r = f
        .post_form(&[
            ("action", "comment"),
            ("target", &thread),
            ("text", "Morning shift.\nGate 4."),
            ("back", &back),
            ("at", "comment"),
        ])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let location = r.headers[header::LOCATION].to_str().unwrap();
    assert!(
        location.starts_with(&back) && location.ends_with("#comment"),
        "{location}"
    );
    let shown = f.json(&format!("/api/thread/{thread}")).await;
    let comment = shown["posts"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(shown["posts"][0]["text"], "Morning shift.\nGate 4.");
    let reply = f
        .act(serde_json::json!({ "action": "comment", "target": comment, "text": "Agreed." }))
        .await;
    let shown = f.json(&format!("/api/thread/{thread}")).await;
    assert_eq!(ids(&shown), vec![(comment.clone(), 1), (reply.clone(), 2)]);
    assert_eq!(shown["root"]["title"], "When do we strike?");
    // Edit, then retract; the page shows both, with no script.
    let r = f
        .post_form(&[
            ("action", "edit_post"),
            ("post", &comment),
            ("text", "Morning shift, 6:00, gate 4."),
            ("back", &back),
        ])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    f.act(serde_json::json!({ "action": "retract_post", "post": reply }))
        .await;
    let page = f.get(&back).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Morning shift, 6:00, gate 4."),
        "{}",
        page.body
    );
    assert!(page.body.contains("Earlier wordings"));
    assert!(page.body.contains("Retracted by its author."));
    assert!(
        page.body
            .contains(&format!("id=\"post-{}\"", &comment[..12]))
    );
    assert!(!page.body.contains("<script>"), "no inline script");
    // The committee's discussions list the thread and an announcement.
    f.act(serde_json::json!({ "action": "announce", "committee": c, "text": "Strike at 6:00." }))
        .await;
    let listed = f.json(&format!("/api/thread/{c}")).await;
    assert_eq!(listed["threads"][0]["id"], Value::String(thread.clone()));
    assert_eq!(listed["threads"][0]["replies"], 2);
    assert_eq!(listed["announcements"][0]["text"], "Strike at 6:00.");
    let page = f.get(&format!("/discussion/{c}")).await;
    assert!(page.body.contains("When do we strike?"));
    let committee = f.get(&format!("/committee/{c}")).await;
    assert!(
        committee
            .body
            .contains(&format!("href=\"/discussion/{c}\""))
    );
    assert!(page.body.contains("Strike at 6:00."));
}

#[tokio::test]
async fn issue_15_a_revised_proposal_shows_the_ballots_cast_on_its_earlier_text() {
    let f = fixture();
    let c = f.committee.to_hex();
    let proposal = f
        .act(serde_json::json!({
            "action": "propose", "committee": c, "kind": "decision",
            "title": "Strike", "text": "Strike from 4 January.", "hours": 1,
        }))
        .await;
    f.act(serde_json::json!({ "action": "vote", "proposal": proposal, "choice": "yes" }))
        .await;
    f.act(serde_json::json!({
        "action": "suggest", "proposal": proposal, "text": "Say: from the morning shift.",
    }))
    .await;
    let before = f.json(&format!("/api/proposals/{proposal}")).await["tally"].clone();
    let r = f
        .post_form(&[
            ("action", "revise"),
            ("proposal", &proposal),
            ("text", "Strike from 4 January, morning shift."),
            ("back", &format!("/proposal/{proposal}")),
        ])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let after = f.json(&format!("/api/proposals/{proposal}")).await["tally"].clone();
    assert_eq!(before, after, "a revision moves no ballot");
    let thread = f.json(&format!("/api/thread/{proposal}")).await;
    assert_eq!(thread["revision"]["revised_after_votes"], true);
    assert_eq!(thread["posts"][0]["kind"], "suggestion");
    let page = f.get(&format!("/proposal/{proposal}")).await;
    assert!(page.body.contains("Strike from 4 January, morning shift."));
    assert!(
        page.body.contains("id=\"revised-after-votes\""),
        "{}",
        page.body
    );
    assert!(page.body.contains("voted on the original text"));
    assert!(page.body.contains("Say: from the morning shift."));
    assert!(page.body.contains("id=\"discussion\""));
}

#[tokio::test]
async fn issue_15_a_long_thread_is_paginated() {
    let f = fixture();
    let thread = {
        let mut store = f.node.store.lock().unwrap();
        let thread = kenes_store::author::author(
            &mut store,
            &f.data.key_file(),
            &f.key,
            OpBody::OpenThread {
                committee: f.committee,
                title: "Long".into(),
                text: Text::plain("many replies"),
            },
            now(),
        )
        .unwrap()
        .id;
        for i in 0..120 {
            kenes_store::author::author(
                &mut store,
                &f.data.key_file(),
                &f.key,
                OpBody::Comment {
                    committee: f.committee,
                    target: thread,
                    text: Text::plain(format!("reply {i}")),
                },
                now(),
            )
            .unwrap();
        }
        thread.to_hex()
    };
    let first = f.json(&format!("/api/thread/{thread}")).await;
    assert_eq!(first["total"], 120);
    assert_eq!(first["posts"].as_array().unwrap().len(), 50);
    assert_eq!(first["posts"][0]["text"], "reply 0");
    let last = f.json(&format!("/api/thread/{thread}?page=3")).await;
    assert_eq!(last["posts"].as_array().unwrap().len(), 20);
    assert_eq!(last["posts"][19]["text"], "reply 119");
    let page = f.get(&format!("/discussion/{thread}?page=2")).await;
    assert!(page.body.contains("Page 2 of 3"), "{}", page.body);
    assert_eq!(page.body.matches("class=\"post depth-1").count(), 50);
}

#[tokio::test]
async fn issue_15_hostile_deliberation_input_gets_a_4xx_and_writes_nothing() {
    let f = fixture();
    let c = f.committee.to_hex();
    let before = f.digest();
    let long = "x".repeat(16 * 1024 + 1);
    let missing = Hash::of(b"nothing").to_hex();
    for (json, status) in [
        (
            serde_json::json!({ "action": "discuss", "committee": c, "title": "", "text": "x" }),
            400,
        ),
        (
            serde_json::json!({ "action": "discuss", "committee": c, "title": "t", "text": "  " }),
            400,
        ),
        (
            serde_json::json!({ "action": "comment", "target": "zz", "text": "x" }),
            400,
        ),
        (
            serde_json::json!({ "action": "comment", "target": missing, "text": "x" }),
            400,
        ),
        (
            serde_json::json!({ "action": "comment", "target": c, "text": "x" }),
            400,
        ),
        (
            serde_json::json!({ "action": "announce", "committee": c, "text": long }),
            400,
        ),
        (
            serde_json::json!({ "action": "announce", "committee": c, "text": "clear \u{1b}[2J" }),
            400,
        ),
        (
            serde_json::json!({ "action": "edit_post", "post": c, "text": "x" }),
            400,
        ),
        (
            serde_json::json!({ "action": "revise", "proposal": missing, "text": "x" }),
            400,
        ),
    ] {
        let r = f.post_json(json.clone()).await;
        assert_eq!(r.status.as_u16(), status, "{json}: {}", r.body);
        assert!(!r.body.is_empty());
    }
    for path in [
        "/api/thread/zz".to_string(),
        format!("/api/thread/{missing}"),
        format!("/api/thread/{c}?page=0"),
        format!("/api/thread/{c}?page=x"),
        format!("/discussion/{missing}"),
    ] {
        let r = f.get(&path).await;
        assert!(r.status.is_client_error(), "{path}: {}", r.status);
    }
    assert_eq!(f.digest(), before, "nothing was written");
}

#[tokio::test]
async fn issue_15_an_announcement_is_pinned_until_read_and_reading_writes_no_op() {
    let f = fixture();
    // A second member, Nurlan, joins and announces.
    let nurlan = SecretKey::generate();
    let nurlan_file = f.data.root().join("nurlan.key");
    KeyFile::new(&nurlan, "Nurlan", None)
        .unwrap()
        .save(&nurlan_file)
        .unwrap();
    let announcement = {
        let mut store = f.node.store.lock().unwrap();
        kenes_store::author::author(
            &mut store,
            &f.data.key_file(),
            &f.key,
            OpBody::Vouch {
                committee: f.committee,
                candidate: nurlan.public(),
            },
            now(),
        )
        .unwrap();
        let by_nurlan = |store: &mut Store, body| {
            kenes_store::author::author(store, &nurlan_file, &nurlan, body, now()).unwrap()
        };
        by_nurlan(
            &mut store,
            OpBody::Join {
                committee: f.committee,
            },
        );
        by_nurlan(
            &mut store,
            OpBody::Announce {
                committee: f.committee,
                text: Text::plain("Strike starts 6:00 at gate 4."),
            },
        )
        .id
        .to_hex()
    };
    // My own announcement is not pinned for me.
    f.act(serde_json::json!({
        "action": "announce", "committee": f.committee.to_hex(), "text": "My own news.",
    }))
    .await;
    let board = f.get("/").await;
    assert!(
        board.body.contains("Strike starts 6:00 at gate 4."),
        "{}",
        board.body
    );
    assert!(!board.body.contains("My own news."));
    let needs = board.body.find("id=\"needs\"").unwrap();
    let pinned = board.body.find("Strike starts 6:00").unwrap();
    let votes = board.body.find("id=\"needs-h\"").unwrap();
    assert!(needs < pinned && votes < pinned, "inside Needs you");
    let attention = f.json("/api/attention").await;
    assert_eq!(
        attention["announcements"][0]["id"],
        Value::String(announcement.clone())
    );
    assert_eq!(
        attention["announcements"][0]["author"],
        Value::String(nurlan.public().to_hex())
    );
    // Reading it writes no op and clears it, for this member on this node.
    let before = f.digest();
    let no_token = f
        .send(
            f.signed("POST", "/read")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(format!("post={announcement}&back=/")))
                .unwrap(),
        )
        .await;
    assert!(
        no_token.status.is_client_error(),
        "the CSRF token is needed"
    );
    let read = |post: String| {
        f.signed("POST", &format!("/read?csrf={}", f.app.csrf()))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("post={post}&back=/")))
            .unwrap()
    };
    let bad = f.send(read("zz".into())).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let not_one = f.send(read(f.committee.to_hex())).await;
    assert_eq!(not_one.status, StatusCode::NOT_FOUND);
    let r = f.send(read(announcement.clone())).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(f.digest(), before, "read state is not an op");
    assert!(
        !f.get("/")
            .await
            .body
            .contains("Strike starts 6:00 at gate 4.")
    );
    let attention = f.json("/api/attention").await;
    assert_eq!(attention["announcements"], serde_json::json!([]));
    // It stays in the committee's discussions.
    let listed = f
        .json(&format!("/api/thread/{}", f.committee.to_hex()))
        .await;
    assert_eq!(listed["announcements_total"], 2);
}

#[tokio::test]
async fn issue_15_a_post_is_hidden_only_by_a_passed_decision() {
    let f = fixture();
    let c = f.committee.to_hex();
    let thread = f
        .act(serde_json::json!({
            "action": "discuss", "committee": c, "title": "Plan", "text": "The plan.",
        }))
        .await;
    let post = f
        .act(serde_json::json!({
            "action": "comment", "target": thread, "text": "Names and addresses of everyone.",
        }))
        .await;
    let r = f
        .post_form(&[
            ("action", "hide_post"),
            ("post", &post),
            ("text", "It puts people in danger."),
            ("hours", "0"),
        ])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let r = f
        .post_form(&[
            ("action", "hide_post"),
            ("post", &post),
            ("text", "It puts people in danger."),
            ("back", &format!("/discussion/{thread}")),
        ])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let proposals = f.json("/api/proposals").await;
    let proposal = proposals[0]["id"].as_str().unwrap().to_string();
    assert_eq!(proposals[0]["kind"], "hide-post");
    let shown = f.json(&format!("/api/thread/{thread}")).await;
    assert_eq!(shown["posts"][0]["hidden"], false, "not before it passes");
    f.act(serde_json::json!({ "action": "vote", "proposal": proposal, "choice": "yes" }))
        .await;
    f.act(serde_json::json!({ "action": "close", "proposal": proposal }))
        .await;
    let shown = f.json(&format!("/api/thread/{thread}")).await;
    assert_eq!(shown["posts"][0]["hidden"], true);
    assert_eq!(shown["posts"][0]["text"], Value::Null);
    let page = f.get(&format!("/discussion/{thread}")).await;
    assert!(page.body.contains("Hidden by a decision of the committee."));
    assert!(!page.body.contains("Names and addresses of everyone."));
}

#[tokio::test]
async fn issue_15_a_revision_after_my_vote_is_an_alert_in_needs_you() {
    let f = fixture();
    let nurlan = SecretKey::generate();
    let nurlan_file = f.data.root().join("nurlan.key");
    KeyFile::new(&nurlan, "Nurlan", None)
        .unwrap()
        .save(&nurlan_file)
        .unwrap();
    let by_nurlan = |body| {
        let mut store = f.node.store.lock().unwrap();
        kenes_store::author::author(&mut store, &nurlan_file, &nurlan, body, now())
            .unwrap()
            .id
    };
    {
        let mut store = f.node.store.lock().unwrap();
        kenes_store::author::author(
            &mut store,
            &f.data.key_file(),
            &f.key,
            OpBody::Vouch {
                committee: f.committee,
                candidate: nurlan.public(),
            },
            now(),
        )
        .unwrap();
    }
    by_nurlan(OpBody::Join {
        committee: f.committee,
    });
    let proposal = by_nurlan(OpBody::Propose {
        committee: f.committee,
        kind: kenes_core::body::ProposalKind::Decision,
        title: "Strike".into(),
        text: "Strike from 4 January.".into(),
        closes_at: now() + 3_600_000,
    });
    f.act(serde_json::json!({ "action": "vote", "proposal": proposal.to_hex(), "choice": "yes" }))
        .await;
    let attention = f.json("/api/attention").await;
    assert!(
        !attention["alerts"]
            .to_string()
            .contains("revised_after_vote"),
        "{attention}"
    );
    by_nurlan(OpBody::Revise {
        committee: f.committee,
        proposal,
        text: Text::plain("Strike from 4 January, morning shift."),
    });
    let attention = f.json("/api/attention").await;
    let alert = attention["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["kind"] == "revised_after_vote")
        .expect("an alert")
        .clone();
    assert_eq!(alert["proposal"], Value::String(proposal.to_hex()));
    assert!(
        f.get("/")
            .await
            .body
            .contains("was revised after your vote")
    );
    // Voting again on the new text clears it.
    f.act(serde_json::json!({ "action": "vote", "proposal": proposal.to_hex(), "choice": "yes" }))
        .await;
    let attention = f.json("/api/attention").await;
    assert!(
        !attention["alerts"]
            .to_string()
            .contains("revised_after_vote")
    );
}
