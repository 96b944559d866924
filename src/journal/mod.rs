//! Use-cases: one method per user action, each owning its transaction.
//!
//! A [`Journal`] is an open database plus the journal's public key. Adding needs
//! nothing more; reading needs a [`JournalKey`] from [`Journal::unlock`]. Every write is
//! one SQLite transaction, so an interrupted command leaves the old state or the new one.
//!
//! ## Integrity
//! After decrypting an entry its payload is checked against the row it came from (uuid
//! and date). A ciphertext moved to another row, a row edited outside candour or a
//! flipped byte all surface as [`Error::EntryDamaged`] naming the entry — never as a
//! crash, and never by echoing what the damaged data contained.

pub mod import;
pub mod maintenance;
mod query;
pub mod records;
pub mod tagging;

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use rayon::prelude::*;
use secrecy::SecretString;

pub use query::{Listing, Query};

use crate::error::Error;
use crate::model::{EntryId, PAYLOAD_VERSION, Payload};
use crate::paths;
use crate::store::{EntryRow, Store, StoreError};
use crate::vault::{JournalKey, Recipient, Unlock, VaultError, file_keys};

/// The largest entry text accepted, in bytes. A reflection is a few hundred words; a
/// megabyte is a book chapter, and anything bigger is almost certainly a wrong file
/// piped in by mistake.
pub const MAX_TEXT_BYTES: usize = 1024 * 1024;

const META_RECIPIENT: &str = "recipient";
const META_WRAPPED_KEY: &str = "wrapped_key";
const META_CREATED_AT: &str = "created_at";
const META_WORK_FACTOR: &str = "kdf_work_factor";
/// The file-key cache (see `vault::file_keys`), an age file encrypted to the journal key.
const META_FILE_KEYS: &str = "file_keys";
/// Learned file keys are saved when there are at least this many new ones, or when they
/// are a quarter of the cache (so small journals are cached too, and a single `show` on
/// a large journal does not rewrite the whole cache).
const FILE_KEYS_SAVE_AFTER: usize = 256;
const META_NAMES: &str = "names";

/// An open journal.
#[derive(Debug)]
pub struct Journal {
    dir: PathBuf,
    store: Store,
    recipient: Recipient,
}

/// A decrypted entry with its plaintext row metadata.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The integer id.
    pub id: EntryId,
    /// When the row was last written.
    pub updated_at: DateTime<Utc>,
    /// Everything encrypted.
    pub payload: Payload,
}

impl Entry {
    /// A copy without what a person wrote (text, evidence, reflection, record): enough
    /// for dates, categories, status, route and share level, as pattern checks and
    /// counts need, at a fraction of the memory.
    #[must_use]
    pub fn outline(&self) -> Entry {
        let mut payload = self.payload.clone_without_text();
        for tag in &mut payload.tags {
            tag.evidence = Vec::new();
        }
        Entry {
            id: self.id,
            updated_at: self.updated_at,
            payload,
        }
    }
}

/// Options for [`Journal::init`].
#[derive(Debug, Clone, Copy, Default)]
pub struct InitOptions {
    /// scrypt work factor (log2 N) for the passphrase; `None` for age's default.
    pub work_factor: Option<u8>,
}

impl Journal {
    /// Creates a journal in `dir` and returns it with its new secret key (to be shown
    /// once as the recovery key).
    pub fn init(
        dir: &Path,
        passphrase: &SecretString,
        options: InitOptions,
        now: DateTime<Utc>,
    ) -> Result<(Journal, JournalKey), Error> {
        if paths::db_path(dir).exists() {
            return Err(Error::JournalExists {
                dir: dir.to_owned(),
            });
        }
        let key = JournalKey::generate();
        let wrapped = key.wrap(passphrase, options.work_factor)?;
        let recipient = key.recipient();
        let created = (|| {
            let mut store = Store::create(dir)?;
            store.write(|db| {
                db.set_meta(META_RECIPIENT, recipient.to_string().as_bytes())?;
                db.set_meta(META_WRAPPED_KEY, &wrapped)?;
                db.set_meta(META_CREATED_AT, now.to_rfc3339().as_bytes())?;
                if let Some(n) = options.work_factor {
                    db.set_meta(META_WORK_FACTOR, &[n])?;
                }
                Ok::<_, StoreError>(())
            })?;
            Ok::<_, StoreError>(store)
        })();
        match created {
            Ok(store) => Ok((
                Journal {
                    dir: dir.to_owned(),
                    store,
                    recipient,
                },
                key,
            )),
            Err(e) => {
                // Leave no half-made journal behind: the next `init` would refuse it.
                for file in std::iter::once(paths::db_path(dir)).chain(paths::db_sidecars(dir)) {
                    let _ = std::fs::remove_file(file);
                }
                Err(e.into())
            }
        }
    }

