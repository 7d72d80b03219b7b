//! The hub (issue 13): one laptop serving many members' phones.
//!
//! `kenes serve --hub` serves the app on the LAN. Three kinds of visitor
//! reach it, told apart by `gate`:
//!
//! - **the owner**, with the node's own session token (the `web-url`
//!   token): the app as the laptop's member, plus `/hub`, which lists the
//!   hub's members and ends their sessions. The owner holds no member's
//!   key and cannot act as one.
//! - **a member's phone**, with a member session cookie: the app as that
//!   member. Every op it authors is signed with the member's own key.
//! - **a phone with the hub token** (from the QR code: `/?hub=…` trades it
//!   for a cookie, or `Authorization: Bearer …`) but no session: only the
//!   sign-up and sign-in forms and `/api/hub/signup`, `/api/hub/login`.
//!
//! Anything else, including a phone on the same Wi-Fi without the hub
//! token, is refused before any page is built.
//!
//! **Keys and what is in memory.** A member's key is made on the hub and
//! saved in `hub/members/<key>.json`, a key file sealed with their
//! passphrase (Argon2id and XChaCha20-Poly1305, as `key.json`). Sign-up
//! and sign-in decrypt it once. The hub then draws 32 random bytes, the
//! session secret, sends them to the phone as its cookie, and keeps only
//! the member key XORed with a mask derived from that secret, and a hash
//! of the secret to find the session by. To sign, the request's cookie
//! unmasks the key for that one action; it is dropped when the action is
//! done. The member's X25519 encryption secrets (issue 14), in the same
//! key file under the same passphrase, are opened at sign-in too and kept
//! masked the same way; a request unmasks them to open the epochs sealed
//! to its member ([`Acting::keyring`]) or to author sealed texts, and
//! drops them with its answer. So the hub's memory holds no usable member
//! key between requests and no cookie, the phone holds no key and no
//! data, and ending a session (the member's "sign out", the owner's "end
//! sessions", its expiry after 12 hours by default, or stopping the hub)
//! forgets the masked keys.
//! Passphrases are seen as typed, are never stored, and live only for the
//! request that carries them.
//!
//! **Refusals.** Wrong passphrases count per member and per address: the
//! sixth within a minute, and every one after it while five stand in the
//! last minute, is refused with 429 before Argon2 runs. Sign-ups count per
//! address (twenty a minute) and the hub holds at most ten thousand
//! members. Host and Origin must name the address the phone connected to
//! (one of this machine's) or loopback, as IP literals: names are refused,
//! which stops DNS rebinding.
//!
//! With `--tls` the hub serves HTTPS with a certificate it makes
//! ([`crate::tls`], [`serve_tls`]): the same gate, with `https` origins
//! and `Secure` cookies.
//!
//! A member whose key has no standing yet (no vouch, no membership) sees
//! only their key, as text and QR code, to show whoever vouches for them:
//! a vouch grants read access, so the hub grants it no sooner.

use crate::App;
use crate::actions::Signer;
use crate::security::{CSRF_HEADER, cookie, query_param, same};
use axum::Extension;
use axum::Router;
use axum::body::Bytes;
use axum::extract::connect_info::Connected;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use kenes_core::seal::EncryptionSecret;
use kenes_core::{PublicKey, SecretKey};
use kenes_store::keyfile::{KeyError, KeyFile};
use serde_json::json;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime};
use unicode_normalization::UnicodeNormalization;

/// The file in the data directory holding the hub's URL with its token.
pub const HUB_URL_FILE: &str = "hub-url";
/// The cookie holding the hub token.
pub const HUB_COOKIE: &str = "kenes_hub";
/// The cookie holding a member's session secret.
pub const MEMBER_COOKIE: &str = "kenes_member";
/// How long a member session lasts unless `--session-hours` says.
pub const DEFAULT_SESSION: Duration = Duration::from_secs(12 * 3600);
/// Wrong passphrases allowed per member and per address in [`WINDOW`].
pub const MAX_WRONG: usize = 5;
/// The window the wrong passphrases are counted in.
pub const WINDOW: Duration = Duration::from_secs(60);
/// The shortest passphrase a member may choose, in characters.
pub const MIN_PASSPHRASE_CHARS: usize = 8;
const MAX_PASSPHRASE_BYTES: usize = 1024;
const MAX_MEMBERS: usize = 10_000;
const MAX_SIGNUPS_PER_ADDRESS: usize = 20;
/// What a refused visitor without the hub token reads: nothing that names
/// the software, so a phone on the Wi-Fi learns no more than "no".
const NOT_SIGNED_IN: &str = "not signed in: scan the QR code again";
/// Sign-ups and sign-ins that may run Argon2 at once; more wait.
const ARGON2_AT_ONCE: usize = 4;
/// Sessions one member may hold at once (a phone and a spare, say); the
/// oldest ends when another starts.
const MAX_SESSIONS_PER_MEMBER: usize = 4;

/// Why a hub request was refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum HubError {
    /// No such member, or the passphrase does not open their key.
    #[error("wrong name, key or passphrase")]
    WrongPassphrase,
    /// Too many wrong passphrases for this member or from this address.
    #[error("too many wrong passphrases: wait a minute and try again")]
    TooManyWrong,
    /// Too many sign-ups from this address.
    #[error("too many sign-ups from this address: wait a minute and try again")]
    TooManySignups,
    /// The passphrase is shorter than [`MIN_PASSPHRASE_CHARS`].
    #[error("the passphrase must have at least {MIN_PASSPHRASE_CHARS} characters")]
    ShortPassphrase,
    /// The two passphrases typed differ.
    #[error("the two passphrases differ")]
    PassphrasesDiffer,
    /// The passphrase is absurdly long.
    #[error("the passphrase is too long (at most {MAX_PASSPHRASE_BYTES} bytes)")]
    LongPassphrase,
    /// The name is not a valid display name.
    #[error("not a valid name: {0}")]
    BadName(String),
    /// Another member of this hub goes by that name.
    #[error("that name is taken on this hub: choose another")]
    NameTaken,
    /// The hub holds as many members as it may.
    #[error("this hub holds as many members as it may")]
    Full,
    /// Not a public key.
    #[error("'public_key' is not a public key (64 hex digits)")]
    NotAKey,
    /// No member of this hub has that key.
    #[error("no member of this hub has that key")]
    NoSuchMember,
    /// The member has standing (vouched for, or a member): their key
    /// signs ops others rely on, so it stays.
    #[error("this member has been vouched for: their key stays on the hub")]
    HasStanding,
    /// The session was ended (by its member, the owner or its expiry).
    #[error("this session has ended: sign in again")]
    Ended,
    /// Reading or writing a member's key file failed.
    #[error("hub storage failed: {0}")]
    Storage(String),
}

impl HubError {
    /// The HTTP status it is answered with.
    pub fn status(&self) -> StatusCode {
        match self {
            HubError::WrongPassphrase | HubError::Ended => StatusCode::UNAUTHORIZED,
            HubError::TooManyWrong | HubError::TooManySignups => StatusCode::TOO_MANY_REQUESTS,
            HubError::NameTaken | HubError::HasStanding => StatusCode::CONFLICT,
            HubError::NoSuchMember => StatusCode::NOT_FOUND,
            HubError::Full => StatusCode::SERVICE_UNAVAILABLE,
            HubError::Storage(_) => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::BAD_REQUEST,
        }
    }

    /// Its Fluent message id.
    pub fn key(&self) -> &'static str {
        match self {
            HubError::WrongPassphrase => "hub-error-wrong",
            HubError::TooManyWrong => "hub-error-too-many",
            HubError::TooManySignups => "hub-error-too-many-signups",
            HubError::ShortPassphrase => "hub-error-short",
            HubError::PassphrasesDiffer => "hub-error-differ",
            HubError::LongPassphrase => "hub-error-long",
            HubError::BadName(_) => "onboard-error-name",
            HubError::NameTaken => "hub-error-name-taken",
            HubError::Full => "hub-error-full",
            HubError::NotAKey => "hub-error-wrong",
            HubError::NoSuchMember => "hub-error-no-member",
            HubError::HasStanding => "hub-error-has-standing",
            HubError::Ended => "hub-error-ended",
            HubError::Storage(_) => "onboard-error-machine",
        }
    }
}

