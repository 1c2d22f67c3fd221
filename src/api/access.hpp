#pragma once
// What each route asks of a client (api/authenticator.hpp). Every route says it when it is
// added to the router; the table in tests/integration/api_auth_test.cpp pins the decisions.
#include <string_view>

namespace domainscan::api {

enum class Access {
  open,     // health probes and the dashboard's static files: no key ever
  metrics,  // /metrics: a read key when --metrics-auth requires one
  read,     // GET of domains, scans, events
  write,    // adding, rescanning, scheduling and deleting domains
  admin,    // webhooks
};

std::string_view to_string(Access access);

// What a request costs against the rate limits: every request takes from the client's
// request bucket; one that queues a scan takes from its scan bucket too.
enum class Cost { request, scan };

}  // namespace domainscan::api
