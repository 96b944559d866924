//! Plain domain types shared by every layer: ids, statuses, routes, tags and the
//! entry payload that is encrypted at rest.
//!
//! ## What is secret
//! [`Payload`] holds everything a person wrote and is only ever stored inside an age
//! file. Its `Debug` prints lengths and counts, never content, so a stray `{:?}` in
//! an error or a log cannot leak an entry.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The version of [`Payload`] this build writes. Older payloads are read and upgraded
/// on the next write; newer ones are refused rather than silently truncated.
///
/// History: 1 — text, tags, route, status; 2 — share level, reflection, dilemma record,
/// and `with` on status changes.
pub const PAYLOAD_VERSION: u32 = 2;

/// The integer id of an entry, shown to users (`candour show 12`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EntryId(pub i64);

impl fmt::Display for EntryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl FromStr for EntryId {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let trimmed = s.trim().trim_start_matches('#');
        match trimmed.parse::<i64>() {
            Ok(n) if n > 0 => Ok(EntryId(n)),
            _ => Err(format!(
                "{s:?} is not an entry id; ids are positive numbers, as shown by `candour list`"
            )),
        }
    }
}

/// The id of a boundary category in the taxonomy (`personal-contact`).
///
/// Validated on construction: lower-case ASCII letters, digits and single hyphens.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CategoryId(String);

impl CategoryId {
    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CategoryId {
    type Error = String;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        let valid = !s.is_empty()
            && s.len() <= 64
            && !s.starts_with('-')
            && !s.ends_with('-')
            && !s.contains("--")
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if valid {
            Ok(CategoryId(s))
        } else {
            Err(format!(
                "{s:?} is not a category id; ids are lower-case words joined by hyphens, see `candour categories`"
            ))
        }
    }
}

impl FromStr for CategoryId {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CategoryId::try_from(s.trim().to_owned())
    }
}

impl From<CategoryId> for String {
    fn from(id: CategoryId) -> Self {
        id.0
    }
}

impl fmt::Display for CategoryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where an entry stands in the review lifecycle.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Just written down.
    #[default]
    New,
    /// To bring to the next supervision or manager conversation.
    ToDiscuss,
    /// Talked through with a supervisor or manager.
    Discussed,
    /// Nothing left to do.
    Resolved,
}

impl Status {
    /// The kebab-case spelling used on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::ToDiscuss => "to-discuss",
            Status::Discussed => "discussed",
            Status::Resolved => "resolved",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who should hear about a dilemma, from least to most urgent.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "kebab-case")]
pub enum Route {
    /// Fine to note and reflect on alone.
    #[default]
    Reflect,
    /// Bring to clinical supervision.
    Supervision,
    /// Needs a declaration, a policy decision or an action: tell the line manager.
    LineManager,
    /// Report the same day (safeguarding, manager on duty, Freedom to Speak Up, police).
    Escalate,
}

impl Route {
    /// The kebab-case spelling used in the taxonomy, on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Route::Reflect => "reflect",
            Route::Supervision => "supervision",
            Route::LineManager => "line-manager",
            Route::Escalate => "escalate",
        }
    }

    /// True when someone beyond supervision needs to know (`line-manager` or `escalate`).
    pub fn needs_escalation(self) -> bool {
        self >= Route::LineManager
    }

    /// One level up, never past `ceiling`.
    #[must_use]
    pub fn raised(self, ceiling: Route) -> Route {
        let next = match self {
            Route::Reflect => Route::Supervision,
            Route::Supervision => Route::LineManager,
            Route::LineManager | Route::Escalate => Route::Escalate,
        };
        if self >= ceiling {
            self
        } else {
            next.min(ceiling)
        }
    }

    /// A short phrase for people ("bring to supervision").
    pub fn advice(self) -> &'static str {
        match self {
            Route::Reflect => "reflect on it; fine to note alone",
            Route::Supervision => "bring it to clinical supervision",
            Route::LineManager => "tell your line manager (and bring it to supervision)",
            Route::Escalate => {
                "report it today: safeguarding lead, manager on duty or Freedom to Speak Up"
            }
        }
    }
}

impl FromStr for Route {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "reflect" => Ok(Route::Reflect),
            "supervision" => Ok(Route::Supervision),
            "line-manager" => Ok(Route::LineManager),
            "escalate" => Ok(Route::Escalate),
            other => Err(format!(
                "{other:?} is not a route; use reflect, supervision, line-manager or escalate"
            )),
        }
    }
}

impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a tag came from the tagger or from the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TagSource {
    /// Found by the tagger, with evidence.
    Auto,
    /// Added by hand (`--tag`, `candour tag --add`).
    Manual,
}

/// The words in an entry that made the tagger choose a category.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// Exactly the input between `start` and `end`.
    pub text: String,
    /// Byte offset of the first byte in the entry text.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
}

