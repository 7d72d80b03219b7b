//! The preparing pool: decoding, the stateless checks and signature
//! verification of batches of ops on every core, at a lower priority,
//! while the calling thread accepts the batches in the order it sent them.
//!
//! Why a pool of parts: the calling thread's work (fold, commit) is serial
//! and it has a core whenever it needs one; preparing takes every cycle it
//! leaves, on every core while it waits and on the others while it works.
//! A batch split once per core, with every thread awaited before the next
//! batch started, left a core idle whenever the halves finished apart, and
//! a load that prepared each chunk before folding it left the other core
//! idle while it folded.

use kenes_core::Verify;
use kenes_core::prepare::{Prepared, Preparer, VERIFY_BATCH};
use std::collections::VecDeque;
use std::sync::{Mutex, mpsc};

/// Ops per part of a batch that one preparing thread takes: four
/// verification batches, so that a batch's parts spread over the cores
/// evenly.
const PART: usize = 4 * VERIFY_BATCH;

/// Batches sent to the preparing threads and not yet taken back, with the
/// caller's tag for each.
pub struct PreparingPool<T, I> {
    to_pool: mpsc::Sender<Part<I>>,
    done: mpsc::Receiver<PreparedPart>,
    in_flight: VecDeque<InFlight<T>>,
    /// The number of the oldest batch in flight.
    oldest: u64,
}

struct Part<I> {
    batch: u64,
    index: usize,
    ops: Vec<I>,
}

/// A part prepared, or the panic that preparing it raised.
struct PreparedPart {
    batch: u64,
    index: usize,
    prepared: std::thread::Result<Prepared>,
}

struct InFlight<T> {
    tag: T,
    /// Its parts, in order, as they come back.
    parts: Vec<Option<Prepared>>,
    /// Parts not back yet.
    missing: usize,
}

/// Runs `body` with a pool of preparing threads, one per core, that
/// prepare under `verify`. The threads stop when `body` returns. A
/// preparing thread that panics passes its panic on to `body`'s thread.
pub fn with_preparing_pool<T, I, R>(
    verify: Verify,
    body: impl FnOnce(&mut PreparingPool<T, I>) -> R,
) -> R
where
    I: AsRef<[u8]> + Send,
{
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let (to_pool, parts) = mpsc::channel::<Part<I>>();
    let parts = Mutex::new(parts);
    let (to_caller, done) = mpsc::channel::<PreparedPart>();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let parts = &parts;
            let to_caller = to_caller.clone();
            scope.spawn(move || {
                yield_to_other_threads();
                let mut preparer = Preparer::new();
                // The lock is held only to take a part, and no thread
                // panics holding it: a panic is caught below.
                while let Ok(Part { batch, index, ops }) = parts
                    .lock()
                    .map_err(drop)
                    .and_then(|parts| parts.recv().map_err(drop))
                {
                    let prepared = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        preparer.prepare_here(&ops, verify)
                    }));
                    drop(ops);
                    let failed = prepared.is_err();
                    let part = PreparedPart {
                        batch,
                        index,
                        prepared,
                    };
                    if to_caller.send(part).is_err() || failed {
                        break;
                    }
                }
            });
        }
        drop(to_caller);
        let mut pool = PreparingPool {
            to_pool,
            done,
            in_flight: VecDeque::new(),
            oldest: 0,
        };
        // The pool (and its sender) is dropped before the scope awaits the
        // threads, so they stop.
        body(&mut pool)
    })
}

impl<T, I: AsRef<[u8]> + Send> PreparingPool<T, I> {
    /// Batches sent and not yet taken back.
    pub fn in_flight(&self) -> usize {
        self.in_flight.len()
    }

    /// Sends a batch to be prepared, in parts; `tag` comes back with it.
    pub fn send(&mut self, tag: T, ops: Vec<I>) {
        let batch = self.oldest + self.in_flight.len() as u64;
        let mut ops = ops.into_iter().peekable();
        let mut index = 0;
        while ops.peek().is_some() {
            let part: Vec<I> = ops.by_ref().take(PART).collect();
            // A closed pool: every thread has stopped after a panic, which
            // `take_next` passes on.
            let _ = self.to_pool.send(Part {
                batch,
                index,
                ops: part,
            });
            index += 1;
        }
        self.in_flight.push_back(InFlight {
            tag,
            parts: (0..index).map(|_| None).collect(),
            missing: index,
        });
    }

