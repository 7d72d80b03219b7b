//! Onboarding without a terminal (issue 13): what `kenes serve` shows on a
//! data directory that holds no member key or no federation yet, and the
//! member's own page once it does.
//!
//! [`Shell`] answers behind the same gate as the app (one [`Guard`], so
//! the browser stays signed in throughout) and offers, in order: create
//! my identity (name, optional passphrase), or unlock it; then found a
//! federation, or join one with a ticket, showing my key as text and QR
//! code for whoever vouches for me. Joining is a first contact over QUIC
//! ([`kenes_sync::first_contact`]): the federation arrives whole, or
//! nothing is kept. Once a federation is here, the shell builds the node
//! and the app and hands every request to the app from then on;
//! [`Shell::ready`] gives the node to whoever runs its sync.
//!
//! `me` is the app's `/me` page: my key as text and QR code, my display
//! name, and vouching for a key someone hands me.

use crate::App;
use crate::i18n::I18n;
use crate::security::{Guard, Refusal, Verdict, lang_cookie};
use crate::views;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use kenes_core::{Body, SecretKey};
use kenes_store::Store;
use kenes_store::datadir::DataDir;
use kenes_store::keyfile::{KeyError, KeyFile};
use kenes_sync::net::{self, Ticket};
use kenes_sync::node::Node;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, RwLock};
use tokio::sync::watch;
use tower::ServiceExt;

/// Largest onboarding form.
const MAX_FORM: usize = 16 << 10;

/// The web UI before there is a federation to show, and the switch to the
/// full app once there is one.
pub struct Shell {
    data: DataDir,
    guard: Guard,
    i18n: I18n,
    bound: SocketAddr,
    /// The address first contacts bind to (port 0): the sync address's.
    sync_ip: IpAddr,
    key: Mutex<Option<SecretKey>>,
    /// The member's encryption secrets, opened with the key (issue 14).
    secrets: Mutex<Vec<kenes_core::seal::EncryptionSecret>>,
    app: RwLock<Option<Router>>,
    ready: watch::Sender<Option<Arc<Node>>>,
    /// The hub the app serves as once installed (`kenes serve --hub`).
    hub: std::sync::OnceLock<Arc<crate::hub::Hub>>,
    /// The federation held here, to open once the passphrase is given:
    /// its database is encrypted with it (issue 14).
    resume: std::sync::OnceLock<kenes_core::Hash>,
}

/// Where the onboarding stands, which decides what the page offers.
pub enum Stage {
    /// No key file: create an identity.
    NoKey,
    /// An encrypted key file: unlock it.
    Locked,
    /// A key, no federation: found one or join one.
    Key(kenes_core::PublicKey, String),
}

/// Why an onboarding step failed: a Fluent message id and the English
/// detail for the log.
struct Failed {
    status: StatusCode,
    key: &'static str,
    detail: String,
}

impl Failed {
    fn user(key: &'static str, detail: impl ToString) -> Failed {
        Failed {
            status: StatusCode::BAD_REQUEST,
            key,
            detail: detail.to_string(),
        }
    }

    fn machine(detail: impl ToString) -> Failed {
        Failed {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            key: "onboard-error-machine",
            detail: detail.to_string(),
        }
    }
}

impl Shell {
    /// A shell over `data`, answering on `bound`; first contacts bind to
    /// `sync_ip`. `key` is the member key when it is already unlocked.
    pub fn new(
        data: DataDir,
        bound: SocketAddr,
        sync_ip: IpAddr,
        key: Option<SecretKey>,
    ) -> Arc<Shell> {
        Shell::with_guard(data, bound, sync_ip, key, Guard::new(bound))
    }

