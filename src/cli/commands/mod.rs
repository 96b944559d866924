//! One module per subcommand: an `Args` struct (its doc comments are the `--help`) and a
//! `run` function. Helpers shared by several commands live here.

pub mod action;
pub mod actions;
pub mod add;
pub mod backup;
pub mod categories;
pub mod classify;
pub mod completions;
pub mod delete;
pub mod edit;
pub mod export;
pub mod import;
pub mod init;
pub mod list;
pub mod mark;
pub mod names;
pub mod passwd;
pub mod prompts;
pub mod purge;
pub mod record;
pub mod reflect;
pub mod rekey;
pub mod review;
pub mod review_walk;
pub mod session;
pub mod sessions;
pub mod share;
pub mod show;
pub mod tag;
pub mod tags;
pub mod unlock;
pub mod verify;

use std::io::Read;

use chrono::{DateTime, FixedOffset, Local};
use serde_json::{Value, json};
use zeroize::Zeroizing;

use super::context::Context;
use super::error::{CliError, usage};
use crate::dates;
use crate::journal::records::{Action, Session};
use crate::journal::{Entry, Journal, MAX_TEXT_BYTES};
use crate::model::Counterpart;
use crate::vault::JournalKey;

/// Opens the journal named by the settings.
pub fn open_journal(ctx: &mut Context) -> Result<Journal, CliError> {
    ctx.ui
        .verbose(format!("journal: {}", ctx.settings.journal_dir.display()));
    Ok(Journal::open(&ctx.settings.journal_dir)?)
}

/// Opens and unlocks the journal.
pub fn open_unlocked(ctx: &mut Context) -> Result<(Journal, JournalKey), CliError> {
    let mut journal = open_journal(ctx)?;
    // Key and entries are read from one snapshot: a concurrent rekey is seen entirely
    // or not at all.
    journal.pin_snapshot()?;
    let key = super::secret::unlock(ctx, &journal)?;
    Ok((journal, key))
}

/// Saves file keys learned while reading, so the next scan skips the X25519 unwrap
/// (best effort: failing to only costs speed).
pub fn keep_file_keys(ctx: &Context) {
    if crate::vault::file_keys::learned() == 0 {
        return;
    }
    if let Ok(mut journal) = Journal::open(&ctx.settings.journal_dir) {
        let _ = journal.save_file_keys();
    }
}

/// Reads all of stdin as UTF-8 text, refusing more than the entry limit.
pub fn read_stdin_text() -> Result<Zeroizing<String>, CliError> {
    let mut bytes = Zeroizing::new(Vec::new());
    std::io::stdin()
        .lock()
        .take(MAX_TEXT_BYTES as u64 + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() > MAX_TEXT_BYTES {
        return Err(usage(format!(
            "the input is larger than the {MAX_TEXT_BYTES}-byte (1 MiB) limit for one entry; nothing was saved"
        )));
    }
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| usage("the input is not valid UTF-8 text; nothing was saved"))?;
    Ok(Zeroizing::new(text.to_owned()))
}

/// Parses a `--at`-style date for the moment something happened.
pub fn parse_occurred(
    ctx: &Context,
    flag: &str,
    input: &str,
) -> Result<DateTime<FixedOffset>, CliError> {
    dates::parse(input, ctx.now)
        .and_then(|when| when.as_occurred(input, ctx.now))
        .map_err(|e| usage(format!("{flag}: {e}")))
}

/// Parses the start of a date range (`--from`, `--since`).
pub fn parse_range_start(
    ctx: &Context,
    flag: &str,
    input: &str,
) -> Result<DateTime<chrono::Utc>, CliError> {
    dates::parse(input, ctx.now)
        .map(|when| when.as_range_start().with_timezone(&chrono::Utc))
        .map_err(|e| usage(format!("{flag}: {e}")))
}

/// Parses the end of a date range (`--to`).
pub fn parse_range_end(
    ctx: &Context,
    flag: &str,
    input: &str,
) -> Result<DateTime<chrono::Utc>, CliError> {
    dates::parse(input, ctx.now)
        .map(|when| when.as_range_end().with_timezone(&chrono::Utc))
        .map_err(|e| usage(format!("{flag}: {e}")))
}

