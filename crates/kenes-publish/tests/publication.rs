//! A small federation published and verified in memory: what passes, and
//! every way of tampering that must fail with its own error.

use kenes_core::body::{
    CommitteeKind, DemandCategory, Policy, ProposalKind, ReportKind, ReportStatus,
};
use kenes_core::{Body, Engine, Hash, SecretKey, Verify};
use kenes_publish::manifest::{Layout, Publication, SIGNATURES};
use kenes_publish::verify::{against_node, verify};
use kenes_publish::{Options, VerifyError, build};
use std::collections::BTreeMap;

const T0: u64 = 1_641_081_600_000;

struct World {
    engine: Engine,
    founder: SecretKey,
    member: SecretKey,
    committee: Hash,
}

fn act(engine: &mut Engine, key: &SecretKey, body: Body, time: u64) -> Hash {
    let op = engine.author(key, body, time);
    let report = engine.ingest(std::slice::from_ref(&op.bytes), Verify::Signatures);
    assert_eq!(report.accepted.len(), 1, "{report:?}");
    op.id
}

/// A founder and a second member in one committee, a public statement and
/// a private one passed, a demand, and a strike report.
fn world() -> World {
    let founder = SecretKey::generate();
    let member = SecretKey::generate();
    let genesis = kenes_core::op::genesis(&founder, "Kazakhstan, January 2022", T0);
    let mut engine = Engine::new(genesis.id);
    engine.ingest(std::slice::from_ref(&genesis.bytes), Verify::Signatures);
    let committee = act(
        &mut engine,
        &founder,
        Body::CreateCommittee {
            name: "Ozenmunaigas oil workers".into(),
            kind: CommitteeKind::Production {
                enterprise: "Ozenmunaigas".into(),
                site: String::new(),
                industry: "oil and gas".into(),
                area: "Kazakhstan/Mangystau/Zhanaozen".into(),
            },
            policy: Policy {
                vouches_required: 1,
                ..Policy::default()
            },
        },
        T0 + 1,
    );
    act(
        &mut engine,
        &founder,
        Body::Profile {
            name: "Aigerim Abenova".into(),
        },
        T0 + 2,
    );
    act(
        &mut engine,
        &founder,
        Body::Vouch {
            committee,
            candidate: member.public(),
        },
        T0 + 3,
    );
    act(
        &mut engine,
        &member,
        Body::Profile {
            name: "Nurlan Bekov".into(),
        },
        T0 + 4,
    );
    act(&mut engine, &member, Body::Join { committee }, T0 + 5);
    for (public, title) in [
        (true, "We stand with the strikers"),
        (false, "Internal: the picket rota"),
    ] {
        let p = act(
            &mut engine,
            &member,
            Body::Propose {
                committee,
                kind: ProposalKind::Statement { public },
                title: title.into(),
                text: "The demands are just.\nWe call for solidarity.".into(),
                closes_at: T0 + 100,
            },
            T0 + 10,
        );
        for key in [&founder, &member] {
            act(
                &mut engine,
                key,
                Body::Vote {
                    committee,
                    proposal: p,
                    ballot: kenes_core::body::Ballot::Choice(kenes_core::tally::Choice::Yes),
                },
                T0 + 20,
            );
        }
        act(
            &mut engine,
            &member,
            Body::Close {
                committee,
                proposal: p,
            },
            T0 + 200,
        );
    }
    act(
        &mut engine,
        &founder,
        Body::Demand {
            committee,
            category: DemandCategory::Wages,
            title: "A 100% wage rise".into(),
            text: String::new(),
        },
        T0 + 300,
    );
    act(
        &mut engine,
        &founder,
        Body::Report {
            committee,
            kind: ReportKind::Strike,
            status: ReportStatus::Active,
            area: "Kazakhstan/Mangystau/Zhanaozen".into(),
            participants: 4000,
            starts_at: T0,
            text: "Private text about who leads the strike".into(),
        },
        T0 + 400,
    );
    World {
        engine,
        founder,
        member,
        committee,
    }
}

