//! The crate-level error that `journal` returns, and the exit-code class of each.
//!
//! Messages are sentence fragments naming ids, paths and counts — never entry text,
//! keys or passphrases. [`Error::hint`] says what the user can do next; the CLI prints
//! both on one line.

use std::path::PathBuf;

use crate::model::EntryId;
use crate::store::StoreError;
use crate::vault::VaultError;

/// The exit-code classes of the interface contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Something failed at run time (exit 1).
    Runtime = 1,
    /// The command line or input was wrong (exit 2).
    Usage = 2,
    /// Wrong passphrase or key (exit 3).
    Unlock = 3,
    /// No such journal or entry (exit 4).
    NotFound = 4,
    /// Corrupt or tampered data (exit 5).
    Integrity = 5,
}

impl ErrorKind {
    /// The process exit code.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// A stable machine name for `--json` errors.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Runtime => "runtime",
            ErrorKind::Usage => "usage",
            ErrorKind::Unlock => "unlock",
            ErrorKind::NotFound => "not-found",
            ErrorKind::Integrity => "integrity",
        }
    }
}

/// Everything a journal operation can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Keys or ciphertext failed.
    #[error(transparent)]
    Vault(#[from] VaultError),
    /// There is no journal in the directory.
    #[error("no journal at {}", dir.display())]
    NoJournal {
        /// The journal directory that was looked in.
        dir: PathBuf,
    },
    /// `init` found an existing journal.
    #[error("a journal already exists at {}", dir.display())]
    JournalExists {
        /// The journal directory.
        dir: PathBuf,
    },
    /// `verify` found problems (each was reported).
    #[error("verify found {problems} problem{}", if *problems == 1 { "" } else { "s" })]
    VerifyFailed {
        /// How many.
        problems: usize,
    },
    /// `backup` would overwrite an existing journal.
    #[error("{} already exists; choose a new directory for the backup", path.display())]
    BackupExists {
        /// The existing database file.
        path: PathBuf,
    },
    /// No entry has this id.
    #[error("no entry {id}")]
    EntryNotFound {
        /// The id asked for.
        id: EntryId,
    },
    /// An entry failed to decrypt, authenticate or parse, or does not match its row.
    #[error("entry {id} is damaged or has been tampered with")]
    EntryDamaged {
        /// The damaged entry.
        id: EntryId,
    },
    /// Some entries of a listing could not be read; the others were shown.
    #[error("{} damaged or tampered with: {}", if ids.len() == 1 { "entry is" } else { "entries are" }, ids.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "))]
    SomeEntriesDamaged {
        /// The unreadable entries.
        ids: Vec<EntryId>,
    },
    /// An action or session failed to decrypt or verify.
    #[error("{what} {id} is damaged or has been tampered with")]
    RecordDamaged {
        /// "action" or "session".
        what: &'static str,
        /// Its id.
        id: i64,
    },
    /// No action has this id.
    #[error("no action {id}")]
    ActionNotFound {
        /// The id asked for.
        id: i64,
    },
    /// An entry was written by a newer candour.
    #[error("entry {id} was written by a newer version of candour (payload version {version})")]
    EntryTooNew {
        /// The entry.
        id: EntryId,
        /// Its payload version.
        version: u32,
    },
    /// The journal's configuration or key record is missing a piece.
    #[error("the journal at {} is incomplete: {what} is missing", dir.display())]
    Incomplete {
        /// The journal directory.
        dir: PathBuf,
        /// What is missing.
        what: &'static str,
    },
    /// Writing output failed (a full disk, a closed pipe).
    #[error("cannot write the output: {0}")]
    Io(#[from] std::io::Error),
    /// Input the user gave was invalid.
    #[error("{0}")]
    Invalid(String),
}

impl Error {
    /// The exit-code class. Exhaustive on purpose: a new variant must choose its code.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Store(e) => match e {
                StoreError::Corrupt { .. } | StoreError::MalformedRow { .. } => {
                    ErrorKind::Integrity
                }
                StoreError::SchemaTooNew { .. }
                | StoreError::Migration { .. }
                | StoreError::ReadOnly { .. }
                | StoreError::Sqlite(_)
                | StoreError::Io { .. } => ErrorKind::Runtime,
            },
            Error::Vault(e) => match e {
                VaultError::WrongPassphrase
                | VaultError::WrongKey
                | VaultError::BadIdentity
                | VaultError::WorkFactorTooHigh => ErrorKind::Unlock,
                VaultError::DamagedKey | VaultError::DamagedCiphertext => ErrorKind::Integrity,
                VaultError::Encrypt => ErrorKind::Runtime,
            },
            Error::NoJournal { .. }
            | Error::EntryNotFound { .. }
            | Error::ActionNotFound { .. } => ErrorKind::NotFound,
            Error::EntryDamaged { .. }
            | Error::RecordDamaged { .. }
            | Error::SomeEntriesDamaged { .. }
            | Error::Incomplete { .. }
            | Error::VerifyFailed { .. } => ErrorKind::Integrity,
            Error::JournalExists { .. } | Error::EntryTooNew { .. } | Error::Io(_) => {
                ErrorKind::Runtime
            }
            Error::Invalid(_) | Error::BackupExists { .. } => ErrorKind::Usage,
        }
    }

    /// What the user can do about it, when there is something useful to say.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            Error::NoJournal { .. } => {
                "run `candour init` to create one, or pass --journal DIR / set CANDOUR_HOME".into()
            }
            Error::JournalExists { .. } => {
                "use it as it is, or pass --journal DIR to create another".into()
            }
            Error::EntryNotFound { .. } => "see `candour list` for the ids".into(),
            Error::ActionNotFound { .. } => "see `candour actions` for the ids".into(),
            Error::EntryDamaged { .. } | Error::SomeEntriesDamaged { .. } | Error::RecordDamaged { .. } => {
                "run `candour verify` to list every damaged entry; restore it from a backup or delete it".into()
            }
            Error::EntryTooNew { .. } => "upgrade candour to read or change it".into(),
            Error::Incomplete { .. } => "restore the journal from a backup".into(),
            Error::Store(StoreError::SchemaTooNew { .. }) => {
                "upgrade candour; this version cannot read the journal safely".into()
            }
            Error::Store(StoreError::Corrupt { .. } | StoreError::MalformedRow { .. }) => {
                "restore the journal from a backup (`candour backup` makes one)".into()
            }
            Error::Store(StoreError::ReadOnly { .. }) => {
                "check the permissions of the journal directory and the free disk space".into()
            }
            Error::Vault(VaultError::WrongPassphrase) => {
                "try again, or unlock with the recovery key: --identity FILE".into()
            }
            Error::Vault(VaultError::WrongKey | VaultError::BadIdentity) => {
                "pass the recovery key file written by `candour init` (AGE-SECRET-KEY-1…)".into()
            }
            Error::Vault(VaultError::DamagedKey) => {
                "unlock with the recovery key (--identity FILE), or restore from a backup".into()
            }
            _ => return None,
        })
    }
}

/// Collapses line breaks and control characters so a message stays on one line.
pub fn one_line(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut last_space = false;
    for c in message.chars() {
        let c = if c.is_control() { ' ' } else { c };
        if c == ' ' {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
        } else {
            out.push(c);
            last_space = false;
        }
    }
    out.trim().to_owned()
}
