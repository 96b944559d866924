//! `candour export`: the supervision summary, a manager brief, an NMC reflective account,
//! or the full JSON export — redacted by default, optionally encrypted for hand-off.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use clap::{Args, ValueEnum};
use rayon::prelude::*;

use crate::cli::context::Context;
use crate::cli::error::{CliError, usage};
use crate::journal::records::{Action, Session};
use crate::journal::{Entry, Journal, Query};
use crate::model::{Audience, Counterpart, EntryId};
use crate::redact::Redactor;
use crate::report::json::{
    self as export_json, ExportedAction, ExportedEntry, ExportedSession, Header,
};
use crate::report::{self, Template, html, markdown};
use crate::vault::JournalKey;

use super::list::FilterArgs;
use super::open_unlocked;

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Markdown: readable anywhere, pasteable.
    Md,
    /// One self-contained HTML page, print-ready on A4.
    Html,
    /// The full-fidelity JSON export (the format `import` reads).
    Json,
}

/// Export a supervision summary, a manager brief or the full journal
///
/// By default: a Markdown summary for supervision of the entries since your last
/// supervision session, with identifiers (names, phone numbers, NHS numbers, dates of
/// birth, postcodes …) replaced by placeholders. Entries are included only when their
/// share level admits the audience (`candour share`), and private reflection sections
/// (feelings, unless shared) never appear. Files are written with mode 0600.
///
/// `--format json --all --no-redact` writes everything (the backup and transfer format
/// that `candour import` reads). `--encrypt-to age1…` writes an age file your supervisor
/// opens with `age -d -i their-key.txt`.
#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  candour export > summary.md
  candour export --format html --output supervision.html
  candour export --for manager --since last-manager --format html --output brief.html
  candour export --template nmc-reflective-account 12 --output account.md
  candour export --encrypt-to age1… --output summary.md.age
  candour export --format json --all --no-redact --output backup.json")]
pub struct ExportArgs {
    /// Entries to export (else the filters, else everything since the last session)
    #[arg(value_name = "ID")]
    pub ids: Vec<EntryId>,

    /// Who it is for
    #[arg(
        long = "for",
        value_enum,
        value_name = "AUDIENCE",
        default_value = "supervision"
    )]
    pub audience: Audience,

    /// The document: the summary for the audience, or the NMC reflective account form
    #[arg(long, value_enum, value_name = "TEMPLATE", default_value = "summary")]
    pub template: Template,

    /// md, html or json
    #[arg(long, value_enum, value_name = "FORMAT", default_value = "md")]
    pub format: Format,

    /// Write to FILE (mode 0600) instead of standard output
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Everything: every entry regardless of filters and share levels, with actions and sessions
    #[arg(long, conflicts_with_all = ["ids", "from", "to", "since", "contains", "category", "status", "route"])]
    pub all: bool,

    /// Leave identifiers in (the export may then identify people)
    #[arg(long)]
    pub no_redact: bool,

    /// Encrypt the export to this age recipient (repeatable)
    #[arg(long, value_name = "RECIPIENT")]
    pub encrypt_to: Vec<String>,

    /// Encrypt to every recipient listed in FILE (one age1… per line; # comments)
    #[arg(long, value_name = "FILE")]
    pub encrypt_to_file: Option<PathBuf>,

    /// With encryption: write ASCII-armored age (for pasting into an email)
    #[arg(long)]
    pub armor: bool,

    /// Which entries
    #[command(flatten)]
    pub filter: FilterArgs,
}