fn storage(e: impl ToString) -> HubError {
    HubError::Storage(e.to_string())
}

/// The connection a request came on: the address the phone reached (one
/// of this machine's) and the phone's own.
#[derive(Clone, Copy, Debug)]
pub struct Connection {
    /// This machine's address the connection was made to.
    pub local: SocketAddr,
    /// The visitor's address.
    pub remote: SocketAddr,
}

impl Connected<axum::serve::IncomingStream<'_, tokio::net::TcpListener>> for Connection {
    fn connect_info(stream: axum::serve::IncomingStream<'_, tokio::net::TcpListener>) -> Self {
        let remote = *stream.remote_addr();
        Connection {
            local: stream.io().local_addr().unwrap_or(remote),
            remote,
        }
    }
}

impl Connected<axum::serve::IncomingStream<'_, crate::tls::TlsListener>> for Connection {
    fn connect_info(stream: axum::serve::IncomingStream<'_, crate::tls::TlsListener>) -> Self {
        let remote = *stream.remote_addr();
        Connection {
            local: stream.io().get_ref().0.local_addr().unwrap_or(remote),
            remote,
        }
    }
}

/// Serves `router` on `listener` with each request's [`Connection`]
/// known (the hub's gate needs it) until `stop` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<Connection>(),
    )
    .with_graceful_shutdown(stop)
    .await
}

/// [`serve`] over HTTPS: each connection's TLS handshake is completed
/// with `acceptor` (see [`crate::tls`]) before its requests reach the
/// same gate.
pub async fn serve_tls(
    listener: tokio::net::TcpListener,
    acceptor: tokio_rustls::TlsAcceptor,
    router: Router,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let listener = crate::tls::TlsListener::new(listener, acceptor)?;
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<Connection>(),
    )
    .with_graceful_shutdown(stop)
    .await
}

/// One member session: whose, the key and the encryption secrets masked
/// by the phone's secret, and when it ends.
struct Session {
    member: PublicKey,
    masked: [u8; 32],
    /// The member's X25519 secrets (issue 14), oldest first, each masked
    /// as the signing key is, with a mask of its own.
    masked_secrets: Vec<[u8; 32]>,
    csrf: String,
    /// On the wall clock: a monotonic clock stops while the laptop sleeps,
    /// and a cookie copied from a seized phone would outlive its 12 hours.
    expires: SystemTime,
}

/// Timestamps of recent wrong passphrases (and attempts under way).
#[derive(Default)]
struct Attempts {
    by_member: HashMap<PublicKey, VecDeque<Instant>>,
    by_address: HashMap<IpAddr, VecDeque<Instant>>,
}

/// Addresses and members whose recent attempts are tracked before the
/// tables drop those with none in the last minute: they stay small
/// however many addresses or keys an attacker uses.
const MAX_TRACKED: usize = 4096;

fn recent(list: &mut VecDeque<Instant>, now: Instant) -> usize {
    while list
        .front()
        .is_some_and(|t| now.duration_since(*t) >= WINDOW)
    {
        list.pop_front();
    }
    list.len()
}

fn forget(list: Option<&mut VecDeque<Instant>>, at: Instant) {
    if let Some(list) = list
        && let Some(i) = list.iter().position(|t| *t == at)
    {
        list.remove(i);
    }
}

/// A member of the hub, as the owner's page lists them.
#[derive(Clone, Debug, serde::Serialize)]
pub struct MemberRow {
    /// Their key.
    pub public_key: PublicKey,
    /// The name they signed up with.
    pub name: String,
    /// Their open sessions.
    pub sessions: usize,
    /// Whether they have standing in the federation (vouched for, or a
    /// member): only members without it may be removed from the hub.
    pub standing: bool,
}

/// The hub: its token, its members' key files and the open sessions.
pub struct Hub {
    token: String,
    csrf: String,
    dir: PathBuf,
    lifetime: Duration,
    urls: Vec<String>,
    /// The certificate's SHA-256 fingerprint when served over HTTPS.
    fingerprint: Option<String>,
    members: RwLock<BTreeMap<PublicKey, String>>,
    sessions: Mutex<HashMap<[u8; 32], Session>>,
    wrong: Mutex<Attempts>,
    signups: Mutex<HashMap<IpAddr, VecDeque<Instant>>>,
    /// Held while a sign-up checks the name and writes the key file.
    signing_up: Mutex<()>,
    /// Sign-ups and sign-ins running Argon2 now.
    argon2_slots: tokio::sync::Semaphore,
    /// A key file nobody can open: a sign-in by a name or key the hub does
    /// not know runs Argon2 on it, so it takes as long as a wrong
    /// passphrase does and tells nobody who signed up here.
    decoy: KeyFile,
    /// Argon2 runs by sign-ins (the tests check that each costs one).
    argon2_runs: AtomicUsize,
}

/// Default-ignorable code points (Unicode's DerivedCoreProperties): they
/// show as nothing, so a name holding one would pass for another.
fn invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}'..='\u{1160}'
        | '\u{17B4}'..='\u{17B5}' | '\u{180B}'..='\u{180F}'
        | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}'
        | '\u{FEFF}' | '\u{FFA0}' | '\u{FFF0}'..='\u{FFF8}'
        | '\u{1BCA0}'..='\u{1BCA3}' | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0000}'..='\u{E0FFF}')
}

/// What two names are compared by: compatibility-normalised (NFKC, so
/// "ﬁ" is "fi" and a full-width letter its plain one) and in lower case.
fn name_key(name: &str) -> String {
    name.trim()
        .nfkc()
        .collect::<String>()
        .to_lowercase()
        .nfkc()
        .collect()
}

fn random32() -> [u8; 32] {
    let mut bytes = [0u8; 32];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut bytes);
    bytes
}

fn session_id(secret: &[u8; 32]) -> [u8; 32] {
    blake3::derive_key("kenes hub 2026-11 session id", secret)
}

fn session_mask(secret: &[u8; 32]) -> [u8; 32] {
    blake3::derive_key("kenes hub 2026-11 session key mask", secret)
}

/// The mask of the member's `index`th encryption secret in a session.
fn session_secret_mask(secret: &[u8; 32], index: usize) -> [u8; 32] {
    let mut input = secret.to_vec();
    input.extend_from_slice(&(index as u64).to_le_bytes());
    blake3::derive_key("kenes hub 2026-12 session encryption secret mask", &input)
}

fn session_csrf(secret: &[u8; 32]) -> String {
    hex::encode(blake3::derive_key("kenes hub 2026-11 session csrf", secret))
}

fn xor(a: [u8; 32], b: [u8; 32]) -> [u8; 32] {
    std::array::from_fn(|i| a[i] ^ b[i])
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.strip_prefix("Bearer "))
}

/// Who signs in: by key (the API) or by the name on this hub (the form).
pub enum Who {
    /// The member's public key.
    Key(PublicKey),
    /// The name they signed up with (unique on the hub, any case).
    Name(String),
}

impl Hub {
    /// The hub over the members' key files in `data_root/hub/members`,
    /// with sessions lasting `lifetime`, reachable at `urls` (each with
    /// the hub token added).
    pub fn new(
        data_root: &Path,
        lifetime: Duration,
        addresses: &[SocketAddr],
    ) -> std::io::Result<Arc<Hub>> {
        Hub::serving(data_root, lifetime, addresses, None)
    }

