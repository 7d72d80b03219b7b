//! Routes, the security gate in front of them, and the handlers that turn
//! a request into a view, a JSON value or an action.

use crate::actions::{Action, ActionError};
use crate::i18n::I18n;
use crate::model;
use crate::security::{Guard, LANG_COOKIE, Refusal, Verdict, lang_cookie};
use crate::views::{self, Page};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use kenes_core::Hash;
use kenes_sync::node::Node;
use maud::Markup;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

/// The file in the data directory holding the UI's URL with its token.
pub const WEB_URL_FILE: &str = "web-url";

/// Largest bundle the browser may upload.
const MAX_UPLOAD: usize = 256 << 20;
/// Largest form or JSON body.
const MAX_FORM: usize = 64 << 10;

/// The web app's shared parts.
pub struct App {
    node: Arc<Node>,
    guard: Guard,
    i18n: I18n,
    bound: SocketAddr,
    /// Set when the node serves as a hub (issue 13): members' phones.
    hub: Option<Arc<crate::hub::Hub>>,
}

impl App {
    /// What the request's reader can open of sealed texts in `state`
    /// (issue 14): a hub member's session what is sealed to that member;
    /// otherwise this device's member's, nothing until the key is
    /// unlocked.
    pub(crate) fn keyring_of(&self, state: &kenes_core::State) -> kenes_core::keyring::Keyring {
        if let Some(acting) = crate::hub::acting() {
            return acting.keyring(state);
        }
        match self.node.member_key() {
            Some(key) => kenes_core::keyring::Keyring::open(
                state,
                &key.public(),
                &self.node.encryption_secrets(),
            ),
            None => kenes_core::keyring::Keyring::none(),
        }
    }

    /// The app of `node`, answering on `bound`.
    pub fn new(node: Arc<Node>, bound: SocketAddr) -> Arc<App> {
        App::with_guard(node, bound, Guard::new(bound))
    }

    /// The app of `node` with the secrets of `guard` (the onboarding
    /// shell hands its own on, so the browser stays signed in).
    pub fn with_guard(node: Arc<Node>, bound: SocketAddr, guard: Guard) -> Arc<App> {
        Arc::new(App {
            node,
            guard,
            i18n: I18n::load(),
            bound,
            hub: None,
        })
    }

    /// The app of `node` serving as `hub`: members' phones sign in to it
    /// as themselves (see [`crate::hub`]); serve it with
    /// [`crate::hub::serve`].
    pub fn with_hub(
        node: Arc<Node>,
        bound: SocketAddr,
        guard: Guard,
        hub: Arc<crate::hub::Hub>,
    ) -> Arc<App> {
        Arc::new(App {
            node,
            guard,
            i18n: I18n::load(),
            bound,
            hub: Some(hub),
        })
    }

    /// The hub it serves as, if it does.
    pub fn hub(&self) -> Option<&Arc<crate::hub::Hub>> {
        self.hub.as_ref()
    }

    pub(crate) fn guard(&self) -> &Guard {
        &self.guard
    }

    /// The node it serves.
    pub fn node(&self) -> &Arc<Node> {
        &self.node
    }

    /// The URL to open, with the session token.
    pub fn url(&self) -> String {
        self.guard.url(self.bound)
    }

    /// The CSRF token (for tests and scripts that hold the session token).
    pub fn csrf(&self) -> &str {
        self.guard.csrf()
    }

    /// The session token.
    pub fn token(&self) -> &str {
        self.guard.token()
    }

    pub(crate) fn lang(&self, headers: &HeaderMap) -> &crate::i18n::Lang {
        let accept = headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok());
        self.i18n.negotiate(lang_cookie(headers), accept)
    }

    /// A page for `headers`' language, as `acting` (a hub member) when
    /// given, else as this device's member.
    pub(crate) fn page<'a>(
        &'a self,
        headers: &HeaderMap,
        uri: &Uri,
        version: String,
        acting: Option<&'a crate::hub::Acting>,
    ) -> Page<'a> {
        Page {
            t: self.lang(headers),
            csrf: acting.map_or(self.guard.csrf(), |a| a.csrf.as_str()),
            version,
            me: match acting {
                Some(a) => Some(a.member),
                None => self.node.member_key().map(|k| k.public()),
            },
            hub: self.hub.is_some(),
            hub_member: acting.is_some(),
            // Filled by `html_page`, which holds the state.
            keyring: kenes_core::keyring::Keyring::none(),
            path: uri.path().to_string(),
            done: views::Done::from_query(uri.query()),
            scanned: None,
        }
    }

    /// A refused form or page as an HTML page in the request's language.
    fn refuse_page(
        &self,
        headers: &HeaderMap,
        status: StatusCode,
        message: &str,
        back: &str,
    ) -> Response {
        let uri: Uri = back.parse().unwrap_or_default();
        let acting = crate::hub::acting();
        let mut page = self.page(headers, &uri, String::new(), acting.as_ref());
        page.done = None;
        (
            status,
            Html(views::error_page(&page, message, back).into_string()),
        )
            .into_response()
    }
}

