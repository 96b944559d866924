//! `candour import`: bring entries in from a candour JSON export or from jrnl.

use std::io::Read;
use std::path::PathBuf;

use chrono::{Local, NaiveDateTime, TimeZone};
use clap::{Args, ValueEnum};
use serde_json::json;

use crate::cli::context::Context;
use crate::cli::error::{CliError, usage};
use crate::import::{self, ImportError};
use crate::journal::tagging;

use super::open_journal;

/// The largest file `import` reads (a 100,000-entry export is well under this).
const MAX_IMPORT_BYTES: u64 = 1 << 30;

/// Import formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportFormat {
    /// candour's own JSON export (`candour export --format json --all --no-redact`)
    Json,
    /// jrnl's JSON export (`jrnl --format json > journal.json`)
    JrnlJson,
}

/// Import entries from a candour JSON export or a jrnl JSON export
///
/// Everything is added in one transaction: all of it or none of it. Entries the journal
/// already has (same uuid) are skipped, so importing the same file twice adds nothing.
/// Like `add`, importing needs no passphrase. jrnl entries keep their title, body, date
/// and time, star and @tags (as manual tags), and are tagged automatically unless
/// --no-auto-tag is given.
#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  candour import backup.json
  jrnl --format json > jrnl.json && candour import --format jrnl-json jrnl.json
  candour --journal ~/new-journal import old-export.json")]
pub struct ImportArgs {
    /// The file to import (- for standard input)
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// The file's format
    #[arg(long, value_enum, value_name = "FORMAT", default_value = "json")]
    pub format: ImportFormat,

    /// Do not tag imported jrnl entries automatically
    #[arg(long)]
    pub no_auto_tag: bool,
}

/// Runs `candour import`.
pub fn run(ctx: &mut Context, args: &ImportArgs) -> Result<(), CliError> {
    let text = read_file(args)?;
    let taxonomy = ctx.taxonomy()?.clone();
    let mut journal = open_journal(ctx)?;
    let now = ctx.now_utc();
    let batch = match args.format {
        ImportFormat::Json => {
            let (header, batch) = import::from_export(&text).map_err(|e| import_error(&e))?;
            if header.redacted {
                ctx.ui.warn("this export was redacted: the imported entries contain [placeholders] instead of the original details");
            }
            batch
        }
        ImportFormat::JrnlJson => {
            let local = |naive: NaiveDateTime| {
                Local
                    .from_local_datetime(&naive)
                    .earliest()
                    .map_or_else(|| naive.and_utc().fixed_offset(), |t| t.fixed_offset())
            };
            let mut batch =
                import::jrnl::parse(&text, &local, now).map_err(|e| import_error(&e))?;
            for (payload, _) in &mut batch.entries {
                payload.auto_tag = !args.no_auto_tag;
                let auto = payload.auto_tag;
                tagging::retag(payload, &taxonomy, auto);
            }
            batch
        }
    };
    // The parsed batch holds everything now; the file's text can go before sealing.
    drop(text);
    let bar = ctx.ui.progress(batch.entries.len() as u64, "Importing");
    let outcome = journal.import(&batch, &|n| bar.set_position(n as u64))?;
    bar.finish_and_clear();
    if ctx.ui.json {
        ctx.ui.json(&json!({ "imported": outcome }))?;
        return Ok(());
    }
    ctx.ui.line(format!(
        "Imported {} entr{} ({} already present), {} action{}, {} session{}.",
        outcome.entries_added,
        if outcome.entries_added == 1 {
            "y"
        } else {
            "ies"
        },
        outcome.entries_skipped,
        outcome.actions_added,
        if outcome.actions_added == 1 { "" } else { "s" },
        outcome.sessions_added,
        if outcome.sessions_added == 1 { "" } else { "s" },
    ))?;
    Ok(())
}

fn read_file(args: &ImportArgs) -> Result<String, CliError> {
    let fail = |source| CliError::ReadFile {
        what: "import file",
        path: args.file.display().to_string(),
        source,
    };
    let mut bytes = Vec::new();
    if args.file.as_os_str() == "-" {
        std::io::stdin()
            .lock()
            .take(MAX_IMPORT_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(fail)?;
    } else {
        if args.file.is_dir() {
            return Err(usage(format!(
                "{} is a directory, not an export file",
                args.file.display()
            )));
        }
        std::fs::File::open(&args.file)
            .and_then(|f| f.take(MAX_IMPORT_BYTES + 1).read_to_end(&mut bytes))
            .map_err(fail)?;
    }
    if bytes.len() as u64 > MAX_IMPORT_BYTES {
        return Err(import_error(&ImportError::TooLarge {
            size: bytes.len() as u64,
            limit: MAX_IMPORT_BYTES,
        }));
    }
    String::from_utf8(bytes)
        .map_err(|_| usage(format!("{} is not UTF-8 text", args.file.display())))
}

fn import_error(e: &ImportError) -> CliError {
    usage(format!("cannot import: {e}; nothing was imported"))
}