    /// [`Hub::new`], served over HTTPS with the certificate of
    /// `fingerprint` when given (`--tls`, see [`crate::tls`]): its URLs
    /// say `https` and its cookies are `Secure`.
    pub fn serving(
        data_root: &Path,
        lifetime: Duration,
        addresses: &[SocketAddr],
        fingerprint: Option<String>,
    ) -> std::io::Result<Arc<Hub>> {
        let dir = data_root.join("hub").join("members");
        std::fs::create_dir_all(&dir)?;
        let mut members = BTreeMap::new();
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.extension().is_none_or(|e| e != "json") {
                continue;
            }
            match KeyFile::load(&path) {
                Ok(file) => {
                    members.insert(file.public_key, file.name);
                }
                Err(e) => tracing::warn!("skipped {}: {e}", path.display()),
            }
        }
        let decoy = KeyFile::new(&SecretKey::generate(), "", Some(&hex::encode(random32())))
            .map_err(std::io::Error::other)?;
        let bytes = random32();
        let token = hex::encode(bytes);
        let csrf = hex::encode(blake3::derive_key("kenes hub 2026-11 visitor csrf", &bytes));
        let scheme = if fingerprint.is_some() {
            "https"
        } else {
            "http"
        };
        let urls = addresses
            .iter()
            .map(|a| format!("{scheme}://{a}/?hub={token}"))
            .collect();
        Ok(Arc::new(Hub {
            token,
            csrf,
            dir,
            lifetime,
            urls,
            fingerprint,
            members: RwLock::new(members),
            sessions: Mutex::new(HashMap::new()),
            wrong: Mutex::new(Attempts::default()),
            signups: Mutex::new(HashMap::new()),
            signing_up: Mutex::new(()),
            argon2_slots: tokio::sync::Semaphore::new(ARGON2_AT_ONCE),
            decoy,
            argon2_runs: AtomicUsize::new(0),
        }))
    }

    /// The URLs that open the hub on a phone, one per address given.
    pub fn urls(&self) -> &[String] {
        &self.urls
    }

    /// The SHA-256 fingerprint of the certificate it serves, when it
    /// serves HTTPS.
    pub fn fingerprint(&self) -> Option<&str> {
        self.fingerprint.as_deref()
    }

    fn scheme(&self) -> &'static str {
        if self.fingerprint.is_some() {
            "https"
        } else {
            "http"
        }
    }

    /// `; Secure` for the hub's cookies when it serves HTTPS.
    fn secure(&self) -> &'static str {
        if self.fingerprint.is_some() {
            "; Secure"
        } else {
            ""
        }
    }

    /// The hub token.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// How long a session lasts.
    pub fn lifetime(&self) -> Duration {
        self.lifetime
    }

    fn key_file(&self, member: &PublicKey) -> PathBuf {
        self.dir.join(format!("{}.json", member.to_hex()))
    }

    /// Whether the request carries the hub token, and whether as a bearer
    /// header (a script's, which no other site can make a browser send).
    fn holds_token(&self, headers: &HeaderMap) -> Option<bool> {
        if bearer(headers).is_some_and(|t| same(t, &self.token)) {
            return Some(true);
        }
        cookie(headers, HUB_COOKIE)
            .is_some_and(|t| same(t, &self.token))
            .then_some(false)
    }

    /// The hub's members, with their open sessions.
    pub fn members(&self) -> Vec<MemberRow> {
        let mut open: HashMap<PublicKey, usize> = HashMap::new();
        if let Ok(sessions) = self.sessions.lock() {
            let now = SystemTime::now();
            for s in sessions.values().filter(|s| s.expires > now) {
                *open.entry(s.member).or_default() += 1;
            }
        }
        let members = self.members.read().map(|m| m.clone()).unwrap_or_default();
        members
            .into_iter()
            .map(|(public_key, name)| MemberRow {
                sessions: open.get(&public_key).copied().unwrap_or(0),
                public_key,
                name,
                standing: false,
            })
            .collect()
    }

    /// Creates a member named `name` with a key sealed by `passphrase`,
    /// and opens a session for them. Runs Argon2: call off async threads.
    /// Returns the member's key and the session secret for the cookie.
    pub fn signup(
        &self,
        from: IpAddr,
        name: &str,
        passphrase: &str,
    ) -> Result<(PublicKey, String), HubError> {
        // Kept in NFC, the form most systems write, and refused with an
        // invisible character, which would make a look-alike name.
        let name: String = name.trim().nfc().collect();
        let name = name.as_str();
        if name.chars().any(invisible) {
            return Err(HubError::BadName("it holds an invisible character".into()));
        }
        kenes_core::validate::check_body(&kenes_core::Body::Profile { name: name.into() })
            .map_err(|e| HubError::BadName(e.to_string()))?;
        check_passphrase(passphrase)?;
        {
            let mut signups = self.signups.lock().map_err(storage)?;
            let now = Instant::now();
            if signups.len() > MAX_TRACKED {
                signups.retain(|_, l| recent(l, now) > 0);
            }
            let list = signups.entry(from).or_default();
            if recent(list, now) >= MAX_SIGNUPS_PER_ADDRESS {
                return Err(HubError::TooManySignups);
            }
            list.push_back(now);
        }
        let key = SecretKey::generate();
        // Their X25519 secret (issue 14), sealed under the passphrase
        // beside the signing key and kept masked in the session, so the
        // hub opens for them what is sealed to them.
        let encryption = EncryptionSecret::generate();
        // Argon2 before taking the lock: sign-ups run side by side.
        let file =
            KeyFile::with_encryption(&key, &encryption, name, Some(passphrase)).map_err(storage)?;
        {
            let _writing = self.signing_up.lock().map_err(storage)?;
            let members = self.members.read().map_err(storage)?;
            if members.len() >= MAX_MEMBERS {
                return Err(HubError::Full);
            }
            let wanted = name_key(name);
            if members.values().any(|n| name_key(n) == wanted) {
                return Err(HubError::NameTaken);
            }
            drop(members);
            file.save(&self.key_file(&key.public())).map_err(storage)?;
            self.members
                .write()
                .map_err(storage)?
                .insert(key.public(), name.to_string());
        }
        let secret = self.open_session(&key, &[encryption])?;
        Ok((key.public(), secret))
    }

    /// Signs `who` in with `passphrase`, refused with
    /// [`HubError::TooManyWrong`] once [`MAX_WRONG`] wrong ones stand in
    /// the last minute for the member or for `from`. Runs Argon2.
    pub fn login(
        &self,
        from: IpAddr,
        who: Who,
        passphrase: &str,
    ) -> Result<(PublicKey, String), HubError> {
        let member = match who {
            // Only the hub's members are counted per member: a key nobody
            // signed up with must not grow the table (any 64 hex digits).
            Who::Key(key) => self
                .members
                .read()
                .map_err(storage)?
                .contains_key(&key)
                .then_some(key),
            Who::Name(name) => {
                let wanted = name_key(&name);
                self.members
                    .read()
                    .map_err(storage)?
                    .iter()
                    .find(|(_, n)| name_key(n) == wanted)
                    .map(|(k, _)| *k)
            }
        };
        // The attempt counts as wrong until it proves right, so attempts
        // made at once cannot slip past the limit together.
        let at = Instant::now();
        {
            let mut wrong = self.wrong.lock().map_err(storage)?;
            if wrong.by_address.len() + wrong.by_member.len() > MAX_TRACKED {
                wrong.by_address.retain(|_, l| recent(l, at) > 0);
                wrong.by_member.retain(|_, l| recent(l, at) > 0);
            }
            let by_address = wrong.by_address.entry(from).or_default();
            let mut refused = recent(by_address, at) >= MAX_WRONG;
            if let Some(member) = member {
                let by_member = wrong.by_member.entry(member).or_default();
                refused |= recent(by_member, at) >= MAX_WRONG;
            }
            if refused {
                return Err(HubError::TooManyWrong);
            }
            wrong.by_address.entry(from).or_default().push_back(at);
            if let Some(member) = member {
                wrong.by_member.entry(member).or_default().push_back(at);
            }
        }
        if passphrase.len() > MAX_PASSPHRASE_BYTES {
            return Err(HubError::WrongPassphrase);
        }
        let file = match member.map(|m| self.key_file(&m)) {
            Some(path) if path.exists() => Some(KeyFile::load(&path).map_err(storage)?),
            _ => None,
        };
        // An unknown name or key costs the same Argon2 as a wrong
        // passphrase: the answer's delay tells nothing.
        self.argon2_runs.fetch_add(1, Ordering::Relaxed);
        let opened = match &file {
            Some(file) => file.unlock(Some(passphrase)),
            None => self.decoy.unlock(Some(passphrase)),
        };
        let key = opened.map_err(|e| match e {
            KeyError::WrongPassphrase | KeyError::NeedPassphrase => HubError::WrongPassphrase,
            e => storage(e),
        })?;
        let member = match (member, file) {
            (Some(member), Some(_)) if key.public() == member => member,
            _ => return Err(HubError::WrongPassphrase),
        };
        if let Ok(mut wrong) = self.wrong.lock() {
            forget(wrong.by_address.get_mut(&from), at);
            forget(wrong.by_member.get_mut(&member), at);
        }
        // The passphrase is proven: open their encryption secrets too (one
        // Argon2 run each), making one for a key file from before issue 14.
        let secrets = KeyFile::encryption_secrets_or_new(&self.key_file(&member), Some(passphrase))
            .map_err(storage)?;
        let secret = self.open_session(&key, &secrets)?;
        Ok((member, secret))
    }

    /// Opens a session for `key` and its encryption `secrets`: returns the
    /// secret for the phone's cookie and keeps the keys masked with it.
    fn open_session(
        &self,
        key: &SecretKey,
        secrets: &[EncryptionSecret],
    ) -> Result<String, HubError> {
        let secret = random32();
        let member = key.public();
        let mut sessions = self.sessions.lock().map_err(storage)?;
        let now = SystemTime::now();
        sessions.retain(|_, s| s.expires > now);
        let mut mine: Vec<([u8; 32], SystemTime)> = sessions
            .iter()
            .filter(|(_, s)| s.member == member)
            .map(|(id, s)| (*id, s.expires))
            .collect();
        mine.sort_by_key(|(_, expires)| *expires);
        while mine.len() >= MAX_SESSIONS_PER_MEMBER {
            let (oldest, _) = mine.remove(0);
            sessions.remove(&oldest);
        }
        sessions.insert(
            session_id(&secret),
            Session {
                member,
                masked: xor(key.to_bytes(), session_mask(&secret)),
                masked_secrets: secrets
                    .iter()
                    .enumerate()
                    .map(|(i, s)| xor(s.to_bytes(), session_secret_mask(&secret, i)))
                    .collect(),
                csrf: session_csrf(&secret),
                expires: now + self.lifetime,
            },
        );
        Ok(hex::encode(secret))
    }

    /// The session the request's cookie opens, if it is open.
    fn session_of(self: &Arc<Hub>, headers: &HeaderMap) -> Option<Acting> {
        let text = cookie(headers, MEMBER_COOKIE)?;
        let secret: [u8; 32] = hex::decode(text).ok()?.try_into().ok()?;
        let id = session_id(&secret);
        let mut sessions = self.sessions.lock().ok()?;
        let session = sessions.get(&id)?;
        if session.expires <= SystemTime::now() {
            sessions.remove(&id);
            return None;
        }
        Some(Acting {
            member: session.member,
            csrf: session.csrf.clone(),
            expires: session.expires,
            secret,
            hub: self.clone(),
        })
    }

    /// Removes `member`, who has no standing (the caller checked): ends
    /// their sessions and deletes their key file, so a sign-up that was
    /// never vouched for does not stay on the laptop for ever.
    pub fn remove(&self, member: &PublicKey) -> Result<(), HubError> {
        let _writing = self.signing_up.lock().map_err(storage)?;
        if !self.members.read().map_err(storage)?.contains_key(member) {
            return Err(HubError::NoSuchMember);
        }
        match std::fs::remove_file(self.key_file(member)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(storage(e)),
            _ => {}
        }
        self.members.write().map_err(storage)?.remove(member);
        self.end_sessions(member);
        Ok(())
    }

    /// Ends every session of `member`; returns how many were open.
    pub fn end_sessions(&self, member: &PublicKey) -> usize {
        let Ok(mut sessions) = self.sessions.lock() else {
            return 0;
        };
        let before = sessions.len();
        sessions.retain(|_, s| s.member != *member);
        before - sessions.len()
    }

    /// The `Set-Cookie` value that holds a session secret on the phone.
    fn member_cookie(&self, secret: &str) -> String {
        format!(
            "{MEMBER_COOKIE}={secret}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{}",
            self.lifetime.as_secs(),
            self.secure()
        )
    }
}