/// Serves `app` on `listener` until `stop` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Arc<App>,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_router(listener, router(app), stop).await
}

/// Serves `router` (the app's, or the onboarding shell's) on `listener`
/// until `stop` resolves.
pub async fn serve_router(
    listener: tokio::net::TcpListener,
    router: Router,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router)
        .with_graceful_shutdown(stop)
        .await
}

/// Every route, behind the gate.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(board))
        .route("/structure", get(structure))
        .route("/committee/{id}", get(committee))
        .route("/committee/{id}/propose", get(crate::forms::propose))
        .route("/committees/new", get(crate::forms::new_committee))
        .route("/proposal/{id}", get(proposal))
        .route("/discussion/{id}", get(discussion))
        .route("/read", post(read_announcement))
        .route("/platform", get(platform))
        .route("/platform.md", get(platform_markdown))
        .route("/audit", get(audit))
        .route("/peers", get(peers))
        .route("/lang", get(switch_language))
        .route("/act", post(act_form))
        .route(
            "/scan",
            post(scan).layer(DefaultBodyLimit::max(crate::scan::MAX_UPLOAD)),
        )
        .route("/export", get(export))
        .route(
            "/import",
            post(import).layer(DefaultBodyLimit::max(MAX_UPLOAD)),
        )
        .route("/api/session", get(api_session))
        .route("/api/digest", get(api_digest))
        .route("/api/version", get(api_version))
        .route("/api/situation", get(api_situation))
        .route("/api/committees", get(api_committees))
        .route("/api/committees/{id}", get(api_committee))
        .route("/api/proposals", get(api_proposals))
        .route("/api/proposals/{id}", get(api_proposal))
        .route("/api/thread/{id}", get(api_thread))
        .route("/api/platform", get(api_platform))
        .route("/api/demands", get(api_demands))
        .route("/api/reports", get(api_reports))
        .route("/api/alerts", get(api_alerts))
        .route("/api/attention", get(api_attention))
        .route("/api/peers", get(api_peers))
        .route("/api/act", post(act_json))
        .route("/me", get(crate::onboarding::me))
        .merge(crate::hub::routes())
        .merge(assets())
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(MAX_FORM))
        .layer(middleware::from_fn_with_state(app.clone(), gate))
        .with_state(app)
}

/// The stylesheet and the script, from the binary.
pub(crate) fn assets<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route(
            "/assets/style.css",
            get(|| async {
                asset(
                    "text/css; charset=utf-8",
                    include_str!("../assets/style.css"),
                )
            }),
        )
        .route(
            "/assets/app.js",
            get(|| async {
                asset(
                    "text/javascript; charset=utf-8",
                    include_str!("../assets/app.js"),
                )
            }),
        )
}

fn asset(kind: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        body,
    )
        .into_response()
}

fn is_api(uri: &Uri) -> bool {
    uri.path().starts_with("/api/")
}

/// A refusal as plain text (HTML pages) or JSON (API).
fn refuse(status: StatusCode, api: bool, message: &str) -> Response {
    if api {
        (status, axum::Json(json!({ "error": message }))).into_response()
    } else {
        (
            status,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!("{message}\n"),
        )
            .into_response()
    }
}

/// A redirect to `path` that sets `guard`'s session cookie.
pub(crate) fn sign_in(guard: &Guard, path: &str) -> Response {
    // The request's path may start with "//": never a redirect elsewhere.
    let mut response = Redirect::to(&safe_back(Some(path))).into_response();
    if let Ok(cookie) = HeaderValue::from_str(&guard.session_cookie()) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}

/// The gate ([`Guard::judge`]) in front of every route.
async fn gate(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    if let Some(hub) = app.hub.clone() {
        return crate::hub::gate(app, hub, request, next).await;
    }
    let api = is_api(request.uri());
    let headers = request.headers();
    let refused = |status: StatusCode, refusal: Refusal| {
        if api {
            refuse(status, true, &refusal.to_string())
        } else {
            let message = app
                .lang(headers)
                .t(&format!("refusal-{}", crate::explain::kebab(&refusal)));
            app.refuse_page(headers, status, &message, "/")
        }
    };
    let verdict = app
        .guard
        .judge(request.method(), request.uri(), request.headers());
    match verdict {
        Verdict::Pass => {}
        Verdict::SignIn(path) => return sign_in(&app.guard, &path),
        Verdict::Refuse(status, refusal) => {
            if matches!(refusal, Refusal::ForeignHost(_) | Refusal::ForeignOrigin) {
                tracing::warn!("refused a web request: {refusal}");
            }
            return refused(status, refusal);
        }
    }
    if request.uri().path().starts_with("/assets/") {
        return next.run(request).await;
    }
    let mut response = next.run(request).await;
    crate::security::harden(response.headers_mut());
    response
}

/// What pages compare to notice news: the counts of accepted and pending
/// ops. Ops only accumulate and outcomes change only when ops arrive, so
/// this changes whenever the state may have; unlike the state digest, it
/// costs nothing to compute.
fn version(engine: &kenes_core::Engine) -> String {
    format!("{}.{}", engine.len(), engine.pending_len())
}

