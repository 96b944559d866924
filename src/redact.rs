//! Identifier detection and masking for exports.
//!
//! Exports such as supervision summaries must not identify anyone: the UK regulators' joint
//! statement on reflective practice asks that recorded reflections be anonymised, and the NMC
//! reflective account form forbids anything that could identify a patient or colleague. This
//! module finds direct identifiers in free text and replaces each with a typed placeholder
//! (`[phone]`, `[NHS number]`, `[name]` …), and it points out indirect identifiers (exact ages,
//! named small places) as warnings that the user decides about.
//!
//! Detection is rule-based and leans towards over-redaction: masking a harmless number costs a
//! little readability, while missing an NHS number breaks a promise. Rules cannot find a bare
//! first name that is not on the user's list, so the product should still encourage pseudonyms
//! ("Patient A") at entry time.
//!
//! ## What is detected
//!
//! | kind | examples | rendered as |
//! |---|---|---|
//! | phone | `07700 900123`, `(0161) 496 0000`, `+44 (0)20 7946 0000` | `[phone]` |
//! | email | `jo.bloggs@nhs.net` | `[email]` |
//! | NHS number | `943 476 5919`, `943-476-5919`, `9434765919` | `[NHS number]` |
//! | postcode | `SW1A 1AA`, `m1 1ae`, `EC1A1BB` | `[postcode]` |
//! | date of birth | the date in `DOB 03/04/1951`, `born in 1951` | `DOB [date of birth]` |
//! | NI number | `QQ 12 34 56 C` | `[NI number]` |
//! | bed/bay/ward/room | `bed 12`, `Bay 4 bed 2`, `side room 3`, `ward 7B` | `[bed/bay]` |
//! | titled name | the name in `Mrs Patel`, `Mr J. Smith` | `Mrs [name]` |
//! | listed name | `Patel` from the user's list, any case, whole words | `[name]` |
//!
//! A bed, bay, ward or room reference is replaced whole, including chains like `Bay 4 bed 2`,
//! so the text reads `moved to [bed/bay]` rather than `bay [bed/bay]`. A title is kept and only
//! the name after it is replaced, because `Mrs [name]` still tells the reader who is speaking
//! without saying who she is. Dates of birth keep their cue (`DOB [date of birth]`) for the
//! same reason. Every ten-digit run that is not part of a phone number is treated as an NHS
//! number whether or not its check digit validates (research 4.2: a mistyped real number fails
//! the check), and a valid check digit is reported as a note.
//!
//! ## How overlaps are settled
//!
//! Every detector proposes candidates independently. The longest candidate wins an overlap;
//! on equal length the earlier [`Kind`] wins, which puts phone numbers before NHS numbers as
//! research 4.2 asks (`+44 7700 900123` holds ten digits after the country code).
//!
//! ## Invariants
//!
//! - [`Redactor::find`] returns non-empty spans, sorted by start, non-overlapping and on `char`
//!   boundaries of the input.
//! - [`Redactor::redact`] replaces exactly those spans, and nothing in its output is detected
//!   again: `redact(redact(x)) == redact(x)`. A placeholder that is already in the text,
//!   whoever typed it, is never part of a finding.
//! - Detection runs to a fixpoint. Masking one identifier can expose another: in
//!   `Dr Jo Bloggs@x.com` the email wins the overlap with `Jo Bloggs`, and only once it is
//!   masked does `Dr Jo [email]` show the name. So [`Redactor::find`] re-runs the detectors on
//!   the masked text until nothing new appears and maps the extra spans back. This ends because
//!   each round turns at least one byte of ordinary text into placeholder text.
//! - Nothing here panics on any input. The only `expect`s compile patterns: the built-in ones,
//!   which the tests force, and the escaped names list, which cannot fail to parse.
//!
//! ## Must never
//!
//! - Print, log or `Debug`-format the input text or the user's names: both are plaintext from
//!   the vault, so [`Redactor`]'s `Debug` shows only how many names it holds.
//! - Redact on a warning alone. Ages and places are judgement calls for the user.

use std::fmt;
use std::sync::LazyLock;

use regex::{Captures, Regex, RegexBuilder};

/// What kind of identifier a finding is.
///
/// The order matters: on two overlapping candidates of equal length the earlier kind wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// A UK phone number, national or in a `+44`/`0044` form.
    Phone,
    /// An email address.
    Email,
    /// An NHS number, or any other ten-digit run that is not a phone number.
    NhsNumber,
    /// A full UK postcode (outward and inward code).
    Postcode,
    /// A date (or a year) shortly after a cue such as "DOB" or "born".
    DateOfBirth,
    /// A National Insurance number.
    NiNumber,
    /// A numbered bed, bay, ward, side room or room, replaced whole.
    BedBayWard,
    /// The name after a title such as "Mrs" or "Dr"; the title itself is kept.
    TitledName,
    /// A name from the user's own list.
    Name,
}

impl Kind {
    /// The typed placeholder that replaces an identifier of this kind.
    ///
    /// Both name kinds share `[name]`, and bed, bay, ward and room references share
    /// `[bed/bay]`. No placeholder contains a bracket inside it, which the fixpoint argument in
    /// the module docs relies on.
    #[must_use]
    pub fn placeholder(self) -> &'static str {
        match self {
            Kind::Phone => "[phone]",
            Kind::Email => "[email]",
            Kind::NhsNumber => "[NHS number]",
            Kind::Postcode => "[postcode]",
            Kind::DateOfBirth => "[date of birth]",
            Kind::NiNumber => "[NI number]",
            Kind::BedBayWard => "[bed/bay]",
            Kind::TitledName | Kind::Name => "[name]",
        }
    }

    /// A short human label for messages, such as "phone number".
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Kind::Phone => "phone number",
            Kind::Email => "email address",
            Kind::NhsNumber => "NHS number",
            Kind::Postcode => "postcode",
            Kind::DateOfBirth => "date of birth",
            Kind::NiNumber => "National Insurance number",
            Kind::BedBayWard => "bed, bay, ward or room number",
            Kind::TitledName => "name after a title",
            Kind::Name => "name from your list",
        }
    }
}

/// One identifier found in a text.
///
/// `start..end` is a byte span into the text given to [`Redactor::find`], always on `char`
/// boundaries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// What was found.
    pub kind: Kind,
    /// Byte offset of the first byte of the identifier.
    pub start: usize,
    /// Byte offset just past the identifier.
    pub end: usize,
    /// Extra information for the user, such as "valid NHS number check digit".
    pub note: Option<&'static str>,
}

/// Indirect identifiers worth a warning but not redacted automatically.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WarningKind {
    /// An exact age ("aged 87", "an 87-year-old"); a band such as "in her 80s" is safer.
    ExactAge,
    /// A capitalised place after "lives in" or "from", which can narrow identity in a small
    /// community.
    NamedPlace,
}

/// One indirect identifier: a byte span into the text given to [`Redactor::warnings`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// What kind of indirect identifier this is.
    pub kind: WarningKind,
    /// Byte offset of the first byte of the flagged words.
    pub start: usize,
    /// Byte offset just past the flagged words.
    pub end: usize,
}

/// A compiled redactor: the fixed detectors plus the user's own list of names.
///
/// Building one is cheap: the fixed patterns are compiled once per process and only the names
/// pattern is compiled here, so callers may build a redactor per export.
#[derive(Clone)]
pub struct Redactor {
    /// The user's names as one case-insensitive alternation, longest first, or `None` for an
    /// empty list. Word boundaries are checked by `find_names`, not with `\b`: the regex
    /// crate's fast engines give up on a Unicode `\b` once the text holds any non-ASCII
    /// character (a curly quote will do), and the fallback made long lists 50 times slower.
    names: Option<Regex>,
    /// How many distinct names the pattern holds, for `Debug`.
    name_count: usize,
}

impl fmt::Debug for Redactor {
    /// Shows only the size of the names list: the names themselves are plaintext.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Redactor")
            .field("names", &self.name_count)
            .finish()
    }
}

