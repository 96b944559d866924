//! Listing entries: select by plaintext dates first, decrypt only what is needed.
//!
//! Without a content filter, `-n 5` reads and decrypts exactly five rows. With one
//! (`--contains`, `--category`, `--status`), rows are read newest first in batches and
//! decrypted in parallel, stopping as soon as the limit is filled.

use chrono::{DateTime, Utc};

use super::{Entry, Journal};
use crate::error::Error;
use crate::model::{CategoryId, EntryId, Route, Status};
use crate::store::{RowFilter, Store};
use crate::vault::JournalKey;

/// Rows read and decrypted per page in a scan: large enough that both cores stay busy
/// and the pauses between pages are few, small enough that memory stays flat.
const BATCH: u64 = 4096;

/// The first page of a listing with a limit (`-n 5 --contains`): often enough on its
/// own, so a small one lets the listing stop early on a big journal.
const FIRST_PAGE: u64 = 512;

/// Which entries to list.
#[derive(Debug, Clone, Default)]
pub struct Query {
    /// Only entries that happened at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Only entries that happened at or before this instant.
    pub to: Option<DateTime<Utc>>,
    /// At most this many (the newest).
    pub limit: Option<usize>,
    /// Only entries whose text contains this, ignoring case.
    pub contains: Option<String>,
    /// Only entries tagged with this category.
    pub category: Option<CategoryId>,
    /// Only entries with this status.
    pub status: Option<Status>,
    /// Only entries with this route.
    pub route: Option<Route>,
}

impl Query {
    /// True when deciding needs the decrypted payload.
    pub fn needs_content(&self) -> bool {
        self.contains.is_some()
            || self.category.is_some()
            || self.status.is_some()
            || self.route.is_some()
    }

    fn row_filter(&self) -> RowFilter {
        RowFilter {
            from: self.from.map(|t| t.timestamp()),
            to: self.to.map(|t| t.timestamp()),
            before: None,
            limit: None,
            ascending: false,
        }
    }

    /// True when a decrypted entry passes the content filters.
    pub fn matches(&self, entry: &Entry, needle: Option<&str>) -> bool {
        let payload = &entry.payload;
        if let Some(status) = self.status
            && payload.status != status
        {
            return false;
        }
        if let Some(route) = self.route
            && payload.route != route
        {
            return false;
        }
        if let Some(category) = &self.category
            && !payload.has_category(category)
        {
            return false;
        }
        if let Some(needle) = needle
            && !contains_ignoring_case(&payload.text, needle)
        {
            return false;
        }
        true
    }
}

/// The result of a listing: the entries that could be read, and the ids of those that
/// could not (damaged or written by a newer candour), so a single bad entry never hides
/// the rest.
#[derive(Debug, Default)]
pub struct Listing {
    /// Matching entries, newest first.
    pub entries: Vec<Entry>,
    /// Entries that failed to decrypt or verify, with the reason.
    pub unreadable: Vec<(EntryId, Error)>,
}

/// Visits every matching entry oldest first, in batches decrypted in parallel, so a whole
/// journal can be exported without holding it in memory. Damaged entries are passed to
/// `damaged`; the visit stops at the first error `visit` returns.
pub(super) fn scan(
    store: &Store,
    key: &JournalKey,
    query: &Query,
    visit: &mut dyn FnMut(Vec<Entry>) -> Result<(), Error>,
    damaged: &mut dyn FnMut(EntryId, Error),
) -> Result<(), Error> {
    super::warm_file_keys(store, key);
    let needle = query.contains.as_deref().map(str::to_lowercase);
    let mut filter = query.row_filter();
    filter.ascending = true;
    filter.limit = Some(BATCH);
    loop {
        let rows = store.read().entries(&filter)?;
        let Some(last) = rows.last() else { break };
        filter.before = Some((last.occurred_at, last.id.0));
        let fetched = rows.len();
        let mut batch = Vec::with_capacity(fetched);
        for result in Journal::open_rows(key, &rows) {
            match result {
                Ok(entry) if query.matches(&entry, needle.as_deref()) => batch.push(entry),
                Ok(_) => {}
                Err(e @ (Error::EntryDamaged { id } | Error::EntryTooNew { id, .. })) => {
                    damaged(id, e);
                }
                Err(other) => return Err(other),
            }
        }
        visit(batch)?;
        if (fetched as u64) < BATCH {
            break;
        }
    }
    Ok(())
}

