//! The hub's HTTPS (issue 13, `kenes serve --hub --tls`): a certificate
//! the hub makes for itself, kept in the data directory, and a listener
//! that completes TLS handshakes before axum sees a connection.
//!
//! - **The certificate** is self-signed, ECDSA P-256 (Chromium refuses
//!   Ed25519 certificates), for the IP addresses the hub answers on. Its
//!   key lives in `hub/tls-key.pem` (mode 0600) and the certificate in
//!   `hub/tls-cert.pem`, so the fingerprint members check stays the same
//!   across restarts. When the hub's addresses change (another hotspot),
//!   the certificate is made anew for them with the same key: the
//!   fingerprint changes, the key (what Chromium's SPKI pin names) does
//!   not.
//! - **No authority vouches for it**: a phone's browser warns, and a
//!   member who wants to know they reached the committee's laptop compares
//!   the certificate's SHA-256 fingerprint with the one the laptop shows
//!   beside the QR code.
//! - **The listener** ([`TlsListener`]) accepts TCP connections and runs
//!   each handshake in its own task, with a time limit, so a slow or
//!   silent client cannot hold up the others. A plain-HTTP request gets a
//!   one-line 400 and the connection is closed.

use axum::serve::Listener;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

/// The certificate's file, in the hub's directory of the data directory.
pub const CERT_FILE: &str = "tls-cert.pem";
/// Its key's file (mode 0600).
pub const KEY_FILE: &str = "tls-key.pem";
/// The first line of the certificate file names the addresses it was made
/// for, so a restart on the same addresses keeps it.
const FOR_PREFIX: &str = "kenes hub certificate for: ";
/// How long a client may take to complete its handshake.
const HANDSHAKE_TIME: Duration = Duration::from_secs(10);
/// Handshakes under way at once; further connections wait to be accepted.
const HANDSHAKES_AT_ONCE: usize = 256;

