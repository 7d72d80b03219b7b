//! Issue 13, part 3, in a real headless Chromium on a 360 px screen: from
//! an empty data directory, a founder makes their identity and federation,
//! creates two committees and files three kinds of proposal through the
//! UI's forms alone, each form fitting the screen and passing axe-core. What they filed is
//! checked with the CLI against the same data directory. Screenshots of
//! the committee page's menu and of a form go to `target/screenshots/`.

use super::board::axe_violations;
use super::browser::{in_browser, published, shoot, submit, text_with};
use super::{Server, json};
use std::process::{Command, Stdio};
use std::time::Duration;
use thirtyfour::prelude::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_founder_creates_committees_and_files_proposals_through_the_forms_on_a_phone() {
    in_browser(|web| async move { founder(&web).await }).await;
}

/// The page fits the phone's width and passes axe-core without a serious
/// or critical violation.
async fn fits(web: &WebDriver, what: &str) -> WebDriverResult<()> {
    let width: i64 = web
        .execute("return document.documentElement.scrollWidth;", vec![])
        .await?
        .convert()?;
    assert!(width <= 360, "{what} is {width} px wide at 360 px");
    let violations = axe_violations(web).await?;
    assert!(violations.is_empty(), "{what}: {violations:?}");
    Ok(())
}

/// Waits until the address holds `needle` (a form was posted and its
/// redirect followed); returns the address.
async fn arrived(web: &WebDriver, needle: &str) -> WebDriverResult<String> {
    for _ in 0..100 {
        let url = web.current_url().await?.to_string();
        if url.contains(needle) {
            return Ok(url);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("never arrived at {needle}: {}", web.current_url().await?);
}

async fn type_into(web: &WebDriver, id: &str, text: &str) -> WebDriverResult<()> {
    web.find(By::Id(id)).await?.send_keys(text).await
}

async fn founder(web: &WebDriver) -> WebDriverResult<()> {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("founder");
    let _node = Server(
        Command::new(env!("CARGO_BIN_EXE_kenes"))
            .arg("--data-dir")
            .arg(&dir)
            .args(["serve", "--bind", "127.0.0.1:0", "--web", "127.0.0.1:0"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let url = published(&dir, "web-url");
    let base = url.split("/?").next().unwrap().to_string();
    web.set_window_rect(0, 0, 360, 800).await?;

    // An identity and a federation, from nothing.
    web.goto(&url).await?;
    text_with(web, "Create my identity").await;
    type_into(web, "identity-name", "Aigerim").await?;
    submit(web, "#identity button").await;
    text_with(web, "Found a new federation").await;
    type_into(web, "found-name", "Kazakhstan 2022").await?;
    submit(web, "#found button").await;
    // The app takes over from the onboarding page once it is founded.
    text_with(web, "Structure").await;

    // A district committee, from the structure page's link and the menu
    // of kinds: its form asks for a name and an area, not an enterprise.
    web.goto(&format!("{base}/structure")).await?;
    web.find(By::Css("a[href='/committees/new']"))
        .await?
        .click()
        .await?;
    web.find(By::Css("a[href$='kind=territorial']"))
        .await?
        .click()
        .await?;
    fits(web, "the district committee form").await?;
    assert!(
        web.find_all(By::Css("#create-territorial [name=enterprise]"))
            .await?
            .is_empty()
    );
    type_into(web, "create-territorial-name", "Zhanaozen residents").await?;
    type_into(
        web,
        "create-territorial-area",
        "Kazakhstan/Mangystau/Zhanaozen",
    )
    .await?;
    submit(web, "#create-territorial button").await;
    let district = arrived(web, "done=create_committee").await?;
    text_with(web, "The committee is created.").await;
    fits(web, "the committee page").await?;
    shoot(web, "committee-menu-360").await;
    let district = district
        .split("/committee/")
        .nth(1)
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_string();

    // A council of the area, to affiliate to.
    web.goto(&format!("{base}/committees/new?kind=council-area"))
        .await?;
    type_into(web, "create-council-area-name", "Mangystau council").await?;
    type_into(web, "create-council-area-area", "Kazakhstan/Mangystau").await?;
    submit(web, "#create-council-area button").await;
    arrived(web, "done=create_committee").await?;

    // 1. A public statement, from the committee page's menu.
    web.goto(&format!("{base}/committee/{district}")).await?;
    web.find(By::Css("#new-proposal a[href$='kind=statement']"))
        .await?
        .click()
        .await?;
    fits(web, "the statement form").await?;
    type_into(web, "propose-statement-title", "To the people of Zhanaozen").await?;
    web.find(By::Css("#propose-statement [name=public]"))
        .await?
        .click()
        .await?;
    submit(web, "#propose-statement button[type=submit]").await;
    arrived(web, "done=propose").await?;
    text_with(web, "Your proposal is open for voting.").await;

    // 2. Affiliation: the council is a choice, the title says what it does.
    web.goto(&format!("{base}/committee/{district}")).await?;
    web.find(By::Css("#new-proposal a[href$='kind=affiliate']"))
        .await?
        .click()
        .await?;
    fits(web, "the affiliation form").await?;
    let offered = web
        .find(By::Id("propose-affiliate-council"))
        .await?
        .text()
        .await?;
    assert!(offered.contains("Mangystau council"), "{offered}");
    submit(web, "#propose-affiliate button[type=submit]").await;
    arrived(web, "done=propose").await?;
    text_with(web, "Affiliate to Mangystau council").await;

    // 3. A change of rules: two thirds must take part from now on.
    web.goto(&format!("{base}/committee/{district}/propose?kind=policy"))
        .await?;
    fits(web, "the rules form").await?;
    shoot(web, "form-policy-360").await;
    web.find(By::Css("#propose-policy-quorum option[value='2/3']"))
        .await?
        .click()
        .await?;
    submit(web, "#propose-policy button[type=submit]").await;
    arrived(web, "done=propose").await?;

    // The form of a committee that is not there says so.
    web.goto(&format!("{base}/committee/{}/propose", "ab".repeat(32)))
        .await?;
    text_with(web, "There is no committee with that id here.").await;

    // Vouching on /me carries the warning that a vouch grants read access.
    web.goto(&format!("{base}/me")).await?;
    text_with(web, "read everything in the federation").await;

    // What the forms filed, as the CLI reads it from the same directory.
    let proposals = json(&dir, &["proposal", "list"]);
    let kinds: Vec<&str> = proposals
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["statement", "affiliate", "policy"], "{proposals}");
    let committees = json(&dir, &["committee", "list"]);
    assert_eq!(committees.as_array().unwrap().len(), 2, "{committees}");
    Ok(())
}
