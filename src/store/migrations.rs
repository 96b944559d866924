//! Schema migrations: numbered `.sql` files in `schema/`, embedded at build time.
//!
//! The list is append-only. Migrations run in order inside one exclusive transaction
//! and the schema version is `PRAGMA user_version`, so a crash mid-way leaves the old
//! schema, and a database written by a newer candour is refused instead of damaged.

use rusqlite::{Connection, TransactionBehavior};

use super::StoreError;

/// One migration: its file name (for messages) and its SQL.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// The file name in `schema/`.
    pub name: &'static str,
    /// The SQL, applied with `execute_batch`.
    pub sql: &'static str,
}

/// Every migration, in order. Append only; never edit a released one.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        name: "0001_init.sql",
        sql: include_str!("../../schema/0001_init.sql"),
    },
    Migration {
        name: "0002_actions_sessions.sql",
        sql: include_str!("../../schema/0002_actions_sessions.sql"),
    },
];

/// The schema version this build writes.
pub fn latest_version() -> u32 {
    u32::try_from(MIGRATIONS.len()).unwrap_or(u32::MAX)
}

/// Brings the database up to date with [`MIGRATIONS`].
pub fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    migrate_with(conn, MIGRATIONS)
}

/// Applies `migrations` beyond the database's `user_version`.
pub(crate) fn migrate_with(
    conn: &mut Connection,
    migrations: &[Migration],
) -> Result<(), StoreError> {
    let supported = u32::try_from(migrations.len()).unwrap_or(u32::MAX);
    if user_version(conn)? == supported {
        return Ok(());
    }
    // Exclusive, and the version is read again inside: two processes opening an old
    // journal at once must not both apply the same migration.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Exclusive)?;
    let found = user_version(&tx)?;
    if found > supported {
        return Err(StoreError::SchemaTooNew { found, supported });
    }
    for migration in migrations.iter().skip(found as usize) {
        tx.execute_batch(migration.sql)
            .map_err(|source| StoreError::Migration {
                name: migration.name,
                source,
            })?;
    }
    tx.pragma_update(None, "user_version", supported)?;
    tx.commit()?;
    Ok(())
}

/// The schema version recorded in the database.
pub fn user_version(conn: &Connection) -> Result<u32, StoreError> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    Ok(u32::try_from(version).unwrap_or(u32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tables(conn: &Connection) -> Vec<String> {
        let mut stmt = conn
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
            .unwrap();
        stmt.query_map([], |row| row.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }

    #[test]
    fn all_migrations_apply_to_an_empty_database() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        assert_eq!(user_version(&conn).unwrap(), latest_version());
        assert!(tables(&conn).contains(&"entries".to_owned()));
    }

    #[test]
    fn migrating_twice_is_a_no_op() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        let before = tables(&conn);
        migrate(&mut conn).unwrap();
        assert_eq!(tables(&conn), before);
        assert_eq!(user_version(&conn).unwrap(), latest_version());
    }

    #[test]
    fn an_appended_migration_runs_once_on_an_old_database() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        let mut extended = MIGRATIONS.to_vec();
        extended.push(Migration {
            name: "9999_test.sql",
            sql: "CREATE TABLE extra (x INTEGER) STRICT;",
        });
        migrate_with(&mut conn, &extended).unwrap();
        migrate_with(&mut conn, &extended).unwrap();
        assert!(tables(&conn).contains(&"extra".to_owned()));
        assert_eq!(user_version(&conn).unwrap() as usize, extended.len());
    }

    #[test]
    fn a_newer_database_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        conn.pragma_update(None, "user_version", latest_version() + 1)
            .unwrap();
        match migrate(&mut conn) {
            Err(StoreError::SchemaTooNew { found, supported }) => {
                assert_eq!(found, latest_version() + 1);
                assert_eq!(supported, latest_version());
            }
            other => panic!("expected SchemaTooNew, got {other:?}"),
        }
    }

    #[test]
    fn a_failing_migration_leaves_the_old_schema() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        let mut broken = MIGRATIONS.to_vec();
        broken.push(Migration {
            name: "9998_ok.sql",
            sql: "CREATE TABLE half (x) ;",
        });
        broken.push(Migration {
            name: "9999_bad.sql",
            sql: "THIS IS NOT SQL;",
        });
        assert!(migrate_with(&mut conn, &broken).is_err());
        assert_eq!(user_version(&conn).unwrap(), latest_version());
        assert!(!tables(&conn).contains(&"half".to_owned()));
    }
}
