#!/usr/bin/env bash
# Runs every test: starts the servers the tests need on loopback (PostgreSQL, RabbitMQ, and
# the scan test bed: DNS and web), runs CTest, and stops the servers whatever happens.
#   tests/run-all.sh [BUILD_DIR] [extra ctest args...]   (with args: ctest only, no browser tests)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-build}" && pwd)
shift || true
run_dir=$(mktemp -d /tmp/domainscan-test.XXXXXX)
chmod 755 "$run_dir"

cleanup() {
  "$root/tests/testbed/web.sh" stop "$run_dir/web" || true
  "$root/tests/testbed/rabbitmq.sh" stop "$run_dir/rabbitmq" || true
  "$root/tests/testbed/dns.sh" stop "$run_dir/dns" || true
  "$root/tests/testbed/postgres.sh" stop "$run_dir/pg" || true
  rm -rf "$run_dir"
}
trap cleanup EXIT
# An interrupted run (Ctrl-C, a CI timeout) still stops every server: exit, and let the
# EXIT trap run once, to the end.
trap 'exit 130' INT TERM

# No port is handed out twice while the servers below start side by side (free-port.py).
export DOMAINSCAN_PORTS_LEDGER="$run_dir/ports"

# RabbitMQ takes the longest to start: it boots in the background meanwhile.
echo "== starting RabbitMQ"
"$root/tests/testbed/rabbitmq.sh" start "$run_dir/rabbitmq" "$(python3 "$root/tests/testbed/free-port.py")" \
  >"$run_dir/amqp-url" &
rabbitmq_starter=$!

echo "== starting PostgreSQL"
DOMAINSCAN_TEST_POSTGRES_URL=$("$root/tests/testbed/postgres.sh" start "$run_dir/pg" "$(python3 "$root/tests/testbed/free-port.py")")
DOMAINSCAN_TEST_POSTGRES_CTL="$root/tests/testbed/postgres.sh"
DOMAINSCAN_TEST_POSTGRES_DIR="$run_dir/pg"
export DOMAINSCAN_TEST_POSTGRES_URL DOMAINSCAN_TEST_POSTGRES_CTL DOMAINSCAN_TEST_POSTGRES_DIR

echo "== starting the DNS test bed"
# (Captured first: a failing start must stop the run, which `eval "$(...)"` would hide.)
dns_env=$("$root/tests/testbed/dns.sh" start "$run_dir/dns")
eval "$dns_env"
export DOMAINSCAN_TEST_DNS_SERVER DOMAINSCAN_TEST_SLOW_DNS_SERVER DOMAINSCAN_TEST_AUTH_DNS_SERVER \
  DOMAINSCAN_TEST_TRUST_ANCHOR_FILE

echo "== starting the web test bed (nginx, certificates)"
web_env=$("$root/tests/testbed/web.sh" start "$run_dir/web")
eval "$web_env"
export DOMAINSCAN_TEST_CA_FILE

if ! wait "$rabbitmq_starter"; then
  echo "RabbitMQ did not start" >&2
  exit 1
fi
DOMAINSCAN_TEST_AMQP_URL=$(cat "$run_dir/amqp-url")
DOMAINSCAN_TEST_RABBITMQ_CTL="$root/tests/testbed/rabbitmq.sh ctl $run_dir/rabbitmq"
DOMAINSCAN_TEST_AMQPS_URL=$(cat "$run_dir/rabbitmq/amqps-url")
DOMAINSCAN_TEST_AMQPS_CA="$run_dir/rabbitmq/tls/ca.pem"
export DOMAINSCAN_TEST_AMQP_URL DOMAINSCAN_TEST_RABBITMQ_CTL DOMAINSCAN_TEST_AMQPS_URL DOMAINSCAN_TEST_AMQPS_CA

export DOMAINSCAN_BINARY="$build/domainscan"
# For the sanitizer build (make test-sanitize): known leaks inside third-party libraries.
export LSAN_OPTIONS="suppressions=$root/tests/lsan.supp:print_suppressions=0"
# Every answer the tests' HTTP client receives is kept here and checked against the API's
# contract (docs/openapi.yaml) after the run.
export DOMAINSCAN_TEST_RESPONSE_LOG="$run_dir/responses"
mkdir -p "$DOMAINSCAN_TEST_RESPONSE_LOG"
echo "== running tests"
cd "$build"
status=0
ctest --output-on-failure --timeout 300 "$@" || status=$?
if [[ $status -ne 0 ]]; then
  # The servers' side of a failure is deleted with $run_dir: what the broker logged (at
  # warning and above, e.g. a refused TLS handshake) is shown while it still exists.
  # (Without the passive declares of missing queues that the tests make on purpose.)
  echo "== RabbitMQ's log, last 40 lines (the test bed is removed at exit)"
  cat "$run_dir"/rabbitmq/log/*@localhost.log 2>/dev/null |
    grep -v -e 'channel exception not_found' -e 'Channel error on connection' | tail -n 40 || true
fi

# The API's contract: every answer above validates against it (and, in a full run, every
# operation was asked at least once); Redocly's rules pass (npm, pinned in package-lock.json).
echo "== checking the API's answers against docs/openapi.yaml"
every_operation=()
[[ $# -eq 0 ]] && every_operation=(--every-operation)
/usr/bin/python3 "$root/tests/openapi/validate-responses.py" "$root/docs/openapi.yaml" "$DOMAINSCAN_TEST_RESPONSE_LOG" \
  "${every_operation[@]}" || status=$?
if [[ $# -eq 0 ]]; then
  echo "== linting docs/openapi.yaml (Redocly)"
  (cd "$root/tests/openapi" && npm ci --no-audit --no-fund --loglevel=error &&
    npx --no-install redocly lint "$root/docs/openapi.yaml" --config redocly.yaml) || status=$?
fi

# The dashboard in real browsers (tests/browser/): Debian's chromium (playwright-core) and
# firefox-esr (puppeteer-core, WebDriver BiDi); the drivers from
# the npm registry (pinned in package-lock.json). Skipped when ctest was given a filter.
if [[ $# -eq 0 ]]; then
  echo "== running the browser tests (screenshots in $build/browser-screenshots)"
  export DOMAINSCAN_TEST_ARTIFACTS="$build/browser-screenshots"
  (cd "$root/tests/browser" && npm ci --no-audit --no-fund --loglevel=error &&
    node --test --test-concurrency=1 --test-timeout=120000 dashboard.test.js watch.test.js auth.test.js firefox.test.js) || status=$?
fi
exit $status
