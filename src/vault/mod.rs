//! Key material and age encryption: the only module that touches keys.
//!
//! ## Key model
//! A journal has one X25519 identity, the *journal key*. Its public half (an `age1…`
//! recipient) is stored in plaintext, so `add` encrypts new entries without asking for
//! anything. The secret half is stored as an age file encrypted with the user's
//! passphrase (age's scrypt recipient): the *wrapped key*. Its plaintext is the
//! identity in the standard `AGE-SECRET-KEY-1…` form, so `age -d wrapped.age` with the
//! passphrase yields a working identity file. Changing the passphrase re-wraps that one
//! blob; entries are untouched.
//!
//! Every entry is one binary age file encrypted to the journal recipient. Anyone holding
//! the journal key (the recovery key shown at `init`) can decrypt it with `age`/`rage`.
//!
//! ## Unlock sources
//! The CLI decides where a passphrase or identity comes from; this module only accepts an
//! [`Unlock`] and checks it against the journal's recipient.
//!
//! ## What this module never does
//! Print, log or put into an error any key, passphrase or plaintext.

pub mod file_keys;

use std::cell::Cell;
use std::io::{Read, Write};
use std::iter;
use std::str::FromStr;

use age::secrecy::ExposeSecret;
use secrecy::SecretString;
use zeroize::Zeroizing;

/// The largest scrypt work factor (log2 N) accepted when unwrapping a key.
///
/// age's own default is 18; 22 allows a deliberately slower setting while keeping a
/// hostile file from making an unlock take minutes.
pub const MAX_WORK_FACTOR: u8 = 22;

/// What went wrong with keys or ciphertext.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    /// The passphrase does not unwrap the journal key.
    #[error("wrong passphrase")]
    WrongPassphrase,
    /// An identity that is valid but not this journal's key.
    #[error("that key does not belong to this journal")]
    WrongKey,
    /// The identity file holds no usable `AGE-SECRET-KEY-1…` line.
    #[error("the identity file holds no age secret key (AGE-SECRET-KEY-1…)")]
    BadIdentity,
    /// The wrapped key needs more scrypt work than allowed.
    #[error("the journal key is wrapped with an scrypt work factor above {MAX_WORK_FACTOR}")]
    WorkFactorTooHigh,
    /// The stored recipient or wrapped key is unreadable.
    #[error("the journal's key record is damaged")]
    DamagedKey,
    /// An entry's ciphertext failed to decrypt or authenticate.
    #[error("the ciphertext is damaged or was not written for this journal")]
    DamagedCiphertext,
    /// Encryption failed (an I/O error in memory; should not happen).
    #[error("encryption failed")]
    Encrypt,
}

/// A way to unlock the journal key.
pub enum Unlock {
    /// The passphrase that wraps the journal key.
    Passphrase(SecretString),
    /// The contents of an age identity file (the recovery key).
    Identity(SecretString),
}

impl std::fmt::Debug for Unlock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unlock::Passphrase(_) => f.write_str("Unlock::Passphrase(..)"),
            Unlock::Identity(_) => f.write_str("Unlock::Identity(..)"),
        }
    }
}

/// The journal's public key: encrypts entries, reveals nothing.
#[derive(Clone)]
pub struct Recipient(age::x25519::Recipient);

impl Recipient {
    /// Encrypts `plaintext` into a binary age file for this recipient.
    pub fn seal(&self, plaintext: &[u8]) -> Result<Vec<u8>, VaultError> {
        seal_to(iter::once(&self.0 as &dyn age::Recipient), plaintext)
    }
}

impl FromStr for Recipient {
    type Err = VaultError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        age::x25519::Recipient::from_str(s.trim())
            .map(Recipient)
            .map_err(|_| VaultError::DamagedKey)
    }
}

impl std::fmt::Display for Recipient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::fmt::Debug for Recipient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Recipient({})", self.0)
    }
}

impl PartialEq for Recipient {
    fn eq(&self, other: &Self) -> bool {
        self.0.to_string() == other.0.to_string()
    }
}

/// Encrypts to any set of age recipients (used for hand-off exports too).
pub fn seal_to<'a>(
    recipients: impl Iterator<Item = &'a dyn age::Recipient>,
    plaintext: &[u8],
) -> Result<Vec<u8>, VaultError> {
    let encryptor = age::Encryptor::with_recipients(recipients).map_err(|_| VaultError::Encrypt)?;
    let mut out = Vec::with_capacity(plaintext.len() + 256);
    let mut writer = encryptor
        .wrap_output(&mut out)
        .map_err(|_| VaultError::Encrypt)?;
    writer
        .write_all(plaintext)
        .map_err(|_| VaultError::Encrypt)?;
    writer.finish().map_err(|_| VaultError::Encrypt)?;
    Ok(out)
}

