//! What needs this member now (issue 16), shown first on the board and
//! served as `GET /api/attention`: open proposals they may vote on and have
//! not, candidates waiting for a vouch they may give, and alerts that came
//! since they last marked them seen.
//!
//! "Seen" is an op count kept in the data directory (`alerts-seen`): an
//! alert is new when an op it involves (the refused or late op, the voided
//! op or what voided it, the forked member's ops, the close that changed
//! an outcome) was accepted after that count.

use crate::model;
use kenes_core::governance::{ProposalRecord, ProposalStatus};
use kenes_core::{Committee, Engine, Hash, Outcome, PublicKey, RejectReason, VoidReason};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The file in the data directory holding the op count seen.
pub const SEEN_FILE: &str = "alerts-seen";

/// An open proposal waiting for this member's vote.
pub struct OpenVote<'a> {
    /// The proposal.
    pub id: Hash,
    /// Its committee.
    pub committee: &'a Committee,
    /// The proposal itself.
    pub record: &'a ProposalRecord,
}

/// A candidate this member may vouch for.
pub struct Waiting<'a> {
    /// The committee they want to join.
    pub committee: &'a Committee,
    /// Their key.
    pub candidate: PublicKey,
    /// Vouches they have.
    pub vouches: usize,
    /// Vouches they need.
    pub needed: usize,
}

/// What an alert is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Alert {
    /// One of this member's ops was refused.
    Refused {
        /// The op.
        op: Hash,
        /// Its kind (`Body::label`).
        kind: &'static str,
        /// Why.
        reason: RejectReason,
    },
    /// An op was voided.
    Voided {
        /// The op.
        op: Hash,
        /// Its kind.
        kind: &'static str,
        /// What voided it.
        reason: VoidReason,
    },
    /// A member's key signed two ops at one place.
    Forked {
        /// The member.
        member: PublicKey,
    },
    /// An op arrived after ops that had not seen it were counted.
    Late {
        /// The op.
        op: Hash,
        /// Its kind.
        kind: &'static str,
    },
    /// A later close changed a proposal's outcome.
    ChangedAfterClose {
        /// The proposal.
        proposal: Hash,
    },
    /// The proposer revised an open proposal's text after this member's
    /// counted ballot, which stays as cast (issue 15).
    RevisedAfterVote {
        /// The proposal.
        proposal: Hash,
    },
}

/// Everything that needs the member.
pub struct Attention<'a> {
    /// Open proposals to vote on, closing soonest first.
    pub open_votes: Vec<OpenVote<'a>>,
    /// Candidates to vouch for.
    pub candidates: Vec<Waiting<'a>>,
    /// Alerts since `seen`, newest first.
    pub alerts: Vec<Alert>,
    /// The op count the alerts were last marked seen at.
    pub seen: usize,
    /// The op count now (what "mark as seen" records).
    pub now: usize,
    /// Unread announcements of committees the member acts in, newest
    /// first, as `(announcement, committee)`: pinned until read (issue 15;
    /// filled by [`crate::deliberation::unread_announcements`]).
    pub announcements: Vec<(Hash, Hash)>,
}

impl Attention<'_> {
    /// Whether nothing needs the member.
    pub fn is_empty(&self) -> bool {
        self.open_votes.is_empty()
            && self.candidates.is_empty()
            && self.alerts.is_empty()
            && self.announcements.is_empty()
    }
}

/// The op count last marked seen in `root` (0 if never).
pub fn seen(root: &Path) -> usize {
    std::fs::read_to_string(root.join(SEEN_FILE))
        .ok()
        .and_then(|t| t.trim().parse().ok())
        .unwrap_or(0)
}

/// Records that the alerts up to op count `upto` were seen.
pub fn mark_seen(root: &Path, upto: usize) -> std::io::Result<()> {
    let path = root.join(SEEN_FILE);
    let tmp = root.join(format!("{SEEN_FILE}.tmp"));
    std::fs::write(&tmp, upto.to_string())?;
    std::fs::rename(tmp, path)
}

