//! The differential property: adversarial histories, authored as real
//! signed ops by devices on partitioned replicas, are evaluated by the
//! spec and delivered to fresh engine replicas in random orders, batches
//! and checkpoint intervals; every replica must agree with the spec.
//!
//! The generator reads each replica's own engine state only to pick
//! plausible acts (members vote, proposers close); what the ops mean is
//! decided by the spec alone. `PROPTEST_CASES` sets the number of cases
//! (1,000 by default, about 20 s).

mod common;

use common::*;
use kenes_core::body::{
    DemandCategory, Policy, ProposalKind, Ratio, ReportKind, ReportStatus, Text,
};
use kenes_core::governance::ProposalStatus;
use kenes_core::tally::Choice;
use kenes_core::{Body, Hash, PublicKey};
use proptest::prelude::*;
use std::collections::BTreeMap;

/// One generator step: what to do and three choices.
type Step = (u8, u8, u8, u8);

/// Most ops in one history (the spec is naive).
const MAX_OPS: usize = 90;

struct Gen {
    sim: Sim,
    keys: BTreeMap<PublicKey, u8>,
    next_fresh: u8,
}

fn pick<T: Clone>(items: &[T], choice: u8) -> Option<T> {
    (!items.is_empty()).then(|| items[choice as usize % items.len()].clone())
}

impl Gen {
    fn new(vouches: u32) -> Gen {
        let mut sim = Sim::new(3);
        let mut keys = BTreeMap::new();
        for n in 1..=7u8 {
            keys.insert(pk(n), n);
        }
        let one = sim.device(1, 0);
        let a = sim.create_committee(one, "workers", 1);
        let b = sim.create_committee(one, "residents", vouches);
        let council = sim.create_council(one, "city council");
        for m in 2..=7u8 {
            sim.vouch(one, a, m);
            let d = sim.device(m, 0);
            sim.join(d, a);
        }
        let mut joined = vec![1u8];
        for m in 2..=4u8 {
            for &v in joined.iter().take((vouches as usize).min(joined.len())) {
                let d = sim.device(v, 0);
                sim.vouch(d, b, m);
            }
            let d = sim.device(m, 0);
            sim.join(d, b);
            joined.push(m);
        }
        // The workers affiliate to the council, which accepts.
        let ask = sim.propose(one, a, ProposalKind::Affiliate { council }, 60);
        for m in 1..=5u8 {
            let d = sim.device(m, 0);
            sim.vote(d, a, &ask, Choice::Yes);
        }
        sim.close(one, a, &ask);
        let accept = sim.propose(
            one,
            council,
            ProposalKind::AcceptAffiliation { committee: a },
            60,
        );
        sim.vote(one, council, &accept, Choice::Yes);
        sim.close(one, council, &accept);
        sim.sync_all();
        // Replica 0 holds a majority of the workers (1–4), replica 1 two
        // members (5, 6), replica 2 one (7).
        for m in 2..=7u8 {
            let d = sim.device(m, 0);
            sim.devices[d].replica = match m {
                2..=4 => 0,
                5 | 6 => 1,
                _ => 2,
            };
        }
        Gen {
            sim,
            keys,
            next_fresh: 40,
        }
    }

    fn key_of(&self, d: usize) -> PublicKey {
        pk(self.sim.devices[d].key)
    }

    /// Committees where device `d`'s member may act, in its replica's view.
    fn acting_in(&self, d: usize) -> Vec<Hash> {
        let state = self.sim.state(self.sim.devices[d].replica);
        let me = self.key_of(d);
        state
            .committees
            .iter()
            .filter(|(_, c)| {
                c.members.contains(&me)
                    || c.convenor == Some(me)
                    || c.seats.values().any(|s| s.contains(&me))
            })
            .map(|(id, _)| *id)
            .collect()
    }

    fn devices_acting_in(&self, r: usize, committee: Hash) -> Vec<usize> {
        (0..self.sim.devices.len())
            .filter(|&d| self.sim.devices[d].replica == r && self.acting_in(d).contains(&committee))
            .collect()
    }

    fn fresh(&mut self) -> u8 {
        let n = self.next_fresh;
        self.next_fresh = self.next_fresh.saturating_add(1).min(120);
        self.keys.insert(pk(n), n);
        n
    }

