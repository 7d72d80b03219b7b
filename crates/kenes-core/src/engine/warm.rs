//! Warming the caches ahead of the fold (issue 18). At a million ops the
//! engine's tables (ids, authors, vouches, committees) are far larger
//! than the CPU's caches, so each op offered waits on a handful of memory
//! reads, one after another, in between its checks and its fold. Before a
//! run of [`WARM_AHEAD`] ops is offered, the reads each of them will make
//! are made here for all of them in one tight loop, where the misses of
//! different ops overlap, and their results are dropped. Only reads: what
//! is accepted, and every result, is as without it.

use super::Engine;
use crate::op::Op;
use std::hint::black_box;

/// Ops warmed at a time: enough for their misses to overlap, few enough
/// that what they bring in is still cached when each is offered.
pub(super) const WARM_AHEAD: usize = 16;

impl Engine {
    /// Makes, and forgets, the lookups that offering `op` will make first:
    /// its parents and their entries, its own id, its author's record and
    /// vouches, and its committee's log and state.
    pub(super) fn warm(&self, op: &Op) {
        for parent in op.parents() {
            if let Some(ord) = self.by_id.get(parent, &self.entries) {
                black_box(self.entries[ord as usize].lamport());
            }
        }
        black_box(self.by_id.get(&op.id, &self.entries));
        let author = &op.fields.author;
        if let Some(&number) = self.author_numbers.get(author) {
            let record = &self.authors[number as usize];
            black_box((record.log.last(), record.joined.first()));
        }
        black_box(self.vouches_for.get(author).map(|v| v.first().copied()));
        if let Some(c) = op.fields.body.committee() {
            black_box(self.logs.get(&c).map(|log| log.checkpoints.len()));
            black_box(self.scopes.get(&c));
            if let Some(committee) = self.state.committees.get(&c) {
                black_box(committee.members.contains(author));
            }
        }
    }
}