    /// [`Shell::new`] with the secrets of `guard` (one made
    /// [`Guard::over_tls`] for the hub's HTTPS).
    pub fn with_guard(
        data: DataDir,
        bound: SocketAddr,
        sync_ip: IpAddr,
        key: Option<SecretKey>,
        guard: Guard,
    ) -> Arc<Shell> {
        Arc::new(Shell {
            data,
            guard,
            i18n: I18n::load(),
            bound,
            sync_ip,
            key: Mutex::new(key),
            secrets: Mutex::new(Vec::new()),
            app: RwLock::new(None),
            ready: watch::Sender::new(None),
            hub: std::sync::OnceLock::new(),
            resume: std::sync::OnceLock::new(),
        })
    }

    /// Opens `federation` and serves the app as soon as the key is
    /// unlocked: for a data directory whose databases are encrypted under
    /// the key file's passphrase, so no node can run before it is given.
    pub fn resume_after_unlock(&self, federation: kenes_core::Hash) {
        let _ = self.resume.set(federation);
    }

    /// Once a federation is here, serve the app as `hub` (phones reach
    /// nothing before: the shell answers only to this machine's owner).
    pub fn serve_as_hub(&self, hub: Arc<crate::hub::Hub>) {
        let _ = self.hub.set(hub);
    }

    /// The URL to open, with the session token.
    pub fn url(&self) -> String {
        self.guard.url(self.bound)
    }

    /// The session token.
    pub fn token(&self) -> &str {
        self.guard.token()
    }

    /// The CSRF token.
    pub fn csrf(&self) -> &str {
        self.guard.csrf()
    }

    /// The node, once a federation is here (founded or joined).
    pub async fn ready(&self) -> Option<Arc<Node>> {
        let mut rx = self.ready.subscribe();
        rx.wait_for(Option::is_some).await.ok()?.clone()
    }

    /// Serves `store` from now on: builds the node and the app, hands them
    /// every request, and wakes [`Shell::ready`].
    pub fn install(&self, store: Store, key: SecretKey) -> Arc<Node> {
        let node = Node::new(self.data.clone(), store, Some(key));
        // Secrets opened at unlock or creation; a key file without a
        // passphrase opens here.
        let mut secrets = self.secrets.lock().map(|s| s.clone()).unwrap_or_default();
        if secrets.is_empty() {
            secrets =
                KeyFile::encryption_secrets_or_new(&self.data.key_file(), None).unwrap_or_default();
        }
        node.unlock_secrets(secrets);
        let app = match self.hub.get() {
            Some(hub) => App::with_hub(node.clone(), self.bound, self.guard.clone(), hub.clone()),
            None => App::with_guard(node.clone(), self.bound, self.guard.clone()),
        };
        if let Ok(mut slot) = self.app.write() {
            *slot = Some(crate::router(app));
        }
        self.ready.send_replace(Some(node.clone()));
        node
    }

    fn stage(&self) -> Result<Stage, Failed> {
        let path = self.data.key_file();
        if !path.exists() {
            return Ok(Stage::NoKey);
        }
        let file = KeyFile::load(&path).map_err(Failed::machine)?;
        let key = self.key.lock().map_err(Failed::machine)?.clone();
        Ok(match key {
            Some(key) => Stage::Key(key.public(), file.name),
            None => Stage::Locked,
        })
    }

    fn member_key(&self) -> Result<SecretKey, Failed> {
        self.key
            .lock()
            .map_err(Failed::machine)?
            .clone()
            .ok_or_else(|| Failed::user("onboard-error-no-key", "no unlocked key"))
    }

