//! The federation database: ops as exact bytes, outcomes, the pending set
//! and the materialised state, kept in step with an in-memory [`Engine`].
//!
//! Crash safety: every [`Store::ingest`] is one SQLite transaction, so after
//! a crash at any point the database holds a prefix of the ingested batches
//! and the state that prefix implies. If a commit fails, the in-memory
//! engine is rebuilt from disk so the two never disagree.
//!
//! A new database is built under a temporary name (schema, federation id and
//! its first ops) and linked into place whole, so a kill during creation
//! leaves either no database or a complete one (issue 12).
//!
//! Several processes may write one database (`kenes serve` beside one-shot
//! commands, or two commands at once): every write takes SQLite's write
//! lock first (`BEGIN IMMEDIATE`), then loads what the others committed,
//! then decides and writes (see [`Store::locked`]).
//!
//! A database whose directory or file cannot be written is opened read-only,
//! so reading commands still work; writes then fail with
//! [`StoreError::ReadOnly`].

use crate::archive::StoreArchive;
use crate::pool::with_preparing_pool;
use crate::schema;
use crate::snapshot::{self, LoggedOp, ReadView};
use crate::storekey::StoreKey;
use kenes_core::body::{CommitteeKind, CouncilScope, DisplayName};
use kenes_core::engine::IngestReport;
use kenes_core::prepare::Prepared;
use kenes_core::{Body, Engine, Hash, Op, Outcome, PublicKey, Verify};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// Ops loaded per engine call when rebuilding from disk, and chunks read
/// ahead for the preparing pool to decode while this thread folds: few
/// enough that the buffers (each op's bytes, decoded, and queued for
/// acceptance: about 1.4 KB an op) stay near 4 MB for the three chunks
/// held at once (one folding, two read ahead), against 11 MB for one
/// chunk of 8,192 (issue 18).
const LOAD_CHUNK: usize = 1024;
const LOAD_CHUNKS_AHEAD: usize = 3;

/// Why a database operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite reported an error.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The database does not say which federation it holds.
    #[error("database has no federation id")]
    NoFederation,
    /// The database was written by a newer kenes.
    #[error("database schema {found} is newer than this build supports ({latest})")]
    TooNew {
        /// Schema version found.
        found: usize,
        /// Newest version this build knows.
        latest: usize,
    },
    /// A stored op did not re-enter the engine: the file was altered.
    #[error("database is damaged: stored op {0} is no longer valid")]
    Damaged(Hash),
    /// A database for this federation already exists.
    #[error("a database already exists at {0}")]
    Exists(PathBuf),
    /// The genesis op given to [`Store::create`] is not a genesis op.
    #[error("not a valid genesis op: {0}")]
    BadGenesis(String),
    /// A file or folder could not be used.
    #[error("cannot use {path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The database is read-only here (its folder or file is not writable).
    #[error("cannot write {0}: it is read-only")]
    ReadOnly(PathBuf),
    /// The database is encrypted and no key was given (issue 14).
    #[error("the database is encrypted: a passphrase is needed")]
    Locked,
    /// The key given does not open the database.
    #[error("wrong passphrase: it does not open the database")]
    WrongKey,
    /// A clear database could not be encrypted because another process
    /// has it open.
    #[error("cannot encrypt {0} while another kenes uses it: stop it (kenes serve?) and run again")]
    InUse(PathBuf),
    /// The member key file could not be used to unlock the store.
    #[error(transparent)]
    Key(#[from] crate::keyfile::KeyError),
}

impl StoreError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> StoreError {
        StoreError::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// Whether the user can fix this (a path, permissions, a newer
    /// database, another kenes holding the lock too long) rather than it
    /// being a failure of kenes or of the machine.
    pub fn is_user_error(&self) -> bool {
        use rusqlite::ErrorCode as C;
        match self {
            StoreError::Io { .. }
            | StoreError::ReadOnly(_)
            | StoreError::TooNew { .. }
            | StoreError::Exists(_)
            | StoreError::BadGenesis(_)
            | StoreError::Locked
            | StoreError::WrongKey
            | StoreError::InUse(_)
            | StoreError::Key(_) => true,
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => matches!(
                e.code,
                C::ReadOnly
                    | C::CannotOpen
                    | C::PermissionDenied
                    | C::DatabaseBusy
                    | C::DatabaseLocked
                    | C::DiskFull
                    | C::NotADatabase
            ),
            _ => false,
        }
    }
}

/// Ops per transaction during an import.
pub const IMPORT_BATCH: usize = 16_384;

/// Batches the import pipeline prepares ahead of the one being accepted:
/// one being verified, one verified and waiting.
const BATCHES_AHEAD: usize = 2;

/// Bytes of ops per import transaction, beyond the first op of a batch.
pub const IMPORT_BATCH_BYTES: usize = 8 * 1024 * 1024;

/// Counts reported by an import.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ImportCounts {
    /// Ops newly accepted (including pending ops they released).
    pub new: usize,
    /// Ops already accepted or already pending.
    pub known: usize,
    /// Ops waiting for missing parents.
    pub pending: usize,
    /// Ops refused at acceptance (malformed, bad signature, no standing,
    /// wrong lamport...): not stored.
    pub rejected: usize,
    /// New ops stored with a `Rejected` outcome (not authorised in their own
    /// past): kept for convergence, without effect.
    pub unauthorised: usize,
}

impl ImportCounts {
    /// Adds the counts of one ingest report.
    pub fn add(&mut self, report: &IngestReport, engine: &Engine) {
        self.new += report.accepted.len();
        self.known += report.known;
        self.pending = engine.pending_len();
        self.rejected += report.dropped.len();
        self.unauthorised += report
            .accepted
            .iter()
            .filter(|&&o| matches!(engine.outcome_at(o), Outcome::Rejected(_)))
            .count();
    }
}

/// One federation's database and its engine.
pub struct Store {
    /// Dropped before `conn`: its archive's read connection closes first,
    /// so that `conn`, the last one, checkpoints the WAL into the file.
    engine: Engine,
    conn: Connection,
    path: PathBuf,
    shadows: HashMap<Hash, Shadow>,
    /// Inside [`Store::locked`]: the write transaction is open.
    in_write: bool,
    /// The engine may hold what the open transaction has not committed (or
    /// a failed one rolled back): rebuild it from disk unless committed.
    dirty: bool,
    /// Pending ops that opening released: persisted by the next write.
    unsaved: Option<IngestReport>,
    /// A write of this handle committed (a command's, or the outcome
    /// recheck at open), and with it dropped the read snapshot: the handle
    /// leaves a fresh one when it is dropped.
    committed: bool,
    /// `PRAGMA data_version` when the engine last matched the database
    /// (its load, or this handle's last commit): while it reads the same,
    /// no other connection has committed since. None when unknown, as
    /// after loading what others committed outside a write.
    in_step_at: Option<i64>,
    read_only: bool,
    /// Whether the engine archives committed ops' bytes (see
    /// [`crate::archive`]), and the key its archive connections use.
    archiving: Option<Option<StoreKey>>,
}

impl Drop for Store {
    /// A handle that wrote leaves a read snapshot of what it holds, so that
    /// the next read command starts from it instead of replaying the log
    /// (about 1 s here against 7 to 9 s there, at a million ops). Best
    /// effort, and only while the engine matches the database
    /// ([`Store::still_in_step`]): not after another connection committed
    /// (checked first, before the view is built, and again under the
    /// lock), nor with a write open or failed, nor while unwinding. It does
    /// not wait for another writer's lock: that writer is about to commit,
    /// after which this engine no longer matches anyway. Building the view
    /// reads archived ops; a failed read there costs the snapshot, not a
    /// panic at the end of a command that succeeded.
    fn drop(&mut self) {
        if !self.committed
            || self.dirty
            || self.read_only
            || self.in_write
            || self.unsaved.is_some()
            || self.in_step_at.is_none()
            || std::thread::panicking()
            || data_version(&self.conn).ok() != self.in_step_at
        {
            return;
        }
        let engine = &self.engine;
        let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| ReadView::of(engine)));
        let Ok(view) = built else {
            return;
        };
        if self.conn.busy_timeout(std::time::Duration::ZERO).is_ok() {
            let _ = snapshot::save(&self.conn, &view, |conn| self.still_in_step(conn));
        }
    }
}