/// Runs `candour export`.
pub fn run(ctx: &mut Context, args: &ExportArgs) -> Result<(), CliError> {
    if args.template == Template::NmcReflectiveAccount && args.ids.is_empty() {
        return Err(usage(
            "the NMC reflective account is written for chosen entries: give their ids",
        ));
    }
    if args.template == Template::NmcReflectiveAccount && args.format == Format::Json {
        return Err(usage(
            "the NMC reflective account is a document: use --format md or html",
        ));
    }
    if !args.ids.is_empty() && has_filters(&args.filter) {
        return Err(usage("give entry ids or filters, not both"));
    }
    if args.armor && args.encrypt_to.is_empty() && args.encrypt_to_file.is_none() {
        return Err(usage("--armor goes with --encrypt-to or --encrypt-to-file"));
    }
    args.filter.check_dates(ctx)?;
    let recipients = recipients(args)?;
    if let Some(out) = &args.output {
        check_output(out)?;
    } else if !recipients.is_empty() && !args.armor && ctx.env.stdout_tty {
        return Err(usage(
            "refusing to print an encrypted (binary) file on the terminal; use --output FILE or --armor",
        ));
    }
    let taxonomy = ctx.taxonomy()?.clone();
    let (journal, key) = open_unlocked(ctx)?;
    let redactor = if args.no_redact {
        ctx.ui.warn(
            "--no-redact: this export keeps names and other identifiers; do not share it as it is",
        );
        None
    } else {
        Some(Redactor::new(&journal.names(&key)?))
    };
    let (query, from) = selection(ctx, args, &journal, &key)?;
    let mut writer = Output::open(args.output.as_deref(), &recipients, args.armor)?;
    let mut damaged = Vec::new();
    let source = Source {
        journal: &journal,
        key: &key,
        query: &query,
        from,
        redactor: redactor.as_ref(),
    };
    let summary_note = if args.format == Format::Json {
        write_json(ctx, args, &source, &mut writer, &mut damaged)?
    } else if args.ids.is_empty() && args.template == Template::Summary {
        write_document(ctx, args, &taxonomy, &source, &mut writer, &mut damaged)?
    } else {
        // Entries chosen by id: few, so built in one go.
        let mut entries = Vec::new();
        for id in &args.ids {
            entries.push(journal.entry(&key, *id)?);
        }
        let actions = journal.actions(&key)?;
        let sessions = journal.sessions(&key)?;
        let summary = report::build(&report::Input {
            taxonomy: &taxonomy,
            entries: &entries,
            actions: &actions,
            sessions: &sessions,
            audience: args.audience,
            template: args.template,
            redactor: redactor.as_ref(),
            from,
            now: ctx.now,
            include_unshared: true,
        });
        let text = match args.format {
            Format::Html => html::render(&summary),
            Format::Md | Format::Json => markdown::render(&summary),
        };
        writer.write_all(text.as_bytes())?;
        situations_note(summary.entries.len(), summary.withheld, args.audience)
    };
    writer.finish()?;
    if let Some(out) = &args.output {
        ctx.ui.note(format!(
            "Exported {summary_note} to {}{}.",
            out.display(),
            if recipients.is_empty() {
                String::new()
            } else {
                format!(
                    ", encrypted to {} recipient{}",
                    recipients.len(),
                    if recipients.len() == 1 { "" } else { "s" }
                )
            }
        ));
    }
    if !damaged.is_empty() {
        return Err(crate::error::Error::SomeEntriesDamaged { ids: damaged }.into());
    }
    Ok(())
}

/// What an export reads: the unlocked journal, the selection and the redactor.
#[derive(Clone, Copy)]
struct Source<'a> {
    journal: &'a Journal,
    key: &'a JournalKey,
    query: &'a Query,
    from: Option<chrono::DateTime<chrono::FixedOffset>>,
    redactor: Option<&'a Redactor>,
}

/// "3 situations (2 not shared with supervision left out)".
fn situations_note(shown: usize, withheld: usize, audience: Audience) -> String {
    let withheld = if withheld > 0 {
        format!(" ({withheld} not shared with {audience} left out)")
    } else {
        String::new()
    };
    format!(
        "{shown} situation{}{withheld}",
        if shown == 1 { "" } else { "s" }
    )
}

