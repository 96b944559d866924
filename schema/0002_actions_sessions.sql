-- candour journal schema, version 2: follow-up actions and supervision sessions.
--
-- As with entries, only ids and timestamps are plaintext; an action's text and due date,
-- and a session's counterpart, note and the entries discussed, are inside `ciphertext`.

-- An action belongs to an entry; deleting the entry deletes its actions.
CREATE TABLE actions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid        TEXT    NOT NULL UNIQUE,
    entry_id    INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    ciphertext  BLOB    NOT NULL
) STRICT;

CREATE INDEX actions_by_entry ON actions (entry_id);

-- A supervision or line-manager meeting.
CREATE TABLE sessions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid        TEXT    NOT NULL UNIQUE,
    held_at     INTEGER NOT NULL,  -- unix seconds (UTC): when the meeting took place
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    ciphertext  BLOB    NOT NULL
) STRICT;

CREATE INDEX sessions_by_held_at ON sessions (held_at);
