//! The in-process HTTP fixture the kenes-web tests share: a federation of
//! one member (Aigerim) with one district committee, served through the
//! real router and a real store in a temporary data directory.

// Each test file uses part of it.
#![allow(dead_code)]

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use kenes_core::body::{CommitteeKind, Policy};
use kenes_core::{Body as OpBody, Hash, SecretKey};
use kenes_store::Store;
use kenes_store::datadir::DataDir;
use kenes_store::keyfile::KeyFile;
use kenes_sync::node::Node;
use kenes_web::{App, router};
use std::sync::Arc;
use tower::ServiceExt;

pub const HOST: &str = "127.0.0.1:7878";

pub struct Fixture {
    _dir: tempfile::TempDir,
    pub data: DataDir,
    pub app: Arc<App>,
    pub node: Arc<Node>,
    pub committee: Hash,
    pub key: SecretKey,
}

pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

pub fn fixture() -> Fixture {
    fixture_with(None)
}

/// A federation with one member and one committee; the key file is
/// encrypted with `passphrase` if given, and then the node starts locked.
pub fn fixture_with(passphrase: Option<&str>) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir::new(dir.path());
    std::fs::create_dir_all(data.federations_dir()).unwrap();
    let key = SecretKey::generate();
    let genesis = kenes_core::op::genesis(&key, "Test federation", now());
    KeyFile::new(&key, "Aigerim", passphrase)
        .unwrap()
        .save(&data.key_file())
        .unwrap();
    let mut store = Store::create(&data.database(&genesis.id), &genesis).unwrap();
    let author = |store: &mut Store, body| {
        kenes_store::author::author(store, &data.key_file(), &key, body, now()).unwrap()
    };
    author(
        &mut store,
        OpBody::Profile {
            name: "Aigerim".into(),
        },
    );
    let committee = author(
        &mut store,
        OpBody::CreateCommittee {
            name: "Oil workers of Zhanaozen".into(),
            kind: CommitteeKind::Territorial {
                area: "Kazakhstan/Mangystau/Zhanaozen".into(),
            },
            policy: Policy::default(),
        },
    )
    .id;
    let node = Node::new(
        data.clone(),
        store,
        passphrase.is_none().then_some(key.clone()),
    );
    let app = App::new(node.clone(), HOST.parse().unwrap());
    Fixture {
        _dir: dir,
        data,
        app,
        node,
        committee,
        key,
    }
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Fixture {
    /// Hands the node the member's encryption secrets, as `kenes serve`
    /// does once the key is open (issue 14).
    pub fn unlock_secrets(&self) {
        self.node.unlock_secrets(
            KeyFile::load(&self.data.key_file())
                .unwrap()
                .encryption_secrets(None)
                .unwrap(),
        );
    }

    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response = router(self.app.clone()).oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// A request with the node's session cookie and its Host.
    pub fn signed(&self, method: &str, path: &str) -> axum::http::request::Builder {
        Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, HOST)
            .header(
                header::COOKIE,
                format!("kenes_session={}", self.app.token()),
            )
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(self.signed("GET", path).body(Body::empty()).unwrap())
            .await
    }

    pub fn digest(&self) -> Hash {
        self.node.store.lock().unwrap().engine().digest()
    }
}
