-- The board orders titles by their lower case character by character (COLLATE ucs_basic), whatever the
-- database's collation: glibc's en_US.UTF-8, for one, skips punctuation, and the demo's contract puts a
-- title "!!..." in the first rows. The index of that order replaces V4's, which used the database's
-- collation.
DROP INDEX task_organization_title;
CREATE INDEX task_organization_title ON task (organization_id, (lower(title) COLLATE ucs_basic), id);
