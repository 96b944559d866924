//! SQLite storage: the only module that speaks SQL.
//!
//! ## What is plaintext
//! Rows hold an integer id, a uuid, three timestamps (`occurred_at`, `created_at`,
//! `updated_at`, unix seconds) and an opaque ciphertext. The store never sees entry
//! text: it is handed age files by `journal` and hands them back. The `meta` table holds
//! the journal's public key (plaintext by design) and its passphrase-wrapped secret key
//! (an age file).
//!
//! ## Migrations
//! See [`migrations`]: embedded, append-only, applied in one exclusive transaction,
//! tracked with `PRAGMA user_version`; a newer database is refused.
//!
//! ## Concurrency
//! WAL mode and a busy timeout let several processes read while one writes, and two
//! `candour add` running at once both succeed. Writes take the lock up front
//! (`BEGIN IMMEDIATE`): a deferred transaction that later upgrades to a write lock can
//! fail with "database is locked" without waiting for the busy timeout.
//!
//! ## Durability
//! `synchronous = FULL` and one transaction per user action: a crash, a full disk or
//! Ctrl-C leaves the old state or the new one. `secure_delete` overwrites deleted
//! ciphertext so it does not linger in free pages.

pub mod migrations;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension, TransactionBehavior, params};
use uuid::Uuid;

use crate::model::EntryId;
use crate::paths;

/// How long a writer waits for another process's lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// What went wrong in the storage layer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database was written by a newer candour.
    #[error(
        "the journal database has schema version {found}, newer than this candour understands ({supported})"
    )]
    SchemaTooNew {
        /// The database's `user_version`.
        found: u32,
        /// The newest version this build knows.
        supported: u32,
    },
    /// A migration failed (the database is left as it was).
    #[error("upgrading the journal database failed at {name}: {source}")]
    Migration {
        /// The migration's file name.
        name: &'static str,
        /// SQLite's error.
        source: rusqlite::Error,
    },
    /// The file is not an SQLite database, or its pages are damaged.
    #[error("the journal database at {} is damaged or is not a candour journal", path.display())]
    Corrupt {
        /// The database file.
        path: PathBuf,
    },
    /// The directory or database cannot be written.
    #[error("cannot write to the journal at {}", path.display())]
    ReadOnly {
        /// The database file.
        path: PathBuf,
    },
    /// A row's uuid column is not a uuid: the database was edited outside candour.
    #[error("entry {id} has a malformed uuid column")]
    MalformedRow {
        /// The row.
        id: EntryId,
    },
    /// Another SQLite error.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A filesystem error around the database.
    #[error("{action} {}: {source}", path.display())]
    Io {
        /// What was being done ("cannot create").
        action: &'static str,
        /// The path involved.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
}

/// An entry row as stored: plaintext metadata and the age ciphertext.
#[derive(Clone)]
pub struct EntryRow {
    /// The integer id.
    pub id: EntryId,
    /// The uuid column.
    pub uuid: Uuid,
    /// When it happened (unix seconds).
    pub occurred_at: i64,
    /// When it was written (unix seconds).
    pub created_at: i64,
    /// When it last changed (unix seconds).
    pub updated_at: i64,
    /// The age file.
    pub ciphertext: Vec<u8>,
}

impl std::fmt::Debug for EntryRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EntryRow")
            .field("id", &self.id)
            .field("occurred_at", &self.occurred_at)
            .field("ciphertext_len", &self.ciphertext.len())
            .finish_non_exhaustive()
    }
}

/// A row of the `actions` or `sessions` table.
#[derive(Clone)]
pub struct RecordRow {
    /// The integer id.
    pub id: i64,
    /// The uuid column.
    pub uuid: Uuid,
    /// The owning entry (actions) or when the meeting was held (sessions).
    pub key: i64,
    /// When it was written.
    pub created_at: i64,
    /// When it last changed.
    pub updated_at: i64,
    /// The age file.
    pub ciphertext: Vec<u8>,
}

