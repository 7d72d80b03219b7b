//! Every endpoint over HTTP (in process, through the real router and
//! store): authentication, CSRF, Host/Origin checks, bad input answered
//! with a 4xx and a message, and nothing changed by it.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use kenes_core::Body as OpBody;
use kenes_web::router;
use tower::ServiceExt;

mod common;
use common::*;

impl Fixture {
    async fn post_form(&self, fields: &str) -> Reply {
        let request = self
            .signed("POST", &format!("/act?csrf={}", self.app.csrf()))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(fields.to_string()))
            .unwrap();
        self.send(request).await
    }

    async fn post_json(&self, json: &str) -> Reply {
        let request = self
            .signed("POST", "/api/act")
            .header("x-csrf-token", self.app.csrf())
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(json.to_string()))
            .unwrap();
        self.send(request).await
    }

    /// Uploads `file` as the import form's `bundle` field.
    async fn upload(&self, file: &[u8]) -> Reply {
        self.post_multipart("/import", &[], ("bundle", file)).await
    }

    /// Posts a multipart form to `path` (with the CSRF token): the text
    /// `fields`, then one file.
    async fn post_multipart(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        file: (&str, &[u8]),
    ) -> Reply {
        let mut form = Vec::new();
        for (name, value) in fields {
            form.extend_from_slice(
                format!(
                    "--X\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        }
        form.extend_from_slice(
            format!(
                "--X\r\nContent-Disposition: form-data; name=\"{}\"; filename=\"f\"\r\n\r\n",
                file.0
            )
            .as_bytes(),
        );
        form.extend_from_slice(file.1);
        form.extend_from_slice(b"\r\n--X--\r\n");
        let request = self
            .signed("POST", &format!("{path}?csrf={}", self.app.csrf()))
            .header(header::CONTENT_TYPE, "multipart/form-data; boundary=X")
            .body(Body::from(form))
            .unwrap();
        self.send(request).await
    }

    fn ops(&self) -> usize {
        self.node.store.lock().unwrap().engine().len()
    }
}

#[tokio::test]
async fn foreign_host_and_origin_are_refused_first() {
    let f = fixture();
    for host in ["evil.example", "evil.example:7878", "127.0.0.1:9999"] {
        let r = f
            .send(
                Request::get("/")
                    .header(header::HOST, host)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{host}");
        assert!(
            r.body.contains("answers only at its own address"),
            "{}",
            r.body
        );
    }
    let r = f.send(Request::get("/").body(Body::empty()).unwrap()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "no Host at all");
    // DNS rebinding through a page elsewhere: the right Host, a foreign Origin.
    let before = f.digest();
    let r = f
        .send(
            f.signed("POST", &format!("/act?csrf={}", f.app.csrf()))
                .header(header::ORIGIN, "http://evil.example")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(format!(
                    "action=leave&committee={}",
                    f.committee.to_hex()
                )))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(
        r.body
            .contains("requests from other sites are not accepted"),
        "{}",
        r.body
    );
    assert_eq!(f.digest(), before);
}

#[tokio::test]
async fn the_token_is_needed_and_becomes_a_strict_cookie() {
    let f = fixture();
    for path in ["/", "/structure", "/api/digest", "/export"] {
        let r = f
            .send(
                Request::get(path)
                    .header(header::HOST, HOST)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{path}");
        assert!(
            r.body.to_lowercase().contains("not signed in"),
            "{}",
            r.body
        );
    }
    let wrong = f
        .send(
            Request::get("/?token=00ff")
                .header(header::HOST, HOST)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let url = f.app.url();
    let path = url.strip_prefix(&format!("http://{HOST}")).unwrap();
    let r = f
        .send(
            Request::get(path)
                .header(header::HOST, HOST)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let cookie = r.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    assert_eq!(
        r.headers[header::LOCATION],
        "/",
        "the token leaves the address bar"
    );
    let bearer = f
        .send(
            Request::get("/api/digest")
                .header(header::HOST, HOST)
                .header(header::AUTHORIZATION, format!("Bearer {}", f.app.token()))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(bearer.status, StatusCode::OK);
}

#[tokio::test]
async fn every_page_and_read_endpoint_answers() {
    let f = fixture();
    let c = f.committee.to_hex();
    let pages = [
        "/".to_string(),
        "/structure".into(),
        format!("/committee/{c}"),
        "/platform".into(),
        "/audit".into(),
        "/peers".into(),
    ];
    for path in &pages {
        let r = f.get(path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
        assert!(r.body.contains("<main"), "{path}");
        assert!(
            !r.body.contains(kenes_web::i18n::MISSING),
            "{path} lacks a translation"
        );
        assert_eq!(r.headers[header::CACHE_CONTROL], "no-store");
    }
    let md = f.get("/platform.md").await;
    assert_eq!(md.status, StatusCode::OK);
    assert!(md.body.starts_with("# "));
    let apis = [
        "/api/session".to_string(),
        "/api/digest".into(),
        "/api/version".into(),
        "/api/situation?by=day".into(),
        "/api/committees".into(),
        format!("/api/committees/{c}"),
        "/api/proposals".into(),
        "/api/platform".into(),
        "/api/demands".into(),
        "/api/reports".into(),
        "/api/alerts".into(),
        "/api/peers".into(),
    ];
    for path in &apis {
        let r = f.get(path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
        serde_json::from_str::<serde_json::Value>(&r.body)
            .unwrap_or_else(|e| panic!("{path}: {e}"));
    }
    f.unlock_secrets();
    let export = f.get("/export").await;
    assert_eq!(export.status, StatusCode::OK);
    // Sealed to the federation's members (issue 14).
    assert!(export.body.starts_with("KENESSLD"));
    for path in ["/assets/style.css", "/assets/app.js"] {
        let r = f
            .send(
                Request::get(path)
                    .header(header::HOST, HOST)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "assets need no session: {path}");
    }
}

#[tokio::test]
async fn issue_6_voided_ops_are_shown_with_what_voided_them() {
    let f = fixture();
    // A second device with the member's key signs two different reports at
    // the same place in the member's log: a fork nobody built on.
    let ops: Vec<Vec<u8>> = {
        let store = f.node.store.lock().unwrap();
        let engine = store.engine();
        let author = f.key.public();
        let (seq, prev) = engine.next_position(&author);
        let (deps, lamport) = engine.deps_for_new_op(prev.as_ref());
        ["day one", "day two"]
            .iter()
            .map(|text| {
                kenes_core::op::UnsignedOp {
                    version: kenes_core::op::VERSION,
                    federation: engine.federation(),
                    author,
                    seq,
                    prev,
                    deps: deps.clone(),
                    lamport,
                    time: now(),
                    body: OpBody::Report {
                        committee: f.committee,
                        kind: kenes_core::body::ReportKind::Strike,
                        status: kenes_core::body::ReportStatus::Active,
                        area: "Kazakhstan/Mangystau/Zhanaozen".into(),
                        participants: 100,
                        starts_at: now(),
                        text: (*text).into(),
                    },
                }
                .sign(&f.key)
                .bytes
            })
            .collect()
    };
    f.node
        .store
        .lock()
        .unwrap()
        .ingest(&ops, kenes_core::Verify::Signatures)
        .unwrap();
    let alerts: serde_json::Value = serde_json::from_str(&f.get("/api/alerts").await.body).unwrap();
    let voided = alerts["voided"].as_array().unwrap();
    assert_eq!(voided.len(), 2, "{alerts}");
    assert!(voided.iter().all(|v| v["voided_by"]["kind"] == "fork"));
    assert_eq!(alerts["forked_members"].as_array().unwrap().len(), 1);
    for lang in ["en", "ru", "kk"] {
        let page = f
            .send(
                Request::get("/audit")
                    .header(header::HOST, HOST)
                    .header(
                        header::COOKIE,
                        format!("kenes_session={}; kenes_lang={lang}", f.app.token()),
                    )
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains(kenes_web::i18n::MISSING), "{lang}");
        assert!(page.body.contains("id=\"voided-h\""), "{lang}");
    }
    let audit = f.get("/audit").await.body;
    assert!(audit.contains("signed two different ops at seq"), "{audit}");
    let board = f.get("/").await.body;
    assert!(
        board.contains("2 ops were voided by removals or forks"),
        "{board}"
    );
}

#[tokio::test]
async fn bad_ids_and_queries_get_a_4xx_with_a_message() {
    let f = fixture();
    let unknown = "ab".repeat(32);
    let cases = [
        ("/committee/zzz", StatusCode::BAD_REQUEST, "not an id"),
        (
            &*format!("/committee/{unknown}"),
            StatusCode::NOT_FOUND,
            "no committee with that id",
        ),
        (
            &*format!("/proposal/{unknown}"),
            StatusCode::NOT_FOUND,
            "no proposal with that id",
        ),
        ("/api/proposals/12", StatusCode::BAD_REQUEST, "not an id"),
        (
            "/api/situation?by=planet",
            StatusCode::BAD_REQUEST,
            "not a grouping",
        ),
        (
            &*format!("/platform?council={}", f.committee.to_hex()),
            StatusCode::BAD_REQUEST,
            "not a council",
        ),
        ("/nowhere", StatusCode::NOT_FOUND, "no such page"),
        ("/api/nowhere", StatusCode::NOT_FOUND, "no such endpoint"),
        ("/lang?code=xx", StatusCode::BAD_REQUEST, "Unknown language"),
    ];
    for (path, status, message) in cases {
        let r = f.get(path).await;
        assert_eq!(r.status, status, "{path}");
        assert!(r.body.contains(message), "{path}: {}", r.body);
    }
}

#[tokio::test]
async fn changes_need_the_csrf_token_and_bad_input_changes_nothing() {
    let f = fixture();
    let before = (f.digest(), f.ops());
    let leave = format!("action=leave&committee={}", f.committee.to_hex());
    let no_csrf = f
        .send(
            f.signed("POST", "/act")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(leave.clone()))
                .unwrap(),
        )
        .await;
    assert_eq!(no_csrf.status, StatusCode::FORBIDDEN);
    assert!(
        no_csrf.body.contains("form is out of date"),
        "{}",
        no_csrf.body
    );
    let wrong = f
        .send(
            f.signed("POST", "/act?csrf=1234")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(leave))
                .unwrap(),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    let c = f.committee.to_hex();
    let bad_forms = [
        ("", "“Action” is required"),
        ("action=explode", "is not something this page can do"),
        ("action=vote&proposal=zz&choice=yes", "is not an id"),
        (
            &*format!("action=vote&proposal={}&choice=yes", "cd".repeat(32)),
            "no proposal with that id",
        ),
        (
            &*format!("action=propose&committee={c}&title="),
            "“Title” is required",
        ),
        (
            &*format!("action=propose&committee={c}&title=x&hours=99999999"),
            "must be at most 8,760",
        ),
        (
            &*format!(
                "action=report&committee={c}&kind=strike&area=Kazakhstan&participants=4000000000"
            ),
            "must be at most 1,000,000",
        ),
        (
            &*format!("action=vouch&committee={c}&pubkey=nothex"),
            "not a public key",
        ),
        (&*format!("action=join&committee={c}"), "Refused"),
        ("action=add_peer&ticket=kenes1zz", "not a kenes ticket"),
    ];
    for (form, message) in bad_forms {
        let r = f.post_form(form).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{form}: {}", r.body);
        assert!(r.body.contains(message), "{form}: {}", r.body);
    }
    let bad_json = [
        ("{not json", "malformed JSON"),
        ("[1,2]", "expected a JSON object"),
        (
            r#"{"action": "vote", "proposal": {"x": 1}}"#,
            "unsupported type",
        ),
        (r#"{"action": "close", "proposal": "12"}"#, "not an id"),
    ];
    for (body, message) in bad_json {
        let r = f.post_json(body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}");
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert!(
            v["error"].as_str().unwrap().contains(message),
            "{body}: {}",
            r.body
        );
    }
    let garbage = f.upload(b"not a bundle").await;
    assert_eq!(garbage.status, StatusCode::BAD_REQUEST);
    assert!(
        garbage.body.contains("not a valid kenes bundle"),
        "{}",
        garbage.body
    );
    assert_eq!(
        (f.digest(), f.ops()),
        before,
        "refused input changed the state"
    );
}

#[tokio::test]
async fn propose_vote_close_through_forms_and_json() {
    let f = fixture();
    let c = f.committee.to_hex();
    let r = f.post_form(&format!("action=propose&committee={c}&kind=decision&title=Strike+on+Monday&hours=1&back=/committee/{c}")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let location = r.headers[header::LOCATION].to_str().unwrap().to_string();
    let id = location
        .strip_prefix("/proposal/")
        .and_then(|rest| rest.strip_suffix("?done=propose"))
        .expect("a new proposal opens its page, confirming it")
        .to_string();
    let page = f.get(&location).await;
    assert!(page.body.contains("Strike on Monday"));
    let vote = f
        .post_form(&format!(
            "action=vote&proposal={id}&choice=yes&back={location}"
        ))
        .await;
    assert_eq!(vote.status, StatusCode::SEE_OTHER, "{}", vote.body);
    let close = f
        .post_json(&format!(r#"{{"action": "close", "proposal": "{id}"}}"#))
        .await;
    assert_eq!(close.status, StatusCode::OK, "{}", close.body);
    let shown: serde_json::Value =
        serde_json::from_str(&f.get(&format!("/api/proposals/{id}")).await.body).unwrap();
    assert_eq!(shown["status"], "closed");
    assert_eq!(shown["tally"]["passed"], true);
    assert!(f.get(&location).await.body.contains("Passed"));
    // A strike is reported, then its numbers are updated.
    let report = f
        .post_json(&format!(r#"{{"action": "report", "committee": "{c}", "kind": "strike", "area": "Zhanaozen", "participants": 300}}"#))
        .await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.body);
    let report_id: serde_json::Value = serde_json::from_str(&report.body).unwrap();
    let report_id = report_id["op"].as_str().unwrap().to_string();
    let bad = f
        .post_form(&format!(
            "action=update_report&report={report_id}&status=victorious"
        ))
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(
        bad.body.contains("is not a choice for “Status”"),
        "{}",
        bad.body
    );
    let update = f.post_form(&format!("action=update_report&report={report_id}&status=active&participants=2500&back=/committee/{c}")).await;
    assert_eq!(update.status, StatusCode::SEE_OTHER, "{}", update.body);
    assert!(
        f.get(&format!("/committee/{c}"))
            .await
            .body
            .contains("name=\"report\""),
        "the update form is shown"
    );
    let reports: serde_json::Value =
        serde_json::from_str(&f.get("/api/reports").await.body).unwrap();
    assert_eq!(reports[0]["participants"], 2500);
    // A bundle exported through the browser imports back as known ops: it
    // is sealed to the laptop's member, who opens it (issue 14).
    f.unlock_secrets();
    let bytes = router(f.app.clone())
        .oneshot(f.signed("GET", "/export").body(Body::empty()).unwrap())
        .await
        .unwrap()
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes();
    assert!(bytes.starts_with(b"KENESSLD"));
    let before = f.digest();
    let import = f.upload(&bytes).await;
    assert_eq!(import.status, StatusCode::OK, "{}", import.body);
    assert!(import.body.contains("0 new"), "{}", import.body);
    assert_eq!(f.digest(), before);
}

#[tokio::test]
async fn the_language_switch_sets_a_cookie_and_pages_follow_it() {
    let f = fixture();
    let r = f.get("/lang?code=ru&back=/structure").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.headers[header::LOCATION], "/structure");
    assert!(
        r.headers[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .starts_with("kenes_lang=ru")
    );
    let evil = f.get("/lang?code=kk&back=//evil.example/").await;
    assert_eq!(evil.headers[header::LOCATION], "/", "no open redirect");
    let russian = f
        .send(
            f.signed("GET", "/")
                .header(
                    header::COOKIE,
                    format!("kenes_session={}; kenes_lang=ru", f.app.token()),
                )
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(russian.body.contains("lang=\"ru\"") && russian.body.contains("Обстановка"));
    let kazakh = f
        .send(
            f.signed("GET", "/")
                .header(header::ACCEPT_LANGUAGE, "kk-KZ,ru;q=0.5")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(
        kazakh.body.contains("lang=\"kk\""),
        "Accept-Language is followed"
    );
}

#[tokio::test]
async fn an_encrypted_key_is_unlocked_in_the_ui() {
    let f = fixture_with(Some("correct horse"));
    let board = f.get("/").await;
    assert!(
        board.body.contains("The member key is locked"),
        "{}",
        board.body
    );
    let before = f.digest();
    let leave = f
        .post_form(&format!("action=leave&committee={}", f.committee.to_hex()))
        .await;
    assert_eq!(leave.status, StatusCode::BAD_REQUEST);
    assert!(leave.body.contains("locked"), "{}", leave.body);
    let wrong = f.post_form("action=unlock&passphrase=battery+staple").await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert!(wrong.body.contains("Wrong passphrase"), "{}", wrong.body);
    assert!(f.node.member_key().is_none());
    let right = f
        .post_form("action=unlock&passphrase=correct+horse&back=/")
        .await;
    assert_eq!(right.status, StatusCode::SEE_OTHER, "{}", right.body);
    assert!(f.node.member_key().is_some());
    assert!(!f.get("/").await.body.contains("The member key is locked"));
    assert_eq!(f.digest(), before, "unlocking authors nothing");
}

impl Fixture {
    /// Sends `photo` as a scan form's photo for `field`.
    async fn scan(&self, field: &str, photo: &[u8]) -> Reply {
        self.post_multipart("/scan", &[("field", field)], ("photo", photo))
            .await
    }
}

/// `text` as a PNG of its QR code, 6 px a module, on a white margin.
fn qr_png(text: &str) -> Vec<u8> {
    let code = qrcode::QrCode::new(text.as_bytes()).unwrap();
    let (side, colors) = (code.width() as u32, code.to_colors());
    let image = image::GrayImage::from_fn((side + 8) * 6, (side + 8) * 6, |x, y| {
        let (mx, my) = ((x / 6).wrapping_sub(4), (y / 6).wrapping_sub(4));
        let dark =
            mx < side && my < side && colors[(my * side + mx) as usize] == qrcode::Color::Dark;
        image::Luma([if dark { 0 } else { 255 }])
    });
    let mut png = std::io::Cursor::new(Vec::new());
    image.write_to(&mut png, image::ImageFormat::Png).unwrap();
    png.into_inner()
}

#[tokio::test]
async fn a_photo_of_a_key_fills_the_vouch_form_and_nothing_else_happens() {
    let f = fixture();
    let before = f.digest();
    let key = kenes_core::SecretKey::generate().public().to_hex();
    let r = f.scan("vouch-key-pubkey", &qr_png(&key)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains(&format!(">{key}</textarea>")), "{}", r.body);
    assert!(r.body.contains("Read from the photo"), "{}", r.body);
    // Read into the form only: no vouch until the member submits it.
    assert_eq!(f.digest(), before);
}

#[tokio::test]
async fn hostile_photos_and_fields_are_refused_in_one_line_and_change_nothing() {
    let f = fixture();
    let before = f.digest();
    let blank = {
        let mut png = std::io::Cursor::new(Vec::new());
        image::GrayImage::from_pixel(300, 200, image::Luma([200]))
            .write_to(&mut png, image::ImageFormat::Png)
            .unwrap();
        png.into_inner()
    };
    let cases: [(&str, Vec<u8>, StatusCode, &str); 5] = [
        (
            "vouch-key-pubkey",
            b"GIF89a not really".to_vec(),
            StatusCode::BAD_REQUEST,
            "not a photo kenes can read",
        ),
        (
            "vouch-key-pubkey",
            Vec::new(),
            StatusCode::BAD_REQUEST,
            "No photo was sent",
        ),
        (
            "vouch-key-pubkey",
            blank,
            StatusCode::UNPROCESSABLE_ENTITY,
            "No QR code was found",
        ),
        (
            "name",
            qr_png("x"),
            StatusCode::BAD_REQUEST,
            "could not be read",
        ),
        (
            "vouch-key-pubkey",
            vec![0; kenes_web::scan::MAX_UPLOAD + 1],
            StatusCode::BAD_REQUEST,
            "too large",
        ),
    ];
    for (field, photo, status, says) in cases {
        let r = f.scan(field, &photo).await;
        assert_eq!(r.status, status, "{field}: {}", r.body);
        assert!(r.body.contains(says), "{field}: {}", r.body);
    }
    // Without the form's CSRF token the photo is not even read.
    let request = f
        .signed("POST", "/scan")
        .header(header::CONTENT_TYPE, "multipart/form-data; boundary=X")
        .body(Body::from("--X--\r\n"))
        .unwrap();
    assert_eq!(f.send(request).await.status, StatusCode::FORBIDDEN);
    assert_eq!(f.digest(), before);
}

/// Issue 14: the report form's "Only this committee" seals the text to
/// the committee (the member reads it back; its figures stay clear); where
/// the committee cannot seal (the device's member has no encryption
/// secret unlocked) it is refused with a 400 rather than written clear.
#[tokio::test]
async fn a_report_marked_committee_only_is_sealed_or_refused_never_written_clear() {
    let f = fixture();
    let report = |reach: &str| {
        serde_json::json!({
            "action": "report", "committee": f.committee.to_hex(), "kind": "meeting",
            "area": "Kazakhstan/Mangystau/Zhanaozen", "participants": "12",
            "text": "Committee-only-5656 meet behind the depot", "reach": reach,
        })
        .to_string()
    };
    let before = f.digest();
    let refused = f.post_json(&report("committee")).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(refused.body.contains("cannot seal"), "{}", refused.body);
    assert_eq!(f.digest(), before, "nothing written");
    // With the member's secrets unlocked the committee can seal.
    let secrets =
        kenes_store::keyfile::KeyFile::encryption_secrets_or_new(&f.data.key_file(), None).unwrap();
    f.node.unlock_secrets(secrets);
    // Marked committee only with no text: refused, for its updates would
    // follow a clear first text and reach the whole federation.
    let empty = report("committee").replace("Committee-only-5656 meet behind the depot", " ");
    let refused = f.post_json(&empty).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(refused.body.contains("needs a text"), "{}", refused.body);
    assert_eq!(f.digest(), before, "nothing written");
    let done = f.post_json(&report("committee")).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let id: kenes_core::Hash = serde_json::from_str::<serde_json::Value>(&done.body).unwrap()["op"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    {
        let store = f.node.store.lock().unwrap();
        let op = store.engine().op_by_id(&id).unwrap();
        assert_eq!(
            op.fields.body.to_wire().0,
            kenes_core::body::kind::REPORT_SEALED
        );
        assert!(!op.bytes.windows(12).any(|w| w == b"Committee-on"));
    }
    let reports: serde_json::Value =
        serde_json::from_str(&f.get("/api/reports").await.body).unwrap();
    let row = &reports[0];
    assert_eq!(row["committee_only"], true);
    assert_eq!(row["participants"], 12);
    assert_eq!(
        row["history"][0]["text"],
        "Committee-only-5656 meet behind the depot"
    );
    assert_eq!(row["history"][0]["sealed"], true);
    // The committee page offers the choice.
    let page = f.get(&format!("/committee/{}", f.committee.to_hex())).await;
    assert!(page.body.contains("name=\"reach\""), "{}", page.body);
}

/// A refused act changes nothing, also where the member's encryption
/// secrets are unlocked and their key is not published yet: the act is
/// judged before the key op that would precede it.
#[tokio::test]
async fn a_refused_act_publishes_no_encryption_key_either() {
    let f = fixture();
    let secrets =
        kenes_store::keyfile::KeyFile::encryption_secrets_or_new(&f.data.key_file(), None).unwrap();
    f.node.unlock_secrets(secrets);
    let before = (f.digest(), f.ops());
    let r = f
        .post_form(&format!("action=join&committee={}", f.committee.to_hex()))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("Refused"), "{}", r.body);
    assert_eq!((f.digest(), f.ops()), before);
}
