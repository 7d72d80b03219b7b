//! Op bytes the engine no longer keeps in memory (issue 18): once the
//! store has committed an op, the engine may forget its canonical bytes
//! (about 260 of an op's resident bytes) and read them back through an
//! [`OpArchive`] when a rewind, a projection, a page or a peer needs them.
//! The engine stays without I/O: the archive is the adapter's.

use super::Engine;
use crate::op::{self, Op};
use crate::types::Hash;
use std::borrow::Cow;
use std::sync::Arc;

/// Where an engine reads back the bytes of the accepted ops it archived:
/// the store's `ops` table, keyed by the same ordinals.
pub trait OpArchive: Send {
    /// The stored bytes of accepted op `ord`.
    fn read(&self, ord: u32) -> Result<Vec<u8>, ArchiveError>;

    /// The stored bytes of each of `ords` (distinct), in their order: one
    /// request where the archive can (a rewind reads a committee's ops in
    /// turn).
    fn read_many(&self, ords: &[u32]) -> Result<Vec<Vec<u8>>, ArchiveError> {
        ords.iter().map(|&ord| self.read(ord)).collect()
    }
}

/// Archived ops a rewind or a projection reads back with one request.
const PREFETCHED: usize = 256;

/// Why archived bytes could not be read back.
#[derive(Debug, thiserror::Error)]
#[error("op {ord} could not be read back from the store: {reason}")]
pub struct ArchiveError {
    /// The ordinal asked for.
    pub ord: u32,
    /// What went wrong, from the store.
    pub reason: String,
}

impl Engine {
    /// Reads the bytes of ops through `archive` once they are archived
    /// (see [`Engine::archive_below`]).
    pub fn set_archive(&mut self, archive: Box<dyn OpArchive>) {
        self.archive = Some(archive);
    }

    /// Forgets the bytes of accepted ops before ordinal `end`, which the
    /// archive holds (committed to the store). Without an archive, keeps
    /// them. Results never depend on it.
    pub fn archive_below(&mut self, end: u32) {
        if self.archive.is_none() {
            return;
        }
        let end = end.min(self.len_u32());
        while self.archived_below < end {
            self.resident.pop_front();
            self.archived_below += 1;
        }
    }

    /// The canonical bytes of accepted op `ord`, unless they were archived.
    pub(super) fn resident_bytes(&self, ord: u32) -> Option<&[u8]> {
        let at = ord.checked_sub(self.archived_below)?;
        self.resident.get(at as usize).map(|b| &**b)
    }

    /// How many ops have their bytes archived: the first this many.
    pub fn archived(&self) -> u32 {
        self.archived_below
    }

    /// The canonical bytes of accepted op `ord`, exactly as stored and
    /// sent: from memory, or read back from the archive.
    ///
    /// # Panics
    /// If archived bytes cannot be read back, or are not the op's (its id
    /// is BLAKE3 of them): the store under a running engine became
    /// unreadable or was changed, and no result may rest on it.
    pub fn bytes_at(&self, ord: u32) -> Cow<'_, [u8]> {
        if let Some(bytes) = self.resident_bytes(ord) {
            return Cow::Borrowed(bytes);
        }
        let archive = self
            .archive
            .as_ref()
            .expect("bytes are archived only with an archive");
        self.count(|s| s.archive_reads += 1);
        let bytes = archive.read(ord).unwrap_or_else(|e| panic!("{e}"));
        self.check_read_back(ord, &bytes);
        Cow::Owned(bytes)
    }

    /// Archived bytes are the op's: its id is BLAKE3 of them.
    fn check_read_back(&self, ord: u32, bytes: &[u8]) {
        assert!(
            Hash::of(bytes) == self.entries[ord as usize].id,
            "op {ord} read back from the store is not the op accepted there"
        );
    }

    /// `ords`, each chunk of which has its archived ops read back with one
    /// request and decoded (among the recently decoded ops) just before
    /// the chunk is iterated, for a caller that reads them in turn.
    pub(super) fn prefetched<'a>(&'a self, ords: &'a [u32]) -> impl Iterator<Item = u32> + 'a {
        ords.chunks(PREFETCHED).flat_map(move |chunk| {
            self.prefetch(chunk);
            chunk.iter().copied()
        })
    }

    fn prefetch(&self, ords: &[u32]) {
        let Some(archive) = &self.archive else {
            return;
        };
        // Room first: a clear after choosing what to read would drop the
        // chunk's ops that were already decoded.
        {
            let mut decoded = self.decoded.0.borrow_mut();
            if decoded.len() + ords.len() > super::DECODED_OPS_KEPT {
                decoded.clear();
            }
        }
        let wanted: Vec<u32> = {
            let decoded = self.decoded.0.borrow();
            ords.iter()
                .copied()
                .filter(|&o| self.resident_bytes(o).is_none() && !decoded.contains_key(&o))
                .collect()
        };
        if wanted.is_empty() {
            return;
        }
        self.count(|s| s.archive_reads += wanted.len() as u64);
        let read = archive.read_many(&wanted).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(read.len(), wanted.len(), "the archive answers each op");
        let mut decoded = self.decoded.0.borrow_mut();
        for (ord, bytes) in wanted.into_iter().zip(read) {
            self.check_read_back(ord, &bytes);
            let id = self.entries[ord as usize].id;
            decoded.insert(ord, Arc::new(op::decode_accepted(id, &bytes)));
        }
    }

    /// The canonical bytes of every accepted op, in acceptance order.
    pub fn accepted_bytes(&self) -> impl ExactSizeIterator<Item = Cow<'_, [u8]>> + '_ {
        (0..self.len_u32()).map(|o| self.bytes_at(o))
    }

    /// Accepted op `ord`, decoded (from the recently decoded ones if it
    /// is there): entries keep no decoded op ([`super::Entry`]).
    pub fn op_at(&self, ord: u32) -> Arc<Op> {
        if let Some(op) = self.decoded.0.borrow().get(&ord) {
            return op.clone();
        }
        let op = Arc::new(op::decode_accepted(
            self.entries[ord as usize].id,
            &self.bytes_at(ord),
        ));
        let mut decoded = self.decoded.0.borrow_mut();
        if decoded.len() >= super::DECODED_OPS_KEPT {
            decoded.clear();
        }
        decoded.insert(ord, op.clone());
        op
    }

    /// The accepted op with this id, decoded.
    pub fn op_by_id(&self, id: &Hash) -> Option<Arc<Op>> {
        self.ordinal(id).map(|ord| self.op_at(ord))
    }

    /// An entry's op, decoded.
    pub fn decoded(&self, entry: &super::Entry) -> Arc<Op> {
        self.op_at(self.ordinal(&entry.id).expect("an entry's op is accepted"))
    }

    /// The canonical bytes of an entry's op; see [`Engine::bytes_at`].
    pub fn bytes_of(&self, entry: &super::Entry) -> Cow<'_, [u8]> {
        self.bytes_at(self.ordinal(&entry.id).expect("an entry's op is accepted"))
    }

    /// The body of accepted op `ord`.
    pub(crate) fn body_at(&self, ord: u32) -> crate::body::Body {
        if let Some(bytes) = self.resident_bytes(ord) {
            return op::accepted_body(bytes);
        }
        // Archived: decoded once, through the recently decoded ops.
        self.op_at(ord).fields.body.clone()
    }
}