impl fmt::Debug for Evidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Evidence({}..{})", self.start, self.end)
    }
}

/// A boundary category attached to an entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tag {
    /// The category id.
    pub category: CategoryId,
    /// Tagger or user.
    pub source: TagSource,
    /// The tagger's confidence, 0–1 (absent for manual tags).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
    /// The words that triggered an automatic tag.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
}

/// Who a conversation was with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Counterpart {
    /// A clinical supervisor.
    Supervisor,
    /// A line manager.
    Manager,
}

impl Counterpart {
    /// The spelling on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Counterpart::Supervisor => "supervisor",
            Counterpart::Manager => "manager",
        }
    }

    /// The conversation this counterpart holds.
    pub fn audience(self) -> Audience {
        match self {
            Counterpart::Supervisor => Audience::Supervision,
            Counterpart::Manager => Audience::Manager,
        }
    }
}

impl fmt::Display for Counterpart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which conversation prompts and exports are for.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum,
)]
#[serde(rename_all = "kebab-case")]
pub enum Audience {
    /// Clinical supervision: reflective, supervisee-led.
    #[default]
    Supervision,
    /// A line-manager conversation: factual and action-focused.
    Manager,
}

impl Audience {
    /// The spelling on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Supervision => "supervision",
            Audience::Manager => "manager",
        }
    }

    /// The share level an entry needs to be included for this audience.
    pub fn required_share(self) -> ShareLevel {
        match self {
            Audience::Supervision => ShareLevel::Supervision,
            Audience::Manager => ShareLevel::Manager,
        }
    }
}

impl fmt::Display for Audience {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who may see an entry in exports, from most to least private. Each level includes the
/// ones before it: an entry shared with a manager is also shared with supervision.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "kebab-case")]
pub enum ShareLevel {
    /// Only you.
    Private,
    /// You and your clinical supervisor.
    Supervision,
    /// You, your supervisor and your line manager.
    Manager,
}

impl ShareLevel {
    /// The spelling on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ShareLevel::Private => "private",
            ShareLevel::Supervision => "supervision",
            ShareLevel::Manager => "manager",
        }
    }

    /// The default for an entry with this route: a reflect-only dilemma stays private,
    /// a supervision one is for supervision, anything a manager should hear is shareable
    /// with the manager.
    pub fn for_route(route: Route) -> ShareLevel {
        match route {
            Route::Reflect => ShareLevel::Private,
            Route::Supervision => ShareLevel::Supervision,
            Route::LineManager | Route::Escalate => ShareLevel::Manager,
        }
    }
}

impl fmt::Display for ShareLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The reflective models candour structures reflections with.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum,
)]
#[serde(rename_all = "kebab-case")]
pub enum ReflectiveModel {
    /// Rolfe, Freshwater and Jasper: What? So what? Now what?
    #[default]
    Rolfe,
    /// Gibbs' reflective cycle.
    Gibbs,
    /// Driscoll's What? So what? Now what? with supervision trigger questions.
    Driscoll,
    /// Johns' model for structured reflection.
    Johns,
}

impl ReflectiveModel {
    /// The spelling on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ReflectiveModel::Rolfe => "rolfe",
            ReflectiveModel::Gibbs => "gibbs",
            ReflectiveModel::Driscoll => "driscoll",
            ReflectiveModel::Johns => "johns",
        }
    }
}

/// One answered section of a structured reflection.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct ReflectionSection {
    /// A stable id (`what`, `so-what`, `feelings` …).
    pub id: String,
    /// The heading it was written under.
    pub heading: String,
    /// The answer.
    pub text: String,
    /// Whether exports may include it (feelings are private until shared).
    pub shared: bool,
}

impl fmt::Debug for ReflectionSection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReflectionSection")
            .field("id", &self.id)
            .field("text_len", &self.text.len())
            .field("shared", &self.shared)
            .finish_non_exhaustive()
    }
}

/// A structured reflection on an entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reflection {
    /// The model last used.
    pub model: ReflectiveModel,
    /// The answers, in the model's order.
    pub sections: Vec<ReflectionSection>,
    /// When it was last changed.
    pub updated_at: DateTime<Utc>,
}

/// Who started the situation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Initiator {
    /// The patient, service user or client.
    Patient,
    /// A relative or carer.
    Family,
    /// A colleague.
    Colleague,
    /// The practitioner.
    Me,
    /// Someone else.
    Other,
}

impl Initiator {
    /// The spelling on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Initiator::Patient => "patient",
            Initiator::Family => "family",
            Initiator::Colleague => "colleague",
            Initiator::Me => "me",
            Initiator::Other => "other",
        }
    }
}

