-- Hearth's foundation schema: one file per business.
-- Times are INTEGER milliseconds since the Unix epoch, UTC. Money is INTEGER minor units
-- (orders, deals) or micro-units (provider costs). JSON columns are TEXT checked by json_valid.
-- Append-only: never edit this file once landed; add a new migration instead.

CREATE TABLE business_settings (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE companies (
    id         INTEGER PRIMARY KEY NOT NULL,
    name       TEXT NOT NULL,
    domain     TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX companies_name ON companies (name COLLATE NOCASE);

CREATE TABLE contacts (
    id          INTEGER PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    company_id  INTEGER REFERENCES companies (id) ON DELETE SET NULL,
    status      TEXT NOT NULL DEFAULT 'lead'
                CHECK (status IN ('lead', 'customer', 'inactive', 'vip', 'blocked')),
    notes       TEXT NOT NULL DEFAULT '',
    time_zone   TEXT,
    -- Set when this contact was merged into another; its rows moved there.
    merged_into INTEGER REFERENCES contacts (id),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX contacts_name ON contacts (name COLLATE NOCASE);
CREATE INDEX contacts_company ON contacts (company_id);
CREATE INDEX contacts_merged_into ON contacts (merged_into) WHERE merged_into IS NOT NULL;

CREATE TABLE contact_identities (
    id         INTEGER PRIMARY KEY NOT NULL,
    contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('email', 'phone', 'handle')),
    -- Normalized: lower-cased email, E.164 phone, handle as given.
    value      TEXT NOT NULL,
    label      TEXT,
    created_at INTEGER NOT NULL,
    UNIQUE (kind, value)
) STRICT;
CREATE INDEX contact_identities_contact ON contact_identities (contact_id);

CREATE TABLE deals (
    id             INTEGER PRIMARY KEY NOT NULL,
    contact_id     INTEGER REFERENCES contacts (id) ON DELETE SET NULL,
    company_id     INTEGER REFERENCES companies (id) ON DELETE SET NULL,
    title          TEXT NOT NULL,
    value_minor    INTEGER NOT NULL DEFAULT 0,
    currency       TEXT NOT NULL DEFAULT 'USD',
    stage          TEXT NOT NULL DEFAULT 'new'
                   CHECK (stage IN ('new', 'qualified', 'proposal', 'negotiation', 'won', 'lost')),
    probability    INTEGER NOT NULL DEFAULT 0 CHECK (probability BETWEEN 0 AND 100),
    expected_close INTEGER,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
) STRICT;
CREATE INDEX deals_contact ON deals (contact_id);

CREATE TABLE tasks (
    id           INTEGER PRIMARY KEY NOT NULL,
    contact_id   INTEGER REFERENCES contacts (id) ON DELETE SET NULL,
    deal_id      INTEGER REFERENCES deals (id) ON DELETE SET NULL,
    title        TEXT NOT NULL,
    due_at       INTEGER,
    priority     TEXT NOT NULL DEFAULT 'normal'
                 CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    completed_at INTEGER
) STRICT;
CREATE INDEX tasks_contact ON tasks (contact_id, status);

-- The unified timeline: every customer interaction on every channel.
CREATE TABLE interactions (
    id             INTEGER PRIMARY KEY NOT NULL,
    -- Timeline order: occurred_at in the high bits, a hash of the source key in the low
    -- 20 bits (store::timeline::sort_key). Unique, and the rowid of the FTS index, so a
    -- search walks matches newest first and stops after one page.
    sort_key       INTEGER NOT NULL UNIQUE,
    contact_id     INTEGER REFERENCES contacts (id) ON DELETE SET NULL,
    channel        TEXT NOT NULL
                   CHECK (channel IN ('email', 'sms', 'call', 'voice_ai', 'chat', 'order', 'note', 'social')),
    direction      TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound', 'internal')),
    occurred_at    INTEGER NOT NULL,
    subject        TEXT,
    body           TEXT,
    summary        TEXT,
    -- VADER compound score in [-1, 1]; NULL until scored.
    sentiment      REAL CHECK (sentiment IS NULL OR sentiment BETWEEN -1.0 AND 1.0),
    source         TEXT NOT NULL,
    source_account TEXT NOT NULL DEFAULT '',
    source_id      TEXT NOT NULL,
    thread_key     TEXT,
    duration_ms    INTEGER,
    cost_micros    INTEGER,
    metadata       TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(metadata)),
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    -- Every sync upserts on this key, so re-running a sync never duplicates.
    UNIQUE (source, source_account, source_id)
) STRICT;
CREATE INDEX interactions_contact_order ON interactions (contact_id, sort_key);
CREATE INDEX interactions_channel_order ON interactions (channel, sort_key);
CREATE INDEX interactions_thread ON interactions (thread_key) WHERE thread_key IS NOT NULL;

CREATE VIRTUAL TABLE interactions_fts USING fts5 (
    subject, body, summary,
    content = 'interactions', content_rowid = 'sort_key',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER interactions_fts_insert AFTER INSERT ON interactions BEGIN
    INSERT INTO interactions_fts (rowid, subject, body, summary)
    VALUES (new.sort_key, new.subject, new.body, new.summary);
END;

CREATE TRIGGER interactions_fts_delete AFTER DELETE ON interactions BEGIN
    INSERT INTO interactions_fts (interactions_fts, rowid, subject, body, summary)
    VALUES ('delete', old.sort_key, old.subject, old.body, old.summary);
END;

CREATE TRIGGER interactions_fts_update AFTER UPDATE OF subject, body, summary, sort_key ON interactions BEGIN
    INSERT INTO interactions_fts (interactions_fts, rowid, subject, body, summary)
    VALUES ('delete', old.sort_key, old.subject, old.body, old.summary);
    INSERT INTO interactions_fts (rowid, subject, body, summary)
    VALUES (new.sort_key, new.subject, new.body, new.summary);
END;

CREATE TABLE orders (
    id          INTEGER PRIMARY KEY NOT NULL,
    contact_id  INTEGER REFERENCES contacts (id) ON DELETE SET NULL,
    source      TEXT NOT NULL DEFAULT 'manual',
    external_id TEXT NOT NULL,
    placed_at   INTEGER NOT NULL,
    total_minor INTEGER NOT NULL,
    currency    TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'completed',
    items       TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(items)),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (source, external_id)
) STRICT;
CREATE INDEX orders_contact ON orders (contact_id, placed_at);

CREATE TABLE sync_cursors (
    source     TEXT NOT NULL,
    account    TEXT NOT NULL DEFAULT '',
    cursor     TEXT NOT NULL CHECK (json_valid(cursor)),
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (source, account)
) STRICT;