/// The connection's `PRAGMA data_version`: it changes when another
/// connection commits to the database.
fn data_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA data_version", [], |row| row.get(0))
}

/// How long a writer waits for another process's write lock.
pub(crate) const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

fn is_read_only_error(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::SqliteFailure(f, _)
            if matches!(
                f.code,
                rusqlite::ErrorCode::ReadOnly
                    | rusqlite::ErrorCode::CannotOpen
                    | rusqlite::ErrorCode::PermissionDenied
            )
    )
}

fn check_version(conn: &Connection) -> Result<usize, StoreError> {
    let found: usize = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if found > schema::latest() {
        return Err(StoreError::TooNew {
            found,
            latest: schema::latest(),
        });
    }
    Ok(found)
}

/// The first bytes of every unencrypted SQLite file. A SQLCipher file
/// starts with its random salt instead.
const CLEAR_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// Whether the file at `path` is an unencrypted SQLite database (an empty
/// file counts as one: SQLite writes its header on first use).
fn is_clear(path: &Path) -> Result<bool, StoreError> {
    use std::io::Read;
    let mut head = [0u8; 16];
    let mut file = std::fs::File::open(path).map_err(|e| StoreError::io(path, e))?;
    let mut read = 0;
    while read < head.len() {
        match file.read(&mut head[read..]) {
            Ok(0) => break,
            Ok(n) => read += n,
            Err(e) => return Err(StoreError::io(path, e)),
        }
    }
    Ok(read == 0 || (read == 16 && &head == CLEAR_HEADER))
}

/// Gives `conn` its key (before anything is read). SQLCipher checks the
/// key at the first read: a wrong one fails there, without writing.
fn apply_key(conn: &Connection, key: Option<&StoreKey>) -> Result<(), StoreError> {
    quiet(conn);
    if let Some(key) = key {
        conn.execute_batch(&key.pragma())?;
    }
    Ok(())
}

/// Stops SQLCipher logging to stderr (a wrong key logs several lines
/// there): kenes reports its errors in one line of its own. The level is
/// process wide; SQLCipher sets its default at its first use, before this.
fn quiet(conn: &Connection) {
    let _ = conn.query_row("PRAGMA cipher_log_level = NONE", [], |_| Ok(()));
}

/// What a failed first read of a keyed database means.
fn keyed_error(e: StoreError, key: Option<&StoreKey>) -> StoreError {
    match e {
        StoreError::Sqlite(rusqlite::Error::SqliteFailure(f, _))
            if f.code == rusqlite::ErrorCode::NotADatabase =>
        {
            if key.is_some() {
                StoreError::WrongKey
            } else {
                StoreError::Locked
            }
        }
        e => e,
    }
}

/// Encrypts the clear database at `path` with `key`, in place: exported
/// by `sqlcipher_export` to a file beside it that then replaces it. The
/// database must be used by no other process (switching it out of WAL
/// mode proves that, and an exclusive lock keeps it so until the new file
/// is in place); otherwise [`StoreError::InUse`]. A crash leaves either
/// the clear database or the encrypted one, and a temporary file that the
/// next creation in the folder removes.
fn encrypt_in_place(path: &Path, key: &StoreKey) -> Result<(), StoreError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.creating-{}-encrypt", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    // CREATE for the attached file: an attached database takes the main
    // one's flags. The main file exists already.
    let conn = Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE
            | rusqlite::OpenFlags::SQLITE_OPEN_CREATE
            | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    quiet(&conn);
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    check_version(&conn)?;
    let mode: String = conn
        .query_row("PRAGMA journal_mode = DELETE", [], |row| row.get(0))
        .map_err(|e| match e {
            rusqlite::Error::SqliteFailure(f, _)
                if matches!(
                    f.code,
                    rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                ) =>
            {
                StoreError::InUse(path.to_path_buf())
            }
            e => e.into(),
        })?;
    if !mode.eq_ignore_ascii_case("delete") {
        return Err(StoreError::InUse(path.to_path_buf()));
    }
    let version: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    conn.execute(
        "ATTACH DATABASE ?1 AS encrypted KEY ?2",
        params![tmp.to_string_lossy(), key.attach_value()],
    )?;
    let exported = (|| -> Result<(), StoreError> {
        conn.execute_batch("PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE")?;
        conn.query_row("SELECT sqlcipher_export('encrypted')", [], |_| Ok(()))?;
        conn.execute_batch(&format!(
            "PRAGMA encrypted.user_version = {version}; COMMIT"
        ))?;
        conn.execute_batch("DETACH DATABASE encrypted")?;
        std::fs::File::open(&tmp)
            .and_then(|f| f.sync_all())
            .map_err(|e| StoreError::io(&tmp, e))?;
        // Still holding the clear file's exclusive lock.
        std::fs::rename(&tmp, path).map_err(|e| StoreError::io(path, e))?;
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    drop(conn);
    if exported.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    for suffix in ["-journal", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", tmp.display()));
    }
    exported
}

/// Opens an existing database for reading and writing, migrated; or, when
/// it cannot be written here, read-only. Returns the connection, whether
/// it is read-only, and the key it was opened with (none for a clear file
/// that could not be encrypted here). With `key`, the database is a
/// SQLCipher one; a clear database found where a key is given is
/// encrypted first (see [`encrypt_in_place`]).
fn connect(
    path: &Path,
    key: Option<&StoreKey>,
) -> Result<(Connection, bool, Option<StoreKey>), StoreError> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => {}
        Ok(_) => {
            return Err(StoreError::io(
                path,
                std::io::Error::other("not a database file"),
            ));
        }
        Err(e) => return Err(StoreError::io(path, e)),
    }
    let clear = is_clear(path)?;
    if key.is_none() && !clear {
        return Err(StoreError::Locked);
    }
    let key = match key {
        Some(key) if clear => match encrypt_in_place(path, key) {
            Ok(()) => Some(key),
            // Not writable here: read the clear file as it is.
            Err(StoreError::Sqlite(e)) if is_read_only_error(&e) => None,
            Err(StoreError::Io { source, .. })
                if source.kind() == std::io::ErrorKind::PermissionDenied =>
            {
                None
            }
            Err(e) => return Err(e),
        },
        key => key,
    };
    match connect_writable(path, key).map_err(|e| keyed_error(e, key)) {
        Ok(conn) => Ok((conn, false, key.cloned())),
        Err(StoreError::Sqlite(e)) if is_read_only_error(&e) => Ok((
            connect_read_only(path, key).map_err(|e| keyed_error(e, key))?,
            true,
            key.cloned(),
        )),
        Err(e) => Err(e),
    }
}

fn connect_writable(path: &Path, key: Option<&StoreKey>) -> Result<Connection, StoreError> {
    let mut conn = Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    apply_key(&conn, key)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "cache_size", -65_536)?;
    conn.pragma_update(None, "wal_autocheckpoint", 8192)?;
    check_version(&conn)?;
    schema::migrate(&mut conn)?;
    // Fails here, not at the first write, when the file is read-only.
    conn.execute_batch("BEGIN IMMEDIATE; COMMIT")?;
    Ok(conn)
}

/// A read-only connection. SQLite needs to create the `-shm` file to read a
/// WAL database; where it cannot and no `-wal` file is left (the database
/// was closed cleanly), the file is read as immutable.
fn connect_read_only(path: &Path, key: Option<&StoreKey>) -> Result<Connection, StoreError> {
    connect_read_only_as(path, key, true)
}

