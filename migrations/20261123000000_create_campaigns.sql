-- Campaigns (seed 001) and the per-recipient ledger that makes them crash-safe.
-- A send is one row per (recipient, step), created in the same transaction as its outbox
-- row: a step can be queued once only, and the outbox sends it at most once (a send whose
-- answer was lost is settled from the provider's records or the mailbox, never re-sent
-- blindly).

CREATE TABLE campaigns (
    id           INTEGER PRIMARY KEY NOT NULL,
    name         TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    kind         TEXT NOT NULL CHECK (kind IN ('winback', 'followup', 'promotional', 'feedback')),
    channel      TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'call', 'multi')),
    status       TEXT NOT NULL DEFAULT 'draft'
                 CHECK (status IN ('draft', 'scheduled', 'active', 'paused', 'completed', 'cancelled')),
    -- hearth_types::CampaignSpec (audience, steps, schedule, variables) as JSON.
    spec         TEXT NOT NULL CHECK (json_valid(spec)),
    -- What the engine waits for, and the last error it met (shown on the details page).
    waiting      TEXT,
    last_error   TEXT,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    scheduled_at INTEGER,
    launched_at  INTEGER,
    paused_at    INTEGER,
    completed_at INTEGER,
    cancelled_at INTEGER
) STRICT;

-- One row per person per campaign, fixed at launch.
CREATE TABLE campaign_recipients (
    id          INTEGER PRIMARY KEY NOT NULL,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    contact_id  INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    -- The step to take next (or the last one taken once finished).
    step        INTEGER NOT NULL DEFAULT 0,
    status      TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'queued', 'sending', 'sent', 'delivered', 'answered',
                                  'replied', 'failed', 'opted_out', 'skipped', 'unknown')),
    -- No more steps for this person.
    done        INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),
    -- Not before this time (sequence delay, send window).
    due_at      INTEGER NOT NULL,
    first_sent_at INTEGER,
    last_sent_at  INTEGER,
    replied_at  INTEGER,
    error       TEXT,
    updated_at  INTEGER NOT NULL,
    UNIQUE (campaign_id, contact_id)
) STRICT;
CREATE INDEX campaign_recipients_due ON campaign_recipients (campaign_id, due_at) WHERE done = 0;
CREATE INDEX campaign_recipients_contact ON campaign_recipients (contact_id);

-- The ledger: each step taken for a person, once.
CREATE TABLE campaign_sends (
    id           INTEGER PRIMARY KEY NOT NULL,
    campaign_id  INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    recipient_id INTEGER NOT NULL REFERENCES campaign_recipients (id) ON DELETE CASCADE,
    step         INTEGER NOT NULL,
    channel      TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'call')),
    -- The identity used: an email address or an E.164 number.
    address      TEXT NOT NULL,
    -- The outbox row's reference (Message-ID key, our VAPI call name, our SMS reference).
    reference    TEXT NOT NULL UNIQUE,
    outbox_id    INTEGER UNIQUE REFERENCES outbox (id),
    -- queued, sending, sent, failed, unknown: follows the outbox row.
    state        TEXT NOT NULL DEFAULT 'queued'
                 CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'unknown')),
    error        TEXT,
    created_at   INTEGER NOT NULL,
    settled_at   INTEGER,
    UNIQUE (recipient_id, step)
) STRICT;
CREATE INDEX campaign_sends_open ON campaign_sends (campaign_id, state)
    WHERE state IN ('queued', 'sending', 'unknown');
CREATE INDEX campaign_sends_created ON campaign_sends (campaign_id, channel, created_at);
