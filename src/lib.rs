//! candour: a local-first, encrypted reflection journal for professional boundary
//! dilemmas in health and care.
//!
//! A practitioner writes down a dilemma in seconds ("a long-stay patient gave me his
//! personal number as I was moving hospital"); candour encrypts it at rest, tags it
//! against boundary categories with the evidence it used, and turns entries into prompts
//! for clinical supervision or a line-manager conversation.
//!
//! # Key model
//! Each journal has one X25519 key. Its public half is stored in plaintext, so adding an
//! entry never needs the passphrase; its secret half is stored wrapped by the passphrase
//! (age's scrypt recipient). Every entry is a standard age file: anyone with the journal
//! key can decrypt it with `age` or `rage`, years from now, without this program.
//!
//! # Layers
//! `cli` (terminal, flags, exit codes) → [`journal`] (use-cases, transactions) →
//! [`store`] (SQL only) · [`vault`] (keys and age only). Only `cli` prints, reads the
//! environment or reads the clock.
//!
//! # Example
//! ```
//! use candour::journal::{InitOptions, Journal, Query};
//! use candour::model::Payload;
//! use candour::vault::Unlock;
//! use chrono::Utc;
//! use secrecy::SecretString;
//!
//! # fn main() -> Result<(), candour::error::Error> {
//! let dir = tempfile::tempdir().expect("temp dir");
//! let now = Utc::now();
//! let passphrase = SecretString::from("correct horse battery".to_owned());
//! // A low scrypt work factor keeps this example fast; real journals use age's default.
//! let (mut journal, _recovery) =
//!     Journal::init(dir.path(), &passphrase, InitOptions { work_factor: Some(4) }, now)?;
//!
//! // Adding needs only the public key.
//! let entry = Payload::new("A family offered me a gift card.".into(), now.fixed_offset(), now);
//! journal.add(&entry, now)?;
//!
//! // Reading needs the key.
//! let key = journal.unlock(&Unlock::Passphrase(passphrase))?;
//! let listing = journal.list(&key, &Query::default())?;
//! assert_eq!(listing.entries[0].payload.title(), "A family offered me a gift card.");
//! # Ok(())
//! # }
//! ```

#![deny(rustdoc::broken_intra_doc_links)]

pub mod cli;
pub mod dates;
pub mod error;
pub mod import;
pub mod journal;
pub mod model;
pub mod paths;
pub mod prompts;
pub mod redact;
pub mod reflection;
pub mod report;
pub mod review;
pub mod store;
pub mod tagger;
pub mod taxonomy;
pub mod vault;

pub use error::{Error, ErrorKind};

/// Shared test configuration.
#[cfg(test)]
pub(crate) mod testing {
    use proptest::test_runner::{Config, FileFailurePersistence};

    /// Property-test settings: the default case count (`PROPTEST_CASES` raises it), with
    /// failing cases saved next to the source file (`<file>.proptest-regressions`) and
    /// committed, so a past failure is replayed forever.
    pub fn proptest_config() -> Config {
        Config {
            failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
                "proptest-regressions",
            ))),
            ..Config::default()
        }
    }
}
