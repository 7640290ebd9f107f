-- LiveSync for Vaadin: database setup, for a DBA or a migration tool (Flyway, Liquibase).
-- Requires PostgreSQL 14 or newer.

-- 1. Logical replication (as a superuser; then restart PostgreSQL):
--   ALTER SYSTEM SET wal_level = 'logical';
--   ALTER SYSTEM SET max_replication_slots = '64';   -- one slot per application node
--   ALTER SYSTEM SET max_wal_senders = '64';

-- 2. The application's role may open replication connections:
--   ALTER ROLE "app" REPLICATION;
-- (AWS RDS/Aurora: GRANT rds_replication TO "app"; Cloud SQL: ALTER ROLE "app" REPLICATION as
-- cloudsqlsuperuser.) LiveSync's connection is a *logical* replication connection: pg_hba.conf
-- admits it by the ordinary lines for the database, the same line the application connects with,
-- e.g. "host appdb app 10.0.0.0/24 scram-sha-256". Do NOT add a "host replication app ..." line:
-- the "replication" keyword only matches physical replication, and with REPLICATION it would let
-- the role copy the whole cluster with pg_basebackup.

-- 3. The publication LiveSync reads. Recommended: only the watched tables (the tables' owner may
--    do this):
CREATE PUBLICATION "livesync" FOR TABLE "public"."task", "public"."organization"
    WITH (publish_via_partition_root = true);
-- ... or every table (needs a superuser). FOR ALL TABLES streams every table of the database to
-- the application's role, whatever its GRANTs and row-level security say; prefer the list above
-- in production:
--   CREATE PUBLICATION "livesync" FOR ALL TABLES WITH (publish_via_partition_root = true);
-- publish_via_partition_root makes changes of a partitioned table arrive under its own name (not
-- its partitions'), so that they reach the views watching it.

-- Optional: deletes and moves between tenants are routed by id without it, but with FULL the WAL
-- carries every old value, so a delete reaches exactly the owning tenant's views even before
-- they hold the row:
--   ALTER TABLE "public"."task" REPLICA IDENTITY FULL;

-- LiveSync's heartbeat calls pg_logical_emit_message(boolean, text, text), which PUBLIC may execute
-- by default; if EXECUTE was revoked, grant it to the application's role, or stall detection is off:
--   GRANT EXECUTE ON FUNCTION pg_logical_emit_message(boolean, text, text) TO "app";

-- A permanent slot (livesync.temporary-slot=false, with a livesync.slot-name per node) retains WAL
-- while its node is down. Drop the slot of a node that is gone for good:
--   SELECT pg_drop_replication_slot('livesync_node_1');

-- Undo:
--   DROP PUBLICATION IF EXISTS "livesync";
