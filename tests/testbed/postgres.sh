#!/usr/bin/env bash
# Starts or stops a throw-away PostgreSQL on loopback for the tests.
#   postgres.sh start DIR PORT   -> prints the connection URL of a fresh database
#   postgres.sh stop DIR
#   postgres.sh pause DIR / resume DIR   -> stop the server and start it again on the same
#                                           data and port (fault tests)
# The server runs as the 'postgres' system user (it refuses to run as root), from DIR/data.
set -euo pipefail
action=$1
dir=$2
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
as_postgres() { if [[ $(id -un) == postgres ]]; then "$@"; else runuser -u postgres -- "$@"; fi; }

case $action in
  start)
    port=$3
    mkdir -p "$dir"
    chown postgres: "$dir" 2>/dev/null || true
    as_postgres "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1
    # Tests need no durability (fsync off); benchmarks ask for the default (POSTGRES_FSYNC=on).
    echo "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=${POSTGRES_FSYNC:-off} -c max_connections=200 ${POSTGRES_EXTRA_OPTIONS:-}" >"$dir/options"
    as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$(cat "$dir/options")" start >/dev/null
    as_postgres "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres domainscan_test
    echo "postgresql://postgres@127.0.0.1:$port/domainscan_test"
    ;;
  stop)
    if [[ -d $dir/data ]]; then
      as_postgres "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    ;;
  pause)
    as_postgres "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
  resume)
    as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$(cat "$dir/options")" start >/dev/null
    ;;
  *) echo "usage: $0 start DIR PORT | stop DIR | pause DIR | resume DIR" >&2; exit 2 ;;
esac
