//! Sealed files (issue 14, DESIGN §6 and §7b): a bundle or frontier sealed
//! to the federation's members, so that a stick taken from a courier shows
//! only its size.
//!
//! ```text
//! sealed: "KENESSLD" | version 1 | boxes (u32 LE) | boxes × (enc 32 | key box 48)
//!         | nonce prefix (19) | chunks
//! chunk:  length (u32 LE, ≤ 64 KiB + 16) | XChaCha20-Poly1305 ciphertext
//! ```
//!
//! A fresh file key is sealed with HPKE to each recipient's published
//! encryption key ([`FileKey`]); the boxes name nobody, so an opener tries
//! each. The contents (a clear bundle or frontier, byte for byte) follow
//! in chunks of 64 KiB under that key: chunk `i`'s nonce is the prefix,
//! `i` (u32 BE) and a byte that is 1 on the last chunk only, and every
//! chunk's associated data is the BLAKE3 hash of the header. So a chunk
//! cannot be moved, dropped, repeated or cut off, nor a box swapped,
//! without the reader noticing; it fails with [`SealedError::Damaged`].
//! Reading is a stream: one chunk in memory at a time.
//!
//! The recipients are every key with standing in the writer's state (those
//! the writer's node would sync with: members and vouched candidates) that
//! published an encryption key and did not fork, and the writer's own
//! key ([`recipients`]). Each file is sealed afresh, so one written after
//! its writer saw a removal, a fork or a lost standing is closed to that
//! key: the rotation is per file, with no op of its own.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use kenes_core::Engine;
use kenes_core::seal::{EncryptionKey, EncryptionSecret, FileKey, KEY_BOX_BYTES};
use rand_core::{OsRng, RngCore};
use std::io::{self, Read, Write};

/// The first bytes of a sealed file.
pub const SEALED_MAGIC: &[u8; 8] = b"KENESSLD";
const VERSION: u8 = 1;
/// Most boxes a sealed file may carry (checked before allocating).
pub const MAX_BOXES: u32 = 100_000;
/// Plain bytes per chunk.
const CHUNK: usize = 64 * 1024;
const TAG: usize = 16;
const PREFIX: usize = 19;
const BOX: usize = 32 + KEY_BOX_BYTES;

/// The secret the fuzz corpus's sealed seeds are sealed to (`fuzz/`): a
/// fixed test key, never a member's.
pub const FUZZ_SECRET: [u8; 32] = *b"kenes fuzz corpus sealing secret";

/// Why a sealed file could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum SealedError {
    /// Reading or writing failed.
    #[error("{0}")]
    Io(#[from] io::Error),
    /// The file is not a sealed file of this version.
    #[error("not a sealed kenes file")]
    NotSealed,
    /// No key given opens any of its boxes.
    #[error("sealed to the federation's members, and none of this member's keys opens it")]
    NotForUs,
    /// A chunk failed its check, or the file was cut short.
    #[error("the sealed file is damaged or cut short")]
    Damaged,
    /// Nobody to seal to.
    #[error("no member has published an encryption key to seal to")]
    NoRecipients,
}

/// Whether `head` (the first bytes of a file) starts a sealed file.
pub fn is_sealed(head: &[u8]) -> bool {
    head.starts_with(SEALED_MAGIC)
}

