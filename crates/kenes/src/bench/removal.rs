//! `kenes bench removal`: strong removal at scale (issue 6).
//!
//! Builds a federation of `ops` ops (1,000 members, 50 committees) with
//! `removals` removals. Most are proposed, voted and closed on the main
//! branch; every 30th is made on a side branch that did not see the
//! thousands of ops the main branch made meanwhile, in which the member to
//! remove kept reporting in the committee (those reports become void). The
//! last removal arrives after a partition of `late` ops. Then it measures:
//! 1. evaluating everything from scratch (the limit of the others);
//! 2. ingesting the partition's `late` ops one at a time into the state of
//!    everything before them;
//! 3. the late removal arriving on top, against the full re-evaluation.

use super::measure::{INGEST_BATCH, rate};
use super::{Generator, MEMBERS};
use crate::context::Context;
use crate::output::{emit, progress};
use anyhow::{Result, ensure};
use kenes_core::body::{Ballot, CommitteeKind, Policy, ProposalKind, ReportKind, ReportStatus};
use kenes_core::op::{UnsignedOp, VERSION};
use kenes_core::tally::Choice;
use kenes_core::{Body, Engine, Hash, Op, PublicKey, Verify};
use serde_json::json;
use std::time::Instant;

const COMMITTEES: usize = 50;
/// One removal in this many is made on a side branch.
const CONCURRENT_EVERY: usize = 30;
/// Main-branch ops made while a side branch removes someone.
const WINDOW: usize = 3_000;

/// A removal of `subject` from `committee`, made by its other members on a
/// branch that cites only `heads`: nobody on it acts on the main branch
/// until it is merged.
struct SideRemoval {
    committee: Hash,
    subject: usize,
    voters: Vec<usize>,
    heads: Vec<Hash>,
}

impl Generator {
    /// Everyday activity that keeps committees at their size: mostly
    /// reports in one's home committee, now and then a vouch-and-join or a
    /// leave elsewhere.
    fn filler(&mut self, actors: &[usize], home: impl Fn(usize) -> usize) {
        if self.rng.below(10) == 0 {
            self.cycle(actors, home);
            return;
        }
        let who = actors[self.rng.below(actors.len())];
        let committee = self.committees[home(who)];
        self.report(who, committee);
    }

    fn home_members(&self, committee: &Hash) -> Vec<usize> {
        let members = &self.engine.state().committees[committee].members;
        (0..self.keys.len())
            .filter(|&m| members.contains(&self.keys[m].public()))
            .collect()
    }

    fn removal_body(&self, committee: Hash, subject: usize) -> Body {
        Body::Propose {
            committee,
            kind: ProposalKind::RemoveMember {
                member: self.keys[subject].public(),
            },
            title: format!("remove member {subject}").into(),
            text: String::new().into(),
            closes_at: self.time + 1_000_000,
        }
    }

    /// A removal proposed, voted yes by every other member and closed, all
    /// on the main branch.
    fn remove_now(&mut self, committee: Hash, subject: usize) {
        let voters: Vec<usize> = self
            .home_members(&committee)
            .into_iter()
            .filter(|&m| m != subject)
            .collect();
        let Some(&proposer) = voters.first() else {
            return;
        };
        self.emit(proposer, self.removal_body(committee, subject));
        let proposal = Hash::of(self.ops.last().map_or(&[][..], |b| b.as_slice()));
        for &v in &voters {
            self.emit(v, yes(committee, proposal));
        }
        self.emit(
            proposer,
            Body::Close {
                committee,
                proposal,
            },
        );
    }

    /// Starts a side removal: its members stop acting on the main branch.
    fn side_removal(&self, committee: Hash, subject: usize) -> SideRemoval {
        SideRemoval {
            committee,
            subject,
            voters: self
                .home_members(&committee)
                .into_iter()
                .filter(|&m| m != subject)
                .collect(),
            heads: self.engine.heads(),
        }
    }

    /// The side branch's ops: proposal, yes votes, close; each cites only
    /// the side branch.
    fn side_ops(&self, side: &SideRemoval) -> Vec<Op> {
        let mut ops: Vec<Op> = Vec::new();
        let proposer = side.voters[0];
        let proposal = self.side_op(
            proposer,
            side.heads.clone(),
            &ops,
            self.removal_body(side.committee, side.subject),
        );
        let id = proposal.id;
        ops.push(proposal);
        // Each ballot cites the one before, as a node gathering them would.
        let mut last = id;
        for &v in &side.voters {
            let ballot = self.side_op(v, vec![last], &ops, yes(side.committee, id));
            last = ballot.id;
            ops.push(ballot);
        }
        let close = self.side_op(
            proposer,
            vec![last],
            &ops,
            Body::Close {
                committee: side.committee,
                proposal: id,
            },
        );
        ops.push(close);
        ops
    }

