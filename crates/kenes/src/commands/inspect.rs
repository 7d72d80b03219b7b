//! `kenes state`, `kenes log`, `kenes rejections`: looking at what the
//! fold made of the op set.

use crate::context::Context;
use crate::output::emit;
use anyhow::Result;
use kenes_core::engine::Entry;
use kenes_core::governance::ProposalStatus;
use kenes_web::model;
use serde_json::{Value, json};

/// A member's display name, or the start of their key.
fn author_label(state: &kenes_core::State, key: &kenes_core::PublicKey) -> String {
    state
        .name_of(key)
        .map_or_else(|| key.short(), str::to_string)
}

pub fn state(ctx: &Context, digest_only: bool) -> Result<()> {
    let store = ctx.open()?;
    let engine = store.engine();
    let digest = engine.digest();
    if digest_only {
        emit(ctx.json, &json!({ "digest": digest.to_hex() }), || {
            digest.to_hex()
        });
        return Ok(());
    }
    let state = engine.state();
    let members: std::collections::BTreeSet<_> = state
        .committees
        .values()
        .flat_map(|c| c.members.iter())
        .collect();
    let summary = json!({
        "federation": store.federation().to_hex(),
        "name": state.federation.as_ref().map(|f| f.name.clone()),
        "ops": engine.len(),
        "pending": engine.pending_len(),
        "committees": state.committees.len(),
        "members": members.len(),
        "forked_members": state.forks.len(),
        "digest": digest.to_hex(),
    });
    emit(ctx.json, &summary, || {
        format!(
            "federation {} ({})\n{} ops, {} pending\n{} committees, {} members, {} forked members\ndigest {}",
            state.federation.as_ref().map_or("?", |f| f.name.as_str()),
            store.federation().short(),
            engine.len(),
            engine.pending_len(),
            state.committees.len(),
            members.len(),
            state.forks.len(),
            digest
        )
    });
    Ok(())
}

pub fn log(ctx: &Context) -> Result<()> {
    let store = ctx.open()?;
    let engine = store.engine();
    let mut entries: Vec<&Entry> = engine.entries().iter().collect();
    entries.sort_by_key(|e| e.op.order_key());
    let state = engine.state();
    let rows: Vec<Value> = entries.iter().map(|e| model::entry(state, e)).collect();
    emit(ctx.json, &rows, || {
        entries
            .iter()
            .map(|e| {
                let f = &e.op.fields;
                format!(
                    "{:>6}  {}  {:<16} {:<17} {}",
                    f.lamport,
                    e.op.id.short(),
                    author_label(state, &f.author),
                    f.body.label(),
                    e.outcome.describe()
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}

pub fn rejections(ctx: &Context) -> Result<()> {
    let store = ctx.open()?;
    let engine = store.engine();
    let state = engine.state();
    let rejected: Vec<&Entry> = model::refused(engine).collect();
    let late: Vec<&Entry> = engine
        .arrived_late()
        .iter()
        .map(|&o| &engine.entries()[o as usize])
        .collect();
    let changed: Vec<(String, String)> = state
        .committees
        .values()
        .flat_map(|c| c.proposals.iter())
        .filter(|(_, p)| matches!(&p.status, ProposalStatus::Closed(c) if c.changed_after_close))
        .map(|(id, p)| (id.to_hex(), p.title.clone()))
        .collect();
    let value = model::alerts(engine);
    emit(ctx.json, &value, || {
        let mut lines: Vec<String> = rejected
            .iter()
            .map(|e| {
                let f = &e.op.fields;
                format!(
                    "{}  {:<16} {:<17} {}",
                    e.op.id.short(),
                    author_label(state, &f.author),
                    f.body.label(),
                    e.outcome.describe()
                )
            })
            .collect();
        for (k, seqs) in &state.forks {
            lines.push(format!(
                "FORK  {} {} forked at seq {:?}",
                k.short(),
                state.name_of(k).unwrap_or(""),
                seqs
            ));
        }
        for e in &late {
            lines.push(format!(
                "LATE  {} {} by {} arrived after ops it sorts before",
                e.op.id.short(),
                e.op.fields.body.label(),
                author_label(state, &e.op.fields.author)
            ));
        }
        for (id, title) in &changed {
            lines.push(format!(
                "CHANGED  proposal {} \"{title}\": a later close changed its outcome",
                &id[..8]
            ));
        }
        if lines.is_empty() {
            lines.push("no rejected ops, no forks, no alerts".into());
        }
        lines.join("\n")
    });
    Ok(())
}