    fn proposal_kind(&mut self, d: usize, c: Hash, x: u8, y: u8) -> Option<ProposalKind> {
        let r = self.sim.devices[d].replica;
        let state = self.sim.state(r);
        let me = self.key_of(d);
        let committee = state.committees.get(&c)?;
        let councils: Vec<Hash> = state
            .committees
            .iter()
            .filter(|(id, k)| k.kind.is_council() && **id != c)
            .map(|(id, _)| *id)
            .collect();
        let members: Vec<PublicKey> = committee.members.iter().copied().collect();
        let demands: Vec<Hash> = state
            .committees
            .values()
            .flat_map(|k| k.demands.keys().copied())
            .collect();
        Some(match x % 12 {
            11 => ProposalKind::HidePost {
                post: pick(
                    &committee
                        .discussion
                        .posts
                        .sorted()
                        .into_keys()
                        .copied()
                        .collect::<Vec<_>>(),
                    y,
                )?,
            },
            0 => ProposalKind::Decision,
            1 => ProposalKind::Statement {
                public: y.is_multiple_of(2),
            },
            2 | 3 => {
                let others: Vec<PublicKey> = members.iter().copied().filter(|m| *m != me).collect();
                ProposalKind::RemoveMember {
                    member: pick(&others, y)?,
                }
            }
            4 => {
                let council = pick(
                    &councils
                        .iter()
                        .copied()
                        .filter(|k| state.committees[k].affiliates.contains(&c))
                        .collect::<Vec<_>>(),
                    y,
                )?;
                let mut candidates = vec![pick(&members, y)?];
                if let Some(second) = pick(&members, y / 3 + 1)
                    && !candidates.contains(&second)
                {
                    candidates.push(second);
                }
                ProposalKind::Election {
                    council,
                    seats: 1 + u32::from(y % 2),
                    candidates,
                }
            }
            5 => {
                let seated: Vec<(Hash, PublicKey)> = councils
                    .iter()
                    .flat_map(|k| {
                        state.committees[k]
                            .seats
                            .get(&c)
                            .into_iter()
                            .flatten()
                            .map(move |m| (*k, *m))
                    })
                    .collect();
                let (council, delegate) = pick(&seated, y)?;
                ProposalKind::Recall { council, delegate }
            }
            6 => ProposalKind::Affiliate {
                council: pick(&councils, y)?,
            },
            7 => {
                let requests: Vec<Hash> = state
                    .committees
                    .iter()
                    .filter(|(_, k)| k.affiliation_requests.contains(&c))
                    .map(|(id, _)| *id)
                    .collect();
                ProposalKind::AcceptAffiliation {
                    committee: pick(&requests, y)?,
                }
            }
            8 => ProposalKind::PolicyChange {
                policy: Policy {
                    vouches_required: 1 + u32::from(y % 2),
                    quorum: if y.is_multiple_of(3) {
                        Ratio(1, 3)
                    } else {
                        Ratio::HALF
                    },
                    consensus: y.is_multiple_of(5),
                    ..Policy::default()
                },
            },
            9 => ProposalKind::AdoptDemand {
                demand: pick(&demands, y)?,
            },
            _ => {
                if committee.kind.is_council() && demands.len() >= 2 {
                    let from = pick(&demands, y)?;
                    let into = pick(&demands, y.wrapping_add(1))?;
                    if from == into {
                        return None;
                    }
                    ProposalKind::MergeDemands { from, into }
                } else {
                    let council_proposals: Vec<Hash> = councils
                        .iter()
                        .filter(|k| state.committees[*k].affiliates.contains(&c))
                        .flat_map(|k| state.committees[k].proposals.keys().copied())
                        .collect();
                    ProposalKind::Mandate {
                        council_proposal: pick(&council_proposals, y)?,
                        choice: Choice::Yes,
                    }
                }
            }
        })
    }

    fn open_proposals(&self, d: usize) -> Vec<(Hash, Hash)> {
        let r = self.sim.devices[d].replica;
        let state = self.sim.state(r);
        self.acting_in(d)
            .into_iter()
            .flat_map(|c| {
                state.committees[&c]
                    .proposals
                    .iter()
                    .filter(|(_, p)| matches!(p.status, ProposalStatus::Open))
                    .map(move |(p, _)| (c, *p))
            })
            .collect()
    }

