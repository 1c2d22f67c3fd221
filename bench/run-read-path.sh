#!/usr/bin/env bash
# The API's read path against nginx serving the same bytes as static files, side by side in
# one run (wrk, the same threads and connections): GET /api/v1/domains/{d},
# GET /api/v1/scans/{id} and GET /api/v1/domains?limit=50 of `domainscan serve` (SQLite),
# each body saved and served by nginx from a file; /healthz for the HTTP server's own
# ceiling. Prints requests a second and the ratio to nginx.
#   bench/run-read-path.sh [BUILD_DIR] [SECONDS]     (as root: starts its own servers)
#   ROUNDS=N ...                                     (pairs of runs a route; default 5)
#   PERF=DIR bench/run-read-path.sh ...              (and profiles the api during each)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-build}" && pwd)
seconds=${2:-10}
bin="$build/domainscan"
run_dir=$(mktemp -d /tmp/domainscan-read.XXXXXX)
chmod 755 "$run_dir"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [[ -f $run_dir/nginx.pid ]] && kill "$(cat "$run_dir/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
  "$root/tests/testbed/dns.sh" stop "$run_dir/dns" || true
  rm -rf "$run_dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
port() { python3 "$root/tests/testbed/free-port.py"; }

eval "$("$root/tests/testbed/dns.sh" start "$run_dir/dns")"
api=$(port)
"$bin" serve --db "sqlite:$run_dir/d.db" --listen "127.0.0.1:$api" --allow-suffix test \
  --dns-server "$DOMAINSCAN_TEST_DNS_SERVER" --trust-anchor-file none --rate-limit off --scan-rate-limit off \
  --log-level warn 2>"$run_dir/serve.log" &
pids+=($!)
until curl -sf "http://127.0.0.1:$api/healthz" >/dev/null; do sleep 0.2; done

# A domain with a full scan (the test bed's mail domain: DNS, e-mail records and policies),
# and 200 more so that a page of the list is full.
curl -sf --json '{"domain":"good.mail.test"}' "http://127.0.0.1:$api/api/v1/domains" >/dev/null
seq 0 199 | sed 's/$/.list.nx.test/' | "$bin" import - --api-url "http://127.0.0.1:$api" >/dev/null
until curl -sf "http://127.0.0.1:$api/api/v1/domains/good.mail.test" | grep -q '"status":"completed"'; do sleep 0.2; done
scan_id=$(curl -sf "http://127.0.0.1:$api/api/v1/domains/good.mail.test" | python3 -c 'import json,sys; print(json.load(sys.stdin)["last_scan"]["id"])')

mkdir -p "$run_dir/www"
declare -A targets=([domain]="/api/v1/domains/good.mail.test" [scan]="/api/v1/scans/$scan_id"
                    [list]="/api/v1/domains?limit=50" [healthz]="/healthz")
for name in domain scan list healthz; do
  curl -sf "http://127.0.0.1:$api${targets[$name]}" >"$run_dir/www/$name.json"
done

static=$(port)
cat >"$run_dir/nginx.conf" <<CONF
worker_processes 1;
pid $run_dir/nginx.pid;
error_log $run_dir/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  default_type application/json;
  server {
    listen 127.0.0.1:$static;
    root $run_dir/www;
  }
}
CONF
nginx -p "$run_dir" -e "$run_dir/nginx-error.log" -c "$run_dir/nginx.conf"
until curl -sf "http://127.0.0.1:$static/healthz.json" >/dev/null; do sleep 0.2; done

nginx_worker=$(pgrep -P "$(cat "$run_dir/nginx.pid")" | head -1)
rounds=${ROUNDS:-5}
# One wrk run: "requests-a-second CPU-microseconds-a-request" of the process PID (its user and
# system time from /proc, across the run).
# shellcheck source=bench/process-ticks.sh
source "$root/bench/process-ticks.sh"
measure() {
  local before after out
  before=$(process_ticks "$2")
  out=$(wrk -t2 -c64 -d"${seconds}s" "$1")
  after=$(process_ticks "$2")
  awk -v ticks=$((after - before)) -v hz="$(getconf CLK_TCK)" '
    /requests in/ {n = $1} /Requests\/sec/ {r = int($2)}
    END {printf "%d %.1f\n", r, ticks * 1e6 / hz / n}' <<<"$out"
}
# shellcheck source=bench/median.sh
source "$root/bench/median.sh"
# The machine's speed moves from one minute to the next (other tenants), so each route is
# measured in ROUNDS short pairs, ours then nginx, and the ratio is the median of the pairs'.
echo "wrk -t2 -c64 -d${seconds}s x $rounds rounds; domainscan serve (SQLite) and nginx (1 worker, static files), same bodies"
printf '%-8s %8s %10s %10s %7s %11s %11s   %s\n' what bytes domainscan nginx ratio "us/req ours" "us/req nginx" "ratios of the rounds"
for name in domain scan list healthz; do
  # PERF=DIR: a profile of the api while it answers each, to DIR/read-NAME.perf.
  if [[ -n ${PERF:-} ]]; then
    perf record -g -F 999 -p "${pids[0]}" -o "$PERF/read-$name.perf" -- sleep $((seconds / 2)) >/dev/null 2>&1 &
  fi
  ratios=() ours_rates=() their_rates=() ours_cpu=() their_cpu=()
  for ((round = 0; round < rounds; round++)); do
    read -r ours oc < <(measure "http://127.0.0.1:$api${targets[$name]}" "${pids[0]}")
    read -r theirs tc < <(measure "http://127.0.0.1:$static/$name.json" "$nginx_worker")
    ours_rates+=("$ours") their_rates+=("$theirs") ours_cpu+=("$oc") their_cpu+=("$tc")
    ratios+=("$(python3 -c "print(f'{$ours / $theirs:.2f}')")")
  done
  printf '%-8s %8s %10s %10s %7s %11s %11s   %s\n' "$name" "$(stat -c %s "$run_dir/www/$name.json")" \
    "$(median "${ours_rates[@]}")" "$(median "${their_rates[@]}")" "$(median "${ratios[@]}")" \
    "$(median "${ours_cpu[@]}")" "$(median "${their_cpu[@]}")" "${ratios[*]}"
done
