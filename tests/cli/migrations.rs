//! Old journals keep working: a schema-v1 journal made by an early build is opened by
//! the current binary, upgraded in place, and every entry reads.

use crate::support::TestEnv;

fn with_v1_fixture() -> TestEnv {
    let env = TestEnv::empty();
    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/journal-v1");
    std::fs::create_dir_all(&env.journal).unwrap();
    std::fs::copy(fixture.join("journal.db"), env.db()).unwrap();
    env
}

#[test]
fn a_v1_journal_opens_and_every_entry_reads() {
    let env = with_v1_fixture();
    let v = env.read_json(&["list"]);
    let titles: Vec<&str> = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "Saw a former client at the gym; we chatted briefly about nothing to do with her care.",
            "The family of a resident offered me a £50 gift card.",
            "A long-stay patient gave me his personal number as I was transferring.",
        ]
    );
    for id in ["1", "2", "3"] {
        let entry = env.read_json(&["show", id]);
        assert_eq!(entry["version"], 1);
    }
    assert_eq!(
        env.read_json(&["show", "3"])["edited_at"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    env.assert_integrity();
}

#[test]
fn a_v1_journal_is_upgraded_to_the_current_schema_once() {
    let env = with_v1_fixture();
    env.add("Added by the current build.");
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    let files = std::fs::read_dir(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".sql")
        })
        .count();
    assert_eq!(
        usize::try_from(version).unwrap(),
        files,
        "user_version should match the number of migrations"
    );
    assert_eq!(
        env.read_json(&["list"])["entries"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
}

#[test]
fn the_v1_recovery_key_still_unlocks() {
    let env = with_v1_fixture();
    let key = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/journal-v1/recovery.txt");
    let out = env.ok(&["list", "--identity", key.to_str().unwrap()]);
    assert!(out.contains("gift card"));
}
