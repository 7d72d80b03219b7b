//! Keeping Void(T) and the removal verdicts of T current.
//!
//! The definitions live in [`crate::layers`]; this module gives them the
//! engine's indexes (the [`Dag`] impl: pasts from [`crate::unseen`] sets,
//! per-author logs, closes and votes per proposal) and decides when to
//! recompute. A recompute is needed only after an op that can change the
//! layers: a new fork, a close of a removal, or an op from a partition
//! whose past holds a void op it may witness or spare. A new op that is
//! void (by a forked author past the fork point, or by a removed member in
//! the committee's scope while the removal has not passed in its past) is
//! void on arrival: no op has it in its past yet, so nothing can spare or
//! witness it, and it is never folded.

use super::Engine;
use crate::body::Body;
use crate::layers::{self, Dag, LayerCache, ProposalMeta, Subset};
use crate::outcome::VoidReason;
use crate::state::{Committee, PastView};
use crate::types::{Hash, PublicKey};
use crate::unseen::Unseen;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// How many of an author's latest ops naming a committee are looked at for
/// one that already saw a void op (see `may_be_first_to_see`).
const WITNESSES_LOOKED_AT: usize = 4;

impl Dag for Engine {
    fn op(&self, o: u32) -> Cow<'_, crate::op::Op> {
        Cow::Owned((*self.op_at(o)).clone())
    }

    fn body(&self, o: u32) -> Cow<'_, Body> {
        Cow::Owned(self.body_at(o))
    }

    fn id(&self, o: u32) -> Hash {
        self.entries[o as usize].id
    }

    fn author(&self, o: u32) -> PublicKey {
        self.author_at(o)
    }

    fn seq(&self, o: u32) -> u64 {
        self.entries[o as usize].seq()
    }

    fn key(&self, o: u32) -> (u64, Hash) {
        self.entries[o as usize].order_key()
    }

    fn valid(&self, o: u32) -> bool {
        self.entries[o as usize].is_valid()
    }

    fn in_past(&self, y: u32, x: u32) -> bool {
        y < x && !self.unseen_at(x).contains(y)
    }

    fn past(&self, x: u32) -> Subset {
        self.unseen_at(x).with_tail(x, u32::MAX)
    }

    fn ordinal(&self, id: &Hash) -> Option<u32> {
        Engine::ordinal(self, id)
    }

    fn log_of(&self, author: &PublicKey) -> &[u32] {
        self.author_log(author)
    }

    fn authors(&self) -> Vec<PublicKey> {
        self.authors.iter().map(|a| a.key).collect()
    }

    fn fork_seqs(&self, author: &PublicKey) -> Option<&BTreeSet<u64>> {
        self.state.forks.get(author)
    }

    fn forked_authors(&self) -> Vec<PublicKey> {
        self.state.forks.keys().copied().collect()
    }

    fn closes_of(&self, p: &Hash) -> &[u32] {
        self.closes_of.get(p).map(Vec::as_slice).unwrap_or_default()
    }

    fn votes_of(&self, p: &Hash) -> &[u32] {
        self.votes_of.get(p).map(Vec::as_slice).unwrap_or_default()
    }

    fn meta(&self, p: &Hash) -> Option<&ProposalMeta> {
        self.proposals.get(p)
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
        self.councils.contains(committee)
    }

    fn is_member_in(&self, s: &Subset, key: &PublicKey) -> bool {
        self.projected(s).is_federation_member(key)
    }

    fn seated_for(&self, s: &Subset, council: &Hash, committee: &Hash, key: &PublicKey) -> bool {
        self.committee_in_past(council, s)
            .is_some_and(|k| k.seats.get(committee).is_some_and(|d| d.contains(key)))
    }

    fn committee_in(&self, s: &Subset, c: &Hash) -> Option<Cow<'_, Committee>> {
        self.committee_in_past(c, s)
    }

    fn vouches_for(&self, candidate: &PublicKey) -> &[u32] {
        self.vouches_for
            .get(candidate)
            .map_or(&[], |v| v.as_slice())
    }

    fn may_be_void(&self, author: &PublicKey) -> bool {
        self.candidates.contains(author)
    }

    fn scope_index(&self, member: &PublicKey, committee: &Hash) -> Option<(&[u32], &[u32])> {
        let named = self.naming_ops_of(member, committee);
        let council = self
            .council_ops_of
            .get(member)
            .map(Vec::as_slice)
            .unwrap_or_default();
        Some((named, council))
    }

    fn op_may_be_void(&self, o: u32) -> bool {
        self.possibly_void.contains(&o)
    }

    fn void_candidates(&self) -> Vec<PublicKey> {
        self.candidates.iter().copied().collect()
    }

    fn joins_by(&self, author: &PublicKey) -> &[u32] {
        self.author_ops(author).map_or(&[], |a| a.joins.as_slice())
    }

    fn affiliation_accepts(&self) -> Vec<u32> {
        self.acceptances_in
            .values()
            .flatten()
            .filter_map(|id| Engine::ordinal(self, id))
            .collect()
    }

    fn cache(&self) -> &LayerCache {
        &self.layer_cache
    }
}

