//! `kenes bench`: performance figures, each printed next to the limit it is
//! measured against, from the same run. Figures, not tests: nothing here
//! fails on a slow machine.
//!
//! `kenes bench ingest` builds a federation of 1,000 members in memory
//! (every op valid and signed), then measures:
//! 1. raw batch signature verification on one core (the limit);
//! 2. end-to-end ingest into a fresh SQLite database: decode, verify,
//!    order, fold, commit;
//! 3. their ratio;
//! 4. a re-fold of every op from scratch;
//! 5. merging late ops from a partition, which sort before the tip, into
//!    the full state;
//! 6. the start-up of a read command, from the snapshot and by replay;
//! 7. a writing command's start-up and memory;
//! 8. the end-to-end ingest of step 2 into an encrypted database (SQLCipher,
//!    keyed from a passphrase as a data directory with one is), and a read
//!    command's start-up there: the cost of encryption at rest (issue 14).
//!
//! `kenes bench scale` (in `scale`) builds a federation of any size on disk
//! as a stream and measures the same figures against issue 18's goals;
//! what both measure alike is in `measure`.

mod bundle_archive;
mod measure;
mod removal;
mod scale;
mod web;

use crate::cli::BenchCommand;
use crate::context::Context;
use crate::output::{emit, progress};
use anyhow::{Result, ensure};
use kenes_core::body::{CommitteeKind, Policy};
use kenes_core::prepare::VERIFY_BATCH;
use kenes_core::rng::SplitMix64;
use kenes_core::{Body, Engine, Hash, Op, SecretKey, Verify};
use kenes_store::Store;
use measure::{
    INGEST_BATCH, READ_STARTUP_LIMIT_SECS, RSS_LIMIT_BYTES_PER_OP, load_in_child, member_key,
    one_core_verify_rate, peak_rss_bytes, rate, timed_ingest,
};
use serde_json::json;
use std::time::Instant;

const MEMBERS: usize = 1000;
const COMMITTEES: usize = 50;

/// Authors valid ops for a set of members on one replica's view.
struct Generator {
    engine: Engine,
    keys: Vec<SecretKey>,
    committees: Vec<Hash>,
    rng: SplitMix64,
    ops: Vec<Vec<u8>>,
    time: u64,
}

impl Generator {
    /// A federation of [`MEMBERS`] keys (the same in every run) with only
    /// its genesis, by member 0; `seed` drives the activity.
    fn new(seed: u64) -> Generator {
        let keys: Vec<SecretKey> = (0..MEMBERS).map(member_key).collect();
        let time = 1_641_081_600_000;
        let genesis = kenes_core::op::genesis(&keys[0], "bench federation", time);
        let mut engine = Engine::new(genesis.id);
        engine.ingest(&[&genesis.bytes], Verify::Trusted);
        Generator {
            engine,
            keys,
            committees: Vec::new(),
            rng: SplitMix64(seed),
            ops: vec![genesis.bytes],
            time,
        }
    }

    fn emit(&mut self, who: usize, body: Body) {
        self.time += 1000;
        let op: Op = self.engine.author(&self.keys[who], body, self.time);
        self.engine.ingest(&[&op.bytes], Verify::Trusted);
        self.ops.push(op.bytes);
    }