/// [`connect_read_only`]; without `or_immutable`, failing where the file
/// could only be read as immutable (such a connection does not see later
/// writes, so it may only read the file once).
pub(crate) fn connect_read_only_as(
    path: &Path,
    key: Option<&StoreKey>,
    or_immutable: bool,
) -> Result<Connection, StoreError> {
    let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
        | rusqlite::OpenFlags::SQLITE_OPEN_URI
        | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let uri = |extra: &str| -> String {
        let mut text = String::from("file:");
        for b in path.to_string_lossy().bytes() {
            match b {
                b'?' | b'#' | b'%' => text.push_str(&format!("%{b:02X}")),
                _ => text.push(b as char),
            }
        }
        format!("{text}?mode=ro{extra}")
    };
    let open = |extra: &str| -> rusqlite::Result<Connection> {
        let conn = Connection::open_with_flags(uri(extra), flags)?;
        quiet(&conn);
        if let Some(key) = key {
            conn.execute_batch(&key.pragma())?;
        }
        Ok(conn)
    };
    let plain = open("").and_then(|conn| {
        conn.query_row("PRAGMA user_version", [], |row| row.get::<_, i64>(0))?;
        Ok(conn)
    });
    let conn = match plain {
        Ok(conn) => conn,
        Err(e) => {
            let wal = PathBuf::from(format!("{}-wal", path.display()));
            if !or_immutable || std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
                return Err(e.into());
            }
            open("&immutable=1")?
        }
    };
    if check_version(&conn)? < schema::OLDEST_READABLE {
        return Err(StoreError::ReadOnly(path.to_path_buf()));
    }
    Ok(conn)
}

/// Builds a new database at `tmp`: schema, federation id, then `initial`
/// ops, each verified. Rollback journal, so that the file is whole once
/// closed.
fn build(
    tmp: &Path,
    federation: Hash,
    initial: &[&[u8]],
    key: Option<&StoreKey>,
) -> Result<(), StoreError> {
    let mut conn = Connection::open(tmp)?;
    apply_key(&conn, key)?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    schema::migrate(&mut conn)?;
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('federation', ?1)",
        params![federation.0.to_vec()],
    )?;
    let mut store = Store::from_parts(conn, Engine::new(federation), tmp, false);
    if !initial.is_empty() {
        let report = store.ingest(initial, Verify::Signatures)?;
        if let Some((_, reason)) = report.dropped.first() {
            return Err(StoreError::BadGenesis(reason.to_string()));
        }
    }
    drop(store);
    std::fs::File::open(tmp)
        .and_then(|f| f.sync_all())
        .map_err(|e| StoreError::io(tmp, e))?;
    Ok(())
}

