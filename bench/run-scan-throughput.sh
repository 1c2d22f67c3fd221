#!/usr/bin/env bash
# Starts the scan test bed (DNS and web, on loopback; needs root for ports 80/443), runs
# bench/scan_throughput against it and stops the test bed. Extra arguments go to the
# benchmark (e.g. --domains 2000 --scan-concurrency 256).
#   bench/run-scan-throughput.sh [BUILD_DIR] [args...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-build}" && pwd)
shift || true
run_dir=$(mktemp -d /tmp/domainscan-bench.XXXXXX)
chmod 755 "$run_dir"
cleanup() {
  "$root/tests/testbed/web.sh" stop "$run_dir/web" || true
  "$root/tests/testbed/dns.sh" stop "$run_dir/dns" || true
  rm -rf "$run_dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

dns_env=$("$root/tests/testbed/dns.sh" start "$run_dir/dns")
eval "$dns_env"
web_env=$("$root/tests/testbed/web.sh" start "$run_dir/web")
eval "$web_env"

"$build/bench/scan_throughput" --dns-server "$DOMAINSCAN_TEST_DNS_SERVER" --allow-suffix test \
  --allow-target 127.0.0.0/8 --ca-file "$DOMAINSCAN_TEST_CA_FILE" --trust-anchor-file none \
  --rdap-url http://rdap.web.test/ "$@"
