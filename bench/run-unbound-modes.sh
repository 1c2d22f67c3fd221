#!/usr/bin/env bash
# libunbound's CPU a query in its thread mode (what scan/unbound_resolver.cpp used until
# 2026-12-05) and in its event mode (what it uses now, there on Asio), side by side, in
# ROUNDS pairs, against the DNS test bed's unbound (which caches nothing, so each question
# goes on to knot). See bench/unbound_modes.cpp.
#   [ROUNDS=3] bench/run-unbound-modes.sh [BUILD_DIR] [QUERIES=40000]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-build}" && pwd)
queries=${2:-40000}
run_dir=$(mktemp -d /tmp/domainscan-unbound.XXXXXX)
trap '"$root/tests/testbed/dns.sh" stop "$run_dir/dns" || true; rm -rf "$run_dir"' EXIT
trap 'exit 130' INT TERM
eval "$("$root/tests/testbed/dns.sh" start "$run_dir/dns")"
server="${DOMAINSCAN_TEST_DNS_SERVER%:*}@${DOMAINSCAN_TEST_DNS_SERVER##*:}"
for ((round = 1; round <= ${ROUNDS:-3}; round++)); do
  "$build/bench/unbound_modes" thread "$server" bench.test "$queries"
  "$build/bench/unbound_modes" event "$server" bench.test "$queries"
done
