//! jrnl's JSON export (`jrnl --format json`, jrnl 2.x–4.x):
//!
//! ```json
//! { "tags": { "@work": 1 },
//!   "entries": [ { "title": "…", "body": "…", "date": "2026-10-03", "time": "14:20",
//!                  "tags": ["@work"], "starred": false } ] }
//! ```
//!
//! Each entry becomes a candour entry: text = title and body, occurred at date + time
//! in the user's time zone, `starred` kept, and each @tag kept as a manual tag (a tag
//! named like a category, such as `@gifts-hospitality`, becomes that category). The
//! uuid is derived from the content, so importing the same export twice adds nothing.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::Deserialize;
use uuid::Uuid;

use super::{ImportError, describe};
use crate::journal::import::Batch;
use crate::model::{CategoryId, Payload, Tag, TagSource};

/// The namespace for uuids of jrnl entries (a fixed, random uuid).
const NAMESPACE: Uuid = Uuid::from_u128(0x6f1c_2a9e_51d4_4b0c_9a6e_0c7d_3f5e_8b21);

#[derive(Debug, Deserialize)]
struct Export {
    /// jrnl always writes the tag counts; requiring them tells a jrnl export from other JSON.
    #[allow(dead_code)]
    tags: serde_json::Map<String, serde_json::Value>,
    entries: Vec<JrnlEntry>,
}

#[derive(Debug, Deserialize)]
struct JrnlEntry {
    title: String,
    #[serde(default)]
    body: String,
    date: String,
    #[serde(default)]
    time: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    starred: bool,
}

/// Reads a jrnl JSON export. `local` turns a wall-clock time into the user's offset.
pub fn parse(
    text: &str,
    local: &dyn Fn(NaiveDateTime) -> DateTime<FixedOffset>,
    now: DateTime<Utc>,
) -> Result<Batch, ImportError> {
    let export: Export =
        serde_json::from_str(text).map_err(|e| describe(&e, "a jrnl JSON export"))?;
    let mut batch = Batch::default();
    for (i, e) in export.entries.into_iter().enumerate() {
        let date = NaiveDate::parse_from_str(e.date.trim(), "%Y-%m-%d").map_err(|_| {
            ImportError::Unsupported(format!(
                "entry {} of the jrnl export has an unreadable date",
                i + 1
            ))
        })?;
        let time = e
            .time
            .as_deref()
            .map(|t| {
                NaiveTime::parse_from_str(t.trim(), "%H:%M")
                    .or_else(|_| NaiveTime::parse_from_str(t.trim(), "%H:%M:%S"))
            })
            .transpose()
            .map_err(|_| {
                ImportError::Unsupported(format!(
                    "entry {} of the jrnl export has an unreadable time",
                    i + 1
                ))
            })?
            .unwrap_or(NaiveTime::MIN);
        let title = e.title.trim();
        let body = e.body.trim();
        let text = match (title.is_empty(), body.is_empty()) {
            (_, true) => title.to_owned(),
            (true, false) => body.to_owned(),
            // jrnl's title is the first sentence; after one, a space reads naturally,
            // otherwise the title was a line of its own.
            (false, false) if title.ends_with(['.', '!', '?']) => format!("{title} {body}"),
            (false, false) => format!("{title}\n{body}"),
        };
        if text.is_empty() {
            continue;
        }
        let occurred_at = local(date.and_time(time));
        let uuid = Uuid::new_v5(
            &NAMESPACE,
            format!(
                "{}\u{1f}{}\u{1f}{}\u{1f}{}",
                e.date,
                e.time.unwrap_or_default(),
                title,
                body
            )
            .as_bytes(),
        );
        let mut payload = Payload::new(text, occurred_at, now);
        payload.uuid = uuid;
        payload.starred = e.starred;
        for tag in &e.tags {
            if let Some(id) = tag_id(tag)
                && !payload.has_category(&id)
            {
                payload.tags.push(Tag {
                    category: id,
                    source: TagSource::Manual,
                    confidence: None,
                    evidence: Vec::new(),
                });
            }
        }
        batch.entries.push((payload, now));
    }
    Ok(batch)
}

/// `@Gift_Policy` → `gift-policy`; `None` when nothing usable is left.
fn tag_id(tag: &str) -> Option<CategoryId> {
    let mut id = String::with_capacity(tag.len());
    for c in tag.trim_start_matches(['@', '#']).chars() {
        if c.is_ascii_alphanumeric() {
            id.push(c.to_ascii_lowercase());
        } else if !id.is_empty() && !id.ends_with('-') {
            id.push('-');
        }
    }
    let id = id
        .trim_end_matches('-')
        .chars()
        .take(64)
        .collect::<String>();
    CategoryId::try_from(id.trim_end_matches('-').to_owned()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_become_category_style_ids() {
        assert_eq!(tag_id("@Gift_Policy").unwrap().as_str(), "gift-policy");
        assert_eq!(
            tag_id("@gifts-hospitality").unwrap().as_str(),
            "gifts-hospitality"
        );
        assert_eq!(tag_id("#work").unwrap().as_str(), "work");
        assert!(tag_id("@").is_none());
        assert!(tag_id("@__").is_none());
    }
}