/// The structured facts of a dilemma, filled in by the user when they wish.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DilemmaRecord {
    /// Who initiated it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initiated_by: Option<Initiator>,
    /// What the practitioner did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub what_i_did: Option<String>,
    /// Who the practitioner told.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub who_i_told: Option<String>,
    /// How it turned out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
}

impl fmt::Debug for DilemmaRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DilemmaRecord")
            .field("initiated_by", &self.initiated_by)
            .finish_non_exhaustive()
    }
}

impl DilemmaRecord {
    /// True when nothing has been filled in.
    pub fn is_empty(&self) -> bool {
        self.initiated_by.is_none()
            && self.what_i_did.is_none()
            && self.who_i_told.is_none()
            && self.outcome.is_none()
    }
}

/// One step of an entry's status history.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusChange {
    /// The new status.
    pub status: Status,
    /// When it was set.
    pub at: DateTime<Utc>,
    /// Who it was discussed with, if anyone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with: Option<Counterpart>,
    /// The user's note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl fmt::Debug for StatusChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StatusChange")
            .field("status", &self.status)
            .field("at", &self.at)
            .field("note_len", &self.note.as_ref().map(String::len))
            .finish_non_exhaustive()
    }
}

/// Everything about an entry that is encrypted: the plaintext of its age file, as JSON.
///
/// `uuid` and `occurred_at` repeat plaintext columns on purpose: after decryption they
/// are compared with the row, so a ciphertext moved to another row, or a row whose date
/// was edited outside candour, is reported as tampering.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct Payload {
    /// Format version of this payload ([`PAYLOAD_VERSION`] when written by this build).
    pub version: u32,
    /// The entry's stable identity across journals (import skips known uuids).
    pub uuid: Uuid,
    /// When the situation happened, with the user's UTC offset at the time.
    pub occurred_at: DateTime<FixedOffset>,
    /// When the entry was first written.
    pub created_at: DateTime<Utc>,
    /// The entry text exactly as written.
    pub text: String,
    /// Boundary categories, automatic and manual.
    #[serde(default)]
    pub tags: Vec<Tag>,
    /// Whether the tagger may tag this entry (off after `add --no-auto-tag`).
    #[serde(default = "default_true", skip_serializing_if = "is_true")]
    pub auto_tag: bool,
    /// Automatic tags the user removed; re-tagging never brings them back.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed_tags: Vec<CategoryId>,
    /// Who should hear about it.
    #[serde(default)]
    pub route: Route,
    /// Why the route is what it is (rule descriptions; never entry text).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub route_reasons: Vec<String>,
    /// Current review status.
    #[serde(default)]
    pub status: Status,
    /// Every status change, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<StatusChange>,
    /// When the text was edited, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub edited_at: Vec<DateTime<Utc>>,
    /// Starred (kept from jrnl imports; shown in lists).
    #[serde(default, skip_serializing_if = "is_false")]
    pub starred: bool,
    /// Who may see it in exports; `None` follows the route ([`ShareLevel::for_route`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<ShareLevel>,
    /// A structured reflection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reflection: Option<Reflection>,
    /// The structured facts of the dilemma.
    #[serde(default, skip_serializing_if = "DilemmaRecord::is_empty")]
    pub record: DilemmaRecord,
}

impl fmt::Debug for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Payload")
            .field("version", &self.version)
            .field("uuid", &self.uuid)
            .field("text_len", &self.text.len())
            .field("tags", &self.tags.len())
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

impl Payload {
    /// A copy that keeps the metadata (dates, tags, route, status and its history, share
    /// level) and drops what a person wrote: the text, the reflection and the record.
    /// Every field is named, so a new one has to be placed on one side or the other.
    #[must_use]
    pub fn clone_without_text(&self) -> Payload {
        Payload {
            version: self.version,
            uuid: self.uuid,
            occurred_at: self.occurred_at,
            created_at: self.created_at,
            text: String::new(),
            tags: self.tags.clone(),
            auto_tag: self.auto_tag,
            removed_tags: self.removed_tags.clone(),
            route: self.route,
            route_reasons: Vec::new(),
            status: self.status,
            history: self.history.clone(),
            edited_at: Vec::new(),
            starred: self.starred,
            share: self.share,
            reflection: None,
            record: DilemmaRecord::default(),
        }
    }

    /// A fresh payload for new text.
    pub fn new(text: String, occurred_at: DateTime<FixedOffset>, now: DateTime<Utc>) -> Self {
        Payload {
            version: PAYLOAD_VERSION,
            uuid: Uuid::new_v4(),
            occurred_at,
            created_at: now,
            text,
            tags: Vec::new(),
            auto_tag: true,
            removed_tags: Vec::new(),
            route: Route::Reflect,
            route_reasons: Vec::new(),
            status: Status::New,
            history: vec![StatusChange {
                status: Status::New,
                at: now,
                with: None,
                note: None,
            }],
            edited_at: Vec::new(),
            starred: false,
            share: None,
            reflection: None,
            record: DilemmaRecord::default(),
        }
    }