    fn ballot_for(&self, c: Hash, p: Hash, r: usize, choice: u8) -> kenes_core::body::Ballot {
        let state = self.sim.state(r);
        match state
            .committees
            .get(&c)
            .and_then(|k| k.proposals.get(&p))
            .map(|record| &record.kind)
        {
            Some(ProposalKind::Election { candidates, .. }) => {
                let mut ranking = candidates.clone();
                if choice % 2 == 1 {
                    ranking.reverse();
                }
                kenes_core::body::Ballot::Ranking(ranking)
            }
            _ => kenes_core::body::Ballot::Choice(match choice % 8 {
                0..=3 => Choice::Yes,
                4 | 5 => Choice::No,
                6 => Choice::Abstain,
                _ => Choice::Block,
            }),
        }
    }

    fn step(&mut self, (what, x, y, z): Step) {
        let devices = self.sim.devices.len();
        let d = x as usize % devices;
        let r = self.sim.devices[d].replica;
        match what % 18 {
            0 => self.sim.sync(x as usize % 3, y as usize % 3),
            1 => self.sim.send(x as usize % 3, y as usize % 3),
            2 => {
                let me = self.key_of(d);
                let mine: Vec<Hash> = self
                    .acting_in(d)
                    .into_iter()
                    .filter(|c| self.sim.state(r).committees[c].members.contains(&me))
                    .collect();
                if let Some(c) = pick(&mine, y) {
                    let candidate = if z.is_multiple_of(2) {
                        self.fresh()
                    } else {
                        2 + z % 6
                    };
                    self.sim.vouch(d, c, candidate);
                    self.sim.device(candidate, r);
                }
            }
            3 => {
                let me = self.key_of(d);
                let open: Vec<Hash> = self
                    .sim
                    .state(r)
                    .committees
                    .iter()
                    .filter(|(_, c)| c.candidates.contains_key(&me))
                    .map(|(id, _)| *id)
                    .collect();
                if let Some(c) = pick(&open, y) {
                    self.sim.join(d, c);
                }
            }
            4 => {
                if let Some(c) = pick(&self.acting_in(d), y)
                    && let Some(kind) = self.proposal_kind(d, c, z, y)
                {
                    self.sim.propose(d, c, kind, 5 + u64::from(z % 40));
                }
            }
            5 => {
                if let Some((c, p)) = pick(&self.open_proposals(d), y) {
                    let ballot = self.ballot_for(c, p, r, z);
                    self.sim.act(
                        d,
                        Body::Vote {
                            committee: c,
                            proposal: p,
                            ballot,
                        },
                    );
                }
            }
            6 => {
                if let Some((c, p)) = pick(&self.open_proposals(d), y) {
                    if z.is_multiple_of(3) {
                        self.sim.clock += 150;
                    }
                    self.sim.act(
                        d,
                        Body::Close {
                            committee: c,
                            proposal: p,
                        },
                    );
                }
            }
            7 | 8 => self.campaign(d, y, z),
            9 => self.committee_content(d, y, z),
            // Issue 14: a name sealed per committee, kept unread.
            10 if y.is_multiple_of(3) => {
                self.sim.act(
                    d,
                    Body::SealedProfile {
                        names: vec![kenes_core::body::SealedName {
                            committee: kenes_core::Hash::of(&[z]),
                            name: kenes_core::seal::SealedText {
                                epoch: kenes_core::Hash::of(&[y]),
                                nonce: [z; 24],
                                ciphertext: vec![y; 16 + 32 * (1 + usize::from(z % 7))],
                            },
                        }],
                    },
                );
            }
            10 => {
                self.sim.act(
                    d,
                    Body::Profile {
                        name: format!("name {y}"),
                    },
                );
            }
            11 if y % 3 != 0 => self.campaign(d, z, y),
            11 => {
                let key = self.sim.devices[d].key;
                let target = y as usize % 3;
                let twin = self.sim.fork(key, target);
                // Acts at once, so the fork exists.
                self.sim.act(
                    twin,
                    Body::Profile {
                        name: "twin".into(),
                    },
                );
            }
            12 => {
                let len = self.sim.replicas[r].order.len();
                self.sim.backdate_to = Some(len.saturating_sub(1 + z as usize % 12).max(1));
                self.step((4 + y % 3, x, y, z));
                self.sim.backdate_to = None;
            }
            13 => {
                self.sim.clock += 10 + u64::from(y);
                if z.is_multiple_of(4) {
                    self.sim.time_override = Some(self.sim.clock.saturating_sub(100));
                }
            }
            14 => {
                if y.is_multiple_of(3) {
                    self.sim.create_council(d, "council");
                } else {
                    self.sim
                        .create_committee(d, "committee", 1 + u32::from(z % 2));
                }
            }
            15 => {
                let me = self.key_of(d);
                let mine: Vec<Hash> = self
                    .acting_in(d)
                    .into_iter()
                    .filter(|c| self.sim.state(r).committees[c].members.contains(&me))
                    .collect();
                if let Some(c) = pick(&mine, y) {
                    let recruit = self.fresh();
                    self.sim.vouch(d, c, recruit);
                    // The vouch may reveal a fork that voids the committee.
                    let Some(committee) = self.sim.state(r).committees.get(&c) else {
                        return;
                    };
                    let need = committee.vouches_needed() as usize;
                    let helpers: Vec<usize> = self
                        .devices_acting_in(r, c)
                        .into_iter()
                        .filter(|&h| h != d)
                        .take(need.saturating_sub(1))
                        .collect();
                    for h in helpers {
                        self.sim.vouch(h, c, recruit);
                    }
                    let rd = self.sim.device(recruit, r);
                    self.sim.join(rd, c);
                }
            }
            17 => {
                // The member travels: their replica's ops go with them.
                let to = y as usize % 3;
                self.sim.send(r, to);
                self.sim.devices[d].replica = to;
            }
            _ => {
                // A late close of some proposal the device can see.
                if let Some((c, p)) = pick(&self.open_proposals(d), y) {
                    self.sim.clock += 200;
                    self.sim.act(
                        d,
                        Body::Close {
                            committee: c,
                            proposal: p,
                        },
                    );
                }
            }
        }
    }