impl Redactor {
    /// Builds a redactor for the user's list of names (for example "Patel", "Joan Smith").
    ///
    /// Names match case-insensitively and only as whole words, so "patel" matches "Patel"
    /// but not "Patelson". Runs of whitespace inside a name match any whitespace. Empty and
    /// whitespace-only names are ignored, regex metacharacters are taken literally, and a
    /// straight apostrophe matches a curly one and the other way round ("O'Brien", "O’Brien").
    ///
    /// # Panics
    ///
    /// Not for any real list. The names are escaped, so the pattern always parses, and the
    /// size limit is lifted; only a list too big for the regex engine's internal state numbers
    /// (billions of states) could fail to compile.
    #[must_use]
    pub fn new(names: &[String]) -> Self {
        let mut words: Vec<Vec<&str>> = names
            .iter()
            .map(|name| name.split_whitespace().collect::<Vec<_>>())
            .filter(|words| !words.is_empty())
            .collect();
        // The alternation is leftmost-first, not leftmost-longest, so longer names go first:
        // otherwise "Joan" would win over "Joan Smith" at the same position.
        words.sort_by(|a, b| spelled_len(b).cmp(&spelled_len(a)).then_with(|| a.cmp(b)));
        words.dedup();
        let name_count = words.len();
        let names = (!words.is_empty()).then(|| {
            let alternatives: Vec<String> = words.iter().map(|w| name_alternative(w)).collect();
            let pattern = format!("(?i:{})", alternatives.join("|"));
            RegexBuilder::new(&pattern)
                .size_limit(usize::MAX)
                .build()
                // Invariant: every name is passed through `regex::escape`, so the pattern
                // always parses, and the size limit is lifted, so a long list cannot fail.
                .expect("escaped names always form a valid pattern")
        });
        Redactor { names, name_count }
    }

    /// All identifiers in `text`, sorted by start and non-overlapping.
    ///
    /// Replacing each span with its kind's placeholder gives [`Redactor::redact`]'s output,
    /// in which nothing further is found.
    #[must_use]
    pub fn find(&self, text: &str) -> Vec<Finding> {
        self.settle(text).0
    }

    /// The text with every finding replaced by its placeholder.
    ///
    /// Idempotent: redacting the output again changes nothing.
    #[must_use]
    pub fn redact(&self, text: &str) -> String {
        self.settle(text).1
    }

    /// Indirect identifiers in `text`, sorted by start, for the user to review.
    ///
    /// Flags exact ages ("aged 87", "87-year-old", "87 years old", "87yo") and a capitalised
    /// place after "lives in", "lives near" or "from" ("lives in Little Snoring"). Words that
    /// are already findings (a listed name after "from") are not flagged again.
    #[must_use]
    pub fn warnings(&self, text: &str) -> Vec<Warning> {
        let findings: Vec<(usize, usize)> =
            self.find(text).iter().map(|f| (f.start, f.end)).collect();
        // Both patterns need a word that most text lacks: checking for it first saves
        // compiling them (a few milliseconds) in a quick `add`.
        let ages = (text.bytes().any(|b| b.is_ascii_digit()))
            .then(|| AGE.find_iter(text))
            .into_iter()
            .flatten()
            .map(|m| Warning {
                kind: WarningKind::ExactAge,
                start: m.start(),
                end: m.end(),
            });
        let places = (contains_ascii_ci(text, "from") || contains_ascii_ci(text, "liv"))
            .then(|| PLACE.captures_iter(text))
            .into_iter()
            .flatten()
            .filter_map(|caps| {
                let place = caps.name("place")?;
                let end =
                    place.start() + keep_words(place.as_str(), PLACE_STOP_WORDS, PLACE_STOP_WORDS)?;
                Some(Warning {
                    kind: WarningKind::NamedPlace,
                    start: place.start(),
                    end,
                })
            });
        let mut warnings: Vec<Warning> = ages
            .chain(places)
            .filter(|w| !overlaps_any(&findings, w.start, w.end))
            .collect();
        warnings.sort_by_key(|w| (w.start, w.end));
        warnings
    }

    /// Runs the detectors to a fixpoint; returns the findings in `text`'s coordinates and the
    /// redacted text.
    fn settle(&self, text: &str) -> (Vec<Finding>, String) {
        let mut found = self.find_once(text);
        let mut current = apply(text, &found);
        // Terminates: every round replaces at least one byte of ordinary text with placeholder
        // text, placeholders never overlap one another (none has a bracket inside), and
        // candidates touching an existing placeholder are discarded.
        loop {
            let more = self.find_once(&current);
            if more.is_empty() {
                return (found, current);
            }
            let mapped: Vec<Finding> = more
                .into_iter()
                .map(|f| Finding {
                    start: to_original(&found, f.start),
                    end: to_original(&found, f.end),
                    ..f
                })
                .collect();
            found.extend(mapped);
            found.sort_by_key(|f| f.start);
            current = apply(text, &found);
        }
    }

    /// One round of detection: every detector's candidates, minus those touching a
    /// placeholder, with overlaps settled.
    fn find_once(&self, text: &str) -> Vec<Finding> {
        let mut candidates = Vec::new();
        // Every pattern below but names needs an ASCII digit (or, for email, an "@"):
        // most text has neither, and skipping them there is most of the work saved.
        if text.bytes().any(|b| b.is_ascii_digit()) {
            find_phones(text, &mut candidates);
            find_nhs_numbers(text, &mut candidates);
            find_postcodes(text, &mut candidates);
            find_dates_of_birth(text, &mut candidates);
            find_ni_numbers(text, &mut candidates);
            find_beds(text, &mut candidates);
        }
        if text.contains('@') {
            find_emails(text, &mut candidates);
        }
        find_titled_names(text, &mut candidates);
        if let Some(names) = &self.names {
            find_names(names, text, &mut candidates);
        }
        if candidates.is_empty() {
            return candidates;
        }
        let placeholders: Vec<(usize, usize)> = PLACEHOLDER
            .find_iter(text)
            .map(|m| (m.start(), m.end()))
            .collect();
        candidates.retain(|c| c.start < c.end && !overlaps_any(&placeholders, c.start, c.end));
        choose(candidates)
    }
}

/// NHS number modulus-11 check on exactly ten ASCII digits (separators already removed).
///
/// Digits one to nine are weighted 10 down to 2 and summed; the check digit is
/// 11 − (sum mod 11), where 11 means 0 and 10 means no valid number exists. Anything that is
/// not exactly ten ASCII digits is invalid.
#[must_use]
pub fn nhs_number_is_valid(digits: &str) -> bool {
    let bytes = digits.as_bytes();
    if bytes.len() != 10 || !bytes.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = bytes[..9]
        .iter()
        .zip((2..=10).rev())
        .map(|(digit, weight)| u32::from(digit - b'0') * weight)
        .sum();
    let expected = match 11 - sum % 11 {
        11 => 0,
        10 => return false,
        check => check,
    };
    expected == u32::from(bytes[9] - b'0')
}

// ---------------------------------------------------------------------------------------------
// Patterns
//
// Digits are spelled `[0-9]` throughout: `\d` is Unicode-aware in the regex crate and would
// accept Arabic-Indic digits that the ASCII checks below then miscount.
// ---------------------------------------------------------------------------------------------

/// Compiles a built-in pattern.
fn literal_regex(pattern: &str) -> Regex {
    // Invariant: callers pass string literals, and `built_in_patterns_compile` forces every
    // one of them in the tests, so a bad edit fails `cargo test` and never reaches a user.
    Regex::new(pattern).expect("built-in redaction pattern is valid")
}

/// Any placeholder this module writes; text inside one is never detected again.
static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| {
    literal_regex(r"\[(?:phone|email|NHS number|postcode|date of birth|NI number|bed/bay|name)\]")
});

