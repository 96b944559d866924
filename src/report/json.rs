//! The full-fidelity JSON export: a documented, versioned format that `import` reads back.
//!
//! The document (schema: `schema/export.schema.json`) is one object:
//!
//! ```json
//! { "format": "candour-export", "version": 1, "exported_at": "…", "candour": "0.1.0",
//!   "complete": true, "redacted": false, "audience": null, "from": null, "to": "…",
//!   "entries":  [ { "id": 1, "updated_at": "…", …every payload field… } ],
//!   "actions":  [ { "id": 1, "entry_uuid": "…", "text": "…", … } ],
//!   "sessions": [ { "id": 1, "with": "supervisor", "held_at": "…", "entries": ["uuid"], … } ] }
//! ```
//!
//! Entries carry every field of the encrypted payload (text, tags with evidence and byte
//! spans, removed tags, route and reasons, status history, share level, reflection,
//! dilemma record, edits). `complete` is true for `--all` (everything, regardless of
//! share level). Entries are written one at a time, so a large journal is streamed, never
//! held in memory as a whole document.

use std::io::{self, Write};

use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};

use crate::journal::records::{ActionPayload, SessionPayload};
use crate::model::{Audience, EntryId, Evidence, Payload};
use crate::redact::Redactor;

/// The value of `format`.
pub const FORMAT: &str = "candour-export";
/// The version this build writes and the newest it reads.
pub const VERSION: u32 = 1;

/// Everything in the document except the three lists.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Header {
    /// Always [`FORMAT`].
    pub format: String,
    /// [`VERSION`].
    pub version: u32,
    /// When it was written.
    pub exported_at: DateTime<FixedOffset>,
    /// The candour version that wrote it.
    #[serde(default)]
    pub candour: String,
    /// Everything in the journal (`--all`), regardless of share levels.
    #[serde(default)]
    pub complete: bool,
    /// Identifiers were replaced with placeholders.
    #[serde(default)]
    pub redacted: bool,
    /// The audience the export was filtered for.
    #[serde(default)]
    pub audience: Option<Audience>,
    /// Start of the period.
    #[serde(default)]
    pub from: Option<DateTime<FixedOffset>>,
    /// End of the period.
    #[serde(default)]
    pub to: Option<DateTime<FixedOffset>>,
}

/// An entry in the export.
#[derive(Clone, Serialize, Deserialize)]
pub struct ExportedEntry {
    /// Its id in the exporting journal (informational; ids are reassigned on import).
    pub id: EntryId,
    /// When the row last changed.
    pub updated_at: DateTime<Utc>,
    /// Every payload field.
    #[serde(flatten)]
    pub payload: Payload,
}

/// An action in the export.
#[derive(Clone, Serialize, Deserialize)]
pub struct ExportedAction {
    /// Its id in the exporting journal.
    pub id: i64,
    /// Every payload field.
    #[serde(flatten)]
    pub payload: ActionPayload,
}

/// A session in the export.
#[derive(Clone, Serialize, Deserialize)]
pub struct ExportedSession {
    /// Its id in the exporting journal.
    pub id: i64,
    /// Every payload field.
    #[serde(flatten)]
    pub payload: SessionPayload,
}

/// A whole document, as read by `import`.
#[derive(Clone, Serialize, Deserialize)]
pub struct Document {
    /// The header fields.
    #[serde(flatten)]
    pub header: Header,
    /// Entries.
    #[serde(default)]
    pub entries: Vec<ExportedEntry>,
    /// Actions.
    #[serde(default)]
    pub actions: Vec<ExportedAction>,
    /// Sessions.
    #[serde(default)]
    pub sessions: Vec<ExportedSession>,
}

/// Writes a document entry by entry.
pub struct Writer<W: Write> {
    out: W,
    entries: usize,
}

impl<W: Write> Writer<W> {
    /// Starts the document: the header, then the opening of the entries list.
    pub fn begin(mut out: W, header: &Header) -> io::Result<Writer<W>> {
        let mut head = serde_json::to_string(header).map_err(io::Error::from)?;
        head.pop(); // the closing brace: the lists follow
        out.write_all(head.as_bytes())?;
        out.write_all(b",\"entries\":[")?;
        Ok(Writer { out, entries: 0 })
    }

    /// Writes one entry.
    pub fn entry(&mut self, entry: &ExportedEntry) -> io::Result<()> {
        if self.entries > 0 {
            self.out.write_all(b",")?;
        }
        self.out.write_all(b"\n")?;
        serde_json::to_writer(&mut self.out, entry).map_err(io::Error::from)?;
        self.entries += 1;
        Ok(())
    }

    /// Writes the actions and sessions and closes the document.
    pub fn finish(
        mut self,
        actions: &[ExportedAction],
        sessions: &[ExportedSession],
    ) -> io::Result<W> {
        self.out.write_all(b"\n],\"actions\":")?;
        serde_json::to_writer(&mut self.out, actions).map_err(io::Error::from)?;
        self.out.write_all(b",\"sessions\":")?;
        serde_json::to_writer(&mut self.out, sessions).map_err(io::Error::from)?;
        self.out.write_all(b"}\n")?;
        self.out.flush()?;
        Ok(self.out)
    }
}

/// Replaces identifiers in every piece of text a payload holds. Evidence spans are
/// re-found in the redacted text; evidence that no longer occurs is dropped.
pub fn redact_payload(payload: &mut Payload, redactor: &Redactor) {
    payload.text = redactor.redact(&payload.text);
    for tag in &mut payload.tags {
        let mut kept: Vec<Evidence> = Vec::new();
        for e in &tag.evidence {
            let text = redactor.redact(&e.text);
            if let Some(start) = payload.text.find(&text) {
                kept.push(Evidence {
                    end: start + text.len(),
                    start,
                    text,
                });
            }
        }
        tag.evidence = kept;
    }
    for reason in &mut payload.route_reasons {
        *reason = redactor.redact(reason);
    }
    for change in &mut payload.history {
        if let Some(note) = &change.note {
            change.note = Some(redactor.redact(note));
        }
    }
    if let Some(reflection) = &mut payload.reflection {
        for section in &mut reflection.sections {
            section.text = redactor.redact(&section.text);
        }
    }
    let r = &mut payload.record;
    for field in [&mut r.what_i_did, &mut r.who_i_told, &mut r.outcome] {
        if let Some(text) = field.as_deref() {
            *field = Some(redactor.redact(text));
        }
    }
}
