//! Convergence: the state is a pure function of the set of ops.
//!
//! Six members act on their own replicas, sync with each other now and
//! then, back-date ops and fork. Every op they made is then delivered to
//! three fresh replicas in different random orders, with duplicates, with
//! some ops withheld until the end, and in random batches. All replicas
//! must reach the digest of the from-scratch reference evaluation.
//!
//! A second property (issue 6) runs the same members as adversaries: most
//! of what they do is removing each other, back-dating, forking their own
//! logs and closing late, and every op is delivered to 3–5 replicas.

use kenes_core::body::{
    Ballot, CommitteeKind, DemandCategory, Policy, ProposalKind, Ratio, ReportKind, ReportStatus,
    SealedName, Text,
};
use kenes_core::engine::{ArchiveError, OpArchive};
use kenes_core::governance::{Electorate, ProposalStatus, council_voters};
use kenes_core::op::{UnsignedOp, VERSION, genesis};
use kenes_core::rng::SplitMix64;
use kenes_core::seal::{EncryptionKey, KEY_BOX_BYTES, KeyBox, SealedText};
use kenes_core::tally::Choice;
use kenes_core::{Body, Engine, Hash, Op, PublicKey, SecretKey, Verify, reference};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

const MEMBERS: u8 = 6;

fn key(n: u8) -> SecretKey {
    SecretKey::from_bytes([n + 1; 32])
}

#[derive(Debug, Clone)]
enum Action {
    Act {
        who: u8,
        kind: u8,
        x: u8,
        y: u8,
    },
    Sync {
        from: u8,
        to: u8,
    },
    /// Every member `who` knows of votes on one of its open proposals,
    /// then `who` gathers the ballots and closes it.
    Round {
        who: u8,
        x: u8,
        y: u8,
    },
    Backdate {
        who: u8,
        kind: u8,
        x: u8,
        y: u8,
        cut: u8,
    },
    Fork {
        who: u8,
        kind: u8,
        x: u8,
        y: u8,
        cut: u8,
    },
    /// `who` proposes to remove another member on its own replica, and a
    /// round of yes votes closes it there.
    Remove {
        who: u8,
        x: u8,
        y: u8,
    },
}

/// Body kinds: membership most, then votes, proposals and closes, then
/// deliberation (threads, comments, replies, edits, suggestions,
/// revisions, announcements: issue 15), then sealing's key ops (issue 14:
/// published keys, new epochs, shares).
fn kinds() -> impl Strategy<Value = u8> {
    prop_oneof![4 => 0u8..3, 1 => 3u8..6, 2 => Just(6u8), 10 => Just(7u8), 2 => Just(8u8), 2 => 9u8..13, 4 => 14u8..18, 2 => Just(18u8), 1 => Just(19u8)]
}

/// Body kinds of an attack: removals most, then closes, votes, proposals
/// (elections, acceptances and adoptions that a removal may void), forks'
/// material, and ops that name another committee's items (in its scope
/// only if the item is in their past).
fn attack_kinds() -> impl Strategy<Value = u8> {
    prop_oneof![6 => Just(13u8), 4 => Just(7u8), 3 => Just(8u8), 2 => Just(6u8), 2 => 9u8..13, 1 => 0u8..3, 2 => 14u8..18, 2 => Just(18u8), 2 => Just(19u8)]
}

/// Adversarial actions: back-dated ops, forks, rounds that close
/// removals, and removals on every replica.
fn attack() -> impl Strategy<Value = Action> {
    let m = 0..MEMBERS;
    prop_oneof![
        3 => (m.clone(), attack_kinds(), any::<u8>(), any::<u8>()).prop_map(|(who, kind, x, y)| Action::Act { who, kind, x, y }),
        3 => (m.clone(), m.clone()).prop_map(|(from, to)| Action::Sync { from, to }),
        3 => (m.clone(), any::<u8>(), any::<u8>()).prop_map(|(who, x, y)| Action::Round { who, x, y }),
        4 => (m.clone(), attack_kinds(), any::<u8>(), any::<u8>(), any::<u8>()).prop_map(|(who, kind, x, y, cut)| Action::Backdate { who, kind, x, y, cut }),
        2 => (m.clone(), attack_kinds(), any::<u8>(), any::<u8>(), any::<u8>()).prop_map(|(who, kind, x, y, cut)| Action::Fork { who, kind, x, y, cut }),
        3 => (m, any::<u8>(), any::<u8>()).prop_map(|(who, x, y)| Action::Remove { who, x, y }),
    ]
}

fn action() -> impl Strategy<Value = Action> {
    let m = 0..MEMBERS;
    prop_oneof![
        4 => (m.clone(), kinds(), any::<u8>(), any::<u8>()).prop_map(|(who, kind, x, y)| Action::Act { who, kind, x, y }),
        5 => (m.clone(), m.clone()).prop_map(|(from, to)| Action::Sync { from, to }),
        2 => (m.clone(), any::<u8>(), any::<u8>()).prop_map(|(who, x, y)| Action::Round { who, x, y }),
        2 => (m.clone(), kinds(), any::<u8>(), any::<u8>(), any::<u8>()).prop_map(|(who, kind, x, y, cut)| Action::Backdate { who, kind, x, y, cut }),
        1 => (m, kinds(), any::<u8>(), any::<u8>(), any::<u8>()).prop_map(|(who, kind, x, y, cut)| Action::Fork { who, kind, x, y, cut }),
    ]
}

