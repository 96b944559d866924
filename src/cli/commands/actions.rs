//! `candour actions`: follow-up actions, open first.

use clap::Args;
use serde_json::json;

use crate::cli::context::Context;
use crate::cli::error::CliError;
use crate::cli::ui::{DIM, GOOD, HEADING, URGENT, paint, sanitize, truncate};
use crate::model::EntryId;

use super::{action_json, open_unlocked};

/// List follow-up actions: open ones first (overdue highlighted), then done ones
#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  candour actions
  candour actions --open
  candour actions --entry 12 --json")]
pub struct ActionsArgs {
    /// Only open actions
    #[arg(long)]
    pub open: bool,

    /// Only the actions of this entry
    #[arg(long, value_name = "ID")]
    pub entry: Option<EntryId>,
}

/// Runs `candour actions`.
pub fn run(ctx: &mut Context, args: &ActionsArgs) -> Result<(), CliError> {
    let (journal, key) = open_unlocked(ctx)?;
    let now = ctx.now_utc();
    let mut actions = journal.actions(&key)?;
    actions.retain(|a| (!args.open || a.is_open()) && args.entry.is_none_or(|e| a.entry_id == e));
    // Open before done; among open, overdue and soonest due first.
    actions.sort_by_key(|a| {
        (
            !a.is_open(),
            !a.is_overdue(now),
            a.payload.due.map_or(i64::MAX, |d| d.timestamp()),
            a.id,
        )
    });
    if ctx.ui.json {
        let list: Vec<_> = actions.iter().map(|a| action_json(a, now)).collect();
        ctx.ui.json(&json!({ "actions": list }))?;
        return Ok(());
    }
    if actions.is_empty() {
        ctx.ui.note("No actions.");
        return Ok(());
    }
    ctx.ui.line(paint(
        HEADING,
        format!(
            "{:>4}  {:>5}  {:<16}  {:<8}  TEXT",
            "ID", "ENTRY", "DUE", "STATE"
        ),
    ))?;
    for a in &actions {
        let state = if !a.is_open() {
            paint(GOOD, format!("{:<8}", "done"))
        } else if a.is_overdue(now) {
            paint(URGENT, format!("{:<8}", "overdue"))
        } else {
            format!("{:<8}", "open")
        };
        let due = a.payload.due.map_or_else(
            || paint(DIM, format!("{:<16}", "—")),
            |d| format!("{:<16}", d.format("%Y-%m-%d %H:%M")),
        );
        ctx.ui.line(format!(
            "{:>4}  {:>5}  {due}  {state}  {}",
            a.id,
            a.entry_id,
            truncate(&sanitize(&a.payload.text).replace('\n', " "), 60)
        ))?;
    }
    Ok(())
}