/// Why the hub's certificate could not be loaded, made or used.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// Reading or writing a file failed.
    #[error("cannot read or write {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The key file holds no key this hub can use.
    #[error("{path} holds no ECDSA P-256 key: move it away to make a new one")]
    BadKey {
        /// The file.
        path: PathBuf,
    },
    /// rcgen could not make the key or the certificate.
    #[error("cannot make the certificate: {0}")]
    Make(#[from] rcgen::Error),
    /// rustls refused the certificate and key.
    #[error("cannot serve the certificate: {0}")]
    Rustls(#[from] rustls::Error),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> TlsError + '_ {
    move |source| TlsError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The hub's certificate and key, and the fingerprint members check.
pub struct Identity {
    cert: CertificateDer<'static>,
    key: PrivatePkcs8KeyDer<'static>,
    fingerprint: String,
    /// Made by this run, not loaded: a fingerprint shown before is stale.
    new: bool,
}

/// The SHA-256 fingerprint of a DER certificate as browsers show it:
/// upper-case hex pairs joined by colons.
pub fn fingerprint(der: &[u8]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, der);
    digest
        .as_ref()
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// Writes `text` to `path` atomically, readable by its owner only.
fn write_private(path: &Path, text: &str) -> Result<(), TlsError> {
    let tmp = path.with_extension(format!("pem.{}.tmp", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&tmp).map_err(io(&tmp))?;
        std::io::Write::write_all(&mut file, text.as_bytes()).map_err(io(&tmp))?;
        file.sync_all().map_err(io(&tmp))?;
    }
    std::fs::rename(&tmp, path).map_err(io(path))
}

impl Identity {
    /// The certificate in `hub_dir` for `addresses`, made (with its key,
    /// if there is none yet) when the stored one was made for others.
    pub fn load_or_make(hub_dir: &Path, addresses: &[IpAddr]) -> Result<Identity, TlsError> {
        std::fs::create_dir_all(hub_dir).map_err(io(hub_dir))?;
        let mut ips: Vec<IpAddr> = addresses.to_vec();
        ips.sort();
        ips.dedup();
        let names = ips
            .iter()
            .map(IpAddr::to_string)
            .collect::<Vec<_>>()
            .join(" ");
        let key_path = hub_dir.join(KEY_FILE);
        let key = match std::fs::read_to_string(&key_path) {
            Ok(pem) => rcgen::KeyPair::from_pem(&pem)
                .ok()
                .filter(|k| k.algorithm() == &rcgen::PKCS_ECDSA_P256_SHA256)
                .ok_or(TlsError::BadKey {
                    path: key_path.clone(),
                })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
                write_private(&key_path, &key.serialize_pem())?;
                key
            }
            Err(e) => return Err(io(&key_path)(e)),
        };
        let cert_path = hub_dir.join(CERT_FILE);
        // The stored certificate, if made for these addresses and this key
        // (its public key info appears in it whole; a key file replaced by
        // hand gets a new certificate).
        let public = rcgen::PublicKeyData::subject_public_key_info(&key);
        let stored = std::fs::read_to_string(&cert_path).ok().and_then(|text| {
            let first = text.lines().next()?;
            if first.strip_prefix(FOR_PREFIX)? != names {
                return None;
            }
            let cert = CertificateDer::from_pem_slice(text.as_bytes()).ok()?;
            cert.windows(public.len())
                .any(|w| w == public.as_slice())
                .then_some(cert)
        });
        let new = stored.is_none();
        let cert = match stored {
            Some(cert) => cert,
            None => {
                let mut params = rcgen::CertificateParams::new(Vec::<String>::new())?;
                params
                    .distinguished_name
                    .push(rcgen::DnType::CommonName, "hub");
                params.subject_alt_names = ips
                    .iter()
                    .map(|ip| rcgen::SanType::IpAddress(*ip))
                    .collect();
                let cert = params.self_signed(&key)?;
                let text = format!("{FOR_PREFIX}{names}\n{}", cert.pem());
                write_private(&cert_path, &text)?;
                cert.der().clone()
            }
        };
        let fingerprint = fingerprint(&cert);
        Ok(Identity {
            cert,
            key: PrivatePkcs8KeyDer::from(key.serialize_der()),
            fingerprint,
            new,
        })
    }

    /// The certificate's SHA-256 fingerprint (`AB:CD:…`).
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// Whether the certificate was made now (first run, or other
    /// addresses) rather than loaded: a fingerprint put up before no
    /// longer holds.
    pub fn is_new(&self) -> bool {
        self.new
    }

    /// A TLS acceptor serving this certificate (TLS 1.2 and 1.3, HTTP/1.1).
    pub fn acceptor(&self) -> Result<TlsAcceptor, TlsError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_no_client_auth()
            .with_single_cert(
                vec![self.cert.clone()],
                PrivateKeyDer::Pkcs8(self.key.clone_key()),
            )?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(TlsAcceptor::from(Arc::new(config)))
    }
}

/// A listener that yields connections once their TLS handshake is done.
pub struct TlsListener {
    local: SocketAddr,
    ready: tokio::sync::mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    accepting: tokio::task::JoinHandle<()>,
}

