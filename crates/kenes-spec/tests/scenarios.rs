//! Scenario tests named after the behaviour DESIGN §4 requires. Each
//! asserts the design's expected result on the spec, then requires engine
//! replicas in several delivery orders to agree with the spec.

mod common;

use common::*;
use kenes_core::body::{Policy, ProposalKind, Ratio};
use kenes_core::tally::Choice;
use kenes_core::{Body, Hash, Op};
use kenes_spec::{ProposalView, SpecOutcome, SpecResult, SpecVoid};

fn outcome(spec: &SpecResult, op: &Op) -> SpecOutcome {
    spec.outcomes
        .get(&op.id)
        .cloned()
        .unwrap_or_else(|| panic!("op {} not accepted", op.fields.body.label()))
}

fn status(spec: &SpecResult, committee: Hash, proposal: &Op) -> ProposalView {
    spec.projection.committees[&committee].proposals[&proposal.id]
        .0
        .clone()
}

fn passed(spec: &SpecResult, committee: Hash, proposal: &Op) -> bool {
    matches!(
        status(spec, committee, proposal),
        ProposalView::Passed { .. }
    )
}

/// A committee created by member 1 on replica 0 with `members` (besides 1)
/// joined one by one, everyone synced. Every member's device is on replica
/// 0 until moved.
fn committee_with(sim: &mut Sim, vouches: u32, members: &[u8]) -> Hash {
    let founder = sim.device(1, 0);
    let c = sim.create_committee(founder, "committee", vouches);
    let mut joined = vec![1u8];
    for &m in members {
        let need = (vouches as usize).min(joined.len()).max(1);
        for &voucher in joined.iter().take(need) {
            let d = sim.device(voucher, 0);
            sim.vouch(d, c, m);
        }
        let d = sim.device(m, 0);
        sim.join(d, c);
        joined.push(m);
    }
    sim.sync_all();
    c
}

/// Moves member `key`'s device to replica `r` (it must hold the device's
/// head: call after a sync).
fn place(sim: &mut Sim, key: u8, r: usize) -> usize {
    let d = sim.device(key, 0);
    sim.devices[d].replica = r;
    d
}

fn removal(sim: &mut Sim, d: usize, c: Hash, member: u8) -> Op {
    sim.propose(d, c, ProposalKind::RemoveMember { member: pk(member) }, 100)
}

/// The removal of `member` in `c`, voted yes by `voters` and closed by the
/// proposer, all on their current replicas.
fn remove_by(sim: &mut Sim, c: Hash, proposer: u8, member: u8, voters: &[u8]) -> (Op, Op) {
    let d = sim.device(proposer, 0);
    let p = removal(sim, d, c, member);
    for &v in voters {
        let dv = sim.device(v, 0);
        sim.vote(dv, c, &p, Choice::Yes);
    }
    let close = sim.close(d, c, &p);
    (p, close)
}

#[test]
fn a_sybil_vouched_in_concurrently_with_the_removal_does_not_stay_a_member() {
    let mut sim = Sim::new(2);
    let c = committee_with(&mut sim, 1, &[2, 3, 4, 5, 6]);
    // M = 6 on replica 1, the others on replica 0.
    let m = place(&mut sim, 6, 1);
    let (p, _) = remove_by(&mut sim, c, 1, 6, &[1, 2, 3, 4]);
    let vouch = sim.vouch(m, c, 40);
    let sybil = sim.device(40, 1);
    let join = sim.join(sybil, c);
    let second = sim.vouch(sybil, c, 41);
    let sybil2 = sim.device(41, 1);
    let join2 = sim.join(sybil2, c);
    sim.sync_all();
    let spec = kenes_spec::evaluate(sim.federation, &sim.ops);
    assert!(passed(&spec, c, &p));
    let members = &spec.projection.committees[&c].members;
    assert!(!members.contains(&pk(6)) && !members.contains(&pk(40)) && !members.contains(&pk(41)));
    assert!(matches!(
        outcome(&spec, &vouch),
        SpecOutcome::Void(SpecVoid::Removal { .. })
    ));
    assert!(matches!(
        outcome(&spec, &join),
        SpecOutcome::Void(SpecVoid::VoidVouch { .. })
    ));
    assert!(matches!(outcome(&spec, &second), SpecOutcome::Void(_)));
    assert!(matches!(
        outcome(&spec, &join2),
        SpecOutcome::Void(SpecVoid::VoidVouch { .. })
    ));
    assert_agree(&sim, "sybil");
}