/// Decrypts an age file with one identity.
fn decrypt_with(
    ciphertext: &[u8],
    identity: &dyn age::Identity,
) -> Result<Zeroizing<Vec<u8>>, VaultError> {
    let decryptor =
        age::Decryptor::new_buffered(ciphertext).map_err(|_| VaultError::DamagedCiphertext)?;
    let mut reader = decryptor
        .decrypt(iter::once(identity))
        .map_err(|_| VaultError::DamagedCiphertext)?;
    let mut plaintext = Zeroizing::new(Vec::with_capacity(ciphertext.len()));
    reader
        .read_to_end(&mut plaintext)
        .map_err(|_| VaultError::DamagedCiphertext)?;
    Ok(plaintext)
}

/// The secret journal key. Zeroised on drop (by `age`'s `StaticSecret`).
pub struct JournalKey {
    identity: age::x25519::Identity,
    /// The public half as text: names this key's entries in the file-key cache.
    public: String,
}

impl std::fmt::Debug for JournalKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JournalKey(..)")
    }
}

impl JournalKey {
    fn from_identity(identity: age::x25519::Identity) -> JournalKey {
        let public = identity.to_public().to_string();
        JournalKey { identity, public }
    }

    /// Loads persisted file-key cache records for entries of this key (keeping what
    /// was learned meanwhile).
    pub fn load_file_keys(&self, records: &[u8]) {
        file_keys::load(&self.public, records);
    }

    /// Whether this key's persisted cache has been loaded in this process.
    pub fn file_keys_loaded(&self) -> bool {
        file_keys::loaded_for(&self.public)
    }

    /// A fresh random key.
    pub fn generate() -> JournalKey {
        JournalKey::from_identity(age::x25519::Identity::generate())
    }

    /// The public half.
    pub fn recipient(&self) -> Recipient {
        Recipient(self.identity.to_public())
    }

    /// The key as an `AGE-SECRET-KEY-1…` string: the recovery key.
    pub fn to_recovery_key(&self) -> SecretString {
        SecretString::from(self.identity.to_string().expose_secret().to_owned())
    }

    /// The recovery key as an age identity file, with a comment naming the recipient.
    pub fn to_identity_file(&self, created: &str) -> SecretString {
        SecretString::from(format!(
            "# candour journal key (recovery key), created {created}\n# public key: {}\n{}\n",
            self.recipient(),
            self.identity.to_string().expose_secret()
        ))
    }

    /// Reads a key from age identity-file text: `#` comments and blank lines are skipped,
    /// the first `AGE-SECRET-KEY-1…` line is used.
    pub fn from_identity_text(text: &SecretString) -> Result<JournalKey, VaultError> {
        let line = text
            .expose_secret()
            .lines()
            .map(str::trim)
            .find(|l| l.starts_with("AGE-SECRET-KEY-"))
            .ok_or(VaultError::BadIdentity)?;
        let identity =
            age::x25519::Identity::from_str(line).map_err(|_| VaultError::BadIdentity)?;
        Ok(JournalKey::from_identity(identity))
    }

    /// Encrypts the key with a passphrase (age scrypt). `work_factor` is log2 of scrypt's
    /// N; `None` keeps age's default.
    pub fn wrap(
        &self,
        passphrase: &SecretString,
        work_factor: Option<u8>,
    ) -> Result<Vec<u8>, VaultError> {
        let mut recipient = age::scrypt::Recipient::new(passphrase.clone());
        if let Some(log_n) = work_factor {
            recipient.set_work_factor(log_n);
        }
        let secret = Zeroizing::new(self.identity.to_string().expose_secret().to_owned());
        seal_to(
            iter::once(&recipient as &dyn age::Recipient),
            secret.as_bytes(),
        )
    }

