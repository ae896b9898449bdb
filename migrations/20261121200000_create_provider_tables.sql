-- VAPI (voice-AI calls) and Telnyx (SMS and call records): what the owner configured, the
-- phone numbers the providers know us by, and the opt-out ledger campaigns must honour.
-- API keys are not here: they live in the OS keyring only.

CREATE TABLE provider_accounts (
    provider       TEXT PRIMARY KEY NOT NULL CHECK (provider IN ('vapi', 'telnyx')),
    -- https://api.vapi.ai or https://api.telnyx.com/v2, or a loopback stand-in.
    base_url       TEXT NOT NULL,
    -- Provider-specific, non-secret settings: assistant and phone-number ids (VAPI), our
    -- number and messaging profile (Telnyx), poll interval, history to fetch on first sync.
    settings       TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(settings)),
    enabled        INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    last_sync_at   INTEGER,
    last_error     TEXT,
    last_error_at  INTEGER,
    retry_at       INTEGER,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
) STRICT;

-- VAPI phone-number resources resolved through GET /phone-number/{id}, cached.
CREATE TABLE provider_phone_numbers (
    provider   TEXT NOT NULL,
    id         TEXT NOT NULL,
    number     TEXT,
    name       TEXT,
    fetched_at INTEGER NOT NULL,
    PRIMARY KEY (provider, id)
) STRICT, WITHOUT ROWID;

-- Who asked not to be contacted on a channel. One row per (channel, address): a later
-- opt-in (START) removes it. Campaigns and direct sends check it before sending.
CREATE TABLE opt_outs (
    channel     TEXT NOT NULL CHECK (channel IN ('sms', 'voice_ai', 'email')),
    -- E.164 phone number or lower-cased email address.
    address     TEXT NOT NULL,
    keyword     TEXT,
    -- telnyx_optouts (mirrored), inbound_sms (a STOP text), send_refused (40300), manual.
    source      TEXT NOT NULL,
    occurred_at INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (channel, address)
) STRICT, WITHOUT ROWID;
