//! The engine: accepts ops (DESIGN §3) and keeps `state(T)` and every
//! outcome (DESIGN §4) incrementally, without I/O.
//!
//! How it stays exact and fast:
//! - **Acceptance** runs the stateless rules, batch-verifies signatures,
//!   holds ops with missing parents in a bounded pending set, then checks
//!   `prev`, the exact lamport and the author's standing in the op's past.
//! - **`valid(X)` once, at acceptance**, on `state(past(X))`. Each op
//!   records which accepted ops it had not seen ([`Unseen`]). When that is
//!   empty, `state(past(X))` is the current state. Otherwise only the
//!   committees X's check reads are projected onto `past(X)`: the current
//!   committee if none of its ops is unseen, else a refold of its ops from
//!   the newest checkpoint that precedes every unseen op, skipping the
//!   unseen ones.
//! - **The fold runs per committee.** Every effect touches one committee
//!   (or one profile), so `state(T)` is the product of per-committee folds in
//!   `(lamport, id)` order. An op that sorts after its committee's last op is
//!   applied at once; a late one marks the committee dirty from its key,
//!   and the committee is refolded once, from its newest checkpoint before
//!   that key, at the end of the batch (or earlier if a check must read it).
//! - **Void(T)** is empty in this version; [`Outcome::Void`] and the digest
//!   already have their place for it.

use crate::auth::authorise;
use crate::body::Body;
use crate::body::{Ballot, ProposalKind};
use crate::governance::{
    self, CastVote, Closing, Electorate, FoldContext, NoProposals, ProposalResult,
};
use crate::op::{Op, VERSION};
use crate::outcome::Outcome;
use crate::prepare::{Prepared, Preparer};
use crate::state::{Committee, PastView, State, digest};
use crate::types::{Hash, PublicKey};
use crate::unseen::Unseen;
use crate::validate::StatelessError;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::ops::Bound;

/// By default a committee is checkpointed every this many of its ops.
pub const CHECKPOINT_EVERY: usize = 512;
/// Most ops held while their parents are missing.
pub const MAX_PENDING_OPS: usize = 200_000;
/// Most bytes held in the pending set.
pub const MAX_PENDING_BYTES: usize = 256 * 1024 * 1024;

/// Whether ingest verifies signatures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verify {
    /// Verify every signature (anything from outside this node).
    Signatures,
    /// Skip signatures: only for ops this node already verified and stored.
    Trusted,
}

/// Why an op was not accepted into the op set. Such ops are not stored.
#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone)]
pub enum DropReason {
    /// A stateless rule failed.
    #[error(transparent)]
    Stateless(#[from] StatelessError),
    /// The op belongs to another federation.
    #[error("op belongs to another federation")]
    WrongFederation,
    /// `prev` is not the author's own op at `seq - 1`.
    #[error("prev is not the author's previous op")]
    BadPrev,
    /// `lamport` is not 1 + the maximum over its parents.
    #[error("lamport is {got}, expected {expected}")]
    BadLamport {
        /// Stated lamport.
        got: u64,
        /// 1 + max over parents.
        expected: u64,
    },
    /// The author has no standing in the op's past.
    #[error("author has no standing in the federation")]
    NoStanding,
    /// The pending set is full.
    #[error("pending set is full")]
    PendingFull,
}

/// What one ingest call did.
#[derive(Debug, Default, Clone)]
pub struct IngestReport {
    /// Ordinals of newly accepted ops, in acceptance (causal) order. This
    /// includes pending ops that the batch released.
    pub accepted: Vec<u32>,
    /// Inputs that were already accepted or already pending.
    pub known: usize,
    /// Inputs now waiting for missing parents.
    pub pending: usize,
    /// Inputs (or released pending ops) that were dropped, with why.
    pub dropped: Vec<(Option<Hash>, DropReason)>,
    /// Ids of ops that entered the pending set in this call.
    pub pended: Vec<Hash>,
    /// Ids of pending ops that left the pending set (accepted or dropped).
    pub unpended: Vec<Hash>,
}

/// One accepted op and what the engine knows of it.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The op.
    pub op: Op,
    /// Ordinals of its parents (`prev`, then deps).
    pub parents: Vec<u32>,
    /// Accepted ops it had not seen when it arrived: `T ∖ past(X)`.
    pub unseen: Unseen,
    /// Its outcome.
    pub outcome: Outcome,
}