/// A handler's failure: the status, a one-line message in English (for
/// the API and logs) and, when the UI has words for it, the id of its
/// Fluent message (for pages, in the page's language).
pub(crate) struct Failure {
    status: StatusCode,
    message: String,
    key: Option<&'static str>,
    cause: Option<ActionError>,
}

impl Failure {
    fn new(status: StatusCode, message: impl Into<String>) -> Failure {
        Failure {
            status,
            message: message.into(),
            key: None,
            cause: None,
        }
    }

    fn bad(message: impl Into<String>) -> Failure {
        Failure::new(StatusCode::BAD_REQUEST, message)
    }

    fn machine(message: impl Into<String>) -> Failure {
        Failure::new(StatusCode::INTERNAL_SERVER_ERROR, message)
    }

    fn keyed(mut self, key: &'static str) -> Failure {
        self.key = Some(key);
        self
    }

    pub(crate) fn not_found(what: &'static str) -> Failure {
        let key = match what {
            "committee" => "error-no-committee",
            "proposal" => "error-no-proposal",
            "council" => "error-no-council",
            _ => "error-no-page",
        };
        Failure::new(
            StatusCode::NOT_FOUND,
            format!("no {what} with that id here"),
        )
        .keyed(key)
    }

    /// The message in `t`'s language.
    fn localized(&self, t: &crate::i18n::Lang) -> String {
        match (&self.cause, self.key) {
            (Some(cause), _) => crate::explain::action_error(t, cause),
            (None, Some(key)) => t.t(key),
            (None, None) => self.message.clone(),
        }
    }
}

impl From<ActionError> for Failure {
    fn from(e: ActionError) -> Failure {
        let status = if matches!(e, ActionError::OwnerOnly) {
            StatusCode::FORBIDDEN
        } else if e.is_client_error() {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::INTERNAL_SERVER_ERROR
        };
        Failure {
            status,
            message: e.to_string(),
            key: None,
            cause: Some(e),
        }
    }
}

type Store<'a> = std::sync::MutexGuard<'a, kenes_store::Store>;

fn lock(app: &App) -> Result<Store<'_>, Failure> {
    app.node
        .lock_store()
        .map_err(|_| Failure::machine("the store is unavailable").keyed("error-unavailable"))
}

pub(crate) fn parse_id(text: &str) -> Result<Hash, Failure> {
    text.parse().map_err(|_| {
        Failure::bad(format!("'{text}' is not an id (64 hex digits)")).keyed("error-bad-id")
    })
}

/// Renders an HTML page, or its failure as an error page with the status.
pub(crate) fn html_page(
    app: &App,
    headers: &HeaderMap,
    uri: &Uri,
    render: impl FnOnce(&Page, &kenes_store::Store) -> Result<Markup, Failure>,
) -> Response {
    html_page_scanned(app, headers, uri, None, render)
}

/// [`html_page`], with the text just read from a photo for one field.
pub(crate) fn html_page_scanned(
    app: &App,
    headers: &HeaderMap,
    uri: &Uri,
    scanned: Option<(String, String)>,
    render: impl FnOnce(&Page, &kenes_store::Store) -> Result<Markup, Failure>,
) -> Response {
    let store = match lock(app) {
        Ok(s) => s,
        Err(f) => return app.refuse_page(headers, f.status, &f.localized(app.lang(headers)), "/"),
    };
    let acting = crate::hub::acting();
    let mut page = app.page(headers, uri, version(store.engine()), acting.as_ref());
    page.scanned = scanned;
    page.keyring = app.keyring_of(store.engine().state());
    match render(&page, &store) {
        Ok(markup) => Html(markup.into_string()).into_response(),
        Err(f) => (
            f.status,
            Html(views::error_page(&page, &f.localized(page.t), "/").into_string()),
        )
            .into_response(),
    }
}

async fn not_found(State(app): State<Arc<App>>, headers: HeaderMap, uri: Uri) -> Response {
    if is_api(&uri) {
        return refuse(StatusCode::NOT_FOUND, true, "no such endpoint");
    }
    html_page(&app, &headers, &uri, |_, _| {
        Err(Failure::new(StatusCode::NOT_FOUND, "no such page").keyed("error-no-page"))
    })
}

async fn board(State(app): State<Arc<App>>, headers: HeaderMap, uri: Uri) -> Response {
    let seen = crate::attention::seen(app.node.data.root());
    let read = reader(&app).map_or_else(Default::default, |me| {
        crate::deliberation::read_announcements(app.node.data.root(), &me)
    });
    html_page(&app, &headers, &uri, |p, s| {
        Ok(views::board::render(p, s.engine(), seen, &read))
    })
}

/// Whose announcements' read state a request reads and writes: a hub
/// member's session's, else this device's member's.
fn reader(app: &App) -> Option<kenes_core::PublicKey> {
    match crate::hub::acting() {
        Some(a) => Some(a.member),
        None => app.node.member_key().map(|k| k.public()),
    }
}

