-- The inbox: who is waiting for an answer.
-- A contact waits when its newest inbound message (on a channel one answers: email, SMS,
-- chat, social, calls) is newer than its newest outbound one and than the time the owner
-- last marked it done, unless it is snoozed. The newest times are kept on the contact by
-- triggers so the inbox reads a small partial index instead of the whole timeline.

ALTER TABLE contacts ADD COLUMN last_inbound_at INTEGER;
ALTER TABLE contacts ADD COLUMN last_outbound_at INTEGER;

CREATE INDEX interactions_contact_direction ON interactions (contact_id, direction, occurred_at);

UPDATE contacts SET
    last_inbound_at = (SELECT MAX(occurred_at) FROM interactions i
                       WHERE i.contact_id = contacts.id AND i.direction = 'inbound'
                         AND i.channel IN ('email', 'sms', 'chat', 'social', 'voice_ai', 'call')),
    last_outbound_at = (SELECT MAX(occurred_at) FROM interactions i
                        WHERE i.contact_id = contacts.id AND i.direction = 'outbound');

CREATE INDEX contacts_waiting ON contacts (last_inbound_at)
    WHERE last_inbound_at > coalesce(last_outbound_at, -9223372036854775807);

CREATE TRIGGER interactions_last_insert AFTER INSERT ON interactions
WHEN new.contact_id IS NOT NULL BEGIN
    UPDATE contacts SET
        last_inbound_at = CASE
            WHEN new.direction = 'inbound'
             AND new.channel IN ('email', 'sms', 'chat', 'social', 'voice_ai', 'call')
            THEN max(coalesce(last_inbound_at, new.occurred_at), new.occurred_at)
            ELSE last_inbound_at END,
        last_outbound_at = CASE
            WHEN new.direction = 'outbound'
            THEN max(coalesce(last_outbound_at, new.occurred_at), new.occurred_at)
            ELSE last_outbound_at END
    WHERE id = new.contact_id;
END;

CREATE TRIGGER interactions_last_update
AFTER UPDATE OF contact_id, direction, channel, occurred_at ON interactions BEGIN
    UPDATE contacts SET
        last_inbound_at = (SELECT MAX(occurred_at) FROM interactions i
                           WHERE i.contact_id = contacts.id AND i.direction = 'inbound'
                             AND i.channel IN ('email', 'sms', 'chat', 'social', 'voice_ai', 'call')),
        last_outbound_at = (SELECT MAX(occurred_at) FROM interactions i
                            WHERE i.contact_id = contacts.id AND i.direction = 'outbound')
    WHERE id IN (old.contact_id, new.contact_id);
END;

CREATE TRIGGER interactions_last_delete AFTER DELETE ON interactions
WHEN old.contact_id IS NOT NULL BEGIN
    UPDATE contacts SET
        last_inbound_at = (SELECT MAX(occurred_at) FROM interactions i
                           WHERE i.contact_id = contacts.id AND i.direction = 'inbound'
                             AND i.channel IN ('email', 'sms', 'chat', 'social', 'voice_ai', 'call')),
        last_outbound_at = (SELECT MAX(occurred_at) FROM interactions i
                            WHERE i.contact_id = contacts.id AND i.direction = 'outbound')
    WHERE id = old.contact_id;
END;

CREATE TABLE inbox_state (
    contact_id    INTEGER PRIMARY KEY NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    done_through  INTEGER,
    snoozed_until INTEGER,
    updated_at    INTEGER NOT NULL
) STRICT;
