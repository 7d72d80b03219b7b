//! `kenes export`, `kenes frontier`, `kenes import`: moving ops by file.
//!
//! Files are written under a fresh temporary name in the target's folder
//! and renamed into place, so no reader sees half a file and no file of the
//! user's is ever overwritten but the target. Bundles are read as a stream:
//! a first pass checks the whole file, the second imports it in bounded
//! batches (issue 12).
//!
//! Bundles and frontiers are sealed to the federation's members by default
//! (issue 14, [`kenes_store::sealed`]); `--clear` writes them unsealed.
//! Reading takes either: a sealed one is opened with the member's
//! encryption secrets, or refused whole, before anything is stored.

use crate::context::{Context, store_error};
use crate::error::user;
use crate::output::{emit, progress};
use anyhow::Result;
use kenes_core::Engine;
use kenes_core::seal::EncryptionSecret;
use kenes_store::StoreError;
use kenes_store::bundle::{
    BundleReader, check_bundle, read_frontier, write_bundle, write_frontier,
};
use kenes_store::sealed::{self, SealedError};
use serde_json::json;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::Path;

fn open_input(file: &Path) -> Result<BufReader<std::fs::File>> {
    let f = std::fs::File::open(file)
        .map_err(|e| user(format!("cannot open {}: {e}", file.display())))?;
    Ok(BufReader::new(f))
}

/// The contents of `file`: as they are, or opened with `secrets` when it
/// is sealed. `secrets` are asked for only then.
fn open_contents(
    file: &Path,
    secrets: &mut dyn FnMut() -> Result<Vec<EncryptionSecret>>,
) -> Result<Box<dyn Read>> {
    let mut input = open_input(file)?;
    let head = input
        .fill_buf()
        .map_err(|e| user(format!("cannot read {}: {e}", file.display())))?;
    if !sealed::is_sealed(head) {
        return Ok(Box::new(input));
    }
    let secrets = secrets()?;
    let opened = sealed::open(input, &secrets).map_err(|e| sealed_error(file, e))?;
    Ok(Box::new(BufReader::new(opened)))
}

/// A sealed file's error, in one line that names the file and, when it
/// is not sealed to this member, what to do.
fn sealed_error(file: &Path, e: SealedError) -> anyhow::Error {
    match e {
        SealedError::NotForUs => user(format!(
            "{}: {e} (its writer may not have your key yet: ask for one written with --clear, or sync over the network)",
            file.display()
        )),
        e => user(format!("{}: {e}", file.display())),
    }
}

impl Context {
    /// The member's secrets to open a sealed file with; a data directory
    /// without a member key cannot open one.
    fn opening_secrets(&self) -> Result<Vec<EncryptionSecret>> {
        if !self.data.key_file().exists() {
            return Err(user(
                "the file is sealed to the federation's members: it opens with a member key (kenes id new), or ask for one written with --clear",
            ));
        }
        self.stored_secrets()
    }

    /// The member's encryption secrets as the key file holds them, read
    /// only: moving files never writes the key file (a data directory may
    /// be read-only). A key file from before sealing holds none.
    fn stored_secrets(&self) -> Result<Vec<EncryptionSecret>> {
        Ok(self.key_file()?.encryption_secrets(
            std::env::var(crate::context::PASSPHRASE_VAR)
                .ok()
                .as_deref(),
        )?)
    }

    /// Whom a file written now from `engine`'s state is sealed to: the
    /// federation's members, and this member.
    fn seal_recipients(&self, engine: &Engine) -> Result<Vec<kenes_core::seal::EncryptionKey>> {
        let own = if self.data.key_file().exists() {
            self.stored_secrets()?.last().map(EncryptionSecret::public)
        } else {
            None
        };
        Ok(sealed::recipients(engine, own))
    }
}

