-- The board states its filter as a predicate (LiveDataProvider.withFilterPredicate): with the whole old
-- row in the WAL, LiveSync tells for any update whether the task was inside the filter before, so an
-- update of a task outside the filter costs no query, and one entering or leaving it changes the
-- filtered count by one. The cost: each UPDATE and DELETE of a task also logs the old row (a long
-- note included). Deletes and moves still carry the old organization_id (the live count stays exact);
-- V4's unique index on (id, organization_id) is no longer the identity.
ALTER TABLE task REPLICA IDENTITY FULL;
