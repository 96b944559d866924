-- candour journal schema, version 1.
--
-- Only ids and timestamps are plaintext. Everything a person wrote lives inside
-- `ciphertext`, a standard binary age file encrypted to the journal's public key.
-- Released migrations are never edited; changes go into a new numbered file.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value BLOB NOT NULL
) STRICT;

-- AUTOINCREMENT so that the id of a deleted entry is never handed to a new one:
-- users refer to entries by id, and "show 12" must not silently change meaning.
CREATE TABLE entries (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid        TEXT    NOT NULL UNIQUE,
    occurred_at INTEGER NOT NULL,  -- unix seconds (UTC): when it happened
    created_at  INTEGER NOT NULL,  -- unix seconds (UTC)
    updated_at  INTEGER NOT NULL,  -- unix seconds (UTC)
    ciphertext  BLOB    NOT NULL
) STRICT;

CREATE INDEX entries_by_occurred_at ON entries (occurred_at, id);
