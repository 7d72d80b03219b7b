//! Shared test machinery: a simulated federation of devices on replicas
//! that author real signed ops while partitioned ([`Sim`]), delivery of the
//! resulting ops to fresh engine replicas in random orders and batches, and
//! the mapping of the engine's output into the spec's comparison format.
#![allow(dead_code)]

use kenes_core::body::{Ballot, CommitteeKind, CouncilScope, Policy, ProposalKind, Ratio};
use kenes_core::governance::{EffectNote as EngineNote, ProposalStatus};
use kenes_core::op::{UnsignedOp, VERSION, genesis};
use kenes_core::tally::{Choice, Failure};
use kenes_core::{
    Body, Engine, Hash, Op, Outcome, PublicKey, SecretKey, State, Verify, VoidReason,
};
use kenes_spec::{
    CommitteeView, EffectNote, FailureClass, Projection, ProposalView, ReportView, SpecOutcome,
    SpecResult, SpecVoid,
};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// The secret key of test member `n`.
pub fn key(n: u8) -> SecretKey {
    SecretKey::from_bytes([n; 32])
}

/// The public key of test member `n`.
pub fn pk(n: u8) -> PublicKey {
    key(n).public()
}

/// A deterministic generator for delivery orders.
pub struct SplitMix(pub u64);

impl SplitMix {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// One replica: the ops it holds, in an order consistent with causality.
pub struct Replica {
    pub order: Vec<Hash>,
    pub known: HashSet<Hash>,
    /// The engine that follows this replica, read to pick plausible acts.
    pub engine: Engine,
}

/// One device: a key and its own log position, on a replica. Two devices
/// with one key fork that member.
#[derive(Clone, Debug)]
pub struct Device {
    pub key: u8,
    pub replica: usize,
    pub head: Option<(u64, Hash)>,
}

/// A simulated federation: devices on replicas author signed ops while
/// unsynced; `sync` merges replicas.
pub struct Sim {
    pub federation: Hash,
    pub ops: Vec<Op>,
    pub by_id: HashMap<Hash, Op>,
    pub replicas: Vec<Replica>,
    pub devices: Vec<Device>,
    pub clock: u64,
    /// Set for one authoring: deps from only the first n ops of the replica.
    pub backdate_to: Option<usize>,
    /// Set for one authoring: the op's own time.
    pub time_override: Option<u64>,
}

impl Sim {
    /// A federation founded by member 1, with `replicas` replicas that all
    /// hold the genesis; member 1's device is on replica 0.
    pub fn new(replicas: usize) -> Sim {
        let g = genesis(&key(1), "spec federation", 0);
        let mut sim = Sim {
            federation: g.id,
            ops: Vec::new(),
            by_id: HashMap::new(),
            replicas: (0..replicas)
                .map(|_| Replica {
                    order: Vec::new(),
                    known: HashSet::new(),
                    engine: Engine::new(g.id),
                })
                .collect(),
            devices: vec![Device {
                key: 1,
                replica: 0,
                head: Some((0, g.id)),
            }],
            clock: 1,
            backdate_to: None,
            time_override: None,
        };
        sim.ops.push(g.clone());
        sim.by_id.insert(g.id, g.clone());
        for r in 0..replicas {
            sim.add_to_replica(r, &g);
        }
        sim
    }

    fn add_to_replica(&mut self, r: usize, op: &Op) {
        let replica = &mut self.replicas[r];
        if replica.known.insert(op.id) {
            replica.order.push(op.id);
            replica
                .engine
                .ingest(std::slice::from_ref(&op.bytes), Verify::Trusted);
        }
    }

    /// The device of member `key` on `replica`, created if missing (a
    /// second device of a key that already has one is a fork waiting to
    /// happen: see [`Sim::fork`]).
    pub fn device(&mut self, key: u8, replica: usize) -> usize {
        if let Some(d) = self.devices.iter().position(|d| d.key == key) {
            return d;
        }
        self.devices.push(Device {
            key,
            replica,
            head: None,
        });
        self.devices.len() - 1
    }

    /// A second device for `key` on `replica`, starting from the newest op
    /// of `key` that replica holds: its next op forks the member.
    pub fn fork(&mut self, key: u8, replica: usize) -> usize {
        let head = self.replicas[replica]
            .order
            .iter()
            .filter_map(|id| self.by_id.get(id))
            .filter(|op| op.fields.author == pk(key))
            .max_by_key(|op| op.fields.seq)
            .map(|op| (op.fields.seq, op.id));
        self.devices.push(Device { key, replica, head });
        self.devices.len() - 1
    }