/// A committee's state after its ops up to `key`, folded when the node
/// held the ops with ordinals below `known`. It stands for `state(past(X))`
/// (restricted to the committee and its ops up to `key`) whenever X saw all
/// of those: a close that changes an earlier proposal's result marks the
/// committee dirty from that proposal's first close, which drops the
/// checkpoint at the next rewind.
#[derive(Debug, Clone)]
struct Checkpoint {
    key: (u64, Hash),
    known: u32,
    state: Committee,
}

/// What the engine keeps of an applied proposal for counting it.
#[derive(Debug, Clone)]
struct ProposalMeta {
    electorate: Electorate,
    closes_at: u64,
    committee: Hash,
    kind: ProposalKind,
}

/// A [`View`] of `engine`'s accepted ops minus `unseen`, borrowing only
/// the fields it reads (so the engine's other fields stay mutable).
macro_rules! view {
    ($engine:expr, $unseen:expr) => {
        View {
            entries: &$engine.entries,
            proposals: &$engine.proposals,
            closes_of: &$engine.closes_of,
            votes_of: &$engine.votes_of,
            unseen: $unseen,
        }
    };
}

/// Answers [`FoldContext`] for the accepted ops minus `unseen`.
struct View<'a> {
    entries: &'a [Entry],
    proposals: &'a HashMap<Hash, ProposalMeta>,
    closes_of: &'a HashMap<Hash, Vec<u32>>,
    votes_of: &'a HashMap<Hash, Vec<u32>>,
    unseen: &'a Unseen,
}

impl View<'_> {
    fn visible_closes(&self, proposal: &Hash) -> Vec<u32> {
        self.closes_of
            .get(proposal)
            .map(|closes| {
                closes
                    .iter()
                    .copied()
                    .filter(|&c| !self.unseen.contains(c))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Y ∈ past(C): Y was accepted before C, and C had seen it. An ordinal
    /// past the last entry stands for a close that would cite everything.
    fn in_past(&self, y: u32, c: u32) -> bool {
        y < c
            && self
                .entries
                .get(c as usize)
                .is_none_or(|close| !close.unseen.contains(y))
    }

    fn count_in(&self, proposal: &Hash, meta: &ProposalMeta, closes: &[u32]) -> ProposalResult {
        let votes = self
            .votes_of
            .get(proposal)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let cast = votes
            .iter()
            .filter(|&&v| closes.iter().any(|&c| self.in_past(v, c)))
            .filter_map(|&v| {
                let op = &self.entries[v as usize].op;
                match &op.fields.body {
                    Body::Vote { ballot, .. } => Some(CastVote {
                        voter: op.fields.author,
                        position: (op.fields.seq, op.id),
                        time: op.fields.time,
                        ballot,
                    }),
                    _ => None,
                }
            });
        governance::tally(&meta.electorate, &meta.kind, meta.closes_at, cast)
    }
}

impl FoldContext for View<'_> {
    fn electorate(&self, proposal: &Hash) -> Option<Electorate> {
        self.proposals.get(proposal).map(|m| m.electorate.clone())
    }

    fn proposal(&self, proposal: &Hash) -> Option<(Hash, ProposalKind)> {
        self.proposals
            .get(proposal)
            .map(|m| (m.committee, m.kind.clone()))
    }

    fn first_close(&self, proposal: &Hash) -> Option<(u64, Hash)> {
        self.visible_closes(proposal)
            .into_iter()
            .map(|c| self.entries[c as usize].op.order_key())
            .min()
    }

    fn closing(&self, proposal: &Hash) -> Option<Closing> {
        let meta = self.proposals.get(proposal)?;
        let closes = self.visible_closes(proposal);
        let first = closes
            .iter()
            .copied()
            .min_by_key(|&c| self.entries[c as usize].op.order_key())?;
        let result = self.count_in(proposal, meta, &closes);
        let first_only = self.count_in(proposal, meta, &[first]);
        Some(Closing {
            first: self.entries[first as usize].op.order_key(),
            changed_after_close: first_only.passed() != result.passed(),
            result,
        })
    }
}

/// One committee's applied ops in fold order, with checkpoints.
#[derive(Debug, Default)]
struct CommitteeLog {
    ops: BTreeMap<(u64, Hash), u32>,
    checkpoints: Vec<Checkpoint>,
    dirty_from: Option<(u64, Hash)>,
    since_checkpoint: usize,
}

#[derive(Default)]
struct Pending {
    ops: HashMap<Hash, Op>,
    waiting_on: HashMap<Hash, Vec<Hash>>,
    bytes: usize,
}

/// Counters for benchmarks and diagnostics.
#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    /// Committee refolds caused by late ops.
    pub rewinds: u64,
    /// Ops whose validity needed a projection (their past was not T).
    pub projected: u64,
}

