//! The engine's fold: inserting accepted ops into the indexes and the
//! per-committee logs, folding them in order, rewinding a committee from a
//! checkpoint when a late op or a changed void or verdict demands it, and
//! projecting a committee onto a smaller set (an op's past).

use super::{Checkpoint, CommitteeLog, Engine, ProjectedView, scopes};
use crate::body::{Body, ProposalKind};
use crate::governance::{FoldContext, NoProposals};
use crate::layers::{self, LazyVoids, SetView, Subset};
use crate::op::Op;
use crate::outcome::{Outcome, VoidReason};
use crate::state::Committee;
use crate::types::{Hash, PublicKey};
use crate::unseen::Unseen;
use std::borrow::Cow;
use std::collections::BTreeSet;
use std::sync::Arc;

impl Engine {
    /// Adds an accepted op with its validity; indexes it, decides whether it
    /// is void on arrival, and folds it in if it takes part.
    pub(super) fn insert(
        &mut self,
        mut op: Op,
        parents: Vec<u32>,
        unseen: Unseen,
        validity: Outcome,
    ) -> u32 {
        let ord = self.len_u32();
        let author = op.fields.author;
        let seq = op.fields.seq;
        // Void(T) and the verdicts are those of the ops before this one.
        let fresh = !self.layers_dirty;
        for p in &parents {
            self.heads.remove(p);
        }
        self.heads.insert(ord);
        let number = self.author_number(author);
        let entries = &self.entries;
        let record = &mut self.authors[number as usize];
        let newest = record.log.is_empty() || record.last.1 < seq;
        if newest {
            record.last = (ord, seq);
        }
        let log = &mut record.log;
        let seq_of = |o: u32| entries[o as usize].seq();
        // Ops almost always arrive in their author's order (a seq above
        // every seq of theirs held): append without a binary search, whose
        // every probe is a cache miss in `entries`. The author's log,
        // sorted by seq, also tells a fork (a second op at a seq already
        // held) without an index of its own.
        let new_fork = if newest {
            log.push(ord);
            false
        } else {
            let first_at_seq = log.partition_point(|&o| seq_of(o) < seq);
            let fork = log.get(first_at_seq).is_some_and(|&o| seq_of(o) == seq);
            let at = log.partition_point(|&o| seq_of(o) <= seq);
            log.insert(at, ord);
            fork
        };
        if new_fork {
            self.state.forks.entry(author).or_default().insert(seq);
        }
        let key = op.order_key();
        if matches!(op.fields.body, Body::Propose { .. } | Body::Close { .. })
            && self.max_key.is_some_and(|max| key < max)
        {
            self.arrived_late.insert(ord);
        }
        self.max_key = self.max_key.max(Some(key));
        // An op from a partition may witness or spare a void op: what voided
        // it must be looked at again.
        // Only an op in C's scope spares what C's removals void (a
        // dependant's voids are judged in the layer of the committee they
        // joined); any op may witness a fork.
        let mut may_spare: BTreeSet<Hash> = BTreeSet::new();
        let mut may_witness = false;
        if !unseen.is_empty() {
            for (layer, voids) in &self.void_layers {
                // Sorted: the oldest is almost always in the op's past.
                match layer {
                    None if voids.iter().any(|&v| !unseen.contains(v)) => may_witness = true,
                    None => {}
                    Some(c) if self.may_be_first_to_see(&author, c, voids, &unseen) => {
                        may_spare.insert(*c);
                    }
                    Some(_) => {}
                }
            }
        }
        self.index_scope(&op, ord, number, &unseen);
        let applied = validity.is_applied();
        self.push_entry(&mut op, number, unseen, validity);
        // After the push: a lookup may compare any ordinal in the table
        // with its entry.
        self.by_id.insert(&op.id, ord, &self.entries);
        if new_fork {
            self.make_candidate(author);
            self.all_layers_dirty = true;
            self.layers_dirty = true;
        }
        if may_witness {
            self.layers_dirty = true;
            self.all_layers_dirty = true;
        }
        for c in may_spare {
            if layers::may_be_in_scope(self, ord, &c) {
                self.layers_dirty = true;
                self.dirty_layers.insert(c);
            }
        }
        if applied {
            self.index(&op, ord);
        }
        if new_fork {
            let fork_ops: Vec<u32> = self.authors[number as usize]
                .log
                .iter()
                .copied()
                .filter(|&o| self.entries[o as usize].seq() >= seq)
                .collect();
            for o in fork_ops {
                self.mark_possibly_void(o);
            }
        }
        if self.candidates.contains(&author) {
            self.mark_contested(ord);
            if self.may_be_void_somewhere(ord, fresh) {
                self.mark_possibly_void(ord);
            }
            if let Some(reason) = self.void_on_arrival(ord, fresh) {
                for layer in self.void_layers_reading(ord, &reason) {
                    self.void_layers.entry(layer).or_default().push(ord);
                }
                self.void.insert(ord, reason);
                *self.void_arrivals.entry(author).or_default() += 1;
            }
        }
        if applied {
            self.fold_new(&op, ord);
        }
        if self.keep_accepted_decoded {
            self.keep_decoded(ord, op);
        }
        ord
    }

    /// The id of accepted op `o`.
    pub(super) fn id_at(&self, o: u32) -> Hash {
        self.entries[o as usize].id
    }

