//! `kenes id`, `kenes profile` and `kenes federation`: who this device is
//! and which federations it holds.

use crate::cli::{FederationCommand, IdCommand};
use crate::context::{Context, PASSPHRASE_VAR, now_ms};
use crate::error::user;
use crate::output::emit;
use anyhow::Result;
use kenes_core::{Body, SecretKey};
use kenes_store::Store;
use kenes_store::keyfile::KeyFile;
use serde_json::json;

pub fn id(ctx: &Context, cmd: IdCommand) -> Result<()> {
    match cmd {
        IdCommand::New { name } => {
            let name = name.trim().to_string();
            if name.is_empty() || name.len() > kenes_core::validate::MAX_NAME_BYTES {
                return Err(user("--name must be 1 to 200 bytes"));
            }
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

pub fn profile(ctx: &Context, name: &str) -> Result<()> {
    let mut store = ctx.open()?;
    let op = ctx.author(
        &mut store,
        Body::Profile {
            name: name.trim().into(),
        },
    )?;
    emit(ctx.json, &json!({ "op": op.id.to_hex() }), || {
        format!("display name set to {}", name.trim())
    });
    Ok(())
}

pub fn federation(ctx: &Context, cmd: FederationCommand) -> Result<()> {
    match cmd {
        FederationCommand::Create { name } => {
            let mut key_file = ctx.key_file()?;
            let key = key_file.unlock(std::env::var(PASSPHRASE_VAR).ok().as_deref())?;
            let genesis = kenes_core::op::genesis(&key, name.trim(), now_ms());
            kenes_core::validate::check_stateless(&genesis.bytes)
                .map_err(|e| user(format!("refused: {e}")))?;
            let mut store = Store::create(&ctx.data.database(&genesis.id), &genesis)?;
            key_file.record(genesis.id, 0, genesis.id);
            key_file.save(&ctx.data.key_file())?;
            let display = key_file.name.clone();
            ctx.author(&mut store, Body::Profile { name: display })?;
            emit(ctx.json, &json!({ "id": genesis.id.to_hex() }), || {
                format!("founded federation \"{}\"\nid: {}", name.trim(), genesis.id)
            });
            Ok(())
        }
        FederationCommand::List => {
            let mut rows = Vec::new();
            for id in ctx.data.federations()? {
                let store = Store::open(&ctx.data.database(&id))?;
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
