//! The federation as JSON: one shape per thing, shared by the HTTP API
//! (`/api/…`) and the CLI's `--json`, so scripts see the same fields
//! whichever they use.

use kenes_core::body::Ballot;
use kenes_core::governance::{ProposalRecord, ProposalResult, ProposalStatus};
use kenes_core::keyring::{self, Keyring};
use kenes_core::platform::day_of;
use kenes_core::{Committee, Engine, Hash, PublicKey, State, VoidReason};
use kenes_store::{Alerts, LoggedOp, Tallies};
use serde_json::{Value, json};

/// `Debug` in lower case: the wire name of a plain enum value.
pub fn lower(value: impl std::fmt::Debug) -> String {
    format!("{value:?}").to_lowercase()
}

/// A committee's name, or the start of its id when it is unknown.
pub fn committee_name(state: &State, id: &Hash) -> String {
    state
        .committees
        .get(id)
        .map_or_else(|| id.short(), |c| c.name.clone())
}

/// A member's display name as `keyring`'s member reads it (sealed names
/// open only to those who share a committee with them, issue 14), or the
/// start of their key.
pub fn member_name(keyring: &Keyring, state: &State, key: &PublicKey) -> String {
    keyring
        .name(state, key)
        .map_or_else(|| key.short(), std::borrow::Cow::into_owned)
}

/// A committee: kind detail, members, candidates and rules.
pub fn committee(state: &State, keyring: &Keyring, c: &Committee) -> Value {
    let named = |k: &PublicKey| json!({ "public_key": k.to_hex(), "name": keyring.name(state, k) });
    let mut detail = kenes_store::kind_detail(&c.kind);
    let extra = json!({
        "id": c.id.to_hex(),
        "name": c.name,
        "kind": c.kind.label(),
        "members": c.members.iter().map(|k| k.to_hex()).collect::<Vec<_>>(),
        "member_names": c.members.iter().map(named).collect::<Vec<_>>(),
        "convenor": c.convenor.map(|k| k.to_hex()),
        "candidates": c.candidates.iter().map(|(k, vouchers)| json!({
            "public_key": k.to_hex(),
            "name": keyring.name(state, k),
            "vouches": vouchers.len(),
            "needed": c.vouches_needed(),
        })).collect::<Vec<_>>(),
        "vouches_required": c.policy.vouches_required,
    });
    if let (Some(d), Some(e)) = (detail.as_object_mut(), extra.as_object()) {
        d.extend(e.clone());
    }
    detail
}

/// A tally: exact counts as strings (they may be fractions of seats).
pub fn result(result: &ProposalResult) -> Value {
    let c = &result.count;
    json!({
        "yes": c.yes.to_string(), "no": c.no.to_string(), "abstain": c.abstain.to_string(),
        "block": c.block.to_string(), "electorate": c.electorate.to_string(),
        "passed": result.passed(),
        "failure": result.failure.map(|f| f.to_string()),
        "elected": result.elected.iter().map(|k| k.to_hex()).collect::<Vec<_>>(),
        "ranked": c.ranked.to_string(),
    })
}

/// For a council proposal: each standing seat's committee mandate beside
/// the delegate's latest ballot (`fold`: a loaded engine or a read view).
pub fn mandate_report(
    state: &State,
    fold: &impl Tallies,
    keyring: &Keyring,
    council: &Committee,
    proposal: &Hash,
) -> Vec<Value> {
    if !council.kind.is_council() {
        return Vec::new();
    }
    let ballots = fold.latest_ballots(proposal);
    let mut rows = Vec::new();
    for (c, delegates) in &council.seats {
        let Some(committee) = state.committees.get(c) else {
            continue;
        };
        let mandate = committee.mandates.get(proposal);
        for d in delegates.iter().filter(|d| committee.members.contains(d)) {
            let voted = match ballots.get(d) {
                Some(Ballot::Choice(choice)) => Some(*choice),
                _ => None,
            };
            let followed = match (mandate, voted) {
                (Some(m), Some(v)) => Some(*m == v),
                _ => None,
            };
            rows.push(json!({
                "committee": c.to_hex(),
                "committee_name": committee.name,
                "delegate": d.to_hex(),
                "delegate_name": keyring.name(state, d),
                "mandate": mandate.map(lower),
                "vote": voted.map(lower),
                "followed": followed,
            }));
        }
    }
    rows
}