    /// Where a void op's voidness is decided: the layer of a committee
    /// (`Some`), or a fork (`None`), whose witnesses may be anywhere.
    pub(super) fn void_layer(&self, reason: &VoidReason) -> Option<Option<Hash>> {
        match reason {
            VoidReason::Fork { .. } => Some(None),
            VoidReason::VoidVouch { join } => self
                .ordinal(join)
                .and_then(|o| self.body_at(o).committee())
                .map(Some),
            VoidReason::Removal { proposal } => self
                .proposals
                .get(proposal)
                .map(|meta| Some(meta.committee)),
        }
    }

    /// The committees whose scope an op with `body` is in by its names (of
    /// ops in its past: it lacks `unseen`), seats apart.
    pub(super) fn named_scopes(&self, body: &Body, unseen: &Unseen) -> Vec<Hash> {
        let mut named: Vec<Hash> = Vec::new();
        for h in body.named() {
            let committee = match self.ordinal(&h) {
                Some(o) if unseen.contains(o) => None,
                // A committee or a proposal (the names most ops carry) is
                // told from the indexes; anything else from its body.
                Some(_) if self.logs.contains_key(&h) => Some(h),
                Some(_) if let Some(meta) = self.proposals.get(&h) => Some(meta.committee),
                Some(o) => scope_of(&self.op_at(o)),
                None => None,
            };
            if let Some(c) = committee
                && !named.contains(&c)
            {
                named.push(c);
            }
        }
        named
    }

    /// Every layer that reads whether void op `o` is void: its reason's,
    /// and those of every committee that removes its author or that its
    /// author may depend on. An op void under two committees' removals is
    /// recorded under the first by id, yet the other's sparing reads it
    /// too: a new op that spares it there may free what it spares (found
    /// by review, 2026-12-02; see docs/DESIGN.md).
    pub(super) fn void_layers_reading(&self, o: u32, reason: &VoidReason) -> Vec<Option<Hash>> {
        let voiding = self.committees_voiding(&self.author_at(o));
        self.void_layers_with(reason, &voiding)
    }

    /// [`Engine::void_layers_reading`], given its author's
    /// [`Engine::committees_voiding`] (computed once per author).
    pub(super) fn void_layers_with(
        &self,
        reason: &VoidReason,
        voiding: &BTreeSet<Hash>,
    ) -> Vec<Option<Hash>> {
        let own = self.void_layer(reason);
        own.into_iter()
            .chain(
                voiding
                    .iter()
                    .filter(|c| own != Some(Some(**c)))
                    .map(|c| Some(*c)),
            )
            .collect()
    }

    /// The committees that remove `author`, or that they may depend on.
    pub(super) fn committees_voiding(&self, author: &PublicKey) -> BTreeSet<Hash> {
        let removing = self
            .removals_against
            .get(author)
            .into_iter()
            .flatten()
            .filter_map(|&p| self.proposals.get(&self.entries[p as usize].id))
            .map(|meta| meta.committee);
        let depending = self.dependant_in.get(author).into_iter().flatten().copied();
        removing.chain(depending).collect()
    }

    /// Indexes every accepted op (valid or not) by the committees whose
    /// scope it is in (`layers::in_scope`), as `Dag::scope_index` reads it.
    /// Only names of ops in its past count (`unseen` is what it lacks), so
    /// an op's scope is fixed when it arrives.
    fn index_scope(&mut self, op: &Op, ord: u32, author: u32, unseen: &Unseen) {
        for c in self.named_scopes(&op.fields.body, unseen) {
            let key = scopes::naming_key(author, self.scopes.number(c));
            self.naming_ops.entry(key).or_default().push(ord);
        }
        if op
            .fields
            .body
            .committee()
            .is_some_and(|c| layers::Dag::is_council(self, &c))
        {
            self.council_ops_of
                .entry(op.fields.author)
                .or_default()
                .push(ord);
        }
    }