    /// Opens the journal in `dir`.
    pub fn open(dir: &Path) -> Result<Journal, Error> {
        if !paths::db_path(dir).is_file() {
            return Err(Error::NoJournal {
                dir: dir.to_owned(),
            });
        }
        let store = Store::open(dir)?;
        let recipient = store
            .read()
            .meta(META_RECIPIENT)?
            .ok_or_else(|| Error::Incomplete {
                dir: dir.to_owned(),
                what: "the public key",
            })?;
        let recipient = std::str::from_utf8(&recipient)
            .map_err(|_| VaultError::DamagedKey)?
            .parse::<Recipient>()?;
        Ok(Journal {
            dir: dir.to_owned(),
            store,
            recipient,
        })
    }

    /// The journal directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The journal's public key (`age1…`).
    pub fn recipient(&self) -> &Recipient {
        &self.recipient
    }

    /// The underlying store (for maintenance commands).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Saves newly learned file keys, if enough to be worth rewriting the cache.
    pub fn save_file_keys(&mut self) -> Result<(), Error> {
        let learned = file_keys::learned();
        let owner = self.recipient.to_string();
        // Only a cache that started from the persisted one may replace it.
        if learned == 0 || file_keys::owner() != owner || !file_keys::loaded_for(&owner) {
            return Ok(());
        }
        if learned < FILE_KEYS_SAVE_AFTER && learned * 4 < file_keys::len() {
            return Ok(());
        }
        let records = file_keys::serialise();
        let sealed = self.recipient.seal(&records)?;
        self.store
            .write(|db| db.set_meta(META_FILE_KEYS, &sealed))?;
        Ok(())
    }

    /// Pins what this process reads to one consistent moment (see
    /// [`Store::begin_snapshot`]), re-reading the public key as of that moment.
    pub fn pin_snapshot(&mut self) -> Result<(), Error> {
        self.store.begin_snapshot()?;
        let recipient =
            self.store
                .read()
                .meta(META_RECIPIENT)?
                .ok_or_else(|| Error::Incomplete {
                    dir: self.dir.clone(),
                    what: "the public key",
                })?;
        self.recipient = std::str::from_utf8(&recipient)
            .map_err(|_| VaultError::DamagedKey)?
            .parse::<Recipient>()?;
        Ok(())
    }

    /// Unlocks the journal key with a passphrase or the recovery key.
    pub fn unlock(&self, how: &Unlock) -> Result<JournalKey, Error> {
        let key =
            match how {
                Unlock::Passphrase(passphrase) => {
                    let wrapped = self.store.read().meta(META_WRAPPED_KEY)?.ok_or_else(|| {
                        Error::Incomplete {
                            dir: self.dir.clone(),
                            what: "the wrapped journal key",
                        }
                    })?;
                    let key = JournalKey::unwrap(&wrapped, passphrase)?;
                    // The passphrase opened a key that is not this journal's: the key record
                    // was swapped, which is tampering rather than a typo.
                    key.check_belongs_to(&self.recipient)
                        .map_err(|_| VaultError::DamagedKey)?;
                    key
                }
                Unlock::Identity(text) => {
                    let key = JournalKey::from_identity_text(text)?;
                    key.check_belongs_to(&self.recipient)?;
                    key
                }
            };
        Ok(key)
    }

    /// Number of entries (no key needed).
    pub fn count(&self) -> Result<u64, Error> {
        Ok(self.store.read().count_entries()?)
    }

    /// Encrypts and stores a new entry. Needs only the public key.
    pub fn add(&mut self, payload: &Payload, now: DateTime<Utc>) -> Result<EntryId, Error> {
        validate_text(&payload.text)?;
        let ciphertext = self.seal(payload)?;
        let occurred = payload.occurred_at.timestamp();
        let id = self
            .store
            .write(|db| db.insert_entry(payload.uuid, occurred, now.timestamp(), &ciphertext))?;
        Ok(id)
    }