/// Removes what an interrupted creation of `path` left (temporary files of
/// processes that no longer run).
fn remove_leftovers(dir: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let prefix = format!(".{name}.creating-");
    for entry in entries.flatten() {
        let file = entry.file_name();
        let Some(rest) = file.to_str().and_then(|f| f.strip_prefix(&prefix)) else {
            continue;
        };
        let pid = rest.split('-').next().unwrap_or("");
        let alive = Path::new("/proc").exists() && Path::new("/proc").join(pid).exists();
        if !alive {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

impl Store {
    fn from_parts(conn: Connection, mut engine: Engine, path: &Path, read_only: bool) -> Store {
        // `persist` reads every op just accepted.
        engine.keep_accepted_decoded(true);
        Store {
            conn,
            engine,
            path: path.to_path_buf(),
            shadows: HashMap::new(),
            in_write: false,
            dirty: false,
            unsaved: None,
            committed: false,
            in_step_at: None,
            read_only,
            archiving: None,
        }
    }

    /// Creates the database at `path` for a new federation founded by
    /// `genesis`.
    pub fn create(path: &Path, genesis: &Op) -> Result<Store, StoreError> {
        if !genesis.is_genesis() {
            return Err(StoreError::BadGenesis("not a genesis op".into()));
        }
        Store::create_with(path, genesis.id, &[genesis.bytes.as_slice()])
    }

    /// Creates an empty database for `federation`, to be filled by import.
    pub fn create_empty(path: &Path, federation: Hash) -> Result<Store, StoreError> {
        Store::create_with(path, federation, &[])
    }

    /// Creates the database at `path` for `federation` holding `initial`
    /// (verified; every one must be accepted), atomically: it is built
    /// under a temporary name and linked into place whole, so after a
    /// crash at any point there is either no database at `path` or this
    /// one. Fails with [`StoreError::Exists`] if `path` exists, even when
    /// another process created it meanwhile.
    pub fn create_with(
        path: &Path,
        federation: Hash,
        initial: &[&[u8]],
    ) -> Result<Store, StoreError> {
        Store::create_keyed(path, federation, initial, None)
    }

    /// [`Store::create_with`], encrypted with `key` when given (issue 14).
    pub fn create_keyed(
        path: &Path,
        federation: Hash,
        initial: &[&[u8]],
        key: Option<&StoreKey>,
    ) -> Result<Store, StoreError> {
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| StoreError::io(dir, e))?;
        if std::fs::symlink_metadata(path).is_ok() {
            return Err(StoreError::Exists(path.to_path_buf()));
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        remove_leftovers(dir, &name);
        let nonce = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let tmp = dir.join(format!(".{name}.creating-{}-{nonce}", std::process::id()));
        let remove_tmp = || {
            for suffix in ["", "-journal", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", tmp.display()));
            }
        };
        if let Err(e) = build(&tmp, federation, initial, key) {
            remove_tmp();
            return Err(match e {
                StoreError::Sqlite(e) if is_read_only_error(&e) => {
                    StoreError::ReadOnly(dir.to_path_buf())
                }
                e => e,
            });
        }
        // A hard link never replaces a database another process linked
        // first; where links are not supported, rename.
        let linked = match std::fs::hard_link(&tmp, path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                remove_tmp();
                return Err(StoreError::Exists(path.to_path_buf()));
            }
            Err(_) => std::fs::rename(&tmp, path),
        };
        remove_tmp();
        linked.map_err(|e| StoreError::io(path, e))?;
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Store::open_keyed(path, key)
    }

    /// Opens an existing database and rebuilds its engine from the stored
    /// ops (their signatures were verified when they were first stored).
    /// Where the database cannot be written, it is opened read-only.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        Store::open_keyed(path, None)
    }

    /// [`Store::open`] for a database encrypted with `key` (issue 14); a
    /// clear database is encrypted first. Without a key, an encrypted
    /// database fails with [`StoreError::Locked`]; with a wrong one, with
    /// [`StoreError::WrongKey`], before anything is written.
    pub fn open_keyed(path: &Path, key: Option<&StoreKey>) -> Result<Store, StoreError> {
        let (conn, read_only, key) = connect(path, key)?;
        let federation = federation_of(&conn)?;
        // Without an archive (the file can only be read as immutable), the
        // engine keeps every op's bytes, as before.
        let archive = StoreArchive::open(path, key.as_ref()).ok();
        let archiving = archive.is_some();
        let loaded = load(&conn, federation, archive)?;
        let mut store = Store::from_parts(conn, loaded.engine, path, read_only);
        store.unsaved = loaded.released;
        store.in_step_at = loaded.version;
        // A store of a build that left gaps in `ord` keeps the bytes of
        // the ops after the first gap: their rows are not at their ordinals.
        store.archiving = (archiving && loaded.gapless).then_some(key);
        if !read_only && outcomes_unchecked(&store.conn)? {
            // A repair, not a condition of opening: if it cannot run now
            // (another process holds the write lock), the mark stays for
            // the next open.
            if let Err(e) = store.locked(|store| store.recheck_outcomes()) {
                tracing::warn!("stored outcomes not rechecked yet: {e}");
            }
        }
        Ok(store)
    }

    /// Rewrites each stored outcome that differs from the engine's, once
    /// (schema 5): builds before it could write an outcome to another op's
    /// row.
    fn recheck_outcomes(&mut self) -> Result<(), StoreError> {
        if !outcomes_unchecked(&self.conn)? {
            return Ok(());
        }
        // Matched by id, not by ordinal: a store of a still older build
        // may have a gap in its ordinals.
        let mut wrong: Vec<(i64, String)> = Vec::new();
        {
            let mut stmt = self.conn.prepare("SELECT ord, id, outcome FROM ops")?;
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                let ord: i64 = row.get(0)?;
                let id: Vec<u8> = row.get(1)?;
                let stored: String = row.get(2)?;
                let Some(outcome) = <[u8; 32]>::try_from(id.as_slice())
                    .ok()
                    .and_then(|id| self.engine.outcome_of(&Hash(id)))
                else {
                    continue;
                };
                let outcome = outcome.describe();
                if stored != outcome {
                    wrong.push((ord, outcome));
                }
            }
        }
        let mut update = self
            .conn
            .prepare("UPDATE ops SET outcome = ?2 WHERE ord = ?1")?;
        for (ord, outcome) in wrong {
            update.execute(params![ord, outcome])?;
        }
        self.conn.execute("DELETE FROM outcomes_unchecked", [])?;
        Ok(())
    }

    /// What read commands need of the federation in the database at
    /// `path`: from the persisted snapshot when it is current, so without
    /// replaying the op log; otherwise by replaying it, after which the
    /// snapshot is saved for the next reader (where the file is writable).
    pub fn read_view(path: &Path) -> Result<ReadView, StoreError> {
        Store::read_view_keyed(path, None)
    }

    /// Deletes the read snapshot of the database at `path` (encrypted with
    /// `key`, if any), so that the next reader replays the log: what a
    /// benchmark of that replay needs. Nothing else changes.
    pub fn forget_read_snapshot(path: &Path, key: Option<&StoreKey>) -> Result<(), StoreError> {
        let conn = connect_writable(path, key)?;
        snapshot::invalidate(&conn)?;
        Ok(())
    }

    /// Closes this handle without the read snapshot a handle that wrote
    /// leaves when dropped: for a database about to be deleted (a refused
    /// first contact's staging copy), where saving it would be wasted work
    /// (about a second at a million ops).
    pub fn close_without_snapshot(mut self) {
        self.committed = false;
    }

    /// [`Store::read_view`] of a database encrypted with `key`.
    pub fn read_view_keyed(path: &Path, key: Option<&StoreKey>) -> Result<ReadView, StoreError> {
        Store::read_with(path, key, |_, _| Some(()), |_| ()).map(|(view, ())| view)
    }

    /// [`Store::read_view`] with every accepted op as `kenes log` shows
    /// it, in acceptance order: from the `ops` table and the snapshot's
    /// outcomes when the snapshot is current, from the replay otherwise.
    pub fn read_log(path: &Path) -> Result<(ReadView, Vec<LoggedOp>), StoreError> {
        Store::read_log_keyed(path, None)
    }

    /// [`Store::read_log`] of a database encrypted with `key`.
    pub fn read_log_keyed(
        path: &Path,
        key: Option<&StoreKey>,
    ) -> Result<(ReadView, Vec<LoggedOp>), StoreError> {
        Store::read_with(path, key, snapshot::logged_ops, |engine| {
            (0..engine.len() as u32)
                .map(|o| LoggedOp::of(engine, o))
                .collect()
        })
    }

    /// The read view and what `from_snapshot` reads beside a current
    /// snapshot, in the same read transaction; when there is none, or
    /// `from_snapshot` finds the tables disagree with it, both from a
    /// replay (`from_engine`), after which the snapshot is saved.
    fn read_with<T>(
        path: &Path,
        key: Option<&StoreKey>,
        from_snapshot: impl FnOnce(&Connection, &ReadView) -> Option<T>,
        from_engine: impl FnOnce(&Engine) -> T,
    ) -> Result<(ReadView, T), StoreError> {
        let (conn, read_only, _) = connect(path, key)?;
        let federation = federation_of(&conn)?;
        // One read transaction: no write commits between the checks of
        // the snapshot and what is read beside it.
        conn.execute_batch("BEGIN")?;
        let found = snapshot::load(&conn, federation)
            .and_then(|view| from_snapshot(&conn, &view).map(|read| (view, read)));
        let _ = conn.execute_batch("COMMIT");
        if let Some(found) = found {
            return Ok(found);
        }
        drop(conn);
        let mut store = Store::open_keyed(path, key)?;
        let view = ReadView::of(&store.engine);
        // Best effort, without waiting for a writer's lock (that writer's
        // commit would leave this view behind anyway): a reader that cannot
        // save still answers.
        if !read_only
            && store.unsaved.is_none()
            && store.conn.busy_timeout(std::time::Duration::ZERO).is_ok()
        {
            let _ = snapshot::save(&store.conn, &view, |conn| store.still_in_step(conn));
            // Saved, or not in step: either way, not again on closing.
            store.committed = false;
        }
        let read = from_engine(&store.engine);
        Ok((view, read))
    }

    /// Inside the snapshot's write transaction: the engine still matches the
    /// database. No other connection committed since it last did, and every
    /// pending op stored is pending in the engine (with equal counts,
    /// checked beside, the same set: another process may have dropped
    /// pending ops this engine still holds, and parked as many others).
    fn still_in_step(&self, conn: &Connection) -> rusqlite::Result<bool> {
        if self.in_step_at.is_none() || self.in_step_at != Some(data_version(conn)?) {
            return Ok(false);
        }
        let mut stored = conn.prepare("SELECT id FROM pending")?;
        let mut ids = stored.query([])?;
        while let Some(row) = ids.next()? {
            let id: Vec<u8> = row.get(0)?;
            let held = <[u8; 32]>::try_from(id.as_slice())
                .is_ok_and(|id| self.engine.pending_op(&Hash(id)).is_some());
            if !held {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Whether this database could only be opened for reading.
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// Runs `f` holding the database's write lock, after loading what
    /// other processes committed, as one transaction: committed if `f`
    /// succeeds, rolled back (and the engine rebuilt from disk) if not.
    /// Every write goes through here, so two processes never decide on
    /// different views of one database. Nested calls share the outer
    /// transaction.
    pub fn locked<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&mut Store) -> Result<T, E>,
    ) -> Result<T, E> {
        if self.in_write {
            return f(self);
        }
        if self.read_only {
            return Err(StoreError::ReadOnly(self.path.clone()).into());
        }
        self.begin_write()?;
        self.in_write = true;
        let result = f(self);
        self.in_write = false;
        // Read under the write lock, where no other connection can commit;
        // this connection's own commit leaves it as it is.
        let version = data_version(&self.conn).ok();
        match result {
            Ok(value) => match self.conn.execute_batch("COMMIT") {
                Ok(()) => {
                    self.dirty = false;
                    self.committed = true;
                    self.in_step_at = version;
                    self.archive_committed();
                    Ok(value)
                }
                Err(e) => {
                    self.abort();
                    Err(StoreError::from(e).into())
                }
            },
            Err(e) => {
                self.abort();
                Err(e)
            }
        }
    }

    /// Brings a handle back to its database's last commit after a thread
    /// panicked while using it (an archived op that could not be read, a
    /// bug): what it held in memory may be half-changed, and a write may
    /// be open. The write is rolled back and the engine reloaded; if the
    /// reload fails, the next write retries it.
    pub fn recover(&mut self) -> Result<(), StoreError> {
        if !self.conn.is_autocommit() {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
        self.in_write = false;
        self.dirty = true;
        self.reload()
    }

    fn begin_write(&mut self) -> Result<(), StoreError> {
        if let Err(e) = self.conn.execute_batch("BEGIN IMMEDIATE") {
            return Err(if is_read_only_error(&e) {
                StoreError::ReadOnly(self.path.clone())
            } else {
                e.into()
            });
        }
        let caught_up = (|| -> Result<(), StoreError> {
            // A write may change the op set: the read snapshot goes with
            // this transaction (see `snapshot`).
            snapshot::invalidate(&self.conn)?;
            if self.dirty {
                self.reload()?;
            }
            // What others committed stays committed whatever happens
            // next; only what this transaction adds makes the engine dirty.
            self.catch_up()?;
            self.catch_up_pending()?;
            if let Some(report) = self.unsaved.take() {
                self.dirty = true;
                self.persist(&report)?;
            }
            Ok(())
        })();
        if let Err(e) = caught_up {
            self.abort();
            return Err(e);
        }
        Ok(())
    }

    fn abort(&mut self) {
        let _ = self.conn.execute_batch("ROLLBACK");
        if self.dirty {
            // On failure `dirty` stays set and the next write retries.
            let _ = self.reload();
        }
    }

    /// Archives the bytes of every op the database holds committed: all
    /// but those that opening released and no write has persisted yet,
    /// which sit after the stored ones.
    fn archive_committed(&mut self) {
        if self.archiving.is_none() {
            return;
        }
        let unsaved = self.unsaved.as_ref().map_or(0, |r| r.accepted.len());
        let stored = self.engine.len().saturating_sub(unsaved);
        self.engine.archive_below(stored as u32);
    }

    fn reload(&mut self) -> Result<(), StoreError> {
        self.shadows.clear();
        let archive = match &self.archiving {
            Some(key) => StoreArchive::open(&self.path, key.as_ref()).ok(),
            None => None,
        };
        let archiving = archive.is_some();
        // Unknown until the load is done (a failed one leaves it so).
        self.in_step_at = None;
        let loaded = load(&self.conn, self.engine.federation(), archive)?;
        if !(archiving && loaded.gapless) {
            self.archiving = None;
        }
        self.engine = loaded.engine;
        self.engine.keep_accepted_decoded(true);
        self.unsaved = loaded.released;
        self.in_step_at = loaded.version;
        self.dirty = false;
        Ok(())
    }

    /// Inside the write lock: the pending ops other processes parked (or
    /// that this one has not loaded) join the engine; what that releases
    /// is persisted with the transaction.
    fn catch_up_pending(&mut self) -> Result<(), StoreError> {
        let on_disk: i64 = self
            .conn
            .query_row("SELECT count(*) FROM pending", [], |row| row.get(0))?;
        if on_disk as usize == self.engine.pending_len() {
            return Ok(());
        }
        let rows: Vec<(Vec<u8>, Vec<u8>)> = self
            .conn
            .prepare("SELECT id, bytes FROM pending")?
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let fresh: Vec<Vec<u8>> = rows
            .into_iter()
            .filter(|(id, _)| {
                <[u8; 32]>::try_from(id.as_slice()).is_ok_and(|id| !self.engine.is_known(&Hash(id)))
            })
            .map(|(_, bytes)| bytes)
            .collect();
        if fresh.is_empty() {
            return Ok(());
        }
        self.dirty = true;
        let report = self.engine.ingest(&fresh, Verify::Trusted);
        self.persist(&report)?;
        Ok(())
    }

    /// The federation this database holds.
    pub fn federation(&self) -> Hash {
        self.engine.federation()
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The engine, read-only. Mutations go through [`Store::ingest`].
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Loads the ops that other processes appended to this database since
    /// it was opened (a `kenes serve` runs beside one-shot commands).
    /// Returns how many were loaded.
    pub fn catch_up(&mut self) -> Result<usize, StoreError> {
        // The engine moves on without the pending set others changed: not
        // in step for a snapshot until its next load or commit.
        self.in_step_at = None;
        // Ops that opening released and no write has persisted yet sit
        // after the stored ones.
        let unsaved = self.unsaved.as_ref().map_or(0, |r| r.accepted.len());
        let from = self.engine.len().saturating_sub(unsaved) as i64;
        let newest: Option<i64> = self
            .conn
            .query_row("SELECT max(ord) FROM ops", [], |row| row.get(0))?;
        let Some(newest) = newest.filter(|&n| n >= from) else {
            return Ok(0);
        };
        if unsaved > 0 {
            self.reload()?;
            return Ok((newest + 1 - from) as usize);
        }
        let rows: Vec<(i64, Vec<u8>, Vec<u8>)> = self
            .conn
            .prepare("SELECT ord, id, bytes FROM ops WHERE ord >= ?1 ORDER BY ord")?
            .query_map(params![from], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        // The other process wrote materialised rows too.
        self.shadows.clear();
        let bytes: Vec<&[u8]> = rows.iter().map(|(_, _, b)| b.as_slice()).collect();
        let report = self.engine.ingest_in_order(&bytes, Verify::Trusted);
        // Each op at its row's ordinal and nothing else accepted, or out of
        // step: an op this process held pending came in at another place,
        // or was released after the rows (the other process dropped it).
        let in_step = report.accepted.len() == rows.len()
            && rows.iter().all(|(ord, id, _)| {
                <[u8; 32]>::try_from(id.as_slice())
                    .is_ok_and(|id| self.engine.ordinal(&Hash(id)).map(i64::from) == Some(*ord))
            });
        if in_step {
            // Committed by the other process. Not while the engine may
            // hold ops a failed write rolled back (they sit before these).
            if self.archiving.is_some() && !self.dirty {
                self.engine.archive_below((newest + 1) as u32);
            }
        } else {
            // Out of step: rebuild from disk.
            self.reload()?;
        }
        Ok(rows.len())
    }

    /// Judges `body` by `author` against the current state, as a new op
    /// citing every head would be judged (see [`Engine::check`]).
    pub fn check(
        &mut self,
        author: kenes_core::PublicKey,
        body: &Body,
    ) -> Result<(), kenes_core::RejectReason> {
        self.engine.check(author, body)
    }

    /// Ingests raw ops and persists the result in one transaction.
    pub fn ingest<B: AsRef<[u8]> + Sync>(
        &mut self,
        raw: &[B],
        verify: Verify,
    ) -> Result<IngestReport, StoreError> {
        self.locked(|store| {
            store.dirty = true;
            let report = store.engine.ingest(raw, verify);
            store.persist(&report)?;
            Ok(report)
        })
    }

    /// Accepts prepared ops and persists the result in one transaction.
    pub fn ingest_prepared(&mut self, prepared: Prepared) -> Result<IngestReport, StoreError> {
        self.locked(|store| {
            store.dirty = true;
            let report = store.engine.ingest_prepared(prepared);
            store.persist(&report)?;
            Ok(report)
        })
    }

    /// Drops every pending op parked by an author with no accepted op here
    /// (see [`Engine::pending_from_unknown`]); returns how many.
    pub fn clear_pending_from_unknown(&mut self) -> Result<usize, StoreError> {
        self.locked(|store| {
            store.dirty = true;
            let ids = store.engine.clear_pending_from_unknown();
            let mut delete = store
                .conn
                .prepare_cached("DELETE FROM pending WHERE id = ?1")?;
            for id in &ids {
                delete.execute(params![id.0.to_vec()])?;
            }
            Ok(ids.len())
        })
    }

    /// Imports ops from a file or upload: verified, in transactions of
    /// [`IMPORT_BATCH`] ops (a crash loses at most the batch in flight and
    /// the database always holds a prefix), counted. `progress` sees how
    /// many inputs each batch covered.
    pub fn import<B: AsRef<[u8]> + Sync>(
        &mut self,
        ops: &[B],
        mut progress: impl FnMut(usize),
    ) -> Result<ImportCounts, StoreError> {
        let mut counts = ImportCounts::default();
        self.ingest_stream(
            ops,
            IMPORT_BATCH,
            Verify::Signatures,
            |report, engine, inputs| {
                counts.add(report, engine);
                progress(inputs);
            },
        )?;
        Ok(counts)
    }

    /// Imports batches of ops as they come (from a [`crate::bundle::BundleReader`],
    /// say), like [`Store::import`]: each batch verified on another thread
    /// while the previous one is accepted and committed, each one
    /// transaction. At most three batches are held at once, so memory is
    /// bounded by the batch size, not by the whole input.
    pub fn import_batches(
        &mut self,
        batches: impl Iterator<Item = Vec<Vec<u8>>>,
        mut progress: impl FnMut(usize),
    ) -> Result<ImportCounts, StoreError> {
        let mut counts = ImportCounts::default();
        self.pipeline(batches, Verify::Signatures, |report, engine, inputs| {
            counts.add(report, engine);
            progress(inputs);
        })?;
        Ok(counts)
    }

    /// Ingests `ops` in batches of `batch`, each batch one transaction.
    /// While one batch is accepted and committed, the next are decoded and
    /// verified on other threads. Ops already known are not verified again.
    /// `on_batch` sees each report with the number of inputs it covered.
    pub fn ingest_stream<B: AsRef<[u8]> + Sync>(
        &mut self,
        ops: &[B],
        batch: usize,
        verify: Verify,
        on_batch: impl FnMut(&IngestReport, &Engine, usize),
    ) -> Result<(), StoreError> {
        let chunks = ops
            .chunks(batch.max(1))
            .map(|chunk| chunk.iter().map(AsRef::as_ref).collect::<Vec<&[u8]>>());
        self.pipeline(chunks, verify, on_batch)
    }

    /// The import pipeline: the preparing pool decodes and verifies the
    /// next [`BATCHES_AHEAD`] batches on every core while this thread
    /// accepts and commits, each batch one transaction.
    fn pipeline<I: AsRef<[u8]> + Send + Sync>(
        &mut self,
        batches: impl Iterator<Item = Vec<I>>,
        verify: Verify,
        mut on_batch: impl FnMut(&IngestReport, &Engine, usize),
    ) -> Result<(), StoreError> {
        let mut batches = batches;
        with_preparing_pool(verify, |pool| {
            loop {
                while pool.in_flight() < BATCHES_AHEAD {
                    let Some(batch) = batches.next() else { break };
                    let count = batch.len();
                    let fresh: Vec<I> = batch
                        .into_iter()
                        .filter(|bytes| !self.engine.is_known(&Hash::of(bytes.as_ref())))
                        .collect();
                    let known = count - fresh.len();
                    pool.send((known, count), fresh);
                }
                let Some(((known, count), prepared)) = pool.take_next() else {
                    return Ok(());
                };
                let mut report = self.ingest_prepared(prepared)?;
                report.known += known;
                on_batch(&report, &self.engine, count);
            }
        })
    }

    /// Writes what `report` did into the open write transaction.
    fn persist(&mut self, report: &IngestReport) -> rusqlite::Result<()> {
        let tx = &self.conn;
        let mut touched: BTreeSet<Hash> = BTreeSet::new();
        let mut profiles: BTreeSet<PublicKey> = BTreeSet::new();
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO ops (ord, id, author, seq, lamport, time, kind, outcome, bytes)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?;
            for &ord in &report.accepted {
                let entry = &self.engine.entries()[ord as usize];
                let op = self.engine.op_at(ord);
                let f = &op.fields;
                insert.execute(params![
                    ord,
                    op.id.0.to_vec(),
                    f.author.0.to_vec(),
                    f.seq as i64,
                    f.lamport as i64,
                    f.time as i64,
                    f.body.label(),
                    self.engine.outcome_at(ord).describe(),
                    op.bytes,
                ])?;
                if entry.is_valid() {
                    match &f.body {
                        Body::CreateCommittee { .. } => {
                            touched.insert(op.id);
                        }
                        Body::Profile { .. } | Body::SealedProfile { .. } => {
                            profiles.insert(f.author);
                        }
                        Body::Close {
                            committee,
                            proposal,
                        } => {
                            // An election or recall also changes its council.
                            touched.insert(*committee);
                            touched.extend(
                                self.engine
                                    .state()
                                    .committees
                                    .get(committee)
                                    .and_then(|c| c.proposals.get(proposal))
                                    .and_then(|p| p.kind.council()),
                            );
                        }
                        body => touched.extend(body.committee()),
                    }
                }
            }
            // Outcomes that a fork, a removal or a witness changed.
            // The id too: a row that is not this op's means the engine is
            // out of step with the table, and the write fails whole.
            let mut update =
                tx.prepare_cached("UPDATE ops SET outcome = ?2 WHERE ord = ?1 AND id = ?3")?;
            for &ord in &report.changed {
                let entry = &self.engine.entries()[ord as usize];
                let id = entry.id.0.to_vec();
                let outcome = self.engine.outcome_at(ord).describe();
                let updated = update.execute(params![ord, outcome, id])?;
                if updated != 1 {
                    return Err(rusqlite::Error::StatementChangedRows(updated));
                }
                if let Body::Profile { .. } | Body::SealedProfile { .. } =
                    self.engine.op_at(ord).fields.body
                {
                    profiles.insert(self.engine.author_of(entry));
                }
            }
            touched.extend(report.refolded.iter().copied());
            let mut unpend = tx.prepare_cached("DELETE FROM pending WHERE id = ?1")?;
            // A dropped op never waits: one stored as pending by an older
            // build, or by another process under other bounds, goes too.
            let dropped = report.dropped.iter().filter_map(|(id, _)| id.as_ref());
            for id in report.unpended.iter().chain(dropped) {
                unpend.execute(params![id.0.to_vec()])?;
            }
            let mut pend =
                tx.prepare_cached("INSERT OR IGNORE INTO pending (id, bytes) VALUES (?1, ?2)")?;
            for op in report
                .pended
                .iter()
                .filter_map(|id| self.engine.pending_op(id))
            {
                pend.execute(params![op.id.0.to_vec(), op.bytes])?;
            }
        }
        materialise(tx, &self.engine, &touched, &profiles, &mut self.shadows)
    }
}

/// The federation a database holds.
fn federation_of(conn: &Connection) -> Result<Hash, StoreError> {
    let federation: Vec<u8> = conn
        .query_row(
            "SELECT value FROM meta WHERE key = 'federation'",
            [],
            |row| row.get(0),
        )
        .optional()?
        .ok_or(StoreError::NoFederation)?;
    Ok(Hash(
        federation
            .try_into()
            .map_err(|_| StoreError::NoFederation)?,
    ))
}

/// Rebuilds the engine from one consistent snapshot of the database.
/// Returns the report of any pending ops that loading released (their
/// parents were stored meanwhile), to be persisted by the next write.
/// Whether the stored outcomes await their one check (schema 5).
fn outcomes_unchecked(conn: &Connection) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM outcomes_unchecked)",
        [],
        |row| row.get(0),
    )
}