fn body(engine: &mut Engine, who: u8, kind: u8, x: u8, y: u8, time: u64) -> Body {
    let me = key(who).public();
    let state = engine.state();
    let all: Vec<Hash> = state.committees.keys().copied().collect();
    if all.is_empty() {
        // A fork voided every committee this member knew of.
        return Body::Profile {
            name: format!("member {x}"),
        };
    }
    // Mostly aim at what the author may do, so that many ops apply; now
    // and then aim anywhere, so that rejections are covered too.
    let fitting: Vec<Hash> = state
        .committees
        .values()
        .filter(|c| match kind {
            0 | 2 => c.members.contains(&me),
            6 | 9 | 11 | 14..=18 => Electorate::may_act(state, c, &me),
            13 => c.members.contains(&me) && c.members.len() > 1,
            10 => !c.demands.is_empty(),
            12 | 19 => Electorate::may_act(state, c, &me) && !c.reports.is_empty(),
            7 | 8 => Electorate::may_act(state, c, &me) && !c.proposals.is_empty(),
            1 => c.candidates.contains_key(&me),
            _ => true,
        })
        .map(|c| c.id)
        .collect();
    let pick = if !x.is_multiple_of(4) && !fitting.is_empty() {
        &fitting
    } else {
        &all
    };
    let c = pick[x as usize % pick.len()];
    let outsiders: Vec<u8> = (0..MEMBERS)
        .filter(|m| !state.committees[&c].members.contains(&key(*m).public()))
        .collect();
    let candidate = if !y.is_multiple_of(4) && !outsiders.is_empty() {
        outsiders[y as usize % outsiders.len()]
    } else {
        y % MEMBERS
    };
    match kind {
        0 => Body::Vouch {
            committee: c,
            candidate: key(candidate).public(),
        },
        1 => Body::Join { committee: c },
        2 => Body::Leave { committee: c },
        // One profile in three sealed per committee (issue 14): the fold
        // keeps it unread, the latest of either kind winning.
        3 if y.is_multiple_of(3) => Body::SealedProfile {
            names: all
                .iter()
                .take(1 + usize::from(x % 2))
                .map(|committee| SealedName {
                    committee: *committee,
                    name: SealedText {
                        epoch: Hash::of(&[x]),
                        nonce: [y; 24],
                        // A padded name (32 to 224 bytes) and its tag.
                        ciphertext: vec![x; 16 + 32 * (1 + usize::from(y % 7))],
                    },
                })
                .collect(),
        },
        3 => Body::Profile {
            name: format!("member {x}"),
        },
        // One committee in four a council, so that councils ask to join
        // each other and accept concurrently (crossing affiliations).
        4 if y.is_multiple_of(4) => Body::CreateCommittee {
            name: format!("council {x}"),
            kind: CommitteeKind::Council {
                scope: kenes_core::body::CouncilScope::Area(format!("Kazakhstan/Region {x}")),
            },
            policy: Policy::default(),
        },
        4 => Body::CreateCommittee {
            name: format!("committee {x}"),
            kind: CommitteeKind::Territorial {
                area: format!("Kazakhstan/Area {y}"),
            },
            policy: Policy {
                vouches_required: 1 + u32::from(y % 3),
                ..Policy::default()
            },
        },
        6 => {
            let members: Vec<PublicKey> = state.committees[&c].members.iter().copied().collect();
            let councils: Vec<&kenes_core::Committee> = state
                .committees
                .values()
                .map(|k| &**k)
                .filter(|k| k.kind.is_council() && k.affiliates.contains(&c))
                .collect();
            // Councils `c` may ask to join, and committees asking to join
            // `c` if it is one.
            let to_join: Vec<Hash> = state
                .committees
                .values()
                .filter(|k| k.kind.is_council() && k.id != c && !k.affiliates.contains(&c))
                .map(|k| k.id)
                .collect();
            let asking: Vec<Hash> = state
                .committees
                .values()
                .filter(|k| {
                    k.affiliation_requests.contains(&c)
                        && !state.committees[&c].affiliates.contains(&k.id)
                })
                .map(|k| k.id)
                .collect();
            let demands: Vec<Hash> = state
                .committees
                .values()
                .flat_map(|k| k.demands.keys().copied())
                .collect();
            let posts = state.committees[&c].discussion.posts.sorted();
            let kind = match y % 9 {
                3 if x.is_multiple_of(2) && !posts.is_empty() => ProposalKind::HidePost {
                    post: **posts.keys().nth(x as usize % posts.len()).unwrap(),
                },
                7 if !demands.is_empty() => ProposalKind::AdoptDemand {
                    demand: demands[x as usize % demands.len()],
                },
                8 if demands.len() >= 2 => ProposalKind::MergeDemands {
                    from: demands[x as usize % demands.len()],
                    into: demands[(x as usize + 1 + y as usize) % demands.len()],
                },
                // A council's convenor mostly answers requests to join.
                _ if !x.is_multiple_of(3) && !asking.is_empty() => {
                    ProposalKind::AcceptAffiliation {
                        committee: asking[y as usize % asking.len()],
                    }
                }
                0 if x % 3 == 1 && !to_join.is_empty() => ProposalKind::Affiliate {
                    council: to_join[y as usize % to_join.len()],
                },
                4 if !councils.is_empty() && !members.is_empty() => {
                    let mut candidates = members.clone();
                    candidates.rotate_left(x as usize % members.len());
                    candidates.truncate(3);
                    ProposalKind::Election {
                        council: councils[y as usize % councils.len()].id,
                        seats: 1 + u32::from(x % 2).min(candidates.len() as u32 - 1),
                        candidates,
                    }
                }
                5 if councils
                    .iter()
                    .any(|k| k.seats.get(&c).is_some_and(|s| !s.is_empty())) =>
                {
                    let k = councils
                        .iter()
                        .find(|k| k.seats.get(&c).is_some_and(|s| !s.is_empty()))
                        .unwrap();
                    let seated: Vec<PublicKey> = k.seats[&c].iter().copied().collect();
                    ProposalKind::Recall {
                        council: k.id,
                        delegate: seated[x as usize % seated.len()],
                    }
                }
                6 if councils.iter().any(|k| !k.proposals.is_empty()) => {
                    let k = councils.iter().find(|k| !k.proposals.is_empty()).unwrap();
                    let qs: Vec<Hash> = k.proposals.keys().copied().collect();
                    ProposalKind::Mandate {
                        council_proposal: qs[x as usize % qs.len()],
                        choice: if y.is_multiple_of(2) {
                            Choice::Yes
                        } else {
                            Choice::No
                        },
                    }
                }
                0 | 4..=8 => ProposalKind::Decision,
                1 => ProposalKind::PolicyChange {
                    policy: Policy {
                        vouches_required: 1 + u32::from(x % 2),
                        quorum: Ratio(u32::from(x % 3), 3),
                        consensus: x.is_multiple_of(5),
                        ..Policy::default()
                    },
                },
                2 if !members.is_empty() => ProposalKind::RemoveMember {
                    member: members[x as usize % members.len()],
                },
                _ => ProposalKind::Statement {
                    public: x.is_multiple_of(2),
                },
            };
            Body::Propose {
                committee: c,
                kind,
                title: format!("question {x}").into(),
                text: String::new().into(),
                closes_at: time + 1 + u64::from(x % 30),
            }
        }
        7 | 8 => {
            // Mostly the open proposals: that is where ballots matter.
            let all: Vec<Hash> = state.committees[&c].proposals.keys().copied().collect();
            let open: Vec<Hash> = state.committees[&c]
                .proposals
                .iter()
                .filter(|(_, p)| p.status == ProposalStatus::Open)
                .map(|(id, _)| *id)
                .collect();
            let proposals = if open.is_empty() || x.is_multiple_of(5) {
                all
            } else {
                open
            };
            if proposals.is_empty() {
                return Body::Profile {
                    name: format!("member {x}"),
                };
            }
            let proposal = proposals[y as usize % proposals.len()];
            if kind == 7 {
                if let ProposalKind::Election { candidates, .. } =
                    &state.committees[&c].proposals[&proposal].kind
                {
                    let mut ranking = candidates.clone();
                    let n = ranking.len();
                    ranking.rotate_left(x as usize % n);
                    ranking.truncate(1 + y as usize % n);
                    return Body::Vote {
                        committee: c,
                        proposal,
                        ballot: Ballot::Ranking(ranking),
                    };
                }
                let choice = [
                    Choice::Yes,
                    Choice::Yes,
                    Choice::Yes,
                    Choice::No,
                    Choice::Abstain,
                    Choice::Block,
                ][x as usize % 6];
                Body::Vote {
                    committee: c,
                    proposal,
                    ballot: Ballot::Choice(choice),
                }
            } else {
                Body::Close {
                    committee: c,
                    proposal,
                }
            }
        }
        9 => Body::Demand {
            committee: c,
            category: [
                DemandCategory::Wages,
                DemandCategory::Jobs,
                DemandCategory::Political,
            ][x as usize % 3],
            title: format!("demand {x}"),
            text: String::new(),
        },
        10 => match state.committees[&c]
            .demands
            .keys()
            .nth(y as usize % state.committees[&c].demands.len().max(1))
        {
            Some(demand) => Body::Support {
                committee: c,
                demand: *demand,
            },
            None => Body::Profile {
                name: format!("member {x}"),
            },
        },
        11 => Body::Report {
            committee: c,
            kind: [ReportKind::Strike, ReportKind::Rally, ReportKind::Picket][x as usize % 3],
            status: ReportStatus::Active,
            area: format!("Kazakhstan/Area {}", y % 3),
            participants: u32::from(x) * 10,
            starts_at: 1_641_081_600_000 + u64::from(y) * 3_600_000,
            // One report in four marked committee only (issue 14): its
            // text sealed, its figures clear for the fold.
            text: report_text(x, y),
        },
        12 => match state.committees[&c]
            .reports
            .keys()
            .nth(y as usize % state.committees[&c].reports.len().max(1))
        {
            Some(report) => Body::UpdateReport {
                committee: c,
                report: *report,
                status: [
                    ReportStatus::Active,
                    ReportStatus::Suspended,
                    ReportStatus::Ended,
                ][x as usize % 3],
                participants: u32::from(y) * 7,
                text: report_text(y, x),
            },
            None => Body::Profile {
                name: format!("member {x}"),
            },
        },
        13 => {
            let others: Vec<PublicKey> = state.committees[&c]
                .members
                .iter()
                .copied()
                .filter(|m| *m != me)
                .collect();
            if others.is_empty() {
                return Body::Profile {
                    name: format!("member {x}"),
                };
            }
            Body::Propose {
                committee: c,
                kind: ProposalKind::RemoveMember {
                    member: others[y as usize % others.len()],
                },
                title: format!("remove {y}").into(),
                text: String::new().into(),
                closes_at: time + 1 + u64::from(x % 5),
            }
        }
        14..=17 => deliberation(state, c, kind, x, y),
        18 => key_op(state, c, who, x, y),
        // An op in C naming a proposal, demand or report of another
        // committee: invalid, and in that committee's scope (where it may
        // spare) only if the item is in its past, which a back-dated or
        // forked op's may not be.
        19 => {
            let items: Vec<Hash> = state
                .committees
                .values()
                .filter(|other| other.id != c)
                .flat_map(|other| {
                    other
                        .proposals
                        .keys()
                        .chain(other.demands.keys())
                        .chain(other.reports.keys())
                        .copied()
                })
                .collect();
            if items.is_empty() {
                return Body::Profile {
                    name: format!("member {x}"),
                };
            }
            let item = items[y as usize % items.len()];
            if x.is_multiple_of(2) {
                Body::Support {
                    committee: c,
                    demand: item,
                }
            } else {
                Body::Comment {
                    committee: c,
                    target: item,
                    text: report_text(x, y),
                }
            }
        }
        _ => Body::Unknown {
            kind: 1000 + u32::from(x),
            payload: vec![y],
        },
    }
}

