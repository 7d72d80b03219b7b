//! The void layers of DESIGN §4 ("Forks", "Strong removal", "Tallies"):
//! ForkVoid, the removal layer, RemovalVoid, and how a proposal closes, for
//! any causally closed set of ops.
//!
//! Both evaluators use these functions: the [`crate::engine`] through its
//! indexes and the [`crate::reference`] through naive sets. They are the
//! definitions, written as plain functions over a [`Dag`], evaluated lazily
//! and memoised per set, because the definitions recurse on smaller sets:
//! a removal's count reads `Void(K(P))`, RemovalVoid reads whether P passed
//! in `state(past(X))`, a witness's membership reads `state(past(Y₀))`.
//!
//! A set is a [`Subset`]: the ordinals it lacks, with an infinite tail, so
//! that one set has one key however many ops arrive later. `past(X)` is
//! `unseen(X) ∪ [X, ∞)`; a union of pasts (a cut K(P)) is the intersection
//! of their complements.
//!
//! Where the text leaves a choice, the choice is written in the project's
//! `docs/DESIGN.md` ("Voids: decisions"):
//! - a witness's past may hold no two ops of the forked author at one seq;
//! - two votes by one voter on one proposal that are concurrent (neither in
//!   the other's past, which needs a fork) both count for nothing;
//! - sparing is judged at each member's first op that has X in its past
//!   (the frontier query of DESIGN §4, "Cost"), and "not void under an
//!   accepted removal" reads the removals of the same committee accepted so
//!   far, which keeps the definition well-founded.

use crate::body::{Ballot, Body, ProposalKind};
use crate::governance::{self, CastVote, Closing, Electorate, FoldContext, ProposalResult};
use crate::op::Op;
use crate::outcome::VoidReason;
use crate::state::Committee;
use crate::tally::Choice;
use crate::tally::Failure;
use crate::types::{Hash, PublicKey};
use crate::unseen::Unseen;
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// A causally closed set of accepted ops, as the ordinals it lacks.
pub type Subset = Unseen;

/// True if op `o` is in the set `s`.
pub fn contains(s: &Subset, o: u32) -> bool {
    !s.contains(o)
}

/// What is fixed about an applied proposal when it is accepted: E(P) and
/// its policy, read in `state(past(P))`.
#[derive(Debug, Clone)]
pub struct ProposalMeta {
    /// E(P).
    pub electorate: Electorate,
    /// End of voting.
    pub closes_at: u64,
    /// The proposing committee.
    pub committee: Hash,
    /// What it asks.
    pub kind: ProposalKind,
}

/// The removal layer's verdict on one removal in one set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The count (the recount, for a removal that passed on its own); its
    /// failure is `RemovedProposer` when only the recount failed.
    pub result: ProposalResult,
    /// Accepted by the layer: the removal takes effect.
    pub accepted: bool,
    /// Whether the first counting close alone passed: an outcome that
    /// changed after closing is an alert.
    pub first_only_passed: bool,
    /// Closed in the set: accepted, or not accepted with a counting close
    /// that is not void under the accepted removals. A removal whose every
    /// close is void stays open (DESIGN §4, "The counted cut").
    pub closed: bool,
}

/// One committee's removal layer in one set.
#[derive(Debug, Default)]
pub struct RemovalLayer {
    /// Every removal of the committee with a counting close in the set.
    pub verdicts: BTreeMap<u32, Verdict>,
    /// The accepted removals in the layer's order, with their cut K(P).
    pub accepted: Vec<(u32, Subset)>,
}

/// The memos' maps hash with foldhash: their keys are local ordinals and
/// sets of them, so no peer can choose collisions, and SipHash was a fifth
/// of the cost of evaluating removals.
type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

#[derive(Default)]
struct Memo {
    layers: FastMap<Hash, Arc<RemovalLayer>>,
    void: FastMap<u32, Option<VoidReason>>,
}

/// How a removal counts on its own, given its counting closes: the count
/// in K(P) with Void(K(P)), and whether the first close alone passed it.
type Alone = (ProposalResult, bool);

/// Memos of the layers per set. A set's ops never change, so an entry
/// stays true however many ops arrive later.
#[derive(Default)]
pub struct LayerCache {
    sets: RefCell<FastMap<Subset, Memo>>,
    /// By removal and its counting closes: the same in every set holding
    /// exactly those closes.
    alone: RefCell<FastMap<(u32, Vec<u32>), Alone>>,
}

impl LayerCache {
    /// Number of sets remembered.
    pub fn len(&self) -> usize {
        self.sets.borrow().len()
    }

    /// True if nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.sets.borrow().is_empty()
    }

    /// Forgets everything (to bound memory; results never depend on it).
    pub fn clear(&self) {
        self.sets.borrow_mut().clear();
        self.alone.borrow_mut().clear();
    }

    /// Forgets what is remembered of one set (one that will not be asked
    /// about again, such as all the ops at one moment).
    pub fn forget(&self, set: &Subset) {
        self.sets.borrow_mut().remove(set);
    }
}

