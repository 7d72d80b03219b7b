//! Issue 14, on a courier's stick: bundles and frontiers are sealed to the
//! federation's members by default. What the stick shows, who opens it,
//! and that a bundle nobody here can open, or a damaged one, stores
//! nothing.

use super::{Pair, digest, json, kenes, ok, pair, pass, public_key, third_member, user_error};

fn holds(bytes: &[u8], needle: &[u8]) -> bool {
    bytes.windows(needle.len()).any(|w| w == needle)
}

/// Everything a clear bundle of `p`'s federation shows: names, keys (hex
/// and raw), the federation id, the bundle magic.
fn clear_words(p: &Pair) -> Vec<Vec<u8>> {
    let federation = json(&p.a, &["state"])["federation"]
        .as_str()
        .unwrap()
        .to_string();
    let mut words: Vec<Vec<u8>> = [
        "Kazakhstan 2022",
        "Ozenmunaigas workers",
        "Aigerim",
        "Nurlan",
        "Courier-Title-5150",
        "KENESBDL",
        "KENESFRT",
    ]
    .iter()
    .map(|w| w.as_bytes().to_vec())
    .collect();
    for key in [public_key(&p.a), public_key(&p.b), federation] {
        words.push(hex::decode(&key).unwrap());
        words.push(key.into_bytes());
    }
    words
}