fn options(layout: Layout, redact: bool) -> Options {
    Options {
        council: None,
        languages: vec!["en".into(), "ru".into(), "kk".into()],
        redact_signers: redact,
        layout,
        published_at: T0 + 1000,
    }
}

fn folder(w: &World) -> BTreeMap<String, Vec<u8>> {
    build(&w.engine, &options(Layout::Folder, false))
        .unwrap()
        .sign(&w.founder)
        .to_folder()
}

fn check(files: BTreeMap<String, Vec<u8>>) -> Result<kenes_publish::Verified, VerifyError> {
    verify(&Publication::from_folder(files)?, &[])
}

#[test]
fn a_folder_verifies_alone_and_against_the_node() {
    let w = world();
    let files = folder(&w);
    let names: Vec<&str> = files.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "index.html",
            "index.kk.html",
            "index.ru.html",
            "manifest.json",
            "platform.json",
            "signatures.json",
            "situation.json",
            "statements.json",
            "verify.html"
        ]
    );
    let v = check(files.clone()).unwrap();
    assert_eq!(v.signers, vec![w.founder.public()]);
    assert_eq!(v.proved, 1, "only the public statement");
    assert_eq!(v.data.statements[0].title, "We stand with the strikers");
    assert_eq!(v.data.statements[0].tally.yes, "2");
    assert!(v.op_signers.contains(&w.member.public()));
    let report = against_node(&v, &w.engine).unwrap();
    assert!(report.notes.is_empty(), "{:?}", report.notes);
    let page = String::from_utf8(files["index.ru.html"].clone()).unwrap();
    assert!(page.contains("Заявления") && page.contains("We stand with the strikers"));
    assert!(page.contains("Content-Security-Policy") && !page.contains("<script"));
}

#[test]
fn the_site_holds_no_member_name_no_report_text_and_only_the_signers_keys() {
    let w = world();
    for redact in [false, true] {
        for layout in [Layout::Folder, Layout::SingleFile] {
            let p = build(&w.engine, &options(layout, redact))
                .unwrap()
                .sign(&w.founder);
            let bytes: Vec<u8> = match layout {
                Layout::Folder => p.to_folder().into_values().flatten().collect(),
                Layout::SingleFile => p.to_single_file().unwrap(),
            };
            let text = String::from_utf8(bytes).unwrap();
            for secret in [
                "Aigerim Abenova",
                "Nurlan Bekov",
                "Private text",
                "picket rota",
            ] {
                assert!(
                    !text.contains(secret),
                    "{secret} published ({layout:?}, {redact})"
                );
            }
            assert!(
                text.contains(&w.founder.public().to_hex()),
                "the publisher signs"
            );
            // The member proposed and closed the statement: their key is in
            // its proof, unless proofs are withheld.
            assert_eq!(text.contains(&w.member.public().to_hex()), !redact);
        }
    }
}

#[test]
fn a_changed_byte_in_any_file_fails() {
    let w = world();
    let files = folder(&w);
    for (name, bytes) in &files {
        for at in [0, bytes.len() / 2, bytes.len() - 1] {
            let mut bad = files.clone();
            bad.get_mut(name).unwrap()[at] ^= 0x01;
            let err = check(bad).map(|_| ()).unwrap_err();
            let expected = match name.as_str() {
                "manifest.json" | "signatures.json" => true,
                _ => err == VerifyError::Changed(name.clone()),
            };
            assert!(expected, "{name}@{at}: {err}");
        }
    }
}

#[test]
fn a_removed_or_added_file_fails() {
    let w = world();
    let files = folder(&w);
    for name in files.keys() {
        let mut bad = files.clone();
        bad.remove(name);
        let err = check(bad).map(|_| ()).unwrap_err();
        assert_eq!(err, VerifyError::MissingFile(name.clone()));
    }
    let mut extra = files.clone();
    extra.insert("forged.html".into(), b"<h1>fake</h1>".to_vec());
    assert_eq!(
        check(extra).map(|_| ()).unwrap_err(),
        VerifyError::ExtraFile("forged.html".into())
    );
}