fn check_passphrase(passphrase: &str) -> Result<(), HubError> {
    if passphrase.len() > MAX_PASSPHRASE_BYTES {
        return Err(HubError::LongPassphrase);
    }
    if passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(HubError::ShortPassphrase);
    }
    Ok(())
}

/// The member a request acts as, known for the request's lifetime only.
#[derive(Clone)]
pub struct Acting {
    /// The member.
    pub member: PublicKey,
    /// Their session's CSRF token.
    pub csrf: String,
    expires: SystemTime,
    secret: [u8; 32],
    hub: Arc<Hub>,
}

impl Acting {
    /// The member's key and encryption secrets, unmasked for one action,
    /// and their key file.
    pub fn signer(&self) -> Result<Signer, HubError> {
        let sessions = self.hub.sessions.lock().map_err(storage)?;
        let session = sessions
            .get(&session_id(&self.secret))
            .ok_or(HubError::Ended)?;
        let key = SecretKey::from_bytes(xor(session.masked, session_mask(&self.secret)));
        if key.public() != self.member {
            return Err(HubError::Ended);
        }
        Ok(Signer {
            key,
            secrets: self.unmasked_secrets(session),
            key_file: self.hub.key_file(&self.member),
        })
    }

    fn unmasked_secrets(&self, session: &Session) -> Vec<EncryptionSecret> {
        session
            .masked_secrets
            .iter()
            .enumerate()
            .map(|(i, m)| {
                EncryptionSecret::from_bytes(xor(*m, session_secret_mask(&self.secret, i)))
            })
            .collect()
    }

    /// What the member can open of sealed texts in `state` (issue 14):
    /// the epochs sealed to them, opened with their secrets unmasked for
    /// this request only. An ended session opens nothing.
    pub fn keyring(&self, state: &kenes_core::State) -> kenes_core::keyring::Keyring {
        let secrets = match self.hub.sessions.lock() {
            Ok(sessions) => match sessions.get(&session_id(&self.secret)) {
                Some(session) => self.unmasked_secrets(session),
                None => return kenes_core::keyring::Keyring::none(),
            },
            Err(_) => return kenes_core::keyring::Keyring::none(),
        };
        kenes_core::keyring::Keyring::open(state, &self.member, &secrets)
    }

    /// The member's key file on the hub, which holds their display name.
    pub fn key_file(&self) -> PathBuf {
        self.hub.key_file(&self.member)
    }

    /// Seconds until the session ends.
    pub fn expires_in(&self) -> u64 {
        self.expires
            .duration_since(SystemTime::now())
            .map_or(0, |left| left.as_secs())
    }
}

tokio::task_local! {
    static ACTING: Acting;
}

/// The hub member the current request acts as, if it is a member's.
pub fn acting() -> Option<Acting> {
    ACTING.try_with(Acting::clone).ok()
}

/// The visitor's address, put on each request by the hub's gate.
#[derive(Clone, Copy, Debug)]
pub struct Visitor(pub IpAddr);

