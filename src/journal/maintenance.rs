//! Key maintenance and housekeeping: `rekey`, `verify`, `backup` and `purge`.
//!
//! Each is one SQLite transaction (or one VACUUM), so a crash at any moment leaves the
//! journal as it was before or as it is after, never a mix: a rekey that dies half way
//! leaves every entry under the old key and the old key in place.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rayon::prelude::*;
use secrecy::SecretString;

use super::records::check_record;
use super::{Journal, META_NAMES, META_RECIPIENT, META_WORK_FACTOR, META_WRAPPED_KEY, open_row};
use crate::error::Error;
use crate::model::EntryId;
use crate::paths;
use crate::store::{Db, EntryRow, RecordTable, RowFilter, StoreError};
use crate::vault::{JournalKey, Recipient};

/// Rows read and re-encrypted per page, so memory stays flat on large journals.
const PAGE: u64 = 500;

/// What `verify` found.
#[derive(Debug, Clone, Default)]
pub struct VerifyReport {
    /// SQLite's `integrity_check` complaints (empty when the file is sound).
    pub integrity: Vec<String>,
    /// Entries checked.
    pub entries: u64,
    /// Entries that failed to decrypt, authenticate or parse.
    pub bad_entries: Vec<EntryId>,
    /// Actions and sessions checked.
    pub records: u64,
    /// Damaged actions and sessions: ("action" | "session", id).
    pub bad_records: Vec<(&'static str, i64)>,
    /// Whether the encrypted names list failed to open.
    pub bad_names: bool,
}

impl VerifyReport {
    /// True when nothing is wrong.
    pub fn is_ok(&self) -> bool {
        self.integrity.is_empty()
            && self.bad_entries.is_empty()
            && self.bad_records.is_empty()
            && !self.bad_names
    }
}

/// What `purge` did.
#[derive(Debug, Clone, Copy, Default)]
pub struct PurgeReport {
    /// Entries deleted (0 when only compacting).
    pub deleted: u64,
    /// Database size before, in bytes.
    pub bytes_before: u64,
    /// Database size after, in bytes.
    pub bytes_after: u64,
}

impl Journal {
    /// Checks the database file and decrypts and parses every entry, action, session
    /// and the names list. Reports every damaged item; changes nothing.
    pub fn verify(
        &self,
        key: &JournalKey,
        progress: &mut dyn FnMut(u64),
    ) -> Result<VerifyReport, Error> {
        super::warm_file_keys(&self.store, key);
        let mut report = VerifyReport {
            integrity: self.store.integrity_check()?,
            ..VerifyReport::default()
        };
        let db = self.store.read();
        each_page(&db, &mut |rows| {
            let bad: Vec<EntryId> = rows
                .par_iter()
                .filter(|row| open_row(key, row).is_err())
                .map(|row| row.id)
                .collect();
            report.entries += rows.len() as u64;
            report.bad_entries.extend(bad);
            progress(report.entries);
            Ok(())
        })?;
        for table in [RecordTable::Actions, RecordTable::Sessions] {
            for row in self.store.read().records(table)? {
                report.records += 1;
                if let Err(what) = check_record(table, key, &row) {
                    report.bad_records.push((what, row.id));
                }
            }
        }
        report.bad_names = self.names(key).is_err();
        Ok(report)
    }