    /// One member of `actors` is vouched into a committee by members of
    /// `actors` and joins it; now and then someone leaves or renames.
    fn cycle(&mut self, actors: &[usize], home: impl Fn(usize) -> usize) {
        let who = actors[self.rng.below(actors.len())];
        let me = self.keys[who].public();
        match self.rng.below(10) {
            0 => {
                let n = self.rng.next_u64() % 1000;
                self.emit(
                    who,
                    Body::Profile {
                        name: format!("member {who} ({n})"),
                    },
                );
                return;
            }
            1 | 2 => {
                let state = self.engine.state();
                let leavable: Vec<Hash> = state
                    .committees
                    .values()
                    .filter(|c| c.members.contains(&me) && c.id != self.committees[home(who)])
                    .map(|c| c.id)
                    .collect();
                if !leavable.is_empty() {
                    let c = leavable[self.rng.below(leavable.len())];
                    self.emit(who, Body::Leave { committee: c });
                    return;
                }
            }
            _ => {}
        }
        let c = self.committees[self.rng.below(self.committees.len())];
        let committee = &self.engine.state().committees[&c];
        if committee.members.contains(&me) {
            return;
        }
        let already = committee.candidates.get(&me).cloned().unwrap_or_default();
        let need = committee.vouches_needed() as usize;
        let vouchers: Vec<usize> = actors
            .iter()
            .copied()
            .filter(|&a| {
                let k = self.keys[a].public();
                committee.members.contains(&k) && !already.contains(&k)
            })
            .take(need.saturating_sub(already.len()))
            .collect();
        if already.len() + vouchers.len() < need {
            return;
        }
        for v in vouchers {
            self.emit(
                v,
                Body::Vouch {
                    committee: c,
                    candidate: me,
                },
            );
        }
        self.emit(who, Body::Join { committee: c });
    }
}

pub fn run(ctx: &Context, cmd: BenchCommand) -> Result<()> {
    match cmd {
        BenchCommand::Ingest { ops, late } => ingest(ctx, ops, late),
        BenchCommand::Tally { ballots, seats } => tally(ctx, ballots, seats),
        BenchCommand::Load { db } => measure::load(&db),
        BenchCommand::Child { args } => measure::child(&args),
        BenchCommand::Sync { items, diff } => sync(ctx, items, diff),
        BenchCommand::Web {
            scale,
            requests,
            comments,
        } => web::run(ctx, scale, requests, comments),
        BenchCommand::Removal {
            ops,
            removals,
            late,
        } => removal::run(ctx, ops, removals, late),
        BenchCommand::Scale {
            ops,
            members,
            late,
            keep,
        } => scale::run(ctx, ops, members, late, keep.as_deref()),
    }
}

