//! `candour add`: write down a dilemma. Never asks for the passphrase.

use chrono::{DateTime, FixedOffset};
use clap::Args;

use crate::cli::context::Context;
use crate::cli::editor;
use crate::cli::error::{CliError, usage};
use crate::cli::ui::{DIM, paint};
use crate::error::Error;
use crate::journal::tagging;
use crate::journal::{Entry, Journal};
use crate::model::{CategoryId, Payload};
use crate::redact::{Redactor, WarningKind};
use crate::taxonomy::Taxonomy;

use super::tags::route_line;
use super::{entry_full_json, local_time, parse_occurred, read_stdin_text};

/// Write down a dilemma (never asks for the passphrase)
///
/// The text comes from the arguments, else from standard input when it is not a
/// terminal, else from your editor ($VISUAL or $EDITOR). The entry is encrypted to the
/// journal's public key, so no passphrase is needed. Its title is the first sentence.
///
/// Tip: use pseudonyms ("Patient A", "Mrs P") rather than names.
#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  candour add \"Patient on bay B gave me his personal number as I was moving hospital.\"
  candour add --at \"yesterday 15:00\" \"A relative offered me a £20 note.\"
  candour add --at \"last Friday\" < notes.txt
  candour add                      # opens your editor")]
pub struct AddArgs {
    /// The dilemma, in your own words (quotes optional)
    #[arg(value_name = "TEXT")]
    pub text: Vec<String>,

    /// When it happened: "yesterday 15:00", "3 days ago", "last Friday", 2026-11-20 [default: now]
    #[arg(long, value_name = "WHEN")]
    pub at: Option<String>,

    /// Write the text in your editor even when standard input is not a terminal
    /// (for graphical editors such as `code --wait`)
    #[arg(short, long, conflicts_with = "text")]
    pub editor: bool,

    /// Tag with this category by hand (repeat, or separate with commas; see `candour categories`)
    #[arg(long = "tag", value_name = "CATEGORY", value_delimiter = ',')]
    pub tags: Vec<CategoryId>,

    /// Do not tag automatically (now or when the text is edited later)
    #[arg(long)]
    pub no_auto_tag: bool,

    /// Replace identifiers (phone numbers, emails, NHS numbers, postcodes, dates of birth,
    /// "Mrs Patel"-style names, bed numbers) with placeholders before saving
    #[arg(long)]
    pub redact: bool,
}

/// Runs `candour add`.
pub fn run(ctx: &mut Context, args: &AddArgs) -> Result<(), CliError> {
    let occurred_at = match &args.at {
        Some(when) => parse_occurred(ctx, "--at", when)?,
        None => ctx.now,
    };
    let taxonomy = ctx.taxonomy()?.clone();
    for id in &args.tags {
        taxonomy.check_category(id).map_err(usage)?;
    }
    // Compiling the cue patterns and loading the learned lexicon are most of an add's
    // work; they run on other cores while the journal is opened and the text is read and
    // checked for identifiers.
    std::thread::scope(|scope| {
        scope.spawn(|| taxonomy.matcher().len());
        if !args.no_auto_tag {
            scope.spawn(|| taxonomy.lexicon().is_some());
        }
        add_entry(ctx, args, &taxonomy, occurred_at)
    })
}