impl std::fmt::Debug for RecordRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecordRow")
            .field("id", &self.id)
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

/// The two tables of encrypted records that hang off the journal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordTable {
    /// Follow-up actions; `key` is the entry id.
    Actions,
    /// Supervision and manager meetings; `key` is when it was held (unix seconds).
    Sessions,
}

impl RecordTable {
    fn select(self) -> &'static str {
        match self {
            RecordTable::Actions => {
                "SELECT id, uuid, entry_id, created_at, updated_at, ciphertext FROM actions ORDER BY id"
            }
            RecordTable::Sessions => {
                "SELECT id, uuid, held_at, created_at, updated_at, ciphertext FROM sessions ORDER BY held_at, id"
            }
        }
    }

    fn select_one(self) -> &'static str {
        match self {
            RecordTable::Actions => {
                "SELECT id, uuid, entry_id, created_at, updated_at, ciphertext FROM actions WHERE id = ?1"
            }
            RecordTable::Sessions => {
                "SELECT id, uuid, held_at, created_at, updated_at, ciphertext FROM sessions WHERE id = ?1"
            }
        }
    }

    fn insert(self) -> &'static str {
        match self {
            RecordTable::Actions => {
                "INSERT INTO actions (uuid, entry_id, created_at, updated_at, ciphertext) VALUES (?1, ?2, ?3, ?3, ?4)"
            }
            RecordTable::Sessions => {
                "INSERT INTO sessions (uuid, held_at, created_at, updated_at, ciphertext) VALUES (?1, ?2, ?3, ?3, ?4)"
            }
        }
    }

    fn update(self) -> &'static str {
        match self {
            RecordTable::Actions => {
                "UPDATE actions SET updated_at = ?2, ciphertext = ?3 WHERE id = ?1"
            }
            RecordTable::Sessions => {
                "UPDATE sessions SET updated_at = ?2, ciphertext = ?3 WHERE id = ?1"
            }
        }
    }

    fn has_uuid(self) -> &'static str {
        match self {
            RecordTable::Actions => "SELECT 1 FROM actions WHERE uuid = ?1",
            RecordTable::Sessions => "SELECT 1 FROM sessions WHERE uuid = ?1",
        }
    }
}

/// Which rows to read, newest first.
#[derive(Debug, Clone, Copy, Default)]
pub struct RowFilter {
    /// Only rows with `occurred_at >= from`.
    pub from: Option<i64>,
    /// Only rows with `occurred_at <= to`.
    pub to: Option<i64>,
    /// Only rows strictly older than this `(occurred_at, id)` (keyset pagination).
    pub before: Option<(i64, i64)>,
    /// At most this many rows.
    pub limit: Option<u64>,
    /// Oldest first instead of newest first (`before` then means "after").
    pub ascending: bool,
}