/// A key op of sealing (issue 14) by `who` in committee `c`: a published
/// encryption key, a new epoch sealed to the committee's members, or a
/// share of one of its epochs (now and then of a made-up one). The fold
/// never opens a box, so fixed bytes of the right shape stand in for HPKE
/// output and keep the history reproducible.
fn key_op(state: &kenes_core::State, c: Hash, who: u8, x: u8, y: u8) -> Body {
    let committee = &state.committees[&c];
    let boxes = |members: Vec<PublicKey>| -> Vec<KeyBox> {
        members
            .into_iter()
            .map(|member| KeyBox {
                member,
                enc: [x; 32],
                ciphertext: vec![y; KEY_BOX_BYTES],
            })
            .collect()
    };
    let mut members: Vec<PublicKey> = committee.members.iter().copied().collect();
    if members.is_empty() {
        members.push(key(who).public());
    }
    match x % 3 {
        0 => Body::EncryptionKey {
            key: EncryptionKey([who.wrapping_add(y); 32]),
        },
        1 => Body::Rekey {
            committee: c,
            boxes: boxes(members),
        },
        _ => {
            let epochs: Vec<Hash> = committee.epochs.keys().copied().collect();
            let epoch = if epochs.is_empty() || y.is_multiple_of(5) {
                Hash::of(&[y])
            } else {
                epochs[y as usize % epochs.len()]
            };
            let newest = members.len().saturating_sub(1 + usize::from(y % 2));
            Body::ShareEpoch {
                committee: c,
                epoch,
                boxes: boxes(members.split_off(newest)),
            }
        }
    }
}

