//! Supervision summaries: what a supervisor or manager actually sees.
//!
//! [`build`] turns decrypted entries into a [`Summary`]: only entries whose share level
//! admits the audience, only reflection sections the user shared, and — unless the user
//! explicitly asked otherwise — every piece of text passed through the redactor, so the
//! summary identifies no one. The renderers ([`markdown`], [`html`]) only lay it out;
//! [`json`] is the full-fidelity export and import format.
//!
//! Pure: entries in, text out. Nothing here touches the disk.

pub mod html;
pub mod json;
pub mod markdown;

use std::collections::HashMap;
use std::sync::RwLock;

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use crate::journal::Entry;
use crate::journal::records::{Action, Session};
use crate::model::{Audience, CategoryId, DilemmaRecord, EntryId, Route, ShareLevel, Status};
use crate::prompts::{self, Prompts};
use crate::redact::Redactor;
use crate::review;
use crate::taxonomy::Taxonomy;
use rayon::prelude::*;

/// Which document to produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Template {
    /// The summary for the audience (supervision agenda or manager brief).
    Summary,
    /// The NMC revalidation reflective account form, one per entry.
    NmcReflectiveAccount,
}

/// The NMC Code's four themes.
pub const NMC_THEMES: [&str; 4] = [
    "Prioritise people",
    "Practise effectively",
    "Preserve safety",
    "Promote professionalism and trust",
];

/// A category as it appears in a summary.
#[derive(Debug, Clone, Serialize)]
pub struct SummaryCategory {
    /// The id.
    pub id: CategoryId,
    /// Display name.
    pub name: String,
    /// The words that suggested it (redacted).
    pub evidence: Vec<String>,
    /// The crossing-versus-violation note.
    pub crossing: String,
    /// Local policies to look at.
    pub policies: Vec<String>,
    /// NMC Code themes it relates to.
    pub nmc_themes: Vec<String>,
}

/// A shared reflection section.
#[derive(Debug, Clone, Serialize)]
pub struct SummarySection {
    /// Section id (`so-what` …).
    pub id: String,
    /// Heading.
    pub heading: String,
    /// Text (redacted).
    pub text: String,
}

/// An open action.
#[derive(Debug, Clone, Serialize)]
pub struct SummaryAction {
    /// Action id.
    pub id: i64,
    /// The entry it belongs to.
    pub entry: EntryId,
    /// What to do (redacted).
    pub text: String,
    /// When due.
    pub due: Option<DateTime<FixedOffset>>,
    /// Done yet?
    pub done: bool,
}

/// One situation in the summary.
#[derive(Debug, Clone, Serialize)]
pub struct SummaryEntry {
    /// Entry id.
    pub id: EntryId,
    /// When it happened.
    pub occurred_at: DateTime<FixedOffset>,
    /// Title (redacted).
    pub title: String,
    /// The rest of the text (redacted).
    pub body: String,
    /// Categories with evidence.
    pub categories: Vec<SummaryCategory>,
    /// Route.
    pub route: Route,
    /// Status.
    pub status: Status,
    /// Share level.
    pub share: ShareLevel,
    /// Shared reflection sections.
    pub reflection: Vec<SummarySection>,
    /// The dilemma record (redacted).
    pub record: DilemmaRecord,
    /// Open actions.
    pub actions: Vec<SummaryAction>,
    /// Prompts for this audience.
    pub prompts: Prompts,
}

/// The last session with this audience and what came of it.
#[derive(Debug, Clone, Serialize)]
pub struct LastSession {
    /// When it was held.
    pub held_at: DateTime<FixedOffset>,
    /// What was agreed (redacted).
    pub note: Option<String>,
    /// Actions on the entries discussed then.
    pub follow_ups: Vec<SummaryAction>,
}