    /// Encrypts and stores many entries in one transaction (imports, benchmarks):
    /// all of them or none. Encryption runs on all cores before the write lock is taken.
    pub fn add_batch(
        &mut self,
        payloads: &[Payload],
        now: DateTime<Utc>,
    ) -> Result<Vec<EntryId>, Error> {
        for payload in payloads {
            validate_text(&payload.text)?;
        }
        let recipient = self.recipient.clone();
        let sealed: Vec<Vec<u8>> = payloads
            .par_iter()
            .map(|p| seal_payload(&recipient, p))
            .collect::<Result<_, _>>()?;
        let ids = self.store.write(|db| {
            payloads
                .iter()
                .zip(&sealed)
                .map(|(p, ciphertext)| {
                    db.insert_entry(
                        p.uuid,
                        p.occurred_at.timestamp(),
                        now.timestamp(),
                        ciphertext,
                    )
                })
                .collect::<Result<Vec<_>, StoreError>>()
        })?;
        Ok(ids)
    }

    /// Decrypts one entry.
    pub fn entry(&self, key: &JournalKey, id: EntryId) -> Result<Entry, Error> {
        let row = self
            .store
            .read()
            .entry(id)?
            .ok_or(Error::EntryNotFound { id })?;
        open_row(key, &row)
    }

    /// Lists entries newest first, decrypting only what the query needs.
    pub fn list(&self, key: &JournalKey, query: &Query) -> Result<Listing, Error> {
        query::run(&self.store, key, query)
    }

    /// Visits every entry matching `query`, oldest first, a batch at a time (for exports
    /// of any size). Damaged entries go to `damaged` instead.
    pub fn scan(
        &self,
        key: &JournalKey,
        query: &Query,
        visit: &mut dyn FnMut(Vec<Entry>) -> Result<(), Error>,
        damaged: &mut dyn FnMut(EntryId, Error),
    ) -> Result<(), Error> {
        query::scan(&self.store, key, query, visit, damaged)
    }

    /// Decrypts every row in `rows` in parallel, keeping their order.
    pub fn open_rows(key: &JournalKey, rows: &[EntryRow]) -> Vec<Result<Entry, Error>> {
        rows.par_iter().map(|row| open_row(key, row)).collect()
    }

    /// Changes an entry in one transaction: decrypt, apply `change`, re-encrypt.
    ///
    /// `change` may refuse with an error, in which case nothing is written.
    pub fn update<T>(
        &mut self,
        key: &JournalKey,
        id: EntryId,
        now: DateTime<Utc>,
        change: impl FnOnce(&mut Payload) -> Result<T, Error>,
    ) -> Result<(Entry, T), Error> {
        let recipient = self.recipient.clone();
        self.store.write(|db| {
            let row = db.entry(id)?.ok_or(Error::EntryNotFound { id })?;
            let mut entry = open_row(key, &row)?;
            let outcome = change(&mut entry.payload)?;
            validate_text(&entry.payload.text)?;
            entry.payload.version = PAYLOAD_VERSION;
            let ciphertext = seal_payload(&recipient, &entry.payload)?;
            db.update_entry(
                id,
                entry.payload.occurred_at.timestamp(),
                now.timestamp(),
                &ciphertext,
            )?;
            entry.updated_at = now;
            Ok((entry, outcome))
        })
    }

    /// Deletes an entry for good (its ciphertext is overwritten, not left in free pages).
    pub fn delete(&mut self, id: EntryId) -> Result<(), Error> {
        let deleted = self.store.write(|db| db.delete_entry(id))?;
        if !deleted {
            return Err(Error::EntryNotFound { id });
        }
        self.store.checkpoint()?;
        Ok(())
    }

    /// Re-wraps the journal key under a new passphrase. Entries are not touched.
    ///
    /// `work_factor` keeps the journal's current setting when `None`.
    pub fn change_passphrase(
        &mut self,
        key: &JournalKey,
        new_passphrase: &SecretString,
        work_factor: Option<u8>,
    ) -> Result<(), Error> {
        key.check_belongs_to(&self.recipient)?;
        let current = self
            .store
            .read()
            .meta(META_WORK_FACTOR)?
            .and_then(|v| v.first().copied());
        let work_factor = work_factor.or(current);
        let wrapped = key.wrap(new_passphrase, work_factor)?;
        self.store.write(|db| {
            db.set_meta(META_WRAPPED_KEY, &wrapped)?;
            if let Some(n) = work_factor {
                db.set_meta(META_WORK_FACTOR, &[n])?;
            }
            Ok::<_, StoreError>(())
        })?;
        // The old wrapped key must not survive in the WAL: whoever knew the old
        // passphrase could otherwise still open it.
        self.store.checkpoint()?;
        Ok(())
    }

