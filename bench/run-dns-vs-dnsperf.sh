#!/usr/bin/env bash
# The DNS check against the resolver's own ceiling, in one run: `scan_throughput --checks dns`
# scans N fresh names of the test bed's bench.test zone, and dnsperf sends the same queries
# (the DNS check's eight types: A, AAAA, NS, MX, TXT, CAA, SOA, CNAME) for N other fresh names
# to the same unbound, as fast as it answers. The test bed's unbound caches nothing, so each
# query of either costs unbound a question to knot. Queries are counted by unbound itself
# (unbound-control), so the rate of ours is what it really sent. Prints both rates and the
# ratio. Needs root (the web half of the test bed) and dnsperf (make bench-deps).
#   [DNSPERF_OUTSTANDING=500] bench/run-dns-vs-dnsperf.sh [BUILD_DIR] [NAMES=5000] [extra scan_throughput flags...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-build}" && pwd)
names=${2:-5000}
shift 2 || shift $#
command -v dnsperf >/dev/null || { echo "run-dns-vs-dnsperf: dnsperf is missing (make bench-deps)" >&2; exit 2; }
# shellcheck source=bench/scan-testbed.sh
source "$root/bench/scan-testbed.sh"

queries_answered() {
  unbound-control -c "$run_dir/dns/unbound.conf" stats_noreset | awk -F= '$1 == "total.num.queries" {print $2}'
}
server=${DOMAINSCAN_TEST_DNS_SERVER%:*}
port=${DOMAINSCAN_TEST_DNS_SERVER##*:}

before=$(queries_answered)
"$build/bench/scan_throughput" "${scan_flags[@]}" --domains "$names" --checks dns "$@" >"$run_dir/ours.out"
ours_queries=$(($(queries_answered) - before))
ours_seconds=$(awk '$1 == "elapsed" {print $2}' "$run_dir/ours.out")
grep -q "dns         ok=$names" "$run_dir/ours.out" || {
  echo "run-dns-vs-dnsperf: not every DNS check succeeded:" >&2
  cat "$run_dir/ours.out" >&2
  exit 1
}

for ((i = 0; i < names; i++)); do
  for type in A AAAA NS MX TXT CAA SOA CNAME; do echo "p$i.bench.test $type"; done
done >"$run_dir/queries.txt"
before=$(queries_answered)
dnsperf -s "$server" -p "$port" -d "$run_dir/queries.txt" -n 1 -q "${DNSPERF_OUTSTANDING:-500}" -t 10 >"$run_dir/dnsperf.out" 2>&1
perf_queries=$(($(queries_answered) - before))
perf_qps=$(awk '/Queries per second:/ {print $4}' "$run_dir/dnsperf.out")
perf_lost=$(awk '/Queries lost:/ {print $3}' "$run_dir/dnsperf.out")

ours_qps=$(echo "$ours_queries / $ours_seconds" | bc -l)
echo "$names names, $(nproc) CPUs, unbound $(unbound -V | awk 'NR == 1 {print $2}'), dnsperf $(dpkg-query -W -f '${Version}' dnsperf)"
printf '%-34s %8d queries %8.2f s %9.0f queries/s\n' "domainscan DNS check" "$ours_queries" "$ours_seconds" "$ours_qps"
printf '%-34s %8d queries %8s   %9.0f queries/s (lost %s)\n' "dnsperf, the same types" "$perf_queries" "" "$perf_qps" "$perf_lost"
printf 'ratio (ours / dnsperf): %.2fx\n' "$(echo "$ours_qps / $perf_qps" | bc -l)"
