//! Shared scenario helpers: one authoring replica (the "world") that every
//! test drives, checked against the reference evaluator.
#![allow(dead_code)]

use kenes_core::body::{Ballot, CommitteeKind, Policy, ProposalKind, ReportKind, ReportStatus};
use kenes_core::governance::ProposalStatus;
use kenes_core::op::{UnsignedOp, VERSION, genesis};
use kenes_core::tally::Choice;
use kenes_core::{Body, Engine, Hash, Op, Outcome, SecretKey, Verify, reference};

pub struct World {
    pub engine: Engine,
    pub all: Vec<Vec<u8>>,
    pub clock: u64,
}

pub fn key(n: u8) -> SecretKey {
    SecretKey::from_bytes([n; 32])
}

impl World {
    pub fn new() -> World {
        let g = genesis(&key(1), "Kazakhstan 2022", 0);
        let mut engine = Engine::new(g.id);
        let report = engine.ingest(std::slice::from_ref(&g.bytes), Verify::Signatures);
        assert_eq!(report.accepted.len(), 1);
        World {
            engine,
            all: vec![g.bytes],
            clock: 0,
        }
    }

    pub fn act(&mut self, who: u8, body: Body) -> Op {
        self.clock += 1;
        let op = self.engine.author(&key(who), body, self.clock);
        self.deliver(&op);
        op
    }

    pub fn deliver(&mut self, op: &Op) -> kenes_core::IngestReport {
        self.all.push(op.bytes.clone());
        self.engine
            .ingest(std::slice::from_ref(&op.bytes), Verify::Signatures)
    }

    pub fn outcome(&self, op: &Op) -> Outcome {
        self.engine.outcome_of(&op.id).expect("accepted")
    }

    pub fn committee(&mut self, who: u8, name: &str, vouches: u32) -> Hash {
        let op = self.act(
            who,
            Body::CreateCommittee {
                name: name.into(),
                kind: CommitteeKind::Territorial {
                    area: "Kazakhstan/Mangystau/Zhanaozen".into(),
                },
                policy: Policy {
                    vouches_required: vouches,
                    ..Policy::default()
                },
            },
        );
        assert_eq!(self.outcome(&op), Outcome::Applied);
        op.id
    }

    pub fn check_reference(&mut self) {
        let fed = self.engine.federation();
        let expected = reference::evaluate(fed, &self.all);
        for (ord, (id, outcome)) in self.engine.outcomes().enumerate() {
            assert_eq!(
                Some(&outcome),
                expected.outcomes.get(&id),
                "outcome of a {}",
                self.engine.op_at(ord as u32).fields.body.label()
            );
        }
        for (id, c) in &expected.state.committees {
            assert_eq!(
                Some(c),
                self.engine.state().committees.get(id),
                "committee {}",
                c.name
            );
        }
        assert_eq!(self.engine.digest(), expected.digest());
    }
}

/// Builds an op by `who` whose deps are exactly `deps` (a back-dated op).
pub fn backdated(w: &World, who: u8, deps: &[&Op], body: Body) -> Op {
    backdated_at(w, who, deps, body, w.clock)
}

/// A back-dated op with its own clock set to `time`.
pub fn backdated_at(w: &World, who: u8, deps: &[&Op], body: Body, time: u64) -> Op {
    let author = key(who).public();
    let (seq, prev) = w.engine.next_position(&author);
    let prev_lamport = prev.map(|p| w.engine.entry(&p).unwrap().lamport() + 1);
    let mut dep_ids: Vec<Hash> = deps
        .iter()
        .map(|d| d.id)
        .filter(|d| Some(*d) != prev)
        .collect();
    dep_ids.sort();
    let lamport = deps
        .iter()
        .map(|d| d.fields.lamport + 1)
        .chain(prev_lamport)
        .max()
        .unwrap();
    UnsignedOp {
        version: VERSION,
        federation: w.engine.federation(),
        author,
        seq,
        prev,
        deps: dep_ids,
        lamport,
        time,
        body,
    }
    .sign(&key(who))
}

pub fn members(w: &mut World, c: Hash, keys: &[u8]) {
    for &k in keys {
        w.act(
            1,
            Body::Vouch {
                committee: c,
                candidate: key(k).public(),
            },
        );
        // Later joiners need as many vouches as the clamp allows.
        let need = w.engine.state().committees[&c].vouches_needed();
        let vouchers: Vec<u8> = w.engine.state().committees[&c]
            .members
            .iter()
            .filter_map(|m| (1..=20u8).find(|i| key(*i).public() == *m))
            .filter(|i| *i != 1)
            .take(need as usize - 1)
            .collect();
        for v in vouchers {
            w.act(
                v,
                Body::Vouch {
                    committee: c,
                    candidate: key(k).public(),
                },
            );
        }
        let join = w.act(k, Body::Join { committee: c });
        assert_eq!(w.outcome(&join), Outcome::Applied);
    }
}

pub fn propose(w: &mut World, who: u8, c: Hash, kind: ProposalKind, closes_in: u64) -> Op {
    let closes_at = w.clock + closes_in;
    w.act(
        who,
        Body::Propose {
            committee: c,
            kind,
            title: "question".into(),
            text: String::new().into(),
            closes_at,
        },
    )
}

