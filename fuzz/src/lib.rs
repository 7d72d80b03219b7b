//! Fixtures shared by the fuzz targets: a small federation with a few
//! members, built once per process with real keys and signatures.

use kenes_core::body::{CommitteeKind, Policy};
use kenes_core::{Body, Engine, Op, SecretKey, Verify};

/// The founder's key (fixed, so that corpora stay meaningful).
pub fn founder() -> SecretKey {
    SecretKey::from_bytes([1; 32])
}

/// A member's key.
pub fn member() -> SecretKey {
    SecretKey::from_bytes([2; 32])
}

/// A federation of a founder and one vouched member who joined, with a
/// committee: its ops in causal order.
pub fn federation() -> Vec<Op> {
    let founder = founder();
    let genesis = kenes_core::op::genesis(&founder, "fuzz", 0);
    let mut engine = Engine::new(genesis.id);
    engine.ingest(std::slice::from_ref(&genesis.bytes), Verify::Trusted);
    let mut ops = vec![genesis];
    let mut emit = |engine: &mut Engine, key: &SecretKey, body: Body| {
        let op = engine.author(key, body, 1);
        engine.ingest(std::slice::from_ref(&op.bytes), Verify::Trusted);
        ops.push(op.clone());
        op
    };
    let committee = emit(
        &mut engine,
        &founder,
        Body::CreateCommittee {
            name: "committee".into(),
            kind: CommitteeKind::Advisory,
            policy: Policy::default(),
        },
    )
    .id;
    emit(
        &mut engine,
        &founder,
        Body::Vouch {
            committee,
            candidate: member().public(),
        },
    );
    emit(&mut engine, &member(), Body::Join { committee });
    ops
}

/// An engine holding [`federation`].
pub fn engine() -> Engine {
    let ops = federation();
    let mut engine = Engine::new(ops[0].id);
    let bytes: Vec<&[u8]> = ops.iter().map(|o| o.bytes.as_slice()).collect();
    engine.ingest(&bytes, Verify::Trusted);
    engine
}

/// The web UI of a node holding [`federation`] as its founder, in a
/// temporary data directory, and a runtime to drive it: the fuzz targets
/// send it requests as a browser on this machine would.
pub struct Web {
    /// Keeps the data directory.
    pub dir: tempfile::TempDir,
    /// The app (its session and CSRF tokens).
    pub app: std::sync::Arc<kenes_web::App>,
    /// A runtime for the requests.
    pub runtime: tokio::runtime::Runtime,
}

/// The address the web UI believes it serves.
pub const HOST: &str = "127.0.0.1:7878";

impl Web {
    /// A fresh node.
    pub fn new() -> Web {
        use kenes_store::Store;
        use kenes_store::datadir::DataDir;
        use kenes_store::keyfile::KeyFile;
        let dir = tempfile::tempdir().expect("temporary directory");
        let data = DataDir::new(dir.path());
        let ops = federation();
        KeyFile::new(&founder(), "founder", None)
            .and_then(|k| k.save(&data.key_file()))
            .expect("key file");
        let bytes: Vec<&[u8]> = ops.iter().map(|o| o.bytes.as_slice()).collect();
        let store =
            Store::create_with(&data.database(&ops[0].id), ops[0].id, &bytes).expect("store");
        let node = kenes_sync::node::Node::new(data, store, Some(founder()));
        let app = kenes_web::App::new(node, HOST.parse().expect("address"));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        Web { dir, app, runtime }
    }

    /// Sends one request with the session cookie and CSRF token; returns
    /// the status.
    pub fn send(&self, method: &str, path: &str, content_type: &str, body: Vec<u8>) -> u16 {
        use tower::ServiceExt;
        let separator = if path.contains('?') { '&' } else { '?' };
        let request = axum::http::Request::builder()
            .method(method)
            .uri(format!("{path}{separator}csrf={}", self.app.csrf()))
            .header("host", HOST)
            .header("cookie", format!("kenes_session={}", self.app.token()))
            .header("x-csrf-token", self.app.csrf())
            .header("content-type", content_type)
            .body(axum::body::Body::from(body))
            .expect("request");
        let router = kenes_web::router(self.app.clone());
        self.runtime.block_on(async move {
            match router.oneshot(request).await {
                Ok(response) => response.status().as_u16(),
                Err(never) => match never {},
            }
        })
    }
}

impl Default for Web {
    fn default() -> Web {
        Web::new()
    }
}