/// The accepted ops as the layers read them. Ordinals follow acceptance,
/// which is causal: every op's past has lower ordinals.
pub trait Dag {
    /// The op with ordinal `o`, whole (its body and parents decoded).
    fn op(&self, o: u32) -> Cow<'_, Op>;
    /// The body of op `o`.
    fn body(&self, o: u32) -> Cow<'_, Body>;
    /// The id of op `o`.
    fn id(&self, o: u32) -> Hash;
    /// The author of op `o`.
    fn author(&self, o: u32) -> PublicKey;
    /// The seq of op `o` in its author's log.
    fn seq(&self, o: u32) -> u64;
    /// The order key `(lamport, id)` of op `o`.
    fn key(&self, o: u32) -> (u64, Hash);
    /// valid(o): authorised in its own past (intrinsic).
    fn valid(&self, o: u32) -> bool;
    /// y ∈ past(x).
    fn in_past(&self, y: u32, x: u32) -> bool;
    /// past(x) as a set.
    fn past(&self, x: u32) -> Subset;
    /// The ordinal of an accepted op.
    fn ordinal(&self, id: &Hash) -> Option<u32>;
    /// Every op of `author`, sorted by `(seq, ordinal)`.
    fn log_of(&self, author: &PublicKey) -> &[u32];
    /// Every author with an op.
    fn authors(&self) -> Vec<PublicKey>;
    /// The seqs at which `author` forked among all accepted ops.
    fn fork_seqs(&self, author: &PublicKey) -> Option<&BTreeSet<u64>>;
    /// Authors with a fork among all accepted ops.
    fn forked_authors(&self) -> Vec<PublicKey>;
    /// Valid closes of proposal `p`.
    fn closes_of(&self, p: &Hash) -> &[u32];
    /// Valid votes on proposal `p`.
    fn votes_of(&self, p: &Hash) -> &[u32];
    /// The meta of a valid proposal.
    fn meta(&self, p: &Hash) -> Option<&ProposalMeta>;
    /// Valid removal proposals of `committee`.
    fn removals_in(&self, committee: &Hash) -> &[u32];
    /// Valid removal proposals whose subject is `member`.
    fn removals_against(&self, member: &PublicKey) -> &[u32];
    /// Subjects of valid removal proposals.
    fn subjects(&self) -> Vec<PublicKey>;
    /// The federation's founder.
    fn founder(&self) -> Option<PublicKey>;
    /// True if `committee` is a council (fixed when it is created).
    fn is_council(&self, committee: &Hash) -> bool;
    /// `key` is the founder or a member of a committee in `state(s)`.
    fn is_member_in(&self, s: &Subset, key: &PublicKey) -> bool;
    /// `key` holds a seat for `committee` in `council` in `state(s)`.
    fn seated_for(&self, s: &Subset, council: &Hash, committee: &Hash, key: &PublicKey) -> bool;
    /// Committee `c` as it stands in `state(s)`.
    fn committee_in(&self, s: &Subset, c: &Hash) -> Option<Cow<'_, Committee>>;
    /// Valid vouches for `candidate`, in acceptance order.
    fn vouches_for(&self, candidate: &PublicKey) -> &[u32];
    /// False only if no op of `author` can be void in any set: the author
    /// never forked, is no removal's subject, and no vouch for them was
    /// made by such an author (transitively).
    fn may_be_void(&self, author: &PublicKey) -> bool;
    /// False only if op `o` is void in no set: a finer test than
    /// [`Dag::may_be_void`] of its author, where the ops set knows it.
    fn op_may_be_void(&self, o: u32) -> bool {
        self.may_be_void(&self.author(o))
    }
    /// `member`'s ops that name `committee`, its proposals or demands, and
    /// their ops in councils, each in acceptance order, where the ops set
    /// indexes them (a faster [`in_scope`] scan of a chain).
    fn scope_index(&self, _member: &PublicKey, _committee: &Hash) -> Option<(&[u32], &[u32])> {
        None
    }
    /// Every author for whom [`Dag::may_be_void`] holds.
    fn void_candidates(&self) -> Vec<PublicKey>;
    /// Valid proposals that accept an affiliation, in any order.
    fn affiliation_accepts(&self) -> Vec<u32>;
    /// Valid joins by `author`, in acceptance order.
    fn joins_by(&self, author: &PublicKey) -> &[u32];
    /// The memos.
    fn cache(&self) -> &LayerCache;
}

/// Void(S) and the removal verdicts of S, as the fold asks them.
pub trait SetVoids {
    /// Why op `o` is void in the set, if it is.
    fn void(&self, o: u32) -> Option<VoidReason>;
    /// The removal layer's verdict on removal `p` in the set.
    fn verdict(&self, p: u32) -> Option<Verdict>;
}

/// Voids computed on demand for one set.
pub struct LazyVoids<'a, D: Dag + ?Sized> {
    /// The ops.
    pub dag: &'a D,
    /// The set.
    pub set: &'a Subset,
}

impl<D: Dag + ?Sized> SetVoids for LazyVoids<'_, D> {
    fn void(&self, o: u32) -> Option<VoidReason> {
        void(self.dag, self.set, o)
    }

    fn verdict(&self, p: u32) -> Option<Verdict> {
        let meta = self.dag.meta(&self.dag.id(p))?;
        removal_layer(self.dag, self.set, &meta.committee)
            .verdicts
            .get(&p)
            .cloned()
    }
}

/// Voids already computed for one set (the engine's `Void(T)`).
pub struct KnownVoids<'a> {
    /// Void ops and why.
    pub void: &'a BTreeMap<u32, VoidReason>,
    /// Removal verdicts.
    pub verdicts: &'a HashMap<u32, Verdict>,
}

impl SetVoids for KnownVoids<'_> {
    fn void(&self, o: u32) -> Option<VoidReason> {
        self.void.get(&o).cloned()
    }

    fn verdict(&self, p: u32) -> Option<Verdict> {
        self.verdicts.get(&p).cloned()
    }
}

/// True if `o` takes part in the fold of a set: Applied, or a close that
/// counts although void by a removal or a void vouch (a close counts
/// unless ForkVoid, and a close has no effect but its proposal's closing).
pub fn folds<V: SetVoids + ?Sized>(op: &Op, o: u32, voids: &V) -> bool {
    match voids.void(o) {
        None => true,
        Some(VoidReason::Removal { .. } | VoidReason::VoidVouch { .. }) => {
            matches!(op.fields.body, Body::Close { .. })
        }
        Some(VoidReason::Fork { .. }) => false,
    }
}

/// What a fold reads of whether op `o` is void in a set: if it is, and if
/// by a fork. (A close void otherwise takes part in the fold, widening its
/// proposal's cut, but does not close it: whether it folds is not enough.)
pub fn void_class<V: SetVoids + ?Sized>(o: u32, voids: &V) -> Option<bool> {
    voids
        .void(o)
        .map(|reason| matches!(reason, VoidReason::Fork { .. }))
}