/// Rebuilds the manifest over changed files and signs it with `key`, as a
/// forger with their own key would.
fn resign(files: &BTreeMap<String, Vec<u8>>, key: &SecretKey) -> BTreeMap<String, Vec<u8>> {
    let p = Publication::from_folder(files.clone()).unwrap();
    let mut manifest = p.manifest.clone();
    manifest.files.clear();
    let content: BTreeMap<String, Vec<u8>> = p
        .files
        .into_iter()
        .filter(|(k, _)| k.ends_with(".json"))
        .collect();
    kenes_publish::manifest::Unsigned::new(manifest, content)
        .unwrap()
        .sign(key)
        .to_folder()
}

#[test]
fn a_forged_statement_fails_even_when_re_signed() {
    let w = world();
    let files = folder(&w);
    let mut forged = files.clone();
    let text = String::from_utf8(forged["statements.json"].clone()).unwrap();
    forged.insert(
        "statements.json".into(),
        text.replace("We stand with the strikers", "We call off the strike")
            .into_bytes(),
    );
    let err = check(resign(&forged, &w.founder)).map(|_| ()).unwrap_err();
    assert!(
        matches!(&err, VerifyError::BadProof { why, .. } if why.contains("differs from the signed proposal")),
        "{err}"
    );
    // Proofs dropped without saying so.
    let mut stripped = files.clone();
    let mut statements: serde_json::Value =
        serde_json::from_slice(&files["statements.json"]).unwrap();
    statements[0]["proof"] = serde_json::Value::Null;
    stripped.insert(
        "statements.json".into(),
        serde_json::to_vec_pretty(&statements).unwrap(),
    );
    let err = check(resign(&stripped, &w.founder))
        .map(|_| ())
        .unwrap_err();
    assert!(matches!(err, VerifyError::BadProof { .. }), "{err}");
}

#[test]
fn a_statement_signed_by_a_non_member_passes_alone_but_not_on_a_members_node() {
    // A stranger writes their own "statement" of the committee, with a
    // proposal and close they signed, into the publication, and signs it.
    let w = world();
    let stranger = SecretKey::generate();
    let files = folder(&w);
    let mut copy = Engine::new(w.engine.federation());
    let ops: Vec<Vec<u8>> = w.engine.accepted_bytes().map(|b| b.to_vec()).collect();
    copy.ingest(&ops, Verify::Signatures);
    let propose = copy.author(
        &stranger,
        Body::Propose {
            committee: w.committee,
            kind: ProposalKind::Statement { public: true },
            title: "The strike is over".into(),
            text: String::new().into(),
            closes_at: T0,
        },
        T0 + 500,
    );
    let mut close = kenes_core::op::UnsignedOp {
        seq: 1,
        prev: Some(propose.id),
        deps: vec![],
        lamport: propose.fields.lamport + 1,
        time: T0 + 600,
        body: Body::Close {
            committee: w.committee,
            proposal: propose.id,
        },
        ..propose.fields.clone()
    };
    close.author = stranger.public();
    let close = close.sign(&stranger);
    let mut statements: serde_json::Value =
        serde_json::from_slice(&files["statements.json"]).unwrap();
    let mut fake = statements[0].clone();
    fake["id"] = propose.id.to_hex().into();
    fake["title"] = "The strike is over".into();
    fake["text"] = "".into();
    fake["close"] = close.id.to_hex().into();
    fake["adopted_at"] = (T0 + 600).into();
    fake["adopted_day"] = kenes_core::platform::day_of(T0 + 600).into();
    fake["proof"] = serde_json::json!({
        "proposal": hex::encode(&propose.bytes), "close": hex::encode(&close.bytes)
    });
    statements.as_array_mut().unwrap().push(fake);
    let mut forged = files.clone();
    forged.insert(
        "statements.json".into(),
        serde_json::to_vec_pretty(&statements).unwrap(),
    );
    let forged = resign(&forged, &stranger);
    let v = check(forged.clone()).expect("alone, any key can sign");
    assert_eq!(
        verify(
            &Publication::from_folder(forged).unwrap(),
            &[w.founder.public()]
        )
        .map(|_| ())
        .unwrap_err(),
        VerifyError::NotSignedBy(w.founder.public().to_hex())
    );
    assert_eq!(
        against_node(&v, &w.engine).map(|_| ()).unwrap_err(),
        VerifyError::NotAMember(stranger.public().to_hex())
    );
}

