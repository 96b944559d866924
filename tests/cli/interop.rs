//! Standard formats: entries are age files anyone with the recovery key can read,
//! without candour's vault code.

use std::io::Read;
use std::str::FromStr;

use crate::support::TestEnv;

#[test]
fn entry_blobs_decrypt_with_the_age_crate_and_the_recovery_key() {
    let env = TestEnv::new();
    env.add("Readable by any age tool. Years from now.");
    let identity = env.recovery_identity();
    let (_, blob) = env.blobs().remove(0);
    assert!(
        !blob.starts_with(b"-----BEGIN"),
        "entries are binary age files"
    );
    assert!(blob.starts_with(b"age-encryption.org/v1\n"));
    let decryptor = age::Decryptor::new(&blob[..]).unwrap();
    let mut plaintext = String::new();
    decryptor
        .decrypt(std::iter::once(&identity as &dyn age::Identity))
        .unwrap()
        .read_to_string(&mut plaintext)
        .unwrap();
    let payload: serde_json::Value = serde_json::from_str(&plaintext).unwrap();
    assert_eq!(payload["text"], "Readable by any age tool. Years from now.");
    assert_eq!(payload["version"], candour::model::PAYLOAD_VERSION);
}

#[test]
fn the_wrapped_key_is_an_age_passphrase_file_holding_the_identity() {
    let env = TestEnv::new();
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    let wrapped: Vec<u8> = conn
        .query_row(
            "SELECT value FROM meta WHERE key = 'wrapped_key'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let recipient: Vec<u8> = conn
        .query_row("SELECT value FROM meta WHERE key = 'recipient'", [], |r| {
            r.get(0)
        })
        .unwrap();
    let decryptor = age::Decryptor::new(&wrapped[..]).unwrap();
    assert!(decryptor.is_scrypt());
    let identity = age::scrypt::Identity::new(crate::support::PASSPHRASE.to_owned().into());
    let mut text = String::new();
    decryptor
        .decrypt(std::iter::once(&identity as &dyn age::Identity))
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    let key = age::x25519::Identity::from_str(text.trim()).unwrap();
    assert_eq!(
        key.to_public().to_string(),
        String::from_utf8(recipient).unwrap()
    );
}
