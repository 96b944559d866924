//! What is on disk: permissions, plaintext columns, schema versions, corrupt files.

use std::os::unix::fs::PermissionsExt;

use crate::support::TestEnv;

const CANARY: &str = "CANARY-STORAGE-91bd";

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn the_journal_dir_is_0700_and_its_files_0600() {
    let env = TestEnv::new();
    env.add("Anything.");
    assert_eq!(mode(&env.journal), 0o700);
    assert_eq!(mode(&env.db()), 0o600);
    // Hold a connection open so the WAL and SHM files exist, then check them.
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    conn.execute_batch("BEGIN; INSERT INTO meta VALUES ('probe', x'00'); COMMIT;")
        .unwrap();
    env.add("Written while another connection holds the WAL open.");
    for sidecar in ["journal.db-wal", "journal.db-shm"] {
        let path = env.journal.join(sidecar);
        assert!(
            path.exists(),
            "{sidecar} should exist while a connection is open"
        );
        assert_eq!(mode(&path), 0o600, "{sidecar}");
    }
    drop(conn);
}

#[test]
fn only_ids_and_timestamps_are_plaintext_columns() {
    let env = TestEnv::new();
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    let mut stmt = conn
        .prepare("SELECT name FROM pragma_table_info('entries') ORDER BY cid")
        .unwrap();
    let columns: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        columns,
        [
            "id",
            "uuid",
            "occurred_at",
            "created_at",
            "updated_at",
            "ciphertext"
        ]
    );
}

#[test]
fn no_command_leaves_the_canary_anywhere_on_disk() {
    let env = TestEnv::new();
    env.add(&format!("Patient said {CANARY} and gave me his number."));
    env.assert_no_plaintext(CANARY);
    env.ok_stdin(
        &["add", "--at", "yesterday"],
        Some(format!("From stdin {CANARY}.").as_bytes()),
    );
    env.assert_no_plaintext(CANARY);
    env.read(&["list", "--contains", CANARY]);
    env.read(&["show", "1"]);
    env.assert_no_plaintext(CANARY);
    env.read(&["edit", "1", "--text", &format!("Edited {CANARY} again.")]);
    env.assert_no_plaintext(CANARY);
    let new_pass = env.root().join("np");
    std::fs::write(&new_pass, "new passphrase here\n").unwrap();
    env.read(&[
        "passwd",
        "--new-passphrase-file",
        new_pass.to_str().unwrap(),
    ]);
    env.assert_no_plaintext(CANARY);
    env.ok(&["delete", "2", "--yes"]);
    env.assert_no_plaintext(CANARY);
    env.assert_integrity();
}

#[test]
fn errors_never_echo_entry_text() {
    let env = TestEnv::new();
    env.add(&format!("Entry with {CANARY}."));
    env.sql("UPDATE entries SET ciphertext = CAST(substr(ciphertext, 1, length(ciphertext) - 2) || X'0000' AS BLOB) WHERE id = 1");
    let pass = env.passphrase_file.to_str().unwrap().to_owned();
    for args in [
        vec!["show", "1"],
        vec!["list"],
        vec!["list", "--contains", "x"],
        vec!["show", "1", "-v"],
        vec!["show", "1", "--json"],
    ] {
        let mut full = args.clone();
        full.extend(["--passphrase-file", pass.as_str()]);
        let out = env.run(&full, None);
        assert_eq!(out.status.code(), Some(5));
        let all = [out.stdout, out.stderr].concat();
        assert!(!String::from_utf8_lossy(&all).contains(CANARY));
    }
}

#[test]
fn a_database_from_a_newer_candour_is_refused_and_left_alone() {
    let env = TestEnv::new();
    env.add("Entry.");
    env.sql("PRAGMA user_version = 999");
    let before = env.fingerprint();
    let pass = env.passphrase_file.to_str().unwrap().to_owned();
    let err = env.fails(&["list", "--passphrase-file", &pass], 1);
    assert!(err.contains("newer"), "{err}");
    assert!(err.contains("upgrade candour"), "{err}");
    env.fails(&["add", "More."], 1);
    assert_eq!(env.fingerprint(), before);
}

#[test]
fn a_garbage_database_is_an_integrity_error() {
    let env = TestEnv::new();
    std::fs::write(
        env.db(),
        b"this is not an sqlite database at all, just some text padding it out to a page"
            .repeat(100),
    )
    .unwrap();
    let before = env.fingerprint();
    let pass = env.passphrase_file.to_str().unwrap().to_owned();
    let err = env.fails(&["list", "--passphrase-file", &pass], 5);
    assert!(err.contains("damaged"), "{err}");
    env.fails(&["add", "More."], 5);
    assert_eq!(env.fingerprint(), before);
}

#[test]
fn a_truncated_database_is_an_integrity_error() {
    let env = TestEnv::new();
    for i in 0..30 {
        env.add(&format!("Entry {i} {}", "padding ".repeat(40)));
    }
    let bytes = std::fs::read(env.db()).unwrap();
    std::fs::write(env.db(), &bytes[..bytes.len() / 2]).unwrap();
    let pass = env.passphrase_file.to_str().unwrap().to_owned();
    let out = env.run(&["list", "--passphrase-file", &pass], None);
    assert_eq!(
        out.status.code(),
        Some(5),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    crate::support::assert_one_error_line(&String::from_utf8_lossy(&out.stderr));
}

#[test]
fn an_empty_database_file_is_not_a_journal() {
    let env = TestEnv::new();
    std::fs::write(env.db(), b"").unwrap();
    let pass = env.passphrase_file.to_str().unwrap().to_owned();
    env.fails(&["list", "--passphrase-file", &pass], 5);
}
