//! `candour record`: the structured facts of a dilemma.

use clap::Args;

use crate::cli::context::Context;
use crate::cli::error::CliError;
use crate::cli::ui::sanitize;
use crate::model::{EntryId, Initiator};

use super::{entry_full_json, open_unlocked};

/// Record who started it, what you did, who you told and the outcome
///
/// Each flag sets one field and leaves the others as they are; with no flags the record
/// is shown. The manager prompts and exports use these facts.
#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  candour record 12 --initiated-by patient --what-i-did \"Thanked him and said I could not keep it.\"
  candour record 12 --who-i-told \"ward manager\" --outcome \"Number returned; patient understood.\"
  candour record 12")]
pub struct RecordArgs {
    /// The entry id
    #[arg(value_name = "ID")]
    pub id: EntryId,

    /// Who started it
    #[arg(long, value_enum, value_name = "WHO")]
    pub initiated_by: Option<Initiator>,

    /// What you did
    #[arg(long, value_name = "TEXT")]
    pub what_i_did: Option<String>,

    /// Who you told
    #[arg(long, value_name = "TEXT")]
    pub who_i_told: Option<String>,

    /// How it turned out
    #[arg(long, value_name = "TEXT")]
    pub outcome: Option<String>,
}

/// Runs `candour record`.
pub fn run(ctx: &mut Context, args: &RecordArgs) -> Result<(), CliError> {
    let did = super::optional_text(args.what_i_did.as_deref(), "--what-i-did")?;
    let told = super::optional_text(args.who_i_told.as_deref(), "--who-i-told")?;
    let outcome = super::optional_text(args.outcome.as_deref(), "--outcome")?;
    let (mut journal, key) = open_unlocked(ctx)?;
    let changes =
        args.initiated_by.is_some() || did.is_some() || told.is_some() || outcome.is_some();
    let entry = if changes {
        journal
            .update(&key, args.id, ctx.now_utc(), |payload| {
                let r = &mut payload.record;
                if args.initiated_by.is_some() {
                    r.initiated_by = args.initiated_by;
                }
                if did.is_some() {
                    r.what_i_did = did;
                }
                if told.is_some() {
                    r.who_i_told = told;
                }
                if outcome.is_some() {
                    r.outcome = outcome;
                }
                Ok(())
            })?
            .0
    } else {
        journal.entry(&key, args.id)?
    };
    if ctx.ui.json {
        ctx.ui.json(&entry_full_json(&entry))?;
        return Ok(());
    }
    let r = &entry.payload.record;
    let show = |v: Option<&str>| v.map_or_else(|| "—".to_owned(), |t| sanitize(t).into_owned());
    ctx.ui.line(format!("Entry {}", entry.id))?;
    ctx.ui.line(format!(
        "  initiated by: {}",
        show(r.initiated_by.map(Initiator::as_str))
    ))?;
    ctx.ui
        .line(format!("  what I did:   {}", show(r.what_i_did.as_deref())))?;
    ctx.ui
        .line(format!("  who I told:   {}", show(r.who_i_told.as_deref())))?;
    ctx.ui
        .line(format!("  outcome:      {}", show(r.outcome.as_deref())))?;
    Ok(())
}
