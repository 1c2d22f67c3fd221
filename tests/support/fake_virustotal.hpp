#pragma once
// A VirusTotal-shaped API whose answers the test writes: Python's static file server on a
// free loopback port, serving /api/v3/domains/{domain} from files.
#include "support/python_server.hpp"
#include "support/temp_dir.hpp"

#include <string>

namespace domainscan::testing {

class FakeVirusTotal {
 public:
  FakeVirusTotal();
  std::string url() const { return server_.url(); }
  // From now on, `malicious` vendors call the domain malicious.
  void answer(const std::string& domain, int malicious);

 private:
  TempDir dir_;
  PythonServer server_;
};

}  // namespace domainscan::testing