/// An engine rebuilt from the database.
struct Loaded {
    engine: Engine,
    /// What loading the pending ops released, not persisted yet.
    released: Option<IngestReport>,
    /// Every row sits at its ordinal (no gap left by an old build).
    gapless: bool,
    /// `PRAGMA data_version` in the read the engine was built from.
    version: Option<i64>,
}

/// Rebuilds the engine from the database. With an `archive`, the engine
/// archives each stored op's bytes as soon as it is loaded, up to the
/// first row whose `ord` is not its ordinal (a gap left by an old build);
/// `gapless` says whether there was none.
fn load(
    conn: &Connection,
    federation: Hash,
    archive: Option<StoreArchive>,
) -> Result<Loaded, StoreError> {
    let mut engine = Engine::new(federation);
    if let Some(archive) = archive {
        engine.set_archive(Box::new(archive));
    }
    // The load reads every row once: a page cache sized for writes would
    // only hold pages it never reads again (64 MB at a million ops).
    let cache: i64 = conn.query_row("PRAGMA cache_size", [], |row| row.get(0))?;
    conn.pragma_update(None, "cache_size", LOAD_CACHE_KIB)?;
    let result = if conn.is_autocommit() {
        conn.execute_batch("BEGIN")?;
        let result = load_snapshot(conn, engine);
        let _ = conn.execute_batch("COMMIT");
        result
    } else {
        load_snapshot(conn, engine)
    };
    conn.pragma_update(None, "cache_size", cache)?;
    result
}