/// A report's text: empty, clear, or (one in four) sealed.
fn report_text(x: u8, y: u8) -> Text {
    match x % 4 {
        0 => Text::Sealed(SealedText {
            epoch: Hash::of(&[x, y]),
            nonce: [x; 24],
            ciphertext: vec![y; 17 + usize::from(y % 9)],
        }),
        1 => Text::plain(format!("report {x} {y}")),
        _ => Text::plain(""),
    }
}

/// Deliberation in committee `c`: a thread or an announcement (14), a
/// comment on a proposal, demand, report or post of `c` (15), an edit or
/// retraction of one of its posts, anyone's (16), a suggestion or revision
/// of one of its proposals, anyone's (17).
fn deliberation(state: &kenes_core::State, c: Hash, kind: u8, x: u8, y: u8) -> Body {
    let committee = &state.committees[&c];
    let posts: Vec<Hash> = committee
        .discussion
        .posts
        .sorted()
        .into_keys()
        .copied()
        .collect();
    let proposals: Vec<Hash> = committee.proposals.keys().copied().collect();
    let targets: Vec<Hash> = posts
        .iter()
        .chain(&proposals)
        .chain(committee.demands.keys())
        .chain(committee.reports.keys())
        .copied()
        .collect();
    // One text in five sealed (issue 14): the fold carries it unread.
    let text = if y.is_multiple_of(5) {
        Text::Sealed(SealedText {
            epoch: Hash::of(&[x]),
            nonce: [y; 24],
            ciphertext: vec![x; 20 + usize::from(y % 7)],
        })
    } else {
        Text::plain(format!("text {x} {y}"))
    };
    // A thread's title sealed with its text, or alone (one in seven).
    let title = if y.is_multiple_of(7) {
        Text::Sealed(SealedText {
            epoch: Hash::of(&[y]),
            nonce: [x; 24],
            ciphertext: vec![y; 17 + usize::from(x % 5)],
        })
    } else {
        Text::plain(format!("thread {x}"))
    };
    let pick = |list: &[Hash]| (!list.is_empty()).then(|| list[y as usize % list.len()]);
    match kind {
        14 if x.is_multiple_of(3) => Body::Announce { committee: c, text },
        14 => Body::OpenThread {
            committee: c,
            title,
            text,
        },
        15 => match pick(&targets) {
            Some(target) => Body::Comment {
                committee: c,
                target,
                text,
            },
            None => Body::OpenThread {
                committee: c,
                title,
                text,
            },
        },
        16 => match pick(&posts) {
            Some(post) if x.is_multiple_of(4) => Body::RetractPost { committee: c, post },
            Some(post) => Body::EditPost {
                committee: c,
                post,
                text,
            },
            None => Body::Announce { committee: c, text },
        },
        _ => match pick(&proposals) {
            Some(proposal) if x.is_multiple_of(2) => Body::Revise {
                committee: c,
                proposal,
                text,
            },
            Some(proposal) => Body::Suggest {
                committee: c,
                proposal,
                text,
            },
            None => Body::Announce { committee: c, text },
        },
    }
}

/// The op's own clock: ballots mostly before the closing time (one in
/// seven after it), closes mostly at it (one in seven before it), anything
/// else at the action's time.
fn time_for(engine: &Engine, body: &Body, x: u8, time: u64) -> u64 {
    let closes_at = |c: &Hash, p: &Hash| {
        engine
            .state()
            .committees
            .get(c)
            .and_then(|c| c.proposals.get(p))
            .map(|p| p.closes_at)
    };
    let late = x.is_multiple_of(7);
    match body {
        Body::Vote {
            committee,
            proposal,
            ..
        } => closes_at(committee, proposal)
            .map_or(time, |t| if late { t + 1 } else { t.saturating_sub(1) }),
        Body::Close {
            committee,
            proposal,
        } => closes_at(committee, proposal)
            .map_or(time, |t| if late { t.saturating_sub(1) } else { t }),
        _ => time,
    }
}

