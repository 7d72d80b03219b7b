//! Admission: inside the encrypted channel, each side proves it holds a
//! member key with standing in the federation (DESIGN §6).
//!
//! Both sides send a [`Hello`] (federation, member key, fresh nonce), then
//! sign a challenge bound to this session: both transport endpoint ids and
//! both nonces. The endpoint ids are ephemeral and never derived from the
//! member keys, so the cleartext handshake reveals no member. Each side
//! checks the other's signature and standing in its own op set; a side
//! that is neither a member nor a vouched candidate is refused. Sans-IO.

use kenes_core::{Engine, Hash, PublicKey, SecretKey, Signature, keys};
use rand_core::{OsRng, RngCore};
use serde::{Deserialize, Serialize};

/// A side's introduction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hello {
    /// The federation to sync.
    pub federation: Hash,
    /// The member key it will prove.
    pub member: PublicKey,
    /// A fresh random nonce.
    pub nonce: [u8; 32],
}

impl Hello {
    /// A hello for `member` in `federation`, with a fresh nonce.
    pub fn new(federation: Hash, member: PublicKey) -> Hello {
        let mut nonce = [0u8; 32];
        OsRng.fill_bytes(&mut nonce);
        Hello {
            federation,
            member,
            nonce,
        }
    }
}

/// Why a peer was not admitted.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AdmissionError {
    /// The peer wants another federation.
    #[error("peer asked for another federation")]
    WrongFederation,
    /// The proof does not verify.
    #[error("peer's membership proof is invalid")]
    BadProof,
    /// The key has no standing here.
    #[error("peer is neither a member nor a vouched candidate")]
    NotAMember,
}

/// The bytes both sides sign: bound to both endpoints, both nonces and the
/// federation, so a proof cannot be replayed in another session.
pub fn challenge(
    client_endpoint: &[u8; 32],
    server_endpoint: &[u8; 32],
    client: &Hello,
    server: &Hello,
) -> Vec<u8> {
    let mut bytes = b"kenes/sync/1 admission".to_vec();
    bytes.extend_from_slice(client_endpoint);
    bytes.extend_from_slice(server_endpoint);
    bytes.extend_from_slice(&client.nonce);
    bytes.extend_from_slice(&server.nonce);
    bytes.extend_from_slice(&client.federation.0);
    bytes.extend_from_slice(&client.member.0);
    bytes.extend_from_slice(&server.member.0);
    bytes
}

/// Signs the challenge with this side's member key.
pub fn prove(key: &SecretKey, challenge: &[u8]) -> Signature {
    key.sign(challenge)
}

/// Checks a peer: same federation, a valid proof by a key that is not of
/// small order, and standing in `engine`.
pub fn admit(
    engine: &Engine,
    peer: &Hello,
    proof: &Signature,
    challenge: &[u8],
) -> Result<(), AdmissionError> {
    verify_proof(engine.federation(), peer, proof, challenge)?;
    check_standing(engine, peer)
}

/// The first half of [`admit`], for a side that holds nothing of the
/// federation yet (first contact): same federation and a valid proof. The
/// standing is checked with [`check_standing`] once the ops have arrived.
pub fn verify_proof(
    federation: Hash,
    peer: &Hello,
    proof: &Signature,
    challenge: &[u8],
) -> Result<(), AdmissionError> {
    if peer.federation != federation {
        return Err(AdmissionError::WrongFederation);
    }
    if keys::is_small_order(&peer.member) || !keys::verify(&peer.member, challenge, proof) {
        return Err(AdmissionError::BadProof);
    }
    Ok(())
}

