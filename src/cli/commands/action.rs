//! `candour action add|done`: follow-up actions on entries.

use clap::{Args, Subcommand};
use serde_json::json;

use crate::cli::context::Context;
use crate::cli::error::{CliError, usage};
use crate::dates;
use crate::model::EntryId;

use super::{action_json, open_journal, open_unlocked};

/// Add a follow-up action to an entry, or mark one done
#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  candour action add 12 \"Ask the ward manager about returning the number\" --due friday
  candour action done 3
  candour actions")]
pub struct ActionArgs {
    /// What to do
    #[command(subcommand)]
    pub command: ActionCommand,
}

/// The `action` subcommands.
#[derive(Debug, Subcommand)]
pub enum ActionCommand {
    /// Add an action to an entry (no passphrase needed)
    Add {
        /// The entry id
        #[arg(value_name = "ID")]
        entry: EntryId,
        /// What to do
        #[arg(value_name = "TEXT", required = true)]
        text: Vec<String>,
        /// When it is due: "friday", "in 3 days", 2026-12-01 (a date means by the end of that day)
        #[arg(long, value_name = "WHEN")]
        due: Option<String>,
    },
    /// Mark an action done
    Done {
        /// The action id (from `candour actions`)
        #[arg(value_name = "ACTION")]
        id: i64,
    },
}

/// Runs `candour action`.
pub fn run(ctx: &mut Context, args: &ActionArgs) -> Result<(), CliError> {
    match &args.command {
        ActionCommand::Add { entry, text, due } => {
            let text = text.join(" ");
            if text.trim().is_empty() {
                return Err(usage("the action text is empty"));
            }
            let due = due
                .as_deref()
                .map(|d| dates::parse_due(d, ctx.now).map_err(|e| usage(format!("--due: {e}"))))
                .transpose()?;
            let mut journal = open_journal(ctx)?;
            let action = journal.add_action(*entry, &text, due, ctx.now_utc())?;
            if ctx.ui.json {
                ctx.ui.json(&action_json(&action, ctx.now_utc()))?;
            } else {
                let due = action
                    .payload
                    .due
                    .map(|d| format!(", due {}", d.format("%Y-%m-%d %H:%M")))
                    .unwrap_or_default();
                ctx.ui.line(format!(
                    "Added action {} to entry {}{due}.",
                    action.id, action.entry_id
                ))?;
            }
        }
        ActionCommand::Done { id } => {
            if *id <= 0 {
                return Err(usage(format!(
                    "{id} is not an action id; see `candour actions`"
                )));
            }
            let (mut journal, key) = open_unlocked(ctx)?;
            let action = journal.complete_action(&key, *id, ctx.now_utc())?;
            if ctx.ui.json {
                ctx.ui
                    .json(&json!({ "action": action_json(&action, ctx.now_utc()) }))?;
            } else {
                ctx.ui.line(format!("Action {} done.", action.id))?;
            }
        }
    }
    Ok(())
}
