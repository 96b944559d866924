//! The file-key cache: what it stores, that it is encrypted, and that a stale or
//! tampered cache never yields wrong text.

use std::io::{Read, Write};

use crate::support::{TestEnv, contains};

const CANARY: &str = "CANARY-FILEKEYS-0b7d";

fn cache_blob(env: &TestEnv) -> Option<Vec<u8>> {
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    conn.query_row("SELECT value FROM meta WHERE key = 'file_keys'", [], |r| {
        r.get(0)
    })
    .ok()
}

fn decrypt(identity: &age::x25519::Identity, blob: &[u8]) -> Vec<u8> {
    let decryptor = age::Decryptor::new(blob).unwrap();
    let mut reader = decryptor
        .decrypt(std::iter::once(identity as &dyn age::Identity))
        .unwrap();
    let mut out = Vec::new();
    reader.read_to_end(&mut out).unwrap();
    out
}

fn all_bytes(env: &TestEnv) -> Vec<u8> {
    env.stored_files()
        .into_iter()
        .flat_map(|(_, b)| b)
        .collect()
}

#[test]
fn reading_fills_an_encrypted_cache_of_file_keys() {
    let env = TestEnv::new();
    for i in 0..6 {
        env.add(&format!("Entry {i} {CANARY}: a gift from the family."));
    }
    assert!(cache_blob(&env).is_none(), "adding needs no cache");
    env.read(&["list", "--contains", "gift"]);
    let blob = cache_blob(&env).expect("a scan saves the cache");
    assert!(
        blob.starts_with(b"age-encryption.org/v1\n"),
        "the cache is an age file"
    );
    // It opens with the journal key: one 59-byte record (header share, file key) per entry.
    let records = decrypt(&env.recovery_identity(), &blob);
    assert_eq!(records.len() % 59, 0);
    assert_eq!(records.len() / 59, 6);
    let shares: Vec<&[u8]> = records.chunks(59).map(|r| &r[..43]).collect();
    for (id, ciphertext) in env.blobs() {
        assert!(
            shares.iter().any(|s| contains(&ciphertext, s)),
            "entry {id} not cached"
        );
    }
    // No file key is stored in the clear anywhere.
    let disk = all_bytes(&env);
    for record in records.chunks(59) {
        assert!(
            !contains(&disk, &record[43..]),
            "a file key is on disk in the clear"
        );
    }
    env.assert_no_plaintext(CANARY);
}

#[test]
fn a_cache_with_wrong_keys_or_damaged_bytes_never_gives_wrong_text() {
    let env = TestEnv::new();
    for i in 0..4 {
        env.add(&format!("Entry number {i} about a voucher."));
    }
    let before = env.read(&["list", "--contains", "voucher"]);
    // Replace every cached file key with a wrong one, properly encrypted.
    let identity = env.recovery_identity();
    let mut records = decrypt(&identity, &cache_blob(&env).unwrap());
    for record in records.chunks_mut(59) {
        for byte in &mut record[43..] {
            *byte ^= 0x5a;
        }
    }
    let recipient = identity.to_public();
    let encryptor =
        age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
            .unwrap();
    let mut sealed = Vec::new();
    let mut writer = encryptor.wrap_output(&mut sealed).unwrap();
    writer.write_all(&records).unwrap();
    writer.finish().unwrap();
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    conn.execute(
        "UPDATE meta SET value = ?1 WHERE key = 'file_keys'",
        [&sealed],
    )
    .unwrap();
    assert_eq!(env.read(&["list", "--contains", "voucher"]), before);
    // Garbage instead of the cache: still the right text, and verify is clean.
    conn.execute(
        "UPDATE meta SET value = x'00ff00ff' WHERE key = 'file_keys'",
        [],
    )
    .unwrap();
    drop(conn);
    assert_eq!(env.read(&["list", "--contains", "voucher"]), before);
    env.read(&["verify"]);
}

#[test]
fn edits_deletes_passwd_and_rekey_keep_the_cache_honest() {
    let env = TestEnv::new();
    let first = env.add("The original text of the first entry.");
    env.add("A second entry.");
    env.read(&["list", "--contains", "entry"]);
    env.read(&[
        "edit",
        &first.to_string(),
        "--text",
        "Edited text of the first entry.",
    ]);
    let shown = env.read(&["show", &first.to_string()]);
    assert!(shown.contains("Edited text"), "{shown}");
    env.ok(&["delete", &first.to_string(), "--yes"]);
    let listed = env.read_json(&["list"]);
    assert_eq!(listed["entries"].as_array().unwrap().len(), 1);
    let new_pass = env.root().join("new-pass");
    std::fs::write(&new_pass, "another long passphrase\n").unwrap();
    env.read(&[
        "passwd",
        "--new-passphrase-file",
        new_pass.to_str().unwrap(),
    ]);
    env.ok(&[
        "list",
        "--contains",
        "second",
        "--passphrase-file",
        new_pass.to_str().unwrap(),
    ]);
    // rekey drops the cache: its keys belong to the old ciphertexts and the old key.
    env.ok(&[
        "rekey",
        "--json",
        "--passphrase-file",
        new_pass.to_str().unwrap(),
    ]);
    assert!(cache_blob(&env).is_none(), "the cache survived a rekey");
    env.ok(&["verify", "--passphrase-file", new_pass.to_str().unwrap()]);
}