/// An open journal database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Creates a new database in `dir` (created 0700 if needed). Fails if one exists.
    pub fn create(dir: &Path) -> Result<Store, StoreError> {
        paths::create_private_dir(dir).map_err(|source| StoreError::Io {
            action: "cannot create the journal directory",
            path: dir.to_owned(),
            source,
        })?;
        let path = paths::db_path(dir);
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&path, flags).map_err(|e| classify(e, &path))?;
        Self::prepare(conn, path, dir)
    }

    /// Opens the database in `dir`, upgrading its schema if it is older than this build.
    ///
    /// The caller checks that the file exists; SQLite is told never to create it.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        let path = paths::db_path(dir);
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&path, flags).map_err(|e| classify(e, &path))?;
        Self::prepare(conn, path, dir)
    }

    fn prepare(mut conn: Connection, path: PathBuf, dir: &Path) -> Result<Store, StoreError> {
        let fail = |e: rusqlite::Error| classify(e, &path);
        conn.busy_timeout(BUSY_TIMEOUT).map_err(fail)?;
        // Reading journal_mode is the first statement that touches the file, so a
        // garbage or truncated file is reported here as corrupt.
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
            .map_err(fail)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::ReadOnly { path });
        }
        conn.execute_batch(
            "PRAGMA synchronous = FULL;
             PRAGMA foreign_keys = ON;
             PRAGMA secure_delete = ON;",
        )
        .map_err(fail)?;
        migrations::migrate(&mut conn).map_err(|e| match e {
            StoreError::Sqlite(inner) => classify(inner, &path),
            other => other,
        })?;
        // SQLite gives the -wal and -shm files the database's mode; make sure that is 0600
        // even when the umask was loose (library use without the CLI's umask).
        for file in std::iter::once(path.clone()).chain(paths::db_sidecars(dir)) {
            paths::make_private_file(&file).map_err(|source| StoreError::Io {
                action: "cannot set permissions on",
                path: file.clone(),
                source,
            })?;
        }
        Ok(Store { conn, path })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Read access outside a transaction (each statement sees a consistent snapshot).
    pub fn read(&self) -> Db<'_> {
        Db {
            conn: &self.conn,
            path: &self.path,
        }
    }

    /// Starts a read transaction so that every later read sees the database as it is
    /// now, even if another process commits meanwhile (a `rekey` replacing every
    /// ciphertext and the key must not be seen half before and half after). Ends at the
    /// next [`Store::write`] or when the store is dropped.
    pub fn begin_snapshot(&self) -> Result<(), StoreError> {
        if self.conn.is_autocommit() {
            self.conn
                .execute_batch("BEGIN DEFERRED")
                .map_err(|e| classify(e, &self.path))?;
        }
        // The snapshot is taken by the first read.
        self.conn
            .query_row("SELECT count(*) FROM meta", [], |_| Ok(()))
            .map_err(|e| classify(e, &self.path))
    }

    fn end_snapshot(&self) -> Result<(), StoreError> {
        if !self.conn.is_autocommit() {
            self.conn
                .execute_batch("COMMIT")
                .map_err(|e| classify(e, &self.path))?;
        }
        Ok(())
    }

    /// Runs `f` in one immediate transaction; commits if it returns `Ok`.
    pub fn write<T, E>(&mut self, f: impl FnOnce(&Db<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        self.end_snapshot()?;
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| classify(e, &path))?;
        let value = f(&Db {
            conn: &tx,
            path: &path,
        })?;
        tx.commit().map_err(|e| classify(e, &path))?;
        Ok(value)
    }

    /// Runs `PRAGMA integrity_check` and returns SQLite's complaints (empty when healthy).
    pub fn integrity_check(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        let rows: Vec<String> = stmt
            .query_map([], |row| row.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(rows.into_iter().filter(|r| r != "ok").collect())
    }

    /// Writes a compacted, consistent copy of the database to `target` (which must not
    /// exist) while other connections may keep writing.
    pub fn vacuum_into(&self, target: &Path) -> Result<(), StoreError> {
        let target_text = target.to_str().ok_or_else(|| StoreError::Io {
            action: "cannot use the path",
            path: target.to_owned(),
            source: std::io::Error::from(std::io::ErrorKind::InvalidInput),
        })?;
        self.conn
            .execute("VACUUM INTO ?1", [target_text])
            .map(drop)
            .map_err(|e| classify(e, &self.path))
    }

    /// Rebuilds the database file, dropping free pages (and with `secure_delete` on,
    /// nothing deleted survives in them beforehand either).
    pub fn vacuum(&self) -> Result<(), StoreError> {
        self.conn
            .execute_batch("VACUUM")
            .map_err(|e| classify(e, &self.path))
    }

    /// Moves everything in the WAL into the database file and truncates the WAL, so
    /// overwritten pages (deleted ciphertext, the old wrapped key) do not linger there.
    pub fn checkpoint(&self) -> Result<(), StoreError> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .map_err(|e| classify(e, &self.path))
    }
}

