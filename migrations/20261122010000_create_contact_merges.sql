-- Contact merges, kept so that each can be undone: what moved from the merged contact to
-- the kept one (row ids per table, and the profile fields that were filled in).

CREATE TABLE contact_merges (
    id        INTEGER PRIMARY KEY NOT NULL,
    kept_id   INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    merged_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    -- {"identities": [..], "interactions": [..], "orders": [..], "deals": [..], "tasks": [..],
    --  "company_id": id or null (filled in on the kept contact), "notes": text appended}
    moved     TEXT NOT NULL CHECK (json_valid(moved)),
    merged_at INTEGER NOT NULL,
    undone_at INTEGER
) STRICT;
CREATE INDEX contact_merges_kept ON contact_merges (kept_id);
CREATE INDEX contact_merges_merged ON contact_merges (merged_id);
