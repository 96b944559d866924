//! Properties: the parsers that read files a user hands over never panic, whatever the
//! bytes — the jrnl and candour importers and the taxonomy loader. (The date parser,
//! the tagger and redaction have their own properties beside their code.)

use chrono::{FixedOffset, NaiveDateTime, TimeZone, Utc};
use proptest::prelude::*;

use candour::import;
use candour::taxonomy::Taxonomy;

fn local(naive: NaiveDateTime) -> chrono::DateTime<FixedOffset> {
    FixedOffset::east_opt(0)
        .expect("UTC")
        .from_utc_datetime(&naive)
}

/// Text that is often nearly valid: fragments of the real formats, shuffled.
fn near_miss(fragments: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            prop::sample::select(fragments).prop_map(str::to_owned),
            "\\PC{0,12}",
        ],
        0..24,
    )
    .prop_map(|parts| parts.concat())
}

const JRNL: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"tags\"",
    "\"entries\"",
    "\"title\"",
    "\"body\"",
    "\"date\"",
    "\"time\"",
    "\"starred\"",
    "true",
    "null",
    "\"2026-02-30\"",
    "\"25:61\"",
    "\"@gift\"",
    "\"9999-12-31\"",
    "\"\"",
    "1e999",
    "-0",
];

const CANDOUR: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"format\"",
    "\"candour-export\"",
    "\"version\"",
    "1",
    "99",
    "\"entries\"",
    "\"uuid\"",
    "\"occurred_at\"",
    "\"2026-11-25T10:00:00+00:00\"",
    "\"text\"",
    "\"tags\"",
    "\"actions\"",
    "\"sessions\"",
    "null",
    "\"not-a-uuid\"",
];

const TAXONOMY: &[&str] = &[
    "version = 1\n",
    "name = \"x\"\n",
    "threshold = 0.5\n",
    "[[category]]\n",
    "id = \"gifts\"\n",
    "cues = [{ pattern = \"(a|b\" }]\n",
    "cues = [{ pattern = \"{nope}\" }]\n",
    "[macros]\n",
    "a = \"{a}\"\n",
    "weight = 2.0\n",
    "default_route = \"moon\"\n",
    "combos = [{ all = [\"x\"] }]\n",
    "\"\"\"\n",
    "[[rule]]\n",
    "when = {}\n",
    "{w99}",
    "*",
    "?",
    "(",
    ")",
    "|",
];

fn config() -> ProptestConfig {
    // Failing cases are saved beside this file and committed, so they replay forever.
    ProptestConfig {
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::WithSource("proptest-regressions"),
        )),
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn the_jrnl_importer_never_panics(text in prop_oneof![near_miss(JRNL), "\\PC{0,200}"]) {
        let now = Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).single().expect("a valid time");
        let _ = import::jrnl::parse(&text, &local, now);
    }

    #[test]
    fn the_candour_importer_never_panics(text in prop_oneof![near_miss(CANDOUR), "\\PC{0,200}"]) {
        let _ = import::from_export(&text);
    }

    #[test]
    fn the_taxonomy_loader_never_panics(text in prop_oneof![near_miss(TAXONOMY), "\\PC{0,200}"]) {
        let _ = Taxonomy::parse(&text, "property test");
    }
}
