#!/usr/bin/env bash
# Replaces data/rdap-dns.json with IANA's current RDAP bootstrap file for domain names
# (RFC 9224). Run by hand on a machine with internet access; the file is then committed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp)
curl -fsS --max-time 30 https://data.iana.org/rdap/dns.json -o "$tmp"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["services"], "no services"' "$tmp"
mv "$tmp" "$root/data/rdap-dns.json"
echo "data/rdap-dns.json updated"