/// `POST /read`: marks an announcement read for this member on this node
/// (issue 15). Not an op; the form comes back to where it was.
async fn read_announcement(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Response {
    let pairs = body
        .ok()
        .and_then(|b| serde_urlencoded_pairs(&b).ok())
        .unwrap_or_default();
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let back = safe_back(field("back").as_deref());
    let t = app.lang(&headers);
    let Some(me) = reader(&app) else {
        return app.refuse_page(&headers, StatusCode::FORBIDDEN, &t.t("needs-locked"), &back);
    };
    let Some(id) = field("post").and_then(|p| p.trim().parse::<Hash>().ok()) else {
        return app.refuse_page(
            &headers,
            StatusCode::BAD_REQUEST,
            &t.t("error-no-post"),
            &back,
        );
    };
    let known = lock(&app).is_ok_and(|s| {
        crate::deliberation::target(s.engine().state(), &id).is_some_and(|t| {
            t.kind
                == crate::deliberation::TargetKind::Post(
                    kenes_core::discussion::PostKind::Announcement,
                )
        })
    });
    if !known {
        return app.refuse_page(
            &headers,
            StatusCode::NOT_FOUND,
            &t.t("error-no-post"),
            &back,
        );
    }
    match crate::deliberation::mark_read(app.node.data.root(), &me, &id) {
        Ok(()) => Redirect::to(&back_after(&back, "read", None)).into_response(),
        Err(e) => app.refuse_page(
            &headers,
            StatusCode::INTERNAL_SERVER_ERROR,
            &e.to_string(),
            &back,
        ),
    }
}

async fn structure(State(app): State<Arc<App>>, headers: HeaderMap, uri: Uri) -> Response {
    html_page(&app, &headers, &uri, |p, s| {
        Ok(views::structure::render(p, s.engine().state()))
    })
}

async fn committee(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    html_page(&app, &headers, &uri, |p, s| {
        let id = parse_id(&id)?;
        let c = s
            .engine()
            .state()
            .committees
            .get(&id)
            .ok_or_else(|| Failure::not_found("committee"))?;
        Ok(views::committee::render(p, s.engine(), c))
    })
}

async fn proposal(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    html_page(&app, &headers, &uri, |p, s| {
        let id = parse_id(&id)?;
        let home = model::committee_of_proposal(s.engine().state(), &id)
            .ok_or_else(|| Failure::not_found("proposal"))?;
        Ok(views::proposal::render(
            p,
            s.engine(),
            home,
            &id,
            &home.proposals[&id],
        ))
    })
}

/// The `council` query parameter: empty means the whole federation.
fn council_param(
    state: &kenes_core::State,
    params: &HashMap<String, String>,
) -> Result<Option<Hash>, Failure> {
    match params.get("council").map(String::as_str) {
        None | Some("") => Ok(None),
        Some(text) => {
            let id = parse_id(text)?;
            match state.committees.get(&id) {
                Some(c) if c.kind.is_council() => Ok(Some(id)),
                Some(_) => {
                    Err(Failure::bad("that committee is not a council")
                        .keyed("error-not-a-council"))
                }
                None => Err(Failure::not_found("council")),
            }
        }
    }
}

async fn platform(
    State(app): State<Arc<App>>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    html_page(&app, &headers, &uri, |p, s| {
        let council = council_param(s.engine().state(), &params)?;
        Ok(views::platform::render(
            p,
            s.engine().state(),
            council.as_ref(),
        ))
    })
}

async fn platform_markdown(
    State(app): State<Arc<App>>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let result = (|| {
        let store = lock(&app)?;
        let state = store.engine().state();
        let council = council_param(state, &params)?;
        let lang = app.i18n.negotiate(lang_cookie(&headers), None);
        let heading = match &council {
            Some(c) => lang.ta(
                "platform-of",
                &[("name", model::committee_name(state, c).into())],
            ),
            None => lang.t("platform-title"),
        };
        Ok::<String, Failure>(views::platform::markdown(state, council.as_ref(), &heading))
    })();
    match result {
        Ok(text) => (
            [(header::CONTENT_TYPE, "text/markdown; charset=utf-8")],
            text,
        )
            .into_response(),
        Err(f) => app.refuse_page(&headers, f.status, &f.localized(app.lang(&headers)), "/"),
    }
}

async fn audit(State(app): State<Arc<App>>, headers: HeaderMap, uri: Uri) -> Response {
    html_page(&app, &headers, &uri, |p, s| {
        Ok(views::audit::render(p, s.engine()))
    })
}

fn peer_list(app: &App) -> Result<Vec<kenes_store::peers::Peer>, Failure> {
    kenes_store::peers::PeerBook::load(app.node.data.root())
        .map(|b| b.peers)
        .map_err(|e| Failure::machine(e.to_string()))
}

async fn peers(State(app): State<Arc<App>>, headers: HeaderMap, uri: Uri) -> Response {
    peers_page(&app, &headers, &uri, None)
}

fn peers_page(
    app: &App,
    headers: &HeaderMap,
    uri: &Uri,
    scanned: Option<(String, String)>,
) -> Response {
    let ticket = app.node.ticket().map(|t| t.to_text());
    let list = peer_list(app);
    html_page_scanned(app, headers, uri, scanned, |p, s| {
        Ok(views::peers::render(
            p,
            ticket.as_deref(),
            &list?,
            s.engine().len(),
        ))
    })
}

/// A page rendered with the text just read from a photo for one field.
type ScannedPage = fn(&App, &HeaderMap, &Uri, Option<(String, String)>) -> Response;

/// A photo of a QR code (issue 13), read into the field it was sent for:
/// a key to vouch for on `/me`, or a peer's ticket on `/peers`. The page
/// comes back with the text in the field; nothing is done with it until
/// the member submits that form.
async fn scan(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let refused = |e: crate::scan::ScanError, back: &str| {
        app.refuse_page(
            &headers,
            e.status(),
            &app.lang(&headers).t(e.message_key()),
            back,
        )
    };
    let read = match form {
        Ok(form) => crate::scan::photo_form(form).await,
        Err(_) => Err(crate::scan::ScanError::Upload),
    };
    let (field, photo) = match read {
        Ok(read) => read,
        Err(e) => return refused(e, "/"),
    };
    let (back, page): (&str, ScannedPage) = match field.as_str() {
        crate::scan::VOUCH_KEY => ("/me", crate::onboarding::me_page),
        crate::scan::PEER_TICKET if crate::hub::acting().is_none() => ("/peers", peers_page),
        _ => {
            let message = app.lang(&headers).t("error-malformed-form");
            return app.refuse_page(&headers, StatusCode::BAD_REQUEST, &message, "/");
        }
    };
    match crate::scan::read_in_background(photo).await {
        Ok(text) => page(&app, &headers, &Uri::from_static(back), Some((field, text))),
        Err(e) => refused(e, back),
    }
}

/// Only paths of this site: no scheme, no host, no `//`.
fn safe_back(back: Option<&str>) -> String {
    match back {
        // Visible ASCII only: a browser drops tabs and newlines from a
        // Location, so "/\t/host" would otherwise become "//host", another
        // site (a phishing page for passphrases on the hub's Wi-Fi).
        Some(b)
            if b.starts_with('/')
                && !b.starts_with("//")
                && b.bytes().all(|c| c.is_ascii_graphic() && c != b'\\')
                && !b.contains("://") =>
        {
            b.to_string()
        }
        _ => "/".into(),
    }
}

async fn switch_language(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    language_redirect(&params, app.guard.secure()).unwrap_or_else(|| {
        let message = app.lang(&headers).t("error-unknown-language");
        app.refuse_page(&headers, StatusCode::BAD_REQUEST, &message, "/")
    })
}

/// `/lang?code=…&back=…`: the redirect back that sets the language
/// cookie (with `secure`, [`Guard::secure`], added), or `None` for a
/// language kenes does not have.
pub(crate) fn language_redirect(
    params: &HashMap<String, String>,
    secure: &str,
) -> Option<Response> {
    let code = params.get("code").map(String::as_str).unwrap_or("en");
    if !crate::i18n::LANGUAGES.iter().any(|(c, _)| *c == code) {
        return None;
    }
    let mut response =
        Redirect::to(&safe_back(params.get("back").map(String::as_str))).into_response();
    if let Ok(cookie) = HeaderValue::from_str(&format!(
        "{LANG_COOKIE}={code}; SameSite=Strict; Path=/; Max-Age=31536000{secure}"
    )) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    Some(response)
}

/// Applies an action off the async threads (authoring writes to SQLite and
/// may run Argon2 to unlock the key).
async fn apply(app: &Arc<App>, pairs: Vec<(String, String)>) -> Result<Option<Hash>, Failure> {
    let action = Action::parse(&pairs)?;
    let node = app.node.clone();
    // A hub member's session signs with their key, unmasked for this
    // action only.
    let acting = crate::hub::acting();
    let signer = match &acting {
        Some(acting) => Some(
            acting
                .signer()
                .map_err(|e| Failure::new(e.status(), e.to_string()).keyed(e.key()))?,
        ),
        None => None,
    };
    // Every act also keeps the member's display name sealed to their
    // committees (`kenes_store::author::keep_name_up`).
    tokio::task::spawn_blocking(move || {
        action.apply_as(&node, signer.as_ref(), kenes_store::now_ms())
    })
    .await
    .map_err(|e| Failure::machine(e.to_string()))?
    .map_err(Failure::from)
}

/// Where a form's action comes back to: its page, with what was done
/// and the form it came from, scrolled to that form.
fn back_after(back: &str, action: &str, at: Option<&str>) -> String {
    let at = at.filter(|a| {
        !a.is_empty() && a.len() <= 80 && a.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    });
    let (path, fragment) = match at {
        Some(a) => (format!("&at={a}"), format!("#{a}")),
        None => (String::new(), String::new()),
    };
    let sep = if back.contains('?') { '&' } else { '?' };
    format!("{back}{sep}done={action}{path}{fragment}")
}

async fn act_form(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Response {
    let body = match body {
        Ok(b) => b,
        Err(rejection) => {
            let message = app
                .lang(&headers)
                .ta("error-too-big", &[("max", (MAX_FORM as u64 / 1024).into())]);
            return app.refuse_page(&headers, rejection.status(), &message, "/");
        }
    };
    let pairs: Vec<(String, String)> = match serde_urlencoded_pairs(&body) {
        Ok(p) => p,
        Err(_) => {
            let message = app.lang(&headers).t("error-malformed-form");
            return app.refuse_page(&headers, StatusCode::BAD_REQUEST, &message, "/");
        }
    };
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.to_string())
    };
    let back = safe_back(field("back").as_deref());
    let action = field("action").unwrap_or_default();
    let at = field("at");
    match apply(&app, pairs).await {
        // A new proposal goes straight to its own page.
        Ok(Some(op)) if action == "propose" => Redirect::to(&back_after(
            &format!("/proposal/{}", op.to_hex()),
            "propose",
            None,
        ))
        .into_response(),
        // So does a new committee.
        Ok(Some(op)) if action == "create_committee" => Redirect::to(&back_after(
            &format!("/committee/{}", op.to_hex()),
            "create_committee",
            None,
        ))
        .into_response(),
        Ok(_) => Redirect::to(&back_after(&back, &action, at.as_deref())).into_response(),
        Err(f) => app.refuse_page(&headers, f.status, &f.localized(app.lang(&headers)), &back),
    }
}