    /// Who may see the entry: the level set by the user, else the route's default.
    pub fn effective_share(&self) -> ShareLevel {
        self.share
            .unwrap_or_else(|| ShareLevel::for_route(self.route))
    }

    /// Sets the status, recording the change in the history.
    pub fn set_status(
        &mut self,
        status: Status,
        at: DateTime<Utc>,
        with: Option<Counterpart>,
        note: Option<String>,
    ) {
        self.status = status;
        self.history.push(StatusChange {
            status,
            at,
            with,
            note,
        });
    }

    /// When the current status was set (the last history step with it).
    pub fn status_since(&self) -> DateTime<Utc> {
        self.history
            .iter()
            .rev()
            .find(|c| c.status == self.status)
            .map_or(self.created_at, |c| c.at)
    }

    /// The title: the first sentence, like jrnl (up to `.`, `!` or `?` followed by a
    /// space, or the first line break), trimmed.
    pub fn title(&self) -> &str {
        split_title(&self.text).0
    }

    /// Everything after the title.
    pub fn body(&self) -> &str {
        split_title(&self.text).1
    }

    /// Category ids in the order they are stored.
    pub fn category_ids(&self) -> impl Iterator<Item = &CategoryId> {
        self.tags.iter().map(|tag| &tag.category)
    }

    /// True when the entry carries `category`.
    pub fn has_category(&self, category: &CategoryId) -> bool {
        self.category_ids().any(|c| c == category)
    }
}

fn default_true() -> bool {
    true
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if passes a reference
fn is_true(value: &bool) -> bool {
    *value
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if passes a reference
fn is_false(value: &bool) -> bool {
    !*value
}

/// Splits text into its first sentence and the rest.
pub fn split_title(text: &str) -> (&str, &str) {
    let text = text.trim();
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' {
            return (text[..i].trim_end(), text[i..].trim());
        }
        if matches!(b, b'.' | b'!' | b'?') && bytes.get(i + 1).is_none_or(u8::is_ascii_whitespace) {
            return (&text[..=i], text[i + 1..].trim());
        }
    }
    (text, "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_is_the_first_sentence() {
        assert_eq!(
            split_title("Gift from a family. They insisted."),
            ("Gift from a family.", "They insisted.")
        );
        assert_eq!(split_title("No full stop here"), ("No full stop here", ""));
        assert_eq!(
            split_title("Line one\nLine two."),
            ("Line one", "Line two.")
        );
        assert_eq!(split_title("Dr. Jones? No."), ("Dr.", "Jones? No."));
        assert_eq!(split_title("  padded text!  "), ("padded text!", ""));
        assert_eq!(
            split_title("3.5 hours on the ward. Tired."),
            ("3.5 hours on the ward.", "Tired.")
        );
    }

    #[test]
    fn category_ids_are_validated() {
        assert!("personal-contact".parse::<CategoryId>().is_ok());
        assert!("Personal".parse::<CategoryId>().is_err());
        assert!("a--b".parse::<CategoryId>().is_err());
        assert!("-a".parse::<CategoryId>().is_err());
        assert!("".parse::<CategoryId>().is_err());
    }

    #[test]
    fn routes_order_and_raise_with_a_ceiling() {
        assert!(Route::Reflect < Route::Escalate);
        assert_eq!(
            Route::Supervision.raised(Route::LineManager),
            Route::LineManager
        );
        assert_eq!(
            Route::LineManager.raised(Route::LineManager),
            Route::LineManager
        );
        assert_eq!(Route::Escalate.raised(Route::LineManager), Route::Escalate);
        assert!(Route::LineManager.needs_escalation());
        assert!(!Route::Supervision.needs_escalation());
    }

    #[test]
    fn debug_never_prints_entry_text() {
        let p = Payload::new(
            "CANARY secret words".into(),
            DateTime::parse_from_rfc3339("2026-01-01T10:00:00+00:00").unwrap(),
            DateTime::parse_from_rfc3339("2026-01-01T10:00:00Z")
                .unwrap()
                .with_timezone(&Utc),
        );
        assert!(!format!("{p:?}").contains("CANARY"));
    }

    #[test]
    fn entry_ids_parse_from_user_input() {
        assert_eq!("12".parse::<EntryId>(), Ok(EntryId(12)));
        assert_eq!("#12".parse::<EntryId>(), Ok(EntryId(12)));
        assert!("0".parse::<EntryId>().is_err());
        assert!("abc".parse::<EntryId>().is_err());
    }
}