    /// The oldest batch in flight, prepared, with its tag; waits for it.
    /// None if none is in flight.
    pub fn take_next(&mut self) -> Option<(T, Prepared)> {
        while self.in_flight.front()?.missing > 0 {
            let PreparedPart {
                batch,
                index,
                prepared,
            } = self
                .done
                .recv()
                .expect("preparing threads stop only when the pool is dropped, or after a panic they pass on");
            let prepared = prepared.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            let waiting = &mut self.in_flight[(batch - self.oldest) as usize];
            waiting.parts[index] = Some(prepared);
            waiting.missing -= 1;
        }
        let InFlight { tag, parts, .. } = self.in_flight.pop_front()?;
        self.oldest += 1;
        let mut prepared = Prepared::default();
        for part in parts.into_iter().flatten() {
            prepared.append(part);
        }
        Some((tag, prepared))
    }
}

/// Lowers the calling thread's scheduling priority (its nice value), so
/// that the preparing threads take whatever the accepting thread leaves:
/// that thread's work is serial, and at an equal share of the cores it
/// would be the slower side. Best effort: where it fails or the OS has no
/// per-thread priority, nothing changes but speed.
fn yield_to_other_threads() {
    #[cfg(target_os = "linux")]
    {
        // Relative to the process's own nice value (on Linux, `nice`
        // changes the calling thread only).
        // SAFETY: a plain system call on the calling thread, no memory.
        unsafe {
            let _ = libc::nice(PREPARING_NICE);
        }
    }
}

/// How much nicer the preparing threads are than the accepting thread: at
/// 10 more, it gets about nine tenths of a core whenever it runs.
#[cfg(target_os = "linux")]
const PREPARING_NICE: libc::c_int = 10;

#[cfg(test)]
mod tests {
    use super::*;
    use kenes_core::op::genesis;
    use kenes_core::{Body, Engine, Hash, SecretKey};

    #[test]
    fn batches_come_back_in_order_with_every_part_in_place() {
        // Ops of strangers, each dropped (no standing) with its id: the
        // drops, in input order, show the order the pool gave them back
        // in. An input that is no op is dropped without one.
        let key = SecretKey::from_bytes([7; 32]);
        let g = genesis(&key, "Kazakhstan", 0);
        let mut author = Engine::new(g.id);
        author.ingest(std::slice::from_ref(&g.bytes), Verify::Signatures);
        let mut inputs = vec![];
        for i in 0..3 * PART as u32 {
            let mut seed = [1; 32];
            seed[..4].copy_from_slice(&i.to_le_bytes());
            let body = Body::Profile {
                name: format!("n{i}"),
            };
            inputs.push(author.author(&SecretKey::from_bytes(seed), body, 1).bytes);
        }
        // Batches within a part, empty, across parts, of exactly a part,
        // and the rest; each but the empty one with an input that is no op.
        let sizes = [
            1,
            0,
            PART + PART / 2,
            PART,
            inputs.len() - 1 - PART / 2 - 2 * PART,
        ];
        let mut batches = vec![];
        let mut rest = inputs.into_iter();
        for &size in &sizes {
            let mut batch: Vec<Vec<u8>> = rest.by_ref().take(size).collect();
            if size > 0 {
                batch.insert(size / 2, b"not an op".to_vec());
            }
            batches.push(batch);
        }
        let mut replica = Engine::new(g.id);
        replica.ingest(std::slice::from_ref(&g.bytes), Verify::Signatures);
        with_preparing_pool(Verify::Signatures, |pool| {
            for (number, batch) in batches.iter().enumerate() {
                pool.send(number, batch.clone());
            }
            for (number, batch) in batches.iter().enumerate() {
                let (tag, prepared) = pool.take_next().expect("a batch in flight");
                assert_eq!(tag, number);
                assert_eq!(prepared.len(), batch.len());
                let report = replica.ingest_prepared_in_order(prepared);
                // The input that is no op first: it is dropped before any
                // op is offered.
                let dropped: Vec<Option<Hash>> = report.dropped.iter().map(|(id, _)| *id).collect();
                let expected: Vec<Option<Hash>> = batch
                    .iter()
                    .filter(|bytes| *bytes == b"not an op")
                    .map(|_| None)
                    .chain(
                        batch
                            .iter()
                            .filter(|bytes| *bytes != b"not an op")
                            .map(|bytes| Some(Hash::of(bytes))),
                    )
                    .collect();
                assert!(dropped == expected, "batch {number} came back out of order");
            }
            assert!(pool.take_next().is_none());
        });
    }
}