/// M (6) is removed on replica 0 by 1–4 while M, with or without an
/// accomplice (5), recruits sybils on replica 1 and removes 1, 2 and 3.
fn recruiting_against_a_removal(vouches: u32, accomplice: bool) {
    let mut sim = Sim::new(2);
    let c = committee_with(&mut sim, vouches, &[2, 3, 4, 5, 6]);
    let m = place(&mut sim, 6, 1);
    let helper = accomplice.then(|| place(&mut sim, 5, 1));
    let (p, _) = remove_by(&mut sim, c, 1, 6, &[1, 2, 3, 4]);
    // Replica 1: sybils 40..44.
    let mut sybils = Vec::new();
    for s in 40..45u8 {
        sim.vouch(m, c, s);
        let need_two = vouches >= 2;
        if need_two {
            if let Some(h) = helper {
                sim.vouch(h, c, s);
            } else if let Some(&earlier) = sybils.first() {
                let d = sim.device(earlier, 1);
                sim.vouch(d, c, s);
            }
        }
        let d = sim.device(s, 1);
        sim.join(d, c);
        sybils.push(s);
    }
    let mut counter = Vec::new();
    for target in [1u8, 2, 3] {
        let q = removal(&mut sim, m, c, target);
        sim.vote(m, c, &q, Choice::Yes);
        if let Some(h) = helper {
            sim.vote(h, c, &q, Choice::Yes);
        }
        for &s in &sybils {
            let d = sim.device(s, 1);
            sim.vote(d, c, &q, Choice::Yes);
        }
        sim.close(m, c, &q);
        counter.push(q);
    }
    sim.sync_all();
    let spec = kenes_spec::evaluate(sim.federation, &sim.ops);
    if std::env::var("SPEC_DEBUG").is_ok() {
        eprintln!("{}", describe_ops(&sim.ops));
        let mut sorted: Vec<&Op> = sim.ops.iter().collect();
        sorted.sort_by_key(|op| (op.fields.lamport, op.id));
        for (i, op) in sorted.iter().enumerate() {
            eprintln!("op{i} {:?}", spec.outcomes.get(&op.id));
        }
        eprintln!(
            "P {:?} verdicts {:?}",
            status(&spec, c, &p),
            spec.removal_verdicts
        );
        for q in &counter {
            eprintln!(
                "Q {:?}",
                spec.projection.committees[&c].proposals.get(&q.id)
            );
        }
    }
    assert!(passed(&spec, c, &p), "the removal of M stands");
    assert!(!spec.projection.committees[&c].members.contains(&pk(6)));
    // An accomplice in good standing who vouches too, or who builds on M's
    // vouches, keeps the sybils in (the design's "collusion through
    // sparing"); without one, none stays.
    if !accomplice {
        for s in &sybils {
            assert!(!spec.projection.committees[&c].members.contains(&pk(*s)));
        }
    }
    assert_agree(&sim, "recruiting during a partition");
}

#[test]
fn recruiting_during_a_partition_cannot_flip_a_removal_alone_with_two_vouches() {
    recruiting_against_a_removal(2, false);
}

#[test]
fn recruiting_during_a_partition_cannot_flip_a_removal_alone_with_one_vouch() {
    recruiting_against_a_removal(1, false);
}

#[test]
fn recruiting_during_a_partition_cannot_flip_a_removal_with_an_accomplice_and_two_vouches() {
    recruiting_against_a_removal(2, true);
}

#[test]
fn recruiting_during_a_partition_cannot_flip_a_removal_with_an_accomplice_and_one_vouch() {
    recruiting_against_a_removal(1, true);
}