/// The fork point of `author` in `s`: the lowest seq with two of its ops.
pub fn fork_point<D: Dag + ?Sized>(d: &D, s: &Subset, author: &PublicKey) -> Option<u64> {
    let seqs = d.fork_seqs(author)?;
    let log = d.log_of(author);
    seqs.iter()
        .copied()
        .find(|&seq| ops_at(d, s, log, seq).len() >= 2)
}

fn ops_at<D: Dag + ?Sized>(d: &D, s: &Subset, log: &[u32], seq: u64) -> Vec<u32> {
    let start = log.partition_point(|&o| d.seq(o) < seq);
    log[start..]
        .iter()
        .copied()
        .take_while(|&o| d.seq(o) == seq)
        .filter(|&o| contains(s, o))
        .collect()
}

/// `author`'s ops in `s` below its fork point there: one per seq, a chain.
fn chain<'a, D: Dag + ?Sized>(d: &'a D, s: &Subset, author: &PublicKey) -> Chain<'a> {
    let log = d.log_of(author);
    if d.fork_seqs(author).is_none() {
        // One chain in T: the ops in a causally closed set are a prefix.
        let end = log.partition_point(|&o| contains(s, o));
        return Chain::Prefix(&log[..end]);
    }
    let limit = fork_point(d, s, author).unwrap_or(u64::MAX);
    Chain::Filtered(
        log.iter()
            .copied()
            .filter(|&o| contains(s, o) && d.seq(o) < limit)
            .collect(),
    )
}

/// An author's chain in a set: borrowed when the author never forked.
enum Chain<'a> {
    Prefix(&'a [u32]),
    Filtered(Vec<u32>),
}

impl Chain<'_> {
    fn ops(&self) -> &[u32] {
        match self {
            Chain::Prefix(ops) => ops,
            Chain::Filtered(ops) => ops,
        }
    }
}

/// The first op of a chain that has `x` in its past (the frontier query).
fn first_after<D: Dag + ?Sized>(d: &D, chain: &Chain<'_>, x: u32) -> Option<u32> {
    let ops = chain.ops();
    let i = ops.partition_point(|&o| !d.in_past(x, o));
    ops.get(i).copied()
}

/// Is `y` in ForkVoid(s)?
pub fn fork_void<D: Dag + ?Sized>(d: &D, s: &Subset, y: u32) -> Option<VoidReason> {
    let seq = d.seq(y);
    // The genesis names the federation: a fork of the founder at seq 0
    // must not void it (see docs/DESIGN.md, "Voids: decisions").
    if seq == 0 && matches!(&*d.body(y), Body::CreateFederation { .. }) {
        return None;
    }
    let author = d.author(y);
    let f = fork_point(d, s, &author)?;
    if seq < f || witnessed(d, s, y, &author, f) {
        return None;
    }
    Some(VoidReason::Fork { author, seq: f })
}

/// Has `y` (by `author`, forked at `f` in `s`) a witness in `s`?
fn witnessed<D: Dag + ?Sized>(d: &D, s: &Subset, y: u32, author: &PublicKey, f: u64) -> bool {
    let log = d.log_of(author);
    let groups = fork_groups(d, s, author);
    // Members before the fork: in state(past(Y₀)); at seq 0, the founder.
    let before = match f.checked_sub(1) {
        None => None,
        Some(seq) => match ops_at(d, s, log, seq).first() {
            Some(&y0) => Some(d.past(y0)),
            None => return false,
        },
    };
    let candidates = match &before {
        None => d.founder().into_iter().collect(),
        Some(_) => d.authors(),
    };
    candidates.iter().filter(|w| *w != author).any(|w| {
        let Some(first) = first_after(d, &chain(d, s, w), y) else {
            return false;
        };
        one_branch(d, &groups, first)
            && match &before {
                None => true,
                Some(past) => d.is_member_in(past, w),
            }
    })
}

/// `author`'s ops in `s` at each seq where it forked there.
fn fork_groups<D: Dag + ?Sized>(d: &D, s: &Subset, author: &PublicKey) -> Vec<Vec<u32>> {
    let log = d.log_of(author);
    d.fork_seqs(author)
        .into_iter()
        .flatten()
        .map(|&seq| ops_at(d, s, log, seq))
        .filter(|g| g.len() >= 2)
        .collect()
}

/// True if past(`w`) holds at most one op of each fork group.
fn one_branch<D: Dag + ?Sized>(d: &D, groups: &[Vec<u32>], w: u32) -> bool {
    groups
        .iter()
        .all(|g| g.iter().filter(|&&o| d.in_past(o, w)).count() <= 1)
}

/// The closes of `p` that count in a set: in it, valid, not ForkVoid.
fn counting_closes<D: Dag + ?Sized>(
    d: &D,
    s: &Subset,
    p: &Hash,
    fork_voided: impl Fn(u32) -> bool,
) -> Vec<u32> {
    d.closes_of(p)
        .iter()
        .copied()
        .filter(|&c| contains(s, c) && d.valid(c) && !fork_voided(c))
        .collect()
}

/// K(P): the union of past(C) over the counting closes with no other
/// counting close in their past.
pub fn cut<D: Dag + ?Sized>(d: &D, closes: &[u32]) -> Subset {
    let mut k: Option<Subset> = None;
    for &c in closes {
        if closes.iter().any(|&other| d.in_past(other, c)) {
            continue;
        }
        let past = d.past(c);
        k = Some(match k {
            None => past,
            Some(acc) => acc.intersect(&past),
        });
    }
    k.unwrap_or_else(|| Subset::from_ordinal(0))
}

fn first_of<D: Dag + ?Sized>(d: &D, closes: &[u32]) -> Option<u32> {
    closes.iter().copied().min_by_key(|&c| d.key(c))
}

/// Counts P's valid votes in the cut `k` that `voided` does not void.
pub fn count_in<D: Dag + ?Sized>(
    d: &D,
    meta: &ProposalMeta,
    p: &Hash,
    k: &Subset,
    voided: &dyn Fn(u32) -> bool,
) -> ProposalResult {
    governance::tally(
        &meta.electorate,
        &meta.kind,
        meta.closes_at,
        cast_in(d, p, k, voided),
    )
}

