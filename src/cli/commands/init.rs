//! `candour init`: create a journal and show its recovery key once.

use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use clap::Args;
use secrecy::ExposeSecret;
use serde_json::json;

use crate::cli::context::Context;
use crate::cli::error::{CliError, usage};
use crate::cli::secret;
use crate::cli::ui::{HEADING, paint};
use crate::journal::{InitOptions, Journal};
use crate::paths;
use crate::vault::{JournalKey, MAX_WORK_FACTOR};

/// Create a new encrypted journal
///
/// Generates the journal key, stores its public half in plaintext (so `add` never needs
/// the passphrase) and its secret half wrapped by your passphrase. The secret key is
/// shown once as a recovery key: keep it somewhere safe and offline. With it you can
/// unlock the journal if you forget the passphrase (`--identity FILE`), and decrypt any
/// entry with the standard `age` tool.
///
/// The passphrase comes from --passphrase-file, else CANDOUR_PASSPHRASE, else it is typed
/// twice on the terminal.
#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  candour init
  candour init --recovery-key-file /media/usb/candour-recovery.txt
  candour --journal ~/work-journal init --passphrase-file pass.txt")]
pub struct InitArgs {
    /// Write the recovery key to FILE (created with mode 0600) instead of showing it
    #[arg(long, value_name = "FILE")]
    pub recovery_key_file: Option<PathBuf>,

    /// scrypt work factor for the passphrase, as log2(N) [default: age's own, 18]
    ///
    /// Higher is slower to unlock and slower to guess. Low values are for tests only.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=i64::from(MAX_WORK_FACTOR)))]
    pub kdf_work_factor: Option<u8>,
}

/// Runs `candour init`.
pub fn run(ctx: &mut Context, args: &InitArgs) -> Result<(), CliError> {
    create(ctx, args.kdf_work_factor, args.recovery_key_file.as_deref())?;
    ctx.ui
        .note("Next: candour add \"what happened, in a sentence or two\"");
    Ok(())
}

/// The init flow, shared with `add`'s offer to create a journal: passphrase, journal,
/// recovery key. Returns the open journal.
pub fn create(
    ctx: &mut Context,
    work_factor: Option<u8>,
    recovery_file: Option<&Path>,
) -> Result<Journal, CliError> {
    let dir = ctx.settings.journal_dir.clone();
    if paths::db_path(&dir).exists() {
        return Err(crate::error::Error::JournalExists { dir }.into());
    }
    if let Some(file) = recovery_file
        && file.exists()
    {
        return Err(usage(format!(
            "{} already exists; choose a new file for the recovery key",
            file.display()
        )));
    }
    let passphrase = secret::new_passphrase_for_init(ctx)?;
    let (journal, key) = Journal::init(
        &dir,
        &passphrase,
        InitOptions { work_factor },
        ctx.now_utc(),
    )?;

    let written = match recovery_file {
        Some(file) => match write_recovery_file(file, &key, ctx) {
            Ok(()) => Some(file.to_owned()),
            Err(e) => {
                // The journal exists now; losing its key would be worse than showing it.
                ctx.ui
                    .warn(format!("{e}; showing the recovery key instead"));
                None
            }
        },
        None => None,
    };
    let recovery = key.to_recovery_key();
    if ctx.ui.json {
        ctx.ui.json(&json!({
            "journal": dir,
            "recipient": journal.recipient().to_string(),
            "recovery_key": if written.is_some() { None } else { Some(recovery.expose_secret()) },
            "recovery_key_file": written,
        }))?;
        return Ok(journal);
    }
    ctx.ui
        .line(format!("Created a journal at {}.", dir.display()))?;
    if let Some(file) = &written {
        ctx.ui.line(format!(
            "The recovery key is in {} (mode 0600). Move it somewhere safe and offline.",
            file.display()
        ))?;
    } else {
        show_recovery_key(ctx, "Recovery key (shown only this once):", &recovery)?;
        ctx.ui.line(
            "Write it down or store it offline. It opens the journal if you forget the \
             passphrase (save it to a file and use --identity FILE), and decrypts any entry \
             with the standard `age` tool. Anyone who has it can read your journal.",
        )?;
    }
    Ok(journal)
}

/// Prints a recovery key under a heading, set apart by blank lines.
pub(crate) fn show_recovery_key(
    ctx: &mut Context,
    heading: &str,
    recovery: &secrecy::SecretString,
) -> Result<(), CliError> {
    ctx.ui.line("")?;
    ctx.ui.line(paint(HEADING, heading))?;
    ctx.ui.line("")?;
    ctx.ui.line(format!("    {}", recovery.expose_secret()))?;
    ctx.ui.line("")?;
    Ok(())
}

pub(crate) fn write_recovery_file(
    file: &Path,
    key: &JournalKey,
    ctx: &Context,
) -> Result<(), CliError> {
    let fail = |source| CliError::WriteFile {
        what: "recovery key file",
        path: file.display().to_string(),
        source,
    };
    let mut out = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(file)
        .map_err(fail)?;
    let stamp = ctx.now.format("%Y-%m-%d").to_string();
    out.write_all(key.to_identity_file(&stamp).expose_secret().as_bytes())
        .and_then(|()| out.sync_all())
        .map_err(fail)
}
