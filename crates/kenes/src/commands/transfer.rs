//! `kenes export`, `kenes frontier`, `kenes import`: moving ops by file.
//!
//! Files are written under a fresh temporary name in the target's folder
//! and renamed into place, so no reader sees half a file and no file of the
//! user's is ever overwritten but the target. Bundles are read as a stream:
//! a first pass checks the whole file, the second imports it in bounded
//! batches (issue 12).

use crate::context::{Context, store_error};
use crate::error::user;
use crate::output::{emit, progress};
use anyhow::Result;
use kenes_store::bundle::{
    BundleReader, check_bundle, read_frontier, write_bundle, write_frontier,
};
use kenes_store::{IMPORT_BATCH, IMPORT_BATCH_BYTES, StoreError};
use serde_json::json;
use std::io::{BufReader, BufWriter};
use std::path::Path;

fn open_input(file: &Path) -> Result<BufReader<std::fs::File>> {
    let f = std::fs::File::open(file)
        .map_err(|e| user(format!("cannot open {}: {e}", file.display())))?;
    Ok(BufReader::new(f))
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

pub fn export(ctx: &Context, file: &Path, for_frontier: Option<&Path>) -> Result<()> {
    let store = ctx.open()?;
    let engine = store.engine();
    let ords: Vec<u32> = match for_frontier {
        Some(path) => {
            let frontier = read_frontier(open_input(path)?)?;
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
    let ops: Vec<&[u8]> = ords
        .iter()
        .map(|&o| engine.entries()[o as usize].op.bytes.as_slice())
        .collect();
    let bar = progress(ops.len() as u64, "exporting");
    write_atomically(file, |out| {
        write_bundle(out, store.federation(), &ops, || bar.inc(1))
    })?;
    bar.finish_and_clear();
    emit(
        ctx.json,
        &json!({ "ops": ops.len(), "file": file.display().to_string() }),
        || format!("wrote {} ops to {}", ops.len(), file.display()),
    );
    Ok(())
}

pub fn frontier(ctx: &Context, file: &Path) -> Result<()> {
    let store = ctx.open()?;
    let heads = store.engine().heads();
    write_atomically(file, |out| write_frontier(out, store.federation(), &heads))?;
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
    let summary = check_bundle(open_input(file)?)?;
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
    let mut reader = BundleReader::new(open_input(file)?)?;
    let mut failure = None;
    let batches =
        std::iter::from_fn(
            || match reader.next_batch(IMPORT_BATCH, IMPORT_BATCH_BYTES) {
                Ok(batch) if batch.is_empty() => None,
                Ok(batch) => Some(batch),
                Err(e) => {
                    failure = Some(e);
                    None
                }
            },
        );
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