/// P's valid votes in the cut `k` that `voided` does not void, less
/// conflicting witnessed ballots, as the count reads them.
fn cast_in<D: Dag + ?Sized>(
    d: &D,
    p: &Hash,
    k: &Subset,
    voided: &dyn Fn(u32) -> bool,
) -> Vec<CastVote> {
    let votes: Vec<u32> = d
        .votes_of(p)
        .iter()
        .copied()
        .filter(|&v| contains(k, v) && d.valid(v) && !voided(v))
        .collect();
    // Conflicting witnessed ballots: one voter's votes on different
    // branches of a fork both count for nothing.
    let mut by_voter: BTreeMap<PublicKey, Vec<u32>> = BTreeMap::new();
    for &v in &votes {
        by_voter.entry(d.author(v)).or_default().push(v);
    }
    let conflicting = |v: u32| {
        let voter = d.author(v);
        d.fork_seqs(&voter).is_some()
            && by_voter[&voter]
                .iter()
                .any(|&w| w != v && !d.in_past(w, v) && !d.in_past(v, w))
    };
    votes
        .iter()
        .copied()
        .filter(|&v| !conflicting(v))
        .filter_map(|v| {
            let op = d.op(v);
            match &op.fields.body {
                Body::Vote { ballot, .. } => Some(CastVote {
                    voter: op.fields.author,
                    position: (op.fields.seq, op.id),
                    time: op.fields.time,
                    ballot: ballot.clone(),
                }),
                _ => None,
            }
        })
        .collect()
}

/// The settled yes weight of removal `p` (DESIGN §4, "The removal
/// layer"): the weight of its counted yes ballots (in K(P), with
/// Void(K(P))) whose voters were members of C in `state(G(P))`, where G(P)
/// is past(P) intersected with past(Q) for every removal Q of C in `s`
/// concurrent with P. Members recruited on one side of a partition do not
/// weigh in the dispute.
fn settled_yes<D: Dag + ?Sized>(
    d: &D,
    s: &Subset,
    p: u32,
    meta: &ProposalMeta,
    k: &Subset,
    yes: u128,
) -> u128 {
    let concurrent: Vec<u32> = d
        .removals_in(&meta.committee)
        .iter()
        .copied()
        .filter(|&q| q != p && contains(s, q) && !d.in_past(q, p) && !d.in_past(p, q))
        .filter(|&q| fork_void(d, s, q).is_none())
        .collect();
    if concurrent.is_empty() {
        // G(P) = past(P): every voter of E(P) was a member there.
        return yes;
    }
    let g = concurrent
        .iter()
        .fold(d.past(p), |g, &q| g.union(&d.past(q)));
    let Some(settled) = d.committee_in(&g, &meta.committee) else {
        return 0;
    };
    let id = d.id(p);
    let cast = cast_in(d, &id, k, &|v| void(d, k, v).is_some());
    governance::counted_ballots(&meta.electorate, meta.closes_at, cast)
        .into_iter()
        .filter(|(voter, (_, ballot))| {
            *ballot == Ballot::Choice(Choice::Yes) && settled.members.contains(voter)
        })
        .map(|(voter, _)| meta.electorate.voters.get(&voter).copied().unwrap_or(0))
        .sum()
}

/// The removal layer of `committee` in `s` (memoised).
pub fn removal_layer<D: Dag + ?Sized>(d: &D, s: &Subset, committee: &Hash) -> Arc<RemovalLayer> {
    if let Some(layer) = d
        .cache()
        .sets
        .borrow()
        .get(s)
        .and_then(|m| m.layers.get(committee))
    {
        return layer.clone();
    }
    let layer = Arc::new(compute_layer(d, s, committee));
    d.cache()
        .sets
        .borrow_mut()
        .entry(s.clone())
        .or_default()
        .layers
        .insert(*committee, layer.clone());
    layer
}

struct Candidate {
    p: u32,
    yes: u128,
    first_id: Hash,
    closes: Vec<u32>,
    k: Subset,
}

