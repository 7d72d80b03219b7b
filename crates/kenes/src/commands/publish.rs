//! `kenes publish` and `kenes verify-publication` (issue 17, DESIGN §8):
//! the disk side of [`kenes_publish`]. A publication is read whole into
//! memory within fixed bounds, and every failure of a hostile folder or
//! file is one line and exit 1.

use crate::cli::PublishArgs;
use crate::context::{Context, now_ms, resolve_id};
use crate::error::user;
use crate::output::emit;
use anyhow::{Context as _, Result};
use kenes_core::{Engine, Hash, PublicKey};
use kenes_publish::manifest::{Layout, MANIFEST, Publication};
use kenes_publish::verify::{self, MAX_FILE_BYTES, MAX_FILES, NodeReport, Verified};
use kenes_publish::{Options, build};
use kenes_store::Store;
use serde_json::json;
use std::collections::BTreeMap;
use std::path::Path;

/// `kenes publish PATH …` and `kenes publish --cosign PATH`.
pub fn publish(ctx: &Context, args: PublishArgs) -> Result<()> {
    if args.cosign {
        return cosign(ctx, &args.path);
    }
    let key = ctx.member_key()?;
    let store = ctx.open()?;
    let engine = store.engine();
    if !engine.may_sync(&key.public()) {
        return Err(user(
            "you are not a member of this federation: only members may publish",
        ));
    }
    let council = args
        .council
        .as_deref()
        .map(|c| resolve_id(c, engine.state().committees.keys().copied(), "council"))
        .transpose()?;
    let layout = if args.single_file {
        Layout::SingleFile
    } else {
        Layout::Folder
    };
    let options = Options {
        council,
        languages: args.lang.iter().map(|l| l.trim().to_lowercase()).collect(),
        redact_signers: args.redact_signers,
        layout,
        published_at: now_ms(),
    };
    let publication = build(engine, &options)
        .map_err(|e| user(e.to_string()))?
        .sign(&key);
    refuse_existing(&args.path, layout)?;
    let bytes = write(&args.path, &publication, false)?;
    let data = kenes_publish::render::data_of(&publication.files).map_err(anyhow::Error::msg)?;
    emit(
        ctx.json,
        &json!({
            "path": args.path.display().to_string(),
            "layout": layout,
            "bytes": bytes,
            "statements": data.statements.len(),
            "demands": data.platform.len(),
            "signer": key.public().to_hex(),
            "redacted": args.redact_signers,
        }),
        || {
            format!(
                "published {}, {} and the situation to {} ({bytes} bytes)\nsigned by {}\nothers add their signature with: kenes publish --cosign {}",
                count(data.statements.len(), "statement"),
                count(data.platform.len(), "demand"),
                args.path.display(),
                key.public(),
                args.path.display()
            )
        },
    );
    Ok(())
}

/// `n` and `noun`, in the plural unless `n` is 1.
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// A new publication never overwrites anything: a folder must be absent
/// or empty, a single file absent.
fn refuse_existing(path: &Path, layout: Layout) -> Result<()> {
    let exists = match layout {
        Layout::Folder if path.is_dir() => std::fs::read_dir(path)
            .with_context(|| format!("cannot read {}", path.display()))?
            .next()
            .is_some(),
        _ => path.exists() || path.is_symlink(),
    };
    if exists {
        return Err(user(format!(
            "{} already exists: publish to a new path",
            path.display()
        )));
    }
    Ok(())
}

/// Writes `p` at `path` (a folder, or one file); with `signatures_only`,
/// only a folder's `signatures.json`. Each file is written beside and
/// renamed into place. Returns the bytes written.
fn write(path: &Path, p: &Publication, signatures_only: bool) -> Result<usize> {
    let put = |target: &Path, bytes: &[u8]| -> Result<()> {
        let tmp = target.with_extension("kenes-tmp");
        std::fs::write(&tmp, bytes)
            .and_then(|()| std::fs::rename(&tmp, target))
            .with_context(|| format!("cannot write {}", target.display()))
    };
    match p.manifest.layout {
        Layout::SingleFile => {
            let bytes = p.to_single_file().map_err(anyhow::Error::msg)?;
            put(path, &bytes)?;
            Ok(bytes.len())
        }
        Layout::Folder => {
            std::fs::create_dir_all(path)
                .with_context(|| format!("cannot create {}", path.display()))?;
            let mut total = 0;
            for (name, bytes) in p.to_folder() {
                if signatures_only && name != kenes_publish::manifest::SIGNATURES {
                    continue;
                }
                put(&path.join(&name), &bytes)?;
                total += bytes.len();
            }
            Ok(total)
        }
    }
}

