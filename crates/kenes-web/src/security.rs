//! Who may talk to the UI: the session token, the CSRF token, and the
//! Host/Origin checks that stop DNS rebinding.
//!
//! - The token is 32 random bytes, new for each run, printed with the URL
//!   and written to `web-url` in the data directory. `/?token=…` trades it
//!   for an HttpOnly, SameSite=Strict cookie; scripts may send it as
//!   `Authorization: Bearer …` instead.
//! - Every request that changes anything carries the CSRF token, derived
//!   from the session token, as `?csrf=` or the `X-CSRF-Token` header.
//! - A request whose `Host` is not the address the UI is bound to, or whose
//!   `Origin` is another site, is refused before anything else.

use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use std::net::SocketAddr;

/// The cookie holding the session token.
pub const SESSION_COOKIE: &str = "kenes_session";
/// The cookie holding the chosen language.
pub const LANG_COOKIE: &str = "kenes_lang";
/// The header carrying the CSRF token for scripts.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A run's secrets and the hosts it answers to.
#[derive(Clone)]
pub struct Guard {
    token: String,
    csrf: String,
    hosts: Vec<String>,
    /// Served over HTTPS (the hub's `--tls`): URLs and origins say
    /// `https`, and cookies are `Secure`.
    tls: bool,
}

/// Why a request was refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// `Host` names another server (DNS rebinding, or a typo).
    #[error("foreign host: this UI answers only to {0}")]
    ForeignHost(String),
    /// `Origin` is another site.
    #[error("foreign origin: requests from other sites are refused")]
    ForeignOrigin,
    /// No valid session token.
    #[error("not signed in: open the URL kenes printed (it holds the token)")]
    NoSession,
    /// A change without the CSRF token.
    #[error("missing or wrong CSRF token: reload the page and try again")]
    NoCsrf,
}

/// Equal in time independent of where the inputs differ: compares hashes.
pub(crate) fn same(a: &str, b: &str) -> bool {
    blake3::hash(a.as_bytes()) == blake3::hash(b.as_bytes())
}

/// The value of cookie `name`, if the request sent it.
pub(crate) fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The language cookie's value, if any.
pub fn lang_cookie(headers: &HeaderMap) -> Option<&str> {
    cookie(headers, LANG_COOKIE)
}

/// The value of `name` in a query string.
pub fn query_param<'a>(query: Option<&'a str>, name: &str) -> Option<&'a str> {
    query?
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

impl Guard {
    /// New secrets for a UI bound to `bound`.
    pub fn new(bound: SocketAddr) -> Guard {
        let mut bytes = [0u8; 32];
        rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut bytes);
        let token = hex::encode(bytes);
        let csrf = blake3::keyed_hash(&bytes, b"kenes web csrf")
            .to_hex()
            .to_string();
        let port = bound.port();
        let mut hosts = vec![bound.to_string(), format!("localhost:{port}")];
        if bound.ip().is_unspecified() {
            hosts.push(format!("127.0.0.1:{port}"));
        }
        Guard {
            token,
            csrf,
            hosts,
            tls: false,
        }
    }

    /// The same guard for a UI served over HTTPS.
    pub fn over_tls(mut self) -> Guard {
        self.tls = true;
        self
    }

    /// `https` when served over TLS, else `http`.
    pub fn scheme(&self) -> &'static str {
        if self.tls { "https" } else { "http" }
    }

    /// `; Secure` for cookies when served over TLS: the browser then never
    /// sends them over plain HTTP.
    pub fn secure(&self) -> &'static str {
        if self.tls { "; Secure" } else { "" }
    }

    /// The URL that signs a browser in to a UI bound to `bound`.
    pub fn url(&self, bound: SocketAddr) -> String {
        let host = if bound.ip().is_unspecified() {
            format!("127.0.0.1:{}", bound.port())
        } else {
            bound.to_string()
        };
        format!("{}://{host}/?token={}", self.scheme(), self.token)
    }

    /// The session token.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// The CSRF token pages embed in their forms.
    pub fn csrf(&self) -> &str {
        &self.csrf
    }

    /// The `Set-Cookie` value that signs the browser in.
    pub fn session_cookie(&self) -> String {
        format!(
            "{SESSION_COOKIE}={}; HttpOnly; SameSite=Strict; Path=/{}",
            self.token,
            self.secure()
        )
    }

    /// Checks `Host` and `Origin`: the first gate, before any other.
    pub fn check_site(&self, headers: &HeaderMap) -> Result<(), Refusal> {
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("");
        if !self.hosts.iter().any(|h| h.eq_ignore_ascii_case(host)) {
            return Err(Refusal::ForeignHost(self.hosts[0].clone()));
        }
        if let Some(origin) = headers.get(header::ORIGIN) {
            let origin = origin.to_str().unwrap_or("");
            let scheme = self.scheme();
            let ok = self
                .hosts
                .iter()
                .any(|h| origin.eq_ignore_ascii_case(&format!("{scheme}://{h}")));
            if !ok {
                return Err(Refusal::ForeignOrigin);
            }
        }
        Ok(())
    }

    /// Whether the request carries the session token (cookie or bearer).
    pub fn signed_in(&self, headers: &HeaderMap) -> bool {
        let bearer = headers
            .get(header::AUTHORIZATION)
            .and_then(|h| h.to_str().ok())
            .and_then(|h| h.strip_prefix("Bearer "));
        bearer
            .or_else(|| cookie(headers, SESSION_COOKIE))
            .is_some_and(|t| same(t, &self.token))
    }

    /// Whether `candidate` is this run's session token.
    pub fn is_token(&self, candidate: &str) -> bool {
        same(candidate, &self.token)
    }

    /// Checks the CSRF token on requests that may change something.
    pub fn check_csrf(
        &self,
        method: &Method,
        query: Option<&str>,
        headers: &HeaderMap,
    ) -> Result<(), Refusal> {
        if matches!(*method, Method::GET | Method::HEAD) {
            return Ok(());
        }
        let given = headers
            .get(CSRF_HEADER)
            .and_then(|h| h.to_str().ok())
            .or_else(|| query_param(query, "csrf"));
        match given {
            Some(t) if same(t, &self.csrf) => Ok(()),
            _ => Err(Refusal::NoCsrf),
        }
    }
}

