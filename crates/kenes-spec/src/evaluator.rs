//! The fold of DESIGN §4, evaluated naively from its definitions.
//!
//! Everything is computed from explicit sets of ops: `past(X)` is a bitset
//! built from the parents, and `state(T)`, `Void(T)` and every proposal's
//! result are computed for a set T by [`Spec::eval`], memoised per set. The
//! recursion is the design's own: `valid(X)` reads `eval(past(X))`, a
//! removal's own count reads `eval(K(P))`, settled weights read
//! `eval(G(P))`, witnesses read `eval(past(Y₀))`, and "P has not passed in
//! state(past(X))" reads `eval(past(X))`. Each of those sets is strictly
//! smaller than T, so the recursion ends.
//!
//! Within one T the layers run in the design's order: ForkVoid, the removal
//! layer, RemovalVoid (with dependants), proposal results, the fold.

use crate::authority::{authorise, stateless_ok};
use crate::model::{Projection, ReportView};
use crate::model::{SpecCommittee, SpecPost, SpecProposal, SpecState};
use crate::opset::OpSet;
use crate::tally::{Electorate, Failure, RankedBallot, Tally, count_decision, count_election};
use kenes_core::body::{Ballot, Body, CommitteeKind, DisplayName, ProposalKind};
use kenes_core::op::VERSION;
use kenes_core::tally::Choice;
use kenes_core::{Hash, Op, PublicKey, RejectReason};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;

/// Why an op is void, in the spec's vocabulary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SpecVoid {
    /// ForkVoid: the author forked at `seq` and no witness saw the op.
    Fork {
        /// The forked author.
        author: PublicKey,
        /// The fork point.
        seq: u64,
    },
    /// RemovalVoid: concurrent with the author's accepted removal.
    Removal {
        /// The removal proposal.
        proposal: Hash,
    },
    /// A Join resting on void vouches (§4, "Dependants").
    VoidVouch {
        /// The join itself.
        join: Hash,
    },
    /// An op of a member whose join is `VoidVouch`, in that committee's
    /// scope, from the join on.
    Dependant {
        /// The void join.
        join: Hash,
    },
}

/// `outcome_T(X)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SpecOutcome {
    /// Valid and not void.
    Applied,
    /// Not authorised in its own past.
    Rejected(RejectReason),
    /// Unknown body kind or version.
    Unknown,
    /// Void.
    Void(SpecVoid),
}

/// What the removal layer decided about a removal that passed on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RemovalVerdict {
    /// Still passes in the recount: accepted.
    Accepted,
    /// Fails once the ops of members removed before it are taken out.
    RemovedProposer,
}

/// `valid(X)`, fixed once X is accepted.
#[derive(Clone, Debug)]
struct Validity {
    verdict: Valid,
    /// E(P), for a valid proposal.
    electorate: Option<Electorate>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Valid {
    Applied,
    Rejected(RejectReason),
    Unknown,
}

/// What a void op ultimately falls with, for the sparing of dependants.
#[derive(Clone, Copy, Debug)]
enum Root {
    Removal(usize),
    Fork { author: PublicKey, point: u64 },
}

/// How a proposal closed in a set.
#[derive(Clone, Debug)]
pub struct Closing {
    /// Ordinal of the first counting close: where the effect applies.
    pub first_close: usize,
    /// The result.
    pub tally: Tally,
}

/// Everything computed for one causally closed set T.
#[derive(Debug)]
pub struct Eval {
    /// Forked authors and the seqs at which they have two ops.
    pub fork_seqs: BTreeMap<PublicKey, BTreeSet<u64>>,
    /// Void(T), by ordinal.
    pub void: BTreeMap<usize, SpecVoid>,
    /// The removal layer's verdicts, by proposal ordinal.
    pub verdicts: BTreeMap<usize, RemovalVerdict>,
    /// Accepted removals per committee, in layer order.
    pub accepted_removals: BTreeMap<Hash, Vec<usize>>,
    /// Closed proposals (a counting close that is not void), by ordinal.
    pub closings: BTreeMap<usize, Closing>,
    /// state(T).
    pub state: SpecState,
}

impl Eval {
    /// True if proposal `p` is closed and passed in this set.
    pub fn passed(&self, p: usize) -> bool {
        self.closings
            .get(&p)
            .is_some_and(|closing| closing.tally.failure.is_none())
    }
}

/// Per-set facts the void layers share while T is evaluated.
struct SetFacts {
    t: OpSet,
    fork_seqs: BTreeMap<PublicKey, BTreeSet<u64>>,
    fork_void: BTreeMap<usize, SpecVoid>,
    cuts: HashMap<usize, OpSet>,
}

/// The evaluator over one delivered set of ops.
pub struct Spec {
    federation: Hash,
    founder: Option<PublicKey>,
    genesis: Option<usize>,
    ops: Vec<Op>,
    by_id: BTreeMap<Hash, usize>,
    past: Vec<OpSet>,
    accepted: Vec<bool>,
    validity: Vec<Option<Rc<Validity>>>,
    evals: HashMap<OpSet, Rc<Eval>>,
}

/// What the spec says about a delivered set.
#[derive(Clone, Debug)]
pub struct SpecResult {
    /// Ids of the accepted ops (the op set).
    pub accepted: BTreeSet<Hash>,
    /// `outcome_S(X)` for every accepted op.
    pub outcomes: BTreeMap<Hash, SpecOutcome>,
    /// `state(S)`, projected.
    pub projection: Projection,
    /// The removal layer's verdicts on removals that passed on their own.
    pub removal_verdicts: BTreeMap<Hash, RemovalVerdict>,
}

/// Evaluates every op `delivered` to a node of federation `federation`, in
/// any order, with duplicates: acceptance, outcomes and state.
pub fn evaluate(federation: Hash, delivered: &[Op]) -> SpecResult {
    let mut spec = Spec::new(federation, delivered);
    spec.result()
}

impl Spec {
    /// Sorts the delivered ops into `(lamport, id)` order and runs
    /// acceptance (§3) over them.
    pub fn new(federation: Hash, delivered: &[Op]) -> Spec {
        let mut ops: Vec<Op> = delivered.to_vec();
        ops.sort_by_key(|op| (op.fields.lamport, op.id));
        ops.dedup_by_key(|op| op.id);
        let n = ops.len();
        let mut spec = Spec {
            federation,
            founder: None,
            genesis: None,
            past: vec![OpSet::empty(n); n],
            accepted: vec![false; n],
            validity: vec![None; n],
            evals: HashMap::new(),
            by_id: ops.iter().enumerate().map(|(i, op)| (op.id, i)).collect(),
            ops,
        };
        spec.accept_all();
        spec
    }

