#!/usr/bin/env bash
# The pipeline's throughput, end to end (accepted -> scanned -> stored), for names that do
# not exist (each scan is one NXDOMAIN answer from the test bed's resolver, so the cost
# measured is the pipeline itself), in the two modes side by side:
#   distributed: `domainscan api` + WORKERS `domainscan worker` + `domainscan scheduler` on
#                RabbitMQ and PostgreSQL (fsync on, as in production)
#   serve:       `domainscan serve` (SQLite, embedded bus)
# For each: a bulk import of NAMES names (`domainscan import`, batches of 10,000): the time
# until the api took them all, and until every scan was stored (the newest finished_at in
# the database); then single POSTs from 16 clients for 10 s (wrk): accepted a second, their
# latency, and the time until their scans were stored too.
# PG_STATS=1: PostgreSQL's costliest statements of each phase (see pg_stats_report).
#   bench/run-pipeline.sh [BUILD_DIR] [NAMES] [WORKERS]     (as root: starts its own servers)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-build}" && pwd)
names=${2:-20000}
workers=${3:-2}
bin="$build/domainscan"
run_dir=$(mktemp -d /tmp/domainscan-pipeline.XXXXXX)
chmod 755 "$run_dir"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  "$root/tests/testbed/rabbitmq.sh" stop "$run_dir/rabbitmq" || true
  "$root/tests/testbed/dns.sh" stop "$run_dir/dns" || true
  "$root/tests/testbed/postgres.sh" stop "$run_dir/pg" || true
  rm -rf "$run_dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port() { python3 "$root/tests/testbed/free-port.py"; }
now() { date +%s.%N; }
echo "== starting PostgreSQL (fsync on), RabbitMQ and the DNS test bed"
pg_url=$(POSTGRES_FSYNC=on "$root/tests/testbed/postgres.sh" start "$run_dir/pg" "$(port)")
amqp_url=$("$root/tests/testbed/rabbitmq.sh" start "$run_dir/rabbitmq" "$(port)")
eval "$("$root/tests/testbed/dns.sh" start "$run_dir/dns")"
psql_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)/psql

python3 - "$run_dir/names.txt" "$names" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(int(sys.argv[2])):
        f.write(f"n{i}.nx.test\n")
PY
cat >"$run_dir/post.lua" <<'LUA'
-- Each request a new name, so each is an add (202) and queues a scan.
local counter = 0
local thread_id = 0
local threads = {}
function setup(thread)
  thread:set("id", thread_id)
  thread_id = thread_id + 1
  table.insert(threads, thread)
end
function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  accepted = 0
end
function request()
  counter = counter + 1
  return wrk.format(nil, "/api/v1/domains", nil, string.format('{"domain":"p%d-%d.nx.test"}', id, counter))
end
function response(status, headers, body)
  if status == 202 then accepted = accepted + 1 end
end
function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("accepted") end
  io.write(string.format("accepted (202): %d of %d\n", total, summary.requests))
end
LUA

common=(--allow-suffix test --dns-server "$DOMAINSCAN_TEST_DNS_SERVER" --trust-anchor-file none
        --rate-limit off --scan-rate-limit off --log-level warn --bulk-max 10000)

# Waits until COUNT_COMMAND prints at least $1; then prints the seconds from $2 to the time
# LAST_COMMAND prints (when the last scan was stored: the poll's second would add up to 1 s).
wait_for() {
  local want=$1 since=$2 count_command=$3 last_command=$4 n=0
  while :; do
    n=$(eval "$count_command")
    if (( n >= want )); then break; fi
    sleep 1  # (counting is a query of its own: not too often)
  done
  python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$since" "$(eval "$last_command")"
}

# The peak memory (VmHWM) of each process of the mode so far.
peak_memory() {  # $1 mode
  local p
  for p in "${pids[@]}"; do
    printf '%s: peak RSS of %s: %s\n' "$1" "$(tr '\0' ' ' <"/proc/$p/cmdline" | awk '{print $2}')" \
      "$(awk '/^VmHWM/ {printf "%.0f MiB", $2 / 1024}' "/proc/$p/status")"
  done
}

