//! Exit codes and one-line errors for the failures users meet.

use crate::support::TestEnv;

#[test]
fn a_wrong_passphrase_is_exit_3() {
    let env = TestEnv::new();
    env.add("Secret.");
    let wrong = env.root().join("wrong");
    std::fs::write(&wrong, "definitely not it\n").unwrap();
    let err = env.fails(&["list", "--passphrase-file", wrong.to_str().unwrap()], 3);
    assert!(err.contains("wrong passphrase"), "{err}");
    assert!(
        err.contains("--identity"),
        "the hint offers the recovery key: {err}"
    );
}

#[test]
fn a_key_from_another_journal_is_exit_3() {
    let env = TestEnv::new();
    let other = TestEnv::new();
    env.add("Mine.");
    let err = env.fails(
        &["list", "--identity", other.recovery_file.to_str().unwrap()],
        3,
    );
    assert!(err.contains("does not belong"), "{err}");
}

#[test]
fn a_garbage_identity_file_is_exit_3() {
    let env = TestEnv::new();
    let junk = env.root().join("junk-key");
    std::fs::write(&junk, "# nothing useful\nhello\n").unwrap();
    env.fails(&["list", "--identity", junk.to_str().unwrap()], 3);
}

#[test]
fn no_unlock_source_and_no_terminal_is_exit_3_not_a_hang() {
    let env = TestEnv::new();
    let err = env.fails(&["list"], 3);
    assert!(err.contains("not a terminal"), "{err}");
}

#[test]
fn a_missing_passphrase_file_is_a_usage_error() {
    let env = TestEnv::new();
    let err = env.fails(&["list", "--passphrase-file", "/nonexistent/pass"], 2);
    assert!(err.contains("passphrase file"), "{err}");
}

#[test]
fn a_missing_journal_is_exit_4() {
    let env = TestEnv::empty();
    let err = env.fails(
        &[
            "list",
            "--passphrase-file",
            env.passphrase_file.to_str().unwrap(),
        ],
        4,
    );
    assert!(err.contains("no journal"), "{err}");
    assert!(!env.journal.exists(), "a read must not create the journal");
}

#[test]
fn a_missing_entry_is_exit_4() {
    let env = TestEnv::new();
    let pass = env.passphrase_file.to_str().unwrap().to_owned();
    let err = env.fails(&["show", "42", "--passphrase-file", &pass], 4);
    assert!(err.contains("no entry 42"), "{err}");
    env.fails(&["show", "abc", "--passphrase-file", &pass], 2);
    env.fails(&["show", "0", "--passphrase-file", &pass], 2);
}

#[test]
fn a_tampered_blob_is_exit_5_naming_the_entry_while_list_shows_the_others() {
    let env = TestEnv::new();
    env.add("First.");
    env.add("Second, to be tampered with.");
    env.add("Third.");
    // Flip one byte near the end of entry 2's ciphertext (inside the payload).
    env.sql("UPDATE entries SET ciphertext = CAST(substr(ciphertext, 1, length(ciphertext) - 5) || X'00' || substr(ciphertext, length(ciphertext) - 3) AS BLOB) WHERE id = 2");
    let pass = env.passphrase_file.to_str().unwrap().to_owned();
    let err = env.fails(&["show", "2", "--passphrase-file", &pass], 5);
    assert!(err.contains("entry 2"), "{err}");
    let out = env.run(&["list", "--passphrase-file", &pass], None);
    assert_eq!(out.status.code(), Some(5));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("First.") && stdout.contains("Third."),
        "{stdout}"
    );
    assert!(!stdout.contains("Second"));
    crate::support::assert_one_error_line(&String::from_utf8_lossy(&out.stderr));
    // The untouched entries still show one by one.
    env.read(&["show", "1"]);
    env.read(&["show", "3"]);
}

#[test]
fn a_ciphertext_moved_to_another_row_is_detected() {
    let env = TestEnv::new();
    env.add("Entry A.");
    env.add("Entry B.");
    env.sql("UPDATE entries SET ciphertext = (SELECT ciphertext FROM entries WHERE id = 1) WHERE id = 2");
    let pass = env.passphrase_file.to_str().unwrap().to_owned();
    env.fails(&["show", "2", "--passphrase-file", &pass], 5);
    env.read(&["show", "1"]);
}

#[test]
fn an_occurred_at_edited_outside_candour_is_detected() {
    let env = TestEnv::new();
    env.add("Entry.");
    env.sql("UPDATE entries SET occurred_at = occurred_at - 86400 WHERE id = 1");
    let pass = env.passphrase_file.to_str().unwrap().to_owned();
    env.fails(&["show", "1", "--passphrase-file", &pass], 5);
}

#[test]
fn json_errors_are_objects_on_stdout_too() {
    let env = TestEnv::new();
    let pass = env.passphrase_file.to_str().unwrap().to_owned();
    let out = env.run(&["show", "9", "--json", "--passphrase-file", &pass], None);
    assert_eq!(out.status.code(), Some(4));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"]["code"], 4);
    assert_eq!(v["error"]["kind"], "not-found");
}

#[test]
fn unknown_flags_and_commands_are_one_line_usage_errors() {
    let env = TestEnv::new();
    env.fails(&["list", "--frm", "x"], 2);
    env.fails(&["frobnicate"], 2);
    env.fails(&["list", "-n", "many"], 2);
    env.fails(&["--json"], 2);
}

#[test]
fn help_and_version_succeed_on_stdout() {
    let env = TestEnv::empty();
    let out = env.ok(&["--help"]);
    assert!(out.contains("Usage: candour"));
    assert!(env.ok(&["--version"]).starts_with("candour "));
}