    /// Indexes a valid op: founder, committee logs, vouches, joins,
    /// demands, proposals, votes and closes.
    fn index(&mut self, op: &Op, ord: u32) {
        let author = op.fields.author;
        let key = op.order_key();
        let mut logs: Vec<Hash> = Vec::new();
        let mut subject = None;
        let mut sensitive_close = false;
        match &op.fields.body {
            Body::CreateFederation { .. } => self.founder = Some(author),
            Body::CreateCommittee { kind, .. } => {
                if kind.is_council() {
                    self.councils.insert(op.id);
                }
                let scope = self.scopes.number(op.id);
                self.author_record(&author).record_joined(scope);
                self.logs.insert(op.id, CommitteeLog::default());
                logs.push(op.id);
            }
            Body::Vouch {
                candidate,
                committee,
            } => {
                self.vouches_for.entry(*candidate).or_default().push(ord);
                self.author_record(&author).vouches.push(ord);
                logs.push(*committee);
            }
            Body::Join { committee } => {
                let scope = self.scopes.number(*committee);
                let record = self.author_record(&author);
                record.record_joined(scope);
                record.joins.push(ord);
                logs.push(*committee);
            }
            Body::Demand { committee, .. } => {
                self.demands.insert(op.id, ord);
                logs.push(*committee);
            }
            Body::Propose {
                committee, kind, ..
            } => {
                if let ProposalKind::AdoptDemand { demand } = kind {
                    self.demand_uses.entry(*demand).or_default().push(op.id);
                    let read = self.demand_and_creation(demand);
                    self.contest_if_may_be_void(*committee, &read);
                }
                if let ProposalKind::MergeDemands { from, into } = kind {
                    for demand in [from, into] {
                        self.demand_uses.entry(*demand).or_default().push(op.id);
                        let read = self.demand_and_creation(demand);
                        self.contest_if_may_be_void(*committee, &read);
                    }
                }
                if let Some(council) = kind.council() {
                    let creation: Vec<u32> = self.ordinal(committee).into_iter().collect();
                    self.contest_if_may_be_void(council, &creation);
                }
                if let ProposalKind::RemoveMember { member } = kind {
                    self.removals_in.entry(*committee).or_default().push(ord);
                    self.removals_against.entry(*member).or_default().push(ord);
                    self.contested.insert(*committee);
                    // Closed or not, a removal narrows the past that the
                    // removals concurrent with it share (G), and with it
                    // their settled weights and the layer's order.
                    self.layers_dirty = true;
                    self.dirty_layers.insert(*committee);
                    subject = Some(*member);
                }
                logs.push(*committee);
            }
            Body::Leave { committee }
            | Body::Support { committee, .. }
            | Body::Report { committee, .. }
            | Body::UpdateReport { committee, .. }
            | Body::OpenThread { committee, .. }
            | Body::Comment { committee, .. }
            | Body::EditPost { committee, .. }
            | Body::RetractPost { committee, .. }
            | Body::Suggest { committee, .. }
            | Body::Revise { committee, .. }
            | Body::Announce { committee, .. }
            | Body::Rekey { committee, .. }
            | Body::ShareEpoch { committee, .. } => logs.push(*committee),
            Body::Vote { proposal, .. } => self.votes_of.entry(*proposal).or_default().push(ord),
            Body::Close {
                proposal,
                committee,
            } => {
                if self.sensitive_counts.contains(proposal) {
                    sensitive_close = true;
                }
                self.closes_of.entry(*proposal).or_default().push(ord);
                let meta = self.proposals.get(proposal);
                if let Some(m) = meta
                    && matches!(m.kind, ProposalKind::RemoveMember { .. })
                {
                    self.layers_dirty = true;
                    self.dirty_layers.insert(m.committee);
                }
                logs.push(*committee);
                logs.extend(meta.and_then(|m| m.kind.council()));
            }
            Body::Profile { .. }
            | Body::SealedProfile { .. }
            | Body::EncryptionKey { .. }
            | Body::Unknown { .. } => {}
        }
        let entries = &self.entries;
        for c in logs {
            if let Some(log) = self.logs.get_mut(&c) {
                log.ops.insert(key, ord, |o| entries[o as usize].id);
            }
        }
        if let Some(member) = subject {
            self.make_candidate(member);
            // The subject's ops outside the removal's past may now be void
            // in some set.
            let concurrent: Vec<u32> = self
                .author_log(&member)
                .iter()
                .copied()
                .filter(|&o| !self.in_past_of(o, ord))
                .collect();
            for o in concurrent {
                self.mark_possibly_void(o);
            }
        }
        if sensitive_close {
            self.mark_sensitive(ord);
        }
    }

    /// Whether removal `p` passed in `state(past(ord))`. For an op that saw
    /// everything before it, while the verdicts kept here are those of the
    /// ops before it (`fresh`), that is the kept verdict.
    pub(super) fn passed_before(&self, ord: u32, p: u32, fresh: bool) -> bool {
        if fresh && self.unseen_at(ord).is_empty() {
            return self.verdicts.get(&p).is_some_and(|v| v.accepted);
        }
        layers::passed_in(self, &layers::Dag::past(self, ord), p)
    }

    /// y ∈ past(x), for accepted ops.
    fn in_past_of(&self, y: u32, x: u32) -> bool {
        y < x && !self.unseen_at(x).contains(y)
    }

    /// A new op by a candidate that may be void in some set: past a fork
    /// point of its author, or by a removal's subject while that removal has
    /// not passed in the op's past (a new op is never in an older removal's
    /// past).
    fn may_be_void_somewhere(&self, ord: u32, fresh: bool) -> bool {
        let op = self.op_at(ord);
        let author = op.fields.author;
        let forked = self
            .state
            .forks
            .get(&author)
            .and_then(|seqs| seqs.first())
            .is_some_and(|&f| op.fields.seq >= f);
        if forked || self.may_be_dependant_void(ord) {
            return true;
        }
        self.removals_against
            .get(&author)
            .is_some_and(|removals| removals.iter().any(|&p| !self.passed_before(ord, p, fresh)))
    }

    /// A dependant's op that may be void in some set: in the scope of a
    /// committee where a vouch for its author may be void.
    fn may_be_dependant_void(&self, ord: u32) -> bool {
        let author = self.author_at(ord);
        self.dependant_in
            .get(&author)
            .is_some_and(|cs| cs.iter().any(|c| layers::may_be_in_scope(self, ord, c)))
    }

    /// Op `ord` may be void in some set: it is sensitive, and if it is a
    /// vouch, its candidate's ops in the vouch's committee's scope may be
    /// void too (Dependants), transitively. Only such vouches make
    /// dependants: a member vouched for by a removal's subject before the
    /// removal, or by a forked member before the fork, stays out of it.
    fn mark_possibly_void(&mut self, ord: u32) {
        let mut todo = vec![ord];
        while let Some(o) = todo.pop() {
            if !self.possibly_void.insert(o) {
                continue;
            }
            self.mark_sensitive(o);
            let Body::Vouch {
                candidate,
                committee,
            } = self.body_at(o)
            else {
                continue;
            };
            if !self
                .dependant_in
                .entry(candidate)
                .or_default()
                .insert(committee)
            {
                continue;
            }
            self.candidates.insert(candidate);
            todo.extend(
                self.author_log(&candidate)
                    .iter()
                    .copied()
                    .filter(|&x| layers::may_be_in_scope(self, x, &committee)),
            );
        }
    }