/// The incremental evaluator of one federation.
pub struct Engine {
    federation: Hash,
    founder: Option<PublicKey>,
    entries: Vec<Entry>,
    by_id: HashMap<Hash, u32>,
    heads: BTreeSet<u32>,
    by_author_seq: HashMap<(PublicKey, u64), u32>,
    last_of_author: HashMap<PublicKey, u32>,
    vouches_for: HashMap<PublicKey, Vec<u32>>,
    joined: HashMap<PublicKey, BTreeSet<Hash>>,
    logs: HashMap<Hash, CommitteeLog>,
    demands: HashMap<Hash, u32>,
    dirty: BTreeSet<Hash>,
    proposals: HashMap<Hash, ProposalMeta>,
    closes_of: HashMap<Hash, Vec<u32>>,
    votes_of: HashMap<Hash, Vec<u32>>,
    arrived_late: BTreeSet<u32>,
    max_key: Option<(u64, Hash)>,
    state: State,
    pending: Pending,
    preparer: Preparer,
    checkpoint_every: usize,
    max_pending: usize,
    stats: Stats,
}

/// `state(past(X))` as authorisation sees it, for an op with `unseen`.
struct ProjectedView<'a> {
    engine: &'a Engine,
    unseen: &'a Unseen,
}

impl PastView for ProjectedView<'_> {
    fn founder(&self) -> Option<PublicKey> {
        self.engine.founder
    }

    fn committee(&self, id: &Hash) -> Option<Cow<'_, Committee>> {
        self.engine.committee_in_past(id, self.unseen)
    }

    fn demand_exists(&self, id: &Hash) -> bool {
        self.engine
            .demands
            .get(id)
            .is_some_and(|&ord| !self.unseen.contains(ord))
    }

    fn is_federation_member(&self, key: &PublicKey) -> bool {
        if self.engine.founder.as_ref() == Some(key) {
            return true;
        }
        self.engine.joined.get(key).is_some_and(|committees| {
            committees
                .iter()
                .any(|c| self.committee(c).is_some_and(|c| c.includes(key)))
        })
    }
}

impl Engine {
    /// An empty engine for the federation whose genesis op has id
    /// `federation`.
    pub fn new(federation: Hash) -> Engine {
        Engine {
            federation,
            founder: None,
            entries: Vec::new(),
            by_id: HashMap::new(),
            heads: BTreeSet::new(),
            by_author_seq: HashMap::new(),
            last_of_author: HashMap::new(),
            vouches_for: HashMap::new(),
            joined: HashMap::new(),
            logs: HashMap::new(),
            demands: HashMap::new(),
            dirty: BTreeSet::new(),
            proposals: HashMap::new(),
            closes_of: HashMap::new(),
            votes_of: HashMap::new(),
            arrived_late: BTreeSet::new(),
            max_key: None,
            state: State::default(),
            pending: Pending::default(),
            preparer: Preparer::new(),
            checkpoint_every: CHECKPOINT_EVERY,
            max_pending: MAX_PENDING_OPS,
            stats: Stats::default(),
        }
    }

    /// Lowers the pending-set bound to `ops` (never above
    /// [`MAX_PENDING_OPS`]), e.g. for a node on a small device.
    pub fn set_pending_limit(&mut self, ops: usize) {
        self.max_pending = ops.min(MAX_PENDING_OPS);
    }

    /// An engine that checkpoints each committee every `every` ops (at
    /// least 1). The result never depends on it; tests use small values to
    /// exercise checkpoints and rewinds.
    pub fn with_checkpoint_interval(federation: Hash, every: usize) -> Engine {
        Engine {
            checkpoint_every: every.max(1),
            ..Engine::new(federation)
        }
    }

    /// The federation id.
    pub fn federation(&self) -> Hash {
        self.federation
    }

    /// Number of accepted ops.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True before the genesis is accepted.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every accepted op, by acceptance ordinal.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The accepted op with this id.
    pub fn entry(&self, id: &Hash) -> Option<&Entry> {
        self.by_id.get(id).map(|&ord| &self.entries[ord as usize])
    }