#[test]
fn cosigning_adds_a_signature_once_and_a_bad_signature_fails() {
    let w = world();
    let mut p = build(&w.engine, &options(Layout::Folder, false))
        .unwrap()
        .sign(&w.founder);
    p.cosign(&w.member).unwrap();
    assert!(p.cosign(&w.member).is_err());
    let v = check(p.to_folder()).unwrap();
    assert_eq!(v.signers, vec![w.founder.public(), w.member.public()]);
    assert!(against_node(&v, &w.engine).is_ok());
    let mut files = p.to_folder();
    let text = String::from_utf8(files[SIGNATURES].clone()).unwrap();
    let sig = &p.signatures[1].signature;
    let flipped = format!(
        "{}{}",
        if sig.starts_with('0') { '1' } else { '0' },
        &sig[1..]
    );
    files.insert(
        SIGNATURES.into(),
        text.replace(sig.as_str(), &flipped).into_bytes(),
    );
    assert_eq!(
        check(files).map(|_| ()).unwrap_err(),
        VerifyError::BadSignature(w.member.public().short())
    );
}

#[test]
fn a_single_file_verifies_and_any_change_to_it_fails() {
    let w = world();
    let p = build(&w.engine, &options(Layout::SingleFile, false))
        .unwrap()
        .sign(&w.founder);
    let bytes = p.to_single_file().unwrap();
    assert!(bytes.len() < 200_000, "{} bytes", bytes.len());
    let read = Publication::from_single_file(&bytes).unwrap();
    let v = verify(&read, &[]).unwrap();
    assert_eq!(v.proved, 1);
    // The visible text, outside the embedded data.
    let text = String::from_utf8(bytes.clone()).unwrap();
    let altered = text.replacen(
        "We stand with the strikers",
        "We stand with the government",
        1,
    );
    let err = verify(
        &Publication::from_single_file(altered.as_bytes()).unwrap(),
        &[],
    )
    .map(|_| ())
    .unwrap_err();
    assert_eq!(err, VerifyError::PageAltered("the page".into()));
    assert_eq!(
        Publication::from_single_file(b"<html>hello</html>")
            .map(|_| ())
            .unwrap_err(),
        VerifyError::NotAPublication
    );
    // Flipped bytes anywhere: an error, never a panic, never a pass.
    let mut rng = kenes_core::rng::SplitMix64(7);
    for _ in 0..200 {
        let mut bad = bytes.clone();
        let at = (rng.next_u64() % bad.len() as u64) as usize;
        bad[at] ^= 1 << (rng.next_u64() % 8);
        let result = Publication::from_single_file(&bad).and_then(|p| verify(&p, &[]));
        assert!(result.is_err(), "a flip at {at} passed");
    }
}

#[test]
fn a_redacted_publication_verifies_without_proofs() {
    let w = world();
    let p = build(&w.engine, &options(Layout::Folder, true))
        .unwrap()
        .sign(&w.founder);
    let v = check(p.to_folder()).unwrap();
    assert_eq!((v.proved, v.data.statements.len()), (0, 1));
    assert!(v.op_signers.is_empty());
    assert!(against_node(&v, &w.engine).is_ok());
}

#[test]
fn bad_languages_and_councils_are_refused() {
    let w = world();
    let mut o = options(Layout::Folder, false);
    o.languages = vec!["de".into()];
    assert!(build(&w.engine, &o).is_err());
    o.languages = vec!["en".into(), "en".into()];
    assert!(build(&w.engine, &o).is_err());
    o.languages = vec!["kk".into()];
    o.council = Some(w.committee);
    assert_eq!(
        build(&w.engine, &o).map(|_| ()).unwrap_err(),
        kenes_publish::PublishError::NotACouncil("Ozenmunaigas oil workers".into())
    );
}
