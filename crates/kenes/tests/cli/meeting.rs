//! Issue 13, everyone at the meeting takes part: first contact by ticket
//! from a data directory that holds only a key, and onboarding in a real
//! headless Chromium from an empty data directory to a joined member, the
//! key and the ticket handed over as photos of their QR codes.

use super::browser::{in_browser, published, submit, text, text_with};
use super::issue12::{committee, founded};
use super::{Server, digest, json, ok, serve, user_error};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;
use thirtyfour::prelude::*;

#[test]
fn a_fresh_key_joins_by_ticket_alone_and_both_nodes_agree() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        tmp.path().join("a"),
        tmp.path().join("b"),
        tmp.path().join("c"),
    );
    founded(&a);
    let committee = committee(&a);
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

/// Picks `photo` in the scan form that fills the field `field` and sends it.
async fn send_photo(web: &WebDriver, field: &str, photo: &Path) -> WebDriverResult<()> {
    web.find(By::Id(format!("{field}-photo")))
        .await?
        .send_keys(photo.to_str().unwrap())
        .await?;
    submit(web, "form.scan button").await;
    Ok(())
}

/// The value of the form field `id`.
async fn value_of(web: &WebDriver, id: &str) -> WebDriverResult<String> {
    Ok(web
        .find(By::Id(id))
        .await?
        .prop("value")
        .await?
        .unwrap_or_default())
}

/// Saves a JPEG "photo" of `text`'s QR code at `path`: the code is a
/// quarter of a phone camera's frame, on an uneven grey page, and the
/// JPEG compression blurs its edges as a camera's does.
fn photo_of_qr(text: &str, path: &Path) {
    let code = qrcode::QrCode::new(text.as_bytes()).unwrap();
    let (side, colors) = (code.width(), code.to_colors());
    let (module, left, top, quiet) = (7i64, 900i64, 600i64, 4i64);
    let photo = image::GrayImage::from_fn(2560, 1920, |x, y| {
        // Module coordinates, the code's first module at (0, 0).
        let mx = (i64::from(x) - left).div_euclid(module) - quiet;
        let my = (i64::from(y) - top).div_euclid(module) - quiet;
        let side = side as i64;
        let luma = if (0..side).contains(&mx) && (0..side).contains(&my) {
            match colors[(my * side + mx) as usize] {
                qrcode::Color::Dark => 30,
                qrcode::Color::Light => 240,
            }
        } else if (-quiet..side + quiet).contains(&mx) && (-quiet..side + quiet).contains(&my) {
            240
        } else {
            150 + ((x / 16 + y / 24) % 60) as u8
        };
        image::Luma([luma])
    });
    photo
        .save_with_format(path, image::ImageFormat::Jpeg)
        .unwrap();
}

/// Waits until `done` holds (a node syncs in the background).
fn eventually(mut done: impl FnMut() -> bool) {
    for _ in 0..300 {
        if done() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("never happened");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_newcomer_joins_from_an_empty_data_directory_through_the_ui_alone() {
    in_browser(|web| async move { onboarding(&web).await }).await;
}

async fn onboarding(web: &WebDriver) -> WebDriverResult<()> {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    founded(&a);
    let committee = committee(&a);
    let (_a, ticket_a) = serve(&a);
    let url_a = published(&a, "web-url");
    // B's data directory does not exist: `kenes serve` starts anyway.
    let _b = Server(
        Command::new(env!("CARGO_BIN_EXE_kenes"))
            .arg("--data-dir")
            .arg(&b)
            .args(["serve", "--bind", "127.0.0.1:0", "--web", "127.0.0.1:0"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let url_b = published(&b, "web-url");
    let base_b = url_b.split("/?").next().unwrap().to_string();

    // 1. On a phone's screen, the newcomer makes their identity.
    web.set_window_rect(0, 0, 360, 800).await?;
    web.goto(&url_b).await?;
    text_with(web, "Create my identity").await;
    let width: i64 = web
        .execute("return document.documentElement.scrollWidth;", vec![])
        .await?
        .convert()?;
    assert!(width <= 360, "onboarding is {width} px wide at 360 px");
    web.find(By::Id("identity-name"))
        .await?
        .send_keys("Nurlan")
        .await?;
    submit(web, "#identity button").await;
    text_with(web, "Join a federation").await;
    web.find(By::Css("figure.qr svg")).await?;
    let key = web
        .find(By::Id("my-key"))
        .await?
        .prop("value")
        .await?
        .unwrap();
    assert_eq!(key.trim().len(), 64, "{key}");
    // Joining before anyone vouched: refused, and nothing is kept.
    web.find(By::Id("join-ticket"))
        .await?
        .send_keys(&ticket_a)
        .await?;
    submit(web, "#join button").await;
    text_with(web, "nobody has vouched for your key").await;
    assert_eq!(
        std::fs::read_dir(b.join("federations")).map_or(0, |d| d.count()),
        0
    );

    // 2. A member vouches for the key they were handed, on their own page.
    web.set_window_rect(0, 0, 1280, 1400).await?;
    web.goto(&url_a).await?;
    web.goto(&format!("{}/me", url_a.split("/?").next().unwrap()))
        .await?;
    text_with(web, "Vouch for someone").await;
    // They photographed the newcomer's QR code: the node reads it into
    // the form, and the member checks it before vouching.
    let key_photo = tmp.path().join("key.jpg");
    photo_of_qr(key.trim(), &key_photo);
    send_photo(web, "vouch-key-pubkey", &key_photo).await?;
    text_with(web, "Read from the photo").await;
    assert_eq!(value_of(web, "vouch-key-pubkey").await?, key.trim());
    web.find(By::Css("#vouch-key button"))
        .await?
        .click()
        .await?;
    text_with(web, "✓").await;

    // 3. The newcomer joins with a photo of the ticket's QR code alone,
    // then joins the committee. A photo of something else first: refused
    // in one line, and the page stays usable.
    web.set_window_rect(0, 0, 360, 800).await?;
    web.goto(&url_b).await?;
    let not_a_photo = tmp.path().join("notes.jpg");
    std::fs::write(&not_a_photo, b"kenes1 is not a picture").unwrap();
    send_photo(web, "join-ticket", &not_a_photo).await?;
    text_with(web, "not a photo kenes can read").await;
    let ticket_photo = tmp.path().join("ticket.jpg");
    photo_of_qr(&ticket_a, &ticket_photo);
    send_photo(web, "join-ticket", &ticket_photo).await?;
    text_with(web, "Read from the photo").await;
    assert_eq!(value_of(web, "join-ticket").await?, ticket_a);
    submit(web, "#join button").await;
    text_with(web, "Display name").await;
    web.goto(&format!("{base_b}/committee/{committee}")).await?;
    submit(web, "form#join button").await;
    for _ in 0..100 {
        if web.current_url().await?.as_str().contains("done=join") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(web.current_url().await?.as_str().contains("done=join"));
    // And sets the name others see.
    web.goto(&format!("{base_b}/me")).await?;
    web.find(By::Id("profile-name"))
        .await?
        .send_keys("Nurlan B.")
        .await?;
    submit(web, "#profile button").await;
    text_with(web, "Your name is changed").await;
    assert!(!text(web).await.contains("missing"));

    // B's node syncs with the node it joined from: both agree.
    eventually(|| {
        let show = json(&a, &["committee", "show", &committee]);
        show["members"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m == key.trim())
            && show.to_string().contains("Nurlan B.")
    });
    eventually(|| digest(&a) == digest(&b));
    Ok(())
}
