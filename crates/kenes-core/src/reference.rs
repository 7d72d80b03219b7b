//! The definitions of DESIGN §3–§4, evaluated naively from scratch.
//!
//! This is the executable specification the [`crate::Engine`] is tested
//! against: it computes `past(X)` by explicit traversal and
//! `state(past(X))` by a full fold for every op, in O(N²), with no
//! checkpoint, projection, unseen set or incremental void. It shares with
//! the engine only the definitions themselves: [`authorise`],
//! [`State::apply`] and the void layers of [`crate::layers`], here fed with
//! explicit pasts. Use it on small op sets (tests, checks).

use crate::auth::authorise;
use crate::body::{Body, ProposalKind};
use crate::governance::Electorate;
use crate::layers::{self, Dag, LayerCache, LazyVoids, ProposalMeta, SetView, Subset};
use crate::op::{Op, VERSION};
use crate::outcome::Outcome;
use crate::state::{Committee, PastView, State, digest};
use crate::types::{Hash, PublicKey};
use crate::validate;
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;

/// The accepted ops of a federation with their outcomes, and `state(T)`.
pub struct Evaluation {
    /// `state(T)`.
    pub state: State,
    /// The outcome of every accepted op.
    pub outcomes: BTreeMap<Hash, Outcome>,
}

impl Evaluation {
    /// The canonical digest, comparable with [`crate::Engine::digest`].
    pub fn digest(&self) -> Hash {
        digest(&self.state, self.outcomes.iter())
    }
}

/// Evaluates the federation `federation` over every op in `raw` (any order,
/// duplicates and garbage allowed) from the definitions alone.
pub fn evaluate<B: AsRef<[u8]>>(federation: Hash, raw: &[B]) -> Evaluation {
    let mut ops: HashMap<Hash, Op> = HashMap::new();
    for bytes in raw {
        if let Ok(op) = validate::check_stateless(bytes.as_ref()) {
            ops.insert(op.id, op);
        }
    }
    // Acceptance in rounds: an op is decided once all its parents are.
    let mut dag = Naive::default();
    let mut dropped: BTreeSet<Hash> = BTreeSet::new();
    loop {
        let mut ready: Vec<&Op> = ops
            .values()
            .filter(|op| !dag.by_id.contains_key(&op.id) && !dropped.contains(&op.id))
            .filter(|op| op.parents().all(|p| dag.by_id.contains_key(p)))
            .collect();
        if ready.is_empty() {
            break;
        }
        ready.sort_by_key(|op| op.order_key());
        for op in ready {
            match decide(federation, op, &dag) {
                Some((past, validity, meta)) => dag.push(op.clone(), past, validity, meta),
                None => {
                    dropped.insert(op.id);
                }
            }
        }
    }
    let all = Subset::from_ordinal(dag.ops.len() as u32);
    let mut state = (*dag.fold(&all)).clone();
    state.forks = dag.forks.clone();
    let outcomes = (0..dag.ops.len() as u32)
        .map(|o| {
            let outcome = match layers::void(&dag, &all, o) {
                Some(reason) => Outcome::void(reason),
                None => dag.validity[o as usize].clone(),
            };
            (dag.ops[o as usize].id, outcome)
        })
        .collect();
    Evaluation { state, outcomes }
}

/// The acceptance rules and validity of one op whose parents are accepted:
/// its past, validity and (for a valid proposal) meta. `None` means the op
/// is dropped.
fn decide(
    federation: Hash,
    op: &Op,
    dag: &Naive,
) -> Option<(BTreeSet<u32>, Outcome, Option<ProposalMeta>)> {
    let f = &op.fields;
    let past = past_of(op, dag);
    if op.is_genesis() {
        return (op.id == federation).then_some((past, Outcome::Applied, None));
    }
    if f.federation != federation {
        return None;
    }
    if let Some(prev) = &f.prev {
        let p = &dag.ops[dag.by_id[prev] as usize].fields;
        if p.author != f.author || p.seq + 1 != f.seq {
            return None;
        }
    }
    let expected = op
        .parents()
        .map(|p| dag.ops[dag.by_id[p] as usize].fields.lamport + 1)
        .max()
        .unwrap_or(0);
    if f.lamport != expected {
        return None;
    }
    if !standing(dag, &f.author, &past) {
        return None;
    }
    if f.version != VERSION || matches!(f.body, Body::Unknown { .. }) {
        return Some((past, Outcome::Unknown, None));
    }
    let set = dag.subset_of(&past, dag.ops.len() as u32);
    let past_state = dag.fold(&set);
    Some(match authorise(&*past_state, op) {
        Ok(()) => {
            let meta = match &f.body {
                Body::Propose {
                    committee,
                    kind,
                    closes_at,
                    ..
                } => Some(ProposalMeta {
                    electorate: Electorate::of(
                        &*past_state,
                        &past_state.committees[committee],
                        kind,
                    ),
                    closes_at: *closes_at,
                    committee: *committee,
                    kind: kind.clone(),
                }),
                _ => None,
            };
            (past, Outcome::Applied, meta)
        }
        Err(reason) => (past, Outcome::Rejected(reason), None),
    })
}