    fn accept_all(&mut self) {
        let by_id = self.by_id.clone();
        for i in 0..self.ops.len() {
            let op = self.ops[i].clone();
            if !stateless_ok(&op) {
                continue;
            }
            if op.id == self.federation {
                if op.is_genesis() && self.genesis.is_none() {
                    self.genesis = Some(i);
                    self.founder = Some(op.fields.author);
                    self.accepted[i] = true;
                }
                continue;
            }
            if op.fields.federation != self.federation {
                continue;
            }
            // Ops are visited in claimed lamport order: a parent not yet
            // accepted has a lamport at least as high, so the op fails the
            // lamport rule anyway, or is missing and waits forever.
            let Some(parents) = op
                .parents()
                .map(|id| by_id.get(id).copied().filter(|&p| self.accepted[p]))
                .collect::<Option<Vec<usize>>>()
            else {
                continue;
            };
            if let Some(prev) = op.fields.prev {
                let prev_op = &self.ops[by_id[&prev]];
                if prev_op.fields.author != op.fields.author
                    || prev_op.fields.seq + 1 != op.fields.seq
                {
                    continue;
                }
            }
            let expected = parents
                .iter()
                .map(|&p| self.ops[p].fields.lamport)
                .max()
                .map_or(0, |max| max + 1);
            if op.fields.lamport != expected {
                continue;
            }
            let mut past = OpSet::empty(self.ops.len());
            for &p in &parents {
                past.insert(p);
                let parent_past = self.past[p].clone();
                past.union_with(&parent_past);
            }
            if !self.has_standing(i, &past) {
                continue;
            }
            self.past[i] = past;
            self.accepted[i] = true;
        }
    }

    /// Standing (§3, revised 2026-11-30): the founder, or the subject of a
    /// valid vouch in the past, who has not lost it there by an accepted
    /// removal while a member of no committee and with no valid vouch made
    /// after that removal.
    fn has_standing(&mut self, i: usize, past: &OpSet) -> bool {
        let author = self.ops[i].fields.author;
        if Some(author) == self.founder {
            return true;
        }
        let vouches: Vec<usize> = past
            .iter()
            .filter(|&v| {
                matches!(&self.ops[v].fields.body,
                    Body::Vouch { candidate, .. } if *candidate == author)
            })
            .collect();
        let valid_vouches: Vec<usize> = vouches
            .into_iter()
            .filter(|&v| self.validity(v).verdict == Valid::Applied)
            .collect();
        if valid_vouches.is_empty() {
            return false;
        }
        let removals: Vec<usize> = past
            .iter()
            .filter(|&p| self.subject(p) == Some(author))
            .collect();
        if removals.is_empty() {
            return true;
        }
        let eval = self.eval(past);
        if eval.state.is_federation_member(&author, None) {
            return true;
        }
        for p in removals {
            let removed = eval.passed(p)
                && eval
                    .accepted_removals
                    .values()
                    .any(|list| list.contains(&p));
            if !removed {
                continue;
            }
            let vouched_after = valid_vouches
                .iter()
                .any(|&v| self.passed_in(&self.past[v].clone(), p));
            if !vouched_after {
                return false;
            }
        }
        true
    }

    fn result(&mut self) -> SpecResult {
        let mut all = OpSet::empty(self.ops.len());
        for (i, accepted) in self.accepted.iter().enumerate() {
            if *accepted {
                all.insert(i);
            }
        }
        let eval = self.eval(&all);
        let mut outcomes = BTreeMap::new();
        for x in all.iter() {
            let outcome = self.outcome(&eval, x);
            outcomes.insert(self.ops[x].id, outcome);
        }
        SpecResult {
            accepted: all.iter().map(|x| self.ops[x].id).collect(),
            outcomes,
            projection: eval.state.project(),
            removal_verdicts: eval
                .verdicts
                .iter()
                .map(|(p, verdict)| (self.ops[*p].id, *verdict))
                .collect(),
        }
    }

    fn outcome(&mut self, eval: &Eval, x: usize) -> SpecOutcome {
        if let Some(void) = eval.void.get(&x) {
            return SpecOutcome::Void(void.clone());
        }
        match self.validity(x).verdict.clone() {
            Valid::Applied => SpecOutcome::Applied,
            Valid::Rejected(reason) => SpecOutcome::Rejected(reason),
            Valid::Unknown => SpecOutcome::Unknown,
        }
    }

    // ---- small accessors ----

    fn author(&self, x: usize) -> PublicKey {
        self.ops[x].fields.author
    }

