//! `kenes bench scale` (issue 18): a federation of up to millions of
//! members and ops, built on disk as a stream, then ingested, re-folded and
//! merged, with every figure printed next to its goal from the same run.
//!
//! The generator never holds the ops it made. It keeps what it needs to go
//! on making valid ones (each member's position in their log, who is in
//! which committee, the last op) and writes each op into a bundle file as
//! it signs it. Every op follows the one before it, so an op's causal past
//! is everything generated before it and the generator's own bookkeeping
//! decides what is authorised, as the fold will. Keys are derived from the
//! member's number when signing, not kept.
//!
//! Then, one engine in memory at a time:
//! 1. one core's batch signature verification over the first ops (the
//!    limit);
//! 2. `kenes import` of the bundle into a fresh data directory, end to end;
//! 3. a re-fold of every op from scratch (decoded on the preparing pool
//!    while one thread folds), which must give the same digest;
//! 4. a writing command's engine loaded from the store, in a child process
//!    (its peak memory per op is the engine's resident bytes per op);
//! 5. the merge of late ops from a partition into the full state, which
//!    must give the digest of both sides evaluated together;
//! 6. `kenes state` on the result as a child process: from the snapshot
//!    the merging store left when it closed, then, with that forgotten,
//!    replaying the log;
//! 7. this bench's own peak memory.

use super::bundle_archive::{BundleArchive, Counting, places};
use super::measure::{
    INGEST_BATCH, READ_RSS_LIMIT_BYTES, READ_STARTUP_LIMIT_SECS, RSS_LIMIT_BYTES_PER_OP,
    batch_verify_seconds, load_in_child, member_key, peak_rss_bytes, rate, run_kenes, timed_import,
};
use crate::context::Context;
use crate::output::{emit, progress};
use anyhow::{Context as _, Result, ensure};
use kenes_core::body::{CommitteeKind, Policy};
use kenes_core::op::{UnsignedOp, VERSION};
use kenes_core::rng::SplitMix64;
use kenes_core::{Body, Engine, Hash, PublicKey, Verify};
use kenes_store::Store;
use kenes_store::bundle::{BundleReader, BundleWriter};
use kenes_store::datadir::DataDir;
use kenes_store::pool::with_preparing_pool;
use serde_json::json;
use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::Path;
use std::time::Instant;

/// Members per committee when the federation is founded.
const MEMBERS_PER_COMMITTEE: usize = 20;

/// Ops verified for the one-core limit: enough for a steady rate.
const VERIFY_SAMPLE: usize = 200_000;

/// Issue 18's goal for a re-fold from scratch: 6 s at 1M ops, 60 s at 10M.
const REFOLD_LIMIT_SECS_PER_OP: f64 = 6e-6;

/// Issue 18's goal for a late merge, as a share of the re-fold.
const LATE_MERGE_LIMIT_SHARE: f64 = 0.01;

/// Re-folds timed; the fastest is reported.
const REFOLD_RUNS: usize = 3;

/// Issue 18's goal for ingest over one core's batch verification.
const INGEST_RATIO_GOAL: f64 = 1.0;

/// One member's own log, as far as the generator wrote it.
#[derive(Clone, Default)]
struct Log {
    /// The seq of their next op.
    next_seq: u64,
    /// Their last op.
    last: Option<Hash>,
}

/// The side of a partition a member acts on.
#[derive(Clone, Copy)]
enum Side {
    /// Everyone, before the partition.
    Everyone,
    /// The nine members in ten who stay on the main branch.
    Main,
    /// The one member in ten who acts only on the late branch.
    Partition,
}

impl Side {
    fn acts(self, member: usize) -> bool {
        match self {
            Side::Everyone => true,
            Side::Main => member % 10 != 1,
            Side::Partition => member % 10 == 1,
        }
    }
}

/// What the generator keeps to go on making valid ops on one branch:
/// O(members + committees) memory, whatever the number of ops.
#[derive(Clone)]
struct Model {
    federation: Hash,
    publics: Vec<PublicKey>,
    logs: Vec<Log>,
    committees: Vec<Hash>,
    /// Members of each committee, by member number, in no order.
    members_of: Vec<Vec<u32>>,
    /// Committees each member joined besides their home committee.
    joined: Vec<Vec<u32>>,
    /// The last op on this branch, and its lamport.
    tip: (Hash, u64),
    time: u64,
    rng: SplitMix64,
}

