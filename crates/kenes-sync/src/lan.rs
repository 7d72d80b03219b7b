//! LAN discovery by mDNS: opt-in (`kenes serve --mdns`), off by default,
//! because announcing on the LAN tells everyone on it that a kenes node
//! runs here.
//!
//! A node announces `_kenes._udp.local.` with its endpoint id, a random
//! salt and a tag, the first 16 bytes of BLAKE3(salt ‖ federation id). A
//! node of the same federation recognises the tag; anyone else learns that
//! some kenes node is here, not which federation it serves. Found nodes
//! are synced with like known peers, but not written to `peers.json`:
//! their tickets expire with their run. Admission still decides who may
//! sync, exactly as with tickets handed over by hand.
//!
//! The mDNS protocol itself is the `mdns-sd` crate's; only the record
//! contents are ours.

use crate::net::{NetError, Ticket};
use kenes_core::Hash;
use std::net::SocketAddr;

/// The DNS-SD service type.
pub const SERVICE: &str = "_kenes._udp.local.";

/// What a node puts in its TXT record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Announcement {
    /// The endpoint id.
    pub endpoint: [u8; 32],
    /// A per-run salt.
    pub salt: [u8; 16],
    /// BLAKE3(salt ‖ federation), first 16 bytes.
    pub tag: [u8; 16],
}

fn tag(salt: &[u8; 16], federation: &Hash) -> [u8; 16] {
    let mut hasher = blake3::Hasher::new();
    hasher.update(salt);
    hasher.update(&federation.0);
    let mut out = [0u8; 16];
    out.copy_from_slice(&hasher.finalize().as_bytes()[..16]);
    out
}

impl Announcement {
    /// The announcement of a node with `endpoint` serving `federation`.
    pub fn new(endpoint: [u8; 32], federation: &Hash) -> Announcement {
        let mut salt = [0u8; 16];
        rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut salt);
        Announcement {
            endpoint,
            salt,
            tag: tag(&salt, federation),
        }
    }

    /// The TXT properties.
    pub fn txt(&self) -> Vec<(&'static str, String)> {
        vec![
            ("e", hex::encode(self.endpoint)),
            ("s", hex::encode(self.salt)),
            ("t", hex::encode(self.tag)),
        ]
    }

    /// Reads TXT properties (`get` looks one up); `None` if malformed.
    pub fn parse<'a>(get: impl Fn(&str) -> Option<&'a str>) -> Option<Announcement> {
        fn field<const N: usize>(text: Option<&str>) -> Option<[u8; N]> {
            let bytes = hex::decode(text?).ok()?;
            bytes.try_into().ok()
        }
        Some(Announcement {
            endpoint: field(get("e"))?,
            salt: field(get("s"))?,
            tag: field(get("t"))?,
        })
    }

    /// Whether the announcing node serves `federation`.
    pub fn is_for(&self, federation: &Hash) -> bool {
        tag(&self.salt, federation) == self.tag
    }
}

/// A running announcement and browser; dropping it stops both.
pub struct Lan {
    daemon: mdns_sd::ServiceDaemon,
}

impl Drop for Lan {
    fn drop(&mut self) {
        let _ = self.daemon.shutdown();
    }
}

/// Announces `ticket` on the LAN and reports nodes of the same federation
/// through `found` (from mdns-sd's own thread).
pub fn start(ticket: &Ticket, found: impl Fn(Ticket) + Send + 'static) -> Result<Lan, NetError> {
    let io = |e: mdns_sd::Error| NetError::Io(format!("mdns: {e}"));
    let daemon = mdns_sd::ServiceDaemon::new().map_err(io)?;
    let announcement = Announcement::new(ticket.endpoint, &ticket.federation);
    let port = ticket.addrs.first().map_or(0, SocketAddr::port);
    let name = hex::encode(&ticket.endpoint[..8]);
    let ips: Vec<std::net::IpAddr> = ticket
        .addrs
        .iter()
        .map(SocketAddr::ip)
        .filter(|ip| !ip.is_unspecified())
        .collect();
    let txt: Vec<(&str, String)> = announcement.txt();
    let mut info = mdns_sd::ServiceInfo::new(
        SERVICE,
        &name,
        &format!("{name}.local."),
        &ips[..],
        port,
        &txt[..],
    )
    .map_err(io)?;
    if ips.is_empty() {
        // Bound to every interface: announce the interfaces' addresses.
        info = info.enable_addr_auto();
    }
    daemon.register(info).map_err(io)?;
    let events = daemon.browse(SERVICE).map_err(io)?;
    let (own, federation) = (ticket.endpoint, ticket.federation);
    std::thread::spawn(move || {
        while let Ok(event) = events.recv() {
            let mdns_sd::ServiceEvent::ServiceResolved(info) = event else {
                continue;
            };
            let Some(seen) = Announcement::parse(|k| info.get_property_val_str(k)) else {
                continue;
            };
            if seen.endpoint == own || !seen.is_for(&federation) {
                continue;
            }
            let addrs: Vec<SocketAddr> = info
                .get_addresses()
                .iter()
                .map(|ip| SocketAddr::new(*ip, info.get_port()))
                .take(16)
                .collect();
            if !addrs.is_empty() {
                found(Ticket {
                    endpoint: seen.endpoint,
                    addrs,
                    federation,
                });
            }
        }
    });
    Ok(Lan { daemon })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tag_names_the_federation_only_to_those_who_know_it() {
        let ours = Hash([7; 32]);
        let theirs = Hash([8; 32]);
        let a = Announcement::new([1; 32], &ours);
        let txt = a.txt();
        let parsed = Announcement::parse(|k| {
            txt.iter()
                .find(|(key, _)| *key == k)
                .map(|(_, v)| v.as_str())
        })
        .expect("round trip");
        assert_eq!(parsed, a);
        assert!(parsed.is_for(&ours));
        assert!(!parsed.is_for(&theirs));
        // A new run, a new salt: the same federation looks different.
        assert_ne!(Announcement::new([1; 32], &ours).tag, a.tag);
        assert!(!txt.iter().any(|(_, v)| v.contains(&ours.to_hex())));
    }

    #[test]
    fn malformed_records_are_ignored() {
        assert!(Announcement::parse(|_| None).is_none());
        assert!(Announcement::parse(|_| Some("zz")).is_none());
        assert!(
            Announcement::parse(|_| Some("00")).is_none(),
            "wrong length"
        );
    }
}