fn compute_layer<D: Dag + ?Sized>(d: &D, s: &Subset, committee: &Hash) -> RemovalLayer {
    let mut layer = RemovalLayer::default();
    let mut candidates = Vec::new();
    let fork_voided = |o: u32| fork_void(d, s, o).is_some();
    // A committee whose creation is void does not exist in the set.
    if d.ordinal(committee).is_some_and(fork_voided) {
        return layer;
    }
    for &p in d.removals_in(committee) {
        if !contains(s, p) || fork_voided(p) {
            continue;
        }
        let id = d.id(p);
        let Some(meta) = d.meta(&id) else { continue };
        let closes = counting_closes(d, s, &id, fork_voided);
        let Some(first) = first_of(d, &closes) else {
            continue;
        };
        // Passing on its own: decided inside K(P), with Void(K(P)).
        let k = cut(d, &closes);
        let (result, first_only_passed) = alone(d, meta, p, &closes, &k, first);
        if result.passed() {
            candidates.push(Candidate {
                p,
                yes: settled_yes(d, s, p, meta, &k, result.count.yes),
                first_id: d.id(first),
                closes,
                k,
            });
        }
        layer.verdicts.insert(
            p,
            Verdict {
                result,
                accepted: false,
                first_only_passed,
                closed: true,
            },
        );
    }
    // A removal is taken only after every removal in its past; among
    // those ready, by settled yes weight, then by the id of the first
    // counting close (DESIGN §4, "The removal layer").
    let mut pending = candidates;
    while let Some(next) = pending
        .iter()
        .enumerate()
        .filter(|(_, c)| pending.iter().all(|o| o.p == c.p || !d.in_past(o.p, c.p)))
        .min_by(|(_, a), (_, b)| b.yes.cmp(&a.yes).then(a.first_id.cmp(&b.first_id)))
        .map(|(i, _)| i)
    {
        let c = pending.remove(next);
        let id = d.id(c.p);
        let Some(meta) = d.meta(&id) else { continue };
        let accepted = &layer.accepted;
        // The recount takes out what the accepted removals void, not
        // ForkVoid(T): forks count as in K(P), with Void(K(P)).
        let removed = |o: u32| removal_void_under(d, s, committee, accepted, o).is_some();
        // Only ops by authors who may be void (subjects of removals, forked
        // authors, their dependants) can be void under the removals
        // accepted so far: without such ops the recount is the count.
        let by_suspect = |o: u32| !accepted.is_empty() && d.op_may_be_void(o);
        let untouched = !by_suspect(c.p)
            && !c.closes.iter().any(|&x| by_suspect(x))
            && !d
                .votes_of(&id)
                .iter()
                .any(|&v| contains(&c.k, v) && by_suspect(v));
        // The recount keeps the cut K(P): a close that is void still
        // widens it (it can only add ballots). P is closed only while one
        // of its counting closes is not void.
        let recount = if untouched {
            layer.verdicts.get(&c.p).map(|v| v.result.clone())
        } else if removed(c.p) || c.closes.iter().all(|&x| removed(x)) {
            None
        } else {
            Some(count_in(d, meta, &id, &c.k, &|v| {
                void(d, &c.k, v).is_some() || removed(v)
            }))
        };
        let verdict = layer
            .verdicts
            .get_mut(&c.p)
            .expect("a verdict per candidate");
        match recount {
            Some(result) if result.passed() => {
                verdict.result = result;
                verdict.accepted = true;
                layer.accepted.push((c.p, c.k));
            }
            recount => {
                let mut result = recount.unwrap_or_else(|| verdict.result.clone());
                result.failure = Some(Failure::RemovedProposer);
                verdict.result = result;
            }
        }
    }
    // A removal the layer did not accept is closed only by a counting
    // close that is not void under the accepted removals. (An accepted one
    // had such a close when its turn came, and the layer's order decides.)
    let accepted = &layer.accepted;
    for (&p, verdict) in layer.verdicts.iter_mut() {
        if verdict.accepted {
            continue;
        }
        let id = d.id(p);
        verdict.closed = counting_closes(d, s, &id, fork_voided)
            .iter()
            .any(|&x| void_under(d, s, committee, accepted, x).is_none());
    }
    layer
}

/// How removal `p` counts on its own with counting closes `closes`
/// (memoised: it depends on nothing else).
fn alone<D: Dag + ?Sized>(
    d: &D,
    meta: &ProposalMeta,
    p: u32,
    closes: &[u32],
    k: &Subset,
    first: u32,
) -> Alone {
    let mut key_closes = closes.to_vec();
    key_closes.sort_unstable();
    let key = (p, key_closes);
    if let Some(known) = d.cache().alone.borrow().get(&key) {
        return known.clone();
    }
    let id = d.id(p);
    let result = count_in(d, meta, &id, k, &|v| void(d, k, v).is_some());
    let first_k = d.past(first);
    let first_only_passed =
        count_in(d, meta, &id, &first_k, &|v| void(d, &first_k, v).is_some()).passed();
    let known = (result, first_only_passed);
    d.cache().alone.borrow_mut().insert(key, known.clone());
    known
}

/// True if removal `p` has passed in `state(s)`.
pub fn passed_in<D: Dag + ?Sized>(d: &D, s: &Subset, p: u32) -> bool {
    let id = d.id(p);
    let Some(meta) = d.meta(&id) else {
        return false;
    };
    if !d.closes_of(&id).iter().any(|&c| contains(s, c)) {
        return false;
    }
    removal_layer(d, s, &meta.committee)
        .verdicts
        .get(&p)
        .is_some_and(|v| v.accepted)
}

/// The removal of `accepted` (one committee's, in the set `s`) under which
/// `x` is RemovalVoid, if any.
pub fn rv_under<D: Dag + ?Sized>(
    d: &D,
    s: &Subset,
    accepted: &[(u32, Subset)],
    x: u32,
) -> Option<u32> {
    let author = d.author(x);
    for (p, k) in accepted {
        let id = d.id(*p);
        let Some(meta) = d.meta(&id) else { continue };
        let Some(member) = meta.kind.subject() else {
            continue;
        };
        if author != member || x == *p || contains(k, x) {
            continue;
        }
        if matches!(&*d.body(x), Body::Close { proposal, .. } if *proposal == id) {
            continue;
        }
        if !in_scope(d, x, &meta.committee, &member)
            || passed_in(d, &d.past(x), *p)
            || spared(d, s, accepted, *p, meta, x)
        {
            continue;
        }
        return Some(*p);
    }
    None
}

/// The scope of C: ops naming C, its proposals or demands (adoptions and
/// merges elsewhere included), and council ops `member` casts through a
/// seat held for C.
pub fn in_scope<D: Dag + ?Sized>(d: &D, x: u32, committee: &Hash, member: &PublicKey) -> bool {
    if names_committee(d, x, committee) {
        return true;
    }
    match d.body(x).committee() {
        Some(council) if d.is_council(&council) => {
            d.seated_for(&d.past(x), &council, committee, member)
        }
        _ => false,
    }
}

/// True if `x` may be in the scope of C for some member: it names C, its
/// proposals or demands, or it acts in a council (where a seat held for C
/// would bring it in). Cheaper than [`in_scope`]: no projection.
pub fn may_be_in_scope<D: Dag + ?Sized>(d: &D, x: u32, committee: &Hash) -> bool {
    names_committee(d, x, committee) || d.body(x).committee().is_some_and(|c| d.is_council(&c))
}

/// True if `x` names C, or a proposal, demand, report or post of C, in its
/// past. A name of an op outside x's past counts for nothing: only an
/// invalid op carries one, and counting it would make scope, and so
/// validity, depend on ops outside x's past (docs/DESIGN.md §3).
fn names_committee<D: Dag + ?Sized>(d: &D, x: u32, committee: &Hash) -> bool {
    d.body(x).named().iter().any(|h| {
        d.ordinal(h).is_some_and(|o| {
            d.in_past(o, x) && (h == committee || d.body(o).owning_committee() == Some(*committee))
        })
    })
}