/// Paths a member's session may not use: the node's bundles (a phone
/// carries no data away) and the owner's view of the hub.
const OWNER_ONLY: &[&str] = &[
    "/export",
    "/import",
    // The laptop's peer book: other organisers' nodes and their addresses.
    "/peers",
    "/api/peers",
    "/hub/end",
    "/hub/remove",
    "/api/hub/members",
    "/api/hub/end",
    "/api/hub/remove",
];

/// Paths a member without standing may use.
const BEFORE_VOUCH: &[&str] = &[
    "/hub",
    "/hub/logout",
    "/api/hub/logout",
    "/api/session",
    "/api/version",
    "/lang",
];

/// Paths open to the hub token alone.
const VISITOR: &[&str] = &[
    "/hub/signup",
    "/hub/login",
    "/api/hub/signup",
    "/api/hub/login",
];

/// Whether `host` (a `Host` header, or an origin without its scheme)
/// names the address `local` the visitor connected to, or loopback, as
/// an IP literal on `local`'s port.
pub fn host_allowed(host: &str, local: SocketAddr) -> bool {
    if host.eq_ignore_ascii_case(&format!("localhost:{}", local.port())) {
        return true;
    }
    let Ok(named) = host.parse::<SocketAddr>() else {
        return false;
    };
    let canonical = |ip: IpAddr| match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        ip => ip,
    };
    named.port() == local.port()
        && (canonical(named.ip()) == canonical(local.ip()) || named.ip().is_loopback())
}

fn check_site(
    headers: &HeaderMap,
    local: SocketAddr,
    scheme: &str,
) -> Result<(), crate::security::Refusal> {
    use crate::security::Refusal;
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if !host_allowed(host, local) {
        return Err(Refusal::ForeignHost(local.to_string()));
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("");
        let ok = origin
            .strip_prefix(scheme)
            .and_then(|o| o.strip_prefix("://"))
            .is_some_and(|o| host_allowed(o, local));
        if !ok {
            return Err(Refusal::ForeignOrigin);
        }
    }
    Ok(())
}

fn csrf_given<'a>(headers: &'a HeaderMap, query: Option<&'a str>) -> Option<&'a str> {
    headers
        .get(CSRF_HEADER)
        .and_then(|h| h.to_str().ok())
        .or_else(|| query_param(query, "csrf"))
}

fn refuse(api: bool, status: StatusCode, message: &str) -> Response {
    let mut response = if api {
        (status, axum::Json(json!({ "error": message }))).into_response()
    } else {
        (
            status,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!("{message}\n"),
        )
            .into_response()
    };
    crate::security::harden(response.headers_mut());
    response
}

/// The hub's members, each with whether they have standing in `store`
/// (the caller holds its lock: taking it again here would deadlock).
fn members_of(hub: &Hub, store: &kenes_store::Store) -> Vec<MemberRow> {
    let mut rows = hub.members();
    let committees = &store.engine().state().committees;
    for row in &mut rows {
        row.standing = committees.values().any(|c| {
            c.members.contains(&row.public_key) || c.candidates.contains_key(&row.public_key)
        });
    }
    rows
}

/// Whether `member` has standing to read: vouched for, or a member, in
/// some committee.
fn has_standing(app: &App, member: &PublicKey) -> bool {
    app.node().lock_store().is_ok_and(|s| {
        s.engine()
            .state()
            .committees
            .values()
            .any(|c| c.members.contains(member) || c.candidates.contains_key(member))
    })
}

/// The hub's gate, in place of the app's when the app is a hub's: see the
/// module's documentation for who passes and where.
pub(crate) async fn gate(
    app: Arc<App>,
    hub: Arc<Hub>,
    mut request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_string();
    let api = path.starts_with("/api/");
    let Some(connection) = request
        .extensions()
        .get::<axum::extract::ConnectInfo<Connection>>()
        .map(|c| c.0)
    else {
        return refuse(
            api,
            StatusCode::INTERNAL_SERVER_ERROR,
            "the hub was served without its connection info",
        );
    };
    if let Err(refusal) = check_site(request.headers(), connection.local, hub.scheme()) {
        tracing::warn!(
            "refused a hub request from {}: {refusal}",
            connection.remote
        );
        return refuse(api, StatusCode::FORBIDDEN, &refusal.to_string());
    }
    if path.starts_with("/assets/") {
        // Only for those who hold something: a stylesheet would tell a
        // stranger on the Wi-Fi what answers here.
        let headers = request.headers();
        if app.guard().signed_in(headers)
            || hub.holds_token(headers).is_some()
            || hub.session_of(headers).is_some()
        {
            return next.run(request).await;
        }
        return refuse(false, StatusCode::UNAUTHORIZED, NOT_SIGNED_IN);
    }
    request
        .extensions_mut()
        .insert(Visitor(connection.remote.ip()));
    let method = request.method().clone();
    let query = request.uri().query().map(str::to_string);
    let headers = request.headers().clone();
    let guard = app.guard();
    let no_session = NOT_SIGNED_IN;
    if method == Method::GET {
        if let Some(token) = query_param(query.as_deref(), "token") {
            if !guard.is_token(token) {
                return refuse(api, StatusCode::UNAUTHORIZED, no_session);
            }
            return crate::server::sign_in(guard, &path);
        }
        if let Some(token) = query_param(query.as_deref(), "hub") {
            if !same(token, &hub.token) {
                return refuse(api, StatusCode::UNAUTHORIZED, no_session);
            }
            // To the start page, not to the path: "//host/?hub=…" would
            // send the phone to another host with the hub's blessing.
            let mut response = Redirect::to("/").into_response();
            let cookie = format!(
                "{HUB_COOKIE}={}; HttpOnly; SameSite=Strict; Path=/{}",
                hub.token,
                hub.secure()
            );
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                response.headers_mut().insert(header::SET_COOKIE, value);
            }
            return response;
        }
    }
    // The owner: the app as the laptop's member.
    if guard.signed_in(&headers) {
        if let Err(refusal) = guard.check_csrf(&method, query.as_deref(), &headers) {
            return refuse(api, StatusCode::FORBIDDEN, &refusal.to_string());
        }
        let mut response = next.run(request).await;
        crate::security::harden(response.headers_mut());
        return response;
    }
    // A member's phone: the app as that member.
    if let Some(acting) = hub.session_of(&headers) {
        if OWNER_ONLY.contains(&path.as_str()) {
            let message = app.lang(&headers).t("hub-error-owner-only");
            return refuse(api, StatusCode::FORBIDDEN, &message);
        }
        let is_read = matches!(method, Method::GET | Method::HEAD);
        if !is_read
            && !csrf_given(&headers, query.as_deref()).is_some_and(|t| same(t, &acting.csrf))
        {
            return refuse(
                api,
                StatusCode::FORBIDDEN,
                &crate::security::Refusal::NoCsrf.to_string(),
            );
        }
        if !BEFORE_VOUCH.contains(&path.as_str()) && !has_standing(&app, &acting.member) {
            if api || !is_read {
                return refuse(
                    api,
                    StatusCode::FORBIDDEN,
                    &app.lang(&headers).t("hub-waiting-text"),
                );
            }
            return waiting_page(&app, &hub, &acting, &headers);
        }
        return ACTING
            .scope(acting, async move {
                let mut response = next.run(request).await;
                crate::security::harden(response.headers_mut());
                response
            })
            .await;
    }
    // The hub token alone: sign up or sign in.
    if let Some(by_bearer) = hub.holds_token(&headers) {
        if VISITOR.contains(&path.as_str()) && method == Method::POST {
            if !by_bearer
                && !csrf_given(&headers, query.as_deref()).is_some_and(|t| same(t, &hub.csrf))
            {
                return refuse(
                    api,
                    StatusCode::FORBIDDEN,
                    &crate::security::Refusal::NoCsrf.to_string(),
                );
            }
            let mut response = next.run(request).await;
            crate::security::harden(response.headers_mut());
            return response;
        }
        if path == "/lang" {
            return next.run(request).await;
        }
        if api || method != Method::GET {
            return refuse(
                api,
                StatusCode::UNAUTHORIZED,
                &app.lang(&headers).t("hub-sign-in-first"),
            );
        }
        return welcome(&app, &hub, &headers, StatusCode::OK, None);
    }
    refuse(api, StatusCode::UNAUTHORIZED, no_session)
}

