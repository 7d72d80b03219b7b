//! Sneakernet files: op bundles and frontiers.
//!
//! A **bundle** is a versioned file of signed ops:
//!
//! ```text
//! "KENESBDL" | version: u8 = 1 | federation: 32 bytes | count: u64 LE
//! count × ( length: u32 LE | op bytes )
//! BLAKE3 of everything above: 32 bytes
//! ```
//!
//! A **frontier** lists a node's DAG heads, so that a peer can export only
//! what that node lacks (both branches of a fork travel, unlike per-author
//! sequence numbers):
//!
//! ```text
//! "KENESFRT" | version: u8 = 1 | federation: 32 bytes | count: u32 LE
//! count × head id (32 bytes) | BLAKE3 of everything above: 32 bytes
//! ```
//!
//! Readers treat files as hostile: every length is bounded before anything
//! is allocated, and the checksum is verified before anything is returned,
//! so a truncated or corrupted file yields an error and no ops at all.
//!
//! Bundles of any size are read as a stream (issue 12): [`check_bundle`]
//! verifies a whole file holding one record at a time, then a
//! [`BundleReader`] hands out its ops in batches bounded in count and bytes,
//! so memory is bounded by a constant times the largest op, whatever the
//! file. [`read_bundle`] reads a small bundle (an upload) into memory.

use kenes_core::Hash;
use kenes_core::op::MAX_OP_BYTES;
use std::io::{self, Read, Write};

const BUNDLE_MAGIC: &[u8; 8] = b"KENESBDL";
const FRONTIER_MAGIC: &[u8; 8] = b"KENESFRT";
const VERSION: u8 = 1;
/// Most heads a frontier file may list.
pub const MAX_FRONTIER_HEADS: u32 = 1_000_000;