fn open_votes<'a>(engine: &'a Engine, me: PublicKey) -> Vec<OpenVote<'a>> {
    let state = engine.state();
    let mut votes: Vec<OpenVote> = state
        .committees
        .values()
        .flat_map(|c| c.proposals.iter().map(move |(id, r)| (c, id, r)))
        .filter(|(_, _, r)| matches!(r.status, ProposalStatus::Open))
        .filter(|(_, _, r)| r.electorate.voters.contains_key(&me))
        .filter(|(_, id, _)| !engine.latest_ballots(id).contains_key(&me))
        .map(|(committee, id, record)| OpenVote {
            id: *id,
            committee,
            record,
        })
        .collect();
    votes.sort_by_key(|v| (v.record.closes_at, v.id));
    votes
}

fn candidates(engine: &Engine, me: PublicKey) -> Vec<Waiting<'_>> {
    engine
        .state()
        .committees
        .values()
        .filter(|c| c.members.contains(&me) && !c.kind.is_council())
        .flat_map(|c| {
            c.candidates
                .iter()
                .filter(|(_, vouchers)| !vouchers.contains(&me))
                .map(move |(k, vouchers)| Waiting {
                    committee: c,
                    candidate: *k,
                    vouches: vouchers.len(),
                    needed: c.vouches_needed() as usize,
                })
        })
        .collect()
}

/// Open proposals revised after `me`'s counted ballot was cast on an
/// earlier text, at the ordinal of the latest revision.
fn revised_after_my_vote(engine: &Engine, me: &PublicKey) -> Vec<(u32, Alert)> {
    let mut out = Vec::new();
    for c in engine.state().committees.values() {
        for (id, record) in &c.proposals {
            let Some((_, last)) = record.revisions.last() else {
                continue;
            };
            // The proposer knows they revised it.
            if record.status != ProposalStatus::Open || record.proposer == *me {
                continue;
            }
            let ballots = kenes_core::discussion::ballots_seen(
                engine,
                engine.voided(),
                id,
                &record.revisions,
            );
            if ballots
                .get(me)
                .is_some_and(|b| (b.revision as usize) < record.revisions.len())
            {
                let o = engine.ordinal(last).unwrap_or(0);
                out.push((o, Alert::RevisedAfterVote { proposal: *id }));
            }
        }
    }
    out
}

/// Alerts, each with the latest ordinal of the ops it involves.
/// The alerts at op count `seen` or later: ops before it are not read
/// back (their bytes may be archived).
fn alerts(engine: &Engine, me: Option<PublicKey>, seen: usize) -> Vec<(u32, Alert)> {
    let seen = u32::try_from(seen).unwrap_or(u32::MAX);
    let state = engine.state();
    let entries = engine.entries();
    let ordinal = |id: &Hash| engine.ordinal(id).unwrap_or(0);
    let mut out = Vec::new();
    for o in engine.rejected() {
        let e = &entries[o as usize];
        if o >= seen
            && Some(engine.author_of(e)) == me
            && let Outcome::Rejected(reason) = engine.outcome_at(o)
        {
            out.push((
                o,
                Alert::Refused {
                    op: e.id,
                    kind: engine.op_at(o).fields.body.label(),
                    reason,
                },
            ));
        }
    }
    for (&o, reason) in engine.voided() {
        let cause = match reason {
            VoidReason::Removal { proposal } => ordinal(proposal),
            VoidReason::VoidVouch { join } => ordinal(join),
            VoidReason::Fork { .. } => o,
        };
        if o.max(cause) < seen {
            continue;
        }
        let e = &entries[o as usize];
        out.push((
            o.max(cause),
            Alert::Voided {
                op: e.id,
                kind: engine.op_at(o).fields.body.label(),
                reason: reason.clone(),
            },
        ));
    }
    let forked: BTreeMap<PublicKey, &BTreeSet<u64>> =
        state.forks.iter().map(|(k, seqs)| (*k, seqs)).collect();
    let changed: BTreeSet<Hash> = model::changed_after_close(state)
        .map(|(id, _)| *id)
        .collect();
    let mut fork_at: BTreeMap<PublicKey, u32> = BTreeMap::new();
    let mut close_at: BTreeMap<Hash, u32> = BTreeMap::new();
    for (o, e) in entries.iter().enumerate() {
        if forked
            .get(&engine.author_of(e))
            .is_some_and(|seqs| seqs.contains(&e.seq()))
        {
            fork_at.insert(engine.author_of(e), o as u32);
        }
    }
    // From the engine's index of closes: no op is read back.
    for proposal in &changed {
        if let Some(&o) = engine.closes(proposal).iter().max() {
            close_at.insert(*proposal, o);
        }
    }
    out.extend(
        fork_at
            .into_iter()
            .map(|(member, o)| (o, Alert::Forked { member })),
    );
    out.extend(
        close_at
            .into_iter()
            .map(|(proposal, o)| (o, Alert::ChangedAfterClose { proposal })),
    );
    if let Some(me) = me {
        out.extend(revised_after_my_vote(engine, &me));
    }
    out.extend(engine.arrived_late().range(seen..).map(|&o| {
        let e = &entries[o as usize];
        (
            o,
            Alert::Late {
                op: e.id,
                kind: engine.op_at(o).fields.body.label(),
            },
        )
    }));
    out
}

