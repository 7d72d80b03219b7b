//! Issue 17: the demo federation published as a signed site, checked by
//! `kenes verify-publication` (alone and on a member's node) and by
//! `verify.html` in headless Chromium; screenshots of the pages from
//! `file://` at 360 and 1280 px in each language go to
//! `target/screenshots/publish-*.png`.

use super::browser::{browser, free_port, screenshots, text_with};
use super::{json, kenes, ok, public_key, user_error};
use kenes_core::{Op, PublicKey, SecretKey};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use thirtyfour::prelude::*;

struct Demo {
    _tmp: tempfile::TempDir,
    data: PathBuf,
    root: PathBuf,
}

fn demo() -> Demo {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    ok(&data, &["demo", "--no-serve"]);
    Demo {
        root: tmp.path().to_path_buf(),
        data,
        _tmp: tmp,
    }
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

/// Every member name and key of the federation in `data`.
fn members(data: &Path) -> (Vec<String>, BTreeSet<PublicKey>) {
    let fed = json(data, &["state"])["federation"]
        .as_str()
        .unwrap()
        .to_string();
    let store =
        kenes_store::Store::open(&data.join("federations").join(format!("{fed}.sqlite"))).unwrap();
    let state = store.engine().state();
    // The demo names most members in the clear; those of its two sealed
    // committees are sealed (issue 14), and their earlier clear names are
    // in these too, under the same words.
    let names = state
        .profiles
        .values()
        .filter_map(|p| match &p.name {
            kenes_core::body::DisplayName::Plain(name) => Some(name.clone()),
            kenes_core::body::DisplayName::Sealed(_) => None,
        })
        .collect();
    let keys = store
        .engine()
        .entries()
        .iter()
        .map(|e| store.engine().author_of(e))
        .collect();
    (names, keys)
}

/// The keys of the manifest signers and of the statements' proof ops.
fn allowed_keys(site: &Path) -> BTreeSet<PublicKey> {
    let mut keys = BTreeSet::new();
    for s in read_json(&site.join("signatures.json"))["signatures"]
        .as_array()
        .unwrap()
    {
        keys.insert(s["key"].as_str().unwrap().parse().unwrap());
    }
    for s in read_json(&site.join("statements.json")).as_array().unwrap() {
        for which in ["proposal", "close"] {
            if let Some(hex) = s["proof"][which].as_str() {
                let op = Op::decode(&hex_decode(hex)).unwrap();
                keys.insert(op.fields.author);
            }
        }
    }
    keys
}

fn hex_decode(text: &str) -> Vec<u8> {
    (0..text.len() / 2)
        .map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

fn all_bytes(path: &Path) -> String {
    if path.is_dir() {
        let mut out = String::new();
        for e in std::fs::read_dir(path).unwrap() {
            out.push_str(&String::from_utf8(std::fs::read(e.unwrap().path()).unwrap()).unwrap());
        }
        out
    } else {
        String::from_utf8(std::fs::read(path).unwrap()).unwrap()
    }
}

#[test]
fn issue_17_the_demo_publication_matches_the_cli_and_verifies() {
    let d = demo();
    let site = d.root.join("site");
    ok(&d.data, &["publish", site.to_str().unwrap()]);
    // The data files say what the CLI says.
    assert_eq!(
        read_json(&site.join("platform.json")),
        json(&d.data, &["platform"])
    );
    let situation = read_json(&site.join("situation.json"));
    for by in ["area", "day", "industry"] {
        assert_eq!(
            situation[format!("by_{by}")],
            json(&d.data, &["situation", "--by", by]),
            "{by}"
        );
    }
    let statements = read_json(&site.join("statements.json"));
    let passed: Vec<Value> = json(&d.data, &["proposal", "list"])
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["kind"] == "statement" && p["tally"]["passed"] == true)
        .cloned()
        .collect();
    assert!(!passed.is_empty());
    assert_eq!(statements.as_array().unwrap().len(), passed.len());
    for p in &passed {
        let s = statements
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == p["id"])
            .unwrap();
        assert_eq!(s["title"], p["title"]);
        for k in ["yes", "no", "abstain", "block", "electorate"] {
            assert_eq!(s["tally"][k], p["tally"][k], "{k}");
        }
    }
    // A member's node checks every item; elsewhere only the signatures.
    let out = ok(&d.data, &["verify-publication", site.to_str().unwrap()]);
    assert!(out.contains("checked against this node's copy"), "{out}");
    let nowhere = d.root.join("nowhere");
    let out = ok(&nowhere, &["verify-publication", site.to_str().unwrap()]);
    assert!(out.contains("not checked against a member's node"), "{out}");
    let me = public_key(&d.data);
    ok(
        &nowhere,
        &[
            "verify-publication",
            site.to_str().unwrap(),
            "--signer",
            &me,
        ],
    );
    let other = SecretKey::generate().public().to_hex();
    let err = user_error(
        &nowhere,
        &[
            "verify-publication",
            site.to_str().unwrap(),
            "--signer",
            &other,
        ],
    );
    assert!(err.contains("not signed by"), "{err}");

    // A changed byte in any file, a removed file: one line, exit 1.
    let names: Vec<String> = std::fs::read_dir(&site)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 9, "{names:?}");
    for name in &names {
        let bad = d.root.join(format!("bad-{name}"));
        copy_dir(&site, &bad);
        let mut bytes = std::fs::read(bad.join(name)).unwrap();
        let at = bytes.len() / 2;
        bytes[at] ^= 0x04;
        std::fs::write(bad.join(name), &bytes).unwrap();
        let err = user_error(&d.data, &["verify-publication", bad.to_str().unwrap()]);
        assert!(err.starts_with("error: "), "{name}: {err}");
        let gone = d.root.join(format!("gone-{name}"));
        copy_dir(&site, &gone);
        std::fs::remove_file(gone.join(name)).unwrap();
        let err = user_error(&d.data, &["verify-publication", gone.to_str().unwrap()]);
        assert!(
            err.contains("missing") || err.contains("no manifest.json"),
            "{name}: {err}"
        );
    }
    // A forged statement: its text changed in the data.
    let forged = d.root.join("forged");
    copy_dir(&site, &forged);
    let text = std::fs::read_to_string(forged.join("statements.json")).unwrap();
    std::fs::write(
        forged.join("statements.json"),
        text.replace("stand with the strikers", "call off the strike"),
    )
    .unwrap();
    let err = user_error(&d.data, &["verify-publication", forged.to_str().unwrap()]);
    assert!(err.contains("statements.json was changed"), "{err}");

    // A signature by a non-member: valid alone, refused by a member's node.
    let stranger = SecretKey::generate();
    let signed = d.root.join("stranger");
    copy_dir(&site, &signed);
    let manifest = std::fs::read(signed.join("manifest.json")).unwrap();
    let message = [&b"kenes publication manifest v1\n"[..], &manifest].concat();
    let mut sigs = read_json(&signed.join("signatures.json"));
    sigs["signatures"].as_array_mut().unwrap().push(serde_json::json!({
        "key": stranger.public().to_hex(),
        "signature": stranger.sign(&message).0.iter().map(|b| format!("{b:02x}")).collect::<String>(),
    }));
    std::fs::write(
        signed.join("signatures.json"),
        serde_json::to_vec_pretty(&sigs).unwrap(),
    )
    .unwrap();
    ok(&nowhere, &["verify-publication", signed.to_str().unwrap()]);
    let err = user_error(&d.data, &["verify-publication", signed.to_str().unwrap()]);
    assert!(
        err.contains(&stranger.public().to_hex()) && err.contains("not a member"),
        "{err}"
    );

    // Cosigning: a member signs once (a second member's cosignature is
    // tested in kenes-publish).
    let err = user_error(&d.data, &["publish", "--cosign", site.to_str().unwrap()]);
    assert!(err.contains("already signed"), "{err}");
    ok(&d.data, &["verify-publication", site.to_str().unwrap()]);

    // Hostile folders and bad arguments: one line, exit 1.
    let hostile = d.root.join("hostile");
    copy_dir(&site, &hostile);
    std::fs::write(hostile.join("manifest.json"), b"\xff\x00{{{").unwrap();
    user_error(&d.data, &["verify-publication", hostile.to_str().unwrap()]);
    std::fs::create_dir(hostile.join("sub")).unwrap();
    user_error(&d.data, &["verify-publication", hostile.to_str().unwrap()]);
    user_error(&d.data, &["verify-publication", "/nonexistent/kenes-site"]);
    let junk = d.root.join("junk.html");
    std::fs::write(&junk, b"<html>not a publication</html>").unwrap();
    user_error(&d.data, &["verify-publication", junk.to_str().unwrap()]);
    let err = user_error(&d.data, &["publish", site.to_str().unwrap()]);
    assert!(err.contains("already exists"), "{err}");
    let err = user_error(&d.data, &["publish", "x", "--lang", "de"]);
    assert!(err.contains("unknown language"), "{err}");
    user_error(&d.data, &["publish", "--cosign", "y", "--single-file"]);
    let out = kenes(&d.data, &["verify-publication"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn issue_17_no_member_name_or_other_key_appears_in_the_site() {
    let d = demo();
    let (names, keys) = members(&d.data);
    assert!(names.len() > 200 && keys.len() > 300, "{}", names.len());
    for (args, redacted) in [
        (vec!["site"], false),
        (vec!["one.html", "--single-file"], false),
        (vec!["redacted", "--redact-signers"], true),
        (
            vec!["redacted.html", "--single-file", "--redact-signers"],
            true,
        ),
    ] {
        let path = d.root.join(args[0]);
        let mut all = vec!["publish", path.to_str().unwrap()];
        all.extend(&args[1..]);
        ok(&d.data, &all);
        let bytes = all_bytes(&path);
        for name in &names {
            assert!(!bytes.contains(name.as_str()), "{name} in {}", args[0]);
        }
        let signer: PublicKey = json(&d.data, &["id", "show"])["public_key"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        let allowed = if path.is_dir() {
            allowed_keys(&path)
        } else {
            BTreeSet::from([signer])
        };
        let present: BTreeSet<&PublicKey> = keys
            .iter()
            .filter(|k| bytes.contains(&k.to_hex()))
            .collect();
        assert!(present.contains(&signer), "the publisher signs");
        if redacted {
            assert_eq!(present, BTreeSet::from([&signer]), "{}", args[0]);
        } else if path.is_dir() {
            assert!(present.iter().all(|k| allowed.contains(k)), "{}", args[0]);
            assert!(present.len() <= 3, "{present:?}");
        } else {
            // The single file embeds the same proofs as the folder.
            assert!(present.len() <= 3, "{present:?}");
        }
    }
}

/// The JS verifier against the Rust side, then the pages in each language
/// at two widths.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_17_verify_html_checks_signatures_and_the_site_opens_from_file() {
    let d = demo();
    let site = d.root.join("site");
    ok(&d.data, &["publish", site.to_str().unwrap()]);
    let single = d.root.join("one.html");
    ok(
        &d.data,
        &["publish", single.to_str().unwrap(), "--single-file"],
    );
    let tampered = d.root.join("tampered");
    copy_dir(&site, &tampered);
    let sigs = std::fs::read_to_string(tampered.join("signatures.json")).unwrap();
    let at = sigs.find("\"signature\": \"").unwrap() + 20;
    let mut bytes = sigs.into_bytes();
    bytes[at] = if bytes[at] == b'0' { b'1' } else { b'0' };
    std::fs::write(tampered.join("signatures.json"), bytes).unwrap();

    let (_driver, web) = browser(free_port()).await;
    let session = web.clone();
    let (site2, single2, tampered2) = (site.clone(), single.clone(), tampered.clone());
    let outcome =
        tokio::spawn(async move { run(&session, &site2, &single2, &tampered2).await }).await;
    let _ = web.quit().await;
    match outcome {
        Ok(result) => result.unwrap(),
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

async fn js_bool(web: &WebDriver, script: &str, args: Vec<Value>) -> WebDriverResult<bool> {
    web.execute(script, args).await?.convert()
}

async fn run(web: &WebDriver, site: &Path, single: &Path, tampered: &Path) -> WebDriverResult<()> {
    let url = |p: &Path| format!("file://{}", p.display());
    web.goto(&url(&site.join("verify.html"))).await?;
    // Signatures made by kenes verify; any changed bit does not.
    let verify = "const v = window.kenesVerify; return v.ed25519(v.unhex(arguments[0]), v.unhex(arguments[1]), v.unhex(arguments[2]));";
    for i in 0..6u8 {
        let key = SecretKey::generate();
        let message: Vec<u8> = (0..(i as usize * 97))
            .map(|j| (j * 31 + i as usize) as u8)
            .collect();
        let sig = key.sign(&message).0;
        let (k, m, s) = (hex(&key.public().0), hex(&message), hex(&sig));
        assert!(
            js_bool(
                web,
                verify,
                vec![k.clone().into(), m.clone().into(), s.clone().into()]
            )
            .await?,
            "vector {i}"
        );
        let mut bad_r = sig;
        bad_r[3] ^= 0x10;
        let mut bad_s = sig;
        bad_s[40] ^= 0x01;
        let other = hex(&SecretKey::generate().public().0);
        let mut bad_m = message.clone();
        bad_m.push(0);
        for (k, m, s) in [
            (k.clone(), m.clone(), hex(&bad_r)),
            (k.clone(), m.clone(), hex(&bad_s)),
            (other, m.clone(), s.clone()),
            (k.clone(), hex(&bad_m), s.clone()),
        ] {
            assert!(
                !js_bool(web, verify, vec![k.into(), m.into(), s.into()]).await?,
                "tampered vector {i}"
            );
        }
    }
    // A small-order key with the signature anyone can forge for it.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let mut forged = [0u8; 64];
    forged[0] = 1;
    assert!(
        !js_bool(
            web,
            verify,
            vec![hex(&identity).into(), "".into(), hex(&forged).into()]
        )
        .await?
    );
    // BLAKE3 across chunk and tree boundaries.
    for len in [0usize, 1, 64, 1023, 1024, 1025, 4096, 5000, 70_000] {
        let data: Vec<u8> = (0..len).map(|j| (j % 251) as u8).collect();
        let got: String = web
            .execute(
                "return window.kenesVerify.blake3(window.kenesVerify.unhex(arguments[0]));",
                vec![hex(&data).into()],
            )
            .await?
            .convert()?;
        assert_eq!(
            got,
            blake3::hash(&data).to_hex().as_str(),
            "blake3 of {len} bytes"
        );
    }

    // The page itself: the whole folder, one file, a tampered folder.
    let choose = |dir: &Path| -> String {
        let mut paths: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path().display().to_string())
            .collect();
        paths.sort();
        paths.join("\n")
    };
    web.find(By::Id("files"))
        .await?
        .send_keys(choose(site))
        .await?;
    let shown = text_with(web, "The signatures are valid").await;
    assert!(
        shown.contains("Valid signature by") && !shown.contains("CHANGED"),
        "{shown}"
    );
    web.screenshot(&screenshots().join("publish-verify.png"))
        .await?;
    web.goto(&url(&site.join("verify.html"))).await?;
    web.find(By::Id("files"))
        .await?
        .send_keys(single.display().to_string())
        .await?;
    text_with(web, "The signatures are valid").await;
    web.goto(&url(&tampered.join("verify.html"))).await?;
    web.find(By::Id("files"))
        .await?
        .send_keys(choose(tampered))
        .await?;
    let shown = text_with(web, "The check failed").await;
    assert!(shown.contains("INVALID signature by"), "{shown}");

    // Every language at a phone's and a laptop's width: readable without
    // script, nothing wider than the screen.
    for (lang, page, heading) in [
        ("en", "index.html", "Statements"),
        ("ru", "index.ru.html", "Заявления"),
        ("kk", "index.kk.html", "Мәлімдемелер"),
    ] {
        web.goto(&url(&site.join(page))).await?;
        for width in [360u32, 1280] {
            web.set_window_rect(0, 0, width, 900).await?;
            let body = text_with(web, heading).await;
            assert!(body.contains("Kazakhstan, January 2022"), "{body}");
            let scroll: i64 = web
                .execute("return document.documentElement.scrollWidth;", vec![])
                .await?
                .convert()?;
            assert!(
                scroll <= i64::from(width),
                "{lang} is {scroll} px wide at {width} px"
            );
            web.screenshot(&screenshots().join(format!("publish-{lang}-{width}px.png")))
                .await?;
        }
    }
    web.goto(&url(single)).await?;
    text_with(web, "Мәлімдемелер").await;
    Ok(())
}