/// A summary ready to render.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Supervision or manager.
    pub audience: Audience,
    /// Which document.
    pub template: Template,
    /// When it was made.
    pub generated_at: DateTime<FixedOffset>,
    /// Start of the period, if bounded.
    pub from: Option<DateTime<FixedOffset>>,
    /// End of the period.
    pub to: DateTime<FixedOffset>,
    /// Whether identifiers were redacted.
    pub redacted: bool,
    /// The situations, oldest first.
    pub entries: Vec<SummaryEntry>,
    /// Entries per category in the period, most first.
    pub counts: Vec<(CategoryId, String, usize)>,
    /// Patterns worth raising.
    pub patterns: Vec<String>,
    /// The last session with this audience.
    pub last_session: Option<LastSession>,
    /// Entries left out because they are private to the user (or shared less widely).
    pub withheld: usize,
}

/// Everything [`build`] needs.
pub struct Input<'a> {
    /// The taxonomy (names, notes, prompts).
    pub taxonomy: &'a Taxonomy,
    /// Candidate entries (already filtered by date, category, status).
    pub entries: &'a [Entry],
    /// Every action.
    pub actions: &'a [Action],
    /// Every session.
    pub sessions: &'a [Session],
    /// The audience.
    pub audience: Audience,
    /// Summary or NMC account.
    pub template: Template,
    /// `None` to leave text as written (`--no-redact`).
    pub redactor: Option<&'a Redactor>,
    /// The period shown in the heading.
    pub from: Option<DateTime<FixedOffset>>,
    /// "Now".
    pub now: DateTime<FixedOffset>,
    /// Ignore share levels (the user chose the entries by id for their own document).
    pub include_unshared: bool,
}

/// Builds a summary: share levels honoured, private sections left out, text redacted.
pub fn build(input: &Input<'_>) -> Summary {
    let views = Views::new(input);
    let mut shared: Vec<&Entry> = input.entries.iter().filter(|e| views.shares(e)).collect();
    shared.sort_by_key(|e| (e.payload.occurred_at, e.id));
    let entries = views.of(&shared);
    let withheld = input.entries.len() - shared.len();
    views.summary(input.entries, entries, withheld)
}

/// What turns entries into their summary views: the audience, the redactor and each
/// entry's actions. A long summary is built in two passes over the journal (see
/// [`SummaryEntry::outline`]), so this is kept apart from any one list of entries.
pub struct Views<'a> {
    input: &'a Input<'a>,
    actions_of: HashMap<EntryId, Vec<Action>>,
    /// Prompts repeat across entries (they come from the taxonomy), so each distinct
    /// prompt is redacted once.
    redacted_prompts: RwLock<HashMap<String, String>>,
}