/// Committee A (1–4) affiliated to council K convened by 1.
fn affiliated_council(sim: &mut Sim) -> (Hash, Hash) {
    let a = committee_with(sim, 1, &[2, 3, 4]);
    let one = sim.device(1, 0);
    let k = sim.create_council(one, "council");
    let ask = sim.propose(one, a, ProposalKind::Affiliate { council: k }, 5);
    for v in [1u8, 2, 3] {
        let d = sim.device(v, 0);
        sim.vote(d, a, &ask, Choice::Yes);
    }
    sim.close(one, a, &ask);
    let accept = sim.propose(one, k, ProposalKind::AcceptAffiliation { committee: a }, 5);
    sim.vote(one, k, &accept, Choice::Yes);
    sim.close(one, k, &accept);
    (a, k)
}

/// Member 2 elected as `a`'s one delegate in council `k`, by members 1–3.
fn elect_member_2(sim: &mut Sim, a: Hash, k: Hash) -> Op {
    let one = sim.device(1, 0);
    let election = sim.propose(
        one,
        a,
        ProposalKind::Election {
            council: k,
            seats: 1,
            candidates: vec![pk(2)],
        },
        5,
    );
    for v in [1u8, 2, 3] {
        let d = sim.device(v, 0);
        sim.rank(d, a, &election, vec![pk(2)]);
    }
    sim.close(one, a, &election);
    election
}

#[test]
fn a_council_whose_only_delegate_was_recalled_cannot_be_run_by_its_convenor_again() {
    let mut sim = Sim::new(1);
    let (a, k) = affiliated_council(&mut sim);
    let one = sim.device(1, 0);
    let election = elect_member_2(&mut sim, a, k);
    let recall = sim.propose(
        one,
        a,
        ProposalKind::Recall {
            council: k,
            delegate: pk(2),
        },
        5,
    );
    for v in [1u8, 3, 4] {
        let d = sim.device(v, 0);
        sim.vote(d, a, &recall, Choice::Yes);
    }
    sim.close(one, a, &recall);
    let attempt = sim.propose(one, k, ProposalKind::Decision, 5);
    let spec = kenes_spec::evaluate(sim.federation, &sim.ops);
    assert!(passed(&spec, a, &election) && passed(&spec, a, &recall));
    assert!(spec.projection.committees[&k].seats.is_empty());
    assert!(!spec.projection.committees[&k].convenor_active);
    assert!(matches!(outcome(&spec, &attempt), SpecOutcome::Rejected(_)));
    assert_agree(&sim, "convenor after recall");
}

#[test]
fn a_seat_ended_by_its_delegates_removal_cannot_be_recalled() {
    // Found by the adversarial spec test: the engine let a committee recall
    // a delegate it had removed, whose seat had already ended (DESIGN §1).
    let mut sim = Sim::new(1);
    let (a, k) = affiliated_council(&mut sim);
    let one = sim.device(1, 0);
    let election = elect_member_2(&mut sim, a, k);
    let (removed, _) = remove_by(&mut sim, a, 1, 2, &[1, 3, 4]);
    let recall = sim.propose(
        one,
        a,
        ProposalKind::Recall {
            council: k,
            delegate: pk(2),
        },
        5,
    );
    let spec = kenes_spec::evaluate(sim.federation, &sim.ops);
    assert!(passed(&spec, a, &election) && passed(&spec, a, &removed));
    assert!(matches!(outcome(&spec, &recall), SpecOutcome::Rejected(_)));
    assert_agree(&sim, "recall of an ended seat");
}