/// A Markdown or HTML summary of a period, written in two passes over the journal so
/// memory stays flat however many entries it covers: the first keeps an outline of each
/// entry (enough for the counts, patterns and the opening sections), the second renders
/// each entry in full and writes it out straight away. Both passes read the same
/// snapshot of the database, so they see the same entries.
fn write_document(
    ctx: &mut Context,
    args: &ExportArgs,
    taxonomy: &crate::taxonomy::Taxonomy,
    source: &Source<'_>,
    writer: &mut Output,
    damaged: &mut Vec<EntryId>,
) -> Result<String, CliError> {
    let Source {
        journal,
        key,
        query,
        from,
        redactor,
    } = *source;
    let actions = journal.actions(key)?;
    let sessions = journal.sessions(key)?;
    let input = report::Input {
        taxonomy,
        entries: &[],
        actions: &actions,
        sessions: &sessions,
        audience: args.audience,
        template: args.template,
        redactor,
        from,
        now: ctx.now,
        include_unshared: args.all,
    };
    let views = report::Views::new(&input);
    let total = journal.count()?;

    let mut candidates: Vec<Entry> = Vec::new();
    let mut outlines: Vec<report::SummaryEntry> = Vec::new();
    // The opening sections name each category's crossing note and each reference once,
    // so outlines keep them only where they first appear.
    let mut seen_categories = std::collections::HashSet::new();
    let mut seen_references = std::collections::HashSet::new();
    let bar = ctx.ui.progress(total, "Reading");
    journal.scan(
        key,
        query,
        &mut |batch| {
            bar.inc(batch.len() as u64);
            let shared: Vec<&Entry> = batch.iter().filter(|e| views.shares(e)).collect();
            for mut outline in views.outlines_of(&shared) {
                for c in &mut outline.categories {
                    if !seen_categories.insert(c.id.clone()) {
                        c.crossing = String::new();
                    }
                }
                outline
                    .prompts
                    .references
                    .retain(|r| seen_references.insert(r.clone()));
                outlines.push(outline);
            }
            candidates.extend(batch.iter().map(Entry::outline));
            Ok(())
        },
        &mut |id, _| damaged.push(id),
    )?;
    bar.finish_and_clear();
    let withheld = candidates.len() - outlines.len();
    let summary = views.summary(&candidates, outlines, withheld);
    drop(candidates);

    let html_page = args.format == Format::Html;
    let front = if html_page {
        let chart = html::chart(&summary);
        let mut page = html::page_head(&summary);
        page.push_str(&html::fragment(&markdown::render_front(
            &summary,
            chart.as_deref(),
        )));
        page
    } else {
        markdown::render_front(&summary, None)
    };
    writer.write_all(front.as_bytes())?;

    let bar = ctx.ui.progress(total, "Writing");
    let mut next = 1;
    journal.scan(
        key,
        query,
        &mut |batch| {
            bar.inc(batch.len() as u64);
            let shared: Vec<&Entry> = batch.iter().filter(|e| views.shares(e)).collect();
            // A few hundred entries at a time, each viewed and rendered on any core (an
            // entry's section is whole blocks, so it renders the same on its own).
            for chunk in shared.chunks(256) {
                let texts: Vec<String> = chunk
                    .par_iter()
                    .enumerate()
                    .map(|(i, e)| {
                        let view = [views.view(e)];
                        let text = markdown::render_entries(args.audience, next + i, &view);
                        if html_page {
                            html::fragment(&text)
                        } else {
                            text
                        }
                    })
                    .collect();
                next += chunk.len();
                for text in texts {
                    writer.write_all(text.as_bytes())?;
                }
            }
            Ok(())
        },
        // Damaged entries were counted in the first pass.
        &mut |_, _| {},
    )?;
    bar.finish_and_clear();

    let mut end = markdown::render_end(&summary);
    if html_page {
        end = html::fragment(&end);
        end.push_str(&html::page_foot(&summary));
    }
    writer.write_all(end.as_bytes())?;
    Ok(situations_note(
        summary.entries.len(),
        summary.withheld,
        args.audience,
    ))
}

fn has_filters(f: &FilterArgs) -> bool {
    f.from.is_some()
        || f.to.is_some()
        || f.since.is_some()
        || f.contains.is_some()
        || f.category.is_some()
        || f.status.is_some()
        || f.route.is_some()
}

