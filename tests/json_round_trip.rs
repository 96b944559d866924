//! The full-fidelity JSON export is lossless: any entry written by the export writer
//! comes back from the importer exactly as it was, text, tags with evidence, status
//! history, share level, reflection and record included.

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use proptest::prelude::*;

use candour::import::from_export;
use candour::journal::tagging::retag;
use candour::model::{
    DilemmaRecord, EntryId, Initiator, Payload, Reflection, ReflectionSection, ReflectiveModel,
    ShareLevel, Status, Tag, TagSource,
};
use candour::report::json::{ExportedEntry, FORMAT, Header, VERSION, Writer};
use candour::taxonomy::Taxonomy;

fn utc(seconds: i64, nanos: u32) -> DateTime<Utc> {
    Utc.timestamp_opt(seconds, nanos)
        .single()
        .unwrap_or_default()
}

fn moment() -> impl Strategy<Value = DateTime<FixedOffset>> {
    // 1990 to 2060, any nanosecond, any whole-minute offset within ±14 h.
    (
        631_152_000i64..2_871_763_200,
        0u32..1_000_000_000,
        -840i32..=840,
    )
        .prop_map(|(seconds, nanos, minutes)| {
            let offset = FixedOffset::east_opt(minutes * 60).expect("within ±14 h");
            utc(seconds, nanos).with_timezone(&offset)
        })
}

fn optional_text() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(any::<String>())
}

fn payload() -> impl Strategy<Value = Payload> {
    let statuses = proptest::collection::vec(
        (
            prop_oneof![
                Just(Status::ToDiscuss),
                Just(Status::Discussed),
                Just(Status::Resolved),
                Just(Status::New)
            ],
            optional_text(),
        ),
        0..4,
    );
    let sections = proptest::collection::vec(
        (
            "[a-z-]{1,12}",
            any::<String>(),
            any::<String>(),
            any::<bool>(),
        ),
        0..4,
    );
    let share = proptest::option::of(prop_oneof![
        Just(ShareLevel::Private),
        Just(ShareLevel::Supervision),
        Just(ShareLevel::Manager)
    ]);
    let record = (
        proptest::option::of(prop_oneof![
            Just(Initiator::Patient),
            Just(Initiator::Family),
            Just(Initiator::Colleague),
            Just(Initiator::Me)
        ]),
        optional_text(),
        optional_text(),
        optional_text(),
    );
    (
        // Text that the tagger finds something in, half the time.
        prop_oneof![
            any::<String>(),
            "(He gave me his (personal )?number|The family left me a £[0-9]{2} voucher|A former patient sent a friend request)\\. \\PC{0,80}"
        ],
        moment(),
        statuses,
        sections,
        share,
        record,
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(text, occurred_at, statuses, sections, share, record, starred, manual)| {
                let now = utc(1_800_000_000, 5);
                let mut p = Payload::new(text, occurred_at, now);
                retag(&mut p, Taxonomy::builtin(), true);
                if manual {
                    p.tags.push(Tag {
                        category: "safeguarding".parse().expect("a known category"),
                        source: TagSource::Manual,
                        confidence: None,
                        evidence: Vec::new(),
                    });
                }
                for ((status, note), i) in statuses.into_iter().zip(0i64..) {
                    p.set_status(status, utc(1_800_000_100 + i, 0), None, note);
                }
                if !sections.is_empty() {
                    p.reflection = Some(Reflection {
                        model: ReflectiveModel::Gibbs,
                        sections: sections
                            .into_iter()
                            .map(|(id, heading, text, shared)| ReflectionSection {
                                id,
                                heading,
                                text,
                                shared,
                            })
                            .collect(),
                        updated_at: now,
                    });
                }
                p.share = share;
                p.record = DilemmaRecord {
                    initiated_by: record.0,
                    what_i_did: record.1,
                    who_i_told: record.2,
                    outcome: record.3,
                };
                p.starred = starred;
                p
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn every_entry_survives_an_export_and_import_unchanged(
        payloads in proptest::collection::vec(payload(), 1..6),
        exported_at in moment(),
    ) {
        let header = Header {
            format: FORMAT.to_owned(),
            version: VERSION,
            exported_at,
            candour: "test".to_owned(),
            complete: true,
            redacted: false,
            audience: None,
            from: None,
            to: None,
        };
        let mut doc = Writer::begin(Vec::new(), &header).expect("in memory");
        let written: Vec<(Payload, DateTime<Utc>)> = payloads
            .into_iter()
            .zip(0i64..)
            .map(|(p, i)| (p, utc(1_800_000_200 + i, 7)))
            .collect();
        for ((payload, updated_at), id) in written.iter().zip(1i64..) {
            doc.entry(&ExportedEntry {
                id: EntryId(id),
                updated_at: *updated_at,
                payload: payload.clone(),
            })
            .expect("in memory");
        }
        let bytes = doc.finish(&[], &[]).expect("in memory");
        let text = String::from_utf8(bytes).expect("JSON is UTF-8");
        let (read_header, batch) = from_export(&text).expect("our own export imports");
        prop_assert!(read_header.complete && !read_header.redacted);
        prop_assert_eq!(batch.entries.len(), written.len());
        for ((got, got_updated), (want, want_updated)) in batch.entries.iter().zip(&written) {
            prop_assert!(got == want, "payload changed in the round trip: {:?} vs {:?}", got, want);
            prop_assert_eq!(got_updated, want_updated);
        }
    }
}