    fn seq(&self, x: usize) -> u64 {
        self.ops[x].fields.seq
    }

    fn body(&self, x: usize) -> &Body {
        &self.ops[x].fields.body
    }

    /// The committee and kind of a `Propose` op.
    fn proposal(&self, p: usize) -> Option<(Hash, &ProposalKind, u64)> {
        match self.body(p) {
            Body::Propose {
                committee,
                kind,
                closes_at,
                ..
            } => Some((*committee, kind, *closes_at)),
            _ => None,
        }
    }

    /// The member a removal proposal would remove.
    fn subject(&self, p: usize) -> Option<PublicKey> {
        match self.proposal(p) {
            Some((_, ProposalKind::RemoveMember { member }, _)) => Some(*member),
            _ => None,
        }
    }

    fn is_close_of(&self, x: usize, p: usize) -> bool {
        matches!(self.body(x), Body::Close { proposal, .. } if *proposal == self.ops[p].id)
    }

    fn is_vote_on(&self, x: usize, p: usize) -> bool {
        matches!(self.body(x), Body::Vote { proposal, .. } if *proposal == self.ops[p].id)
    }

    fn ordinal_of(&self, id: &Hash) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    // ---- validity ----

    fn validity(&mut self, x: usize) -> Rc<Validity> {
        if let Some(known) = &self.validity[x] {
            return known.clone();
        }
        let op = self.ops[x].clone();
        let computed =
            if op.fields.version != VERSION || matches!(op.fields.body, Body::Unknown { .. }) {
                Validity {
                    verdict: Valid::Unknown,
                    electorate: None,
                }
            } else if Some(x) == self.genesis {
                Validity {
                    verdict: Valid::Applied,
                    electorate: None,
                }
            } else {
                let past = self.past[x].clone();
                let eval = self.eval(&past);
                match authorise(&op, &eval.state, self.founder) {
                    Ok(()) => Validity {
                        verdict: Valid::Applied,
                        electorate: self.proposal(x).map(|(committee, kind, _)| {
                            Electorate::of(&eval.state, &committee, kind)
                        }),
                    },
                    Err(reason) => Validity {
                        verdict: Valid::Rejected(reason),
                        electorate: None,
                    },
                }
            };
        let computed = Rc::new(computed);
        self.validity[x] = Some(computed.clone());
        computed
    }

    fn is_valid(&mut self, x: usize) -> bool {
        self.validity(x).verdict == Valid::Applied
    }

    /// True if proposal `p` is in `set` and has passed in `state(set)`.
    fn passed_in(&mut self, set: &OpSet, p: usize) -> bool {
        set.contains(p) && self.eval(set).passed(p)
    }

    fn passed_before(&mut self, x: usize, p: usize) -> bool {
        let past = self.past[x].clone();
        self.passed_in(&past, p)
    }

    // ---- the set evaluation ----

    /// Evaluates the causally closed set `t` of accepted ops.
    pub fn eval(&mut self, t: &OpSet) -> Rc<Eval> {
        if let Some(known) = self.evals.get(t) {
            return known.clone();
        }
        let members: Vec<usize> = t.iter().collect();
        for &x in &members {
            self.validity(x);
        }
        let fork_seqs = self.fork_seqs(t);
        let fork_void = self.fork_void(t, &fork_seqs);
        let mut facts = SetFacts {
            t: t.clone(),
            fork_seqs,
            fork_void,
            cuts: HashMap::new(),
        };
        let (verdicts, accepted_removals) = self.removal_layer(&mut facts);
        let removal_void = self.removal_void(&mut facts, &accepted_removals);
        let mut void = facts.fork_void.clone();
        for (x, reason) in removal_void {
            void.entry(x).or_insert(reason);
        }
        let closings = self.closings(&mut facts, &void, &verdicts);
        let state = self.fold(&facts, &void, &closings);
        let eval = Rc::new(Eval {
            fork_seqs: facts.fork_seqs,
            void,
            verdicts,
            accepted_removals,
            closings,
            state,
        });
        self.evals.insert(t.clone(), eval.clone());
        eval
    }

    // ---- forks ----

    fn fork_seqs(&self, t: &OpSet) -> BTreeMap<PublicKey, BTreeSet<u64>> {
        let mut seen: BTreeMap<(PublicKey, u64), usize> = BTreeMap::new();
        for x in t.iter() {
            *seen.entry((self.author(x), self.seq(x))).or_insert(0) += 1;
        }
        let mut forks: BTreeMap<PublicKey, BTreeSet<u64>> = BTreeMap::new();
        for ((author, seq), count) in seen {
            if count > 1 {
                forks.entry(author).or_default().insert(seq);
            }
        }
        forks
    }

    /// True if `author` has a fork in the set at some seq ≤ `seq`.
    fn forked_at_or_below(
        fork_seqs: &BTreeMap<PublicKey, BTreeSet<u64>>,
        author: &PublicKey,
        seq: u64,
    ) -> bool {
        fork_seqs
            .get(author)
            .is_some_and(|seqs| seqs.iter().any(|s| *s <= seq))
    }

    /// True if `set` holds no two ops of `author` with the same seq.
    fn one_op_per_seq(&self, set: &OpSet, author: &PublicKey) -> bool {
        let mut seqs = BTreeSet::new();
        set.iter()
            .filter(|&x| self.author(x) == *author)
            .all(|x| seqs.insert(self.seq(x)))
    }

