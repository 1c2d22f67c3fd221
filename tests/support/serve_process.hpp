#pragma once
// `domainscan serve` as a child process for end-to-end tests: its own SQLite file, a free
// port, the scan test bed that tests/run-all.sh started (DNS, web, test CA), and helpers to
// scan domains and wait for the results over the REST API.
#include "support/child_process.hpp"
#include "support/temp_dir.hpp"

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace domainscan::testing {

class Serve {
 public:
  // extra: more flags (--check-timeout 3s, --rdap-url ...).
  explicit Serve(std::vector<std::string> extra);

  std::uint16_t port() const { return port_; }
  // Stops it (SIGTERM, as systemd would) and starts it again on the same database; the
  // port may change.
  void restart();
  std::string log() const;

  // Adds the domain or, when it is known, queues a rescan; returns the scan id.
  std::int64_t scan(const std::string& domain);
  boost::json::object scan_result(std::int64_t id);
  boost::json::object domain(const std::string& name);
  // GET of a JSON body that must answer 200.
  boost::json::value get(const std::string& target);
  // Waits until every scan has finished; returns them by id. Throws at the timeout.
  std::map<std::int64_t, boost::json::object> wait_for(const std::vector<std::int64_t>& ids,
                                                       std::chrono::seconds timeout);

 private:
  void start();

  TempDir data_;
  std::vector<std::string> argv_;
  int runs_ = 0;
  std::optional<ChildProcess> process_;
  std::uint16_t port_ = 0;
};

}  // namespace domainscan::testing
