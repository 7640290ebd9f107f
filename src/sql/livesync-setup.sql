-- LiveSync for Vaadin: database setup, for a DBA or a migration tool (Flyway, Liquibase).
-- Requires PostgreSQL 14 or newer.

-- 1. Logical replication (as a superuser; then restart PostgreSQL):
--   ALTER SYSTEM SET wal_level = 'logical';
--   ALTER SYSTEM SET max_replication_slots = '64';   -- one slot per application node
--   ALTER SYSTEM SET max_wal_senders = '64';

-- 2. The application's role may open replication connections (pg_hba.conf must allow
--    "host replication <role> <address> scram-sha-256" too):
--   ALTER ROLE "app" REPLICATION;

-- 3. The publication LiveSync reads. Either every table (needs a superuser):
CREATE PUBLICATION "livesync" FOR ALL TABLES;
-- ... or only the watched tables (the tables' owner may do this):
--   CREATE PUBLICATION "livesync" FOR TABLE "public"."task", "public"."organization";

-- Optional: deletes and moves between tenants are routed by id without it, but with FULL the WAL
-- carries every old value, so a delete reaches exactly the owning tenant's views even before
-- they hold the row:
--   ALTER TABLE "public"."task" REPLICA IDENTITY FULL;

-- Undo:
--   DROP PUBLICATION IF EXISTS "livesync";