/// The committee holding proposal `id`.
pub fn committee_of_proposal<'a>(state: &'a State, id: &Hash) -> Option<&'a Committee> {
    state
        .committees
        .values()
        .map(|c| &**c)
        .find(|c| c.proposals.contains_key(id))
}

/// A proposal with its rules, live or final tally, and mandate report.
/// Its title and text as `keyring`'s member reads them: sealed ones they
/// cannot open read [`kenes_core::keyring::SEALED_NOTICE`], with
/// `"sealed": true`. `fold` is a loaded engine or a read view.
pub fn proposal(
    state: &State,
    fold: &impl Tallies,
    keyring: &Keyring,
    id: &Hash,
    record: &ProposalRecord,
) -> Value {
    let home = committee_of_proposal(state, id);
    let mandates = home
        .map(|k| mandate_report(state, fold, keyring, k, id))
        .unwrap_or_default();
    let e = &record.electorate;
    let at = home.map_or(Hash::ZERO, |c| c.id);
    // False when a sealed title or text is not this reader's to open.
    let readable = keyring
        .read(&record.title, &keyring::proposal_title(at, record.proposer))
        .is_some()
        && keyring
            .read(&record.text, &keyring::proposal_text(at, record.proposer))
            .is_some();
    let (status, tally, changed) = match &record.status {
        ProposalStatus::Open => ("open", fold.live_tally(id).map(|r| result(&r)), false),
        ProposalStatus::Closed(c) => ("closed", Some(result(&c.result)), c.changed_after_close),
    };
    json!({
        "id": id.to_hex(),
        "committee": home.map(|c| c.id.to_hex()),
        "kind": record.kind.label(),
        "title": proposal_title(keyring, home.map_or(Hash::ZERO, |c| c.id), record),
        "text": proposal_text(keyring, home.map_or(Hash::ZERO, |c| c.id), record),
        "sealed": record.title.sealed().is_some() || record.text.sealed().is_some(),
        "readable": readable,
        "proposer": record.proposer.to_hex(),
        "proposer_name": keyring.name(state, &record.proposer),
        "closes_at": record.closes_at,
        "status": status,
        "tally": tally,
        "changed_after_close": changed,
        "electorate": e.voters.keys().map(|k| k.to_hex()).collect::<Vec<_>>(),
        "quorum": format!("{}/{}", e.quorum.0, e.quorum.1),
        "threshold": lower(e.threshold),
        "consensus": e.consensus,
        "mandate_report": mandates,
    })
}

/// What a report's update said, as `keyring`'s member reads it: clear
/// text as is, a text marked committee only opened for its members and
/// [`kenes_core::keyring::SEALED_NOTICE`] for others.
pub fn report_text(
    keyring: &Keyring,
    committee: Hash,
    update: &kenes_core::platform::ReportUpdate,
) -> String {
    keyring
        .show(
            &update.text,
            &keyring::report_text(committee, update.author),
        )
        .into_owned()
}

/// A proposal's title as `keyring`'s member reads it.
pub fn proposal_title(keyring: &Keyring, committee: Hash, record: &ProposalRecord) -> String {
    keyring
        .show(
            &record.title,
            &keyring::proposal_title(committee, record.proposer),
        )
        .into_owned()
}

/// A proposal's text as `keyring`'s member reads it.
pub fn proposal_text(keyring: &Keyring, committee: Hash, record: &ProposalRecord) -> String {
    keyring
        .show(
            &record.text,
            &keyring::proposal_text(committee, record.proposer),
        )
        .into_owned()
}