/// Void(T), the removal verdicts, and each committee's accepted removals.
type Layers = (
    BTreeMap<u32, VoidReason>,
    HashMap<u32, layers::Verdict>,
    HashMap<Hash, Vec<(u32, Subset)>>,
);

impl Engine {
    /// Whether a new op by `author` (its past is all but `unseen`) may spare
    /// one of `voids`, the void ops in C's layer. Sparing reads only the
    /// first op of each member in C's scope that has X in its past
    /// (DESIGN §4 "Sparing"), so an earlier op of the author that names C
    /// and already saw every void the new op sees settles it: the new op
    /// cannot change the layer. Without such a witness, or for a forked
    /// author, it may.
    pub(super) fn may_be_first_to_see(
        &self,
        author: &PublicKey,
        committee: &Hash,
        voids: &[u32],
        unseen: &Unseen,
    ) -> bool {
        let mut seen = voids.iter().copied().filter(|&v| !unseen.contains(v));
        let Some(first_seen) = seen.next() else {
            return false;
        };
        if self.state.forks.contains_key(author) {
            return true;
        }
        // The list is in acceptance order, and the op's past may lack its
        // latest entries (from another device): look at its last few.
        let witness = self
            .naming_ops_of(author, committee)
            .iter()
            .rev()
            .take(WITNESSES_LOOKED_AT)
            .copied()
            .filter(|&n| !unseen.contains(n))
            .max();
        match witness {
            None => true,
            Some(n) => std::iter::once(first_seen)
                .chain(seen)
                .any(|v| !self.in_past(v, n)),
        }
    }

    /// Recomputes Void(T) and the verdicts if an op may have changed them;
    /// marks the committees whose fold changes dirty from the change.
    /// Returns the ops whose outcome changed.
    pub(super) fn refresh_layers(&mut self) -> Vec<u32> {
        if !self.layers_dirty {
            return Vec::new();
        }
        self.count(|s| s.void_recomputes += 1);
        let everything = self.everything();
        let (void, verdicts, accepted) = if self.all_layers_dirty {
            self.layers_everywhere(&everything)
        } else {
            self.layers_of_dirty_committees(&everything)
        };
        self.layers_dirty = false;
        self.all_layers_dirty = false;
        self.dirty_layers.clear();
        self.layer_cache.forget(&everything);
        let mut changed: BTreeSet<u32> = BTreeSet::new();
        for (o, reason) in self.void.iter().chain(void.iter()) {
            if self.void.get(o) != Some(reason) || void.get(o) != Some(reason) {
                changed.insert(*o);
            }
        }
        let mut changed_verdicts: BTreeSet<u32> = BTreeSet::new();
        for (p, v) in self.verdicts.iter().chain(verdicts.iter()) {
            if self.verdicts.get(p) != Some(v) || verdicts.get(p) != Some(v) {
                changed_verdicts.insert(*p);
            }
        }
        self.void = void;
        let mut void_layers: BTreeMap<Option<Hash>, Vec<u32>> = BTreeMap::new();
        let mut voiding: HashMap<PublicKey, BTreeSet<Hash>> = HashMap::new();
        for (&o, reason) in &self.void {
            let author = self.author_at(o);
            let voiding = voiding
                .entry(author)
                .or_insert_with(|| self.committees_voiding(&author));
            for layer in self.void_layers_with(reason, voiding) {
                void_layers.entry(layer).or_default().push(o);
            }
        }
        self.void_layers = void_layers;
        self.verdicts = verdicts;
        self.accepted_removals = accepted;
        for &o in &changed {
            if self.entries[o as usize].is_valid() {
                self.refold_around(o);
            }
        }
        for p in changed_verdicts {
            let id = self.entries[p as usize].id;
            if let (Some(first), Some(meta)) = (self.first_close_key(&id), self.proposals.get(&id))
            {
                let committee = meta.committee;
                self.mark_dirty(committee, first);
            }
        }
        changed.into_iter().collect()
    }

