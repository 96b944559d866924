//! Natural-language "when" parsing for `--at`, `--from`, `--to` and `--due`.
//!
//! Everything here is a pure function of the input and an explicit `now`, so the
//! behaviour can be tested against a fixed clock. Parsing is delegated to the
//! `interim` crate; this module only smooths over the phrasings a tired
//! practitioner actually types ("yesterday at 3pm", "a week ago", "friday")
//! and decides what a date without a time means in each context.

use chrono::{DateTime, Datelike, Days, FixedOffset, NaiveTime, TimeZone, Timelike};

/// A parsed point in time and whether the input named a time of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct When {
    /// The instant `interim` produced (for a date-only input, some time on that day).
    pub at: DateTime<FixedOffset>,
    /// True when the input named a time of day ("15:00", "3pm", "2 hours ago", "now").
    pub has_time: bool,
}

/// Why a date could not be understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// Nothing was given.
    #[error("the date is empty")]
    Empty,
    /// The phrase is not a date candour understands.
    #[error(
        "could not understand the date {input:?}; try \"yesterday 15:00\", \"3 days ago\", \"last Friday\" or 2026-11-20"
    )]
    Unrecognised {
        /// The text as given (dates are not journal text, so echoing them is safe).
        input: String,
    },
    /// The date lies in the future where only the past makes sense.
    #[error("{input:?} is in the future; a journal entry records something that already happened")]
    InFuture {
        /// The text as given.
        input: String,
    },
}

const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Parses a natural or ISO date relative to `now`.
///
/// Accepts what `interim` does (ISO dates and times, "yesterday 15:00", "3 days ago",
/// "last Friday", "20/11/2026" day-first) plus a few everyday forms: "yesterday at 3pm",
/// "a week ago", and a bare weekday, which means the most recent one (today included),
/// because a journal looks back.
pub fn parse(input: &str, now: DateTime<FixedOffset>) -> Result<When, DateError> {
    let cleaned = normalise(input);
    if cleaned.is_empty() {
        return Err(DateError::Empty);
    }
    let unrecognised = || DateError::Unrecognised {
        input: input.trim().to_owned(),
    };
    // A bare weekday ("friday", "friday 14:00") in interim means the next one.
    let (cleaned, weekday_back) = match bare_weekday(&cleaned, now.weekday()) {
        Some((days_back, rest)) => (rest, Some(days_back)),
        None => (cleaned, None),
    };
    let mut at = if cleaned.is_empty() {
        now
    } else if let Ok(exact) = DateTime::parse_from_rfc3339(input.trim()) {
        exact
    } else {
        interim::parse_date_string(&cleaned, now, interim::Dialect::Uk)
            .map_err(|_| unrecognised())?
    };
    if let Some(days_back) = weekday_back {
        let date = now.date_naive() - Days::new(u64::from(days_back));
        let time = if cleaned.is_empty() {
            NaiveTime::MIN
        } else {
            at.time()
        };
        at = now
            .timezone()
            .from_local_datetime(&date.and_time(time))
            .single()
            .ok_or_else(unrecognised)?;
    }
    Ok(When {
        at,
        has_time: names_time(&cleaned),
    })
}

/// Parses a due date, which looks forward: "friday" is the next Friday, "in 3 days"
/// and "next week" work, and a date without a time means the end of that day.
pub fn parse_due(
    input: &str,
    now: DateTime<FixedOffset>,
) -> Result<DateTime<FixedOffset>, DateError> {
    let cleaned = normalise(input);
    if cleaned.is_empty() {
        return Err(DateError::Empty);
    }
    let at = match DateTime::parse_from_rfc3339(input.trim()) {
        Ok(exact) => exact,
        Err(_) => {
            interim::parse_date_string(&cleaned, now, interim::Dialect::Uk).map_err(|_| {
                DateError::Unrecognised {
                    input: input.trim().to_owned(),
                }
            })?
        }
    };
    let when = When {
        at,
        has_time: names_time(&cleaned),
    };
    Ok(when.as_range_end())
}

impl When {
    /// The moment an entry happened: a date without a time becomes midday that day
    /// (or now, if midday has not come yet today), so the entry sorts on the right day
    /// in every time zone close to the user's.
    pub fn as_occurred(
        self,
        input: &str,
        now: DateTime<FixedOffset>,
    ) -> Result<DateTime<FixedOffset>, DateError> {
        let at = if self.has_time {
            self.at
        } else {
            let noon = self.with_time(NaiveTime::from_hms_opt(12, 0, 0).unwrap_or(NaiveTime::MIN));
            if noon > now && self.at.date_naive() == now.date_naive() {
                now
            } else {
                noon
            }
        };
        // A few minutes of clock skew between devices is not a mistake.
        if at > now + chrono::Duration::minutes(5) {
            return Err(DateError::InFuture {
                input: input.trim().to_owned(),
            });
        }
        Ok(at.with_nanosecond(0).unwrap_or(at))
    }

    /// The start of a range: a date without a time means the start of that day.
    pub fn as_range_start(self) -> DateTime<FixedOffset> {
        if self.has_time {
            self.at
        } else {
            self.with_time(NaiveTime::MIN)
        }
    }

    /// The end of a range (inclusive): a date without a time means the end of that day.
    pub fn as_range_end(self) -> DateTime<FixedOffset> {
        if self.has_time {
            self.at
        } else {
            self.with_time(NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN))
        }
    }

    fn with_time(self, time: NaiveTime) -> DateTime<FixedOffset> {
        self.at
            .timezone()
            .from_local_datetime(&self.at.date_naive().and_time(time))
            .single()
            .unwrap_or(self.at)
    }
}

