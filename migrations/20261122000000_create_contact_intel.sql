-- Customer intelligence: what the analysis concluded about each contact, and which
-- contacts it has to look at again.
-- Triggers mark a contact "dirty" in the same transaction that changes its interactions,
-- orders, identities or profile, so an analysis pass never misses a change, even after a
-- crash: the mark stays until a pass has stored the new figures.

CREATE TABLE contact_intel (
    contact_id     INTEGER PRIMARY KEY NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    score          INTEGER NOT NULL CHECK (score BETWEEN 0 AND 100),
    tier           TEXT NOT NULL CHECK (tier IN ('hot', 'warm', 'cold')),
    -- [{key, points, reason}]
    factors        TEXT NOT NULL CHECK (json_valid(factors)),
    stage          TEXT NOT NULL CHECK (stage IN ('discovery', 'consideration', 'purchase_intent',
                                                  'active_customer', 'support_request', 'retention_risk')),
    stage_reason   TEXT NOT NULL,
    next_action    TEXT NOT NULL,
    next_reason    TEXT NOT NULL,
    engagement     TEXT NOT NULL CHECK (json_valid(engagement)),
    -- hearth_types::LtvFigures, or NULL without orders in the modelled currency.
    ltv            TEXT CHECK (ltv IS NULL OR json_valid(ltv)),
    p_alive        REAL,
    clv_12m_minor  INTEGER,
    -- Why the owner should look now; NULL when nothing needs them. Higher rank first.
    needs_attention TEXT,
    attention_rank INTEGER NOT NULL DEFAULT 0,
    -- Set when the contact became hot, cleared when they cool: one notification per crossing.
    hot_since      INTEGER,
    -- Their newest inbound message or call when last analysed: a hot lead writing again.
    last_inbound_at INTEGER,
    computed_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX contact_intel_score ON contact_intel (score DESC);
CREATE INDEX contact_intel_attention ON contact_intel (attention_rank DESC)
    WHERE needs_attention IS NOT NULL;
CREATE INDEX contact_intel_hot ON contact_intel (score DESC) WHERE tier = 'hot';

-- `seq` grows with every change: a pass clears a mark only if it is the one it read, so a
-- change that lands while the pass computes is looked at again by the next one.
CREATE TABLE intel_dirty (
    contact_id INTEGER PRIMARY KEY NOT NULL,
    seq        INTEGER NOT NULL DEFAULT 0
) STRICT;

-- Every contact is looked at once by the first pass.
INSERT INTO intel_dirty (contact_id) SELECT id FROM contacts WHERE merged_into IS NULL;

CREATE TRIGGER intel_dirty_interaction_insert AFTER INSERT ON interactions
WHEN new.contact_id IS NOT NULL BEGIN
    INSERT INTO intel_dirty (contact_id) VALUES (new.contact_id)
        ON CONFLICT (contact_id) DO UPDATE SET seq = seq + 1;
END;

CREATE TRIGGER intel_dirty_interaction_update
AFTER UPDATE OF contact_id, channel, direction, occurred_at, body, summary, sentiment,
                duration_ms, metadata ON interactions BEGIN
    INSERT INTO intel_dirty (contact_id)
    SELECT value FROM json_each(json_array(old.contact_id, new.contact_id))
    WHERE value IS NOT NULL
    ON CONFLICT (contact_id) DO UPDATE SET seq = seq + 1;
END;

CREATE TRIGGER intel_dirty_interaction_delete AFTER DELETE ON interactions
WHEN old.contact_id IS NOT NULL BEGIN
    INSERT INTO intel_dirty (contact_id) VALUES (old.contact_id)
        ON CONFLICT (contact_id) DO UPDATE SET seq = seq + 1;
END;

CREATE TRIGGER intel_dirty_order_insert AFTER INSERT ON orders
WHEN new.contact_id IS NOT NULL BEGIN
    INSERT INTO intel_dirty (contact_id) VALUES (new.contact_id)
        ON CONFLICT (contact_id) DO UPDATE SET seq = seq + 1;
    INSERT INTO business_settings (key, value) VALUES ('intel_orders_changed', '1')
        ON CONFLICT (key) DO UPDATE SET value = '1';
END;

CREATE TRIGGER intel_dirty_order_update
AFTER UPDATE OF contact_id, placed_at, total_minor, currency, status ON orders BEGIN
    INSERT INTO intel_dirty (contact_id)
    SELECT value FROM json_each(json_array(old.contact_id, new.contact_id))
    WHERE value IS NOT NULL
    ON CONFLICT (contact_id) DO UPDATE SET seq = seq + 1;
    INSERT INTO business_settings (key, value) VALUES ('intel_orders_changed', '1')
        ON CONFLICT (key) DO UPDATE SET value = '1';
END;

CREATE TRIGGER intel_dirty_order_delete AFTER DELETE ON orders
WHEN old.contact_id IS NOT NULL BEGIN
    INSERT INTO intel_dirty (contact_id) VALUES (old.contact_id)
        ON CONFLICT (contact_id) DO UPDATE SET seq = seq + 1;
    INSERT INTO business_settings (key, value) VALUES ('intel_orders_changed', '1')
        ON CONFLICT (key) DO UPDATE SET value = '1';
END;

CREATE TRIGGER intel_dirty_contact_insert AFTER INSERT ON contacts BEGIN
    INSERT INTO intel_dirty (contact_id) VALUES (new.id)
        ON CONFLICT (contact_id) DO UPDATE SET seq = seq + 1;
END;

CREATE TRIGGER intel_dirty_contact_update
AFTER UPDATE OF name, company_id, status, notes, time_zone, merged_into ON contacts BEGIN
    INSERT INTO intel_dirty (contact_id) VALUES (new.id)
        ON CONFLICT (contact_id) DO UPDATE SET seq = seq + 1;
END;

CREATE TRIGGER intel_dirty_identity_insert AFTER INSERT ON contact_identities BEGIN
    INSERT INTO intel_dirty (contact_id) VALUES (new.contact_id)
        ON CONFLICT (contact_id) DO UPDATE SET seq = seq + 1;
END;

CREATE TRIGGER intel_dirty_identity_delete AFTER DELETE ON contact_identities BEGIN
    INSERT INTO intel_dirty (contact_id) VALUES (old.contact_id)
        ON CONFLICT (contact_id) DO UPDATE SET seq = seq + 1;
END;

CREATE TRIGGER intel_dirty_deal AFTER INSERT ON deals
WHEN new.contact_id IS NOT NULL BEGIN
    INSERT INTO intel_dirty (contact_id) VALUES (new.contact_id)
        ON CONFLICT (contact_id) DO UPDATE SET seq = seq + 1;
END;

CREATE TRIGGER intel_dirty_deal_update AFTER UPDATE OF stage, contact_id ON deals
WHEN new.contact_id IS NOT NULL BEGIN
    INSERT INTO intel_dirty (contact_id) VALUES (new.contact_id)
        ON CONFLICT (contact_id) DO UPDATE SET seq = seq + 1;
END;

-- Marking a conversation done (or snoozing it) changes what to do next.
CREATE TRIGGER intel_dirty_inbox_insert AFTER INSERT ON inbox_state BEGIN
    INSERT INTO intel_dirty (contact_id) VALUES (new.contact_id)
        ON CONFLICT (contact_id) DO UPDATE SET seq = seq + 1;
END;

CREATE TRIGGER intel_dirty_inbox_update AFTER UPDATE OF done_through, snoozed_until ON inbox_state BEGIN
    INSERT INTO intel_dirty (contact_id) VALUES (new.contact_id)
        ON CONFLICT (contact_id) DO UPDATE SET seq = seq + 1;
END;