/// The sign-up and sign-in page, with `error` said first.
fn welcome(
    app: &App,
    hub: &Hub,
    headers: &HeaderMap,
    status: StatusCode,
    error: Option<&HubError>,
) -> Response {
    let t = app.lang(headers);
    let message = error.map(|e| match e {
        HubError::ShortPassphrase => {
            t.ta("hub-error-short", &[("min", MIN_PASSPHRASE_CHARS.into())])
        }
        e => t.t(e.key()),
    });
    let markup = crate::views::hub::welcome(t, &hub.csrf, message.as_deref());
    let mut response = (status, Html(markup.into_string())).into_response();
    crate::security::harden(response.headers_mut());
    response
}

/// What a member without standing sees: their key, to be vouched for.
fn waiting_page(app: &App, hub: &Hub, acting: &Acting, headers: &HeaderMap) -> Response {
    let t = app.lang(headers);
    let name = hub
        .members
        .read()
        .ok()
        .and_then(|m| m.get(&acting.member).cloned())
        .unwrap_or_default();
    let version = app
        .node()
        .lock_store()
        .map(|s| format!("{}.{}", s.engine().len(), s.engine().pending_len()))
        .unwrap_or_default();
    let markup = crate::views::hub::waiting(t, &acting.csrf, &name, &acting.member, &version);
    let mut response = Html(markup.into_string()).into_response();
    crate::security::harden(response.headers_mut());
    response
}

/// The hub's routes (answered only when the app is a hub's).
pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/hub", get(hub_page))
        .route("/hub/signup", post(signup_form))
        .route("/hub/login", post(login_form))
        .route("/hub/logout", post(logout_form))
        .route("/hub/end", post(end_form))
        .route("/hub/remove", post(remove_form))
        .route("/api/hub/signup", post(signup_json))
        .route("/api/hub/login", post(login_json))
        .route("/api/hub/logout", post(logout_json))
        .route("/api/hub/members", get(members_json))
        .route("/api/hub/end", post(end_json))
        .route("/api/hub/remove", post(remove_json))
}

fn not_a_hub() -> Response {
    refuse(
        true,
        StatusCode::NOT_FOUND,
        "this node is not serving as a hub (kenes serve --hub)",
    )
}

/// `/hub`: the owner's list of members, or a member's own session.
async fn hub_page(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    uri: axum::http::Uri,
) -> Response {
    let Some(hub) = app.hub().cloned() else {
        return not_a_hub();
    };
    let acting = acting();
    crate::server::html_page(&app, &headers, &uri, |p, s| {
        Ok(match &acting {
            Some(me) => crate::views::hub::session(p, s.engine().state(), me.expires_in()),
            None => {
                crate::views::hub::members(p, hub.urls(), hub.fingerprint(), &members_of(&hub, s))
            }
        })
    })
}

fn fields(body: &Bytes) -> HashMap<String, String> {
    serde_urlencoded::from_bytes(body).unwrap_or_default()
}

/// Runs a sign-up or sign-in off the async threads (Argon2 blocks), at
/// most [`ARGON2_AT_ONCE`] at a time: each takes 19 MiB, and a crowd of
/// requests must not exhaust the laptop's memory.
async fn blocking<T: Send + 'static>(
    hub: &Hub,
    work: impl FnOnce() -> Result<T, HubError> + Send + 'static,
) -> Result<T, HubError> {
    let _slot = hub.argon2_slots.acquire().await.map_err(storage)?;
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|e| Err(storage(e)))
}

fn signed_in(response: impl IntoResponse, hub: &Hub, secret: &str) -> Response {
    let mut response = response.into_response();
    if let Ok(value) = HeaderValue::from_str(&hub.member_cookie(secret)) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

fn visitor(visitor: Option<Extension<Visitor>>) -> IpAddr {
    visitor.map_or(IpAddr::from([0, 0, 0, 0]), |Extension(Visitor(ip))| ip)
}

async fn signup_form(
    State(app): State<Arc<App>>,
    from: Option<Extension<Visitor>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(hub) = app.hub().cloned() else {
        return not_a_hub();
    };
    let form = fields(&body);
    let get = |k: &str| form.get(k).cloned().unwrap_or_default();
    let (name, passphrase, again) = (get("name"), get("passphrase"), get("passphrase_again"));
    let from = visitor(from);
    let worker = hub.clone();
    let outcome = blocking(&hub, move || {
        if passphrase != again {
            return Err(HubError::PassphrasesDiffer);
        }
        worker.signup(from, &name, &passphrase)
    })
    .await;
    match outcome {
        Ok((_, secret)) => signed_in(Redirect::to("/"), &hub, &secret),
        Err(e) => welcome(&app, &hub, &headers, e.status(), Some(&e)),
    }
}

async fn login_form(
    State(app): State<Arc<App>>,
    from: Option<Extension<Visitor>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(hub) = app.hub().cloned() else {
        return not_a_hub();
    };
    let form = fields(&body);
    let name = form.get("name").cloned().unwrap_or_default();
    let passphrase = form.get("passphrase").cloned().unwrap_or_default();
    let from = visitor(from);
    let worker = hub.clone();
    match blocking(&hub, move || {
        worker.login(from, Who::Name(name), &passphrase)
    })
    .await
    {
        Ok((_, secret)) => signed_in(Redirect::to("/"), &hub, &secret),
        Err(e) => welcome(&app, &hub, &headers, e.status(), Some(&e)),
    }
}

/// Ends the request's own session.
/// Ends the request's own session, or with `everywhere` every session of
/// its member (a phone lost or taken: sign in on another and end them).
fn end_own(hub: &Hub, everywhere: bool) -> bool {
    let Some(me) = acting() else {
        return false;
    };
    if everywhere {
        hub.end_sessions(&me.member);
    } else if let Ok(mut sessions) = hub.sessions.lock() {
        sessions.remove(&session_id(&me.secret));
    }
    true
}

fn signed_out(hub: &Hub, response: impl IntoResponse) -> Response {
    let mut response = response.into_response();
    let cookie = format!(
        "{MEMBER_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0{}",
        hub.secure()
    );
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

async fn logout_form(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let Some(hub) = app.hub().cloned() else {
        return not_a_hub();
    };
    let everywhere = fields(&body).get("everywhere").is_some_and(|v| v == "1");
    if !end_own(&hub, everywhere) {
        return Redirect::to("/hub").into_response();
    }
    signed_out(&hub, Redirect::to("/"))
}

async fn logout_json(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let Some(hub) = app.hub().cloned() else {
        return not_a_hub();
    };
    // An empty body ends this session; `{"everywhere": true}` all of them.
    let everywhere = object(&body)
        .and_then(|o| o.get("everywhere").and_then(serde_json::Value::as_bool))
        .unwrap_or(false);
    if !end_own(&hub, everywhere) {
        return refuse(true, StatusCode::BAD_REQUEST, "not a member's session");
    }
    signed_out(&hub, axum::Json(json!({ "ok": true })))
}

fn parse_key(text: &str) -> Result<PublicKey, HubError> {
    text.trim().parse().map_err(|_| HubError::NotAKey)
}

async fn end_form(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let Some(hub) = app.hub().cloned() else {
        return not_a_hub();
    };
    let form = fields(&body);
    match parse_key(form.get("member").map(String::as_str).unwrap_or("")) {
        Ok(member) => {
            hub.end_sessions(&member);
            Redirect::to("/hub?done=hub-end").into_response()
        }
        Err(e) => refuse(false, e.status(), &e.to_string()),
    }
}

/// Removes `member` from the hub unless they have standing.
fn remove_member(app: &App, hub: &Hub, member: &PublicKey) -> Result<(), HubError> {
    if has_standing(app, member) {
        return Err(HubError::HasStanding);
    }
    hub.remove(member)
}

async fn remove_form(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let Some(hub) = app.hub().cloned() else {
        return not_a_hub();
    };
    let form = fields(&body);
    let removed = parse_key(form.get("member").map(String::as_str).unwrap_or(""))
        .and_then(|member| remove_member(&app, &hub, &member));
    match removed {
        Ok(()) => Redirect::to("/hub?done=hub-remove").into_response(),
        Err(e) => refuse(false, e.status(), &e.to_string()),
    }
}

async fn remove_json(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let Some(hub) = app.hub().cloned() else {
        return not_a_hub();
    };
    let Some(o) = object(&body) else {
        return not_an_object();
    };
    let removed =
        parse_key(&text_of(&o, "public_key")).and_then(|member| remove_member(&app, &hub, &member));
    match removed {
        Ok(()) => axum::Json(json!({ "removed": true })).into_response(),
        Err(e) => refuse(true, e.status(), &e.to_string()),
    }
}

/// A JSON body's object.
fn object(body: &Bytes) -> Option<serde_json::Map<String, serde_json::Value>> {
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(o)) => Some(o),
        _ => None,
    }
}

