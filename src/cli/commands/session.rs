//! `candour session add`: record a supervision or manager meeting.

use clap::{Args, Subcommand};

use crate::cli::context::Context;
use crate::cli::error::CliError;
use crate::model::{Counterpart, EntryId};

use super::{open_unlocked, parse_occurred, session_json};

/// Record a supervision or line-manager meeting
#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  candour session add --with supervisor 12 14 --note \"Agreed to return the number via the ward.\"
  candour session add --with manager --on \"last friday 14:00\" 12
  candour sessions
  candour list --since last-supervision")]
pub struct SessionArgs {
    /// What to do
    #[command(subcommand)]
    pub command: SessionCommand,
}

/// The `session` subcommands.
#[derive(Debug, Subcommand)]
pub enum SessionCommand {
    /// Record a meeting and mark the entries discussed in it as discussed
    Add {
        /// Who the meeting was with
        #[arg(long, value_enum, value_name = "WHO")]
        with: Counterpart,
        /// When it was held [default: now]
        #[arg(long, value_name = "WHEN")]
        on: Option<String>,
        /// What was agreed
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
        /// The entries discussed
        #[arg(value_name = "ENTRY")]
        entries: Vec<EntryId>,
    },
}

/// Runs `candour session`.
pub fn run(ctx: &mut Context, args: &SessionArgs) -> Result<(), CliError> {
    let SessionCommand::Add {
        with,
        on,
        note,
        entries,
    } = &args.command;
    let held_at = match on {
        Some(when) => parse_occurred(ctx, "--on", when)?,
        None => ctx.now,
    };
    let note = super::optional_text(note.as_deref(), "--note")?;
    let mut unique: Vec<EntryId> = Vec::with_capacity(entries.len());
    for id in entries {
        if !unique.contains(id) {
            unique.push(*id);
        }
    }
    let (mut journal, key) = open_unlocked(ctx)?;
    let session = journal.add_session(
        &key,
        *with,
        held_at,
        note.as_deref(),
        &unique,
        ctx.now_utc(),
    )?;
    if ctx.ui.json {
        ctx.ui.json(&session_json(&journal, &session)?)?;
        return Ok(());
    }
    ctx.ui.line(format!(
        "Recorded session {} with your {} on {}{}.",
        session.id,
        with,
        held_at.format("%Y-%m-%d %H:%M"),
        match unique.len() {
            0 => String::new(),
            1 => "; 1 entry marked discussed".to_owned(),
            n => format!("; {n} entries marked discussed"),
        }
    ))?;
    Ok(())
}
