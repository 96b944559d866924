//! `candour init`: creating a journal and its recovery key.

use std::os::unix::fs::PermissionsExt;

use crate::support::{PASSPHRASE, TestEnv, WORK_FACTOR};

#[test]
fn init_shows_the_recovery_key_once_on_stdout() {
    let env = TestEnv::empty();
    let out = env.ok(&[
        "init",
        "--kdf-work-factor",
        WORK_FACTOR,
        "--passphrase-file",
        env.passphrase_file.to_str().unwrap(),
    ]);
    assert!(out.contains("AGE-SECRET-KEY-1"), "{out}");
    assert!(out.contains("Recovery key"));
    // The key shown is the journal's: it unlocks without the passphrase.
    let key_line = out
        .lines()
        .find(|l| l.contains("AGE-SECRET-KEY-1"))
        .unwrap()
        .trim();
    let key_file = env.root().join("shown-key.txt");
    std::fs::write(&key_file, format!("{key_line}\n")).unwrap();
    env.add("An entry to read back.");
    let listed = env.ok(&["list", "--identity", key_file.to_str().unwrap()]);
    assert!(listed.contains("An entry to read back."));
}

#[test]
fn init_writes_the_recovery_key_file_private() {
    let env = TestEnv::new();
    let mode = std::fs::metadata(&env.recovery_file)
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    let text = std::fs::read_to_string(&env.recovery_file).unwrap();
    assert!(text.contains("AGE-SECRET-KEY-1"));
    assert!(text.lines().any(|l| l.starts_with("# public key: age1")));
}

#[test]
fn init_takes_the_passphrase_from_the_environment() {
    let mut env = TestEnv::empty();
    env.set_env("CANDOUR_PASSPHRASE", PASSPHRASE);
    env.ok(&["init", "--kdf-work-factor", WORK_FACTOR, "--json"]);
    env.add("Written after an env-var init.");
    assert!(env.ok(&["list"]).contains("Written after an env-var init."));
}

#[test]
fn init_json_reports_the_public_key_and_recovery_key() {
    let env = TestEnv::empty();
    let out = env.ok(&[
        "init",
        "--json",
        "--kdf-work-factor",
        WORK_FACTOR,
        "--passphrase-file",
        env.passphrase_file.to_str().unwrap(),
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v["recipient"].as_str().unwrap().starts_with("age1"));
    assert!(
        v["recovery_key"]
            .as_str()
            .unwrap()
            .starts_with("AGE-SECRET-KEY-1")
    );
}

#[test]
fn init_refuses_to_overwrite_a_journal() {
    let env = TestEnv::new();
    env.add("Keep me.");
    let before = env.fingerprint();
    let err = env.fails(
        &[
            "init",
            "--kdf-work-factor",
            WORK_FACTOR,
            "--passphrase-file",
            env.passphrase_file.to_str().unwrap(),
        ],
        1,
    );
    assert!(err.contains("already exists"), "{err}");
    assert_eq!(env.fingerprint(), before);
}

#[test]
fn init_without_a_passphrase_source_or_terminal_fails_clearly() {
    let env = TestEnv::empty();
    let err = env.fails(&["init", "--kdf-work-factor", WORK_FACTOR], 2);
    assert!(err.contains("--passphrase-file"), "{err}");
    assert!(!env.db().exists());
}

#[test]
fn init_refuses_a_short_passphrase() {
    let env = TestEnv::empty();
    let short = env.root().join("short");
    std::fs::write(&short, "abc\n").unwrap();
    let err = env.fails(&["init", "--passphrase-file", short.to_str().unwrap()], 2);
    assert!(err.contains("too short"), "{err}");
    assert!(!env.db().exists());
}

#[test]
fn init_refuses_an_existing_recovery_key_file() {
    let env = TestEnv::empty();
    let existing = env.root().join("exists.txt");
    std::fs::write(&existing, "precious").unwrap();
    env.fails(
        &[
            "init",
            "--passphrase-file",
            env.passphrase_file.to_str().unwrap(),
            "--recovery-key-file",
            existing.to_str().unwrap(),
        ],
        2,
    );
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "precious");
    assert!(!env.db().exists());
}

#[test]
fn the_work_factor_is_bounded() {
    let env = TestEnv::empty();
    env.fails(
        &[
            "init",
            "--kdf-work-factor",
            "40",
            "--passphrase-file",
            env.passphrase_file.to_str().unwrap(),
        ],
        2,
    );
    assert!(!env.db().exists());
}