    /// Who may witness a fork of `author` at `point`: members of some
    /// committee in `state(past(Y₀))`, or only the founder for a fork at 0.
    fn pre_fork_members(
        &mut self,
        t: &OpSet,
        author: &PublicKey,
        point: u64,
    ) -> BTreeSet<PublicKey> {
        if point == 0 {
            return self.founder.into_iter().collect();
        }
        let y0 = t
            .iter()
            .find(|&x| self.author(x) == *author && self.seq(x) == point - 1);
        let Some(y0) = y0 else {
            return BTreeSet::new();
        };
        let past = self.past[y0].clone();
        let eval = self.eval(&past);
        eval.state
            .committees
            .values()
            .flat_map(|c| c.members.iter().copied())
            .collect()
    }

    fn fork_void(
        &mut self,
        t: &OpSet,
        fork_seqs: &BTreeMap<PublicKey, BTreeSet<u64>>,
    ) -> BTreeMap<usize, SpecVoid> {
        let mut void = BTreeMap::new();
        for (author, seqs) in fork_seqs {
            let Some(&point) = seqs.iter().next() else {
                continue;
            };
            let eligible = self.pre_fork_members(t, author, point);
            for y in t.iter() {
                if self.author(y) != *author || self.seq(y) < point || Some(y) == self.genesis {
                    continue;
                }
                let witnessed = t.iter().any(|w| {
                    let w_author = self.author(w);
                    w_author != *author
                        && !Self::forked_at_or_below(fork_seqs, &w_author, self.seq(w))
                        && eligible.contains(&w_author)
                        && self.past[w].contains(y)
                        && self.one_op_per_seq(&self.past[w], author)
                });
                if !witnessed {
                    void.insert(
                        y,
                        SpecVoid::Fork {
                            author: *author,
                            seq: point,
                        },
                    );
                }
            }
        }
        void
    }

    // ---- closes, cuts and counts ----

    /// The closes of `p` in the set that count: valid (which covers "the
    /// proposer, or a member after closes_at") and not ForkVoid.
    fn counting_closes(&mut self, facts: &SetFacts, p: usize) -> Vec<usize> {
        let candidates: Vec<usize> = facts
            .t
            .iter()
            .filter(|&x| self.is_close_of(x, p) && !facts.fork_void.contains_key(&x))
            .collect();
        candidates
            .into_iter()
            .filter(|&x| self.is_valid(x))
            .collect()
    }

    /// K(P): the union of past(C) over counting closes C with no other
    /// counting close in their past.
    fn cut_of(&self, closes: &[usize]) -> OpSet {
        let mut cut = OpSet::empty(self.ops.len());
        for &c in closes {
            let minimal = !closes
                .iter()
                .any(|&other| other != c && self.past[c].contains(other));
            if minimal {
                cut.union_with(&self.past[c]);
            }
        }
        cut
    }

    fn cut(&mut self, facts: &mut SetFacts, p: usize) -> OpSet {
        if let Some(cut) = facts.cuts.get(&p) {
            return cut.clone();
        }
        let closes = self.counting_closes(facts, p);
        let cut = self.cut_of(&closes);
        facts.cuts.insert(p, cut.clone());
        cut
    }

    /// Counts `p` over the ballots in `cut`, leaving out the ops in
    /// `excluded` (void ones).
    fn tally(&mut self, p: usize, cut: &OpSet, excluded: &dyn Fn(usize) -> bool) -> Tally {
        let electorate = self
            .validity(p)
            .electorate
            .clone()
            .unwrap_or_else(|| Electorate {
                voters: BTreeMap::new(),
                total: 0,
                quorum: kenes_core::Ratio::HALF,
                consensus: false,
                strong: false,
            });
        let Some((_, kind, closes_at)) = self.proposal(p) else {
            return count_decision(&electorate, &[]);
        };
        let kind = kind.clone();
        let mut by_voter: BTreeMap<PublicKey, Vec<usize>> = BTreeMap::new();
        let votes: Vec<usize> = cut
            .iter()
            .filter(|&v| self.is_vote_on(v, p) && !excluded(v))
            .collect();
        for v in votes {
            let voter = self.author(v);
            if self.is_valid(v)
                && self.ops[v].fields.time <= closes_at
                && electorate.voters.contains_key(&voter)
            {
                by_voter.entry(voter).or_default().push(v);
            }
        }
        let mut chosen: Vec<usize> = Vec::new();
        for votes in by_voter.values() {
            // Two votes neither of which saw the other (a fork): neither counts.
            let clear: Vec<usize> = votes
                .iter()
                .copied()
                .filter(|&a| {
                    votes
                        .iter()
                        .all(|&b| a == b || self.past[a].contains(b) || self.past[b].contains(a))
                })
                .collect();
            if let Some(latest) = clear.into_iter().max_by_key(|&v| (self.seq(v), v)) {
                chosen.push(latest);
            }
        }
        match &kind {
            ProposalKind::Election {
                seats, candidates, ..
            } => {
                let ballots: Vec<RankedBallot> = chosen
                    .iter()
                    .filter_map(|&v| match self.body(v) {
                        Body::Vote {
                            ballot: Ballot::Ranking(ranking),
                            ..
                        } => Some((self.author(v), self.ops[v].id, ranking.clone())),
                        _ => None,
                    })
                    .collect();
                count_election(&electorate, candidates, *seats, &ballots)
            }
            _ => {
                let ballots: Vec<(PublicKey, Choice)> = chosen
                    .iter()
                    .filter_map(|&v| match self.body(v) {
                        Body::Vote {
                            ballot: Ballot::Choice(choice),
                            ..
                        } => Some((self.author(v), *choice)),
                        _ => None,
                    })
                    .collect();
                count_decision(&electorate, &ballots)
            }
        }
    }