    /// Void(T), the verdicts and the accepted removals, all recomputed.
    fn layers_everywhere(&self, everything: &Subset) -> Layers {
        let void = layers::void_set(self, everything);
        let verdicts = layers::verdicts(self, everything);
        let accepted = self
            .removals_in
            .iter()
            .filter(|(_, removals)| !removals.is_empty())
            .map(|(c, _)| {
                let layer = layers::removal_layer(self, everything, c);
                (*c, layer.accepted.clone())
            })
            .collect();
        (void, verdicts, accepted)
    }

    /// The same, recomputing only the dirty committees' layers and the void
    /// status of the ops of their removals' subjects: nothing else can have
    /// changed (a new close or sparing changes only its committee's layer;
    /// a fork marks everything dirty).
    fn layers_of_dirty_committees(&self, everything: &Subset) -> Layers {
        let mut void = self.void.clone();
        let mut verdicts = self.verdicts.clone();
        let mut accepted = self.accepted_removals.clone();
        let mut authors: BTreeSet<PublicKey> = BTreeSet::new();
        for c in &self.dirty_layers {
            let layer = layers::removal_layer(self, everything, c);
            for &p in self.removals_in(c) {
                verdicts.remove(&p);
                if let Some(subject) = self
                    .proposals
                    .get(&self.entries[p as usize].id)
                    .and_then(|m| m.kind.subject())
                {
                    authors.insert(subject);
                }
            }
            verdicts.extend(layer.verdicts.iter().map(|(p, v)| (*p, v.clone())));
            accepted.insert(*c, layer.accepted.clone());
        }
        // Members whose join of a dirty committee may rest on a void vouch
        // (a fork's, or one of these subjects').
        let dirty: Vec<u32> = self
            .dirty_layers
            .iter()
            .filter_map(|c| self.scopes.get(c))
            .collect();
        for a in &self.candidates {
            if self
                .author_ops(a)
                .is_some_and(|r| dirty.iter().any(|c| r.joined.binary_search(c).is_ok()))
            {
                authors.insert(*a);
            }
        }
        // Their dependants' memberships may rest on their vouches.
        let mut todo: Vec<PublicKey> = authors.iter().copied().collect();
        while let Some(author) = todo.pop() {
            let vouches = self.author_ops(&author).map_or(&[][..], |a| &a.vouches[..]);
            for &v in vouches {
                if let Body::Vouch { candidate, .. } = &self.body_at(v)
                    && authors.insert(*candidate)
                {
                    todo.push(*candidate);
                }
            }
        }
        for author in authors {
            for &o in self.log_of(&author) {
                if !self.possibly_void.contains(&o) {
                    continue;
                }
                match layers::void(self, everything, o) {
                    Some(reason) => void.insert(o, reason),
                    None => void.remove(&o),
                };
            }
        }
        (void, verdicts, accepted)
    }

    /// The smallest key of a close of `proposal`, if any.
    fn first_close_key(&self, proposal: &Hash) -> Option<(u64, Hash)> {
        self.closes_of.get(proposal).and_then(|closes| {
            closes
                .iter()
                .map(|&c| self.entries[c as usize].order_key())
                .min()
        })
    }

    /// The outcome of valid op `o` changed: refold what its effect touches.
    fn refold_around(&mut self, o: u32) {
        let op = self.op_at(o);
        let key = op.order_key();
        let author = op.fields.author;
        // The committees that read whether it is void (adoptions of a
        // demand, seats in a council) from outside their logs.
        for c in self.readers(o, &op.fields.body) {
            self.mark_dirty(c, key);
        }
        let from = match &op.fields.body {
            Body::Profile { .. } | Body::SealedProfile { .. } | Body::EncryptionKey { .. } => {
                self.recompute_profile(author);
                return;
            }
            // A vote changes its proposal's result where the proposal
            // first closed; a close may be the first.
            Body::Vote { proposal, .. } => match self.first_close_key(proposal) {
                Some(first) => first,
                None => return,
            },
            Body::Close { proposal, .. } => {
                self.first_close_key(proposal).map_or(key, |f| f.min(key))
            }
            _ => key,
        };
        for c in self.touched_committees(o, &op.fields.body) {
            self.mark_dirty(c, from);
        }
        if self.is_read_by_every_council(&op.fields.body) {
            self.touch_later_affiliations(from);
        }
    }