/// A sealed bundle shows no committee, federation or member name, key or
/// text (a clear one of the same ops does); a member opens it; an outsider
/// with a key of their own, and a directory with no key, are refused in
/// one line and store nothing; a damaged one is refused and changes
/// nothing; `--clear` round-trips as before. Frontiers are sealed too.
#[test]
fn issue_14_a_sealed_bundle_shows_nothing_and_opens_only_for_members() {
    let p = pair();
    ok(
        &p.a,
        &[
            "propose",
            &p.committee,
            "--title",
            "Courier-Title-5150",
            "decision",
        ],
    );
    let stick = p.a.parent().unwrap().join("stick");
    std::fs::create_dir(&stick).unwrap();
    let sealed = stick.join("all.bundle");
    let clear = stick.join("all-clear.bundle");
    let out = json(&p.a, &["export", sealed.to_str().unwrap()]);
    assert_eq!(out["sealed_to"], 2, "A and B published keys: {out}");
    ok(&p.a, &["export", "--clear", clear.to_str().unwrap()]);
    let (sealed_bytes, clear_bytes) = (
        std::fs::read(&sealed).unwrap(),
        std::fs::read(&clear).unwrap(),
    );
    let words = clear_words(&p);
    // The clear bundle shows what the sealed one hides (the proposal's
    // title is sealed to the committee inside either; keys are there raw,
    // not in hex).
    // Member names are sealed to the committee inside either (issue 14).
    let sealed_inside: [&[u8]; 4] = [b"Courier-Title-5150", b"KENESFRT", b"Aigerim", b"Nurlan"];
    for word in words
        .iter()
        .filter(|w| !sealed_inside.contains(&w.as_slice()) && w.len() != 64)
    {
        assert!(
            holds(&clear_bytes, word),
            "{:?}",
            String::from_utf8_lossy(word)
        );
    }
    for word in &words {
        assert!(
            !holds(&sealed_bytes, word),
            "the sealed bundle shows {:?}",
            String::from_utf8_lossy(word)
        );
    }
    assert!(sealed_bytes.starts_with(b"KENESSLD"));

    // B, a member, opens it: nothing new, everything known.
    let counts = json(&p.b, &["import", sealed.to_str().unwrap()]);
    assert_eq!(counts["rejected"], 0);
    assert_eq!(digest(&p.a), digest(&p.b));

    // An outsider with a key, and a directory with none: one line, and
    // nothing stored.
    let outsider = p.a.parent().unwrap().join("outsider");
    ok(&outsider, &["id", "new", "--name", "Outsider"]);
    let message = user_error(&outsider, &["import", sealed.to_str().unwrap()]);
    assert!(
        message.contains("none of this member's keys opens it"),
        "{message}"
    );
    let keyless = p.a.parent().unwrap().join("keyless");
    let message = user_error(&keyless, &["import", sealed.to_str().unwrap()]);
    assert!(message.contains("--clear"), "{message}");
    for dir in [&outsider, &keyless] {
        assert!(
            !dir.join("federations").exists()
                || std::fs::read_dir(dir.join("federations")).unwrap().count() == 0,
            "{} stored something",
            dir.display()
        );
    }

    // Damaged: a flipped byte anywhere, or a cut; refused whole.
    let before = digest(&p.b);
    let bad = stick.join("bad.bundle");
    for at in [20, sealed_bytes.len() / 2, sealed_bytes.len() - 1] {
        let mut flipped = sealed_bytes.clone();
        flipped[at] ^= 0x01;
        std::fs::write(&bad, &flipped).unwrap();
        user_error(&p.b, &["import", bad.to_str().unwrap()]);
    }
    std::fs::write(&bad, &sealed_bytes[..sealed_bytes.len() - 7]).unwrap();
    user_error(&p.b, &["import", bad.to_str().unwrap()]);
    assert_eq!(digest(&p.b), before);

    // --clear round-trips as before, into a directory with no key.
    let counts = json(&keyless, &["import", clear.to_str().unwrap()]);
    assert_eq!(counts["rejected"], 0);
    assert_eq!(digest(&keyless), digest(&p.a));

    // Frontiers are sealed the same way, and `export --for` opens them.
    ok(&p.a, &["profile", "--name", "Aigerim A."]);
    let frontier = stick.join("b.frontier");
    ok(&p.b, &["frontier", frontier.to_str().unwrap()]);
    let frontier_bytes = std::fs::read(&frontier).unwrap();
    assert!(frontier_bytes.starts_with(b"KENESSLD"));
    for word in &words {
        assert!(!holds(&frontier_bytes, word));
    }
    let missing = stick.join("missing.bundle");
    let out = json(
        &p.a,
        &[
            "export",
            missing.to_str().unwrap(),
            "--for",
            frontier.to_str().unwrap(),
        ],
    );
    assert_eq!(out["ops"], 1, "{out}");
    ok(&p.b, &["import", missing.to_str().unwrap()]);
    assert_eq!(digest(&p.a), digest(&p.b));
    // The outsider cannot use B's frontier.
    let theirs = stick.join("theirs.bundle");
    let out = kenes(
        &outsider,
        &[
            "export",
            theirs.to_str().unwrap(),
            "--for",
            frontier.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
}

/// A bundle sealed before a member's removal opens for them; one sealed
/// after the exporter saw the removal does not, and stores nothing.
#[test]
fn issue_14_a_removed_member_cannot_open_a_bundle_sealed_after_the_removal() {
    let p = pair();
    let (c, pc) = third_member(&p);
    let before_removal = p.a.join("before.bundle");
    let out = json(&p.a, &["export", before_removal.to_str().unwrap()]);
    assert_eq!(out["sealed_to"], 3);
    ok(&c, &["import", before_removal.to_str().unwrap()]);
    pass(
        &[p.a.as_path(), p.b.as_path()],
        &p.a,
        &[&p.committee, "--title", "Remove Gulnar", "remove", &pc],
    );
    let after = p.a.join("after.bundle");
    let out = json(&p.a, &["export", after.to_str().unwrap()]);
    assert_eq!(out["sealed_to"], 2, "{out}");
    let held = digest(&c);
    let message = user_error(&c, &["import", after.to_str().unwrap()]);
    assert!(
        message.contains("none of this member's keys opens it"),
        "{message}"
    );
    assert_eq!(digest(&c), held, "nothing stored");
    // B, still a member, opens it.
    ok(&p.b, &["import", after.to_str().unwrap()]);
    assert_eq!(digest(&p.a), digest(&p.b));
}