/// The heads of the ops a replica accepted before ordinal `cut`.
fn prefix_heads(engine: &Engine, cut: usize) -> Vec<Hash> {
    let entries = &engine.entries()[..cut];
    let cited: BTreeSet<Hash> = (0..cut as u32)
        .flat_map(|o| engine.op_at(o).parents().copied().collect::<Vec<_>>())
        .collect();
    (0..cut)
        .filter(|&o| !cited.contains(&entries[o].id))
        .map(|o| entries[o].id)
        .collect()
}

/// An op by `who` at (`seq`, `prev`) citing `deps`, with the exact lamport.
fn build(
    engine: &Engine,
    who: u8,
    seq: u64,
    prev: Option<Hash>,
    deps: Vec<Hash>,
    body: Body,
    time: u64,
) -> Op {
    let mut deps: Vec<Hash> = deps.into_iter().filter(|d| Some(*d) != prev).collect();
    deps.sort();
    deps.dedup();
    deps.truncate(32);
    let lamport = prev
        .iter()
        .chain(deps.iter())
        .map(|p| engine.entry(p).expect("known parent").lamport() + 1)
        .max()
        .unwrap_or(0);
    UnsignedOp {
        version: VERSION,
        federation: engine.federation(),
        author: key(who).public(),
        seq,
        prev,
        deps,
        lamport,
        time,
        body,
    }
    .sign(&key(who))
}

fn run(actions: &[Action]) -> (Hash, Vec<Vec<u8>>) {
    let g = genesis(&key(0), "federation", 0);
    let fed = g.id;
    let mut founder = Engine::new(fed);
    founder.ingest(std::slice::from_ref(&g.bytes), Verify::Trusted);
    let mut pool = vec![g.bytes];
    for vouches in [1, 2] {
        let op = founder.author(
            &key(0),
            Body::CreateCommittee {
                name: format!("setup {vouches}"),
                kind: CommitteeKind::Advisory,
                policy: Policy {
                    vouches_required: vouches,
                    ..Policy::default()
                },
            },
            0,
        );
        founder.ingest(std::slice::from_ref(&op.bytes), Verify::Trusted);
        pool.push(op.bytes);
    }
    // Half the members start inside the first committee; the others have
    // standing (a vouch) but must still be let in.
    let first = *founder
        .state()
        .committees
        .iter()
        .find(|(_, c)| c.policy.vouches_required == 1)
        .unwrap()
        .0;
    for m in 1..MEMBERS {
        let steps: Vec<(u8, Body)> = if m <= MEMBERS / 2 {
            vec![
                (
                    0,
                    Body::Vouch {
                        committee: first,
                        candidate: key(m).public(),
                    },
                ),
                (m, Body::Join { committee: first }),
            ]
        } else {
            vec![(
                0,
                Body::Vouch {
                    committee: first,
                    candidate: key(m).public(),
                },
            )]
        };
        for (who, body) in steps {
            let op = founder.author(&key(who), body, 0);
            founder.ingest(std::slice::from_ref(&op.bytes), Verify::Trusted);
            pool.push(op.bytes);
        }
    }
    // A council the first committee is affiliated to, so that elections,
    // recalls and mandates can happen.
    let council = founder.author(
        &key(0),
        Body::CreateCommittee {
            name: "council".into(),
            kind: CommitteeKind::Council {
                scope: kenes_core::body::CouncilScope::Area("Kazakhstan".into()),
            },
            policy: Policy::default(),
        },
        0,
    );
    founder.ingest(std::slice::from_ref(&council.bytes), Verify::Trusted);
    pool.push(council.bytes.clone());
    let voters: Vec<u8> = (0..=MEMBERS / 2).collect();
    setup_pass(
        &mut founder,
        &mut pool,
        first,
        0,
        &voters,
        ProposalKind::Affiliate {
            council: council.id,
        },
    );
    setup_pass(
        &mut founder,
        &mut pool,
        council.id,
        0,
        &[0],
        ProposalKind::AcceptAffiliation { committee: first },
    );
    // A second council, convened by member 1, and each council asking to
    // join the other: their convenors' acceptances may cross, and then
    // the one that first closed first links them (the other would close a
    // cycle). Councils adopt the committees' demands too.
    let regional = founder.author(
        &key(1),
        Body::CreateCommittee {
            name: "regional council".into(),
            kind: CommitteeKind::Council {
                scope: kenes_core::body::CouncilScope::Area("Kazakhstan/Mangystau".into()),
            },
            policy: Policy::default(),
        },
        0,
    );
    founder.ingest(std::slice::from_ref(&regional.bytes), Verify::Trusted);
    pool.push(regional.bytes.clone());
    for (c, convenor, other) in [(council.id, 0, regional.id), (regional.id, 1, council.id)] {
        setup_pass(
            &mut founder,
            &mut pool,
            c,
            convenor,
            &[convenor],
            ProposalKind::Affiliate { council: other },
        );
    }
    let mut nodes: Vec<Engine> = (0..MEMBERS)
        .map(|_| {
            let mut e = Engine::new(fed);
            e.ingest(&pool, Verify::Trusted);
            e
        })
        .collect();
    for (t, action) in actions.iter().enumerate() {
        let time = t as u64 + 1;
        let made = match *action {
            Action::Act { who, kind, x, y } => {
                if kind == 8 {
                    // Whoever closes has usually gathered the others' ballots.
                    let everything: Vec<Vec<u8>> = nodes
                        .iter()
                        .flat_map(|n| n.accepted_bytes().map(|b| b.to_vec()))
                        .collect();
                    nodes[who as usize].ingest(&everything, Verify::Trusted);
                }
                let engine = &mut nodes[who as usize];
                let b = body(engine, who, kind, x, y, time);
                let t = time_for(engine, &b, x, time);
                Some((who, engine.author(&key(who), b, t)))
            }
            Action::Round { who, x, y } => {
                round(&mut nodes, &mut pool, who, x, y, time, None);
                None
            }
            Action::Remove { who, x, y } => {
                let engine = &mut nodes[who as usize];
                let b = body(engine, who, 13, x, y, time);
                let op = engine.author(&key(who), b, time);
                engine.ingest(std::slice::from_ref(&op.bytes), Verify::Signatures);
                pool.push(op.bytes.clone());
                round(&mut nodes, &mut pool, who, x, u8::MAX, time, Some(op.id));
                None
            }
            Action::Sync { from, to } => {
                let ops: Vec<Vec<u8>> = nodes[from as usize]
                    .accepted_bytes()
                    .map(|b| b.to_vec())
                    .collect();
                nodes[to as usize].ingest(&ops, Verify::Trusted);
                None
            }
            Action::Backdate {
                who,
                kind,
                x,
                y,
                cut,
            } => {
                let engine = &mut nodes[who as usize];
                let b = body(engine, who, kind, x, y, time);
                let t = time_for(engine, &b, x, time);
                let cut = 1 + cut as usize % engine.len();
                let deps = prefix_heads(engine, cut);
                let (seq, prev) = engine.next_position(&key(who).public());
                Some((who, build(engine, who, seq, prev, deps, b, t)))
            }
            Action::Fork {
                who,
                kind,
                x,
                y,
                cut,
            } => {
                let engine = &mut nodes[who as usize];
                let b = body(engine, who, kind, x, y, time);
                let t = time_for(engine, &b, x, time);
                let (next, _) = engine.next_position(&key(who).public());
                let seq = u64::from(y) % (next + 1);
                let prev = (seq > 0).then(|| {
                    engine
                        .entries()
                        .iter()
                        .find(|e| engine.author_of(e) == key(who).public() && e.seq() == seq - 1)
                        .map(|e| e.id)
                });
                match prev {
                    Some(None) => None,
                    prev => {
                        let prev = prev.flatten();
                        let cut = 1 + cut as usize % engine.len();
                        let deps = prefix_heads(engine, cut);
                        Some((who, build(engine, who, seq, prev, deps, b, t)))
                    }
                }
            }
        };
        if let Some((who, op)) = made {
            nodes[who as usize].ingest(std::slice::from_ref(&op.bytes), Verify::Signatures);
            pool.push(op.bytes);
        }
    }
    (fed, pool)
}

