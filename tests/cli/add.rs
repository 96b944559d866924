//! `candour add`: capture without a passphrase, from args, stdin or the editor.

use crate::support::TestEnv;

#[test]
fn add_needs_no_unlock_source_at_all() {
    // TestEnv passes no passphrase, no identity, and stdin is not a terminal.
    let env = TestEnv::new();
    let out = env.ok(&["add", "Patient gave me his number on my last shift."]);
    assert!(out.contains("Added entry 1"), "{out}");
    let listed = env.read(&["list"]);
    assert!(listed.contains("Patient gave me his number on my last shift."));
}

#[test]
fn add_joins_unquoted_words() {
    let env = TestEnv::new();
    env.ok(&["add", "A", "family", "offered", "a", "voucher."]);
    let v = env.read_json(&["list"]);
    assert_eq!(v["entries"][0]["title"], "A family offered a voucher.");
}

#[test]
fn add_reads_stdin_when_not_a_tty() {
    let env = TestEnv::new();
    env.ok_stdin(&["add"], Some(b"From stdin. Second sentence.\n"));
    let v = env.read_json(&["show", "1"]);
    assert_eq!(v["title"], "From stdin.");
    assert_eq!(v["body"], "Second sentence.");
    assert_eq!(v["text"], "From stdin. Second sentence.");
}

#[test]
fn add_stores_when_it_happened() {
    let mut env = TestEnv::new();
    env.set_env("CANDOUR_NOW", "2026-11-25T10:30:00Z");
    env.ok(&["add", "--at", "yesterday 15:00", "Happened yesterday."]);
    env.ok(&["add", "--at", "3 days ago", "Three days back."]);
    env.ok(&["add", "--at", "last Friday", "On Friday."]);
    env.ok(&["add", "--at", "2026-11-01", "An ISO date."]);
    env.ok(&[
        "add",
        "--at",
        "2026-11-02T08:15:00+01:00",
        "An RFC 3339 time.",
    ]);
    let v = env.read_json(&["list"]);
    let by_title = |t: &str| {
        v["entries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["title"] == t)
            .unwrap()["occurred_at"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(by_title("Happened yesterday."), "2026-11-24T15:00:00+00:00");
    assert!(by_title("Three days back.").starts_with("2026-11-22"));
    assert!(by_title("On Friday.").starts_with("2026-11-20"));
    assert!(by_title("An ISO date.").starts_with("2026-11-01"));
    assert_eq!(by_title("An RFC 3339 time."), "2026-11-02T08:15:00+01:00");
}

#[test]
fn add_json_prints_the_entry() {
    let env = TestEnv::new();
    let out = env.ok(&["add", "--json", "Short and sweet."]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["id"], 1);
    assert_eq!(v["status"], "new");
    assert!(v["uuid"].as_str().unwrap().len() == 36);
}

#[test]
fn add_refuses_empty_text_and_stores_nothing() {
    let env = TestEnv::new();
    let before = env.fingerprint();
    env.fails(&["add", "   "], 2);
    env.fails_stdin(&["add"], Some(b"\n\n  \n"), 2);
    assert_eq!(env.fingerprint(), before);
}

#[test]
fn add_refuses_non_utf8_stdin() {
    let env = TestEnv::new();
    let before = env.fingerprint();
    let err = env.fails_stdin(&["add"], Some(&[0x66, 0x6f, 0xff, 0xfe, 0x0a]), 2);
    assert!(err.contains("UTF-8"), "{err}");
    assert_eq!(env.fingerprint(), before);
}

#[test]
fn add_refuses_huge_input_with_a_clear_limit() {
    let env = TestEnv::new();
    let before = env.fingerprint();
    let huge = vec![b'a'; 3 * 1024 * 1024];
    let err = env.fails_stdin(&["add"], Some(&huge), 2);
    assert!(err.contains("limit"), "{err}");
    assert_eq!(env.fingerprint(), before);
}

#[test]
fn add_refuses_bad_dates() {
    let env = TestEnv::new();
    let before = env.fingerprint();
    for bad in ["banana", "tomorrow", "2026-13-45", ""] {
        let err = env.fails(&["add", "--at", bad, "text"], 2);
        assert!(err.contains("--at"), "{err}");
    }
    assert_eq!(env.fingerprint(), before);
}

#[test]
fn add_without_a_journal_says_how_to_make_one() {
    let env = TestEnv::empty();
    let err = env.fails(&["add", "Nowhere to go."], 4);
    assert!(err.contains("candour init"), "{err}");
    assert!(!env.db().exists());
}

#[test]
fn two_processes_adding_at_once_both_succeed() {
    let env = TestEnv::new();
    let journal = env.journal.clone();
    let home = env.root().to_owned();
    let writers: Vec<_> = (0..2)
        .map(|p| {
            let (journal, home) = (journal.clone(), home.clone());
            std::thread::spawn(move || {
                for i in 0..25 {
                    let out = std::process::Command::new(env!("CARGO_BIN_EXE_candour"))
                        .env_clear()
                        .env("CANDOUR_HOME", &journal)
                        .env("HOME", &home)
                        .env("NO_COLOR", "1")
                        .args(["add", &format!("writer {p} entry {i}")])
                        .stdin(std::process::Stdio::null())
                        .output()
                        .unwrap();
                    assert!(
                        out.status.success(),
                        "{}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                }
            })
        })
        .collect();
    for writer in writers {
        writer.join().unwrap();
    }
    let v = env.read_json(&["list"]);
    assert_eq!(v["entries"].as_array().unwrap().len(), 50);
    env.assert_integrity();
}