    /// Op `ord` may be void in some set: the folds of the committees it
    /// touches may differ between sets from its key on (for a vote or a
    /// close, from its proposal's closes: a vote counts, and a close widens
    /// the cut, where the proposal first closed, which may come before it).
    fn mark_sensitive(&mut self, ord: u32) {
        let op = self.op_at(ord);
        let mut keys = vec![op.order_key()];
        if let Body::Vote { proposal, .. } | Body::Close { proposal, .. } = &op.fields.body {
            let proposal = *proposal;
            keys.extend(
                self.closes_of
                    .get(&proposal)
                    .into_iter()
                    .flatten()
                    .map(|&c| self.entries[c as usize].order_key()),
            );
            self.sensitive_counts.insert(proposal);
        }
        let body = &op.fields.body;
        for c in self.touched_committees(ord, body) {
            self.contested.insert(c);
            self.sensitive
                .entry(c)
                .or_default()
                .extend(keys.iter().copied());
        }
        for c in self.readers(ord, body) {
            self.contested.insert(c);
            self.sensitive.entry(c).or_default().insert(op.order_key());
        }
        if self.is_read_by_every_council(body) {
            self.affiliation_sensitive.extend(keys);
        }
    }

    /// The committees whose fold reads whether op `ord` is void though it
    /// is in none of their logs: those adopting or merging a demand that
    /// it is or whose committee it created (a fold reads a demand as
    /// existing only if neither is void: 2026-12-02, "B1"), and the
    /// councils that the elections and recalls of a committee it created
    /// act on (a council seats only the delegates of a committee whose
    /// creation is not void). Their projections must then compare its
    /// voidness in the past with T's, and T's fold must be refolded when
    /// it changes.
    pub(super) fn readers(&self, ord: u32, body: &Body) -> Vec<Hash> {
        let id = self.entries[ord as usize].id;
        let demands: Vec<Hash> = match body {
            Body::Demand { .. } => vec![id],
            Body::CreateCommittee { .. } => self
                .demands
                .iter()
                .filter(|&(_, &d)| self.body_at(d).committee() == Some(id))
                .map(|(demand, _)| *demand)
                .collect(),
            _ => Vec::new(),
        };
        let mut readers: Vec<Hash> = demands
            .iter()
            .flat_map(|d| self.demand_uses.get(d).into_iter().flatten())
            .filter_map(|p| self.proposals.get(p).map(|meta| meta.committee))
            .collect();
        if let Body::CreateCommittee { .. } = body {
            readers.extend(
                self.proposals
                    .values()
                    .filter(|meta| meta.committee == id)
                    .filter_map(|meta| meta.kind.council()),
            );
        }
        readers
    }

    /// A demand and its committee's creation: whether the demand exists
    /// in a set depends on both not being void there.
    fn demand_and_creation(&self, demand: &Hash) -> Vec<u32> {
        let Some(&d) = self.demands.get(demand) else {
            return Vec::new();
        };
        let creation = self.body_at(d).committee().and_then(|c| self.ordinal(&c));
        std::iter::once(d).chain(creation).collect()
    }

    /// A proposal in `reader` reads whether the ops `read` are void (see
    /// `readers`): if one may be void in some set, `reader`'s projections
    /// must compare that with T's.
    fn contest_if_may_be_void(&mut self, reader: Hash, read: &[u32]) {
        for &o in read {
            if self.possibly_void.contains(&o) {
                let key = self.entries[o as usize].order_key();
                self.contested.insert(reader);
                self.sensitive.entry(reader).or_default().insert(key);
            }
        }
    }

    /// The committees whose state op `ord` (with `body`) can change: the
    /// one it names and, for an election or recall and the votes and
    /// closes on it, the council it acts on (which seats only the delegates
    /// of a proposal that is not void: 2026-12-02, "B2").
    pub(super) fn touched_committees(&self, ord: u32, body: &Body) -> Vec<Hash> {
        let mut touched: Vec<Hash> = Vec::new();
        if let Body::CreateCommittee { .. } = body {
            touched.push(self.entries[ord as usize].id);
        }
        touched.extend(body.committee());
        match body {
            Body::Vote { proposal, .. } | Body::Close { proposal, .. } => {
                touched.extend(self.proposals.get(proposal).and_then(|m| m.kind.council()));
            }
            Body::Propose { kind, .. } => touched.extend(kind.council()),
            _ => {}
        }
        touched
    }

    /// Whether every council's fold reads whether an op with `body` is
    /// void: an acceptance of an affiliation, a vote or close on one, or a
    /// council's creation (which of two crossing affiliations closes a
    /// cycle depends on which acceptance first closed, in any council).
    pub(super) fn is_read_by_every_council(&self, body: &Body) -> bool {
        let is_acceptance = |p: &Hash| {
            self.proposals
                .get(p)
                .is_some_and(|m| matches!(m.kind, ProposalKind::AcceptAffiliation { .. }))
        };
        match body {
            Body::CreateCommittee { kind, .. } => kind.is_council(),
            Body::Propose { kind, .. } => matches!(kind, ProposalKind::AcceptAffiliation { .. }),
            Body::Vote { proposal, .. } | Body::Close { proposal, .. } => is_acceptance(proposal),
            _ => false,
        }
    }

    /// Whether the removal layer may judge a removal of committee `c`
    /// differently in two sets that agree on every op's void class: it
    /// recounts a removal without the ops void under the removals it
    /// accepted before, and whether such an op is spared depends on the
    /// set, so an op void in both sets, under different removals, may
    /// count in one recount and not the other. Only a removal whose
    /// proposal, vote or close may be void somewhere is recounted so.
    fn removal_verdicts_may_differ(&self, c: &Hash) -> bool {
        self.removals_in.get(c).is_some_and(|removals| {
            removals.iter().any(|&p| {
                self.possibly_void.contains(&p)
                    || self.sensitive_counts.contains(&self.entries[p as usize].id)
            })
        })
    }