/// Phone-number candidates. Deliberately loose about length and grouping: `phone_end` decides,
/// because it must also try a shorter reading when the greedy match runs into a following
/// number ("07700 900123 45").
static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    literal_regex(concat!(
        // International: +44 or 0044, then an optional "(0)" and an optional bracket.
        r"(?:(?:\+ ?44|\b0044)[ \x{a0}]?(?:\(0\)[ \x{a0}]?)?\(?",
        // National: the trunk 0, optionally bracketed as in "(0161)". `\b` keeps "10 30" out.
        r"|\(?\b0)",
        // Digits, each optionally after one separator: space, dot, dash, ") " or " - ".
        r"[0-9](?:(?:[ .\-\x{a0}]|\)[ \x{a0}]?| - )?[0-9]){7,11}",
    ))
});

/// Ten digits written plain or 3-3-4; separator agreement and boundaries are checked in code
/// because the regex crate has no look-around or back-references.
static NHS: LazyLock<Regex> =
    LazyLock::new(|| literal_regex(r"[0-9]{3}([ \-]?)[0-9]{3}([ \-]?)[0-9]{4}"));

/// A practical email pattern: dotted domain labels that start and end with a letter or digit,
/// ending in an alphabetic top-level domain.
static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    literal_regex(concat!(
        // Apostrophes are legal in the local part and common in Irish surnames.
        r"[A-Za-z0-9._%+'’\-]+@",
        r"[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?",
        r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*",
        r"\.[A-Za-z]{2,}\b",
    ))
});

/// Full UK postcodes with the letter rules of research 4.4, which keep words and drug names
/// out: the inward code's letters exclude C, I, K, M, O and V, so "5mg" or "2kg" never fit.
/// Case-insensitive here; `find_postcodes` then refuses mixed case. ASCII-only (`-u`) because
/// every letter rule is ASCII, and a Unicode `\b` sends the regex crate to its slow engine on
/// any text holding a curly quote.
static POSTCODE: LazyLock<Regex> = LazyLock::new(|| {
    literal_regex(concat!(
        r"(?i-u)\b(?:GIR ?0AA|[A-PR-UWYZ]",
        // Outward shapes A9, A99, AA9, AA99, A9A, AA9A.
        r"(?:[0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPSTUW]|[A-HK-Y][0-9][ABEHMNPRV-Y])",
        // Optional space, then the inward code.
        r" ?[0-9][ABD-HJLNP-UW-Z]{2})\b",
    ))
});

/// National Insurance numbers. The first-letter and second-letter rules are in the classes;
/// the forbidden pairs (BG, GB, …) are checked in code. QQ, the standard example prefix, is
/// accepted on purpose so that sample numbers in notes are masked too. ASCII-only, as for
/// [`POSTCODE`].
static NI: LazyLock<Regex> = LazyLock::new(|| {
    literal_regex(concat!(
        r"(?i-u)\b(QQ|[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z])",
        r" ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-D]\b",
    ))
});

/// One numbered place in a hospital, such as "bed 12", "side room 3" or "ward 7B".
macro_rules! bed_ref {
    () => {
        concat!(
            r"(?:side[ \-]?room|bed[ \-]?space|cubicle|bed|bay|ward|room)",
            r" ?(?:no\.? ?|number )?[0-9]{1,3}[a-z]?\b",
        )
    };
}

/// Bed, bay, ward and room references, chained ("Bay 4 bed 2") so a chain becomes one
/// placeholder.
static BED: LazyLock<Regex> = LazyLock::new(|| {
    literal_regex(concat!(
        r"(?i)\b",
        bed_ref!(),
        r"(?:(?:, ?| | and | & )",
        bed_ref!(),
        r")*"
    ))
});

/// Month names and their usual abbreviations.
macro_rules! month {
    () => {
        concat!(
            r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?",
            r"|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)",
        )
    };
}

/// A date-of-birth cue, a short gap, then a date. The gap may not hold digits (so the first
/// date after the cue is taken), sentence punctuation or brackets (so neither the next
/// sentence nor a placeholder is crossed).
static DOB: LazyLock<Regex> = LazyLock::new(|| {
    literal_regex(concat!(
        r"(?i)(?P<cue>\bd\.?o\.?b\.?|\bdate of birth\b|\bbirth ?date\b|\bborn\b)",
        r"[^0-9.;!?\n\[\]]{0,16}?",
        r"(?P<date>",
        // 1951-04-03
        r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}",
        // 03/04/1951, 3.4.51, 3-4-1951
        r"|[0-9]{1,2}[/.\-][0-9]{1,2}[/.\-](?:[0-9]{4}|[0-9]{2})",
        // 3 April 1951, 3rd of April, 1951, 3 Apr '51, 3 April
        r"|[0-9]{1,2}(?:st|nd|rd|th)?(?: of)? +",
        month!(),
        r"\.?(?:,? +(?:[0-9]{4}|['’][0-9]{2}))?",
        // April 3rd 1951, April 3, 1951, April 3
        r"|\b",
        month!(),
        r"\.? +[0-9]{1,2}(?:st|nd|rd|th)?(?:,? +[0-9]{4})?",
        // April 1951
        r"|\b",
        month!(),
        r"\.? +[0-9]{4}",
        // born in 1951
        r"|(?:19|20)[0-9]{2}",
        r")\b",
    ))
});

/// A capitalised name word: "Smith", "O'Neil", "Smith-Jones", "Zoë", or a bare initial.
macro_rules! name_word {
    () => {
        concat!(
            // The first part, with any apostrophe pieces: "O'Neil", "D’Arcy", "Smith's".
            r"\p{Lu}[\p{L}\p{M}]*(?:['’][\p{L}\p{M}]+)*",
            // Capitalised parts after hyphens: "Smith-Jones".
            r"(?:-\p{Lu}[\p{L}\p{M}]*(?:['’][\p{L}\p{M}]+)*)*\b",
        )
    };
}

/// A title followed by a name: up to three words, optionally after an initial ("Mr J. Smith").
/// Titles are case-sensitive so that "MS" (multiple sclerosis) and "nurse" stay; "Nurse" and
/// "Sister" count only when capitalised. An upper-case title needs an upper-case name
/// ("MR SMITH", not "MR Angiography"); that and the stop words are checked in code.
static TITLED: LazyLock<Regex> = LazyLock::new(|| {
    literal_regex(concat!(
        r"\b(?P<title>Mrs|Mr|Ms|Miss|Mx|Dr|Prof|Professor|Doctor|Sister|Sr|Nurse",
        r"|mrs|mr|ms|mx|dr|MRS|MR|MISS|MX|DR)",
        r"(?:\. ?| +)",
        r"(?P<name>(?:\p{Lu}\. ?|\p{Lu} )?",
        name_word!(),
        r"(?: ",
        name_word!(),
        r"){0,2})",
    ))
});

/// Exact ages: "aged 87", "age 87", "87-year-old", "87 years old", "87yo", "87 y/o".
static AGE: LazyLock<Regex> = LazyLock::new(|| {
    literal_regex(concat!(
        r"(?i)\b(?:aged? [0-9]{1,3}\b",
        r"|[0-9]{1,3}[ \-]?(?:years?|yrs?)[ \-]old\b",
        r"|[0-9]{1,3} ?(?:yo|y/o)\b)",
    ))
});

/// A capitalised place of up to three words after "lives in/at/near" or "from".
static PLACE: LazyLock<Regex> = LazyLock::new(|| {
    literal_regex(concat!(
        r"(?:\b(?i:lives|lived|living|live) (?i:in|at|near) |\b(?i:from) )",
        r"(?P<place>\p{Lu}\p{Ll}+(?:['’]\p{Ll}+)?(?:-\p{L}+)*",
        r"(?: \p{Lu}\p{Ll}+(?:['’]\p{Ll}+)?(?:-\p{L}+)*){0,2})\b",
    ))
});

// ---------------------------------------------------------------------------------------------
// Stop words: capitalised words that follow a title or "from" without being a name or place.
// Each list is one string of lower-case words, compared ASCII-case-insensitively.
// ---------------------------------------------------------------------------------------------