    /// Heads of the first `prefix` ops of replica `r`.
    fn heads(&self, r: usize, prefix: usize) -> Vec<Hash> {
        let view = &self.replicas[r].order[..prefix.min(self.replicas[r].order.len())];
        let mut cited: HashSet<Hash> = HashSet::new();
        for id in view {
            for parent in self.by_id[id].parents() {
                cited.insert(*parent);
            }
        }
        view.iter()
            .copied()
            .filter(|id| !cited.contains(id))
            .collect()
    }

    /// Device `d` authors `body`.
    pub fn act(&mut self, d: usize, body: Body) -> Op {
        let device = self.devices[d].clone();
        let r = device.replica;
        let prefix = self
            .backdate_to
            .take()
            .unwrap_or(self.replicas[r].order.len())
            .max(1);
        let prev = device.head.map(|(_, id)| id);
        let seq = device.head.map_or(0, |(seq, _)| seq + 1);
        let mut deps: Vec<Hash> = self
            .heads(r, prefix)
            .into_iter()
            .filter(|id| Some(*id) != prev)
            .collect();
        deps.sort_by_key(|id| std::cmp::Reverse(self.by_id[id].fields.lamport));
        deps.truncate(32);
        deps.sort();
        let lamport = deps
            .iter()
            .chain(prev.iter())
            .map(|id| self.by_id[id].fields.lamport + 1)
            .max()
            .unwrap_or(0);
        self.clock += 1;
        let time = self.time_override.take().unwrap_or(self.clock);
        let op = UnsignedOp {
            version: VERSION,
            federation: self.federation,
            author: pk(device.key),
            seq,
            prev,
            deps,
            lamport,
            time,
            body,
        }
        .sign(&key(device.key));
        self.devices[d].head = Some((seq, op.id));
        self.ops.push(op.clone());
        self.by_id.insert(op.id, op.clone());
        self.add_to_replica(r, &op);
        op
    }

    /// Member `key` authors `body` on its (first) device.
    pub fn act_as(&mut self, key: u8, body: Body) -> Op {
        let d = self.device(key, 0);
        self.act(d, body)
    }

    /// Replica `to` receives everything replica `from` holds.
    pub fn send(&mut self, from: usize, to: usize) {
        let missing: Vec<Hash> = self.replicas[from]
            .order
            .iter()
            .copied()
            .filter(|id| !self.replicas[to].known.contains(id))
            .collect();
        for id in missing {
            let op = self.by_id[&id].clone();
            self.add_to_replica(to, &op);
        }
    }

    /// Two replicas exchange everything.
    pub fn sync(&mut self, a: usize, b: usize) {
        self.send(a, b);
        self.send(b, a);
    }

    /// Every replica holds everything.
    pub fn sync_all(&mut self) {
        for r in 1..self.replicas.len() {
            self.sync(0, r);
        }
        for r in 1..self.replicas.len() {
            self.sync(0, r);
        }
    }

    /// The state replica `r`'s engine holds.
    pub fn state(&self, r: usize) -> &State {
        self.replicas[r].engine.state()
    }

    // ---- bodies ----

    pub fn create_committee(&mut self, d: usize, name: &str, vouches: u32) -> Hash {
        self.act(
            d,
            Body::CreateCommittee {
                name: name.into(),
                kind: CommitteeKind::Territorial {
                    area: "Kazakhstan/Mangystau".into(),
                },
                policy: Policy {
                    vouches_required: vouches,
                    ..Policy::default()
                },
            },
        )
        .id
    }

    pub fn create_council(&mut self, d: usize, name: &str) -> Hash {
        self.act(
            d,
            Body::CreateCommittee {
                name: name.into(),
                kind: CommitteeKind::Council {
                    scope: CouncilScope::Area("Kazakhstan".into()),
                },
                policy: Policy {
                    vouches_required: 1,
                    quorum: Ratio(1, 2),
                    ..Policy::default()
                },
            },
        )
        .id
    }

    pub fn propose(&mut self, d: usize, committee: Hash, kind: ProposalKind, closes_in: u64) -> Op {
        let closes_at = self.clock + closes_in;
        self.act(
            d,
            Body::Propose {
                committee,
                kind,
                title: "question".into(),
                text: String::new().into(),
                closes_at,
            },
        )
    }

    pub fn vote(&mut self, d: usize, committee: Hash, proposal: &Op, choice: Choice) -> Op {
        self.act(
            d,
            Body::Vote {
                committee,
                proposal: proposal.id,
                ballot: Ballot::Choice(choice),
            },
        )
    }

