//! `candour delete`: remove an entry for good.

use clap::Args;
use serde_json::json;

use crate::cli::context::Context;
use crate::cli::error::{CliError, usage};
use crate::error::Error;
use crate::model::EntryId;

use super::open_journal;

/// Delete an entry for good
///
/// Asks first unless --yes is given. The ciphertext is overwritten in the database, not
/// just unlinked; backups you made earlier still hold it.
#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  candour delete 12
  candour delete 12 --yes")]
pub struct DeleteArgs {
    /// The entry id
    #[arg(value_name = "ID")]
    pub id: EntryId,

    /// Do not ask for confirmation
    #[arg(short, long)]
    pub yes: bool,
}

/// Runs `candour delete`.
pub fn run(ctx: &mut Context, args: &DeleteArgs) -> Result<(), CliError> {
    let mut journal = open_journal(ctx)?;
    if journal
        .store()
        .read()
        .entry(args.id)
        .map_err(Error::from)?
        .is_none()
    {
        return Err(Error::EntryNotFound { id: args.id }.into());
    }
    if !args.yes {
        if !ctx.env.stdin_tty {
            return Err(usage(format!(
                "refusing to delete entry {} without confirmation; pass --yes",
                args.id
            )));
        }
        let sure = dialoguer::Confirm::new()
            .with_prompt(format!(
                "Delete entry {} for good? This cannot be undone",
                args.id
            ))
            .default(false)
            .interact()
            .map_err(|e| CliError::Io(std::io::Error::other(e)))?;
        if !sure {
            return Err(CliError::Cancelled(format!(
                "entry {} was not deleted",
                args.id
            )));
        }
    }
    journal.delete(args.id)?;
    if ctx.ui.json {
        ctx.ui.json(&json!({ "deleted": args.id }))?;
    } else {
        ctx.ui.line(format!("Deleted entry {}.", args.id))?;
    }
    Ok(())
}
