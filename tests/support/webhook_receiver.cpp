#include "support/webhook_receiver.hpp"

#include "support/testbed.hpp"

#include <boost/json/parse.hpp>

#include <fstream>
#include <sstream>

namespace domainscan::testing {

WebhookReceiver::WebhookReceiver()
    : server_({(testbed_dir() / "webhook-receiver.py").string(), "127.0.0.1", "{port}", state_.path().string()},
              free_loopback_port()) {}

void WebhookReceiver::set_secret(const std::string& secret) {
  secret_ = secret;
  std::ofstream(state_.path() / "secret") << secret;
}

void WebhookReceiver::answer_next(const std::vector<int>& statuses) {
  std::ofstream out(state_.path() / "answers");
  for (const int s : statuses) out << s << "\n";
}

std::vector<boost::json::object> WebhookReceiver::received() const {
  std::vector<boost::json::object> out;
  std::ifstream in(state_.path() / "received");
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) out.push_back(boost::json::parse(line).as_object());
  }
  return out;
}

}  // namespace domainscan::testing
