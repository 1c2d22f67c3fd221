#pragma once
// What keeps web pages of other sites away from the API (a browser runs them on the same
// machine or network as the server, so the address alone proves nothing):
//
// - Host: a page whose name an attacker re-points at 127.0.0.1 (DNS rebinding) reaches the
//   server as the same origin, but its requests name the attacker's host. Requests must name
//   an IP literal, localhost, the machine's name, the listen address's name or a
//   --public-url's host. Health
//   probes and /metrics are exempt: they carry no data of the domains, and load balancers
//   and Prometheus ask for them by whatever name they know the service by.
// - Origin: a form or fetch() from another site may POST without any preflight when its body
//   is text/plain or a form, or has no body at all. A state-changing request that says it
//   comes from another origin (Origin, or Sec-Fetch-Site) is refused. Clients that are not
//   browsers send neither and pass.
#include "api/http_types.hpp"
#include "api/router.hpp"

#include <optional>
#include <string>
#include <vector>

namespace domainscan::api {

struct OriginRules {
  // Host names (lower case, no port) besides IP literals and localhost: the machine's, the
  // listen address's when it is a name, and the --public-url hosts.
  std::vector<std::string> host_names;
  // The --public-url origins ("https://scanner.example.net", "http://host:8080"), which a
  // browser behind a reverse proxy names although the Host it forwards differs.
  std::vector<std::string> origins;

  // The rules for a server on the machine `machine_name` (gethostname: no one else can
  // point a browser's name for it here), listening on `listen_host` and reached at
  // `public_urls` (validated URLs: http or https with a host).
  static OriginRules from(const std::string& listen_host, const std::vector<std::string>& public_urls,
                          const std::string& machine_name = {});
};

class OriginGuard {
 public:
  explicit OriginGuard(OriginRules rules = {});

  // The refusal for a request that may not pass (421 misdirected_request for an unknown
  // Host, 403 cross_origin for a state-changing request from another origin), or nullopt.
  std::optional<Response> refuse(const Request& request, Access access) const;

 private:
  bool known_host(std::string_view host) const;

  OriginRules rules_;
};

}  // namespace domainscan::api
