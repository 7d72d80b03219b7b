//! `kenes export`, `kenes frontier`, `kenes import`: moving ops by file.

use crate::context::Context;
use crate::error::user;
use crate::output::{emit, progress};
use anyhow::{Context as _, Result};
use kenes_store::Store;
use kenes_store::bundle::{read_bundle, read_frontier, write_bundle, write_frontier};
use serde_json::json;
use std::io::{BufReader, BufWriter};
use std::path::Path;

fn open_input(file: &Path) -> Result<BufReader<std::fs::File>> {
    let f = std::fs::File::open(file)
        .map_err(|e| user(format!("cannot open {}: {e}", file.display())))?;
    Ok(BufReader::new(f))
}

/// Writes through a temporary file and renames, so a reader never sees a
/// half-written file.
fn write_atomically(
    file: &Path,
    write: impl FnOnce(BufWriter<std::fs::File>) -> std::io::Result<BufWriter<std::fs::File>>,
) -> Result<()> {
    let tmp = file.with_extension("partial");
    let out = std::fs::File::create(&tmp)
        .map_err(|e| user(format!("cannot write {}: {e}", file.display())))?;
    let out =
        write(BufWriter::new(out)).with_context(|| format!("cannot write {}", file.display()))?;
    out.into_inner()
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", file.display()))?
        .sync_all()?;
    std::fs::rename(&tmp, file)?;
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
    // The whole file is checked before anything is ingested.
    let bundle = read_bundle(open_input(file)?)?;
    if let Some(chosen) = &ctx.federation
        && !bundle
            .federation
            .to_hex()
            .starts_with(&chosen.to_ascii_lowercase())
    {
        return Err(user(format!(
            "the bundle is for federation {}, not {chosen}",
            bundle.federation.short()
        )));
    }
    let path = ctx.data.database(&bundle.federation);
    let created = !path.exists();
    let mut store = if created {
        Store::create_empty(&path, bundle.federation)?
    } else {
        Store::open(&path)?
    };
    let bar = progress(bundle.ops.len() as u64, "importing");
    let counts = store.import(&bundle.ops, |inputs| bar.inc(inputs as u64))?;
    bar.finish_and_clear();
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