    /// A proposal, votes by every device on the replica that may act in
    /// the committee, and a close by the proposer: all unsynced.
    fn campaign(&mut self, d: usize, y: u8, z: u8) {
        let r = self.sim.devices[d].replica;
        let Some(c) = pick(&self.acting_in(d), y) else {
            return;
        };
        let Some(kind) = self.proposal_kind(d, c, z, y) else {
            return;
        };
        let p = self.sim.propose(d, c, kind, 60);
        for (i, voter) in self.devices_acting_in(r, c).into_iter().enumerate() {
            let choice = if (i as u8).wrapping_add(z) % 5 == 4 {
                5
            } else {
                0
            };
            let ballot = self.ballot_for(c, p.id, r, choice);
            self.sim.act(
                voter,
                Body::Vote {
                    committee: c,
                    proposal: p.id,
                    ballot,
                },
            );
        }
        self.sim.close(d, c, &p);
    }

    fn committee_content(&mut self, d: usize, y: u8, z: u8) {
        let r = self.sim.devices[d].replica;
        let Some(c) = pick(&self.acting_in(d), y) else {
            return;
        };
        let state = self.sim.state(r);
        let demands: Vec<(Hash, Hash)> = state
            .committees
            .iter()
            .flat_map(|(id, k)| k.demands.keys().map(move |dm| (*id, *dm)))
            .collect();
        let reports: Vec<Hash> = state.committees[&c].reports.keys().copied().collect();
        let posts: Vec<Hash> = state.committees[&c]
            .discussion
            .posts
            .sorted()
            .into_keys()
            .copied()
            .collect();
        let proposals: Vec<Hash> = state.committees[&c].proposals.keys().copied().collect();
        let answerable: Vec<Hash> = posts.iter().chain(&proposals).copied().collect();
        // Items of other committees: a comment in C on one is rejected, and
        // is in their committee's scope only if the item is in its past.
        let elsewhere: Vec<Hash> = state
            .committees
            .values()
            .filter(|k| k.id != c)
            .flat_map(|k| {
                k.proposals
                    .keys()
                    .chain(k.demands.keys())
                    .chain(k.reports.keys())
                    .copied()
            })
            .collect();
        let text = || Text::plain(format!("text {y} {z}"));
        let body = match z % 10 {
            0 => Body::Demand {
                committee: c,
                category: DemandCategory::Wages,
                title: format!("demand {y}"),
                text: String::new(),
            },
            1 => match pick(&demands, y) {
                Some((committee, demand)) => Body::Support { committee, demand },
                None => return,
            },
            2 => Body::Report {
                committee: c,
                kind: ReportKind::Strike,
                status: ReportStatus::Active,
                area: "Kazakhstan/Mangystau".into(),
                participants: u32::from(y),
                starts_at: 0,
                text: String::new().into(),
            },
            3 => match pick(&reports, y) {
                Some(report) => Body::UpdateReport {
                    committee: c,
                    report,
                    status: ReportStatus::Ended,
                    participants: u32::from(z),
                    text: String::new().into(),
                },
                None => return,
            },
            // Deliberation (DESIGN §9): posts by members, edits and
            // retractions of anyone's post (someone else's is rejected),
            // suggestions and revisions (a non-proposer's is rejected).
            4 => Body::OpenThread {
                committee: c,
                title: format!("thread {y}").into(),
                text: text(),
            },
            6 if z.is_multiple_of(4) => match pick(&elsewhere, y) {
                Some(target) => Body::Comment {
                    committee: c,
                    target,
                    text: text(),
                },
                None => return,
            },
            5 | 6 => match pick(&answerable, y) {
                Some(target) => Body::Comment {
                    committee: c,
                    target,
                    text: text(),
                },
                None => return,
            },
            7 => match pick(&posts, y) {
                Some(post) if y.is_multiple_of(2) => Body::EditPost {
                    committee: c,
                    post,
                    text: text(),
                },
                Some(post) => Body::RetractPost { committee: c, post },
                None => return,
            },
            8 => match pick(&proposals, y) {
                Some(proposal) if y.is_multiple_of(2) => Body::Revise {
                    committee: c,
                    proposal,
                    text: text(),
                },
                Some(proposal) => Body::Suggest {
                    committee: c,
                    proposal,
                    text: text(),
                },
                None => return,
            },
            _ => Body::Announce {
                committee: c,
                text: text(),
            },
        };
        self.sim.act(d, body);
    }
}