/// Words that are never a name: "spoke to Mrs. The next day…".
const FUNCTION_WORDS: &str = "\
    about after again all also am an and any are as at be been before both but by did do does \
    during each every for from had has have he her here him his how if in into is it its just \
    later me my no nor not now of on or our please said says she so some still than thanks \
    that the their them then there these they this those to today tomorrow tonight us was we \
    were what when where which who whom whose why with yes yesterday yet you your";

/// Roles and places in a hospital: "Clinical Nurse Specialist", "Sister Ward 7".
const ROLE_WORDS: &str = "\
    advisor adviser assistant associate bay bed care charge clinic clinical colleague \
    community consultant department dept district doctor duty educator health hospital junior \
    lead manager matron nurse office partner patient practice practitioner prescriber \
    registrar room senior side sister specialist staff station student support surgery team \
    theatre theatres unit ward worker";

/// Days and months end a name ("Dr Jones Monday") but can begin one ("Mrs April Jones"), so
/// they only cut after the first word.
const CALENDAR_WORDS: &str = "\
    monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs \
    fri sat sun january february march april may june july august september october november \
    december jan feb mar apr jun jul aug sep sept oct nov dec";

/// Words after "from" that are people, not places: "a card from Mum".
const FAMILY_WORDS: &str = "\
    mum dad mother father nan nana gran granny grandad grandma grandpa auntie aunt uncle";

/// Titles start a new name rather than continue one: "Mr and Mrs Smith", "Dr Jones Mrs Smith".
const TITLE_WORDS: &str = "mr mrs ms miss mx dr prof professor doctor sister sr nurse";

/// Everything that cannot start or continue a place name.
const PLACE_STOP_WORDS: &[&str] = &[
    FUNCTION_WORDS,
    ROLE_WORDS,
    CALENDAR_WORDS,
    FAMILY_WORDS,
    TITLE_WORDS,
];

/// Words that reject a name when they come first.
const NAME_FIRST_STOP_WORDS: &[&str] = &[FUNCTION_WORDS, ROLE_WORDS, TITLE_WORDS];

/// Words that end a name when they come later.
const NAME_LATER_STOP_WORDS: &[&str] = &[FUNCTION_WORDS, ROLE_WORDS, CALENDAR_WORDS, TITLE_WORDS];

/// Whether `word` is in any of `lists` (space-separated lower-case words), ignoring ASCII case.
fn is_stop_word(word: &str, lists: &[&str]) -> bool {
    lists
        .iter()
        .flat_map(|list| list.split_ascii_whitespace())
        .any(|stop| stop.eq_ignore_ascii_case(word))
}

/// How many bytes of `phrase` (capitalised words separated by single spaces) to keep: `None`
/// if its first word is in `first_stops`, otherwise everything before the first later word
/// that is in `later_stops`.
fn keep_words(phrase: &str, first_stops: &[&str], later_stops: &[&str]) -> Option<usize> {
    let mut kept = 0;
    for (i, word) in phrase.split(' ').enumerate() {
        let bare = word.trim_end_matches('.');
        if i == 0 {
            if is_stop_word(bare, first_stops) {
                return None;
            }
            kept = word.len();
        } else if is_stop_word(bare, later_stops) {
            break;
        } else {
            kept += 1 + word.len();
        }
    }
    Some(kept)
}

// ---------------------------------------------------------------------------------------------
// Detectors
// ---------------------------------------------------------------------------------------------

/// A `Finding` without a note.
fn finding(kind: Kind, (start, end): (usize, usize)) -> Finding {
    Finding {
        kind,
        start,
        end,
        note: None,
    }
}

/// Runs `re` over `text` and keeps the spans that `judge` makes of its matches.
///
/// After a rejected match the search resumes one character after the match's start rather
/// than after its end, because a long rejected match can hide a good shorter one inside it.
fn scan(
    re: &Regex,
    text: &str,
    mut judge: impl FnMut(&Captures<'_>) -> Option<(usize, usize)>,
) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut at = 0;
    while at <= text.len() {
        let Some(caps) = re.captures_at(text, at) else {
            break;
        };
        let Some(whole) = caps.get(0) else { break };
        let next = after_char(text, whole.start());
        at = match judge(&caps) {
            Some((start, end)) if start < end => {
                spans.push((start, end));
                end.max(next)
            }
            _ => next,
        };
    }
    spans
}

/// Phone numbers, checked and possibly shortened by `phone_end`.
fn find_phones(text: &str, out: &mut Vec<Finding>) {
    let spans = scan(&PHONE, text, |caps| {
        let m = caps.get(0)?;
        let len = phone_end(m.as_str(), &text[m.end()..])?;
        Some((m.start(), m.start() + len))
    });
    out.extend(spans.into_iter().map(|span| finding(Kind::Phone, span)));
}

/// The length in bytes of the phone number at the start of `candidate`, if there is one.
///
/// `rest` is the text after the candidate. A number has 9 or 10 significant digits (after the
/// country code and trunk 0) beginning with 1, 2, 3, 7, 8 or 9; at most four digit groups, the
/// national first group of at least three digits ("0161", not the "01" of a date) and the
/// others of at least two; and one kind of separator, so "01.02.2023 10" is not a number.
fn phone_end(candidate: &str, rest: &str) -> Option<usize> {
    let bytes = candidate.as_bytes();
    let digits: Vec<usize> = (0..bytes.len())
        .filter(|&i| bytes[i].is_ascii_digit())
        .collect();
    let international = candidate.starts_with('+') || candidate.starts_with("00");
    // Skip the country code ("44", or "0044"), or the trunk 0.
    let mut first = match (international, candidate.starts_with('+')) {
        (true, true) => 2,
        (true, false) => 4,
        (false, _) => 1,
    };
    // "+44 (0)20 …" and "+44 020 …" both write the trunk 0 after the country code.
    if international && digits.get(first).is_some_and(|&i| bytes[i] == b'0') {
        first += 1;
    }
    let significant = digits.get(first..)?;
    if !b"123789".contains(&bytes[*significant.first()?]) {
        return None;
    }
    [10, 9].into_iter().find_map(|n| {
        let kept = significant.get(..n)?;
        let cut = kept.last()? + 1;
        let after = candidate[cut..]
            .chars()
            .next()
            .or_else(|| rest.chars().next());
        if after.is_some_and(is_word_char) {
            return None;
        }
        // The national trunk 0 counts towards the first group: "0161" is four digits.
        let trunk = if international {
            None
        } else {
            digits.first().copied()
        };
        groups_look_like_phone(candidate, trunk.iter().chain(kept), !international).then_some(cut)
    })
}

/// Checks digit grouping and separators for `phone_end`; `positions` are byte offsets of the
/// digits in `candidate`, in order.
fn groups_look_like_phone<'a>(
    candidate: &str,
    positions: impl Iterator<Item = &'a usize>,
    national: bool,
) -> bool {
    // (start, end) byte ranges of runs of adjacent digits.
    let mut groups: Vec<(usize, usize)> = Vec::new();
    for &i in positions {
        match groups.last_mut() {
            Some(last) if last.1 == i => last.1 = i + 1,
            _ => groups.push((i, i + 1)),
        }
    }
    let Some(&(first_start, first_end)) = groups.first() else {
        return false;
    };
    if groups.len() > 4
        || (national && first_end - first_start < 3)
        || groups[1..].iter().any(|&(s, e)| e - s < 2)
    {
        return false;
    }
    let mut kinds = groups.windows(2).filter_map(|pair| {
        let separator = &candidate[pair[0].1..pair[1].0];
        if separator.contains('-') {
            Some('-')
        } else if separator.contains('.') {
            Some('.')
        } else if separator.contains(')') {
            // A closing bracket goes with any style: "(0161) 496-0000".
            None
        } else {
            Some(' ')
        }
    });
    let first_kind = kinds.next();
    kinds.all(|kind| Some(kind) == first_kind)
}

