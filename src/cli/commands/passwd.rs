//! `candour passwd`: change the passphrase that wraps the journal key.

use std::path::PathBuf;

use clap::Args;
use serde_json::json;

use crate::cli::context::Context;
use crate::cli::error::CliError;
use crate::cli::secret;
use crate::vault::MAX_WORK_FACTOR;

use super::open_unlocked;

/// Change the journal passphrase (entries are not re-encrypted)
///
/// Unlocks with the usual sources (--identity, --passphrase-file, CANDOUR_PASSPHRASE or
/// the prompt), then re-wraps the journal key under the new passphrase. Entries are not
/// re-encrypted and the recovery key keeps working. If you think someone copied the
/// journal while knowing the old passphrase, use `candour rekey` instead.
#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  candour passwd
  candour passwd --passphrase-file old.txt --new-passphrase-file new.txt")]
pub struct PasswdArgs {
    /// Read the new passphrase from the first line of FILE (else it is typed twice)
    #[arg(long, value_name = "FILE")]
    pub new_passphrase_file: Option<PathBuf>,

    /// scrypt work factor for the new wrapping, as log2(N) [default: unchanged]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=i64::from(MAX_WORK_FACTOR)))]
    pub kdf_work_factor: Option<u8>,
}

/// Runs `candour passwd`.
pub fn run(ctx: &mut Context, args: &PasswdArgs) -> Result<(), CliError> {
    let (mut journal, key) = open_unlocked(ctx)?;
    let new = secret::new_passphrase_for_change(ctx, args.new_passphrase_file.as_deref())?;
    journal.change_passphrase(&key, &new, args.kdf_work_factor)?;
    if ctx.ui.json {
        ctx.ui.json(&json!({ "changed": true }))?;
    } else {
        ctx.ui
            .line("Passphrase changed. Entries were not touched; the recovery key still works.")?;
    }
    Ok(())
}