/// Form fields as pairs, repeated names kept (ranks, candidates).
fn serde_urlencoded_pairs(body: &[u8]) -> Result<Vec<(String, String)>, String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .map_err(|e| format!("malformed form: {e}"))
}

async fn act_json(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let value: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                true,
                &format!("malformed JSON: {e}"),
            );
        }
    };
    let Some(object) = value.as_object() else {
        return refuse(
            StatusCode::BAD_REQUEST,
            true,
            "expected a JSON object with an \"action\" field",
        );
    };
    let mut pairs = Vec::new();
    for (k, v) in object {
        match v {
            Value::String(s) => pairs.push((k.clone(), s.clone())),
            Value::Number(n) => pairs.push((k.clone(), n.to_string())),
            Value::Bool(b) => pairs.push((k.clone(), b.to_string())),
            Value::Array(items) => {
                for item in items {
                    match item.as_str() {
                        Some(s) => pairs.push((k.clone(), s.to_string())),
                        None => {
                            return refuse(
                                StatusCode::BAD_REQUEST,
                                true,
                                &format!("'{k}' must be a list of strings"),
                            );
                        }
                    }
                }
            }
            _ => {
                return refuse(
                    StatusCode::BAD_REQUEST,
                    true,
                    &format!("'{k}' has an unsupported type"),
                );
            }
        }
    }
    match apply(&app, pairs).await {
        Ok(op) => axum::Json(json!({ "ok": true, "op": op.map(|h| h.to_hex()) })).into_response(),
        Err(f) => refuse(f.status, true, &f.message),
    }
}