/// Why a bundle or frontier file was refused.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    /// Reading failed.
    #[error("cannot read file: {0}")]
    Io(#[from] io::Error),
    /// The file does not start with the right magic bytes.
    #[error("not a kenes {0} file")]
    NotThisKind(&'static str),
    /// A newer format version.
    #[error("unsupported {what} version {version}")]
    UnsupportedVersion {
        /// bundle or frontier
        what: &'static str,
        /// the version found
        version: u8,
    },
    /// The file ends early.
    #[error("file is truncated")]
    Truncated,
    /// A record is larger than any op can be.
    #[error("file is corrupted: a record of {0} bytes exceeds the op size limit")]
    RecordTooLarge(u32),
    /// The checksum does not match the contents.
    #[error("file is corrupted: checksum mismatch")]
    Checksum,
    /// Bytes follow the checksum.
    #[error("file is corrupted: data after the end")]
    TrailingData,
    /// Too many heads in a frontier.
    #[error("frontier lists {0} heads, more than the limit")]
    TooManyHeads(u32),
}

/// A bundle's contents.
#[derive(Debug, Clone)]
pub struct Bundle {
    /// The federation the ops belong to.
    pub federation: Hash,
    /// The ops' bytes, in file order (causal order when written by kenes).
    pub ops: Vec<Vec<u8>>,
}

/// A frontier's contents.
#[derive(Debug, Clone)]
pub struct Frontier {
    /// The federation.
    pub federation: Hash,
    /// The exporting node's DAG heads.
    pub heads: Vec<Hash>,
}

struct HashingWriter<W: Write> {
    inner: W,
    hasher: blake3::Hasher,
}

impl<W: Write> HashingWriter<W> {
    fn put(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.hasher.update(bytes);
        self.inner.write_all(bytes)
    }
    fn finish(mut self) -> io::Result<W> {
        let digest = self.hasher.finalize();
        self.inner.write_all(digest.as_bytes())?;
        self.inner.flush()?;
        Ok(self.inner)
    }
}

struct HashingReader<R: Read> {
    inner: R,
    hasher: blake3::Hasher,
}

impl<R: Read> HashingReader<R> {
    fn take<const N: usize>(&mut self) -> Result<[u8; N], BundleError> {
        let mut buf = [0u8; N];
        self.fill(&mut buf)?;
        Ok(buf)
    }
    fn fill(&mut self, buf: &mut [u8]) -> Result<(), BundleError> {
        self.inner.read_exact(buf).map_err(|e| match e.kind() {
            io::ErrorKind::UnexpectedEof => BundleError::Truncated,
            _ => BundleError::Io(e),
        })?;
        self.hasher.update(buf);
        Ok(())
    }
    fn header(&mut self, magic: &[u8; 8], what: &'static str) -> Result<Hash, BundleError> {
        let found: [u8; 8] = self.take().map_err(|e| match e {
            BundleError::Truncated => BundleError::NotThisKind(what),
            e => e,
        })?;
        if &found != magic {
            return Err(BundleError::NotThisKind(what));
        }
        let [version] = self.take::<1>()?;
        if version != VERSION {
            return Err(BundleError::UnsupportedVersion { what, version });
        }
        Ok(Hash(self.take()?))
    }
    fn finish(mut self) -> Result<(), BundleError> {
        let expected = self.hasher.finalize();
        let mut found = [0u8; 32];
        self.inner
            .read_exact(&mut found)
            .map_err(|e| match e.kind() {
                io::ErrorKind::UnexpectedEof => BundleError::Truncated,
                _ => BundleError::Io(e),
            })?;
        if &found != expected.as_bytes() {
            return Err(BundleError::Checksum);
        }
        let mut extra = [0u8; 1];
        if self.inner.read(&mut extra)? != 0 {
            return Err(BundleError::TrailingData);
        }
        Ok(())
    }
}

/// Writes a bundle of `ops` (given in causal order) to `out`. `progress` is
/// called after each op.
pub fn write_bundle<W: Write, I>(
    out: W,
    federation: Hash,
    ops: I,
    mut progress: impl FnMut(),
) -> io::Result<W>
where
    I: IntoIterator,
    I::IntoIter: ExactSizeIterator,
    I::Item: AsRef<[u8]>,
{
    let ops = ops.into_iter();
    let mut writer = BundleWriter::new(out, federation, ops.len() as u64)?;
    for op in ops {
        writer.push(op.as_ref())?;
        progress();
    }
    writer.finish()
}

/// Writes a bundle one op at a time, for ops made as they are written (a
/// generator that cannot hold them all): the count is fixed up front, and
/// [`BundleWriter::finish`] refuses a file holding any other number.
pub struct BundleWriter<W: Write> {
    w: HashingWriter<W>,
    remaining: u64,
}

impl<W: Write> BundleWriter<W> {
    /// Writes the header of a bundle that will hold `count` ops.
    pub fn new(out: W, federation: Hash, count: u64) -> io::Result<BundleWriter<W>> {
        let mut w = HashingWriter {
            inner: out,
            hasher: blake3::Hasher::new(),
        };
        w.put(BUNDLE_MAGIC)?;
        w.put(&[VERSION])?;
        w.put(&federation.0)?;
        w.put(&count.to_le_bytes())?;
        Ok(BundleWriter {
            w,
            remaining: count,
        })
    }

    /// Appends one op.
    pub fn push(&mut self, op: &[u8]) -> io::Result<()> {
        if self.remaining == 0 {
            return Err(io::Error::other("more ops than the bundle's count"));
        }
        let len = u32::try_from(op.len()).map_err(|_| io::Error::other("op too large"))?;
        self.w.put(&len.to_le_bytes())?;
        self.w.put(op)?;
        self.remaining -= 1;
        Ok(())
    }

    /// Writes the checksum once every op announced is written.
    pub fn finish(self) -> io::Result<W> {
        if self.remaining != 0 {
            return Err(io::Error::other("fewer ops than the bundle's count"));
        }
        self.w.finish()
    }
}

/// Reads and checks a whole bundle into memory. Nothing is returned unless
/// the entire file is intact. For files of any size, use [`check_bundle`]
/// and a [`BundleReader`].
pub fn read_bundle<R: Read>(input: R) -> Result<Bundle, BundleError> {
    let mut reader = BundleReader::new(input)?;
    let federation = reader.federation();
    let mut ops = Vec::new();
    while let Some(op) = reader.next_op()? {
        ops.push(op);
    }
    Ok(Bundle { federation, ops })
}

/// What [`check_bundle`] found in an intact bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BundleSummary {
    /// The federation the header names.
    pub federation: Hash,
    /// Records in the file.
    pub ops: u64,
    /// Whether a record is that federation's genesis op (its id is the
    /// federation id).
    pub carries_genesis: bool,
}