# shellcheck source=bench/process-ticks.sh
source "$root/bench/process-ticks.sh"
# CPU ticks used so far, a line per kind of process: ours (by command), PostgreSQL's server
# processes, RabbitMQ's Erlang VM, unbound. (Processes that ended meanwhile are not counted.)
cpu_ticks() {
  local p
  {
    for p in "${pids[@]}"; do
      echo "$(tr '\0' ' ' <"/proc/$p/cmdline" | awk '{print $2}') $(process_ticks "$p")"
    done
    for p in $(pgrep -x postgres); do echo "postgresql $(process_ticks "$p")"; done
    for p in $(pgrep -f beam.smp); do echo "rabbitmq $(process_ticks "$p")"; done
    for p in $(pgrep -x unbound); do echo "unbound $(process_ticks "$p")"; done
  } | awk '{t[$1] += $2} END {for (k in t) print k, t[k]}' | sort
}

# Where the CPU went between two cpu_ticks snapshots: seconds a kind, and per 1,000 scans.
cpu_report() {  # $1 mode, $2 before file, $3 after file, $4 scans
  local hz
  hz=$(getconf CLK_TCK)
  join -a2 -e0 -o '0,1.2,2.2' "$2" "$3" | awk -v hz="$hz" -v n="$4" -v mode="$1" '
    {s = ($3 - $2) / hz; total += s; line[$1] = s}
    END {
      out = ""
      for (k in line) out = out sprintf("%s %.1f s, ", k, line[k])
      printf "%s: CPU while scanning: %stotal %.1f s (%.2f ms a scan)\n", mode, out, total, total * 1000 / n
    }'
}

# PG_STATS=1 (with POSTGRES_EXTRA_OPTIONS="-c shared_preload_libraries=pg_stat_statements
# -c pg_stat_statements.track_planning=on"):
# PostgreSQL's statements since the last report, the costliest first, then a reset, so that
# the bulk import and the single POSTs are reported each on its own.
pg_stats_report() {  # $1 phase
  [[ -n ${PG_STATS:-} && -n ${pg_url:-} ]] || return 0
  echo "== PostgreSQL statements: $1"
  "$psql_bin" -At "$pg_url" -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null
  "$psql_bin" "$pg_url" -c "SELECT calls, round(total_exec_time) AS ms, round(mean_exec_time::numeric, 3) AS mean_ms,
    round(total_plan_time) AS plan_ms, left(regexp_replace(query, '\s+', ' ', 'g'), 110) AS query
    FROM pg_stat_statements ORDER BY total_exec_time + total_plan_time DESC LIMIT 25"
  "$psql_bin" -At "$pg_url" -c "SELECT 'transactions committed: ' || xact_commit FROM pg_stat_database WHERE datname = current_database()"
  # Rows written a table, and how many updates were HOT (no index touched: cheaper).
  "$psql_bin" "$pg_url" -c "SELECT relname AS table, n_tup_ins AS inserted, n_tup_upd AS updated,
    n_tup_hot_upd AS hot_updates, n_tup_del AS deleted FROM pg_stat_user_tables
    WHERE n_tup_ins + n_tup_upd + n_tup_del > 0 ORDER BY n_tup_ins + n_tup_upd + n_tup_del DESC"
  "$psql_bin" -At "$pg_url" -c "SELECT pg_stat_statements_reset(); SELECT pg_stat_reset()" >/dev/null
  # With "-c log_lock_waits=on -c deadlock_timeout=5ms" in POSTGRES_EXTRA_OPTIONS: who waited on whom.
  if grep -q "still waiting" "$run_dir/pg/server.log" 2>/dev/null; then
    echo "lock waits over deadlock_timeout: $(grep -c "still waiting" "$run_dir/pg/server.log")"
    grep -A3 "still waiting" "$run_dir/pg/server.log" | grep -E "still waiting|STATEMENT|DETAIL" | cut -c1-220 | head -12
    : >"$run_dir/pg/server.log"
  fi
}