/// The page cache while loading, as `PRAGMA cache_size` takes it
/// (negative: KiB).
const LOAD_CACHE_KIB: i64 = -2048;

fn load_snapshot(conn: &Connection, mut engine: Engine) -> Result<Loaded, StoreError> {
    let version = data_version(conn).ok();
    let mut stmt = conn.prepare("SELECT ord, id, bytes FROM ops ORDER BY ord")?;
    let mut rows = stmt.query([])?;
    // The first ordinal whose row is keyed otherwise (the archive reads
    // rows by key): none unless an old build left a gap.
    let mut first_gap: Option<u32> = None;
    let mut position: u32 = 0;
    let mut rows_left = true;
    // This thread reads rows and folds; the preparing pool decodes the
    // next chunks meanwhile.
    with_preparing_pool(Verify::Trusted, |pool| -> Result<(), StoreError> {
        loop {
            while rows_left && pool.in_flight() < LOAD_CHUNKS_AHEAD {
                let mut ids: Vec<Hash> = Vec::with_capacity(LOAD_CHUNK);
                let mut chunk: Vec<Vec<u8>> = Vec::with_capacity(LOAD_CHUNK);
                while ids.len() < LOAD_CHUNK {
                    let Some(row) = rows.next()? else {
                        rows_left = false;
                        break;
                    };
                    let ord: i64 = row.get(0)?;
                    if first_gap.is_none() && ord != i64::from(position) {
                        first_gap = Some(position);
                    }
                    position = position.saturating_add(1);
                    let id: Vec<u8> = row.get(1)?;
                    ids.push(Hash(id.try_into().unwrap_or([0; 32])));
                    chunk.push(row.get(2)?);
                }
                if !ids.is_empty() {
                    pool.send(ids, chunk);
                }
            }
            let Some((ids, prepared)) = pool.take_next() else {
                return Ok(());
            };
            let first = engine.len() as u32;
            engine.ingest_prepared_in_order(prepared);
            // Each op back at the ordinal its row is keyed by (rows written
            // later, and outcome updates, address ops by it).
            if let Some((bad, _)) = ids
                .iter()
                .zip(first..)
                .find(|(id, ord)| engine.ordinal(id) != Some(*ord))
            {
                return Err(StoreError::Damaged(*bad));
            }
            // Stored: read back from the archive when needed. (A gap found
            // in a chunk read since is above every op folded so far.)
            engine.archive_below(first_gap.unwrap_or(u32::MAX).min(engine.len() as u32));
        }
    })?;
    let pending: Vec<Vec<u8>> = conn
        .prepare("SELECT bytes FROM pending")?
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let report = engine.ingest(&pending, Verify::Trusted);
    let released = !report.accepted.is_empty() || !report.dropped.is_empty();
    Ok(Loaded {
        engine,
        released: released.then_some(report),
        gapless: first_gap.is_none(),
        version,
    })
}

