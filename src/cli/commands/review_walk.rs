//! The interactive review: a walk through new entries on the terminal.

use dialoguer::{Input, Select};

use crate::cli::context::Context;
use crate::cli::error::CliError;
use crate::cli::ui::sanitize;
use crate::dates;
use crate::journal::{Entry, Journal};
use crate::model::{CategoryId, ShareLevel, Status};
use crate::taxonomy::Taxonomy;
use crate::vault::JournalKey;

use super::review::STATUSES;
use super::tags::route_line;

fn prompt_err(e: dialoguer::Error) -> CliError {
    CliError::Io(std::io::Error::other(e))
}

/// Asks, for each new entry: its status, who may see it, and what to do next.
pub fn walk(
    ctx: &mut Context,
    journal: &mut Journal,
    key: &JournalKey,
    _taxonomy: &Taxonomy,
    entries: &[Entry],
) -> Result<(), CliError> {
    let new: Vec<&Entry> = entries
        .iter()
        .filter(|e| e.payload.status == Status::New)
        .collect();
    if new.is_empty() {
        ctx.ui.note("No new entries to review.");
        return Ok(());
    }
    let total = new.len();
    for (i, entry) in new.into_iter().enumerate() {
        let p = &entry.payload;
        let categories: Vec<&str> = p.category_ids().map(CategoryId::as_str).collect();
        eprintln_ui(ctx, "")?;
        eprintln_ui(
            ctx,
            &format!(
                "[{}/{total}] Entry {} · {}",
                i + 1,
                entry.id,
                p.occurred_at.format("%Y-%m-%d")
            ),
        )?;
        eprintln_ui(ctx, &format!("  {}", sanitize(p.title())))?;
        if !categories.is_empty() {
            eprintln_ui(ctx, &format!("  {}", categories.join(", ")))?;
        }
        eprintln_ui(ctx, &format!("  route: {}", route_line(p.route)))?;

        let status_names: Vec<&str> = STATUSES.iter().map(|s| s.as_str()).collect();
        let status = Select::new()
            .with_prompt("Status")
            .items(&status_names)
            .default(1)
            .interact_opt()
            .map_err(prompt_err)?;
        let Some(status) = status else { break };
        let levels = [
            ShareLevel::Private,
            ShareLevel::Supervision,
            ShareLevel::Manager,
        ];
        let current = p.effective_share();
        let level_names: Vec<String> = levels
            .iter()
            .map(|l| {
                if *l == current {
                    format!("{l} (current)")
                } else {
                    l.to_string()
                }
            })
            .collect();
        let share = Select::new()
            .with_prompt("Who may see it in exports")
            .items(&level_names)
            .default(levels.iter().position(|l| *l == current).unwrap_or(1))
            .interact_opt()
            .map_err(prompt_err)?;
        let Some(share) = share else { break };
        let steps = ["nothing more", "add a follow-up action", "stop reviewing"];
        let step = Select::new()
            .with_prompt("Next step")
            .items(steps)
            .default(0)
            .interact_opt()
            .map_err(prompt_err)?;
        let now = ctx.now_utc();
        journal.update(key, entry.id, now, |payload| {
            if payload.status != STATUSES[status] {
                payload.set_status(STATUSES[status], now, None, None);
            }
            if levels[share] != payload.effective_share() {
                payload.share = Some(levels[share]);
            }
            Ok(())
        })?;
        match step {
            Some(1) => {
                let text: String = Input::new()
                    .with_prompt("Action")
                    .interact_text()
                    .map_err(prompt_err)?;
                let due: String = Input::new()
                    .with_prompt("Due (e.g. friday, 2026-12-01; empty for none)")
                    .allow_empty(true)
                    .interact_text()
                    .map_err(prompt_err)?;
                let due = if due.trim().is_empty() {
                    None
                } else {
                    Some(
                        dates::parse_due(&due, ctx.now)
                            .map_err(|e| CliError::Usage(format!("due: {e}")))?,
                    )
                };
                if !text.trim().is_empty() {
                    let action = journal.add_action(entry.id, &text, due, now)?;
                    eprintln_ui(ctx, &format!("  added action {}", action.id))?;
                }
            }
            Some(2) | None => break,
            _ => {}
        }
    }
    ctx.ui.line("Review saved.")?;
    Ok(())
}

fn eprintln_ui(ctx: &mut Context, line: &str) -> Result<(), CliError> {
    std::io::Write::write_all(ctx.ui.err(), format!("{line}\n").as_bytes())?;
    Ok(())
}
