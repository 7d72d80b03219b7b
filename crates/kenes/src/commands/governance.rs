//! `kenes propose`, `kenes vote`, `kenes close`, `kenes proposal`: deciding.

use crate::cli::{ChoiceArg, ProposalCommand, ProposalKindArg, ProposeArgs};
use crate::context::{Context, now_ms, resolve_id};
use crate::error::user;
use crate::output::emit;
use anyhow::Result;
use kenes_core::body::{Ballot, ProposalKind, Ratio};
use kenes_core::governance::{ProposalRecord, ProposalResult, ProposalStatus};
use kenes_core::tally::Choice;
use kenes_core::{Body, Engine, Hash, PublicKey, State};
use kenes_store::Store;
use serde_json::{Value, json};

/// Finds a proposal by id prefix: `(committee, proposal)`.
fn find(store: &Store, text: &str) -> Result<(Hash, Hash)> {
    let state = store.engine().state();
    let all = state
        .committees
        .values()
        .flat_map(|c| c.proposals.keys().map(move |p| (*p, c.id)));
    let pairs: Vec<(Hash, Hash)> = all.collect();
    let id = resolve_id(text, pairs.iter().map(|(p, _)| *p), "proposal")?;
    let committee = pairs
        .iter()
        .find(|(p, _)| *p == id)
        .map(|(_, c)| *c)
        .unwrap_or(Hash::ZERO);
    Ok((committee, id))
}

fn parse_ratio(text: &str) -> Result<Ratio> {
    let (n, d) = text
        .split_once('/')
        .ok_or_else(|| user(format!("quorum '{text}' must look like 1/2")))?;
    let ratio = Ratio(
        n.trim()
            .parse()
            .map_err(|_| user(format!("quorum '{text}' must look like 1/2")))?,
        d.trim()
            .parse()
            .map_err(|_| user(format!("quorum '{text}' must look like 1/2")))?,
    );
    if !ratio.is_fraction() {
        return Err(user(format!("quorum {text} must be between 0 and 1")));
    }
    Ok(ratio)
}

pub fn propose(ctx: &Context, args: ProposeArgs) -> Result<()> {
    let mut store = ctx.open()?;
    let committee = resolve_id(
        &args.committee,
        store.engine().state().committees.keys().copied(),
        "committee",
    )?;
    let current = store.engine().state().committees[&committee].policy.clone();
    let kind = match args.kind {
        ProposalKindArg::Decision => ProposalKind::Decision,
        ProposalKindArg::Statement { public } => ProposalKind::Statement { public },
        ProposalKindArg::Policy {
            vouches_required,
            quorum,
            consensus,
        } => {
            let mut policy = current;
            if let Some(v) = vouches_required {
                policy.vouches_required = v;
            }
            if let Some(q) = quorum {
                policy.quorum = parse_ratio(&q)?;
            }
            if let Some(c) = consensus {
                policy.consensus = c;
            }
            ProposalKind::PolicyChange { policy }
        }
        ProposalKindArg::Remove { member } => ProposalKind::RemoveMember {
            member: member
                .parse::<PublicKey>()
                .map_err(|e| user(format!("'{member}' is not a public key: {e}")))?,
        },
    };
    let closes_at = now_ms().saturating_add(args.closes_in.saturating_mul(60_000));
    let body = Body::Propose {
        committee,
        kind,
        title: args.title.trim().into(),
        text: args.text,
        closes_at,
    };
    kenes_core::validate::check_body(&body).map_err(|e| user(e.to_string()))?;
    let op = ctx.author(&mut store, body)?;
    emit(
        ctx.json,
        &json!({ "id": op.id.to_hex(), "committee": committee.to_hex(), "closes_at": closes_at }),
        || format!("proposed \"{}\"\nid: {}", args.title.trim(), op.id),
    );
    Ok(())
}

pub fn vote(ctx: &Context, proposal: &str, choice: ChoiceArg) -> Result<()> {
    let mut store = ctx.open()?;
    let (committee, proposal) = find(&store, proposal)?;
    let choice = match choice {
        ChoiceArg::Yes => Choice::Yes,
        ChoiceArg::No => Choice::No,
        ChoiceArg::Abstain => Choice::Abstain,
        ChoiceArg::Block => Choice::Block,
    };
    let op = ctx.author(
        &mut store,
        Body::Vote {
            committee,
            proposal,
            ballot: Ballot::Choice(choice),
        },
    )?;
    emit(
        ctx.json,
        &json!({ "op": op.id.to_hex(), "proposal": proposal.to_hex(), "choice": format!("{choice:?}").to_lowercase() }),
        || {
            format!(
                "voted {} on {}",
                format!("{choice:?}").to_lowercase(),
                proposal.short()
            )
        },
    );
    Ok(())
}

pub fn close(ctx: &Context, proposal: &str) -> Result<()> {
    let mut store = ctx.open()?;
    let (committee, proposal) = find(&store, proposal)?;
    let op = ctx.author(
        &mut store,
        Body::Close {
            committee,
            proposal,
        },
    )?;
    let state = store.engine().state();
    let record = &state.committees[&committee].proposals[&proposal];
    let value = record_json(state, store.engine(), &proposal, record);
    emit(
        ctx.json,
        &json!({ "op": op.id.to_hex(), "proposal": value }),
        || format!("closed {}: {}", proposal.short(), status_line(record)),
    );
    Ok(())
}

