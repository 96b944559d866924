//! `candour share`: who may see an entry in exports.

use clap::Args;

use crate::cli::context::Context;
use crate::cli::error::CliError;
use crate::model::{EntryId, ShareLevel};

use super::{entry_full_json, open_unlocked};

/// Choose who may see an entry in exports
///
/// private: only you. supervision: your clinical supervisor. manager: your supervisor and
/// your line manager. Until you choose, the level follows the route: reflect → private,
/// supervision → supervision, line-manager or escalate → manager. Feelings sections of a
/// reflection stay private unless shared with `reflect ID --section feelings --share`.
#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  candour share 12 supervision
  candour share 12 private")]
pub struct ShareArgs {
    /// The entry id
    #[arg(value_name = "ID")]
    pub id: EntryId,

    /// private, supervision or manager
    #[arg(value_enum, value_name = "LEVEL")]
    pub level: ShareLevel,
}

/// Runs `candour share`.
pub fn run(ctx: &mut Context, args: &ShareArgs) -> Result<(), CliError> {
    let (mut journal, key) = open_unlocked(ctx)?;
    let (entry, ()) = journal.update(&key, args.id, ctx.now_utc(), |payload| {
        payload.share = Some(args.level);
        Ok(())
    })?;
    if ctx.ui.json {
        ctx.ui.json(&entry_full_json(&entry))?;
    } else {
        ctx.ui.line(format!(
            "Entry {} is shared at level: {}.",
            entry.id, args.level
        ))?;
    }
    Ok(())
}
