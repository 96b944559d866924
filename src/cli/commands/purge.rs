//! `candour purge`: compact the database, optionally deleting old entries for good.

use clap::Args;
use serde_json::json;

use crate::cli::context::Context;
use crate::cli::error::{CliError, usage};

use super::open_journal;

/// Delete old entries for good and compact the database file
///
/// Without --older-than, rebuilds the database file so that no trace of deleted
/// entries is left in its free space. With --older-than AGE (for example 3y, 18m, 90d,
/// 6w), first deletes every entry that happened longer ago than that, with its actions;
/// asks first unless --yes. Deleted data is overwritten (SQLite's secure_delete) and the
/// file rebuilt; copies made earlier by `candour backup` still hold it.
#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  candour purge
  candour purge --older-than 7y
  candour purge --older-than 3y --yes")]
pub struct PurgeArgs {
    /// Delete entries that happened longer ago than this: 3y, 18m, 6w, 90d
    #[arg(long, value_name = "AGE")]
    pub older_than: Option<String>,

    /// Do not ask for confirmation
    #[arg(short, long)]
    pub yes: bool,
}

/// Parses a retention age (`3y`, `18m`, `6w`, `90d`) into a number of days.
pub fn parse_age(text: &str) -> Result<i64, CliError> {
    let text = text.trim();
    let bad = || {
        usage(format!(
            "--older-than {text:?} is not an age; use for example 3y, 18m, 6w or 90d"
        ))
    };
    let split = text.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
    let (number, unit) = text.split_at(split);
    let n: i64 = number.parse().map_err(|_| bad())?;
    let days = match unit {
        "d" | "day" | "days" => n,
        "w" | "week" | "weeks" => n * 7,
        "m" | "month" | "months" => n * 30,
        "y" | "year" | "years" => n * 365,
        _ => return Err(bad()),
    };
    if n == 0 || n > 100_000 {
        return Err(bad());
    }
    Ok(days)
}

/// Runs `candour purge`.
pub fn run(ctx: &mut Context, args: &PurgeArgs) -> Result<(), CliError> {
    let days = args.older_than.as_deref().map(parse_age).transpose()?;
    let mut journal = open_journal(ctx)?;
    let cutoff = days.map(|d| ctx.now_utc() - chrono::Duration::days(d));
    if let Some(cutoff) = cutoff {
        let doomed = journal.count_older_than(cutoff)?;
        if doomed > 0 && !args.yes {
            if !ctx.env.stdin_tty {
                return Err(usage(format!(
                    "refusing to delete {doomed} entries without confirmation; pass --yes"
                )));
            }
            let sure = dialoguer::Confirm::new()
                .with_prompt(format!(
                    "Delete {doomed} entries from before {} for good? This cannot be undone",
                    cutoff.format("%Y-%m-%d")
                ))
                .default(false)
                .interact()
                .map_err(|e| CliError::Io(std::io::Error::other(e)))?;
            if !sure {
                return Err(CliError::Cancelled("nothing was deleted".into()));
            }
        }
    }
    let report = journal.purge(cutoff)?;
    if ctx.ui.json {
        ctx.ui.json(&json!({
            "deleted": report.deleted,
            "bytes_before": report.bytes_before,
            "bytes_after": report.bytes_after,
        }))?;
    } else {
        ctx.ui.line(format!(
            "Deleted {} entries; the database file went from {} to {} KiB.",
            report.deleted,
            report.bytes_before / 1024,
            report.bytes_after / 1024
        ))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_parse_and_nonsense_is_refused() {
        assert_eq!(parse_age("3y").unwrap(), 1095);
        assert_eq!(parse_age("18m").unwrap(), 540);
        assert_eq!(parse_age("6w").unwrap(), 42);
        assert_eq!(parse_age("90d").unwrap(), 90);
        for bad in ["", "3", "y", "0y", "3x", "-3y", "3 y", "999999999999y"] {
            assert!(parse_age(bad).is_err(), "{bad}");
        }
    }
}
