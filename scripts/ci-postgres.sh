#!/usr/bin/env bash
# A real PostgreSQL server for the case-store tests (tests/app/store/), on loopback only.
# Installs Debian's postgresql when missing (root and apt-get needed), starts the first
# cluster (creating one if there is none), and makes a role and a database for the tests.
# Prints the connection URL as the last line of stdout; everything else goes to stderr:
#   export CERTCHECK_TEST_POSTGRES_URL="$(bash scripts/ci-postgres.sh)"
# Safe to run again: it only does what is not done yet. The password is a fixed test-only
# value: the server listens on localhost and holds nothing but throwaway test schemas.
set -euo pipefail

ROLE=${CERTCHECK_PG_ROLE:-certcheck_test}
DATABASE=${CERTCHECK_PG_DATABASE:-certcheck_test}
PASSWORD=${CERTCHECK_PG_PASSWORD:-certcheck-test-only}

log() { echo "[ci-postgres] $*" >&2; }

if ! command -v pg_lsclusters >/dev/null 2>&1; then
  if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    log "PostgreSQL is not installed and this is not root with apt-get; install it or set CERTCHECK_TEST_POSTGRES_URL"
    exit 1
  fi
  log "installing postgresql"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
fi

cluster=$(pg_lsclusters --no-header | head -n 1 || true)
if [ -z "$cluster" ]; then
  version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
  log "creating cluster $version/main"
  pg_createcluster "$version" main >&2
  cluster=$(pg_lsclusters --no-header | head -n 1)
fi
read -r version name port status _ <<<"$cluster"
if [ "$status" != "online" ]; then
  log "starting cluster $version/$name on port $port"
  pg_ctlcluster "$version" "$name" start >&2
fi

as_postgres() { runuser -u postgres -- psql --port "$port" --no-psqlrc --quiet --tuples-only --no-align "$@"; }
for _ in $(seq 1 30); do
  as_postgres -c "SELECT 1" >/dev/null 2>&1 && break
  sleep 1
done

if [ "$(as_postgres -c "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'")" != "1" ]; then
  log "creating role $ROLE"
  as_postgres -c "CREATE ROLE $ROLE LOGIN PASSWORD '$PASSWORD'" >&2
fi
if [ "$(as_postgres -c "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'")" != "1" ]; then
  log "creating database $DATABASE"
  as_postgres -c "CREATE DATABASE $DATABASE OWNER $ROLE" >&2
fi

echo "postgresql://$ROLE:$PASSWORD@127.0.0.1:$port/$DATABASE"