    fn lang(&self, headers: &HeaderMap) -> &crate::i18n::Lang {
        let accept = headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok());
        self.i18n.negotiate(lang_cookie(headers), accept)
    }

    /// The onboarding page, with `failed` said at the top.
    fn page(&self, headers: &HeaderMap, failed: Option<&Failed>) -> Response {
        self.page_with_ticket(headers, failed, "")
    }

    /// [`Shell::page`] with `ticket` in the join form (read from a photo).
    fn page_with_ticket(
        &self,
        headers: &HeaderMap,
        failed: Option<&Failed>,
        ticket: &str,
    ) -> Response {
        let t = self.lang(headers);
        let stage = match self.stage() {
            Ok(stage) => stage,
            Err(f) => return self.page(headers, Some(&f)),
        };
        let status = failed.map_or(StatusCode::OK, |f| f.status);
        if let Some(f) = failed {
            tracing::warn!("onboarding: {}", f.detail);
        }
        let error = failed.map(|f| t.t(f.key));
        let markup =
            views::onboarding::render(t, self.guard.csrf(), &stage, error.as_deref(), ticket);
        (status, Html(markup.into_string())).into_response()
    }
}

/// The shell's routes: the app's once it is installed, the onboarding
/// ones until then.
pub fn router(shell: Arc<Shell>) -> Router {
    let onboarding = Router::new()
        .route("/", get(show))
        .route(
            "/api/version",
            get(|| async { axum::Json(serde_json::json!({ "version": "onboarding" })) }),
        )
        .route("/lang", get(language))
        .route("/onboard/identity", post(identity))
        .route("/onboard/unlock", post(unlock))
        .route("/onboard/found", post(found))
        .route("/onboard/join", post(join))
        .route(
            "/onboard/scan",
            post(scan).layer(DefaultBodyLimit::max(crate::scan::MAX_UPLOAD)),
        )
        .fallback(|| async { Redirect::to("/") })
        .merge(crate::server::assets())
        .layer(DefaultBodyLimit::max(MAX_FORM))
        .layer(middleware::from_fn_with_state(shell.clone(), gate))
        .with_state(shell.clone());
    Router::new().fallback(move |request: Request| {
        let app = shell.app.read().ok().and_then(|a| a.clone());
        let onboarding = onboarding.clone();
        async move {
            let response = match app {
                Some(app) => app.oneshot(request).await,
                None => onboarding.oneshot(request).await,
            };
            response.into_response()
        }
    })
}

async fn gate(State(shell): State<Arc<Shell>>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    match shell
        .guard
        .judge(request.method(), request.uri(), request.headers())
    {
        Verdict::Pass => {}
        Verdict::SignIn(path) => return crate::server::sign_in(&shell.guard, &path),
        Verdict::Refuse(status, refusal) => {
            if matches!(refusal, Refusal::ForeignHost(_) | Refusal::ForeignOrigin) {
                tracing::warn!("refused a web request: {refusal}");
            }
            let message = if path.starts_with("/api/") {
                return (
                    status,
                    axum::Json(serde_json::json!({ "error": refusal.to_string() })),
                )
                    .into_response();
            } else {
                shell
                    .lang(request.headers())
                    .t(&format!("refusal-{}", crate::explain::kebab(&refusal)))
            };
            return (
                status,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                format!("{message}\n"),
            )
                .into_response();
        }
    }
    let mut response = next.run(request).await;
    crate::security::harden(response.headers_mut());
    response
}

async fn show(State(shell): State<Arc<Shell>>, headers: HeaderMap) -> Response {
    shell.page(&headers, None)
}

async fn language(
    State(shell): State<Arc<Shell>>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    crate::server::language_redirect(&params, shell.guard.secure()).unwrap_or_else(|| {
        let failed = Failed::user("error-unknown-language", "unknown language");
        shell.page(&headers, Some(&failed))
    })
}

/// A form's fields; a malformed body is the sender's mistake.
fn fields(body: &Bytes) -> Result<HashMap<String, String>, Failed> {
    serde_urlencoded::from_bytes(body).map_err(|e| Failed::user("error-malformed-form", e))
}