    /// Whether `p` passes on its own: counted in K(P) with Void(K(P)).
    fn own_tally(&mut self, facts: &mut SetFacts, p: usize) -> (OpSet, Rc<Eval>, Tally) {
        let cut = self.cut(facts, p);
        let cut_eval = self.eval(&cut);
        let void = cut_eval.void.clone();
        let tally = self.tally(p, &cut, &|x| void.contains_key(&x));
        (cut, cut_eval, tally)
    }

    // ---- the removal layer ----

    fn removal_layer(
        &mut self,
        facts: &mut SetFacts,
    ) -> (BTreeMap<usize, RemovalVerdict>, BTreeMap<Hash, Vec<usize>>) {
        let mut by_committee: BTreeMap<Hash, Vec<usize>> = BTreeMap::new();
        let members: Vec<usize> = facts.t.iter().collect();
        for p in members {
            if self.subject(p).is_some()
                && self.is_valid(p)
                && !facts.fork_void.contains_key(&p)
                && let Some((committee, _, _)) = self.proposal(p)
            {
                by_committee.entry(committee).or_default().push(p);
            }
        }
        let mut verdicts = BTreeMap::new();
        let mut accepted_by_committee = BTreeMap::new();
        for (committee, removals) in &by_committee {
            struct Candidate {
                p: usize,
                cut: OpSet,
                cut_void: BTreeMap<usize, SpecVoid>,
                closes: Vec<usize>,
                settled: usize,
                first_close: Hash,
            }
            let mut candidates: Vec<Candidate> = Vec::new();
            for &p in removals {
                let closes = self.counting_closes(facts, p);
                if closes.is_empty() {
                    continue;
                }
                let (cut, cut_eval, own) = self.own_tally(facts, p);
                if own.failure.is_some() {
                    continue;
                }
                // G(P): past(P) ∩ past(Q) for every concurrent removal Q of C.
                let mut settled_set = self.past[p].clone();
                for &q in removals {
                    if q != p && !self.past[p].contains(q) && !self.past[q].contains(p) {
                        settled_set.intersect_with(&self.past[q].clone());
                    }
                }
                let settled_eval = self.eval(&settled_set);
                let settled = own
                    .yes_voters
                    .iter()
                    .filter(|voter| {
                        settled_eval
                            .state
                            .committees
                            .get(committee)
                            .is_some_and(|c| c.members.contains(voter))
                    })
                    .count();
                let first = closes.iter().copied().min().unwrap_or(p);
                candidates.push(Candidate {
                    p,
                    cut,
                    cut_void: cut_eval.void.clone(),
                    closes,
                    settled,
                    first_close: self.ops[first].id,
                });
            }
            let mut decided: BTreeSet<usize> = BTreeSet::new();
            let mut accepted: Vec<usize> = Vec::new();
            loop {
                let ready = candidates
                    .iter()
                    .filter(|c| !decided.contains(&c.p))
                    .filter(|c| {
                        candidates.iter().all(|other| {
                            other.p == c.p
                                || !self.past[c.p].contains(other.p)
                                || decided.contains(&other.p)
                        })
                    })
                    .min_by(|a, b| {
                        b.settled
                            .cmp(&a.settled)
                            .then(a.first_close.cmp(&b.first_close))
                    });
                let Some(next) = ready else {
                    break;
                };
                let p = next.p;
                let so_far = BTreeMap::from([(*committee, accepted.clone())]);
                let removed_void = self.removal_void(facts, &so_far);
                let all_closes_void = next.closes.iter().all(|c| removed_void.contains_key(c));
                let verdict = if removed_void.contains_key(&p) || all_closes_void {
                    RemovalVerdict::RemovedProposer
                } else {
                    let cut_void = next.cut_void.clone();
                    let cut = next.cut.clone();
                    let recount = self.tally(p, &cut, &|x| {
                        cut_void.contains_key(&x) || removed_void.contains_key(&x)
                    });
                    if recount.failure.is_none() {
                        RemovalVerdict::Accepted
                    } else {
                        RemovalVerdict::RemovedProposer
                    }
                };
                decided.insert(p);
                verdicts.insert(p, verdict);
                if verdict == RemovalVerdict::Accepted {
                    accepted.push(p);
                }
            }
            accepted_by_committee.insert(*committee, accepted);
        }
        (verdicts, accepted_by_committee)
    }

    // ---- scope, sparing, RemovalVoid ----

    /// The scope of C: ops whose body names C, one of its proposals or one
    /// of its demands (or, by docs/DESIGN.md §9, one of its reports or
    /// posts), plus council ops cast through a seat held for C. A name
    /// counts only when the named op is in x's past (docs/DESIGN.md §3,
    /// "A name counts only in the naming op's past"), so scope, and with it
    /// validity, is intrinsic.
    fn in_scope(&mut self, x: usize, committee: &Hash) -> bool {
        let named = named_hashes(self.body(x));
        for hash in &named {
            let Some(o) = self.ordinal_of(hash) else {
                continue;
            };
            if !self.past[x].contains(o) {
                continue;
            }
            if hash == committee {
                return true;
            }
            let owner = match self.body(o) {
                Body::Propose { committee, .. }
                | Body::Demand { committee, .. }
                | Body::Report { committee, .. }
                | Body::OpenThread { committee, .. }
                | Body::Comment { committee, .. }
                | Body::Suggest { committee, .. }
                | Body::Announce { committee, .. } => Some(*committee),
                _ => None,
            };
            if owner == Some(*committee) {
                return true;
            }
        }
        let Some(council) = self.body(x).committee() else {
            return false;
        };
        let author = self.author(x);
        let past = self.past[x].clone();
        let eval = self.eval(&past);
        eval.state.committees.get(&council).is_some_and(|k| {
            k.is_council
                && eval
                    .state
                    .standing_seats(k)
                    .get(committee)
                    .is_some_and(|delegates| delegates.contains(&author))
        })
    }