    /// Replaces the journal key with `new` (from [`JournalKey::generate`]; save its
    /// recovery key before calling, so a crash cannot lose it): every entry, action,
    /// session and the names list is re-encrypted to it in one transaction, and it is
    /// wrapped with `passphrase`.
    ///
    /// Refuses, changing nothing, if any item cannot be decrypted with the old key.
    pub fn rekey(
        &mut self,
        old: &JournalKey,
        new: &JournalKey,
        passphrase: &SecretString,
        progress: &mut dyn FnMut(u64),
    ) -> Result<(), Error> {
        old.check_belongs_to(&self.recipient)?;
        let work_factor = self
            .store
            .read()
            .meta(META_WORK_FACTOR)?
            .and_then(|v| v.first().copied());
        let wrapped = new.wrap(passphrase, work_factor)?;
        let recipient = new.recipient();
        let names = self.store.read().meta(META_NAMES)?;
        let mut done = 0_u64;
        self.store.write(|db| {
            each_page(db, &mut |rows| {
                let sealed: Vec<Result<Vec<u8>, Error>> = rows
                    .par_iter()
                    .map(|row| {
                        reseal(old, &recipient, &row.ciphertext, || Error::EntryDamaged {
                            id: row.id,
                        })
                    })
                    .collect();
                for (row, ciphertext) in rows.iter().zip(sealed) {
                    db.update_entry(row.id, row.occurred_at, row.updated_at, &ciphertext?)?;
                }
                done += rows.len() as u64;
                progress(done);
                Ok(())
            })?;
            for table in [RecordTable::Actions, RecordTable::Sessions] {
                let what = match table {
                    RecordTable::Actions => "action",
                    RecordTable::Sessions => "session",
                };
                for row in db.records(table)? {
                    let ciphertext = reseal(old, &recipient, &row.ciphertext, || {
                        Error::RecordDamaged { what, id: row.id }
                    })?;
                    db.update_record(table, row.id, row.updated_at, &ciphertext)?;
                }
            }
            if let Some(blob) = &names {
                let ciphertext = reseal(old, &recipient, blob, || Error::RecordDamaged {
                    what: "names list",
                    id: 0,
                })?;
                db.set_meta(META_NAMES, &ciphertext)?;
            }
            // Cached file keys belong to the old ciphertexts and the old key.
            db.delete_meta(super::META_FILE_KEYS)?;
            db.set_meta(META_RECIPIENT, recipient.to_string().as_bytes())?;
            db.set_meta(META_WRAPPED_KEY, &wrapped)?;
            Ok::<_, Error>(())
        })?;
        self.recipient = recipient;
        crate::vault::file_keys::clear();
        // Old ciphertexts and the old wrapped key must not linger in the WAL.
        self.store.checkpoint()?;
        Ok(())
    }

    /// Writes a consistent copy of the journal into the new directory `dest` (created
    /// 0700, database 0600), usable with `--journal dest`. Works while others write.
    pub fn backup(&self, dest: &Path) -> Result<PathBuf, Error> {
        let target = paths::db_path(dest);
        if target.exists() {
            return Err(Error::BackupExists { path: target });
        }
        paths::create_private_dir(dest).map_err(|source| {
            Error::Store(StoreError::Io {
                action: "cannot create the backup directory",
                path: dest.to_owned(),
                source,
            })
        })?;
        self.store.vacuum_into(&target)?;
        paths::make_private_file(&target).map_err(|source| {
            Error::Store(StoreError::Io {
                action: "cannot set permissions on",
                path: target.clone(),
                source,
            })
        })?;
        Ok(target)
    }

    /// Entries that happened before `cutoff` (for `purge --older-than`).
    pub fn count_older_than(&self, cutoff: DateTime<Utc>) -> Result<u64, Error> {
        Ok(self.store.read().count_older_than(cutoff.timestamp())?)
    }

    /// Deletes every entry that happened before `cutoff` (with its actions), if given,
    /// then rebuilds the database file so no deleted ciphertext survives in free pages.
    pub fn purge(&mut self, cutoff: Option<DateTime<Utc>>) -> Result<PurgeReport, Error> {
        let size = |path: &Path| std::fs::metadata(path).map_or(0, |m| m.len());
        let bytes_before = size(self.store.path());
        let deleted = match cutoff {
            Some(cutoff) => self
                .store
                .write(|db| db.delete_older_than(cutoff.timestamp()))?,
            None => 0,
        };
        self.store.vacuum()?;
        self.store.checkpoint()?;
        Ok(PurgeReport {
            deleted,
            bytes_before,
            bytes_after: size(self.store.path()),
        })
    }
}

/// Visits every entry row, oldest first, a page at a time (memory stays flat).
fn each_page(
    db: &Db<'_>,
    visit: &mut dyn FnMut(&[EntryRow]) -> Result<(), Error>,
) -> Result<(), Error> {
    let mut after: Option<(i64, i64)> = None;
    loop {
        let rows = db.entries(&RowFilter {
            before: after,
            limit: Some(PAGE),
            ascending: true,
            ..RowFilter::default()
        })?;
        let Some(last) = rows.last() else { break };
        after = Some((last.occurred_at, last.id.0));
        visit(&rows)?;
        if (rows.len() as u64) < PAGE {
            break;
        }
    }
    Ok(())
}

/// Decrypts with the old key and encrypts to the new recipient; the plaintext is
/// zeroised when dropped.
fn reseal(
    old: &JournalKey,
    new: &Recipient,
    ciphertext: &[u8],
    damaged: impl Fn() -> Error,
) -> Result<Vec<u8>, Error> {
    let plaintext = old.open(ciphertext).map_err(|_| damaged())?;
    Ok(new.seal(&plaintext)?)
}
