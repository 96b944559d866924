//! `candour tag`: change an entry's categories by hand.

use clap::Args;

use crate::cli::context::Context;
use crate::cli::error::{CliError, usage};
use crate::journal::tagging;
use crate::model::{CategoryId, EntryId};

use super::tags::route_line;
use super::{entry_full_json, open_unlocked};

/// Change an entry's categories by hand
///
/// --add makes a category a manual tag; --remove takes one off, and automatic tagging
/// will not bring it back when the text is edited. The route is recomputed.
#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  candour tag 12 --add conflict-of-interest
  candour tag 12 --remove gifts-hospitality
  candour tag 12 --add self-disclosure,over-involvement --remove dual-relationship")]
pub struct TagArgs {
    /// The entry id
    #[arg(value_name = "ID")]
    pub id: EntryId,

    /// Categories to add (repeat, or separate with commas)
    #[arg(long, value_name = "CATEGORY", value_delimiter = ',')]
    pub add: Vec<CategoryId>,

    /// Categories to remove (repeat, or separate with commas)
    #[arg(long, value_name = "CATEGORY", value_delimiter = ',')]
    pub remove: Vec<CategoryId>,
}

/// Runs `candour tag`.
pub fn run(ctx: &mut Context, args: &TagArgs) -> Result<(), CliError> {
    if args.add.is_empty() && args.remove.is_empty() {
        return Err(usage(
            "nothing to change: give --add CATEGORY and/or --remove CATEGORY",
        ));
    }
    if let Some(both) = args.add.iter().find(|c| args.remove.contains(c)) {
        return Err(usage(format!("{both} is both added and removed")));
    }
    let taxonomy = ctx.taxonomy()?.clone();
    for id in args.add.iter().chain(&args.remove) {
        taxonomy.check_category(id).map_err(usage)?;
    }
    let (mut journal, key) = open_unlocked(ctx)?;
    let now = ctx.now_utc();
    let (entry, missing) = journal.update(&key, args.id, now, |payload| {
        Ok(tagging::change_tags(
            payload,
            &taxonomy,
            &args.add,
            &args.remove,
        ))
    })?;
    for id in missing {
        ctx.ui.warn(format!(
            "entry {} was not tagged {id}; it will not be tagged automatically",
            args.id
        ));
    }
    if ctx.ui.json {
        ctx.ui.json(&entry_full_json(&entry))?;
        return Ok(());
    }
    let categories: Vec<&str> = entry
        .payload
        .category_ids()
        .map(CategoryId::as_str)
        .collect();
    ctx.ui.line(format!(
        "Entry {}: {}",
        entry.id,
        if categories.is_empty() {
            "no categories".to_owned()
        } else {
            categories.join(", ")
        }
    ))?;
    ctx.ui
        .line(format!("Route: {}", route_line(entry.payload.route)))?;
    Ok(())
}
