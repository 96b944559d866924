//! `candour mark`: move an entry through new → to-discuss → discussed → resolved.

use clap::Args;

use crate::cli::context::Context;
use crate::cli::error::CliError;
use crate::model::{Counterpart, EntryId, Status};

use super::{entry_full_json, open_unlocked};

/// Set an entry's status
///
/// Statuses: new, to-discuss (bring it to the next conversation), discussed, resolved.
/// Every change is kept with its time, who it was discussed with and your note, so the
/// history shows how a dilemma was handled.
#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  candour mark 12 to-discuss
  candour mark 12 discussed --with supervisor --note \"Agreed to return the number via the ward.\"
  candour mark 12 resolved")]
pub struct MarkArgs {
    /// The entry id
    #[arg(value_name = "ID")]
    pub id: EntryId,

    /// The new status
    #[arg(value_enum, value_name = "STATUS")]
    pub status: Status,

    /// Who it was discussed with
    #[arg(long, value_enum, value_name = "WHO")]
    pub with: Option<Counterpart>,

    /// A note for the history (what was agreed, what happens next)
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
}

/// Runs `candour mark`.
pub fn run(ctx: &mut Context, args: &MarkArgs) -> Result<(), CliError> {
    let note = super::optional_text(args.note.as_deref(), "--note")?;
    let (mut journal, key) = open_unlocked(ctx)?;
    let now = ctx.now_utc();
    let (entry, previous) = journal.update(&key, args.id, now, |payload| {
        let previous = payload.status;
        payload.set_status(args.status, now, args.with, note);
        Ok(previous)
    })?;
    if ctx.ui.json {
        ctx.ui.json(&entry_full_json(&entry))?;
    } else if previous == args.status {
        ctx.ui.line(format!(
            "Entry {} stays {}; the note is in its history.",
            entry.id, args.status
        ))?;
    } else {
        ctx.ui.line(format!(
            "Entry {}: {} (was {}).",
            entry.id, args.status, previous
        ))?;
    }
    Ok(())
}
