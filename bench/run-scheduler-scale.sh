#!/usr/bin/env bash
# Starts a throw-away PostgreSQL on loopback (as root: it runs as the postgres user), runs
# bench/scheduler_scale for each count given (default 100 and 100000), each on a fresh
# database, and stops PostgreSQL.
#   bench/run-scheduler-scale.sh [BUILD_DIR] [COUNT...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-build}" && pwd)
shift || true
counts=("$@")
[[ ${#counts[@]} -gt 0 ]] || counts=(100 100000)
run_dir=$(mktemp -d /tmp/domainscan-bench.XXXXXX)
chmod 755 "$run_dir"
trap '"$root/tests/testbed/postgres.sh" stop "$run_dir/pg" || true; rm -rf "$run_dir"' EXIT
trap 'exit 130' INT TERM

url=$("$root/tests/testbed/postgres.sh" start "$run_dir/pg" "$(python3 "$root/tests/testbed/free-port.py")")
base=${url%/*}
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
for n in "${counts[@]}"; do
  db="bench_$n"
  runuser -u postgres -- "$bin/createdb" -h 127.0.0.1 -p "${base##*:}" -U postgres "$db"
  "$build/bench/scheduler_scale" --db "$base/$db" --schedules "$n"
  echo
done