/// Email addresses.
fn find_emails(text: &str, out: &mut Vec<Finding>) {
    out.extend(
        EMAIL
            .find_iter(text)
            .map(|m| finding(Kind::Email, (m.start(), m.end()))),
    );
}

/// Ten-digit runs (plain or 3-3-4) that stand alone; phone numbers win overlaps later.
fn find_nhs_numbers(text: &str, out: &mut Vec<Finding>) {
    let spans = scan(&NHS, text, |caps| {
        let m = caps.get(0)?;
        let (first, second) = (caps.get(1)?.as_str(), caps.get(2)?.as_str());
        if first.is_empty() != second.is_empty() {
            return None;
        }
        // Not part of a longer word or number, nor after a country code or currency sign.
        let before = char_before(text, m.start());
        if before.is_some_and(|c| is_word_char(c) || matches!(c, '+' | '£' | '$' | '€')) {
            return None;
        }
        let mut after = text[m.end()..].chars();
        match after.next() {
            Some(c) if is_word_char(c) => return None,
            // "1234567890.5" or "1234567890,000" continue the number.
            Some('.' | ',') if after.next().is_some_and(|c| c.is_ascii_digit()) => return None,
            _ => {}
        }
        Some((m.start(), m.end()))
    });
    out.extend(spans.into_iter().map(|(start, end)| {
        let digits: String = text[start..end]
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        Finding {
            kind: Kind::NhsNumber,
            start,
            end,
            note: nhs_number_is_valid(&digits).then_some("valid NHS number check digit"),
        }
    }));
}

/// Full postcodes written in one case: "SW1A 1AA" or "m1 1ae", but not "A1 2nd" or "C5 6th".
fn find_postcodes(text: &str, out: &mut Vec<Finding>) {
    let spans = scan(&POSTCODE, text, |caps| {
        let m = caps.get(0)?;
        let letters = || m.as_str().chars().filter(char::is_ascii_alphabetic);
        let one_case =
            letters().all(|c| c.is_ascii_uppercase()) || letters().all(|c| c.is_ascii_lowercase());
        one_case.then_some((m.start(), m.end()))
    });
    out.extend(spans.into_iter().map(|span| finding(Kind::Postcode, span)));
}

/// The date after a date-of-birth cue; the cue stays readable.
fn find_dates_of_birth(text: &str, out: &mut Vec<Finding>) {
    let spans = scan(&DOB, text, |caps| {
        let (cue, date) = (caps.name("cue")?, caps.name("date")?);
        // "DOB" may touch a digit ("DOB03/04/1951") but not a letter ("dobbin").
        if text[cue.end()..]
            .chars()
            .next()
            .is_some_and(char::is_alphabetic)
        {
            return None;
        }
        // The date starts a word ("DOB O'Neil03/04/1951" has none), unless it follows the cue
        // directly as in "DOB03/04/1951".
        let glued = char_before(text, date.start()).is_some_and(is_word_char);
        (cue.end() == date.start() || !glued).then_some((date.start(), date.end()))
    });
    out.extend(
        spans
            .into_iter()
            .map(|span| finding(Kind::DateOfBirth, span)),
    );
}

/// National Insurance numbers, minus the prefixes HMRC never issues.
fn find_ni_numbers(text: &str, out: &mut Vec<Finding>) {
    const NEVER_ISSUED: [&str; 7] = ["BG", "GB", "NK", "KN", "TN", "NT", "ZZ"];
    let spans = scan(&NI, text, |caps| {
        let prefix = caps.get(1)?.as_str();
        if NEVER_ISSUED.iter().any(|p| p.eq_ignore_ascii_case(prefix)) {
            return None;
        }
        let m = caps.get(0)?;
        Some((m.start(), m.end()))
    });
    out.extend(spans.into_iter().map(|span| finding(Kind::NiNumber, span)));
}

/// Bed, bay, ward and room references, unless the number is a duration ("in bed 2 days").
fn find_beds(text: &str, out: &mut Vec<Finding>) {
    const DURATIONS: [&str; 19] = [
        "day", "days", "week", "weeks", "hour", "hours", "hr", "hrs", "min", "mins", "minute",
        "minutes", "night", "nights", "times", "month", "months", "year", "years",
    ];
    let spans = scan(&BED, text, |caps| {
        let m = caps.get(0)?;
        let next = next_word(&text[m.end()..]);
        if DURATIONS.iter().any(|d| d.eq_ignore_ascii_case(next)) {
            return None;
        }
        Some((m.start(), m.end()))
    });
    out.extend(
        spans
            .into_iter()
            .map(|span| finding(Kind::BedBayWard, span)),
    );
}

/// Every title [`TITLED`] accepts, exactly as it spells them.
const TITLES_AS_SPELT: [&str; 22] = [
    "Mrs",
    "Mr",
    "Ms",
    "Miss",
    "Mx",
    "Dr",
    "Prof",
    "Professor",
    "Doctor",
    "Sister",
    "Sr",
    "Nurse",
    "mrs",
    "mr",
    "ms",
    "mx",
    "dr",
    "MRS",
    "MR",
    "MISS",
    "MX",
    "DR",
];

/// True when some word of `text` is a title: a match of [`TITLED`] needs one, and most
/// text has none, so the pattern need not even be compiled.
fn has_title_word(text: &str) -> bool {
    // Split wherever the pattern's `\b` could fall: every character that is not a word
    // character there separates words here too.
    text.split(|c: char| !(c.is_alphabetic() || c == '_' || c.is_ascii_digit()))
        .any(|word| TITLES_AS_SPELT.contains(&word))
}

