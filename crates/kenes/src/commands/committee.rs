//! `kenes committee`, `kenes vouch`, `kenes join`, `kenes leave`.

use crate::cli::{CommitteeCommand, CreateCommitteeArgs, KindArg};
use crate::context::{Context, resolve_id};
use crate::error::user;
use crate::output::emit;
use anyhow::Result;
use kenes_core::body::{CommitteeKind, CouncilScope, Policy};
use kenes_core::keyring::Keyring;
use kenes_core::{Body, Committee, Hash, PublicKey, State};
use kenes_store::Store;
use kenes_web::kinds::{self, KindError};
use kenes_web::model;
use serde_json::{Value, json};

fn describe(state: &State, keyring: &Keyring, c: &Committee) -> String {
    let place = match &c.kind {
        CommitteeKind::Territorial { area } => area.clone(),
        CommitteeKind::Production {
            enterprise,
            site,
            industry,
            area,
        } => {
            let site = if site.is_empty() {
                String::new()
            } else {
                format!(", {site}")
            };
            format!("{enterprise}{site} ({industry}), {area}")
        }
        CommitteeKind::Council {
            scope: CouncilScope::Area(a),
        } => format!("council for {a}"),
        CommitteeKind::Council {
            scope: CouncilScope::Industry(i),
        } => format!("council for {i}"),
        CommitteeKind::Advisory => "advisory".into(),
    };
    let mut lines = vec![
        format!("{}  {}", c.id, c.name),
        format!("  kind: {}, {place}", c.kind.label()),
        format!("  members ({}):", c.members.len()),
    ];
    for m in &c.members {
        lines.push(format!(
            "    {}  {}",
            m,
            keyring.name(state, m).as_deref().unwrap_or("(no name)")
        ));
    }
    if let Some(convenor) = &c.convenor {
        lines.push(format!(
            "  convenor: {} {}",
            convenor,
            keyring.name(state, convenor).as_deref().unwrap_or("")
        ));
    }
    if !c.candidates.is_empty() {
        lines.push(format!(
            "  candidates (need {} vouches):",
            c.vouches_needed()
        ));
        for (k, v) in &c.candidates {
            lines.push(format!(
                "    {}  {}  {} vouches",
                k,
                keyring.name(state, k).as_deref().unwrap_or("(no name)"),
                v.len()
            ));
        }
    }
    lines.join("\n")
}

/// Resolves a committee id (or unique prefix) in `store`.
pub fn committee_id(store: &Store, text: &str) -> Result<Hash> {
    committee_in(store.engine().state(), text)
}

/// Resolves a committee id (or unique prefix) in `state`.
fn committee_in(state: &kenes_core::State, text: &str) -> Result<Hash> {
    resolve_id(text, state.committees.keys().copied(), "committee")
}

/// The committee kind the flags describe, built as the UI builds it
/// ([`kinds::committee_kind`]), with the CLI's words for what is missing.
fn kind_from(args: &CreateCommitteeArgs) -> Result<CommitteeKind> {
    let wire = match args.kind {
        KindArg::Territorial => "territorial",
        KindArg::Production => "production",
        KindArg::Council => "council",
        KindArg::Advisory => "advisory",
    };
    let flag = |value: &Option<String>| value.clone().unwrap_or_default();
    kinds::committee_kind(
        wire,
        &flag(&args.area),
        &flag(&args.enterprise),
        &flag(&args.site),
        &flag(&args.industry),
    )
    .map_err(|e| match e {
        KindError::Missing(field) => user(format!("a {wire} committee needs --{field}")),
        KindError::CouncilScope => user("a council needs exactly one scope: --area or --industry"),
        KindError::Unknown => user(format!("{wire} is not a committee kind")),
    })
}

pub fn committee(ctx: &Context, cmd: CommitteeCommand) -> Result<()> {
    match cmd {
        CommitteeCommand::Create(args) => {
            let kind = kind_from(&args)?;
            let policy = Policy {
                vouches_required: args
                    .vouches_required
                    .unwrap_or(Policy::default().vouches_required),
                ..Policy::default()
            };
            let body = Body::CreateCommittee {
                name: args.name.trim().into(),
                kind,
                policy,
            };
            kenes_core::validate::check_body(&body).map_err(|e| user(e.to_string()))?;
            let mut store = ctx.open()?;
            let op = ctx.author(&mut store, body)?;
            emit(ctx.json, &json!({ "id": op.id.to_hex() }), || {
                format!("created committee \"{}\"\nid: {}", args.name.trim(), op.id)
            });
            Ok(())
        }
        CommitteeCommand::List => {
            let view = ctx.read()?;
            let state = &view.state;
            let keyring = ctx.keyring(state);
            let rows: Vec<Value> = state
                .committees
                .values()
                .map(|c| model::committee(state, &keyring, c))
                .collect();
            emit(ctx.json, &rows, || {
                if rows.is_empty() {
                    return "no committees yet".into();
                }
                state
                    .committees
                    .values()
                    .map(|c| {
                        format!(
                            "{}  {:<12} {:>4} members  {}",
                            c.id.short(),
                            c.kind.label(),
                            c.members.len(),
                            c.name
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
            Ok(())
        }
        CommitteeCommand::Show { id } => {
            let view = ctx.read()?;
            let state = &view.state;
            let id = committee_in(state, &id)?;
            let c = &state.committees[&id];
            let keyring = ctx.keyring(state);
            emit(ctx.json, &model::committee(state, &keyring, c), || {
                describe(state, &keyring, c)
            });
            Ok(())
        }
    }
}

fn act(ctx: &Context, committee: &str, make: impl FnOnce(Hash) -> Body, done: &str) -> Result<()> {
    let mut store = ctx.open()?;
    let id = committee_id(&store, committee)?;
    let body = make(id);
    let op = ctx.author(&mut store, body)?;
    let name = store
        .engine()
        .state()
        .committees
        .get(&id)
        .map(|c| c.name.clone())
        .unwrap_or_default();
    emit(
        ctx.json,
        &json!({ "op": op.id.to_hex(), "committee": id.to_hex(), "outcome": "applied" }),
        || format!("{done} \"{name}\" ({})", id.short()),
    );
    Ok(())
}

pub fn vouch(ctx: &Context, committee: &str, pubkey: &str) -> Result<()> {
    let candidate: PublicKey = pubkey
        .parse()
        .map_err(|e| user(format!("'{pubkey}' is not a public key: {e}")))?;
    act(
        ctx,
        committee,
        |c| Body::Vouch {
            committee: c,
            candidate,
        },
        "vouched in",
    )
}

pub fn join(ctx: &Context, committee: &str) -> Result<()> {
    act(ctx, committee, |c| Body::Join { committee: c }, "joined")
}

pub fn leave(ctx: &Context, committee: &str) -> Result<()> {
    act(ctx, committee, |c| Body::Leave { committee: c }, "left")
}
