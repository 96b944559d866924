//! `candour prompts`: questions for a supervision or line-manager conversation.

use clap::Args;
use serde_json::json;

use crate::cli::context::Context;
use crate::cli::error::{CliError, usage};
use crate::cli::ui::{DIM, HEADING, paint, sanitize};
use crate::journal::Entry;
use crate::model::{Audience, CategoryId, EntryId, ReflectiveModel};
use crate::prompts;

use super::list::{FilterArgs, damaged};
use super::open_unlocked;
use super::tags::route_line;

/// Questions to take to supervision or to a line-manager conversation
///
/// For supervision (the default) the prompts are grouped under Proctor's three functions
/// — normative (standards), formative (learning), restorative (support) — drawn from the
/// entry's categories and the words you wrote, followed by the stages of a reflective
/// model. For a manager they follow a short, factual outline: what happened, which
/// policy, what to declare or record, care and communication, referrals, support, agreed
/// actions. Prompts are questions, not verdicts.
#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  candour prompts 12
  candour prompts 12 14 --for manager
  candour prompts --since last-supervision --model gibbs
  candour prompts 12 --json")]
pub struct PromptsArgs {
    /// Entry ids (or use --since and the other filters)
    #[arg(value_name = "ID")]
    pub ids: Vec<EntryId>,

    /// Which conversation
    #[arg(
        long = "for",
        value_enum,
        value_name = "AUDIENCE",
        default_value = "supervision"
    )]
    pub audience: Audience,

    /// The reflective model whose stages are included
    #[arg(long, value_enum, value_name = "MODEL", default_value = "rolfe")]
    pub model: ReflectiveModel,

    /// Which entries, when no ids are given
    #[command(flatten)]
    pub filter: FilterArgs,
}

/// Runs `candour prompts`.
pub fn run(ctx: &mut Context, args: &PromptsArgs) -> Result<(), CliError> {
    let filtered = args.filter.since.is_some()
        || args.filter.from.is_some()
        || args.filter.to.is_some()
        || args.filter.category.is_some()
        || args.filter.status.is_some()
        || args.filter.route.is_some()
        || args.filter.contains.is_some();
    if args.ids.is_empty() && !filtered {
        return Err(usage(
            "which entries? give entry ids, or --since last-supervision (or other filters)",
        ));
    }
    if !args.ids.is_empty() && filtered {
        return Err(usage("give entry ids or filters, not both"));
    }
    args.filter.check_dates(ctx)?;
    let taxonomy = ctx.taxonomy()?.clone();
    let (journal, key) = open_unlocked(ctx)?;
    let mut damaged_listing = None;
    let entries: Vec<Entry> = if args.ids.is_empty() {
        let query = args.filter.to_query(ctx, &journal, &key)?;
        let mut listing = journal.list(&key, &query)?;
        let entries = std::mem::take(&mut listing.entries);
        damaged_listing = Some(listing);
        entries
    } else {
        args.ids
            .iter()
            .map(|id| journal.entry(&key, *id))
            .collect::<Result<_, _>>()?
    };
    let actions = journal.actions(&key)?;
    let sets: Vec<(&Entry, prompts::Prompts)> = entries
        .iter()
        .map(|e| {
            (
                e,
                prompts::for_entry(&taxonomy, e, &actions, args.audience, args.model),
            )
        })
        .collect();
    if ctx.ui.json {
        let list: Vec<_> = sets
            .iter()
            .map(|(e, p)| {
                json!({
                    "entry": e.id,
                    "title": e.payload.title(),
                    "categories": e.payload.category_ids().collect::<Vec<_>>(),
                    "route": e.payload.route,
                    "audience": p.audience,
                    "model": p.model,
                    "sections": p.sections,
                    "references": p.references,
                })
            })
            .collect();
        ctx.ui.json(&json!({ "prompts": list }))?;
    } else {
        if sets.is_empty() {
            ctx.ui.note("No entries match.");
        }
        for (n, (entry, set)) in sets.iter().enumerate() {
            let ui = &mut ctx.ui;
            if n > 0 {
                ui.line("")?;
                ui.line(paint(DIM, "─".repeat(60)))?;
            }
            let audience = match set.audience {
                Audience::Supervision => "supervision",
                Audience::Manager => "your line manager",
            };
            ui.line(paint(
                HEADING,
                format!("Prompts for {audience} — entry {}", entry.id),
            ))?;
            ui.line(format!("  {}", sanitize(entry.payload.title())))?;
            let categories: Vec<&str> = entry
                .payload
                .category_ids()
                .map(CategoryId::as_str)
                .collect();
            if !categories.is_empty() {
                ui.line(format!("  {}", categories.join(", ")))?;
            }
            ui.line(format!("  route: {}", route_line(entry.payload.route)))?;
            for section in &set.sections {
                ui.line("")?;
                ui.line(paint(HEADING, &section.heading))?;
                for prompt in &section.prompts {
                    ui.line(format!("  - {}", sanitize(prompt)))?;
                }
            }
            if !set.references.is_empty() {
                ui.line("")?;
                ui.line(paint(HEADING, "Standards and guidance to look at"))?;
                for r in &set.references {
                    ui.line(format!("  - {r}"))?;
                }
            }
        }
        ctx.ui.note(
            "\nThese are prompts, not verdicts: local policy and your regulator's code come first.",
        );
    }
    match damaged_listing {
        Some(listing) => damaged(&listing),
        None => Ok(()),
    }
}