    /// An op by `who` citing `deps`, after `who`'s own ops in `earlier`
    /// (side ops not yet ingested) or on the main branch.
    fn side_op(&self, who: usize, deps: Vec<Hash>, earlier: &[Op], body: Body) -> Op {
        let author: PublicKey = self.keys[who].public();
        let lamport_of = |id: &Hash| {
            earlier
                .iter()
                .find(|o| o.id == *id)
                .map(|o| o.fields.lamport)
                .or_else(|| self.engine.entry(id).map(|e| e.lamport()))
                .unwrap_or(0)
        };
        let (seq, prev) = match earlier.iter().rev().find(|o| o.fields.author == author) {
            Some(last) => (last.fields.seq + 1, Some(last.id)),
            None => self.engine.next_position(&author),
        };
        let mut deps: Vec<Hash> = deps.into_iter().filter(|d| Some(*d) != prev).collect();
        deps.sort();
        deps.dedup();
        deps.truncate(kenes_core::op::MAX_DEPS);
        let lamport = deps
            .iter()
            .chain(prev.iter())
            .map(|d| lamport_of(d) + 1)
            .max()
            .unwrap_or(0);
        UnsignedOp {
            version: VERSION,
            federation: self.engine.federation(),
            author,
            seq,
            prev,
            deps,
            lamport,
            time: self.time,
            body,
        }
        .sign(&self.keys[who])
    }

    /// A report in `committee` (the subject of a removal keeps reporting
    /// in it meanwhile).
    fn report(&mut self, who: usize, committee: Hash) {
        self.emit(
            who,
            Body::Report {
                committee,
                kind: ReportKind::Picket,
                status: ReportStatus::Active,
                area: "Kazakhstan/Mangystau".into(),
                participants: 10,
                starts_at: self.time,
                text: "at the gate".into(),
            },
        );
    }

    fn merge(&mut self, ops: Vec<Op>) {
        let bytes: Vec<Vec<u8>> = ops.into_iter().map(|o| o.bytes).collect();
        self.engine.ingest(&bytes, Verify::Trusted);
        self.ops.extend(bytes);
    }
}

fn yes(committee: Hash, proposal: Hash) -> Body {
    Body::Vote {
        committee,
        proposal,
        ballot: Ballot::Choice(Choice::Yes),
    }
}

