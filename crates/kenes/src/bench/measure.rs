//! What `bench ingest` and `bench scale` measure alike: the one-core
//! verification limit, a timed end-to-end ingest, a process's peak memory,
//! and commands run as child processes so that their time and memory are
//! theirs alone.

use crate::output::progress;
use anyhow::{Context as _, Result, bail, ensure};
use kenes_core::prepare::VERIFY_BATCH;
use kenes_core::{Op, SecretKey, Verify, keys};
use kenes_store::{ImportCounts, Store};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

/// Ops per ingest transaction in the benches.
pub const INGEST_BATCH: usize = 16_384;

/// Issue 18's goal for the start-up of every read command.
pub const READ_STARTUP_LIMIT_SECS: f64 = 0.2;

/// Issue 18's goal for a read command's memory, whatever the store's size.
pub const READ_RSS_LIMIT_BYTES: u64 = 100 * 1000 * 1000;

/// Issue 18's goal for the whole ingest bench: under 2 GB at 10M ops.
pub const RSS_LIMIT_BYTES_PER_OP: f64 = 2.0 * 1024.0 * 1024.0 * 1024.0 / 10_000_000.0;

/// The secret key of bench member `i`: the same in every run and every
/// bench, so that keys need not be kept to be used again.
pub fn member_key(i: usize) -> SecretKey {
    SecretKey::from_bytes(*blake3::hash(format!("kenes bench member {i}").as_bytes()).as_bytes())
}

/// `count` per second.
pub fn rate(count: usize, seconds: f64) -> f64 {
    count as f64 / seconds.max(1e-9)
}

/// The process's peak resident set (`VmHWM`), where Linux reports it.
pub fn peak_rss_bytes() -> Option<u64> {
    status_bytes("VmHWM:")
}

/// The process's resident set now (`VmRSS`), where Linux reports it.
pub fn rss_bytes() -> Option<u64> {
    status_bytes("VmRSS:")
}

/// A size in `/proc/self/status`.
fn status_bytes(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// The limit: ops per second that one core verifies in batches of
/// [`VERIFY_BATCH`], over `ops`.
pub fn one_core_verify_rate<B: AsRef<[u8]>>(ops: &[B]) -> Result<f64> {
    let mut seconds = 0.0;
    for batch in ops.chunks(VERIFY_BATCH) {
        seconds += batch_verify_seconds(batch)?;
    }
    Ok(rate(ops.len(), seconds))
}

/// The seconds one core takes to verify `batch` (at most
/// [`VERIFY_BATCH`] ops) as one batch. Decoding, just before, is not
/// timed; a sample verified a batch at a time never lies decoded in
/// memory all at once.
pub fn batch_verify_seconds<B: AsRef<[u8]>>(batch: &[B]) -> Result<f64> {
    let decoded: Vec<Op> = batch
        .iter()
        .map(|b| Op::decode(b.as_ref()))
        .collect::<Result<_, _>>()
        .map_err(|e| anyhow::anyhow!("a generated op does not decode: {e}"))?;
    let items: Vec<_> = decoded
        .iter()
        .map(|op| (op.fields.author, op.signed_message(), op.sig))
        .collect();
    let started = Instant::now();
    let all_valid = keys::verify_many(&items).iter().all(|ok| *ok);
    let seconds = started.elapsed().as_secs_f64();
    ensure!(all_valid, "generated signatures must verify");
    Ok(seconds)
}

/// Ingests `ops` into `store` end to end (decode, verify, order, fold,
/// commit) with a progress bar: the seconds it took. Every op must be
/// accepted.
pub fn timed_ingest(store: &mut Store, ops: &[Vec<u8>], label: &str) -> Result<f64> {
    let bar = progress(ops.len() as u64, label);
    let started = Instant::now();
    let mut dropped = 0;
    store.ingest_stream(
        ops,
        INGEST_BATCH,
        Verify::Signatures,
        |report, _, inputs| {
            dropped += report.dropped.len();
            bar.inc(inputs as u64);
        },
    )?;
    let seconds = started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    ensure!(dropped == 0, "bench ops must all be accepted ({label})");
    Ok(seconds)
}

/// Imports the bundle at `bundle` into `store` as `kenes import` does
/// (batches read from the file while the previous one is verified, each
/// one transaction), with a progress bar: the seconds it took and the
/// counts. Every op must be accepted.
pub fn timed_import(
    store: &mut Store,
    bundle: &Path,
    ops: u64,
    label: &str,
) -> Result<(f64, ImportCounts)> {
    use kenes_store::bundle::BundleReader;
    let file = std::fs::File::open(bundle)?;
    let mut reader = BundleReader::new(std::io::BufReader::new(file))?;
    let mut failure = None;
    let batches = reader.batches(&mut failure);
    let bar = progress(ops, label);
    let started = Instant::now();
    let counts = store.import_batches(batches, |inputs| bar.inc(inputs as u64))?;
    let seconds = started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    if let Some(e) = failure {
        return Err(e).context("reading the bench bundle");
    }
    ensure!(
        counts.rejected == 0 && counts.pending == 0,
        "bench ops must all be accepted ({label}: {} rejected, {} pending)",
        counts.rejected,
        counts.pending
    );
    Ok((seconds, counts))
}

/// What `kenes bench load` printed: a writing command's start-up.
pub struct Loaded {
    /// Ops in the loaded engine.
    pub ops: u64,
    /// Seconds to open the store and replay its log.
    pub seconds: f64,
    /// The child's peak RSS.
    pub peak_rss_bytes: Option<u64>,
    /// The child's RSS before it opened the store (the program itself).
    pub rss_before_bytes: Option<u64>,
}

impl Loaded {
    /// Resident bytes per op that loading added: the engine's memory per
    /// op, the program's own left out.
    pub fn bytes_per_op(&self) -> Option<f64> {
        let grown = self.peak_rss_bytes?.saturating_sub(self.rss_before_bytes?);
        Some(grown as f64 / self.ops.max(1) as f64)
    }
}

/// Loads the store at `db` as a writing command does, in a process of its
/// own (`kenes bench load`) so that its memory is the engine's alone.
pub fn load_in_child(db: &Path) -> Result<Loaded> {
    let loaded = Command::new(std::env::current_exe()?)
        .args(["bench", "load", "--db"])
        .arg(db)
        .output()?;
    ensure!(
        loaded.status.success(),
        "loading the store failed: {}",
        String::from_utf8_lossy(&loaded.stderr).trim()
    );
    let loaded: serde_json::Value = serde_json::from_slice(&loaded.stdout)?;
    Ok(Loaded {
        ops: loaded["ops"].as_u64().unwrap_or(0),
        seconds: loaded["seconds"].as_f64().unwrap_or(f64::NAN),
        peak_rss_bytes: loaded["peak_rss_bytes"].as_u64(),
        rss_before_bytes: loaded["rss_before_bytes"].as_u64(),
    })
}

/// Loads the store at `db` and prints the time, the resident memory
/// before, and the peak RSS after, as JSON.
pub fn load(db: &Path) -> Result<()> {
    let before = rss_bytes();
    let started = Instant::now();
    let store = Store::open(db)?;
    let seconds = started.elapsed().as_secs_f64();
    let value = serde_json::json!({
        "ops": store.engine().len(),
        "seconds": seconds,
        "rss_before_bytes": before,
        "peak_rss_bytes": peak_rss_bytes(),
    });
    println!("{value}");
    Ok(())
}

/// One run of a `kenes` command in a child process.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct ChildRun {
    /// Wall time from spawning it to its exit.
    pub seconds: f64,
    /// Its peak RSS, from the kernel's accounting at its exit.
    pub peak_rss_bytes: u64,
}

