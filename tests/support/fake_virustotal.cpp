#include "support/fake_virustotal.hpp"

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>

namespace domainscan::testing {

namespace json = boost::json;

FakeVirusTotal::FakeVirusTotal()
    : server_({"-m", "http.server", "--bind", "127.0.0.1", "--directory", dir_.path().string(), "{port}"},
              free_loopback_port()) {
  std::filesystem::create_directories(dir_.path() / "api/v3/domains");
  server_.start();
}

void FakeVirusTotal::answer(const std::string& domain, int malicious) {
  const json::object body{
      {"data",
       {{"id", domain},
        {"type", "domain"},
        {"attributes",
         {{"reputation", 0},
          {"last_analysis_stats", {{"malicious", malicious}, {"suspicious", 0}, {"harmless", 60}, {"undetected", 10}}}}}}}};
  std::ofstream(dir_.path() / "api/v3/domains" / domain) << json::serialize(body);
}

}  // namespace domainscan::testing