pub fn run(ctx: &Context, total: usize, removals: usize, late: usize) -> Result<()> {
    ensure!(
        total >= 20 * late.max(1_000),
        "use at least 20 times --late ops (and --late at least 1000)"
    );
    ensure!(removals >= 2, "use at least 2 removals");
    let mut g = Generator::new(2011);
    let federation = g.engine.federation();
    let bar = progress(total as u64, "building");
    for i in 0..COMMITTEES {
        g.emit(
            0,
            Body::CreateCommittee {
                name: format!("committee {i}"),
                kind: CommitteeKind::Territorial {
                    area: format!("Kazakhstan/Region {}/City {i}", i % 14),
                },
                policy: Policy {
                    vouches_required: 1,
                    ..Policy::default()
                },
            },
        );
        let id = Hash::of(g.ops.last().map_or(&[][..], |b| b.as_slice()));
        g.committees.push(id);
    }
    let home = |m: usize| m % COMMITTEES;
    for m in 1..MEMBERS {
        // The founder created every committee, so it vouches everyone in.
        let c = g.committees[home(m)];
        let candidate = g.keys[m].public();
        g.emit(
            0,
            Body::Vouch {
                committee: c,
                candidate,
            },
        );
        g.emit(m, Body::Join { committee: c });
        bar.set_position(g.ops.len() as u64);
    }
    // The removals, spread over the history; the last is the late one.
    // Who still acts: a removed member belongs to no other committee and
    // loses standing, so their later ops would be dropped (issue 11).
    let mut everyone: Vec<usize> = (0..MEMBERS).collect();
    let partition_start = total - late;
    let mut done = 0;
    // Never the founder, who vouched everyone in.
    let mut subjects = 1..MEMBERS;
    while done + 1 < removals {
        // Spread what is left evenly; a removal and its votes take ops too.
        let left = removals - 1 - done;
        let room = partition_start.saturating_sub(g.ops.len() + 60 * left);
        let target = g.ops.len() + room / left;
        while g.ops.len() < target {
            g.filler(&everyone, home);
            bar.set_position(g.ops.len() as u64);
        }
        let Some(subject) = subjects.next() else {
            break;
        };
        let committee = g.committees[home(subject)];
        if !g.engine.state().committees[&committee]
            .members
            .contains(&g.keys[subject].public())
        {
            continue;
        }
        if done % CONCURRENT_EVERY == CONCURRENT_EVERY - 1 {
            let side = g.side_removal(committee, subject);
            let quiet: Vec<usize> = everyone
                .iter()
                .copied()
                .filter(|m| !side.voters.contains(m) && *m != subject)
                .collect();
            let end = g.ops.len() + WINDOW;
            while g.ops.len() < end {
                g.filler(&quiet, home);
                if g.rng.below(200) == 0 {
                    g.report(subject, committee);
                }
                bar.set_position(g.ops.len() as u64);
            }
            let ops = g.side_ops(&side);
            g.merge(ops);
        } else {
            g.remove_now(committee, subject);
        }
        everyone.retain(|&m| m != subject);
        done += 1;
    }
    while g.ops.len() < partition_start {
        g.filler(&everyone, home);
        bar.set_position(g.ops.len() as u64);
    }
    // The partition: one committee's members remove someone while the
    // rest of the federation makes `late` ops, the subject among them.
    let base_len = g.ops.len();
    let subject = subjects.next().unwrap_or(2);
    let committee = g.committees[home(subject)];
    let side = g.side_removal(committee, subject);
    let quiet: Vec<usize> = everyone
        .iter()
        .copied()
        .filter(|m| !side.voters.contains(m))
        .collect();
    while g.ops.len() < base_len + late {
        g.filler(&quiet, home);
        if g.rng.below(100) == 0 {
            g.report(subject, committee);
        }
        bar.set_position(g.ops.len() as u64);
    }
    let late_removal: Vec<Vec<u8>> = g.side_ops(&side).into_iter().map(|o| o.bytes).collect();
    bar.finish_and_clear();
    let mut all = g.ops.clone();
    all.extend(late_removal.iter().cloned());
    let (base, partition) = g.ops.split_at(base_len);

    // 1. Everything from scratch.
    let started = Instant::now();
    let mut scratch = Engine::new(federation);
    for chunk in all.chunks(INGEST_BATCH) {
        scratch.ingest(chunk, Verify::Trusted);
    }
    let scratch_secs = started.elapsed().as_secs_f64();
    ensure!(
        scratch.len() == all.len(),
        "every bench op must be accepted"
    );

    // 2. The partition's ops, one at a time, on top of the rest.
    let mut live = Engine::new(federation);
    for chunk in base.chunks(INGEST_BATCH) {
        live.ingest(chunk, Verify::Trusted);
    }
    let before = live.stats();
    let bar = progress(partition.len() as u64, "ingesting one by one");
    let started = Instant::now();
    for op in partition {
        live.ingest(std::slice::from_ref(op), Verify::Trusted);
        bar.inc(1);
    }
    let partition_secs = started.elapsed().as_secs_f64();
    bar.finish_and_clear();

    // 3. The late removal.
    let mid = live.stats();
    let voided_before = live.voided().len();
    let started = Instant::now();
    live.ingest(&late_removal, Verify::Trusted);
    let late_secs = started.elapsed().as_secs_f64();
    let after = live.stats();
    ensure!(
        live.digest() == scratch.digest(),
        "incremental evaluation must match the from-scratch one"
    );
    let verdicts = scratch.removal_verdicts();
    let accepted = verdicts.values().filter(|v| v.accepted).count();
    let voided = scratch.voided().len();
    let figures = json!({
        "ops": all.len(),
        "members": MEMBERS,
        "committees": COMMITTEES,
        "removals_accepted": accepted,
        "removals_with_a_close": verdicts.len(),
        "concurrent_removals": (removals - 1) / CONCURRENT_EVERY + 1,
        "voided_ops": voided,
        "scratch_seconds": scratch_secs,
        "scratch_ops_per_sec": rate(all.len(), scratch_secs).round(),
        "late_ops": partition.len(),
        "late_one_by_one_seconds": partition_secs,
        "late_one_by_one_ops_per_sec": rate(partition.len(), partition_secs).round(),
        "late_void_recomputes": mid.void_recomputes - before.void_recomputes,
        "late_removal_ops": late_removal.len(),
        "late_removal_seconds": late_secs,
        "late_removal_voided": live.voided().len() - voided_before,
        "late_removal_rewinds": after.rewinds - mid.rewinds,
        "late_removal_vs_scratch": late_secs / scratch_secs.max(1e-9),
    });
    emit(ctx.json, &figures, || {
        format!(
            "kenes bench removal: {} ops, {MEMBERS} members, {COMMITTEES} committees, {accepted} removals accepted \
             ({} concurrent with {WINDOW} ops each), {voided} ops voided\n\
             \n\
             limit   evaluation of all {} ops from scratch: {:.2} s ({:.0} ops/s)\n\
             figure  the last {} ops ingested one at a time on top of the rest: {:.2} s ({:.0} ops/s, {} Void(T) recomputes)\n\
             figure  one late removal ({} ops) after that {}-op partition: {:.3} s = {:.4} of the full re-evaluation \
             ({} ops voided, {} committee rewinds; digest matches the from-scratch evaluation)",
            all.len(),
            (removals - 1) / CONCURRENT_EVERY + 1,
            all.len(),
            scratch_secs,
            rate(all.len(), scratch_secs),
            partition.len(),
            partition_secs,
            rate(partition.len(), partition_secs),
            mid.void_recomputes - before.void_recomputes,
            late_removal.len(),
            partition.len(),
            late_secs,
            late_secs / scratch_secs.max(1e-9),
            live.voided().len() - voided_before,
            after.rewinds - mid.rewinds,
        )
    });
    Ok(())
}