/// Runs `step` off the async threads (Argon2 and SQLite block), then
/// shows where onboarding stands, or the app once it is installed.
async fn step(
    shell: Arc<Shell>,
    headers: HeaderMap,
    body: Bytes,
    step: impl FnOnce(&Shell, HashMap<String, String>) -> Result<(), Failed> + Send + 'static,
) -> Response {
    let worker = shell.clone();
    let outcome = tokio::task::spawn_blocking(move || step(&worker, fields(&body)?))
        .await
        .unwrap_or_else(|e| Err(Failed::machine(e)));
    match outcome {
        Ok(()) => Redirect::to("/").into_response(),
        Err(f) => shell.page(&headers, Some(&f)),
    }
}

/// A display or federation name as ops accept it.
fn name_field(form: &HashMap<String, String>, field: &str) -> Result<String, Failed> {
    let name = form.get(field).map(|n| n.trim()).unwrap_or("").to_string();
    kenes_core::validate::check_body(&Body::Profile { name: name.clone() })
        .map_err(|e| Failed::user("onboard-error-name", e))?;
    Ok(name)
}

async fn identity(State(shell): State<Arc<Shell>>, headers: HeaderMap, body: Bytes) -> Response {
    step(shell, headers, body, |shell, form| {
        let name = name_field(&form, "name")?;
        let passphrase = form.get("passphrase").filter(|p| !p.is_empty());
        if passphrase.is_some_and(|p| p.len() > 1024) {
            return Err(Failed::user(
                "onboard-error-passphrase-long",
                "passphrase too long",
            ));
        }
        let path = shell.data.key_file();
        if path.exists() {
            return Err(Failed::user(
                "onboard-error-key-exists",
                "a key file exists",
            ));
        }
        let key = SecretKey::generate();
        let file =
            KeyFile::new(&key, &name, passphrase.map(String::as_str)).map_err(Failed::machine)?;
        std::fs::create_dir_all(shell.data.root()).map_err(Failed::machine)?;
        file.save(&path).map_err(Failed::machine)?;
        shell.data.set_passphrase(passphrase.map(String::as_str));
        *shell.secrets.lock().map_err(Failed::machine)? = file
            .encryption_secrets(passphrase.map(String::as_str))
            .map_err(Failed::machine)?;
        *shell.key.lock().map_err(Failed::machine)? = Some(key);
        Ok(())
    })
    .await
}

async fn unlock(State(shell): State<Arc<Shell>>, headers: HeaderMap, body: Bytes) -> Response {
    step(shell, headers, body, |shell, form| {
        let file = KeyFile::load(&shell.data.key_file()).map_err(Failed::machine)?;
        let passphrase = form.get("passphrase").map(String::as_str).unwrap_or("");
        let key = file.unlock(Some(passphrase)).map_err(|e| match e {
            KeyError::WrongPassphrase | KeyError::NeedPassphrase => {
                Failed::user("onboard-error-passphrase", e)
            }
            e => Failed::machine(e),
        })?;
        *shell.secrets.lock().map_err(Failed::machine)? =
            KeyFile::encryption_secrets_or_new(&shell.data.key_file(), Some(passphrase))
                .map_err(Failed::machine)?;
        shell.data.set_passphrase(Some(passphrase));
        *shell.key.lock().map_err(Failed::machine)? = Some(key.clone());
        if let Some(federation) = shell.resume.get() {
            let store = shell.data.open(federation).map_err(|e| {
                if e.is_user_error() {
                    Failed::user("onboard-error-found", e)
                } else {
                    Failed::machine(e)
                }
            })?;
            shell.install(store, key);
        }
        Ok(())
    })
    .await
}

async fn found(State(shell): State<Arc<Shell>>, headers: HeaderMap, body: Bytes) -> Response {
    step(shell, headers, body, |shell, form| {
        let name = name_field(&form, "name")?;
        let key = shell.member_key()?;
        let id = kenes_store::author::found(&shell.data, &key, &name, kenes_store::now_ms())
            .map_err(|e| {
                if e.is_user_error() {
                    Failed::user("onboard-error-found", e)
                } else {
                    Failed::machine(e)
                }
            })?;
        let store = shell.data.open(&id).map_err(Failed::machine)?;
        shell.install(store, key);
        Ok(())
    })
    .await
}