    /// X ∈ RemovalVoid under removal `p` (of a committee whose accepted
    /// removals so far are `list`).
    fn directly_void(
        &mut self,
        facts: &mut SetFacts,
        list: &[usize],
        p: usize,
        x: usize,
        memo: &mut HashMap<(usize, usize), bool>,
    ) -> bool {
        if let Some(known) = memo.get(&(p, x)) {
            return *known;
        }
        let Some((committee, _, _)) = self.proposal(p) else {
            return false;
        };
        let subject = self.subject(p);
        let result = Some(self.author(x)) == subject
            && x != p
            && !self.is_close_of(x, p)
            && self.in_scope(x, &committee)
            && !self.cut(facts, p).contains(x)
            && !self.passed_before(x, p)
            && !self.spared(facts, list, p, x, subject, memo);
        memo.insert((p, x), result);
        result
    }

    /// X is spared under `p`: some op W in the scope of C has X in its past
    /// while P had not passed, by another member in E(P) with no fork up to
    /// W, who is not removed (by an accepted removal of C) with W void.
    /// Each member is judged at their first such op (docs §3c, "frontier").
    fn spared(
        &mut self,
        facts: &mut SetFacts,
        list: &[usize],
        p: usize,
        x: usize,
        subject: Option<PublicKey>,
        memo: &mut HashMap<(usize, usize), bool>,
    ) -> bool {
        let Some((committee, _, _)) = self.proposal(p) else {
            return false;
        };
        let voters: Vec<PublicKey> = self
            .validity(p)
            .electorate
            .as_ref()
            .map(|e| e.voters.keys().copied().collect())
            .unwrap_or_default();
        let members: Vec<usize> = facts.t.iter().collect();
        for a in voters {
            if Some(a) == subject || a == self.author(x) {
                continue;
            }
            let mut first = None;
            for &w in &members {
                if self.author(w) == a && self.past[w].contains(x) && self.in_scope(w, &committee) {
                    first = Some(w);
                    break;
                }
            }
            let Some(w) = first else {
                continue;
            };
            if self.passed_before(w, p) {
                continue;
            }
            if Self::forked_at_or_below(&facts.fork_seqs, &a, self.seq(w)) {
                continue;
            }
            let mut w_void = false;
            for &q in list {
                if self.subject(q) == Some(a) && self.directly_void(facts, list, q, w, memo) {
                    w_void = true;
                    break;
                }
            }
            if !w_void {
                return true;
            }
        }
        false
    }

    /// A dependant's op X falling with a fork: spared when a member from
    /// before the fork, with no fork of their own up to W, built on it in
    /// the committee's scope with an op W that is not void and that saw
    /// only one side of the fork (the witness rule, applied to sparing).
    fn spared_from_fork(
        &mut self,
        facts: &SetFacts,
        void: &BTreeMap<usize, SpecVoid>,
        forked: &PublicKey,
        point: u64,
        committee: &Hash,
        x: usize,
    ) -> bool {
        let eligible = self.pre_fork_members(&facts.t, forked, point);
        let members: Vec<usize> = facts.t.iter().collect();
        for w in members {
            let w_author = self.author(w);
            if w_author == self.author(x)
                || w_author == *forked
                || !eligible.contains(&w_author)
                || !self.past[w].contains(x)
                || facts.fork_void.contains_key(&w)
                || void.contains_key(&w)
                || Self::forked_at_or_below(&facts.fork_seqs, &w_author, self.seq(w))
                || !self.one_op_per_seq(&self.past[w], forked)
            {
                continue;
            }
            if self.in_scope(w, committee) {
                return true;
            }
        }
        false
    }

