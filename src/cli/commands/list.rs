//! `candour list`: entries newest first.

use clap::Args;
use serde_json::json;

use crate::cli::context::Context;
use crate::cli::error::CliError;
use crate::cli::ui::{DIM, HEADING, paint, sanitize, truncate};
use crate::error::Error;
use crate::journal::{Entry, Journal, Listing, Query};
use crate::model::{CategoryId, Route, Status};
use crate::vault::JournalKey;

use super::{
    entry_summary_json, local_time, open_unlocked, parse_range_end, parse_range_start,
    resolve_since,
};

/// The longest title shown on one line before it is cut with "…".
const TITLE_WIDTH: usize = 60;

/// List entries, newest first
///
/// Without --contains, --category, --status or --route only the entries shown are
/// decrypted, so `-n 5` is quick on any size of journal.
#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  candour list -n 5
  candour list --from \"last monday\" --to yesterday
  candour list --since last-supervision
  candour list --contains voucher
  candour list --category gifts-hospitality --json")]
pub struct ListArgs {
    /// Show at most N entries (the newest)
    #[arg(short = 'n', long = "limit", value_name = "N")]
    pub limit: Option<usize>,

    /// Which entries
    #[command(flatten)]
    pub filter: FilterArgs,
}

/// Filters shared by `list`, `review`, `prompts` and `export`.
#[derive(Debug, Clone, Default, Args)]
pub struct FilterArgs {
    /// Only entries that happened on or after WHEN ("last monday", 2026-11-01)
    #[arg(long, value_name = "WHEN")]
    pub from: Option<String>,

    /// Only entries that happened on or before WHEN (a date includes that whole day)
    #[arg(long, value_name = "WHEN")]
    pub to: Option<String>,

    /// Only entries after the last session: last-supervision, last-manager, or a date
    #[arg(long, value_name = "SINCE", conflicts_with = "from")]
    pub since: Option<String>,

    /// Only entries whose text contains TEXT (ignoring case)
    #[arg(long, value_name = "TEXT")]
    pub contains: Option<String>,

    /// Only entries tagged with this category (see `candour categories`)
    #[arg(long, value_name = "ID")]
    pub category: Option<CategoryId>,

    /// Only entries with this status
    #[arg(long, value_enum, value_name = "STATUS")]
    pub status: Option<Status>,

    /// Only entries with this route
    #[arg(long, value_enum, value_name = "ROUTE")]
    pub route: Option<Route>,
}

impl FilterArgs {
    /// The journal query these flags describe (`--since` needs the unlocked journal).
    pub fn to_query(
        &self,
        ctx: &mut Context,
        journal: &Journal,
        key: &JournalKey,
    ) -> Result<Query, CliError> {
        let from = match (&self.from, &self.since) {
            (Some(w), _) => Some(parse_range_start(ctx, "--from", w)?),
            (None, Some(since)) => resolve_since(ctx, journal, key, since)?,
            (None, None) => None,
        };
        let to = self
            .to
            .as_deref()
            .map(|w| parse_range_end(ctx, "--to", w))
            .transpose()?;
        if let (Some(from), Some(to)) = (from, to)
            && from > to
        {
            return Err(crate::cli::error::usage(
                "the start of the range is after its end; nothing can match",
            ));
        }
        if let Some(category) = &self.category {
            ctx.taxonomy()?
                .check_category(category)
                .map_err(crate::cli::error::usage)?;
        }
        Ok(Query {
            from,
            to,
            limit: None,
            contains: self.contains.clone(),
            category: self.category.clone(),
            status: self.status,
            route: self.route,
        })
    }

    /// Checks the date flags before anything is unlocked, so a typo fails fast.
    pub fn check_dates(&self, ctx: &Context) -> Result<(), CliError> {
        if let Some(w) = &self.from {
            parse_range_start(ctx, "--from", w)?;
        }
        if let Some(w) = &self.to {
            parse_range_end(ctx, "--to", w)?;
        }
        if let Some(w) = &self.since
            && !matches!(w.as_str(), "last-supervision" | "last-manager")
        {
            parse_range_start(ctx, "--since", w)?;
        }
        Ok(())
    }
}

/// Runs `candour list`.
pub fn run(ctx: &mut Context, args: &ListArgs) -> Result<(), CliError> {
    args.filter.check_dates(ctx)?;
    if let Some(category) = &args.filter.category {
        ctx.taxonomy()?
            .check_category(category)
            .map_err(crate::cli::error::usage)?;
    }
    let (journal, key) = open_unlocked(ctx)?;
    let mut query = args.filter.to_query(ctx, &journal, &key)?;
    query.limit = args.limit;
    let listing = journal.list(&key, &query)?;
    print(ctx, &listing)?;
    damaged(&listing)
}

/// The error to return when some entries could not be read (after showing the rest).
pub fn damaged(listing: &Listing) -> Result<(), CliError> {
    if listing.unreadable.is_empty() {
        return Ok(());
    }
    let ids = listing.unreadable.iter().map(|(id, _)| *id).collect();
    Err(Error::SomeEntriesDamaged { ids }.into())
}

fn print(ctx: &mut Context, listing: &Listing) -> Result<(), CliError> {
    if ctx.ui.json {
        let entries: Vec<_> = listing.entries.iter().map(entry_summary_json).collect();
        let unreadable: Vec<_> = listing.unreadable.iter().map(|(id, _)| *id).collect();
        ctx.ui
            .json(&json!({ "entries": entries, "unreadable": unreadable }))?;
        return Ok(());
    }
    if listing.entries.is_empty() {
        ctx.ui.note("No entries.");
        return Ok(());
    }
    ctx.ui.line(paint(
        HEADING,
        format!(
            "{:>5}  {:<16}  {:<10}  {:<12}  TITLE",
            "ID", "WHEN", "STATUS", "ROUTE"
        ),
    ))?;
    for entry in &listing.entries {
        ctx.ui.line(row(entry))?;
    }
    Ok(())
}

fn row(entry: &Entry) -> String {
    let p = &entry.payload;
    let title = sanitize(p.title()).replace(['\n', '\t'], " ");
    let categories: Vec<&str> = p.category_ids().map(CategoryId::as_str).collect();
    let tags = if categories.is_empty() {
        String::new()
    } else {
        format!("  {}", paint(DIM, format!("[{}]", categories.join(", "))))
    };
    format!(
        "{:>5}  {:<16}  {:<10}  {:<12}  {}{}",
        entry.id,
        local_time(p.occurred_at),
        p.status.as_str(),
        p.route.as_str(),
        truncate(&title, TITLE_WIDTH),
        tags
    )
}