/// The first op of `member`'s chain in the scope of `committee` that has
/// `x` in its past: where sparing is judged.
fn first_in_scope_after<D: Dag + ?Sized>(
    d: &D,
    chain: &Chain<'_>,
    x: u32,
    committee: &Hash,
    member: &PublicKey,
) -> Option<u32> {
    if let (Chain::Prefix(ops), Some((named, council))) = (chain, d.scope_index(member, committee))
    {
        // An unforked chain's ops in a set are a prefix of its log, in
        // acceptance order, as both indexes are.
        let last = ops.last().copied();
        let from = |list: &[u32]| list.partition_point(|&o| !d.in_past(x, o));
        let first_named = named[from(named)..]
            .first()
            .copied()
            .filter(|&o| last.is_some_and(|l| o <= l));
        let first_seated = council[from(council)..]
            .iter()
            .copied()
            .take_while(|&o| last.is_some_and(|l| o <= l))
            .take_while(|&o| first_named.is_none_or(|n| o < n))
            .find(|&o| in_scope(d, o, committee, member));
        return first_seated.or(first_named);
    }
    let ops = chain.ops();
    let from = ops.partition_point(|&o| !d.in_past(x, o));
    ops[from..]
        .iter()
        .copied()
        .find(|&o| in_scope(d, o, committee, member))
}

/// Sparing: some other member of E(P) in good standing acted on `x` before
/// seeing P pass.
fn spared<D: Dag + ?Sized>(
    d: &D,
    s: &Subset,
    accepted: &[(u32, Subset)],
    p: u32,
    meta: &ProposalMeta,
    x: u32,
) -> bool {
    let subject = meta.kind.subject();
    meta.electorate.voters.keys().any(|member| {
        if Some(*member) == subject {
            return false;
        }
        let chain = chain(d, s, member);
        let Some(w) = first_in_scope_after(d, &chain, x, &meta.committee, member) else {
            return false;
        };
        !passed_in(d, &d.past(w), p) && rv_under(d, s, accepted, w).is_none()
    })
}

/// Why `x` is void under one committee's accepted removals (`accepted`,
/// so far in the layer's order): ForkVoid, RemovalVoid under them, or a
/// membership of C resting on a vouch void under them (Dependants).
pub fn void_under<D: Dag + ?Sized>(
    d: &D,
    s: &Subset,
    committee: &Hash,
    accepted: &[(u32, Subset)],
    x: u32,
) -> Option<VoidReason> {
    fork_void(d, s, x).or_else(|| removal_void_under(d, s, committee, accepted, x))
}

/// Why `x` is void under one committee's accepted removals, forks apart:
/// RemovalVoid under them, or a membership of C resting on a vouch void
/// under them or by a fork (Dependants).
fn removal_void_under<D: Dag + ?Sized>(
    d: &D,
    s: &Subset,
    committee: &Hash,
    accepted: &[(u32, Subset)],
    x: u32,
) -> Option<VoidReason> {
    if let Some(p) = rv_under(d, s, accepted, x) {
        return Some(VoidReason::Removal { proposal: d.id(p) });
    }
    dependant_void(d, s, committee, accepted, x).map(|j| VoidReason::VoidVouch { join: d.id(j) })
}

fn is_join_of(body: &Body, committee: &Hash) -> bool {
    matches!(body, Body::Join { committee: c } if c == committee)
}

/// Where a void vouch's voidness comes from, followed through void
/// vouches of dependants: a removal accepted in the layer, or a fork.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Root {
    Removal(u32),
    Fork(PublicKey, u64),
}

/// Dependants (DESIGN §4): the join of `committee` by `x`'s author whose
/// span holds `x`, if that join no longer has enough vouches once ops void
/// under `accepted` are taken out, and `x` (in C's scope, from the join
/// on) is not spared.
pub fn dependant_void<D: Dag + ?Sized>(
    d: &D,
    s: &Subset,
    committee: &Hash,
    accepted: &[(u32, Subset)],
    x: u32,
) -> Option<u32> {
    let author = d.author(x);
    let seq = d.seq(x);
    if !d.op_may_be_void(x) {
        return None;
    }
    if !is_join_of(&d.body(x), committee) && !in_scope(d, x, committee, &author) {
        return None;
    }
    // The author's latest valid join of C at or below x's seq, in the set.
    let j = d
        .joins_by(&author)
        .iter()
        .copied()
        .filter(|&o| contains(s, o) && d.seq(o) <= seq)
        .filter(|&o| is_join_of(&d.body(o), committee))
        .max_by_key(|&o| (d.seq(o), o))?;
    let roots = void_vouch_roots(d, s, committee, accepted, j)?;
    let spared = roots
        .iter()
        .any(|root| dependant_spared(d, s, committee, accepted, root, x));
    (!spared).then_some(j)
}

