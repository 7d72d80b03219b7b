//! Issue 13, part 5: the hub over HTTPS (`kenes serve --hub --tls`). A
//! real hub bound to 127.0.0.2, reached by a rustls client that pins the
//! certificate's SHA-256 fingerprint and by headless Chromium that pins
//! its public key (`--ignore-certificate-errors-spki-list`), as a member
//! who checked the fingerprint trusts it. Nothing leaves loopback.

use super::Server;
use super::browser::{free_port, published, submit, text_with};
use super::hub::{phone_with, session_of};
use super::issue12::{committee, founded};
use base64::Engine as _;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use thirtyfour::prelude::*;

/// The SHA-256 fingerprint of a DER certificate, as browsers show it.
fn fingerprint(der: &[u8]) -> String {
    ring::digest::digest(&ring::digest::SHA256, der)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// A verifier that trusts exactly the certificate of `expected`, and
/// keeps the certificate the server sent.
#[derive(Debug)]
struct Pinned {
    expected: String,
    seen: Mutex<Option<Vec<u8>>>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Pinned {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        *self.seen.lock().unwrap() = Some(end_entity.to_vec());
        if fingerprint(end_entity) == self.expected {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General("not the pinned fingerprint".into()))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// What one HTTPS exchange gave: the head and body, or the TLS error.
struct Reply {
    head: String,
    body: String,
    /// The certificate the server sent (also when the pin refused it).
    cert: Option<Vec<u8>>,
}

impl Reply {
    fn status(&self) -> u16 {
        self.head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0)
    }

    fn cookie(&self) -> Option<&str> {
        self.head
            .lines()
            .find_map(|l| l.strip_prefix("set-cookie: "))
    }
}

/// One HTTP/1.1 exchange over TLS with `addr`, trusting only the
/// certificate whose fingerprint is `pin`.
fn https(
    addr: &str,
    pin: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> Result<Reply, (std::io::Error, Option<Vec<u8>>)> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = Arc::new(Pinned {
        expected: pin.to_string(),
        seen: Mutex::new(None),
        provider: provider.clone(),
    });
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .dangerous()
        .with_custom_certificate_verifier(verifier.clone())
        .with_no_client_auth();
    let ip: std::net::SocketAddr = addr.parse().unwrap();
    let connection =
        rustls::ClientConnection::new(Arc::new(config), ServerName::IpAddress(ip.ip().into()))
            .unwrap();
    let tcp = std::net::TcpStream::connect(addr).unwrap();
    let mut tls = rustls::StreamOwned::new(connection, tcp);
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str("Content-Length: 0\r\n\r\n");
    let seen = || verifier.seen.lock().unwrap().clone();
    if let Err(e) = tls.write_all(request.as_bytes()).and_then(|()| tls.flush()) {
        return Err((e, seen()));
    }
    let mut reply = Vec::new();
    let mut chunk = [0u8; 16 << 10];
    loop {
        match tls.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => reply.extend_from_slice(&chunk[..n]),
            // The server may close without close_notify after answering.
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof && !reply.is_empty() => break,
            Err(e) => return Err((e, seen())),
        }
    }
    let reply = String::from_utf8_lossy(&reply).to_string();
    let (head, body) = reply.split_once("\r\n\r\n").unwrap_or((&reply, ""));
    Ok(Reply {
        head: head.to_string(),
        body: body.to_string(),
        cert: seen(),
    })
}

/// One DER element at the start of `der`: its tag, the whole element and
/// what follows it.
fn der_element(der: &[u8]) -> (u8, &[u8], &[u8]) {
    let tag = der[0];
    let (len, header) = match der[1] {
        n if n < 0x80 => (n as usize, 2),
        n => {
            let bytes = (n & 0x7f) as usize;
            let len = der[2..2 + bytes]
                .iter()
                .fold(0usize, |acc, b| (acc << 8) | *b as usize);
            (len, 2 + bytes)
        }
    };
    (tag, &der[..header + len], &der[header + len..])
}

/// The contents of the DER element `element`.
fn der_contents(element: &[u8]) -> &[u8] {
    let header = if element[1] < 0x80 {
        2
    } else {
        2 + (element[1] & 0x7f) as usize
    };
    &element[header..]
}

/// The certificate's SubjectPublicKeyInfo, read from its DER: the field
/// after version, serial, signature algorithm, issuer, validity and
/// subject in `tbsCertificate`.
fn spki(cert: &[u8]) -> Vec<u8> {
    let (_, certificate, _) = der_element(cert);
    let (_, tbs, _) = der_element(der_contents(certificate));
    let mut rest = der_contents(tbs);
    if rest[0] == 0xa0 {
        rest = der_element(rest).2; // [0] version
    }
    for _ in 0..5 {
        rest = der_element(rest).2;
    }
    let (tag, spki, _) = der_element(rest);
    assert_eq!(tag, 0x30, "SubjectPublicKeyInfo is a SEQUENCE");
    spki.to_vec()
}

/// A running `kenes serve --hub --tls` and what it printed.
struct TlsHub {
    server: Server,
    addr: String,
    hub_url: String,
    hub_token: String,
    owner: String,
    /// The fingerprint printed on stdout.
    printed: String,
}

fn start(dir: &Path) -> TlsHub {
    for file in ["web-url", "hub-url"] {
        let _ = std::fs::remove_file(dir.join(file));
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_kenes"))
        .arg("--data-dir")
        .arg(dir)
        .args([
            "serve",
            "--hub",
            "--tls",
            "--web",
            "127.0.0.2:0",
            "--bind",
            "127.0.0.1:0",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let server = Server(child);
    let (tx, rx) = std::sync::mpsc::channel();
    // Reads stdout to its end, so the hub never blocks on a full pipe.
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let printed = loop {
        let line = rx
            .recv_timeout(Duration::from_secs(120))
            .expect("the hub printed no certificate fingerprint");
        if let Some(f) = line.strip_prefix("hub certificate SHA-256: ") {
            break f.to_string();
        }
    };
    let web_url = published(dir, "web-url");
    let hub_url = published(dir, "hub-url");
    let addr = hub_url
        .strip_prefix("https://")
        .and_then(|u| u.split('/').next())
        .unwrap_or_else(|| panic!("the hub URL is not https: {hub_url}"))
        .to_string();
    assert!(addr.starts_with("127.0.0.2:"), "{hub_url}");
    assert!(web_url.starts_with("https://"), "{web_url}");
    TlsHub {
        server,
        owner: web_url.split("token=").nth(1).unwrap().to_string(),
        hub_token: hub_url.split("hub=").nth(1).unwrap().to_string(),
        addr,
        hub_url,
        printed,
    }
}

/// (a) A client that pins the printed fingerprint reaches the sign-up
/// page with the hub token; one that pins another is refused. (c) The
/// fingerprint printed, the one on the owner's `/hub` and in
/// `/api/hub/members` are the served certificate's. A plain-HTTP request
/// is answered and breaks nothing. A restarted hub serves the same
/// certificate.
#[test]
fn a_tls_hub_serves_the_certificate_whose_fingerprint_it_prints_and_keeps_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    founded(dir);
    committee(dir);
    let hub = start(dir);
    let pin = hub.printed.clone();
    assert_eq!(pin.len(), 32 * 3 - 1, "{pin}");

    // The hub token trades for a Secure cookie, and the sign-up page.
    let reply = https(
        &hub.addr,
        &pin,
        "GET",
        &format!("/?hub={}", hub.hub_token),
        &[],
    )
    .unwrap();
    assert_eq!(fingerprint(reply.cert.as_deref().unwrap()), pin);
    assert_eq!(reply.status(), 303, "{}", reply.head);
    let cookie = reply.cookie().unwrap().to_string();
    assert!(cookie.starts_with("kenes_hub="), "{cookie}");
    assert!(cookie.contains("; Secure"), "{cookie}");
    let cookie = cookie.split(';').next().unwrap();
    let page = https(&hub.addr, &pin, "GET", "/", &[("Cookie", cookie)]).unwrap();
    assert_eq!(page.status(), 200, "{}", page.head);
    assert!(page.body.contains("id=\"signup\""), "{}", page.body);
    // The language cookie is Secure too.
    let lang = https(
        &hub.addr,
        &pin,
        "GET",
        "/lang?code=kk&back=/",
        &[("Cookie", cookie)],
    )
    .unwrap();
    assert_eq!(lang.status(), 303, "{}", lang.head);
    let set = lang.cookie().unwrap();
    assert!(
        set.starts_with("kenes_lang=kk") && set.contains("; Secure"),
        "{set}"
    );
    // Without the hub token, still nothing, over TLS as over HTTP.
    let stranger = https(&hub.addr, &pin, "GET", "/", &[]).unwrap();
    assert_eq!(stranger.status(), 401);
    assert!(!stranger.body.contains("form"), "{}", stranger.body);

    // A client that expects another certificate does not get that far.
    let other = "AB:".repeat(31) + "AB";
    let (error, sent) = match https(&hub.addr, &other, "GET", "/", &[]) {
        Ok(reply) => panic!("a wrong pin was let through: {}", reply.head),
        Err(failed) => failed,
    };
    assert!(error.to_string().contains("pinned"), "{error}");
    assert_eq!(fingerprint(&sent.unwrap()), pin);

    // Plain HTTP on the TLS port: a one-line 400, and the hub lives on.
    let mut plain = std::net::TcpStream::connect(&hub.addr).unwrap();
    let request = format!("GET / HTTP/1.1\r\nHost: {}\r\n\r\n", hub.addr);
    plain.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    plain.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("https://"), "{answer}");
    // Neither does a client that starts a TLS record and says nonsense.
    let mut garbage = std::net::TcpStream::connect(&hub.addr).unwrap();
    garbage.write_all(&[0x16, 3, 1, 0, 4, 1, 2, 3, 4]).unwrap();
    let mut ignored = Vec::new();
    let _ = garbage.read_to_end(&mut ignored);

    // The owner sees the same fingerprint on /hub and in the API.
    let bearer = format!("Bearer {}", hub.owner);
    let members = https(
        &hub.addr,
        &pin,
        "GET",
        "/api/hub/members",
        &[("Authorization", &bearer)],
    )
    .unwrap();
    assert_eq!(members.status(), 200, "{}", members.body);
    let members: serde_json::Value = serde_json::from_str(&members.body).unwrap();
    assert_eq!(members["fingerprint"], pin.as_str());
    assert!(members["urls"][0].as_str().unwrap().starts_with("https://"));
    let owner_page = https(
        &hub.addr,
        &pin,
        "GET",
        "/hub",
        &[("Authorization", &bearer)],
    )
    .unwrap();
    assert_eq!(owner_page.status(), 200);
    assert!(
        owner_page
            .body
            .contains(&format!("id=\"hub-fingerprint\">{pin}<")),
        "{}",
        owner_page.body
    );
    let key = std::fs::metadata(dir.join("hub/tls-key.pem")).unwrap();
    assert_eq!(
        std::os::unix::fs::PermissionsExt::mode(&key.permissions()) & 0o777,
        0o600
    );

    // Restarted, the hub serves the same certificate.
    drop(hub);
    let again = start(dir);
    assert_eq!(again.printed, pin);
    let reply = https(&again.addr, &pin, "GET", "/", &[]).unwrap();
    assert_eq!(fingerprint(reply.cert.as_deref().unwrap()), pin);
    drop(again.server);
}

/// (b) Headless Chromium that pins the certificate's public key signs up
/// over https, as a member's phone does once they checked the
/// fingerprint; without the pin it stops at the warning.
#[tokio::test(flavor = "multi_thread")]
async fn a_phone_that_pins_the_hub_certificate_signs_up_over_https() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    founded(&dir);
    committee(&dir);
    let hub = start(&dir);
    let served = https(&hub.addr, &hub.printed, "GET", "/", &[]).unwrap();
    let cert = served.cert.unwrap();
    assert_eq!(fingerprint(&cert), hub.printed);
    let spki_pin = base64::engine::general_purpose::STANDARD
        .encode(ring::digest::digest(&ring::digest::SHA256, &spki(&cert)));

    // Without the pin, the browser stops at its warning: no form.
    let (driver, web) = phone_with(free_port(), &[]).await;
    // Chromium shows its warning page (or refuses the navigation).
    let _ = web.goto(&hub.hub_url).await;
    let forms = web.find_all(By::Id("signup-name")).await.unwrap();
    let _ = web.quit().await;
    drop(driver);
    assert!(forms.is_empty(), "an unpinned browser reached the form");

    let flag = format!("--ignore-certificate-errors-spki-list={spki_pin}");
    let (driver, web) = phone_with(free_port(), &[flag]).await;
    let url = hub.hub_url.clone();
    let outcome = tokio::spawn({
        let web = web.clone();
        async move {
            web.goto(&url).await?;
            text_with(&web, "I am new here").await;
            assert!(web.current_url().await?.as_str().starts_with("https://"));
            web.find(By::Id("signup-name"))
                .await?
                .send_keys("Zhanar")
                .await?;
            web.find(By::Id("signup-passphrase"))
                .await?
                .send_keys("oil workers unite")
                .await?;
            web.find(By::Id("signup-again"))
                .await?
                .send_keys("oil workers unite")
                .await?;
            submit(&web, "#signup button").await;
            text_with(&web, "Waiting for a vouch").await;
            // The newcomer's key, to show whoever vouches for them.
            let key = web
                .find(By::Id("my-key"))
                .await?
                .prop("value")
                .await?
                .unwrap();
            let session = session_of(&web).await?;
            assert_eq!(session["me"], key.trim(), "{session}");
            assert_eq!(session["hub_member"], true, "{session}");
            WebDriverResult::Ok(())
        }
    })
    .await;
    let _ = web.quit().await;
    drop(driver);
    match outcome {
        Ok(result) => result.unwrap(),
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
    drop(hub);
}