/// Where generated ops go: a bundle file of a fixed number of ops.
struct Sink {
    writer: BundleWriter<BufWriter<File>>,
    written: usize,
    target: usize,
}

impl Sink {
    fn create(path: &Path, federation: Hash, target: usize) -> Result<Sink> {
        let file = BufWriter::with_capacity(1 << 20, File::create(path)?);
        Ok(Sink {
            writer: BundleWriter::new(file, federation, target as u64)?,
            written: 0,
            target,
        })
    }

    fn remaining(&self) -> usize {
        self.target - self.written
    }

    fn finish(self) -> Result<()> {
        self.writer.finish()?;
        Ok(())
    }
}

impl Model {
    /// A federation founded by member 0, with every member's public key
    /// (derived once: deriving is as costly as signing).
    fn new(members: usize, seed: u64, bar: &indicatif::ProgressBar) -> Model {
        let publics = (0..members)
            .map(|i| {
                bar.inc(1);
                member_key(i).public()
            })
            .collect();
        Model {
            federation: Hash::ZERO,
            publics,
            logs: vec![Log::default(); members],
            committees: Vec::new(),
            members_of: Vec::new(),
            joined: vec![Vec::new(); members],
            tip: (Hash::ZERO, 0),
            time: 1_641_081_600_000,
            rng: SplitMix64(seed),
        }
    }

    /// Writes the genesis by member 0: the federation's id.
    fn found(&mut self, path: &Path, target: usize) -> Result<Sink> {
        let genesis = kenes_core::op::genesis(&member_key(0), "bench federation", self.time);
        self.federation = genesis.id;
        let mut sink = Sink::create(path, genesis.id, target)?;
        sink.writer.push(&genesis.bytes)?;
        sink.written += 1;
        self.logs[0] = Log {
            next_seq: 1,
            last: Some(genesis.id),
        };
        self.tip = (genesis.id, 0);
        Ok(sink)
    }

    /// Signs `body` by member `who` after the tip, and writes it.
    fn emit(&mut self, sink: &mut Sink, who: usize, body: Body) -> Result<Hash> {
        self.time += 1000;
        let log = &self.logs[who];
        let (tip, tip_lamport) = self.tip;
        let op = UnsignedOp {
            version: VERSION,
            federation: self.federation,
            author: self.publics[who],
            seq: log.next_seq,
            prev: log.last,
            deps: if log.last == Some(tip) {
                Vec::new()
            } else {
                vec![tip]
            },
            lamport: tip_lamport + 1,
            time: self.time,
            body,
        }
        .sign(&member_key(who));
        sink.writer.push(&op.bytes)?;
        sink.written += 1;
        self.logs[who] = Log {
            next_seq: log.next_seq + 1,
            last: Some(op.id),
        };
        self.tip = (op.id, tip_lamport + 1);
        Ok(op.id)
    }

    /// Member 0 creates `count` territorial committees.
    fn create_committees(&mut self, sink: &mut Sink, count: usize) -> Result<()> {
        for i in 0..count {
            let id = self.emit(
                sink,
                0,
                Body::CreateCommittee {
                    name: format!("committee {i}"),
                    kind: CommitteeKind::Territorial {
                        area: format!("Kazakhstan/Region {}/City {i}", i % 14),
                    },
                    policy: Policy::default(),
                },
            )?;
            self.committees.push(id);
            self.members_of.push(vec![0]);
            if i != 0 {
                self.joined[0].push(i as u32);
            }
        }
        Ok(())
    }

    fn home(&self, member: usize) -> usize {
        member % self.committees.len()
    }

    /// Vouches needed to join `committee` now (its policy's 2, clamped to
    /// its member count, at least 1).
    fn vouches_needed(&self, committee: usize) -> usize {
        Policy::default()
            .vouches_required
            .min(u32::try_from(self.members_of[committee].len()).unwrap_or(u32::MAX))
            .max(1) as usize
    }

    /// Members of `committee` on `side` who can vouch for `who`, from a
    /// random place in the list: `need` of them, or none if too few.
    fn vouchers(&mut self, committee: usize, who: usize, side: Side) -> Vec<usize> {
        let need = self.vouches_needed(committee);
        let members = &self.members_of[committee];
        let start = self.rng.below(members.len());
        let found: Vec<usize> = (0..members.len())
            .map(|k| members[(start + k) % members.len()] as usize)
            .filter(|&m| m != who && side.acts(m))
            .take(need)
            .collect();
        if found.len() == need {
            found
        } else {
            Vec::new()
        }
    }

