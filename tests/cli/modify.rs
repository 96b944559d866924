//! `edit` and `delete`.

use crate::support::{TestEnv, contains};

#[test]
fn edit_replaces_text_and_keeps_identity() {
    let env = TestEnv::new();
    env.add("First version.");
    let before = env.read_json(&["show", "1"]);
    env.read(&["edit", "1", "--text", "Second version. With more."]);
    let after = env.read_json(&["show", "1"]);
    assert_eq!(after["text"], "Second version. With more.");
    assert_eq!(after["title"], "Second version.");
    assert_eq!(after["uuid"], before["uuid"]);
    assert_eq!(after["created_at"], before["created_at"]);
    assert_eq!(after["edited_at"].as_array().unwrap().len(), 1);
}

#[test]
fn edit_reads_new_text_from_stdin() {
    let env = TestEnv::new();
    env.add("Before.");
    let pass = env.passphrase_file.to_str().unwrap().to_owned();
    env.ok_stdin(
        &["edit", "1", "--passphrase-file", &pass],
        Some(b"After, from a pipe.\n"),
    );
    assert_eq!(env.read_json(&["show", "1"])["text"], "After, from a pipe.");
}

#[test]
fn edit_changes_the_date_and_the_order() {
    let mut env = TestEnv::new();
    env.set_env("CANDOUR_NOW", "2026-11-25T12:00:00Z");
    env.ok(&["add", "--at", "2026-11-01", "Was old."]);
    env.ok(&["add", "--at", "2026-11-10", "Was newer."]);
    env.read(&["edit", "1", "--at", "2026-11-20 10:00"]);
    let v = env.read_json(&["list"]);
    assert_eq!(v["entries"][0]["title"], "Was old.");
    assert_eq!(v["entries"][0]["occurred_at"], "2026-11-20T10:00:00+00:00");
    env.assert_integrity();
}

#[test]
fn edit_to_empty_text_changes_nothing() {
    let env = TestEnv::new();
    env.add("Keep this.");
    let before = env.fingerprint();
    let pass = env.passphrase_file.to_str().unwrap().to_owned();
    env.fails(
        &["edit", "1", "--text", "  ", "--passphrase-file", &pass],
        2,
    );
    assert_eq!(env.fingerprint(), before);
}

#[test]
fn editing_a_missing_entry_is_not_found() {
    let env = TestEnv::new();
    let pass = env.passphrase_file.to_str().unwrap().to_owned();
    env.fails(&["edit", "7", "--text", "x", "--passphrase-file", &pass], 4);
}

#[test]
fn delete_needs_confirmation_without_a_terminal() {
    let env = TestEnv::new();
    env.add("Still here.");
    let before = env.fingerprint();
    let err = env.fails(&["delete", "1"], 2);
    assert!(err.contains("--yes"), "{err}");
    assert_eq!(env.fingerprint(), before);
}

#[test]
fn delete_removes_the_entry_and_its_ciphertext() {
    let env = TestEnv::new();
    env.add("Goes away.");
    env.add("Stays.");
    let blob = env.blobs()[0].1.clone();
    env.ok(&["delete", "1", "--yes"]);
    let v = env.read_json(&["list"]);
    assert_eq!(v["entries"].as_array().unwrap().len(), 1);
    assert_eq!(v["entries"][0]["title"], "Stays.");
    // secure_delete: the ciphertext's bytes do not linger in free pages or the WAL.
    let tail = &blob[blob.len() - 64..];
    for (path, bytes) in env.stored_files() {
        assert!(
            !contains(&bytes, tail),
            "deleted ciphertext still in {}",
            path.display()
        );
    }
    let pass = env.passphrase_file.to_str().unwrap().to_owned();
    env.fails(&["show", "1", "--passphrase-file", &pass], 4);
    env.fails(&["delete", "1", "--yes"], 4);
    env.assert_integrity();
}

#[test]
fn deleted_ids_are_not_reused() {
    let env = TestEnv::new();
    env.add("One.");
    env.add("Two.");
    env.ok(&["delete", "2", "--yes"]);
    assert_eq!(env.add("Three."), 3);
}
