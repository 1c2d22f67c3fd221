#!/usr/bin/env bash
# The web half of the test bed, on loopback only (needs root: it listens on ports 80/443):
#   a test CA and certificates made by openssl at start-up, nginx serving them on the
#   addresses that tests/testbed/zones/web.test.zone gives each name, and a listener that
#   accepts connections and never answers.
#     127.0.0.21  valid.web.test        certificate from the test CA; HTTP redirects to HTTPS
#     127.0.0.22  expired.web.test      certificate from the test CA, expired
#     127.0.0.23  selfsigned.web.test   self-signed certificate
#     127.0.0.24  wronghost.web.test    certificate for other.web.test (also mta-sts.badcert.mail.test)
#     127.0.0.25  silent.web.test       accepts on 443 and 80, never answers
#     127.0.0.26  soon.web.test         EC certificate expiring in 10 days, TLS 1.2 only
#     127.0.0.27  plain.web.test        HTTP only, no security headers, a cookie without flags
#     127.0.0.28  loop.web.test         HTTP redirects / -> /a -> /b -> /a
#     127.0.0.29  ssrf.web.test         HTTP redirects to http://10.0.0.1/ (must not be followed)
#     127.0.0.31  big.web.test          HTTP, a 3 MiB body
#     127.0.0.32  chain.web.test        HTTP redirects without end, each to a new URL
#     127.0.0.33  mta-sts.good.mail.test  HTTPS, the MTA-STS policy of good.mail.test
#     127.0.0.34  rdap.web.test         an RDAP server (RFC 9083 JSON): valid, soon and expired.web.test,
#                                       broken-ns.test; anything else 404 (not registered). HTTP, and
#                                       HTTPS with a certificate from the test CA; /moved/X redirects
#                                       to https://rdap.web.test/X, /loop/X to itself
#     127.0.0.35  vt.web.test           a VirusTotal-shaped API (v3 domain objects; key vt-test-key):
#                                       valid clean, expired malicious, plain suspicious, broken-ns
#                                       clean, loop 429, anything else 404
#     127.0.0.36  trickle.web.test      answers on 443 and 80 one byte a second, never finishing
#     127.0.0.37  *.bench.test          certificate for *.bench.test; HTTP redirects to HTTPS (bench/)
#     127.0.0.38  legacy.web.test       TLS 1.0 to 1.2, no 1.3
#     127.0.0.39  tls11.web.test        TLS 1.1 and 1.2 (the legacy certificate, so the name does not match)
#     127.0.0.40  (any name)            HTTP, redirects to nowhere.web.test, which does not resolve
# web.sh start DIR  -> prints DOMAINSCAN_TEST_CA_FILE=... (the test CA, for --ca-file)
# web.sh stop DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
action=$1
dir=$2