/// Runs this `kenes` binary with `args` on the data directory `data`,
/// output discarded, and measures it. It must succeed.
///
/// The kernel's peak RSS of a child counts the memory of the process that
/// spawned it as it was at the `exec` (its old address space is accounted
/// to the child), so the command is spawned by a small `kenes bench
/// child` process, never by this one, which may hold gigabytes.
pub fn run_kenes(data: &Path, args: &[&str]) -> Result<ChildRun> {
    let output = Command::new(std::env::current_exe()?)
        .args(["bench", "child", "--"])
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("KENES_PASSPHRASE")
        .stdin(Stdio::null())
        .output()?;
    ensure!(
        output.status.success(),
        "kenes {} failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&output.stderr).trim()
    );
    Ok(serde_json::from_slice(&output.stdout)?)
}

/// `kenes bench child`: runs this binary with `args`, output discarded,
/// and prints its time and peak RSS as JSON. It must succeed.
pub fn child(args: &[String]) -> Result<()> {
    let errors = tempfile::tempfile()?;
    let started = Instant::now();
    let child = Command::new(std::env::current_exe()?)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(errors.try_clone()?)
        .spawn()?;
    let (status, usage) = wait_with_usage(child.id())?;
    let seconds = started.elapsed().as_secs_f64();
    if !(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0) {
        use std::io::{Read, Seek};
        let mut errors = errors;
        let mut message = String::new();
        errors.rewind()?;
        errors.read_to_string(&mut message)?;
        bail!("{}", message.trim());
    }
    // Linux reports `ru_maxrss` in KiB.
    let kib = u64::try_from(usage.ru_maxrss).unwrap_or(0);
    let run = ChildRun {
        seconds,
        peak_rss_bytes: kib * 1024,
    };
    println!("{}", serde_json::to_string(&run)?);
    Ok(())
}

/// Waits for the child `pid` and returns its exit status and resource
/// usage: `wait4`, because std's `Child::wait` does not report the
/// child's peak memory. The std `Child` is dropped unwaited afterwards,
/// which neither waits again nor kills it.
fn wait_with_usage(pid: u32) -> Result<(libc::c_int, libc::rusage)> {
    let pid = libc::pid_t::try_from(pid)?;
    let mut status: libc::c_int = 0;
    // SAFETY: `rusage` is plain old data, for which all zeroes is valid.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: both pointers are to live, writable locals of the right
        // types for the call's duration.
        let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if waited == pid {
            return Ok((status, usage));
        }
        let error = std::io::Error::last_os_error();
        if error.kind() != std::io::ErrorKind::Interrupted {
            return Err(error).context("waiting for a child process");
        }
    }
}