fn generate(steps: &[Step], vouches: u32) -> Sim {
    let mut generator = Gen::new(vouches);
    for step in steps {
        if generator.sim.ops.len() >= MAX_OPS {
            break;
        }
        generator.step(*step);
    }
    if steps.first().is_some_and(|s| s.0 % 2 == 0) {
        generator.sim.sync_all();
    }
    generator.sim
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        ..ProptestConfig::default()
    })]

    #[test]
    fn engine_agrees_with_the_independent_spec(
        steps in proptest::collection::vec(any::<Step>(), 8..48),
        vouches in 1u32..=2,
        seed in any::<u64>(),
    ) {
        let sim = generate(&steps, vouches);
        let spec = kenes_spec::evaluate(sim.federation, &sim.ops);
        if let Err(why) = check_engines(sim.federation, &sim.ops, &spec, seed, 3) {
            return Err(TestCaseError::fail(format!("{why}\n{}", describe_ops(&sim.ops))));
        }
    }
}

#[test]
fn a_long_generated_history_agrees_with_the_engine() {
    let steps: Vec<Step> = (0..200u32)
        .map(|i| {
            let v = i.wrapping_mul(2_654_435_761);
            (
                (v >> 3) as u8,
                (v >> 11) as u8,
                (v >> 19) as u8,
                (v >> 25) as u8,
            )
        })
        .collect();
    let sim = generate(&steps, 2);
    let spec = kenes_spec::evaluate(sim.federation, &sim.ops);
    assert!(
        spec.accepted.len() > 40,
        "a long history: {}",
        spec.accepted.len()
    );
    if let Err(why) = check_engines(sim.federation, &sim.ops, &spec, 11, 3) {
        panic!("{why}\n{}", describe_ops(&sim.ops));
    }
}

#[test]
#[ignore = "diagnostic: prints what generated histories contain"]
fn print_history_statistics() {
    let mut rng = SplitMix(99);
    for _ in 0..12 {
        let steps: Vec<Step> = (0..40)
            .map(|_| {
                let v = rng.next();
                (v as u8, (v >> 8) as u8, (v >> 16) as u8, (v >> 24) as u8)
            })
            .collect();
        let sim = generate(&steps, 1 + (rng.next() % 2) as u32);
        let spec = kenes_spec::evaluate(sim.federation, &sim.ops);
        let mut classes: BTreeMap<String, usize> = BTreeMap::new();
        for outcome in spec.outcomes.values() {
            let class = format!("{outcome:?}");
            let class = class.split(['(', ' ']).next().unwrap_or("").to_string();
            *classes.entry(class).or_default() += 1;
        }
        let closed: usize = spec
            .projection
            .committees
            .values()
            .flat_map(|c| c.proposals.values())
            .filter(|(v, _)| !matches!(v, kenes_spec::ProposalView::Open))
            .count();
        eprintln!(
            "ops {} accepted {} classes {classes:?} closed {closed} forks {} verdicts {:?}",
            sim.ops.len(),
            spec.accepted.len(),
            spec.projection.forks.len(),
            spec.removal_verdicts.values().collect::<Vec<_>>()
        );
    }
}
