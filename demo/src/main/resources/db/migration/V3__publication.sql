-- The publication LiveSync reads (livesync.publication, default "livesync"). The tables' owner may create
-- it FOR TABLE; a publication that exists already (e.g. one a DBA made FOR ALL TABLES) is kept, and
-- only lacking tables are added to one that lists its tables.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = 'livesync') THEN
        CREATE PUBLICATION livesync FOR TABLE task, organization;
    ELSIF NOT (SELECT puballtables FROM pg_publication WHERE pubname = 'livesync') THEN
        IF NOT EXISTS (SELECT 1 FROM pg_publication_tables
                        WHERE pubname = 'livesync' AND schemaname = current_schema() AND tablename = 'task') THEN
            ALTER PUBLICATION livesync ADD TABLE task;
        END IF;
        IF NOT EXISTS (SELECT 1 FROM pg_publication_tables
                        WHERE pubname = 'livesync' AND schemaname = current_schema() AND tablename = 'organization') THEN
            ALTER PUBLICATION livesync ADD TABLE organization;
        END IF;
    END IF;
END
$$;