fn ingest(ctx: &Context, total: usize, late: usize) -> Result<()> {
    ensure!(total >= 5_000, "use at least 5000 ops");
    let mut g = Generator::new(2022);
    let federation = g.engine.federation();
    let bar = progress((total + late) as u64, "building");
    for i in 0..COMMITTEES {
        g.emit(
            0,
            Body::CreateCommittee {
                name: format!("committee {i}"),
                kind: CommitteeKind::Territorial {
                    area: format!("Kazakhstan/Region {}/City {i}", i % 14),
                },
                policy: Policy::default(),
            },
        );
        let id = Hash::of(g.ops.last().map_or(&[][..], |b| b.as_slice()));
        g.committees.push(id);
    }
    let home = |m: usize| m % COMMITTEES;
    // Everyone joins a home committee, vouched by its members.
    let everyone: Vec<usize> = (0..MEMBERS).collect();
    for m in 1..MEMBERS {
        let c = g.committees[home(m)];
        let me = g.keys[m].public();
        let committee = &g.engine.state().committees[&c];
        let need = committee.vouches_needed() as usize;
        let vouchers: Vec<usize> = everyone
            .iter()
            .copied()
            .filter(|&a| committee.members.contains(&g.keys[a].public()))
            .take(need)
            .collect();
        for v in vouchers {
            g.emit(
                v,
                Body::Vouch {
                    committee: c,
                    candidate: me,
                },
            );
        }
        g.emit(m, Body::Join { committee: c });
        bar.set_position(g.ops.len() as u64);
    }
    // A partition: one member in ten goes quiet for the main branch and
    // acts only on its own side, concurrently with the last `late` ops of
    // the main branch.
    let partition: Vec<usize> = (1..MEMBERS).filter(|m| m % 10 == 1).collect();
    let main_side: Vec<usize> = (0..MEMBERS).filter(|m| m % 10 != 1).collect();
    let split = total.saturating_sub(late).max(g.ops.len());
    while g.ops.len() < split {
        g.cycle(&everyone, home);
        bar.set_position(g.ops.len() as u64);
    }
    let mut side = Generator {
        engine: Engine::new(federation),
        keys: g.keys.clone(),
        committees: g.committees.clone(),
        rng: SplitMix64(1986),
        ops: Vec::new(),
        time: g.time,
    };
    side.engine.ingest(&g.ops, Verify::Trusted);
    while g.ops.len() < total {
        g.cycle(&main_side, home);
        bar.set_position((g.ops.len() + side.ops.len()) as u64);
    }
    while side.ops.len() < late {
        side.cycle(&partition, home);
        bar.set_position((g.ops.len() + side.ops.len()) as u64);
    }
    bar.finish_and_clear();
    let main_ops = g.ops;
    let late_ops = side.ops;

    // 1. The limit: batch verification on one core.
    let verify_rate = one_core_verify_rate(&main_ops)?;

    // 2. End-to-end ingest into a fresh database.
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("bench.sqlite");
    let mut store = Store::create_empty(&path, federation)?;
    let ingest_secs = timed_ingest(&mut store, &main_ops, "ingesting")?;
    let mut dropped = 0;
    let ingest_rate = rate(main_ops.len(), ingest_secs);
    let applied = (0..store.engine().len() as u32)
        .filter(|&o| store.engine().is_applied_at(o))
        .count();

    // 4. Re-fold from scratch (decode, order, validity, fold; no signatures).
    let started = Instant::now();
    let mut refold = Engine::new(federation);
    refold.ingest(&main_ops, Verify::Trusted);
    let refold_secs = started.elapsed().as_secs_f64();
    ensure!(
        refold.digest() == store.engine().digest(),
        "re-fold must match"
    );

    // 5. Late ops from the partition, into the full state.
    let before = store.engine().stats();
    let started = Instant::now();
    store.ingest_stream(
        &late_ops,
        INGEST_BATCH,
        Verify::Signatures,
        |report, _, _| {
            dropped += report.dropped.len();
        },
    )?;
    ensure!(dropped == 0, "late ops must all be accepted");
    let late_secs = started.elapsed().as_secs_f64();
    let after = store.engine().stats();
    let mut all = Engine::new(federation);
    let mut everything = main_ops.clone();
    everything.extend(late_ops.iter().cloned());
    all.ingest(&everything, Verify::Trusted);
    let converged = all.digest() == store.engine().digest();
    ensure!(converged, "late merge must match a from-scratch evaluation");

    // 6. Start-up of a read command on the result: with the snapshot the
    // writer left forgotten, the first replays the log and saves one, the
    // next reads it.
    let stored = store.engine().len();
    drop(store);
    Store::forget_read_snapshot(&path, None)?;
    let started = Instant::now();
    let replayed = Store::read_view(&path)?;
    let replay_secs = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let read = Store::read_view(&path)?;
    let snapshot_secs = started.elapsed().as_secs_f64();
    ensure!(
        read.from_snapshot
            && read.digest == replayed.digest
            && read.state == replayed.state
            && read.live_tallies == replayed.live_tallies
            && read.council_ballots == replayed.council_ballots
            && read.not_applied == replayed.not_applied
            && read.alerts == replayed.alerts,
        "a read from the snapshot must give the replay's state, tallies, outcomes and alerts"
    );
    // 7. A writing command's start-up: the engine loaded from the store,
    // in a process of its own so that its memory is the engine's alone.
    let loaded = load_in_child(&path)?;
    let load_secs = loaded.seconds;
    let load_rss = loaded.peak_rss_bytes;
    let load_per_op = loaded.bytes_per_op();

    // 8. The same ingest into an encrypted database, after the clear one
    // is closed, so that the two stores never share memory or caches.
    let started = Instant::now();
    let store_key = kenes_store::storekey::StoreKey::derive(dir.path(), "kenes bench passphrase")?;
    let derive_secs = started.elapsed().as_secs_f64();
    let sealed_path = dir.path().join("bench-encrypted.sqlite");
    let mut sealed = Store::create_keyed(&sealed_path, federation, &[], Some(&store_key))?;
    let encrypted_secs = timed_ingest(&mut sealed, &main_ops, "ingesting, encrypted")?;
    ensure!(
        sealed.engine().digest() == refold.digest(),
        "the encrypted store must hold the same state"
    );
    drop(sealed);
    let encrypted_rate = rate(main_ops.len(), encrypted_secs);
    let started = Instant::now();
    let read = Store::read_view_keyed(&sealed_path, Some(&store_key))?;
    let encrypted_snapshot_secs = started.elapsed().as_secs_f64();
    ensure!(read.from_snapshot, "the encrypted store keeps its snapshot");

    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let ratio = ingest_rate / verify_rate;
    let peak = peak_rss_bytes();
    let per_op = peak.map(|bytes| bytes as f64 / main_ops.len().max(1) as f64);
    let figures = json!({
        "ops": main_ops.len(),
        "members": MEMBERS,
        "committees": COMMITTEES,
        "applied": applied,
        "cores": threads,
        "verify_one_core_per_sec": verify_rate.round(),
        "ingest_end_to_end_per_sec": ingest_rate.round(),
        "ingest_seconds": ingest_secs,
        "ratio": ratio,
        "goal_ratio": 0.8,
        "refold_seconds": refold_secs,
        "late_ops": late_ops.len(),
        "late_merge_seconds": late_secs,
        "late_projected_ops": after.projected - before.projected,
        "late_rewinds": after.rewinds - before.rewinds,
        "late_converged": converged,
        "ingest_encrypted_per_sec": encrypted_rate.round(),
        "ingest_encrypted_seconds": encrypted_secs,
        "encrypted_over_clear": encrypted_rate / ingest_rate,
        "store_key_derive_seconds": derive_secs,
        "read_startup_encrypted_snapshot_seconds": encrypted_snapshot_secs,
        "read_startup_snapshot_seconds": snapshot_secs,
        "read_startup_replay_seconds": replay_secs,
        "goal_read_startup_seconds": READ_STARTUP_LIMIT_SECS,
        "load_seconds": load_secs,
        "load_peak_rss_bytes": load_rss,
        "load_peak_rss_bytes_per_op": load_per_op.map(f64::round),
        "peak_rss_bytes": peak,
        "peak_rss_bytes_per_op": per_op.map(f64::round),
        "goal_peak_rss_bytes_per_op": RSS_LIMIT_BYTES_PER_OP.round(),
    });
    emit(ctx.json, &figures, || {
        format!(
            "kenes bench ingest: {} ops from {MEMBERS} members in {COMMITTEES} committees ({applied} applied), {threads} cores\n\
             \n\
             limit   batch signature verification, one core ({VERIFY_BATCH}/batch): {:>9.0} ops/s\n\
             figure  end-to-end ingest into SQLite (decode, verify, order, fold, commit): {:>9.0} ops/s  ({:.2} s)\n\
             ratio   {:.2}   (goal: >= 0.80 of the one-core limit; verification runs on {threads} cores)\n\
             figure  the same ingest into an encrypted store (SQLCipher): {encrypted_rate:>9.0} ops/s  ({encrypted_secs:.2} s), \
             {:.2} of the clear store's; the store key takes {derive_secs:.2} s to derive (Argon2id), \
             a read command starts in {encrypted_snapshot_secs:.3} s from the encrypted snapshot\n\
             \n\
             re-fold of all {} ops from scratch: {:.2} s\n\
             merge of {} late ops (sorting before the tip) into the {}-op state: {:.2} s \
             ({} judged on a projection of their past, {} committee rewinds; digest matches a from-scratch evaluation)\n\
             start-up of a read command (`kenes state`) on the {stored}-op store: {snapshot_secs:.3} s from the snapshot \
             (limit {READ_STARTUP_LIMIT_SECS} s); {replay_secs:.2} s replaying the log\n\
             \n\
             {}\n\
             {}",
            main_ops.len(),
            verify_rate,
            ingest_rate,
            ingest_secs,
            ratio,
            encrypted_rate / ingest_rate,
            main_ops.len(),
            refold_secs,
            late_ops.len(),
            main_ops.len(),
            late_secs,
            after.projected - before.projected,
            after.rewinds - before.rewinds,
            match (peak, per_op) {
                (Some(bytes), Some(per_op)) => format!(
                    "memory  peak RSS of the whole bench: {:.0} MB = {per_op:.0} bytes per op \
                     (limit: 2 GB at 10,000,000 ops = {RSS_LIMIT_BYTES_PER_OP:.0} bytes per op)",
                    bytes as f64 / 1e6
                ),
                _ => "memory  peak RSS not measured on this system".to_string(),
            },
            match (load_rss, load_per_op) {
                (Some(bytes), Some(per_op)) => format!(
                    "memory  a writing command's engine, loaded from the {stored}-op store in {load_secs:.2} s: \
                     peak RSS {:.0} MB, of which loading added {per_op:.0} bytes per op (limit {RSS_LIMIT_BYTES_PER_OP:.0})",
                    bytes as f64 / 1e6
                ),
                _ => "memory  of a loaded engine not measured on this system".to_string(),
            },
        )
    });
    Ok(())
}

