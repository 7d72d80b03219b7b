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
//! - **Void(T)** ([`crate::layers`]) is kept in [`voids`]: it is recomputed
//!   only after an op that can change it (a fork, a close of a removal, an
//!   op from a partition that may witness or spare a void op), at most once
//!   per batch for ops that do not read the state, and each change of an
//!   op's outcome or a removal's verdict marks its committee dirty from
//!   there. Ops that are void on arrival are never folded, so they cause no
//!   rewind.
//! - Committees where no op can ever be void (no forked author, no removal
//!   and no removal subject acts there) are projected from checkpoints as
//!   before; the others ("contested") from a checkpoint below their first
//!   key that may differ between sets, then refolded over the set with its
//!   own voids ([`fold`]).

mod archive;
mod authors;
mod entry;
mod fold;
mod fold_order;
mod ids;
mod scopes;
mod voids;
mod warm;

use crate::auth::authorise;
use crate::body::{Ballot, Body};
use crate::governance::{Electorate, ProposalResult};
use crate::layers::{self, KnownVoids, LayerCache, ProposalMeta, SetView, Subset, Verdict};
use crate::op::{Op, VERSION};
use crate::outcome::{Outcome, RejectReason, VoidReason};
use crate::prepare::{Prepared, Preparer};
use crate::state::{Committee, PastView, State, digest_in_id_order};
use crate::types::{Hash, PublicKey};
use crate::unseen::Unseen;
use crate::validate::StatelessError;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::sync::Arc;

pub use archive::{ArchiveError, OpArchive};
pub use entry::Entry;

/// By default a committee is checkpointed every this many of its ops.
pub const CHECKPOINT_EVERY: usize = 256;
/// Between two regular checkpoints a committee also keeps a sliding
/// checkpoint, made every this share of the interval (in the in-order
/// fold, and at the end of a rewind) and replaced by the next regular one
/// or, a little later, by the next sliding one (see
/// [`SLIDING_RETIREMENT`]), so that its newest checkpoint is seldom more
/// than that many of its ops behind. A partition that heals is concurrent
/// with the last ops of the committees it touched: projections onto its
/// pasts and the rewind that merges it fold from the newest checkpoint
/// below them, reading each op folded back from the store (issue 18: the
/// regular interval alone made a merge read back about 64 archived ops
/// per committee). It costs a copy of each committee every this many
/// ops, and one more copy held, or two for a quarter of the time (see
/// [`SLIDING_RETIREMENT`]).
pub const SLIDING_SHARE: usize = 8;
/// A new sliding checkpoint keeps the one before it for a sliding interval
/// divided by this (8 ops by default). A partition's pasts end a few ops before the head
/// of each committee they touched; when the newest sliding checkpoint was
/// made among those few ops, it holds an op the pasts lack, and without
/// its predecessor their projection would fold the committee from its
/// last regular checkpoint, or from its creation when it has none (issue
/// 18: a fifth of the split checkpoints in `kenes bench scale`'s merge,
/// and three fifths of the ops it folded again).
pub const SLIDING_RETIREMENT: usize = 4;
/// Most ops held while their parents are missing.
pub const MAX_PENDING_OPS: usize = 200_000;
/// The engine's indexes hash with foldhash (per-process random seeds):
/// SipHash over 32-byte ids was a large share of evaluating removals.
type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;
type FastSet<K> = HashSet<K, foldhash::fast::RandomState>;

/// Sets whose layers are remembered before the memo is cleared.
const LAYER_CACHE_SETS: usize = 100_000;
/// Most ops that were void on arrival one author may add while a member
/// of no committee (a removed member back-dating, a forked key): beyond
/// it their further ops that would be void too are dropped, unless a
/// pending op of someone with standing descends from them.
pub const MAX_VOID_ON_ARRIVAL: u32 = 10_000;

/// Pending descendants of a dropped op looked through for one whose
/// author has standing; past that many, it stays dropped (strangers may
/// park that many ops).
const PENDING_DESCENDANTS_LOOKED_AT: usize = 4_096;
/// Most bytes held in the pending set.
pub const MAX_PENDING_BYTES: usize = 256 * 1024 * 1024;
/// Most ops one author with no accepted op here may park in the pending
/// set (issue 12): anyone can sign ops with a fresh key and invented
/// parents, so strangers get a small share, never members' room.
pub const MAX_PENDING_PER_UNKNOWN_AUTHOR: usize = 10_000;
/// Most bytes one such author may park.
pub const MAX_PENDING_BYTES_PER_UNKNOWN_AUTHOR: usize = 16 * 1024 * 1024;
/// Most ops all authors unknown here may park together: a quarter of the
/// pending set, so authors known here always keep three quarters.
pub const MAX_PENDING_UNKNOWN: usize = MAX_PENDING_OPS / 4;
/// Most bytes all authors unknown here may park together.
pub const MAX_PENDING_UNKNOWN_BYTES: usize = MAX_PENDING_BYTES / 4;

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
    /// The author has no accepted op here and has parked as many ops as
    /// an unknown author may (or unknown authors together have).
    #[error("pending set's share for authors unknown here is full")]
    UnknownAuthorPendingFull,
    /// The author, a member of no committee, has already added as many
    /// ops that were void on arrival as one author may.
    #[error("author has added too many ops that are void on arrival")]
    VoidFlood,
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
    /// Ordinals of ops accepted before whose outcome changed (voided or
    /// restored by a fork, a removal or a witness).
    pub changed: Vec<u32>,
    /// Committees refolded by this call (late ops, changed voids or
    /// verdicts): their stored copies are stale.
    pub refolded: BTreeSet<Hash>,
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
    /// Its level in the thinning of old checkpoints (see [`thin`]).
    level: u8,
    /// A sliding checkpoint (see [`SLIDING_SHARE`]): always after the
    /// regular ones, outside the thinning; the newest, and for a while
    /// the one before it (see [`SLIDING_RETIREMENT`]).
    sliding: bool,
    /// The committee's ops folded since its regular checkpoint before this
    /// one (0 for a regular one): a rewind from it goes on counting, so
    /// rewinds from sliding checkpoints never keep the next regular one
    /// from being made.
    since_regular: usize,
    /// Boxed: most committees hold one or two checkpoints, and a vector's
    /// spare room for a 672-byte committee cost more than the rest
    /// (issue 18).
    state: Box<Committee>,
}