/// The query and the start of the period. With no ids and no filters: everything since
/// the last session with this audience (or everything, if there was none).
fn selection(
    ctx: &mut Context,
    args: &ExportArgs,
    journal: &Journal,
    key: &JournalKey,
) -> Result<(Query, Option<chrono::DateTime<chrono::FixedOffset>>), CliError> {
    if args.all || !args.ids.is_empty() {
        return Ok((Query::default(), None));
    }
    let mut filter = args.filter.clone();
    if !has_filters(&filter) {
        filter.since = Some(
            match args.audience {
                Audience::Supervision => "last-supervision",
                Audience::Manager => "last-manager",
            }
            .to_owned(),
        );
        let counterpart = match args.audience {
            Audience::Supervision => Counterpart::Supervisor,
            Audience::Manager => Counterpart::Manager,
        };
        if journal.last_session(key, counterpart)?.is_none() {
            filter.since = None;
        }
    }
    let query = filter.to_query(ctx, journal, key)?;
    let from = query.from.map(|f| f.with_timezone(ctx.now.offset()));
    Ok((query, from))
}

fn write_json(
    ctx: &mut Context,
    args: &ExportArgs,
    source: &Source<'_>,
    writer: &mut Output,
    damaged: &mut Vec<EntryId>,
) -> Result<String, CliError> {
    let Source {
        journal,
        key,
        query,
        from,
        redactor,
    } = *source;
    let header = Header {
        format: export_json::FORMAT.to_owned(),
        version: export_json::VERSION,
        exported_at: ctx.now,
        candour: env!("CARGO_PKG_VERSION").to_owned(),
        complete: args.all,
        redacted: redactor.is_some(),
        audience: (!args.all).then_some(args.audience),
        from,
        to: Some(ctx.now),
    };
    let needed = args.audience.required_share();
    let include_unshared = args.all || !args.ids.is_empty();
    let mut doc = export_json::Writer::begin(&mut *writer, &header)?;
    let mut written: std::collections::HashSet<uuid::Uuid> = std::collections::HashSet::new();
    let mut count = 0usize;
    let mut withheld = 0usize;
    let mut emit = |doc: &mut export_json::Writer<&mut Output>,
                    entry: Entry|
     -> Result<(), crate::error::Error> {
        if !include_unshared && entry.payload.effective_share() < needed {
            withheld += 1;
            return Ok(());
        }
        let mut payload = entry.payload;
        if !args.all {
            // A filtered export carries only what the audience may see.
            if let Some(r) = &mut payload.reflection {
                r.sections.retain(|s| s.shared);
            }
        }
        if let Some(redactor) = redactor {
            export_json::redact_payload(&mut payload, redactor);
        }
        written.insert(payload.uuid);
        count += 1;
        doc.entry(&ExportedEntry {
            id: entry.id,
            updated_at: entry.updated_at,
            payload,
        })
        .map_err(crate::error::Error::from)
    };
    if args.ids.is_empty() {
        let bar = ctx.ui.progress(journal.count()?, "Exporting");
        journal.scan(
            key,
            query,
            &mut |batch| {
                bar.inc(batch.len() as u64);
                batch.into_iter().try_for_each(|e| emit(&mut doc, e))
            },
            &mut |id, _| damaged.push(id),
        )?;
        bar.finish_and_clear();
    } else {
        for id in &args.ids {
            emit(&mut doc, journal.entry(key, *id)?)?;
        }
    }
    let actions: Vec<ExportedAction> = journal
        .actions(key)?
        .into_iter()
        .filter(|a| written.contains(&a.payload.entry_uuid))
        .map(|a: Action| {
            let mut payload = a.payload;
            if let Some(r) = redactor {
                payload.text = r.redact(&payload.text);
            }
            ExportedAction { id: a.id, payload }
        })
        .collect();
    let sessions: Vec<ExportedSession> = if args.all {
        journal
            .sessions(key)?
            .into_iter()
            .map(|s: Session| {
                let mut payload = s.payload;
                if let (Some(r), Some(note)) = (redactor, &payload.note) {
                    payload.note = Some(r.redact(note));
                }
                ExportedSession { id: s.id, payload }
            })
            .collect()
    } else {
        Vec::new()
    };
    doc.finish(&actions, &sessions)?;
    let withheld = if withheld > 0 {
        format!(" ({withheld} not shared with {} left out)", args.audience)
    } else {
        String::new()
    };
    Ok(format!(
        "{count} entr{}{withheld}",
        if count == 1 { "y" } else { "ies" }
    ))
}