fn not_an_object() -> Response {
    refuse(true, StatusCode::BAD_REQUEST, "expected a JSON object")
}

fn text_of(o: &serde_json::Map<String, serde_json::Value>, k: &str) -> String {
    o.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string()
}

fn session_json(hub: &Hub, member: PublicKey, secret: &str) -> Response {
    let csrf = hex::decode(secret)
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .map(|s| session_csrf(&s))
        .unwrap_or_default();
    signed_in(
        axum::Json(json!({
            "public_key": member.to_hex(),
            "csrf": csrf,
            "expires_in": hub.lifetime.as_secs(),
        })),
        hub,
        secret,
    )
}

async fn signup_json(
    State(app): State<Arc<App>>,
    from: Option<Extension<Visitor>>,
    body: Bytes,
) -> Response {
    let Some(hub) = app.hub().cloned() else {
        return not_a_hub();
    };
    let Some(o) = object(&body) else {
        return not_an_object();
    };
    let (name, passphrase) = (text_of(&o, "name"), text_of(&o, "passphrase"));
    let from = visitor(from);
    let worker = hub.clone();
    match blocking(&hub, move || worker.signup(from, &name, &passphrase)).await {
        Ok((member, secret)) => session_json(&hub, member, &secret),
        Err(e) => refuse(true, e.status(), &e.to_string()),
    }
}

async fn login_json(
    State(app): State<Arc<App>>,
    from: Option<Extension<Visitor>>,
    body: Bytes,
) -> Response {
    let Some(hub) = app.hub().cloned() else {
        return not_a_hub();
    };
    let Some(o) = object(&body) else {
        return not_an_object();
    };
    let who = match (o.get("public_key"), o.get("name")) {
        (Some(_), _) => match parse_key(&text_of(&o, "public_key")) {
            Ok(key) => Who::Key(key),
            Err(e) => return refuse(true, e.status(), &e.to_string()),
        },
        (None, Some(_)) => Who::Name(text_of(&o, "name")),
        (None, None) => {
            return refuse(
                true,
                StatusCode::BAD_REQUEST,
                "'public_key' (or 'name') is required",
            );
        }
    };
    let passphrase = text_of(&o, "passphrase");
    let from = visitor(from);
    let worker = hub.clone();
    match blocking(&hub, move || worker.login(from, who, &passphrase)).await {
        Ok((member, secret)) => session_json(&hub, member, &secret),
        Err(e) => refuse(true, e.status(), &e.to_string()),
    }
}

async fn members_json(State(app): State<Arc<App>>) -> Response {
    let Some(hub) = app.hub().cloned() else {
        return not_a_hub();
    };
    axum::Json(json!({
        "members": app.node().lock_store().map(|s| members_of(&hub, &s)).unwrap_or_default(),
        "urls": hub.urls(),
        "fingerprint": hub.fingerprint(),
    }))
    .into_response()
}