fn result_json(result: &ProposalResult) -> Value {
    let c = &result.count;
    json!({
        "yes": c.yes.to_string(), "no": c.no.to_string(), "abstain": c.abstain.to_string(),
        "block": c.block.to_string(), "electorate": c.electorate.to_string(),
        "passed": result.passed(),
        "failure": result.failure.map(|f| f.to_string()),
    })
}

fn status_line(record: &ProposalRecord) -> String {
    match &record.status {
        ProposalStatus::Open => "open".into(),
        ProposalStatus::Closed(c) => {
            let verdict = match c.result.failure {
                None => "passed".to_string(),
                Some(f) => format!("failed ({f})"),
            };
            let changed = if c.changed_after_close {
                "; OUTCOME CHANGED AFTER CLOSING"
            } else {
                ""
            };
            format!(
                "{verdict}: yes {} / no {} / abstain {} / block {} of {}{changed}",
                c.result.count.yes,
                c.result.count.no,
                c.result.count.abstain,
                c.result.count.block,
                c.result.count.electorate
            )
        }
    }
}

fn record_json(state: &State, engine: &Engine, id: &Hash, record: &ProposalRecord) -> Value {
    let e = &record.electorate;
    let (status, result, changed) = match &record.status {
        ProposalStatus::Open => (
            "open",
            engine.live_tally(id).map(|r| result_json(&r)),
            false,
        ),
        ProposalStatus::Closed(c) => (
            "closed",
            Some(result_json(&c.result)),
            c.changed_after_close,
        ),
    };
    json!({
        "id": id.to_hex(),
        "kind": record.kind.label(),
        "title": record.title,
        "text": record.text,
        "proposer": record.proposer.to_hex(),
        "proposer_name": state.name_of(&record.proposer),
        "closes_at": record.closes_at,
        "status": status,
        "tally": result,
        "changed_after_close": changed,
        "electorate": e.voters.keys().map(|k| k.to_hex()).collect::<Vec<_>>(),
        "quorum": format!("{}/{}", e.quorum.0, e.quorum.1),
        "threshold": format!("{:?}", e.threshold).to_lowercase(),
        "consensus": e.consensus,
    })
}

pub fn proposal(ctx: &Context, cmd: ProposalCommand) -> Result<()> {
    let store = ctx.open()?;
    let engine = store.engine();
    let state = engine.state();
    match cmd {
        ProposalCommand::List { committee } => {
            let only = committee
                .map(|c| resolve_id(&c, state.committees.keys().copied(), "committee"))
                .transpose()?;
            let mut rows: Vec<(&Hash, &ProposalRecord, &str)> = state
                .committees
                .values()
                .filter(|c| only.is_none_or(|o| o == c.id))
                .flat_map(|c| {
                    c.proposals
                        .iter()
                        .map(move |(id, p)| (id, p, c.name.as_str()))
                })
                .collect();
            rows.sort_by_key(|(_, p, _)| p.created);
            let value: Vec<Value> = rows
                .iter()
                .map(|(id, p, _)| record_json(state, engine, id, p))
                .collect();
            emit(ctx.json, &value, || {
                if rows.is_empty() {
                    return "no proposals".into();
                }
                rows.iter()
                    .map(|(id, p, committee)| {
                        format!(
                            "{}  {:<10} {:<24} {}  [{}]",
                            id.short(),
                            p.kind.label(),
                            committee,
                            p.title,
                            status_line(p)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        ProposalCommand::Show { id } => {
            let (committee, id) = find(&store, &id)?;
            let record = &state.committees[&committee].proposals[&id];
            let value = record_json(state, engine, &id, record);
            emit(ctx.json, &value, || {
                let live = match (&record.status, engine.live_tally(&id)) {
                    (ProposalStatus::Open, Some(r)) => format!(
                        "\nlive tally: yes {} / no {} / abstain {} / block {} of {} ({})",
                        r.count.yes,
                        r.count.no,
                        r.count.abstain,
                        r.count.block,
                        r.count.electorate,
                        r.failure
                            .map_or("would pass".to_string(), |f| format!("would fail: {f}"))
                    ),
                    _ => String::new(),
                };
                format!(
                    "{}  {} ({})\n  by {}  in {}\n  {}\n  quorum {}/{}, {:?} threshold{}\n  status: {}{live}",
                    id,
                    record.title,
                    record.kind.label(),
                    state.name_of(&record.proposer).unwrap_or("?"),
                    state.committees[&committee].name,
                    if record.text.is_empty() {
                        "(no text)"
                    } else {
                        &record.text
                    },
                    record.electorate.quorum.0,
                    record.electorate.quorum.1,
                    record.electorate.threshold,
                    if record.electorate.consensus {
                        ", consensus"
                    } else {
                        ""
                    },
                    status_line(record),
                )
            });
        }
    }
    Ok(())
}