/// What the gate decides about a request.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Let it through.
    Pass,
    /// `?token=` was right: set the session cookie and redirect to this
    /// path (the token leaves the address bar).
    SignIn(String),
    /// Refuse it with this status.
    Refuse(StatusCode, Refusal),
}

impl Guard {
    /// The gate, in order: Host/Origin, then the session (trading
    /// `?token=` for a cookie), then the CSRF token on anything that is
    /// not a read. Assets need only the first.
    pub fn judge(&self, method: &Method, uri: &Uri, headers: &HeaderMap) -> Verdict {
        if let Err(refusal) = self.check_site(headers) {
            return Verdict::Refuse(StatusCode::FORBIDDEN, refusal);
        }
        if uri.path().starts_with("/assets/") {
            return Verdict::Pass;
        }
        let query = uri.query();
        if *method == Method::GET
            && let Some(token) = query_param(query, "token")
        {
            if !self.is_token(token) {
                return Verdict::Refuse(StatusCode::UNAUTHORIZED, Refusal::NoSession);
            }
            return Verdict::SignIn(uri.path().to_string());
        }
        if !self.signed_in(headers) {
            return Verdict::Refuse(StatusCode::UNAUTHORIZED, Refusal::NoSession);
        }
        if let Err(refusal) = self.check_csrf(method, query, headers) {
            return Verdict::Refuse(StatusCode::FORBIDDEN, refusal);
        }
        Verdict::Pass
    }
}

/// The headers every page carries: pages hold the CSRF token, so they are
/// never cached or framed, and they load nothing from elsewhere.
pub fn harden(headers: &mut HeaderMap) {
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn host_and_origin_must_be_ours() {
        let g = Guard::new("127.0.0.1:7878".parse().unwrap());
        assert_eq!(
            g.check_site(&headers(&[("host", "127.0.0.1:7878")])),
            Ok(())
        );
        assert_eq!(
            g.check_site(&headers(&[("host", "localhost:7878")])),
            Ok(())
        );
        assert!(matches!(
            g.check_site(&headers(&[("host", "evil.example:7878")])),
            Err(Refusal::ForeignHost(_))
        ));
        assert_eq!(
            g.check_site(&headers(&[
                ("host", "127.0.0.1:7878"),
                ("origin", "http://evil.example")
            ])),
            Err(Refusal::ForeignOrigin)
        );
        assert_eq!(
            g.check_site(&headers(&[
                ("host", "127.0.0.1:7878"),
                ("origin", "http://127.0.0.1:7878")
            ])),
            Ok(())
        );
    }

    #[test]
    fn session_and_csrf_tokens() {
        let g = Guard::new("127.0.0.1:7878".parse().unwrap());
        let cookie = format!("a=b; {SESSION_COOKIE}={}", g.token());
        assert!(g.signed_in(&headers(&[("cookie", &cookie)])));
        assert!(g.signed_in(&headers(&[(
            "authorization",
            &format!("Bearer {}", g.token())
        )])));
        assert!(!g.signed_in(&headers(&[("cookie", "kenes_session=0000")])));
        assert_ne!(g.csrf(), g.token());
        let post = Method::POST;
        assert_eq!(
            g.check_csrf(&post, None, &HeaderMap::new()),
            Err(Refusal::NoCsrf)
        );
        let q = format!("csrf={}", g.csrf());
        assert_eq!(g.check_csrf(&post, Some(&q), &HeaderMap::new()), Ok(()));
        assert_eq!(g.check_csrf(&Method::GET, None, &HeaderMap::new()), Ok(()));
    }
}
