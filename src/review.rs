//! Review: entries grouped by category, and the patterns worth calling out.
//!
//! Pure functions of decrypted entries, actions and an explicit `now`, so pattern
//! detection is tested against a fixed clock.
//!
//! Patterns:
//! - **recurring**: the same category three or more times within 90 days
//!   ("3rd gifts-hospitality dilemma in 90 days");
//! - **waiting**: an entry marked `to-discuss` more than 28 days ago and not yet discussed;
//! - **not yet raised**: an entry whose route needs a line manager (or escalation) still
//!   `new` after 7 days (2 days for escalate).

use std::borrow::Borrow;
use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::journal::Entry;
use crate::journal::records::Action;
use crate::model::{CategoryId, EntryId, Route, Status};
use crate::taxonomy::Taxonomy;

/// How far back recurring categories are counted.
pub const RECURRING_WINDOW_DAYS: i64 = 90;
/// How many entries in the window make a pattern.
pub const RECURRING_MIN: usize = 3;
/// How long `to-discuss` may wait before it is called out.
pub const WAITING_DAYS: i64 = 28;

/// One entry in a review group.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    /// Entry id.
    pub id: EntryId,
    /// When it happened.
    pub occurred_at: String,
    /// Its title.
    pub title: String,
    /// Its route.
    pub route: Route,
    /// Its status.
    pub status: Status,
    /// Its effective share level.
    pub share: crate::model::ShareLevel,
    /// Open actions.
    pub open_actions: usize,
    /// Open actions past their due date.
    pub overdue_actions: usize,
}

/// Entries under one category (or none).
#[derive(Debug, Clone, Serialize)]
pub struct Group {
    /// The category, or `None` for entries without one.
    pub category: Option<CategoryId>,
    /// Its display name.
    pub name: String,
    /// How many entries.
    pub count: usize,
    /// The entries, newest first.
    pub entries: Vec<Item>,
}

/// What kind of pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PatternKind {
    /// A category keeps coming back.
    Recurring,
    /// An entry has waited long to be discussed.
    Waiting,
    /// An entry that needs a manager has not been raised.
    NotRaised,
}

/// A pattern worth raising.
#[derive(Debug, Clone, Serialize)]
pub struct Pattern {
    /// What kind.
    pub kind: PatternKind,
    /// The category, for recurring patterns.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<CategoryId>,
    /// The entries involved.
    pub entries: Vec<EntryId>,
    /// In words.
    pub message: String,
}

/// The whole review.
#[derive(Debug, Clone, Serialize)]
pub struct Review {
    /// Entries reviewed.
    pub total: usize,
    /// Counts per status.
    pub by_status: BTreeMap<String, usize>,
    /// Counts per route.
    pub by_route: BTreeMap<String, usize>,
    /// Groups in taxonomy order, uncategorised last.
    pub groups: Vec<Group>,
    /// Patterns worth raising.
    pub patterns: Vec<Pattern>,
}