/// Statements against an open connection or transaction.
pub struct Db<'c> {
    conn: &'c Connection,
    path: &'c Path,
}

impl Db<'_> {
    fn fail(&self, e: rusqlite::Error) -> StoreError {
        classify(e, self.path)
    }

    /// A value from the `meta` table.
    pub fn meta(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |row| {
                row.get(0)
            })
            .optional()
            .map_err(|e| self.fail(e))
    }

    /// Sets a value in the `meta` table.
    pub fn set_meta(&self, key: &str, value: &[u8]) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )
            .map(drop)
            .map_err(|e| self.fail(e))
    }

    /// Removes a meta value (no error if absent).
    pub fn delete_meta(&self, key: &str) -> Result<(), StoreError> {
        self.conn
            .execute("DELETE FROM meta WHERE key = ?1", [key])
            .map(drop)
            .map_err(|e| self.fail(e))
    }

    /// Inserts an entry and returns its id.
    pub fn insert_entry(
        &self,
        uuid: Uuid,
        occurred_at: i64,
        now: i64,
        ciphertext: &[u8],
    ) -> Result<EntryId, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "INSERT INTO entries (uuid, occurred_at, created_at, updated_at, ciphertext)
                 VALUES (?1, ?2, ?3, ?3, ?4)",
            )
            .map_err(|e| self.fail(e))?;
        stmt.execute(params![uuid.to_string(), occurred_at, now, ciphertext])
            .map_err(|e| self.fail(e))?;
        Ok(EntryId(self.conn.last_insert_rowid()))
    }

    /// Inserts an entry with its own creation and update times (imports keep them).
    pub fn insert_entry_at(
        &self,
        uuid: Uuid,
        occurred_at: i64,
        created_at: i64,
        updated_at: i64,
        ciphertext: &[u8],
    ) -> Result<EntryId, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "INSERT INTO entries (uuid, occurred_at, created_at, updated_at, ciphertext)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .map_err(|e| self.fail(e))?;
        stmt.execute(params![
            uuid.to_string(),
            occurred_at,
            created_at,
            updated_at,
            ciphertext
        ])
        .map_err(|e| self.fail(e))?;
        Ok(EntryId(self.conn.last_insert_rowid()))
    }

    /// Replaces an entry's ciphertext and dates. Returns false if there is no such entry.
    pub fn update_entry(
        &self,
        id: EntryId,
        occurred_at: i64,
        now: i64,
        ciphertext: &[u8],
    ) -> Result<bool, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "UPDATE entries SET occurred_at = ?2, updated_at = ?3, ciphertext = ?4 WHERE id = ?1",
            )
            .map_err(|e| self.fail(e))?;
        let changed = stmt
            .execute(params![id.0, occurred_at, now, ciphertext])
            .map_err(|e| self.fail(e))?;
        Ok(changed == 1)
    }

    /// Deletes an entry. Returns false if there is no such entry.
    pub fn delete_entry(&self, id: EntryId) -> Result<bool, StoreError> {
        let changed = self
            .conn
            .execute("DELETE FROM entries WHERE id = ?1", [id.0])
            .map_err(|e| self.fail(e))?;
        Ok(changed == 1)
    }

    /// One entry row.
    pub fn entry(&self, id: EntryId) -> Result<Option<EntryRow>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, uuid, occurred_at, created_at, updated_at, ciphertext
                 FROM entries WHERE id = ?1",
            )
            .map_err(|e| self.fail(e))?;
        let raw = stmt
            .query_row([id.0], raw_row)
            .optional()
            .map_err(|e| self.fail(e))?;
        raw.map(RawRow::into_entry).transpose()
    }

    /// True when an entry with this uuid exists.
    pub fn has_uuid(&self, uuid: Uuid) -> Result<bool, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT 1 FROM entries WHERE uuid = ?1")
            .map_err(|e| self.fail(e))?;
        stmt.exists([uuid.to_string()]).map_err(|e| self.fail(e))
    }

    /// Entry rows newest first (by `occurred_at`, then id), filtered by date; oldest first
    /// with `ascending`.
    pub fn entries(&self, filter: &RowFilter) -> Result<Vec<EntryRow>, StoreError> {
        // Each page starts from a single row-value bound on the index, so SQLite seeks
        // straight to it. (Separate `occurred_at <= to` and keyset terms made it walk
        // the index from the top on every page: quadratic, 1.4 s to page through 100k.)
        let (sql, far_end, start) = if filter.ascending {
            let floor = (filter.from.unwrap_or(i64::MIN), i64::MIN);
            (
                "SELECT id, uuid, occurred_at, created_at, updated_at, ciphertext
                 FROM entries
                 WHERE occurred_at <= ?1 AND (occurred_at, id) > (?2, ?3)
                 ORDER BY occurred_at, id
                 LIMIT ?4",
                filter.to.unwrap_or(i64::MAX),
                filter.before.map_or(floor, |after| after.max(floor)),
            )
        } else {
            let ceiling = (filter.to.unwrap_or(i64::MAX), i64::MAX);
            (
                "SELECT id, uuid, occurred_at, created_at, updated_at, ciphertext
                 FROM entries
                 WHERE occurred_at >= ?1 AND (occurred_at, id) < (?2, ?3)
                 ORDER BY occurred_at DESC, id DESC
                 LIMIT ?4",
                filter.from.unwrap_or(i64::MIN),
                filter.before.map_or(ceiling, |before| before.min(ceiling)),
            )
        };
        let mut stmt = self.conn.prepare_cached(sql).map_err(|e| self.fail(e))?;
        let limit = filter
            .limit
            .map_or(-1, |n| i64::try_from(n).unwrap_or(i64::MAX));
        let rows = stmt
            .query_map(params![far_end, start.0, start.1, limit], raw_row)
            .map_err(|e| self.fail(e))?;
        rows.map(|r| r.map_err(|e| self.fail(e)).and_then(RawRow::into_entry))
            .collect()
    }

    /// Every row of an actions or sessions table.
    pub fn records(&self, table: RecordTable) -> Result<Vec<RecordRow>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(table.select())
            .map_err(|e| self.fail(e))?;
        let rows = stmt.query_map([], raw_record).map_err(|e| self.fail(e))?;
        rows.map(|r| r.map_err(|e| self.fail(e)).and_then(RawRecord::into_row))
            .collect()
    }

    /// One row of an actions or sessions table.
    pub fn record(&self, table: RecordTable, id: i64) -> Result<Option<RecordRow>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(table.select_one())
            .map_err(|e| self.fail(e))?;
        let raw = stmt
            .query_row([id], raw_record)
            .optional()
            .map_err(|e| self.fail(e))?;
        raw.map(RawRecord::into_row).transpose()
    }

    /// Inserts into an actions or sessions table; `key` is the entry id or the held time.
    pub fn insert_record(
        &self,
        table: RecordTable,
        uuid: Uuid,
        key: i64,
        now: i64,
        ciphertext: &[u8],
    ) -> Result<i64, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(table.insert())
            .map_err(|e| self.fail(e))?;
        stmt.execute(params![uuid.to_string(), key, now, ciphertext])
            .map_err(|e| self.fail(e))?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Replaces a record's ciphertext. Returns false if there is no such row.
    pub fn update_record(
        &self,
        table: RecordTable,
        id: i64,
        now: i64,
        ciphertext: &[u8],
    ) -> Result<bool, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(table.update())
            .map_err(|e| self.fail(e))?;
        Ok(stmt
            .execute(params![id, now, ciphertext])
            .map_err(|e| self.fail(e))?
            == 1)
    }

    /// True when a record with this uuid exists.
    pub fn has_record_uuid(&self, table: RecordTable, uuid: Uuid) -> Result<bool, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(table.has_uuid())
            .map_err(|e| self.fail(e))?;
        stmt.exists([uuid.to_string()]).map_err(|e| self.fail(e))
    }

    /// The id of the entry with this uuid.
    pub fn entry_id_for(&self, uuid: Uuid) -> Result<Option<EntryId>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id FROM entries WHERE uuid = ?1")
            .map_err(|e| self.fail(e))?;
        stmt.query_row([uuid.to_string()], |r| r.get(0))
            .optional()
            .map(|o| o.map(EntryId))
            .map_err(|e| self.fail(e))
    }

    /// The number of entries that happened before `cutoff` (unix seconds).
    pub fn count_older_than(&self, cutoff: i64) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn
            .query_row(
                "SELECT count(*) FROM entries WHERE occurred_at < ?1",
                [cutoff],
                |row| row.get(0),
            )
            .map_err(|e| self.fail(e))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Deletes every entry that happened before `cutoff` (their actions go with them).
    pub fn delete_older_than(&self, cutoff: i64) -> Result<u64, StoreError> {
        let n = self
            .conn
            .execute("DELETE FROM entries WHERE occurred_at < ?1", [cutoff])
            .map_err(|e| self.fail(e))?;
        Ok(n as u64)
    }

    /// The number of entries.
    pub fn count_entries(&self) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM entries", [], |row| row.get(0))
            .map_err(|e| self.fail(e))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}

