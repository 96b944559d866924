//! `candour review`: entries by category and status, with patterns worth raising.

use std::borrow::Cow;
use std::collections::HashSet;

use chrono::Duration;
use clap::Args;

use crate::cli::context::Context;
use crate::cli::error::{CliError, usage};
use crate::cli::ui::{DIM, HEADING, URGENT, WARN, paint, sanitize, truncate};
use crate::journal::{Entry, Journal, Query};
use crate::model::{ShareLevel, Status};
use crate::review::{self, RECURRING_WINDOW_DAYS};
use crate::vault::JournalKey;

use super::list::{FilterArgs, damaged};
use super::open_unlocked;

/// Review entries by category and status, with patterns worth raising
///
/// Groups the entries by boundary category with counts, and shows each one's date,
/// route, status, share level and open actions. Calls out patterns: a category recurring
/// (three or more times in 90 days), entries waiting long to be discussed, and entries a
/// manager should hear about that are still new.
///
/// --interactive walks through the new entries on a terminal, asking for a status, a
/// share level and a next step.
#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  candour review
  candour review --since last-supervision
  candour review --status to-discuss --route line-manager
  candour review --interactive
  candour review --json")]
pub struct ReviewArgs {
    /// Which entries
    #[command(flatten)]
    pub filter: FilterArgs,

    /// Walk through new entries, asking status / share / next step (needs a terminal)
    #[arg(short, long)]
    pub interactive: bool,
}

/// Runs `candour review`.
pub fn run(ctx: &mut Context, args: &ReviewArgs) -> Result<(), CliError> {
    if args.interactive && (!ctx.env.stdin_tty || !ctx.env.stderr_tty) {
        return Err(usage(
            "review --interactive needs a terminal; run `candour review` to print the review instead",
        ));
    }
    if args.interactive && ctx.ui.json {
        return Err(usage("--interactive and --json cannot be combined"));
    }
    args.filter.check_dates(ctx)?;
    let taxonomy = ctx.taxonomy()?.clone();
    let (mut journal, key) = open_unlocked(ctx)?;
    let query = args.filter.to_query(ctx, &journal, &key)?;
    let listing = journal.list(&key, &query)?;
    if args.interactive {
        super::review_walk::walk(ctx, &mut journal, &key, &taxonomy, &listing.entries)?;
        return damaged(&listing);
    }
    let context = pattern_context(&journal, &key, &query, &listing.entries, ctx.now_utc())?;
    let actions = journal.actions(&key)?;
    let report = review::build(
        &taxonomy,
        &listing.entries,
        &context,
        &actions,
        ctx.now_utc(),
    );
    if ctx.ui.json {
        ctx.ui.json(&report)?;
        return damaged(&listing);
    }
    let ui = &mut ctx.ui;
    let statuses: Vec<String> = report
        .by_status
        .iter()
        .map(|(s, n)| format!("{s} {n}"))
        .collect();
    ui.line(paint(
        HEADING,
        format!(
            "Review: {} entr{} · {}",
            report.total,
            if report.total == 1 { "y" } else { "ies" },
            statuses.join(" · ")
        ),
    ))?;
    if !report.patterns.is_empty() {
        ui.line("")?;
        ui.line(paint(HEADING, "Patterns worth raising"))?;
        for p in &report.patterns {
            ui.line(format!("  {} {}", paint(WARN, "!"), p.message))?;
        }
    }
    for group in &report.groups {
        ui.line("")?;
        ui.line(paint(HEADING, format!("{} ({})", group.name, group.count)))?;
        for item in &group.entries {
            let actions = match (item.open_actions, item.overdue_actions) {
                (0, _) => String::new(),
                (n, 0) => format!("  {n} open action{}", if n == 1 { "" } else { "s" }),
                (n, o) => paint(
                    URGENT,
                    format!(
                        "  {n} open action{} ({o} overdue)",
                        if n == 1 { "" } else { "s" }
                    ),
                ),
            };
            let share = if item.share == ShareLevel::Private {
                paint(DIM, "private")
            } else {
                item.share.as_str().to_owned()
            };
            ui.line(format!(
                "  {:>5}  {}  {:<10}  {:<12}  {:<11}  {}{actions}",
                item.id,
                &item.occurred_at[..10],
                item.status.as_str(),
                item.route.as_str(),
                share,
                truncate(&sanitize(&item.title).replace('\n', " "), 48),
            ))?;
        }
    }
    if report.total == 0 {
        ui.note("No entries to review.");
    }
    damaged(&listing)
}

/// The entries pattern detection looks at: those reviewed, plus every entry of the last
/// 90 days (a recurring category is a pattern even when the review is filtered).
fn pattern_context<'a>(
    journal: &Journal,
    key: &JournalKey,
    query: &Query,
    shown: &'a [Entry],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Cow<'a, [Entry]>, CliError> {
    let window = Query {
        from: Some(now - Duration::days(RECURRING_WINDOW_DAYS)),
        ..Query::default()
    };
    let covered = query.contains.is_none()
        && query.category.is_none()
        && query.status.is_none()
        && query.route.is_none()
        && query.to.is_none()
        && query.from.is_none_or(|f| f <= window.from.unwrap_or(f));
    if covered {
        return Ok(Cow::Borrowed(shown));
    }
    let mut context = journal.list(key, &window)?.entries;
    let mut present: HashSet<_> = context.iter().map(|c| c.id).collect();
    for e in shown {
        if present.insert(e.id) {
            context.push(e.clone());
        }
    }
    Ok(Cow::Owned(context))
}

/// Statuses in lifecycle order, for the interactive walk.
pub const STATUSES: [Status; 4] = [
    Status::New,
    Status::ToDiscuss,
    Status::Discussed,
    Status::Resolved,
];