/// `proposer` proposes `kind` in `committee`, `voters` vote yes,
/// `proposer` closes: during setup, on the founder's replica.
fn setup_pass(
    engine: &mut Engine,
    pool: &mut Vec<Vec<u8>>,
    committee: Hash,
    proposer: u8,
    voters: &[u8],
    kind: ProposalKind,
) {
    let mut emit = |engine: &mut Engine, who: u8, body: Body| {
        let op = engine.author(&key(who), body, 0);
        engine.ingest(std::slice::from_ref(&op.bytes), Verify::Trusted);
        pool.push(op.bytes);
        op.id
    };
    let proposal = emit(
        engine,
        proposer,
        Body::Propose {
            committee,
            kind,
            title: "setup".into(),
            text: String::new().into(),
            closes_at: 0,
        },
    );
    for &v in voters {
        emit(
            engine,
            v,
            Body::Vote {
                committee,
                proposal,
                ballot: Ballot::Choice(Choice::Yes),
            },
        );
    }
    emit(
        engine,
        proposer,
        Body::Close {
            committee,
            proposal,
        },
    );
    let state = engine.state();
    let closed = state.committees[&committee].proposals[&proposal].status != ProposalStatus::Open;
    assert!(closed, "setup proposal closed");
}

/// Every member `who` knows of votes on one of its open proposals (or on
/// `target`), then `who` closes it.
fn round(
    nodes: &mut [Engine],
    pool: &mut Vec<Vec<u8>>,
    who: u8,
    x: u8,
    y: u8,
    time: u64,
    target: Option<Hash>,
) {
    let me = key(who).public();
    let open: Vec<(Hash, Hash, u64, Vec<PublicKey>)> = nodes[who as usize]
        .state()
        .committees
        .values()
        .filter(|c| Electorate::may_act(nodes[who as usize].state(), c, &me))
        .flat_map(|c| {
            let state = nodes[who as usize].state();
            c.proposals
                .iter()
                .filter(|(id, p)| {
                    p.status == ProposalStatus::Open && target.is_none_or(|t| t == **id)
                })
                .map(move |(id, p)| {
                    let voters: Vec<PublicKey> = if c.kind.is_council() {
                        council_voters(state, c).into_keys().collect()
                    } else {
                        c.members.iter().copied().collect()
                    };
                    (c.id, *id, p.closes_at, voters)
                })
        })
        .collect();
    if open.is_empty() {
        return;
    }
    let (c, proposal, closes_at, members) = open[x as usize % open.len()].clone();
    let mine: Vec<Vec<u8>> = nodes[who as usize]
        .accepted_bytes()
        .map(|b| b.to_vec())
        .collect();
    let mut ballots = Vec::new();
    for (i, voter) in members.iter().enumerate() {
        let Some(v) = (0..MEMBERS).find(|m| key(*m).public() == *voter) else {
            continue;
        };
        let node = &mut nodes[v as usize];
        node.ingest(&mine, Verify::Trusted);
        let choice = if (y >> (i % 8)) & 1 == 1 || y.is_multiple_of(3) {
            Choice::Yes
        } else {
            Choice::No
        };
        let ballot = match node
            .state()
            .committees
            .get(&c)
            .and_then(|k| k.proposals.get(&proposal))
            .map(|p| &p.kind)
        {
            Some(ProposalKind::Election { candidates, .. }) => {
                let mut ranking = candidates.clone();
                let n = ranking.len();
                ranking.rotate_left((y as usize + i) % n);
                Ballot::Ranking(ranking)
            }
            _ => Ballot::Choice(choice),
        };
        let op = node.author(
            &key(v),
            Body::Vote {
                committee: c,
                proposal,
                ballot,
            },
            closes_at.saturating_sub(1).max(time),
        );
        node.ingest(std::slice::from_ref(&op.bytes), Verify::Signatures);
        ballots.push(op.bytes.clone());
        pool.push(op.bytes);
    }
    let closer = &mut nodes[who as usize];
    closer.ingest(&ballots, Verify::Trusted);
    let op = closer.author(
        &key(who),
        Body::Close {
            committee: c,
            proposal,
        },
        closes_at.max(time),
    );
    closer.ingest(std::slice::from_ref(&op.bytes), Verify::Signatures);
    pool.push(op.bytes);
}

