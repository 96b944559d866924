//! `candour rekey`: replace the journal key and re-encrypt everything to the new one.

use std::path::PathBuf;

use clap::Args;
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;

use crate::cli::agent;
use crate::cli::context::Context;
use crate::cli::error::{CliError, usage};
use crate::cli::secret;
use crate::vault::JournalKey;

use super::init::{show_recovery_key, write_recovery_file};
use super::open_unlocked;

/// Replace the journal key and re-encrypt every entry (new recovery key)
///
/// Use it when the recovery key or an old passphrase may have been seen by someone
/// else. A new key pair is made; every entry, action, session and the names list is
/// re-encrypted to it in one transaction (a crash leaves the journal exactly as it
/// was); the new key is locked with your passphrase (the same one, unless you give
/// --new-passphrase-file or are asked for one); the new recovery key is shown once or
/// written to --recovery-key-file. The old recovery key stops working. Backups made
/// earlier still open with the old key. A running unlock agent is stopped.
#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  candour rekey --recovery-key-file /media/usb/candour-recovery-2.txt
  candour rekey --passphrase-file pass.txt --new-passphrase-file new.txt")]
pub struct RekeyArgs {
    /// Write the new recovery key to FILE (created with mode 0600) instead of showing it
    #[arg(long, value_name = "FILE")]
    pub recovery_key_file: Option<PathBuf>,

    /// Lock the new key with the passphrase on the first line of FILE
    #[arg(long, value_name = "FILE")]
    pub new_passphrase_file: Option<PathBuf>,
}

/// Runs `candour rekey`.
pub fn run(ctx: &mut Context, args: &RekeyArgs) -> Result<(), CliError> {
    if let Some(file) = &args.recovery_key_file
        && file.exists()
    {
        return Err(usage(format!(
            "{} already exists; choose a new file for the recovery key",
            file.display()
        )));
    }
    let (mut journal, old) = open_unlocked(ctx)?;
    let passphrase: SecretString = match (&args.new_passphrase_file, secret::given_passphrase(ctx)?)
    {
        (Some(file), _) => secret::new_passphrase_for_change(ctx, Some(file))?,
        (None, Some(same)) => same,
        (None, None) => secret::new_passphrase_for_change(ctx, None)?,
    };
    let new = JournalKey::generate();
    // The new recovery key is saved before anything changes: if candour is killed
    // after the commit, the key that opens the journal is already on disk.
    if let Some(file) = &args.recovery_key_file {
        write_recovery_file(file, &new, ctx)?;
    }
    let written = args.recovery_key_file.clone();
    let total = journal.count()?;
    let bar = ctx.ui.progress(total, "re-encrypting");
    let result = journal.rekey(&old, &new, &passphrase, &mut |done| bar.set_position(done));
    bar.finish_and_clear();
    if let Err(e) = result {
        // Nothing changed: a recovery file for the unused key would only mislead.
        if let Some(file) = &written {
            let _ = std::fs::remove_file(file);
        }
        return Err(e.into());
    }
    agent::stop(&ctx.env, journal.dir());
    let recovery = new.to_recovery_key();
    if ctx.ui.json {
        ctx.ui.json(&json!({
            "entries": total,
            "recipient": journal.recipient().to_string(),
            "recovery_key": if written.is_some() { None } else { Some(recovery.expose_secret()) },
            "recovery_key_file": written,
        }))?;
        return Ok(());
    }
    ctx.ui.line(format!(
        "Re-encrypted {total} entr{} to a new key. The old recovery key no longer opens this journal.",
        if total == 1 { "y" } else { "ies" }
    ))?;
    if let Some(file) = &written {
        ctx.ui.line(format!(
            "The new recovery key is in {} (mode 0600). Move it somewhere safe and offline.",
            file.display()
        ))?;
    } else {
        show_recovery_key(ctx, "New recovery key (shown only this once):", &recovery)?;
    }
    Ok(())
}