/// The goal for one Schulze election of 10 candidates over 100,000
/// ballots on a quiet 2-core machine (issue 18).
const ELECTION_LIMIT_SECS: f64 = 0.05;

/// Times the counting rules on large inputs: an election of 10 candidates
/// by Schulze, and a decision in a council whose seats are weighted by the
/// members they represent.
fn tally(ctx: &Context, ballots: usize, seats: usize) -> Result<()> {
    use kenes_core::tally::{Choice, DecisionCount, Threshold, scale_weights, schulze};
    let mut rng = SplitMix64(45);
    let candidates: Vec<kenes_core::PublicKey> = (0..10u8)
        .map(|i| kenes_core::PublicKey([i + 1; 32]))
        .collect();
    let cast: Vec<(u128, Vec<kenes_core::PublicKey>)> = (0..ballots)
        .map(|_| {
            let mut ranking = candidates.clone();
            for i in (1..ranking.len()).rev() {
                ranking.swap(i, rng.below(i + 1));
            }
            ranking.truncate(1 + rng.below(ranking.len()));
            (1, ranking)
        })
        .collect();
    let ids: Vec<Hash> = (0..ballots as u64)
        .map(|i| Hash::of(&i.to_le_bytes()))
        .collect();
    let started = Instant::now();
    let election = schulze(&candidates, &cast, &ids, 3);
    let election_secs = started.elapsed().as_secs_f64();

    // 1,000 seats from committees of 5 to 500 members with 1 to 3 seats.
    let mut per_seat = Vec::with_capacity(seats);
    while per_seat.len() < seats {
        let members = 5 + rng.below(496) as u64;
        let committee_seats = 1 + rng.below(3) as u64;
        for _ in 0..committee_seats {
            per_seat.push((members, committee_seats));
        }
    }
    per_seat.truncate(seats);
    let started = Instant::now();
    let weights = scale_weights(&per_seat);
    let mut count = DecisionCount {
        electorate: weights.iter().sum(),
        ..DecisionCount::default()
    };
    for (i, w) in weights.iter().enumerate() {
        let choice = [Choice::Yes, Choice::Yes, Choice::No, Choice::Abstain][i % 4];
        count.add(choice, *w);
    }
    let verdict = count.decide(Threshold::Ordinary, kenes_core::body::Ratio(1, 2), false);
    let council_secs = started.elapsed().as_secs_f64();

    // The demo federation, folded from scratch (no signature checks).
    let (_, demo_ops) = crate::demo::build(indicatif::ProgressBar::hidden(), 1)?;
    let federation = Op::decode(&demo_ops[0])
        .map(|g| g.id)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let started = Instant::now();
    let mut demo = Engine::new(federation);
    demo.ingest(&demo_ops, Verify::Trusted);
    let demo_secs = started.elapsed().as_secs_f64();
    ensure!(
        demo.len() == demo_ops.len(),
        "every demo op must be accepted"
    );
    let figures = json!({
        "election_ballots": ballots,
        "election_candidates": candidates.len(),
        "election_seconds": election_secs,
        "election_limit_seconds": ELECTION_LIMIT_SECS,
        "election_within_limit": election_secs < ELECTION_LIMIT_SECS,
        "council_seats": seats,
        "council_seconds": council_secs,
        "council_passed": verdict.is_ok(),
        "demo_ops": demo_ops.len(),
        "demo_fold_seconds": demo_secs,
    });
    emit(ctx.json, &figures, || {
        format!(
            "kenes bench tally\n\
             limit   Schulze election, 10 candidates, 100000 ballots, quiet 2-core machine: {ELECTION_LIMIT_SECS:.3} s\n\
             figure  Schulze election, {} candidates, {ballots} ballots: {:.3} s (elected {} of them; {})\n\
             council decision, {seats} seats weighted by represented members: {:.6} s ({})\n\
             fold of the demo federation ({} ops) from scratch: {:.3} s",
            candidates.len(),
            election_secs,
            election.elected.len(),
            if election_secs < ELECTION_LIMIT_SECS {
                "within the limit"
            } else {
                "over the limit"
            },
            council_secs,
            if verdict.is_ok() { "passed" } else { "failed" },
            demo_ops.len(),
            demo_secs,
        )
    });
    Ok(())
}

