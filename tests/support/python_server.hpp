#pragma once
// A small HTTP server written in Python for a test (a VirusTotal-shaped API, a webhook
// receiver), on a loopback port: started, waited for until it accepts, stopped and started
// again on the same port.
#include "support/child_process.hpp"
#include "support/temp_dir.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace domainscan::testing {

// A port on 127.0.0.1 that nothing listens on now.
std::uint16_t free_loopback_port();

class PythonServer {
 public:
  // argv after "/usr/bin/python3"; the text "{port}" in it is replaced with the port.
  PythonServer(std::vector<std::string> args, std::uint16_t port);

  std::uint16_t port() const { return port_; }
  std::string url() const;  // http://127.0.0.1:PORT
  void start();             // waits until it accepts connections; throws if it does not
  void stop();              // kill, and wait until the port refuses
  bool running() const { return process_.has_value(); }

 private:
  std::vector<std::string> args_;
  std::uint16_t port_;
  TempDir logs_;
  std::optional<ChildProcess> process_;
};

}  // namespace domainscan::testing