    /// A change at `from` to an acceptance of an affiliation (its proposal,
    /// a vote or close on it, or its council's creation) may change
    /// whether the acceptances that first close after it close a cycle:
    /// refold their councils from their first close at or after `from`.
    /// (Not from their first close of all: that one may be void by a fork,
    /// and the first that counts come after `from`: 2026-12-02, "B3".)
    pub(super) fn touch_later_affiliations(&mut self, from: (u64, Hash)) {
        let later: Vec<(Hash, (u64, Hash))> = self
            .acceptances_in
            .iter()
            .flat_map(|(council, ids)| ids.iter().map(move |id| (*council, id)))
            .filter_map(|(council, id)| {
                let closes = self.closes_of.get(id)?;
                let next = closes
                    .iter()
                    .map(|&c| self.entries[c as usize].order_key())
                    .filter(|&key| key >= from)
                    .min()?;
                Some((council, next))
            })
            .collect();
        for (council, next) in later {
            self.mark_dirty(council, next);
        }
    }

    /// Last writer wins among `author`'s profiles (and published
    /// encryption keys) that are not void.
    fn recompute_profile(&mut self, author: PublicKey) {
        self.state.profiles.remove(&author);
        self.state.encryption_keys.remove(&author);
        let ops = self.author_log(&author).to_vec();
        for o in ops {
            if !self.is_applied_at(o) {
                continue;
            }
            let op = self.op_at(o);
            if matches!(
                op.fields.body,
                Body::Profile { .. } | Body::SealedProfile { .. } | Body::EncryptionKey { .. }
            ) {
                self.state.apply_profile(&op);
            }
        }
    }

    /// Whether a new op, just inserted, is void in T: no op has it in its
    /// past yet, so no witness or sparing can save it.
    pub(super) fn void_on_arrival(&self, ord: u32, fresh: bool) -> Option<VoidReason> {
        let op = self.op_at(ord);
        let author = op.fields.author;
        if op.is_genesis() {
            return None;
        }
        let everything = self.everything();
        if let Some(f) = layers::fork_point(self, &everything, &author)
            && op.fields.seq >= f
        {
            return Some(VoidReason::Fork { author, seq: f });
        }
        // As layers::void orders them: committees by id, then each
        // committee's accepted removals in the layer's order.
        let committees: BTreeSet<Hash> = self
            .removals_against(&author)
            .iter()
            .filter_map(|&p| self.proposals.get(&self.entries[p as usize].id))
            .map(|m| m.committee)
            .collect();
        for c in committees {
            for (p, _) in self.accepted_removals.get(&c).into_iter().flatten() {
                let id = self.entries[*p as usize].id;
                let Some(meta) = self.proposals.get(&id) else {
                    continue;
                };
                if meta.kind.subject() != Some(author) || *p == ord {
                    continue;
                }
                if matches!(&op.fields.body, Body::Close { proposal, .. } if *proposal == id) {
                    continue;
                }
                if layers::in_scope(self, ord, &c, &author) && !self.passed_before(ord, *p, fresh) {
                    return Some(VoidReason::Removal { proposal: id });
                }
            }
        }
        // A dependant whose join of a committee lost its vouches: nothing
        // can have spared a new op yet.
        let joined: BTreeSet<Hash> = self
            .log_of(&author)
            .iter()
            .filter_map(|&o| match &self.body_at(o) {
                Body::Join { committee } if self.entries[o as usize].is_valid() => Some(*committee),
                _ => None,
            })
            .collect();
        joined.iter().find_map(|c| {
            let accepted = self
                .accepted_removals
                .get(c)
                .map(Vec::as_slice)
                .unwrap_or_default();
            layers::dependant_void(self, &everything, c, accepted, ord).map(|j| {
                VoidReason::VoidVouch {
                    join: self.entries[j as usize].id,
                }
            })
        })
    }
}
