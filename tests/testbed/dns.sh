#!/usr/bin/env bash
# The DNS half of the test bed, on loopback only:
#   knot   authoritative for test. and the zones in zones/ (files named ZONE.zone)
#   unbound recursive resolver that the scanner is pointed at (--dns-server)
#   slow-dns.py  a forwarder to unbound that delays every answer by 200 ms
#   broken-ns.test (and every name under it) is delegated to a name server that never
#   answers (silent-listener.py): unbound times out on it, as on a lame delegation
#   signed.test and bogus.test are signed by knot (keys made at start-up); trust-anchors.txt
#   holds signed.test's key, and for bogus.test a key that zone does not have
# dns.sh start DIR  -> prints shell assignments of DOMAINSCAN_TEST_DNS_SERVER (unbound),
#                      DOMAINSCAN_TEST_SLOW_DNS_SERVER, DOMAINSCAN_TEST_AUTH_DNS_SERVER (knot)
#                      and DOMAINSCAN_TEST_TRUST_ANCHOR_FILE
# dns.sh stop DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
action=$1
dir=$2

stop_pid() { [[ -f $1 ]] && kill "$(cat "$1")" 2>/dev/null || true; }

wait_for_dns() {  # HOST PORT NAME
  for _ in $(seq 1 100); do
    if kdig +short +time=1 +retry=0 "@$1" -p "$2" SOA "$3" 2>/dev/null | grep -q .; then return 0; fi
    sleep 0.1
  done
  echo "dns.sh: no answer from $1:$2 for $3" >&2
  return 1
}

