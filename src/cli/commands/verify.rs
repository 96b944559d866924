//! `candour verify`: check that every stored item is intact and readable.

use clap::Args;
use serde_json::json;

use crate::cli::context::Context;
use crate::cli::error::CliError;
use crate::error::Error;

use super::open_unlocked;

/// Check the database and decrypt every entry, action and session
///
/// Runs SQLite's integrity check, then decrypts, authenticates and parses every entry,
/// action, session and the names list. Every damaged or tampered item is named. Nothing
/// is changed. Exit status 5 if anything is wrong, 0 if all is well.
#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  candour verify
  candour verify --json")]
pub struct VerifyArgs {}

/// Runs `candour verify`.
pub fn run(ctx: &mut Context, _args: &VerifyArgs) -> Result<(), CliError> {
    let (journal, key) = open_unlocked(ctx)?;
    let bar = ctx.ui.progress(journal.count()?, "verifying");
    let report = journal.verify(&key, &mut |done| bar.set_position(done))?;
    bar.finish_and_clear();
    if ctx.ui.json {
        ctx.ui.json(&json!({
            "ok": report.is_ok(),
            "integrity": report.integrity,
            "entries": report.entries,
            "bad_entries": report.bad_entries,
            "records": report.records,
            "bad_records": report.bad_records.iter().map(|(what, id)| json!({"kind": what, "id": id})).collect::<Vec<_>>(),
            "bad_names": report.bad_names,
        }))?;
    } else {
        for problem in &report.integrity {
            ctx.ui
                .line(format!("database: {}", crate::error::one_line(problem)))?;
        }
        for id in &report.bad_entries {
            ctx.ui
                .line(format!("entry {id}: damaged or tampered with"))?;
        }
        for (what, id) in &report.bad_records {
            ctx.ui
                .line(format!("{what} {id}: damaged or tampered with"))?;
        }
        if report.bad_names {
            ctx.ui.line("names list: damaged or tampered with")?;
        }
        if report.is_ok() {
            ctx.ui.line(format!(
                "All well: the database is sound and {} entries and {} actions and sessions decrypt and parse.",
                report.entries, report.records
            ))?;
        }
    }
    if report.is_ok() {
        return Ok(());
    }
    let problems = report.integrity.len()
        + report.bad_entries.len()
        + report.bad_records.len()
        + usize::from(report.bad_names);
    Err(Error::VerifyFailed { problems }.into())
}
