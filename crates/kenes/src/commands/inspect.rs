//! `kenes state`, `kenes log`, `kenes alerts`: looking at what the
//! fold made of the op set. They answer from the read snapshot (see
//! [`Context::read`]); `kenes pending` loads the engine.

use crate::context::Context;
use crate::output::emit;
use anyhow::Result;
use kenes_core::engine::UnknownPending;
use kenes_store::LoggedOp;
use kenes_web::model;
use serde_json::{Value, json};

pub fn state(ctx: &Context, digest_only: bool) -> Result<()> {
    let view = ctx.read()?;
    let digest = view.digest;
    if digest_only {
        emit(ctx.json, &json!({ "digest": digest.to_hex() }), || {
            digest.to_hex()
        });
        return Ok(());
    }
    let state = &view.state;
    let members: std::collections::BTreeSet<_> = state
        .committees
        .values()
        .flat_map(|c| c.members.iter())
        .collect();
    let unknown_pending: usize = view.pending_from_unknown.iter().map(|u| u.ops).sum();
    let summary = json!({
        "federation": view.federation.to_hex(),
        "name": state.federation.as_ref().map(|f| f.name.clone()),
        "ops": view.ops,
        "pending": view.pending,
        "pending_from_unknown": unknown_pending,
        "committees": state.committees.len(),
        "members": members.len(),
        "forked_members": state.forks.len(),
        "digest": digest.to_hex(),
    });
    emit(ctx.json, &summary, || {
        format!(
            "federation {} ({})\n{} ops, {} pending{}\n{} committees, {} members, {} forked members\ndigest {}",
            state.federation.as_ref().map_or("?", |f| f.name.as_str()),
            view.federation.short(),
            view.ops,
            view.pending,
            if unknown_pending > 0 {
                format!(
                    " ({unknown_pending} from authors unknown here: `kenes pending` shows them, `kenes pending --clear-unknown` drops them)"
                )
            } else {
                String::new()
            },
            state.committees.len(),
            members.len(),
            state.forks.len(),
            digest
        )
    });
    Ok(())
}

pub fn log(ctx: &Context) -> Result<()> {
    let (view, mut entries) = ctx.read_log()?;
    entries.sort_by_key(LoggedOp::order_key);
    let state = &view.state;
    let keyring = ctx.keyring(state);
    let rows: Vec<Value> = entries
        .iter()
        .map(|e| model::entry(state, &keyring, e))
        .collect();
    emit(ctx.json, &rows, || {
        entries
            .iter()
            .map(|e| {
                format!(
                    "{:>6}  {}  {:<16} {:<17} {}",
                    e.lamport,
                    e.id.short(),
                    model::member_name(&keyring, state, &e.author),
                    e.kind,
                    e.outcome.describe()
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}

/// The pending set's ops by authors with no accepted op here, per author.
fn unknown_pending_rows(unknown: &[UnknownPending]) -> Vec<Value> {
    unknown
        .iter()
        .map(|u| json!({ "author": u.author.to_hex(), "ops": u.ops, "bytes": u.bytes }))
        .collect()
}

pub fn pending(ctx: &Context, clear_unknown: bool) -> Result<()> {
    let mut store = ctx.open()?;
    if clear_unknown {
        let dropped = store.clear_pending_from_unknown()?;
        emit(ctx.json, &json!({ "dropped": dropped }), || {
            format!("dropped {dropped} pending ops of authors unknown here")
        });
        return Ok(());
    }
    let engine = store.engine();
    let rows = unknown_pending_rows(&engine.pending_from_unknown());
    let value = json!({ "pending": engine.pending_len(), "from_unknown": rows });
    emit(ctx.json, &value, || {
        let mut lines = vec![format!("{} ops pending", engine.pending_len())];
        for u in engine.pending_from_unknown() {
            lines.push(format!(
                "{}  {} ops, {} bytes, by an author unknown here",
                u.author.short(),
                u.ops,
                u.bytes
            ));
        }
        lines.join("\n")
    });
    Ok(())
}

pub fn alerts(ctx: &Context) -> Result<()> {
    let view = ctx.read()?;
    let state = &view.state;
    let mut value = model::alerts(state, &view.alerts, &ctx.keyring(state));
    value["pending_from_unknown"] = Value::Array(unknown_pending_rows(&view.pending_from_unknown));
    emit(ctx.json, &value, || {
        let list = |name: &str| value[name].as_array().cloned().unwrap_or_default();
        let text = |v: &serde_json::Value, field: &str| v[field].as_str().unwrap_or("").to_string();
        let short =
            |v: &serde_json::Value, field: &str| text(v, field).chars().take(8).collect::<String>();
        let op_line = |v: &serde_json::Value| {
            format!(
                "{}  {:<16} {:<17}",
                short(v, "id"),
                v["author_name"]
                    .as_str()
                    .map_or_else(|| short(v, "author"), str::to_string),
                text(v, "kind"),
            )
        };
        let mut lines: Vec<String> = list("rejected")
            .iter()
            .map(|v| format!("{} {}", op_line(v), text(v, "outcome")))
            .collect();
        for v in list("voided") {
            let by = &v["voided_by"];
            let cause = match by["kind"].as_str() {
                Some("removal") => format!(
                    "removal \"{}\" ({}) in {}",
                    text(by, "title"),
                    short(by, "proposal"),
                    text(by, "committee_name")
                ),
                _ => format!(
                    "fork of {} at seq {}",
                    by["author_name"]
                        .as_str()
                        .map_or_else(|| short(by, "author"), str::to_string),
                    by["seq"]
                ),
            };
            lines.push(format!("VOID  {} voided by the {cause}", op_line(&v)));
        }
        for v in list("forked_members") {
            lines.push(format!(
                "FORK  {} {} forked at seq {}",
                short(&v, "member"),
                text(&v, "name"),
                v["seqs"]
            ));
        }
        for v in list("arrived_late") {
            lines.push(format!(
                "LATE  {} arrived after ops it sorts before",
                op_line(&v)
            ));
        }
        for v in list("changed_after_close") {
            lines.push(format!(
                "CHANGED  proposal {} \"{}\": a later close changed its outcome",
                short(&v, "proposal"),
                text(&v, "title")
            ));
        }
        for v in list("removed_proposer") {
            lines.push(format!(
                "REMOVED PROPOSER  {} passed only with ops of members removed before it",
                op_line(&v)
            ));
        }
        for v in list("pending_from_unknown") {
            lines.push(format!(
                "PENDING  {} ops parked by {}, an author unknown here (`kenes pending --clear-unknown` drops them)",
                v["ops"],
                short(&v, "author")
            ));
        }
        if lines.is_empty() {
            lines.push("no rejected ops, no forks, no alerts".into());
        }
        lines.join("\n")
    });
    Ok(())
}
