#!/usr/bin/env bash
# The DNS check against the resolver's own ceiling, in one run: `scan_throughput --checks dns`
# scans N fresh names of the test bed's bench.test zone, and dnsperf sends the same queries
# (the DNS check's eight types: A, AAAA, NS, MX, TXT, CAA, SOA, CNAME) for N other fresh names
# to the same unbound, as fast as it answers. The test bed's unbound caches nothing, so each
# query of either costs unbound a question to knot. Queries are counted by unbound itself
# (unbound-control), so the rate of ours is what it really sent. Prints both rates and the
# ratio. Needs root (the web half of the test bed) and dnsperf (make bench-deps).
#   [ROUNDS=3] [DNSPERF_OUTSTANDING=500] bench/run-dns-vs-dnsperf.sh [BUILD_DIR] [NAMES=5000] [extra scan_throughput flags...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-build}" && pwd)
names=${2:-5000}
shift 2 || shift $#
command -v dnsperf >/dev/null || { echo "run-dns-vs-dnsperf: dnsperf is missing (make bench-deps)" >&2; exit 2; }
# shellcheck source=bench/scan-testbed.sh
source "$root/bench/scan-testbed.sh"
# shellcheck source=bench/median.sh
source "$root/bench/median.sh"

queries_answered() {
  unbound-control -c "$run_dir/dns/unbound.conf" stats_noreset | awk -F= '$1 == "total.num.queries" {print $2}'
}
server=${DOMAINSCAN_TEST_DNS_SERVER%:*}
port=${DOMAINSCAN_TEST_DNS_SERVER##*:}

for ((i = 0; i < names; i++)); do
  for type in A AAAA NS MX TXT CAA SOA CNAME; do echo "p$i.bench.test $type"; done
done >"$run_dir/queries.txt"
# CPU (user + system) a query, microseconds, from /usr/bin/time's "%U %S". dnsperf's own is
# not comparable: its threads poll while they wait.
cpu_per_query() { awk -v n="$2" '{printf "%.1f", ($1 + $2) * 1e6 / n}' "$1"; }

# The machine's speed moves from one minute to the next (other tenants), so the two run in
# ROUNDS pairs, ours then dnsperf, and the ratio is the median of the pairs'.
echo "$names names a round, $(nproc) CPUs, unbound $(unbound -V | awk 'NR == 1 {print $2}'), dnsperf $(dpkg-query -W -f '${Version}' dnsperf)"
printf '%-6s %15s %15s %15s %7s\n' round "ours queries/s" "us CPU a query" "dnsperf q/s" ratio
ratios=()
for ((round = 1; round <= ${ROUNDS:-3}; round++)); do
  before=$(queries_answered)
  /usr/bin/time -f '%U %S' -o "$run_dir/ours.time" \
    "$build/bench/scan_throughput" "${scan_flags[@]}" --domains "$names" --checks dns "$@" >"$run_dir/ours.out"
  ours_queries=$(($(queries_answered) - before))
  ours_seconds=$(awk '$1 == "elapsed" {print $2}' "$run_dir/ours.out")
  grep -q "dns         ok=$names" "$run_dir/ours.out" || {
    echo "run-dns-vs-dnsperf: not every DNS check succeeded:" >&2
    cat "$run_dir/ours.out" >&2
    exit 1
  }
  dnsperf -s "$server" -p "$port" -d "$run_dir/queries.txt" -n 1 -q "${DNSPERF_OUTSTANDING:-500}" -t 10 >"$run_dir/dnsperf.out" 2>&1
  perf_qps=$(awk '/Queries per second:/ {print $4}' "$run_dir/dnsperf.out")
  perf_lost=$(awk '/Queries lost:/ {print $3}' "$run_dir/dnsperf.out")
  ours_qps=$(echo "$ours_queries / $ours_seconds" | bc -l)
  ratios+=("$(echo "$ours_qps / $perf_qps" | bc -l)")
  printf '%-6s %15.0f %15s %15.0f %7.2f   (%d queries sent by ours, %s lost by dnsperf)\n' "$round" "$ours_qps" \
    "$(cpu_per_query "$run_dir/ours.time" "$ours_queries")" "$perf_qps" "${ratios[-1]}" "$ours_queries" "$perf_lost"
done
printf 'ratio (ours / dnsperf), median of the rounds: %.2fx\n' "$(median "${ratios[@]}")"
