//! A malicious peer against an honest node over real QUIC on loopback:
//! garbage bytes, an oversized frame, a member sending an op with a
//! forged signature, and a peer that goes silent mid-frame. The honest
//! node stays up, keeps serving, and stores nothing invalid.

use kenes_core::body::{CommitteeKind, Policy};
use kenes_core::op::genesis;
use kenes_core::{Body, Engine, Verify};
use kenes_sync::net::{self, Replica};
use std::net::SocketAddr;
use std::sync::Mutex;

mod common;
use common::key;

/// An in-memory replica that, like the real store, cuts off a peer whose
/// ops fail verification.
struct Memory(Engine);

impl Replica for Memory {
    fn engine(&self) -> &Engine {
        &self.0
    }
    fn ingest(&mut self, ops: &[Vec<u8>]) -> Result<(), String> {
        let report = self.0.ingest(ops, Verify::Signatures);
        match report.dropped.first() {
            Some((_, reason)) => Err(reason.to_string()),
            None => Ok(()),
        }
    }
}

fn federation() -> Vec<Vec<u8>> {
    let g = genesis(&key(1), "f", 0);
    let mut e = Engine::new(g.id);
    e.ingest(std::slice::from_ref(&g.bytes), Verify::Signatures);
    let c = e.author(
        &key(1),
        Body::CreateCommittee {
            name: "c".into(),
            kind: CommitteeKind::Advisory,
            policy: Policy {
                vouches_required: 1,
                ..Policy::default()
            },
        },
        1,
    );
    e.ingest(std::slice::from_ref(&c.bytes), Verify::Signatures);
    let v = e.author(
        &key(1),
        Body::Vouch {
            committee: c.id,
            candidate: key(2).public(),
        },
        2,
    );
    e.ingest(std::slice::from_ref(&v.bytes), Verify::Signatures);
    let j = e.author(&key(2), Body::Join { committee: c.id }, 3);
    e.ingest(std::slice::from_ref(&j.bytes), Verify::Signatures);
    e.accepted_bytes().map(|b| b.to_vec()).collect()
}

fn replica(ops: &[Vec<u8>], trusted_extra: Option<&[u8]>) -> Mutex<Memory> {
    let fed = kenes_core::Op::decode(&ops[0]).unwrap().id;
    let mut e = Engine::new(fed);
    e.ingest(ops, Verify::Signatures);
    if let Some(extra) = trusted_extra {
        // The attacker's own engine skips signature checks.
        e.ingest(&[extra], Verify::Trusted);
    }
    Mutex::new(Memory(e))
}

#[test]
fn an_honest_node_survives_a_malicious_peer() {
    let ops = federation();
    let honest = replica(&ops, None);
    let loopback: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let server = net::bind(loopback).await.unwrap();
        let fed = honest.lock().unwrap().engine().federation();
        let ticket = net::ticket(&server, fed);
        let serving = async {
            let mut results = Vec::new();
            for _ in 0..4 {
                let conn = server.accept().await.unwrap().await.unwrap();
                results.push(
                    net::serve_connection(&server, conn, &honest, &key(1), net::Limits::default())
                        .await
                        .is_ok(),
                );
            }
            results
        };
        let attacking = async {
            let client = net::bind(loopback).await.unwrap();
            let endpoint_addr = {
                let id = iroh::EndpointId::from_bytes(&ticket.endpoint).unwrap();
                iroh::EndpointAddr::new(id).with_ip_addr(ticket.addrs[0])
            };
            // 1. Garbage bytes instead of a hello.
            let conn = client
                .connect(endpoint_addr.clone(), net::ALPN)
                .await
                .unwrap();
            let (mut send, _recv) = conn.open_bi().await.unwrap();
            send.write_all(&[0x13; 997]).await.unwrap();
            send.finish().unwrap();
            let _ = conn.closed().await;
            // 2. A frame that claims 4 GiB.
            let conn = client.connect(endpoint_addr, net::ALPN).await.unwrap();
            let (mut send, _recv) = conn.open_bi().await.unwrap();
            send.write_all(&u32::MAX.to_le_bytes()).await.unwrap();
            send.finish().unwrap();
            let _ = conn.closed().await;
            // 3. A member whose ops include one with a forged signature.
            let mut forged = replica(&ops, None)
                .lock()
                .unwrap()
                .engine()
                .author(
                    &key(2),
                    Body::Profile {
                        name: "forger".into(),
                    },
                    9,
                )
                .bytes;
            let last = forged.len() - 1;
            forged[last] ^= 0x55;
            let attacker = replica(&ops, Some(&forged));
            let attack = net::sync_with(&client, &ticket, &attacker, &key(2)).await;
            // 4. Then an honest member syncs as usual.
            let member = replica(&ops, None);
            let fine = net::sync_with(&client, &ticket, &member, &key(2)).await;
            (attack.is_err(), fine.is_ok(), forged)
        };
        let (results, (attack_failed, honest_ok, forged)) = tokio::join!(serving, attacking);
        assert_eq!(
            results,
            vec![false, false, false, true],
            "only the honest session succeeds"
        );
        assert!(attack_failed, "the forging peer is cut off");
        assert!(honest_ok, "the node keeps serving");
        let stored = honest.lock().unwrap();
        assert!(!stored.engine().contains(&kenes_core::Hash::of(&forged)));
        assert_eq!(stored.engine().len(), ops.len());
    });
}

