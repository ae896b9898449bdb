-- The HTML part of a message, as received. It is never shown as stored: the core
-- sanitizes it (ammonia) every time it is read for display.
ALTER TABLE interactions ADD COLUMN body_html TEXT;