async fn export(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    let result = (|| {
        let store = lock(&app)?;
        let engine = store.engine();
        // Sealed to the federation's members and this member (issue 14).
        let own = app.node.encryption_secrets().last().map(|s| s.public());
        let to = kenes_store::sealed::recipients(engine, own);
        if to.is_empty() {
            return Err(Failure::bad("nobody to seal to").keyed("error-nobody-to-seal"));
        }
        let mut sealer = kenes_store::sealed::Sealer::new(Vec::new(), &to)
            .map_err(|e| Failure::machine(e.to_string()))?;
        kenes_store::bundle::write_bundle(
            &mut sealer,
            store.federation(),
            engine.accepted_bytes(),
            || {},
        )
        .map_err(|e| Failure::machine(e.to_string()))?;
        sealer.finish().map_err(|e| Failure::machine(e.to_string()))
    })();
    match result {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "application/octet-stream"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"kenes.bundle\"",
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(f) => app.refuse_page(&headers, f.status, &f.localized(app.lang(&headers)), "/"),
    }
}

async fn import(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let refused = |status: StatusCode, key: &str| {
        app.refuse_page(&headers, status, &app.lang(&headers).t(key), "/peers")
    };
    let Ok(mut form) = form else {
        return refused(StatusCode::BAD_REQUEST, "error-no-bundle");
    };
    let mut file = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) if field.name() == Some("bundle") => match field.bytes().await {
                Ok(bytes) => file = Some(bytes),
                Err(e) => return refused(e.status(), "error-upload-failed"),
            },
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) => return refused(e.status(), "error-upload-failed"),
        }
    }
    let Some(bytes) = file else {
        return refused(StatusCode::BAD_REQUEST, "error-no-bundle");
    };
    let node = app.node.clone();
    let outcome =
        tokio::task::spawn_blocking(move || -> Result<kenes_store::ImportCounts, Failure> {
            // The whole file is checked before anything is ingested; a
            // sealed one is opened with the member's secrets (issue 14).
            let bundle = if kenes_store::sealed::is_sealed(&bytes) {
                let secrets = node.encryption_secrets();
                let opened = kenes_store::sealed::open(&bytes[..], &secrets).map_err(|e| {
                    let key = match e {
                        kenes_store::sealed::SealedError::NotForUs => "error-sealed-not-for-us",
                        _ => "error-bad-bundle",
                    };
                    Failure::bad(format!("not a bundle for us: {e}")).keyed(key)
                })?;
                kenes_store::bundle::read_bundle(opened)
            } else {
                kenes_store::bundle::read_bundle(&bytes[..])
            }
            .map_err(|e| {
                Failure::bad(format!("not a valid bundle: {e}")).keyed("error-bad-bundle")
            })?;
            let mut store = node.lock_store().map_err(|_| {
                Failure::machine("the store is unavailable").keyed("error-unavailable")
            })?;
            if bundle.federation != store.federation() {
                return Err(Failure::bad("the bundle is for another federation")
                    .keyed("error-other-federation"));
            }
            store
                .import(&bundle.ops, |_| {})
                .map_err(|e| Failure::machine(e.to_string()))
        })
        .await
        .unwrap_or_else(|e| Err(Failure::machine(e.to_string())));
    let uri = Uri::from_static("/peers");
    match outcome {
        Ok(counts) => {
            app.node.changed();
            html_page(&app, &headers, &uri, |p, _| {
                let message = p.ta(
                    "imported",
                    &[
                        ("new", counts.new.into()),
                        ("known", counts.known.into()),
                        ("rejected", counts.rejected.into()),
                    ],
                );
                Ok(views::layout(
                    p,
                    &message,
                    maud::html! { h1 { (message) } p { a href="/peers" { (p.t("go-back")) } } },
                ))
            })
        }
        Err(f) => html_page(&app, &headers, &uri, |_, _| Err::<Markup, _>(f)),
    }
}