measure() {  # $1 mode, $2 api port, $3 the count command for stored scans, $4 the last one's time
  local mode=$1 api=$2 count=$3 last=$4
  local start accepted_s done_s
  # PERF=DIR: a system-wide profile of the first 20 s of each mode, to DIR/MODE.perf (and of
  # its single POSTs, to DIR/MODE-posts.perf).
  if [[ -n ${PERF:-} ]]; then perf record -a -g -F 499 -o "$PERF/$mode.perf" -- sleep 20 >/dev/null 2>&1 & fi
  cpu_ticks >"$run_dir/cpu.before"
  start=$(now)
  "$bin" import "$run_dir/names.txt" --api-url "http://127.0.0.1:$api" --batch 10000 >/dev/null
  accepted_s=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$start" "$(now)")
  done_s=$(wait_for "$names" "$start" "$count" "$last")
  echo "$mode: $names names: accepted in $accepted_s s ($(python3 -c "print(round($names / $accepted_s))")/s)," \
       "all scanned and stored in $done_s s ($(python3 -c "print(round($names / $done_s))") scans/s)"
  cpu_ticks >"$run_dir/cpu.after"
  cpu_report "$mode" "$run_dir/cpu.before" "$run_dir/cpu.after" "$names"
  peak_memory "$mode"
  if [[ $mode == distributed ]]; then pg_stats_report "bulk import"; fi
  # Single POSTs (each also queues a scan, which the workers do meanwhile): the CPU counted
  # is a request's and its scan's together.
  cpu_ticks >"$run_dir/cpu.before"
  if [[ -n ${PERF:-} ]]; then perf record -a -g -F 499 -o "$PERF/$mode-posts.perf" -- sleep 8 >/dev/null 2>&1 & fi
  start=$(now)
  wrk -t2 -c16 -d10s --latency -s "$run_dir/post.lua" "http://127.0.0.1:$api" >"$run_dir/wrk.out"
  grep -E "Requests/sec|accepted|Non-2xx" "$run_dir/wrk.out" | sed "s/^/$mode single POSTs, 16 clients: /"
  echo "$mode single POSTs: latency $(grep -A4 "Latency Distribution" "$run_dir/wrk.out" | tail -4 | awk '{printf "%s %s  ", $1, $2}')"
  # The API answers once a scan is stored and queued, and publishes it after (the outbox):
  # the scans of the last answers may still be under way. Until they are stored, too.
  local posted
  posted=$(awk '/^accepted/ {print $3}' "$run_dir/wrk.out")
  done_s=$(wait_for "$((names + posted))" "$start" "$count" "$last")
  echo "$mode single POSTs: all $posted scanned and stored $done_s s after the first POST" \
       "($(python3 -c "print(round($posted / $done_s))") scans/s end to end)"
  cpu_ticks >"$run_dir/cpu.after"
  cpu_report "$mode single POSTs" "$run_dir/cpu.before" "$run_dir/cpu.after" "$posted"
  if [[ $mode == distributed && -n ${PG_STATS:-} ]]; then sleep 2; pg_stats_report "single POSTs (and their scans)"; fi
}

echo "== distributed: api + $workers workers + scheduler"
api_port=$(port)
"$bin" migrate --db "$pg_url" >/dev/null
"$bin" api --db "$pg_url" --broker "$amqp_url" --listen "127.0.0.1:$api_port" "${common[@]}" 2>"$run_dir/api.log" &
pids+=($!)
for i in $(seq "$workers"); do
  "$bin" worker --db "$pg_url" --broker "$amqp_url" "${common[@]}" 2>"$run_dir/worker$i.log" &
  pids+=($!)
done
"$bin" scheduler --db "$pg_url" --broker "$amqp_url" "${common[@]}" 2>"$run_dir/scheduler.log" &
pids+=($!)
until curl -sf "http://127.0.0.1:$api_port/readyz" >/dev/null; do sleep 0.2; done
sleep 2  # the workers' consumers
pg_count="$psql_bin -At '$pg_url' -c \"SELECT count(*) FROM scans WHERE status IN ('completed','failed')\""
pg_last="$psql_bin -At '$pg_url' -c \"SELECT extract(epoch FROM max(finished_at)) FROM scans\""
measure distributed "$api_port" "$pg_count" "$pg_last"
for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
wait 2>/dev/null || true
pids=()

echo "== serve: SQLite and the embedded bus"
serve_port=$(port)
"$bin" serve --db "sqlite:$run_dir/serve.db" --listen "127.0.0.1:$serve_port" "${common[@]}" 2>"$run_dir/serve.log" &
pids+=($!)
until curl -sf "http://127.0.0.1:$serve_port/readyz" >/dev/null; do sleep 0.2; done
sqlite_count="sqlite3 '$run_dir/serve.db' \"SELECT count(*) FROM scans WHERE status IN ('completed','failed')\""
sqlite_last="sqlite3 '$run_dir/serve.db' \"SELECT (julianday(max(finished_at)) - 2440587.5) * 86400.0 FROM scans\""
measure serve "$serve_port" "$sqlite_count" "$sqlite_last"