#[test]
fn the_recount_keeps_honest_no_ballots_seen_only_by_a_removal_void_close() {
    let mut sim = Sim::new(2);
    // Members 1..8, M = 10, subject S = 11.
    let c = committee_with(&mut sim, 1, &[2, 3, 4, 5, 6, 7, 8, 10, 11]);
    let one = sim.device(1, 0);
    let p = removal(&mut sim, one, c, 11);
    let q = {
        let two = sim.device(2, 0);
        removal(&mut sim, two, c, 10)
    };
    sim.sync_all();
    for v in [6u8, 7, 8, 10] {
        place(&mut sim, v, 1);
    }
    for v in 1..=5u8 {
        let d = sim.device(v, 0);
        sim.vote(d, c, &p, Choice::Yes);
        sim.vote(d, c, &q, Choice::Yes);
    }
    for v in 6..=8u8 {
        let d = sim.device(v, 1);
        sim.vote(d, c, &p, Choice::No);
    }
    sim.clock += 200;
    let five = sim.device(5, 0);
    sim.close(five, c, &p);
    let two = sim.device(2, 0);
    sim.close(two, c, &q);
    let m = sim.device(10, 1);
    let void_close = sim.close(m, c, &p);
    sim.sync_all();
    let spec = kenes_spec::evaluate(sim.federation, &sim.ops);
    assert!(passed(&spec, c, &q), "M is removed");
    assert!(matches!(
        outcome(&spec, &void_close),
        SpecOutcome::Void(SpecVoid::Removal { .. })
    ));
    assert!(!passed(&spec, c, &p), "5 yes to 3 no is below two thirds");
    assert!(spec.projection.committees[&c].members.contains(&pk(11)));
    assert_agree(&sim, "recount");
}

#[test]
fn a_profile_change_or_an_act_in_another_committee_spares_nothing() {
    let mut sim = Sim::new(2);
    let c = committee_with(&mut sim, 1, &[2, 3, 4, 5, 6]);
    let one = sim.device(1, 0);
    let d_committee = sim.create_committee(one, "other", 1);
    let two = sim.device(2, 0);
    sim.vouch(one, d_committee, 2);
    sim.join(two, d_committee);
    let other = sim.propose(one, d_committee, ProposalKind::Decision, 50);
    sim.sync_all();
    // M = 6 on replica 1 with member 2 (an honest member in E(P)).
    let m = place(&mut sim, 6, 1);
    let two = place(&mut sim, 2, 1);
    let (p, _) = remove_by(&mut sim, c, 1, 6, &[1, 3, 4, 5]);
    let x = sim.propose(m, c, ProposalKind::Decision, 50);
    let y = sim.act(
        m,
        Body::Report {
            committee: c,
            kind: kenes_core::body::ReportKind::Strike,
            status: kenes_core::body::ReportStatus::Active,
            area: "Kazakhstan".into(),
            participants: 10,
            starts_at: 0,
            text: "strike".into(),
        },
    );
    // Member 2 sees X and Y, then acts only outside C's scope.
    sim.act(two, Body::Profile { name: "two".into() });
    sim.vote(two, d_committee, &other, Choice::Yes);
    sim.sync_all();
    let spec = kenes_spec::evaluate(sim.federation, &sim.ops);
    assert!(passed(&spec, c, &p));
    assert!(matches!(
        outcome(&spec, &x),
        SpecOutcome::Void(SpecVoid::Removal { .. })
    ));
    assert!(matches!(
        outcome(&spec, &y),
        SpecOutcome::Void(SpecVoid::Removal { .. })
    ));
    assert!(!spec.projection.committees[&c].proposals.contains_key(&x.id));
    assert!(spec.projection.committees[&c].reports.is_empty());
    assert_agree(&sim, "sparing scope");
}

/// Committee C (members 1 to 6) and D (1 and 2), synced. Then, on replica
/// 1, M = 6 reports a strike in C beside member 2, while replica 0 passes
/// C's removal of M. Returns C, D, member 2's device, the removal and the
/// report.
fn m_reports_beside_2_while_c_removes_m(sim: &mut Sim) -> (Hash, Hash, usize, Op, Op) {
    let c = committee_with(sim, 1, &[2, 3, 4, 5, 6]);
    let one = sim.device(1, 0);
    let d_committee = sim.create_committee(one, "other", 1);
    let two = sim.device(2, 0);
    sim.vouch(one, d_committee, 2);
    sim.join(two, d_committee);
    sim.sync_all();
    let m = place(sim, 6, 1);
    let two = place(sim, 2, 1);
    let (p, _) = remove_by(sim, c, 1, 6, &[1, 3, 4, 5]);
    let report = sim.act(
        m,
        Body::Report {
            committee: c,
            kind: kenes_core::body::ReportKind::Strike,
            status: kenes_core::body::ReportStatus::Active,
            area: "Kazakhstan".into(),
            participants: 10,
            starts_at: 0,
            text: "strike".into(),
        },
    );
    (c, d_committee, two, p, report)
}