fn json_of(
    app: &App,
    make: impl FnOnce(&kenes_store::Store) -> Result<Value, Failure>,
) -> Response {
    match lock(app).and_then(|s| make(&s)) {
        Ok(value) => axum::Json(value).into_response(),
        Err(f) => refuse(f.status, true, &f.message),
    }
}

async fn api_session(State(app): State<Arc<App>>) -> Response {
    let acting = crate::hub::acting();
    let me = match &acting {
        Some(a) => Some(a.member),
        None => app.node.member_key().map(|k| k.public()),
    };
    json_of(&app, |s| {
        Ok(json!({
            "federation": s.federation().to_hex(),
            "me": me.map(|k| k.to_hex()),
            "csrf": acting.as_ref().map_or(app.guard.csrf(), |a| a.csrf.as_str()),
            "hub_member": acting.is_some(),
            "digest": s.engine().digest().to_hex(),
            "ops": s.engine().len(),
        }))
    })
}

async fn api_digest(State(app): State<Arc<App>>) -> Response {
    json_of(&app, |s| {
        Ok(json!({ "digest": s.engine().digest().to_hex(), "ops": s.engine().len() }))
    })
}

async fn api_version(State(app): State<Arc<App>>) -> Response {
    json_of(&app, |s| Ok(json!({ "version": version(s.engine()) })))
}

async fn api_situation(
    State(app): State<Arc<App>>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    use kenes_core::platform::Grouping;
    let grouping = match params.get("by").map(String::as_str).unwrap_or("area") {
        "area" => Grouping::Area,
        "industry" => Grouping::Industry,
        "day" => Grouping::Day,
        other => {
            return refuse(
                StatusCode::BAD_REQUEST,
                true,
                &format!("'{other}' is not a grouping: area, industry or day"),
            );
        }
    };
    json_of(&app, |s| {
        Ok(serde_json::to_value(kenes_core::platform::situation(
            s.engine().state(),
            grouping,
        ))
        .unwrap_or_default())
    })
}

async fn api_committees(State(app): State<Arc<App>>) -> Response {
    json_of(&app, |s| {
        let state = s.engine().state();
        let keyring = app.keyring_of(state);
        Ok(Value::Array(
            state
                .committees
                .values()
                .map(|c| model::committee(state, &keyring, c))
                .collect(),
        ))
    })
}

async fn api_committee(State(app): State<Arc<App>>, Path(id): Path<String>) -> Response {
    json_of(&app, |s| {
        let state = s.engine().state();
        let keyring = app.keyring_of(state);
        let c = state
            .committees
            .get(&parse_id(&id)?)
            .ok_or_else(|| Failure::not_found("committee"))?;
        let mut value = model::committee(state, &keyring, c);
        value["proposals"] = c
            .proposals
            .iter()
            .map(|(id, r)| model::proposal(state, s.engine(), &keyring, id, r))
            .collect();
        value["seats"] = c.seats.iter().map(|(k, d)| json!({ "committee": k.to_hex(), "delegates": d.iter().map(|x| x.to_hex()).collect::<Vec<_>>() })).collect();
        Ok(value)
    })
}

