//! `candour edit`: change an entry's text or date.

use clap::Args;

use crate::cli::context::Context;
use crate::cli::editor;
use crate::cli::error::{CliError, usage};
use crate::journal::tagging;
use crate::model::EntryId;

use super::{entry_full_json, open_unlocked, parse_occurred, read_stdin_text};

/// Change an entry's text or date
///
/// With --text the text is replaced; with neither --text nor --at the text is read from
/// standard input when it is not a terminal, else opened in your editor.
#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  candour edit 12                       # opens your editor
  candour edit 12 --text \"A family offered a gift card; I declined.\"
  candour edit 12 --at \"2026-11-20 14:00\"")]
pub struct EditArgs {
    /// The entry id
    #[arg(value_name = "ID")]
    pub id: EntryId,

    /// Replace the text with TEXT
    #[arg(long, value_name = "TEXT")]
    pub text: Option<String>,

    /// Change when it happened
    #[arg(long, value_name = "WHEN")]
    pub at: Option<String>,

    /// Edit in your editor even when standard input is not a terminal
    #[arg(short, long, conflicts_with = "text")]
    pub editor: bool,
}

/// Runs `candour edit`.
pub fn run(ctx: &mut Context, args: &EditArgs) -> Result<(), CliError> {
    let at = args
        .at
        .as_deref()
        .map(|w| parse_occurred(ctx, "--at", w))
        .transpose()?;
    let (mut journal, key) = open_unlocked(ctx)?;
    let current = journal.entry(&key, args.id)?;
    let new_text = match (&args.text, at) {
        (Some(text), _) => Some(text.clone()),
        _ if args.editor => Some(editor::edit(&ctx.env, &current.payload.text)?.to_string()),
        (None, Some(_)) => None,
        (None, None) if !ctx.env.stdin_tty => Some(read_stdin_text()?.to_string()),
        (None, None) => Some(editor::edit(&ctx.env, &current.payload.text)?.to_string()),
    };
    let new_text = new_text.map(|t| t.trim().to_owned());
    if new_text.as_deref().is_some_and(str::is_empty) {
        return Err(usage(format!(
            "the new text is empty; entry {} was not changed (use `candour delete` to remove it)",
            args.id
        )));
    }
    let text_changed = new_text
        .as_deref()
        .is_some_and(|t| t != current.payload.text);
    let date_changed = at.is_some_and(|a| a != current.payload.occurred_at);
    if !text_changed && !date_changed {
        ctx.ui.note(format!("Entry {} is unchanged.", args.id));
        if ctx.ui.json {
            ctx.ui.json(&entry_full_json(&current))?;
        }
        return Ok(());
    }
    let now = ctx.now_utc();
    let taxonomy = ctx.taxonomy()?.clone();
    let (entry, ()) = journal.update(&key, args.id, now, |payload| {
        if let Some(text) = new_text.filter(|_| text_changed) {
            payload.text = text;
            payload.edited_at.push(now);
            // New words, new evidence: automatic tags and the route follow the text.
            let auto = payload.auto_tag;
            tagging::retag(payload, &taxonomy, auto);
        }
        if let Some(at) = at {
            payload.occurred_at = at;
        }
        Ok(())
    })?;
    if ctx.ui.json {
        ctx.ui.json(&entry_full_json(&entry))?;
    } else {
        ctx.ui.line(format!("Updated entry {}.", entry.id))?;
    }
    Ok(())
}