/// One op in the log, with its outcome.
pub fn entry(state: &State, keyring: &Keyring, op: &LoggedOp) -> Value {
    json!({
        "id": op.id.to_hex(),
        "author": op.author.to_hex(),
        "author_name": keyring.name(state, &op.author),
        "seq": op.seq,
        "lamport": op.lamport,
        "time": op.time,
        "kind": op.kind,
        "outcome": op.outcome.describe(),
    })
}

/// Ops refused (rejected or voided), in acceptance order.
pub fn refused(engine: &Engine) -> Vec<u32> {
    let mut ords = engine.rejected();
    ords.extend(engine.voided().keys());
    ords.sort_unstable();
    ords
}

/// Proposals whose outcome a later close changed.
pub fn changed_after_close(state: &State) -> impl Iterator<Item = (&Hash, &ProposalRecord)> {
    state
        .committees
        .values()
        .flat_map(|c| c.proposals.iter())
        .filter(|(_, p)| matches!(&p.status, ProposalStatus::Closed(c) if c.changed_after_close))
}

/// A removal's committee and title, as the alerts name it to `keyring`'s
/// member: a sealed title only if they can open it.
pub fn removal_named<'a>(
    state: &'a State,
    keyring: &Keyring,
    proposal: &Hash,
) -> (Option<&'a Committee>, Option<String>) {
    let committee = committee_of_proposal(state, proposal);
    let title = committee.and_then(|c| {
        let p = c.proposals.get(proposal)?;
        keyring
            .read(&p.title, &keyring::proposal_title(c.id, p.proposer))
            .map(std::borrow::Cow::into_owned)
    });
    (committee, title)
}

/// What voided an op: the accepted removal (its proposal, title and
/// committee) or the fork (the author and the fork point).
pub fn void_cause(state: &State, keyring: &Keyring, reason: &VoidReason) -> Value {
    match reason {
        VoidReason::Removal { proposal } => {
            let (committee, title) = removal_named(state, keyring, proposal);
            json!({
                "kind": "removal",
                "proposal": proposal.to_hex(),
                "title": title,
                "committee": committee.map(|c| c.id.to_hex()),
                "committee_name": committee.map(|c| c.name.clone()),
            })
        }
        VoidReason::Fork { author, seq } => json!({
            "kind": "fork",
            "author": author.to_hex(),
            "author_name": keyring.name(state, author),
            "seq": seq,
        }),
        VoidReason::VoidVouch { join } => json!({
            "kind": "void_vouch",
            "join": join.to_hex(),
        }),
    }
}

/// Ops voided by a fork or a strong removal, each with what voided it.
pub fn voided(state: &State, alerts: &Alerts, keyring: &Keyring) -> Vec<Value> {
    alerts
        .voided
        .iter()
        .map(|(op, reason)| {
            let mut value = entry(state, keyring, op);
            value["voided_by"] = void_cause(state, keyring, reason);
            value
        })
        .collect()
}

/// Removals that passed on their own but failed once the ops of members
/// removed before them were taken out (`RemovedProposer`).
pub fn removed_proposers(state: &State, alerts: &Alerts, keyring: &Keyring) -> Vec<Value> {
    alerts
        .removed_proposers
        .iter()
        .map(|(op, count)| {
            let mut value = entry(state, keyring, op);
            value["result"] = result(count);
            value
        })
        .collect()
}