    /// True if `key` has standing now: the founder, or vouched for by a
    /// valid vouch (members were vouched in, or founded). This is who may
    /// sync with this node (DESIGN §6, "Admission").
    pub fn may_sync(&self, key: &PublicKey) -> bool {
        self.has_standing(key, &Unseen::default())
    }

    /// The acceptance ordinal of `id`, if accepted.
    pub fn ordinal(&self, id: &Hash) -> Option<u32> {
        self.by_id.get(id).copied()
    }

    /// True if `id` is accepted.
    pub fn contains(&self, id: &Hash) -> bool {
        self.by_id.contains_key(id)
    }

    /// Number of ops waiting for parents.
    pub fn pending_len(&self) -> usize {
        self.pending.ops.len()
    }

    /// The pending op with this id, if any.
    pub fn pending_op(&self, id: &Hash) -> Option<&Op> {
        self.pending.ops.get(id)
    }

    /// The count of proposal `p` as if it closed now on every accepted
    /// ballot: the live tally of an open proposal.
    pub fn live_tally(&self, proposal: &Hash) -> Option<ProposalResult> {
        let meta = self.proposals.get(proposal)?;
        let everything = Unseen::default();
        let view = view!(self, &everything);
        let newest = u32::try_from(self.entries.len()).unwrap_or(u32::MAX);
        Some(view.count_in(proposal, meta, &[newest]))
    }