/// Resolves `--since`: `last-supervision` / `last-manager` is the moment after the most
/// recent such session (everything written since that meeting), else a date.
pub fn resolve_since(
    ctx: &mut Context,
    journal: &Journal,
    key: &JournalKey,
    since: &str,
) -> Result<Option<DateTime<chrono::Utc>>, CliError> {
    let counterpart = match since {
        "last-supervision" => Counterpart::Supervisor,
        "last-manager" => Counterpart::Manager,
        other => return parse_range_start(ctx, "--since", other).map(Some),
    };
    let Some(session) = journal.last_session(key, counterpart)? else {
        ctx.ui.note(format!(
            "No {} session recorded yet, so --since {since} covers the whole journal (record one with `candour session add --with {counterpart}`).",
            counterpart.audience()
        ));
        return Ok(None);
    };
    ctx.ui.verbose(format!(
        "since session {} on {}",
        session.id, session.payload.held_at
    ));
    Ok(Some(
        session.payload.held_at.with_timezone(&chrono::Utc) + chrono::Duration::seconds(1),
    ))
}

/// A trimmed optional text flag; an empty or oversized value is a usage error.
pub fn optional_text(value: Option<&str>, flag: &str) -> Result<Option<String>, CliError> {
    let Some(value) = value else { return Ok(None) };
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(usage(format!("{flag} is empty")));
    }
    if trimmed.len() > MAX_TEXT_BYTES {
        return Err(usage(format!(
            "{flag} is longer than the {MAX_TEXT_BYTES}-byte limit"
        )));
    }
    Ok(Some(trimmed.to_owned()))
}

/// The JSON of an action.
pub fn action_json(action: &Action, now: DateTime<chrono::Utc>) -> Value {
    json!({
        "id": action.id,
        "entry": action.entry_id,
        "uuid": action.payload.uuid,
        "text": action.payload.text,
        "due": action.payload.due.map(|d| d.to_rfc3339()),
        "created_at": action.payload.created_at.to_rfc3339(),
        "done_at": action.payload.done_at.map(|d| d.to_rfc3339()),
        "open": action.is_open(),
        "overdue": action.is_overdue(now),
    })
}

/// The JSON of a session, with the current ids of the entries discussed.
pub fn session_json(journal: &Journal, session: &Session) -> Result<Value, CliError> {
    let entries = session
        .payload
        .entries
        .iter()
        .map(|uuid| journal.entry_id_for(*uuid))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(json!({
        "id": session.id,
        "uuid": session.payload.uuid,
        "with": session.payload.with,
        "held_at": session.payload.held_at.to_rfc3339(),
        "note": session.payload.note,
        "entries": entries.into_iter().flatten().collect::<Vec<_>>(),
        "created_at": session.payload.created_at.to_rfc3339(),
    }))
}

/// A time as the user reads it: local time zone, minutes.
pub fn local_time(at: DateTime<FixedOffset>) -> String {
    at.with_timezone(&Local)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// The JSON summary of an entry used by `list` (and as the base of `show`).
pub fn entry_summary_json(entry: &Entry) -> Value {
    let p = &entry.payload;
    json!({
        "id": entry.id,
        "uuid": p.uuid,
        "occurred_at": p.occurred_at.to_rfc3339(),
        "created_at": p.created_at.to_rfc3339(),
        "updated_at": entry.updated_at.to_rfc3339(),
        "title": p.title(),
        "categories": p.category_ids().collect::<Vec<_>>(),
        "route": p.route,
        "escalate": p.route.needs_escalation(),
        "status": p.status,
        "share": p.effective_share(),
    })
}

/// The full JSON of an entry (`show --json`, `add --json`).
pub fn entry_full_json(entry: &Entry) -> Value {
    let p = &entry.payload;
    let mut value = entry_summary_json(entry);
    if let Value::Object(map) = &mut value {
        map.insert("body".into(), json!(p.body()));
        map.insert("text".into(), json!(p.text));
        map.insert("tags".into(), json!(p.tags));
        map.insert("removed_tags".into(), json!(p.removed_tags));
        map.insert("route_reasons".into(), json!(p.route_reasons));
        map.insert("history".into(), json!(p.history));
        map.insert("edited_at".into(), json!(p.edited_at));
        map.insert("version".into(), json!(p.version));
        map.insert("share".into(), json!(p.effective_share()));
        map.insert("share_set".into(), json!(p.share.is_some()));
        map.insert("reflection".into(), json!(p.reflection));
        map.insert("record".into(), json!(p.record));
    }
    value
}
