//! Follow-up actions and supervision sessions: encrypted records beside the entries.
//!
//! Both are age files like entries, in their own tables. An action belongs to an entry
//! (deleting the entry deletes its actions); a session lists the entries discussed by
//! uuid, so it survives export and import into another journal.

use chrono::{DateTime, FixedOffset, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Journal, open_row, seal_json, validate_text};
use crate::error::Error;
use crate::model::{Counterpart, EntryId, Status};
use crate::store::{RecordRow, RecordTable};
use crate::vault::JournalKey;

/// Format version of action and session payloads.
pub const RECORD_VERSION: u32 = 1;

/// What is encrypted for a follow-up action.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionPayload {
    /// Format version.
    pub version: u32,
    /// Stable identity across journals.
    pub uuid: Uuid,
    /// The entry it follows up.
    pub entry_uuid: Uuid,
    /// What to do.
    pub text: String,
    /// When it is due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<DateTime<FixedOffset>>,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// When it was done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done_at: Option<DateTime<Utc>>,
}

impl std::fmt::Debug for ActionPayload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ActionPayload")
            .field("uuid", &self.uuid)
            .field("text_len", &self.text.len())
            .field("due", &self.due)
            .field("done_at", &self.done_at)
            .finish_non_exhaustive()
    }
}

/// A decrypted action.
#[derive(Debug, Clone)]
pub struct Action {
    /// Its id (`candour action done 3`).
    pub id: i64,
    /// The entry it belongs to.
    pub entry_id: EntryId,
    /// The encrypted part.
    pub payload: ActionPayload,
}

impl Action {
    /// True when not done yet.
    pub fn is_open(&self) -> bool {
        self.payload.done_at.is_none()
    }

    /// True when open and past its due time.
    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        self.is_open() && self.payload.due.is_some_and(|due| due < now)
    }
}

/// What is encrypted for a supervision or manager meeting.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionPayload {
    /// Format version.
    pub version: u32,
    /// Stable identity across journals.
    pub uuid: Uuid,
    /// Who the meeting was with.
    pub with: Counterpart,
    /// When it was held.
    pub held_at: DateTime<FixedOffset>,
    /// What was agreed, in the user's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The entries discussed.
    #[serde(default)]
    pub entries: Vec<Uuid>,
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
}

impl std::fmt::Debug for SessionPayload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionPayload")
            .field("uuid", &self.uuid)
            .field("with", &self.with)
            .field("held_at", &self.held_at)
            .field("entries", &self.entries.len())
            .finish_non_exhaustive()
    }
}

/// A decrypted session.
#[derive(Debug, Clone)]
pub struct Session {
    /// Its id.
    pub id: i64,
    /// The encrypted part.
    pub payload: SessionPayload,
}

trait Record: Serialize + DeserializeOwned {
    const WHAT: &'static str;
    fn uuid(&self) -> Uuid;
    fn version(&self) -> u32;
}

impl Record for ActionPayload {
    const WHAT: &'static str = "action";
    fn uuid(&self) -> Uuid {
        self.uuid
    }
    fn version(&self) -> u32 {
        self.version
    }
}

impl Record for SessionPayload {
    const WHAT: &'static str = "session";
    fn uuid(&self) -> Uuid {
        self.uuid
    }
    fn version(&self) -> u32 {
        self.version
    }
}

/// Checks that a stored action or session decrypts and parses; on failure, says which
/// kind of record it was.
pub(crate) fn check_record(
    table: RecordTable,
    key: &JournalKey,
    row: &RecordRow,
) -> Result<(), &'static str> {
    match table {
        RecordTable::Actions => open_record::<ActionPayload>(key, row)
            .map(drop)
            .map_err(|_| ActionPayload::WHAT),
        RecordTable::Sessions => open_record::<SessionPayload>(key, row)
            .map(drop)
            .map_err(|_| SessionPayload::WHAT),
    }
}

fn open_record<T: Record>(key: &JournalKey, row: &RecordRow) -> Result<T, Error> {
    let damaged = || Error::RecordDamaged {
        what: T::WHAT,
        id: row.id,
    };
    let plaintext = key.open(&row.ciphertext).map_err(|_| damaged())?;
    let payload: T = serde_json::from_slice(&plaintext).map_err(|_| damaged())?;
    if payload.uuid() != row.uuid || payload.version() > RECORD_VERSION {
        return Err(damaged());
    }
    Ok(payload)
}