case $action in
  start)
    mkdir -p "$dir/zones" "$dir/knot-db"
    cp "$here"/zones/*.zone "$dir/zones/"
    auth_port=$(python3 "$here/free-port.py")
    rec_port=$(python3 "$here/free-port.py")
    {
      echo "server:"
      echo "  rundir: \"$dir\""
      echo "  pidfile: \"$dir/knot.pid\""
      echo "  listen: 127.0.0.1@$auth_port"
      echo "database:"
      echo "  storage: \"$dir/knot-db\""
      echo "log:"
      echo "  - target: \"$dir/knot.log\""
      echo "    any: info"
      echo "keystore:"
      echo "  - id: default"
      echo "    config: \"$dir/keys\""
      echo "policy:"
      echo "  - id: test"
      echo "    algorithm: ecdsap256sha256"
      echo "    ksk-lifetime: 0"
      echo "    zsk-lifetime: 0"
      echo "template:"
      echo "  - id: default"
      echo "    storage: \"$dir/zones\""
      echo "zone:"
      for f in "$dir"/zones/*.zone; do
        z=$(basename "$f" .zone)
        echo "  - domain: $z."
        echo "    file: $z.zone"
        if [[ $z == signed.test || $z == bogus.test ]]; then
          echo "    dnssec-signing: on"
          echo "    dnssec-policy: test"
          echo "    zonefile-sync: -1"
        fi
      done
    } >"$dir/knot.conf"
    knotd -c "$dir/knot.conf" -d
    wait_for_dns 127.0.0.1 "$auth_port" test.
    wait_for_dns 127.0.0.1 "$auth_port" signed.test.
    wait_for_dns 127.0.0.1 "$auth_port" bogus.test.

    # The trust anchors: signed.test's key-signing key as it is; for bogus.test, that same
    # key under bogus.test's name, which does not sign bogus.test: its signatures cannot verify.
    ksk=$(kdig +short "@127.0.0.1" -p "$auth_port" DNSKEY signed.test. | grep '^257 ' | head -1)
    if [[ -z $ksk ]]; then
      echo "dns.sh: knot did not sign signed.test; see $dir/knot.log" >&2
      exit 1
    fi
    {
      echo "signed.test. IN DNSKEY $ksk"
      echo "bogus.test. IN DNSKEY $ksk"
    } >"$dir/trust-anchors.txt"

    cat >"$dir/unbound.conf" <<CONF
server:
  interface: 127.0.0.1
  port: $rec_port
  do-ip6: no
  do-daemonize: yes
  username: ""
  chroot: ""
  directory: "$dir"
  pidfile: "$dir/unbound.pid"
  use-syslog: no
  logfile: "$dir/unbound.log"
  module-config: "iterator"
  access-control: 127.0.0.0/8 allow
  do-not-query-localhost: no
  local-zone: "test." nodefault
  qname-minimisation: no
  cache-max-ttl: 0
  cache-max-negative-ttl: 0
  # Forget at once that broken-ns.test's name server is dead, and try it again for every
  # query: each lookup under it then hangs until unbound gives up, as on a real list where
  # every dead name server is met for the first time (the worst case for the scanner).
  infra-host-ttl: 0
  # A resolver sized for a scanner in front of it, as an operator's would be: thousands
  # of queries at once, none pushed out by others.
  num-queries-per-thread: 4096
  outgoing-range: 8192
  jostle-timeout: 10000
  # and a receive buffer for the bursts a scanner sends: with the kernel's default (208 KiB)
  # the first lookups of 256 scans at once overflowed it (290 of 600 queries dropped, each
  # asked again after libunbound's retry timeout). Capped by net.core.rmem_max unless root.
  so-rcvbuf: 4m
CONF
    # Unbound 1.17.1-2+deb12u4 (like 1.21.1 upstream) drops the queries of an address that
    # already has 1,000 replies waiting for recursion (wait-limit): the lookups of dead
    # delegations wait long, and every scan comes from 127.0.0.1. No limit here, as on a
    # resolver that serves a scanner (docs/operations.md).
    if printf 'server:\n' | unbound-checkconf -o wait-limit /dev/stdin >/dev/null 2>&1; then
      echo "  wait-limit: 0" >>"$dir/unbound.conf"
    fi
    # One stub per zone: the zones' NS records name ns1.test (127.0.0.53:53, where nothing
    # listens), so unbound must never follow them and always ask knot on its own port.
    for f in "$dir"/zones/*.zone; do
      printf 'stub-zone:\n  name: "%s."\n  stub-addr: 127.0.0.1@%s\n' "$(basename "$f" .zone)" "$auth_port"
    done >>"$dir/unbound.conf"
    # The dead delegation: test. delegates broken-ns.test to ns1.broken-ns.test, and the
    # address unbound is sent to for it takes every query and answers none.
    dead_port=$(python3 "$here/free-port.py")
    nohup python3 "$here/silent-listener.py" 127.0.0.1 "$dead_port" >"$dir/dead-ns.log" 2>&1 &
    echo $! >"$dir/dead-ns.pid"
    printf 'stub-zone:\n  name: "broken-ns.test."\n  stub-addr: 127.0.0.1@%s\n' "$dead_port" >>"$dir/unbound.conf"
    cat >>"$dir/unbound.conf" <<CONF
# Counters for the benchmarks (unbound-control -c unbound.conf stats_noreset), over a
# socket in the test bed's directory.
remote-control:
  control-enable: yes
  control-interface: "$dir/unbound.ctl"
# Everything else goes to knot too, which refuses it: no query ever leaves loopback.
forward-zone:
  name: "."
  forward-addr: 127.0.0.1@$auth_port
CONF
    unbound -c "$dir/unbound.conf"
    wait_for_dns 127.0.0.1 "$rec_port" example.test.

    # The same answers, each 200 ms late (fault tests: scans that take a known time).
    slow_port=$(python3 "$here/free-port.py")
    nohup python3 "$here/slow-dns.py" "$slow_port" "127.0.0.1:$rec_port" 0.2 >"$dir/slow-dns.log" 2>&1 &
    echo $! >"$dir/slow-dns.pid"
    wait_for_dns 127.0.0.1 "$slow_port" example.test.

    echo "DOMAINSCAN_TEST_DNS_SERVER=127.0.0.1:$rec_port"
    echo "DOMAINSCAN_TEST_SLOW_DNS_SERVER=127.0.0.1:$slow_port"
    echo "DOMAINSCAN_TEST_AUTH_DNS_SERVER=127.0.0.1:$auth_port"
    echo "DOMAINSCAN_TEST_TRUST_ANCHOR_FILE=$dir/trust-anchors.txt"
    ;;
  stop)
    stop_pid "$dir/slow-dns.pid"
    stop_pid "$dir/dead-ns.pid"
    stop_pid "$dir/unbound.pid"
    stop_pid "$dir/knot.pid"
    ;;
  *) echo "usage: $0 start DIR | stop DIR" >&2; exit 2 ;;
esac