/// The kind-specific fields of a committee as a JSON object (`area`,
/// `enterprise`, `site`, `industry`, or `scope`), as stored and as printed.
pub fn kind_detail(kind: &CommitteeKind) -> serde_json::Value {
    match kind {
        CommitteeKind::Territorial { area } => serde_json::json!({ "area": area }),
        CommitteeKind::Production {
            enterprise,
            site,
            industry,
            area,
        } => serde_json::json!({
            "enterprise": enterprise, "site": site, "industry": industry, "area": area
        }),
        CommitteeKind::Council {
            scope: CouncilScope::Area(area),
        } => serde_json::json!({ "scope": { "area": area } }),
        CommitteeKind::Council {
            scope: CouncilScope::Industry(industry),
        } => serde_json::json!({ "scope": { "industry": industry } }),
        CommitteeKind::Advisory => serde_json::json!({}),
    }
}

/// One row of a committee's seats, proposals, demands, adoptions or
/// reports, by its key: what [`materialise_governance`] compares.
#[derive(Clone, PartialEq, Eq, Hash)]
enum GovernanceKey {
    /// A seat of this council: (the seated committee, the delegate).
    Seat(Hash, PublicKey),
    Proposal(Hash),
    Demand(Hash),
    Adoption(Hash),
    Report(Hash),
}

/// The columns of a governance row besides its key.
#[derive(Hash)]
enum GovernanceRow<'a> {
    Seat,
    Proposal {
        kind: &'a str,
        title: &'a str,
        status: &'static str,
        passed: Option<bool>,
        tally: Option<String>,
        changed_after_close: bool,
    },
    Demand {
        category: String,
        title: &'a str,
        supporters: i64,
    },
    Adoption,
    Report {
        kind: String,
        status: String,
        area: &'a str,
        participants: u32,
        starts_at: i64,
    },
}

/// A fingerprint of a row's columns (in memory only, for this process).
type RowPrint = u64;

fn governance_rows(c: &kenes_core::Committee) -> Vec<(GovernanceKey, GovernanceRow<'_>)> {
    use kenes_core::governance::ProposalStatus;
    let mut rows = Vec::new();
    for (committee, delegates) in &c.seats {
        for d in delegates {
            rows.push((GovernanceKey::Seat(*committee, *d), GovernanceRow::Seat));
        }
    }
    for (id, p) in &c.proposals {
        let (status, passed, tally, changed_after_close) = match &p.status {
            ProposalStatus::Open => ("open", None, None, false),
            ProposalStatus::Closed(closing) => (
                "closed",
                Some(closing.result.passed()),
                serde_json::to_string(&closing.result).ok(),
                closing.changed_after_close,
            ),
        };
        rows.push((
            GovernanceKey::Proposal(*id),
            GovernanceRow::Proposal {
                kind: p.kind.label(),
                // A sealed title stays sealed: the store never holds its words.
                title: p.title.readable().unwrap_or("(sealed)"),
                status,
                passed,
                tally,
                changed_after_close,
            },
        ));
    }
    for (id, d) in &c.demands {
        rows.push((
            GovernanceKey::Demand(*id),
            GovernanceRow::Demand {
                category: format!("{:?}", d.category),
                title: &d.title,
                supporters: d.supporters.len() as i64,
            },
        ));
    }
    for d in &c.adopted {
        rows.push((GovernanceKey::Adoption(*d), GovernanceRow::Adoption));
    }
    for (id, r) in &c.reports {
        rows.push((
            GovernanceKey::Report(*id),
            GovernanceRow::Report {
                kind: format!("{:?}", r.kind),
                status: format!("{:?}", r.status),
                area: &r.area,
                participants: r.participants,
                starts_at: r.starts_at as i64,
            },
        ));
    }
    rows
}

fn print_of(row: &GovernanceRow) -> RowPrint {
    use std::hash::{BuildHasher, RandomState};
    // One key for the process: `kenes serve` writes from whichever
    // blocking thread is free, and std's keys differ between threads.
    static PRINTS: std::sync::OnceLock<RandomState> = std::sync::OnceLock::new();
    PRINTS.get_or_init(RandomState::new).hash_one(row)
}

/// Writes one committee's seats, proposals, demands, adoptions and
/// reports. With the fingerprints of what the tables hold for it
/// (`written`), only the rows that changed are written or deleted: a large
/// committee's history is not rewritten at every commit that touches it.
/// Without them, its rows are deleted and written anew. Either way,
/// `written` then holds the fingerprints of what the tables hold.
fn materialise_governance(
    tx: &Connection,
    c: &kenes_core::Committee,
    written: &mut Option<HashMap<GovernanceKey, RowPrint>>,
) -> rusqlite::Result<()> {
    let key = c.id.0.to_vec();
    let rows = governance_rows(c);
    let prints: HashMap<GovernanceKey, RowPrint> = rows
        .iter()
        .map(|(k, row)| (k.clone(), print_of(row)))
        .collect();
    match written.take() {
        None => {
            for table in ["proposals", "demands", "adoptions", "reports"] {
                tx.prepare_cached(&format!("DELETE FROM {table} WHERE committee = ?1"))?
                    .execute(params![key])?;
            }
            tx.prepare_cached("DELETE FROM seats WHERE council = ?1")?
                .execute(params![key])?;
            for (k, row) in &rows {
                write_governance_row(tx, &key, k, row)?;
            }
        }
        Some(old) => {
            for k in old.keys().filter(|k| !prints.contains_key(*k)) {
                delete_governance_row(tx, &key, k)?;
            }
            for (k, row) in &rows {
                if old.get(k) != prints.get(k) {
                    write_governance_row(tx, &key, k, row)?;
                }
            }
        }
    }
    *written = Some(prints);
    Ok(())
}

