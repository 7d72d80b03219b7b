//! Versioned schema migrations, run in order on open. A migration never
//! changes once released; new ones are appended.

use rusqlite::Connection;

const MIGRATIONS: &[&str] = &[
    // 1: ops, pending set, materialised state.
    "
    CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
    CREATE TABLE ops (
        ord      INTEGER PRIMARY KEY,
        id       BLOB NOT NULL UNIQUE,
        author   BLOB NOT NULL,
        seq      INTEGER NOT NULL,
        lamport  INTEGER NOT NULL,
        time     INTEGER NOT NULL,
        kind     TEXT NOT NULL,
        outcome  TEXT NOT NULL,
        bytes    BLOB NOT NULL
    );
    CREATE TABLE pending (id BLOB PRIMARY KEY, bytes BLOB NOT NULL);
    CREATE TABLE committees (
        id        BLOB PRIMARY KEY,
        name      TEXT NOT NULL,
        kind      TEXT NOT NULL,
        detail    TEXT NOT NULL,
        policy    TEXT NOT NULL,
        creator   BLOB NOT NULL,
        convenor  BLOB
    );
    CREATE TABLE members (
        committee BLOB NOT NULL,
        member    BLOB NOT NULL,
        PRIMARY KEY (committee, member)
    );
    CREATE TABLE candidates (
        committee BLOB NOT NULL,
        candidate BLOB NOT NULL,
        voucher   BLOB NOT NULL,
        PRIMARY KEY (committee, candidate, voucher)
    );
    CREATE TABLE profiles (member BLOB PRIMARY KEY, name TEXT NOT NULL);
    CREATE TABLE forks (member BLOB NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (member, seq));
    CREATE VIEW rejections AS
        SELECT ord, id, author, seq, kind, outcome FROM ops
        WHERE outcome LIKE 'rejected%' OR outcome LIKE 'void%';
    ",
    // 2: governance: seats, proposals with their tallies, demands,
    // adoptions, action reports.
    "
    CREATE TABLE seats (
        council   BLOB NOT NULL,
        committee BLOB NOT NULL,
        delegate  BLOB NOT NULL,
        PRIMARY KEY (council, committee, delegate)
    );
    CREATE TABLE proposals (
        id        BLOB PRIMARY KEY,
        committee BLOB NOT NULL,
        kind      TEXT NOT NULL,
        title     TEXT NOT NULL,
        status    TEXT NOT NULL,
        passed    INTEGER,
        tally     TEXT,
        changed_after_close INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX proposals_by_committee ON proposals (committee);
    CREATE TABLE demands (
        id         BLOB PRIMARY KEY,
        committee  BLOB NOT NULL,
        category   TEXT NOT NULL,
        title      TEXT NOT NULL,
        supporters INTEGER NOT NULL
    );
    CREATE INDEX demands_by_committee ON demands (committee);
    CREATE TABLE adoptions (
        committee BLOB NOT NULL,
        demand    BLOB NOT NULL,
        PRIMARY KEY (committee, demand)
    );
    CREATE TABLE reports (
        id           BLOB PRIMARY KEY,
        committee    BLOB NOT NULL,
        kind         TEXT NOT NULL,
        status       TEXT NOT NULL,
        area         TEXT NOT NULL,
        participants INTEGER NOT NULL,
        starts_at    INTEGER NOT NULL
    );
    CREATE INDEX reports_by_committee ON reports (committee);
    ",
    // 3: the folded state persisted for read commands (issue 18).
    "
    CREATE TABLE snapshot (
        id       INTEGER PRIMARY KEY CHECK (id = 1),
        build    TEXT NOT NULL,
        checksum BLOB NOT NULL,
        bytes    BLOB NOT NULL
    );
    ",
    // 4: no unique index on op ids (issue 18). Nothing looks an op up by
    // id in SQL (the engine holds the ids and accepts an op once; `ord` is
    // the key), and an index of random 32-byte keys made every commit of
    // an import rewrite pages all over it: at a million ops, a third of
    // the import's time. The table is copied once, in this transaction.
    "
    DROP VIEW rejections;
    CREATE TABLE ops_without_id_index (
        ord      INTEGER PRIMARY KEY,
        id       BLOB NOT NULL,
        author   BLOB NOT NULL,
        seq      INTEGER NOT NULL,
        lamport  INTEGER NOT NULL,
        time     INTEGER NOT NULL,
        kind     TEXT NOT NULL,
        outcome  TEXT NOT NULL,
        bytes    BLOB NOT NULL
    );
    INSERT INTO ops_without_id_index
        SELECT ord, id, author, seq, lamport, time, kind, outcome, bytes FROM ops;
    DROP TABLE ops;
    ALTER TABLE ops_without_id_index RENAME TO ops;
    CREATE VIEW rejections AS
        SELECT ord, id, author, seq, kind, outcome FROM ops
        WHERE outcome LIKE 'rejected%' OR outcome LIKE 'void%';
    ",
    // 5: the `outcome` column to be checked once against a load. Builds
    // before it reloaded a store's ops in key order, so an op stored after
    // ops that sort later got another ordinal than its row's, and a later
    // change of its outcome (a fork voiding it, say) was written to
    // another op's row. The row marks a store whose column may be wrong:
    // the next writable open rewrites what differs and deletes it.
    "
    CREATE TABLE outcomes_unchecked (id INTEGER PRIMARY KEY CHECK (id = 1));
    INSERT INTO outcomes_unchecked VALUES (1);
    ",
];

/// Brings the database up to the newest schema version.
pub fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let version: usize = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if version >= MIGRATIONS.len() {
        return Ok(());
    }
    loop {
        // The version is read inside the write lock: another process may
        // have run the migration while this one waited for it.
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let version: usize = tx.query_row("PRAGMA user_version", [], |row| row.get(0))?;
        let Some(sql) = MIGRATIONS.get(version) else {
            return Ok(());
        };
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", version + 1)?;
        tx.commit()?;
    }
}

/// The oldest schema this build reads without migrating it (a read-only
/// file cannot be migrated): schema 4 only dropped an index.
pub const OLDEST_READABLE: usize = 3;

/// The newest schema version this build knows.
pub fn latest() -> usize {
    MIGRATIONS.len()
}
