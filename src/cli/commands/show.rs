//! `candour show`: one entry in full.

use clap::Args;

use crate::cli::context::Context;
use crate::cli::error::CliError;
use crate::cli::ui::{DIM, EVIDENCE, HEADING, paint, sanitize};
use crate::journal::Entry;
use crate::model::{EntryId, TagSource};

use super::tags::route_line;
use super::{entry_full_json, local_time, open_unlocked};

/// Show one entry in full
///
/// Prints the text, the categories with the words that triggered them, the route and the
/// status.
#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  candour show 12
  candour show 12 --json")]
pub struct ShowArgs {
    /// The entry id (from `candour list`)
    #[arg(value_name = "ID")]
    pub id: EntryId,
}

/// Runs `candour show`.
pub fn run(ctx: &mut Context, args: &ShowArgs) -> Result<(), CliError> {
    let (journal, key) = open_unlocked(ctx)?;
    let entry = journal.entry(&key, args.id)?;
    if ctx.ui.json {
        ctx.ui.json(&entry_full_json(&entry))?;
        return Ok(());
    }
    print(ctx, &entry)
}

/// Prints an entry for a person to read.
pub fn print(ctx: &mut Context, entry: &Entry) -> Result<(), CliError> {
    let p = &entry.payload;
    ctx.ui.line(paint(
        HEADING,
        format!(
            "Entry {} · {} · {}",
            entry.id,
            local_time(p.occurred_at),
            p.status
        ),
    ))?;
    if !p.tags.is_empty() {
        for tag in &p.tags {
            let evidence: Vec<String> = tag
                .evidence
                .iter()
                .map(|e| format!("\u{201c}{}\u{201d}", sanitize(&e.text)))
                .collect();
            let detail = match tag.source {
                TagSource::Manual => "added by you".to_owned(),
                TagSource::Auto if evidence.is_empty() => "automatic".to_owned(),
                TagSource::Auto => evidence.join(", "),
            };
            ctx.ui.line(format!(
                "  {:<22} {}",
                tag.category.as_str(),
                paint(DIM, detail)
            ))?;
        }
    }
    ctx.ui.line(format!("  route: {}", route_line(p.route)))?;
    for reason in &p.route_reasons {
        ctx.ui.line(format!("    - {}", sanitize(reason)))?;
    }
    ctx.ui.line("")?;
    ctx.ui.line(highlight(&p.text, entry))?;
    Ok(())
}

/// The text with every evidence span highlighted (colour only on terminals).
fn highlight(text: &str, entry: &Entry) -> String {
    let mut spans: Vec<(usize, usize)> = entry
        .payload
        .tags
        .iter()
        .flat_map(|t| t.evidence.iter().map(|e| (e.start, e.end)))
        .filter(|&(s, e)| {
            s < e && e <= text.len() && text.is_char_boundary(s) && text.is_char_boundary(e)
        })
        .collect();
    spans.sort_unstable();
    let mut out = String::with_capacity(text.len() + spans.len() * 16);
    let mut at = 0;
    for (start, end) in spans {
        if start < at {
            continue;
        }
        out.push_str(&sanitize(&text[at..start]));
        out.push_str(&paint(EVIDENCE, sanitize(&text[start..end])));
        at = end;
    }
    out.push_str(&sanitize(&text[at..]));
    out
}