async fn api_proposals(State(app): State<Arc<App>>) -> Response {
    json_of(&app, |s| {
        let state = s.engine().state();
        let keyring = app.keyring_of(state);
        let mut rows: Vec<_> = state
            .committees
            .values()
            .flat_map(|c| c.proposals.iter())
            .collect();
        rows.sort_by_key(|(_, r)| r.created);
        Ok(rows
            .iter()
            .map(|(id, r)| model::proposal(state, s.engine(), &keyring, id, r))
            .collect())
    })
}

async fn api_proposal(State(app): State<Arc<App>>, Path(id): Path<String>) -> Response {
    json_of(&app, |s| {
        let state = s.engine().state();
        let id = parse_id(&id)?;
        let home = model::committee_of_proposal(state, &id)
            .ok_or_else(|| Failure::not_found("proposal"))?;
        Ok(model::proposal(
            state,
            s.engine(),
            &app.keyring_of(state),
            &id,
            &home.proposals[&id],
        ))
    })
}

/// The `page` query parameter (from 1) as an offset into a list.
fn page_offset(params: &HashMap<String, String>) -> Result<usize, Failure> {
    let page: usize = match params.get("page").map(|p| p.trim()) {
        None | Some("") => 1,
        Some(p) => p
            .parse()
            .ok()
            .filter(|n| (1..=1_000_000).contains(n))
            .ok_or_else(|| Failure::bad("page must be a whole number from 1"))?,
    };
    Ok((page - 1) * crate::deliberation::PAGE)
}

/// The discussion of a committee, proposal, demand, report or post
/// (issue 15).
fn discussion_target(
    state: &kenes_core::State,
    id: &str,
) -> Result<crate::deliberation::Target, Failure> {
    let id = parse_id(id)?;
    crate::deliberation::target(state, &id).ok_or_else(|| Failure::not_found("post"))
}

async fn discussion(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    html_page(&app, &headers, &uri, |p, s| {
        let target = discussion_target(s.engine().state(), &id)?;
        let offset = page_offset(&params)?;
        Ok(views::discussion::render(p, s.engine(), &target, offset))
    })
}

async fn api_thread(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    json_of(&app, |s| {
        let target = discussion_target(s.engine().state(), &id)?;
        let offset = page_offset(&params)?;
        Ok(crate::deliberation::page(
            s.engine(),
            s.engine().state(),
            &app.keyring_of(s.engine().state()),
            &target,
            offset,
        ))
    })
}

async fn api_platform(
    State(app): State<Arc<App>>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    json_of(&app, |s| {
        let state = s.engine().state();
        let council = council_param(state, &params)?;
        Ok(Value::Array(model::platform(state, council.as_ref())))
    })
}

async fn api_demands(State(app): State<Arc<App>>) -> Response {
    json_of(&app, |s| {
        Ok(Value::Array(model::demands(s.engine().state())))
    })
}

async fn api_reports(State(app): State<Arc<App>>) -> Response {
    json_of(&app, |s| {
        let state = s.engine().state();
        Ok(Value::Array(model::reports(state, &app.keyring_of(state))))
    })
}

async fn api_alerts(State(app): State<Arc<App>>) -> Response {
    json_of(&app, |s| {
        let state = s.engine().state();
        Ok(model::alerts(
            state,
            &kenes_store::Alerts::of(s.engine()),
            &app.keyring_of(state),
        ))
    })
}

async fn api_attention(State(app): State<Arc<App>>) -> Response {
    let seen = crate::attention::seen(app.node.data.root());
    let me = match crate::hub::acting() {
        Some(a) => Some(a.member),
        None => app.node.member_key().map(|k| k.public()),
    };
    json_of(&app, |s| {
        let mut attention = crate::attention::attention(s.engine(), me, seen);
        if let Some(me) = me {
            let read = crate::deliberation::read_announcements(app.node.data.root(), &me);
            attention.announcements =
                crate::deliberation::unread_announcements(s.engine(), &me, &read);
        }
        Ok(crate::attention::to_json(
            s.engine(),
            &app.keyring_of(s.engine().state()),
            &attention,
        ))
    })
}

async fn api_peers(State(app): State<Arc<App>>) -> Response {
    let peers = peer_list(&app);
    json_of(&app, |_| {
        Ok(json!({
            "ticket": app.node.ticket().map(|t| t.to_text()),
            "peers": serde_json::to_value(peers?).unwrap_or_default(),
        }))
    })
}

#[cfg(test)]
mod tests {
    use super::safe_back;

    #[test]
    fn a_way_back_never_leaves_the_node() {
        for ours in ["/", "/committee/ab12?page=2#post-3", "/discussion/ab%20cd"] {
            assert_eq!(safe_back(Some(ours)), ours);
        }
        for foreign in [
            "//evil.example/",
            "/\t/192.168.43.66:8080/",
            "/\n/evil",
            "/ /evil",
            "/\\evil",
            "\\\\evil",
            "https://evil.example/",
            "/x?next=https://evil",
            "/caf\u{e9}",
            "",
        ] {
            assert_eq!(safe_back(Some(foreign)), "/", "{foreign:?}");
        }
        assert_eq!(safe_back(None), "/");
    }
}