fn normalise(input: &str) -> String {
    let mut lower = input.trim().to_lowercase();
    // "2026-11-20t15:00": interim wants a space between an ISO date and its time.
    if lower.len() > 11
        && lower.as_bytes()[10] == b't'
        && lower[..10].bytes().all(|b| b.is_ascii_digit() || b == b'-')
    {
        lower.replace_range(10..11, " ");
    }
    let words: Vec<&str> = lower
        .split_whitespace()
        .filter(|w| *w != "at" && *w != "on")
        .collect();
    let mut joined = words.join(" ");
    for (article, one) in [("a ", "1 "), ("an ", "1 ")] {
        if let Some(rest) = joined.strip_prefix(article) {
            joined = format!("{one}{rest}");
        }
    }
    joined
}

/// "friday" or "fri 14:00" → (days back to the most recent Friday, today included; "14:00").
fn bare_weekday(cleaned: &str, today: chrono::Weekday) -> Option<(u32, String)> {
    let (first, rest) = cleaned.split_once(' ').unwrap_or((cleaned, ""));
    let target = WEEKDAYS
        .iter()
        .position(|day| *day == first || (first.len() >= 3 && day.starts_with(first)))?;
    let target = u32::try_from(target).ok()?;
    let days_back = (today.num_days_from_monday() + 7 - target) % 7;
    Some((days_back, rest.to_owned()))
}

fn names_time(cleaned: &str) -> bool {
    cleaned.contains(':')
        || cleaned.ends_with("am")
        || cleaned.ends_with("pm")
        || cleaned.contains("now")
        || ["hour", "min", "second"]
            .iter()
            .any(|unit| cleaned.contains(unit))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Wednesday 25 November 2026, 10:30 UTC.
    fn now() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-11-25T10:30:00+00:00").unwrap()
    }

    fn occurred(input: &str) -> String {
        parse(input, now())
            .and_then(|w| w.as_occurred(input, now()))
            .map_or_else(
                |e| format!("error: {e}"),
                |t| t.format("%Y-%m-%d %H:%M").to_string(),
            )
    }

    #[test]
    fn phrases_against_a_fixed_clock() {
        let table = [
            ("yesterday 15:00", "2026-11-24 15:00"),
            ("yesterday at 3pm", "2026-11-24 15:00"),
            ("Yesterday", "2026-11-24 12:00"),
            ("3 days ago", "2026-11-22 12:00"),
            ("a week ago", "2026-11-18 12:00"),
            ("2 hours ago", "2026-11-25 08:30"),
            ("last Friday", "2026-11-20 12:00"),
            ("friday", "2026-11-20 12:00"),
            ("fri 14:00", "2026-11-20 14:00"),
            ("wednesday", "2026-11-25 10:30"),
            ("monday 9:15", "2026-11-23 09:15"),
            ("2026-11-20", "2026-11-20 12:00"),
            ("2026-11-20 15:00", "2026-11-20 15:00"),
            ("2026-11-20T15:00", "2026-11-20 15:00"),
            ("2026-11-20T15:00:00Z", "2026-11-20 15:00"),
            ("20/11/2026", "2026-11-20 12:00"),
            ("now", "2026-11-25 10:30"),
            ("today", "2026-11-25 10:30"),
            ("9:00", "2026-11-25 09:00"),
            ("on 2026-11-20", "2026-11-20 12:00"),
        ];
        for (input, expected) in table {
            assert_eq!(occurred(input), expected, "{input:?}");
        }
    }

    #[test]
    fn nonsense_and_the_future_are_refused() {
        assert!(matches!(
            parse("banana", now()),
            Err(DateError::Unrecognised { .. })
        ));
        assert!(matches!(parse("   ", now()), Err(DateError::Empty)));
        assert!(occurred("tomorrow").starts_with("error:"));
        assert!(occurred("2030-01-01").starts_with("error:"));
        assert!(occurred("2026-13-40").starts_with("error:"));
        assert!(
            occurred("15:00").starts_with("error:"),
            "later today is still the future"
        );
    }

    #[test]
    fn due_dates_look_forward() {
        let due = |s: &str| {
            parse_due(s, now())
                .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                .unwrap()
        };
        assert_eq!(due("friday"), "2026-11-27 23:59");
        assert_eq!(due("tomorrow"), "2026-11-26 23:59");
        assert_eq!(due("2026-12-01 09:00"), "2026-12-01 09:00");
        assert_eq!(due("2026-12-01"), "2026-12-01 23:59");
        assert!(parse_due("whenever", now()).is_err());
    }

    #[test]
    fn range_ends_cover_whole_days_unless_a_time_is_given() {
        let day = parse("2026-11-20", now()).unwrap();
        assert_eq!(
            day.as_range_start().to_rfc3339(),
            "2026-11-20T00:00:00+00:00"
        );
        assert_eq!(day.as_range_end().to_rfc3339(), "2026-11-20T23:59:59+00:00");
        let exact = parse("2026-11-20 15:00", now()).unwrap();
        assert_eq!(exact.as_range_start(), exact.as_range_end());
    }

    proptest::proptest! {
        #![proptest_config(crate::testing::proptest_config())]
        #[test]
        fn parsing_never_panics(input in ".{0,40}") {
            let _ = parse(&input, now()).map(|w| (w.as_occurred(&input, now()), w.as_range_start(), w.as_range_end()));
        }

        #[test]
        fn parsing_never_panics_on_date_like_input(input in "[0-9a-z :/.-]{0,24}") {
            let _ = parse(&input, now()).map(|w| w.as_occurred(&input, now()));
        }
    }
}
