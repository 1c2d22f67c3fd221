# Sourced by the scanning benchmarks (needs root: the web half listens on ports 80/443).
# Starts the DNS and web halves of the test bed in a fresh directory and stops them on exit;
# sets DOMAINSCAN_TEST_DNS_SERVER, DOMAINSCAN_TEST_CA_FILE, and scan_flags: what a scan
# needs to use them (as the worker would be started against this test bed).
run_dir=$(mktemp -d /tmp/domainscan-bench.XXXXXX)
chmod 755 "$run_dir"
stop_scan_testbed() {
  "$root/tests/testbed/web.sh" stop "$run_dir/web" || true
  "$root/tests/testbed/dns.sh" stop "$run_dir/dns" || true
  rm -rf "$run_dir"
}
trap stop_scan_testbed EXIT
trap 'exit 130' INT TERM

dns_env=$("$root/tests/testbed/dns.sh" start "$run_dir/dns")
eval "$dns_env"
web_env=$("$root/tests/testbed/web.sh" start "$run_dir/web")
eval "$web_env"
scan_flags=(--dns-server "$DOMAINSCAN_TEST_DNS_SERVER" --allow-suffix test --allow-target 127.0.0.0/8
  --ca-file "$DOMAINSCAN_TEST_CA_FILE" --trust-anchor-file none --rdap-url http://rdap.web.test/)
