//! `candour reflect`: a structured reflection on an entry.

use clap::Args;

use crate::cli::context::Context;
use crate::cli::editor;
use crate::cli::error::{CliError, usage};
use crate::model::{EntryId, ReflectiveModel};
use crate::reflection;

use super::{entry_full_json, open_unlocked};

/// Reflect on an entry with a reflective model
///
/// Opens your editor with the model's headings and cue questions, including questions
/// chosen for the entry's categories; your answers are stored (encrypted) as named
/// sections. Models: rolfe (What? So what? Now what? — the default), gibbs, driscoll,
/// johns. Feelings sections are private: exports leave them out unless you share them.
///
/// Without a terminal, set one section at a time with --section NAME --text TEXT.
#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  candour reflect 12
  candour reflect 12 --model gibbs
  candour reflect 12 --section so-what --text \"Keeping the number would serve me, not him.\"
  candour reflect 12 --section feelings --share      # include feelings in exports
  candour reflect 12 --section feelings --private")]
pub struct ReflectArgs {
    /// The entry id
    #[arg(value_name = "ID")]
    pub id: EntryId,

    /// The reflective model [default: the one used before, else rolfe]
    #[arg(long, value_enum, value_name = "MODEL")]
    pub model: Option<ReflectiveModel>,

    /// Set or change one section (its id or heading, e.g. so-what, feelings, action-plan)
    #[arg(long, value_name = "NAME")]
    pub section: Option<String>,

    /// The section's text (with --section)
    #[arg(long, value_name = "TEXT", requires = "section")]
    pub text: Option<String>,

    /// Let exports include this section (with --section)
    #[arg(long, requires = "section", conflicts_with = "private")]
    pub share: bool,

    /// Keep this section out of exports (with --section)
    #[arg(long, requires = "section")]
    pub private: bool,

    /// Use the editor even when standard input is not a terminal
    #[arg(short, long, conflicts_with = "section")]
    pub editor: bool,
}

/// Runs `candour reflect`.
pub fn run(ctx: &mut Context, args: &ReflectArgs) -> Result<(), CliError> {
    if args.section.is_none() && !ctx.env.stdin_tty && !args.editor {
        return Err(usage(
            "reflect opens your editor, which needs a terminal; use --section NAME --text TEXT instead (or --editor)",
        ));
    }
    if args.section.is_some() && args.text.is_none() && !args.share && !args.private {
        return Err(usage("--section needs --text TEXT, --share or --private"));
    }
    let text = super::optional_text(args.text.as_deref(), "--text")?;
    let taxonomy = ctx.taxonomy()?.clone();
    let (mut journal, key) = open_unlocked(ctx)?;
    let current = journal.entry(&key, args.id)?;
    let model = args
        .model
        .or_else(|| current.payload.reflection.as_ref().map(|r| r.model))
        .unwrap_or_default();
    let spec = reflection::spec(model);
    let now = ctx.now_utc();
    let updated = if let Some(name) = &args.section {
        let section = spec.section(name).ok_or_else(|| {
            usage(format!(
                "{name:?} is not a section of {}; use one of: {}",
                model.as_str(),
                spec.section_ids().join(", ")
            ))
        })?;
        let shared = if args.share {
            Some(true)
        } else if args.private {
            Some(false)
        } else {
            None
        };
        reflection::set_section(
            current.payload.reflection.as_ref(),
            model,
            section,
            text.as_deref(),
            shared,
            now,
        )
    } else {
        let label = format!(
            "entry {} ({})",
            current.id,
            current.payload.occurred_at.format("%Y-%m-%d")
        );
        let template = reflection::template(&taxonomy, &current.payload, &label, model);
        let edited = editor::edit(&ctx.env, &template)?;
        reflection::parse(&edited, model, current.payload.reflection.as_ref(), now)
            .map_err(|e| usage(e.to_string()))?
    };
    let (entry, ()) = journal.update(&key, args.id, now, |payload| {
        payload.reflection = Some(updated);
        Ok(())
    })?;
    if ctx.ui.json {
        ctx.ui.json(&entry_full_json(&entry))?;
        return Ok(());
    }
    let r = entry.payload.reflection.as_ref();
    let sections = r.map_or(0, |r| r.sections.len());
    let private: Vec<&str> = r
        .map(|r| {
            r.sections
                .iter()
                .filter(|s| !s.shared)
                .map(|s| s.id.as_str())
                .collect()
        })
        .unwrap_or_default();
    ctx.ui.line(format!(
        "Saved the reflection on entry {} ({}, {sections} section{}){}",
        entry.id,
        model.as_str(),
        if sections == 1 { "" } else { "s" },
        if private.is_empty() {
            ".".to_owned()
        } else {
            format!("; private: {}.", private.join(", "))
        }
    ))?;
    Ok(())
}
