//! `kenes propose`, `kenes vote`, `kenes close`, `kenes proposal`: deciding.

use crate::cli::{ChoiceArg, ProposalCommand, ProposalKindArg, ProposeArgs};
use crate::context::{Context, now_ms, resolve_id};
use crate::error::user;
use crate::output::emit;
use anyhow::Result;
use kenes_core::body::{Ballot, ProposalKind, Ratio};
use kenes_core::governance::{ProposalRecord, ProposalStatus};
use kenes_core::tally::Choice;
use kenes_core::{Body, Hash, PublicKey, State};
use kenes_store::Tallies;
use kenes_web::{kinds, model};
use serde_json::{Value, json};

/// Finds a proposal by id prefix: `(committee, proposal)`.
fn find(state: &State, text: &str) -> Result<(Hash, Hash)> {
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

/// A quorum such as `1/2` (the parsing is the UI's, [`kinds::parse_ratio`]).
fn parse_ratio(text: &str) -> Result<Ratio> {
    kinds::parse_ratio(text).map_err(|e| user(format!("quorum '{text}' {e}")))
}

/// Resolves a member key: 64 hex digits, or a unique prefix of one of
/// `known`.
fn resolve_key(text: &str, known: impl IntoIterator<Item = PublicKey>) -> Result<PublicKey> {
    if let Ok(key) = text.trim().parse::<PublicKey>() {
        return Ok(key);
    }
    let wanted = text.trim().to_ascii_lowercase();
    let found: Vec<PublicKey> = known
        .into_iter()
        .filter(|k| !wanted.is_empty() && k.to_hex().starts_with(&wanted))
        .collect();
    match found.as_slice() {
        [one] => Ok(*one),
        [] => Err(user(format!("no member with key {wanted}"))),
        _ => Err(user(format!(
            "{wanted} matches {} members: give more digits",
            found.len()
        ))),
    }
}

fn choice_of(arg: ChoiceArg) -> Choice {
    match arg {
        ChoiceArg::Yes => Choice::Yes,
        ChoiceArg::No => Choice::No,
        ChoiceArg::Abstain => Choice::Abstain,
        ChoiceArg::Block => Choice::Block,
    }
}

/// Every member key this node knows of (members, candidates, seats,
/// profiles).
fn known_keys(state: &State) -> std::collections::BTreeSet<PublicKey> {
    state
        .committees
        .values()
        .flat_map(|c| {
            c.members
                .iter()
                .chain(c.candidates.keys())
                .chain(c.seats.values().flatten())
        })
        .chain(state.profiles.keys())
        .copied()
        .collect()
}

pub fn propose(ctx: &Context, args: ProposeArgs) -> Result<()> {
    let mut store = ctx.open()?;
    let state = store.engine().state();
    let committee = resolve_id(
        &args.committee,
        state.committees.keys().copied(),
        "committee",
    )?;
    let current = state.committees[&committee].policy.clone();
    let committee_id = |text: &str| resolve_id(text, state.committees.keys().copied(), "committee");
    let known = known_keys(state);
    let kind = match args.kind {
        ProposalKindArg::Decision => ProposalKind::Decision,
        ProposalKindArg::Statement { public } => ProposalKind::Statement { public },
        ProposalKindArg::Policy {
            vouches_required,
            quorum,
            consensus,
        } => {
            let changes = kinds::PolicyChanges {
                vouches_required,
                quorum: quorum.as_deref().map(parse_ratio).transpose()?,
                consensus,
            };
            ProposalKind::PolicyChange {
                policy: changes.apply(&current),
            }
        }
        ProposalKindArg::Remove { member } => ProposalKind::RemoveMember {
            member: resolve_key(&member, known.iter().copied())?,
        },
        ProposalKindArg::Affiliate { council } => ProposalKind::Affiliate {
            council: committee_id(&council)?,
        },
        ProposalKindArg::Accept { committee } => ProposalKind::AcceptAffiliation {
            committee: committee_id(&committee)?,
        },
        ProposalKindArg::Elect {
            council,
            seats,
            candidates,
        } => ProposalKind::Election {
            council: committee_id(&council)?,
            seats,
            candidates: candidates
                .iter()
                .map(|c| resolve_key(c, known.iter().copied()))
                .collect::<Result<_>>()?,
        },
        ProposalKindArg::Recall { council, delegate } => ProposalKind::Recall {
            council: committee_id(&council)?,
            delegate: resolve_key(&delegate, known.iter().copied())?,
        },
        ProposalKindArg::Adopt { demand } => ProposalKind::AdoptDemand {
            demand: super::actions::find_demand(state, &demand)?.1,
        },
        ProposalKindArg::Merge { from, into } => ProposalKind::MergeDemands {
            from: super::actions::find_demand(state, &from)?.1,
            into: super::actions::find_demand(state, &into)?.1,
        },
        ProposalKindArg::Mandate { proposal, choice } => ProposalKind::Mandate {
            council_proposal: find(store.engine().state(), &proposal)?.1,
            choice: choice_of(choice),
        },
    };
    let title = args
        .title
        .clone()
        .unwrap_or_else(|| kinds::default_title(state, &kind));
    let closes_at = now_ms().saturating_add(args.closes_in.saturating_mul(60_000));
    let body = Body::Propose {
        committee,
        kind,
        title: title.trim().into(),
        text: args.text.into(),
        closes_at,
    };
    kenes_core::validate::check_body(&body).map_err(|e| user(e.to_string()))?;
    let op = ctx.author(&mut store, body)?;
    emit(
        ctx.json,
        &json!({ "id": op.id.to_hex(), "committee": committee.to_hex(), "closes_at": closes_at }),
        || format!("proposed \"{}\"\nid: {}", title.trim(), op.id),
    );
    Ok(())
}

pub fn vote(
    ctx: &Context,
    proposal: &str,
    choice: Option<ChoiceArg>,
    rank: &[String],
) -> Result<()> {
    let mut store = ctx.open()?;
    let (committee, proposal) = find(store.engine().state(), proposal)?;
    let ballot = match choice {
        Some(choice) => Ballot::Choice(choice_of(choice)),
        None => {
            let candidates =
                match &store.engine().state().committees[&committee].proposals[&proposal].kind {
                    ProposalKind::Election { candidates, .. } => candidates.clone(),
                    _ => {
                        return Err(user(
                            "--rank is for elections; vote yes, no, abstain or block",
                        ));
                    }
                };
            Ballot::Ranking(
                rank.iter()
                    .map(|r| resolve_key(r, candidates.iter().copied()))
                    .collect::<Result<_>>()?,
            )
        }
    };
    let described = match &ballot {
        Ballot::Choice(c) => format!("{c:?}").to_lowercase(),
        Ballot::Ranking(r) => r
            .iter()
            .map(PublicKey::short)
            .collect::<Vec<_>>()
            .join(" > "),
    };
    let body = Body::Vote {
        committee,
        proposal,
        ballot,
    };
    kenes_core::validate::check_body(&body).map_err(|e| user(e.to_string()))?;
    let op = ctx.author(&mut store, body)?;
    emit(
        ctx.json,
        &json!({ "op": op.id.to_hex(), "proposal": proposal.to_hex(), "ballot": described }),
        || format!("voted {described} on {}", proposal.short()),
    );
    Ok(())
}

pub fn councils(ctx: &Context) -> Result<()> {
    let view = ctx.read()?;
    let state = &view.state;
    let list: Vec<&kenes_core::Committee> = state
        .committees
        .values()
        .map(|c| &**c)
        .filter(|c| c.kind.is_council())
        .collect();
    let rows: Vec<Value> = list
        .iter()
        .map(|k| {
            let mut row = kenes_store::kind_detail(&k.kind);
            if let Some(o) = row.as_object_mut() {
                o.insert("id".into(), json!(k.id.to_hex()));
                o.insert("name".into(), json!(k.name));
                o.insert(
                    "affiliates".into(),
                    json!(k.affiliates.iter().map(|c| c.to_hex()).collect::<Vec<_>>()),
                );
                o.insert(
                    "seats".into(),
                    json!(k.seats.values().map(|s| s.len()).sum::<usize>()),
                );
            }
            row
        })
        .collect();
    emit(ctx.json, &rows, || {
        if list.is_empty() {
            return "no councils yet: kenes committee create --kind council ...".into();
        }
        list.iter()
            .map(|k| {
                format!(
                    "{}  {:<40} {:>3} committees {:>3} seats",
                    k.id.short(),
                    k.name,
                    k.affiliates.len(),
                    k.seats.values().map(|s| s.len()).sum::<usize>()
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}

pub fn seats(ctx: &Context, council: &str) -> Result<()> {
    let view = ctx.read()?;
    let state = &view.state;
    let id = resolve_id(council, state.committees.keys().copied(), "committee")?;
    let k = &state.committees[&id];
    if !k.kind.is_council() {
        return Err(user(format!("{} is not a council", k.name)));
    }
    let weights = kenes_core::governance::council_voters(state, k);
    let keyring = &ctx.keyring(state);
    let rows: Vec<Value> = k
        .seats
        .iter()
        .flat_map(|(c, delegates)| {
            delegates.iter().map(move |d| {
                let standing = state
                    .committees
                    .get(c)
                    .is_some_and(|c| c.members.contains(d));
                json!({
                    "committee": c.to_hex(),
                    "committee_name": state.committees.get(c).map(|c| c.name.clone()),
                    "delegate": d.to_hex(),
                    "delegate_name": keyring.name(state, d),
                    "standing": standing,
                })
            })
        })
        .collect();
    let value = json!({
        "council": id.to_hex(),
        "name": k.name,
        "affiliates": k.affiliates.iter().map(|c| c.to_hex()).collect::<Vec<_>>(),
        "seats": rows,
        "convenor": k.convenor.map(|c| c.to_hex()),
        "voters": weights.iter().map(|(d, w)| json!({ "delegate": d.to_hex(), "weight": w.to_string() })).collect::<Vec<_>>(),
    });
    emit(ctx.json, &value, || {
        let mut lines = vec![format!(
            "{}  {} ({} affiliated committees)",
            id.short(),
            k.name,
            k.affiliates.len()
        )];
        if k.seats.values().all(|s| s.is_empty()) {
            lines.push("  no seats yet: the convenor acts alone".into());
        }
        for (c, delegates) in &k.seats {
            for d in delegates {
                lines.push(format!(
                    "  {:<28} {}  weight {}",
                    state.committees.get(c).map_or("?", |c| c.name.as_str()),
                    model::member_name(keyring, state, d),
                    weights
                        .get(d)
                        .map_or("(not standing)".to_string(), |w| w.to_string())
                ));
            }
        }
        lines.join("\n")
    });
    Ok(())
}

pub fn close(ctx: &Context, proposal: &str) -> Result<()> {
    let mut store = ctx.open()?;
    let (committee, proposal) = find(store.engine().state(), proposal)?;
    let op = ctx.author(
        &mut store,
        Body::Close {
            committee,
            proposal,
        },
    )?;
    let state = store.engine().state();
    let record = &state.committees[&committee].proposals[&proposal];
    let keyring = ctx.keyring(state);
    let value = model::proposal(state, store.engine(), &keyring, &proposal, record);
    emit(
        ctx.json,
        &json!({ "op": op.id.to_hex(), "proposal": value }),
        || format!("closed {}: {}", proposal.short(), status_line(record)),
    );
    Ok(())
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

pub fn proposal(ctx: &Context, cmd: ProposalCommand) -> Result<()> {
    // Answers from the read snapshot: tallies and ballots included.
    let view = ctx.read()?;
    let state = &view.state;
    let keyring = ctx.keyring(state);
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
                .map(|(id, p, _)| model::proposal(state, &view, &keyring, id, p))
                .collect();
            emit(ctx.json, &value, || {
                if rows.is_empty() {
                    return "no proposals".into();
                }
                rows.iter()
                    .zip(&value)
                    .map(|((id, p, committee), v)| {
                        format!(
                            "{}  {:<10} {:<24} {}  [{}]",
                            id.short(),
                            p.kind.label(),
                            committee,
                            v["title"].as_str().unwrap_or(""),
                            status_line(p)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        ProposalCommand::Show { id } => {
            let (committee, id) = find(state, &id)?;
            let record = &state.committees[&committee].proposals[&id];
            let value = model::proposal(state, &view, &keyring, &id, record);
            emit(ctx.json, &value, || {
                let live = match (&record.status, view.live_tally(&id)) {
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
                let mut report = String::new();
                for row in value["mandate_report"].as_array().into_iter().flatten() {
                    report.push_str(&format!(
                        "\n  mandate of {}: {} — {} voted {}{}",
                        row["committee_name"].as_str().unwrap_or("?"),
                        row["mandate"].as_str().unwrap_or("none"),
                        row["delegate_name"].as_str().unwrap_or("?"),
                        row["vote"].as_str().unwrap_or("nothing yet"),
                        match row["followed"].as_bool() {
                            Some(true) => " (followed)",
                            Some(false) => " (DEVIATED)",
                            None => "",
                        }
                    ));
                }
                format!(
                    "{}  {} ({})\n  by {}  in {}\n  {}\n  quorum {}/{}, {:?} threshold{}\n  status: {}{live}{report}",
                    id,
                    value["title"].as_str().unwrap_or(""),
                    record.kind.label(),
                    model::member_name(&keyring, state, &record.proposer),
                    state.committees[&committee].name,
                    match value["text"].as_str().unwrap_or("") {
                        "" => "(no text)",
                        text => text,
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
