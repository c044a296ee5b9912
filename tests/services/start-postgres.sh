#!/usr/bin/env bash
# Start a local PostgreSQL for the tests and make sure the test role exists.
# Idempotent: does nothing that is already done. Needs root (or a sudo-less postgres setup).
#
# Safe to run twice at once (two `make test` in two clones): everything below runs under one
# machine-wide lock, so two runs never both start the cluster or both create the role, and
# apt-get waits for dpkg's own lock instead of failing.
set -euo pipefail

ROLE="${WG_PG_ROLE:-welvaartgesprek}"
PASSWORD="${WG_PG_PASSWORD:-welvaartgesprek}"

LOCK="${WG_SERVICES_LOCK:-/tmp/welvaartgesprek-services.lock}"
exec 9>>"$LOCK"
flock --wait 1800 9 || { echo "Waited 30 minutes for $LOCK; giving up." >&2; exit 1; }

if ! command -v pg_lsclusters >/dev/null 2>&1; then
    echo "PostgreSQL is not installed; installing it (Debian package postgresql)..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq postgresql >/dev/null
fi

read -r VERSION CLUSTER STATUS < <(pg_lsclusters --no-header | awk 'NR==1 {print $1, $2, $4}')
if [ -z "${VERSION:-}" ]; then
    echo "No PostgreSQL cluster found; create one with pg_createcluster." >&2
    exit 1
fi
if [ "$STATUS" != "online" ]; then
    echo "Starting PostgreSQL $VERSION/$CLUSTER..."
    # The server outlives this script: it must not inherit the lock's descriptor, or it
    # would hold the lock for as long as it runs and every later `make test` would wait.
    pg_ctlcluster "$VERSION" "$CLUSTER" start 9>&-
fi
for _ in $(seq 1 60); do
    pg_isready -q -h 127.0.0.1 && break
    sleep 1
done
pg_isready -h 127.0.0.1 >/dev/null

as_postgres() { runuser -u postgres -- "$@"; }
role_exists="$(as_postgres psql -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'")"
if [ "$role_exists" != 1 ]; then
    as_postgres psql -q -c "CREATE ROLE \"$ROLE\" LOGIN CREATEDB PASSWORD '$PASSWORD'"
    echo "Created PostgreSQL role $ROLE."
fi
echo "PostgreSQL $VERSION is ready on 127.0.0.1:5432 (role $ROLE)."