    /// Each voter's latest applied ballot on `proposal`, by `(seq, id)`:
    /// what a mandate report compares with the mandate.
    pub fn latest_ballots(&self, proposal: &Hash) -> BTreeMap<PublicKey, Ballot> {
        let mut latest: BTreeMap<PublicKey, ((u64, Hash), Ballot)> = BTreeMap::new();
        for &v in self
            .votes_of
            .get(proposal)
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            let op = &self.entries[v as usize].op;
            if let Body::Vote { ballot, .. } = &op.fields.body {
                let position = (op.fields.seq, op.id);
                if latest
                    .get(&op.fields.author)
                    .is_none_or(|(p, _)| *p < position)
                {
                    latest.insert(op.fields.author, (position, ballot.clone()));
                }
            }
        }
        latest.into_iter().map(|(k, (_, b))| (k, b)).collect()
    }

    /// Ordinals of proposals and closes that arrived after ops they sort
    /// before ("arrived late"): a local alert, not part of the state.
    pub fn arrived_late(&self) -> &BTreeSet<u32> {
        &self.arrived_late
    }

    /// Counters.
    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// The DAG heads: accepted ops no accepted op follows, by id.
    pub fn heads(&self) -> Vec<Hash> {
        let mut heads: Vec<Hash> = self
            .heads
            .iter()
            .map(|&o| self.entries[o as usize].op.id)
            .collect();
        heads.sort();
        heads
    }

    /// The current state, `state(T)`. Every ingest ends with the late
    /// committees refolded, so this is always up to date.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// The canonical digest of the state and every outcome.
    pub fn digest(&self) -> Hash {
        digest(
            &self.state,
            self.entries.iter().map(|e| (&e.op.id, &e.outcome)),
        )
    }

    /// The next `(seq, prev)` for `author`, from the ops accepted here.
    pub fn next_position(&self, author: &PublicKey) -> (u64, Option<Hash>) {
        match self.last_of_author.get(author) {
            Some(&ord) => {
                let op = &self.entries[ord as usize].op;
                (op.fields.seq + 1, Some(op.id))
            }
            None => (0, None),
        }
    }

    /// Deps and lamport for a new op by an author whose prev is `prev`:
    /// the heads other than `prev`, newest first, at most 32.
    pub fn deps_for_new_op(&self, prev: Option<&Hash>) -> (Vec<Hash>, u64) {
        let prev_ord = prev.and_then(|p| self.by_id.get(p)).copied();
        let mut heads: Vec<u32> = self
            .heads
            .iter()
            .copied()
            .filter(|&o| Some(o) != prev_ord)
            .collect();
        heads.sort_by_key(|&o| std::cmp::Reverse(self.entries[o as usize].op.order_key()));
        heads.truncate(crate::op::MAX_DEPS);
        let lamport = heads
            .iter()
            .chain(prev_ord.iter())
            .map(|&o| self.entries[o as usize].op.fields.lamport + 1)
            .max()
            .unwrap_or(0);
        let mut deps: Vec<Hash> = heads
            .iter()
            .map(|&o| self.entries[o as usize].op.id)
            .collect();
        deps.sort();
        (deps, lamport)
    }

    /// Builds and signs a new op by `key`'s member that follows every head
    /// it can cite (at most 32). It is not ingested: persist it, then ingest.
    pub fn author(&self, key: &crate::SecretKey, body: Body, time: u64) -> Op {
        let author = key.public();
        let (seq, prev) = self.next_position(&author);
        let (deps, lamport) = self.deps_for_new_op(prev.as_ref());
        let genesis = matches!(body, Body::CreateFederation { .. }) && seq == 0;
        crate::op::UnsignedOp {
            version: VERSION,
            federation: if genesis { Hash::ZERO } else { self.federation },
            author,
            seq,
            prev,
            deps,
            lamport,
            time,
            body,
        }
        .sign(key)
    }

    /// Judges `body` by `author` against the current state, as a new op
    /// citing every head would be judged. For refusing to author ops that
    /// would only be rejected.
    pub fn check(&mut self, author: PublicKey, body: &Body) -> Result<(), crate::RejectReason> {
        let probe = crate::op::UnsignedOp {
            version: VERSION,
            federation: self.federation,
            author,
            seq: 0,
            prev: None,
            deps: vec![],
            lamport: 0,
            time: 0,
            body: body.clone(),
        };
        let op = Op {
            id: Hash::ZERO,
            sig: crate::Signature([0; 64]),
            bytes: vec![],
            fields: probe,
        };
        self.refresh_all();
        let unseen = Unseen::default();
        authorise(
            &ProjectedView {
                engine: self,
                unseen: &unseen,
            },
            &op,
        )
    }

    /// Ingests raw ops: decodes, validates, verifies, orders and folds them.
    /// Never panics on hostile input; every refusal is in the report.
    pub fn ingest<B: AsRef<[u8]> + Sync>(&mut self, raw: &[B], verify: Verify) -> IngestReport {
        let prepared = self.preparer.prepare(raw, verify);
        self.ingest_prepared(prepared)
    }

    /// Accepts ops that a [`Preparer`] already decoded, checked and
    /// verified, in their input order.
    pub fn ingest_prepared(&mut self, prepared: Prepared) -> IngestReport {
        let mut report = IngestReport::default();
        let mut seen_in_batch: HashSet<Hash> = HashSet::new();
        for item in prepared.items {
            match item {
                Err(dropped) => report.dropped.push(dropped),
                Ok(op) => {
                    if self.is_known(&op.id) || !seen_in_batch.insert(op.id) {
                        report.known += 1;
                    } else {
                        self.offer(op, &mut report);
                    }
                }
            }
        }
        self.refresh_all();
        report
    }

    /// True if `id` is accepted or pending.
    pub fn is_known(&self, id: &Hash) -> bool {
        self.by_id.contains_key(id) || self.pending.ops.contains_key(id)
    }

    fn offer(&mut self, op: Op, report: &mut IngestReport) {
        let missing: Vec<Hash> = op
            .parents()
            .filter(|p| !self.by_id.contains_key(*p))
            .copied()
            .collect();
        if missing.is_empty() {
            self.accept_and_release(op, report);
            return;
        }
        if self.pending.ops.len() >= self.max_pending
            || self.pending.bytes + op.bytes.len() > MAX_PENDING_BYTES
        {
            report.dropped.push((Some(op.id), DropReason::PendingFull));
            return;
        }
        for parent in missing {
            self.pending
                .waiting_on
                .entry(parent)
                .or_default()
                .push(op.id);
        }
        self.pending.bytes += op.bytes.len();
        report.pended.push(op.id);
        self.pending.ops.insert(op.id, op);
        report.pending += 1;
    }

    fn accept_and_release(&mut self, op: Op, report: &mut IngestReport) {
        let mut queue = vec![op];
        while let Some(op) = queue.pop() {
            let id = op.id;
            match self.accept(op) {
                Ok(ord) => report.accepted.push(ord),
                Err(reason) => {
                    report.dropped.push((Some(id), reason));
                    continue;
                }
            }
            let Some(waiters) = self.pending.waiting_on.remove(&id) else {
                continue;
            };
            for waiter in waiters {
                let ready = self
                    .pending
                    .ops
                    .get(&waiter)
                    .is_some_and(|w| w.parents().all(|p| self.by_id.contains_key(p)));
                if ready && let Some(w) = self.pending.ops.remove(&waiter) {
                    self.pending.bytes -= w.bytes.len();
                    report.pending = report.pending.saturating_sub(1);
                    report.unpended.push(w.id);
                    queue.push(w);
                }
            }
        }
    }

    /// Acceptance rules 2–4 of DESIGN §3 (rule 1 ran before; causal
    /// delivery guarantees every parent is present), then validity.
    fn accept(&mut self, op: Op) -> Result<u32, DropReason> {
        let f = &op.fields;
        if op.is_genesis() {
            if op.id != self.federation {
                return Err(DropReason::WrongFederation);
            }
        } else if f.federation != self.federation {
            return Err(DropReason::WrongFederation);
        }
        let parents: Vec<u32> = op.parents().map(|p| self.by_id[p]).collect();
        if let Some(prev) = &f.prev {
            let prev_op = &self.entries[self.by_id[prev] as usize].op;
            if prev_op.fields.author != f.author || prev_op.fields.seq + 1 != f.seq {
                return Err(DropReason::BadPrev);
            }
        }
        let expected = parents
            .iter()
            .map(|&p| self.entries[p as usize].op.fields.lamport + 1)
            .max()
            .unwrap_or(0);
        if f.lamport != expected {
            return Err(DropReason::BadLamport {
                got: f.lamport,
                expected,
            });
        }
        let unseen = self.unseen_for(&parents);
        if !op.is_genesis() && !self.has_standing(&f.author, &unseen) {
            return Err(DropReason::NoStanding);
        }
        if !unseen.is_empty() {
            self.stats.projected += 1;
        }
        let outcome = if op.is_genesis() {
            Outcome::Applied
        } else if f.version != VERSION || matches!(f.body, Body::Unknown { .. }) {
            Outcome::Unknown
        } else {
            if unseen.is_empty() {
                // An op that saw everything reads the current state, which
                // must have no pending rewind (a council's check also reads
                // the committees that seat its delegates).
                self.refresh_all();
            }
            let view = ProjectedView {
                engine: self,
                unseen: &unseen,
            };
            match authorise(&view, &op) {
                Ok(()) => {
                    if let Body::Propose {
                        committee,
                        kind,
                        closes_at,
                        ..
                    } = &f.body
                        && let Some(c) = view.committee(committee)
                    {
                        let meta = ProposalMeta {
                            electorate: Electorate::of(&view, &c, kind),
                            closes_at: *closes_at,
                            committee: *committee,
                            kind: kind.clone(),
                        };
                        self.proposals.insert(op.id, meta);
                    }
                    Outcome::Applied
                }
                Err(reason) => Outcome::Rejected(reason),
            }
        };
        Ok(self.insert(op, parents, unseen, outcome))
    }

    fn unseen_for(&self, parents: &[u32]) -> Unseen {
        let n = u32::try_from(self.entries.len()).unwrap_or(u32::MAX);
        let mut result: Option<Unseen> = None;
        for &p in parents {
            let missed = self.entries[p as usize].unseen.with_tail(p + 1, n);
            result = Some(match result {
                None => missed,
                Some(acc) => acc.intersect(&missed),
            });
            if result.as_ref().is_some_and(Unseen::is_empty) {
                break;
            }
        }
        result.unwrap_or_default()
    }

    /// Standing (DESIGN §3, rule 4): the founder, or the subject of a valid
    /// vouch in the op's past.
    fn has_standing(&self, author: &PublicKey, unseen: &Unseen) -> bool {
        if self.founder.as_ref() == Some(author) {
            return true;
        }
        self.vouches_for
            .get(author)
            .is_some_and(|vouches| vouches.iter().any(|&o| !unseen.contains(o)))
    }

    fn insert(&mut self, op: Op, parents: Vec<u32>, unseen: Unseen, outcome: Outcome) -> u32 {
        let ord = u32::try_from(self.entries.len()).unwrap_or(u32::MAX);
        let author = op.fields.author;
        let seq = op.fields.seq;
        for p in &parents {
            self.heads.remove(p);
        }
        self.heads.insert(ord);
        self.by_id.insert(op.id, ord);
        if self.by_author_seq.insert((author, seq), ord).is_some() {
            self.state.forks.entry(author).or_default().insert(seq);
        }
        let newest = self
            .last_of_author
            .get(&author)
            .is_none_or(|&o| self.entries[o as usize].op.fields.seq < seq);
        if newest {
            self.last_of_author.insert(author, ord);
        }
        let key = op.order_key();
        if matches!(op.fields.body, Body::Propose { .. } | Body::Close { .. })
            && self.max_key.is_some_and(|max| key < max)
        {
            self.arrived_late.insert(ord);
        }
        self.max_key = self.max_key.max(Some(key));
        let applied = outcome.is_applied();
        self.entries.push(Entry {
            op,
            parents,
            unseen,
            outcome,
        });
        if applied {
            self.apply(ord);
        }
        ord
    }

    fn apply(&mut self, ord: u32) {
        // Index updates borrow the entry; folds into committee logs come
        // after, so that no op needs copying.
        let op = &self.entries[ord as usize].op;
        let author = op.fields.author;
        let own = op.fields.body.committee();
        let mut folds: Vec<(Hash, Option<(u64, Hash)>)> = Vec::new();
        match &op.fields.body {
            Body::CreateFederation { .. } => {
                self.founder = Some(author);
                self.state.apply(op, &NoProposals);
            }
            Body::Profile { .. } => self.state.apply_profile(op),
            Body::CreateCommittee { .. } => {
                if let Some(committee) = Committee::created_by(op) {
                    let mut log = CommitteeLog::default();
                    log.ops.insert(op.order_key(), ord);
                    log.since_checkpoint = 1;
                    self.joined.entry(author).or_default().insert(committee.id);
                    self.logs.insert(committee.id, log);
                    self.state.committees.insert(committee.id, committee);
                }
            }
            Body::Vouch { candidate, .. } => {
                self.vouches_for.entry(*candidate).or_default().push(ord);
                folds.extend(own.map(|c| (c, None)));
            }
            Body::Join { committee } => {
                self.joined.entry(author).or_default().insert(*committee);
                folds.extend(own.map(|c| (c, None)));
            }
            Body::Demand { .. } => {
                self.demands.insert(op.id, ord);
                folds.extend(own.map(|c| (c, None)));
            }
            Body::Leave { .. }
            | Body::Propose { .. }
            | Body::Support { .. }
            | Body::Report { .. }
            | Body::UpdateReport { .. } => folds.extend(own.map(|c| (c, None))),
            Body::Vote { proposal, .. } => self.votes_of.entry(*proposal).or_default().push(ord),
            Body::Close { proposal, .. } => {
                // A further close can change the result of a proposal that
                // already closed: refold from its first close.
                let first = self.closes_of.get(proposal).and_then(|closes| {
                    closes
                        .iter()
                        .map(|&c| self.entries[c as usize].op.order_key())
                        .min()
                });
                self.closes_of.entry(*proposal).or_default().push(ord);
                let council = self.proposals.get(proposal).and_then(|m| m.kind.council());
                folds.extend(own.into_iter().chain(council).map(|c| (c, first)));
            }
            Body::Unknown { .. } => {}
        }
        for (c, dirty_from) in folds {
            self.apply_to_committee(ord, c, dirty_from);
        }
    }

    /// Adds applied op `ord` to committee `c`'s log, and folds it in at once
    /// if it sorts last and nothing forces a rewind from `dirty_from`.
    fn apply_to_committee(&mut self, ord: u32, c: Hash, dirty_from: Option<(u64, Hash)>) {
        let op = &self.entries[ord as usize].op;
        let Some(log) = self.logs.get_mut(&c) else {
            return;
        };
        let key = op.order_key();
        let in_order = dirty_from.is_none()
            && log.dirty_from.is_none()
            && log.ops.keys().next_back().is_none_or(|last| *last < key);
        log.ops.insert(key, ord);
        if !in_order {
            let from = dirty_from.map_or(key, |d| d.min(key));
            log.dirty_from = Some(log.dirty_from.map_or(from, |d| d.min(from)));
            self.dirty.insert(c);
            return;
        }
        log.since_checkpoint += 1;
        let unseen = Unseen::default();
        let view = view!(self, &unseen);
        if let Some(committee) = self.state.committees.get_mut(&c) {
            committee.apply(op, &view);
            if log.since_checkpoint >= self.checkpoint_every {
                log.since_checkpoint = 0;
                log.checkpoints.push(Checkpoint {
                    key,
                    known: ord + 1,
                    state: committee.clone(),
                });
            }
        }
    }

    fn refresh_all(&mut self) {
        for c in std::mem::take(&mut self.dirty) {
            self.refresh(&c);
        }
    }

    /// The rewind: refolds committee `c` from its newest checkpoint before
    /// the earliest late op.
    fn refresh(&mut self, c: &Hash) {
        let Some(log) = self.logs.get_mut(c) else {
            return;
        };
        let Some(dirty) = log.dirty_from.take() else {
            return;
        };
        self.stats.rewinds += 1;
        let keep = log.checkpoints.partition_point(|cp| cp.key < dirty);
        log.checkpoints.truncate(keep);
        let (mut committee, start) = match log.checkpoints.last() {
            Some(cp) => (Some(cp.state.clone()), Bound::Excluded(cp.key)),
            None => (None, Bound::Unbounded),
        };
        let unseen = Unseen::default();
        let view = view!(self, &unseen);
        let known = u32::try_from(self.entries.len()).unwrap_or(u32::MAX);
        let mut since = 0;
        for (&key, &ord) in log.ops.range((start, Bound::Unbounded)) {
            let op = &self.entries[ord as usize].op;
            match committee.as_mut() {
                None => committee = Committee::created_by(op),
                Some(c) => c.apply(op, &view),
            }
            since += 1;
            if since >= self.checkpoint_every
                && let Some(state) = &committee
            {
                since = 0;
                log.checkpoints.push(Checkpoint {
                    key,
                    known,
                    state: state.clone(),
                });
            }
        }
        log.since_checkpoint = since;
        if let Some(committee) = committee {
            self.state.committees.insert(*c, committee);
        }
    }

    /// Committee `c` in `state(past(X))` for an op X with `unseen`.
    ///
    /// An op that saw everything reads the current committee, which
    /// [`Engine::refresh_for`] made fresh. An op that missed some ops reads a
    /// projection: the newest checkpoint that precedes both every unseen op
    /// and any pending rewind, then the committee's later ops it did see.
    /// That needs no rewind, so a batch of late ops from a partition costs
    /// at most one rewind per committee, at the end of the batch.
    fn committee_in_past(&self, c: &Hash, unseen: &Unseen) -> Option<Cow<'_, Committee>> {
        let current = self.state.committees.get(c)?;
        let log = self.logs.get(c)?;
        let fresh = log.dirty_from.is_none();
        if unseen.is_empty() && fresh {
            return Some(Cow::Borrowed(current));
        }
        let min_unseen = unseen.min().unwrap_or(u32::MAX);
        // Checkpoints folded from ops X all saw, and not pending a rewind;
        // both conditions hold on a prefix.
        let usable = log.checkpoints.partition_point(|cp| {
            cp.known <= min_unseen && log.dirty_from.is_none_or(|dirty| cp.key < dirty)
        });
        let checkpoint = usable.checked_sub(1).map(|i| &log.checkpoints[i]);
        let start = checkpoint.map_or(Bound::Unbounded, |cp| Bound::Excluded(cp.key));
        let tail = log.ops.range((start, Bound::Unbounded));
        if fresh && !tail.clone().any(|(_, &ord)| unseen.contains(ord)) {
            return Some(Cow::Borrowed(current));
        }
        let view = view!(self, unseen);
        let mut committee = checkpoint.map(|cp| cp.state.clone());
        for (_, &ord) in tail {
            if unseen.contains(ord) {
                continue;
            }
            let op = &self.entries[ord as usize].op;
            match committee.as_mut() {
                None => committee = Committee::created_by(op),
                Some(c) => c.apply(op, &view),
            }
        }
        committee.map(Cow::Owned)
    }

    /// Ordinals of accepted ops that are neither in `frontier` nor in the
    /// past of any op in it, in acceptance (causal) order: what a peer whose
    /// DAG heads are `frontier` lacks. Unknown frontier ids are ignored.
    pub fn missing_for(&self, frontier: &[Hash]) -> Vec<u32> {
        let mut has = vec![false; self.entries.len()];
        let mut stack: Vec<u32> = frontier
            .iter()
            .filter_map(|h| self.by_id.get(h))
            .copied()
            .collect();
        while let Some(o) = stack.pop() {
            if std::mem::replace(&mut has[o as usize], true) {
                continue;
            }
            stack.extend(self.entries[o as usize].parents.iter().copied());
        }
        (0..self.entries.len())
            .filter(|&o| !has[o])
            .map(|o| o as u32)
            .collect()
    }
}
