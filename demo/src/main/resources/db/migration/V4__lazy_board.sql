-- The board is a lazy Grid: the database pages, sorts and filters one organization's tasks.

-- Deletes and moves between organizations carry the old organization_id in the WAL, so that they reach
-- exactly the boards of the row's organization — also for rows no board has on screen (the count stays
-- exact). The replica identity is an index of NOT NULL columns that holds organization_id; an UPDATE
-- logs the old key only when id or organization_id change, so other updates cost nothing more.
-- Outside writers' plain SQL works as before.
CREATE UNIQUE INDEX task_id_organization_id ON task (id, organization_id);
ALTER TABLE task REPLICA IDENTITY USING INDEX task_id_organization_id;

-- The board's default order (title ignoring case, then id) within one organization, so that a page of
-- a large organization is read from the index instead of sorting every row. (task_organization_id stays:
-- small, it counts an organization's tasks.)
CREATE INDEX task_organization_title ON task (organization_id, lower(title), id);