/// A name counts toward scope only when the named op is in the naming
/// op's past (docs/DESIGN.md §3): otherwise an invalid op's scope, and with
/// it the validity of what follows it, would depend on ops outside its
/// past. Member 2, beside M, names in D a proposal of C made on the other
/// side: that op is not in C's scope, and spares nothing.
#[test]
fn a_name_outside_an_ops_past_spares_nothing() {
    let mut sim = Sim::new(2);
    let (c, d_committee, two, p, y) = m_reports_beside_2_while_c_removes_m(&mut sim);
    let three = sim.device(3, 0);
    let unseen = sim.propose(three, c, ProposalKind::Decision, 50);
    let support = sim.act(
        two,
        Body::Support {
            committee: d_committee,
            demand: unseen.id,
        },
    );
    sim.sync_all();
    let spec = kenes_spec::evaluate(sim.federation, &sim.ops);
    assert!(passed(&spec, c, &p));
    assert!(matches!(outcome(&spec, &support), SpecOutcome::Rejected(_)));
    assert!(matches!(
        outcome(&spec, &y),
        SpecOutcome::Void(SpecVoid::Removal { .. })
    ));
    assert_agree(&sim, "a name outside the past");
}

/// Reports and posts are owning items too (docs/DESIGN.md §9): member 2,
/// beside M, comments in D on M's report in C, which it saw. That comment
/// is invalid, but in C's scope, and spares the report.
#[test]
fn an_op_naming_a_report_in_its_past_is_in_its_committees_scope() {
    let mut sim = Sim::new(2);
    let (c, d_committee, two, p, y) = m_reports_beside_2_while_c_removes_m(&mut sim);
    let comment = sim.act(
        two,
        Body::Comment {
            committee: d_committee,
            target: y.id,
            text: "we are with you".into(),
        },
    );
    sim.sync_all();
    let spec = kenes_spec::evaluate(sim.federation, &sim.ops);
    assert!(passed(&spec, c, &p));
    assert!(matches!(outcome(&spec, &comment), SpecOutcome::Rejected(_)));
    assert!(matches!(outcome(&spec, &y), SpecOutcome::Applied));
    assert_agree(&sim, "a report named from another committee");
}

#[test]
fn a_removed_member_with_no_other_membership_loses_standing() {
    let mut sim = Sim::new(1);
    let c = committee_with(&mut sim, 1, &[2, 3, 4, 5, 6]);
    let (p, _) = remove_by(&mut sim, c, 1, 6, &[1, 2, 3, 4]);
    let m = sim.device(6, 0);
    let profile = sim.act(
        m,
        Body::Profile {
            name: "still here".into(),
        },
    );
    let proposal = sim.propose(m, c, ProposalKind::Decision, 5);
    let spec = kenes_spec::evaluate(sim.federation, &sim.ops);
    assert!(passed(&spec, c, &p));
    assert!(!spec.accepted.contains(&profile.id), "dropped: no standing");
    assert!(!spec.accepted.contains(&proposal.id));
    assert_agree(&sim, "standing lost");
}

#[test]
fn a_removed_member_of_another_committee_keeps_standing() {
    let mut sim = Sim::new(1);
    let c = committee_with(&mut sim, 1, &[2, 3, 4, 5, 6]);
    let one = sim.device(1, 0);
    let other = sim.create_committee(one, "other", 1);
    sim.vouch(one, other, 6);
    let m = sim.device(6, 0);
    sim.join(m, other);
    let (p, _) = remove_by(&mut sim, c, 1, 6, &[1, 2, 3, 4]);
    let profile = sim.act(
        m,
        Body::Profile {
            name: "still here".into(),
        },
    );
    let spec = kenes_spec::evaluate(sim.federation, &sim.ops);
    assert!(passed(&spec, c, &p));
    assert_eq!(outcome(&spec, &profile), SpecOutcome::Applied);
    assert_agree(&sim, "standing kept");
}