impl<'a> Views<'a> {
    /// Prepares views for `input` (its `entries` are not read here).
    pub fn new(input: &'a Input<'a>) -> Views<'a> {
        // Each entry's actions, looked up once rather than by scanning every action.
        let mut actions_of: HashMap<EntryId, Vec<Action>> = HashMap::new();
        for a in input.actions {
            actions_of.entry(a.entry_id).or_default().push(a.clone());
        }
        Views {
            input,
            actions_of,
            redacted_prompts: RwLock::new(HashMap::new()),
        }
    }

    /// True when `entry` is shared with this audience (or the user chose it by id).
    pub fn shares(&self, entry: &Entry) -> bool {
        self.input.include_unshared
            || entry.payload.effective_share() >= self.input.audience.required_share()
    }

    fn redact(&self, text: &str) -> String {
        match self.input.redactor {
            Some(r) => r.redact(text),
            None => text.to_owned(),
        }
    }

    fn redact_prompt(&self, prompt: &str) -> String {
        if self.input.redactor.is_none() {
            return prompt.to_owned();
        }
        let known = self
            .redacted_prompts
            .read()
            .ok()
            .and_then(|cache| cache.get(prompt).cloned());
        if let Some(done) = known {
            return done;
        }
        let done = self.redact(prompt);
        if let Ok(mut cache) = self.redacted_prompts.write() {
            cache.insert(prompt.to_owned(), done.clone());
        }
        done
    }

    fn action_view(&self, a: &Action) -> SummaryAction {
        SummaryAction {
            id: a.id,
            entry: a.entry_id,
            text: self.redact(&a.payload.text),
            due: a.payload.due,
            done: !a.is_open(),
        }
    }

    /// The views of `entries`, in the order given. Redaction is most of the work for a
    /// long summary, so they are built on all cores.
    pub fn of(&self, entries: &[&Entry]) -> Vec<SummaryEntry> {
        entries.par_iter().map(|e| self.view(e)).collect()
    }

    /// The outlines of `entries` ([`SummaryEntry::outline`]), without building or
    /// redacting the parts an outline drops (body, evidence, prompts).
    pub fn outlines_of(&self, entries: &[&Entry]) -> Vec<SummaryEntry> {
        entries.par_iter().map(|e| self.outline_view(e)).collect()
    }

    fn outline_view(&self, e: &Entry) -> SummaryEntry {
        let mut light = e.outline();
        e.payload.title().clone_into(&mut light.payload.text);
        light.payload.reflection = e.payload.reflection.as_ref().map(|r| {
            let mut r = r.clone();
            r.sections
                .retain(|s| FEELINGS_SECTIONS.contains(&s.id.as_str()));
            r
        });
        self.view_with(&light, false).outline()
    }

    /// The view of one entry.
    pub fn view(&self, e: &Entry) -> SummaryEntry {
        self.view_with(e, true)
    }

    /// The view of one entry; unless `full`, its prompts are only their references.
    fn view_with(&self, e: &Entry, full: bool) -> SummaryEntry {
        let input = self.input;
        let redact = |text: &str| self.redact(text);
        let p = &e.payload;
        let categories = p
            .tags
            .iter()
            .map(|t| {
                let spec = input.taxonomy.category(&t.category).map(|c| &c.spec);
                SummaryCategory {
                    id: t.category.clone(),
                    name: spec.map_or_else(|| t.category.to_string(), |s| s.name.clone()),
                    evidence: t.evidence.iter().map(|ev| redact(&ev.text)).collect(),
                    crossing: spec
                        .map(|s| s.crossing.trim().to_owned())
                        .unwrap_or_default(),
                    policies: spec.map(|s| s.policies.clone()).unwrap_or_default(),
                    nmc_themes: spec.map(|s| s.nmc_themes.clone()).unwrap_or_default(),
                }
            })
            .collect();
        let reflection = p
            .reflection
            .iter()
            .flat_map(|r| r.sections.iter())
            .filter(|s| s.shared)
            .map(|s| SummarySection {
                id: s.id.clone(),
                heading: s.heading.clone(),
                text: redact(&s.text),
            })
            .collect();
        let record = DilemmaRecord {
            initiated_by: p.record.initiated_by,
            what_i_did: p.record.what_i_did.as_deref().map(redact),
            who_i_told: p.record.who_i_told.as_deref().map(redact),
            outcome: p.record.outcome.as_deref().map(redact),
        };
        let own_actions = self.actions_of.get(&e.id).map_or(&[][..], Vec::as_slice);
        let model = crate::model::ReflectiveModel::Rolfe;
        let mut prompts = if full {
            prompts::for_entry(input.taxonomy, e, own_actions, input.audience, model)
        } else {
            Prompts {
                audience: input.audience,
                model,
                sections: Vec::new(),
                references: prompts::references(input.taxonomy, e),
            }
        };
        for section in &mut prompts.sections {
            for prompt in &mut section.prompts {
                *prompt = self.redact_prompt(prompt);
            }
        }
        SummaryEntry {
            id: e.id,
            occurred_at: p.occurred_at,
            title: redact(p.title()),
            body: redact(p.body()),
            categories,
            route: p.route,
            status: p.status,
            share: p.effective_share(),
            reflection,
            record,
            actions: own_actions
                .iter()
                .filter(|a| a.is_open())
                .map(|a| self.action_view(a))
                .collect(),
            prompts,
        }
    }

    /// The summary of `entries` (the shared views, oldest first), with counts, patterns
    /// and the last session worked out from `candidates` (every entry in the period,
    /// shared or not; [`Entry::outline`] copies are enough).
    pub fn summary(
        &self,
        candidates: &[Entry],
        entries: Vec<SummaryEntry>,
        withheld: usize,
    ) -> Summary {
        let input = self.input;
        let mut counts: Vec<(CategoryId, String, usize)> = Vec::new();
        for e in &entries {
            for c in &e.categories {
                match counts.iter_mut().find(|(id, _, _)| *id == c.id) {
                    Some(row) => row.2 += 1,
                    None => counts.push((c.id.clone(), c.name.clone(), 1)),
                }
            }
        }
        counts.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));

        let shared: Vec<&Entry> = candidates.iter().filter(|e| self.shares(e)).collect();
        let patterns = review::patterns(
            input.taxonomy,
            &shared,
            input.now.with_timezone(&chrono::Utc),
        )
        .into_iter()
        .map(|p| p.message)
        .collect();

        let counterpart = match input.audience {
            Audience::Supervision => crate::model::Counterpart::Supervisor,
            Audience::Manager => crate::model::Counterpart::Manager,
        };
        let last_session = input
            .sessions
            .iter()
            .filter(|s| s.payload.with == counterpart)
            .max_by_key(|s| (s.payload.held_at, s.id))
            .map(|s| {
                let discussed: Vec<EntryId> = candidates
                    .iter()
                    .filter(|e| s.payload.entries.contains(&e.payload.uuid))
                    .map(|e| e.id)
                    .collect();
                LastSession {
                    held_at: s.payload.held_at,
                    note: s.payload.note.as_deref().map(|n| self.redact(n)),
                    follow_ups: input
                        .actions
                        .iter()
                        .filter(|a| {
                            discussed.contains(&a.entry_id)
                                || s.payload.entries.contains(&a.payload.entry_uuid)
                        })
                        .map(|a| self.action_view(a))
                        .collect(),
                }
            });

        Summary {
            audience: input.audience,
            template: input.template,
            generated_at: input.now,
            from: input.from,
            to: input.now,
            redacted: input.redactor.is_some(),
            entries,
            counts,
            patterns,
            last_session,
            withheld,
        }
    }
}