impl TlsListener {
    /// Accepts on `listener`, completing handshakes with `acceptor`.
    pub fn new(listener: TcpListener, acceptor: TlsAcceptor) -> std::io::Result<TlsListener> {
        let local = listener.local_addr()?;
        let (tx, ready) = tokio::sync::mpsc::channel(64);
        let slots = Arc::new(tokio::sync::Semaphore::new(HANDSHAKES_AT_ONCE));
        let accepting = tokio::spawn(async move {
            loop {
                let Ok(slot) = slots.clone().acquire_owned().await else {
                    return;
                };
                let (tcp, remote) = match listener.accept().await {
                    Ok(accepted) => accepted,
                    Err(e) => {
                        // Out of file descriptors, say: wait, as axum does.
                        tracing::warn!("cannot accept a connection: {e}");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                };
                let (acceptor, tx) = (acceptor.clone(), tx.clone());
                tokio::spawn(async move {
                    let _slot = slot;
                    let done =
                        tokio::time::timeout(HANDSHAKE_TIME, handshake(&acceptor, tcp)).await;
                    match done {
                        Ok(Some(tls)) => {
                            let _ = tx.send((tls, remote)).await;
                        }
                        Ok(None) => {}
                        Err(_) => tracing::debug!("TLS handshake with {remote} timed out"),
                    }
                });
            }
        });
        Ok(TlsListener {
            local,
            ready,
            accepting,
        })
    }
}

/// The handshake on `tcp`, or `None` when it fails. A client that speaks
/// plain HTTP (its first byte is a letter, not a TLS record's 0x16) is
/// told to use https and left.
async fn handshake(acceptor: &TlsAcceptor, mut tcp: TcpStream) -> Option<TlsStream<TcpStream>> {
    let mut first = [0u8; 1];
    match tcp.peek(&mut first).await {
        Ok(1) if first[0].is_ascii_alphabetic() => {
            // Read the request head first (bounded): closing a socket with
            // unread bytes resets it, and the client would lose the reply.
            let mut head = Vec::with_capacity(1024);
            let mut chunk = [0u8; 1024];
            while head.len() < 8 * 1024 && !head.windows(4).any(|w| w == b"\r\n\r\n") {
                match tokio::time::timeout(Duration::from_secs(2), tcp.read(&mut chunk)).await {
                    Ok(Ok(n)) if n > 0 => head.extend_from_slice(&chunk[..n]),
                    _ => break,
                }
            }
            let body = "this address speaks HTTPS: open it with https://\n";
            let reply = format!(
                "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = tcp.write_all(reply.as_bytes()).await;
            let _ = tcp.shutdown().await;
            return None;
        }
        Ok(1) => {}
        _ => return None,
    }
    match acceptor.accept(tcp).await {
        Ok(tls) => Some(tls),
        Err(e) => {
            tracing::debug!("TLS handshake failed: {e}");
            None
        }
    }
}

impl Drop for TlsListener {
    fn drop(&mut self) {
        self.accepting.abort();
    }
}

impl Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.ready.recv().await {
            Some(accepted) => accepted,
            // The accepting task ended (it never does while we live).
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        Ok(self.local)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_certificate_is_kept_for_the_same_addresses_and_remade_with_the_same_key() {
        let dir = tempfile::tempdir().unwrap();
        let a: Vec<IpAddr> = vec!["127.0.0.2".parse().unwrap(), "127.0.0.1".parse().unwrap()];
        let first = Identity::load_or_make(dir.path(), &a).unwrap();
        assert_eq!(first.fingerprint().len(), 32 * 3 - 1);
        assert!(first.is_new());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // Same addresses, any order: the same certificate.
        let reversed: Vec<IpAddr> = a.iter().rev().copied().collect();
        let again = Identity::load_or_make(dir.path(), &reversed).unwrap();
        assert_eq!(again.fingerprint(), first.fingerprint());
        assert!(!again.is_new());
        // Other addresses: a new certificate, the same key.
        let other = Identity::load_or_make(dir.path(), &a[..1]).unwrap();
        assert_ne!(other.fingerprint(), first.fingerprint());
        assert!(other.is_new());
        assert_eq!(other.key.secret_pkcs8_der(), first.key.secret_pkcs8_der());
        assert!(other.acceptor().is_ok());
        // A new key (the old one deleted): a new certificate, for it.
        std::fs::remove_file(dir.path().join(KEY_FILE)).unwrap();
        let rekeyed = Identity::load_or_make(dir.path(), &a[..1]).unwrap();
        assert_ne!(rekeyed.fingerprint(), other.fingerprint());
        assert!(rekeyed.acceptor().is_ok());
    }

    #[test]
    fn a_key_file_that_is_not_a_p256_key_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(KEY_FILE), "not a key").unwrap();
        let ips = ["127.0.0.1".parse().unwrap()];
        assert!(matches!(
            Identity::load_or_make(dir.path(), &ips),
            Err(TlsError::BadKey { .. })
        ));
        assert_eq!(
            std::fs::read_to_string(dir.path().join(KEY_FILE)).unwrap(),
            "not a key"
        );
    }
}
