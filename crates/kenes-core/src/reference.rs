//! The definitions of DESIGN §3–§4, evaluated naively from scratch.
//!
//! This is the executable specification the [`crate::Engine`] is tested
//! against: it computes `past(X)` by explicit traversal and
//! `state(past(X))` by a full fold for every op, in O(N²). It shares only
//! [`authorise`] and [`State::apply`] with the engine, which are the
//! definitions themselves. Use it on small op sets (tests, checks).

use crate::auth::authorise;
use crate::body::Body;
use crate::governance::{self, CastVote, Closing, Electorate, FoldContext, ProposalResult};
use crate::op::{Op, VERSION};
use crate::outcome::Outcome;
use crate::state::{State, digest};
use crate::types::Hash;
use crate::validate;
use std::collections::{BTreeMap, BTreeSet, HashMap};

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
    let mut accepted: HashMap<Hash, Outcome> = HashMap::new();
    let mut meta: HashMap<Hash, (Electorate, u64)> = HashMap::new();
    let mut dropped: BTreeSet<Hash> = BTreeSet::new();
    loop {
        let mut progress = false;
        let mut ready: Vec<&Op> = ops
            .values()
            .filter(|op| !accepted.contains_key(&op.id) && !dropped.contains(&op.id))
            .filter(|op| op.parents().all(|p| accepted.contains_key(p)))
            .collect();
        ready.sort_by_key(|op| op.order_key());
        for op in ready {
            progress = true;
            match decide(federation, op, &ops, &accepted, &mut meta) {
                Some(outcome) => {
                    accepted.insert(op.id, outcome);
                }
                None => {
                    dropped.insert(op.id);
                }
            }
        }
        if !progress {
            break;
        }
    }
    let all: BTreeSet<Hash> = accepted.keys().copied().collect();
    let mut state = fold(&all, &ops, &accepted, &meta);
    let mut seqs: HashMap<(crate::PublicKey, u64), usize> = HashMap::new();
    for id in &all {
        let f = &ops[id].fields;
        *seqs.entry((f.author, f.seq)).or_default() += 1;
    }
    for ((author, seq), count) in seqs {
        if count > 1 {
            state.forks.entry(author).or_default().insert(seq);
        }
    }
    Evaluation {
        state,
        outcomes: accepted.into_iter().collect(),
    }
}

/// The acceptance rules and validity of one op whose parents are accepted.
/// `None` means the op is dropped.
fn decide(
    federation: Hash,
    op: &Op,
    ops: &HashMap<Hash, Op>,
    accepted: &HashMap<Hash, Outcome>,
    meta: &mut HashMap<Hash, (Electorate, u64)>,
) -> Option<Outcome> {
    let f = &op.fields;
    if op.is_genesis() {
        return (op.id == federation).then_some(Outcome::Applied);
    }
    if f.federation != federation {
        return None;
    }
    if let Some(prev) = &f.prev {
        let p = &ops[prev].fields;
        if p.author != f.author || p.seq + 1 != f.seq {
            return None;
        }
    }
    let expected = op
        .parents()
        .map(|p| ops[p].fields.lamport + 1)
        .max()
        .unwrap_or(0);
    if f.lamport != expected {
        return None;
    }
    let past = past_of(op, ops);
    let past_state = fold(&past, ops, accepted, meta);
    let founder = past_state.federation.as_ref().map(|fed| fed.founder);
    let standing = founder == Some(f.author)
        || past.iter().any(|id| {
            accepted[id].is_applied()
                && matches!(&ops[id].fields.body, Body::Vouch { candidate, .. } if *candidate == f.author)
        });
    if !standing {
        return None;
    }
    if f.version != VERSION || matches!(f.body, Body::Unknown { .. }) {
        return Some(Outcome::Unknown);
    }
    Some(match authorise(&past_state, op) {
        Ok(()) => {
            if let Body::Propose {
                committee,
                kind,
                closes_at,
                ..
            } = &f.body
            {
                let electorate =
                    Electorate::of(&past_state, &past_state.committees[committee], kind);
                meta.insert(op.id, (electorate, *closes_at));
            }
            Outcome::Applied
        }
        Err(reason) => Outcome::Rejected(reason),
    })
}