    /// Whether some op committee `c`'s fold reads may be void in some set.
    pub(super) fn is_contested(&self, c: &Hash) -> bool {
        self.contested.contains(c) || self.first_key_read_across_councils(c).is_some()
    }

    /// For council `c`, the first key from which its fold may differ
    /// between sets because of an op in another council's acceptance that
    /// may be void in some set (`affiliation_sensitive`). A council reads
    /// other acceptances only where its own acceptances first close, and
    /// only those that first closed before; every such op's key sorts before
    /// that close (a proposal before its closes; a vote or close is keyed
    /// by its proposal's closes). So: the first close of one of its
    /// acceptances at or after the first such op.
    fn first_key_read_across_councils(&self, c: &Hash) -> Option<(u64, Hash)> {
        let first = self.affiliation_sensitive.first()?;
        self.acceptances_in
            .get(c)?
            .iter()
            .flat_map(|p| self.closes_of.get(p).into_iter().flatten())
            .map(|&close| self.entries[close as usize].order_key())
            .filter(|key| key >= first)
            .min()
    }

    /// The first key from which committee `c`'s fold may differ between
    /// sets: its own (see `sensitive`), or one read across councils.
    fn first_sensitive_key(&self, c: &Hash) -> Option<(u64, Hash)> {
        let own = self.sensitive.get(c).and_then(|keys| keys.first()).copied();
        own.into_iter()
            .chain(self.first_key_read_across_councils(c))
            .min()
    }

    /// Flags the committees op `ord` touches as contested: an op there may
    /// be void in some set.
    fn mark_contested(&mut self, ord: u32) {
        for c in self.touched_committees(ord, &self.body_at(ord)) {
            self.contested.insert(c);
        }
    }

    /// `author` forked or is a removal's subject: their ops may be void.
    /// (Their dependants follow from the vouches among those ops that are
    /// marked possibly void.)
    pub(super) fn make_candidate(&mut self, author: PublicKey) {
        if self.candidates.insert(author) {
            let ops = self.author_log(&author).to_vec();
            for o in ops {
                self.mark_contested(o);
            }
        }
    }

    /// Folds a new valid op into the state if it takes part in the fold.
    fn fold_new(&mut self, op: &Op, ord: u32) {
        // As layers::folds, on Void(T) as kept here (no set to build: this
        // runs for every op).
        let takes_part = match self.void.get(&ord) {
            None => true,
            Some(VoidReason::Removal { .. } | VoidReason::VoidVouch { .. }) => {
                matches!(op.fields.body, Body::Close { .. })
            }
            Some(VoidReason::Fork { .. }) => false,
        };
        if !takes_part {
            return;
        }
        let mut folds: Vec<(Hash, Option<(u64, Hash)>)> = Vec::new();
        match &op.fields.body {
            Body::CreateFederation { .. } => self.state.apply(op, &NoProposals),
            Body::Profile { .. } | Body::SealedProfile { .. } | Body::EncryptionKey { .. } => {
                self.state.apply_profile(op)
            }
            Body::CreateCommittee { .. } => {
                if let Some(committee) = Committee::created_by(op)
                    && let Some(log) = self.logs.get_mut(&committee.id)
                {
                    log.since_checkpoint = 1;
                    self.state
                        .committees
                        .insert(committee.id, Box::new(committee));
                }
            }
            Body::Close { proposal, .. } => {
                // A further close can change the result of a proposal that
                // already closed: refold from its first close.
                let first = self.closes_of.get(proposal).and_then(|closes| {
                    closes
                        .iter()
                        .filter(|&&c| c != ord)
                        .map(|&c| self.entries[c as usize].order_key())
                        .min()
                });
                let touched = self.touched_committees(ord, &op.fields.body);
                folds.extend(touched.into_iter().map(|c| (c, first)));
                let key = op.order_key();
                if self.is_read_by_every_council(&op.fields.body) {
                    self.touch_later_affiliations(first.map_or(key, |f| f.min(key)));
                }
            }
            Body::Vote { .. } | Body::Unknown { .. } => {}
            body => folds.extend(body.committee().map(|c| (c, None))),
        }
        for (c, dirty_from) in folds {
            self.apply_to_committee(op, ord, c, dirty_from);
        }
    }

    /// Folds op `ord` into committee `c` at once if it sorts last and
    /// nothing forces a rewind from `dirty_from`; else marks `c` dirty.
    fn apply_to_committee(&mut self, op: &Op, ord: u32, c: Hash, dirty_from: Option<(u64, Hash)>) {
        let key = op.order_key();
        let Some(log) = self.logs.get(&c) else {
            return;
        };
        let in_order = dirty_from.is_none()
            && log.dirty_from.is_none()
            && !self.layers_dirty
            && log.ops.last() == Some(ord);
        if !in_order {
            self.mark_dirty(c, dirty_from.map_or(key, |d| d.min(key)));
            return;
        }
        let Some(mut committee) = self.state.committees.remove(&c) else {
            return;
        };
        {
            let everything = self.everything();
            let view = self.t_view(&everything);
            committee.apply(op, &view);
        }
        let every = self.checkpoint_every;
        let sliding_every = self.sliding_every();
        if let Some(log) = self.logs.get_mut(&c) {
            log.since_checkpoint += 1;
            let regular = log.since_checkpoint >= every;
            let phase = log.since_checkpoint % sliding_every;
            if regular || phase == 0 {
                let checkpoint = Checkpoint {
                    key,
                    known: ord + 1,
                    level: 0,
                    sliding: !regular,
                    since_regular: if regular { 0 } else { log.since_checkpoint },
                    state: committee.clone(),
                };
                // Sliding ones are newest and not thinned: a regular one
                // replaces them, a sliding one retires the one before it.
                log.drop_sliding(usize::from(!regular));
                log.checkpoints.push(checkpoint);
                if regular {
                    log.since_checkpoint = 0;
                    super::thin(&mut log.checkpoints);
                }
            } else if phase == sliding_retirement(sliding_every) {
                log.drop_sliding(1);
            }
        }
        self.state.committees.insert(c, committee);
    }

