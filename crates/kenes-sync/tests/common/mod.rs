//! What the sync tests share: keys, and a small federation.

// Each test binary compiles this module and uses only part of it.
#![allow(dead_code)]

use kenes_core::body::{CommitteeKind, Policy};
use kenes_core::op::genesis;
use kenes_core::{Body, Engine, SecretKey, Verify};

pub fn key(n: u8) -> SecretKey {
    SecretKey::from_bytes([n; 32])
}

/// A federation founded by key 1, with a committee that vouched for
/// `candidate` when given.
pub fn federation(candidate: Option<&SecretKey>) -> Vec<Vec<u8>> {
    let g = genesis(&key(1), "f", 0);
    let mut e = Engine::new(g.id);
    e.ingest(std::slice::from_ref(&g.bytes), Verify::Signatures);
    let c = e.author(
        &key(1),
        Body::CreateCommittee {
            name: "c".into(),
            kind: CommitteeKind::Advisory,
            policy: Policy::default(),
        },
        1,
    );
    e.ingest(std::slice::from_ref(&c.bytes), Verify::Signatures);
    if let Some(candidate) = candidate {
        let v = e.author(
            &key(1),
            Body::Vouch {
                committee: c.id,
                candidate: candidate.public(),
            },
            2,
        );
        e.ingest(std::slice::from_ref(&v.bytes), Verify::Signatures);
    }
    e.accepted_bytes().map(|b| b.to_vec()).collect()
}