/// Whom a file written from `engine`'s state is sealed to: every key with
/// standing there that published an encryption key and did not fork, and
/// `own` (the writer's current encryption key), sorted, without repeats.
pub fn recipients(engine: &Engine, own: Option<EncryptionKey>) -> Vec<EncryptionKey> {
    let state = engine.state();
    let mut keys: Vec<EncryptionKey> = state
        .encryption_keys
        .iter()
        .filter(|(member, _)| !state.forks.contains_key(*member) && engine.may_sync(member))
        .map(|(_, published)| published.key)
        .chain(own)
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

fn nonce(prefix: &[u8; PREFIX], index: u32, last: bool) -> XNonce {
    let mut n = [0u8; 24];
    n[..PREFIX].copy_from_slice(prefix);
    n[PREFIX..PREFIX + 4].copy_from_slice(&index.to_be_bytes());
    n[23] = u8::from(last);
    *XNonce::from_slice(&n)
}

/// Writes a sealed file: [`Write`] the contents, then [`Sealer::finish`].
pub struct Sealer<W: Write> {
    out: W,
    cipher: XChaCha20Poly1305,
    prefix: [u8; PREFIX],
    header_hash: [u8; 32],
    index: u32,
    buf: Vec<u8>,
}

impl<W: Write> Sealer<W> {
    /// Starts a file sealed to `to` (at least one key) on `out`.
    pub fn new(mut out: W, to: &[EncryptionKey]) -> Result<Sealer<W>, SealedError> {
        if to.is_empty() {
            return Err(SealedError::NoRecipients);
        }
        if to.len() > MAX_BOXES as usize {
            return Err(io::Error::other("too many recipients").into());
        }
        let key = FileKey::generate();
        let mut header = SEALED_MAGIC.to_vec();
        header.push(VERSION);
        header.extend_from_slice(&(to.len() as u32).to_le_bytes());
        for recipient in to {
            let (enc, sealed) = key
                .seal_to(recipient)
                .ok_or_else(|| io::Error::other("a recipient's key is not usable"))?;
            header.extend_from_slice(&enc);
            header.extend_from_slice(&sealed);
        }
        let mut prefix = [0u8; PREFIX];
        OsRng.fill_bytes(&mut prefix);
        header.extend_from_slice(&prefix);
        out.write_all(&header)?;
        Ok(Sealer {
            out,
            cipher: XChaCha20Poly1305::new(key.bytes().into()),
            prefix,
            header_hash: *blake3::hash(&header).as_bytes(),
            index: 0,
            buf: Vec::with_capacity(CHUNK + 1),
        })
    }

    fn emit(&mut self, plain: &[u8], last: bool) -> io::Result<()> {
        let sealed = self
            .cipher
            .encrypt(
                &nonce(&self.prefix, self.index, last),
                Payload {
                    msg: plain,
                    aad: &self.header_hash,
                },
            )
            .map_err(|_| io::Error::other("encryption failed"))?;
        self.index = self
            .index
            .checked_add(1)
            .ok_or_else(|| io::Error::other("sealed file too large"))?;
        self.out.write_all(&(sealed.len() as u32).to_le_bytes())?;
        self.out.write_all(&sealed)
    }

    /// Writes the last chunk and returns the output.
    pub fn finish(mut self) -> io::Result<W> {
        let rest = std::mem::take(&mut self.buf);
        self.emit(&rest, true)?;
        self.out.flush()?;
        Ok(self.out)
    }
}

impl<W: Write> Write for Sealer<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        // A full chunk goes out only once more follows, so the last one is
        // always written by `finish`.
        while self.buf.len() > CHUNK {
            let rest = self.buf.split_off(CHUNK);
            let chunk = std::mem::replace(&mut self.buf, rest);
            self.emit(&chunk, false)?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Reads the contents of a sealed file, checking each chunk as it comes.
pub struct Opened<R: Read> {
    input: R,
    cipher: XChaCha20Poly1305,
    prefix: [u8; PREFIX],
    header_hash: [u8; 32],
    index: u32,
    plain: Vec<u8>,
    at: usize,
    done: bool,
}

/// Opens the sealed file `input` with one of `secrets`: reads its header
/// (the magic already checked or not) and finds a box one of them opens.
pub fn open<R: Read>(mut input: R, secrets: &[EncryptionSecret]) -> Result<Opened<R>, SealedError> {
    let mut head = [0u8; 13];
    input
        .read_exact(&mut head)
        .map_err(|_| SealedError::NotSealed)?;
    if !is_sealed(&head) || head[8] != VERSION {
        return Err(SealedError::NotSealed);
    }
    let boxes = u32::from_le_bytes([head[9], head[10], head[11], head[12]]);
    if boxes == 0 || boxes > MAX_BOXES {
        return Err(SealedError::Damaged);
    }
    let mut header = head.to_vec();
    let mut found = None;
    let mut one = [0u8; BOX];
    for _ in 0..boxes {
        input
            .read_exact(&mut one)
            .map_err(|_| SealedError::Damaged)?;
        header.extend_from_slice(&one);
        if found.is_none() {
            let enc: [u8; 32] = one[..32].try_into().expect("32 bytes");
            found = secrets
                .iter()
                .find_map(|s| FileKey::open(&enc, &one[32..], s));
        }
    }
    let mut prefix = [0u8; PREFIX];
    input
        .read_exact(&mut prefix)
        .map_err(|_| SealedError::Damaged)?;
    header.extend_from_slice(&prefix);
    let key = found.ok_or(SealedError::NotForUs)?;
    Ok(Opened {
        input,
        cipher: XChaCha20Poly1305::new(key.bytes().into()),
        prefix,
        header_hash: *blake3::hash(&header).as_bytes(),
        index: 0,
        plain: Vec::new(),
        at: 0,
        done: false,
    })
}

fn damaged() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, SealedError::Damaged)
}