    /// RemovalVoid(T) under the accepted removals `accepted`, with the
    /// dependants of void vouches (removal- or fork-void), transitively.
    fn removal_void(
        &mut self,
        facts: &mut SetFacts,
        accepted: &BTreeMap<Hash, Vec<usize>>,
    ) -> BTreeMap<usize, SpecVoid> {
        let mut memo: HashMap<(usize, usize), bool> = HashMap::new();
        let mut void: BTreeMap<usize, SpecVoid> = BTreeMap::new();
        let mut roots: BTreeMap<usize, Root> = BTreeMap::new();
        let members: Vec<usize> = facts.t.iter().collect();
        for list in accepted.values() {
            for &p in list {
                let subject = self.subject(p);
                for &x in &members {
                    if Some(self.author(x)) != subject
                        || void.contains_key(&x)
                        || facts.fork_void.contains_key(&x)
                    {
                        continue;
                    }
                    if self.directly_void(facts, list, p, x, &mut memo) {
                        void.insert(
                            x,
                            SpecVoid::Removal {
                                proposal: self.ops[p].id,
                            },
                        );
                        roots.insert(x, Root::Removal(p));
                    }
                }
            }
        }
        loop {
            let mut changed = false;
            for &j in &members {
                let Body::Join { committee } = *self.body(j) else {
                    continue;
                };
                if void.contains_key(&j) || facts.fork_void.contains_key(&j) || !self.is_valid(j) {
                    continue;
                }
                let joiner = self.author(j);
                let past = self.past[j].clone();
                let before = self.eval(&past);
                let Some(c) = before.state.committees.get(&committee) else {
                    continue;
                };
                let vouches: Vec<usize> = c
                    .candidates
                    .get(&joiner)
                    .map(|vouchers| vouchers.values().copied().collect())
                    .unwrap_or_default();
                let dead: Vec<usize> = vouches
                    .iter()
                    .copied()
                    .filter(|v| void.contains_key(v) || facts.fork_void.contains_key(v))
                    .collect();
                if vouches.len() - dead.len() >= c.vouches_needed() {
                    continue;
                }
                let Some(&first_dead) = dead.iter().min() else {
                    continue;
                };
                let root = match facts.fork_void.get(&first_dead) {
                    Some(SpecVoid::Fork { author, seq }) => Root::Fork {
                        author: *author,
                        point: *seq,
                    },
                    _ => match roots.get(&first_dead) {
                        Some(root) => *root,
                        None => continue,
                    },
                };
                let join_id = self.ops[j].id;
                void.insert(j, SpecVoid::VoidVouch { join: join_id });
                roots.insert(j, root);
                changed = true;
                for &x in &members {
                    if self.author(x) != joiner
                        || x == j
                        || !self.past[x].contains(j)
                        || void.contains_key(&x)
                        || facts.fork_void.contains_key(&x)
                        || !self.in_scope(x, &committee)
                    {
                        continue;
                    }
                    let falls = match root {
                        Root::Removal(p) => {
                            let list = self
                                .proposal(p)
                                .and_then(|(c, _, _)| accepted.get(&c).cloned())
                                .unwrap_or_default();
                            !self.cut(facts, p).contains(x)
                                && !self.passed_before(x, p)
                                && !self.spared(facts, &list, p, x, Some(joiner), &mut memo)
                        }
                        Root::Fork { author, point } => {
                            !self.spared_from_fork(facts, &void, &author, point, &committee, x)
                        }
                    };
                    if falls {
                        void.insert(x, SpecVoid::Dependant { join: join_id });
                        roots.insert(x, root);
                    }
                }
            }
            if !changed {
                break;
            }
        }
        void
    }

    // ---- proposal results and the fold ----

    fn closings(
        &mut self,
        facts: &mut SetFacts,
        void: &BTreeMap<usize, SpecVoid>,
        verdicts: &BTreeMap<usize, RemovalVerdict>,
    ) -> BTreeMap<usize, Closing> {
        let mut closings = BTreeMap::new();
        let members: Vec<usize> = facts.t.iter().collect();
        for p in members {
            if self.proposal(p).is_none() || void.contains_key(&p) || !self.is_valid(p) {
                continue;
            }
            let closes = self.counting_closes(facts, p);
            // docs/DESIGN.md, flaw F1: a removal the layer accepted stays
            // closed even if removals accepted after it void its closes;
            // the layer's order decides between mutual removals.
            let accepted = matches!(verdicts.get(&p), Some(RemovalVerdict::Accepted));
            if !accepted && closes.iter().all(|c| void.contains_key(c)) {
                continue;
            }
            let Some(&first_close) = closes.iter().min() else {
                continue;
            };
            let tally = if self.subject(p).is_some() {
                let (_, _, own) = self.own_tally(facts, p);
                match verdicts.get(&p) {
                    Some(RemovalVerdict::Accepted) => own,
                    Some(RemovalVerdict::RemovedProposer) => Tally {
                        failure: Some(Failure::RemovedProposer),
                        elected: Vec::new(),
                        yes_voters: BTreeSet::new(),
                    },
                    None => own,
                }
            } else {
                let cut = self.cut(facts, p);
                self.tally(p, &cut, &|x| void.contains_key(&x))
            };
            closings.insert(p, Closing { first_close, tally });
        }
        closings
    }

    fn fold(
        &mut self,
        facts: &SetFacts,
        void: &BTreeMap<usize, SpecVoid>,
        closings: &BTreeMap<usize, Closing>,
    ) -> SpecState {
        let mut state = SpecState {
            forks: facts.fork_seqs.clone(),
            ..SpecState::default()
        };
        let mut at_close: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (p, closing) in closings {
            at_close.entry(closing.first_close).or_default().push(*p);
        }
        for x in facts.t.iter() {
            for &p in at_close.get(&x).into_iter().flatten() {
                if let (Some((committee, _, _)), Some(closing)) =
                    (self.proposal(p), closings.get(&p))
                {
                    state.apply_closing(&committee, &self.ops[p].id, &closing.tally);
                }
            }
            if !void.contains_key(&x) && self.is_valid(x) {
                self.apply_op(&mut state, x);
            }
        }
        state
    }