/// Standing (DESIGN §3, rule 4) in `past`: the founder, or the subject of
/// a valid vouch there who, after a removal that passed there, is still a
/// member of some committee or was vouched for again after it.
fn standing(dag: &Naive, author: &PublicKey, past: &BTreeSet<u32>) -> bool {
    if dag.founder == Some(*author) {
        return true;
    }
    let vouches: Vec<u32> = past
        .iter()
        .copied()
        .filter(|&o| {
            dag.validity[o as usize].is_applied()
                && matches!(&dag.ops[o as usize].fields.body, Body::Vouch { candidate, .. } if candidate == author)
        })
        .collect();
    if vouches.is_empty() {
        return false;
    }
    let set = dag.subset_of(past, dag.ops.len() as u32);
    let removed: Vec<u32> = dag
        .removals_against
        .get(author)
        .into_iter()
        .flatten()
        .copied()
        .filter(|p| past.contains(p) && layers::passed_in(dag, &set, *p))
        .collect();
    if removed.is_empty() || dag.fold(&set).is_federation_member(author) {
        return true;
    }
    vouches.iter().any(|&v| {
        let seen = dag.past(v);
        removed.iter().all(|&p| layers::passed_in(dag, &seen, p))
    })
}

/// past(X) by explicit traversal, as ordinals.
fn past_of(op: &Op, dag: &Naive) -> BTreeSet<u32> {
    let mut past = BTreeSet::new();
    let mut stack: Vec<u32> = op.parents().map(|p| dag.by_id[p]).collect();
    while let Some(o) = stack.pop() {
        if past.insert(o) {
            stack.extend(dag.ops[o as usize].parents().map(|p| dag.by_id[p]));
        }
    }
    past
}

/// The accepted ops with explicit pasts and plain indexes; every state is
/// a full fold.
#[derive(Default)]
struct Naive {
    ops: Vec<Op>,
    validity: Vec<Outcome>,
    pasts: Vec<BTreeSet<u32>>,
    by_id: HashMap<Hash, u32>,
    log_of: BTreeMap<PublicKey, Vec<u32>>,
    forks: BTreeMap<PublicKey, BTreeSet<u64>>,
    closes_of: HashMap<Hash, Vec<u32>>,
    votes_of: HashMap<Hash, Vec<u32>>,
    meta: HashMap<Hash, ProposalMeta>,
    removals_in: HashMap<Hash, Vec<u32>>,
    removals_against: BTreeMap<PublicKey, Vec<u32>>,
    vouches_for: HashMap<PublicKey, Vec<u32>>,
    joins_by: HashMap<PublicKey, Vec<u32>>,
    founder: Option<PublicKey>,
    cache: LayerCache,
    states: RefCell<HashMap<Subset, Rc<State>>>,
}

impl Naive {
    fn push(&mut self, op: Op, past: BTreeSet<u32>, validity: Outcome, meta: Option<ProposalMeta>) {
        let o = self.ops.len() as u32;
        let f = &op.fields;
        let log = self.log_of.entry(f.author).or_default();
        if log
            .iter()
            .any(|&x| self.ops[x as usize].fields.seq == f.seq)
        {
            self.forks.entry(f.author).or_default().insert(f.seq);
        }
        // By (seq, ordinal): the new op has the highest ordinal.
        let at = log.partition_point(|&x| self.ops[x as usize].fields.seq <= f.seq);
        log.insert(at, o);
        if validity.is_applied() {
            match &f.body {
                Body::CreateFederation { .. } => self.founder = Some(f.author),
                Body::Vote { proposal, .. } => self.votes_of.entry(*proposal).or_default().push(o),
                Body::Vouch { candidate, .. } => {
                    self.vouches_for.entry(*candidate).or_default().push(o)
                }
                Body::Join { .. } => self.joins_by.entry(f.author).or_default().push(o),
                Body::Close { proposal, .. } => {
                    self.closes_of.entry(*proposal).or_default().push(o)
                }
                Body::Propose {
                    committee,
                    kind: ProposalKind::RemoveMember { member },
                    ..
                } => {
                    self.removals_in.entry(*committee).or_default().push(o);
                    self.removals_against.entry(*member).or_default().push(o);
                }
                _ => {}
            }
        }
        if let Some(meta) = meta {
            self.meta.insert(op.id, meta);
        }
        self.by_id.insert(op.id, o);
        self.ops.push(op);
        self.validity.push(validity);
        self.pasts.push(past);
    }

    /// The set `past`, as a subset of the ops below `end` (plus the tail).
    fn subset_of(&self, past: &BTreeSet<u32>, end: u32) -> Subset {
        Subset::from_sorted((0..end).filter(|o| !past.contains(o))).with_tail(end, u32::MAX)
    }

