#include "support/response_log.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <mutex>

namespace domainscan::testing {

void log_response(const std::string& method, const std::string& target, int status,
                  const std::map<std::string, std::string>& headers, const std::string& body) {
  static const char* const directory = std::getenv("DOMAINSCAN_TEST_RESPONSE_LOG");
  if (directory == nullptr || *directory == '\0') return;
  const auto type = headers.find("content-type");
  const std::string content_type = type == headers.end() ? "" : type->second;
  boost::json::object line{{"method", method}, {"target", target}, {"status", status}, {"content_type", content_type}};
  // JSON bodies only: those are what the schema describes (the server writes them as UTF-8);
  // for the rest the status and type are checked.
  if (content_type.starts_with("application/json")) line["body"] = body;
  for (const char* name : {"retry-after", "location"}) {
    if (auto it = headers.find(name); it != headers.end()) line[name] = it->second;
  }
  static std::mutex mutex;
  const std::lock_guard lock(mutex);
  std::ofstream out(std::string(directory) + "/responses-" + std::to_string(::getpid()) + ".jsonl", std::ios::app);
  out << boost::json::serialize(line) << '\n';
}

}  // namespace domainscan::testing