/// Writes `write`'s output to `out`, sealed to `to` unless `to` is `None`.
fn sealed_or_clear<W: Write>(
    out: W,
    to: Option<&[kenes_core::seal::EncryptionKey]>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<W> {
    match to {
        None => {
            let mut out = out;
            write(&mut out)?;
            Ok(out)
        }
        Some(to) => {
            let mut sealer = sealed::Sealer::new(out, to).map_err(std::io::Error::other)?;
            write(&mut sealer)?;
            sealer.finish()
        }
    }
}

/// The recipients of a file to write, or `None` for `--clear`; refuses
/// in one line when there is nobody to seal to.
fn recipients_or_clear(
    ctx: &Context,
    engine: &Engine,
    clear: bool,
) -> Result<Option<Vec<kenes_core::seal::EncryptionKey>>> {
    if clear {
        return Ok(None);
    }
    let to = ctx.seal_recipients(engine)?;
    if to.is_empty() {
        return Err(user(
            "nobody to seal the file to: no member has published an encryption key and there is no member key here; write it with --clear",
        ));
    }
    Ok(Some(to))
}

/// Writes through a temporary file and renames, so a reader never sees a
/// half-written file. The temporary file has a fresh random name that no
/// existing file has (created exclusively), and is removed on failure.
fn write_atomically(
    file: &Path,
    write: impl FnOnce(BufWriter<std::fs::File>) -> std::io::Result<BufWriter<std::fs::File>>,
) -> Result<()> {
    let cannot = |e: &dyn std::fmt::Display| user(format!("cannot write {}: {e}", file.display()));
    if file.is_dir() {
        return Err(cannot(&"it is a directory"));
    }
    let dir = match file.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let tmp = tempfile::Builder::new()
        .prefix(".kenes-")
        .suffix(".partial")
        .tempfile_in(dir)
        .map_err(|e| cannot(&e))?;
    let out = tmp.reopen().map_err(|e| cannot(&e))?;
    let out = write(BufWriter::new(out)).map_err(|e| cannot(&e))?;
    out.into_inner()
        .map_err(|e| cannot(&e.error().to_string()))?
        .sync_all()
        .map_err(|e| cannot(&e))?;
    tmp.persist(file).map_err(|e| cannot(&e.error))?;
    Ok(())
}

pub fn export(ctx: &Context, file: &Path, for_frontier: Option<&Path>, clear: bool) -> Result<()> {
    let store = ctx.open()?;
    let engine = store.engine();
    let to = recipients_or_clear(ctx, engine, clear)?;
    let ords: Vec<u32> = match for_frontier {
        Some(path) => {
            let frontier = read_frontier(open_contents(path, &mut || ctx.opening_secrets())?)?;
            if frontier.federation != store.federation() {
                return Err(user(format!(
                    "the frontier is for federation {}, not {}",
                    frontier.federation.short(),
                    store.federation().short()
                )));
            }
            engine.missing_for(&frontier.heads)
        }
        None => (0..engine.len() as u32).collect(),
    };
    let ops = || ords.iter().map(|&o| engine.bytes_at(o));
    let bar = progress(ords.len() as u64, "exporting");
    write_atomically(file, |out| {
        sealed_or_clear(out, to.as_deref(), |out| {
            write_bundle(out, store.federation(), ops(), || bar.inc(1)).map(|_| ())
        })
    })?;
    bar.finish_and_clear();
    emit(
        ctx.json,
        &json!({ "ops": ords.len(), "file": file.display().to_string(), "sealed_to": to.as_ref().map(Vec::len) }),
        || match &to {
            Some(to) => format!(
                "wrote {} ops to {}, sealed to {} members' keys",
                ords.len(),
                file.display(),
                to.len()
            ),
            None => format!(
                "wrote {} ops to {} (not sealed)",
                ords.len(),
                file.display()
            ),
        },
    );
    Ok(())
}

pub fn frontier(ctx: &Context, file: &Path, clear: bool) -> Result<()> {
    let store = ctx.open()?;
    let heads = store.engine().heads();
    let to = recipients_or_clear(ctx, store.engine(), clear)?;
    write_atomically(file, |out| {
        sealed_or_clear(out, to.as_deref(), |out| {
            write_frontier(out, store.federation(), &heads).map(|_| ())
        })
    })?;
    emit(
        ctx.json,
        &json!({ "heads": heads.len(), "file": file.display().to_string() }),
        || {
            format!(
                "wrote frontier ({} heads) to {}",
                heads.len(),
                file.display()
            )
        },
    );
    Ok(())
}

pub fn import(ctx: &Context, file: &Path) -> Result<()> {
    // First pass: the whole file is checked, one record at a time, before
    // anything is ingested.
    let mut secrets = None;
    let mut opening = || -> Result<Vec<EncryptionSecret>> {
        if secrets.is_none() {
            secrets = Some(ctx.opening_secrets()?);
        }
        Ok(secrets.clone().unwrap_or_default())
    };
    let summary = check_bundle(open_contents(file, &mut opening)?)?;
    let federation = summary.federation;
    if let Some(chosen) = &ctx.federation
        && !federation
            .to_hex()
            .starts_with(&chosen.trim().to_ascii_lowercase())
    {
        return Err(user(format!(
            "the bundle is for federation {}, not {chosen}",
            federation.short()
        )));
    }
    // A federation not held here comes in only with its founding op, and
    // beside another one only when asked for by name (issue 12).
    let here = ctx.federations()?;
    if !here.contains(&federation) {
        if !summary.carries_genesis {
            return Err(user(format!(
                "the bundle is for federation {}, which this data directory does not hold, and does not carry its founding op: import a full bundle of it first",
                federation.short()
            )));
        }
        if let Some(other) = here.first()
            && ctx.federation.is_none()
        {
            return Err(user(format!(
                "the bundle is for federation {}, not federation {} held here: to keep both here, run again with --federation {}",
                federation.short(),
                other.short(),
                federation.to_hex()
            )));
        }
    }
    let path = ctx.data.database(&federation);
    let open = || ctx.data.open(&federation).map_err(store_error);
    let (mut store, created) = if here.contains(&federation) {
        (open()?, false)
    } else {
        match ctx.data.create(federation, &[]) {
            Ok(store) => (store, true),
            // Another process created it meanwhile.
            Err(StoreError::Exists(_)) => (open()?, false),
            Err(e) => return Err(store_error(e)),
        }
    };
    // Second pass: bounded batches, each one transaction.
    let mut reader = BundleReader::new(open_contents(file, &mut opening)?)?;
    let mut failure = None;
    let batches = reader.batches(&mut failure);
    let bar = progress(summary.ops, "importing");
    let counts = store.import_batches(batches, |inputs| bar.inc(inputs as u64))?;
    bar.finish_and_clear();
    if let Some(e) = failure {
        // The file changed between the passes; what was read is verified.
        return Err(e.into());
    }
    if created && store.engine().is_empty() && store.engine().pending_len() == 0 {
        drop(store);
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
    emit(ctx.json, &counts, || {
        format!(
            "imported {}: {} new, {} already known, {} pending, {} rejected{}",
            file.display(),
            counts.new,
            counts.known,
            counts.pending,
            counts.rejected,
            if counts.unauthorised > 0 {
                format!(
                    " ({} new ops were not authorised and have no effect; see `kenes alerts`)",
                    counts.unauthorised
                )
            } else {
                String::new()
            }
        )
    });
    Ok(())
}