impl<R: Read> Opened<R> {
    /// Reads and checks the next chunk; false once the last was read.
    fn next_chunk(&mut self) -> io::Result<bool> {
        if self.done {
            return Ok(false);
        }
        let mut len = [0u8; 4];
        self.input.read_exact(&mut len).map_err(|_| damaged())?;
        let len = u32::from_le_bytes(len) as usize;
        if !(TAG..=CHUNK + TAG).contains(&len) {
            return Err(damaged());
        }
        let mut sealed = vec![0u8; len];
        self.input.read_exact(&mut sealed).map_err(|_| damaged())?;
        let open = |last: bool| {
            self.cipher.decrypt(
                &nonce(&self.prefix, self.index, last),
                Payload {
                    msg: &sealed,
                    aad: &self.header_hash,
                },
            )
        };
        let (plain, last) = match open(false) {
            Ok(plain) if plain.len() == CHUNK => (plain, false),
            Ok(_) => return Err(damaged()),
            Err(_) => (open(true).map_err(|_| damaged())?, true),
        };
        if last {
            // Nothing may follow the last chunk.
            let mut extra = [0u8; 1];
            if self.input.read(&mut extra)? != 0 {
                return Err(damaged());
            }
            self.done = true;
        }
        self.index = self.index.checked_add(1).ok_or_else(damaged)?;
        self.plain = plain;
        self.at = 0;
        Ok(true)
    }
}

impl<R: Read> Read for Opened<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.at == self.plain.len() {
            if !self.next_chunk()? {
                return Ok(0);
            }
        }
        let n = out.len().min(self.plain.len() - self.at);
        out[..n].copy_from_slice(&self.plain[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sealed(contents: &[u8], to: &[EncryptionKey]) -> Vec<u8> {
        let mut sealer = Sealer::new(Vec::new(), to).unwrap();
        sealer.write_all(contents).unwrap();
        sealer.finish().unwrap()
    }

    fn opened(file: &[u8], secrets: &[EncryptionSecret]) -> Result<Vec<u8>, String> {
        let mut reader = open(file, secrets).map_err(|e| e.to_string())?;
        let mut out = Vec::new();
        reader.read_to_end(&mut out).map_err(|e| e.to_string())?;
        Ok(out)
    }

    #[test]
    fn every_recipient_opens_a_sealed_file_and_nobody_else_does() {
        let (a, b, outsider) = (
            EncryptionSecret::generate(),
            EncryptionSecret::generate(),
            EncryptionSecret::generate(),
        );
        for size in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 17] {
            let contents: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
            let file = sealed(&contents, &[a.public(), b.public()]);
            assert_eq!(
                opened(&file, std::slice::from_ref(&a)).unwrap(),
                contents,
                "{size}"
            );
            assert_eq!(
                opened(&file, &[outsider.clone(), b.clone()]).unwrap(),
                contents
            );
            assert!(matches!(
                open(&file[..], std::slice::from_ref(&outsider)),
                Err(SealedError::NotForUs)
            ));
        }
    }

    /// Writes the fuzz corpus's sealed seeds (a sealed bundle and a sealed
    /// frontier, to [`FUZZ_SECRET`]) when `KENES_WRITE_FUZZ_SEEDS` names
    /// the corpus folder; otherwise checks that such seeds open.
    #[test]
    fn sealed_fuzz_seeds_open_with_the_fuzz_secret() {
        let secret = EncryptionSecret::from_bytes(FUZZ_SECRET);
        let federation = kenes_core::Hash([3; 32]);
        let bundle =
            crate::bundle::write_bundle(Vec::new(), federation, &[b"not an op".as_slice()], || {})
                .unwrap();
        let frontier =
            crate::bundle::write_frontier(Vec::new(), federation, &[kenes_core::Hash([4; 32])])
                .unwrap();
        for (name, contents) in [("sealed-bundle", bundle), ("sealed-frontier", frontier)] {
            let file = sealed(&contents, &[secret.public()]);
            assert_eq!(
                opened(&file, std::slice::from_ref(&secret)).unwrap(),
                contents
            );
            if let Ok(dir) = std::env::var("KENES_WRITE_FUZZ_SEEDS") {
                std::fs::write(std::path::Path::new(&dir).join(name), &file).unwrap();
            }
        }
    }

    #[test]
    fn a_damaged_or_cut_sealed_file_is_refused() {
        let a = EncryptionSecret::generate();
        let contents: Vec<u8> = (0..2 * CHUNK + 5).map(|i| (i % 7) as u8).collect();
        let file = sealed(&contents, &[a.public()]);
        // Every byte after the header, flipped; and every cut.
        let header = 13 + BOX + PREFIX;
        for at in (header..file.len()).step_by(997).chain([file.len() - 1]) {
            let mut bad = file.clone();
            bad[at] ^= 1;
            assert!(
                opened(&bad, std::slice::from_ref(&a)).is_err(),
                "flip at {at}"
            );
        }
        for cut in [header, header + 3, header + 100, file.len() - 1] {
            assert!(
                opened(&file[..cut], std::slice::from_ref(&a)).is_err(),
                "cut at {cut}"
            );
        }
        let mut longer = file.clone();
        longer.push(0);
        assert!(opened(&longer, std::slice::from_ref(&a)).is_err());
        assert!(matches!(
            Sealer::new(Vec::new(), &[]),
            Err(SealedError::NoRecipients)
        ));
    }
}
