//! `passwd`: re-wraps the key only.

use crate::support::{PASSPHRASE, TestEnv, contains};

#[test]
fn passwd_changes_the_passphrase_and_leaves_entries_byte_identical() {
    let env = TestEnv::new();
    env.add("Entry one.");
    env.add("Entry two.");
    let before = env.blobs();
    let old_wrapped = wrapped_key(&env);
    let new_file = env.root().join("new-pass");
    std::fs::write(&new_file, "a brand new passphrase\n").unwrap();
    env.read(&[
        "passwd",
        "--new-passphrase-file",
        new_file.to_str().unwrap(),
    ]);
    assert_eq!(env.blobs(), before, "entry ciphertexts changed");
    // Old passphrase fails, new one works, recovery key still works.
    let old = env.passphrase_file.to_str().unwrap().to_owned();
    env.fails(&["list", "--passphrase-file", &old], 3);
    let out = env.ok(&["list", "--passphrase-file", new_file.to_str().unwrap()]);
    assert!(out.contains("Entry two."));
    let out = env.ok(&["list", "--identity", env.recovery_file.to_str().unwrap()]);
    assert!(out.contains("Entry one."));
    // The old wrapped key is gone from every file, so the old passphrase opens nothing
    // even for someone holding a copy of the journal directory made afterwards.
    assert_ne!(wrapped_key(&env), old_wrapped);
    let tail = &old_wrapped[old_wrapped.len() - 48..];
    for (path, bytes) in env.stored_files() {
        assert!(
            !contains(&bytes, tail),
            "old wrapped key still in {}",
            path.display()
        );
    }
    env.assert_integrity();
}

fn wrapped_key(env: &TestEnv) -> Vec<u8> {
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    conn.query_row(
        "SELECT value FROM meta WHERE key = 'wrapped_key'",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

#[test]
fn passwd_with_the_wrong_passphrase_changes_nothing() {
    let env = TestEnv::new();
    env.add("Entry.");
    let wrong = env.root().join("wrong");
    std::fs::write(&wrong, "not the passphrase\n").unwrap();
    let new_file = env.root().join("new-pass");
    std::fs::write(&new_file, "another new passphrase\n").unwrap();
    let before = env.fingerprint();
    env.fails(
        &[
            "passwd",
            "--passphrase-file",
            wrong.to_str().unwrap(),
            "--new-passphrase-file",
            new_file.to_str().unwrap(),
        ],
        3,
    );
    assert_eq!(env.fingerprint(), before);
    assert!(env.read(&["list"]).contains("Entry."));
}

#[test]
fn passwd_without_a_new_passphrase_source_fails_cleanly() {
    let mut env = TestEnv::new();
    env.set_env("CANDOUR_PASSPHRASE", PASSPHRASE);
    let before = env.fingerprint();
    env.fails(&["passwd"], 2);
    assert_eq!(env.fingerprint(), before);
}