    /// `who` is vouched into `committee` and joins it: `need + 1` ops, or
    /// none if too few members on this side can vouch.
    fn join(&mut self, sink: &mut Sink, committee: usize, who: usize, side: Side) -> Result<bool> {
        let vouchers = self.vouchers(committee, who, side);
        if vouchers.is_empty() || vouchers.len() + 1 > sink.remaining() {
            return Ok(false);
        }
        let id = self.committees[committee];
        let candidate = self.publics[who];
        for v in vouchers {
            self.emit(
                sink,
                v,
                Body::Vouch {
                    committee: id,
                    candidate,
                },
            )?;
        }
        self.emit(sink, who, Body::Join { committee: id })?;
        self.members_of[committee].push(who as u32);
        Ok(true)
    }

    /// Every member but the founder joins their home committee.
    fn join_homes(&mut self, sink: &mut Sink, bar: &indicatif::ProgressBar) -> Result<()> {
        for who in 1..self.publics.len() {
            let home = self.home(who);
            ensure!(
                self.join(sink, home, who, Side::Everyone)?,
                "too few ops for every member to join a committee"
            );
            bar.set_position(sink.written as u64);
        }
        Ok(())
    }

    /// One member of `side` acts: renames themself, leaves a committee
    /// besides their home, or is vouched into another and joins it.
    fn cycle(&mut self, sink: &mut Sink, side: Side) -> Result<()> {
        let who = loop {
            let m = self.rng.below(self.publics.len());
            if side.acts(m) {
                break m;
            }
        };
        let roll = self.rng.below(10);
        if roll == 1 || roll == 2 {
            let joined = &mut self.joined[who];
            if !joined.is_empty() {
                let at = self.rng.below(joined.len());
                let committee = joined.swap_remove(at) as usize;
                let members = &mut self.members_of[committee];
                if let Some(k) = members.iter().position(|&m| m as usize == who) {
                    members.swap_remove(k);
                }
                let id = self.committees[committee];
                self.emit(sink, who, Body::Leave { committee: id })?;
                return Ok(());
            }
        }
        if roll != 0 && sink.remaining() >= 3 {
            let committee = self.rng.below(self.committees.len());
            let is_member = self.members_of[committee]
                .iter()
                .any(|&m| m as usize == who);
            if !is_member && self.join(sink, committee, who, side)? {
                self.joined[who].push(committee as u32);
                return Ok(());
            }
        }
        let n = self.rng.next_u64() % 1000;
        self.emit(
            sink,
            who,
            Body::Profile {
                name: format!("member {who} ({n})"),
            },
        )?;
        Ok(())
    }

    /// Acts on `side` until `sink` holds `until` ops.
    fn run(
        &mut self,
        sink: &mut Sink,
        side: Side,
        until: usize,
        bar: &indicatif::ProgressBar,
        offset: usize,
    ) -> Result<()> {
        while sink.written < until {
            self.cycle(sink, side)?;
            bar.set_position((offset + sink.written) as u64);
        }
        Ok(())
    }
}

/// The smallest number of ops in which `members` members found their
/// committees: the genesis, the committees, and for each member but the
/// founder two vouches (one for a committee's first) and a join.
fn founding_ops(members: usize, committees: usize) -> usize {
    1 + committees + 3 * (members - 1) - committees.min(members - 1)
}

/// Reads the bundle at `path` in batches and hands each to `each`.
fn for_each_batch(path: &Path, mut each: impl FnMut(Vec<Vec<u8>>)) -> Result<()> {
    let mut reader = BundleReader::new(BufReader::with_capacity(1 << 20, File::open(path)?))?;
    loop {
        let batch = reader.next_batch(INGEST_BATCH, usize::MAX)?;
        if batch.is_empty() {
            return Ok(());
        }
        each(batch);
    }
}