/// The rest of `add`, once the taxonomy is chosen.
fn add_entry(
    ctx: &mut Context,
    args: &AddArgs,
    taxonomy: &Taxonomy,
    occurred_at: DateTime<FixedOffset>,
) -> Result<(), CliError> {
    // The journal is opened before any text is read, so a missing journal never costs
    // the user what they typed.
    let mut journal = match Journal::open(&ctx.settings.journal_dir) {
        Ok(journal) => journal,
        Err(Error::NoJournal { .. }) if ctx.env.stdin_tty && !ctx.ui.json => offer_init(ctx)?,
        Err(e) => return Err(e.into()),
    };
    let mut text = gather_text(ctx, args)?;
    let redactor = Redactor::new(&[]);
    if args.redact {
        let found = redactor.find(&text).len();
        text = redactor.redact(&text);
        if found > 0 {
            ctx.ui.note(format!(
                "Masked {found} identifier{} before saving.",
                if found == 1 { "" } else { "s" }
            ));
        }
    } else {
        warn_identifiers(ctx, &redactor, &text);
    }
    let now = ctx.now_utc();
    let mut payload = Payload::new(text, occurred_at, now);
    payload.auto_tag = !args.no_auto_tag;
    // Manual tags first, so re-tagging keeps them; re-tagging then sets the route.
    tagging::edit_tags(&mut payload, &args.tags, &[]);
    let auto = payload.auto_tag;
    tagging::retag(&mut payload, taxonomy, auto);
    let id = journal.add(&payload, now)?;
    let entry = Entry {
        id,
        updated_at: now,
        payload,
    };
    report(ctx, &entry)
}

fn gather_text(ctx: &mut Context, args: &AddArgs) -> Result<String, CliError> {
    let text = if !args.text.is_empty() {
        args.text.join(" ")
    } else if !ctx.env.stdin_tty && !args.editor {
        read_stdin_text()?.to_string()
    } else {
        if ctx.env.stderr_tty {
            ctx.ui
                .note("Opening your editor; save and close it to add the entry.");
        }
        editor::edit(&ctx.env, "")?.to_string()
    };
    let text = text.trim();
    if text.is_empty() {
        return Err(usage("nothing to add: the entry text is empty"));
    }
    Ok(text.to_owned())
}

/// Names the kinds of identifier in `text` (never the identifiers themselves).
fn warn_identifiers(ctx: &mut Context, redactor: &Redactor, text: &str) {
    let mut kinds: Vec<&str> = Vec::new();
    for finding in redactor.find(text) {
        let label = finding.kind.label();
        if !kinds.contains(&label) {
            kinds.push(label);
        }
    }
    for warning in redactor.warnings(text) {
        let label = match warning.kind {
            WarningKind::ExactAge => "exact age",
            WarningKind::NamedPlace => "named place",
        };
        if !kinds.contains(&label) {
            kinds.push(label);
        }
    }
    if !kinds.is_empty() {
        ctx.ui.warn(format!(
            "this entry contains identifying details ({}); it is stored encrypted and exports redact \
             identifiers, but pseudonyms (\"Patient A\") are safer. `candour add --redact` masks them before saving.",
            kinds.join(", ")
        ));
    }
}

fn offer_init(ctx: &mut Context) -> Result<Journal, CliError> {
    let dir = ctx.settings.journal_dir.display().to_string();
    let create = dialoguer::Confirm::new()
        .with_prompt(format!("There is no journal at {dir} yet. Create one now?"))
        .default(true)
        .interact()
        .map_err(|e| CliError::Io(std::io::Error::other(e)))?;
    if !create {
        return Err(CliError::Cancelled(format!(
            "no journal at {dir}; nothing was added (run `candour init` when ready)"
        )));
    }
    super::init::create(ctx, None, None)
}

fn report(ctx: &mut Context, entry: &Entry) -> Result<(), CliError> {
    if ctx.ui.json {
        ctx.ui.json(&entry_full_json(entry))?;
        return Ok(());
    }
    let p = &entry.payload;
    ctx.ui.line(format!(
        "Added entry {} {}",
        entry.id,
        paint(DIM, format!("({})", local_time(p.occurred_at)))
    ))?;
    if p.tags.is_empty() {
        ctx.ui.line(format!(
            "  no category recognised · route: {}",
            route_line(p.route)
        ))?;
    } else {
        let categories: Vec<&str> = p.category_ids().map(CategoryId::as_str).collect();
        ctx.ui.line(format!(
            "  {} · route: {}",
            categories.join(", "),
            route_line(p.route)
        ))?;
    }
    Ok(())
}
