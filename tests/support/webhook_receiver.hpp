#pragma once
// A webhook receiver on loopback (tests/testbed/webhook-receiver.py) that verifies the
// Standard Webhooks signature with Python's hmac, independently of domainscan's code.
#include "support/python_server.hpp"
#include "support/temp_dir.hpp"

#include <boost/json/object.hpp>

#include <string>
#include <vector>

namespace domainscan::testing {

class WebhookReceiver {
 public:
  WebhookReceiver();  // not started: start() it (a test may want it down at first)
  void start() { server_.start(); }
  void stop() { server_.stop(); }
  std::string url() const { return server_.url() + "/hooks/domainscan"; }

  // The secret the signatures must verify with.
  void set_secret(const std::string& secret);
  const std::string& secret() const { return secret_; }
  // Status codes to answer next, in order; then 200.
  void answer_next(const std::vector<int>& statuses);
  // Every request so far: {"id", "timestamp", "signature", "valid", "body", "answered", "content_type"}.
  std::vector<boost::json::object> received() const;

 private:
  TempDir state_;
  std::string secret_;
  PythonServer server_;
};

}  // namespace domainscan::testing
