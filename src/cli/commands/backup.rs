//! `candour backup`: a consistent copy of the journal in a new directory.

use std::path::PathBuf;

use clap::Args;
use serde_json::json;

use crate::cli::context::Context;
use crate::cli::error::CliError;

use super::open_journal;

/// Copy the journal, consistently, into a new directory
///
/// Makes an online copy (SQLite's VACUUM INTO) while other candour commands may be
/// writing: the copy is the journal at one moment, compacted. DIR is created with mode
/// 0700 and the copy inside it, journal.db, with mode 0600. It stays encrypted: open it
/// with `candour --journal DIR …` and the same passphrase or recovery key. Needs no
/// passphrase. Refuses to overwrite an existing journal.
#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  candour backup /media/usb/candour-2026-11-25
  candour --journal /media/usb/candour-2026-11-25 list -n 5")]
pub struct BackupArgs {
    /// The new directory to write the copy into
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

/// Runs `candour backup`.
pub fn run(ctx: &mut Context, args: &BackupArgs) -> Result<(), CliError> {
    let journal = open_journal(ctx)?;
    let entries = journal.count()?;
    let file = journal.backup(&args.dir)?;
    if ctx.ui.json {
        ctx.ui
            .json(&json!({ "backup": file, "entries": entries }))?;
    } else {
        ctx.ui.line(format!(
            "Backed up {entries} entries to {} (open it with --journal {}).",
            file.display(),
            args.dir.display()
        ))?;
    }
    Ok(())
}