/// Up to this many entries chosen by date alone are decrypted without the file-key
/// cache: about 3 ms of X25519, against 25 ms to load the cache of 100k entries.
const FEW: usize = 64;

pub(super) fn run(store: &Store, key: &JournalKey, query: &Query) -> Result<Listing, Error> {
    let mut listing = Listing::default();
    let mut filter = query.row_filter();
    if !query.needs_content()
        && let Some(limit) = query.limit
        && limit <= FEW
    {
        // A handful of entries selected by plaintext columns: decrypting them costs less
        // than loading the file-key cache of a large journal.
        filter.limit = Some(limit as u64);
        let rows = store.read().entries(&filter)?;
        collect(Journal::open_rows(key, &rows), &mut listing, |_| true)?;
        return Ok(listing);
    }
    super::warm_file_keys(store, key);
    let needle = query.contains.as_deref().map(str::to_lowercase);
    // Pages of rows, each decrypted on all cores: memory stays flat however large the
    // journal, and with a limit the scan stops once enough entries matched.
    let mut page = if query.limit.is_some() {
        FIRST_PAGE
    } else {
        BATCH
    };
    loop {
        filter.limit = Some(page);
        let rows = store.read().entries(&filter)?;
        let Some(last) = rows.last() else { break };
        filter.before = Some((last.occurred_at, last.id.0));
        let fetched = rows.len();
        collect(Journal::open_rows(key, &rows), &mut listing, |entry| {
            query.matches(entry, needle.as_deref())
        })?;
        if let Some(limit) = query.limit
            && listing.entries.len() >= limit
        {
            listing.entries.truncate(limit);
            break;
        }
        if (fetched as u64) < page {
            break;
        }
        page = BATCH;
    }
    Ok(listing)
}

fn collect(
    results: Vec<Result<Entry, Error>>,
    listing: &mut Listing,
    keep: impl Fn(&Entry) -> bool,
) -> Result<(), Error> {
    for result in results {
        match result {
            Ok(entry) => {
                if keep(&entry) {
                    listing.entries.push(entry);
                }
            }
            Err(e @ (Error::EntryDamaged { id } | Error::EntryTooNew { id, .. })) => {
                listing.unreadable.push((id, e));
            }
            Err(other) => return Err(other),
        }
    }
    Ok(())
}

/// Case-insensitive substring test that does not allocate for ASCII needles.
pub fn contains_ignoring_case(haystack: &str, lowered_needle: &str) -> bool {
    if lowered_needle.is_empty() {
        return true;
    }
    if lowered_needle.is_ascii() {
        let needle = lowered_needle.as_bytes();
        return haystack
            .as_bytes()
            .windows(needle.len())
            .any(|window| window.eq_ignore_ascii_case(needle));
    }
    haystack.to_lowercase().contains(lowered_needle)
}

#[cfg(test)]
mod tests {
    use super::contains_ignoring_case;

    #[test]
    fn contains_ignores_case_for_ascii_and_unicode() {
        assert!(contains_ignoring_case("He gave me his NUMBER", "number"));
        assert!(!contains_ignoring_case("He gave me his num", "number"));
        assert!(contains_ignoring_case("Café visit", "café"));
        assert!(contains_ignoring_case("CAFÉ visit", "café"));
        assert!(contains_ignoring_case("anything", ""));
    }
}