/// Builds a review of `entries`; `context` is what pattern detection looks at (usually
/// the same entries plus everything from the last 90 days).
pub fn build(
    taxonomy: &Taxonomy,
    entries: &[Entry],
    context: &[Entry],
    actions: &[Action],
    now: DateTime<Utc>,
) -> Review {
    let mut by_status = BTreeMap::new();
    let mut by_route = BTreeMap::new();
    for e in entries {
        *by_status
            .entry(e.payload.status.as_str().to_owned())
            .or_insert(0) += 1;
        *by_route
            .entry(e.payload.route.as_str().to_owned())
            .or_insert(0) += 1;
    }
    let item = |e: &Entry| {
        let mine: Vec<&Action> = actions
            .iter()
            .filter(|a| a.entry_id == e.id && a.is_open())
            .collect();
        Item {
            id: e.id,
            occurred_at: e.payload.occurred_at.to_rfc3339(),
            title: e.payload.title().to_owned(),
            route: e.payload.route,
            status: e.payload.status,
            share: e.payload.effective_share(),
            open_actions: mine.len(),
            overdue_actions: mine.iter().filter(|a| a.is_overdue(now)).count(),
        }
    };
    let mut groups = Vec::new();
    let mut known: Vec<&CategoryId> = Vec::new();
    for category in &taxonomy.categories {
        known.push(&category.id);
        let members: Vec<Item> = entries
            .iter()
            .filter(|e| e.payload.has_category(&category.id))
            .map(item)
            .collect();
        if !members.is_empty() {
            groups.push(Group {
                category: Some(category.id.clone()),
                name: category.spec.name.clone(),
                count: members.len(),
                entries: members,
            });
        }
    }
    // Categories from another taxonomy still show, under their ids.
    let mut foreign: Vec<CategoryId> = entries
        .iter()
        .flat_map(|e| e.payload.category_ids().cloned())
        .filter(|id| !known.contains(&id))
        .collect();
    foreign.sort();
    foreign.dedup();
    for id in foreign {
        let members: Vec<Item> = entries
            .iter()
            .filter(|e| e.payload.has_category(&id))
            .map(item)
            .collect();
        groups.push(Group {
            name: id.to_string(),
            category: Some(id),
            count: members.len(),
            entries: members,
        });
    }
    let untagged: Vec<Item> = entries
        .iter()
        .filter(|e| e.payload.tags.is_empty())
        .map(item)
        .collect();
    if !untagged.is_empty() {
        groups.push(Group {
            category: None,
            name: "No category".to_owned(),
            count: untagged.len(),
            entries: untagged,
        });
    }
    Review {
        total: entries.len(),
        by_status,
        by_route,
        groups,
        patterns: patterns(taxonomy, context, now),
    }
}

/// The patterns in `entries` as of `now`.
pub fn patterns<E: Borrow<Entry>>(
    taxonomy: &Taxonomy,
    entries: &[E],
    now: DateTime<Utc>,
) -> Vec<Pattern> {
    let entries: Vec<&Entry> = entries.iter().map(Borrow::borrow).collect();
    let mut found = Vec::new();
    let window_start = now - Duration::days(RECURRING_WINDOW_DAYS);
    let mut ids: Vec<CategoryId> = taxonomy.categories.iter().map(|c| c.id.clone()).collect();
    for e in &entries {
        for id in e.payload.category_ids() {
            if !ids.contains(id) {
                ids.push(id.clone());
            }
        }
    }
    for id in ids {
        let mut recent: Vec<&Entry> = entries
            .iter()
            .copied()
            .filter(|e| e.payload.has_category(&id))
            .filter(|e| {
                let at = e.payload.occurred_at.with_timezone(&Utc);
                at >= window_start && at <= now
            })
            .collect();
        if recent.len() >= RECURRING_MIN {
            recent.sort_by_key(|e| e.payload.occurred_at);
            found.push(Pattern {
                kind: PatternKind::Recurring,
                category: Some(id.clone()),
                entries: recent.iter().map(|e| e.id).collect(),
                message: format!(
                    "{} {id} dilemma in {RECURRING_WINDOW_DAYS} days (entries {}): worth raising as a pattern",
                    ordinal(recent.len()),
                    join_ids(recent.iter().map(|e| e.id))
                ),
            });
        }
    }
    let mut sorted = entries;
    sorted.sort_by_key(|e| e.id);
    for e in sorted {
        let since = e.payload.status_since();
        let days = (now - since).num_days();
        match e.payload.status {
            Status::ToDiscuss if days > WAITING_DAYS => found.push(Pattern {
                kind: PatternKind::Waiting,
                category: None,
                entries: vec![e.id],
                message: format!(
                    "entry {} has been waiting {days} days to be discussed",
                    e.id
                ),
            }),
            Status::New if needs_raising(e.payload.route, days) => found.push(Pattern {
                kind: PatternKind::NotRaised,
                category: None,
                entries: vec![e.id],
                message: format!(
                    "entry {} needs {} and is still new after {days} days",
                    e.id,
                    if e.payload.route == Route::Escalate {
                        "reporting the same day"
                    } else {
                        "a line-manager conversation"
                    }
                ),
            }),
            _ => {}
        }
    }
    found
}

