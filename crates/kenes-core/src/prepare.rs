//! Preparing raw ops for acceptance: decoding, the stateless rules and
//! signature verification, spread over every core.
//!
//! All of this is a pure function of the bytes, so it needs no engine and
//! can run on other threads while the engine accepts and the store commits
//! the previous batch (see `kenes_store::Store::ingest_stream`).
//!
//! One shortcut, which changes no result: the small-order test of an author
//! key costs a point decompression, so a [`Preparer`] remembers the keys
//! that already passed it (and each thread the keys it passed in its
//! chunk). Ops whose signatures are trusted skip it: it only guards
//! signature verification (ZIP-215 accepts forgeries under such keys), and
//! such an op passed it when it was first stored.

use crate::engine::{DropReason, Verify};
use crate::keys;
use crate::op::Op;
use crate::types::{Hash, PublicKey, Signature};
use crate::validate::{self, StatelessError};
use std::collections::HashSet;

/// Signatures per batch verification.
pub const VERIFY_BATCH: usize = 256;

/// Raw ops after decoding, stateless checks and signature verification,
/// in input order. Opaque: only a [`Preparer`] makes one, so every op in it
/// is its own canonical bytes decoded (the engine keeps the bytes and
/// decodes them again; a hand-built op whose fields disagreed with its
/// bytes would fold one thing and store another).
#[derive(Debug, Default)]
pub struct Prepared {
    /// Each input: the op, or why it is dropped.
    pub(crate) items: Vec<Checked>,
}

impl Prepared {
    /// The id of each input's op, in input order: `None` for an input
    /// dropped before it was decoded.
    pub fn ids(&self) -> impl Iterator<Item = Option<Hash>> + '_ {
        self.items.iter().map(|item| match item {
            Ok(op) => Some(op.id),
            Err((id, _)) => *id,
        })
    }

    /// How many inputs it covers.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True if it covers no input.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Appends `next`, prepared from the inputs that follow this one's:
    /// the parts of a batch prepared on several threads, joined in order.
    pub fn append(&mut self, next: Prepared) {
        self.items.extend(next.items);
    }
}

/// Prepares batches of raw ops; remembers author keys already vetted.
#[derive(Debug, Default, Clone)]
pub struct Preparer {
    vetted: HashSet<PublicKey>,
}

type Checked = Result<Op, (Option<Hash>, DropReason)>;

fn check_chunk<B: AsRef<[u8]>>(
    raw: &[B],
    verify: Verify,
    vetted: &HashSet<PublicKey>,
) -> Vec<Checked> {
    let mut vetted_here: HashSet<PublicKey> = HashSet::new();
    let mut out: Vec<Checked> = raw
        .iter()
        .map(|bytes| {
            let op = validate::check_canonical(bytes.as_ref()).map_err(|e| (None, e.into()))?;
            let author = &op.fields.author;
            let stateless = if verify == Verify::Trusted
                || vetted.contains(author)
                || vetted_here.contains(author)
            {
                validate::check_seq_prev(&op)
                    .and_then(|()| validate::check_deps(&op))
                    .and_then(|()| validate::check_has_parent(&op))
                    .and_then(|()| validate::check_genesis_shape(&op))
                    .and_then(|()| validate::check_body_fields(&op))
            } else {
                validate::check_all_but_signature(&op).inspect(|()| {
                    vetted_here.insert(*author);
                })
            };
            stateless.map_err(|e| (Some(op.id), e.into()))?;
            Ok(op)
        })
        .collect();
    if verify == Verify::Signatures {
        let candidates: Vec<usize> = (0..out.len()).filter(|&i| out[i].is_ok()).collect();
        for group in candidates.chunks(VERIFY_BATCH) {
            let items: Vec<(PublicKey, &[u8], Signature)> = group
                .iter()
                .filter_map(|&i| out[i].as_ref().ok())
                .map(|op| (op.fields.author, op.signed_message(), op.sig))
                .collect();
            let verdicts = keys::verify_many(&items);
            drop(items);
            for (&i, ok) in group.iter().zip(verdicts) {
                if !ok {
                    let id = out[i].as_ref().ok().map(|op| op.id);
                    out[i] = Err((id, StatelessError::BadSignature.into()));
                }
            }
        }
    }
    out
}

impl Preparer {
    /// A preparer with no vetted keys yet.
    pub fn new() -> Preparer {
        Preparer::default()
    }

    /// Decodes, checks and (unless `Trusted`) verifies `raw` on every core.
    pub fn prepare<B: AsRef<[u8]> + Sync>(&mut self, raw: &[B], verify: Verify) -> Prepared {
        // Small batches (live ops) stay on this thread; asking for the core
        // count reads cgroup files, so only large batches ask.
        let small = raw.len() < 2 * VERIFY_BATCH;
        let threads = if small {
            1
        } else {
            std::thread::available_parallelism().map_or(1, |n| n.get())
        };
        if threads <= 1 {
            return self.prepare_here(raw, verify);
        }
        let per_thread = raw.len().div_ceil(threads);
        let vetted = &self.vetted;
        let items: Vec<Checked> = std::thread::scope(|scope| {
            let handles: Vec<_> = raw
                .chunks(per_thread)
                .map(|chunk| scope.spawn(move || check_chunk(chunk, verify, vetted)))
                .collect();
            handles
                .into_iter()
                // A verifying thread that panicked must not lose its ops
                // silently: the panic goes on here.
                .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        });
        self.remember_vetted(items, verify)
    }

    /// Like [`Preparer::prepare`], on this thread only: for a pool of
    /// threads that each take a part of a batch.
    pub fn prepare_here<B: AsRef<[u8]>>(&mut self, raw: &[B], verify: Verify) -> Prepared {
        let items = check_chunk(raw, verify, &self.vetted);
        self.remember_vetted(items, verify)
    }

    fn remember_vetted(&mut self, items: Vec<Checked>, verify: Verify) -> Prepared {
        // Only keys this call tested: trusted ops skipped the test.
        if verify == Verify::Signatures {
            for op in items.iter().flatten() {
                self.vetted.insert(op.fields.author);
            }
        }
        Prepared { items }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::body::Body;
    use crate::keys::SecretKey;
    use crate::op::{UnsignedOp, VERSION};

    /// An op whose author is the identity point, a key of small order.
    fn under_small_order_key(name: &str) -> Vec<u8> {
        let mut identity = [0u8; 32];
        identity[0] = 1;
        UnsignedOp {
            version: VERSION,
            federation: Hash::of(b"fed"),
            author: PublicKey(identity),
            seq: 1,
            prev: Some(Hash::of(b"p")),
            deps: vec![],
            lamport: 2,
            time: 0,
            body: Body::Profile { name: name.into() },
        }
        .sign(&SecretKey::from_bytes([9; 32]))
        .bytes
    }

    /// Trusted ops skip the small-order test and so vouch for no key: the
    /// same key's ops from outside are each still tested.
    #[test]
    fn a_small_order_key_is_refused_after_trusted_ops_under_it() {
        let mut preparer = Preparer::new();
        let ops = vec![under_small_order_key("a"), under_small_order_key("b")];
        let trusted = preparer.prepare(&ops, Verify::Trusted);
        assert!(trusted.items.iter().all(Result::is_ok));
        let checked = preparer.prepare(&ops, Verify::Signatures);
        for item in &checked.items {
            assert!(
                matches!(
                    item,
                    Err((_, DropReason::Stateless(StatelessError::SmallOrderKey)))
                ),
                "{item:?}"
            );
        }
    }
}