/// Most checkpoints of one level a committee keeps. A checkpoint is made
/// at level 0; when a level holds more, the older of its two oldest moves
/// up a level and the newer is dropped. Checkpoints of level `l` then lie
/// about `2^l` intervals apart, and a committee of n ops holds at most
/// three per level over about log₂(n / interval) levels rather than
/// n / interval, each a full copy of its state (issue 18: a council with
/// 100,000 ops held 781, now about 20). A rewind to a key far back starts
/// from a checkpoint at most about as far again before it, so it folds at
/// most about twice the ops it must fold anyway. Results never depend on
/// which checkpoints exist.
const CHECKPOINTS_PER_LEVEL: usize = 3;

/// Thins a committee's checkpoints (sorted by key) after one was added
/// (see [`CHECKPOINTS_PER_LEVEL`]). Only removes, so the order and every
/// prefix property the projections rely on are kept.
fn thin(checkpoints: &mut Vec<Checkpoint>) {
    let mut level = 0u8;
    while checkpoints.iter().any(|cp| cp.level >= level) {
        loop {
            let mut at_level = checkpoints
                .iter()
                .enumerate()
                .filter(|(_, cp)| cp.level == level && !cp.sliding)
                .map(|(i, _)| i);
            if at_level.clone().count() <= CHECKPOINTS_PER_LEVEL {
                break;
            }
            let (Some(older), Some(newer)) = (at_level.next(), at_level.next()) else {
                break;
            };
            checkpoints[older].level = level + 1;
            checkpoints.remove(newer);
        }
        level += 1;
    }
}

impl CommitteeLog {
    /// Drops the sliding checkpoints (all at the end of the list) but the
    /// newest `kept` of them.
    fn drop_sliding(&mut self, kept: usize) {
        let first = self
            .checkpoints
            .iter()
            .rposition(|cp| !cp.sliding)
            .map_or(0, |i| i + 1);
        let sliding = self.checkpoints.len() - first;
        if sliding > kept {
            self.checkpoints.drain(first..first + sliding - kept);
        }
    }

    /// Drops the sliding checkpoint before the newest once the newest has
    /// `retirement` ops folded after it.
    fn retire_sliding(&mut self, retirement: usize) {
        let newest_is_old_enough = self
            .checkpoints
            .last()
            .is_some_and(|cp| cp.sliding && self.since_checkpoint >= cp.since_regular + retirement);
        if newest_is_old_enough {
            self.drop_sliding(1);
        }
    }
}

/// One committee's applied ops in fold order, with checkpoints.
#[derive(Debug, Default)]
struct CommitteeLog {
    ops: fold_order::FoldOrder,
    checkpoints: Vec<Checkpoint>,
    dirty_from: Option<(u64, Hash)>,
    /// Every rewind mark: (ops held when it was made, its key), kept as a
    /// stack with both rising (a mark hides older ones at higher keys).
    /// A split checkpoint at `m` must stop below every mark made once op
    /// `m` was held: such a mark may come from an op the split's fold
    /// does not see that changed the fold through its context (a further
    /// close, an affiliation), and whose rewind is long done.
    marks: Vec<(u32, (u64, Hash))>,
    since_checkpoint: usize,
}

/// Ops waiting for parents. Ops of authors with no accepted op here
/// ("unknown") are also counted per author and in total, against their
/// own smaller bounds (issue 12).
#[derive(Default)]
struct Pending {
    ops: FastMap<Hash, Op>,
    waiting_on: FastMap<Hash, Vec<Hash>>,
    bytes: usize,
    /// Ops parked while their author was unknown, by id.
    unknown: FastMap<Hash, PublicKey>,
    /// Per unknown author: (ops, bytes) parked.
    unknown_by_author: FastMap<PublicKey, (usize, usize)>,
    unknown_bytes: usize,
}

/// What one author unknown here has parked in the pending set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownPending {
    /// The author.
    pub author: PublicKey,
    /// Ops parked.
    pub ops: usize,
    /// Their bytes.
    pub bytes: usize,
}

impl Pending {
    /// Removes a parked op (released or cleared) and its counts.
    fn take(&mut self, id: &Hash) -> Option<Op> {
        let op = self.ops.remove(id)?;
        self.bytes -= op.bytes.len();
        if let Some(author) = self.unknown.remove(id) {
            self.unknown_bytes -= op.bytes.len();
            if let Some((ops, bytes)) = self.unknown_by_author.get_mut(&author) {
                *ops -= 1;
                *bytes -= op.bytes.len();
                if *ops == 0 {
                    self.unknown_by_author.remove(&author);
                }
            }
        }
        Some(op)
    }
}

/// Most decoded ops kept for refolds and projections, which read the
/// same committee tails again and again (about 1 KB each).
const DECODED_OPS_KEPT: usize = 16_384;

/// Accepted ops decoded from their bytes (resident or archived), kept
/// until there are too many.
/// Results never depend on it.
#[derive(Default)]
struct DecodedOps(std::cell::RefCell<FastMap<u32, Arc<Op>>>);