make_certificates() {
  local t=$dir/tls
  mkdir -p "$t/ca-db"
  cd "$t"
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=domainscan test CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout ca.key -out ca.pem 2>/dev/null
  touch ca-db/index.txt
  echo 1000 >ca-db/serial
  cat >ca.cnf <<CNF
[ca]
default_ca = test
[test]
database = $t/ca-db/index.txt
serial = $t/ca-db/serial
new_certs_dir = $t/ca-db
certificate = $t/ca.pem
private_key = $t/ca.key
default_md = sha256
policy = any
copy_extensions = copy
unique_subject = no
[any]
commonName = supplied
CNF
  # leaf NAME CN KEYTYPE START END: a certificate from the test CA for CN (and SAN CN)
  leaf() {
    local name=$1 cn=$2 keyopt=$3 start=$4 end=$5
    openssl req -new -newkey "$keyopt" -nodes -subj "/CN=$cn" -addext "subjectAltName=DNS:$cn" \
      -addext "extendedKeyUsage=serverAuth" -keyout "$name.key" -out "$name.csr" 2>/dev/null
    openssl ca -batch -config ca.cnf -in "$name.csr" -out "$name.pem" -startdate "$start" -enddate "$end" \
      >/dev/null 2>&1
  }
  local now_minus_1d in_30d in_10d
  now_minus_1d=$(date -u -d '-1 day' +%Y%m%d%H%M%SZ)
  in_30d=$(date -u -d '+30 days' +%Y%m%d%H%M%SZ)
  in_10d=$(date -u -d '+10 days' +%Y%m%d%H%M%SZ)
  leaf valid valid.web.test rsa:2048 "$now_minus_1d" "$in_30d"
  leaf expired expired.web.test rsa:2048 20240101000000Z 20240201000000Z
  leaf wronghost other.web.test rsa:2048 "$now_minus_1d" "$in_30d"
  leaf mtasts mta-sts.good.mail.test rsa:2048 "$now_minus_1d" "$in_30d"
  leaf rdap rdap.web.test rsa:2048 "$now_minus_1d" "$in_30d"
  leaf bench '*.bench.test' ec:<(openssl ecparam -name prime256v1) "$now_minus_1d" "$in_30d"
  leaf soon soon.web.test ec:<(openssl ecparam -name prime256v1) "$now_minus_1d" "$in_10d"
  leaf legacy legacy.web.test ec:<(openssl ecparam -name prime256v1) "$now_minus_1d" "$in_30d"
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=selfsigned.web.test" \
    -addext "subjectAltName=DNS:selfsigned.web.test" -keyout selfsigned.key -out selfsigned.pem 2>/dev/null
  chmod 644 ./*.key
  cd - >/dev/null
}

# rdap_domain NAME EXPIRES STATUS: an RDAP domain object as registries answer it.
rdap_domain() {
  cat <<JSON
{"objectClassName": "domain", "ldhName": "$1", "handle": "$1-TEST",
 "status": ["$3"],
 "events": [{"eventAction": "registration", "eventDate": "2020-01-01T00:00:00Z"},
            {"eventAction": "expiration", "eventDate": "$2"}],
 "entities": [{"objectClassName": "entity", "handle": "9999", "roles": ["registrar"],
               "vcardArray": ["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", "Test Registrar Inc."]]]}],
 "nameservers": [{"objectClassName": "nameserver", "ldhName": "ns1.test"}]}
JSON
}

# vt_domain NAME MALICIOUS SUSPICIOUS HARMLESS REPUTATION: a VirusTotal v3 domain object.
vt_domain() {
  cat <<JSON
{"data": {"id": "$1", "type": "domain", "links": {"self": "https://www.virustotal.com/api/v3/domains/$1"},
  "attributes": {"last_analysis_date": 1764000000, "reputation": $5,
    "last_analysis_stats": {"malicious": $2, "suspicious": $3, "harmless": $4, "undetected": 20, "timeout": 0},
    "categories": {"Forcepoint ThreatSeeker": "information technology", "BitDefender": "computersandsoftware",
                   "Sophos": "information technology"},
    "tld": "test", "tags": []}}}
JSON
}

make_virustotal_answers() {
  local d=$dir/www/vt/api/v3/domains
  mkdir -p "$d"
  vt_domain valid.web.test 0 0 70 5 >"$d/valid.web.test"
  vt_domain expired.web.test 5 2 50 -20 >"$d/expired.web.test"
  vt_domain plain.web.test 1 0 68 0 >"$d/plain.web.test"
  vt_domain broken-ns.test 0 0 60 0 >"$d/broken-ns.test"
  echo '{"error": {"code": "NotFoundError", "message": "Domain not found"}}' >"$dir/www/vt/not-found.json"
  chmod -R a+rX "$dir/www/vt"
}

make_rdap_answers() {
  mkdir -p "$dir/www/rdap/domain"
  rdap_domain valid.web.test "$(date -u -d '+400 days' +%Y-%m-%dT%H:%M:%SZ)" "client transfer prohibited" \
    >"$dir/www/rdap/domain/valid.web.test"
  rdap_domain soon.web.test "$(date -u -d '+10 days' +%Y-%m-%dT%H:%M:%SZ)" "active" >"$dir/www/rdap/domain/soon.web.test"
  rdap_domain expired.web.test 2024-02-01T00:00:00Z "server hold" >"$dir/www/rdap/domain/expired.web.test"
  # Registered, but its name server never answers (tests/testbed/dns.sh): the registry
  # answering must not make it look reachable.
  rdap_domain broken-ns.test "$(date -u -d '+400 days' +%Y-%m-%dT%H:%M:%SZ)" "active" >"$dir/www/rdap/domain/broken-ns.test"
  chmod -R a+rX "$dir/www/rdap"
}

tls_server() {  # ADDRESS NAME CERT [extra directives]
  cat <<CONF
  server {
    listen $1:443 ssl;
    server_name $2;
    ssl_certificate $dir/tls/$3.pem;
    ssl_certificate_key $dir/tls/$3.key;
    $4
    location / { return 200 "$2\n"; }
  }
CONF
}

case $action in
  start)
    mkdir -p "$dir/tmp" "$dir/www"
    chmod 755 "$dir" "$dir/tmp" "$dir/www"
    head -c 3145728 /dev/zero >"$dir/www/big.bin"
    printf 'version: STSv1\nmode: enforce\nmx: mx.good.mail.test\nmax_age: 86400\n' >"$dir/www/mta-sts.txt"
    chmod 644 "$dir/www/big.bin" "$dir/www/mta-sts.txt"
    make_rdap_answers
    make_virustotal_answers
    make_certificates
    {
      echo "worker_processes 1;"
      echo "pid $dir/nginx.pid;"
      echo "error_log $dir/error.log warn;"
      echo "worker_rlimit_nofile 16384;"
      echo "events { worker_connections 8192; }"
      echo "http {"
      echo "  access_log off;"
      echo "  ssl_protocols TLSv1.2 TLSv1.3;"
      for t in client_body proxy fastcgi uwsgi scgi; do echo "  ${t}_temp_path $dir/tmp/$t;"; done
      tls_server 127.0.0.21 valid.web.test valid '
    add_header Strict-Transport-Security "max-age=31536000; includeSubDomains; preload" always;
    add_header Content-Security-Policy "default-src '"'"'self'"'"'" always;
    add_header X-Frame-Options DENY always;
    add_header X-Content-Type-Options nosniff always;
    add_header Referrer-Policy no-referrer always;
    add_header Permissions-Policy "geolocation=()" always;
    add_header Set-Cookie "session=1; Secure; HttpOnly; SameSite=Lax" always;'
      echo "  server { listen 127.0.0.21:80; return 301 https://valid.web.test\$request_uri; }"
      echo "  server { listen 127.0.0.27:80; location / { add_header Set-Cookie \"tracking=1\"; return 200 \"plain\\n\"; } }"
      echo "  server { listen 127.0.0.28:80; location = / { return 302 /a; } location = /a { return 302 /b; }"
      echo "           location = /b { return 302 /a; } }"
      echo "  server { listen 127.0.0.29:80; return 302 http://10.0.0.1/; }"
      echo "  server { listen 127.0.0.31:80; root $dir/www; location / { try_files /big.bin =404; } }"
      echo "  server { listen 127.0.0.32:80; location = / { return 302 /c; } location ~ ^/(c+)\$ { return 302 /\$1c; } }"
      echo "  server { listen 127.0.0.40:80; return 302 http://nowhere.web.test/; }"
      tls_server 127.0.0.37 '*.bench.test' bench '
    add_header Strict-Transport-Security "max-age=31536000" always;'
      echo "  server { listen 127.0.0.37:80; return 301 https://\$host\$request_uri; }"
      tls_server 127.0.0.22 expired.web.test expired ""
      tls_server 127.0.0.23 selfsigned.web.test selfsigned ""
      tls_server 127.0.0.24 wronghost.web.test wronghost ""
      tls_server 127.0.0.26 soon.web.test soon "ssl_protocols TLSv1.2;"
      # OpenSSL 3 speaks TLS 1.0/1.1 only at security level 0.
      tls_server 127.0.0.38 legacy.web.test legacy "ssl_protocols TLSv1 TLSv1.1 TLSv1.2; ssl_ciphers DEFAULT:@SECLEVEL=0;"
      tls_server 127.0.0.39 tls11.web.test legacy "ssl_protocols TLSv1.1 TLSv1.2; ssl_ciphers DEFAULT:@SECLEVEL=0;"
      cat <<CONF
  server {
    listen 127.0.0.34:80;
    listen 127.0.0.34:443 ssl;
    server_name rdap.web.test;
    ssl_certificate $dir/tls/rdap.pem;
    ssl_certificate_key $dir/tls/rdap.key;
    root $dir/www/rdap;
    default_type application/rdap+json;
    location ~ ^/moved/(.*)\$ { return 301 https://rdap.web.test/\$1; }
    location ~ ^/loop/(.*)\$ { return 302 /loop/\$1; }
  }
CONF
      cat <<CONF
  server {
    listen 127.0.0.35:80;
    root $dir/www/vt;
    default_type application/json;
    if (\$http_x_apikey != "vt-test-key") {
      return 401 '{"error": {"code": "WrongCredentialsError", "message": "Wrong API key"}}';
    }
    location = /api/v3/domains/loop.web.test {
      add_header Retry-After 2 always;
      return 429 '{"error": {"code": "QuotaExceededError", "message": "Quota exceeded"}}';
    }
    location /api/v3/domains/ { error_page 404 /not-found.json; }
    location = /not-found.json { internal; }
  }
CONF
      cat <<CONF
  server {
    listen 127.0.0.33:443 ssl;
    server_name mta-sts.good.mail.test;
    ssl_certificate $dir/tls/mtasts.pem;
    ssl_certificate_key $dir/tls/mtasts.key;
    root $dir/www;
    location = /.well-known/mta-sts.txt { default_type text/plain; try_files /mta-sts.txt =404; }
  }
CONF
      echo "}"
    } >"$dir/nginx.conf"
    nginx -c "$dir/nginx.conf" -p "$dir"
    nohup python3 "$here/silent-listener.py" 127.0.0.25 443 80 >"$dir/silent.log" 2>&1 &
    echo $! >"$dir/silent.pid"
    nohup python3 "$here/trickle-listener.py" 127.0.0.36 443 80 >"$dir/trickle.log" 2>&1 &
    echo $! >"$dir/trickle.pid"
    for _ in $(seq 1 50); do
      if curl -s --max-time 1 --cacert "$dir/tls/ca.pem" --resolve valid.web.test:443:127.0.0.21 \
        https://valid.web.test/ >/dev/null && (: </dev/tcp/127.0.0.25/443) 2>/dev/null &&
        (: </dev/tcp/127.0.0.36/80) 2>/dev/null; then
        echo "DOMAINSCAN_TEST_CA_FILE=$dir/tls/ca.pem"
        exit 0
      fi
      sleep 0.1
    done
    echo "web.sh: nginx did not answer; see $dir/error.log" >&2
    exit 1
    ;;
  stop)
    [[ -f $dir/nginx.pid ]] && nginx -c "$dir/nginx.conf" -p "$dir" -s stop 2>/dev/null || true
    [[ -f $dir/silent.pid ]] && kill "$(cat "$dir/silent.pid")" 2>/dev/null || true
    [[ -f $dir/trickle.pid ]] && kill "$(cat "$dir/trickle.pid")" 2>/dev/null || true
    ;;
  *) echo "usage: $0 start DIR | stop DIR" >&2; exit 2 ;;
esac
