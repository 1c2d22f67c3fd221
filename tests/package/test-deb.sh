#!/usr/bin/env bash
# The Debian package (`make deb`), checked as an operator meets it: its control data and
# contents; then, as root on a machine without domainscan installed, a real install with
# dpkg: the binary runs from /usr/bin, the units pass `systemd-analyze verify` and score
# low in `systemd-analyze security`, the domainscan user serves from /var/lib/domainscan
# with the packaged settings file, a reinstall keeps the operator's changes, remove keeps
# the data and purge deletes it.
#   tests/package/test-deb.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
pkg=$(ls -t "$build"/domainscan_*.deb 2>/dev/null | head -n 1)
[[ -n $pkg ]] || { echo "test-deb: no package in $build (make deb)" >&2; exit 1; }
fail() { echo "test-deb: FAILED: $*" >&2; exit 1; }
echo "== package $pkg"

# Control data and contents.
[[ $(dpkg-deb --field "$pkg" Package) == domainscan ]] || fail "package name"
depends=$(dpkg-deb --field "$pkg" Depends)
for lib in libunbound8 libpqxx librabbitmq4 libsqlite3-0 libssl3 libtcmalloc-minimal4 dns-root-data passwd; do
  [[ $depends == *"$lib"* ]] || fail "Depends lacks $lib: $depends"
done
contents=$(dpkg-deb --contents "$pkg" | awk '{print $6}')
for path in ./usr/bin/domainscan ./etc/domainscan/domainscan.toml \
    ./usr/lib/systemd/system/domainscan.service ./usr/lib/systemd/system/domainscan-api.service \
    ./usr/lib/systemd/system/domainscan-worker@.service ./usr/lib/systemd/system/domainscan-scheduler.service \
    ./usr/share/doc/domainscan/openapi.json; do
  grep -qxF "$path" <<<"$contents" || fail "$path is not in the package"
done
control=$(mktemp -d)
trap 'rm -rf "$control"' EXIT
dpkg-deb --control "$pkg" "$control"
grep -qxF /etc/domainscan/domainscan.toml "$control/conffiles" || fail "the settings file is no conffile"

if [[ $(id -u) -ne 0 ]]; then
  echo "test-deb: SKIPPED the install (needs root)"
  exit 0
fi
if dpkg-query -W -f='${Status}' domainscan 2>/dev/null | grep -q "install ok installed"; then
  echo "test-deb: SKIPPED the install (domainscan is installed on this machine; not touching it)"
  exit 0
fi
serve_pid=
cleanup() {
  [[ -n $serve_pid ]] && kill "$serve_pid" 2>/dev/null || true
  dpkg --purge domainscan >/dev/null 2>&1 || true
  rm -rf "$control"
}
trap cleanup EXIT

echo "== dpkg -i"
dpkg -i "$pkg" >/dev/null
[[ $(/usr/bin/domainscan --version) == "domainscan $(dpkg-deb --field "$pkg" Version)" ]] || fail "--version"
getent passwd domainscan >/dev/null || fail "no domainscan user"
[[ $(stat -c '%U:%G %a' /var/lib/domainscan) == "domainscan:domainscan 750" ]] || fail "state directory: $(stat -c '%U:%G %a' /var/lib/domainscan)"
[[ $(stat -c '%U:%G %a' /etc/domainscan/domainscan.toml) == "root:domainscan 640" ]] || fail "settings file permissions"

echo "== systemd-analyze verify"
# (systemd-analyze exits non-zero on errors; warnings only print.)
if ! out=$(systemd-analyze verify /usr/lib/systemd/system/domainscan.service /usr/lib/systemd/system/domainscan-api.service \
    /usr/lib/systemd/system/domainscan-worker@.service /usr/lib/systemd/system/domainscan-scheduler.service 2>&1) ||
    grep -q domainscan <<<"$out"; then
  fail "systemd-analyze verify: $out"
fi

# systemd's own review of the sandbox: exposure 0 (locked down) to 10 (none). The units
# score 1.6; 2.0 is the bar.
units=(/usr/lib/systemd/system/domainscan*.service)
systemd-analyze security --offline=yes --threshold=20 "${units[@]}" >/dev/null 2>&1 ||
  fail "systemd-analyze security: $(systemd-analyze security --offline=yes "${units[@]}" 2>&1 | grep 'Overall')"

echo "== serve as the domainscan user, as domainscan.service starts it"
port=$(python3 "$(dirname "$0")/../testbed/free-port.py")
log=$(mktemp)
chmod 644 "$log"
(cd /var/lib/domainscan && exec setpriv --reuid=domainscan --regid=domainscan --init-groups env DOMAINSCAN_CONFIG=/etc/domainscan/domainscan.toml \
  /usr/bin/domainscan serve --listen "127.0.0.1:$port" --dns-server 127.0.0.1:9) >"$log" 2>&1 &
serve_pid=$!
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
  sleep 0.1
done
curl -sf "http://127.0.0.1:$port/healthz" >/dev/null || fail "serve did not answer: $(cat "$log")"
kill -TERM "$serve_pid"
wait "$serve_pid" || fail "serve did not stop cleanly on SIGTERM: $(cat "$log")"
serve_pid=
rm -f "$log"
[[ -f /var/lib/domainscan/domainscan.db ]] || fail "no database in /var/lib/domainscan"

echo "== reinstall, remove, purge"
echo "# changed by the operator" >>/etc/domainscan/domainscan.toml
dpkg -i "$pkg" >/dev/null
grep -q "changed by the operator" /etc/domainscan/domainscan.toml || fail "a reinstall replaced the changed settings file"
dpkg --remove domainscan >/dev/null
[[ ! -e /usr/bin/domainscan ]] || fail "remove left the binary"
[[ -f /var/lib/domainscan/domainscan.db ]] || fail "remove deleted the data"
[[ -f /etc/domainscan/domainscan.toml ]] || fail "remove deleted the settings file"
dpkg --purge domainscan >/dev/null
[[ ! -e /var/lib/domainscan ]] || fail "purge left /var/lib/domainscan"
[[ ! -e /etc/domainscan ]] || fail "purge left /etc/domainscan"
! getent passwd domainscan >/dev/null || fail "purge left the domainscan user"
echo "test-deb: ok"