/// ASCII case-insensitive substring test.
fn contains_ascii_ci(haystack: &str, needle: &str) -> bool {
    haystack
        .as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Names after a title; the span covers the name only, without a possessive "'s".
fn find_titled_names(text: &str, out: &mut Vec<Finding>) {
    if !has_title_word(text) {
        return;
    }
    let spans = scan(&TITLED, text, |caps| {
        let name = caps.name("name")?;
        let kept = keep_words(name.as_str(), NAME_FIRST_STOP_WORDS, NAME_LATER_STOP_WORDS)?;
        let kept_text = &name.as_str()[..kept];
        let shouted = caps.name("title")?.as_str().chars().all(char::is_uppercase);
        if shouted && kept_text.chars().any(char::is_lowercase) {
            return None;
        }
        // "Mrs Smith's daughter" keeps its "'s": the possessive is grammar, not identity.
        let trimmed = ["'s", "’s"]
            .iter()
            .find_map(|suffix| kept_text.strip_suffix(suffix))
            .filter(|stem| !stem.is_empty())
            .unwrap_or(kept_text);
        Some((name.start(), name.start() + trimmed.len()))
    });
    out.extend(
        spans
            .into_iter()
            .map(|span| finding(Kind::TitledName, span)),
    );
}

/// One alternative of the names pattern: the escaped words joined by any whitespace, with a
/// straight or curly apostrophe matching either, since phones turn one into the other.
fn name_alternative(words: &[&str]) -> String {
    let escaped: Vec<String> = words
        .iter()
        .map(|w| regex::escape(w).replace(['\'', '’'], "['’]"))
        .collect();
    escaped.join(r"\s+")
}

/// Listed names that stand as whole words.
///
/// The pattern prefers the longest name at each position, so when that one fails the
/// word-boundary check ("Ann Smith" in "Ann Smithson") the search is repeated on the text cut
/// short just before its end, which offers the next shorter name at the same start ("Ann").
fn find_names(names: &Regex, text: &str, out: &mut Vec<Finding>) {
    let mut at = 0;
    while let Some(m) = names.find_at(text, at) {
        let start = m.start();
        let mut end = m.end();
        let found = loop {
            if stands_alone(text, start, end) {
                break Some(end);
            }
            let Some(shorter_limit) = text[start..end].char_indices().next_back() else {
                break None;
            };
            match names.find_at(&text[..start + shorter_limit.0], start) {
                Some(shorter) if shorter.start() == start && shorter.end() > start => {
                    end = shorter.end();
                }
                _ => break None,
            }
        };
        at = match found {
            Some(end) => {
                out.push(finding(Kind::Name, (start, end)));
                end
            }
            None => after_char(text, start),
        };
        if at > text.len() {
            break;
        }
    }
}

/// Whether `text[start..end]` is not glued to a word outside it: a span that begins (ends)
/// with a word character must not be preceded (followed) by one. A name such as "(Jo)" has no
/// word character at its edges and so needs nothing around it.
fn stands_alone(text: &str, start: usize, end: usize) -> bool {
    let span = &text[start..end];
    let glued_before = span.chars().next().is_some_and(is_word_char)
        && char_before(text, start).is_some_and(is_word_char);
    let glued_after = span.chars().next_back().is_some_and(is_word_char)
        && text[end..].chars().next().is_some_and(is_word_char);
    !glued_before && !glued_after
}

/// The length of a name as written with single spaces, for ordering alternatives.
fn spelled_len(words: &[&str]) -> usize {
    words.iter().map(|w| w.len() + 1).sum()
}

// ---------------------------------------------------------------------------------------------
// Spans
// ---------------------------------------------------------------------------------------------

/// Settles overlaps: longest first, then earlier [`Kind`], then earlier start. Returns the
/// winners sorted by start.
fn choose(mut candidates: Vec<Finding>) -> Vec<Finding> {
    candidates.sort_by(|a, b| {
        (b.end - b.start)
            .cmp(&(a.end - a.start))
            .then(a.kind.cmp(&b.kind))
            .then(a.start.cmp(&b.start))
    });
    let mut chosen: Vec<Finding> = Vec::with_capacity(candidates.len());
    for candidate in candidates {
        // `chosen` is sorted and disjoint, so only the two neighbours can overlap.
        let at = chosen.partition_point(|f| f.start < candidate.start);
        let clear_before = at == 0 || chosen[at - 1].end <= candidate.start;
        let clear_after = chosen.get(at).is_none_or(|f| candidate.end <= f.start);
        if clear_before && clear_after {
            chosen.insert(at, candidate);
        }
    }
    chosen
}

/// Whether `start..end` overlaps any of `spans`, which are sorted and disjoint.
fn overlaps_any(spans: &[(usize, usize)], start: usize, end: usize) -> bool {
    let at = spans.partition_point(|&(_, span_end)| span_end <= start);
    spans
        .get(at)
        .is_some_and(|&(span_start, _)| span_start < end)
}

/// `text` with each of `findings` (sorted, disjoint) replaced by its placeholder.
fn apply(text: &str, findings: &[Finding]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for f in findings {
        out.push_str(&text[copied..f.start]);
        out.push_str(f.kind.placeholder());
        copied = f.end;
    }
    out.push_str(&text[copied..]);
    out
}

/// Maps a byte offset in `apply(text, done)` back to `text`.
///
/// Only meaningful outside the placeholders written for `done`, which holds for every span a
/// later round finds because candidates touching a placeholder are discarded.
fn to_original(done: &[Finding], offset: usize) -> usize {
    // A pair of positions known to correspond: the end of the last placeholder before
    // `offset` in the redacted text, and the end of its finding in the original.
    let (mut original, mut redacted) = (0, 0);
    for f in done {
        let placeholder_end = redacted + (f.start - original) + f.kind.placeholder().len();
        if placeholder_end > offset {
            break;
        }
        original = f.end;
        redacted = placeholder_end;
    }
    original + (offset - redacted)
}

/// Whether `c` is a word character in the sense of the regex crate's Unicode `\b`.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The character just before byte offset `at`.
fn char_before(text: &str, at: usize) -> Option<char> {
    text[..at].chars().next_back()
}

/// The byte offset just after the character at `at`, or past the end when `at` is the end.
fn after_char(text: &str, at: usize) -> usize {
    text[at..]
        .chars()
        .next()
        .map_or(text.len() + 1, |c| at + c.len_utf8())
}

/// The run of letters after any spaces at the start of `text`.
fn next_word(text: &str) -> &str {
    let text = text.trim_start_matches(' ');
    let end = text
        .find(|c: char| !c.is_alphabetic())
        .unwrap_or(text.len());
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    use proptest::prelude::*;

    /// The redactor the table uses: a user who listed three names.
    fn table_redactor() -> Redactor {
        Redactor::new(&[
            "Patel".to_owned(),
            "Joan  Smith".to_owned(),
            "O'Brien".to_owned(),
        ])
    }

    /// `(input, expected redaction)`. Near-misses expect their input back unchanged.
    const CASES: &[(&str, &str)] = &[
        // Phone numbers in their written forms.
        ("Call 07700 900123 tomorrow", "Call [phone] tomorrow"),
        ("his number is 07700900123.", "his number is [phone]."),
        ("07700 900 123", "[phone]"),
        (
            "ring (0161) 496 0000 after lunch",
            "ring [phone] after lunch",
        ),
        ("0161-496-0000", "[phone]"),
        ("0161 496 0000", "[phone]"),
        ("020 7946 0000", "[phone]"),
        ("07700.900.123", "[phone]"),
        ("0300 123 4567 is the helpline", "[phone] is the helpline"),
        ("freephone 0800 123 4567", "freephone [phone]"),
        ("+44 7700 900123", "[phone]"),
        ("+447700900123", "[phone]"),
        ("0044 7700 900123", "[phone]"),
        ("+44 (0)20 7946 0000", "[phone]"),
        ("tel:+44 161 496 0000;", "tel:[phone];"),
        ("07700 900123 45 times", "[phone] 45 times"),
        // Email.
        ("email jo.bloggs@nhs.net today", "email [email] today"),
        ("<a.b+c@example.co.uk>", "<[email]>"),
        ("siobhan.o'neil@nhs.net", "[email]"),
        // NHS numbers, valid or not.
        ("NHS number 943 476 5919", "NHS number [NHS number]"),
        ("943-476-5919", "[NHS number]"),
        ("9434765919", "[NHS number]"),
        ("ref 4010232137 on file", "ref [NHS number] on file"),
        ("patient no. 999 123 4560", "patient no. [NHS number]"),
        // Postcodes.
        ("lives at SW1A 1AA now", "lives at [postcode] now"),
        ("m1 1ae", "[postcode]"),
        ("GIR 0AA", "[postcode]"),
        ("EC1A1BB", "[postcode]"),
        ("B33 8TH", "[postcode]"),
        ("CR2 6XH and DN55 1PT", "[postcode] and [postcode]"),
        // Dates of birth.
        ("DOB 03/04/1951", "DOB [date of birth]"),
        ("D.O.B: 3.4.51", "D.O.B: [date of birth]"),
        ("date of birth 1951-04-03", "date of birth [date of birth]"),
        ("born on 3 April 1951", "born on [date of birth]"),
        ("born April 3rd 1951.", "born [date of birth]."),
        ("She was born in 1951", "She was born in [date of birth]"),
        ("DoB: 3rd of April, 1951", "DoB: [date of birth]"),
        ("born in March 1951", "born in [date of birth]"),
        ("DOB03/04/1951", "DOB[date of birth]"),
        // National Insurance numbers.
        ("NI number QQ 12 34 56 C", "NI number [NI number]"),
        ("AB123456C", "[NI number]"),
        // Bed, bay, ward and room references.
        ("in bed 12 overnight", "in [bed/bay] overnight"),
        ("moved to Bay 4 bed 2", "moved to [bed/bay]"),
        ("Bay 4, bed 2", "[bed/bay]"),
        ("side room 3", "[bed/bay]"),
        ("back to ward 7B", "back to [bed/bay]"),
        ("room 14", "[bed/bay]"),
        // Titles with names: the title stays.
        ("Mrs Patel said", "Mrs [name] said"),
        ("Dr Jones", "Dr [name]"),
        ("Mr J. Smith", "Mr [name]"),
        ("Mrs P was upset", "Mrs [name] was upset"),
        ("Dr O'Neil", "Dr [name]"),
        ("Mrs Smith-Jones", "Mrs [name]"),
        ("Mr. Brown", "Mr. [name]"),
        ("Nurse Ratched", "Nurse [name]"),
        ("Sister Agnes", "Sister [name]"),
        ("Mrs Joan Smith", "Mrs [name]"),
        ("Mrs Smith's daughter", "Mrs [name]'s daughter"),
        ("Prof Whitty and Mx Taylor", "Prof [name] and Mx [name]"),
        ("DR JONES and MRS SMITH", "DR [name] and MRS [name]"),
        ("Dr Jones Monday", "Dr [name] Monday"),
        (
            "Mrs A Mr B Dr Jones Mrs Smith",
            "Mrs [name] Mr [name] Dr [name] Mrs [name]",
        ),
        ("saw Mrs Smith Bay 4", "saw Mrs [name] [bed/bay]"),
        // The user's names.
        ("patel came in", "[name] came in"),
        ("Joan Smith again", "[name] again"),
        ("asked for O'Brien", "asked for [name]"),
        ("O’Brien’s son", "[name]’s son"),
        ("Dr Smith’s note", "Dr [name]’s note"),
        // Several kinds together.
        (
            "Mrs Patel (DOB 03/04/1951, NHS 943 476 5919) in bay 4 called 07700 900123",
            "Mrs [name] (DOB [date of birth], NHS [NHS number]) in [bed/bay] called [phone]",
        ),
        // Existing placeholders stay as they are.
        ("Mr [name] on [bed/bay]", "Mr [name] on [bed/bay]"),
        // Near-misses: ordinary clinical text must stay readable.
        ("a number of patients", "a number of patients"),
        ("bay leaf", "bay leaf"),
        ("Ward round at 10", "Ward round at 10"),
        ("10 mg", "10 mg"),
        ("0.5 ml", "0.5 ml"),
        ("0.5ml of 1:1000", "0.5ml of 1:1000"),
        ("BP 120/80", "BP 120/80"),
        ("at 14:30", "at 14:30"),
        ("seen on 03/04/2024", "seen on 03/04/2024"),
        ("on 01.02.2023 10:30", "on 01.02.2023 10:30"),
        ("room for improvement", "room for improvement"),
        ("in 2019", "in 2019"),
        ("£2,400", "£2,400"),
        ("£1,200.50", "£1,200.50"),
        ("GCS 15", "GCS 15"),
        ("NEWS2 score of 7", "NEWS2 score of 7"),
        ("bed rails up", "bed rails up"),
        ("Band 6", "Band 6"),
        ("the 07:00 handover", "the 07:00 handover"),
        ("Dr appointment", "Dr appointment"),
        ("I spoke to Mrs", "I spoke to Mrs"),
        (
            "I spoke to Mrs. The next day",
            "I spoke to Mrs. The next day",
        ),
        ("I spoke to Mum", "I spoke to Mum"),
        ("A&E", "A&E"),
        ("COVID-19", "COVID-19"),
        ("ICD-10", "ICD-10"),
        ("B12", "B12"),
        ("M1 motorway", "M1 motorway"),
        ("year 10 pupil", "year 10 pupil"),
        ("ward manager", "ward manager"),
        ("2 beds free", "2 beds free"),
        ("in bed 2 days", "in bed 2 days"),
        ("Clinical Nurse Specialist", "Clinical Nurse Specialist"),
        (
            "MR scan, MR Angiography and MS clinic",
            "MR scan, MR Angiography and MS clinic",
        ),
        (
            "C5 6th nerve, the A1 2nd time",
            "C5 6th nerve, the A1 2nd time",
        ),
        ("£1234567890", "£1234567890"),
        ("Patelson", "Patelson"),
        ("Joan alone", "Joan alone"),
        (
            "dobbin 1951 and the stubborn 1951",
            "dobbin 1951 and the stubborn 1951",
        ),
        ("BG123456C and DA123456C", "BG123456C and DA123456C"),
        ("12345678901", "12345678901"),
        ("INR 2.5, Hb 102 g/L, 5mg", "INR 2.5, Hb 102 g/L, 5mg"),
    ];

    #[test]
    fn redaction_table() {
        let redactor = table_redactor();
        let failures: Vec<String> = CASES
            .iter()
            .filter_map(|&(input, expected)| {
                let got = redactor.redact(input);
                (got != expected).then(|| format!("{input:?}\n   got {got:?}\n  want {expected:?}"))
            })
            .collect();
        assert!(
            failures.is_empty(),
            "{} of {} rows failed:\n{}",
            failures.len(),
            CASES.len(),
            failures.join("\n")
        );
        assert!(CASES.len() >= 60);
    }

    #[test]
    fn table_outputs_are_fixpoints() {
        let redactor = table_redactor();
        for &(_, expected) in CASES {
            assert_eq!(redactor.find(expected), Vec::new(), "{expected:?}");
        }
    }

    #[test]
    fn built_in_patterns_compile() {
        for re in [
            &PLACEHOLDER,
            &PHONE,
            &NHS,
            &EMAIL,
            &POSTCODE,
            &NI,
            &BED,
            &DOB,
            &TITLED,
            &AGE,
            &PLACE,
        ] {
            LazyLock::force(re);
        }
    }

    #[test]
    fn every_placeholder_is_recognised_as_one() {
        for kind in [
            Kind::Phone,
            Kind::Email,
            Kind::NhsNumber,
            Kind::Postcode,
            Kind::DateOfBirth,
            Kind::NiNumber,
            Kind::BedBayWard,
            Kind::TitledName,
            Kind::Name,
        ] {
            let placeholder = kind.placeholder();
            let m = PLACEHOLDER.find(placeholder).expect("placeholder matches");
            assert_eq!(m.as_str(), placeholder);
            assert!(!kind.label().is_empty());
        }
    }

    #[test]
    fn nhs_check_digit() {
        assert!(nhs_number_is_valid("9434765919"));
        assert!(nhs_number_is_valid("4010232137"));
        // Check digit would be 10: no such number can exist.
        assert!(!nhs_number_is_valid("9991234560"));
        // A valid number with its last digit mistyped, and with two digits swapped.
        assert!(!nhs_number_is_valid("9434765918"));
        assert!(!nhs_number_is_valid("9437465919"));
        for bad in [
            "",
            "943476591",
            "94347659190",
            "943 476 5919",
            "943476591a",
            "９434765919",
        ] {
            assert!(!nhs_number_is_valid(bad), "{bad:?}");
        }
    }

    #[test]
    fn valid_nhs_numbers_carry_a_note() {
        let redactor = Redactor::new(&[]);
        let found = redactor.find("valid 943 476 5919, invalid 999 123 4560");
        let notes: Vec<_> = found.iter().map(|f| (f.kind, f.note)).collect();
        assert_eq!(
            notes,
            [
                (Kind::NhsNumber, Some("valid NHS number check digit")),
                (Kind::NhsNumber, None)
            ]
        );
    }

    #[test]
    fn phone_wins_over_nhs_number() {
        let redactor = Redactor::new(&[]);
        for text in ["+44 7700 900123", "0123456789", "+44 943 476 5919"] {
            let found = redactor.find(text);
            assert_eq!(found.len(), 1, "{text:?}: {found:?}");
            assert_eq!(found[0].kind, Kind::Phone, "{text:?}");
        }
    }

    #[test]
    fn titled_span_covers_only_the_name() {
        let text = "Mr J. Smith arrived";
        let found = Redactor::new(&[]).find(text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].kind, Kind::TitledName);
        assert_eq!(&text[found[0].start..found[0].end], "J. Smith");
    }

    #[test]
    fn masking_one_identifier_can_reveal_another() {
        // The email beats "Jo Bloggs" in the first round; "Jo" shows up in the second.
        let text = "Dr Jo Bloggs@x.com";
        let redactor = Redactor::new(&[]);
        assert_eq!(redactor.redact(text), "Dr [name] [email]");
        let found = redactor.find(text);
        let kinds: Vec<_> = found
            .iter()
            .map(|f| (f.kind, &text[f.start..f.end]))
            .collect();
        assert_eq!(
            kinds,
            [(Kind::TitledName, "Jo"), (Kind::Email, "Bloggs@x.com")]
        );
    }

    #[test]
    fn spans_are_sorted_disjoint_char_boundaries_with_multibyte_text() {
        let redactor = Redactor::new(&["Zoë".to_owned()]);
        let text = "“Mrs Smith” ☕ rang 07700 900123 from the café; Zoë’s DOB 3.4.51 🙂 SW1A 1AA…";
        let found = redactor.find(text);
        assert_sound(text, &found);
        assert_eq!(
            redactor.redact(text),
            "“Mrs [name]” ☕ rang [phone] from the café; [name]’s DOB [date of birth] 🙂 [postcode]…"
        );
    }

    #[test]
    fn names_list_is_whole_word_case_insensitive_and_literal() {
        let redactor = Redactor::new(&[
            "patel".to_owned(),
            "   ".to_owned(),
            String::new(),
            "Jo (Jay)".to_owned(),
            "a.b".to_owned(),
        ]);
        assert_eq!(
            redactor.redact("PATEL, Patelson, Patel."),
            "[name], Patelson, [name]."
        );
        assert_eq!(redactor.redact("Jo (Jay) came"), "[name] came");
        assert_eq!(redactor.redact("axb a.b"), "axb [name]");
        assert_eq!(format!("{redactor:?}"), "Redactor { names: 3 }");
    }

    #[test]
    fn a_shorter_listed_name_is_found_when_the_longer_one_runs_into_a_word() {
        let redactor = Redactor::new(&["Ann".to_owned(), "Ann Smith".to_owned()]);
        assert_eq!(
            redactor.redact("Ann Smithson and Ann Smith"),
            "[name] Smithson and [name]"
        );
        assert_eq!(
            redactor.redact("Annie, ann’s, ANN_X"),
            "Annie, [name]’s, ANN_X"
        );
    }

    #[test]
    fn names_that_spell_a_placeholder_word_do_not_loop() {
        let redactor = Redactor::new(&["name".to_owned(), "bay".to_owned(), "phone".to_owned()]);
        assert_eq!(
            redactor.redact("name, bay 4, phone"),
            "[name], [bed/bay], [name]"
        );
        assert_eq!(redactor.redact("[name] [phone]"), "[name] [phone]");
    }

    #[test]
    fn warnings_flag_ages_and_small_places() {
        let redactor = Redactor::new(&["Patel".to_owned()]);
        let text = "An 87-year-old man, aged 87, 87 years old, lives in Little Snoring, \
                    from Leeds. Took 87 mg. Card from Mum and from Patel on Monday.";
        let warnings: Vec<_> = redactor
            .warnings(text)
            .iter()
            .map(|w| (w.kind, &text[w.start..w.end]))
            .collect();
        assert_eq!(
            warnings,
            [
                (WarningKind::ExactAge, "87-year-old"),
                (WarningKind::ExactAge, "aged 87"),
                (WarningKind::ExactAge, "87 years old"),
                (WarningKind::NamedPlace, "Little Snoring"),
                (WarningKind::NamedPlace, "Leeds"),
            ]
        );
        assert!(
            redactor
                .warnings("87 mg of something from the ward")
                .is_empty()
        );
    }

    /// Checks the `find` invariants on `found` for `text`.
    fn assert_sound(text: &str, found: &[Finding]) {
        let mut previous_end = 0;
        for f in found {
            assert!(f.start < f.end, "empty span {f:?}");
            assert!(previous_end <= f.start, "unsorted or overlapping at {f:?}");
            assert!(
                text.is_char_boundary(f.start) && text.is_char_boundary(f.end),
                "{f:?}"
            );
            assert!(f.end <= text.len());
            previous_end = f.end;
        }
    }

    /// The redactor the properties use, with names chosen to collide with placeholders,
    /// other detectors and regex syntax.
    static PROPERTY_REDACTOR: LazyLock<Redactor> = LazyLock::new(|| {
        let names = [
            "Patel",
            "Joan Smith",
            "name",
            "bay",
            "O'Neil",
            "(x",
            "a.b",
            "Jo",
        ];
        Redactor::new(&names.map(str::to_owned))
    });

    /// Identifier-shaped fragments and the punctuation around them.
    const FRAGMENTS: &[&str] = &[
        "07700 900123",
        "+44 (0)20 7946 0000",
        "(0161) 496",
        "943 476 5919",
        "9434765919",
        "SW1A 1AA",
        "m1 1ae",
        "DOB ",
        "03/04/1951",
        "born in ",
        "1951",
        "April 3rd",
        "QQ 12 34 56 C",
        "bed 12",
        "Bay 4",
        "ward 7B",
        "Mrs ",
        "Dr. ",
        "Nurse ",
        "Smith",
        "O'Neil",
        "J.",
        "Patel",
        "Joan Smith",
        "jo@nhs.net",
        "[name]",
        "[phone]",
        "[bed/bay]",
        "[date of birth]",
        "name",
        "bay",
        "aged 87",
        "from Leeds",
        " ",
        "-",
        "(",
        ")",
        ".",
        "’s",
        "café ☕",
        "0",
        "44",
        "\n",
        "DR ",
        "MRS ",
        "JONES",
        "@nhs.net",
        "’",
        "+44 ",
        "Monday",
    ];

    /// Text built from identifier-shaped fragments and short arbitrary strings.
    fn mixed_text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            prop::sample::select(FRAGMENTS).prop_map(str::to_owned),
            ".{0,4}",
            "[0-9 ]{0,6}",
        ];
        prop::collection::vec(piece, 0..16).prop_map(|pieces| pieces.concat())
    }

    /// All the properties, for any text.
    fn check_properties(text: &str) -> Result<(), TestCaseError> {
        let redactor = &*PROPERTY_REDACTOR;
        let found = redactor.find(text);
        assert_sound(text, &found);
        let once = redactor.redact(text);
        prop_assert_eq!(&once, &apply(text, &found));
        prop_assert_eq!(redactor.find(&once), Vec::new());
        prop_assert_eq!(redactor.redact(&once), once.clone());
        for w in redactor.warnings(text) {
            prop_assert!(w.start < w.end && w.end <= text.len());
            prop_assert!(text.is_char_boundary(w.start) && text.is_char_boundary(w.end));
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(crate::testing::proptest_config())]
        #[test]
        fn arbitrary_text_keeps_the_invariants(text in any::<String>()) {
            check_properties(&text)?;
        }

        #[test]
        fn the_title_shortcut_never_skips_a_title(
            before in "[ a-zA-Z0-9_.,'²٣\u{301}-]{0,3}",
            title in proptest::sample::select(&TITLES_AS_SPELT[..]),
            after in "[ .][ A-Za-z]{0,8}",
        ) {
            let text = format!("{before}{title}{after}");
            if TITLED.is_match(&text) {
                prop_assert!(has_title_word(&text), "{text:?}");
            }
        }

        #[test]
        fn the_place_and_age_shortcuts_never_skip_a_warning(text in "[ a-zA-Z0-9]{0,40}") {
            if PLACE.is_match(&text) {
                prop_assert!(contains_ascii_ci(&text, "from") || contains_ascii_ci(&text, "liv"));
            }
            if AGE.is_match(&text) {
                prop_assert!(text.bytes().any(|b| b.is_ascii_digit()));
            }
        }

        #[test]
        fn identifier_shaped_text_keeps_the_invariants(text in mixed_text()) {
            check_properties(&text)?;
        }
    }
}