struct RawRow {
    id: i64,
    uuid: String,
    occurred_at: i64,
    created_at: i64,
    updated_at: i64,
    ciphertext: Vec<u8>,
}

struct RawRecord(RawRow);

fn raw_record(row: &rusqlite::Row<'_>) -> rusqlite::Result<RawRecord> {
    raw_row(row).map(RawRecord)
}

impl RawRecord {
    fn into_row(self) -> Result<RecordRow, StoreError> {
        let raw = self.0;
        let uuid = Uuid::parse_str(&raw.uuid).map_err(|_| StoreError::MalformedRow {
            id: EntryId(raw.id),
        })?;
        Ok(RecordRow {
            id: raw.id,
            uuid,
            key: raw.occurred_at,
            created_at: raw.created_at,
            updated_at: raw.updated_at,
            ciphertext: raw.ciphertext,
        })
    }
}

fn raw_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<RawRow> {
    Ok(RawRow {
        id: row.get(0)?,
        uuid: row.get(1)?,
        occurred_at: row.get(2)?,
        created_at: row.get(3)?,
        updated_at: row.get(4)?,
        ciphertext: row.get(5)?,
    })
}

impl RawRow {
    fn into_entry(self) -> Result<EntryRow, StoreError> {
        let id = EntryId(self.id);
        let uuid = Uuid::parse_str(&self.uuid).map_err(|_| StoreError::MalformedRow { id })?;
        Ok(EntryRow {
            id,
            uuid,
            occurred_at: self.occurred_at,
            created_at: self.created_at,
            updated_at: self.updated_at,
            ciphertext: self.ciphertext,
        })
    }
}