    pub fn rank(
        &mut self,
        d: usize,
        committee: Hash,
        proposal: &Op,
        ranking: Vec<PublicKey>,
    ) -> Op {
        self.act(
            d,
            Body::Vote {
                committee,
                proposal: proposal.id,
                ballot: Ballot::Ranking(ranking),
            },
        )
    }

    pub fn close(&mut self, d: usize, committee: Hash, proposal: &Op) -> Op {
        self.act(
            d,
            Body::Close {
                committee,
                proposal: proposal.id,
            },
        )
    }

    pub fn vouch(&mut self, d: usize, committee: Hash, candidate: u8) -> Op {
        self.act(
            d,
            Body::Vouch {
                committee,
                candidate: pk(candidate),
            },
        )
    }

    pub fn join(&mut self, d: usize, committee: Hash) -> Op {
        self.act(d, Body::Join { committee })
    }
}

// ---- comparison with the engine ----

/// The engine's state in the spec's comparison format.
pub fn project_engine(state: &State) -> Projection {
    let committees = state
        .committees
        .iter()
        .map(|(id, c)| {
            let seats = c
                .seats
                .iter()
                .filter_map(|(electing, delegates)| {
                    let members = &state.committees.get(electing)?.members;
                    let standing: BTreeSet<PublicKey> =
                        delegates.intersection(members).copied().collect();
                    (!standing.is_empty()).then_some((*electing, standing))
                })
                .collect();
            let proposals = c
                .proposals
                .iter()
                .map(|(p, record)| {
                    let view = match &record.status {
                        ProposalStatus::Open => ProposalView::Open,
                        ProposalStatus::Closed(closing) => match closing.result.failure {
                            None => ProposalView::Passed {
                                elected: closing.result.elected.clone(),
                            },
                            Some(Failure::RemovedProposer) => {
                                ProposalView::Failed(FailureClass::RemovedProposer)
                            }
                            Some(_) => ProposalView::Failed(FailureClass::Other),
                        },
                    };
                    let note = record.note.map(|note| match note {
                        EngineNote::MergeCycle => EffectNote::MergeCycle,
                    });
                    (*p, (view, note))
                })
                .collect();
            let view = CommitteeView {
                policy: c.policy.clone(),
                members: c.members.clone(),
                convenor_active: c.kind.is_council() && c.convenor.is_some(),
                candidates: c
                    .candidates
                    .iter()
                    .filter(|(_, vouchers)| !vouchers.is_empty())
                    .map(|(k, vouchers)| (*k, vouchers.clone()))
                    .collect(),
                affiliation_requests: c.affiliation_requests.clone(),
                affiliates: c.affiliates.clone(),
                seats,
                proposals,
                mandates: c.mandates.clone(),
                demands: c
                    .demands
                    .iter()
                    .map(|(d, record)| (*d, record.supporters.clone()))
                    .collect(),
                adopted: c.adopted.clone(),
                merges: c.merges.clone(),
                reports: c
                    .reports
                    .iter()
                    .map(|(r, record)| {
                        (
                            *r,
                            ReportView {
                                status: record.status,
                                participants: record.participants,
                            },
                        )
                    })
                    .collect(),
                statements: c.statements.keys().copied().collect(),
                posts: c
                    .discussion
                    .posts
                    .iter()
                    .map(|(id, post)| (*id, (post.author, post.kind.parent())))
                    .collect(),
                post_changes: c
                    .discussion
                    .changes
                    .iter()
                    .map(|(id, change)| (*id, (change.post, change.retract)))
                    .collect(),
                hidden: c.hidden.clone(),
                revisions: c
                    .proposals
                    .iter()
                    .filter(|(_, r)| !r.revisions.is_empty())
                    .map(|(p, r)| (*p, r.revisions.iter().map(|(_, id)| *id).collect()))
                    .collect(),
            };
            (*id, view)
        })
        .collect();
    Projection {
        committees,
        forks: state.forks.clone(),
        profiles: state
            .profiles
            .iter()
            .map(|(k, p)| (*k, p.name.clone()))
            .collect(),
    }
}

/// The engine's void reason, by variant name, for reasons the spec
/// compares only by class (variants the engine may add, like VoidVouch).
fn void_variant(reason: &VoidReason) -> String {
    let text = format!("{reason:?}");
    text.split([' ', '{', '(']).next().unwrap_or("").to_string()
}

/// True if the engine's outcome agrees with the spec's: the class always,
/// and the reason where the design names it.
pub fn outcome_agrees(spec: &SpecOutcome, engine: &Outcome) -> bool {
    match (spec, engine) {
        (SpecOutcome::Applied, Outcome::Applied) => true,
        (SpecOutcome::Rejected(_), Outcome::Rejected(_)) => true,
        (SpecOutcome::Unknown, Outcome::Unknown) => true,
        (SpecOutcome::Void(SpecVoid::Fork { author, seq }), Outcome::Void(reason)) => {
            matches!(**reason, VoidReason::Fork { author: a, seq: s } if a == *author && s == *seq)
        }
        (SpecOutcome::Void(SpecVoid::Removal { proposal }), Outcome::Void(reason)) => {
            matches!(**reason, VoidReason::Removal { proposal: p } if p == *proposal)
        }
        (SpecOutcome::Void(SpecVoid::VoidVouch { .. }), Outcome::Void(reason)) => {
            void_variant(reason) == "VoidVouch"
        }
        (SpecOutcome::Void(SpecVoid::Dependant { .. }), Outcome::Void(reason)) => {
            // The design does not name the reason of a dependant's later ops.
            !matches!(**reason, VoidReason::Fork { .. })
        }
        _ => false,
    }
}

/// A readable line per op, for failure messages.
pub fn describe_ops(ops: &[Op]) -> String {
    let mut names: BTreeMap<Hash, usize> = BTreeMap::new();
    let mut sorted: Vec<&Op> = ops.iter().collect();
    sorted.sort_by_key(|op| (op.fields.lamport, op.id));
    for (i, op) in sorted.iter().enumerate() {
        names.insert(op.id, i);
    }
    let name = |id: &Hash| {
        names
            .get(id)
            .map_or_else(|| format!("#{}", id.short()), |i| format!("op{i}"))
    };
    let who = |key: &PublicKey| {
        (1..=120u8)
            .find(|n| pk(*n) == *key)
            .map_or_else(|| key.short(), |n| format!("m{n}"))
    };
    let mut out = String::new();
    for (i, op) in sorted.iter().enumerate() {
        let body = match &op.fields.body {
            Body::Vouch {
                committee,
                candidate,
            } => {
                format!("vouch {} in {}", who(candidate), name(committee))
            }
            Body::Join { committee } => format!("join {}", name(committee)),
            Body::Leave { committee } => format!("leave {}", name(committee)),
            Body::Propose {
                committee,
                kind,
                closes_at,
                ..
            } => format!(
                "propose {kind:?} in {} closes_at {closes_at}",
                name(committee)
            ),
            Body::Vote {
                proposal, ballot, ..
            } => format!("vote {ballot:?} on {}", name(proposal)),
            Body::Close { proposal, .. } => format!("close {}", name(proposal)),
            Body::CreateCommittee { kind, .. } => format!("create {}", kind.label()),
            other => other.label().to_string(),
        };
        let deps: Vec<String> = op.fields.deps.iter().map(&name).collect();
        out.push_str(&format!(
            "op{i}: {} seq {} lamport {} time {} prev {} deps [{}]: {body}\n",
            who(&op.fields.author),
            op.fields.seq,
            op.fields.lamport,
            op.fields.time,
            op.fields.prev.as_ref().map_or("-".into(), &name),
            deps.join(",")
        ));
    }
    out.replace("PublicKey(", "").replace("Hash(", "")
}

/// Compares one engine replica with the spec; `Err` describes every
/// difference.
pub fn compare(engine: &Engine, spec: &SpecResult, ops: &[Op]) -> Result<(), String> {
    let mut problems = Vec::new();
    let index: BTreeMap<Hash, usize> = {
        let mut sorted: Vec<&Op> = ops.iter().collect();
        sorted.sort_by_key(|op| (op.fields.lamport, op.id));
        sorted
            .iter()
            .enumerate()
            .map(|(i, op)| (op.id, i))
            .collect()
    };
    let engine_ids: BTreeSet<Hash> = engine.entries().iter().map(|e| e.id).collect();
    for id in spec.accepted.symmetric_difference(&engine_ids) {
        let side = if spec.accepted.contains(id) {
            "spec"
        } else {
            "engine"
        };
        problems.push(format!(
            "op{} accepted only by the {side}",
            index.get(id).copied().unwrap_or(usize::MAX)
        ));
    }
    for (ord, (id, outcome)) in engine.outcomes().enumerate() {
        if let Some(expected) = spec.outcomes.get(&id)
            && !outcome_agrees(expected, &outcome)
        {
            problems.push(format!(
                "op{} ({}): spec {:?}, engine {:?}",
                index.get(&id).copied().unwrap_or(usize::MAX),
                engine.op_at(ord as u32).fields.body.label(),
                expected,
                outcome
            ));
        }
    }
    let engine_view = project_engine(engine.state());
    if engine_view != spec.projection {
        problems.push(describe_projection_difference(
            &spec.projection,
            &engine_view,
            &index,
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

fn describe_projection_difference(
    spec: &Projection,
    engine: &Projection,
    index: &BTreeMap<Hash, usize>,
) -> String {
    let mut out = String::new();
    let name = |id: &Hash| {
        index
            .get(id)
            .map_or_else(|| id.short(), |i| format!("op{i}"))
    };
    if spec.forks != engine.forks {
        out.push_str(&format!(
            "forks: spec {:?}, engine {:?}\n",
            spec.forks, engine.forks
        ));
    }
    if spec.profiles != engine.profiles {
        out.push_str("profiles differ\n");
    }
    let ids: BTreeSet<&Hash> = spec
        .committees
        .keys()
        .chain(engine.committees.keys())
        .collect();
    for id in ids {
        match (spec.committees.get(id), engine.committees.get(id)) {
            (Some(s), Some(e)) if s != e => {
                out.push_str(&format!("committee {}:\n", name(id)));
                macro_rules! field {
                    ($f:ident) => {
                        if s.$f != e.$f {
                            out.push_str(&format!(
                                "  {}: spec {:?}\n  {}: engine {:?}\n",
                                stringify!($f),
                                s.$f,
                                stringify!($f),
                                e.$f
                            ));
                        }
                    };
                }
                field!(policy);
                field!(members);
                field!(convenor_active);
                field!(candidates);
                field!(affiliation_requests);
                field!(affiliates);
                field!(seats);
                field!(mandates);
                field!(demands);
                field!(adopted);
                field!(merges);
                field!(reports);
                field!(statements);
                for p in s.proposals.keys().chain(e.proposals.keys()) {
                    let (a, b) = (s.proposals.get(p), e.proposals.get(p));
                    if a != b {
                        out.push_str(&format!(
                            "  proposal {}: spec {:?}, engine {:?}\n",
                            name(p),
                            a,
                            b
                        ));
                    }
                }
            }
            (Some(_), None) => out.push_str(&format!("committee {} only in the spec\n", name(id))),
            (None, Some(_)) => {
                out.push_str(&format!("committee {} only in the engine\n", name(id)))
            }
            _ => {}
        }
    }
    out.replace("PublicKey(", "").replace("Hash(", "")
}

/// Delivers `ops` to `replicas` fresh engines, each in its own random
/// order, random batches and checkpoint interval, and compares each with
/// `spec`.
pub fn check_engines(
    federation: Hash,
    ops: &[Op],
    spec: &SpecResult,
    seed: u64,
    replicas: usize,
) -> Result<(), String> {
    let mut rng = SplitMix(seed);
    for replica in 0..replicas {
        let mut order: Vec<&Op> = ops.iter().collect();
        if replica > 0 {
            for i in (1..order.len()).rev() {
                order.swap(i, rng.below(i + 1));
            }
        }
        let every = 1 + rng.below(4);
        let mut engine = Engine::with_checkpoint_interval(federation, every);
        let mut at = 0;
        while at < order.len() {
            let batch = if rng.below(4) == 0 {
                order.len() - at
            } else {
                1 + rng.below(6)
            };
            let end = (at + batch).min(order.len());
            let bytes: Vec<&[u8]> = order[at..end]
                .iter()
                .map(|op| op.bytes.as_slice())
                .collect();
            engine.ingest(&bytes, Verify::Signatures);
            at = end;
        }
        compare(&engine, spec, ops)
            .map_err(|why| format!("replica {replica} (checkpoints every {every}):\n{why}"))?;
    }
    Ok(())
}

/// Spec and engines agree on `sim`'s ops; panics with a description.
pub fn assert_agree(sim: &Sim, label: &str) -> SpecResult {
    let spec = kenes_spec::evaluate(sim.federation, &sim.ops);
    if let Err(why) = check_engines(sim.federation, &sim.ops, &spec, 7, 4) {
        panic!(
            "{label}: engine disagrees with the spec\n{why}\n{}",
            describe_ops(&sim.ops)
        );
    }
    spec
}