/// Folds the bundle at `path` into `engine` with its signatures trusted,
/// decoding on the preparing pool: the seconds it took, reading the file
/// included (the pool decodes while this thread reads, so leaving the
/// reading out would leave out decoding too).
fn refold_from(path: &Path, engine: &mut Engine, bar: &indicatif::ProgressBar) -> Result<f64> {
    let mut reader = BundleReader::new(Counting {
        inner: BufReader::with_capacity(1 << 20, File::open(path)?),
        read: 0,
    })?;
    let (archive, offsets) = BundleArchive::open(File::open(path)?);
    engine.set_archive(Box::new(archive));
    let started = Instant::now();
    let mut read_all = false;
    with_preparing_pool(Verify::Trusted, |pool| -> Result<()> {
        loop {
            while !read_all && pool.in_flight() < REFOLD_BATCHES_AHEAD {
                let start = reader.get_ref().read;
                let batch = reader.next_batch(INGEST_BATCH, usize::MAX)?;
                read_all = batch.is_empty();
                if !read_all {
                    let lens: Vec<usize> = batch.iter().map(Vec::len).collect();
                    pool.send((start, lens), batch);
                }
            }
            let Some(((start, lens), prepared)) = pool.take_next() else {
                return Ok(());
            };
            let at = places(&prepared, start, &lens);
            let report = engine.ingest_prepared(prepared);
            offsets.accepted(engine, &at, &report)?;
            bar.inc(lens.len() as u64);
        }
    })?;
    Ok(started.elapsed().as_secs_f64())
}

/// Batches read ahead of the one being folded in the re-fold.
const REFOLD_BATCHES_AHEAD: usize = 2;

/// Builds the federation into `main` (its first `ops` ops) and `late` (a
/// partition's `late` ops, concurrent with main's last `late`): the
/// federation's id and the number of committees.
fn generate(
    members: usize,
    ops: usize,
    late: usize,
    main: &Path,
    late_path: &Path,
) -> Result<(Hash, usize)> {
    let committees = members.div_ceil(MEMBERS_PER_COMMITTEE);
    let bar = progress(members as u64, "keys");
    let mut model = Model::new(members, 2022, &bar);
    bar.finish_and_clear();
    let bar = progress((ops + late) as u64, "generating");
    let mut sink = model.found(main, ops)?;
    model.create_committees(&mut sink, committees)?;
    model.join_homes(&mut sink, &bar)?;
    // A partition: one member in ten acts only on its own side,
    // concurrently with the main branch's last `late` ops.
    let split = ops - late.min(ops - sink.written);
    model.run(&mut sink, Side::Everyone, split, &bar, 0)?;
    let mut side = model.clone();
    side.rng = SplitMix64(1986);
    model.run(&mut sink, Side::Main, ops, &bar, 0)?;
    sink.finish()?;
    drop(model);
    let mut late_sink = Sink::create(late_path, side.federation, late)?;
    side.run(&mut late_sink, Side::Partition, late, &bar, ops)?;
    late_sink.finish()?;
    bar.finish_and_clear();
    Ok((side.federation, committees))
}

