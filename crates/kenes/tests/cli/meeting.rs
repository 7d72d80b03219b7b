//! Issue 13, everyone at the meeting takes part: first contact by ticket
//! from a data directory that holds only a key.

use super::{digest, json, ok, serve, user_error};

#[test]
fn a_fresh_key_joins_by_ticket_alone_and_both_nodes_agree() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        tmp.path().join("a"),
        tmp.path().join("b"),
        tmp.path().join("c"),
    );
    json(&a, &["id", "new", "--name", "Aigerim"]);
    json(&a, &["federation", "create", "--name", "Zhanaozen 2022"]);
    let committee = json(
        &a,
        &[
            "committee",
            "create",
            "--kind",
            "territorial",
            "--name",
            "Zhanaozen residents",
            "--area",
            "Kazakhstan/Mangystau/Zhanaozen",
        ],
    )["id"]
        .as_str()
        .unwrap()
        .to_string();
    let newcomer = json(&b, &["id", "new", "--name", "Nurlan"])["public_key"]
        .as_str()
        .unwrap()
        .to_string();
    json(&c, &["id", "new", "--name", "nobody vouched"]);
    ok(&a, &["vouch", &committee, &newcomer]);
    let (_server, ticket) = serve(&a);
    // Not vouched for: refused, and nothing is kept.
    let refused = user_error(&c, &["sync", &ticket, "--bind", "127.0.0.1:0"]);
    assert!(refused.contains("refused"), "{refused}");
    assert_eq!(
        std::fs::read_dir(c.join("federations")).map_or(0, |d| d.count()),
        0
    );
    // Vouched for: the whole federation arrives with the ticket alone.
    let stats = json(&b, &["sync", &ticket, "--bind", "127.0.0.1:0"]);
    assert_eq!(stats["ops_sent"], 0);
    assert!(stats["ops_received"].as_u64().unwrap() >= 4);
    ok(&b, &["join", &committee]);
    json(&b, &["sync", &ticket, "--bind", "127.0.0.1:0"]);
    assert_eq!(digest(&a), digest(&b));
    let members = json(&a, &["committee", "show", &committee])["members"].clone();
    assert!(
        members.as_array().unwrap().iter().any(|m| m == &newcomer),
        "{members}"
    );
}
