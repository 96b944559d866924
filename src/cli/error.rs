//! Command errors and the one place that prints them and picks the exit code.
//!
//! Every failure becomes exactly one line on stderr — `error: <what happened>; <what to
//! do>` — and, with `--json`, one error object on stdout. A broken pipe (`candour list
//! | head`) is not an error: nothing is printed and the exit code is 0.

use std::io::{self, Write};

use crate::error::{Error, ErrorKind};

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// A journal operation failed.
    #[error(transparent)]
    Journal(#[from] Error),
    /// A custom taxonomy is missing or invalid (exit 2).
    #[error(transparent)]
    Taxonomy(#[from] crate::taxonomy::TaxonomyError),
    /// The user asked for something that cannot be done as asked (exit 2).
    #[error("{0}")]
    Usage(String),
    /// Reading needs the key and there is no way to get it (exit 3).
    #[error(
        "no passphrase available: standard input is not a terminal and none of --identity, --passphrase-file or CANDOUR_PASSPHRASE was given"
    )]
    NoUnlockSource,
    /// A passphrase or key file could not be read (exit 2).
    #[error("cannot read {what} {path}: {source}")]
    ReadFile {
        /// What the file was for ("passphrase file").
        what: &'static str,
        /// Its path, as given.
        path: String,
        /// The OS error.
        source: io::Error,
    },
    /// Writing a file the user named failed (exit 1).
    #[error("cannot write {what} {path}: {source}")]
    WriteFile {
        /// What the file was for ("recovery key file").
        what: &'static str,
        /// Its path, as given.
        path: String,
        /// The OS error.
        source: io::Error,
    },
    /// The editor could not be run or failed (exit 1).
    #[error("{0}")]
    Editor(String),
    /// The unlock agent could not be started or reached.
    #[error("{0}")]
    Agent(String),
    /// The user declined a confirmation (exit 1).
    #[error("{0}")]
    Cancelled(String),
    /// Writing to the terminal or reading input failed.
    #[error("input/output error: {0}")]
    Io(#[from] io::Error),
}

impl CliError {
    /// The exit-code class.
    pub fn kind(&self) -> ErrorKind {
        match self {
            CliError::Journal(e) => e.kind(),
            CliError::Usage(_) | CliError::ReadFile { .. } | CliError::Taxonomy(_) => {
                ErrorKind::Usage
            }
            CliError::NoUnlockSource => ErrorKind::Unlock,
            CliError::WriteFile { .. }
            | CliError::Editor(_)
            | CliError::Agent(_)
            | CliError::Cancelled(_)
            | CliError::Io(_) => ErrorKind::Runtime,
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            CliError::Journal(e) => e.hint(),
            CliError::NoUnlockSource => Some(
                "run it in a terminal, or pass --passphrase-file FILE or --identity FILE".into(),
            ),
            CliError::Taxonomy(_) => Some(
                "fix the file, or drop --taxonomy / CANDOUR_TAXONOMY to use the built-in one"
                    .into(),
            ),
            _ => None,
        }
    }

    fn is_broken_pipe(&self) -> bool {
        match self {
            CliError::Io(e) | CliError::Journal(Error::Io(e)) => {
                e.kind() == io::ErrorKind::BrokenPipe
            }
            _ => false,
        }
    }
}

/// A shorthand for usage errors.
pub fn usage(message: impl Into<String>) -> CliError {
    CliError::Usage(message.into())
}

/// Prints `error` as one line (and a JSON object with `--json`) and returns the exit code.
pub fn report(error: &CliError, json: bool) -> u8 {
    if error.is_broken_pipe() {
        return 0;
    }
    let kind = error.kind();
    let mut line = one_line(&error.to_string());
    if let Some(hint) = error.hint() {
        line.push_str("; ");
        line.push_str(&one_line(&hint));
    }
    if json {
        let object = serde_json::json!({
            "error": { "kind": kind.as_str(), "code": kind.code(), "message": line }
        });
        // If stdout is gone there is nobody to tell; stderr still gets the line.
        let _ = writeln!(io::stdout(), "{object}");
    }
    let _ = writeln!(io::stderr(), "error: {line}");
    kind.code()
}

pub use crate::error::one_line;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_folded_onto_one_line() {
        assert_eq!(one_line("a\nb\r\n  c\t d"), "a b c d");
    }

    #[test]
    fn exit_codes_follow_the_contract() {
        assert_eq!(CliError::NoUnlockSource.kind().code(), 3);
        assert_eq!(usage("x").kind().code(), 2);
        let missing = CliError::Journal(Error::NoJournal { dir: "/x".into() });
        assert_eq!(missing.kind().code(), 4);
        let damaged = CliError::Journal(Error::EntryDamaged {
            id: crate::model::EntryId(2),
        });
        assert_eq!(damaged.kind().code(), 5);
    }

    #[test]
    fn a_broken_pipe_is_silent_success() {
        let e = CliError::Io(io::Error::from(io::ErrorKind::BrokenPipe));
        assert_eq!(report(&e, false), 0);
    }
}