/// past(X): every op reachable from X through prev and deps, X excluded.
pub fn past_of(op: &Op, ops: &HashMap<Hash, Op>) -> BTreeSet<Hash> {
    let mut past = BTreeSet::new();
    let mut stack: Vec<Hash> = op.parents().copied().collect();
    while let Some(id) = stack.pop() {
        if past.insert(id) {
            stack.extend(ops[&id].parents().copied());
        }
    }
    past
}

/// state(T): the applied ops of `set`, folded in `(lamport, id)` order.
fn fold(
    set: &BTreeSet<Hash>,
    ops: &HashMap<Hash, Op>,
    outcomes: &HashMap<Hash, Outcome>,
    meta: &HashMap<Hash, (Electorate, u64)>,
) -> State {
    let mut in_order: Vec<&Op> = set
        .iter()
        .filter(|id| outcomes.get(*id).is_some_and(Outcome::is_applied))
        .map(|id| &ops[id])
        .collect();
    in_order.sort_by_key(|op| op.order_key());
    let ctx = Naive {
        set,
        ops,
        outcomes,
        meta,
    };
    let mut state = State::default();
    for op in in_order {
        state.apply(op, &ctx);
    }
    state
}

/// The definitions of "Tallies" over one set of ops, by brute force.
struct Naive<'a> {
    set: &'a BTreeSet<Hash>,
    ops: &'a HashMap<Hash, Op>,
    outcomes: &'a HashMap<Hash, Outcome>,
    meta: &'a HashMap<Hash, (Electorate, u64)>,
}

impl Naive<'_> {
    fn applied(&self, id: &Hash) -> bool {
        self.outcomes.get(id).is_some_and(Outcome::is_applied)
    }

    /// The counting closes of `proposal` in the set (valid ones; with no
    /// voids yet, that is every applied close).
    fn closes(&self, proposal: &Hash) -> Vec<&Op> {
        self.set
            .iter()
            .filter(|id| self.applied(id))
            .map(|id| &self.ops[id])
            .filter(
                |op| matches!(&op.fields.body, Body::Close { proposal: p, .. } if p == proposal),
            )
            .collect()
    }

    /// Counts the applied votes on `proposal` in K = ⋃ past(close).
    fn count(&self, proposal: &Hash, closes: &[&Op]) -> ProposalResult {
        let (electorate, closes_at) = &self.meta[proposal];
        let mut cut: BTreeSet<Hash> = BTreeSet::new();
        for close in closes {
            cut.extend(past_of(close, self.ops));
        }
        let cast = cut.iter().filter(|id| self.applied(id)).filter_map(|id| {
            let op = &self.ops[id];
            match &op.fields.body {
                Body::Vote {
                    proposal: p,
                    ballot,
                    ..
                } if p == proposal => Some(CastVote {
                    voter: op.fields.author,
                    position: (op.fields.seq, op.id),
                    time: op.fields.time,
                    ballot,
                }),
                _ => None,
            }
        });
        let (_, kind) = self
            .proposal(proposal)
            .unwrap_or((Hash::ZERO, crate::body::ProposalKind::Decision));
        governance::tally(electorate, &kind, *closes_at, cast)
    }
}

impl FoldContext for Naive<'_> {
    fn electorate(&self, proposal: &Hash) -> Option<Electorate> {
        self.meta.get(proposal).map(|(e, _)| e.clone())
    }

    fn proposal(&self, proposal: &Hash) -> Option<(Hash, crate::body::ProposalKind)> {
        match &self.ops.get(proposal)?.fields.body {
            Body::Propose {
                committee, kind, ..
            } => Some((*committee, kind.clone())),
            _ => None,
        }
    }

    fn first_close(&self, proposal: &Hash) -> Option<(u64, Hash)> {
        self.closes(proposal).iter().map(|c| c.order_key()).min()
    }

    fn closing(&self, proposal: &Hash) -> Option<Closing> {
        let closes = self.closes(proposal);
        let first = *closes.iter().min_by_key(|c| c.order_key())?;
        let result = self.count(proposal, &closes);
        let first_only = self.count(proposal, &[first]);
        Some(Closing {
            first: first.order_key(),
            changed_after_close: first_only.passed() != result.passed(),
            result,
        })
    }
}