    /// Decrypts a wrapped key with a passphrase.
    pub fn unwrap(wrapped: &[u8], passphrase: &SecretString) -> Result<JournalKey, VaultError> {
        let decryptor =
            age::Decryptor::new_buffered(wrapped).map_err(|_| VaultError::DamagedKey)?;
        if !decryptor.is_scrypt() {
            return Err(VaultError::DamagedKey);
        }
        let mut identity = age::scrypt::Identity::new(passphrase.clone());
        identity.set_max_work_factor(MAX_WORK_FACTOR);
        let mut reader = decryptor
            .decrypt(iter::once(&identity as &dyn age::Identity))
            .map_err(|e| match e {
                age::DecryptError::DecryptionFailed | age::DecryptError::NoMatchingKeys => {
                    VaultError::WrongPassphrase
                }
                age::DecryptError::ExcessiveWork { .. } => VaultError::WorkFactorTooHigh,
                _ => VaultError::DamagedKey,
            })?;
        let mut text = Zeroizing::new(String::new());
        reader
            .read_to_string(&mut text)
            .map_err(|_| VaultError::DamagedKey)?;
        let identity =
            age::x25519::Identity::from_str(text.trim()).map_err(|_| VaultError::DamagedKey)?;
        Ok(JournalKey::from_identity(identity))
    }

    /// Decrypts one entry's age file, using (and filling) the file-key cache.
    pub fn open(&self, ciphertext: &[u8]) -> Result<Zeroizing<Vec<u8>>, VaultError> {
        let share = file_keys::share_of(ciphertext);
        if let Some(known) = share.as_ref().and_then(|s| file_keys::get(&self.public, s)) {
            // A wrong cached key fails age's authentication; then decrypt as usual.
            if let Ok(plaintext) = decrypt_with(ciphertext, &file_keys::Cached(known)) {
                return Ok(plaintext);
            }
        }
        let capturing = file_keys::Capturing {
            inner: &self.identity,
            seen: Cell::new(None),
        };
        let plaintext = decrypt_with(ciphertext, &capturing)?;
        if let (Some(share), Some(key)) = (share, capturing.seen.take()) {
            file_keys::learn(&self.public, share, key);
        }
        Ok(plaintext)
    }

    /// Checks that this key is the one whose public half is `recipient`.
    pub fn check_belongs_to(&self, recipient: &Recipient) -> Result<(), VaultError> {
        if self.recipient() == *recipient {
            Ok(())
        } else {
            Err(VaultError::WrongKey)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pass(s: &str) -> SecretString {
        SecretString::from(s.to_owned())
    }

    #[test]
    fn sealed_entries_open_with_the_key_and_not_another() {
        let key = JournalKey::generate();
        let blob = key.recipient().seal(b"hello").unwrap();
        assert_eq!(&key.open(&blob).unwrap()[..], b"hello");
        assert!(matches!(
            JournalKey::generate().open(&blob),
            Err(VaultError::DamagedCiphertext)
        ));
    }

    #[test]
    fn a_flipped_byte_is_detected() {
        let key = JournalKey::generate();
        let mut blob = key.recipient().seal(b"hello there").unwrap();
        let last = blob.len() - 3;
        blob[last] ^= 0x01;
        assert!(matches!(
            key.open(&blob),
            Err(VaultError::DamagedCiphertext)
        ));
    }

    #[test]
    fn wrap_and_unwrap_with_the_passphrase() {
        let key = JournalKey::generate();
        let wrapped = key.wrap(&pass("correct horse"), Some(4)).unwrap();
        let back = JournalKey::unwrap(&wrapped, &pass("correct horse")).unwrap();
        assert_eq!(back.recipient(), key.recipient());
        assert!(matches!(
            JournalKey::unwrap(&wrapped, &pass("wrong horse")),
            Err(VaultError::WrongPassphrase)
        ));
        assert!(matches!(
            JournalKey::unwrap(b"garbage", &pass("x")),
            Err(VaultError::DamagedKey)
        ));
    }

    #[test]
    fn identity_text_round_trips_and_is_checked() {
        let key = JournalKey::generate();
        let file = key.to_identity_file("today");
        let back = JournalKey::from_identity_text(&file).unwrap();
        back.check_belongs_to(&key.recipient()).unwrap();
        assert!(matches!(
            JournalKey::generate().check_belongs_to(&key.recipient()),
            Err(VaultError::WrongKey)
        ));
        assert!(matches!(
            JournalKey::from_identity_text(&pass("# nothing here\n")),
            Err(VaultError::BadIdentity)
        ));
    }

    #[test]
    fn debug_output_holds_no_secret() {
        let key = JournalKey::generate();
        let secret = key.to_recovery_key();
        assert!(!format!("{key:?}").contains(secret.expose_secret()));
    }
}