/// Reads a publication folder or file, within [`MAX_FILES`] and
/// [`MAX_FILE_BYTES`].
fn read(path: &Path) -> Result<Publication> {
    let meta = std::fs::metadata(path)
        .map_err(|e| user(format!("cannot read {}: {e}", path.display())))?;
    let read_one = |file: &Path| -> Result<Vec<u8>> {
        let len = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
        if len > MAX_FILE_BYTES {
            return Err(user(format!(
                "{} is larger than {MAX_FILE_BYTES} bytes: not a publication",
                file.display()
            )));
        }
        std::fs::read(file).map_err(|e| user(format!("cannot read {}: {e}", file.display())))
    };
    if !meta.is_dir() {
        return Publication::from_single_file(&read_one(path)?).map_err(|e| user(e.to_string()));
    }
    let mut files = BTreeMap::new();
    let entries = std::fs::read_dir(path)
        .map_err(|e| user(format!("cannot read {}: {e}", path.display())))?;
    for entry in entries {
        let entry = entry.map_err(|e| user(format!("cannot read {}: {e}", path.display())))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let kind = entry
            .file_type()
            .map_err(|e| user(format!("cannot read {name}: {e}")))?;
        if !kind.is_file() {
            return Err(user(format!(
                "{name} in the publication is not a plain file"
            )));
        }
        if files.len() >= MAX_FILES + 2 {
            return Err(user("the folder holds too many files to be a publication"));
        }
        files.insert(name, read_one(&entry.path())?);
    }
    if !files.contains_key(MANIFEST) {
        return Err(user(format!(
            "{} holds no {MANIFEST}: not a kenes publication",
            path.display()
        )));
    }
    Publication::from_folder(files).map_err(|e| user(e.to_string()))
}

/// This data directory's copy of `federation`, if it holds one.
fn node_engine(ctx: &Context, federation: &Hash) -> Result<Option<Store>> {
    let held = ctx.federations().unwrap_or_default();
    if !held.contains(federation) {
        return Ok(None);
    }
    Ok(Some(
        ctx.data
            .open(federation)
            .map_err(crate::context::store_error)
            .with_context(|| format!("cannot open federation {}", federation.short()))?,
    ))
}

/// Standalone verification, then the node's, when it holds the
/// federation.
fn check(
    ctx: &Context,
    p: &Publication,
    required: &[PublicKey],
) -> Result<(Verified, Option<NodeReport>)> {
    let v = verify::verify(p, required).map_err(|e| user(e.to_string()))?;
    let Some(store) = node_engine(ctx, &v.federation)? else {
        return Ok((v, None));
    };
    let report = against(&v, store.engine())?;
    Ok((v, Some(report)))
}

fn against(v: &Verified, engine: &Engine) -> Result<NodeReport> {
    verify::against_node(v, engine).map_err(|e| user(e.to_string()))
}

/// `kenes verify-publication PATH [--signer KEY]`.
pub fn verify_publication(ctx: &Context, path: &Path, signers: &[String]) -> Result<()> {
    let required = signers
        .iter()
        .map(|s| {
            s.parse::<PublicKey>()
                .map_err(|_| user(format!("'{s}' is not a public key (64 hex digits)")))
        })
        .collect::<Result<Vec<_>>>()?;
    let p = read(path)?;
    let (v, node) = check(ctx, &p, &required)?;
    let m = &p.manifest;
    let mut notes = v.notes.clone();
    if let Some(report) = &node {
        notes.extend(report.notes.iter().cloned());
    }
    emit(
        ctx.json,
        &json!({
            "ok": true,
            "federation": m.federation,
            "federation_name": m.federation_name,
            "published_at": m.published_at,
            "signers": v.signers.iter().map(|k| k.to_hex()).collect::<Vec<_>>(),
            "op_signers": v.op_signers.iter().map(|k| k.to_hex()).collect::<Vec<_>>(),
            "statements": v.data.statements.len(),
            "proved": v.proved,
            "demands": v.data.platform.len(),
            "checked_by_node": node.is_some(),
            "notes": notes,
        }),
        || {
            let mut lines = vec![
                format!(
                    "ok: a publication of {} ({}), published {}",
                    m.federation_name,
                    v.federation.short(),
                    kenes_core::platform::day_of(m.published_at)
                ),
                format!(
                    "every file matches the manifest, signed by: {}",
                    v.signers
                        .iter()
                        .map(|k| k.to_hex())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                if m.redacted {
                    format!(
                        "{}, published without proofs (signers' keys withheld)",
                        count(v.data.statements.len(), "statement")
                    )
                } else {
                    format!(
                        "{}, each proved by its signed proposal and close",
                        count(v.proved, "statement")
                    )
                },
                if node.is_some() {
                    "checked against this node's copy: every signer is a member, every statement and demand matches".into()
                } else {
                    "not checked against a member's node (this data directory does not hold the federation): anyone can sign, so compare the signers' keys with keys you trust (--signer KEY)".into()
                },
            ];
            lines.extend(notes.iter().map(|n| format!("note: {n}")));
            lines.join("\n")
        },
    );
    Ok(())
}

/// `kenes publish --cosign PATH`: verify against this node, then add this
/// member's signature.
fn cosign(ctx: &Context, path: &Path) -> Result<()> {
    let key = ctx.member_key()?;
    let mut p = read(path)?;
    let (v, node) = check(ctx, &p, &[])?;
    if node.is_none() {
        return Err(user(format!(
            "this data directory does not hold federation {}: a cosigner checks the publication against their own copy first",
            v.federation.short()
        )));
    }
    if let Some(store) = node_engine(ctx, &v.federation)?
        && !store.engine().may_sync(&key.public())
    {
        return Err(user(
            "you are not a member of this federation: only members may cosign",
        ));
    }
    p.cosign(&key).map_err(|e| user(e.to_string()))?;
    write(path, &p, true)?;
    emit(ctx.json, &json!({ "signers": p.signer_keys() }), || {
        format!(
            "checked and signed {}; {} signatures now",
            path.display(),
            p.signatures.len()
        )
    });
    Ok(())
}
