//! Issue 5 end to end, in a real headless Chromium driven by chromedriver
//! (WebDriver, through thirtyfour): the demo's situation board, a decision
//! taken across two members' nodes, the language switch, and a screenshot
//! of each main page in `target/screenshots/`.
//!
//! There is no skipping: without `/usr/bin/chromium` and
//! `/usr/bin/chromedriver` (`.ci/run` installs them) the test fails.

use super::{Server, json, ok, pair, serve};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;
use thirtyfour::prelude::*;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

pub(super) fn screenshots() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub(super) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits for `file` in `dir` (a node publishes its URL and ticket there).
pub(super) fn published(dir: &Path, file: &str) -> String {
    for _ in 0..600 {
        if let Ok(text) = std::fs::read_to_string(dir.join(file))
            && !text.is_empty()
        {
            return text.trim().to_string();
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("{file} never appeared in {}", dir.display());
}

/// A running chromedriver and the Chromium profile its browser uses,
/// both gone when this is dropped.
pub(super) struct Driver {
    _server: Server,
    _profile: tempfile::TempDir,
}

pub(super) async fn browser(port: u16) -> (Driver, WebDriver) {
    chromium(port, |caps| {
        caps.add_arg("--window-size=1280,1400").unwrap()
    })
    .await
}

/// Headless Chromium under chromedriver on loopback `port`, with a fresh
/// profile, set up further by `configure` (a window size, a phone).
pub(super) async fn chromium(
    port: u16,
    configure: impl FnOnce(&mut thirtyfour::ChromeCapabilities),
) -> (Driver, WebDriver) {
    assert!(
        Path::new(CHROMIUM).exists(),
        "{CHROMIUM} is missing: .ci/run installs chromium"
    );
    assert!(
        Path::new(CHROMEDRIVER).exists(),
        "{CHROMEDRIVER} is missing: .ci/run installs chromium-driver"
    );
    let server = Server(
        Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("cannot start chromedriver"),
    );
    let mut caps = DesiredCapabilities::chrome();
    caps.set_binary(CHROMIUM).unwrap();
    // Nothing may leave the machine: no background fetches, no QUIC.
    for arg in [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ] {
        caps.add_arg(arg).unwrap();
    }
    configure(&mut caps);
    let profile = tempfile::tempdir().unwrap();
    caps.add_arg(&format!("--user-data-dir={}", profile.path().display()))
        .unwrap();
    let driver = Driver {
        _server: server,
        _profile: profile,
    };
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        match WebDriver::new(&url, caps.clone()).await {
            Ok(web) => return (driver, web),
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
    panic!("chromedriver did not answer on {url}");
}

pub(super) async fn text(web: &WebDriver) -> String {
    match web.find(By::Tag("body")).await {
        Ok(body) => body.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// The page's text once it holds `needle` (a submitted form navigates:
/// the new page arrives a moment later).
pub(super) async fn text_with(web: &WebDriver, needle: &str) -> String {
    let mut last = String::new();
    for _ in 0..100 {
        last = text(web).await;
        if last.contains(needle) {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the page never showed {needle:?}: {last}");
}

pub(super) async fn shoot(web: &WebDriver, name: &str) {
    web.screenshot(&screenshots().join(format!("{name}.png")))
        .await
        .unwrap();
}

/// Submits the form holding the element `css`.
pub(super) async fn submit(web: &WebDriver, css: &str) {
    web.find(By::Css(css)).await.unwrap().click().await.unwrap();
}

/// Runs `body` in a fresh browser session. Whatever happens in it, the
/// browser is closed after it: a panic inside `body` ends its task, not
/// this function.
pub(super) async fn in_browser<F, Fut>(body: F)
where
    F: FnOnce(WebDriver) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = WebDriverResult<()>> + Send,
{
    let (_driver, web) = browser(free_port()).await;
    let session = web.clone();
    let outcome = tokio::spawn(async move { body(session).await }).await;
    let _ = web.quit().await;
    match outcome {
        Ok(result) => result.unwrap(),
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}

/// `kenes demo` in `dir`, served on loopback: the process and the URL
/// with its token.
pub(super) fn serve_demo(dir: &Path) -> (Server, String) {
    let server = Server(
        Command::new(env!("CARGO_BIN_EXE_kenes"))
            .arg("--data-dir")
            .arg(dir)
            .args(["demo", "--web", "127.0.0.1:0", "--bind", "127.0.0.1:0"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let url = published(dir, "web-url");
    (server, url)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_5_the_demo_and_a_decision_in_a_real_browser() {
    in_browser(|web| async move { run(&web).await }).await;
}

async fn run(web: &WebDriver) -> WebDriverResult<()> {
    // 1. The demo's situation board shows the Zhanaozen strike.
    let tmp = tempfile::tempdir().unwrap();
    let (_demo, demo_url) = serve_demo(&tmp.path().join("demo"));
    web.goto(&demo_url).await?;
    let board = text(web).await;
    assert!(board.contains("Situation board"), "{board}");
    assert!(board.contains("Zhanaozen"), "{board}");
    assert!(board.contains("Strike · active"), "{board}");
    web.find(By::Css("figure.chart svg")).await?;
    shoot(web, "situation-board").await;
    // A phone: 360 px wide, nothing wider than the screen.
    web.set_window_rect(0, 0, 360, 800).await?;
    let overflow = web
        .execute("return document.documentElement.scrollWidth;", vec![])
        .await?;
    let width: i64 = overflow.convert()?;
    assert!(width <= 360, "the board is {width} px wide at 360 px");
    shoot(web, "situation-board-360px").await;
    web.set_window_rect(0, 0, 1280, 1400).await?;
    for (path, name) in [
        ("/structure", "structure"),
        ("/platform", "platform"),
        ("/audit", "audit"),
        ("/peers", "peers"),
    ] {
        web.goto(&format!("{}{path}", demo_url.split("/?").next().unwrap()))
            .await?;
        assert!(!text(web).await.contains("missing"), "{path}");
        shoot(web, name).await;
    }
    web.goto(&demo_url).await?;
    web.find(By::LinkText("Ozenmunaigas oil workers"))
        .await?
        .click()
        .await?;
    text_with(web, "Members").await;
    shoot(web, "committee").await;
    web.find(By::Css("section[aria-labelledby=proposals-h] ul li a"))
        .await?
        .click()
        .await?;
    text_with(web, "Electorate").await;
    shoot(web, "proposal").await;

    // 3. The language switch turns the UI Russian.
    web.goto(&demo_url).await?;
    let select =
        thirtyfour::components::SelectElement::new(&web.find(By::Id("lang-switch")).await?).await?;
    select.select_by_value("ru").await?;
    submit(web, "form.lang button").await;
    let russian = text_with(web, "Обстановка").await;
    assert!(
        russian.contains("Обстановка") && russian.contains("Забастовка"),
        "{russian}"
    );
    assert_eq!(
        web.find(By::Tag("html"))
            .await?
            .attr("lang")
            .await?
            .as_deref(),
        Some("ru")
    );
    shoot(web, "situation-board-ru").await;
    web.goto(&format!(
        "{}/lang?code=en&back=/",
        demo_url.split("/?").next().unwrap()
    ))
    .await?;

    // 2. A proposal made on A's node, voted on from A's and B's nodes,
    //    closed on A, with the result seen in the browser.
    let p = pair();
    let (_a, ticket_a) = serve(&p.a);
    let (_b, ticket_b) = serve(&p.b);
    ok(&p.a, &["peers", "add", &ticket_b]);
    ok(&p.b, &["peers", "add", &ticket_a]);
    let url_a = published(&p.a, "web-url");
    let url_b = published(&p.b, "web-url");
    let base_a = url_a.split("/?").next().unwrap().to_string();
    let base_b = url_b.split("/?").next().unwrap().to_string();
    web.goto(&url_a).await?;
    web.goto(&format!("{base_a}/committee/{}", p.committee))
        .await?;
    web.find(By::Css("form:has(input[value=propose]) input[name=title]"))
        .await?
        .send_keys("Strike from Monday")
        .await?;
    submit(
        web,
        "form:has(input[name=action][value=propose]) button[type=submit]",
    )
    .await;
    text_with(web, "Live tally").await;
    let url = web.current_url().await?;
    let url = {
        let mut u = url.clone();
        u.set_query(None);
        u
    };
    let proposal = url
        .path()
        .strip_prefix("/proposal/")
        .expect("the new proposal's page")
        .to_string();
    web.find(By::Css("input[name=choice][value=yes]"))
        .await?
        .click()
        .await?;
    submit(
        web,
        "form:has(input[name=action][value=vote]) button[type=submit]",
    )
    .await;
    // B's node receives it by sync, then B votes in B's UI.
    wait_for(|| {
        json(&p.b, &["proposal", "list"])
            .as_array()
            .is_some_and(|l| l.iter().any(|x| x["id"] == proposal.as_str()))
    });
    web.goto(&url_b).await?;
    web.goto(&format!("{base_b}/proposal/{proposal}")).await?;
    text_with(web, "Strike from Monday").await;
    web.find(By::Css("input[name=choice][value=yes]"))
        .await?
        .click()
        .await?;
    submit(
        web,
        "form:has(input[name=action][value=vote]) button[type=submit]",
    )
    .await;
    wait_for(|| json(&p.a, &["proposal", "show", &proposal])["tally"]["yes"] == "2");
    web.goto(&url_a).await?;
    web.goto(&format!("{base_a}/proposal/{proposal}")).await?;
    // Closing asks first (issue 16).
    web.find(By::Id("close-confirm")).await?.click().await?;
    submit(
        web,
        "form:has(input[name=action][value=close]) button[type=submit]",
    )
    .await;
    let closed = text_with(web, "Result").await;
    assert!(
        closed.contains("Result") && closed.contains("Passed"),
        "{closed}"
    );
    shoot(web, "proposal-closed").await;
    Ok(())
}

fn wait_for(mut done: impl FnMut() -> bool) {
    for _ in 0..300 {
        if done() {
            return;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    panic!("the nodes did not sync within a minute");
}