    /// The effect of an Applied op.
    fn apply_op(&self, state: &mut SpecState, x: usize) {
        let op = &self.ops[x];
        let author = op.fields.author;
        match &op.fields.body {
            Body::Profile { name } => {
                state
                    .profiles
                    .insert(author, DisplayName::Plain(name.clone()));
            }
            // Issue 14: the fold keeps a sealed name as it came, unopened.
            Body::SealedProfile { names } => {
                state
                    .profiles
                    .insert(author, DisplayName::Sealed(names.clone()));
            }
            Body::CreateCommittee { kind, policy, .. } => {
                let is_council = matches!(kind, CommitteeKind::Council { .. });
                state.committees.insert(
                    op.id,
                    SpecCommittee::new(author, is_council, policy.clone()),
                );
            }
            Body::Vouch {
                committee,
                candidate,
            } => {
                // A vouch for someone already a member at this point of
                // the fold (one concurrent with their join, sorted after
                // it) makes them no candidate: it records nothing, and so
                // cannot count for a later join after they leave
                // (docs/DESIGN.md §4 "Vouches for a member").
                if let Some(c) = state.committees.get_mut(committee)
                    && !c.members.contains(candidate)
                {
                    c.candidates
                        .entry(*candidate)
                        .or_default()
                        .insert(author, x);
                }
            }
            Body::Join { committee } => {
                if let Some(c) = state.committees.get_mut(committee) {
                    c.members.insert(author);
                    c.candidates.remove(&author);
                }
            }
            Body::Leave { committee } => {
                if let Some(c) = state.committees.get_mut(committee) {
                    c.members.remove(&author);
                }
            }
            Body::Propose {
                committee,
                kind,
                closes_at,
                ..
            } => {
                let consensus = self.validity[x]
                    .as_ref()
                    .and_then(|v| v.electorate.as_ref())
                    .is_some_and(|e| e.consensus);
                if let Some(c) = state.committees.get_mut(committee) {
                    c.proposals.insert(
                        op.id,
                        SpecProposal {
                            proposer: author,
                            kind: kind.clone(),
                            closes_at: *closes_at,
                            consensus,
                            status: crate::model::ProposalView::Open,
                            note: None,
                            revisions: Vec::new(),
                        },
                    );
                }
            }
            Body::Demand { committee, .. } => {
                if let Some(c) = state.committees.get_mut(committee) {
                    c.demands.insert(op.id, BTreeSet::new());
                    c.adopted.insert(op.id);
                }
            }
            Body::Support { committee, demand } => {
                if let Some(supporters) = state
                    .committees
                    .get_mut(committee)
                    .and_then(|c| c.demands.get_mut(demand))
                {
                    supporters.insert(author);
                }
            }
            Body::Report {
                committee,
                status,
                participants,
                ..
            } => {
                if let Some(c) = state.committees.get_mut(committee) {
                    c.reports.insert(
                        op.id,
                        ReportView {
                            status: *status,
                            participants: *participants,
                        },
                    );
                }
            }
            Body::UpdateReport {
                committee,
                report,
                status,
                participants,
                ..
            } => {
                if let Some(r) = state
                    .committees
                    .get_mut(committee)
                    .and_then(|c| c.reports.get_mut(report))
                {
                    r.status = *status;
                    r.participants = *participants;
                }
            }
            Body::OpenThread { committee, .. }
            | Body::Announce { committee, .. }
            | Body::Comment { committee, .. }
            | Body::Suggest { committee, .. } => {
                let parent = match &op.fields.body {
                    Body::Comment { target, .. } => Some(*target),
                    Body::Suggest { proposal, .. } => Some(*proposal),
                    _ => None,
                };
                if let Some(c) = state.committees.get_mut(committee) {
                    c.posts.insert(op.id, SpecPost { author, parent });
                }
            }
            Body::EditPost {
                committee, post, ..
            }
            | Body::RetractPost { committee, post } => {
                let retract = matches!(op.fields.body, Body::RetractPost { .. });
                if let Some(c) = state.committees.get_mut(committee) {
                    c.post_changes.insert(op.id, (*post, retract));
                }
            }
            Body::Revise {
                committee,
                proposal,
                ..
            } => {
                // §9: a revision that sorts after the proposal's counting
                // close changes nothing.
                if let Some(record) = state
                    .committees
                    .get_mut(committee)
                    .and_then(|c| c.proposals.get_mut(proposal))
                    && record.status == crate::model::ProposalView::Open
                {
                    record.revisions.push(op.id);
                }
            }
            Body::Rekey { committee, .. } => {
                if let Some(c) = state.committees.get_mut(committee) {
                    c.epochs.insert(op.id);
                }
            }
            // Issue 14: keys and shares change who can read, not what the
            // fold decides.
            Body::CreateFederation { .. }
            | Body::EncryptionKey { .. }
            | Body::ShareEpoch { .. }
            | Body::Vote { .. }
            | Body::Close { .. }
            | Body::Unknown { .. } => {}
        }
    }
}

/// Every id a body names: its committee, councils, proposals, demands and
/// reports it refers to.
fn named_hashes(body: &Body) -> Vec<Hash> {
    let mut named: Vec<Hash> = body.committee().into_iter().collect();
    match body {
        Body::Propose { kind, .. } => match kind {
            ProposalKind::Election { council, .. }
            | ProposalKind::Recall { council, .. }
            | ProposalKind::Affiliate { council } => named.push(*council),
            ProposalKind::Mandate {
                council_proposal, ..
            } => named.push(*council_proposal),
            ProposalKind::AcceptAffiliation { committee } => named.push(*committee),
            ProposalKind::AdoptDemand { demand } => named.push(*demand),
            ProposalKind::MergeDemands { from, into } => {
                named.push(*from);
                named.push(*into);
            }
            ProposalKind::HidePost { post } => named.push(*post),
            ProposalKind::Decision
            | ProposalKind::PolicyChange { .. }
            | ProposalKind::RemoveMember { .. }
            | ProposalKind::Statement { .. } => {}
        },
        Body::Vote { proposal, .. } | Body::Close { proposal, .. } => named.push(*proposal),
        Body::Support { demand, .. } => named.push(*demand),
        Body::UpdateReport { report, .. } => named.push(*report),
        Body::Comment { target, .. } => named.push(*target),
        Body::EditPost { post, .. } | Body::RetractPost { post, .. } => named.push(*post),
        Body::Suggest { proposal, .. } | Body::Revise { proposal, .. } => named.push(*proposal),
        _ => {}
    }
    named
}