async fn join(State(shell): State<Arc<Shell>>, headers: HeaderMap, body: Bytes) -> Response {
    let prepared = fields(&body).and_then(|form| {
        let ticket = Ticket::from_text(form.get("ticket").map(String::as_str).unwrap_or(""))
            .map_err(|e| Failed::user("onboard-error-ticket", e))?;
        Ok((ticket, shell.member_key()?))
    });
    let (ticket, key) = match prepared {
        Ok(p) => p,
        Err(f) => return shell.page(&headers, Some(&f)),
    };
    let joined = async {
        let endpoint = net::bind(SocketAddr::new(shell.sync_ip, 0))
            .await
            .map_err(Failed::machine)?;
        let result =
            kenes_sync::first_contact::first_contact(&endpoint, &shell.data, &ticket, &key).await;
        endpoint.close().await;
        result.map_err(|e| {
            use kenes_sync::first_contact::FirstContactError as E;
            let key = match &e {
                E::NotAMember => "onboard-error-not-a-member",
                E::NotVouched => "onboard-error-not-vouched",
                E::AlreadyHeld => "onboard-error-held",
                E::Net(kenes_sync::net::NetError::Refused(_)) => "onboard-error-refused",
                E::Net(_) => "onboard-error-unreachable",
                _ if !e.is_user_error() => return Failed::machine(e),
                _ => "onboard-error-machine",
            };
            Failed::user(key, e)
        })
    }
    .await;
    match joined {
        Ok(joined) => {
            // Remember the node it came from: the new node syncs with it.
            if let Ok(mut book) = kenes_store::peers::PeerBook::load(shell.data.root())
                && book.add(ticket.to_text(), ticket.federation.to_hex())
                && let Err(e) = book.save()
            {
                tracing::warn!("{e}");
            }
            shell.install(joined.store, key);
            Redirect::to("/me").into_response()
        }
        Err(f) => shell.page(&headers, Some(&f)),
    }
}

/// A photo of a ticket's QR code, read into the join form (issue 13).
async fn scan(
    State(shell): State<Arc<Shell>>,
    headers: HeaderMap,
    form: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let read = match form {
        Ok(form) => crate::scan::photo_form(form).await,
        Err(_) => Err(crate::scan::ScanError::Upload),
    };
    let text = match read {
        Ok((field, photo)) if field == crate::scan::JOIN_TICKET => {
            crate::scan::read_in_background(photo).await
        }
        Ok(_) => Err(crate::scan::ScanError::Upload),
        Err(e) => Err(e),
    };
    match text {
        Ok(ticket) => shell.page_with_ticket(&headers, None, &ticket),
        Err(e) => {
            let failed = Failed {
                status: e.status(),
                key: e.message_key(),
                detail: e.to_string(),
            };
            shell.page(&headers, Some(&failed))
        }
    }
}

/// The app's `/me` page: my key and name, and vouching for a key.
pub(crate) async fn me(State(app): State<Arc<App>>, headers: HeaderMap, uri: Uri) -> Response {
    me_page(&app, &headers, &uri, None)
}

/// `/me`, with the key just read from a photo in the vouch form.
pub(crate) fn me_page(
    app: &App,
    headers: &HeaderMap,
    uri: &Uri,
    scanned: Option<(String, String)>,
) -> Response {
    // The reader's own name is in their key file, also before it is
    // published (a candidate's waits there until they join, issue 14).
    let key_file =
        crate::hub::acting().map_or_else(|| app.node().data.key_file(), |a| a.key_file());
    let own_name = KeyFile::load(&key_file).ok().map(|f| f.name);
    crate::server::html_page_scanned(app, headers, uri, scanned, |p, s| {
        Ok(views::me::render(
            p,
            s.engine().state(),
            own_name.as_deref(),
        ))
    })
}
