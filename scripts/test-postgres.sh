#!/usr/bin/env bash
# The PostgreSQL the tests run against (Debian's `postgresql`), for scripts/run-tests.mjs:
#   test-postgres.sh install         installs PostgreSQL when missing
#   test-postgres.sh up [OWNER_PID]  installs when missing, starts the cluster, makes a throwaway database and prints
#                                    its URL (a login role named after the current user, peer auth on the socket);
#                                    databases left by test runs whose process has gone are dropped first
#   test-postgres.sh down URL        drops the database of that URL
set -euo pipefail

as_postgres() {
  if [ "$(id -un)" = postgres ]; then "$@"
  elif [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"
  else sudo -n -u postgres "$@"
  fi
}

install() {
  command -v pg_lsclusters >/dev/null && [ -n "$(pg_lsclusters --no-header 2>/dev/null)" ] && return 0
  if [ -d /usr/lib/postgresql ] && [ -n "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
    :
  elif [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  elif command -v sudo >/dev/null; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    echo "test-postgres: the PostgreSQL tests need PostgreSQL: apt-get install postgresql" >&2
    return 1
  fi
  # The package makes a cluster when it installs; make one if it did not (a server installed without it).
  if [ -z "$(pg_lsclusters --no-header 2>/dev/null)" ]; then
    version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
    if [ "$(id -u)" -eq 0 ]; then pg_createcluster "$version" main >/dev/null; else sudo -n pg_createcluster "$version" main >/dev/null; fi
  fi
}

case "${1:-up}" in
  install)
    install
    ;;
  up)
    owner=${2:-$PPID}
    install >&2
    # The first cluster, whatever its version (Debian 12 has 15).
    read -r version cluster port status _ < <(pg_lsclusters --no-header | head -n 1)
    if [ "$status" != online ]; then
      if [ "$(id -u)" -eq 0 ]; then pg_ctlcluster "$version" "$cluster" start >&2; else sudo -n pg_ctlcluster "$version" "$cluster" start >&2; fi
    fi
    socket=/var/run/postgresql
    psql_admin() { as_postgres psql -h "$socket" -p "$port" -d postgres -v ON_ERROR_STOP=1 -qAtX "$@"; }
    for _ in $(seq 1 50); do psql_admin -c 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.2; done
    user=$(id -un)
    psql_admin -c "DO \$\$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$user') THEN
      CREATE ROLE \"$user\" LOGIN CREATEDB; END IF; END \$\$" >/dev/null
    # Throwaway databases are named after the process that runs the tests; drop those whose process has gone.
    for stale in $(psql_admin -c "SELECT datname FROM pg_database WHERE datname LIKE 'ec2lite\\_test\\_%'"); do
      pid=${stale#ec2lite_test_}; pid=${pid%%_*}
      if ! kill -0 "$pid" 2>/dev/null; then psql_admin -c "DROP DATABASE IF EXISTS \"$stale\" WITH (FORCE)" >/dev/null || true; fi
    done
    name="ec2lite_test_${owner}_$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
    psql_admin -c "CREATE DATABASE \"$name\" OWNER \"$user\"" >/dev/null
    echo "postgresql://${user}@%2Fvar%2Frun%2Fpostgresql:${port}/${name}"
    ;;
  down)
    name=${2##*/}
    name=${name%%\?*}
    case "$name" in ec2lite_test_*) ;; *) echo "test-postgres: not a test database: $name" >&2; exit 1 ;; esac
    port=$(pg_lsclusters --no-header | head -n 1 | awk '{print $3}')
    as_postgres psql -h /var/run/postgresql -p "$port" -d postgres -v ON_ERROR_STOP=1 -qAtX \
      -c "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" >/dev/null
    ;;
  *)
    echo "usage: test-postgres.sh install | up [OWNER_PID] | down URL" >&2
    exit 2
    ;;
esac
