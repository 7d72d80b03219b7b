//! `kenes id`, `kenes profile` and `kenes federation`: who this device is
//! and which federations it holds.

use crate::cli::{FederationCommand, IdCommand};
use crate::context::{Context, PASSPHRASE_VAR, now_ms};
use crate::error::user;
use crate::output::emit;
use anyhow::Result;
use kenes_core::{Body, SecretKey};
use kenes_store::StoreError;
use kenes_store::author::AuthorError;
use kenes_store::keyfile::KeyFile;
use serde_json::json;

pub fn id(ctx: &Context, cmd: IdCommand) -> Result<()> {
    match cmd {
        IdCommand::New { name } => {
            let name = name.trim().to_string();
            check_name(&name)?;
            let path = ctx.data.key_file();
            if path.exists() {
                return Err(user(format!(
                    "a member key already exists at {}; it is never overwritten",
                    path.display()
                )));
            }
            let key = SecretKey::generate();
            let passphrase = std::env::var(PASSPHRASE_VAR).ok().filter(|p| !p.is_empty());
            let file = KeyFile::new(&key, &name, passphrase.as_deref())?;
            file.save(&path)?;
            let encrypted = file.is_encrypted();
            emit(
                ctx.json,
                &json!({ "public_key": key.public().to_hex() }),
                || {
                    format!(
                        "created member key {}\nname: {name}\nstored in {} ({})",
                        key.public(),
                        path.display(),
                        if encrypted {
                            "encrypted with $KENES_PASSPHRASE"
                        } else {
                            "not encrypted"
                        }
                    )
                },
            );
            Ok(())
        }
        IdCommand::Show => {
            let file = ctx.key_file()?;
            emit(
                ctx.json,
                &json!({ "public_key": file.public_key.to_hex(), "name": file.name, "encrypted": file.is_encrypted() }),
                || format!("public key: {}\nname: {}", file.public_key, file.name),
            );
            Ok(())
        }
    }
}

/// A display or federation name as ops accept it (1–200 bytes, no
/// control characters), checked before anything is written (issue 12).
fn check_name(name: &str) -> Result<()> {
    kenes_core::validate::check_body(&Body::Profile { name: name.into() }).map_err(|_| {
        user(format!(
            "a name must be 1 to {} bytes without control characters (such as line breaks)",
            kenes_core::validate::MAX_NAME_BYTES
        ))
    })
}

pub fn profile(ctx: &Context, name: &str) -> Result<()> {
    check_name(name.trim())?;
    let mut store = ctx.open()?;
    let name = name.trim();
    let op = ctx.rename(&mut store, name)?;
    let me = ctx.key_file()?.public_key;
    let state = store.engine().state();
    // Published when the state holds it, sealed, in these words.
    let published = matches!(
        state.profiles.get(&me).map(|p| &p.name),
        Some(kenes_core::body::DisplayName::Sealed(_))
    ) && ctx.keyring(state).name(state, &me).as_deref() == Some(name);
    emit(
        ctx.json,
        &json!({ "op": op.as_ref().map(|op| op.id.to_hex()), "sealed": published }),
        || match published {
            true => format!(
                "display name set to {name}, sealed to your committees: only those who share one with you read it"
            ),
            false => format!(
                "display name set to {name} in your key file; it goes out sealed to your committees once you are in one"
            ),
        },
    );
    Ok(())
}

pub fn federation(ctx: &Context, cmd: FederationCommand) -> Result<()> {
    match cmd {
        FederationCommand::Create { name } => {
            let name = name.trim();
            check_name(name)?;
            let key_file = ctx.key_file()?;
            check_name(&key_file.name)?;
            let key = key_file.unlock(std::env::var(PASSPHRASE_VAR).ok().as_deref())?;
            let root = ctx.data.root();
            if root.exists() && !root.is_dir() {
                return Err(user(format!(
                    "the data directory {} is not a directory",
                    root.display()
                )));
            }
            let id =
                kenes_store::author::found(&ctx.data, &key, name, now_ms()).map_err(
                    |e| match e {
                        AuthorError::Store(StoreError::BadGenesis(reason)) => {
                            user(format!("refused: {reason}"))
                        }
                        AuthorError::Store(e) => e.into(),
                        AuthorError::Key(e) => e.into(),
                        e => e.into(),
                    },
                )?;
            emit(ctx.json, &json!({ "id": id.to_hex() }), || {
                format!("founded federation \"{name}\"\nid: {id}")
            });
            Ok(())
        }
        FederationCommand::List => {
            let mut rows = Vec::new();
            for id in ctx.federations()? {
                let store = ctx.data.open(&id).map_err(crate::context::store_error)?;
                let state = store.engine().state();
                rows.push(json!({
                    "id": id.to_hex(),
                    "name": state.federation.as_ref().map(|f| f.name.clone()),
                    "ops": store.engine().len(),
                    "committees": state.committees.len(),
                }));
            }
            emit(ctx.json, &rows, || {
                rows.iter()
                    .map(|r| {
                        format!(
                            "{}  {}  ({} ops)",
                            r["id"].as_str().unwrap_or(""),
                            r["name"].as_str().unwrap_or("(genesis not yet imported)"),
                            r["ops"]
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
            Ok(())
        }
    }
}