impl SummaryEntry {
    /// What the opening sections of a summary need of this entry (date, title,
    /// categories, references, shared feelings), without the long parts that only its own
    /// section shows. A summary of a whole journal keeps outlines in a first pass and
    /// renders each entry in full in a second, so memory does not grow with the text.
    #[must_use]
    pub fn outline(mut self) -> SummaryEntry {
        self.body = String::new();
        for c in &mut self.categories {
            c.evidence = Vec::new();
            c.policies = Vec::new();
            c.nmc_themes = Vec::new();
        }
        self.reflection
            .retain(|s| FEELINGS_SECTIONS.contains(&s.id.as_str()));
        self.record = DilemmaRecord::default();
        self.actions = Vec::new();
        self.prompts.sections = Vec::new();
        self
    }
}

/// Reflection sections that hold feelings, in the order a summary looks for them.
pub const FEELINGS_SECTIONS: [&str; 3] = ["feelings", "looking-in", "personal"];

/// The NMC Code themes an entry relates to: its categories' themes, else professionalism.
pub fn nmc_themes(entry: &SummaryEntry) -> Vec<&'static str> {
    let mut themes: Vec<&'static str> = NMC_THEMES
        .iter()
        .copied()
        .filter(|theme| {
            entry
                .categories
                .iter()
                .any(|c| c.nmc_themes.iter().any(|t| t == theme))
        })
        .collect();
    if themes.is_empty() {
        themes.push(NMC_THEMES[3]);
    }
    themes
}

/// The text of the first shared reflection section among `ids`.
pub fn section_text<'a>(entry: &'a SummaryEntry, ids: &[&str]) -> Option<&'a str> {
    ids.iter().find_map(|id| {
        entry
            .reflection
            .iter()
            .find(|s| s.id == *id)
            .map(|s| s.text.as_str())
    })
}

/// The whole situation text (title and body).
pub fn full_text(entry: &SummaryEntry) -> String {
    if entry.body.is_empty() {
        entry.title.clone()
    } else {
        format!("{} {}", entry.title, entry.body)
    }
}
