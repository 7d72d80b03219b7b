//! Issue 13, the hub: one laptop serving many members' phones. A real
//! `kenes serve --hub` bound to 127.0.0.2 (standing in for the laptop's
//! LAN address; nothing leaves loopback), driven over raw HTTP and from
//! headless Chromium phones (360 px, touch, a phone's user agent).

use super::Server;
use super::browser::{Driver, chromium, free_port, published, submit, text, text_with};
use super::issue12::{committee, founded};
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;
use thirtyfour::prelude::*;

/// A running hub: its address, the owner's token and CSRF token, and the
/// hub token from `hub-url`.
struct Hub {
    _server: Server,
    addr: String,
    owner: String,
    owner_csrf: String,
    hub_url: String,
    hub_token: String,
}

fn start_hub(dir: &Path) -> Hub {
    for file in ["web-url", "hub-url"] {
        let _ = std::fs::remove_file(dir.join(file));
    }
    let server = Server(
        Command::new(env!("CARGO_BIN_EXE_kenes"))
            .arg("--data-dir")
            .arg(dir)
            .args([
                "serve",
                "--hub",
                "--web",
                "127.0.0.2:0",
                "--bind",
                "127.0.0.1:0",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let web_url = published(dir, "web-url");
    let hub_url = published(dir, "hub-url");
    let addr = hub_url
        .strip_prefix("http://")
        .and_then(|u| u.split('/').next())
        .unwrap()
        .to_string();
    assert!(addr.starts_with("127.0.0.2:"), "{hub_url}");
    let owner = web_url.split("token=").nth(1).unwrap().to_string();
    let hub_token = hub_url.split("hub=").nth(1).unwrap().to_string();
    let mut hub = Hub {
        _server: server,
        addr,
        owner,
        owner_csrf: String::new(),
        hub_url,
        hub_token,
    };
    let session = hub.owner_call("GET", "/api/session", "");
    assert_eq!(session.0, 200, "{session:?}");
    hub.owner_csrf = session.1["csrf"].as_str().unwrap().to_string();
    hub
}

/// One HTTP/1.1 exchange: the status, the body, and the cookie set.
fn exchange(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String, Option<String>) {
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    let mut request = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        request.push_str(&format!("Host: {addr}\r\n"));
    }
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str(&format!(
        "Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    ));
    stream.write_all(request.as_bytes()).unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    let (head, body) = reply.split_once("\r\n\r\n").unwrap_or((&reply, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let cookie = head
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: "))
        .and_then(|c| c.split(';').next())
        .map(str::to_string);
    (status, body.to_string(), cookie)
}

fn parsed(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or(Value::Null)
}

impl Hub {
    fn owner_call(&self, method: &str, path: &str, body: &str) -> (u16, Value) {
        let bearer = format!("Bearer {}", self.owner);
        let (status, body, _) = exchange(
            &self.addr,
            method,
            path,
            &[
                ("Authorization", &bearer),
                ("X-CSRF-Token", &self.owner_csrf),
            ],
            body,
        );
        (status, parsed(&body))
    }

    /// `POST /api/hub/signup` or `/api/hub/login` with the hub token:
    /// the status, the reply and the member's session cookie.
    fn visitor_call(&self, path: &str, body: Value) -> (u16, Value, Option<String>) {
        let bearer = format!("Bearer {}", self.hub_token);
        let (status, reply, cookie) = exchange(
            &self.addr,
            "POST",
            path,
            &[("Authorization", &bearer)],
            &body.to_string(),
        );
        (status, parsed(&reply), cookie)
    }

    fn member_call(
        &self,
        cookie: &str,
        csrf: &str,
        method: &str,
        path: &str,
        body: Value,
    ) -> (u16, Value) {
        let (status, reply, _) = exchange(
            &self.addr,
            method,
            path,
            &[("Cookie", cookie), ("X-CSRF-Token", csrf)],
            &body.to_string(),
        );
        (status, parsed(&reply))
    }

    fn vouch(&self, committee: &str, key: &str) {
        let body = json!({ "action": "vouch", "committee": committee, "pubkey": key });
        let (status, reply) = self.owner_call("POST", "/api/act", &body.to_string());
        assert_eq!(status, 200, "vouch: {reply}");
    }

    fn propose(&self, committee: &str) -> String {
        let body = json!({
            "action": "propose", "committee": committee, "kind": "decision",
            "title": "Strike on Monday", "text": "All shifts stop at 8:00.", "hours": "24",
        });
        let (status, reply) = self.owner_call("POST", "/api/act", &body.to_string());
        assert_eq!(status, 200, "propose: {reply}");
        reply["op"].as_str().unwrap().to_string()
    }
}

/// The hub over HTTP: sign-up, isolation of sessions, what the owner can
/// and cannot do, and the refusals.
#[test]
fn hub_sessions_act_only_as_their_member_and_wrong_passphrases_are_limited() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    founded(dir);
    let committee = committee(dir);
    let hub = start_hub(dir);

    // Without the hub token: nothing, not even the sign-up form.
    let (status, body, _) = exchange(&hub.addr, "GET", "/", &[], "");
    assert_eq!(status, 401, "{body}");
    assert!(
        !body.contains("Zhanaozen") && !body.contains("form"),
        "{body}"
    );
    let (status, _, _) = exchange(&hub.addr, "GET", "/api/committees", &[], "");
    assert_eq!(status, 401);
    let (status, _, _) = exchange(&hub.addr, "POST", "/api/hub/signup", &[], "{}");
    assert_eq!(status, 401);
    // Nor what answers here: no name in the refusal, no stylesheet.
    let (status, body, _) = exchange(&hub.addr, "GET", "/api/session", &[], "");
    assert_eq!(status, 401);
    assert!(!body.to_lowercase().contains("kenes"), "{body}");
    let (status, body, _) = exchange(&hub.addr, "GET", "/assets/style.css", &[], "");
    assert_eq!(status, 401, "{body}");
    let bearer = format!("Bearer {}", hub.hub_token);
    let (status, _, _) = exchange(
        &hub.addr,
        "GET",
        "/assets/style.css",
        &[("Authorization", &bearer)],
        "",
    );
    assert_eq!(status, 200);
    // A name in Host (DNS rebinding) is refused even with the token.
    let port = hub.addr.split(':').nth(1).unwrap();
    let evil = format!("evil.example:{port}");
    let (status, _, _) = exchange(
        &hub.addr,
        "GET",
        "/",
        &[("Host", &evil), ("Authorization", &bearer)],
        "",
    );
    assert_eq!(status, 403);
    // The hub token alone opens sign-up, not the federation.
    let (status, _, _) = exchange(
        &hub.addr,
        "GET",
        "/api/committees",
        &[("Authorization", &bearer)],
        "",
    );
    assert_eq!(status, 401);

    // Two members sign up; each session names its own member.
    let (status, a, cookie_a) = hub.visitor_call(
        "/api/hub/signup",
        json!({ "name": "Aibek", "passphrase": "oil workers unite" }),
    );
    assert_eq!(status, 200, "{a}");
    let (status, b, cookie_b) = hub.visitor_call(
        "/api/hub/signup",
        json!({ "name": "Bakhyt", "passphrase": "general strike now" }),
    );
    assert_eq!(status, 200, "{b}");
    let (key_a, cookie_a) = (a["public_key"].as_str().unwrap(), cookie_a.unwrap());
    let (key_b, cookie_b) = (b["public_key"].as_str().unwrap(), cookie_b.unwrap());
    assert!(cookie_a.starts_with("kenes_member="), "{cookie_a}");
    let (status, session_a) = hub.member_call(&cookie_a, "", "GET", "/api/session", json!(null));
    assert_eq!(status, 200);
    assert_eq!(session_a["me"], key_a);
    let csrf_a = session_a["csrf"].as_str().unwrap().to_string();
    let (_, session_b) = hub.member_call(&cookie_b, "", "GET", "/api/session", json!(null));
    assert_eq!(session_b["me"], key_b);
    let csrf_b = session_b["csrf"].as_str().unwrap().to_string();
    assert_ne!(csrf_a, csrf_b);
    assert_ne!(csrf_a, hub.owner_csrf);
    // The hub keeps the key sealed with the member's passphrase.
    let sealed =
        std::fs::read_to_string(dir.join("hub/members").join(format!("{key_a}.json"))).unwrap();
    assert!(sealed.contains("argon2id"), "{sealed}");

    // Before a vouch a member reads nothing and cannot act.
    let join = json!({ "action": "join", "committee": committee });
    let (status, _) = hub.member_call(&cookie_a, &csrf_a, "GET", "/api/committees", json!(null));
    assert_eq!(status, 403);
    let (status, _) = hub.member_call(&cookie_a, &csrf_a, "POST", "/api/act", join.clone());
    assert_eq!(status, 403);

    hub.vouch(&committee, key_a);
    hub.vouch(&committee, key_b);
    // A's cookie with B's CSRF token: refused.
    let (status, _) = hub.member_call(&cookie_a, &csrf_b, "POST", "/api/act", join.clone());
    assert_eq!(status, 403);
    let (status, reply) = hub.member_call(&cookie_a, &csrf_a, "POST", "/api/act", join.clone());
    assert_eq!(status, 200, "{reply}");
    // With two members the committee wants two vouches: A, now a member,
    // vouches for B from A's own session.
    let vouch_b = json!({ "action": "vouch", "committee": committee, "pubkey": key_b });
    let (status, reply) = hub.member_call(&cookie_a, &csrf_a, "POST", "/api/act", vouch_b);
    assert_eq!(status, 200, "{reply}");
    let (status, reply) = hub.member_call(&cookie_b, &csrf_b, "POST", "/api/act", join.clone());
    assert_eq!(status, 200, "{reply}");
    // Their first ops also gave them the names they signed up with.
    let show = super::json(dir, &["committee", "show", &committee]).to_string();
    assert!(show.contains("Aibek") && show.contains("Bakhyt"), "{show}");
    let proposal = hub.propose(&committee);
    let vote = json!({ "action": "vote", "proposal": proposal, "choice": "yes" });
    let (status, reply) = hub.member_call(&cookie_a, &csrf_a, "POST", "/api/act", vote.clone());
    assert_eq!(status, 200, "{reply}");
    let op = reply["op"].as_str().unwrap().to_string();
    // The op A's session authored is signed by A's key.
    let (_, log) = hub.owner_call("GET", &format!("/api/proposals/{proposal}"), "");
    assert_eq!(log["tally"]["yes"], "1", "{log}");
    let ops = super::json(dir, &["log"]);
    let authored = ops
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == op.as_str())
        .unwrap_or_else(|| panic!("op {op} is not in the log"));
    assert_eq!(authored["author"], key_a);
    // A member's session may not carry the federation away, nor see the
    // hub's members; the owner sees them and ends A's sessions.
    let (status, _) = hub.member_call(&cookie_a, &csrf_a, "GET", "/export", json!(null));
    assert_eq!(status, 403);
    let (status, _) = hub.member_call(&cookie_a, &csrf_a, "GET", "/api/hub/members", json!(null));
    assert_eq!(status, 403);
    // Nor the laptop's peer book: other organisers' nodes and addresses.
    for path in ["/peers", "/api/peers"] {
        let (status, _) = hub.member_call(&cookie_a, &csrf_a, "GET", path, json!(null));
        assert_eq!(status, 403, "{path}");
    }
    let (status, members) = hub.owner_call("GET", "/api/hub/members", "");
    assert_eq!(status, 200);
    assert_eq!(members["members"].as_array().unwrap().len(), 2, "{members}");
    // The owner's page shows the hub's URL (as text and QR code) and who
    // signed up.
    let bearer_owner = format!("Bearer {}", hub.owner);
    let (status, page, _) = exchange(
        &hub.addr,
        "GET",
        "/hub",
        &[("Authorization", &bearer_owner)],
        "",
    );
    assert_eq!(status, 200);
    assert!(
        page.contains(&hub.hub_url) && page.contains("<svg"),
        "{page}"
    );
    assert!(page.contains("Aibek") && page.contains("Bakhyt"), "{page}");
    let end = json!({ "public_key": key_a }).to_string();
    let (status, ended) = hub.owner_call("POST", "/api/hub/end", &end);
    assert_eq!((status, ended["ended"].as_u64()), (200, Some(1)));
    let (status, _) = hub.member_call(&cookie_a, &csrf_a, "GET", "/api/session", json!(null));
    assert_eq!(status, 401);
    let (status, _) = hub.member_call(&cookie_b, &csrf_b, "GET", "/api/session", json!(null));
    assert_eq!(status, 200);

    // B signs in on a second phone and signs out everywhere: the first
    // phone's session ends too.
    let (status, _, cookie_b2) = hub.visitor_call(
        "/api/hub/login",
        json!({ "name": "bakhyt", "passphrase": "general strike now" }),
    );
    assert_eq!(status, 200);
    let cookie_b2 = cookie_b2.unwrap();
    let (_, session_b2) = hub.member_call(&cookie_b2, "", "GET", "/api/session", json!(null));
    let csrf_b2 = session_b2["csrf"].as_str().unwrap().to_string();
    let everywhere = json!({ "everywhere": true });
    let (status, _) = hub.member_call(&cookie_b2, &csrf_b2, "POST", "/api/hub/logout", everywhere);
    assert_eq!(status, 200);
    for cookie in [&cookie_b, &cookie_b2] {
        let (status, _) = hub.member_call(cookie, "", "GET", "/api/session", json!(null));
        assert_eq!(status, 401);
    }

    // Someone signs up and is never vouched for: the owner removes them
    // and their key file; a member with standing cannot be removed, and a
    // member's session cannot remove anyone.
    let (status, c, cookie_c) = hub.visitor_call(
        "/api/hub/signup",
        json!({ "name": "Stranger", "passphrase": "nobody knows me" }),
    );
    assert_eq!(status, 200, "{c}");
    let (key_c, cookie_c) = (c["public_key"].as_str().unwrap(), cookie_c.unwrap());
    let (_, members) = hub.owner_call("GET", "/api/hub/members", "");
    let standing = |key: &str| {
        members["members"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["public_key"] == key)
            .map(|m| m["standing"].clone())
    };
    assert_eq!(standing(key_a), Some(json!(true)), "{members}");
    assert_eq!(standing(key_c), Some(json!(false)), "{members}");
    let remove = |key: &str| json!({ "public_key": key }).to_string();
    let (status, _) = hub.member_call(
        &cookie_c,
        "",
        "POST",
        "/api/hub/remove",
        json!({ "public_key": key_c }),
    );
    assert_eq!(status, 403);
    let (status, reply) = hub.owner_call("POST", "/api/hub/remove", &remove(key_a));
    assert_eq!(status, 409, "{reply}");
    assert!(
        dir.join("hub/members")
            .join(format!("{key_a}.json"))
            .exists()
    );
    let (status, reply) = hub.owner_call("POST", "/api/hub/remove", &remove(key_c));
    assert_eq!(
        (status, reply["removed"].as_bool()),
        (200, Some(true)),
        "{reply}"
    );
    assert!(
        !dir.join("hub/members")
            .join(format!("{key_c}.json"))
            .exists()
    );
    let (status, _) = hub.member_call(&cookie_c, "", "GET", "/api/session", json!(null));
    assert_eq!(status, 401);
    let (status, reply) = hub.owner_call("POST", "/api/hub/remove", &remove(key_c));
    assert_eq!(status, 404, "{reply}");
    let (_, members) = hub.owner_call("GET", "/api/hub/members", "");
    assert_eq!(members["members"].as_array().unwrap().len(), 2, "{members}");

    // Wrong passphrases for A: five are told so, the sixth is refused
    // with 429, and so is the right one while the five stand.
    for _ in 0..5 {
        let (status, reply, cookie) = hub.visitor_call(
            "/api/hub/login",
            json!({ "public_key": key_a, "passphrase": "a wrong guess" }),
        );
        assert_eq!((status, cookie), (401, None), "{reply}");
    }
    let (status, _, _) = hub.visitor_call(
        "/api/hub/login",
        json!({ "public_key": key_a, "passphrase": "a wrong guess" }),
    );
    assert_eq!(status, 429);
    let (status, _, cookie) = hub.visitor_call(
        "/api/hub/login",
        json!({ "public_key": key_a, "passphrase": "oil workers unite" }),
    );
    assert_eq!((status, cookie), (429, None));
}

/// Starts `n` Chromium phones (360 × 740, touch, a phone's user agent),
/// runs `body` with them, and closes them whatever happens.
async fn with_phones<F, Fut>(n: usize, body: F)
where
    F: FnOnce(Vec<WebDriver>) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = WebDriverResult<()>> + Send,
{
    let mut drivers = Vec::new();
    let mut phones = Vec::new();
    for _ in 0..n {
        let (driver, web) = phone(free_port()).await;
        drivers.push(driver);
        phones.push(web);
    }
    let sessions = phones.clone();
    let outcome = tokio::spawn(async move { body(sessions).await }).await;
    for web in phones {
        let _ = web.quit().await;
    }
    drop(drivers);
    match outcome {
        Ok(result) => result.unwrap(),
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}

async fn phone(port: u16) -> (Driver, WebDriver) {
    phone_with(port, &[]).await
}

/// [`phone`] with `extra` command-line flags for Chromium.
pub(super) async fn phone_with(port: u16, extra: &[String]) -> (Driver, WebDriver) {
    chromium(port, |caps| {
        for arg in extra {
            caps.add_arg(arg).unwrap();
        }
        caps.add_experimental_option(
            "mobileEmulation",
            json!({
                "deviceMetrics": { "width": 360, "height": 740, "pixelRatio": 3.0, "touch": true, "mobile": true },
                "userAgent": "Mozilla/5.0 (Linux; Android 11; Redmi 9) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36",
            }),
        )
        .unwrap();
    })
    .await
}

/// Waits until the phone's address holds `needle`.
async fn url_with(web: &WebDriver, needle: &str) -> WebDriverResult<()> {
    for _ in 0..100 {
        if web.current_url().await?.as_str().contains(needle) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "the address never held {needle:?}: {}",
        web.current_url().await?
    );
}

/// The phone's own session, as its page's script would fetch it.
pub(super) async fn session_of(web: &WebDriver) -> WebDriverResult<Value> {
    let reply = web
        .execute_async(
            "const done = arguments[0]; fetch('/api/session').then(r => r.json()).then(done, e => done(String(e)));",
            vec![],
        )
        .await?;
    Ok(reply.json().clone())
}

/// Fits the phone's 360 px screen: nothing wider.
async fn fits(web: &WebDriver) -> WebDriverResult<()> {
    let width: i64 = web
        .execute("return document.documentElement.scrollWidth;", vec![])
        .await?
        .convert()?;
    assert!(
        width <= 360,
        "{} is {width} px wide",
        web.current_url().await?
    );
    Ok(())
}

/// No serious or critical accessibility violation (axe-core) on the page.
async fn accessible(web: &WebDriver) -> WebDriverResult<()> {
    let violations = super::board::axe_violations(web).await?;
    assert!(
        violations.is_empty(),
        "{}: {violations:?}",
        web.current_url().await?
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_phones_sign_up_at_the_hub_are_vouched_join_and_vote_as_themselves() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    founded(&dir);
    let committee = committee(&dir);
    let hub = start_hub(&dir);
    with_phones(3, move |phones| async move {
        let base = format!("http://{}", hub.addr);
        let names = ["Aibek", "Bakhyt", "Sandugash"];
        let passphrases = ["oil workers unite", "general strike now", "one hundred percent"];

        // A phone on the Wi-Fi without the hub token sees nothing.
        let stranger = &phones[0];
        stranger.goto(&base).await?;
        let seen = text(stranger).await;
        assert!(seen.contains("not signed in"), "{seen}");
        assert!(!seen.contains("Zhanaozen"), "{seen}");
        assert!(stranger.find_all(By::Css("form")).await?.is_empty());

        // Each phone scans the QR code, signs up, and shows its key.
        let mut keys = Vec::new();
        for (i, web) in phones.iter().enumerate() {
            web.goto(&hub.hub_url).await?;
            text_with(web, "Take part in the meeting").await;
            fits(web).await?;
            if i == 0 {
                accessible(web).await?;
            }
            web.find(By::Id("signup-name")).await?.send_keys(names[i]).await?;
            web.find(By::Id("signup-passphrase")).await?.send_keys(passphrases[i]).await?;
            web.find(By::Id("signup-again")).await?.send_keys(passphrases[i]).await?;
            submit(web, "#signup button").await;
            text_with(web, "Waiting for a vouch").await;
            fits(web).await?;
            if i == 0 {
                accessible(web).await?;
            }
            web.find(By::Css("figure.qr svg")).await?;
            let key = web.find(By::Id("my-key")).await?.prop("value").await?.unwrap();
            assert_eq!(key.trim().len(), 64, "{key}");
            // Not vouched yet: the committee's page shows only the wait.
            web.goto(&format!("{base}/committee/{committee}")).await?;
            text_with(web, "Waiting for a vouch").await;
            keys.push(key.trim().to_string());
        }

        // A member who knows them vouches for each key they were shown.
        for key in &keys {
            hub.vouch(&committee, key);
        }
        // Each phone joins the committee from its page. Once the first
        // has joined, the committee wants two vouches: the first phone's
        // member vouches for the others on their page.
        let join = |web: &WebDriver| {
            let web = web.clone();
            let url = format!("{base}/committee/{committee}");
            async move {
                web.goto(&url).await?;
                fits(&web).await?;
                submit(&web, "form#join button").await;
                url_with(&web, "done=join").await
            }
        };
        join(&phones[0]).await?;
        for key in &keys[1..] {
            let web = &phones[0];
            web.goto(&format!("{base}/me")).await?;
            fits(web).await?;
            web.find(By::Id("vouch-key-pubkey")).await?.send_keys(key).await?;
            submit(web, "#vouch-key button").await;
            url_with(web, "done=vouch").await?;
        }
        join(&phones[1]).await?;
        join(&phones[2]).await?;

        // The question is put; each phone votes on it, as its member.
        let proposal = hub.propose(&committee);
        let mut csrfs = Vec::new();
        for (i, web) in phones.iter().enumerate() {
            web.goto(&format!("{base}/proposal/{proposal}")).await?;
            text_with(web, "Strike on Monday").await;
            fits(web).await?;
            web.find(By::Css("input[name=choice][value=yes]")).await?.click().await?;
            submit(web, "form#vote button[type=submit]").await;
            url_with(web, "done=vote").await?;
            // The board fits the phone too.
            web.goto(&base).await?;
            text_with(web, "Situation board").await;
            fits(web).await?;
            let session = session_of(web).await?;
            assert_eq!(session["me"], keys[i].as_str(), "{session}");
            csrfs.push(session["csrf"].as_str().unwrap().to_string());
        }
        let (_, record) = hub.owner_call("GET", &format!("/api/proposals/{proposal}"), "");
        assert_eq!(record["tally"]["yes"], "3", "{record}");
        let voters: std::collections::BTreeSet<String> = super::json(&dir, &["log"])
            .as_array()
            .unwrap()
            .iter()
            .filter(|o| o["kind"] == "vote")
            .map(|o| o["author"].as_str().unwrap().to_string())
            .collect();
        let expected: std::collections::BTreeSet<String> = keys.iter().cloned().collect();
        assert_eq!(voters, expected, "each vote is signed by its own member");

        // One phone's session cannot act as another member: with the
        // other's CSRF token it is refused.
        let forged = phones[2]
            .execute_async(
                "const [csrf, proposal, done] = arguments; fetch('/api/act', {method: 'POST', headers: {'Content-Type': 'application/json', 'X-CSRF-Token': csrf}, body: JSON.stringify({action: 'vote', proposal, choice: 'no'})}).then(r => done(r.status), e => done(String(e)));",
                vec![json!(csrfs[0]), json!(proposal)],
            )
            .await?;
        assert_eq!(forged.json(), &json!(403));
        let (_, record) = hub.owner_call("GET", &format!("/api/proposals/{proposal}"), "");
        assert_eq!((record["tally"]["yes"].as_str(), record["tally"]["no"].as_str()), (Some("3"), Some("0")));

        // The third phone signs out; five wrong passphrases are told so,
        // the sixth in the minute is refused (429).
        let web = &phones[2];
        web.goto(&format!("{base}/hub")).await?;
        text_with(web, "This sign-in ends in").await;
        fits(web).await?;
        accessible(web).await?;
        submit(web, "#logout button").await;
        text_with(web, "Take part in the meeting").await;
        for attempt in 1..=6 {
            web.find(By::Id("login-name")).await?.send_keys(names[2]).await?;
            web.find(By::Id("login-passphrase")).await?.send_keys("not my passphrase").await?;
            submit(web, "#login button").await;
            if attempt < 6 {
                text_with(web, "Wrong name or passphrase").await;
            } else {
                text_with(web, "Too many wrong passphrases").await;
            }
        }
        // The form's refusal is a 429, as the next attempt shows.
        let status = web
            .execute_async(
                "const [name, done] = arguments; fetch(document.querySelector('#login').action, {method: 'POST', body: new URLSearchParams({name, passphrase: 'still not it'})}).then(r => done(r.status), e => done(String(e)));",
                vec![json!(names[2])],
            )
            .await?;
        assert_eq!(status.json(), &json!(429));
        Ok(())
    })
    .await;
}

/// Issue 14 on the hub: two hub members in different committees, each
/// signed in from a phone. Each one's first act publishes their
/// encryption key; what each writes in their committee is sealed to it,
/// and each reads their own committee's sealed texts in the API and the
/// pages, and sees the other committee's as sealed, its words nowhere.
#[test]
fn hub_members_of_two_committees_each_read_their_own_sealed_texts_and_not_the_others() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    founded(dir);
    let committee_a = super::issue12::committee_named(dir, "Zhanaozen residents");
    let committee_b = super::issue12::committee_named(dir, "Ozenmunaigas strike committee");
    let hub = start_hub(dir);
    let signup = |name: &str, passphrase: &str| {
        let (status, reply, cookie) = hub.visitor_call(
            "/api/hub/signup",
            json!({ "name": name, "passphrase": passphrase }),
        );
        assert_eq!(status, 200, "{reply}");
        let cookie = cookie.unwrap();
        let key = reply["public_key"].as_str().unwrap().to_string();
        let csrf = reply["csrf"].as_str().unwrap().to_string();
        (key, cookie, csrf)
    };
    let (key_a, cookie_a, csrf_a) = signup("Ayan", "oil workers unite");
    let (key_b, cookie_b, csrf_b) = signup("Bota", "general strike now");
    // The hub key file holds an X25519 secret beside the signing key,
    // sealed under the passphrase.
    let file =
        std::fs::read_to_string(dir.join("hub/members").join(format!("{key_a}.json"))).unwrap();
    let file: Value = serde_json::from_str(&file).unwrap();
    assert_eq!(file["encryption"][0]["form"], "encrypted", "{file}");
    hub.vouch(&committee_a, &key_a);
    hub.vouch(&committee_b, &key_b);
    let act = |cookie: &str, csrf: &str, body: Value| {
        let (status, reply) = hub.member_call(cookie, csrf, "POST", "/api/act", body);
        assert_eq!(status, 200, "{reply}");
        reply["op"].as_str().map(str::to_string)
    };
    act(
        &cookie_a,
        &csrf_a,
        json!({ "action": "join", "committee": committee_a }),
    );
    act(
        &cookie_b,
        &csrf_b,
        json!({ "action": "join", "committee": committee_b }),
    );
    // Their first acts published their keys.
    let state = super::json(dir, &["log"]).to_string();
    assert_eq!(state.matches("encryption-key").count(), 3, "{state}");

    let write = |cookie: &str, csrf: &str, committee: &str, tag: &str| {
        let proposal = act(
            cookie,
            csrf,
            json!({
                "action": "propose", "committee": committee, "kind": "decision",
                "title": format!("{tag}-hub-title"), "text": format!("{tag}-hub-text"), "hours": "24",
            }),
        )
        .unwrap();
        let thread = act(
            cookie,
            csrf,
            json!({
                "action": "discuss", "committee": committee,
                "title": format!("{tag}-hub-thread"), "text": format!("{tag}-hub-post"),
            }),
        )
        .unwrap();
        (proposal, thread)
    };
    let (proposal_a, thread_a) = write(&cookie_a, &csrf_a, &committee_a, "Aa1");
    let (proposal_b, thread_b) = write(&cookie_b, &csrf_b, &committee_b, "Bb2");
    // Sealed on the wire: no file of the hub's data directory (its
    // database and WAL, the members' key files) holds a word of either.
    let all = super::sealing::files(dir);
    assert!(all.iter().any(|p| p.to_string_lossy().ends_with(".sqlite")));
    for secret in [
        "Aa1-hub-title",
        "Aa1-hub-post",
        "Bb2-hub-title",
        "Bb2-hub-post",
    ] {
        for path in &all {
            let bytes = std::fs::read(path).unwrap_or_default();
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{secret} in {}",
                path.display()
            );
        }
    }

    let get = |cookie: &str, path: &str| {
        let (status, body, _) = exchange(&hub.addr, "GET", path, &[("Cookie", cookie)], "");
        assert_eq!(status, 200, "{path}: {body}");
        body
    };
    let notice = kenes_core::keyring::SEALED_NOTICE;
    for (cookie, mine, theirs) in [
        (
            &cookie_a,
            ("Aa1", &proposal_a, &thread_a),
            ("Bb2", &proposal_b, &thread_b),
        ),
        (
            &cookie_b,
            ("Bb2", &proposal_b, &thread_b),
            ("Aa1", &proposal_a, &thread_a),
        ),
    ] {
        let (tag, proposal, thread) = mine;
        let read: Value = parsed(&get(cookie, &format!("/api/proposals/{proposal}")));
        assert_eq!(read["title"], format!("{tag}-hub-title"), "{read}");
        assert_eq!(read["sealed"], true);
        assert_eq!(read["readable"], true);
        let read: Value = parsed(&get(cookie, &format!("/api/thread/{thread}")));
        assert_eq!(read["root"]["title"], format!("{tag}-hub-thread"), "{read}");
        assert_eq!(read["root"]["text"], format!("{tag}-hub-post"));
        assert!(get(cookie, &format!("/proposal/{proposal}")).contains(&format!("{tag}-hub-text")));
        assert!(get(cookie, &format!("/discussion/{thread}")).contains(&format!("{tag}-hub-post")));

        let (other, proposal, thread) = theirs;
        let seen: Value = parsed(&get(cookie, &format!("/api/proposals/{proposal}")));
        assert_eq!(seen["title"], notice, "{seen}");
        assert_eq!(seen["readable"], false);
        let seen: Value = parsed(&get(cookie, &format!("/api/thread/{thread}")));
        assert_eq!(seen["root"]["text"], notice, "{seen}");
        for path in [
            "/".to_string(),
            "/api/proposals".to_string(),
            "/api/attention".to_string(),
            format!("/proposal/{proposal}"),
            format!("/discussion/{thread}"),
            format!("/api/thread/{thread}"),
        ] {
            let body = get(cookie, &path);
            assert!(!body.contains(&format!("{other}-hub")), "{path}: {body}");
        }
    }
    // The owner, a member of both committees, reads both.
    let (_, owner) = hub.owner_call("GET", &format!("/api/proposals/{proposal_b}"), "");
    assert_eq!(owner["title"], "Bb2-hub-title");
    let (_, owner) = hub.owner_call("GET", &format!("/api/thread/{thread_a}"), "");
    assert_eq!(owner["root"]["text"], "Aa1-hub-post");
}
