//! The onboarding shell over HTTP, in process (issue 13): the same gate
//! as the app, hostile input answered with a 4xx and nothing written, an
//! identity and a federation made through forms, then the app answering
//! with the same session.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use kenes_store::datadir::DataDir;
use kenes_web::onboarding::{Shell, router};
use std::sync::Arc;
use tower::ServiceExt;

const HOST: &str = "127.0.0.1:7878";

async fn send(shell: &Arc<Shell>, request: Request<Body>) -> (StatusCode, String) {
    let response = router(shell.clone()).oneshot(request).await.unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

fn post(shell: &Shell, path: &str, form: &str, csrf: bool) -> Request<Body> {
    let uri = if csrf {
        format!("{path}?csrf={}", shell.csrf())
    } else {
        path.to_string()
    };
    Request::post(uri)
        .header(header::HOST, HOST)
        .header(header::AUTHORIZATION, format!("Bearer {}", shell.token()))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form.to_string()))
        .unwrap()
}

fn get(shell: &Shell, path: &str, host: &str) -> Request<Body> {
    Request::get(path)
        .header(header::HOST, host)
        .header(header::AUTHORIZATION, format!("Bearer {}", shell.token()))
        .body(Body::empty())
        .unwrap()
}

#[tokio::test]
async fn onboarding_refuses_hostile_requests_and_then_hands_over_to_the_app() {
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir::new(dir.path().join("new"));
    let shell = Shell::new(
        data.clone(),
        HOST.parse().unwrap(),
        "127.0.0.1".parse().unwrap(),
        None,
    );
    // The gate: a foreign host, no session, no CSRF token.
    assert_eq!(
        send(&shell, get(&shell, "/", "evil.example:7878")).await.0,
        StatusCode::FORBIDDEN
    );
    let anonymous = Request::get("/")
        .header(header::HOST, HOST)
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&shell, anonymous).await.0, StatusCode::UNAUTHORIZED);
    let (status, _) = send(&shell, post(&shell, "/onboard/identity", "name=A", false)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(!data.key_file().exists());
    // Hostile fields: a name with a line break, an oversized one, a blank
    // one, none; a ticket that is not one. Nothing is written.
    let long = format!("name={}", "ж".repeat(101));
    for form in ["name=a%0Ab", long.as_str(), "name=++", ""] {
        let (status, page) = send(&shell, post(&shell, "/onboard/identity", form, true)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{form}: {page}");
        assert!(!data.key_file().exists(), "{form}");
    }
    let (status, page) = send(
        &shell,
        post(&shell, "/onboard/join", "ticket=kenes1zz", true),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("not a connection code"), "{page}");
    let (status, _) = send(&shell, post(&shell, "/onboard/found", "name=F", true)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "no key yet");
    // Identity, then a federation: the app answers with the same session.
    let (status, _) = send(
        &shell,
        post(&shell, "/onboard/identity", "name=Aigerim", true),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page) = send(&shell, get(&shell, "/", HOST)).await;
    assert!(page.contains("id=\"my-key\""), "{page}");
    let (status, _) = send(
        &shell,
        post(&shell, "/onboard/identity", "name=Again", true),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "the key is never replaced");
    let (status, _) = send(
        &shell,
        post(&shell, "/onboard/found", "name=Zhanaozen+2022", true),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(data.federations().unwrap().len(), 1);
    let node = shell.ready().await.unwrap();
    let (status, session) = send(&shell, get(&shell, "/api/session", HOST)).await;
    assert_eq!(status, StatusCode::OK);
    let me = node.member_key().unwrap().public().to_hex();
    assert!(session.contains(&me), "{session}");
    assert!(session.contains(shell.csrf()), "{session}");
}

/// Issue 14: an identity made with a passphrase founds an encrypted
/// database; a later `kenes serve` without the passphrase runs no node
/// until the web UI is given it, then opens that federation and hands
/// over to the app. A wrong passphrase is refused and opens nothing.
#[tokio::test]
async fn an_encrypted_store_opens_in_the_web_ui_once_the_passphrase_is_given() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("laptop");
    let first = Shell::new(
        DataDir::new(&root),
        HOST.parse().unwrap(),
        "127.0.0.1".parse().unwrap(),
        None,
    );
    let identity = "name=Aigerim&passphrase=correct+horse";
    let (status, _) = send(&first, post(&first, "/onboard/identity", identity, true)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _) = send(
        &first,
        post(&first, "/onboard/found", "name=Zhanaozen", true),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let node = first.ready().await.unwrap();
    let digest = node.store.lock().unwrap().engine().digest();
    drop(node);
    let data = DataDir::new(&root);
    let federation = data.federations().unwrap()[0];
    let file = std::fs::read(data.database(&federation)).unwrap();
    assert!(!file.starts_with(b"SQLite format 3"), "encrypted at rest");
    assert!(!file.windows(9).any(|w| w == b"Zhanaozen"));

    // Restarted without the passphrase: the unlock form, no node.
    let second = Shell::new(
        data.clone(),
        HOST.parse().unwrap(),
        "127.0.0.1".parse().unwrap(),
        None,
    );
    second.resume_after_unlock(federation);
    let (_, page) = send(&second, get(&second, "/", HOST)).await;
    assert!(page.contains("unlock-passphrase"), "{page}");
    let (status, _) = send(
        &second,
        post(&second, "/onboard/unlock", "passphrase=battery", true),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (_, page) = send(&second, get(&second, "/", HOST)).await;
    assert!(page.contains("unlock-passphrase"), "still locked");
    let (status, _) = send(
        &second,
        post(&second, "/onboard/unlock", "passphrase=correct+horse", true),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let node = second.ready().await.unwrap();
    assert_eq!(node.store.lock().unwrap().engine().digest(), digest);
    let (status, _) = send(&second, get(&second, "/api/session", HOST)).await;
    assert_eq!(status, StatusCode::OK);
}