/// Inserts a governance row of committee `key`, or replaces the one with
/// its key.
fn write_governance_row(
    tx: &Connection,
    key: &[u8],
    k: &GovernanceKey,
    row: &GovernanceRow,
) -> rusqlite::Result<()> {
    match (k, row) {
        (GovernanceKey::Seat(committee, delegate), _) => tx
            .prepare_cached(
                "INSERT OR IGNORE INTO seats (council, committee, delegate) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![key, &committee.0[..], &delegate.0[..]])?,
        (
            GovernanceKey::Proposal(id),
            GovernanceRow::Proposal {
                kind,
                title,
                status,
                passed,
                tally,
                changed_after_close,
            },
        ) => tx
            .prepare_cached(
                "INSERT OR REPLACE INTO proposals
                 (id, committee, kind, title, status, passed, tally, changed_after_close)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                &id.0[..],
                key,
                kind,
                title,
                status,
                passed,
                tally,
                changed_after_close
            ])?,
        (
            GovernanceKey::Demand(id),
            GovernanceRow::Demand {
                category,
                title,
                supporters,
            },
        ) => tx
            .prepare_cached(
                "INSERT OR REPLACE INTO demands (id, committee, category, title, supporters)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![&id.0[..], key, category, title, supporters])?,
        (GovernanceKey::Adoption(demand), _) => tx
            .prepare_cached("INSERT OR IGNORE INTO adoptions (committee, demand) VALUES (?1, ?2)")?
            .execute(params![key, &demand.0[..]])?,
        (
            GovernanceKey::Report(id),
            GovernanceRow::Report {
                kind,
                status,
                area,
                participants,
                starts_at,
            },
        ) => tx
            .prepare_cached(
                "INSERT OR REPLACE INTO reports
                 (id, committee, kind, status, area, participants, starts_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                &id.0[..],
                key,
                kind,
                status,
                area,
                participants,
                starts_at
            ])?,
        // `governance_rows` pairs each key with its own kind of row.
        _ => unreachable!("a governance key with another kind's columns"),
    };
    Ok(())
}

fn delete_governance_row(tx: &Connection, key: &[u8], k: &GovernanceKey) -> rusqlite::Result<()> {
    match k {
        GovernanceKey::Seat(committee, delegate) => tx
            .prepare_cached(
                "DELETE FROM seats WHERE council = ?1 AND committee = ?2 AND delegate = ?3",
            )?
            .execute(params![key, &committee.0[..], &delegate.0[..]])?,
        GovernanceKey::Proposal(id) => tx
            .prepare_cached("DELETE FROM proposals WHERE id = ?1")?
            .execute(params![&id.0[..]])?,
        GovernanceKey::Demand(id) => tx
            .prepare_cached("DELETE FROM demands WHERE id = ?1")?
            .execute(params![&id.0[..]])?,
        GovernanceKey::Adoption(demand) => tx
            .prepare_cached("DELETE FROM adoptions WHERE committee = ?1 AND demand = ?2")?
            .execute(params![key, &demand.0[..]])?,
        GovernanceKey::Report(id) => tx
            .prepare_cached("DELETE FROM reports WHERE id = ?1")?
            .execute(params![&id.0[..]])?,
    };
    Ok(())
}

/// What the materialised tables hold for one committee, so that a commit
/// writes only the rows that changed instead of reading or rewriting them.
#[derive(Default)]
struct Shadow {
    members: BTreeSet<PublicKey>,
    candidates: BTreeSet<(PublicKey, PublicKey)>,
    /// Fingerprints of its governance rows, once this process wrote them.
    governance: Option<HashMap<GovernanceKey, RowPrint>>,
}

fn key_of(bytes: Vec<u8>) -> PublicKey {
    PublicKey(bytes.try_into().unwrap_or([0; 32]))
}

fn read_shadow(tx: &Connection, committee: &[u8]) -> rusqlite::Result<Shadow> {
    let members = tx
        .prepare_cached("SELECT member FROM members WHERE committee = ?1")?
        .query_map(params![committee], |row| Ok(key_of(row.get(0)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let candidates = tx
        .prepare_cached("SELECT candidate, voucher FROM candidates WHERE committee = ?1")?
        .query_map(params![committee], |row| {
            Ok((key_of(row.get(0)?), key_of(row.get(1)?)))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Shadow {
        members,
        candidates,
        governance: None,
    })
}

/// Rewrites the materialised rows of the committees and profiles a batch
/// touched, and the fork flags.
fn materialise(
    tx: &Connection,
    engine: &Engine,
    touched: &BTreeSet<Hash>,
    profiles: &BTreeSet<PublicKey>,
    shadows: &mut HashMap<Hash, Shadow>,
) -> rusqlite::Result<()> {
    let state = engine.state();
    for id in touched {
        let key = id.0.to_vec();
        let Some(c) = state.committees.get(id) else {
            // Its creation was voided (an unwitnessed op after a fork).
            for table in [
                "members",
                "candidates",
                "proposals",
                "demands",
                "adoptions",
                "reports",
            ] {
                tx.prepare_cached(&format!("DELETE FROM {table} WHERE committee = ?1"))?
                    .execute(params![key])?;
            }
            tx.prepare_cached("DELETE FROM seats WHERE council = ?1")?
                .execute(params![key])?;
            tx.prepare_cached("DELETE FROM committees WHERE id = ?1")?
                .execute(params![key])?;
            shadows.remove(id);
            continue;
        };
        tx.execute(
            "INSERT OR REPLACE INTO committees (id, name, kind, detail, policy, creator, convenor)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                key,
                c.name,
                c.kind.label(),
                kind_detail(&c.kind).to_string(),
                format!("{:?}", c.policy),
                c.creator.0.to_vec(),
                c.convenor.map(|k| k.0.to_vec()),
            ],
        )?;
        let old = match shadows.entry(*id) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => e.insert(read_shadow(tx, &key)?),
        };
        let new = Shadow {
            governance: old.governance.take(),
            members: c.members.clone(),
            candidates: c
                .candidates
                .iter()
                .flat_map(|(cand, vouchers)| vouchers.iter().map(move |v| (*cand, *v)))
                .collect(),
        };
        let mut add =
            tx.prepare_cached("INSERT INTO members (committee, member) VALUES (?1, ?2)")?;
        for m in new.members.difference(&old.members) {
            add.execute(params![key, m.0.to_vec()])?;
        }
        let mut remove =
            tx.prepare_cached("DELETE FROM members WHERE committee = ?1 AND member = ?2")?;
        for m in old.members.difference(&new.members) {
            remove.execute(params![key, m.0.to_vec()])?;
        }
        let mut add = tx.prepare_cached(
            "INSERT INTO candidates (committee, candidate, voucher) VALUES (?1, ?2, ?3)",
        )?;
        for (cand, voucher) in new.candidates.difference(&old.candidates) {
            add.execute(params![key, cand.0.to_vec(), voucher.0.to_vec()])?;
        }
        let mut remove = tx.prepare_cached(
            "DELETE FROM candidates WHERE committee = ?1 AND candidate = ?2 AND voucher = ?3",
        )?;
        for (cand, voucher) in old.candidates.difference(&new.candidates) {
            remove.execute(params![key, cand.0.to_vec(), voucher.0.to_vec()])?;
        }
        *old = new;
    }
    for id in touched {
        if let Some(c) = state.committees.get(id) {
            let written = &mut shadows.entry(*id).or_default().governance;
            materialise_governance(tx, c, written)?;
        }
    }
    for member in profiles {
        match state.profiles.get(member) {
            // A sealed name (issue 14) is never written here in words,
            // as a sealed proposal title is not.
            Some(profile) => tx.execute(
                "INSERT OR REPLACE INTO profiles (member, name) VALUES (?1, ?2)",
                params![
                    member.0.to_vec(),
                    match &profile.name {
                        DisplayName::Plain(name) => name.as_str(),
                        DisplayName::Sealed(_) => "(sealed)",
                    }
                ],
            )?,
            None => tx.execute(
                "DELETE FROM profiles WHERE member = ?1",
                params![member.0.to_vec()],
            )?,
        };
    }
    let mut fork =
        tx.prepare_cached("INSERT OR IGNORE INTO forks (member, seq) VALUES (?1, ?2)")?;
    for (member, seqs) in &state.forks {
        for seq in seqs {
            fork.execute(params![member.0.to_vec(), *seq as i64])?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A store whose file cannot be written here (a backup on read-only
    /// media, another user's) is still read if its schema is one this
    /// build reads unmigrated: schema 4 only dropped an index.
    #[test]
    fn a_read_only_connection_reads_a_schema_it_need_not_migrate() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fed.sqlite");
        let g = kenes_core::op::genesis(&kenes_core::SecretKey::from_bytes([1; 32]), "fed", 0);
        drop(Store::create(&path, &g).unwrap());
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
        for (version, readable) in [(schema::latest(), true), (3, true), (2, false)] {
            conn.pragma_update(None, "user_version", version).unwrap();
            let read = connect_read_only(&path, None);
            assert_eq!(read.is_ok(), readable, "schema {version}");
            if !readable {
                assert!(matches!(read, Err(StoreError::ReadOnly(_))));
            }
        }
    }
}