    /// state(S): the ops of S that take part, folded in `(lamport, id)`
    /// order with S's voids.
    fn fold(&self, set: &Subset) -> Rc<State> {
        if let Some(state) = self.states.borrow().get(set) {
            return state.clone();
        }
        let view = SetView {
            dag: self,
            set,
            voids: LazyVoids { dag: self, set },
        };
        let mut in_order: Vec<u32> = (0..self.ops.len() as u32)
            .filter(|&o| layers::contains(set, o) && self.validity[o as usize].is_applied())
            .filter(|&o| layers::folds(&self.ops[o as usize], o, &view.voids))
            .collect();
        in_order.sort_by_key(|&o| self.ops[o as usize].order_key());
        let mut state = State::default();
        for o in in_order {
            state.apply(&self.ops[o as usize], &view);
        }
        let state = Rc::new(state);
        self.states.borrow_mut().insert(set.clone(), state.clone());
        state
    }
}

impl Dag for Naive {
    fn op(&self, o: u32) -> Cow<'_, Op> {
        Cow::Borrowed(&self.ops[o as usize])
    }

    fn body(&self, o: u32) -> Cow<'_, Body> {
        Cow::Borrowed(&self.ops[o as usize].fields.body)
    }

    fn id(&self, o: u32) -> Hash {
        self.ops[o as usize].id
    }

    fn author(&self, o: u32) -> PublicKey {
        self.ops[o as usize].fields.author
    }

    fn seq(&self, o: u32) -> u64 {
        self.ops[o as usize].fields.seq
    }

    fn key(&self, o: u32) -> (u64, Hash) {
        self.ops[o as usize].order_key()
    }

    fn valid(&self, o: u32) -> bool {
        self.validity[o as usize].is_applied()
    }

    fn in_past(&self, y: u32, x: u32) -> bool {
        self.pasts[x as usize].contains(&y)
    }

    fn past(&self, x: u32) -> Subset {
        self.subset_of(&self.pasts[x as usize], x)
    }

    fn ordinal(&self, id: &Hash) -> Option<u32> {
        self.by_id.get(id).copied()
    }

    fn log_of(&self, author: &PublicKey) -> &[u32] {
        self.log_of
            .get(author)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    fn authors(&self) -> Vec<PublicKey> {
        self.log_of.keys().copied().collect()
    }

    fn fork_seqs(&self, author: &PublicKey) -> Option<&BTreeSet<u64>> {
        self.forks.get(author)
    }

    fn forked_authors(&self) -> Vec<PublicKey> {
        self.forks.keys().copied().collect()
    }

    fn closes_of(&self, p: &Hash) -> &[u32] {
        self.closes_of.get(p).map(Vec::as_slice).unwrap_or_default()
    }

    fn votes_of(&self, p: &Hash) -> &[u32] {
        self.votes_of.get(p).map(Vec::as_slice).unwrap_or_default()
    }

    fn meta(&self, p: &Hash) -> Option<&ProposalMeta> {
        self.meta.get(p)
    }

    fn removals_in(&self, committee: &Hash) -> &[u32] {
        self.removals_in
            .get(committee)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    fn removals_against(&self, member: &PublicKey) -> &[u32] {
        self.removals_against
            .get(member)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    fn subjects(&self) -> Vec<PublicKey> {
        self.removals_against.keys().copied().collect()
    }

    fn founder(&self) -> Option<PublicKey> {
        self.founder
    }

    fn is_council(&self, committee: &Hash) -> bool {
        self.by_id.get(committee).is_some_and(|&o| {
            matches!(&self.ops[o as usize].fields.body,
                Body::CreateCommittee { kind, .. } if kind.is_council())
        })
    }

    fn is_member_in(&self, s: &Subset, key: &PublicKey) -> bool {
        self.fold(s).is_federation_member(key)
    }

    fn seated_for(&self, s: &Subset, council: &Hash, committee: &Hash, key: &PublicKey) -> bool {
        self.fold(s)
            .committees
            .get(council)
            .and_then(|k| k.seats.get(committee))
            .is_some_and(|d| d.contains(key))
    }

    fn committee_in(&self, s: &Subset, c: &Hash) -> Option<Cow<'_, Committee>> {
        self.fold(s)
            .committees
            .get(c)
            .map(|c| Cow::Owned((**c).clone()))
    }

    fn vouches_for(&self, candidate: &PublicKey) -> &[u32] {
        self.vouches_for
            .get(candidate)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    fn may_be_void(&self, _: &PublicKey) -> bool {
        // Naive: judge every op.
        true
    }

    fn void_candidates(&self) -> Vec<PublicKey> {
        self.log_of.keys().copied().collect()
    }

    fn joins_by(&self, author: &PublicKey) -> &[u32] {
        self.joins_by
            .get(author)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    fn affiliation_accepts(&self) -> Vec<u32> {
        self.meta
            .iter()
            .filter(|(_, m)| matches!(m.kind, ProposalKind::AcceptAffiliation { .. }))
            .filter_map(|(id, _)| self.by_id.get(id).copied())
            .collect()
    }

    fn cache(&self) -> &LayerCache {
        &self.cache
    }
}