pub fn run(
    ctx: &Context,
    ops: usize,
    members: usize,
    late: usize,
    keep: Option<&Path>,
) -> Result<()> {
    ensure!(members >= 20, "use at least 20 members");
    let committees = members.div_ceil(MEMBERS_PER_COMMITTEE);
    let founding = founding_ops(members, committees);
    ensure!(
        ops >= founding,
        "use at least {founding} ops for {members} members (each joins a committee)"
    );
    ensure!(late >= 1, "use at least 1 late op");
    let temporary = match keep {
        Some(dir) => {
            std::fs::create_dir(dir)
                .with_context(|| format!("creating {} (it must not exist)", dir.display()))?;
            None
        }
        None => Some(tempfile::tempdir()?),
    };
    let dir = temporary
        .as_ref()
        .map_or_else(|| keep.expect("kept"), |t| t.path());
    let main_path = dir.join("main.bundle");
    let late_path = dir.join("late.bundle");

    let started = Instant::now();
    let (federation, committees) = generate(members, ops, late, &main_path, &late_path)?;
    let generate_secs = started.elapsed().as_secs_f64();
    let generator_rss = peak_rss_bytes();
    let bundle_bytes = std::fs::metadata(&main_path)?.len();

    // 1. The limit: batch verification on one core, over the first ops,
    // read a batch at a time.
    let mut reader = BundleReader::new(BufReader::new(File::open(&main_path)?))?;
    let (mut verified, mut verify_secs) = (0, 0.0);
    while verified < VERIFY_SAMPLE.min(ops) {
        let batch = reader.next_batch(kenes_core::prepare::VERIFY_BATCH, usize::MAX)?;
        if batch.is_empty() {
            break;
        }
        verify_secs += batch_verify_seconds(&batch)?;
        verified += batch.len();
    }
    drop(reader);
    let verify_rate = rate(verified, verify_secs);

    // 2. End-to-end ingest: `kenes import` of the bundle into a fresh data
    // directory.
    let data = DataDir::new(dir.join("data"));
    let mut store = data.create(federation, &[])?;
    let db = store.path().to_path_buf();
    let (ingest_secs, counts) = timed_import(&mut store, &main_path, ops as u64, "ingesting")?;
    let ingest_rate = rate(ops, ingest_secs);
    let ingested_digest = store.engine().digest();
    let ingest_archive_reads = store.engine().stats().archive_reads;
    drop(store);

    // 3. Re-fold from scratch: decode, order, validity, fold (signatures
    // trusted), decoding on the preparing pool while this thread reads the
    // file and folds, as a store's load does; reading is timed. The best of
    // `REFOLD_RUNS`: a shared machine's noise only ever adds time.
    let bar = progress(REFOLD_RUNS as u64 * ops as u64, "re-folding");
    let mut refold_secs = f64::INFINITY;
    let mut refold = Engine::new(federation);
    for _ in 0..REFOLD_RUNS {
        refold = Engine::new(federation);
        let secs = refold_from(&main_path, &mut refold, &bar)?;
        refold_secs = refold_secs.min(secs);
        ensure!(
            refold.digest() == ingested_digest,
            "the re-fold must give the ingested state"
        );
    }
    bar.finish_and_clear();
    // Both sides evaluated together, for the late merge to match; timed,
    // as the engine's own merge: signatures trusted and nothing written,
    // as in the re-fold.
    let started = Instant::now();
    for_each_batch(&late_path, |batch| {
        refold.ingest(&batch, Verify::Trusted);
    })?;
    let engine_merge_secs = started.elapsed().as_secs_f64();
    let merged_digest = refold.digest();
    drop(refold);

    // 4. A writing command's engine, loaded in a process of its own.
    let loaded = load_in_child(&db)?;
    let engine_bytes_per_op = loaded.bytes_per_op();

    // 5. The late ops, merged into the full state.
    let mut store = data.open(&federation)?;
    let before = store.engine().stats();
    let (late_secs, _) = timed_import(&mut store, &late_path, late as u64, "merging")?;
    let after = store.engine().stats();
    ensure!(
        store.engine().digest() == merged_digest,
        "the late merge must match both sides evaluated together"
    );
    let stored = store.engine().len();
    // Closing, the store leaves a read snapshot of what it wrote.
    let started = Instant::now();
    drop(store);
    let close_secs = started.elapsed().as_secs_f64();
    ensure!(
        Store::read_view(&db)?.from_snapshot,
        "the merging store must leave a read snapshot when it closes"
    );
    let late_share = late_secs / refold_secs.max(1e-9);
    let engine_merge_share = engine_merge_secs / refold_secs.max(1e-9);

    // 6. `kenes state` on the result: from the snapshot the merge left;
    // then, with it forgotten, replaying the log (which saves one again).
    let from_snapshot = run_kenes(data.root(), &["state"])?;
    Store::forget_read_snapshot(&db, None)?;
    let replayed = run_kenes(data.root(), &["state"])?;

    // 7. This process's peak memory.
    let peak = peak_rss_bytes();
    let peak_limit = RSS_LIMIT_BYTES_PER_OP * stored as f64;
    let refold_limit = REFOLD_LIMIT_SECS_PER_OP * ops as f64;
    let ratio = ingest_rate / verify_rate;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let verdict = |within: bool| if within { "met" } else { "NOT met" };
    let mb = |bytes: u64| bytes as f64 / 1e6;

    let figures = json!({
        "ops": ops,
        "late_ops": late,
        "members": members,
        "committees": committees,
        "cores": threads,
        "unauthorised": counts.unauthorised,
        "generate_seconds": generate_secs,
        "generator_peak_rss_bytes": generator_rss,
        "bundle_bytes": bundle_bytes,
        "verify_sample_ops": verified,
        "verify_one_core_per_sec": verify_rate.round(),
        "ingest_end_to_end_per_sec": ingest_rate.round(),
        "ingest_seconds": ingest_secs,
        "ingest_archive_reads": ingest_archive_reads,
        "ratio": ratio,
        "goal_ratio": INGEST_RATIO_GOAL,
        "refold_seconds": refold_secs,
        "goal_refold_seconds": refold_limit,
        "late_merge_seconds": late_secs,
        "late_merge_share_of_refold": late_share,
        "goal_late_merge_share_of_refold": LATE_MERGE_LIMIT_SHARE,
        "late_merge_engine_seconds": engine_merge_secs,
        "late_merge_engine_share_of_refold": engine_merge_share,
        "late_projected_ops": after.projected - before.projected,
        "late_rewinds": after.rewinds - before.rewinds,
        "late_split_checkpoints": after.split_checkpoints - before.split_checkpoints,
        "late_projection_folds": after.projection_folds - before.projection_folds,
        "late_rewind_folds": after.rewind_folds - before.rewind_folds,
        "late_archive_reads": after.archive_reads - before.archive_reads,
        "state_startup_snapshot_seconds": from_snapshot.seconds,
        "state_startup_snapshot_peak_rss_bytes": from_snapshot.peak_rss_bytes,
        "state_startup_replay_seconds": replayed.seconds,
        "state_startup_replay_peak_rss_bytes": replayed.peak_rss_bytes,
        "store_close_seconds": close_secs,
        "goal_read_startup_seconds": READ_STARTUP_LIMIT_SECS,
        "goal_read_peak_rss_bytes": READ_RSS_LIMIT_BYTES,
        "load_seconds": loaded.seconds,
        "load_peak_rss_bytes": loaded.peak_rss_bytes,
        "engine_bytes_per_op": engine_bytes_per_op.map(f64::round),
        "peak_rss_bytes": peak,
        "goal_peak_rss_bytes": peak_limit.round(),
    });
    emit(ctx.json, &figures, || {
        let state_met = from_snapshot.seconds < READ_STARTUP_LIMIT_SECS
            && from_snapshot.peak_rss_bytes < READ_RSS_LIMIT_BYTES;
        format!(
            "kenes bench scale: {ops} ops (and {late} late) from {members} members in {committees} committees \
             ({} unauthorised), {threads} cores\n\
             generated in {generate_secs:.1} s, streamed to a {:.0} MB bundle (generator peak RSS {})\n\
             \n\
             limit   batch signature verification, one core ({}/batch, first {verified} ops): {verify_rate:>9.0} ops/s\n\
             figure  end-to-end ingest (`kenes import` of the bundle into a fresh data directory): \
             {ingest_rate:>9.0} ops/s  ({ingest_secs:.2} s, {ingest_archive_reads} archived ops read back)\n\
             ratio   {ratio:.2}   (goal >= {INGEST_RATIO_GOAL:.2}: {})\n\
             figure  re-fold of all {ops} ops from scratch, reading the bundle included: {refold_secs:.2} s (best of {REFOLD_RUNS})   \
             (goal < {refold_limit:.2} s, 6 s per million ops: {})\n\
             figure  merge of {late} late ops into the {ops}-op state: {late_secs:.2} s = {:.1}% of the re-fold   \
             (goal <= {:.0}%: {}; {} judged on a projection of their past, {} ops folded for projections, \
             {} split checkpoints, {} committee rewinds, {} ops folded again from checkpoints, {} archived ops read back)\n\
             figure  the same merge in the engine alone, signatures trusted and nothing written as in the re-fold: \
             {engine_merge_secs:.2} s = {:.1}% of the re-fold   (goal <= {:.0}%: {})\n\
             figure  `kenes state` on the {stored}-op store: {:.3} s, peak RSS {:.0} MB from the snapshot   \
             (goal < {READ_STARTUP_LIMIT_SECS} s and < {:.0} MB: {}), left by the merge on closing in {close_secs:.2} s; \
             {:.2} s, {:.0} MB replaying the log\n\
             memory  a writing command's engine, loaded in {:.2} s: {}\n\
             memory  peak RSS of this bench: {}",
            counts.unauthorised,
            mb(bundle_bytes),
            generator_rss.map_or("not measured".to_string(), |b| format!("{:.0} MB", mb(b))),
            kenes_core::prepare::VERIFY_BATCH,
            verdict(ratio >= INGEST_RATIO_GOAL),
            verdict(refold_secs < refold_limit),
            late_share * 100.0,
            LATE_MERGE_LIMIT_SHARE * 100.0,
            verdict(late_share <= LATE_MERGE_LIMIT_SHARE),
            after.projected - before.projected,
            after.projection_folds - before.projection_folds,
            after.split_checkpoints - before.split_checkpoints,
            after.rewinds - before.rewinds,
            after.rewind_folds - before.rewind_folds,
            after.archive_reads - before.archive_reads,
            engine_merge_share * 100.0,
            LATE_MERGE_LIMIT_SHARE * 100.0,
            verdict(engine_merge_share <= LATE_MERGE_LIMIT_SHARE),
            from_snapshot.seconds,
            mb(from_snapshot.peak_rss_bytes),
            mb(READ_RSS_LIMIT_BYTES),
            verdict(state_met),
            replayed.seconds,
            mb(replayed.peak_rss_bytes),
            loaded.seconds,
            match (loaded.peak_rss_bytes, engine_bytes_per_op) {
                (Some(bytes), Some(per_op)) => format!(
                    "peak RSS {:.0} MB; loading added {per_op:.0} bytes per op (goal {RSS_LIMIT_BYTES_PER_OP:.0}: {})",
                    mb(bytes),
                    verdict(per_op <= RSS_LIMIT_BYTES_PER_OP)
                ),
                _ => "not measured on this system".to_string(),
            },
            match peak {
                Some(bytes) => format!(
                    "{:.0} MB   (goal < 2 GB at 10M ops = {:.0} MB at {stored} ops: {})",
                    mb(bytes),
                    peak_limit / 1e6,
                    verdict(bytes as f64 <= peak_limit)
                ),
                None => "not measured on this system".to_string(),
            },
        )
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generator_makes_exactly_the_ops_asked_for_all_valid() {
        let dir = tempfile::tempdir().unwrap();
        let (main, late) = (dir.path().join("main"), dir.path().join("late"));
        let (members, ops, late_ops) = (60, 400, 50);
        let (federation, committees) = generate(members, ops, late_ops, &main, &late).unwrap();
        assert_eq!(committees, 3);
        let mut engine = Engine::new(federation);
        let mut seen = 0;
        for path in [&main, &late] {
            for_each_batch(path, |batch| {
                seen += batch.len();
                let report = engine.ingest(&batch, Verify::Signatures);
                assert!(report.dropped.is_empty(), "{:?}", report.dropped);
            })
            .unwrap();
        }
        assert_eq!(seen, ops + late_ops);
        assert_eq!(engine.len(), ops + late_ops);
        assert_eq!(engine.pending_len(), 0);
        // Every op was authorised in its own past, as the generator judged.
        assert!((0..engine.len() as u32).all(|o| engine.is_applied_at(o)));
        let state = engine.state();
        assert_eq!(state.committees.len(), committees);
        let members_seen: std::collections::BTreeSet<_> = state
            .committees
            .values()
            .flat_map(|c| c.members.iter())
            .collect();
        assert_eq!(members_seen.len(), members);
    }

    #[test]
    fn the_refold_forgets_each_ops_bytes_and_reads_them_back_from_the_bundle() {
        let dir = tempfile::tempdir().unwrap();
        let (main, late) = (dir.path().join("main"), dir.path().join("late"));
        let (federation, _) = generate(60, 2_500, 50, &main, &late).unwrap();
        let mut whole = Engine::new(federation);
        for_each_batch(&main, |batch| {
            whole.ingest(&batch, Verify::Trusted);
        })
        .unwrap();
        let mut refold = Engine::new(federation);
        refold_from(&main, &mut refold, &indicatif::ProgressBar::hidden()).unwrap();
        assert_eq!(refold.digest(), whole.digest());
        assert_eq!(
            refold.archived() as usize,
            refold.len(),
            "every op archived"
        );
        // Each read back by ordinal is the op's (its id is BLAKE3 of it),
        // in an order other than the bundle's.
        let reads = refold.stats().archive_reads;
        for ord in (0..refold.len() as u32).rev() {
            let bytes = refold.bytes_at(ord);
            assert_eq!(Hash::of(&bytes), refold.entries()[ord as usize].id);
        }
        assert_eq!(refold.stats().archive_reads - reads, refold.len() as u64);
    }

    #[test]
    fn too_few_ops_for_the_members_is_refused() {
        assert_eq!(founding_ops(20, 1), 1 + 1 + 3 * 19 - 1);
        let dir = tempfile::tempdir().unwrap();
        let (main, late) = (dir.path().join("main"), dir.path().join("late"));
        assert!(generate(60, founding_ops(60, 3) - 1, 1, &main, &late).is_err());
    }
}
