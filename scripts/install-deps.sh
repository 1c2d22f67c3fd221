#!/usr/bin/env bash
# Installs everything domainscan needs to build, run and test, from Debian's packages only.
# Idempotent: packages already present are not reinstalled, and apt-get is skipped entirely
# when nothing is missing (so `make run` on a prepared machine starts at once).
set -euo pipefail

BUILD_PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libboost-system1.81-dev
  librabbitmq-dev libpqxx-dev libpq-dev libsqlite3-dev
  libunbound-dev libevent-dev dns-root-data libssl-dev libidn2-dev libpsl-dev publicsuffix
  libspdlog-dev libfmt-dev libcli11-dev libtomlplusplus-dev libhowardhinnant-date-dev tzdata
  libgtest-dev libgmock-dev libbenchmark-dev
  libgoogle-perftools-dev  # tcmalloc, the binary's allocator (CMakeLists.txt)
  python3-yaml  # docs/openapi.yaml is turned into the JSON the binary serves
)
# Servers and tools the tests start on loopback (the test bed and the real backends), what
# the package tests use (systemd-analyze, useradd, setpriv, dpkg-shlibdeps, docker-compose
# to validate deploy/compose.yaml), python3-jsonschema (the API's answers against
# docs/openapi.yaml), gcovr for `make coverage`, clang with libFuzzer for the fuzz targets
# (fuzz/), and the sqlite3 shell (a writer in another process for the change counter's test).
TEST_PACKAGES=(
  postgresql rabbitmq-server knot knot-dnsutils unbound nginx-light openssl curl ca-certificates
  procps iproute2 python3 chromium firefox-esr
  systemd passwd util-linux dpkg-dev docker-compose gcovr python3-jsonschema
  clang-16 libclang-rt-16-dev sqlite3
)

# The peers the benchmarks (bench/) measure against and the tools they drive: only with
# --bench (`make bench-deps`); neither `make run` nor `make test` needs them.
BENCH_PACKAGES=(wrk dnsperf nmap linux-perf postgresql-client time bc)

want=("${BUILD_PACKAGES[@]}")
if [[ "${1:-}" != "--build-only" ]]; then
  want+=("${TEST_PACKAGES[@]}")
fi
if [[ "${1:-}" == "--bench" ]]; then
  want+=("${BENCH_PACKAGES[@]}")
fi

missing=()
for pkg in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

# The dashboard's browser tests run on Node.js with npm (playwright-core, from the npm
# registry). A machine may have them from elsewhere; only when the commands are missing
# are Debian's packages installed.
if [[ "${1:-}" != "--build-only" ]]; then
  command -v node >/dev/null || missing+=(nodejs)
  command -v npm >/dev/null || missing+=(npm)
fi

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: missing packages: ${missing[*]}" >&2
  echo "install-deps: run as root (or: sudo $0) to install them" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Servers are started by the tests themselves on loopback ports; keep the packaged
# system services from starting (and grabbing ports 53/80/5432/5672) during install.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod +x "$policy"
  created_policy=1
fi
cleanup() { if [[ $created_policy -eq 1 ]]; then rm -f "$policy"; fi; }
trap cleanup EXIT

apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
