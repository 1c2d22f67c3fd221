#!/usr/bin/env bash
# deploy/compose.yaml, as far as this machine can check it: Debian's docker-compose
# validates it against the Compose schema and resolves it (`config`), and it runs the
# services an operator expects, each domainscan service from the image deploy/Dockerfile
# builds. Building and running the images needs a registry (debian:12, postgres, rabbitmq),
# which this machine cannot reach: that part is not run here (README says so).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
compose=(docker-compose -f "$root/deploy/compose.yaml")
fail() { echo "test-compose: FAILED: $*" >&2; exit 1; }

"${compose[@]}" config -q || fail "docker-compose config"
services=$("${compose[@]}" config --services | sort | tr '\n' ' ')
[[ $services == "api postgres rabbitmq scheduler worker " ]] || fail "services: $services"
resolved=$("${compose[@]}" config)
for service in api worker scheduler; do
  # Each domainscan service: the image, started after the database and broker are healthy.
  block=$(awk -v s="  $service:" '$0 == s {on=1; next} on && /^  [a-z]/ {on=0} on' <<<"$resolved")
  grep -q 'dockerfile: deploy/Dockerfile' <<<"$block" || fail "$service is not built from deploy/Dockerfile"
  grep -q 'condition: service_healthy' <<<"$block" || fail "$service does not wait for healthy dependencies"
  grep -q 'DOMAINSCAN_BROKER: amqp://' <<<"$block" || fail "$service has no broker"
done
grep -qF -- "- 127.0.0.1:8080:8080/tcp" <<<"$resolved" || fail "the api's port is not published on loopback only"
# What the Dockerfile copies and runs exists in the repository.
[[ -f $root/scripts/install-deps.sh && -f $root/cmake/Packaging.cmake ]] || fail "Dockerfile inputs"
grep -q '^USER domainscan$' "$root/deploy/Dockerfile" || fail "the image does not run as the domainscan user"
echo "test-compose: ok (images not built: no registry here)"