    /// Committee ops between two sliding checkpoints (see
    /// [`super::SLIDING_SHARE`]).
    fn sliding_every(&self) -> usize {
        // At least two: the tests' small intervals would otherwise make one
        // after every op, and always project from the op before.
        (self.checkpoint_every / super::SLIDING_SHARE).max(2)
    }

    /// Committee `c` must be refolded from `from` on.
    pub(super) fn mark_dirty(&mut self, c: Hash, from: (u64, Hash)) {
        let held = self.len_u32();
        if let Some(log) = self.logs.get_mut(&c) {
            log.dirty_from = Some(log.dirty_from.map_or(from, |d| d.min(from)));
            while log.marks.last().is_some_and(|&(_, key)| key >= from) {
                log.marks.pop();
            }
            log.marks.push((held, from));
            self.dirty.insert(c);
        }
    }

    /// Brings Void(T) and every committee up to date; returns the ops whose
    /// outcome changed.
    pub(super) fn refresh_all(&mut self) -> Vec<u32> {
        let changed = self.refresh_layers();
        for c in std::mem::take(&mut self.dirty) {
            self.refresh(&c);
        }
        changed
    }

    /// The rewind: refolds committee `c` from its newest checkpoint before
    /// the earliest change.
    fn refresh(&mut self, c: &Hash) {
        let Some(log) = self.logs.get(c) else {
            return;
        };
        let Some(dirty) = log.dirty_from else {
            return;
        };
        self.count(|s| s.rewinds += 1);
        self.refolded.insert(*c);
        let split = self.split_checkpoints.borrow_mut().remove(c);
        let keep = log.checkpoints.partition_point(|cp| cp.key < dirty);
        let regular = keep.checked_sub(1).map(|i| &log.checkpoints[i]);
        // A split checkpoint before the change holds in T as it held in
        // the partition's pasts, where no op of the committee can be void
        // (it was made while the committee was uncontested, and any op
        // sorting before it since would have moved `dirty` below it).
        let split = split.filter(|s| {
            s.key < dirty && !self.is_contested(c) && regular.is_none_or(|r| r.key < s.key)
        });
        let (mut committee, start, mut since) = match split.as_deref().or(regular) {
            Some(cp) => (
                Some(Committee::clone(&cp.state)),
                Some(cp.key),
                cp.since_regular,
            ),
            None => (None, None, 0),
        };
        let everything = self.everything();
        let view = self.t_view(&everything);
        let known = self.len_u32();
        // Ops folded since the rewind's start or its newest checkpoint.
        let mut folded_since = 0;
        let mut last_key = None;
        let mut checkpoints = Vec::new();
        let ords: Vec<u32> = log.ops.after(start, |o| self.id_at(o)).collect();
        for ord in self.prefetched(&ords) {
            let op = self.op_at(ord);
            if !layers::folds(&op, ord, &view.voids) {
                continue;
            }
            fold_into(&mut committee, &op, &view);
            self.count(|s| s.rewind_folds += 1);
            last_key = Some(op.order_key());
            since += 1;
            folded_since += 1;
            if since >= self.checkpoint_every
                && let Some(state) = &committee
            {
                since = 0;
                folded_since = 0;
                checkpoints.push(Checkpoint {
                    key: op.order_key(),
                    known,
                    level: 0,
                    sliding: false,
                    since_regular: 0,
                    state: Box::new(state.clone()),
                });
                // A long rewind holds few at a time too.
                super::thin(&mut checkpoints);
            }
        }
        // The rewind's end gets a sliding checkpoint too, unless one of its
        // own lies close enough: the next late op of a long partition, or
        // the next rewind, then starts near the end.
        let end = match (&committee, last_key) {
            (Some(state), Some(key)) if folded_since >= self.sliding_every() => Some(Checkpoint {
                key,
                known,
                level: 0,
                sliding: true,
                since_regular: since,
                state: Box::new(state.clone()),
            }),
            _ => None,
        };
        let retirement = sliding_retirement(self.sliding_every());
        if let Some(log) = self.logs.get_mut(c) {
            log.dirty_from = None;
            log.checkpoints.truncate(keep);
            // Sliding checkpoints before the change stand while they are
            // the newest; any the rewind made replace them, so a committee
            // never holds more than two outside the thinning.
            if !checkpoints.is_empty() || end.is_some() {
                log.drop_sliding(0);
            }
            log.checkpoints.extend(checkpoints);
            super::thin(&mut log.checkpoints);
            log.checkpoints.extend(end);
            log.since_checkpoint = since;
            // The in-order fold retires at one count only, which a rewind
            // may have carried the count past.
            log.retire_sliding(retirement);
        }
        match committee {
            Some(committee) => self.state.committees.insert(*c, Box::new(committee)),
            None => self.state.committees.remove(c),
        };
    }