async fn end_json(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let Some(hub) = app.hub().cloned() else {
        return not_a_hub();
    };
    let Some(o) = object(&body) else {
        return not_an_object();
    };
    match parse_key(&text_of(&o, "public_key")) {
        Ok(member) => axum::Json(json!({ "ended": hub.end_sessions(&member) })).into_response(),
        Err(e) => refuse(true, e.status(), &e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hub() -> (tempfile::TempDir, Arc<Hub>) {
        let dir = tempfile::tempdir().unwrap();
        let hub = Hub::new(dir.path(), DEFAULT_SESSION, &[]).unwrap();
        (dir, hub)
    }

    fn with_cookie(secret: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("{MEMBER_COOKIE}={secret}")).unwrap(),
        );
        h
    }

    const HERE: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 9));

    #[test]
    fn a_session_signs_only_as_its_member_and_ends() {
        let (_dir, hub) = hub();
        let (a, secret_a) = hub.signup(HERE, "Aigerim", "correct horse").unwrap();
        let (b, secret_b) = hub.signup(HERE, "Bolat", "battery staple").unwrap();
        let acting_a = hub.session_of(&with_cookie(&secret_a)).unwrap();
        let acting_b = hub.session_of(&with_cookie(&secret_b)).unwrap();
        assert_eq!(acting_a.member, a);
        assert_eq!(acting_b.member, b);
        assert_ne!(acting_a.csrf, acting_b.csrf);
        assert_eq!(acting_a.signer().unwrap().key.public(), a);
        assert_eq!(acting_b.signer().unwrap().key.public(), b);
        // The key file on the hub is sealed with the member's passphrase.
        let file = KeyFile::load(&hub.key_file(&a)).unwrap();
        assert!(file.is_encrypted());
        // A forged cookie opens nothing.
        assert!(hub.session_of(&with_cookie(&"00".repeat(32))).is_none());
        assert!(hub.session_of(&with_cookie("not hex")).is_none());
        // The owner ends A's sessions: A's cookie no longer signs.
        assert_eq!(hub.end_sessions(&a), 1);
        assert!(hub.session_of(&with_cookie(&secret_a)).is_none());
        assert_eq!(acting_a.signer().err(), Some(HubError::Ended));
        assert!(acting_b.signer().is_ok());
    }

    #[test]
    fn the_hub_memory_holds_no_member_key_in_the_clear() {
        let (_dir, hub) = hub();
        let (a, _secret) = hub.signup(HERE, "Aigerim", "correct horse").unwrap();
        let file = KeyFile::load(&hub.key_file(&a)).unwrap();
        let key = file.unlock(Some("correct horse")).unwrap().to_bytes();
        let sessions = hub.sessions.lock().unwrap();
        assert!(sessions.values().all(|s| s.masked != key));
    }

    #[test]
    fn a_session_opens_only_its_members_epochs_and_keeps_their_secrets_masked() {
        let (_dir, hub) = hub();
        let (a, secret_a) = hub.signup(HERE, "Aigerim", "correct horse").unwrap();
        let (b, _) = hub.signup(HERE, "Bolat", "battery staple").unwrap();
        let path = hub.key_file(&a);
        let file_secrets = KeyFile::load(&path)
            .unwrap()
            .encryption_secrets(Some("correct horse"))
            .unwrap();
        assert_eq!(file_secrets.len(), 1);
        let acting = hub.session_of(&with_cookie(&secret_a)).unwrap();
        let signer = acting.signer().unwrap();
        assert_eq!(signer.secrets.len(), 1);
        assert_eq!(signer.secrets[0].public(), file_secrets[0].public());
        // The session holds the secret masked, never as it is.
        let sessions = hub.sessions.lock().unwrap();
        assert!(sessions.values().all(|s| s.masked_secrets.len() == 1
            && !s.masked_secrets.contains(&file_secrets[0].to_bytes())));
        drop(sessions);
        // A committee epoch sealed to A alone: A's session opens it, B's
        // key is not among its boxes, and an ended session opens nothing.
        let committee = kenes_core::Hash::of(b"committee");
        let epoch_key = kenes_core::seal::EpochKey::generate();
        let boxed = epoch_key
            .seal_to(&committee, a, &file_secrets[0].public())
            .unwrap();
        assert!(kenes_core::seal::EpochKey::open(&committee, &boxed, &signer.secrets[0]).is_some());
        assert_ne!(a, b);
        // Signing in again opens the same secret from the file.
        let (_, again) = hub.login(HERE, Who::Key(a), "correct horse").unwrap();
        let acting_again = hub.session_of(&with_cookie(&again)).unwrap();
        assert_eq!(
            acting_again.signer().unwrap().secrets[0].public(),
            file_secrets[0].public()
        );
        hub.end_sessions(&a);
        assert!(acting.signer().is_err());
    }

    #[test]
    fn the_sixth_wrong_passphrase_in_a_minute_is_refused() {
        let (_dir, hub) = hub();
        let (a, _) = hub.signup(HERE, "Aigerim", "correct horse").unwrap();
        for _ in 0..MAX_WRONG {
            assert_eq!(
                hub.login(HERE, Who::Key(a), "wrong guess").err(),
                Some(HubError::WrongPassphrase)
            );
        }
        // Even the right passphrase waits now: the limit comes first.
        assert_eq!(
            hub.login(HERE, Who::Key(a), "correct horse").err(),
            Some(HubError::TooManyWrong)
        );
        // From another address the member is still limited...
        let elsewhere = IpAddr::from([127, 0, 0, 10]);
        assert_eq!(
            hub.login(elsewhere, Who::Key(a), "correct horse").err(),
            Some(HubError::TooManyWrong)
        );
        // ...and this address is limited for every member.
        let (b, _) = hub.signup(elsewhere, "Bolat", "battery staple").unwrap();
        assert_eq!(
            hub.login(HERE, Who::Key(b), "battery staple").err(),
            Some(HubError::TooManyWrong)
        );
        assert!(hub.login(elsewhere, Who::Key(b), "battery staple").is_ok());
    }

    #[test]
    fn a_key_nobody_signed_up_with_is_never_tracked_per_member() {
        let (_dir, hub) = hub();
        for i in 0..100u32 {
            let from = IpAddr::from((0x0a00_0000 + i).to_be_bytes());
            let key = SecretKey::generate().public();
            assert_eq!(
                hub.login(from, Who::Key(key), "wrong guess").err(),
                Some(HubError::WrongPassphrase)
            );
        }
        // Any 64 hex digits would otherwise grow the table without end.
        assert!(hub.wrong.lock().unwrap().by_member.is_empty());
    }

    #[test]
    fn right_passphrases_do_not_count_against_the_limit() {
        let (_dir, hub) = hub();
        let (a, _) = hub.signup(HERE, "Aigerim", "correct horse").unwrap();
        for _ in 0..MAX_WRONG + 2 {
            assert!(
                hub.login(HERE, Who::Name("aigerim".into()), "correct horse")
                    .is_ok()
            );
        }
        assert_eq!(hub.members().len(), 1);
        assert_eq!(hub.members()[0].public_key, a);
        assert!(hub.members()[0].sessions <= MAX_SESSIONS_PER_MEMBER);
    }

    #[test]
    fn sign_up_refuses_bad_names_and_passphrases_and_writes_nothing() {
        let (dir, hub) = hub();
        assert_eq!(
            hub.signup(HERE, "Aigerim", "short").err(),
            Some(HubError::ShortPassphrase)
        );
        assert!(matches!(
            hub.signup(HERE, "", "correct horse"),
            Err(HubError::BadName(_))
        ));
        assert!(matches!(
            hub.signup(HERE, "a\u{7}b", "correct horse"),
            Err(HubError::BadName(_))
        ));
        assert_eq!(
            hub.signup(HERE, "Aigerim", &"x".repeat(2000)).err(),
            Some(HubError::LongPassphrase)
        );
        let members = dir.path().join("hub/members");
        assert_eq!(std::fs::read_dir(&members).unwrap().count(), 0);
        hub.signup(HERE, "Aigerim", "correct horse").unwrap();
        assert_eq!(
            hub.signup(HERE, "AIGERIM", "correct horse").err(),
            Some(HubError::NameTaken)
        );
        assert_eq!(std::fs::read_dir(&members).unwrap().count(), 1);
        // A restarted hub knows its members, and no sessions.
        let again = Hub::new(dir.path(), DEFAULT_SESSION, &[]).unwrap();
        assert_eq!(again.members().len(), 1);
        assert_eq!(again.members()[0].sessions, 0);
    }

    #[test]
    fn an_unknown_name_or_key_costs_one_argon2_as_a_wrong_passphrase_does() {
        let (_dir, hub) = hub();
        let (a, _) = hub.signup(HERE, "Aigerim", "correct horse").unwrap();
        let runs = || hub.argon2_runs.load(Ordering::Relaxed);
        let attempts = [
            (Who::Name("Nobody".into()), "correct horse"),
            (Who::Key(SecretKey::generate().public()), "correct horse"),
            (Who::Key(a), "wrong guess"),
        ];
        for (who, passphrase) in attempts {
            let before = runs();
            assert_eq!(
                hub.login(IpAddr::from([127, 0, 0, 20]), who, passphrase)
                    .err(),
                Some(HubError::WrongPassphrase)
            );
            assert_eq!(runs(), before + 1);
        }
        let before = runs();
        assert!(hub.login(HERE, Who::Key(a), "correct horse").is_ok());
        assert_eq!(runs(), before + 1);
    }

    #[test]
    fn names_are_compared_normalised_and_invisible_characters_refused() {
        let (_dir, hub) = hub();
        // Decomposed "René" is kept composed (NFC)...
        let (rene, _) = hub.signup(HERE, "Rene\u{301}", "correct horse").unwrap();
        assert_eq!(hub.members()[0].name, "Ren\u{e9}");
        // ...and either spelling signs in, and neither signs up again.
        for spelling in ["Ren\u{e9}", "RENE\u{301}"] {
            let (who, _) = hub
                .login(HERE, Who::Name(spelling.into()), "correct horse")
                .unwrap();
            assert_eq!(who, rene);
            assert_eq!(
                hub.signup(HERE, spelling, "correct horse").err(),
                Some(HubError::NameTaken)
            );
        }
        hub.signup(HERE, "Aigerim", "battery staple").unwrap();
        // Full-width letters are the plain ones (NFKC).
        assert_eq!(
            hub.signup(HERE, "\u{ff21}igerim", "battery staple").err(),
            Some(HubError::NameTaken)
        );
        // A zero-width space or joiner would make a look-alike.
        for name in ["Aige\u{200b}rim", "Aigerim\u{2060}", "\u{feff}Aigerim"] {
            assert!(
                matches!(
                    hub.signup(HERE, name, "battery staple"),
                    Err(HubError::BadName(_))
                ),
                "{name:?}"
            );
        }
        assert_eq!(hub.members().len(), 2);
    }

    #[test]
    fn hosts_are_the_connected_address_or_loopback_literals() {
        let local: SocketAddr = "192.168.43.1:7878".parse().unwrap();
        assert!(host_allowed("192.168.43.1:7878", local));
        assert!(host_allowed("127.0.0.1:7878", local));
        assert!(host_allowed("localhost:7878", local));
        assert!(host_allowed("[::1]:7878", local));
        assert!(!host_allowed("192.168.43.7:7878", local));
        assert!(!host_allowed("192.168.43.1:7879", local));
        assert!(!host_allowed("evil.example:7878", local));
        assert!(!host_allowed("192.168.43.1", local));
        assert!(!host_allowed("", local));
    }
}