/// Checks a whole bundle (structure, bounds and checksum) holding one record
/// at a time in memory.
pub fn check_bundle<R: Read>(input: R) -> Result<BundleSummary, BundleError> {
    let mut reader = BundleReader::new(input)?;
    let federation = reader.federation();
    let mut record = Vec::new();
    let mut ops = 0u64;
    let mut carries_genesis = false;
    while reader.read_record(&mut record)? {
        ops += 1;
        carries_genesis |= Hash::of(&record) == federation;
    }
    Ok(BundleSummary {
        federation,
        ops,
        carries_genesis,
    })
}

/// Reads a bundle's ops one at a time. The checksum is checked when the last
/// record has been read: a caller that must not act on a damaged file runs
/// [`check_bundle`] over it first.
pub struct BundleReader<R: Read> {
    r: HashingReader<R>,
    federation: Hash,
    remaining: u64,
    finished: bool,
}

impl<R: Read> BundleReader<R> {
    /// Reads the header.
    pub fn new(input: R) -> Result<BundleReader<R>, BundleError> {
        let mut r = HashingReader {
            inner: input,
            hasher: blake3::Hasher::new(),
        };
        let federation = r.header(BUNDLE_MAGIC, "bundle")?;
        let remaining = u64::from_le_bytes(r.take()?);
        Ok(BundleReader {
            r,
            federation,
            remaining,
            finished: false,
        })
    }

    /// The federation the header names.
    pub fn federation(&self) -> Hash {
        self.federation
    }

    /// The reader it reads from (placed after the last record read).
    pub fn get_ref(&self) -> &R {
        &self.r.inner
    }

    /// Reads the next record into `buf`; false at the end (after checking
    /// the checksum and that nothing follows it).
    pub fn read_record(&mut self, buf: &mut Vec<u8>) -> Result<bool, BundleError> {
        if self.remaining == 0 {
            if !self.finished {
                self.finished = true;
                let hasher = std::mem::take(&mut self.r.hasher);
                HashingReader {
                    inner: &mut self.r.inner,
                    hasher,
                }
                .finish()?;
            }
            return Ok(false);
        }
        let len = u32::from_le_bytes(self.r.take()?);
        if len as usize > MAX_OP_BYTES {
            return Err(BundleError::RecordTooLarge(len));
        }
        buf.clear();
        buf.resize(len as usize, 0);
        self.r.fill(buf)?;
        self.remaining -= 1;
        Ok(true)
    }

    /// The next op, or `None` at the end.
    pub fn next_op(&mut self) -> Result<Option<Vec<u8>>, BundleError> {
        let mut op = Vec::new();
        Ok(self.read_record(&mut op)?.then_some(op))
    }

    /// The remaining ops in import batches ([`crate::IMPORT_BATCH`] ops or
    /// [`crate::IMPORT_BATCH_BYTES`]), ending at the end of the bundle or
    /// at the first error, which is left in `failure` for the caller.
    pub fn batches<'a>(
        &'a mut self,
        failure: &'a mut Option<BundleError>,
    ) -> impl Iterator<Item = Vec<Vec<u8>>> + 'a {
        std::iter::from_fn(move || {
            match self.next_batch(crate::IMPORT_BATCH, crate::IMPORT_BATCH_BYTES) {
                Ok(batch) if batch.is_empty() => None,
                Ok(batch) => Some(batch),
                Err(e) => {
                    *failure = Some(e);
                    None
                }
            }
        })
    }

    /// The next ops, at most `max_ops` of them and, beyond the first, at
    /// most `max_bytes` in all; empty at the end.
    pub fn next_batch(
        &mut self,
        max_ops: usize,
        max_bytes: usize,
    ) -> Result<Vec<Vec<u8>>, BundleError> {
        let mut batch = Vec::new();
        let mut bytes = 0;
        while batch.len() < max_ops.max(1) && (batch.is_empty() || bytes < max_bytes) {
            match self.next_op()? {
                Some(op) => {
                    bytes += op.len();
                    batch.push(op);
                }
                None => break,
            }
        }
        Ok(batch)
    }
}