#[test]
fn a_stalled_peer_is_timed_out_while_others_are_served() {
    use kenes_store::Store;
    use kenes_store::datadir::DataDir;
    use kenes_sync::node::Node;
    use std::time::Duration;

    let ops = federation();
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir::new(dir.path());
    std::fs::create_dir_all(data.federations_dir()).unwrap();
    let fed = kenes_core::Op::decode(&ops[0]).unwrap().id;
    let mut store = Store::create_empty(&data.database(&fed), fed).unwrap();
    store.ingest(&ops, Verify::Signatures).unwrap();
    let limits = net::Limits {
        turn: Duration::from_secs(20),
        session: Duration::from_secs(120),
    };
    let node = Node::with_limits(data, store, Some(key(1)), limits);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let (ticket_tx, ticket_rx) = tokio::sync::oneshot::channel();
        let serving = node.run(
            "127.0.0.1:0".parse().unwrap(),
            std::future::pending(),
            move |t| {
                let _ = ticket_tx.send(t.clone());
            },
        );
        let attacking = async {
            let ticket: net::Ticket = ticket_rx.await.unwrap();
            let client = net::bind("127.0.0.1:0".parse().unwrap()).await.unwrap();
            let addr =
                iroh::EndpointAddr::new(iroh::EndpointId::from_bytes(&ticket.endpoint).unwrap())
                    .with_ip_addr(ticket.addrs[0]);
            // A frame header that promises 100 bytes, then silence.
            let stalled = client.connect(addr, net::ALPN).await.unwrap();
            let (mut send, _recv) = stalled.open_bi().await.unwrap();
            send.write_all(&100u32.to_le_bytes()).await.unwrap();
            // Meanwhile an honest member syncs as usual, long before the
            // silent peer's turn runs out (a node serving one session at
            // a time would keep the member waiting for it).
            let member = replica(&ops, None);
            let fine = tokio::time::timeout(
                Duration::from_secs(10),
                net::sync_with(&client, &ticket, &member, &key(2)),
            )
            .await
            .map_err(|_| "kept waiting behind the stalled peer")
            .and_then(|r| r.map_err(|_| "sync failed"));
            // The node gives up on the silent peer after its turn limit.
            let dropped = tokio::time::timeout(Duration::from_secs(60), stalled.closed()).await;
            (fine, dropped.is_ok())
        };
        tokio::select! {
            result = serving => panic!("the node stopped: {result:?}"),
            (fine, dropped) = attacking => {
                assert!(fine.is_ok(), "the honest member was not served: {fine:?}");
                assert!(dropped, "the stalled session was never closed");
            }
        }
    });
}