/// Turns SQLite's error codes into the situations users can act on.
fn classify(e: rusqlite::Error, path: &Path) -> StoreError {
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => StoreError::Corrupt {
            path: path.to_owned(),
        },
        Some(ErrorCode::ReadOnly | ErrorCode::CannotOpen | ErrorCode::PermissionDenied) => {
            StoreError::ReadOnly {
                path: path.to_owned(),
            }
        }
        _ => StoreError::Sqlite(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(&dir.path().join("j")).unwrap();
        (dir, store)
    }

    #[test]
    fn rows_come_back_newest_first_with_date_filters() {
        let (_dir, mut store) = temp_store();
        store
            .write(|db| {
                for (i, at) in [300, 100, 200, 200].into_iter().enumerate() {
                    db.insert_entry(Uuid::new_v4(), at, 1, &[u8::try_from(i).unwrap()])?;
                }
                Ok::<_, StoreError>(())
            })
            .unwrap();
        let all = store.read().entries(&RowFilter::default()).unwrap();
        let order: Vec<(i64, i64)> = all.iter().map(|r| (r.occurred_at, r.id.0)).collect();
        assert_eq!(order, vec![(300, 1), (200, 4), (200, 3), (100, 2)]);

        let ranged = store
            .read()
            .entries(&RowFilter {
                from: Some(150),
                to: Some(250),
                ..RowFilter::default()
            })
            .unwrap();
        assert_eq!(ranged.len(), 2);

        let page = store
            .read()
            .entries(&RowFilter {
                before: Some((200, 4)),
                limit: Some(1),
                ..RowFilter::default()
            })
            .unwrap();
        assert_eq!(page[0].id, EntryId(3));
    }

    /// Walks `filter` page by page, each page starting after the last row of the one before.
    fn paged(store: &Store, filter: &RowFilter, size: u64) -> Vec<(i64, i64)> {
        let mut seen = Vec::new();
        let mut before = None;
        loop {
            let page = store
                .read()
                .entries(&RowFilter {
                    before,
                    limit: Some(size),
                    ..*filter
                })
                .unwrap();
            let Some(last) = page.last() else {
                return seen;
            };
            before = Some((last.occurred_at, last.id.0));
            seen.extend(page.iter().map(|r| (r.occurred_at, r.id.0)));
        }
    }

    #[test]
    fn pages_cover_a_date_range_exactly_once_in_both_directions() {
        let (_dir, mut store) = temp_store();
        // Many ties on occurred_at, so pages often split a run of equal times.
        let times: Vec<i64> = (0..60).map(|i| (i * 7) % 13 * 10).collect();
        store
            .write(|db| {
                for at in &times {
                    db.insert_entry(Uuid::new_v4(), *at, 1, b"x")?;
                }
                Ok::<_, StoreError>(())
            })
            .unwrap();
        for (from, to) in [
            (None, None),
            (Some(30), Some(90)),
            (Some(50), None),
            (None, Some(40)),
        ] {
            for ascending in [false, true] {
                let filter = RowFilter {
                    from,
                    to,
                    ascending,
                    ..RowFilter::default()
                };
                let mut expected: Vec<(i64, i64)> = times
                    .iter()
                    .zip(1..)
                    .map(|(at, id)| (*at, id))
                    .filter(|(at, _)| from.is_none_or(|f| *at >= f) && to.is_none_or(|t| *at <= t))
                    .collect();
                expected.sort_unstable();
                if !ascending {
                    expected.reverse();
                }
                for size in [1, 4, 7, 100] {
                    assert_eq!(
                        paged(&store, &filter, size),
                        expected,
                        "from {from:?} to {to:?} ascending {ascending} page {size}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_failed_write_rolls_back() {
        let (_dir, mut store) = temp_store();
        let result: Result<(), StoreError> = store.write(|db| {
            db.insert_entry(Uuid::new_v4(), 1, 1, b"x")?;
            Err(StoreError::MalformedRow { id: EntryId(1) })
        });
        assert!(result.is_err());
        assert_eq!(store.read().count_entries().unwrap(), 0);
    }

    #[test]
    fn deleted_ids_are_never_reused() {
        let (_dir, mut store) = temp_store();
        let first = store
            .write(|db| db.insert_entry(Uuid::new_v4(), 1, 1, b"a"))
            .unwrap();
        store.write(|db| db.delete_entry(first)).unwrap();
        let second = store
            .write(|db| db.insert_entry(Uuid::new_v4(), 1, 1, b"b"))
            .unwrap();
        assert_ne!(first, second);
    }
}