/// If join `j` has fewer vouches than it needed once the vouches void
/// under `accepted` are taken out: where each of those void vouches comes
/// from. The need and the vouchers are read in `state(past(J))`; only the
/// void vouches go (see docs/DESIGN.md).
fn void_vouch_roots<D: Dag + ?Sized>(
    d: &D,
    s: &Subset,
    committee: &Hash,
    accepted: &[(u32, Subset)],
    j: u32,
) -> Option<Vec<Root>> {
    let author = d.author(j);
    let relevant: Vec<u32> = d
        .vouches_for(&author)
        .iter()
        .copied()
        .filter(|&v| d.in_past(v, j))
        .filter(|&v| matches!(&*d.body(v), Body::Vouch { committee: c, .. } if c == committee))
        .collect();
    // Only a vouch by an author who may be void can be void, and without
    // a void vouch nothing is lacking: decide that before projecting
    // state(past(J)), which is the costly part.
    let void_vouches: Vec<(u32, VoidReason)> = relevant
        .iter()
        .copied()
        .filter(|&v| d.op_may_be_void(v))
        .filter_map(|v| void_under(d, s, committee, accepted, v).map(|r| (v, r)))
        .collect();
    if void_vouches.is_empty() {
        return None;
    }
    let c = d.committee_in(&d.past(j), committee)?;
    let vouchers = c.candidates.get(&author)?;
    // A join consumes the vouches before it: count those after the
    // author's previous join in past(J).
    let since = d
        .log_of(&author)
        .iter()
        .copied()
        .filter(|&o| d.in_past(o, j) && d.valid(o) && is_join_of(&d.body(o), committee))
        .map(|o| d.key(o))
        .max();
    let counted: Vec<u32> = relevant
        .into_iter()
        .filter(|&v| since.is_none_or(|k| d.key(v) > k))
        .filter(|&v| vouchers.contains(&d.author(v)))
        .collect();
    let mut sound: BTreeSet<PublicKey> = BTreeSet::new();
    let mut void_reasons: Vec<VoidReason> = Vec::new();
    for &v in &counted {
        match void_vouches.iter().find(|(w, _)| *w == v) {
            None => {
                sound.insert(d.author(v));
            }
            Some((_, reason)) => void_reasons.push(reason.clone()),
        }
    }
    if sound.len() as u64 >= u64::from(c.vouches_needed()) {
        return None;
    }
    let mut roots = Vec::new();
    for reason in void_reasons {
        match reason {
            VoidReason::Removal { proposal } => {
                roots.extend(d.ordinal(&proposal).map(Root::Removal))
            }
            VoidReason::Fork { author, seq } => roots.push(Root::Fork(author, seq)),
            VoidReason::VoidVouch { join } => {
                let earlier = d
                    .ordinal(&join)
                    .and_then(|o| void_vouch_roots(d, s, committee, accepted, o));
                roots.extend(earlier.into_iter().flatten());
            }
        }
    }
    roots.dedup();
    Some(roots)
}

/// Sparing of a dependant's op `x` with respect to one root of its void
/// vouch: for a removal P, the rule for P's subject (X in K(P), P passed
/// in past(X), or a member of E(P) in good standing acted on X in C's
/// scope before seeing P pass); for a fork, a member from before the fork
/// acted on X in C's scope with an op that is not void.
fn dependant_spared<D: Dag + ?Sized>(
    d: &D,
    s: &Subset,
    committee: &Hash,
    accepted: &[(u32, Subset)],
    root: &Root,
    x: u32,
) -> bool {
    let author = d.author(x);
    match root {
        Root::Removal(p) => {
            let Some(meta) = d.meta(&d.id(*p)) else {
                return false;
            };
            let in_cut = accepted.iter().any(|(q, k)| q == p && contains(k, x));
            in_cut || passed_in(d, &d.past(x), *p) || spared(d, s, accepted, *p, meta, x)
        }
        Root::Fork(forked, f) => {
            let before = match f.checked_sub(1) {
                None => None,
                Some(seq) => match ops_at(d, s, d.log_of(forked), seq).first() {
                    Some(&y0) => Some(d.past(y0)),
                    None => return false,
                },
            };
            let members: Vec<PublicKey> = match &before {
                None => d.founder().into_iter().collect(),
                Some(past) => d
                    .authors()
                    .into_iter()
                    .filter(|w| d.is_member_in(past, w))
                    .collect(),
            };
            // As for a witness: W's past holds one op of the fork only.
            let groups = fork_groups(d, s, forked);
            members.iter().any(|member| {
                if *member == author || member == forked {
                    return false;
                }
                let chain = chain(d, s, member);
                first_in_scope_after(d, &chain, x, committee, member).is_some_and(|w| {
                    one_branch(d, &groups, w) && rv_under(d, s, accepted, w).is_none()
                })
            })
        }
    }
}

/// Why `x` is void in `s` (memoised): ForkVoid first, then RemovalVoid
/// under each committee's accepted removals of its author.
pub fn void<D: Dag + ?Sized>(d: &D, s: &Subset, x: u32) -> Option<VoidReason> {
    // Only forked authors, removal subjects and their dependants have
    // void ops, and only those of their ops the ops set marked.
    if !d.op_may_be_void(x) {
        return None;
    }
    if let Some(known) = d.cache().sets.borrow().get(s).and_then(|m| m.void.get(&x)) {
        return known.clone();
    }
    let reason = compute_void(d, s, x);
    d.cache()
        .sets
        .borrow_mut()
        .entry(s.clone())
        .or_default()
        .void
        .insert(x, reason.clone());
    reason
}

fn compute_void<D: Dag + ?Sized>(d: &D, s: &Subset, x: u32) -> Option<VoidReason> {
    if let Some(reason) = fork_void(d, s, x) {
        return Some(reason);
    }
    let author = d.author(x);
    let committees: BTreeSet<Hash> = d
        .removals_against(&author)
        .iter()
        .filter(|&&p| contains(s, p))
        .filter_map(|&p| d.meta(&d.id(p)).map(|m| m.committee))
        .collect();
    let removed = committees.iter().find_map(|c| {
        let layer = removal_layer(d, s, c);
        rv_under(d, s, &layer.accepted, x).map(|p| VoidReason::Removal { proposal: d.id(p) })
    });
    if removed.is_some() {
        return removed;
    }
    // Dependants: the committees the author joined in the set.
    let joined: BTreeSet<Hash> = d
        .log_of(&author)
        .iter()
        .copied()
        .filter(|&o| contains(s, o) && d.valid(o))
        .filter_map(|o| match &*d.body(o) {
            Body::Join { committee } => Some(*committee),
            _ => None,
        })
        .collect();
    joined.iter().find_map(|c| {
        let layer = removal_layer(d, s, c);
        dependant_void(d, s, c, &layer.accepted, x).map(|j| VoidReason::VoidVouch { join: d.id(j) })
    })
}

/// Void(s): every void op of the set, with why.
pub fn void_set<D: Dag + ?Sized>(d: &D, s: &Subset) -> BTreeMap<u32, VoidReason> {
    let authors: BTreeSet<PublicKey> = d.void_candidates().into_iter().collect();
    let mut result = BTreeMap::new();
    for author in authors {
        for &o in d.log_of(&author) {
            if contains(s, o)
                && let Some(reason) = void(d, s, o)
            {
                result.insert(o, reason);
            }
        }
    }
    result
}

