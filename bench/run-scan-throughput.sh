#!/usr/bin/env bash
# Starts the scan test bed (DNS and web, on loopback; needs root for ports 80/443), runs
# bench/scan_throughput against it and stops the test bed. Extra arguments go to the
# benchmark (e.g. --domains 2000 --scan-concurrency 256).
#   bench/run-scan-throughput.sh [BUILD_DIR] [args...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-build}" && pwd)
shift || true
# shellcheck source=bench/scan-testbed.sh
source "$root/bench/scan-testbed.sh"

"$build/bench/scan_throughput" "${scan_flags[@]}" "$@"
