#!/usr/bin/env bash
# Prepares a local PostgreSQL for the tests and the benchmark, idempotently:
# Debian's postgresql package (installed if missing), wal_level=logical, the cluster started through
# pg_ctlcluster (PostgreSQL refuses to run as root), and a LOGIN REPLICATION role with its database.
# Prints the environment the tests read (LIVESYNC_TEST_JDBC_URL, _USER, _PASSWORD) as export lines.
set -euo pipefail

PG_USER=${LIVESYNC_PG_USER:-livesync}
PG_PASSWORD=${LIVESYNC_PG_PASSWORD:-livesync}
PG_DB=${LIVESYNC_PG_DB:-livesync}
# Which Debian cluster (name and, for a new one, port): "main" by default; another name gives an
# isolated cluster, e.g. for a second checkout whose tests restart their server.
CLUSTER=${LIVESYNC_PG_CLUSTER_NAME:-main}
NEW_PORT=${LIVESYNC_PG_PORT:-}

log() { echo "[postgres] $*" >&2; }

if ! command -v pg_lsclusters >/dev/null 2>&1 || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
  log "installing Debian's postgresql package"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi

VERSION=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$VERSION $CLUSTER"; then
  log "creating cluster $VERSION $CLUSTER"
  pg_createcluster ${NEW_PORT:+-p "$NEW_PORT"} "$VERSION" "$CLUSTER" >&2
fi

CONF=/etc/postgresql/$VERSION/$CLUSTER/conf.d/livesync.conf
cat > "$CONF.new" <<CONF
# written by livesync src/ci/postgres.sh: logical replication for LiveSync's tests
wal_level = logical
max_replication_slots = 40
max_wal_senders = 40
wal_sender_timeout = 60s
max_connections = 200
CONF
if ! cmp -s "$CONF.new" "$CONF"; then
  mv "$CONF.new" "$CONF"
  CHANGED=1
else
  rm "$CONF.new"
  CHANGED=0
fi

STATUS=$(pg_lsclusters -h | awk -v v="$VERSION" -v c="$CLUSTER" '$1==v && $2==c {print $4}')
if [ "$STATUS" != "online" ]; then
  log "starting cluster $VERSION $CLUSTER"
  pg_ctlcluster "$VERSION" "$CLUSTER" start >&2
elif [ "$CHANGED" = 1 ]; then
  log "restarting cluster $VERSION $CLUSTER for the new settings"
  pg_ctlcluster "$VERSION" "$CLUSTER" restart >&2
fi

PORT=$(pg_lsclusters -h | awk -v v="$VERSION" -v c="$CLUSTER" '$1==v && $2==c {print $3}')
for _ in $(seq 1 60); do
  pg_isready -q -h 127.0.0.1 -p "$PORT" && break
  sleep 0.5
done
pg_isready -h 127.0.0.1 -p "$PORT" >&2

psql_admin() { su postgres -c "psql -v ON_ERROR_STOP=1 -qAt -p $PORT $*"; }
WAL=$(psql_admin "-c 'show wal_level'")
[ "$WAL" = logical ] || { log "wal_level is '$WAL', expected logical"; exit 1; }

# The test role is a superuser so that tests can create publications FOR ALL TABLES and kill walsenders.
psql_admin "-d postgres" >&2 <<SQL
DO \$\$BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_USER') THEN
    CREATE ROLE "$PG_USER" LOGIN REPLICATION SUPERUSER PASSWORD '$PG_PASSWORD';
  ELSE
    ALTER ROLE "$PG_USER" LOGIN REPLICATION SUPERUSER PASSWORD '$PG_PASSWORD';
  END IF;
END\$\$;
SQL
if [ "$(psql_admin "-d postgres -c \"select 1 from pg_database where datname='$PG_DB'\"")" != 1 ]; then
  psql_admin "-d postgres -c 'create database \"$PG_DB\" owner \"$PG_USER\"'" >&2
fi

echo "export LIVESYNC_TEST_JDBC_URL=jdbc:postgresql://127.0.0.1:$PORT/$PG_DB"
echo "export LIVESYNC_TEST_USER=$PG_USER"
echo "export LIVESYNC_TEST_PASSWORD=$PG_PASSWORD"
echo "export LIVESYNC_TEST_PG_CLUSTER=$VERSION/$CLUSTER"