/// Every removal verdict of the set.
pub fn verdicts<D: Dag + ?Sized>(d: &D, s: &Subset) -> HashMap<u32, Verdict> {
    let committees: BTreeSet<Hash> = d
        .subjects()
        .iter()
        .flat_map(|m| d.removals_against(m).iter().copied())
        .filter(|&p| contains(s, p))
        .filter_map(|p| d.meta(&d.id(p)).map(|m| m.committee))
        .collect();
    committees
        .iter()
        .flat_map(|c| {
            removal_layer(d, s, c)
                .verdicts
                .iter()
                .map(|(p, v)| (*p, v.clone()))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// True if `to` is reachable from `from` by following `up` links.
fn reaches(up: &BTreeMap<Hash, BTreeSet<Hash>>, from: Hash, to: Hash) -> bool {
    let mut seen: BTreeSet<Hash> = BTreeSet::new();
    let mut stack = vec![from];
    while let Some(c) = stack.pop() {
        if c == to {
            return true;
        }
        if seen.insert(c) {
            stack.extend(up.get(&c).into_iter().flatten().copied());
        }
    }
    false
}

/// Answers [`FoldContext`] for one set with its voids.
pub struct SetView<'a, D: Dag + ?Sized, V: SetVoids> {
    /// The ops.
    pub dag: &'a D,
    /// The set.
    pub set: &'a Subset,
    /// Its voids.
    pub voids: V,
}

impl<D: Dag + ?Sized, V: SetVoids> SetView<'_, D, V> {
    /// P's counting closes in the set, if P is Applied there.
    fn closes(&self, p: &Hash) -> Option<(u32, Vec<u32>)> {
        let d = self.dag;
        let ord = d.ordinal(p)?;
        if !contains(self.set, ord) || self.voids.void(ord).is_some() || !d.valid(ord) {
            return None;
        }
        // Its committee must exist in the set: a council must not seat the
        // delegates of a committee whose creation is void.
        let committee = d.meta(p)?.committee;
        if d.ordinal(&committee)
            .is_some_and(|c| self.voids.void(c).is_some())
        {
            return None;
        }
        let closes = counting_closes(d, self.set, p, |c| {
            matches!(self.voids.void(c), Some(VoidReason::Fork { .. }))
        });
        // Closed once one counting close is not void; void closes still
        // widen the cut. For a removal the layer judged it, in its order.
        let closed = match d.meta(p)?.kind {
            ProposalKind::RemoveMember { .. } => self.voids.verdict(ord).is_some_and(|v| v.closed),
            _ => closes.iter().any(|&c| self.voids.void(c).is_none()),
        };
        closed.then_some((ord, closes))
    }

    /// The count of P on every vote of the set (its live tally).
    pub fn live(&self, p: &Hash) -> Option<ProposalResult> {
        let meta = self.dag.meta(p)?;
        Some(count_in(self.dag, meta, p, self.set, &|v| {
            self.voids.void(v).is_some()
        }))
    }
}

impl<D: Dag + ?Sized, V: SetVoids> FoldContext for SetView<'_, D, V> {
    fn affiliation_closes_cycle(&self, proposal: &Hash) -> bool {
        let d = self.dag;
        // Accepted affiliations in the order of their first close: each
        // links a committee up to a council, unless that would close a
        // cycle with the links before it.
        let mut passed: Vec<((u64, Hash), Hash, Hash, Hash)> = d
            .affiliation_accepts()
            .into_iter()
            .filter(|&q| contains(self.set, q))
            .filter_map(|q| {
                let id = d.id(q);
                let meta = d.meta(&id)?;
                let ProposalKind::AcceptAffiliation { committee } = meta.kind else {
                    return None;
                };
                let closing = self.closing(&id)?;
                closing
                    .result
                    .passed()
                    .then_some((closing.first, id, committee, meta.committee))
            })
            .collect();
        passed.sort();
        let mut up: BTreeMap<Hash, BTreeSet<Hash>> = BTreeMap::new();
        for (_, id, below, council) in passed {
            let cycle = reaches(&up, council, below) || council == below;
            if id == *proposal {
                return cycle;
            }
            if !cycle {
                up.entry(below).or_default().insert(council);
            }
        }
        false
    }

    fn demand_exists(&self, demand: &Hash) -> bool {
        let d = self.dag;
        let Some(o) = d.ordinal(demand) else {
            return false;
        };
        let Body::Demand { committee, .. } = &*d.body(o) else {
            return false;
        };
        let live = |x: u32| contains(self.set, x) && d.valid(x) && self.voids.void(x).is_none();
        live(o) && d.ordinal(committee).is_some_and(live)
    }

    fn electorate(&self, proposal: &Hash) -> Option<Electorate> {
        self.dag.meta(proposal).map(|m| m.electorate.clone())
    }

    fn proposal(&self, proposal: &Hash) -> Option<(Hash, ProposalKind)> {
        self.dag
            .meta(proposal)
            .map(|m| (m.committee, m.kind.clone()))
    }

    fn first_close(&self, proposal: &Hash) -> Option<(u64, Hash)> {
        let (_, closes) = self.closes(proposal)?;
        first_of(self.dag, &closes).map(|c| self.dag.key(c))
    }

    fn closing(&self, proposal: &Hash) -> Option<Closing> {
        let d = self.dag;
        let (ord, closes) = self.closes(proposal)?;
        let meta = d.meta(proposal)?;
        let first = first_of(d, &closes)?;
        let (result, first_only_passed) = if matches!(meta.kind, ProposalKind::RemoveMember { .. })
        {
            let verdict = self.voids.verdict(ord)?;
            (verdict.result, verdict.first_only_passed)
        } else {
            let voided = |v: u32| self.voids.void(v).is_some();
            let result = count_in(d, meta, proposal, &cut(d, &closes), &voided);
            let first_only = count_in(d, meta, proposal, &d.past(first), &voided);
            (result, first_only.passed())
        };
        Some(Closing {
            first: d.key(first),
            changed_after_close: first_only_passed != result.passed(),
            result,
        })
    }
}
