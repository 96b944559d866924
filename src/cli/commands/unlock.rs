//! `candour unlock` / `candour lock`: keep the journal unlocked for a while.

use clap::Args;
use serde_json::json;

use crate::cli::agent;
use crate::cli::context::Context;
use crate::cli::error::CliError;

use super::{open_journal, open_unlocked};

/// Keep the journal unlocked for a while, so reading does not ask each time
///
/// Unlocks as usual, then starts a small background agent that holds the journal key
/// in memory (never on disk) for the given time, reachable only by you through a
/// private socket. Commands on this journal use it instead of asking for the
/// passphrase. `candour lock` ends it at once; it also ends by itself when the time is
/// up. Adding entries never needs it.
#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  candour unlock             # for 15 minutes
  candour unlock --for 1h
  candour lock")]
pub struct UnlockArgs {
    /// How long to stay unlocked: 90s, 15m, 2h (at most 12h)
    #[arg(long = "for", value_name = "TIME", default_value = "15m")]
    pub lifetime: String,
}

/// Forget the unlocked key at once (ends the agent started by `candour unlock`)
#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  candour lock")]
pub struct LockArgs {}

/// The agent process itself (started by `candour unlock`; not for direct use)
#[derive(Debug, Args)]
pub struct AgentServeArgs {
    /// Seconds to hold the key
    #[arg(long)]
    pub seconds: u64,
}

/// Runs `candour unlock`.
pub fn run(ctx: &mut Context, args: &UnlockArgs) -> Result<(), CliError> {
    let lifetime = agent::parse_lifetime(&args.lifetime)?;
    // A fresh unlock: do not reuse a running agent's key.
    let dir = ctx.settings.journal_dir.clone();
    agent::stop(&ctx.env, &dir);
    let (journal, key) = open_unlocked(ctx)?;
    let socket = agent::spawn(&ctx.env, journal.dir(), &key.to_recovery_key(), lifetime)?;
    ctx.ui
        .verbose(format!("agent socket: {}", socket.display()));
    if ctx.ui.json {
        ctx.ui
            .json(&json!({ "unlocked_for_seconds": lifetime.as_secs() }))?;
    } else {
        ctx.ui.line(format!(
            "Unlocked for {}: commands on this journal will not ask for the passphrase until then, or until `candour lock`.",
            args.lifetime.trim()
        ))?;
    }
    Ok(())
}

/// Runs `candour lock`.
pub fn lock(ctx: &mut Context, _args: &LockArgs) -> Result<(), CliError> {
    let journal = open_journal(ctx)?;
    let was_running = agent::stop(&ctx.env, journal.dir());
    if ctx.ui.json {
        ctx.ui.json(&json!({ "locked": was_running }))?;
    } else if was_running {
        ctx.ui.line("Locked: the key has been forgotten.")?;
    } else {
        ctx.ui
            .line("Nothing to lock: no agent was running for this journal.")?;
    }
    Ok(())
}

/// Runs the hidden `candour agent-serve`.
pub fn serve(ctx: &mut Context, args: &AgentServeArgs) -> Result<(), CliError> {
    let dir = ctx.settings.journal_dir.clone();
    agent::serve(&ctx.env, &dir, std::time::Duration::from_secs(args.seconds))
}