/// The second half of [`admit`]: the peer's key is a member or a vouched
/// candidate in `engine`.
pub fn check_standing(engine: &Engine, peer: &Hello) -> Result<(), AdmissionError> {
    if peer.federation != engine.federation() {
        return Err(AdmissionError::WrongFederation);
    }
    if !engine.may_sync(&peer.member) {
        return Err(AdmissionError::NotAMember);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use kenes_core::Verify;
    use kenes_core::op::genesis;

    #[test]
    fn members_are_admitted_and_strangers_and_replays_refused() {
        let founder = SecretKey::from_bytes([1; 32]);
        let g = genesis(&founder, "f", 0);
        let mut engine = Engine::new(g.id);
        engine.ingest(std::slice::from_ref(&g.bytes), Verify::Signatures);
        let client = Hello::new(g.id, founder.public());
        let stranger_key = SecretKey::from_bytes([2; 32]);
        let server = Hello::new(g.id, stranger_key.public());
        let c = challenge(&[1; 32], &[2; 32], &client, &server);
        assert_eq!(admit(&engine, &client, &prove(&founder, &c), &c), Ok(()));
        // A proof from another session does not carry over.
        let other = challenge(&[1; 32], &[3; 32], &client, &server);
        assert_eq!(
            admit(&engine, &client, &prove(&founder, &other), &c),
            Err(AdmissionError::BadProof)
        );
        // Someone without standing is refused even with a valid proof.
        let stranger = Hello::new(g.id, stranger_key.public());
        assert_eq!(
            admit(&engine, &stranger, &prove(&stranger_key, &c), &c),
            Err(AdmissionError::NotAMember)
        );
        let elsewhere = Hello::new(Hash([9; 32]), founder.public());
        assert_eq!(
            admit(&engine, &elsewhere, &prove(&founder, &c), &c),
            Err(AdmissionError::WrongFederation)
        );
    }
}

#[cfg(test)]
mod standing {
    use super::*;
    use kenes_core::body::{CommitteeKind, Policy};
    use kenes_core::op::genesis;
    use kenes_core::{Body, Verify};

    #[test]
    fn a_key_whose_only_vouch_is_invalid_has_no_standing() {
        let founder = SecretKey::from_bytes([1; 32]);
        let g = genesis(&founder, "f", 0);
        let mut engine = Engine::new(g.id);
        engine.ingest(std::slice::from_ref(&g.bytes), Verify::Signatures);
        let c = engine.author(
            &founder,
            Body::CreateCommittee {
                name: "c".into(),
                kind: CommitteeKind::Advisory,
                policy: Policy::default(),
            },
            1,
        );
        engine.ingest(std::slice::from_ref(&c.bytes), Verify::Signatures);
        let candidate = SecretKey::from_bytes([2; 32]);
        let v = engine.author(
            &founder,
            Body::Vouch {
                committee: c.id,
                candidate: candidate.public(),
            },
            2,
        );
        engine.ingest(std::slice::from_ref(&v.bytes), Verify::Signatures);
        assert!(
            engine.may_sync(&candidate.public()),
            "a valid vouch gives standing"
        );
        // The candidate vouches for a third key without being a member: the
        // vouch is stored as rejected and gives that key no standing.
        let third = SecretKey::from_bytes([3; 32]);
        let bad = engine.author(
            &candidate,
            Body::Vouch {
                committee: c.id,
                candidate: third.public(),
            },
            3,
        );
        engine.ingest(std::slice::from_ref(&bad.bytes), Verify::Signatures);
        assert!(matches!(
            engine.outcome_of(&bad.id).unwrap(),
            kenes_core::Outcome::Rejected(_)
        ));
        assert!(!engine.may_sync(&third.public()));
        let hello = Hello::new(g.id, third.public());
        let c = challenge(&[0; 32], &[1; 32], &hello, &hello);
        assert_eq!(
            admit(&engine, &hello, &prove(&third, &c), &c),
            Err(AdmissionError::NotAMember)
        );
    }

    /// Issue 11, attack 6: a member removed from their only committee
    /// loses standing, and with it sync access.
    #[test]
    fn a_removed_member_with_no_other_membership_is_refused() {
        use kenes_core::body::{Ballot, ProposalKind};
        use kenes_core::tally::Choice;
        let founder = SecretKey::from_bytes([1; 32]);
        let member = SecretKey::from_bytes([2; 32]);
        let g = genesis(&founder, "f", 0);
        let mut engine = Engine::new(g.id);
        engine.ingest(std::slice::from_ref(&g.bytes), Verify::Signatures);
        let mut time = 0;
        let mut act = |engine: &mut Engine, key: &SecretKey, body: Body| {
            time += 1;
            let op = engine.author(key, body, time);
            engine.ingest(std::slice::from_ref(&op.bytes), Verify::Signatures);
            assert!(engine.outcome_of(&op.id).is_some_and(|o| o.is_applied()));
            op.id
        };
        let policy = Policy {
            vouches_required: 1,
            ..Policy::default()
        };
        let c = act(
            &mut engine,
            &founder,
            Body::CreateCommittee {
                name: "c".into(),
                kind: CommitteeKind::Advisory,
                policy,
            },
        );
        act(
            &mut engine,
            &founder,
            Body::Vouch {
                committee: c,
                candidate: member.public(),
            },
        );
        act(&mut engine, &member, Body::Join { committee: c });
        let hello = Hello::new(g.id, member.public());
        let nonce = challenge(&[0; 32], &[1; 32], &hello, &hello);
        let proof = prove(&member, &nonce);
        assert_eq!(admit(&engine, &hello, &proof, &nonce), Ok(()));
        let p = act(
            &mut engine,
            &founder,
            Body::Propose {
                committee: c,
                kind: ProposalKind::RemoveMember {
                    member: member.public(),
                },
                title: "remove".into(),
                text: String::new().into(),
                closes_at: 100,
            },
        );
        act(
            &mut engine,
            &founder,
            Body::Vote {
                committee: c,
                proposal: p,
                ballot: Ballot::Choice(Choice::Yes),
            },
        );
        act(
            &mut engine,
            &founder,
            Body::Close {
                committee: c,
                proposal: p,
            },
        );
        assert_eq!(
            admit(&engine, &hello, &proof, &nonce),
            Err(AdmissionError::NotAMember)
        );
    }
}