/// Figures of one reconciliation run.
#[derive(serde::Serialize, Default)]
struct SyncFigures {
    round_trips: usize,
    bytes: usize,
    client_cpu_ms: f64,
    server_cpu_ms: f64,
    found: usize,
}

/// Reconciles two in-memory sets with kenes and with the negentropy crate,
/// each side timed separately (every call runs on this thread, so wall time
/// is CPU time).
fn sync(ctx: &Context, items: usize, diff: usize) -> Result<()> {
    use kenes_sync::{Reconciler, SyncIndex};
    use negentropy::{Id, Negentropy, NegentropyStorageVector};
    ensure!(diff <= items, "--diff cannot exceed --items");
    let item = |i: u64| (i / 8, Hash::of(&i.to_le_bytes()));
    let shared = items - diff;
    let mut ours: Vec<(u64, Hash)> = (0..shared as u64).map(item).collect();
    let mut theirs = ours.clone();
    // Differences spread evenly through the order, the hard case.
    for i in 0..diff as u64 {
        let at = i * items as u64 / diff.max(1) as u64;
        let extra = (at / 8, Hash::of(&(10_000_000_000 + i).to_le_bytes()));
        if i % 2 == 0 {
            ours.push(extra)
        } else {
            theirs.push(extra)
        }
    }
    let started = Instant::now();
    let our_index = SyncIndex::from_items(ours.clone());
    let their_index = SyncIndex::from_items(theirs.clone());
    let index_ms = started.elapsed().as_secs_f64() * 1000.0 / 2.0;
    let storage = |set: &[(u64, Hash)]| -> Result<NegentropyStorageVector> {
        let mut s = NegentropyStorageVector::new();
        for (t, id) in set {
            s.insert(*t, Id::from_byte_array(id.0))
                .map_err(|e| anyhow::anyhow!("{e}"))?;
        }
        s.seal().map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok(s)
    };
    let (neg_ours, neg_theirs) = (storage(&ours)?, storage(&theirs)?);

    let mut k = SyncFigures::default();
    let mut client = Reconciler::new(&our_index);
    let mut server = Reconciler::new(&their_index);
    let t = Instant::now();
    let mut message = client.initiate();
    k.client_cpu_ms += t.elapsed().as_secs_f64() * 1000.0;
    let (mut have, mut need) = (Vec::new(), Vec::new());
    loop {
        k.round_trips += 1;
        let t = Instant::now();
        let reply = server.respond(&message)?;
        k.server_cpu_ms += t.elapsed().as_secs_f64() * 1000.0;
        k.bytes += message.len() + reply.len();
        let t = Instant::now();
        let next = client.reconcile(&reply, &mut have, &mut need)?;
        k.client_cpu_ms += t.elapsed().as_secs_f64() * 1000.0;
        match next {
            Some(m) => message = m,
            None => break,
        }
    }
    k.found = have.len() + need.len();

    let mut n = SyncFigures::default();
    let mut client = Negentropy::borrowed(&neg_ours, 0).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut server = Negentropy::borrowed(&neg_theirs, 0).map_err(|e| anyhow::anyhow!("{e}"))?;
    let t = Instant::now();
    let mut message = client.initiate().map_err(|e| anyhow::anyhow!("{e}"))?;
    n.client_cpu_ms += t.elapsed().as_secs_f64() * 1000.0;
    let (mut have, mut need): (Vec<Id>, Vec<Id>) = (Vec::new(), Vec::new());
    loop {
        n.round_trips += 1;
        let t = Instant::now();
        let reply = server
            .reconcile(&message)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        n.server_cpu_ms += t.elapsed().as_secs_f64() * 1000.0;
        n.bytes += message.len() + reply.len();
        let t = Instant::now();
        let next = client
            .reconcile_with_ids(&reply, &mut have, &mut need)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        n.client_cpu_ms += t.elapsed().as_secs_f64() * 1000.0;
        match next {
            Some(m) => message = m,
            None => break,
        }
    }
    n.found = have.len() + need.len();
    ensure!(
        k.found == diff && n.found == diff,
        "both must find every difference"
    );

    // d·log2(e·N/d) bits to name the differing items, plus their ids.
    let floor_bytes = if diff == 0 {
        0.0
    } else {
        let (d, total) = (diff as f64, items as f64);
        d * (std::f64::consts::E * total / d).log2() / 8.0 + d * 32.0
    };
    let figures = json!({
        "items": items,
        "differences": diff,
        "kenes": k,
        "negentropy": n,
        "floor_bytes": floor_bytes.round(),
        "kenes_index_build_ms_per_side": index_ms,
    });
    emit(ctx.json, &figures, || {
        format!(
            "kenes bench sync: {items} items per side, {diff} differences\n\
             {:<22} {:>12} {:>12}\n\
             {:<22} {:>12} {:>12}\n\
             {:<22} {:>12} {:>12}\n\
             {:<22} {:>12.1} {:>12.1}\n\
             {:<22} {:>12.1} {:>12.1}\n\
             floor: {:.0} bytes (d·log2(e·N/d) bits + 32 bytes per id); kenes/negentropy bytes: {:.2}\n\
             (the kenes index is built once per node and kept: {:.1} ms per side here)",
            "",
            "kenes",
            "negentropy",
            "round trips",
            k.round_trips,
            n.round_trips,
            "total bytes",
            k.bytes,
            n.bytes,
            "client CPU ms",
            k.client_cpu_ms,
            n.client_cpu_ms,
            "server CPU ms",
            k.server_cpu_ms,
            n.server_cpu_ms,
            floor_bytes,
            k.bytes as f64 / (n.bytes.max(1)) as f64,
            index_ms,
        )
    });
    Ok(())
}