fn deliver(
    fed: Hash,
    pool: &[Vec<u8>],
    seed: u64,
    checkpoint_every: usize,
) -> (Hash, BTreeMap<Hash, String>) {
    let mut rng = SplitMix64(seed);
    let mut order: Vec<Vec<u8>> = pool.to_vec();
    for i in (1..order.len()).rev() {
        let j = rng.below(i + 1);
        order.swap(i, j);
    }
    for _ in 0..pool.len() / 5 {
        let dup = order[rng.below(order.len())].clone();
        let at = rng.below(order.len() + 1);
        order.insert(at, dup);
    }
    let withheld: Vec<Vec<u8>> = (0..pool.len() / 5)
        .map(|_| order.remove(rng.below(order.len())))
        .collect();
    order.extend(withheld);
    let mut engine = Engine::with_checkpoint_interval(fed, checkpoint_every);
    // As a store does: each batch's ops archived once it is done, so that
    // rewinds, projections and voids read them back.
    let archive = Archive::default();
    engine.set_archive(Box::new(archive.clone()));
    let mut rest = &order[..];
    while !rest.is_empty() {
        // Small batches, or (now and then) everything left at once, so that
        // late ops and the reads after them share one batch.
        let n = if rng.below(4) == 0 {
            rest.len()
        } else {
            1 + rng.below(8).min(rest.len() - 1)
        };
        engine.ingest(&rest[..n], Verify::Signatures);
        archive.keep(&mut engine);
        rest = &rest[n..];
    }
    assert_reload_keeps_ordinals(&engine, &mut rng, checkpoint_every);
    assert_missing_for_is_what_a_walk_finds(&engine, &mut rng);
    let outcomes = engine
        .outcomes()
        .map(|(id, outcome)| (id, outcome.describe()))
        .collect();
    (engine.digest(), outcomes)
}

/// Op bytes by ordinal, as the store's `ops` table holds them.
#[derive(Clone, Default)]
struct Archive(Arc<Mutex<Vec<Vec<u8>>>>);

impl Archive {
    /// Takes the bytes of the ops `engine` accepted since the last call,
    /// and lets it forget them.
    fn keep(&self, engine: &mut Engine) {
        let mut kept = self.0.lock().unwrap();
        for o in kept.len() as u32..engine.len() as u32 {
            kept.push(engine.bytes_at(o).into_owned());
        }
        engine.archive_below(engine.len() as u32);
    }
}

impl OpArchive for Archive {
    fn read(&self, ord: u32) -> Result<Vec<u8>, ArchiveError> {
        self.0
            .lock()
            .unwrap()
            .get(ord as usize)
            .cloned()
            .ok_or(ArchiveError {
                ord,
                reason: "not archived".into(),
            })
    }
}

/// What a peer whose heads are a few random ops lacks is what a walk of
/// their parents does not reach.
fn assert_missing_for_is_what_a_walk_finds(engine: &Engine, rng: &mut SplitMix64) {
    for _ in 0..4 {
        let frontier: Vec<Hash> = (0..rng.below(4))
            .map(|_| engine.entries()[rng.below(engine.len())].id)
            .collect();
        let mut reached = vec![false; engine.len()];
        let mut stack: Vec<u32> = frontier.iter().filter_map(|h| engine.ordinal(h)).collect();
        while let Some(o) = stack.pop() {
            if !std::mem::replace(&mut reached[o as usize], true) {
                stack.extend(engine.op_at(o).parents().filter_map(|p| engine.ordinal(p)));
            }
        }
        let walked: Vec<u32> = (0..engine.len() as u32)
            .filter(|&o| !reached[o as usize])
            .collect();
        assert_eq!(engine.missing_for(&frontier), walked, "what a peer lacks");
    }
}