pub fn vote(w: &mut World, who: u8, c: Hash, p: &Op, choice: Choice) -> Op {
    w.act(
        who,
        Body::Vote {
            committee: c,
            proposal: p.id,
            ballot: Ballot::Choice(choice),
        },
    )
}

pub fn status(w: &World, c: Hash, p: &Op) -> ProposalStatus {
    w.engine.state().committees[&c].proposals[&p.id]
        .status
        .clone()
}

/// Delivers every op the world made to fresh replicas in shuffled orders,
/// one by one and in one batch, and requires the world's digest everywhere
/// (and the reference's).
pub fn assert_replicas_agree(w: &mut World) {
    w.check_reference();
    let expected = w.engine.digest();
    for seed in 0..4u64 {
        let mut order = w.all.clone();
        let mut rng = kenes_core::rng::SplitMix64(seed);
        for i in (1..order.len()).rev() {
            order.swap(i, rng.below(i + 1));
        }
        let mut replica =
            Engine::with_checkpoint_interval(w.engine.federation(), 1 + seed as usize);
        if seed % 2 == 0 {
            replica.ingest(&order, Verify::Signatures);
        } else {
            for op in &order {
                replica.ingest(std::slice::from_ref(op), Verify::Signatures);
            }
        }
        assert_eq!(replica.digest(), expected, "replica {seed}");
    }
}

/// A committee with `policy`, created by `who`.
pub fn committee_with(w: &mut World, who: u8, name: &str, policy: Policy) -> Hash {
    let op = w.act(
        who,
        Body::CreateCommittee {
            name: name.into(),
            kind: CommitteeKind::Territorial {
                area: "Kazakhstan/Atyrau".into(),
            },
            policy,
        },
    );
    assert_eq!(w.outcome(&op), Outcome::Applied);
    op.id
}

/// The closing of proposal `p` in committee `c`, if closed.
pub fn closing(w: &World, c: Hash, p: &Op) -> Option<kenes_core::governance::Closing> {
    match status(w, c, p) {
        ProposalStatus::Closed(closing) => Some(closing),
        ProposalStatus::Open => None,
    }
}

/// A council for `area`, convened by member 1.
pub fn council(w: &mut World, name: &str, area: &str) -> Hash {
    let op = w.act(
        1,
        Body::CreateCommittee {
            name: name.into(),
            kind: CommitteeKind::Council {
                scope: kenes_core::body::CouncilScope::Area(area.into()),
            },
            policy: Policy {
                vouches_required: 1,
                ..Policy::default()
            },
        },
    );
    assert_eq!(w.outcome(&op), Outcome::Applied);
    op.id
}

/// Delivers `op`, which must be accepted at once.
pub fn inject(w: &mut World, op: &Op) {
    let report = w.deliver(op);
    assert_eq!(report.accepted.len(), 1, "{:?}", report.dropped);
}

/// A strike report in `c`.
pub fn report(c: Hash, text: &str) -> Body {
    Body::Report {
        committee: c,
        kind: ReportKind::Strike,
        status: ReportStatus::Active,
        area: "Kazakhstan/Mangystau/Zhanaozen".into(),
        participants: 100,
        starts_at: 1_641_081_600_000,
        text: text.into(),
    }
}

/// Every op accepted so far.
pub fn everything(w: &World) -> Vec<Op> {
    w.engine
        .accepted_bytes()
        .map(|b| Op::decode(&b).unwrap())
        .collect()
}

/// References to each op.
pub fn refs(ops: &[Op]) -> Vec<&Op> {
    ops.iter().collect()
}

/// Passes `kind` in committee `c` with every listed member voting yes, the
/// proposer closing at once.
pub fn pass(
    w: &mut World,
    c: Hash,
    proposer: u8,
    voters: &[u8],
    kind: ProposalKind,
) -> kenes_core::Op {
    let p = propose(w, proposer, c, kind, 1_000);
    assert_eq!(w.outcome(&p), Outcome::Applied, "{:?}", w.outcome(&p));
    for &v in voters {
        vote(w, v, c, &p, Choice::Yes);
    }
    w.act(
        proposer,
        Body::Close {
            committee: c,
            proposal: p.id,
        },
    );
    assert!(closing(w, c, &p).expect("closed").result.passed());
    p
}

/// Two councils, a city one convened by 1 and a regional one convened by
/// 2, each having asked to join the other: the start of two crossing
/// affiliations.
pub fn councils_asking_to_join_each_other(w: &mut World) -> (kenes_core::Hash, kenes_core::Hash) {
    let c = w.committee(1, "Zhanaozen oil workers", 1);
    members(w, c, &[2]);
    let low = council(
        w,
        "Zhanaozen city council",
        "Kazakhstan/Mangystau/Zhanaozen",
    );
    let high = w
        .act(
            2,
            Body::CreateCommittee {
                name: "Mangystau regional council".into(),
                kind: CommitteeKind::Council {
                    scope: kenes_core::body::CouncilScope::Area("Kazakhstan/Mangystau".into()),
                },
                policy: Policy::default(),
            },
        )
        .id;
    pass(w, low, 1, &[1], ProposalKind::Affiliate { council: high });
    pass(w, high, 2, &[2], ProposalKind::Affiliate { council: low });
    (low, high)
}