fn recipients(args: &ExportArgs) -> Result<Vec<age::x25519::Recipient>, CliError> {
    let mut list = Vec::new();
    let parse = |text: &str, origin: &str| {
        age::x25519::Recipient::from_str(text.trim()).map_err(|_| {
            usage(format!(
                "{origin}: {:?} is not an age recipient (age1…)",
                text.trim()
            ))
        })
    };
    for r in &args.encrypt_to {
        list.push(parse(r, "--encrypt-to")?);
    }
    if let Some(path) = &args.encrypt_to_file {
        let text = fs::read_to_string(path).map_err(|source| CliError::ReadFile {
            what: "recipients file",
            path: path.display().to_string(),
            source,
        })?;
        let before = list.len();
        for line in text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
        {
            list.push(parse(line, &path.display().to_string())?);
        }
        if list.len() == before {
            return Err(usage(format!("{} lists no recipients", path.display())));
        }
    }
    Ok(list)
}

fn check_output(path: &Path) -> Result<(), CliError> {
    if path.is_dir() {
        return Err(usage(format!(
            "{} is a directory; give a file name",
            path.display()
        )));
    }
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !parent.is_dir() {
        return Err(usage(format!(
            "the directory {} does not exist",
            parent.display()
        )));
    }
    Ok(())
}

/// Where the export goes: stdout, or a private (0600) temp file renamed into place once
/// complete — optionally through age encryption.
struct Output {
    sink: Sink,
    /// The temp file and its final name, when writing to a file.
    pending: Option<(PathBuf, PathBuf)>,
}

enum Sink {
    Plain(Box<dyn Write>),
    Encrypted(age::stream::StreamWriter<age::armor::ArmoredWriter<Box<dyn Write>>>),
    Closed,
}

impl Output {
    fn open(
        path: Option<&Path>,
        recipients: &[age::x25519::Recipient],
        armor: bool,
    ) -> Result<Output, CliError> {
        let mut pending = None;
        let base: Box<dyn Write> = match path {
            Some(target) => {
                let dir = target
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .unwrap_or(Path::new("."));
                let name = target
                    .file_name()
                    .map_or_else(|| "export".into(), |n| n.to_string_lossy());
                let temp = dir.join(format!(".{name}.candour-{}.tmp", std::process::id()));
                let file = OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .mode(0o600)
                    .open(&temp)
                    .map_err(|source| CliError::WriteFile {
                        what: "export",
                        path: target.display().to_string(),
                        source,
                    })?;
                pending = Some((temp, target.to_owned()));
                Box::new(io::BufWriter::new(file))
            }
            None => Box::new(io::BufWriter::new(io::stdout())),
        };
        let mut output = Output {
            sink: Sink::Plain(base),
            pending,
        };
        if recipients.is_empty() {
            return Ok(output);
        }
        let Sink::Plain(base) = std::mem::replace(&mut output.sink, Sink::Closed) else {
            unreachable!("the sink was just made plain");
        };
        let format = if armor {
            age::armor::Format::AsciiArmor
        } else {
            age::armor::Format::Binary
        };
        let armored = age::armor::ArmoredWriter::wrap_output(base, format)?;
        let encryptor =
            age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient))
                .map_err(|_| usage("cannot encrypt to these recipients"))?;
        output.sink = Sink::Encrypted(encryptor.wrap_output(armored)?);
        Ok(output)
    }

    fn finish(&mut self) -> Result<(), CliError> {
        match std::mem::replace(&mut self.sink, Sink::Closed) {
            Sink::Plain(mut w) => w.flush()?,
            Sink::Encrypted(w) => w.finish()?.finish()?.flush()?,
            Sink::Closed => {}
        }
        if let Some((temp, target)) = self.pending.take() {
            fs::rename(&temp, &target).map_err(|source| CliError::WriteFile {
                what: "export",
                path: target.display().to_string(),
                source,
            })?;
        }
        Ok(())
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.sink {
            Sink::Plain(w) => w.write(buf),
            Sink::Encrypted(w) => w.write(buf),
            Sink::Closed => Err(io::Error::other("export already finished")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.sink {
            Sink::Plain(w) => w.flush(),
            Sink::Encrypted(w) => w.flush(),
            Sink::Closed => Ok(()),
        }
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        // An export that failed half-way leaves no partial file behind.
        if let Some((temp, _)) = self.pending.take() {
            let _ = fs::remove_file(temp);
        }
    }
}
