#!/usr/bin/env bash
# The TLS and HTTP checks against nmap doing the same work on the same test-bed names, in one
# run: `scan_throughput --checks tls,http` (address lookup, the TLS check's handshakes, the
# HTTP check's http:// and https:// requests with redirects) and nmap's
# `-Pn -n -p80,443 -sT --script ssl-cert,http-headers` (a connect to each port, the
# certificate over one handshake, the headers over HTTP and HTTPS). nmap cannot use the test
# bed's resolver (it resolves targets through the system's), so it is given the address every
# bench.test name resolves to, once per name: it does less than we do (no DNS). Prints wall
# time, rate, CPU per domain (user + system) and peak memory of each, the ratios, and what
# nginx spent serving each (its worker's CPU); then the floor: what `openssl s_time` spends
# on one verified handshake and a GET over it, alone, as a fraction of nmap's CPU a name.
# Needs root (ports 80/443) and nmap (make bench-deps).
#   bench/run-vs-nmap.sh [BUILD_DIR] [DOMAINS=300] [extra scan_throughput flags...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-build}" && pwd)
domains=${2:-300}
shift 2 || shift $#
command -v nmap >/dev/null || { echo "run-vs-nmap: nmap is missing (make bench-deps)" >&2; exit 2; }
# shellcheck source=bench/scan-testbed.sh
source "$root/bench/scan-testbed.sh"

nginx_worker=$(pgrep -P "$(cat "$run_dir/web/nginx.pid")" | head -1)
# shellcheck source=bench/process-ticks.sh
source "$root/bench/process-ticks.sh"
nginx_ticks() { process_ticks "$nginx_worker"; }
ticks_per_second=$(getconf CLK_TCK)

# measure NAME COMMAND...: runs it under /usr/bin/time; sets NAME_wall, NAME_cpu, NAME_rss (KiB)
# and NAME_nginx (seconds of nginx CPU).
measure() {
  local name=$1
  shift
  local before after
  before=$(nginx_ticks)
  /usr/bin/time -f "%e %U %S %M" -o "$run_dir/$name.time" "$@" >"$run_dir/$name.out" 2>&1 || {
    echo "run-vs-nmap: $name failed:" >&2
    tail -20 "$run_dir/$name.out" >&2
    exit 1
  }
  after=$(nginx_ticks)
  read -r wall user sys rss <"$run_dir/$name.time"
  printf -v "${name}_wall" '%s' "$wall"
  printf -v "${name}_cpu" '%s' "$(echo "$user + $sys" | bc -l)"
  printf -v "${name}_rss" '%s' "$rss"
  printf -v "${name}_nginx" '%s' "$(echo "($after - $before) / $ticks_per_second" | bc -l)"
}

measure ours "$build/bench/scan_throughput" "${scan_flags[@]}" --domains "$domains" --checks tls,http "$@"
grep -q "tls         ok=$domains" "$run_dir/ours.out" && grep -q "http        ok=$domains" "$run_dir/ours.out" || {
  echo "run-vs-nmap: not every scan of ours succeeded:" >&2
  cat "$run_dir/ours.out" >&2
  exit 1
}
targets=()
for ((i = 0; i < domains; i++)); do targets+=(127.0.0.37); done
measure nmap nmap -Pn -n -p80,443 -sT --script ssl-cert,http-headers -oN "$run_dir/nmap.txt" "${targets[@]}"
answered=$(grep -c "ssl-cert: Subject: commonName=\*.bench.test" "$run_dir/nmap.txt" || true)
[[ $answered == "$domains" ]] || { echo "run-vs-nmap: nmap read $answered certificates of $domains" >&2; exit 1; }

# The floor: what OpenSSL's own client spends on a part of a name's work done alone, one
# verified handshake and GET / over it (no DNS, no http://, no version probes), against the
# same server for 5 seconds.
measure s_time openssl s_time -connect 127.0.0.37:443 -new -www / -CAfile "$DOMAINSCAN_TEST_CA_FILE" -verify 3 -time 5
handshakes=$(grep -oE '^[0-9]+ connections in [0-9.]+s;' "$run_dir/s_time.out" | head -1 | cut -d' ' -f1 || true)
[[ ${handshakes:-0} -gt 0 ]] || { echo "run-vs-nmap: openssl s_time made no connection:" >&2; tail -20 "$run_dir/s_time.out" >&2; exit 1; }

row() {  # NAME LABEL
  local wall cpu rss nginx
  wall=${1}_wall cpu=${1}_cpu rss=${1}_rss nginx=${1}_nginx
  printf '%-26s %8.2f s %8.0f /s %8.2f ms %8.1f MiB %8.2f ms\n' "$2" "${!wall}" \
    "$(echo "$domains / ${!wall}" | bc -l)" "$(echo "${!cpu} * 1000 / $domains" | bc -l)" \
    "$(echo "${!rss} / 1024" | bc -l)" "$(echo "${!nginx} * 1000 / $domains" | bc -l)"
}
echo "$domains domains, $(nproc) CPUs, $(nmap --version | head -1)"
printf '%-26s %10s %11s %11s %12s %11s\n' "" "wall" "rate" "CPU/domain" "peak RSS" "nginx CPU/domain"
row ours "domainscan (tls,http)"
row nmap "nmap (ssl-cert,http-headers)"
printf 'ratios (ours / nmap): rate %.2fx, CPU per domain %.2fx, peak memory %.2fx\n' \
  "$(echo "$nmap_wall / $ours_wall" | bc -l)" "$(echo "$ours_cpu / $nmap_cpu" | bc -l)" \
  "$(echo "$ours_rss / $nmap_rss" | bc -l)"
printf 'openssl s_time (%s verified handshakes, GET / on each, nothing else): %.2f ms CPU each, %.2fx nmap'"'"'s CPU per domain\n' \
  "$handshakes" "$(echo "$s_time_cpu * 1000 / $handshakes" | bc -l)" "$(echo "$s_time_cpu * $domains / $handshakes / $nmap_cpu" | bc -l)"
