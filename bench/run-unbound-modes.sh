#!/usr/bin/env bash
# libunbound's CPU a query in its thread mode (what scan/unbound_resolver.cpp used until
# 2026-12-05) and in its event mode (what it uses now, there on Asio), side by side, in
# ROUNDS rounds, against the DNS test bed's unbound (which caches nothing, so each question
# goes on to knot). See bench/unbound_modes.cpp.
#   [ROUNDS=3] [MODES="thread event"] bench/run-unbound-modes.sh [BUILD_DIR] [QUERIES=40000]
# MODES="event event-tcp": UDP to the forwarder against TCP (tcp-upstream), which the resolver
# does not use (docs/benchmarks.md); the script prints the resolver's CPU for each run too.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-build}" && pwd)
queries=${2:-40000}
run_dir=$(mktemp -d /tmp/domainscan-unbound.XXXXXX)
trap '"$root/tests/testbed/dns.sh" stop "$run_dir/dns" || true; rm -rf "$run_dir"' EXIT
trap 'exit 130' INT TERM
eval "$("$root/tests/testbed/dns.sh" start "$run_dir/dns")"
server="${DOMAINSCAN_TEST_DNS_SERVER%:*}@${DOMAINSCAN_TEST_DNS_SERVER##*:}"
# The test bed's unbound (the forwarder): its CPU during each run, from /proc.
# shellcheck source=bench/process-ticks.sh
source "$root/bench/process-ticks.sh"
resolver=$(pgrep -f "unbound.*$run_dir" | head -1)
ticks_per_second=$(getconf CLK_TCK)
read -r -a modes <<<"${MODES:-thread event}"
for ((round = 1; round <= ${ROUNDS:-3}; round++)); do
  for mode in "${modes[@]}"; do
    before=$(process_ticks "$resolver")
    "$build/bench/unbound_modes" "$mode" "$server" bench.test "$queries"
    after=$(process_ticks "$resolver")
    echo "          the resolver: $(( (after - before) * 1000000 / ticks_per_second / queries )) us CPU a query"
  done
done