fn needs_raising(route: Route, days: i64) -> bool {
    match route {
        Route::Escalate => days >= 2,
        Route::LineManager => days >= 7,
        Route::Reflect | Route::Supervision => false,
    }
}

fn join_ids(ids: impl Iterator<Item = EntryId>) -> String {
    ids.map(|id| id.to_string()).collect::<Vec<_>>().join(", ")
}

/// 1st, 2nd, 3rd, 4th … 11th, 12th, 13th … 21st.
pub fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Payload, Tag, TagSource};

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-25T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn entry(id: i64, days_ago: i64, category: &str) -> Entry {
        let at = (now() - Duration::days(days_ago)).fixed_offset();
        let mut payload =
            Payload::new(format!("Entry {id}."), at, now() - Duration::days(days_ago));
        payload.tags.push(Tag {
            category: category.parse().unwrap(),
            source: TagSource::Auto,
            confidence: Some(0.9),
            evidence: vec![],
        });
        Entry {
            id: EntryId(id),
            updated_at: now(),
            payload,
        }
    }

    #[test]
    fn ordinals() {
        let got: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111]
            .iter()
            .map(|&n| ordinal(n))
            .collect();
        assert_eq!(
            got,
            [
                "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd",
                "101st", "111th"
            ]
        );
    }

    #[test]
    fn a_category_three_times_in_ninety_days_is_a_pattern() {
        let t = Taxonomy::builtin();
        let entries = vec![
            entry(1, 80, "gifts-hospitality"),
            entry(2, 30, "gifts-hospitality"),
            entry(3, 1, "gifts-hospitality"),
        ];
        let p = patterns(t, &entries, now());
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].kind, PatternKind::Recurring);
        assert!(
            p[0].message
                .starts_with("3rd gifts-hospitality dilemma in 90 days"),
            "{}",
            p[0].message
        );
    }

    #[test]
    fn the_ninety_day_window_is_strict() {
        let t = Taxonomy::builtin();
        let entries = vec![
            entry(1, 91, "gifts-hospitality"),
            entry(2, 30, "gifts-hospitality"),
            entry(3, 1, "gifts-hospitality"),
        ];
        assert!(
            patterns(t, &entries, now())
                .iter()
                .all(|p| p.kind != PatternKind::Recurring)
        );
        let entries = vec![
            entry(1, 90, "gifts-hospitality"),
            entry(2, 30, "gifts-hospitality"),
            entry(3, 1, "gifts-hospitality"),
        ];
        assert!(
            patterns(t, &entries, now())
                .iter()
                .any(|p| p.kind == PatternKind::Recurring)
        );
    }

    #[test]
    fn long_waits_and_unraised_entries_are_called_out() {
        let t = Taxonomy::builtin();
        let mut waiting = entry(1, 40, "self-disclosure");
        waiting
            .payload
            .set_status(Status::ToDiscuss, now() - Duration::days(35), None, None);
        let mut fresh = entry(2, 5, "self-disclosure");
        fresh
            .payload
            .set_status(Status::ToDiscuss, now() - Duration::days(3), None, None);
        let mut unraised = entry(3, 10, "personal-contact");
        unraised.payload.route = Route::LineManager;
        let p = patterns(t, &[waiting, fresh, unraised], now());
        let messages: Vec<&str> = p.iter().map(|p| p.message.as_str()).collect();
        assert!(
            messages.contains(&"entry 1 has been waiting 35 days to be discussed"),
            "{messages:?}"
        );
        assert!(
            messages
                .iter()
                .any(|m| m.starts_with("entry 3 needs a line-manager conversation")),
            "{messages:?}"
        );
        assert_eq!(p.len(), 2);
    }
}
