#!/usr/bin/env bash
# Prepares, idempotently, a second local PostgreSQL whose transaction-id epoch is at least 1, as a
# server has after 2^32 transactions: the cluster "epoch" (port 5460 unless LIVESYNC_PG_EPOCH_PORT
# says otherwise) set up like src/ci/postgres.sh's, then stopped, given epoch 2 with pg_resetwal
# and started again. Tests of the 64-bit transaction ids (xid8) that the visibility check builds
# from decoded 32-bit xids need it: on epoch 0 a wrong epoch shows as an error, above it as a
# silently wrong answer.
# Commits there can be held back on purpose: synchronous_standby_names names a standby that never
# connects and synchronous_commit defaults to local, so only a session that sets
# synchronous_commit = on waits (until its backend is cancelled) after its commit is decoded.
# Prints the URL the tests read (LIVESYNC_TEST_EPOCH_JDBC_URL; the same role and password as
# postgres.sh's) as an export line.
set -euo pipefail
cd "$(dirname "$0")"

CLUSTER=${LIVESYNC_PG_EPOCH_CLUSTER_NAME:-epoch}
PORT=${LIVESYNC_PG_EPOCH_PORT:-5460}
EPOCH=2

log() { echo "[postgres-epoch] $*" >&2; }

# the cluster, wal_level=logical, the role and its database: as for the main test cluster
eval "$(LIVESYNC_PG_CLUSTER_NAME=$CLUSTER LIVESYNC_PG_PORT=$PORT bash postgres.sh)"
VERSION=${LIVESYNC_TEST_PG_CLUSTER%/*}
PORT=$(pg_lsclusters -h | awk -v v="$VERSION" -v c="$CLUSTER" '$1==v && $2==c {print $3}')
DATA=$(pg_lsclusters -h | awk -v v="$VERSION" -v c="$CLUSTER" '$1==v && $2==c {print $6}')

psql_admin() { su postgres -c "psql -v ON_ERROR_STOP=1 -qAt -p $PORT $*"; }
# commits of sessions with synchronous_commit = on wait for a standby that never comes (tests
# release them by cancelling the backend); every other session commits as usual
CHANGED=0
if [ "$(psql_admin "-d postgres -c 'show synchronous_standby_names'")" != livesync_never_connects ]; then
  psql_admin "-d postgres" >&2 <<SQL
ALTER SYSTEM SET synchronous_standby_names = 'livesync_never_connects';
ALTER SYSTEM SET synchronous_commit = 'local';
SQL
  CHANGED=1
fi

CURRENT=$(psql_admin "-d postgres -c 'select pg_current_xact_id()::text::bigint >> 32'")
if [ "$CURRENT" -lt 1 ]; then
  log "setting the transaction id epoch of cluster $VERSION $CLUSTER to $EPOCH"
  pg_ctlcluster "$VERSION" "$CLUSTER" stop >&2
  su postgres -c "/usr/lib/postgresql/$VERSION/bin/pg_resetwal -e $EPOCH '$DATA'" >&2
  pg_ctlcluster "$VERSION" "$CLUSTER" start >&2
elif [ "$CHANGED" = 1 ]; then
  log "restarting cluster $VERSION $CLUSTER for the new settings"
  pg_ctlcluster "$VERSION" "$CLUSTER" restart >&2
fi
CURRENT=$(psql_admin "-d postgres -c 'select pg_current_xact_id()::text::bigint >> 32'")
[ "$CURRENT" -ge 1 ] || { log "the epoch of cluster $VERSION $CLUSTER is $CURRENT, expected at least 1"; exit 1; }
log "cluster $VERSION $CLUSTER on port $PORT: transaction id epoch $CURRENT"

echo "export LIVESYNC_TEST_EPOCH_JDBC_URL=jdbc:postgresql://127.0.0.1:$PORT/${LIVESYNC_PG_DB:-livesync}"