impl Journal {
    /// Adds a follow-up action to an entry. Like `add`, needs only the public key.
    pub fn add_action(
        &mut self,
        entry: EntryId,
        text: &str,
        due: Option<DateTime<FixedOffset>>,
        now: DateTime<Utc>,
    ) -> Result<Action, Error> {
        validate_text(text)?;
        let recipient = self.recipient.clone();
        self.store.write(|db| {
            let row = db.entry(entry)?.ok_or(Error::EntryNotFound { id: entry })?;
            let payload = ActionPayload {
                version: RECORD_VERSION,
                uuid: Uuid::new_v4(),
                entry_uuid: row.uuid,
                text: text.trim().to_owned(),
                due,
                created_at: now,
                done_at: None,
            };
            let ciphertext = seal_json(&recipient, &payload)?;
            let id = db.insert_record(
                RecordTable::Actions,
                payload.uuid,
                entry.0,
                now.timestamp(),
                &ciphertext,
            )?;
            Ok(Action {
                id,
                entry_id: entry,
                payload,
            })
        })
    }

    /// Every action, decrypted, in the order written.
    pub fn actions(&self, key: &JournalKey) -> Result<Vec<Action>, Error> {
        let rows = self.store.read().records(RecordTable::Actions)?;
        rows.iter()
            .map(|row| {
                Ok(Action {
                    id: row.id,
                    entry_id: EntryId(row.key),
                    payload: open_record(key, row)?,
                })
            })
            .collect()
    }

    /// Marks an action done (doing it twice keeps the first time).
    pub fn complete_action(
        &mut self,
        key: &JournalKey,
        id: i64,
        now: DateTime<Utc>,
    ) -> Result<Action, Error> {
        let recipient = self.recipient.clone();
        self.store.write(|db| {
            let row = db
                .record(RecordTable::Actions, id)?
                .ok_or(Error::ActionNotFound { id })?;
            let mut payload: ActionPayload = open_record(key, &row)?;
            if payload.done_at.is_none() {
                payload.done_at = Some(now);
                let ciphertext = seal_json(&recipient, &payload)?;
                db.update_record(RecordTable::Actions, id, now.timestamp(), &ciphertext)?;
            }
            Ok(Action {
                id,
                entry_id: EntryId(row.key),
                payload,
            })
        })
    }

    /// Records a meeting and marks the entries discussed, all in one transaction.
    pub fn add_session(
        &mut self,
        key: &JournalKey,
        with: Counterpart,
        held_at: DateTime<FixedOffset>,
        note: Option<&str>,
        entries: &[EntryId],
        now: DateTime<Utc>,
    ) -> Result<Session, Error> {
        if let Some(note) = note {
            validate_text(note)?;
        }
        let recipient = self.recipient.clone();
        self.store.write(|db| {
            let mut uuids = Vec::with_capacity(entries.len());
            for &id in entries {
                let row = db.entry(id)?.ok_or(Error::EntryNotFound { id })?;
                let mut entry = open_row(key, &row)?;
                let session_note =
                    format!("discussed with {} on {}", with, held_at.format("%Y-%m-%d"));
                // The history records when the conversation happened, not when it was typed.
                let at = held_at.with_timezone(&Utc);
                // Already discussed or resolved: keep the status, record the meeting.
                let status = entry.payload.status.max(Status::Discussed);
                entry
                    .payload
                    .set_status(status, at, Some(with), Some(session_note));
                entry.payload.version = crate::model::PAYLOAD_VERSION;
                let ciphertext = seal_json(&recipient, &entry.payload)?;
                db.update_entry(
                    id,
                    entry.payload.occurred_at.timestamp(),
                    now.timestamp(),
                    &ciphertext,
                )?;
                uuids.push(row.uuid);
            }
            let payload = SessionPayload {
                version: RECORD_VERSION,
                uuid: Uuid::new_v4(),
                with,
                held_at,
                note: note.map(|n| n.trim().to_owned()),
                entries: uuids,
                created_at: now,
            };
            let ciphertext = seal_json(&recipient, &payload)?;
            let id = db.insert_record(
                RecordTable::Sessions,
                payload.uuid,
                held_at.timestamp(),
                now.timestamp(),
                &ciphertext,
            )?;
            Ok(Session { id, payload })
        })
    }

    /// Every session, oldest first.
    pub fn sessions(&self, key: &JournalKey) -> Result<Vec<Session>, Error> {
        let rows = self.store.read().records(RecordTable::Sessions)?;
        rows.iter()
            .map(|row| {
                Ok(Session {
                    id: row.id,
                    payload: open_record(key, row)?,
                })
            })
            .collect()
    }

    /// The most recent session with `with`.
    pub fn last_session(
        &self,
        key: &JournalKey,
        with: Counterpart,
    ) -> Result<Option<Session>, Error> {
        Ok(self
            .sessions(key)?
            .into_iter()
            .filter(|s| s.payload.with == with)
            .max_by_key(|s| (s.payload.held_at, s.id)))
    }

    /// The current id of the entry with this uuid, if it is still in the journal.
    pub fn entry_id_for(&self, uuid: Uuid) -> Result<Option<EntryId>, Error> {
        Ok(self.store.read().entry_id_for(uuid)?)
    }
}