/// Counters for benchmarks and diagnostics.
#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    /// Committee refolds caused by late ops.
    pub rewinds: u64,
    /// Ops whose validity needed a projection (their past was not T).
    pub projected: u64,
    /// Recomputations of Void(T).
    pub void_recomputes: u64,
    /// Split checkpoints made for projections of a partition's ops.
    pub split_checkpoints: u64,
    /// Ops folded to project a committee onto an op's past.
    pub projection_folds: u64,
    /// Ops folded again from a checkpoint by rewinds and split
    /// checkpoints.
    pub rewind_folds: u64,
    /// Archived ops' bytes read back (see [`OpArchive`]).
    pub archive_reads: u64,
}

/// The incremental evaluator of one federation.
pub struct Engine {
    federation: Hash,
    founder: Option<PublicKey>,
    entries: Vec<Entry>,
    by_id: ids::IdIndex,
    /// Every author of an accepted op and their ops, numbered in order of
    /// first op (entries name their author by number): one lookup by key
    /// per op reaches all of it.
    authors: Vec<authors::AuthorOps>,
    author_numbers: FastMap<PublicKey, u32>,
    /// Where archived op bytes are read back (see [`OpArchive`]).
    archive: Option<Box<dyn OpArchive>>,
    /// Ops before this ordinal have their bytes archived.
    archived_below: u32,
    /// The canonical bytes of the ops from `archived_below` on.
    resident: VecDeque<Box<[u8]>>,
    /// The reasons of rejected ops.
    rejections: FastMap<u32, RejectReason>,
    /// The unseen sets of ops that had not seen every op before them.
    unseen_sets: FastMap<u32, Unseen>,
    heads: BTreeSet<u32>,
    /// Valid vouches for each candidate.
    vouches_for: FastMap<PublicKey, authors::Few>,
    /// Committees by number, for the per-author indexes.
    scopes: scopes::Scopes,
    logs: FastMap<Hash, CommitteeLog>,
    /// Committees created as councils by a valid creation.
    councils: FastSet<Hash>,
    /// Recently decoded ops (see [`Engine::op_at`]).
    decoded: DecodedOps,
    demands: FastMap<Hash, u32>,
    /// Adoptions and merges naming each demand: their effect depends on
    /// the demand (and its committee) not being void.
    demand_uses: FastMap<Hash, Vec<Hash>>,
    dirty: BTreeSet<Hash>,
    proposals: FastMap<Hash, ProposalMeta>,
    closes_of: FastMap<Hash, Vec<u32>>,
    votes_of: FastMap<Hash, Vec<u32>>,
    removals_in: FastMap<Hash, Vec<u32>>,
    removals_against: FastMap<PublicKey, Vec<u32>>,
    /// Authors some of whose ops may be void: forked, or removal subjects.
    candidates: FastSet<PublicKey>,
    /// Committees where some op may be void in some set.
    contested: FastSet<Hash>,
    /// Per contested committee, the keys from which its fold may differ
    /// between sets: ops that may be void in some set (a forked author's
    /// ops from the fork point on; a removal subject's ops outside the
    /// removal's past and before any of its closes), and the closes of
    /// proposals such ops vote on or close. A checkpoint before the first
    /// of them holds in every set that holds the ops it was folded from.
    sensitive: FastMap<Hash, BTreeSet<(u64, Hash)>>,
    /// Proposals with a vote or close that may be void in some set: their
    /// later closes are sensitive too.
    sensitive_counts: FastSet<Hash>,
    /// Each council's acceptances of affiliations (valid proposals).
    acceptances_in: FastMap<Hash, Vec<Hash>>,
    /// Keys as in `sensitive`, read by every council: those of acceptances of
    /// affiliations (their proposals, votes and closes) and of councils'
    /// creations that may be void in some set (see
    /// `is_read_by_every_council`).
    affiliation_sensitive: BTreeSet<(u64, Hash)>,
    /// Each author's ops naming a committee, its proposals or demands in
    /// their past (the scope of that committee but for seats), in
    /// acceptance order.
    /// Keyed by [`scopes::naming_key`].
    naming_ops: FastMap<u64, authors::Few>,
    /// Each author's ops in councils, in acceptance order.
    council_ops_of: FastMap<PublicKey, Vec<u32>>,
    /// Ops that may be void in some set (each marked sensitive).
    possibly_void: FastSet<u32>,
    /// Per member, the committees where a vouch for them may be void in
    /// some set: their ops in those committees' scope may be void too
    /// (Dependants).
    dependant_in: FastMap<PublicKey, BTreeSet<Hash>>,
    /// Void(T).
    void: BTreeMap<u32, VoidReason>,
    /// Void(T) by the layer that decides each (a committee's, or `None`
    /// for forks), ordinals ascending.
    void_layers: BTreeMap<Option<Hash>, Vec<u32>>,
    /// The removal layer's verdicts in T.
    verdicts: HashMap<u32, Verdict>,
    /// Each committee's accepted removals in T, with their cuts.
    accepted_removals: HashMap<Hash, Vec<(u32, Subset)>>,
    /// Void(T) may have changed since it was computed.
    layers_dirty: bool,
    /// ...everywhere (a fork), or only through these committees' removals.
    all_layers_dirty: bool,
    dirty_layers: BTreeSet<Hash>,
    layer_cache: LayerCache,
    /// Per committee, a checkpoint made for projections onto the pasts of
    /// ops from a partition (see `committee_in_past`).
    split_checkpoints: std::cell::RefCell<FastMap<Hash, Arc<Checkpoint>>>,
    /// Committees refolded since the last ingest call ended.
    refolded: BTreeSet<Hash>,
    arrived_late: BTreeSet<u32>,
    max_key: Option<(u64, Hash)>,
    state: State,
    pending: Pending,
    preparer: Preparer,
    checkpoint_every: usize,
    max_pending: usize,
    /// Ops void on arrival, per author; and the bound on them.
    void_arrivals: FastMap<PublicKey, u32>,
    max_void_arrivals: u32,
    /// Whether accepted ops stay decoded (see [`Engine::keep_accepted_decoded`]).
    keep_accepted_decoded: bool,
    /// Ops offered now that were accepted before (a store's, in its
    /// order): the local bound on ops void on arrival does not apply to
    /// them. Pending ops they release were never accepted: it does.
    replaying_accepted: FastSet<Hash>,
    stats: std::cell::Cell<Stats>,
}