/// A store's reload: `engine`'s ops again, in the order it accepted them
/// and in random chunks, each back at its ordinal (the store's rows are
/// keyed by it), with the same state.
fn assert_reload_keeps_ordinals(engine: &Engine, rng: &mut SplitMix64, checkpoint_every: usize) {
    let accepted: Vec<Vec<u8>> = engine.accepted_bytes().map(|b| b.to_vec()).collect();
    let mut reloaded = Engine::with_checkpoint_interval(engine.federation(), checkpoint_every);
    let mut rest = &accepted[..];
    while !rest.is_empty() {
        let n = 1 + rng.below(rest.len());
        reloaded.ingest_in_order(&rest[..n], Verify::Trusted);
        rest = &rest[n..];
    }
    for (ord, entry) in engine.entries().iter().enumerate() {
        assert_eq!(
            reloaded.ordinal(&entry.id),
            Some(ord as u32),
            "a reloaded op's ordinal"
        );
    }
    assert_eq!(reloaded.digest(), engine.digest(), "a reload's state");
}

/// Delivers `pool` as a healed partition reaches a replica: first what
/// the members outside a random side made, in the order it was made (in
/// one to three batches), then the side's ops, late, in one to three
/// batches. The side's ops are judged on projections of their past, from
/// split checkpoints (the interval is 1 to 8), while the closes, removals
/// and affiliations of the other side have already rewound committees.
fn deliver_partitioned(
    fed: Hash,
    pool: &[Vec<u8>],
    seed: u64,
) -> (Hash, BTreeMap<Hash, String>, kenes_core::engine::Stats) {
    let mut rng = SplitMix64(seed);
    let side: BTreeSet<PublicKey> = (0..MEMBERS)
        .filter(|_| rng.below(3) == 0)
        .map(|m| key(m).public())
        .collect();
    let author_of = |bytes: &Vec<u8>| Op::decode(bytes).expect("pool ops decode").fields.author;
    let (late, first): (Vec<Vec<u8>>, Vec<Vec<u8>>) = pool
        .iter()
        .cloned()
        .partition(|bytes| side.contains(&author_of(bytes)));
    let mut engine = Engine::with_checkpoint_interval(fed, 1 + rng.below(8));
    for part in [first, late] {
        let mut rest = &part[..];
        let mut batches = 1 + rng.below(3);
        while !rest.is_empty() {
            let n = if batches == 1 {
                rest.len()
            } else {
                1 + rng.below(rest.len())
            };
            engine.ingest(&rest[..n], Verify::Signatures);
            rest = &rest[n..];
            batches = batches.saturating_sub(1).max(1);
        }
    }
    let outcomes = engine
        .outcomes()
        .map(|(id, outcome)| (id, outcome.describe()))
        .collect();
    (engine.digest(), outcomes, engine.stats())
}

/// Delivers `pool` to one replica per seed (each with its own order,
/// batching and checkpoint interval) and requires the reference's outcomes
/// and digest on every one.
fn assert_replicas_match_reference(
    fed: Hash,
    pool: &[Vec<u8>],
    seeds: &[u64],
) -> Result<(), TestCaseError> {
    let expected = reference::evaluate(fed, pool);
    let expected_outcomes: BTreeMap<Hash, String> = expected
        .outcomes
        .iter()
        .map(|(id, o)| (*id, o.describe()))
        .collect();
    for (i, seed) in seeds.iter().enumerate() {
        let (digest, outcomes) = deliver(fed, pool, *seed, i + 1);
        prop_assert_eq!(&outcomes, &expected_outcomes);
        prop_assert_eq!(digest, expected.digest());
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    /// Issue 6: adversaries remove each other (concurrently, cyclically,
    /// with back-dated proposals), fork, and close late; 3–5 replicas.
    #[test]
    fn attacks_converge_to_the_reference(
        actions in proptest::collection::vec(attack(), 1..50),
        seeds in proptest::collection::vec(any::<u64>(), 3..=5),
    ) {
        let (fed, pool) = run(&actions);
        assert_replicas_match_reference(fed, &pool, &seeds)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn replicas_converge_to_the_reference(
        actions in proptest::collection::vec(action(), 1..60),
        seeds in any::<[u64; 3]>(),
    ) {
        let (fed, pool) = run(&actions);
        // Checkpoints every 1, 2 and 3 ops exercise rewinds from checkpoints
        // and projections that start at one. Outcomes are compared first: a
        // back-dated op's outcome must be what its own past allows.
        assert_replicas_match_reference(fed, &pool, &seeds)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Partitions heal: concurrent closes, removals and late votes of one
    /// side merge into the other's state in a few large batches, as a
    /// carried bundle or a reconnected hub delivers them (the shape of the
    /// review's finding on split checkpoints, DESIGN §3).
    #[test]
    fn healed_partitions_converge_to_the_reference(
        actions in proptest::collection::vec(attack(), 1..50),
        seeds in proptest::collection::vec(any::<u64>(), 3),
    ) {
        let (fed, pool) = run(&actions);
        let expected = reference::evaluate(fed, &pool);
        let expected_outcomes: BTreeMap<Hash, String> = expected
            .outcomes
            .iter()
            .map(|(id, o)| (*id, o.describe()))
            .collect();
        for seed in seeds {
            let (digest, outcomes, _) = deliver_partitioned(fed, &pool, seed);
            prop_assert_eq!(&outcomes, &expected_outcomes);
            prop_assert_eq!(digest, expected.digest());
        }
    }
}

/// The partition delivery does what it is for: over a fixed set of runs,
/// late ops are judged on split checkpoints (a delivery that never made
/// one would test nothing new).
#[test]
fn healed_partitions_are_judged_on_split_checkpoints() {
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut splits = 0;
    for _ in 0..40 {
        let actions = proptest::collection::vec(attack(), 20..50)
            .new_tree(&mut runner)
            .expect("actions")
            .current();
        let (fed, pool) = run(&actions);
        for seed in 0..3 {
            splits += deliver_partitioned(fed, &pool, seed).2.split_checkpoints;
        }
    }
    assert!(splits > 0, "no split checkpoint was made");
}
