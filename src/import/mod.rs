//! Reading other formats into an import batch: candour's own JSON export, and jrnl's
//! JSON export (`jrnl --format json`), so jrnl users can move over.
//!
//! Parsing never echoes file content in errors (the file holds someone's journal): a
//! malformed file is reported by line and column only.

pub mod jrnl;

use chrono::{DateTime, Utc};

use crate::journal::import::Batch;
use crate::report::json::{Document, FORMAT, Header, VERSION};

/// Why a file could not be imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// Not JSON at all, or cut short.
    #[error("the file is not valid JSON ({what} at line {line}, column {column})")]
    Syntax {
        /// "syntax error" or "unexpected end".
        what: &'static str,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// JSON, but not the expected shape.
    #[error("the file is JSON but not {expected} (at line {line}, column {column})")]
    Shape {
        /// What was expected.
        expected: &'static str,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// A candour export of an unknown format or a newer version.
    #[error("{0}")]
    Unsupported(String),
    /// The file is larger than an import may be.
    #[error("the file is {size} bytes; imports are limited to {limit} bytes")]
    TooLarge {
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
}

/// Turns a serde_json error into a message that holds no file content.
pub fn describe(e: &serde_json::Error, expected: &'static str) -> ImportError {
    use serde_json::error::Category;
    let (line, column) = (e.line(), e.column());
    match e.classify() {
        Category::Syntax => ImportError::Syntax {
            what: "syntax error",
            line,
            column,
        },
        Category::Eof => ImportError::Syntax {
            what: "the file ends too early",
            line,
            column,
        },
        Category::Io | Category::Data => ImportError::Shape {
            expected,
            line,
            column,
        },
    }
}

/// Reads candour's JSON export.
pub fn from_export(text: &str) -> Result<(Header, Batch), ImportError> {
    const EXPECTED: &str = "a candour export";
    let doc: Document = serde_json::from_str(text).map_err(|e| describe(&e, EXPECTED))?;
    if doc.header.format != FORMAT {
        return Err(ImportError::Unsupported(format!(
            "the file is not a candour export (format {:?}); for jrnl exports use --format jrnl-json",
            doc.header.format
        )));
    }
    if doc.header.version > VERSION {
        return Err(ImportError::Unsupported(format!(
            "the export is version {}, newer than this candour reads ({VERSION}); upgrade candour",
            doc.header.version
        )));
    }
    let batch = Batch {
        entries: doc
            .entries
            .into_iter()
            .map(|e| (e.payload, e.updated_at))
            .collect(),
        actions: doc.actions.into_iter().map(|a| a.payload).collect(),
        sessions: doc.sessions.into_iter().map(|s| s.payload).collect(),
    };
    Ok((doc.header, batch))
}

/// When the batch was made, for messages.
pub fn newest(batch: &Batch) -> Option<DateTime<Utc>> {
    batch.entries.iter().map(|(_, at)| *at).max()
}