#[test]
fn a_committee_whose_creation_is_fork_void_gives_its_demands_no_effect() {
    // F = 1 founds E; A = 2 joins E (Y₀), then forks: branch 1 on replica
    // 1 creates C and puts forward demand D; branch 2 on replica 2 sets a
    // profile. N = 3 joins E after the fork (not a witness), sees branch 1
    // only and proposes to adopt D in E; F votes having seen both branches.
    let mut sim = Sim::new(3);
    let f = sim.device(1, 0);
    let e = sim.create_committee(f, "E", 1);
    sim.vouch(f, e, 2);
    let a = sim.device(2, 0);
    sim.join(a, e);
    sim.sync_all();
    sim.devices[a].replica = 1;
    let twin = sim.fork(2, 2);
    let c = sim.create_committee(a, "C", 1);
    let demand = sim.act(
        a,
        Body::Demand {
            committee: c,
            category: kenes_core::body::DemandCategory::Wages,
            title: "wages".into(),
            text: String::new(),
        },
    );
    sim.act(
        twin,
        Body::Profile {
            name: "twin".into(),
        },
    );
    // N joins E on replica 0 (F vouches before seeing any branch).
    sim.vouch(f, e, 3);
    let n = sim.device(3, 0);
    sim.join(n, e);
    sim.send(0, 1);
    sim.devices[n].replica = 1;
    let adopt = sim.propose(n, e, ProposalKind::AdoptDemand { demand: demand.id }, 5);
    sim.vote(n, e, &adopt, Choice::Yes);
    sim.sync_all();
    sim.vote(f, e, &adopt, Choice::Yes);
    sim.devices[n].replica = 0;
    sim.close(n, e, &adopt);
    let spec = kenes_spec::evaluate(sim.federation, &sim.ops);
    assert!(matches!(
        outcome(&spec, &demand),
        SpecOutcome::Void(SpecVoid::Fork { .. })
    ));
    assert!(!spec.projection.committees.contains_key(&c));
    assert!(!spec.projection.committees[&e].adopted.contains(&demand.id));
    assert_agree(&sim, "fork-void committee");
}

#[test]
fn affiliation_stays_a_dag() {
    let mut sim = Sim::new(1);
    let one = sim.device(1, 0);
    let low = sim.create_council(one, "city council");
    let high = sim.create_council(one, "regional council");
    let ask = sim.propose(one, low, ProposalKind::Affiliate { council: high }, 5);
    sim.vote(one, low, &ask, Choice::Yes);
    sim.close(one, low, &ask);
    let accept = sim.propose(
        one,
        high,
        ProposalKind::AcceptAffiliation { committee: low },
        5,
    );
    sim.vote(one, high, &accept, Choice::Yes);
    sim.close(one, high, &accept);
    let back = sim.propose(one, high, ProposalKind::Affiliate { council: low }, 5);
    sim.vote(one, high, &back, Choice::Yes);
    sim.close(one, high, &back);
    let accept_back = sim.propose(
        one,
        low,
        ProposalKind::AcceptAffiliation { committee: high },
        5,
    );
    sim.vote(one, low, &accept_back, Choice::Yes);
    sim.close(one, low, &accept_back);
    let spec = kenes_spec::evaluate(sim.federation, &sim.ops);
    assert!(spec.projection.committees[&high].affiliates.contains(&low));
    assert!(!spec.projection.committees[&low].affiliates.contains(&high));
    assert!(matches!(
        outcome(&spec, &accept_back),
        SpecOutcome::Rejected(_)
    ));
    assert_agree(&sim, "affiliation DAG");
}