/// Writes a frontier file.
pub fn write_frontier<W: Write>(out: W, federation: Hash, heads: &[Hash]) -> io::Result<W> {
    let mut w = HashingWriter {
        inner: out,
        hasher: blake3::Hasher::new(),
    };
    w.put(FRONTIER_MAGIC)?;
    w.put(&[VERSION])?;
    w.put(&federation.0)?;
    let count = u32::try_from(heads.len()).map_err(|_| io::Error::other("too many heads"))?;
    w.put(&count.to_le_bytes())?;
    for head in heads {
        w.put(&head.0)?;
    }
    w.finish()
}

/// Reads and checks a frontier file.
pub fn read_frontier<R: Read>(input: R) -> Result<Frontier, BundleError> {
    let mut r = HashingReader {
        inner: input,
        hasher: blake3::Hasher::new(),
    };
    let federation = r.header(FRONTIER_MAGIC, "frontier")?;
    let count = u32::from_le_bytes(r.take()?);
    if count > MAX_FRONTIER_HEADS {
        return Err(BundleError::TooManyHeads(count));
    }
    let mut heads = Vec::with_capacity(count.min(4096) as usize);
    for _ in 0..count {
        heads.push(Hash(r.take()?));
    }
    r.finish()?;
    Ok(Frontier { federation, heads })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<u8> {
        let ops: Vec<Vec<u8>> = vec![vec![1, 2, 3], vec![], vec![9; 100]];
        let refs: Vec<&[u8]> = ops.iter().map(|o| o.as_slice()).collect();
        write_bundle(Vec::new(), Hash([5; 32]), &refs, || {}).unwrap()
    }

    #[test]
    fn bundle_round_trip() {
        let bundle = read_bundle(sample().as_slice()).unwrap();
        assert_eq!(bundle.federation, Hash([5; 32]));
        assert_eq!(bundle.ops, vec![vec![1, 2, 3], vec![], vec![9; 100]]);
    }

    #[test]
    fn a_streamed_bundle_holds_exactly_the_count_it_announced() {
        let mut writer = BundleWriter::new(Vec::new(), Hash([5; 32]), 3).unwrap();
        for op in [&[1u8, 2, 3][..], &[], &[9; 100]] {
            writer.push(op).unwrap();
        }
        assert!(writer.push(&[7]).is_err(), "one op too many");
        assert_eq!(writer.finish().unwrap(), sample());
        let mut short = BundleWriter::new(Vec::new(), Hash([5; 32]), 2).unwrap();
        short.push(&[1]).unwrap();
        assert!(short.finish().is_err(), "one op too few");
    }

    #[test]
    fn every_truncation_and_every_flipped_byte_is_refused() {
        let file = sample();
        for cut in 0..file.len() {
            assert!(read_bundle(&file[..cut]).is_err(), "truncated at {cut}");
        }
        for at in 0..file.len() {
            let mut bad = file.clone();
            bad[at] ^= 0x01;
            assert!(read_bundle(bad.as_slice()).is_err(), "flipped byte {at}");
        }
        let mut longer = file.clone();
        longer.push(0);
        assert!(matches!(
            read_bundle(longer.as_slice()),
            Err(BundleError::TrailingData)
        ));
    }

    #[test]
    fn a_huge_count_does_not_allocate() {
        let mut file = BUNDLE_MAGIC.to_vec();
        file.push(VERSION);
        file.extend_from_slice(&[0; 32]);
        file.extend_from_slice(&u64::MAX.to_le_bytes());
        assert!(matches!(
            read_bundle(file.as_slice()),
            Err(BundleError::Truncated)
        ));
        let mut file = BUNDLE_MAGIC.to_vec();
        file.push(VERSION);
        file.extend_from_slice(&[0; 32]);
        file.extend_from_slice(&1u64.to_le_bytes());
        file.extend_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(
            read_bundle(file.as_slice()),
            Err(BundleError::RecordTooLarge(_))
        ));
    }

    #[test]
    fn frontier_round_trip_and_wrong_kind() {
        let heads = vec![Hash([1; 32]), Hash([2; 32])];
        let file = write_frontier(Vec::new(), Hash([7; 32]), &heads).unwrap();
        let back = read_frontier(file.as_slice()).unwrap();
        assert_eq!(back.heads, heads);
        assert!(matches!(
            read_bundle(file.as_slice()),
            Err(BundleError::NotThisKind("bundle"))
        ));
        assert!(matches!(
            read_frontier(&b"hello"[..]),
            Err(BundleError::NotThisKind("frontier"))
        ));
    }
}
