//! `candour names`: the user's own list of names to redact from exports.

use clap::{Args, Subcommand};
use serde_json::json;

use crate::cli::context::Context;
use crate::cli::error::{CliError, usage};
use crate::cli::ui::sanitize;

use super::open_unlocked;

/// Keep a list of names (patients, relatives, colleagues) that exports always redact
///
/// Names cannot be found reliably by rules, so tell candour the ones you use. The list is
/// stored encrypted in the journal. Matching ignores case and whole words only.
#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  candour names add Patel \"Joan Smith\"
  candour names remove Patel
  candour names list")]
pub struct NamesArgs {
    /// What to do
    #[command(subcommand)]
    pub command: NamesCommand,
}

/// The `names` subcommands.
#[derive(Debug, Subcommand)]
pub enum NamesCommand {
    /// Add names
    Add {
        /// The names (quote ones with spaces)
        #[arg(value_name = "NAME", required = true)]
        names: Vec<String>,
    },
    /// Remove names
    Remove {
        /// The names
        #[arg(value_name = "NAME", required = true)]
        names: Vec<String>,
    },
    /// Show the list
    List,
}

/// The longest name accepted.
const MAX_NAME_CHARS: usize = 100;

/// Runs `candour names`.
pub fn run(ctx: &mut Context, args: &NamesArgs) -> Result<(), CliError> {
    let (mut journal, key) = open_unlocked(ctx)?;
    let mut names = journal.names(&key)?;
    let changed = match &args.command {
        NamesCommand::Add { names: new } => {
            for name in new {
                let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
                if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
                    return Err(usage(format!(
                        "a name must have 1 to {MAX_NAME_CHARS} characters"
                    )));
                }
                if !names.iter().any(|n| n.eq_ignore_ascii_case(&name)) {
                    names.push(name);
                }
            }
            true
        }
        NamesCommand::Remove { names: old } => {
            let before = names.len();
            names.retain(|n| !old.iter().any(|o| o.trim().eq_ignore_ascii_case(n)));
            if names.len() == before {
                ctx.ui.note("None of those names were on the list.");
            }
            names.len() != before
        }
        NamesCommand::List => false,
    };
    if changed {
        names.sort_by_key(|n| n.to_lowercase());
        journal.set_names(&names)?;
    }
    if ctx.ui.json {
        ctx.ui.json(&json!({ "names": names }))?;
    } else if matches!(args.command, NamesCommand::List) {
        if names.is_empty() {
            ctx.ui.note("No names yet: candour names add NAME…");
        }
        for n in &names {
            ctx.ui.line(sanitize(n))?;
        }
    } else {
        ctx.ui.line(format!(
            "{} name{} on the list.",
            names.len(),
            if names.len() == 1 { "" } else { "s" }
        ))?;
    }
    Ok(())
}