#[test]
fn concurrent_affiliations_that_would_close_a_cycle_keep_the_first() {
    let mut sim = Sim::new(2);
    let one = sim.device(1, 0);
    let low = sim.create_council(one, "city council");
    let high = sim.create_council(one, "regional council");
    sim.sync_all();
    let ask_up = sim.propose(one, low, ProposalKind::Affiliate { council: high }, 5);
    sim.vote(one, low, &ask_up, Choice::Yes);
    sim.close(one, low, &ask_up);
    let ask_down = sim.propose(one, high, ProposalKind::Affiliate { council: low }, 5);
    sim.vote(one, high, &ask_down, Choice::Yes);
    sim.close(one, high, &ask_down);
    sim.sync_all();
    // Accept both directions on two unsynced replicas: a fork of member 1
    // would be needed to act on both at once, so accept one after the other
    // on one replica: the second is refused by its own past.
    let accept_up = sim.propose(
        one,
        high,
        ProposalKind::AcceptAffiliation { committee: low },
        5,
    );
    sim.vote(one, high, &accept_up, Choice::Yes);
    sim.close(one, high, &accept_up);
    let accept_down = sim.propose(
        one,
        low,
        ProposalKind::AcceptAffiliation { committee: high },
        5,
    );
    let spec = kenes_spec::evaluate(sim.federation, &sim.ops);
    assert!(matches!(
        outcome(&spec, &accept_down),
        SpecOutcome::Rejected(_)
    ));
    assert!(!spec.projection.committees[&low].affiliates.contains(&high));
    assert_agree(&sim, "affiliation cycle");
}

#[test]
fn a_block_outside_consensus_and_a_vote_after_the_close_count_for_nothing() {
    let mut sim = Sim::new(1);
    let c = committee_with(&mut sim, 1, &[2, 3, 4]);
    let one = sim.device(1, 0);
    let two = sim.device(2, 0);
    let three = sim.device(3, 0);
    let four = sim.device(4, 0);
    // One yes and one block of four: the block is no turnout, so no quorum.
    let blocked = sim.propose(one, c, ProposalKind::Decision, 50);
    sim.vote(one, c, &blocked, Choice::Yes);
    let block = sim.vote(two, c, &blocked, Choice::Block);
    sim.close(one, c, &blocked);
    // One yes, one no, closed; two yes after the close.
    let late = sim.propose(one, c, ProposalKind::Decision, 50);
    sim.vote(one, c, &late, Choice::Yes);
    sim.vote(two, c, &late, Choice::No);
    sim.close(one, c, &late);
    let after = sim.vote(three, c, &late, Choice::Yes);
    sim.vote(four, c, &late, Choice::Yes);
    let spec = kenes_spec::evaluate(sim.federation, &sim.ops);
    assert!(matches!(outcome(&spec, &after), SpecOutcome::Rejected(_)));
    assert!(matches!(outcome(&spec, &block), SpecOutcome::Rejected(_)));
    assert!(!passed(&spec, c, &blocked));
    assert!(!passed(&spec, c, &late));
    assert_agree(&sim, "block and late vote");
}

#[test]
fn consensus_mode_counts_a_block() {
    let mut sim = Sim::new(1);
    let c = committee_with(&mut sim, 1, &[2, 3, 4]);
    let one = sim.device(1, 0);
    let policy = sim.propose(
        one,
        c,
        ProposalKind::PolicyChange {
            policy: Policy {
                vouches_required: 1,
                quorum: Ratio(1, 2),
                consensus: true,
                ..Policy::default()
            },
        },
        5,
    );
    for v in 1..=4u8 {
        let d = sim.device(v, 0);
        sim.vote(d, c, &policy, Choice::Yes);
    }
    sim.close(one, c, &policy);
    let p = sim.propose(one, c, ProposalKind::Decision, 50);
    for v in 1..=3u8 {
        let d = sim.device(v, 0);
        sim.vote(d, c, &p, Choice::Yes);
    }
    let four = sim.device(4, 0);
    sim.vote(four, c, &p, Choice::Block);
    sim.close(one, c, &p);
    let spec = kenes_spec::evaluate(sim.federation, &sim.ops);
    assert!(passed(&spec, c, &policy));
    assert!(!passed(&spec, c, &p));
    assert_agree(&sim, "consensus block");
}