/// What needs a person's attention: rejected and voided ops (with what
/// voided them), forked members, ops that arrived late, outcomes changed
/// after closing, removals that failed because their proposer was removed.
pub fn alerts(state: &State, alerts: &Alerts, keyring: &Keyring) -> Value {
    let rejected: Vec<Value> = alerts
        .rejected
        .iter()
        .map(|op| entry(state, keyring, op))
        .collect();
    let forks: Vec<Value> = state
        .forks
        .iter()
        .map(|(k, seqs)| json!({ "member": k.to_hex(), "name": keyring.name(state, k), "seqs": seqs }))
        .collect();
    let late: Vec<Value> = alerts
        .arrived_late
        .iter()
        .map(|op| entry(state, keyring, op))
        .collect();
    let changed: Vec<Value> = changed_after_close(state)
        .map(|(id, p)| {
            // Clear titles as they are; a sealed one as this reader reads
            // it, never its ciphertext.
            let committee = committee_of_proposal(state, id).map_or(Hash::ZERO, |c| c.id);
            json!({ "proposal": id.to_hex(), "title": proposal_title(keyring, committee, p) })
        })
        .collect();
    json!({
        "rejected": rejected,
        "voided": voided(state, alerts, keyring),
        "forked_members": forks,
        "arrived_late": late,
        "changed_after_close": changed,
        "removed_proposer": removed_proposers(state, alerts, keyring),
    })
}

/// Every demand, with its origin, adopters and supporters.
pub fn demands(state: &State) -> Vec<Value> {
    let mut rows = Vec::new();
    for c in state.committees.values() {
        for (id, d) in &c.demands {
            let adopted_by: Vec<String> = state
                .committees
                .values()
                .filter(|a| a.adopted.contains(id))
                .map(|a| a.name.clone())
                .collect();
            rows.push(json!({
                "id": id.to_hex(),
                "title": d.title,
                "category": lower(d.category),
                "text": d.text,
                "origin": c.id.to_hex(),
                "origin_name": c.name,
                "adopted_by": adopted_by,
                "supporters": d.supporters.len(),
            }));
        }
    }
    rows
}

/// The platform (of the federation, or of `council`), ranked.
pub fn platform(state: &State, council: Option<&Hash>) -> Vec<Value> {
    kenes_core::platform::platform(state, council)
        .iter()
        .enumerate()
        .map(|(i, e)| {
            json!({
                "rank": i + 1,
                "demand": e.demand.to_hex(),
                "title": e.title,
                "category": lower(e.category),
                "origin": e.origin.to_hex(),
                "origin_name": committee_name(state, &e.origin),
                "merged": e.merged.iter().map(|d| d.to_hex()).collect::<Vec<_>>(),
                "committees": e.adopting.len(),
                "adopting": e.adopting.iter().map(|c| committee_name(state, c)).collect::<Vec<_>>(),
                "members": e.members,
                "supporters": e.supporters,
            })
        })
        .collect()
}

/// Every report, newest first, with its history.
pub fn reports(state: &State, keyring: &Keyring) -> Vec<Value> {
    let mut all: Vec<(Hash, &Committee, &kenes_core::platform::ReportRecord)> = state
        .committees
        .values()
        .map(|c| &**c)
        .flat_map(|c| c.reports.iter().map(move |(id, r)| (*id, c, &**r)))
        .collect();
    all.sort_by_key(|(id, _, r)| (std::cmp::Reverse(r.starts_at), *id));
    all.iter()
        .map(|(id, c, r)| {
            json!({
                "id": id.to_hex(),
                "committee": c.id.to_hex(),
                "committee_name": c.name,
                "kind": lower(r.kind),
                "status": lower(r.status),
                "area": r.area,
                "participants": r.participants,
                "starts_at": r.starts_at,
                "day": day_of(r.starts_at),
                "committee_only": r.committee_only(),
                "history": r.history.iter().map(|u| json!({
                    "status": lower(u.status), "participants": u.participants,
                    "text": report_text(keyring, c.id, u),
                    "sealed": u.text.sealed().is_some(),
                    "readable": keyring.read(&u.text, &keyring::report_text(c.id, u.author)).is_some(),
                    "time": u.time,
                })).collect::<Vec<_>>(),
            })
        })
        .collect()
}