    /// Committee `c` in `state(S)` for a set S (an op's past).
    ///
    /// The whole set, fresh: the current committee. A contested committee:
    /// refolded over S with S's voids. Otherwise no op of it can be void in
    /// any set, and it is projected as before: the newest checkpoint that
    /// precedes every op S lacks and any pending rewind, then the ops of S
    /// after it. That needs no rewind, so a batch of late ops from a
    /// partition costs at most one rewind per committee, at its end.
    pub(super) fn committee_in_past(&self, c: &Hash, set: &Subset) -> Option<Cow<'_, Committee>> {
        let log = self.logs.get(c)?;
        let contested = self.is_contested(c);
        let everything = set.min().is_none_or(|m| m >= self.len_u32());
        let fresh = log.dirty_from.is_none() && !(contested && self.layers_dirty);
        if everything && fresh {
            return self.state.committees.get(c).map(|c| Cow::Borrowed(&**c));
        }
        let min_unseen = set.min().unwrap_or(u32::MAX);
        // Holding every op of the log is enough for the current fold to
        // stand for S only outside councils: a council's fold also reads
        // the acceptance closes in other councils' logs (which of two
        // crossing affiliations closes a cycle), and S may lack one that
        // changed it, whether it arrived before or after the ops it
        // changed. Which other ops a fold reads is settled by the log and
        // its ops' pasts; whether they are void, by contesting the
        // committee (see `readers`).
        let log_is_enough = !self.councils.contains(c);
        if contested {
            // Only the ops that may be void in some set (the sensitive
            // ones) can be void in S and not in the state a checkpoint or
            // the current fold read, or the reverse. What a fold reads of
            // that is their void class (a close void by a removal folds,
            // yet does not close its proposal).
            let voids = LazyVoids { dag: self, set };
            let everything = self.everything();
            let t = self.t_view(&everything);
            // (Those S lacks do not count: one in the log fails the checks
            // below, and a vote S lacks has no close in S. Asking S about
            // ops outside it could also recurse without end.)
            // (Councils never take this shortcut, so the keys they read
            // across councils need no comparing here.)
            let voids_as_in_t = || {
                self.sensitive
                    .get(c)
                    .into_iter()
                    .flatten()
                    .filter_map(|key| self.ordinal(&key.1))
                    .filter(|&o| layers::contains(set, o))
                    .all(|o| layers::void_class(o, &voids) == layers::void_class(o, &t.voids))
            };
            // The current fold stands for S when S lacks none of the log's
            // ops (a branch elsewhere) and its voids there are those the
            // current fold read: Void(T) as kept, even while it awaits a
            // refresh (a change to it marks the committee dirty).
            if log.dirty_from.is_none()
                && log_is_enough
                && !self.removal_verdicts_may_differ(c)
                && self.lacks_none_of(log, set) == Some(true)
                && voids_as_in_t()
            {
                return self.state.committees.get(c).map(|c| Cow::Borrowed(&**c));
            }
            // Else: refold from a checkpoint before every key where sets may
            // differ, folded from ops S holds, and not pending a rewind.
            let first_sensitive = self.first_sensitive_key(c);
            let usable = log.checkpoints.partition_point(|cp| {
                cp.known <= min_unseen
                    && log.dirty_from.is_none_or(|dirty| cp.key < dirty)
                    && first_sensitive.is_none_or(|first| cp.key < first)
            });
            let checkpoint = usable.checked_sub(1).map(|i| &log.checkpoints[i]);
            return self.refold_in(log, set, checkpoint).map(Cow::Owned);
        }
        let current = self.state.committees.get(c)?;
        // Checkpoints folded from ops S holds, and not pending a rewind;
        // both conditions hold on a prefix.
        let usable = |cp: &Checkpoint| {
            cp.known <= min_unseen && log.dirty_from.is_none_or(|dirty| cp.key < dirty)
        };
        let regular = log
            .checkpoints
            .partition_point(usable)
            .checked_sub(1)
            .map(|i| &log.checkpoints[i]);
        // S holds every op of the log (its ops below a usable checkpoint
        // are below `min_unseen`): the current fold stands, and no split
        // checkpoint is made for it (whose fold reads archived ops).
        if log.dirty_from.is_none()
            && log_is_enough
            && self.lacks_none_of(log, set).unwrap_or_else(|| {
                log.ops
                    .after(regular.map(|cp| cp.key), |o| self.id_at(o))
                    .all(|ord| layers::contains(set, ord))
            })
        {
            return Some(Cow::Borrowed(current));
        }
        let split = self.split_checkpoint(c, log, min_unseen, regular);
        let checkpoint = match (split.as_deref(), regular) {
            (Some(s), Some(r)) if s.key <= r.key => Some(r),
            (Some(s), _) if usable(s) => Some(s),
            _ => regular,
        };
        let tail = log
            .ops
            .after(checkpoint.map(|cp| cp.key), |o| self.id_at(o));
        let everything = self.everything();
        let view = SetView {
            dag: self,
            set,
            voids: self.t_view(&everything).voids,
        };
        let mut committee = checkpoint.map(|cp| Committee::clone(&cp.state));
        let ords: Vec<u32> = tail.filter(|&ord| layers::contains(set, ord)).collect();
        for ord in self.prefetched(&ords) {
            fold_into(&mut committee, &self.op_at(ord), &view);
            self.count(|s| s.projection_folds += 1);
        }
        committee.map(Cow::Owned)
    }

    /// A checkpoint of committee `c` at the ops below `m`: the fold of its
    /// log's ops up to (not including) the first whose ordinal is `m` or
    /// more, or that a pending rewind refolds. Like any checkpoint, it
    /// stands for every set holding the ops below `m` (a later op sorting
    /// before its key marks `c` dirty from there, which sets it aside until
    /// the rewind drops it). The ops of a partition share `m` (the first op of the
    /// other side they did not see), so one is made per committee and
    /// `m`, instead of refolding from a regular checkpoint for each op: a
    /// merge of late ops then costs about what their ingest costs.
    fn split_checkpoint(
        &self,
        c: &Hash,
        log: &CommitteeLog,
        m: u32,
        regular: Option<&Checkpoint>,
    ) -> Option<Arc<Checkpoint>> {
        if m >= self.len_u32() {
            return None;
        }
        if let Some(cp) = self.split_checkpoints.borrow().get(c)
            && cp.known == m
        {
            return Some(Arc::clone(cp));
        }
        // The lowest key marked for a rewind since op `m` was held.
        let since = log.marks.partition_point(|&(held, _)| held <= m);
        let marked_since = log.marks.get(since).map(|&(_, key)| key);
        // Worth making only when more than a quarter of a sliding interval
        // of the log's ops lie past the newest checkpoint below `m`.
        let mut below_m = log
            .ops
            .after(regular.map(|cp| cp.key), |o| self.id_at(o))
            .map(|ord| (self.entries[ord as usize].order_key(), ord))
            .take_while(|&(key, ord)| {
                ord < m
                    && log.dirty_from.is_none_or(|dirty| key < dirty)
                    && marked_since.is_none_or(|mark| key < mark)
            })
            .peekable();
        below_m.peek()?;
        // (A fraction of the interval: the small intervals of the
        // convergence tests make split checkpoints at almost every
        // projection of a partition's op.)
        below_m.clone().nth(self.sliding_every() / 4)?;
        let before = Subset::from_ordinal(m);
        let everything = self.everything();
        let view = SetView {
            dag: self,
            set: &before,
            voids: self.t_view(&everything).voids,
        };
        let mut committee = regular.map(|cp| Committee::clone(&cp.state));
        let (keys, ords): (Vec<(u64, Hash)>, Vec<u32>) = below_m.unzip();
        let since_regular = regular.map_or(0, |cp| cp.since_regular) + ords.len();
        for ord in self.prefetched(&ords) {
            fold_into(&mut committee, &self.op_at(ord), &view);
            self.count(|s| s.rewind_folds += 1);
        }
        let key = keys.last().copied();
        let checkpoint = Arc::new(Checkpoint {
            key: key?,
            known: m,
            level: 0,
            sliding: false,
            since_regular,
            state: Box::new(committee?),
        });
        self.split_checkpoints
            .borrow_mut()
            .insert(*c, Arc::clone(&checkpoint));
        self.count(|s| s.split_checkpoints += 1);
        Some(checkpoint)
    }

    /// Whether `set` holds every op of the committee's log, found from the
    /// few ops the set lacks (an op's past lacks only what was concurrent
    /// with it); `None` when it lacks too many to look at.
    fn lacks_none_of(&self, log: &CommitteeLog, set: &Subset) -> Option<bool> {
        let known = self.len_u32();
        if set.iter_below(known).nth(MAX_LACKING_SCAN).is_some() {
            return None;
        }
        Some(set.iter_below(known).all(|o| {
            let key = self.entries[o as usize].order_key();
            !log.ops.contains(key, o, |o| self.id_at(o))
        }))
    }

    /// A contested committee folded over `set` with the set's own voids,
    /// from `checkpoint` (which holds in every set, see `sensitive`) or from
    /// its creation.
    fn refold_in(
        &self,
        log: &CommitteeLog,
        set: &Subset,
        checkpoint: Option<&Checkpoint>,
    ) -> Option<Committee> {
        let view = SetView {
            dag: self,
            set,
            voids: LazyVoids { dag: self, set },
        };
        let mut committee: Option<Committee> = checkpoint.map(|cp| Committee::clone(&cp.state));
        let ords: Vec<u32> = log
            .ops
            .after(checkpoint.map(|cp| cp.key), |o| self.id_at(o))
            .filter(|&ord| layers::contains(set, ord))
            .collect();
        for ord in self.prefetched(&ords) {
            let op = self.op_at(ord);
            if !layers::folds(&op, ord, &view.voids) {
                continue;
            }
            fold_into(&mut committee, &op, &view);
        }
        committee
    }

    /// `state(past(X))` for authorisation, for an op with past `set`.
    pub(super) fn projected<'a>(&'a self, set: &'a Subset) -> ProjectedView<'a> {
        ProjectedView { engine: self, set }
    }
}

/// Ops after a sliding checkpoint that retire the one before it (see
/// [`super::SLIDING_RETIREMENT`]): at least one, and fewer than an
/// interval.
fn sliding_retirement(sliding_every: usize) -> usize {
    (sliding_every / super::SLIDING_RETIREMENT).clamp(1, sliding_every - 1)
}

/// A projection scans at most this many ops a set lacks for one in the
/// committee's log before it refolds instead.
const MAX_LACKING_SCAN: usize = 256;

/// The committee whose scope an op naming `op` is in: a committee's
/// creation names itself; a proposal or demand, its committee.
fn scope_of(op: &Op) -> Option<Hash> {
    match op.fields.body {
        Body::CreateCommittee { .. } => Some(op.id),
        ref body => body.owning_committee(),
    }
}

/// Folds `op` into a committee being refolded from its log: its creation
/// starts it (a void creation leaves nothing to fold into).
fn fold_into(committee: &mut Option<Committee>, op: &Op, ctx: &impl FoldContext) {
    match committee {
        None => *committee = Committee::created_by(op),
        Some(c) => c.apply(op, ctx),
    }
}