#[test]
fn a_forked_voters_ballot_counts_in_the_recount_as_it_does_in_the_cut() {
    // §4: a removal is recounted in K(P) without the ops RemovalVoid under
    // the removals accepted before it; a fork K(P) does not show is not
    // taken out (the engine once took out ForkVoid(T) too).
    let mut sim = Sim::new(2);
    let c = committee_with(&mut sim, 1, &[2, 3, 4, 5, 6, 7]);
    // Member 6's key also acts on replica 1, unseen by replica 0.
    let twin = sim.fork(6, 1);
    sim.act(
        twin,
        Body::Profile {
            name: "twin".into(),
        },
    );
    // On replica 0: 4 is removed, then 7 proposes to remove 3.
    let (_, _) = remove_by(&mut sim, c, 1, 4, &[1, 2, 3, 5, 7]);
    let proposer = sim.device(7, 0);
    let p = removal(&mut sim, proposer, c, 3);
    let no = sim.device(1, 0);
    sim.vote(no, c, &p, Choice::No);
    for voter in [2u8, 3, 7] {
        let d = sim.device(voter, 0);
        sim.vote(d, c, &p, Choice::Yes);
    }
    // 6's yes is at the seq of the twin's op: a fork once both meet. No
    // member from before the fork acts after it, so in T it has no witness.
    let six = sim.device(6, 0);
    let forked_yes = sim.vote(six, c, &p, Choice::Yes);
    let close = sim.close(proposer, c, &p);
    sim.sync_all();
    let spec = assert_agree(&sim, "forked voter in a recount");
    assert!(matches!(
        outcome(&spec, &forked_yes),
        SpecOutcome::Void(SpecVoid::Fork { .. })
    ));
    assert!(matches!(outcome(&spec, &close), SpecOutcome::Applied));
    // 4 yes of 6 in K(P): an absolute majority there, and in the recount.
    assert!(passed(&spec, c, &p), "{:?}", status(&spec, c, &p));
}

/// A published encryption key of small order (u = 0 of order 2, u = 1 of
/// order 4, and u = p + 1, that 1 unreduced) could hold no box, so its
/// author would look keyed while every committee they are in wrote clear
/// (DESIGN, sealing). It is rejected (kept, no effect: builds before the
/// rule stored such ops) on the spec and on every replica; a usable key
/// published after it is applied.
#[test]
fn a_small_order_encryption_key_is_rejected_and_a_usable_one_after_it_applies() {
    use kenes_core::RejectReason;
    use kenes_core::seal::{EncryptionKey, EncryptionSecret};
    let mut sim = Sim::new(2);
    committee_with(&mut sim, 1, &[2]);
    let two = sim.device(2, 0);
    let mut order_four = [0u8; 32];
    order_four[0] = 1;
    let mut unreduced_one = [0xff; 32];
    unreduced_one[0] = 0xee;
    unreduced_one[31] = 0x7f;
    let low: Vec<Op> = [[0u8; 32], order_four, unreduced_one]
        .into_iter()
        .map(|key| {
            assert!(EncryptionKey(key).is_small_order());
            sim.act(
                two,
                Body::EncryptionKey {
                    key: EncryptionKey(key),
                },
            )
        })
        .collect();
    let usable = sim.act(
        two,
        Body::EncryptionKey {
            key: EncryptionSecret::from_bytes([7; 32]).public(),
        },
    );
    sim.sync_all();
    let spec = kenes_spec::evaluate(sim.federation, &sim.ops);
    for op in &low {
        assert_eq!(
            outcome(&spec, op),
            SpecOutcome::Rejected(RejectReason::SmallOrderEncryptionKey)
        );
    }
    assert_eq!(outcome(&spec, &usable), SpecOutcome::Applied);
    assert_agree(&sim, "small-order encryption keys");
}
