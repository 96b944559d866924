//! Key maintenance and housekeeping: rekey, verify, backup, purge, and tampering.

use std::os::unix::fs::PermissionsExt;

use crate::support::{JrnlEntry, TestEnv, contains, write_jrnl_export};

const CANARY: &str = "CANARY-MAINT-5e02";

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Every byte of the database, its WAL and any backups under `dir`.
fn all_bytes(dir: &std::path::Path) -> Vec<u8> {
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        if entry.path().is_file() {
            bytes.extend(std::fs::read(entry.path()).unwrap());
        }
    }
    bytes
}

/// Imports `count` entries (no auto-tagging) through a jrnl export, quickly.
fn import_entries(env: &TestEnv, count: usize, body: &str) {
    let file = env.root().join("many.json");
    write_jrnl_export(
        &file,
        (0..count).map(|i| JrnlEntry {
            title: format!("Entry {i}"),
            body: format!("{body} {i}"),
            date: format!("2026-01-{:02}", i % 28 + 1),
            time: "10:00",
        }),
    );
    env.ok(&[
        "import",
        "--format",
        "jrnl-json",
        "--no-auto-tag",
        file.to_str().unwrap(),
    ]);
}

#[test]
fn rekey_re_encrypts_everything_and_replaces_the_recovery_key() {
    let env = TestEnv::new();
    for i in 0..5 {
        env.add(&format!("Entry {i} {CANARY}: the family offered a gift."));
    }
    env.ok(&["action", "add", "1", "Ask about the gifts policy"]);
    env.ok(&[
        "names",
        "add",
        "Mrs Okafor",
        "--passphrase-file",
        env.passphrase_file.to_str().unwrap(),
    ]);
    let before = env.blobs();
    let new_recovery = env.root().join("recovery-2.txt");
    let out = env.read(&[
        "rekey",
        "--recovery-key-file",
        new_recovery.to_str().unwrap(),
    ]);
    assert!(out.contains("Re-encrypted 5 entries"), "{out}");
    assert_eq!(mode(&new_recovery), 0o600);
    let after = env.blobs();
    assert_eq!(before.len(), after.len());
    for ((id, old), (_, new)) in before.iter().zip(&after) {
        assert_ne!(old, new, "entry {id} was not re-encrypted");
    }
    // The old recovery key no longer opens the journal; the new one and the passphrase do.
    env.fails(
        &["list", "--identity", env.recovery_file.to_str().unwrap()],
        3,
    );
    let listed = env.ok(&[
        "list",
        "--json",
        "--identity",
        new_recovery.to_str().unwrap(),
    ]);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&listed).unwrap()["entries"]
            .as_array()
            .unwrap()
            .len(),
        5
    );
    assert_eq!(
        env.read_json(&["actions"])["actions"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let names = env.read(&["names", "list"]);
    assert!(names.contains("Mrs Okafor"), "{names}");
    env.read(&["verify"]);
    env.assert_integrity();
    env.assert_no_plaintext(CANARY);
}

#[test]
fn rekey_with_a_new_passphrase_file_changes_the_passphrase_too() {
    let env = TestEnv::new();
    env.add("One entry.");
    let new_pass = env.root().join("new-pass");
    std::fs::write(&new_pass, "a brand new passphrase\n").unwrap();
    let out = env.read(&[
        "rekey",
        "--json",
        "--new-passphrase-file",
        new_pass.to_str().unwrap(),
    ]);
    let value: serde_json::Value = serde_json::from_str(&out).unwrap();
    let shown = value["recovery_key"].as_str().unwrap();
    assert!(shown.starts_with("AGE-SECRET-KEY-1"));
    env.fails(
        &[
            "list",
            "--passphrase-file",
            env.passphrase_file.to_str().unwrap(),
        ],
        3,
    );
    env.ok(&["list", "--passphrase-file", new_pass.to_str().unwrap()]);
}

#[test]
fn rekey_refuses_an_existing_recovery_file_and_changes_nothing() {
    let env = TestEnv::new();
    env.add("One entry.");
    let before = env.fingerprint();
    env.fails(
        &[
            "rekey",
            "--recovery-key-file",
            env.recovery_file.to_str().unwrap(),
            "--passphrase-file",
            env.passphrase_file.to_str().unwrap(),
        ],
        2,
    );
    assert_eq!(before, env.fingerprint());
}

#[test]
fn verify_passes_on_a_healthy_journal() {
    let env = TestEnv::new();
    env.add("Healthy.");
    let out = env.read(&["verify"]);
    assert!(out.contains("All well"), "{out}");
    let json = env.read_json(&["verify"]);
    assert_eq!(json["ok"], true);
    assert_eq!(json["entries"], 1);
}

#[test]
fn tampering_with_200_entries_is_detected_every_time_and_the_rest_stay_readable() {
    let env = TestEnv::new();
    let total = 220;
    import_entries(&env, total, &format!("{CANARY} body"));
    let blobs = env.blobs();
    assert_eq!(blobs.len(), total);
    // Flip one random byte (seeded) in each of the first 200 stored entries.
    let mut rng = fastrand::Rng::with_seed(0x7a3e);
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    let mut flipped = Vec::new();
    for (id, blob) in blobs.iter().take(200) {
        let mut damaged = blob.clone();
        let at = rng.usize(..damaged.len());
        damaged[at] ^= 1 << rng.u8(..8);
        conn.execute(
            "UPDATE entries SET ciphertext = ?1 WHERE id = ?2",
            rusqlite::params![damaged, id],
        )
        .unwrap();
        flipped.push(*id);
    }
    drop(conn);
    let out = env.run(
        &[
            "verify",
            "--json",
            "--passphrase-file",
            env.passphrase_file.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(5));
    // The report comes first; with --json the error object follows it.
    let report: serde_json::Value = serde_json::Deserializer::from_slice(&out.stdout)
        .into_iter()
        .next()
        .unwrap()
        .unwrap();
    let named: Vec<i64> = report["bad_entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    let mut expected = flipped.clone();
    expected.sort_unstable();
    let mut named_sorted = named.clone();
    named_sorted.sort_unstable();
    assert_eq!(
        named_sorted, expected,
        "verify must name exactly the 200 tampered entries"
    );
    // `show` names a tampered entry and exits 5; untouched ones still read.
    for id in flipped.iter().step_by(40) {
        let stderr = env.fails(
            &[
                "show",
                &id.to_string(),
                "--passphrase-file",
                env.passphrase_file.to_str().unwrap(),
            ],
            5,
        );
        assert!(stderr.contains(&format!("entry {id}")), "{stderr}");
    }
    for (id, _) in blobs.iter().skip(200) {
        env.read(&["show", &id.to_string()]);
    }
}

#[test]
fn backup_is_a_private_journal_that_opens_with_the_same_key() {
    let env = TestEnv::new();
    env.add(&format!("Backed up {CANARY}."));
    let dest = env.root().join("backup-1");
    let out = env.ok(&["backup", dest.to_str().unwrap()]);
    assert!(out.contains("Backed up 1 entries"), "{out}");
    assert_eq!(mode(&dest), 0o700);
    assert_eq!(mode(&dest.join("journal.db")), 0o600);
    let listed = env.ok(&[
        "--journal",
        dest.to_str().unwrap(),
        "list",
        "--json",
        "--identity",
        env.recovery_file.to_str().unwrap(),
    ]);
    assert!(listed.contains(CANARY));
    assert!(!contains(&all_bytes(&dest), CANARY.as_bytes()));
    // A second backup into the same place is refused, leaving the first intact.
    let first = std::fs::read(dest.join("journal.db")).unwrap();
    env.fails(&["backup", dest.to_str().unwrap()], 2);
    assert_eq!(first, std::fs::read(dest.join("journal.db")).unwrap());
}

#[test]
fn deleted_and_purged_entries_leave_no_ciphertext_in_the_file() {
    let env = TestEnv::new();
    let old = env.ok(&["add", "--json", "--at", "2019-03-01", "An old note."]);
    let old_id = serde_json::from_str::<serde_json::Value>(&old).unwrap()["id"]
        .as_i64()
        .unwrap();
    let gone = env.add("Deleted soon.");
    let kept = env.add("Kept.");
    let blobs = env.blobs();
    let chunk = |id: i64| -> Vec<u8> {
        let blob = &blobs.iter().find(|(i, _)| *i == id).unwrap().1;
        blob[blob.len() - 48..].to_vec()
    };
    env.ok(&["delete", &gone.to_string(), "--yes"]);
    assert!(
        !contains(&all_bytes(&env.journal), &chunk(gone)),
        "deleted ciphertext survives"
    );

    // Without --yes and without a terminal, purge refuses and changes nothing.
    let before = env.fingerprint();
    env.fails(&["purge", "--older-than", "3y"], 2);
    assert_eq!(before, env.fingerprint());

    let out = env.ok(&["purge", "--older-than", "3y", "--yes", "--json"]);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&out).unwrap()["deleted"],
        1
    );
    assert!(
        !contains(&all_bytes(&env.journal), &chunk(old_id)),
        "purged ciphertext survives"
    );
    assert!(contains(&all_bytes(&env.journal), &chunk(kept)));
    let listed = env.read_json(&["list"]);
    assert_eq!(listed["entries"].as_array().unwrap().len(), 1);
    env.assert_integrity();
}

#[test]
fn purge_rejects_nonsense_ages_with_one_line() {
    let env = TestEnv::new();
    for bad in ["3", "three years", "0y", "5q"] {
        env.fails(&["purge", "--older-than", bad, "--yes"], 2);
    }
}

#[test]
fn a_reader_during_a_rekey_sees_the_old_or_the_new_journal_never_a_mix() {
    let env = TestEnv::new();
    let entries = 300;
    import_entries(&env, entries, "body");
    let mut rekey = env
        .std_cmd(env!("CARGO_BIN_EXE_candour"))
        .args([
            "rekey",
            "--json",
            "--passphrase-file",
            env.passphrase_file.to_str().unwrap(),
        ])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut reads = 0;
    loop {
        let finished = rekey.try_wait().unwrap().is_some();
        let out = env.run(
            &[
                "list",
                "--json",
                "--passphrase-file",
                env.passphrase_file.to_str().unwrap(),
            ],
            None,
        );
        assert!(
            out.status.success(),
            "a read during rekey failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let listed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(listed["entries"].as_array().unwrap().len(), entries);
        reads += 1;
        if finished {
            break;
        }
    }
    assert!(rekey.wait().unwrap().success());
    assert!(reads >= 1);
    env.read(&["verify"]);
}
