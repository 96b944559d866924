//! `candour sessions`: the supervision and manager meetings recorded.

use clap::Args;
use serde_json::json;

use crate::cli::context::Context;
use crate::cli::error::CliError;
use crate::cli::ui::{HEADING, paint, sanitize, truncate};
use crate::model::Counterpart;

use super::{open_unlocked, session_json};

/// List recorded supervision and line-manager meetings, newest first
#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  candour sessions
  candour sessions --with supervisor --json")]
pub struct SessionsArgs {
    /// Only meetings with this counterpart
    #[arg(long, value_enum, value_name = "WHO")]
    pub with: Option<Counterpart>,
}

/// Runs `candour sessions`.
pub fn run(ctx: &mut Context, args: &SessionsArgs) -> Result<(), CliError> {
    let (journal, key) = open_unlocked(ctx)?;
    let mut sessions = journal.sessions(&key)?;
    sessions.retain(|s| args.with.is_none_or(|w| s.payload.with == w));
    sessions.reverse();
    if ctx.ui.json {
        let list = sessions
            .iter()
            .map(|s| session_json(&journal, s))
            .collect::<Result<Vec<_>, _>>()?;
        ctx.ui.json(&json!({ "sessions": list }))?;
        return Ok(());
    }
    if sessions.is_empty() {
        ctx.ui.note(
            "No sessions recorded. Record one with: candour session add --with supervisor ENTRY…",
        );
        return Ok(());
    }
    ctx.ui.line(paint(
        HEADING,
        format!(
            "{:>4}  {:<16}  {:<10}  {:<8}  NOTE",
            "ID", "WHEN", "WITH", "ENTRIES"
        ),
    ))?;
    for s in &sessions {
        let note = s
            .payload
            .note
            .as_deref()
            .map(|n| truncate(&sanitize(n).replace('\n', " "), 50).into_owned())
            .unwrap_or_default();
        ctx.ui.line(format!(
            "{:>4}  {:<16}  {:<10}  {:<8}  {note}",
            s.id,
            s.payload.held_at.format("%Y-%m-%d %H:%M"),
            s.payload.with.as_str(),
            s.payload.entries.len()
        ))?;
    }
    Ok(())
}
