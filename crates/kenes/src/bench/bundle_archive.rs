//! The scale bench's re-fold keeps op bytes as a store's load does: once
//! folded, an op's bytes are forgotten and read back, when a rewind or a
//! projection asks, from where they already are: the bundle file being
//! re-folded. Without it the re-fold's engine would hold every op's bytes
//! (about 280 MB a million ops), which no command's engine does.

use kenes_core::engine::{ArchiveError, OpArchive};
use kenes_core::prepare::Prepared;
use kenes_core::{Engine, Hash, IngestReport};
use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::sync::{Arc, Mutex};

/// Reads ops back from a bundle by ordinal: the offset of each op's
/// length prefix, in ordinal order, appended as the re-fold accepts them.
pub(super) struct BundleArchive {
    /// Seeked under its lock (portable, unlike positioned reads).
    file: Mutex<File>,
    offsets: Arc<Mutex<Vec<u64>>>,
}

impl BundleArchive {
    /// An archive over the bundle at `file`, and the handle that records
    /// where each accepted op lies.
    pub(super) fn open(file: File) -> (BundleArchive, Offsets) {
        let offsets = Arc::new(Mutex::new(Vec::new()));
        let archive = BundleArchive {
            file: Mutex::new(file),
            offsets: Arc::clone(&offsets),
        };
        (archive, Offsets(offsets))
    }
}

impl OpArchive for BundleArchive {
    fn read(&self, ord: u32) -> Result<Vec<u8>, ArchiveError> {
        let failed = |reason: String| ArchiveError { ord, reason };
        let offset = *self
            .offsets
            .lock()
            .map_err(|_| failed("offsets poisoned".into()))?
            .get(ord as usize)
            .ok_or_else(|| failed("not in the bundle".into()))?;
        let mut file = self
            .file
            .lock()
            .map_err(|_| failed("bundle poisoned".into()))?;
        let mut len = [0u8; 4];
        file.seek(SeekFrom::Start(offset))
            .and_then(|_| file.read_exact(&mut len))
            .map_err(|e| failed(e.to_string()))?;
        let mut bytes = vec![0; u32::from_le_bytes(len) as usize];
        file.read_exact(&mut bytes)
            .map_err(|e| failed(e.to_string()))?;
        Ok(bytes)
    }
}

/// Where the re-fold records each accepted op's place in the bundle.
pub(super) struct Offsets(Arc<Mutex<Vec<u64>>>);

impl Offsets {
    /// Records where the ops `report` accepted from `prepared` lie (their
    /// length prefixes at `at`, in `prepared`'s order), then lets `engine`
    /// forget their bytes. Every op must be accepted in the batch that
    /// brought it (a bundle in causal order), so that ordinals and
    /// offsets stay in step.
    pub(super) fn accepted(
        &self,
        engine: &mut Engine,
        ids: &HashMap<Hash, u64>,
        report: &IngestReport,
    ) -> anyhow::Result<()> {
        let mut offsets = self
            .0
            .lock()
            .map_err(|_| anyhow::anyhow!("offsets poisoned"))?;
        for &ord in &report.accepted {
            anyhow::ensure!(
                ord as usize == offsets.len(),
                "the re-fold's bundle must be in causal order"
            );
            let id = engine.entries()[ord as usize].id;
            let offset = ids
                .get(&id)
                .ok_or_else(|| anyhow::anyhow!("an accepted op is not in its batch"))?;
            offsets.push(*offset);
        }
        let archived = offsets.len() as u32;
        drop(offsets);
        engine.archive_below(archived);
        Ok(())
    }
}

/// The ids of a prepared batch's ops, each with where its length prefix
/// lies: the batch's first at `start`, each record 4 bytes of length
/// then the op (`lens`, in the batch's order).
pub(super) fn places(prepared: &Prepared, start: u64, lens: &[usize]) -> HashMap<Hash, u64> {
    let mut at = start;
    let mut places = HashMap::with_capacity(lens.len());
    for (id, &len) in prepared.ids().zip(lens) {
        if let Some(id) = id {
            places.insert(id, at);
        }
        at += 4 + len as u64;
    }
    places
}

/// Counts the bytes read through it: where the next bundle record starts.
pub(super) struct Counting<R> {
    pub(super) inner: R,
    pub(super) read: u64,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        Ok(n)
    }
}