/// `state(S)` as authorisation sees it, for a set S (an op's past).
struct ProjectedView<'a> {
    engine: &'a Engine,
    set: &'a Subset,
}

impl PastView for ProjectedView<'_> {
    fn founder(&self) -> Option<PublicKey> {
        self.engine.founder
    }

    fn committee(&self, id: &Hash) -> Option<Cow<'_, Committee>> {
        self.engine.committee_in_past(id, self.set)
    }

    fn demand_exists(&self, id: &Hash) -> bool {
        // In its committee as it stands in the set: neither the demand
        // nor the committee's creation is void there.
        self.engine.demands.get(id).is_some_and(|&ord| {
            layers::contains(self.set, ord)
                && self
                    .engine
                    .op_at(ord)
                    .fields
                    .body
                    .committee()
                    .and_then(|c| self.committee(&c))
                    .is_some_and(|c| c.demands.contains_key(id))
        })
    }

    fn is_federation_member(&self, key: &PublicKey) -> bool {
        if self.engine.founder.as_ref() == Some(key) {
            return true;
        }
        self.engine.author_ops(key).is_some_and(|a| {
            a.joined.iter().any(|&n| {
                self.committee(&self.engine.scopes.id(n))
                    .is_some_and(|c| c.includes(key))
            })
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
            by_id: ids::IdIndex::default(),
            authors: Vec::new(),
            author_numbers: FastMap::default(),
            archive: None,
            archived_below: 0,
            resident: VecDeque::new(),
            rejections: FastMap::default(),
            unseen_sets: FastMap::default(),
            heads: BTreeSet::new(),
            vouches_for: FastMap::default(),
            scopes: scopes::Scopes::default(),
            logs: FastMap::default(),
            councils: FastSet::default(),
            decoded: DecodedOps::default(),
            demands: FastMap::default(),
            demand_uses: FastMap::default(),
            dirty: BTreeSet::new(),
            proposals: FastMap::default(),
            closes_of: FastMap::default(),
            votes_of: FastMap::default(),
            removals_in: FastMap::default(),
            removals_against: FastMap::default(),
            candidates: FastSet::default(),
            contested: FastSet::default(),
            sensitive: FastMap::default(),
            sensitive_counts: FastSet::default(),
            affiliation_sensitive: BTreeSet::new(),
            acceptances_in: FastMap::default(),
            possibly_void: FastSet::default(),
            void_layers: BTreeMap::new(),
            naming_ops: FastMap::default(),
            council_ops_of: FastMap::default(),
            dependant_in: FastMap::default(),
            void: BTreeMap::new(),
            verdicts: HashMap::new(),
            accepted_removals: HashMap::new(),
            layers_dirty: false,
            all_layers_dirty: false,
            dirty_layers: BTreeSet::new(),
            layer_cache: LayerCache::default(),
            split_checkpoints: Default::default(),
            refolded: BTreeSet::new(),
            arrived_late: BTreeSet::new(),
            max_key: None,
            state: State::default(),
            pending: Pending::default(),
            preparer: Preparer::new(),
            checkpoint_every: CHECKPOINT_EVERY,
            max_pending: MAX_PENDING_OPS,
            void_arrivals: FastMap::default(),
            max_void_arrivals: MAX_VOID_ON_ARRIVAL,
            keep_accepted_decoded: false,
            replaying_accepted: FastSet::default(),
            stats: Default::default(),
        }
    }

    /// Keeps each op it accepts from now on among the recently decoded
    /// ones, for a caller that reads every accepted op next (a store
    /// persisting them). Off by default: a bulk load or a re-fold reads
    /// none of them, and keeping them only moves their freeing to when the
    /// set is full and they are cold. Results never depend on it.
    pub fn keep_accepted_decoded(&mut self, keep: bool) {
        self.keep_accepted_decoded = keep;
    }

    /// Lowers the pending-set bound to `ops` (never above
    /// [`MAX_PENDING_OPS`]), e.g. for a node on a small device.
    pub fn set_pending_limit(&mut self, ops: usize) {
        self.max_pending = ops.min(MAX_PENDING_OPS);
    }

    /// Lowers the bound on ops void on arrival per non-member author
    /// (never above [`MAX_VOID_ON_ARRIVAL`]).
    pub fn set_void_arrival_limit(&mut self, ops: u32) {
        self.max_void_arrivals = ops.min(MAX_VOID_ON_ARRIVAL);
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

    /// How many checkpoints the committees hold, in all, sliding ones
    /// included (for tests and benchmarks of their thinning).
    pub fn checkpoints_held(&self) -> usize {
        self.logs.values().map(|log| log.checkpoints.len()).sum()
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

    /// Ordinals of the closes of `proposal` that were valid when they
    /// arrived, in acceptance order.
    pub fn closes(&self, proposal: &Hash) -> &[u32] {
        self.closes_of.get(proposal).map_or(&[], Vec::as_slice)
    }

    /// Every accepted op, by acceptance ordinal.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Keeps accepted op `ord` decoded, as [`Engine::op_at`] reads it.
    fn keep_decoded(&self, ord: u32, op: Op) {
        let mut decoded = self.decoded.0.borrow_mut();
        if decoded.len() >= DECODED_OPS_KEPT {
            decoded.clear();
        }
        decoded.insert(ord, Arc::new(op));
    }

    /// The accepted op with this id.
    pub fn entry(&self, id: &Hash) -> Option<&Entry> {
        self.ordinal(id).map(|ord| &self.entries[ord as usize])
    }

    /// True if `key` has standing now: the founder, or vouched for by a
    /// valid vouch (members were vouched in, or founded), and not removed
    /// since unless still a member somewhere or vouched for again. This is
    /// who may sync with this node (DESIGN §6, "Admission").
    pub fn may_sync(&self, key: &PublicKey) -> bool {
        self.has_standing(key, &Unseen::default())
    }

    /// The acceptance ordinal of `id`, if accepted.
    pub fn ordinal(&self, id: &Hash) -> Option<u32> {
        self.by_id.get(id, &self.entries)
    }

    /// The ordinal of `id`, which is known to be accepted (a parent of an
    /// accepted op, say).
    fn accepted_ordinal(&self, id: &Hash) -> u32 {
        self.ordinal(id)
            .expect("an accepted op's parents are accepted")
    }

    /// True if `id` is accepted.
    pub fn contains(&self, id: &Hash) -> bool {
        self.ordinal(id).is_some()
    }

    /// Number of ops waiting for parents.
    pub fn pending_len(&self) -> usize {
        self.pending.ops.len()
    }

    /// The pending op with this id, if any.
    pub fn pending_op(&self, id: &Hash) -> Option<&Op> {
        self.pending.ops.get(id)
    }

    /// The authors with no accepted op here that have ops in the pending
    /// set, most ops first.
    pub fn pending_from_unknown(&self) -> Vec<UnknownPending> {
        let mut all: Vec<UnknownPending> = self
            .pending
            .unknown_by_author
            .iter()
            .map(|(author, &(ops, bytes))| UnknownPending {
                author: *author,
                ops,
                bytes,
            })
            .collect();
        all.sort_by(|a, b| b.ops.cmp(&a.ops).then(a.author.cmp(&b.author)));
        all
    }

    /// Drops every pending op parked by an author unknown here, and
    /// returns their ids (a member clearing what strangers parked).
    pub fn clear_pending_from_unknown(&mut self) -> Vec<Hash> {
        let ids: Vec<Hash> = self.pending.unknown.keys().copied().collect();
        for id in &ids {
            if let Some(op) = self.pending.take(id) {
                for parent in op.parents() {
                    if let Some(waiters) = self.pending.waiting_on.get_mut(parent) {
                        waiters.retain(|w| w != id);
                        if waiters.is_empty() {
                            self.pending.waiting_on.remove(parent);
                        }
                    }
                }
            }
        }
        ids
    }

    /// The count of proposal `p` as if it closed now on every accepted
    /// ballot that is not void: the live tally of an open proposal.
    pub fn live_tally(&self, proposal: &Hash) -> Option<ProposalResult> {
        let everything = self.everything();
        self.t_view(&everything).live(proposal)
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
            if self.void.contains_key(&v) {
                continue;
            }
            let op = self.op_at(v);
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

    /// Void(T): every void op, with the fork or removal that voided it.
    pub fn voided(&self) -> &BTreeMap<u32, VoidReason> {
        &self.void
    }

    /// The removal layer's verdict on every removal with a counting close,
    /// by the removal's ordinal.
    pub fn removal_verdicts(&self) -> &HashMap<u32, Verdict> {
        &self.verdicts
    }

    /// Authors flagged for forks, with the seqs at which they forked.
    pub fn forked(&self) -> &BTreeMap<PublicKey, BTreeSet<u64>> {
        &self.state.forks
    }

    /// The set of every accepted op.
    fn everything(&self) -> Subset {
        Subset::from_ordinal(self.len_u32())
    }

    fn len_u32(&self) -> u32 {
        u32::try_from(self.entries.len()).unwrap_or(u32::MAX)
    }

    /// The fold context of T, reading the Void(T) kept here.
    fn t_view<'a>(&'a self, everything: &'a Subset) -> SetView<'a, Engine, KnownVoids<'a>> {
        SetView {
            dag: self,
            set: everything,
            voids: KnownVoids {
                void: &self.void,
                verdicts: &self.verdicts,
            },
        }
    }

    /// Ordinals of proposals and closes that arrived after ops they sort
    /// before ("arrived late"): a local alert, not part of the state.
    pub fn arrived_late(&self) -> &BTreeSet<u32> {
        &self.arrived_late
    }

    /// Counters.
    pub fn stats(&self) -> Stats {
        self.stats.get()
    }

    /// Updates a counter (projections update them behind `&self`).
    fn count(&self, update: impl FnOnce(&mut Stats)) {
        let mut stats = self.stats.get();
        update(&mut stats);
        self.stats.set(stats);
    }

    /// The DAG heads: accepted ops no accepted op follows, by id.
    pub fn heads(&self) -> Vec<Hash> {
        let mut heads: Vec<Hash> = self
            .heads
            .iter()
            .map(|&o| self.entries[o as usize].id)
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
        // Ordinals in id order: 4 bytes an op, not a list of outcomes.
        let mut ords: Vec<u32> = (0..self.len_u32()).collect();
        ords.sort_unstable_by_key(|&o| self.entries[o as usize].id);
        digest_in_id_order(
            &self.state,
            ords.into_iter()
                .map(|o| (self.entries[o as usize].id, self.outcome_at(o))),
        )
    }

    /// The next `(seq, prev)` for `author`, from the ops accepted here.
    pub fn next_position(&self, author: &PublicKey) -> (u64, Option<Hash>) {
        match self.author_ops(author).map(|a| a.last) {
            Some((ord, _)) => {
                let op = &self.entries[ord as usize];
                (op.seq() + 1, Some(op.id))
            }
            None => (0, None),
        }
    }

    /// Deps and lamport for a new op by an author whose prev is `prev`:
    /// the heads other than `prev`, newest first, at most 32.
    pub fn deps_for_new_op(&self, prev: Option<&Hash>) -> (Vec<Hash>, u64) {
        let prev_ord = prev.and_then(|p| self.ordinal(p));
        let mut heads: Vec<u32> = self
            .heads
            .iter()
            .copied()
            .filter(|&o| Some(o) != prev_ord)
            .collect();
        heads.sort_by_key(|&o| std::cmp::Reverse(self.entries[o as usize].order_key()));
        heads.truncate(crate::op::MAX_DEPS);
        let lamport = heads
            .iter()
            .chain(prev_ord.iter())
            .map(|&o| self.entries[o as usize].lamport() + 1)
            .max()
            .unwrap_or(0);
        let mut deps: Vec<Hash> = heads.iter().map(|&o| self.entries[o as usize].id).collect();
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
        let everything = self.everything();
        authorise(
            &ProjectedView {
                engine: self,
                set: &everything,
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

    /// Ingests ops an engine accepted before, in the order it accepted
    /// them (a store's rows, keyed by that ordinal), so that each gets
    /// back its ordinal. Any order that puts every op after its parents
    /// will do; an op offered before a parent waits for it and gets
    /// another ordinal: the caller checks. The local bound on ops void on
    /// arrival does not apply to them: it held when they were first
    /// accepted, where a member's op that waited for one could bring it
    /// in, and in this order that op comes later. (It does apply to
    /// pending ops they release, which were never accepted.)
    pub fn ingest_in_order<B: AsRef<[u8]> + Sync>(
        &mut self,
        raw: &[B],
        verify: Verify,
    ) -> IngestReport {
        let prepared = self.preparer.prepare(raw, verify);
        self.ingest_prepared_in_order(prepared)
    }

    /// Like [`Engine::ingest_in_order`], of ops a [`Preparer`] already
    /// decoded and checked (on other threads, say, while this one folds).
    pub fn ingest_prepared_in_order(&mut self, prepared: Prepared) -> IngestReport {
        self.replaying_accepted = prepared.items.iter().flatten().map(|op| op.id).collect();
        let report = self.accept_batch(prepared, false);
        self.replaying_accepted = FastSet::default();
        report
    }

    /// Accepts ops that a [`Preparer`] already decoded, checked and
    /// verified, in their input order.
    pub fn ingest_prepared(&mut self, prepared: Prepared) -> IngestReport {
        self.accept_batch(prepared, true)
    }

    /// Accepts prepared ops, sorted by key first if `sort`.
    fn accept_batch(&mut self, prepared: Prepared, sort: bool) -> IngestReport {
        let mut report = IngestReport::default();
        let first_new = self.len_u32();
        let mut seen_in_batch: FastSet<Hash> = FastSet::default();
        // Offered in (lamport, id) order, a topological order: an op is
        // then late only against ops of earlier batches, so a batch marks
        // each committee dirty once and rewinds it at most once, however
        // its late and current ops were interleaved.
        let mut ops: Vec<Option<Op>> = Vec::with_capacity(prepared.items.len());
        for item in prepared.items {
            match item {
                Err(dropped) => report.dropped.push(dropped),
                Ok(op) => {
                    if self.is_known(&op.id) || !seen_in_batch.insert(op.id) {
                        report.known += 1;
                    } else {
                        ops.push(Some(op));
                    }
                }
            }
        }
        let order: Vec<usize> = if sort {
            // Sorted by key without moving the ops (an op is over 500
            // bytes).
            let mut keyed: Vec<((u64, Hash), usize)> = ops
                .iter()
                .enumerate()
                .filter_map(|(i, op)| Some((op.as_ref()?.order_key(), i)))
                .collect();
            keyed.sort_unstable();
            keyed.into_iter().map(|(_, i)| i).collect()
        } else {
            (0..ops.len()).collect()
        };
        for (n, &i) in order.iter().enumerate() {
            if n % warm::WARM_AHEAD == 0 {
                for &ahead in order[n..].iter().take(warm::WARM_AHEAD) {
                    if let Some(op) = &ops[ahead] {
                        self.warm(op);
                    }
                }
            }
            if let Some(op) = ops[i].take() {
                self.offer(op, &mut report);
            }
        }
        let changed = self.refresh_all();
        self.split_checkpoints.borrow_mut().clear();
        report.changed = changed.into_iter().filter(|&o| o < first_new).collect();
        report.refolded = std::mem::take(&mut self.refolded);
        if self.layer_cache.len() > LAYER_CACHE_SETS {
            self.layer_cache.clear();
        }
        report
    }

    /// True if `id` is accepted or pending.
    pub fn is_known(&self, id: &Hash) -> bool {
        self.ordinal(id).is_some() || self.pending.ops.contains_key(id)
    }

    fn offer(&mut self, op: Op, report: &mut IngestReport) {
        let missing: Vec<Hash> = op
            .parents()
            .filter(|p| self.ordinal(p).is_none())
            .copied()
            .collect();
        if missing.is_empty() {
            self.accept_and_release(op, report);
            return;
        }
        // Another federation's op can never be accepted here: it must not
        // wait for parents it will never get.
        if op.fields.federation != self.federation {
            report
                .dropped
                .push((Some(op.id), DropReason::WrongFederation));
            return;
        }
        let size = op.bytes.len();
        let author = op.fields.author;
        let unknown = !self.author_numbers.contains_key(&author);
        if unknown {
            let (ops, bytes) = self
                .pending
                .unknown_by_author
                .get(&author)
                .copied()
                .unwrap_or_default();
            if ops >= MAX_PENDING_PER_UNKNOWN_AUTHOR
                || bytes + size > MAX_PENDING_BYTES_PER_UNKNOWN_AUTHOR
                || self.pending.unknown.len() >= MAX_PENDING_UNKNOWN
                || self.pending.unknown_bytes + size > MAX_PENDING_UNKNOWN_BYTES
            {
                report
                    .dropped
                    .push((Some(op.id), DropReason::UnknownAuthorPendingFull));
                return;
            }
        }
        if self.pending.ops.len() >= self.max_pending
            || self.pending.bytes + size > MAX_PENDING_BYTES
        {
            report.dropped.push((Some(op.id), DropReason::PendingFull));
            return;
        }
        if unknown {
            let counts = self.pending.unknown_by_author.entry(author).or_default();
            counts.0 += 1;
            counts.1 += size;
            self.pending.unknown_bytes += size;
            self.pending.unknown.insert(op.id, author);
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
        // Released ops go in (lamport, id) order too. The queue is only
        // built when an op releases others (rarely).
        let mut queue: BTreeMap<(u64, Hash), Op> = BTreeMap::new();
        let mut next = Some(op);
        while let Some(op) = next.take().or_else(|| queue.pop_first().map(|(_, op)| op)) {
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
                    .is_some_and(|w| w.parents().all(|p| self.ordinal(p).is_some()));
                if ready && let Some(w) = self.pending.take(&waiter) {
                    report.pending = report.pending.saturating_sub(1);
                    report.unpended.push(w.id);
                    queue.insert(w.order_key(), w);
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
        let parents: Vec<u32> = op.parents().map(|p| self.accepted_ordinal(p)).collect();
        if let Some(prev) = &f.prev {
            let prev_ord = self.accepted_ordinal(prev);
            // Usually prev is the author's newest op: no entry to read.
            let newest = f.seq.checked_sub(1).map(|seq| (prev_ord, seq))
                == self.author_ops(&f.author).map(|a| a.last);
            let prev_op = &self.entries[prev_ord as usize];
            if !newest && (self.author_of(prev_op) != f.author || prev_op.seq() + 1 != f.seq) {
                return Err(DropReason::BadPrev);
            }
        }
        let expected = parents
            .iter()
            .map(|&p| self.entries[p as usize].lamport() + 1)
            .max()
            .unwrap_or(0);
        if f.lamport != expected {
            return Err(DropReason::BadLamport {
                got: f.lamport,
                expected,
            });
        }
        let unseen = self.unseen_for(&parents);
        // Void(T) must be current before an op reads T, or before judging
        // a candidate's standing or whether their op is void on arrival.
        // It must also be current before an op from a partition reads the
        // current fold of a contested committee in its place (see
        // `committee_in_past`): a stale Void(T) leaves committees dirty.
        self.refresh_layers();
        if !op.is_genesis() && !self.has_standing(&f.author, &unseen) {
            return Err(DropReason::NoStanding);
        }
        if self.floods(&op, &unseen) {
            return Err(DropReason::VoidFlood);
        }
        if !unseen.is_empty() {
            self.count(|s| s.projected += 1);
        }
        let validity = if op.is_genesis() {
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
            let past = unseen.with_tail(self.len_u32(), u32::MAX);
            let view = ProjectedView {
                engine: self,
                set: &past,
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
                        if let crate::body::ProposalKind::AcceptAffiliation { .. } = kind {
                            self.acceptances_in
                                .entry(*committee)
                                .or_default()
                                .push(op.id);
                        }
                        self.proposals.insert(op.id, meta);
                    }
                    Outcome::Applied
                }
                Err(reason) => Outcome::Rejected(reason),
            }
        };
        Ok(self.insert(op, parents, unseen, validity))
    }

    /// True if `op`'s author, a member of no committee now, has added the
    /// most ops void on arrival one author may, `op` would be void on
    /// arrival too (and is none of the kinds whose void ops still act),
    /// and no pending op that descends from it has an author with
    /// standing. A local bound on storage: see docs/DESIGN.md §7 for what
    /// it may cost, and §3 for why it is no finer.
    fn floods(&self, op: &Op, unseen: &Unseen) -> bool {
        let author = &op.fields.author;
        if self.replaying_accepted.contains(&op.id)
            || self
                .void_arrivals
                .get(author)
                .is_none_or(|&n| n < self.max_void_arrivals)
            || self.state.is_federation_member(author)
            || !self.void_on_arrival_before_held(op, unseen)
        {
            return false;
        }
        !self.wanted_by_someone_with_standing(&op.id)
    }

    /// Whether a pending op that descends from `id` (among the first
    /// [`PENDING_DESCENDANTS_LOOKED_AT`] pending ops found below it)
    /// has an author with standing in T through a vouch that is not void:
    /// a member, or someone vouched for since their removal whose later
    /// ops build on it. Not a stranger's key, nor one vouched for only by
    /// a void vouch (a removed member's sybil), nor the removed author.
    fn wanted_by_someone_with_standing(&self, id: &Hash) -> bool {
        let mut judged: FastMap<PublicKey, bool> = FastMap::default();
        let mut seen: FastSet<Hash> = FastSet::default();
        let mut todo: Vec<Hash> = vec![*id];
        while let Some(parent) = todo.pop() {
            for waiter in self.pending.waiting_on.get(&parent).into_iter().flatten() {
                if !seen.insert(*waiter) {
                    continue;
                }
                if seen.len() > PENDING_DESCENDANTS_LOOKED_AT {
                    // Strangers may park that many: they must not decide.
                    return false;
                }
                let Some(w) = self.pending.ops.get(waiter) else {
                    continue;
                };
                let author = w.fields.author;
                let standing = *judged.entry(author).or_insert_with(|| {
                    self.state.is_federation_member(&author)
                        || (self.has_standing(&author, &Unseen::default())
                            && self
                                .vouches_for
                                .get(&author)
                                .is_some_and(|v| v.iter().any(|&o| self.is_applied_at(o))))
                });
                if standing {
                    return true;
                }
                todo.push(*waiter);
            }
        }
        false
    }

    /// Whether `op`, not yet held (its past is all but `unseen`), will be
    /// void on arrival, as `void_on_arrival` decides once it is held, and
    /// is none of the kinds whose void ops still act in T: a close (it
    /// widens its proposal's cut), a removal proposal (it narrows the past
    /// its concurrent removals share), a council op (its scope rests on
    /// seats), or a fork that moves its author's fork point (the first
    /// fork, or one below it). Void on arrival means past its author's fork
    /// point, or in the scope (by names in its past) only of committees
    /// each of which accepted a removal of its author that has not passed
    /// in its past. (Reviews found the flood bound dropping a back-dated
    /// profile, in no scope and so never void, and a removed member's join
    /// when vouched for again.) Cheap, and read from the op and its
    /// author alone: a finer test (another author's fork it might witness,
    /// another's void op it might spare in a layer's prefix) costs a scan
    /// of T per op and a sybil can switch it on at will.
    fn void_on_arrival_before_held(&self, op: &Op, unseen: &Unseen) -> bool {
        let author = &op.fields.author;
        let body = &op.fields.body;
        let log = self.author_log(author);
        let seq_of = |o: u32| self.entries[o as usize].seq();
        let at = log.partition_point(|&o| seq_of(o) < op.fields.seq);
        let fork_point = self
            .state
            .forks
            .get(author)
            .and_then(|s| s.first().copied());
        // A fork that moves the fork point (or is the first) changes what
        // is void; a sibling at or past it is void itself, and only that.
        let moves_fork_point = log.get(at).is_some_and(|&o| seq_of(o) == op.fields.seq)
            && fork_point.is_none_or(|f| op.fields.seq < f);
        if moves_fork_point
            || matches!(body, Body::Close { .. })
            || matches!(
                body,
                Body::Propose {
                    kind: crate::body::ProposalKind::RemoveMember { .. },
                    ..
                }
            )
            || body
                .committee()
                .is_some_and(|c| layers::Dag::is_council(self, &c))
        {
            return false;
        }
        if fork_point.is_some_and(|f| f <= op.fields.seq) {
            return true;
        }
        let scopes = self.named_scopes(body, unseen);
        if scopes.is_empty() {
            return false;
        }
        let past = unseen.with_tail(self.len_u32(), u32::MAX);
        scopes.iter().all(|c| {
            self.accepted_removals
                .get(c)
                .into_iter()
                .flatten()
                .any(|(p, _)| {
                    self.proposals
                        .get(&self.entries[*p as usize].id)
                        .is_some_and(|meta| meta.kind.subject() == Some(*author))
                        && !layers::passed_in(self, &past, *p)
                })
        })
    }

    fn unseen_for(&self, parents: &[u32]) -> Unseen {
        let n = u32::try_from(self.entries.len()).unwrap_or(u32::MAX);
        let mut result: Option<Unseen> = None;
        for &p in parents {
            let missed = self.unseen_at(p).with_tail(p + 1, n);
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

    /// Standing (DESIGN §3, rule 4) in the past of an op that did not see
    /// `unseen`: the founder, or the subject of a valid vouch there who has
    /// not lost it: after a removal that passed there, only a membership
    /// of some committee, or a valid vouch made after the removal, keeps
    /// it.
    fn has_standing(&self, author: &PublicKey, unseen: &Unseen) -> bool {
        if self.founder.as_ref() == Some(author) {
            return true;
        }
        let Some(vouches) = self.vouches_for.get(author) else {
            return false;
        };
        let Some(removals) = self.removals_against.get(author) else {
            // The common case: nobody ever proposed to remove the author.
            return vouches.iter().any(|&o| !unseen.contains(o));
        };
        let vouches: Vec<u32> = vouches
            .iter()
            .copied()
            .filter(|&o| !unseen.contains(o))
            .collect();
        if vouches.is_empty() {
            return false;
        }
        let past = unseen.with_tail(self.len_u32(), u32::MAX);
        // For the whole set, the verdicts kept here are current (the
        // caller refreshed them).
        let passed = |set: &Subset, p: u32| {
            if set.min().is_none_or(|m| m >= self.len_u32()) && !self.layers_dirty {
                self.verdicts.get(&p).is_some_and(|v| v.accepted)
            } else {
                layers::passed_in(self, set, p)
            }
        };
        let removed: Vec<u32> = removals
            .iter()
            .copied()
            .filter(|&p| layers::contains(&past, p) && passed(&past, p))
            .collect();
        if removed.is_empty() || self.projected(&past).is_federation_member(author) {
            return true;
        }
        vouches.iter().any(|&v| {
            let seen = layers::Dag::past(self, v);
            removed.iter().all(|&p| passed(&seen, p))
        })
    }

    /// Ordinals of accepted ops that are neither in `frontier` nor in the
    /// past of any op in it, in acceptance (causal) order: what a peer whose
    /// DAG heads are `frontier` lacks. Unknown frontier ids are ignored.
    pub fn missing_for(&self, frontier: &[Hash]) -> Vec<u32> {
        let end = self.len_u32();
        // What one head lacks is `T ∖ ({h} ∪ past(h))`: the ops it had not
        // seen and those accepted after it. The frontier lacks what every
        // head lacks. Read from the unseen sets: no op's parents (nor
        // archived bytes) are read.
        let lacks = |h: u32| {
            let unseen = self.unseen_at(h);
            if h + 1 < end {
                unseen.with_tail(h + 1, end)
            } else {
                unseen.clone()
            }
        };
        let mut heads = frontier.iter().filter_map(|h| self.ordinal(h));
        let Some(first) = heads.next() else {
            return (0..end).collect();
        };
        let missing = heads.fold(lacks(first), |m, h| m.intersect(&lacks(h)));
        missing.iter_below(end).collect()
    }
}