/// What needs `me` in `engine`, with alerts since op count `seen`.
pub fn attention(engine: &Engine, me: Option<PublicKey>, seen: usize) -> Attention<'_> {
    let mut new: Vec<(u32, Alert)> = alerts(engine, me, seen)
        .into_iter()
        .filter(|(o, _)| *o as usize >= seen)
        .collect();
    new.sort_by_key(|(o, _)| std::cmp::Reverse(*o));
    Attention {
        open_votes: me.map(|me| open_votes(engine, me)).unwrap_or_default(),
        candidates: me.map(|me| candidates(engine, me)).unwrap_or_default(),
        alerts: new.into_iter().map(|(_, a)| a).collect(),
        seen,
        now: engine.len(),
        announcements: Vec::new(),
    }
}

/// An alert as JSON.
fn alert_json(engine: &Engine, keyring: &kenes_core::keyring::Keyring, alert: &Alert) -> Value {
    let state = engine.state();
    match alert {
        Alert::Refused { op, kind, reason } => {
            json!({ "kind": "refused", "op": op.to_hex(), "op_kind": kind, "reason": reason.to_string() })
        }
        Alert::Voided { op, kind, reason } => json!({
            "kind": "voided", "op": op.to_hex(), "op_kind": kind,
            "voided_by": model::void_cause(state, keyring, reason),
        }),
        Alert::Forked { member } => json!({
            "kind": "fork", "member": member.to_hex(), "name": keyring.name(state, member),
        }),
        Alert::Late { op, kind } => json!({ "kind": "late", "op": op.to_hex(), "op_kind": kind }),
        Alert::RevisedAfterVote { proposal } => json!({
            "kind": "revised_after_vote", "proposal": proposal.to_hex(),
            "title": model::committee_of_proposal(state, proposal)
                .and_then(|c| c.proposals.get(proposal).map(|p| model::proposal_title(keyring, c.id, p))),
        }),
        Alert::ChangedAfterClose { proposal } => json!({
            "kind": "changed_after_close", "proposal": proposal.to_hex(),
            "title": model::committee_of_proposal(state, proposal)
                .and_then(|c| c.proposals.get(proposal).map(|p| model::proposal_title(keyring, c.id, p))),
        }),
    }
}

/// The shape of `GET /api/attention`, its texts as `keyring`'s member
/// reads them (issue 14).
pub fn to_json(engine: &Engine, keyring: &kenes_core::keyring::Keyring, a: &Attention) -> Value {
    let state = engine.state();
    json!({
        "open_votes": a.open_votes.iter().map(|v| json!({
            "proposal": v.id.to_hex(),
            "title": crate::model::proposal_title(keyring, v.committee.id, v.record),
            "sealed": v.record.title.sealed().is_some(),
            "kind": v.record.kind.label(),
            "committee": v.committee.id.to_hex(),
            "committee_name": v.committee.name,
            "closes_at": v.record.closes_at,
        })).collect::<Vec<_>>(),
        "candidates": a.candidates.iter().map(|w| json!({
            "committee": w.committee.id.to_hex(),
            "committee_name": w.committee.name,
            "public_key": w.candidate.to_hex(),
            "name": keyring.name(state, &w.candidate),
            "vouches": w.vouches,
            "needed": w.needed,
        })).collect::<Vec<_>>(),
        "alerts": a.alerts.iter().map(|x| alert_json(engine, keyring, x)).collect::<Vec<_>>(),
        "announcements": a.announcements.iter()
            .map(|(id, c)| crate::deliberation::announcement_json(engine, keyring, id, c))
            .collect::<Vec<_>>(),
        "seen": a.seen,
        "ops": a.now,
    })
}
