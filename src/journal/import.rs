//! Importing: many entries, actions and sessions in one transaction, skipping what the
//! journal already has (by uuid), so importing the same file twice adds nothing.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use rayon::prelude::*;
use serde::Serialize;
use uuid::Uuid;

use super::records::{ActionPayload, SessionPayload};
use super::{Journal, seal_json, validate_text};
use crate::error::Error;
use crate::model::{EntryId, Payload};
use crate::store::RecordTable;

/// What to import.
#[derive(Debug, Default)]
pub struct Batch {
    /// Entries, each with the time its row was last updated.
    pub entries: Vec<(Payload, DateTime<Utc>)>,
    /// Actions (linked to entries by `entry_uuid`).
    pub actions: Vec<ActionPayload>,
    /// Sessions.
    pub sessions: Vec<SessionPayload>,
}

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Outcome {
    /// Entries added.
    pub entries_added: usize,
    /// Entries already in the journal.
    pub entries_skipped: usize,
    /// Actions added.
    pub actions_added: usize,
    /// Actions already present, or whose entry is missing.
    pub actions_skipped: usize,
    /// Sessions added.
    pub sessions_added: usize,
    /// Sessions already present.
    pub sessions_skipped: usize,
}

impl Journal {
    /// Imports `batch` in one transaction: all of it or none of it. Encryption runs on
    /// all cores first; `progress` is called with the number of entries sealed so far.
    pub fn import(
        &mut self,
        batch: &Batch,
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<Outcome, Error> {
        for (payload, _) in &batch.entries {
            validate_text(&payload.text)?;
        }
        let recipient = self.recipient.clone();
        let done = std::sync::atomic::AtomicUsize::new(0);
        let sealed: Vec<Vec<u8>> = batch
            .entries
            .par_iter()
            .map(|(payload, _)| {
                let sealed = seal_json(&recipient, payload);
                let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                if n % 256 == 0 {
                    progress(n);
                }
                sealed
            })
            .collect::<Result<_, _>>()?;
        progress(batch.entries.len());
        let sealed_actions: Vec<Vec<u8>> = batch
            .actions
            .iter()
            .map(|a| seal_json(&recipient, a))
            .collect::<Result<_, _>>()?;
        let sealed_sessions: Vec<Vec<u8>> = batch
            .sessions
            .iter()
            .map(|s| seal_json(&recipient, s))
            .collect::<Result<_, _>>()?;
        self.store.write(|db| {
            let mut outcome = Outcome::default();
            let mut seen: HashSet<Uuid> = HashSet::with_capacity(batch.entries.len());
            for ((payload, updated_at), ciphertext) in batch.entries.iter().zip(&sealed) {
                if seen.contains(&payload.uuid) || db.has_uuid(payload.uuid)? {
                    outcome.entries_skipped += 1;
                    continue;
                }
                seen.insert(payload.uuid);
                db.insert_entry_at(
                    payload.uuid,
                    payload.occurred_at.timestamp(),
                    payload.created_at.timestamp(),
                    updated_at.timestamp(),
                    ciphertext,
                )?;
                outcome.entries_added += 1;
            }
            for (action, ciphertext) in batch.actions.iter().zip(&sealed_actions) {
                let entry: Option<EntryId> = db.entry_id_for(action.entry_uuid)?;
                match entry {
                    Some(entry) if !db.has_record_uuid(RecordTable::Actions, action.uuid)? => {
                        db.insert_record(
                            RecordTable::Actions,
                            action.uuid,
                            entry.0,
                            action.created_at.timestamp(),
                            ciphertext,
                        )?;
                        outcome.actions_added += 1;
                    }
                    _ => outcome.actions_skipped += 1,
                }
            }
            for (session, ciphertext) in batch.sessions.iter().zip(&sealed_sessions) {
                if db.has_record_uuid(RecordTable::Sessions, session.uuid)? {
                    outcome.sessions_skipped += 1;
                    continue;
                }
                db.insert_record(
                    RecordTable::Sessions,
                    session.uuid,
                    session.held_at.timestamp(),
                    session.created_at.timestamp(),
                    ciphertext,
                )?;
                outcome.sessions_added += 1;
            }
            Ok::<_, Error>(outcome)
        })
    }
}
