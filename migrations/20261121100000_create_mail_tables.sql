-- Mail: IMAP/SMTP accounts, per-folder sync state, every stored message (compressed raw
-- bytes, so a later parser can re-read it offline) and the durable outbox.
-- Passwords are NOT here: they live in the OS keyring (hearth-core::secrets).

CREATE TABLE mail_accounts (
    id             INTEGER PRIMARY KEY NOT NULL,
    name           TEXT NOT NULL UNIQUE,
    imap_host      TEXT NOT NULL,
    imap_port      INTEGER NOT NULL CHECK (imap_port BETWEEN 1 AND 65535),
    imap_security  TEXT NOT NULL CHECK (imap_security IN ('tls', 'starttls', 'plain')),
    username       TEXT NOT NULL,
    -- JSON array of the account's own addresses, lower-cased: they tell inbound from
    -- outbound and are never turned into contacts.
    addresses      TEXT NOT NULL CHECK (json_valid(addresses) AND json_type(addresses) = 'array'),
    -- An extra trusted CA certificate (PEM) for self-hosted servers; public, not a secret.
    ca_pem         TEXT,
    smtp_host      TEXT,
    smtp_port      INTEGER CHECK (smtp_port IS NULL OR smtp_port BETWEEN 1 AND 65535),
    smtp_security  TEXT CHECK (smtp_security IS NULL OR smtp_security IN ('tls', 'starttls', 'plain')),
    -- Folders the user added beyond INBOX and Sent (JSON array of names).
    extra_folders  TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(extra_folders)),
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
) STRICT;

CREATE TABLE mail_folders (
    id             INTEGER PRIMARY KEY NOT NULL,
    account_id     INTEGER NOT NULL REFERENCES mail_accounts (id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('inbox', 'sent', 'extra')),
    uid_validity   INTEGER,
    -- Every message with a UID up to this one is stored (the sync's honest high-water mark).
    last_uid       INTEGER NOT NULL DEFAULT 0,
    server_total   INTEGER,
    state          TEXT NOT NULL DEFAULT 'idle' CHECK (state IN ('idle', 'syncing', 'error')),
    last_error     TEXT,
    retry_at       INTEGER,
    last_synced_at INTEGER,
    UNIQUE (account_id, name)
) STRICT;

CREATE TABLE mail_messages (
    id             INTEGER PRIMARY KEY NOT NULL,
    -- Message-ID plus the headers a copy keeps (see mail::convert::message_key): the same
    -- mail in INBOX and Sent, or copied between folders, is one row and one interaction.
    message_key    TEXT NOT NULL UNIQUE,
    message_id     TEXT,
    interaction_id INTEGER REFERENCES interactions (id) ON DELETE SET NULL,
    raw_zstd       BLOB NOT NULL,
    raw_size       INTEGER NOT NULL,
    -- What the parser could not read, when it could not read everything.
    parse_note     TEXT,
    created_at     INTEGER NOT NULL
) STRICT;
CREATE INDEX mail_messages_message_id ON mail_messages (message_id) WHERE message_id IS NOT NULL;

-- Where each stored message was seen: one row per folder UID.
CREATE TABLE mail_uids (
    folder_id    INTEGER NOT NULL REFERENCES mail_folders (id) ON DELETE CASCADE,
    uid_validity INTEGER NOT NULL,
    uid          INTEGER NOT NULL,
    message_id   INTEGER NOT NULL REFERENCES mail_messages (id) ON DELETE CASCADE,
    PRIMARY KEY (folder_id, uid_validity, uid)
) STRICT, WITHOUT ROWID;

-- Outbound work that must survive a crash or a night offline, sent once.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY NOT NULL,
    channel         TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'voice_ai')),
    account         TEXT NOT NULL,
    -- The exact bytes or request to send, fixed when queued so a retry sends the same thing.
    payload         BLOB NOT NULL,
    -- Message key (email) or our own reference: how a later sync recognises it.
    reference       TEXT NOT NULL UNIQUE,
    -- pending: not yet accepted; sending: handed to the server right now; sent; failed
    -- (the server refused it for good); unknown (the connection broke after the data went
    -- out: never re-sent blindly, reconciled from the next sync or by the owner).
    state           TEXT NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'unknown')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    interaction_id  INTEGER REFERENCES interactions (id) ON DELETE SET NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    sent_at         INTEGER
) STRICT;
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE state = 'pending';