    /// The user's list of names to redact (stored encrypted).
    pub fn names(&self, key: &JournalKey) -> Result<Vec<String>, Error> {
        let Some(blob) = self.store.read().meta(META_NAMES)? else {
            return Ok(Vec::new());
        };
        let damaged = || Error::RecordDamaged {
            what: "names list",
            id: 0,
        };
        let plaintext = key.open(&blob).map_err(|_| damaged())?;
        serde_json::from_slice(&plaintext).map_err(|_| damaged())
    }

    /// Replaces the list of names to redact.
    pub fn set_names(&mut self, names: &[String]) -> Result<(), Error> {
        let sealed = seal_json(&self.recipient, &names)?;
        self.store.write(|db| db.set_meta(META_NAMES, &sealed))?;
        Ok(())
    }

    fn seal(&self, payload: &Payload) -> Result<Vec<u8>, Error> {
        seal_payload(&self.recipient, payload)
    }
}

fn seal_payload(recipient: &Recipient, payload: &Payload) -> Result<Vec<u8>, Error> {
    seal_json(recipient, payload)
}

/// Serialises `value` to JSON and encrypts it; the JSON buffer is zeroised.
pub(crate) fn seal_json(
    recipient: &Recipient,
    value: &impl serde::Serialize,
) -> Result<Vec<u8>, Error> {
    let json = zeroize::Zeroizing::new(serde_json::to_vec(value).map_err(|_| VaultError::Encrypt)?);
    Ok(recipient.seal(&json)?)
}

/// Refuses empty and oversized text.
pub fn validate_text(text: &str) -> Result<(), Error> {
    if text.trim().is_empty() {
        return Err(Error::Invalid("the entry text is empty".into()));
    }
    if text.len() > MAX_TEXT_BYTES {
        return Err(Error::Invalid(format!(
            "the entry text is {} bytes; the limit is {} bytes (1 MiB)",
            text.len(),
            MAX_TEXT_BYTES
        )));
    }
    Ok(())
}

/// Loads the persisted file-key cache once per process, before a scan of many entries.
/// A missing or damaged cache is simply empty: it is rebuilt as entries are read.
pub(crate) fn warm_file_keys(store: &Store, key: &JournalKey) {
    if key.file_keys_loaded() {
        return;
    }
    if let Ok(Some(blob)) = store.read().meta(META_FILE_KEYS)
        && let Ok(records) = key.open(&blob)
    {
        key.load_file_keys(&records);
    } else {
        key.load_file_keys(&[]);
    }
}

/// Decrypts a row and checks its payload against the row.
pub(crate) fn open_row(key: &JournalKey, row: &EntryRow) -> Result<Entry, Error> {
    // Read the version alone first, so a newer payload is reported as such instead of
    // as damage. serde's messages can quote input, so they are never shown.
    #[derive(serde::Deserialize)]
    struct Version {
        version: u32,
    }
    let id = row.id;
    let damaged = || Error::EntryDamaged { id };
    let plaintext = key.open(&row.ciphertext).map_err(|_| damaged())?;
    let version = serde_json::from_slice::<Version>(&plaintext)
        .map_err(|_| damaged())?
        .version;
    if version > PAYLOAD_VERSION {
        return Err(Error::EntryTooNew { id, version });
    }
    let payload: Payload = serde_json::from_slice(&plaintext).map_err(|_| damaged())?;
    if payload.uuid != row.uuid || payload.occurred_at.timestamp() != row.occurred_at {
        return Err(damaged());
    }
    Ok(Entry {
        id,
        updated_at: unix_to_utc(row.updated_at),
        payload,
    })
}

/// Unix seconds to a UTC time (out-of-range values clamp to the epoch).
pub fn unix_to_utc(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(secs, 0).single().unwrap_or_default()
}

/// A convenience for callers holding a local time.
pub fn to_fixed(at: DateTime<Utc>, offset: FixedOffset) -> DateTime<FixedOffset> {
    at.with_timezone(&offset)
}
